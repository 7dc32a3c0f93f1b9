/*
** segc.c -- saving and loading compiled programs (.segc); see segc.h for
** the file format and what is verified.
*/
#include "segc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codegen.h"
#include "date.h"
#include "parse.h"
#include "sema.h"

#define NSECTIONS 8
#define HEADER_LEN (SEG_SEGC_MAGIC_LEN + 16)
#define NO_DESC 0xffffffffu

static const char *const TAGS[NSECTIONS] = {"PROG", "OPS ", "COLS", "CODE", "KINT", "KNUM", "SEGS", "MAPS"};

/* ---- CRC-32 (IEEE 802.3, reflected, as zlib) ------------------------- */

static uint32_t crc32_of(const uint8_t *p, size_t n) {
  static uint32_t table[256];
  static int ready;
  if (!ready) {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = 1;
  }
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

/* ---- growing byte buffer ------------------------------------------------ */

typedef struct buf { uint8_t *p; size_t n, cap; int oom; } buf;

static void put(buf *b, const void *s, size_t n) {
  if (b->oom) return;
  if (b->n + n > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->n + n) cap *= 2;
    uint8_t *q = realloc(b->p, cap);
    if (!q) { b->oom = 1; return; }
    b->p = q;
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->n, s, n);
  b->n += n;
}
static void put_u8(buf *b, unsigned v) { uint8_t x = (uint8_t)v; put(b, &x, 1); }
static void put_u16(buf *b, unsigned v) { uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)}; put(b, x, 2); }
static void put_u32(buf *b, uint32_t v) {
  uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  put(b, x, 4);
}
static void put_u64(buf *b, uint64_t v) { put_u32(b, (uint32_t)v); put_u32(b, (uint32_t)(v >> 32)); }
static void put_str(buf *b, const char *s) { size_t n = strlen(s); put_u32(b, (uint32_t)n); put(b, s, n); }
static void put_text(buf *b, const char *s) { put(b, s, strlen(s)); }
static void patch_u32(buf *b, size_t at, uint32_t v) {
  if (b->oom) return;
  for (int k = 0; k < 4; k++) b->p[at + (size_t)k] = (uint8_t)(v >> (8 * k));
}

/* ---- expressions as .seg text ------------------------------------------ */

static const char *const KEYWORDS[] = {
  "segment", "let", "and", "or", "not", "in", "is", "missing", "contains", "starts", "ends",
  "with", "matches", "between", "within", "more", "less", "than", "ago", "before", "after",
  "today", "true", "false", "day", "days", "week", "weeks", "month", "months", "year", "years",
  NULL
};

static void put_name(buf *b, const char *s) {
  int plain = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_';
  for (const char *p = s; *p && plain; p++)
    plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
  for (int i = 0; plain && KEYWORDS[i]; i++) if (strcasecmp(s, KEYWORDS[i]) == 0) plain = 0;
  if (plain) { put_text(b, s); return; }
  put_u8(b, '`');
  for (const char *p = s; *p; p++) {
    if (*p == '`') put_u8(b, '`');
    put_u8(b, (unsigned char)*p);
  }
  put_u8(b, '`');
}

/* The lexer's escapes are \" \' and \\ only; another backslash is kept. */
static void put_string(buf *b, const char *s, size_t n) {
  put_u8(b, '"');
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '"') put_text(b, "\\\"");
    else if (c == '\\') {
      char nx = i + 1 < n ? s[i + 1] : '"';
      put_text(b, (nx == '"' || nx == '\'' || nx == '\\') ? "\\\\" : "\\");
    } else put_u8(b, (unsigned char)c);
  }
  put_u8(b, '"');
}

static void put_fmt(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_fmt(buf *b, const char *fmt, ...) {
  char tmp[400];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A decimal literal that reads back as exactly v (no exponent form). */
static void put_double(buf *b, double v) {
  if (signbit(v)) { put_u8(b, '-'); v = -v; }
  if (!isfinite(v)) v = 0;
  char s[400];
  for (int p = 1; p <= 340; p++) {
    snprintf(s, sizeof s, "%.*f", p, v);
    if (strtod(s, NULL) == v) break;
  }
  put_text(b, s);
}

static int prec_of(const seg_node *n) {
  switch (n->kind) {
  case N_OR: return 1;
  case N_AND: return 2;
  case N_NOT: return 3;
  case N_BIN: return n->op == '+' || n->op == '-' ? 5 : n->op == '*' || n->op == '/' ? 6 : 4;
  case N_RANGE: case N_IN: case N_MISSING: case N_IS: case N_TEXTOP: case N_WITHIN: case N_AGO: return 4;
  case N_NEG: return 7;
  case N_DURATION: return 8;
  default: return 9;
  }
}

static const char *op_text(int op) {
  switch (op) {
  case OP_LT: return "<"; case OP_LE: return "<="; case OP_GT: return ">";
  case OP_GE: return ">="; case OP_EQ: return "="; case OP_NE: return "!=";
  case '+': return "+"; case '-': return "-"; case '*': return "*"; case '/': return "/";
  case OP_CONTAINS: return "contains"; case OP_STARTS: return "starts with";
  case OP_ENDS: return "ends with"; default: return "matches";
  }
}

/* Prints n so that the parser builds the same tree again (up to
** parentheses, which make no node); minprec as in fmt.c. */
static void pr(buf *b, const seg_node *n, int minprec) {
  int p = prec_of(n), paren = p < minprec;
  char d[16];
  if (paren) put_u8(b, '(');
  switch (n->kind) {
  case N_INT: put_fmt(b, "%lld", (long long)n->ival); break;
  case N_NUM: put_double(b, n->fval); break;
  case N_STR: put_string(b, n->str, n->len); break;
  case N_BOOL: put_text(b, n->ival ? "true" : "false"); break;
  case N_DATE: seg_date_format((int32_t)n->ival, d); put_text(b, d); break;
  case N_TODAY: put_text(b, "today"); break;
  case N_NAME: put_name(b, n->str); break;
  case N_OR: pr(b, n->a, 1); put_text(b, " or "); pr(b, n->b, 2); break;
  case N_AND: pr(b, n->a, 2); put_text(b, " and "); pr(b, n->b, 3); break;
  case N_NOT: put_text(b, "not "); pr(b, n->a, 3); break;
  case N_BIN:
    pr(b, n->a, p == 4 ? 5 : p);
    put_fmt(b, " %s ", op_text(n->op));
    pr(b, n->b, p == 4 ? 5 : p + 1);
    break;
  case N_NEG: put_text(b, "- "); pr(b, n->a, 7); break;
  case N_DURATION: {
    static const char *const units[] = {"days", "weeks", "months", "years"};
    pr(b, n->a, 9);
    put_u8(b, ' ');
    put_text(b, units[n->unit <= U_YEAR ? n->unit : 0]);
    break;
  }
  case N_RANGE:
    pr(b, n->a, 5);
    if (n->b && n->c) {
      put_text(b, " between "); pr(b, n->b, 5); put_text(b, " and "); pr(b, n->c, 5);
    } else {                             /* an open end: the bound is a literal, a name or today */
      put_text(b, " in ");
      if (n->b) pr(b, n->b, 9);
      put_text(b, "..");
      if (n->c) pr(b, n->c, 9);
    }
    break;
  case N_IN:
    pr(b, n->a, 5);
    put_text(b, n->negated ? " not in (" : " in (");
    for (const seg_node *k = n->list; k; k = k->next) {
      pr(b, k, 5);
      if (k->next) put_text(b, ", ");
    }
    put_u8(b, ')');
    break;
  case N_MISSING: pr(b, n->a, 5); put_text(b, n->negated ? " is not missing" : " is missing"); break;
  case N_IS:
    pr(b, n->a, 5);
    put_text(b, n->negated ? " is not " : " is ");
    put_text(b, n->op ? "true" : "false");
    break;
  case N_TEXTOP:
    pr(b, n->a, 5);
    put_fmt(b, "%s%s ", n->negated ? " not " : " ", op_text(n->op));
    pr(b, n->b, 5);
    break;
  case N_WITHIN: pr(b, n->a, 5); put_text(b, " within "); pr(b, n->b, 5); break;
  case N_AGO:
    pr(b, n->a, 5);
    put_text(b, n->op == OP_LT ? " less than " : " more than ");
    pr(b, n->b, 5);
    put_text(b, " ago");
    break;
  case N_CALL:
    put_text(b, n->str);
    put_u8(b, '(');
    for (const seg_node *k = n->list; k; k = k->next) {
      pr(b, k, 1);
      if (k->next) put_text(b, ", ");
    }
    put_u8(b, ')');
    break;
  }
  if (paren) put_u8(b, ')');
}

/* The `let` constants n names, directly or through other constants. */
typedef struct stmts { const seg_stmt **v; size_t n, cap; int oom; } stmts;

static void needed_lets(const seg_node *n, stmts *out) {
  if (!n || out->oom) return;
  if (n->kind == N_NAME && n->ref && n->ref->kind == S_LET) {
    for (size_t i = 0; i < out->n; i++) if (out->v[i] == n->ref) return;
    if (out->n == out->cap) {
      size_t cap = out->cap ? out->cap * 2 : 16;
      const seg_stmt **v = realloc(out->v, cap * sizeof *v);
      if (!v) { out->oom = 1; return; }
      out->v = v;
      out->cap = cap;
    }
    out->v[out->n++] = n->ref;
    needed_lets(n->ref->expr, out);
  }
  needed_lets(n->a, out);
  needed_lets(n->b, out);
  needed_lets(n->c, out);
  for (const seg_node *k = n->list; k; k = k->next) needed_lets(k, out);
}

static int reads_today(const seg_node *n) {
  if (!n) return 0;
  if (n->kind == N_TODAY || n->kind == N_WITHIN || n->kind == N_AGO) return 1;
  if (n->kind == N_CALL && n->str && strcasecmp(n->str, "days_since") == 0) return 1;
  if (reads_today(n->a) || reads_today(n->b) || reads_today(n->c)) return 1;
  for (const seg_node *k = n->list; k; k = k->next) if (reads_today(k)) return 1;
  return 0;
}

int seg_segc_uses_today(const seg_ast *ast) {
  for (const seg_stmt *t = ast->first; t; t = t->next) if (reads_today(t->expr)) return 1;
  return 0;
}

int seg_segc_is_segc(const void *p, size_t len) {
  return len >= SEG_SEGC_MAGIC_LEN && memcmp(p, SEG_SEGC_MAGIC, SEG_SEGC_MAGIC_LEN) == 0;
}

/* ---- saving ---------------------------------------------------------------- */

static const char *map_name(uint32_t i, char tmp[32]) {
  snprintf(tmp, 32, "segc map %u", i);
  return tmp;
}

static unsigned vt_code(seg_vtype t) { return t == VT_BOOL ? 1 : t == VT_INT ? 2 : t == VT_NUM ? 3 : 0; }

int seg_segc_save(const seg_compiled *c, const seg_segc_info *info, char **out, size_t *outlen,
                  char *err, size_t errlen) {
  const seg_program *p = &c->prog;
  buf b = {0};
  *out = NULL;
  *outlen = 0;
  if (!c->ok) {
    snprintf(err, errlen, "the rules did not compile");
    return -1;
  }
  /* the opcodes used, numbered in order of first use */
  int16_t idx[SEG_OP_COUNT];
  uint32_t nops = 0;
  uint8_t used[SEG_OP_COUNT];
  memset(used, 0, sizeof used);
  for (uint32_t pc = 0; pc < p->ncode; pc++) used[p->code[pc].op] = 1;
  for (int op = 0; op < SEG_OP_COUNT; op++) idx[op] = used[op] ? (int16_t)nops++ : -1;

  put(&b, SEG_SEGC_MAGIC, SEG_SEGC_MAGIC_LEN);
  put_u32(&b, SEG_SEGC_VERSION);
  put_u32(&b, (info->uses_today ? 1u : 0u) | (info->today_pinned ? 2u : 0u));
  put_u32(&b, (uint32_t)info->today);
  put_u32(&b, NSECTIONS);
  size_t at;
#define BEGIN(tag) (put(&b, tag, 4), at = b.n, put_u32(&b, 0))
#define END() patch_u32(&b, at, (uint32_t)(b.n - at - 4))
  BEGIN("PROG");
  uint32_t counts[9] = {p->nregs, p->maxdepth, p->ncode, p->nki, p->nkf, p->nmaps, p->nsegs, p->ncols, nops};
  for (int i = 0; i < 9; i++) put_u32(&b, counts[i]);
  END();
  BEGIN("OPS ");
  for (int op = 0; op < SEG_OP_COUNT; op++) {
    if (idx[op] < 0) continue;
    put_u8(&b, (unsigned)strlen(seg_op_names[op]));
    put_text(&b, seg_op_names[op]);
    put_u8(&b, (unsigned)strlen(seg_op_formats[op]));
    put_text(&b, seg_op_formats[op]);
  }
  END();
  BEGIN("COLS");
  for (uint32_t i = 0; i < p->ncols; i++) {
    put_u8(&b, (unsigned)p->coltypes[i]);
    put_str(&b, p->colnames[i]);
  }
  END();
  BEGIN("CODE");
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    const seg_insn *in = &p->code[pc];
    put_u16(&b, (unsigned)idx[in->op]);
    put_u16(&b, in->a);
    put_u32(&b, in->b);
    put_u32(&b, in->c);
    put_u32(&b, in->d);
  }
  END();
  BEGIN("KINT");
  for (uint32_t i = 0; i < p->nki; i++) put_u64(&b, (uint64_t)p->ki[i]);
  END();
  BEGIN("KNUM");
  for (uint32_t i = 0; i < p->nkf; i++) {
    uint64_t bits;
    memcpy(&bits, &p->kf[i], sizeof bits);
    put_u64(&b, bits);
  }
  END();
  BEGIN("SEGS");
  for (uint32_t s = 0; s < p->nsegs; s++) {
    const seg_seginfo *si = &p->segs[s];
    put_str(&b, si->name);
    if (si->desc) put_str(&b, si->desc);
    else put_u32(&b, NO_DESC);
    put_u32(&b, (uint32_t)si->loc.first_line);
    put_u32(&b, (uint32_t)si->loc.first_column);
    put_u32(&b, (uint32_t)si->loc.last_line);
    put_u32(&b, (uint32_t)si->loc.last_column);
  }
  END();
  BEGIN("MAPS");
  for (uint32_t m = 0; m < p->nmaps; m++) {
    put_u32(&b, p->maps[m].col);
    put_u8(&b, vt_code(p->maps[m].type));
  }
  /* the maps' source: the constants they name, then one statement each */
  buf src = {0};
  stmts lets = {0};
  for (uint32_t m = 0; m < p->nmaps; m++) needed_lets(p->maps[m].expr, &lets);
  for (const seg_stmt *t = c->ast.first; t; t = t->next)
    for (size_t i = 0; i < lets.n; i++)
      if (lets.v[i] == t) {
        put_text(&src, "let ");
        put_name(&src, t->name);
        put_text(&src, " = ");
        pr(&src, t->expr, 1);
        put_u8(&src, '\n');
      }
  for (uint32_t m = 0; m < p->nmaps; m++) {
    char tmp[32];
    put_text(&src, "segment ");
    put_name(&src, map_name(m, tmp));
    put_text(&src, " = ");
    if (p->maps[m].type == VT_BOOL) pr(&src, p->maps[m].expr, 1);
    else { put_u8(&src, '('); pr(&src, p->maps[m].expr, 1); put_text(&src, ") is missing"); }
    put_u8(&src, '\n');
  }
  put_u32(&b, (uint32_t)src.n);
  put(&b, src.p, src.n);
  int oom = src.oom || lets.oom;
  free(src.p);
  free(lets.v);
  END();
#undef BEGIN
#undef END
  put_u32(&b, b.oom ? 0 : crc32_of(b.p, b.n));
  if (b.oom || oom) {
    free(b.p);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  *out = (char *)b.p;
  *outlen = b.n;
  return 0;
}

/* ---- loading --------------------------------------------------------------- */

typedef struct rd {
  const uint8_t *p;
  size_t n, off;
  char *err;
  size_t errlen;
  int failed;
} rd;

static int fail(rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(rd *r, const char *fmt, ...) {
  if (r->failed) return -1;
  r->failed = 1;
  int k = snprintf(r->err, r->errlen, "corrupt: ");
  va_list ap;
  va_start(ap, fmt);
  if (k >= 0 && (size_t)k < r->errlen) vsnprintf(r->err + k, r->errlen - (size_t)k, fmt, ap);
  va_end(ap);
  return -1;
}

static int need(rd *r, size_t n, const char *what) {
  if (r->failed) return 0;
  if (n > r->n - r->off) {
    fail(r, "%s runs past the end of its section (byte %zu)", what, r->off);
    return 0;
  }
  return 1;
}
static uint32_t get_u8(rd *r, const char *w) { return need(r, 1, w) ? r->p[r->off++] : 0; }
static uint32_t get_u16(rd *r, const char *w) {
  if (!need(r, 2, w)) return 0;
  uint32_t v = (uint32_t)r->p[r->off] | (uint32_t)r->p[r->off + 1] << 8;
  r->off += 2;
  return v;
}
static uint32_t get_u32(rd *r, const char *w) {
  if (!need(r, 4, w)) return 0;
  const uint8_t *q = r->p + r->off;
  r->off += 4;
  return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}
static uint64_t get_u64(rd *r, const char *w) {
  uint64_t lo = get_u32(r, w);
  return lo | (uint64_t)get_u32(r, w) << 32;
}

/* A string of n bytes into the arena; NUL bytes are refused. */
static const char *get_bytes(rd *r, size_t n, seg_arena *a, const char *what) {
  if (!need(r, n, what)) return NULL;
  if (memchr(r->p + r->off, 0, n)) { fail(r, "%s contains a NUL byte", what); return NULL; }
  char *s = seg_arena_strndup(a, (const char *)r->p + r->off, n);
  if (!s) { fail(r, "out of memory"); return NULL; }
  r->off += n;
  return s;
}
static const char *get_str(rd *r, seg_arena *a, const char *what) {
  uint32_t n = get_u32(r, what);
  return r->failed ? NULL : get_bytes(r, n, a, what);
}

/* Opens section i: its payload becomes the reader *sec. */
static int section(rd *r, int i, rd *sec) {
  size_t start = r->off;
  if (!need(r, 8, "a section header")) return -1;
  if (memcmp(r->p + r->off, TAGS[i], 4) != 0)
    return fail(r, "expected section %s at byte %zu", TAGS[i], start);
  r->off += 4;
  uint32_t len = get_u32(r, "a section header");
  if (len > r->n - r->off)
    return fail(r, "section %s (%u bytes at byte %zu) runs past the end of the file", TAGS[i], len, start);
  *sec = (rd){r->p + r->off, len, 0, r->err, r->errlen, 0};
  r->off += len;
  return 0;
}

static int done(rd *r, rd *sec, const char *tag) {
  if (sec->failed) { r->failed = 1; return -1; }
  if (sec->off != sec->n)
    return fail(r, "section %s has %zu bytes left over after its last entry", tag, sec->n - sec->off);
  return 0;
}

/* Column types each column-reading opcode accepts, by opcode name; an
** opcode with a C operand that is not listed here (and has no M operand)
** is refused rather than trusted. Add new column opcodes here. */
#define T(t) (1u << (t))
static const struct { const char *op; unsigned types; } COL_OPS[] = {
  {"COL_I", T(SEG_INT)}, {"COL_D", T(SEG_DATE)}, {"COL_N", T(SEG_NUM)}, {"COL_IF", T(SEG_INT)},
  /* number bounds also apply to an int column (`age > 30.5`) */
  {"COL_B", T(SEG_BOOL)}, {"RNG_I", T(SEG_INT) | T(SEG_DATE)}, {"RNG_N", T(SEG_NUM) | T(SEG_INT)},
  {"IN_C", T(SEG_INT) | T(SEG_DATE)}, {"SRNG_I", T(SEG_INT) | T(SEG_DATE)},
  {"SRNG_N", T(SEG_NUM) | T(SEG_INT)}, {"SIN_C", T(SEG_INT) | T(SEG_DATE)}, {"SCOL_B", T(SEG_BOOL)},
  {"HRNG_I", T(SEG_INT) | T(SEG_DATE)}, {"HRNG_N", T(SEG_NUM) | T(SEG_INT)}, {"HCOL_B", T(SEG_BOOL)},
  {"SMISS", T(SEG_BOOL) | T(SEG_INT) | T(SEG_NUM) | T(SEG_TEXT) | T(SEG_DATE)},
  {"HMISS", T(SEG_BOOL) | T(SEG_INT) | T(SEG_NUM) | T(SEG_TEXT) | T(SEG_DATE)},
};
/* The map type each map-reading opcode (an M operand) needs. */
static const struct { const char *op; seg_vtype type; } MAP_OPS[] = {
  {"MAP_B", VT_BOOL}, {"MAP_I", VT_INT}, {"MAP_F", VT_NUM}, {"SMAP", VT_BOOL},
  {"HMAP", VT_BOOL},
};
#undef T

/* What seg_cg_verify (run first: every operand is in range, selections
** balance, jumps land on their own SEL_POP) cannot know: the column type
** each column-reading opcode reads, and that a map-reading opcode reads a
** map of its own column and kind. */
static int verify_types(rd *r, const seg_program *p) {
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    const seg_insn *in = &p->code[pc];
    const char *fmt = seg_op_formats[in->op], *name = seg_op_names[in->op];
    uint32_t ops[4] = {in->a, in->b, in->c, in->d};
    int col = -1, map = -1;
    for (int k = 0; k < 4 && fmt[k]; k++) {
      if (fmt[k] == 'C') col = (int)ops[k];
      if (fmt[k] == 'M') map = (int)ops[k];
    }
    if (col >= 0 && map >= 0) {
      size_t i = 0;
      while (i < sizeof MAP_OPS / sizeof *MAP_OPS && strcmp(MAP_OPS[i].op, name) != 0) i++;
      if (i == sizeof MAP_OPS / sizeof *MAP_OPS) { fail(r, "instruction %u: opcode %s reads a text map this loader does not know how to check", pc, name); return -1; }
      if (p->maps[map].col != (uint32_t)col || p->maps[map].type != MAP_OPS[i].type) {
        fail(r, "instruction %u (%s): text map m%d is not a %s map of column c%d", pc, name, map,
             seg_vtype_name(MAP_OPS[i].type), col);
        return -1;
      }
    } else if (col >= 0) {
      size_t i = 0;
      while (i < sizeof COL_OPS / sizeof *COL_OPS && strcmp(COL_OPS[i].op, name) != 0) i++;
      if (i == sizeof COL_OPS / sizeof *COL_OPS) { fail(r, "instruction %u: opcode %s reads a column this loader does not know how to check", pc, name); return -1; }
      if (!(COL_OPS[i].types & (1u << p->coltypes[col]))) {
        fail(r, "instruction %u (%s): column c%d '%s' is %s", pc, name, col, p->colnames[col],
             seg_type_name(p->coltypes[col]));
        return -1;
      }
    } else if (map >= 0) {
      fail(r, "instruction %u (%s): a text map without its column", pc, name);
      return -1;
    }
  }
  return 0;
}

/* Parses and checks the maps' source against the stored schema. */
static int load_maps(rd *r, seg_compiled *out, const char *src, size_t len) {
  seg_program *p = &out->prog;
  seg_schema_view sv = {p->ncols, p->colnames, p->coltypes, NULL};
  seg_stmt **order = NULL;
  int prc = seg_parse(src, len, &out->arena, &out->ast, &out->diags);
  if (prc < 0) return fail(r, "out of memory");
  if (prc == 0) seg_sema(&out->ast, &out->arena, &sv, p->today, &out->diags, &order);
  if (out->diags.oom) return fail(r, "out of memory");
  if (out->diags.nerrors) {
    const seg_diag *d = NULL;
    for (size_t i = 0; i < out->diags.n && !d; i++) if (out->diags.v[i].sev == SEG_SEV_ERROR) d = &out->diags.v[i];
    return fail(r, "text maps, line %d: %s", d ? d->loc.first_line : 0, d && d->msg ? d->msg : "error");
  }
  uint32_t m = 0;
  for (seg_stmt *t = out->ast.first; t; t = t->next) {
    if (t->kind != S_SEGMENT) continue;
    char tmp[32];
    if (m >= p->nmaps || strcmp(t->name, map_name(m, tmp)) != 0)
      return fail(r, "text maps: unexpected statement '%s'", t->name);
    seg_node *e = t->expr;
    if (p->maps[m].type != VT_BOOL) e = e->kind == N_MISSING && !e->negated ? e->a : NULL;
    if (!e || e->type != p->maps[m].type || e->textcol != (int)p->maps[m].col || !e->has_cols)
      return fail(r, "text map m%u does not read column c%u as %s", m, p->maps[m].col, seg_vtype_name(p->maps[m].type));
    p->maps[m].expr = e;
    m++;
  }
  if (m != p->nmaps) return fail(r, "%u text maps declared, %u in the source", p->nmaps, m);
  return 0;
}

int seg_segc_load_ex(const void *data, size_t len, int skip_crc, seg_segc_info *info, seg_compiled *out,
                     char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  rd r = {data, len, 0, err, errlen, 0};
  seg_program *p = &out->prog;
  if (len < SEG_SEGC_MAGIC_LEN || !seg_segc_is_segc(data, len)) {
    snprintf(err, errlen, "not a .segc file (it does not start with the .segc magic)");
    return -1;
  }
  if (len < HEADER_LEN + 4) { fail(&r, "truncated: %zu bytes, not even a header", len); return -1; }
  r.off = SEG_SEGC_MAGIC_LEN;
  uint32_t version = get_u32(&r, "the header");
  if (version != SEG_SEGC_VERSION) {
    snprintf(err, errlen, "format version %u, this seg reads version %d; recompile the rules with this seg", version,
             SEG_SEGC_VERSION);
    return -1;
  }
  uint32_t stored = (uint32_t)((const uint8_t *)data)[len - 4] | (uint32_t)((const uint8_t *)data)[len - 3] << 8 |
                    (uint32_t)((const uint8_t *)data)[len - 2] << 16 | (uint32_t)((const uint8_t *)data)[len - 1] << 24;
  uint32_t crc = crc32_of(data, len - 4);
  if (!skip_crc && crc != stored) {
    fail(&r, "checksum mismatch (stored %08x, computed %08x): the file is damaged or truncated", stored, crc);
    return -1;
  }
  r.n = len - 4;                          /* the sections end where the CRC starts */
  uint32_t flags = get_u32(&r, "the header");
  int32_t today = (int32_t)get_u32(&r, "the header");
  uint32_t nsec = get_u32(&r, "the header");
  if (flags > 3) { fail(&r, "unknown flags %#x", flags); return -1; }
  if (nsec != NSECTIONS) { fail(&r, "%u sections, version %d has %d", nsec, SEG_SEGC_VERSION, NSECTIONS); return -1; }
  p->today = today;

  rd s;
  uint32_t cnt[9];
  const char *src = NULL;
  uint32_t srclen = 0;
  uint32_t *opmap = NULL;
  seg_type *types = NULL;
  /* PROG */
  if (section(&r, 0, &s) != 0) goto bad;
  for (int i = 0; i < 9; i++) cnt[i] = get_u32(&s, "PROG");
  if (done(&r, &s, "PROG") != 0) goto bad;
  uint32_t nops = cnt[8];
  p->nregs = cnt[0];
  p->maxdepth = cnt[1];
  /* every count is checked against the bytes its section holds before
  ** anything is allocated for it */
  if (p->nregs > 65535) { fail(&r, "%u registers (at most 65535)", p->nregs); goto bad; }
  if (p->maxdepth > cnt[2]) { fail(&r, "selection depth %u with %u instructions", p->maxdepth, cnt[2]); goto bad; }
  if (nops > SEG_OP_COUNT * 4u) { fail(&r, "%u opcodes", nops); goto bad; }
  /* OPS */
  if (section(&r, 1, &s) != 0) goto bad;
  opmap = calloc(nops + 1, sizeof *opmap);
  if (!opmap) { fail(&r, "out of memory"); goto bad; }
  for (uint32_t i = 0; i < nops && !s.failed; i++) {
    char nm[256], fm[256];
    uint32_t l = get_u8(&s, "OPS");
    if (!need(&s, l, "OPS")) break;
    memcpy(nm, s.p + s.off, l); nm[l] = 0; s.off += l;
    uint32_t fl = get_u8(&s, "OPS");
    if (!need(&s, fl, "OPS")) break;
    memcpy(fm, s.p + s.off, fl); fm[fl] = 0; s.off += fl;
    int op = 0;
    while (op < SEG_OP_COUNT && strcmp(seg_op_names[op], nm) != 0) op++;
    if (op == SEG_OP_COUNT) { snprintf(err, errlen, "uses opcode '%.60s', which this seg does not have; recompile the rules with this seg", nm); goto bad_msg; }
    if (strcmp(seg_op_formats[op], fm) != 0) { snprintf(err, errlen, "opcode %s has operands '%.20s' in the file, '%s' in this seg; recompile the rules with this seg", nm, fm, seg_op_formats[op]); goto bad_msg; }
    opmap[i] = (uint32_t)op;
  }
  if (done(&r, &s, "OPS ") != 0) goto bad;
  /* COLS */
  if (section(&r, 2, &s) != 0) goto bad;
  p->ncols = cnt[7];
  if (p->ncols > s.n / 5) { fail(&r, "%u columns in %zu bytes", p->ncols, s.n); goto bad; }
  const char **cn = seg_arena_alloc(&out->arena, ((size_t)p->ncols + 1) * sizeof *cn);
  types = seg_arena_alloc(&out->arena, ((size_t)p->ncols + 1) * sizeof *types);
  if (!cn || !types) { fail(&r, "out of memory"); goto bad; }
  for (uint32_t i = 0; i < p->ncols && !s.failed; i++) {
    uint32_t t = get_u8(&s, "COLS");
    if (t >= SEG_NTYPES) { fail(&s, "column %u has type %u", i, t); break; }
    types[i] = (seg_type)t;
    cn[i] = get_str(&s, &out->arena, "a column name");
  }
  if (done(&r, &s, "COLS") != 0) goto bad;
  p->colnames = cn;
  p->coltypes = types;
  /* CODE */
  if (section(&r, 3, &s) != 0) goto bad;
  p->ncode = cnt[2];
  if ((uint64_t)p->ncode * 16 != s.n) { fail(&r, "section CODE holds %zu bytes, %u instructions take %llu", s.n, p->ncode, (unsigned long long)p->ncode * 16); goto bad; }
  p->code = malloc(((size_t)p->ncode + 1) * sizeof *p->code);
  if (!p->code) { fail(&r, "out of memory"); goto bad; }
  p->capcode = p->ncode;
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    uint32_t op = get_u16(&s, "CODE");
    if (op >= nops) { fail(&r, "instruction %u: opcode %u is not in the file's opcode table (%u entries)", pc, op, nops); goto bad; }
    seg_insn *in = &p->code[pc];
    in->op = (uint16_t)opmap[op];
    in->a = (uint16_t)get_u16(&s, "CODE");
    in->b = get_u32(&s, "CODE");
    in->c = get_u32(&s, "CODE");
    in->d = get_u32(&s, "CODE");
  }
  if (done(&r, &s, "CODE") != 0) goto bad;
  /* KINT, KNUM */
  if (section(&r, 4, &s) != 0) goto bad;
  p->nki = cnt[3];
  if ((uint64_t)p->nki * 8 != s.n) { fail(&r, "section KINT holds %zu bytes, %u constants take %llu", s.n, p->nki, (unsigned long long)p->nki * 8); goto bad; }
  p->ki = malloc(((size_t)p->nki + 1) * sizeof *p->ki);
  if (!p->ki) { fail(&r, "out of memory"); goto bad; }
  p->capki = p->nki;
  for (uint32_t i = 0; i < p->nki; i++) p->ki[i] = (int64_t)get_u64(&s, "KINT");
  if (done(&r, &s, "KINT") != 0) goto bad;
  if (section(&r, 5, &s) != 0) goto bad;
  p->nkf = cnt[4];
  if ((uint64_t)p->nkf * 8 != s.n) { fail(&r, "section KNUM holds %zu bytes, %u constants take %llu", s.n, p->nkf, (unsigned long long)p->nkf * 8); goto bad; }
  p->kf = malloc(((size_t)p->nkf + 1) * sizeof *p->kf);
  if (!p->kf) { fail(&r, "out of memory"); goto bad; }
  p->capkf = p->nkf;
  for (uint32_t i = 0; i < p->nkf; i++) {
    uint64_t bits = get_u64(&s, "KNUM");
    memcpy(&p->kf[i], &bits, sizeof bits);
  }
  if (done(&r, &s, "KNUM") != 0) goto bad;
  /* SEGS */
  if (section(&r, 6, &s) != 0) goto bad;
  p->nsegs = cnt[6];
  if (p->nsegs > s.n / 24) { fail(&r, "%u segments in %zu bytes", p->nsegs, s.n); goto bad; }
  p->segs = calloc((size_t)p->nsegs + 1, sizeof *p->segs);
  if (!p->segs) { fail(&r, "out of memory"); goto bad; }
  for (uint32_t i = 0; i < p->nsegs && !s.failed; i++) {
    seg_seginfo *si = &p->segs[i];
    si->name = get_str(&s, &out->arena, "a segment name");
    if (si->name && !*si->name) fail(&s, "segment %u has an empty name", i);
    uint32_t dl = get_u32(&s, "SEGS");
    if (dl != NO_DESC && !s.failed) si->desc = get_bytes(&s, dl, &out->arena, "a segment description");
    si->loc.first_line = (int)get_u32(&s, "SEGS");
    si->loc.first_column = (int)get_u32(&s, "SEGS");
    si->loc.last_line = (int)get_u32(&s, "SEGS");
    si->loc.last_column = (int)get_u32(&s, "SEGS");
  }
  if (done(&r, &s, "SEGS") != 0) goto bad;
  /* MAPS */
  if (section(&r, 7, &s) != 0) goto bad;
  p->nmaps = cnt[5];
  if (p->nmaps > s.n / 5) { fail(&r, "%u text maps in %zu bytes", p->nmaps, s.n); goto bad; }
  p->maps = calloc((size_t)p->nmaps + 1, sizeof *p->maps);
  if (!p->maps) { fail(&r, "out of memory"); goto bad; }
  p->capmaps = p->nmaps;
  for (uint32_t m = 0; m < p->nmaps && !s.failed; m++) {
    uint32_t col = get_u32(&s, "MAPS"), t = get_u8(&s, "MAPS");
    if (s.failed) break;
    if (col >= p->ncols || p->coltypes[col] != SEG_TEXT) { fail(&s, "text map m%u reads column %u, which is not a text column", m, col); break; }
    if (t < 1 || t > 3) { fail(&s, "text map m%u has type %u", m, t); break; }
    p->maps[m].col = col;
    p->maps[m].type = t == 1 ? VT_BOOL : t == 2 ? VT_INT : VT_NUM;
  }
  srclen = get_u32(&s, "MAPS");
  if (!s.failed && need(&s, srclen, "the text maps' source")) {
    src = (const char *)s.p + s.off;
    s.off += srclen;
  }
  if (done(&r, &s, "MAPS") != 0) goto bad;
  if (r.off != r.n) { fail(&r, "%zu bytes after the last section", r.n - r.off); goto bad; }

  if (seg_cg_verify(p, err, errlen) != 0) {
    char why[200];
    snprintf(why, sizeof why, "%s", err);
    snprintf(err, errlen, "corrupt: %s", why);
    goto bad_msg;
  }
  if (verify_types(&r, p) != 0) goto bad;
  if (load_maps(&r, out, src ? src : "", srclen) != 0) goto bad;
  free(opmap);
  if (info) *info = (seg_segc_info){flags & 1, (flags & 2) != 0, today};
  out->ok = 1;
  return 0;
bad:
  if (!r.failed) fail(&r, "unreadable");
bad_msg:
  free(opmap);
  seg_compiled_free(out);
  return -1;
}

int seg_segc_load(const void *bytes, size_t len, seg_segc_info *info, seg_compiled *out, char *err, size_t errlen) {
  return seg_segc_load_ex(bytes, len, 0, info, out, err, errlen);
}

/* ---- binding to the data's columns ---------------------------------------- */

static int find_col(const seg_schema_view *v, const char *name) {
  for (size_t i = 0; i < v->ncols; i++) if (strcmp(v->names[i], name) == 0) return (int)i;
  int found = -1;
  for (size_t i = 0; i < v->ncols; i++)
    if (strcasecmp(v->names[i], name) == 0) {
      if (found >= 0) return -1;
      found = (int)i;
    }
  return found;
}

static void remap_tree(seg_node *n, const int *to) {
  if (!n) return;
  if (n->col >= 0) n->col = to[n->col];
  if (n->textcol >= 0) n->textcol = to[n->textcol];
  remap_tree(n->a, to);
  remap_tree(n->b, to);
  remap_tree(n->c, to);
  for (seg_node *k = n->list; k; k = k->next) remap_tree(k, to);
}

int seg_segc_bind(seg_compiled *c, const seg_schema_view *data, char *err, size_t errlen) {
  seg_program *p = &c->prog;
  int *to = malloc(((size_t)p->ncols + 1) * sizeof *to);
  uint8_t *read = calloc((size_t)p->ncols + 1, 1);
  const char **names = seg_arena_alloc(&c->arena, (data->ncols + 1) * sizeof *names);
  seg_type *types = seg_arena_alloc(&c->arena, (data->ncols + 1) * sizeof *types);
  int rc = -1;
  if (!to || !read || !names || !types) { snprintf(err, errlen, "out of memory"); goto out; }
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    const char *fmt = seg_op_formats[p->code[pc].op];
    uint32_t ops[4] = {p->code[pc].a, p->code[pc].b, p->code[pc].c, p->code[pc].d};
    for (int k = 0; k < 4 && fmt[k]; k++) if (fmt[k] == 'C') read[ops[k]] = 1;
  }
  for (uint32_t m = 0; m < p->nmaps; m++) read[p->maps[m].col] = 1;
  for (uint32_t i = 0; i < p->ncols; i++) {
    to[i] = -1;
    if (!read[i]) continue;
    int j = find_col(data, p->colnames[i]);
    if (j < 0) {
      snprintf(err, errlen, "the rules read column '%s' (%s), which the data does not have", p->colnames[i],
               seg_type_name(p->coltypes[i]));
      goto out;
    }
    if (data->types[j] != p->coltypes[i]) {
      snprintf(err, errlen, "the rules read column '%s' as %s, the data has it as %s", p->colnames[i],
               seg_type_name(p->coltypes[i]), seg_type_name(data->types[j]));
      goto out;
    }
    to[i] = j;
  }
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    seg_insn *in = &p->code[pc];
    const char *fmt = seg_op_formats[in->op];
    uint32_t *ops[4] = {NULL, &in->b, &in->c, &in->d};
    if (fmt[0] == 'C') { in->a = (uint16_t)to[in->a]; continue; }
    for (int k = 1; k < 4 && fmt[k]; k++) if (fmt[k] == 'C') *ops[k] = (uint32_t)to[*ops[k]];
  }
  for (uint32_t m = 0; m < p->nmaps; m++) p->maps[m].col = (uint32_t)to[p->maps[m].col];
  for (seg_stmt *t = c->ast.first; t; t = t->next) remap_tree(t->expr, to);
  for (size_t j = 0; j < data->ncols; j++) {
    names[j] = seg_arena_strndup(&c->arena, data->names[j], strlen(data->names[j]));
    types[j] = data->types[j];
    if (!names[j]) { snprintf(err, errlen, "out of memory"); goto out; }
  }
  p->ncols = (uint32_t)data->ncols;
  p->colnames = names;
  p->coltypes = types;
  rc = 0;
out:
  free(to);
  free(read);
  return rc;
}
