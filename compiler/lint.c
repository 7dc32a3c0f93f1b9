/*
** lint.c -- warnings over a checked AST; see lint.h for the list.
**
** Facts about a condition on one column are kept as intervals (ints,
** numbers and dates as doubles; whole-number columns with inclusive,
** rounded bounds). One-dimensional intervals have an empty common part
** exactly when two of them are disjoint (Helly), so checking pairs finds
** every contradiction among such conditions in an `and` chain.
*/
#include "lint.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "eval.h"

#define NCODES 10           /* W0201 .. W0210 */
#define NIGNORE 32          /* `# seg: ignore` takes W0201 .. W0232: the lints and run's warnings (W0211, W0212) */

typedef struct lint {
  const seg_ast *ast;
  const seg_schema_view *schema;
  int32_t today;
  const char *src;
  size_t len;
  const uint8_t *may_be_missing;
  seg_diags found;          /* before suppression                        */
  const seg_stmt *cur;
  uint8_t *guarded;         /* per column: `is [not] missing` in this rule */
  int *oom;                 /* set when out of memory: the caller's diags->oom */
} lint;

static void warn(lint *l, int code, seg_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void warn(lint *l, int code, seg_loc loc, const char *fmt, ...) {
  static const char *const codes[NCODES] = {"W0201", "W0202", "W0203", "W0204",
                                            "W0205", "W0206", "W0207", "W0208", "W0209", "W0210"};
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  seg_diag_add(&l->found, SEG_SEV_WARNING, codes[code - 201], loc, "%s", buf);
}

/* ---- source text ------------------------------------------------------ */

/* Byte offset of (line, column) in src, columns counting code points;
** with `end`, the offset just past that code point. -1 if out of range. */
static long offset_of(const lint *l, int line, int col, int end) {
  if (!l->src) return -1;
  size_t p = 0;
  for (int k = 1; k < line; k++) {
    const char *nl = memchr(l->src + p, '\n', l->len - p);
    if (!nl) return -1;
    p = (size_t)(nl - l->src) + 1;
  }
  int c = 1;
  while (p < l->len && l->src[p] != '\n') {
    if (c == col) {
      if (!end) return (long)p;
      p++;
      while (p < l->len && ((unsigned char)l->src[p] & 0xC0) == 0x80) p++;
      return (long)p;
    }
    p++;
    while (p < l->len && ((unsigned char)l->src[p] & 0xC0) == 0x80) p++;
    c++;
  }
  return -1;
}

/* The rule text a node spans, whitespace runs (and comments) folded to
** one space, at most outn-1 bytes; "..." when it does not fit. */
static const char *text_of(const lint *l, seg_loc loc, char *out, size_t outn) {
  long a = offset_of(l, loc.first_line, loc.first_column, 0);
  long b = offset_of(l, loc.last_line, loc.last_column, 1);
  size_t k = 0;
  if (a < 0 || b < a) { snprintf(out, outn, "..."); return out; }
  int space = 0, quote = 0;
  for (long i = a; i < b && k + 4 < outn; i++) {
    char ch = l->src[i];
    if (!quote && ch == '#') {                 /* comment: skip to end of line */
      while (i < b && l->src[i] != '\n') i++;
      space = 1;
      continue;
    }
    if (quote && ch == '\\' && i + 1 < b) { out[k++] = ch; out[k++] = l->src[++i]; continue; }
    if (ch == '"' || ch == '\'') quote = quote == 0 ? ch : quote == ch ? 0 : quote;
    if (!quote && isspace((unsigned char)ch)) { space = 1; continue; }
    if (space && k) out[k++] = ' ';
    space = 0;
    out[k++] = ch;
  }
  if (k + 4 >= outn) { k = outn - 4; memcpy(out + k, "...", 3); k += 3; }
  out[k] = 0;
  return out;
}

static seg_loc span(seg_loc a, seg_loc b) {
  return (seg_loc){a.first_line, a.first_column, b.last_line, b.last_column};
}

static int is_plain_name(const char *n) {
  if (!(isalpha((unsigned char)n[0]) || n[0] == '_')) return 0;
  for (const char *p = n; *p; p++)
    if (!(isalnum((unsigned char)*p) || *p == '_')) return 0;
  return 1;
}

static const char *colname(const lint *l, int col, char *out, size_t n) {
  size_t nbase = l->schema->ncols - (size_t)l->ast->nevaggs;
  if ((size_t)col >= nbase && l->ast->evaggs)        /* an event aggregate: as the rules wrote it */
    return text_of(l, l->ast->evaggs[(size_t)col - nbase].node->loc, out, n);
  const char *s = l->schema->names[col];
  if (is_plain_name(s)) snprintf(out, n, "%s", s);
  else snprintf(out, n, "`%s`", s);
  return out;
}

/* ---- constants and intervals -------------------------------------------- */

static int is_col(const seg_node *n) {
  return n && n->kind == SEG_N_NAME && n->col >= 0 && !n->ref;
}

static int is_const(const seg_node *n) {
  return n && !n->has_cols && n->type != VT_UNKNOWN;
}

/* Value of a constant numeric or date expression as a double. */
static int const_num(const lint *l, const seg_node *n, double *out) {
  if (!is_const(n) || !(n->type == VT_INT || n->type == VT_NUM || n->type == VT_DATE)) return 0;
  seg_eval_env env = {.today = l->today, .textcol = -1};
  seg_val v = seg_eval(n, &env);
  int ok = !v.missing && !env.error;
  if (env.error == 1) *l->oom = 1;
  if (ok) *out = v.type == VT_NUM ? v.f : (double)v.i;
  seg_val_release(&v);
  return ok;
}

typedef struct ival {
  int col;
  int has_lo, has_hi, lo_in, hi_in;
  double lo, hi;
  const seg_node *src;
} ival;

static int whole(seg_vtype t) { return t == VT_INT || t == VT_DATE; }

/* Rounds bounds of a whole-number column to inclusive integers. */
static void normalise(ival *v, seg_vtype t) {
  if (!whole(t)) return;
  if (v->has_lo) { v->lo = v->lo_in ? ceil(v->lo) : floor(v->lo) + 1; v->lo_in = 1; }
  if (v->has_hi) { v->hi = v->hi_in ? floor(v->hi) : ceil(v->hi) - 1; v->hi_in = 1; }
}

static int ival_empty(const ival *v) {
  if (!v->has_lo || !v->has_hi) return 0;
  return v->lo > v->hi || (v->lo == v->hi && !(v->lo_in && v->hi_in));
}

static int ivals_disjoint(const ival *a, const ival *b) {
  ival x = *a;
  if (b->has_lo && (!x.has_lo || b->lo > x.lo || (b->lo == x.lo && !b->lo_in))) {
    x.has_lo = 1; x.lo = b->lo; x.lo_in = b->lo_in;
  }
  if (b->has_hi && (!x.has_hi || b->hi < x.hi || (b->hi == x.hi && !b->hi_in))) {
    x.has_hi = 1; x.hi = b->hi; x.hi_in = b->hi_in;
  }
  return ival_empty(&x);
}

static int numeric_col(const seg_node *n) {
  return is_col(n) && (n->type == VT_INT || n->type == VT_NUM || n->type == VT_DATE);
}

static int64_t shift_days(int32_t today, int64_t amount, seg_unit u) {
  switch (u) {
  case U_DAY: return today - amount;
  case U_WEEK: return today - 7 * amount;
  case U_MONTH: return seg_date_add_months(today, -amount);
  default: return seg_date_add_years(today, -amount);
  }
}

/* The interval a condition confines one column to, if it is of a form
** this understands. */
static int constraint_of(const lint *l, const seg_node *n, ival *v) {
  memset(v, 0, sizeof *v);
  v->src = n;
  v->col = -1;
  const seg_node *c = NULL;
  double x, y;
  switch (n->kind) {
  case SEG_N_BIN: {
    if (n->op < SEG_OPR_LT || n->op > SEG_OPR_EQ) return 0;
    int op = n->op;
    if (numeric_col(n->a) && const_num(l, n->b, &x)) c = n->a;
    else if (numeric_col(n->b) && const_num(l, n->a, &x)) {
      c = n->b;
      op = op == SEG_OPR_LT ? SEG_OPR_GT : op == SEG_OPR_GT ? SEG_OPR_LT : op == SEG_OPR_LE ? SEG_OPR_GE : op == SEG_OPR_GE ? SEG_OPR_LE : op;
    } else return 0;
    if (op == SEG_OPR_LT || op == SEG_OPR_LE || op == SEG_OPR_EQ) { v->has_hi = 1; v->hi = x; v->hi_in = op != SEG_OPR_LT; }
    if (op == SEG_OPR_GT || op == SEG_OPR_GE || op == SEG_OPR_EQ) { v->has_lo = 1; v->lo = x; v->lo_in = op != SEG_OPR_GT; }
    break;
  }
  case SEG_N_RANGE:
    if (!numeric_col(n->a)) return 0;
    c = n->a;
    if (n->b) { if (!const_num(l, n->b, &x)) return 0; v->has_lo = 1; v->lo = x; v->lo_in = 1; }
    if (n->c) { if (!const_num(l, n->c, &y)) return 0; v->has_hi = 1; v->hi = y; v->hi_in = 1; }
    break;
  case SEG_N_IN:
    if (n->negated || !numeric_col(n->a) || !n->list) return 0;
    c = n->a;
    for (const seg_node *k = n->list; k; k = k->next) {
      if (!const_num(l, k, &x)) return 0;
      if (!v->has_lo || x < v->lo) v->lo = x;
      if (!v->has_hi || x > v->hi) v->hi = x;
      v->has_lo = v->has_hi = v->lo_in = v->hi_in = 1;
    }
    break;
  case SEG_N_WITHIN: case SEG_N_AGO: {
    if (!is_col(n->a) || n->a->type != VT_DATE || !is_const(n->b)) return 0;
    seg_eval_env env = {.today = l->today, .textcol = -1};
    seg_val d = seg_eval(n->b, &env);
    int ok = !d.missing && d.type == VT_DURATION;
    double edge = ok ? (double)shift_days(l->today, d.i, d.unit) : 0;
    seg_val_release(&d);
    if (!ok) return 0;
    c = n->a;
    if (n->kind == SEG_N_WITHIN) { v->has_lo = v->has_hi = v->lo_in = v->hi_in = 1; v->lo = edge; v->hi = l->today; }
    else if (n->op == SEG_OPR_GT) { v->has_hi = 1; v->hi = edge; }
    else { v->has_lo = 1; v->lo = edge; }
    break;
  }
  default:
    return 0;
  }
  v->col = c->col;
  normalise(v, c->type);
  return 1;
}

/* ---- chains ---------------------------------------------------------------- */

static int count_chain(const seg_node *n, seg_nkind k) {
  return n->kind == k ? count_chain(n->a, k) + count_chain(n->b, k) : 1;
}

static void flatten(const seg_node *n, seg_nkind k, const seg_node **out, int *i) {
  if (n->kind == k) { flatten(n->a, k, out, i); flatten(n->b, k, out, i); }
  else out[(*i)++] = n;
}

/* The first pair of contradicting conditions in an `and` chain. */
/* `col = "literal"` on a stored text column: the column and the literal. */
static const seg_node *text_eq(const seg_node *n, const seg_node **lit) {
  if (n->kind != SEG_N_BIN || n->op != SEG_OPR_EQ) return NULL;
  const seg_node *c = is_col(n->a) ? n->a : is_col(n->b) ? n->b : NULL;
  *lit = c == n->a ? n->b : n->a;
  if (!c || c->type != VT_TEXT || (*lit)->kind != SEG_N_STR || !(*lit)->folded) return NULL;
  return c;
}

/* Two equalities of one text column with literals that differ once folded. */
static int text_eq_differ(const seg_node *x, const seg_node *y) {
  const seg_node *lx, *ly, *cx = text_eq(x, &lx), *cy = text_eq(y, &ly);
  return cx && cy && cx->col == cy->col &&
         (lx->folded_len != ly->folded_len || memcmp(lx->folded, ly->folded, lx->folded_len) != 0);
}

static int chain_contradiction(const lint *l, const seg_node *n, const seg_node **first,
                               const seg_node **second) {
  int m = count_chain(n, SEG_N_AND), k = 0;
  const seg_node **items = malloc((size_t)m * sizeof *items);
  ival *iv = malloc((size_t)m * sizeof *iv);
  int *ok = malloc((size_t)m * sizeof *ok);
  int found = 0;
  if (!items || !iv || !ok) *l->oom = 1;
  else {
    flatten(n, SEG_N_AND, items, &k);
    for (int i = 0; i < m; i++) ok[i] = constraint_of(l, items[i], &iv[i]) && !ival_empty(&iv[i]);
    /* text: `country = "SE" and country = "NO"` (compared as text is: folded) */
    for (int j = 1; j < m && !found; j++)
      for (int i = 0; i < j && !found; i++)
        if (text_eq_differ(items[i], items[j])) {
          *first = items[i];
          *second = items[j];
          found = 1;
        }
    for (int j = 1; j < m && !found; j++) {
      if (!ok[j]) continue;
      for (int i = 0; i < j && !found; i++)
        if (ok[i] && iv[i].col == iv[j].col && ivals_disjoint(&iv[i], &iv[j])) {
          *first = items[i];
          *second = items[j];
          found = 1;
        }
    }
  }
  free(items);
  free(iv);
  free(ok);
  return found;
}

/* ---- never true ---------------------------------------------------------- */

static int int_vs_fraction(const lint *l, const seg_node *subj, const seg_node *k, double *x) {
  return subj->type == VT_INT && subj->has_cols && k->type == VT_NUM && const_num(l, k, x) &&
         *x != floor(*x);
}

/* An event aggregate that is never negative (count, count_distinct) compared
** so that it would have to be: `count(orders) < 0`, `-1 = count(orders)`. */
static int count_below_zero(const lint *l, const seg_node *n) {
  const seg_node *agg = n->a, *k = n->b;
  int op = n->op;
  if (!(agg->evagg) && k->evagg) {                /* the constant first: mirror the operator */
    agg = n->b;
    k = n->a;
    op = op == SEG_OPR_LT ? SEG_OPR_GT : op == SEG_OPR_LE ? SEG_OPR_GE : op == SEG_OPR_GT ? SEG_OPR_LT
       : op == SEG_OPR_GE ? SEG_OPR_LE : op;
  }
  double x;
  if (!agg->evagg || !const_num(l, k, &x)) return 0;
  int f = l->ast->evaggs[agg->evagg - 1].fn;
  if (f != SEG_EV_COUNT && f != SEG_EV_COUNT_DISTINCT) return 0;
  return (op == SEG_OPR_LT && x <= 0) || (op == SEG_OPR_LE && x < 0) || (op == SEG_OPR_EQ && x < 0);
}

/* Whether n can never be true; a short reason in why. */
static int never_true(const lint *l, const seg_node *n, const uint8_t *never_seg, char *why, size_t wn) {
  char t[200];
  if (!n) return 0;
  if (is_const(n) && n->type == VT_BOOL) {
    seg_eval_env env = {.today = l->today, .textcol = -1};
    seg_val v = seg_eval(n, &env);
    int f = !env.error && (v.missing || !v.i);
    if (env.error == 1) *l->oom = 1;
    seg_val_release(&v);
    if (f) snprintf(why, wn, "'%s' can never be true", text_of(l, n->loc, t, sizeof t));
    return f;
  }
  switch (n->kind) {
  case SEG_N_AND: {
    const seg_node *a, *b;
    if (chain_contradiction(l, n, &a, &b)) {
      char ta[200];
      snprintf(why, wn, "'%s' contradicts '%s'", text_of(l, b->loc, t, sizeof t), text_of(l, a->loc, ta, sizeof ta));
      return 1;
    }
    return never_true(l, n->a, never_seg, why, wn) || never_true(l, n->b, never_seg, why, wn);
  }
  case SEG_N_OR:
    return never_true(l, n->a, never_seg, why, wn) && never_true(l, n->b, never_seg, why, wn);
  case SEG_N_NAME:
    if (n->ref && n->ref->kind == S_SEGMENT && never_seg && never_seg[n->ref->index]) {
      snprintf(why, wn, "it needs segment '%s', which can never have members", n->ref->name);
      return 1;
    }
    return 0;
  case SEG_N_RANGE: {
    ival v;
    double lo, hi;
    int empty = constraint_of(l, n, &v) ? ival_empty(&v)
              : n->b && n->c && const_num(l, n->b, &lo) && const_num(l, n->c, &hi) && lo > hi;
    if (empty) snprintf(why, wn, "the range in '%s' is empty", text_of(l, n->loc, t, sizeof t));
    return empty;
  }
  case SEG_N_BIN: {
    double x;
    if (n->op == SEG_OPR_EQ && (int_vs_fraction(l, n->a, n->b, &x) || int_vs_fraction(l, n->b, n->a, &x))) {
      snprintf(why, wn, "'%s' is never true", text_of(l, n->loc, t, sizeof t));
      return 1;
    }
    if (n->op >= SEG_OPR_LT && n->op <= SEG_OPR_EQ && count_below_zero(l, n)) {
      snprintf(why, wn, "'%s' is never true: a count of events is never negative", text_of(l, n->loc, t, sizeof t));
      return 1;
    }
    return 0;
  }
  case SEG_N_IN: {
    if (n->negated) return 0;
    double x;
    for (const seg_node *k = n->list; k; k = k->next)
      if (!int_vs_fraction(l, n->a, k, &x)) return 0;
    snprintf(why, wn, "'%s' is never true", text_of(l, n->loc, t, sizeof t));
    return 1;
  }
  default:
    return 0;
  }
}

/* ---- the walk over one rule ------------------------------------------------ */

static void mark_guards(lint *l, const seg_node *n) {
  if (!n) return;
  if (n->kind == SEG_N_MISSING && is_col(n->a)) l->guarded[n->a->col] = 1;
  mark_guards(l, n->a);
  mark_guards(l, n->b);
  mark_guards(l, n->c);
  for (const seg_node *k = n->list; k; k = k->next) mark_guards(l, k);
}

/* The first column whose missing value makes n unknown (not under `is
** missing`, nor under coalesce()), or -1. */
static int first_nullable_col(const lint *l, const seg_node *n) {
  if (!n || n->kind == SEG_N_MISSING || n->kind == SEG_N_IS) return -1;   /* `is true` is never unknown */
  if (n->kind == SEG_N_CALL && n->fn == F_COALESCE) return -1;
  if (is_col(n)) {
    if (l->may_be_missing && !l->may_be_missing[n->col]) return -1;
    return n->col;
  }
  int c;
  if ((c = first_nullable_col(l, n->a)) >= 0) return c;
  if ((c = first_nullable_col(l, n->b)) >= 0) return c;
  if ((c = first_nullable_col(l, n->c)) >= 0) return c;
  for (const seg_node *k = n->list; k; k = k->next)
    if ((c = first_nullable_col(l, k)) >= 0) return c;
  return -1;
}

/* The first column that can be missing anywhere in n, following segment
** references (depth-limited: sema has already refused cycles). */
static int nullable_through_refs(const lint *l, const seg_node *n, int depth) {
  if (!n || depth > 64) return -1;
  if (n->kind == SEG_N_NAME && n->ref && n->ref->kind == S_SEGMENT && n->ref->expr && !n->ref->broken)
    return nullable_through_refs(l, n->ref->expr, depth + 1);
  if (n->kind == SEG_N_MISSING || (n->kind == SEG_N_CALL && n->fn == F_COALESCE)) return -1;
  if (is_col(n)) return first_nullable_col(l, n);
  int c;
  if ((c = nullable_through_refs(l, n->a, depth)) >= 0) return c;
  if ((c = nullable_through_refs(l, n->b, depth)) >= 0) return c;
  if ((c = nullable_through_refs(l, n->c, depth)) >= 0) return c;
  for (const seg_node *k = n->list; k; k = k->next)
    if ((c = nullable_through_refs(l, k, depth)) >= 0) return c;
  return -1;
}

/* W0207: returns 1 when it warned (the caller then skips the subtree). */
static int check_negation(lint *l, const seg_node *n) {
  const char *word = NULL;
  if (n->kind == SEG_N_NOT && n->a && n->a->kind == SEG_N_NAME && n->a->ref && n->a->ref->kind == S_SEGMENT) {
    /* `not seniors`: where the segment's rule is unknown (no age), `not` keeps it unknown */
    int col = nullable_through_refs(l, n->a, 0);
    if (col < 0 || l->guarded[col]) return 0;
    char cn[200], t[300], sn[300];
    colname(l, col, cn, sizeof cn);
    text_of(l, n->loc, t, sizeof t);
    text_of(l, n->a->loc, sn, sizeof sn);
    warn(l, 207, n->loc,
         "customers with no %s are left out by '%s': the rule of segment '%s' is unknown for them, and so "
         "is its 'not'; write '(%s or %s is missing)', or '%s is not true' for everyone who is not a member",
         cn, t, n->a->ref->name, t, cn, sn);
    return 1;
  }
  if (n->kind == SEG_N_NOT) word = "not";
  else if (n->kind == SEG_N_BIN && n->op == SEG_OPR_NE) word = "!=";
  else if (n->kind == SEG_N_IN && n->negated) word = "not in";
  else if (n->kind == SEG_N_TEXTOP && n->negated) {
    static const char *const w[] = {"not contains", "not starts with", "not ends with", "not matches"};
    word = w[n->op - SEG_OPR_CONTAINS];
  }
  if (!word) return 0;
  int col = first_nullable_col(l, n);
  if (col < 0 || l->guarded[col]) return 0;
  char cn[200], t[300];
  colname(l, col, cn, sizeof cn);
  text_of(l, n->loc, t, sizeof t);
  warn(l, 207, n->loc,
       "customers with no %s are left out by '%s': three-valued logic makes '%s' unknown for them; "
       "write '(%s or %s is missing)' if you mean to keep them", cn, word, t, t, cn);
  return 1;
}

static void check_range(lint *l, const seg_node *n) {
  double lo, hi;
  if (!n->b || !n->c || !const_num(l, n->b, &lo) || !const_num(l, n->c, &hi)) return;
  ival v;
  int empty = constraint_of(l, n, &v) ? ival_empty(&v) : lo > hi;
  if (!empty) return;
  char tb[120], tc[120];
  text_of(l, n->b->loc, tb, sizeof tb);
  text_of(l, n->c->loc, tc, sizeof tc);
  if (lo > hi)
    warn(l, 201, span(n->b->loc, n->c->loc),
         "the range %s..%s is empty: its low end is above its high end; did you mean %s..%s?", tb, tc, tc, tb);
  else
    warn(l, 201, span(n->b->loc, n->c->loc), "the range %s..%s is empty: no whole number lies in it", tb, tc);
}

static void check_and_chain(lint *l, const seg_node *n) {
  const seg_node *a, *b;
  if (!chain_contradiction(l, n, &a, &b)) return;
  char ta[200], tb[200];
  warn(l, 202, b->loc, "'%s' contradicts '%s' on line %d: no value satisfies both, so this is never true",
       text_of(l, b->loc, tb, sizeof tb), text_of(l, a->loc, ta, sizeof ta), a->loc.first_line);
}

/* W0203: x 10.. or x ..20 -- two rays on one column that cover every value. */
static void check_or_chain(lint *l, const seg_node *n) {
  int m = count_chain(n, SEG_N_OR), k = 0;
  const seg_node **items = malloc((size_t)m * sizeof *items);
  ival *iv = malloc((size_t)m * sizeof *iv);
  int *ok = malloc((size_t)m * sizeof *ok);
  if (!items || !iv || !ok) *l->oom = 1;
  else {
    flatten(n, SEG_N_OR, items, &k);
    for (int i = 0; i < m; i++) ok[i] = constraint_of(l, items[i], &iv[i]);
    int done = 0;
    for (int i = 0; i < m && !done; i++)
      for (int j = 0; j < m && !done; j++) {
        if (i == j || !ok[i] || !ok[j] || iv[i].col != iv[j].col) continue;
        const ival *up = &iv[i], *down = &iv[j];   /* [lo, inf) and (-inf, hi] */
        if (!(up->has_lo && !up->has_hi && down->has_hi && !down->has_lo)) continue;
        /* bounds of whole-number columns are already inclusive integers */
        int covers = up->lo < down->hi || (up->lo == down->hi && (up->lo_in || down->hi_in));
        const seg_node *cn = NULL;
        for (const seg_node *x = items[i]; x && !cn; x = x->a)
          if (is_col(x)) cn = x;
          else if (x->kind == SEG_N_BIN && is_col(x->b)) cn = x->b;
        if (!covers && cn && whole(cn->type) && up->lo == down->hi + 1) covers = 1;
        if (!covers) continue;
        char c[200], t[300];
        colname(l, up->col, c, sizeof c);
        const seg_node *a = i < j ? items[i] : items[j], *b = i < j ? items[j] : items[i];
        text_of(l, span(a->loc, b->loc), t, sizeof t);
        warn(l, 203, span(a->loc, b->loc),
             "'%s' is true for every customer whose %s is present (it only leaves out customers with no %s); "
             "write '%s is not missing' if that is what you mean", t, c, c, c);
        done = 1;
      }
  }
  free(items);
  free(iv);
  free(ok);
}

static void check_fraction(lint *l, const seg_node *n) {
  double x;
  char c[200], t[300];
  if (n->kind == SEG_N_BIN && (n->op == SEG_OPR_EQ || n->op == SEG_OPR_NE)) {
    const seg_node *subj = NULL, *k = NULL;
    if (int_vs_fraction(l, n->a, n->b, &x)) { subj = n->a; k = n->b; }
    else if (int_vs_fraction(l, n->b, n->a, &x)) { subj = n->b; k = n->a; }
    if (!subj) return;
    text_of(l, subj->loc, c, sizeof c);
    text_of(l, k->loc, t, sizeof t);
    if (n->op == SEG_OPR_EQ)
      warn(l, 208, n->loc, "'%s' holds whole numbers and is never equal to %s, so this is never true", c, t);
    else
      warn(l, 208, n->loc, "'%s' holds whole numbers and is never equal to %s, so this is true whenever it is present", c, t);
  } else if (n->kind == SEG_N_IN) {
    for (const seg_node *k = n->list; k; k = k->next)
      if (int_vs_fraction(l, n->a, k, &x)) {
        text_of(l, n->a->loc, c, sizeof c);
        text_of(l, k->loc, t, sizeof t);
        warn(l, 208, k->loc, "'%s' holds whole numbers, so %s in this list never matches", c, t);
      }
  }
}

static void walk(lint *l, const seg_node *n, seg_nkind parent) {
  if (!n) return;
  int warned = check_negation(l, n);
  switch (n->kind) {
  case SEG_N_RANGE: check_range(l, n); break;
  case SEG_N_AND: if (parent != SEG_N_AND) check_and_chain(l, n); break;
  case SEG_N_OR: if (parent != SEG_N_OR) check_or_chain(l, n); break;
  case SEG_N_BIN: case SEG_N_IN: check_fraction(l, n); break;
  default: break;
  }
  if (n->kind == SEG_N_NOT && warned) {
    /* the operand's own !=, not in ... would repeat the warning just given */
    size_t before = l->found.n;
    walk(l, n->a, n->kind);
    for (size_t i = before; i < l->found.n; i++)
      if (l->found.v[i].code && strcmp(l->found.v[i].code, "W0207") == 0) l->found.v[i].code = NULL;
    return;
  }
  walk(l, n->a, n->kind);
  walk(l, n->b, n->kind);
  walk(l, n->c, n->kind);
  for (const seg_node *k = n->list; k; k = k->next) walk(l, k, n->kind);
}

/* ---- structural equality ------------------------------------------------- */

static int same(const seg_node *a, const seg_node *b) {
  if (!a || !b) return a == b;
  if (a->kind != b->kind || a->op != b->op || a->negated != b->negated) return 0;
  switch (a->kind) {
  case SEG_N_INT: case SEG_N_BOOL: case SEG_N_DATE: case SEG_N_RANK: if (a->ival != b->ival) return 0; break;
  case SEG_N_NUM: if (a->fval != b->fval) return 0; break;
  case SEG_N_STR:
    if (a->kind == SEG_N_STR && a->folded && b->folded) {
      if (a->folded_len != b->folded_len || memcmp(a->folded, b->folded, a->folded_len) != 0) return 0;
    } else if (a->len != b->len || memcmp(a->str, b->str, a->len) != 0) return 0;
    break;
  case SEG_N_DURATION: if (a->unit != b->unit) return 0; break;
  case SEG_N_NAME:
    if (a->col != b->col || a->ref != b->ref) return 0;
    if (a->col < 0 && !a->ref && strcmp(a->str, b->str) != 0) return 0;
    break;
  case SEG_N_CALL: if (a->fn != b->fn) return 0; break;
  default: break;
  }
  if (!same(a->a, b->a) || !same(a->b, b->b) || !same(a->c, b->c)) return 0;
  const seg_node *x = a->list, *y = b->list;
  for (; x && y; x = x->next, y = y->next)
    if (!same(x, y)) return 0;
  return x == y;
}

/* A hash of n's shape that `same` respects: trees `same` calls equal hash
** equal (strings and numbers only by kind, since `same` compares them
** folded, or as doubles where 0 = -0). */
static uint64_t shape_hash(const seg_node *n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  for (; n; n = n->next) {         /* a list item: its siblings follow */
    uint64_t x = (uint64_t)n->kind * 1000003u ^ (uint64_t)n->op * 8191u ^ (uint64_t)n->negated;
    switch (n->kind) {
    case SEG_N_INT: case SEG_N_BOOL: case SEG_N_DATE: case SEG_N_RANK: x ^= (uint64_t)n->ival * 0xC2B2AE3D27D4EB4FULL; break;
    case SEG_N_DURATION: x ^= (uint64_t)n->unit << 20; break;
    case SEG_N_NAME: x ^= (uint64_t)(n->col + 2) << 24 ^ (uint64_t)(uintptr_t)n->ref; break;
    case SEG_N_CALL: x ^= (uint64_t)(uintptr_t)n->fn; break;
    default: break;
    }
    x ^= shape_hash(n->a) * 31 ^ shape_hash(n->b) * 37 ^ shape_hash(n->c) * 41 ^ shape_hash(n->list) * 43;
    h = (h ^ x) * 0x100000001B3ULL;
    h ^= h >> 29;
  }
  return h;
}

typedef struct shaped { uint64_t h; int order; const seg_stmt *t; } shaped;

static int cmp_shaped(const void *x, const void *y) {
  const shaped *a = x, *b = y;
  if (a->h != b->h) return a->h < b->h ? -1 : 1;
  return (a->order > b->order) - (a->order < b->order);
}

/* ---- priorities ------------------------------------------------------------ */

/* The items of a set test on one column, `x in (a, b)` or `x = a`: the
** column node and the first item (a chain through next; *one for `=`). */
static const seg_node *set_of(const seg_node *n, const seg_node **col, int *one) {
  *one = 0;
  if (n->kind == SEG_N_IN && !n->negated && is_col(n->a) && n->list) { *col = n->a; return n->list; }
  if (n->kind == SEG_N_BIN && n->op == SEG_OPR_EQ) {
    if (is_col(n->a) && is_const(n->b)) { *col = n->a; *one = 1; return n->b; }
    if (is_col(n->b) && is_const(n->a)) { *col = n->b; *one = 1; return n->a; }
  }
  return NULL;
}

/* 1 when in's interval lies within out's. */
static int ival_within(const ival *in, const ival *out) {
  if (out->has_lo && (!in->has_lo || in->lo < out->lo || (in->lo == out->lo && in->lo_in && !out->lo_in))) return 0;
  if (out->has_hi && (!in->has_hi || in->hi > out->hi || (in->hi == out->hi && in->hi_in && !out->hi_in))) return 0;
  return 1;
}

/* A test of one column b that implies test a of the same column: b's set
** within a's (`country in ("SE")` and `country in ("SE", "NO")`), or b's
** interval within a's (`age 30..40` and `age 20..50`). */
static int leaf_implies(const lint *l, const seg_node *b, const seg_node *a) {
  const seg_node *ca, *cb;
  int onea, oneb;
  const seg_node *sa = set_of(a, &ca, &onea), *sb = set_of(b, &cb, &oneb);
  if (sa && a->kind == SEG_N_IN) {          /* a set: b's values each among a's */
    if (!sb || cb->col != ca->col) return 0;
    for (const seg_node *x = sb; x; x = oneb ? NULL : x->next) {
      const seg_node *y = sa;
      while (y && !same(x, y)) y = y->next;
      if (!y) return 0;
    }
    return 1;
  }
  ival va, vb;
  if (!constraint_of(l, a, &va) || !constraint_of(l, b, &vb) || va.col != vb.col || va.col < 0) {
    if (sa && sb && ca->col == cb->col && onea && oneb) return same(sa, sb);   /* text `=` */
    if (sa && sb && ca->col == cb->col && onea && !oneb) {                     /* `x in ("SE")` vs `x = "SE"` */
      for (const seg_node *x = sb; x; x = x->next) if (!same(x, sa)) return 0;
      return 1;
    }
    return 0;
  }
  return ival_within(&vb, &va);
}

/* 1 when every customer for whom b is true is one for whom a is true, as
** far as this can tell (no means "not shown"): through `and`, `or` and
** segment references on either side; *budget bounds the work. */
static int implies(const lint *l, const seg_node *b, const seg_node *a, int depth, long *budget) {
  if (!a || !b || depth > 64 || --*budget < 0) return 0;
  if (same(b, a)) return 1;
  if (a->kind == SEG_N_AND)
    return implies(l, b, a->a, depth + 1, budget) && implies(l, b, a->b, depth + 1, budget);
  if (b->kind == SEG_N_OR)
    return implies(l, b->a, a, depth + 1, budget) && implies(l, b->b, a, depth + 1, budget);
  if (b->kind == SEG_N_AND && (implies(l, b->a, a, depth + 1, budget) || implies(l, b->b, a, depth + 1, budget)))
    return 1;
  if (b->kind == SEG_N_NAME && b->ref && b->ref->kind == S_SEGMENT && b->ref->expr && !b->ref->broken &&
      implies(l, b->ref->expr, a, depth + 1, budget))
    return 1;
  if (a->kind == SEG_N_OR)
    return implies(l, b, a->a, depth + 1, budget) || implies(l, b, a->b, depth + 1, budget);
  if (a->kind == SEG_N_NAME && a->ref && a->ref->kind == S_SEGMENT && a->ref->expr && !a->ref->broken)
    return implies(l, b, a->ref->expr, depth + 1, budget);
  return leaf_implies(l, b, a);
}

/* W0220: a tier whose segment lies inside an earlier tier's never wins. */
static void check_priority(lint *l, const seg_stmt *t) {
  long total = 1L << 22;          /* the whole priority's work: a list of thousands is checked in part */
  for (const seg_node *n = t->expr; n && total > 0; n = n->next) {
    const seg_stmt *seg = n->ref;
    if (!seg || seg->kind != S_SEGMENT || !seg->expr || seg->broken) continue;
    for (const seg_node *e = t->expr; e != n; e = e->next) {
      const seg_stmt *ear = e->ref;
      if (!ear || ear->kind != S_SEGMENT || !ear->expr || ear->broken) continue;
      long budget = 20000;
      int inside = implies(l, seg->expr, ear->expr, 0, &budget);
      total -= 20000 - (budget > 0 ? budget : 0) + 1;
      if (!inside) continue;
      seg_diag_add(&l->found, SEG_SEV_WARNING, "W0220", n->loc,
                   "tier '%s' of priority '%s' can never win: every customer of '%s' is also in '%s', listed "
                   "before it; list '%s' first or drop it", seg->name, t->name, seg->name, ear->name, seg->name);
      break;
    }
  }
}

/* ---- suppression comments ------------------------------------------------- */

typedef struct supp { int line; unsigned mask; int alone; } supp;

/* The `# seg: ignore` comments of src into *out (malloc'd); their number,
** or -1 when out of memory. */
static int parse_suppressions(const char *src, size_t len, supp **out) {
  int n = 0, cap = 0, line = 1;
  *out = NULL;
  size_t p = 0;
  while (p < len) {
    size_t e = p;
    while (e < len && src[e] != '\n') e++;
    int quote = 0, code_seen = 0;
    for (size_t i = p; i < e; i++) {
      char ch = src[i];
      if (quote) {
        if (ch == '\\') i++;
        else if (ch == quote) quote = 0;
        continue;
      }
      if (ch == '"' || ch == '\'') { quote = ch; code_seen = 1; continue; }
      if (ch != '#') { if (!isspace((unsigned char)ch)) code_seen = 1; continue; }
      size_t q = i + 1;
      while (q < e && (src[q] == ' ' || src[q] == '\t')) q++;
      if (e - q < 4 || strncasecmp(src + q, "seg:", 4) != 0) break;
      q += 4;
      while (q < e && (src[q] == ' ' || src[q] == '\t')) q++;
      if (e - q < 6 || strncasecmp(src + q, "ignore", 6) != 0) break;
      q += 6;
      unsigned mask = 0;
      while (q < e) {
        while (q < e && (src[q] == ' ' || src[q] == '\t' || src[q] == ',')) q++;
        if (q + 5 <= e && (src[q] == 'W' || src[q] == 'w') && src[q + 1] == '0' && src[q + 2] == '2' &&
            isdigit((unsigned char)src[q + 3]) && isdigit((unsigned char)src[q + 4])) {
          int c = (src[q + 3] - '0') * 10 + (src[q + 4] - '0');
          if (c >= 1 && c <= NIGNORE) mask |= 1u << (c - 1);
          q += 5;
        } else break;
      }
      if (!mask) mask = ~0u;
      if (n == cap) {
        cap = cap ? cap * 2 : 8;
        supp *nv = realloc(*out, (size_t)cap * sizeof *nv);
        if (!nv) return -1;                /* out of memory */
        *out = nv;
      }
      (*out)[n++] = (supp){line, mask, !code_seen};
      break;
    }
    p = e + 1;
    line++;
  }
  return n;
}

static int suppressed(const supp *s, int n, const seg_diag *d) {
  if (!d->code) return 1;
  int c = atoi(d->code + 1) - 200;
  if (c < 1 || c > NIGNORE) return 0;
  for (int i = 0; i < n; i++) {
    if (!(s[i].mask & (1u << (c - 1)))) continue;
    if (s[i].line == d->loc.first_line) return 1;
    if (s[i].alone && s[i].line + 1 == d->loc.first_line) return 1;
  }
  return 0;
}

void seg_lint_filter(const char *src, size_t len, seg_diags *d) {
  supp *sv = NULL;
  int ns = parse_suppressions(src, len, &sv);
  if (ns < 0) { d->oom = 1; return; }
  size_t k = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (d->v[i].sev == SEG_SEV_WARNING && suppressed(sv, ns, &d->v[i])) {
      free(d->v[i].msg);
      d->nwarnings--;
    } else {
      d->v[k++] = d->v[i];
    }
  }
  d->n = k;
  free(sv);
}

/* ---- entry point ----------------------------------------------------------- */

int seg_lint(const seg_ast *ast, const seg_schema_view *schema, int32_t today,
             const char *src, size_t len, const uint8_t *may_be_missing, seg_diags *diags) {
  lint l = {ast, schema, today, src, len, may_be_missing, {0}, NULL, NULL, &diags->oom};
  int nseg = ast->nsegments;
  l.guarded = calloc(schema->ncols + 1, 1);
  uint8_t *never = calloc((size_t)nseg + 1, 1);
  if (!l.guarded || !never) { free(l.guarded); free(never); diags->oom = 1; return 0; }

  for (const seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind == S_PRIORITY) {
      if (!t->broken) check_priority(&l, t);
      continue;
    }
    if (t->kind == S_LET) {
      if (!t->used && !t->broken && t->name && *t->name)
        warn(&l, 205, t->name_loc, "constant '%s' is never used", t->name);
      continue;
    }
    if (!t->expr || t->broken) continue;      /* its mistake is reported; the rest are still linted */
    l.cur = t;
    memset(l.guarded, 0, schema->ncols + 1);
    mark_guards(&l, t->expr);
    /* W0210: a guard over a column with missing values leaves those customers out of every segment */
    int gc = t->kind == S_REQUIRE ? first_nullable_col(&l, t->expr) : -1;
    if (gc >= 0 && !l.guarded[gc]) {
      char cn[200];
      colname(&l, gc, cn, sizeof cn);
      warn(&l, 210, t->expr->loc,
           "customers with no %s are left out of every segment by this guard (it is unknown for them, not "
           "true); if that is meant, say so: `require %s is not missing and ...`", cn, cn);
    }
    walk(&l, t->expr, SEG_N_NAME);
  }

  /* W0204: segments that can never have members, through references too */
  char why[600];
  for (int changed = 1, rounds = 0; changed && rounds <= nseg; rounds++) {
    changed = 0;
    for (const seg_stmt *t = ast->first; t; t = t->next)
      if (t->kind == S_SEGMENT && t->expr && !t->broken && t->index < nseg && !never[t->index] &&
          never_true(&l, t->expr, never, why, sizeof why))
        never[t->index] = 1, changed = 1;
  }
  for (const seg_stmt *t = ast->first; t; t = t->next)
    if (t->kind == S_SEGMENT && t->expr && !t->broken && t->index < nseg && never[t->index] &&
        never_true(&l, t->expr, never, why, sizeof why))
      warn(&l, 204, t->name_loc, "segment '%s' can never have members: %s", t->name, why);

  /* W0206: identical rules, each named after the first segment with its
  ** rule; only segments whose shapes hash alike are compared */
  shaped *sh = calloc((size_t)nseg + 1, sizeof *sh);
  const seg_stmt **first = calloc((size_t)nseg + 1, sizeof *first);
  if (!sh || !first) {
    diags->oom = 1;
  } else {
    int n = 0;
    for (const seg_stmt *t = ast->first; t; t = t->next)
      if (t->kind == S_SEGMENT && t->expr && !t->broken && t->index < nseg)
        sh[n] = (shaped){shape_hash(t->expr), n, t}, n++;
    qsort(sh, (size_t)n, sizeof *sh, cmp_shaped);
    for (int i = 0; i < n; i++)
      for (int j = i - 1; j >= 0 && sh[j].h == sh[i].h; j--)   /* earlier ones of the group, nearest first */
        if (same(sh[j].t->expr, sh[i].t->expr)) {                /* that one's first is this one's */
          first[sh[i].t->index] = first[sh[j].t->index] ? first[sh[j].t->index] : sh[j].t;
          break;
        }
  }
  for (const seg_stmt *t = ast->first; first && t; t = t->next) {
    if (t->kind != S_SEGMENT || !t->expr || t->index >= nseg || !first[t->index]) continue;
    const seg_stmt *u = first[t->index];
    warn(&l, 206, t->name_loc, "segment '%s' has the same rule as segment '%s' on line %d",
         t->name, u->name, u->name_loc.first_line);
  }
  free(first);
  free(sh);

  supp *sv = NULL;
  int ns = src ? parse_suppressions(src, len, &sv) : 0;
  if (ns < 0) { ns = 0; diags->oom = 1; }
  if (l.found.oom) diags->oom = 1;
  int added = 0;
  for (size_t i = 0; i < l.found.n; i++) {
    const seg_diag *d = &l.found.v[i];
    if (suppressed(sv, ns, d)) continue;
    seg_diag_add(diags, SEG_SEV_WARNING, d->code, d->loc, "%s", d->msg ? d->msg : "(out of memory)");
    added++;
  }
  free(sv);
  seg_diags_free(&l.found);
  free(l.guarded);
  free(never);
  return added;
}
