/*
** types.h -- the vocabulary every layer shares: column types, source
** locations, and the columns a program is checked and bound against.
**
** base/ depends on nothing else of seg; bytecode/, runtime/, compiler/
** and cli/ all include it.
*/
#ifndef SEG_TYPES_H
#define SEG_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* A column's stored type (the .segcol and .segc codes: keep the values). */
typedef enum seg_type {
  SEG_BOOL = 0,   /* data: uint8_t[nrows], 0 or 1                      */
  SEG_INT  = 1,   /* data: int64_t[nrows]                               */
  SEG_NUM  = 2,   /* data: int64_t[nrows], value * 10^scale (exact)     */
  SEG_TEXT = 3,   /* data: uint32_t[nrows] codes into the dictionary    */
  SEG_DATE = 4    /* data: int32_t[nrows], days since 1970-01-01        */
} seg_type;

#define SEG_NTYPES 5

/* "bool", "int", "number", "text", "date" */
const char *seg_type_name(seg_type t);

/* A span of a rules file. */
typedef struct seg_loc {
  int first_line, first_column;   /* 1-based; columns count code points */
  int last_line, last_column;     /* last_column is inclusive           */
} seg_loc;

/* The columns rules are checked against: a data file's or a schema file's. */
typedef struct seg_schema_view {
  size_t ncols;
  const char *const *names;
  const seg_type *types;
  /* optional, per column: 1 if the data has missing values there,
  ** SEG_COL_EMPTY (2) if it has no value at all (sema then gives the column
  ** the type the rules need); NULL (a schema file, no data) means any
  ** column may be missing */
  const uint8_t *may_be_missing;
  /* event tables (`table orders by customer_id`): ntables views of their
  ** own columns (their own ntables 0), named table_names[i]; 0 when the
  ** data has none (a customer file alone) */
  size_t ntables;
  const char *const *table_names;
  const struct seg_schema_view *tables;
} seg_schema_view;
#define SEG_COL_EMPTY 2

/* The column of v called name: by exact name, else case-insensitively
** when that is unique; -1 when none (or several differ only in case). */
int seg_schema_view_find(const seg_schema_view *v, const char *name);

/* Exact three-way compare of an integer with a double (no rounding of i
** to double): -1, 0, 1, or 2 when d is NaN (unordered: only != holds). */
static inline int seg_cmp_i_f(int64_t i, double d) {
  if (d != d) return 2;
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  int64_t t = (int64_t)d;                 /* truncated toward zero, in range */
  if (i != t) return i < t ? -1 : 1;
  double frac = d - (double)t;            /* exact: t is d without its fraction */
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

#endif
