/*
 * arch.h - what is specific to the CPU: registers, where the current g is
 * kept, and the little instruction decoding needed on stripped binaries.
 * amd64 only for now (arch_amd64.c); arm64 would sit beside it.
 */
#ifndef GOINSPECT_ARCH_H
#define GOINSPECT_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

struct goproc;

/* Address of the TLS slot that holds the current g (FS base - 8). */
uint64_t arch_tls_g_slot(const struct user_regs_struct *regs);

/*
 * Collect the targets of RIP-relative memory operands in code (which is
 * loaded at runtime address addr).  Returns how many were stored in out
 * (at most max), de-duplicated, in order of appearance.
 */
size_t arch_rip_targets(const uint8_t *code, size_t len, uint64_t addr,
			uint64_t *out, size_t max);

/*
 * Read runtime.buildVersion without symbols: runtime.schedinit compares
 * it with "" (proc.go), so one of its RIP-relative operands is the string
 * header.  Needs gp->pcln opened (a provisional layout is enough: the
 * _func fields used are the same within a pclntab format).  0 or -1.
 */
int arch_build_version(struct goproc *gp, char *buf, size_t len);

/* Find allgs/allglen/allm/allp without symbols.  0 or -1 (diag_set). */
int arch_find_globals(struct goproc *gp);

#endif
