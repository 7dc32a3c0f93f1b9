/*
** verify.c -- the one bytecode verifier: what every program must satisfy
** before the VM runs it, whether the compiler just made it or a .segc
** file claims it. Every opcode property it checks comes from opcodes.def.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Register kinds (opcodes.def's third column): each read must find the
** register written, in program order, with a kind the reader accepts.
** kind[r]: 0 never written, 'i', 'f', 'd' (exact decimal), 'v' (missing:
** int or number), 't'. */
static const char *regs_check(const seg_insn *in, uint8_t *kind) {
  const char *rk = seg_ops[in->op].regs;
  uint32_t ops[4] = {in->a, in->b, in->c, in->d};
  for (int k = 0; k < 4; k++) {
    char want = rk[k];
    if (want < 'a' || want > 'z') continue;
    uint8_t have = kind[ops[k]];
    int ok = want == 't' ? have == 't' : want == 'v' ? have == 'i' || have == 'f' || have == 'v'
                                                     : have == (uint8_t)want || have == 'v';
    if (!have) return "reads a register no earlier instruction writes";
    if (!ok) return want == 't' ? "reads a value register as a condition" : "reads a register of another kind";
  }
  if (in->op == SEG_OP_COAL_V && kind[in->b] != 'v' && kind[in->c] != 'v' && kind[in->b] != kind[in->c])
    return "coalesces an int with a number";
  switch (rk[0]) {
  case 'I': kind[in->a] = 'i'; break;
  case 'F': kind[in->a] = 'f'; break;
  case 'D': kind[in->a] = 'd'; break;
  case 'T': kind[in->a] = 't'; break;
  case 'V': kind[in->a] = seg_ops[in->op].format[1] == 'R' && kind[in->b] != 'v' ? kind[in->b]
                          : in->op == SEG_OP_COAL_V ? kind[in->c] : 'v'; break;
  default: break;
  }
  return NULL;
}

/* The text maps: their expressions (seg_xprog_verify), each map of a
** text column and rooted at an expression of the map's own kind. */
static int verify_maps(const seg_program *p, char *err, size_t errlen) {
  int rc = seg_xprog_verify(&p->x, err, errlen);
  if (rc) return rc;
  for (uint32_t i = 0; i < p->x.nn; i++) {
    int32_t col = p->x.n[i].col;
    if (p->x.n[i].kind == SEG_N_NAME && (col < 0 || (uint32_t)col >= p->ncols || p->coltypes[col] != SEG_TEXT)) {
      snprintf(err, errlen, "expression node %u: column %d is not a text column", i, (int)col);
      return -1;
    }
  }
  for (uint32_t m = 0; m < p->nmaps; m++) {
    const seg_map *mp = &p->maps[m];
    if (mp->col >= p->ncols || p->coltypes[mp->col] != SEG_TEXT) {
      snprintf(err, errlen, "map m%u: column c%u is not a text column", m, mp->col);
      return -1;
    }
    if (mp->type != VT_BOOL && mp->type != VT_INT && mp->type != VT_NUM) {
      snprintf(err, errlen, "map m%u: a map gives a condition, an int or a number", m);
      return -1;
    }
    if (mp->expr >= p->x.nn || p->x.n[mp->expr].type != mp->type) {
      snprintf(err, errlen, "map m%u: its expression is not a %s", m, seg_vtype_name(mp->type));
      return -1;
    }
  }
  return 0;
}

/* The rankings: RVAL only in the first pass, to a source of its kind;
** NTILE / RTOP only in the second, of a use of its kind; no segment
** counted in the first pass. NULL when in order. */
static const char *rank_check(const seg_program *p, uint32_t pc, const seg_insn *in) {
  int pass1 = pc < p->npass1;
  switch ((seg_opcode)in->op) {
  case SEG_OP_RVAL_I: case SEG_OP_RVAL_F:
    if (!pass1) return "hands a value to a ranking outside the first pass";
    if (in->a >= p->nrsrc) return "no such ranking source";
    if (p->rsrc[in->a].isf != (in->op == SEG_OP_RVAL_F)) return "a ranking source of another kind";
    return NULL;
  case SEG_OP_NTILE_I: case SEG_OP_NTILE_F: case SEG_OP_RTOP_I: case SEG_OP_RTOP_F: {
    if (pass1) return "reads a ranking in the first pass";
    if (in->c >= p->nruse) return "no such ranking";
    const seg_ruse *u = &p->ruse[in->c];
    int ntile = in->op == SEG_OP_NTILE_I || in->op == SEG_OP_NTILE_F;
    int isf = in->op == SEG_OP_NTILE_F || in->op == SEG_OP_RTOP_F;
    if (u->src >= p->nrsrc || p->rsrc[u->src].isf != isf) return "a ranking of another kind";
    if (ntile != (u->kind == SEG_RK_NTILE)) return "an ntile read as a share, or a share as an ntile";
    return NULL;
  }
  default:
    if (pass1 && seg_ops[in->op].format[0] == 'S') return "counts a segment in the first pass";
    return NULL;
  }
}

static seg_vtype map_kind(char k) { return k == 'T' ? VT_BOOL : k == 'I' ? VT_INT : VT_NUM; }

int seg_program_verify(const seg_program *p, char *err, size_t errlen) {
  int mrc = verify_maps(p, err, errlen);
  if (mrc) return mrc;
  /* selections: each push is matched by a later SEL_POP; a jump out of a
  ** selection (SEL_NF/SEL_NT/JEMPTY) must land on the pop that closes the
  ** selection it is in, so the stack can never underflow */
  uint32_t *stack = malloc(((size_t)p->ncode + 1) * sizeof *stack);
  uint32_t *match = malloc(((size_t)p->ncode + 1) * sizeof *match);   /* pop pc -> push pc */
  uint32_t *owner = malloc(((size_t)p->ncode + 1) * sizeof *owner);   /* jump pc -> push pc */
  uint8_t *emits = NULL;                                                /* per segment */
  uint8_t *kind = calloc((size_t)p->nregs + 1, 1);                      /* per register */
  uint32_t depth = 0;
  int rc = -1;
  if (!stack || !match || !owner || !kind) {
    snprintf(err, errlen, "out of memory");
    rc = -2;
    goto out;
  }
  if (p->npass1 > p->ncode) {
    snprintf(err, errlen, "the first pass ends at instruction %u, past the end", p->npass1);
    goto out;
  }
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    const seg_insn *in = &p->code[pc];
    if (pc == p->npass1 && pc > 0) {
      /* pass 2 starts afresh: no selection, no register carried over */
      if (depth != 0) {
        snprintf(err, errlen, "unbalanced selection stack at the end of the first pass");
        goto out;
      }
      memset(kind, 0, (size_t)p->nregs + 1);
    }
    if (in->op < SEG_OP_COUNT) {
      const char *rbad = rank_check(p, pc, in);
      if (rbad) {
        snprintf(err, errlen, "instruction %u (%s): %s", pc, seg_ops[in->op].name, rbad);
        goto out;
      }
    }
    if (in->op >= SEG_OP_COUNT) {
      snprintf(err, errlen, "instruction %u: invalid opcode %u", pc, in->op);
      goto out;
    }
    const char *fmt = seg_ops[in->op].format;
    uint32_t ops[4] = {in->a, in->b, in->c, in->d};
    for (int k = 0; k < 4; k++) {
      uint64_t v = ops[k], lim = UINT64_MAX;
      switch (fmt[k]) {
      case 'R': lim = p->nregs; break;
      case 'C': lim = p->ncols; break;
      case 'M': lim = p->nmaps; break;
      case 'K': lim = p->nki; break;
      case 'F': lim = p->nkf; break;
      case 'S': lim = seg_program_slots(p); break;
      case 'J':
        if (v <= pc || v >= p->ncode || (pc < p->npass1 && v >= p->npass1)) {
          snprintf(err, errlen, "jump at instruction %u points %s", pc, v <= pc ? "backwards" : "past the end");
          goto out;
        }
        break;
      case 'N':
        if (k > 0 && (fmt[k - 1] == 'K' || fmt[k - 1] == 'F')) {   /* a count of constants from c */
          uint64_t base = in->c, cap = fmt[k - 1] == 'K' ? p->nki : p->nkf;
          if (base + v > cap && v > 0) lim = 0;
        } else if (in->op == SEG_OP_KB && v > SEG_TRUE) lim = 0;
        else if (in->op == SEG_OP_KD && v > 18) lim = 0;                   /* a decimal's scale */
        else if (in->op == SEG_OP_BKT && k == 2 && v > 1) lim = 0;          /* int or date */
        else if (in->op == SEG_OP_BKT && k == 3 && (v >= p->x.nn || p->x.n[v].kind != SEG_N_STR)) lim = 0;   /* the salt */
        break;
      default: break;
      }
      if (v >= lim) {
        snprintf(err, errlen, "instruction %u (%s): operand %c out of range (%llu)", pc,
                 seg_ops[in->op].name, "abcd"[k], (unsigned long long)v);
        goto out;
      }
    }
    const char *bad = regs_check(in, kind);
    if (bad) {
      snprintf(err, errlen, "instruction %u (%s): %s", pc, seg_ops[in->op].name, bad);
      goto out;
    }
    const seg_opinfo *oi = &seg_ops[in->op];
    if (fmt[1] == 'C' && !seg_op_reads_type(oi, p->coltypes[in->b])) {
      snprintf(err, errlen, "instruction %u (%s): column c%u '%s' is %s", pc, oi->name, in->b,
               p->colnames[in->b], seg_type_name(p->coltypes[in->b]));
      goto out;
    }
    if (fmt[2] == 'M' && (oi->map == '-' || fmt[1] != 'C')) {
      snprintf(err, errlen, "instruction %u (%s): a text map without its column and kind", pc, oi->name);
      goto out;
    }
    if (fmt[2] == 'M' && (p->maps[in->c].col != in->b || p->maps[in->c].type != map_kind(oi->map))) {
      /* a map is indexed by the codes of its own column */
      snprintf(err, errlen, "instruction %u (%s): map m%u is not a %s map of column c%u", pc, oi->name, in->c,
               seg_vtype_name(map_kind(oi->map)), in->b);
      goto out;
    }
    if (oi->level == 'W' && depth != 0) {
      snprintf(err, errlen, "instruction %u (%s): whole-batch test inside a selection", pc, seg_ops[in->op].name);
      goto out;
    }
    if (fmt[1] == 'J') {
      if (fmt[4] == '+') owner[pc] = pc;                 /* SEL_NF / SEL_NT: its own push */
      else if (depth > 0) owner[pc] = stack[depth - 1];
      else {
        snprintf(err, errlen, "instruction %u: jump outside any selection", pc);
        goto out;
      }
    }
    if (fmt[4] == '+') {
      if (depth >= p->maxdepth) {
        snprintf(err, errlen, "instruction %u: selection stack deeper than declared", pc);
        goto out;
      }
      stack[depth++] = pc;
    } else if (in->op == SEG_OP_SEL_POP) {
      if (depth == 0) {
        snprintf(err, errlen, "instruction %u: SEL_POP without a selection", pc);
        goto out;
      }
      match[pc] = stack[--depth];
    }
  }
  if (depth != 0) {
    snprintf(err, errlen, "unbalanced selection stack at end of program");
    goto out;
  }
  /* every segment and condition slot is counted by exactly one EMIT / EMIT_SEL */
  uint32_t slots = seg_program_slots(p);
  if (slots < p->nsegs || slots > p->ncode) {
    snprintf(err, errlen, "%u segments and conditions but only %u instructions", slots, p->ncode);
    goto out;
  }
  emits = calloc((size_t)slots + 1, 1);
  if (!emits) {
    snprintf(err, errlen, "out of memory");
    rc = -2;
    goto out;
  }
  for (uint32_t pc = 0; pc < p->ncode; pc++)
    if (seg_ops[p->code[pc].op].format[0] == 'S' && emits[p->code[pc].a]++) {
      snprintf(err, errlen, "instruction %u: segment s%u is counted twice", pc, p->code[pc].a);
      goto out;
    }
  for (uint32_t s = 0; s < slots; s++)
    if (!emits[s]) {
      snprintf(err, errlen, "segment s%u is never counted", s);
      goto out;
    }
  /* the measures' tables: every reference in bounds, each postfix balanced */
  if (p->guard && (p->guard - 1 < p->nsegs || p->guard - 1 >= slots)) {
    snprintf(err, errlen, "the guard's slot %u is not a condition", p->guard - 1);
    goto out;
  }
  for (uint32_t a = 0; a < p->naggs; a++) {
    const seg_aggr *g = &p->aggs[a];
    if (g->fn >= SEG_AG__N || g->col < -1 || g->col >= (int32_t)p->ncols ||
        (g->cond != -1 && (g->cond < (int32_t)p->nsegs || g->cond >= (int32_t)slots)) || !(g->p >= 0 && g->p <= 1) ||
        (g->col < 0 && g->fn != SEG_AG_COUNT)) {
      snprintf(err, errlen, "aggregate %u is malformed", a);
      goto out;
    }
    seg_type ct = g->col >= 0 ? p->coltypes[g->col] : SEG_INT;
    int num = ct == SEG_INT || ct == SEG_NUM;
    int fits = g->fn == SEG_AG_COUNT || g->fn == SEG_AG_COUNT_DISTINCT ? 1
             : g->fn == SEG_AG_RATE ? ct == SEG_BOOL
             : g->fn == SEG_AG_MIN || g->fn == SEG_AG_MAX ? num || ct == SEG_DATE : num;
    if (!fits) {
      snprintf(err, errlen, "aggregate %u: %s() of a %s column", a, seg_aggfn_name((seg_aggfn)g->fn),
               seg_type_name(ct));
      goto out;
    }
  }
  /* each source is handed its values by exactly one RVAL (the runtime
  ** gives each a value per row, no more) */
  for (uint32_t i = 0; i < p->nrsrc; i++) {
    uint32_t n = 0;
    for (uint32_t pc = 0; pc < p->npass1; pc++)
      n += (p->code[pc].op == SEG_OP_RVAL_I || p->code[pc].op == SEG_OP_RVAL_F) && p->code[pc].a == i;
    if (n != 1) {
      snprintf(err, errlen, "ranking source %u is given values by %u instructions, not one", i, n);
      goto out;
    }
  }
  for (uint32_t u = 0; u < p->nruse; u++) {
    const seg_ruse *r = &p->ruse[u];
    if (r->src >= p->nrsrc || r->kind > SEG_RK_BOTTOM ||
        (r->kind == SEG_RK_NTILE ? r->k < 2 || r->k > 1000 : r->pct <= 0 || r->pct > 1000000)) {
      snprintf(err, errlen, "ranking %u is malformed", u);
      goto out;
    }
  }
  for (uint32_t m = 0; m < p->nmeasures; m++) {
    const seg_measure *ms = &p->measures[m];
    if (ms->n == 0 || ms->first > p->nmops || ms->n > p->nmops - ms->first) {
      snprintf(err, errlen, "measure %u's operations are out of bounds", m);
      goto out;
    }
    uint32_t h = 0;
    for (uint32_t k = ms->first; k < ms->first + ms->n; k++) {
      const seg_mop *o = &p->mops[k];
      int ok = o->kind == 'a' ? o->agg < p->naggs : o->kind == 'k' ? 1 : o->kind == 'n' ? h >= 1
             : (o->kind == '+' || o->kind == '-' || o->kind == '*' || o->kind == '/') ? h >= 2 : 0;
      if (!ok || h > 64) {
        snprintf(err, errlen, "measure %u: operation %u is malformed", m, k - ms->first);
        goto out;
      }
      h += o->kind == 'a' || o->kind == 'k' ? 1 : o->kind == 'n' ? 0 : (uint32_t)-1;
    }
    if (h != 1) {
      snprintf(err, errlen, "measure %u leaves %u values", m, h);
      goto out;
    }
  }
  /* priorities: tiers in bounds, each of a segment, priorities covering
  ** the tier table in order */
  for (uint32_t t = 0; t < p->ntiers; t++)
    if (p->tiers[t].seg >= p->nsegs) {
      snprintf(err, errlen, "tier %u names segment %u of %u", t, p->tiers[t].seg, p->nsegs);
      goto out;
    }
  for (uint32_t k = 0, next = 0; k < p->nprios; k++) {
    const seg_priority *pr = &p->prios[k];
    if (pr->n == 0 || pr->first != next || pr->n > p->ntiers - pr->first) {
      snprintf(err, errlen, "priority %u's tiers are out of bounds", k);
      goto out;
    }
    next = pr->first + pr->n;
    if (k + 1 == p->nprios && next != p->ntiers) {
      snprintf(err, errlen, "%u tiers belong to no priority", p->ntiers - next);
      goto out;
    }
  }
  if (p->nprios == 0 && p->ntiers) {
    snprintf(err, errlen, "%u tiers belong to no priority", p->ntiers);
    goto out;
  }
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    const seg_insn *in = &p->code[pc];
    if (seg_ops[in->op].format[1] != 'J') continue;
    if (p->code[in->b].op != SEG_OP_SEL_POP || match[in->b] != owner[pc]) {
      snprintf(err, errlen, "jump at instruction %u does not land on the SEL_POP closing its selection", pc);
      goto out;
    }
  }
  rc = 0;
out:
  free(stack);
  free(match);
  free(owner);
  free(emits);
  free(kind);
  return rc;
}
