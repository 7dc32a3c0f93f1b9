/*
** table.c -- lifetime and lookup for seg_table (see table.h for ownership).
*/
#include "table.h"
#include <stdio.h>
#include "date.h"

#include <stdlib.h>
#include "err.h"
#include <string.h>
#include <sys/mman.h>

/* Frees what *t owns: when `backing` is set the column arrays live in the
** mapping and only names, the column structs and the mapping are released. */
void seg_table_free(seg_table *t) {
  if (t == NULL) return;
  for (size_t i = 0; t->cols != NULL && i < t->ncols; i++) {
    seg_column *c = &t->cols[i];
    free(c->name);
    free(c->own_valid);
    free(c->own_data);
    if (t->backing == NULL && c->own_data == NULL) {
      free(c->valid);
      free(c->data);
      free(c->dict_off);
      free(c->dict_bytes);
    }
  }
  free(t->cols);
  free(t->ones);
  if (t->backing != NULL) munmap(t->backing, t->backing_len);
  memset(t, 0, sizeof *t);
}

int seg_table_find(const seg_table *t, const char *name) {
  if (t == NULL || name == NULL) return -1;
  for (size_t i = 0; i < t->ncols; i++)
    if (t->cols[i].name != NULL && strcmp(t->cols[i].name, name) == 0) return (int)i;
  return -1;
}

int seg_col_empty(const seg_column *c, size_t nrows) {
  if (nrows == 0) return 1;
  if (c->unread) return 0;                /* it has values, left in the CSV */
  if (c->valid == NULL) return 0;
  uint64_t any = 0;
  size_t words = (nrows + 63) / 64;
  /* a block of 64 words at a time, stopping at the first value: a column
  ** with values is told in a few words, not read whole (W2 at 10M rows
  ** read 13 x 1.25 MB of validity, 2-3 ms, before running) */
  for (size_t w = 0; w + 1 < words; w += 64) {
    size_t top = w + 64 < words - 1 ? w + 64 : words - 1;
    for (size_t k = w; k < top; k++) any |= c->valid[k];
    if (any) return 0;
  }
  size_t tail = nrows % 64;
  any |= c->valid[words - 1] & (tail ? (UINT64_MAX >> (64 - tail)) : UINT64_MAX);
  return any == 0;
}

int seg_table_fit_empty(seg_table *t, const seg_type *types, size_t n, char *err, size_t errlen) {
  for (size_t i = 0; i < n && i < t->ncols; i++) {
    seg_column *c = &t->cols[i];
    /* text is what an empty CSV column already is; never made one here */
    if (c->type == types[i] || types[i] == SEG_TEXT || !seg_col_empty(c, t->nrows)) continue;
    size_t words = (t->nrows + 63) / 64 + 1;
    size_t bytes = ((t->nrows + 1) * seg_type_width(types[i]) + 63) / 64 * 64;
    uint64_t *valid = calloc(words, sizeof *valid);
    void *data = aligned_alloc(64, bytes);
    if (!valid || !data) {
      free(valid);
      free(data);
      seg_set_err(err, errlen, "out of memory");
      return -1;
    }
    memset(data, 0, bytes);
    if (t->backing == NULL && c->own_data == NULL) {      /* an imported column: its own arrays go */
      free(c->valid);
      free(c->data);
      free(c->dict_off);
      free(c->dict_bytes);
    }
    free(c->own_valid);
    free(c->own_data);
    c->valid = c->own_valid = valid;
    c->data = c->own_data = data;
    c->type = types[i];
    c->scale = 0;
    c->width = 0;
    c->rowcode = 0;
    c->has_missing = 1;
    c->ndict = 0;
    c->dict_off = NULL;
    c->dict_bytes = NULL;
    c->check_pending = 0;
  }
  return 0;
}

static void put_w(void *d, unsigned w, size_t i, int64_t v) {
  switch (w) {
  case 1: ((uint8_t *)d)[i] = (uint8_t)v; break;
  case 2: ((uint16_t *)d)[i] = (uint16_t)v; break;
  case 4: ((uint32_t *)d)[i] = (uint32_t)v; break;
  default: ((int64_t *)d)[i] = v; break;
  }
}

long long seg_table_drop_rows(seg_table *t, const uint64_t *drop, char *err, size_t errlen) {
  if (t->backing) { seg_set_err(err, errlen, "rows can only be dropped from an imported table"); return -1; }
  size_t keep = 0;
  for (size_t i = 0; i < t->nrows; i++) keep += !((drop[i / 64] >> (i % 64)) & 1);
  if (keep == t->nrows) return 0;
  for (size_t c = 0; c < t->ncols; c++) {
    seg_column *col = &t->cols[c];
    unsigned w = seg_col_width(col);
    size_t j = 0;
    for (size_t i = 0; i < t->nrows; i++) {          /* in place: j <= i */
      if ((drop[i / 64] >> (i % 64)) & 1) continue;
      put_w(col->data, w, j, seg_col_get(col, i));
      int v = !col->valid || seg_valid_get(col->valid, i);
      if (col->valid) {
        if (v) col->valid[j / 64] |= 1ull << (j % 64);
        else col->valid[j / 64] &= ~(1ull << (j % 64));
      }
      j++;
    }
    if (col->valid) {                                 /* bits past the end stay clear */
      for (size_t k = keep; k % 64 && k < ((keep + 63) / 64) * 64; k++) col->valid[k / 64] &= ~(1ull << (k % 64));
      for (size_t wd = (keep + 63) / 64; wd < (t->nrows + 63) / 64; wd++) col->valid[wd] = 0;
    }
    if (col->type != SEG_TEXT || col->ndict == 0) continue;
    /* dictionary: keep only the values a remaining row uses, codes remapped */
    uint32_t *map = malloc((size_t)col->ndict * sizeof *map);
    uint32_t *off = malloc(((size_t)col->ndict + 1) * sizeof *off);
    char *bytes = malloc((size_t)col->dict_off[col->ndict] + 1);
    if (!map || !off || !bytes) {
      free(map); free(off); free(bytes);
      seg_set_err(err, errlen, "out of memory");
      return -1;
    }
    for (uint32_t k = 0; k < col->ndict; k++) map[k] = UINT32_MAX;
    for (size_t i = 0; i < keep; i++)
      if (!col->valid || seg_valid_get(col->valid, i)) map[seg_col_get(col, i)] = 0;
    uint32_t n = 0;
    off[0] = 0;
    for (uint32_t k = 0; k < col->ndict; k++) {
      if (map[k] == UINT32_MAX) continue;
      uint32_t len = col->dict_off[k + 1] - col->dict_off[k];
      memcpy(bytes + off[n], col->dict_bytes + col->dict_off[k], len);
      off[n + 1] = off[n] + len;
      map[k] = n++;
    }
    for (size_t i = 0; i < keep; i++)
      if (!col->valid || seg_valid_get(col->valid, i)) put_w(col->data, w, i, map[seg_col_get(col, i)]);
      else put_w(col->data, w, i, 0);
    free(map);
    free(col->dict_off);
    free(col->dict_bytes);
    col->dict_off = off;
    col->dict_bytes = bytes;
    col->ndict = n;
  }
  long long dropped = (long long)(t->nrows - keep);
  t->nrows = keep;
  return dropped;
}

int seg_col_text(const seg_column *c, size_t r, char buf[static 48], const char **s, size_t *n) {
  if (c->valid && !seg_valid_get(c->valid, r)) return -1;
  int64_t v = seg_col_get(c, r);
  *s = buf;
  switch (c->type) {
  case SEG_BOOL: *n = (size_t)snprintf(buf, 48, "%s", v ? "true" : "false"); break;
  case SEG_DATE: seg_date_format((int32_t)v, buf); *n = strlen(buf); break;
  case SEG_TEXT:
    if ((uint64_t)v >= c->ndict) return -1;         /* seg_col_check refuses such a column first */
    *s = c->dict_bytes + c->dict_off[v];
    *n = (size_t)(c->dict_off[v + 1] - c->dict_off[v]);
    break;
  case SEG_NUM: {
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, p = 1;
    for (uint32_t k = 0; k < c->scale; k++) p *= 10;
    if (c->scale == 0) *n = (size_t)snprintf(buf, 48, "%s%llu", v < 0 ? "-" : "", (unsigned long long)a);
    else *n = (size_t)snprintf(buf, 48, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(a / p),
                               (int)c->scale, (unsigned long long)(a % p));
    break;
  }
  default: *n = (size_t)snprintf(buf, 48, "%lld", (long long)v); break;
  }
  return 0;
}

/* FNV-1a, for seg_col_canon_codes */
static size_t canon_hash(const char *s, size_t n) {
  uint64_t h = UINT64_C(14695981039346656037);
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
  return (size_t)(h ^ (h >> 29));
}

/* Per code of a text column, the first code with the same bytes: a
** dictionary need not hold each value once (the streaming import gives an
** all-distinct column an entry per row). NULL when out of memory. */
uint32_t *seg_col_canon_codes(const seg_column *x) {
  uint32_t nd = x->ndict;
  size_t cap = 16;
  while (cap < 2 * (size_t)nd) cap *= 2;
  uint32_t *canon = malloc(((size_t)nd + 1) * sizeof *canon), *slot = malloc(cap * sizeof *slot);
  if (!canon || !slot) { free(canon); free(slot); return NULL; }
  for (size_t i = 0; i < cap; i++) slot[i] = UINT32_MAX;
  for (uint32_t c = 0; c < nd; c++) {
    const char *s = x->dict_bytes + x->dict_off[c];
    size_t len = (size_t)(x->dict_off[c + 1] - x->dict_off[c]), i = canon_hash(s, len) & (cap - 1);
    canon[c] = c;
    for (; slot[i] != UINT32_MAX; i = (i + 1) & (cap - 1)) {
      uint32_t o = slot[i];
      if ((size_t)(x->dict_off[o + 1] - x->dict_off[o]) == len && memcmp(x->dict_bytes + x->dict_off[o], s, len) == 0) {
        canon[c] = o;
        break;
      }
    }
    if (canon[c] == c) slot[i] = c;
  }
  free(slot);
  return canon;
}
