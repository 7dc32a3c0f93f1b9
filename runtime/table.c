/*
** table.c -- lifetime and lookup for seg_table (see table.h for ownership).
*/
#include "table.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Frees what *t owns: when `backing` is set the column arrays live in the
** mapping and only names, the column structs and the mapping are released. */
void seg_table_free(seg_table *t) {
  if (t == NULL) return;
  for (size_t i = 0; t->cols != NULL && i < t->ncols; i++) {
    seg_column *c = &t->cols[i];
    free(c->name);
    if (t->backing == NULL) {
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
