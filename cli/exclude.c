/*
** exclude.c -- `--exclude FILE`: a suppression list (keys or e-mail
** addresses) removed from every segment's members.
**
** FILE is a CSV whose header names a column of the data (the key, or the
** e-mail column); its values are compared with that column's values as
** text, trimmed; a value with an '@' (an e-mail address) case-insensitively
** (ASCII). A value of the list that is in no row of the data is counted,
** not an error: suppression lists outlive the customers on them.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "colfile.h"
#include "date.h"

typedef struct strset {
  char **slot;            /* normalised values, NULL for empty slots      */
  uint8_t *hit;           /* the value matched a row of the data          */
  size_t cap, n;
} strset;

static uint64_t fnv(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

/* The text of row i of column c, trimmed, an e-mail address lower-cased,
** into buf; 0, or -1 when the cell is missing. */
static int cell_text(const seg_column *c, size_t i, char *buf, size_t cap) {
  char num[48];
  const char *s;
  size_t n;
  if (seg_cli_cell_text(c, i, num, &s, &n) != 0) return -1;
  while (n && isspace((unsigned char)*s)) { s++; n--; }
  while (n && isspace((unsigned char)s[n - 1])) n--;
  if (n >= cap) n = cap - 1;
  memmove(buf, s, n);
  buf[n] = 0;
  if (memchr(buf, '@', n))
    for (size_t k = 0; k < n; k++) buf[k] = (char)tolower((unsigned char)buf[k]);
  return 0;
}

static int set_add(strset *st, const char *v) {
  if ((st->n + 1) * 2 > st->cap) {
    size_t nc = st->cap ? st->cap * 2 : 64;
    char **ns = calloc(nc, sizeof *ns);
    uint8_t *nh = calloc(nc, 1);
    if (!ns || !nh) { free(ns); free(nh); return -1; }
    for (size_t i = 0; i < st->cap; i++) {
      if (!st->slot[i]) continue;
      size_t j = fnv(st->slot[i]) & (nc - 1);
      while (ns[j]) j = (j + 1) & (nc - 1);
      ns[j] = st->slot[i];
    }
    free(st->slot);
    free(st->hit);
    st->slot = ns;
    st->hit = nh;
    st->cap = nc;
  }
  size_t j = fnv(v) & (st->cap - 1);
  while (st->slot[j]) {
    if (strcmp(st->slot[j], v) == 0) return 0;
    j = (j + 1) & (st->cap - 1);
  }
  if (!(st->slot[j] = strdup(v))) return -1;
  st->n++;
  return 0;
}

static long set_find(const strset *st, const char *v) {
  if (!st->cap) return -1;
  size_t j = fnv(v) & (st->cap - 1);
  while (st->slot[j]) {
    if (strcmp(st->slot[j], v) == 0) return (long)j;
    j = (j + 1) & (st->cap - 1);
  }
  return -1;
}

int seg_cli_exclude(const char *path, const seg_table *t, seg_cli_excluded *out) {
  memset(out, 0, sizeof *out);
  seg_table x = {0};
  strset st = {0};
  int rc = -1;
  char buf[4096];
  if (seg_cli_load_table(path, 0, NULL, &x) != 0) return -1;
  int xc = -1, dc = -1;                     /* the first header name that is a column of the data */
  for (size_t j = 0; j < x.ncols && xc < 0; j++)
    if ((dc = seg_table_find(t, x.cols[j].name)) >= 0) xc = (int)j;
  if (xc < 0) {
    fprintf(stderr, "seg: --exclude: %s: no column of its header (%s%s) is a column of the data; name the key or "
            "e-mail column in its first line\n", path, x.ncols ? x.cols[0].name : "", x.ncols > 1 ? ", ..." : "");
    goto done;
  }
  char err[512];
  if (seg_col_check(&x.cols[xc], x.nrows, err, sizeof err) != 0 || seg_col_check(&t->cols[dc], t->nrows, err, sizeof err) != 0) {
    fprintf(stderr, "seg: --exclude: %s\n", err);
    goto done;
  }
  for (size_t i = 0; i < x.nrows; i++)
    if (cell_text(&x.cols[xc], i, buf, sizeof buf) == 0 && buf[0] && set_add(&st, buf) != 0) goto oom;
  out->bits = calloc((t->nrows + 63) / 64 + 1, sizeof *out->bits);
  if (!out->bits) goto oom;
  for (size_t i = 0; i < t->nrows; i++) {
    if (cell_text(&t->cols[dc], i, buf, sizeof buf) != 0) continue;
    long j = set_find(&st, buf);
    if (j < 0) continue;
    out->bits[i / 64] |= 1ull << (i % 64);
    out->suppressed++;
    st.hit[j] = 1;
  }
  out->listed = st.n;
  for (size_t j = 0; j < st.cap; j++) out->absent += st.slot[j] && !st.hit[j];
  snprintf(out->column, sizeof out->column, "%s", t->cols[dc].name);
  rc = 0;
  goto done;
oom:
  fprintf(stderr, "seg: out of memory\n");
done:
  for (size_t j = 0; j < st.cap; j++) free(st.slot[j]);
  free(st.slot);
  free(st.hit);
  seg_table_free(&x);
  if (rc != 0) { free(out->bits); out->bits = NULL; }
  return rc;
}

void seg_cli_apply_exclude(const seg_cli_excluded *e, seg_result *res) {
  size_t words = (res->nrows + 63) / 64;
  for (uint32_t s = 0; s < res->nsegs; s++) {
    if (!res->members || !res->members[s]) continue;
    uint64_t n = 0;
    for (size_t w = 0; w < words; w++) {
      res->members[s][w] &= ~e->bits[w];
      n += (uint64_t)__builtin_popcountll(res->members[s][w]);
    }
    res->counts[s] = n;
  }
}

void seg_cli_exclude_report(const seg_cli_excluded *e, const char *path) {
  fprintf(stderr, "seg: --exclude: %llu customer%s suppressed (%s on %s)", (unsigned long long)e->suppressed,
          e->suppressed == 1 ? "" : "s", e->column, path);
  if (e->data) fprintf(stderr, " in %s", e->data);
  if (e->absent) fprintf(stderr, "; %zu of its %zu entries are not in %s", e->absent, e->listed,
                         e->data ? e->data : "the data");
  fputc('\n', stderr);
}
