/*
 * group.h - the shape of many goroutines: filters that pick goroutines by
 * status, function names, wait time and pprof labels, and groups of
 * goroutines with identical stacks.
 *
 * Two goroutines have an identical stack when their status text ("chan
 * receive") is the same and their printed frames match function, file and
 * line one by one, elision included, as does their "created by" frame
 * (the creator's goroutine id and all argument words are ignored).
 */
#ifndef GOINSPECT_GROUP_H
#define GOINSPECT_GROUP_H

#include <regex.h>
#include <stdint.h>
#include <stdio.h>

struct json;
struct labelset;
struct tb;

/* What a filter looks at, for a live goroutine or one of an old dump. */
struct gview {
	uint64_t id;
	const char *state;      /* header status: "chan receive", "running" */
	const char *general;    /* "waiting", "running", "syscall"... */
	const char *const *funcs;       /* printed frames, innermost first */
	size_t nfuncs;
	int64_t wait_ns;        /* how long it has waited; 0 if not known */
	const struct labelset *labels;  /* NULL: none */
};

struct gfilter {
	const char *status;
	regex_t *with, *without;
	size_t nwith, nwithout;
	int64_t min_wait_ns;    /* 0: no limit */
	const char **label_keys, **label_values;  /* value NULL: key set */
	size_t nlabels;
	long top;               /* groups to show, 0: all */
	int grouped;            /* -g */
	int all;                /* -a */
	const char *diff;       /* --diff OLD.json */
};

void gfilter_init(struct gfilter *f);
void gfilter_free(struct gfilter *f);

/*
 * If argv[*i] is a filter or grouping option (--status S, --with RE,
 * --without RE, --min-wait D, --label K=V, --top N, -g, -a, --diff F, also
 * as --opt=value), take it and its value, advance *i past the last word
 * used, and return 1; return 0 for another word, -1 with diag_set() for a
 * bad value.
 */
int gfilter_option(struct gfilter *f, int argc, char **argv, int *i);

/* Does any option need the frames, or the labels, of each goroutine? */
int gfilter_needs_frames(const struct gfilter *f);
int gfilter_needs_labels(const struct gfilter *f);
/* Does the goroutine pass every filter? */
int gfilter_match(const struct gfilter *f, const struct gview *v);

/* Parse a Go-style duration ("90s", "1h30m", "250ms"; "0") into ns. */
int group_parse_duration(const char *s, int64_t *ns);

/* One group of goroutines with an identical stack. */
struct ggroup {
	char *key;
	char *state;
	uint64_t *ids;
	size_t count, cap;
	long min_wait, max_wait;        /* minutes */
	size_t rep;             /* caller's index of the first member */
};

struct grouping {
	struct ggroup *v;
	size_t n, cap;
	size_t *slots;          /* hash table of group index + 1, 0 empty */
	size_t nslots;
};

void grouping_init(struct grouping *gr);
void grouping_free(struct grouping *gr);
/* Add goroutine id (with status text state and frames tb) to its group;
 * rep is kept for the first member, to print the group's stack from. */
void grouping_add(struct grouping *gr, const char *state, const struct tb *tb,
		  uint64_t id, long wait_minutes, size_t rep);
/* Largest group first; equal sizes by lowest goroutine id. */
void grouping_sort(struct grouping *gr);

/* Print a group: a header line, then its stack once (tb of a member). */
void group_print(FILE *out, const struct ggroup *g, const struct tb *tb);
/* The group as a JSON object (the caller has opened the array). */
void group_json(struct json *j, const struct ggroup *g, const struct tb *tb);

#endif
