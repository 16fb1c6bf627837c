/*
 * json.h - a small streaming JSON writer.  It tracks commas and nesting so
 * callers only say what comes next; strings are escaped as RFC 8259 asks
 * (bytes that are not valid UTF-8 become U+FFFD).
 */
#ifndef GOINSPECT_JSON_H
#define GOINSPECT_JSON_H

#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *out;
	int depth;
	int need_comma[64];
};

void json_init(struct json *j, FILE *out);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
/* The key of the next member of the current object. */
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_string_n(struct json *j, const char *s, size_t n);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* A member: key and value in one call. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, int v);
/* Finish the document with a newline. */
void json_end(struct json *j);

#endif
