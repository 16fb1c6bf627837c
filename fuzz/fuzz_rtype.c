/*
 * fuzz_rtype.c - libFuzzer harness for gotype_from_rt() in src/gotype.c:
 * the runtime's type descriptors (abi.Type and the kind-specific parts,
 * names, uncommon types, struct fields), read from arbitrary memory.
 *
 * Input: byte 0 picks the Go release whose layout is used (1.19..1.27),
 * bytes 1-2 (little-endian) the offset of the descriptor, byte 3 the
 * reading limits; the rest is served as target memory (fuzzproc.h), and
 * descriptor name offsets are relative to its start.  A type that comes
 * out is then used as `print` would: its map layout, a value of it, a
 * slice of it, a pointer to it.
 */
#include "fuzzimg.h"
#include "fuzzproc.h"
#include "value.h"

static int each(void *ctx, uint64_t k, uint64_t e)
{
	(void)k;
	(void)e;
	return ++*(int *)ctx >= 64;
}

static void use(struct gotypes *ts, const struct gomem *mem,
		struct gotype *t, uint8_t opt)
{
	struct valopts o = { 1u << (opt & 15), 1u << ((opt >> 4) & 7),
			     (opt >> 7) * 3 + 1 };
	struct govalue v;
	struct gotype *u;
	uint64_t len;
	int n = 0, busy;

	if (t->kind == GK_MAP && gotype_map_layout(ts, t) == 0) {
		(void)value_map_each(ts, mem, t, FUZZ_MEM_BASE + 8, each, &n,
				     &busy);
		(void)value_map_len(ts, mem, FUZZ_MEM_BASE + 8, &len);
	}
	(void)value_read(ts, mem, &o, t, FUZZ_MEM_BASE, &v);
	value_free(&v);
	if ((u = gotype_slice_of(ts, t))) {
		(void)value_read(ts, mem, &o, u, FUZZ_MEM_BASE + 16, &v);
		value_free(&v);
	}
	if ((u = gotype_pointer_to(ts, t))) {
		(void)value_read(ts, mem, &o, u, FUZZ_MEM_BASE + 24, &v);
		value_free(&v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct goproc gp;
	static int opened;
	struct fuzzmem fm;
	struct gomem mem = { .read = fuzzmem_read, .ctx = &fm };
	struct gotypes *ts;
	struct gotype *t;
	uint64_t off;

	if (!opened) {
		fuzzproc_open(&gp, "values-new");
		opened = 1;
	}
	if (size < 5)
		return 0;
	gp.ver.minor = 19 + data[0] % 9;
	gp.L = fuzz_layout(gp.ver.minor);
	fm.p = data + 4;
	fm.n = size - 4;
	off = (data[1] | (uint64_t)data[2] << 8) % fm.n;
	ts = gotypes_new(&gp);
	gotypes_set_mem(ts, &mem);
	if ((t = gotype_from_rt(ts, FUZZ_MEM_BASE + off)))
		use(ts, &mem, t, data[3]);
	gotypes_free(ts);
	return 0;
}
