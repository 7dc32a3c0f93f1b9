/*
** vm.c -- the vectorised bytecode interpreter.
**
** A register is a vector of SEG_BATCH values, indexed by row-in-batch,
** with a validity byte per row; a condition register holds three-valued
** bytes (0 false, 1 unknown, 2 true). Instructions touch only the rows of
** the current selection vector; `SEL_NF` / `SEL_NT` push a narrower one
** (rows where the left side of `and` is not false / of `or` is not true)
** so the right side runs only where it can still matter, and jump past it
** when nothing is left.
**
** Fused primitives read a column and test it against constants in one
** pass, at the column's stored width (see table.h): `RNG_*` / `IN_C`
** write a condition register, `SRNG_*` / `SIN_C` / `SMAP` / `SCOL_B` /
** `SEL_T` push the selection of rows where the test is true, which is all
** a segment needs when nothing else reads its three-valued result (the
** compiler then emits a chain of pushes and one `EMIT_SEL`). When every
** condition of such a segment has a whole-batch form (`HRNG_*`, `HCOL_B`,
** `HMAP`, `HMISS`), the tests are ANDed into one hit byte per row and
** `HEMIT` counts them with the validity words, eight rows per multiply,
** without building a selection at all. Number
** bounds are turned into integer bounds on the column's scaled values once
** per run, so `total_spend 100.10..` compares int64s, exactly as the
** double comparison would. Batches whose rows are all present skip the
** validity bitmap. Text conditions are looked up per row in tables
** computed once per distinct dictionary value (common tests on ASCII
** values without the evaluator); a table with at most HSET_MAX true codes
** is tested as code compares instead. On a column where more than half the
** rows have a value of their own (e-mails), a condition that is a tree of
** common tests has no table: it is decided on each row's bytes as the VM
** reaches the row (vmap.rowwise, row_map), every such condition of the
** column in one call per batch when the whole batch is selected (over the
** batch's run of bytes when its codes are a range: code = row).
**
** Rows are split across threads (seg_vm_opts.threads, default: the online CPUs,
** at most 8) in whole batches, so member bitmaps are written without locks.
** The checksums of the columns a run reads (seg_col_check) are verified
** while the rows run, on more than one thread: each column a task, largest
** first, and the batches taken as they come, so a thread done with its
** check joins the rows; a column that fails drops the results. Until then
** a text offset is checked before its bytes are read (vmap.unchecked),
** so a damaged file is never read outside its columns.
** `seg why` watches rows instead (seg_vm_watch): each alone, as a one-row
** selection of its batch, with every condition register reported as written.
*/
#include "vm.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "colfile.h"
#include "date.h"
#include "expr.h"
#include "tasks.h"
#include "err.h"
#include "vm_int.h"
#include "rank.h"

typedef struct vreg {
  union { int64_t *i; double *f; uint8_t *t; };
  uint8_t *v;                  /* validity for values: 1 present        */
  uint32_t scale;              /* a decimal (D) register: its values are
                                  value * 10^scale, 0..18, one per register */
} vreg;

/* 10^k for the decimal instructions (seg_p10 in int64), exact doubles. */
static const double P10F[19] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
                                1e13, 1e14, 1e15, 1e16, 1e17, 1e18};

/* x * 10^k in 64 bits; 0 on overflow. */
static inline int dec_up(int64_t x, uint32_t k, int64_t *out) {
  return !__builtin_mul_overflow(x, seg_p10[k], out);
}


typedef struct vctx {
  const seg_vm_opts *o;
  const seg_program *p;
  const seg_table *t;
  seg_result *res;
  vmap *maps;
  vaux *aux;
  double *pow10s;
  const seg_rthr *thr;         /* pass 2: each ranking's thresholds      */
} vctx;

void seg_result_free(seg_result *r) {
  if (r->members)
    for (uint32_t s = 0; s < r->nsegs; s++) free(r->members[s]);
  free(r->members);
  free(r->counts);
  memset(r, 0, sizeof *r);
}

/* ---- run-start resolution --------------------------------------------- */

/* The column's value as the VM's number semantics see it: the double
** nearest x / 10^scale, the one strtod gives for the same digits in a rule,
** so `lat = 49.12181808914158` holds for that cell. Within +-2^53 x and
** 10^scale (scale <= 18 < 23) are exact doubles and one division rounds
** once; beyond it (double)x would round first and the division again (~4%
** of 16-17 digit values came out one ulp off), so the decimal is spelled out
** and read by strtod, which rounds correctly. p10 is 10^scale. */
#define EXACT_F64 (INT64_C(1) << 53)
static double num_of(int64_t x, double p10, uint32_t scale) {
  if ((x >= -EXACT_F64 && x <= EXACT_F64) || scale == 0) return (double)x / p10;   /* the hot path, inline */
  return seg_dec_f(x, scale);            /* spelled out and read by strtod (bytecode/expr.c) */
}
#undef EXACT_F64

/* Smallest x with num_of(x) >= lo (1 past INT64_MAX as INT64_MAX + flag). */
static int64_t first_at_least(double lo, double p10, uint32_t scale, int *none) {
  *none = 0;
  if (lo <= num_of(INT64_MIN, p10, scale)) return INT64_MIN;
  if (num_of(INT64_MAX, p10, scale) < lo) { *none = 1; return INT64_MAX; }
  int64_t a = INT64_MIN, b = INT64_MAX;        /* num_of(a) < lo <= num_of(b) */
  while ((__int128)b - a > 1) {
    int64_t mid = (int64_t)(((__int128)a + b) / 2);
    if (num_of(mid, p10, scale) >= lo) b = mid; else a = mid;
  }
  return b;
}

/* Largest x with num_of(x) <= hi. */
static int64_t last_at_most(double hi, double p10, uint32_t scale, int *none) {
  *none = 0;
  if (hi >= num_of(INT64_MAX, p10, scale)) return INT64_MAX;
  if (num_of(INT64_MIN, p10, scale) > hi) { *none = 1; return INT64_MIN; }
  int64_t a = INT64_MIN, b = INT64_MAX;        /* num_of(a) <= hi < num_of(b) */
  while ((__int128)b - a > 1) {
    int64_t mid = (int64_t)(((__int128)a + b) / 2);
    if (num_of(mid, p10, scale) <= hi) a = mid; else b = mid;
  }
  return a;
}

static int cmp_i64(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

static int resolve_aux(const vctx *X, vaux *aux) {
  const seg_program *p = X->p;
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    const seg_insn *in = &p->code[pc];
    vaux *a = &aux[pc];
    switch ((seg_opcode)in->op) {
    case SEG_OP_RNG_I: case SEG_OP_SRNG_I: case SEG_OP_HRNG_I:
      a->lo = p->ki[in->c];
      a->hi = p->ki[in->d];
      break;
    case SEG_OP_RNG_N: case SEG_OP_SRNG_N: case SEG_OP_HRNG_N: {
      int n1, n2;
      double p10 = X->pow10s[in->b], lo = p->kf[in->c], hi = p->kf[in->d];
      uint32_t scale = X->t->cols[in->b].scale;
      a->lo = first_at_least(lo, p10, scale, &n1);
      a->hi = last_at_most(hi, p10, scale, &n2);
      if (n1 || n2 || isnan(lo) || isnan(hi)) { a->lo = 1; a->hi = 0; }
      break;
    }
    case SEG_OP_IN_C: case SEG_OP_SIN_C:
      a->nset = in->d;
      a->set = malloc(((size_t)in->d + 1) * sizeof *a->set);
      if (!a->set) return -1;
      if (in->d) memcpy(a->set, p->ki + in->c, (size_t)in->d * sizeof *a->set);
      qsort(a->set, a->nset, sizeof *a->set, cmp_i64);
      break;
    default: break;
    }
  }
  return 0;
}

#include "kernels.h"

/* ---- the interpreter ------------------------------------------------------ */

typedef struct vthread {
  const vctx *X;
  size_t from, to;             /* batch indexes [from, to)              */
  unsigned part, nparts;       /* map building: this thread's share     */
  uint64_t *counts;
  uint32_t pc_from, pc_to;     /* the code run: a pass                   */
  int pass1;                   /* the rankings' first pass: every row, no
                                  members, no trace, no watch            */
  seg_rvals *rv;               /* pass 1: this thread's values per source */
  size_t *next;                /* not NULL: batches [from, to) are taken
                                  VM_CHUNK at a time from *next, shared  */
  int rc;
} vthread;

#define VM_CHUNK 8

#define FOR_SEL for (uint32_t k_ = 0, j; k_ < n && ((j = sel[k_]), 1); k_++)

/* The dispatch loop's instruction families, one case each per opcode they
** name. They are written against run_batches's locals (in, A, R, t, base,
** rows, n, sel, lvl, ...) and used only inside its switch. */

/* a missing cell (or a code past the dictionary) reads the map's
** last entry, the expression's value for a missing text */
#define MAP(OPN, EXPR)                                                              \
      case SEG_OP_##OPN: {                                                          \
        const seg_column *c = &t->cols[in->b];                                      \
        const vmap *m = &maps[in->c];                                               \
        if (m->rowwise) {                  /* conditions only: MAP_B */             \
          const uint8_t *r_ = ROWMAP();                                             \
          if (!r_) goto fail;                                                       \
          FOR_SEL { A->t[j] = r_[j]; }                                              \
          break;                                                                    \
        }                                                                           \
        const uint64_t *v = batch_valid(c, base, rows);                             \
        uint32_t miss = c->ndict;                                                   \
        WITH_CODES(c, base, FOR_SEL { uint32_t code = (!v || BIT(v, j)) && x[j] < miss ? x[j] : miss; EXPR; }) \
        break;                                                                      \
      }

#define ARITH_I(OPN, FN)                                                            \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b], *C = &R[in->c];                                        \
        FOR_SEL { int64_t r_; int o_ = FN(B->i[j], C->i[j], &r_);                   \
                  A->i[j] = r_; A->v[j] = (uint8_t)(B->v[j] & C->v[j] & !o_); }     \
        break;                                                                      \
      }

#define ARITH_F(OPN, OPR)                                                           \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b], *C = &R[in->c];                                        \
        FOR_SEL { A->f[j] = B->f[j] OPR C->f[j]; A->v[j] = B->v[j] & C->v[j]; }     \
        break;                                                                      \
      }

#define CMP(OPN, FIELD, OPR)                                                        \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b], *C = &R[in->c];                                        \
        FOR_SEL { A->t[j] = (B->v[j] & C->v[j]) ? TRI(B->FIELD[j] OPR C->FIELD[j]) : SEG_UNKNOWN; } \
        break;                                                                      \
      }

#define CMPK(OPN, FIELD, KS, OPR)                                                   \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b]; __typeof__(p->KS[0]) k = p->KS[in->c];                \
        FOR_SEL { A->t[j] = B->v[j] ? TRI(B->FIELD[j] OPR k) : SEG_UNKNOWN; }       \
        break;                                                                      \
      }

/* int R[b] against f64 R[c] without rounding the int (seg_cmp_i_f: 2 is NaN) */
#define ARITH_D(OPN, OPR)                                                           \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b], *C = &R[in->c];                                        \
        uint32_t sb = B->scale, sc = C->scale, s = sb > sc ? sb : sc;               \
        FOR_SEL {                                                                   \
          int64_t x, y, r_;                                                         \
          int ok = dec_up(B->i[j], s - sb, &x) & dec_up(C->i[j], s - sc, &y);       \
          ok &= !OPR(x, y, &r_);                                                    \
          A->i[j] = ok ? r_ : 0;                                                    \
          A->v[j] = (uint8_t)(B->v[j] & C->v[j] & ok);                              \
        }                                                                           \
        A->scale = s;                                                               \
        break;                                                                      \
      }

/* decimals compared exactly: both scaled to the larger scale in 128 bits
** (|x| * 10^18 < 2^127) */
#define CMPD(OPN, OPR)                                                              \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b], *C = &R[in->c];                                        \
        uint32_t sb = B->scale, sc = C->scale, s = sb > sc ? sb : sc;               \
        __int128 mb = seg_p10[s - sb], mc = seg_p10[s - sc];                              \
        FOR_SEL {                                                                   \
          __int128 x = B->i[j] * mb, y = C->i[j] * mc;                              \
          A->t[j] = (B->v[j] & C->v[j]) ? TRI(x OPR y) : SEG_UNKNOWN;               \
        }                                                                           \
        break;                                                                      \
      }

#define CMPIF(OPN, TEST)                                                            \
      case SEG_OP_##OPN: {                                                          \
        vreg *B = &R[in->b], *C = &R[in->c];                                        \
        FOR_SEL {                                                                   \
          int c = seg_cmp_i_f(B->i[j], C->f[j]);                                    \
          A->t[j] = (B->v[j] & C->v[j]) ? TRI(TEST) : SEG_UNKNOWN;                  \
        }                                                                           \
        break;                                                                      \
      }

#define CMPS(T, FIELD, KS)                                                          \
      CMP(LT_##T, FIELD, <) CMP(LE_##T, FIELD, <=) CMP(GT_##T, FIELD, >)            \
      CMP(GE_##T, FIELD, >=) CMP(EQ_##T, FIELD, ==) CMP(NE_##T, FIELD, !=)          \
      CMPK(LT_##T##K, FIELD, KS, <) CMPK(LE_##T##K, FIELD, KS, <=)                  \
      CMPK(GT_##T##K, FIELD, KS, >) CMPK(GE_##T##K, FIELD, KS, >=)                  \
      CMPK(EQ_##T##K, FIELD, KS, ==) CMPK(NE_##T##K, FIELD, KS, !=)

#define PUSH(COMPUTE)                                                               \
      {                                                                             \
        SEG_ASSERT(lvl + 1 < depth);        /* the verifier bounds the stack */      \
        uint16_t *out = sels + (size_t)(lvl + 1) * SEG_BATCH;                       \
        uint32_t pm = 0;                                                             \
        COMPUTE;                                                                    \
        lvl++;                                                                      \
        sel = out;                                                                  \
        n = nsel[lvl] = pm;                                                          \
        SEG_ASSERT(n <= rows);                                                      \
        dense = 0;                                                                  \
      }

/* EXPR (a byte, 0 or 1) assigned to the hits when first, else ANDed in */
#define HLOOP(first, EXPR)                                                          \
      do {                                                                          \
        if (first) for (uint32_t j = 0; j < rows; j++) hits[j] = (uint8_t)(EXPR);   \
        else for (uint32_t j = 0; j < rows; j++) hits[j] &= (uint8_t)(EXPR);        \
      } while (0)

/* A thread's values of the rowwise maps (vmap.rowwise) for its current
** batch: per map a byte per row in the batch, and the batch (plus one)
** for which every row is filled (0: none). */
typedef struct rowmaps {
  uint8_t *buf;
  size_t *done;
  uint32_t *which;
  uint8_t **outs;
} rowmaps;

static int rowmaps_init(rowmaps *rm, const seg_program *p, const vmap *maps) {
  int any = 0;
  for (uint32_t m = 0; m < p->nmaps; m++) any |= maps[m].rowwise;
  if (!any) return 0;
  rm->buf = malloc((size_t)p->nmaps * SEG_BATCH);
  rm->done = calloc(p->nmaps, sizeof *rm->done);
  rm->which = malloc(p->nmaps * sizeof *rm->which);
  rm->outs = malloc(p->nmaps * sizeof *rm->outs);
  return rm->buf && rm->done && rm->which && rm->outs ? 0 : -1;
}

static void rowmaps_free(rowmaps *rm) {
  free(rm->buf);
  free(rm->done);
  free(rm->which);
  free(rm->outs);
}

/* Map mi's values for batch b (rows from base): when the selection is the
** whole batch, every row, and with it every other rowwise map of the same
** column not yet filled for b (one pass over the column's bytes); else
** only the selected rows. NULL: out of memory. */
static const uint8_t *row_map(const vctx *X, rowmaps *rm, uint32_t mi, size_t b, size_t base, uint32_t rows,
                              const uint16_t *sel, uint32_t n, int dense) {
  const seg_program *p = X->p;
  uint8_t *mine = rm->buf + (size_t)mi * SEG_BATCH;
  if (rm->done[mi] == b + 1) return mine;
  if (!dense) {
    rm->which[0] = mi;
    rm->outs[0] = mine;
    return seg_vm_map_rows(p, X->t, X->maps, rm->which, 1, base, sel, n, rm->outs) == 0 ? mine : NULL;
  }
  uint32_t nw = 0;
  for (uint32_t m = 0; m < p->nmaps; m++)
    if (X->maps[m].rowwise && rm->done[m] != b + 1 && p->maps[m].col == p->maps[mi].col) {
      rm->which[nw] = m;
      rm->outs[nw++] = rm->buf + (size_t)m * SEG_BATCH;
      rm->done[m] = b + 1;
    }
  return seg_vm_map_rows(p, X->t, X->maps, rm->which, nw, base, NULL, rows, rm->outs) == 0 ? mine : NULL;
}

#define ROWMAP() row_map(X, &rm, in->c, b, base, rows, sel, n, dense)

/* Runs batches [from, to); counts go to th->counts. */
static int run_batches(vthread *th) {
  const vctx *X = th->X;
  const seg_program *p = X->p;
  const seg_table *t = X->t;
  const vmap *maps = X->maps;
  const vaux *aux = X->aux;
  const double *pow10s = X->pow10s;
  uint64_t **members = X->res->members;
  uint64_t *counts = th->counts;
  /* on_batch without want_members: each segment's members of one batch,
  ** handed over and cleared after it; rb is the row the bits start at */
  seg_vm_batch_fn on_batch = members || th->pass1 ? NULL : X->o->on_batch;
  const size_t bwords = SEG_BATCH / 64;
  uint64_t **bmem = NULL, *bbits = NULL;
  if (on_batch) {
    /* every slot: the hidden conditions (guard, filters, splits) emit too */
    uint32_t nslots = seg_program_slots(p);
    bmem = malloc((nslots + 1) * sizeof *bmem);
    bbits = calloc((size_t)nslots * bwords + 1, sizeof *bbits);
    if (!bmem || !bbits) { free(bmem); free(bbits); return -1; }
    for (uint32_t s = 0; s < nslots; s++) bmem[s] = bbits + (size_t)s * bwords;
    members = bmem;
  }
  uint32_t nregs = p->nregs ? p->nregs : 1, depth = p->maxdepth + 1;
  vreg *R = calloc(nregs, sizeof *R);
  unsigned char *regmem = calloc(nregs, (size_t)SEG_BATCH * 9);
  uint16_t *sels = malloc((size_t)(depth + 1) * SEG_BATCH * sizeof *sels);
  uint32_t *nsel = malloc((depth + 1) * sizeof *nsel);
  /* the hits of HRNG/HCOL_B over a whole batch, and the AND of the
  ** validity words of the columns they read (hv_used: some had gaps) */
  uint8_t *hits = calloc(SEG_BATCH, 1);
  uint64_t hv[SEG_BATCH / 64];
  int hv_used = 0;
  rowmaps rm = {0};
  if (!R || !regmem || !sels || !nsel || !hits || rowmaps_init(&rm, p, maps) != 0) {
    rowmaps_free(&rm);
    free(bmem);
    free(bbits);
    free(hits);
    free(R);
    free(regmem);
    free(sels);
    free(nsel);
    return -1;
  }
  for (uint32_t r = 0; r < nregs; r++) {
    R[r].i = (int64_t *)(void *)(regmem + (size_t)r * SEG_BATCH * 9);
    R[r].v = regmem + (size_t)r * SEG_BATCH * 9 + (size_t)SEG_BATCH * 8;
  }

  const seg_vm_watch *W = th->pass1 ? NULL : X->o->watch;   /* units: the watched rows, else batches */
  void (*progress)(void *, uint64_t) = W || th->pass1 ? NULL : X->o->progress;
  uint64_t done = 0;               /* rows since the last progress call */
  size_t uend = th->next ? th->from : th->to;
  for (size_t u = th->from;; u++) {
    if (u >= uend) {
      if (!th->next) break;
      u = __atomic_fetch_add(th->next, VM_CHUNK, __ATOMIC_RELAXED);
      if (u >= th->to) break;
      uend = u + VM_CHUNK < th->to ? u + VM_CHUNK : th->to;
    }
    if (progress && done >= 32 * SEG_BATCH) {
      progress(X->o->progress_ctx, done);
      done = 0;
    }
    size_t b = W ? W->rows[u] / SEG_BATCH : u;
    size_t base = b * SEG_BATCH;
    size_t rb = on_batch ? 0 : base;        /* row of bit 0 of members[s] */
    uint32_t rows = (uint32_t)(t->nrows - base < SEG_BATCH ? t->nrows - base : SEG_BATCH);
    done += rows;
    uint32_t lvl = 0;
    uint16_t *sel = sels;
    uint32_t n = rows;
    int dense = 1;               /* level 0: the selection is 0 .. rows-1 */
    for (uint32_t k = 0; k < rows; k++) sel[k] = (uint16_t)k;
    if (W) {                     /* the watched row alone */
      sel[0] = (uint16_t)(W->rows[u] - base);
      n = 1;
      dense = 0;
    }
    nsel[0] = n;
    FILE *trace = b == 0 && !W && !th->pass1 ? X->o->trace : NULL;   /* the first batch only */
    if (trace) fprintf(trace, "; trace: batch 0, rows %u\n", rows);
    for (uint32_t pc = th->pc_from; pc < th->pc_to; pc++) {
      const seg_insn *in = &p->code[pc];
      vreg *A = &R[in->a];
      if (trace) fprintf(trace, "%04u  %-9s selection %5u of %u (level %u)\n", pc, seg_ops[in->op].name, n, rows, lvl);
      switch ((seg_opcode)in->op) {
      case SEG_OP_COL_I: case SEG_OP_COL_D: {
        const seg_column *c = &t->cols[in->b];
        const uint64_t *v = batch_valid(c, base, rows);
        WITH_VALUES(c, base, FOR_SEL { A->i[j] = x[j]; A->v[j] = v ? BIT(v, j) : 1; })
        break;
      }
      case SEG_OP_COL_N: case SEG_OP_COL_IF: {
        const seg_column *c = &t->cols[in->b];
        const uint64_t *v = batch_valid(c, base, rows);
        double p10 = in->op == SEG_OP_COL_N ? pow10s[in->b] : 1;
        uint32_t scale = in->op == SEG_OP_COL_N ? c->scale : 0;
        WITH_VALUES(c, base, FOR_SEL { A->f[j] = num_of(x[j], p10, scale); A->v[j] = v ? BIT(v, j) : 1; })
        break;
      }
      case SEG_OP_COL_B: {
        const seg_column *c = &t->cols[in->b];
        const uint8_t *x = (const uint8_t *)c->data + base;
        const uint64_t *v = batch_valid(c, base, rows);
        FOR_SEL { A->t[j] = v && !BIT(v, j) ? SEG_UNKNOWN : TRI(x[j]); }
        break;
      }
      case SEG_OP_RNG_I: case SEG_OP_RNG_N: {
        const seg_column *c = &t->cols[in->b];
        tri_rng(c, base, batch_valid(c, base, rows), sel, n, dense, &aux[pc], A->t);
        break;
      }
      case SEG_OP_IN_C: {
        const seg_column *c = &t->cols[in->b];
        const uint64_t *v = batch_valid(c, base, rows);
        const vaux *a = &aux[pc];
        WITH_VALUES(c, base, FOR_SEL { A->t[j] = v && !BIT(v, j) ? SEG_UNKNOWN : TRI(in_set(a->set, a->nset, x[j])); })
        break;
      }
      MAP(MAP_B, A->t[j] = m->t[code])
      MAP(MAP_I, A->i[j] = m->i[code]; A->v[j] = m->v[code])
      MAP(MAP_F, A->f[j] = m->f[code]; A->v[j] = m->v[code])
      case SEG_OP_KI: { int64_t k = p->ki[in->b]; FOR_SEL { A->i[j] = k; A->v[j] = 1; } break; }
      case SEG_OP_KF: { double k = p->kf[in->b]; FOR_SEL { A->f[j] = k; A->v[j] = 1; } break; }
      case SEG_OP_KB: { uint8_t k = (uint8_t)in->b; FOR_SEL { A->t[j] = k; } break; }
      case SEG_OP_KMISS: FOR_SEL { A->i[j] = 0; A->v[j] = 0; } A->scale = 0; break;
      case SEG_OP_I2F: { vreg *B = &R[in->b]; FOR_SEL { A->f[j] = (double)B->i[j]; A->v[j] = B->v[j]; } break; }

      ARITH_I(ADD_I, __builtin_add_overflow)
      ARITH_I(SUB_I, __builtin_sub_overflow)
      ARITH_I(MUL_I, __builtin_mul_overflow)
      ARITH_F(ADD_F, +)
      ARITH_F(SUB_F, -)
      ARITH_F(MUL_F, *)
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
      case SEG_OP_BKT: { vreg *B = &R[in->b];
        const seg_xnode *salt = &p->x.n[in->d];
        const char *ss = p->x.pool + salt->str;
        FOR_SEL { char kb[32]; size_t kn = B->v[j] ? seg_bucket_key(B->i[j], (int)in->c, kb) : 0;
                  A->i[j] = B->v[j] ? (int64_t)seg_bucket(ss, salt->len, kb, kn) : 0; A->v[j] = B->v[j]; }
        break; }
      case SEG_OP_DSINCE: { vreg *B = &R[in->b]; int64_t today = p->today;
        FOR_SEL { int64_t d_; int o_ = __builtin_sub_overflow(today, B->i[j], &d_);
                  A->i[j] = d_; A->v[j] = (uint8_t)(B->v[j] & !o_); }
        break; }

      CMPS(I, i, ki)
      CMPS(F, f, kf)

      /* ---- exact decimals ---- */
      case SEG_OP_COL_ND: {
        const seg_column *c = &t->cols[in->b];
        const uint64_t *v = batch_valid(c, base, rows);
        WITH_VALUES(c, base, FOR_SEL { A->i[j] = x[j]; A->v[j] = v ? BIT(v, j) : 1; })
        A->scale = c->type == SEG_NUM && c->scale <= 18 ? c->scale : 0;   /* (colfile checks scales) */
        break;
      }
      case SEG_OP_KD: { int64_t k = p->ki[in->b]; FOR_SEL { A->i[j] = k; A->v[j] = 1; } A->scale = in->d; break; }
      case SEG_OP_I2D: { vreg *B = &R[in->b]; FOR_SEL { A->i[j] = B->i[j]; A->v[j] = B->v[j]; } A->scale = 0; break; }
      case SEG_OP_D2F: { vreg *B = &R[in->b]; uint32_t sc = B->scale; double p10 = P10F[sc];
        FOR_SEL { A->f[j] = num_of(B->i[j], p10, sc); A->v[j] = B->v[j]; }
        break; }
      ARITH_D(ADD_D, __builtin_add_overflow)
      ARITH_D(SUB_D, __builtin_sub_overflow)
      case SEG_OP_MUL_D: {
        vreg *B = &R[in->b], *C = &R[in->c];
        uint32_t sb = B->scale, sc = C->scale, s = sb + sc;
        if (s <= 18) {
          FOR_SEL { int64_t r_; int ok = !__builtin_mul_overflow(B->i[j], C->i[j], &r_);
                    A->i[j] = ok ? r_ : 0; A->v[j] = (uint8_t)(B->v[j] & C->v[j] & ok); }
        } else {                          /* beyond 18 decimals: the larger scale, rounded */
          uint32_t keep = sb > sc ? sb : sc;
          FOR_SEL { int64_t r_ = 0; int ok = seg_dec_down((__int128)B->i[j] * C->i[j], s - keep, &r_);
                    A->i[j] = ok ? r_ : 0; A->v[j] = (uint8_t)(B->v[j] & C->v[j] & ok); }
          s = keep;
        }
        A->scale = s;
        break;
      }
      case SEG_OP_NEG_D: { vreg *B = &R[in->b];
        FOR_SEL { int64_t x = B->i[j]; A->v[j] = (uint8_t)(B->v[j] & (x != INT64_MIN)); A->i[j] = x == INT64_MIN ? 0 : -x; }
        A->scale = B->scale;
        break; }
      case SEG_OP_ABS_D: { vreg *B = &R[in->b];
        FOR_SEL { int64_t x = B->i[j]; A->v[j] = (uint8_t)(B->v[j] & (x != INT64_MIN)); A->i[j] = x == INT64_MIN ? 0 : x < 0 ? -x : x; }
        A->scale = B->scale;
        break; }
      CMPD(LT_D, <) CMPD(LE_D, <=) CMPD(GT_D, >) CMPD(GE_D, >=) CMPD(EQ_D, ==) CMPD(NE_D, !=)
      CMPIF(LT_IF, c == -1) CMPIF(LE_IF, c == -1 || c == 0) CMPIF(GT_IF, c == 1)
      CMPIF(GE_IF, c == 1 || c == 0) CMPIF(EQ_IF, c == 0) CMPIF(NE_IF, c != 0)
      case SEG_OP_EQ_B: case SEG_OP_NE_B: { vreg *B = &R[in->b], *C = &R[in->c]; int ne = in->op == SEG_OP_NE_B;
        FOR_SEL { uint8_t x = B->t[j], y = C->t[j]; A->t[j] = (x == SEG_UNKNOWN || y == SEG_UNKNOWN) ? SEG_UNKNOWN : TRI((x == y) != ne); }
        break; }
      case SEG_OP_BTW_IK: { vreg *B = &R[in->b]; int64_t lo = p->ki[in->c], hi = p->ki[in->d];
        FOR_SEL { int64_t x = B->i[j]; A->t[j] = B->v[j] ? TRI(x >= lo && x <= hi) : SEG_UNKNOWN; }
        break; }
      case SEG_OP_BTW_FK: { vreg *B = &R[in->b]; double lo = p->kf[in->c], hi = p->kf[in->d];
        FOR_SEL { double x = B->f[j]; A->t[j] = B->v[j] ? TRI(x >= lo && x <= hi) : SEG_UNKNOWN; }
        break; }
      case SEG_OP_IN_IK: { vreg *B = &R[in->b]; const int64_t *ks = p->ki + in->c; uint32_t nk = in->d;
        FOR_SEL { int hit = 0; int64_t x = B->i[j]; for (uint32_t q = 0; q < nk; q++) hit |= x == ks[q];
                  A->t[j] = B->v[j] ? TRI(hit) : SEG_UNKNOWN; }
        break; }
      case SEG_OP_IN_FK: { vreg *B = &R[in->b]; const double *ks = p->kf + in->c; uint32_t nk = in->d;
        FOR_SEL { int hit = 0; double x = B->f[j]; for (uint32_t q = 0; q < nk; q++) hit |= x == ks[q];
                  A->t[j] = B->v[j] ? TRI(hit) : SEG_UNKNOWN; }
        break; }
      case SEG_OP_ISMISS_V: { vreg *B = &R[in->b]; FOR_SEL { A->t[j] = TRI(!B->v[j]); } break; }
      case SEG_OP_PRES_V: { vreg *B = &R[in->b]; FOR_SEL { A->t[j] = TRI(B->v[j]); } break; }
      case SEG_OP_ISMISS_B: { vreg *B = &R[in->b]; FOR_SEL { A->t[j] = TRI(B->t[j] == SEG_UNKNOWN); } break; }
      case SEG_OP_NOT: { vreg *B = &R[in->b]; FOR_SEL { A->t[j] = (uint8_t)(2 - B->t[j]); } break; }
      case SEG_OP_AND: { vreg *B = &R[in->b], *C = &R[in->c];
        FOR_SEL { uint8_t x = B->t[j], y = C->t[j]; A->t[j] = x == 0 ? 0 : (x < y ? x : y); }
        break; }
      case SEG_OP_OR: { vreg *B = &R[in->b], *C = &R[in->c];
        FOR_SEL { uint8_t x = B->t[j], y = C->t[j]; A->t[j] = x == SEG_TRUE ? SEG_TRUE : (x > y ? x : y); }
        break; }

      /* ---- instructions that push a selection ---- */
      case SEG_OP_SEL_NF: case SEG_OP_SEL_NT: {
        uint8_t stop = in->op == SEG_OP_SEL_NF ? 0 : 2;
        PUSH(FOR_SEL { out[pm] = (uint16_t)j; pm += A->t[j] != stop; })   /* branch-free */
        if (n == 0) pc = in->b - 1;      /* resume at the SEL_POP */
        break;
      }
      case SEG_OP_SEL_T:
        PUSH(FOR_SEL { out[pm] = (uint16_t)j; pm += A->t[j] == SEG_TRUE; })
        break;
      case SEG_OP_SRNG_I: case SEG_OP_SRNG_N: {
        const seg_column *c = &t->cols[in->b];
        PUSH(pm = sel_rng(c, base, batch_valid(c, base, rows), sel, n, dense, &aux[pc], out))
        break;
      }
      case SEG_OP_SIN_C: {
        const seg_column *c = &t->cols[in->b];
        const uint64_t *v = batch_valid(c, base, rows);
        const vaux *a = &aux[pc];
        PUSH(WITH_VALUES(c, base, FOR_SEL { out[pm] = (uint16_t)j; pm += (!v || BIT(v, j)) & in_set(a->set, a->nset, x[j]); }))
        break;
      }
      case SEG_OP_SMAP: {
        const seg_column *c = &t->cols[in->b];
        const uint8_t *mt = maps[in->c].t;
        if (maps[in->c].rowwise) {
          const uint8_t *r = ROWMAP();
          if (!r) goto fail;
          PUSH(FOR_SEL { out[pm] = (uint16_t)j; pm += r[j] == SEG_TRUE; })
          break;
        }
        const uint64_t *v = batch_valid(c, base, rows);
        uint32_t miss = c->ndict;
        if (dense) {
          uint8_t hit[SEG_BATCH];
          map_hits(c, base, n, &maps[in->c], hit);
          PUSH(pm = compact(hit, NULL, n, out))
        } else {
          /* a missing cell reads the map's last entry (`is missing` may be true) */
          PUSH(WITH_CODES(c, base, FOR_SEL {
            uint32_t code = (!v || BIT(v, j)) && x[j] < miss ? x[j] : miss;
            out[pm] = (uint16_t)j;
            pm += mt[code] == SEG_TRUE;
          }))
        }
        break;
      }
      case SEG_OP_SCOL_B: {
        const seg_column *c = &t->cols[in->b];
        const uint8_t *x = (const uint8_t *)c->data + base;
        const uint64_t *v = batch_valid(c, base, rows);
        PUSH(FOR_SEL { out[pm] = (uint16_t)j; pm += (uint8_t)((!v || BIT(v, j)) & (x[j] != 0)); })
        break;
      }
      case SEG_OP_HRNG_I: case SEG_OP_HRNG_N: case SEG_OP_HCOL_B: {
        const seg_column *c = &t->cols[in->b];
        if (in->a) hv_used = 0;
        if (in->op == SEG_OP_HCOL_B) {
          const uint8_t *x = (const uint8_t *)c->data + base;
          uint8_t want = in->d ? 0 : 1;       /* d: `not column` */
          HLOOP(in->a, (x[j] != 0) == want);
        } else {
          hit_rng(c, base, rows, &aux[pc], hits, in->a != 0);
        }
        hv_used = and_valid(hv, hv_used, batch_valid(c, base, rows), rows);
        break;
      }
      case SEG_OP_HMAP: {
        uint8_t tmp[SEG_BATCH];
        if (in->a) hv_used = 0;
        if (maps[in->c].rowwise) {          /* level 0: every row of the batch */
          const uint8_t *r = row_map(X, &rm, in->c, b, base, rows, NULL, rows, 1);
          if (!r) goto fail;
          uint8_t *d = in->a ? hits : tmp;
          for (uint32_t j = 0; j < rows; j++) d[j] = (uint8_t)(r[j] >> 1);
        } else {
          map_hits(&t->cols[in->b], base, rows, &maps[in->c], in->a ? hits : tmp);
        }
        if (!in->a) for (uint32_t j = 0; j < rows; j++) hits[j] &= tmp[j];
        break;
      }
      case SEG_OP_HMISS: {
        const seg_column *c = &t->cols[in->b];
        if (in->a) hv_used = 0;
        if (in->d) {                  /* is present: the validity words alone */
          if (in->a) memset(hits, 1, rows);
          hv_used = and_valid(hv, hv_used, batch_valid(c, base, rows), rows);
        } else {
          const uint64_t *v = c->valid + base / 64;
          HLOOP(in->a, BIT(v, j) ^ 1u);
        }
        break;
      }
      case SEG_OP_SMISS: {
        /* straight from the validity words: bits set where the wanted rows are */
        const uint64_t *v = t->cols[in->b].valid + base / 64;
        uint64_t flip = in->d ? 0 : UINT64_MAX;
        if (dense) {
          PUSH({
            for (uint32_t w = 0; w < (rows + 63) / 64; w++) {
              uint64_t bits = v[w] ^ flip;
              if ((w + 1) * 64 > rows) bits &= UINT64_MAX >> (64 - (rows - w * 64));
              while (bits) {
                out[pm++] = (uint16_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
                bits &= bits - 1;
              }
            }
          })
        } else {
          PUSH(FOR_SEL { out[pm] = (uint16_t)j; pm += (uint32_t)((BIT(v, j) ^ (uint8_t)flip) & 1u); })
        }
        break;
      }
      case SEG_OP_HSEL:
        PUSH(pm = compact(hits, hv_used ? hv : NULL, rows, out))
        break;
      case SEG_OP_JEMPTY:
        if (n == 0) pc = in->b - 1;
        break;
      case SEG_OP_SEL_POP:
        SEG_ASSERT(lvl > 0);                /* every pop matches a push */
        lvl--;
        sel = sels + (size_t)lvl * SEG_BATCH;
        n = nsel[lvl];
        dense = lvl == 0 && !W;
        break;
      case SEG_OP_EMIT: {
        vreg *B = &R[in->b];
        uint64_t cnt = 0;
        if (members) {
          uint64_t *bits = members[in->a];
          FOR_SEL { uint64_t hit = B->t[j] == SEG_TRUE; size_t row = rb + j; bits[row >> 6] |= hit << (row & 63); cnt += hit; }
        } else {
          FOR_SEL { cnt += B->t[j] == SEG_TRUE; }
        }
        counts[in->a] += cnt;
        break;
      }
      case SEG_OP_EMIT_SEL:
        if (members) {
          uint64_t *bits = members[in->a];
          FOR_SEL { size_t row = rb + j; bits[row >> 6] |= (uint64_t)1 << (row & 63); }
        }
        counts[in->a] += n;
        break;
      case SEG_OP_HEMIT: {            /* straight from the hits: no selection */
        uint64_t cnt = 0, *bits = members ? members[in->a] + rb / 64 : NULL;
        for (uint32_t w = 0; w < (rows + 63) / 64; w++) {
          uint64_t m = gather_bits(hits + (size_t)w * 64);
          if (hv_used) m &= hv[w];
          if ((w + 1) * 64 > rows) m &= UINT64_MAX >> (64 - (rows - w * 64));
          cnt += popcount64(m);
          if (bits) bits[w] |= m;
        }
        counts[in->a] += cnt;
        break;
      }
      case SEG_OP_WHEN_V: { vreg *B = &R[in->b], *C = &R[in->c];
        FOR_SEL { A->i[j] = B->i[j]; A->v[j] = (uint8_t)(B->v[j] & (C->t[j] == SEG_TRUE)); }
        break; }
      case SEG_OP_RVAL_I: case SEG_OP_RVAL_F: { vreg *B = &R[in->b], *C = &R[in->c];
        seg_rvals *rv = &th->rv[in->a];
        if (rv->n + n > rv->cap) goto fail;     /* one RVAL per source (verified): never */
        int64_t *dst = (int64_t *)rv->data + rv->n;
        size_t m = 0;
        if (in->op == SEG_OP_RVAL_F)               /* NaN: no value */
          FOR_SEL { dst[m] = B->i[j]; m += B->v[j] & (C->t[j] == SEG_TRUE) & (B->f[j] == B->f[j]); }
        else
          FOR_SEL { dst[m] = B->i[j]; m += B->v[j] & (C->t[j] == SEG_TRUE); }
        rv->n += m;
        break; }
      case SEG_OP_NTILE_I: case SEG_OP_NTILE_F: { vreg *B = &R[in->b]; const seg_rthr *T = &X->thr[in->c];
        FOR_SEL {
          uint32_t lo = 0, hi = T->n;             /* thresholds below the value */
          if (in->op == SEG_OP_NTILE_I) {
            int64_t x = B->i[j];
            while (lo < hi) { uint32_t mid = (lo + hi) / 2; if (T->ti[mid] < x) lo = mid + 1; else hi = mid; }
          } else {
            double x = B->f[j];
            while (lo < hi) { uint32_t mid = (lo + hi) / 2; if (T->tf[mid] < x) lo = mid + 1; else hi = mid; }
          }
          A->i[j] = 1 + (int64_t)lo;
          A->v[j] = B->v[j];
        }
        break; }
      case SEG_OP_RTOP_I: case SEG_OP_RTOP_F: { vreg *B = &R[in->b]; const seg_rthr *T = &X->thr[in->c];
        int top = p->ruse[in->c].kind == SEG_RK_TOP;
        if (T->none || T->n == 0) { FOR_SEL { A->t[j] = B->v[j] ? SEG_FALSE : SEG_UNKNOWN; } break; }
        if (in->op == SEG_OP_RTOP_I) {
          int64_t k = T->ti[0];
          FOR_SEL { A->t[j] = B->v[j] ? TRI(top ? B->i[j] >= k : B->i[j] <= k) : SEG_UNKNOWN; }
        } else {
          double k = T->tf[0];
          FOR_SEL { A->t[j] = B->v[j] ? TRI(top ? B->f[j] >= k : B->f[j] <= k) : SEG_UNKNOWN; }
        }
        break; }
      case SEG_OP_COUNT: break;
      }
      if (W && n && seg_ops[in->op].regs[0] == 'T') W->fn(W->ctx, u, pc, A->t[sel[0]]);
    }
    if (on_batch) {
      on_batch(X->o->ctx, th->part, base, rows, (const uint64_t *const *)bmem);
      memset(bbits, 0, (size_t)seg_program_slots(p) * bwords * sizeof *bbits);
    }
  }
  int rc = 0;
  if (progress && done) progress(X->o->progress_ctx, done);
  if (0) {
fail:                            /* out of memory (a ranking's values, a row map) */
    rc = -1;
  }
  rowmaps_free(&rm);
  free(bmem);
  free(bbits);
  free(hits);
  free(R);
  free(regmem);
  free(sels);
  free(nsel);
  return rc;
}
#undef MAP
#undef ROWMAP
#undef ARITH_I
#undef ARITH_F
#undef CMPS
#undef CMPD
#undef ARITH_D
#undef CMPK
#undef CMP
#undef HLOOP
#undef PUSH

static void batch_task(void *arg, size_t i) {
  vthread *th = arg;
  th[i].rc = run_batches(&th[i]);
}

/* Fills part `part` of `nparts` of every map's dictionary range. */
static int fill_maps(const vctx *X, unsigned part, unsigned nparts) {
  int rc = 0;
  for (uint32_t m = 0; m < X->p->nmaps; m++) {
    if (X->maps[m].rowwise) continue;
    size_t n = (size_t)X->t->cols[X->p->maps[m].col].ndict + 1;
    size_t lo = n * part / nparts, hi = n * (part + 1) / nparts;
    rc |= seg_vm_map_fill(X->p, &X->p->maps[m], X->t, &X->maps[m], lo, hi);
  }
  return rc;
}

static void map_task(void *arg, size_t i) {
  vthread *th = arg;
  th[i].rc = fill_maps(th[i].X, th[i].part, th[i].nparts);
}

/* Runs fn over th[0 .. nth) on nth threads (runtime/tasks.c). Returns 0
** if all succeeded. */
static int run_threads(vthread *th, unsigned nth, void (*fn)(void *, size_t)) {
  seg_run_tasks(nth, nth, fn, th);
  int failed = 0;
  for (unsigned k = 0; k < nth; k++) failed |= th[k].rc != 0;
  return failed ? -1 : 0;
}

/* Threads for a run of nbatches: o->threads if set (1..64, at most one
** per batch), else the online CPUs (at most 8, one per 16 batches, so a
** small table does not pay for thread start-up). */
static unsigned thread_count(const seg_vm_opts *o, size_t nbatches) {
  long want = o->threads ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);
  if (want < 1) want = 1;
  if (want > (o->threads ? 64 : 8)) want = o->threads ? 64 : 8;
  size_t per_thread = o->threads ? 1 : 16;
  size_t by_size = nbatches / per_thread ? nbatches / per_thread : 1;
  return (unsigned)((size_t)want < by_size ? (size_t)want : by_size);
}

/* ---- column checksums, on every core ------------------------------------ */

typedef struct vcheck {
  const seg_table *t;
  uint32_t n;                  /* columns to check                      */
  uint32_t *cols;              /* the columns to check, in program order */
  uint32_t *big;               /* indexes into cols, largest first      */
  char (*errs)[256];           /* per column: "" if it passed           */
  size_t bytes;                /* their size                            */
  int unread;                  /* one was left unread in a CSV: refused
                                  before any row is read                 */
} vcheck;

static void check_task(void *arg, size_t i) {
  vcheck *V = arg;
  uint32_t k = V->big[i];
  seg_col_check(&V->t->cols[V->cols[k]], V->t->nrows, V->errs[k], sizeof V->errs[k]);
}

static size_t col_bytes(const seg_column *c, size_t nrows) {
  size_t n = nrows * seg_col_width(c) + nrows / 8;
  if (c->type == SEG_TEXT && c->dict_off) n += ((size_t)c->ndict + 1) * 4 + (size_t)c->dict_off[c->ndict];
  return n;
}

static void checks_free(vcheck *V) {
  free(V->errs);
  free(V->big);
  free(V->cols);
}

/* The columns p reads whose checksums are still to be verified (or that
** were left unread in a CSV: seg_col_check refuses them), each once
** however many instructions read it, largest first in V->big. Returns 0
** or -1 (out of memory). */
static int checks_plan(const seg_program *p, const seg_table *t, vcheck *V) {
  memset(V, 0, sizeof *V);
  V->t = t;
  V->cols = malloc((p->ncols + 1) * sizeof *V->cols);
  V->big = malloc((p->ncols + 1) * sizeof *V->big);
  V->errs = calloc(p->ncols + 1, sizeof *V->errs);
  size_t *size = malloc((p->ncols + 1) * sizeof *size);
  uint8_t *seen = calloc(p->ncols + 1, 1);
  int rc = -1;
  if (!V->cols || !V->big || !V->errs || !size || !seen) goto out;
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    uint32_t c = p->code[pc].b;
    if (seg_ops[p->code[pc].op].format[1] != 'C' || seen[c]) continue;
    seen[c] = 1;
    if (t->cols[c].check_pending || t->cols[c].unread) V->cols[V->n++] = c;   /* unread: refused */
    V->unread |= t->cols[c].unread;
  }
  for (uint32_t i = 0; i < V->n; i++) {       /* few columns: insertion sort */
    size[i] = col_bytes(&t->cols[V->cols[i]], t->nrows);
    uint32_t j = i;
    for (; j > 0 && size[V->big[j - 1]] < size[i]; j--) V->big[j] = V->big[j - 1];
    V->big[j] = i;
    V->bytes += size[i];
  }
  rc = 0;
out:
  free(seen);
  free(size);
  return rc;
}

/* The error of the first failing column in program order, whatever the
** threads' timing: 0, or -1 with err. */
static int checks_result(const vcheck *V, char *err, size_t errlen) {
  for (uint32_t i = 0; i < V->n; i++)
    if (V->errs[i][0]) {
      snprintf(err, errlen, "%s", V->errs[i]);
      return -1;
    }
  return 0;
}

/* Threads for checking V alone: at least ~128 KiB each. */
static unsigned check_threads(const seg_vm_opts *o, const vcheck *V) {
  return thread_count(o, V->bytes / ((size_t)SEG_BATCH * 64) + 1);
}

/* ---- checks while the rows run ---------------------------------------------- */

/* The rows' pass with the checks: tasks [0, V->n) check a column each,
** largest first, and tasks V->n .. V->n + nth - 1 run the threads'
** batches, which they take as they come (vthread.next), so a thread done
** with a check joins the rows. */
typedef struct vlate {
  vcheck *V;
  vthread *th;
} vlate;

static void late_task(void *arg, size_t i) {
  vlate *L = arg;
  if (i < L->V->n) check_task(L->V, i);
  else batch_task(L->th, i - L->V->n);
}

/* The rankings' first pass: code [0, npass1) over every batch (each
** thread its share, in parallel whatever the options), the values of each
** source gathered, and the thresholds (runtime/rank.c) left in X->thr. */
static int rank_pass(vctx *X, vthread *th, unsigned nth, size_t nbatches, size_t per) {
  const seg_program *p = X->p;
  unsigned nt = thread_count(X->o, nbatches);
  if (nt > nth) nt = nth;
  size_t each = (nbatches + nt - 1) / (nt ? nt : 1);
  int rc = -1;
  /* per source one array of a value per row; thread k fills the part of
  ** its batches, then the parts are moved together */
  seg_rvals *all = calloc((size_t)(nt + 1) * p->nrsrc + 1, sizeof *all), *merged = all + (size_t)nt * p->nrsrc;
  seg_rthr *thr = calloc(p->nruse + 1, sizeof *thr);
  if (!all || !thr) goto out;
  X->thr = thr;
  for (uint32_t s = 0; s < p->nrsrc; s++)
    if (!(merged[s].data = malloc((X->t->nrows + 1) * 8))) goto out;
  for (unsigned k = 0; k < nt; k++) {
    th[k].pass1 = 1;
    th[k].pc_from = 0;
    th[k].pc_to = p->npass1;
    th[k].rv = all + (size_t)k * p->nrsrc;
    th[k].from = k * each < nbatches ? k * each : nbatches;
    th[k].to = (k + 1) * each < nbatches ? (k + 1) * each : nbatches;
    for (uint32_t s = 0; s < p->nrsrc; s++) {
      size_t first = th[k].from * SEG_BATCH, last = th[k].to * SEG_BATCH;
      if (last > X->t->nrows) last = X->t->nrows;
      th[k].rv[s] = (seg_rvals){(int64_t *)merged[s].data + first, 0, last > first ? last - first : 0};
    }
  }
  int failed = run_threads(th, nt, batch_task);
  for (unsigned k = 0; k < nt; k++) {
    th[k].pass1 = 0;
    th[k].rv = NULL;
    th[k].from = k * per < nbatches ? k * per : nbatches;
    th[k].to = (k + 1) * per < nbatches ? (k + 1) * per : nbatches;
  }
  if (failed) goto out;
  for (uint32_t s = 0; s < p->nrsrc; s++)
    for (unsigned k = 0; k < nt; k++) {
      const seg_rvals *part = &all[(size_t)k * p->nrsrc + s];
      int64_t *to = (int64_t *)merged[s].data + merged[s].n;
      if (part->n && (int64_t *)part->data != to) memmove(to, part->data, part->n * 8);
      merged[s].n += part->n;
    }
  rc = seg_rank_thresholds(p, merged, thr);
out:
  for (uint32_t s = 0; all && s < p->nrsrc; s++) free(merged[s].data);
  free(all);
  return rc;
}

int seg_vm_run(const seg_program *p, const seg_table *t, int want_members, seg_result *res,
               char *err, size_t errlen) {
  seg_vm_opts o = {.want_members = want_members};
  return seg_vm_run_opts(p, t, &o, res, err, errlen);
}

int seg_vm_run_opts(const seg_program *p, const seg_table *t, const seg_vm_opts *o, seg_result *res, char *err,
                    size_t errlen) {
  int want_members = o->want_members || p->naggs > 0;   /* measures aggregate over members */
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
  size_t nbatches = (t->nrows + SEG_BATCH - 1) / SEG_BATCH;
  /* a trace is one batch's story, told in order: one thread */
  unsigned nth = o->trace || o->watch ? 1 : thread_count(o, nbatches);
  /* the checksums: on threads of their own first, or (late) while the
  ** rows run, once the text offsets are known to rise */
  vcheck V;
  if (checks_plan(p, t, &V) != 0) {
    checks_free(&V);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int late = V.n > 0 && nth > 1 && p->ncode > 0 && !V.unread;
  if (!late) {
    seg_run_tasks(check_threads(o, &V), V.n, check_task, &V);
    if (checks_result(&V, err, errlen) != 0) {
      checks_free(&V);
      return -1;
    }
  }
  int unwatchable = 0;
  for (uint32_t pc = 0; o->watch && pc < p->ncode; pc++) unwatchable |= seg_ops[p->code[pc].op].level == 'W';
  for (size_t k = 0; o->watch && k < o->watch->n; k++) unwatchable |= o->watch->rows[k] >= t->nrows;
  if (unwatchable) {
    snprintf(err, errlen, "a watched run needs a program without whole-batch instructions, and rows of the table");
    checks_free(&V);
    return -1;
  }

  int rc = -1;
  vctx X = {.o = o, .p = p, .t = t, .res = res};
  vthread *th = calloc(nth, sizeof *th);
  X.maps = calloc(p->nmaps ? p->nmaps : 1, sizeof *X.maps);
  X.aux = calloc(p->ncode ? p->ncode : 1, sizeof *X.aux);
  X.pow10s = malloc(p->ncols * sizeof *X.pow10s + 1);
  uint32_t slots = seg_program_slots(p);    /* segments, then hidden conditions */
  res->nsegs = slots;
  res->nrows = t->nrows;
  res->counts = calloc(slots ? slots : 1, sizeof *res->counts);
  if (!th || !X.maps || !X.aux || !X.pow10s || !res->counts) goto oom;
  for (unsigned k = 0; k < nth; k++)
    if (!(th[k].counts = calloc(slots ? slots : 1, sizeof *th[k].counts))) goto oom;
  if (want_members) {
    res->members = calloc(slots ? slots : 1, sizeof *res->members);
    if (!res->members) goto oom;
    for (uint32_t s = 0; s < slots; s++)
      if (!(res->members[s] = calloc((t->nrows + 63) / 64 + 1, sizeof(uint64_t)))) goto oom;
  }
  size_t dict_total = 0;
  for (uint32_t m = 0; m < p->nmaps; m++) {
    if (t->cols[p->maps[m].col].type != SEG_TEXT || seg_vm_map_plan(p, &p->maps[m], t, &X.maps[m]) != 0) goto oom;
    X.maps[m].unchecked = (uint8_t)(late && t->cols[p->maps[m].col].check_pending);
    if (X.maps[m].rowwise) continue;            /* evaluated as the rows come */
    if (seg_vm_map_alloc(&p->maps[m], t, &X.maps[m]) != 0) goto oom;
    dict_total += t->cols[p->maps[m].col].ndict;
  }
  for (uint32_t c = 0; c < p->ncols; c++) {
    double s = 1;
    for (uint32_t k = 0; k < t->cols[c].scale; k++) s *= 10;
    X.pow10s[c] = s;
  }
  if (resolve_aux(&X, X.aux) != 0) goto oom;

  size_t per = (nbatches + nth - 1) / (nth ? nth : 1);
  /* maps: the dictionaries split across threads when they are large */
  unsigned nmt = dict_total >= 65536 ? thread_count(o, SIZE_MAX) : 1;
  if (nmt > nth) {
    vthread *more = realloc(th, nmt * sizeof *th);
    if (!more) goto oom;
    th = more;
    for (unsigned k = nth; k < nmt; k++) th[k] = (vthread){0};
  }
  for (unsigned k = 0; k < nmt; k++) {
    th[k].X = &X;
    th[k].part = k;
    th[k].nparts = nmt;
  }
  if (run_threads(th, nmt, map_task) != 0) {
    snprintf(err, errlen, "a text test could not be evaluated (out of memory)");
    for (uint32_t m = 0; m < p->nmaps; m++)
      if (X.maps[m].match_error) {
        const seg_column *c = &t->cols[p->maps[m].col];
        size_t k = X.maps[m].bad_code;
        int len = (int)(c->dict_off[k + 1] - c->dict_off[k]);
        char why[120];
        pcre2_get_error_message(X.maps[m].match_error, (PCRE2_UCHAR *)why, sizeof why);
        snprintf(err, errlen, "rules line %d, column %d: 'matches' could not decide column '%s' value '%.*s%s': %s; "
                 "simplify the pattern",
                 p->maps[m].loc.first_line, p->maps[m].loc.first_column, c->name, len > 60 ? 60 : len,
                 c->dict_bytes + c->dict_off[k], len > 60 ? "..." : "", why);
        break;
      }
    seg_result_free(res);
    goto done;
  }
  for (uint32_t m = 0; m < p->nmaps; m++)
    if (p->maps[m].type == VT_BOOL && !X.maps[m].rowwise) seg_vm_map_hset(&X.maps[m], t->cols[p->maps[m].col].ndict);
    else X.maps[m].hn = -1;
  for (unsigned k = 0; k < nth; k++) {
    th[k].X = &X;
    th[k].part = k;
    th[k].from = k * per < nbatches ? k * per : nbatches;
    th[k].to = (k + 1) * per < nbatches ? (k + 1) * per : nbatches;
  }
  if (p->npass1 > 0 && rank_pass(&X, th, nth, nbatches, per) != 0) goto oom;
  for (unsigned k = 0; k < nth; k++) {
    th[k].pc_from = p->npass1;
    th[k].pc_to = p->ncode;
  }
  if (o->watch) th[0].to = o->watch->n;     /* one thread: the watched rows */
  if (late) {
    size_t next = 0;
    for (unsigned k = 0; k < nth; k++) {
      th[k].from = 0;
      th[k].to = nbatches;
      th[k].next = &next;
    }
    vlate L = {&V, th};
    seg_run_tasks(nth, V.n + nth, late_task, &L);
    late = 0;                                 /* checked */
    if (checks_result(&V, err, errlen) != 0) {
      seg_result_free(res);
      goto done;
    }
    for (unsigned k = 0; k < nth; k++)
      if (th[k].rc != 0) goto oom;
  } else if (run_threads(th, nth, batch_task) != 0) {
    goto oom;
  }
  for (unsigned k = 0; k < nth; k++)
    for (uint32_t s = 0; s < slots; s++) res->counts[s] += th[k].counts[s];
  rc = 0;
  goto done;
oom:
  snprintf(err, errlen, "out of memory");
  seg_result_free(res);
done:
  if (late) {                 /* stopped before the rows: a damaged column first */
    seg_run_tasks(check_threads(o, &V), V.n, check_task, &V);
    if (checks_result(&V, err, errlen) != 0) seg_result_free(res);
  }
  checks_free(&V);
  if (X.thr) seg_rthr_free((seg_rthr *)X.thr, p->nruse);
  free((void *)X.thr);
  if (X.maps)
    for (uint32_t m = 0; m < p->nmaps; m++) seg_vm_map_free(&X.maps[m]);
  if (X.aux)
    for (uint32_t pc = 0; pc < p->ncode; pc++) free(X.aux[pc].set);
  if (th)
    for (unsigned k = 0; k < nth; k++) free(th[k].counts);
  free(th);
  free(X.maps);
  free(X.aux);
  free(X.pow10s);
  return rc;
}
