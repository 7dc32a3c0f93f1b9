/*
** table.h -- the in-memory columnar table shared by import, colfile and VM.
**
** Ownership: a seg_table owns every buffer it points to unless `backing`
** is non-NULL, in which case column arrays point into that mapping (a
** .segcol file opened with seg_col_open) and only the seg_column structs,
** names and the mapping itself are freed by seg_table_free.
*/
#ifndef SEG_TABLE_H
#define SEG_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "types.h"

typedef struct seg_column {
  char *name;            /* UTF-8 header text, NUL-terminated            */
  seg_type type;
  uint32_t scale;        /* SEG_NUM only: decimal places, 0..18          */
  /* Bytes per stored value: 0 means the natural width of the type above
  ** (what import produces); a .segcol stores int, number and date values
  ** as signed little-endian integers of 1, 2, 4 or 8 bytes and text codes
  ** as unsigned ones of 1, 2 or 4, the narrowest that holds the column.
  ** Read values through seg_col_get / the VM, never by casting `data`. */
  uint8_t width;
  /* .segcol text only: the column stores no codes, row i's code is i
  ** (ndict == nrows; a missing row's entry is empty).  seg_col_width is
  ** then 0: read codes through seg_col_get or the VM's batch helpers. */
  uint8_t rowcode;
  uint8_t has_missing;   /* .segcol only: 0 when every row is present    */
  uint64_t *valid;       /* bit i of valid[i/64] set => row i present   */
  void *data;            /* layout per seg_type above; 64-byte aligned  */
  /* SEG_TEXT only: dictionary of values; code c is the string
  ** dict_bytes[dict_off[c] .. dict_off[c+1]) (not NUL-terminated).  Offsets
  ** are 32-bit: a column holds at most SEG_TEXT_MAX bytes of text. */
  uint32_t ndict;
  uint32_t *dict_off;    /* ndict + 1 entries                           */
  char *dict_bytes;
  /* .segcol only: the stored XXH3-64 of the column's arrays, checked when
  ** the column is first used (seg_col_check), not at open, so a run that
  ** reads 2 of 20 columns does not checksum the other 18. */
  uint64_t hash;
  int check_pending;
  uint8_t nfc_unchecked; /* .segcol text written without the NFC flag: seg_col_check checks each value */
  /* A column seg_import_more.want_column left unread: its type and
  ** has_missing are the CSV's, its arrays hold no value.  seg_col_check
  ** refuses it (so every reader does), seg_col_write will not write it.
  ** nmissing (unread columns only): its rows without a value, for seg
  ** report's missing-value table (a read column counts its validity). */
  uint8_t unread;
  uint64_t nmissing;
  /* arrays this struct owns even in a mapped table (seg_table_fit_empty):
  ** freed by seg_table_free whatever `backing` is */
  void *own_valid, *own_data;
} seg_column;

typedef struct seg_table {
  size_t nrows;
  size_t ncols;
  seg_column *cols;
  void *backing;         /* mmap of a .segcol file, or NULL             */
  size_t backing_len;
  uint64_t *ones;        /* .segcol: the validity of its columns without a
                            missing value (the file stores none); owned  */
} seg_table;

/* The natural width of a type: bool 1, int/number 8, date/text 4. */
static inline unsigned seg_type_width(seg_type t) {
  return t == SEG_BOOL ? 1u : (t == SEG_INT || t == SEG_NUM) ? 8u : 4u;
}

/* The most text bytes one column's dictionary holds (32-bit offsets). */
#define SEG_TEXT_MAX ((uint64_t)UINT32_MAX)

/* The bytes of a text code for ndict dictionary entries: 1, 2 or 4. */
static inline unsigned seg_text_code_width(uint64_t ndict) {
  return ndict <= 0x100 ? 1u : ndict <= 0x10000 ? 2u : 4u;
}

/* Bytes per stored value; 0 for a text column without codes (rowcode). */
static inline unsigned seg_col_width(const seg_column *c) {
  return c->rowcode ? 0u : c->width ? c->width : seg_type_width(c->type);
}

/* Row i of a column as an integer: the value of an int, date or bool, the
** scaled value of a number, the dictionary code of a text. */
static inline int64_t seg_col_get(const seg_column *c, size_t i) {
  const void *d = c->data;
  switch (seg_col_width(c)) {
  case 0: return (int64_t)i;                       /* rowcode */
  case 1: return c->type == SEG_TEXT || c->type == SEG_BOOL ? (int64_t)((const uint8_t *)d)[i]
                                                            : (int64_t)((const int8_t *)d)[i];
  case 2: return c->type == SEG_TEXT ? (int64_t)((const uint16_t *)d)[i] : (int64_t)((const int16_t *)d)[i];
  case 4: return c->type == SEG_TEXT ? (int64_t)((const uint32_t *)d)[i] : (int64_t)((const int32_t *)d)[i];
  default: return ((const int64_t *)d)[i];
  }
}

/* The codes of rows base .. base + top of a column without codes (rowcode:
** code = row) into buf, for a reader that wants an array of codes. */
static inline const uint32_t *seg_row_codes(uint32_t *buf, size_t base, uint32_t top) {
  for (uint32_t j = 0; j < top; j++) buf[j] = (uint32_t)base + j;
  return buf;
}

/* Dictionary offsets off[0 .. n] rise and end within the column's bytes
** (end: its last offset), so every value between them can be read: what
** seg_col_check checks of a column, and the VM of the part it reads
** before that check is done (vmap.unchecked). */
static inline int seg_offs_ok(const uint32_t *off, size_t n, uint64_t end) {
  uint32_t bad = off[n] > end;       /* no early exit: the loop vectorises */
  for (size_t k = 0; k < n; k++) bad |= off[k + 1] < off[k];
  return !bad;
}

static inline int seg_valid_get(const uint64_t *v, size_t i) {
  return (int)((v[i >> 6] >> (i & 63)) & 1u);
}

/* The text of row r of column c as every output writes it: *s, *n point
** at it (into the dictionary for text, else into buf); 0, or -1 when the
** cell is missing. Numbers exactly, at the column's scale; dates
** YYYY-MM-DD; bools true/false. */
int seg_col_text(const seg_column *c, size_t r, char buf[static 48], const char **s, size_t *n);

/* Leaves *t empty and valid (all zero). Safe on an empty table. */
void seg_table_free(seg_table *t);

/* Column index by exact name, or -1. */
int seg_table_find(const seg_table *t, const char *name);

/* 1 if column c has no value in any of its nrows rows (every cell empty, or
** no rows at all), else 0. */
int seg_col_empty(const seg_column *c, size_t nrows);

/* A column with no value at all takes the type the rules need: for each
** column i < n whose type is not types[i] and that is empty, its arrays are
** replaced by an all-missing column of types[i] (owned by the column).
** Other columns are left alone (the VM then reports the mismatch).
** Returns 0, or -1 with err set (out of memory). */
int seg_table_fit_empty(seg_table *t, const seg_type *types, size_t n, char *err, size_t errlen);

/* Removes the rows whose bit is set in drop (nrows bits) from an imported
** table (not a mapped one): values, validity, and text dictionary entries
** no remaining row uses (an erased customer's e-mail is gone, not hidden).
** Returns the rows removed, or -1 with err set (out of memory, or a mapped
** table). */
long long seg_table_drop_rows(seg_table *t, const uint64_t *drop, char *err, size_t errlen);

/* Per code of a text column, the first code holding the same bytes (the
** streaming import gives a column past 1,000,000 distinct values an entry per
** row, so equal values can have several codes): what counts distinct
** values or finds duplicate keys reads codes through it. malloc'd, NULL
** when out of memory. */
uint32_t *seg_col_canon_codes(const seg_column *c);

#endif
