/*
** diag.c -- collecting diagnostics and rendering them as gcc does.
*/
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void seg_diag_add(seg_diags *d, seg_severity sev, const char *code, seg_loc loc,
                  const char *fmt, ...) {
  if (d->n == d->cap) {
    size_t ncap = d->cap ? d->cap * 2 : 16;
    seg_diag *nv = realloc(d->v, ncap * sizeof *nv);
    if (!nv) { d->oom = 1; return; }   /* the diagnostic is lost: the caller sees d->oom */
    d->v = nv;
    d->cap = ncap;
  }
  va_list ap;
  va_start(ap, fmt);
  char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0) { msg = NULL; d->oom = 1; }
  va_end(ap);
  d->v[d->n++] = (seg_diag){sev, code, loc, msg};
  if (sev == SEG_SEV_ERROR) d->nerrors++;
  else if (sev == SEG_SEV_WARNING) d->nwarnings++;
}

void seg_diags_free(seg_diags *d) {
  for (size_t i = 0; i < d->n; i++) free(d->v[i].msg);
  free(d->v);
  memset(d, 0, sizeof *d);
}

void seg_diags_drop_warnings(seg_diags *d) {
  size_t k = 0;
  for (size_t i = 0; i < d->n; i++)
    if (d->v[i].sev == SEG_SEV_ERROR) d->v[k++] = d->v[i];
    else free(d->v[i].msg);
  d->n = k;
  d->nwarnings = 0;
}

static int diag_cmp(const seg_diag *a, const seg_diag *b) {
  if (a->loc.first_line != b->loc.first_line) return a->loc.first_line - b->loc.first_line;
  return a->loc.first_column - b->loc.first_column;
}

/* Stable merge sort of v[0..n) through tmp: a file with 40,000 mistakes
** sorts in n log n, and equal positions keep the order they were found. */
static void merge_sort(seg_diag *v, seg_diag *tmp, size_t n) {
  if (n < 2) return;
  size_t h = n / 2;
  merge_sort(v, tmp, h);
  merge_sort(v + h, tmp, n - h);
  if (diag_cmp(&v[h - 1], &v[h]) <= 0) return;          /* already in order */
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = diag_cmp(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
  while (i < h) tmp[k++] = v[i++];
  while (j < n) tmp[k++] = v[j++];
  memcpy(v, tmp, n * sizeof *v);
}

void seg_diags_sort(seg_diags *d) {
  if (d->n < 2) return;
  seg_diag *tmp = malloc(d->n * sizeof *tmp);
  if (tmp) {
    merge_sort(d->v, tmp, d->n);
    free(tmp);
    return;
  }
  /* no memory for the merge: insertion sort, stable too */
  for (size_t i = 1; i < d->n; i++) {
    seg_diag x = d->v[i];
    size_t j = i;
    while (j > 0 && diag_cmp(&d->v[j - 1], &x) > 0) { d->v[j] = d->v[j - 1]; j--; }
    d->v[j] = x;
  }
}

/* Finds line `line` (1-based) of src; returns its start and sets *len.
** *cur / *curline remember where the last search ended, so diagnostics in
** line order cost one pass over the file, not one pass each. */
static const char *find_line(const char *src, size_t srclen, int line, size_t *len,
                             const char **cur, int *curline) {
  const char *p = src, *end = src + srclen;
  int l = 1;
  if (*cur && *curline <= line) {
    p = *cur;
    l = *curline;
  }
  for (; l < line && p < end; l++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return NULL;
    p = nl + 1;
  }
  *cur = p;
  *curline = l;
  if (p > end || (p == end && line > 1 && p[-1] == '\n')) return NULL;
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
  if (n && p[n - 1] == '\r') n--;
  *len = n;
  return p;
}

static const char *sev_name(seg_severity s) {
  return s == SEG_SEV_ERROR ? "error" : s == SEG_SEV_WARNING ? "warning" : "note";
}

void seg_diag_render_text(FILE *out, const seg_diags *d, const char *fname,
                          const char *src, size_t srclen, int color) {
  const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
  const char *cur = NULL;
  int curline = 1;
  for (size_t i = 0; i < d->n; i++) {
    const seg_diag *g = &d->v[i];
    const char *sc = !color ? "" : g->sev == SEG_SEV_ERROR ? "\033[1;31m"
                                 : g->sev == SEG_SEV_WARNING ? "\033[1;35m" : "\033[1;36m";
    fprintf(out, "%s%s:%d:%d:%s %s%s:%s %s\n", bold, fname, g->loc.first_line,
            g->loc.first_column, reset, sc, sev_name(g->sev), reset,
            g->msg ? g->msg : "(out of memory)");
    size_t len = 0;
    const char *line = src ? find_line(src, srclen, g->loc.first_line, &len, &cur, &curline) : NULL;
    if (!line) continue;
    char gutter[16];
    int gw = snprintf(gutter, sizeof gutter, "%5d", g->loc.first_line);
    fprintf(out, "%s | %.*s\n", gutter, (int)len, line);
    fprintf(out, "%*s | ", gw, "");
    /* columns count code points; tabs are echoed so the caret lines up */
    int col = 1, last = g->loc.last_line == g->loc.first_line ? g->loc.last_column
                                                              : g->loc.first_column;
    if (last < g->loc.first_column) last = g->loc.first_column;
    fputs(sc, out);
    for (size_t k = 0; k < len && col <= last; k++) {
      unsigned char ch = (unsigned char)line[k];
      if ((ch & 0xC0) == 0x80) continue;
      if (col < g->loc.first_column) fputc(ch == '\t' ? '\t' : ' ', out);
      else fputc(col == g->loc.first_column ? '^' : '~', out);
      col++;
    }
    if (col <= g->loc.first_column) fputc('^', out);   /* caret at end of line */
    fprintf(out, "%s\n", reset);
  }
}
