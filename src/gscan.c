/*
 * gscan.c - every goroutine: g structures and used stacks, read in two
 * steps so that the target is stopped only for a short re-read.
 *
 * Why a goroutine whose g is unchanged has not run: every time a
 * goroutine stops running (it parks, yields or is preempted) casgstatus
 * increments g.trackingSeq (Go 1.17+), and while it runs gogo clears
 * g.sched.sp; so a goroutine that ran between the two reads and parked
 * again shows a different g, unless it did so a multiple of 256 times
 * (trackingSeq is a uint8) and came back to the same sched, status,
 * wait reason and everything else.  What can still differ is memory that
 * another goroutine writes into a parked one's stack just before waking
 * it (a channel send copies the value into the receiver's frame); a read
 * during the stop can catch that half-done too.  Running goroutines,
 * goroutines in a system call (which leave and re-enter _Gsyscall
 * without touching trackingSeq) and goroutines being scanned or copied
 * always have their stack read during the stop.
 *
 * Reads are batched: neighbouring g structures (the heap hands them out
 * from the same spans) are read as one piece, since one more piece in a
 * process_vm_readv call costs about as much as copying 2 KiB.  During
 * the stop the pieces are re-read by one thread per CPU, each through a
 * buffer small enough to stay in the cache while it is compared.
 */
#define _GNU_SOURCE
#include "gscan.h"
#include "le.h"
#include "arch.h"
#include "diag.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_GOROUTINES (16u << 20)
#define MAX_STACK_COPY (64u << 20)      /* per goroutine */
#define RANGE_GAP 2048                  /* merge g structs closer than this */
#define RANGE_MAX (256u << 10)          /* bytes per piece */
#define HOT_BYTES (512u << 10)          /* step 2 re-reads this much at a
					 * time: it stays in the cache
					 * while compared */
_Static_assert(RANGE_MAX <= HOT_BYTES, "a piece must fit the hot buffer");
#define PRETOUCH_MAX (4u << 20)         /* changed g images faulted in
					 * before the stop */
#define PARALLEL_MIN 2048               /* g structures worth a thread */
#define THREADS_MAX 4                   /* re-reading threads */
#define PREFETCH_STACKS_MAX (1ull << 30)        /* bytes, all stacks */
#define ALLGS_SLACK 4096                /* goroutines born between steps */

#define GSTATUS_RUNNING 2
#define GSTATUS_SYSCALL 3
#define GSTATUS_DEAD 6
#define GSTATUS_COPYSTACK 8
#define GSCAN 0x1000

enum { ST_NONE, ST_OK, ST_FAIL };               /* step 1 stack */
enum { GS_BAD, GS_LATE, GS_FRESH };             /* step 2 decision */

static long usec_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* ---- decoding one g ---- */

static void decode_g(const struct goproc *gp, const uint8_t *b, uint64_t addr,
		     struct gsnap *g)
{
	const struct layout_g *G = &gp->L->g;

	memset(g, 0, sizeof(*g));
	g->addr = addr;
	g->stack_lo = rd64(b + G->stack_lo);
	g->stack_hi = rd64(b + G->stack_hi);
	g->stackguard0 = rd64(b + G->stackguard0);
	g->m = rd64(b + G->m);
	g->sched_sp = rd64(b + G->sched_sp);
	g->sched_pc = rd64(b + G->sched_pc);
	g->sched_bp = rd64(b + G->sched_bp);
	g->syscallsp = rd64(b + G->syscallsp);
	g->syscallpc = rd64(b + G->syscallpc);
	g->status = rd32(b + G->atomicstatus);
	g->goid = rd64(b + G->goid);
	g->waitsince = (int64_t)rd64(b + G->waitsince);
	g->waitreason = b[G->waitreason];
	g->lockedm = rd64(b + G->lockedm);
	g->parent_goid = G->parent_goid >= 0 ? rd64(b + G->parent_goid) : 0;
	g->gopc = rd64(b + G->gopc);
	g->startpc = rd64(b + G->startpc);
	g->labels = rd64(b + G->labels);
	g->waiting = rd64(b + G->waiting);
	g->m_id = -1;
}

static int status_dead(const struct goproc *gp, uint32_t st)
{
	st &= ~GSCAN;
	return st == GSTATUS_DEAD ||
	       (gp->L->gstatus_deadextra >= 0 &&
		st == (uint32_t)gp->L->gstatus_deadextra);
}

static int g_is_dead(const struct goproc *gp, const struct gsnap *g)
{
	return status_dead(gp, g->status);
}

/* Parked: not running, not in a system call, not being scanned or moved.
 * Only these keep a stack read while the target ran. */
static int status_parked(uint32_t st)
{
	return !(st & GSCAN) && st != GSTATUS_RUNNING &&
	       st != GSTATUS_SYSCALL && st != GSTATUS_COPYSTACK;
}

static const struct msnap *m_by_addr(const struct snapshot *s, uint64_t a)
{
	for (size_t i = 0; i < s->nm; i++)
		if (s->m[i].addr == a)
			return &s->m[i];
	return NULL;
}

/* Decide where a goroutine's backtrace starts, like the runtime's
 * unwinder does (traceback.go initAt), plus registers for running ones.
 * m is its M, on the M whose thread runs it now (both may be NULL). */
static void choose_unwind_start(struct gsnap *g, const struct msnap *m,
				const struct msnap *on)
{
	uint32_t st = g->status & ~GSCAN;

	g->from = FROM_NONE;
	if (m) {
		g->m_id = m->id;
		g->tid = m->tid;
	}
	if (st == GSTATUS_RUNNING && g->syscallsp == 0) {
		/* Running: the registers of the thread that has it in TLS
		 * are the truth, if that thread is on its stack right now. */
		const struct msnap *t = on ? on : m;

		if (t && t->have_regs && t->rsp >= g->stack_lo &&
		    t->rsp < g->stack_hi) {
			g->from = FROM_REGS;
			g->pc = t->rip;
			g->sp = t->rsp;
			g->tid = t->tid;
			return;
		}
	}
	if (g->syscallsp) {
		g->from = FROM_SYSCALL;
		g->pc = g->syscallpc;
		g->sp = g->syscallsp;
	} else if (g->sched_sp) {
		g->from = FROM_SCHED;
		g->pc = g->sched_pc;
		g->sp = g->sched_sp;
	}
	if (g->from != FROM_NONE &&
	    (g->sp < g->stack_lo || g->sp >= g->stack_hi))
		g->from = FROM_NONE;
}

/* Where g's stack copy starts: sp; for a goroutine caught running, 64
 * bytes lower, where a leaf that popped its return address before a
 * system call (syscall.rawVforkSyscall, around vfork) still has it. */
static uint64_t stack_start(const struct gsnap *g)
{
	if (g->from == FROM_REGS && g->sp - g->stack_lo >= 64)
		return g->sp - 64;
	return g->sp;
}

/* The stack piece to copy for g: [stack_start, stack.hi), bounded; 0 if
 * none. */
static size_t stack_piece(const struct goproc *gp, const struct gsnap *g)
{
	uint64_t len;

	if (g_is_dead(gp, g) || g->from == FROM_NONE)
		return 0;
	len = g->stack_hi - stack_start(g);
	return len > MAX_STACK_COPY ? MAX_STACK_COPY : (size_t)len;
}

/* ---- planning large reads ---- */

static const uint64_t *sort_base;

static int by_addr(const void *a, const void *b)
{
	uint64_t x = sort_base[*(const size_t *)a];
	uint64_t y = sort_base[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

/*
 * Cut the pieces into batches of at most HOT_BYTES, the unit of step 2's
 * re-read: batch b is pieces [bat_r[b], bat_r[b+1]), which hold the g
 * structures [bat_k[b], bat_k[b+1]) in address order.
 */
static void plan_batches(struct gplan *pl)
{
	size_t cap = 0, fill = 0, k = 0;

	pl->nbat = 0;
	for (size_t r = 0; r <= pl->niov; r++) {
		if (r < pl->niov && r > 0 &&
		    fill + pl->iov[r].len <= HOT_BYTES) {
			fill += pl->iov[r].len;
			continue;
		}
		/* A batch starts at piece r (or the end is reached). */
		while (k < pl->n && pl->range[pl->order[k]] < r)
			k++;
		xgrow((void **)&pl->bat_r, &cap, pl->nbat + 1, sizeof(size_t));
		pl->bat_k = xrealloc(pl->bat_k, cap * sizeof(size_t));
		pl->bat_r[pl->nbat] = r;
		pl->bat_k[pl->nbat] = r < pl->niov ? k : pl->n;
		pl->nbat++;
		fill = r < pl->niov ? pl->iov[r].len : 0;
	}
	pl->nbat--;     /* the last entry only closes the last batch */
}

/* Group the n g structures at ptrs into pieces of neighbours. */
static void plan_make(struct gplan *pl, const uint64_t *ptrs, size_t n,
		      size_t gsize)
{
	size_t *idx = xcalloc(n, sizeof(*idx)), cap = 0, buf = 0;

	memset(pl, 0, sizeof(*pl));
	pl->n = n;
	pl->ptrs = xcalloc(n, 8);
	memcpy(pl->ptrs, ptrs, n * 8);
	pl->off = xcalloc(n, sizeof(*pl->off));
	pl->range = xcalloc(n, sizeof(*pl->range));
	pl->sorted = xcalloc(n, 8);
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	sort_base = ptrs;
	qsort(idx, n, sizeof(*idx), by_addr);
	for (size_t k = 0; k < n; k++) {
		uint64_t a = ptrs[idx[k]];
		struct target_iov *r = pl->niov ? &pl->iov[pl->niov - 1] : NULL;

		pl->sorted[k] = a;
		if (!r || a < r->addr || a > r->addr + r->len + RANGE_GAP ||
		    a + gsize - r->addr > RANGE_MAX || a + gsize < a) {
			xgrow((void **)&pl->iov, &cap, pl->niov + 1,
			      sizeof(*pl->iov));
			r = &pl->iov[pl->niov++];
			memset(r, 0, sizeof(*r));
			r->addr = a;
			r->buf = (void *)(uintptr_t)buf;
		}
		if (a + gsize - r->addr > r->len) {
			buf += a + gsize - r->addr - r->len;
			r->len = (size_t)(a + gsize - r->addr);
		}
		pl->off[idx[k]] = (size_t)(uintptr_t)r->buf + (a - r->addr);
		pl->range[idx[k]] = (uint32_t)(pl->niov - 1);
	}
	pl->buflen = buf;
	pl->order = idx;
	plan_batches(pl);
}

static void plan_free(struct gplan *pl)
{
	free(pl->ptrs);
	free(pl->off);
	free(pl->range);
	free(pl->iov);
	free(pl->sorted);
	free(pl->order);
	free(pl->bat_r);
	free(pl->bat_k);
	memset(pl, 0, sizeof(*pl));
}

/*
 * Read every planned g into buf (plan.buflen bytes); ok[i] says whether
 * g i was read.  A piece that fails (a hole in the middle) is read again
 * one g at a time.
 */
static void plan_read(struct goproc *gp, struct gplan *pl, uint8_t *buf,
		      uint8_t *ok)
{
	size_t gsize = (size_t)gp->L->g.size;
	struct target_iov *iov = xcalloc(pl->niov ? pl->niov : 1,
					 sizeof(*iov));

	for (size_t r = 0; r < pl->niov; r++) {
		iov[r] = pl->iov[r];
		iov[r].buf = buf + (uintptr_t)pl->iov[r].buf;
		iov[r].ok = 0;
	}
	target_readv(&gp->tgt, iov, pl->niov);
	for (size_t i = 0; i < pl->n; i++) {
		ok[i] = (uint8_t)iov[pl->range[i]].ok;
		if (!ok[i])
			ok[i] = target_read(&gp->tgt, pl->ptrs[i],
					    buf + pl->off[i], gsize) == 0;
	}
	free(iov);
}

static int read_allgs_header(struct goproc *gp, uint64_t *allgs,
			     uint64_t *n)
{
	uint64_t slice[3];

	if (target_read(&gp->tgt, gp->gl.allgs, slice, sizeof(slice)) < 0 ||
	    target_read_u64(&gp->tgt, gp->gl.allglen, n) < 0) {
		diag_set("cannot read runtime.allgs");
		return -1;
	}
	*allgs = slice[0];
	/* allglen mirrors len(allgs): a value past the slice's capacity is
	 * garbage, and must not size an allocation. */
	if (*n > MAX_GOROUTINES || *n > slice[2]) {
		diag_set("runtime.allglen is %llu: not believable",
			 (unsigned long long)*n);
		return -1;
	}
	return 0;
}

/* ---- step 1: target running ---- */

/* How many threads re-read n g structures: the target is stopped, so
 * every CPU we may run on is free for this. */
static size_t reread_threads(size_t n)
{
	cpu_set_t cpus;
	int c;

	if (n < PARALLEL_MIN ||
	    sched_getaffinity(0, sizeof(cpus), &cpus) < 0)
		return 1;
	c = CPU_COUNT(&cpus);
	return c < 1 ? 1 : c > THREADS_MAX ? THREADS_MAX : (size_t)c;
}

/* The per-g arrays of step 2, for up to cap goroutines, zeroed: written
 * here so that their pages are not faulted in during the stop. */
static void step2_arrays(struct gscan *sc, size_t cap)
{
	free(sc->ptrs2);
	free(sc->img);
	free(sc->state);
	free(sc->ok2);
	sc->cap2 = cap ? cap : 1;
	sc->ptrs2 = xmalloc(sc->cap2 * 8);
	sc->img = xmalloc(sc->cap2 * sizeof(*sc->img));
	sc->state = xmalloc(sc->cap2);
	sc->ok2 = xmalloc(sc->cap2);
	memset(sc->ptrs2, 0, sc->cap2 * 8);
	memset(sc->img, 0, sc->cap2 * sizeof(*sc->img));
	memset(sc->state, 0, sc->cap2);
	memset(sc->ok2, 0, sc->cap2);
	if (!sc->hot) {
		sc->nhot = reread_threads(sc->cap2);
		sc->hot = xmalloc(sc->nhot * HOT_BYTES);
		memset(sc->hot, 0, sc->nhot * HOT_BYTES);
	}
}

/* Copy the used stack of every parked goroutine into one arena. */
static void prefetch_stacks(struct goproc *gp, struct gscan *sc)
{
	size_t n = sc->plan.n, total = 0, k = 0;
	struct target_iov *iov;

	sc->st1 = xcalloc(n ? n : 1, 1);
	sc->st_addr = xcalloc(n ? n : 1, 8);
	sc->st_off = xcalloc(n ? n : 1, sizeof(size_t));
	sc->st_len = xcalloc(n ? n : 1, sizeof(size_t));
	for (size_t i = 0; i < n; i++) {
		struct gsnap g;
		size_t len;

		if (!sc->ok1[i])
			continue;
		decode_g(gp, sc->img1 + sc->plan.off[i], sc->plan.ptrs[i], &g);
		if (!status_parked(g.status))
			continue;       /* read during the stop */
		choose_unwind_start(&g, NULL, NULL);
		len = stack_piece(gp, &g);
		sc->st1[i] = len ? ST_FAIL : ST_NONE;
		if (!len || total + len > PREFETCH_STACKS_MAX)
			continue;
		sc->st_addr[i] = g.sp;
		sc->st_off[i] = total;
		sc->st_len[i] = len;
		total += len;
	}
	sc->st_arena = xmalloc(total);
	iov = xcalloc(n ? n : 1, sizeof(*iov));
	for (size_t i = 0; i < n; i++) {
		if (!sc->st_len[i])
			continue;
		iov[k].addr = sc->st_addr[i];
		iov[k].len = sc->st_len[i];
		iov[k].buf = sc->st_arena + sc->st_off[i];
		k++;
	}
	target_readv(&gp->tgt, iov, k);
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (sc->st_len[i])
			sc->st1[i] = iov[k++].ok ? ST_OK : ST_FAIL;
	free(iov);
}

void gscan_prefetch(struct goproc *gp, struct gscan *sc, int flags)
{
	uint64_t allgs, n;
	uint64_t *ptrs;
	size_t img2_len;

	memset(sc, 0, sizeof(*sc));
	if (read_allgs_header(gp, &allgs, &n) < 0)
		return;
	ptrs = xcalloc(n ? n : 1, 8);
	if (n && target_read(&gp->tgt, allgs, ptrs, n * 8) < 0) {
		free(ptrs);
		return;
	}
	plan_make(&sc->plan, ptrs, n, (size_t)gp->L->g.size);
	free(ptrs);
	sc->img1 = xmalloc(sc->plan.buflen);
	sc->ok1 = xcalloc(n ? n : 1, 1);
	plan_read(gp, &sc->plan, sc->img1, sc->ok1);
	if (flags & SNAP_STACKS)
		prefetch_stacks(gp, sc);
	/* Touch the buffers of step 2 now: page faults on fresh memory would
	 * otherwise be paid while the target is stopped.  img2 only receives
	 * the g structures that changed, usually few. */
	img2_len = sc->plan.n * (size_t)gp->L->g.size;
	sc->img2 = xmalloc(img2_len + 1);
	memset(sc->img2, 0, img2_len < PRETOUCH_MAX ? img2_len : PRETOUCH_MAX);
	step2_arrays(sc, n + ALLGS_SLACK);
	sc->have = 1;
}

/* ---- step 2: target stopped ---- */

/* Is a a g of this snapshot (a goroutine, or some M's g0 or gsignal)? */
static int known_g(const struct gscan *sc, const struct snapshot *s,
		   uint64_t a)
{
	size_t lo = 0, hi = sc->plan.n;

	if (!a)
		return 0;
	for (size_t i = 0; i < s->nm; i++)
		if (s->m[i].g0 == a || s->m[i].gsignal == a)
			return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sc->plan.sorted[mid] == a)
			return 1;
		if (sc->plan.sorted[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = sc->plan.n; i < sc->n2; i++)
		if (sc->ptrs2[i] == a)
			return 1;
	return 0;
}

/*
 * The g each thread runs right now.  The runtime keeps it in the TLS slot
 * at FS base - 8 (runtime.settls); inside Go code (1.17+ register ABI) it
 * is also in R14.  A value is taken only if it is a g we know.
 */
static void find_thread_gs(struct goproc *gp, const struct gscan *sc,
			   struct snapshot *s)
{
	for (size_t i = 0; i < s->nm; i++) {
		struct msnap *m = &s->m[i];
		struct user_regs_struct regs;
		uint64_t g = 0;

		if (!m->have_regs)
			continue;
		memset(&regs, 0, sizeof(regs));
		regs.fs_base = m->fs_base;
		if (target_read_u64(&gp->tgt, arch_tls_g_slot(&regs),
				    &g) == 0 && known_g(sc, s, g)) {
			m->cur_g = g;
		} else if (m->rip >= gp->text && m->rip < gp->etext &&
			   known_g(sc, s, m->r14)) {
			m->cur_g = m->r14;
			m->cur_g_from_r14 = 1;
		}
	}
}

/* The M whose thread runs g right now, by TLS / R14. */
static const struct msnap *m_running(const struct snapshot *s, uint64_t g)
{
	for (size_t i = 0; i < s->nm; i++)
		if (s->m[i].cur_g == g)
			return &s->m[i];
	return NULL;
}

static void unwind_start(const struct snapshot *s, struct gsnap *g)
{
	const struct msnap *m = g->m ? m_by_addr(s, g->m) : NULL;

	choose_unwind_start(g, m, m_running(s, g->addr));
}

/* Read allgs again; without step 1, plan the reads now. */
static int reread_allgs(struct goproc *gp, struct gscan *sc)
{
	uint64_t allgs, n;

	if (read_allgs_header(gp, &allgs, &n) < 0)
		return -1;
	if (n > sc->cap2 || !sc->ptrs2)
		step2_arrays(sc, n);
	sc->n2 = n;
	if (n && target_read(&gp->tgt, allgs, sc->ptrs2, n * 8) < 0) {
		diag_set("cannot read the runtime.allgs array at %#llx",
			 (unsigned long long)allgs);
		return -1;
	}
	if (!sc->have) {
		plan_make(&sc->plan, sc->ptrs2, n, (size_t)gp->L->g.size);
		sc->img2 = xmalloc(n * (size_t)gp->L->g.size + 1);
	}
	return 0;
}

/* g i of step 2 is where step 1 saw it. */
static int same_slot(const struct gscan *sc, size_t i)
{
	return i < sc->plan.n && sc->ptrs2[i] == sc->plan.ptrs[i];
}

/* The g structures that step 1 did not plan for, one piece each; how
 * many. */
static size_t read_extra(struct goproc *gp, struct gscan *sc, uint8_t *ok)
{
	size_t gsize = (size_t)gp->L->g.size, k = 0, n = 0;
	struct target_iov *iov;

	for (size_t i = 0; i < sc->n2; i++)
		n += !same_slot(sc, i);
	if (!n)
		return 0;
	iov = xcalloc(n, sizeof(*iov));
	sc->extra = xmalloc(n * gsize);
	for (size_t i = 0; i < sc->n2; i++) {
		if (same_slot(sc, i))
			continue;
		iov[k].addr = sc->ptrs2[i];
		iov[k].len = gsize;
		iov[k].buf = sc->extra + k * gsize;
		sc->img[i] = sc->extra + k * gsize;
		k++;
	}
	target_readv(&gp->tgt, iov, k);
	k = 0;
	for (size_t i = 0; i < sc->n2; i++)
		if (!same_slot(sc, i))
			ok[i] = (uint8_t)iov[k++].ok;
	free(iov);
	return n;
}

/*
 * How much of a g to compare: up to g.lockedm, which covers the stack
 * bounds, sched, the syscall state, atomicstatus, goid, the wait reason
 * and trackingSeq in every release from 1.19 to 1.27 (runtime2.go).  The
 * fields after it that goinspect uses (gopc, startpc, parentGoid, labels,
 * waiting) change only while the goroutine itself runs, and are decoded
 * from the copy taken during the stop anyway.  Comparing less than the
 * whole g halves the time this takes during the stop.
 */
static size_t compare_len(const struct layout_g *G)
{
	int end = G->lockedm + 8;

	return end > 0 && end <= G->size ? (size_t)end : (size_t)G->size;
}

/* g i's step 2 image b is what step 1 saw, as far as compare_len goes. */
static int unchanged(const struct goproc *gp, const struct gscan *sc,
		     size_t i, const uint8_t *b)
{
	return sc->have && same_slot(sc, i) && sc->ok1[i] &&
	       !memcmp(sc->img1 + sc->plan.off[i], b, compare_len(&gp->L->g));
}

/* Step 1's stack copy of g i still holds: g unchanged, parked. */
static int can_keep(const struct goproc *gp, const struct gscan *sc,
		    size_t i, int same)
{
	uint32_t st;

	if (!same || !sc->st1 || sc->st1[i] == ST_FAIL)
		return 0;
	st = rd32(sc->img[i] + gp->L->g.atomicstatus);
	return status_dead(gp, st) || status_parked(st);
}

/* Read the stacks of the goroutines decided on now, in one batch. */
static void read_fresh_stacks(struct goproc *gp, struct gscan *sc,
			      struct snapshot *s)
{
	struct target_iov *iov = xcalloc(sc->fresh ? sc->fresh : 1,
					 sizeof(*iov));
	size_t n = 0;

	for (size_t i = 0; i < sc->n2; i++) {
		struct gsnap *g = &s->g[i];
		size_t len;

		if (sc->state[i] != GS_FRESH || !(len = stack_piece(gp, g)))
			continue;
		iov[n].addr = stack_start(g);
		iov[n].len = len;
		iov[n].buf = xmalloc(len);
		n++;
	}
	target_readv(&gp->tgt, iov, n);
	for (size_t i = 0; i < n; i++) {
		if (iov[i].ok) {
			memsnap_add(&s->mem, iov[i].addr, iov[i].buf,
				    iov[i].len);
		} else {
			free(iov[i].buf);
			s->partial = 1;
		}
	}
	free(iov);
}

/* Keep g i's stack from step 1, or decode it now to read its stack. */
static void decide(struct goproc *gp, struct gscan *sc, const uint8_t *ok,
		   size_t i, int same, int flags, struct snapshot *s)
{
	if (!ok[i])
		sc->state[i] = GS_BAD;
	else if (!(flags & SNAP_STACKS) || can_keep(gp, sc, i, same))
		sc->state[i] = GS_LATE;
	else {
		sc->state[i] = GS_FRESH;
		decode_g(gp, sc->img[i], sc->ptrs2[i], &s->g[i]);
		unwind_start(s, &s->g[i]);
	}
}

/* One thread of step 2's re-read: it takes batches until none is left. */
struct rereader {
	struct goproc *gp;
	struct gscan *sc;
	struct target rd;               /* its own reader (target.h) */
	uint8_t *ok;
	int flags;
	struct snapshot *s;
	size_t *next;                   /* the next batch to take, shared */
	uint8_t *hot;                   /* HOT_BYTES */
	uint8_t *one;                   /* a g read alone */
	struct target_iov *iov;
	pthread_t thread;
	int started;
};

/*
 * g i of a re-read piece v: compare it with step 1's image, keep that
 * image if nothing changed, else copy the new one to the next free slot
 * of img2 (taken in turn by all threads, so that the changed ones lie
 * together in the part of img2 faulted in before the stop), then decide.
 * A g in a piece that could not be read is read alone.
 */
static void take_g(struct rereader *w, const struct target_iov *v, size_t i)
{
	struct gscan *sc = w->sc;
	size_t gsize = (size_t)w->gp->L->g.size;
	const uint8_t *b = w->one;
	int same;

	if (i >= sc->n2 || !same_slot(sc, i))
		return;         /* allgs changed here: read_extra's */
	if (v->ok) {
		b = (const uint8_t *)v->buf + (sc->plan.ptrs[i] - v->addr);
		w->ok[i] = 1;
	} else {
		w->ok[i] = target_read(&w->rd, sc->plan.ptrs[i], w->one,
				       gsize) == 0;
	}
	same = w->ok[i] && unchanged(w->gp, sc, i, b);
	if (same) {
		sc->img[i] = sc->img1 + sc->plan.off[i];
	} else {
		uint8_t *slot = sc->img2 + gsize *
			__atomic_fetch_add(&sc->img2_used, 1, __ATOMIC_RELAXED);

		memcpy(slot, b, gsize);
		sc->img[i] = slot;
	}
	decide(w->gp, sc, w->ok, i, same, w->flags, w->s);
}

/*
 * Re-read batch b into the hot buffer and compare each of its g while it
 * is still in the cache.  Reading every g into one large buffer first
 * and comparing afterwards moves every byte through main memory twice
 * more: at a million goroutines that was half the pause.
 */
static void reread_batch(struct rereader *w, size_t b)
{
	const struct gplan *pl = &w->sc->plan;
	size_t r0 = pl->bat_r[b], fill = 0, nv = 0;

	for (size_t r = r0; r < pl->bat_r[b + 1]; r++) {
		w->iov[nv] = pl->iov[r];
		w->iov[nv].buf = w->hot + fill;
		w->iov[nv].ok = 0;
		fill += pl->iov[r].len;
		nv++;
	}
	target_readv(&w->rd, w->iov, nv);
	for (size_t k = pl->bat_k[b]; k < pl->bat_k[b + 1]; k++)
		take_g(w, &w->iov[pl->range[pl->order[k]] - r0], pl->order[k]);
}

/* A thread takes batches until none is left: if the machine is busy and
 * one thread gets no CPU, the others do its share. */
static void *rereader_run(void *arg)
{
	struct rereader *w = arg;
	size_t b;

	while ((b = __atomic_fetch_add(w->next, 1, __ATOMIC_RELAXED)) <
	       w->sc->plan.nbat)
		reread_batch(w, b);
	return NULL;
}

/*
 * Re-read the g structures step 1 planned, with one thread per CPU when
 * there are many.  The helper threads block every signal: a signal that
 * arrives during the stop is for the main thread, which target.c defers
 * or acts on.
 */
static void reread_planned(struct goproc *gp, struct gscan *sc, uint8_t *ok,
			   int flags, struct snapshot *s)
{
	size_t gsize = (size_t)gp->L->g.size, next = 0, nw;
	struct rereader *w;
	sigset_t all, old;

	nw = reread_threads(sc->plan.n);
	if (nw > sc->nhot)
		nw = sc->nhot;          /* the buffers step 1 prepared */
	sc->nthreads = nw;
	w = xcalloc(nw, sizeof(*w));

	for (size_t p = 0; p < nw; p++) {
		w[p].gp = gp;
		w[p].sc = sc;
		w[p].ok = ok;
		w[p].flags = flags;
		w[p].s = s;
		w[p].next = &next;
		w[p].hot = sc->hot + p * HOT_BYTES;
		w[p].iov = xcalloc(HOT_BYTES / gsize + 1, sizeof(*w[p].iov));
		w[p].one = xmalloc(gsize);
		target_reader_init(&w[p].rd, &gp->tgt);
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (size_t p = 1; p < nw; p++)
		w[p].started = pthread_create(&w[p].thread, NULL,
					      rereader_run, &w[p]) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	rereader_run(&w[0]);
	for (size_t p = 0; p < nw; p++) {
		if (w[p].started)
			pthread_join(w[p].thread, NULL);
		target_reader_done(&gp->tgt, &w[p].rd);
		free(w[p].iov);
		free(w[p].one);
	}
	free(w);
}

int gscan_read(struct goproc *gp, struct gscan *sc, int flags,
	       struct snapshot *s)
{
	long t0 = usec_now(), t1, t2, t3;
	size_t extra;
	uint8_t *ok;

	if (reread_allgs(gp, sc) < 0)
		return -1;
	ok = sc->ok2;
	s->g = xcalloc(sc->n2 ? sc->n2 : 1, sizeof(*s->g));
	find_thread_gs(gp, sc, s);
	t1 = usec_now();
	reread_planned(gp, sc, ok, flags, s);
	t2 = usec_now();
	extra = read_extra(gp, sc, ok);
	for (size_t i = 0; i < sc->n2; i++) {
		if (!same_slot(sc, i))
			decide(gp, sc, ok, i, 0, flags, s);
		sc->reused += sc->state[i] == GS_LATE;
		sc->fresh += sc->state[i] == GS_FRESH;
	}
	t3 = usec_now();
	if (flags & SNAP_STACKS)
		read_fresh_stacks(gp, sc, s);
	diag_debug("stopped: allgs %ld us, %zu g in %zu pieces re-read and"
		   " compared %ld us (%zu threads), %zu new g %ld us,"
		   " %zu stacks %ld us; %zu stacks kept", t1 - t0, sc->n2,
		   sc->plan.niov, t2 - t1, sc->nthreads, extra,
		   t3 - t2, sc->fresh, usec_now() - t3, sc->reused);
	return 0;
}

/* ---- step 3: target released ---- */

/*
 * The runtime's isSystemGoroutine (traceback.go): a goroutine whose start
 * function is in package runtime, except runtime.main and coroutines, and
 * except the finalizer goroutine while it runs user finalizers.
 */
static int is_system_goroutine(struct goproc *gp, const struct gsnap *g,
			       const struct snapshot *s)
{
	struct gofunc f;
	const char *name;

	if (pclntab_find(&gp->pcln, g->startpc, &f) < 0)
		return 0;
	name = pclntab_name(&gp->pcln, &f);
	if (strncmp(name, "runtime.", 8))
		return 0;
	if (!strcmp(name, "runtime.main") || !strcmp(name, "runtime.corostart"))
		return 0;
	if (!strcmp(name, "runtime.runfinq") ||
	    !strcmp(name, "runtime.runFinalizers"))
		return !s->fing_running;
	return 1;
}

/* Hand g i's step 1 stack copy to the snapshot. */
static int keep_stack(struct gscan *sc, size_t i, struct snapshot *s)
{
	if (!sc->have || !sc->st1 || i >= sc->plan.n || sc->st1[i] != ST_OK)
		return 0;
	memsnap_add_shared(&s->mem, sc->st_addr[i],
			   sc->st_arena + sc->st_off[i], sc->st_len[i]);
	return 1;
}

void gscan_finish(struct goproc *gp, struct gscan *sc, int flags,
		  struct snapshot *s)
{
	size_t n = 0;

	for (size_t i = 0; i < sc->n2; i++) {
		struct gsnap *g = &s->g[n];

		if (sc->state[i] == GS_BAD) {
			s->partial = 1;
			continue;
		}
		if (sc->state[i] == GS_LATE) {
			decode_g(gp, sc->img[i], sc->ptrs2[i], g);
			unwind_start(s, g);
			g->stack_read = (flags & SNAP_STACKS) &&
					keep_stack(sc, i, s);
		} else {
			if (n != i)
				*g = s->g[i];
			g->stack_read = g->from != FROM_NONE;
		}
		g->system = is_system_goroutine(gp, g, s);
		n++;
	}
	s->ng = n;
	if (sc->st_arena) {
		memsnap_own(&s->mem, sc->st_arena);
		sc->st_arena = NULL;
	}
}

void gscan_free(struct gscan *sc)
{
	plan_free(&sc->plan);
	free(sc->img1);
	free(sc->ok1);
	free(sc->st1);
	free(sc->st_addr);
	free(sc->st_off);
	free(sc->st_len);
	free(sc->st_arena);
	free(sc->img2);
	free(sc->ptrs2);
	free(sc->state);
	free(sc->ok2);
	free(sc->hot);
	free(sc->img);
	free(sc->extra);
	memset(sc, 0, sizeof(*sc));
}
