/*
 * labels.c - decode runtime/pprof label sets from the target.
 *
 * Go 1.19 to 1.23 (runtime/pprof/label.go: type labelMap map[string]string):
 * the hmap of runtime/map.go, with buckets of 8 string keys and 8 string
 * values.  Go 1.24 and later (labelMap struct { LabelSet }, since 1.26
 * label.Set in internal/runtime/pprof/label): a slice of {key, value}.
 */
#include "labels.h"
#include "le.h"
#include "diag.h"
#include "goproc.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LABELS 1024
#define MAX_STRING 4096
#define MAX_BUCKET_LOG2 10      /* 1024 buckets hold 8k entries */
#define MAX_OVERFLOW 64         /* overflow buckets chained to one bucket */

/* runtime/map.go, Go 1.19 to 1.23, for map[string]string. */
#define HMAP_COUNT 0
#define HMAP_B 9
#define HMAP_BUCKETS 16
#define HMAP_OLDBUCKETS 24
#define BUCKET_CNT 8
#define BUCKET_KEYS 8
#define BUCKET_ELEMS (BUCKET_KEYS + BUCKET_CNT * 16)
#define BUCKET_OVERFLOW (BUCKET_ELEMS + BUCKET_CNT * 16)
#define BUCKET_SIZE (BUCKET_OVERFLOW + 8)
#define MIN_TOPHASH 5           /* below: empty or evacuated cells */

/* A Go string header at p: copy its bytes. */
static char *read_string(struct goproc *gp, const uint8_t *p)
{
	uint64_t ptr = rd64(p), len = rd64(p + 8);
	char *s;

	if (len > MAX_STRING || (len && !ptr))
		return NULL;
	s = xmalloc(len + 1);
	if (len && target_read(&gp->tgt, ptr, s, len) < 0) {
		free(s);
		return NULL;
	}
	s[len] = 0;
	return s;
}

/* Add the pair of string headers kv[0:16], kv[16:32]; 0 or -1. */
static int add_pair(struct goproc *gp, struct labelset *ls, size_t *cap,
		    const uint8_t *k, const uint8_t *v)
{
	char *key, *val;

	if (ls->n >= MAX_LABELS)
		return -1;
	key = read_string(gp, k);
	val = key ? read_string(gp, v) : NULL;
	if (!val) {
		free(key);
		return -1;
	}
	if (labels_get(ls, key)) {      /* a key seen in an old bucket */
		free(key);
		free(val);
		return 0;
	}
	xgrow((void **)&ls->v, cap, ls->n + 1, sizeof(*ls->v));
	ls->v[ls->n].key = key;
	ls->v[ls->n].value = val;
	ls->n++;
	return 0;
}

static int read_slice(struct goproc *gp, uint64_t addr, struct labelset *ls)
{
	uint64_t hdr[3];
	uint8_t kv[32];
	size_t cap = 0;

	if (target_read(&gp->tgt, addr, hdr, sizeof(hdr)) < 0 ||
	    hdr[1] > MAX_LABELS || hdr[1] > hdr[2]) {
		diag_set("labels at %#llx: not a label slice",
			 (unsigned long long)addr);
		return -1;
	}
	for (uint64_t i = 0; i < hdr[1]; i++)
		if (target_read(&gp->tgt, hdr[0] + 32 * i, kv, 32) < 0 ||
		    add_pair(gp, ls, &cap, kv, kv + 16) < 0) {
			diag_set("label %llu at %#llx is not readable",
				 (unsigned long long)i,
				 (unsigned long long)hdr[0]);
			return -1;
		}
	return 0;
}

/* The live cells of one bucket and its overflow chain. */
static int read_bucket(struct goproc *gp, uint64_t b, struct labelset *ls,
		       size_t *cap)
{
	uint8_t buf[BUCKET_SIZE];

	for (int hops = 0; b && hops < MAX_OVERFLOW; hops++) {
		if (target_read(&gp->tgt, b, buf, sizeof(buf)) < 0)
			return -1;
		for (int i = 0; i < BUCKET_CNT; i++) {
			if (buf[i] < MIN_TOPHASH)
				continue;
			if (add_pair(gp, ls, cap, buf + BUCKET_KEYS + 16 * i,
				     buf + BUCKET_ELEMS + 16 * i) < 0)
				return -1;
		}
		b = rd64(buf + BUCKET_OVERFLOW);
	}
	return b ? -1 : 0;
}

/*
 * Buckets and, while the map grows, the old buckets: cells already moved
 * out of an old bucket are marked evacuated (tophash below MIN_TOPHASH).
 */
static int read_hmap(struct goproc *gp, uint64_t addr, struct labelset *ls)
{
	uint64_t mapptr, count, nb, arrays[2];
	uint8_t h[48];
	size_t cap = 0;

	if (target_read_u64(&gp->tgt, addr, &mapptr) < 0)
		goto bad;
	if (!mapptr)
		return 0;
	if (target_read(&gp->tgt, mapptr, h, sizeof(h)) < 0)
		goto bad;
	count = rd64(h + HMAP_COUNT);
	if (count > MAX_LABELS || h[HMAP_B] > MAX_BUCKET_LOG2)
		goto bad;
	arrays[0] = rd64(h + HMAP_BUCKETS);
	arrays[1] = rd64(h + HMAP_OLDBUCKETS);
	for (int a = 0; a < 2; a++) {
		/* The old array has half as many buckets. */
		nb = (uint64_t)1 << (h[HMAP_B] - (a && h[HMAP_B] ? 1 : 0));
		for (uint64_t i = 0; arrays[a] && i < nb; i++)
			if (read_bucket(gp, arrays[a] + i * BUCKET_SIZE, ls,
					&cap) < 0)
				goto bad;
	}
	return 0;
bad:
	diag_set("labels at %#llx: not a readable map[string]string",
		 (unsigned long long)addr);
	return -1;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct label *)a)->key,
		      ((const struct label *)b)->key);
}

int labels_read(struct goproc *gp, uint64_t addr, struct labelset *ls)
{
	int rc;

	memset(ls, 0, sizeof(*ls));
	if (!addr)
		return 0;
	if (gp->ver.major == 1 && gp->ver.minor < 24)
		rc = read_hmap(gp, addr, ls);
	else
		rc = read_slice(gp, addr, ls);
	if (rc < 0) {
		labels_free(ls);
		return -1;
	}
	if (ls->n > 1)
		qsort(ls->v, ls->n, sizeof(*ls->v), by_key);
	return 0;
}

void labels_free(struct labelset *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->v[i].key);
		free(ls->v[i].value);
	}
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

const char *labels_get(const struct labelset *ls, const char *key)
{
	for (size_t i = 0; i < ls->n; i++)
		if (!strcmp(ls->v[i].key, key))
			return ls->v[i].value;
	return NULL;
}
