/*
 * cmd_print.c - `print` (`p`), `x`, `types` and `vars`.
 *
 * print follows the snapshot discipline: it resolves types first (the
 * type descriptors and DWARF never change), stops the target, evaluates
 * the expression and copies the value through a page cache, releases the
 * target, and only then formats.  A map is not held whole: its entries
 * are read again from the cache, which no longer reads the target, one at
 * a time as they are formatted (value_stream_open), so a map of millions
 * of entries costs the copy of its memory and time linear in its size.
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
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096ull
#define CACHE_MAX_PAGES (256u << 10)    /* 1 GiB of copied pages */
#define X_MAX (16u << 20)

/* ---- a page cache over the stopped target ---- */

/*
 * Every read of a value goes through here, millions of times for a big
 * map, so the common case must cost a compare and a memcpy: the page of
 * the previous read is remembered, recent pages are in a small
 * direct-mapped table, and the others in an open addressed table (page
 * and data side by side).  Pages live in slabs of 2 MiB, not one malloc
 * each; after the first, a slab asks for a transparent huge page: the
 * strings of a big map are all over a copy of hundreds of MiB, and with
 * 4 KiB pages nearly every one of them cost a TLB miss (a quarter of the
 * time of a million-entry map).  A miss on the page after the previous
 * miss reads ahead (bucket arrays and the strings a program allocated one
 * after another are contiguous), up to READAHEAD pages in one
 * process_vm_readv.
 */
#define SLAB_PAGES 512u
#define READAHEAD 32u
#define TLB_SIZE 256u

struct cslot {
	uint64_t key;           /* page | 1; 0: empty */
	uint8_t *data;          /* NULL: not readable */
};

struct pcache {
	struct gomem mem;
	struct target *t;
	struct cslot *tab;
	size_t cap, n;          /* cap a power of two, n < cap / 2 */
	uint8_t **slabs;
	size_t nslabs, slabs_cap, slab_used;    /* pages used in the last */
	uint64_t last_page;     /* page of last_data */
	uint8_t *last_data;     /* NULL: no last page */
	uint64_t next_miss;     /* the page after the last miss */
	unsigned ahead;         /* pages to read at the next sequential miss */
	uint64_t bytes;
	int direct;             /* full: some reads went to the target */
	int frozen;             /* the target runs: serve only the copy */
	struct ctlb {           /* recent pages: one compare, no probing */
		uint64_t key;   /* page | 1; 0: empty */
		uint8_t *data;
	} tlb[TLB_SIZE];
	uint64_t pending;       /* cache_prefetch() half done, or 0 */
};

static size_t slot_of(const struct pcache *c, uint64_t page)
{
	return (size_t)((page >> 12) * 0x9e3779b97f4a7c15ull >> 32) &
	       (c->cap - 1);
}

static struct cslot *cache_find(struct pcache *c, uint64_t page)
{
	for (size_t i = slot_of(c, page);; i = (i + 1) & (c->cap - 1)) {
		if (c->tab[i].key == (page | 1))
			return &c->tab[i];
		if (!c->tab[i].key)
			return NULL;
	}
}

static void cache_insert(struct pcache *c, uint64_t page, uint8_t *data)
{
	size_t i;

	if (2 * (c->n + 1) > c->cap) {
		struct cslot *old = c->tab;
		size_t ocap = c->cap;

		c->cap *= 2;
		c->tab = xcalloc(c->cap, sizeof(*c->tab));
		for (size_t k = 0; k < ocap; k++) {
			if (!old[k].key)
				continue;
			for (i = slot_of(c, old[k].key); c->tab[i].key;
			     i = (i + 1) & (c->cap - 1))
				;
			c->tab[i] = old[k];
		}
		free(old);
	}
	for (i = slot_of(c, page); c->tab[i].key; i = (i + 1) & (c->cap - 1))
		;
	c->tab[i].key = page | 1;
	c->tab[i].data = data;
	c->n++;
}

/* A slab; huge: on a transparent huge page if the system has them (not
 * the first: a small value should not wait for 2 MiB to be cleared). */
static uint8_t *slab_new(int huge)
{
	size_t size = SLAB_PAGES * PAGE;
	uint8_t *p = huge ? aligned_alloc(size, size) : NULL;

	if (!p)
		return xmalloc(size);
	(void)madvise(p, size, MADV_HUGEPAGE);
	return p;
}

/* Room for n contiguous pages (n <= SLAB_PAGES). */
static uint8_t *slab_pages(struct pcache *c, unsigned n)
{
	if (!c->nslabs || c->slab_used + n > SLAB_PAGES) {
		xgrow((void **)&c->slabs, &c->slabs_cap, c->nslabs + 1,
		      sizeof(*c->slabs));
		c->slabs[c->nslabs] = slab_new(c->nslabs > 0);
		c->nslabs++;
		c->slab_used = 0;
	}
	c->slab_used += n;
	return c->slabs[c->nslabs - 1] + (c->slab_used - n) * PAGE;
}

/* Read page (and, reading sequentially, some pages after it that are not
 * cached yet) from the target; the slot of page. */
static struct cslot *cache_fill(struct pcache *c, uint64_t page)
{
	struct target_iov iov[READAHEAD];
	unsigned n = 1;
	uint8_t *data;

	c->ahead = page == c->next_miss ? (c->ahead < READAHEAD ? c->ahead * 2
					   : READAHEAD) : 1;
	while (n < c->ahead && c->n + n < CACHE_MAX_PAGES &&
	       page + n * PAGE > page && !cache_find(c, page + n * PAGE))
		n++;
	data = slab_pages(c, n);
	for (unsigned i = 0; i < n; i++)
		iov[i] = (struct target_iov){ page + i * PAGE, PAGE,
					      data + i * PAGE, 0 };
	(void)target_readv(c->t, iov, n);
	/* Pages after the first are kept only if read: an unreadable one
	 * is tried again (and marked) when it is asked for. */
	for (unsigned i = 0; i < n; i++) {
		if (!iov[i].ok && i)
			continue;
		cache_insert(c, iov[i].addr, iov[i].ok ? iov[i].buf : NULL);
		if (iov[i].ok)
			c->bytes += PAGE;
	}
	c->next_miss = page + n * PAGE;
	return cache_find(c, page);
}

/* The copy of a readable page, from the small direct-mapped table of
 * recent pages, else the big one (filling it from the target if need
 * be).  NULL if unreadable; *full when the cache is full and the page
 * is not in it. */
static uint8_t *cache_page(struct pcache *c, uint64_t page, int *full)
{
	struct ctlb *e = &c->tlb[(page / PAGE) % TLB_SIZE];
	struct cslot *s;

	*full = 0;
	if (e->key == (page | 1))
		return e->data;
	if (!(s = cache_find(c, page))) {
		if (c->frozen)
			return NULL;
		if (c->n >= CACHE_MAX_PAGES) {
			*full = 1;
			return NULL;
		}
		s = cache_fill(c, page);
	}
	if (s->data)
		*e = (struct ctlb){ page | 1, s->data };
	return s->data;
}

static int cache_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct pcache *c = ctx;
	uint8_t *out = buf;
	int full;

	if (addr + len < addr)
		return -1;
	while (len) {
		uint64_t page = addr & ~(PAGE - 1), off = addr - page;
		size_t n = len < PAGE - off ? len : (size_t)(PAGE - off);

		if (!c->last_data || page != c->last_page) {
			uint8_t *d = cache_page(c, page, &full);

			if (full) {
				c->direct = 1;
				return target_read(c->t, addr, out, len);
			}
			if (!d)
				return -1;
			c->last_page = page;
			c->last_data = d;
		}
		memcpy(out, c->last_data + off, n);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/*
 * Start bringing the copy of addr into the CPU's cache, if there is one:
 * a big map's strings are all over the copy, and fetching the next ones
 * while this one is formatted hides most of the wait for memory.  In two
 * steps, since finding the page in the big table is itself a wait: now
 * its slot, at the next call the page (put in the small table, where the
 * read will find it).
 */
static void cache_prefetch(void *ctx, uint64_t addr)
{
	struct pcache *c = ctx;
	uint64_t page = addr & ~(PAGE - 1), a = c->pending;
	struct ctlb *e = &c->tlb[(page / PAGE) % TLB_SIZE];
	struct cslot *s;

	if (e->key == (page | 1)) {
		__builtin_prefetch(e->data + (addr - page));
		return;
	}
	__builtin_prefetch(&c->tab[slot_of(c, page)]);
	c->pending = addr;
	page = a & ~(PAGE - 1);
	if (a && (s = cache_find(c, page)) && s->data) {
		c->tlb[(page / PAGE) % TLB_SIZE] = (struct ctlb){ page | 1,
								 s->data };
		__builtin_prefetch(s->data + (a - page));
	}
}

static void cache_init(struct pcache *c, struct target *t)
{
	memset(c, 0, sizeof(*c));
	c->mem.read = cache_read;
	c->mem.ctx = c;
	c->mem.prefetch = cache_prefetch;
	c->t = t;
	c->cap = 1 << 12;
	c->tab = xcalloc(c->cap, sizeof(*c->tab));
	c->ahead = 1;
}

static void cache_free(struct pcache *c)
{
	for (size_t i = 0; i < c->nslabs; i++)
		free(c->slabs[i]);
	free(c->slabs);
	free(c->tab);
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

/* ---- buffered output ---- */

/*
 * Values are formatted into a buffer of our own and written in large
 * pieces: a map of a million entries is tens of millions of small writes,
 * too many for stdio calls one by one.
 */
struct obuf {
	FILE *f;
	const struct govalue *top;      /* the map streamed: its entries */
	struct valstream *s;            /* come from s, through mem */
	const struct gomem *mem;
	size_t n;
	char b[1 << 16];
};

/* The key and value of entry i of map v: from its kids, or read from the
 * stream when v is the streamed map (valid until the next call). */
static void map_entry(struct obuf *f, const struct govalue *v, uint64_t i,
		      struct govalue kv[2], const struct govalue **k,
		      const struct govalue **e)
{
	if (v != f->top) {
		*k = &v->kids[2 * i];
		*e = &v->kids[2 * i + 1];
		return;
	}
	(void)value_stream_entry(f->s, f->mem, i, &kv[0], &kv[1]);
	*k = &kv[0];
	*e = &kv[1];
}

static uint64_t map_entries(const struct obuf *f, const struct govalue *v)
{
	return v == f->top ? value_stream_len(f->s) : v->nkids / 2;
}

static void ob_flush(struct obuf *o)
{
	if (o->n)
		fwrite(o->b, 1, o->n, o->f);
	o->n = 0;
}

static inline void ob_putc(struct obuf *o, char c)
{
	if (o->n == sizeof(o->b))
		ob_flush(o);
	o->b[o->n++] = c;
}

static void ob_write(struct obuf *o, const char *s, size_t n)
{
	if (n > sizeof(o->b) - o->n) {
		ob_flush(o);
		if (n > sizeof(o->b)) {
			fwrite(s, 1, n, o->f);
			return;
		}
	}
	memcpy(o->b + o->n, s, n);
	o->n += n;
}

static void ob_puts(struct obuf *o, const char *s)
{
	ob_write(o, s, strlen(s));
}

static void ob_printf(struct obuf *o, const char *fmt, ...) PRINTF(2, 3);
static void ob_printf(struct obuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sizeof(o->b) - o->n < 256)
		ob_flush(o);
	va_start(ap, fmt);
	n = vsnprintf(o->b + o->n, sizeof(o->b) - o->n, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(o->b) - o->n) {
		o->n += (size_t)n;
	} else if (n >= 0) {    /* longer than the buffer's room */
		char *s;

		va_start(ap, fmt);
		if (vasprintf(&s, fmt, ap) >= 0) {
			ob_write(o, s, strlen(s));
			free(s);
		}
		va_end(ap);
	}
}

static void ob_u64(struct obuf *o, uint64_t v)
{
	char d[24];
	size_t i = sizeof(d);

	do
		d[--i] = (char)('0' + v % 10);
	while (v /= 10);
	ob_write(o, d + i, sizeof(d) - i);
}

static void ob_i64(struct obuf *o, int64_t v)
{
	if (v < 0) {
		ob_putc(o, '-');
		ob_u64(o, 0 - (uint64_t)v);
	} else {
		ob_u64(o, (uint64_t)v);
	}
}

/* ---- numbers ---- */

/* Does the %e text s read back as d (or as the float d, is32)? */
static int reads_back(const char *s, double d, int is32)
{
	return is32 ? (float)strtod(s, NULL) == (float)d : strtod(s, NULL) == d;
}

/*
 * The significant digits of |d| (nonzero, finite) and the exponent of the
 * first, when d is a binary fraction whose exact decimal form has at most
 * max digits: then that form is also the shortest that reads back (see
 * shortest()).  Integers and halves, quarters, eighths... of moderate
 * size, the common case, cost no conversion at all.  0 otherwise.
 */
static int exact_digits(double d, int max, char *digits, int *nd, int *exp)
{
	double a = fabs(d);
	uint64_t m, p5 = 1;
	char buf[24];
	int j = 0, n = 0, first;

	while (a != floor(a)) {         /* exact: a times a power of two */
		if (++j > 26)
			return 0;
		a *= 2;
	}
	if (a >= 18446744073709551616.0)
		return 0;
	m = (uint64_t)a;
	for (int i = 0; i < j; i++)
		p5 *= 5;
	if (__builtin_mul_overflow(m, p5, &m))  /* m / 2^j = m 5^j / 10^j */
		return 0;
	for (; m; m /= 10)
		buf[n++] = (char)('0' + m % 10);
	for (first = 0; first < n && buf[first] == '0'; first++)
		;
	if (n - first > max)
		return 0;
	*nd = n - first;
	for (int i = 0; i < *nd; i++)
		digits[i] = buf[n - 1 - i];
	digits[*nd] = 0;
	*exp = n - 1 - j;
	return 1;
}

/*
 * The shortest decimal that reads back as the same float or double, in
 * %e form.  Any decimal of at most DBL_DIG (FLT_DIG) digits survives the
 * trip through the binary value, so when the 15 (6) digit form reads back,
 * the shortest one is that form without its trailing zeros; only the
 * others need 16 and 17 (7 to 9) digits.  Two conversions where a search
 * from 1 digit up took up to 17, none for the exact binary fractions.
 * (Subnormal numbers have fewer digits of precision: they are searched.)
 */
static void shortest(char *buf, size_t len, double d, int is32)
{
	int first = is32 ? 6 : 15, last = is32 ? 9 : 17, nd, exp;
	char digits[24], *e, *z;

	if (len >= 32 && d != 0 && isfinite(d) &&
	    exact_digits(d, first, digits, &nd, &exp)) {
		size_t o = 0;
		int x = exp < 0 ? -exp : exp;

		if (d < 0)
			buf[o++] = '-';
		buf[o++] = digits[0];
		if (nd > 1) {
			buf[o++] = '.';
			memcpy(buf + o, digits + 1, (size_t)nd - 1);
			o += (size_t)nd - 1;
		}
		buf[o++] = 'e';
		buf[o++] = exp < 0 ? '-' : '+';
		if (x >= 100)
			buf[o++] = (char)('0' + x / 100);
		buf[o++] = (char)('0' + x / 10 % 10);
		buf[o++] = (char)('0' + x % 10);
		buf[o] = 0;
		return;
	}
	if (fabs(d) < (is32 ? FLT_MIN : DBL_MIN))       /* subnormal: fewer */
		first = 1;                              /* digits are exact */
	snprintf(buf, len, "%.*e", first - 1, d);
	if (!reads_back(buf, d, is32)) {
		for (int prec = first + 1; prec <= last; prec++) {
			snprintf(buf, len, "%.*e", prec - 1, d);
			if (reads_back(buf, d, is32))
				return;
		}
		return;
	}
	if (!(e = strchr(buf, 'e')) || !strchr(buf, '.'))
		return;
	for (z = e; z[-1] == '0'; z--)
		;
	if (z[-1] == '.')
		z--;
	memmove(z, e, strlen(e) + 1);
}

/* Go's %v of a float: shortest digits, %e form when the exponent is
 * below -4 or at least max(digits, 21 rule of 'g' with shortest). */
static void go_float(char *out, size_t len, double d, int is32)
{
	char e[64], digits[32];
	int exp, nd = 0, eprec;
	size_t o = 0;
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
	/* What %.*f prints with nd - 1 - exp decimals, from the digits
	 * (they are d rounded there): -4 <= exp < 21, out has room. */
	if (len < 48) {
		snprintf(out, len, "%.*f", exp >= nd - 1 ? 0 : nd - 1 - exp, d);
		return;
	}
	if (d < 0)
		out[o++] = '-';
	if (exp < 0) {
		out[o++] = '0';
		out[o++] = '.';
		for (int i = -1; i > exp; i--)
			out[o++] = '0';
		memcpy(out + o, digits, (size_t)nd);
		o += (size_t)nd;
	} else {
		for (int i = 0; i <= exp; i++)
			out[o++] = i < nd ? digits[i] : '0';
		if (nd > exp + 1) {
			size_t k = (size_t)(nd - exp - 1);

			out[o++] = '.';
			memcpy(out + o, digits + exp + 1, k);
			o += k;
		}
	}
	out[o] = 0;
}

/* A complex value as Go's %v prints it: (re+imi). */
static void go_complex(char *out, size_t len, const struct govalue *v)
{
	int is64 = v->type->kind == GK_COMPLEX64;
	char re[64], im[64];

	go_float(re, sizeof(re), v->n.f, is64);
	go_float(im, sizeof(im), v->imag, is64);
	snprintf(out, len, "(%s%s%si)", re,
		 im[0] == '-' || im[0] == '+' ? "" : "+", im);
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

/* Bytes at p (at most n) that need no escaping in %q or JSON: printable
 * ASCII but the quote and the backslash. */
static size_t plain_run(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' &&
	       p[i] != '\\')
		i++;
	return i;
}

/* Go's %q. */
static void put_quoted(struct obuf *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	ob_putc(f, '"');
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = plain_run(p + i, n - i);

		if (l) {
			ob_write(f, s + i, l);
			i += l;
			continue;
		}
		if (!(l = utf8_dec(p + i, n - i, &cp))) {
			ob_printf(f, "\\x%02x", p[i++]);
			continue;
		}
		if (cp == '"' || cp == '\\') {
			ob_putc(f, '\\');
			ob_putc(f, (char)cp);
		} else if (cp < 0x80) {
			const char *esc = strchr("\aa\bb\ff\nn\rr\tt\vv", (int)cp);

			if (cp && esc)
				ob_printf(f, "\\%c", esc[1]);
			else
				ob_printf(f, "\\x%02x", cp);
		} else if (printable(cp))
			ob_write(f, s + i, l);
		else if (cp < 0x10000)
			ob_printf(f, "\\u%04x", cp);
		else
			ob_printf(f, "\\U%08x", cp);
		i += l;
	}
	ob_putc(f, '"');
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

static void text_value(struct obuf *f, const struct govalue *v, int top);

static void text_scalar(struct obuf *f, const struct govalue *v)
{
	char a[160];
	int k = v->type->kind;

	switch (k) {
	case GK_BOOL: ob_puts(f, v->n.u ? "true" : "false"); break;
	case GK_INT: case GK_INT8: case GK_INT16: case GK_INT32: case GK_INT64:
		ob_i64(f, v->n.i);
		break;
	case GK_UINTPTR:
		ob_printf(f, "%#llx", (unsigned long long)v->n.u);
		break;
	case GK_FLOAT32: case GK_FLOAT64:
		go_float(a, sizeof(a), v->n.f, k == GK_FLOAT32);
		ob_puts(f, a);
		break;
	case GK_COMPLEX64: case GK_COMPLEX128:
		go_complex(a, sizeof(a), v);
		ob_puts(f, a);
		break;
	default: ob_u64(f, v->n.u);
	}
}

static void text_bytes(struct obuf *f, const struct govalue *v)
{
	if (v->type->kind == GK_STRING || is_text(v->bytes, v->nbytes)) {
		put_quoted(f, v->bytes, v->nbytes);
	} else {
		static const char hex[] = "0123456789abcdef";

		ob_puts(f, "0x");
		for (uint64_t i = 0; i < v->nbytes; i++) {
			ob_putc(f, hex[(uint8_t)v->bytes[i] >> 4]);
			ob_putc(f, hex[v->bytes[i] & 15]);
		}
	}
	if (v->omitted)
		ob_printf(f, "...+%llu bytes", (unsigned long long)v->omitted);
}

static void text_list(struct obuf *f, const struct govalue *v, int pairs)
{
	uint64_t n = pairs ? map_entries(f, v) : v->nkids;
	struct govalue kv[2];

	ob_putc(f, '[');
	for (uint64_t i = 0; i < n; i++) {
		if (i)
			ob_write(f, ", ", 2);
		if (pairs) {
			const struct govalue *k, *e;

			map_entry(f, v, i, kv, &k, &e);
			text_value(f, k, 0);
			ob_write(f, ": ", 2);
			text_value(f, e, 0);
		} else {
			text_value(f, &v->kids[i], 0);
		}
	}
	if (v->omitted)
		ob_printf(f, "%s...+%llu more", n ? ", " : "",
			  (unsigned long long)v->omitted);
	ob_putc(f, ']');
}

static void text_struct(struct obuf *f, const struct govalue *v)
{
	const struct gotype *t = v->type;

	ob_putc(f, '{');
	for (uint64_t i = 0; i < v->nkids && i < t->nfields; i++) {
		if (i)
			ob_write(f, ", ", 2);
		ob_puts(f, t->fields[i].name);
		if (t->fields[i].embedded)
			ob_puts(f, " (embedded)");
		ob_write(f, ": ", 2);
		text_value(f, &v->kids[i], 0);
	}
	ob_putc(f, '}');
}

/* The goroutine ids of a channel's wait queue, sep between them. */
static void ob_ids(struct obuf *f, const int64_t *ids, uint64_t n, char sep)
{
	for (uint64_t i = 0; i < n; i++) {
		if (i)
			ob_putc(f, sep);
		ob_i64(f, ids[i]);
	}
}

static void text_chan(struct obuf *f, const struct govalue *v)
{
	ob_printf(f, "len %llu cap %llu%s buf ", (unsigned long long)v->len,
		  (unsigned long long)v->cap, v->closed ? " closed" : "");
	text_list(f, v, 0);
	ob_puts(f, " recvq [");
	ob_ids(f, v->wait->ids, v->wait->nrecv, ' ');
	ob_puts(f, "] sendq [");
	ob_ids(f, v->wait->ids + v->wait->nrecv, v->wait->nsend, ' ');
	ob_putc(f, ']');
}

static void text_value(struct obuf *f, const struct govalue *v, int top)
{
	int k = v->type->kind;

	if (top && k >= GK_ARRAY && k != GK_STRING && k != GK_FUNC)
		ob_printf(f, "%s ", v->type->name);
	if (v->flags & VF_ERROR) {
		ob_printf(f, "<error: %s>", v->err);
		return;
	}
	if (v->flags & VF_NIL) {
		ob_puts(f, "nil");
		return;
	}
	if (v->flags & VF_BYTES) {
		if (k == GK_SLICE)
			ob_printf(f, "len %llu cap %llu ",
				  (unsigned long long)v->len,
				  (unsigned long long)v->cap);
		text_bytes(f, v);
		return;
	}
	switch (k) {
	case GK_STRUCT: text_struct(f, v); break;
	case GK_SLICE:
		ob_printf(f, "len %llu cap %llu ", (unsigned long long)v->len,
			  (unsigned long long)v->cap);
		if (v->flags & VF_CYCLE)
			ob_puts(f, "(cycle)");
		else
			text_list(f, v, 0);
		break;
	case GK_ARRAY: text_list(f, v, 0); break;
	case GK_MAP:
		ob_printf(f, "len %llu ", (unsigned long long)v->len);
		if (v->flags & VF_CYCLE) {
			ob_printf(f, "%#llx (cycle)",
				  (unsigned long long)v->n.u);
			break;
		}
		if (v->flags & VF_WRITING)
			ob_puts(f, "(being written) ");
		text_list(f, v, 1);
		break;
	case GK_POINTER: case GK_UNSAFEPTR:
		ob_printf(f, "%#llx", (unsigned long long)v->n.u);
		if (v->flags & VF_CYCLE)
			ob_puts(f, " (cycle)");
		else if (v->nkids) {
			ob_puts(f, " -> ");
			text_value(f, &v->kids[0], 0);
		}
		break;
	case GK_INTERFACE:
		ob_puts(f, v->str);
		ob_putc(f, ' ');
		if (v->nkids)
			text_value(f, &v->kids[0], 0);
		break;
	case GK_FUNC: ob_puts(f, v->str); break;
	case GK_CHAN: text_chan(f, v); break;
	default: text_scalar(f, v);
	}
}

/* ---- JSON ---- */

/* A JSON string to a stdio stream (types, vars). */
static void jstr(FILE *f, const char *s, size_t n)
{
	struct json t;

	json_init(&t, f);
	json_string_n(&t, s, n);
}

/* A JSON string to the buffer, escaped as json.c does (the quote, the
 * backslash and control characters; bytes that are not UTF-8 become
 * U+FFFD). */
static void ob_jstr(struct obuf *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	ob_putc(f, '"');
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = plain_run(p + i, n - i);

		if (l) {
			ob_write(f, s + i, l);
			i += l;
		} else if (p[i] == '"' || p[i] == '\\') {
			ob_putc(f, '\\');
			ob_putc(f, s[i++]);
		} else if (p[i] < 0x20) {
			ob_printf(f, "\\u%04x", p[i++]);
		} else if (!(l = utf8_dec(p + i, n - i, &cp))) {
			ob_puts(f, "\\ufffd");
			i++;
		} else {
			ob_write(f, s + i, l);
			i += l;
		}
	}
	ob_putc(f, '"');
}

static void json_value(struct obuf *f, const struct govalue *v);

static void json_num(struct obuf *f, const struct govalue *v)
{
	char a[160];
	int k = v->type->kind;

	switch (k) {
	case GK_BOOL: ob_puts(f, v->n.u ? "true" : "false"); break;
	case GK_INT: case GK_INT8: case GK_INT16: case GK_INT32: case GK_INT64:
		ob_i64(f, v->n.i);
		break;
	case GK_FLOAT32: case GK_FLOAT64:
		if (isnan(v->n.f) || isinf(v->n.f)) {
			go_float(a, sizeof(a), v->n.f, 0);
			ob_printf(f, "\"%s\"", a);
		} else {
			shortest(a, sizeof(a), v->n.f, k == GK_FLOAT32);
			ob_puts(f, a);
		}
		break;
	case GK_COMPLEX64: case GK_COMPLEX128:
		go_complex(a, sizeof(a), v);
		ob_printf(f, "\"%s\"", a);
		break;
	default: ob_u64(f, v->n.u);
	}
}

static void json_list(struct obuf *f, const struct govalue *v)
{
	int map = v->type->kind == GK_MAP;
	uint64_t n = map ? map_entries(f, v) : v->nkids;
	struct govalue kv[2];

	ob_putc(f, '[');
	for (uint64_t i = 0; i < n; i++) {
		if (i)
			ob_putc(f, ',');
		if (map) {
			const struct govalue *k, *e;

			map_entry(f, v, i, kv, &k, &e);
			ob_puts(f, "{\"key\":");
			json_value(f, k);
			ob_puts(f, ",\"value\":");
			json_value(f, e);
			ob_putc(f, '}');
		} else {
			json_value(f, &v->kids[i]);
		}
	}
	if (v->omitted)
		ob_printf(f, "%s{\"omitted\":%llu}", n ? "," : "",
			  (unsigned long long)v->omitted);
	ob_putc(f, ']');
}

static void json_bytes(struct obuf *f, const struct govalue *v)
{
	if (v->type->kind == GK_STRING) {
		if (v->omitted)
			ob_puts(f, "{\"string\":");
		ob_jstr(f, v->bytes, v->nbytes);
		if (v->omitted)
			ob_printf(f, ",\"omitted\":%llu}",
				  (unsigned long long)v->omitted);
		return;
	}
	ob_putc(f, '[');
	for (uint64_t i = 0; i < v->nbytes; i++) {
		if (i)
			ob_putc(f, ',');
		ob_u64(f, (uint8_t)v->bytes[i]);
	}
	if (v->omitted)
		ob_printf(f, "%s{\"omitted\":%llu}", v->nbytes ? "," : "",
			  (unsigned long long)v->omitted);
	ob_putc(f, ']');
}

static void json_struct(struct obuf *f, const struct govalue *v)
{
	const struct gotype *t = v->type;

	ob_putc(f, '{');
	for (uint64_t i = 0; i < v->nkids && i < t->nfields; i++) {
		if (i)
			ob_putc(f, ',');
		ob_jstr(f, t->fields[i].name, strlen(t->fields[i].name));
		ob_putc(f, ':');
		json_value(f, &v->kids[i]);
	}
	ob_putc(f, '}');
}

static void json_chan(struct obuf *f, const struct govalue *v)
{
	ob_printf(f, "{\"len\":%llu,\"cap\":%llu,\"closed\":%s,\"buf\":",
		  (unsigned long long)v->len, (unsigned long long)v->cap,
		  v->closed ? "true" : "false");
	json_list(f, v);
	ob_puts(f, ",\"recvq\":[");
	ob_ids(f, v->wait->ids, v->wait->nrecv, ',');
	ob_puts(f, "],\"sendq\":[");
	ob_ids(f, v->wait->ids + v->wait->nrecv, v->wait->nsend, ',');
	ob_puts(f, "]}");
}

static void json_value(struct obuf *f, const struct govalue *v)
{
	int k = v->type->kind;

	if (v->flags & VF_ERROR) {
		ob_puts(f, "{\"error\":");
		ob_jstr(f, v->err, strlen(v->err));
		ob_putc(f, '}');
		return;
	}
	if (v->flags & VF_NIL) {
		ob_puts(f, "null");
		return;
	}
	if (v->flags & VF_BYTES)
		return json_bytes(f, v);
	switch (k) {
	case GK_STRUCT: json_struct(f, v); break;
	case GK_SLICE: case GK_ARRAY: case GK_MAP:
		if (v->flags & VF_CYCLE)
			ob_printf(f, "{\"addr\":\"%#llx\",\"cycle\":true}",
				  (unsigned long long)(k == GK_MAP ? v->n.u :
						       v->addr));
		else
			json_list(f, v);
		break;
	case GK_POINTER:
		ob_printf(f, "{\"addr\":\"%#llx\"", (unsigned long long)v->n.u);
		if (v->flags & VF_CYCLE)
			ob_puts(f, ",\"cycle\":true");
		else if (v->nkids) {
			ob_puts(f, ",\"value\":");
			json_value(f, &v->kids[0]);
		}
		ob_putc(f, '}');
		break;
	case GK_UNSAFEPTR:
		ob_printf(f, "\"%#llx\"", (unsigned long long)v->n.u);
		break;
	case GK_INTERFACE:
		ob_puts(f, "{\"type\":");
		ob_jstr(f, v->str, strlen(v->str));
		ob_puts(f, ",\"value\":");
		if (v->nkids)
			json_value(f, &v->kids[0]);
		else
			ob_puts(f, "null");
		ob_putc(f, '}');
		break;
	case GK_FUNC: ob_jstr(f, v->str, strlen(v->str)); break;
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
		   const struct exprval *ev, const struct govalue *v,
		   struct valstream *s, const struct gomem *mem)
{
	struct obuf *f = xmalloc(sizeof(*f));

	f->f = c->out;
	f->top = s ? v : NULL;
	f->s = s;
	f->mem = mem;
	f->n = 0;
	if (!c->json) {
		text_value(f, v, 1);
		ob_putc(f, '\n');
	} else {
		ob_puts(f, "{\"expr\":");
		ob_jstr(f, expr, strlen(expr));
		ob_puts(f, ",\"type\":");
		ob_jstr(f, ev->type->name, strlen(ev->type->name));
		if (ev->imm)
			ob_puts(f, ",\"addr\":null");
		else
			ob_printf(f, ",\"addr\":\"%#llx\"",
				  (unsigned long long)ev->addr);
		ob_puts(f, ",\"value\":");
		json_value(f, v);
		ob_puts(f, "}\n");
	}
	ob_flush(f);
	free(f);
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
	struct gomem none = { .read = no_read };
	struct exprval ev;
	struct expr_overlay ov;
	struct govalue v;
	struct valstream *vs = NULL;
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
		/* A map is streamed: its entries are read again from the
		 * copy while they are formatted, one at a time.  Unless the
		 * copy could not hold all it read: then the whole tree, now. */
		expr_overlay_init(&ov, &pc.mem, &ev);
		partial = value_stream_open(ts, &ov.mem, &o->v, ev.type,
					    ev.addr, &v, &vs);
		if (vs && pc.direct) {
			value_stream_close(vs);
			value_free(&v);
			vs = NULL;
			partial = value_read(ts, &ov.mem, &o->v, ev.type,
					     ev.addr, &v);
		}
	}
	target_release(&c->gp->tgt);
	pc.frozen = 1;
	report_pause(c, &pc);
	if (rc < 0) {
		gotypes_set_mem(ts, NULL);
		cache_free(&pc);
		diag_error("print %s: %s", o->expr, diag_reason());
		return EXIT_USAGE;
	}
	output(c, o->expr, &ev, &v, vs, &ov.mem);
	value_stream_close(vs);
	gotypes_set_mem(ts, NULL);
	cache_free(&pc);
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
