/*
 * diag.c - error reasons, user messages and checked allocation.
 */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char last_reason[512];
static int verbose;

void diag_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_reason, sizeof(last_reason), fmt, ap);
	va_end(ap);
}

const char *diag_reason(void)
{
	return last_reason[0] ? last_reason : "unknown error";
}

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "goinspect: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void diag_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

void diag_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("warning: ", fmt, ap);
	va_end(ap);
}

void diag_debug(const char *fmt, ...)
{
	va_list ap;

	if (verbose < 2)
		return;
	va_start(ap, fmt);
	vprint("debug: ", fmt, ap);
	va_end(ap);
}

void diag_set_verbose(int level)
{
	verbose = level;
}

int diag_verbose(void)
{
	return verbose;
}

void diag_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'goinspect --help' for more information.\n");
	exit(EXIT_USAGE);
}

static void *oom(size_t n)
{
	fprintf(stderr, "goinspect: out of memory (%zu bytes)\n", n);
	exit(EXIT_ATTACH);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom(n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	return p ? p : oom(n * size);
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	return q ? q : oom(n);
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void xgrow(void **p, size_t *cap, size_t need, size_t sz)
{
	size_t n = *cap ? *cap : 16;

	if (need <= *cap)
		return;
	while (n < need)
		n *= 2;
	*p = xrealloc(*p, n * sz);
	*cap = n;
}
