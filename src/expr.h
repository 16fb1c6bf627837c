/*
 * expr.h - the expression grammar of `print`:
 *
 *     expr     := '*' expr | postfix
 *     postfix  := primary { '.' NAME | '[' index ']' }
 *     primary  := GLOBAL                       main.cfg, net/http.DefaultClient
 *               | '(' TYPE ')' '(' ADDR ')'    a pointer, map, chan at ADDR
 *               | '(' expr ')'
 *     index    := INTEGER | "string" | NUMBER | true | false
 *
 * `*(*T)(ADDR)` is the T stored at ADDR; `(map[K]V)(ADDR)` and
 * `(chan T)(ADDR)` take ADDR as the header itself, since a map or channel
 * value is a pointer to its header.  m["k"] scans the map's slots and
 * compares keys; it never hashes.
 */
#ifndef GOINSPECT_EXPR_H
#define GOINSPECT_EXPR_H

#include "gotype.h"

/* Where a value is: at addr in memory, or a word held here (imm). */
struct exprval {
	struct gotype *type;
	uint64_t addr;
	int imm;
	uint64_t word;
};

/*
 * Evaluate expr.  Reads memory through mem (a snapshot reader while the
 * target is stopped; selectors, indexing and map lookups read).  Returns
 * 0, or -1 with diag_set().
 */
int expr_eval(struct gotypes *ts, const struct gomem *mem, const char *expr,
	      struct exprval *out);

/* A reader that serves an immediate value at EXPR_IMM_ADDR, else base. */
#define EXPR_IMM_ADDR 0xffffffffffff0000ull
struct expr_overlay {
	struct gomem mem;
	const struct gomem *base;
	uint64_t word;
};
void expr_overlay_init(struct expr_overlay *o, const struct gomem *base,
		       const struct exprval *v);

#endif
