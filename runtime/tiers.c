/*
** tiers.c -- the tiers of the priorities, by word operations over the
** member bitmaps (tiers.h): a bitmap of the customers already taken, each
** tier its segment's members not yet taken, counted a word at a time.
*/
#include "tiers.h"

#include <stdlib.h>
#include <string.h>

void seg_tiers_free(seg_tiers *t) {
  for (uint32_t k = 0; t->of && k < t->nprios; k++) free(t->of[k]);
  free(t->of);
  free(t->count);
  free(t->none);
  memset(t, 0, sizeof *t);
}

/* Marks row r of every set bit of x (word w) as tier `tier` in of. */
static void mark_rows(uint32_t *of, size_t w, uint64_t x, uint32_t tier) {
  while (x) {
    of[w * 64 + (size_t)__builtin_ctzll(x)] = tier;
    x &= x - 1;
  }
}

int seg_tiers_compute(const seg_program *p, const seg_result *res, const uint64_t *excluded, int rows,
                      seg_tiers *out) {
  memset(out, 0, sizeof *out);
  if (!p->nprios) return 0;
  size_t nrows = res->nrows, words = (nrows + 63) / 64;
  uint64_t *taken = calloc(words + 1, sizeof *taken);
  out->count = calloc((size_t)p->ntiers + p->nprios + 1, sizeof *out->count);
  out->none = calloc((size_t)p->nprios + 1, sizeof *out->none);
  out->of = rows ? calloc((size_t)p->nprios + 1, sizeof *out->of) : NULL;
  out->nprios = p->nprios;
  if (!taken || !out->count || !out->none || (rows && !out->of)) goto oom;
  for (size_t w = 0; w < words; w++) {
    uint64_t live = w + 1 < words || nrows % 64 == 0 ? ~0ull : (1ull << (nrows % 64)) - 1;
    if (excluded) live &= ~excluded[w];
    out->base += (uint64_t)__builtin_popcountll(live);
  }
  const uint64_t *keep = p->guard && p->guard - 1 < res->nsegs ? res->members[p->guard - 1] : NULL;
  for (uint32_t k = 0; k < p->nprios; k++) {
    const seg_priority *pr = &p->prios[k];
    uint64_t *count = &out->count[pr->first + k], sum = 0;
    uint32_t *of = NULL;
    if (rows && !(of = out->of[k] = calloc(nrows + 1, sizeof *of))) goto oom;
    memset(taken, 0, (words + 1) * sizeof *taken);
    for (uint32_t i = 0; i < pr->n; i++) {
      const uint64_t *m = res->members[p->tiers[pr->first + i].seg];
      uint64_t c = 0;
      for (size_t w = 0; w < words; w++) {
        uint64_t x = m[w] & ~taken[w];
        c += (uint64_t)__builtin_popcountll(x);
        taken[w] |= x;
        if (of) mark_rows(of, w, x, i + 1);
      }
      count[i] = c;
      sum += c;
    }
    if (pr->else_name) {
      uint64_t c = 0;
      for (size_t w = 0; w < words; w++) {
        uint64_t live = w + 1 < words || nrows % 64 == 0 ? ~0ull : (1ull << (nrows % 64)) - 1;
        if (excluded) live &= ~excluded[w];
        uint64_t x = (keep ? keep[w] & live : live) & ~taken[w];
        c += (uint64_t)__builtin_popcountll(x);
        if (of) mark_rows(of, w, x, pr->n + 1);
      }
      count[pr->n] = c;
      sum += c;
    }
    out->none[k] = out->base - sum;
  }
  free(taken);
  return 0;
oom:
  free(taken);
  seg_tiers_free(out);
  return -1;
}
