/*
** eval.h -- the compiler's side of expressions: lowering AST nodes to an
** expression program (bytecode/expr.h) and evaluating a node once.
**
** Constant folding (`let` constants, constant sub-expressions, lint's
** checks) lowers the node and runs the one evaluator of bytecode/expr.c,
** the same that runs text maps in the VM.
*/
#ifndef SEG_EVAL_H
#define SEG_EVAL_H

#include "ast.h"
#include "expr.h"

/* Appends n (a checked tree; `let` constants and segment references are
** inlined) to x, children first. Returns its root, or SEG_XNONE when out
** of memory (x->oom). A column reads as SEG_N_NAME with its index. */
uint32_t seg_lower(seg_xprog *x, const seg_node *n);

/* Evaluates n once (no row: a column is missing). A text result owns its
** bytes. The caller releases the result with seg_val_release. */
seg_val seg_eval(const seg_node *n, seg_eval_env *env);

#endif
