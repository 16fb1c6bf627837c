/*
 * value.h - read Go values out of target memory into a tree that can be
 * formatted later (after the target runs again).
 *
 * Every read goes through a struct gomem callback, so the readers work on
 * a live process, on a snapshot, or on arbitrary bytes (fuzzing).  What the
 * memory holds is untrusted: lengths, counts, pointer chains and nesting
 * are bounded, and a value that cannot be read becomes a node with an
 * error, never a crash or an unbounded read.
 *
 * Maps are read from their slots, never by looking keys up, for both
 * layouts: hash buckets (Go <= 1.23: overflow chains, indirect keys and
 * values, a map in the middle of growing read from old and new buckets)
 * and swiss tables (Go 1.24+: one group for small maps, else a directory
 * of tables).
 */
#ifndef GOINSPECT_VALUE_H
#define GOINSPECT_VALUE_H

#include "gotype.h"

/* Limits; 0 means no limit (the hard bounds in value.c still apply). */
struct valopts {
	uint64_t max_string;    /* bytes of a string or []byte */
	uint64_t max_elems;     /* elements of a slice, array or map */
	int depth;              /* pointers followed */
};

enum {
	VF_ERROR = 1,           /* err says why it could not be read */
	VF_NIL = 2,
	VF_CYCLE = 4,           /* pointer already expanded on this path */
	VF_DEPTH = 8,           /* pointer not followed: --depth reached */
	VF_BYTES = 16,          /* bytes holds the content ([]byte, string) */
	VF_WRITING = 32,        /* map was being written at the stop */
};

/*
 * One node of a value tree.  A big map is millions of these, so fields
 * that no kind uses together share their room (the kind of the type and
 * the flags say which member holds).  Everything a tree points to (kids,
 * bytes, strings) lies in an arena that the root owns.
 */
/* The goroutines waiting on a channel: ids[0:nrecv] receive, then
 * ids[nrecv:nrecv+nsend] send. */
struct chanwait {
	uint32_t nrecv, nsend;
	int64_t *ids;
};

struct govalue {
	const struct gotype *type;
	uint64_t addr;
	union {
		uint64_t u;
		int64_t i;
		double f;
	} n;
	uint64_t len;           /* string, slice, array, map, chan */
	union {
		uint64_t cap;   /* slice, array, chan */
		double imag;    /* complex: n.f is the real part */
	};
	union {
		struct govalue *kids;   /* elements, fields, map key/value
					 * pairs, the pointee, an
					 * interface's value */
		char *bytes;    /* VF_BYTES: string / []byte content read */
	};
	union {
		uint64_t nkids;
		uint64_t nbytes;
	};
	uint64_t omitted;       /* elements or bytes left out by a limit */
	union {
		char *err;      /* VF_ERROR: why it could not be read */
		char *str;      /* dynamic type name, function name */
		struct chanwait *wait;  /* chan (never NULL once read) */
	};
	uint32_t flags;
	uint32_t closed;        /* chan */
	struct valarena *arena; /* the root: what the tree points to */
};

/*
 * Read a value of type t at addr into *v (zeroed first).  Returns 0 when
 * everything was read, 1 when some node carries an error or was cut by
 * the hard bounds (the tree is still usable).  Free with value_free().
 */
int value_read(struct gotypes *ts, const struct gomem *mem,
	       const struct valopts *o, const struct gotype *t,
	       uint64_t addr, struct govalue *v);
void value_free(struct govalue *v);

/*
 * A map too big to hold whole: read it while the target is stopped, then
 * format its entries one at a time from a copy of the memory read.
 *
 * value_stream_open() reads like value_read(); when t is a map, v gets
 * the map without its entries (no kids; len, flags, omitted and err are
 * as value_read would set them) and *s what is needed to read them
 * again: value_stream_entry() reads entry i of value_stream_len(*s) into
 * key and val, through mem, which must serve the same bytes as the mem
 * given to value_stream_open() (a copy of them).  An entry lives until the
 * next call or value_stream_close(); it comes out as value_read() would
 * have made it (same limits, bounds and cycle path).  For other types *s
 * is NULL and v holds the whole value.  Free v with value_free().
 */
struct valstream;
int value_stream_open(struct gotypes *ts, const struct gomem *mem,
		      const struct valopts *o, const struct gotype *t,
		      uint64_t addr, struct govalue *v, struct valstream **s);
uint64_t value_stream_len(const struct valstream *s);
int value_stream_entry(struct valstream *s, const struct gomem *mem,
		       uint64_t i, struct govalue *key, struct govalue *val);
void value_stream_close(struct valstream *s);

/*
 * Call fn with the addresses of the key and the value of each live entry
 * of the map whose header (hmap / maps.Map) is at hdr, until fn returns
 * nonzero (which is then returned).  Returns 0 at the end, -1 with
 * diag_set() when the map's structure is unreadable.  *busy is set when
 * the map was being written (its entries may be inconsistent).
 */
int value_map_each(struct gotypes *ts, const struct gomem *mem,
		   struct gotype *t, uint64_t hdr,
		   int (*fn)(void *ctx, uint64_t k, uint64_t e), void *ctx,
		   int *busy);

/* Header fields of a map or channel at hdr (len; cap for channels). */
int value_map_len(struct gotypes *ts, const struct gomem *mem,
		  uint64_t hdr, uint64_t *len);

#endif
