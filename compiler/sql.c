/*
** sql.c -- `seg sql`: the checked AST as SQL (see sql.h for the contract).
**
** Every expression is written fully parenthesised, so SQL's precedence
** never has a say. A sub-expression without columns is evaluated by seg
** (compiler/eval.c, the evaluator the VM uses) and written as a literal:
** dates, durations, `today` arithmetic and constant text come out exactly
** as seg computes them, in every dialect.
*/
#include "sql.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "compile.h"
#include "eval.h"

typedef struct sq {
  const seg_sql_opts *o;
  seg_diags *diags;
  FILE *f;
  int errors;
  int oom;
  int leaf;        /* ClickHouse: the next expr() writes a leaf condition as SQL's */
  const seg_node **aggs;   /* the measures' aggregates, in file order: column "seg$aK" of flags */
  int naggs;
  const seg_node **rsrc;   /* the rankings' sources (value, population): columns of "seg$r" */
  int nrsrc;
  const seg_ast *ast;
  const seg_stmt *ev;      /* writing the filter of an aggregate of this event table */
} sq;

static const char *const DIALECTS[] = {"sqlite", "duckdb", "postgres", "bigquery", "snowflake", "spark", "trino",
                                       "clickhouse"};
#define NDIALECTS 8

/* What differs between the dialects in how a thing is spelled. */
typedef struct dialect {
  char idq;              /* identifier quote                               */
  int bs;                /* string literals read backslash escapes: doubled */
  int bsq;               /* ... and a quote is written \' (else '')        */
  const char *dbl, *i64; /* the float and integer types of CAST            */
  int like_escape;       /* LIKE takes ESCAPE (else '\' is the default)     */
  int is_true;           /* has x IS [NOT] TRUE / FALSE                     */
} dialect;
static const dialect D[NDIALECTS] = {
  /* sqlite    */ {'"', 0, 0, "REAL", "INTEGER", 1, 1},
  /* duckdb    */ {'"', 0, 0, "DOUBLE", "BIGINT", 1, 1},
  /* postgres  */ {'"', 0, 0, "DOUBLE PRECISION", "BIGINT", 1, 1},
  /* bigquery  */ {'`', 1, 1, "FLOAT64", "INT64", 0, 1},
  /* snowflake */ {'"', 1, 0, "DOUBLE", "BIGINT", 1, 0},
  /* spark     */ {'`', 1, 1, "DOUBLE", "BIGINT", 1, 0},
  /* trino     */ {'"', 0, 0, "DOUBLE", "BIGINT", 1, 0},
  /* clickhouse*/ {'`', 1, 1, "Float64", "Int64", 0, 0},
};
#define CH(q) ((q)->o->dialect == SEG_SQL_CLICKHOUSE)
static const char *const SHAPES[] = {"counts", "members", "flags"};

/* today as a bound parameter: each dialect's spelling; NULL where there is
** none that can be named more than once (Trino's `?` is positional, and
** ClickHouse 18.16 has no query parameters) */
static const char *const TODAY_PARAM[NDIALECTS] = {":today", "$1", "$1", "@today", ":1", ":today", NULL, NULL};

const char *seg_sql_today_placeholder(int d) {
  return d >= 0 && d < NDIALECTS ? TODAY_PARAM[d] : NULL;
}

int seg_sql_dialect_of(const char *name) {
  for (int i = 0; i < NDIALECTS; i++) if (strcmp(name, DIALECTS[i]) == 0) return i;
  return -1;
}

int seg_sql_shape_of(const char *name) {
  for (int i = 0; i < 3; i++) if (strcmp(name, SHAPES[i]) == 0) return i;
  return -1;
}

/* A construct this dialect cannot carry (why: the engine's reason, or
** NULL for one seg sql does not write yet): a located error, no query. */
static void refuse_why(sq *q, const seg_node *n, const char *what, const char *why) {
  if (q->errors++ < 20)
    seg_diag_add(q->diags, SEG_SEV_ERROR, "E0601", n->loc, "%s cannot be written as SQL for %s%s%s", what,
                 DIALECTS[q->o->dialect], why ? ": " : " yet", why ? why : "");
}
static void refuse(sq *q, const seg_node *n, const char *what) { refuse_why(q, n, what, NULL); }


static const dialect *dl(const sq *q) { return &D[q->o->dialect]; }

/* 'text': a quote doubled (or \' where backslashes escape), a backslash
** doubled where string literals read escapes */
static void put_str(const dialect *d, FILE *f, const char *s, size_t n) {
  fputc('\'', f);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\'') fputc(d->bsq ? '\\' : '\'', f);
    else if (s[i] == '\\' && d->bs) fputc('\\', f);
    fputc(s[i], f);
  }
  fputc('\'', f);
}
#define put_string(f, s, n) put_str(dl(q), (f), (s), (n))

/* "identifier" (`identifier`), its quote doubled; a dotted table name
** quotes each part */
static void put_id(const dialect *d, FILE *f, const char *s, int dotted) {
  fputc(d->idq, f);
  for (; *s; s++) {
    if (*s == d->idq) fputc(d->idq, f);
    if (dotted && *s == '.') { fprintf(f, "%c.%c", d->idq, d->idq); continue; }
    fputc(*s, f);
  }
  fputc(d->idq, f);
}
#define put_ident(f, s, dotted) put_id(dl(q), (f), (s), (dotted))

static void put_date(const sq *q, int64_t day) {
  char b[11];
  seg_date_format((int32_t)day, b);
  fprintf(q->f, q->o->dialect == SEG_SQL_SQLITE ? "'%s'" : CH(q) ? "toDate('%s')" : "DATE '%s'", b);
}

/* the shortest decimal that reads back as v: 4999.99, not
** 4999.9899999999998 (which an engine comparing an exact DECIMAL column
** would take literally) */
static void put_double(FILE *f, double v) {
  char b[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(b, sizeof b, "%.*g", prec, v);
    if (strtod(b, NULL) == v) break;
  }
  fputs(b, f);
  if (!strpbrk(b, ".eEn")) fputs(".0", f);     /* a float literal, not an integer */
}

static void expr(sq *q, const seg_node *n);
static void cond(sq *q, const seg_node *n, int want);

/* A constant seg can fold: no column, and not today when today is a parameter. */
static int foldable(const sq *q, const seg_node *n) {
  return !n->has_cols && !(q->o->today_param && seg_node_reads_today(n));
}

/* today: the literal, or the parameter (a DATE) */
static void put_today(sq *q) {
  if (!q->o->today_param) { put_date(q, q->o->today); return; }
  if (q->o->dialect == SEG_SQL_SQLITE) fprintf(q->f, "date(%s)", TODAY_PARAM[q->o->dialect]);
  else fprintf(q->f, "CAST(%s AS DATE)", TODAY_PARAM[q->o->dialect]);
}
static void comment(FILE *f, const char *src, size_t srclen, const seg_stmt *t, const char *indent);
static const seg_node *guarded(const seg_node *guard, const seg_node *e, seg_node *buf);
static void rule_comment(FILE *f, const char *src, size_t srclen, const seg_stmt *t, const char *indent);

/* A value seg computed (a constant sub-expression), as a literal. */
static void literal(sq *q, const seg_node *n, const seg_val *v) {
  FILE *f = q->f;
  if (v->missing) { fputs("NULL", f); return; }
  switch (v->type) {
  case VT_BOOL: fputs(CH(q) ? (v->i ? "1" : "0") : v->i ? "TRUE" : "FALSE", f); break;   /* ClickHouse: UInt8 */
  case VT_INT: fprintf(f, "%lld", (long long)v->i); break;
  case VT_NUM:
    if (!isfinite(v->f)) { refuse(q, n, "an infinite number"); break; }
    if (v->dec) {                        /* exact: as seg computed it (300.3, not a double's digits) */
      char d48[48];
      seg_dec_format(d48, v->i, v->scale);
      /* a whole number no double holds (9007199254740993.0) as an integer:
      ** SQLite reads a decimal literal as REAL and would round it */
      char *dot = strchr(d48, '.');
      int whole = dot && strspn(dot + 1, "0") == strlen(dot + 1);
      if (whole && fabs(v->f) >= 9007199254740992.0) *dot = 0;
      fputs(d48, f);
    } else {
      put_double(f, v->f);
    }
    break;
  case VT_DATE: put_date(q, v->i); break;
  case VT_TEXT: put_string(f, v->s, v->n); break;
  default: refuse(q, n, "a duration on its own"); break;
  }
}

/* Text compared as seg compares it: case-folded. A literal is folded by
** seg (Unicode full case folding), anything else by the engine's lower(). */
/* A constant text, evaluated and case-folded by seg: malloc'd bytes, or
** NULL when it is missing (*missing) or out of memory (q->oom). */
static char *const_folded(sq *q, const seg_node *n, size_t *len, int *missing) {
  seg_eval_env env = {.today = q->o->today, .textcol = -1};
  seg_val v = seg_eval(n, &env);
  *len = 0;
  *missing = v.missing && !env.error;
  char *fv = !v.missing && !env.error ? seg_casefold(v.s, v.n, len) : NULL;
  if (!fv && !*missing) q->oom = 1;
  seg_val_release(&v);
  return fv;
}

static void folded(sq *q, const seg_node *n) {
  if (!n->has_cols) {
    size_t len;
    int missing;
    char *fv = const_folded(q, n, &len, &missing);
    if (missing) fputs("NULL", q->f);
    else if (fv) put_string(q->f, fv, len);
    free(fv);
    return;
  }
  fputs(CH(q) ? "lowerUTF8(" : "lower(", q->f);     /* ClickHouse's lower() is ASCII-only */
  expr(q, n);
  fputc(')', q->f);
}

/* One side of a comparison: text folded, everything else as is. */
static void side(sq *q, const seg_node *n, int text) {
  if (text) folded(q, n);
  else expr(q, n);
}

static const char *cmp_op(int op) {
  switch (op) {
  case SEG_OPR_LT: return "<";
  case SEG_OPR_LE: return "<=";
  case SEG_OPR_GT: return ">";
  case SEG_OPR_GE: return ">=";
  case SEG_OPR_EQ: return "=";
  default: return "<>";
  }
}

static void compare(sq *q, int op, const seg_node *a, const seg_node *b) {
  int text = a->type == VT_TEXT;
  fputc('(', q->f);
  side(q, a, text);
  /* PostgreSQL orders text by the database's collation: seg by bytes */
  if (text && q->o->dialect == SEG_SQL_POSTGRES && op != SEG_OPR_EQ && op != SEG_OPR_NE) fputs(" COLLATE \"C\"", q->f);
  fprintf(q->f, " %s ", cmp_op(op));
  side(q, b, text);
  fputc(')', q->f);
}

/* A duration's amount and unit when both are constants. */
static int duration_of(sq *q, const seg_node *d, int64_t *amount, seg_unit *unit) {
  if (d->kind != SEG_N_DURATION || d->a->has_cols) return 0;
  seg_eval_env env = {.today = q->o->today, .textcol = -1};
  seg_val v = seg_eval(d->a, &env);
  int ok = !v.missing && !env.error;
  *amount = v.i;
  *unit = d->unit;
  seg_val_release(&v);
  return ok;
}

/* Days from b to a, as an integer: a - b. Either side is a node or, when
** NULL, today's literal. */
static void day_diff(sq *q, const seg_node *a, const seg_node *b) {
  FILE *f = q->f;
  char today[11];
  seg_date_format(q->o->today, today);
#define SIDE(x) do { if (x) expr(q, x); else put_today(q); } while (0)
  switch (q->o->dialect) {
  case SEG_SQL_SQLITE:
    fputs("CAST(julianday(", f); SIDE(a); fputs(") - julianday(", f); SIDE(b); fputs(") AS INTEGER)", f);
    break;
  case SEG_SQL_BIGQUERY:
    fputs("DATE_DIFF(", f); SIDE(a); fputs(", ", f); SIDE(b); fputs(", DAY)", f);
    break;
  case SEG_SQL_SNOWFLAKE:
    fputs("DATEDIFF(day, ", f); SIDE(b); fputs(", ", f); SIDE(a); fputc(')', f);
    break;
  case SEG_SQL_SPARK:
    fputs("datediff(", f); SIDE(a); fputs(", ", f); SIDE(b); fputc(')', f);
    break;
  case SEG_SQL_TRINO: case SEG_SQL_CLICKHOUSE:
    fputs(CH(q) ? "dateDiff('day', " : "date_diff('day', ", f); SIDE(b); fputs(", ", f); SIDE(a); fputc(')', f);
    break;
  default:   /* PostgreSQL, DuckDB: date - date is a number of days */
    fputs("CAST((", f); SIDE(a); fputs(" - ", f); SIDE(b); fputs(") AS BIGINT)", f);
  }
#undef SIDE
}

/* d + k units, clamped to the month's end as seg does (every engine here
** but SQLite clamps; SQLite gets days only). */
static void date_add(sq *q, const seg_node *n, const seg_node *d, int64_t k, seg_unit u) {
  FILE *f = q->f;
  static const char *const UNIT[] = {"day", "week", "month", "year"};
  static const char *const UNIT_UC[] = {"DAY", "WEEK", "MONTH", "YEAR"};
  switch (q->o->dialect) {
  case SEG_SQL_SQLITE:
    /* SQLite's date(d, '+1 month') does not clamp to the month's end */
    if (u != U_DAY) {
      refuse_why(q, n, "month and year arithmetic done by the engine", "SQLite's date() does not clamp to the month's end");
      return;
    }
    fputs("date(", f); expr(q, d); fprintf(f, ", '%+lld days')", (long long)k);
    break;
  case SEG_SQL_BIGQUERY:
    fputs("DATE_ADD(", f); expr(q, d); fprintf(f, ", INTERVAL %lld %s)", (long long)k, UNIT_UC[u]);
    break;
  case SEG_SQL_SNOWFLAKE:
    fprintf(f, "DATEADD(%s, %lld, ", UNIT[u], (long long)k); expr(q, d); fputc(')', f);
    break;
  case SEG_SQL_SPARK:
    fputs(u == U_DAY ? "date_add(" : "add_months(", f); expr(q, d);
    fprintf(f, ", %lld)", (long long)(u == U_YEAR ? 12 * k : k));
    break;
  case SEG_SQL_TRINO:
    fprintf(f, "date_add('%s', %lld, ", UNIT[u], (long long)k); expr(q, d); fputc(')', f);
    break;
  case SEG_SQL_CLICKHOUSE:      /* addMonths clamps to the month's end, as seg */
    fputs(u == U_DAY ? "addDays(" : u == U_MONTH ? "addMonths(" : "addYears(", f);
    expr(q, d);
    fprintf(f, ", %lld)", (long long)k);
    break;
  default:
    fputs("CAST((", f); expr(q, d); fprintf(f, " + INTERVAL '%lld %s') AS DATE)", (long long)k, UNIT[u]);
  }
}

/* today + k units: the literal seg computed, or with --today-param the
** dialect's date arithmetic over the parameter */
static void put_edge(sq *q, const seg_node *n, int64_t edge, int64_t k, seg_unit u) {
  if (!q->o->today_param) { put_date(q, edge); return; }
  seg_node t0 = *n;
  t0.kind = SEG_N_TODAY;
  t0.type = VT_DATE;
  t0.ival = 0;
  t0.a = t0.b = t0.c = t0.list = NULL;
  if (u == U_WEEK) { k *= 7; u = U_DAY; }
  date_add(q, n, &t0, k, u);
}

/* `d in this month` with --today-param: the period's first and last day
** from the parameter (SQLite, PostgreSQL, DuckDB; ISO weeks) */
static void period_range(sq *q, const seg_node *n) {
  FILE *f = q->f;
  int last = n->period == 2;
  const char *unit = n->unit == U_YEAR ? "year" : n->unit == U_MONTH ? "month" : "week";
  if (q->o->dialect == SEG_SQL_SQLITE) {
    const char *start = n->unit == U_YEAR ? "'start of year'" : n->unit == U_MONTH ? "'start of month'"
                                                                                   : "'-6 days', 'weekday 1'";
    const char *P = TODAY_PARAM[SEG_SQL_SQLITE];
    fputc('(', f);
    expr(q, n->a);
    fprintf(f, " >= date(%s, %s", P, start);
    if (last) fprintf(f, n->unit == U_WEEK ? ", '-7 days'" : ", '-1 %s'", unit);
    fputs(") AND ", f);
    expr(q, n->a);
    fprintf(f, " <= date(%s, %s", P, start);
    if (n->unit == U_WEEK) fputs(last ? ", '-1 days'" : ", '+6 days'", f);
    else if (last) fputs(", '-1 days'", f);
    else fprintf(f, ", '+1 %s', '-1 days'", unit);
    fputs("))", f);
    return;
  }
  if (q->o->dialect != SEG_SQL_POSTGRES && q->o->dialect != SEG_SQL_DUCKDB) {
    refuse_why(q, n, "a calendar period with --today-param", "give --today instead (its bounds are then literals)");
    return;
  }
  /* date_trunc('week', ...) starts on Monday in both */
  fputc('(', f);
  expr(q, n->a);
  fprintf(f, " >= CAST(date_trunc('%s', ", unit);
  put_today(q);
  fprintf(f, ")%s AS DATE) AND ", last ? (n->unit == U_WEEK ? " - INTERVAL '7 days'" : n->unit == U_YEAR ?
                                          " - INTERVAL '1 year'" : " - INTERVAL '1 month'") : "");
  expr(q, n->a);
  fprintf(f, " <= CAST(date_trunc('%s', ", unit);
  put_today(q);
  if (last) fputs(") - INTERVAL '1 day' AS DATE))", f);
  else fprintf(f, ") + INTERVAL '%s' - INTERVAL '1 day' AS DATE))", n->unit == U_WEEK ? "7 days" :
                                                                     n->unit == U_YEAR ? "1 year" : "1 month");
}

static void arith(sq *q, const seg_node *n) {
  FILE *f = q->f;
  const seg_node *a = n->a, *b = n->b;
  if (a->type == VT_DATE && b->type == VT_DURATION) {
    int64_t k;
    seg_unit u;
    if (!duration_of(q, b, &k, &u)) { refuse(q, n, "date arithmetic with a computed duration"); return; }
    if (n->op == '-') k = -k;
    if (u == U_WEEK) { k *= 7; u = U_DAY; }
    date_add(q, n, a, k, u);
    return;
  }
  if (a->type == VT_DATE && b->type == VT_DATE) {
    day_diff(q, a, b);
    return;
  }
  if (n->op == '/' && CH(q)) {          /* CAST of a NULL fails there; toFloat64 keeps it */
    fputs("(toFloat64(", f);
    expr(q, a);
    fputs(") / nullIf(", f);
    expr(q, b);
    fputs(", 0))", f);
    return;
  }
  if (n->op == '/') {
    /* exact division (PostgreSQL's 7/2 is 3); by zero: missing */
    fputs("(CAST(", f);
    expr(q, a);
    fprintf(f, " AS %s) / NULLIF(", dl(q)->dbl);
    expr(q, b);
    fputs(", 0))", f);
    return;
  }
  fputc('(', f);
  expr(q, a);
  fprintf(f, " %c ", n->op);
  expr(q, b);
  fputc(')', f);
}

/* LIKE pattern of a folded literal: % _ and the escape character escaped. */
static void like(sq *q, const seg_node *a, const seg_node *lit, int op) {
  size_t len;
  int missing;
  char *fv = const_folded(q, lit, &len, &missing);
  if (missing) {
    fputs("NULL", q->f);
  } else if (fv) {
    /* the pattern: the folded literal, % _ and \ escaped by \, between
    ** the wildcards its test needs; then written as a string literal */
    char *pat = malloc(2 * len + 3);
    size_t k = 0;
    if (!pat) { q->oom = 1; free(fv); return; }
    if (op != SEG_OPR_STARTS) pat[k++] = '%';
    for (size_t i = 0; i < len; i++) {
      if (fv[i] == '%' || fv[i] == '_' || fv[i] == '\\') pat[k++] = '\\';
      pat[k++] = fv[i];
    }
    if (op != SEG_OPR_ENDS) pat[k++] = '%';
    fputc('(', q->f);
    folded(q, a);
    fputs(" LIKE ", q->f);
    put_string(q->f, pat, k);
    if (dl(q)->like_escape) {            /* BigQuery: backslash is LIKE's escape */
      fputs(" ESCAPE ", q->f);
      put_string(q->f, "\\", 1);
    }
    fputc(')', q->f);
    free(pat);
  }
  free(fv);
}

/* The first PCRE2 feature of pattern p (n bytes) that the dialect's regex
** engine lacks, or NULL: RE2 (DuckDB, BigQuery, ClickHouse) has no
** lookaround, backreferences, possessive or atomic groups; PostgreSQL's
** ARE and Java (Spark, Trino) have lookaround and backreferences but no
** \K, recursion or conditionals (ARE: no possessive or atomic groups);
** Snowflake's POSIX flavour none of these, nor lazy quantifiers or (?:).
** A scan, not a parser: escapes and character classes are skipped. */
static const char *regex_gap(int dd, const char *p, size_t n) {
  int re2 = dd == SEG_SQL_DUCKDB || dd == SEG_SQL_BIGQUERY || dd == SEG_SQL_CLICKHOUSE;
  int are = dd == SEG_SQL_POSTGRES;         /* Java (Spark, Trino) lacks only what all lack */
  int posix = dd == SEG_SQL_SNOWFLAKE;
  int cls = 0;
  for (size_t i = 0; i < n; i++) {
    char c = p[i], d = i + 1 < n ? p[i + 1] : 0, e = i + 2 < n ? p[i + 2] : 0;
    if (c == '\\') {
      if (d >= '1' && d <= '9' && !cls && (re2 || posix)) return "backreferences";
      if ((d == 'k' || d == 'g') && !cls && (re2 || posix)) return "backreferences";
      if (d == 'K' && !cls) return "\\K";
      if (d == 'Z' && re2) return "\\Z";
      i++;
      continue;
    }
    if (cls) { if (c == ']') cls = 0; continue; }
    if (c == '[') { cls = 1; if (d == ']') i++; else if (d == '^' && e == ']') i += 2; continue; }
    if (c == '(' && d == '?') {
      if (e == '=' || e == '!') { if (re2 || posix) return "lookahead"; }
      else if (e == '<' && i + 3 < n && (p[i + 3] == '=' || p[i + 3] == '!')) { if (re2 || posix) return "lookbehind"; }
      else if (e == '>') { if (re2 || are || posix) return "atomic groups"; }
      else if (e == 'R' || e == '&' || (e >= '0' && e <= '9') || e == '+') return "recursion";
      else if (e == '(') return "conditionals";
      else if (e == ':' && posix) return "non-capturing groups";
    }
    if ((c == '*' || c == '+' || c == '?' || c == '}') && d == '+' && (re2 || are || posix)) return "possessive quantifiers";
    if ((c == '*' || c == '+' || c == '}') && d == '?' && posix) return "lazy quantifiers";
  }
  return NULL;
}

static void textop(sq *q, const seg_node *n) {
  FILE *f = q->f;
  if (n->negated) fputs("(NOT ", f);
  if (n->op == SEG_OPR_MATCHES) {
    if (q->o->dialect == SEG_SQL_SQLITE) {
      refuse_why(q, n, "'matches'", "SQLite has no regular expressions without an extension");
    } else {
      /* a match anywhere in the value, as PCRE2 finds it */
      static const char *const OPEN[NDIALECTS] = {"", "regexp_matches(", "(", "REGEXP_CONTAINS(", "(REGEXP_INSTR(",
                                                  "(", "regexp_like(", "match("};
      static const char *const MID[NDIALECTS] = {"", ", ", " ~ ", ", ", ", ", " RLIKE ", ", ", ", "};
      static const char *const CLOSE[NDIALECTS] = {"", ")", ")", ")", ") > 0)", ")", ")", ")"};
      seg_eval_env env = {.today = q->o->today, .textcol = -1};
      seg_val p = seg_eval(n->b, &env);
      if (env.error) q->oom = 1;
      const char *gap = p.missing ? NULL : regex_gap(q->o->dialect, p.s, p.n);
      if (gap) {
        char why[160];
        snprintf(why, sizeof why, "its regular expressions have no %s (seg's are PCRE2's)", gap);
        refuse_why(q, n, "this 'matches' pattern", why);
        seg_val_release(&p);
        if (n->negated) fputc(')', f);
        return;
      }
      fputs(OPEN[q->o->dialect], f);
      expr(q, n->a);
      fputs(MID[q->o->dialect], f);
      put_string(f, p.missing ? "" : p.s, p.missing ? 0 : p.n);
      fputs(CLOSE[q->o->dialect], f);
      seg_val_release(&p);
    }
  } else if (n->b->has_cols) {
    refuse(q, n, "'contains', 'starts with' or 'ends with' a computed text");
  } else {
    like(q, n->a, n->b, n->op);
  }
  if (n->negated) fputc(')', f);
}

/* The key's text as seg hashes it: an int in plain decimal, a date as
** YYYY-MM-DD, text as it is (SQLite stores dates as that text already). */
static void bucket_key(sq *q, const seg_node *k) {
  FILE *f = q->f;
  int d = q->o->dialect;
  if (k->type == VT_TEXT || (k->type == VT_DATE && d == SEG_SQL_SQLITE)) { expr(q, k); return; }
  if (k->type == VT_DATE) {
    fputs(d == SEG_SQL_POSTGRES || d == SEG_SQL_SNOWFLAKE ? "to_char(" : d == SEG_SQL_DUCKDB ? "strftime(" :
          d == SEG_SQL_BIGQUERY ? "FORMAT_DATE('%Y-%m-%d', " : CH(q) ? "toString(" : "CAST(", f);
    expr(q, k);
    fputs(d == SEG_SQL_POSTGRES || d == SEG_SQL_SNOWFLAKE ? ", 'YYYY-MM-DD')" : d == SEG_SQL_DUCKDB ? ", '%Y-%m-%d')" :
          d == SEG_SQL_BIGQUERY || CH(q) ? ")" : d == SEG_SQL_SPARK ? " AS STRING)" : " AS VARCHAR)", f);
    return;
  }
  fputs(CH(q) ? "toString(" : "CAST(", f);
  expr(q, k);
  fputs(CH(q) ? ")" : d == SEG_SQL_BIGQUERY || d == SEG_SQL_SPARK ? " AS STRING)" :
        d == SEG_SQL_POSTGRES || d == SEG_SQL_SQLITE ? " AS TEXT)" : " AS VARCHAR)", f);
}

/* bucket(salt, key) of a split's arm (docs/language.md): the first 4 bytes
** of MD5(salt ':' key), big-endian, modulo 10000; SQLite has no MD5 and
** calls the user function seg_bucket(salt, key) (docs/sql.md). */
static void bucket(sq *q, const seg_node *n) {
  FILE *f = q->f;
  const seg_node *salt = n->list, *k = salt->next;
  int d = q->o->dialect;
  if (d == SEG_SQL_SQLITE) {
    fputs("seg_bucket(", f);
    put_string(f, salt->str, salt->len);
    fputs(", ", f);
    bucket_key(q, k);
    fputc(')', f);
    return;
  }
  /* the hashed text: salt ':' key */
  static const char *const PRE[NDIALECTS] = {
    "", "(('0x' || substr(md5(", "(('x' || substr(md5(", "MOD(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(CONCAT(",
    "MOD(TO_NUMBER(SUBSTR(MD5(", "(CAST(conv(substr(md5(", "(from_base(substr(to_hex(md5(to_utf8(",
    "(reinterpretAsUInt32(reverse(substring(MD5(concat("};
  static const char *const POST[NDIALECTS] = {
    "", "), 1, 8))::UBIGINT % 10000)", "), 1, 8))::bit(32)::bigint % 10000)",
    "))), 1, 8)) AS INT64), 10000)", "), 1, 8), 'XXXXXXXX'), 10000)", "), 1, 8), 16, 10) AS BIGINT) % 10000)",
    "))), 1, 8), 16) % 10000)", ")), 1, 4))) % 10000)"};
  int comma = d == SEG_SQL_BIGQUERY || CH(q);           /* CONCAT(a, b, c) rather than a || b || c */
  fputs(PRE[d], f);
  put_string(f, salt->str, salt->len);
  fputs(comma ? ", ':', " : " || ':' || ", f);
  bucket_key(q, k);
  fputs(POST[d], f);
}

static void call(sq *q, const seg_node *n) {
  FILE *f = q->f;
  const seg_node *x = n->list;
  switch (n->fn) {
  case F_BUCKET:
    bucket(q, n);
    break;
  case F_DAYS_SINCE:
    day_diff(q, NULL, x);
    break;
  case F_YEAR: case F_MONTH:
    if (CH(q)) {
      fputs(n->fn == F_YEAR ? "toYear(" : "toMonth(", f);
      expr(q, x);
      fputc(')', f);
    } else if (q->o->dialect == SEG_SQL_SQLITE) {
      fprintf(f, "CAST(strftime('%s', ", n->fn == F_YEAR ? "%Y" : "%m");
      expr(q, x);
      fputs(") AS INTEGER)", f);
    } else {
      fprintf(f, "CAST(EXTRACT(%s FROM ", n->fn == F_YEAR ? "YEAR" : "MONTH");
      expr(q, x);
      fprintf(f, ") AS %s)", dl(q)->i64);
    }
    break;
  case F_LOWER: case F_UPPER: case F_ABS:
    if (CH(q)) fputs(n->fn == F_LOWER ? "lowerUTF8(" : n->fn == F_UPPER ? "upperUTF8(" : "abs(", f);
    else fputs(n->fn == F_LOWER ? "lower(" : n->fn == F_UPPER ? "upper(" : "abs(", f);
    expr(q, x);
    fputc(')', f);
    break;
  case F_LENGTH:
    fputs(q->o->dialect == SEG_SQL_POSTGRES ? "char_length(" : CH(q) ? "lengthUTF8(" : "length(", f);
    expr(q, x);
    fputc(')', f);
    break;
  case F_COALESCE:
    fputs("COALESCE(", f);
    for (const seg_node *k = x; k; k = k->next) {
      if (k != x) fputs(", ", f);
      expr(q, k);
    }
    fputc(')', f);
    break;
  default:
    refuse(q, n, "this function");
  }
}

/* ---- rankings ------------------------------------------------------------
** A CTE "seg$r" adds, per source K (a ranked value over a population, equal
** ones shared as in the VM), the definitions of docs/language.md as window
** functions over the rows where the value is present and the population
** true: "seg$lK" = L(x), the values strictly below (RANK() - 1 ascending),
** "seg$gK" = G(x), those strictly above, "seg$nK" = N, how many; NULL on
** the other rows. Then ntile_k = 1 + (k * L) / N in integer arithmetic, and
** `top p%` is G < p * N / 100, written 1000000 * G < p' * N with p' the
** share in 1/10000 of a percent, exactly. */

static int rank_src(sq *q, const seg_node *n) {
  for (int k = 0; k < q->nrsrc; k++)
    if (seg_node_same(q->rsrc[k]->a, n->a) && seg_node_same(q->rsrc[k]->b, n->b) &&
        q->rsrc[k]->negated == n->negated)
      return k;
  return -1;
}

static void collect_ranks(sq *q, const seg_node *n) {
  if (!n) return;
  collect_ranks(q, n->a);
  collect_ranks(q, n->b);
  collect_ranks(q, n->c);
  for (const seg_node *k = n->list; k; k = k->next) collect_ranks(q, k);
  if (n->kind != SEG_N_RANK || rank_src(q, n) >= 0) return;
  const seg_node **more = realloc(q->rsrc, (size_t)(q->nrsrc + 1) * sizeof *more);
  if (!more) { q->oom = 1; return; }
  q->rsrc = more;
  q->rsrc[q->nrsrc++] = n;
}

/* the ranked value, negated for a reversed ranking (rfm's recency in days) */
static void rank_value(sq *q, const seg_node *n) {
  if (n->negated) fputs("(-", q->f);
  expr(q, n->a);
  if (n->negated) fputc(')', q->f);
}

/* the rows ranked: value present, population true */
static void rank_rows(sq *q, const seg_node *n) {
  fputs("(", q->f);
  expr(q, n->a);
  fputs(" IS NOT NULL", q->f);
  if (n->b) {
    fputs(" AND ", q->f);
    expr(q, n->b);
  }
  fputs(")", q->f);
}

static void rank_columns(sq *q) {
  FILE *f = q->f;
  for (int k = 0; k < q->nrsrc; k++) {
    const seg_node *n = q->rsrc[k];
    for (int dir = 0; dir < 2; dir++) {
      fputs(",\n    CASE WHEN ", f);
      rank_rows(q, n);
      fputs(" THEN RANK() OVER (PARTITION BY ", f);
      rank_rows(q, n);
      fputs(" ORDER BY ", f);
      rank_value(q, n);
      fprintf(f, "%s) - 1 END AS \"seg$%c%d\"", dir ? " DESC" : "", dir ? 'g' : 'l', k);
    }
    fputs(",\n    SUM(CASE WHEN ", f);
    rank_rows(q, n);
    fprintf(f, " THEN 1 ELSE 0 END) OVER () AS \"seg$n%d\"", k);
  }
}

/* k * L / N, rounded down: integer division, spelled per dialect */
static void int_div(sq *q, int64_t k, int src) {
  FILE *f = q->f;
  switch (q->o->dialect) {
  case SEG_SQL_DUCKDB: fprintf(f, "((%lld * \"seg$l%d\") // \"seg$n%d\")", (long long)k, src, src); break;
  case SEG_SQL_BIGQUERY: fprintf(f, "DIV(%lld * `seg$l%d`, `seg$n%d`)", (long long)k, src, src); break;
  case SEG_SQL_SPARK: fprintf(f, "((%lld * `seg$l%d`) DIV `seg$n%d`)", (long long)k, src, src); break;
  case SEG_SQL_SNOWFLAKE: fprintf(f, "FLOOR((%lld * \"seg$l%d\") / \"seg$n%d\")", (long long)k, src, src); break;
  default: fprintf(f, "((%lld * \"seg$l%d\") / \"seg$n%d\")", (long long)k, src, src); break;
  }
}

static void rank_expr(sq *q, const seg_node *n) {
  FILE *f = q->f;
  int k = rank_src(q, n);
  char c = dl(q)->idq;
  if (k < 0 || CH(q)) {
    refuse_why(q, n, "rankings", CH(q) ? "ClickHouse 18.16 has no window functions" : NULL);
    return;
  }
  if (n->op == SEG_RK_NTILE) {
    fputs("(1 + ", f);
    int_div(q, n->ival, k);
    fputc(')', f);
    return;
  }
  fprintf(f, "(1000000 * %cseg$%c%d%c < %lld * %cseg$n%d%c)", c, n->op == SEG_RK_TOP ? 'g' : 'l', k, c,
          (long long)n->ival, c, k, c);
}

/* ---- measures ------------------------------------------------------------
** The flags CTE carries, per aggregate K, a column "seg$aK": the value it
** aggregates where its filter is true, NULL elsewhere (CASE WHEN without
** ELSE; a filter that is unknown is not true). Aggregates skip NULLs, so
** `sum(x where c)` is SUM over that column, as SQL's FILTER (WHERE c). */

static int agg_index(const sq *q, const seg_node *n) {
  for (int k = 0; k < q->naggs; k++) if (q->aggs[k] == n) return k;
  return -1;
}

/* the value column of aggregate n in flags */
static void agg_column(sq *q, const seg_node *n) {
  FILE *f = q->f;
  if (n->b) { fputs("CASE WHEN ", f); expr(q, n->b); fputs(" THEN ", f); }
  if (!n->a) fputs("1", f);
  else if (n->op == SEG_AG_RATE) {
    fputs("CASE WHEN ", f);
    expr(q, n->a);
    fputs(" THEN 1.0 WHEN NOT ", f);
    expr(q, n->a);
    fputs(" THEN 0.0 END", f);
  } else expr(q, n->a);
  if (n->b) fputs(" END", f);
}

static void aggregate(sq *q, const seg_node *n) {
  FILE *f = q->f;
  int k = agg_index(q, n);
  if (k < 0) { refuse(q, n, "an aggregate outside a measure"); return; }
  char col[32];
  snprintf(col, sizeof col, "seg$a%d", k);
  int d = q->o->dialect;
  switch ((seg_aggfn)n->op) {
  case SEG_AG_COUNT:
    if (!n->a && !n->b) { fputs("COUNT(*)", f); return; }
    fputs("COUNT(", f);
    break;
  case SEG_AG_SUM: fputs("SUM(", f); break;
  case SEG_AG_AVG: case SEG_AG_RATE: fputs("AVG(", f); break;
  case SEG_AG_MIN: fputs("MIN(", f); break;
  case SEG_AG_MAX: fputs("MAX(", f); break;
  case SEG_AG_COUNT_DISTINCT: fputs("COUNT(DISTINCT ", f); break;
  case SEG_AG_MEDIAN: case SEG_AG_PERCENTILE:
    if (d == SEG_SQL_POSTGRES) {
      fputs("percentile_cont(", f);
      put_double(f, n->fval);
      fputs(") WITHIN GROUP (ORDER BY ", f);
      put_ident(f, col, 0);
      fputc(')', f);
    } else if (d == SEG_SQL_DUCKDB) {
      fputs("quantile_cont(", f);
      put_ident(f, col, 0);
      fputs(", ", f);
      put_double(f, n->fval);
      fputc(')', f);
    } else {
      fputs("NULL", f);                   /* refused once, by seg_sql_emit */
    }
    return;
  default: refuse(q, n, "this aggregate"); return;
  }
  put_ident(f, col, 0);
  fputc(')', f);
}

static void collect_aggs(sq *q, const seg_node *n) {
  if (!n || q->oom) return;
  if (n->kind == SEG_N_AGG) {
    const seg_node **v = realloc(q->aggs, ((size_t)q->naggs + 1) * sizeof *v);
    if (!v) { q->oom = 1; return; }
    q->aggs = v;
    q->aggs[q->naggs++] = n;
    return;
  }
  collect_aggs(q, n->a);
  collect_aggs(q, n->b);
}

static void expr(sq *q, const seg_node *n) {
  FILE *f = q->f;
  int leaf = q->leaf;
  q->leaf = 0;
  if (foldable(q, n)) {
    seg_eval_env env = {.today = q->o->today, .textcol = -1};
    seg_val v = seg_eval(n, &env);
    if (env.error) q->oom = 1;
    literal(q, n, &v);
    seg_val_release(&v);
    return;
  }
  /* ClickHouse: a condition as a value is spelled out three-valued (its
  ** own AND / OR / NOT / IN are not SQL's over NULL) */
  if (CH(q) && n->type == VT_BOOL && !leaf && !(n->kind == SEG_N_NAME && !n->ref)) {
    fputs("multiIf(", f);
    cond(q, n, 1);
    fputs(", 1, ", f);
    cond(q, n, 0);
    fputs(", 0, NULL)", f);
    return;
  }
  switch (n->kind) {
  case SEG_N_RANK:
    rank_expr(q, n);
    return;
  case SEG_N_NAME:
    if (n->evagg) {                       /* an event aggregate: a column of "seg$e" */
      char col[32];
      snprintf(col, sizeof col, "seg$e%d", n->evagg - 1);
      put_ident(f, col, 0);
    } else if (q->ev && !n->ref && n->col >= 0) {   /* in its filter: e.col, or the customer's c.col */
      const seg_schema_view *e = &q->o->schema->tables[q->ev->table];
      if ((size_t)n->col < e->ncols) {
        fputs("e.", f);
        put_ident(f, e->names[n->col], 0);
      } else {
        fputs("c.", f);
        put_ident(f, q->o->schema->names[q->ev->gather[(size_t)n->col - e->ncols]], 0);
      }
    } else if (n->ref) {
      fputc('(', f);
      expr(q, n->ref->expr);
      fputc(')', f);
    } else {
      put_ident(f, n->col >= 0 && (size_t)n->col < q->o->schema->ncols ? q->o->schema->names[n->col] : n->str, 0);
    }
    return;
  case SEG_N_BIN:
    if (n->op < 256) arith(q, n);
    else compare(q, n->op, n->a, n->b);
    return;
  case SEG_N_NEG:
    fputs("(-", f);
    expr(q, n->a);
    fputc(')', f);
    return;
  case SEG_N_AND: case SEG_N_OR:
    fputc('(', f);
    expr(q, n->a);
    fputs(n->kind == SEG_N_AND ? " AND " : " OR ", f);
    expr(q, n->b);
    fputc(')', f);
    return;
  case SEG_N_NOT:
    fputs("(NOT ", f);
    expr(q, n->a);
    fputc(')', f);
    return;
  case SEG_N_RANGE: {
    if (n->period && q->o->today_param) { period_range(q, n); return; }
    int text = n->a->type == VT_TEXT;
    /* PostgreSQL orders text by the database's collation: seg by bytes */
    const char *order = text && q->o->dialect == SEG_SQL_POSTGRES ? " COLLATE \"C\"" : "";
    fputc('(', f);
    if (n->b) {
      side(q, n->a, text);
      fprintf(f, "%s >= ", order);
      side(q, n->b, text);
    }
    if (n->b && n->c) fputs(" AND ", f);
    if (n->c) {
      side(q, n->a, text);
      fprintf(f, "%s <= ", order);
      side(q, n->c, text);
    }
    fputc(')', f);
    return;
  }
  case SEG_N_IN: {
    int text = n->a->type == VT_TEXT;
    fputc('(', f);
    side(q, n->a, text);
    fputs(n->negated ? " NOT IN (" : " IN (", f);
    for (const seg_node *k = n->list; k; k = k->next) {
      if (k != n->list) fputs(", ", f);
      side(q, k, text);
    }
    fputs("))", f);
    return;
  }
  case SEG_N_MISSING:
    fputc('(', f);
    expr(q, n->a);
    fputs(n->negated ? " IS NOT NULL)" : " IS NULL)", f);
    return;
  case SEG_N_IS:
    if (dl(q)->is_true) {
      fputc('(', f);
      expr(q, n->a);
      fprintf(f, " IS %s%s)", n->negated ? "NOT " : "", n->op ? "TRUE" : "FALSE");
    } else {                             /* never unknown: a missing value is in neither */
      fprintf(f, "(CASE WHEN %s", n->op ? "" : "NOT ");
      expr(q, n->a);
      fprintf(f, " THEN %s END)", n->negated ? "FALSE ELSE TRUE" : "TRUE ELSE FALSE");
    }
    return;
  case SEG_N_TEXTOP:
    textop(q, n);
    return;
  case SEG_N_WITHIN: case SEG_N_AGO: {
    int64_t k;
    seg_unit u;
    if (!duration_of(q, n->b, &k, &u)) { refuse(q, n, "a computed duration"); return; }
    int64_t edge = seg_date_shift(q->o->today, -k, u);
    fputc('(', f);
    expr(q, n->a);
    if (n->kind == SEG_N_WITHIN) {
      fputs(" >= ", f);
      put_edge(q, n, edge, -k, u);
      fputs(" AND ", f);
      expr(q, n->a);
      fputs(" <= ", f);
      put_today(q);
    } else {
      fputs(n->op == SEG_OPR_GT ? " < " : " > ", f);
      put_edge(q, n, edge, -k, u);
    }
    fputc(')', f);
    return;
  }
  case SEG_N_TODAY: {                 /* only with --today-param: otherwise folded */
    if (n->ival == 0) { put_today(q); return; }
    seg_node t0 = *n;
    t0.ival = 0;
    date_add(q, n, &t0, n->ival, U_DAY);
    return;
  }
  case SEG_N_CALL:
    call(q, n);
    return;
  case SEG_N_AGG:
    aggregate(q, n);
    return;
  default:
    refuse(q, n, "this expression");
    return;
  }
}

/* ---- ClickHouse: conditions written two-valued ----------------------
** ClickHouse 18.16 (Debian's) does not follow SQL over NULL: `0 AND NULL`
** is NULL, `0 OR NULL` is 0, `NULL IN (...)` is 0 and `NULL NOT IN (...)`
** is 1 (../shared/engines/README.md). So no condition is left to its
** AND / OR / NOT / IN: cond(n, 1) writes a UInt8 that is 1 exactly where
** seg's n is true, cond(n, 0) one that is 1 exactly where n is false
** (never NULL); Kleene's rules build them (true of `a and b` is true of
** both, false of it is false of either; `not` swaps them), and a
** comparison, the only place NULL enters, is wrapped: 1 only when its
** value is known to be 1 (or 0). */

/* x = item, built on the stack for `x in (...)` written out */
static void cond_eq(sq *q, const seg_node *x, const seg_node *item, int want) {
  seg_node eq = *x;
  eq.kind = SEG_N_BIN;
  eq.op = SEG_OPR_EQ;
  eq.a = (seg_node *)x;
  eq.b = (seg_node *)item;
  eq.c = eq.list = eq.next = NULL;
  eq.type = VT_BOOL;
  eq.has_cols = x->has_cols || item->has_cols;
  eq.ref = NULL;
  eq.negated = 0;
  cond(q, &eq, want);
}

/* a leaf whose SQL value is 1, 0 or NULL: known to be `want` */
static void cond_leaf(sq *q, const seg_node *n) {
  fputs("(ifNull(", q->f);
  q->leaf = 1;
  expr(q, n);
}

static void cond(sq *q, const seg_node *n, int want) {
  FILE *f = q->f;
  if (!n->has_cols) {                      /* seg decides it */
    seg_eval_env env = {.today = q->o->today, .textcol = -1};
    seg_val v = seg_eval(n, &env);
    if (env.error) q->oom = 1;
    fputs(!v.missing && (v.i != 0) == want ? "1" : "0", f);
    seg_val_release(&v);
    return;
  }
  switch (n->kind) {
  case SEG_N_AND: case SEG_N_OR: {
    int both = (n->kind == SEG_N_AND) == want;   /* true of and, false of or: both sides */
    fputc('(', f);
    cond(q, n->a, want);
    fputs(both ? " AND " : " OR ", f);
    cond(q, n->b, want);
    fputc(')', f);
    return;
  }
  case SEG_N_NOT:
    cond(q, n->a, !want);
    return;
  case SEG_N_IS: {                          /* two-valued: never unknown */
    int holds = want != n->negated;         /* the test itself is asked to hold */
    if (!holds) fputc('(', f);
    cond(q, n->a, n->op);
    if (!holds) fputs(" = 0)", f);          /* no NOT: 18.16 loses `not(not(..))` columns */
    return;
  }
  case SEG_N_MISSING:
    fputs(want != n->negated ? "isNull(" : "isNotNull(", f);
    expr(q, n->a);
    fputc(')', f);
    return;
  case SEG_N_NAME:
    if (n->ref) { cond(q, n->ref->expr, want); return; }
    fputs("(ifNull(", f);                             /* a bool column: Nullable(UInt8) */
    expr(q, n);
    fputs(want ? ", 0) = 1)" : ", 1) = 0)", f);
    return;
  case SEG_N_RANGE: {                       /* two comparisons, joined as `and` */
    seg_node lo = *n, hi = *n;
    lo.kind = hi.kind = SEG_N_BIN;
    lo.op = SEG_OPR_GE;
    hi.op = SEG_OPR_LE;
    lo.b = n->b;
    hi.b = n->c;
    lo.c = hi.c = NULL;
    if (!n->b || !n->c) { cond(q, n->b ? &lo : &hi, want); return; }
    fputc('(', f);
    cond(q, &lo, want);
    fputs(want ? " AND " : " OR ", f);
    cond(q, &hi, want);
    fputc(')', f);
    return;
  }
  case SEG_N_IN: {
    int plain = n->a->type != VT_BOOL;      /* every item a known constant: one IN */
    for (const seg_node *k = n->list; k && plain; k = k->next) {
      if (k->has_cols) { plain = 0; break; }
      seg_eval_env env = {.today = q->o->today, .textcol = -1};
      seg_val v = seg_eval(k, &env);
      if (v.missing || env.error) plain = 0;
      seg_val_release(&v);
    }
    int t = want != n->negated;             /* membership asked for */
    if (plain) {
      int text = n->a->type == VT_TEXT;
      fputs("(isNotNull(", f);
      expr(q, n->a);
      fputs(") AND ", f);
      side(q, n->a, text);
      fputs(t ? " IN (" : " NOT IN (", f);
      for (const seg_node *k = n->list; k; k = k->next) {
        if (k != n->list) fputs(", ", f);
        side(q, k, text);
      }
      fputs("))", f);
      return;
    }
    /* x in (a, b) is x = a or x = b: written out */
    fputc('(', f);
    for (const seg_node *k = n->list; k; k = k->next) {
      if (k != n->list) fputs(t ? " OR " : " AND ", f);
      cond_eq(q, n->a, k, t);
    }
    fputc(')', f);
    return;
  }
  case SEG_N_TEXTOP:
    if (n->negated) {
      seg_node pos = *n;
      pos.negated = 0;
      cond(q, &pos, !want);
      return;
    }
    __attribute__((fallthrough));        /* a leaf */
  default:
    cond_leaf(q, n);
    fputs(want ? ", 0) = 1)" : ", 1) = 0)", f);
    return;
  }
}

static void priority_multiif(sq *q, const seg_stmt *t, const seg_node *guard);

/* ClickHouse: ",\n" and a column per priority, its rule as a comment, each
** line at indent: named as the priority, or (numbered) `seg$pK` for the
** counts subquery. */
static void priority_columns(sq *q, const seg_ast *ast, const char *src, size_t srclen, const seg_node *guard,
                             const char *indent, int numbered) {
  FILE *f = q->f;
  for (const seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind != S_PRIORITY || !t->expr) continue;
    fputs(",\n", f);
    comment(f, src, srclen, t, indent);
    fputs(indent, f);
    priority_multiif(q, t, guard);
    if (numbered) fprintf(f, " AS `seg$p%d`", t->index);
    else { fputs(" AS ", f); put_ident(f, t->name, 0); }
  }
}

/* ClickHouse: a priority's tier, multiIf(segment 1, 'name 1', ..., [guard,]
** 'else tier' or ''): two-valued, so no tier is '' (not NULL). */
static void priority_multiif(sq *q, const seg_stmt *t, const seg_node *guard) {
  FILE *f = q->f;
  fputs("multiIf(", f);
  for (const seg_node *n = t->expr; n; n = n->next) {
    seg_node g;
    cond(q, guarded(guard, n->ref->expr, &g), 1);
    fputs(", ", f);
    put_string(f, n->str, strlen(n->str));
    fputs(", ", f);
  }
  if (t->where && t->where->str) {
    if (guard) { cond(q, guard, 1); fputs(", ", f); put_string(f, t->where->str, strlen(t->where->str)); fputs(", ''", f); }
    else put_string(f, t->where->str, strlen(t->where->str));
  } else {
    fputs("''", f);
  }
  fputc(')', f);
}

/* ClickHouse 18.16 has no table CTE: one scan of the table with an array
** of the segments' conditions, unfolded by ARRAY JOIN. */
static void emit_clickhouse(sq *q, const seg_ast *ast, const char *src, size_t srclen, const seg_node *guard) {
  seg_node g;
  FILE *f = q->f;
  const seg_sql_opts *o = q->o;
  int shape = o->shape;
  if (shape == SEG_SQL_FLAGS) {
    if (o->view) { fputs("CREATE VIEW ", f); put_ident(f, o->view, 1); fputs(" AS\n", f); }
    fputs("SELECT\n  ", f);
    put_ident(f, o->key, 0);
    for (const seg_stmt *t = ast->first; t; t = t->next) {
      if (t->kind != S_SEGMENT) continue;
      fputs(",\n", f);
      rule_comment(f, src, srclen, t, "  ");
      fputs("  ", f);
      cond(q, guarded(guard, t->expr, &g), 1);
      fputs(" AS ", f);
      put_ident(f, t->name, 0);
    }
    priority_columns(q, ast, src, srclen, guard, "  ", 0);
    fputs("\nFROM ", f);
    put_ident(f, o->table, 1);
    fputs("\nORDER BY ", f);
    put_ident(f, o->key, 0);
    fputs(";\n", f);
    return;
  }
  if (ast->nsegments == 0) { fputs("SELECT NULL AS segment WHERE 0;\n", f); return; }
  int members = shape == SEG_SQL_MEMBERS, prios = ast->npriorities > 0;
  fprintf(f, "SELECT segment, %s", members ? "key" : "customers");
  if (prios && !members) fputs(", priority", f);
  for (const seg_stmt *t = ast->first; t && members; t = t->next)
    if (t->kind == S_PRIORITY) { fputs(", ", f); put_ident(f, t->name, 0); }
  fputs(" FROM (\n  SELECT\n", f);
  if (members) { fputs("    ", f); put_ident(f, o->key, 0); fputs(" AS key,\n", f); }
  for (const seg_stmt *t = ast->first; t && members; t = t->next) {
    if (t->kind != S_PRIORITY || !t->expr) continue;
    comment(f, src, srclen, t, "    ");
    fputs("    ", f);
    priority_multiif(q, t, guard);
    fputs(" AS ", f);
    put_ident(f, t->name, 0);
    fputs(",\n", f);
  }
  fputs("    [", f);
  int i = 0;
  for (const seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind != S_SEGMENT) continue;
    fputs(i++ ? ",\n" : "\n", f);
    rule_comment(f, src, srclen, t, "      ");
    fputs(members ? "      " : "      countIf(", f);
    cond(q, guarded(guard, t->expr, &g), 1);
    if (!members) fputc(')', f);
  }
  /* counts: each tier counted after the segments */
  for (const seg_stmt *t = ast->first; t && !members; t = t->next) {
    if (t->kind != S_PRIORITY || !t->expr) continue;
    for (const seg_node *n = t->expr;; n = n->next) {
      if (!n && !(t->where && t->where->str)) break;
      const char *tier = n ? n->str : t->where->str;
      fprintf(f, ",\n      countIf(`seg$p%d` = ", t->index);
      put_string(f, tier, strlen(tier));
      fputc(')', f);
      if (!n) break;
    }
  }
  fprintf(f, "\n    ] AS %s,\n    [", members ? "hits" : "counts");
  i = 0;
  for (const seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind != S_SEGMENT) continue;
    if (i++) fputs(", ", f);
    put_string(f, t->name, strlen(t->name));
  }
  for (const seg_stmt *t = ast->first; t && !members; t = t->next) {
    if (t->kind != S_PRIORITY || !t->expr) continue;
    for (const seg_node *n = t->expr;; n = n->next) {
      if (!n && !(t->where && t->where->str)) break;
      const char *tier = n ? n->str : t->where->str;
      if (i++) fputs(", ", f);
      put_string(f, tier, strlen(tier));
      if (!n) break;
    }
  }
  fputs("] AS names", f);
  if (prios && !members) {              /* the priority of each count: '' for a segment */
    fputs(",\n    [", f);
    i = 0;
    for (const seg_stmt *t = ast->first; t; t = t->next)
      if (t->kind == S_SEGMENT) fputs(i++ ? ", ''" : "''", f);
    for (const seg_stmt *t = ast->first; t; t = t->next) {
      if (t->kind != S_PRIORITY || !t->expr) continue;
      int k = 0;
      for (const seg_node *n = t->expr; n; n = n->next) k++;
      k += t->where && t->where->str;
      while (k-- > 0) {
        if (i++) fputs(", ", f);
        put_string(f, t->name, strlen(t->name));
      }
    }
    fputs("] AS prios", f);
  }
  fputs("\n  FROM ", f);
  if (prios && !members) {              /* each priority's tier once per row, counted above */
    fputs("(\n    SELECT *", f);
    priority_columns(q, ast, src, srclen, guard, "      ", 1);
    fputs("\n    FROM ", f);
    put_ident(f, o->table, 1);
    fputs("\n  )", f);
  } else {
    put_ident(f, o->table, 1);
  }
  if (members)
    fputs("\n) ARRAY JOIN hits AS hit, names AS segment, arrayEnumerate(names) AS n\nWHERE hit = 1\nORDER BY n, key;\n", f);
  else if (prios)
    fputs("\n) ARRAY JOIN counts AS customers, names AS segment, prios AS priority, arrayEnumerate(names) AS n\n"
          "ORDER BY n;\n", f);
  else
    fputs("\n) ARRAY JOIN counts AS customers, names AS segment, arrayEnumerate(names) AS n\nORDER BY n;\n", f);
}

/* `guard AND e` in *buf (e itself without a guard). */
static const seg_node *guarded(const seg_node *guard, const seg_node *e, seg_node *buf) {
  return guard ? seg_node_and(buf, (seg_node *)guard, (seg_node *)e) : e;
}

/* The rule's text, each line as an SQL comment line. */
static void comment(FILE *f, const char *src, size_t srclen, const seg_stmt *t, const char *indent) {
  int line = 1;
  for (size_t i = 0; i < srclen; i++) {
    if (line >= t->loc.first_line && line <= t->loc.last_line) {
      size_t e = i;
      while (e < srclen && src[e] != '\n') e++;
      size_t len = e - i;
      while (len && (src[i + len - 1] == '\r' || src[i + len - 1] == ' ')) len--;
      fprintf(f, "%s-- %.*s\n", indent, (int)len, src + i);
      i = e;
      line++;
      continue;
    }
    if (src[i] == '\n') line++;
    if (line > t->loc.last_line) break;
  }
}

/* The `let`s a rule uses (through segment references and other lets too),
** each once, as comments above it: their values are inlined in the SQL, so
** the names are kept here. seen: one mark per statement, reset per rule. */
static void let_comments(FILE *f, const char *src, size_t srclen, const seg_node *n, const seg_stmt **seen, int *nseen,
                         int cap, const char *indent, int depth) {
  if (!n || depth > 200) return;
  if (n->kind == SEG_N_NAME && n->ref) {
    for (int i = 0; i < *nseen; i++) if (seen[i] == n->ref) return;
    if (*nseen >= cap) return;
    seen[(*nseen)++] = n->ref;
    let_comments(f, src, srclen, n->ref->expr, seen, nseen, cap, indent, depth + 1);
    if (n->ref->kind == S_LET) comment(f, src, srclen, n->ref, indent);
    return;
  }
  let_comments(f, src, srclen, n->a, seen, nseen, cap, indent, depth + 1);
  let_comments(f, src, srclen, n->b, seen, nseen, cap, indent, depth + 1);
  let_comments(f, src, srclen, n->c, seen, nseen, cap, indent, depth + 1);
  for (const seg_node *k = n->list; k; k = k->next) let_comments(f, src, srclen, k, seen, nseen, cap, indent, depth + 1);
}

/* the rule's comment: the lets it uses, then its own text */
static void rule_comment(FILE *f, const char *src, size_t srclen, const seg_stmt *t, const char *indent) {
  const seg_stmt *seen[64];
  int nseen = 0;
  let_comments(f, src, srclen, t->expr, seen, &nseen, 64, indent, 0);
  comment(f, src, srclen, t, indent);
}

/* Segments per UNION ALL group: SQLite allows 500 terms in one compound
** SELECT; groups nest as subqueries. */
#define UNION_GROUP 400

/* The text type of CAST, per dialect (a NULL priority in the first branch
** of a union names the column's type). */
static const char *const TEXT_TYPE[NDIALECTS] = {"TEXT", "VARCHAR", "TEXT", "STRING", "VARCHAR", "STRING",
                                                 "VARCHAR", "String"};

/* A priority's column: CASE WHEN its first tier's segment THEN its name
** WHEN ... [WHEN guard | ELSE] THEN the else tier END (NULL: no tier). Each
** segment's rule is written again (with the guard): a SELECT cannot read
** the columns it defines. */
static void priority_case(sq *q, const seg_stmt *t, const seg_node *guard) {
  FILE *f = q->f;
  fputs("CASE", f);
  for (const seg_node *n = t->expr; n; n = n->next) {
    seg_node g;
    fputs("\n      WHEN ", f);
    expr(q, guarded(guard, n->ref->expr, &g));
    fputs(" THEN ", f);
    put_string(f, n->str, strlen(n->str));
  }
  if (t->where && t->where->str) {
    if (guard) { fputs("\n      WHEN ", f); expr(q, guard); fputs(" THEN ", f); }
    else fputs("\n      ELSE ", f);
    put_string(f, t->where->str, strlen(t->where->str));
  }
  fputs("\n    END", f);
}

/* the next branch of the union: UNION ALL, in groups of UNION_GROUP */
static void branch(FILE *f, int i, int groups) {
  if (i % UNION_GROUP == 0) {
    if (i) fputs("\n  ) UNION ALL\n", f);
    if (groups > 1) fputs("  SELECT * FROM (\n", f);
  } else {
    fputs("\n  UNION ALL\n", f);
  }
}

static void union_of(sq *q, const seg_ast *ast, int members) {
  FILE *f = q->f;
  int nrows = ast->nsegments, prios = ast->npriorities > 0;
  for (const seg_stmt *t = ast->first; t && !members; t = t->next)
    if (t->kind == S_PRIORITY) {
      for (const seg_node *n = t->expr; n; n = n->next) nrows++;
      nrows += t->where != NULL;
    }
  int i = 0, groups = (nrows + UNION_GROUP - 1) / UNION_GROUP;
  fputs("SELECT segment, ", f);
  fputs(members ? "key" : "customers", f);
  /* measures travel as "seg$mK" (a measure may be called n or segment) */
  for (const seg_stmt *m = ast->first; m && !members; m = m->next)
    if (m->kind == S_MEASURE && m->expr) {
      fprintf(f, ", \"seg$m%d\" AS ", m->index);
      put_ident(f, m->name, 0);
    }
  /* counts: each tier a row after the segments, its priority named; members: a column per priority */
  if (prios && !members) fputs(", priority", f);
  for (const seg_stmt *t = ast->first; t && members; t = t->next)
    if (t->kind == S_PRIORITY) { fputs(", ", f); put_ident(f, t->name, 0); }
  fputs(" FROM (\n", f);
  for (const seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind != S_SEGMENT) continue;
    branch(f, i, groups);
    fprintf(f, "  SELECT %d AS n, ", i + 1);
    put_string(f, t->name, strlen(t->name));
    fputs(" AS segment, ", f);
    if (members) {
      put_ident(f, q->o->key, 0);
      fputs(" AS key", f);
      for (const seg_stmt *p = ast->first; p; p = p->next)
        if (p->kind == S_PRIORITY) { fputs(", ", f); put_ident(f, p->name, 0); }
      fputs(" FROM flags WHERE ", f);
    } else {
      fputs("COUNT(*) AS customers", f);
      for (const seg_stmt *m = ast->first; m; m = m->next) {
        if (m->kind != S_MEASURE || !m->expr) continue;
        fputs(", ", f);
        expr(q, m->expr);
        fprintf(f, " AS \"seg$m%d\"", m->index);
      }
      if (prios) fprintf(f, ", CAST(NULL AS %s) AS priority", TEXT_TYPE[q->o->dialect]);
      fputs(" FROM flags WHERE ", f);
    }
    put_ident(f, t->name, 0);
    i++;
  }
  for (const seg_stmt *t = ast->first; t && !members; t = t->next) {
    if (t->kind != S_PRIORITY) continue;
    for (const seg_node *n = t->expr;; n = n->next) {
      if (!n && !(t->where && t->where->str)) break;
      const char *tier = n ? n->str : t->where->str;
      branch(f, i, groups);
      fprintf(f, "  SELECT %d AS n, ", i + 1);
      put_string(f, tier, strlen(tier));
      fputs(" AS segment, COUNT(*) AS customers", f);
      for (const seg_stmt *m = ast->first; m; m = m->next)
        if (m->kind == S_MEASURE && m->expr) fprintf(f, ", NULL AS \"seg$m%d\"", m->index);
      fputs(", ", f);
      put_string(f, t->name, strlen(t->name));
      fputs(" AS priority FROM flags WHERE ", f);
      put_ident(f, t->name, 0);
      fputs(" = ", f);
      put_string(f, tier, strlen(tier));
      i++;
      if (!n) break;
    }
  }
  if (groups > 1) fputs("\n  )", f);
  fputs("\n) AS per_segment\nORDER BY per_segment.n", f);   /* qualified: a measure may be called n */
  fputs(members ? ", key;\n" : ";\n", f);
}

/* The event aggregates (issue 15) as columns "seg$eK" of a CTE "seg$e"
** over the customers (alias c): a correlated subquery each over its
** table (alias e), joined on the key, with its filter; the semantics of
** runtime/events.c (count 0, any false, all true, sum 0 when nothing
** matches; first/last by the time column, ties by the physical row order
** where the dialect names it: rowid, PostgreSQL's ctid). */
static void event_cte(sq *q) {
  FILE *f = q->f;
  const seg_sql_opts *o = q->o;
  fputs("\"seg$e\" AS (\n  SELECT\n    c.*", f);
  for (int k = 0; k < q->ast->nevaggs; k++) {
    const seg_evagg *g = &q->ast->evaggs[k];
    const seg_stmt *t = g->table;
    const seg_schema_view *e = &o->schema->tables[t->table];
    const char *key = o->schema->names[t->keycol];
    fputs(",\n    ", f);
    int wrap_sum = g->fn == SEG_EV_SUM;
    if (wrap_sum) fputs("COALESCE(", f);
    if (g->fn == SEG_EV_ANY) fputs("EXISTS (SELECT 1", f);
    else if (g->fn == SEG_EV_ALL) fputs("NOT EXISTS (SELECT 1", f);
    else {
      fputs("(SELECT ", f);
      const char *fn = g->fn == SEG_EV_COUNT ? "count" : g->fn == SEG_EV_COUNT_DISTINCT ? "count" :
                       g->fn == SEG_EV_SUM ? "sum" : g->fn == SEG_EV_AVG ? "avg" : g->fn == SEG_EV_MIN ? "min" :
                       g->fn == SEG_EV_MAX ? "max" : NULL;
      if (fn) fprintf(f, "%s(%s", fn, g->fn == SEG_EV_COUNT_DISTINCT ? "DISTINCT " : "");
      if (g->evcol >= 0) {
        fputs("e.", f);
        put_ident(f, e->names[g->evcol], 0);
      } else fputs("*", f);
      if (fn) fputc(')', f);
    }
    fputs(" FROM ", f);
    put_ident(f, t->name, 1);
    fputs(" e WHERE e.", f);
    put_ident(f, e->names[t->evkey], 0);
    fputs(" = c.", f);
    put_ident(f, key, 0);
    int ordered = g->fn == SEG_EV_FIRST || g->fn == SEG_EV_LAST;
    if (ordered) {
      fputs(" AND e.", f);
      put_ident(f, e->names[t->evtime], 0);
      fputs(" IS NOT NULL", f);
    }
    if (g->where) {
      fputs(" AND ", f);
      if (g->fn == SEG_EV_ALL) fputs(dl(q)->is_true ? "(" : "NOT COALESCE(", f);
      q->ev = t;
      expr(q, g->where);
      q->ev = NULL;
      if (g->fn == SEG_EV_ALL) fputs(dl(q)->is_true ? ") IS NOT TRUE" : o->dialect == SEG_SQL_SQLITE ? ", 0)" : ", FALSE)", f);
    }
    if (ordered) {
      const char *dir = g->fn == SEG_EV_FIRST ? "" : " DESC";
      fputs(" ORDER BY e.", f);
      put_ident(f, e->names[t->evtime], 0);
      fputs(dir, f);
      /* ties in time: the file's row order, which the row's physical position keeps in a table
      ** loaded from the export and not rewritten since (docs/sql.md) */
      if (o->dialect == SEG_SQL_SQLITE || o->dialect == SEG_SQL_DUCKDB) fprintf(f, ", e.rowid%s", dir);
      else if (o->dialect == SEG_SQL_POSTGRES) fprintf(f, ", e.ctid%s", dir);
      fputs(" LIMIT 1", f);
    }
    fputc(')', f);
    if (wrap_sum) fputs(", 0)", f);
    fprintf(f, " AS \"seg$e%d\"", k);
  }
  fputs("\n  FROM ", f);
  put_ident(f, o->table, 1);
  fputs(" c\n)", f);
}

/* The relation the segments read: the customers, with the event
** aggregates' columns when there are any. */
static void put_base(sq *q) {
  if (q->ast->nevaggs) fputs("\"seg$e\"", q->f);
  else put_ident(q->f, q->o->table, 1);
}

int seg_sql_emit(const seg_ast *ast, const char *src, size_t srclen, const seg_sql_opts *o, FILE *out,
                 seg_diags *diags) {
  char *body = NULL;
  size_t bodylen = 0;
  sq qs = {o, diags, open_memstream(&body, &bodylen), 0, 0, 0, NULL, 0, NULL, 0, ast, NULL}, *q = &qs;
  if (!q->f) return -1;
  char today[11];
  seg_date_format(o->today, today);
  FILE *f = q->f;
  if (o->today_param)
    fprintf(f, "-- seg sql --dialect %s --shape %s: %s, today the parameter %s (a DATE%s)\n", DIALECTS[o->dialect],
            SHAPES[o->shape], o->source ? o->source : "rules", TODAY_PARAM[o->dialect],
            o->dialect == SEG_SQL_SQLITE ? ", as 'YYYY-MM-DD' text" : "");
  else
    fprintf(f, "-- seg sql --dialect %s --shape %s: %s, today %s\n", DIALECTS[o->dialect], SHAPES[o->shape],
            o->source ? o->source : "rules", today);
  if (!CH(q)) fputs("-- a segment's members are the rows where its column is true (not false, not NULL)\n", f);
  /* `require G`: every segment is `G AND (its rule)` */
  seg_node *guard = NULL, *extra = NULL;
  for (const seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind == S_MEASURE) collect_aggs(q, t->expr);
    if (t->kind != S_REQUIRE || !t->expr) continue;
    comment(f, src, srclen, t, "");
    if (!guard) { guard = t->expr; continue; }
    seg_node *both = calloc(1, sizeof *both);
    if (!both) { q->oom = 1; break; }
    guarded(guard, t->expr, both);
    both->next = extra;                 /* freed at the end */
    extra = both;
    guard = both;
  }
  for (const seg_stmt *t = ast->first; t; t = t->next)
    if (t->kind == S_SEGMENT || t->kind == S_REQUIRE) collect_ranks(q, t->expr);
  if (q->naggs && CH(q))
    refuse_why(q, q->aggs[0], "measures", "measures are written for the SQL-standard dialects, not ClickHouse yet");
  if (ast->nevaggs && CH(q))
    refuse_why(q, ast->evaggs[0].node, "aggregates of event tables",
               "they are correlated subqueries, which ClickHouse 18 does not run");
  for (int k = 0; k < q->naggs && !CH(q) && o->shape == SEG_SQL_COUNTS; k++)
    if ((q->aggs[k]->op == SEG_AG_MEDIAN || q->aggs[k]->op == SEG_AG_PERCENTILE) &&
        o->dialect != SEG_SQL_POSTGRES && o->dialect != SEG_SQL_DUCKDB)
      refuse_why(q, q->aggs[k], "median() and percentile()",
                 "this dialect has no continuous percentile aggregate seg has checked (PostgreSQL and DuckDB do)");
  if (CH(q)) {
    fputs("-- ClickHouse's NULL logic is not SQL's: every condition is written out as true (1) or not\n", f);
    emit_clickhouse(q, ast, src, srclen, guard);
    goto done;
  }
  if (o->shape == SEG_SQL_FLAGS && o->view) {
    fputs("CREATE VIEW ", f);
    put_ident(f, o->view, 1);
    fputs(" AS\n", f);
  }
  fputs("WITH ", f);
  if (ast->nevaggs) {
    event_cte(q);
    fputs(", ", f);
  }
  if (q->nrsrc) {
    /* the rankings: each source's L, G and N, before the flags read them */
    fputs("\"seg$r\" AS (\n  SELECT\n    *", f);
    rank_columns(q);
    fputs("\n  FROM ", f);
    put_base(q);
    fputs("\n), flags AS (\n  SELECT\n", f);
  } else {
    fputs("flags AS (\n  SELECT\n", f);
  }
  if (o->shape != SEG_SQL_COUNTS) {
    fputs("    ", f);
    put_ident(f, o->key, 0);
    fputs(",\n", f);
  }
  int first = 1;
  for (const seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind != S_SEGMENT) continue;
    if (!first) fputs(",\n", f);
    first = 0;
    rule_comment(f, src, srclen, t, "    ");
    fputs("    ", f);
    seg_node g;
    expr(q, guarded(guard, t->expr, &g));
    fputs(" AS ", f);
    put_ident(f, t->name, 0);
  }
  for (const seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind != S_PRIORITY || !t->expr) continue;
    if (!first) fputs(",\n", f);
    first = 0;
    comment(f, src, srclen, t, "    ");
    fputs("    ", f);
    priority_case(q, t, guard);
    fputs(" AS ", f);
    put_ident(f, t->name, 0);
  }
  if (o->shape == SEG_SQL_COUNTS)
    for (int k = 0; k < q->naggs; k++) {
      if (!first) fputs(",\n", f);
      first = 0;
      char col[32];
      snprintf(col, sizeof col, "seg$a%d", k);
      fputs("    ", f);
      agg_column(q, q->aggs[k]);
      fputs(" AS ", f);
      put_ident(f, col, 0);
    }
  if (first) fputs("    1 AS \"no segments\"", f);
  fputs("\n  FROM ", f);
  if (q->nrsrc) fputs("\"seg$r\"", f);
  else put_base(q);
  fputs("\n)\n", f);
  if (o->shape == SEG_SQL_FLAGS) {
    fputs("SELECT\n  ", f);
    put_ident(f, o->key, 0);
    for (const seg_stmt *t = ast->first; t; t = t->next) {
      if (t->kind != S_SEGMENT) continue;
      fputs(",\n  CASE WHEN ", f);
      put_ident(f, t->name, 0);
      fprintf(f, " THEN %s ELSE %s END AS ", o->dialect == SEG_SQL_SQLITE ? "1" : "TRUE",
              o->dialect == SEG_SQL_SQLITE ? "0" : "FALSE");
      put_ident(f, t->name, 0);
    }
    for (const seg_stmt *t = ast->first; t; t = t->next)
      if (t->kind == S_PRIORITY) { fputs(",\n  ", f); put_ident(f, t->name, 0); }
    fputs("\nFROM flags\nORDER BY ", f);
    put_ident(f, o->key, 0);
    fputs(";\n", f);
  } else if (ast->nsegments > 0) {
    union_of(q, ast, o->shape == SEG_SQL_MEMBERS);
  } else {
    fputs("SELECT NULL AS segment WHERE FALSE;\n", f);
  }
done:;
  while (extra) {
    seg_node *next = extra->next;
    free(extra);
    extra = next;
  }
  free(q->aggs);
  free(q->rsrc);
  int bad = ferror(f);
  fclose(f);
  if (q->oom || bad || !body) {
    free(body);
    return -1;
  }
  if (q->errors) {
    free(body);
    return q->errors;
  }
  fwrite(body, 1, bodylen, out);
  free(body);
  return 0;
}
