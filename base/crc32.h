/*
** crc32.h -- CRC-32 as zlib computes it (IEEE polynomial, reflected).
*/
#ifndef SEG_CRC32_H
#define SEG_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues crc (0 to start) over n bytes of p. */
uint32_t seg_crc32(uint32_t crc, const void *p, size_t n);

#endif
