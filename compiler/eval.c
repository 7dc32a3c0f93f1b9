/*
** eval.c -- lowering checked AST nodes to expression programs, and the
** compiler's one-off evaluation through bytecode/expr.c's evaluator.
*/
#include "eval.h"

#include <stdlib.h>
#include <string.h>

static uint32_t lower(seg_xprog *x, const seg_node *n);

/* The pattern of `matches`: a constant text, folded to one literal so the
** program carries data the loader can compile (and check) at once. */
static uint32_t lower_pattern(seg_xprog *x, const seg_node *b) {
  uint32_t mark_n = x->nn, mark_pool = x->npool;
  uint32_t at = lower(x, b);
  if (at == SEG_XNONE) return SEG_XNONE;
  if (x->n[at].kind == SEG_N_STR) return at;
  seg_eval_env env = {.today = 0, .textcol = -1};
  seg_val v = seg_xeval(x, at, &env);
  char *bytes = NULL;
  size_t len = v.missing ? 0 : v.n;
  if (!env.error && len && !(bytes = malloc(len))) env.error = 1;
  if (bytes) memcpy(bytes, v.s, len);
  seg_val_release(&v);
  x->nn = mark_n;                  /* the constant's own nodes are not kept */
  x->npool = mark_pool;
  if (env.error) {
    free(bytes);
    x->oom = 1;
    return SEG_XNONE;
  }
  uint32_t s = seg_xprog_str(x, bytes ? bytes : "", len);
  free(bytes);
  uint32_t k = s == SEG_XNONE ? SEG_XNONE : seg_xprog_node(x, SEG_N_STR, VT_TEXT);
  if (k == SEG_XNONE) return SEG_XNONE;
  x->n[k].str = s;
  x->n[k].len = (uint32_t)len;
  return k;
}

static uint32_t lower(seg_xprog *x, const seg_node *n) {
  if (n->kind == SEG_N_NAME && n->ref) return lower(x, n->ref->expr);
  uint32_t a = SEG_XNONE, b = SEG_XNONE, c = SEG_XNONE, list = SEG_XNONE, prev = SEG_XNONE;
  if (n->a && (a = lower(x, n->a)) == SEG_XNONE) return SEG_XNONE;
  if (n->b) {
    b = n->kind == SEG_N_TEXTOP && n->op == SEG_OPR_MATCHES ? lower_pattern(x, n->b) : lower(x, n->b);
    if (b == SEG_XNONE) return SEG_XNONE;
  }
  if (n->c && (c = lower(x, n->c)) == SEG_XNONE) return SEG_XNONE;
  for (const seg_node *k = n->list; k; k = k->next) {
    uint32_t item = lower(x, k);
    if (item == SEG_XNONE) return SEG_XNONE;
    if (prev == SEG_XNONE) list = item;
    else x->n[prev].next = item;
    prev = item;
  }
  uint32_t str = SEG_XNONE, folded = SEG_XNONE;
  if (n->kind == SEG_N_STR) {
    if ((str = seg_xprog_str(x, n->str, n->len)) == SEG_XNONE) return SEG_XNONE;
    if (n->folded && (folded = seg_xprog_str(x, n->folded, n->folded_len)) == SEG_XNONE) return SEG_XNONE;
  }
  uint32_t i = seg_xprog_node(x, n->kind, n->type);
  if (i == SEG_XNONE) return SEG_XNONE;
  seg_xnode *xn = &x->n[i];
  xn->op = (uint16_t)n->op;
  xn->negated = (uint8_t)(n->negated != 0);
  xn->unit = (uint8_t)n->unit;
  xn->fn = (uint8_t)n->fn;
  xn->ival = n->ival;
  xn->fval = n->fval;
  xn->a = a; xn->b = b; xn->c = c; xn->list = list;
  if (n->kind == SEG_N_NAME) xn->col = n->col;
  if (n->kind == SEG_N_STR) {
    xn->str = str;
    xn->len = (uint32_t)n->len;
    if (folded != SEG_XNONE) {
      xn->folded = folded;
      xn->folded_len = (uint32_t)n->folded_len;
    }
  }
  return i;
}

uint32_t seg_lower(seg_xprog *x, const seg_node *n) {
  uint32_t r = lower(x, n);
  if (r == SEG_XNONE) x->oom = 1;
  return r;
}

seg_val seg_eval(const seg_node *n, seg_eval_env *env) {
  seg_xprog x = {0};
  char err[300];
  seg_val v = {0};
  v.type = n->type;
  v.missing = 1;
  uint32_t root = seg_lower(&x, n);
  int rc = root == SEG_XNONE ? -2 : seg_xprog_prepare(&x, err, sizeof err);
  if (rc == -2) env->error = 1;
  else if (rc == 0) {
    v = seg_xeval(&x, root, env);
    if (v.type == VT_TEXT && !v.missing && !v.owned) {       /* the pool goes below */
      char *own = malloc(v.n + 1);
      if (!own) {
        env->error = 1;
        v.missing = 1;
      } else {
        if (v.n) memcpy(own, v.s, v.n);
        own[v.n] = 0;
        v.s = own;
        v.owned = own;
      }
    }
  }
  /* rc == -1: a pattern that does not compile; sema reports it, the value is unknown */
  seg_xprog_free(&x);
  return v;
}
