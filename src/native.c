/*
 * native.c - libunwind-ptrace back end for native thread stacks.
 *
 * libunwind uses the .eh_frame of each mapped object, and falls back to
 * the frame-pointer chain where there is none (Go code keeps frame
 * pointers).  Symbol names come from libunwind's own ELF lookup; Go frames
 * are named later from the pclntab by the caller.
 */
#include "native.h"

#include <libunwind-ptrace.h>
#include <stdio.h>
#include <string.h>

int native_backtrace(pid_t tid, struct native_stack *st)
{
	unw_addr_space_t as;
	unw_cursor_t cur;
	void *upt;
	int r;

	memset(st, 0, sizeof(*st));
	st->tid = tid;
	as = unw_create_addr_space(&_UPT_accessors, 0);
	if (!as) {
		snprintf(st->err, sizeof(st->err), "libunwind: no address space");
		return -1;
	}
	upt = _UPT_create(tid);
	if (!upt) {
		unw_destroy_addr_space(as);
		snprintf(st->err, sizeof(st->err), "libunwind: _UPT_create failed");
		return -1;
	}
	r = unw_init_remote(&cur, as, upt);
	while (r >= 0 && st->n < NATIVE_MAX_FRAMES) {
		struct native_frame *f = &st->f[st->n];
		unw_word_t ip, off = 0;

		if (unw_get_reg(&cur, UNW_REG_IP, &ip) < 0 || ip == 0)
			break;
		f->pc = ip;
		if (unw_get_proc_name(&cur, f->name, sizeof(f->name), &off) == 0)
			f->off = off;
		else
			f->name[0] = 0;
		st->n++;
		r = unw_step(&cur);
		if (r == 0)
			break;
	}
	if (r < 0)
		snprintf(st->err, sizeof(st->err), "libunwind: %s",
			 unw_strerror(r));
	_UPT_destroy(upt);
	unw_destroy_addr_space(as);
	return st->n ? 0 : -1;
}
