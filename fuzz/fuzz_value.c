/*
 * fuzz_value.c - libFuzzer harness for src/value.c: strings, slices,
 * arrays, structs, pointers, interfaces, maps (hash buckets and swiss
 * tables), channels and funcs, read from arbitrary memory.
 *
 * Input: byte 0 picks a type from the list below (bit 7: resolved in
 * fixtures/values built with Go 1.19, with bucket maps, else Go 1.26, with
 * swiss maps), byte 1 the reading limits; the rest is served as target
 * memory (fuzzproc.h) and the value is at its start.  Interfaces lead to
 * descriptors in the same memory.  Maps are also walked with
 * value_map_each(), as m["k"] does, and streamed as print does
 * (value_stream_open, then each entry read again): the entries must come
 * out equal to the whole tree's, or the harness aborts.  (Only when the
 * tree took fewer than STREAM_READS reads: streaming reads everything
 * twice more, and the bounded worst cases already take seconds.)
 *
 * The types of the list are resolved once per executable (indexing its
 * DWARF for every input would make this ten times slower); each input is
 * read with a fresh struct gotypes, so the descriptors that interfaces
 * lead to never outlive the input that held them.
 */
#include "fuzzproc.h"
#include "value.h"

static const char *const types[] = {
	"string", "[]uint8", "[]string", "[]int", "[4]int", "[2]string",
	"main.Point", "main.Config", "*main.Point", "*main.Node", "main.Node",
	"interface {}", "error", "map[string]int", "map[int]string",
	"map[int]int", "map[main.BigKey]main.BigVal", "map[float64]string",
	"map[string][]main.Point", "map[string]interface {}",
	"map[string]struct {}", "net/http.Header", "func(string) string",
	"chan int", "chan string", "chan bool", "unsafe.Pointer",
	"complex128", "float32", "main.Celsius", "uintptr", "bool", "int8",
	"[]interface {}", "map[string]map[int]string", "*map[string]int",
	"[]map[int]int", "struct {}", "[3]main.Point", "chan main.Point",
	"[]chan int", "*interface {}",
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

static struct goproc gp[2];
static struct gotypes *dw[2];           /* the list's types, kept */

#define STREAM_READS 100000

/* The input as memory, counting the reads (and without prefetch hints:
 * the slow inputs stay as slow as before streaming was checked). */
struct countmem {
	struct fuzzmem fm;
	uint64_t reads;
};

static int count_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct countmem *c = ctx;

	c->reads++;
	return fuzzmem_read(&c->fm, addr, buf, len);
}

static void no_prefetch(void *ctx, uint64_t addr)
{
	(void)ctx;
	(void)addr;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Two channels' closed flag and waiting goroutines (a nil channel has
 * none read). */
static int same_wait(const struct govalue *a, const struct govalue *b)
{
	if (!a->wait || !b->wait)
		return a->wait == b->wait;
	return a->closed == b->closed && a->wait->nrecv == b->wait->nrecv &&
	       a->wait->nsend == b->wait->nsend &&
	       !memcmp(a->wait->ids, b->wait->ids,
		       (a->wait->nrecv + a->wait->nsend) *
		       sizeof(*a->wait->ids));
}

/* Are two trees equal, node for node? */
static int same(const struct govalue *a, const struct govalue *b)
{
	int k = a->type ? a->type->kind : -1;

	if (a->type != b->type || a->flags != b->flags || a->addr != b->addr ||
	    a->n.u != b->n.u || a->len != b->len)
		return 0;
	if (a->flags & VF_ERROR)
		return same_str(a->err, b->err);
	if (a->flags & VF_BYTES)
		return a->nbytes == b->nbytes && a->omitted == b->omitted &&
		       !memcmp(a->bytes, b->bytes, a->nbytes);
	if (k == GK_CHAN && !same_wait(a, b))
		return 0;
	if ((k == GK_COMPLEX64 || k == GK_COMPLEX128 || k == GK_SLICE ||
	     k == GK_ARRAY || k == GK_CHAN) && a->cap != b->cap)
		return 0;
	if ((k == GK_INTERFACE || k == GK_FUNC) && !same_str(a->str, b->str))
		return 0;
	if (k == GK_FUNC || a->nkids != b->nkids || a->omitted != b->omitted)
		return k == GK_FUNC;
	for (uint64_t i = 0; i < a->nkids; i++)
		if (!same(&a->kids[i], &b->kids[i]))
			return 0;
	return 1;
}

/* The map at the top, streamed, against v, the whole tree. */
static void check_stream(struct gotypes *ts, const struct gomem *mem,
			 const struct valopts *o, struct gotype *t,
			 const struct govalue *v)
{
	struct valstream *s;
	struct govalue sv, k, e;
	uint64_t n;

	(void)value_stream_open(ts, mem, o, t, FUZZ_MEM_BASE, &sv, &s);
	n = value_stream_len(s);
	if (!s || sv.flags != v->flags || sv.len != v->len ||
	    sv.n.u != v->n.u || sv.omitted != v->omitted ||
	    ((v->flags & VF_ERROR) && !same_str(sv.err, v->err)) ||
	    n != v->nkids / 2)
		abort();
	for (uint64_t i = 0; i < n; i++) {
		(void)value_stream_entry(s, mem, i, &k, &e);
		if (!same(&k, &v->kids[2 * i]) ||
		    !same(&e, &v->kids[2 * i + 1]))
			abort();
	}
	value_stream_close(s);
	value_free(&sv);
}

static int each(void *ctx, uint64_t k, uint64_t e)
{
	(void)k;
	(void)e;
	return ++*(int *)ctx >= 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int opened;
	struct countmem cm = { { NULL, 0 }, 0 };
	struct fuzzmem fm;
	struct gomem mem = { .read = fuzzmem_read, .ctx = &fm,
			     .prefetch = no_prefetch };
	struct gomem counted = { .read = count_read, .ctx = &cm };
	struct valopts o;
	struct govalue v;
	struct gotypes *ts;
	struct gotype *t;
	uint64_t len, hdr;
	int n = 0, busy, old;

	if (!opened) {
		fuzzproc_open(&gp[0], "values-new");
		fuzzproc_open(&gp[1], "values-old");
		dw[0] = gotypes_new(&gp[0]);
		dw[1] = gotypes_new(&gp[1]);
		opened = 1;
	}
	if (size < 3)
		return 0;
	o.max_string = 1u << (data[1] & 15);
	o.max_elems = 1u << ((data[1] >> 4) & 7);
	o.depth = (data[1] >> 7) * 3 + 1;
	fm.p = data + 2;
	fm.n = size - 2;
	cm.fm = fm;
	old = data[0] >> 7;
	t = gotype_parse(dw[old], types[(data[0] & 0x7f) % NTYPES]);
	if (t && t->kind == GK_MAP)
		(void)gotype_map_layout(dw[old], t);
	ts = gotypes_new(&gp[old]);
	gotypes_set_mem(ts, &mem);
	if (t) {
		(void)value_read(ts, &counted, &o, t, FUZZ_MEM_BASE, &v);
		if (t->kind == GK_MAP && cm.reads < STREAM_READS)
			check_stream(ts, &mem, &o, t, &v);
		value_free(&v);
	}
	if (t && t->kind == GK_MAP && fuzzmem_read(&fm, FUZZ_MEM_BASE, &hdr,
						   8) == 0) {
		(void)value_map_len(ts, &mem, hdr, &len);
		if (gotype_map_layout(ts, t) == 0)
			(void)value_map_each(ts, &mem, t, hdr, each, &n,
					     &busy);
	}
	gotypes_free(ts);
	return 0;
}
