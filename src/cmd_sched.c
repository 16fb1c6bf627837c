/*
 * cmd_sched.c - `threads`, `procs` and `sched`: the scheduler's view.
 * Threads (M) come from runtime.allm joined with /proc/PID/task, Ps from
 * runtime.allp, and the summary from runtime.sched.
 */
#include "cmd.h"
#include "diag.h"
#include "goproc.h"
#include "json.h"
#include "native.h"
#include "traceback.h"

#include <stdlib.h>
#include <string.h>

static const char *const pstatus_names[] = {
	"idle", "running", "syscall", "gcstop", "dead",
};

static const char *pstatus(uint32_t st)
{
	return st < 5 ? pstatus_names[st] : "???";
}

static int take(struct cmd_ctx *c, struct snapshot *s, int flags)
{
	int rc = goproc_snapshot(c->gp, flags, s);

	if (rc)
		diag_error("snapshot of %d: %s", (int)c->gp->pid, diag_reason());
	else if (c->verbose)
		fprintf(stderr, "goinspect: paused %ld us, read %llu bytes\n",
			s->pause_us, (unsigned long long)s->bytes_read);
	return rc;
}

/* goid of the g at addr, or -1. */
static int64_t goid_at(const struct snapshot *s, uint64_t addr)
{
	if (!addr)
		return -1;
	for (size_t i = 0; i < s->ng; i++)
		if (s->g[i].addr == addr)
			return (int64_t)s->g[i].goid;
	return -1;
}

static int32_t pid_at(const struct snapshot *s, uint64_t addr)
{
	if (!addr)
		return -1;
	for (size_t i = 0; i < s->np; i++)
		if (s->p[i].addr == addr)
			return s->p[i].id;
	return -1;
}

static int64_t mid_at(const struct snapshot *s, uint64_t addr)
{
	if (!addr)
		return -1;
	for (size_t i = 0; i < s->nm; i++)
		if (s->m[i].addr == addr)
			return s->m[i].id;
	return -1;
}

/* What the thread runs now (TLS / R14): a goid, "g0", "gsignal" or "-". */
static void running_name(const struct snapshot *s, const struct msnap *m,
			 char *buf, size_t len)
{
	if (!m->cur_g)
		snprintf(buf, len, "-");
	else if (m->cur_g == m->g0)
		snprintf(buf, len, "g0");
	else if (m->cur_g == m->gsignal)
		snprintf(buf, len, "gsignal");
	else
		snprintf(buf, len, "%lld", (long long)goid_at(s, m->cur_g));
}

static void put_opt(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	if (v < 0)
		json_null(j);
	else
		json_int(j, v);
}

static void fmt_opt(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", (long long)v);
}

/* Threads of the process that are no M (C threads of a cgo program). */
static int is_m_thread(const struct snapshot *s, pid_t tid)
{
	for (size_t i = 0; i < s->nm; i++)
		if (s->m[i].tid == tid)
			return 1;
	return 0;
}

/* ---- native stacks (threads -n) ---- */

struct natives {
	struct native_stack *st;
	size_t n;
};

/* Is the thread running a goroutine right now (then its stack is the
 * goroutine's, shown by `goroutines`)? */
static int runs_goroutine(const struct snapshot *s, pid_t tid)
{
	for (size_t i = 0; i < s->nm; i++) {
		const struct msnap *m = &s->m[i];

		if (m->tid == tid)
			return m->cur_g && m->cur_g != m->g0 &&
			       m->cur_g != m->gsignal;
	}
	return 0;
}

/* Runs while every thread is stopped: libunwind needs them so. */
static void collect_natives(struct goproc *gp, struct snapshot *s, void *arg)
{
	struct natives *nv = arg;
	const struct target *t = &gp->tgt;

	nv->st = xcalloc(t->nthreads ? t->nthreads : 1, sizeof(*nv->st));
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i].stopped &&
		    !runs_goroutine(s, t->threads[i].tid))
			native_backtrace(t->threads[i].tid, &nv->st[nv->n++]);
}

static const struct native_stack *native_of(const struct natives *nv,
					    pid_t tid)
{
	for (size_t i = 0; nv && i < nv->n; i++)
		if (nv->st[i].tid == tid)
			return &nv->st[i];
	return NULL;
}

/* Name a frame: Go functions from the pclntab, the rest from libunwind.
 * Frames past the first hold return addresses: their call is at pc - 1. */
static int frame_name(struct goproc *gp, const struct native_frame *f,
		      int innermost, char *buf, size_t len)
{
	struct gofunc fn;

	if (pclntab_find(&gp->pcln, f->pc, &fn) == 0) {
		const char *file;
		int32_t line;

		pclntab_fileline(&gp->pcln, &fn, innermost ? f->pc : f->pc - 1,
				 &file, &line);
		snprintf(buf, len, "%s (%s:%d)", pclntab_name(&gp->pcln, &fn),
			 file, line);
		return 1;
	}
	if (f->name[0])
		snprintf(buf, len, "%s+0x%llx", f->name,
			 (unsigned long long)f->off);
	else
		snprintf(buf, len, "?");
	return 0;
}

static void natives_text(struct cmd_ctx *c, const struct natives *nv)
{
	char name[640];

	for (size_t i = 0; i < nv->n; i++) {
		const struct native_stack *st = &nv->st[i];

		fprintf(c->out, "\nthread %d, native stack:\n", (int)st->tid);
		for (int k = 0; k < st->n; k++) {
			int go = frame_name(c->gp, &st->f[k], k == 0, name,
					    sizeof(name));

			fprintf(c->out, "  #%-2d 0x%016llx %s %s\n", k,
				(unsigned long long)st->f[k].pc,
				go ? "[Go]" : "[C] ", name);
		}
		if (st->err[0])
			fprintf(c->out, "  (%s)\n", st->err);
	}
}

static void native_json(struct json *j, struct goproc *gp,
			const struct native_stack *st)
{
	char name[640];

	json_key(j, "native");
	json_begin_array(j);
	for (int k = 0; st && k < st->n; k++) {
		int go = frame_name(gp, &st->f[k], k == 0, name, sizeof(name));

		json_begin_object(j);
		json_kv_uint(j, "pc", st->f[k].pc);
		json_kv_string(j, "func", name);
		json_kv_bool(j, "c", !go);
		json_end_object(j);
	}
	json_end_array(j);
}

static void threads_json(struct cmd_ctx *c, const struct snapshot *s,
			 const struct natives *nv)
{
	const struct target *t = &c->gp->tgt;
	struct json j;

	json_init(&j, c->out);
	json_begin_object(&j);
	json_kv_int(&j, "pid", c->gp->pid);
	json_kv_int(&j, "pause_us", s->pause_us);
	json_key(&j, "threads");
	json_begin_array(&j);
	for (size_t i = 0; i < s->nm; i++) {
		const struct msnap *m = &s->m[i];
		char st[2] = { m->kstate ? m->kstate : '?', 0 };
		char run[32];

		json_begin_object(&j);
		json_kv_int(&j, "id", m->id);
		json_kv_int(&j, "tid", m->tid);
		json_kv_string(&j, "state", st);
		put_opt(&j, "curg", goid_at(s, m->curg));
		running_name(s, m, run, sizeof(run));
		json_kv_string(&j, "running", run);
		put_opt(&j, "p", pid_at(s, m->p));
		json_kv_bool(&j, "spinning", m->spinning);
		json_kv_bool(&j, "blocked", m->blocked);
		put_opt(&j, "lockedg", goid_at(s, m->lockedg));
		json_key(&j, "g0_stack");
		json_begin_object(&j);
		json_kv_uint(&j, "lo", m->g0_lo);
		json_kv_uint(&j, "hi", m->g0_hi);
		json_end_object(&j);
		if (nv && native_of(nv, m->tid))
			native_json(&j, c->gp, native_of(nv, m->tid));
		json_end_object(&j);
	}
	for (size_t i = 0; i < t->nthreads; i++) {
		char st[2] = { t->threads[i].kstate, 0 };

		if (is_m_thread(s, t->threads[i].tid))
			continue;
		json_begin_object(&j);
		json_key(&j, "id");
		json_null(&j);
		json_kv_int(&j, "tid", t->threads[i].tid);
		json_kv_string(&j, "state", st);
		if (nv && native_of(nv, t->threads[i].tid))
			native_json(&j, c->gp, native_of(nv, t->threads[i].tid));
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_end(&j);
}

static void threads_text(struct cmd_ctx *c, const struct snapshot *s)
{
	const struct target *t = &c->gp->tgt;
	FILE *o = c->out;

	fprintf(o, "%4s %8s %5s %6s %8s %4s %8s %7s %7s  %s\n", "M", "TID",
		"STATE", "CURG", "RUNNING", "P", "SPINNING", "BLOCKED",
		"LOCKEDG", "G0 STACK");
	for (size_t i = 0; i < s->nm; i++) {
		const struct msnap *m = &s->m[i];
		char curg[24], p[24], lockedg[24], run[32];

		fmt_opt(curg, sizeof(curg), goid_at(s, m->curg));
		fmt_opt(p, sizeof(p), pid_at(s, m->p));
		fmt_opt(lockedg, sizeof(lockedg), goid_at(s, m->lockedg));
		running_name(s, m, run, sizeof(run));
		fprintf(o, "%4lld %8d %5c %6s %8s %4s %8s %7s %7s  [0x%llx, 0x%llx)\n",
			(long long)m->id, (int)m->tid,
			m->kstate ? m->kstate : '?', curg, run, p,
			m->spinning ? "yes" : "no", m->blocked ? "yes" : "no",
			lockedg, (unsigned long long)m->g0_lo,
			(unsigned long long)m->g0_hi);
	}
	for (size_t i = 0; i < t->nthreads; i++)
		if (!is_m_thread(s, t->threads[i].tid))
			fprintf(o, "%4s %8d %5c  (not a Go thread)\n", "-",
				(int)t->threads[i].tid, t->threads[i].kstate);
}

int cmd_threads(struct cmd_ctx *c, int argc, char **argv)
{
	struct natives nv = { NULL, 0 };
	int flags = SNAP_THREADS | SNAP_GOROUTINES | SNAP_PROCS;
	int native = 0, rc;
	struct snapshot s;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n")) {
			diag_error("threads: unknown option '%s' (only -n)",
				   argv[i]);
			return EXIT_USAGE;
		}
		native = 1;
	}
	rc = goproc_snapshot_hook(c->gp, flags, &s,
				  native ? collect_natives : NULL, &nv);
	if (rc) {
		diag_error("snapshot of %d: %s", (int)c->gp->pid, diag_reason());
		return rc;
	}
	if (c->verbose)
		fprintf(stderr, "goinspect: paused %ld us, read %llu bytes\n",
			s.pause_us, (unsigned long long)s.bytes_read);
	if (c->json) {
		threads_json(c, &s, native ? &nv : NULL);
	} else {
		threads_text(c, &s);
		if (native)
			natives_text(c, &nv);
	}
	free(nv.st);
	snapshot_free(&s);
	return EXIT_OK;
}

static uint32_t runq_len(const struct psnap *p)
{
	uint32_t n = p->runqtail - p->runqhead;

	return n > 256 ? 256 : n;
}

static void procs_json(struct cmd_ctx *c, const struct snapshot *s)
{
	struct json j;

	json_init(&j, c->out);
	json_begin_object(&j);
	json_kv_int(&j, "pid", c->gp->pid);
	json_kv_int(&j, "pause_us", s->pause_us);
	json_key(&j, "procs");
	json_begin_array(&j);
	for (size_t i = 0; i < s->np; i++) {
		const struct psnap *p = &s->p[i];

		json_begin_object(&j);
		json_kv_int(&j, "id", p->id);
		json_kv_string(&j, "status", pstatus(p->status));
		put_opt(&j, "m", mid_at(s, p->m));
		json_key(&j, "runq");
		json_begin_array(&j);
		for (uint32_t k = 0; k < runq_len(p); k++)
			json_int(&j, goid_at(s, p->runq[(p->runqhead + k) % 256]));
		json_end_array(&j);
		put_opt(&j, "runnext", goid_at(s, p->runnext));
		put_opt(&j, "timers", p->ntimers);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_end(&j);
}

static void procs_text(struct cmd_ctx *c, const struct snapshot *s)
{
	FILE *o = c->out;

	fprintf(o, "%4s %-8s %4s %6s %7s %6s  %s\n", "P", "STATUS", "M",
		"TIMERS", "RUNNEXT", "RUNQ", "QUEUED");
	for (size_t i = 0; i < s->np; i++) {
		const struct psnap *p = &s->p[i];
		char m[24], next[24], timers[24];

		fmt_opt(m, sizeof(m), mid_at(s, p->m));
		fmt_opt(next, sizeof(next), goid_at(s, p->runnext));
		fmt_opt(timers, sizeof(timers), p->ntimers);
		fprintf(o, "%4d %-8s %4s %6s %7s %6u ", p->id, pstatus(p->status),
			m, timers, next, runq_len(p));
		for (uint32_t k = 0; k < runq_len(p); k++)
			fprintf(o, " %lld", (long long)goid_at(s,
				p->runq[(p->runqhead + k) % 256]));
		fputc('\n', o);
	}
}

int cmd_procs(struct cmd_ctx *c, int argc, char **argv)
{
	struct snapshot s;
	int rc;

	(void)argv;
	if (argc > 1) {
		diag_error("procs takes no arguments");
		return EXIT_USAGE;
	}
	if (!c->gp->gl.allp) {
		diag_error("runtime.allp was not found in this binary");
		return EXIT_ATTACH;
	}
	rc = take(c, &s, SNAP_PROCS | SNAP_GOROUTINES);
	if (rc)
		return rc;
	if (c->json)
		procs_json(c, &s);
	else
		procs_text(c, &s);
	snapshot_free(&s);
	return EXIT_OK;
}

/* ---- sched ---- */

struct sched_sum {
	size_t by_status[12];
	size_t user, system;
	size_t ms, ms_spinning, ps_idle;
	int64_t gomaxprocs;
};

static const char *const gstatus_key[] = {
	"idle", "runnable", "running", "syscall", "waiting", "moribund",
	"dead", "enqueue", "copystack", "preempted", "leaked", "deadextra",
};

static void summarize(const struct goproc *gp, const struct snapshot *s,
		      struct sched_sum *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < s->ng; i++) {
		uint32_t st = s->g[i].status & ~0x1000u;

		if (st < 12)
			sum->by_status[st]++;
		if (st != 6 && !(gp->L->gstatus_deadextra >= 0 &&
				 st == (uint32_t)gp->L->gstatus_deadextra))
			s->g[i].system ? sum->system++ : sum->user++;
	}
	sum->ms = s->nm;
	for (size_t i = 0; i < s->nm; i++)
		sum->ms_spinning += s->m[i].spinning;
	for (size_t i = 0; i < s->np; i++)
		sum->ps_idle += s->p[i].status == 0;
	sum->gomaxprocs = s->sched.gomaxprocs >= 0 ? s->sched.gomaxprocs
						   : (int64_t)s->np;
}

static const char *gc_phase(int32_t v)
{
	static const char *const names[] = { "off", "mark",
					     "mark termination" };

	return v >= 0 && v < 3 ? names[v] : NULL;
}

static void sched_json(struct cmd_ctx *c, const struct snapshot *s,
		       const struct sched_sum *sum)
{
	const struct schedsnap *ss = &s->sched;
	struct json j;

	json_init(&j, c->out);
	json_begin_object(&j);
	json_kv_int(&j, "pid", c->gp->pid);
	json_kv_int(&j, "pause_us", s->pause_us);
	json_kv_int(&j, "gomaxprocs", sum->gomaxprocs);
	json_key(&j, "goroutines");
	json_begin_object(&j);
	json_kv_uint(&j, "user", sum->user);
	json_kv_uint(&j, "system", sum->system);
	for (size_t i = 0; i < 12; i++) {
		if (!sum->by_status[i])
			continue;
		json_key(&j, gstatus_key[i]);
		json_uint(&j, sum->by_status[i]);
	}
	json_end_object(&j);
	json_kv_uint(&j, "threads", s->nthreads);
	json_kv_uint(&j, "ms", sum->ms);
	put_opt(&j, "ms_idle", ss->have ? ss->nmidle : -1);
	json_kv_uint(&j, "ms_spinning", sum->ms_spinning);
	json_kv_uint(&j, "ps_idle", sum->ps_idle);
	put_opt(&j, "global_runq", ss->have ? ss->runqsize : -1);
	put_opt(&j, "goidgen", ss->have ? ss->goidgen : -1);
	json_key(&j, "gc_phase");
	if (gc_phase(ss->gcphase))
		json_string(&j, gc_phase(ss->gcphase));
	else
		json_null(&j);
	json_end_object(&j);
	json_end(&j);
}

static void sched_text(struct cmd_ctx *c, const struct snapshot *s,
		       const struct sched_sum *sum)
{
	const struct schedsnap *ss = &s->sched;
	FILE *o = c->out;
	char buf[32];

	fprintf(o, "gomaxprocs:      %lld\n", (long long)sum->gomaxprocs);
	fprintf(o, "goroutines:      %zu user, %zu system\n", sum->user,
		sum->system);
	for (size_t i = 0; i < 12; i++)
		if (sum->by_status[i] && i != 6)
			fprintf(o, "  %-14s %zu\n", gstatus_key[i],
				sum->by_status[i]);
	fprintf(o, "threads:         %zu (%zu Ms, %zu spinning", s->nthreads,
		sum->ms, sum->ms_spinning);
	fmt_opt(buf, sizeof(buf), ss->have ? ss->nmidle : -1);
	fprintf(o, ", %s idle)\n", buf);
	fprintf(o, "idle Ps:         %zu\n", sum->ps_idle);
	fmt_opt(buf, sizeof(buf), ss->have ? ss->runqsize : -1);
	fprintf(o, "global runq:     %s\n", buf);
	fprintf(o, "GC phase:        %s\n",
		gc_phase(ss->gcphase) ? gc_phase(ss->gcphase) : "unknown");
}

int cmd_sched(struct cmd_ctx *c, int argc, char **argv)
{
	struct sched_sum sum;
	struct snapshot s;
	int rc;

	(void)argv;
	if (argc > 1) {
		diag_error("sched takes no arguments");
		return EXIT_USAGE;
	}
	rc = take(c, &s, SNAP_SCHED | SNAP_PROCS | SNAP_GOROUTINES);
	if (rc)
		return rc;
	summarize(c->gp, &s, &sum);
	if (c->json)
		sched_json(c, &s, &sum);
	else
		sched_text(c, &s, &sum);
	snapshot_free(&s);
	return EXIT_OK;
}
