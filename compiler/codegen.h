/*
** codegen.h -- from a checked AST to vector bytecode.
*/
#ifndef SEG_CODEGEN_H
#define SEG_CODEGEN_H

#include "ast.h"
#include "diag.h"
#include "program.h"
#include "sema.h"

/* Emits one program evaluating every segment of `order` (dependency
** order, from seg_sema) in one pass. Returns 0, or -1 with a diagnostic
** (out of memory: diags->oom instead). */
int seg_cg_program(seg_ast *ast, seg_stmt **order, const seg_schema_view *schema, int32_t today,
                   seg_program *p, seg_diags *diags);

/* seg why: seg_cg_program with every segment in register form (no
** selection chains), recording in *probes, for each condition node
** compiled, the instruction whose register a holds its value (appended;
** the caller frees probes->v). */
typedef struct seg_cg_probe {
  const seg_node *node;
  uint32_t pc;
} seg_cg_probe;
typedef struct seg_cg_probes {
  seg_cg_probe *v;
  uint32_t n, cap;
} seg_cg_probes;
int seg_cg_program_probed(seg_ast *ast, seg_stmt **order, const seg_schema_view *schema, int32_t today,
                          seg_program *p, seg_diags *diags, seg_cg_probes *probes);

#endif
