/*
 * fuzz_unwind.c - libFuzzer harness for the unwinder (src/unwind.c) and
 * the printer on top of it (src/traceback.c), over arbitrary stack memory.
 *
 * A goroutine's stack is copied from the target into a memsnap and then
 * walked: every word of it is input.  So are the pclntab that gives frame
 * sizes and the saved registers.  The input carries all three:
 *
 *   0       u8   Go release: 1.(19 + b % 9)
 *   1       u8   bits 0-1: where the walk starts (enum unwind_from),
 *                bit 2: -a (system frames), bits 3-7: g status
 *   2       u16  length L of the pclntab that follows
 *   4       L    the .gopclntab section (funcdata offsets are relative to
 *                it, so argument programs and inline trees come from it)
 *   4+L     u64  pc, sp, stack.lo, stack.hi, gopc, goid, and the address
 *                at which the rest is mapped
 *   4+L+56  ...  the stack copy
 *
 * fuzz/mkseeds.py writes seeds with a small well-formed pclntab and stacks
 * that unwind through several frames.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzzimg.h"
#include "traceback.h"

#define HDR 4
#define GFIELDS 56

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* FUZZ_UNWIND_PRINT=1 shows the tracebacks (to check the seeds). */
	devnull = getenv("FUZZ_UNWIND_PRINT") ? stdout
					      : fopen("/dev/null", "w");
	return 0;
}

/* funcIDs that the harness's tables may use for the special functions. */
static void set_funcids(struct goproc *gp)
{
	gp->fid.wrapper = (uint8_t)gp->L->fn.funcid_wrapper;
	gp->fid.goexit = (uint8_t)gp->L->fn.funcid_goexit;
	gp->fid.gopanic = (uint8_t)gp->L->fn.funcid_gopanic;
	gp->fid.runtime_main = (uint8_t)gp->L->fn.funcid_runtime_main;
	gp->fid.sigpanic = 30;
	gp->fid.asyncpreempt = 31;
	gp->fid.debugcall = 32;
	gp->fid.panicwrap = 33;
	gp->fid.cgocallback = 34;
}

static void run(struct goproc *gp, struct snapshot *s, struct gsnap *g,
		int system)
{
	struct tb_opts o = { .system = system };
	struct tb tb;

	traceback_print(devnull, gp, s, g, &o);
	traceback_build(gp, s, g, &o, &tb);
	for (size_t i = 0; i < tb.n; i++)
		fputs(tb.f[i].file, devnull);
	traceback_free(&tb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct goproc gp;
	struct elf_section sec;
	struct snapshot s;
	struct gsnap g;
	const uint8_t *p;
	uint16_t plen;
	uint8_t *stack;
	size_t slen;
	struct pcvalue_cache *cache;

	if (size < HDR)
		return 0;
	memcpy(&plen, data + 2, 2);
	if (size < HDR + (size_t)plen + GFIELDS)
		return 0;
	/* A fresh goproc, but the pclntab's value cache is kept (it is
	 * emptied by pclntab_open): allocating it per input is slow. */
	cache = gp.pcln.cache;
	memset(&gp, 0, sizeof(gp));
	gp.pcln.cache = cache;
	gp.ver = (struct go_version){ 1, 19 + data[0] % 9, 0 };
	gp.L = fuzz_layout(gp.ver.minor);
	set_funcids(&gp);
	fuzzimg_section(&sec, ".gopclntab", FUZZ_PCLN_ADDR, data + HDR, plen);
	fuzzimg_init(&gp.img, &sec, 1);
	if (pclntab_open(&gp.pcln, &gp.img, gp.L, 0, FUZZ_PCLN_ADDR) < 0)
		return 0;

	p = data + HDR + plen;
	memset(&g, 0, sizeof(g));
	g.from = (enum unwind_from)(data[1] & 3);
	g.status = data[1] >> 3;
	g.pc = fuzz_u64(p);
	g.sp = fuzz_u64(p + 8);
	g.stack_lo = fuzz_u64(p + 16);
	g.stack_hi = fuzz_u64(p + 24);
	g.gopc = fuzz_u64(p + 32);
	g.goid = fuzz_u64(p + 40);
	g.parent_goid = 1;

	memset(&s, 0, sizeof(s));
	memsnap_init(&s.mem);
	slen = size - (HDR + plen + GFIELDS);
	stack = malloc(slen ? slen : 1);
	memcpy(stack, p + GFIELDS, slen);
	memsnap_add(&s.mem, fuzz_u64(p + 48), stack, slen);
	run(&gp, &s, &g, (data[1] >> 2) & 1);
	memsnap_free(&s.mem);
	return 0;
}
