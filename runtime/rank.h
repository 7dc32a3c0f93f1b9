/*
** rank.h -- the rankings' thresholds (`quintile(x)`, `x in top 10%`):
** order statistics of each ranked expression's values, computed between
** the VM's two passes (program.h: seg_rsrc, seg_ruse).
**
** Definitions (docs/language.md): over the N present values of a source,
** with L(x) the values strictly below x and G(x) those strictly above,
**   ntile_k(x) = 1 + floor(k * L(x) / N)
**   x in top p%    iff G(x) < p * N / 100
**   x in bottom p% iff L(x) < p * N / 100
** Each is a comparison with order statistics s[0..N) (ascending):
**   ntile_k(x) = 1 + #{ j in 1..k-1 : s[ceil(j N / k) - 1] < x }
**   top:    x >= s[N - c],  bottom: x <= s[c - 1],  c = ceil(p N / 100)
**   (c = 0: nobody)
** for x among the values, which is every row the VM asks about.
*/
#ifndef SEG_RANK_H
#define SEG_RANK_H

#include <stddef.h>
#include <stdint.h>
#include "program.h"

/* One source's values (int64_t or double by the source's isf). */
typedef struct seg_rvals {
  void *data;
  size_t n, cap;
} seg_rvals;

/* One use's thresholds, ascending; none: a share that takes nobody. */
typedef struct seg_rthr {
  uint32_t n;
  int none;
  int64_t *ti;
  double *tf;
} seg_rthr;

/* Computes every use's thresholds from its source's values (reordered in
** place). Returns 0 or -1 (out of memory). */
int seg_rank_thresholds(const seg_program *p, seg_rvals *vals, seg_rthr *out);

/* The number of thresholds of each rank: the order statistics c of use
** u over n values (1-based ranks into ranks[], at most k - 1 of them);
** returns how many. Exposed for the unit test. */
uint32_t seg_rank_ranks(const seg_ruse *u, size_t n, size_t *ranks);

void seg_rthr_free(seg_rthr *t, uint32_t n);

#endif
