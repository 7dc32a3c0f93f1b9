/*
** rank.c -- the rankings' thresholds: several order statistics of one
** array at once, by a three-way quickselect that follows every wanted rank
** (O(N log m) for m ranks, not a sort), then the definitions of rank.h.
*/
#include "rank.h"

#include <stdlib.h>
#include <string.h>

/* ceil(a * b / d) without overflow (a, b < 2^63, d > 0) */
static size_t ceil_div(uint64_t a, uint64_t b, uint64_t d) {
  unsigned __int128 x = (unsigned __int128)a * b;
  return (size_t)((x + d - 1) / d);
}

uint32_t seg_rank_ranks(const seg_ruse *u, size_t n, size_t *ranks) {
  if (n == 0) return 0;
  if (u->kind == SEG_RK_NTILE) {
    uint32_t m = 0;
    for (uint32_t j = 1; j < u->k; j++) ranks[m++] = ceil_div(j, n, u->k) - 1;
    return m;
  }
  size_t c = ceil_div((uint64_t)u->pct, n, 1000000);     /* pct: 1/10000 of a percent */
  if (c == 0) return 0;
  if (c > n) c = n;
  ranks[0] = u->kind == SEG_RK_TOP ? n - c : c - 1;
  return 1;
}

/* Places the order statistics ranks[0..m) (ascending, within [lo, hi))
** of a[lo..hi) at their indexes. */
#define MSELECT(NAME, T)                                                          \
  static void NAME(T *a, size_t lo, size_t hi, const size_t *r, size_t m) {      \
    while (m > 0) {                                                               \
      if (hi - lo <= 16) {                                                        \
        for (size_t i = lo + 1; i < hi; i++) {                                    \
          T x = a[i];                                                             \
          size_t j = i;                                                           \
          for (; j > lo && a[j - 1] > x; j--) a[j] = a[j - 1];                    \
          a[j] = x;                                                               \
        }                                                                         \
        return;                                                                   \
      }                                                                           \
      size_t mid = lo + (hi - lo) / 2;                                            \
      T x = a[lo], y = a[mid], z = a[hi - 1];                                     \
      T piv = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y)); \
      size_t lt = lo, i = lo, gt = hi;          /* [lo,lt) < piv, [gt,hi) > piv */ \
      while (i < gt) {                                                            \
        T v = a[i];                                                               \
        if (v < piv) { a[i] = a[lt]; a[lt] = v; lt++; i++; }                      \
        else if (v > piv) { gt--; a[i] = a[gt]; a[gt] = v; }                      \
        else i++;                                                                 \
      }                                                                           \
      size_t nl = 0;                                                              \
      while (nl < m && r[nl] < lt) nl++;                                          \
      size_t ne = nl;                                                             \
      while (ne < m && r[ne] < gt) ne++;                                          \
      /* the smaller side by recursion, the larger by the loop */                 \
      if (nl <= m - ne) {                                                         \
        NAME(a, lo, lt, r, nl);                                                   \
        lo = gt; r += ne; m -= ne;                                                \
      } else {                                                                    \
        NAME(a, gt, hi, r + ne, m - ne);                                          \
        hi = lt; m = nl;                                                          \
      }                                                                           \
    }                                                                             \
  }
MSELECT(select_i, int64_t)
MSELECT(select_f, double)
#undef MSELECT

int seg_rank_thresholds(const seg_program *p, seg_rvals *vals, seg_rthr *out) {
  uint32_t maxk = 2;
  for (uint32_t u = 0; u < p->nruse; u++)
    if (p->ruse[u].kind == SEG_RK_NTILE && p->ruse[u].k > maxk) maxk = p->ruse[u].k;
  size_t *ranks = malloc(maxk * sizeof *ranks);
  if (!ranks) return -1;
  memset(out, 0, p->nruse * sizeof *out);
  /* each source once, every rank its uses want */
  for (uint32_t s = 0; s < p->nrsrc; s++) {
    size_t want = 0;
    for (uint32_t u = 0; u < p->nruse; u++)
      if (p->ruse[u].src == s) want += maxk;
    if (!want) continue;
    size_t *all = malloc(want * sizeof *all), m = 0;
    if (!all) { free(ranks); return -1; }
    for (uint32_t u = 0; u < p->nruse; u++)
      if (p->ruse[u].src == s) m += seg_rank_ranks(&p->ruse[u], vals[s].n, all + m);
    /* ascending, no repeats */
    for (size_t i = 1; i < m; i++) {
      size_t x = all[i], j = i;
      for (; j > 0 && all[j - 1] > x; j--) all[j] = all[j - 1];
      all[j] = x;
    }
    size_t d = 0;
    for (size_t i = 0; i < m; i++)
      if (d == 0 || all[d - 1] != all[i]) all[d++] = all[i];
    if (p->rsrc[s].isf) select_f(vals[s].data, 0, vals[s].n, all, d);
    else select_i(vals[s].data, 0, vals[s].n, all, d);
    free(all);
    for (uint32_t u = 0; u < p->nruse; u++) {
      if (p->ruse[u].src != s) continue;
      seg_rthr *t = &out[u];
      uint32_t n = seg_rank_ranks(&p->ruse[u], vals[s].n, ranks);
      t->none = p->ruse[u].kind != SEG_RK_NTILE && n == 0;
      t->n = n;
      t->ti = malloc((n + 1) * sizeof *t->ti);
      t->tf = malloc((n + 1) * sizeof *t->tf);
      if (!t->ti || !t->tf) { free(ranks); return -1; }
      for (uint32_t j = 0; j < n; j++) {
        if (p->rsrc[s].isf) t->tf[j] = ((double *)vals[s].data)[ranks[j]];
        else t->ti[j] = ((int64_t *)vals[s].data)[ranks[j]];
      }
    }
  }
  free(ranks);
  return 0;
}

void seg_rthr_free(seg_rthr *t, uint32_t n) {
  for (uint32_t u = 0; t && u < n; u++) {
    free(t[u].ti);
    free(t[u].tf);
  }
}
