/*
 * diag.h - the one place goinspect talks to the user about problems.
 *
 * Lower layers never print: they return -1 and leave a reason with
 * diag_set().  The command layer decides whether that reason becomes an
 * error message, a warning, or nothing.  Everything goes to stderr.
 */
#ifndef GOINSPECT_DIAG_H
#define GOINSPECT_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* Exit codes; documented in man/goinspect.1 (EXIT STATUS). */
enum {
	EXIT_OK = 0,
	EXIT_PARTIAL = 1,       /* some goroutines or frames could not be read */
	EXIT_ATTACH = 2,        /* could not attach, read or understand the target */
	EXIT_UNSUPPORTED = 3,   /* Go release or architecture goinspect does not know */
	EXIT_USAGE = 64,
};

#define PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Remember why the last operation failed; replaces the previous reason. */
void diag_set(const char *fmt, ...) PRINTF(1, 2);
/* The last reason set, or "unknown error". */
const char *diag_reason(void);

void diag_error(const char *fmt, ...) PRINTF(1, 2);
void diag_warn(const char *fmt, ...) PRINTF(1, 2);
void diag_debug(const char *fmt, ...) PRINTF(1, 2);
void diag_set_verbose(int level);
int diag_verbose(void);

/* Print "goinspect: MSG" plus "Try 'goinspect --help'" and exit 64. */
void diag_usage(const char *fmt, ...) PRINTF(1, 2) __attribute__((noreturn));

/* Allocation that cannot fail quietly: out of memory ends the program. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Grow *p (of *cap elements of size sz) so it holds at least need. */
void xgrow(void **p, size_t *cap, size_t need, size_t sz);

#endif
