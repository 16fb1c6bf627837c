/*
 * target.c - stop, read and release a live process with ptrace.
 *
 * Only PTRACE_SEIZE, PTRACE_INTERRUPT, PTRACE_GETREGS and PTRACE_DETACH
 * are used.  A seized thread that goinspect forgets, or a goinspect that
 * is killed, is detached by the kernel and keeps running: there is no
 * SIGSTOP in flight that could leave the process in a group stop.
 *
 * While the target is stopped, goinspect itself is guarded (guard_begin):
 * the signals of a terminal or of kill(1) that would suspend or end it
 * half-way wait until the release, and an alarm ends goinspect if a
 * system call never returns, so that the kernel lets the target go.
 */
#define _GNU_SOURCE
#include "target.h"
#include "diag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define STOP_TIMEOUT_MS 3000
#define MAX_RESCANS 50
#define MAX_THREADS 100000
/* The longest goinspect may keep the target stopped for one snapshot
 * (stopping, then copying) before it gives up and exits. */
#define GUARD_SECONDS 30
#define STR_(x) #x
#define STR(x) STR_(x)

long target_elapsed_us(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000L +
	       (b->tv_nsec - a->tv_nsec) / 1000;
}

void target_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	snprintf(buf, len, "?");
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static char read_kstate(pid_t pid, pid_t tid);
static int open_procmem(struct target *t);

/* A numeric field ("TracerPid") of /proc/PID/task/TID/status, or -1. */
static long task_status_field(pid_t pid, pid_t tid, const char *key)
{
	char path[96], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid,
		 (int)tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* /proc/sys/kernel/yama/ptrace_scope, or -1 without Yama. */
static int yama_scope(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * The kernel refused to let us trace thread tid (what names the refused
 * call, err its errno): find out why and say what to do.  Returns 1 when the thread is
 * only exiting (not an error), else 0 with the reason set.
 */
static int explain_denied(struct target *t, pid_t tid, const char *what,
			  int err)
{
	char state = read_kstate(t->pid, tid), comm[64];
	long tracer = task_status_field(t->pid, tid, "TracerPid");
	long uid = task_status_field(t->pid, tid, "Uid");
	int yama = yama_scope();

	if (state == 'Z' || state == 'X' || state == '?')
		return 1;
	if (tracer > 0) {
		target_comm((pid_t)tracer, comm, sizeof(comm));
		diag_set("thread %d of process %d is already traced by process"
			 " %ld (%s): only one tracer can hold a thread; detach"
			 " it (quit the debugger or strace) and try again",
			 (int)tid, (int)t->pid, tracer, comm);
	} else if (geteuid() != 0 && uid >= 0 && (uid_t)uid != geteuid()) {
		/* Checked before Yama: with another owner, setting
		 * ptrace_scope would not help. */
		diag_set("%s: %s: process %d belongs to uid %ld, goinspect runs"
			 " as uid %d (run goinspect as that user, or with"
			 " CAP_SYS_PTRACE as root)", what, strerror(err),
			 (int)t->pid, uid, (int)geteuid());
	} else if (yama == 3) {
		diag_set("%s: %s: Yama ptrace_scope is 3, which forbids every"
			 " attach until reboot", what, strerror(err));
	} else if (yama == 1 || yama == 2) {
		diag_set("%s: %s: Yama ptrace_scope is %d: run goinspect with"
			 " CAP_SYS_PTRACE (as root)%s", what, strerror(err),
			 yama, yama == 1 ? ", or set /proc/sys/kernel/yama/"
			 "ptrace_scope to 0" : "");
	} else {
		diag_set("%s: %s (run goinspect as the target's user, or with"
			 " CAP_SYS_PTRACE as root)", what, strerror(err));
	}
	return 0;
}

static int explain_eperm(struct target *t, pid_t tid)
{
	char what[64];

	snprintf(what, sizeof(what), "ptrace(PTRACE_SEIZE, %d)", (int)tid);
	return explain_denied(t, tid, what, EPERM);
}

/* Do goinspect and pid see the same process ids? */
static int same_pidns(pid_t pid)
{
	char path[64], mine[64], theirs[64];
	ssize_t a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	a = readlink("/proc/self/ns/pid", mine, sizeof(mine) - 1);
	b = readlink(path, theirs, sizeof(theirs) - 1);
	if (a <= 0 || b <= 0)
		return 1;       /* cannot tell: assume the common case */
	return a == b && !memcmp(mine, theirs, (size_t)a);
}

static size_t count_tasks(pid_t pid)
{
	char path[64];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* An exited process that its parent has not reaped yet. */
static int is_zombie(pid_t pid)
{
	char state = read_kstate(pid, pid);

	return (state == 'Z' || state == 'X') && count_tasks(pid) <= 1;
}

int target_open(struct target *t, pid_t pid)
{
	char path[64], comm[64];
	struct stat st;

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->memfd = -1;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (access(path, F_OK) != 0) {
		diag_set("no process %d", (int)pid);
		return -1;
	}
	if (is_zombie(pid)) {
		target_comm(pid, comm, sizeof(comm));
		diag_set("process %d (%s) has exited: it is a zombie that its"
			 " parent has not reaped, with nothing left to inspect",
			 (int)pid, comm);
		return -1;
	}
	/* Remembered to tell an exec during a snapshot from other faults. */
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (stat(path, &st) == 0) {
		t->exe_dev = (uint64_t)st.st_dev;
		t->exe_ino = (uint64_t)st.st_ino;
	}
	t->same_pidns = same_pidns(pid);
	/* Opening /proc/PID/mem asks the kernel what an attach would (may
	 * we trace it?) without touching the target: a refusal is explained
	 * now, not later as an address that cannot be read. */
	if (open_procmem(t) < 0 && (errno == EACCES || errno == EPERM)) {
		int err = errno;

		snprintf(path, sizeof(path), "open /proc/%d/mem", (int)pid);
		if (!explain_denied(t, pid, path, err))
			return -1;
	}
	return 0;
}

int target_check_exiting(struct target *t)
{
	char state = read_kstate(t->pid, t->pid), comm[64];

	if (state != 'Z' && state != 'X')
		return 0;
	target_comm(t->pid, comm, sizeof(comm));
	diag_set("process %d (%s) has exited: it is a zombie that its parent"
		 " has not reaped, with nothing left to inspect", (int)t->pid,
		 comm);
	return -1;
}

int target_check_alive(struct target *t)
{
	char path[64], comm[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)t->pid);
	if (access(path, F_OK) != 0 || is_zombie(t->pid)) {
		diag_set("process %d exited while goinspect was reading it",
			 (int)t->pid);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)t->pid);
	if (t->exe_ino && stat(path, &st) == 0 &&
	    ((uint64_t)st.st_ino != t->exe_ino ||
	     (uint64_t)st.st_dev != t->exe_dev)) {
		target_comm(t->pid, comm, sizeof(comm));
		diag_set("process %d replaced its program (exec) while"
			 " goinspect was reading it; it now runs %s",
			 (int)t->pid, comm);
		return -1;
	}
	return 0;
}

/* The innermost id in a thread's NSpid line: its id inside its own pid
 * namespace, which is what the Go runtime stores in m.procid. */
static pid_t ns_tid_of(pid_t pid, pid_t tid)
{
	char path[96], line[256], *p, *end;
	long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid,
		 (int)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NSpid:", 6))
			continue;
		for (p = line + 6;; p = end) {
			long x = strtol(p, &end, 10);

			if (end == p)
				break;
			v = x;
		}
		break;
	}
	fclose(f);
	return v > 0 && v <= INT_MAX ? (pid_t)v : 0;
}

static void build_nsmap(struct target *t)
{
	char path[64];
	struct dirent *de;
	DIR *d;

	t->nnsmap = 0;
	t->nsmap_stamp = t->nstops + 1;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)t->pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL && t->nnsmap < MAX_THREADS) {
		pid_t tid = (pid_t)strtol(de->d_name, NULL, 10);

		if (tid <= 0)
			continue;
		xgrow((void **)&t->nsmap, &t->nsmap_cap, t->nnsmap + 1,
		      sizeof(*t->nsmap));
		t->nsmap[t->nnsmap].host = tid;
		t->nsmap[t->nnsmap].ns = ns_tid_of(t->pid, tid);
		t->nnsmap++;
	}
	closedir(d);
}

pid_t target_host_tid(struct target *t, uint64_t id)
{
	if (id == 0 || id > INT_MAX)
		return 0;
	if (t->same_pidns)
		return (pid_t)id;
	/* Threads come and go: on a miss, list them again, but only once
	 * per stop. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < t->nnsmap; i++)
			if ((uint64_t)t->nsmap[i].ns == id)
				return t->nsmap[i].host;
		if (t->nsmap_stamp == t->nstops + 1)
			break;
		build_nsmap(t);
	}
	return 0;
}

/* ---- the guard around a stop ---- */

static struct {
	int active;
	sigset_t old_mask;
	struct sigaction old_alrm;
} guard;

static void guard_fire(int sig)
{
	static const char msg[] = "goinspect: still not done after "
		STR(GUARD_SECONDS) " s while the target was stopped (a"
		" system call that does not return?); exiting, which makes"
		" the kernel release the target\n";
	ssize_t r;

	(void)sig;
	r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)r;
	_exit(EXIT_ATTACH);
}

/*
 * From the first seize to the release: SIGINT, SIGTERM, SIGHUP, SIGQUIT
 * and the job-control stops wait (a suspended goinspect would keep the
 * target stopped), and an alarm bounds the whole stop.
 */
static void guard_begin(void)
{
	struct sigaction sa;
	sigset_t block;

	if (guard.active)
		return;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGTSTP);
	sigaddset(&block, SIGTTIN);
	sigaddset(&block, SIGTTOU);
	sigprocmask(SIG_BLOCK, &block, &guard.old_mask);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = guard_fire;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &guard.old_alrm);
	alarm(GUARD_SECONDS);
	guard.active = 1;
}

/* Undo guard_begin; a signal that came meanwhile is delivered now. */
static void guard_end(void)
{
	if (!guard.active)
		return;
	alarm(0);
	sigaction(SIGALRM, &guard.old_alrm, NULL);
	guard.active = 0;
	sigprocmask(SIG_SETMASK, &guard.old_mask, NULL);
}

void target_close(struct target *t)
{
	t->held = 0;
	target_release(t);
	if (t->memfd >= 0)
		close(t->memfd);
	free(t->threads);
	t->threads = NULL;
	t->nthreads = t->cap = 0;
	free(t->nsmap);
	t->nsmap = NULL;
	t->nnsmap = t->nsmap_cap = 0;
}

static struct target_thread *find_thread(struct target *t, pid_t tid)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i].tid == tid)
			return &t->threads[i];
	return NULL;
}

static char read_kstate(pid_t pid, pid_t tid)
{
	char path[96], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid,
		 (int)tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* The command name may hold spaces or ')': the state follows the last ')'. */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Seize and interrupt the threads listed in /proc/PID/task that we do not
 * hold yet.  Returns how many new ones were found, or -1. */
static int seize_new_threads(struct target *t)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)t->pid);
	d = opendir(path);
	if (!d) {
		diag_set("%s: %s (did the process exit?)", path,
			 strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		pid_t tid = (pid_t)atoi(de->d_name);
		struct target_thread *th;

		if (tid <= 0 || find_thread(t, tid))
			continue;
		if (t->nthreads >= MAX_THREADS)
			break;
		xgrow((void **)&t->threads, &t->cap, t->nthreads + 1,
		      sizeof(*t->threads));
		th = &t->threads[t->nthreads];
		memset(th, 0, sizeof(*th));
		th->tid = tid;
		th->kstate = read_kstate(t->pid, tid);
		if (ptrace(PTRACE_SEIZE, tid, 0, 0) != 0) {
			int err = errno;

			/* ESRCH: the thread exited meanwhile; EPERM for
			 * a thread that is exiting too. */
			if (err == ESRCH ||
			    (err == EPERM && explain_eperm(t, tid)))
				continue;
			closedir(d);
			if (err != EPERM)
				diag_set("ptrace(PTRACE_SEIZE, %d): %s",
					 (int)tid, strerror(err));
			return -1;
		}
		th->seized = 1;
		t->nthreads++;
		if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) != 0 && errno != ESRCH) {
			closedir(d);
			diag_set("ptrace(PTRACE_INTERRUPT, %d): %s", (int)tid,
				 strerror(errno));
			return -1;
		}
		found++;
	}
	closedir(d);
	return found;
}

static long ms_since(const struct timespec *a)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return target_elapsed_us(a, &now) / 1000;
}

/* Note one wait status for th.  A signal-delivery stop keeps the signal so
 * that detach hands it back: swallowing it would change the target. */
static void note_status(struct target_thread *th, int status)
{
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		th->seized = 0;
		th->stopped = 0;
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	th->stopped = 1;
	/* A signal-delivery stop (no event in the high bits): the thread
	 * stopped for a signal before our interrupt.  Every such signal,
	 * SIGSTOP and SIGTRAP included, is someone else's and goes back at
	 * detach; goinspect itself sends none. */
	if ((status >> 16) == 0)
		th->pending_sig = WSTOPSIG(status);
}

/* Wait until every seized thread has stopped, bounded in time. */
static int wait_for_stops(struct target *t, const struct timespec *start)
{
	for (;;) {
		size_t waiting = 0;

		for (size_t i = 0; i < t->nthreads; i++) {
			struct target_thread *th = &t->threads[i];
			int status;
			pid_t r;

			if (!th->seized || th->stopped)
				continue;
			r = waitpid(th->tid, &status, __WALL | WNOHANG);
			if (r == th->tid)
				note_status(th, status);
			else if (r < 0 && errno == ECHILD)
				th->seized = 0; /* gone */
			if (th->seized && !th->stopped)
				waiting++;
		}
		if (!waiting)
			return 0;
		if (ms_since(start) > STOP_TIMEOUT_MS) {
			diag_set("%zu threads of %d did not stop within %d ms",
				 waiting, (int)t->pid, STOP_TIMEOUT_MS);
			return -1;
		}
		usleep(waiting > 4 ? 50 : 10);
	}
}

static void fetch_regs(struct target *t)
{
	for (size_t i = 0; i < t->nthreads; i++) {
		struct target_thread *th = &t->threads[i];

		if (th->stopped &&
		    ptrace(PTRACE_GETREGS, th->tid, 0, &th->regs) == 0)
			th->have_regs = 1;
	}
}

int target_stop(struct target *t)
{
	int rescans = 0, n;

	guard_begin();
	if (t->stopped)
		return 0;
	for (size_t i = 0; i < t->nthreads; i++)
		memset(&t->threads[i], 0, sizeof(t->threads[i]));
	t->nthreads = 0;
	t->nstops++;
	clock_gettime(CLOCK_MONOTONIC, &t->t_stop);
	t->stopped = 1;
	/* A stopped thread cannot clone, so once a pass finds nothing new
	 * while all known threads are stopped, the set is complete. */
	do {
		n = seize_new_threads(t);
		if (n < 0 || wait_for_stops(t, &t->t_stop) < 0)
			goto fail;
		if (t->nthreads == 0) {
			diag_set("process %d has no threads left", (int)t->pid);
			goto fail;
		}
	} while (n > 0 && ++rescans < MAX_RESCANS);
	if (n > 0) {
		diag_set("threads of %d kept appearing while stopping it",
			 (int)t->pid);
		goto fail;
	}
	fetch_regs(t);
	return 0;
fail:
	target_release(t);
	return -1;
}

void target_release(struct target *t)
{
	struct timespec now;

	if (!t->stopped || t->held) {
		guard_end();
		return;
	}
	for (size_t i = 0; i < t->nthreads; i++) {
		struct target_thread *th = &t->threads[i];

		if (th->seized)
			ptrace(PTRACE_DETACH, th->tid, 0,
			       (void *)(long)th->pending_sig);
		th->seized = 0;
		th->stopped = 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	t->pause_us = target_elapsed_us(&t->t_stop, &now);
	t->stopped = 0;
	/* Last: a ^C or ^Z that came during the stop acts only now, with
	 * every thread let go. */
	guard_end();
}

int target_hold(struct target *t)
{
	if (target_stop(t) < 0)
		return -1;
	t->held = 1;
	/* A hold lasts as long as the user wants: no alarm, and ^C and ^Z
	 * reach the session again. */
	guard_end();
	return 0;
}

void target_unhold(struct target *t)
{
	t->held = 0;
	target_release(t);
}

static int open_procmem(struct target *t)
{
	char path[64];

	if (t->memfd >= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)t->pid);
	t->memfd = open(path, O_RDONLY | O_CLOEXEC);
	return t->memfd >= 0 ? 0 : -1;
}

static int read_procmem(struct target *t, uint64_t addr, void *buf,
			size_t len)
{
	ssize_t r;

	if (open_procmem(t) < 0)
		return -1;
	r = pread(t->memfd, buf, len, (off_t)addr);
	return r == (ssize_t)len ? 0 : -1;
}

int target_read(struct target *t, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t r;

	if (len == 0)
		return 0;
	if (addr + len < addr)
		return -1;
	if (!t->use_procmem) {
		r = process_vm_readv(t->pid, &local, 1, &remote, 1, 0);
		if (r == (ssize_t)len) {
			t->bytes_read += len;
			return 0;
		}
		if (r >= 0 || errno != EPERM)
			return -1;
		t->use_procmem = 1;     /* e.g. seccomp forbids it */
	}
	if (read_procmem(t, addr, buf, len) < 0)
		return -1;
	t->bytes_read += len;
	return 0;
}

int target_read_u64(struct target *t, uint64_t addr, uint64_t *v)
{
	return target_read(t, addr, v, sizeof(*v));
}

/* One process_vm_readv call for up to IOV_MAX pieces; returns how many
 * leading pieces came back whole. */
static size_t readv_batch(struct target *t, struct target_iov *v, size_t n)
{
	struct iovec local[IOV_MAX], remote[IOV_MAX];
	ssize_t r;
	size_t done = 0;

	for (size_t i = 0; i < n; i++) {
		local[i].iov_base = v[i].buf;
		local[i].iov_len = v[i].len;
		remote[i].iov_base = (void *)(uintptr_t)v[i].addr;
		remote[i].iov_len = v[i].len;
	}
	r = process_vm_readv(t->pid, local, n, remote, n, 0);
	if (r < 0)
		return 0;
	while (done < n && (size_t)r >= v[done].len) {
		r -= (ssize_t)v[done].len;
		t->bytes_read += v[done].len;
		v[done++].ok = 1;
	}
	return done;
}

void target_reader_init(struct target *r, const struct target *t)
{
	memset(r, 0, sizeof(*r));
	r->pid = t->pid;
	r->memfd = -1;
	r->use_procmem = t->use_procmem;
	r->same_pidns = t->same_pidns;
}

void target_reader_done(struct target *t, struct target *r)
{
	t->bytes_read += r->bytes_read;
	t->use_procmem |= r->use_procmem;
	if (r->memfd >= 0)
		close(r->memfd);
	memset(r, 0, sizeof(*r));
	r->memfd = -1;
}

size_t target_readv(struct target *t, struct target_iov *v, size_t n)
{
	size_t i = 0, good = 0;

	while (i < n) {
		size_t batch = n - i < IOV_MAX ? n - i : IOV_MAX;
		size_t done = t->use_procmem ? 0 : readv_batch(t, v + i, batch);

		good += done;
		i += done;
		if (done < batch) {
			/* The kernel stops at the first piece it cannot read:
			 * read that one alone and carry on after it. */
			v[i].ok = target_read(t, v[i].addr, v[i].buf,
					      v[i].len) == 0;
			good += (size_t)v[i].ok;
			i++;
		}
	}
	return good;
}
