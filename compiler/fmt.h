/*
** fmt.h -- `seg fmt`: one canonical layout for .seg files.
**
** The formatter parses the text (no schema needed), prints the AST back
** in canonical form and puts back the comments the lexer throws away
** (collected from the source text, with their lines).
**
** Layout rules (docs in cli/cmd_fmt.c's usage and tests/fmt/):
**   - `let name = expr`, `segment name "desc" = expr`; the expression stays
**     on the header line if that fits in 80 columns, else it goes on the
**     next line indented by 4, and if that does not fit either it is broken
**     before each top-level `or` (or `and`), one operand a line; an `and`
**     chain under an `or` that still does not fit is broken too, 4 further in.
**   - keywords lowercase, `==` -> `=`, `<>` -> `!=`, one space around
**     binary operators, parentheses only where precedence needs them.
**   - ranges print as `x 1..5` (`x in -5..5` when the low end is a negative
**     literal); `between a and b`, `before`, `after` are kept when written
**     so (they mean the same as `..`, `<`, `>`).
**   - integers of 10000 and more are grouped with `_` (`10_000`); decimals
**     in the shortest form that reads back as the same double.
**   - strings in double quotes; names bare unless they need backticks.
**   - own-line comments stay before what follows them, trailing comments
**     at the end of the line they ended; one blank line between
**     statements where the source had at least one.
**
** Ownership: *out is malloc'd; the caller frees it.
*/
#ifndef SEG_FMT_H
#define SEG_FMT_H

#include <stddef.h>
#include "ast.h"
#include "diag.h"

#define SEG_FMT_WIDTH 80

/* Formats src. Returns 0 and sets *out / *outlen on success; on syntax
** errors returns their number (> 0) with the diagnostics in *diags and
** *out NULL; -1 when out of memory. */
int seg_fmt(const char *src, size_t len, seg_diags *diags, char **out, size_t *outlen);

/* 1 when the two trees are the same program (kinds, operators, values,
** names, units, negations, lists, statements), ignoring locations. */
int seg_fmt_ast_equal(const seg_ast *a, const seg_ast *b);

/* Parses both texts and compares them with seg_fmt_ast_equal: 1 same,
** 0 different, -1 one of them does not parse, -2 out of memory. */
int seg_fmt_same_meaning(const char *a, size_t alen, const char *b, size_t blen);

#endif
