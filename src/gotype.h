/*
 * gotype.h - Go types as goinspect understands them: kind, size, element,
 * key and field types, and the runtime's map layout for a map type.
 *
 * Types come from three places, all producing the same struct gotype:
 *   - the binary's DWARF (libdw), when it has any: named types and the
 *     types of globals;
 *   - the runtime's own type descriptors (abi.Type) in the target, which
 *     every binary has, stripped or not: the dynamic type of an interface,
 *     and every type of a stripped binary (enumerated from the module's
 *     typelinks and itabs, or on Go 1.27 by walking the descriptors);
 *   - construction from parts, for composite types the binary never built
 *     ([]main.Point when only main.Point exists).
 * gotype_parse() reads Go type syntax and resolves it against all three.
 *
 * Types are owned by their struct gotypes and live until gotypes_free().
 * Everything read from the target or the binary is untrusted: counts and
 * nesting are bounded, and a garbage descriptor yields an error, not a
 * crash.
 */
#ifndef GOINSPECT_GOTYPE_H
#define GOINSPECT_GOTYPE_H

#include <stddef.h>
#include <stdint.h>

struct goproc;

/* abi.Kind numbering (the same in DW_AT_go_kind). */
enum gokind {
	GK_INVALID, GK_BOOL, GK_INT, GK_INT8, GK_INT16, GK_INT32, GK_INT64,
	GK_UINT, GK_UINT8, GK_UINT16, GK_UINT32, GK_UINT64, GK_UINTPTR,
	GK_FLOAT32, GK_FLOAT64, GK_COMPLEX64, GK_COMPLEX128, GK_ARRAY,
	GK_CHAN, GK_FUNC, GK_INTERFACE, GK_MAP, GK_POINTER, GK_SLICE,
	GK_STRING, GK_STRUCT, GK_UNSAFEPTR, GK_NKINDS
};

/*
 * A reader of target memory: fills buf with len bytes at addr and returns
 * 0, or returns -1 when any of it cannot be read.  The value readers take
 * one so they can run on a live process, on a copy, or on fuzzed bytes.
 * prefetch, when not NULL, is a hint that addr will be read soon (a copy
 * may start to bring it into the CPU's cache); it reads nothing.
 */
struct gomem {
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	void *ctx;
	void (*prefetch)(void *ctx, uint64_t addr);
};

struct gotype;

struct gofield {
	char *name;
	struct gotype *type;
	uint64_t off;
	int embedded;
};

/* Where keys and values sit in a map's bucket or group. */
struct gomaplayout {
	int swiss;                  /* Go 1.24+ swiss tables, else buckets */
	uint64_t groupsize;         /* bucket (old) or group (swiss) size */
	uint64_t keysoff, keystride;
	uint64_t elemsoff, elemstride;
	int indirect_key, indirect_elem; /* slot holds a pointer to it */
};

struct gotype {
	uint8_t kind;               /* enum gokind */
	uint8_t align;
	int named;                  /* a defined type (main.Config) */
	int nonempty_iface;         /* interface with methods (iface) */
	int direct_iface;           /* stored in an interface's data word */
	char *name;                 /* Go syntax: "main.Config", "[]int" */
	uint64_t size;
	struct gotype *elem;        /* array, chan, map, pointer, slice */
	struct gotype *key;         /* map */
	uint64_t len;               /* array */
	struct gofield *fields;     /* struct */
	size_t nfields;
	uint64_t rt;                /* runtime descriptor address, or 0 */
	struct gomaplayout map;     /* map, filled by gotype_map_layout */
	int map_have;
};

struct gotypes;

/*
 * Set up type lookup for gp.  Reads nothing yet: DWARF and the runtime's
 * type list are read on first need.  Free with gotypes_free().
 */
struct gotypes *gotypes_new(struct goproc *gp);
void gotypes_free(struct gotypes *ts);

/* Read descriptors through mem from now on (a cached snapshot reader);
 * NULL returns to plain target reads. */
void gotypes_set_mem(struct gotypes *ts, const struct gomem *mem);

/* The type of a runtime descriptor at addr; NULL with diag_set(). */
struct gotype *gotype_from_rt(struct gotypes *ts, uint64_t addr);

/*
 * Parse Go type syntax (`main.Config`, `*net/http.Request`,
 * `map[string][]main.Point`, `[4]int`, `chan int`, `interface {}`) and
 * resolve it.  NULL with diag_set() when a name is unknown or the syntax
 * is wrong.
 */
struct gotype *gotype_parse(struct gotypes *ts, const char *expr);

/* A named type by its full name; NULL if unknown. */
struct gotype *gotype_lookup(struct gotypes *ts, const char *name);

/* Composite types from parts (an existing identical type if known). */
struct gotype *gotype_pointer_to(struct gotypes *ts, struct gotype *elem);
struct gotype *gotype_slice_of(struct gotypes *ts, struct gotype *elem);

/* Fill t->map for a map type (from its descriptor, or computed from the
 * key and element like the compiler does).  0 or -1 with diag_set(). */
int gotype_map_layout(struct gotypes *ts, struct gotype *t);

/* Call fn for each type name known that matches the regexp re (types
 * with DWARF names, else runtime names), sorted and unique.  Returns how
 * many matched, or -1 with diag_set() (bad regexp). */
int gotypes_each_name(struct gotypes *ts, const char *re,
		      void (*fn)(void *ctx, const char *name), void *ctx);

/* A global variable (DWARF, else the symbol table without a type). */
struct govar {
	const char *name;
	uint64_t addr;              /* runtime address */
	uint64_t size;
	struct gotype *type;        /* NULL if unknown */
};

/* The global named name, or NULL.  The result lives with ts. */
const struct govar *gotypes_var(struct gotypes *ts, const char *name);
/* Globals whose name matches re, sorted by name; -1 on a bad regexp. */
int gotypes_each_var(struct gotypes *ts, const char *re,
		     void (*fn)(void *ctx, const struct govar *v), void *ctx);

/* The name of the function whose entry is pc, or NULL. */
const char *gotypes_func_name(struct gotypes *ts, uint64_t pc);

/* Read the version-dependent goroutine id of g (for channel waiters). */
int gotypes_goid(struct gotypes *ts, const struct gomem *mem, uint64_t g,
		 int64_t *goid);

/* Go release of the target: nonzero if at least 1.minor. */
int gotypes_at_least(const struct gotypes *ts, int minor);

/* The name of a kind ("struct"). */
const char *gotype_kind_name(int kind);

#endif
