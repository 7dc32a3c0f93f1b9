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

typedef struct seg_column {
  char *name;            /* UTF-8 header text, NUL-terminated            */
  seg_type type;
  uint32_t scale;        /* SEG_NUM only: decimal places, 0..18          */
  uint64_t *valid;       /* bit i of valid[i/64] set => row i present   */
  void *data;            /* layout per seg_type above; 64-byte aligned  */
  /* SEG_TEXT only: dictionary of distinct values; code c is the string
  ** dict_bytes[dict_off[c] .. dict_off[c+1]) (not NUL-terminated).     */
  uint32_t ndict;
  uint64_t *dict_off;    /* ndict + 1 entries                           */
  char *dict_bytes;
  /* .segcol only: the stored CRC-32 of the column's arrays, checked when
  ** the column is first used (seg_col_check), not at open, so a run that
  ** reads 2 of 20 columns does not checksum the other 18. */
  uint32_t crc;
  int crc_pending;
} seg_column;

typedef struct seg_table {
  size_t nrows;
  size_t ncols;
  seg_column *cols;
  void *backing;         /* mmap of a .segcol file, or NULL             */
  size_t backing_len;
} seg_table;

static inline int seg_valid_get(const uint64_t *v, size_t i) {
  return (int)((v[i >> 6] >> (i & 63)) & 1u);
}

/* Leaves *t empty and valid (all zero). Safe on an empty table. */
void seg_table_free(seg_table *t);

/* Column index by exact name, or -1. */
int seg_table_find(const seg_table *t, const char *name);

#endif
