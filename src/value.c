/*
 * value.c - Go values from target memory, bounded.
 *
 * Layouts used here (linux/amd64), checked against the runtime sources of
 * Go 1.19, 1.26 and 1.27:
 *   hmap (<= 1.23): count 0, flags 8, B 9, buckets 16, oldbuckets 24;
 *     bucket: tophash[8], keys, elems, overflow pointer last; a slot is
 *     live when its tophash >= 5 (minTopHash), a bucket is evacuated when
 *     tophash[0] is 2, 3 or 4; flags 4 = hashWriting, 8 = sameSizeGrow.
 *   maps.Map (1.24+): used 0, dirPtr 16, dirLen 24; dirLen 0 means dirPtr
 *     is a single group; table: groups.data 16, groups.lengthMask 24; a
 *     group starts with 8 control bytes, a slot is full when its control
 *     byte has the top bit clear (empty 0x80, deleted 0xfe).
 *   hchan: qcount 0, dataqsiz 8, buf 16, elemsize 24 (uint16), closed 28;
 *     recvx 48, recvq.first 56 / sendq.first 72 before 1.23, recvx 56,
 *     64 / 80 since (hchan.timer); sudog: g 0, next 8.
 *   eface: type, data; iface: itab (itab._type at 8), data.
 */
#define _GNU_SOURCE
#include "value.h"
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HARD_MAX_STRING (64ull << 20)   /* bytes of one string */
#define HARD_MAX_ELEMS (1ull << 24)     /* elements of one container */
#define HARD_MAX_NODES (1ull << 25)     /* nodes of one tree */
#define MAX_NESTING 48
#define MAX_BUCKET_LOG 40
#define MAX_CHAIN 100000                /* overflow buckets per chain */
#define MAX_DIR (1u << 20)
#define MAX_WAITERS 100000
#define MAP_PREALLOC (1ull << 20)       /* entries sized from a map's count */
#define MAP_FEW 1024                    /* entries before that */
#define PREFETCH_AHEAD 16               /* entries, reading a stream */

/*
 * The arena of one tree: kids arrays, bytes and strings are carved from
 * chunks that grow with the tree and are freed together, so a map of a
 * million strings is not two million malloc() and free() calls.
 */
#define ARENA_FIRST (16u << 10)
#define ARENA_MAX_CHUNK (64u << 20)

struct achunk {
	struct achunk *next;
	size_t size;
};

struct valarena {
	struct achunk *chunks;
	char *p;                /* free room in the newest chunk */
	size_t left;
	size_t next_size;
};

static struct achunk *chunk_new(size_t size)
{
	struct achunk *k = xmalloc(size);

	k->size = size;
	return k;
}

/* size bytes, 8-aligned, uninitialised. */
static void *arena_alloc(struct valarena *a, size_t size)
{
	size_t hdr = (sizeof(struct achunk) + 7) & ~(size_t)7;
	struct achunk *k;
	void *p;

	size = (size + 7) & ~(size_t)7;
	if (size > a->left) {
		size_t want = a->next_size;

		if (size + hdr > want)
			want = size + hdr;
		k = chunk_new(want);
		k->next = a->chunks;
		a->chunks = k;
		a->p = (char *)k + hdr;
		a->left = k->size - hdr;
		if (a->next_size < ARENA_MAX_CHUNK)
			a->next_size *= 2;
	}
	p = a->p;
	a->p += size;
	a->left -= size;
	return p;
}

/* Forget what was allocated; keep the newest (largest) chunk. */
static void arena_reset(struct valarena *a)
{
	size_t hdr = (sizeof(struct achunk) + 7) & ~(size_t)7;
	struct achunk *k, *next;

	if (!a->chunks)
		return;
	for (k = a->chunks->next; k; k = next) {
		next = k->next;
		free(k);
	}
	a->chunks->next = NULL;
	a->p = (char *)a->chunks + hdr;
	a->left = a->chunks->size - hdr;
}

static void arena_free(struct valarena *a)
{
	struct achunk *k, *next;

	if (!a)
		return;
	for (k = a->chunks; k; k = next) {
		next = k->next;
		free(k);
	}
	free(a);
}

/* n elements of size bytes (n is bounded by HARD_MAX_ELEMS). */
static void *arena_array(struct valarena *a, uint64_t n, size_t size)
{
	return arena_alloc(a, (size_t)(n ? n : 1) * size);
}

/* Make room for need elements in an array of *cap in the arena: at
 * least double it (the old copy stays in the arena: at most as much
 * again as the array). */
static void arena_grow(struct valarena *a, void **p, size_t *cap,
		       size_t need, size_t size)
{
	size_t n = *cap ? 2 * *cap : 8;
	void *q;

	if (need <= *cap)
		return;
	if (n < need)
		n = need;
	q = arena_array(a, n, size);
	if (*cap)
		memcpy(q, *p, *cap * size);
	*p = q;
	*cap = n;
}

static char *arena_strdup(struct valarena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

struct valstream;

struct vctx {
	struct valarena *arena;
	struct valstream *stream;       /* log the entries of the top map */
	struct gotypes *ts;
	const struct gomem *mem;
	struct valopts o;
	uint64_t nodes;
	uint64_t map_groups;            /* map buckets read (map_group) */
	uint64_t waiters;               /* channel waiters read (waitq) */
	int ptrdepth;
	int level;
	uint64_t path[MAX_NESTING + 2];     /* pointers being expanded */
	int npath;
	int partial;
};

static int rd(const struct gomem *m, uint64_t addr, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (addr + len < addr)
		return -1;
	return m->read(m->ctx, addr, buf, len);
}

static int rdu64(const struct gomem *m, uint64_t addr, uint64_t *v)
{
	return rd(m, addr, v, 8);
}

static void set_err(struct vctx *c, struct govalue *v, const char *fmt, ...)
	PRINTF(3, 4);
static void set_err(struct vctx *c, struct govalue *v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	v->err = arena_strdup(c->arena, s ? s : "error", s ? strlen(s) : 5);
	free(s);
	v->flags |= VF_ERROR;
	c->partial = 1;
}

static void unreadable(struct vctx *c, struct govalue *v, uint64_t addr,
		       uint64_t len)
{
	set_err(c, v, "cannot read %llu bytes at %#llx",
		(unsigned long long)len, (unsigned long long)addr);
}

static void read_value(struct vctx *c, const struct gotype *t, uint64_t addr,
		       struct govalue *v);

static uint64_t limit(uint64_t n, uint64_t lim, uint64_t hard)
{
	if (lim && n > lim)
		n = lim;
	return n > hard ? hard : n;
}

static int on_path(struct vctx *c, uint64_t p)
{
	for (int i = 0; i < c->npath; i++)
		if (c->path[i] == p)
			return 1;
	return 0;
}

/* Read a child with p on the path (for cycle detection). */
static void read_under(struct vctx *c, uint64_t p, const struct gotype *t,
		       uint64_t addr, struct govalue *v)
{
	c->path[c->npath++] = p;
	read_value(c, t, addr, v);
	c->npath--;
}

static void read_scalar(struct vctx *c, const struct gotype *t,
			uint64_t addr, struct govalue *v)
{
	uint8_t b[16] = { 0 };
	uint64_t size = t->size > 16 ? 16 : t->size;
	float f[2];

	if (rd(c->mem, addr, b, size) < 0) {
		unreadable(c, v, addr, size);
		return;
	}
	switch (t->kind) {
	case GK_INT8: v->n.i = (int8_t)b[0]; break;
	case GK_INT16: { int16_t x; memcpy(&x, b, 2); v->n.i = x; break; }
	case GK_INT32: { int32_t x; memcpy(&x, b, 4); v->n.i = x; break; }
	case GK_INT: case GK_INT64: memcpy(&v->n.i, b, 8); break;
	case GK_BOOL: case GK_UINT8: v->n.u = b[0]; break;
	case GK_UINT16: { uint16_t x; memcpy(&x, b, 2); v->n.u = x; break; }
	case GK_UINT32: { uint32_t x; memcpy(&x, b, 4); v->n.u = x; break; }
	case GK_FLOAT32: memcpy(f, b, 4); v->n.f = f[0]; break;
	case GK_COMPLEX64:
		memcpy(f, b, 8);
		v->n.f = f[0];
		v->imag = f[1];
		break;
	case GK_FLOAT64: memcpy(&v->n.f, b, 8); break;
	case GK_COMPLEX128:
		memcpy(&v->n.f, b, 8);
		memcpy(&v->imag, b + 8, 8);
		break;
	default: memcpy(&v->n.u, b, 8);
	}
}

static void read_bytes(struct vctx *c, uint64_t ptr, uint64_t len,
		       struct govalue *v)
{
	uint64_t n = limit(len, c->o.max_string, HARD_MAX_STRING);

	v->len = len;
	v->flags |= VF_BYTES;
	v->bytes = arena_alloc(c->arena, n + 1);
	if (rd(c->mem, ptr, v->bytes, n) < 0) {
		unreadable(c, v, ptr, n);
		n = 0;
	}
	v->bytes[n] = 0;
	v->nbytes = n;
	v->omitted = len - n;
}

static void read_string(struct vctx *c, uint64_t addr, struct govalue *v)
{
	uint64_t h[2];

	if (rd(c->mem, addr, h, 16) < 0)
		return unreadable(c, v, addr, 16);
	if (h[1] > (1ull << 40))
		return set_err(c, v, "string length %llu is not plausible",
			       (unsigned long long)h[1]);
	if (h[1] && !h[0])
		return set_err(c, v, "string of length %llu at nil",
			       (unsigned long long)h[1]);
	read_bytes(c, h[0], h[1], v);
}

static int is_byte(const struct gotype *t)
{
	return t && t->kind == GK_UINT8;
}

/*
 * n elements of t from a ring of ring slots at base, starting at slot
 * first (first < ring, n <= ring), at most what the limits allow.  An
 * array or slice is a ring that never wraps; a channel's buffer wraps.
 */
static void read_ring(struct vctx *c, const struct gotype *t, uint64_t base,
		      uint64_t first, uint64_t ring, uint64_t n,
		      struct govalue *v)
{
	uint64_t k = limit(n, c->o.max_elems, HARD_MAX_ELEMS);

	if (c->nodes + k > HARD_MAX_NODES) {
		k = c->nodes < HARD_MAX_NODES ? HARD_MAX_NODES - c->nodes : 0;
		c->partial = 1;
	}
	v->kids = arena_array(c->arena, k, sizeof(*v->kids));
	for (uint64_t i = 0; i < k; i++) {
		uint64_t slot = first + i < ring ? first + i : first + i - ring;

		read_value(c, t, base + slot * t->size, &v->kids[i]);
		v->nkids = i + 1;
	}
	v->omitted = n - k;
}

/* n elements of t at base, at most what the limits allow. */
static void read_elems(struct vctx *c, const struct gotype *t, uint64_t base,
		       uint64_t n, struct govalue *v)
{
	read_ring(c, t, base, 0, n, n, v);
}

static void read_array(struct vctx *c, const struct gotype *t,
		       uint64_t addr, struct govalue *v)
{
	v->len = v->cap = t->len;
	if (!t->elem)
		return set_err(c, v, "array type %s has no element type",
			       t->name);
	if (is_byte(t->elem))
		return read_bytes(c, addr, t->len, v);
	read_elems(c, t->elem, addr, t->len, v);
}

static void read_slice(struct vctx *c, const struct gotype *t,
		       uint64_t addr, struct govalue *v)
{
	uint64_t h[3];

	if (rd(c->mem, addr, h, 24) < 0)
		return unreadable(c, v, addr, 24);
	v->len = h[1];
	v->cap = h[2];
	if (!h[0] && !h[1] && !h[2]) {
		v->flags |= VF_NIL;
		return;
	}
	if (h[1] > h[2] || h[2] > (1ull << 48) ||
	    (t->elem->size && h[2] > (1ull << 48) / t->elem->size))
		return set_err(c, v, "slice len %llu cap %llu is not plausible",
			       (unsigned long long)h[1],
			       (unsigned long long)h[2]);
	if (h[1] && on_path(c, h[0])) {
		v->flags |= VF_CYCLE;
		return;
	}
	c->path[c->npath++] = h[0];
	if (is_byte(t->elem))
		read_bytes(c, h[0], h[1], v);
	else
		read_elems(c, t->elem, h[0], h[1], v);
	c->npath--;
}

static void read_struct(struct vctx *c, const struct gotype *t,
			uint64_t addr, struct govalue *v)
{
	v->kids = arena_array(c->arena, t->nfields, sizeof(*v->kids));
	v->nkids = t->nfields;
	for (size_t i = 0; i < t->nfields; i++)
		read_value(c, t->fields[i].type, addr + t->fields[i].off,
			   &v->kids[i]);
}

static void read_pointer(struct vctx *c, const struct gotype *t,
			 uint64_t addr, struct govalue *v)
{
	uint64_t p;

	if (rdu64(c->mem, addr, &p) < 0)
		return unreadable(c, v, addr, 8);
	v->n.u = p;
	if (!p) {
		v->flags |= VF_NIL;
		return;
	}
	if (t->kind != GK_POINTER || !t->elem)
		return;
	if (on_path(c, p)) {
		v->flags |= VF_CYCLE;
		return;
	}
	if (c->ptrdepth >= c->o.depth) {
		v->flags |= VF_DEPTH;
		return;
	}
	v->kids = arena_alloc(c->arena, sizeof(*v->kids));
	v->nkids = 1;
	c->ptrdepth++;
	read_under(c, p, t->elem, p, &v->kids[0]);
	c->ptrdepth--;
}

static void read_func(struct vctx *c, uint64_t addr, struct govalue *v)
{
	uint64_t fv, pc;
	const char *name;

	if (rdu64(c->mem, addr, &fv) < 0)
		return unreadable(c, v, addr, 8);
	v->n.u = fv;
	if (!fv) {
		v->flags |= VF_NIL;
		return;
	}
	if (rdu64(c->mem, fv, &pc) < 0)
		return unreadable(c, v, fv, 8);
	name = gotypes_func_name(c->ts, pc);
	v->str = arena_strdup(c->arena, name ? name : "?",
			      name ? strlen(name) : 1);
}

static void read_iface(struct vctx *c, const struct gotype *t,
		       uint64_t addr, struct govalue *v)
{
	uint64_t w[2], rt;
	struct gotype *dyn;

	if (rd(c->mem, addr, w, 16) < 0)
		return unreadable(c, v, addr, 16);
	if (!w[0]) {
		v->flags |= VF_NIL;
		return;
	}
	rt = w[0];
	if (t->nonempty_iface && rdu64(c->mem, w[0] + 8, &rt) < 0)
		return unreadable(c, v, w[0] + 8, 8);
	if (!(dyn = gotype_from_rt(c->ts, rt)))
		return set_err(c, v, "%s", diag_reason());
	v->str = arena_strdup(c->arena, dyn->name, strlen(dyn->name));
	v->kids = arena_alloc(c->arena, sizeof(*v->kids));
	v->nkids = 1;
	/* Pointer-shaped values live in the data word itself; others
	 * behind it, where garbage can point back into a value being read
	 * (no Go value holds itself but through a pointer). */
	if (dyn->direct_iface) {
		read_value(c, dyn, addr + 8, &v->kids[0]);
	} else if (w[1] && on_path(c, w[1])) {
		v->kids[0].type = dyn;
		v->kids[0].addr = w[1];
		set_err(c, &v->kids[0], "interface value at %#llx contains"
			" itself", (unsigned long long)w[1]);
	} else {
		read_under(c, w[1], dyn, w[1], &v->kids[0]);
	}
}

/* ---- maps ---- */

int value_map_len(struct gotypes *ts, const struct gomem *mem,
		  uint64_t hdr, uint64_t *len)
{
	(void)ts;
	return rdu64(mem, hdr, len);
}

struct mapwalk {
	struct gotypes *ts;
	const struct gomem *mem;
	struct gotype *t;
	int (*fn)(void *ctx, uint64_t k, uint64_t e);
	void *ctx;
	uint64_t seen;
	uint64_t *groups;       /* buckets or groups read so far */
	uint8_t *buf;
	void (*pre)(void *ctx, uint64_t k, uint64_t e);  /* or NULL */
};

/* Read the bucket or group at g into w->buf.  Bounds the whole walk, and
 * every walk of one value_read() (maps of maps): a garbage header (B = 40,
 * a huge directory) over readable zeros would otherwise have us read
 * empty buckets for hours; more groups than could hold HARD_MAX_ELEMS
 * entries are not read. */
static int map_group(struct mapwalk *w, uint64_t g)
{
	if (++*w->groups > HARD_MAX_ELEMS / 8) {
		diag_set("map has more than %llu buckets; not read",
			 HARD_MAX_ELEMS / 8);
		return -1;
	}
	if (rd(w->mem, g, w->buf, w->t->map.groupsize) < 0) {
		diag_set("cannot read map bucket at %#llx",
			 (unsigned long long)g);
		return -1;
	}
	return 0;
}

/* Slot i of the group or bucket at g (copied in w->buf): key and value
 * addresses, following indirect slots. */
static int map_slot(struct mapwalk *w, uint64_t g, unsigned i)
{
	const struct gomaplayout *m = &w->t->map;
	uint64_t k = g + m->keysoff + i * m->keystride;
	uint64_t e = g + m->elemsoff + i * m->elemstride;

	if (m->indirect_key && rdu64(w->mem, k, &k) < 0)
		return 0;       /* skip what cannot be read */
	if (m->indirect_elem && rdu64(w->mem, e, &e) < 0)
		return 0;
	if (++w->seen > HARD_MAX_ELEMS)
		return 1;
	return w->fn(w->ctx, k, e);
}

/* Tell w->pre where the slots of the group in w->buf are (direct ones),
 * before any is read: see prefetch_value(). */
static void group_pre(struct mapwalk *w, uint64_t g, int swiss)
{
	const struct gomaplayout *m = &w->t->map;

	if (!w->pre || m->indirect_key || m->indirect_elem)
		return;
	for (unsigned i = 0; i < 8; i++)
		if (swiss ? !(w->buf[i] & 0x80) : w->buf[i] >= 5)
			w->pre(w->ctx, g + m->keysoff + i * m->keystride,
			       g + m->elemsoff + i * m->elemstride);
}

/* A bucket chain of the old layout; old: skip it if evacuated. */
static int bucket_chain(struct mapwalk *w, uint64_t b, int old)
{
	uint64_t gs = w->t->map.groupsize, ov;
	int rc;

	for (int n = 0; b && n < MAX_CHAIN; n++) {
		if (map_group(w, b) < 0)
			return -1;
		if (old && n == 0 && w->buf[0] >= 2 && w->buf[0] <= 4)
			return 0;
		group_pre(w, b, 0);
		for (unsigned i = 0; i < 8; i++)
			if (w->buf[i] >= 5 && (rc = map_slot(w, b, i)))
				return rc;
		memcpy(&ov, w->buf + gs - 8, 8);
		b = ov;
	}
	return 0;
}

static int walk_buckets(struct mapwalk *w, uint64_t hdr, int *busy)
{
	uint8_t h[48];
	uint64_t buckets, old, nb, gs = w->t->map.groupsize;
	unsigned B;
	int rc;

	if (rd(w->mem, hdr, h, 48) < 0) {
		diag_set("cannot read map header at %#llx",
			 (unsigned long long)hdr);
		return -1;
	}
	B = h[9];
	memcpy(&buckets, h + 16, 8);
	memcpy(&old, h + 24, 8);
	*busy = !!(h[8] & 4);
	if (B > MAX_BUCKET_LOG || gs < 16 || gs > (1u << 16)) {
		diag_set("map header at %#llx is not plausible (B=%u)",
			 (unsigned long long)hdr, B);
		return -1;
	}
	nb = 1ull << B;
	for (uint64_t i = 0; buckets && i < nb; i++)
		if ((rc = bucket_chain(w, buckets + i * gs, 0)))
			return rc;
	if (old) {
		uint64_t onb = (h[8] & 8) ? nb : nb / 2;

		for (uint64_t i = 0; i < onb; i++)
			if ((rc = bucket_chain(w, old + i * gs, 1)))
				return rc;
	}
	return 0;
}

static int swiss_group(struct mapwalk *w, uint64_t g)
{
	int rc;

	if (map_group(w, g) < 0)
		return -1;
	group_pre(w, g, 1);
	for (unsigned i = 0; i < 8; i++)
		if (!(w->buf[i] & 0x80) && (rc = map_slot(w, g, i)))
			return rc;
	return 0;
}

static int swiss_table(struct mapwalk *w, uint64_t tab)
{
	uint64_t h[4], n;
	int rc;

	if (rd(w->mem, tab, h, 32) < 0) {
		diag_set("cannot read map table at %#llx",
			 (unsigned long long)tab);
		return -1;
	}
	n = h[3] + 1;
	if (!h[2] || !n || (n & (n - 1)) || n > HARD_MAX_ELEMS / 8) {
		diag_set("map table at %#llx is not plausible",
			 (unsigned long long)tab);
		return -1;
	}
	for (uint64_t i = 0; i < n; i++)
		if ((rc = swiss_group(w, h[2] + i * w->t->map.groupsize)))
			return rc;
	return 0;
}

static int walk_swiss(struct mapwalk *w, uint64_t hdr, int *busy)
{
	uint64_t h[4], *dir, prev = 0;
	int rc = 0;

	if (rd(w->mem, hdr, h, 32) < 0) {
		diag_set("cannot read map header at %#llx",
			 (unsigned long long)hdr);
		return -1;
	}
	*busy = 0;
	if (h[3] == 0)
		return h[2] ? swiss_group(w, h[2]) : 0;
	if (h[3] > MAX_DIR || w->t->map.groupsize > (1u << 16)) {
		diag_set("map directory at %#llx is not plausible",
			 (unsigned long long)hdr);
		return -1;
	}
	dir = xmalloc(h[3] * 8);
	if (rd(w->mem, h[2], dir, h[3] * 8) < 0) {
		diag_set("cannot read map directory at %#llx",
			 (unsigned long long)h[2]);
		free(dir);
		return -1;
	}
	/* A table of local depth d < global depth appears 2^(g-d) times in
	 * a row. */
	for (uint64_t i = 0; i < h[3] && !rc; i++) {
		if (dir[i] == prev)
			continue;
		prev = dir[i];
		rc = swiss_table(w, dir[i]);
	}
	free(dir);
	return rc;
}

static int map_each(struct gotypes *ts, const struct gomem *mem,
		    struct gotype *t, uint64_t hdr,
		    int (*fn)(void *ctx, uint64_t k, uint64_t e), void *ctx,
		    int *busy, uint64_t *groups,
		    void (*pre)(void *ctx, uint64_t k, uint64_t e))
{
	struct mapwalk w = { ts, mem, t, fn, ctx, 0, groups, NULL, pre };
	int rc;

	*busy = 0;
	if (gotype_map_layout(ts, t) < 0)
		return -1;
	if (!hdr)
		return 0;
	if (t->map.groupsize > (1u << 16)) {
		diag_set("map type %s: group of %llu bytes", t->name,
			 (unsigned long long)t->map.groupsize);
		return -1;
	}
	w.buf = xmalloc(t->map.groupsize + 8);
	rc = t->map.swiss ? walk_swiss(&w, hdr, busy)
			  : walk_buckets(&w, hdr, busy);
	free(w.buf);
	return rc;
}

int value_map_each(struct gotypes *ts, const struct gomem *mem,
		   struct gotype *t, uint64_t hdr,
		   int (*fn)(void *ctx, uint64_t k, uint64_t e), void *ctx,
		   int *busy)
{
	uint64_t groups = 0;

	return map_each(ts, mem, t, hdr, fn, ctx, busy, &groups, NULL);
}

struct mapread {
	struct vctx *c;
	const struct gotype *t;
	struct govalue *v;
	size_t cap;
	size_t hint;            /* kids for the entries the header counts */
	uint64_t max;
};

/*
 * Ask the reader to bring the bytes of the strings of a value at addr (at
 * the top or in the fields of a struct) into the CPU's cache: the strings
 * of a big map are scattered, and waiting for each one in turn is most of
 * the time it takes to read them.
 */
static void prefetch_value(const struct gomem *m, const struct gotype *t,
			   uint64_t addr, int depth)
{
	uint64_t h[2];

	if (t->kind == GK_STRING) {
		if (rd(m, addr, h, 16) == 0 && h[0] && h[1])
			m->prefetch(m->ctx, h[0]);
	} else if (t->kind == GK_STRUCT && depth == 0) {
		for (size_t i = 0; i < t->nfields; i++)
			prefetch_value(m, t->fields[i].type,
				       addr + t->fields[i].off, 1);
	}
}

static void prefetch_entry(void *ctx, uint64_t k, uint64_t e)
{
	struct mapread *r = ctx;

	prefetch_value(r->c->mem, r->t->key, k, 0);
	prefetch_value(r->c->mem, r->t->elem, e, 0);
}

/* ---- streamed maps ---- */

/*
 * A map at the top of a value can be printed without holding all of it:
 * while the target is stopped its entries are read as usual (that copies
 * every page they touch) but each is dropped once read, and only where it
 * was and the budgets at that point are kept.  Afterwards each entry is
 * read again, from the copy, with the same budgets and cycle path, so it
 * comes out as it would have in the whole tree.
 */
struct entlog {
	uint64_t k, e;                  /* key and value addresses */
	uint64_t nodes;                 /* the vctx counters then */
	uint32_t groups, waiters;       /* (bounded: see map_group, waitq) */
};

struct valstream {
	struct vctx c;                  /* the read, as it stood at the top */
	const struct gotype *t;         /* the map type */
	uint64_t hdr;
	struct entlog *ents;
	size_t n, cap;
	struct valarena scratch;        /* one entry at a time */
};

/*
 * A limit is reached after shown entries: stop the walk (1) and count the
 * rest from the map's header, as len() does, so that --max-elems 1 on a
 * map of millions reads one group, not the whole map.  A header count
 * below what was seen (a map being written) still says more follow.
 */
static int map_full(struct mapread *r, uint64_t shown)
{
	r->v->omitted = r->v->len > shown ? r->v->len - shown : 1;
	return 1;
}

static int log_entry(void *ctx, uint64_t k, uint64_t e)
{
	struct mapread *r = ctx;
	struct vctx *c = r->c;
	struct valstream *s = c->stream;
	struct valarena *arena = c->arena;
	struct govalue kv, ev;
	struct entlog *l;

	if (s->n >= r->max || c->nodes >= HARD_MAX_NODES)
		return map_full(r, s->n);
	xgrow((void **)&s->ents, &s->cap, s->n + 1, sizeof(*s->ents));
	l = &s->ents[s->n++];
	*l = (struct entlog){ k, e, c->nodes, (uint32_t)c->map_groups,
			      (uint32_t)c->waiters };
	c->arena = &s->scratch;
	read_value(c, r->t->key, k, &kv);
	read_value(c, r->t->elem, e, &ev);
	arena_reset(&s->scratch);
	c->arena = arena;
	return 0;
}

static int collect_entry(void *ctx, uint64_t k, uint64_t e)
{
	struct mapread *r = ctx;
	struct govalue *v = r->v;

	if (v->nkids / 2 >= r->max || r->c->nodes >= HARD_MAX_NODES)
		return map_full(r, v->nkids / 2);
	/* Past the first MAP_FEW entries, room for all that the header
	 * counts: a big map is then not copied as it grows (each copy stays
	 * in the arena), and a count that is garbage costs nothing as long
	 * as few entries come. */
	if (v->nkids + 2 > r->cap)
		arena_grow(r->c->arena, (void **)&v->kids, &r->cap,
			   r->cap >= 2 * MAP_FEW && r->hint > v->nkids + 2 ?
			   r->hint : v->nkids + 2, sizeof(*v->kids));
	read_value(r->c, r->t->key, k, &v->kids[v->nkids]);
	read_value(r->c, r->t->elem, e, &v->kids[v->nkids + 1]);
	v->nkids += 2;
	return 0;
}

static void read_map(struct vctx *c, const struct gotype *t, uint64_t addr,
		     struct govalue *v)
{
	struct mapread r = { c, t, v, 0, 0, 0 };
	uint64_t hdr;
	int busy;

	if (rdu64(c->mem, addr, &hdr) < 0)
		return unreadable(c, v, addr, 8);
	v->n.u = hdr;
	if (!hdr) {
		v->flags |= VF_NIL;
		return;
	}
	if (on_path(c, hdr)) {
		v->flags |= VF_CYCLE;
		return;
	}
	if (rdu64(c->mem, hdr, &v->len) < 0)
		return unreadable(c, v, hdr, 8);
	r.max = limit(HARD_MAX_ELEMS, c->o.max_elems, HARD_MAX_ELEMS);
	r.hint = 2 * limit(v->len, r.max, MAP_PREALLOC);
	c->path[c->npath++] = hdr;
	if (c->stream && c->level == 1) {       /* the value's top */
		c->stream->t = t;
		c->stream->hdr = hdr;
	}
	if (map_each(c->ts, c->mem, (struct gotype *)t, hdr,
		     c->stream && c->level == 1 ? log_entry : collect_entry,
		     &r, &busy, &c->map_groups,
		     c->mem->prefetch ? prefetch_entry : NULL) < 0)
		set_err(c, v, "%s", diag_reason());
	c->npath--;
	if (busy)
		v->flags |= VF_WRITING;
}

/* ---- channels ---- */

static void waitq(struct vctx *c, uint64_t first, struct govalue *v,
		  uint32_t *count, size_t *wcap)
{
	struct chanwait *w = v->wait;
	uint64_t s = first;

	/* Bounded over the whole value: a slice of channels whose queues
	 * are garbage cycles must not cost MAX_WAITERS reads each. */
	for (; s && c->waiters < MAX_WAITERS; c->waiters++) {
		uint64_t g;
		int64_t id;

		if (rdu64(c->mem, s, &g) < 0 ||
		    gotypes_goid(c->ts, c->mem, g, &id) < 0)
			return unreadable(c, v, s, 16);
		arena_grow(c->arena, (void **)&w->ids, wcap,
			   (size_t)w->nrecv + w->nsend + 1, sizeof(*w->ids));
		w->ids[w->nrecv + w->nsend] = id;
		(*count)++;
		if (rdu64(c->mem, s + 8, &s) < 0)
			return unreadable(c, v, s + 8, 8);
	}
}

/*
 * The buffered elements of a channel, oldest first: qcount of them in the
 * ring buf[dataqsiz], from index recvx on.  Checked against the type:
 * hchan.elemsize must be the element type's size.
 */
static void read_chan_elems(struct vctx *c, const struct gotype *t,
			    const uint64_t *h, uint64_t recvx,
			    struct govalue *v)
{
	const struct gotype *e = t->elem;
	uint64_t qcount = h[0], size = h[1], buf = h[2];

	if (!qcount)
		return;
	if (!e || (h[3] & 0xffff) != e->size || qcount > size ||
	    recvx >= size || (e->size && size > (1ull << 48) / e->size))
		return set_err(c, v, "channel buffer (len %llu cap %llu, element"
			       " size %llu) does not fit its type",
			       (unsigned long long)qcount,
			       (unsigned long long)size,
			       (unsigned long long)(h[3] & 0xffff));
	read_ring(c, e, buf, recvx, size, qcount, v);
}

static void read_chan(struct vctx *c, const struct gotype *t, uint64_t addr,
		      struct govalue *v)
{
	uint64_t hdr, h[11];
	size_t wcap = 0;
	int new = gotypes_at_least(c->ts, 23);

	if (rdu64(c->mem, addr, &hdr) < 0)
		return unreadable(c, v, addr, 8);
	v->n.u = hdr;
	if (!hdr) {
		v->flags |= VF_NIL;
		return;
	}
	if (rd(c->mem, hdr, h, sizeof(h)) < 0)
		return unreadable(c, v, hdr, sizeof(h));
	v->len = h[0];
	v->closed = (uint32_t)(h[3] >> 32) != 0;
	v->cap = h[1];
	v->wait = arena_array(c->arena, 1, sizeof(*v->wait));
	memset(v->wait, 0, sizeof(*v->wait));
	waitq(c, new ? h[8] : h[7], v, &v->wait->nrecv, &wcap);
	/* An error replaces v->wait by its message. */
	if (!(v->flags & VF_ERROR))
		waitq(c, new ? h[10] : h[9], v, &v->wait->nsend, &wcap);
	if (!(v->flags & VF_ERROR))
		read_chan_elems(c, t, h, new ? h[7] : h[6], v);
}

/* ---- dispatch ---- */

static void read_value(struct vctx *c, const struct gotype *t, uint64_t addr,
		       struct govalue *v)
{
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->addr = addr;
	if (++c->nodes > HARD_MAX_NODES)
		return set_err(c, v, "too many values (over %llu)",
			       (unsigned long long)HARD_MAX_NODES);
	if (c->level >= MAX_NESTING || c->npath >= MAX_NESTING)
		return set_err(c, v, "nested more than %d levels", MAX_NESTING);
	c->level++;
	switch (t->kind) {
	case GK_STRING: read_string(c, addr, v); break;
	case GK_ARRAY: read_array(c, t, addr, v); break;
	case GK_SLICE: read_slice(c, t, addr, v); break;
	case GK_STRUCT: read_struct(c, t, addr, v); break;
	case GK_POINTER: case GK_UNSAFEPTR: read_pointer(c, t, addr, v); break;
	case GK_FUNC: read_func(c, addr, v); break;
	case GK_INTERFACE: read_iface(c, t, addr, v); break;
	case GK_MAP: read_map(c, t, addr, v); break;
	case GK_CHAN: read_chan(c, t, addr, v); break;
	case GK_INVALID:
		set_err(c, v, "type %s could not be decoded", t->name);
		break;
	default: read_scalar(c, t, addr, v);
	}
	c->level--;
}

int value_read(struct gotypes *ts, const struct gomem *mem,
	       const struct valopts *o, const struct gotype *t,
	       uint64_t addr, struct govalue *v)
{
	struct vctx c;

	memset(&c, 0, sizeof(c));
	c.arena = xcalloc(1, sizeof(*c.arena));
	c.arena->next_size = ARENA_FIRST;
	c.ts = ts;
	c.mem = mem;
	c.o = *o;
	read_value(&c, t, addr, v);
	v->arena = c.arena;
	return c.partial;
}

int value_stream_open(struct gotypes *ts, const struct gomem *mem,
		      const struct valopts *o, const struct gotype *t,
		      uint64_t addr, struct govalue *v, struct valstream **sp)
{
	struct valstream *s;
	struct vctx *c;

	*sp = NULL;
	if (t->kind != GK_MAP)
		return value_read(ts, mem, o, t, addr, v);
	s = xcalloc(1, sizeof(*s));
	s->scratch.next_size = ARENA_FIRST;
	c = &s->c;
	c->arena = xcalloc(1, sizeof(*c->arena));
	c->arena->next_size = ARENA_FIRST;
	c->stream = s;
	c->ts = ts;
	c->mem = mem;
	c->o = *o;
	read_value(c, t, addr, v);
	v->arena = c->arena;
	c->arena = NULL;
	c->stream = NULL;
	*sp = s;
	return c->partial;
}

uint64_t value_stream_len(const struct valstream *s)
{
	return s ? s->n : 0;
}

int value_stream_entry(struct valstream *s, const struct gomem *mem,
		       uint64_t i, struct govalue *key, struct govalue *val)
{
	struct vctx c = s->c;
	const struct entlog *l;

	memset(key, 0, sizeof(*key));
	memset(val, 0, sizeof(*val));
	if (i >= s->n || !s->t)
		return -1;
	l = &s->ents[i];
	arena_reset(&s->scratch);
	c.arena = &s->scratch;
	c.mem = mem;
	c.nodes = l->nodes;
	c.map_groups = l->groups;
	c.waiters = l->waiters;
	c.ptrdepth = 0;
	c.level = 1;            /* inside the map, as in read_map */
	c.path[0] = s->hdr;
	c.npath = 1;
	c.partial = 0;
	if (mem->prefetch && i + PREFETCH_AHEAD < s->n) {
		const struct entlog *a = &s->ents[i + PREFETCH_AHEAD];

		prefetch_value(mem, s->t->key, a->k, 0);
		prefetch_value(mem, s->t->elem, a->e, 0);
	}
	read_value(&c, s->t->key, l->k, key);
	read_value(&c, s->t->elem, l->e, val);
	return c.partial;
}

void value_stream_close(struct valstream *s)
{
	struct achunk *k, *next;

	if (!s)
		return;
	for (k = s->scratch.chunks; k; k = next) {
		next = k->next;
		free(k);
	}
	free(s->ents);
	free(s);
}

void value_free(struct govalue *v)
{
	arena_free(v->arena);
	memset(v, 0, sizeof(*v));
}
