/*
 * unwind.h - walk a goroutine's stack with the pclntab, the way the Go
 * runtime's own unwinder does (runtime/traceback.go): frame sizes from the
 * pcsp table, return addresses from the word below each frame, and stop
 * at a function marked TOPFRAME (goexit) or SPWRITE.
 *
 * Works on a snapshot: every stack word comes from the memsnap copy.
 */
#ifndef GOINSPECT_UNWIND_H
#define GOINSPECT_UNWIND_H

#include "goproc.h"

/* One physical frame. */
struct pframe {
	struct gofunc fn;
	uint64_t pc, sp, fp;
	uint64_t argp;
	int trap;                       /* pc is not a return address */
	uint8_t callee_funcid;          /* funcID of the frame it called */
};

struct frames {
	struct pframe *f;
	size_t n, cap;
	int error;                      /* the walk stopped on bad data */
	char why[128];
};

/*
 * Walk g from its saved state.  At most max frames are kept (the walk
 * itself is bounded by the stack size).  Returns 0, or -1 if not even the
 * first frame could be found (why says so).
 */
int unwind_goroutine(struct goproc *gp, struct snapshot *s,
		     const struct gsnap *g, struct frames *out, size_t max);
void frames_free(struct frames *fr);

#endif
