/*
** members.c -- who is in each segment, written for the tools that use it
** (`seg run --members OUT | --members-dir DIR [--members-format csv|jsonl]
** [--columns A,B]`), and the one text of a cell every output shares.
**
** A row is the segment, the key, the chosen columns, then for each
** `priority` of the rules the customer's tier in it, in a column named
** after the priority (empty, or null in JSON Lines, when in no tier).
** CSV: RFC 4180, a missing value an empty field. JSON Lines: one object a
** member, {"segment": ..., "<key>": ..., "<column>": ..., "<priority>":
** ...}, typed: int and number
** columns as JSON numbers (a number exactly as stored, at its scale:
** 1184.30), bools true/false, dates and text as strings, missing null.
**
** --members-dir writes one file per shown segment. Its name is the
** segment's name with every byte other than an ASCII letter, digit, '_',
** '-' or a '.' that is not the first written %XX (upper-case hex), then
** .csv or .jsonl: `young` -> young.csv, `VIP Göteborg` ->
** VIP%20G%C3%B6teborg.csv, `.x` -> %2Ex.csv; percent-decoding gives the
** name back. Every file is written to a temporary first; the temporaries
** are put in place only when all of them are complete, so a failure
** leaves the folder as it was. Files of segments not shown are left alone.
** Two names that differ only in case are refused: one file on macOS and
** Windows, and on a share mounted from them.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "colfile.h"
#include "date.h"
#include "tiers.h"
#include "tmpfile.h"

/* ---- cells ---------------------------------------------------------------- */

int seg_cli_cell_text(const seg_column *c, size_t r, char buf[static 48], const char **s, size_t *n) {
  return seg_col_text(c, r, buf, s, n);
}

/* The cell as a CSV field (missing: empty). */
static void csv_cell(FILE *f, const seg_column *c, size_t r) {
  char buf[48];
  const char *s;
  size_t n;
  if (seg_cli_cell_text(c, r, buf, &s, &n) == 0) seg_cli_csv_field(f, s, n);
}

/* The cell as a typed JSON value (missing: null). */
static void json_cell(FILE *f, const seg_column *c, size_t r) {
  char buf[48];
  const char *s;
  size_t n;
  if (seg_cli_cell_text(c, r, buf, &s, &n) != 0) fputs("null", f);
  else if (c->type == SEG_TEXT || c->type == SEG_DATE) seg_cli_json_string_n(f, s, n);
  else fwrite(s, 1, n, f);
}

/* ---- names ---------------------------------------------------------------- */

const char *seg_cli_closest(const char *name, const char *const *names, size_t n) {
  int max = (int)strlen(name) / 3, bestd;
  if (max < 1) max = 1;
  bestd = max + 1;
  const char *best = NULL;
  for (size_t i = 0; i < n; i++) {
    int d = seg_edit_distance(name, names[i], max);
    if (d < bestd) { bestd = d; best = names[i]; }
  }
  return best;
}

const char *seg_cli_did_you_mean(const seg_table *t, const char *name, char *buf, size_t cap) {
  const char *best = NULL;
  const char **names = malloc((t->ncols + 1) * sizeof *names);
  if (names) {
    for (size_t i = 0; i < t->ncols; i++) names[i] = t->cols[i].name;
    best = seg_cli_closest(name, names, t->ncols);
    free(names);
  }
  if (best) snprintf(buf, cap, "; did you mean '%s'?", best);
  else buf[0] = 0;
  return buf;
}

/* The file name of segment seg in --members-dir (see the banner); -1 when
** it would be longer than a file name may be. */
static int file_name(const char *seg, const char *ext, char *out, size_t cap) {
  size_t k = 0;
  for (const unsigned char *p = (const unsigned char *)seg; *p; p++) {
    int keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
               *p == '-' || (*p == '.' && p != (const unsigned char *)seg);
    if (k + 4 >= cap) return -1;
    if (keep) out[k++] = (char)*p;
    else k += (size_t)snprintf(out + k, cap - k, "%%%02X", *p);
  }
  if (k + strlen(ext) + 1 > cap) return -1;
  strcpy(out + k, ext);
  return 0;
}

/* ---- options ---------------------------------------------------------------- */

int seg_cli_members_check(const seg_cli_members *m, const char *const *inputs) {
  if (m->path && m->dir) seg_cli_usage("%s", "give --members or --members-dir, not both");
  if (!m->path && !m->dir && (m->columns.n || m->format))
    seg_cli_usage("%s: only with --members or --members-dir", m->columns.n ? "--columns" : "--members-format");
  if (m->format && strcmp(m->format, "csv") != 0 && strcmp(m->format, "jsonl") != 0)
    seg_cli_usage("--members-format: '%s' is not one of csv, jsonl", m->format);
  if (m->path) return seg_cli_output_ok("--members", m->path, inputs);
  struct stat st;
  int missing = m->dir && stat(m->dir, &st) != 0;
  if (m->dir && (missing || !S_ISDIR(st.st_mode))) {
    fprintf(stderr, "seg: --members-dir %s: %s (nothing was written)\n", m->dir,
            missing ? "no such directory; create it first" : "not a directory");
    return -1;
  }
  return 0;
}

int seg_cli_members_columns(seg_cli_members *m, const seg_table *t, int key, const char *data_path) {
  size_t cap = 1;
  for (int i = 0; i < m->columns.n; i++)
    for (const char *p = m->columns.v[i]; *p; p++) cap += *p == ',';
  cap += (size_t)m->columns.n;
  int *c = malloc(cap * sizeof *c);
  if (!c) { fprintf(stderr, "seg: out of memory\n"); return -1; }
  size_t n = 0;
  c[n++] = key;
  for (int i = 0; i < m->columns.n; i++) {
    const char *p = m->columns.v[i];
    for (;;) {
      size_t len = strcspn(p, ",");
      char name[1024], hint[1100];
      snprintf(name, sizeof name, "%.*s", (int)len, p);
      int j = seg_table_find(t, name);
      if (j < 0) {
        if (!name[0]) fprintf(stderr, "seg: --columns: an empty column name in '%s'\n", m->columns.v[i]);
        else fprintf(stderr, "seg: --columns: no column '%s' in %s%s\n", name, data_path,
                     seg_cli_did_you_mean(t, name, hint, sizeof hint));
        free(c);
        return -1;
      }
      size_t k = 0;
      while (k < n && c[k] != j) k++;
      if (k == n) c[n++] = j;
      if (!p[len]) break;
      p += len + 1;
    }
  }
  int jsonl = m->format && strcmp(m->format, "jsonl") == 0;
  for (size_t k = 0; jsonl && k < n; k++)
    if (strcmp(t->cols[c[k]].name, "segment") == 0) {
      fprintf(stderr, "seg: --members-format jsonl: the column 'segment' would have the name of the segment "
                      "field; leave it out (or use csv)\n");
      free(c);
      return -1;
    }
  m->cols = c;
  m->ncols = n;
  return 0;
}

/* ---- writing ---------------------------------------------------------------- */

typedef struct writer {
  const seg_table *t;
  const int *cols;
  size_t ncols;
  int jsonl;
  const seg_program *p;         /* its priorities, with tiers */
  const seg_tiers *tiers;       /* NULL: no priority column */
} writer;

static void write_header(FILE *f, const writer *w) {
  if (w->jsonl) return;
  fputs("segment", f);
  for (size_t k = 0; k < w->ncols; k++) {
    const char *name = w->t->cols[w->cols[k]].name;
    fputc(',', f);
    seg_cli_csv_field(f, name, strlen(name));
  }
  for (uint32_t k = 0; w->tiers && k < w->p->nprios; k++) {
    fputc(',', f);
    seg_cli_csv_field(f, w->p->prios[k].name, strlen(w->p->prios[k].name));
  }
  fputc('\n', f);
}

/* Row r's tier in priority k: its name, or NULL (no tier). */
static const char *tier_name(const writer *w, uint32_t k, size_t r) {
  const seg_priority *pr = &w->p->prios[k];
  uint32_t i = w->tiers->of[k][r];
  if (i == 0) return NULL;
  if (i > pr->n) return pr->else_name;
  return w->p->segs[w->p->tiers[pr->first + i - 1].seg].name;
}

/* Every member of one segment, a row each, in the data's order. */
static void write_segment(FILE *f, const writer *w, const char *seg, const uint64_t *bits) {
  size_t seglen = strlen(seg);
  for (size_t wd = 0; wd < (w->t->nrows + 63) / 64; wd++) {
    uint64_t word = bits[wd];
    while (word) {
      size_t r = wd * 64 + (size_t)__builtin_ctzll(word);
      word &= word - 1;
      if (w->jsonl) {
        fputs("{\"segment\": ", f);
        seg_cli_json_string_n(f, seg, seglen);
      } else {
        seg_cli_csv_field(f, seg, seglen);
      }
      for (size_t k = 0; k < w->ncols; k++) {
        const seg_column *c = &w->t->cols[w->cols[k]];
        if (w->jsonl) {
          fputs(", ", f);
          seg_cli_json_string(f, c->name);
          fputs(": ", f);
          json_cell(f, c, r);
        } else {
          fputc(',', f);
          csv_cell(f, c, r);
        }
      }
      for (uint32_t k = 0; w->tiers && k < w->p->nprios; k++) {
        const char *tn = tier_name(w, k, r);
        if (w->jsonl) {
          fputs(", ", f);
          seg_cli_json_string(f, w->p->prios[k].name);
          fputs(": ", f);
          if (tn) seg_cli_json_string(f, tn);
          else fputs("null", f);
        } else {
          fputc(',', f);
          if (tn) seg_cli_csv_field(f, tn, strlen(tn));
        }
      }
      fputs(w->jsonl ? "}\n" : "\n", f);
    }
  }
}

static int by_name_nocase(const void *a, const void *b) {
  return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* --members-dir: the path of every shown segment's file into paths[s]
** (NULL for the others), refused when one is an input, too long, or the
** same as another's but for case (one file on macOS and Windows). */
static int dir_paths(const seg_cli_members *m, const seg_program *p, const uint8_t *shown,
                     const char *const *inputs, const char *ext, char **paths) {
  char name[256];
  size_t n = 0;
  char **sorted = calloc(p->nsegs + 1, sizeof *sorted);
  if (!sorted) { fprintf(stderr, "seg: out of memory\n"); return -1; }
  int rc = -1;
  for (uint32_t s = 0; s < p->nsegs; s++) {
    if (!shown[s]) continue;
    if (file_name(p->segs[s].name, ext, name, sizeof name) != 0) {
      fprintf(stderr, "seg: --members-dir: segment '%.60s...' has a name too long for a file name\n", p->segs[s].name);
      goto done;
    }
    size_t len = strlen(m->dir) + strlen(name) + 2;
    if (!(paths[s] = malloc(len))) { fprintf(stderr, "seg: out of memory\n"); goto done; }
    snprintf(paths[s], len, "%s/%s", m->dir, name);
    if (seg_cli_output_ok("--members-dir", paths[s], inputs) != 0) goto done;
    sorted[n++] = paths[s];
  }
  qsort(sorted, n, sizeof *sorted, by_name_nocase);
  for (size_t i = 1; i < n; i++)
    if (strcasecmp(sorted[i - 1], sorted[i]) == 0) {
      fprintf(stderr, "seg: --members-dir: %s and %s differ only in case, one file on some systems; rename "
                      "a segment (nothing was written)\n", sorted[i - 1], sorted[i]);
      goto done;
    }
  rc = 0;
done:
  free(sorted);
  return rc;
}

static int write_dir(const seg_cli_members *m, const writer *w, const seg_program *p, const seg_result *res,
                     const uint8_t *shown, const char *const *inputs) {
  char **paths = calloc(p->nsegs + 1, sizeof *paths), **tmps = calloc(p->nsegs + 1, sizeof *tmps);
  uint8_t *done = calloc(p->nsegs + 1, 1);
  int rc = -1;
  if (!paths || !tmps || !done) { fprintf(stderr, "seg: out of memory\n"); goto out; }
  if (dir_paths(m, p, shown, inputs, w->jsonl ? ".jsonl" : ".csv", paths) != 0) goto out;
  for (uint32_t s = 0; s < p->nsegs; s++) {
    if (!shown[s]) continue;
    FILE *f = seg_cli_atomic_open(paths[s], &tmps[s]);
    if (!f) goto out;
    write_header(f, w);
    write_segment(f, w, p->segs[s].name, res->members[s]);
    int frc = seg_cli_atomic_finish(f, tmps[s], paths[s]);
    if (frc != 0) { tmps[s] = NULL; goto out; }   /* removed and freed */
    done[s] = 1;
  }
  rc = 0;
  for (uint32_t s = 0; s < p->nsegs; s++)        /* all complete: in place */
    if (done[s]) {
      done[s] = 0;
      if (seg_cli_atomic_install(tmps[s], paths[s]) != 0) rc = -1;
    }
out:
  for (uint32_t s = 0; done && s < p->nsegs; s++)
    if (done[s]) seg_tmp_discard(tmps[s]);
  for (uint32_t s = 0; paths && s < p->nsegs; s++) free(paths[s]);
  free(paths);
  free(tmps);
  free(done);
  return rc;
}

int seg_cli_members_write(const seg_cli_members *m, const seg_program *p, const seg_result *res,
                          const seg_table *t, const uint8_t *shown, const char *const *inputs,
                          const char *data_path) {
  char err[512];
  for (size_t k = 0; k < m->ncols; k++)
    if (seg_col_check(&t->cols[m->cols[k]], t->nrows, err, sizeof err) != 0) {
      fprintf(stderr, "seg: %s: %s\n", data_path, err);
      return -1;
    }
  writer w = {t, m->cols, m->ncols, m->format && strcmp(m->format, "jsonl") == 0, p,
              m->tiers && m->tiers->of ? m->tiers : NULL};
  /* a priority's column must not share its name with another column of the file */
  for (uint32_t k = 0; w.tiers && k < p->nprios; k++) {
    const char *pn = p->prios[k].name, *clash = strcmp(pn, "segment") == 0 ? "segment" : NULL;
    for (size_t c = 0; !clash && c < m->ncols; c++)
      if (strcmp(t->cols[m->cols[c]].name, pn) == 0) clash = pn;
    for (uint32_t j = 0; !clash && j < k; j++)
      if (strcmp(p->prios[j].name, pn) == 0) clash = pn;
    if (clash) {
      fprintf(stderr, "seg: --members: priority '%s' would be a second column named '%s' in the members file; "
                      "rename the priority (nothing was written)\n", pn, clash);
      return -1;
    }
  }
  if (m->dir) return write_dir(m, &w, p, res, shown, inputs);
  char *tmp = NULL;
  FILE *f = seg_cli_atomic_open(m->path, &tmp);
  if (!f) return -1;
  write_header(f, &w);
  for (uint32_t s = 0; s < p->nsegs; s++)
    if (shown[s]) write_segment(f, &w, p->segs[s].name, res->members[s]);
  return seg_cli_atomic_commit(f, tmp, m->path);
}
