/*
** diag.h -- diagnostics: one record format that every phase produces and
** every renderer (text today; JSON, SARIF, GitHub later) reads.
**
** Ownership: a seg_diags owns its records and their message strings;
** seg_diags_free releases them and leaves the list empty.
*/
#ifndef SEG_DIAG_H
#define SEG_DIAG_H

#include <stdio.h>
#include "ast.h"

typedef enum seg_severity { SEG_SEV_ERROR, SEG_SEV_WARNING, SEG_SEV_NOTE } seg_severity;

typedef struct seg_diag {
  seg_severity sev;
  const char *code;     /* stable code, e.g. "E0102" (static string)   */
  seg_loc loc;
  char *msg;
} seg_diag;

typedef struct seg_diags {
  seg_diag *v;
  size_t n, cap;
  int nerrors, nwarnings;
  int oom;              /* an allocation failed (here or in the phase that
                           reports here): the list and the result are incomplete */
} seg_diags;

void seg_diag_add(seg_diags *d, seg_severity sev, const char *code, seg_loc loc,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void seg_diags_free(seg_diags *d);
/* Removes the warnings (and notes), keeping errors in order: for commands
** that run rules rather than review them (`seg run`, `seg diff`). */
void seg_diags_drop_warnings(seg_diags *d);
/* Sorts by position (stable), keeping the order of equal positions. */
void seg_diags_sort(seg_diags *d);

/* gcc-style: file:line:col: severity: message, the source line with a
** gutter, and a caret with ~ under the whole span. */
void seg_diag_render_text(FILE *out, const seg_diags *d, const char *fname,
                          const char *src, size_t srclen, int color);

#endif
