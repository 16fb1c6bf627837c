/*
 * goproc.h - a Go process as goinspect sees it: the executable, its Go
 * release and runtime layout, the pclntab, and where the runtime's global
 * tables live; plus snapshots of its goroutines and threads.
 *
 * goproc_open() attaches nothing: it reads the executable and a few words
 * of memory.  goproc_snapshot() stops the target, copies what a dump
 * needs, and releases it before returning, so everything after that works
 * on copies.
 */
#ifndef GOINSPECT_GOPROC_H
#define GOINSPECT_GOPROC_H

#include "elfimg.h"
#include "layout.h"
#include "memsnap.h"
#include "pclntab.h"
#include "target.h"

/* Runtime addresses of runtime globals; 0 where unknown. */
struct goglobals {
	uint64_t moduledata, allgs, allglen, allm, allp, sched;
	uint64_t gomaxprocs, wait_reasons, fing_status, fing_running;
	uint64_t tracebacklabels;       /* debug.tracebacklabels, 1.26+ */
	uint64_t gcphase;
	int wait_reasons_count;
	const char *how;                /* "symbols" or "code" */
};

/* funcIDs of the runtime functions the unwinder treats specially, learned
 * from the pclntab by name (their numbering changes between releases). */
struct funcids {
	uint8_t sigpanic, asyncpreempt, debugcall, gopanic, panicwrap;
	uint8_t goexit, runtime_main, wrapper, cgocallback;
};

struct goproc {
	pid_t pid;
	struct target tgt;
	struct elfimg img;
	struct go_version ver;
	char version[64];               /* "go1.26.8" */
	const char *version_source;     /* "buildinfo", "runtime.buildVersion" */
	const struct layout *L;
	struct layout *L_owned;         /* L when built from DWARF: freed */
	struct pclntab pcln;
	struct goglobals gl;
	char **wait_reasons;            /* read from the target, or NULL */
	int n_wait_reasons;
	uint64_t text, etext, gofunc, types, etypes;  /* from moduledata */
	int tb_labels;                  /* GODEBUG tracebacklabels: -1 unknown,
					 * else 0/1 (traceback.c) */
	int tb_labels_known;
	struct funcids fid;
};

/* Where a goroutine's backtrace starts. */
enum unwind_from { FROM_SCHED, FROM_SYSCALL, FROM_REGS, FROM_NONE };

struct gsnap {
	uint64_t addr;
	uint64_t goid, parent_goid;
	uint32_t status;                /* atomicstatus including the scan bit */
	uint8_t waitreason;
	int64_t waitsince;
	uint64_t stack_lo, stack_hi, stackguard0;
	uint64_t m;                     /* *m or 0 */
	int64_t m_id;                   /* -1 if no m */
	pid_t tid;                      /* thread running it, or 0 */
	uint64_t sched_sp, sched_pc, sched_bp;
	uint64_t syscallsp, syscallpc;
	uint64_t lockedm, gopc, startpc, labels, waiting;
	enum unwind_from from;
	uint64_t pc, sp;                /* unwind start */
	int system;                     /* a runtime-internal goroutine */
	int stack_read;                 /* its stack was copied */
};

struct msnap {
	uint64_t addr;
	int64_t id;
	pid_t tid;
	uint64_t g0, curg, p, lockedg, gsignal;
	uint64_t g0_lo, g0_hi;
	int spinning, blocked;
	char kstate;
	int have_regs;
	uint64_t rip, rsp, fs_base, r14;
	uint64_t cur_g;                 /* g on the thread now (TLS / R14) */
	int cur_g_from_r14;
};

struct psnap {
	uint64_t addr;
	int32_t id;
	uint32_t status;
	uint64_t m;
	uint32_t runqhead, runqtail;
	uint64_t runq[256];
	uint64_t runnext;
	int64_t ntimers;
};

/* The fields of runtime.sched that `sched` shows; -1 where unknown. */
struct schedsnap {
	int have;
	int64_t goidgen;
	int32_t nmidle, nmidlelocked, nmsys, npidle, nmspinning, runqsize;
	int64_t mnext, maxmcount;
	int32_t gomaxprocs;
	int32_t gcphase;                /* 0 off, 1 mark, 2 mark termination */
};

struct snapshot {
	struct gsnap *g;
	size_t ng;
	struct msnap *m;
	size_t nm;
	struct psnap *p;
	size_t np;
	struct memsnap mem;
	int64_t now_mono;               /* CLOCK_MONOTONIC ns at the stop */
	long pause_us;
	size_t nthreads;
	int fing_running;               /* finalizer goroutine runs user code */
	int tracebacklabels;
	struct schedsnap sched;
	int partial;                    /* something could not be read */
	uint64_t bytes_read;
	/* Stacks copied while the target ran and still valid at the stop,
	 * and stacks read during the stop (gscan.h). */
	size_t stacks_kept, stacks_fresh;
};

/* What a snapshot should copy. */
enum {
	SNAP_GOROUTINES = 1, SNAP_STACKS = 2, SNAP_THREADS = 4, SNAP_PROCS = 8,
	SNAP_SCHED = 16,
};

/*
 * Read the executable of pid, its Go version and layout, the pclntab and
 * the runtime globals.  force_version (may be NULL) overrides the version
 * found in the binary.  Returns 0, or an EXIT_* code with diag_set().
 */
int goproc_open(struct goproc *gp, pid_t pid, const char *force_version);
/* The same, reading the program from the file exe instead of
 * /proc/PID/exe when exe is not NULL (--exe: an unstripped copy of a
 * stripped binary; the tests' damaged copies).  It must be the program
 * the process runs. */
int goproc_open_exe(struct goproc *gp, pid_t pid, const char *force_version,
		    const char *exe);
void goproc_close(struct goproc *gp);

/* Copy (what flags asks), stopping the target only for the part that must
 * be read stopped; release it; then decode.  Returns 0 or an EXIT_* code. */
int goproc_snapshot(struct goproc *gp, int flags, struct snapshot *s);

/* The same, calling hook(gp, s, arg) after the copy while every thread is
 * still stopped (for work that needs the stopped threads themselves,
 * such as native unwinding).  The hook must not print or block.  At that
 * point s->m (with cur_g) is filled in, but s->g is not: goroutines are
 * decoded after the release. */
typedef void (*snapshot_hook)(struct goproc *gp, struct snapshot *s,
			      void *arg);
int goproc_snapshot_hook(struct goproc *gp, int flags, struct snapshot *s,
			 snapshot_hook hook, void *arg);
void snapshot_free(struct snapshot *s);

/* Name of a wait reason index (from the target's table when read). */
const char *goproc_wait_reason(const struct goproc *gp, unsigned idx);

#endif
