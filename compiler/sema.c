/*
** sema.c -- semantic analysis of a parsed .seg file.
**
** Resolves every name (a column of the schema, a `let` constant or a
** segment), computes the type of every node, checks that operands fit,
** records which text column a sub-expression reads (so the VM can
** evaluate it once per distinct value), and orders segments so that a
** referenced segment is evaluated before its users, reporting cycles.
*/
#include "sema.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "eval.h"

typedef struct sema {
  seg_ast *ast;
  seg_arena *arena;
  const seg_schema_view *schema;
  seg_diags *diags;
  int32_t today;
  seg_stmt *cur;          /* statement being checked                     */
  seg_stmt **order;
  int norder;
  seg_stmt **stack;       /* DFS stack for cycle reports                 */
  int depth;
  seg_stmt **names;       /* hash of statement names (first wins), or NULL */
  size_t nnames;          /* slots, a power of two                       */
  int nest;               /* check() calls on the C stack                */
  int deep_reported;      /* the nesting error of this statement is out  */
  int text_side;          /* checking the other side of a text comparison */
  int list_ok;            /* a name of a list `let` may stand here        */
  const uint8_t *empty;   /* may_be_missing, when some column is empty    */
  int in_agg;             /* checking an aggregate's column or filter     */
  seg_stmt *ev;           /* checking the filter of an aggregate of this event table */
  size_t nbase;           /* the data's own columns (event aggregates follow) */
  int poisoned;           /* the statement read a table that has an error */
} sema;

#define ERR(s, code, loc, ...) seg_diag_add((s)->diags, SEG_SEV_ERROR, code, loc, __VA_ARGS__)

/* ---- names --------------------------------------------------------- */

/* Optimal string alignment distance (Damerau: a swap of two neighbours
** counts one, so `adn` is one from `and`), ASCII case ignored; max + 1
** once it is certainly above max. */
int seg_edit_distance(const char *a, const char *b, int max) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return max + 1;
  if ((int)(la > lb ? la - lb : lb - la) > max) return max + 1;
  int r0[65], r1[65], r2[65], *pp = r0, *prev = r1, *row = r2;    /* rows i-2, i-1, i */
  for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    row[0] = (int)i;
    int best = row[0];
    for (size_t j = 1; j <= lb; j++) {
      int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
      int v = prev[j - 1] + (ca != cb);
      if (prev[j] + 1 < v) v = prev[j] + 1;
      if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
      if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) && tolower((unsigned char)a[i - 2]) == cb &&
          pp[j - 2] + 1 < v)
        v = pp[j - 2] + 1;
      row[j] = v;
      if (v < best) best = v;
    }
    if (best > max && i > 1) {
      /* a transposition can still lower the next row by one only from
      ** this row's neighbours: keep going unless even that cannot help */
      int lowest = best;
      for (size_t j = 0; j <= lb; j++) if (prev[j] < lowest) lowest = prev[j];
      if (lowest > max) return max + 1;
    }
    int *t = pp;
    pp = prev;
    prev = row;
    row = t;
  }
  return prev[lb];
}

static size_t name_hash(const char *p) {
  size_t h = 1469598103934665603u;
  for (; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211u;
  return h;
}

/* The first statement called name: a hash lookup, so that a file of
** 10,000 segments is not checked in quadratic time. */
static seg_stmt *find_stmt(sema *s, const char *name) {
  if (!s->names) {                      /* no table (out of memory): scan */
    for (seg_stmt *t = s->ast->first; t; t = t->next)
      if (t->name && strcmp(t->name, name) == 0) return t;
    return NULL;
  }
  for (size_t i = name_hash(name) & (s->nnames - 1);; i = (i + 1) & (s->nnames - 1))
    if (!s->names[i] || strcmp(s->names[i]->name, name) == 0) return s->names[i];
}

static void index_names(sema *s) {
  size_t n = 0;
  for (seg_stmt *t = s->ast->first; t; t = t->next) n++;
  s->nnames = 16;
  while (s->nnames < 2 * n) s->nnames *= 2;
  s->names = calloc(s->nnames, sizeof *s->names);
  if (!s->names) return;
  for (seg_stmt *t = s->ast->first; t; t = t->next) {
    if (!t->name || !*t->name) continue;
    size_t i = name_hash(t->name) & (s->nnames - 1);
    while (s->names[i] && strcmp(s->names[i]->name, t->name) != 0) i = (i + 1) & (s->nnames - 1);
    if (!s->names[i]) s->names[i] = t;
  }
}

static int find_column(sema *s, const char *name) { return seg_schema_view_find(s->schema, name); }

/* The closest known name within rustc's bound (a third of the length). */
static const char *suggest(sema *s, const char *name, int columns, int stmts, const char *const *extra) {
  int max = (int)strlen(name) / 3;
  if (max < 1) max = 1;
  const char *best = NULL;
  int bestd = max + 1;
  if (columns)
    for (size_t i = 0; i < s->schema->ncols; i++) {
      int d = seg_edit_distance(name, s->schema->names[i], max);
      if (d < bestd) { bestd = d; best = s->schema->names[i]; }
    }
  if (stmts)
    for (seg_stmt *t = s->ast->first; t; t = t->next) {
      if (!t->name || t == s->cur) continue;
      int d = seg_edit_distance(name, t->name, max);
      if (d < bestd) { bestd = d; best = t->name; }
    }
  for (int i = 0; extra && extra[i]; i++) {
    int d = seg_edit_distance(name, extra[i], max);
    if (d < bestd) { bestd = d; best = extra[i]; }
  }
  return best;
}

static int is_plain_name(const char *n) {
  size_t len = strlen(n);
  if (len > 0 && seg_ident_prefix(n, len) == len) return 1;
  const char *dot = strchr(n, '.');      /* an arm: `q4.test` */
  return dot && dot > n && dot[1] && seg_ident_prefix(n, (size_t)(dot - n)) == (size_t)(dot - n) &&
         seg_ident_prefix(dot + 1, len - (size_t)(dot - n) - 1) == len - (size_t)(dot - n) - 1;
}

/* How a name is written in rules: bare, or in backticks. */
static const char *spelled(sema *s, const char *n) {
  if (is_plain_name(n)) return n;
  size_t len = strlen(n);
  char *o = seg_arena_alloc(s->arena, 2 * len + 3);
  if (!o) return n;
  size_t k = 0;
  o[k++] = '`';
  for (size_t i = 0; i < len; i++) { o[k++] = n[i]; if (n[i] == '`') o[k++] = '`'; }
  o[k++] = '`';
  return o;
}

/* ---- types ----------------------------------------------------------- */

static seg_vtype vt_of(seg_type t) {
  switch (t) {
  case SEG_BOOL: return VT_BOOL;
  case SEG_INT: return VT_INT;
  case SEG_NUM: return VT_NUM;
  case SEG_DATE: return VT_DATE;
  default: return VT_TEXT;
  }
}

static int numeric(seg_vtype t) { return t == VT_INT || t == VT_NUM; }
static int comparable(seg_vtype a, seg_vtype b) {
  return (numeric(a) && numeric(b)) || (a == b && a != VT_DURATION);
}

/* The name of the column a checked name reads: the event table's while
** its filter is checked (then the customers' gathered after it). */
static const char *col_name(sema *s, const seg_node *n) {
  if (s->ev && s->ev->table >= 0) {
    const seg_schema_view *e = &s->schema->tables[s->ev->table];
    if ((size_t)n->col < e->ncols) return e->names[n->col];
    return s->schema->names[s->ev->gather[(size_t)n->col - e->ncols]];
  }
  return (size_t)n->col < s->nbase ? s->schema->names[n->col] : n->str;
}

/* "int column 'age'", "text \"x\"", "a date value" -- for messages. */
static const char *describe(sema *s, const seg_node *n) {
  char buf[200];
  const char *t = seg_vtype_name(n->type);
  if (n->evagg)
    snprintf(buf, sizeof buf, "%s %s()", t, n->str);
  else if (n->kind == SEG_N_NAME && n->col >= 0 && !s->ev && s->empty && s->empty[n->col] == SEG_COL_EMPTY)
    snprintf(buf, sizeof buf, "%s column '%s' (empty in every row of this data, so typed by its first use; "
             "pin its type with --schema)", t, s->schema->names[n->col]);
  else if (n->kind == SEG_N_NAME && n->col >= 0)
    snprintf(buf, sizeof buf, "%s column '%s'", t, col_name(s, n));
  else if (n->kind == SEG_N_NAME && n->ref)
    snprintf(buf, sizeof buf, "%s '%s' (a %s)", t, n->str, n->ref->kind == S_LET ? "constant" : "segment");
  else if (n->kind == SEG_N_STR)
    snprintf(buf, sizeof buf, "text \"%.*s\"", (int)(n->len > 40 ? 40 : n->len), n->str);
  else if (n->kind == SEG_N_INT)
    snprintf(buf, sizeof buf, "int %lld", (long long)n->ival);
  else if (n->kind == SEG_N_NUM)
    snprintf(buf, sizeof buf, "number %g", n->fval);
  else if (n->kind == SEG_N_BOOL)
    snprintf(buf, sizeof buf, "bool %s", n->ival ? "true" : "false");
  else
    snprintf(buf, sizeof buf, "%s %s value", n->type == VT_INT ? "an" : "a", t);
  return seg_arena_strndup(s->arena, buf, strlen(buf));
}

/* Combines the text-column facts of child c into parent n. */
static void merge(seg_node *n, const seg_node *c) {
  if (!c) return;
  n->has_cols |= c->has_cols;
  if (c->textcol == -1) return;
  if (n->textcol == -1) n->textcol = c->textcol;
  else if (n->textcol != c->textcol) n->textcol = -2;
}

static seg_vtype check(sema *s, seg_node *n);
static seg_vtype check_inner(sema *s, seg_node *n);
static void check_stmt(sema *s, seg_stmt *t);
static void set_depth(sema *s, seg_node *n);
static seg_vtype check_evagg(sema *s, seg_node *n, seg_stmt *tb, const char *dot);

/* A value that must be known at compile time (a duration, a pattern). */
static int require_constant(sema *s, seg_node *n, const char *what) {
  if (n->has_cols && n->type != VT_UNKNOWN) {
    ERR(s, "E0109", n->loc, "%s must be a constant, not %s", what, describe(s, n));
    return 0;
  }
  return n->type != VT_UNKNOWN;
}

/* ---- event tables (issue 15) ------------------------------------------ */


/* The event table a statement name or a `T.col` prefix names, or NULL. */
static seg_stmt *find_table(sema *s, const char *name, size_t len) {
  char buf[256];
  if (len >= sizeof buf) return NULL;
  memcpy(buf, name, len);
  buf[len] = 0;
  seg_stmt *t = find_stmt(s, buf);
  return t && t->kind == S_TABLE ? t : NULL;
}

/* Customer column col as read by a filter of table t: its index among
** the columns the filter program sees (the table's, then the gathered). */
static int gather_col(sema *s, seg_stmt *t, int col) {
  size_t ne = s->schema->tables[t->table].ncols;
  for (int i = 0; i < t->ngather; i++) if (t->gather[i] == col) return (int)ne + i;
  if (t->ngather == t->capgather) {
    int cap = t->capgather ? 2 * t->capgather : 8;
    int *g = seg_arena_alloc(s->arena, (size_t)cap * sizeof *g);
    if (!g) { s->diags->oom = 1; return -1; }
    if (t->ngather) memcpy(g, t->gather, (size_t)t->ngather * sizeof *g);
    t->gather = g;
    t->capgather = cap;
  }
  t->gather[t->ngather++] = col;
  return (int)ne + t->ngather - 1;
}

/* A name inside the filter of an aggregate of event table s->ev: a column
** of the events first, then of the customer; constants as anywhere.
** Returns 1 when it decided (type in *vt), 0 to go on as usual (a let). */
static int check_ev_name(sema *s, seg_node *n, seg_vtype *vt) {
  const seg_schema_view *e = &s->schema->tables[s->ev->table];
  int ec = seg_schema_view_find(e, n->str);
  *vt = VT_UNKNOWN;
  if (ec >= 0) {
    n->col = ec;
    n->has_cols = 1;
    *vt = vt_of(e->types[ec]);
    n->textcol = *vt == VT_TEXT ? ec : -2;
    return 1;
  }
  seg_stmt *t = find_stmt(s, n->str);
  if (t && t->kind == S_LET) return 0;
  int col = find_column(s, n->str);
  if (col >= 0) {
    int g = gather_col(s, s->ev, col);
    if (g < 0) return 1;
    n->col = g;
    n->has_cols = 1;
    *vt = vt_of(s->schema->types[col]);
    n->textcol = *vt == VT_TEXT ? g : -2;
    return 1;
  }
  if (t && t->kind != S_TABLE) {
    ERR(s, "E0154", n->loc, "a filter over the events of '%s' reads their columns and the customer's, not %s '%s'; "
        "write the condition itself", s->ev->name, t->kind == S_SEGMENT ? "segment" : "statement", n->str);
    return 1;
  }
  int max = (int)strlen(n->str) / 3, bestd;
  if (max < 1) max = 1;
  bestd = max + 1;
  const char *best = NULL;
  for (size_t i = 0; i < e->ncols; i++) {
    int d = seg_edit_distance(n->str, e->names[i], max);
    if (d < bestd) { bestd = d; best = e->names[i]; }
  }
  if (!best) best = suggest(s, n->str, 1, 0, NULL);
  char dym[300] = "";
  if (best) snprintf(dym, sizeof dym, "; did you mean '%s'?", spelled(s, best));
  ERR(s, "E0102", n->loc, "unknown column '%s': neither table '%s' nor the customers have it%s", n->str,
      s->ev->name, dym);
  return 1;
}

static seg_vtype check_name(sema *s, seg_node *n) {
  if (s->ev && s->ev->table >= 0) {
    seg_vtype vt;
    if (check_ev_name(s, n, &vt)) return vt;
  }
  seg_stmt *t = find_stmt(s, n->str);
  int col = find_column(s, n->str);
  if (t && t != s->cur && t->kind != S_TABLE) {
    n->ref = t;
    t->used = 1;
    if (t->kind == S_LET) {
      if (t->state == 1) {
        ERR(s, "E0105", n->loc, "constant '%s' is defined in terms of itself", n->str);
        return VT_UNKNOWN;
      }
      check_stmt(s, t);
      if (!t->expr) return VT_UNKNOWN;
      if (t->expr->kind == SEG_N_LIST && !s->list_ok) {
        ERR(s, "E0103", n->loc, "'%s' is a list of values; use it after 'in' (`x in %s`) or pick one value", n->str,
            n->str);
        return VT_UNKNOWN;
      }
      n->has_cols = t->expr->has_cols;
      return t->expr->type;
    }
    if (t->kind == S_SPLIT) {
      char arms[300];
      size_t w = 0;
      for (const seg_arm *a = t->arms; a && w < sizeof arms - 80; a = a->next)
        w += (size_t)snprintf(arms + w, sizeof arms - w, "%s%s.%s", w ? ", " : "", n->str, a->name);
      ERR(s, "E0133", n->loc, "'%s' is a split, not a condition; use one of its arms: %s", n->str, arms);
      return VT_UNKNOWN;
    }
    if (t->kind == S_MEASURE) {
      ERR(s, "E0103", n->loc, "'%s' is a measure (one value per segment), not a value of each customer; "
          "a rule cannot use it", n->str);
      return VT_UNKNOWN;
    }
    if (t->kind == S_PRIORITY) {
      ERR(s, "E0123", n->loc, "'%s' is a priority (tiers shown by seg run), not a condition; use its "
          "segments instead", n->str);
      return VT_UNKNOWN;
    }
    if (s->cur && s->cur->kind == S_LET) {
      ERR(s, "E0109", n->loc, "a constant cannot use segment '%s'", n->str);
      return VT_UNKNOWN;
    }
    if (s->cur && s->cur->kind == S_REQUIRE) {
      ERR(s, "E0105", n->loc, "'require' cannot use segment '%s': the guard is part of every segment, "
          "so the segment would depend on itself; write the condition itself", n->str);
      return VT_UNKNOWN;
    }
    if (s->cur && s->cur->kind == S_MEASURE && !s->in_agg) {
      ERR(s, "E0103", n->loc, "a measure is computed over each segment's customers: use segment '%s' in an "
          "aggregate's filter, e.g. `count(where %s)`", n->str, n->str);
      return VT_UNKNOWN;
    }
    n->has_cols = 1;
    n->textcol = -2;
    return VT_BOOL;
  }
  if (t == s->cur && col < 0) {
    ERR(s, "E0105", n->loc, "%s '%s' refers to itself", t->kind == S_LET ? "constant" : "segment", n->str);
    return VT_UNKNOWN;
  }
  if (col >= 0) {
    if (s->cur && s->cur->kind == S_MEASURE && !s->in_agg) {
      seg_vtype ct = vt_of(s->schema->types[col]);
      const char *f1 = ct == VT_TEXT ? "count_distinct" : ct == VT_BOOL ? "rate" : ct == VT_DATE ? "min" : "sum";
      const char *f2 = ct == VT_TEXT || ct == VT_BOOL ? "count" : ct == VT_DATE ? "max" : "avg";
      ERR(s, "E0103", n->loc, "a measure is one value per segment: put column '%s' inside an aggregate, "
          "e.g. `%s(%s)` or `%s(%s)`", n->str, f1, n->str, f2, n->str);
      return VT_UNKNOWN;
    }
    n->col = col;
    n->has_cols = 1;
    seg_vtype vt = vt_of(s->schema->types[col]);
    n->textcol = vt == VT_TEXT ? col : -2;
    return vt;
  }
  const char *dot = strchr(n->str, '.');
  seg_stmt *tb = t && t->kind == S_TABLE ? t : dot ? find_table(s, n->str, (size_t)(dot - n->str)) : NULL;
  if (tb) {
    if (dot)
      ERR(s, "E0155", n->loc, "'%s' is a column of the event table '%s', many rows per customer: aggregate it, "
          "e.g. `sum(%s) > 100` or `any(%s where %s = ...)`", n->str, tb->name, n->str, tb->name, dot + 1);
    else
      ERR(s, "E0155", n->loc, "'%s' is an event table, many rows per customer: aggregate it, e.g. "
          "`count(%s) > 2` or `any(%s where ...)`", n->str, tb->name, tb->name);
    return VT_UNKNOWN;
  }
  if (dot && dot != n->str && dot[1]) {  /* `q4.test`: an arm of a split */
    const char *best = NULL;
    int max = (int)strlen(n->str) / 3, bestd;
    if (max < 1) max = 1;
    bestd = max + 1;
    for (seg_stmt *a = s->ast->first; a; a = a->next) {
      if (!a->split || !*a->name) continue;
      int d = seg_edit_distance(n->str, a->name, max);
      if (d < bestd) { bestd = d; best = a->name; }
    }
    seg_stmt *sp = NULL;
    for (seg_stmt *a = s->ast->first; a && !sp; a = a->next)
      if (a->kind == S_SPLIT && strlen(a->name) == (size_t)(dot - n->str) && strncmp(a->name, n->str, (size_t)(dot - n->str)) == 0)
        sp = a;
    char dym[200] = "";
    if (best) snprintf(dym, sizeof dym, "; did you mean '%s'?", best);
    if (sp)
      ERR(s, "E0134", n->loc, "split '%s' has no arm '%s'%s", sp->name, dot + 1, dym);
    else
      ERR(s, "E0134", n->loc, "unknown split '%.*s' in '%s'%s", (int)(dot - n->str), n->str, n->str, dym);
    return VT_UNKNOWN;
  }
  int same1 = -1, same2 = -1;           /* `AGE` with both `Age` and `age`: ambiguous, not a typo */
  for (size_t i = 0; i < s->schema->ncols && same2 < 0; i++)
    if (strcasecmp(s->schema->names[i], n->str) == 0) {
      if (same1 < 0) same1 = (int)i;
      else same2 = (int)i;
    }
  const char *dym = same2 >= 0 ? NULL : suggest(s, n->str, 1, 1, NULL);
  if (same2 >= 0)
    ERR(s, "E0102", n->loc, "ambiguous column '%s': the data has both %s and %s; write the exact spelling",
        n->str, spelled(s, s->schema->names[same1]), spelled(s, s->schema->names[same2]));
  else if (s->text_side && n->kind == SEG_N_NAME && is_plain_name(n->str))
    ERR(s, "E0102", n->loc, "unknown column or segment '%s'; if you mean the text, write it in quotes: \"%s\"",
        n->str, n->str);
  else if (dym)
    ERR(s, "E0102", n->loc, "unknown column or segment '%s'; did you mean '%s'?", n->str, spelled(s, dym));
  else
    ERR(s, "E0102", n->loc, "unknown column or segment '%s'", n->str);
  return VT_UNKNOWN;
}

static const struct fninfo {
  const char *name;
  seg_func fn;
  int nargs;          /* -2: two or more                                */
} FUNCS[] = {
  {"days_since", F_DAYS_SINCE, 1}, {"year", F_YEAR, 1}, {"month", F_MONTH, 1},
  {"lower", F_LOWER, 1}, {"upper", F_UPPER, 1}, {"length", F_LENGTH, 1},
  {"abs", F_ABS, 1}, {"coalesce", F_COALESCE, -2}, {NULL, F_NONE, 0}
};
static const char *const FUNC_NAMES[] = {"days_since", "year", "month", "lower", "upper",
                                         "length", "abs", "coalesce", "quintile", "decile",
                                         "percentile", "rfm", NULL};

static seg_vtype check_call(sema *s, seg_node *n) {
  if (n->fn == F_BUCKET) {                 /* a split's arm (the parser's): the key is checked with the split */
    int nargs = 0;
    for (seg_node *a = n->list; a; a = a->next) { check(s, a); merge(n, a); nargs++; }
    seg_node *k = n->list ? n->list->next : NULL;
    if (nargs != 2 || !k || (k->type != VT_INT && k->type != VT_DATE && k->type != VT_TEXT)) return VT_UNKNOWN;
    return VT_INT;
  }
  const struct fninfo *f = FUNCS;
  while (f->name && strcasecmp(f->name, n->str) != 0) f++;
  int nargs = 0;
  for (seg_node *a = n->list; a; a = a->next) { check(s, a); merge(n, a); nargs++; }
  if (!f->name) {
    const char *dym = suggest(s, n->str, 0, 0, FUNC_NAMES);
    if (dym) ERR(s, "E0104", n->loc, "unknown function '%s'; did you mean '%s'?", n->str, dym);
    else ERR(s, "E0104", n->loc, "unknown function '%s' (functions: days_since, year, month, lower, upper, length, abs, coalesce, "
        "quintile, decile, percentile, rfm)", n->str);
    return VT_UNKNOWN;
  }
  n->fn = f->fn;
  if ((f->nargs == -2 && nargs < 2) || (f->nargs >= 0 && nargs != f->nargs)) {
    ERR(s, "E0107", n->loc, "%s() takes %s argument%s, found %d", f->name,
        f->nargs == -2 ? "two or more" : "one", f->nargs == 1 ? "" : "s", nargs);
    return VT_UNKNOWN;
  }
  seg_node *a = n->list;
  if (a->type == VT_UNKNOWN) return VT_UNKNOWN;
  switch (f->fn) {
  case F_DAYS_SINCE: case F_YEAR: case F_MONTH:
    if (a->type != VT_DATE) {
      ERR(s, "E0103", a->loc, "%s() needs a date, found %s", f->name, describe(s, a));
      return VT_UNKNOWN;
    }
    return VT_INT;
  case F_LOWER: case F_UPPER: case F_LENGTH:
    if (a->type != VT_TEXT) {
      ERR(s, "E0103", a->loc, "%s() needs text, found %s", f->name, describe(s, a));
      return VT_UNKNOWN;
    }
    return f->fn == F_LENGTH ? VT_INT : VT_TEXT;
  case F_ABS:
    if (!numeric(a->type)) {
      ERR(s, "E0103", a->loc, "abs() needs a number, found %s", describe(s, a));
      return VT_UNKNOWN;
    }
    return a->type;
  default: {
    seg_vtype t = a->type;
    for (seg_node *b = a->next; b; b = b->next) {
      if (b->type == VT_UNKNOWN) return VT_UNKNOWN;
      if (!comparable(t, b->type)) {
        ERR(s, "E0103", b->loc, "coalesce() arguments must have one type: %s and %s",
            describe(s, a), describe(s, b));
        return VT_UNKNOWN;
      }
      if (b->type == VT_NUM) t = VT_NUM;
    }
    return t;
  }
  }
}

/* Reports `a op b` operands that cannot be compared. */
static int check_comparable(sema *s, seg_node *at, seg_node *a, seg_node *b) {
  if (a->type == VT_UNKNOWN || b->type == VT_UNKNOWN) return 0;
  if (comparable(a->type, b->type)) return 1;
  ERR(s, "E0103", at->loc, "cannot compare %s with %s", describe(s, a), describe(s, b));
  return 0;
}

static seg_vtype check_bool_operand(sema *s, seg_node *a, const char *word) {
  if (a->type == VT_UNKNOWN || a->type == VT_BOOL) return VT_BOOL;
  ERR(s, "E0103", a->loc, "'%s' needs a condition here, found %s", word, describe(s, a));
  return VT_UNKNOWN;
}

/* `x in nordics`: n's one item names a `let`; a list let's items take its
** place (copies, so the let's own list is left as it is); a one-value let
** stays as the one item. Anything else is an error. */
static int splice_list(sema *s, seg_node *n) {
  seg_node *item = n->list;
  seg_stmt *t = item ? find_stmt(s, item->str) : NULL;
  if (!t || t->kind != S_LET || t == s->cur) {
    if (t && t->kind == S_SEGMENT)
      ERR(s, "E0103", item->loc, "'in' needs a list of values, and '%s' is a segment; write `%s` to test membership",
          item->str, item->str);
    else if (find_column(s, item->str) >= 0)
      ERR(s, "E0103", item->loc, "'in' needs a list of values, such as (\"SE\", \"NO\") or the name of a `let` "
          "list, and '%s' is a column; compare it with '='", item->str);
    else
      ERR(s, "E0102", item->loc, "unknown list '%s': define it first, e.g. `let %s = (\"SE\", \"NO\")`, or write "
          "the values in parentheses", item->str, item->str);
    return 0;
  }
  s->list_ok = 1;
  check(s, item);                 /* resolves the let, reports a cycle */
  s->list_ok = 0;
  if (item->type == VT_UNKNOWN || !t->expr || t->expr->kind != SEG_N_LIST) return item->type != VT_UNKNOWN;
  seg_node *head = NULL, **tail = &head;
  for (const seg_node *k = t->expr->list; k; k = k->next) {
    seg_node *c = seg_arena_alloc(s->arena, sizeof *c);
    if (!c) { s->diags->oom = 1; return 0; }
    *c = *k;
    c->next = NULL;
    *tail = c;
    tail = &c->next;
  }
  n->list = head;
  return 1;
}

/* `d in this month` (n->period 1) or `in last month` (2), per n->unit:
** the two date bounds of that calendar period around today. Weeks start
** on Monday (ISO 8601). */
static void period_bounds(sema *s, seg_node *n) {
  int64_t y; unsigned m, d;
  seg_date_civil_from_days(s->today, &y, &m, &d);
  int32_t lo, hi;
  if (n->unit == U_YEAR) {
    if (n->period == 2) y--;
    lo = seg_date_days_from_civil(y, 1, 1);
    hi = seg_date_days_from_civil(y, 12, 31);
  } else if (n->unit == U_MONTH) {
    if (n->period == 2) { if (m == 1) { m = 12; y--; } else m--; }
    lo = seg_date_days_from_civil(y, m, 1);
    hi = seg_date_days_from_civil(y, m, seg_date_days_in_month(y, m));
  } else {                                     /* 1970-01-01 was a Thursday */
    int64_t wd = (((int64_t)s->today + 3) % 7 + 7) % 7;     /* 0 Monday .. 6 Sunday */
    lo = (int32_t)(s->today - wd - (n->period == 2 ? 7 : 0));
    hi = lo + 6;
  }
  seg_node *b = seg_node_new(s->arena, SEG_N_DATE, n->loc), *c = seg_node_new(s->arena, SEG_N_DATE, n->loc);
  if (!b || !c) { s->diags->oom = 1; return; }
  b->ival = lo;
  c->ival = hi;
  b->depth = c->depth = 1;
  n->b = b;
  n->c = c;
}

/* An aggregate of a measure: `sum(total_spend where country = "SE")`.
** The call becomes SEG_N_AGG: a = the column, b = the filter, fval = the
** fraction of percentile(). Its type is the measure's value type. */
static seg_vtype check_agg(sema *s, seg_node *n, seg_aggfn f) {
  const char *fname = seg_aggfn_name(f);
  if (!s->cur || s->cur->kind != S_MEASURE || s->in_agg) {
    ERR(s, "E0104", n->loc, s->in_agg ? "%s() inside another aggregate: aggregates do not nest"
        : "%s() is an aggregate, one value per segment: it belongs in a measure "
          "(`measure revenue = sum(total_spend)`), not in a condition on each customer", fname);
    return VT_UNKNOWN;
  }
  int nargs = 0;
  for (seg_node *a = n->list; a; a = a->next) nargs++;
  int want = f == SEG_AG_PERCENTILE ? 2 : 1;
  if (nargs != want && !(f == SEG_AG_COUNT && nargs == 0)) {
    ERR(s, "E0107", n->loc, "%s() takes %s, found %d argument%s", fname,
        f == SEG_AG_PERCENTILE ? "a column and a fraction: `percentile(total_spend, 0.9)`"
        : f == SEG_AG_COUNT ? "nothing (the customers) or one column (its present values)" : "one column",
        nargs, nargs == 1 ? "" : "s");
    return VT_UNKNOWN;
  }
  seg_node *arg = n->list, *frac = arg ? arg->next : NULL;
  n->kind = SEG_N_AGG;
  n->op = (int)f;
  n->list = NULL;
  n->a = arg;
  if (arg) arg->next = NULL;
  int ok = 1;
  s->in_agg = 1;
  if (arg) check(s, arg);
  if (n->b) {
    check(s, n->b);
    if (n->b->type != VT_UNKNOWN && n->b->type != VT_BOOL) {
      ERR(s, "E0111", n->b->loc, "'where' needs a condition, found %s", describe(s, n->b));
      ok = 0;
    }
    if (n->b->type == VT_UNKNOWN) ok = 0;
  }
  s->in_agg = 0;
  n->has_cols = 1;              /* never folded; its value comes from the data */
  n->textcol = -1;
  if (frac) {
    double p = frac->kind == SEG_N_NUM ? frac->fval : frac->kind == SEG_N_INT ? (double)frac->ival : -1;
    if (!(p >= 0 && p <= 1)) {
      ERR(s, "E0103", frac->loc, "percentile() needs a fraction from 0 to 1 written as a number, "
          "e.g. 0.9 for the 90th percentile");
      ok = 0;
    }
    n->fval = p;
  }
  if (f == SEG_AG_MEDIAN) n->fval = 0.5;
  if (!arg) return ok ? VT_INT : VT_UNKNOWN;
  if (arg->type == VT_UNKNOWN) return VT_UNKNOWN;
  if (arg->kind != SEG_N_NAME || arg->col < 0) {
    ERR(s, "E0110", arg->loc, "an aggregate reads one column: write %s(column)%s", fname,
        arg->kind == SEG_N_NAME && arg->ref && arg->ref->kind == S_SEGMENT
          ? "; to count a segment's customers write `count(where NAME)`" : "");
    return VT_UNKNOWN;
  }
  seg_vtype t = arg->type;
  const char *need = NULL;
  switch (f) {
  case SEG_AG_SUM: case SEG_AG_AVG: case SEG_AG_MEDIAN: case SEG_AG_PERCENTILE:
    if (t != VT_INT && t != VT_NUM) need = "numbers";
    break;
  case SEG_AG_MIN: case SEG_AG_MAX:
    if (t != VT_INT && t != VT_NUM && t != VT_DATE) need = "numbers or dates";
    break;
  case SEG_AG_RATE:
    if (t != VT_BOOL) need = "a true/false column (the share of true among present values)";
    break;
  default: break;
  }
  if (need) {
    ERR(s, "E0103", arg->loc, "%s() needs %s, found %s", fname, need, describe(s, arg));
    return VT_UNKNOWN;
  }
  if (!ok) return VT_UNKNOWN;
  switch (f) {
  case SEG_AG_COUNT: case SEG_AG_COUNT_DISTINCT: return VT_INT;
  case SEG_AG_SUM: case SEG_AG_MIN: case SEG_AG_MAX: return t;
  default: return VT_NUM;
  }
}

/* A measure's expression: aggregates, numbers, number constants and
** + - * / between them (a date from min()/max() only alone). */
static int check_measure_shape(sema *s, const seg_node *n, int alone) {
  switch (n->kind) {
  case SEG_N_AGG:
    if (!alone && n->type == VT_DATE) {
      ERR(s, "E0103", n->loc, "%s() of a date is a date; a measure can show it but not compute with it",
          seg_aggfn_name((seg_aggfn)n->op));
      return 0;
    }
    return 1;
  case SEG_N_INT: case SEG_N_NUM: return 1;
  case SEG_N_NAME:
    if (n->ref && n->ref->kind == S_LET && (n->type == VT_INT || n->type == VT_NUM)) return 1;
    break;
  case SEG_N_NEG: return check_measure_shape(s, n->a, 0);
  case SEG_N_BIN:
    if (n->op < 256) return check_measure_shape(s, n->a, 0) && check_measure_shape(s, n->b, 0);
    break;
  default: break;
  }
  ERR(s, "E0103", n->loc, "a measure is arithmetic (+ - * /) over aggregates and numbers, such as "
      "`sum(total_spend) * 0.12`; found %s", describe(s, n));
  return 0;
}

/* A measure's trailing `where c`: ANDed into the filter of each of its
** aggregates. */
static void spread_where(sema *s, seg_node *n, seg_node *w) {
  if (!n) return;
  if (n->kind == SEG_N_AGG) {
    if (!n->b) { n->b = w; return; }
    seg_node *both = seg_node_new(s->arena, SEG_N_AND, n->b->loc);
    if (!both) { s->diags->oom = 1; return; }
    both->a = n->b;
    both->b = w;
    both->type = VT_BOOL;
    merge(both, n->b);
    merge(both, w);
    set_depth(s, both);
    n->b = both;
    return;
  }
  spread_where(s, n->a, w);
  spread_where(s, n->b, w);
}

/* ---- rankings ----------------------------------------------------------
** `quintile(x)`, `decile(x)`, `percentile(x)` (ntiles, with `x within S`
** as the argument to rank inside segment S), `x in top p%` / `bottom p%`
** [within S] (SEG_N_RANK from the parser), and `rfm(r, f, m)`, which is
** rewritten here as quintile(r) * 100 + quintile(f) * 10 + quintile(m),
** compared with a three-digit code in quotes. */

static int has_rank(const seg_node *n, int *budget);
static int rank_k(const char *name) {
  if (strcasecmp(name, "quintile") == 0) return 5;
  if (strcasecmp(name, "decile") == 0) return 10;
  if (strcasecmp(name, "percentile") == 0) return 100;
  if (strcasecmp(name, "rfm") == 0) return -1;
  return 0;
}

static seg_vtype check_rank(sema *s, seg_node *n) {
  if (s->cur && s->cur->kind == S_MEASURE) {
    ERR(s, "E0140", n->loc, "a ranking is a value per customer; use it in a segment, and measure the segment");
    return VT_UNKNOWN;
  }
  check(s, n->a);
  merge(n, n->a);
  seg_vtype t = n->a->type;
  if (n->b) {
    check(s, n->b);
    merge(n, n->b);
    if (n->b->type != VT_UNKNOWN && n->b->type != VT_BOOL) {
      ERR(s, "E0103", n->b->loc, "'within' ranks inside a segment; %s is not one", describe(s, n->b));
      return VT_UNKNOWN;
    }
    if (n->b->type == VT_UNKNOWN) return VT_UNKNOWN;
    int budget = 100000;
    if (has_rank(n->b, &budget)) {
      ERR(s, "E0110", n->b->loc, "ranking within '%s', which itself uses a ranking, is not supported; "
          "rank within a segment defined without rankings", n->b->str ? n->b->str : "");
      return VT_UNKNOWN;
    }
  }
  if (t == VT_UNKNOWN) return VT_UNKNOWN;
  n->has_cols = 1;          /* a ranking is never a constant, nor a text map */
  n->textcol = -2;
  if (t != VT_INT && t != VT_NUM && t != VT_DATE) {
    ERR(s, "E0103", n->a->loc, "a ranking orders numbers or dates, found %s", describe(s, n->a));
    return VT_UNKNOWN;
  }
  if (n->negated == 2) n->negated = t != VT_DATE;   /* rfm's recency: recent is 5 */
  if (n->op == SEG_RK_NTILE) return VT_INT;
  /* the share: more than 0, at most 100, at most 4 decimals, exactly */
  const seg_node *c = n->c;
  double v = c->kind == SEG_N_INT ? (double)c->ival : c->fval;
  double units = v * 10000;
  if (!(v > 0 && v <= 100)) {
    ERR(s, "E0140", c->loc, "a share must be more than 0%% and at most 100%%");
    return VT_UNKNOWN;
  }
  long long u = llround(units);
  if (fabs(units - (double)u) > 1e-6) {
    ERR(s, "E0140", c->loc, "a share has at most 4 decimals (0.0001%%)");
    return VT_UNKNOWN;
  }
  n->ival = u;
  return VT_BOOL;
}

/* A ranking's argument: the value ranked (*value) and, for `x within
** nordic`, the population (*pop, else NULL). */
static void rank_arg(seg_node *arg, seg_node **value, seg_node **pop) {
  int within = arg->kind == SEG_N_WITHIN && arg->b && arg->b->kind == SEG_N_NAME;
  *value = within ? arg->a : arg;
  *pop = within ? arg->b : NULL;
}

static seg_node *rank_node(sema *s, seg_node *arg, int k, seg_loc loc) {
  seg_node *r = seg_node_new(s->arena, SEG_N_RANK, loc);
  if (!r) { s->diags->oom = 1; return NULL; }
  r->op = SEG_RK_NTILE;
  r->ival = k;
  rank_arg(arg, &r->a, &r->b);
  return r;
}

static seg_node *bin_node(sema *s, int op, seg_node *a, seg_node *b, seg_loc loc) {
  seg_node *x = seg_node_new(s->arena, SEG_N_BIN, loc);
  if (!x) { s->diags->oom = 1; return NULL; }
  x->op = op;
  x->a = a;
  x->b = b;
  return x;
}

static seg_node *int_node(sema *s, int64_t v, seg_loc loc) {
  seg_node *x = seg_node_new(s->arena, SEG_N_INT, loc);
  if (!x) { s->diags->oom = 1; return NULL; }
  x->ival = v;
  return x;
}

/* A call of quintile/decile/percentile/rfm (k from rank_k), rewritten in
** place; returns its type. */
static seg_vtype check_rank_call(sema *s, seg_node *n, int k) {
  int nargs = 0;
  for (seg_node *a = n->list; a; a = a->next) nargs++;
  int want = k < 0 ? 3 : 1;
  if (nargs != want) {
    ERR(s, "E0107", n->loc, "%s() takes %s, found %d", n->str,
        k < 0 ? "three arguments (recency, frequency, monetary)" : "one argument", nargs);
    return VT_UNKNOWN;
  }
  if (k > 0) {
    seg_node *value, *pop;
    rank_arg(n->list, &value, &pop);
    *n = (seg_node){.kind = SEG_N_RANK, .loc = n->loc, .op = SEG_RK_NTILE, .ival = k, .a = value, .b = pop,
                    .depth = n->depth, .textcol = -1};
    return check_rank(s, n);
  }
  seg_node *args[3], *q[3];
  int i = 0;
  for (seg_node *a = n->list; a; a = a->next) args[i++] = a;
  for (i = 0; i < 3; i++) {
    args[i]->next = NULL;
    if (!(q[i] = rank_node(s, args[i], 5, args[i]->loc))) return VT_UNKNOWN;
  }
  q[0]->negated = 2;        /* recency: a date ranks as it is, a number of days reversed */
  seg_node *rf = bin_node(s, '+', bin_node(s, '*', q[0], int_node(s, 100, n->loc), n->loc),
                          bin_node(s, '*', q[1], int_node(s, 10, n->loc), n->loc), n->loc);
  if (!rf || !rf->a || !rf->b || !rf->a->b || !rf->b->b) return VT_UNKNOWN;
  *n = (seg_node){.kind = SEG_N_BIN, .loc = n->loc, .op = '+', .a = rf, .b = q[2], .depth = n->depth,
                  .textcol = -1, .rfm = 1};
  return check_inner(s, n);
}

/* `rfm(...) = "555"`: the code in quotes as the number it is. */
static void rfm_code(sema *s, seg_node *str) {
  if (str->kind != SEG_N_STR) return;
  if (str->len == 3 && str->str[0] >= '1' && str->str[0] <= '5' && str->str[1] >= '1' && str->str[1] <= '5' &&
      str->str[2] >= '1' && str->str[2] <= '5') {
    int64_t v = (str->str[0] - '0') * 100 + (str->str[1] - '0') * 10 + (str->str[2] - '0');
    str->kind = SEG_N_INT;
    str->ival = v;
    return;
  }
  ERR(s, "E0140", str->loc, "an RFM code is three digits from 1 to 5, such as \"555\" or \"515\"; found \"%.*s\"",
      (int)(str->len > 20 ? 20 : str->len), str->str);
  str->kind = SEG_N_INT;           /* reported: no second error for the comparison */
  str->ival = 0;
}

/* 1 when n (through the segments it names) holds a ranking; *budget
** bounds the walk (a cycle is reported elsewhere). */
static int has_rank(const seg_node *n, int *budget) {
  if (!n || --*budget < 0) return 0;
  if (n->kind == SEG_N_RANK || (n->kind == SEG_N_CALL && n->str && rank_k(n->str))) return 1;
  if (n->kind == SEG_N_NAME && n->ref && n->ref->kind == S_SEGMENT) return has_rank(n->ref->expr, budget);
  if (has_rank(n->a, budget) || has_rank(n->b, budget) || has_rank(n->c, budget)) return 1;
  for (const seg_node *k = n->list; k; k = k->next)
    if (has_rank(k, budget)) return 1;
  return 0;
}

static seg_vtype check_inner(sema *s, seg_node *n) {
  switch (n->kind) {
  case SEG_N_INT: return VT_INT;
  case SEG_N_NUM: return VT_NUM;
  case SEG_N_BOOL: return VT_BOOL;
  case SEG_N_AGG: return n->type;       /* checked once, as its call */
  case SEG_N_DATE: case SEG_N_TODAY: return VT_DATE;
  case SEG_N_STR: {
    size_t len = 0;
    char *f = seg_casefold(n->str, n->len, &len);
    if (f) {
      n->folded = seg_arena_strndup(s->arena, f, len);
      n->folded_len = len;
      free(f);
    }
    return VT_TEXT;
  }
  case SEG_N_DURATION:
    check(s, n->a);
    merge(n, n->a);
    if (n->a->type == VT_UNKNOWN) return VT_UNKNOWN;
    if (n->a->type != VT_INT) {
      ERR(s, "E0103", n->a->loc, "a duration needs a whole number, found %s", describe(s, n->a));
      return VT_UNKNOWN;
    }
    if (!require_constant(s, n->a, "the amount of a duration")) return VT_UNKNOWN;
    return VT_DURATION;
  case SEG_N_NAME: return check_name(s, n);
  case SEG_N_RANK: return check_rank(s, n);
  case SEG_N_CALL: {
    if (n->list && n->list->kind == SEG_N_NAME && n->list->str) {   /* `count(orders ...)`, `sum(orders.amount)` */
      const char *dot = strchr(n->list->str, '.');
      seg_stmt *tb = find_table(s, n->list->str, dot ? (size_t)(dot - n->list->str) : strlen(n->list->str));
      if (tb) return check_evagg(s, n, tb, dot);
    }
    int rk = rank_k(n->str);
    if (rk && !n->b && !(rk == 100 && s->cur && s->cur->kind == S_MEASURE)) return check_rank_call(s, n, rk);
    int ag = 0;
    while (seg_aggfn_name((seg_aggfn)ag) && strcasecmp(seg_aggfn_name((seg_aggfn)ag), n->str) != 0) ag++;
    if (seg_aggfn_name((seg_aggfn)ag)) return check_agg(s, n, (seg_aggfn)ag);
    if (n->b) {
      ERR(s, "E0001", n->b->loc, "'where' filters an aggregate such as `count(where ...)` or "
          "`sum(total_spend where ...)`; %s() is not one", n->str);
      return VT_UNKNOWN;
    }
    return check_call(s, n);
  }
  case SEG_N_NEG:
    check(s, n->a);
    merge(n, n->a);
    if (n->a->type == VT_UNKNOWN) return VT_UNKNOWN;
    if (!numeric(n->a->type)) {
      ERR(s, "E0103", n->loc, "cannot negate %s", describe(s, n->a));
      return VT_UNKNOWN;
    }
    return n->a->type;
  case SEG_N_BIN: {
    if (n->op >= 256 && n->b && n->b->kind == SEG_N_STR && n->a->kind == SEG_N_CALL && rank_k(n->a->str) == -1)
      rfm_code(s, n->b);
    if (n->op >= 256 && n->a && n->a->kind == SEG_N_STR && n->b->kind == SEG_N_CALL && rank_k(n->b->str) == -1)
      rfm_code(s, n->a);
    check(s, n->a);
    s->text_side = n->op >= 256 && n->a->type == VT_TEXT;   /* `tier = gold`: quotes forgotten? */
    check(s, n->b);
    s->text_side = 0;
    merge(n, n->a);
    merge(n, n->b);
    seg_vtype a = n->a->type, b = n->b->type;
    if (a == VT_UNKNOWN || b == VT_UNKNOWN) return n->op >= 256 ? VT_BOOL : VT_UNKNOWN;
    if (n->op >= 256) return check_comparable(s, n, n->a, n->b) ? VT_BOOL : VT_UNKNOWN;
    if (numeric(a) && numeric(b)) return (n->op == '/' || a == VT_NUM || b == VT_NUM) ? VT_NUM : VT_INT;
    if (a == VT_DATE && b == VT_DURATION && (n->op == '+' || n->op == '-')) {
      if (n->a->has_cols && (n->b->unit == U_MONTH || n->b->unit == U_YEAR)) {
        ERR(s, "E0110", n->loc, "adding months or years to a date column is not supported yet; compare with `today - N months` instead");
        return VT_UNKNOWN;
      }
      return VT_DATE;
    }
    if (a == VT_DATE && b == VT_DATE && n->op == '-') return VT_INT;
    if (a == VT_DATE && numeric(b))
      ERR(s, "E0103", n->b->loc, "add a duration to a date, such as `%s days`", "30");
    else
      ERR(s, "E0103", n->loc, "cannot use '%c' on %s and %s", n->op, describe(s, n->a), describe(s, n->b));
    return VT_UNKNOWN;
  }
  case SEG_N_AND: case SEG_N_OR:
    check(s, n->a);
    check(s, n->b);
    merge(n, n->a);
    merge(n, n->b);
    {
      const char *w = n->kind == SEG_N_AND ? "and" : "or";
      seg_vtype x = check_bool_operand(s, n->a, w), y = check_bool_operand(s, n->b, w);
      return x == VT_BOOL && y == VT_BOOL ? VT_BOOL : VT_UNKNOWN;
    }
  case SEG_N_NOT:
    check(s, n->a);
    merge(n, n->a);
    return check_bool_operand(s, n->a, "not");
  case SEG_N_LIST: {                  /* the value of a list `let`: values of one type */
    seg_node *first = NULL;
    int ok = 1;
    for (seg_node *k = n->list; k; k = k->next) {
      check(s, k);
      merge(n, k);
      if (k->type == VT_UNKNOWN) { ok = 0; continue; }
      if (!first) first = k;
      else if (!comparable(first->type, k->type)) {
        ERR(s, "E0103", k->loc, "the values of a list must have one type: %s and %s", describe(s, first),
            describe(s, k));
        ok = 0;
      }
    }
    return ok && first ? first->type : VT_UNKNOWN;
  }
  case SEG_N_RANGE: {
    if (n->period && !n->b && !n->c) period_bounds(s, n);
    check(s, n->a);
    merge(n, n->a);
    if (n->period && n->a->type != VT_UNKNOWN && n->a->type != VT_DATE) {
      ERR(s, "E0103", n->a->loc, "'in %s %s' needs a date, found %s", n->period == 1 ? "this" : "last",
          n->unit == U_YEAR ? "year" : n->unit == U_MONTH ? "month" : "week", describe(s, n->a));
      return VT_UNKNOWN;
    }
    int ok = 1;
    seg_node *bounds[2] = {n->b, n->c};
    for (int i = 0; i < 2; i++) {
      if (!bounds[i]) continue;
      check(s, bounds[i]);
      merge(n, bounds[i]);
      ok &= check_comparable(s, bounds[i], n->a, bounds[i]);
    }
    return ok ? VT_BOOL : VT_UNKNOWN;
  }
  case SEG_N_IN: {
    check(s, n->a);
    merge(n, n->a);
    if (n->bare && !splice_list(s, n)) return VT_UNKNOWN;
    if (n->a->rfm)
      for (seg_node *k = n->list; k; k = k->next) rfm_code(s, k);
    int ok = 1;
    for (seg_node *k = n->list; k; k = k->next) {
      s->text_side = n->a->type == VT_TEXT;
      check(s, k);
      s->text_side = 0;
      merge(n, k);
      ok &= check_comparable(s, k, n->a, k);
    }
    return ok ? VT_BOOL : VT_UNKNOWN;
  }
  case SEG_N_MISSING:
    check(s, n->a);
    merge(n, n->a);
    return VT_BOOL;
  case SEG_N_IS:                     /* `vip is true`: a condition, never unknown */
    check(s, n->a);
    merge(n, n->a);
    if (n->a->type != VT_UNKNOWN && n->a->type != VT_BOOL) {
      ERR(s, "E0103", n->a->loc, "'is %s' tests a condition or a bool column, found %s", n->op ? "true" : "false",
          describe(s, n->a));
      return VT_UNKNOWN;
    }
    return VT_BOOL;
  case SEG_N_TEXTOP: {
    check(s, n->a);
    check(s, n->b);
    merge(n, n->a);
    merge(n, n->b);
    static const char *const words[] = {"contains", "starts with", "ends with", "matches"};
    const char *w = words[n->op - SEG_OPR_CONTAINS];
    int ok = 1;
    seg_node *side[2] = {n->a, n->b};
    for (int i = 0; i < 2; i++)
      if (side[i]->type != VT_UNKNOWN && side[i]->type != VT_TEXT) {
        ERR(s, "E0103", side[i]->loc, "'%s' works on text, found %s", w, describe(s, side[i]));
        ok = 0;
      }
    if (!ok || n->a->type == VT_UNKNOWN || n->b->type == VT_UNKNOWN) return VT_UNKNOWN;
    if (n->op == SEG_OPR_MATCHES) {
      if (!require_constant(s, n->b, "the pattern of 'matches'")) return VT_UNKNOWN;
      seg_eval_env env = {.today = s->today, .textcol = -1};
      seg_val p = seg_eval(n->b, &env);
      char err[300];
      void *re = NULL;              /* checked here; the program compiles its own */
      int rc = env.error ? -2 : p.missing ? -1 : seg_regex_compile(p.s, p.n, &re, err, sizeof err);
      seg_regex_free(re);
      if (p.missing && rc == -1) snprintf(err, sizeof err, "the pattern of 'matches' is missing");
      seg_val_release(&p);
      if (rc == -2) {               /* out of memory: seg_compile fails */
        s->diags->oom = 1;
        return VT_UNKNOWN;
      }
      if (rc != 0) {
        ERR(s, "E0106", n->b->loc, "%s", err);
        return VT_UNKNOWN;
      }
    }
    return VT_BOOL;
  }
  case SEG_N_WITHIN: case SEG_N_AGO: {
    check(s, n->a);
    check(s, n->b);
    merge(n, n->a);
    merge(n, n->b);
    const char *w = n->kind == SEG_N_WITHIN ? "within" : n->op == SEG_OPR_GT ? "more than ... ago" : "less than ... ago";
    int ok = 1;
    if (n->a->type != VT_UNKNOWN && n->a->type != VT_DATE) {
      ERR(s, "E0103", n->a->loc, "'%s' needs a date, found %s", w, describe(s, n->a));
      ok = 0;
    }
    if (n->b->type != VT_UNKNOWN && n->b->type != VT_DURATION) {
      ERR(s, "E0103", n->b->loc, "'%s' needs a duration such as `90 days`, found %s", w, describe(s, n->b));
      ok = 0;
    }
    return ok && n->a->type != VT_UNKNOWN && n->b->type != VT_UNKNOWN ? VT_BOOL : VT_UNKNOWN;
  }
  }
  return VT_UNKNOWN;
}

/* Reports an expression deeper than SEG_MAX_NESTING through `let`
** constants (the parser already bounds each expression as written). */
static void too_deep(sema *s, seg_node *n) {
  if (s->deep_reported) return;
  s->deep_reported = 1;
  ERR(s, "E0110", n->loc, "expression nested deeper than %d levels through constants; "
      "define the constants more directly", SEG_MAX_NESTING);
}

/* n->depth: the height of n with every constant it names expanded, as
** the evaluator walks it. */
static void set_depth(sema *s, seg_node *n) {
  int d = 0;
  const seg_node *kids[3] = {n->a, n->b, n->c};
  for (int i = 0; i < 3; i++) if (kids[i] && kids[i]->depth > d) d = kids[i]->depth;
  for (const seg_node *k = n->list; k; k = k->next) if (k->depth > d) d = k->depth;
  if (n->kind == SEG_N_NAME && n->ref && n->ref->kind == S_LET && n->ref->expr && n->ref->expr->depth > d)
    d = n->ref->expr->depth;
  n->depth = d + 1;
  if (n->depth > SEG_MAX_NESTING && d <= SEG_MAX_NESTING) {
    too_deep(s, n);
    n->type = VT_UNKNOWN;
  }
}

static seg_vtype check(sema *s, seg_node *n) {
  if (!n) return VT_UNKNOWN;
  if (s->nest >= SEG_MAX_NESTING) {     /* a chain of constants: stop before the stack runs out */
    too_deep(s, n);
    n->depth = SEG_MAX_NESTING + 1;
    return n->type = VT_UNKNOWN;
  }
  s->nest++;
  n->type = check_inner(s, n);
  s->nest--;
  set_depth(s, n);
  if (n->type == VT_UNKNOWN) return n->type;
  /* a sub-expression that yields text from a column must end inside one
  ** that reads only that column (mapped per distinct value) */
  if (n->textcol == -2 && n->type != VT_UNKNOWN) {   /* one error per mistake */
    seg_node *kids[3] = {n->a, n->b, n->c};
    for (int i = 0; i < 3; i++) {
      seg_node *k = kids[i];
      if (k && k->type == VT_TEXT && k->has_cols && n->kind != SEG_N_MISSING) {
        ERR(s, "E0110", n->loc, "comparing text from two columns is not supported yet");
        n->type = VT_UNKNOWN;
        break;
      }
    }
    for (seg_node *k = n->list; k; k = k->next)
      if (k->type == VT_TEXT && k->has_cols && n->type != VT_UNKNOWN) {
        ERR(s, "E0110", n->loc, "comparing text from two columns is not supported yet");
        n->type = VT_UNKNOWN;
        break;
      }
  }
  return n->type;
}

/* The segment closest to name (did you mean), or NULL. */
static const char *suggest_segment(sema *s, const char *name) {
  int max = (int)strlen(name) / 3, bestd;
  if (max < 1) max = 1;
  bestd = max + 1;
  const char *best = NULL;
  for (seg_stmt *t = s->ast->first; t; t = t->next) {
    if (t->kind != S_SEGMENT || !t->name || !*t->name) continue;
    int d = seg_edit_distance(name, t->name, max);
    if (d < bestd) { bestd = d; best = t->name; }
  }
  return best;
}

/* priority: NAME '=' tier, tier, ... [, else NAME]: each tier a segment of
** the file (E0120), listed once (E0121); the else tier a new name (E0122). */
static void check_priority(sema *s, seg_stmt *t) {
  int nseg = s->ast->nsegments;
  seg_node **seen = calloc((size_t)nseg + 1, sizeof *seen);  /* per segment: where it was listed */
  if (!seen) { s->diags->oom = 1; return; }
  for (seg_node *n = t->expr; n; n = n->next) {
    seg_stmt *u = find_stmt(s, n->str);
    n->type = VT_BOOL;
    if (!u || u->kind != S_SEGMENT) {
      if (u) u->used = 1;                 /* named: the error says what it is, not that it is unused */
      const char *what = !u ? NULL : u->kind == S_LET ? "a constant" : u->kind == S_MEASURE ? "a measure"
                       : "a priority";
      const char *dym = suggest_segment(s, n->str);
      if (what)
        ERR(s, "E0120", n->loc, "'%s' is %s, not a segment; a priority lists segments", n->str, what);
      else if (find_column(s, n->str) >= 0)
        ERR(s, "E0120", n->loc, "'%s' is a column, not a segment; define a segment for the tier "
            "(`segment %s_tier = ...`) and list it", n->str, n->str);
      else if (dym)
        ERR(s, "E0120", n->loc, "unknown segment '%s' in priority '%s'; did you mean '%s'?", n->str, t->name,
            spelled(s, dym));
      else
        ERR(s, "E0120", n->loc, "unknown segment '%s' in priority '%s'", n->str, t->name);
      n->type = VT_UNKNOWN;
      continue;
    }
    n->ref = u;
    u->used = 1;
    if (u->index >= 0 && u->index < nseg) {
      if (seen[u->index])
        ERR(s, "E0121", n->loc, "segment '%s' is listed twice in priority '%s' (first at column %d of line %d); "
            "its second place could never win", n->str, t->name, seen[u->index]->loc.first_column,
            seen[u->index]->loc.first_line);
      else
        seen[u->index] = n;
    }
  }
  free(seen);
  seg_node *e = t->where;
  if (e && e->str) {
    seg_stmt *u = find_stmt(s, e->str);
    const char *what = !u ? NULL : u->kind == S_SEGMENT ? "segment" : u->kind == S_LET ? "constant"
                     : u->kind == S_MEASURE ? "measure" : "priority";
    if (what)
      ERR(s, "E0122", e->loc, "the else tier needs a new name: '%s' is already the %s on line %d", e->str, what,
          u->name_loc.first_line);
  }
}

static void check_stmt(sema *s, seg_stmt *t) {
  if (t->kind == S_PRIORITY) {
    if (t->state == 0) { t->state = 2; check_priority(s, t); }
    return;
  }
  if (t->state != 0 || !t->expr) return;
  seg_stmt *saved = s->cur;
  s->cur = t;
  t->state = 1;
  check(s, t->expr);
  if (t->kind == S_MEASURE && t->where) {
    s->in_agg = 1;
    check(s, t->where);
    s->in_agg = 0;
    if (t->where->type != VT_UNKNOWN && t->where->type != VT_BOOL)
      ERR(s, "E0111", t->where->loc, "'where' needs a condition, found %s", describe(s, t->where));
    else if (t->where->type == VT_BOOL)
      spread_where(s, t->expr, t->where);
  }
  if (t->kind == S_MEASURE && t->expr->type != VT_UNKNOWN) check_measure_shape(s, t->expr, 1);
  t->state = 2;
  if (t->kind == S_LET && t->expr->has_cols && t->expr->type != VT_UNKNOWN)
    ERR(s, "E0109", t->expr->loc, "a constant must not depend on columns or segments; use a segment instead");
  if ((t->kind == S_SEGMENT || t->kind == S_REQUIRE) && t->expr->type != VT_UNKNOWN && t->expr->type != VT_BOOL)
    ERR(s, "E0111", t->expr->loc, "a %s needs a condition, found %s; compare it, e.g. `%s > 0`",
        t->kind == S_SEGMENT ? "segment" : "'require' guard", describe(s, t->expr),
        t->expr->type == VT_TEXT ? "length(x)" : "x");
  s->cur = saved;
}

/* ---- segment graph ---------------------------------------------------- */

static void collect_refs(seg_node *n, seg_stmt **out, int *k, int cap) {
  if (!n) return;
  if (n->kind == SEG_N_NAME && n->ref && n->ref->kind == S_SEGMENT && *k < cap) out[(*k)++] = n->ref;
  collect_refs(n->a, out, k, cap);
  collect_refs(n->b, out, k, cap);
  collect_refs(n->c, out, k, cap);
  for (seg_node *c = n->list; c; c = c->next) collect_refs(c, out, k, cap);
}

static int count_refs(seg_node *n) {
  if (!n) return 0;
  int k = n->kind == SEG_N_NAME && n->ref && n->ref->kind == S_SEGMENT;
  k += count_refs(n->a) + count_refs(n->b) + count_refs(n->c);
  for (seg_node *c = n->list; c; c = c->next) k += count_refs(c);
  return k;
}

/* The segments t refers to, malloc'd (*n of them); NULL when none, or
** when out of memory (then s->diags->oom). */
static seg_stmt **refs_of(sema *s, seg_stmt *t, int *n) {
  int cap = count_refs(t->expr), k = 0;
  seg_stmt **refs = cap ? malloc((size_t)cap * sizeof *refs) : NULL;
  if (cap && !refs) s->diags->oom = 1;
  if (refs) collect_refs(t->expr, refs, &k, cap);
  *n = k;
  return refs;
}

/* Depth-first over references, with an explicit stack (a chain of 10,000
** segments each using the one before must not overflow the C stack);
** state 3 = on the stack, 4 = ordered. */
typedef struct vframe { seg_stmt *t; seg_stmt **refs; int n, i; } vframe;

static void visit(sema *s, seg_stmt *root, vframe *fr) {
  if (root->state == 4) return;
  int top = 0;
  root->state = 3;
  s->stack[s->depth++] = root;
  fr[0] = (vframe){root, NULL, 0, 0};
  fr[0].refs = refs_of(s, root, &fr[0].n);
  while (top >= 0) {
    vframe *f = &fr[top];
    if (f->i < f->n) {
      seg_stmt *t = f->refs[f->i++];
      if (t->state == 4) continue;
      if (t->state == 3) {
        int from = s->depth - 1;
        while (from >= 0 && s->stack[from] != t) from--;
        char buf[1024];
        size_t w = 0;
        for (int i = from < 0 ? 0 : from; i < s->depth && w < sizeof buf - 80; i++)
          w += (size_t)snprintf(buf + w, sizeof buf - w, "%s -> ", s->stack[i]->name);
        snprintf(buf + w, sizeof buf - w, "%s", t->name);
        ERR(s, "E0105", t->name_loc, "segments refer to each other in a cycle: %s", buf);
        continue;
      }
      t->state = 3;
      s->stack[s->depth++] = t;
      top++;
      fr[top] = (vframe){t, NULL, 0, 0};
      fr[top].refs = refs_of(s, t, &fr[top].n);
      continue;
    }
    free(f->refs);
    s->depth--;
    f->t->state = 4;
    s->order[s->norder++] = f->t;
    top--;
  }
}

/* ---- columns with no value at all ------------------------------------
** A column that is empty in every row of the data (a quiet day's export:
** nobody bought, so `last_purchase` is blank throughout; or a header-only
** file) carries no type of its own: CSV inference makes it text. Before
** the checks, each such column takes the type its first use needs
** (`last_purchase more than 30 days ago`: a date), so the rules compile
** and every test of it is simply unknown, as it would be for a typed
** column of missing values. The runtime gives the data the same type
** (seg_table_fit_empty). */

typedef struct infer {
  sema *s;
  seg_type *types;        /* the view's types, copied, updated in place  */
  uint8_t *open;          /* 1: an empty column whose type is not decided */
  int changed;
  seg_stmt *cur;          /* the segment walked: its own name is a column there */
} infer;

static seg_type type_of_vt(seg_vtype t) {
  switch (t) {
  case VT_BOOL: return SEG_BOOL;
  case VT_INT: return SEG_INT;
  case VT_NUM: return SEG_NUM;
  case VT_DATE: return SEG_DATE;
  default: return SEG_TEXT;
  }
}

static seg_vtype guess(infer *in, const seg_node *n, int depth);

static seg_vtype first_guess(infer *in, const seg_node *list, int depth) {
  for (const seg_node *k = list; k; k = k->next) {
    seg_vtype t = guess(in, k, depth);
    if (t != VT_UNKNOWN) return t;
  }
  return VT_UNKNOWN;
}

/* The type n will have, as far as is known without the open columns. */
static seg_vtype guess(infer *in, const seg_node *n, int depth) {
  if (!n || depth > 64) return VT_UNKNOWN;
  switch (n->kind) {
  case SEG_N_INT: return VT_INT;
  case SEG_N_NUM: return VT_NUM;
  case SEG_N_STR: return VT_TEXT;
  case SEG_N_BOOL: return VT_BOOL;
  case SEG_N_DATE: case SEG_N_TODAY: return VT_DATE;
  case SEG_N_DURATION: return VT_DURATION;
  case SEG_N_NEG: return guess(in, n->a, depth + 1);
  case SEG_N_LIST: return first_guess(in, n->list, depth + 1);
  case SEG_N_NAME: {
    seg_stmt *t = find_stmt(in->s, n->str);
    if (t && t != in->cur) return t->kind == S_SEGMENT ? VT_BOOL : guess(in, t->expr, depth + 1);
    int col = find_column(in->s, n->str);
    if (col < 0 || in->open[col]) return VT_UNKNOWN;
    return vt_of(in->types[col]);
  }
  case SEG_N_BIN: {
    if (n->op != '+' && n->op != '-' && n->op != '*' && n->op != '/') return VT_BOOL;
    seg_vtype a = guess(in, n->a, depth + 1), b = guess(in, n->b, depth + 1);
    if (n->op == '/') return VT_NUM;
    if (a == VT_DATE && b == VT_DATE) return VT_INT;
    if (a == VT_DATE || b == VT_DATE || a == VT_DURATION || b == VT_DURATION) return VT_DATE;
    if (a == VT_NUM || b == VT_NUM) return VT_NUM;
    return a == VT_INT || b == VT_INT ? VT_INT : VT_UNKNOWN;
  }
  case SEG_N_CALL:
    if (!n->str) return VT_UNKNOWN;
    if (!strcasecmp(n->str, "lower") || !strcasecmp(n->str, "upper")) return VT_TEXT;
    if (!strcasecmp(n->str, "abs")) return guess(in, n->list, depth + 1);
    if (!strcasecmp(n->str, "coalesce")) return first_guess(in, n->list, depth + 1);
    return VT_INT;       /* days_since, year, month, length */
  default: return VT_BOOL;
  }
}

/* n stands where a value of type `need` is wanted: an open column there
** takes that type; then the same for n's parts. */
static void want(infer *in, seg_node *n, seg_vtype need, int depth) {
  if (!n || depth > SEG_MAX_NESTING + 64) return;
  int d = depth + 1;
  switch (n->kind) {
  case SEG_N_NAME: {
    seg_stmt *t = find_stmt(in->s, n->str);
    if (t && t != in->cur) return;
    int col = find_column(in->s, n->str);
    if (col < 0 || !in->open[col] || need == VT_UNKNOWN || need == VT_DURATION) return;
    in->types[col] = type_of_vt(need);
    in->open[col] = 0;
    in->changed = 1;
    return;
  }
  case SEG_N_AND: case SEG_N_OR: want(in, n->a, VT_BOOL, d); want(in, n->b, VT_BOOL, d); return;
  case SEG_N_NOT: case SEG_N_IS: want(in, n->a, VT_BOOL, d); return;
  case SEG_N_NEG: want(in, n->a, need, d); return;
  case SEG_N_DURATION: want(in, n->a, VT_INT, d); return;
  case SEG_N_TEXTOP: want(in, n->a, VT_TEXT, d); want(in, n->b, VT_TEXT, d); return;
  case SEG_N_WITHIN: case SEG_N_AGO: want(in, n->a, VT_DATE, d); want(in, n->b, VT_DURATION, d); return;
  case SEG_N_BIN: {
    seg_vtype a = guess(in, n->a, d), b = guess(in, n->b, d);
    int arith = n->op == '+' || n->op == '-' || n->op == '*' || n->op == '/';
    if (arith && (a == VT_DURATION || b == VT_DURATION)) {          /* d + 30 days */
      want(in, n->a, a == VT_DURATION ? VT_DURATION : VT_DATE, d);
      want(in, n->b, b == VT_DURATION ? VT_DURATION : VT_DATE, d);
      return;
    }
    if (arith && need == VT_DATE && n->op == '-') { want(in, n->a, VT_DATE, d); want(in, n->b, VT_DATE, d); return; }
    if (arith && n->op != '+' && n->op != '-') { if (a != VT_NUM) a = VT_INT; if (b != VT_NUM) b = VT_INT; }
    want(in, n->a, b != VT_UNKNOWN ? b : arith ? need : VT_UNKNOWN, d);
    want(in, n->b, a != VT_UNKNOWN ? a : arith ? need : VT_UNKNOWN, d);
    return;
  }
  case SEG_N_RANGE: {
    seg_vtype a = guess(in, n->a, d);
    seg_vtype bound = n->period ? VT_DATE : guess(in, n->b, d);
    if (bound == VT_UNKNOWN) bound = guess(in, n->c, d);
    want(in, n->a, bound, d);
    want(in, n->b, a, d);
    want(in, n->c, a, d);
    return;
  }
  case SEG_N_IN: {
    seg_node *items = n->list;
    if (n->bare && items) {
      seg_stmt *t = find_stmt(in->s, items->str);
      if (!t || t->kind != S_LET) return;
      items = t->expr && t->expr->kind == SEG_N_LIST ? t->expr->list : t->expr;   /* one value: a chain of one */
    }
    seg_vtype a = guess(in, n->a, d);
    want(in, n->a, first_guess(in, items, d), d);
    for (seg_node *k = items; k && !n->bare; k = k->next) want(in, k, a, d);
    return;
  }
  case SEG_N_CALL: {
    const char *f = n->str ? n->str : "";
    seg_vtype arg = !strcasecmp(f, "days_since") || !strcasecmp(f, "year") || !strcasecmp(f, "month") ? VT_DATE
                  : !strcasecmp(f, "lower") || !strcasecmp(f, "upper") || !strcasecmp(f, "length") ? VT_TEXT
                  : !strcasecmp(f, "abs") ? (need == VT_NUM ? VT_NUM : VT_INT)
                  : first_guess(in, n->list, d) != VT_UNKNOWN ? first_guess(in, n->list, d) : need;
    for (seg_node *k = n->list; k; k = k->next) want(in, k, arg, d);
    return;
  }
  default: return;
  }
}

/* Gives the empty columns of the data the types their uses need (a copy of
** the view's types, in the arena); those not used keep theirs. */
static void type_empty_columns(sema *s, seg_schema_view *view) {
  const uint8_t *m = view->may_be_missing;
  size_t n = view->ncols, nopen = 0;
  if (!m) return;
  for (size_t i = 0; i < n; i++) nopen += m[i] == SEG_COL_EMPTY;
  if (!nopen) return;
  infer in = {s, seg_arena_alloc(s->arena, n * sizeof *in.types + 1), seg_arena_alloc(s->arena, n + 1), 0, NULL};
  if (!in.types || !in.open) { s->diags->oom = 1; return; }
  memcpy(in.types, view->types, n * sizeof *in.types);
  for (size_t i = 0; i < n; i++) in.open[i] = m[i] == SEG_COL_EMPTY;
  /* twice: a use decided in a later rule can settle an earlier `a = b` */
  for (int pass = 0; pass < 2; pass++)
    for (seg_stmt *t = s->ast->first; t; t = t->next)
      if (t->kind == S_SEGMENT) { in.cur = t; want(&in, t->expr, VT_BOOL, 0); }
  view->types = in.types;
  s->empty = m;
}

/* An aggregate of an event table: `count(orders where ...)`,
** `sum(orders.amount)`. The call becomes a read of column col, one of the
** columns after the data's own that the runtime fills from the events
** (runtime/events.c); the same aggregate written twice is one column. */
static seg_vtype check_evagg(sema *s, seg_node *n, seg_stmt *tb, const char *dot) {
  int f = 0;
  while (seg_evfn_name((seg_evfn)f) && strcasecmp(seg_evfn_name((seg_evfn)f), n->str) != 0) f++;
  if (!seg_evfn_name((seg_evfn)f)) {
    ERR(s, "E0155", n->loc, "%s() does not aggregate events: over table '%s' use count, any, all, sum, avg, "
        "min, max, first, last or count_distinct", n->str, tb->name);
    return VT_UNKNOWN;
  }
  const char *fname = seg_evfn_name((seg_evfn)f);
  if (s->ev) {
    ERR(s, "E0104", n->loc, "%s() of events inside the filter of another aggregate of events: they do not nest",
        fname);
    return VT_UNKNOWN;
  }
  int nargs = 0;
  for (seg_node *a = n->list; a; a = a->next) nargs++;
  int needcol = f == SEG_EV_SUM || f == SEG_EV_AVG || f == SEG_EV_MIN || f == SEG_EV_MAX || f == SEG_EV_FIRST ||
                f == SEG_EV_LAST || f == SEG_EV_COUNT_DISTINCT;
  if (nargs != 1) {
    ERR(s, "E0107", n->loc, "%s() takes one %s, found %d arguments", fname,
        needcol ? "column of an event table: `sum(orders.amount where ...)`" : "event table: `count(orders where ...)`",
        nargs);
    return VT_UNKNOWN;
  }
  if (needcol && !dot) {
    ERR(s, "E0107", n->list->loc, "%s() reads a column of the events: write `%s(%s.COLUMN)`", fname, fname, tb->name);
    return VT_UNKNOWN;
  }
  if ((f == SEG_EV_ANY || f == SEG_EV_ALL) && dot) {
    ERR(s, "E0107", n->list->loc, "%s() tests events, not a column: write `%s(%s where CONDITION)`", fname, fname,
        tb->name);
    return VT_UNKNOWN;
  }
  if (f == SEG_EV_ALL && !n->b) {
    ERR(s, "E0107", n->loc, "all() needs a condition to hold for every event: `all(%s where CONDITION)`", tb->name);
    return VT_UNKNOWN;
  }
  if (tb->table < 0) {                          /* the table statement's error says why */
    s->poisoned = 1;
    return VT_UNKNOWN;
  }
  const seg_schema_view *e = &s->schema->tables[tb->table];
  int evcol = -1;
  seg_vtype at = VT_UNKNOWN;
  if (dot) {
    evcol = seg_schema_view_find(e, dot + 1);
    if (evcol < 0) {
      int max = (int)strlen(dot + 1) / 3, bestd;
      if (max < 1) max = 1;
      bestd = max + 1;
      const char *best = NULL;
      for (size_t i = 0; i < e->ncols; i++) {
        int d = seg_edit_distance(dot + 1, e->names[i], max);
        if (d < bestd) { bestd = d; best = e->names[i]; }
      }
      if (best) ERR(s, "E0102", n->list->loc, "table '%s' has no column '%s'; did you mean '%s.%s'?", tb->name,
                    dot + 1, tb->name, spelled(s, best));
      else ERR(s, "E0102", n->list->loc, "table '%s' has no column '%s'", tb->name, dot + 1);
      return VT_UNKNOWN;
    }
    at = vt_of(e->types[evcol]);
    const char *need = NULL;
    if ((f == SEG_EV_SUM || f == SEG_EV_AVG) && !numeric(at)) need = "numbers";
    if ((f == SEG_EV_MIN || f == SEG_EV_MAX) && !numeric(at) && at != VT_DATE) need = "numbers or dates";
    if (need) {
      ERR(s, "E0103", n->list->loc, "%s() needs %s, found %s column '%s.%s'", fname, need, seg_vtype_name(at),
          tb->name, e->names[evcol]);
      return VT_UNKNOWN;
    }
  }
  if ((f == SEG_EV_FIRST || f == SEG_EV_LAST) && tb->evtime < 0) {
    if (tb->evtime == -1)
      ERR(s, "E0152", n->loc, "%s() takes the %s event in time, but table '%s' has no date column; "
          "there is no order to its events", fname, f == SEG_EV_FIRST ? "earliest" : "latest", tb->name);
    else
      ERR(s, "E0152", n->loc, "%s() takes the %s event in time, but table '%s' has several date columns; "
          "say which orders its events: `table %s by %s%s%s time COLUMN`", fname, f == SEG_EV_FIRST ? "earliest"
          : "latest", tb->name, tb->name, tb->key->str, tb->custkey ? " = " : "", tb->custkey ? tb->custkey->str : "");
    return VT_UNKNOWN;
  }
  if (n->b) {
    s->ev = tb;
    check(s, n->b);
    s->ev = NULL;
    if (n->b->type == VT_UNKNOWN) return VT_UNKNOWN;
    if (n->b->type != VT_BOOL) {
      ERR(s, "E0111", n->b->loc, "'where' needs a condition, found %s", describe(s, n->b));
      return VT_UNKNOWN;
    }
  }
  seg_vtype rt = f == SEG_EV_COUNT || f == SEG_EV_COUNT_DISTINCT ? VT_INT
               : f == SEG_EV_ANY || f == SEG_EV_ALL ? VT_BOOL : f == SEG_EV_AVG ? VT_NUM : at;
  seg_ast *ast = s->ast;
  int k = 0;
  for (; k < ast->nevaggs; k++) {
    seg_evagg *g = &ast->evaggs[k];
    if (g->table == tb && g->fn == f && g->evcol == evcol && !g->where == !n->b &&
        (!n->b || seg_node_same(g->where, n->b)))
      break;
  }
  if (k == ast->nevaggs) {
    if (ast->nevaggs == ast->capevaggs) {
      int cap = ast->capevaggs ? 2 * ast->capevaggs : 8;
      seg_evagg *g = seg_arena_alloc(s->arena, (size_t)cap * sizeof *g);
      if (!g) { s->diags->oom = 1; return VT_UNKNOWN; }
      if (ast->nevaggs) memcpy(g, ast->evaggs, (size_t)ast->nevaggs * sizeof *g);
      ast->evaggs = g;
      ast->capevaggs = cap;
    }
    ast->evaggs[k] = (seg_evagg){tb, f, evcol, n->b, n, rt, (int)(s->nbase + (size_t)k)};
    ast->nevaggs++;
  }
  char desc[300];
  snprintf(desc, sizeof desc, "%s(%s%s)", fname, n->list->str, n->b ? " where ..." : "");
  n->kind = SEG_N_NAME;
  n->str = seg_arena_strndup(s->arena, desc, strlen(desc));
  if (!n->str) { s->diags->oom = 1; n->str = ""; }
  n->evagg = k + 1;
  n->evwhere = n->b;
  n->b = NULL;
  n->list = NULL;
  n->col = ast->evaggs[k].col;
  n->has_cols = 1;
  n->textcol = rt == VT_TEXT ? n->col : -2;
  return rt;
}

/* `table orders by customer_id [time order_date]`: the data's table of
** that name, the key in both (one type: int, text or date), the time
** column first()/last() order by (declared, or the only date column). */
static void check_table(sema *s, seg_stmt *t) {
  const seg_schema_view *v = s->schema;
  t->table = -1;
  t->evtime = -1;
  int found = -1;
  for (size_t i = 0; i < v->ntables && found < 0; i++)
    if (strcmp(v->table_names[i], t->name) == 0) found = (int)i;
  for (size_t i = 0; i < v->ntables && found < 0; i++)
    if (strcasecmp(v->table_names[i], t->name) == 0) found = (int)i;
  if (found < 0) {
    const char *best = NULL;
    int max = (int)strlen(t->name) / 3, bestd;
    if (max < 1) max = 1;
    bestd = max + 1;
    for (size_t i = 0; i < v->ntables; i++) {
      int d = seg_edit_distance(t->name, v->table_names[i], max);
      if (d < bestd) { bestd = d; best = v->table_names[i]; }
    }
    char dym[300] = "";
    if (best) snprintf(dym, sizeof dym, " (the data has a table '%s')", best);
    ERR(s, "E0150", t->name_loc, "no data for event table '%s'%s: give it with `--table %s=FILE`, or as a "
        "`table %s` section of the schema file", t->name, dym, t->name, t->name);
    return;
  }
  const seg_schema_view *e = &v->tables[found];
  /* `by KEY`: KEY in both tables; `by KEY = CUSTKEY`: the events' KEY, the customers' CUSTKEY */
  const char *key = t->key->str, *ckey = t->custkey ? t->custkey->str : key;
  int kc = find_column(s, ckey), ke = seg_schema_view_find(e, key);
  char on[300];
  if (t->custkey) snprintf(on, sizeof on, "%s = %s", key, ckey);
  else snprintf(on, sizeof on, "%s", key);
  if (!t->custkey && (kc < 0 || ke < 0)) {
    ERR(s, "E0151", t->key->loc, "cannot join table '%s' on '%s': %s no column '%s'", t->name, key,
        kc < 0 && ke < 0 ? "neither the customers nor the events have" : kc < 0 ? "the customers have" : "the events have",
        key);
    return;
  }
  if (ke < 0 || kc < 0) {             /* one name each: say whose is missing, where it is written */
    ERR(s, "E0151", ke < 0 ? t->key->loc : t->custkey->loc, "cannot join table '%s' on '%s': %s no column '%s'",
        t->name, on, ke < 0 ? "the events have" : "the customers have", ke < 0 ? key : ckey);
    return;
  }
  if (v->types[kc] != e->types[ke]) {
    ERR(s, "E0151", t->key->loc, "cannot join table '%s' on '%s': it is %s in the customers but %s in '%s'; "
        "import both with the same type (--schema)", t->name, on, seg_type_name(v->types[kc]),
        seg_type_name(e->types[ke]), t->name);
    return;
  }
  if (v->types[kc] != SEG_INT && v->types[kc] != SEG_TEXT && v->types[kc] != SEG_DATE) {
    ERR(s, "E0151", t->key->loc, "cannot join table '%s' on '%s': a key is an int, text or date column, not %s",
        t->name, on, seg_type_name(v->types[kc]));
    return;
  }
  t->keycol = kc;
  t->evkey = ke;
  if (t->timecol) {
    int tc = seg_schema_view_find(e, t->timecol->str);
    if (tc < 0 || e->types[tc] != SEG_DATE) {
      ERR(s, "E0152", t->timecol->loc, tc < 0 ? "table '%s' has no column '%s' to order its events by"
          : "table '%s' orders its events by a date column, and '%s' is not one", t->name, t->timecol->str);
      return;
    }
    t->evtime = tc;
  } else {
    for (size_t i = 0; i < e->ncols; i++)
      if (e->types[i] == SEG_DATE) t->evtime = t->evtime == -1 ? (int)i : -2;
  }
  t->table = found;
}

/* The event aggregates' columns after the data's own, in the view the
** later passes (lint, codegen, seg sql) read: named for messages and
** `seg explain`, typed by the aggregate, never missing for count, any,
** all, sum and count_distinct. */
static void add_event_columns(sema *s, seg_schema_view *view) {
  seg_ast *ast = s->ast;
  size_t nb = s->nbase, nt = nb + (size_t)ast->nevaggs;
  const char **names = seg_arena_alloc(s->arena, nt * sizeof *names);
  seg_type *types = seg_arena_alloc(s->arena, nt * sizeof *types);
  /* with no data (a schema file) every column of the data may be missing
  ** (1), but an aggregate that always has a value never is */
  uint8_t *mbm = seg_arena_alloc(s->arena, nt);
  if (!names || !types || !mbm) { s->diags->oom = 1; return; }
  memcpy(names, view->names, nb * sizeof *names);
  memcpy(types, view->types, nb * sizeof *types);
  if (view->may_be_missing) memcpy(mbm, view->may_be_missing, nb);
  else memset(mbm, 1, nb);
  for (int k = 0; k < ast->nevaggs; k++) {
    const seg_evagg *g = &ast->evaggs[k];
    char nm[320];
    snprintf(nm, sizeof nm, "%s#%d", g->node->str, k);
    names[nb + (size_t)k] = seg_arena_strndup(s->arena, nm, strlen(nm));
    if (!names[nb + (size_t)k]) { s->diags->oom = 1; return; }
    types[nb + (size_t)k] = type_of_vt(g->type);
    mbm[nb + (size_t)k] = g->fn == SEG_EV_AVG || g->fn == SEG_EV_MIN || g->fn == SEG_EV_MAX ||
                                   g->fn == SEG_EV_FIRST || g->fn == SEG_EV_LAST;
  }
  view->ncols = nt;
  view->names = names;
  view->types = types;
  view->may_be_missing = mbm;
}

/* A split's population (a segment, or everyone) and key (an int, text or
** date column), after its condition `base and key is missing` was checked. */
static void check_split(sema *s, seg_stmt *t) {
  seg_node *b = t->base, *k = t->key;
  if (b && b->type != VT_UNKNOWN && !(b->ref && b->ref->kind == S_SEGMENT))
    ERR(s, "E0132", b->loc, "the population of split '%s' must be a segment or `everyone`, found %s; define a "
        "segment for it first", t->name, describe(s, b));
  if (k->type == VT_UNKNOWN) return;
  if (k->col < 0)
    ERR(s, "E0131", k->loc, "the key of split '%s' must be a column, found %s", t->name, describe(s, k));
  else if (k->type != VT_INT && k->type != VT_TEXT && k->type != VT_DATE)
    ERR(s, "E0131", k->loc, "the key of split '%s' must be an int, text or date column, found %s: its text is "
        "ambiguous (%s), so a warehouse could place a customer in another arm", t->name, describe(s, k),
        k->type == VT_BOOL ? "`true`, `TRUE` or `1`" : "`100.10` or `100.1`");
}

/* A syntax error inside the statement: its tree holds placeholders, so
** lint must not reason about it. */
static int syntax_error_in(const seg_diags *d, seg_loc at) {
  for (size_t i = 0; i < d->n; i++) {
    const seg_diag *g = &d->v[i];
    if (g->sev != SEG_SEV_ERROR || g->loc.first_line < at.first_line || g->loc.first_line > at.last_line) continue;
    if (g->loc.first_line == at.first_line && g->loc.first_column < at.first_column) continue;
    if (g->loc.first_line == at.last_line && g->loc.first_column > at.last_column) continue;
    return 1;
  }
  return 0;
}

int seg_sema(seg_ast *ast, seg_arena *arena, seg_schema_view *schema, int32_t today,
             seg_diags *diags, seg_stmt ***order) {
  sema s = {ast, arena, schema, diags, today, NULL, NULL, 0, NULL, 0, NULL, 0, 0, 0, 0, 0, NULL, 0, NULL, 0, 0};
  int before = diags->nerrors;
  int nseg = 0;
  index_names(&s);
  type_empty_columns(&s, schema);
  s.nbase = schema->ncols;
  int nmeasure = 0, nprio = 0;
  for (seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind == S_REQUIRE) continue;       /* nameless */
    seg_stmt *first = find_stmt(&s, t->name);
    if (first != t && t->split && first->split == t->split) {
      ERR(&s, "E0108", t->name_loc, "split '%s' already has an arm '%s'; arm names are unique", t->split->name,
          strchr(t->name, '.') + 1);
      t->name = "";
    } else if (first != t) {
      ERR(&s, "E0108", t->name_loc, "'%s' is already defined on line %d", t->name, first->name_loc.first_line);
      t->name = "";               /* keep it out of name lookups */
    }
    if (t->kind == S_SEGMENT) t->index = nseg++;
    if (t->kind == S_MEASURE) t->index = nmeasure++;
    if (t->kind == S_PRIORITY) t->index = nprio++;
  }
  ast->npriorities = nprio;
  ast->nsegments = nseg;
  ast->nmeasures = nmeasure;
  int ntab = 0;
  for (seg_stmt *t = ast->first; t; t = t->next) {      /* event tables first: any rule may read them */
    if (t->kind != S_TABLE) continue;
    int errs = diags->nerrors;
    t->tindex = ntab++;
    check_table(&s, t);
    t->broken = diags->nerrors > errs || !*t->name;
  }
  ast->ntables = ntab;
  for (seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind == S_TABLE) continue;
    s.deep_reported = 0;
    int errs = diags->nerrors;
    if (t->split && t->split->broken) {  /* its split's error is reported once, there */
      t->broken = 1;
      continue;
    }
    s.poisoned = 0;
    check_stmt(&s, t);
    if (t->kind == S_SPLIT) check_split(&s, t);
    t->broken = diags->nerrors > errs || (!*t->name && t->kind != S_REQUIRE) || syntax_error_in(diags, t->loc) ||
                s.poisoned;
  }
  free(s.names);
  if (ast->nevaggs) add_event_columns(&s, schema);
  s.order = seg_arena_alloc(arena, (size_t)(nseg + 1) * sizeof *s.order);
  s.stack = malloc((size_t)(nseg + 1) * sizeof *s.stack);
  vframe *frames = malloc((size_t)(nseg + 1) * sizeof *frames);
  if (!s.order || !s.stack || !frames) {
    free(s.stack);
    free(frames);
    diags->oom = 1;               /* seg_compile: out of memory */
    return diags->nerrors - before;
  }
  for (seg_stmt *t = ast->first; t; t = t->next)
    if (t->kind == S_SEGMENT) visit(&s, t, frames);
  free(s.stack);
  free(frames);
  *order = s.order;
  return diags->nerrors - before;
}
