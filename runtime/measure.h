/*
** measure.h -- the measures of a program (`measure revenue =
** sum(total_spend)`), computed per segment over its members once the VM
** has recorded them (members and the filters' condition slots).
**
** Semantics, as SQL's aggregates: missing values are ignored; count() is
** the members, count(x) the members where x is present; sum, min, max of
** no value are missing; avg, median, percentile (continuous: linear
** interpolation between the two nearest ranks, as PostgreSQL's
** percentile_cont), rate (true / present, of a bool column) are numbers,
** missing over no value; count_distinct(x) the distinct present values.
** Sums are exact: scaled integers added in 128 bits, an error when the
** total does not fit 64 bits (never wrapped). A measure that is one
** aggregate keeps its exact type (int, decimal with the column's scale,
** date); arithmetic between aggregates is in doubles, division by zero
** and anything missing give missing.
**
** Ownership: seg_measures_free releases the values.
*/
#ifndef SEG_MEASURE_H
#define SEG_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"
#include "table.h"
#include "vm.h"

typedef enum seg_mkind { SEG_MV_MISSING, SEG_MV_INT, SEG_MV_DEC, SEG_MV_DATE, SEG_MV_NUM } seg_mkind;

typedef struct seg_mval {
  seg_mkind kind;
  int64_t i;            /* INT, DATE (days), DEC (scaled by 10^scale)   */
  uint32_t scale;
  double f;             /* NUM                                          */
} seg_mval;

typedef struct seg_measures {
  uint32_t nsegs, nmeasures;
  seg_mval *v;          /* v[s * nmeasures + m]                         */
  uint8_t *is_rate;     /* per measure: one rate() alone (a share)      */
} seg_measures;

/* Computes every measure of p for every segment, in one pass over the
** member bitmaps of res (which must have members). 0, or -1 with a
** message (a sum that does not fit, a damaged column, out of memory). */
int seg_measures_compute(const seg_program *p, const seg_table *t, const seg_result *res, seg_measures *out,
                         char *err, size_t errlen);
void seg_measures_free(seg_measures *m);

/* A value as text for CSV and JSON: exact decimals and ints as written,
** numbers the shortest text that reads back exactly, dates YYYY-MM-DD;
** missing is "". For tables (table != 0): numbers with two decimals, a
** rate as a percent with one. */
void seg_mval_format(const seg_mval *v, int table, int rate, char *buf, size_t n);

#endif
