/*
 * diff.c - read an earlier `goroutines --json` dump and compare it with
 * the goroutines of now.
 *
 * The reader is a small JSON parser for goinspect's own output.  The
 * goroutines array is taken one element at a time, each element reduced
 * to a struct ditem before the next is parsed, so an old dump of 100,000
 * goroutines never exists as a whole tree in memory.
 */
#include "diff.h"
#include "diag.h"
#include "group.h"
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_DUMP_BYTES (4ull << 30)

/* ---- a JSON reader ---- */

enum jt { JT_NULL, JT_BOOL, JT_NUM, JT_STR, JT_ARR, JT_OBJ };

struct jnode {
	enum jt t;
	char *key;              /* member name, inside an object */
	char *str;              /* string value, or a number's text */
	int b;
	struct jnode *kids;
	size_t n, cap;
};

struct jreader {
	const char *p, *end;
	const char *err;
};

static void jnode_free(struct jnode *n)
{
	for (size_t i = 0; i < n->n; i++)
		jnode_free(&n->kids[i]);
	free(n->kids);
	free(n->key);
	free(n->str);
	memset(n, 0, sizeof(*n));
}

static void skip_ws(struct jreader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' ||
				 *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

static int expect(struct jreader *r, char c)
{
	skip_ws(r);
	if (r->p >= r->end || *r->p != c) {
		r->err = "unexpected character";
		return -1;
	}
	r->p++;
	return 0;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX at p (after the backslash-u), with a surrogate pair's second
 * half; returns the code point and advances *p, or -1. */
static long unicode_escape(struct jreader *r)
{
	unsigned hi, lo;

	if (r->end - r->p < 4 || hex4(r->p, &hi) < 0)
		return -1;
	r->p += 4;
	if (hi < 0xd800 || hi > 0xdbff)
		return hi >= 0xdc00 && hi <= 0xdfff ? 0xfffd : (long)hi;
	if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' ||
	    hex4(r->p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
		return 0xfffd;
	r->p += 6;
	return 0x10000 + ((long)(hi - 0xd800) << 10) + (lo - 0xdc00);
}

/* A string; the escapes never make it longer than its source text. */
static char *read_string(struct jreader *r)
{
	const char *start;
	char *s, *o;

	if (expect(r, '"') < 0)
		return NULL;
	start = r->p;
	while (r->p < r->end && *r->p != '"')
		r->p += *r->p == '\\' && r->p + 1 < r->end ? 2 : 1;
	if (r->p >= r->end) {
		r->err = "unterminated string";
		return NULL;
	}
	s = o = xmalloc((size_t)(r->p - start) + 4);
	for (r->p = start; *r->p != '"';) {
		char c = *r->p++;
		long cp;

		if (c != '\\') {
			*o++ = c;
			continue;
		}
		c = *r->p++;
		switch (c) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if ((cp = unicode_escape(r)) < 0) {
				free(s);
				r->err = "bad \\u escape";
				return NULL;
			}
			o += put_utf8(o, (unsigned)cp);
			break;
		default: *o++ = c; break;
		}
	}
	r->p++;
	*o = 0;
	return s;
}

static int parse_value(struct jreader *r, struct jnode *n, int depth);

static int parse_members(struct jreader *r, struct jnode *n, int depth,
			 int object)
{
	char close = object ? '}' : ']';

	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		struct jnode kid = { 0 };

		if (object && (!(kid.key = read_string(r)) ||
			       expect(r, ':') < 0)) {
			free(kid.key);
			return -1;
		}
		if (parse_value(r, &kid, depth + 1) < 0) {
			jnode_free(&kid);
			return -1;
		}
		xgrow((void **)&n->kids, &n->cap, n->n + 1, sizeof(kid));
		n->kids[n->n++] = kid;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		return expect(r, close);
	}
}

static int parse_word(struct jreader *r, struct jnode *n)
{
	static const struct { const char *w; enum jt t; int b; } words[] = {
		{ "null", JT_NULL, 0 }, { "true", JT_BOOL, 1 },
		{ "false", JT_BOOL, 0 },
	};

	for (size_t i = 0; i < 3; i++) {
		size_t len = strlen(words[i].w);

		if ((size_t)(r->end - r->p) >= len &&
		    !strncmp(r->p, words[i].w, len)) {
			n->t = words[i].t;
			n->b = words[i].b;
			r->p += len;
			return 0;
		}
	}
	r->err = "unexpected word";
	return -1;
}

static int parse_number(struct jreader *r, struct jnode *n)
{
	const char *start = r->p;

	while (r->p < r->end && strchr("+-.0123456789eE", *r->p))
		r->p++;
	if (r->p == start) {
		r->err = "unexpected character";
		return -1;
	}
	n->t = JT_NUM;
	n->str = strndup(start, (size_t)(r->p - start));
	return n->str ? 0 : -1;
}

static int parse_value(struct jreader *r, struct jnode *n, int depth)
{
	if (depth > MAX_DEPTH) {
		r->err = "nested too deeply";
		return -1;
	}
	skip_ws(r);
	if (r->p >= r->end) {
		r->err = "unexpected end";
		return -1;
	}
	switch (*r->p) {
	case '{':
	case '[':
		n->t = *r->p == '{' ? JT_OBJ : JT_ARR;
		r->p++;
		return parse_members(r, n, depth, n->t == JT_OBJ);
	case '"':
		n->t = JT_STR;
		return (n->str = read_string(r)) ? 0 : -1;
	case 'n':
	case 't':
	case 'f':
		return parse_word(r, n);
	default:
		return parse_number(r, n);
	}
}

static const struct jnode *member(const struct jnode *o, const char *key)
{
	if (o->t != JT_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->kids[i].key, key))
			return &o->kids[i];
	return NULL;
}

static char *str_of(const struct jnode *n)
{
	return n && n->t == JT_STR ? xstrdup(n->str) : NULL;
}

static int64_t int_of(const struct jnode *n, int64_t dflt)
{
	return n && n->t == JT_NUM ? strtoll(n->str, NULL, 10) : dflt;
}

/* ---- dumps ---- */

void ddump_init(struct ddump *d)
{
	memset(d, 0, sizeof(*d));
	d->pid = -1;
}

static void ditem_free(struct ditem *it)
{
	free(it->status);
	free(it->wait_reason);
	free(it->func);
	free(it->file);
	for (size_t i = 0; i < it->nfuncs; i++)
		free(it->funcs[i]);
	free(it->funcs);
	labels_free(&it->labels);
}

void ddump_free(struct ddump *d)
{
	for (size_t i = 0; i < d->n; i++)
		ditem_free(&d->v[i]);
	free(d->v);
	free(d->go_version);
	ddump_init(d);
}

void ddump_add(struct ddump *d, const struct ditem *it)
{
	xgrow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v));
	d->v[d->n++] = *it;
}

const char *ditem_state(const struct ditem *it)
{
	if (it->wait_reason && it->status && !strcmp(it->status, "waiting"))
		return it->wait_reason;
	return it->status ? it->status : "?";
}

static void item_frames(const struct jnode *frames, struct ditem *it)
{
	if (!frames || frames->t != JT_ARR)
		return;
	it->funcs = xcalloc(frames->n ? frames->n : 1, sizeof(char *));
	for (size_t i = 0; i < frames->n; i++) {
		char *f = str_of(member(&frames->kids[i], "func"));

		if (!f)
			continue;
		it->funcs[it->nfuncs++] = f;
		if (it->nfuncs == 1) {
			it->func = xstrdup(f);
			it->file = str_of(member(&frames->kids[i], "file"));
			it->line = (long)int_of(member(&frames->kids[i],
						       "line"), 0);
		}
	}
}

static void item_labels(const struct jnode *l, struct ditem *it)
{
	size_t cap = 0;

	if (!l || l->t != JT_OBJ)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (l->kids[i].t != JT_STR)
			continue;
		xgrow((void **)&it->labels.v, &cap, it->labels.n + 1,
		      sizeof(*it->labels.v));
		it->labels.v[it->labels.n].key = xstrdup(l->kids[i].key);
		it->labels.v[it->labels.n].value = xstrdup(l->kids[i].str);
		it->labels.n++;
	}
}

/* Reduce one element of "goroutines" and keep it if it passes f. */
static int take_goroutine(const struct jnode *g, const struct gfilter *f,
			  struct ddump *d)
{
	const struct jnode *id = member(g, "id");
	struct ditem it = { 0 };
	struct gview v;

	if (!id || id->t != JT_NUM)
		return -1;
	it.id = strtoull(id->str, NULL, 10);
	it.status = str_of(member(g, "status"));
	it.wait_reason = str_of(member(g, "wait_reason"));
	it.wait_minutes = (long)int_of(member(g, "wait_minutes"), 0);
	item_frames(member(g, "frames"), &it);
	item_labels(member(g, "labels"), &it);
	memset(&v, 0, sizeof(v));
	v.id = it.id;
	v.state = ditem_state(&it);
	v.general = it.status ? it.status : "?";
	v.funcs = (const char *const *)it.funcs;
	v.nfuncs = it.nfuncs;
	/* Whole minutes are all an old dump records. */
	v.wait_ns = (int64_t)it.wait_minutes * 60000000000LL;
	v.labels = &it.labels;
	if (gfilter_match(f, &v))
		ddump_add(d, &it);
	else
		ditem_free(&it);
	return 0;
}

static int read_goroutines(struct jreader *r, const struct gfilter *f,
			   struct ddump *d)
{
	if (expect(r, '[') < 0)
		return -1;
	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		struct jnode g = { 0 };
		int rc = parse_value(r, &g, 1);

		if (rc == 0 && take_goroutine(&g, f, d) < 0) {
			r->err = "a goroutine without an id";
			rc = -1;
		}
		jnode_free(&g);
		if (rc < 0)
			return -1;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		return expect(r, ']');
	}
}

/* The top-level object: pid, go_version, goroutines; the rest skipped. */
static int read_dump(struct jreader *r, const struct gfilter *f,
		     struct ddump *d, int *have)
{
	if (expect(r, '{') < 0)
		return -1;
	skip_ws(r);
	if (r->p < r->end && *r->p == '}')
		return 0;
	for (;;) {
		struct jnode v = { 0 };
		char *key = read_string(r);
		int rc = key && expect(r, ':') == 0 ? 0 : -1;

		if (rc == 0 && !strcmp(key, "goroutines")) {
			rc = read_goroutines(r, f, d);
			*have = 1;
		} else if (rc == 0 && (rc = parse_value(r, &v, 1)) == 0) {
			if (!strcmp(key, "pid"))
				d->pid = int_of(&v, -1);
			else if (!strcmp(key, "go_version") && !d->go_version)
				d->go_version = str_of(&v);
		}
		jnode_free(&v);
		free(key);
		if (rc < 0)
			return -1;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		return expect(r, '}');
	}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 0, n = 0;
	char *buf = NULL;

	if (!fp) {
		diag_set("open '%s': %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		xgrow((void **)&buf, &cap, n + 65536, 1);
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0 || n > MAX_DUMP_BYTES)
			break;
	}
	if (ferror(fp) || n > MAX_DUMP_BYTES) {
		diag_set("read '%s': %s", path, ferror(fp) ? strerror(errno)
			 : "larger than 4 GiB");
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	*len = n;
	return buf;
}

int diff_load(const char *path, const struct gfilter *f, struct ddump *old)
{
	struct jreader r = { 0 };
	size_t len = 0;
	int have = 0, rc;
	char *buf = slurp(path, &len);

	ddump_init(old);
	if (!buf)
		return -1;
	r.p = buf;
	r.end = buf + len;
	rc = read_dump(&r, f, old, &have);
	if (rc == 0 && !have) {
		r.err = "no \"goroutines\" array (is it `goinspect --json"
			" goroutines` output?)";
		rc = -1;
	}
	if (rc < 0)
		diag_set("'%s': %s at byte %zu", path,
			 r.err ? r.err : "not JSON", (size_t)(r.p - buf));
	free(buf);
	return rc;
}

/* ---- the comparison ---- */

static int by_id(const void *a, const void *b)
{
	const struct ditem *x = *(const struct ditem *const *)a;
	const struct ditem *y = *(const struct ditem *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Pointers to the items of d, sorted by id. */
static const struct ditem **sorted(const struct ddump *d)
{
	const struct ditem **v = xcalloc(d->n ? d->n : 1, sizeof(*v));

	for (size_t i = 0; i < d->n; i++)
		v[i] = &d->v[i];
	qsort(v, d->n, sizeof(*v), by_id);
	return v;
}

enum { APPEARED, VANISHED, CHANGED, NKINDS };

struct change {
	int kind;
	const struct ditem *old, *now;
};

static int changed(const struct ditem *a, const struct ditem *b)
{
	return strcmp(ditem_state(a), ditem_state(b)) != 0;
}

/* Merge the two id-sorted lists into changes, by kind then id. */
static size_t compare(const struct ddump *old, const struct ddump *now,
		      struct change **out)
{
	const struct ditem **a = sorted(old), **b = sorted(now);
	struct change *v = xcalloc(old->n + now->n + 1, sizeof(*v));
	size_t i = 0, k = 0, n = 0;

	while (i < old->n || k < now->n) {
		if (k >= now->n || (i < old->n && a[i]->id < b[k]->id)) {
			v[n++] = (struct change){ VANISHED, a[i++], NULL };
		} else if (i >= old->n || b[k]->id < a[i]->id) {
			v[n++] = (struct change){ APPEARED, NULL, b[k++] };
		} else {
			if (changed(a[i], b[k]))
				v[n++] = (struct change){ CHANGED, a[i], b[k] };
			i++;
			k++;
		}
	}
	free(a);
	free(b);
	*out = v;
	return n;
}

static const char *const kind_names[NKINDS] = {
	"appeared", "vanished", "changed",
};

static void print_where(FILE *out, const struct ditem *it)
{
	if (it->func)
		fprintf(out, ": %s (%s:%ld)", it->func,
			it->file ? it->file : "?", it->line);
	fputc('\n', out);
}

static void diff_text(FILE *out, const struct change *v, size_t n)
{
	for (int kind = 0; kind < NKINDS; kind++) {
		size_t count = 0;

		for (size_t i = 0; i < n; i++)
			count += v[i].kind == kind;
		fprintf(out, "%s: %zu\n", kind_names[kind], count);
		for (size_t i = 0; i < n; i++) {
			const struct change *c = &v[i];
			const struct ditem *it = c->now ? c->now : c->old;

			if (c->kind != kind)
				continue;
			fprintf(out, "  goroutine %llu [", (unsigned long long)
				it->id);
			if (kind == CHANGED)
				fprintf(out, "%s -> ", ditem_state(c->old));
			fprintf(out, "%s]", ditem_state(it));
			print_where(out, it);
		}
	}
}

static void json_item(struct json *j, const char *prefix,
		      const struct ditem *it)
{
	char key[64];

	snprintf(key, sizeof(key), "%sstatus", prefix);
	json_kv_string(j, key, it->status ? it->status : "?");
	snprintf(key, sizeof(key), "%swait_reason", prefix);
	json_key(j, key);
	if (it->wait_reason)
		json_string(j, it->wait_reason);
	else
		json_null(j);
	if (*prefix)
		return;
	json_key(j, "func");
	if (it->func)
		json_string(j, it->func);
	else
		json_null(j);
	json_key(j, "file");
	if (it->file)
		json_string(j, it->file);
	else
		json_null(j);
	json_kv_int(j, "line", it->line);
}

static void diff_json(FILE *out, const struct ddump *old,
		      const struct ddump *now, const struct change *v,
		      size_t n)
{
	struct json j;

	json_init(&j, out);
	json_begin_object(&j);
	json_kv_int(&j, "old_pid", old->pid);
	json_kv_int(&j, "pid", now->pid);
	for (int kind = 0; kind < NKINDS; kind++) {
		json_key(&j, kind_names[kind]);
		json_begin_array(&j);
		for (size_t i = 0; i < n; i++) {
			const struct ditem *it = v[i].now ? v[i].now : v[i].old;

			if (v[i].kind != kind)
				continue;
			json_begin_object(&j);
			json_kv_uint(&j, "id", it->id);
			json_item(&j, "", it);
			if (kind == CHANGED)
				json_item(&j, "old_", v[i].old);
			json_end_object(&j);
		}
		json_end_array(&j);
	}
	json_end_object(&j);
	json_end(&j);
}

void diff_print(FILE *out, int json, const struct ddump *old,
		const struct ddump *now)
{
	struct change *v;
	size_t n = compare(old, now, &v);

	if (json)
		diff_json(out, old, now, v, n);
	else
		diff_text(out, v, n);
	free(v);
}
