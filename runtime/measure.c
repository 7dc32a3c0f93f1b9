/*
** measure.c -- measures per segment (see measure.h for the semantics).
**
** One pass over the rows, 64 at a time: for each segment with members in
** the word, for each aggregate, the rows that are members, pass the
** aggregate's filter and have a value (bitmap ANDs), then their values.
** Counts, sums (128-bit), minima, maxima and rates need no memory per row;
** median, percentile and count_distinct keep the values they saw and sort
** them at the end.
*/
#include "measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colfile.h"
#include "date.h"

typedef struct acc {
  uint64_t n;                 /* rows counted (count) / values seen        */
  uint64_t ntrue;             /* rate: true values                         */
  __int128 sum;
  int64_t min, max;
  int64_t *vals;              /* median, percentile, count_distinct        */
  size_t nvals, capvals;
} acc;

static int keeps_values(uint8_t fn) {
  return fn == SEG_AG_MEDIAN || fn == SEG_AG_PERCENTILE || fn == SEG_AG_COUNT_DISTINCT;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static double pow10_of(uint32_t scale) {
  double p = 1;
  for (uint32_t k = 0; k < scale; k++) p *= 10;
  return p;
}

/* The value of aggregate g over accumulator a. */
static int finish(const seg_aggr *g, const seg_column *c, acc *a, seg_mval *out, char *err, size_t errlen) {
  uint32_t scale = c && c->type == SEG_NUM ? c->scale : 0;
  double unit = pow10_of(scale);
  *out = (seg_mval){SEG_MV_MISSING, 0, 0, 0};
  switch ((seg_aggfn)g->fn) {
  case SEG_AG_COUNT: *out = (seg_mval){SEG_MV_INT, (int64_t)a->n, 0, 0}; break;
  case SEG_AG_SUM:
    if (!a->n) break;
    if (a->sum > INT64_MAX || a->sum < INT64_MIN) {
      snprintf(err, errlen, "sum(%s) does not fit in 64 bits (more than 9.2e18 %s): it is not shown rather "
               "than shown wrong", c->name, scale ? "in the column's smallest unit" : "");
      return -1;
    }
    *out = (seg_mval){scale ? SEG_MV_DEC : SEG_MV_INT, (int64_t)a->sum, scale, 0};
    break;
  case SEG_AG_MIN: case SEG_AG_MAX:
    if (!a->n) break;
    *out = (seg_mval){c->type == SEG_DATE ? SEG_MV_DATE : scale ? SEG_MV_DEC : SEG_MV_INT,
                      g->fn == SEG_AG_MIN ? a->min : a->max, scale, 0};
    break;
  case SEG_AG_AVG:
    if (a->n) *out = (seg_mval){SEG_MV_NUM, 0, 0, (double)((long double)a->sum / (long double)a->n / unit)};
    break;
  case SEG_AG_RATE:
    if (a->n) *out = (seg_mval){SEG_MV_NUM, 0, 0, (double)a->ntrue / (double)a->n};
    break;
  case SEG_AG_MEDIAN: case SEG_AG_PERCENTILE: {
    if (!a->nvals) break;
    qsort(a->vals, a->nvals, sizeof *a->vals, cmp_i64);
    double pos = g->p * (double)(a->nvals - 1), lo = floor(pos);
    size_t k = (size_t)lo;
    double v = (double)a->vals[k];
    if (k + 1 < a->nvals && pos > lo) v += ((double)a->vals[k + 1] - (double)a->vals[k]) * (pos - lo);
    *out = (seg_mval){SEG_MV_NUM, 0, 0, v / unit};
    break;
  }
  case SEG_AG_COUNT_DISTINCT: {
    qsort(a->vals, a->nvals, sizeof *a->vals, cmp_i64);
    int64_t d = 0;
    for (size_t k = 0; k < a->nvals; k++) d += k == 0 || a->vals[k] != a->vals[k - 1];
    *out = (seg_mval){SEG_MV_INT, d, 0, 0};
    break;
  }
  default: break;
  }
  return 0;
}

static double as_double(const seg_mval *v) {
  switch (v->kind) {
  case SEG_MV_INT: case SEG_MV_DATE: return (double)v->i;
  case SEG_MV_DEC: return (double)v->i / pow10_of(v->scale);
  case SEG_MV_NUM: return v->f;
  default: return NAN;
  }
}

/* Measure m of one segment from its aggregates' values. */
static seg_mval eval_measure(const seg_program *p, const seg_measure *m, const seg_mval *aggv) {
  if (m->n == 1 && p->mops[m->first].kind == 'a') return aggv[p->mops[m->first].agg];
  double st[65];
  int miss[65], h = 0;
  for (uint32_t k = m->first; k < m->first + m->n; k++) {
    const seg_mop *o = &p->mops[k];
    if (o->kind == 'a') {
      const seg_mval *v = &aggv[o->agg];
      miss[h] = v->kind == SEG_MV_MISSING;
      st[h++] = as_double(v);
    } else if (o->kind == 'k') {
      miss[h] = isnan(o->k);
      st[h++] = o->k;
    } else if (o->kind == 'n') {
      st[h - 1] = -st[h - 1];
    } else {
      double x = st[h - 2], y = st[h - 1];
      int mm = miss[h - 2] || miss[h - 1];
      h--;
      switch (o->kind) {
      case '+': st[h - 1] = x + y; break;
      case '-': st[h - 1] = x - y; break;
      case '*': st[h - 1] = x * y; break;
      default:
        if (y == 0) mm = 1;
        else st[h - 1] = x / y;
        break;
      }
      miss[h - 1] = mm;
    }
  }
  if (miss[0] || !isfinite(st[0])) return (seg_mval){SEG_MV_MISSING, 0, 0, 0};
  return (seg_mval){SEG_MV_NUM, 0, 0, st[0]};
}

int seg_measures_compute(const seg_program *p, const seg_table *t, const seg_result *res, seg_measures *out,
                         char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  uint32_t ns = p->nsegs, na = p->naggs;
  if (!p->nmeasures) return 0;
  if (!res->members) {
    snprintf(err, errlen, "internal error: measures need the members");
    return -1;
  }
  for (uint32_t a = 0; a < na; a++)
    if (p->aggs[a].col >= 0 && seg_col_check(&t->cols[p->aggs[a].col], t->nrows, err, errlen) != 0) return -1;
  int rc = -1;
  acc *A = calloc((size_t)ns * na + 1, sizeof *A);
  seg_mval *aggv = calloc((size_t)na + 1, sizeof *aggv);
  out->v = calloc((size_t)ns * p->nmeasures + 1, sizeof *out->v);
  out->is_rate = calloc((size_t)p->nmeasures + 1, 1);
  if (!A || !aggv || !out->v || !out->is_rate) goto oom;
  out->nsegs = ns;
  out->nmeasures = p->nmeasures;
  for (uint32_t m = 0; m < p->nmeasures; m++) {
    const seg_measure *ms = &p->measures[m];
    out->is_rate[m] = ms->n == 1 && p->mops[ms->first].kind == 'a' &&
                      p->aggs[p->mops[ms->first].agg].fn == SEG_AG_RATE;
  }
  for (size_t k = 0; k < (size_t)ns * na; k++) { A[k].min = INT64_MAX; A[k].max = INT64_MIN; }
  size_t nwords = (t->nrows + 63) / 64;
  for (size_t w = 0; w < nwords; w++) {
    uint64_t tail = w + 1 == nwords && t->nrows % 64 ? (UINT64_C(1) << (t->nrows % 64)) - 1 : UINT64_MAX;
    for (uint32_t s = 0; s < ns; s++) {
      uint64_t mem = res->members[s][w] & tail;
      if (!mem) continue;
      for (uint32_t a = 0; a < na; a++) {
        const seg_aggr *g = &p->aggs[a];
        const seg_column *c = g->col >= 0 ? &t->cols[g->col] : NULL;
        uint64_t bits = mem;
        if (g->cond >= 0) bits &= res->members[g->cond][w];
        if (c) bits &= c->valid[w];
        acc *x = &A[(size_t)s * na + a];
        if (g->fn == SEG_AG_COUNT) { x->n += (uint64_t)__builtin_popcountll(bits); continue; }
        while (bits) {
          size_t r = w * 64 + (size_t)__builtin_ctzll(bits);
          bits &= bits - 1;
          int64_t v = seg_col_get(c, r);
          x->n++;
          if (keeps_values(g->fn)) {
            if (x->nvals == x->capvals) {
              size_t cap = x->capvals ? 2 * x->capvals : 64;
              int64_t *nv = realloc(x->vals, cap * sizeof *nv);
              if (!nv) goto oom;
              x->vals = nv;
              x->capvals = cap;
            }
            x->vals[x->nvals++] = v;
            continue;
          }
          x->sum += v;
          x->ntrue += v != 0;
          if (v < x->min) x->min = v;
          if (v > x->max) x->max = v;
        }
      }
    }
  }
  for (uint32_t s = 0; s < ns; s++) {
    for (uint32_t a = 0; a < na; a++) {
      const seg_aggr *g = &p->aggs[a];
      char why[256];
      if (finish(g, g->col >= 0 ? &t->cols[g->col] : NULL, &A[(size_t)s * na + a], &aggv[a], why, sizeof why)) {
        snprintf(err, errlen, "segment '%s': %s", p->segs[s].name, why);
        goto done;
      }
    }
    for (uint32_t m = 0; m < p->nmeasures; m++)
      out->v[(size_t)s * p->nmeasures + m] = eval_measure(p, &p->measures[m], aggv);
  }
  rc = 0;
  goto done;
oom:
  snprintf(err, errlen, "out of memory");
done:
  if (A)
    for (size_t k = 0; k < (size_t)ns * na; k++) free(A[k].vals);
  free(A);
  free(aggv);
  if (rc != 0) seg_measures_free(out);
  return rc;
}

void seg_measures_free(seg_measures *m) {
  free(m->v);
  free(m->is_rate);
  memset(m, 0, sizeof *m);
}

void seg_mval_format(const seg_mval *v, int table, int rate, char *buf, size_t n) {
  switch (v->kind) {
  case SEG_MV_MISSING: snprintf(buf, n, "%s", table ? "-" : ""); return;
  case SEG_MV_INT: snprintf(buf, n, "%lld", (long long)v->i); return;
  case SEG_MV_DATE: {
    char d[11];
    seg_date_format((int32_t)v->i, d);
    snprintf(buf, n, "%s", d);
    return;
  }
  case SEG_MV_DEC: {
    uint64_t a = v->i < 0 ? (uint64_t)0 - (uint64_t)v->i : (uint64_t)v->i, p = 1;
    for (uint32_t k = 0; k < v->scale; k++) p *= 10;
    snprintf(buf, n, "%s%llu.%0*llu", v->i < 0 ? "-" : "", (unsigned long long)(a / p), (int)v->scale,
             (unsigned long long)(a % p));
    return;
  }
  case SEG_MV_NUM:
    if (table) {
      if (rate) snprintf(buf, n, "%.1f%%", 100 * v->f);
      else snprintf(buf, n, "%.2f", v->f);
      return;
    }
    for (int prec = 1; prec <= 17; prec++) {     /* the shortest text that reads back exactly */
      snprintf(buf, n, "%.*g", prec, v->f);
      if (strtod(buf, NULL) == v->f) return;
    }
    return;
  }
}
