/*
** io.c -- the inputs and outputs the `seg` commands share: reading files
** (pipes read once), opening DATA, the schema of --schema / --data,
** compiling a rules file, atomic and guarded output, CSV/JSON text.
*/
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "colfile.h"
#include "date.h"
#include "tmpfile.h"

/* Inputs that can be read only once (a pipe, process substitution,
** /dev/stdin, "-"): the first look at one reads it whole and keeps the
** bytes here; every later read of the same path gets them again. */
#define NCACHE 4
static struct { char *path, *buf; size_t len; } cache[NCACHE];

static int read_once_only(const char *path) {
  struct stat st;
  return strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
}

static char *read_stream(const char *path, size_t *len);

/* The cached bytes of path (read now if needed), or NULL. */
static const char *cached(const char *path, size_t *len) {
  for (int i = 0; i < NCACHE; i++)
    if (cache[i].path && strcmp(cache[i].path, path) == 0) {
      *len = cache[i].len;
      return cache[i].buf;
    }
  for (int i = 0; i < NCACHE; i++)
    if (!cache[i].path) {
      char *b = read_stream(path, len), *p = b ? strdup(path) : NULL;
      if (!p) { free(b); return NULL; }
      cache[i].path = p;
      cache[i].buf = b;
      cache[i].len = *len;
      return b;
    }
  return NULL;
}

size_t seg_cli_peek(const char *path, char *head, size_t n) {
  size_t len = 0, k = 0;
  if (read_once_only(path)) {
    const char *b = cached(path, &len);
    if (!b) return 0;
    k = len < n ? len : n;
    memcpy(head, b, k);
    return k;
  }
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  k = fread(head, 1, n, f);
  fclose(f);
  return k;
}

/* A UTF-8 byte order mark (editors on Windows write one) is not part of the
** text: dropped, so a rule file starting with one reads as without. */
static char *drop_bom(char *b, size_t *len) {
  if (b && *len >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) {
    memmove(b, b + 3, *len - 3);
    *len -= 3;
  }
  return b;
}

char *seg_cli_read_file(const char *path, size_t *len) {
  if (read_once_only(path)) {
    const char *b = cached(path, len);
    char *copy = b ? malloc(*len + 1) : NULL;
    if (b && !copy) fprintf(stderr, "seg: %s: cannot read (out of memory)\n", path);
    if (copy) memcpy(copy, b, *len);
    return drop_bom(copy, len);
  }
  return drop_bom(read_stream(path, len), len);
}

static char *read_stream(const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "seg: %s: cannot open: %s\n", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    char *nb = realloc(buf, cap * 2);
    if (!nb) { free(buf); buf = NULL; break; }
    buf = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  if (f != stdin) fclose(f);
  if (!buf || bad) {
    fprintf(stderr, "seg: %s: cannot read%s\n", path, buf ? "" : " (out of memory)");
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

/* ---- data, schema, rules ------------------------------------------------ */

void seg_cli_warn(void *ctx, const char *msg) {
  (void)ctx;
  fprintf(stderr, "seg: warning: %s\n", msg);
}

/* The columns of a .segcol against --schema: the same names with the
** same types (extra ones only with --allow-extra).  0, or -1 with err. */
static int segcol_matches(const seg_table *t, const seg_import_more *m, const char *path, char *err, size_t errlen) {
  const seg_schema *s = m->schema;
  for (size_t i = 0; i < s->ncols; i++) {
    int j = seg_table_find(t, s->names[i]);
    if (j < 0) {
      snprintf(err, errlen, "%s: no column '%s' (%s in %s)", path, s->names[i], seg_type_name(s->types[i]),
               m->schema_name);
      return -1;
    }
    if (t->cols[j].type != s->types[i]) {
      snprintf(err, errlen, "%s: column '%s' is %s, but %s in %s", path, s->names[i],
               seg_type_name(t->cols[j].type), seg_type_name(s->types[i]), m->schema_name);
      return -1;
    }
  }
  if (!m->allow_extra)
    for (size_t j = 0; j < t->ncols; j++)
      if (seg_schema_find(s, t->cols[j].name) < 0) {
        snprintf(err, errlen, "%s: column '%s' is not in %s; give --allow-extra to use it", path, t->cols[j].name,
                 m->schema_name);
        return -1;
      }
  return 0;
}

int seg_cli_load_table(const char *path, int skip_bad, const seg_import_more *m, seg_table *t) {
  return seg_cli_load_table_warn(path, skip_bad, m, t, 1);
}

int seg_cli_load_table_warn(const char *path, int skip_bad, const seg_import_more *m, seg_table *t, int warn) {
  char err[1024], head[8];
  int rc;
  seg_import_opts o = {0};
  o.skip_bad_rows = skip_bad;
  o.warn = warn ? seg_cli_warn : NULL;
  int is_segcol = seg_cli_peek(path, head, 8) == 8 && memcmp(head, "SEGCOL\0\1", 8) == 0;
  struct stat st;
  if (strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))) {
    /* a pipe: read once (the peek kept the bytes) and imported from memory */
    if (is_segcol) {
      fprintf(stderr, "seg: %s: a .segcol is mapped, so it must be a regular file, not a pipe\n", path);
      return -1;
    }
    size_t len;
    char *buf = seg_cli_read_file(path, &len);
    if (!buf) return -1;
    rc = seg_import_mem(buf, len, strcmp(path, "-") == 0 ? "<stdin>" : path, &o, m, t, err, sizeof err);
    free(buf);
  } else if (is_segcol) {
    rc = seg_col_open(path, t, err, sizeof err);
    if (rc == 0 && m != NULL && m->schema != NULL && segcol_matches(t, m, path, err, sizeof err) != 0) {
      seg_table_free(t);
      rc = -1;
    }
  } else {
    rc = seg_import_csv2(path, &o, m, t, err, sizeof err);
  }
  if (rc != 0) fprintf(stderr, "seg: %s\n", err);
  return rc;
}

int seg_cli_fit_empty(seg_table *t, const seg_program *p, const char *path) {
  char err[512];
  for (uint32_t c = 0; c < p->ncols && c < t->ncols; c++)
    if (p->coltypes[c] != t->cols[c].type && seg_col_empty(&t->cols[c], t->nrows) &&
        seg_col_check(&t->cols[c], t->nrows, err, sizeof err) != 0) {
      fprintf(stderr, "seg: %s: %s\n", path, err);
      return -1;
    }
  if (seg_table_fit_empty(t, p->coltypes, p->ncols, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s\n", err);
    return -1;
  }
  return 0;
}

uint8_t *seg_cli_empty_marks(const seg_table *t) {
  uint8_t *m = malloc(t->ncols + 1);
  if (!m) { fprintf(stderr, "seg: out of memory\n"); return NULL; }
  for (size_t i = 0; i < t->ncols; i++) m[i] = seg_col_empty(&t->cols[i], t->nrows) ? SEG_COL_EMPTY : 1;
  return m;
}

seg_schema_view seg_cli_table_view(const seg_table *t, const char **names, seg_type *types) {
  for (size_t i = 0; i < t->ncols; i++) { names[i] = t->cols[i].name; types[i] = t->cols[i].type; }
  return (seg_schema_view){.ncols = t->ncols, .names = names, .types = types, .may_be_missing = NULL};
}

int seg_cli_schema(const char *schema, const char *data, const char *const *rules, int nrules, seg_schema *s,
                   seg_table *t, seg_schema_view *sv) {
  char err[1024];
  if (schema && data) seg_cli_usage("%s", "give either --schema or --data, not both");
  if (schema) {
    if (seg_schema_parse_file(schema, s, err, sizeof err) != 0) {
      fprintf(stderr, "seg: %s\n", err);
      return SEG_EXIT_USAGE;
    }
    *sv = (seg_schema_view){.ncols = s->ncols, .names = (const char *const *)s->names, .types = s->types,
                            .may_be_missing = NULL, .ntables = s->ntables,
                            .table_names = (const char *const *)s->table_names, .tables = s->tviews};
    return 0;
  }
  if (data) {
    seg_cli_want want;
    seg_import_more m;
    seg_cli_want_init(&want, rules, nrules, NULL, 0, 0);
    int lrc = seg_cli_load_table(data, 1, seg_cli_want_more(&want, &m), t);
    seg_cli_want_free(&want);
    if (lrc != 0) return SEG_EXIT_USAGE;
    if (seg_schema_from_table(t, s) != 0) { fprintf(stderr, "seg: out of memory\n"); return SEG_EXIT_USAGE; }
    *sv = (seg_schema_view){.ncols = s->ncols, .names = (const char *const *)s->names, .types = s->types, .may_be_missing = s->has_missing};
    return 0;
  }
  seg_cli_usage("%s", "this command needs --schema FILE or --data DATA to know the columns");
}

/* extra: more statements after the file's (seg run --measure), NULL for
** none; their diagnostics are shown as "--measure", not as lines of path. */
static int compile_rules(const char *path, const seg_schema_view *sv, int32_t today, seg_compiled *c,
                         int warnings, const char *extra) {
  size_t len;
  char *src = seg_cli_read_file(path, &len);
  if (!src) return SEG_EXIT_USAGE;
  int lines = 1;
  for (size_t i = 0; i < len; i++) lines += src[i] == '\n';
  size_t xlen = extra ? strlen(extra) : 0;
  if (extra) {                              /* the file, a line break, the extra text */
    char *both = malloc(len + xlen + 2);
    if (!both) { free(src); fprintf(stderr, "seg: out of memory\n"); return SEG_EXIT_USAGE; }
    memcpy(both, src, len);
    both[len] = '\n';
    memcpy(both + len + 1, extra, xlen + 1);
    free(src);
    src = both;
  }
  int rc = seg_compile(src, extra ? len + 1 + xlen : len, sv, today, c);
  if (!warnings) seg_diags_drop_warnings(&c->diags);   /* lint warnings are `seg check`'s */
  const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
  seg_diags mine = c->diags, theirs = {0};
  if (extra) {                              /* the extra text's diagnostics, renumbered from its line 1 */
    mine = (seg_diags){0};
    for (size_t i = 0; i < c->diags.n; i++) {
      seg_diag d = c->diags.v[i];
      int past = d.loc.first_line > lines;
      if (past) { d.loc.first_line -= lines; d.loc.last_line -= lines; }
      seg_diag_add(past ? &theirs : &mine, d.sev, d.code, d.loc, "%s", d.msg ? d.msg : "");
    }
  }
  seg_diag_render_text(stderr, &mine, shown, src, len, seg_cli_color());
  if (extra) {
    seg_diag_render_text(stderr, &theirs, "--measure", src + len + 1, xlen, seg_cli_color());
    if (mine.oom || theirs.oom) rc = -1;
    seg_diags_free(&mine);
    seg_diags_free(&theirs);
  }
  free(src);
  if (rc < 0) {
    fprintf(stderr, "seg: out of memory\n");
    return SEG_EXIT_USAGE;
  }
  if (c->diags.nerrors) return SEG_EXIT_FINDINGS;
  return 0;
}

int seg_cli_compile_rules(const char *path, const seg_schema_view *sv, int32_t today, seg_compiled *c) {
  return compile_rules(path, sv, today, c, 0, NULL);
}

int seg_cli_compile_lint(const char *path, const seg_schema_view *sv, int32_t today, seg_compiled *c,
                         const char *extra) {
  return compile_rules(path, sv, today, c, 1, extra);
}

/* ---- text ------------------------------------------------------------------ */

int seg_cli_width(const char *s) {
  int n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;   /* UTF-8 lead bytes: one character each */
  return n;
}

int seg_cli_pad(const char *s, int width) {
  return width + (int)strlen(s) - seg_cli_width(s);
}

/* 41203 -> "41 203" */
void seg_cli_group_digits(uint64_t v, char *out, size_t n) {
  char tmp[32];
  int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
  size_t k = 0;
  for (int i = 0; i < len && k + 2 < n; i++) {
    if (i > 0 && (len - i) % 3 == 0) out[k++] = ' ';
    out[k++] = tmp[i];
  }
  out[k] = 0;
}


/* Writes the value of column c at row r: as one CSV field (csv), or as it
** reads (missing: nothing either way). */
void seg_cli_write_cell(FILE *f, const seg_column *c, size_t r, int csv) {
  char buf[48];
  const char *s;
  size_t n;
  if (seg_cli_cell_text(c, r, buf, &s, &n) != 0) return;     /* missing: nothing */
  if (csv) seg_cli_csv_field(f, s, n);
  else fwrite(s, 1, n, f);
}

uint8_t *seg_cli_missing_marks(const seg_table *t) {
  uint8_t *missing = calloc(t->ncols + 1, 1);
  if (!missing) { fprintf(stderr, "seg: out of memory\n"); return NULL; }
  if (t->backing) {
    for (size_t i = 0; i < t->ncols; i++)
      missing[i] = seg_col_empty(&t->cols[i], t->nrows) ? SEG_COL_EMPTY : t->cols[i].has_missing;
  } else {
    seg_schema ms;
    if (seg_schema_from_table(t, &ms) != 0) { fprintf(stderr, "seg: out of memory\n"); free(missing); return NULL; }
    memcpy(missing, ms.has_missing, t->ncols);
    seg_schema_free(&ms);
  }
  return missing;
}

int seg_cli_data_view(const seg_table *t, seg_cli_dataview *v) {
  memset(v, 0, sizeof *v);
  v->names = calloc(t->ncols + 1, sizeof *v->names);
  v->types = calloc(t->ncols + 1, sizeof *v->types);
  if (!v->names || !v->types) {
    fprintf(stderr, "seg: out of memory\n");
    return -1;
  }
  v->sv = seg_cli_table_view(t, v->names, v->types);
  if (!(v->missing = seg_cli_missing_marks(t))) return -1;
  v->sv.may_be_missing = v->missing;
  return 0;
}

void seg_cli_data_view_free(seg_cli_dataview *v) {
  free(v->names);
  free(v->types);
  free(v->missing);
  memset(v, 0, sizeof *v);
}

uint8_t *seg_cli_pick_segments(const seg_program *p, const seg_cli_list *names, const char *rules) {
  uint8_t *shown = calloc(p->nsegs + 1, 1);
  if (!shown) { fprintf(stderr, "seg: out of memory\n"); return NULL; }
  for (uint32_t s = 0; s < p->nsegs; s++) shown[s] = names->n == 0;
  for (int k = 0; k < names->n; k++) {
    uint32_t s = 0;
    while (s < p->nsegs && strcmp(p->segs[s].name, names->v[k]) != 0) s++;
    if (s == p->nsegs) {
      fprintf(stderr, "seg: --segment: no segment '%s' in %s\n", names->v[k], rules);
      free(shown);
      return NULL;
    }
    shown[s] = 1;
  }
  return shown;
}

void seg_cli_csv_field(FILE *f, const char *s, size_t n) {
  int quote = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') quote = 1;
  if (!quote) { fwrite(s, 1, n, f); return; }
  fputc('"', f);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') fputc('"', f);
    fputc(s[i], f);
  }
  fputc('"', f);
}

void seg_cli_json_string(FILE *f, const char *s) { seg_cli_json_string_n(f, s, strlen(s)); }

void seg_cli_json_string_n(FILE *f, const char *s, size_t n) {
  fputc('"', f);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

FILE *seg_cli_atomic_open(const char *path, char **tmp) {
  *tmp = NULL;
  if (strcmp(path, "-") == 0) return stdout;
  if (seg_tmp_special(path)) {           /* /dev/null, a FIFO: written directly */
    FILE *f = fopen(path, "wb");
    if (!f) fprintf(stderr, "seg: %s: cannot write: %s\n", path, strerror(errno));
    return f;
  }
  char err[1024];
  int fd = seg_tmp_create(path, tmp, err, sizeof err);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (!f) {
    if (fd >= 0) {
      snprintf(err, sizeof err, "%s: cannot write: %s", path, strerror(errno));
      close(fd);
    }
    fprintf(stderr, "seg: %s\n", err);
    seg_tmp_discard(*tmp);
    *tmp = NULL;
  }
  return f;
}

int seg_cli_atomic_commit(FILE *f, char *tmp, const char *path) {
  if (seg_cli_atomic_finish(f, tmp, path) != 0) return -1;
  return seg_cli_atomic_install(tmp, path);
}

int seg_cli_atomic_finish(FILE *f, char *tmp, const char *path) {
  if (f == stdout) return fflush(f) == 0 && !ferror(f) ? 0 : (fprintf(stderr, "seg: -: cannot write\n"), -1);
  int bad = ferror(f) | (fflush(f) != 0) | (tmp && fsync(fileno(f)) != 0);
  int err = errno;
  bad |= fclose(f) != 0;
  if (bad && errno) err = errno;
  if (bad) {
    fprintf(stderr, "seg: %s: cannot write: %s\n", path, strerror(err));
    seg_tmp_discard(tmp);
    return -1;
  }
  return 0;
}

int seg_cli_atomic_install(char *tmp, const char *path) {
  if (!tmp) return 0;                    /* stdout, a device or FIFO, written directly */
  char msg[1024];
  if (seg_tmp_install(tmp, path, msg, sizeof msg) != 0) {
    fprintf(stderr, "seg: %s\n", msg);
    return -1;
  }
  return 0;
}

/* Same file: same device and inode, whatever the names (symlinks, hard
** links, ./x and x). */
int seg_cli_same_file(const char *a, const char *b) {
  struct stat x, y;
  if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0) return 0;
  return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

int seg_cli_output_ok(const char *opt, const char *out, const char *const *inputs) {
  for (; *inputs; inputs++)
    if (seg_cli_same_file(out, *inputs)) {
      fprintf(stderr, "seg: %s %s: that is the input file %s; refusing to overwrite an input "
                      "(nothing was written)\n", opt, out, *inputs);
      return -1;
    }
  return 0;
}

int seg_cli_overwrite_ok(const char *opt, const char *out, const char *magic, size_t mlen, const char *kind,
                         int force) {
  struct stat st;
  if (force || strcmp(out, "-") == 0 || stat(out, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
    return 0;
  char head[16] = {0};
  FILE *f = fopen(out, "rb");
  size_t n = f ? fread(head, 1, mlen < sizeof head ? mlen : sizeof head, f) : 0;
  if (f) fclose(f);
  if (n == mlen && memcmp(head, magic, mlen) == 0) return 0;
  fprintf(stderr, "seg: %s %s: the file exists and is not a %s (a CSV export or a rule file?); "
                  "use --force to replace it (nothing was written)\n", opt, out, kind);
  return -1;
}

/* Signals: a temporary being written is removed, then the signal's
** default action ends the process. A mapped input that shrinks under us
** raises SIGBUS on the next read: say so instead of dying silently. */
static void on_signal(int sig) {
  seg_tmp_remove_all();
  signal(sig, SIG_DFL);
  raise(sig);
}

static void on_sigbus(int sig) {
  static const char msg[] = "seg: an input file changed (was truncated or overwritten) while it was read; "
                            "nothing was written\n";
  (void)sig;
  seg_tmp_remove_all();
  ssize_t k = write(2, msg, sizeof msg - 1);
  (void)k;
  _exit(2);
}

void seg_cli_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sa.sa_handler = on_sigbus;
  sigaction(SIGBUS, &sa, NULL);
}

unsigned seg_cli_threads(void) {
  const char *th = getenv("SEG_THREADS");      /* checked in main() */
  return th && *th ? (unsigned)strtoul(th, NULL, 10) : 0;
}
