/*
 * traceback.h - goroutine backtraces in the exact text of the target's Go
 * release (what runtime.Stack(buf, true) prints), and the same frames as
 * data for JSON.
 *
 * The rules follow runtime/traceback.go of each release: which frames are
 * hidden (runtime internals, wrappers), how inlined frames and arguments
 * print, how very deep stacks are elided, and the "created by" trailer.
 */
#ifndef GOINSPECT_TRACEBACK_H
#define GOINSPECT_TRACEBACK_H

#include <stdio.h>

#include "goproc.h"
#include "unwind.h"

struct tb_opts {
	int system;             /* GOTRACEBACK=system: all frames, gp=/m= */
};

/* One printed (logical) frame. */
struct lframe {
	char func[512];
	const char *file;
	int32_t line;
	int inlined;
	uint64_t pc;                    /* pc giving its file:line */
	const struct pframe *pf;        /* its physical frame */
};

struct tb {
	struct frames phys;
	struct lframe *f;
	size_t n, cap;
	long elided;            /* frames left out in the middle (1.21+) */
	size_t elided_at;       /* index in f before which they were */
	int more_elided;        /* "...additional frames elided..." (<= 1.20) */
	int unwind_failed;      /* no stack could be walked */
	int running_elsewhere;  /* running on another thread, no stack */
	/* created by */
	int has_creator;
	char creator[512];
	const char *creator_file;
	int32_t creator_line;
	uint64_t creator_off;   /* pc - entry, 0 if none */
	uint64_t creator_goid;  /* 0 if the release does not print it */
};

/* Build the frames of g as the release would print them. */
void traceback_build(struct goproc *gp, struct snapshot *s,
		     const struct gsnap *g, const struct tb_opts *o,
		     struct tb *tb);
void traceback_free(struct tb *tb);

/* The status text of the header ("chan receive", "running"...). */
const char *traceback_status(const struct goproc *gp, const struct gsnap *g);
/* Whole minutes g has waited, or 0. */
long traceback_wait_minutes(const struct gsnap *g, const struct snapshot *s);
/* Should g appear in a runtime.Stack(all) dump at this level? */
int traceback_listed(const struct goproc *gp, const struct gsnap *g,
		     const struct tb_opts *o);

/* Print the header, frames and trailer of g (no blank line before).
 * Returns 0, or 1 when the stack could not be walked to its end (a line
 * saying why is printed where the frames stop). */
int traceback_print(FILE *out, struct goproc *gp, struct snapshot *s,
		    const struct gsnap *g, const struct tb_opts *o);

#endif
