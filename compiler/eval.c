/*
** eval.c -- scalar evaluation of AST nodes with SQL three-valued logic.
**
** Booleans are Kleene: a missing boolean is *unknown*; `not unknown` is
** unknown, `unknown and false` is false, `unknown or true` is true. A
** comparison with a missing operand is unknown. Text comparisons are
** case-insensitive through Unicode full case folding.
*/
#include "eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "date.h"
#include "xalloc.h"

static seg_val v_missing(seg_vtype t) { seg_val v = {0}; v.type = t; v.missing = 1; return v; }
static seg_val v_int(int64_t i) { seg_val v = {0}; v.type = VT_INT; v.i = i; return v; }
static seg_val v_num(double f) { seg_val v = {0}; v.type = VT_NUM; v.f = f; return v; }
static seg_val v_date(int64_t d) { seg_val v = {0}; v.type = VT_DATE; v.i = d; return v; }
static seg_val v_bool(int b) { seg_val v = {0}; v.type = VT_BOOL; v.i = b != 0; return v; }
static seg_val v_unknown(void) { return v_missing(VT_BOOL); }

void seg_val_release(seg_val *v) {
  free(v->owned);
  v->owned = NULL;
}

char *seg_casefold(const char *s, size_t n, size_t *outlen) {
  size_t len = 0;
  /* libunistring allocates with its own malloc: seg_alloc_inject stands in */
  /* folded and composed (NFC): "o" + U+0308 folds like U+00F6 */
  uint8_t *r = seg_alloc_inject() ? NULL : u8_casefold((const uint8_t *)s, n, NULL, UNINORM_NFC, NULL, &len);
  if (!r) return NULL;
  *outlen = len;
  return (char *)r;
}

/* Folded bytes of a text value; a literal's folding is cached on its node.
** ASCII text (most e-mails, codes and tiers) folds to lower case in the
** caller's scratch buffer: the same bytes u8_casefold gives, no allocation. */
#define FOLD_SCRATCH 256
static const char *folded(const seg_node *src, const seg_val *v, size_t *n, char **tofree, char *scratch) {
  *tofree = NULL;
  if (src && src->kind == N_STR && src->folded) { *n = src->folded_len; return src->folded; }
  if (v->n <= FOLD_SCRATCH) {
    size_t i = 0;
    for (; i < v->n; i++) {
      unsigned char ch = (unsigned char)v->s[i];
      if (ch >= 0x80) break;
      scratch[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    if (i == v->n) {
      *n = v->n;
      return scratch;
    }
  }
  char *f = seg_casefold(v->s, v->n, n);
  *tofree = f;
  return f;
}

static double as_f(const seg_val *v) { return v->type == VT_NUM ? v->f : (double)v->i; }

/* Three-way compare of two present values of comparable types. */
static int compare(const seg_node *na, const seg_val *a, const seg_node *nb, const seg_val *b, int *err) {
  if (a->type == VT_TEXT) {
    size_t la, lb;
    char *fa, *fb, ba[FOLD_SCRATCH], bb[FOLD_SCRATCH];
    const char *sa = folded(na, a, &la, &fa, ba), *sb = folded(nb, b, &lb, &fb, bb);
    int r = 0;
    if (!sa || !sb) *err = 1;
    else {
      r = memcmp(sa, sb, la < lb ? la : lb);
      if (r == 0) r = (la > lb) - (la < lb);
    }
    free(fa);
    free(fb);
    return r;
  }
  if (a->type == VT_NUM || b->type == VT_NUM) {
    double x = as_f(a), y = as_f(b);
    return (x > y) - (x < y);
  }
  return (a->i > b->i) - (a->i < b->i);
}

static int cmp_holds(int op, int c) {
  switch (op) {
  case OP_LT: return c < 0;
  case OP_LE: return c <= 0;
  case OP_GT: return c > 0;
  case OP_GE: return c >= 0;
  case OP_EQ: return c == 0;
  default: return c != 0;
  }
}

static seg_val tri_not(seg_val v) { if (!v.missing) v.i = !v.i; return v; }

int64_t seg_date_shift(int64_t d, int64_t k, seg_unit unit) {
  switch (unit) {
  case U_DAY: return d + k;
  case U_WEEK: return d + 7 * k;
  case U_MONTH: return seg_date_add_months((int32_t)d, k);
  default: return seg_date_add_years((int32_t)d, k);
  }
}

static seg_val arith(int op, seg_val a, seg_val b) {
  if (a.type == VT_DATE && b.type == VT_DURATION) {
    if (a.missing || b.missing) return v_missing(VT_DATE);
    return v_date(seg_date_shift(a.i, op == '-' ? -b.i : b.i, b.unit));
  }
  if (a.type == VT_DATE && b.type == VT_DATE) {
    if (a.missing || b.missing) return v_missing(VT_INT);
    return v_int(a.i - b.i);
  }
  int num = a.type == VT_NUM || b.type == VT_NUM || op == '/';
  if (a.missing || b.missing) return v_missing(num ? VT_NUM : VT_INT);
  if (op == '/') {
    double y = as_f(&b);
    if (y == 0) return v_missing(VT_NUM);
    return v_num(as_f(&a) / y);
  }
  if (num) {
    double x = as_f(&a), y = as_f(&b);
    return v_num(op == '+' ? x + y : op == '-' ? x - y : x * y);
  }
  int64_t r;
  int ovf = op == '+' ? __builtin_add_overflow(a.i, b.i, &r)
          : op == '-' ? __builtin_sub_overflow(a.i, b.i, &r)
                      : __builtin_mul_overflow(a.i, b.i, &r);
  return ovf ? v_missing(VT_INT) : v_int(r);
}

static seg_val eval_call(const seg_node *n, seg_eval_env *env) {
  const seg_node *x = n->list;
  seg_val a = seg_eval(x, env);
  seg_val r = v_missing(n->type);
  switch (n->fn) {
  case F_DAYS_SINCE:
    if (!a.missing) r = v_int(env->today - a.i);
    break;
  case F_YEAR: case F_MONTH:
    if (!a.missing) {
      int64_t y;
      unsigned m, d;
      seg_date_civil_from_days((int32_t)a.i, &y, &m, &d);
      r = v_int(n->fn == F_YEAR ? y : (int64_t)m);
    }
    break;
  case F_LOWER: case F_UPPER:
    if (!a.missing) {
      size_t len = 0;
      uint8_t *t = seg_alloc_inject() ? NULL      /* stands in for libunistring's own malloc */
                 : n->fn == F_LOWER ? u8_tolower((const uint8_t *)a.s, a.n, NULL, NULL, NULL, &len)
                                    : u8_toupper((const uint8_t *)a.s, a.n, NULL, NULL, NULL, &len);
      if (!t) { env->error = 1; break; }
      r.type = VT_TEXT; r.missing = 0; r.s = (char *)t; r.n = len; r.owned = (char *)t;
    }
    break;
  case F_LENGTH:
    if (!a.missing) r = v_int((int64_t)u8_mbsnlen((const uint8_t *)a.s, a.n));
    break;
  case F_ABS:
    if (!a.missing) {
      if (a.type == VT_NUM) r = v_num(a.f < 0 ? -a.f : a.f);
      else if (a.i != INT64_MIN) r = v_int(a.i < 0 ? -a.i : a.i);
    }
    break;
  case F_COALESCE:
    for (const seg_node *k = x; k; k = k->next) {
      seg_val v = k == x ? a : seg_eval(k, env);
      if (!v.missing) {
        if (v.type == VT_INT && n->type == VT_NUM) { v.f = (double)v.i; v.type = VT_NUM; }
        if (k == x) a.owned = NULL;   /* ownership moves to the result */
        r = v;
        break;
      }
      if (k != x) seg_val_release(&v);
    }
    break;
  default:
    break;
  }
  seg_val_release(&a);
  return r;
}

static seg_val eval_textop(const seg_node *n, seg_eval_env *env) {
  seg_val a = seg_eval(n->a, env), b = seg_eval(n->b, env);
  seg_val r = v_unknown();
  if (!a.missing && !b.missing) {
    if (n->op == OP_MATCHES) {
      pcre2_code *re = n->cache;
      pcre2_match_data *md = re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
      if (!md) env->error = 1;
      else {
        int rc = pcre2_match(re, (PCRE2_SPTR)a.s, a.n, 0, 0, md, NULL);
        if (rc == PCRE2_ERROR_NOMEMORY) env->error = 1;
        else if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
          /* the matcher gave up (match or depth limit, ...): never "no match" */
          if (!env->error) {
            env->error = 2;
            env->match_error = rc;
          }
          r = v_unknown();
        } else r = v_bool(rc >= 0);
        pcre2_match_data_free(md);
        if (env->error == 2) {
          seg_val_release(&a);
          seg_val_release(&b);
          return r;
        }
      }
    } else {
      size_t la, lb;
      char *fa, *fb, ba[FOLD_SCRATCH], bb[FOLD_SCRATCH];
      const char *sa = folded(n->a, &a, &la, &fa, ba), *sb = folded(n->b, &b, &lb, &fb, bb);
      if (!sa || !sb) env->error = 1;
      else if (n->op == OP_CONTAINS) r = v_bool(lb == 0 || memmem(sa, la, sb, lb) != NULL);
      else if (n->op == OP_STARTS) r = v_bool(lb <= la && memcmp(sa, sb, lb) == 0);
      else r = v_bool(lb <= la && memcmp(sa + la - lb, sb, lb) == 0);
      free(fa);
      free(fb);
    }
    if (n->negated) r = tri_not(r);
  }
  seg_val_release(&a);
  seg_val_release(&b);
  return r;
}

static seg_val eval_cmp(int op, const seg_node *na, const seg_val *a, const seg_node *nb,
                        const seg_val *b, seg_eval_env *env) {
  if (a->missing || b->missing) return v_unknown();
  int err = 0;
  int c = compare(na, a, nb, b, &err);
  if (err) env->error = 1;
  return v_bool(cmp_holds(op, c));
}

seg_val seg_eval(const seg_node *n, seg_eval_env *env) {
  switch (n->kind) {
  case N_INT: return v_int(n->ival);
  case N_NUM: return v_num(n->fval);
  case N_BOOL: return v_bool((int)n->ival);
  case N_DATE: return v_date(n->ival);
  case N_TODAY: return v_date(env->today);
  case N_STR: { seg_val v = {0}; v.type = VT_TEXT; v.s = n->str; v.n = n->len; return v; }
  case N_DURATION: {
    seg_val a = seg_eval(n->a, env);
    a.type = VT_DURATION;
    a.unit = n->unit;
    return a;
  }
  case N_NAME:
    if (n->ref) return seg_eval(n->ref->expr, env);
    if (n->col >= 0 && n->col == env->textcol) {
      if (env->text_missing) return v_missing(VT_TEXT);
      seg_val v = {0};
      v.type = VT_TEXT; v.s = env->text; v.n = env->textlen;
      return v;
    }
    return v_missing(n->type);
  case N_NEG: {
    seg_val a = seg_eval(n->a, env);
    if (a.missing) return a;
    if (a.type == VT_NUM) return v_num(-a.f);
    return a.i == INT64_MIN ? v_missing(VT_INT) : v_int(-a.i);
  }
  case N_BIN: {
    seg_val a = seg_eval(n->a, env), b = seg_eval(n->b, env), r;
    if (n->op < 256) r = arith(n->op, a, b);
    else r = eval_cmp(n->op, n->a, &a, n->b, &b, env);
    seg_val_release(&a);
    seg_val_release(&b);
    return r;
  }
  case N_AND: case N_OR: {
    seg_val a = seg_eval(n->a, env);
    int absorbing = n->kind == N_OR;       /* true absorbs or, false absorbs and */
    if (!a.missing && a.i == absorbing) return a;
    seg_val b = seg_eval(n->b, env);
    if (!b.missing && b.i == absorbing) return b;
    if (a.missing || b.missing) return v_unknown();
    return v_bool(!absorbing);
  }
  case N_NOT: return tri_not(seg_eval(n->a, env));
  case N_RANGE: {
    seg_val x = seg_eval(n->a, env), r = v_bool(1);
    if (x.missing) { seg_val_release(&x); return v_unknown(); }
    for (int side = 0; side < 2; side++) {
      const seg_node *bn = side == 0 ? n->b : n->c;
      if (!bn) continue;
      seg_val b = seg_eval(bn, env);
      seg_val t = side == 0 ? eval_cmp(OP_GE, n->a, &x, bn, &b, env) : eval_cmp(OP_LE, n->a, &x, bn, &b, env);
      seg_val_release(&b);
      if (t.missing) r = v_unknown();
      else if (!t.i) { r = v_bool(0); break; }
    }
    seg_val_release(&x);
    return r;
  }
  case N_IN: {
    seg_val x = seg_eval(n->a, env), r = v_bool(0);
    if (x.missing) { seg_val_release(&x); return v_unknown(); }
    /* text against literals: the value is folded once, not once per item */
    char bx[FOLD_SCRATCH], *fx = NULL;
    size_t lx = 0;
    const char *sx = x.type == VT_TEXT ? folded(NULL, &x, &lx, &fx, bx) : NULL;
    for (const seg_node *k = n->list; k; k = k->next) {
      if (sx && k->kind == N_STR && k->folded) {
        if (lx == k->folded_len && memcmp(sx, k->folded, lx) == 0) { r = v_bool(1); break; }
        continue;
      }
      seg_val b = seg_eval(k, env);
      seg_val t = eval_cmp(OP_EQ, n->a, &x, k, &b, env);
      seg_val_release(&b);
      if (t.missing) r = v_unknown();
      else if (t.i) { r = v_bool(1); break; }
    }
    free(fx);
    seg_val_release(&x);
    return n->negated ? tri_not(r) : r;
  }
  case N_MISSING: {
    seg_val x = seg_eval(n->a, env);
    int m = x.missing;
    seg_val_release(&x);
    return v_bool(n->negated ? !m : m);
  }
  case N_IS: {
    seg_val x = seg_eval(n->a, env);
    int t = !x.missing && (x.i != 0) == (n->op != 0);
    seg_val_release(&x);
    return v_bool(n->negated ? !t : t);
  }
  case N_TEXTOP: return eval_textop(n, env);
  case N_WITHIN: case N_AGO: {
    seg_val d = seg_eval(n->a, env), dur = seg_eval(n->b, env);
    if (d.missing || dur.missing) return v_unknown();
    int64_t edge = seg_date_shift(env->today, -dur.i, dur.unit);
    if (n->kind == N_WITHIN) return v_bool(edge <= d.i && d.i <= env->today);
    return v_bool(n->op == OP_GT ? d.i < edge : d.i > edge);
  }
  case N_CALL: return eval_call(n, env);
  }
  return v_missing(n->type);
}

int seg_regex_compile(seg_node *n, const char *pat, size_t len, char *err, size_t errlen) {
  int code;
  PCRE2_SIZE off;
  /* PCRE2 allocates through xalloc too: the pattern keeps the general
  ** context's functions, and its match data (created from the pattern) */
  pcre2_general_context *gc = pcre2_general_context_create(seg_pcre2_malloc, seg_pcre2_free, NULL);
  pcre2_compile_context *cc = gc ? pcre2_compile_context_create(gc) : NULL;
  pcre2_code *re = cc ? pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_UTF, &code, &off, cc) : NULL;
  pcre2_compile_context_free(cc);
  pcre2_general_context_free(gc);
  if (!re && (!cc || code == PCRE2_ERROR_HEAP_FAILED)) {
    snprintf(err, errlen, "out of memory");
    return -2;
  }
  if (!re) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(code, buf, sizeof buf);
    snprintf(err, errlen, "invalid regular expression: %s (at offset %zu)", (char *)buf, (size_t)off);
    return -1;
  }
  pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  n->cache = re;
  return 0;
}

void seg_regex_free(seg_node *n) {
  if (n->cache) pcre2_code_free(n->cache);
  n->cache = NULL;
}
