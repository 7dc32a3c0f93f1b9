/*
** sema.h -- semantic analysis: names, types, the segment graph.
*/
#ifndef SEG_SEMA_H
#define SEG_SEMA_H

#include "ast.h"
#include "diag.h"
#include "types.h"

/* Resolves and type-checks *ast against schema, reporting into *diags.
** Fills `order` (arena-allocated, ast->nsegments entries) with the
** segments in dependency order (a referenced segment before its users).
** Returns the number of errors. */
int seg_sema(seg_ast *ast, seg_arena *arena, seg_schema_view *schema, int32_t today,
             seg_diags *diags, seg_stmt ***order);

/* Levenshtein distance, bounded: returns > max when farther than max. */
int seg_edit_distance(const char *a, const char *b, int max);

#endif
