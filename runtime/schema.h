/*
** schema.h -- the schema file: column names and types, one per line.
**
**   # seg schema v1
**   # rows: 5000
**   customer_id: int
**   `Annual Income (k$)`: int
**
** A name matching [A-Za-z_][A-Za-z0-9_]* is written bare, any other in
** backticks with an inner backtick doubled.  Types: bool int number text
** date.  Blank lines and lines starting with '#' are ignored; a line may
** end in a '#' comment.  `seg schema` prints it, `seg check --schema` reads
** it.  Ownership: a seg_schema owns its names and types arrays; free it
** with seg_schema_free, which leaves it empty.
*/
#ifndef SEG_SCHEMA_H
#define SEG_SCHEMA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "table.h"

typedef struct seg_schema {
  size_t ncols;
  char **names;            /* UTF-8, NUL-terminated */
  seg_type *types;
  uint8_t *has_missing;    /* from data only: 1 if the column has a
                              missing value; NULL for a schema file  */
  /* event tables: a line `table orders` starts the columns of one (a
  ** section to the next such line or the end); tviews: their views, for
  ** seg_schema_view.tables (built by the parser) */
  size_t ntables;
  char **table_names;
  struct seg_schema *tables;
  seg_schema_view *tviews;
} seg_schema;

/* Copies the names and types of t into *s.  0, or -1 when out of memory
** (then *s is empty). */
int seg_schema_from_table(const seg_table *t, seg_schema *s);

/* Prints s in the schema-file format; a "# rows: N" line is added unless
** nrows_or_minus1 is (size_t)-1.  Returns 0, or -1 on a write error. */
int seg_schema_print(FILE *f, const seg_schema *s, size_t nrows_or_minus1);

/* Parses buf[0..n) as a schema file named fname (for messages).  Errors
** are "FILE:LINE:COL: message".  Returns 0 or -1 (then *out is empty). */
int seg_schema_parse(const char *fname, const char *buf, size_t n, seg_schema *out,
                     char *err, size_t errlen);

/* Reads and parses the schema file at path ("-" = stdin). */
int seg_schema_parse_file(const char *path, seg_schema *out, char *err, size_t errlen);

/* Index of the column named name, or -1. */
int seg_schema_find(const seg_schema *s, const char *name);

/* Frees what s owns and leaves it empty. */
void seg_schema_free(seg_schema *s);

#endif
