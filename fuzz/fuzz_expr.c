/*
 * fuzz_expr.c - libFuzzer harness for src/expr.c and gotype_parse() in
 * src/gotype.c: the expressions and type syntax of `print`.
 *
 * Input: an expression (up to the first NUL byte), then the bytes served
 * as target memory (fuzzproc.h).  The names resolve against the DWARF of
 * fixtures/values built with Go 1.26, or with Go 1.19 when the last byte
 * of the input is odd.  The expression is parsed as a type, evaluated, and
 * its value read as `print` does.
 */
#include "expr.h"
#include "fuzzproc.h"
#include "value.h"

#define MAX_EXPR 1024

static struct goproc gp[2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int opened;
	char text[MAX_EXPR + 1];
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	struct fuzzmem fm = { NULL, 0 };
	struct gomem mem = { .read = fuzzmem_read, .ctx = &fm };
	struct valopts o = { 256, 64, 4 };
	struct expr_overlay ov;
	struct exprval ev;
	struct govalue v;
	struct gotypes *ts;

	if (!opened) {
		fuzzproc_open(&gp[0], "values-new");
		fuzzproc_open(&gp[1], "values-old");
		opened = 1;
	}
	if (tlen > MAX_EXPR)
		return 0;
	memcpy(text, data, tlen);
	text[tlen] = 0;
	if (nul) {
		fm.p = nul + 1;
		fm.n = size - tlen - 1;
	}
	ts = gotypes_new(&gp[size && (data[size - 1] & 1)]);
	gotypes_set_mem(ts, &mem);
	(void)gotype_parse(ts, text);
	if (expr_eval(ts, &mem, text, &ev) == 0 && ev.type) {
		expr_overlay_init(&ov, &mem, &ev);
		(void)value_read(ts, &ov.mem, &o, ev.type, ev.addr, &v);
		value_free(&v);
	}
	gotypes_free(ts);
	return 0;
}
