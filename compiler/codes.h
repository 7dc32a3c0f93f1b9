/*
** codes.h -- the table of stable diagnostic codes (compiler/codes.def):
** their default severity, one-line title and explanation.  Read by
** `seg explain-code` and by the SARIF renderer (rules).
*/
#ifndef SEG_CODES_H
#define SEG_CODES_H

#include <stddef.h>
#include "diag.h"

typedef struct seg_code_info {
  const char *code;          /* "E0102"                                   */
  seg_severity sev;          /* default severity                          */
  const char *title;         /* one line                                  */
  const char *explanation;   /* paragraphs, an example and the fix        */
} seg_code_info;

extern const seg_code_info seg_codes[];
extern const size_t seg_ncodes;

/* The entry for `code` (case-insensitive), or NULL. */
const seg_code_info *seg_code_find(const char *code);
/* Its index in seg_codes, or -1. */
int seg_code_index(const char *code);

#endif
