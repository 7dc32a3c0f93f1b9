/*
** split.h -- a split's figures after a run: each arm's customers against
** its declared share, and the sample-ratio-mismatch test (Pearson's
** chi-square over the arms, k - 1 degrees of freedom).
*/
#ifndef SEG_SPLIT_H
#define SEG_SPLIT_H

#include <stdint.h>
#include "program.h"
#include "vm.h"

/* P(X >= x) for X chi-square with dof degrees of freedom: the regularized
** upper incomplete gamma Q(dof / 2, x / 2) (series below a + 1, Lentz's
** continued fraction above, as Numerical Recipes' gammq). 1 for x <= 0. */
double seg_chisq_p(double x, unsigned dof);

typedef struct seg_split_stat {
  uint64_t in_arms;     /* customers in some arm                      */
  uint64_t no_key;      /* customers of the base with no key: no arm  */
  double chisq;         /* Pearson's statistic over the arms          */
  unsigned dof;         /* narms - 1                                  */
  double p;             /* seg_chisq_p(chisq, dof); 1 when no customer */
} seg_split_stat;

/* The figures of split k of p from a run's counts. */
seg_split_stat seg_split_stats(const seg_program *p, const seg_result *res, uint32_t k);

#endif
