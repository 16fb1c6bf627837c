/*
 * cmd_print.c - `print` (`p`), `x`, `types` and `vars`.
 *
 * print follows the snapshot discipline: it resolves types first (the
 * type descriptors and DWARF never change), stops the target, evaluates
 * the expression and copies the value through a page cache, releases the
 * target, and only then formats.
 */
#define _GNU_SOURCE
#include "cmd.h"
#include "diag.h"
#include "expr.h"
#include "goproc.h"
#include "gotype.h"
#include "json.h"
#include "value.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096ull
#define CACHE_MAX_PAGES (256u << 10)    /* 1 GiB of copied pages */
#define X_MAX (16u << 20)

/* ---- a page cache over the stopped target ---- */

struct cpage {
	uint64_t addr;
	uint8_t *data;          /* NULL: not readable */
	struct cpage *next;
};

struct pcache {
	struct gomem mem;
	struct target *t;
	struct cpage **b;
	size_t nb, n;
	uint64_t bytes;
};

static struct cpage *cache_page(struct pcache *c, uint64_t page)
{
	size_t h = (size_t)((page / PAGE) * 0x9e3779b97f4a7c15ull >> 40) &
		   (c->nb - 1);
	struct cpage *p;

	for (p = c->b[h]; p; p = p->next)
		if (p->addr == page)
			return p;
	if (c->n >= CACHE_MAX_PAGES)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->addr = page;
	p->data = xmalloc(PAGE);
	if (target_read(c->t, page, p->data, PAGE) < 0) {
		free(p->data);
		p->data = NULL;
	} else {
		c->bytes += PAGE;
	}
	p->next = c->b[h];
	c->b[h] = p;
	c->n++;
	return p;
}

static int cache_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct pcache *c = ctx;
	uint8_t *out = buf;

	if (addr + len < addr)
		return -1;
	while (len) {
		uint64_t page = addr & ~(PAGE - 1), off = addr - page;
		size_t n = len < PAGE - off ? len : (size_t)(PAGE - off);
		struct cpage *p = cache_page(c, page);

		if (!p)         /* cache full: read directly */
			return target_read(c->t, addr, out, len);
		if (!p->data)
			return -1;
		memcpy(out, p->data + off, n);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

static void cache_init(struct pcache *c, struct target *t)
{
	memset(c, 0, sizeof(*c));
	c->mem.read = cache_read;
	c->mem.ctx = c;
	c->t = t;
	c->nb = 1 << 16;
	c->b = xcalloc(c->nb, sizeof(*c->b));
}

static void cache_free(struct pcache *c)
{
	for (size_t i = 0; i < c->nb; i++) {
		struct cpage *p = c->b[i], *next;

		for (; p; p = next) {
			next = p->next;
			free(p->data);
			free(p);
		}
	}
	free(c->b);
}

/* Reads nothing: resolving types before the stop must not touch values. */
static int no_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx, (void)addr, (void)buf, (void)len;
	return -1;
}

/* ---- options ---- */

struct popts {
	struct valopts v;
	int have_string, have_elems;
	char *expr;
};

static int parse_num(const char *opt, const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s ? s : "", &end, 0);
	if (!s || end == s || *end || errno || s[0] == '-') {
		diag_error("%s needs a number, not '%s'", opt, s ? s : "");
		return -1;
	}
	return 0;
}

/* Options may come anywhere after the command; the rest is the
 * expression (words joined by spaces). */
static int parse_popts(struct cmd_ctx *c, int argc, char **argv,
		       struct popts *o)
{
	size_t len = 0;
	uint64_t n;

	memset(o, 0, sizeof(*o));
	o->v.depth = c->depth >= 0 ? (int)(c->depth > 64 ? 64 : c->depth) : 1;
	o->expr = xcalloc(1, 1);
	for (int i = 1; i < argc; i++) {
		static const char *const names[] = { "--max-string",
			"--max-elems", "--depth" };
		int which = -1;
		const char *val = NULL;

		for (int k = 0; k < 3; k++) {
			size_t l = strlen(names[k]);

			if (!strncmp(argv[i], names[k], l) &&
			    (argv[i][l] == 0 || argv[i][l] == '=')) {
				which = k;
				val = argv[i][l] ? argv[i] + l + 1 :
				      (i + 1 < argc ? argv[++i] : NULL);
			}
		}
		if (which < 0) {
			size_t l = strlen(argv[i]);

			o->expr = xrealloc(o->expr, len + l + 2);
			if (len)
				o->expr[len++] = ' ';
			memcpy(o->expr + len, argv[i], l + 1);
			len += l;
			continue;
		}
		if (parse_num(names[which], val, &n) < 0)
			return -1;
		if (which == 0)
			o->v.max_string = n, o->have_string = 1;
		else if (which == 1)
			o->v.max_elems = n, o->have_elems = 1;
		else
			o->v.depth = n > 64 ? 64 : (int)n;
	}
	/* Defaults: the session's `set` limits, else the format's. */
	if (!o->have_string)
		o->v.max_string = c->max_string >= 0 ? (uint64_t)c->max_string
			: c->json ? 0 : 256;
	if (!o->have_elems)
		o->v.max_elems = c->max_elems >= 0 ? (uint64_t)c->max_elems
			: c->json ? 0 : 100;
	return 0;
}

/* ---- numbers ---- */

/* The shortest decimal that reads back as the same float or double. */
static void shortest(char *buf, size_t len, double d, int is32)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*e", prec - 1, d);
		if (is32 ? (float)strtod(buf, NULL) == (float)d
			 : strtod(buf, NULL) == d)
			return;
	}
}

/* Go's %v of a float: shortest digits, %e form when the exponent is
 * below -4 or at least max(digits, 21 rule of 'g' with shortest). */
static void go_float(char *out, size_t len, double d, int is32)
{
	char e[64], digits[32];
	int exp, nd = 0, eprec;
	char *p;

	if (isnan(d)) {
		snprintf(out, len, "NaN");
		return;
	}
	if (isinf(d)) {
		snprintf(out, len, d > 0 ? "+Inf" : "-Inf");
		return;
	}
	shortest(e, sizeof(e), d, is32);
	p = e + (e[0] == '-');
	for (; *p && *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	digits[nd] = 0;
	exp = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = 0;
	eprec = 6;
	if (eprec > nd && nd >= exp + 1)
		eprec = nd;
	if (d == 0) {
		snprintf(out, len, "%s0", signbit(d) ? "-" : "");
		return;
	}
	if (exp < -4 || exp >= eprec) {
		snprintf(out, len, "%s%c%s%s%se%c%02d", d < 0 ? "-" : "",
			 digits[0], nd > 1 ? "." : "", digits + 1, "",
			 exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	snprintf(out, len, "%.*f", exp >= nd - 1 ? 0 : nd - 1 - exp, d);
}

/* ---- text ---- */

/* Length of the valid UTF-8 sequence at s, its code point; 0 if invalid. */
static size_t utf8_dec(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, *cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, *cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, *cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && *cp < 0x80) || (len == 3 && *cp < 0x800) ||
	    (len == 4 && (*cp < 0x10000 || *cp > 0x10ffff)) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* An approximation of unicode.IsPrint for code points >= 0x80. */
static int printable(uint32_t cp)
{
	return !(cp < 0xa0 || cp == 0xad || (cp >= 0x200b && cp <= 0x200f) ||
		 (cp >= 0x2028 && cp <= 0x202e) ||
		 (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
		 (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfff9 && cp <= 0xfffb) ||
		 (cp & 0xfffe) == 0xfffe || cp >= 0xf0000);
}

/* Go's %q. */
static void put_quoted(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_dec(p + i, n - i, &cp);

		if (!l) {
			fprintf(f, "\\x%02x", p[i++]);
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (int)cp);
		else if (cp >= 0x20 && cp < 0x7f)
			fputc((int)cp, f);
		else if (cp < 0x80) {
			const char *esc = strchr("\aa\bb\ff\nn\rr\tt\vv", (int)cp);

			if (cp && esc)
				fprintf(f, "\\%c", esc[1]);
			else
				fprintf(f, "\\x%02x", cp);
		} else if (printable(cp))
			fwrite(p + i, 1, l, f);
		else if (cp < 0x10000)
			fprintf(f, "\\u%04x", cp);
		else
			fprintf(f, "\\U%08x", cp);
		i += l;
	}
	fputc('"', f);
}

static int is_text(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_dec(p + i, n - i, &cp);

		if (!l || (cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r'))
			return 0;
		i += l;
	}
	return 1;
}

static void text_value(FILE *f, const struct govalue *v, int top);

static void text_scalar(FILE *f, const struct govalue *v)
{
	char a[64], b[64];
	int k = v->type->kind;

	switch (k) {
	case GK_BOOL: fputs(v->n.u ? "true" : "false", f); break;
	case GK_INT: case GK_INT8: case GK_INT16: case GK_INT32: case GK_INT64:
		fprintf(f, "%lld", (long long)v->n.i);
		break;
	case GK_UINTPTR: fprintf(f, "%#llx", (unsigned long long)v->n.u); break;
	case GK_FLOAT32: case GK_FLOAT64:
		go_float(a, sizeof(a), v->n.f, k == GK_FLOAT32);
		fputs(a, f);
		break;
	case GK_COMPLEX64: case GK_COMPLEX128:
		go_float(a, sizeof(a), v->n.f, k == GK_COMPLEX64);
		go_float(b, sizeof(b), v->imag, k == GK_COMPLEX64);
		fprintf(f, "(%s%s%si)", a, b[0] == '-' || b[0] == '+' ? "" : "+",
			b);
		break;
	default: fprintf(f, "%llu", (unsigned long long)v->n.u);
	}
}

static void text_bytes(FILE *f, const struct govalue *v)
{
	if (v->type->kind == GK_STRING || is_text(v->bytes, v->nbytes)) {
		put_quoted(f, v->bytes, v->nbytes);
	} else {
		fputs("0x", f);
		for (uint64_t i = 0; i < v->nbytes; i++)
			fprintf(f, "%02x", (uint8_t)v->bytes[i]);
	}
	if (v->omitted)
		fprintf(f, "...+%llu bytes", (unsigned long long)v->omitted);
}

static void text_list(FILE *f, const struct govalue *v, int pairs)
{
	fputc('[', f);
	for (uint64_t i = 0; i < v->nkids; i += pairs ? 2 : 1) {
		if (i)
			fputs(", ", f);
		text_value(f, &v->kids[i], 0);
		if (pairs) {
			fputs(": ", f);
			text_value(f, &v->kids[i + 1], 0);
		}
	}
	if (v->omitted)
		fprintf(f, "%s...+%llu more", v->nkids ? ", " : "",
			(unsigned long long)v->omitted);
	fputc(']', f);
}

static void text_struct(FILE *f, const struct govalue *v)
{
	const struct gotype *t = v->type;

	fputc('{', f);
	for (uint64_t i = 0; i < v->nkids && i < t->nfields; i++) {
		fprintf(f, "%s%s%s: ", i ? ", " : "", t->fields[i].name,
			t->fields[i].embedded ? " (embedded)" : "");
		text_value(f, &v->kids[i], 0);
	}
	fputc('}', f);
}

static void text_chan(FILE *f, const struct govalue *v)
{
	fprintf(f, "len %llu cap %llu%s recvq [", (unsigned long long)v->len,
		(unsigned long long)v->cap, v->closed ? " closed" : "");
	for (uint64_t i = 0; i < v->nrecv; i++)
		fprintf(f, "%s%lld", i ? " " : "", (long long)v->waiters[i]);
	fputs("] sendq [", f);
	for (uint64_t i = 0; i < v->nsend; i++)
		fprintf(f, "%s%lld", i ? " " : "",
			(long long)v->waiters[v->nrecv + i]);
	fputc(']', f);
}

static void text_value(FILE *f, const struct govalue *v, int top)
{
	int k = v->type->kind;

	if (top && k >= GK_ARRAY && k != GK_STRING && k != GK_FUNC)
		fprintf(f, "%s ", v->type->name);
	if (v->flags & VF_ERROR) {
		fprintf(f, "<error: %s>", v->err);
		return;
	}
	if (v->flags & VF_NIL) {
		fputs("nil", f);
		return;
	}
	if (v->flags & VF_BYTES) {
		if (k == GK_SLICE)
			fprintf(f, "len %llu cap %llu ",
				(unsigned long long)v->len,
				(unsigned long long)v->cap);
		text_bytes(f, v);
		return;
	}
	switch (k) {
	case GK_STRUCT: text_struct(f, v); break;
	case GK_SLICE:
		fprintf(f, "len %llu cap %llu ", (unsigned long long)v->len,
			(unsigned long long)v->cap);
		if (v->flags & VF_CYCLE)
			fputs("(cycle)", f);
		else
			text_list(f, v, 0);
		break;
	case GK_ARRAY: text_list(f, v, 0); break;
	case GK_MAP:
		fprintf(f, "len %llu ", (unsigned long long)v->len);
		if (v->flags & VF_CYCLE) {
			fprintf(f, "%#llx (cycle)", (unsigned long long)v->n.u);
			break;
		}
		if (v->flags & VF_WRITING)
			fputs("(being written) ", f);
		text_list(f, v, 1);
		break;
	case GK_POINTER: case GK_UNSAFEPTR:
		fprintf(f, "%#llx", (unsigned long long)v->n.u);
		if (v->flags & VF_CYCLE)
			fputs(" (cycle)", f);
		else if (v->nkids) {
			fputs(" -> ", f);
			text_value(f, &v->kids[0], 0);
		}
		break;
	case GK_INTERFACE:
		fprintf(f, "%s ", v->str);
		if (v->nkids)
			text_value(f, &v->kids[0], 0);
		break;
	case GK_FUNC: fputs(v->str, f); break;
	case GK_CHAN: text_chan(f, v); break;
	default: text_scalar(f, v);
	}
}

/* ---- JSON ---- */

static void jstr(FILE *f, const char *s, size_t n)
{
	struct json t;

	json_init(&t, f);
	json_string_n(&t, s, n);
}

static void json_value(FILE *f, const struct govalue *v);

static void json_num(FILE *f, const struct govalue *v)
{
	char a[64], b[64];
	int k = v->type->kind;

	switch (k) {
	case GK_BOOL: fputs(v->n.u ? "true" : "false", f); break;
	case GK_INT: case GK_INT8: case GK_INT16: case GK_INT32: case GK_INT64:
		fprintf(f, "%lld", (long long)v->n.i);
		break;
	case GK_FLOAT32: case GK_FLOAT64:
		if (isnan(v->n.f) || isinf(v->n.f)) {
			go_float(a, sizeof(a), v->n.f, 0);
			fprintf(f, "\"%s\"", a);
		} else {
			shortest(a, sizeof(a), v->n.f, k == GK_FLOAT32);
			fputs(a, f);
		}
		break;
	case GK_COMPLEX64: case GK_COMPLEX128:
		go_float(a, sizeof(a), v->n.f, k == GK_COMPLEX64);
		go_float(b, sizeof(b), v->imag, k == GK_COMPLEX64);
		fprintf(f, "\"(%s%s%si)\"", a,
			b[0] == '-' || b[0] == '+' ? "" : "+", b);
		break;
	default: fprintf(f, "%llu", (unsigned long long)v->n.u);
	}
}

static void json_list(FILE *f, const struct govalue *v)
{
	int map = v->type->kind == GK_MAP;

	fputc('[', f);
	for (uint64_t i = 0; i < v->nkids; i += map ? 2 : 1) {
		if (i)
			fputc(',', f);
		if (map) {
			fputs("{\"key\":", f);
			json_value(f, &v->kids[i]);
			fputs(",\"value\":", f);
			json_value(f, &v->kids[i + 1]);
			fputc('}', f);
		} else {
			json_value(f, &v->kids[i]);
		}
	}
	if (v->omitted)
		fprintf(f, "%s{\"omitted\":%llu}", v->nkids ? "," : "",
			(unsigned long long)v->omitted);
	fputc(']', f);
}

static void json_bytes(FILE *f, const struct govalue *v)
{
	if (v->type->kind == GK_STRING) {
		if (v->omitted)
			fputs("{\"string\":", f);
		jstr(f, v->bytes, v->nbytes);
		if (v->omitted)
			fprintf(f, ",\"omitted\":%llu}",
				(unsigned long long)v->omitted);
		return;
	}
	fputc('[', f);
	for (uint64_t i = 0; i < v->nbytes; i++)
		fprintf(f, "%s%u", i ? "," : "", (uint8_t)v->bytes[i]);
	if (v->omitted)
		fprintf(f, "%s{\"omitted\":%llu}", v->nbytes ? "," : "",
			(unsigned long long)v->omitted);
	fputc(']', f);
}

static void json_struct(FILE *f, const struct govalue *v)
{
	const struct gotype *t = v->type;

	fputc('{', f);
	for (uint64_t i = 0; i < v->nkids && i < t->nfields; i++) {
		if (i)
			fputc(',', f);
		jstr(f, t->fields[i].name, strlen(t->fields[i].name));
		fputc(':', f);
		json_value(f, &v->kids[i]);
	}
	fputc('}', f);
}

static void json_chan(FILE *f, const struct govalue *v)
{
	fprintf(f, "{\"len\":%llu,\"cap\":%llu,\"closed\":%s,\"recvq\":[",
		(unsigned long long)v->len, (unsigned long long)v->cap,
		v->closed ? "true" : "false");
	for (uint64_t i = 0; i < v->nrecv; i++)
		fprintf(f, "%s%lld", i ? "," : "", (long long)v->waiters[i]);
	fputs("],\"sendq\":[", f);
	for (uint64_t i = 0; i < v->nsend; i++)
		fprintf(f, "%s%lld", i ? "," : "",
			(long long)v->waiters[v->nrecv + i]);
	fputs("]}", f);
}

static void json_value(FILE *f, const struct govalue *v)
{
	int k = v->type->kind;

	if (v->flags & VF_ERROR) {
		fputs("{\"error\":", f);
		jstr(f, v->err, strlen(v->err));
		fputc('}', f);
		return;
	}
	if (v->flags & VF_NIL) {
		fputs("null", f);
		return;
	}
	if (v->flags & VF_BYTES)
		return json_bytes(f, v);
	switch (k) {
	case GK_STRUCT: json_struct(f, v); break;
	case GK_SLICE: case GK_ARRAY: case GK_MAP:
		if (v->flags & VF_CYCLE)
			fprintf(f, "{\"addr\":\"%#llx\",\"cycle\":true}",
				(unsigned long long)(k == GK_MAP ? v->n.u :
						     v->addr));
		else
			json_list(f, v);
		break;
	case GK_POINTER:
		fprintf(f, "{\"addr\":\"%#llx\"", (unsigned long long)v->n.u);
		if (v->flags & VF_CYCLE)
			fputs(",\"cycle\":true", f);
		else if (v->nkids) {
			fputs(",\"value\":", f);
			json_value(f, &v->kids[0]);
		}
		fputc('}', f);
		break;
	case GK_UNSAFEPTR:
		fprintf(f, "\"%#llx\"", (unsigned long long)v->n.u);
		break;
	case GK_INTERFACE:
		fputs("{\"type\":", f);
		jstr(f, v->str, strlen(v->str));
		fputs(",\"value\":", f);
		if (v->nkids)
			json_value(f, &v->kids[0]);
		else
			fputs("null", f);
		fputc('}', f);
		break;
	case GK_FUNC: jstr(f, v->str, strlen(v->str)); break;
	case GK_CHAN: json_chan(f, v); break;
	default: json_num(f, v);
	}
}

/* ---- print ---- */

static void report_pause(struct cmd_ctx *c, struct pcache *pc)
{
	if (c->verbose)
		fprintf(stderr, "goinspect: paused %ld us, read %llu bytes\n",
			c->gp->tgt.pause_us, (unsigned long long)pc->bytes);
}

static void output(struct cmd_ctx *c, const char *expr,
		   const struct exprval *ev, const struct govalue *v)
{
	FILE *f = c->out;

	if (!c->json) {
		text_value(f, v, 1);
		fputc('\n', f);
		return;
	}
	fputs("{\"expr\":", f);
	jstr(f, expr, strlen(expr));
	fputs(",\"type\":", f);
	jstr(f, ev->type->name, strlen(ev->type->name));
	if (ev->imm)
		fputs(",\"addr\":null", f);
	else
		fprintf(f, ",\"addr\":\"%#llx\"", (unsigned long long)ev->addr);
	fputs(",\"value\":", f);
	json_value(f, v);
	fputs("}\n", f);
}

struct gotypes *cmd_print_types(struct cmd_ctx *c);

static struct gotypes *types_of_session;

static void free_types(void)
{
	gotypes_free(types_of_session);
	types_of_session = NULL;
}

/* One struct gotypes per goproc: kept for the life of the process. */
struct gotypes *cmd_print_types(struct cmd_ctx *c)
{
	static struct gotypes *ts;
	static struct goproc *owner;

	if (!ts || owner != c->gp) {
		if (!ts)
			atexit(free_types);
		gotypes_free(ts);
		ts = gotypes_new(c->gp);
		owner = c->gp;
	}
	types_of_session = ts;
	return ts;
}

static int print_one(struct cmd_ctx *c, struct popts *o)
{
	struct gotypes *ts = cmd_print_types(c);
	struct gomem none = { no_read, NULL };
	struct exprval ev;
	struct expr_overlay ov;
	struct govalue v;
	struct pcache pc;
	int rc, partial = 0;

	/* Resolve types now; what needs memory fails harmlessly. */
	(void)expr_eval(ts, &none, o->expr, &ev);
	cache_init(&pc, &c->gp->tgt);
	if (target_stop(&c->gp->tgt) < 0) {
		diag_error("%s", diag_reason());
		cache_free(&pc);
		return EXIT_ATTACH;
	}
	gotypes_set_mem(ts, &pc.mem);
	rc = expr_eval(ts, &pc.mem, o->expr, &ev);
	if (rc == 0) {
		expr_overlay_init(&ov, &pc.mem, &ev);
		partial = value_read(ts, &ov.mem, &o->v, ev.type, ev.addr, &v);
	}
	target_release(&c->gp->tgt);
	gotypes_set_mem(ts, NULL);
	report_pause(c, &pc);
	cache_free(&pc);
	if (rc < 0) {
		diag_error("print %s: %s", o->expr, diag_reason());
		return EXIT_USAGE;
	}
	output(c, o->expr, &ev, &v);
	value_free(&v);
	if (partial)
		c->partial = 1;
	return partial ? EXIT_PARTIAL : EXIT_OK;
}

int cmd_print(struct cmd_ctx *c, int argc, char **argv)
{
	struct popts o;
	int rc;

	if (parse_popts(c, argc, argv, &o) < 0) {
		free(o.expr);
		return EXIT_USAGE;
	}
	if (!o.expr[0]) {
		diag_error("print: which expression? (print main.cfg)");
		free(o.expr);
		return EXIT_USAGE;
	}
	rc = print_one(c, &o);
	free(o.expr);
	return rc;
}

/* ---- x ---- */

static void hexdump(FILE *f, uint64_t addr, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i += 16) {
		size_t k = n - i < 16 ? n - i : 16;

		fprintf(f, "%016llx ", (unsigned long long)(addr + i));
		for (size_t j = 0; j < 16; j++) {
			if (j == 8)
				fputc(' ', f);
			if (j < k)
				fprintf(f, " %02x", b[i + j]);
			else
				fputs("   ", f);
		}
		fputs("  |", f);
		for (size_t j = 0; j < k; j++)
			fputc(b[i + j] >= 0x20 && b[i + j] < 0x7f ? b[i + j] : '.',
			      f);
		fputs("|\n", f);
	}
}

int cmd_x(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t addr, len;
	uint8_t *buf;
	int rc;

	if (argc != 3) {
		diag_error("usage: x ADDR LEN");
		return EXIT_USAGE;
	}
	if (parse_num("x ADDR", argv[1], &addr) < 0 ||
	    parse_num("x LEN", argv[2], &len) < 0)
		return EXIT_USAGE;
	if (len > X_MAX) {
		diag_error("x: %llu bytes is more than %u; dump in pieces",
			   (unsigned long long)len, X_MAX);
		return EXIT_USAGE;
	}
	buf = xmalloc(len + 1);
	if (target_stop(&c->gp->tgt) < 0) {
		diag_error("%s", diag_reason());
		free(buf);
		return EXIT_ATTACH;
	}
	rc = target_read(&c->gp->tgt, addr, buf, len);
	target_release(&c->gp->tgt);
	if (c->verbose)
		fprintf(stderr, "goinspect: paused %ld us, read %llu bytes\n",
			c->gp->tgt.pause_us, (unsigned long long)len);
	if (rc < 0) {
		diag_error("x: cannot read %llu bytes at %#llx",
			   (unsigned long long)len, (unsigned long long)addr);
		free(buf);
		return EXIT_PARTIAL;
	}
	if (c->json) {
		fprintf(c->out, "{\"addr\":\"%#llx\",\"bytes\":\"",
			(unsigned long long)addr);
		for (uint64_t i = 0; i < len; i++)
			fprintf(c->out, "%02x", buf[i]);
		fputs("\"}\n", c->out);
	} else {
		hexdump(c->out, addr, buf, len);
	}
	free(buf);
	return EXIT_OK;
}

/* ---- types, vars ---- */

struct lister {
	struct cmd_ctx *c;
	int n;
};

static void list_type(void *ctx, const char *name)
{
	struct lister *l = ctx;

	if (l->c->json) {
		fputs(l->n++ ? "," : "", l->c->out);
		jstr(l->c->out, name, strlen(name));
	} else {
		fprintf(l->c->out, "%s\n", name);
	}
}

static void list_var(void *ctx, const struct govar *v)
{
	struct lister *l = ctx;
	const char *t = v->type ? v->type->name : "?";

	if (l->c->json) {
		fputs(l->n++ ? ",{\"name\":" : "{\"name\":", l->c->out);
		jstr(l->c->out, v->name, strlen(v->name));
		fputs(",\"type\":", l->c->out);
		jstr(l->c->out, t, strlen(t));
		fprintf(l->c->out, ",\"addr\":\"%#llx\"}",
			(unsigned long long)v->addr);
	} else {
		fprintf(l->c->out, "%#llx %s %s\n", (unsigned long long)v->addr,
			v->name, t);
	}
}

static int list(struct cmd_ctx *c, int argc, char **argv, int vars)
{
	struct gotypes *ts = cmd_print_types(c);
	struct lister l = { c, 0 };
	const char *re = argc > 1 ? argv[1] : "";
	int n;

	if (argc > 2) {
		diag_error("usage: %s [REGEXP]", argv[0]);
		return EXIT_USAGE;
	}
	if (c->json)
		fputc('[', c->out);
	n = vars ? gotypes_each_var(ts, re, list_var, &l)
		 : gotypes_each_name(ts, re, list_type, &l);
	if (c->json)
		fputs("]\n", c->out);
	if (n < 0) {
		diag_error("%s", diag_reason());
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_types(struct cmd_ctx *c, int argc, char **argv)
{
	return list(c, argc, argv, 0);
}

int cmd_vars(struct cmd_ctx *c, int argc, char **argv)
{
	return list(c, argc, argv, 1);
}
