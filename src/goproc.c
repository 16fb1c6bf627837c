/*
 * goproc.c - open a Go process and take snapshots of its runtime state.
 */
#define _GNU_SOURCE
#include "goproc.h"
#include "le.h"
#include "diag.h"
#include "arch.h"
#include "globals.h"
#include "gscan.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_MS 100000
#define MAX_PS 4096
#define MAX_WAIT_REASONS 256

/*
 * No build info and no symbols (some vendors strip both): open the
 * pclntab with a provisional layout of the same pclntab format, and read
 * runtime.buildVersion through the code of runtime.schedinit.
 */
static int version_from_code(struct goproc *gp)
{
	const struct elf_section *s = elfimg_pclntab(&gp->img);
	struct go_version v = { 1, 26, 0 };
	uint32_t magic;
	uint64_t text;
	int rc;

	if (!s || !s->data || s->size < 32)
		return -1;
	memcpy(&magic, s->data, 4);
	if (magic == 0xfffffff0u)
		v.minor = 19;
	gp->L = layout_for_version(&v);
	/* The text start comes from the live moduledata: Go 1.26 stopped
	 * storing it in the pclntab header. */
	if (globals_find_moduledata(gp) < 0 ||
	    target_read_u64(&gp->tgt, gp->gl.moduledata + gp->L->md.text,
			    &text) < 0 ||
	    pclntab_open(&gp->pcln, &gp->img, gp->L, text, 0) < 0) {
		gp->L = NULL;
		return -1;
	}
	rc = arch_build_version(gp, gp->version, sizeof(gp->version));
	gp->L = NULL;
	return rc;
}

/* Go version: .go.buildinfo first, else runtime.buildVersion. */
static int find_version(struct goproc *gp)
{
	if (elfimg_buildinfo(&gp->img) == 0 && gp->img.bi.go_version) {
		snprintf(gp->version, sizeof(gp->version), "%s",
			 gp->img.bi.go_version);
		gp->version_source = "buildinfo";
		return 0;
	}
	if (globals_build_version(gp, gp->version, sizeof(gp->version)) == 0) {
		gp->version_source = "runtime.buildVersion";
		return 0;
	}
	if (version_from_code(gp) == 0) {
		gp->version_source = "runtime.buildVersion (found in code)";
		return 0;
	}
	diag_set("cannot tell which Go release built %s (no .go.buildinfo,"
		 " no runtime.buildVersion); use --force-version", gp->img.path);
	return -1;
}

static int choose_layout(struct goproc *gp, const char *force)
{
	const char *v = force ? force : gp->version;

	if (layout_parse_version(v, &gp->ver) < 0) {
		diag_set("'%s' is not a Go version", v);
		return EXIT_USAGE;
	}
	gp->L = layout_for_version(&gp->ver);
	if (!gp->L && force) {
		diag_set("--force-version %s: goinspect has no layout for that"
			 " release (it knows go1.19 to go1.27)", force);
		return EXIT_UNSUPPORTED;
	}
	if (!gp->L) {
		diag_set("%s was built by %s, which this goinspect does not know"
			 " (it knows go1.19 to go1.27); try --force-version"
			 " go1.X", gp->img.path, gp->version);
		return EXIT_UNSUPPORTED;
	}
	if (force) {
		snprintf(gp->version, sizeof(gp->version), "%s", force);
		gp->version_source = "--force-version";
	}
	return 0;
}

/* Check the layout against DWARF, when the binary has it. */
static int check_layout(struct goproc *gp, const char *force)
{
	struct Dwarf *dw = elfimg_dwarf(&gp->img);
	char msg[256];
	int bad;

	if (!dw)
		return 0;
	bad = layout_check_dwarf(gp->L, dw, msg, sizeof(msg));
	if (bad <= 0)
		return 0;
	if (force) {
		diag_warn("layout for %s differs from DWARF (%s); using DWARF",
			  gp->version, msg);
		gp->L = gp->L_owned = layout_from_dwarf(gp->L, dw);
		return gp->L ? 0 : EXIT_UNSUPPORTED;
	}
	diag_set("runtime layout table for %s does not match the binary's"
		 " DWARF: %s (%d mismatches); refusing to guess", gp->version,
		 msg, bad);
	return EXIT_UNSUPPORTED;
}

/* Read the fields of runtime.firstmoduledata that the pclntab needs. */
static int read_moduledata(struct goproc *gp)
{
	const struct layout_moduledata *md = &gp->L->md;
	uint8_t buf[1024];

	if (globals_find_moduledata(gp) < 0)
		return -1;
	if (target_read(&gp->tgt, gp->gl.moduledata, buf, sizeof(buf)) < 0) {
		diag_set("cannot read runtime.firstmoduledata at %#llx",
			 (unsigned long long)gp->gl.moduledata);
		return -1;
	}
	gp->text = rd64(buf + md->text);
	gp->etext = rd64(buf + md->etext);
	gp->gofunc = rd64(buf + md->gofunc);
	gp->types = rd64(buf + md->types);
	gp->etypes = rd64(buf + md->etypes);
	return 0;
}

static void read_wait_reasons(struct goproc *gp)
{
	int n = gp->gl.wait_reasons_count;
	uint8_t hdr[16];

	if (!gp->gl.wait_reasons || n <= 0 || n > MAX_WAIT_REASONS)
		return;
	gp->wait_reasons = xcalloc((size_t)n, sizeof(char *));
	for (int i = 0; i < n; i++) {
		uint64_t len;
		char *s;

		if (target_read(&gp->tgt, gp->gl.wait_reasons + 16u * i, hdr,
				16) < 0)
			break;
		len = rd64(hdr + 8);
		if (len > 128)
			break;
		s = xcalloc(1, len + 1);
		if (len && target_read(&gp->tgt, rd64(hdr), s, len) < 0) {
			free(s);
			break;
		}
		gp->wait_reasons[i] = s;
		gp->n_wait_reasons = i + 1;
	}
}

const char *goproc_wait_reason(const struct goproc *gp, unsigned idx)
{
	if ((int)idx < gp->n_wait_reasons && gp->wait_reasons[idx])
		return gp->wait_reasons[idx];
	if ((int)idx < gp->L->n_wait_reasons)
		return gp->L->wait_reasons[idx];
	return "???";
}

/* One pass over the function table for the funcIDs we need. */
static void learn_funcids(struct goproc *gp)
{
	static const struct { const char *name; size_t off; } want[] = {
		{ "runtime.sigpanic", offsetof(struct funcids, sigpanic) },
		{ "runtime.asyncPreempt", offsetof(struct funcids, asyncpreempt) },
		{ "runtime.debugCallV2", offsetof(struct funcids, debugcall) },
		{ "runtime.gopanic", offsetof(struct funcids, gopanic) },
		{ "runtime.panicwrap", offsetof(struct funcids, panicwrap) },
		{ "runtime.goexit", offsetof(struct funcids, goexit) },
		{ "runtime.main", offsetof(struct funcids, runtime_main) },
		{ "runtime.cgocallback", offsetof(struct funcids, cgocallback) },
	};
	struct gofunc f;

	gp->fid.wrapper = (uint8_t)gp->L->fn.funcid_wrapper;
	for (uint64_t i = 0; i < gp->pcln.nfunc; i++) {
		const char *name;

		if (pclntab_func_at(&gp->pcln, i, &f) < 0 || !f.funcid)
			continue;
		name = pclntab_name(&gp->pcln, &f);
		if (strncmp(name, "runtime.", 8))
			continue;
		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
			if (!strcmp(name, want[k].name))
				((uint8_t *)&gp->fid)[want[k].off] = f.funcid;
	}
}

/* Is tid a thread of the process right now? */
static int is_task(pid_t pid, uint64_t tid)
{
	char path[64];

	if (tid == 0 || tid > 0x7fffffff)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/task/%llu", (int)pid,
		 (unsigned long long)tid);
	return access(path, F_OK) == 0;
}

/*
 * Check the layout on live data before trusting it: walking allm by
 * m.alllink must end, and the Ms must run threads of this process.  A
 * wrong table fails here instead of printing garbage later.
 */
static int validate_layout(struct goproc *gp)
{
	const struct layout_m *M = &gp->L->m;
	uint64_t m, tid;
	int steps = 0, live = 0;

	if (target_read_u64(&gp->tgt, gp->gl.allm, &m) < 0)
		return 0;       /* reported by the first snapshot */
	while (m && steps++ < 100000) {
		if (target_read_u64(&gp->tgt, m + M->procid, &tid) < 0 ||
		    target_read_u64(&gp->tgt, m + M->alllink, &m) < 0)
			break;
		/* m.procid is in the target's pid namespace. */
		live += is_task(gp->pid, target_host_tid(&gp->tgt, tid));
	}
	if (m == 0 && live > 0)
		return 0;
	diag_set("the runtime.m layout for %s does not fit this process"
		 " (the M list %s); this Go release may differ from the table"
		 " goinspect has for it", gp->version,
		 m ? "does not end" : "holds no thread of the process");
	return -1;
}

int goproc_open(struct goproc *gp, pid_t pid, const char *force_version)
{
	return goproc_open_exe(gp, pid, force_version, NULL);
}

static int open_exe(struct goproc *gp, pid_t pid, const char *force_version,
		    const char *exe);

int goproc_open_exe(struct goproc *gp, pid_t pid, const char *force_version,
		    const char *exe)
{
	int rc;

	memset(gp, 0, sizeof(*gp));
	gp->pid = pid;
	if (target_open(&gp->tgt, pid) < 0)
		return EXIT_ATTACH;
	rc = open_exe(gp, pid, force_version, exe);
	/* A process that exits or execs meanwhile makes some read fail;
	 * say that rather than which read it was. */
	if (rc && (target_check_exiting(&gp->tgt) < 0 ||
		   target_check_alive(&gp->tgt) < 0))
		return EXIT_ATTACH;
	return rc;
}

static int open_exe(struct goproc *gp, pid_t pid, const char *force_version,
		    const char *exe)
{
	char comm[64];
	int rc;

	if (elfimg_open(&gp->img, pid, exe) < 0)
		return EXIT_ATTACH;
	if (!gp->img.is_amd64) {
		diag_set("%s is not a linux/amd64 executable", gp->img.path);
		return EXIT_UNSUPPORTED;
	}
	if (!elfimg_pclntab(&gp->img) &&
	    !elfimg_section(&gp->img, ".go.buildinfo")) {
		target_comm(pid, comm, sizeof(comm));
		diag_set("%d (%s) is not a Go program", (int)pid, comm);
		return EXIT_UNSUPPORTED;
	}
	if (find_version(gp) < 0 && !force_version)
		return EXIT_UNSUPPORTED;
	rc = choose_layout(gp, force_version);
	if (rc || (rc = check_layout(gp, force_version)))
		return rc;
	if (read_moduledata(gp) < 0)
		return EXIT_ATTACH;
	if (pclntab_open(&gp->pcln, &gp->img, gp->L, gp->text, gp->gofunc) < 0)
		return EXIT_ATTACH;
	learn_funcids(gp);
	if (globals_find(gp) < 0)
		return EXIT_ATTACH;
	if (validate_layout(gp) < 0)
		return EXIT_UNSUPPORTED;
	read_wait_reasons(gp);
	return 0;
}

void goproc_close(struct goproc *gp)
{
	for (int i = 0; i < gp->n_wait_reasons; i++)
		free(gp->wait_reasons[i]);
	free(gp->wait_reasons);
	target_close(&gp->tgt);
	pclntab_close(&gp->pcln);
	elfimg_close(&gp->img);
	free(gp->L_owned);
	memset(gp, 0, sizeof(*gp));
}

/* Goroutines are read by gscan.c. */

static const struct msnap *m_by_addr(const struct snapshot *s, uint64_t a)
{
	for (size_t i = 0; i < s->nm; i++)
		if (s->m[i].addr == a)
			return &s->m[i];
	return NULL;
}

/* ---- threads (M) ---- */

static void read_one_m(struct goproc *gp, const uint8_t *b, struct msnap *m)
{
	const struct layout_m *M = &gp->L->m;

	m->g0 = rd64(b + M->g0);
	m->tid = target_host_tid(&gp->tgt, rd64(b + M->procid));
	m->gsignal = rd64(b + M->gsignal);
	m->curg = rd64(b + M->curg);
	m->p = rd64(b + M->p);
	m->id = (int64_t)rd64(b + M->id);
	m->spinning = b[M->spinning];
	m->blocked = b[M->blocked];
	m->lockedg = rd64(b + M->lockedg);
}

static void attach_thread_regs(struct goproc *gp, struct msnap *m)
{
	for (size_t i = 0; i < gp->tgt.nthreads; i++) {
		const struct target_thread *th = &gp->tgt.threads[i];

		if (th->tid != m->tid)
			continue;
		m->kstate = th->kstate;
		m->have_regs = th->have_regs;
		m->rip = th->regs.rip;
		m->rsp = th->regs.rsp;
		m->fs_base = th->regs.fs_base;
		m->r14 = th->regs.r14;
	}
}

static int read_allm(struct goproc *gp, struct snapshot *s)
{
	const struct layout_m *M = &gp->L->m;
	uint8_t *b = xmalloc((size_t)M->size);
	uint64_t addr;
	size_t cap = 0;

	if (target_read_u64(&gp->tgt, gp->gl.allm, &addr) < 0) {
		free(b);
		diag_set("cannot read runtime.allm");
		return -1;
	}
	/* A list in target memory: bounded, and a cycle shows up as a
	 * repeated address. */
	while (addr && s->nm < MAX_MS) {
		struct msnap *m;

		if (m_by_addr(s, addr) ||
		    target_read(&gp->tgt, addr, b, (size_t)M->size) < 0) {
			s->partial = 1;
			break;
		}
		xgrow((void **)&s->m, &cap, s->nm + 1, sizeof(*s->m));
		m = &s->m[s->nm++];
		memset(m, 0, sizeof(*m));
		m->addr = addr;
		read_one_m(gp, b, m);
		attach_thread_regs(gp, m);
		addr = rd64(b + M->alllink);
	}
	free(b);
	return 0;
}

/* g0 stack bounds, for `threads`. */
static void read_g0_stacks(struct goproc *gp, struct snapshot *s)
{
	for (size_t i = 0; i < s->nm; i++) {
		struct msnap *m = &s->m[i];
		uint64_t b[2];

		if (m->g0 && target_read(&gp->tgt, m->g0, b, 16) == 0) {
			m->g0_lo = b[0];
			m->g0_hi = b[1];
		}
	}
}

/* ---- processors (P) ---- */

static int read_allp(struct goproc *gp, struct snapshot *s)
{
	const struct layout_p *P = &gp->L->p;
	uint64_t hdr[2], *ptrs;
	uint8_t *b;

	if (!gp->gl.allp || target_read(&gp->tgt, gp->gl.allp, hdr, 16) < 0) {
		diag_set("cannot read runtime.allp");
		return -1;
	}
	if (hdr[1] > MAX_PS) {
		diag_set("runtime.allp has %llu entries: not believable",
			 (unsigned long long)hdr[1]);
		return -1;
	}
	ptrs = xcalloc(hdr[1], 8);
	b = xmalloc((size_t)P->size);
	s->p = xcalloc(hdr[1], sizeof(*s->p));
	if (hdr[1] && target_read(&gp->tgt, hdr[0], ptrs, hdr[1] * 8) < 0)
		hdr[1] = 0;
	for (uint64_t i = 0; i < hdr[1]; i++) {
		struct psnap *p = &s->p[s->np];

		if (!ptrs[i] || target_read(&gp->tgt, ptrs[i], b,
					    (size_t)P->size) < 0)
			continue;
		p->addr = ptrs[i];
		p->id = (int32_t)rd32(b + P->id);
		p->status = rd32(b + P->status);
		p->m = rd64(b + P->m);
		p->runqhead = rd32(b + P->runqhead);
		p->runqtail = rd32(b + P->runqtail);
		memcpy(p->runq, b + P->runq, sizeof(p->runq));
		p->runnext = rd64(b + P->runnext);
		p->ntimers = P->timers_len >= 0 ?
			     (int64_t)rd64(b + P->timers_len) : -1;
		s->np++;
	}
	free(b);
	free(ptrs);
	return 0;
}

static void read_flags(struct goproc *gp, struct snapshot *s)
{
	uint32_t v = 0;

	if (gp->gl.fing_status &&
	    target_read(&gp->tgt, gp->gl.fing_status, &v, 4) == 0)
		s->fing_running = (v & 2) != 0; /* fingRunningFinalizer */
	else if (gp->gl.fing_running &&
		 target_read(&gp->tgt, gp->gl.fing_running, &v, 1) == 0)
		s->fing_running = (v & 0xff) != 0;
	v = 0;
	if (gp->gl.tracebacklabels &&
	    target_read(&gp->tgt, gp->gl.tracebacklabels, &v, 4) == 0)
		s->tracebacklabels = v == 1;
}

static int32_t rd_i32(const uint8_t *b, int off)
{
	return off >= 0 ? (int32_t)rd32(b + off) : -1;
}

static void read_sched(struct goproc *gp, struct snapshot *s)
{
	const struct layout_sched *S = &gp->L->sched;
	struct schedsnap *ss = &s->sched;
	uint8_t b[512];
	int32_t v;

	ss->gomaxprocs = -1;
	ss->gcphase = -1;
	if (gp->gl.gomaxprocs &&
	    target_read(&gp->tgt, gp->gl.gomaxprocs, &v, 4) == 0)
		ss->gomaxprocs = v;
	if (gp->gl.gcphase &&
	    target_read(&gp->tgt, gp->gl.gcphase, &v, 4) == 0)
		ss->gcphase = v;
	if (!gp->gl.sched || target_read(&gp->tgt, gp->gl.sched, b,
					 sizeof(b)) < 0)
		return;
	ss->have = 1;
	ss->goidgen = (int64_t)rd64(b + S->goidgen);
	ss->nmidle = rd_i32(b, S->nmidle);
	ss->nmidlelocked = rd_i32(b, S->nmidlelocked);
	ss->nmsys = rd_i32(b, S->nmsys);
	ss->npidle = rd_i32(b, S->npidle);
	ss->nmspinning = rd_i32(b, S->nmspinning);
	ss->runqsize = rd_i32(b, S->runqsize);
	ss->mnext = (int64_t)rd64(b + S->mnext);
	ss->maxmcount = rd_i32(b, S->maxmcount);
}

static int copy_state(struct goproc *gp, int flags, struct snapshot *s,
		      struct gscan *sc)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->now_mono = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	s->nthreads = gp->tgt.nthreads;
	if (read_allm(gp, s) < 0)
		return -1;
	if ((flags & SNAP_THREADS))
		read_g0_stacks(gp, s);
	/* Without allp (not found in a stripped binary) only `procs` fails;
	 * it checks that itself. */
	if ((flags & SNAP_PROCS) && gp->gl.allp && read_allp(gp, s) < 0)
		return -1;
	read_flags(gp, s);
	if (flags & SNAP_SCHED)
		read_sched(gp, s);
	if ((flags & (SNAP_GOROUTINES | SNAP_STACKS)) &&
	    gscan_read(gp, sc, flags, s) < 0)
		return -1;
	return 0;
}

static long usec_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/*
 * Goroutines are read in two steps (gscan.h): most of it while the target
 * runs, then what changed while it is stopped.  A target that is already
 * stopped (held) is read in one step.
 */
int goproc_snapshot(struct goproc *gp, int flags, struct snapshot *s)
{
	return goproc_snapshot_hook(gp, flags, s, NULL, NULL);
}

int goproc_snapshot_hook(struct goproc *gp, int flags, struct snapshot *s,
			 snapshot_hook hook, void *arg)
{
	uint64_t before = gp->tgt.bytes_read;
	struct gscan sc;
	long t[4];
	int rc;

	memset(s, 0, sizeof(*s));
	memset(&sc, 0, sizeof(sc));
	memsnap_init(&s->mem);
	if ((flags & (SNAP_GOROUTINES | SNAP_STACKS)) && !gp->tgt.stopped)
		gscan_prefetch(gp, &sc, flags);
	t[0] = usec_now();
	if (target_stop(&gp->tgt) < 0) {
		target_check_alive(&gp->tgt);   /* a better reason, if any */
		gscan_free(&sc);
		return EXIT_ATTACH;
	}
	t[1] = usec_now();
	rc = copy_state(gp, flags, s, &sc);
	if (rc == 0 && hook)
		hook(gp, s, arg);
	t[2] = usec_now();
	if (rc < 0)
		target_check_alive(&gp->tgt);
	target_release(&gp->tgt);
	t[3] = usec_now();
	s->pause_us = gp->tgt.pause_us;
	diag_debug("snapshot: stop %ld us, copy %ld us, release %ld us",
		   t[1] - t[0], t[2] - t[1], t[3] - t[2]);
	if (rc == 0 && (flags & (SNAP_GOROUTINES | SNAP_STACKS)))
		gscan_finish(gp, &sc, flags, s);
	s->stacks_kept = sc.reused;
	s->stacks_fresh = sc.fresh;
	gscan_free(&sc);
	s->bytes_read = gp->tgt.bytes_read - before;
	return rc < 0 ? EXIT_ATTACH : 0;
}

void snapshot_free(struct snapshot *s)
{
	free(s->g);
	free(s->m);
	free(s->p);
	memsnap_free(&s->mem);
	memset(s, 0, sizeof(*s));
}
