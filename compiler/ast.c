/*
** ast.c -- the arena behind the AST, and node construction.
*/
#include "ast.h"

#include <unictype.h>
#include <unistr.h>

#include <stdlib.h>
#include <string.h>

struct seg_arena_block {
  seg_arena_block *next;
  size_t used, cap;
  _Alignas(16) unsigned char mem[];
};

#define ARENA_BLOCK (64 * 1024)

void *seg_arena_alloc(seg_arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  seg_arena_block *b = a->head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    b = malloc(sizeof *b + cap);
    if (!b) return NULL;
    b->next = a->head;
    b->used = 0;
    b->cap = cap;
    a->head = b;
  }
  void *p = b->mem + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *seg_arena_strndup(seg_arena *a, const char *s, size_t n) {
  char *p = seg_arena_alloc(a, n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void seg_arena_free(seg_arena *a) {
  seg_arena_block *b = a->head;
  while (b) {
    seg_arena_block *n = b->next;
    free(b);
    b = n;
  }
  a->head = NULL;
}

seg_node *seg_node_new(seg_arena *a, seg_nkind k, seg_loc loc) {
  seg_node *n = seg_arena_alloc(a, sizeof *n);
  if (!n) return NULL;
  n->kind = k;
  n->loc = loc;
  n->col = -1;
  n->textcol = -1;
  return n;
}

seg_node *seg_node_and(seg_node *buf, seg_node *a, seg_node *b) {
  memset(buf, 0, sizeof *buf);
  buf->kind = SEG_N_AND;
  buf->type = VT_BOOL;
  buf->loc = b->loc;
  buf->a = a;
  buf->b = b;
  buf->col = -1;
  buf->has_cols = a->has_cols | b->has_cols;
  buf->textcol = a->textcol == -1 ? b->textcol : b->textcol == -1 || a->textcol == b->textcol ? a->textcol : -2;
  buf->depth = (a->depth > b->depth ? a->depth : b->depth) + 1;
  return buf;
}

size_t seg_ident_prefix(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
      if (!ok) return i;
      i++;
      continue;
    }
    ucs4_t u;
    int k = u8_mbtouc(&u, (const uint8_t *)s + i, n - i);
    if (k <= 0 || !(i == 0 ? uc_is_property_xid_start(u) : uc_is_property_xid_continue(u))) return i;
    i += (size_t)k;
  }
  return n;
}

int seg_node_same(const seg_node *x, const seg_node *y) {
  if (!x || !y) return x == y;
  if (x->kind != y->kind || x->op != y->op || x->negated != y->negated || x->ival != y->ival ||
      x->col != y->col || x->ref != y->ref || x->type != y->type || x->unit != y->unit || x->fn != y->fn ||
      x->period != y->period || memcmp(&x->fval, &y->fval, sizeof x->fval) != 0 || x->len != y->len ||
      (x->str != y->str && (!x->str || !y->str || memcmp(x->str, y->str, x->len ? x->len : strlen(x->str) + 1) != 0)))
    return 0;
  if (!seg_node_same(x->a, y->a) || !seg_node_same(x->b, y->b) || !seg_node_same(x->c, y->c)) return 0;
  const seg_node *p = x->list, *q = y->list;
  for (; p && q; p = p->next, q = q->next)
    if (!seg_node_same(p, q)) return 0;
  return !p && !q;
}
