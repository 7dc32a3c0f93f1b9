/*
** test_vm.c -- the vectorised VM on hand-built tables: three-valued logic,
** comparisons, missing values, ranges, arithmetic, text maps, selection
** vectors across batches, segment references; every result is checked
** against a naive per-row evaluation written here in C.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "colfile.h"
#include "compile.h"
#include "crc32.h"
#include "date.h"
#include "sema.h"
#include "table.h"
#include "vm.h"
#include "why.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#define TODAY 20780   /* 2026-11-23 */

static int failures;

static void check(int cond, const char *what) {
  printf("%s - %s\n", cond ? "ok" : "not ok", what);
  if (!cond) failures++;
}

/* ---- tables ------------------------------------------------------ */

static void *zalloc64(size_t n) {
  size_t r = (n + 63) / 64 * 64;
  if (r == 0) r = 64;
  void *p = aligned_alloc(64, r);
  if (!p) { fprintf(stderr, "out of memory\n"); exit(2); }
  memset(p, 0, r);
  return p;
}

static void table_init(seg_table *t, size_t nrows) {
  memset(t, 0, sizeof *t);
  t->nrows = nrows;
  t->cols = calloc(16, sizeof *t->cols);
  if (!t->cols) exit(2);
}

static seg_column *add_col(seg_table *t, const char *name, seg_type ty, uint32_t scale) {
  seg_column *c = &t->cols[t->ncols++];
  c->name = strdup(name);
  c->type = ty;
  c->scale = scale;
  c->valid = zalloc64(((t->nrows + 63) / 64) * sizeof(uint64_t));
  size_t w = ty == SEG_BOOL ? 1 : ty == SEG_INT || ty == SEG_NUM ? 8 : 4;
  c->data = zalloc64(t->nrows * w);
  return c;
}

static void set_valid(seg_column *c, size_t row) { c->valid[row >> 6] |= (uint64_t)1 << (row & 63); }
static void set_i(seg_column *c, size_t row, int64_t v) { ((int64_t *)c->data)[row] = v; set_valid(c, row); }
static void set_d(seg_column *c, size_t row, int32_t v) { ((int32_t *)c->data)[row] = v; set_valid(c, row); }
static void set_b(seg_column *c, size_t row, int v) { ((uint8_t *)c->data)[row] = (uint8_t)(v != 0); set_valid(c, row); }
static void set_t(seg_column *c, size_t row, uint32_t code) { ((uint32_t *)c->data)[row] = code; set_valid(c, row); }

static void set_dict(seg_column *c, const char *const *vals, uint32_t n) {
  size_t total = 0;
  for (uint32_t i = 0; i < n; i++) total += strlen(vals[i]);
  c->ndict = n;
  c->dict_off = calloc(n + 1, sizeof *c->dict_off);
  c->dict_bytes = malloc(total + 1);
  if (!c->dict_off || !c->dict_bytes) exit(2);
  size_t off = 0;
  for (uint32_t i = 0; i < n; i++) {
    c->dict_off[i] = off;
    memcpy(c->dict_bytes + off, vals[i], strlen(vals[i]));
    off += strlen(vals[i]);
  }
  c->dict_off[n] = off;
}

/* ---- compile and run --------------------------------------------- */

typedef struct run {
  const char *names[16];
  seg_type types[16];
  seg_schema_view view;
  seg_compiled c;
  seg_result r;
  int ok;
} run;

/* seg_vm_opts.on_batch: the batches' bits put back together, one bitmap
** of nrows bits per segment (batches are whole words: threads write
** different words) */
typedef struct gathered { uint32_t nsegs; uint64_t **bits; } gathered;
static void gather_batch(void *ctx, unsigned part, size_t first_row, uint32_t rows, const uint64_t *const *bits) {
  gathered *g = ctx;
  (void)part;
  for (uint32_t s = 0; s < g->nsegs; s++)
    for (size_t w = 0; w < (rows + 63) / 64; w++) g->bits[s][first_row / 64 + w] = bits[s][w];
}

/* The same run with on_batch instead of want_members, on 3 threads: the
** batches' members are the members, and the counts the same. */
static int same_by_batches(const seg_table *t, const run *R) {
  size_t words = (t->nrows + 63) / 64;
  gathered g = {R->c.prog.nsegs, calloc(R->c.prog.nsegs + 1, sizeof(uint64_t *))};
  int same = g.bits != NULL;
  for (uint32_t s = 0; same && s < g.nsegs; s++) same = (g.bits[s] = calloc(words + 1, sizeof(uint64_t))) != NULL;
  seg_vm_opts o = {.threads = 3, .on_batch = gather_batch, .ctx = &g};
  seg_result r;
  char err[256];
  if (same && seg_vm_run_opts(&R->c.prog, t, &o, &r, err, sizeof err) != 0) { printf("# vm failed: %s\n", err); same = 0; }
  else if (same) {
    for (uint32_t s = 0; s < g.nsegs; s++)
      same &= r.counts[s] == R->r.counts[s] && memcmp(g.bits[s], R->r.members[s], words * sizeof(uint64_t)) == 0;
    seg_result_free(&r);
  }
  for (uint32_t s = 0; g.bits && s < g.nsegs; s++) free(g.bits[s]);
  free(g.bits);
  return same;
}

static int run_rules(const seg_table *t, const char *src, run *R) {
  memset(R, 0, sizeof *R);
  for (size_t i = 0; i < t->ncols; i++) {
    R->names[i] = t->cols[i].name;
    R->types[i] = t->cols[i].type;
  }
  R->view = (seg_schema_view){.ncols = t->ncols, .names = R->names, .types = R->types, .may_be_missing = NULL};
  int rc = seg_compile(src, strlen(src), &R->view, TODAY, &R->c);
  if (rc != 0) {
    printf("# compile failed (%d):\n", rc);
    for (size_t i = 0; i < R->c.diags.n; i++)
      printf("#   %d:%d %s %s\n", R->c.diags.v[i].loc.first_line, R->c.diags.v[i].loc.first_column,
             R->c.diags.v[i].code, R->c.diags.v[i].msg);
    return -1;
  }
  char err[256];
  if (seg_vm_run(&R->c.prog, t, 1, &R->r, err, sizeof err) != 0) {
    printf("# vm failed: %s\n", err);
    return -1;
  }
  check(same_by_batches(t, R), "on_batch (3 threads) hands over the members, batch by batch");
  R->ok = 1;
  return 0;
}

static void run_free(run *R) {
  seg_result_free(&R->r);
  seg_compiled_free(&R->c);
}

static int seg_index(const run *R, const char *name) {
  for (uint32_t s = 0; s < R->c.prog.nsegs; s++)
    if (strcmp(R->c.prog.segs[s].name, name) == 0) return (int)s;
  return -1;
}

/* Segment `name`'s members must be exactly the rows with want[row] != 0,
** its count their number, and no bit past nrows may be set. */
static int members_are(const run *R, const char *name, const uint8_t *want, size_t nrows) {
  if (!R->ok) return 0;
  int s = seg_index(R, name);
  if (s < 0 || !R->r.members || !R->r.members[s]) { printf("# no segment %s\n", name); return 0; }
  const uint64_t *bits = R->r.members[s];
  uint64_t n = 0;
  int ok = 1, shown = 0;
  for (size_t i = 0; i < nrows; i++) {
    int got = (int)((bits[i >> 6] >> (i & 63)) & 1u);
    n += (uint64_t)(want[i] != 0);
    if (got != (want[i] != 0)) {
      ok = 0;
      if (shown++ < 8) printf("#   %s: row %zu is %s, want %s\n", name, i, got ? "in" : "out", want[i] ? "in" : "out");
    }
  }
  for (size_t i = nrows; i < ((nrows + 63) / 64) * 64; i++)
    if ((bits[i >> 6] >> (i & 63)) & 1u) { ok = 0; printf("#   %s: bit %zu past the end is set\n", name, i); break; }
  if (R->r.counts[s] != n) {
    ok = 0;
    printf("#   %s: count %llu, want %llu\n", name, (unsigned long long)R->r.counts[s], (unsigned long long)n);
  }
  return ok;
}

/* members given as a list of 0-based row numbers, e.g. "0 3 5" */
static int members_list(const run *R, const char *name, const char *rows, size_t nrows) {
  uint8_t *want = calloc(nrows ? nrows : 1, 1);
  char *end;
  for (const char *p = rows; *p;) {
    long v = strtol(p, &end, 10);
    if (end == p) break;
    if (v >= 0 && (size_t)v < nrows) want[v] = 1;
    p = end;
  }
  int ok = members_are(R, name, want, nrows);
  free(want);
  return ok;
}

static void checkm(const run *R, const char *name, const char *rows, size_t nrows, const char *what) {
  int ok = members_list(R, name, rows, nrows);
  char buf[300];
  snprintf(buf, sizeof buf, "%s: %s", name, what);
  check(ok, buf);
}

/* ---- three-valued helpers for the naive evaluation --------------- */
enum { F = 0, U = 1, T = 2 };
static uint8_t tand(uint8_t a, uint8_t b) { return a < b ? a : b; }
static uint8_t tor(uint8_t a, uint8_t b) { return a > b ? a : b; }
static uint8_t tnot(uint8_t a) { return (uint8_t)(2 - a); }
static uint8_t tri(int present, int cond) { return present ? (cond ? T : F) : U; }

/* ================================================================== */

static void test_truth_tables(void) {
  seg_table t;
  table_init(&t, 9);
  seg_column *p = add_col(&t, "p", SEG_BOOL, 0), *q = add_col(&t, "q", SEG_BOOL, 0);
  /* row i: p = i / 3, q = i % 3 with 0 true, 1 false, 2 missing */
  uint8_t tp[9], tq[9];
  for (size_t i = 0; i < 9; i++) {
    int a = (int)i / 3, b = (int)i % 3;
    if (a < 2) set_b(p, i, a == 0);
    if (b < 2) set_b(q, i, b == 0);
    tp[i] = a == 0 ? T : a == 1 ? F : U;
    tq[i] = b == 0 ? T : b == 1 ? F : U;
  }
  run R;
  run_rules(&t,
            "segment and_ = p and q\n"
            "segment nand_ = not (p and q)\n"
            "segment or_ = p or q\n"
            "segment nor_ = not (p or q)\n"
            "segment notp = not p\n"
            "segment andmiss = (p and q) is missing\n"
            "segment ormiss = (p or q) is missing\n"
            "segment eq = p = q\n"
            "segment neq = not (p = q)\n"
            "segment pmiss = p is missing\n"
            "segment pnotmiss = p is not missing\n",
            &R);
  check(R.ok, "truth tables: compiles and runs");
  uint8_t w[11][9];
  for (size_t i = 0; i < 9; i++) {
    uint8_t a = tand(tp[i], tq[i]), o = tor(tp[i], tq[i]);
    uint8_t e = (tp[i] == U || tq[i] == U) ? U : tp[i] == tq[i] ? T : F;
    w[0][i] = a == T; w[1][i] = tnot(a) == T; w[2][i] = o == T; w[3][i] = tnot(o) == T;
    w[4][i] = tnot(tp[i]) == T; w[5][i] = a == U; w[6][i] = o == U;
    w[7][i] = e == T; w[8][i] = tnot(e) == T; w[9][i] = tp[i] == U; w[10][i] = tp[i] != U;
  }
  check(members_are(&R, "and_", w[0], 9), "and: true only for true/true (9 combinations)");
  check(members_are(&R, "nand_", w[1], 9), "not (p and q): false wherever either is false; unknown otherwise excluded");
  check(members_are(&R, "or_", w[2], 9), "or: true wherever either is true");
  check(members_are(&R, "nor_", w[3], 9), "not (p or q): only false/false");
  check(members_are(&R, "notp", w[4], 9), "not p: only where p is false (not unknown is unknown)");
  check(members_are(&R, "andmiss", w[5], 9), "(p and q) is missing: T/U, U/T, U/U");
  check(members_are(&R, "ormiss", w[6], 9), "(p or q) is missing: F/U, U/F, U/U");
  check(members_are(&R, "eq", w[7], 9), "p = q on conditions: unknown if either is unknown");
  check(members_are(&R, "neq", w[8], 9), "not (p = q)");
  check(members_are(&R, "pmiss", w[9], 9), "p is missing");
  check(members_are(&R, "pnotmiss", w[10], 9), "p is not missing");
  /* literal spot checks, independent of the C helpers */
  checkm(&R, "and_", "0", 9, "literal: only row 0 (true and true)");
  checkm(&R, "or_", "0 1 2 3 6", 9, "literal: rows 0 1 2 3 6");
  checkm(&R, "nand_", "1 3 4 5 7", 9, "literal: rows 1 3 4 5 7");
  run_free(&R);
  seg_table_free(&t);
}

/* ---- comparisons, missing, in, ranges, arithmetic ---------------- */

#define NC 8
static const int     A_ok[NC] = {1, 1, 0, 1, 1, 1, 0, 1};
static const int64_t A_v[NC]  = {5, 10, 0, -3, 0, 7, 0, 100};
static const int     B_ok[NC] = {1, 1, 1, 0, 1, 1, 1, 1};
static const int64_t B_v[NC]  = {2, 0, 1, 0, 4, 7, 3, 0};
static const int     N_ok[NC] = {1, 0, 1, 1, 1, 0, 1, 1};
static const int64_t N_v[NC]  = {150, 0, 250, -100, 150, 0, 99, 1000};    /* scale 2 */
static const int     D_ok[NC] = {1, 1, 0, 1, 1, 0, 1, 1};
static const int32_t D_v[NC]  = {20780, 20000, 0, 20779, 20781, 0, 0, 20800};

static void test_compare(void) {
  seg_table t;
  table_init(&t, NC);
  seg_column *a = add_col(&t, "a", SEG_INT, 0), *b = add_col(&t, "b", SEG_INT, 0);
  seg_column *n = add_col(&t, "n", SEG_NUM, 2), *d = add_col(&t, "d", SEG_DATE, 0);
  for (size_t i = 0; i < NC; i++) {
    if (A_ok[i]) set_i(a, i, A_v[i]);
    if (B_ok[i]) set_i(b, i, B_v[i]);
    if (N_ok[i]) set_i(n, i, N_v[i]);
    if (D_ok[i]) set_d(d, i, D_v[i]);
  }
  static const char *src =
      "segment ga = a > 5\n"
      "segment nga = not (a > 5)\n"
      "segment ea = a = 5\n"
      "segment nea = a != 5\n"
      "segment lea = a <= 5\n"
      "segment kga = 5 < a\n"
      "segment gn = n >= 1.5\n"
      "segment ln = not (n < 1.5)\n"
      "segment an = a > n\n"
      "segment ab = a >= b\n"
      "segment dl = d < 2026-11-23\n"
      "segment dge = d >= today\n"
      "segment dwithin = d within 30 days\n"
      "segment dago = d more than 1 year ago\n"
      "segment dless = d less than 2 days ago\n"
      "segment ma = a is missing\n"
      "segment nmn = n is not missing\n"
      "segment md = d is missing\n"
      "segment ina = a in (5, 7, 100)\n"
      "segment nina = a not in (5, 7, 100)\n"
      "segment inn = n in (1.5, 10)\n"
      "segment inab = a in (b, 5)\n"
      "segment ra = a 0..7\n"
      "segment rao = a in 6..\n"
      "segment rac = a in ..5\n"
      "segment rbt = a between -3 and 0\n"
      "segment rneg = a in -5..0\n"
      "segment rn = n in 1..2.5\n"
      "segment rd = d in 2026-11-23..\n"
      "segment rdc = d 2026-01-01..2026-11-23\n"
      "segment rab = a in b..10\n"
      "segment div = a / b > 2\n"
      "segment divm = a / b is missing\n"
      "segment divz = (a / 0) is missing\n"
      "segment add = a + b = 7\n"
      "segment sub = a - b < 0\n"
      "segment mul = a * b >= 20\n"
      "segment neg = -a > 0\n"
      "segment ysince = days_since(d) > 0\n"
      "segment coal = coalesce(a, b) > 4\n"
      "segment yr = year(d) = 2026\n"
      "segment mo = month(d) = 11\n"
      "segment dplus = d + 1 week > today\n"
      "segment rf = a 0.5..5.5\n"
      "segment fwd = later and a > 0\n"
      "segment later = a < 8\n"
      "segment summ = (a + b) is missing\n";
  run R;
  run_rules(&t, src, &R);
  check(R.ok, "comparisons: compiles and runs");

  int32_t ago1y = seg_date_add_years(TODAY, -1);
  uint8_t w[NC];
#define EXPECT(NAME, WHAT, EXPR)                        \
  do {                                                  \
    for (size_t i = 0; i < NC; i++) w[i] = (EXPR) == T; \
    check(members_are(&R, NAME, w, NC), NAME ": " WHAT); \
  } while (0)
  double nv[NC];
  for (size_t i = 0; i < NC; i++) nv[i] = (double)N_v[i] / 100.0;
  EXPECT("ga", "int > const, missing excluded", tri(A_ok[i], A_v[i] > 5));
  EXPECT("nga", "not (int > const): missing stays out", tnot(tri(A_ok[i], A_v[i] > 5)));
  EXPECT("ea", "int = const", tri(A_ok[i], A_v[i] == 5));
  EXPECT("nea", "int != const skips missing", tri(A_ok[i], A_v[i] != 5));
  EXPECT("lea", "int <= const", tri(A_ok[i], A_v[i] <= 5));
  EXPECT("kga", "const < int (flipped)", tri(A_ok[i], 5 < A_v[i]));
  EXPECT("gn", "number >= 1.5 (scale 2)", tri(N_ok[i], nv[i] >= 1.5));
  EXPECT("ln", "not (number < 1.5)", tnot(tri(N_ok[i], nv[i] < 1.5)));
  EXPECT("an", "int column > number column", tri(A_ok[i] && N_ok[i], (double)A_v[i] > nv[i]));
  EXPECT("ab", "int column >= int column", tri(A_ok[i] && B_ok[i], A_v[i] >= B_v[i]));
  EXPECT("dl", "date < date literal", tri(D_ok[i], D_v[i] < 20780));
  EXPECT("dge", "date >= today", tri(D_ok[i], D_v[i] >= TODAY));
  EXPECT("dwithin", "date within 30 days: today-30 .. today", tri(D_ok[i], D_v[i] >= TODAY - 30 && D_v[i] <= TODAY));
  EXPECT("dago", "date more than 1 year ago", tri(D_ok[i], D_v[i] < ago1y));
  EXPECT("dless", "date less than 2 days ago", tri(D_ok[i], D_v[i] > TODAY - 2));
  EXPECT("ma", "int is missing", A_ok[i] ? F : T);
  EXPECT("nmn", "number is not missing", N_ok[i] ? T : F);
  EXPECT("md", "date is missing", D_ok[i] ? F : T);
  EXPECT("ina", "int in (5, 7, 100)", tri(A_ok[i], A_v[i] == 5 || A_v[i] == 7 || A_v[i] == 100));
  EXPECT("nina", "int not in (...) skips missing", tnot(tri(A_ok[i], A_v[i] == 5 || A_v[i] == 7 || A_v[i] == 100)));
  EXPECT("inn", "number in (1.5, 10)", tri(N_ok[i], nv[i] == 1.5 || nv[i] == 10.0));
  EXPECT("inab", "int in (column, const)",
         tor(tri(A_ok[i] && B_ok[i], A_v[i] == B_v[i]), tri(A_ok[i], A_v[i] == 5)));
  EXPECT("ra", "a 0..7 inclusive", tri(A_ok[i], A_v[i] >= 0 && A_v[i] <= 7));
  EXPECT("rao", "a in 6.. (open high end)", tri(A_ok[i], A_v[i] >= 6));
  EXPECT("rac", "a in ..5 (open low end)", tri(A_ok[i], A_v[i] <= 5));
  EXPECT("rbt", "a between -3 and 0", tri(A_ok[i], A_v[i] >= -3 && A_v[i] <= 0));
  EXPECT("rneg", "a in -5..0 (negative bound)", tri(A_ok[i], A_v[i] >= -5 && A_v[i] <= 0));
  EXPECT("rn", "number in 1..2.5", tri(N_ok[i], nv[i] >= 1.0 && nv[i] <= 2.5));
  EXPECT("rd", "date in 2026-11-23.. (open)", tri(D_ok[i], D_v[i] >= 20780));
  EXPECT("rdc", "date 2026-01-01..2026-11-23", tri(D_ok[i], D_v[i] >= seg_date_days_from_civil(2026, 1, 1) && D_v[i] <= 20780));
  EXPECT("rab", "a in b..10 (column bound)",
         tand(tri(A_ok[i] && B_ok[i], A_v[i] >= B_v[i]), tri(A_ok[i], A_v[i] <= 10)));
  EXPECT("div", "a / b > 2, division by zero is missing",
         tri(A_ok[i] && B_ok[i] && B_v[i] != 0, B_v[i] != 0 && (double)A_v[i] / (double)B_v[i] > 2));
  EXPECT("divm", "a / b is missing where a or b missing or b = 0", (A_ok[i] && B_ok[i] && B_v[i] != 0) ? F : T);
  EXPECT("divz", "a / 0 is always missing", T);
  EXPECT("add", "a + b = 7", tri(A_ok[i] && B_ok[i], A_v[i] + B_v[i] == 7));
  EXPECT("sub", "a - b < 0", tri(A_ok[i] && B_ok[i], A_v[i] - B_v[i] < 0));
  EXPECT("mul", "a * b >= 20", tri(A_ok[i] && B_ok[i], A_v[i] * B_v[i] >= 20));
  EXPECT("neg", "-a > 0", tri(A_ok[i], -A_v[i] > 0));
  EXPECT("ysince", "days_since(d) > 0", tri(D_ok[i], TODAY - D_v[i] > 0));
  EXPECT("coal", "coalesce(a, b) > 4", A_ok[i] ? tri(1, A_v[i] > 4) : tri(B_ok[i], B_v[i] > 4));
  EXPECT("yr", "year(d) = 2026", tri(D_ok[i], D_v[i] >= seg_date_days_from_civil(2026, 1, 1) &&
                                                 D_v[i] <= seg_date_days_from_civil(2026, 12, 31)));
  EXPECT("mo", "month(d) = 11", tri(D_ok[i], D_v[i] >= seg_date_days_from_civil(2026, 11, 1) &&
                                                D_v[i] <= seg_date_days_from_civil(2026, 11, 30)));
  EXPECT("dplus", "d + 1 week > today", tri(D_ok[i], D_v[i] + 7 > TODAY));
  EXPECT("rf", "int subject in a decimal range 0.5..5.5", tri(A_ok[i], A_v[i] >= 1 && A_v[i] <= 5));
  EXPECT("later", "a < 8", tri(A_ok[i], A_v[i] < 8));
  EXPECT("fwd", "reference to a segment defined later", tand(tri(A_ok[i], A_v[i] < 8), tri(A_ok[i], A_v[i] > 0)));
  EXPECT("summ", "(a + b) is missing", (A_ok[i] && B_ok[i]) ? F : T);
#undef EXPECT
  /* a few literal expectations that do not depend on the helpers above */
  checkm(&R, "ga", "1 5 7", NC, "literal rows 1 5 7");
  checkm(&R, "nina", "1 3 4", NC, "literal rows 1 3 4");
  checkm(&R, "divm", "1 2 3 6 7", NC, "literal rows 1 2 3 6 7");
  run_free(&R);
  seg_table_free(&t);
}

static void test_overflow(void) {
  seg_table t;
  table_init(&t, 5);
  seg_column *big = add_col(&t, "big", SEG_INT, 0);
  set_i(big, 0, INT64_MAX);
  set_i(big, 1, INT64_MIN);
  set_i(big, 2, 1);
  set_i(big, 4, -1);
  run R;
  run_rules(&t,
            "segment addm = (big + 1) is missing\n"
            "segment subm = (big - 1) is missing\n"
            "segment mulm = (big * 2) is missing\n"
            "segment negm = (-big) is missing\n"
            "segment absm = abs(big) is missing\n"
            "segment addpos = big + 1 > 0\n"
            "segment mulneg = big * 2 < 0\n",
            &R);
  check(R.ok, "overflow: compiles and runs");
  checkm(&R, "addm", "0 3", 5, "INT64_MAX + 1 overflows to missing (and missing row)");
  checkm(&R, "subm", "1 3", 5, "INT64_MIN - 1 overflows to missing");
  checkm(&R, "mulm", "0 1 3", 5, "INT64_MAX * 2 and INT64_MIN * 2 overflow to missing");
  checkm(&R, "negm", "1 3", 5, "-INT64_MIN overflows to missing");
  checkm(&R, "absm", "1 3", 5, "abs(INT64_MIN) overflows to missing");
  checkm(&R, "addpos", "2", 5, "overflowed sum is not > 0 (unknown), 1 + 1 > 0");
  checkm(&R, "mulneg", "4", 5, "overflowed product is not < 0; -1 * 2 < 0");
  run_free(&R);
  seg_table_free(&t);
}

static void test_text(void) {
  static const char *const dict[] = {"Göteborg", "GÖTEBORG", "göteborg", "Malmö", "Stockholm", "Östersund",
                                     "unused"};
  seg_table t;
  table_init(&t, 8);
  seg_column *city = add_col(&t, "city", SEG_TEXT, 0), *x = add_col(&t, "x", SEG_INT, 0);
  set_dict(city, dict, 7);
  static const int codes[8] = {0, 1, 2, 3, 4, 5, -1, 3};
  for (size_t i = 0; i < 8; i++) {
    if (codes[i] >= 0) set_t(city, i, (uint32_t)codes[i]);
    set_i(x, i, (int64_t)i);
  }
  run R;
  run_rules(&t,
            "segment eq = city = \"göteborg\"\n"
            "segment eq2 = city = \"GÖTEBORG\"\n"
            "segment ne = city != \"göteborg\"\n"
            "segment lit = \"GÖTEBORG\" = \"göteborg\"\n"
            "segment inl = city in (\"MALMÖ\", \"stockholm\")\n"
            "segment cont = city contains \"ÖTE\"\n"
            "segment sw = city starts with \"ös\"\n"
            "segment miss = city is missing\n"
            "segment ncont = not city contains \"borg\"\n"
            "segment len = length(city) = 8\n"
            "segment mix = city = \"malmö\" and x > 3\n"
            "segment mre = city matches \"^G\"\n",
            &R);
  check(R.ok, "text: compiles and runs");
  checkm(&R, "eq", "0 1 2", 8, "city = \"göteborg\" folds case (Unicode)");
  checkm(&R, "eq2", "0 1 2", 8, "city = \"GÖTEBORG\" folds case (Unicode)");
  checkm(&R, "ne", "3 4 5 7", 8, "city != \"göteborg\" skips missing");
  checkm(&R, "lit", "0 1 2 3 4 5 6 7", 8, "\"GÖTEBORG\" = \"göteborg\" is true on every row");
  checkm(&R, "inl", "3 4 7", 8, "city in (\"MALMÖ\", \"stockholm\")");
  checkm(&R, "cont", "0 1 2", 8, "contains \"ÖTE\" folds case");
  checkm(&R, "sw", "5", 8, "starts with \"ös\"");
  checkm(&R, "miss", "6", 8, "city is missing");
  checkm(&R, "ncont", "3 4 5 7", 8, "not contains: missing stays unknown");
  checkm(&R, "len", "0 1 2", 8, "length counts code points (Göteborg = 8)");
  checkm(&R, "mix", "7", 8, "text map combined with an int column");
  checkm(&R, "mre", "0 1", 8, "matches is case-sensitive");
  run_free(&R);
  seg_table_free(&t);
}

/* ---- many rows, several batches, against a naive evaluator -------- */

typedef struct bigrow {
  int x_ok, y_ok, b_ok, c_ok;
  int64_t x, y, z;
  int b;
  uint32_t c;            /* 0 "SE", 1 "NO", 2 "DK", 3 "se" */
} bigrow;

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 11);
}

#define NSEG_BIG 12
static const char *const big_names[NSEG_BIG] = {"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12"};
static const char *const big_src =
    "segment s1 = x > 50 and b\n"
    "segment s2 = s1 or y < 10\n"
    "segment s3 = not s1 and s2\n"
    "segment s4 = (x > 50 and (y < 30 or b)) or (not b and x + y > 100)\n"
    "segment s5 = z >= 4000 and x > 50\n"
    "segment s6 = z < 2048 or y > 80\n"
    "segment s7 = x / y > 2 or c = \"se\"\n"
    "segment s8 = y > 50 and s1\n"
    "segment s9 = (z 2040..2055 or z 4090..4100) and (x is missing or not b)\n"
    "segment s10 = not (b or x < 20) and (c in (\"no\", \"DK\") or y is missing)\n"
    "segment s11 = b and (b or (x > 10 and (y < 90 or (c = \"SE\" and z > 100))))\n"
    "segment s12 = z > 100000 and (x > 1 or y > 1)\n";

static uint8_t naive(int k, const bigrow *r, const uint8_t *s1v) {
  uint8_t x50 = tri(r->x_ok, r->x > 50), b = r->b_ok ? (r->b ? T : F) : U;
  uint8_t y10 = tri(r->y_ok, r->y < 10);
  uint8_t s1 = tand(x50, b), s2 = tor(s1, y10);
  (void)s1v;
  switch (k) {
  case 0: return s1;
  case 1: return s2;
  case 2: return tand(tnot(s1), s2);
  case 3: return tor(tand(x50, tor(tri(r->y_ok, r->y < 30), b)),
                     tand(tnot(b), tri(r->x_ok && r->y_ok, r->x + r->y > 100)));
  case 4: return tand(T * (r->z >= 4000), x50);
  case 5: return tor(T * (r->z < 2048), tri(r->y_ok, r->y > 80));
  case 6: {
    uint8_t dv = tri(r->x_ok && r->y_ok && r->y != 0, r->y != 0 && (double)r->x / (double)r->y > 2);
    uint8_t cs = tri(r->c_ok, r->c == 0 || r->c == 3);
    return tor(dv, cs);
  }
  case 7: return tand(tri(r->y_ok, r->y > 50), s1);
  case 8: {
    uint8_t zr = T * ((r->z >= 2040 && r->z <= 2055) || (r->z >= 4090 && r->z <= 4100));
    return tand(zr, tor(r->x_ok ? F : T, tnot(b)));
  }
  case 9: return tand(tnot(tor(b, tri(r->x_ok, r->x < 20))),
                      tor(tri(r->c_ok, r->c == 1 || r->c == 2), r->y_ok ? F : T));
  case 10: return tand(b, tor(b, tand(tri(r->x_ok, r->x > 10),
                                      tor(tri(r->y_ok, r->y < 90), tand(tri(r->c_ok, r->c == 0 || r->c == 3),
                                                                       T * (r->z > 100))))));
  case 11: return F;
  }
  return U;
}

/* ---- seg why's watched runs ------------------------------------------ */

typedef struct wctx {
  const seg_cg_probes *ps;
  uint8_t *vals;               /* per row, per probe; 0xFF: not evaluated */
} wctx;

static void on_watch(void *ctx, size_t k, uint32_t pc, uint8_t v) {
  wctx *w = ctx;
  for (uint32_t i = 0; i < w->ps->n; i++)
    if (w->ps->v[i].pc == pc) w->vals[k * w->ps->n + i] = v;
}

static uint8_t watched(const wctx *w, size_t k, const seg_node *n) {
  if (seg_why_segment_ref(n)) return watched(w, k, seg_why_segment_ref(n)->expr);
  for (uint32_t i = 0; i < w->ps->n; i++)
    if (w->ps->v[i].node == n) return w->vals[k * w->ps->n + i];
  return 0xFE;                 /* no probe */
}

/* The program seg why explains, run over every row alone: each segment's
** value is the naive three-valued one, and the right side of s1's `and`
** is evaluated exactly where its left side is not false. */
static int watch_agrees(run *R, const seg_table *t, const bigrow *rows, size_t nrows) {
  seg_program wp;
  seg_cg_probes ps = {0};
  char err[256];
  if (seg_why_compile(&R->c, &wp, &ps, err, sizeof err) != 0) { printf("# why compile: %s\n", err); return 0; }
  size_t *idx = malloc((nrows + 1) * sizeof *idx);
  uint8_t *vals = malloc(nrows * ps.n + 1);
  int ok = idx && vals;
  for (size_t i = 0; ok && i < nrows; i++) idx[nrows - 1 - i] = i;      /* any order */
  if (ok) memset(vals, 0xFF, nrows * ps.n);
  wctx w = {&ps, vals};
  seg_vm_watch W = {idx, nrows, on_watch, &w};
  seg_vm_opts o = {.want_members = 1, .watch = &W};
  seg_result res = {0};
  ok = ok && seg_vm_run_opts(&wp, t, &o, &res, err, sizeof err) == 0;
  for (const seg_stmt *st = R->c.ast.first; ok && st; st = st->next) {
    int kseg = -1;
    for (int k = 0; k < NSEG_BIG; k++) if (strcmp(big_names[k], st->name) == 0) kseg = k;
    for (size_t k = 0; ok && k < nrows; k++) {
      size_t row = idx[k];
      uint8_t got = watched(&w, k, st->expr), want = naive(kseg, &rows[row], NULL);
      int member = (int)((res.members[st->index][row / 64] >> (row % 64)) & 1);
      if (got != want || member != (want == T)) {
        printf("# %s row %zu: watched %u, naive %u, member %d\n", st->name, row, got, want, member);
        ok = 0;
      }
      if (kseg == 0) {
        uint8_t x50 = tri(rows[row].x_ok, rows[row].x > 50), b = rows[row].b_ok ? (rows[row].b ? T : F) : U;
        uint8_t right = watched(&w, k, st->expr->b);
        if (right != (x50 == F ? 0xFF : b)) {
          printf("# s1 row %zu: right side %u, left %u\n", row, right, x50);
          ok = 0;
        }
      }
    }
  }
  seg_result_free(&res);
  seg_program_free(&wp);
  free(ps.v);
  free(idx);
  free(vals);
  return ok;
}

static void test_batches(size_t nrows) {
  static const char *const cd[] = {"SE", "NO", "DK", "se"};
  seg_table t;
  table_init(&t, nrows);
  seg_column *z = add_col(&t, "z", SEG_INT, 0), *x = add_col(&t, "x", SEG_INT, 0), *y = add_col(&t, "y", SEG_INT, 0);
  seg_column *b = add_col(&t, "b", SEG_BOOL, 0), *c = add_col(&t, "c", SEG_TEXT, 0);
  set_dict(c, cd, 4);
  bigrow *rows = calloc(nrows ? nrows : 1, sizeof *rows);
  for (size_t i = 0; i < nrows; i++) {
    bigrow *r = &rows[i];
    r->z = (int64_t)i;
    set_i(z, i, r->z);
    r->x_ok = rnd() % 10 != 0;
    r->x = rnd() % 100;
    if (r->x_ok) set_i(x, i, r->x);
    r->y_ok = rnd() % 10 != 0;
    r->y = rnd() % 100;
    if (r->y_ok) set_i(y, i, r->y);
    r->b_ok = rnd() % 7 != 0;
    r->b = (int)(rnd() & 1);
    if (r->b_ok) set_b(b, i, r->b);
    r->c_ok = rnd() % 9 != 0;
    r->c = rnd() % 4;
    if (r->c_ok) set_t(c, i, r->c);
  }
  run R;
  run_rules(&t, big_src, &R);
  char what[200];
  snprintf(what, sizeof what, "%zu rows: compiles and runs", nrows);
  check(R.ok, what);
  uint8_t *want = calloc(nrows ? nrows : 1, 1);
  for (int k = 0; k < NSEG_BIG; k++) {
    for (size_t i = 0; i < nrows; i++) want[i] = naive(k, &rows[i], NULL) == T;
    snprintf(what, sizeof what, "%zu rows: %s matches the naive per-row evaluation", nrows, big_names[k]);
    check(members_are(&R, big_names[k], want, nrows), what);
  }
  if (R.ok) {
    seg_result r2;
    char err[256];
    int ok = seg_vm_run(&R.c.prog, &t, 0, &r2, err, sizeof err) == 0 && r2.members == NULL &&
             r2.nsegs == R.r.nsegs;
    for (uint32_t s = 0; ok && s < r2.nsegs; s++) ok = r2.counts[s] == R.r.counts[s];
    snprintf(what, sizeof what, "%zu rows: counts without members equal counts with members", nrows);
    check(ok, what);
    seg_result_free(&r2);
    snprintf(what, sizeof what, "%zu rows: seg why's watched run gives every row's naive three-valued values", nrows);
    check(watch_agrees(&R, &t, rows, nrows), what);
  }
  free(want);
  free(rows);
  run_free(&R);
  seg_table_free(&t);
}

/* rows whose truth changes exactly at batch boundaries */
static void test_boundaries(void) {
  size_t nrows = 3 * SEG_BATCH + 5;
  seg_table t;
  table_init(&t, nrows);
  seg_column *z = add_col(&t, "z", SEG_INT, 0), *f = add_col(&t, "f", SEG_BOOL, 0);
  for (size_t i = 0; i < nrows; i++) {
    set_i(z, i, (int64_t)i);
    /* f true only in the second batch; missing in the third */
    if (i / SEG_BATCH != 2) set_b(f, i, i / SEG_BATCH == 1);
  }
  run R;
  run_rules(&t,
            "segment edge = z in (2047, 2048, 4095, 4096, 6143, 6144)\n"
            "segment andf = f and z % 2 = 0\n"
            "segment first = z 2047..2048\n"
            "segment orf = f or z >= 6144\n"
            "segment nf = not f and z < 3\n",
            &R);
  /* `%` is not an operator: andf must not compile; rerun without it */
  int had_mod = !R.ok;
  run_free(&R);
  check(had_mod, "`%` is rejected (no modulo operator)");
  run_rules(&t,
            "segment edge = z in (2047, 2048, 4095, 4096, 6143, 6144)\n"
            "segment first = z 2047..2048\n"
            "segment orf = f or z >= 6144\n"
            "segment andf = f and (z <= 2048 or z >= 4095)\n"
            "segment nf = not f and z < 3\n"
            "segment fm = f is missing and z > 6142\n",
            &R);
  check(R.ok, "boundaries: compiles and runs");
  checkm(&R, "edge", "2047 2048 4095 4096 6143 6144", nrows, "rows on both sides of each batch boundary");
  checkm(&R, "first", "2047 2048", nrows, "range spanning a boundary");
  {
    char buf[64 * 1024];
    size_t k = 0;
    for (size_t i = SEG_BATCH; i < 2 * SEG_BATCH; i++) k += (size_t)snprintf(buf + k, sizeof buf - k, "%zu ", i);
    for (size_t i = 3 * SEG_BATCH; i < nrows; i++) k += (size_t)snprintf(buf + k, sizeof buf - k, "%zu ", i);
    checkm(&R, "orf", buf, nrows, "or: whole second batch, last partial batch; unknown batch excluded");
  }
  checkm(&R, "andf", "2048 4095", nrows, "and: only the first and last row of the true batch");
  checkm(&R, "nf", "0 1 2", nrows, "not f in the first batch");
  checkm(&R, "fm", "6143", nrows, "f missing only in the third batch");
  run_free(&R);
  seg_table_free(&t);
}

/* ---- checksums verified while the rows run ------------------------- */

/* A run of a .segcol reads its columns while other threads verify their
** checksums (seg_vm_run_opts, "late"): the same counts as the run that
** checks first (1 thread); a flipped byte in a column's text is still
** refused, with the column's checksum error and no result; and text
** offsets that decrease are refused before any row is read (under ASan a
** read past the column's bytes would be reported). */
static int run_file(const seg_program *p, const char *path, unsigned threads, seg_result *r, char *err, size_t errlen) {
  seg_table u;
  if (seg_col_open(path, &u, err, errlen) != 0) return -2;
  seg_vm_opts o = {.threads = threads, .want_members = 1};
  int rc = seg_vm_run_opts(p, &u, &o, r, err, errlen);
  seg_table_free(&u);
  return rc;
}

static void put_u32(const char *path, long at, uint32_t v) {
  FILE *f = fopen(path, "r+b");
  if (!f || fseek(f, at, SEEK_SET) != 0 || fwrite(&v, 4, 1, f) != 1) exit(2);
  fclose(f);
}

/* Stores column col's checksum afresh in a .segcol (and the header's CRC),
** as a hostile file would carry it: what the column's arrays hold now is
** then what seg_col_check's own checks, not the hash, must refuse. */
static void rehash_column(const char *path, int col) {
  FILE *f = fopen(path, "r+b");
  if (!f || fseek(f, 0, SEEK_END) != 0) exit(2);
  long size = ftell(f);
  unsigned char *b = malloc((size_t)size);
  if (!b || fseek(f, 0, SEEK_SET) != 0 || fread(b, 1, (size_t)size, f) != (size_t)size) exit(2);
  uint64_t hlen, off, len, h;
  memcpy(&hlen, b + 24, 8);
  size_t p = 32;
  for (int k = 0; k < col; k++) p += 2 + (size_t)(b[p] | b[p + 1] << 8) + 14 + 72;
  p += 2 + (size_t)(b[p] | b[p + 1] << 8) + 14;          /* the column's four (offset, length) pairs */
  XXH3_state_t st;
  XXH3_64bits_reset(&st);
  for (int k = 0; k < 4; k++) {
    memcpy(&off, b + p + 16 * k, 8);
    memcpy(&len, b + p + 16 * k + 8, 8);
    XXH3_64bits_update(&st, b + off, (size_t)len);
  }
  h = XXH3_64bits_digest(&st);
  memcpy(b + p + 64, &h, 8);
  uint32_t crc = seg_crc32(0, b, (size_t)hlen - 4);
  memcpy(b + hlen - 4, &crc, 4);
  if (fseek(f, 0, SEEK_SET) != 0 || fwrite(b, 1, (size_t)hlen, f) != (size_t)hlen) exit(2);
  fclose(f);
  free(b);
}

static void copy_file(const char *src, const char *dst, long flip_at) {
  FILE *f = fopen(src, "rb"), *g = fopen(dst, "wb");
  if (!f || !g) exit(2);
  char buf[1 << 16];
  size_t n;
  long at = 0;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    if (flip_at >= at && flip_at < at + (long)n) buf[flip_at - at] ^= 0x10;
    at += (long)n;
    if (fwrite(buf, 1, n, g) != n) exit(2);
  }
  fclose(f);
  fclose(g);
}

static void test_late_checks(void) {
  const size_t n = 6000;                  /* three batches */
  seg_table t;
  table_init(&t, n);
  seg_column *id = add_col(&t, "id", SEG_INT, 0), *em = add_col(&t, "email", SEG_TEXT, 0);
  char **vals = malloc(n * sizeof *vals);
  if (!vals) exit(2);
  for (size_t i = 0; i < n; i++) {
    char b[64];
    snprintf(b, sizeof b, i % 7 ? "u%zu@x.se" : "v%zu7@y.no", i);
    vals[i] = strdup(i % 13 ? b : "");
    set_i(id, i, (int64_t)i);
    if (i % 13) set_t(em, i, (uint32_t)i);
  }
  set_dict(em, (const char *const *)vals, (uint32_t)n);
  char dir[] = "/tmp/seg_test_vm_XXXXXX", path[64], bad[64];
  if (!mkdtemp(dir)) exit(2);
  snprintf(path, sizeof path, "%s/t.segcol", dir);
  snprintf(bad, sizeof bad, "%s/bad.segcol", dir);
  char err[256];
  check(seg_col_write(&t, path, err, sizeof err) == 0, "late checks: the table is written");
  run R;
  /* a: a batch's codes as a range; d: the rows of a selection, one by one */
  if (run_rules(&t, "segment a = email ends with \"@x.se\"\nsegment b = email contains \"7@\"\nsegment c = id > 100\n"
                    "segment d = id > 1000 and email ends with \".no\"\n",
                &R) != 0) {
    check(0, "late checks: the rules compile and run");
    return;
  }
  seg_result r1, r2;
  int rc1 = run_file(&R.c.prog, path, 1, &r1, err, sizeof err), rc2 = run_file(&R.c.prog, path, 2, &r2, err, sizeof err);
  int same = rc1 == 0 && rc2 == 0;
  for (uint32_t s = 0; same && s < R.c.prog.nsegs; s++)
    same = r1.counts[s] == R.r.counts[s] && r2.counts[s] == R.r.counts[s] &&
           memcmp(r2.members[s], R.r.members[s], (n + 63) / 64 * 8) == 0;
  check(same, "late checks: 1 and 2 threads on the .segcol count what the table in memory counts");
  if (rc1 == 0) seg_result_free(&r1);
  if (rc2 == 0) seg_result_free(&r2);

  /* where the column's arrays are in the file */
  seg_table u;
  long bytes_at = -1, offs_at = -1;
  if (seg_col_open(path, &u, err, sizeof err) == 0) {
    bytes_at = (long)(u.cols[1].dict_bytes - (char *)u.backing);
    offs_at = (long)((char *)u.cols[1].dict_off - (char *)u.backing);
    seg_table_free(&u);
  }
  for (unsigned th = 1; th <= 2; th++) {
    char what[400];
    copy_file(path, bad, bytes_at + 1000);
    memset(err, 0, sizeof err);
    int rc = run_file(&R.c.prog, bad, th, &r1, err, sizeof err);
    snprintf(what, sizeof what, "late checks, %u thread(s): a flipped text byte is refused (%s)", th, err);
    check(rc == -1 && strstr(err, "checksum mismatch in column 'email'") != NULL, what);
    /* offset 2000 far past the bytes: a value that would be read from
    ** outside the column, with a checksum that matches (a hostile file):
    ** the offset checks, not the hash, refuse it */
    copy_file(path, bad, -1);
    put_u32(bad, offs_at + 2000 * 4, UINT32_MAX - 16);
    rehash_column(bad, 1);
    memset(err, 0, sizeof err);
    rc = run_file(&R.c.prog, bad, th, &r1, err, sizeof err);
    snprintf(what, sizeof what, "late checks, %u thread(s): offsets that decrease are refused (%s)", th, err);
    check(rc == -1 && strstr(err, "corrupt column 'email': dictionary offsets decrease") != NULL, what);
    run R2;                                  /* the e-mails only under a selection: row by row */
    if (run_rules(&t, "segment d = id > 1000 and (email ends with \".no\" or id < 5)\n", &R2) == 0) {
      memset(err, 0, sizeof err);
      rc = run_file(&R2.c.prog, bad, th, &r1, err, sizeof err);
      snprintf(what, sizeof what, "late checks, %u thread(s), selected rows: offsets that decrease are refused (%s)", th, err);
      check(rc == -1 && strstr(err, "corrupt column 'email': dictionary offsets decrease") != NULL, what);
      run_free(&R2);
    }
    setenv("SEG_TEXT_ROWS", "never", 1);     /* a table per value: the dictionary read whole */
    memset(err, 0, sizeof err);
    rc = run_file(&R.c.prog, bad, th, &r1, err, sizeof err);
    unsetenv("SEG_TEXT_ROWS");
    snprintf(what, sizeof what, "late checks, %u thread(s), dictionary: offsets that decrease are refused (%s)", th, err);
    check(rc == -1 && strstr(err, "corrupt column 'email': dictionary offsets decrease") != NULL, what);
  }
  /* a column left unread in a CSV is refused before any row is read */
  id->unread = 1;
  {
    seg_vm_opts o = {.threads = 2};
    memset(err, 0, sizeof err);
    int rc = seg_vm_run_opts(&R.c.prog, &t, &o, &r1, err, sizeof err);
    check(rc == -1 && strstr(err, "column 'id' was left unread") != NULL, "late checks: an unread column is refused");
    if (rc == 0) seg_result_free(&r1);
  }
  id->unread = 0;
  remove(path);
  remove(bad);
  rmdir(dir);
  run_free(&R);
  for (size_t i = 0; i < n; i++) free(vals[i]);
  free(vals);
  seg_table_free(&t);
}

/* seg_col_empty: a block of words at a time, stopping at a value; a value
** anywhere (the first row, a block's last word, the last row) makes the
** column non-empty, a bit past the last row does not. */
static void test_col_empty(void) {
  static const size_t sizes[] = {1, 63, 64, 65, 4095, 4097, 4160, 4161, 10000};
  int ok = 1;
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    size_t n = sizes[i];
    seg_table t;
    table_init(&t, n + 64);                 /* room for a bit past the last row */
    seg_column *c = add_col(&t, "x", SEG_INT, 0);
    ok &= seg_col_empty(c, n) == 1;
    if (n % 64) {
      set_valid(c, n);                      /* past the last row: still empty */
      ok &= seg_col_empty(c, n) == 1;
      c->valid[n / 64] = 0;
    }
    static const size_t at[] = {0, 63, 64, 4031, 4032, 4095, 4096, 9999};
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
      size_t rows[2] = {at[k], n - 1};
      for (int r = 0; r < 2; r++) {
        if (rows[r] >= n) continue;
        set_valid(c, rows[r]);
        if (seg_col_empty(c, n) != 0) {
          printf("# seg_col_empty: %zu rows, a value at row %zu: said empty\n", n, rows[r]);
          ok = 0;
        }
        c->valid[rows[r] / 64] = 0;
      }
    }
    seg_table_free(&t);
  }
  check(ok, "seg_col_empty: a value anywhere is seen, a bit past the last row is not");
}

int main(void) {
  test_truth_tables();
  test_compare();
  test_overflow();
  test_text();
  static const size_t sizes[] = {5000, 1, 63, 64, 65, 2047, 2048, 2049, 4096, 6145};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) test_batches(sizes[i]);
  test_boundaries();
  test_late_checks();
  test_col_empty();
  return failures ? 1 : 0;
}
