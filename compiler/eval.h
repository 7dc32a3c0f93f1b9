/*
** eval.h -- a scalar evaluator over the AST.
**
** Used where a value is needed once rather than per row: folding `let`
** constants and constant sub-expressions at compile time, and, at run
** time, evaluating a text predicate once per distinct dictionary value of
** the one text column it reads (the VM then maps codes through a table).
*/
#ifndef SEG_EVAL_H
#define SEG_EVAL_H

#include "ast.h"

typedef struct seg_val {
  seg_vtype type;
  int missing;          /* missing value; for VT_BOOL: unknown          */
  int64_t i;            /* INT, DATE (days), BOOL (0/1), DURATION amount */
  double f;             /* NUM                                           */
  seg_unit unit;        /* DURATION                                      */
  const char *s;        /* TEXT bytes (not NUL-terminated)               */
  size_t n;
  char *owned;          /* heap buffer behind s when the value made it   */
} seg_val;

/* Environment: `today`, and the value of the single text column a
** mapped expression reads (text_missing when the row has none). */
typedef struct seg_eval_env {
  int32_t today;
  int textcol;
  const char *text;
  size_t textlen;
  int text_missing;
  int error;            /* 1 out of memory; 2 the regex matcher failed   */
  int match_error;      /* error 2: PCRE2's code (e.g. match limit)      */
} seg_eval_env;

/* day + k units (days, weeks, or calendar months/years clamped to the
** month's end): the one definition of date arithmetic. */
int64_t seg_date_shift(int64_t day, int64_t k, seg_unit unit);

/* Evaluates n. The caller releases the result with seg_val_release. */
seg_val seg_eval(const seg_node *n, seg_eval_env *env);
void seg_val_release(seg_val *v);

/* Case-folds UTF-8 text (Unicode full case folding); malloc'd result. */
char *seg_casefold(const char *s, size_t n, size_t *outlen);

/* Compiles the pattern of a `matches` node (PCRE2, UTF, case-sensitive)
** into n->cache. Returns 0, -1 with a message in err, or -2 when out of memory. */
int seg_regex_compile(seg_node *n, const char *pat, size_t len, char *err, size_t errlen);
void seg_regex_free(seg_node *n);

#endif
