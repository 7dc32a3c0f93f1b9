/*
** kernels.h -- the VM's vectorised kernels: validity words, range and set
** tests at a column's stored width, selection compaction, hit bytes. They
** are static (inlined into the dispatch loop); included by vm.c only.
*/
#ifndef SEG_KERNELS_H
#define SEG_KERNELS_H

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "vm_int.h"

#define BIT(valid, row) ((uint8_t)(((valid)[(row) >> 6] >> ((row) & 63)) & 1u))
#define TRI(cond) ((uint8_t)((cond) ? SEG_TRUE : SEG_FALSE))

/* The validity words of a batch, or NULL when every row in it is present
** (so kernels can skip the bitmap). */
static const uint64_t *batch_valid(const seg_column *c, size_t base, uint32_t rows) {
  const uint64_t *v = c->valid + base / 64;
  uint32_t full = rows / 64;
  uint64_t all = UINT64_MAX;
  for (uint32_t k = 0; k < full; k++) all &= v[k];
  if (rows % 64) all &= v[full] | ~(UINT64_MAX >> (64 - rows % 64));
  return all == UINT64_MAX ? NULL : v;
}

static int in_set(const int64_t *s, uint32_t n, int64_t x) {
  if (n <= 8) {
    int hit = 0;
    for (uint32_t q = 0; q < n; q++) hit |= s[q] == x;
    return hit;
  }
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo < n && s[lo] == x;
}

/* Sixty-four hit bytes (0 or 1 each) as a word, row j at bit j (a multiply
** gathers eight bytes' low bits into the top byte; little-endian loads, as
** compact). */
static inline uint64_t gather_bits(const uint8_t *hit) {
  uint64_t m = 0;
  for (unsigned k = 0; k < 8; k++) {
    uint64_t w;
    memcpy(&w, hit + 8 * k, 8);
    m |= ((w * 0x0102040810204080ULL) >> 56) << (8 * k);
  }
  return m;
}

_Static_assert(SEG_BATCH % 64 == 0, "a batch is whole validity words");

/* Bits set in w, inline (the baseline x86-64 target has no POPCNT, and
** __builtin_popcountll would be a libgcc call per word). */
static inline uint64_t popcount64(uint64_t w) {
  w -= (w >> 1) & 0x5555555555555555ULL;
  w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
  w = (w + (w >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return (w * 0x0101010101010101ULL) >> 56;
}

/* For each byte b: the positions of its set bits, ascending, one a byte
** (compact_pos), and how many (compact_cnt). */
static uint64_t compact_pos[256];
static uint8_t compact_cnt[256];
__attribute__((constructor)) static void compact_init(void) {
  for (unsigned b = 0; b < 256; b++) {
    uint64_t p = 0;
    unsigned k = 0;
    for (unsigned i = 0; i < 8; i++)
      if (b >> i & 1) p |= (uint64_t)i << (8 * k++);
    compact_pos[b] = p;
    compact_cnt[b] = (uint8_t)k;
  }
}

/* The selection of a dense batch from hit bytes (0 or 1 per row) and the
** batch's validity words (NULL: all present): eight rows per step, work
** in proportion to the rows that pass. */
static uint32_t compact(const uint8_t *hit, const uint64_t *v, uint32_t n, uint16_t *out) {
  uint32_t m = 0, j = 0;
  /* eight rows a step without a branch on the hits: their bits gathered
  ** into a byte (as gather_bits), its positions looked up and stored as
  ** eight indexes, of which the first count are kept (m <= j: the store
  ** stays within the rows seen) */
  for (; j + 8 <= n; j += 8) {
    uint64_t w;
    memcpy(&w, hit + j, 8);
    unsigned b = (unsigned)((w * 0x0102040810204080ULL) >> 56);
    if (v) b &= (unsigned)(v[j >> 6] >> (j & 63)) & 0xFF;
#ifdef __SSE2__
    __m128i pos = _mm_unpacklo_epi8(_mm_cvtsi64_si128((long long)compact_pos[b]), _mm_setzero_si128());
    _mm_storeu_si128((__m128i *)(void *)(out + m), _mm_add_epi16(pos, _mm_set1_epi16((short)j)));
#else
    for (unsigned k = 0; k < 8; k++) out[m + k] = (uint16_t)(j + ((compact_pos[b] >> (8 * k)) & 0xFF));
#endif
    m += compact_cnt[b];
  }
  for (; j < n; j++) {
    out[m] = (uint16_t)j;
    m += hit[j] & (v ? BIT(v, j) : 1);
  }
  return m;
}

/* Range tests at one stored width: the bounds are clamped to the width's
** range, then compared in its unsigned type (one subtraction, one compare). */
#define RANGE_KERNELS(W, T, UT, TMIN, TMAX)                                                       \
  static uint32_t sel_rng_##W(const T *x, const uint64_t *v, const uint16_t *sel, uint32_t n,     \
                              int dense, int64_t lo64, int64_t hi64, uint16_t *out) {             \
    if (lo64 < (TMIN)) lo64 = (TMIN);                                                             \
    if (hi64 > (TMAX)) hi64 = (TMAX);                                                             \
    if (lo64 > hi64) return 0;                                                                    \
    UT lo = (UT)(T)lo64, span = (UT)((UT)(T)hi64 - lo);                                           \
    uint32_t m = 0;                                                                               \
    if (dense) {                      /* a vectorisable compare, then compaction */              \
      uint8_t hit[SEG_BATCH];                                                                     \
      for (uint32_t j = 0; j < n; j++) hit[j] = (UT)((UT)x[j] - lo) <= span;                      \
      return compact(hit, v, n, out);                                                             \
    } else if (!v)                                                                                \
      for (uint32_t k = 0; k < n; k++) {                                                          \
        uint32_t j = sel[k];                                                                      \
        out[m] = (uint16_t)j;                                                                     \
        m += (UT)((UT)x[j] - lo) <= span;                                                         \
      }                                                                                           \
    else                                                                                          \
      for (uint32_t k = 0; k < n; k++) {                                                          \
        uint32_t j = sel[k];                                                                      \
        out[m] = (uint16_t)j;                                                                     \
        m += BIT(v, j) & ((UT)((UT)x[j] - lo) <= span);                                           \
      }                                                                                           \
    return m;                                                                                     \
  }                                                                                               \
  static void hit_rng_##W(const T *x, uint32_t n, int64_t lo64, int64_t hi64, uint8_t *hit,      \
                          int first) {                                                            \
    if (lo64 < (TMIN)) lo64 = (TMIN);                                                             \
    if (hi64 > (TMAX)) hi64 = (TMAX);                                                             \
    if (lo64 > hi64) { memset(hit, 0, n); return; }                                               \
    UT lo = (UT)(T)lo64, span = (UT)((UT)(T)hi64 - lo);                                           \
    if (first) for (uint32_t j = 0; j < n; j++) hit[j] = (UT)((UT)x[j] - lo) <= span;             \
    else for (uint32_t j = 0; j < n; j++) hit[j] &= (UT)((UT)x[j] - lo) <= span;                  \
  }                                                                                               \
  static void tri_rng_##W(const T *x, const uint64_t *v, const uint16_t *sel, uint32_t n,         \
                          int dense, int64_t lo64, int64_t hi64, uint8_t *t) {                    \
    if (lo64 < (TMIN)) lo64 = (TMIN);                                                             \
    if (hi64 > (TMAX)) hi64 = (TMAX);                                                             \
    int empty = lo64 > hi64;                                                                      \
    UT lo = (UT)(T)lo64, span = empty ? 0 : (UT)((UT)(T)hi64 - lo);                               \
    uint8_t hit = (uint8_t)(empty ? 0 : 2);                                                       \
    if (dense && !v)                                                                              \
      for (uint32_t j = 0; j < n; j++) t[j] = (uint8_t)(((UT)((UT)x[j] - lo) <= span) * hit);     \
    else                                                                                          \
      for (uint32_t k = 0; k < n; k++) {                                                          \
        uint32_t j = dense ? k : sel[k];                                                          \
        uint8_t r = (uint8_t)(((UT)((UT)x[j] - lo) <= span) * hit);                               \
        t[j] = v && !BIT(v, j) ? SEG_UNKNOWN : r;                                                        \
      }                                                                                           \
  }

RANGE_KERNELS(1, int8_t, uint8_t, INT8_MIN, INT8_MAX)
RANGE_KERNELS(2, int16_t, uint16_t, INT16_MIN, INT16_MAX)
RANGE_KERNELS(4, int32_t, uint32_t, INT32_MIN, INT32_MAX)
RANGE_KERNELS(8, int64_t, uint64_t, INT64_MIN, INT64_MAX)
#undef RANGE_KERNELS

/* Calls STMT with `x` typed for column c's width (signed values). */
#define WITH_VALUES(c, base, STMT)                                                  \
  switch (seg_col_width(c)) {                                                       \
  case 1: { const int8_t *x = (const int8_t *)(c)->data + (base); STMT; break; }    \
  case 2: { const int16_t *x = (const int16_t *)(c)->data + (base); STMT; break; }  \
  case 4: { const int32_t *x = (const int32_t *)(c)->data + (base); STMT; break; }  \
  default: { const int64_t *x = (const int64_t *)(c)->data + (base); STMT; break; } \
  }
/* The same for text codes (unsigned); a column without codes (rowcode)
** reads its batch's row numbers from a buffer. */
#define WITH_CODES(c, base, STMT)                                                   \
  switch (seg_col_width(c)) {                                                       \
  case 0: {                                                                         \
    uint32_t rc_[SEG_BATCH];                                                        \
    const uint32_t *x = seg_row_codes(rc_, (base), SEG_BATCH);                      \
    STMT;                                                                           \
    break;                                                                          \
  }                                                                                 \
  case 1: { const uint8_t *x = (const uint8_t *)(c)->data + (base); STMT; break; }  \
  case 2: { const uint16_t *x = (const uint16_t *)(c)->data + (base); STMT; break; }\
  default: { const uint32_t *x = (const uint32_t *)(c)->data + (base); STMT; break; }\
  }

static uint32_t sel_rng(const seg_column *c, size_t base, const uint64_t *v, const uint16_t *sel,
                        uint32_t n, int dense, const vaux *a, uint16_t *out) {
  switch (seg_col_width(c)) {
  case 1: return sel_rng_1((const int8_t *)c->data + base, v, sel, n, dense, a->lo, a->hi, out);
  case 2: return sel_rng_2((const int16_t *)c->data + base, v, sel, n, dense, a->lo, a->hi, out);
  case 4: return sel_rng_4((const int32_t *)c->data + base, v, sel, n, dense, a->lo, a->hi, out);
  default: return sel_rng_8((const int64_t *)c->data + base, v, sel, n, dense, a->lo, a->hi, out);
  }
}

static void hit_rng(const seg_column *c, size_t base, uint32_t n, const vaux *a, uint8_t *hit, int first) {
  switch (seg_col_width(c)) {
  case 1: hit_rng_1((const int8_t *)c->data + base, n, a->lo, a->hi, hit, first); break;
  case 2: hit_rng_2((const int16_t *)c->data + base, n, a->lo, a->hi, hit, first); break;
  case 4: hit_rng_4((const int32_t *)c->data + base, n, a->lo, a->hi, hit, first); break;
  default: hit_rng_8((const int64_t *)c->data + base, n, a->lo, a->hi, hit, first); break;
  }
}

static void tri_rng(const seg_column *c, size_t base, const uint64_t *v, const uint16_t *sel,
                    uint32_t n, int dense, const vaux *a, uint8_t *t) {
  switch (seg_col_width(c)) {
  case 1: tri_rng_1((const int8_t *)c->data + base, v, sel, n, dense, a->lo, a->hi, t); break;
  case 2: tri_rng_2((const int16_t *)c->data + base, v, sel, n, dense, a->lo, a->hi, t); break;
  case 4: tri_rng_4((const int32_t *)c->data + base, v, sel, n, dense, a->lo, a->hi, t); break;
  default: tri_rng_8((const int64_t *)c->data + base, v, sel, n, dense, a->lo, a->hi, t); break;
  }
}

/* The hit bytes (1: true) of condition map m over the first `rows` rows of
** the batch at base of its column c. Every row is looked up by its code (a
** code past the dictionary reads the last entry) -- or, for a map with at
** most HSET_MAX true (or not-true) codes, compared with those codes, which
** vectorises; then the missing rows, found from the validity words, get
** the map's last entry: the expression's value for a missing text. */
static void map_hits(const seg_column *c, size_t base, uint32_t rows, const vmap *m, uint8_t *dst) {
  const uint8_t *mt = m->t;
  const uint64_t *v = batch_valid(c, base, rows);
  uint32_t miss = c->ndict;
  if (m->hn >= 0) {
    /* codes are distinct, so at most one compare is true: XOR is OR (and
    ** the first XOR applies hinv). Locals typed as the codes, so the loops
    ** vectorise; a code wider than the column never matches. */
    const uint8_t inv = m->hinv;
    const int hn = m->hn;
    WITH_CODES(c, base, {
      __typeof__(x[0]) k0 = (__typeof__(x[0]))m->hset[0];
      if (hn == 0 || m->hset[0] != k0) memset(dst, inv, rows);
      else for (uint32_t j = 0; j < rows; j++) dst[j] = (uint8_t)((x[j] == k0) ^ inv);
      for (int q = 1; q < hn; q++) {
        __typeof__(x[0]) kq = (__typeof__(x[0]))m->hset[q];
        if (m->hset[q] != kq) continue;
        for (uint32_t j = 0; j < rows; j++) dst[j] ^= (uint8_t)(x[j] == kq);
      }
    })
  } else {
    /* true is 2, so a shift makes the hit byte */
    WITH_CODES(c, base, _Pragma("GCC unroll 4") for (uint32_t j = 0; j < rows; j++)
                              dst[j] = (uint8_t)(mt[x[j] < miss ? x[j] : miss] >> 1));
  }
  if (v) {
    uint8_t mm = (uint8_t)(mt[miss] >> 1);
    for (uint32_t w = 0; w < (rows + 63) / 64; w++) {
      uint64_t gaps = ~v[w];
      if ((w + 1) * 64 > rows) gaps &= UINT64_MAX >> (64 - (rows - w * 64));
      for (; gaps; gaps &= gaps - 1) dst[w * 64 + (unsigned)__builtin_ctzll(gaps)] = mm;
    }
  }
}

/* ANDs a batch's validity words (v; NULL: all present) into hv, the
** validity of the columns the whole-batch tests read; returns hv_used. */
static int and_valid(uint64_t *hv, int hv_used, const uint64_t *v, uint32_t rows) {
  if (!v) return hv_used;
  uint32_t words = (rows + 63) / 64;
  if (!hv_used) memcpy(hv, v, words * sizeof *hv);
  else for (uint32_t w = 0; w < words; w++) hv[w] &= v[w];
  return 1;
}

#endif
