/*
 * arch_amd64.c - amd64 specifics: the g in TLS, and finding runtime
 * globals in stripped binaries by reading the code that uses them.
 *
 * A stripped Go binary has no symbol for runtime.allgs, but its pclntab
 * still says where runtime.allgadd is, and allgadd's code loads and stores
 * allgs and allglen with RIP-relative operands.  We collect those operand
 * addresses, then keep only the candidates whose contents pass checks a
 * wrong guess would fail (allgs[0] is goroutine 1, allglen equals
 * len(allgs), the M list holds the process's main thread...).  Nothing is
 * used unless it passes.
 */
#include "arch.h"
#include "diag.h"
#include "goproc.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CANDIDATES 512
#define MAX_FUNC_BYTES 8192

uint64_t arch_tls_g_slot(const struct user_regs_struct *regs)
{
	return regs->fs_base - 8;
}

static int seen(const uint64_t *out, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (out[i] == v)
			return 1;
	return 0;
}

/* Bytes of immediate after a RIP-relative operand, for the opcodes we
 * accept; -1 for opcodes we do not look at. */
static int imm_after(uint8_t op)
{
	switch (op) {
	case 0x8b: case 0x89: case 0x8d: case 0x87:     /* mov, lea, xchg */
	case 0x3b: case 0x39: case 0x03: case 0x01:     /* cmp, add */
	case 0x85:                                      /* test */
		return 0;
	case 0xc7:                                      /* mov imm32 */
		return 4;
	case 0x83:                                      /* arith imm8 */
		return 1;
	default:
		return -1;
	}
}

/*
 * We do not decode instruction by instruction: a full x86 length decoder
 * is far more than this needs.  Instead every position is tried as
 * [REX] opcode modrm disp32 with modrm selecting RIP+disp32; stray
 * matches only add candidates, which validation then rejects.
 */
size_t arch_rip_targets(const uint8_t *code, size_t len, uint64_t addr,
			uint64_t *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i + 7 <= len && n < max; i++) {
		int imm = imm_after(code[i]);
		size_t op = 1;          /* opcode bytes */
		int32_t disp;
		uint64_t t;

		if (code[i] == 0x0f && (code[i + 1] == 0xc1 ||   /* xadd */
					code[i + 1] == 0xb1)) {  /* cmpxchg */
			imm = 0;
			op = 2;
		}
		if (imm < 0 || (code[i + op] & 0xc7) != 0x05 ||
		    i + op + 5 + (size_t)imm > len)
			continue;
		memcpy(&disp, code + i + op + 1, 4);
		t = addr + i + op + 5 + (uint64_t)imm + (uint64_t)(int64_t)disp;
		if (!seen(out, n, t))
			out[n++] = t;
	}
	return n;
}

/* RIP-relative targets of the named runtime function. */
static size_t func_targets(struct goproc *gp, const char *name,
			   uint64_t *out, size_t max)
{
	struct gofunc f, next;
	uint8_t *code;
	size_t len, n;
	uint64_t i;

	if (pclntab_find_name(&gp->pcln, name, &f) < 0)
		return 0;
	len = MAX_FUNC_BYTES;
	for (i = 0; i < gp->pcln.nfunc; i++)
		if (pclntab_func_at(&gp->pcln, i, &next) == 0 &&
		    next.entry > f.entry && next.entry - f.entry < len)
			len = (size_t)(next.entry - f.entry);
	code = xmalloc(len);
	if (elfimg_read(&gp->img, f.entry - gp->img.bias, code, len) < 0) {
		free(code);
		return 0;
	}
	n = arch_rip_targets(code, len, f.entry, out, max);
	free(code);
	return n;
}

static int read_u64(struct goproc *gp, uint64_t a, uint64_t *v)
{
	return target_read_u64(&gp->tgt, a, v);
}

/* allgs candidate a: a slice whose first g is goroutine 1; allglen any
 * other candidate holding the slice's length. */
static int try_allgs(struct goproc *gp, const uint64_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t s[3], g0, goid;

		if (target_read(&gp->tgt, c[i], s, 24) < 0 || !s[0] ||
		    s[1] == 0 || s[1] > s[2] || s[2] > (16u << 20))
			continue;
		if (read_u64(gp, s[0], &g0) < 0 ||
		    read_u64(gp, g0 + gp->L->g.goid, &goid) < 0 || goid != 1)
			continue;
		for (size_t j = 0; j < n; j++) {
			uint64_t len;

			if (j != i && c[j] != c[i] + 8 &&
			    read_u64(gp, c[j], &len) == 0 && len == s[1]) {
				gp->gl.allgs = c[i];
				gp->gl.allglen = c[j];
				return 0;
			}
		}
	}
	return -1;
}

/* allm candidate: a list of Ms, bounded, one of which runs the main
 * thread (procid == pid). */
static int try_allm(struct goproc *gp, const uint64_t *c, size_t n)
{
	const struct layout_m *M = &gp->L->m;

	for (size_t i = 0; i < n; i++) {
		uint64_t m, tid;
		int steps = 0;

		if (read_u64(gp, c[i], &m) < 0)
			continue;
		while (m && steps++ < 10000) {
			if (read_u64(gp, m + M->procid, &tid) < 0)
				break;
			if (tid == (uint64_t)gp->pid) {
				gp->gl.allm = c[i];
				return 0;
			}
			if (read_u64(gp, m + M->alllink, &m) < 0)
				break;
		}
	}
	return -1;
}

/* allp candidate: a slice of Ps whose ids are their indexes. */
static int try_allp(struct goproc *gp, const uint64_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t s[3], p;
		uint32_t id;
		uint64_t k;

		if (target_read(&gp->tgt, c[i], s, 24) < 0 || !s[0] ||
		    s[1] == 0 || s[1] > s[2] || s[2] > 4096)
			continue;
		for (k = 0; k < s[1]; k++)
			if (read_u64(gp, s[0] + 8 * k, &p) < 0 || !p ||
			    target_read(&gp->tgt, p + gp->L->p.id, &id, 4) < 0 ||
			    id != k)
				break;
		if (k == s[1]) {
			gp->gl.allp = c[i];
			return 0;
		}
	}
	return -1;
}

int arch_build_version(struct goproc *gp, char *buf, size_t len)
{
	uint64_t c[MAX_CANDIDATES];
	size_t n = func_targets(gp, "runtime.schedinit", c, MAX_CANDIDATES);

	for (size_t i = 0; i < n; i++) {
		uint64_t hdr[2];

		if (target_read(&gp->tgt, c[i], hdr, 16) < 0 || hdr[1] < 4 ||
		    hdr[1] >= len || hdr[1] > 128 ||
		    target_read(&gp->tgt, hdr[0], buf, hdr[1]) < 0)
			continue;
		buf[hdr[1]] = 0;
		if (!strncmp(buf, "go1.", 4) || !strncmp(buf, "devel ", 6))
			return 0;
	}
	diag_set("no runtime.buildVersion among %zu operands of"
		 " runtime.schedinit", n);
	return -1;
}

/* Largest goid in allgs: sched.goidgen is never below it. */
static uint64_t max_goid(struct goproc *gp)
{
	uint64_t allgs, n, g, goid, best = 0;

	if (read_u64(gp, gp->gl.allgs, &allgs) < 0 ||
	    read_u64(gp, gp->gl.allglen, &n) < 0)
		return 0;
	for (uint64_t i = 0; i < n && i < (1u << 20); i++)
		if (read_u64(gp, allgs + 8 * i, &g) == 0 &&
		    read_u64(gp, g + gp->L->g.goid, &goid) == 0 && goid > best)
			best = goid;
	return best;
}

/* sched candidate: goidgen (its first word, bumped with LOCK XADD in
 * newproc1) covers every goid handed out, and its counters are sane. */
static int try_sched(struct goproc *gp, const uint64_t *c, size_t n)
{
	const struct layout_sched *S = &gp->L->sched;
	uint64_t top = max_goid(gp), allp[2] = { 0, 0 }, slack;

	/* Each P caches a batch of 16 goids (_GoidCacheBatch), so goidgen
	 * runs at most a batch per P (and one for the global) ahead. */
	if (gp->gl.allp)
		target_read(&gp->tgt, gp->gl.allp, allp, 16);
	slack = 16 * ((allp[1] ? allp[1] : 256) + 1);

	for (size_t i = 0; i < n; i++) {
		uint64_t goidgen;
		int32_t npidle, nmspinning, nmidle;

		if (read_u64(gp, c[i] + S->goidgen, &goidgen) < 0 ||
		    goidgen < top || goidgen > top + slack ||
		    target_read(&gp->tgt, c[i] + S->npidle, &npidle, 4) < 0 ||
		    target_read(&gp->tgt, c[i] + S->nmspinning, &nmspinning,
				4) < 0 ||
		    target_read(&gp->tgt, c[i] + S->nmidle, &nmidle, 4) < 0 ||
		    npidle < 0 || (allp[1] && (uint64_t)npidle > allp[1]) ||
		    npidle > 4096 || nmspinning < 0 ||
		    nmspinning > 4096 || nmidle < 0 || nmidle > 100000)
			continue;
		gp->gl.sched = c[i];
		return 0;
	}
	return -1;
}

int arch_find_globals(struct goproc *gp)
{
	uint64_t c[MAX_CANDIDATES];
	size_t n;

	n = func_targets(gp, "runtime.allgadd", c, MAX_CANDIDATES);
	if (try_allgs(gp, c, n) < 0) {
		diag_set("stripped binary: could not locate runtime.allgs from"
			 " runtime.allgadd (%zu candidates, none valid)", n);
		return -1;
	}
	n = func_targets(gp, "runtime.mcommoninit", c, MAX_CANDIDATES);
	if (try_allm(gp, c, n) < 0) {
		diag_set("stripped binary: could not locate runtime.allm from"
			 " runtime.mcommoninit (%zu candidates, none valid)", n);
		return -1;
	}
	n = func_targets(gp, "runtime.procresize", c, MAX_CANDIDATES);
	if (try_allp(gp, c, n) < 0)
		diag_debug("stripped binary: runtime.allp not found");
	n = func_targets(gp, "runtime.newproc1", c, MAX_CANDIDATES);
	if (try_sched(gp, c, n) < 0)
		diag_debug("stripped binary: runtime.sched not found");
	return 0;
}
