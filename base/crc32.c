/*
** crc32.c -- CRC-32 (IEEE 802.3, reflected, as zlib's crc32), slicing by 8:
** the checksum of .segcol headers and .segc files.
*/
#include "crc32.h"

#include <pthread.h>
#include <string.h>

static uint32_t crc_tab[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_tab[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++)
      crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xff];
}

uint32_t seg_crc32(uint32_t crc, const void *p, size_t n) {
  const unsigned char *s = p;
  pthread_once(&crc_once, crc_init);
  crc = ~crc;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    uint32_t lo = (uint32_t)w ^ crc, hi = (uint32_t)(w >> 32);
    crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
          crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
          crc_tab[3][hi & 0xff] ^ crc_tab[2][(hi >> 8) & 0xff] ^
          crc_tab[1][(hi >> 16) & 0xff] ^ crc_tab[0][hi >> 24];
    s += 8;
    n -= 8;
  }
  while (n--) crc = crc_tab[0][(crc ^ *s++) & 0xff] ^ (crc >> 8);
  return ~crc;
}
