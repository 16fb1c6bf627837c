/*
 * fuzzimg.h - helpers shared by the libFuzzer harnesses: a fake executable
 * image whose sections are slices of the fuzz input, so that the parsers
 * run exactly as they do on a mapped file, without libelf in the way.
 */
#ifndef GOINSPECT_FUZZIMG_H
#define GOINSPECT_FUZZIMG_H

#include <stdint.h>
#include <string.h>

#include "elfimg.h"
#include "layout.h"

/* Link-time address of the fake .gopclntab; the harnesses also use it as
 * moduledata.gofunc, so funcdata offsets point back into the input. */
#define FUZZ_PCLN_ADDR 0x500000ull

static inline void fuzzimg_init(struct elfimg *img, struct elf_section *sec,
				size_t nsec)
{
	memset(img, 0, sizeof(*img));
	img->fd = -1;
	img->sections = sec;
	img->nsections = nsec;
	img->path[0] = 'f';
	img->path[1] = 0;
}

static inline void fuzzimg_section(struct elf_section *s, const char *name,
				   uint64_t addr, const uint8_t *data,
				   size_t size)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->addr = addr;
	s->size = size;
	s->data = data;
}

static inline uint64_t fuzz_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The layout of Go 1.minor, falling back to 1.26. */
static inline const struct layout *fuzz_layout(int minor)
{
	struct go_version v = { 1, minor, 0 };
	const struct layout *l = layout_for_version(&v);

	if (!l) {
		v.minor = 26;
		l = layout_for_version(&v);
	}
	return l;
}

#endif
