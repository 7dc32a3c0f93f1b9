/*
** explain.c -- `seg explain`: the bytecode listing, operands decoded and
** each line closed by the opcode's semantics from opcodes.def.
*/
#include "program.h"

#include <string.h>

#include "date.h"
#include "expr.h"

static void operand(FILE *out, const seg_program *p, char kind, uint32_t v) {
  switch (kind) {
  case 'R': fprintf(out, " r%u", v); break;
  case 'C': fprintf(out, " c%u(%s)", v, v < p->ncols ? p->colnames[v] : "?"); break;
  case 'M': fprintf(out, " m%u", v); break;
  case 'K': fprintf(out, " k%u(%lld)", v, v < p->nki ? (long long)p->ki[v] : 0LL); break;
  case 'F': fprintf(out, " f%u(%g)", v, v < p->nkf ? p->kf[v] : 0.0); break;
  case 'J': fprintf(out, " @%u", v); break;
  case 'S':
    if (v < p->nsegs) fprintf(out, " s%u(%s)", v, p->segs[v].name);
    else fprintf(out, " s%u(%s)", v, p->guard && v == p->guard - 1 ? "require" : v < seg_program_slots(p) ? "where" : "?");
    break;
  case 'N': fprintf(out, " %u", v); break;
  default: break;
  }
}

void seg_explain(FILE *out, const seg_program *p) {
  char today[11];
  seg_date_format(p->today, today);
  fprintf(out, "; %u instructions, %u registers of %d rows, %u segments, today %s\n",
          p->ncode, p->nregs, SEG_BATCH, p->nsegs, today);
  for (uint32_t m = 0; m < p->nmaps; m++)
    fprintf(out, "; m%u: %s per distinct value of c%u(%s)\n", m, seg_vtype_name(p->maps[m].type),
            p->maps[m].col, p->colnames[p->maps[m].col]);
  /* event tables: their aggregates become columns before the pass */
  for (uint32_t t = 0; t < p->nevtables; t++) {
    const seg_evtable *et = &p->evtables[t];
    const char *ek = et->evkey < et->ncols ? et->colnames[et->evkey] : et->key;
    if (strcmp(ek, et->key) == 0) fprintf(out, "; table %u '%s': events joined on %s", t, et->name, et->key);
    else fprintf(out, "; table %u '%s': events joined on their %s = the customers' %s", t, et->name, ek, et->key);
    if (et->time >= 0 && (uint32_t)et->time < et->ncols) fprintf(out, ", in time by %s", et->colnames[et->time]);
    fprintf(out, "%s\n", et->filters ? "; its filters run over its events first (listed after this program)" : "");
  }
  for (uint32_t k = 0; k < p->nevcols; k++) {
    const seg_evcol *a = &p->evcols[k];
    const seg_evtable *et = &p->evtables[a->table];
    char col[160] = "";
    if (a->evcol >= 0 && (uint32_t)a->evcol < et->ncols) snprintf(col, sizeof col, " of %s", et->colnames[a->evcol]);
    char cond[64] = "";
    if (a->filter >= 0) snprintf(cond, sizeof cond, " where filter s%d holds", a->filter);
    fprintf(out, "; c%u(%s) = %s%s of the events of table %u%s, per customer, before the pass\n", a->col,
            p->colnames[a->col], seg_evfn_name((seg_evfn)a->fn), col, a->table, cond);
  }
  /* rankings: two passes over the data, thresholds in between */
  for (uint32_t u = 0; u < p->nruse; u++) {
    const seg_ruse *r = &p->ruse[u];
    if (r->kind == SEG_RK_NTILE)
      fprintf(out, "; ranking %u: ntile %u of source %u\n", u, r->k, r->src);
    else
      fprintf(out, "; ranking %u: %s %g%% of source %u\n", u, r->kind == SEG_RK_TOP ? "top" : "bottom",
              (double)r->pct / 10000, r->src);
  }
  if (p->npass1)
    fprintf(out, "; pass 1 (instructions 0-%u): each ranking source's values, over every row; then the "
            "rankings' thresholds\n", p->npass1 - 1);
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    const seg_insn *in = &p->code[pc];
    const char *fmt = seg_ops[in->op].format;
    if (p->npass1 && pc == p->npass1) fprintf(out, "; pass 2: the segments\n");
    uint32_t ops[4] = {in->a, in->b, in->c, in->d};
    char line[256];
    FILE *mem = fmemopen(line, sizeof line, "w");
    if (!mem) continue;
    fprintf(mem, "%04u  %-9s", pc, seg_ops[in->op].name);
    for (int k = 0; k < 4; k++) operand(mem, p, fmt[k], ops[k]);
    if (in->op == SEG_OP_KD && in->b < p->nki && in->d <= 18) {   /* the decimal it stands for */
      char d48[48];
      seg_dec_format(d48, p->ki[in->b], in->d);
      fprintf(mem, " (%s)", d48);
    }
    fclose(mem);
    line[sizeof line - 1] = 0;
    fprintf(out, "%-52s ; %s\n", line, seg_ops[in->op].semantics);
  }
  /* the measures, computed per segment from its members after the pass */
  if (p->guard)
    fprintf(out, "; s%u(require): the `require` guard, ANDed into every segment; its count is the customers "
            "it keeps\n", p->guard - 1);
  for (uint32_t m = 0; m < p->nmeasures; m++) {
    const seg_measure *ms = &p->measures[m];
    char st[8][200];
    int h = 0, bad = 0;
    for (uint32_t k = ms->first; k < ms->first + ms->n && !bad; k++) {
      const seg_mop *o = &p->mops[k];
      if (o->kind == 'a' || o->kind == 'k') {
        if (h == 8) { bad = 1; break; }
        if (o->kind == 'k') { snprintf(st[h++], sizeof st[0], "%g", o->k); continue; }
        const seg_aggr *g = &p->aggs[o->agg];
        char arg[120] = "", cond[40] = "";
        if (g->col >= 0) snprintf(arg, sizeof arg, "c%d(%s)", g->col, p->colnames[g->col]);
        if (g->fn == SEG_AG_PERCENTILE) snprintf(arg + strlen(arg), sizeof arg - strlen(arg), ", %g", g->p);
        if (g->cond >= 0) snprintf(cond, sizeof cond, "%swhere s%d", g->col >= 0 ? " " : "", g->cond);
        snprintf(st[h++], sizeof st[0], "%s(%s%s)", seg_aggfn_name((seg_aggfn)g->fn), arg, cond);
      } else if (o->kind == 'n' && h >= 1) {
        char t[200];
        snprintf(t, sizeof t, "-(%s)", st[h - 1]);
        memcpy(st[h - 1], t, sizeof t);
      } else if (h >= 2) {
        char t[200];
        snprintf(t, sizeof t, "(%s %c %s)", st[h - 2], o->kind, st[h - 1]);
        h--;
        memcpy(st[h - 1], t, sizeof t);
      } else bad = 1;
    }
    fprintf(out, "; measure %s = %s\n", ms->name, bad || h != 1 ? "(too long to show)" : st[0]);
  }
  /* the priorities, computed from the members after the pass */
  for (uint32_t k = 0; k < p->nprios; k++) {
    const seg_priority *pr = &p->prios[k];
    fprintf(out, "; priority %s = ", pr->name);
    for (uint32_t t = pr->first; t < pr->first + pr->n; t++)
      fprintf(out, "%ss%u(%s)", t > pr->first ? ", " : "", p->tiers[t].seg, p->segs[p->tiers[t].seg].name);
    if (pr->else_name) fprintf(out, ", else %s", pr->else_name);
    fprintf(out, "; each customer in the first that holds it%s\n",
            pr->else_name ? (p->guard ? ", the rest the guard keeps in the else tier"
                                      : ", the rest in the else tier") : "");
  }
  for (uint32_t t = 0; t < p->nevtables; t++) {
    if (!p->evtables[t].filters) continue;
    fprintf(out, ";\n; table %u '%s': its filters, one segment each, run over its events (columns: its own, "
            "then the customer's each event's customer has)\n", t, p->evtables[t].name);
    seg_explain(out, p->evtables[t].filters);
  }
}
