/*
 * memsnap.c - a sorted set of memory regions copied from the target.
 */
#include "memsnap.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

void memsnap_init(struct memsnap *ms)
{
	memset(ms, 0, sizeof(*ms));
}

void memsnap_free(struct memsnap *ms)
{
	for (size_t i = 0; i < ms->n; i++)
		if (ms->r[i].owned)
			free(ms->r[i].data);
	for (size_t i = 0; i < ms->nblocks; i++)
		free(ms->blocks[i]);
	free(ms->blocks);
	free(ms->r);
	memset(ms, 0, sizeof(*ms));
}

static void add(struct memsnap *ms, uint64_t addr, uint8_t *data,
		size_t len, int owned)
{
	xgrow((void **)&ms->r, &ms->cap, ms->n + 1, sizeof(*ms->r));
	ms->r[ms->n].addr = addr;
	ms->r[ms->n].len = len;
	ms->r[ms->n].data = data;
	ms->r[ms->n].owned = owned;
	ms->n++;
	ms->bytes += len;
	ms->sorted = 0;
}

void memsnap_add(struct memsnap *ms, uint64_t addr, uint8_t *data,
		 size_t len)
{
	add(ms, addr, data, len, 1);
}

void memsnap_add_shared(struct memsnap *ms, uint64_t addr, uint8_t *data,
			size_t len)
{
	add(ms, addr, data, len, 0);
}

void memsnap_own(struct memsnap *ms, void *block)
{
	xgrow((void **)&ms->blocks, &ms->cap_blocks, ms->nblocks + 1,
	      sizeof(*ms->blocks));
	ms->blocks[ms->nblocks++] = block;
}

static int region_cmp(const void *a, const void *b)
{
	const struct memsnap_region *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The region with the largest start <= addr, or NULL. */
static const struct memsnap_region *lookup(struct memsnap *ms, uint64_t addr)
{
	size_t lo = 0, hi = ms->n;

	if (!ms->sorted) {
		qsort(ms->r, ms->n, sizeof(*ms->r), region_cmp);
		ms->sorted = 1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ms->r[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &ms->r[lo - 1] : NULL;
}

int memsnap_read(struct memsnap *ms, uint64_t addr, void *buf, size_t len)
{
	const struct memsnap_region *r = lookup(ms, addr);

	/* Regions may overlap (a stack read twice): the latest start wins,
	 * and a read that does not fit in it fails rather than stitching. */
	if (!r || addr - r->addr > r->len || len > r->len - (addr - r->addr))
		return -1;
	memcpy(buf, r->data + (addr - r->addr), len);
	return 0;
}

int memsnap_read_u64(struct memsnap *ms, uint64_t addr, uint64_t *v)
{
	return memsnap_read(ms, addr, v, sizeof(*v));
}
