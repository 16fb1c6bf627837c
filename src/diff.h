/*
 * diff.h - compare two goroutine dumps: which goroutines appeared,
 * vanished, or changed state between an earlier `goroutines --json` dump
 * and now.  Goroutine ids are never reused by the Go runtime, so an id
 * names the same goroutine in both dumps of one process.
 */
#ifndef GOINSPECT_DIFF_H
#define GOINSPECT_DIFF_H

#include <stdint.h>
#include <stdio.h>

#include "labels.h"

struct gfilter;

/* One goroutine of a dump, reduced to what the comparison shows. */
struct ditem {
	uint64_t id;
	char *status;           /* "waiting", "running", "syscall"... */
	char *wait_reason;      /* or NULL */
	char *func, *file;      /* innermost printed frame, or NULL */
	long line;
	long wait_minutes;
	char **funcs;           /* every printed frame, for the filters */
	size_t nfuncs;
	struct labelset labels;
};

struct ddump {
	struct ditem *v;
	size_t n, cap;
	int64_t pid;            /* -1 if the dump does not say */
	char *go_version;
};

void ddump_init(struct ddump *d);
void ddump_free(struct ddump *d);

/* Append an item; the dump takes over every pointer in it. */
void ddump_add(struct ddump *d, const struct ditem *it);

/* The status text a header shows: the wait reason of a waiting one. */
const char *ditem_state(const struct ditem *it);

/*
 * Read an earlier `goinspect --json goroutines` document from path,
 * keeping the goroutines that pass f.  Returns 0, or -1 with diag_set().
 */
int diff_load(const char *path, const struct gfilter *f, struct ddump *old);

/* Print what changed from old to now, as text or as one JSON object. */
void diff_print(FILE *out, int json, const struct ddump *old,
		const struct ddump *now);

#endif
