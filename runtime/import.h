/*
** import.h -- CSV export -> seg_table: encodings, delimiter sniffing,
** parallel parsing through libcsv, and type inference from every value of
** every column.
**
** Ownership: on success *out owns all its buffers (free with
** seg_table_free); on error *out is left empty (all zero).
*/
#ifndef SEG_IMPORT_H
#define SEG_IMPORT_H

#include <stddef.h>

#include "table.h"

struct seg_schema;

/* Input encodings (seg_import_opts.encoding).  Whatever the input, the
** table holds UTF-8. */
typedef enum seg_encoding {
  SEG_ENC_AUTO = 0,   /* UTF-8; a UTF-16 byte-order mark switches to UTF-16 */
  SEG_ENC_UTF8,       /* UTF-8 only (a UTF-8 BOM is skipped)                */
  SEG_ENC_CP1252,     /* Windows-1252 (what "ANSI" spreadsheets write)       */
  SEG_ENC_LATIN1,     /* ISO-8859-1; bytes 0x80-0x9F are refused (cp1252?)   */
  SEG_ENC_UTF16,      /* UTF-16, order from the BOM, little-endian without   */
  SEG_ENC_UTF16LE,
  SEG_ENC_UTF16BE
} seg_encoding;

typedef struct seg_import_opts {
  char delimiter;         /* 0 = sniff ',' ';' or TAB from the header line */
  int skip_bad_rows;      /* rows with the wrong field count: warn and skip */
  void (*warn)(void *ctx, const char *msg);  /* may be NULL                */
  void *warn_ctx;
} seg_import_opts;

/* More options, all zero by default.  (A struct of its own so that the
** positional initialisers of seg_import_opts in use stay complete.) */
typedef struct seg_import_more {
  int encoding;           /* a seg_encoding                                 */
  int month_first;        /* D/M/YYYY is read as M/D/YYYY (US exports)      */
  char decimal;           /* 0 = inferred per column; '.' or ','            */
  const char *key;        /* a column that must be present and unique       */
  int threads;            /* 0 = one per online CPU (at most 8); 1 = none   */
  size_t min_chunk;       /* bytes of CSV per thread at least; 0 = 2 MiB    */
  /* The ceiling on rows skipped with skip_bad_rows; past it the import
  ** fails.  SEG_MAX_BAD_DEFAULT: 1% of the records (rounded up), at most
  ** 1,000; SEG_MAX_BAD_ROWS: max_bad rows; SEG_MAX_BAD_PERCENT: max_bad
  ** percent of the records (rounded up). */
  int max_bad_kind;
  double max_bad;
  /* Pinned types (--schema): every column of `schema` must be in the
  ** header and gets exactly its type, whatever the values; a value that
  ** does not read as that type fails the import, naming its line, column
  ** and value, or with `lenient` is missing (counted in a warning).  A
  ** header column not in the schema fails the import unless allow_extra
  ** (then its type is inferred).  A pinned bool column reads true/false,
  ** yes/no, y/n and ja/nej in any case.  schema_name is for messages. */
  const struct seg_schema *schema;
  const char *schema_name;
  int lenient;
  int allow_extra;
  /* Progress, or NULL: called from the parsing threads after each slice
  ** of a chunk (8 MiB; not per row) with the bytes and records that slice
  ** held, and the bytes of the body in all (seg import's and run's bar). */
  void (*progress)(void *ctx, uint64_t bytes, uint64_t records, uint64_t total);
  void *progress_ctx;
  /* Columns nothing will read, or NULL (every column is read): for each
  ** header column (j from 0, in order, with its name), 0 leaves it unread (`seg run` on a CSV asks for
  ** the columns its rules can name).  Only seg_import_csv2 and
  ** seg_import_mem, and not with `schema` or `key` (then every column is
  ** read).  An unread column is parsed and its type inferred from every
  ** value as usual (the same type; the same messages, except the note on
  ** why a column is text, which reads the values), but its values are not
  ** kept: in the table it is `unread`, its arrays hold no value, and
  ** has_missing says whether the CSV had a missing value in it.  A column
  ** without a single value is read (it is all missing either way). */
  int (*want_column)(void *ctx, size_t j, const char *name);
  void *want_ctx;
} seg_import_more;

enum { SEG_MAX_BAD_DEFAULT = 0, SEG_MAX_BAD_ROWS = 1, SEG_MAX_BAD_PERCENT = 2 };

/* Parses a --max-bad-rows value, "N" or "P%" (0 <= P <= 100), into m.
** Returns 0, or -1 when it is neither. */
int seg_import_parse_max_bad(const char *s, seg_import_more *m);

/* Reads the CSV file `path` ("-" = stdin) into *out.
**
** Input: UTF-8 (BOM skipped; invalid UTF-8 is an error located by line and
** column), UTF-16 with a BOM (detected), or the encoding given in
** m->encoding.  Line ends may be LF, CRLF or a bare CR.
**
** The first record is the header (names trimmed; empty or duplicate names
** are errors).  Empty and whitespace-only cells are missing.  Quoting is
** strict RFC 4180: a quote inside an unquoted field or text after a closing
** quote is an error.  Each column's type is inferred from all its present
** values, in this order:
**   bool    true/false (any case);
**   int     -?digits fitting int64, no leading zeros (0001 stays text),
**           digit groups allowed as for numbers: 1 234, 1,234,567, 1.234.567;
**   number  a decimal mark and 1..18 fraction digits (scaled to the most
**           seen).  The decimal mark is '.' or ','; the other one, a space,
**           U+00A0, U+202F or U+2009 may group digits by three
**           (1 234,50  1.234,50  1,234.50).  The mark is chosen per column:
**           the one every value can be read with.  When every value reads
**           both ways but to different numbers (a column of 1,234 or 1.500
**           only) the column is text and a warning says why (m->decimal
**           decides instead);
**   date    YYYY-MM-DD, D.M.YYYY, D/M/YYYY (M/D/YYYY with month_first); a
**           column that only reads in the other order is text, with a
**           warning;
**   text    anything else (dictionary-encoded, codes in first-seen order).
**
** With m->key, the key column must exist and have a value on every row,
** each value once; otherwise the import fails, naming the lines.
**
** The result does not depend on the number of threads.
** Returns 0, or -1 with a complete "FILE:LINE[:COL]: ..." message in err
** (every message starts with the file name).  o and m may be NULL
** (defaults); warnings go to o->warn. */
int seg_import_csv2(const char *path, const seg_import_opts *o, const seg_import_more *m,
                    seg_table *out, char *err, size_t errlen);

/* seg_import_csv2 with m = NULL. */
int seg_import_csv(const char *path, const seg_import_opts *o, seg_table *out,
                   char *err, size_t errlen);

/* seg_import_csv2 straight into the .segcol file `out` (what seg_col_write
** would make of the table, written the same way: a temporary beside out,
** renamed over it; on failure out is untouched), in memory bounded by the
** row group size rather than the file's: the CSV is read twice (stdin is
** spooled to a temporary file first) and the row groups spilled to an
** unlinked file beside out.  A text column with more than 2^20 distinct
** values gets a dictionary entry per row instead of a map (the file then
** differs from seg_col_write's, the values do not).  m->key is not
** supported (give the table to check_key: seg_import_csv2).  Sets *nrows
** and *ncols.  Returns 0, or -1 with the message in err. */
int seg_import_csv_segcol(const char *path, const seg_import_opts *o, const seg_import_more *m, const char *out,
                          size_t *nrows, size_t *ncols, char *err, size_t errlen);

/* The same over n bytes in memory; `name` is used in messages. */
int seg_import_mem(const void *buf, size_t n, const char *name, const seg_import_opts *o,
                   const seg_import_more *m, seg_table *out, char *err, size_t errlen);

/* Picks the delimiter of the first line of buf[0..n): the most frequent of
** ',', ';' and TAB outside double quotes, ',' on a tie or when none occurs. */
int seg_import_sniff_delimiter(const char *buf, size_t n);

/* "utf-8", "cp1252", "latin1", "utf-16" ... -> a seg_encoding, or -1. */
int seg_import_encoding(const char *name);

#endif
