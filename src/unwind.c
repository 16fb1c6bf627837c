/*
 * unwind.c - the pclntab unwinder for goroutine stacks (amd64).
 *
 * On amd64 a Go frame is: [locals][saved BP][return address] with the
 * caller's argument spill area above it.  pcsp gives, for each pc, how far
 * SP is below the frame's top, so fp = sp + spdelta + 8 and the return
 * address sits at fp - 8.  No frame pointers are needed.
 */
#include "unwind.h"
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_LIMIT 1000000     /* far more than any real stack */

void frames_free(struct frames *fr)
{
	free(fr->f);
	memset(fr, 0, sizeof(*fr));
}

static int is_injected(const struct funcids *id, uint8_t funcid)
{
	/* sigpanic, asyncPreempt, debugCallV2 leave a pc that is not a
	 * return address in the frame that was interrupted. */
	return funcid != 0 && (funcid == id->sigpanic ||
			       funcid == id->asyncpreempt ||
			       funcid == id->debugcall);
}

static void push(struct frames *out, const struct pframe *pf, size_t max)
{
	if (out->n >= max)
		return;
	xgrow((void **)&out->f, &out->cap, out->n + 1, sizeof(*out->f));
	out->f[out->n++] = *pf;
}

/* Fill fp/argp of pf and return the caller's pc (0 at the top). */
static uint64_t resolve(struct goproc *gp, struct snapshot *s,
			struct pframe *pf, int innermost_syscall,
			int innermost_regs, struct frames *out)
{
	int32_t delta = pclntab_spdelta(&gp->pcln, &pf->fn, pf->pc);
	uint8_t flag = pf->fn.flag;
	uint64_t lr;

	/* cgocallback writes SP, but it lays out its frame on the goroutine
	 * stack so that the unwinder can continue into the Go code that
	 * called C (runtime/asm_amd64.s), and the runtime unwinds through it. */
	if (innermost_syscall || (pf->fn.funcid &&
				  pf->fn.funcid == gp->fid.cgocallback))
		flag &= (uint8_t)~FUNCFLAG_SPWRITE;
	/* -1 is "no value".  Other negative deltas are real in a leaf
	 * caught running after it popped its return address (as
	 * syscall.rawVforkSyscall does around vfork): the runtime takes
	 * them as they are, and so do we, for that innermost frame. */
	if (delta < 0 && (delta == -1 || !innermost_regs)) {
		out->error = 1;
		snprintf(out->why, sizeof(out->why),
			 "no frame size for %s at pc %#llx",
			 pclntab_name(&gp->pcln, &pf->fn),
			 (unsigned long long)pf->pc);
		delta = 0;
	}
	pf->fp = pf->sp + (uint64_t)delta + 8;
	pf->argp = pf->fp;
	if (flag & (FUNCFLAG_TOPFRAME | FUNCFLAG_SPWRITE))
		return 0;
	if (memsnap_read_u64(&s->mem, pf->fp - 8, &lr) < 0) {
		out->error = 1;
		snprintf(out->why, sizeof(out->why),
			 "stack word at %#llx not readable",
			 (unsigned long long)(pf->fp - 8));
		return 0;
	}
	return lr;
}

int unwind_goroutine(struct goproc *gp, struct snapshot *s,
		     const struct gsnap *g, struct frames *out, size_t max)
{
	struct pframe pf;
	uint64_t lr;
	int first = 1;

	memset(out, 0, sizeof(*out));
	memset(&pf, 0, sizeof(pf));
	pf.pc = g->pc;
	pf.sp = g->sp;
	pf.trap = g->from == FROM_REGS;
	if (g->from == FROM_NONE) {
		snprintf(out->why, sizeof(out->why), "no saved state");
		return -1;
	}
	if (pf.pc == 0) {       /* as the runtime does: pc is on the stack */
		if (memsnap_read_u64(&s->mem, pf.sp, &pf.pc) < 0)
			return -1;
		pf.sp += 8;
	}
	if (pclntab_find(&gp->pcln, pf.pc, &pf.fn) < 0) {
		snprintf(out->why, sizeof(out->why), "unknown pc %#llx",
			 (unsigned long long)pf.pc);
		return -1;
	}
	for (size_t n = 0; n < FRAME_LIMIT; n++) {
		int syscall0 = first && g->from == FROM_SYSCALL;
		struct pframe next;

		lr = resolve(gp, s, &pf, syscall0,
			     first && g->from == FROM_REGS, out);
		push(out, &pf, max);
		first = 0;
		if (!lr)
			return 0;
		memset(&next, 0, sizeof(next));
		if (pclntab_find(&gp->pcln, lr, &next.fn) < 0) {
			out->error = 1;
			snprintf(out->why, sizeof(out->why),
				 "unexpected return pc for %s called from %#llx",
				 pclntab_name(&gp->pcln, &pf.fn),
				 (unsigned long long)lr);
			return 0;
		}
		/* Each caller's frame is above its callee's: a frame top
		 * outside the goroutine's stack means the data is bad. */
		if (pf.fp > g->stack_hi) {
			out->error = 1;
			snprintf(out->why, sizeof(out->why),
				 "frame of %s ends above the stack (0x%llx)",
				 pclntab_name(&gp->pcln, &pf.fn),
				 (unsigned long long)pf.fp);
			return 0;
		}
		next.trap = is_injected(&gp->fid, pf.fn.funcid);
		next.callee_funcid = pf.fn.funcid;
		next.pc = lr;
		next.sp = pf.fp;
		pf = next;
	}
	return 0;
}
