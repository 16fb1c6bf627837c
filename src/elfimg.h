/*
 * elfimg.h - the target's executable as a file: sections, symbols, build
 * info, and where it is loaded.
 *
 * The binary is opened through /proc/PID/exe, so a deleted or replaced
 * executable, or one in another mount namespace, is still the right file.
 * The file is mapped read-only; section data pointers stay valid until
 * elfimg_close().
 */
#ifndef GOINSPECT_ELFIMG_H
#define GOINSPECT_ELFIMG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct Dwarf;

struct elf_section {
	const char *name;
	uint64_t addr;                  /* link-time address */
	uint64_t size;
	uint64_t offset;                /* in the file */
	const uint8_t *data;            /* NULL for NOBITS sections */
};

struct elf_symbol {
	const char *name;
	uint64_t addr;                  /* link-time address */
	uint64_t size;
};

struct buildinfo {
	char *go_version;               /* "go1.26.8" or NULL */
	char *modinfo;                  /* the runtime/debug.BuildInfo text */
	char *main_path, *main_version; /* from the "mod" line */
};

struct elfimg {
	char path[4096];                /* what /proc/PID/exe points to */
	int fd;
	const uint8_t *map;
	size_t map_size;
	void *elf;                      /* Elf * */
	int is_pie;                     /* ET_DYN */
	int is_amd64;
	uint64_t bias;                  /* runtime address - link address */
	struct elf_section *sections;
	size_t nsections;
	struct elf_symbol *symbols;     /* sorted by name */
	size_t nsymbols;
	int has_dwarf;
	int has_interp;                 /* dynamically linked (cgo, external) */
	struct Dwarf *dwarf;            /* lazily opened, may be NULL */
	struct buildinfo bi;
};

/* Open the executable of process pid (path may override /proc/PID/exe). */
int elfimg_open(struct elfimg *img, pid_t pid, const char *path);
void elfimg_close(struct elfimg *img);

/* A section by name, or NULL. */
const struct elf_section *elfimg_section(const struct elfimg *img,
					 const char *name);
/* The pclntab's section: .gopclntab, or .data.rel.ro.gopclntab in PIE
 * binaries of Go 1.19 and earlier; NULL if neither exists. */
const struct elf_section *elfimg_pclntab(const struct elfimg *img);
/* The section holding link-time address addr, or NULL. */
const struct elf_section *elfimg_section_at(const struct elfimg *img,
					    uint64_t addr);
/* A symbol by exact name, or NULL (stripped binaries have none). */
const struct elf_symbol *elfimg_symbol(const struct elfimg *img,
				       const char *name);

/*
 * Copy len bytes at link-time address addr from the file image.
 * Returns 0, or -1 if the range is not backed by file data.
 */
int elfimg_read(const struct elfimg *img, uint64_t addr, void *buf,
		size_t len);

/* The DWARF of the binary, opened on first use; NULL if there is none. */
struct Dwarf *elfimg_dwarf(struct elfimg *img);

/* Parse .go.buildinfo; fills img->bi.  Returns 0 or -1 (no build info). */
int elfimg_buildinfo(struct elfimg *img);

/* Look up one "build" setting in modinfo ("-trimpath", "CGO_ENABLED"...);
 * copies its value into buf and returns 0, or -1 if absent. */
int buildinfo_setting(const struct buildinfo *bi, const char *key,
		      char *buf, size_t len);

#endif
