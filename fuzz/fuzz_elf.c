/*
 * fuzz_elf.c - libFuzzer harness for src/elfimg.c: a whole executable.
 *
 * The input is written to a memfd and opened with elfimg_open() through
 * its /proc/self/fd path, as goinspect opens the target's program: libelf
 * reads the headers, then goinspect's own code loads the sections, the
 * symbol table and the program headers, and the harness goes on as
 * goproc_open() does: build info, the pclntab (a few functions), symbol
 * lookups, reads by address.  DWARF is left out: libdw is not ours.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzzimg.h"
#include "pclntab.h"

static const char *const syms[] = {
	"runtime.firstmoduledata", "runtime.allgs", "runtime.allm",
	"runtime.buildVersion", "", "zzzz",
};

static void walk(const struct elfimg *img)
{
	static struct pclntab t;        /* its value cache is reused */
	const struct elf_section *s = elfimg_pclntab(img);
	struct gofunc f;
	uint8_t buf[16];
	const char *file;
	int32_t line;

	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		(void)elfimg_symbol(img, syms[i]);
	for (size_t i = 0; i < img->nsections; i++) {
		(void)elfimg_read(img, img->sections[i].addr, buf, sizeof(buf));
		(void)elfimg_section_at(img, img->sections[i].addr + 8);
	}
	if (!s)
		return;
	if (pclntab_open(&t, img, fuzz_layout(26), 0, 0) < 0)
		return;
	for (uint64_t i = 0; i < t.nfunc && i < 16; i++) {
		if (pclntab_func_at(&t, i, &f) < 0)
			continue;
		(void)pclntab_name(&t, &f);
		(void)pclntab_spdelta(&t, &f, f.entry + 1);
		pclntab_fileline(&t, &f, f.entry + 1, &file, &line);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct elfimg img;

	if (fd < 0) {
		fd = memfd_create("fuzz-elf", 0);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 ||
	    (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	if (elfimg_open(&img, 0, path) == 0) {
		elfimg_buildinfo(&img);
		walk(&img);
	}
	elfimg_close(&img);
	return 0;
}
