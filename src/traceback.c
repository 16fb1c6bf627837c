/*
 * traceback.c - print goroutines the way the target's runtime would.
 *
 * Release differences handled here (read in runtime/traceback.go):
 *  - Go 1.19-1.20 walk at most 100 physical frames and say
 *    "...additional frames elided..." when 100 frames were printed;
 *    1.21+ print the innermost 50 and outermost 50 logical frames with
 *    "...N frames elided..." between.
 *  - 1.21+ print generic instantiations as F[...] and add
 *    " in goroutine N" to the "created by" line.
 *  - 1.22+ add " gp=... m=..." to headers at GOTRACEBACK=system;
 *    1.23+ treat exported methods of exported runtime types as exported;
 *    1.25+ always show runtime.runFinalizers and runCleanups.
 *  - 1.27 also shortens generic methods of generic types.
 * (Checked in the runtime/traceback.go of each release.)
 */
#include "traceback.h"
#include "diag.h"
#include "gotype.h"
#include "labels.h"

#include <stdlib.h>
#include <string.h>

#define GSCAN 0x1000
#define GSTATUS_WAITING 4
#define GSTATUS_SYSCALL 3
#define GSTATUS_RUNNING 2
#define MAX_INLINE_DEPTH 256
#define MAX_PHYS 100000

static int at_least(const struct goproc *gp, int minor)
{
	return gp->ver.major > 1 || gp->ver.minor >= minor;
}

static const char *const gstatus_names[] = {
	"idle", "runnable", "running", "syscall", "waiting", "", "dead", "",
	"copystack", "preempted",
};

const char *traceback_status(const struct goproc *gp, const struct gsnap *g)
{
	uint32_t st = g->status & ~GSCAN;
	int leaked = gp->L->gstatus_leaked >= 0 &&
		     st == (uint32_t)gp->L->gstatus_leaked;

	if ((st == GSTATUS_WAITING || leaked) && g->waitreason)
		return goproc_wait_reason(gp, g->waitreason);
	if (leaked)
		return "leaked";
	if (gp->L->gstatus_deadextra >= 0 &&
	    st == (uint32_t)gp->L->gstatus_deadextra)
		return "waiting for cgo callback";
	if (st < sizeof(gstatus_names) / sizeof(gstatus_names[0]))
		return gstatus_names[st];
	return "???";
}

long traceback_wait_minutes(const struct gsnap *g, const struct snapshot *s)
{
	uint32_t st = g->status & ~GSCAN;

	if ((st != GSTATUS_WAITING && st != GSTATUS_SYSCALL) || !g->waitsince)
		return 0;
	return (long)((s->now_mono - g->waitsince) / 60000000000LL);
}

int traceback_listed(const struct goproc *gp, const struct gsnap *g,
		     const struct tb_opts *o)
{
	uint32_t st = g->status & ~GSCAN;

	if (st == 6 || (gp->L->gstatus_deadextra >= 0 &&
			st == (uint32_t)gp->L->gstatus_deadextra))
		return 0;
	return o->system || !g->system;
}

/* ---- which frames show (showfuncinfo) ---- */

static int is_exported_runtime(const struct goproc *gp, const char *name)
{
	const char *rest, *dot, *rcvr;
	size_t rlen;

	if (strncmp(name, "runtime.", 8))
		return 0;
	rest = name + 8;
	if (!at_least(gp, 23))
		return rest[0] >= 'A' && rest[0] <= 'Z';
	/* 1.23+: exported function, or exported method of exported type. */
	dot = strrchr(rest, '.');
	if (!dot)
		return rest[0] >= 'A' && rest[0] <= 'Z';
	rcvr = rest;
	rlen = (size_t)(dot - rest);
	if (rlen >= 3 && rcvr[0] == '(' && rcvr[1] == '*' &&
	    rcvr[rlen - 1] == ')') {
		rcvr += 2;
		rlen -= 3;
	}
	return dot[1] >= 'A' && dot[1] <= 'Z' &&
	       (rlen == 0 || (rcvr[0] >= 'A' && rcvr[0] <= 'Z'));
}

static int elide_wrapper_calling(const struct goproc *gp, uint8_t callee)
{
	return !(callee && (callee == gp->fid.gopanic ||
			    callee == gp->fid.sigpanic ||
			    callee == gp->fid.panicwrap));
}

static int showframe(const struct goproc *gp, const struct tb_opts *o,
		     const char *name, uint8_t funcid, int first,
		     uint8_t callee)
{
	if (o->system)
		return 1;
	if (funcid && funcid == gp->fid.wrapper &&
	    elide_wrapper_calling(gp, callee))
		return 0;
	if (at_least(gp, 25) && (!strcmp(name, "runtime.runFinalizers") ||
				 !strcmp(name, "runtime.runCleanups")))
		return 1;
	if (!strcmp(name, "runtime.gopanic") && !first)
		return 1;
	return strchr(name, '.') &&
	       (strncmp(name, "runtime.", 8) || is_exported_runtime(gp, name));
}

/* ---- names ---- */

/* Go 1.27's split of "pkg.T[...].M[...]" around the two bracket groups. */
static int name_generic_method(const char *name, size_t i, size_t j,
			       char *out, size_t len)
{
	int depth = 1;
	long rbr = -1, lbr = -1;

	for (size_t k = i + 1; k < j; k++) {
		if (name[k] == '[') {
			if (++depth != 1)
				continue;
			lbr = (long)k;
			break;
		}
		if (name[k] == ']') {
			if (--depth < 0)
				break;
			if (depth == 0)
				rbr = (long)k;
		}
	}
	if (depth == 1 && rbr >= 0 && lbr > rbr) {
		snprintf(out, len, "%.*s[...]%.*s[...]%s", (int)i, name,
			 (int)(lbr - rbr - 1), name + rbr + 1, name + j + 1);
		return 0;
	}
	if (depth == 1 && rbr == -1 && lbr == -1)
		return 1;       /* plain: one group */
	snprintf(out, len, "%s", name);
	return 0;
}

/* printFuncName: runtime.gopanic prints as "panic"; 1.21+ replace the
 * type arguments of generic functions with "...". */
static void print_name(const struct goproc *gp, const char *name, char *out,
		       size_t len)
{
	const char *lb, *rb;
	size_t i, j;

	if (!strcmp(name, "runtime.gopanic")) {
		snprintf(out, len, "panic");
		return;
	}
	lb = strchr(name, '[');
	rb = strrchr(name, ']');
	if (!at_least(gp, 21) || !lb || !rb || rb <= lb) {
		snprintf(out, len, "%s", name);
		return;
	}
	i = (size_t)(lb - name);
	j = (size_t)(rb - name);
	if (at_least(gp, 27) && memchr(name + i + 1, '[', j - i - 1) &&
	    name_generic_method(name, i, j, out, len) == 0)
		return;
	snprintf(out, len, "%.*s[...]%s", (int)i, name, name + j + 1);
}

/* ---- building the frame list ---- */

static struct lframe *add_frame(struct tb *tb)
{
	xgrow((void **)&tb->f, &tb->cap, tb->n + 1, sizeof(*tb->f));
	memset(&tb->f[tb->n], 0, sizeof(tb->f[0]));
	return &tb->f[tb->n++];
}

static uint64_t sym_pc(const struct pframe *pf)
{
	return !pf->trap && pf->pc > pf->fn.entry ? pf->pc - 1 : pf->pc;
}

/*
 * Emit the visible logical frames of physical frames [0, nphys), or only
 * count them when tb is NULL.  *callee carries the funcID of the previous
 * logical frame across calls, as the runtime's unwinder does.
 */
static size_t visible_frames(struct goproc *gp, const struct tb_opts *o,
			     const struct frames *ph, size_t nphys,
			     int show_runtime, struct tb *tb)
{
	uint8_t callee = 0;
	size_t count = 0;

	for (size_t k = 0; k < nphys && k < ph->n; k++) {
		const struct pframe *pf = &ph->f[k];
		struct inline_frame uf;
		int depth = 0;

		pclntab_inline_first(&gp->pcln, &pf->fn, sym_pc(pf), &uf);
		do {
			const char *name = pclntab_funcname(&gp->pcln,
							    uf.nameoff);
			uint8_t c = callee;
			struct lframe *lf;

			callee = uf.funcid;
			if (!show_runtime &&
			    !showframe(gp, o, name, uf.funcid, count == 0, c))
				continue;
			count++;
			if (!tb)
				continue;
			lf = add_frame(tb);
			print_name(gp, name, lf->func, sizeof(lf->func));
			if (uf.index >= 0 && !at_least(gp, 21) &&
			    !strcmp(name, "runtime.gopanic"))
				snprintf(lf->func, sizeof(lf->func), "%s", name);
			lf->inlined = uf.index >= 0;
			lf->pc = uf.pc;
			lf->pf = pf;
			pclntab_fileline(&gp->pcln, &pf->fn, uf.pc, &lf->file,
					 &lf->line);
		} while (++depth < MAX_INLINE_DEPTH &&
			 pclntab_inline_next(&gp->pcln, &pf->fn, &uf) == 0);
	}
	return count;
}

/* Keep the first 50 and last 50 frames (Go 1.21+). */
static void elide_middle(struct tb *tb)
{
	size_t drop;

	if (tb->n <= 100)
		return;
	drop = tb->n - 100;
	memmove(tb->f + 50, tb->f + 50 + drop, 50 * sizeof(tb->f[0]));
	tb->n = 100;
	tb->elided = (long)drop;
	tb->elided_at = 50;
}

static void build_frames(struct goproc *gp, const struct tb_opts *o,
			 struct tb *tb)
{
	/* 1.19-1.20 walk at most 100 physical frames. */
	size_t nphys = at_least(gp, 21) ? tb->phys.n : 100;
	int show_runtime = 0;

	if (visible_frames(gp, o, &tb->phys, nphys, 0, NULL) == 0)
		show_runtime = 1;
	visible_frames(gp, o, &tb->phys, nphys, show_runtime, tb);
	if (at_least(gp, 21))
		elide_middle(tb);
	else
		tb->more_elided = tb->n == 100;
}

static void build_creator(struct goproc *gp, const struct tb_opts *o,
			  const struct gsnap *g, struct tb *tb)
{
	struct gofunc f;
	const char *name;
	uint64_t pc = g->gopc;

	if (g->goid == 1 || pclntab_find(&gp->pcln, pc, &f) < 0)
		return;
	name = pclntab_name(&gp->pcln, &f);
	if (!showframe(gp, o, name, f.funcid, 0, 0))
		return;
	tb->has_creator = 1;
	print_name(gp, name, tb->creator, sizeof(tb->creator));
	pclntab_fileline(&gp->pcln, &f, pc > f.entry ? pc - 1 : pc,
			 &tb->creator_file, &tb->creator_line);
	tb->creator_off = pc > f.entry ? pc - f.entry : 0;
	if (gp->L->tb_created_in_goroutine)
		tb->creator_goid = g->parent_goid;
}

void traceback_build(struct goproc *gp, struct snapshot *s,
		     const struct gsnap *g, const struct tb_opts *o,
		     struct tb *tb)
{
	memset(tb, 0, sizeof(*tb));
	if ((g->status & ~GSCAN) == GSTATUS_RUNNING && g->from == FROM_NONE)
		tb->running_elsewhere = 1;
	else if (unwind_goroutine(gp, s, g, &tb->phys, MAX_PHYS) < 0)
		tb->unwind_failed = 1;
	else
		build_frames(gp, o, tb);
	build_creator(gp, o, g, tb);
}

void traceback_free(struct tb *tb)
{
	frames_free(&tb->phys);
	free(tb->f);
	memset(tb, 0, sizeof(*tb));
}

/* ---- text ---- */

/*
 * GODEBUG=tracebacklabels (Go 1.26+) decides whether headers show pprof
 * labels.  The runtime keeps it in runtime.debug.tracebacklabels, an
 * atomic.Int32 whose offset only DWARF tells; without DWARF it stays
 * unknown and labels are not printed (man page BUGS).  Read once, from
 * the running target, the first time a goroutine with labels is printed.
 */
static int labels_in_headers(struct goproc *gp)
{
	struct gotypes *ts;
	const struct govar *v;
	int32_t flag;

	if (gp->tb_labels_known)
		return gp->tb_labels;
	gp->tb_labels_known = 1;
	gp->tb_labels = 0;
	ts = gotypes_new(gp);
	v = ts ? gotypes_var(ts, "runtime.debug") : NULL;
	for (size_t i = 0; v && v->type && i < v->type->nfields; i++) {
		const struct gofield *f = &v->type->fields[i];

		if (!strcmp(f->name, "tracebacklabels") &&
		    target_read(&gp->tgt, v->addr + f->off, &flag, 4) == 0)
			gp->tb_labels = flag == 1;
	}
	if (ts)
		gotypes_free(ts);
	return gp->tb_labels;
}

/* Decode one UTF-8 sequence at p into *r; its length, or 0 if invalid. */
static int utf8_decode(const unsigned char *p, uint32_t *r)
{
	int n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 :
		(p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	uint32_t v = n == 1 ? p[0] : n == 2 ? p[0] & 0x1fu :
		     n == 3 ? p[0] & 0x0fu : p[0] & 0x07u;

	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3fu);
	}
	if (n == 0 || (n == 2 && v < 0x80) || (n == 3 && v < 0x800) ||
	    (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*r = v;
	return n;
}

/* The runtime's printquoted (print.go). */
static void print_quoted(FILE *out, const struct goproc *gp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p) {
		uint32_t r;
		int n = utf8_decode(p, &r);

		if (n == 0) {   /* invalid byte: U+FFFD, or \x.. since 1.27 */
			if (at_least(gp, 27))
				fprintf(out, "\\x%02x", *p);
			else
				fputs("\\ufffd", out);
			p++;
			continue;
		}
		p += n;
		if (r == '\n')
			fputs("\\n", out);
		else if (r == '\r')
			fputs("\\r", out);
		else if (r == '\t')
			fputs("\\t", out);
		else if (r == '\\' || r == '"')
			fprintf(out, "\\%c", (int)r);
		else if (r >= ' ' && r <= '~')
			fputc((int)r, out);
		else if (r < 127)
			fprintf(out, "\\x%02x", r);
		else if (r < 0x10000)
			fprintf(out, "\\u%04x", r);
		else
			fprintf(out, "\\U%08x", r);
	}
	fputc('"', out);
}

/* Go 1.27 quotes a label only when it has other than [A-Za-z0-9./_]. */
static void print_label_part(FILE *out, const struct goproc *gp,
			     const char *s)
{
	int plain = at_least(gp, 27);

	for (const char *c = s; plain && *c; c++)
		plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || *c == '.' || *c == '/' ||
			*c == '_';
	if (plain)
		fputs(s, out);
	else
		print_quoted(out, gp, s);
}

/* " labels:{...}" (1.26, inside the brackets) or " {...}" (1.27+,
 * after them), when the target prints labels at all. */
static void print_labels(FILE *out, struct goproc *gp, const struct gsnap *g)
{
	struct labelset ls;

	if (!g->labels || !at_least(gp, 26) || !labels_in_headers(gp) ||
	    labels_read(gp, g->labels, &ls) < 0)
		return;
	if (ls.n) {
		fputs(at_least(gp, 27) ? " {" : " labels:{", out);
		for (size_t i = 0; i < ls.n; i++) {
			print_label_part(out, gp, ls.v[i].key);
			fputs(": ", out);
			print_label_part(out, gp, ls.v[i].value);
			if (i + 1 < ls.n)
				fputs(", ", out);
		}
		fputc('}', out);
	}
	labels_free(&ls);
}

static void print_header(FILE *out, struct goproc *gp, struct snapshot *s,
			 const struct gsnap *g, const struct tb_opts *o)
{
	long minutes = traceback_wait_minutes(g, s);

	fprintf(out, "goroutine %llu", (unsigned long long)g->goid);
	if (o->system && at_least(gp, 22)) {
		fprintf(out, " gp=0x%llx", (unsigned long long)g->addr);
		if (g->m)
			fprintf(out, " m=%lld mp=0x%llx", (long long)g->m_id,
				(unsigned long long)g->m);
		else
			fprintf(out, " m=nil");
	}
	fprintf(out, " [%s", traceback_status(gp, g));
	if (gp->L->gstatus_leaked >= 0 &&
	    (g->status & ~GSCAN) == (uint32_t)gp->L->gstatus_leaked)
		fprintf(out, " (leaked)");
	if (g->status & GSCAN)
		fprintf(out, " (scan)");
	if (minutes >= 1)
		fprintf(out, ", %ld minutes", minutes);
	if (g->lockedm)
		fprintf(out, ", locked to thread");
	if (!at_least(gp, 27))
		print_labels(out, gp, g);
	fputc(']', out);
	if (at_least(gp, 27))
		print_labels(out, gp, g);
	fprintf(out, ":\n");
}

/* printArgs: the argument words as the runtime prints them, from the
 * FUNCDATA_ArgInfo program and the stack copy. */
static void print_args(FILE *out, struct goproc *gp, struct snapshot *s,
		       const struct lframe *lf)
{
	const struct pframe *pf = lf->pf;
	uint64_t info = pclntab_funcdata(&gp->pcln, &pf->fn, FUNCDATA_ARGINFO);
	uint64_t live = pclntab_funcdata(&gp->pcln, &pf->fn,
					 FUNCDATA_ARGLIVEINFO);
	uint8_t p[512], start_off = 0xff, bits;
	int32_t live_idx;
	size_t pi = 0;
	int start = 1;
	uint8_t slot = 0;

	if (!info || elfimg_read(&gp->img, info - gp->img.bias, p, 1) < 0)
		return;
	/* The program is short; read what the file has, up to 512 bytes. */
	for (size_t n = sizeof(p); n > 1; n /= 2)
		if (elfimg_read(&gp->img, info - gp->img.bias, p, n) == 0)
			break;
	/* Go 1.19-1.20 ask at the pc left by walking the inline tree (the
	 * outermost call site); 1.21+ at the frame's own pc. */
	live_idx = pclntab_pcdata(&gp->pcln, &pf->fn, PCDATA_ARGLIVE_INDEX,
				  at_least(gp, 21) ? sym_pc(pf) : lf->pc);
	if (live && elfimg_read(&gp->img, live - gp->img.bias, &start_off, 1))
		live = 0;
	while (pi < sizeof(p)) {
		uint8_t op = p[pi++];

		if (op == 0xff)
			break;
		if (op == 0xfe) {
			fprintf(out, "%s{", start ? "" : ", ");
			start = 1;
			continue;
		}
		if (op == 0xfd)
			fputc('}', out);
		else if (op == 0xfc)
			fprintf(out, "%s...", start ? "" : ", ");
		else if (op == 0xfb)
			fprintf(out, "%s_", start ? "" : ", ");
		else {
			uint8_t sz = pi < sizeof(p) ? p[pi++] : 8;
			uint64_t x = 0;
			int is_live = 1;

			memsnap_read(&s->mem, pf->argp + op, &x, 8);
			/* Go shifts a size-0 word down to 0; in C a shift
			 * by 64 is undefined. */
			if (sz == 0)
				x = 0;
			else if (sz < 8)
				x = x << (64 - sz * 8) >> (64 - sz * 8);
			fprintf(out, "%s0x%llx", start ? "" : ", ",
				(unsigned long long)x);
			if (live && live_idx > 0 && op >= start_off &&
			    elfimg_read(&gp->img, live - gp->img.bias +
					(uint64_t)live_idx + slot / 8, &bits, 1)
			    == 0)
				is_live = (bits >> (slot % 8)) & 1;
			if (!is_live)
				fputc('?', out);
			if (op >= start_off)
				slot++;
		}
		start = 0;
	}
}

static void print_frame(FILE *out, struct goproc *gp, struct snapshot *s,
			const struct lframe *lf, const struct tb_opts *o)
{
	const struct pframe *pf = lf->pf;

	fprintf(out, "%s(", lf->func);
	if (lf->inlined)
		fputs("...", out);
	else
		print_args(out, gp, s, lf);
	fprintf(out, ")\n\t%s:%d", lf->file, lf->line);
	if (!lf->inlined) {
		if (pf->pc > pf->fn.entry)
			fprintf(out, " +0x%llx",
				(unsigned long long)(pf->pc - pf->fn.entry));
		if (o->system)
			fprintf(out, " fp=0x%llx sp=0x%llx pc=0x%llx",
				(unsigned long long)pf->fp,
				(unsigned long long)pf->sp,
				(unsigned long long)pf->pc);
	}
	fputc('\n', out);
}

int traceback_print(FILE *out, struct goproc *gp, struct snapshot *s,
		    const struct gsnap *g, const struct tb_opts *o)
{
	struct tb tb;
	int partial;

	traceback_build(gp, s, g, o, &tb);
	print_header(out, gp, s, g, o);
	if (tb.running_elsewhere)
		fputs("\tgoroutine running on other thread; stack unavailable\n",
		      out);
	else if (tb.unwind_failed)
		fprintf(out, "\tgoinspect: no backtrace: %s\n", tb.phys.why);
	for (size_t i = 0; i < tb.n; i++) {
		if (tb.elided && i == tb.elided_at)
			fprintf(out, "...%ld frames elided...\n", tb.elided);
		print_frame(out, gp, s, &tb.f[i], o);
	}
	if (tb.more_elided)
		fputs("...additional frames elided...\n", out);
	if (tb.phys.error)
		fprintf(out, "\tgoinspect: backtrace stops here: %s\n",
			tb.phys.why);
	partial = tb.unwind_failed || tb.phys.error;
	if (tb.has_creator) {
		fprintf(out, "created by %s", tb.creator);
		if (tb.creator_goid)
			fprintf(out, " in goroutine %llu",
				(unsigned long long)tb.creator_goid);
		fprintf(out, "\n\t%s:%d", tb.creator_file, tb.creator_line);
		if (tb.creator_off)
			fprintf(out, " +0x%llx",
				(unsigned long long)tb.creator_off);
		fputc('\n', out);
	}
	traceback_free(&tb);
	return partial;
}
