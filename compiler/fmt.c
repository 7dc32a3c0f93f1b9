/*
** fmt.c -- the canonical printer behind `seg fmt` (see fmt.h for the rules).
**
** The AST has no comments and no token text, so two things come from the
** source itself: the comments (scanned here the way the lexer skips
** strings and backtick names) and the few spellings that are kept as
** written (`between`, `before`, `after`: the word after the left operand).
*/
#include "fmt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <strings.h>

#include "date.h"
#include "parse.h"

/* ---- growing buffer ------------------------------------------------- */

typedef struct sbuf { char *p; size_t n, cap; int oom; } sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n + 1) cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q) { b->oom = 1; return; }
    b->p = q;
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}
static void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
static void sb_putc(sbuf *b, char c) { sb_putn(b, &c, 1); }
static void sb_spaces(sbuf *b, int n) { for (int i = 0; i < n; i++) sb_putc(b, ' '); }

/* Columns of UTF-8 text: code points, as the lexer counts them. */
static int width_of(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++) if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
  return w;
}

/* ---- source: lines and comments -------------------------------------- */

typedef struct cmt {
  int line;
  int own;              /* alone on its line (else after code)         */
  const char *text;     /* from '#', trailing blanks removed           */
  size_t len;
  int stmt;             /* index of the statement it falls in, or -1    */
} cmt;

typedef struct fctx {
  const char *src;
  size_t len;
  size_t *line_off;     /* byte offset of each line (1-based index - 1) */
  int nlines;
  cmt *c;
  int nc;
  sbuf out;
} fctx;

static int scan_source(fctx *f) {
  const char *s = f->src;
  size_t n = f->len;
  int lines = 1;
  for (size_t i = 0; i < n; i++) if (s[i] == '\n') lines++;
  f->line_off = malloc((size_t)lines * sizeof *f->line_off);
  f->c = malloc((size_t)lines * sizeof *f->c);   /* at most one comment a line */
  if (!f->line_off || !f->c) return -1;
  f->nlines = 0;
  f->line_off[f->nlines++] = 0;
  int line = 1, own = 1;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (ch == '\n') {
      line++;
      own = 1;
      f->line_off[f->nlines++] = i + 1;
      continue;
    }
    if (ch == ' ' || ch == '\t' || ch == '\r') continue;
    if (ch == '#') {
      size_t j = i;
      while (j < n && s[j] != '\n') j++;
      size_t e = j;
      while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) e--;
      f->c[f->nc++] = (cmt){line, own, s + i, e - i, -1};
      i = j - 1;
      continue;
    }
    own = 0;
    if (ch == '"' || ch == '\'') {
      size_t j = i + 1;
      while (j < n && s[j] != ch && s[j] != '\n') j += (s[j] == '\\' && j + 1 < n && s[j + 1] != '\n') ? 2 : 1;
      i = (j < n && s[j] == '\n') ? j - 1 : j;
    } else if (ch == '`') {
      size_t j = i + 1;
      for (;;) {
        while (j < n && s[j] != '`' && s[j] != '\n') j++;
        if (j + 1 < n && s[j] == '`' && s[j + 1] == '`') { j += 2; continue; }
        break;
      }
      i = (j < n && s[j] == '\n') ? j - 1 : j;
    }
  }
  return 0;
}

/* Byte offset just after the last character of a location. */
static size_t offset_after(const fctx *f, int line, int col) {
  if (line < 1 || line > f->nlines) return f->len;
  size_t i = f->line_off[line - 1];
  for (int k = 1; k <= col && i < f->len; k++) {   /* past `col` code points */
    i++;
    while (i < f->len && ((unsigned char)f->src[i] & 0xC0) == 0x80) i++;
  }
  return i;
}

/* The keyword that follows node n in the source (blanks and comments
** skipped), compared case-insensitively with w. */
static int word_after(const fctx *f, const seg_node *n, const char *w) {
  size_t i = offset_after(f, n->loc.last_line, n->loc.last_column);
  for (;;) {
    while (i < f->len && (f->src[i] == ' ' || f->src[i] == '\t' || f->src[i] == '\r' || f->src[i] == '\n')) i++;
    if (i < f->len && f->src[i] == '#') {
      while (i < f->len && f->src[i] != '\n') i++;
      continue;
    }
    break;
  }
  size_t wl = strlen(w);
  if (i + wl > f->len || strncasecmp(f->src + i, w, wl) != 0) return 0;
  if (i + wl < f->len) {
    char c = f->src[i + wl];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') return 0;
  }
  return 1;
}

/* ---- atoms ------------------------------------------------------------ */

static const char *const KEYWORDS[] = {
  "segment", "let", "and", "or", "not", "in", "is", "missing", "contains", "starts", "ends",
  "with", "matches", "between", "within", "more", "less", "than", "ago", "before", "after",
  "today", "yesterday", "since", "true", "false", "day", "days", "week", "weeks", "month", "months", "year", "years",
  "split", "by", NULL
};

static int is_plain_name(const char *s) {
  if (!s || !*s) return 0;
  size_t n = strlen(s);
  const char *dot = strchr(s, '.');
  if (dot && dot > s && dot[1] && !strchr(dot + 1, '.')) {    /* a split's arm, `q4.test`: one token */
    size_t l1 = (size_t)(dot - s), l2 = n - l1 - 1;
    if (seg_ident_prefix(s, l1) != l1 || seg_ident_prefix(dot + 1, l2) != l2) return 0;
    size_t nf_len = 0;
    uint8_t *nf = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL, &nf_len);
    int same = nf && nf_len == n && memcmp(nf, s, n) == 0;
    free(nf);
    return same;
  }
  if (seg_ident_prefix(s, n) != n) return 0;
  size_t q = 0;
  while (q < n && (unsigned char)s[q] < 0x80) q++;
  if (q < n) {                           /* a bare name is read back in NFC */
    size_t nf_len = 0;
    uint8_t *nf = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL, &nf_len);
    int same = nf && nf_len == n && memcmp(nf, s, n) == 0;
    free(nf);
    if (!same) return 0;
  }
  for (int i = 0; KEYWORDS[i]; i++) if (strcasecmp(s, KEYWORDS[i]) == 0) return 0;
  return 1;
}

static void put_name(sbuf *b, const char *s) {
  if (is_plain_name(s)) { sb_puts(b, s); return; }
  sb_putc(b, '`');
  for (const char *p = s; *p; p++) {
    if (*p == '`') sb_putc(b, '`');
    sb_putc(b, *p);
  }
  sb_putc(b, '`');
}

/* A backslash is doubled only where the lexer would read it as an escape
** (before \ " ' or the closing quote); others, as in regexes, stay single. */
static void put_string(sbuf *b, const char *s, size_t n) {
  sb_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '"') sb_puts(b, "\\\"");
    else if (c == '\\') {
      char nx = i + 1 < n ? s[i + 1] : '"';
      sb_puts(b, (nx == '"' || nx == '\'' || nx == '\\') ? "\\\\" : "\\");
    } else sb_putc(b, c);
  }
  sb_putc(b, '"');
}

static void put_uint(sbuf *b, uint64_t v) {
  char tmp[32];
  int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
  for (int i = 0; i < len; i++) {
    if (v >= 10000 && i > 0 && (len - i) % 3 == 0) sb_putc(b, '_');
    sb_putc(b, tmp[i]);
  }
}

static void put_int(sbuf *b, int64_t v) {
  if (v < 0) { sb_putc(b, '-'); put_uint(b, (uint64_t)0 - (uint64_t)v); }
  else put_uint(b, (uint64_t)v);
}

/* The shortest digits that read back as v, written positionally (the
** language has no exponent form): 0.1, 2.5, 1000000.0. */
static void put_double(sbuf *b, double v) {
  if (signbit(v)) { sb_putc(b, '-'); v = -v; }
  if (!isfinite(v)) { sb_puts(b, "0.0"); return; }
  char e[64];
  for (int p = 1; p <= 17; p++) {
    snprintf(e, sizeof e, "%.*e", p - 1, v);
    if (strtod(e, NULL) == v) break;
  }
  char dig[32];
  int nd = 0;
  const char *q = e;
  for (; *q && *q != 'e'; q++) if (*q >= '0' && *q <= '9' && nd < 31) dig[nd++] = *q;
  int ex = *q == 'e' ? atoi(q + 1) : 0;
  while (nd > 1 && dig[nd - 1] == '0') nd--;
  int point = ex + 1;   /* digits before the decimal point */
  if (point <= 0) {
    sb_puts(b, "0.");
    for (int i = 0; i < -point; i++) sb_putc(b, '0');
    sb_putn(b, dig, (size_t)nd);
  } else if (point >= nd) {
    sb_putn(b, dig, (size_t)nd);
    for (int i = nd; i < point; i++) sb_putc(b, '0');
    sb_puts(b, ".0");
  } else {
    sb_putn(b, dig, (size_t)point);
    sb_putc(b, '.');
    sb_putn(b, dig + point, (size_t)(nd - point));
  }
}

/* ---- expressions ------------------------------------------------------ */

/* or 1 < and 2 < not 3 < comparison / predicate 4 < + - 5 < * / 6 <
** unary minus 7 < duration suffix 8 < primary 9 */
static int prec_of(const seg_node *n) {
  switch (n->kind) {
  case SEG_N_OR: return 1;
  case SEG_N_AND: return 2;
  case SEG_N_NOT: return 3;
  case SEG_N_BIN:
    if (n->op == '+' || n->op == '-') return 5;
    if (n->op == '*' || n->op == '/') return 6;
    return 4;
  case SEG_N_RANGE: case SEG_N_IN: case SEG_N_MISSING: case SEG_N_IS: case SEG_N_TEXTOP: case SEG_N_WITHIN: case SEG_N_AGO: case SEG_N_RANK: return 4;
  case SEG_N_NEG: return 7;
  case SEG_N_DURATION: return 8;
  default: return 9;
  }
}

static int neg_literal(const seg_node *n) {
  return (n->kind == SEG_N_INT && n->ival < 0) || (n->kind == SEG_N_NUM && signbit(n->fval));
}

/* Can n be written as a range bound (`bound` / `sbound` in parser.y)? */
static int is_bound(const seg_node *n) {
  switch (n->kind) {
  case SEG_N_INT: case SEG_N_NUM: case SEG_N_DATE: case SEG_N_STR: case SEG_N_NAME: case SEG_N_TODAY: return 1;
  default: return 0;
  }
}

static void pr(fctx *f, sbuf *b, const seg_node *n, int minprec);

/* " in this month", " in last year" (n a period range) */
static void pr_period(sbuf *b, const seg_node *n) {
  sb_puts(b, n->period == 2 ? " in last " : " in this ");
  sb_puts(b, n->unit == U_YEAR ? "year" : n->unit == U_MONTH ? "month" : "week");
}

static void pr_leaf(fctx *f, sbuf *b, const seg_node *n) {
  char d[11];
  switch (n->kind) {
  case SEG_N_INT: put_int(b, n->ival); break;
  case SEG_N_NUM:
    if (n->op > 0 && !(n->fval == 0 && signbit(n->fval))) {   /* the decimal as written (-0.0 as a double) */
      char d48[48];
      seg_dec_format(d48, n->ival, (uint32_t)n->op - 1);
      sb_puts(b, d48);
    } else {
      put_double(b, n->fval);
    }
    break;
  case SEG_N_STR: put_string(b, n->str ? n->str : "", n->str ? n->len : 0); break;
  case SEG_N_BOOL: sb_puts(b, n->ival ? "true" : "false"); break;
  case SEG_N_DATE: seg_date_format((int32_t)n->ival, d); sb_puts(b, d); break;
  case SEG_N_TODAY: sb_puts(b, n->ival == -1 ? "yesterday" : "today"); break;
  case SEG_N_NAME: put_name(b, n->str ? n->str : ""); break;
  default: pr(f, b, n, 1); break;
  }
}

static const char *cmp_text(int op) {
  switch (op) {
  case SEG_OPR_LT: return "<"; case SEG_OPR_LE: return "<="; case SEG_OPR_GT: return ">";
  case SEG_OPR_GE: return ">="; case SEG_OPR_EQ: return "="; case SEG_OPR_NE: return "!=";
  case '+': return "+"; case '-': return "-"; case '*': return "*"; case '/': return "/";
  case SEG_OPR_CONTAINS: return "contains"; case SEG_OPR_STARTS: return "starts with";
  case SEG_OPR_ENDS: return "ends with"; case SEG_OPR_MATCHES: return "matches";
  default: return "?";
  }
}

static void pr(fctx *f, sbuf *b, const seg_node *n, int minprec) {
  if (!n) return;
  int p = prec_of(n);
  int paren = p < minprec;
  if (paren) sb_putc(b, '(');
  switch (n->kind) {
  case SEG_N_OR:
    pr(f, b, n->a, 1); sb_puts(b, " or "); pr(f, b, n->b, 2);
    break;
  case SEG_N_AND:
    pr(f, b, n->a, 2); sb_puts(b, " and "); pr(f, b, n->b, 3);
    break;
  case SEG_N_NOT:
    if (n->negated && n->a && n->a->kind == SEG_N_RANGE && n->a->period) {   /* `d not in this month` */
      pr(f, b, n->a->a, 5);
      sb_puts(b, " not");
      pr_period(b, n->a);
      break;
    }
    sb_puts(b, "not "); pr(f, b, n->a, 3);
    break;
  case SEG_N_BIN:
    if (p == 4) {
      pr(f, b, n->a, 5);
      if (n->op == SEG_OPR_LT && word_after(f, n->a, "before")) sb_puts(b, " before ");
      else if (n->op == SEG_OPR_GT && word_after(f, n->a, "after")) sb_puts(b, " after ");
      else if (n->op == SEG_OPR_GE && word_after(f, n->a, "since")) sb_puts(b, " since ");
      else { sb_putc(b, ' '); sb_puts(b, cmp_text(n->op)); sb_putc(b, ' '); }
      pr(f, b, n->b, 5);
    } else {
      pr(f, b, n->a, p); sb_putc(b, ' '); sb_puts(b, cmp_text(n->op)); sb_putc(b, ' '); pr(f, b, n->b, p + 1);
    }
    break;
  case SEG_N_NEG:
    /* `- -x`, not `--x`, which reads like an SQL comment */
    sb_puts(b, n->a && n->a->kind == SEG_N_NEG && prec_of(n->a) >= 7 ? "- " : "-");
    pr(f, b, n->a, 7);
    break;
  case SEG_N_DURATION: {
    static const char *const units[] = {"day", "week", "month", "year"};
    pr(f, b, n->a, 9);
    sb_putc(b, ' ');
    sb_puts(b, units[n->unit <= U_YEAR ? n->unit : 0]);
    if (!(n->a && n->a->kind == SEG_N_INT && n->a->ival == 1)) sb_putc(b, 's');
    break;
  }
  case SEG_N_RANGE: {
    pr(f, b, n->a, 5);
    if (n->period) { pr_period(b, n); break; }
    int between = n->b && n->c &&
                  (word_after(f, n->a, "between") || !is_bound(n->b) || !is_bound(n->c));
    if (between) {
      sb_puts(b, " between "); pr(f, b, n->b, 5); sb_puts(b, " and "); pr(f, b, n->c, 5);
    } else {
      sb_puts(b, n->b && neg_literal(n->b) ? " in " : " ");
      if (n->b) pr_leaf(f, b, n->b);
      sb_puts(b, "..");
      if (n->c) pr_leaf(f, b, n->c);
    }
    break;
  }
  case SEG_N_IN:
    pr(f, b, n->a, 5);
    if (n->bare && n->list) {                 /* `country in nordics` */
      sb_puts(b, n->negated ? " not in " : " in ");
      put_name(b, n->list->str ? n->list->str : "");
      break;
    }
    sb_puts(b, n->negated ? " not in (" : " in (");
    for (const seg_node *k = n->list; k; k = k->next) {
      pr(f, b, k, 5);
      if (k->next) sb_puts(b, ", ");
    }
    sb_putc(b, ')');
    break;
  case SEG_N_MISSING:
    pr(f, b, n->a, 5);
    sb_puts(b, n->negated ? " is not missing" : " is missing");
    break;
  case SEG_N_IS:
    pr(f, b, n->a, 5);
    sb_puts(b, n->negated ? " is not " : " is ");
    sb_puts(b, n->op ? "true" : "false");
    break;
  case SEG_N_TEXTOP:
    pr(f, b, n->a, 5);
    sb_puts(b, n->negated ? " not " : " ");
    sb_puts(b, cmp_text(n->op));
    sb_putc(b, ' ');
    pr(f, b, n->b, 5);
    break;
  case SEG_N_WITHIN:
    pr(f, b, n->a, 5); sb_puts(b, " within "); pr(f, b, n->b, 5);
    break;
  case SEG_N_RANK:      /* only `x in top 10% [within s]` comes from the parser */
    pr(f, b, n->a, 5);
    sb_puts(b, n->op == SEG_RK_BOTTOM ? " in bottom " : " in top ");
    pr(f, b, n->c, 9);
    sb_putc(b, '%');
    if (n->b) { sb_puts(b, " within "); pr(f, b, n->b, 9); }
    break;
  case SEG_N_AGO:
    pr(f, b, n->a, 5);
    sb_puts(b, n->op == SEG_OPR_LT ? " less than " : " more than ");
    pr(f, b, n->b, 5);
    sb_puts(b, " ago");
    break;
  case SEG_N_LIST:     /* a let's list: `[x]` when it has one value, since `(x)` is x */
    sb_putc(b, n->list && n->list->next ? '(' : '[');
    for (const seg_node *k = n->list; k; k = k->next) {
      pr(f, b, k, 1);
      if (k->next) sb_puts(b, ", ");
    }
    sb_putc(b, n->list && n->list->next ? ')' : ']');
    break;
  case SEG_N_CALL:
    sb_puts(b, n->str ? n->str : "");
    sb_putc(b, '(');
    for (const seg_node *k = n->list; k; k = k->next) {
      pr(f, b, k, 1);
      if (k->next) sb_puts(b, ", ");
    }
    if (n->b) { sb_puts(b, n->list ? " where " : "where "); pr(f, b, n->b, 1); }   /* an aggregate's filter */
    sb_putc(b, ')');
    break;
  default:
    pr_leaf(f, b, n);
    break;
  }
  if (paren) sb_putc(b, ')');
}

/* ---- statements --------------------------------------------------------- */

typedef struct item {
  int indent;
  const char *op;        /* "and " / "or " before the operand, or ""  */
  const seg_node *n;
  int minprec;
  sbuf text;             /* the operand                                */
  sbuf before;           /* own-line comments before it (\n-separated) */
  sbuf trail;            /* trailing comments                          */
} item;

typedef struct items { item *v; int n, cap; int oom; } items;

static item *add_item(items *it, int indent, const char *op, const seg_node *n, int minprec) {
  if (it->n == it->cap) {
    int cap = it->cap ? it->cap * 2 : 8;
    item *v = realloc(it->v, (size_t)cap * sizeof *v);
    if (!v) { it->oom = 1; return NULL; }
    it->v = v;
    it->cap = cap;
  }
  item *x = &it->v[it->n++];
  memset(x, 0, sizeof *x);
  x->indent = indent;
  x->op = op;
  x->n = n;
  x->minprec = minprec;
  return x;
}

static void render_item(fctx *f, item *x) {
  pr(f, &x->text, x->n, x->minprec);
  if (x->text.oom) x->text.n = 0;
}

/* One operand a line: the chain of `kind` under n, its first operand at
** `indent` after `op`, the others at `sub` after the chain's keyword. */
static void add_chain(fctx *f, items *it, const seg_node *n, int indent, const char *op, int sub) {
  seg_nkind k = n->kind;
  int kp = k == SEG_N_OR ? 1 : 2;
  int depth = 0;
  for (const seg_node *t = n; t->kind == k; t = t->a) depth++;
  const seg_node **ops = malloc(((size_t)depth + 1) * sizeof *ops);
  if (!ops) { it->oom = 1; return; }
  /* left spine ((o1 k o2) k o3) ...: o1 is the innermost left operand */
  int no = depth + 1;
  const seg_node *t = n;
  for (int d = depth; d >= 1; d--) { ops[d] = t->b; t = t->a; }
  ops[0] = t;
  for (int i = 0; i < no; i++) {
    int ind = i == 0 ? indent : sub;
    const char *o = i == 0 ? op : (k == SEG_N_OR ? "or " : "and ");
    int mp = i == 0 ? kp : kp + 1;
    item *x = add_item(it, ind, o, ops[i], mp);
    if (!x) break;
    render_item(f, x);
    if (k == SEG_N_OR && ops[i]->kind == SEG_N_AND &&
        ind + width_of(o, strlen(o)) + width_of(x->text.p ? x->text.p : "", x->text.n) > SEG_FMT_WIDTH) {
      free(x->text.p);
      it->n--;
      add_chain(f, it, ops[i], ind, o, ind + 4);
      if (it->oom) break;
    }
  }
  free(ops);
}

static void put_comments_trailing(sbuf *b, const sbuf *trail) {
  if (trail->n) { sb_puts(b, "  "); sb_putn(b, trail->p, trail->n); }
}

static void put_comment_text(sbuf *dst, const cmt *c) {
  if (dst->n) sb_putc(dst, ' ');
  sb_putn(dst, c->text, c->len);
}

/* priority NAME = a, b, else c: one line when it fits, else one tier a
** line; the statement's own-line comments go before it, a trailing comment
** stays at the end of the line of the tier it followed. */
static void print_priority(fctx *f, const seg_stmt *s, int si) {
  sbuf *o = &f->out, line = {0};
  int ntier = 0;
  for (const seg_node *n = s->expr; n; n = n->next) ntier++;
  int nitem = ntier + (s->where != NULL);
  sbuf *trail = calloc((size_t)nitem + 1, sizeof *trail);
  if (!trail) { o->oom = 1; return; }
  int any_trail = 0;
  for (int c = 0; c < f->nc; c++) {
    const cmt *m = &f->c[c];
    if (m->stmt != si) continue;
    if (m->own) { sb_putn(o, m->text, m->len); sb_putc(o, '\n'); continue; }
    int k = 0, best = 0;
    for (const seg_node *n = s->expr; n; n = n->next, k++) if (n->loc.first_line <= m->line) best = k;
    if (s->where && s->where->loc.first_line <= m->line) best = ntier;
    put_comment_text(&trail[best], m);
    any_trail++;
  }
  sb_puts(&line, "priority ");
  put_name(&line, s->name ? s->name : "");
  sb_puts(&line, " =");
  size_t headn = line.n;
  for (const seg_node *n = s->expr; n; n = n->next) {
    sb_putc(&line, ' ');
    put_name(&line, n->str ? n->str : "");
    if (n->next || s->where) sb_putc(&line, ',');
  }
  if (s->where) { sb_puts(&line, " else "); put_name(&line, s->where->str ? s->where->str : ""); }
  int last_only = any_trail == 0 || (any_trail && trail[nitem - 1].n && any_trail == 1);
  if (last_only && width_of(line.p ? line.p : "", line.n) <= SEG_FMT_WIDTH) {
    sb_putn(o, line.p, line.n);
    put_comments_trailing(o, &trail[nitem - 1]);
    sb_putc(o, '\n');
  } else {
    sb_putn(o, line.p, headn);
    sb_putc(o, '\n');
    int k = 0;
    for (const seg_node *n = s->expr; n; n = n->next, k++) {
      sb_spaces(o, 4);
      put_name(o, n->str ? n->str : "");
      if (n->next || s->where) sb_putc(o, ',');
      put_comments_trailing(o, &trail[k]);
      sb_putc(o, '\n');
    }
    if (s->where) {
      sb_spaces(o, 4);
      sb_puts(o, "else ");
      put_name(o, s->where->str ? s->where->str : "");
      put_comments_trailing(o, &trail[ntier]);
      sb_putc(o, '\n');
    }
  }
  if (line.oom) o->oom = 1;
  for (int k = 0; k < nitem; k++) { if (trail[k].oom) o->oom = 1; free(trail[k].p); }
  free(trail);
  free(line.p);
}

/* `split q4 = base by key [salt "s"]: arm P%, ...`: one line, or the arms
** on the next when it is too long; its comments after it. */
static void print_split(fctx *f, const seg_stmt *s, int si) {
  sbuf *o = &f->out, head = {0}, arms = {0}, trail = {0};
  sb_puts(&head, "split ");
  put_name(&head, s->name);
  sb_puts(&head, " = ");
  if (!s->base) sb_puts(&head, "everyone");
  else if (strcasecmp(s->base->str, "everyone") == 0) {       /* a segment so named: backticked */
    sb_putc(&head, '`'); sb_puts(&head, s->base->str); sb_putc(&head, '`');
  } else put_name(&head, s->base->str);
  sb_puts(&head, " by ");
  put_name(&head, s->key->str);
  if (s->has_salt) { sb_puts(&head, " salt "); put_string(&head, s->salt, strlen(s->salt)); }
  sb_putc(&head, ':');
  for (const seg_arm *a = s->arms; a; a = a->next) {
    char pct[32];
    if (a->n % 100 == 0) snprintf(pct, sizeof pct, " %u%%", a->n / 100);
    else if (a->n % 10 == 0) snprintf(pct, sizeof pct, " %u.%u%%", a->n / 100, a->n / 10 % 10);
    else snprintf(pct, sizeof pct, " %u.%02u%%", a->n / 100, a->n % 100);
    if (a != s->arms) sb_puts(&arms, ", ");
    put_name(&arms, a->name);
    sb_puts(&arms, pct);
  }
  for (int c = 0; c < f->nc; c++)
    if (f->c[c].stmt == si) put_comment_text(&trail, &f->c[c]);
  sb_putn(o, head.p, head.n);
  if (width_of(head.p, head.n) + 1 + width_of(arms.p ? arms.p : "", arms.n) <= SEG_FMT_WIDTH) sb_putc(o, ' ');
  else { sb_putc(o, '\n'); sb_spaces(o, 4); }
  sb_putn(o, arms.p, arms.n);
  put_comments_trailing(o, &trail);
  sb_putc(o, '\n');
  if (head.oom || arms.oom || trail.oom) o->oom = 1;
  free(head.p);
  free(arms.p);
  free(trail.p);
}

/* `table orders by customer_id [= id] [time order_date]`: one line, its
** comments after it. */
static void print_table(fctx *f, const seg_stmt *s, int si) {
  sbuf *o = &f->out, trail = {0};
  sb_puts(o, "table ");
  put_name(o, s->name);
  sb_puts(o, " by ");
  put_name(o, s->key && s->key->str ? s->key->str : "");
  if (s->custkey && !(s->key && s->key->str && s->custkey->str && strcmp(s->key->str, s->custkey->str) == 0)) {
    sb_puts(o, " = ");                       /* (`by id = id` is `by id`) */
    put_name(o, s->custkey->str ? s->custkey->str : "");
  }
  if (s->timecol) { sb_puts(o, " time "); put_name(o, s->timecol->str ? s->timecol->str : ""); }
  for (int c = 0; c < f->nc; c++)
    if (f->c[c].stmt == si) put_comment_text(&trail, &f->c[c]);
  put_comments_trailing(o, &trail);
  sb_putc(o, '\n');
  if (trail.oom) o->oom = 1;
  free(trail.p);
}

static void print_stmt(fctx *f, const seg_stmt *s, int si) {
  sbuf *o = &f->out;
  if (s->kind == S_TABLE) { print_table(f, s, si); return; }
  if (s->kind == S_PRIORITY) { print_priority(f, s, si); return; }
  if (s->kind == S_SPLIT) { print_split(f, s, si); return; }
  sbuf head = {0};
  if (s->kind == S_REQUIRE) {
    sb_puts(&head, "require");
  } else {
    sb_puts(&head, s->kind == S_LET ? "let " : s->kind == S_MEASURE ? "measure " : "segment ");
    put_name(&head, s->name ? s->name : "");
    if (s->kind != S_LET && s->desc) { sb_putc(&head, ' '); put_string(&head, s->desc, strlen(s->desc)); }
    sb_puts(&head, " =");
  }
  if (head.oom) { o->oom = 1; free(head.p); return; }

  items it = {0};
  if (s->expr && (s->expr->kind == SEG_N_OR || s->expr->kind == SEG_N_AND)) add_chain(f, &it, s->expr, 4, "", 4);
  else if (s->expr) { item *x = add_item(&it, 4, "", s->expr, 1); if (x) render_item(f, x); }
  if (s->kind == S_MEASURE && s->where) {      /* a measure's filter: its own line when it breaks */
    item *x = add_item(&it, 4, "where ", s->where, 1);
    if (x) render_item(f, x);
  }
  sbuf headtrail = {0};

  /* attach this statement's comments */
  for (int c = 0; c < f->nc; c++) {
    const cmt *m = &f->c[c];
    if (m->stmt != si) continue;
    int placed = 0;
    if (m->own) {
      for (int k = 0; k < it.n && !placed; k++) {
        if (it.v[k].n->loc.first_line > m->line &&
            (k == 0 || it.v[k - 1].n->loc.last_line < m->line)) {
          if (it.v[k].before.n) sb_putc(&it.v[k].before, '\n');
          sb_putn(&it.v[k].before, m->text, m->len);
          placed = 1;
        }
      }
    }
    if (!placed) {
      int best = -1;
      for (int k = 0; k < it.n; k++) if (it.v[k].n->loc.first_line <= m->line) best = k;
      put_comment_text(best >= 0 ? &it.v[best].trail : &headtrail, m);
    }
  }

  /* one line, or header + one indented line, when nothing forces a break */
  int simple = !headtrail.n && it.n > 0;
  for (int k = 0; k < it.n && simple; k++)
    if (it.v[k].before.n || (k < it.n - 1 && it.v[k].trail.n)) simple = 0;
  sbuf full = {0};
  if (simple && s->expr) {
    pr(f, &full, s->expr, 1);
    if (s->kind == S_MEASURE && s->where) { sb_puts(&full, " where "); pr(f, &full, s->where, 1); }
    int w = width_of(full.p ? full.p : "", full.n);
    const sbuf *trail = &it.v[it.n - 1].trail;
    if (width_of(head.p, head.n) + 1 + w <= SEG_FMT_WIDTH) {
      sb_putn(o, head.p, head.n); sb_putc(o, ' '); sb_putn(o, full.p, full.n);
      put_comments_trailing(o, trail);
      sb_putc(o, '\n');
    } else if (4 + w <= SEG_FMT_WIDTH || it.n == 1) {
      sb_putn(o, head.p, head.n); sb_putc(o, '\n');
      sb_spaces(o, 4); sb_putn(o, full.p, full.n);
      put_comments_trailing(o, trail);
      sb_putc(o, '\n');
    } else simple = 0;
  } else simple = 0;
  if (!simple) {
    sb_putn(o, head.p, head.n);
    put_comments_trailing(o, &headtrail);
    sb_putc(o, '\n');
    for (int k = 0; k < it.n; k++) {
      item *x = &it.v[k];
      if (x->before.n) {
        const char *p = x->before.p, *e = p + x->before.n;
        while (p < e) {
          const char *nl = memchr(p, '\n', (size_t)(e - p));
          if (!nl) nl = e;
          sb_spaces(o, x->indent); sb_putn(o, p, (size_t)(nl - p)); sb_putc(o, '\n');
          p = nl + 1;
        }
      }
      sb_spaces(o, x->indent);
      sb_puts(o, x->op);
      sb_putn(o, x->text.p, x->text.n);
      put_comments_trailing(o, &x->trail);
      sb_putc(o, '\n');
    }
  }
  if (full.oom || headtrail.oom || it.oom) o->oom = 1;
  for (int k = 0; k < it.n; k++) {
    if (it.v[k].text.oom || it.v[k].before.oom || it.v[k].trail.oom) o->oom = 1;
    free(it.v[k].text.p); free(it.v[k].before.p); free(it.v[k].trail.p);
  }
  free(it.v);
  free(full.p);
  free(headtrail.p);
  free(head.p);
}

static int format_ast(fctx *f, const seg_ast *ast) {
  int nst = 0;
  for (const seg_stmt *s = ast->first; s; s = s->next) nst++;
  const seg_stmt **st = malloc(((size_t)nst + 1) * sizeof *st);
  if (!st) return -1;
  nst = 0;
  for (const seg_stmt *s = ast->first; s; s = s->next)
    if (!s->split) st[nst++] = s;          /* a split's arms are written by the split */
  /* which statement each comment falls in (the last one spanning its line) */
  int j = 0;
  for (int c = 0; c < f->nc; c++) {
    int L = f->c[c].line;
    while (j < nst && st[j]->loc.last_line < L) j++;
    for (int k = j; k < nst && st[k]->loc.first_line <= L; k++)
      if (st[k]->loc.last_line >= L) f->c[c].stmt = k;
  }
  /* merge top-level comments and statements in source order */
  int ci = 0, si = 0, maxend = 0, first = 1;
  while (ci < f->nc || si < nst) {
    if (ci < f->nc && f->c[ci].stmt >= 0) { ci++; continue; }
    int take_comment = ci < f->nc && (si >= nst || f->c[ci].line < st[si]->loc.first_line);
    int fl = take_comment ? f->c[ci].line : st[si]->loc.first_line;
    int ll = take_comment ? f->c[ci].line : st[si]->loc.last_line;
    if (!first && fl > maxend + 1) sb_putc(&f->out, '\n');
    first = 0;
    if (take_comment) {
      sb_putn(&f->out, f->c[ci].text, f->c[ci].len);
      sb_putc(&f->out, '\n');
      ci++;
    } else {
      print_stmt(f, st[si], si);
      si++;
    }
    if (ll > maxend) maxend = ll;
  }
  free(st);
  return f->out.oom ? -1 : 0;
}

int seg_fmt(const char *src, size_t len, seg_diags *diags, char **out, size_t *outlen) {
  *out = NULL;
  *outlen = 0;
  seg_arena arena = {0};
  seg_ast ast = {0};
  int rc = seg_parse(src, len, &arena, &ast, diags);
  if (rc != 0) {
    seg_arena_free(&arena);
    return rc;
  }
  fctx f = {0};
  f.src = src;
  f.len = len;
  rc = scan_source(&f);
  if (rc == 0) rc = format_ast(&f, &ast);
  free(f.line_off);
  free(f.c);
  seg_arena_free(&arena);
  if (rc != 0) { free(f.out.p); return -1; }
  if (!f.out.p) {
    f.out.p = malloc(1);
    if (!f.out.p) return -1;
    f.out.p[0] = 0;
  }
  *out = f.out.p;
  *outlen = f.out.n;
  return 0;
}

/* ---- structural equality ------------------------------------------------ */

static int str_eq(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

/* The decimal a number literal stands for: as written, or (more than 18
** decimals) its double's shortest digits, as seg_eval reads it */
static int num_dec(const seg_node *n, int64_t *v, uint32_t *s) {
  if (n->op > 0) { *v = n->ival; *s = (uint32_t)n->op - 1; return 1; }
  return seg_dec_of_double(n->fval, v, s);
}

static int node_eq(const seg_node *a, const seg_node *b) {
  if (!a || !b) return a == b;
  if (a->kind == SEG_N_NUM && b->kind == SEG_N_NUM) {
    /* 31.59223372036854775807 is printed as the 31.592233720368547 it reads as */
    int64_t va = 0, vb = 0;
    uint32_t sa = 0, sb = 0;
    int da = num_dec(a, &va, &sa), db = num_dec(b, &vb, &sb);
    return memcmp(&a->fval, &b->fval, sizeof a->fval) == 0 && da == db && va == vb && sa == sb;
  }
  if (a->kind != b->kind || a->op != b->op || a->negated != b->negated || a->unit != b->unit ||
      a->ival != b->ival || memcmp(&a->fval, &b->fval, sizeof a->fval) != 0)
    return 0;
  if (a->kind == SEG_N_STR) {
    if (a->len != b->len || (a->len && memcmp(a->str, b->str, a->len) != 0)) return 0;
  } else if (!str_eq(a->str, b->str)) {
    return 0;
  }
  if (!node_eq(a->a, b->a) || !node_eq(a->b, b->b) || !node_eq(a->c, b->c)) return 0;
  const seg_node *x = a->list, *y = b->list;
  for (; x && y; x = x->next, y = y->next) if (!node_eq(x, y)) return 0;
  return x == NULL && y == NULL;
}

int seg_fmt_ast_equal(const seg_ast *a, const seg_ast *b) {
  const seg_stmt *x = a->first, *y = b->first;
  for (; x && y; x = x->next, y = y->next) {
    if (x->kind != y->kind || !str_eq(x->name, y->name) || !str_eq(x->desc, y->desc) ||
        !node_eq(x->expr, y->expr) || !node_eq(x->where, y->where) || !str_eq(x->salt, y->salt))
      return 0;
    /* a table's key, customers' key and time column; a split's population,
    ** key and arms (`by id = id` is `by id`, which fmt writes) */
    const seg_node *ckx = x->custkey && x->key && str_eq(x->custkey->str, x->key->str) ? NULL : x->custkey;
    const seg_node *cky = y->custkey && y->key && str_eq(y->custkey->str, y->key->str) ? NULL : y->custkey;
    if (!node_eq(x->key, y->key) || !node_eq(ckx, cky) || !node_eq(x->timecol, y->timecol) ||
        !node_eq(x->base, y->base) || x->narms != y->narms)
      return 0;
    for (const seg_arm *p = x->arms, *q = y->arms; p || q; p = p->next, q = q->next)
      if (!p || !q || !str_eq(p->name, q->name) || p->lo != q->lo || p->n != q->n) return 0;
    if (x->kind == S_PRIORITY) {                  /* the tiers follow the first through next */
      const seg_node *p = x->expr ? x->expr->next : NULL, *q = y->expr ? y->expr->next : NULL;
      for (; p && q; p = p->next, q = q->next) if (!node_eq(p, q)) return 0;
      if (p || q) return 0;
    }
  }
  return x == NULL && y == NULL;
}

int seg_fmt_same_meaning(const char *a, size_t alen, const char *b, size_t blen) {
  seg_arena ar1 = {0}, ar2 = {0};
  seg_ast t1 = {0}, t2 = {0};
  seg_diags d1 = {0}, d2 = {0};
  int r1 = seg_parse(a, alen, &ar1, &t1, &d1);
  int r2 = seg_parse(b, blen, &ar2, &t2, &d2);
  int rc = (r1 < 0 || r2 < 0) ? -2 : (r1 != 0 || r2 != 0) ? -1 : seg_fmt_ast_equal(&t1, &t2);
  seg_diags_free(&d1);
  seg_diags_free(&d2);
  seg_arena_free(&ar1);
  seg_arena_free(&ar2);
  return rc;
}
