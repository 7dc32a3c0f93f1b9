/*
** schema.c -- print and parse schema files (format in schema.h).
**
** The parser is a hand-written line scanner: each line is
**   line := ws* ( '#' ... | name ws* ':' ws* type ws* ( '#' ... )? )? EOL
**   name := [A-Za-z_][A-Za-z0-9_]* | '`' ( [^`\n] | '``' )+ '`'
** and every error names the file, line and column (1-based, in bytes).
*/
#include "schema.h"
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

void seg_schema_free(seg_schema *s) {
  if (s == NULL) return;
  for (size_t i = 0; s->names != NULL && i < s->ncols; i++) free(s->names[i]);
  free(s->names);
  free(s->types);
  free(s->has_missing);
  for (size_t i = 0; i < s->ntables; i++) {
    if (s->table_names) free(s->table_names[i]);
    if (s->tables) seg_schema_free(&s->tables[i]);
  }
  free(s->table_names);
  free(s->tables);
  free(s->tviews);
  memset(s, 0, sizeof *s);
}

int seg_schema_find(const seg_schema *s, const char *name) {
  for (size_t i = 0; i < s->ncols; i++)
    if (strcmp(s->names[i], name) == 0) return (int)i;
  return -1;
}

/* Appends a column; takes ownership of name.  0 or -1 (out of memory). */
static int push(seg_schema *s, size_t *cap, char *name, seg_type t) {
  if (s->ncols == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    char **nn = realloc(s->names, nc * sizeof *nn);
    if (nn == NULL) return -1;
    s->names = nn;
    seg_type *nt = realloc(s->types, nc * sizeof *nt);
    if (nt == NULL) return -1;
    s->types = nt;
    *cap = nc;
  }
  s->names[s->ncols] = name;
  s->types[s->ncols] = t;
  s->ncols++;
  return 0;
}

int seg_schema_from_table(const seg_table *t, seg_schema *s) {
  size_t cap = 0;
  memset(s, 0, sizeof *s);
  for (size_t i = 0; i < t->ncols; i++) {
    char *n = strdup(t->cols[i].name);
    if (n == NULL || push(s, &cap, n, t->cols[i].type) != 0) {
      free(n);
      seg_schema_free(s);
      return -1;
    }
  }
  /* which columns have missing values: the lints use it to speak only
  ** of missing values that exist */
  s->has_missing = calloc(t->ncols + 1, 1);
  if (s->has_missing == NULL) {
    seg_schema_free(s);
    return -1;
  }
  for (size_t i = 0; i < t->ncols; i++) {
    const seg_column *c = &t->cols[i];
    size_t full = t->nrows / 64;
    int miss = c->unread ? c->has_missing : c->valid == NULL;   /* no bitmap: nothing known, assume missing */
    if (!c->unread && c->valid) {
      for (size_t w = 0; w < full && !miss; w++) miss = c->valid[w] != UINT64_MAX;
      if (!miss && t->nrows % 64) miss = c->valid[full] != (UINT64_MAX >> (64 - t->nrows % 64));
    }
    s->has_missing[i] = seg_col_empty(c, t->nrows) ? SEG_COL_EMPTY : (uint8_t)miss;
  }
  return 0;
}

static int is_ident_start(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
static int is_ident(unsigned char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

static int bare_ok(const char *n) {
  if (!is_ident_start((unsigned char)n[0])) return 0;
  for (const char *p = n + 1; *p; p++)
    if (!is_ident((unsigned char)*p)) return 0;
  return 1;
}

static void print_columns(FILE *f, const seg_schema *s) {
  for (size_t i = 0; i < s->ncols; i++) {
    const char *n = s->names[i];
    if (bare_ok(n)) {
      fputs(n, f);
    } else {
      fputc('`', f);
      for (const char *p = n; *p; p++) {
        if (*p == '`') fputc('`', f);
        fputc(*p, f);
      }
      fputc('`', f);
    }
    fprintf(f, ": %s\n", seg_type_name(s->types[i]));
  }
}

int seg_schema_print(FILE *f, const seg_schema *s, size_t nrows_or_minus1) {
  fputs("# seg schema v1\n", f);
  if (nrows_or_minus1 != (size_t)-1) fprintf(f, "# rows: %zu\n", nrows_or_minus1);
  print_columns(f, s);
  for (size_t k = 0; k < s->ntables; k++) {
    fprintf(f, "\ntable %s\n", s->table_names[k]);
    print_columns(f, &s->tables[k]);
  }
  return ferror(f) ? -1 : 0;
}

/* A section line `table NAME` (NAME an identifier): 1 with the name's
** span, else 0 (a column line). */
static int table_line(const char *ln, size_t len, size_t i, size_t *ns, size_t *ne) {
  if (len - i < 6 || memcmp(ln + i, "table", 5) != 0 || (ln[i + 5] != ' ' && ln[i + 5] != '\t')) return 0;
  i += 5;
  while (i < len && (ln[i] == ' ' || ln[i] == '\t')) i++;
  if (i == len || !is_ident_start((unsigned char)ln[i])) return 0;
  *ns = i;
  while (i < len && is_ident((unsigned char)ln[i])) i++;
  *ne = i;
  while (i < len && (ln[i] == ' ' || ln[i] == '\t')) i++;
  return i == len || ln[i] == '#';
}

/* Starts section `name` (owned) of out: 0, or -1 out of memory. */
static int add_table(seg_schema *out, char *name) {
  char **nn = realloc(out->table_names, (out->ntables + 1) * sizeof *nn);
  if (!nn) return -1;
  out->table_names = nn;
  seg_schema *nt = realloc(out->tables, (out->ntables + 1) * sizeof *nt);
  if (!nt) return -1;
  out->tables = nt;
  memset(&nt[out->ntables], 0, sizeof *nt);
  nn[out->ntables++] = name;
  return 0;
}

static int type_from(const char *w, size_t n, seg_type *t) {
  for (int k = 0; k < SEG_NTYPES; k++) {
    const char *tn = seg_type_name((seg_type)k);
    if (strlen(tn) == n && memcmp(tn, w, n) == 0) {
      *t = (seg_type)k;
      return 0;
    }
  }
  return -1;
}

int seg_schema_parse(const char *fname, const char *buf, size_t n, seg_schema *out,
                     char *err, size_t errlen) {
  size_t cap = 0, lineno = 0, pos = 0, ns, ne;
  char *name = NULL;
  memset(out, 0, sizeof *out);
  seg_schema *cur = out;          /* the section being read */
  if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) pos = 3;
  while (pos < n) {
    const char *ln = buf + pos;
    const char *nl = memchr(ln, '\n', n - pos);
    size_t len = nl ? (size_t)(nl - ln) : n - pos;
    pos += len + (nl != NULL);
    lineno++;
    if (len > 0 && ln[len - 1] == '\r') len--;
    if (u8_check((const uint8_t *)ln, len) != NULL) {
      size_t col = (size_t)((const char *)u8_check((const uint8_t *)ln, len) - ln) + 1;
      seg_set_err(err, errlen, "%s:%zu:%zu: invalid UTF-8", fname, lineno, col);
      goto fail;
    }
    size_t i = 0;
    while (i < len && (ln[i] == ' ' || ln[i] == '\t')) i++;
    if (i == len || ln[i] == '#') {
      if (i + 14 <= len && memcmp(ln + i, "# seg schema v", 14) == 0 &&
          !(len - i == 15 && ln[i + 14] == '1')) {
        seg_set_err(err, errlen, "%s:%zu:%zu: unsupported schema version '%.*s' (this seg reads v1)",
                fname, lineno, i + 14, (int)(len - i - 13), ln + i + 13);
        goto fail;
      }
      continue;
    }
    if (table_line(ln, len, i, &ns, &ne)) {
      for (size_t k = 0; k < out->ntables; k++)
        if (strlen(out->table_names[k]) == ne - ns && memcmp(out->table_names[k], ln + ns, ne - ns) == 0) {
          seg_set_err(err, errlen, "%s:%zu:%zu: table '%.*s' has a section already", fname, lineno, ns + 1,
                      (int)(ne - ns), ln + ns);
          goto fail;
        }
      char *tn = strndup(ln + ns, ne - ns);
      if (!tn || add_table(out, tn) != 0) { free(tn); goto oom; }
      cur = &out->tables[out->ntables - 1];
      cap = 0;
      continue;
    }
    size_t name_col = i + 1;
    if (ln[i] == '`') {
      size_t cap_n = len - i, k = 0;
      name = malloc(cap_n + 1);
      if (name == NULL) goto oom;
      i++;
      for (;;) {
        if (i >= len) {
          seg_set_err(err, errlen, "%s:%zu:%zu: unterminated `quoted` column name (a backtick inside a name is written ``)",
                  fname, lineno, name_col);
          goto fail;
        }
        if (ln[i] == '`') {
          if (i + 1 < len && ln[i + 1] == '`') {
            name[k++] = '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (ln[i] == '\0') {
          seg_set_err(err, errlen, "%s:%zu:%zu: NUL byte in column name", fname, lineno, i + 1);
          goto fail;
        }
        name[k++] = ln[i++];
      }
      name[k] = '\0';
      if (k == 0) {
        seg_set_err(err, errlen, "%s:%zu:%zu: empty column name", fname, lineno, name_col);
        goto fail;
      }
    } else if (is_ident_start((unsigned char)ln[i])) {
      size_t st = i;
      while (i < len && is_ident((unsigned char)ln[i])) i++;
      name = strndup(ln + st, i - st);
      if (name == NULL) goto oom;
    } else {
      seg_set_err(err, errlen, "%s:%zu:%zu: expected a column name (names other than [A-Za-z_][A-Za-z0-9_]* are written in `backticks`)",
              fname, lineno, i + 1);
      goto fail;
    }
    while (i < len && (ln[i] == ' ' || ln[i] == '\t')) i++;
    if (i >= len || ln[i] != ':') {
      seg_set_err(err, errlen, "%s:%zu:%zu: expected ':' after the column name", fname, lineno, i + 1);
      goto fail;
    }
    i++;
    while (i < len && (ln[i] == ' ' || ln[i] == '\t')) i++;
    size_t ts = i;
    while (i < len && ln[i] != ' ' && ln[i] != '\t' && ln[i] != '#') i++;
    seg_type t;
    if (i == ts) {
      seg_set_err(err, errlen, "%s:%zu:%zu: missing type (expected bool, int, number, text or date)",
              fname, lineno, ts + 1);
      goto fail;
    }
    if (type_from(ln + ts, i - ts, &t) != 0) {
      seg_set_err(err, errlen, "%s:%zu:%zu: unknown type '%.*s' (expected bool, int, number, text or date)",
              fname, lineno, ts + 1, (int)(i - ts), ln + ts);
      goto fail;
    }
    while (i < len && (ln[i] == ' ' || ln[i] == '\t')) i++;
    if (i < len && ln[i] != '#') {
      seg_set_err(err, errlen, "%s:%zu:%zu: unexpected text after the type", fname, lineno, i + 1);
      goto fail;
    }
    int dup = seg_schema_find(cur, name);
    if (dup >= 0) {
      seg_set_err(err, errlen, "%s:%zu:%zu: duplicate column '%s'", fname, lineno, name_col, name);
      goto fail;
    }
    if (push(cur, &cap, name, t) != 0) goto oom;
    name = NULL;
  }
  if (out->ntables) {
    if (!(out->tviews = calloc(out->ntables, sizeof *out->tviews))) goto oom;
    for (size_t k = 0; k < out->ntables; k++)
      out->tviews[k] = (seg_schema_view){.ncols = out->tables[k].ncols,
                                         .names = (const char *const *)out->tables[k].names,
                                         .types = out->tables[k].types};
  }
  return 0;
oom:
  seg_set_err(err, errlen, "%s: out of memory", fname);
fail:
  free(name);
  seg_schema_free(out);
  return -1;
}

int seg_schema_parse_file(const char *path, seg_schema *out, char *err, size_t errlen) {
  int use_stdin = strcmp(path, "-") == 0;
  FILE *f = use_stdin ? stdin : fopen(path, "rb");
  memset(out, 0, sizeof *out);
  if (f == NULL) {
    seg_set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  char *buf = NULL;
  size_t len = 0, cap = 0;
  int rc = -1;
  for (;;) {
    if (len == cap) {
      size_t nc = cap ? cap * 2 : 65536;
      char *nb = realloc(buf, nc);
      if (nb == NULL) {
        seg_set_err(err, errlen, "%s: out of memory", path);
        goto out;
      }
      buf = nb;
      cap = nc;
    }
    size_t k = fread(buf + len, 1, cap - len, f);
    len += k;
    if (k == 0) break;
  }
  if (ferror(f)) {
    seg_set_err(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    goto out;
  }
  rc = seg_schema_parse(use_stdin ? "<stdin>" : path, buf, len, out, err, errlen);
out:
  free(buf);
  if (!use_stdin) fclose(f);
  return rc;
}
