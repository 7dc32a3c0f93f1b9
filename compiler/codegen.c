/*
** codegen.c -- code generation: AST to register-based vector bytecode.
**
** Each node becomes instructions writing one register (a vector of a
** batch); `and` / `or` narrow the selection before their right side, so
** it is evaluated only on rows still undecided. Sub-expressions without
** columns are folded to constants; sub-expressions reading one text
** column become a text map, evaluated once per distinct value at run time.
** Every segment is compiled once; a reference reads its result register.
** For `seg why` (seg_cg_program_probed) every segment takes the register
** form and each condition node's instruction is recorded.
*/
#include "codegen.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

typedef struct cg {
  seg_program *p;
  seg_diags *diags;
  int32_t today;
  uint32_t *freeregs;
  uint32_t nfree, capfree;
  uint8_t *persistent;        /* per register: holds a segment result   */
  uint32_t cappers;
  int32_t *segreg;            /* segment index -> result register       */
  uint32_t depth;
  int failed;
  seg_cg_probes *probes;      /* seg why: where each condition's value is */
  int pass1;                  /* emitting the rankings' first pass       */
  seg_node *guard;            /* the `require` guard, or NULL            */
  seg_node **rsrc;            /* per ranking source: its first node      */
  uint32_t caprsrc, capruse, capnodes;
} cg;

#define GROW(arr, n, cap) \
  ((n) < (cap) ? 1 : grow((void **)&(arr), &(cap), sizeof *(arr)))

static int grow(void **arr, uint32_t *cap, size_t elem) {
  uint32_t ncap = *cap ? *cap * 2 : 32;
  void *nv = realloc(*arr, (size_t)ncap * elem);
  if (!nv) return 0;
  *arr = nv;
  *cap = ncap;
  return 1;
}

static uint32_t emit(cg *g, seg_opcode op, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  seg_program *p = g->p;
  if (!GROW(p->code, p->ncode, p->capcode)) { g->failed = 1; return 0; }
  p->code[p->ncode] = (seg_insn){(uint16_t)op, (uint16_t)a, b, c, d};
  return p->ncode++;
}

static uint32_t kint(cg *g, int64_t v) {
  seg_program *p = g->p;
  for (uint32_t i = 0; i < p->nki; i++) if (p->ki[i] == v) return i;
  if (!GROW(p->ki, p->nki, p->capki)) { g->failed = 1; return 0; }
  p->ki[p->nki] = v;
  return p->nki++;
}

static uint32_t knum(cg *g, double v) {
  seg_program *p = g->p;
  for (uint32_t i = 0; i < p->nkf; i++) if (memcmp(&p->kf[i], &v, sizeof v) == 0) return i;
  if (!GROW(p->kf, p->nkf, p->capkf)) { g->failed = 1; return 0; }
  p->kf[p->nkf] = v;
  return p->nkf++;
}

static uint32_t reg_alloc(cg *g) {
  if (g->nfree) return g->freeregs[--g->nfree];
  uint32_t r = g->p->nregs++;
  if (r >= 65535) { g->failed = 1; return 0; }
  if (!GROW(g->persistent, r, g->cappers)) { g->failed = 1; return 0; }
  g->persistent[r] = 0;
  return r;
}

static void reg_free(cg *g, uint32_t r) {
  if (g->failed || r >= g->p->nregs || g->persistent[r]) return;
  if (!GROW(g->freeregs, g->nfree, g->capfree)) return;   /* leaked register, still correct */
  g->freeregs[g->nfree++] = r;
}

/* The physical kind a value travels in: 'B' three-valued, 'F' f64, 'I' i64. */
static char kind_of(seg_vtype t) { return t == VT_BOOL ? 'B' : t == VT_NUM ? 'F' : 'I'; }

static uint32_t gen(cg *g, seg_node *n);

/* Loads a constant value into a fresh register. */
static uint32_t gen_const(cg *g, const seg_val *v) {
  uint32_t r = reg_alloc(g);
  if (v->type == VT_BOOL) emit(g, SEG_OP_KB, r, v->missing ? SEG_UNKNOWN : v->i ? SEG_TRUE : SEG_FALSE, 0, 0);
  else if (v->missing) emit(g, SEG_OP_KMISS, r, 0, 0, 0);
  else if (v->type == VT_NUM) emit(g, SEG_OP_KF, r, knum(g, v->f), 0, 0);
  else emit(g, SEG_OP_KI, r, kint(g, v->i), 0, 0);
  return r;
}

static seg_val fold(cg *g, const seg_node *n) {
  seg_eval_env env = {.today = g->today, .textcol = -1};
  seg_val v = seg_eval(n, &env);
  if (env.error == 1) g->failed = 1;     /* out of memory (2: a constant regex undecided: missing) */
  return v;
}

static uint32_t to_f(cg *g, uint32_t r, seg_vtype t) {
  if (t == VT_NUM) return r;
  uint32_t d = reg_alloc(g);
  emit(g, SEG_OP_I2F, d, r, 0, 0);
  reg_free(g, r);
  return d;
}

static int cmp_index(int op);

/* ---- exact decimals ------------------------------------------------------
** `+`, `-` and `*` of number columns, decimal literals and ints are done on
** scaled integers (D registers, see opcodes.def), and so are comparisons
** that read them: `price * 3 = 300.3` holds for 100.10. Division, text
** maps, coalesce and everything that reads a number as a value (rankings,
** measures) take the f64 of the exact result (D2F, correctly rounded). */

/* The exact value of a constant number subtree (seg_eval keeps decimal
** literals, lets, + - * and unary minus of them exact): 0 when it is not
** one (missing, a quotient, too many decimals...). */
static int dec_const(cg *g, const seg_node *n, int64_t *v, uint32_t *s) {
  seg_val c = fold(g, n);
  int ok = !c.missing && (c.type == VT_INT || (c.type == VT_NUM && c.dec));
  if (ok) { *v = c.i; *s = c.type == VT_INT ? 0 : c.scale; }
  seg_val_release(&c);
  return ok;
}

/* A number subtree the D instructions can compute: number columns, decimal
** constants, and + - * unary minus and abs() of them and of ints. */
static int dec_node(cg *g, const seg_node *n) {
  if (n->type == VT_INT) return 1;                   /* (read as I, then I2D) */
  if (n->type != VT_NUM) return 0;
  if (!n->has_cols) { int64_t v; uint32_t s; return dec_const(g, n, &v, &s); }
  if (n->textcol >= 0) return 0;                     /* a text map's number */
  switch (n->kind) {
  case SEG_N_NAME: return n->col >= 0 && !n->ref;
  case SEG_N_BIN: return (n->op == '+' || n->op == '-' || n->op == '*') && dec_node(g, n->a) && dec_node(g, n->b);
  case SEG_N_NEG: return dec_node(g, n->a);
  case SEG_N_CALL: return n->fn == F_ABS && dec_node(g, n->list);
  default: return 0;
  }
}

/* dec_node n into a fresh D register */
static uint32_t gen_d(cg *g, seg_node *n) {
  uint32_t d;
  if (g->failed) return 0;
  if (!n->has_cols) {                    /* a constant, int or decimal */
    int64_t v = 0;
    uint32_t s = 0;
    dec_const(g, n, &v, &s);
    emit(g, SEG_OP_KD, d = reg_alloc(g), kint(g, v), 0, s);
    return d;
  }
  if (n->kind == SEG_N_NAME && n->col >= 0 && !n->ref && (n->type == VT_INT || n->type == VT_NUM)) {
    emit(g, SEG_OP_COL_ND, d = reg_alloc(g), (uint32_t)n->col, 0, 0);   /* an int column at scale 0 */
    return d;
  }
  if (n->type == VT_INT) {
    uint32_t r = gen(g, n);
    emit(g, SEG_OP_I2D, d = reg_alloc(g), r, 0, 0);
    reg_free(g, r);
    return d;
  }
  switch (n->kind) {
  case SEG_N_NEG: case SEG_N_CALL: {
    uint32_t x = gen_d(g, n->kind == SEG_N_NEG ? n->a : n->list);
    emit(g, n->kind == SEG_N_NEG ? SEG_OP_NEG_D : SEG_OP_ABS_D, d = reg_alloc(g), x, 0, 0);
    reg_free(g, x);
    return d;
  }
  default: {
    uint32_t a = gen_d(g, n->a), b = gen_d(g, n->b);
    emit(g, n->op == '+' ? SEG_OP_ADD_D : n->op == '-' ? SEG_OP_SUB_D : SEG_OP_MUL_D, d = reg_alloc(g), a, b, 0);
    reg_free(g, a);
    reg_free(g, b);
    return d;
  }
  }
}

/* An arithmetic number node worth computing exactly (a plain column or
** constant is already exact as f64). */
static int dec_arith(cg *g, const seg_node *n) {
  return n->type == VT_NUM && n->has_cols && n->kind != SEG_N_NAME && dec_node(g, n);
}

/* gen_d's value as f64 */
static uint32_t gen_d2f(cg *g, seg_node *n) {
  uint32_t x = gen_d(g, n), d = reg_alloc(g);
  emit(g, SEG_OP_D2F, d, x, 0, 0);
  reg_free(g, x);
  return d;
}

/* x OP y on two D registers */
static uint32_t cmp_d(cg *g, int op, uint32_t a, uint32_t b) {
  uint32_t d = reg_alloc(g);
  emit(g, (seg_opcode)(SEG_OP_LT_D + cmp_index(op)), d, a, b, 0);
  return d;
}

/* n as f64: an int column is loaded as f64 directly (COL_IF) and an int
** constant becomes a number constant, instead of a conversion pass each */
static uint32_t gen_f(cg *g, seg_node *n) {
  if (g->failed || n->type != VT_INT) return gen(g, n);
  if (n->kind == SEG_N_NAME && n->col >= 0) {
    uint32_t r = reg_alloc(g);
    emit(g, SEG_OP_COL_IF, r, (uint32_t)n->col, 0, 0);
    return r;
  }
  if (!n->has_cols) {                     /* an int constant, as a number constant */
    seg_val v = fold(g, n);
    if (!v.missing) { v.type = VT_NUM; v.f = (double)v.i; }
    return gen_const(g, &v);
  }
  return to_f(g, gen(g, n), n->type);
}

static int cmp_index(int op) { return op - SEG_OPR_LT; }  /* LT LE GT GE EQ NE */
static int flip(int op) {
  switch (op) {
  case SEG_OPR_LT: return SEG_OPR_GT;
  case SEG_OPR_LE: return SEG_OPR_GE;
  case SEG_OPR_GT: return SEG_OPR_LT;
  case SEG_OPR_GE: return SEG_OPR_LE;
  default: return op;
  }
}

static void cg_error(cg *g, const seg_node *n, const char *msg) {
  seg_diag_add(g->diags, SEG_SEV_ERROR, "E0110", n->loc, "%s", msg);
  g->failed = 1;
}

/* ---- int against number, exactly --------------------------------------- */

/* An int compared with a number constant c is compared exactly, as
** mathematics would, never by converting the int to a double (which rounds
** above 2^53): `x OP c` becomes the integer range [*lo, *hi]. OP is one of
** SEG_OPR_LT .. SEG_OPR_EQ; returns 0 when no int satisfies it (then *lo > *hi). */
#define TWO63 9223372036854775808.0
/* floor (up = 0) or ceil (up = 1) of an exact decimal, as an int64 (it
** always fits: |v / 10^s| <= |v|) */
static int64_t dec_round(const seg_val *c, int up) {
  int64_t p = seg_p10[c->scale <= 18 ? c->scale : 18], q = c->i / p, r = c->i % p;
  return up ? q + (r > 0) : q - (r < 0);
}

/* int bounds of x OP c for a number constant c: an exact decimal (a
** literal as written, 9007199254740993.0) by its digits, else its double */
static void int_lo_of(int op, const seg_val *cv, int64_t *lo, int *empty) {
  if (cv->dec) {
    int64_t b = dec_round(cv, op != SEG_OPR_GT);   /* x > c: floor + 1; x >= c: ceil */
    if (op == SEG_OPR_GT && b == INT64_MAX) *empty = 1;
    else *lo = op == SEG_OPR_GT ? b + 1 : b;
    return;
  }
  double c = cv->f;
  if (op == SEG_OPR_GT) {                    /* x > c  <=>  x >= floor(c) + 1 */
    double fl = floor(c);
    if (fl < -TWO63) *lo = INT64_MIN;
    else if (fl >= TWO63 - 1024) *empty = 1;     /* no int64 above it */
    else *lo = (int64_t)fl + 1;
  } else {                              /* x >= c  <=>  x >= ceil(c) */
    double ce = ceil(c);
    if (ce <= -TWO63) *lo = INT64_MIN;
    else if (ce >= TWO63) *empty = 1;
    else *lo = (int64_t)ce;
  }
}
static void int_hi_of(int op, const seg_val *cv, int64_t *hi, int *empty) {
  if (cv->dec) {
    int64_t b = dec_round(cv, op == SEG_OPR_LT);   /* x < c: ceil - 1; x <= c: floor */
    if (op == SEG_OPR_LT && b == INT64_MIN) *empty = 1;
    else *hi = op == SEG_OPR_LT ? b - 1 : b;
    return;
  }
  double c = cv->f;
  if (op == SEG_OPR_LT) {                    /* x < c  <=>  x <= ceil(c) - 1 */
    double ce = ceil(c);
    if (ce >= TWO63) *hi = INT64_MAX;
    else if (ce <= -TWO63) *empty = 1;
    else *hi = (int64_t)ce - 1;
  } else {                              /* x <= c  <=>  x <= floor(c) */
    double fl = floor(c);
    if (fl >= TWO63) *hi = INT64_MAX;
    else if (fl < -TWO63) *empty = 1;
    else *hi = (int64_t)fl;
  }
}
static int int_bounds(int op, const seg_val *c, int64_t *lo, int64_t *hi) {
  int empty = 0;
  *lo = INT64_MIN;
  *hi = INT64_MAX;
  if (op == SEG_OPR_GT || op == SEG_OPR_GE || op == SEG_OPR_EQ) int_lo_of(op == SEG_OPR_EQ ? SEG_OPR_GE : op, c, lo, &empty);
  if (op == SEG_OPR_LT || op == SEG_OPR_LE || op == SEG_OPR_EQ) int_hi_of(op == SEG_OPR_EQ ? SEG_OPR_LE : op, c, hi, &empty);
  if (empty || *lo > *hi) { *lo = 1; *hi = 0; return 0; }
  return 1;
}
#undef TWO63

/* ---- fused column tests ------------------------------------------------ */

/* A stored int, number or date column (not a segment, not text or bool). */
static int is_valcol(const seg_node *x) {
  return x->kind == SEG_N_NAME && !x->ref && x->col >= 0 &&
         (x->type == VT_INT || x->type == VT_NUM || x->type == VT_DATE);
}

/* "column in [lo, hi]" with constant bounds: integer bounds for int and
** date columns against int or date constants, number bounds otherwise
** (strict comparisons become the next double, open ends infinities). */
typedef struct crange {
  uint32_t col;
  int isnum;
  int64_t ilo, ihi;
  double flo, fhi;
} crange;

static int const_of(cg *g, const seg_node *k, seg_val *v) {
  if (!k) return 1;
  if (k->has_cols) return 0;
  *v = fold(g, k);
  return !v->missing && (v->type == VT_INT || v->type == VT_NUM || v->type == VT_DATE);
}

static int as_range(cg *g, const seg_node *n, crange *r) {
  memset(r, 0, sizeof *r);
  r->ilo = INT64_MIN;
  r->ihi = INT64_MAX;
  r->flo = -INFINITY;
  r->fhi = INFINITY;
  if (n->kind == SEG_N_RANGE && is_valcol(n->a) && (n->b || n->c)) {
    seg_val lo = {0}, hi = {0};
    if (!const_of(g, n->b, &lo) || !const_of(g, n->c, &hi)) return 0;
    r->col = (uint32_t)n->a->col;
    r->isnum = n->a->type == VT_NUM;     /* an int column takes exact int bounds */
    int empty = 0;
    if (n->b) {
      r->flo = lo.type == VT_NUM ? lo.f : (double)lo.i;
      if (lo.type != VT_NUM || r->isnum) r->ilo = lo.i;
      else if (isnan(lo.f)) return 0;
      else int_lo_of(SEG_OPR_GE, &lo, &r->ilo, &empty);
    }
    if (n->c) {
      r->fhi = hi.type == VT_NUM ? hi.f : (double)hi.i;
      if (hi.type != VT_NUM || r->isnum) r->ihi = hi.i;
      else if (isnan(hi.f)) return 0;
      else int_hi_of(SEG_OPR_LE, &hi, &r->ihi, &empty);
    }
    if (empty) { r->ilo = 1; r->ihi = 0; }
    return 1;
  }
  if (n->kind == SEG_N_BIN && n->op >= SEG_OPR_LT && n->op <= SEG_OPR_EQ) {
    const seg_node *x = n->a, *y = n->b;
    int op = n->op;
    if (!is_valcol(x)) { x = n->b; y = n->a; op = flip(op); }
    seg_val k = {0};
    if (!is_valcol(x) || !const_of(g, y, &k)) return 0;
    r->col = (uint32_t)x->col;
    r->isnum = x->type == VT_NUM;
    if (!r->isnum && k.type == VT_NUM) {   /* int column, number constant: exact */
      if (isnan(k.f)) return 0;
      int_bounds(op, &k, &r->ilo, &r->ihi);
    } else if (r->isnum) {
      double c = k.type == VT_NUM ? k.f : (double)k.i;
      if (isnan(c)) return 0;
      switch (op) {
      case SEG_OPR_LT: r->fhi = nextafter(c, -INFINITY); break;
      case SEG_OPR_LE: r->fhi = c; break;
      case SEG_OPR_GT: r->flo = nextafter(c, INFINITY); break;
      case SEG_OPR_GE: r->flo = c; break;
      default: r->flo = r->fhi = c; break;
      }
    } else {
      int64_t c = k.i;
      switch (op) {
      case SEG_OPR_LT: if (c == INT64_MIN) return 0; r->ihi = c - 1; break;
      case SEG_OPR_LE: r->ihi = c; break;
      case SEG_OPR_GT: if (c == INT64_MAX) return 0; r->ilo = c + 1; break;
      case SEG_OPR_GE: r->ilo = c; break;
      default: r->ilo = r->ihi = c; break;
      }
    }
    return 1;
  }
  if ((n->kind == SEG_N_WITHIN || n->kind == SEG_N_AGO) && is_valcol(n->a)) {
    seg_val dur = fold(g, n->b);
    if (dur.missing) return 0;
    int64_t edge = seg_date_shift(g->today, -dur.i, dur.unit);
    r->col = (uint32_t)n->a->col;
    if (n->kind == SEG_N_WITHIN) { r->ilo = edge; r->ihi = g->today; }
    else if (n->op == SEG_OPR_GT) r->ihi = edge - 1;      /* more than: before the edge */
    else r->ilo = edge + 1;
    return 1;
  }
  return 0;
}

/* Emits the fused test for r: a condition register, or (push) a selection. */
static uint32_t gen_crange(cg *g, const crange *r, int push) {
  uint32_t d = push ? 0 : reg_alloc(g), lo, hi;
  if (r->isnum) {
    lo = knum(g, r->flo);
    hi = knum(g, r->fhi);
    emit(g, push ? SEG_OP_SRNG_N : SEG_OP_RNG_N, d, r->col, lo, hi);
  } else {
    lo = kint(g, r->ilo);
    hi = kint(g, r->ihi);
    emit(g, push ? SEG_OP_SRNG_I : SEG_OP_RNG_I, d, r->col, lo, hi);
  }
  return d;
}

/* `column is (not) missing` on a stored column of any type. */
static int is_colmiss(const seg_node *n) {
  return n->kind == SEG_N_MISSING && n->a->kind == SEG_N_NAME && !n->a->ref && n->a->col >= 0;
}

/* A stored bool column. */
static int is_boolcol(const seg_node *n) {
  return n->kind == SEG_N_NAME && !n->ref && n->col >= 0 && n->type == VT_BOOL;
}

/* `column in (constants)` on an int or date column, not negated. */
static int is_colset(const seg_node *n) {
  if (n->kind != SEG_N_IN || n->negated || !is_valcol(n->a) || n->a->type == VT_NUM) return 0;
  for (seg_node *k = n->list; k; k = k->next)
    if (k->has_cols || k->type == VT_NUM) return 0;
  return 1;
}

/* Lays the non-missing constants of an IN list out contiguously in ki;
** returns the first index and sets *nk. */
static uint32_t set_consts(cg *g, const seg_node *n, uint32_t *nk) {
  uint32_t first = g->p->nki;
  *nk = 0;
  for (seg_node *k = n->list; k; k = k->next) {
    seg_val v = fold(g, k);
    if (v.missing) continue;              /* x = missing is never true */
    if (!GROW(g->p->ki, g->p->nki, g->p->capki)) { g->failed = 1; return 0; }
    g->p->ki[g->p->nki++] = v.i;
    (*nk)++;
  }
  return first;
}

/* x op y, with either side possibly constant. */
static uint32_t gen_compare(cg *g, int op, seg_node *x, seg_node *y) {
  if (x->type == VT_BOOL || y->type == VT_BOOL) {
    if (op != SEG_OPR_EQ && op != SEG_OPR_NE) { cg_error(g, x, "conditions can only be compared with = or !="); return 0; }
    uint32_t a = gen(g, x), b = gen(g, y), d = reg_alloc(g);
    emit(g, op == SEG_OPR_EQ ? SEG_OP_EQ_B : SEG_OP_NE_B, d, a, b, 0);
    reg_free(g, a);
    reg_free(g, b);
    return d;
  }
  if (!x->has_cols && y->has_cols) { seg_node *t = x; x = y; y = t; op = flip(op); }
  int f = x->type == VT_NUM || y->type == VT_NUM;
  if (f && (dec_arith(g, x) || dec_arith(g, y)) && dec_node(g, x) && dec_node(g, y)) {
    uint32_t a = gen_d(g, x), b = gen_d(g, y), d = cmp_d(g, op, a, b);
    reg_free(g, a);
    reg_free(g, b);
    return d;
  }
  if (!y->has_cols) {
    seg_val c = fold(g, y);
    uint32_t d;
    if (c.missing) {
      d = reg_alloc(g);
      emit(g, SEG_OP_KB, d, SEG_UNKNOWN, 0, 0);
      return d;
    }
    if (x->type == VT_INT && c.type == VT_NUM && !isnan(c.f)) {
      /* exactly, as integer bounds; `!=` is the negation of `=` */
      int64_t lo, hi;
      int_bounds(op == SEG_OPR_NE ? SEG_OPR_EQ : op, &c, &lo, &hi);
      uint32_t a = gen(g, x), klo = kint(g, lo), khi = kint(g, hi);
      d = reg_alloc(g);
      emit(g, SEG_OP_BTW_IK, d, a, klo, khi);
      reg_free(g, a);
      if (op == SEG_OPR_NE) {
        uint32_t o = reg_alloc(g);
        emit(g, SEG_OP_NOT, o, d, 0, 0);
        reg_free(g, d);
        d = o;
      }
      return d;
    }
    uint32_t a = f ? gen_f(g, x) : gen(g, x);
    d = reg_alloc(g);
    uint32_t k = f ? knum(g, c.type == VT_NUM ? c.f : (double)c.i) : kint(g, c.i);
    emit(g, (seg_opcode)((f ? SEG_OP_LT_FK : SEG_OP_LT_IK) + cmp_index(op)), d, a, k, 0);
    reg_free(g, a);
    return d;
  }
  if ((x->type == VT_INT && y->type == VT_NUM) || (x->type == VT_NUM && y->type == VT_INT)) {
    /* int against number exactly: the int is never rounded to a double */
    if (x->type == VT_NUM) { seg_node *t = x; x = y; y = t; op = flip(op); }
    uint32_t a = gen(g, x), b = gen(g, y), d = reg_alloc(g);
    emit(g, (seg_opcode)(SEG_OP_LT_IF + cmp_index(op)), d, a, b, 0);
    reg_free(g, a);
    reg_free(g, b);
    return d;
  }
  uint32_t a = f ? gen_f(g, x) : gen(g, x), b = f ? gen_f(g, y) : gen(g, y), d = reg_alloc(g);
  emit(g, (seg_opcode)((f ? SEG_OP_LT_F : SEG_OP_LT_I) + cmp_index(op)), d, a, b, 0);
  reg_free(g, a);
  reg_free(g, b);
  return d;
}

static uint32_t gen_logic(cg *g, seg_node *n) {
  int is_and = n->kind == SEG_N_AND;
  uint32_t a = gen(g, n->a);
  uint32_t jump = emit(g, is_and ? SEG_OP_SEL_NF : SEG_OP_SEL_NT, a, 0, 0, 0);
  g->depth++;
  if (g->depth > g->p->maxdepth) g->p->maxdepth = g->depth;
  uint32_t b = gen(g, n->b);
  g->depth--;
  uint32_t pop = emit(g, SEG_OP_SEL_POP, 0, 0, 0, 0);
  if (!g->failed) g->p->code[jump].b = pop;
  uint32_t d = reg_alloc(g);
  emit(g, is_and ? SEG_OP_AND : SEG_OP_OR, d, a, b, 0);
  reg_free(g, a);
  reg_free(g, b);
  return d;
}

/* subject lo..hi, bounds possibly open or non-constant */
static uint32_t gen_range(cg *g, seg_node *n) {
  seg_node *lo = n->b, *hi = n->c;
  int f = n->a->type == VT_NUM || (lo && lo->type == VT_NUM) || (hi && hi->type == VT_NUM);
  if ((!lo || !lo->has_cols) && (!hi || !hi->has_cols) && lo && hi) {
    if (f && dec_arith(g, n->a) && dec_node(g, lo) && dec_node(g, hi)) {   /* exactly: lo <= x and x <= hi */
      uint32_t x = gen_d(g, n->a), kl = gen_d(g, lo), kh = gen_d(g, hi);
      uint32_t a = cmp_d(g, SEG_OPR_GE, x, kl), b = cmp_d(g, SEG_OPR_LE, x, kh), d = reg_alloc(g);
      emit(g, SEG_OP_AND, d, a, b, 0);
      reg_free(g, x);
      reg_free(g, kl);
      reg_free(g, kh);
      reg_free(g, a);
      reg_free(g, b);
      return d;
    }
    seg_val l = fold(g, lo), h = fold(g, hi);
    /* an int subject against number bounds: exact int bounds */
    int exact = f && n->a->type == VT_INT && !l.missing && !h.missing &&
                !(l.type == VT_NUM && isnan(l.f)) && !(h.type == VT_NUM && isnan(h.f));
    uint32_t x = f && !exact ? gen_f(g, n->a) : gen(g, n->a), d = reg_alloc(g), klo, khi;
    /* constants are interned low bound first, so listings are stable */
    if (exact) {
      int64_t ilo = l.i, ihi = h.i;
      int e = 0;
      if (l.type == VT_NUM) int_lo_of(SEG_OPR_GE, &l, &ilo, &e);
      if (h.type == VT_NUM) int_hi_of(SEG_OPR_LE, &h, &ihi, &e);
      if (e) { ilo = 1; ihi = 0; }
      klo = kint(g, ilo);
      khi = kint(g, ihi);
      emit(g, SEG_OP_BTW_IK, d, x, klo, khi);
    } else if (f) {
      klo = knum(g, l.type == VT_NUM ? l.f : (double)l.i);
      khi = knum(g, h.type == VT_NUM ? h.f : (double)h.i);
      emit(g, SEG_OP_BTW_FK, d, x, klo, khi);
    } else {
      klo = kint(g, l.i);
      khi = kint(g, h.i);
      emit(g, SEG_OP_BTW_IK, d, x, klo, khi);
    }
    reg_free(g, x);
    return d;
  }
  if (!lo) return gen_compare(g, SEG_OPR_LE, n->a, hi);
  if (!hi) return gen_compare(g, SEG_OPR_GE, n->a, lo);
  uint32_t a = gen_compare(g, SEG_OPR_GE, n->a, lo), b = gen_compare(g, SEG_OPR_LE, n->a, hi), d = reg_alloc(g);
  emit(g, SEG_OP_AND, d, a, b, 0);
  reg_free(g, a);
  reg_free(g, b);
  return d;
}

/* acc or e (e alone for the first, *have 0): the register holding it */
static uint32_t or_into(cg *g, uint32_t acc, int *have, uint32_t e) {
  if (!*have) { *have = 1; return e; }
  uint32_t o = reg_alloc(g);
  emit(g, SEG_OP_OR, o, acc, e, 0);
  reg_free(g, acc);
  reg_free(g, e);
  return o;
}

/* `x in (a, b, ...)` means `x = a or x = b or ...`, three-valued: a list of
** constants becomes one IN_IK / IN_FK test, anything else (conditions,
** expressions in the list) the disjunction itself. An int subject is
** compared exactly: number constants that are whole become int constants,
** the others can never be equal and are dropped. */
static uint32_t gen_in(cg *g, seg_node *n) {
  int allconst = n->a->type != VT_BOOL, f = n->a->type == VT_NUM, count = 0;
  for (seg_node *k = n->list; k; k = k->next) {
    allconst &= !k->has_cols;
    if (n->a->type != VT_INT) f |= k->type == VT_NUM;
    count++;
  }
  uint32_t d;
  if (allconst && f && dec_arith(g, n->a)) {        /* exactly: x = a or x = b ... */
    int exact = 0;
    for (seg_node *k = n->list; k; k = k->next) {
      int64_t v;
      uint32_t sc;
      if (dec_const(g, k, &v, &sc)) { exact = 1; continue; }
      seg_val fv = fold(g, k);
      int miss = fv.missing;
      seg_val_release(&fv);
      if (!miss) { exact = 0; break; }               /* (x = missing is never true: left out) */
    }
    if (exact) {
      uint32_t x = gen_d(g, n->a);
      int have = 0;
      d = 0;
      for (seg_node *k = n->list; k; k = k->next) {
        int64_t v;
        uint32_t sc;
        if (!dec_const(g, k, &v, &sc)) continue;
        uint32_t kd = gen_d(g, k), e = cmp_d(g, SEG_OPR_EQ, x, kd);
        reg_free(g, kd);
        d = or_into(g, d, &have, e);
      }
      reg_free(g, x);
      goto negate;
    }
  }
  if (allconst) {
    uint32_t first = 0;
    int firstset = 0, nk = 0;
    /* constants of one IN are laid out contiguously (no de-duplication) */
    for (seg_node *k = n->list; k; k = k->next) {
      seg_val v = fold(g, k);
      if (v.missing) continue;              /* x = missing is never true */
      if (!f && v.type == VT_NUM) {         /* int subject: whole numbers only */
        int64_t lo, hi;
        if (isnan(v.f) || !int_bounds(SEG_OPR_EQ, &v, &lo, &hi)) continue;
        v.i = lo;
      }
      uint32_t idx;
      if (f) {
        if (!GROW(g->p->kf, g->p->nkf, g->p->capkf)) { g->failed = 1; return 0; }
        idx = g->p->nkf;
        g->p->kf[g->p->nkf++] = v.type == VT_NUM ? v.f : (double)v.i;
      } else {
        if (!GROW(g->p->ki, g->p->nki, g->p->capki)) { g->failed = 1; return 0; }
        idx = g->p->nki;
        g->p->ki[g->p->nki++] = v.i;
      }
      if (!firstset) { first = idx; firstset = 1; }
      nk++;
    }
    uint32_t x = f ? gen_f(g, n->a) : gen(g, n->a);
    d = reg_alloc(g);
    emit(g, f ? SEG_OP_IN_FK : SEG_OP_IN_IK, d, x, first, (uint32_t)nk);
    reg_free(g, x);
  } else {
    d = 0;
    int have = 0;
    for (seg_node *k = n->list; k; k = k->next) {
      d = or_into(g, d, &have, gen_compare(g, SEG_OPR_EQ, n->a, k));
    }
  }
negate:
  if (n->negated) {
    uint32_t o = reg_alloc(g);
    emit(g, SEG_OP_NOT, o, d, 0, 0);
    reg_free(g, d);
    d = o;
  }
  return d;
}

static uint32_t gen_unary(cg *g, seg_opcode op, seg_node *a) {
  uint32_t x = gen(g, a), d = reg_alloc(g);
  emit(g, op, d, x, 0, 0);
  reg_free(g, x);
  return d;
}

static uint32_t gen_arith(cg *g, seg_node *n) {
  if (n->a->type == VT_DATE && n->b->type == VT_DURATION) {
    seg_val dur = fold(g, n->b);         /* days or weeks: sema refuses months here */
    int64_t days = seg_date_shift(0, dur.i, dur.unit);
    uint32_t x = gen(g, n->a), k = reg_alloc(g), d = reg_alloc(g);
    emit(g, SEG_OP_KI, k, kint(g, days), 0, 0);
    emit(g, n->op == '+' ? SEG_OP_ADD_I : SEG_OP_SUB_I, d, x, k, 0);
    reg_free(g, x);
    reg_free(g, k);
    return d;
  }
  int f = n->type == VT_NUM;
  if (f && n->op != '/' && dec_node(g, n)) return gen_d2f(g, n);   /* exactly, then as f64 */
  uint32_t a = f ? gen_f(g, n->a) : gen(g, n->a), b = f ? gen_f(g, n->b) : gen(g, n->b), d = reg_alloc(g);
  seg_opcode op;
  switch (n->op) {
  case '+': op = f ? SEG_OP_ADD_F : SEG_OP_ADD_I; break;
  case '-': op = f ? SEG_OP_SUB_F : SEG_OP_SUB_I; break;
  case '*': op = f ? SEG_OP_MUL_F : SEG_OP_MUL_I; break;
  default: op = SEG_OP_DIV_F; break;
  }
  emit(g, op, d, a, b, 0);
  reg_free(g, a);
  reg_free(g, b);
  return d;
}

static uint32_t gen_call(cg *g, seg_node *n) {
  switch (n->fn) {
  case F_DAYS_SINCE: return gen_unary(g, SEG_OP_DSINCE, n->list);
  case F_YEAR: return gen_unary(g, SEG_OP_YEAR, n->list);
  case F_MONTH: return gen_unary(g, SEG_OP_MONTH, n->list);
  case F_ABS: return gen_unary(g, n->type == VT_NUM ? SEG_OP_ABS_F : SEG_OP_ABS_I, n->list);
  case F_COALESCE: {
    int f = n->type == VT_NUM, b = n->type == VT_BOOL;
    uint32_t d = f ? gen_f(g, n->list) : gen(g, n->list);
    for (seg_node *k = n->list->next; k; k = k->next) {
      uint32_t e = f ? gen_f(g, k) : gen(g, k), o = reg_alloc(g);
      emit(g, b ? SEG_OP_COAL_B : SEG_OP_COAL_V, o, d, e, 0);
      reg_free(g, d);
      reg_free(g, e);
      d = o;
    }
    return d;
  }
  case F_BUCKET: {                        /* an int or date key; a text key is a map */
    seg_node *k = n->list->next;
    uint32_t salt = seg_xprog_node(&g->p->x, SEG_N_STR, VT_TEXT);
    if (salt == SEG_XNONE) { g->failed = 1; return 0; }
    uint32_t off = seg_xprog_str(&g->p->x, n->list->str, n->list->len);
    if (off == SEG_XNONE) { g->failed = 1; return 0; }
    g->p->x.n[salt].str = off;
    g->p->x.n[salt].len = (uint32_t)n->list->len;
    uint32_t x = gen(g, k), d = reg_alloc(g);
    emit(g, SEG_OP_BKT, d, x, k->type == VT_DATE, salt);
    reg_free(g, x);
    return d;
  }
  default:
    cg_error(g, n, "text functions can only be used on one text column at a time");
    return 0;
  }
}

/* A text expression becomes a map, evaluated once per distinct value. */
static uint32_t add_map(cg *g, seg_node *n) {
  seg_program *p = g->p;
  if (!GROW(p->maps, p->nmaps, p->capmaps)) { g->failed = 1; return 0; }
  uint32_t root = seg_lower(&p->x, n);
  if (root == SEG_XNONE) { g->failed = 1; return 0; }
  p->maps[p->nmaps] = (seg_map){(uint32_t)n->textcol, n->type, root, n->loc};
  return p->nmaps++;
}

/* ---- rankings: the first pass ------------------------------------------
** Every ranking (SEG_N_RANK) of the segments and guards is a use of a
** source (its value and population; equal ones shared); the first pass
** hands each source's values to the runtime (RVAL), which computes each
** use's thresholds before the second pass reads them (NTILE, RTOP). */

static uint32_t gen_inline(cg *g, seg_stmt *t);

/* A ranking's value: its expression, negated for a reversed ranking. */
static uint32_t rank_value(cg *g, seg_node *n) {
  if (!n->negated) return gen(g, n->a);
  return gen_unary(g, n->a->type == VT_NUM ? SEG_OP_NEG_F : SEG_OP_NEG_I, n->a);
}

/* Gives every ranking under n its use (n->rank), adding sources and uses. */
static void collect_ranks(cg *g, seg_node *n) {
  if (!n || g->failed) return;
  collect_ranks(g, n->a);
  collect_ranks(g, n->b);
  collect_ranks(g, n->c);
  for (seg_node *k = n->list; k; k = k->next) collect_ranks(g, k);
  if (n->kind != SEG_N_RANK) return;
  seg_program *p = g->p;
  uint32_t s = 0;
  while (s < p->nrsrc && !(seg_node_same(g->rsrc[s]->a, n->a) && seg_node_same(g->rsrc[s]->b, n->b) &&
                           g->rsrc[s]->negated == n->negated))
    s++;
  if (s == p->nrsrc) {
    if (!GROW(p->rsrc, p->nrsrc, g->caprsrc)) { g->failed = 1; return; }
    if (!GROW(g->rsrc, p->nrsrc, g->capnodes)) { g->failed = 1; return; }
    p->rsrc[p->nrsrc] = (seg_rsrc){.isf = n->a->type == VT_NUM};
    g->rsrc[p->nrsrc++] = n;
  }
  seg_ruse u = {.src = s, .kind = (uint8_t)n->op, .k = n->op == SEG_RK_NTILE ? (uint32_t)n->ival : 0,
                .pct = n->op == SEG_RK_NTILE ? 0 : n->ival};
  uint32_t k = 0;
  while (k < p->nruse && !(p->ruse[k].src == u.src && p->ruse[k].kind == u.kind && p->ruse[k].k == u.k &&
                           p->ruse[k].pct == u.pct))
    k++;
  if (k == p->nruse) {
    if (!GROW(p->ruse, p->nruse, g->capruse)) { g->failed = 1; return; }
    p->ruse[p->nruse++] = u;
  }
  n->rank = (int)k;
}

/* The first pass: each source's value where its population holds. */
static void emit_pass1(cg *g) {
  g->pass1 = 1;
  for (uint32_t s = 0; s < g->p->nrsrc && !g->failed; s++) {
    seg_node *n = g->rsrc[s];
    uint32_t v = rank_value(g, n), c;
    if (n->b) c = gen(g, n->b);
    else emit(g, SEG_OP_KB, c = reg_alloc(g), SEG_TRUE, 0, 0);
    emit(g, g->p->rsrc[s].isf ? SEG_OP_RVAL_F : SEG_OP_RVAL_I, s, v, c, 0);
    reg_free(g, v);
    reg_free(g, c);
  }
  g->pass1 = 0;
  g->p->npass1 = g->p->ncode;
}

static uint32_t gen_node(cg *g, seg_node *n) {
  if (g->failed) return 0;
  if (!n->has_cols) {
    seg_val v = fold(g, n);
    uint32_t r = gen_const(g, &v);
    seg_val_release(&v);
    return r;
  }
  if (n->textcol >= 0 && n->type != VT_TEXT) {
    uint32_t m = add_map(g, n), r = reg_alloc(g);
    char k = kind_of(n->type);
    emit(g, k == 'B' ? SEG_OP_MAP_B : k == 'F' ? SEG_OP_MAP_F : SEG_OP_MAP_I, r, (uint32_t)n->textcol, m, 0);
    return r;
  }
  crange cr;
  if (as_range(g, n, &cr)) return gen_crange(g, &cr, 0);
  if (is_colset(n)) {
    uint32_t nk, first = set_consts(g, n, &nk), d = reg_alloc(g);
    emit(g, SEG_OP_IN_C, d, (uint32_t)n->a->col, first, nk);
    return d;
  }
  switch (n->kind) {
  case SEG_N_NAME: {
    if (n->ref && g->pass1) return gen_inline(g, n->ref);
    if (n->ref) return (uint32_t)g->segreg[n->ref->index];
    uint32_t r = reg_alloc(g);
    seg_opcode op = n->type == VT_BOOL ? SEG_OP_COL_B : n->type == VT_NUM ? SEG_OP_COL_N
                  : n->type == VT_DATE ? SEG_OP_COL_D : SEG_OP_COL_I;
    emit(g, op, r, (uint32_t)n->col, 0, 0);
    return r;
  }
  case SEG_N_NEG: return gen_unary(g, n->type == VT_NUM ? SEG_OP_NEG_F : SEG_OP_NEG_I, n->a);
  case SEG_N_BIN: return n->op >= 256 ? gen_compare(g, n->op, n->a, n->b) : gen_arith(g, n);
  case SEG_N_AND: case SEG_N_OR: return gen_logic(g, n);
  case SEG_N_NOT: return gen_unary(g, SEG_OP_NOT, n->a);
  case SEG_N_RANGE: return gen_range(g, n);
  case SEG_N_IN: return gen_in(g, n);
  case SEG_N_IS: {                           /* coalesce(x, false) or coalesce(not x, false) */
    uint32_t x = n->op ? gen(g, n->a) : gen_unary(g, SEG_OP_NOT, n->a), f = reg_alloc(g), d = reg_alloc(g);
    emit(g, SEG_OP_KB, f, SEG_FALSE, 0, 0);
    emit(g, SEG_OP_COAL_B, d, x, f, 0);
    reg_free(g, x);
    reg_free(g, f);
    if (!n->negated) return d;
    uint32_t o = reg_alloc(g);
    emit(g, SEG_OP_NOT, o, d, 0, 0);
    reg_free(g, d);
    return o;
  }
  case SEG_N_MISSING: {
    if (n->negated && n->a->type != VT_BOOL) return gen_unary(g, SEG_OP_PRES_V, n->a);
    uint32_t d = gen_unary(g, n->a->type == VT_BOOL ? SEG_OP_ISMISS_B : SEG_OP_ISMISS_V, n->a);
    if (!n->negated) return d;
    uint32_t o = reg_alloc(g);
    emit(g, SEG_OP_NOT, o, d, 0, 0);
    reg_free(g, d);
    return o;
  }
  case SEG_N_WITHIN: case SEG_N_AGO: {
    seg_val dur = fold(g, n->b);         /* the edge: today - duration */
    int64_t edge = seg_date_shift(g->today, -dur.i, dur.unit);
    uint32_t x = gen(g, n->a), d = reg_alloc(g);
    uint32_t klo = kint(g, edge);
    if (n->kind == SEG_N_WITHIN) {
      uint32_t khi = kint(g, g->today);
      emit(g, SEG_OP_BTW_IK, d, x, klo, khi);
    } else {
      emit(g, n->op == SEG_OPR_GT ? SEG_OP_LT_IK : SEG_OP_GT_IK, d, x, klo, 0);
    }
    reg_free(g, x);
    return d;
  }
  case SEG_N_CALL: return gen_call(g, n);
  case SEG_N_RANK: {
    if (g->pass1) {
      cg_error(g, n, "a ranking inside the population of another ranking ('within') is not supported; "
               "rank inside a segment defined without rankings");
      return 0;
    }
    const seg_ruse *u = &g->p->ruse[n->rank];
    int isf = g->p->rsrc[u->src].isf;
    uint32_t v = rank_value(g, n), d = reg_alloc(g);
    if (n->b) {                                /* `within S`: no rank outside S */
      uint32_t c = gen(g, n->b), w = reg_alloc(g);
      emit(g, SEG_OP_WHEN_V, w, v, c, 0);
      reg_free(g, v);
      reg_free(g, c);
      v = w;
    }
    seg_opcode op = u->kind == SEG_RK_NTILE ? (isf ? SEG_OP_NTILE_F : SEG_OP_NTILE_I)
                                            : (isf ? SEG_OP_RTOP_F : SEG_OP_RTOP_I);
    emit(g, op, d, v, (uint32_t)n->rank, 0);
    reg_free(g, v);
    return d;
  }
  default:
    cg_error(g, n, "this expression cannot be compiled (text from several columns)");
    return 0;
  }
}

/* seg why: a condition's value is in register r right after the last
** instruction emitted for it; recorded when that instruction writes r (a
** segment reference emits nothing: its value is the segment's). */
static uint32_t gen(cg *g, seg_node *n) {
  uint32_t r = gen_node(g, n);
  seg_cg_probes *ps = g->probes;
  if (!ps || g->pass1 || g->failed || n->type != VT_BOOL || g->p->ncode == 0) return r;   /* pass 1 is not watched */
  const seg_insn *last = &g->p->code[g->p->ncode - 1];
  if (last->a != r || seg_ops[last->op].regs[0] != 'T') return r;
  if (!GROW(ps->v, ps->n, ps->cap)) { g->failed = 1; return r; }
  ps->v[ps->n++] = (seg_cg_probe){n, g->p->ncode - 1};
  return r;
}

/* The first pass cannot read a segment's result (it is not computed
** yet): a population's segment is evaluated there from its rule, with the
** guard, as the second pass would see it. */
static uint32_t gen_inline(cg *g, seg_stmt *t) {
  seg_node guarded, *e = t->expr;
  if (g->guard) e = seg_node_and(&guarded, g->guard, t->expr);
  return gen(g, e);
}

/* ---- segments nothing else reads: a chain of selections ---------------- */

typedef struct pushes {
  uint32_t *jumps;             /* the JEMPTY after each push            */
  uint32_t n, cap;
} pushes;

static void push_level(cg *g, pushes *ps) {
  uint32_t j = emit(g, SEG_OP_JEMPTY, 0, 0, 0, 0);
  if (!GROW(ps->jumps, ps->n, ps->cap)) { g->failed = 1; return; }
  ps->jumps[ps->n++] = j;
  if (++g->depth > g->p->maxdepth) g->p->maxdepth = g->depth;
}

/* Narrows the selection to the rows where n is true, one push per
** conjunct: fused column tests where the form allows, else the value of n
** and SEL_T. */
/* The fused form a condition takes in a selection chain, if any. */
typedef enum cform { CF_NONE, CF_MISS, CF_MAP, CF_RANGE, CF_SET, CF_BOOL, CF_NOTBOOL } cform;

static cform form_of(cg *g, seg_node *n, crange *cr) {
  if (is_colmiss(n)) return CF_MISS;
  if (!n->has_cols) return CF_NONE;
  if (n->textcol >= 0 && n->type == VT_BOOL) return CF_MAP;
  if (as_range(g, n, cr)) return CF_RANGE;
  if (is_colset(n)) return CF_SET;
  if (is_boolcol(n)) return CF_BOOL;
  if (n->kind == SEG_N_NOT && is_boolcol(n->a)) return CF_NOTBOOL;
  return CF_NONE;
}

/* Narrows the selection to the rows where n (not an `and`) is true: a
** fused column test where the form allows, else the value of n and SEL_T. */
static void push_true(cg *g, seg_node *n, pushes *ps) {
  if (g->failed) return;
  crange cr;
  switch (form_of(g, n, &cr)) {
  case CF_MISS:                        /* read from the validity bitmap alone */
    emit(g, SEG_OP_SMISS, 0, (uint32_t)n->a->col, 0, (uint32_t)n->negated);
    break;
  case CF_MAP: {
    uint32_t m = add_map(g, n);
    emit(g, SEG_OP_SMAP, 0, (uint32_t)n->textcol, m, 0);
    break;
  }
  case CF_RANGE: gen_crange(g, &cr, 1); break;
  case CF_SET: {
    uint32_t nk, first = set_consts(g, n, &nk);
    emit(g, SEG_OP_SIN_C, 0, (uint32_t)n->a->col, first, nk);
    break;
  }
  case CF_BOOL: emit(g, SEG_OP_SCOL_B, 0, (uint32_t)n->col, 0, 0); break;
  default: {
    uint32_t r = gen(g, n);
    emit(g, SEG_OP_SEL_T, r, 0, 0, 0);
    reg_free(g, r);
    break;
  }
  }
  push_level(g, ps);
}

/* The conjuncts of an `and` chain, in order. */
typedef struct conj {
  seg_node **v;
  uint32_t n, cap;
} conj;

static void flatten(cg *g, seg_node *n, conj *out) {
  if (n->has_cols && n->kind == SEG_N_AND && !(n->textcol >= 0 && n->type == VT_BOOL)) {
    flatten(g, n->a, out);
    flatten(g, n->b, out);
    return;
  }
  if (!GROW(out->v, out->n, out->cap)) { g->failed = 1; return; }
  out->v[out->n++] = n;
}

/* Emits the whole-batch test of conjunct n (form f) into the hit bytes;
** 0 if f has none. */
static int emit_hit(cg *g, seg_node *n, cform f, const crange *cr, int first) {
  switch (f) {
  case CF_RANGE: {
    uint32_t lo = cr->isnum ? knum(g, cr->flo) : kint(g, cr->ilo);    /* low bound interned first */
    uint32_t hi = cr->isnum ? knum(g, cr->fhi) : kint(g, cr->ihi);
    emit(g, cr->isnum ? SEG_OP_HRNG_N : SEG_OP_HRNG_I, (uint32_t)first, cr->col, lo, hi);
    return 1;
  }
  case CF_BOOL: case CF_NOTBOOL:
    emit(g, SEG_OP_HCOL_B, (uint32_t)first, (uint32_t)(f == CF_NOTBOOL ? n->a : n)->col, 0, f == CF_NOTBOOL);
    return 1;
  case CF_MAP: {
    uint32_t m = add_map(g, n);
    emit(g, SEG_OP_HMAP, (uint32_t)first, (uint32_t)n->textcol, m, 0);
    return 1;
  }
  case CF_MISS:
    emit(g, SEG_OP_HMISS, (uint32_t)first, (uint32_t)n->a->col, 0, (uint32_t)n->negated);
    return 1;
  default: return 0;
  }
}

/* Segment `seg`, which nothing reads, at selection level 0. When every
** conjunct has a whole-batch test (ranges and bool columns first, then
** text maps, then `is (not) missing`), they are ANDed into hit bytes and
** counted straight from them (HEMIT): no selection at all. Otherwise the
** ranges and bool columns are ANDed and compacted once (HSEL), the other
** conjuncts narrow that selection one by one, and EMIT_SEL counts it. A
** lone `is missing` keeps SMISS, which walks the validity words. */
static void push_chain(cg *g, seg_node *e, pushes *ps, uint32_t seg) {
  conj cs = {0};
  flatten(g, e, &cs);
  uint8_t *done = calloc(cs.n ? cs.n : 1, 1);
  cform *forms = calloc(cs.n ? cs.n : 1, sizeof *forms);
  crange *crs = calloc(cs.n ? cs.n : 1, sizeof *crs);
  if (!done || !forms || !crs) g->failed = 1;
  int whole = cs.n > 0;
  for (uint32_t k = 0; k < cs.n && !g->failed; k++) {
    forms[k] = form_of(g, cs.v[k], &crs[k]);
    if (forms[k] != CF_RANGE && forms[k] != CF_BOOL && forms[k] != CF_NOTBOOL &&
        forms[k] != CF_MAP && forms[k] != CF_MISS)
      whole = 0;
  }
  if (!g->failed && cs.n == 1 && forms[0] == CF_MISS) whole = 0;
  uint32_t nh = 0;
  /* pass 0: ranges and bool columns; whole: then maps, then missing */
  static const cform order[3][2] = {{CF_RANGE, CF_BOOL}, {CF_MAP, CF_MAP}, {CF_MISS, CF_MISS}};
  for (int pass = 0; pass < (whole ? 3 : 1) && !g->failed; pass++)
    for (uint32_t k = 0; k < cs.n && !g->failed; k++) {
      cform f = forms[k] == CF_NOTBOOL ? CF_BOOL : forms[k];
      if (done[k] || (f != order[pass][0] && f != order[pass][1])) continue;
      if (emit_hit(g, cs.v[k], forms[k], &crs[k], nh == 0)) {
        done[k] = 1;
        nh++;
      }
    }
  if (whole) {
    emit(g, SEG_OP_HEMIT, seg, 0, 0, 0);
  } else {
    if (nh && !g->failed) {
      emit(g, SEG_OP_HSEL, 0, 0, 0, 0);
      push_level(g, ps);
    }
    for (uint32_t k = 0; k < cs.n && !g->failed; k++)
      if (!done[k]) push_true(g, cs.v[k], ps);
    emit(g, SEG_OP_EMIT_SEL, seg, 0, 0, 0);
  }
  free(crs);
  free(forms);
  free(done);
  free(cs.v);
}

static void mark_refs(const seg_node *n, uint8_t *referenced) {
  if (n->kind == SEG_N_NAME && n->ref && n->ref->kind == S_SEGMENT) referenced[n->ref->index] = 1;
  if (n->a) mark_refs(n->a, referenced);
  if (n->b) mark_refs(n->b, referenced);
  if (n->c) mark_refs(n->c, referenced);
  for (const seg_node *k = n->list; k; k = k->next) mark_refs(k, referenced);
}

/* ---- measures and the guard ------------------------------------------- */

/* Computes condition n into the next hidden slot; returns the slot. */
static uint32_t emit_cond(cg *g, seg_node *n) {
  uint32_t slot = seg_program_slots(g->p);
  if (slot >= 65535) {                   /* a slot travels in a 16-bit operand */
    seg_diag_add(g->diags, SEG_SEV_ERROR, "E0000", n->loc, "too many segments and filters in one file (at most 65535)");
    g->failed = 1;
    return 0;
  }
  uint32_t r = gen(g, n);
  emit(g, SEG_OP_EMIT, slot, r, 0, 0);
  reg_free(g, r);
  g->p->nconds++;
  return slot;
}

/* Appends the postfix of measure expression n (checked by sema: numbers,
** number constants, aggregates and + - * /); each aggregate's filter
** becomes a condition slot. */
static void measure_ops(cg *g, seg_node *n, uint32_t *capmops, uint32_t *capaggs) {
  seg_program *p = g->p;
  if (g->failed) return;
  seg_mop o = {0, 0, 0};
  switch (n->kind) {
  case SEG_N_AGG: {
    seg_aggr a = {(uint8_t)n->op, n->a ? n->a->col : -1, -1, n->fval};
    if (n->b) a.cond = (int32_t)emit_cond(g, n->b);
    if (!GROW(p->aggs, p->naggs, *capaggs)) { g->failed = 1; return; }
    p->aggs[p->naggs] = a;
    o.kind = 'a';
    o.agg = p->naggs++;
    break;
  }
  case SEG_N_NEG:
    measure_ops(g, n->a, capmops, capaggs);
    o.kind = 'n';
    break;
  case SEG_N_BIN:
    measure_ops(g, n->a, capmops, capaggs);
    measure_ops(g, n->b, capmops, capaggs);
    o.kind = (uint8_t)n->op;
    break;
  default: {                              /* a number or a number constant */
    seg_val v = fold(g, n);
    o.kind = 'k';
    o.k = v.missing ? NAN : v.type == VT_NUM ? v.f : (double)v.i;
    seg_val_release(&v);
    break;
  }
  }
  if (g->failed) return;
  if (!GROW(p->mops, p->nmops, *capmops)) { g->failed = 1; return; }
  p->mops[p->nmops++] = o;
}

/* The `require` guards of the file as one condition (several are ANDed,
** in nodes the caller frees), or NULL. */
static seg_node *guard_of(cg *g, seg_ast *ast, seg_node **extra) {
  seg_node *gd = NULL;
  *extra = NULL;
  for (seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind != S_REQUIRE || !t->expr) continue;
    if (!gd) { gd = t->expr; continue; }
    seg_node *both = calloc(1, sizeof *both);
    if (!both) { g->failed = 1; return gd; }
    seg_node_and(both, gd, t->expr);
    both->next = *extra;                  /* the caller's list to free */
    *extra = both;
    gd = both;
  }
  return gd;
}

int seg_cg_program(seg_ast *ast, seg_stmt **order, const seg_schema_view *schema, int32_t today,
                   seg_program *p, seg_diags *diags) {
  return seg_cg_program_probed(ast, order, schema, today, p, diags, NULL);
}

int seg_cg_program_probed(seg_ast *ast, seg_stmt **order, const seg_schema_view *schema, int32_t today,
                          seg_program *p, seg_diags *diags, seg_cg_probes *probes) {
  memset(p, 0, sizeof *p);
  cg g = {0};
  g.p = p;
  g.probes = probes;
  g.diags = diags;
  g.today = today;
  p->today = today;
  if (seg_program_set_columns(p, schema) != 0) g.failed = 1;
  p->nsegs = (uint32_t)ast->nsegments;
  p->segs = calloc(p->nsegs ? p->nsegs : 1, sizeof *p->segs);
  g.segreg = calloc(p->nsegs ? p->nsegs : 1, sizeof *g.segreg);
  uint8_t *referenced = calloc(p->nsegs ? p->nsegs : 1, 1);
  pushes ps = {0};
  if (!p->segs || !g.segreg || !referenced) g.failed = 1;
  if (ast->nsegments > 65535) {        /* a segment index travels in a 16-bit operand */
    seg_diag_add(diags, SEG_SEV_ERROR, "E0000", order[65535]->name_loc,
                 "too many segments in one file (%d; at most 65535)", ast->nsegments);
    g.failed = 1;
  }
  for (int i = 0; !g.failed && i < ast->nsegments; i++) mark_refs(order[i]->expr, referenced);
  for (seg_stmt *t = ast->first; t && !g.failed; t = t->next)     /* filters and guards read segments too */
    if ((t->kind == S_MEASURE || t->kind == S_REQUIRE || t->kind == S_SPLIT) && t->expr) mark_refs(t->expr, referenced);
  seg_node *extra = NULL, *guard = guard_of(&g, ast, &extra);
  g.guard = guard;
  for (int i = 0; !g.failed && i < ast->nsegments; i++) collect_ranks(&g, order[i]->expr);
  if (guard && !g.failed) collect_ranks(&g, guard);
  if (p->nrsrc && !g.failed) emit_pass1(&g);
  for (int i = 0; !g.failed && i < ast->nsegments; i++) {
    seg_stmt *t = order[i];
    seg_seginfo *si = &p->segs[t->index];
    si->name = strdup(t->name);
    si->desc = t->desc ? strdup(t->desc) : NULL;
    si->loc = t->name_loc;
    if (!si->name || (t->desc && !si->desc)) { g.failed = 1; break; }
    /* `require G`: the segment is `G and (its rule)` */
    seg_node guarded, *saved = t->expr;
    if (guard) {
      t->expr = seg_node_and(&guarded, guard, saved);
    }
    crange cr;
    seg_node *e = t->expr;
    /* a lone condition with no fused form is cheaper as one EMIT */
    int chain = (e->has_cols && e->kind == SEG_N_AND) || form_of(&g, e, &cr) != CF_NONE;
    if (!referenced[t->index] && chain && !probes) {
      /* only its members matter: narrow the selection, count what is left */
      ps.n = 0;
      push_chain(&g, t->expr, &ps, (uint32_t)t->index);
      for (uint32_t k = ps.n; k-- > 0 && !g.failed;) {
        uint32_t pop = emit(&g, SEG_OP_SEL_POP, 0, 0, 0, 0);
        if (!g.failed) p->code[ps.jumps[k]].b = pop;
      }
      g.depth -= ps.n;
      t->expr = saved;
      continue;
    }
    uint32_t r = gen(&g, t->expr);
    t->expr = saved;
    if (g.failed) break;
    g.persistent[r] = 1;
    g.segreg[t->index] = (int32_t)r;
    emit(&g, SEG_OP_EMIT, (uint32_t)t->index, r, 0, 0);
  }
  /* the guard's own count (how many customers it keeps), then the
  ** measures with their filters */
  if (guard && !g.failed) p->guard = 1 + emit_cond(&g, guard);
  /* each split: its arms, and the customers of its base it leaves in no
  ** arm (no key; the guard applies as to every segment) */
  if (ast->nsplits > 0 && !g.failed) {
    p->splits = calloc((size_t)ast->nsplits, sizeof *p->splits);
    if (!p->splits) g.failed = 1;
  }
  for (seg_stmt *t = ast->first; t && !g.failed; t = t->next) {
    if (t->kind != S_SPLIT || !t->expr || !t->next || t->next->split != t) continue;
    seg_split *sp = &p->splits[p->nsplits++];
    sp->name = strdup(t->name);
    sp->salt = strdup(t->salt);
    sp->buckets = calloc((size_t)t->narms, sizeof *sp->buckets);
    if (!sp->name || !sp->salt || !sp->buckets) { g.failed = 1; break; }
    sp->loc = t->name_loc;
    sp->base = t->base && t->base->ref ? t->base->ref->index : -1;
    sp->key = t->key->col;
    sp->first = (uint32_t)t->next->index;
    sp->narms = (uint32_t)t->narms;
    uint32_t k = 0;
    for (const seg_arm *a = t->arms; a; a = a->next) sp->buckets[k++] = a->n;
    seg_node both, *e = guard ? seg_node_and(&both, guard, t->expr) : t->expr;
    sp->nokey = emit_cond(&g, e);
  }
  uint32_t capmops = 0, capaggs = 0;
  if (ast->nmeasures > 0 && !g.failed) {
    p->measures = calloc((size_t)ast->nmeasures, sizeof *p->measures);
    if (!p->measures) g.failed = 1;
  }
  for (seg_stmt *t = ast->first; t && !g.failed; t = t->next) {
    if (t->kind != S_MEASURE || !t->expr) continue;
    seg_measure *m = &p->measures[p->nmeasures++];
    m->name = strdup(t->name);
    m->desc = t->desc ? strdup(t->desc) : NULL;
    m->loc = t->name_loc;
    m->first = p->nmops;
    if (!m->name || (t->desc && !m->desc)) { g.failed = 1; break; }
    measure_ops(&g, t->expr, &capmops, &capaggs);
    m->n = p->nmops - m->first;
  }
  /* the priorities: each tier's segment, in order */
  uint32_t ntiers = 0;
  for (seg_stmt *t = ast->first; t; t = t->next)
    if (t->kind == S_PRIORITY)
      for (seg_node *n = t->expr; n; n = n->next) ntiers++;
  if (ast->npriorities > 0 && !g.failed) {
    p->prios = calloc((size_t)ast->npriorities, sizeof *p->prios);
    p->tiers = calloc((size_t)ntiers + 1, sizeof *p->tiers);
    if (!p->prios || !p->tiers) g.failed = 1;
  }
  for (seg_stmt *t = ast->first; t && !g.failed; t = t->next) {
    if (t->kind != S_PRIORITY || !t->expr) continue;
    seg_priority *pr = &p->prios[p->nprios++];
    pr->name = strdup(t->name);
    pr->else_name = t->where && t->where->str ? strdup(t->where->str) : NULL;
    pr->loc = t->name_loc;
    pr->else_loc = t->where ? t->where->loc : t->name_loc;
    pr->first = p->ntiers;
    if (!pr->name || (t->where && t->where->str && !pr->else_name)) { g.failed = 1; break; }
    for (seg_node *n = t->expr; n; n = n->next) {
      if (!n->ref || n->ref->kind != S_SEGMENT) { g.failed = 1; break; }   /* sema reported it */
      p->tiers[p->ntiers++] = (seg_tier){(uint32_t)n->ref->index, n->loc};
    }
    pr->n = p->ntiers - pr->first;
  }
  while (extra) {
    seg_node *next = extra->next;
    free(extra);
    extra = next;
  }
  free(ps.jumps);
  free(g.rsrc);
  free(referenced);
  free(g.freeregs);
  free(g.persistent);
  free(g.segreg);
  if (g.failed) {
    if (diags->nerrors == 0) diags->oom = 1;     /* seg_compile: out of memory */
    seg_program_free(p);
    return -1;
  }
  return 0;
}
