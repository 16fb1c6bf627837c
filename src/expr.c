/*
 * expr.c - parse and evaluate `print` expressions (see expr.h).
 */
#define _GNU_SOURCE
#include "expr.h"
#include "diag.h"
#include "value.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXPR_DEPTH 64
#define MAX_KEY 4096

struct ep {
	struct gotypes *ts;
	const struct gomem *mem;
	const char *s;
	int depth;
};

static void skip_ws(struct ep *p)
{
	while (isspace((unsigned char)*p->s))
		p->s++;
}

static int eat(struct ep *p, char c)
{
	skip_ws(p);
	if (*p->s != c)
		return 0;
	p->s++;
	return 1;
}

static int read_word(struct ep *p, uint64_t addr, uint64_t *w)
{
	if (p->mem->read(p->mem->ctx, addr, w, 8) < 0) {
		diag_set("cannot read 8 bytes at %#llx", (unsigned long long)addr);
		return -1;
	}
	return 0;
}

/* The word a pointer-shaped value holds. */
static int value_word(struct ep *p, const struct exprval *v, uint64_t *w)
{
	if (v->imm) {
		*w = v->word;
		return 0;
	}
	return read_word(p, v->addr, w);
}

static int deref(struct ep *p, struct exprval *v)
{
	uint64_t w;

	if (v->type->kind != GK_POINTER || !v->type->elem) {
		diag_set("cannot dereference %s (type %s)",
			 gotype_kind_name(v->type->kind), v->type->name);
		return -1;
	}
	if (value_word(p, v, &w) < 0)
		return -1;
	if (!w) {
		diag_set("nil pointer dereference (%s)", v->type->name);
		return -1;
	}
	v->type = v->type->elem;
	v->addr = w;
	v->imm = 0;
	return 0;
}

/* Field name of struct t, looking through embedded fields too. */
static int find_field(struct gotype *t, const char *name, uint64_t *off,
		      struct gotype **ft, int depth)
{
	for (size_t i = 0; i < t->nfields; i++) {
		if (!strcmp(t->fields[i].name, name)) {
			*off = t->fields[i].off;
			*ft = t->fields[i].type;
			return 0;
		}
	}
	if (depth > 8)
		return -1;
	for (size_t i = 0; i < t->nfields; i++) {
		struct gotype *e = t->fields[i].type;
		uint64_t o;

		if (t->fields[i].embedded && e->kind == GK_STRUCT &&
		    find_field(e, name, &o, ft, depth + 1) == 0) {
			*off = t->fields[i].off + o;
			return 0;
		}
	}
	return -1;
}

static int select_field(struct ep *p, struct exprval *v, const char *name)
{
	uint64_t off;
	struct gotype *ft;

	if (v->type->kind == GK_POINTER && deref(p, v) < 0)
		return -1;
	if (v->type->kind != GK_STRUCT) {
		diag_set("%s is not a struct: no field %s", v->type->name, name);
		return -1;
	}
	if (find_field(v->type, name, &off, &ft, 0) < 0) {
		diag_set("%s has no field %s", v->type->name, name);
		return -1;
	}
	v->type = ft;
	v->addr += off;
	return 0;
}

/* ---- indexing ---- */

enum keykind { KEY_INT, KEY_FLOAT, KEY_STRING, KEY_BOOL };

struct key {
	enum keykind kind;
	int64_t i;
	double f;
	char s[MAX_KEY];
	size_t slen;
};

static int parse_string_lit(struct ep *p, struct key *k)
{
	k->kind = KEY_STRING;
	k->slen = 0;
	p->s++;
	while (*p->s && *p->s != '"') {
		char c = *p->s++;

		if (c == '\\') {
			c = *p->s++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '0': c = 0; break;
			case 'x': {
				char hex[3] = { p->s[0], p->s[0] ? p->s[1] : 0, 0 };

				c = (char)strtol(hex, NULL, 16);
				p->s += strlen(hex);
				break;
			}
			case '\\': case '"': break;
			default:
				diag_set("unknown escape \\%c in string", c);
				return -1;
			}
		}
		if (k->slen + 1 >= MAX_KEY) {
			diag_set("key string too long");
			return -1;
		}
		k->s[k->slen++] = c;
	}
	if (*p->s != '"') {
		diag_set("unterminated string");
		return -1;
	}
	p->s++;
	return 0;
}

static int parse_key(struct ep *p, struct key *k)
{
	char *end;

	skip_ws(p);
	if (*p->s == '"')
		return parse_string_lit(p, k);
	if (!strncmp(p->s, "true", 4) || !strncmp(p->s, "false", 5)) {
		k->kind = KEY_BOOL;
		k->i = *p->s == 't';
		p->s += k->i ? 4 : 5;
		return 0;
	}
	errno = 0;
	k->i = strtoll(p->s, &end, 0);
	if (end != p->s && *end != '.' && *end != 'e' && !errno) {
		k->kind = KEY_INT;
		k->f = (double)k->i;
		p->s = end;
		return 0;
	}
	k->f = strtod(p->s, &end);
	if (end == p->s) {
		diag_set("expected an index or key at '%.20s'", p->s);
		return -1;
	}
	k->kind = KEY_FLOAT;
	p->s = end;
	return 0;
}

static int index_seq(struct ep *p, struct exprval *v, const struct key *k)
{
	struct gotype *t = v->type, *elem = t->elem;
	uint64_t base = v->addr, len = t->len, h[3];

	if (k->kind != KEY_INT) {
		diag_set("index of %s must be an integer", t->name);
		return -1;
	}
	if (t->kind == GK_SLICE || t->kind == GK_STRING) {
		if (p->mem->read(p->mem->ctx, v->addr, h, t->kind == GK_SLICE
				 ? 24 : 16) < 0) {
			diag_set("cannot read %s header at %#llx", t->name,
				 (unsigned long long)v->addr);
			return -1;
		}
		base = h[0];
		len = h[1];
		if (t->kind == GK_STRING)
			elem = gotype_lookup(p->ts, "uint8");
	}
	if (k->i < 0 || (uint64_t)k->i >= len) {
		diag_set("index %lld out of range [0:%llu]", (long long)k->i,
			 (unsigned long long)len);
		return -1;
	}
	if (!elem)
		return -1;
	v->type = elem;
	v->addr = base + (uint64_t)k->i * elem->size;
	return 0;
}

struct lookup {
	struct ep *p;
	struct gotype *kt;
	const struct key *k;
	uint64_t found;
	int have;
};

static int key_equal(struct lookup *l, uint64_t ka)
{
	const struct gomem *m = l->p->mem;
	uint8_t b[16] = { 0 };
	struct gotype *kt = l->kt;
	int64_t i;

	if (kt->size > 16 || m->read(m->ctx, ka, b, kt->size) < 0)
		return 0;
	switch (kt->kind) {
	case GK_STRING: {
		uint64_t ptr, len;
		char s[MAX_KEY];

		memcpy(&ptr, b, 8);
		memcpy(&len, b + 8, 8);
		return l->k->kind == KEY_STRING && len == l->k->slen &&
		       (len == 0 || (m->read(m->ctx, ptr, s, len) == 0 &&
				     !memcmp(s, l->k->s, len)));
	}
	case GK_BOOL:
		return l->k->kind == KEY_BOOL && b[0] == l->k->i;
	case GK_FLOAT32: case GK_FLOAT64: {
		double d;
		float f;

		if (kt->kind == GK_FLOAT32)
			memcpy(&f, b, 4), d = f;
		else
			memcpy(&d, b, 8);
		return l->k->kind != KEY_STRING && l->k->kind != KEY_BOOL &&
		       d == l->k->f;
	}
	default:
		if (l->k->kind != KEY_INT)
			return 0;
		switch (kt->size) {
		case 1: i = kt->kind <= GK_INT64 ? (int8_t)b[0] : b[0]; break;
		case 2: { int16_t x; uint16_t u; memcpy(&x, b, 2);
			  memcpy(&u, b, 2);
			  i = kt->kind <= GK_INT64 ? x : u; break; }
		case 4: { int32_t x; uint32_t u; memcpy(&x, b, 4);
			  memcpy(&u, b, 4);
			  i = kt->kind <= GK_INT64 ? x : (int64_t)u; break; }
		default: memcpy(&i, b, 8);
		}
		return i == l->k->i;
	}
}

static int lookup_entry(void *ctx, uint64_t k, uint64_t e)
{
	struct lookup *l = ctx;

	if (!key_equal(l, k))
		return 0;
	l->found = e;
	l->have = 1;
	return 1;
}

static int index_map(struct ep *p, struct exprval *v, const struct key *k)
{
	struct lookup l = { p, v->type->key, k, 0, 0 };
	uint64_t hdr;
	int busy, kk = l.kt->kind;

	if (!(kk == GK_STRING || kk == GK_BOOL ||
	      (kk >= GK_INT && kk <= GK_FLOAT64))) {
		diag_set("map keys of type %s cannot be written in an"
			 " expression (print the whole map)", l.kt->name);
		return -1;
	}
	if (value_word(p, v, &hdr) < 0)
		return -1;
	if (value_map_each(p->ts, p->mem, v->type, hdr, lookup_entry, &l,
			   &busy) < 0)
		return -1;
	if (!l.have) {
		diag_set("key not in map %s", v->type->name);
		return -1;
	}
	v->type = v->type->elem;
	v->addr = l.found;
	v->imm = 0;
	return 0;
}

static int do_index(struct ep *p, struct exprval *v)
{
	struct key *k = xmalloc(sizeof(*k));
	int rc = -1;

	if (parse_key(p, k) < 0)
		goto out;
	if (!eat(p, ']')) {
		diag_set("expected ] at '%.20s'", p->s);
		goto out;
	}
	if (v->type->kind == GK_POINTER && v->type->elem &&
	    v->type->elem->kind == GK_ARRAY && deref(p, v) < 0)
		goto out;
	switch (v->type->kind) {
	case GK_MAP: rc = index_map(p, v, k); break;
	case GK_ARRAY: case GK_SLICE: case GK_STRING:
		if (v->imm) {
			diag_set("cannot index an immediate %s", v->type->name);
			break;
		}
		rc = index_seq(p, v, k);
		break;
	default:
		diag_set("cannot index %s", v->type->name);
	}
out:
	free(k);
	return rc;
}

/* ---- primaries ---- */

static int parse_expr(struct ep *p, struct exprval *v);

/* A global: the longest dotted prefix that names one; the rest of the
 * dots are field selectors. */
static int parse_global(struct ep *p, struct exprval *v)
{
	const char *start = p->s;
	char name[1024];
	size_t n;

	while (isalnum((unsigned char)*p->s) || *p->s == '_' || *p->s == '.' ||
	       *p->s == '/' || *p->s == '-' || (*p->s & 0x80))
		p->s++;
	n = (size_t)(p->s - start);
	if (!n || n >= sizeof(name)) {
		diag_set("expected an expression at '%.20s'", start);
		return -1;
	}
	memcpy(name, start, n);
	name[n] = 0;
	for (;;) {
		const struct govar *g = gotypes_var(p->ts, name);
		char *dot;

		if (g) {
			if (!g->type) {
				diag_set("%s has no type information (no DWARF);"
					 " use *(*T)(%#llx)", name,
					 (unsigned long long)g->addr);
				return -1;
			}
			v->type = g->type;
			v->addr = g->addr;
			p->s = start + strlen(name);
			return 0;
		}
		dot = strrchr(name, '.');
		if (!dot || dot == name || !strchr(name, '.') ||
		    dot == strchr(name, '.'))
			break;
		*dot = 0;
	}
	diag_set("no global '%.*s'%s", (int)n, start,
		 gotypes_var(p->ts, "runtime.allgs") ? "" :
		 " (the binary has no DWARF: use *(*T)(ADDR))");
	return -1;
}

/* '(' already eaten: a conversion (TYPE)(ADDR) or a parenthesized expr. */
static int parse_paren(struct ep *p, struct exprval *v)
{
	const char *save = p->s, *close;
	int level = 1;
	char *tstr;
	struct gotype *t;
	uint64_t addr;
	char *end;

	for (close = p->s; *close && level; close++)
		level += (*close == '(' || *close == '[') -
			 (*close == ')' || *close == ']');
	if (level == 0) {
		const char *after = close;

		while (isspace((unsigned char)*after))
			after++;
		if (*after == '(') {
			tstr = strndup(save, (size_t)(close - 1 - save));
			if (!tstr)
				return -1;
			t = gotype_parse(p->ts, tstr);
			free(tstr);
			if (!t)
				return -1;
			p->s = after + 1;
			skip_ws(p);
			errno = 0;
			addr = strtoull(p->s, &end, 0);
			if (end == p->s || errno) {
				diag_set("expected an address at '%.20s'", p->s);
				return -1;
			}
			p->s = end;
			if (!eat(p, ')')) {
				diag_set("expected ) after address");
				return -1;
			}
			if (t->kind != GK_POINTER && t->kind != GK_MAP &&
			    t->kind != GK_CHAN && t->kind != GK_UNSAFEPTR) {
				diag_set("(%s)(ADDR): only pointer, map and chan"
					 " types convert from an address; use"
					 " *(*%s)(ADDR)", t->name, t->name);
				return -1;
			}
			v->type = t;
			v->imm = 1;
			v->word = addr;
			v->addr = EXPR_IMM_ADDR;
			return 0;
		}
	}
	if (parse_expr(p, v) < 0)
		return -1;
	if (!eat(p, ')')) {
		diag_set("expected ) at '%.20s'", p->s);
		return -1;
	}
	return 0;
}

static int parse_postfix(struct ep *p, struct exprval *v)
{
	char name[256];

	skip_ws(p);
	if (eat(p, '(')) {
		if (parse_paren(p, v) < 0)
			return -1;
	} else if (parse_global(p, v) < 0) {
		return -1;
	}
	for (;;) {
		skip_ws(p);
		if (*p->s == '.') {
			const char *s = ++p->s;
			size_t n;

			while (isalnum((unsigned char)*p->s) || *p->s == '_' ||
			       (*p->s & 0x80))
				p->s++;
			n = (size_t)(p->s - s);
			if (!n || n >= sizeof(name)) {
				diag_set("expected a field name after .");
				return -1;
			}
			memcpy(name, s, n);
			name[n] = 0;
			if (select_field(p, v, name) < 0)
				return -1;
		} else if (*p->s == '[') {
			p->s++;
			if (do_index(p, v) < 0)
				return -1;
		} else {
			return 0;
		}
	}
}

static int parse_expr(struct ep *p, struct exprval *v)
{
	int rc;

	if (++p->depth > MAX_EXPR_DEPTH) {
		diag_set("expression nested too deeply");
		return -1;
	}
	if (eat(p, '*'))
		rc = parse_expr(p, v) < 0 ? -1 : deref(p, v);
	else
		rc = parse_postfix(p, v);
	p->depth--;
	return rc;
}

int expr_eval(struct gotypes *ts, const struct gomem *mem, const char *expr,
	      struct exprval *out)
{
	struct ep p = { ts, mem, expr, 0 };

	memset(out, 0, sizeof(*out));
	if (parse_expr(&p, out) < 0)
		return -1;
	skip_ws(&p);
	if (*p.s) {
		diag_set("unexpected '%.20s' in expression", p.s);
		return -1;
	}
	return 0;
}

static int overlay_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct expr_overlay *o = ctx;

	if (addr >= EXPR_IMM_ADDR && addr - EXPR_IMM_ADDR + len <= 8) {
		memcpy(buf, (uint8_t *)&o->word + (addr - EXPR_IMM_ADDR), len);
		return 0;
	}
	return o->base->read(o->base->ctx, addr, buf, len);
}

static void overlay_prefetch(void *ctx, uint64_t addr)
{
	struct expr_overlay *o = ctx;

	o->base->prefetch(o->base->ctx, addr);
}

void expr_overlay_init(struct expr_overlay *o, const struct gomem *base,
		       const struct exprval *v)
{
	o->mem.read = overlay_read;
	o->mem.ctx = o;
	o->mem.prefetch = base->prefetch ? overlay_prefetch : NULL;
	o->base = base;
	o->word = v->word;
}
