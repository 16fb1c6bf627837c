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

struct govalue {
	const struct gotype *type;
	uint64_t addr;
	int flags;
	char *err;
	union {
		uint64_t u;
		int64_t i;
		double f;
	} n;
	double imag;            /* complex: n.f is the real part */
	char *bytes;            /* string / []byte content read */
	uint64_t nbytes;
	uint64_t len, cap;      /* string, slice, array, map, chan */
	struct govalue *kids;   /* elements, fields, map key/value pairs,
				 * the pointee, an interface's value */
	uint64_t nkids;
	uint64_t omitted;       /* elements or bytes left out by a limit */
	char *str;              /* dynamic type name, function name */
	int closed;             /* chan */
	int64_t *waiters;       /* chan: recvq goids, then sendq goids */
	uint64_t nrecv, nsend;
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
