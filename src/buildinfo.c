/*
 * buildinfo.c - decode the .go.buildinfo section (Go 1.18 and later).
 *
 * The section starts with a 32-byte header: the magic "\xff Go buildinf:",
 * the pointer size, and a flags byte.  Since Go 1.18 (flag bit 2) the
 * version string and the module info follow the header inline, each
 * prefixed by its length as a uvarint.  The module info is wrapped in two
 * 16-byte sentinels that we strip.
 */
#include "elfimg.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#define BUILDINFO_MAGIC "\xff Go buildinf:"
#define BUILDINFO_HDR 32
#define FLAG_INLINE_STRINGS 0x2

/* Decode a uvarint at *p (bounded by end); returns -1 on overflow. */
static int64_t uvarint(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;

	for (int shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t b = *(*p)++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v > (uint64_t)INT64_MAX ? -1 : (int64_t)v;
	}
	return -1;
}

static char *take_string(const uint8_t **p, const uint8_t *end)
{
	int64_t n = uvarint(p, end);
	char *s;

	if (n < 0 || n > end - *p)
		return NULL;
	s = xmalloc((size_t)n + 1);
	memcpy(s, *p, (size_t)n);
	s[n] = 0;
	*p += n;
	return s;
}

static void strip_sentinels(char *mi)
{
	size_t n = strlen(mi);

	if (n >= 33 && mi[n - 17] == '\n') {
		memmove(mi, mi + 16, n - 32);
		mi[n - 32] = 0;
	}
}

/* Find "mod\tPATH\tVERSION" in modinfo. */
static void parse_main_module(struct buildinfo *bi)
{
	const char *line = bi->modinfo;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);

		if (len > 4 && !strncmp(line, "mod\t", 4)) {
			const char *path = line + 4;
			const char *tab = memchr(path, '\t', len - 4);
			size_t plen = tab ? (size_t)(tab - path) : len - 4;

			bi->main_path = strndup(path, plen);
			if (tab) {
				const char *v = tab + 1;
				const char *t2 = memchr(v, '\t', len - (v - line));

				bi->main_version = strndup(v, t2 ? (size_t)(t2 - v)
							   : len - (v - line));
			}
			return;
		}
		line = eol ? eol + 1 : NULL;
	}
}

int elfimg_buildinfo(struct elfimg *img)
{
	const struct elf_section *s = elfimg_section(img, ".go.buildinfo");
	const uint8_t *p, *end;

	if (!s || !s->data || s->size < BUILDINFO_HDR ||
	    memcmp(s->data, BUILDINFO_MAGIC, 14) != 0) {
		diag_set("no .go.buildinfo section");
		return -1;
	}
	if (!(s->data[15] & FLAG_INLINE_STRINGS)) {
		diag_set(".go.buildinfo predates Go 1.18");
		return -1;
	}
	p = s->data + BUILDINFO_HDR;
	end = s->data + s->size;
	img->bi.go_version = take_string(&p, end);
	img->bi.modinfo = take_string(&p, end);
	if (!img->bi.go_version) {
		diag_set(".go.buildinfo is damaged");
		return -1;
	}
	if (img->bi.modinfo) {
		strip_sentinels(img->bi.modinfo);
		parse_main_module(&img->bi);
	}
	return 0;
}

int buildinfo_setting(const struct buildinfo *bi, const char *key,
		      char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *line = bi->modinfo;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);

		if (n > 6 + klen && !strncmp(line, "build\t", 6) &&
		    !strncmp(line + 6, key, klen) && line[6 + klen] == '=') {
			size_t vlen = n - 7 - klen;

			if (vlen >= len)
				vlen = len - 1;
			memcpy(buf, line + 7 + klen, vlen);
			buf[vlen] = 0;
			return 0;
		}
		line = eol ? eol + 1 : NULL;
	}
	return -1;
}
