/*
 * labels.h - the pprof labels of a goroutine (runtime/pprof.Do,
 * SetGoroutineLabels), decoded from the target's memory.
 *
 * g.labels points at a runtime/pprof labelMap.  Up to Go 1.23 that is a
 * map[string]string (so g.labels points at the map's *hmap word); from
 * Go 1.24 on it is a struct whose first field is a []label sorted by key
 * (label being two strings).  Label sets are immutable once a goroutine
 * holds them (WithLabels builds a new one), so reading them after the
 * snapshot released the target sees what the goroutine had, unless it
 * changed its labels in between.
 */
#ifndef GOINSPECT_LABELS_H
#define GOINSPECT_LABELS_H

#include <stddef.h>
#include <stdint.h>

struct goproc;

struct label {
	char *key, *value;
};

struct labelset {
	struct label *v;        /* sorted by key */
	size_t n;
};

/*
 * Read the labels at g.labels == addr (0: none, an empty set).  Returns 0,
 * or -1 with diag_set() when the memory does not hold a believable label
 * set; ls is then empty.  Free with labels_free().
 */
int labels_read(struct goproc *gp, uint64_t addr, struct labelset *ls);
void labels_free(struct labelset *ls);

/* The value of key, or NULL when the set has no such key. */
const char *labels_get(const struct labelset *ls, const char *key);

#endif
