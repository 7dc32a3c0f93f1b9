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


#endif
