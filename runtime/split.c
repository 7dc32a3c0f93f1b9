/*
** split.c -- a split's sample-ratio-mismatch figures (split.h).
*/
#include "split.h"

#include <math.h>

/* Q(a, x) by its series: 1 - P(a, x), P = x^a e^-x / Gamma(a + 1) * sum. */
static double gamma_q_series(double a, double x) {
  double ap = a, sum = 1.0 / a, del = sum;
  for (int n = 0; n < 10000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (fabs(del) < fabs(sum) * 1e-16) break;
  }
  double p = sum * exp(-x + a * log(x) - lgamma(a));
  return p >= 1 ? 0 : 1 - p;
}

/* Q(a, x) by its continued fraction (modified Lentz), for x >= a + 1. */
static double gamma_q_cf(double a, double x) {
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 10000; i++) {
    double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) < 1e-16) break;
  }
  return exp(-x + a * log(x) - lgamma(a)) * h;
}

double seg_chisq_p(double x, unsigned dof) {
  if (!(x > 0) || dof == 0) return 1;
  double a = dof / 2.0, h = x / 2.0;
  return h < a + 1 ? gamma_q_series(a, h) : gamma_q_cf(a, h);
}

seg_split_stat seg_split_stats(const seg_program *p, const seg_result *res, uint32_t k) {
  const seg_split *sp = &p->splits[k];
  seg_split_stat st = {0, 0, 0, sp->narms ? sp->narms - 1 : 0, 1};
  for (uint32_t a = 0; a < sp->narms; a++) st.in_arms += res->counts[sp->first + a];
  st.no_key = sp->nokey < res->nsegs ? res->counts[sp->nokey] : 0;
  if (st.in_arms == 0) return st;
  for (uint32_t a = 0; a < sp->narms; a++) {
    double e = (double)st.in_arms * sp->buckets[a] / SEG_BUCKETS, o = (double)res->counts[sp->first + a];
    st.chisq += (o - e) * (o - e) / e;
  }
  st.p = seg_chisq_p(st.chisq, st.dof);
  return st;
}
