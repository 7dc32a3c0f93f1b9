/*
** why.c -- the program `seg why` explains (see why.h): the segments in
** dependency order (a referenced segment before its readers, as seg_sema
** orders them), compiled with probes, verified and prepared as
** seg_compile does.
*/
#include "why.h"

#include <stdlib.h>
#include <string.h>

const seg_stmt *seg_why_segment_ref(const seg_node *n) {
  return n->kind == SEG_N_NAME && n->ref && n->ref->kind == S_SEGMENT ? n->ref : NULL;
}

/* Appends the segments n reads (through lets too), then nothing else. */
static void visit(const seg_node *n, seg_stmt **order, int *norder, uint8_t *seen);

static void visit_stmt(seg_stmt *t, seg_stmt **order, int *norder, uint8_t *seen) {
  if (seen[t->index]) return;
  seen[t->index] = 1;             /* sema refused cycles */
  visit(t->expr, order, norder, seen);
  order[(*norder)++] = t;
}

static void visit(const seg_node *n, seg_stmt **order, int *norder, uint8_t *seen) {
  if (!n) return;
  const seg_stmt *r = seg_why_segment_ref(n);
  if (r) visit_stmt((seg_stmt *)r, order, norder, seen);
  visit(n->a, order, norder, seen);
  visit(n->b, order, norder, seen);
  visit(n->c, order, norder, seen);
  for (const seg_node *k = n->list; k; k = k->next) visit(k, order, norder, seen);
}

int seg_why_compile(seg_compiled *c, seg_program *out, seg_cg_probes *probes, char *err, size_t errlen) {
  int nseg = c->ast.nsegments, norder = 0, rc = -1;
  seg_stmt **order = calloc((size_t)nseg + 1, sizeof *order);
  uint8_t *seen = calloc((size_t)nseg + 1, 1);
  seg_diags diags = {0};
  memset(out, 0, sizeof *out);
  snprintf(err, errlen, "out of memory");
  if (!order || !seen) goto done;
  for (seg_stmt *t = c->ast.first; t; t = t->next)
    if (t->kind == S_SEGMENT) visit_stmt(t, order, &norder, seen);
  seg_schema_view sv = seg_program_columns(&c->prog);
  if (norder != nseg || seg_cg_program_probed(&c->ast, order, &sv, c->prog.today, out, &diags, probes) != 0) {
    if (diags.nerrors) snprintf(err, errlen, "internal error: the rules compiled once but not for seg why");
    goto done;
  }
  int vrc = seg_program_verify(out, err, errlen);
  if (vrc == 0) vrc = seg_xprog_prepare(&out->x, err, errlen);
  if (vrc == -2) snprintf(err, errlen, "out of memory");
  rc = vrc == 0 ? 0 : -1;
done:
  if (rc != 0) seg_program_free(out);
  seg_diags_free(&diags);
  free(seen);
  free(order);
  return rc;
}
