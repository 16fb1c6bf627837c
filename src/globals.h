/*
 * globals.h - find the runtime's global tables (allgs, allm, allp, sched,
 * firstmoduledata, waitReasonStrings) in a live Go process.
 *
 * With a symbol table this is a lookup.  A stripped binary has none, but
 * its pclntab still names every function: the addresses are then taken
 * from the RIP-relative operands of runtime functions that use them (see
 * arch_amd64.c) and validated before use.
 */
#ifndef GOINSPECT_GLOBALS_H
#define GOINSPECT_GLOBALS_H

#include <stddef.h>

struct goproc;

/* Locate runtime.firstmoduledata (needs only the image and the target). */
int globals_find_moduledata(struct goproc *gp);
/* Locate the other globals; needs the pclntab.  0 or -1 (diag_set). */
int globals_find(struct goproc *gp);
/* Read runtime.buildVersion ("go1.26.8") into buf; 0 or -1. */
int globals_build_version(struct goproc *gp, char *buf, size_t len);

#endif
