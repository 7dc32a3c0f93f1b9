/*
** measure.c -- measures per segment (see measure.h for the semantics).
**
** Per segment (segments on several threads), one pass over its member
** bitmap, 64 rows at a time, skipping empty words: for each aggregate, the
** rows that are members, pass the aggregate's filter and have a value
** (bitmap ANDs), then their values.
** Counts, sums (128-bit), minima, maxima and rates need no memory per row;
** median and percentile keep the values they saw and select the ranks
** they need (quickselect, linear); count_distinct sorts its values.
*/
#include "measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "colfile.h"
#include "date.h"
#include "tasks.h"

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

/* Puts the k-th smallest of v[0..n) at v[k], smaller ones before it,
** larger ones after (quickselect, median-of-three pivots; after 64 rounds
** that do not shrink the range enough, the rest is sorted: never
** quadratic). */
static void select_kth(int64_t *v, size_t n, size_t k) {
  size_t lo = 0, hi = n;                  /* the answer is in [lo, hi) */
  for (int rounds = 0; hi - lo > 16; rounds++) {
    if (rounds == 64) { qsort(v + lo, hi - lo, sizeof *v, cmp_i64); return; }
    size_t mid = lo + (hi - lo) / 2;
    int64_t a = v[lo], b = v[mid], c = v[hi - 1];
    int64_t piv = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    /* three-way partition: < piv, == piv, > piv (many equal values stay linear) */
    size_t lt = lo, i = lo, gt = hi;
    while (i < gt) {
      if (v[i] < piv) { int64_t t = v[i]; v[i] = v[lt]; v[lt] = t; lt++; i++; }
      else if (v[i] > piv) { gt--; int64_t t = v[i]; v[i] = v[gt]; v[gt] = t; }
      else i++;
    }
    if (k < lt) hi = lt;
    else if (k >= gt) lo = gt;
    else return;                          /* v[k] == piv, in place */
  }
  qsort(v + lo, hi - lo, sizeof *v, cmp_i64);
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
      snprintf(err, errlen, "sum(%s) does not fit in 64 bits (more than 9.2e18%s): it is not shown rather "
               "than shown wrong", c->name, scale ? " in the column's smallest unit" : "");
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
    double pos = g->p * (double)(a->nvals - 1), lo = floor(pos);
    size_t k = (size_t)lo;
    select_kth(a->vals, a->nvals, k);
    double v = (double)a->vals[k];
    if (k + 1 < a->nvals && pos > lo) {  /* the next rank: the smallest of those after k */
      int64_t next = a->vals[k + 1];
      for (size_t j = k + 2; j < a->nvals; j++) if (a->vals[j] < next) next = a->vals[j];
      v += ((double)next - (double)a->vals[k]) * (pos - lo);
    }
    *out = (seg_mval){SEG_MV_NUM, 0, 0, v / unit};
    break;
  }
  case SEG_AG_COUNT_DISTINCT: {
    if (a->nvals) qsort(a->vals, a->nvals, sizeof *a->vals, cmp_i64);   /* qsort(NULL, 0) is undefined */
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

/* One segment's aggregates: a task of its own (segments are independent,
** so they run on several threads; each writes only its own values). */
typedef struct mctx {
  const seg_program *p;
  const seg_table *t;
  const seg_result *res;
  seg_measures *out;
  char (*why)[256];          /* per segment: its error, or "" */
  uint32_t **canon;          /* per aggregate: count_distinct of text, its codes' canonical codes */
} mctx;

static void segment_task(void *arg, size_t si) {
  mctx *M = arg;
  const seg_program *p = M->p;
  const seg_table *t = M->t;
  uint32_t s = (uint32_t)si, na = p->naggs;
  acc *A = calloc((size_t)na + 1, sizeof *A);
  seg_mval *aggv = calloc((size_t)na + 1, sizeof *aggv);
  if (!A || !aggv) { snprintf(M->why[s], sizeof M->why[s], "out of memory"); goto done; }
  for (uint32_t a = 0; a < na; a++) { A[a].min = INT64_MAX; A[a].max = INT64_MIN; }
  size_t nwords = (t->nrows + 63) / 64;
  const uint64_t *members = M->res->members[s];
  for (size_t w = 0; w < nwords; w++) {
    uint64_t mem = members[w];
    if (w + 1 == nwords && t->nrows % 64) mem &= (UINT64_C(1) << (t->nrows % 64)) - 1;
    if (!mem) continue;
    for (uint32_t a = 0; a < na; a++) {
      const seg_aggr *g = &p->aggs[a];
      const seg_column *c = g->col >= 0 ? &t->cols[g->col] : NULL;
      uint64_t bits = mem;
      if (g->cond >= 0) bits &= M->res->members[g->cond][w];
      if (c) bits &= c->valid[w];
      acc *x = &A[a];
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
            if (!nv) { snprintf(M->why[s], sizeof M->why[s], "out of memory"); goto done; }
            x->vals = nv;
            x->capvals = cap;
          }
          x->vals[x->nvals++] = M->canon[a] && (uint64_t)v < c->ndict ? M->canon[a][v] : v;
          continue;
        }
        x->sum += v;
        x->ntrue += v != 0;
        if (v < x->min) x->min = v;
        if (v > x->max) x->max = v;
      }
    }
  }
  for (uint32_t a = 0; a < na; a++) {
    const seg_aggr *g = &p->aggs[a];
    if (finish(g, g->col >= 0 ? &t->cols[g->col] : NULL, &A[a], &aggv[a], M->why[s], sizeof M->why[s]) != 0)
      goto done;
  }
  for (uint32_t m = 0; m < p->nmeasures; m++)
    M->out->v[(size_t)s * p->nmeasures + m] = eval_measure(p, &p->measures[m], aggv);
done:
  if (A)
    for (uint32_t a = 0; a < na; a++) free(A[a].vals);
  free(A);
  free(aggv);
}

int seg_measures_compute(const seg_program *p, const seg_table *t, const seg_result *res, seg_measures *out,
                         char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  uint32_t ns = p->nsegs;
  if (!p->nmeasures) return 0;
  if (!res->members) {
    snprintf(err, errlen, "internal error: measures need the members");
    return -1;
  }
  for (uint32_t a = 0; a < p->naggs; a++)
    if (p->aggs[a].col >= 0 && seg_col_check(&t->cols[p->aggs[a].col], t->nrows, err, errlen) != 0) return -1;
  int rc = -1;
  mctx M = {p, t, res, out, calloc((size_t)ns + 1, sizeof *M.why), calloc((size_t)p->naggs + 1, sizeof *M.canon)};
  out->v = calloc((size_t)ns * p->nmeasures + 1, sizeof *out->v);
  out->is_rate = calloc((size_t)p->nmeasures + 1, 1);
  if (!M.why || !M.canon || !out->v || !out->is_rate) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  for (uint32_t a = 0; a < p->naggs; a++)       /* equal text under several codes counts once */
    if (p->aggs[a].fn == SEG_AG_COUNT_DISTINCT && p->aggs[a].col >= 0 && t->cols[p->aggs[a].col].type == SEG_TEXT &&
        !(M.canon[a] = seg_col_canon_codes(&t->cols[p->aggs[a].col]))) {
      snprintf(err, errlen, "out of memory");
      goto done;
    }
  out->nsegs = ns;
  out->nmeasures = p->nmeasures;
  for (uint32_t m = 0; m < p->nmeasures; m++) {
    const seg_measure *ms = &p->measures[m];
    out->is_rate[m] = ms->n == 1 && p->mops[ms->first].kind == 'a' &&
                      p->aggs[p->mops[ms->first].agg].fn == SEG_AG_RATE;
  }
  /* a thread per online CPU (at most 8), each taking whole segments */
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  size_t nth = cpus < 1 ? 1 : cpus > 8 ? 8 : (size_t)cpus;
  seg_run_tasks(ns < nth ? (ns ? ns : 1) : nth, ns, segment_task, &M);
  rc = 0;
  for (uint32_t s = 0; s < ns && rc == 0; s++)
    if (M.why[s][0]) {
      snprintf(err, errlen, "segment '%s': %s", p->segs[s].name, M.why[s]);
      rc = -1;
    }
done:
  free(M.why);
  for (uint32_t a = 0; M.canon && a < p->naggs; a++) free(M.canon[a]);
  free(M.canon);
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
