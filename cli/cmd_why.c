/*
** cmd_why.c -- `seg why RULES DATA --key VALUE... [--key-column COL]
** [--segment NAME]... [--today D] [--format text|json|csv] [--exclude
** LIST] [CSV options]`: for the customer whose key column holds VALUE,
** each segment's verdict and its rule as a tree, every condition with its
** value for that customer (true, false, unknown, not evaluated), the
** column values it read, and a sentence where a missing value decided.
**
** How it stays honest -- one compiler, one VM, no second evaluator:
**
**   - The verdict is `seg run`'s: the rules are compiled exactly as run
**     compiles them (same schema view, same missing-value marks, same
**     date) and that program runs over the whole table with members, as
**     `seg run --members` does; --exclude is applied the same way.
**   - The tree's values come from the same code generator and the same
**     VM: the rules are compiled again by seg_why_compile (compiler/why.c)
**     with every segment in register form -- the form `run` already uses
**     for any segment another one reads -- because the selection chains
**     `run` uses for the other segments keep only "true / not true" and
**     lose the third value. While it generates code, codegen records for
**     each condition node the instruction whose register holds its value
**     (codegen.h's probes, a side table never written to a .segc). The
**     VM then runs that program over a selection of the customer's one row
**     (seg_vm_watch) and reports each condition register as it is written.
**   - Short-circuits are shown, not hidden: `and` runs its right side only
**     where the left is not false (`or`: not true). When it was skipped for
**     this customer, that condition was not evaluated and is shown as
**     "not evaluated" (with the column values it would have read).
**   - Each segment's root value from the explained program is checked
**     against run's verdict (true <=> member); a disagreement is an
**     internal error (exit 2), never printed as an explanation.
**
** A .segc holds no conditions to name: `seg why` refuses one (compile the
** .seg instead). A key on several rows: each row is explained, and the
** text says how many rows share it. The key is matched against the key
** column's values as `seg run --members` writes them.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "colfile.h"
#include "date.h"
#include "why.h"

enum {
  NOT_RUN = 0xFF,                 /* a condition the VM skipped for this row */
  NO_PROBE = 0xFE                 /* codegen recorded no register for it (not expected) */
};

/* One customer row to explain: the key asked for (index into keys) and the row. */
typedef struct unit {
  int key;
  size_t row;
  size_t nsame;                   /* rows with this key */
} unit;

typedef struct why {
  const seg_compiled *c;
  const char *src;                /* the rules' text, for the conditions' words */
  size_t srclen;
  size_t *line_at;                /* byte offset of each line (1-based index) */
  int nlines;
  const seg_table *t;
  const seg_program *wp;          /* the program explained */
  const seg_cg_probes *probes;
  uint8_t *vals;                  /* per unit, per probe: the value, or NOT_RUN */
  const uint8_t *shown;
  const seg_result *res;          /* run's verdicts */
  const seg_cli_excluded *ex;     /* --exclude, or NULL */
  int *cols;                      /* scratch: room for every column */
  int kcol;                       /* the key column */
  FILE *out;
} why;

/* ---- values ----------------------------------------------------------------- */

static void on_value(void *ctx, size_t k, uint32_t pc, uint8_t v) {
  why *w = ctx;
  const seg_cg_probes *ps = w->probes;
  uint32_t lo = 0, hi = ps->n;            /* probes are in pc order */
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (ps->v[mid].pc < pc) lo = mid + 1; else hi = mid;
  }
  for (uint32_t i = lo; i < ps->n && ps->v[i].pc == pc; i++) w->vals[k * ps->n + i] = v;
}

/* The value of n for unit k: a segment reference reads the segment's. */
static uint8_t value_of(const why *w, size_t k, const seg_node *n) {
  const seg_stmt *ref = seg_why_segment_ref(n);
  if (ref) return value_of(w, k, ref->expr);
  for (uint32_t i = 0; i < w->probes->n; i++)
    if (w->probes->v[i].node == n) return w->vals[k * w->probes->n + i];
  return NO_PROBE;
}

static const char *value_word(uint8_t v) {
  return v == SEG_TRUE ? "true" : v == SEG_FALSE ? "false" : v == SEG_UNKNOWN ? "unknown"
       : v == NOT_RUN ? "not evaluated" : "not recorded";
}

/* An `and`, `or` or `not` the tree shows the parts of (a text test on one
** column is one map, evaluated as a whole: a leaf). */
static int expands(const seg_node *n) {
  return n->has_cols && n->textcol < 0 && (n->kind == SEG_N_AND || n->kind == SEG_N_OR || n->kind == SEG_N_NOT);
}

/* 1 when the left side's value a decides `and` / `or` n: its right side
** is then skipped. */
static int decided(const seg_node *n, uint8_t a) {
  return (n->kind == SEG_N_AND && a == SEG_FALSE) || (n->kind == SEG_N_OR && a == SEG_TRUE);
}

/* ---- the words of a condition --------------------------------------------- */

/* The byte offset of column col (code points, 1-based) on line line. */
static size_t offset_of(const why *w, int line, int col) {
  if (line < 1 || line > w->nlines) return w->srclen;
  size_t o = w->line_at[line - 1];
  for (int c = 1; c < col && o < w->srclen && w->src[o] != '\n'; c++) {
    o++;
    while (o < w->srclen && ((unsigned char)w->src[o] & 0xC0) == 0x80) o++;
  }
  return o;
}

/* n's text as the rules wrote it, on one line: blanks folded, comments
** dropped. */
static void put_text(FILE *f, const why *w, const seg_node *n) {
  size_t a = offset_of(w, n->loc.first_line, n->loc.first_column);
  size_t b = offset_of(w, n->loc.last_line, n->loc.last_column);
  if (b < w->srclen) b++;
  while (b < w->srclen && ((unsigned char)w->src[b] & 0xC0) == 0x80) b++;
  char quote = 0;
  int space = 0;
  for (size_t i = a; i < b; i++) {
    char ch = w->src[i];
    if (!quote && ch == '#') {
      while (i < b && w->src[i] != '\n') i++;
      space = 1;
      continue;
    }
    if (!quote && (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')) { space = 1; continue; }
    if (space && i > a) fputc(' ', f);
    space = 0;
    if (quote && ch == '\\' && i + 1 < b) { fputc(ch, f); ch = w->src[++i]; }
    else if (ch == '"' || ch == '\'' || ch == '`') quote = quote == ch ? 0 : quote ? quote : ch;
    fputc(ch, f);
  }
}

/* The columns n reads (not through segment references), each once, into
** cols (room for t->ncols); returns how many. */
static size_t columns_of(const seg_node *n, int *cols, size_t k) {
  if (!n || seg_why_segment_ref(n)) return k;
  if (n->kind == SEG_N_NAME && n->col >= 0 && !n->ref) {
    for (size_t i = 0; i < k; i++) if (cols[i] == n->col) return k;
    cols[k++] = n->col;
    return k;
  }
  k = columns_of(n->a, cols, k);
  k = columns_of(n->b, cols, k);
  k = columns_of(n->c, cols, k);
  for (const seg_node *x = n->list; x; x = x->next) k = columns_of(x, cols, k);
  return k;
}

static int is_missing(const why *w, int col, size_t row) {
  return !seg_valid_get(w->t->cols[col].valid, row);
}

/* `age = 37`, `age is missing`, `country = "SE"` */
static void put_column(FILE *f, const why *w, int col, size_t row) {
  const seg_column *c = &w->t->cols[col];
  fputs(c->name, f);
  if (is_missing(w, col, row)) { fputs(" is missing", f); return; }
  fputs(c->type == SEG_TEXT ? " = \"" : " = ", f);
  seg_cli_write_cell(f, c, row, 0);
  if (c->type == SEG_TEXT) fputc('"', f);
}

/* ---- why a rule is unknown ------------------------------------------------ */

/* The conditions that made n unknown (n is unknown): the unknown parts of
** an `and` / `or` / `not`, through segment references, down to leaves;
** each written as "age is missing, so `age 25..40` is unknown". */
static int put_unknown_causes(FILE *f, const why *w, const unit *u, size_t k, const seg_node *n, int said) {
  const seg_stmt *ref = seg_why_segment_ref(n);
  if (ref) return put_unknown_causes(f, w, u, k, ref->expr, said);
  if (expands(n)) {
    if (value_of(w, k, n->a) == SEG_UNKNOWN) said = put_unknown_causes(f, w, u, k, n->a, said);
    if (n->b && value_of(w, k, n->b) == SEG_UNKNOWN) said = put_unknown_causes(f, w, u, k, n->b, said);
    return said;
  }
  int *cols = w->cols;
  size_t nc = columns_of(n, cols, 0), nmiss = 0;
  if (said) fputs("; ", f);
  for (size_t i = 0; i < nc; i++) {
    if (!is_missing(w, cols[i], u->row)) continue;
    fprintf(f, "%s%s", nmiss ? " and " : "", w->t->cols[cols[i]].name);
    nmiss++;
  }
  if (nmiss) fprintf(f, " %s missing, so `", nmiss == 1 ? "is" : "are");
  else fputs("`", f);
  put_text(f, w, n);
  fputs(nmiss ? "` is unknown" : "` is unknown (no column it reads is missing: a division by zero or an overflow "
                                 "gave a missing value)", f);
  return said + 1;
}

/* The sentence of a rule that is unknown: its causes, and the verdict. */
static void put_why(FILE *f, const why *w, const unit *u, size_t k, const seg_node *rule) {
  int n = put_unknown_causes(f, w, u, k, rule, 0);
  fprintf(f, "%s and the customer is left out", n > 1 ? "; so the rule is unknown" : "");
}

/* ---- text ----------------------------------------------------------------- */

static void text_parts(const why *w, const unit *u, size_t k, const seg_node *n, int kind, int depth, int skipped);

/* One line of the tree, then its parts. skipped: an `and` / `or` above
** was decided before this part, which was then not evaluated. */
static void text_node(const why *w, const unit *u, size_t k, const seg_node *n, int depth, int skipped) {
  FILE *f = w->out;
  const seg_stmt *ref = seg_why_segment_ref(n);
  uint8_t v = skipped ? NOT_RUN : value_of(w, k, n);
  fprintf(f, "  %-13s  %*s", value_word(v), 2 * depth, "");
  put_text(f, w, n);
  if (ref) {
    uint8_t sv = value_of(w, k, ref->expr);
    fprintf(f, "  [segment %s: %s]", ref->name, sv == SEG_TRUE ? "member" : "not a member");
    fputc('\n', f);
    if (!w->shown[ref->index])         /* not explained on its own: here */
      text_node(w, u, k, ref->expr, depth + 1, 0);
    return;
  }
  if (!expands(n)) {
    int *cols = w->cols;
    size_t nc = columns_of(n, cols, 0);
    for (size_t i = 0; i < nc; i++) {
      fputs(i ? ", " : "  [", f);
      put_column(f, w, cols[i], u->row);
    }
    if (nc) fputc(']', f);
  }
  fputc('\n', f);
  if (!expands(n)) return;
  if (n->kind == SEG_N_NOT) text_node(w, u, k, n->a, depth + 1, skipped);
  else text_parts(w, u, k, n, n->kind, depth + 1, skipped);
}

/* The parts of an `and` (or `or`) chain, at one depth: a chain the rules
** wrote as `a and b and c` is one list, not a nest of pairs. */
static void text_parts(const why *w, const unit *u, size_t k, const seg_node *n, int kind, int depth, int skipped) {
  if (n->kind != (seg_nkind)kind || !expands(n) || n->kind == SEG_N_NOT) {
    text_node(w, u, k, n, depth, skipped);
    return;
  }
  text_parts(w, u, k, n->a, kind, depth, skipped);
  if (n->b) text_parts(w, u, k, n->b, kind, depth, skipped || decided(n, value_of(w, k, n->a)));
}

static const seg_stmt *stmt_of(const why *w, uint32_t s) {
  for (const seg_stmt *t = w->c->ast.first; t; t = t->next)
    if (t->kind == S_SEGMENT && (uint32_t)t->index == s) return t;
  return NULL;
}

static int member(const why *w, const unit *u, uint32_t s) {
  return (w->res->members[s][u->row / 64] >> (u->row % 64)) & 1;
}

static int suppressed(const why *w, const unit *u) {
  return w->ex && ((w->ex->bits[u->row / 64] >> (u->row % 64)) & 1);
}

static void text_unit(const why *w, const unit *u, size_t k, const char *key, const char *data) {
  FILE *f = w->out;
  char day[11];
  seg_date_format(w->c->prog.today, day);
  fprintf(f, "customer with %s %s (row %zu of %s), today %s\n", w->t->cols[w->kcol].name, key, u->row + 1, data, day);
  if (u->nsame > 1) fprintf(f, "note: %zu rows have this key; each is explained\n", u->nsame);
  if (suppressed(w, u)) {
    fprintf(f, "suppressed: on the --exclude list (%s), so not a member of any segment\n", w->ex->column);
    return;
  }
  /* the file's `require` guards first: each segment is `guard and rule`,
  ** so where a guard is not true the rules below were not evaluated */
  for (const seg_stmt *g = w->c->ast.first; g; g = g->next) {
    if (g->kind != S_REQUIRE || !g->expr) continue;
    uint8_t v = value_of(w, k, g->expr);
    fprintf(f, "\nrequire: %s\n", v == SEG_TRUE ? "true, so the segments' rules decide"
                                               : "not true, so the customer is left out of every segment");
    text_node(w, u, k, g->expr, 0, 0);
    if (v == SEG_UNKNOWN) {
      fputs("  unknown: ", f);
      put_why(f, w, u, k, g->expr);
      fputc('\n', f);
    }
  }
  for (uint32_t s = 0; s < w->wp->nsegs; s++) {
    if (!w->shown[s]) continue;
    const seg_stmt *t = stmt_of(w, s);
    uint8_t v = value_of(w, k, t->expr);
    fprintf(f, "\n%s: %s", t->name, member(w, u, s) ? "member" : "not a member");
    if (t->desc) fprintf(f, "  (\"%s\")", t->desc);
    fputc('\n', f);
    text_node(w, u, k, t->expr, 0, 0);
    if (v == SEG_UNKNOWN) {
      fputs("  unknown: ", f);
      put_why(f, w, u, k, t->expr);
      fputc('\n', f);
    }
  }
}

/* ---- JSON ------------------------------------------------------------------ */

/* A JSON string of what is written to jstr_open's stream (NULL when out
** of memory: then the string is empty). */
typedef struct jstr {
  char *buf;
  size_t len;
  FILE *m;
} jstr;

static int jstr_failed;          /* a string could not be built: the run fails */

static FILE *jstr_open(jstr *j) {
  j->buf = NULL;
  j->len = 0;
  j->m = open_memstream(&j->buf, &j->len);
  if (!j->m) jstr_failed = 1;
  return j->m;
}

static void jstr_close(FILE *out, jstr *j) {
  if (j->m) fclose(j->m);
  seg_cli_json_string(out, j->buf ? j->buf : "");
  free(j->buf);
}

static void json_text(const why *w, const seg_node *n) {
  jstr j;
  if (jstr_open(&j)) put_text(j.m, w, n);
  jstr_close(w->out, &j);
}

static void json_parts(const why *w, const unit *u, size_t k, const seg_node *n, int kind, int skipped, int *first);

static void json_node(const why *w, const unit *u, size_t k, const seg_node *n, int skipped) {
  FILE *f = w->out;
  const seg_stmt *ref = seg_why_segment_ref(n);
  fputs("{\"condition\": ", f);
  json_text(w, n);
  fprintf(f, ", \"value\": \"%s\"", value_word(skipped ? NOT_RUN : value_of(w, k, n)));
  if (ref) {
    fputs(", \"segment\": ", f);
    seg_cli_json_string(f, ref->name);
    fprintf(f, ", \"member\": %s}", value_of(w, k, ref->expr) == SEG_TRUE ? "true" : "false");
    return;
  }
  if (!expands(n)) {
    int *cols = w->cols;
    size_t nc = columns_of(n, cols, 0);
    fputs(", \"columns\": {", f);
    for (size_t i = 0; i < nc; i++) {
      if (i) fputs(", ", f);
      seg_cli_json_string(f, w->t->cols[cols[i]].name);
      if (is_missing(w, cols[i], u->row)) { fputs(": null", f); continue; }
      jstr j;
      fputs(": ", f);
      if (jstr_open(&j)) seg_cli_write_cell(j.m, &w->t->cols[cols[i]], u->row, 0);
      jstr_close(f, &j);
    }
    fputs("}}", f);
    return;
  }
  fputs(", \"parts\": [", f);
  int first = 1;
  json_parts(w, u, k, n->kind == SEG_N_NOT ? n->a : n, n->kind, skipped, &first);
  fputs("]}", f);
}

static void json_parts(const why *w, const unit *u, size_t k, const seg_node *n, int kind, int skipped, int *first) {
  if (n->kind != (seg_nkind)kind || !expands(n) || n->kind == SEG_N_NOT) {
    if (!*first) fputs(", ", w->out);
    *first = 0;
    json_node(w, u, k, n, skipped);
    return;
  }
  json_parts(w, u, k, n->a, kind, skipped, first);
  if (n->b) json_parts(w, u, k, n->b, kind, skipped || decided(n, value_of(w, k, n->a)), first);
}

static void json_unit(const why *w, const unit *u, size_t k, const char *key, int first) {
  FILE *f = w->out;
  fputs(first ? "\n  {\"key\": " : ",\n  {\"key\": ", f);
  seg_cli_json_string(f, key);
  fprintf(f, ", \"row\": %zu, \"rows_with_key\": %zu, \"suppressed\": %s, ", u->row + 1, u->nsame,
          suppressed(w, u) ? "true" : "false");
  /* the `require` guards (an empty list when the file has none) */
  fputs("\"require\": [", f);
  int firstg = 1;
  for (const seg_stmt *g = w->c->ast.first; g && !suppressed(w, u); g = g->next) {
    if (g->kind != S_REQUIRE || !g->expr) continue;
    fputs(firstg ? "" : ", ", f);
    firstg = 0;
    json_node(w, u, k, g->expr, 0);
  }
  fputs("], \"segments\": [", f);
  int firstseg = 1;
  for (uint32_t s = 0; s < w->wp->nsegs; s++) {
    if (!w->shown[s]) continue;
    const seg_stmt *t = stmt_of(w, s);
    fputs(firstseg ? "\n    {\"segment\": " : ",\n    {\"segment\": ", f);
    firstseg = 0;
    seg_cli_json_string(f, t->name);
    fprintf(f, ", \"member\": %s", !suppressed(w, u) && member(w, u, s) ? "true" : "false");
    if (suppressed(w, u)) { fputs("}", f); continue; }
    fputs(", \"why\": ", f);
    if (value_of(w, k, t->expr) == SEG_UNKNOWN) {
      jstr j;
      if (jstr_open(&j)) put_why(j.m, w, u, k, t->expr);
      jstr_close(f, &j);
    } else {
      fputs("null", f);
    }
    fputs(", \"rule\": ", f);
    json_node(w, u, k, t->expr, 0);
    fputs("}", f);
  }
  fputs("]}", f);
}

/* ---- finding the customers -------------------------------------------------- */

typedef struct keyindex {
  char *pool;                     /* every row's key text, NUL-ended */
  size_t *at;                     /* row -> offset in pool */
  size_t *sorted;                 /* rows, by key text then row */
  size_t n;
} keyindex;

static const keyindex *sort_ctx;
static int by_key(const void *x, const void *y) {
  size_t a = *(const size_t *)x, b = *(const size_t *)y;
  int c = strcmp(sort_ctx->pool + sort_ctx->at[a], sort_ctx->pool + sort_ctx->at[b]);
  return c ? c : (a > b) - (a < b);
}

static int index_keys(const seg_table *t, int col, keyindex *ix) {
  size_t len = 0;
  FILE *m = open_memstream(&ix->pool, &len);
  ix->n = t->nrows;
  ix->at = malloc((t->nrows + 1) * sizeof *ix->at);
  ix->sorted = malloc((t->nrows + 1) * sizeof *ix->sorted);
  if (!m || !ix->at || !ix->sorted) {
    if (m) fclose(m);
    return -1;
  }
  for (size_t r = 0; r < t->nrows; r++) {
    ix->at[r] = (size_t)ftell(m);
    seg_cli_write_cell(m, &t->cols[col], r, 0);
    fputc(0, m);
    ix->sorted[r] = r;
  }
  if (fclose(m) != 0 || !ix->pool) return -1;
  sort_ctx = ix;
  qsort(ix->sorted, ix->n, sizeof *ix->sorted, by_key);
  return 0;
}

/* The first position in ix->sorted whose key is at least key. */
static size_t find_key(const keyindex *ix, const char *key) {
  size_t lo = 0, hi = ix->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (strcmp(ix->pool + ix->at[ix->sorted[mid]], key) < 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/* ---- the command ------------------------------------------------------------ */

int seg_cmd_why(int argc, char **argv) {
  seg_cli_csv csv = {0};
  const char *today_opt = NULL, *format = NULL, *key_col = NULL, *exclude = NULL, *pos[2];
  seg_cli_list segments = {NULL, 0}, keys = {NULL, 0}, evspecs = {NULL, 0};
  int npos;
  const seg_cli_opt options[] = {
    {"--key", NULL, SEG_OPT_LIST, &keys},
    {"--table", NULL, SEG_OPT_LIST, &evspecs},
    {"--key-column", NULL, SEG_OPT_VALUE, &key_col},
    {"--today", NULL, SEG_OPT_VALUE, &today_opt},
    {"--format", NULL, SEG_OPT_VALUE, &format},
    {"--segment", NULL, SEG_OPT_LIST, &segments},
    {"--exclude", NULL, SEG_OPT_VALUE, &exclude},
    SEG_CLI_CSV_OPTIONS(csv),
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, 2, 0, "unknown option '%s' for this command", seg_cli_usage};
  segments.v = calloc((size_t)argc + 1, sizeof *segments.v);
  keys.v = calloc((size_t)argc + 1, sizeof *keys.v);
  evspecs.v = calloc((size_t)argc + 1, sizeof *evspecs.v);
  if (!segments.v || !keys.v || !evspecs.v) {
    fprintf(stderr, "seg: out of memory\n");
    free(segments.v);
    free(keys.v);
    free(evspecs.v);
    return SEG_EXIT_USAGE;
  }
  seg_cli_parse(&spec, argc, argv, pos, &npos);
  if (npos != 2) seg_cli_usage("%s", "why needs a rules file and a data file");
  if (keys.n == 0) seg_cli_usage("%s", "why needs --key VALUE: the key of the customer to explain");
  if (!format) format = "text";
  if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "csv"))
    seg_cli_usage("--format: '%s' is not one of text, json, csv", format);
  if (seg_cli_is_segc_file(pos[0])) {
    fprintf(stderr, "seg: why: %s is compiled bytecode, which keeps no conditions to explain; give the .seg rules "
            "file it was compiled from\n", pos[0]);
    free(segments.v);
    free(keys.v);
    free(evspecs.v);
    return SEG_EXIT_USAGE;
  }
  int32_t today = seg_cli_today(today_opt);
  seg_table t = {0};
  seg_cli_evtables ev = {0};
  seg_compiled c = {0};
  seg_result res = {0}, wres = {0};
  seg_cli_excluded ex = {0};
  seg_schema pinned = {0};
  seg_program wp = {0};
  seg_cg_probes probes = {0};
  keyindex ix = {0};
  uint8_t *shown = NULL;
  seg_cli_dataview dv = {0};
  unit *units = NULL;
  size_t *rows = NULL, nunits = 0;
  char *src = NULL;
  why w = {0};
  seg_cli_want want = {0};
  int rc = SEG_EXIT_USAGE;
  char err[512];
  seg_import_more m = seg_cli_csv_more(&csv, &pinned), evm;
  /* as run: a CSV's columns that the rules and --key-column cannot name
  ** (the first is the default key) stay unread, an event table's too */
  const char *kn[1] = {key_col};
  if (!exclude) seg_cli_want_init(&want, pos, 1, kn, 1, !key_col);
  seg_cli_want_use(&want, &m);
  if (seg_cli_load_table(pos[1], csv.skip_bad || csv.max_bad, &m, &t) != 0) goto done;
  if (seg_cli_data_view(&t, &dv) != 0) goto done;     /* as seg run: the same program */
  seg_schema_view sv = dv.sv;
  if ((rc = seg_cli_evtables_load(&evspecs, csv.skip_bad || csv.max_bad, seg_cli_want_more(&want, &evm), &ev)) != 0)
    goto done;
  seg_cli_evtables_bind(&ev, &sv);
  if ((rc = seg_cli_compile_rules(pos[0], &sv, today, &c)) != 0) goto done;
  rc = SEG_EXIT_USAGE;
  int kcol = 0;
  if (key_col && (kcol = seg_table_find(&t, key_col)) < 0) {
    fprintf(stderr, "seg: --key-column: no column '%s' in %s\n", key_col, pos[1]);
    goto done;
  }
  if (t.ncols == 0) {
    fprintf(stderr, "seg: why: %s has no columns to use as a key\n", pos[1]);
    goto done;
  }
  if (!(shown = seg_cli_pick_segments(&c.prog, &segments, pos[0]))) goto done;
  if (exclude && seg_cli_exclude(exclude, &t, &ex) != 0) goto done;
  if (seg_col_check(&t.cols[kcol], t.nrows, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", pos[1], err);
    goto done;
  }
  if (index_keys(&t, kcol, &ix) != 0) goto oom;
  /* the rows of every key, in the order the keys were given */
  for (int pass = 0; pass < 2; pass++) {
    nunits = 0;
    for (int k = 0; k < keys.n; k++) {
      size_t i = find_key(&ix, keys.v[k]), j = i;
      while (j < ix.n && strcmp(ix.pool + ix.at[ix.sorted[j]], keys.v[k]) == 0) j++;
      if (j == i || !keys.v[k][0]) {
        fprintf(stderr, "seg: why: no customer with %s '%s' in %s\n", t.cols[kcol].name, keys.v[k], pos[1]);
        goto done;
      }
      for (size_t q = i; q < j; q++, nunits++)
        if (pass) {
          units[nunits] = (unit){k, ix.sorted[q], j - i};
          rows[nunits] = ix.sorted[q];
        }
    }
    if (!pass && (!(units = calloc(nunits + 1, sizeof *units)) || !(rows = calloc(nunits + 1, sizeof *rows))))
      goto oom;
  }
  /* run's verdicts: the program run compiles, over the whole table */
  seg_vm_opts vo = {.want_members = 1, .threads = seg_cli_threads()};
  if (seg_cli_fit_empty(&t, &c.prog, pos[1]) != 0) goto done;
  if (seg_cli_evtables_fill(&ev, &c.prog, &t, pos[1], vo.threads, 1) != 0) goto done;
  if (seg_vm_run_opts(&c.prog, &t, &vo, &res, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", pos[1], err);
    goto done;
  }
  if (exclude) seg_cli_apply_exclude(&ex, &res);
  /* the explained program, over each customer's row alone */
  if (seg_why_compile(&c, &wp, &probes, err, sizeof err) != 0) {
    fprintf(stderr, "seg: why: %s\n", err);
    goto done;
  }
  size_t srclen = 0;
  if (!(src = seg_cli_read_file(pos[0], &srclen))) goto done;
  w = (why){.c = &c, .src = src, .srclen = srclen, .t = &t, .wp = &wp, .probes = &probes, .shown = shown,
            .res = &res, .ex = exclude ? &ex : NULL, .kcol = kcol, .out = stdout};
  w.line_at = malloc((srclen + 2) * sizeof *w.line_at);
  w.vals = malloc(nunits * (size_t)probes.n + 1);
  w.cols = malloc((t.ncols + 1) * sizeof *w.cols);
  if (!w.line_at || !w.vals || !w.cols) goto oom;
  w.line_at[w.nlines++] = 0;
  for (size_t i = 0; i < srclen; i++)
    if (src[i] == '\n') w.line_at[w.nlines++] = i + 1;
  memset(w.vals, NOT_RUN, nunits * (size_t)probes.n);
  seg_vm_watch watch = {rows, nunits, on_value, &w};
  seg_vm_opts wo = {.want_members = 0, .threads = 1, .watch = &watch};
  if (seg_vm_run_opts(&wp, &t, &wo, &wres, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", pos[1], err);
    goto done;
  }
  /* the explanation must agree with run's verdict, or it is not printed */
  for (size_t k = 0; k < nunits; k++)
    for (uint32_t s = 0; s < wp.nsegs; s++)
      if (!suppressed(&w, &units[k]) && (value_of(&w, k, stmt_of(&w, s)->expr) == SEG_TRUE) != member(&w, &units[k], s)) {
        fprintf(stderr, "seg: why: internal error: the explanation of segment '%s' for row %zu disagrees with seg "
                "run's verdict; please report it\n", wp.segs[s].name, units[k].row + 1);
        goto done;
      }
  if (strcmp(format, "csv") == 0) {
    fputs("key,row,segment,member,value\n", stdout);
    for (size_t k = 0; k < nunits; k++)
      for (uint32_t s = 0; s < wp.nsegs; s++) {
        if (!shown[s]) continue;
        seg_cli_csv_field(stdout, keys.v[units[k].key], strlen(keys.v[units[k].key]));
        fprintf(stdout, ",%zu,", units[k].row + 1);
        seg_cli_csv_field(stdout, wp.segs[s].name, strlen(wp.segs[s].name));
        fputs(!suppressed(&w, &units[k]) && member(&w, &units[k], s) ? ",true," : ",false,", stdout);
        fprintf(stdout, "%s\n", suppressed(&w, &units[k]) ? "suppressed" : value_word(value_of(&w, k, stmt_of(&w, s)->expr)));
      }
  } else if (strcmp(format, "json") == 0) {
    char day[11];
    seg_date_format(c.prog.today, day);
    fprintf(stdout, "{\"today\": \"%s\", \"key_column\": ", day);
    seg_cli_json_string(stdout, t.cols[kcol].name);
    fputs(", \"customers\": [", stdout);
    for (size_t k = 0; k < nunits; k++) json_unit(&w, &units[k], k, keys.v[units[k].key], k == 0);
    fputs("\n]}\n", stdout);
  } else {
    for (size_t k = 0; k < nunits; k++) {
      if (k) fputc('\n', stdout);
      text_unit(&w, &units[k], k, keys.v[units[k].key], pos[1]);
    }
  }
  rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 : SEG_EXIT_USAGE;
  if (jstr_failed) goto oom;
  goto done;
oom:
  fprintf(stderr, "seg: out of memory\n");
  rc = SEG_EXIT_USAGE;
done:
  free(w.line_at);
  free(w.vals);
  free(w.cols);
  free(src);
  free(units);
  free(rows);
  free(ix.pool);
  free(ix.at);
  free(ix.sorted);
  free(probes.v);
  seg_program_free(&wp);
  free(ex.bits);
  seg_result_free(&res);
  seg_result_free(&wres);
  seg_compiled_free(&c);
  seg_table_free(&t);
  seg_cli_evtables_free(&ev);
  seg_cli_want_free(&want);
  free(evspecs.v);
  free(shown);
  seg_cli_data_view_free(&dv);
  seg_schema_free(&pinned);
  free(segments.v);
  free(keys.v);
  return rc;
}
