/*
** textmap.c -- text maps: a text condition (or an int or number made from
** text) evaluated once per distinct dictionary value of its column, so the
** VM looks rows up by code. The common tests (`=`, `in`, `starts with`,
** `ends with`, `contains`, `is missing`) are decided on ASCII bytes here,
** a literal prefix or suffix eight bytes at a time; everything else, and
** any non-ASCII value, goes through the one evaluator (bytecode/expr.c).
*/
#include "vm_int.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "expr.h"

int seg_vm_map_alloc(const seg_map *m, const seg_table *t, vmap *out) {
  size_t n = (size_t)t->cols[m->col].ndict + 1;
  memset(out, 0, sizeof *out);
  if (m->type == VT_BOOL) out->t = malloc(n);
  else if (m->type == VT_NUM) out->f = malloc(n * sizeof(double));
  else out->i = malloc(n * sizeof(int64_t));
  out->v = malloc(n);
  return (!out->t && !out->f && !out->i) || !out->v ? -1 : 0;
}

/* ---- text tests without the evaluator ----------------------------------- */

/* Lower-cases n ASCII bytes into out; 0 if any byte is not ASCII. Case
** folding works character by character and maps ASCII to ASCII of the same
** length, so for an ASCII value (or an ASCII run of one) this is exactly
** its folding (u8_casefold). A non-ASCII character may fold longer (ΐ: 2
** bytes to 6), so no decision below is taken on non-ASCII bytes. */
static int ascii_fold(const char *s, size_t n, char *out) {
  unsigned char any = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    any |= ch;
    out[i] = (char)((unsigned)(ch - 'A') < 26u ? ch + 32 : ch);
  }
  return any < 0x80;
}

static int ascii_only(const char *s, size_t n) {
  unsigned char any = 0;
  for (size_t i = 0; i < n; i++) any |= (unsigned char)s[i];
  return any < 0x80;
}

/* Eight bytes lower-cased where they are ASCII capitals (bit 5 set); the
** high bits are cleared first so no byte carries into the next. */
static inline uint64_t fold8(uint64_t w) {
  const uint64_t H = 0x8080808080808080ULL;
  uint64_t w7 = w & 0x7F7F7F7F7F7F7F7FULL;
  /* high bit of a byte: >= 'A' and not >= 'Z' + 1 */
  uint64_t upper = (w7 + 0x3F3F3F3F3F3F3F3FULL) & ~(w7 + 0x2525252525252525ULL) & H;
  return w | (upper >> 2);
}

static inline uint64_t load8(const char *s) {
  uint64_t w;
  memcpy(&w, s, 8);
  return w;
}

/* Compares n bytes of s, lower-cased, with k: 1 equal, 0 different, -1 if
** a byte of s is not ASCII (the caller then asks the evaluator). Eight
** bytes at a time; the last eight overlap when n is not a multiple. */
static inline int ascii_eq(const char *s, const char *k, size_t n) {
  const uint64_t H = 0x8080808080808080ULL;
  if (n >= 8) {
    uint64_t anyw = 0, diffw = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      w = load8(s + i);
      anyw |= w;
      diffw |= fold8(w) ^ load8(k + i);
    }
    if (i < n) {
      w = load8(s + n - 8);
      anyw |= w;
      diffw |= fold8(w) ^ load8(k + n - 8);
    }
    return anyw & H ? -1 : diffw == 0;
  }
  unsigned char any = 0, diff = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    any |= ch;
    diff |= (unsigned char)(((unsigned)(ch - 'A') < 26u ? ch + 32 : ch) ^ (unsigned char)k[i]);
  }
  return any >= 0x80 ? -1 : diff == 0;
}

/* A text map whose expression is one of the common tests on its column,
** recognised once per map: `starts with / ends with / contains "k"`,
** `= "k"`, `!= "k"`, `in ("k", ...)`, `is (not) missing`. */
typedef enum tkind { TK_NONE, TK_STARTS, TK_ENDS, TK_CONTAINS, TK_EQ, TK_IN, TK_MISSING } tkind;
typedef struct ttest {
  tkind kind;
  int negated;
  const seg_xprog *x;
  uint32_t k;                  /* the literal, or the first item of the list */
  const char *kf;              /* the literal's folding (kind != TK_IN)  */
  size_t kn;
} ttest;

static int is_str(const seg_xprog *x, uint32_t i) {
  return x->n[i].kind == SEG_N_STR && x->n[i].folded != SEG_XNONE;
}
static int is_col(const seg_xprog *x, uint32_t i) { return x->n[i].kind == SEG_N_NAME; }
static const char *kfold(const ttest *t, uint32_t k) { return t->x->pool + t->x->n[k].folded; }
static size_t kfold_len(const ttest *t, uint32_t k) { return t->x->n[k].folded_len; }

static ttest text_test_of(const seg_xprog *x, uint32_t root) {
  ttest t = {TK_NONE, 0, x, SEG_XNONE, NULL, 0};
  const seg_xnode *e = &x->n[root];
  if (e->kind == SEG_N_TEXTOP && e->op != SEG_OPR_MATCHES && is_col(x, e->a) && is_str(x, e->b)) {
    t = (ttest){e->op == SEG_OPR_STARTS ? TK_STARTS : e->op == SEG_OPR_ENDS ? TK_ENDS : TK_CONTAINS, e->negated, x, e->b, NULL, 0};
  } else if (e->kind == SEG_N_BIN && (e->op == SEG_OPR_EQ || e->op == SEG_OPR_NE) &&
             ((is_col(x, e->a) && is_str(x, e->b)) || (is_col(x, e->b) && is_str(x, e->a)))) {
    t = (ttest){TK_EQ, e->op == SEG_OPR_NE, x, is_str(x, e->b) ? e->b : e->a, NULL, 0};
  } else if (e->kind == SEG_N_MISSING && is_col(x, e->a)) {
    t = (ttest){TK_MISSING, e->negated, x, SEG_XNONE, NULL, 0};
  } else if (e->kind == SEG_N_IN && is_col(x, e->a)) {
    for (uint32_t k = e->list; k != SEG_XNONE; k = x->n[k].next)
      if (!is_str(x, k)) return t;
    t = (ttest){TK_IN, e->negated, x, e->list, NULL, 0};
  }
  if (t.kind != TK_NONE && t.kind != TK_IN && t.k != SEG_XNONE) {
    t.kf = kfold(&t, t.k);
    t.kn = kfold_len(&t, t.k);
  }
  return t;
}

/* Decides t on one dictionary value when the bytes it needs are ASCII.
** Returns 1 with *r (0 false, 2 true), or 0: use the evaluator. */
static int fast_text(const ttest *t, const char *s, size_t n, uint8_t *r) {
  int hit = 0;
  switch (t->kind) {
  case TK_NONE: return 0;
  case TK_MISSING: break;                        /* a dictionary value is present */
  case TK_STARTS: case TK_ENDS: case TK_EQ: {
    size_t kn = t->kn;
    if (kn > n || (t->kind == TK_EQ && kn != n)) {
      if (!ascii_only(s, n)) return 0;           /* ASCII keeps its length */
    } else if ((hit = ascii_eq(t->kind == TK_ENDS ? s + n - kn : s, t->kf, kn)) < 0) {
      return 0;
    }
    break;
  }
  case TK_CONTAINS: {
    char buf[256];
    if (n > sizeof buf || !ascii_fold(s, n, buf)) return 0;
    hit = t->kn == 0 || memmem(buf, n, t->kf, t->kn) != NULL;
    break;
  }
  case TK_IN:
    if (!ascii_only(s, n)) return 0;
    for (uint32_t k = t->k; k != SEG_XNONE && !hit; k = t->x->n[k].next)
      hit = kfold_len(t, k) == n && ascii_eq(s, kfold(t, k), n) == 1;
    break;
  }
  *r = (uint8_t)((hit != t->negated) ? SEG_TRUE : SEG_FALSE);
  return 1;
}

/* `starts with` / `ends with` a literal of 1..16 bytes, on a value at least
** as long as the words read: one or two words loaded at the value's start
** or end, the literal's bytes masked in (their high bits must be clear:
** ASCII). Word 0 is the one at the value's start (starts) or end (ends). */
typedef struct affix {
  uint64_t k[2], mask[2];
  size_t need;                 /* bytes the value must have: 8 or 16    */
  int ends;
} affix;

static int affix_of(const ttest *t, affix *a) {
  if (t->kind != TK_STARTS && t->kind != TK_ENDS) return 0;
  size_t kn = t->kn;
  if (kn == 0 || kn > 16) return 0;
  char kb[16] = {0}, mb[16] = {0};
  a->ends = t->kind == TK_ENDS;
  size_t at = a->ends ? 16 - kn : 0;
  memcpy(kb + at, t->kf, kn);
  memset(mb + at, 0xFF, kn);
  a->need = kn <= 8 ? 8 : 16;
  /* ends: word 0 is the last eight bytes, word 1 the eight before */
  a->k[0] = load8(kb + (a->ends ? 8 : 0));
  a->k[1] = load8(kb + (a->ends ? 0 : 8));
  a->mask[0] = load8(mb + (a->ends ? 8 : 0));
  a->mask[1] = load8(mb + (a->ends ? 0 : 8));
  return 1;
}

#define UNDECIDED 0xFF

/* The affix test over dictionary values [lo, hi): t[k] is 2 / 0 (true /
** false, `not` applied) when decided on ASCII bytes, else UNDECIDED (the
** value is shorter than the words read, or a byte read is not ASCII).
** Everything in locals: the byte stores would otherwise make the compiler
** reload the literal for every value. */
static inline __attribute__((always_inline)) void affix_fill(const affix *a, int ends, int two,
                                                             const char *bytes, const uint64_t *off,
                                                             size_t lo, size_t hi, int negated, uint8_t *t) {
  const uint64_t H = 0x8080808080808080ULL;
  const uint64_t k0 = a->k[0], k1 = a->k[1], m0 = a->mask[0], m1 = a->mask[1];
  const size_t need = two ? 16 : 8;
  const uint8_t yes = negated ? SEG_FALSE : SEG_TRUE, no = negated ? SEG_TRUE : SEG_FALSE;
  for (size_t k = lo; k < hi; k++) {
    uint64_t o = off[k], e = off[k + 1];
    if (e - o < need) { t[k] = UNDECIDED; continue; }
    const char *s = ends ? bytes + e - 8 : bytes + o;
    uint64_t w0 = load8(s) & m0, w1 = two ? load8(ends ? s - 8 : s + 8) & m1 : 0;
    if ((w0 | w1) & H) { t[k] = UNDECIDED; continue; }
    /* the masked-out bytes are 0 in both words and in the literal */
    uint64_t diff = (fold8(w0) ^ k0) | (two ? fold8(w1) ^ k1 : 0);
    t[k] = diff ? no : yes;
  }
}

/* Evaluates map m for dictionary codes [lo, hi) (code ndict: missing). */
int seg_vm_map_fill(const seg_program *p, const seg_map *m, const seg_table *t, vmap *out,
                    size_t lo, size_t hi) {
  const seg_column *c = &t->cols[m->col];
  SEG_ASSERT(lo <= hi && hi <= (size_t)c->ndict + 1);   /* code ndict: missing */
  seg_eval_env env = {.today = p->today, .textcol = (int)m->col};
  ttest tt = m->type == VT_BOOL ? text_test_of(&p->x, m->expr) : (ttest){TK_NONE, 0, &p->x, SEG_XNONE, NULL, 0};
  affix af;
  int use_affix = affix_of(&tt, &af);
  if (use_affix) {            /* the common case first, in a tight loop */
    size_t top = hi < c->ndict ? hi : c->ndict;
    if (lo < top) {
      int two = af.need > 8;
      if (af.ends && two) affix_fill(&af, 1, 1, c->dict_bytes, c->dict_off, lo, top, tt.negated, out->t);
      else if (af.ends) affix_fill(&af, 1, 0, c->dict_bytes, c->dict_off, lo, top, tt.negated, out->t);
      else if (two) affix_fill(&af, 0, 1, c->dict_bytes, c->dict_off, lo, top, tt.negated, out->t);
      else affix_fill(&af, 0, 0, c->dict_bytes, c->dict_off, lo, top, tt.negated, out->t);
      memset(out->v + lo, 1, top - lo);
    }
  }
  for (size_t k = lo; k < hi; k++) {
    if (use_affix && k < c->ndict && out->t[k] != UNDECIDED) continue;
    env.text_missing = k == c->ndict;
    if (!env.text_missing) {
      env.text = c->dict_bytes + c->dict_off[k];
      env.textlen = (size_t)(c->dict_off[k + 1] - c->dict_off[k]);
      if (fast_text(&tt, env.text, env.textlen, &out->t[k])) {
        out->v[k] = 1;
        continue;
      }
    }
    seg_val v = seg_xeval(&p->x, m->expr, &env);
    if (env.error == 2) {               /* reported by seg_vm_run, never "false" */
      out->match_error = env.match_error;
      out->bad_code = k;
      seg_val_release(&v);
      return -1;
    }
    out->v[k] = !v.missing;
    if (m->type == VT_BOOL) out->t[k] = v.missing ? SEG_UNKNOWN : v.i ? SEG_TRUE : SEG_FALSE;
    else if (m->type == VT_NUM) out->f[k] = v.missing ? 0 : v.type == VT_NUM ? v.f : (double)v.i;
    else out->i[k] = v.missing ? 0 : v.i;
    seg_val_release(&v);
  }
  return env.error ? -1 : 0;
}

void seg_vm_map_free(vmap *m) {
  free(m->t);
  free(m->i);
  free(m->f);
  free(m->v);
}


void seg_vm_map_hset(vmap *m, uint32_t ndict) {
  uint32_t yes = 0, no = 0;
  m->hn = -1;
  for (uint32_t k = 0; k < ndict; k++) {
    if (m->t[k] == SEG_TRUE) yes++; else no++;
    if (yes > HSET_MAX && no > HSET_MAX) return;
  }
  m->hinv = yes > HSET_MAX;
  m->hn = 0;
  for (uint32_t k = 0; k < ndict; k++)
    if ((m->t[k] == SEG_TRUE) != m->hinv) m->hset[m->hn++] = k;
}
