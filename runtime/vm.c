/*
** vm.c -- the vectorised bytecode interpreter.
**
** A register is a vector of SEG_BATCH values, indexed by row-in-batch,
** with a validity byte per row; a condition register holds three-valued
** bytes (0 false, 1 unknown, 2 true). Instructions touch only the rows of
** the current selection vector; `SEL_NF` / `SEL_NT` push a narrower one
** (rows where the left side of `and` is not false / of `or` is not true)
** so the right side runs only where it can still matter, and jump past it
** when nothing is left. Text conditions are looked up per row in tables
** computed once per distinct dictionary value.
*/
#include "vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colfile.h"
#include "date.h"
#include "eval.h"

typedef struct vreg {
  union { int64_t *i; double *f; uint8_t *t; };
  uint8_t *v;                  /* validity for values: 1 present        */
} vreg;

typedef struct vmap {
  uint8_t *t;                  /* VT_BOOL: three-valued per code        */
  int64_t *i;
  double *f;
  uint8_t *v;
} vmap;

void seg_result_free(seg_result *r) {
  if (r->members)
    for (uint32_t s = 0; s < r->nsegs; s++) free(r->members[s]);
  free(r->members);
  free(r->counts);
  memset(r, 0, sizeof *r);
}

/* Evaluates map m once per distinct value of its column (plus missing). */
static int build_map(const seg_program *p, const seg_map *m, const seg_table *t, vmap *out) {
  const seg_column *c = &t->cols[m->col];
  size_t n = (size_t)c->ndict + 1;
  memset(out, 0, sizeof *out);
  if (m->type == VT_BOOL) out->t = malloc(n);
  else if (m->type == VT_NUM) out->f = malloc(n * sizeof(double));
  else out->i = malloc(n * sizeof(int64_t));
  out->v = malloc(n);
  if ((!out->t && !out->f && !out->i) || !out->v) return -1;
  seg_eval_env env = {.today = p->today, .textcol = (int)m->col};
  for (size_t k = 0; k < n; k++) {
    env.text_missing = k == c->ndict;
    if (!env.text_missing) {
      env.text = c->dict_bytes + c->dict_off[k];
      env.textlen = (size_t)(c->dict_off[k + 1] - c->dict_off[k]);
    }
    seg_val v = seg_eval(m->expr, &env);
    out->v[k] = !v.missing;
    if (m->type == VT_BOOL) out->t[k] = v.missing ? 1 : v.i ? 2 : 0;
    else if (m->type == VT_NUM) out->f[k] = v.missing ? 0 : v.type == VT_NUM ? v.f : (double)v.i;
    else out->i[k] = v.missing ? 0 : v.i;
    seg_val_release(&v);
  }
  return env.error ? -1 : 0;
}

static void free_map(vmap *m) {
  free(m->t);
  free(m->i);
  free(m->f);
  free(m->v);
}

#define BIT(valid, row) ((uint8_t)(((valid)[(row) >> 6] >> ((row) & 63)) & 1u))
#define FOR_SEL for (uint32_t k_ = 0, j; k_ < n && ((j = sel[k_]), 1); k_++)
#define TRI(cond) ((uint8_t)((cond) ? 2 : 0))

int seg_vm_run(const seg_program *p, const seg_table *t, int want_members, seg_result *res,
               char *err, size_t errlen) {
  memset(res, 0, sizeof *res);
  if (p->ncols > t->ncols) {
    snprintf(err, errlen, "the rules were compiled for %u columns, the data has %zu", p->ncols, t->ncols);
    return -1;
  }
  for (uint32_t c = 0; c < p->ncols; c++)
    if (p->coltypes[c] != t->cols[c].type || strcmp(p->colnames[c], t->cols[c].name) != 0) {
      snprintf(err, errlen, "column %u of the data is '%s' (%s), the rules expect '%s' (%s)", c,
               t->cols[c].name, seg_type_name(t->cols[c].type), p->colnames[c], seg_type_name(p->coltypes[c]));
      return -1;
    }
  /* checksums of the columns this program reads: each once, however many
  ** instructions read it */
  uint8_t *checked = calloc(p->ncols + 1, 1);
  if (!checked) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    uint32_t c = p->code[pc].b;
    if (seg_op_formats[p->code[pc].op][1] != 'C' || checked[c]) continue;
    checked[c] = 1;
    if (seg_col_check(&t->cols[c], t->nrows, err, errlen) != 0) {
      free(checked);
      return -1;
    }
  }
  free(checked);
  int rc = -1;
  uint32_t nregs = p->nregs ? p->nregs : 1, depth = p->maxdepth + 1;
  vreg *R = calloc(nregs, sizeof *R);
  unsigned char *regmem = calloc(nregs, (size_t)SEG_BATCH * 9);
  uint16_t *sels = malloc((size_t)depth * SEG_BATCH * sizeof *sels);
  uint32_t *nsel = malloc(depth * sizeof *nsel);
  vmap *maps = calloc(p->nmaps ? p->nmaps : 1, sizeof *maps);
  double *pow10s = NULL;
  res->nsegs = p->nsegs;
  res->nrows = t->nrows;
  res->counts = calloc(p->nsegs ? p->nsegs : 1, sizeof *res->counts);
  if (!R || !regmem || !sels || !nsel || !maps || !res->counts) goto oom;
  if (want_members) {
    res->members = calloc(p->nsegs ? p->nsegs : 1, sizeof *res->members);
    if (!res->members) goto oom;
    for (uint32_t s = 0; s < p->nsegs; s++)
      if (!(res->members[s] = calloc((t->nrows + 63) / 64 + 1, sizeof(uint64_t)))) goto oom;
  }
  for (uint32_t r = 0; r < nregs; r++) {
    R[r].i = (int64_t *)(void *)(regmem + (size_t)r * SEG_BATCH * 9);
    R[r].v = regmem + (size_t)r * SEG_BATCH * 9 + (size_t)SEG_BATCH * 8;
  }
  for (uint32_t m = 0; m < p->nmaps; m++) {
    if (t->cols[p->maps[m].col].type != SEG_TEXT || build_map(p, &p->maps[m], t, &maps[m]) != 0) {
      free_map(&maps[m]);
      goto oom;
    }
  }
  pow10s = malloc(p->ncols * sizeof *pow10s + 1);
  if (!pow10s) goto oom;
  for (uint32_t c = 0; c < p->ncols; c++) {
    double s = 1;
    for (uint32_t k = 0; k < t->cols[c].scale; k++) s *= 10;
    pow10s[c] = s;
  }

  for (size_t base = 0; base < t->nrows; base += SEG_BATCH) {
    uint32_t rows = (uint32_t)(t->nrows - base < SEG_BATCH ? t->nrows - base : SEG_BATCH);
    uint32_t lvl = 0;
    uint16_t *sel = sels;
    uint32_t n = rows;
    for (uint32_t k = 0; k < rows; k++) sel[k] = (uint16_t)k;
    nsel[0] = n;
    for (uint32_t pc = 0; pc < p->ncode; pc++) {
      const seg_insn *in = &p->code[pc];
      vreg *A = &R[in->a];
      switch ((seg_opcode)in->op) {
#define LOADCOL(OPN, CT, EXPR)                                                      \
      case SEG_OP_##OPN: {                                                          \
        const seg_column *c = &t->cols[in->b];                                      \
        const CT *x = (const CT *)c->data + base;                                   \
        FOR_SEL { uint8_t ok = BIT(c->valid, base + j); EXPR; A->v[j] = ok; }       \
        break;                                                                      \
      }
      LOADCOL(COL_I, int64_t, A->i[j] = x[j])
      LOADCOL(COL_D, int32_t, A->i[j] = x[j])
      LOADCOL(COL_N, int64_t, A->f[j] = (double)x[j] / pow10s[in->b])
#undef LOADCOL
      case SEG_OP_COL_IF: {
        const seg_column *c = &t->cols[in->b];
        const int64_t *x = (const int64_t *)c->data + base;
        FOR_SEL { A->f[j] = (double)x[j]; A->v[j] = BIT(c->valid, base + j); }
        break;
      }
      case SEG_OP_COL_B: {
        const seg_column *c = &t->cols[in->b];
        const uint8_t *x = (const uint8_t *)c->data + base;
        FOR_SEL { A->t[j] = BIT(c->valid, base + j) ? (uint8_t)(x[j] ? 2 : 0) : 1; }
        break;
      }
      /* a missing cell (or a code past the dictionary) reads the map's
      ** last entry, the expression's value for a missing text */
#define MAP(OPN, EXPR)                                                              \
      case SEG_OP_##OPN: {                                                          \
        const seg_column *c = &t->cols[in->b];                                      \
        const uint32_t *x = (const uint32_t *)c->data + base;                       \
        const vmap *m = &maps[in->c];                                               \
        uint32_t miss = c->ndict;                                                   \
        FOR_SEL { uint32_t code = BIT(c->valid, base + j) && x[j] < miss ? x[j] : miss; EXPR; } \
        break;                                                                      \
      }
      MAP(MAP_B, A->t[j] = m->t[code])
      MAP(MAP_I, A->i[j] = m->i[code]; A->v[j] = m->v[code])
      MAP(MAP_F, A->f[j] = m->f[code]; A->v[j] = m->v[code])
#undef MAP
      case SEG_OP_KI: { int64_t k = p->ki[in->b]; FOR_SEL { A->i[j] = k; A->v[j] = 1; } break; }
      case SEG_OP_KF: { double k = p->kf[in->b]; FOR_SEL { A->f[j] = k; A->v[j] = 1; } break; }
      case SEG_OP_KB: { uint8_t k = (uint8_t)in->b; FOR_SEL { A->t[j] = k; } break; }
      case SEG_OP_KMISS: FOR_SEL { A->i[j] = 0; A->v[j] = 0; } break;
      case SEG_OP_I2F: { vreg *B = &R[in->b]; FOR_SEL { A->f[j] = (double)B->i[j]; A->v[j] = B->v[j]; } break; }

#define ARITH_I(OPN, FN)                                                            \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b], *C = &R[in->c];                                        \
        FOR_SEL { int64_t r_; int o_ = FN(B->i[j], C->i[j], &r_);                   \
                  A->i[j] = r_; A->v[j] = (uint8_t)(B->v[j] & C->v[j] & !o_); }     \
        break;                                                                      \
      }
      ARITH_I(ADD_I, __builtin_add_overflow)
      ARITH_I(SUB_I, __builtin_sub_overflow)
      ARITH_I(MUL_I, __builtin_mul_overflow)
#undef ARITH_I
#define ARITH_F(OPN, OPR)                                                           \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b], *C = &R[in->c];                                        \
        FOR_SEL { A->f[j] = B->f[j] OPR C->f[j]; A->v[j] = B->v[j] & C->v[j]; }     \
        break;                                                                      \
      }
      ARITH_F(ADD_F, +)
      ARITH_F(SUB_F, -)
      ARITH_F(MUL_F, *)
#undef ARITH_F
      case SEG_OP_DIV_F: {
        vreg *B = &R[in->b], *C = &R[in->c];
        FOR_SEL {
          double d = C->f[j];
          A->v[j] = (uint8_t)(B->v[j] & C->v[j] & (d != 0));
          A->f[j] = d != 0 ? B->f[j] / d : 0;
        }
        break;
      }
      case SEG_OP_NEG_I: { vreg *B = &R[in->b];
        FOR_SEL { int64_t x = B->i[j]; A->v[j] = (uint8_t)(B->v[j] & (x != INT64_MIN)); A->i[j] = x == INT64_MIN ? 0 : -x; }
        break; }
      case SEG_OP_ABS_I: { vreg *B = &R[in->b];
        FOR_SEL { int64_t x = B->i[j]; A->v[j] = (uint8_t)(B->v[j] & (x != INT64_MIN)); A->i[j] = x == INT64_MIN ? 0 : x < 0 ? -x : x; }
        break; }
      case SEG_OP_NEG_F: { vreg *B = &R[in->b]; FOR_SEL { A->f[j] = -B->f[j]; A->v[j] = B->v[j]; } break; }
      case SEG_OP_ABS_F: { vreg *B = &R[in->b]; FOR_SEL { double x = B->f[j]; A->f[j] = x < 0 ? -x : x; A->v[j] = B->v[j]; } break; }
      case SEG_OP_COAL_V: { vreg *B = &R[in->b], *C = &R[in->c];
        FOR_SEL { int64_t x = B->v[j] ? B->i[j] : C->i[j]; A->v[j] = B->v[j] | C->v[j]; A->i[j] = x; }
        break; }
      case SEG_OP_COAL_B: { vreg *B = &R[in->b], *C = &R[in->c];
        FOR_SEL { A->t[j] = B->t[j] != 1 ? B->t[j] : C->t[j]; }
        break; }
      case SEG_OP_YEAR: case SEG_OP_MONTH: { vreg *B = &R[in->b];
        FOR_SEL {
          int64_t y = 0; unsigned mo = 0, d;
          if (B->v[j]) seg_date_civil_from_days((int32_t)B->i[j], &y, &mo, &d);
          A->i[j] = in->op == SEG_OP_YEAR ? y : (int64_t)mo;
          A->v[j] = B->v[j];
        }
        break; }
      case SEG_OP_DSINCE: { vreg *B = &R[in->b]; int64_t today = p->today;
        FOR_SEL { A->i[j] = today - B->i[j]; A->v[j] = B->v[j]; } break; }

#define CMP(OPN, FIELD, OPR)                                                        \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b], *C = &R[in->c];                                        \
        FOR_SEL { A->t[j] = (B->v[j] & C->v[j]) ? TRI(B->FIELD[j] OPR C->FIELD[j]) : 1; } \
        break;                                                                      \
      }
#define CMPK(OPN, FIELD, KS, OPR)                                                   \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b]; __typeof__(p->KS[0]) k = p->KS[in->c];                \
        FOR_SEL { A->t[j] = B->v[j] ? TRI(B->FIELD[j] OPR k) : 1; }                 \
        break;                                                                      \
      }
#define CMPS(T, FIELD, KS)                                                          \
      CMP(LT_##T, FIELD, <) CMP(LE_##T, FIELD, <=) CMP(GT_##T, FIELD, >)            \
      CMP(GE_##T, FIELD, >=) CMP(EQ_##T, FIELD, ==) CMP(NE_##T, FIELD, !=)          \
      CMPK(LT_##T##K, FIELD, KS, <) CMPK(LE_##T##K, FIELD, KS, <=)                  \
      CMPK(GT_##T##K, FIELD, KS, >) CMPK(GE_##T##K, FIELD, KS, >=)                  \
      CMPK(EQ_##T##K, FIELD, KS, ==) CMPK(NE_##T##K, FIELD, KS, !=)
      CMPS(I, i, ki)
      CMPS(F, f, kf)
#undef CMPS
#undef CMPK
#undef CMP
      case SEG_OP_EQ_B: case SEG_OP_NE_B: { vreg *B = &R[in->b], *C = &R[in->c]; int ne = in->op == SEG_OP_NE_B;
        FOR_SEL { uint8_t x = B->t[j], y = C->t[j]; A->t[j] = (x == 1 || y == 1) ? 1 : TRI((x == y) != ne); }
        break; }
      case SEG_OP_BTW_IK: { vreg *B = &R[in->b]; int64_t lo = p->ki[in->c], hi = p->ki[in->d];
        FOR_SEL { int64_t x = B->i[j]; A->t[j] = B->v[j] ? TRI(x >= lo && x <= hi) : 1; }
        break; }
      case SEG_OP_BTW_FK: { vreg *B = &R[in->b]; double lo = p->kf[in->c], hi = p->kf[in->d];
        FOR_SEL { double x = B->f[j]; A->t[j] = B->v[j] ? TRI(x >= lo && x <= hi) : 1; }
        break; }
      case SEG_OP_IN_IK: { vreg *B = &R[in->b]; const int64_t *ks = p->ki + in->c; uint32_t nk = in->d;
        FOR_SEL { int hit = 0; int64_t x = B->i[j]; for (uint32_t q = 0; q < nk; q++) hit |= x == ks[q];
                  A->t[j] = B->v[j] ? TRI(hit) : 1; }
        break; }
      case SEG_OP_IN_FK: { vreg *B = &R[in->b]; const double *ks = p->kf + in->c; uint32_t nk = in->d;
        FOR_SEL { int hit = 0; double x = B->f[j]; for (uint32_t q = 0; q < nk; q++) hit |= x == ks[q];
                  A->t[j] = B->v[j] ? TRI(hit) : 1; }
        break; }
      case SEG_OP_ISMISS_V: { vreg *B = &R[in->b]; FOR_SEL { A->t[j] = TRI(!B->v[j]); } break; }
      case SEG_OP_ISMISS_B: { vreg *B = &R[in->b]; FOR_SEL { A->t[j] = TRI(B->t[j] == 1); } break; }
      case SEG_OP_NOT: { vreg *B = &R[in->b]; FOR_SEL { A->t[j] = (uint8_t)(2 - B->t[j]); } break; }
      case SEG_OP_AND: { vreg *B = &R[in->b], *C = &R[in->c];
        FOR_SEL { uint8_t x = B->t[j], y = C->t[j]; A->t[j] = x == 0 ? 0 : (x < y ? x : y); }
        break; }
      case SEG_OP_OR: { vreg *B = &R[in->b], *C = &R[in->c];
        FOR_SEL { uint8_t x = B->t[j], y = C->t[j]; A->t[j] = x == 2 ? 2 : (x > y ? x : y); }
        break; }
      case SEG_OP_SEL_NF: case SEG_OP_SEL_NT: {
        uint8_t stop = in->op == SEG_OP_SEL_NF ? 0 : 2;
        uint16_t *out = sels + (size_t)(lvl + 1) * SEG_BATCH;
        uint32_t m = 0;
        FOR_SEL { out[m] = (uint16_t)j; m += A->t[j] != stop; }    /* branch-free */
        lvl++;
        sel = out;
        n = nsel[lvl] = m;
        if (m == 0) pc = in->b - 1;      /* resume at the SEL_POP */
        break;
      }
      case SEG_OP_SEL_POP:
        lvl--;
        sel = sels + (size_t)lvl * SEG_BATCH;
        n = nsel[lvl];
        break;
      case SEG_OP_EMIT: {
        vreg *B = &R[in->b];
        uint64_t cnt = 0;
        if (res->members) {
          uint64_t *bits = res->members[in->a];
          FOR_SEL { uint64_t hit = B->t[j] == 2; size_t row = base + j; bits[row >> 6] |= hit << (row & 63); cnt += hit; }
        } else {
          FOR_SEL { cnt += B->t[j] == 2; }
        }
        res->counts[in->a] += cnt;
        break;
      }
      case SEG_OP_COUNT: break;
      }
    }
  }
  rc = 0;
  goto done;
oom:
  snprintf(err, errlen, "out of memory");
  seg_result_free(res);
done:
  if (maps)
    for (uint32_t m = 0; m < p->nmaps; m++) free_map(&maps[m]);
  free(maps);
  free(pow10s);
  free(R);
  free(regmem);
  free(sels);
  free(nsel);
  return rc;
}
