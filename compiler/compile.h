/*
** compile.h -- libseg's compiler entry point: .seg text to a program.
**
** Ownership: a seg_compiled owns the AST arena, the diagnostics and the
** program; seg_compiled_free releases all of it and leaves it empty.
*/
#ifndef SEG_COMPILE_H
#define SEG_COMPILE_H

#include <stdio.h>
#include "ast.h"
#include "diag.h"
#include "program.h"
#include "sema.h"

typedef struct seg_compiled {
  seg_arena arena;
  seg_ast ast;
  seg_diags diags;
  seg_program prog;
  int ok;                    /* 1 when prog is usable                  */
} seg_compiled;

/* Parses, checks and compiles src against schema with `today` pinned.
** Returns the number of errors (0: out->prog is ready), or -1 when out
** of memory. Diagnostics are in out->diags either way. */
int seg_compile(const char *src, size_t len, const seg_schema_view *schema, int32_t today,
                seg_compiled *out);
void seg_compiled_free(seg_compiled *c);

/* 1 when any statement of ast reads today's date (`today`, `within`,
** `ago`, days_since): a .segc records it. */
int seg_ast_uses_today(const seg_ast *ast);
/* Does this expression's value depend on today (lets and references followed)? */
int seg_node_reads_today(const seg_node *n);

#endif
