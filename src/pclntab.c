/*
 * pclntab.c - decode the Go 1.18+ pclntab.
 *
 * Layout (runtime/symtab.go, cmd/link/internal/ld/pcln.go): a pcHeader
 * holds offsets of five tables: funcnametab (NUL-terminated names),
 * cutab (per compile unit file indexes), filetab (NUL-terminated paths),
 * pctab (the pc-value streams), and pclntab proper, which starts with the
 * functab: nfunc+1 pairs {entryoff, funcoff} sorted by entry, followed by
 * the _func records.  Every read is bounded by the section size: a
 * damaged table gives "?" names and -1 values, never a crash.
 */
#include "pclntab.h"
#include "le.h"
#include "diag.h"
#include "elfimg.h"
#include "layout.h"

#include <stdlib.h>
#include <string.h>

#define MAGIC_GO118 0xfffffff0u
#define MAGIC_GO120 0xfffffff1u
#define PCHDR_SIZE 72
#define PCV_CACHE_SIZE 8192             /* entries, a power of two */

/* A direct-mapped cache of pclntab_value() answers.  The key is the
 * table's offset, the function's entry (the linker shares identical
 * tables between functions) and the pc. */
struct pcvalue_cache {
	struct {
		uint64_t entry, pc;
		uint32_t off;
		int32_t val;
		int used;
	} e[PCV_CACHE_SIZE];
};

/* Point *tab at the region [off, next) of the header, bounded. */
static int table(struct pclntab *t, uint64_t off, uint64_t end,
		 const uint8_t **tab, size_t *len)
{
	if (off > t->size || end > t->size || end < off)
		return -1;
	*tab = t->hdr + off;
	*len = (size_t)(end - off);
	return 0;
}

static int read_header(struct pclntab *t)
{
	const uint8_t *h = t->hdr;
	uint64_t fn = rd64(h + 32), cu = rd64(h + 40), ft = rd64(h + 48);
	uint64_t pc = rd64(h + 56), ln = rd64(h + 64);

	if (h[6] != 1 || h[7] != 8) {
		diag_set("pclntab is not for amd64 (quantum %u, ptrsize %u)",
			 h[6], h[7]);
		return -1;
	}
	t->nfunc = rd64(h + 8);
	/* nfunc + 1 pairs of 8 bytes must fit in the functab; tested by
	 * division so that a huge nfunc cannot overflow. */
	if (table(t, fn, cu, &t->funcnametab, &t->funcnametab_len) < 0 ||
	    table(t, cu, ft, &t->cutab, &t->cutab_len) < 0 ||
	    table(t, ft, pc, &t->filetab, &t->filetab_len) < 0 ||
	    table(t, pc, ln, &t->pctab, &t->pctab_len) < 0 ||
	    table(t, ln, t->size, &t->ftab, &t->ftab_len) < 0 ||
	    t->nfunc == 0 || t->nfunc >= t->ftab_len / 8) {
		diag_set("pclntab header is damaged");
		return -1;
	}
	return 0;
}

int pclntab_open(struct pclntab *t, const struct elfimg *img,
		 const struct layout *l, uint64_t text_start, uint64_t gofunc)
{
	const struct elf_section *s = elfimg_pclntab(img);

	struct pcvalue_cache *cache = t->cache;

	/* Opened again (with the final layout): keep the cache, emptied. */
	memset(t, 0, sizeof(*t));
	if (cache)
		memset(cache, 0, sizeof(*cache));
	t->cache = cache ? cache : xcalloc(1, sizeof(*cache));
	t->img = img;
	t->layout = l;
	t->bias = img->bias;
	if (!s || !s->data || s->size < PCHDR_SIZE) {
		diag_set("%s has no .gopclntab section", img->path);
		return -1;
	}
	t->hdr = s->data;
	t->size = s->size;
	t->magic = rd32(t->hdr);
	if (t->magic != MAGIC_GO118 && t->magic != MAGIC_GO120) {
		diag_set("unknown pclntab magic %#x (Go 1.18 or later needed)",
			 t->magic);
		return -1;
	}
	t->inl_entry_size = t->magic == MAGIC_GO118 ? 20 : 16;
	if (read_header(t) < 0)
		return -1;
	t->text_start = text_start ? text_start : rd64(t->hdr + 24) + t->bias;
	t->gofunc = gofunc;
	return 0;
}

static int decode_func(const struct pclntab *t, uint32_t funcoff,
		       struct gofunc *f)
{
	const struct layout_func *fl = &t->layout->fn;
	const uint8_t *p;

	if ((uint64_t)funcoff + (uint64_t)fl->pcdata > t->ftab_len)
		return -1;
	p = t->ftab + funcoff;
	memset(f, 0, sizeof(*f));
	f->raw = p;
	f->entry = t->text_start + rd32(p + fl->entryoff);
	f->nameoff = (int32_t)rd32(p + fl->nameoff);
	f->args = (int32_t)rd32(p + fl->args);
	f->deferreturn = rd32(p + fl->deferreturn);
	f->pcsp = rd32(p + fl->pcsp);
	f->pcfile = rd32(p + fl->pcfile);
	f->pcln = rd32(p + fl->pcln);
	f->npcdata = rd32(p + fl->npcdata);
	f->cuoffset = rd32(p + fl->cuoffset);
	f->funcid = p[fl->funcid];
	f->flag = p[fl->flag];
	f->nfuncdata = p[fl->nfuncdata];
	if (f->npcdata > 64 ||
	    (uint64_t)funcoff + fl->pcdata + 4ull * (f->npcdata + f->nfuncdata)
	    > t->ftab_len)
		return -1;
	return 0;
}

int pclntab_func_at(const struct pclntab *t, uint64_t i, struct gofunc *f)
{
	if (i >= t->nfunc)
		return -1;
	return decode_func(t, rd32(t->ftab + i * 8 + 4), f);
}

int pclntab_find(const struct pclntab *t, uint64_t pc, struct gofunc *f)
{
	uint64_t lo = 0, hi = t->nfunc, off;

	if (pc < t->text_start)
		return -1;
	off = pc - t->text_start;
	/* The last functab entry is the end of text, not a function. */
	if (off >= rd32(t->ftab + t->nfunc * 8))
		return -1;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (rd32(t->ftab + mid * 8) <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (rd32(t->ftab + lo * 8) > off)
		return -1;
	return pclntab_func_at(t, lo, f);
}

int pclntab_find_name(const struct pclntab *t, const char *name,
		      struct gofunc *f)
{
	for (uint64_t i = 0; i < t->nfunc; i++)
		if (pclntab_func_at(t, i, f) == 0 &&
		    !strcmp(pclntab_name(t, f), name))
			return 0;
	return -1;
}

/* A NUL-terminated string at off in tab, or NULL if it runs off the end. */
static const char *cstring(const uint8_t *tab, size_t len, uint64_t off)
{
	if (off >= len || !memchr(tab + off, 0, len - off))
		return NULL;
	return (const char *)tab + off;
}

const char *pclntab_funcname(const struct pclntab *t, int32_t nameoff)
{
	const char *s;

	if (nameoff < 0)
		return "?";
	s = cstring(t->funcnametab, t->funcnametab_len, (uint64_t)nameoff);
	return s ? s : "?";
}

static uint32_t uvarint32(const uint8_t **p, const uint8_t *end, int *ok)
{
	uint32_t v = 0;

	for (int shift = 0; shift < 35; shift += 7) {
		uint8_t b;

		if (*p >= end) {
			*ok = 0;
			return 0;
		}
		b = *(*p)++;
		v |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	*ok = 0;
	return 0;
}

void pclntab_close(struct pclntab *t)
{
	free(t->cache);
	t->cache = NULL;
}

static int32_t decode_value(const struct pclntab *t, const struct gofunc *f,
			    uint32_t off, uint64_t pc);

int32_t pclntab_value(const struct pclntab *t, const struct gofunc *f,
		      uint32_t off, uint64_t pc)
{
	struct pcvalue_cache *c = t->cache;
	size_t h;

	if (!c)
		return decode_value(t, f, off, pc);
	h = (size_t)((off * 0x9e3779b97f4a7c15ull) ^ (pc * 0xff51afd7ed558ccdull)
		     ^ f->entry) >> 7 & (PCV_CACHE_SIZE - 1);
	if (c->e[h].used && c->e[h].off == off && c->e[h].pc == pc &&
	    c->e[h].entry == f->entry)
		return c->e[h].val;
	c->e[h].val = decode_value(t, f, off, pc);
	c->e[h].off = off;
	c->e[h].pc = pc;
	c->e[h].entry = f->entry;
	c->e[h].used = 1;
	return c->e[h].val;
}

static int32_t decode_value(const struct pclntab *t, const struct gofunc *f,
			    uint32_t off, uint64_t pc)
{
	const uint8_t *p, *end = t->pctab + t->pctab_len;
	uint64_t cur = f->entry;
	int32_t val = -1;
	int first = 1, ok = 1;

	if (off == 0 || off >= t->pctab_len)
		return -1;
	p = t->pctab + off;
	/* Bounded by the table's end; each step consumes at least 2 bytes. */
	while (p < end) {
		uint32_t uv, pcd;

		if (*p == 0 && !first)
			break;
		uv = uvarint32(&p, end, &ok);
		pcd = uvarint32(&p, end, &ok);
		if (!ok)
			return -1;
		/* Wraps like the runtime's int32 (Go defines overflow;
		 * in C a signed overflow is undefined). */
		val = (int32_t)((uint32_t)val + (-(uv & 1) ^ (uv >> 1)));
		cur += pcd;     /* PC quantum is 1 on amd64 */
		first = 0;
		if (pc < cur)
			return val;
	}
	return -1;
}

int32_t pclntab_spdelta(const struct pclntab *t, const struct gofunc *f,
			uint64_t pc)
{
	return pclntab_value(t, f, f->pcsp, pc);
}

int32_t pclntab_pcdata(const struct pclntab *t, const struct gofunc *f,
		       uint32_t table, uint64_t pc)
{
	if (table >= f->npcdata)
		return -1;
	return pclntab_value(t, f,
		rd32(f->raw + t->layout->fn.pcdata + 4 * table), pc);
}

uint64_t pclntab_funcdata(const struct pclntab *t, const struct gofunc *f,
			  uint8_t i)
{
	uint32_t off;

	if (i >= f->nfuncdata || !t->gofunc)
		return 0;
	off = rd32(f->raw + t->layout->fn.pcdata + 4 * (f->npcdata + i));
	return off == 0xffffffffu ? 0 : t->gofunc + off;
}

void pclntab_fileline(const struct pclntab *t, const struct gofunc *f,
		      uint64_t pc, const char **file, int32_t *line)
{
	int32_t fileno = pclntab_value(t, f, f->pcfile, pc);
	uint64_t idx = (uint64_t)f->cuoffset + (uint64_t)fileno;
	const char *s = NULL;

	*file = "?";
	*line = pclntab_value(t, f, f->pcln, pc);
	if (fileno < 0 || *line < 0 || (idx + 1) * 4 > t->cutab_len) {
		*line = 0;
		return;
	}
	s = cstring(t->filetab, t->filetab_len, rd32(t->cutab + idx * 4));
	if (s)
		*file = s;
	else
		*line = 0;
}

/* Fill uf from the inline-tree entry index (read from the file image). */
static void inline_entry(const struct pclntab *t, const struct gofunc *f,
			 struct inline_frame *uf, int32_t index)
{
	uint64_t tree = pclntab_funcdata(t, f, FUNCDATA_INLTREE);
	uint8_t e[20];

	uf->index = index;
	if (index < 0 || !tree ||
	    elfimg_read(t->img, tree - t->bias + (uint64_t)index *
			t->inl_entry_size, e, t->inl_entry_size) < 0) {
		uf->index = -1;
		return;
	}
	if (t->inl_entry_size == 20) {  /* Go 1.18-1.19 inlinedCall */
		uf->funcid = e[2];
		uf->nameoff = (int32_t)rd32(e + 12);
	} else {                        /* Go 1.20+ inlinedCall */
		uf->funcid = e[0];
		uf->nameoff = (int32_t)rd32(e + 4);
	}
}

void pclntab_inline_first(const struct pclntab *t, const struct gofunc *f,
			  uint64_t pc, struct inline_frame *uf)
{
	memset(uf, 0, sizeof(*uf));
	uf->pc = pc;
	uf->nameoff = f->nameoff;
	uf->funcid = f->funcid;
	if (!pclntab_funcdata(t, f, FUNCDATA_INLTREE)) {
		uf->index = -1;
		return;
	}
	inline_entry(t, f, uf, pclntab_pcdata(t, f, PCDATA_INLTREE_INDEX, pc));
	if (uf->index < 0) {
		uf->nameoff = f->nameoff;
		uf->funcid = f->funcid;
	}
}

int pclntab_inline_next(const struct pclntab *t, const struct gofunc *f,
			struct inline_frame *uf)
{
	uint64_t tree = pclntab_funcdata(t, f, FUNCDATA_INLTREE);
	uint8_t e[20];
	int32_t parent_pc;

	if (uf->index < 0)
		return -1;
	if (elfimg_read(t->img, tree - t->bias + (uint64_t)uf->index *
			t->inl_entry_size, e, t->inl_entry_size) < 0)
		return -1;
	parent_pc = (int32_t)rd32(e + (t->inl_entry_size == 20 ? 16 : 8));
	pclntab_inline_first(t, f, f->entry + (uint64_t)parent_pc, uf);
	return 0;
}
