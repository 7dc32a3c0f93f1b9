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

#include "crc32.h"

#define NSECTIONS 14
#define NCOUNTS 11                  /* PROG's u32 counts */
#define XNODE_BYTES 55              /* one expression node in EXPR */
#define HEADER_LEN (SEG_SEGC_MAGIC_LEN + 16)
#define NO_DESC 0xffffffffu

static const char *const TAGS[NSECTIONS] = {"PROG", "OPS ", "COLS", "CODE", "KINT", "KNUM", "SEGS", "MAPS", "EXPR", "MEAS",
                                             "RANK", "TIER", "SPLT", "EVNT"};

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
static void put_loc(buf *b, const seg_loc *l) {
  put_u32(b, (uint32_t)l->first_line);
  put_u32(b, (uint32_t)l->first_column);
  put_u32(b, (uint32_t)l->last_line);
  put_u32(b, (uint32_t)l->last_column);
}
static void put_f64(buf *b, double v) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  put_u64(b, bits);
}

int seg_segc_is_segc(const void *p, size_t len) {
  return len >= SEG_SEGC_MAGIC_LEN && memcmp(p, SEG_SEGC_MAGIC, SEG_SEGC_MAGIC_LEN) == 0;
}

/* ---- saving ---------------------------------------------------------------- */

static unsigned vt_code(seg_vtype t) { return t == VT_BOOL ? 1 : t == VT_INT ? 2 : t == VT_NUM ? 3 : 0; }

int seg_segc_save(const seg_program *p, const seg_segc_info *info, char **out, size_t *outlen, char *err,
                  size_t errlen) {
  buf b = {0};
  *out = NULL;
  *outlen = 0;
  /* each event table's filter program, a .segc of its own inside EVNT */
  char **blobs = calloc(p->nevtables + 1, sizeof *blobs);
  size_t *bloblens = calloc(p->nevtables + 1, sizeof *bloblens);
  if (!blobs || !bloblens) {
    free(blobs);
    free(bloblens);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (uint32_t t = 0; t < p->nevtables; t++)
    if (p->evtables[t].filters && seg_segc_save(p->evtables[t].filters, info, &blobs[t], &bloblens[t], err, errlen)) {
      for (uint32_t k = 0; k < t; k++) free(blobs[k]);
      free(blobs);
      free(bloblens);
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
  uint32_t counts[NCOUNTS] = {p->nregs, p->maxdepth, p->ncode, p->nki,  p->nkf,  p->nmaps,
                              p->nsegs, p->ncols,    nops,     p->x.nn, p->x.npool};
  for (int i = 0; i < NCOUNTS; i++) put_u32(&b, counts[i]);
  END();
  BEGIN("OPS ");
  for (int op = 0; op < SEG_OP_COUNT; op++) {
    if (idx[op] < 0) continue;
    put_u8(&b, (unsigned)strlen(seg_ops[op].name));
    put_text(&b, seg_ops[op].name);
    put_u8(&b, (unsigned)strlen(seg_ops[op].format));
    put_text(&b, seg_ops[op].format);
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
  for (uint32_t i = 0; i < p->nkf; i++) put_f64(&b, p->kf[i]);
  END();
  BEGIN("SEGS");
  for (uint32_t s = 0; s < p->nsegs; s++) {
    const seg_seginfo *si = &p->segs[s];
    put_str(&b, si->name);
    if (si->desc) put_str(&b, si->desc);
    else put_u32(&b, NO_DESC);
    put_loc(&b, &si->loc);
  }
  END();
  BEGIN("MAPS");
  for (uint32_t m = 0; m < p->nmaps; m++) {
    put_u32(&b, p->maps[m].col);
    put_u8(&b, vt_code(p->maps[m].type));
    put_u32(&b, p->maps[m].expr);
    put_loc(&b, &p->maps[m].loc);
  }
  END();
  BEGIN("EXPR");
  for (uint32_t i = 0; i < p->x.nn; i++) {
    const seg_xnode *n = &p->x.n[i];
    put_u8(&b, n->kind);
    put_u8(&b, n->type);
    put_u8(&b, n->fn);
    put_u8(&b, n->unit);
    put_u16(&b, n->op);
    put_u8(&b, n->negated);
    put_u32(&b, (uint32_t)n->col);
    put_u32(&b, n->a);
    put_u32(&b, n->b);
    put_u32(&b, n->c);
    put_u32(&b, n->list);
    put_u32(&b, n->next);
    put_u64(&b, (uint64_t)n->ival);
    put_f64(&b, n->fval);
    put_u32(&b, n->str);
    put_u32(&b, n->len);
  }
  put(&b, p->x.pool, p->x.npool);
  END();
  BEGIN("MEAS");
  put_u32(&b, p->nconds);
  put_u32(&b, p->guard);
  put_u32(&b, p->naggs);
  put_u32(&b, p->nmops);
  put_u32(&b, p->nmeasures);
  for (uint32_t a = 0; a < p->naggs; a++) {
    put_u8(&b, p->aggs[a].fn);
    put_u32(&b, (uint32_t)p->aggs[a].col);
    put_u32(&b, (uint32_t)p->aggs[a].cond);
    put_f64(&b, p->aggs[a].p);
  }
  for (uint32_t k = 0; k < p->nmops; k++) {
    put_u8(&b, p->mops[k].kind);
    put_u32(&b, p->mops[k].agg);
    put_f64(&b, p->mops[k].k);
  }
  for (uint32_t m = 0; m < p->nmeasures; m++) {
    const seg_measure *ms = &p->measures[m];
    put_str(&b, ms->name);
    if (ms->desc) put_str(&b, ms->desc);
    else put_u32(&b, NO_DESC);
    put_loc(&b, &ms->loc);
    put_u32(&b, ms->first);
    put_u32(&b, ms->n);
  }
  END();
  BEGIN("RANK");
  put_u32(&b, p->npass1);
  put_u32(&b, p->nrsrc);
  put_u32(&b, p->nruse);
  for (uint32_t i = 0; i < p->nrsrc; i++) put_u8(&b, p->rsrc[i].isf);
  for (uint32_t u = 0; u < p->nruse; u++) {
    put_u32(&b, p->ruse[u].src);
    put_u8(&b, p->ruse[u].kind);
    put_u32(&b, p->ruse[u].k);
    put_u64(&b, (uint64_t)p->ruse[u].pct);
  }
  END();
  BEGIN("TIER");
  put_u32(&b, p->ntiers);
  put_u32(&b, p->nprios);
  for (uint32_t t = 0; t < p->ntiers; t++) {
    put_u32(&b, p->tiers[t].seg);
    put_loc(&b, &p->tiers[t].loc);
  }
  for (uint32_t k = 0; k < p->nprios; k++) {
    const seg_priority *pr = &p->prios[k];
    put_str(&b, pr->name);
    if (pr->else_name) put_str(&b, pr->else_name);
    else put_u32(&b, NO_DESC);
    put_loc(&b, &pr->loc);
    put_loc(&b, &pr->else_loc);
    put_u32(&b, pr->first);
    put_u32(&b, pr->n);
  }
  END();
  BEGIN("SPLT");
  put_u32(&b, p->nsplits);
  for (uint32_t k = 0; k < p->nsplits; k++) {
    const seg_split *sp = &p->splits[k];
    put_str(&b, sp->name);
    put_str(&b, sp->salt);
    put_loc(&b, &sp->loc);
    put_u32(&b, (uint32_t)sp->base);
    put_u32(&b, (uint32_t)sp->key);
    put_u32(&b, sp->first);
    put_u32(&b, sp->narms);
    put_u32(&b, sp->nokey);
    for (uint32_t a = 0; a < sp->narms; a++) put_u32(&b, sp->buckets[a]);
  }
  END();
  BEGIN("EVNT");
  put_u32(&b, p->nevtables);
  put_u32(&b, p->nevcols);
  for (uint32_t t = 0; t < p->nevtables; t++) {
    const seg_evtable *et = &p->evtables[t];
    put_str(&b, et->name);
    put_str(&b, et->key);
    put_u32(&b, et->custkey);
    put_u32(&b, et->evkey);
    put_u32(&b, (uint32_t)et->time);
    put_u32(&b, et->ncols);
    for (uint32_t c = 0; c < et->ncols; c++) {
      put_u8(&b, et->coltypes[c]);
      put_str(&b, et->colnames[c]);
    }
    put_u32(&b, et->ngather);
    for (uint32_t g = 0; g < et->ngather; g++) put_u32(&b, (uint32_t)et->gather[g]);
    put_u32(&b, (uint32_t)bloblens[t]);
    put(&b, blobs[t], bloblens[t]);
    free(blobs[t]);
  }
  free(blobs);
  free(bloblens);
  for (uint32_t k = 0; k < p->nevcols; k++) {
    const seg_evcol *a = &p->evcols[k];
    put_u32(&b, a->table);
    put_u8(&b, a->fn);
    put_u32(&b, (uint32_t)a->evcol);
    put_u32(&b, (uint32_t)a->filter);
    put_u32(&b, a->col);
  }
  END();
#undef BEGIN
#undef END
  put_u32(&b, b.oom ? 0 : seg_crc32(0, b.p, b.n));
  if (b.oom) {
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
static seg_loc get_loc(rd *r, const char *w) {
  seg_loc l;
  l.first_line = (int)get_u32(r, w);
  l.first_column = (int)get_u32(r, w);
  l.last_line = (int)get_u32(r, w);
  l.last_column = (int)get_u32(r, w);
  return l;
}
static double get_f64(rd *r, const char *w) {
  uint64_t bits = get_u64(r, w);
  double v;
  memcpy(&v, &bits, sizeof v);
  return v;
}

/* A string of n bytes, malloc'd and NUL-terminated; NUL bytes are refused. */
static char *get_bytes(rd *r, size_t n, const char *what) {
  if (!need(r, n, what)) return NULL;
  if (memchr(r->p + r->off, 0, n)) { fail(r, "%s contains a NUL byte", what); return NULL; }
  char *s = strndup((const char *)r->p + r->off, n);
  if (!s) { fail(r, "out of memory"); return NULL; }
  r->off += n;
  return s;
}
static char *get_str(rd *r, const char *what) {
  uint32_t n = get_u32(r, what);
  return r->failed ? NULL : get_bytes(r, n, what);
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

/* The expression program: nodes, then the string pool (each string
** followed by a NUL, as seg_xprog_str leaves them). */
static int load_expr(rd *s, seg_xprog *x, uint32_t nn, uint32_t npool) {
  if (nn > s->n / XNODE_BYTES || npool > s->n) return fail(s, "%u expression nodes and %u pool bytes in %zu bytes", nn, npool, s->n);
  x->n = calloc((size_t)nn + 1, sizeof *x->n);
  x->pool = malloc((size_t)npool + 1);
  if (!x->n || !x->pool) return fail(s, "out of memory");
  x->nn = x->capn = nn;
  for (uint32_t i = 0; i < nn && !s->failed; i++) {
    seg_xnode *n = &x->n[i];
    n->kind = (uint8_t)get_u8(s, "EXPR");
    n->type = (uint8_t)get_u8(s, "EXPR");
    n->fn = (uint8_t)get_u8(s, "EXPR");
    n->unit = (uint8_t)get_u8(s, "EXPR");
    n->op = (uint16_t)get_u16(s, "EXPR");
    n->negated = (uint8_t)get_u8(s, "EXPR");
    n->col = (int32_t)get_u32(s, "EXPR");
    n->a = get_u32(s, "EXPR");
    n->b = get_u32(s, "EXPR");
    n->c = get_u32(s, "EXPR");
    n->list = get_u32(s, "EXPR");
    n->next = get_u32(s, "EXPR");
    n->ival = (int64_t)get_u64(s, "EXPR");
    n->fval = get_f64(s, "EXPR");
    n->str = get_u32(s, "EXPR");
    n->len = get_u32(s, "EXPR");
    n->folded = SEG_XNONE;            /* recomputed by seg_xprog_prepare */
    n->folded_len = 0;
    if (n->negated > 1) fail(s, "expression node %u: negation flag %u", i, n->negated);
  }
  if (s->failed || !need(s, npool, "the string pool")) return -1;
  memcpy(x->pool, s->p + s->off, npool);
  x->pool[npool] = 0;
  s->off += npool;
  x->npool = npool;
  x->cappool = npool + 1;
  return 0;
}

/* EVNT: the event tables (each with its filter program, a .segc of its
** own, loaded and verified like any) and the aggregates, every index
** checked: the aggregates fill the program's last columns, in order, each
** of the type its function gives. */
static int load_events(rd *s, seg_program *p) {
  uint32_t nt = get_u32(s, "EVNT"), na = get_u32(s, "EVNT");
  if (s->failed) return -1;
  if (nt > s->n / 24 || na > s->n / 17 || na > p->ncols || (na && !nt) || (nt && !na))
    return fail(s, "EVNT: %u tables and %u aggregates in %zu bytes", nt, na, s->n);
  uint32_t nbase = p->ncols - na;
  p->evtables = calloc((size_t)nt + 1, sizeof *p->evtables);
  p->evcols = calloc((size_t)na + 1, sizeof *p->evcols);
  if (!p->evtables || !p->evcols) return fail(s, "out of memory");
  for (uint32_t t = 0; t < nt && !s->failed; t++) {
    seg_evtable *et = &p->evtables[t];
    p->nevtables = t + 1;                 /* freed with the program from here on */
    et->name = get_str(s, "a table name");
    et->key = get_str(s, "a table key");
    et->custkey = get_u32(s, "EVNT");
    et->evkey = get_u32(s, "EVNT");
    et->time = (int32_t)get_u32(s, "EVNT");
    uint32_t nc = get_u32(s, "EVNT");
    if (s->failed) break;
    if (nc == 0 || nc > s->n / 5) return fail(s, "table %u: %u columns", t, nc);
    et->colnames = calloc(nc, sizeof *et->colnames);
    et->coltypes = calloc(nc, sizeof *et->coltypes);
    if (!et->colnames || !et->coltypes) return fail(s, "out of memory");
    et->ncols = nc;
    for (uint32_t c = 0; c < nc && !s->failed; c++) {
      uint32_t ty = get_u8(s, "EVNT");
      if (ty >= SEG_NTYPES) return fail(s, "table %u: column %u of unknown type %u", t, c, ty);
      et->coltypes[c] = (seg_type)ty;
      et->colnames[c] = get_str(s, "a column name");
    }
    uint32_t ng = get_u32(s, "EVNT");
    if (s->failed) break;
    if (ng > s->n / 4) return fail(s, "table %u: %u gathered columns", t, ng);
    if (ng && !(et->gather = calloc(ng, sizeof *et->gather))) return fail(s, "out of memory");
    et->ngather = ng;
    for (uint32_t g = 0; g < ng && !s->failed; g++) {
      et->gather[g] = (int32_t)get_u32(s, "EVNT");
      if (et->gather[g] < 0 || (uint32_t)et->gather[g] >= nbase) return fail(s, "table %u: gathered column out of range", t);
    }
    uint32_t bl = get_u32(s, "EVNT");
    if (s->failed || !need(s, bl, "a filter program")) break;
    if (et->custkey >= nbase || et->evkey >= nc || (et->time != -1 && (et->time < 0 || (uint32_t)et->time >= nc)) ||
        p->coltypes[et->custkey] != et->coltypes[et->evkey] ||
        (et->time >= 0 && et->coltypes[et->time] != SEG_DATE))
      return fail(s, "table %u: its key or time column out of range or of the wrong type", t);
    if (bl) {
      char why[200];
      if (!(et->filters = calloc(1, sizeof *et->filters))) return fail(s, "out of memory");
      if (seg_segc_load(s->p + s->off, bl, NULL, et->filters, why, sizeof why) != 0)
        return fail(s, "table %u's filters: %s", t, why);
      if (et->filters->ncols != nc + ng || et->filters->nevtables)
        return fail(s, "table %u: its filters read %u columns, not %u", t, et->filters->ncols, nc + ng);
      for (uint32_t c = 0; c < nc + ng; c++)
        if (et->filters->coltypes[c] != (c < nc ? et->coltypes[c] : p->coltypes[et->gather[c - nc]]))
          return fail(s, "table %u: its filters read column %u as another type", t, c);
      s->off += bl;
    }
  }
  if (s->failed) return -1;
  for (uint32_t k = 0; k < na && !s->failed; k++) {
    seg_evcol *a = &p->evcols[k];
    p->nevcols = k + 1;
    a->table = get_u32(s, "EVNT");
    a->fn = (uint8_t)get_u8(s, "EVNT");
    a->evcol = (int32_t)get_u32(s, "EVNT");
    a->filter = (int32_t)get_u32(s, "EVNT");
    a->col = get_u32(s, "EVNT");
    if (s->failed) break;
    const seg_evtable *et = a->table < nt ? &p->evtables[a->table] : NULL;
    int colfn = a->fn == SEG_EV_SUM || a->fn == SEG_EV_AVG || a->fn == SEG_EV_MIN || a->fn == SEG_EV_MAX ||
                a->fn == SEG_EV_FIRST || a->fn == SEG_EV_LAST || a->fn == SEG_EV_COUNT_DISTINCT;
    if (!et || a->fn >= SEG_EV__N || a->col != nbase + k || (a->evcol != -1 && (a->evcol < 0 ||
        (uint32_t)a->evcol >= et->ncols)) || (colfn && a->evcol < 0) ||
        (a->filter != -1 && (a->filter < 0 || !et->filters || (uint32_t)a->filter >= et->filters->nsegs)) ||
        (a->fn == SEG_EV_ALL && a->filter < 0) || ((a->fn == SEG_EV_FIRST || a->fn == SEG_EV_LAST) && et->time < 0))
      return fail(s, "aggregate %u: its table, function, columns or filter out of range", k);
    seg_type x = a->evcol >= 0 ? et->coltypes[a->evcol] : SEG_INT;
    seg_type want = a->fn == SEG_EV_COUNT || a->fn == SEG_EV_COUNT_DISTINCT ? SEG_INT
                  : a->fn == SEG_EV_ANY || a->fn == SEG_EV_ALL ? SEG_BOOL : a->fn == SEG_EV_AVG ? SEG_NUM : x;
    if (p->coltypes[a->col] != want ||
        ((a->fn == SEG_EV_SUM || a->fn == SEG_EV_AVG) && x != SEG_INT && x != SEG_NUM) ||
        ((a->fn == SEG_EV_MIN || a->fn == SEG_EV_MAX) && x != SEG_INT && x != SEG_NUM && x != SEG_DATE))
      return fail(s, "aggregate %u: %s() of a %s column as a %s", k, seg_evfn_name((seg_evfn)a->fn), seg_type_name(x),
                  seg_type_name(p->coltypes[a->col]));
  }
  return s->failed ? -1 : 0;
}

int seg_segc_load_ex(const void *data, size_t len, int skip_crc, seg_segc_info *info, seg_program *p, char *err,
                     size_t errlen) {
  memset(p, 0, sizeof *p);
  rd r = {data, len, 0, err, errlen, 0};
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
  uint32_t crc = seg_crc32(0, data, len - 4);
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
  uint32_t cnt[NCOUNTS];
  uint32_t *opmap = NULL;
  /* PROG */
  if (section(&r, 0, &s) != 0) goto bad;
  for (int i = 0; i < NCOUNTS; i++) cnt[i] = get_u32(&s, "PROG");
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
    while (op < SEG_OP_COUNT && strcmp(seg_ops[op].name, nm) != 0) op++;
    if (op == SEG_OP_COUNT) { snprintf(err, errlen, "uses opcode '%.60s', which this seg does not have; recompile the rules with this seg", nm); goto bad_msg; }
    if (strcmp(seg_ops[op].format, fm) != 0) { snprintf(err, errlen, "opcode %s has operands '%.20s' in the file, '%s' in this seg; recompile the rules with this seg", nm, fm, seg_ops[op].format); goto bad_msg; }
    opmap[i] = (uint32_t)op;
  }
  if (done(&r, &s, "OPS ") != 0) goto bad;
  /* COLS */
  if (section(&r, 2, &s) != 0) goto bad;
  if (cnt[7] > s.n / 5) { fail(&r, "%u columns in %zu bytes", cnt[7], s.n); goto bad; }
  p->colnames = calloc((size_t)cnt[7] + 1, sizeof *p->colnames);
  p->coltypes = calloc((size_t)cnt[7] + 1, sizeof *p->coltypes);
  if (!p->colnames || !p->coltypes) { fail(&r, "out of memory"); goto bad; }
  p->ncols = cnt[7];
  for (uint32_t i = 0; i < p->ncols && !s.failed; i++) {
    uint32_t t = get_u8(&s, "COLS");
    if (t >= SEG_NTYPES) { fail(&s, "column %u has type %u", i, t); break; }
    p->coltypes[i] = (seg_type)t;
    p->colnames[i] = get_str(&s, "a column name");
  }
  if (done(&r, &s, "COLS") != 0) goto bad;
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
  for (uint32_t i = 0; i < p->nkf; i++) p->kf[i] = get_f64(&s, "KNUM");
  if (done(&r, &s, "KNUM") != 0) goto bad;
  /* SEGS */
  if (section(&r, 6, &s) != 0) goto bad;
  if (cnt[6] > s.n / 24) { fail(&r, "%u segments in %zu bytes", cnt[6], s.n); goto bad; }
  p->segs = calloc((size_t)cnt[6] + 1, sizeof *p->segs);
  if (!p->segs) { fail(&r, "out of memory"); goto bad; }
  p->nsegs = cnt[6];
  for (uint32_t i = 0; i < p->nsegs && !s.failed; i++) {
    seg_seginfo *si = &p->segs[i];
    si->name = get_str(&s, "a segment name");
    if (si->name && !*si->name) fail(&s, "segment %u has an empty name", i);
    uint32_t dl = get_u32(&s, "SEGS");
    if (dl != NO_DESC && !s.failed) si->desc = get_bytes(&s, dl, "a segment description");
    si->loc = get_loc(&s, "SEGS");
  }
  if (done(&r, &s, "SEGS") != 0) goto bad;
  /* MAPS */
  if (section(&r, 7, &s) != 0) goto bad;
  p->nmaps = cnt[5];
  if ((uint64_t)p->nmaps * 25 != s.n) { fail(&r, "section MAPS holds %zu bytes, %u text maps take %llu", s.n, p->nmaps, (unsigned long long)p->nmaps * 25); goto bad; }
  p->maps = calloc((size_t)p->nmaps + 1, sizeof *p->maps);
  if (!p->maps) { fail(&r, "out of memory"); goto bad; }
  p->capmaps = p->nmaps;
  for (uint32_t m = 0; m < p->nmaps && !s.failed; m++) {
    uint32_t col = get_u32(&s, "MAPS"), t = get_u8(&s, "MAPS"), e = get_u32(&s, "MAPS");
    if (s.failed) break;
    if (col >= p->ncols || p->coltypes[col] != SEG_TEXT) { fail(&s, "text map m%u reads column %u, which is not a text column", m, col); break; }
    if (t < 1 || t > 3) { fail(&s, "text map m%u has type %u", m, t); break; }
    if (e >= cnt[9]) { fail(&s, "text map m%u: expression %u of %u", m, e, cnt[9]); break; }
    p->maps[m].col = col;
    p->maps[m].type = t == 1 ? VT_BOOL : t == 2 ? VT_INT : VT_NUM;
    p->maps[m].expr = e;
    p->maps[m].loc = get_loc(&s, "MAPS");
  }
  if (done(&r, &s, "MAPS") != 0) goto bad;
  /* EXPR */
  if (section(&r, 8, &s) != 0) goto bad;
  if (load_expr(&s, &p->x, cnt[9], cnt[10]) != 0) { r.failed = 1; goto bad; }
  if (done(&r, &s, "EXPR") != 0) goto bad;
  /* MEAS */
  if (section(&r, 9, &s) != 0) goto bad;
  p->nconds = get_u32(&s, "MEAS");
  p->guard = get_u32(&s, "MEAS");
  uint32_t na = get_u32(&s, "MEAS"), nk = get_u32(&s, "MEAS"), nm = get_u32(&s, "MEAS");
  if (s.failed) goto bad;
  if (p->nconds > 65535 || na > s.n / 17 || nk > s.n / 13 || nm > s.n / 32) {
    fail(&r, "MEAS: %u conditions, %u aggregates, %u operations, %u measures in %zu bytes", p->nconds, na, nk, nm, s.n);
    goto bad;
  }
  p->aggs = calloc((size_t)na + 1, sizeof *p->aggs);
  p->mops = calloc((size_t)nk + 1, sizeof *p->mops);
  p->measures = calloc((size_t)nm + 1, sizeof *p->measures);
  if (!p->aggs || !p->mops || !p->measures) { fail(&r, "out of memory"); goto bad; }
  p->naggs = na;
  p->nmops = nk;
  for (uint32_t a = 0; a < na && !s.failed; a++) {
    p->aggs[a].fn = (uint8_t)get_u8(&s, "MEAS");
    p->aggs[a].col = (int32_t)get_u32(&s, "MEAS");
    p->aggs[a].cond = (int32_t)get_u32(&s, "MEAS");
    p->aggs[a].p = get_f64(&s, "MEAS");
  }
  for (uint32_t k = 0; k < nk && !s.failed; k++) {
    p->mops[k].kind = (uint8_t)get_u8(&s, "MEAS");
    p->mops[k].agg = get_u32(&s, "MEAS");
    p->mops[k].k = get_f64(&s, "MEAS");
  }
  for (uint32_t m = 0; m < nm && !s.failed; m++) {
    seg_measure *ms = &p->measures[m];
    p->nmeasures = m + 1;                 /* freed with the program from here on */
    ms->name = get_str(&s, "a measure name");
    if (ms->name && !*ms->name) fail(&s, "measure %u has an empty name", m);
    uint32_t dl = get_u32(&s, "MEAS");
    if (dl != NO_DESC && !s.failed) ms->desc = get_bytes(&s, dl, "a measure description");
    ms->loc = get_loc(&s, "MEAS");
    ms->first = get_u32(&s, "MEAS");
    ms->n = get_u32(&s, "MEAS");
  }
  if (done(&r, &s, "MEAS") != 0) goto bad;
  /* RANK */
  if (section(&r, 10, &s) != 0) goto bad;
  p->npass1 = get_u32(&s, "RANK");
  uint32_t nrs = get_u32(&s, "RANK"), nru = get_u32(&s, "RANK");
  if (s.failed) goto bad;
  if (nrs > s.n || nru > s.n / 17) {
    fail(&r, "RANK: %u sources, %u rankings in %zu bytes", nrs, nru, s.n);
    goto bad;
  }
  p->rsrc = calloc((size_t)nrs + 1, sizeof *p->rsrc);
  p->ruse = calloc((size_t)nru + 1, sizeof *p->ruse);
  if (!p->rsrc || !p->ruse) { fail(&r, "out of memory"); goto bad; }
  p->nrsrc = nrs;
  p->nruse = nru;
  for (uint32_t i = 0; i < nrs && !s.failed; i++) {
    uint32_t isf = get_u8(&s, "RANK");
    if (isf > 1) fail(&s, "ranking source %u: kind %u", i, isf);
    p->rsrc[i].isf = (uint8_t)isf;
  }
  for (uint32_t u = 0; u < nru && !s.failed; u++) {
    p->ruse[u].src = get_u32(&s, "RANK");
    p->ruse[u].kind = (uint8_t)get_u8(&s, "RANK");
    p->ruse[u].k = get_u32(&s, "RANK");
    p->ruse[u].pct = (int64_t)get_u64(&s, "RANK");
  }
  if (done(&r, &s, "RANK") != 0) goto bad;
  /* TIER */
  if (section(&r, 11, &s) != 0) goto bad;
  uint32_t nt = get_u32(&s, "TIER"), np = get_u32(&s, "TIER");
  if (s.failed) goto bad;
  if (nt > s.n / 20 || np > s.n / 48) {
    fail(&r, "TIER: %u tiers, %u priorities in %zu bytes", nt, np, s.n);
    goto bad;
  }
  p->tiers = calloc((size_t)nt + 1, sizeof *p->tiers);
  p->prios = calloc((size_t)np + 1, sizeof *p->prios);
  if (!p->tiers || !p->prios) { fail(&r, "out of memory"); goto bad; }
  p->ntiers = nt;
  for (uint32_t t = 0; t < nt && !s.failed; t++) {
    p->tiers[t].seg = get_u32(&s, "TIER");
    p->tiers[t].loc = get_loc(&s, "TIER");
  }
  for (uint32_t k = 0; k < np && !s.failed; k++) {
    seg_priority *pr = &p->prios[k];
    p->nprios = k + 1;                    /* freed with the program from here on */
    pr->name = get_str(&s, "a priority name");
    if (pr->name && !*pr->name) fail(&s, "priority %u has an empty name", k);
    uint32_t el = get_u32(&s, "TIER");
    if (el != NO_DESC && !s.failed) pr->else_name = get_bytes(&s, el, "an else tier name");
    pr->loc = get_loc(&s, "TIER");
    pr->else_loc = get_loc(&s, "TIER");
    pr->first = get_u32(&s, "TIER");
    pr->n = get_u32(&s, "TIER");
  }
  if (done(&r, &s, "TIER") != 0) goto bad;
  /* SPLT: each split's arms are segments, its buckets add up to 10,000 */
  if (section(&r, 12, &s) != 0) goto bad;
  uint32_t nsp = get_u32(&s, "SPLT");
  if (s.failed) goto bad;
  if (nsp > s.n / 44) { fail(&r, "SPLT: %u splits in %zu bytes", nsp, s.n); goto bad; }
  p->splits = calloc((size_t)nsp + 1, sizeof *p->splits);
  if (!p->splits) { fail(&r, "out of memory"); goto bad; }
  for (uint32_t k = 0; k < nsp && !s.failed; k++) {
    seg_split *sp = &p->splits[k];
    p->nsplits = k + 1;                   /* freed with the program from here on */
    sp->name = get_str(&s, "a split name");
    sp->salt = get_str(&s, "a split salt");
    sp->loc = get_loc(&s, "SPLT");
    sp->base = (int32_t)get_u32(&s, "SPLT");
    sp->key = (int32_t)get_u32(&s, "SPLT");
    sp->first = get_u32(&s, "SPLT");
    sp->narms = get_u32(&s, "SPLT");
    sp->nokey = get_u32(&s, "SPLT");
    if (s.failed) break;
    if (sp->narms == 0 || sp->narms > s.n / 4 || sp->first > p->nsegs || sp->narms > p->nsegs - sp->first ||
        (sp->base != -1 && (sp->base < 0 || (uint32_t)sp->base >= p->nsegs)) ||
        sp->key < 0 || (uint32_t)sp->key >= p->ncols || p->coltypes[sp->key] == SEG_NUM ||
        p->coltypes[sp->key] == SEG_BOOL || sp->nokey < p->nsegs || sp->nokey >= p->nsegs + p->nconds) {
      fail(&s, "split %u: its arms, base, key column or condition slot out of range", k);
      break;
    }
    sp->buckets = calloc(sp->narms, sizeof *sp->buckets);
    if (!sp->buckets) { fail(&r, "out of memory"); goto bad; }
    uint64_t total = 0;
    for (uint32_t a = 0; a < sp->narms && !s.failed; a++) {
      sp->buckets[a] = get_u32(&s, "SPLT");
      if (sp->buckets[a] == 0) fail(&s, "split %u: an arm of no bucket", k);
      total += sp->buckets[a];
    }
    if (!s.failed && total != SEG_BUCKETS) fail(&s, "split %u: shares of %llu buckets, not %d", k,
                                                (unsigned long long)total, SEG_BUCKETS);
  }
  if (s.failed) { r.failed = 1; goto bad; }
  if (done(&r, &s, "SPLT") != 0) goto bad;
  if (section(&r, 13, &s) != 0 || load_events(&s, p) != 0 || done(&r, &s, "EVNT") != 0) {
    if (s.failed) r.failed = 1;
    goto bad;
  }
  if (r.off != r.n) { fail(&r, "%zu bytes after the last section", r.n - r.off); goto bad; }

  int vrc = seg_program_verify(p, err, errlen);
  if (vrc == 0) vrc = seg_xprog_prepare(&p->x, err, errlen);
  if (vrc != 0) {
    char why[200];
    snprintf(why, sizeof why, "%s", err);
    snprintf(err, errlen, vrc == -2 ? "%s" : "corrupt: %s", why);
    goto bad_msg;
  }
  free(opmap);
  if (info) *info = (seg_segc_info){flags & 1, (flags & 2) != 0, today};
  return 0;
bad:
  if (!r.failed) fail(&r, "unreadable");
bad_msg:
  free(opmap);
  seg_program_free(p);
  return -1;
}

int seg_segc_load(const void *bytes, size_t len, seg_segc_info *info, seg_program *out, char *err, size_t errlen) {
  return seg_segc_load_ex(bytes, len, 0, info, out, err, errlen);
}

/* ---- binding to the data's columns ---------------------------------------- */


int seg_segc_bind(seg_program *p, const seg_schema_view *data, char *err, size_t errlen) {
  int *to = malloc(((size_t)p->ncols + 1) * sizeof *to);
  uint8_t *read = calloc((size_t)p->ncols + 1, 1);
  seg_program cols = {0};
  int rc = -1;
  if (!to || !read) { snprintf(err, errlen, "out of memory"); goto out; }
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    const char *fmt = seg_ops[p->code[pc].op].format;
    uint32_t ops[4] = {p->code[pc].a, p->code[pc].b, p->code[pc].c, p->code[pc].d};
    for (int k = 0; k < 4 && fmt[k]; k++) if (fmt[k] == 'C') read[ops[k]] = 1;
  }
  for (uint32_t m = 0; m < p->nmaps; m++) read[p->maps[m].col] = 1;
  for (uint32_t a = 0; a < p->naggs; a++) if (p->aggs[a].col >= 0) read[p->aggs[a].col] = 1;
  /* event tables: their key and the customer columns their filters read */
  uint32_t nbase = p->ncols - p->nevcols;
  for (uint32_t t = 0; t < p->nevtables; t++) {
    read[p->evtables[t].custkey] = 1;
    for (uint32_t g = 0; g < p->evtables[t].ngather; g++) read[p->evtables[t].gather[g]] = 1;
  }
  for (uint32_t i = 0; i < p->ncols; i++) {
    to[i] = -1;
    if (i >= nbase) {                     /* an event aggregate's column: after the data's own */
      to[i] = (int)(data->ncols + (i - nbase));
      continue;
    }
    if (!read[i]) continue;
    int j = seg_schema_view_find(data, p->colnames[i]);
    if (j < 0) {
      snprintf(err, errlen, "the rules read column '%s' (%s), which the data does not have", p->colnames[i],
               seg_type_name(p->coltypes[i]));
      goto out;
    }
    /* a column empty in every row takes the rules' type (seg_table_fit_empty) */
    if (data->types[j] != p->coltypes[i] &&
        !(data->may_be_missing && data->may_be_missing[j] == SEG_COL_EMPTY && p->coltypes[i] != SEG_TEXT)) {
      snprintf(err, errlen, "the rules read column '%s' as %s, the data has it as %s", p->colnames[i],
               seg_type_name(p->coltypes[i]), seg_type_name(data->types[j]));
      goto out;
    }
    to[i] = j;
  }
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    seg_insn *in = &p->code[pc];
    const char *fmt = seg_ops[in->op].format;
    uint32_t *ops[4] = {NULL, &in->b, &in->c, &in->d};
    if (fmt[0] == 'C') { in->a = (uint16_t)to[in->a]; continue; }
    for (int k = 1; k < 4 && fmt[k]; k++) if (fmt[k] == 'C') *ops[k] = (uint32_t)to[*ops[k]];
  }
  for (uint32_t m = 0; m < p->nmaps; m++) p->maps[m].col = (uint32_t)to[p->maps[m].col];
  for (uint32_t a = 0; a < p->naggs; a++) if (p->aggs[a].col >= 0) p->aggs[a].col = to[p->aggs[a].col];
  for (uint32_t i = 0; i < p->x.nn; i++)
    if (p->x.n[i].kind == SEG_N_NAME && p->x.n[i].col >= 0 && (uint32_t)p->x.n[i].col < p->ncols)
      p->x.n[i].col = to[p->x.n[i].col];
  for (uint32_t t = 0; t < p->nevtables; t++) {
    p->evtables[t].custkey = (uint32_t)to[p->evtables[t].custkey];
    for (uint32_t g = 0; g < p->evtables[t].ngather; g++) p->evtables[t].gather[g] = to[p->evtables[t].gather[g]];
  }
  for (uint32_t k = 0; k < p->nevcols; k++) p->evcols[k].col = (uint32_t)to[p->evcols[k].col];
  /* the data's columns, then the event aggregates' */
  const char **names = calloc(data->ncols + p->nevcols + 1, sizeof *names);
  seg_type *types = calloc(data->ncols + p->nevcols + 1, sizeof *types);
  if (!names || !types) { free(names); free(types); snprintf(err, errlen, "out of memory"); goto out; }
  for (size_t c = 0; c < data->ncols; c++) { names[c] = data->names[c]; types[c] = data->types[c]; }
  for (uint32_t i = nbase; i < p->ncols; i++) { names[to[i]] = p->colnames[i]; types[to[i]] = p->coltypes[i]; }
  seg_schema_view all = {.ncols = data->ncols + p->nevcols, .names = names, .types = types};
  int src = seg_program_set_columns(&cols, &all);
  free(names);
  free(types);
  if (src != 0) { snprintf(err, errlen, "out of memory"); goto out; }
  for (uint32_t i = 0; i < p->ncols; i++)
    if (to[i] >= 0) cols.coltypes[to[i]] = p->coltypes[i];    /* equal, or an empty column's new type */
  /* the data's columns replace the compiled ones */
  for (uint32_t i = 0; i < p->ncols; i++) free(p->colnames[i]);
  free(p->colnames);
  free(p->coltypes);
  p->ncols = cols.ncols;
  p->colnames = cols.colnames;
  p->coltypes = cols.coltypes;
  cols.colnames = NULL;
  cols.coltypes = NULL;
  cols.ncols = 0;
  rc = 0;
out:
  seg_program_free(&cols);
  free(to);
  free(read);
  return rc;
}
