/*
 * native.h - native (C) backtraces of stopped threads with libunwind-ptrace,
 * for threads that are not running a goroutine: cgo calls, the C threads of
 * a cgo program, runtime threads sitting in the kernel on g0.
 *
 * Only reads: libunwind-ptrace reads registers and memory of a thread that
 * is already ptrace-stopped (goinspect holds it); it never writes.
 */
#ifndef GOINSPECT_NATIVE_H
#define GOINSPECT_NATIVE_H

#include <stdint.h>
#include <sys/types.h>

#define NATIVE_MAX_FRAMES 64

struct native_frame {
	uint64_t pc;
	uint64_t off;           /* pc - start of the symbol, if named */
	char name[96];          /* from the ELF symbols of the object, or "" */
};

struct native_stack {
	pid_t tid;
	int n;
	struct native_frame f[NATIVE_MAX_FRAMES];
	char err[96];           /* why the walk stopped early, or "" */
};

/* Walk the stack of stopped thread tid into *st.  Returns 0, or -1 if not
 * even the first frame could be read (st->err says why). */
int native_backtrace(pid_t tid, struct native_stack *st);

#endif
