/*
** test_compile.c -- the compiler pipeline (seg_compile) against a small
** schema: clean programs verify, each kind of mistake gets its code and
** message, several mistakes are all reported, and seg_program_verify rejects
** corrupted bytecode.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"
#include "compile.h"
#include "program.h"
#include "sema.h"

#define TODAY 20780

static int failures;

static void check(int cond, const char *what) {
  printf("%s - %s\n", cond ? "ok" : "not ok", what);
  if (!cond) failures++;
}

static const char *const col_names[] = {"age", "income", "city", "signup", "vip", "Annual Income"};
static const seg_type col_types[] = {SEG_INT, SEG_NUM, SEG_TEXT, SEG_DATE, SEG_BOOL, SEG_INT};
static const seg_schema_view schema = {.ncols = 6, .names = col_names, .types = col_types, .may_be_missing = NULL};

static void dump(const seg_compiled *c) {
  for (size_t i = 0; i < c->diags.n; i++)
    printf("#   %d:%d-%d:%d %s %s\n", c->diags.v[i].loc.first_line, c->diags.v[i].loc.first_column,
           c->diags.v[i].loc.last_line, c->diags.v[i].loc.last_column, c->diags.v[i].code, c->diags.v[i].msg);
}

static int compile(const char *src, seg_compiled *c) {
  return seg_compile(src, strlen(src), &schema, TODAY, c);
}

/* A clean program: rc 0, no diagnostics, ok, verifies, nsegs segments. */
static void clean(const char *what, const char *src, uint32_t nsegs) {
  seg_compiled c;
  int rc = compile(src, &c);
  char err[256] = "";
  int v = rc == 0 && c.ok ? seg_program_verify(&c.prog, err, sizeof err) : -2;
  int ok = rc == 0 && c.ok && c.diags.nerrors == 0 && v == 0 && c.prog.nsegs == nsegs && c.prog.ncode > 0;
  if (!ok) {
    printf("#   rc %d ok %d verify %d (%s) nsegs %u\n", rc, c.ok, v, err, c.prog.nsegs);
    dump(&c);
  }
  check(ok, what);
  seg_compiled_free(&c);
}

typedef struct want_diag {
  const char *code;
  int line, col;          /* 0: do not check */
  const char *needle;     /* substring of the message, or NULL */
} want_diag;

/* rc and the diagnostics (in order) must be exactly `want`. */
static void errors(const char *what, const char *src, const want_diag *want, int nwant) {
  seg_compiled c;
  int rc = compile(src, &c);
  int ok = rc == nwant && (int)c.diags.n == nwant && c.diags.nerrors == nwant && !c.ok;
  for (int i = 0; ok && i < nwant; i++) {
    const seg_diag *d = &c.diags.v[i];
    ok = d->sev == SEG_SEV_ERROR && strcmp(d->code, want[i].code) == 0 &&
         (!want[i].line || d->loc.first_line == want[i].line) &&
         (!want[i].col || d->loc.first_column == want[i].col) &&
         (!want[i].needle || strstr(d->msg, want[i].needle) != NULL);
  }
  if (!ok) {
    printf("#   rc %d, %zu diagnostics, want %d\n", rc, c.diags.n, nwant);
    dump(&c);
  }
  check(ok, what);
  seg_compiled_free(&c);
}

/* ---- verifier ---------------------------------------------------- */

typedef struct mut {
  seg_program p;
  seg_insn *code;
} mut;

static void mut_init(mut *m, const seg_program *src) {
  m->p = *src;
  m->code = malloc(src->ncode * sizeof *m->code);
  if (!m->code) exit(2);
  memcpy(m->code, src->code, src->ncode * sizeof *m->code);
  m->p.code = m->code;
}

static void mut_reset(mut *m, const seg_program *src) {
  m->p = *src;
  memcpy(m->code, src->code, src->ncode * sizeof *m->code);
  m->p.code = m->code;
}

static int find_op(const seg_program *p, seg_opcode op) {
  for (uint32_t i = 0; i < p->ncode; i++)
    if (p->code[i].op == op) return (int)i;
  return -1;
}

static int find_fmt(const seg_program *p, int operand, char kind) {
  for (uint32_t i = 0; i < p->ncode; i++)
    if (p->code[i].op < SEG_OP_COUNT && seg_ops[p->code[i].op].format[operand] == kind) return (int)i;
  return -1;
}

static void rejects(const char *what, const mut *m) {
  char err[256] = "";
  int rc = seg_program_verify(&m->p, err, sizeof err);
  if (rc != -1) printf("#   verify returned %d\n", rc);
  else printf("#   verify: %s\n", err);
  check(rc == -1 && err[0] != 0, what);
}

static void test_verify(void) {
  const char *src =
      "segment a = age > 30 and (vip or income in 1.5..9.5)\n"
      "segment b = a or city = \"Malmö\" and signup within 30 days\n"
      "segment c = age in (1, 2, 3) and not b\n";
  seg_compiled c;
  int rc = compile(src, &c);
  check(rc == 0 && c.ok, "verify: the base program compiles");
  if (rc != 0 || !c.ok) {
    dump(&c);
    seg_compiled_free(&c);
    return;
  }
  const seg_program *P = &c.prog;
  mut m;
  mut_init(&m, P);
  char err[256];
  check(seg_program_verify(&m.p, err, sizeof err) == 0, "verify: an unmodified copy passes");

  int i;
  if ((i = find_fmt(P, 0, 'R')) >= 0) {
    m.code[i].a = (uint16_t)P->nregs;
    rejects("verify: destination register == nregs is rejected", &m);
    mut_reset(&m, P);
    m.code[i].a = 65535;
    rejects("verify: destination register 65535 is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_fmt(P, 1, 'R')) >= 0) {
    m.code[i].b = P->nregs + 7;
    rejects("verify: source register out of range is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_op(P, SEG_OP_AND)) >= 0) {
    m.code[i].c = P->nregs;
    rejects("verify: AND's second register out of range is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_fmt(P, 1, 'C')) >= 0) {
    m.code[i].b = P->ncols;
    rejects("verify: column index == ncols is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_fmt(P, 2, 'K')) >= 0) {
    m.code[i].c = P->nki + 100;
    rejects("verify: int constant index out of range is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_fmt(P, 2, 'M')) >= 0) {
    m.code[i].c = P->nmaps;
    rejects("verify: text map index out of range is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_fmt(P, 2, 'M')) >= 0 && P->ncols > 1) {
    m.code[i].b = m.code[i].b == 0 ? 1 : 0;       /* a map read with another column's codes */
    rejects("verify: a text map read with another column's codes is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_op(P, SEG_OP_EMIT)) >= 0) {
    m.code[i].a = (uint16_t)P->nsegs;
    rejects("verify: EMIT segment index out of range is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_op(P, SEG_OP_EMIT)) >= 0 && P->nsegs >= 2) {
    m.code[i].a = (uint16_t)(m.code[i].a == 0 ? 1 : 0);        /* one segment twice, one never */
    rejects("verify: a segment counted twice (and one never) is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_op(P, SEG_OP_IN_IK)) >= 0) {
    m.code[i].d = P->nki - m.code[i].c + 1;
    rejects("verify: IN_IK reading past the constants is rejected", &m);
    mut_reset(&m, P);
  }
  i = find_op(P, SEG_OP_SEL_NF);
  check(i >= 0 && P->maxdepth >= 1, "verify: the base program narrows the selection");
  if (i >= 0) {
    m.code[i].b = (uint32_t)i;
    rejects("verify: a jump to itself (backwards) is rejected", &m);
    mut_reset(&m, P);
    m.code[i].b = 0;
    rejects("verify: a jump to address 0 is rejected", &m);
    mut_reset(&m, P);
    m.code[i].b = P->ncode;
    rejects("verify: a jump past the end is rejected", &m);
    mut_reset(&m, P);
    m.code[i].b = (uint32_t)i + 1;     /* forward, but not a SEL_POP */
    if (P->code[i + 1].op != SEG_OP_SEL_POP) rejects("verify: a jump not landing on SEL_POP is rejected", &m);
    mut_reset(&m, P);
    uint32_t pop = P->code[i].b;
    m.code[pop].op = SEG_OP_KB;        /* the matching pop turned into something else */
    m.code[pop].a = 0;
    m.code[pop].b = 0;
    rejects("verify: a removed SEL_POP is rejected", &m);
    mut_reset(&m, P);
    m.p.maxdepth = 0;
    rejects("verify: maxdepth smaller than the real nesting is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_op(P, SEG_OP_SEL_POP)) >= 0) {
    /* an extra pop at the start: pops an empty stack */
    m.code[0].op = SEG_OP_SEL_POP;
    m.code[0].a = m.code[0].b = m.code[0].c = m.code[0].d = 0;
    rejects("verify: SEL_POP without a selection is rejected", &m);
    mut_reset(&m, P);
  }
  m.code[0].op = SEG_OP_COUNT;
  rejects("verify: opcode SEG_OP_COUNT is rejected", &m);
  mut_reset(&m, P);
  m.code[P->ncode - 1].op = 0xFFFF;
  rejects("verify: opcode 0xFFFF is rejected", &m);
  mut_reset(&m, P);
  {
    int k = find_op(P, SEG_OP_KB);
    if (k < 0) {
      k = 0;
      m.code[0] = (seg_insn){SEG_OP_KB, 0, 0, 0, 0};
    }
    m.code[k].b = 3;
    rejects("verify: KB with a truth value 3 is rejected", &m);
    mut_reset(&m, P);
  }
  if ((i = find_op(P, SEG_OP_AND)) >= 0) {
    /* a register nothing wrote yet: stale contents of an earlier batch */
    m.p.nregs = P->nregs + 1;
    m.code[i].c = P->nregs;
    rejects("verify: reading a register no instruction wrote is rejected", &m);
    mut_reset(&m, P);
  }
  check(seg_program_verify(P, err, sizeof err) == 0, "verify: the original program is untouched and still passes");
  free(m.code);
  seg_compiled_free(&c);
}

/* Issue 10: `vip in (true)` ran IN_IK over COL_B's condition bytes, reading
** whatever an earlier instruction had left in the register's int lanes. The
** verifier now checks register kinds; codegen compiles a bool `in` as `=`s. */
static void test_verify_kinds(void) {
  seg_compiled c;
  int rc = compile("segment s = age + 1 in (2, 3)\nsegment t = vip in (true, false)\n", &c);
  check(rc == 0 && c.ok, "verify kinds: the base program compiles");
  if (rc != 0 || !c.ok) {
    dump(&c);
    seg_compiled_free(&c);
    return;
  }
  const seg_program *P = &c.prog;
  int i = find_op(P, SEG_OP_IN_IK), v = -1;
  for (uint32_t k = 0; k < P->ncols; k++)
    if (strcmp(P->colnames[k], "vip") == 0) v = (int)k;
  check(i > 0 && v >= 0, "verify kinds: `age + 1 in (...)` is an IN_IK after the addition");
  int inik = 0;
  for (uint32_t k = 0; k < P->ncode; k++) inik += P->code[k].op == SEG_OP_IN_IK;
  check(inik == 1, "verify kinds: `vip in (true, false)` is not compiled to IN_IK");
  if (i > 0 && v >= 0) {
    mut m;
    mut_init(&m, P);
    m.code[i - 1] = (seg_insn){SEG_OP_COL_B, m.code[i].b, (uint32_t)v, 0, 0};
    rejects("verify kinds: IN_IK over a bool column's condition register is rejected", &m);
    free(m.code);
  }
  seg_compiled_free(&c);
}

int main(void) {
  clean("clean: one comparison", "segment s = age > 30\n", 1);
  clean("clean: every kind of predicate",
        "# a comment\n"
        "let limit = 40\n"
        "segment young \"under the limit\" = age < limit and vip\n"
        "segment rich = income >= 100.5 or `Annual Income` 50..\n"
        "segment nordic = city in (\"Malmö\", 'Oslo') or city starts with \"Göte\"\n"
        "segment recent = signup within 90 days and not (signup is missing)\n"
        "segment old = signup more than 1 year ago or signup before 2020-01-01\n"
        "segment mix = (young or rich) and not nordic and age / 2 > 10\n"
        "segment text = lower(city) matches \"^g\" and length(city) > 3\n"
        "segment dates = year(signup) = 2026 and days_since(signup) between 0 and 30\n",
        8);
  clean("clean: case-insensitive keywords and references", "SEGMENT a = age > 1\nSegment b = a AND NOT vip\n", 2);

  {
    want_diag w[] = {{"E0102", 1, 13, "did you mean 'age'"}};
    errors("misspelt column: E0102 at 1:13 with \"did you mean 'age'\"", "segment s = agee > 30\n", w, 1);
  }
  {
    want_diag w[] = {{"E0102", 1, 13, "did you mean 'income'"}};
    errors("misspelt column: E0102 suggests 'income'", "segment s = incme > 3\n", w, 1);
  }
  {
    want_diag w[] = {{"E0102", 1, 13, "zzzzzzzz"}};
    errors("unknown column far from every name: E0102", "segment s = zzzzzzzz > 3\n", w, 1);
    seg_compiled c;
    compile("segment s = zzzzzzzz > 3\n", &c);
    check(c.diags.n == 1 && strstr(c.diags.v[0].msg, "did you mean") == NULL,
          "unknown column far from every name: no suggestion");
    seg_compiled_free(&c);
  }
  {
    want_diag w[] = {{"E0103", 1, 0, NULL}};
    errors("type mismatch int vs text: E0103", "segment s = age > \"thirty\"\n", w, 1);
    errors("type mismatch text vs int: E0103", "segment s = city = 5\n", w, 1);
    errors("type mismatch: arithmetic on a condition: E0103", "segment s = vip + 1 > 2\n", w, 1);
  }
  {
    want_diag w[] = {{"E0105", 0, 0, "a -> b -> a"}};
    errors("cycle: one E0105 naming a -> b -> a", "segment a = b and age > 1\nsegment b = a or vip\n", w, 1);
  }
  {
    want_diag w[] = {{"E0105", 1, 0, "itself"}};
    errors("self reference: E0105", "segment a = a or vip\n", w, 1);
  }
  {
    want_diag w[] = {{"E0001", 1, 0, NULL}};
    errors("syntax error: missing operand gives E0001", "segment s = age >\n", w, 1);
    errors("syntax error: unclosed parenthesis gives E0001", "segment s = (age > 1\n", w, 1);
  }
  {
    want_diag w[] = {{"E0102", 1, 13, "did you mean 'age'"}, {"E0103", 2, 0, NULL}, {"E0001", 3, 19, "expected a value after '>', found 'and'"}};
    errors("three independent mistakes on three lines: three diagnostics in line order",
           "segment a = agee > 5\n"
           "segment b = city > 5\n"
           "segment c = age > and vip\n"
           "segment d = age > 5\n",
           w, 3);
  }
  {
    want_diag w[] = {{"E0102", 1, 13, "did you mean 'age'"}, {"E0102", 1, 26, "did you mean 'city'"},
                     {"E0103", 2, 0, NULL}};
    errors("three mistakes, two on one line: three diagnostics",
           "segment a = agee > 5 and citty = 'x'\n"
           "segment b = vip + 1 > 2\n",
           w, 3);
  }
  {
    want_diag w[] = {{"E0104", 1, 13, "unknown function"}};
    errors("unknown function: E0104", "segment s = foo(age) > 1\n", w, 1);
  }
  {
    want_diag w[] = {{"E0108", 2, 9, "already defined"}};
    errors("duplicate segment name: E0108 at the second name", "segment s = age > 1\nsegment s = vip\n", w, 1);
  }
  test_verify();
  test_verify_kinds();
  return failures ? 1 : 0;
}
