/*
** program.c -- the opcode table (opcodes.def's columns), and a program's
** lifetime and columns.
*/
#include "program.h"

#include <stdlib.h>
#include <string.h>

const seg_opinfo seg_ops[SEG_OP_COUNT] = {
#define OP(name, fmt, regs, cols, map, level, sem) {#name, fmt, regs, cols, map, level, sem},
#include "opcodes.def"
#undef OP
};

int seg_op_reads_type(const seg_opinfo *op, seg_type t) {
  static const char letters[SEG_NTYPES] = {'b', 'i', 'n', 't', 'd'};
  return (unsigned)t < SEG_NTYPES && strchr(op->coltypes, letters[t]) != NULL;
}

void seg_program_free(seg_program *p) {
  free(p->code);
  free(p->ki);
  free(p->kf);
  free(p->maps);
  seg_xprog_free(&p->x);
  for (uint32_t s = 0; p->segs && s < p->nsegs; s++) {
    free(p->segs[s].name);
    free(p->segs[s].desc);
  }
  free(p->segs);
  for (uint32_t m = 0; p->measures && m < p->nmeasures; m++) {
    free(p->measures[m].name);
    free(p->measures[m].desc);
  }
  free(p->measures);
  for (uint32_t k = 0; p->prios && k < p->nprios; k++) {
    free(p->prios[k].name);
    free(p->prios[k].else_name);
  }
  free(p->prios);
  free(p->tiers);
  for (uint32_t k = 0; p->splits && k < p->nsplits; k++) {
    free(p->splits[k].name);
    free(p->splits[k].salt);
    free(p->splits[k].buckets);
  }
  free(p->splits);
  free(p->aggs);
  free(p->mops);
  free(p->rsrc);
  free(p->ruse);
  for (uint32_t k = 0; p->evtables && k < p->nevtables; k++) {
    free(p->evtables[k].name);
    free(p->evtables[k].key);
    free(p->evtables[k].gather);
    for (uint32_t c = 0; p->evtables[k].colnames && c < p->evtables[k].ncols; c++) free(p->evtables[k].colnames[c]);
    free(p->evtables[k].colnames);
    free(p->evtables[k].coltypes);
    if (p->evtables[k].filters) seg_program_free(p->evtables[k].filters);
    free(p->evtables[k].filters);
  }
  free(p->evtables);
  free(p->evcols);
  for (uint32_t c = 0; p->colnames && c < p->ncols; c++) free(p->colnames[c]);
  free(p->colnames);
  free(p->coltypes);
  memset(p, 0, sizeof *p);
}

int seg_program_set_columns(seg_program *p, const seg_schema_view *schema) {
  size_t n = schema->ncols;
  p->colnames = calloc(n ? n : 1, sizeof *p->colnames);
  p->coltypes = calloc(n ? n : 1, sizeof *p->coltypes);
  if (!p->colnames || !p->coltypes) return -1;
  p->ncols = (uint32_t)n;
  for (size_t c = 0; c < n; c++) {
    p->coltypes[c] = schema->types[c];
    if (!(p->colnames[c] = strdup(schema->names[c]))) return -1;
  }
  return 0;
}

seg_schema_view seg_program_columns(const seg_program *p) {
  seg_schema_view v = {.ncols = p->ncols, .names = (const char *const *)p->colnames, .types = p->coltypes, .may_be_missing = NULL};
  return v;
}
