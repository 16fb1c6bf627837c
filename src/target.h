/*
 * target.h - the live process: stop it, read it, let it go.
 *
 * The stop model (see doc/INTERNALS.md): every thread is taken with
 * PTRACE_SEIZE and stopped with PTRACE_INTERRUPT, never PTRACE_ATTACH or
 * SIGSTOP, so that if goinspect dies the kernel detaches and the target
 * simply runs on.  Memory is read with process_vm_readv (falling back to
 * /proc/PID/mem).  Nothing here ever writes to the target.
 */
#ifndef GOINSPECT_TARGET_H
#define GOINSPECT_TARGET_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>
#include <time.h>

struct target_thread {
	pid_t tid;
	char kstate;                    /* state letter from /proc before stop */
	int seized;                     /* we hold it with PTRACE_SEIZE */
	int stopped;                    /* it reported a ptrace stop */
	int pending_sig;                /* signal to give back at detach */
	int have_regs;
	struct user_regs_struct regs;
};

struct target {
	pid_t pid;
	int memfd;                      /* /proc/PID/mem, -1 until needed */
	int use_procmem;                /* process_vm_readv is not allowed */
	struct target_thread *threads;
	size_t nthreads, cap;
	int stopped;                    /* all threads are held */
	int held;                       /* target_hold(): release is deferred */
	struct timespec t_stop;         /* first PTRACE_INTERRUPT */
	long pause_us;                  /* last stop-to-release time */
	uint64_t bytes_read;            /* total read since open */
	uint64_t exe_dev, exe_ino;      /* /proc/PID/exe at open, to see exec */
	int same_pidns;                 /* our tids are the target's tids */
	struct { pid_t host, ns; } *nsmap;      /* else: tid in each view */
	size_t nnsmap, nsmap_cap;
	unsigned nstops, nsmap_stamp;   /* nsmap built during stop stamp-1 */
};

/* A piece of target memory to read in a batch. */
struct target_iov {
	uint64_t addr;
	size_t len;
	void *buf;
	int ok;                         /* set by target_readv: 1 if read whole */
};

/* Check the process exists and is not a zombie; does not stop it. */
int target_open(struct target *t, pid_t pid);
/*
 * After a failed stop or read: is this still the process opened?  Returns
 * 0, or -1 with a reason (it exited, or replaced its program with exec).
 */
int target_check_alive(struct target *t);
/*
 * The thread id, as goinspect sees it, of the thread that the target
 * calls id (m.procid, which is relative to the target's own pid
 * namespace: a process in a container sees other ids).  0 if none.
 */
pid_t target_host_tid(struct target *t, uint64_t id);
void target_close(struct target *t);

/*
 * Stop every thread (threads born meanwhile too: /proc/PID/task is read
 * again until it no longer changes) and fetch each thread's registers.
 * Bounded: gives up after a few seconds and releases whatever it took.
 * Returns 0, or -1 with diag_set() and nothing left stopped.
 */
int target_stop(struct target *t);

/* Let every thread go again; records pause_us.  Safe to call twice.
 * Does nothing while the target is held (target_hold). */
void target_release(struct target *t);

/*
 * Stop the target and keep it stopped across target_stop/target_release
 * pairs (the REPL's `hold`), until target_unhold() or target_close().
 * Returns 0, or -1 with diag_set() and nothing left stopped.
 */
int target_hold(struct target *t);
/* End a hold and let every thread go.  Safe when not held. */
void target_unhold(struct target *t);

/* Read len bytes at addr; returns 0 if all were read, -1 otherwise. */
int target_read(struct target *t, uint64_t addr, void *buf, size_t len);
/* Read a 64-bit little-endian word; returns 0 or -1. */
int target_read_u64(struct target *t, uint64_t addr, uint64_t *v);
/* Read many pieces at once; sets each ok; returns how many were read whole. */
size_t target_readv(struct target *t, struct target_iov *v, size_t n);

/*
 * A reader for another thread of goinspect: r reads t's memory like t
 * does but keeps its own byte count (and file descriptor, should it need
 * /proc/PID/mem), so threads never share mutable state.  It can only
 * read.  target_reader_done() adds r's counts to t and closes r.
 */
void target_reader_init(struct target *r, const struct target *t);
void target_reader_done(struct target *t, struct target *r);

/*
 * After a failure while opening: is the main thread a zombie (the process
 * exited; its other threads may still be going away)?  Returns -1 with
 * that reason set, else 0.
 */
int target_check_exiting(struct target *t);

/* Time in microseconds between two timespecs. */
long target_elapsed_us(const struct timespec *a, const struct timespec *b);

/* The command name of a process (from /proc/PID/comm), or "?". */
void target_comm(pid_t pid, char *buf, size_t len);

#endif
