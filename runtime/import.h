/*
** import.h -- CSV export -> seg_table, with delimiter sniffing and type
** inference from every value of every column.
**
** Ownership: on success *out owns all its buffers (free with
** seg_table_free); on error *out is left empty (all zero).
*/
#ifndef SEG_IMPORT_H
#define SEG_IMPORT_H

#include <stddef.h>

#include "table.h"

typedef struct seg_import_opts {
  char delimiter;         /* 0 = sniff ',' ';' or TAB from the header line */
  int skip_bad_rows;      /* rows with the wrong field count: warn and skip */
  void (*warn)(void *ctx, const char *msg);  /* may be NULL                */
  void *warn_ctx;
} seg_import_opts;

/* Reads the CSV file `path` ("-" = stdin) into *out.
**
** The first record is the header (UTF-8 BOM skipped; names trimmed; empty
** or duplicate names are errors).  Empty and whitespace-only cells are
** missing.  Each column's type is inferred from all its present values:
** bool (true/false, any case), int (-?[0-9]+ fitting int64, no leading
** zeros), number (ints and decimals, scaled to the most decimals seen, at
** most 18), date (YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY), else text
** (dictionary-encoded).  Quoting is strict RFC 4180: a quote inside an
** unquoted field or text after a closing quote is an error.
**
** Returns 0, or -1 with a complete "FILE:LINE: ..." message in err.
** o may be NULL (sniff, no skipping). */
int seg_import_csv(const char *path, const seg_import_opts *o, seg_table *out,
                   char *err, size_t errlen);

/* Picks the delimiter of the first line of buf[0..n): the most frequent of
** ',', ';' and TAB outside double quotes, ',' on a tie or when none occurs. */
int seg_import_sniff_delimiter(const char *buf, size_t n);

#endif
