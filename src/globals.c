/*
 * globals.c - where the runtime keeps its global tables.
 */
#include "globals.h"
#include "arch.h"
#include "diag.h"
#include "goproc.h"

#include <stdlib.h>
#include <string.h>

#define NOPTRDATA_SCAN_MAX (64u << 20)

/* Runtime address of a symbol, or 0. */
static uint64_t sym_addr(struct goproc *gp, const char *name, uint64_t *size)
{
	const struct elf_symbol *s = elfimg_symbol(&gp->img, name);

	if (!s)
		return 0;
	if (size)
		*size = s->size;
	return s->addr + gp->img.bias;
}

/*
 * Without symbols: runtime.firstmoduledata lives in .noptrdata and its
 * first word points at the pclntab header.  Scan the live section (the
 * file copy of a PIE may hold zeros where relocations go) for that value.
 */
static int scan_for_moduledata(struct goproc *gp)
{
	/* Go 1.26 gave the moduledata a section of its own. */
	const struct elf_section *nd = elfimg_section(&gp->img, ".go.module");
	const struct elf_section *pc = elfimg_pclntab(&gp->img);
	uint64_t want, *buf, n;

	if (!nd)
		nd = elfimg_section(&gp->img, ".noptrdata");
	if (!nd || !pc || nd->size > NOPTRDATA_SCAN_MAX) {
		diag_set("cannot locate runtime.firstmoduledata: no .noptrdata");
		return -1;
	}
	want = pc->addr + gp->img.bias;
	n = nd->size / 8;
	buf = xmalloc(n * 8);
	if (target_read(&gp->tgt, nd->addr + gp->img.bias, buf, n * 8) < 0) {
		free(buf);
		diag_set("cannot read .noptrdata of process %d", (int)gp->pid);
		return -1;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (buf[i] == want) {
			gp->gl.moduledata = nd->addr + gp->img.bias + i * 8;
			free(buf);
			return 0;
		}
	}
	free(buf);
	diag_set("cannot locate runtime.firstmoduledata in .noptrdata");
	return -1;
}

int globals_find_moduledata(struct goproc *gp)
{
	gp->gl.moduledata = sym_addr(gp, "runtime.firstmoduledata", NULL);
	if (gp->gl.moduledata)
		return 0;
	return scan_for_moduledata(gp);
}

int globals_build_version(struct goproc *gp, char *buf, size_t len)
{
	uint64_t a = sym_addr(gp, "runtime.buildVersion", NULL), hdr[2];

	if (!a || target_read(&gp->tgt, a, hdr, 16) < 0 || hdr[1] == 0 ||
	    hdr[1] >= len || hdr[1] > 64 ||
	    target_read(&gp->tgt, hdr[0], buf, hdr[1]) < 0)
		return -1;
	buf[hdr[1]] = 0;
	return strncmp(buf, "go1.", 4) && strncmp(buf, "devel", 5) ? -1 : 0;
}

static int from_symbols(struct goproc *gp)
{
	struct goglobals *gl = &gp->gl;
	uint64_t size = 0;

	gl->allgs = sym_addr(gp, "runtime.allgs", NULL);
	gl->allglen = sym_addr(gp, "runtime.allglen", NULL);
	gl->allm = sym_addr(gp, "runtime.allm", NULL);
	gl->allp = sym_addr(gp, "runtime.allp", NULL);
	gl->sched = sym_addr(gp, "runtime.sched", NULL);
	gl->gomaxprocs = sym_addr(gp, "runtime.gomaxprocs", NULL);
	gl->gcphase = sym_addr(gp, "runtime.gcphase", NULL);
	gl->fing_status = sym_addr(gp, "runtime.fingStatus", NULL);
	gl->fing_running = sym_addr(gp, "runtime.fingRunning", NULL);
	gl->wait_reasons = sym_addr(gp, "runtime.waitReasonStrings", &size);
	gl->wait_reasons_count = (int)(size / 16);
	gl->how = "symbols";
	return gl->allgs && gl->allglen && gl->allm ? 0 : -1;
}

int globals_find(struct goproc *gp)
{
	if (from_symbols(gp) == 0)
		return 0;
	if (arch_find_globals(gp) == 0) {
		gp->gl.how = "code";
		return 0;
	}
	return -1;
}
