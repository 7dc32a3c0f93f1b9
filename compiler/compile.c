/*
** compile.c -- the compiler pipeline: parse, sema, codegen, verify.
*/
#include "compile.h"

#include <string.h>
#include <strings.h>

#include "codegen.h"
#include "eval.h"
#include "lint.h"
#include "parse.h"

void seg_compiled_free(seg_compiled *c) {
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
  seg_schema_view sv = *schema;     /* sema may type the data's empty columns */
  seg_sema(&out->ast, &out->arena, &sv, today, &out->diags, &order);
  schema = &sv;
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
  int vrc = seg_program_verify(&out->prog, err, sizeof err);
  if (vrc == 0) vrc = seg_xprog_prepare(&out->prog.x, err, sizeof err);
  if (vrc == -2) return -1;
  if (vrc != 0) {
    seg_diag_add(&out->diags, SEG_SEV_ERROR, "E0000", (seg_loc){1, 1, 1, 1}, "internal error: %s", err);
    return out->diags.nerrors;
  }
  out->ok = 1;
  return 0;
}

/* Does n's value depend on today (through lets and segment references
** too)? Works on a parsed tree and on a checked one. */
static int reads_today_at(const seg_node *n, int depth) {
  if (!n || depth > 4 * SEG_MAX_NESTING) return 0;
  if (n->kind == SEG_N_TODAY || n->kind == SEG_N_WITHIN || n->kind == SEG_N_AGO) return 1;
  if (n->kind == SEG_N_RANGE && n->period) return 1;     /* `in this month` */
  if (n->kind == SEG_N_CALL && n->str && strcasecmp(n->str, "days_since") == 0) return 1;
  if (n->kind == SEG_N_NAME && n->ref) return reads_today_at(n->ref->expr, depth + 1);
  if (reads_today_at(n->a, depth + 1) || reads_today_at(n->b, depth + 1) || reads_today_at(n->c, depth + 1)) return 1;
  for (const seg_node *k = n->list; k; k = k->next) if (reads_today_at(k, depth + 1)) return 1;
  return 0;
}

int seg_node_reads_today(const seg_node *n) {
  return reads_today_at(n, 0);
}

int seg_ast_uses_today(const seg_ast *ast) {
  for (const seg_stmt *t = ast->first; t; t = t->next) if (seg_node_reads_today(t->expr)) return 1;
  return 0;
}
