/*
 * gotype.c - Go types from DWARF, from the runtime's type descriptors, and
 * built from parts; the Go type-expression parser.
 *
 * The runtime descriptor (internal/abi.Type, runtime._type before 1.21) is
 * the same 48 bytes from Go 1.19 to 1.27 on amd64:
 *     0 Size_  8 PtrBytes  16 Hash  20 TFlag  21 Align_  22 FieldAlign_
 *     23 Kind_  24 Equal  32 GCData  40 Str (nameOff)  44 PtrToThis
 * followed by the kind's own fields (checked against runtime/type.go of
 * 1.19 and internal/abi/type.go, map.go of 1.26 and 1.27).  Names are
 * abi.Name: a flag byte (1<<3 = embedded field), a varint length, bytes.
 */
#define _GNU_SOURCE
#include "gotype.h"
#include "le.h"
#include "diag.h"
#include "goproc.h"

#include <ctype.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 65536
#define MAX_NAME 4096
#define MAX_TYPES (1u << 20)
#define MAX_TYPES_REGION (256u << 20)
#define MAX_PARSE_DEPTH 64

enum {
	TFLAG_UNCOMMON = 1, TFLAG_EXTRASTAR = 2, TFLAG_NAMED = 4,
	TFLAG_DIRECTIFACE = 32,
};
enum { KIND_DIRECTIFACE = 32, KIND_MASK = 31 };

/* Go's DWARF extensions (cmd/internal/dwarf). */
enum {
	DW_AT_go_kind = 0x2900, DW_AT_go_key = 0x2901,
	DW_AT_go_elem = 0x2902, DW_AT_go_embedded_field = 0x2903,
	DW_AT_go_runtime_type = 0x2904,
};

/* ---- small hash map: string or u64 key to pointer ---- */

struct hent {
	uint64_t k;
	const char *s;
	void *v;
	struct hent *next;
};

struct hmap {
	struct hent **b;
	size_t nb, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

static void hmap_grow(struct hmap *m)
{
	size_t nb = m->nb ? m->nb * 2 : 1024;
	struct hent **b = xcalloc(nb, sizeof(*b));

	for (size_t i = 0; i < m->nb; i++) {
		struct hent *e = m->b[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->k & (nb - 1)];
			b[e->k & (nb - 1)] = e;
		}
	}
	free(m->b);
	m->b = b;
	m->nb = nb;
}

/* s may be NULL (then k alone is the key); s must outlive the map. */
static void hmap_put(struct hmap *m, uint64_t k, const char *s, void *v)
{
	struct hent *e = xmalloc(sizeof(*e));

	if (s)
		k = hash_str(s);
	if (m->n >= m->nb)
		hmap_grow(m);
	e->k = k;
	e->s = s;
	e->v = v;
	e->next = m->b[k & (m->nb - 1)];
	m->b[k & (m->nb - 1)] = e;
	m->n++;
}

static void *hmap_get(const struct hmap *m, uint64_t k, const char *s)
{
	if (!m->nb)
		return NULL;
	if (s)
		k = hash_str(s);
	for (struct hent *e = m->b[k & (m->nb - 1)]; e; e = e->next)
		if (e->k == k && (!s || !strcmp(e->s, s)))
			return e->v;
	return NULL;
}

static void hmap_free(struct hmap *m)
{
	for (size_t i = 0; i < m->nb; i++) {
		struct hent *e = m->b[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(m->b);
	memset(m, 0, sizeof(*m));
}

/* ---- the type table ---- */

struct gotypes {
	struct goproc *gp;
	const struct gomem *mem;
	struct gotype **all;            /* every type made, owned */
	size_t n, cap;
	struct hmap by_rt;              /* descriptor address -> type */
	struct hmap by_die;             /* DWARF DIE offset -> type */
	struct hmap by_name;            /* name -> type (resolved) */
	/* DWARF index, built on first need */
	int dwarf_indexed;
	struct hmap die_by_name;        /* type name -> (DIE offset + 1) */
	char **dnames;                  /* type names, for `types` */
	size_t ndnames, capdnames;
	struct govar *vars;
	size_t nvars, capvars;
	int vars_indexed;
	/* runtime types, enumerated on first need */
	int rt_loaded;
	struct hmap rt_by_name;         /* full and short names -> type */
	uint8_t *region;                /* copy of [types, etypes) */
	uint64_t region_lo, region_len;
	int split_group;                /* GOEXPERIMENT=mapsplitgroup */
	/* descriptors being decoded by gotype_from_rt, outermost first */
	struct gotype **decoding;
	size_t ndecoding, capdecoding;
};

int gotypes_at_least(const struct gotypes *ts, int minor)
{
	const struct go_version *v = &ts->gp->ver;

	return v->major > 1 || (v->major == 1 && v->minor >= minor);
}

static struct gotype *new_type(struct gotypes *ts, int kind, const char *name)
{
	struct gotype *t = xcalloc(1, sizeof(*t));

	t->kind = (uint8_t)kind;
	t->name = xstrdup(name ? name : "?");
	t->align = 1;
	xgrow((void **)&ts->all, &ts->cap, ts->n + 1, sizeof(*ts->all));
	ts->all[ts->n++] = t;
	return t;
}

static char *xasprintf(const char *fmt, ...) PRINTF(1, 2);
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		fprintf(stderr, "goinspect: out of memory\n");
		exit(EXIT_ATTACH);
	}
	return s;
}

struct gotypes *gotypes_new(struct goproc *gp)
{
	struct gotypes *ts = xcalloc(1, sizeof(*ts));
	char exp[256];

	ts->gp = gp;
	if (buildinfo_setting(&gp->img.bi, "GOEXPERIMENT", exp,
			      sizeof(exp)) == 0) {
		char *p = strstr(exp, "mapsplitgroup");

		ts->split_group = p && (p == exp || p[-1] == ',');
	}
	return ts;
}

void gotypes_free(struct gotypes *ts)
{
	if (!ts)
		return;
	for (size_t i = 0; i < ts->n; i++) {
		struct gotype *t = ts->all[i];

		for (size_t f = 0; f < t->nfields; f++)
			free(t->fields[f].name);
		free(t->fields);
		free(t->name);
		free(t);
	}
	free(ts->all);
	hmap_free(&ts->by_rt);
	hmap_free(&ts->by_die);
	hmap_free(&ts->by_name);
	hmap_free(&ts->die_by_name);
	hmap_free(&ts->rt_by_name);
	for (size_t i = 0; i < ts->ndnames; i++)
		free(ts->dnames[i]);
	free(ts->dnames);
	for (size_t i = 0; i < ts->nvars; i++)
		free((char *)ts->vars[i].name);
	free(ts->vars);
	free(ts->region);
	free(ts->decoding);
	free(ts);
}

void gotypes_set_mem(struct gotypes *ts, const struct gomem *mem)
{
	ts->mem = mem;
}

const char *gotype_kind_name(int kind)
{
	static const char *const names[GK_NKINDS] = {
		"invalid", "bool", "int", "int8", "int16", "int32", "int64",
		"uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
		"float32", "float64", "complex64", "complex128", "array",
		"chan", "func", "interface", "map", "ptr", "slice", "string",
		"struct", "unsafe.Pointer",
	};

	return kind >= 0 && kind < GK_NKINDS ? names[kind] : "invalid";
}

/* ---- reading descriptors ---- */

static int rt_read(struct gotypes *ts, uint64_t addr, void *buf, size_t len)
{
	if (ts->region && addr >= ts->region_lo &&
	    addr - ts->region_lo <= ts->region_len &&
	    len <= ts->region_len - (addr - ts->region_lo)) {
		memcpy(buf, ts->region + (addr - ts->region_lo), len);
		return 0;
	}
	if (ts->mem)
		return ts->mem->read(ts->mem->ctx, addr, buf, len);
	return target_read(&ts->gp->tgt, addr, buf, len);
}

/* Copy the module's type descriptors once: they never change, and a
 * stripped binary's whole type graph is read from them. */
static void load_region(struct gotypes *ts)
{
	uint64_t lo = ts->gp->types, hi = ts->gp->etypes;

	if (ts->region || !lo || hi <= lo || hi - lo > MAX_TYPES_REGION)
		return;
	ts->region = xmalloc(hi - lo);
	if (target_read(&ts->gp->tgt, lo, ts->region, hi - lo) < 0) {
		free(ts->region);
		ts->region = NULL;
		return;
	}
	ts->region_lo = lo;
	ts->region_len = hi - lo;
}

/* An abi.Name at addr: its bytes into buf (NUL-terminated), flags. */
static int read_name(struct gotypes *ts, uint64_t addr, char *buf,
		     size_t len, uint8_t *flags)
{
	uint8_t hdr[11];
	uint64_t n = 0;
	int shift = 0, i = 1;

	if (!addr || rt_read(ts, addr, hdr, 1) < 0)
		return -1;
	if (flags)
		*flags = hdr[0];
	for (;; i++) {
		if (i > 10 || rt_read(ts, addr + i, hdr + i, 1) < 0)
			return -1;
		n |= (uint64_t)(hdr[i] & 0x7f) << shift;
		shift += 7;
		if (!(hdr[i] & 0x80))
			break;
	}
	if (n >= len || rt_read(ts, addr + i + 1, buf, n) < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* Size of the kind-specific descriptor, where uncommontype follows. */
static uint64_t desc_size(struct gotypes *ts, int kind)
{
	switch (kind) {
	case GK_ARRAY: return 72;
	case GK_CHAN: return 64;
	case GK_FUNC: return 56;
	case GK_INTERFACE: return 80;
	case GK_MAP:
		if (!ts->gp->L->swiss_maps)
			return 88;
		return gotypes_at_least(ts, 27) ? 136 : 112;
	case GK_POINTER: case GK_SLICE: return 56;
	case GK_STRUCT: return 80;
	default: return 48;
	}
}

/* "main.Config" with its package path: "example.com/x/main.Config". */
static char *full_name(struct gotypes *ts, uint64_t addr, int kind,
		       uint8_t tflag, const char *str)
{
	uint8_t u[4];
	char pkg[MAX_NAME];
	const char *dot = strchr(str, '.'), *br = strchr(str, '[');

	if (!(tflag & TFLAG_NAMED) || !(tflag & TFLAG_UNCOMMON) || !dot ||
	    (br && br < dot))
		return xstrdup(str);
	if (rt_read(ts, addr + desc_size(ts, kind), u, 4) < 0 ||
	    read_name(ts, ts->gp->types + rd32(u), pkg, sizeof(pkg),
		      NULL) < 0 || !pkg[0])
		return xstrdup(str);
	return xasprintf("%s%s", pkg, dot);
}

static void set_align(struct gotype *t);

static int rt_struct_fields(struct gotypes *ts, struct gotype *t,
			    const uint8_t *d)
{
	uint64_t fp = rd64(d + 56), n = rd64(d + 64);

	if (n > MAX_FIELDS) {
		diag_set("type %s: %llu fields", t->name, (unsigned long long)n);
		return -1;
	}
	t->fields = xcalloc(n ? n : 1, sizeof(*t->fields));
	for (uint64_t i = 0; i < n; i++) {
		uint8_t f[24], flags = 0;
		char name[MAX_NAME];

		if (rt_read(ts, fp + i * 24, f, 24) < 0 ||
		    read_name(ts, rd64(f), name, sizeof(name), &flags) < 0) {
			diag_set("type %s: cannot read field %llu", t->name,
				 (unsigned long long)i);
			return -1;
		}
		t->fields[i].name = xstrdup(name);
		t->fields[i].off = rd64(f + 16);
		t->fields[i].embedded = !!(flags & 8);
		t->nfields = i + 1;
		t->fields[i].type = gotype_from_rt(ts, rd64(f + 8));
		if (!t->fields[i].type)
			return -1;
	}
	return 0;
}

static void rt_map_layout(struct gotypes *ts, struct gotype *t,
			  const uint8_t *d)
{
	struct gomaplayout *m = &t->map;
	uint32_t flags;

	if (!ts->gp->L->swiss_maps) {
		m->groupsize = (uint16_t)(d[82] | d[83] << 8);
		m->keysoff = 8;
		m->keystride = d[80];
		m->elemsoff = 8 + 8 * (uint64_t)d[80];
		m->elemstride = d[81];
		flags = rd32(d + 84);
	} else if (!gotypes_at_least(ts, 27)) {
		m->swiss = 1;
		m->groupsize = rd64(d + 80);
		m->keysoff = 8;
		m->keystride = m->elemstride = rd64(d + 88);
		m->elemsoff = 8 + rd64(d + 96);
		flags = rd32(d + 104);
	} else {
		m->swiss = 1;
		m->groupsize = rd64(d + 80);
		m->keysoff = rd64(d + 88);
		m->keystride = rd64(d + 96);
		m->elemsoff = rd64(d + 104);
		m->elemstride = rd64(d + 112);
		flags = rd32(d + 128);
	}
	/* Old maptype: 1 indirect key, 2 indirect elem; swiss MapType:
	 * 1 needkeyupdate, 2 hashmightpanic, 4 indirect key, 8 elem. */
	if (m->swiss)
		flags >>= 2;
	m->indirect_key = !!(flags & 1);
	m->indirect_elem = !!(flags & 2);
	t->map_have = 1;
}

/* Fill in t from its descriptor d; children are decoded recursively. */
static int rt_decode(struct gotypes *ts, struct gotype *t, const uint8_t *d)
{
	switch (t->kind) {
	case GK_ARRAY:
		t->len = rd64(d + 64);
		/* fall through */
	case GK_CHAN: case GK_POINTER: case GK_SLICE:
		if (t->kind == GK_POINTER && !rd64(d + 48))
			break;
		t->elem = gotype_from_rt(ts, rd64(d + 48));
		return t->elem ? 0 : -1;
	case GK_MAP:
		t->key = gotype_from_rt(ts, rd64(d + 48));
		t->elem = gotype_from_rt(ts, rd64(d + 56));
		if (!t->key || !t->elem)
			return -1;
		rt_map_layout(ts, t, d);
		return 0;
	case GK_INTERFACE:
		t->nonempty_iface = rd64(d + 64) != 0;
		return 0;
	case GK_STRUCT:
		return rt_struct_fields(ts, t, d);
	}
	return 0;
}

/*
 * Is t, met again while decoding, an array or struct that holds itself by
 * value (every type between here and t on the decoding stack an array or
 * struct)?  No Go type does: such descriptors are garbage, and a value of
 * the type would nest without end.
 */
static int rt_value_cycle(const struct gotypes *ts, const struct gotype *t)
{
	for (size_t i = ts->ndecoding; i-- > 0;) {
		int k = ts->decoding[i]->kind;

		if (k != GK_ARRAY && k != GK_STRUCT)
			return 0;
		if (ts->decoding[i] == t)
			return 1;
	}
	return 0;
}

struct gotype *gotype_from_rt(struct gotypes *ts, uint64_t addr)
{
	uint8_t d[136];
	char str[MAX_NAME];
	struct gotype *t;
	int kind, rc;

	if ((t = hmap_get(&ts->by_rt, addr, NULL))) {
		if (rt_value_cycle(ts, t)) {
			diag_set("type %s at %#llx contains itself", t->name,
				 (unsigned long long)addr);
			return NULL;
		}
		return t;
	}
	if (!addr || ts->n >= MAX_TYPES || rt_read(ts, addr, d, 48) < 0) {
		diag_set("no type descriptor at %#llx", (unsigned long long)addr);
		return NULL;
	}
	kind = d[23] & KIND_MASK;
	if (kind == GK_INVALID || d[21] == 0 || (d[21] & (d[21] - 1)) ||
	    d[21] > 64 || rd64(d) > (1ull << 48) ||
	    rt_read(ts, addr, d, desc_size(ts, kind)) < 0 ||
	    read_name(ts, ts->gp->types + rd32(d + 40), str, sizeof(str),
		      NULL) < 0) {
		diag_set("bad type descriptor at %#llx", (unsigned long long)addr);
		return NULL;
	}
	t = new_type(ts, kind, NULL);
	free(t->name);
	t->name = full_name(ts, addr, kind, d[20],
			    str + ((d[20] & TFLAG_EXTRASTAR) && str[0] == '*'));
	t->size = rd64(d);
	t->align = d[21];
	t->rt = addr;
	t->named = !!(d[20] & TFLAG_NAMED);
	if (ts->gp->L->kind_direct_iface_in_tflag)
		t->direct_iface = !!(d[20] & TFLAG_DIRECTIFACE);
	else
		t->direct_iface = !!(d[23] & KIND_DIRECTIFACE);
	hmap_put(&ts->by_rt, addr, NULL, t);
	xgrow((void **)&ts->decoding, &ts->capdecoding, ts->ndecoding + 1,
	      sizeof(*ts->decoding));
	ts->decoding[ts->ndecoding++] = t;
	rc = rt_decode(ts, t, d);
	ts->ndecoding--;
	if (rc < 0) {
		/* Keep the type (it is registered) but make it opaque. */
		t->kind = GK_INVALID;
		return NULL;
	}
	return t;
}

/* ---- enumerating the runtime's types (stripped binaries) ---- */

static void rt_add_root(struct gotypes *ts, uint64_t addr)
{
	struct gotype *t = gotype_from_rt(ts, addr);

	(void)t;
}

/* Go <= 1.26: typelinks ([]int32 offsets from types) and itablinks. */
static void rt_enum_links(struct gotypes *ts)
{
	const struct layout_moduledata *md = &ts->gp->L->md;
	uint64_t hdr[3], n;
	int32_t *offs;
	uint64_t *itabs;

	if (target_read(&ts->gp->tgt, ts->gp->gl.moduledata + md->typelinks,
			hdr, 24) == 0 && (n = hdr[1]) < MAX_TYPES) {
		offs = xmalloc(n * 4 + 4);
		if (target_read(&ts->gp->tgt, hdr[0], offs, n * 4) == 0)
			for (uint64_t i = 0; i < n; i++)
				rt_add_root(ts, ts->gp->types + (uint32_t)offs[i]);
		free(offs);
	}
	if (target_read(&ts->gp->tgt, ts->gp->gl.moduledata + md->itablinks,
			hdr, 24) == 0 && (n = hdr[1]) < MAX_TYPES) {
		itabs = xmalloc(n * 8 + 8);
		if (target_read(&ts->gp->tgt, hdr[0], itabs, n * 8) == 0)
			for (uint64_t i = 0; i < n; i++) {
				uint64_t typ;

				if (target_read_u64(&ts->gp->tgt, itabs[i] + 8,
						    &typ) == 0)
					rt_add_root(ts, typ);
			}
		free(itabs);
	}
}

/*
 * Go 1.27 dropped typelinks: the linker lays every descriptor out one
 * after the other from types + 8 to types + typedesclen (the word after
 * moduledata.types), each abi.Type.DescriptorSize() long, pointer-aligned.
 */
static void rt_enum_walk(struct gotypes *ts)
{
	uint64_t len, td, end, count = 0;

	if (target_read_u64(&ts->gp->tgt, ts->gp->gl.moduledata +
			    ts->gp->L->md.types + 8, &len) < 0 ||
	    len > MAX_TYPES_REGION)
		return;
	td = ts->gp->types + 8;
	end = ts->gp->types + len;
	while (td < end && count++ < MAX_TYPES) {
		uint8_t d[136], u[8];
		uint64_t size, add = 0, mcount = 0;
		int kind;

		td = (td + 7) & ~7ull;
		if (rt_read(ts, td, d, 48) < 0)
			break;
		kind = d[23] & KIND_MASK;
		if (kind == GK_INVALID || rt_read(ts, td, d, desc_size(ts, kind)))
			break;
		size = desc_size(ts, kind);
		if (kind == GK_FUNC)
			add = ((uint64_t)(d[48] | d[49] << 8) +
			       ((d[50] | d[51] << 8) & 0x7fff)) * 8;
		else if (kind == GK_INTERFACE)
			add = rd64(d + 64) * 8;
		else if (kind == GK_STRUCT)
			add = rd64(d + 64) * 24;
		if (d[20] & TFLAG_UNCOMMON) {
			if (rt_read(ts, td + size, u, 8) < 0)
				break;
			mcount = (uint16_t)(u[4] | u[5] << 8);
			size += 16;
		}
		rt_add_root(ts, td);
		td += size + add + mcount * 16;
	}
}

static void rt_load_all(struct gotypes *ts)
{
	if (ts->rt_loaded)
		return;
	ts->rt_loaded = 1;
	load_region(ts);
	if (ts->gp->L->md.typelinks >= 0)
		rt_enum_links(ts);
	else
		rt_enum_walk(ts);
	for (size_t i = 0; i < ts->n; i++) {
		struct gotype *t = ts->all[i];
		const char *dot;

		if (!t->rt || t->kind == GK_INVALID)
			continue;
		if (!hmap_get(&ts->rt_by_name, 0, t->name))
			hmap_put(&ts->rt_by_name, 0, t->name, t);
		/* also "http.Header" for "net/http.Header" */
		dot = strchr(t->name, '.');
		if (t->named && dot) {
			const char *slash = memrchr(t->name, '/', dot - t->name);

			if (slash && !hmap_get(&ts->rt_by_name, 0, slash + 1))
				hmap_put(&ts->rt_by_name, 0, slash + 1, t);
		}
	}
}

/* ---- DWARF ---- */

static Dwarf *dwarf_of(struct gotypes *ts)
{
	return ts->gp->img.has_dwarf ? elfimg_dwarf(&ts->gp->img) : NULL;
}

static int is_type_tag(int tag)
{
	return tag == DW_TAG_base_type || tag == DW_TAG_structure_type ||
	       tag == DW_TAG_typedef || tag == DW_TAG_pointer_type ||
	       tag == DW_TAG_array_type || tag == DW_TAG_subroutine_type ||
	       tag == DW_TAG_unspecified_type;
}

static void dwarf_add_var(struct gotypes *ts, Dwarf_Die *die,
			  const char *name)
{
	Dwarf_Attribute a, ax;
	Dwarf_Op *ops;
	size_t nops;
	Dwarf_Die td;
	Dwarf_Addr addr;
	struct govar *v;

	Dwarf_Block blk;

	if (!dwarf_attr(die, DW_AT_location, &a))
		return;
	/* Go writes DW_OP_addr in a plain block, which libdw's location
	 * parser refuses in DWARF 4 and 5 units: decode it here. */
	if (dwarf_formblock(&a, &blk) == 0 && blk.length == 9 &&
	    blk.data[0] == DW_OP_addr)
		memcpy(&addr, blk.data + 1, 8);
	else if (dwarf_getlocation(&a, &ops, &nops) != 0 || nops != 1)
		return;
	else if (ops[0].atom == DW_OP_addr)
		addr = ops[0].number;
	else if (ops[0].atom != DW_OP_addrx ||
		 dwarf_getlocation_attr(&a, &ops[0], &ax) != 0 ||
		 dwarf_formaddr(&ax, &addr) != 0)
		return;
	xgrow((void **)&ts->vars, &ts->capvars, ts->nvars + 1,
	      sizeof(*ts->vars));
	v = &ts->vars[ts->nvars++];
	memset(v, 0, sizeof(*v));
	v->name = xstrdup(name);
	v->addr = addr + ts->gp->img.bias;
	/* The type is decoded on demand: remember its DIE offset. */
	if (dwarf_attr(die, DW_AT_type, &a) && dwarf_formref_die(&a, &td))
		v->size = dwarf_dieoffset(&td) + 1;
}

static void dwarf_index(struct gotypes *ts)
{
	Dwarf *dw = dwarf_of(ts);
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (ts->dwarf_indexed || !dw)
		return;
	ts->dwarf_indexed = 1;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, c;

		if (dwarf_offdie(dw, off + hsize, &cu) &&
		    dwarf_child(&cu, &c) == 0) {
			do {
				const char *name = dwarf_diename(&c);
				int tag = dwarf_tag(&c);

				if (!name)
					continue;
				if (tag == DW_TAG_variable) {
					dwarf_add_var(ts, &c, name);
					continue;
				}
				if (!is_type_tag(tag) ||
				    hmap_get(&ts->die_by_name, 0, name))
					continue;
				xgrow((void **)&ts->dnames, &ts->capdnames,
				      ts->ndnames + 1, sizeof(char *));
				ts->dnames[ts->ndnames] = xstrdup(name);
				hmap_put(&ts->die_by_name,
					 dwarf_dieoffset(&c) + 1,
					 ts->dnames[ts->ndnames++],
					 (void *)(uintptr_t)
					 (dwarf_dieoffset(&c) + 1));
			} while (dwarf_siblingof(&c, &c) == 0);
		}
		off = next;
	}
}

static uint64_t die_udata(Dwarf_Die *d, int at, uint64_t dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (dwarf_attr(d, at, &a) && dwarf_formudata(&a, &w) == 0)
		return w;
	return dflt;
}

static struct gotype *from_die(struct gotypes *ts, Dwarf_Die *d);

static int die_flag(Dwarf_Die *d, int at)
{
	Dwarf_Attribute a;
	bool f;

	return dwarf_attr(d, at, &a) && dwarf_formflag(&a, &f) == 0 && f;
}

static struct gotype *die_ref(struct gotypes *ts, Dwarf_Die *d, int at)
{
	Dwarf_Attribute a;
	Dwarf_Die r;

	if (!dwarf_attr(d, at, &a) || !dwarf_formref_die(&a, &r)) {
		diag_set("DWARF type %s lacks a referenced type",
			 dwarf_diename(d) ? dwarf_diename(d) : "?");
		return NULL;
	}
	return from_die(ts, &r);
}

static int die_struct(struct gotypes *ts, struct gotype *t, Dwarf_Die *d)
{
	Dwarf_Die c;
	size_t n = 0, cap = 0;

	if (dwarf_child(d, &c) != 0)
		return 0;
	do {
		struct gofield *f;

		if (dwarf_tag(&c) != DW_TAG_member)
			continue;
		if (n >= MAX_FIELDS)
			return -1;
		xgrow((void **)&t->fields, &cap, n + 1, sizeof(*t->fields));
		f = &t->fields[n++];
		memset(f, 0, sizeof(*f));
		t->nfields = n;
		f->name = xstrdup(dwarf_diename(&c) ? dwarf_diename(&c) : "?");
		f->off = die_udata(&c, DW_AT_data_member_location, 0);
		f->embedded = die_flag(&c, DW_AT_go_embedded_field);
		if (!(f->type = die_ref(ts, &c, DW_AT_type)))
			return -1;
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

static uint64_t die_array_len(Dwarf_Die *d)
{
	Dwarf_Die c;

	if (dwarf_child(d, &c) != 0)
		return 0;
	do {
		if (dwarf_tag(&c) == DW_TAG_subrange_type) {
			if (dwarf_hasattr(&c, DW_AT_count))
				return die_udata(&c, DW_AT_count, 0);
			return die_udata(&c, DW_AT_upper_bound, (uint64_t)-1) + 1;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

static int die_decode(struct gotypes *ts, struct gotype *t, Dwarf_Die *d)
{
	Dwarf_Attribute a;
	Dwarf_Die r;

	switch (t->kind) {
	case GK_POINTER:
		if (dwarf_hasattr(d, DW_AT_type))
			return (t->elem = die_ref(ts, d, DW_AT_type)) ? 0 : -1;
		t->kind = GK_UNSAFEPTR;
		return 0;
	case GK_ARRAY:
		t->len = die_array_len(d);
		return (t->elem = die_ref(ts, d, DW_AT_type)) ? 0 : -1;
	case GK_SLICE: case GK_CHAN:
		return (t->elem = die_ref(ts, d, DW_AT_go_elem)) ? 0 : -1;
	case GK_MAP:
		t->key = die_ref(ts, d, DW_AT_go_key);
		t->elem = die_ref(ts, d, DW_AT_go_elem);
		return t->key && t->elem ? 0 : -1;
	case GK_STRUCT:
		return die_struct(ts, t, d);
	case GK_INTERFACE:
		if (dwarf_attr(d, DW_AT_type, &a) && dwarf_formref_die(&a, &r)) {
			const char *n = dwarf_diename(&r);

			t->nonempty_iface = n && !strcmp(n, "runtime.iface");
		}
		return 0;
	}
	return 0;
}

static struct gotype *from_die(struct gotypes *ts, Dwarf_Die *d)
{
	uint64_t off = dwarf_dieoffset(d);
	const char *name = dwarf_diename(d);
	struct gotype *t = hmap_get(&ts->by_die, off + 1, NULL);
	int kind = (int)die_udata(d, DW_AT_go_kind, 0) & KIND_MASK;

	if (t)
		return t;
	if (kind == GK_INVALID && dwarf_tag(d) == DW_TAG_typedef) {
		Dwarf_Attribute a;
		Dwarf_Die r;

		/* A typedef without a Go kind only renames its target. */
		if (dwarf_attr(d, DW_AT_type, &a) && dwarf_formref_die(&a, &r))
			return from_die(ts, &r);
	}
	if (kind == GK_INVALID && dwarf_tag(d) == DW_TAG_pointer_type)
		kind = dwarf_hasattr(d, DW_AT_type) ? GK_POINTER : GK_UNSAFEPTR;
	if (kind == GK_INVALID || ts->n >= MAX_TYPES) {
		diag_set("DWARF type %s has no Go kind", name ? name : "?");
		return NULL;
	}
	t = new_type(ts, kind, name);
	t->size = die_udata(d, DW_AT_byte_size, 8);
	hmap_put(&ts->by_die, off + 1, NULL, t);
	if (die_decode(ts, t, d) < 0) {
		t->kind = GK_INVALID;
		return NULL;
	}
	/* Go's DWARF gives typedefs (maps, chans, interfaces) no size. */
	if (kind == GK_POINTER || kind == GK_MAP || kind == GK_CHAN ||
	    kind == GK_FUNC || kind == GK_UNSAFEPTR)
		t->size = 8;
	else if (kind == GK_INTERFACE || kind == GK_STRING)
		t->size = 16;
	else if (kind == GK_SLICE)
		t->size = 24;
	set_align(t);
	t->direct_iface = t->size == 8 && (kind == GK_POINTER ||
		kind == GK_MAP || kind == GK_CHAN || kind == GK_FUNC ||
		kind == GK_UNSAFEPTR);
	return t;
}

static struct gotype *dwarf_lookup(struct gotypes *ts, const char *name)
{
	Dwarf *dw = dwarf_of(ts);
	uintptr_t off;
	Dwarf_Die d;

	dwarf_index(ts);
	off = (uintptr_t)hmap_get(&ts->die_by_name, 0, name);
	if (!dw || !off || !dwarf_offdie(dw, off - 1, &d))
		return NULL;
	return from_die(ts, &d);
}

/* ---- alignment and construction ---- */

static void set_align(struct gotype *t)
{
	switch (t->kind) {
	case GK_BOOL: case GK_INT8: case GK_UINT8: t->align = 1; break;
	case GK_INT16: case GK_UINT16: t->align = 2; break;
	case GK_INT32: case GK_UINT32: case GK_FLOAT32: case GK_COMPLEX64:
		t->align = 4; break;
	case GK_ARRAY: t->align = t->elem ? t->elem->align : 1; break;
	case GK_STRUCT:
		t->align = 1;
		for (size_t i = 0; i < t->nfields; i++)
			if (t->fields[i].type->align > t->align)
				t->align = t->fields[i].type->align;
		break;
	default: t->align = 8;
	}
}

static struct gotype *builtin(struct gotypes *ts, const char *name)
{
	static const struct { const char *name; int kind, size; } b[] = {
		{ "bool", GK_BOOL, 1 }, { "int", GK_INT, 8 },
		{ "int8", GK_INT8, 1 }, { "int16", GK_INT16, 2 },
		{ "int32", GK_INT32, 4 }, { "rune", GK_INT32, 4 },
		{ "int64", GK_INT64, 8 }, { "uint", GK_UINT, 8 },
		{ "uint8", GK_UINT8, 1 }, { "byte", GK_UINT8, 1 },
		{ "uint16", GK_UINT16, 2 }, { "uint32", GK_UINT32, 4 },
		{ "uint64", GK_UINT64, 8 }, { "uintptr", GK_UINTPTR, 8 },
		{ "float32", GK_FLOAT32, 4 }, { "float64", GK_FLOAT64, 8 },
		{ "complex64", GK_COMPLEX64, 8 },
		{ "complex128", GK_COMPLEX128, 16 },
		{ "string", GK_STRING, 16 }, { "unsafe.Pointer", GK_UNSAFEPTR, 8 },
		{ "interface {}", GK_INTERFACE, 16 }, { "any", GK_INTERFACE, 16 },
		{ "error", GK_INTERFACE, 16 },
	};
	struct gotype *t;

	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		if (strcmp(b[i].name, name))
			continue;
		if (!strcmp(name, "byte"))
			name = "uint8";
		else if (!strcmp(name, "rune"))
			name = "int32";
		else if (!strcmp(name, "any"))
			name = "interface {}";
		if ((t = hmap_get(&ts->by_name, 0, name)))
			return t;
		t = new_type(ts, b[i].kind, name);
		t->size = (uint64_t)b[i].size;
		t->nonempty_iface = !strcmp(name, "error");
		set_align(t);
		t->direct_iface = b[i].kind == GK_UNSAFEPTR;
		hmap_put(&ts->by_name, 0, t->name, t);
		return t;
	}
	return NULL;
}

struct gotype *gotype_lookup(struct gotypes *ts, const char *name)
{
	struct gotype *t;

	if ((t = hmap_get(&ts->by_name, 0, name)))
		return t;
	t = dwarf_lookup(ts, name);
	if (!t) {
		rt_load_all(ts);
		t = hmap_get(&ts->rt_by_name, 0, name);
	}
	if (!t)
		t = builtin(ts, name);
	if (t && !hmap_get(&ts->by_name, 0, t->name))
		hmap_put(&ts->by_name, 0, t->name, t);
	return t;
}

/* An existing type named name, or a new one of kind built by the caller. */
static struct gotype *compose(struct gotypes *ts, char *name, int kind,
			      struct gotype *elem, struct gotype *key,
			      uint64_t len)
{
	struct gotype *t = gotype_lookup(ts, name);

	if (t && t->kind == kind) {
		free(name);
		return t;
	}
	t = new_type(ts, kind, NULL);
	free(t->name);
	t->name = name;
	t->elem = elem;
	t->key = key;
	t->len = len;
	switch (kind) {
	case GK_ARRAY: t->size = elem->size * len; break;
	case GK_SLICE: t->size = 24; break;
	default: t->size = 8;
	}
	set_align(t);
	t->direct_iface = kind != GK_ARRAY && kind != GK_SLICE;
	hmap_put(&ts->by_name, 0, t->name, t);
	return t;
}

struct gotype *gotype_pointer_to(struct gotypes *ts, struct gotype *elem)
{
	return compose(ts, xasprintf("*%s", elem->name), GK_POINTER, elem,
		       NULL, 0);
}

struct gotype *gotype_slice_of(struct gotypes *ts, struct gotype *elem)
{
	return compose(ts, xasprintf("[]%s", elem->name), GK_SLICE, elem,
		       NULL, 0);
}

static uint64_t align_up(uint64_t n, uint64_t a)
{
	return a ? (n + a - 1) / a * a : n;
}

/* What the compiler builds (reflectdata.MapBucketType / MapGroupType). */
int gotype_map_layout(struct gotypes *ts, struct gotype *t)
{
	struct gomaplayout *m = &t->map;
	uint64_t ks, es, ka, ea;

	if (t->kind != GK_MAP || !t->key || !t->elem) {
		diag_set("%s is not a map type", t->name);
		return -1;
	}
	if (t->map_have)
		return 0;
	m->indirect_key = t->key->size > 128;
	m->indirect_elem = t->elem->size > 128;
	ks = m->indirect_key ? 8 : t->key->size;
	es = m->indirect_elem ? 8 : t->elem->size;
	ka = m->indirect_key ? 8 : t->key->align;
	ea = m->indirect_elem ? 8 : t->elem->align;
	m->swiss = ts->gp->L->swiss_maps;
	m->keysoff = 8;
	if (!m->swiss) {
		m->keystride = ks;
		m->elemsoff = 8 + 8 * ks;
		m->elemstride = es;
		m->groupsize = 8 + 8 * ks + 8 * es + 8;
	} else if (ts->split_group) {
		m->keystride = ks;
		m->elemstride = es;
		m->elemsoff = align_up(8 + 8 * ks, ea);
		m->groupsize = m->elemsoff + 8 * es;
		if (es == 0)
			m->groupsize++;
		m->groupsize = align_up(m->groupsize, 8);
	} else {
		uint64_t eoff = align_up(ks, ea), slot = eoff + es;
		uint64_t sa = ka > ea ? ka : ea;

		if (slot > 0 && es == 0)
			slot++;
		slot = align_up(slot, sa);
		m->keystride = m->elemstride = slot;
		m->elemsoff = 8 + eoff;
		m->groupsize = align_up(8 + 8 * slot, 8);
	}
	t->map_have = 1;
	return 0;
}

/* ---- the type-expression parser ---- */

struct tparse {
	struct gotypes *ts;
	const char *s;
	int depth;
};

static void skip_ws(struct tparse *p)
{
	while (*p->s == ' ' || *p->s == '\t')
		p->s++;
}

static int eat(struct tparse *p, const char *tok)
{
	size_t n = strlen(tok);

	skip_ws(p);
	if (strncmp(p->s, tok, n))
		return 0;
	p->s += n;
	return 1;
}

static struct gotype *parse_type(struct tparse *p);

/* A balanced run up to the matching close of the open already eaten,
 * spaces after commas removed (runtime names have none). */
static char *balanced(struct tparse *p, char open, char close)
{
	const char *start = p->s;
	int level = 1;
	char *out, *o;

	for (; *p->s && level; p->s++) {
		if (*p->s == open)
			level++;
		else if (*p->s == close)
			level--;
	}
	if (level)
		return NULL;
	out = o = xmalloc((size_t)(p->s - start) + 1);
	for (const char *c = start; c < p->s - 1; c++)
		if (!(*c == ' ' && c > start && c[-1] == ','))
			*o++ = *c;
	*o = 0;
	return out;
}

/* A (package-qualified) name: letters, digits, _ . / - and a generic
 * instantiation [A,B]. */
static struct gotype *parse_name(struct tparse *p)
{
	const char *start = p->s;
	char name[MAX_NAME], *args = NULL;
	struct gotype *t;
	size_t n;

	while (isalnum((unsigned char)*p->s) || *p->s == '_' || *p->s == '.' ||
	       *p->s == '/' || *p->s == '-' || (*p->s & 0x80))
		p->s++;
	n = (size_t)(p->s - start);
	if (!n || n >= MAX_NAME / 2) {
		diag_set("expected a type at '%.20s'", start);
		return NULL;
	}
	if (*p->s == '[') {
		p->s++;
		if (!(args = balanced(p, '[', ']'))) {
			diag_set("unbalanced [ in type name");
			return NULL;
		}
	}
	snprintf(name, sizeof(name), "%.*s%s%s%s", (int)n, start,
		 args ? "[" : "", args ? args : "", args ? "]" : "");
	free(args);
	if (!strcmp(name, "interface") || !strcmp(name, "struct") ||
	    !strcmp(name, "func")) {
		diag_set("%s types are found by their exact name: write"
			 " 'interface {}', or use a named type", name);
		return NULL;
	}
	if (!(t = gotype_lookup(p->ts, name)))
		diag_set("unknown type '%s'", name);
	return t;
}

static struct gotype *parse_literal_name(struct tparse *p, const char *kw)
{
	char name[MAX_NAME], *body;
	struct gotype *t;

	if (!eat(p, "{") || !(body = balanced(p, '{', '}'))) {
		diag_set("expected { after %s", kw);
		return NULL;
	}
	/* The runtime spells them "interface {}", "struct { X int }". */
	while (*body == ' ')
		memmove(body, body + 1, strlen(body));
	if (!*body)
		snprintf(name, sizeof(name), "%s {}", kw);
	else
		snprintf(name, sizeof(name), "%s { %s }", kw, body);
	free(body);
	if (!(t = gotype_lookup(p->ts, name)))
		diag_set("unknown type '%s'", name);
	return t;
}

/*
 * A func type: its value is one word whatever the signature, so the rest
 * of the expression is taken as the signature (found by name if the
 * binary has it, else made up).  Func types nested in others are not
 * parsed.
 */
static struct gotype *parse_func(struct tparse *p)
{
	size_t n = strlen(p->s);
	struct gotype *t;
	char *name;

	while (n && p->s[n - 1] == ' ')
		n--;
	name = strndup(p->s, n);
	if (!name)
		return NULL;
	p->s += strlen(p->s);
	if ((t = gotype_lookup(p->ts, name)) && t->kind == GK_FUNC) {
		free(name);
		return t;
	}
	t = new_type(p->ts, GK_FUNC, NULL);
	free(t->name);
	t->name = name;
	t->size = 8;
	set_align(t);
	t->direct_iface = 1;
	return t;
}

static struct gotype *parse_type2(struct tparse *p)
{
	struct gotype *e, *k;
	uint64_t n;
	char *end;

	skip_ws(p);
	if (eat(p, "*"))
		return (e = parse_type(p)) ? gotype_pointer_to(p->ts, e) : NULL;
	if (eat(p, "(")) {
		e = parse_type(p);
		if (e && !eat(p, ")")) {
			diag_set("expected ) in type");
			return NULL;
		}
		return e;
	}
	if (eat(p, "[")) {
		if (eat(p, "]"))
			return (e = parse_type(p)) ? gotype_slice_of(p->ts, e)
						   : NULL;
		n = strtoull(p->s, &end, 0);
		if (end == p->s || n > (1ull << 40)) {
			diag_set("bad array length in type");
			return NULL;
		}
		p->s = end;
		if (!eat(p, "]") || !(e = parse_type(p)))
			return NULL;
		if (e->size && n > (1ull << 48) / e->size) {
			diag_set("array type too large");
			return NULL;
		}
		return compose(p->ts, xasprintf("[%llu]%s",
			       (unsigned long long)n, e->name),
			       GK_ARRAY, e, NULL, n);
	}
	if (!strncmp(p->s, "map[", 4)) {
		p->s += 4;
		if (!(k = parse_type(p)) || !eat(p, "]") ||
		    !(e = parse_type(p)))
			return NULL;
		return compose(p->ts, xasprintf("map[%s]%s", k->name, e->name),
			       GK_MAP, e, k, 0);
	}
	if (eat(p, "<-chan ") || eat(p, "chan<- ") || eat(p, "chan "))
		return (e = parse_type(p)) ? compose(p->ts, xasprintf(
			"chan %s", e->name), GK_CHAN, e, NULL, 0) : NULL;
	if (!strncmp(p->s, "func(", 5))
		return parse_func(p);
	if (!strncmp(p->s, "interface", 9) && !isalnum((unsigned char)p->s[9])) {
		p->s += 9;
		return parse_literal_name(p, "interface");
	}
	if (!strncmp(p->s, "struct", 6) && !isalnum((unsigned char)p->s[6])) {
		p->s += 6;
		return parse_literal_name(p, "struct");
	}
	return parse_name(p);
}

static struct gotype *parse_type(struct tparse *p)
{
	struct gotype *t;

	if (++p->depth > MAX_PARSE_DEPTH) {
		diag_set("type nested too deeply");
		return NULL;
	}
	t = parse_type2(p);
	p->depth--;
	return t;
}

struct gotype *gotype_parse(struct gotypes *ts, const char *expr)
{
	struct tparse p = { ts, expr, 0 };
	struct gotype *t = parse_type(&p);

	skip_ws(&p);
	if (t && *p.s) {
		diag_set("unexpected '%.20s' after type %s", p.s, t->name);
		return NULL;
	}
	return t;
}

/* ---- listing ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int gotypes_each_name(struct gotypes *ts, const char *re,
		      void (*fn)(void *ctx, const char *name), void *ctx)
{
	regex_t rx;
	const char **names;
	size_t n = 0, cap = 0;
	int count = 0;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0) {
		diag_set("bad regular expression '%s'", re);
		return -1;
	}
	dwarf_index(ts);
	names = NULL;
	if (ts->ndnames) {
		for (size_t i = 0; i < ts->ndnames; i++) {
			xgrow((void **)&names, &cap, n + 1, sizeof(*names));
			names[n++] = ts->dnames[i];
		}
	} else {
		rt_load_all(ts);
		for (size_t i = 0; i < ts->n; i++) {
			if (!ts->all[i]->rt || ts->all[i]->kind == GK_INVALID)
				continue;
			xgrow((void **)&names, &cap, n + 1, sizeof(*names));
			names[n++] = ts->all[i]->name;
		}
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if ((i && !strcmp(names[i], names[i - 1])) ||
		    regexec(&rx, names[i], 0, NULL, 0) != 0)
			continue;
		fn(ctx, names[i]);
		count++;
	}
	free(names);
	regfree(&rx);
	return count;
}

static int is_data_section(const char *s)
{
	return s && (!strcmp(s, ".data") || !strcmp(s, ".bss") ||
		     !strcmp(s, ".noptrdata") || !strcmp(s, ".noptrbss") ||
		     !strcmp(s, ".go.module"));
}

/* Without DWARF, the symbol table still names the globals (no types). */
static void vars_from_symbols(struct gotypes *ts)
{
	const struct elfimg *img = &ts->gp->img;

	for (size_t i = 0; i < img->nsymbols; i++) {
		const struct elf_symbol *s = &img->symbols[i];
		const struct elf_section *sec = elfimg_section_at(img, s->addr);
		struct govar *v;

		if (!sec || !is_data_section(sec->name) || !strchr(s->name, '.'))
			continue;
		xgrow((void **)&ts->vars, &ts->capvars, ts->nvars + 1,
		      sizeof(*ts->vars));
		v = &ts->vars[ts->nvars++];
		memset(v, 0, sizeof(*v));
		v->name = xstrdup(s->name);
		v->addr = s->addr + img->bias;
		v->size = s->size;
	}
}

static int cmp_var(const void *a, const void *b)
{
	return strcmp(((const struct govar *)a)->name,
		      ((const struct govar *)b)->name);
}

static void vars_index(struct gotypes *ts)
{
	Dwarf *dw;

	if (ts->vars_indexed)
		return;
	ts->vars_indexed = 1;
	dwarf_index(ts);
	dw = dwarf_of(ts);
	/* Resolve the types now: DIE offsets were parked in size. */
	for (size_t i = 0; i < ts->nvars; i++) {
		struct govar *v = &ts->vars[i];
		Dwarf_Die d;

		if (v->size && dw && dwarf_offdie(dw, v->size - 1, &d))
			v->type = from_die(ts, &d);
		v->size = v->type ? v->type->size : 0;
	}
	if (!ts->nvars)
		vars_from_symbols(ts);
	if (ts->nvars)
		qsort(ts->vars, ts->nvars, sizeof(*ts->vars), cmp_var);
}

const struct govar *gotypes_var(struct gotypes *ts, const char *name)
{
	struct govar key = { .name = name };

	vars_index(ts);
	if (!ts->nvars)
		return NULL;
	return bsearch(&key, ts->vars, ts->nvars, sizeof(key), cmp_var);
}

int gotypes_each_var(struct gotypes *ts, const char *re,
		     void (*fn)(void *ctx, const struct govar *v), void *ctx)
{
	regex_t rx;
	int count = 0;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0) {
		diag_set("bad regular expression '%s'", re);
		return -1;
	}
	vars_index(ts);
	for (size_t i = 0; i < ts->nvars; i++) {
		if (regexec(&rx, ts->vars[i].name, 0, NULL, 0) != 0)
			continue;
		fn(ctx, &ts->vars[i]);
		count++;
	}
	regfree(&rx);
	return count;
}

const char *gotypes_func_name(struct gotypes *ts, uint64_t pc)
{
	struct gofunc f;

	if (pclntab_find(&ts->gp->pcln, pc, &f) < 0)
		return NULL;
	return pclntab_name(&ts->gp->pcln, &f);
}

int gotypes_goid(struct gotypes *ts, const struct gomem *mem, uint64_t g,
		 int64_t *goid)
{
	return mem->read(mem->ctx, g + (uint64_t)ts->gp->L->g.goid, goid, 8);
}
