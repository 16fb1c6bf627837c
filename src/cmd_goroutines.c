/*
 * cmd_goroutines.c - `goroutines`, `bt` and `goroutine`: take one
 * snapshot, release the target, then print.
 */
#include "cmd.h"
#include "diag.h"
#include "diff.h"
#include "goproc.h"
#include "group.h"
#include "json.h"
#include "labels.h"
#include "traceback.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int take(struct cmd_ctx *c, struct snapshot *s)
{
	int rc = goproc_snapshot(c->gp, SNAP_GOROUTINES | SNAP_STACKS, s);

	if (rc) {
		diag_error("snapshot of %d: %s", (int)c->gp->pid, diag_reason());
		return rc;
	}
	return 0;
}

/* With -v, the last line on stderr: what the snapshot cost. */
static void summary(const struct cmd_ctx *c, const struct snapshot *s)
{
	if (c->verbose)
		fprintf(stderr, "goinspect: %zu goroutines, %zu threads, "
			"paused %ld us, read %llu bytes\n", s->ng, s->nthreads,
			s->pause_us, (unsigned long long)s->bytes_read);
}

/* Progress of a long dump, on stderr when it is a terminal. */
struct progress {
	int tty;
	struct timespec start, last;
	int shown;
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_init(struct progress *p)
{
	memset(p, 0, sizeof(*p));
	/* Not when the dump itself goes to the terminal (or a pager on
	 * it, in the REPL): the progress line would land inside it. */
	p->tty = isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

/* Shown after half a second, then redrawn at most 5 times a second. */
static void progress_step(struct progress *p, size_t done, size_t total)
{
	struct timespec now;

	if (!p->tty || (done & 255))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (since(&p->start, &now) < 0.5 || since(&p->last, &now) < 0.2)
		return;
	p->last = now;
	p->shown = 1;
	fprintf(stderr, "\rgoinspect: %zu of %zu goroutines", done, total);
}

static void progress_end(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
}

static void json_frames(struct json *j, const struct tb *tb)
{
	json_key(j, "frames");
	json_begin_array(j);
	for (size_t i = 0; i < tb->n; i++) {
		const struct lframe *lf = &tb->f[i];

		json_begin_object(j);
		json_kv_string(j, "func", lf->func);
		json_kv_string(j, "file", lf->file);
		json_kv_int(j, "line", lf->line);
		json_kv_uint(j, "pc", lf->pf->pc);
		json_kv_bool(j, "inlined", lf->inlined);
		json_end_object(j);
	}
	json_end_array(j);
	json_kv_int(j, "elided", tb->elided);
}

/* "labels": {"key": "value"...}, or null without labels (or when they
 * cannot be read). */
static void json_labels(struct json *j, struct goproc *gp,
			const struct gsnap *g)
{
	struct labelset ls;

	json_key(j, "labels");
	if (!g->labels || labels_read(gp, g->labels, &ls) < 0) {
		json_null(j);
		return;
	}
	json_begin_object(j);
	for (size_t i = 0; i < ls.n; i++) {
		json_key(j, ls.v[i].key);
		json_string(j, ls.v[i].value);
	}
	json_end_object(j);
	labels_free(&ls);
}

static void json_goroutine(struct json *j, struct cmd_ctx *c,
			   struct snapshot *s, const struct gsnap *g,
			   const struct tb_opts *o)
{
	struct goproc *gp = c->gp;
	uint32_t st = g->status & ~0x1000u;
	struct tb tb;

	traceback_build(gp, s, g, o, &tb);
	json_begin_object(j);
	json_kv_uint(j, "id", g->goid);
	json_kv_string(j, "status",
		       st == 4 ? "waiting" : traceback_status(gp, g));
	json_key(j, "wait_reason");
	if (st == 4 && g->waitreason)
		json_string(j, goproc_wait_reason(gp, g->waitreason));
	else
		json_null(j);
	json_kv_int(j, "wait_minutes", traceback_wait_minutes(g, s));
	json_kv_bool(j, "locked_to_thread", g->lockedm != 0);
	json_labels(j, gp, g);
	json_key(j, "m");
	if (g->m)
		json_int(j, g->m_id);
	else
		json_null(j);
	json_kv_bool(j, "system", g->system);
	json_key(j, "stack");
	json_begin_object(j);
	json_kv_uint(j, "lo", g->stack_lo);
	json_kv_uint(j, "hi", g->stack_hi);
	json_end_object(j);
	json_frames(j, &tb);
	json_key(j, "created_by");
	if (tb.has_creator) {
		json_begin_object(j);
		json_kv_string(j, "func", tb.creator);
		json_kv_string(j, "file", tb.creator_file);
		json_kv_int(j, "line", tb.creator_line);
		json_kv_uint(j, "goid", g->parent_goid);
		json_end_object(j);
	} else {
		json_null(j);
	}
	json_end_object(j);
	traceback_free(&tb);
}

/* Is g one of the goroutines asked for (ids == NULL: every listed one)? */
static int selected(struct cmd_ctx *c, const struct gsnap *g,
		    const uint64_t *ids, size_t nids, const struct tb_opts *o)
{
	int want = 0;

	if (!ids)
		return traceback_listed(c->gp, g, o);
	for (size_t k = 0; k < nids; k++)
		want |= ids[k] == g->goid;
	return want && traceback_listed(c->gp, g, &(struct tb_opts){ 1 });
}

static int filtering(const struct gfilter *f)
{
	return f->status || f->nwith || f->nwithout || f->min_wait_ns ||
	       f->nlabels;
}

/* "waiting" for any parked goroutine, else the header's status. */
static const char *general_status(struct goproc *gp, const struct gsnap *g)
{
	return (g->status & ~0x1000u) == 4 ? "waiting" :
	       traceback_status(gp, g);
}

/* How long the runtime says g has waited (it notes the start of a wait
 * only when a GC finds the goroutine parked); 0 when it has no record. */
static int64_t wait_ns(const struct gsnap *g, const struct snapshot *s)
{
	uint32_t st = g->status & ~0x1000u;

	if ((st != 4 && st != 3) || !g->waitsince || s->now_mono < g->waitsince)
		return 0;
	return s->now_mono - g->waitsince;
}

/* Does g pass the filters?  tb: its frames, when a filter needs them. */
static int passes(struct cmd_ctx *c, const struct snapshot *s,
		  const struct gsnap *g, const struct gfilter *f,
		  const struct tb *tb)
{
	struct labelset ls = { 0 };
	struct gview v = { 0 };
	const char **funcs = NULL;
	int ok;

	if (!filtering(f))
		return 1;
	v.id = g->goid;
	v.state = traceback_status(c->gp, g);
	v.general = general_status(c->gp, g);
	v.wait_ns = wait_ns(g, s);
	if (tb) {
		funcs = xcalloc(tb->n + 1, sizeof(*funcs));
		for (size_t i = 0; i < tb->n; i++)
			funcs[i] = tb->f[i].func;
		v.funcs = funcs;
		v.nfuncs = tb->n;
	}
	if (gfilter_needs_labels(f) && g->labels &&
	    labels_read(c->gp, g->labels, &ls) < 0)
		diag_debug("goroutine %llu: %s", (unsigned long long)g->goid,
			   diag_reason());
	v.labels = &ls;
	ok = gfilter_match(f, &v);
	labels_free(&ls);
	free(funcs);
	return ok;
}

/* passes(), building the frames first when a filter looks at them. */
static int passes_built(struct cmd_ctx *c, struct snapshot *s,
			const struct gsnap *g, const struct gfilter *f,
			const struct tb_opts *o)
{
	struct tb tb;
	int ok;

	if (!filtering(f) || !gfilter_needs_frames(f))
		return passes(c, s, g, f, NULL);
	traceback_build(c->gp, s, g, o, &tb);
	ok = passes(c, s, g, f, &tb);
	traceback_free(&tb);
	return ok;
}

static void json_head(struct json *j, struct cmd_ctx *c,
		      const struct snapshot *s)
{
	json_init(j, c->out);
	json_begin_object(j);
	json_kv_int(j, "pid", c->gp->pid);
	json_kv_string(j, "go_version", c->gp->version);
	json_kv_int(j, "pause_us", s->pause_us);
}

/* The goroutines one by one, as runtime.Stack prints them, or as JSON. */
static int list(struct cmd_ctx *c, struct snapshot *s, const uint64_t *ids,
		size_t nids, const struct gfilter *f)
{
	struct tb_opts o = { .system = c->all };
	struct progress pr;
	struct json j;
	int first = 1, partial = 0;

	if (c->json) {
		json_head(&j, c, s);
		json_key(&j, "goroutines");
		json_begin_array(&j);
	}
	progress_init(&pr);
	for (size_t i = 0; i < s->ng; i++) {
		const struct gsnap *g = &s->g[i];

		/* Ctrl-C in the REPL, or output nobody reads any more (a
		 * closed pipe: `| head`): formatting the rest is wasted. */
		if (cmd_stop_requested() || ferror(c->out)) {
			partial = 1;
			break;
		}
		progress_step(&pr, i, s->ng);
		if (!selected(c, g, ids, nids, &o) ||
		    !passes_built(c, s, g, f, &o))
			continue;
		if (c->json) {
			json_goroutine(&j, c, s, g, &o);
			continue;
		}
		if (!first)
			fputc('\n', c->out);
		first = 0;
		partial |= traceback_print(c->out, c->gp, s, g, &o);
	}
	progress_end(&pr);
	if (c->json) {
		json_end_array(&j);
		json_end_object(&j);
		json_end(&j);
	}
	return partial;
}

/* Goroutines with identical stacks together, largest group first. */
static int groups(struct cmd_ctx *c, struct snapshot *s, const uint64_t *ids,
		  size_t nids, const struct gfilter *f)
{
	struct tb_opts o = { .system = c->all };
	struct grouping gr;
	struct progress pr;
	struct json j;
	size_t shown = 0, n;

	grouping_init(&gr);
	progress_init(&pr);
	for (size_t i = 0; i < s->ng; i++) {
		const struct gsnap *g = &s->g[i];
		struct tb tb;

		if (cmd_stop_requested())       /* Ctrl-C in the REPL */
			break;
		progress_step(&pr, i, s->ng);
		if (!selected(c, g, ids, nids, &o))
			continue;
		traceback_build(c->gp, s, g, &o, &tb);
		if (passes(c, s, g, f, &tb)) {
			grouping_add(&gr, traceback_status(c->gp, g), &tb,
				     g->goid, traceback_wait_minutes(g, s), i);
			shown++;
		}
		traceback_free(&tb);
	}
	progress_end(&pr);
	grouping_sort(&gr);
	n = f->top && (size_t)f->top < gr.n ? (size_t)f->top : gr.n;
	if (c->json) {
		json_head(&j, c, s);
		json_kv_uint(&j, "goroutines", shown);
		json_key(&j, "groups");
		json_begin_array(&j);
	}
	for (size_t i = 0; i < n; i++) {
		struct tb tb;

		traceback_build(c->gp, s, &s->g[gr.v[i].rep], &o, &tb);
		if (c->json) {
			group_json(&j, &gr.v[i], &tb);
		} else {
			if (i)
				fputc('\n', c->out);
			group_print(c->out, &gr.v[i], &tb);
		}
		traceback_free(&tb);
	}
	if (c->json) {
		json_end_array(&j);
		json_end_object(&j);
		json_end(&j);
	}
	grouping_free(&gr);
	return 0;
}

/* The goroutines of now, reduced for the comparison with an old dump. */
static void now_items(struct cmd_ctx *c, struct snapshot *s,
		      const uint64_t *ids, size_t nids,
		      const struct gfilter *f, struct ddump *d)
{
	struct tb_opts o = { .system = c->all };

	ddump_init(d);
	d->pid = c->gp->pid;
	for (size_t i = 0; i < s->ng; i++) {
		const struct gsnap *g = &s->g[i];
		struct ditem it = { 0 };
		struct tb tb;

		if (!selected(c, g, ids, nids, &o))
			continue;
		traceback_build(c->gp, s, g, &o, &tb);
		if (passes(c, s, g, f, &tb)) {
			it.id = g->goid;
			it.status = xstrdup(general_status(c->gp, g));
			if ((g->status & ~0x1000u) == 4 && g->waitreason)
				it.wait_reason = xstrdup(goproc_wait_reason(
						c->gp, g->waitreason));
			if (tb.n) {
				it.func = xstrdup(tb.f[0].func);
				it.file = xstrdup(tb.f[0].file ? tb.f[0].file
						  : "?");
				it.line = tb.f[0].line;
			}
			it.wait_minutes = traceback_wait_minutes(g, s);
			ddump_add(d, &it);
		}
		traceback_free(&tb);
	}
}

/* What appeared, vanished or changed state since the dump f->diff. */
static int diff(struct cmd_ctx *c, struct snapshot *s, const uint64_t *ids,
		size_t nids, const struct gfilter *f, const struct ddump *old)
{
	struct ddump now;

	now_items(c, s, ids, nids, f, &now);
	if (old->pid >= 0 && old->pid != c->gp->pid)
		diag_warn("'%s' is a dump of process %lld, not %d: goroutine"
			  " ids of two processes do not correspond", f->diff,
			  (long long)old->pid, (int)c->gp->pid);
	diff_print(c->out, c->json, old, &now);
	ddump_free(&now);
	return 0;
}

/* Print the selected goroutines (ids == NULL: every listed one) that pass
 * the filters: one by one, in groups, or as a difference. */
static int dump(struct cmd_ctx *c, const uint64_t *ids, size_t nids,
		const struct gfilter *f)
{
	struct snapshot s;
	struct ddump old;
	int partial = 0, rc;

	/* Read the old dump first: a bad file must not cost a stop. */
	if (f->diff && diff_load(f->diff, f, &old) < 0) {
		diag_error("--diff: %s", diag_reason());
		return EXIT_USAGE;
	}
	if ((rc = take(c, &s))) {
		if (f->diff)
			ddump_free(&old);
		return rc;
	}
	if (f->diff) {
		partial = diff(c, &s, ids, nids, f, &old);
		ddump_free(&old);
	} else if (f->grouped) {
		partial = groups(c, &s, ids, nids, f);
	} else {
		partial = list(c, &s, ids, nids, f);
	}
	rc = s.partial || partial ? EXIT_PARTIAL : EXIT_OK;
	summary(c, &s);
	snapshot_free(&s);
	return rc;
}

/* Take the filter and grouping options among argv[1..]; the other words
 * go to rest (when rest is NULL, there must be none).  Returns 0 or
 * EXIT_USAGE. */
static int parse_filters(struct cmd_ctx *c, int argc, char **argv,
			 struct gfilter *f, char **rest, int *nrest)
{
	for (int i = 1; i < argc; i++) {
		int r = gfilter_option(f, argc, argv, &i);

		if (r < 0) {
			diag_error("%s: %s", argv[0], diag_reason());
			return EXIT_USAGE;
		}
		if (r > 0)
			continue;
		if (!rest || argv[i][0] == '-') {
			diag_error("%s: unknown option '%s'", argv[0], argv[i]);
			return EXIT_USAGE;
		}
		rest[(*nrest)++] = argv[i];
	}
	c->all |= f->all;
	if (f->top && !f->grouped) {
		diag_error("%s: --top N counts groups: use it with -g",
			   argv[0]);
		return EXIT_USAGE;
	}
	if (f->diff && f->grouped) {
		diag_error("%s: --diff and -g do not combine", argv[0]);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_goroutines(struct cmd_ctx *c, int argc, char **argv)
{
	struct gfilter f;
	int rc;

	gfilter_init(&f);
	rc = parse_filters(c, argc, argv, &f, NULL, NULL);
	if (!rc)
		rc = dump(c, NULL, 0, &f);
	gfilter_free(&f);
	return rc;
}

static int parse_id(const char *s, uint64_t *id)
{
	char *end;

	errno = 0;
	*id = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-') {
		diag_error("'%s' is not a goroutine id", s);
		return -1;
	}
	return 0;
}

int cmd_bt(struct cmd_ctx *c, int argc, char **argv)
{
	char **words = xcalloc((size_t)argc, sizeof(*words));
	uint64_t *ids = xcalloc((size_t)argc, sizeof(*ids));
	struct gfilter f;
	int n = 0, rc;

	gfilter_init(&f);
	rc = parse_filters(c, argc, argv, &f, words, &n);
	if (!rc && n == 0) {
		diag_error("bt: which goroutines? (bt ID...)");
		rc = EXIT_USAGE;
	}
	for (int i = 0; !rc && i < n; i++)
		if (parse_id(words[i], &ids[i]) < 0)
			rc = EXIT_USAGE;
	if (!rc)
		rc = dump(c, ids, (size_t)n, &f);
	gfilter_free(&f);
	free(words);
	free(ids);
	return rc;
}

static void detail_labels(FILE *o, struct goproc *gp, const struct gsnap *g)
{
	struct labelset ls;

	fprintf(o, "  labels:      ");
	if (!g->labels) {
		fprintf(o, "none\n");
		return;
	}
	if (labels_read(gp, g->labels, &ls) < 0) {
		fprintf(o, "unreadable (%s)\n", diag_reason());
		return;
	}
	for (size_t i = 0; i < ls.n; i++)
		fprintf(o, "%s%s=%s", i ? " " : "", ls.v[i].key, ls.v[i].value);
	fprintf(o, "%s\n", ls.n ? "" : "none");
	labels_free(&ls);
}

static void detail_text(struct cmd_ctx *c, struct snapshot *s,
			const struct gsnap *g)
{
	static const char *const from[] = { "sched", "syscall", "registers",
					    "none" };
	struct goproc *gp = c->gp;
	FILE *o = c->out;
	struct gofunc f;

	fprintf(o, "  g:           0x%llx\n", (unsigned long long)g->addr);
	fprintf(o, "  status:      %s (%u%s)\n", traceback_status(gp, g),
		g->status & ~0x1000u, g->status & 0x1000 ? ", scan" : "");
	if (g->waitreason)
		fprintf(o, "  wait reason: %s (%u)\n",
			goproc_wait_reason(gp, g->waitreason), g->waitreason);
	if (g->waitsince)
		fprintf(o, "  waiting for: %.3f s\n",
			(double)(s->now_mono - g->waitsince) / 1e9);
	fprintf(o, "  stack:       [0x%llx, 0x%llx) %llu bytes, %llu in use\n",
		(unsigned long long)g->stack_lo, (unsigned long long)g->stack_hi,
		(unsigned long long)(g->stack_hi - g->stack_lo),
		(unsigned long long)(g->from != FROM_NONE ?
				     g->stack_hi - g->sp : 0));
	fprintf(o, "  stackguard0: 0x%llx\n",
		(unsigned long long)g->stackguard0);
	if (g->m)
		fprintf(o, "  m:           %lld (0x%llx, thread %d)\n",
			(long long)g->m_id, (unsigned long long)g->m,
			(int)g->tid);
	else
		fprintf(o, "  m:           none\n");
	fprintf(o, "  sched:       sp=0x%llx pc=0x%llx bp=0x%llx\n",
		(unsigned long long)g->sched_sp,
		(unsigned long long)g->sched_pc,
		(unsigned long long)g->sched_bp);
	if (g->syscallsp)
		fprintf(o, "  syscall:     sp=0x%llx pc=0x%llx\n",
			(unsigned long long)g->syscallsp,
			(unsigned long long)g->syscallpc);
	fprintf(o, "  unwound from: %s\n", from[g->from]);
	if (pclntab_find(&gp->pcln, g->startpc, &f) == 0)
		fprintf(o, "  start:       %s\n", pclntab_name(&gp->pcln, &f));
	if (pclntab_find(&gp->pcln, g->gopc, &f) == 0) {
		const char *file;
		int32_t line;

		pclntab_fileline(&gp->pcln, &f, g->gopc - 1, &file, &line);
		fprintf(o, "  created at:  %s (%s:%d)\n",
			pclntab_name(&gp->pcln, &f), file, line);
	}
	fprintf(o, "  parent:      %llu\n", (unsigned long long)g->parent_goid);
	detail_labels(o, gp, g);
	fprintf(o, "  system:      %s\n", g->system ? "yes" : "no");
}

int cmd_goroutine(struct cmd_ctx *c, int argc, char **argv)
{
	struct tb_opts o = { .system = c->all };
	struct snapshot s;
	uint64_t id;
	int rc;

	if (argc != 2) {
		diag_error("goroutine: which one? (goroutine ID)");
		return EXIT_USAGE;
	}
	if (parse_id(argv[1], &id) < 0)
		return EXIT_USAGE;
	if ((rc = take(c, &s)))
		return rc;
	rc = EXIT_PARTIAL;
	for (size_t i = 0; i < s.ng; i++) {
		const struct gsnap *g = &s.g[i];

		if (g->goid != id || !traceback_listed(c->gp, g,
						       &(struct tb_opts){ 1 }))
			continue;
		if (c->json) {
			struct json j;

			json_init(&j, c->out);
			json_goroutine(&j, c, &s, g, &o);
			json_end(&j);
		} else {
			traceback_print(c->out, c->gp, &s, g, &o);
			detail_text(c, &s, g);
		}
		rc = EXIT_OK;
		break;
	}
	if (rc)
		diag_error("no goroutine %llu in process %d",
			   (unsigned long long)id, (int)c->gp->pid);
	summary(c, &s);
	snapshot_free(&s);
	return rc;
}
