/*
** test_segc.c -- the .segc loader in process: a round trip gives the same
** counts; every truncation and every single-byte change (four patterns at
** every offset) is refused with a message, or -- with the CRC off --
** either refused by the verifier or loaded as a program the VM runs; and
** hand-broken programs get the verifier's named errors. Run it under the
** ASan/UBSan build: "never undefined behaviour" is what it checks.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "import.h"
#include "measure.h"
#include "tiers.h"
#include "schema.h"
#include "segc.h"
#include "vm.h"

#define TODAY 20780

static int failures;

static void check(int cond, const char *what) {
  printf("%s - %s\n", cond ? "ok" : "not ok", what);
  if (!cond) failures++;
}

static const char *RULES =
  "let pre = \"h\"\n"
  "segment a \"desc\" = (age > 30 and total_spend < 500.5) or length(first_name) > 6\n"
  "segment b = city starts with pre and not email_opt_in and last_purchase within 90 days\n"
  "segment c = country in (\"SE\", \"NO\") and purchases_90d in (1, 2, 3) and a\n"
  "segment d = total_spend + length(city) > 700 or age between 20 and 25\n"
  "require email_opt_in is not false\n"
  "measure m1 = sum(total_spend where age > 30) / count()\n"
  "measure m2 = median(age)\n"
  "priority p = c, a, b, else rest\n"
  "priority q = d, a\n";

static seg_table table;
static seg_schema schema;
static seg_schema_view view;

static int compile(seg_compiled *c) {
  return seg_compile(RULES, strlen(RULES), &view, TODAY, c);
}

static char *save(const seg_compiled *c, size_t *len) {
  seg_segc_info info = {1, 1, TODAY};
  char *bytes = NULL, err[256];
  if (seg_segc_save(&c->prog, &info, &bytes, len, err, sizeof err) != 0) printf("#   save: %s\n", err);
  return bytes;
}

/* Loads buf; when it loads, binds it to the table and runs it. Returns
** 0 loaded and ran, 1 refused with a message, -1 refused without one. */
static int try_load(const char *buf, size_t len, int skip_crc, char *err, size_t errlen) {
  seg_program c;
  err[0] = 0;
  if (seg_segc_load_ex(buf, len, skip_crc, NULL, &c, err, errlen) != 0) return err[0] ? 1 : -1;
  seg_result res;
  char e2[256];
  if (seg_segc_bind(&c, &view, e2, sizeof e2) == 0 && seg_vm_run(&c, &table, 1, &res, e2, sizeof e2) == 0)
    seg_result_free(&res);
  seg_program_free(&c);
  return 0;
}

/* Saves c after edit() changed its code, loads it: the error must contain want. */
static void broken(const char *what, seg_compiled *c, const char *want) {
  size_t len;
  char *bytes = save(c, &len), err[256] = "";
  seg_program back;
  int rc = bytes ? seg_segc_load(bytes, len, NULL, &back, err, sizeof err) : 0;
  if (rc == 0 && bytes) seg_program_free(&back);
  int ok = rc != 0 && strstr(err, want) != NULL;
  if (!ok) printf("#   want '%s', got rc %d '%s'\n", want, rc, err);
  check(ok, what);
  free(bytes);
}

static int find_op(const seg_program *p, const char *fmtchar, int pos) {
  for (uint32_t pc = 0; pc < p->ncode; pc++)
    if (seg_ops[p->code[pc].op].format[pos] == fmtchar[0]) return (int)pc;
  return -1;
}

int main(void) {
  char err[512];
  if (seg_import_csv("examples/customers.csv", NULL, &table, err, sizeof err) != 0 ||
      seg_schema_from_table(&table, &schema) != 0) {
    printf("not ok - import examples/customers.csv: %s\n", err);
    return 1;
  }
  view = (seg_schema_view){.ncols = schema.ncols, .names = (const char *const *)schema.names, .types = schema.types, .may_be_missing = NULL};

  seg_compiled c;
  int rc = compile(&c);
  check(rc == 0 && c.ok, "rules compile");
  if (rc != 0) return 1;
  seg_result want;
  check(seg_vm_run(&c.prog, &table, 1, &want, err, sizeof err) == 0, "rules run");

  size_t len;
  char *bytes = save(&c, &len);
  check(bytes != NULL, "save");
  if (!bytes) return 1;

  /* round trip */
  seg_program back;
  seg_segc_info info;
  rc = seg_segc_load(bytes, len, &info, &back, err, sizeof err);
  if (rc != 0) printf("#   %s\n", err);
  check(rc == 0 && info.today == TODAY && info.uses_today && info.today_pinned, "load, with its date");
  if (rc == 0) {
    seg_result got;
    int same = seg_segc_bind(&back, &view, err, sizeof err) == 0 &&
               seg_vm_run(&back, &table, 1, &got, err, sizeof err) == 0 && got.nsegs == want.nsegs;
    for (uint32_t s = 0; same && s < got.nsegs; s++) same = got.counts[s] == want.counts[s];
    check(same && back.nmaps == c.prog.nmaps && back.nmaps >= 3, "round trip: same counts");
    /* the measures and the guard travel too: the same values */
    seg_measures m_want = {0}, m_got = {0};
    int msame = same && back.guard == c.prog.guard && back.guard != 0 && back.nmeasures == 2 &&
                seg_measures_compute(&c.prog, &table, &want, &m_want, err, sizeof err) == 0 &&
                seg_measures_compute(&back, &table, &got, &m_got, err, sizeof err) == 0;
    for (uint32_t k = 0; msame && k < m_want.nsegs * m_want.nmeasures; k++)
      msame = m_want.v[k].kind == m_got.v[k].kind && m_want.v[k].i == m_got.v[k].i &&
              m_want.v[k].scale == m_got.v[k].scale && memcmp(&m_want.v[k].f, &m_got.v[k].f, sizeof(double)) == 0;
    check(msame, "round trip: the same measures and guard");
    /* the priorities: names, tiers, else names and locations, and the same tier counts */
    int psame = same && back.nprios == 2 && back.ntiers == c.prog.ntiers && back.ntiers == 5;
    for (uint32_t k = 0; psame && k < back.nprios; k++) {
      const seg_priority *x = &back.prios[k], *y = &c.prog.prios[k];
      psame = strcmp(x->name, y->name) == 0 && x->first == y->first && x->n == y->n &&
              (x->else_name ? y->else_name && strcmp(x->else_name, y->else_name) == 0 : !y->else_name) &&
              x->loc.first_line == y->loc.first_line && x->else_loc.first_column == y->else_loc.first_column;
    }
    for (uint32_t t = 0; psame && t < back.ntiers; t++)
      psame = back.tiers[t].seg == c.prog.tiers[t].seg && back.tiers[t].loc.first_column == c.prog.tiers[t].loc.first_column;
    seg_tiers t_want = {0}, t_got = {0};
    psame = psame && seg_tiers_compute(&c.prog, &want, NULL, 1, &t_want) == 0 &&
            seg_tiers_compute(&back, &got, NULL, 1, &t_got) == 0 && t_want.base == table.nrows;
    for (uint32_t k = 0; psame && k < back.ntiers + back.nprios; k++) psame = t_want.count[k] == t_got.count[k];
    for (uint32_t k = 0; psame && k < back.nprios; k++)
      psame = t_want.none[k] == t_got.none[k] && memcmp(t_want.of[k], t_got.of[k], table.nrows * sizeof(uint32_t)) == 0;
    check(psame && back.prios[0].else_name && strcmp(back.prios[0].else_name, "rest") == 0 && !back.prios[1].else_name,
          "round trip: the same priorities and tiers");
    /* each customer in exactly one tier of p (else present): the tiers and in-no-tier add up */
    uint64_t sum = 0;
    for (uint32_t i = 0; psame && i <= back.prios[0].n; i++) sum += seg_tiers_count(&t_got, &back, 0, i);
    check(psame && sum + t_got.none[0] == table.nrows && t_got.none[0] == table.nrows - want.counts[back.guard - 1],
          "tiers add up: the guard's outcasts are the only ones in no tier of p");
    seg_tiers_free(&t_want);
    seg_tiers_free(&t_got);
    /* a tier naming a segment out of bounds, or tiers no priority covers: refused */
    if (back.ntiers) {
      uint32_t keep = back.tiers[0].seg;
      back.tiers[0].seg = back.nsegs;
      check(seg_program_verify(&back, err, sizeof err) == -1 && strstr(err, "tier 0 names segment"),
            "verify refuses a tier out of bounds");
      back.tiers[0].seg = keep;
      back.prios[1].n--;
      check(seg_program_verify(&back, err, sizeof err) == -1 && strstr(err, "belong to no priority"),
            "verify refuses tiers outside every priority");
      back.prios[1].n++;
    }
    seg_measures_free(&m_want);
    seg_measures_free(&m_got);
    if (same) seg_result_free(&got);
    seg_program_free(&back);
  }

  /* every truncation: refused with a message */
  int bad = 0;
  for (size_t n = 0; n < len; n++) {
    int r = try_load(bytes, n, 0, err, sizeof err);
    if (r != 1) { if (bad++ < 5) printf("#   truncated to %zu: rc %d '%s'\n", n, r, err); }
    r = try_load(bytes, n, 1, err, sizeof err);
    if (r != 1) { if (bad++ < 5) printf("#   truncated to %zu, no CRC: rc %d '%s'\n", n, r, err); }
  }
  check(bad == 0, "every truncation is refused with a message");

  /* every byte changed, four ways */
  static const unsigned pats[] = {0x01, 0x80, 0xff, 0x3c};
  int crc_missed = 0, unclear = 0, ran = 0, refused = 0;
  char *m = malloc(len);
  for (size_t off = 0; m && off < len; off++)
    for (size_t k = 0; k < sizeof pats / sizeof *pats; k++) {
      memcpy(m, bytes, len);
      m[off] = (char)(m[off] ^ pats[k]);
      if (try_load(m, len, 0, err, sizeof err) != 1 && crc_missed++ < 5)
        printf("#   byte %zu ^ %#x passes the CRC\n", off, pats[k]);
      int r = try_load(m, len, 1, err, sizeof err);
      if (r < 0 && unclear++ < 5) printf("#   byte %zu ^ %#x: refused without a message\n", off, pats[k]);
      if (r == 0) ran++;
      else refused++;
    }
  free(m);
  printf("#   CRC off: %d changed files refused, %d loaded and ran\n", refused, ran);
  check(crc_missed == 0, "every changed byte fails the CRC");
  check(unclear == 0 && refused > 0, "CRC off: refused with a message, or ran (under ASan: without a report)");

  /* named verifier errors */
  seg_program *p = &c.prog;
  int j = find_op(p, "J", 1);
  if (j >= 0) {
    uint32_t keep = p->code[j].b;
    p->code[j].b = p->ncode + 3;
    char want_msg[64];
    snprintf(want_msg, sizeof want_msg, "corrupt: jump at instruction %d points past the end", j);
    broken("jump past the end", &c, want_msg);
    p->code[j].b = (uint32_t)j;
    broken("jump backwards", &c, "points backwards");
    p->code[j].b = p->ncode - 1;
    if (p->ncode - 1 != keep) broken("jump to another selection's SEL_POP", &c, "does not land on the SEL_POP closing its selection");
    p->code[j].b = keep;
  }
  int r = find_op(p, "R", 0);
  if (r >= 0) {
    uint16_t keep = p->code[r].a;
    p->code[r].a = (uint16_t)p->nregs;
    broken("register out of range", &c, "out of range");
    p->code[r].a = keep;
  }
  int kd = -1;
  for (uint32_t k = 0; k < p->ncode && kd < 0; k++)
    if (p->code[k].op == SEG_OP_KD) kd = (int)k;
  check(kd >= 0, "the rules compile to a decimal constant (KD)");
  if (kd >= 0) {
    uint32_t keep = p->code[kd].d;
    p->code[kd].d = 19;                          /* 10^19 is past int64 */
    broken("a decimal constant's scale past 18", &c, "operand d out of range");
    p->code[kd].d = keep;
  }
  int cc = find_op(p, "C", 1);
  if (cc >= 0) {
    uint32_t keep = p->code[cc].b;
    /* a column of another type than the opcode reads */
    uint32_t other = 0;
    while (other < p->ncols && (p->coltypes[other] == p->coltypes[keep] ||
                                (p->coltypes[other] == SEG_DATE && p->coltypes[keep] == SEG_INT) ||
                                (p->coltypes[other] == SEG_INT && p->coltypes[keep] == SEG_DATE)))
      other++;
    p->code[cc].b = other;
    broken("column of the wrong type", &c, "corrupt: instruction");
    p->code[cc].b = p->ncols + 7;
    broken("column out of range", &c, "out of range");
    p->code[cc].b = keep;
  }
  uint16_t keepop = p->code[0].op;
  p->code[0].op = SEG_OP_SEL_POP;             /* a pop before any push */
  broken("unbalanced selection", &c, "instruction 0: SEL_POP without a selection");
  p->code[0].op = keepop;

  /* the text maps' expressions, broken by hand: named, never evaluated */
  seg_xprog *x = &p->x;
  uint32_t root = p->maps[0].expr;
  seg_xnode keepn = x->n[root];
  if (x->n[root].a != SEG_XNONE) {
    x->n[root].a = root;
    broken("expression: a child not before its parent", &c, "a child that is not before it");
    x->n[root] = keepn;
  }
  if (x->n[root].a != SEG_XNONE && x->n[root].b != SEG_XNONE) {
    x->n[root].b = x->n[root].a;
    broken("expression: one node, two parents", &c, "a node with two parents");
    x->n[root] = keepn;
  }
  x->n[root].type = VT_DATE;
  broken("expression: a map of the wrong kind", &c, "corrupt: ");
  x->n[root] = keepn;
  x->n[root].kind = 200;
  broken("expression: an unknown kind", &c, "unknown kind");
  x->n[root] = keepn;
  for (uint32_t i = 0; i < x->nn; i++)
    if (x->n[i].kind == SEG_N_STR) {
      uint32_t keeps = x->n[i].str;
      x->n[i].str = x->npool + 5;
      broken("expression: a string outside the pool", &c, "bad string literal");
      x->n[i].str = keeps;
      break;
    }

  free(bytes);
  seg_result_free(&want);
  seg_compiled_free(&c);
  seg_schema_free(&schema);
  seg_table_free(&table);
  return failures ? 1 : 0;
}
