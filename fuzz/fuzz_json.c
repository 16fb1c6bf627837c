/*
 * fuzz_json.c - libFuzzer harness for the string escaping of src/json.c.
 *
 * Function names, file names and build settings come from the target's
 * executable and go into JSON strings, so json_string_n() sees arbitrary
 * bytes.  The harness checks what it must produce, not only that it does
 * not crash: one JSON string, valid UTF-8, no raw control character, and
 * when decoded, the input with every byte that is not part of a valid
 * UTF-8 sequence replaced by U+FFFD.  The first input byte, when it is
 * 0xb5, switches to a stream of writer calls (nesting beyond the writer's
 * depth limit, keys, values) that must not crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Length of a valid UTF-8 sequence at s (Unicode 3.2 table), or 0. */
static size_t ref_utf8(const uint8_t *s, size_t n)
{
	uint8_t c = s[0];
	size_t len;
	uint8_t lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* What decoding the JSON string must give back. */
static size_t expected(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		size_t len = ref_utf8(in + i, n - i);

		if (len == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, in + i, len);
			o += len;
			i += len;
		}
	}
	return o;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one JSON string (all of s); returns its length or -1. */
static long decode(const uint8_t *s, size_t n, uint8_t *out)
{
	size_t o = 0;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return -1;
	for (size_t i = 1; i < n - 1;) {
		size_t len;

		if (s[i] == '"' || s[i] < 0x20)
			return -1;
		if (s[i] != '\\') {
			if ((len = ref_utf8(s + i, n - 1 - i)) == 0)
				return -1;
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
			continue;
		}
		if (i + 1 >= n - 1)
			return -1;
		switch (s[i + 1]) {
		case '"': case '\\': case '/':
			out[o++] = s[i + 1];
			i += 2;
			break;
		case 'b': out[o++] = '\b'; i += 2; break;
		case 'f': out[o++] = '\f'; i += 2; break;
		case 'n': out[o++] = '\n'; i += 2; break;
		case 'r': out[o++] = '\r'; i += 2; break;
		case 't': out[o++] = '\t'; i += 2; break;
		case 'u': {
			unsigned cp = 0;

			if (i + 6 > n - 1)
				return -1;
			for (int k = 2; k < 6; k++) {
				int h = hexval(s[i + k]);

				if (h < 0)
					return -1;
				cp = cp << 4 | (unsigned)h;
			}
			/* The writer escapes only controls and U+FFFD. */
			if (cp < 0x20) {
				out[o++] = (uint8_t)cp;
			} else if (cp == 0xfffd) {
				memcpy(out + o, "\xef\xbf\xbd", 3);
				o += 3;
			} else {
				return -1;
			}
			i += 6;
			break;
		}
		default:
			return -1;
		}
	}
	return (long)o;
}

static void check_string(const uint8_t *data, size_t size)
{
	uint8_t *want = malloc(size * 3 + 1), *got;
	size_t nwant = expected(data, size, want);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;
	long ngot;

	json_init(&j, f);
	json_string_n(&j, (const char *)data, size);
	fclose(f);
	got = malloc(len + 1);
	ngot = decode((const uint8_t *)buf, len, got);
	if (ngot < 0 || (size_t)ngot != nwant || memcmp(got, want, nwant)) {
		fprintf(stderr, "json: bad escaping of %zu bytes: %.*s\n",
			size, (int)len, buf);
		abort();
	}
	free(got);
	free(want);
	free(buf);
}

static void writer_calls(const uint8_t *data, size_t size)
{
	FILE *f = fopen("/dev/null", "w");
	struct json j;

	json_init(&j, f);
	for (size_t i = 1; i < size; i++) {
		switch (data[i] % 10) {
		case 0: json_begin_object(&j); break;
		case 1: json_end_object(&j); break;
		case 2: json_begin_array(&j); break;
		case 3: json_end_array(&j); break;
		case 4: json_key(&j, "k"); break;
		case 5: json_string(&j, "v"); break;
		case 6: json_int(&j, -(int64_t)i); break;
		case 7: json_uint(&j, UINT64_MAX); break;
		case 8: json_bool(&j, data[i] & 1); break;
		default: json_null(&j); break;
		}
	}
	json_end(&j);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == 0xb5)
		writer_calls(data, size);
	else
		check_string(data, size);
	return 0;
}
