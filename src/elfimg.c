/*
 * elfimg.c - read the target's executable with libelf.
 */
#define _GNU_SOURCE
#include "elfimg.h"
#include "diag.h"

#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int sym_cmp(const void *a, const void *b)
{
	return strcmp(((const struct elf_symbol *)a)->name,
		      ((const struct elf_symbol *)b)->name);
}

static void load_sections(struct elfimg *img, Elf *e)
{
	size_t shstrndx, n = 0;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(e, &shstrndx) != 0 ||
	    elf_getshdrnum(e, &n) != 0)
		return;
	img->sections = xcalloc(n, sizeof(*img->sections));
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		struct elf_section *s = &img->sections[img->nsections];
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name)
			continue;
		s->name = name;
		s->addr = sh.sh_addr;
		s->size = sh.sh_size;
		s->offset = sh.sh_offset;
		if (sh.sh_type != SHT_NOBITS && sh.sh_offset <= img->map_size &&
		    sh.sh_size <= img->map_size - sh.sh_offset)
			s->data = img->map + sh.sh_offset;
		if (!strncmp(name, ".debug_", 7) || !strncmp(name, ".zdebug_", 8))
			img->has_dwarf = 1;
		img->nsections++;
	}
}

static void load_symbols(struct elfimg *img, Elf *e)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t count;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    sh.sh_entsize == 0)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		count = sh.sh_size / sh.sh_entsize;
		img->symbols = xcalloc(count, sizeof(*img->symbols));
		for (size_t i = 0; i < count; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(d, (int)i, &sym))
				continue;
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			img->symbols[img->nsymbols].name = name;
			img->symbols[img->nsymbols].addr = sym.st_value;
			img->symbols[img->nsymbols].size = sym.st_size;
			img->nsymbols++;
		}
		qsort(img->symbols, img->nsymbols, sizeof(*img->symbols),
		      sym_cmp);
		return;
	}
}

static void load_program_headers(struct elfimg *img, Elf *e)
{
	size_t n = 0;

	if (elf_getphdrnum(e, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_INTERP)
			img->has_interp = 1;
	}
}

/* The lowest link address of a PT_LOAD segment with file offset 0. */
static uint64_t first_load_vaddr(Elf *e)
{
	size_t n = 0;

	if (elf_getphdrnum(e, &n) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD)
			return ph.p_vaddr - ph.p_offset;
	}
	return 0;
}

/*
 * A PIE is loaded at a random address: find the mapping of our file at
 * offset 0 in /proc/PID/maps.  The file is matched by device and inode,
 * which holds even when the path is in another mount namespace.  With
 * a file given instead of /proc/PID/exe (a copy of the program), the
 * process's own executable is what is mapped.
 */
static int find_bias(struct elfimg *img, pid_t pid, Elf *e, int override)
{
	char path[64], line[4096];
	struct stat st;
	FILE *f;

	if (!img->is_pie || pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if ((override ? stat(path, &st) : fstat(img->fd, &st)) != 0) {
		diag_set("%s: %s", override ? path : img->path,
			 strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	if (!f) {
		diag_set("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lo, off, ino;
		unsigned maj, min;

		if (sscanf(line, "%llx-%*x %*4s %llx %x:%x %llu", &lo, &off,
			   &maj, &min, &ino) != 5)
			continue;
		if (ino != st.st_ino || off != 0)
			continue;
		img->bias = lo - first_load_vaddr(e);
		fclose(f);
		return 0;
	}
	fclose(f);
	diag_set("cannot find where %s is mapped in process %d", img->path,
		 (int)pid);
	return -1;
}

static int map_file(struct elfimg *img, pid_t pid, const char *path)
{
	char link[64];
	struct stat st;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = path ? -1 : readlink(link, img->path, sizeof(img->path) - 1);
	if (n > 0)
		img->path[n] = 0;
	else
		snprintf(img->path, sizeof(img->path), "%s",
			 path ? path : link);
	/* O_NONBLOCK: a FIFO given as --exe must not hang the open; it is
	 * refused below as not a regular file. */
	img->fd = open(path ? path : link, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (img->fd < 0) {
		int err = errno;

		/* /proc/PID/exe needs ptrace access to the process. */
		diag_set("open %s: %s%s", path ? path : link, strerror(err),
			 err == EACCES && !path ? " (run goinspect as the"
			 " target's user, or with CAP_SYS_PTRACE as root)" :
			 "");
		return -1;
	}
	if (fstat(img->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_set("%s: not a regular file", img->path);
		return -1;
	}
	if (st.st_size <= 0) {
		diag_set("%s: empty or unreadable file", img->path);
		return -1;
	}
	img->map_size = (size_t)st.st_size;
	img->map = mmap(NULL, img->map_size, PROT_READ, MAP_PRIVATE,
			img->fd, 0);
	if (img->map == MAP_FAILED) {
		img->map = NULL;
		diag_set("mmap %s: %s", img->path, strerror(errno));
		return -1;
	}
	return 0;
}

int elfimg_open(struct elfimg *img, pid_t pid, const char *path)
{
	GElf_Ehdr eh;
	Elf *e;

	memset(img, 0, sizeof(*img));
	img->fd = -1;
	if (map_file(img, pid, path) < 0)
		return -1;
	elf_version(EV_CURRENT);
	/* libelf maps the file itself: libdw decompresses .zdebug sections
	 * in place, which must not touch our read-only mapping. */
	e = elf_begin(img->fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		diag_set("%s is not an ELF file", img->path);
		if (e)
			elf_end(e);
		return -1;
	}
	img->elf = e;
	img->is_pie = eh.e_type == ET_DYN;
	img->is_amd64 = eh.e_machine == EM_X86_64 &&
			gelf_getclass(e) == ELFCLASS64;
	load_sections(img, e);
	load_symbols(img, e);
	load_program_headers(img, e);
	return find_bias(img, pid, e, path != NULL);
}

void elfimg_close(struct elfimg *img)
{
	if (img->dwarf)
		dwarf_end(img->dwarf);
	if (img->elf)
		elf_end(img->elf);
	if (img->map)
		munmap((void *)img->map, img->map_size);
	if (img->fd >= 0)
		close(img->fd);
	free(img->sections);
	free(img->symbols);
	free(img->bi.go_version);
	free(img->bi.modinfo);
	free(img->bi.main_path);
	free(img->bi.main_version);
	memset(img, 0, sizeof(*img));
	img->fd = -1;
}

const struct elf_section *elfimg_section(const struct elfimg *img,
					 const char *name)
{
	for (size_t i = 0; i < img->nsections; i++)
		if (!strcmp(img->sections[i].name, name))
			return &img->sections[i];
	return NULL;
}

const struct elf_section *elfimg_pclntab(const struct elfimg *img)
{
	const struct elf_section *s = elfimg_section(img, ".gopclntab");

	return s ? s : elfimg_section(img, ".data.rel.ro.gopclntab");
}

const struct elf_section *elfimg_section_at(const struct elfimg *img,
					    uint64_t addr)
{
	for (size_t i = 0; i < img->nsections; i++) {
		const struct elf_section *s = &img->sections[i];

		if (s->addr && addr >= s->addr && addr - s->addr < s->size)
			return s;
	}
	return NULL;
}

const struct elf_symbol *elfimg_symbol(const struct elfimg *img,
				       const char *name)
{
	struct elf_symbol key = { .name = name };

	if (!img->nsymbols)
		return NULL;
	return bsearch(&key, img->symbols, img->nsymbols,
		       sizeof(*img->symbols), sym_cmp);
}

int elfimg_read(const struct elfimg *img, uint64_t addr, void *buf,
		size_t len)
{
	const struct elf_section *s = elfimg_section_at(img, addr);

	if (!s || !s->data || len > s->size - (addr - s->addr))
		return -1;
	memcpy(buf, s->data + (addr - s->addr), len);
	return 0;
}

struct Dwarf *elfimg_dwarf(struct elfimg *img)
{
	if (!img->has_dwarf)
		return NULL;
	if (!img->dwarf)
		img->dwarf = dwarf_begin_elf(img->elf, DWARF_C_READ, NULL);
	return img->dwarf;
}
