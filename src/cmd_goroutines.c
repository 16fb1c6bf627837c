/*
 * cmd_goroutines.c - `goroutines`, `bt` and `goroutine`: take one
 * snapshot, release the target, then print.
 */
#include "cmd.h"
#include "diag.h"
#include "goproc.h"
#include "json.h"
#include "traceback.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int take(struct cmd_ctx *c, struct snapshot *s)
{
	int rc = goproc_snapshot(c->gp, SNAP_GOROUTINES | SNAP_STACKS, s);

	if (rc) {
		diag_error("snapshot of %d: %s", (int)c->gp->pid, diag_reason());
		return rc;
	}
	if (c->verbose)
		fprintf(stderr, "goinspect: %zu goroutines, %zu threads, "
			"paused %ld us, read %llu bytes\n", s->ng, s->nthreads,
			s->pause_us, (unsigned long long)s->bytes_read);
	return 0;
}

static void json_frames(struct json *j, const struct tb *tb)
{
	json_key(j, "frames");
	json_begin_array(j);
	for (size_t i = 0; i < tb->n; i++) {
		const struct lframe *lf = &tb->f[i];

		json_begin_object(j);
		json_key(j, "func");
		json_string(j, lf->func);
		json_key(j, "file");
		json_string(j, lf->file);
		json_key(j, "line");
		json_int(j, lf->line);
		json_key(j, "pc");
		json_uint(j, lf->pf->pc);
		json_key(j, "inlined");
		json_bool(j, lf->inlined);
		json_end_object(j);
	}
	json_end_array(j);
	json_key(j, "elided");
	json_int(j, tb->elided);
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
	json_key(j, "id");
	json_uint(j, g->goid);
	json_key(j, "status");
	json_string(j, st == 4 ? "waiting" : traceback_status(gp, g));
	json_key(j, "wait_reason");
	if (st == 4 && g->waitreason)
		json_string(j, goproc_wait_reason(gp, g->waitreason));
	else
		json_null(j);
	json_key(j, "wait_minutes");
	json_int(j, traceback_wait_minutes(g, s));
	json_key(j, "locked_to_thread");
	json_bool(j, g->lockedm != 0);
	json_key(j, "labels");
	json_null(j);   /* see BUGS in the man page */
	json_key(j, "m");
	if (g->m)
		json_int(j, g->m_id);
	else
		json_null(j);
	json_key(j, "system");
	json_bool(j, g->system);
	json_key(j, "stack");
	json_begin_object(j);
	json_key(j, "lo");
	json_uint(j, g->stack_lo);
	json_key(j, "hi");
	json_uint(j, g->stack_hi);
	json_end_object(j);
	json_frames(j, &tb);
	json_key(j, "created_by");
	if (tb.has_creator) {
		json_begin_object(j);
		json_key(j, "func");
		json_string(j, tb.creator);
		json_key(j, "file");
		json_string(j, tb.creator_file);
		json_key(j, "line");
		json_int(j, tb.creator_line);
		json_key(j, "goid");
		json_uint(j, g->parent_goid);
		json_end_object(j);
	} else {
		json_null(j);
	}
	json_end_object(j);
	traceback_free(&tb);
}

/* Print the selected goroutines (ids == NULL: every listed one). */
static int dump(struct cmd_ctx *c, const uint64_t *ids, size_t nids)
{
	struct tb_opts o = { .system = c->all };
	struct snapshot s;
	struct json j;
	int first = 1, partial = 0, rc = take(c, &s);

	if (rc)
		return rc;
	if (c->json) {
		json_init(&j, c->out);
		json_begin_object(&j);
		json_key(&j, "pid");
		json_int(&j, c->gp->pid);
		json_key(&j, "go_version");
		json_string(&j, c->gp->version);
		json_key(&j, "pause_us");
		json_int(&j, s.pause_us);
		json_key(&j, "goroutines");
		json_begin_array(&j);
	}
	for (size_t i = 0; i < s.ng; i++) {
		const struct gsnap *g = &s.g[i];
		int want = 0;

		if (ids) {
			for (size_t k = 0; k < nids; k++)
				want |= ids[k] == g->goid;
			want = want && traceback_listed(c->gp, g,
							&(struct tb_opts){ 1 });
		} else {
			want = traceback_listed(c->gp, g, &o);
		}
		if (!want)
			continue;
		if (c->json) {
			json_goroutine(&j, c, &s, g, &o);
			continue;
		}
		if (!first)
			fputc('\n', c->out);
		first = 0;
		partial |= traceback_print(c->out, c->gp, &s, g, &o);
	}
	if (c->json) {
		json_end_array(&j);
		json_end_object(&j);
		json_end(&j);
	}
	rc = s.partial || partial ? EXIT_PARTIAL : EXIT_OK;
	snapshot_free(&s);
	return rc;
}

int cmd_goroutines(struct cmd_ctx *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-a"))
			c->all = 1;
		else {
			diag_error("goroutines: unknown option '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	return dump(c, NULL, 0);
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
	uint64_t *ids;
	int rc;

	if (argc < 2) {
		diag_error("bt: which goroutines? (bt ID...)");
		return EXIT_USAGE;
	}
	ids = xcalloc((size_t)argc, sizeof(*ids));
	for (int i = 1; i < argc; i++)
		if (parse_id(argv[i], &ids[i - 1]) < 0) {
			free(ids);
			return EXIT_USAGE;
		}
	rc = dump(c, ids, (size_t)argc - 1);
	free(ids);
	return rc;
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
	fprintf(o, "  labels:      %s\n", g->labels ? "present (not decoded)"
					: "none");
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
	snapshot_free(&s);
	return rc;
}
