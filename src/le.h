/*
 * le.h - little-endian words out of byte buffers copied from the target
 * or the executable.  memcpy, because those bytes are rarely aligned.
 */
#ifndef GOINSPECT_LE_H
#define GOINSPECT_LE_H

#include <stdint.h>
#include <string.h>

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

#endif
