/*
** colfile.h -- the .segcol columnar file: written once, mmap'd to read.
**
** Layout (all integers little-endian; every array at a 64-byte aligned
** file offset, zero padding between them):
**
**   offset  size  field
**   0       8     magic "SEGCOL\0\1"
**   8       4     u32 version (3)
**   12      4     u32 ncols
**   16      8     u64 nrows
**   24      8     u64 header_len: bytes from 0 through the header checksum
**   32      ...   ncols column entries:
**                   u16 name_len, name bytes (UTF-8, no NUL),
**                   u8 type (seg_type), u8 width (bytes per value),
**                   u32 scale, u32 ndict, u32 flags (bit 0: has missing values;
**                   bit 1, text only: every value is in Unicode NFC -- a text
**                   column without it, from a seg before NFC import, has its
**                   values checked on first use and is refused if one is not),
**                   u64 data_off,      u64 data_len,
**                   u64 valid_off,     u64 valid_len,
**                   u64 dict_off_off,  u64 dict_off_len,
**                   u64 dict_bytes_off,u64 dict_bytes_len,
**                   u64 hash: XXH3-64 of data || valid || dict_off ||
**                        dict_bytes, over exactly the lengths above
**   ...     4     u32 CRC-32 of header bytes [0, header_len - 4)
**   then the arrays, column by column, each padded to 64 bytes.
**
** Values are narrow (since version 2): data_len is nrows * width, where
** width is the narrowest of 1, 2, 4, 8 bytes (signed) that holds every
** int, number (scaled) or date value of the column, 1, 2 or 4 (unsigned)
** for text codes, 1 for bool; valid_len is ((nrows + 63) / 64) * 8, or 0
** when the column has no missing value (flag bit 0 clear; version 3); dict
** lengths are 0 except for text, where dict_off_len = (ndict + 1) * 4
** (u32 offsets, since version 3: a column holds at most 4 GiB of text),
** dict_off[0] = 0, offsets are non-decreasing (checked with the column's
** hash, on first use) and the last equals dict_bytes_len.
**
** Text has two layouts (version 3), the writer takes the smaller:
**   dictionary  width 1, 2 or 4: a code per row, the distinct values once;
**   per row     width 0, data_len 0, ndict = nrows: no codes, row i's
**               value is entry i (empty when the row is missing), in row
**               order -- a column of (nearly) all distinct values, such as
**               e-mails, saves the codes and stores its bytes once anyway.
** Version 2 files (u64 offsets, codes and validity always) are refused
** with a message to import the CSV again.
**
** Ownership: seg_col_open fills a seg_table whose `backing` is the
** mapping (and `ones`, the validity of the columns that store none); free
** it with seg_table_free.
*/
#ifndef SEG_COLFILE_H
#define SEG_COLFILE_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"

#define SEG_COL_VERSION 3

/* Writes t to path atomically: a temporary file path.tmp.XXXXXX in the same
** directory is written, fsync'd and renamed over path.  On any failure
** (including short writes, ENOSPC, EFBIG) the temporary file is removed,
** path is untouched, and -1 is returned with a message in err. */
int seg_col_write(const seg_table *t, const char *path, char *err, size_t errlen);

/* The same, column by column, for a writer that does not hold the table
** (the streaming import): seg_colw_open (NULL with err set on failure),
** then for each column j in order seg_colw_column, and for each of its
** arrays in order (0 data, 1 validity, 2 dictionary offsets, 3 dictionary
** bytes; 2 and 3 for text only) seg_colw_array and the bytes with
** seg_colw_put, then seg_colw_end_column; seg_colw_finish writes the header
** and puts the file in place (0, or -1 with err); seg_colw_abort removes it.
** Both free the writer.  The lengths are what was put (the caller keeps to
** the layout above); a write error is kept and reported by finish
** (seg_colw_failed tells it early). */
typedef struct seg_colw seg_colw;
seg_colw *seg_colw_open(const char *path, char *const *names, size_t ncols, uint64_t nrows, char *err,
                        size_t errlen);
void seg_colw_column(seg_colw *w, size_t j, seg_type type, uint32_t scale, unsigned width, uint32_t ndict);
/* Text column j of nrows rows (dictionary codes in c->data at c's width,
** validity, dictionary) in whichever layout above is smaller: the whole
** column (seg_colw_column through seg_colw_end_column). */
void seg_colw_text(seg_colw *w, size_t j, const seg_column *c, uint64_t nrows);
/* Whether a text column of nrows rows, `present` of them with a value, and
** ndict dictionary entries is written per row: every present row has its
** own entry and the codes cost more than the missing rows' empty entries.
** (The streaming import decides with it too, so both imports agree.) */
int seg_col_text_rows(uint64_t nrows, uint64_t present, uint64_t ndict);
void seg_colw_array(seg_colw *w, int k);
void seg_colw_put(seg_colw *w, const void *p, size_t n);
void seg_colw_end_column(seg_colw *w, int has_missing);
int seg_colw_failed(const seg_colw *w);
int seg_colw_finish(seg_colw *w, char *err, size_t errlen);
void seg_colw_abort(seg_colw *w);

/* Maps path read-only and validates magic, version, header checksum, every
** array's bounds, lengths and alignment, dictionary offsets, unused
** validity bits; column hashes are checked on first use (seg_col_check).  Text codes are not checked
** against ndict here.  Returns 0 with *out pointing into the mapping, or -1
** with "FILE: ..." in err and *out empty. */
int seg_col_open(const char *path, seg_table *out, char *err, size_t errlen);

/* Verifies the checksum of a column of a table opened by seg_col_open
** (a no-op for in-memory tables). Returns 0, or -1 with a message. */
int seg_col_check(const seg_column *c, size_t nrows, char *err, size_t errlen);

/* 1 if path starts with the .segcol magic, 0 otherwise (or unreadable). */
int seg_col_is_segcol(const char *path);

#endif
