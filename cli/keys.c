/*
** keys.c -- the customers of two exports matched by key (`seg diff RULES
** --data OLD NEW`): the text of the key column as every output writes it
** (seg_cli_cell_text: 100042, 2026-11-23, 12.50), compared byte for byte.
**
** Both exports' keys go into one array sorted by text; equal neighbours
** are the same customer. A key must be present and on one row of its
** export only: a customer is who the key names, so a second row with the
** same key (or a row without one) could be either and is refused.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "colfile.h"

typedef struct keyref {
  const char *s;
  uint32_t n;
  uint32_t row_side;        /* row * 2 + side (0 old, 1 new) */
} keyref;

static int by_text(const void *pa, const void *pb) {
  const keyref *a = pa, *b = pb;
  int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
  if (c) return c;
  if (a->n != b->n) return a->n < b->n ? -1 : 1;
  if ((a->row_side & 1) != (b->row_side & 1)) return (a->row_side & 1) ? 1 : -1;   /* the old row first */
  return a->row_side < b->row_side ? -1 : a->row_side > b->row_side;
}

/* Adds the keys of one export to refs (texts that are not in the text
** dictionary are copied into *arena, allocated here). 0, or -1 said. */
static int add_side(const seg_table *t, int key, const char *path, int side, keyref *refs, size_t *nrefs,
                    char **arena) {
  const seg_column *c = &t->cols[key];
  char buf[48], err[512];
  const char *s;
  size_t n, total = 0;
  if (seg_col_check(c, t->nrows, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", path, err);
    return -1;
  }
  for (size_t r = 0; r < t->nrows; r++) {
    if (seg_cli_cell_text(c, r, buf, &s, &n) != 0) {
      fprintf(stderr, "seg: diff: %s: row %zu has no %s; customers are matched by their key (--key)\n", path,
              r + 1, c->name);
      return -1;
    }
    if (c->type != SEG_TEXT) total += n;
  }
  *arena = malloc(total + 1);
  if (!*arena) { fprintf(stderr, "seg: out of memory\n"); return -1; }
  size_t off = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    seg_cli_cell_text(c, r, buf, &s, &n);
    if (c->type != SEG_TEXT) {
      memcpy(*arena + off, s, n);
      s = *arena + off;
      off += n;
    }
    refs[(*nrefs)++] = (keyref){s, (uint32_t)n, (uint32_t)(r * 2 + (size_t)side)};
  }
  return 0;
}

int seg_cli_match_keys(const seg_table *const t[2], const int key[2], const char *const path[2], int64_t *map[2]) {
  keyref *refs = NULL;
  char *arena[2] = {NULL, NULL};
  size_t nrefs = 0;
  int rc = -1;
  map[0] = map[1] = NULL;
  if (t[0]->nrows > INT32_MAX || t[1]->nrows > INT32_MAX) {
    fprintf(stderr, "seg: diff: more than %d rows in one export\n", INT32_MAX);
    return -1;
  }
  refs = malloc((t[0]->nrows + t[1]->nrows + 1) * sizeof *refs);
  for (int k = 0; k < 2; k++) map[k] = malloc((t[k]->nrows + 1) * sizeof *map[k]);
  if (!refs || !map[0] || !map[1]) { fprintf(stderr, "seg: out of memory\n"); goto done; }
  for (int k = 0; k < 2; k++) {
    if (add_side(t[k], key[k], path[k], k, refs, &nrefs, &arena[k]) != 0) goto done;
    for (size_t r = 0; r < t[k]->nrows; r++) map[k][r] = -1;
  }
  qsort(refs, nrefs, sizeof *refs, by_text);
  for (size_t i = 0; i < nrefs;) {
    size_t j = i + 1;
    while (j < nrefs && refs[j].n == refs[i].n && memcmp(refs[j].s, refs[i].s, refs[i].n) == 0) j++;
    int side0 = refs[i].row_side & 1;
    if (j - i > 2 || (j - i == 2 && side0 == (int)(refs[i + 1].row_side & 1))) {
      int side = (refs[i + 1].row_side & 1) == (unsigned)side0 ? side0 : (int)(refs[i + 2].row_side & 1);
      size_t a = 0, b = 0;                      /* the first two rows of that side */
      for (size_t k = i; k < j; k++)
        if ((int)(refs[k].row_side & 1) == side) {
          if (a == 0) a = refs[k].row_side / 2 + 1;
          else if (b == 0) b = refs[k].row_side / 2 + 1;
        }
      fprintf(stderr, "seg: diff: %s: %s '%.*s' is on rows %zu and %zu; customers are matched by their key "
                      "(--key), which must name each one once\n", path[side], t[side]->cols[key[side]].name,
              (int)(refs[i].n > 200 ? 200 : refs[i].n), refs[i].s, a, b);
      goto done;
    }
    if (j - i == 2) {
      map[0][refs[i].row_side / 2] = refs[i + 1].row_side / 2;   /* sorted: the old row first */
      map[1][refs[i + 1].row_side / 2] = refs[i].row_side / 2;
    }
    i = j;
  }
  rc = 0;
done:
  free(refs);
  free(arena[0]);
  free(arena[1]);
  if (rc != 0) {
    free(map[0]);
    free(map[1]);
    map[0] = map[1] = NULL;
  }
  return rc;
}
