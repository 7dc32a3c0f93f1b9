/*
** lint.h -- warnings about rules that compile but probably do not mean
** what their author thinks.
**
**   W0201  empty or inverted range             (`age 40..25`)
**   W0202  conditions that contradict each other in one `and` chain
**   W0203  a condition that is always true for present values
**   W0204  a segment that can never have members
**   W0205  a `let` constant that is never used
**   W0206  two segments with identical rules
**   W0207  `not`, `!=`, `not in` on a column that can be missing
**   W0208  a comparison of a whole-number value with a fractional literal
**   W0220  a priority tier inside an earlier tier's segment: it never wins
**
** (W0221, a priority tier empty on the data, is `seg run`'s and `seg check
** --data`'s: cli/cmd_run.c.)
** (W0211 and W0212, segment sizes and overlaps, are `seg run`'s: they need
** the data. cli/evaluate.c)
**
** A comment `# seg: ignore W0207` (several codes separated by spaces or
** commas; no code = every warning) silences those warnings on its own line,
** or, when the comment stands alone on its line, on the next line.
*/
#ifndef SEG_LINT_H
#define SEG_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "sema.h"

/* Runs the lints over a checked AST (no errors) and adds warnings to
** *diags. src/len is the rule text (for suppression comments and for
** quoting rules in messages; may be NULL). may_be_missing, when not NULL,
** has one entry per schema column: 0 when the column is known to have no
** missing values (W0207 is then not reported for it); NULL treats every
** column as possibly missing. Returns the number of warnings added. */
int seg_lint(const seg_ast *ast, const seg_schema_view *schema, int32_t today,
             const char *src, size_t len, const uint8_t *may_be_missing, seg_diags *diags);

/* Removes from *d the warnings that a `# seg: ignore` comment of src
** silences (for warnings made outside the lints, such as seg run's W0211
** and W0212, anchored in the rules). */
void seg_lint_filter(const char *src, size_t len, seg_diags *d);

#endif
