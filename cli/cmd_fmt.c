/*
** cmd_fmt.c -- `seg fmt FILES... [--check] [--diff] [-w]`: one canonical
** layout for .seg files (the rules are in compiler/fmt.h).
**
**   (default)  print the formatted text of each file to stdout
**   --check    print `would reformat FILE` for each file that would change;
**              exit 1 if any would
**   --diff     print a unified diff (original -> formatted) per changed file
**   -w         rewrite changed files in place (temporary file + rename)
**   --verify   (for tests) also check that formatting the output again
**              changes nothing; exit 1 if not
**
** Every result is checked before it is used: the formatted text must parse
** to the same tree as the original, or the file is left alone (exit 2).
** Exit codes: 0 fine, 1 --check found files to reformat (or --verify
** failed), 2 usage error, unreadable file or syntax error (file untouched).
** FILE `-` is standard input.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "tmpfile.h"
#include "diag.h"
#include "fmt.h"

static const char *prog = "seg";


/* ---- unified diff (LCS over lines, 3 lines of context) --------------- */

typedef struct line_t { const char *p; size_t n; int nl; } line_t;

static size_t split_lines(const char *s, size_t n, line_t **out) {
  size_t cnt = 0;
  for (size_t i = 0; i < n; i++) if (s[i] == '\n') cnt++;
  if (n && s[n - 1] != '\n') cnt++;
  line_t *v = malloc((cnt + 1) * sizeof *v);
  if (!v) { *out = NULL; return 0; }
  size_t k = 0, start = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '\n') { v[k++] = (line_t){s + start, i - start, 1}; start = i + 1; }
  if (start < n) v[k++] = (line_t){s + start, n - start, 0};
  *out = v;
  return k;
}

static int line_eq(const line_t *a, const line_t *b) {
  return a->n == b->n && a->nl == b->nl && memcmp(a->p, b->p, a->n) == 0;
}

typedef struct dop { char t; size_t ai, bi; } dop;   /* ' ' '-' '+' */

static void print_line(char t, const line_t *l) {
  putchar(t);
  fwrite(l->p, 1, l->n, stdout);
  if (l->nl) putchar('\n');
  else fputs("\n\\ No newline at end of file\n", stdout);
}

static int print_diff(const char *name, const char *a, size_t alen, const char *b, size_t blen) {
  line_t *A, *B;
  size_t n = split_lines(a, alen, &A), m = split_lines(b, blen, &B);
  dop *ops = malloc((n + m + 1) * sizeof *ops);
  if (!A || !B || !ops) { free(A); free(B); free(ops); return -1; }
  size_t pre = 0, suf = 0;
  while (pre < n && pre < m && line_eq(&A[pre], &B[pre])) pre++;
  while (suf < n - pre && suf < m - pre && line_eq(&A[n - 1 - suf], &B[m - 1 - suf])) suf++;
  size_t an = n - pre - suf, bn = m - pre - suf, no = 0;
  for (size_t i = 0; i < pre; i++) ops[no++] = (dop){' ', i, i};
  uint32_t *L = NULL;
  if (an && bn && (an + 1) <= 4000000 / (bn + 1)) L = calloc((an + 1) * (bn + 1), sizeof *L);
  if (L) {
    size_t W = bn + 1;
    for (size_t i = an; i-- > 0;)
      for (size_t j = bn; j-- > 0;)
        L[i * W + j] = line_eq(&A[pre + i], &B[pre + j]) ? L[(i + 1) * W + j + 1] + 1
                       : (L[(i + 1) * W + j] >= L[i * W + j + 1] ? L[(i + 1) * W + j] : L[i * W + j + 1]);
    size_t i = 0, j = 0;
    while (i < an || j < bn) {
      if (i < an && j < bn && line_eq(&A[pre + i], &B[pre + j])) { ops[no++] = (dop){' ', pre + i, pre + j}; i++; j++; }
      else if (j < bn && (i == an || L[i * W + j + 1] >= L[(i + 1) * W + j])) { ops[no++] = (dop){'+', pre + i, pre + j}; j++; }
      else { ops[no++] = (dop){'-', pre + i, pre + j}; i++; }
    }
    free(L);
  } else {   /* too big for the table (or one side empty): replace the middle */
    for (size_t i = 0; i < an; i++) ops[no++] = (dop){'-', pre + i, pre};
    for (size_t j = 0; j < bn; j++) ops[no++] = (dop){'+', pre + an, pre + j};
  }
  for (size_t i = 0; i < suf; i++) ops[no++] = (dop){' ', n - suf + i, m - suf + i};

  printf("--- %s\n+++ %s\n", name, name);
  const size_t C = 3;
  size_t k = 0;
  while (k < no) {
    while (k < no && ops[k].t == ' ') k++;
    if (k >= no) break;
    size_t start = k >= C ? k - C : 0, end = k;   /* end: last change so far */
    for (size_t q = k + 1; q < no; q++) {
      if (ops[q].t == ' ') continue;
      if (q - end > 2 * C) break;
      end = q;
    }
    size_t stop = end + C + 1 < no ? end + C + 1 : no;
    size_t al = 0, bl = 0;
    for (size_t q = start; q < stop; q++) { if (ops[q].t != '+') al++; if (ops[q].t != '-') bl++; }
    size_t as = ops[start].ai + (al ? 1 : 0), bs = ops[start].bi + (bl ? 1 : 0);
    printf("@@ -%zu", as);
    if (al != 1) printf(",%zu", al);
    printf(" +%zu", bs);
    if (bl != 1) printf(",%zu", bl);
    printf(" @@\n");
    for (size_t q = start; q < stop; q++)
      print_line(ops[q].t, ops[q].t == '+' ? &B[ops[q].bi] : &A[ops[q].ai]);
    k = stop;
  }
  free(A); free(B); free(ops);
  return 0;
}

/* ---- writing ------------------------------------------------------------ */

static int write_in_place(const char *path, const char *text, size_t len) {
  char *tmp;
  FILE *f = seg_cli_atomic_open(path, &tmp);
  if (!f) return -1;
  fwrite(text, 1, len, f);
  return seg_cli_atomic_commit(f, tmp, path);
}

/* ---- the command ---------------------------------------------------------- */

static int fmt_usage(const char *msg, const char *arg) {
  fprintf(stderr, "%s: fmt: ", prog);
  fprintf(stderr, msg, arg);
  fprintf(stderr, "\nusage: seg fmt FILES... [--check] [--diff] [-w]\n");
  return SEG_EXIT_USAGE;
}

int seg_cmd_fmt(int argc, char **argv) {
  int check = 0, diff = 0, write = 0, verify = 0, nfiles = 0;
  const seg_cli_opt options[] = {
    {"--check", NULL, SEG_OPT_FLAG, &check},
    {"--diff", NULL, SEG_OPT_FLAG, &diff},
    {"--write", "-w", SEG_OPT_FLAG, &write},
    {"--verify", NULL, SEG_OPT_FLAG, &verify},
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, -1, 0, "unknown option '%s'", fmt_usage};
  const char **files = calloc((size_t)argc + 1, sizeof *files);
  if (!files) { fprintf(stderr, "%s: out of memory\n", prog); return SEG_EXIT_USAGE; }
  int rc = seg_cli_parse(&spec, argc, argv, files, &nfiles);
  if (rc == 0 && nfiles == 0) rc = fmt_usage("%s", "no files given");
  if (rc == 0 && write && check) rc = fmt_usage("%s", "give --check or -w, not both");
  if (rc != 0) { free(files); return rc; }
  int color = seg_cli_color();
  for (int i = 0; i < nfiles; i++) {
    const char *path = files[i];
    int is_stdin = strcmp(path, "-") == 0;
    const char *shown = is_stdin ? "<stdin>" : path;
    if (write && is_stdin) {
      fprintf(stderr, "%s: fmt: -w cannot rewrite standard input\n", prog);
      rc = SEG_EXIT_USAGE;
      continue;
    }
    if (write && seg_tmp_special(path)) {      /* /dev/stdin, a FIFO: read once, nothing to rewrite */
      fprintf(stderr, "%s: fmt: -w: %s is not a regular file; use seg fmt without -w and redirect\n", prog, path);
      rc = SEG_EXIT_USAGE;
      continue;
    }
    size_t len;
    char *src = seg_cli_read_file(path, &len);
    if (!src) { rc = SEG_EXIT_USAGE; continue; }
    seg_diags d = {0};
    char *out = NULL;
    size_t olen = 0;
    int r = seg_fmt(src, len, &d, &out, &olen);
    if (r != 0) {
      if (r < 0) fprintf(stderr, "%s: %s: out of memory\n", prog, shown);
      else { seg_diags_sort(&d); seg_diag_render_text(stderr, &d, shown, src, len, color); }
      seg_diags_free(&d);
      free(src);
      rc = SEG_EXIT_USAGE;
      continue;
    }
    seg_diags_free(&d);
    int same = seg_fmt_same_meaning(src, len, out, olen);
    if (same != 1) {
      if (same == -2) fprintf(stderr, "%s: %s: out of memory\n", prog, shown);
      else fprintf(stderr, "%s: %s: internal error: the formatted text would not mean the same; file left alone\n",
                   prog, shown);
      free(out);
      free(src);
      rc = SEG_EXIT_USAGE;
      continue;
    }
    int changed = olen != len || memcmp(out, src, len) != 0;
    if (verify) {
      seg_diags d2 = {0};
      char *again = NULL;
      size_t alen = 0;
      int r2 = seg_fmt(out, olen, &d2, &again, &alen);
      if (r2 != 0 || alen != olen || memcmp(again, out, olen) != 0) {
        fprintf(stderr, "%s: %s: formatting is not idempotent\n", prog, shown);
        if (r2 == 0 && diff) print_diff(shown, out, olen, again, alen);
        if (rc < SEG_EXIT_FINDINGS) rc = SEG_EXIT_FINDINGS;
      }
      seg_diags_free(&d2);
      free(again);
    } else {
      if (check && changed) {
        printf("would reformat %s\n", shown);
        if (rc < SEG_EXIT_FINDINGS) rc = SEG_EXIT_FINDINGS;
      }
      if (diff && changed && print_diff(shown, src, len, out, olen) != 0) {
        fprintf(stderr, "%s: %s: out of memory\n", prog, shown);
        rc = SEG_EXIT_USAGE;
      }
      if (write && changed && write_in_place(path, out, olen) != 0) rc = SEG_EXIT_USAGE;
      if (!check && !diff && !write) fwrite(out, 1, olen, stdout);
    }
    free(out);
    free(src);
  }
  if (fflush(stdout) != 0) rc = SEG_EXIT_USAGE;
  free(files);
  return rc;
}
