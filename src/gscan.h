/*
 * gscan.h - read every goroutine of a Go process, mostly while it runs.
 *
 * A dump of 100,000 goroutines reads tens of megabytes; reading it all
 * while the target is stopped would stop it for longer than the runtime's
 * own runtime.Stack(all).  So the read is split in two (doc/INTERNALS.md,
 * "The snapshot"):
 *
 *  1. gscan_prefetch(), target running: the allgs array, every g (whole
 *     runs of neighbouring g structures in one piece each) and the used
 *     stack of every goroutine that is not running.
 *  2. gscan_read(), target stopped: allgs and every g again, in the same
 *     few large pieces.  A goroutine whose g is byte for byte what it was
 *     in step 1 and that is parked has not run since (see gscan.c), so
 *     its stack copy from step 1 is kept; the stacks of the others (new,
 *     changed, running, in a system call) are read now.
 *  3. gscan_finish(), target released again: decode the g structures,
 *     choose where each backtrace starts, and add the stacks to the
 *     snapshot's memsnap.
 *
 * Without step 1 (a target that is already held), step 2 reads everything.
 */
#ifndef GOINSPECT_GSCAN_H
#define GOINSPECT_GSCAN_H

#include "goproc.h"

/* Where each g of an allgs array lies in a buffer of large reads. */
struct gplan {
	size_t n;                       /* g pointers planned */
	uint64_t *ptrs;                 /* allgs[0:n] as read */
	size_t *off;                    /* g i is at buf + off[i] */
	uint32_t *range;                /* the piece g i lies in */
	struct target_iov *iov;         /* the pieces (buf relative to 0) */
	size_t niov;
	size_t buflen;
	uint64_t *sorted;               /* ptrs, sorted */
	size_t *order;                  /* indexes of ptrs in address order */
	size_t *bat_r, *bat_k, nbat;    /* batches of step 2 (gscan.c) */
};

struct gscan {
	int have;                       /* step 1 ran */
	struct gplan plan;
	uint8_t *img1;                  /* step 1 images (plan.buflen) */
	uint8_t *ok1;                   /* image i was read in step 1 */
	uint8_t *st1;                   /* per g: ST_* of its step 1 stack */
	uint64_t *st_addr;              /* step 1 stack piece of g i */
	size_t *st_off, *st_len;        /* ... at st_arena + st_off[i] */
	uint8_t *st_arena;
	uint8_t *img2;                  /* step 2 images of changed g, the
					 * first ones faulted in early */
	size_t img2_used;               /* images in img2 */
	uint64_t *ptrs2;                /* step 2 allgs; it and the arrays
					 * below have room for cap2 */
	size_t cap2, n2;
	/* step 2 results, per index of ptrs2 */
	uint8_t *state;                 /* GS_* */
	uint8_t *ok2;                   /* g i was read in step 2 */
	uint8_t *hot;                   /* nhot batch buffers, one a thread */
	size_t nhot, nthreads;          /* nthreads re-read in step 2 */
	const uint8_t **img;            /* the image to decode */
	uint8_t *extra;                 /* images of g that step 1 had not */
	size_t reused, fresh;           /* how many stacks kept / read now */
};

/* Step 1, target running, for a snapshot of flags (SNAP_*).  Failures
 * only make step 2 read more. */
void gscan_prefetch(struct goproc *gp, struct gscan *sc, int flags);
/* Step 2, target stopped, s->m already read.  Returns 0 or -1. */
int gscan_read(struct goproc *gp, struct gscan *sc, int flags,
	       struct snapshot *s);
/* Step 3, target released: fill s->g and the stacks in s->mem. */
void gscan_finish(struct goproc *gp, struct gscan *sc, int flags,
		  struct snapshot *s);
void gscan_free(struct gscan *sc);

#endif
