/*
** expr.c -- expression programs: building, verifying, preparing, and the
** one scalar evaluator, with SQL three-valued logic.
**
** Booleans are Kleene: a missing boolean is *unknown*; `not unknown` is
** unknown, `unknown and false` is false, `unknown or true` is true. A
** comparison with a missing operand is unknown. Text comparisons are
** case-insensitive through Unicode full case folding.
*/
#include "expr.h"
#include "types.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "date.h"
#include "err.h"
#include "xalloc.h"

#include <nettle/md5.h>

#define X(i) (&x->n[(i)])

static seg_val v_missing(seg_vtype t) { seg_val v = {0}; v.type = t; v.missing = 1; return v; }
static seg_val v_int(int64_t i) { seg_val v = {0}; v.type = VT_INT; v.i = i; return v; }
static seg_val v_num(double f) { seg_val v = {0}; v.type = VT_NUM; v.f = f; return v; }
static seg_val v_date(int64_t d) { seg_val v = {0}; v.type = VT_DATE; v.i = d; return v; }
static seg_val v_bool(int b) { seg_val v = {0}; v.type = VT_BOOL; v.i = b != 0; return v; }
static seg_val v_unknown(void) { return v_missing(VT_BOOL); }

/* ---- exact decimals (docs/language.md, "Types") -------------------------
** A number literal, and + - * and unary minus of such values and ints, is
** kept as an exact decimal beside its double, as the VM's D registers keep
** number columns: `0.1 + 0.2 = 0.3` is true. A product past 18 decimals
** keeps the larger of the two scales, rounded half away from zero; a
** value past 64 bits is missing (as the VM). Division gives a double. */

const int64_t seg_p10[19] = {
  INT64_C(1), INT64_C(10), INT64_C(100), INT64_C(1000), INT64_C(10000), INT64_C(100000),
  INT64_C(1000000), INT64_C(10000000), INT64_C(100000000), INT64_C(1000000000),
  INT64_C(10000000000), INT64_C(100000000000), INT64_C(1000000000000), INT64_C(10000000000000),
  INT64_C(100000000000000), INT64_C(1000000000000000), INT64_C(10000000000000000),
  INT64_C(100000000000000000), INT64_C(1000000000000000000)};

int seg_dec_of_double(double d, int64_t *v, uint32_t *scale) {
  if (!isfinite(d)) return 0;
  char buf[40];
  int prec = 0;
  while (prec < 16) {                    /* the shortest digits that read back as d */
    snprintf(buf, sizeof buf, "%.*e", prec, d);
    if (strtod(buf, NULL) == d) break;
    prec++;
  }
  if (prec == 16) snprintf(buf, sizeof buf, "%.16e", d);
  const char *q = buf;                   /* [-]D[.DDD]e[+-]X */
  int neg = *q == '-';
  if (neg) q++;
  char digits[24];
  int nd = 0;
  for (; *q && *q != 'e' && nd < 20; q++)
    if (*q >= '0' && *q <= '9') digits[nd++] = *q;
  int exp = *q == 'e' ? atoi(q + 1) : 0;
  while (nd > 1 && digits[nd - 1] == '0') nd--;                 /* 1.500e+00 -> 1.5 */
  int sc = nd - 1 - exp, zeros = 0;                              /* DIGITS * 10^-sc */
  if (sc < 0) { zeros = -sc; sc = 0; }
  if (sc > 18 || zeros > 18) return 0;
  int64_t x = 0;
  for (int k = 0; k < nd; k++)
    if (__builtin_mul_overflow(x, 10, &x) || __builtin_add_overflow(x, digits[k] - '0', &x)) return 0;
  if (__builtin_mul_overflow(x, seg_p10[zeros], &x)) return 0;
  *v = neg ? -x : x;
  *scale = (uint32_t)sc;
  return 1;
}

double seg_dec_f(int64_t v, uint32_t scale) {
  if (scale > 18) scale = 18;
  if ((v >= -(INT64_C(1) << 53) && v <= (INT64_C(1) << 53)) || scale == 0)
    return (double)v / (double)seg_p10[scale];     /* two exact doubles, one rounding */
  char buf[48];
  uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  snprintf(buf, sizeof buf, "%s%llue-%u", v < 0 ? "-" : "", (unsigned long long)a, scale);
  return strtod(buf, NULL);
}

void seg_dec_format(char buf[static 48], int64_t v, uint32_t scale) {
  if (scale > 18) scale = 18;
  uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v, p = (uint64_t)seg_p10[scale];
  if (scale == 0) snprintf(buf, 48, "%s%llu.0", v < 0 ? "-" : "", (unsigned long long)a);
  else snprintf(buf, 48, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(a / p), (int)scale,
                (unsigned long long)(a % p));
}

int seg_dec_down(__int128 x, uint32_t k, int64_t *out) {
  __int128 p = seg_p10[k <= 18 ? k : 18], q = x / p, r = x % p;
  if (r < 0) r = -r;
  if (2 * r >= p) q += x < 0 ? -1 : 1;
  if (q > INT64_MAX || q < INT64_MIN) return 0;
  *out = (int64_t)q;
  return 1;
}

static seg_val v_dec(int64_t i, uint32_t scale) {
  seg_val v = v_num(seg_dec_f(i, scale));
  v.dec = 1;
  v.i = i;
  v.scale = scale;
  return v;
}

/* a present int or exact number as a decimal */
static int as_dec(const seg_val *a, int64_t *v, uint32_t *s) {
  if (a->type == VT_INT) { *v = a->i; *s = 0; return 1; }
  if (a->type == VT_NUM && a->dec) { *v = a->i; *s = a->scale; return 1; }
  return 0;
}

/* a op b on decimals, as the VM's ADD_D / SUB_D / MUL_D */
static seg_val dec_arith(int op, int64_t x, uint32_t sx, int64_t y, uint32_t sy) {
  int64_t r;
  if (op == '*') {
    uint32_t s = sx + sy;
    if (s <= 18) return __builtin_mul_overflow(x, y, &r) ? v_missing(VT_NUM) : v_dec(r, s);
    uint32_t keep = sx > sy ? sx : sy;
    return seg_dec_down((__int128)x * y, s - keep, &r) ? v_dec(r, keep) : v_missing(VT_NUM);
  }
  uint32_t s = sx > sy ? sx : sy;
  if (__builtin_mul_overflow(x, seg_p10[s - sx], &x) || __builtin_mul_overflow(y, seg_p10[s - sy], &y))
    return v_missing(VT_NUM);
  int ovf = op == '+' ? __builtin_add_overflow(x, y, &r) : __builtin_sub_overflow(x, y, &r);
  return ovf ? v_missing(VT_NUM) : v_dec(r, s);
}

const char *seg_vtype_name(seg_vtype t) {
  switch (t) {
  case VT_BOOL: return "bool";
  case VT_INT: return "int";
  case VT_NUM: return "number";
  case VT_TEXT: return "text";
  case VT_DATE: return "date";
  case VT_DURATION: return "duration";
  case VT_NULL: return "missing";
  default: return "unknown";
  }
}

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
static const char *folded(const seg_xprog *x, uint32_t src, const seg_val *v, size_t *n, char **tofree,
                          char *scratch) {
  *tofree = NULL;
  if (src != SEG_XNONE && X(src)->kind == SEG_N_STR && X(src)->folded != SEG_XNONE) {
    *n = X(src)->folded_len;
    return x->pool + X(src)->folded;
  }
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
static int compare(const seg_xprog *x, uint32_t na, const seg_val *a, uint32_t nb, const seg_val *b, int *err) {
  if (a->type == VT_TEXT) {
    size_t la, lb;
    char *fa, *fb, ba[FOLD_SCRATCH], bb[FOLD_SCRATCH];
    const char *sa = folded(x, na, a, &la, &fa, ba), *sb = folded(x, nb, b, &lb, &fb, bb);
    int r = 0;
    if (!sa || !sb) *err = 1;
    else {
      r = memcmp(sa, sb, la < lb ? la : lb);
      r = r ? (r > 0) - (r < 0) : (la > lb) - (la < lb);    /* -1, 0, 1: 2 means unordered */
    }
    free(fa);
    free(fb);
    return r;
  }
  int64_t da, db;
  uint32_t sa, sb;
  if ((a->type == VT_NUM || b->type == VT_NUM) && as_dec(a, &da, &sa) && as_dec(b, &db, &sb)) {
    uint32_t s = sa > sb ? sa : sb;           /* exactly, in 128 bits */
    __int128 xa = (__int128)da * seg_p10[s - sa], xb = (__int128)db * seg_p10[s - sb];
    return (xa > xb) - (xa < xb);
  }
  /* int against number exactly, as the VM's *_IF instructions */
  if (a->type == VT_INT && b->type == VT_NUM) return seg_cmp_i_f(a->i, b->f);
  if (a->type == VT_NUM && b->type == VT_INT) { int c = seg_cmp_i_f(b->i, a->f); return c == 2 ? 2 : -c; }
  if (a->type == VT_NUM || b->type == VT_NUM) {
    double fa = as_f(a), fb = as_f(b);
    return fa != fa || fb != fb ? 2 : (fa > fb) - (fa < fb);
  }
  return (a->i > b->i) - (a->i < b->i);
}

static int cmp_holds(int op, int c) {
  if (c == 2) return op == SEG_OPR_NE;        /* NaN: unordered, as IEEE */
  switch (op) {
  case SEG_OPR_LT: return c < 0;
  case SEG_OPR_LE: return c <= 0;
  case SEG_OPR_GT: return c > 0;
  case SEG_OPR_GE: return c >= 0;
  case SEG_OPR_EQ: return c == 0;
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
  int64_t da, db;
  uint32_t sa, sb;
  if (num && as_dec(&a, &da, &sa) && as_dec(&b, &db, &sb)) return dec_arith(op, da, sa, db, sb);
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

static seg_val eval_call(const seg_xprog *x, const seg_xnode *n, seg_eval_env *env) {
  uint32_t first = n->list;
  seg_val a = seg_xeval(x, first, env);
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
      if (a.type == VT_NUM && a.dec) r = a.i == INT64_MIN ? v_missing(VT_NUM) : v_dec(a.i < 0 ? -a.i : a.i, a.scale);
      else if (a.type == VT_NUM) r = v_num(a.f < 0 ? -a.f : a.f);
      else if (a.i != INT64_MIN) r = v_int(a.i < 0 ? -a.i : a.i);
    }
    break;
  case F_BUCKET: {                        /* bucket(salt, key): a split's arm */
    uint32_t kk = X(first)->next;
    seg_val k = kk == SEG_XNONE ? v_missing(VT_TEXT) : seg_xeval(x, kk, env);
    if (!a.missing && !k.missing) {
      char buf[32];
      const char *ks = k.s;
      size_t kn = k.n;
      if (k.type != VT_TEXT) { kn = seg_bucket_key(k.i, k.type == VT_DATE, buf); ks = buf; }
      r = v_int((int64_t)seg_bucket(a.s, a.n, ks, kn));
    }
    seg_val_release(&k);
    break;
  }
  case F_COALESCE:
    for (uint32_t k = first; k != SEG_XNONE; k = X(k)->next) {
      seg_val v = k == first ? a : seg_xeval(x, k, env);
      if (!v.missing) {
        if (v.type == VT_INT && n->type == VT_NUM) { v.f = (double)v.i; v.type = VT_NUM; }
        if (k == first) a.owned = NULL;   /* ownership moves to the result */
        r = v;
        break;
      }
      if (k != first) seg_val_release(&v);
    }
    break;
  default:
    break;
  }
  seg_val_release(&a);
  return r;
}

static seg_val eval_textop(const seg_xprog *x, const seg_xnode *n, seg_eval_env *env) {
  seg_val a = seg_xeval(x, n->a, env), b = seg_xeval(x, n->b, env);
  seg_val r = v_unknown();
  if (!a.missing && !b.missing) {
    if (n->op == SEG_OPR_MATCHES) {
      pcre2_code *re = x->re ? x->re[n - x->n] : NULL;
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
      const char *sa = folded(x, n->a, &a, &la, &fa, ba), *sb = folded(x, n->b, &b, &lb, &fb, bb);
      if (!sa || !sb) env->error = 1;
      else if (n->op == SEG_OPR_CONTAINS) r = v_bool(lb == 0 || memmem(sa, la, sb, lb) != NULL);
      else if (n->op == SEG_OPR_STARTS) r = v_bool(lb <= la && memcmp(sa, sb, lb) == 0);
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

static seg_val eval_cmp(const seg_xprog *x, int op, uint32_t na, const seg_val *a, uint32_t nb, const seg_val *b,
                        seg_eval_env *env) {
  if (a->missing || b->missing) return v_unknown();
  int err = 0;
  int c = compare(x, na, a, nb, b, &err);
  if (err) env->error = 1;
  return v_bool(cmp_holds(op, c));
}

seg_val seg_xeval(const seg_xprog *x, uint32_t root, seg_eval_env *env) {
  SEG_ASSERT(root < x->nn);       /* seg_xprog_verify: every link inside */
  const seg_xnode *n = X(root);
  switch ((seg_nkind)n->kind) {
  case SEG_N_INT: return v_int(n->ival);
  case SEG_N_NUM: {
    if (n->op > 0) {                   /* the decimal as written */
      seg_val r = v_num(n->fval);
      r.dec = 1;
      r.i = n->ival;
      r.scale = (uint32_t)n->op - 1;
      return r;
    }
    int64_t v;
    uint32_t sc;
    return seg_dec_of_double(n->fval, &v, &sc) ? v_dec(v, sc) : v_num(n->fval);
  }
  case SEG_N_BOOL: return v_bool((int)n->ival);
  case SEG_N_DATE: return v_date(n->ival);
  case SEG_N_TODAY: return v_date(env->today + n->ival);
  case SEG_N_STR: { seg_val v = {0}; v.type = VT_TEXT; v.s = x->pool + n->str; v.n = n->len; return v; }
  case SEG_N_DURATION: {
    seg_val a = seg_xeval(x, n->a, env);
    a.type = VT_DURATION;
    a.unit = (seg_unit)n->unit;
    return a;
  }
  case SEG_N_NAME:
    if (n->col >= 0 && n->col == env->textcol) {
      if (env->text_missing) return v_missing(VT_TEXT);
      seg_val v = {0};
      v.type = VT_TEXT; v.s = env->text; v.n = env->textlen;
      return v;
    }
    return v_missing((seg_vtype)n->type);
  case SEG_N_NEG: {
    seg_val a = seg_xeval(x, n->a, env);
    if (a.missing) return a;
    if (a.type == VT_NUM && a.dec) return a.i == INT64_MIN ? v_missing(VT_NUM) : v_dec(-a.i, a.scale);
    if (a.type == VT_NUM) return v_num(-a.f);
    return a.i == INT64_MIN ? v_missing(VT_INT) : v_int(-a.i);
  }
  case SEG_N_BIN: {
    seg_val a = seg_xeval(x, n->a, env), b = seg_xeval(x, n->b, env), r;
    if (n->op < 256) r = arith(n->op, a, b);
    else r = eval_cmp(x, n->op, n->a, &a, n->b, &b, env);
    seg_val_release(&a);
    seg_val_release(&b);
    return r;
  }
  case SEG_N_AND: case SEG_N_OR: {
    seg_val a = seg_xeval(x, n->a, env);
    int absorbing = n->kind == SEG_N_OR;       /* true absorbs or, false absorbs and */
    if (!a.missing && a.i == absorbing) return a;
    seg_val b = seg_xeval(x, n->b, env);
    if (!b.missing && b.i == absorbing) return b;
    if (a.missing || b.missing) return v_unknown();
    return v_bool(!absorbing);
  }
  case SEG_N_NOT: return tri_not(seg_xeval(x, n->a, env));
  case SEG_N_RANGE: {
    seg_val v = seg_xeval(x, n->a, env), r = v_bool(1);
    if (v.missing) { seg_val_release(&v); return v_unknown(); }
    for (int side = 0; side < 2; side++) {
      uint32_t bn = side == 0 ? n->b : n->c;
      if (bn == SEG_XNONE) continue;
      seg_val b = seg_xeval(x, bn, env);
      seg_val t = eval_cmp(x, side == 0 ? SEG_OPR_GE : SEG_OPR_LE, n->a, &v, bn, &b, env);
      seg_val_release(&b);
      if (t.missing) r = v_unknown();
      else if (!t.i) { r = v_bool(0); break; }
    }
    seg_val_release(&v);
    return r;
  }
  case SEG_N_IN: {
    seg_val v = seg_xeval(x, n->a, env), r = v_bool(0);
    if (v.missing) { seg_val_release(&v); return v_unknown(); }
    /* text against literals: the value is folded once, not once per item */
    char bx[FOLD_SCRATCH], *fx = NULL;
    size_t lx = 0;
    const char *sx = v.type == VT_TEXT ? folded(x, SEG_XNONE, &v, &lx, &fx, bx) : NULL;
    for (uint32_t k = n->list; k != SEG_XNONE; k = X(k)->next) {
      const seg_xnode *item = X(k);
      if (sx && item->kind == SEG_N_STR && item->folded != SEG_XNONE) {
        if (lx == item->folded_len && memcmp(sx, x->pool + item->folded, lx) == 0) { r = v_bool(1); break; }
        continue;
      }
      seg_val b = seg_xeval(x, k, env);
      seg_val t = eval_cmp(x, SEG_OPR_EQ, n->a, &v, k, &b, env);
      seg_val_release(&b);
      if (t.missing) r = v_unknown();
      else if (t.i) { r = v_bool(1); break; }
    }
    free(fx);
    seg_val_release(&v);
    return n->negated ? tri_not(r) : r;
  }
  case SEG_N_MISSING: {
    seg_val v = seg_xeval(x, n->a, env);
    int m = v.missing;
    seg_val_release(&v);
    return v_bool(n->negated ? !m : m);
  }
  case SEG_N_IS: {
    seg_val v = seg_xeval(x, n->a, env);
    int t = !v.missing && (v.i != 0) == (n->op != 0);
    seg_val_release(&v);
    return v_bool(n->negated ? !t : t);
  }
  case SEG_N_TEXTOP: return eval_textop(x, n, env);
  case SEG_N_WITHIN: case SEG_N_AGO: {
    seg_val d = seg_xeval(x, n->a, env), dur = seg_xeval(x, n->b, env);
    if (d.missing || dur.missing) return v_unknown();
    int64_t edge = seg_date_shift(env->today, -dur.i, dur.unit);
    if (n->kind == SEG_N_WITHIN) return v_bool(edge <= d.i && d.i <= env->today);
    return v_bool(n->op == SEG_OPR_GT ? d.i < edge : d.i > edge);
  }
  case SEG_N_CALL: return eval_call(x, n, env);
  case SEG_N_LIST: case SEG_N_AGG: case SEG_N_RANK: break; /* refused by seg_xprog_verify */
  }
  return v_missing((seg_vtype)n->type);
}

const char *seg_aggfn_name(seg_aggfn f) {
  static const char *const names[SEG_AG__N] = {"count", "sum", "avg", "min", "max", "median",
                                               "percentile", "rate", "count_distinct"};
  return (unsigned)f < SEG_AG__N ? names[f] : NULL;
}

const char *seg_evfn_name(seg_evfn f) {
  static const char *const names[SEG_EV__N] = {"count", "any", "all", "sum", "avg", "min", "max",
                                               "first", "last", "count_distinct"};
  return (unsigned)f < SEG_EV__N ? names[f] : NULL;
}

/* ---- regular expressions ------------------------------------------------- */

int seg_regex_compile(const char *pat, size_t len, void **out, char *err, size_t errlen) {
  int code;
  PCRE2_SIZE off;
  *out = NULL;
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
  *out = re;
  return 0;
}

void seg_regex_free(void *re) {
  if (re) pcre2_code_free(re);
}

/* ---- building, verifying, preparing -------------------------------------- */

uint32_t seg_xprog_node(seg_xprog *x, seg_nkind kind, seg_vtype type) {
  if (x->nn == x->capn) {
    uint32_t cap = x->capn ? x->capn * 2 : 16;
    seg_xnode *n = x->nn < SEG_XNONE / 2 ? realloc(x->n, (size_t)cap * sizeof *n) : NULL;
    if (!n) { x->oom = 1; return SEG_XNONE; }
    x->n = n;
    x->capn = cap;
  }
  seg_xnode *n = &x->n[x->nn];
  memset(n, 0, sizeof *n);
  n->kind = (uint8_t)kind;
  n->type = (uint8_t)type;
  n->col = -1;
  n->a = n->b = n->c = n->list = n->next = SEG_XNONE;
  n->str = n->folded = SEG_XNONE;
  return x->nn++;
}

uint32_t seg_xprog_str(seg_xprog *x, const char *s, size_t len) {
  if (len >= UINT32_MAX / 2 - x->npool) { x->oom = 1; return SEG_XNONE; }
  if (x->npool + len + 1 > x->cappool) {
    size_t cap = x->cappool ? x->cappool : 256;
    while (cap < x->npool + len + 1) cap *= 2;
    char *p = cap < UINT32_MAX ? realloc(x->pool, cap) : NULL;
    if (!p) { x->oom = 1; return SEG_XNONE; }
    x->pool = p;
    x->cappool = (uint32_t)cap;
  }
  uint32_t at = x->npool;
  if (len) memcpy(x->pool + at, s, len);
  x->pool[at + len] = 0;                /* NUL after each string: printable */
  x->npool += (uint32_t)len + 1;
  return at;
}

void seg_xprog_free(seg_xprog *x) {
  if (x->re)
    for (uint32_t i = 0; i < x->nn; i++) seg_regex_free(x->re[i]);
  free(x->re);
  free(x->n);
  free(x->pool);
  memset(x, 0, sizeof *x);
}

int seg_xprog_prepare(seg_xprog *x, char *err, size_t errlen) {
  if (x->nn && !x->re) {
    x->re = calloc(x->nn, sizeof *x->re);
    if (!x->re) { snprintf(err, errlen, "out of memory"); return -2; }
  }
  for (uint32_t i = 0; i < x->nn; i++) {
    seg_xnode *n = X(i);
    if (n->kind == SEG_N_STR && n->folded == SEG_XNONE) {
      size_t len = 0;
      char *f = seg_casefold(x->pool + n->str, n->len, &len);
      uint32_t at = f ? seg_xprog_str(x, f, len) : SEG_XNONE;
      free(f);
      if (at == SEG_XNONE) { snprintf(err, errlen, "out of memory"); return -2; }
      n = X(i);
      n->folded = at;
      n->folded_len = (uint32_t)len;
    }
    if (n->kind == SEG_N_TEXTOP && n->op == SEG_OPR_MATCHES && !x->re[i]) {
      const seg_xnode *p = X(n->b);
      int rc = seg_regex_compile(x->pool + p->str, p->len, &x->re[i], err, errlen);
      if (rc) return rc;
    }
  }
  return 0;
}

static int numeric(int t) { return t == VT_INT || t == VT_NUM; }
/* Two values the comparison operators accept, as sema types them. */
static int comparable(int a, int b) {
  return (numeric(a) && numeric(b)) || (a == b && (a == VT_TEXT || a == VT_DATE || a == VT_BOOL));
}

/* The type rule of node i, children known to exist. NULL when it holds. */
static const char *type_rule(const seg_xprog *x, const seg_xnode *n) {
  int t = n->type;
  int ta = n->a != SEG_XNONE ? X(n->a)->type : -1, tb = n->b != SEG_XNONE ? X(n->b)->type : -1;
  int has_a = ta >= 0, has_b = tb >= 0, has_c = n->c != SEG_XNONE, has_list = n->list != SEG_XNONE;
  int leaf = !has_a && !has_b && !has_c && !has_list;
  switch ((seg_nkind)n->kind) {
  case SEG_N_INT: return leaf && t == VT_INT ? NULL : "bad int literal";
  case SEG_N_NUM:
    if (n->op > 19 || (n->op > 0 && seg_dec_f(n->ival, (uint32_t)n->op - 1) != n->fval)) return "bad decimal literal";
    return leaf && t == VT_NUM ? NULL : "bad number literal";
  case SEG_N_BOOL: return leaf && t == VT_BOOL && (n->ival == 0 || n->ival == 1) ? NULL : "bad bool literal";
  case SEG_N_DATE: return leaf && t == VT_DATE && n->ival >= INT32_MIN && n->ival <= INT32_MAX ? NULL : "bad date literal";
  case SEG_N_TODAY: return leaf && t == VT_DATE && (n->ival == 0 || n->ival == -1) ? NULL : "bad today";
  case SEG_N_STR:
    return leaf && t == VT_TEXT && n->str != SEG_XNONE && n->str < x->npool && n->len <= x->npool - n->str
               ? NULL : "bad string literal";
  case SEG_N_NAME: return leaf && t == VT_TEXT ? NULL : "a column other than a text column";
  case SEG_N_DURATION:
    return has_a && !has_b && !has_c && !has_list && t == VT_DURATION && ta == VT_INT && n->unit <= U_YEAR
               ? NULL : "bad duration";
  case SEG_N_NEG: return has_a && !has_b && !has_c && !has_list && numeric(ta) && t == ta ? NULL : "bad negation";
  case SEG_N_NOT: return has_a && !has_b && !has_c && !has_list && ta == VT_BOOL && t == VT_BOOL ? NULL : "bad not";
  case SEG_N_AND: case SEG_N_OR:
    return has_a && has_b && !has_c && !has_list && ta == VT_BOOL && tb == VT_BOOL && t == VT_BOOL ? NULL
                                                                                                   : "bad and/or";
  case SEG_N_BIN:
    if (!has_a || !has_b || has_c || has_list) return "bad operator";
    if (n->op >= SEG_OPR_LT && n->op <= SEG_OPR_NE) return comparable(ta, tb) && t == VT_BOOL ? NULL : "bad comparison";
    if (n->op != '+' && n->op != '-' && n->op != '*' && n->op != '/') return "unknown operator";
    if (ta == VT_DATE && tb == VT_DURATION && (n->op == '+' || n->op == '-')) return t == VT_DATE ? NULL : "bad date arithmetic";
    if (ta == VT_DATE && tb == VT_DATE && n->op == '-') return t == VT_INT ? NULL : "bad date arithmetic";
    if (!numeric(ta) || !numeric(tb)) return "bad arithmetic";
    return t == (ta == VT_NUM || tb == VT_NUM || n->op == '/' ? VT_NUM : VT_INT) ? NULL : "bad arithmetic";
  case SEG_N_RANGE:
    if (!has_a || has_list || (!has_b && !has_c) || t != VT_BOOL) return "bad range";
    if (has_b && !comparable(ta, tb)) return "bad range";
    return !has_c || comparable(ta, X(n->c)->type) ? NULL : "bad range";
  case SEG_N_IN:
    if (!has_a || has_b || has_c || !has_list || t != VT_BOOL) return "bad in";
    for (uint32_t k = n->list; k != SEG_XNONE; k = X(k)->next)
      if (!comparable(ta, X(k)->type)) return "bad in";
    return NULL;
  case SEG_N_MISSING: return has_a && !has_b && !has_c && !has_list && t == VT_BOOL ? NULL : "bad is missing";
  case SEG_N_IS: return has_a && !has_b && !has_c && !has_list && ta == VT_BOOL && t == VT_BOOL ? NULL : "bad is";
  case SEG_N_TEXTOP:
    if (!has_a || !has_b || has_c || has_list || ta != VT_TEXT || tb != VT_TEXT || t != VT_BOOL ||
        n->op < SEG_OPR_CONTAINS || n->op > SEG_OPR_MATCHES)
      return "bad text test";
    return n->op != SEG_OPR_MATCHES || X(n->b)->kind == SEG_N_STR ? NULL : "a pattern that is not a literal";
  case SEG_N_WITHIN: case SEG_N_AGO:
    if (!has_a || !has_b || has_c || has_list || ta != VT_DATE || tb != VT_DURATION || t != VT_BOOL) return "bad date test";
    return n->kind == SEG_N_WITHIN || n->op == SEG_OPR_GT || n->op == SEG_OPR_LT ? NULL : "bad date test";
  case SEG_N_CALL: {
    if (has_a || has_b || has_c || !has_list) return "bad call";
    const seg_xnode *a0 = X(n->list);
    int one = a0->next == SEG_XNONE;
    switch (n->fn) {
    case F_DAYS_SINCE: case F_YEAR: case F_MONTH: return one && a0->type == VT_DATE && t == VT_INT ? NULL : "bad call";
    case F_LOWER: case F_UPPER: return one && a0->type == VT_TEXT && t == VT_TEXT ? NULL : "bad call";
    case F_LENGTH: return one && a0->type == VT_TEXT && t == VT_INT ? NULL : "bad call";
    case F_ABS: return one && numeric(a0->type) && t == a0->type ? NULL : "bad call";
    case F_BUCKET: {                     /* bucket("salt", key): a literal salt, an int, date or text key */
      if (one || a0->kind != SEG_N_STR || t != VT_INT) return "bad call";
      const seg_xnode *k = X(a0->next);
      return k->next == SEG_XNONE && (k->type == VT_INT || k->type == VT_DATE || k->type == VT_TEXT) ? NULL
                                                                                                  : "bad call";
    }
    case F_COALESCE:
      for (uint32_t k = n->list; k != SEG_XNONE; k = X(k)->next) {
        int kt = X(k)->type;
        if (!(kt == t || (t == VT_NUM && kt == VT_INT)) || kt == VT_DURATION || kt == VT_UNKNOWN) return "bad call";
      }
      return NULL;
    default: return "unknown function";
    }
  }
  case SEG_N_LIST: return "a list outside a let";
  case SEG_N_AGG: return "an aggregate outside a measure";
  case SEG_N_RANK: return "a ranking in a text expression";
  }
  return "unknown node kind";
}

int seg_xprog_verify(const seg_xprog *x, char *err, size_t errlen) {
  uint8_t *parents = calloc((size_t)x->nn + 1, 1);
  uint16_t *depth = calloc((size_t)x->nn + 1, sizeof *depth);
  int rc = -1;
  if (!parents || !depth) { snprintf(err, errlen, "out of memory"); rc = -2; goto out; }
  for (uint32_t i = 0; i < x->nn; i++) {
    const seg_xnode *n = X(i);
    uint32_t kids[4] = {n->a, n->b, n->c, n->list};
    unsigned d = 0;
    for (int k = 0; k < 4; k++) {
      if (kids[k] == SEG_XNONE) continue;
      if (kids[k] >= i) { snprintf(err, errlen, "expression node %u: a child that is not before it", i); goto out; }
      if (parents[kids[k]]++) { snprintf(err, errlen, "expression node %u: a node with two parents", kids[k]); goto out; }
      if (depth[kids[k]] > d) d = depth[kids[k]];
    }
    /* list items: next-linked, each after the one before, all before i */
    for (uint32_t k = n->list; k != SEG_XNONE; k = X(k)->next) {
      uint32_t nx = X(k)->next;
      if (nx == SEG_XNONE) break;
      if (nx <= k || nx >= i) { snprintf(err, errlen, "expression node %u: a list out of order", i); goto out; }
      if (parents[nx]++) { snprintf(err, errlen, "expression node %u: a node with two parents", nx); goto out; }
      if (depth[nx] > d) d = depth[nx];
    }
    if (d >= SEG_MAX_NESTING) { snprintf(err, errlen, "expression node %u: nested deeper than %d", i, SEG_MAX_NESTING); goto out; }
    depth[i] = (uint16_t)(d + 1);
    if (n->kind > SEG_N_CALL) { snprintf(err, errlen, "expression node %u: unknown kind %u", i, n->kind); goto out; }
    const char *bad = type_rule(x, n);
    if (bad) { snprintf(err, errlen, "expression node %u: %s", i, bad); goto out; }
  }
  /* a list's later items are nobody's child but their list's: a `next` of
  ** a node that is not in a list would give it a second parent above */
  for (uint32_t i = 0; i < x->nn; i++) {
    const seg_xnode *n = X(i);
    if (n->next != SEG_XNONE && !parents[i]) { snprintf(err, errlen, "expression node %u: a list item outside a list", i); goto out; }
  }
  rc = 0;
out:
  free(parents);
  free(depth);
  return rc;
}

/* ---- split buckets ------------------------------------------------------- */

uint32_t seg_bucket(const char *salt, size_t saltlen, const char *key, size_t keylen) {
  struct md5_ctx c;
  uint8_t d[MD5_DIGEST_SIZE];
  md5_init(&c);
  md5_update(&c, saltlen, (const uint8_t *)salt);
  md5_update(&c, 1, (const uint8_t *)":");
  md5_update(&c, keylen, (const uint8_t *)key);
  md5_digest(&c, sizeof d, d);
  uint32_t v = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | (uint32_t)d[3];
  return v % SEG_BUCKETS;
}

size_t seg_bucket_key(int64_t v, int date, char buf[32]) {
  if (date) {
    seg_date_format((int32_t)v, buf);
    return strlen(buf);
  }
  int n = snprintf(buf, 32, "%lld", (long long)v);
  return n < 0 ? 0 : (size_t)n;
}
