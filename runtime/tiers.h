/*
** tiers.h -- the tiers of each priority (`priority lifecycle = vip,
** lapsing_vip, else everyone_else`), computed from the segments' member
** bitmaps once the VM has recorded them.
**
** Semantics: tier i of a priority holds the customers of its segment that
** no earlier tier's segment holds (seg_i and not (seg_1 or ... or
** seg_{i-1})), so each customer is in at most one tier. The else tier
** holds the rest of the customers the `require` guard keeps (all of them
** without a guard): a customer the guard leaves out is in no segment, and
** in no tier either, as the guard promises. The base is the rows not
** suppressed by --exclude; "in no tier" is the base less every tier (with
** an else tier: the customers the guard left out).
**
** Ownership: seg_tiers_free releases everything and leaves *t empty.
*/
#ifndef SEG_TIERS_H
#define SEG_TIERS_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"
#include "vm.h"

typedef struct seg_tiers {
  uint32_t nprios;
  uint64_t *count;     /* priority k's tier i at count[prios[k].first + k + i]; i == n: the else tier */
  uint64_t *none;      /* per priority: customers of the base in no tier */
  uint64_t base;       /* rows less the suppressed ones */
  uint32_t **of;       /* with rows: per priority, per row, 0 no tier, 1 + i tier i (n + 1: else) */
} seg_tiers;

/* Computes every priority of p from res (which must hold the members of
** every slot when p has priorities). excluded: the rows --exclude
** suppressed (already cleared from res), or NULL. With rows, also each
** row's tier (for --members). 0, or -1 when out of memory. */
int seg_tiers_compute(const seg_program *p, const seg_result *res, const uint64_t *excluded, int rows,
                      seg_tiers *out);
void seg_tiers_free(seg_tiers *t);

/* The count of priority k's tier i (i == prios[k].n: the else tier). */
static inline uint64_t seg_tiers_count(const seg_tiers *t, const seg_program *p, uint32_t k, uint32_t i) {
  return t->count[p->prios[k].first + k + i];
}

#endif
