/*
 * fuzz_pclntab.c - libFuzzer harness for src/pclntab.c.
 *
 * The input is the whole .gopclntab section of a binary: goinspect reads it
 * from the target's executable, which may be damaged or hostile.  The
 * harness opens it, then walks what goinspect walks: every function record
 * (bounded), its name, frame sizes, file and line, pcdata, funcdata and the
 * inline tree, and pc lookups.  funcdata offsets are taken relative to the
 * section itself, so inline trees come from the input too.  Nothing here
 * may crash, hang or read outside the input.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzzimg.h"
#include "pclntab.h"

#define MAX_FUNCS 256           /* functions walked per input */
#define MAX_INLINE 300          /* more than pclntab's own 256 */

static volatile size_t sink;

static void touch(const char *s)
{
	sink += strlen(s);
}

static void walk_inline(const struct pclntab *t, const struct gofunc *f,
			uint64_t pc)
{
	struct inline_frame uf;
	int depth = 0;

	pclntab_inline_first(t, f, pc, &uf);
	do {
		touch(pclntab_funcname(t, uf.nameoff));
	} while (++depth < MAX_INLINE && pclntab_inline_next(t, f, &uf) == 0);
}

static void walk_func(const struct pclntab *t, const struct gofunc *f)
{
	const char *file;
	int32_t line;

	touch(pclntab_name(t, f));
	/* A few pcs in and around the function. */
	for (uint64_t d = 0; d < 0x90; d += 0x11) {
		uint64_t pc = f->entry + d;

		sink += (size_t)pclntab_spdelta(t, f, pc);
		pclntab_fileline(t, f, pc, &file, &line);
		touch(file);
		for (uint32_t k = 0; k < 4; k++)
			sink += (size_t)pclntab_pcdata(t, f, k, pc);
		walk_inline(t, f, pc);
	}
	for (uint8_t i = 0; i < 8; i++)
		sink += (size_t)pclntab_funcdata(t, f, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pclntab t;        /* its value cache is reused */
	struct elf_section sec;
	struct elfimg img;
	struct gofunc f;
	uint32_t magic = 0;
	int minor;

	if (size >= 8)
		memcpy(&magic, data, 4);
	/* The pclntab format follows the release; byte 4 (padding in real
	 * tables) picks the release of the newer format. */
	minor = magic == 0xfffffff0u ? 19 : 20 + (size > 4 ? data[4] % 8 : 6);
	fuzzimg_section(&sec, ".gopclntab", FUZZ_PCLN_ADDR, data, size);
	fuzzimg_init(&img, &sec, 1);
	/* pclntab_open() empties the cache it finds in t. */
	if (pclntab_open(&t, &img, fuzz_layout(minor), 0, FUZZ_PCLN_ADDR) < 0)
		return 0;
	for (uint64_t i = 0; i < t.nfunc && i < MAX_FUNCS; i++)
		if (pclntab_func_at(&t, i, &f) == 0)
			walk_func(&t, &f);
	/* Lookups by pc: around the text start and at input-chosen offsets. */
	for (size_t i = 0; i + 4 <= size && i < 64; i += 4) {
		uint32_t off;

		memcpy(&off, data + size - 4 - i, 4);
		if (pclntab_find(&t, t.text_start + off % 0x10000, &f) == 0)
			walk_inline(&t, &f, t.text_start + off % 0x10000);
	}
	if (pclntab_find_name(&t, "runtime.main", &f) == 0)
		touch(pclntab_name(&t, &f));
	return 0;
}
