/*
** explain.c -- `seg explain`: the bytecode listing, operands decoded and
** each line closed by the opcode's semantics from opcodes.def.
*/
#include "program.h"

#include "date.h"

static void operand(FILE *out, const seg_program *p, char kind, uint32_t v) {
  switch (kind) {
  case 'R': fprintf(out, " r%u", v); break;
  case 'C': fprintf(out, " c%u(%s)", v, v < p->ncols ? p->colnames[v] : "?"); break;
  case 'M': fprintf(out, " m%u", v); break;
  case 'K': fprintf(out, " k%u(%lld)", v, v < p->nki ? (long long)p->ki[v] : 0LL); break;
  case 'F': fprintf(out, " f%u(%g)", v, v < p->nkf ? p->kf[v] : 0.0); break;
  case 'J': fprintf(out, " @%u", v); break;
  case 'S': fprintf(out, " s%u(%s)", v, v < p->nsegs ? p->segs[v].name : "?"); break;
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
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    const seg_insn *in = &p->code[pc];
    const char *fmt = seg_ops[in->op].format;
    uint32_t ops[4] = {in->a, in->b, in->c, in->d};
    char line[256];
    FILE *mem = fmemopen(line, sizeof line, "w");
    if (!mem) continue;
    fprintf(mem, "%04u  %-9s", pc, seg_ops[in->op].name);
    for (int k = 0; k < 4; k++) operand(mem, p, fmt[k], ops[k]);
    fclose(mem);
    line[sizeof line - 1] = 0;
    fprintf(out, "%-52s ; %s\n", line, seg_ops[in->op].semantics);
  }
}
