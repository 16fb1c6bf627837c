/*
 * fuzzproc.h - helpers of the harnesses that read Go values and type
 * descriptors: a struct goproc made from a real Go executable without a
 * process (its DWARF, build info and pclntab give the type set), and a
 * struct gomem that serves the fuzz input as target memory.
 *
 * fuzz.sh builds fixtures/values with Go 1.26 (swiss maps; values-new)
 * and Go 1.19 (bucket maps; values-old) into FUZZ_GOBIN_DIR, which it
 * passes on the command line.
 */
#ifndef GOINSPECT_FUZZPROC_H
#define GOINSPECT_FUZZPROC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "gotype.h"
#include "goproc.h"

#ifndef FUZZ_GOBIN_DIR
#define FUZZ_GOBIN_DIR "fuzz-gobin"
#endif

/* Where the input's bytes start in the fake address space. */
#define FUZZ_MEM_BASE 0xc000000000ull
/* Reads longer than this fail, so a garbage length costs no time. */
#define FUZZ_MEM_MAX_READ (1u << 20)

/*
 * The input as memory: every address in [0x1000, 2^47) is readable and
 * holds mem[(addr - FUZZ_MEM_BASE) mod n], so pointers read from the input
 * lead back into it wherever they point; nil-ish and kernel addresses
 * fail, as they do in a real process.
 */
struct fuzzmem {
	const uint8_t *p;
	size_t n;
};

static inline int fuzzmem_read(void *ctx, uint64_t addr, void *buf,
			       size_t len)
{
	const struct fuzzmem *m = ctx;
	uint8_t *out = buf;
	size_t off, k;

	if (len == 0)
		return 0;
	if (!m->n || len > FUZZ_MEM_MAX_READ || addr < 0x1000 ||
	    addr >= (1ull << 47) || len > (1ull << 47) - addr)
		return -1;
	off = (size_t)((addr - FUZZ_MEM_BASE) % m->n);
	while (len) {
		k = m->n - off < len ? m->n - off : len;
		memcpy(out, m->p + off, k);
		out += k;
		len -= k;
		off = 0;
	}
	return 0;
}

/*
 * Open the Go executable path as goproc_open() would, minus the process:
 * reads of target memory fail (pid -1), and descriptor name offsets are
 * taken from FUZZ_MEM_BASE so they land in the input.  Aborts when the
 * executable is not there: the harness was built without it.
 */
static inline void fuzzproc_open(struct goproc *gp, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", FUZZ_GOBIN_DIR, name);
	memset(gp, 0, sizeof(*gp));
	gp->pid = -1;
	gp->tgt.pid = -1;
	gp->tgt.memfd = -1;
	if (elfimg_open(&gp->img, 0, path) < 0 ||
	    elfimg_buildinfo(&gp->img) < 0 || !gp->img.bi.go_version ||
	    layout_parse_version(gp->img.bi.go_version, &gp->ver) < 0 ||
	    !(gp->L = layout_for_version(&gp->ver))) {
		fprintf(stderr, "fuzzproc: cannot use %s: %s\n", path,
			diag_reason());
		abort();
	}
	snprintf(gp->version, sizeof(gp->version), "%s",
		 gp->img.bi.go_version);
	if (pclntab_open(&gp->pcln, &gp->img, gp->L, 0, 0) < 0) {
		fprintf(stderr, "fuzzproc: %s: no pclntab: %s\n", path,
			diag_reason());
		abort();
	}
	gp->types = FUZZ_MEM_BASE;
}

#endif
