/*
 * layout.h - where the Go runtime keeps things, per Go release.
 *
 * goinspect reads runtime structures (g, m, p, schedt, moduledata, _func)
 * straight out of the target's memory, so it has to know their field
 * offsets.  Those move between releases.  This module holds one table per
 * supported release (1.19 to 1.27, linux/amd64), chooses one from the Go
 * version the binary was built with, and, when the binary carries DWARF,
 * checks the table against the DWARF type info so a wrong table is caught
 * instead of printing garbage.
 *
 * Every offset is in bytes from the start of its struct.  An offset of -1
 * means the field does not exist in that release (for instance
 * g.parentGoid before Go 1.21).
 */
#ifndef GOINSPECT_LAYOUT_H
#define GOINSPECT_LAYOUT_H

#include <stdint.h>

struct Dwarf;                   /* libdw handle; opaque here */

struct go_version {
	int major, minor, patch;    /* go1.26.8 -> 1, 26, 8; patch 0 if absent */
};

struct layout_g {
	int size;                   /* sizeof(runtime.g) */
	int stack_lo, stack_hi;     /* g.stack.lo / g.stack.hi */
	int stackguard0;
	int m;                      /* *m the g runs on, or 0 */
	int sched_sp, sched_pc, sched_bp, sched_lr; /* g.sched (gobuf) fields */
	int syscallsp, syscallpc, syscallbp;        /* syscallbp: 1.23+ */
	int atomicstatus;           /* uint32 */
	int goid;                   /* int64 / uint64 */
	int schedlink;
	int waitsince;              /* int64 nanotime */
	int waitreason;             /* uint8 */
	int lockedm;                /* muintptr */
	int parent_goid;            /* uint64, 1.21+ */
	int gopc;                   /* pc of the go statement */
	int ancestors;
	int startpc;
	int waiting;                /* *sudog */
	int labels;                 /* unsafe.Pointer to pprof labels */
};

struct layout_m {
	int size;
	int g0, procid, gsignal, tls, curg, p, id;
	int spinning, blocked;      /* bool */
	int alllink, schedlink, lockedg;
	int ncgocall;               /* uint64 */
	int throwing;               /* int32 throwType (1.20+; bool-ish before) */
};

struct layout_p {
	int size;
	int id, status, link, m;
	int runqhead, runqtail;     /* uint32 */
	int runq;                   /* [256]guintptr */
	int runq_len;               /* entries in runq: 256 */
	int runnext;
	int timers_len;             /* offset of the int length of the P's timer heap */
};

struct layout_sched {
	int goidgen;
	int midle, nmidle, nmidlelocked, mnext, maxmcount, nmsys;
	int pidle, npidle, nmspinning;
	int runq_head;              /* sched.runq (gQueue) head guintptr */
	int runqsize;               /* int32 count (older), or the gQueue size field */
	int gcwaiting;              /* uint32/atomic.Bool; -1 if unknown */
};

/* runtime.moduledata: the per-module table the runtime builds at link time. */
struct layout_moduledata {
	int pcheader;               /* *pcHeader */
	int funcnametab, cutab, filetab, pctab, pclntable, ftab; /* slices */
	int findfunctab, minpc, maxpc;
	int text, etext, noptrdata, enoptrdata, data, edata;
	int bss, ebss, noptrbss, enoptrbss;
	int types, etypes, rodata, gofunc;
	int typelinks, itablinks;   /* []int32 / []*itab slices */
	int modulename;             /* string */
	int next;                   /* *moduledata */
};

/* _func as stored in the pclntab (1.18+ encoding). */
struct layout_func {
	int entryoff, nameoff, args, deferreturn;
	int pcsp, pcfile, pcln, npcdata, cuoffset;
	int startline;              /* 1.20+, else -1 */
	int funcid, flag, nfuncdata;
	int pcdata;                 /* start of the pcdata[] u32 array */
	/* funcID values differ between releases; these are what we need. */
	int funcid_wrapper;
	int funcid_goexit, funcid_gopanic, funcid_mstart, funcid_systemstack;
	int funcid_runtime_main;
};

struct layout {
	struct go_version from;     /* first release this table covers */
	struct go_version to;       /* last release it covers (inclusive) */
	struct layout_g g;
	struct layout_m m;
	struct layout_p p;
	struct layout_sched sched;
	struct layout_moduledata md;
	struct layout_func fn;

	/* g.atomicstatus values that differ: -1 if absent in this release. */
	int gstatus_leaked;         /* _Gleaked (1.26+ experiment) */
	int gstatus_deadextra;      /* _Gdeadextra */

	/* Fallback wait-reason names, index = g.waitreason.  Used only when
	 * runtime.waitReasonStrings cannot be read from the target. */
	const char *const *wait_reasons;
	int n_wait_reasons;

	/* Traceback format of this release. */
	int tb_created_in_goroutine;    /* "created by F in goroutine N" (1.21+) */
	int tb_elide_split;             /* 1.21+: first 50 / last 50 frames */
	int tb_max_frames;              /* 100 */
	int gobuf_has_ret;              /* <= 1.23 */
	int kind_direct_iface_in_tflag; /* 1.26+: TFlag 0x20 instead of Kind 0x20 */
	int swiss_maps;                 /* 1.24+ default map layout */
};

/*
 * Parse "go1.26.8", "go1.21rc2", "devel go1.27-abcdef ..." into *v.
 * Returns 0, or -1 if the string is not a Go version.
 */
int layout_parse_version(const char *s, struct go_version *v);

/*
 * The table for release v, or NULL if goinspect does not know that release.
 * The returned table is static; never free it.
 */
const struct layout *layout_for_version(const struct go_version *v);

/*
 * Compare the table against the binary's DWARF (struct member offsets of
 * runtime.g, runtime.m, runtime.p, runtime.schedt, runtime.moduledata,
 * runtime._func).  Returns the number of mismatches found (0 = all agree)
 * and, if msg is not NULL, describes the first mismatch in msg.
 * Returns -1 if the DWARF lacks the types (then nothing was checked).
 */
int layout_check_dwarf(const struct layout *l, struct Dwarf *dw,
		       char *msg, int msglen);

/*
 * Overwrite the table's offsets with the ones found in DWARF, for a release
 * goinspect has no table for (used with --force-version).  Returns a
 * heap-allocated copy that the caller frees, or NULL if DWARF lacks the types.
 */
struct layout *layout_from_dwarf(const struct layout *base, struct Dwarf *dw);

#endif
