/*
** table.c -- lifetime and lookup for seg_table (see table.h for ownership).
*/
#include "table.h"

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
  if (c->valid == NULL) return 0;
  uint64_t any = 0;
  size_t words = (nrows + 63) / 64;
  for (size_t w = 0; w + 1 < words; w++) any |= c->valid[w];
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
    c->has_missing = 1;
    c->ndict = 0;
    c->dict_off = NULL;
    c->dict_bytes = NULL;
    c->check_pending = 0;
  }
  return 0;
}
