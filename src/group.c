/*
 * group.c - filters over goroutines and groups of identical stacks.
 *
 * A leak of 90,000 goroutines parked at one line becomes one group, so a
 * person sees the shape of a dump in one screen.  Groups are found with a
 * hash table on a key that spells the status and every printed frame.
 */
#include "group.h"
#include "diag.h"
#include "json.h"
#include "labels.h"
#include "traceback.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_REGEX 64            /* --with / --without each */
#define MAX_LABEL_OPTS 64
#define TEXT_IDS 20             /* ids a group header lists in text */

void gfilter_init(struct gfilter *f)
{
	memset(f, 0, sizeof(*f));
}

void gfilter_free(struct gfilter *f)
{
	for (size_t i = 0; i < f->nwith; i++)
		regfree(&f->with[i]);
	for (size_t i = 0; i < f->nwithout; i++)
		regfree(&f->without[i]);
	free(f->with);
	free(f->without);
	for (size_t i = 0; i < f->nlabels; i++)
		free((char *)f->label_keys[i]);
	free(f->label_keys);
	free(f->label_values);
	memset(f, 0, sizeof(*f));
}

/* "--name VALUE" or "--name=VALUE": the value, or NULL if argv[*i] is
 * not this option.  *err is set when the value is missing. */
static const char *opt_value(const char *name, int argc, char **argv, int *i,
			     int *err)
{
	size_t len = strlen(name);
	const char *w = argv[*i];

	if (strncmp(w, name, len))
		return NULL;
	if (w[len] == '=')
		return w + len + 1;
	if (w[len])
		return NULL;
	if (*i + 1 >= argc) {
		diag_set("%s needs a value", name);
		*err = 1;
		return NULL;
	}
	return argv[++*i];
}

static int add_regex(regex_t **v, size_t *n, const char *re, const char *opt)
{
	char msg[128];
	int rc;

	if (*n >= MAX_REGEX) {
		diag_set("too many %s options", opt);
		return -1;
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	rc = regcomp(&(*v)[*n], re, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		regerror(rc, &(*v)[*n], msg, sizeof(msg));
		diag_set("%s '%s': %s", opt, re, msg);
		return -1;
	}
	(*n)++;
	return 0;
}

static int add_label(struct gfilter *f, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *key;

	if (!*kv || eq == kv || f->nlabels >= MAX_LABEL_OPTS) {
		diag_set("--label '%s': want KEY=VALUE or KEY", kv);
		return -1;
	}
	key = eq ? strndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
	if (!key)
		key = xstrdup("");      /* strndup failed: out of memory */
	f->label_keys = xrealloc(f->label_keys,
				 (f->nlabels + 1) * sizeof(char *));
	f->label_values = xrealloc(f->label_values,
				   (f->nlabels + 1) * sizeof(char *));
	f->label_keys[f->nlabels] = key;
	f->label_values[f->nlabels] = eq ? eq + 1 : NULL;
	f->nlabels++;
	return 0;
}

static int parse_top(const char *s, long *top)
{
	char *end;

	errno = 0;
	*top = strtol(s, &end, 10);
	if (errno || end == s || *end || *top <= 0) {
		diag_set("--top '%s': want a positive number", s);
		return -1;
	}
	return 0;
}

int gfilter_option(struct gfilter *f, int argc, char **argv, int *i)
{
	const char *w = argv[*i], *v;
	int err = 0;

	if (!strcmp(w, "-g") || !strcmp(w, "--group")) {
		f->grouped = 1;
		return 1;
	}
	if (!strcmp(w, "-a")) {
		f->all = 1;
		return 1;
	}
	if ((v = opt_value("--status", argc, argv, i, &err))) {
		f->status = v;
		return 1;
	}
	if ((v = opt_value("--without", argc, argv, i, &err)))
		return add_regex(&f->without, &f->nwithout, v, "--without")
		       < 0 ? -1 : 1;
	if ((v = opt_value("--with", argc, argv, i, &err)))
		return add_regex(&f->with, &f->nwith, v, "--with") < 0 ? -1 : 1;
	if ((v = opt_value("--min-wait", argc, argv, i, &err))) {
		if (group_parse_duration(v, &f->min_wait_ns) < 0)
			return -1;
		return 1;
	}
	if ((v = opt_value("--label", argc, argv, i, &err)))
		return add_label(f, v) < 0 ? -1 : 1;
	if ((v = opt_value("--top", argc, argv, i, &err)))
		return parse_top(v, &f->top) < 0 ? -1 : 1;
	if ((v = opt_value("--diff", argc, argv, i, &err))) {
		f->diff = v;
		return 1;
	}
	return err ? -1 : 0;
}

int gfilter_needs_frames(const struct gfilter *f)
{
	return f->nwith || f->nwithout || f->grouped;
}

int gfilter_needs_labels(const struct gfilter *f)
{
	return f->nlabels != 0;
}

static int any_func_matches(const regex_t *re, const struct gview *v)
{
	for (size_t i = 0; i < v->nfuncs; i++)
		if (regexec(re, v->funcs[i], 0, NULL, 0) == 0)
			return 1;
	return 0;
}

static int labels_match(const struct gfilter *f, const struct gview *v)
{
	for (size_t i = 0; i < f->nlabels; i++) {
		const char *key = f->label_keys[i];
		const char *have = v->labels ? labels_get(v->labels, key)
					     : NULL;

		if (!have || (f->label_values[i] &&
			      strcmp(have, f->label_values[i])))
			return 0;
	}
	return 1;
}

int gfilter_match(const struct gfilter *f, const struct gview *v)
{
	if (f->status && strcasecmp(f->status, v->state) &&
	    strcasecmp(f->status, v->general))
		return 0;
	for (size_t i = 0; i < f->nwith; i++)
		if (!any_func_matches(&f->with[i], v))
			return 0;
	for (size_t i = 0; i < f->nwithout; i++)
		if (any_func_matches(&f->without[i], v))
			return 0;
	if (f->min_wait_ns > 0 && v->wait_ns < f->min_wait_ns)
		return 0;
	return labels_match(f, v);
}

/* ns per unit, longest unit names first so "ms" is not read as "m". */
static int64_t unit_ns(const char **p)
{
	static const struct { const char *name; int64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000LL },
		{ "m", 60000000000LL }, { "h", 3600000000000LL },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t len = strlen(units[i].name);

		if (!strncmp(*p, units[i].name, len)) {
			*p += len;
			return units[i].ns;
		}
	}
	return 0;
}

int group_parse_duration(const char *s, int64_t *ns)
{
	const char *p = s;
	double total = 0;

	if (!strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	while (*p) {
		char *end;
		double v;
		int64_t unit;

		errno = 0;
		v = strtod(p, &end);
		if (errno || end == p || v < 0 || *p == '-' || *p == '+')
			goto bad;
		p = end;
		unit = unit_ns(&p);
		if (!unit)
			goto bad;
		total += v * (double)unit;
	}
	if (p == s || total > 9.2e18)
		goto bad;
	*ns = (int64_t)total;
	return 0;
bad:
	diag_set("'%s' is not a duration (like 90s, 5m, 1h30m, 250ms)", s);
	return -1;
}

/* ---- grouping ---- */

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	xgrow((void **)&b->s, &b->cap, b->len + n + 1, 1);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void sb_line(struct sbuf *b, const char *a, const char *file,
		    long line)
{
	char num[32];

	sb_add(b, a);
	sb_add(b, "\t");
	sb_add(b, file ? file : "?");
	snprintf(num, sizeof(num), ":%ld\n", line);
	sb_add(b, num);
}

/* The identity of a stack: status, frames, elision, creator. */
static char *group_key(const char *state, const struct tb *tb)
{
	struct sbuf b = { 0 };
	char num[64];

	sb_add(&b, state);
	snprintf(num, sizeof(num), "\n%d%d %ld@%zu %d\n",
		 tb->running_elsewhere, tb->unwind_failed, tb->elided,
		 tb->elided_at, tb->more_elided);
	sb_add(&b, num);
	for (size_t i = 0; i < tb->n; i++)
		sb_line(&b, tb->f[i].func, tb->f[i].file, tb->f[i].line);
	if (tb->has_creator) {
		sb_add(&b, "created by ");
		sb_line(&b, tb->creator, tb->creator_file, tb->creator_line);
	}
	return b.s;
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;      /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

void grouping_init(struct grouping *gr)
{
	memset(gr, 0, sizeof(*gr));
}

void grouping_free(struct grouping *gr)
{
	for (size_t i = 0; i < gr->n; i++) {
		free(gr->v[i].key);
		free(gr->v[i].state);
		free(gr->v[i].ids);
	}
	free(gr->v);
	free(gr->slots);
	memset(gr, 0, sizeof(*gr));
}

/* Keep the table at most half full; rebuilding it from the groups is
 * cheap next to building each goroutine's frames. */
static void rehash(struct grouping *gr)
{
	size_t n = gr->nslots ? gr->nslots * 2 : 64;

	free(gr->slots);
	gr->slots = xcalloc(n, sizeof(*gr->slots));
	gr->nslots = n;
	for (size_t i = 0; i < gr->n; i++) {
		size_t k = hash(gr->v[i].key) & (n - 1);

		while (gr->slots[k])
			k = (k + 1) & (n - 1);
		gr->slots[k] = i + 1;
	}
}

static struct ggroup *find_or_add(struct grouping *gr, char *key,
				  const char *state, size_t rep)
{
	size_t k;
	struct ggroup *g;

	if (2 * (gr->n + 1) > gr->nslots)
		rehash(gr);
	k = hash(key) & (gr->nslots - 1);
	for (; gr->slots[k]; k = (k + 1) & (gr->nslots - 1)) {
		g = &gr->v[gr->slots[k] - 1];
		if (!strcmp(g->key, key)) {
			free(key);
			return g;
		}
	}
	xgrow((void **)&gr->v, &gr->cap, gr->n + 1, sizeof(*gr->v));
	g = &gr->v[gr->n];
	memset(g, 0, sizeof(*g));
	g->key = key;
	g->state = xstrdup(state);
	g->rep = rep;
	gr->slots[k] = ++gr->n;
	return g;
}

void grouping_add(struct grouping *gr, const char *state, const struct tb *tb,
		  uint64_t id, long wait_minutes, size_t rep)
{
	struct ggroup *g = find_or_add(gr, group_key(state, tb), state, rep);

	xgrow((void **)&g->ids, &g->cap, g->count + 1, sizeof(*g->ids));
	g->ids[g->count] = id;
	if (!g->count || wait_minutes < g->min_wait)
		g->min_wait = wait_minutes;
	if (!g->count || wait_minutes > g->max_wait)
		g->max_wait = wait_minutes;
	g->count++;
}

static int by_size(const void *a, const void *b)
{
	const struct ggroup *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return (x->ids[0] > y->ids[0]) - (x->ids[0] < y->ids[0]);
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void grouping_sort(struct grouping *gr)
{
	for (size_t i = 0; i < gr->n; i++)
		qsort(gr->v[i].ids, gr->v[i].count, sizeof(uint64_t), by_id);
	qsort(gr->v, gr->n, sizeof(*gr->v), by_size);
	/* The table indexes the old order; grouping_add is done by now. */
	free(gr->slots);
	gr->slots = NULL;
	gr->nslots = 0;
}

static void print_header(FILE *out, const struct ggroup *g)
{
	fprintf(out, "%zu goroutine%s [%s", g->count, g->count == 1 ? "" : "s",
		g->state);
	if (g->max_wait > 0 && g->min_wait == g->max_wait)
		fprintf(out, ", %ld minutes", g->max_wait);
	else if (g->max_wait > 0)
		fprintf(out, ", %ld-%ld minutes", g->min_wait, g->max_wait);
	fprintf(out, "]: id%s", g->count == 1 ? "" : "s");
	for (size_t i = 0; i < g->count && i < TEXT_IDS; i++)
		fprintf(out, " %llu", (unsigned long long)g->ids[i]);
	if (g->count > TEXT_IDS)
		fprintf(out, " ... (%zu more)", g->count - TEXT_IDS);
	fputc('\n', out);
}

void group_print(FILE *out, const struct ggroup *g, const struct tb *tb)
{
	print_header(out, g);
	if (tb->running_elsewhere)
		fputs("\tgoroutine running on other thread; stack unavailable\n",
		      out);
	else if (tb->unwind_failed)
		fprintf(out, "\tgoinspect: no backtrace: %s\n", tb->phys.why);
	for (size_t i = 0; i < tb->n; i++) {
		if (tb->elided && i == tb->elided_at)
			fprintf(out, "...%ld frames elided...\n", tb->elided);
		fprintf(out, "%s(...)\n\t%s:%d\n", tb->f[i].func,
			tb->f[i].file ? tb->f[i].file : "?", tb->f[i].line);
	}
	if (tb->more_elided)
		fputs("...additional frames elided...\n", out);
	if (tb->has_creator)
		fprintf(out, "created by %s\n\t%s:%d\n", tb->creator,
			tb->creator_file ? tb->creator_file : "?",
			tb->creator_line);
}

static void json_frame_list(struct json *j, const struct tb *tb)
{
	json_key(j, "frames");
	json_begin_array(j);
	for (size_t i = 0; i < tb->n; i++) {
		json_begin_object(j);
		json_kv_string(j, "func", tb->f[i].func);
		json_kv_string(j, "file", tb->f[i].file ? tb->f[i].file : "?");
		json_kv_int(j, "line", tb->f[i].line);
		json_end_object(j);
	}
	json_end_array(j);
	json_kv_int(j, "elided", tb->elided);
}

void group_json(struct json *j, const struct ggroup *g, const struct tb *tb)
{
	json_begin_object(j);
	json_kv_uint(j, "count", g->count);
	json_key(j, "ids");
	json_begin_array(j);
	for (size_t i = 0; i < g->count; i++)
		json_uint(j, g->ids[i]);
	json_end_array(j);
	json_kv_string(j, "status", g->state);
	json_key(j, "wait_minutes");
	json_begin_object(j);
	json_kv_int(j, "min", g->min_wait);
	json_kv_int(j, "max", g->max_wait);
	json_end_object(j);
	json_frame_list(j, tb);
	json_key(j, "created_by");
	if (tb->has_creator) {
		json_begin_object(j);
		json_kv_string(j, "func", tb->creator);
		json_kv_string(j, "file",
			       tb->creator_file ? tb->creator_file : "?");
		json_kv_int(j, "line", tb->creator_line);
		json_end_object(j);
	} else {
		json_null(j);
	}
	json_end_object(j);
}
