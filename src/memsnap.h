/*
 * memsnap.h - copies of target memory taken while the target was stopped.
 *
 * The snapshot reads each goroutine's used stack in bulk while the target
 * is stopped; the unwinder and the formatter run after the target is
 * released and read only from these copies, so what they print is one
 * consistent moment.
 */
#ifndef GOINSPECT_MEMSNAP_H
#define GOINSPECT_MEMSNAP_H

#include <stddef.h>
#include <stdint.h>

struct memsnap_region {
	uint64_t addr;
	size_t len;
	uint8_t *data;
	int owned;                      /* data is freed with the memsnap */
};

struct memsnap {
	struct memsnap_region *r;
	size_t n, cap;
	int sorted;
	uint64_t bytes;
	void **blocks;                  /* memsnap_own() */
	size_t nblocks, cap_blocks;
};

void memsnap_init(struct memsnap *ms);
void memsnap_free(struct memsnap *ms);
/* Take ownership of data (len bytes copied from addr). */
void memsnap_add(struct memsnap *ms, uint64_t addr, uint8_t *data,
		 size_t len);
/* Add a region whose data lies in a block given to memsnap_own() (or
 * that outlives the memsnap). */
void memsnap_add_shared(struct memsnap *ms, uint64_t addr, uint8_t *data,
			size_t len);
/* Take ownership of a block of memory, freed by memsnap_free(). */
void memsnap_own(struct memsnap *ms, void *block);
/* Copy len bytes at addr from the regions; 0 if all present, else -1. */
int memsnap_read(struct memsnap *ms, uint64_t addr, void *buf, size_t len);
int memsnap_read_u64(struct memsnap *ms, uint64_t addr, uint64_t *v);

#endif
