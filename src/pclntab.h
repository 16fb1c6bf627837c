/*
 * pclntab.h - the Go function table: names, files, lines, frame sizes and
 * inline trees, read from the executable's .gopclntab (Go 1.18+ format).
 *
 * The pclntab survives `-ldflags=-s -w`, so everything here works on
 * stripped binaries.  All program counters in this API are *runtime*
 * addresses (what the target's registers and stacks hold).
 */
#ifndef GOINSPECT_PCLNTAB_H
#define GOINSPECT_PCLNTAB_H

#include <stddef.h>
#include <stdint.h>

struct elfimg;
struct layout;
struct pcvalue_cache;

enum {
	PCDATA_INLTREE_INDEX = 2,
	PCDATA_ARGLIVE_INDEX = 3,
	FUNCDATA_INLTREE = 3,
	FUNCDATA_ARGINFO = 5,
	FUNCDATA_ARGLIVEINFO = 6,
};

enum { FUNCFLAG_TOPFRAME = 1, FUNCFLAG_SPWRITE = 2, FUNCFLAG_ASM = 4 };

struct pclntab {
	const struct elfimg *img;
	const struct layout *layout;
	const uint8_t *hdr;             /* pcHeader in the file image */
	size_t size;
	uint32_t magic;
	uint64_t nfunc;
	uint64_t text_start;            /* runtime address of runtime.text */
	uint64_t gofunc;                /* runtime address of go:func.* */
	uint64_t bias;                  /* runtime - link address */
	const uint8_t *funcnametab, *cutab, *filetab, *pctab, *ftab;
	size_t funcnametab_len, cutab_len, filetab_len, pctab_len, ftab_len;
	int inl_entry_size;             /* 20 before Go 1.20, 16 since */
	struct pcvalue_cache *cache;    /* pclntab_value() results */
};

/* One function, as found by pclntab_find(). */
struct gofunc {
	const uint8_t *raw;             /* its _func record */
	uint64_t entry;                 /* runtime address */
	int32_t nameoff;
	uint32_t pcsp, pcfile, pcln, npcdata, cuoffset;
	uint32_t deferreturn;
	int32_t args;
	uint8_t funcid, flag, nfuncdata;
};

/*
 * Set up from the image's .gopclntab.  *t must be zeroed, or a table
 * opened before (its pc-value cache is kept and emptied).  text_start and gofunc are runtime
 * addresses taken from the live moduledata (pass 0 to use the header's
 * textStart / the image's go:func.* symbol).  Returns 0 or -1 (diag_set).
 */
int pclntab_open(struct pclntab *t, const struct elfimg *img,
		 const struct layout *l, uint64_t text_start, uint64_t gofunc);

/* Free what pclntab_open() and the lookups allocated. */
void pclntab_close(struct pclntab *t);

/* The function containing pc; returns 0, or -1 if pc is in no Go function. */
int pclntab_find(const struct pclntab *t, uint64_t pc, struct gofunc *f);
/* The i-th function of the table (0 <= i < nfunc). */
int pclntab_func_at(const struct pclntab *t, uint64_t i, struct gofunc *f);
/* Find a function by exact name (linear; for the few runtime functions). */
int pclntab_find_name(const struct pclntab *t, const char *name,
		      struct gofunc *f);

/* A NUL-terminated name from funcnametab, or "?" when out of range. */
const char *pclntab_funcname(const struct pclntab *t, int32_t nameoff);
static inline const char *pclntab_name(const struct pclntab *t,
				       const struct gofunc *f)
{
	return pclntab_funcname(t, f->nameoff);
}

/* Value of the pc-value table at offset off for pc; -1 if none.  Results
 * are cached: a dump of many goroutines asks the same few pcs again and
 * again, and each answer otherwise decodes the table from its start. */
int32_t pclntab_value(const struct pclntab *t, const struct gofunc *f,
		      uint32_t off, uint64_t pc);
int32_t pclntab_spdelta(const struct pclntab *t, const struct gofunc *f,
			uint64_t pc);
int32_t pclntab_pcdata(const struct pclntab *t, const struct gofunc *f,
		       uint32_t table, uint64_t pc);
/* Runtime address of funcdata i, or 0 if absent. */
uint64_t pclntab_funcdata(const struct pclntab *t, const struct gofunc *f,
			  uint8_t i);

/* File and line of pc ("?" and 0 if unknown). */
void pclntab_fileline(const struct pclntab *t, const struct gofunc *f,
		      uint64_t pc, const char **file, int32_t *line);

/* One level of the inline tree at pc. */
struct inline_frame {
	int32_t index;                  /* -1: the physical function itself */
	uint64_t pc;                    /* pc giving file/line of this level */
	int32_t nameoff;
	uint8_t funcid;
};

/* Innermost level at pc (a call pc). */
void pclntab_inline_first(const struct pclntab *t, const struct gofunc *f,
			  uint64_t pc, struct inline_frame *uf);
/* Move to the caller level; returns 0, or -1 when past the outermost. */
int pclntab_inline_next(const struct pclntab *t, const struct gofunc *f,
			struct inline_frame *uf);

#endif
