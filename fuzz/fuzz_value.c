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
 * value_map_each(), as m["k"] does.
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

static int each(void *ctx, uint64_t k, uint64_t e)
{
	(void)k;
	(void)e;
	return ++*(int *)ctx >= 64;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int opened;
	struct fuzzmem fm;
	struct gomem mem = { fuzzmem_read, &fm };
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
	old = data[0] >> 7;
	t = gotype_parse(dw[old], types[(data[0] & 0x7f) % NTYPES]);
	if (t && t->kind == GK_MAP)
		(void)gotype_map_layout(dw[old], t);
	ts = gotypes_new(&gp[old]);
	gotypes_set_mem(ts, &mem);
	if (t) {
		(void)value_read(ts, &mem, &o, t, FUZZ_MEM_BASE, &v);
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
