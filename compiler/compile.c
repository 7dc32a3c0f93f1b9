/*
** compile.c -- the compiler pipeline: parse, sema, codegen, verify.
*/
#include "compile.h"

#include <string.h>

#include "codegen.h"
#include "eval.h"
#include "lint.h"
#include "parse.h"

static void free_caches(seg_node *n) {
  if (!n) return;
  if (n->kind == N_TEXTOP && n->op == OP_MATCHES) seg_regex_free(n);
  free_caches(n->a);
  free_caches(n->b);
  free_caches(n->c);
  for (seg_node *k = n->list; k; k = k->next) free_caches(k);
}

void seg_compiled_free(seg_compiled *c) {
  for (seg_stmt *t = c->ast.first; t; t = t->next) free_caches(t->expr);
  seg_program_free(&c->prog);
  seg_diags_free(&c->diags);
  seg_arena_free(&c->arena);
  memset(c, 0, sizeof *c);
}

int seg_compile(const char *src, size_t len, const seg_schema_view *schema, int32_t today,
                seg_compiled *out) {
  memset(out, 0, sizeof *out);
  int rc = seg_parse(src, len, &out->arena, &out->ast, &out->diags);
  if (rc < 0) return -1;
  seg_stmt **order = NULL;
  /* names and types are checked even after syntax errors, so one run
  ** reports every mistake it can locate */
  seg_sema(&out->ast, &out->arena, schema, today, &out->diags, &order);
  /* lint every statement that compiled, even when others have errors, so
  ** one run of `seg check` reports every finding of a file */
  if (!out->diags.oom)
    seg_lint(&out->ast, schema, today, src, len, schema->may_be_missing, &out->diags);
  if (out->diags.oom) return -1;       /* a phase ran out of memory: its result is incomplete */
  seg_diags_sort(&out->diags);
  if (out->diags.nerrors) return out->diags.nerrors;
  if (seg_cg_program(&out->ast, order, schema, today, &out->prog, &out->diags) != 0)
    return out->diags.nerrors && !out->diags.oom ? out->diags.nerrors : -1;
  char err[256];
  int vrc = seg_cg_verify(&out->prog, err, sizeof err);
  if (vrc == -2) return -1;
  if (vrc != 0) {
    seg_diag_add(&out->diags, SEG_SEV_ERROR, "E0000", (seg_loc){1, 1, 1, 1}, "internal error: %s", err);
    return out->diags.nerrors;
  }
  out->ok = 1;
  return 0;
}
