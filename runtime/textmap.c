/*
** textmap.c -- text maps: a text condition (or an int or number made from
** text) evaluated once per distinct dictionary value of its column, so the
** VM looks rows up by code; or, on a column whose values are (nearly) all
** distinct, a condition made of the common tests evaluated on each row's
** bytes as the VM reaches it (seg_vm_map_rows): when a whole batch's codes
** are a range (a value per row: code = row), once per code of the range,
** over its one run of bytes, `contains` in a single scan of that run. The common tests (`=`,
** `in`, `starts with`, `ends with`, `contains`, `is missing`, and `and` /
** `or` / `not` of them on one column) are decided on ASCII bytes here, a
** literal prefix or suffix eight bytes at a time, `contains` eight or
** sixteen positions at a time; everything else, and any value with a
** non-ASCII byte the test reads, goes through the one evaluator
** (bytecode/expr.c), which folds case as the language defines it.
*/
#include "vm_int.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "err.h"
#include "expr.h"

int seg_vm_map_alloc(const seg_map *m, const seg_table *t, vmap *out) {
  size_t n = (size_t)t->cols[m->col].ndict + 1;
  if (m->type == VT_BOOL) out->t = malloc(n);
  else if (m->type == VT_NUM) out->f = malloc(n * sizeof(double));
  else out->i = malloc(n * sizeof(int64_t));
  out->v = malloc(n);
  return (!out->t && !out->f && !out->i) || !out->v ? -1 : 0;
}

/* ---- text tests without the evaluator ----------------------------------- */

/* Case folding works character by character and maps ASCII to ASCII of
** the same length, so for an ASCII value (or an ASCII run of one) its
** lower-casing is exactly its folding (u8_casefold). A non-ASCII character
** may fold longer (ΐ: 2 bytes to 6), so no decision below is taken on
** non-ASCII bytes. */
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

/* Whether s (n bytes), lower-cased, contains k (kn bytes, folded): 1, 0,
** or -1 when s has a non-ASCII byte and no match was found on ASCII bytes
** (a non-ASCII character may fold to ASCII: the Kelvin sign to "k"). A
** match of ASCII bytes is a match of the folding, whatever else s holds:
** each ASCII byte is a character folded alone. Eight positions at a time:
** those whose byte equals k's first and whose next byte k's second (if
** any) are candidates, each checked in full. */
#ifdef __SSE2__
/* Sixteen positions at a time, for values of 17 bytes or more. */
static inline __attribute__((always_inline)) int ascii_contains16(const char *s, size_t n, const char *k, size_t kn) {
  const __m128i shift = _mm_set1_epi8((char)(0x80 - 'A')), top = _mm_set1_epi8((char)(-128 + 26));
  const __m128i bit5 = _mm_set1_epi8(0x20);
  const __m128i b0 = _mm_set1_epi8(k[0]), b1 = _mm_set1_epi8(kn > 1 ? k[1] : 0);
  const size_t last = n - kn;
  unsigned any = 0;
  size_t end = 0;
  for (size_t i = 0;; i += 16) {
    if (i + 17 > n) i = n - 17;        /* the last positions overlap the ones before */
    __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i w1 = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
    any |= (unsigned)_mm_movemask_epi8(_mm_or_si128(w, w1));
    end = i + 17;
    /* lower-cased: 'A'..'Z' moved to -128..-103, the only bytes below -102 */
    __m128i f = _mm_or_si128(w, _mm_and_si128(_mm_cmplt_epi8(_mm_add_epi8(w, shift), top), bit5));
    __m128i eq = _mm_cmpeq_epi8(f, b0);
    if (kn > 1) {
      __m128i f1 = _mm_or_si128(w1, _mm_and_si128(_mm_cmplt_epi8(_mm_add_epi8(w1, shift), top), bit5));
      eq = _mm_and_si128(eq, _mm_cmpeq_epi8(f1, b1));
    }
    for (unsigned m = (unsigned)_mm_movemask_epi8(eq); m; m &= m - 1) {
      size_t at = i + (size_t)__builtin_ctz(m);
      if (at <= last && ascii_eq(s + at, k, kn) == 1) return 1;
    }
    if (end == n || i + 16 > last) break;
  }
  if (kn == 1) {                       /* positions 0 .. n - 2 were candidates */
    unsigned char ch = (unsigned char)s[n - 1];
    if (ch < 0x80 && (unsigned char)((unsigned)(ch - 'A') < 26u ? ch + 32 : ch) == (unsigned char)k[0]) return 1;
  }
  if (any) return -1;
  return end == n || ascii_only(s + end, n - end) ? 0 : -1;
}
#endif

static inline __attribute__((always_inline)) int ascii_contains(const char *s, size_t n, const char *k, size_t kn) {
  const uint64_t H = 0x8080808080808080ULL, L = 0x0101010101010101ULL;
  if (kn == 0) return 1;
  if (kn > n) return ascii_only(s, n) ? 0 : -1;
#ifdef __SSE2__
  if (n >= 17) return ascii_contains16(s, n, k, kn);
#endif
  const uint64_t b0 = L * (unsigned char)k[0], b1 = kn > 1 ? L * (unsigned char)k[1] : 0;
  uint64_t any = 0;
  const size_t last = n - kn;          /* candidates start at <= last */
  if (n >= 9) {
    size_t end = 0;                    /* bytes [0, end) read */
    for (size_t i = 0;; i += 8) {
      if (i + 9 > n) i = n - 9;        /* the last positions overlap the ones before */
      uint64_t w = load8(s + i), w1 = load8(s + i + 1);
      any |= w | w1;
      end = i + 9;
      uint64_t z = (fold8(w) ^ b0) | (kn > 1 ? fold8(w1) ^ b1 : 0);
      /* a zero byte of z sets its high bit here (bytes above one may too:
      ** they are only candidates) */
      for (uint64_t m = (z - L) & ~z & H; m; m &= m - 1) {
        size_t at = i + (size_t)(__builtin_ctzll(m) >> 3);
        if (at <= last && ascii_eq(s + at, k, kn) == 1) return 1;
      }
      if (end == n || i + 8 > last) break;
    }
    /* positions 0 .. n - 2 were candidates; a one-byte k may be the last */
    if (kn == 1) {
      unsigned char ch = (unsigned char)s[n - 1];
      if (ch < 0x80 && (unsigned char)((unsigned)(ch - 'A') < 26u ? ch + 32 : ch) == (unsigned char)k[0]) return 1;
    }
    if (any & H) return -1;
    return end == n || ascii_only(s + end, n - end) ? 0 : -1;
  }
  for (size_t i = 0; i < n; i++) {     /* under nine bytes */
    unsigned char ch = (unsigned char)s[i];
    any |= ch;
    if (i <= last && (unsigned char)((unsigned)(ch - 'A') < 26u ? ch + 32 : ch) == (unsigned char)k[0] &&
        ascii_eq(s + i, k, kn) == 1)
      return 1;
  }
  return any & H ? -1 : 0;
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
  case TK_CONTAINS:
    if ((hit = ascii_contains(s, n, t->kf, t->kn)) < 0) return 0;
    break;
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
  /* the same as the 16 bytes at the value's start (starts) or end (ends),
  ** in memory order: one SSE2 load of a value of 16 bytes or more */
  unsigned char kb[16], mb[16];
} affix;

#ifdef __SSE2__
/* Sixteen ASCII bytes lower-cased: 'A'..'Z' moved to -128..-103, the only
** bytes below -102, get bit 5. */
static inline __m128i fold16(__m128i w) {
  const __m128i shift = _mm_set1_epi8((char)(0x80 - 'A')), top = _mm_set1_epi8((char)(-128 + 26));
  return _mm_or_si128(w, _mm_and_si128(_mm_cmplt_epi8(_mm_add_epi8(w, shift), top), _mm_set1_epi8(0x20)));
}
static inline __m128i load16(const void *p) { return _mm_loadu_si128((const __m128i *)p); }
#endif

static int affix_of(const ttest *t, affix *a) {
  if (t->kind != TK_STARTS && t->kind != TK_ENDS) return 0;
  size_t kn = t->kn;
  if (kn == 0 || kn > 16) return 0;
  char kb[16] = {0}, mb[16] = {0};
  a->ends = t->kind == TK_ENDS;
  size_t at = a->ends ? 16 - kn : 0;
  memcpy(kb + at, t->kf, kn);
  memset(mb + at, 0xFF, kn);
  memcpy(a->kb, kb, 16);
  memcpy(a->mb, mb, 16);
  a->need = kn <= 8 ? 8 : 16;
  /* ends: word 0 is the last eight bytes, word 1 the eight before */
  a->k[0] = load8(kb + (a->ends ? 8 : 0));
  a->k[1] = load8(kb + (a->ends ? 0 : 8));
  a->mask[0] = load8(mb + (a->ends ? 8 : 0));
  a->mask[1] = load8(mb + (a->ends ? 0 : 8));
  return 1;
}

#define UNDECIDED 0xFF


/* ---- a tree of common tests ---------------------------------------------- */

/* A map whose expression is `and` / `or` / `not` over common tests of its
** column (`email ends with "@hotmail.com" or email ends with "@outlook.com"`)
** is decided on ASCII bytes as a whole: a present text makes every such
** test true or false (never unknown), so the connectives are two-valued
** and the tree gives the evaluator's answer. Any part undecided on the
** bytes (a non-ASCII byte it reads) sends the whole value to the
** evaluator. */
typedef enum tnkind { TN_LEAF, TN_AND, TN_OR, TN_NOT } tnkind;
typedef struct tnode {
  tnkind kind;
  uint32_t a, b;               /* children: node indexes                 */
  ttest t;                     /* TN_LEAF                                */
  affix af;
  int use_affix;
} tnode;

#define TREE_MAX 32

struct seg_ttree {
  tnode n[TREE_MAX];
  uint32_t nn;
  int single;                  /* the root is a leaf with an affix: affix_rows */
  /* the root is an `or` (flat_or) or an `and` of 2..FLAT_MAX affix leaves
  ** (`email ends with "@hotmail.com" or email ends with "@outlook.com"`):
  ** flat_rows loads and folds each row's first and last 16 bytes once */
  uint32_t nflat, flat_or, flat_need;
  int flat_starts, flat_ends;  /* some leaf is a `starts with` / an `ends with` */
  uint32_t flat[8];
};
#define FLAT_MAX 8

/* Adds the tree of node e; returns its index, or -1 (not such a tree). */
static int tree_add(const seg_xprog *x, uint32_t e, struct seg_ttree *tr) {
  const seg_xnode *xn = &x->n[e];
  if (tr->nn >= TREE_MAX) return -1;
  uint32_t me = tr->nn++;
  tnode *t = &tr->n[me];
  memset(t, 0, sizeof *t);
  if (xn->kind == SEG_N_AND || xn->kind == SEG_N_OR || xn->kind == SEG_N_NOT) {
    int a = tree_add(x, xn->a, tr), b = 0;
    if (a >= 0 && xn->kind != SEG_N_NOT) b = tree_add(x, xn->b, tr);
    if (a < 0 || b < 0) return -1;
    t = &tr->n[me];
    t->kind = xn->kind == SEG_N_AND ? TN_AND : xn->kind == SEG_N_OR ? TN_OR : TN_NOT;
    t->a = (uint32_t)a;
    t->b = (uint32_t)b;
    return (int)me;
  }
  t->kind = TN_LEAF;
  t->t = text_test_of(x, e);
  if (t->t.kind == TK_NONE) return -1;
  t->use_affix = affix_of(&t->t, &t->af);
  return (int)me;
}

/* Collects the affix leaves of the same-connective chain at node i into
** tr->flat; 0 if the chain has anything else (or too many). */
static int flat_add(struct seg_ttree *tr, uint32_t i, tnkind kind) {
  const tnode *t = &tr->n[i];
  if (t->kind == kind) return flat_add(tr, t->a, kind) && flat_add(tr, t->b, kind);
  if (t->kind != TN_LEAF || !t->use_affix || tr->nflat >= FLAT_MAX) return 0;
  tr->flat[tr->nflat++] = i;
  if (t->af.ends) tr->flat_ends = 1; else tr->flat_starts = 1;
  if (t->af.need > tr->flat_need) tr->flat_need = (uint32_t)t->af.need;
  return 1;
}

/* One leaf on a present value: 1 true, 0 false (`not` applied), -1 undecided. */
static inline int leaf_eval(const tnode *l, const char *s, size_t n) {
  if (l->use_affix && n >= l->af.need) {
    const uint64_t H = 0x8080808080808080ULL;
    const affix *a = &l->af;
    const char *w = a->ends ? s + n - 8 : s;
    uint64_t w0 = load8(w) & a->mask[0], w1 = a->need > 8 ? load8(a->ends ? w - 8 : w + 8) & a->mask[1] : 0;
    if ((w0 | w1) & H) return -1;
    uint64_t diff = (fold8(w0) ^ a->k[0]) | (a->need > 8 ? fold8(w1) ^ a->k[1] : 0);
    return (diff == 0) != l->t.negated;
  }
  uint8_t r;
  if (!fast_text(&l->t, s, n, &r)) return -1;
  return r == SEG_TRUE;
}

static int tree_eval(const struct seg_ttree *tr, uint32_t i, const char *s, size_t n) {
  const tnode *t = &tr->n[i];
  switch (t->kind) {
  case TN_LEAF: return leaf_eval(t, s, n);
  case TN_NOT: { int a = tree_eval(tr, t->a, s, n); return a < 0 ? -1 : !a; }
  case TN_AND: case TN_OR: {
    int stop = t->kind == TN_OR;             /* the value that decides alone */
    int a = tree_eval(tr, t->a, s, n);
    if (a == stop) return a;
    int b = tree_eval(tr, t->b, s, n);
    if (b == stop) return b;
    return a < 0 || b < 0 ? -1 : !stop;
  }
  }
  return -1;
}

/* An affix test's words in locals: a loop's byte stores would otherwise
** make the compiler reload the literal for every value. */
typedef struct affixk {
  uint64_t k0, k1, m0, m1;
#ifdef __SSE2__
  __m128i K, M;
#endif
  uint8_t yes, no;
} affixk;

static inline __attribute__((always_inline)) affixk affixk_of(const affix *a, int negated) {
  affixk A;
  A.k0 = a->k[0], A.k1 = a->k[1], A.m0 = a->mask[0], A.m1 = a->mask[1];
#ifdef __SSE2__
  A.K = load16(a->kb), A.M = load16(a->mb);
#endif
  A.yes = negated ? SEG_FALSE : SEG_TRUE, A.no = negated ? SEG_TRUE : SEG_FALSE;
  return A;
}

/* The affix test (its end and width: ends, two) on the value bytes[o, e):
** yes / no (`not` applied) when decided on ASCII bytes, else UNDECIDED
** (the value is shorter than the words read, or a byte read is not
** ASCII). */
static inline __attribute__((always_inline)) uint8_t affix_one(const affixk *A, int ends, int two, const char *bytes,
                                                               uint64_t o, uint64_t e) {
  const uint64_t H = 0x8080808080808080ULL;
#ifdef __SSE2__
  if (e - o >= 16) {                   /* the literal's window in one load */
    __m128i w = _mm_and_si128(load16(bytes + (ends ? e - 16 : o)), A->M);
    if (_mm_movemask_epi8(w)) return UNDECIDED;
    return _mm_movemask_epi8(_mm_cmpeq_epi8(fold16(w), A->K)) == 0xFFFF ? A->yes : A->no;
  }
#endif
  if (e == o) return A->no;            /* "" (ASCII) has no literal of 1 byte or more */
  if (e - o < (two ? 16u : 8u)) return UNDECIDED;
  const char *s = ends ? bytes + e - 8 : bytes + o;
  uint64_t w0 = load8(s) & A->m0, w1 = two ? load8(ends ? s - 8 : s + 8) & A->m1 : 0;
  if ((w0 | w1) & H) return UNDECIDED;
  /* the masked-out bytes are 0 in both words and in the literal */
  uint64_t diff = (fold8(w0) ^ A->k0) | (two ? fold8(w1) ^ A->k1 : 0);
  return diff ? A->no : A->yes;
}

/* The affix test over dictionary values [lo, hi): t[k] as affix_one. */
static inline __attribute__((always_inline)) void affix_fill(const affix *a, int ends, int two,
                                                             const char *bytes, const uint32_t *off,
                                                             size_t lo, size_t hi, int negated, uint8_t *t) {
  const affixk A = affixk_of(a, negated);
  for (size_t k = lo; k < hi; k++) t[k] = affix_one(&A, ends, two, bytes, off[k], off[k + 1]);
}

/* affix_fill specialised for a's end and width (four tight loops). */
static void affix_fill_any(const affix *a, const char *bytes, const uint32_t *off, size_t lo, size_t hi,
                           int negated, uint8_t *t) {
  int two = a->need > 8;
  if (a->ends && two) affix_fill(a, 1, 1, bytes, off, lo, hi, negated, t);
  else if (a->ends) affix_fill(a, 1, 0, bytes, off, lo, hi, negated, t);
  else if (two) affix_fill(a, 0, 1, bytes, off, lo, hi, negated, t);
  else affix_fill(a, 0, 0, bytes, off, lo, hi, negated, t);
}

/* Evaluates map m for dictionary codes [lo, hi) (code ndict: missing). */
int seg_vm_map_fill(const seg_program *p, const seg_map *m, const seg_table *t, vmap *out,
                    size_t lo, size_t hi) {
  const seg_column *c = &t->cols[m->col];
  SEG_ASSERT(lo <= hi && hi <= (size_t)c->ndict + 1);   /* code ndict: missing */
  if (out->unchecked && lo < c->ndict &&
      !seg_offs_ok(c->dict_off + lo, (hi < c->ndict ? hi : c->ndict) - lo, c->dict_off[c->ndict]))
    return -1;                       /* damaged: the checksum says so */
  seg_eval_env env = {.today = p->today, .textcol = (int)m->col};
  ttest tt = m->type == VT_BOOL ? text_test_of(&p->x, m->expr) : (ttest){TK_NONE, 0, &p->x, SEG_XNONE, NULL, 0};
  affix af;
  int use_affix = affix_of(&tt, &af);
  if (use_affix) {            /* the common case first, in a tight loop */
    size_t top = hi < c->ndict ? hi : c->ndict;
    if (lo < top) {
      affix_fill_any(&af, c->dict_bytes, c->dict_off, lo, top, tt.negated, out->t);
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
      int r = tt.kind == TK_NONE && out->tree ? tree_eval(out->tree, 0, env.text, env.textlen) : -1;
      if (r >= 0) {
        out->t[k] = r ? SEG_TRUE : SEG_FALSE;
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
  free(m->tree);
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

/* ---- maps evaluated per row ---------------------------------------------- */

/* A dictionary pays when its values repeat: the map is filled once per
** distinct value and each row looks its code up. When most rows have a
** value of their own (e-mails, phone numbers, names with a number), the
** fill is a second pass over (nearly) every value plus two bytes per
** value of tables, so a condition that is a tree of common tests is
** decided on each row's bytes instead, as the VM reaches the row. Chosen
** when more than half of the rows would each need an entry of their own;
** SEG_TEXT_ROWS=always / never forces the choice (tests compare both). */
static int rows_pay(const seg_table *t, const seg_column *c) {
  const char *f = getenv("SEG_TEXT_ROWS");
  if (f && (strcmp(f, "always") == 0 || strcmp(f, "each") == 0)) return 1;
  if (f && strcmp(f, "never") == 0) return 0;
  return (uint64_t)c->ndict * 2 > (uint64_t)t->nrows;
}

int seg_vm_map_plan(const seg_program *p, const seg_map *m, const seg_table *t, vmap *out) {
  memset(out, 0, sizeof *out);
  if (m->type != VT_BOOL) return 0;
  struct seg_ttree *tr = malloc(sizeof *tr);
  if (!tr) return -1;
  tr->nn = 0;
  if (tree_add(&p->x, m->expr, tr) < 0) {
    free(tr);
    return 0;                        /* the evaluator, per dictionary value */
  }
  tr->single = tr->n[0].kind == TN_LEAF && tr->n[0].use_affix;
  tr->nflat = tr->flat_need = 0;
  tr->flat_starts = tr->flat_ends = 0;
  tr->flat_or = tr->n[0].kind == TN_OR;
  if ((tr->n[0].kind != TN_OR && tr->n[0].kind != TN_AND) || !flat_add(tr, 0, tr->n[0].kind)) tr->nflat = 0;
  out->tree = tr;
  if (!rows_pay(t, &t->cols[m->col])) return 0;
  seg_eval_env env = {.today = p->today, .textcol = (int)m->col, .text_missing = 1};
  seg_val v = seg_xeval(&p->x, m->expr, &env);
  out->rmiss = v.missing ? SEG_UNKNOWN : v.i ? SEG_TRUE : SEG_FALSE;
  seg_val_release(&v);
  if (env.error) return -1;
  out->rowwise = 1;
  const char *f = getenv("SEG_TEXT_ROWS");
  out->rowrange = !f || strcmp(f, "each") != 0;
  return 0;
}

/* A present value the tree left undecided, through the evaluator. */
static int row_slow(const seg_program *p, const seg_map *m, const char *s, size_t n, uint8_t *r) {
  seg_eval_env env = {.today = p->today, .textcol = (int)m->col, .text = s, .textlen = n};
  seg_val v = seg_xeval(&p->x, m->expr, &env);
  *r = v.missing ? SEG_UNKNOWN : v.i ? SEG_TRUE : SEG_FALSE;
  seg_val_release(&v);
  return env.error ? -1 : 0;
}

/* Row j's code (width 1, 2 or 4: a constant once inlined), or UINT32_MAX
** when the value is missing (v: the batch's validity, NULL if complete). */
static inline __attribute__((always_inline)) uint32_t code_at(const void *x, unsigned width, const uint64_t *v,
                                                             uint32_t j, uint32_t ndict) {
  uint32_t k = width == 1 ? ((const uint8_t *)x)[j] : width == 2 ? ((const uint16_t *)x)[j] : ((const uint32_t *)x)[j];
  if (v && !seg_valid_get(v, j)) return UINT32_MAX;
  return k < ndict ? k : UINT32_MAX;
}

/* code_at with the width a constant in each branch (1, 2 or 4): the
** loops that call it per row get the three loads specialised. */
static inline __attribute__((always_inline)) uint32_t code_any(const void *x, unsigned width, const uint64_t *v,
                                                              uint32_t j, uint32_t ndict) {
  return width == 1 ? code_at(x, 1, v, j, ndict) : width == 2 ? code_at(x, 2, v, j, ndict) : code_at(x, 4, v, j, ndict);
}

/* One affix test over the rows (the common case), in a tight loop: out[j]
** for each row; the rows whose bytes do not decide it (missing, too short,
** not ASCII) are appended to left. Returns how many. */
static inline __attribute__((always_inline)) uint32_t affix_rows(const affix *a, int ends, int two, unsigned width,
                                                                 int negated, const seg_column *c, const void *x,
                                                                 const uint64_t *v, const uint16_t *sel, uint32_t n,
                                                                 uint8_t *out, uint16_t *left) {
  const affixk A = affixk_of(a, negated);
  const uint32_t *off = c->dict_off;
  const char *bytes = c->dict_bytes;
  const uint32_t ndict = c->ndict;
  uint32_t nl = 0;
  for (uint32_t q = 0; q < n; q++) {
    uint32_t j = sel ? sel[q] : q, k = code_at(x, width, v, j, ndict);
    uint8_t r = k == UINT32_MAX ? UNDECIDED : affix_one(&A, ends, two, bytes, off[k], off[k + 1]);
    if (r == UNDECIDED) left[nl++] = (uint16_t)j;
    else out[j] = r;
  }
  return nl;
}

/* A flat tree's leaves (seg_ttree.flat) in locals: each value's first and
** last 16 bytes are loaded and folded once, every leaf compared with its
** masked words. */
typedef struct flatk {
  uint64_t k0[FLAT_MAX], k1[FLAT_MAX], m0[FLAT_MAX], m1[FLAT_MAX];
  unsigned char kb[FLAT_MAX][16], mb[FLAT_MAX][16];   /* affix.kb, affix.mb */
  unsigned char mbs[16], mbe[16];    /* the masks of the starts / ends leaves, ORed */
  int ends[FLAT_MAX], neg[FLAT_MAX];
  uint32_t nf;
  size_t need;
  int is_or, mixed, at_end;
} flatk;

static void flatk_of(const struct seg_ttree *tr, flatk *F) {
  F->nf = tr->nflat;
  F->need = tr->flat_need;
  F->is_or = (int)tr->flat_or;
  F->mixed = tr->flat_starts && tr->flat_ends;
  F->at_end = tr->flat_ends;
  memset(F->mbs, 0, 16);
  memset(F->mbe, 0, 16);
  for (uint32_t i = 0; i < F->nf; i++) {
    const tnode *l = &tr->n[tr->flat[i]];
    F->k0[i] = l->af.k[0], F->k1[i] = l->af.k[1], F->m0[i] = l->af.mask[0], F->m1[i] = l->af.mask[1];
    F->ends[i] = l->af.ends, F->neg[i] = l->t.negated;
    memcpy(F->kb[i], l->af.kb, 16);
    memcpy(F->mb[i], l->af.mb, 16);
    for (int b = 0; b < 16; b++) (l->af.ends ? F->mbe : F->mbs)[b] |= l->af.mb[b];
  }
}

/* The flat tree on the value [s, e): 1, 0, or -1 (shorter than the longest
** leaf, or a non-ASCII byte a leaf reads). */
static inline __attribute__((always_inline)) int flat_one(const flatk *F, const char *s, const char *e) {
  const uint64_t H = 0x8080808080808080ULL;
  const size_t need = F->need;
  const uint32_t nf = F->nf;
  const int is_or = F->is_or;
#ifdef __SSE2__
  if (e - s >= 16) {                   /* the first and last 16 bytes */
    /* a non-ASCII byte any leaf reads: undecided (the bytes of all the
    ** leaves at once, as the words below) */
    __m128i ws = _mm_and_si128(load16(s), load16(F->mbs)), we = _mm_and_si128(load16(e - 16), load16(F->mbe));
    if (_mm_movemask_epi8(_mm_or_si128(ws, we))) return -1;
    __m128i fs = fold16(ws), fe = fold16(we);
    int acc = !is_or;
    for (uint32_t i = 0; i < nf; i++) {
      __m128i f = _mm_and_si128(F->ends[i] ? fe : fs, load16(F->mb[i]));
      int hit = (_mm_movemask_epi8(_mm_cmpeq_epi8(f, load16(F->kb[i]))) == 0xFFFF) != F->neg[i];
      acc = is_or ? acc | hit : acc & hit;
    }
    return acc;
  }
#endif
  if ((size_t)(e - s) < need) return -1;
  /* words: start, start + 8, end - 8, end - 16 (some bytes read twice
  ** when the value is under 32 bytes: harmless) */
  uint64_t hi = 0;
  int acc = !is_or;
  if (F->mixed) {                      /* starts and ends: four words */
    uint64_t s0 = load8(s), s1 = need > 8 ? load8(s + 8) : 0, e0 = load8(e - 8), e1 = need > 8 ? load8(e - 16) : 0;
    uint64_t fs0 = fold8(s0), fs1 = fold8(s1), fe0 = fold8(e0), fe1 = fold8(e1);
    for (uint32_t i = 0; i < nf; i++) {
      uint64_t w0 = F->ends[i] ? e0 : s0, w1 = F->ends[i] ? e1 : s1, f0 = F->ends[i] ? fe0 : fs0,
               f1 = F->ends[i] ? fe1 : fs1;
      hi |= (w0 & F->m0[i]) | (w1 & F->m1[i]);
      int hit = ((((f0 & F->m0[i]) ^ F->k0[i]) | ((f1 & F->m1[i]) ^ F->k1[i])) == 0) != F->neg[i];
      acc = is_or ? acc | hit : acc & hit;
    }
  } else {                             /* all at one end: two words */
    const char *at = F->at_end ? e - 8 : s;
    uint64_t w0 = load8(at), w1 = need > 8 ? load8(F->at_end ? at - 8 : at + 8) : 0;
    uint64_t f0 = fold8(w0), f1 = fold8(w1);
    for (uint32_t i = 0; i < nf; i++) {
      hi |= (w0 & F->m0[i]) | (w1 & F->m1[i]);
      int hit = ((((f0 & F->m0[i]) ^ F->k0[i]) | ((f1 & F->m1[i]) ^ F->k1[i])) == 0) != F->neg[i];
      acc = is_or ? acc | hit : acc & hit;
    }
  }
  return hi & H ? -1 : acc;
}

/* A flat tree over the rows; rows flat_one leaves undecided (or missing)
** are appended to left. Returns how many. */
static uint32_t flat_rows(const struct seg_ttree *tr, const seg_column *c, const void *x, unsigned width,
                          const uint64_t *v, const uint16_t *sel, uint32_t n, uint8_t *out, uint16_t *left) {
  const uint32_t *off = c->dict_off;
  const char *bytes = c->dict_bytes;
  const uint32_t ndict = c->ndict;
  flatk F;
  flatk_of(tr, &F);
  uint32_t nl = 0;
  for (uint32_t q = 0; q < n; q++) {
    uint32_t j = sel ? sel[q] : q;
    uint32_t k = code_any(x, width, v, j, ndict);
    int r = k == UINT32_MAX ? -1 : flat_one(&F, bytes + off[k], bytes + off[k + 1]);
    if (r < 0) left[nl++] = (uint16_t)j;
    else out[j] = r ? SEG_TRUE : SEG_FALSE;
  }
  return nl;
}

/* `contains` over the rows, as affix_rows. */
static uint32_t contains_rows(const ttest *t, const seg_column *c, const void *x, unsigned width,
                              const uint64_t *v, const uint16_t *sel, uint32_t n, uint8_t *out, uint16_t *left) {
  const uint32_t *off = c->dict_off;
  const char *bytes = c->dict_bytes, *kf = t->kf;
  const size_t kn = t->kn;
  const uint32_t ndict = c->ndict;
  const uint8_t yes = t->negated ? SEG_FALSE : SEG_TRUE, no = t->negated ? SEG_TRUE : SEG_FALSE;
  uint32_t nl = 0;
  for (uint32_t q = 0; q < n; q++) {
    uint32_t j = sel ? sel[q] : q;
    uint32_t k = code_any(x, width, v, j, ndict);
    int hit = k == UINT32_MAX ? -1 : ascii_contains(bytes + off[k], (size_t)(off[k + 1] - off[k]), kf, kn);
    if (hit < 0) left[nl++] = (uint16_t)j;
    else out[j] = hit ? yes : no;
  }
  return nl;
}

#define AFFIX_ROWS(W)                                                                                  \
  (a->ends ? (two ? affix_rows(a, 1, 1, W, neg, c, x, v, sel, n, out, left)                            \
                  : affix_rows(a, 1, 0, W, neg, c, x, v, sel, n, out, left))                           \
           : (two ? affix_rows(a, 0, 1, W, neg, c, x, v, sel, n, out, left)                            \
                  : affix_rows(a, 0, 0, W, neg, c, x, v, sel, n, out, left)))

static uint32_t affix_rows_any(const tnode *l, const seg_column *c, const void *x, unsigned width, const uint64_t *v,
                               const uint16_t *sel, uint32_t n, uint8_t *out, uint16_t *left) {
  const affix *a = &l->af;
  int neg = l->t.negated, two = a->need > 8;
  return width == 1 ? AFFIX_ROWS(1) : width == 2 ? AFFIX_ROWS(2) : AFFIX_ROWS(4);
}
#undef AFFIX_ROWS

/* ---- a batch's values as a range of codes ---------------------------------- */

/* `contains` over the values of codes [0, m) of off (off[0 .. m]: their
** bytes are one run, bytes[off[0] .. off[m])), in one scan over that run
** instead of one per value: res[k] := 2 / 0 (true / false, `not`
** applied), or UNDECIDED when the value has a non-ASCII byte and no match
** on ASCII bytes (as ascii_contains). Sixteen positions at a time: those
** whose byte folds to k's first and whose next to k's second (if any) are
** candidates, and non-ASCII bytes mark their value; each is placed in its
** value by a cursor that only moves forward, and a candidate counts when
** the whole literal fits in that value and matches. */
static void contains_range(const ttest *t, const char *bytes, const uint32_t *off, uint32_t m, uint8_t *res) {
  const char *kf = t->kf;
  const size_t kn = t->kn;
  const uint8_t yes = t->negated ? SEG_FALSE : SEG_TRUE, no = t->negated ? SEG_TRUE : SEG_FALSE;
  if (kn == 0) {
    memset(res, yes, m);
    return;
  }
  memset(res, 0, m);                   /* bit 0: a match, bit 1: a non-ASCII byte */
  const unsigned char c0 = (unsigned char)kf[0], c1 = kn > 1 ? (unsigned char)kf[1] : 0;
  /* a folded literal byte: the bytes that fold to it (a letter: two) */
  const unsigned char u0 = (unsigned)(c0 - 'a') < 26u ? (unsigned char)(c0 - 32) : c0;
  const unsigned char u1 = (unsigned)(c1 - 'a') < 26u ? (unsigned char)(c1 - 32) : c1;
  const size_t end = off[m];
  uint32_t k = 0;                      /* off[k] <= position < off[k + 1] */
  size_t p = off[0];
#define PLACE(q) while (off[k + 1] <= (q)) k++
#define CANDIDATE(q)                                                                     \
  do {                                                                                   \
    PLACE(q);                                                                            \
    if ((q) + kn <= off[k + 1] && ascii_eq(bytes + (q), kf, kn) == 1) res[k] |= 1;       \
  } while (0)
#ifdef __SSE2__
  const __m128i b0 = _mm_set1_epi8((char)c0), v0 = _mm_set1_epi8((char)u0);
  const __m128i b1 = _mm_set1_epi8((char)c1), v1 = _mm_set1_epi8((char)u1);
  for (; p + 17 <= end; p += 16) {
    __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(bytes + p));
    unsigned hi = (unsigned)_mm_movemask_epi8(w);
    __m128i eq = _mm_or_si128(_mm_cmpeq_epi8(w, b0), _mm_cmpeq_epi8(w, v0));
    if (kn > 1) {
      __m128i w1 = _mm_loadu_si128((const __m128i *)(const void *)(bytes + p + 1));
      eq = _mm_and_si128(eq, _mm_or_si128(_mm_cmpeq_epi8(w1, b1), _mm_cmpeq_epi8(w1, v1)));
    }
    for (unsigned ev = (unsigned)_mm_movemask_epi8(eq) | hi; ev; ev &= ev - 1) {
      unsigned at = (unsigned)__builtin_ctz(ev);
      size_t q = p + at;
      if (hi >> at & 1) {              /* a non-ASCII byte starts no ASCII match */
        PLACE(q);
        res[k] |= 2;
      } else {
        CANDIDATE(q);
      }
    }
  }
#endif
  for (; p < end; p++) {               /* the last positions, one at a time */
    unsigned char ch = (unsigned char)bytes[p];
    if (ch >= 0x80) {
      PLACE(p);
      res[k] |= 2;
    } else if ((ch == c0 || ch == u0) && (kn == 1 || (p + 1 < end && ((unsigned char)bytes[p + 1] == c1 ||
                                                                      (unsigned char)bytes[p + 1] == u1)))) {
      CANDIDATE(p);
    }
  }
#undef CANDIDATE
#undef PLACE
  for (uint32_t i = 0; i < m; i++) res[i] = res[i] & 1 ? yes : res[i] ? UNDECIDED : no;
}

/* When the batch's present rows (every row: sel is NULL) have codes in a
** range no more than twice the rows (a column with a value per row: code
** = row), sets [*lo, *lo + *m) and returns 1, *consec when row j has code
** *lo + j; else 0.  Width 0 (no codes, rowcode) is that range: the rows
** from base. */
static int code_range(const void *x, unsigned width, size_t base, const uint64_t *v, uint32_t n, uint32_t ndict,
                      uint32_t *lo, uint32_t *m, int *consec) {
  if (n == 0) return 0;
  if (width == 0) {
    *lo = (uint32_t)base, *m = n, *consec = 1;
    return 1;
  }
  uint32_t x0 = width == 4 ? ((const uint32_t *)x)[0] : width == 2 ? ((const uint16_t *)x)[0] : ((const uint8_t *)x)[0];
  uint32_t diff = 0;                   /* the common case: consecutive codes */
  if (width == 4)
    for (uint32_t j = 0; j < n; j++) diff |= ((const uint32_t *)x)[j] ^ (x0 + j);
  else if (width == 2)
    for (uint32_t j = 0; j < n; j++) diff |= (uint32_t)((const uint16_t *)x)[j] ^ (x0 + j);
  else
    diff = 1;
  if (diff == 0 && (uint64_t)x0 + n <= ndict) {
    *lo = x0, *m = n, *consec = 1;
    return 1;
  }
  uint32_t a = UINT32_MAX, b = 0;
  for (uint32_t j = 0; j < n; j++) {
    uint32_t k = code_at(x, width, v, j, ndict);
    if (k == UINT32_MAX) continue;
    a = k < a ? k : a;
    b = k > b ? k : b;
  }
  if (a > b || (uint64_t)b - a + 1 > 2 * (uint64_t)n) return 0;
  *lo = a, *m = b - a + 1, *consec = 0;
  return 1;
}

/* Map mp over the values of codes [lo, lo + m) into res[0 .. m): the
** common case in its tight loop over the run of bytes, the values it left
** undecided by the tree, then the evaluator; v (not NULL: code lo + i is
** row i's, and these are the rows' validity words) skips the codes of
** missing rows. Returns 0 or -1. */
static int range_fill(const seg_program *p, const seg_map *sm, const vmap *mp, const seg_column *c, uint32_t lo,
                      uint32_t m, const uint64_t *v, uint8_t *res) {
  const struct seg_ttree *tr = mp->tree;
  const uint32_t *off = c->dict_off + lo;
  const char *bytes = c->dict_bytes;
  if (tr->single) {
    affix_fill_any(&tr->n[0].af, bytes, off, 0, m, tr->n[0].t.negated, res);
  } else if (tr->n[0].kind == TN_LEAF && tr->n[0].t.kind == TK_CONTAINS) {
    contains_range(&tr->n[0].t, bytes, off, m, res);
  } else if (tr->nflat) {
    flatk F;
    flatk_of(tr, &F);
    for (uint32_t i = 0; i < m; i++) {
      int r = flat_one(&F, bytes + off[i], bytes + off[i + 1]);
      res[i] = r < 0 ? UNDECIDED : r ? SEG_TRUE : SEG_FALSE;
    }
  } else {
    memset(res, UNDECIDED, m);
  }
  for (const uint8_t *u = memchr(res, UNDECIDED, m); u; u = memchr(u + 1, UNDECIDED, (size_t)(res + m - u - 1))) {
    uint32_t i = (uint32_t)(u - res);
    if (v && !seg_valid_get(v, i)) continue;    /* a missing row's code: rmiss */
    const char *s = bytes + off[i];
    size_t len = (size_t)(off[i + 1] - off[i]);
    int r = tree_eval(tr, 0, s, len);
    if (r >= 0) res[i] = r ? SEG_TRUE : SEG_FALSE;
    else if (row_slow(p, sm, s, len, &res[i]) != 0) return -1;
  }
  return 0;
}

/* seg_vm_map_rows over every row of a batch whose codes are a range
** (code_range): each map decided once per code of the range, over the
** range's run of bytes, then handed to the rows. */
static int range_rows(const seg_program *p, const seg_column *c, const vmap *maps, const uint32_t *which,
                      uint32_t nw, const void *x, unsigned width, const uint64_t *v, uint32_t n, uint32_t lo,
                      uint32_t m, int consec, uint8_t *const *outs) {
  uint8_t res[2 * SEG_BATCH];
  SEG_ASSERT(m <= 2 * SEG_BATCH);
  for (uint32_t w = 0; w < nw; w++) {
    const vmap *mp = &maps[which[w]];
    uint8_t *out = outs[w];
    if (range_fill(p, &p->maps[which[w]], mp, c, lo, m, consec ? v : NULL, res) != 0) return -1;
    if (consec) {                      /* row j has code lo + j */
      memcpy(out, res, n);
      for (uint32_t wd = 0; v && wd < (n + 63) / 64; wd++) {
        uint64_t gaps = ~v[wd];
        if ((wd + 1) * 64 > n) gaps &= UINT64_MAX >> (64 - (n - wd * 64));
        for (; gaps; gaps &= gaps - 1) out[wd * 64 + (unsigned)__builtin_ctzll(gaps)] = mp->rmiss;
      }
    } else {
      for (uint32_t j = 0; j < n; j++) {
        uint32_t k = code_any(x, width, v, j, c->ndict);
        out[j] = k == UINT32_MAX ? mp->rmiss : res[k - lo];
      }
    }
  }
  return 0;
}

/* A batch's validity words from row base (a multiple of 64), or NULL when
** every one of the rows is present. */
static const uint64_t *rows_valid(const seg_column *c, size_t base, const uint16_t *sel, uint32_t n) {
  const uint64_t *v = c->valid + base / 64;
  uint32_t top = n ? (sel ? sel[n - 1] : n - 1) + 1 : 0;      /* selections are ascending */
  uint64_t all = UINT64_MAX;
  for (uint32_t w = 0; w < top / 64; w++) all &= v[w];
  if (top % 64) all &= v[top / 64] | ~(UINT64_MAX >> (64 - top % 64));
  return all == UINT64_MAX ? NULL : v;
}

int seg_vm_map_rows(const seg_program *p, const seg_table *t, const vmap *maps, const uint32_t *which,
                    uint32_t nw, size_t base, const uint16_t *sel, uint32_t n, uint8_t *const *outs) {
  const seg_column *c = &t->cols[p->maps[which[0]].col];
  const uint64_t *v = rows_valid(c, base, sel, n);
  unsigned width = seg_col_width(c);
  const void *x = (const char *)c->data + base * width;
  uint16_t left[SEG_BATCH];
  SEG_ASSERT(n <= SEG_BATCH && base % 64 == 0);
  uint32_t lo, span;
  int consec;
  const int unchecked = maps[which[0]].unchecked;
  if (!sel && maps[which[0]].rowrange && code_range(x, width, base, v, n, c->ndict, &lo, &span, &consec)) {
    if (unchecked && !seg_offs_ok(c->dict_off + lo, span, c->dict_off[c->ndict])) return -1;
    return range_rows(p, c, maps, which, nw, x, width, v, n, lo, span, consec, outs);
  }
  uint32_t rows_codes[SEG_BATCH];      /* no codes (rowcode): the rows', up to the last one read */
  if (width == 0) {
    x = seg_row_codes(rows_codes, base, n ? (sel ? sel[n - 1] : n - 1) + 1 : 0);
    width = 4;
  }
  if (unchecked) {                     /* each row's value within the bytes */
    const uint32_t *off = c->dict_off, end = off[c->ndict];
    uint64_t bad = 0;
    for (uint32_t q = 0; q < n; q++) {
      uint32_t j = sel ? sel[q] : q;
      uint32_t k = code_any(x, width, v, j, c->ndict);
      if (k != UINT32_MAX) bad |= (off[k + 1] < off[k]) | (off[k + 1] > end);
    }
    if (bad) return -1;
  }
  /* map by map, each over the batch (the first brings the column's bytes
  ** into the cache for the others): a single affix test in its tight loop,
  ** then the rows it left; any other tree row by row */
  for (uint32_t w = 0; w < nw; w++) {
    const vmap *m = &maps[which[w]];
    const uint16_t *rows = sel;
    uint32_t nr = n;
    if (m->tree->single) {
      nr = affix_rows_any(&m->tree->n[0], c, x, width, v, sel, n, outs[w], left);
      rows = left;
    } else if (m->tree->n[0].kind == TN_LEAF && m->tree->n[0].t.kind == TK_CONTAINS) {
      nr = contains_rows(&m->tree->n[0].t, c, x, width, v, sel, n, outs[w], left);
      rows = left;
    } else if (m->tree->nflat) {
      nr = flat_rows(m->tree, c, x, width, v, sel, n, outs[w], left);
      rows = left;
    }
    for (uint32_t q = 0; q < nr; q++) {
      uint32_t j = rows ? rows[q] : q;
      uint32_t k = code_any(x, width, v, j, c->ndict);
      uint8_t *o = &outs[w][j];
      if (k == UINT32_MAX) { *o = m->rmiss; continue; }
      const char *s = c->dict_bytes + c->dict_off[k];
      size_t len = (size_t)(c->dict_off[k + 1] - c->dict_off[k]);
      int r = tree_eval(m->tree, 0, s, len);
      if (r >= 0) *o = r ? SEG_TRUE : SEG_FALSE;
      else if (row_slow(p, &p->maps[which[w]], s, len, o) != 0) return -1;
    }
  }
  return 0;
}
