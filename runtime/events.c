/*
** events.c -- event tables aggregated per customer (see events.h).
**
** Semantics (docs/language.md, "Event tables"): a customer with no
** matching event has count 0, any false, all true, sum 0, count_distinct
** 0, and avg, min, max, first, last missing; a missing value of the
** column read is skipped by every aggregate of a column (count(T.col)
** counts the present ones); an event whose filter is missing does not
** match; first()/last() take the event with the earliest / latest time
** (events without a time skipped; ties: the first / last row of the
** file); events with a missing or unknown key count for no customer and
** are reported.
*/
#include "events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "colfile.h"
#include "tasks.h"
#include "vm.h"

#define NO_ROW  (-1)   /* a key the customers do not have */
#define NO_KEY  (-2)   /* a missing key                   */

/* Threads for a work pool: as asked, else one per online CPU, at most 8. */
static size_t pool_threads(unsigned threads) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return threads ? threads : cpus > 8 ? 8 : cpus > 0 ? (size_t)cpus : 1;
}

static uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb3fe1a85ec53ULL;
  return x ^ (x >> 33);
}

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  return mix64(h);
}

/* Row of each event (NO_ROW, NO_KEY) through the key: int and date keys
** by a direct index over [min, max] when it is at most 4 slots per
** customer, else by an open-addressing hash; text keys by the bytes of
** the two dictionaries (each distinct event key looked up once). */
/* The events of rows [i * MAP_CHUNK, (i + 1) * MAP_CHUNK) through an int
** or date key index: mode 0, the customers' keys are lo, lo + 1, ... in
** row order; 1, at[] indexed by key - lo; 2, hashed (keys[], at[]). */
#define MAP_CHUNK 65536
typedef struct map_job {
  const seg_column *ek;
  int32_t *row;
  int mode;
  int64_t lo, hi;
  const int32_t *at;
  const int64_t *keys;
  size_t cap, ne;
} map_job;

static void map_task(void *arg, size_t chunk) {
  const map_job *j = arg;
  size_t from = chunk * MAP_CHUNK, to = from + MAP_CHUNK < j->ne ? from + MAP_CHUNK : j->ne;
  for (size_t e = from; e < to; e++) {
    if (!seg_valid_get(j->ek->valid, e)) { j->row[e] = NO_KEY; continue; }
    int64_t v = seg_col_get(j->ek, e);
    if (j->mode < 2) {
      int in = v >= j->lo && v <= j->hi;
      j->row[e] = !in ? NO_ROW : j->mode == 0 ? (int32_t)((uint64_t)v - (uint64_t)j->lo)
                                              : j->at[(uint64_t)v - (uint64_t)j->lo];
    } else {
      size_t i = mix64((uint64_t)v) & (j->cap - 1);
      while (j->at[i] != NO_ROW && j->keys[i] != v) i = (i + 1) & (j->cap - 1);
      j->row[e] = j->at[i];
    }
  }
}

static int map_rows(const seg_column *ck, size_t nc, const seg_column *ek, size_t ne, int32_t *row,
                    const char *table, unsigned threads, char *err, size_t errlen) {
  int rc = -1;
  if (ck->type == SEG_TEXT) {
    uint32_t nd = ck->ndict;
    int32_t *byc = malloc(((size_t)nd + 1) * sizeof *byc);
    size_t cap = 16;
    while (cap < 2 * (size_t)nd) cap *= 2;
    uint32_t *slot = malloc(cap * sizeof *slot);
    int32_t *evc = malloc(((size_t)ek->ndict + 1) * sizeof *evc);
    if (!byc || !slot || !evc) { snprintf(err, errlen, "out of memory"); goto text_done; }
    for (uint32_t c = 0; c < nd; c++) byc[c] = NO_ROW;
    for (size_t r = 0; r < nc; r++) {
      if (!seg_valid_get(ck->valid, r)) continue;
      uint32_t c = (uint32_t)seg_col_get(ck, r);
      if (c >= nd) { snprintf(err, errlen, "customer key of row %zu: bad text code", r + 1); goto text_done; }
      if (byc[c] != NO_ROW) {
        snprintf(err, errlen, "%s '%.*s' is on rows %d and %zu; table '%s' joins each event to one customer, so "
                 "the key must name each customer once", ck->name,
                 (int)(ck->dict_off[c + 1] - ck->dict_off[c] > 200 ? 200 : ck->dict_off[c + 1] - ck->dict_off[c]),
                 ck->dict_bytes + ck->dict_off[c], byc[c] + 1, r + 1, table);
        goto text_done;
      }
      byc[c] = (int32_t)r;
    }
    for (size_t i = 0; i < cap; i++) slot[i] = UINT32_MAX;
    for (uint32_t c = 0; c < nd; c++) {
      const char *s = ck->dict_bytes + ck->dict_off[c];
      size_t len = (size_t)(ck->dict_off[c + 1] - ck->dict_off[c]);
      size_t i = hash_bytes(s, len) & (cap - 1);
      for (; slot[i] != UINT32_MAX; i = (i + 1) & (cap - 1)) {
        uint32_t o = slot[i];
        /* a dictionary need not hold each value once (the streaming import
        ** gives an all-distinct column an entry per row): equal bytes under
        ** two codes are the same key on two rows */
        if ((size_t)(ck->dict_off[o + 1] - ck->dict_off[o]) == len && memcmp(ck->dict_bytes + ck->dict_off[o], s, len) == 0 &&
            byc[o] != NO_ROW && byc[c] != NO_ROW) {
          int32_t r1 = byc[o] < byc[c] ? byc[o] : byc[c], r2 = byc[o] < byc[c] ? byc[c] : byc[o];
          snprintf(err, errlen, "%s '%.*s' is on rows %d and %d; table '%s' joins each event to one customer, so "
                   "the key must name each customer once", ck->name, (int)(len > 200 ? 200 : len), s, r1 + 1, r2 + 1,
                   table);
          goto text_done;
        }
      }
      slot[i] = c;
    }
    for (uint32_t d = 0; d < ek->ndict; d++) {
      const char *s = ek->dict_bytes + ek->dict_off[d];
      size_t len = (size_t)(ek->dict_off[d + 1] - ek->dict_off[d]);
      evc[d] = NO_ROW;
      for (size_t i = hash_bytes(s, len) & (cap - 1); slot[i] != UINT32_MAX; i = (i + 1) & (cap - 1)) {
        uint32_t c = slot[i];
        if ((size_t)(ck->dict_off[c + 1] - ck->dict_off[c]) == len &&
            memcmp(ck->dict_bytes + ck->dict_off[c], s, len) == 0) {
          evc[d] = byc[c];
          break;
        }
      }
    }
    for (size_t i = 0; i < ne; i++) {
      if (!seg_valid_get(ek->valid, i)) { row[i] = NO_KEY; continue; }
      uint32_t d = (uint32_t)seg_col_get(ek, i);
      row[i] = d < ek->ndict ? evc[d] : NO_ROW;
    }
    rc = 0;
  text_done:
    free(byc);
    free(slot);
    free(evc);
    return rc;
  }
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  int seq = nc > 0;                     /* keys lo, lo + 1, ... in row order: the row is key - lo */
  for (size_t r = 0; r < nc; r++) {
    if (!seg_valid_get(ck->valid, r)) { seq = 0; continue; }
    int64_t v = seg_col_get(ck, r);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (seq && r && (uint64_t)v - (uint64_t)seg_col_get(ck, r - 1) != 1) seq = 0;
  }
  int direct = lo <= hi && (uint64_t)hi - (uint64_t)lo < 4 * (uint64_t)nc + 1024;
  size_t cap = 16;
  if (direct) cap = (size_t)((uint64_t)hi - (uint64_t)lo + 1);
  else while (cap < 2 * nc) cap *= 2;
  int32_t *at = seq ? NULL : malloc(cap * sizeof *at);
  int64_t *keys = direct ? NULL : malloc(cap * sizeof *keys);
  if ((!seq && !at) || (!direct && !keys)) {
    snprintf(err, errlen, "out of memory");
    goto int_done;
  }
  for (size_t i = 0; !seq && i < cap; i++) at[i] = NO_ROW;
  for (size_t r = 0; !seq && r < nc; r++) {
    if (!seg_valid_get(ck->valid, r)) continue;
    int64_t v = seg_col_get(ck, r);
    size_t i;
    if (direct) i = (size_t)((uint64_t)v - (uint64_t)lo);
    else {
      i = mix64((uint64_t)v) & (cap - 1);
      while (at[i] != NO_ROW && keys[i] != v) i = (i + 1) & (cap - 1);
    }
    if (at[i] != NO_ROW) {
      snprintf(err, errlen, "%s %lld is on rows %d and %zu; table '%s' joins each event to one customer, so the key "
               "must name each customer once", ck->name, (long long)v, at[i] + 1, r + 1, table);
      goto int_done;
    }
    at[i] = (int32_t)r;
    if (!direct) keys[i] = v;
  }
  map_job job = {ek, row, seq ? 0 : direct ? 1 : 2, lo, hi, at, keys, cap, ne};
  seg_run_tasks(pool_threads(threads), (ne + MAP_CHUNK - 1) / MAP_CHUNK, map_task, &job);
  rc = 0;
int_done:
  free(at);
  free(keys);
  return rc;
}

/* The events' view for the filter program: the table's own columns (the
** structs copied, the arrays shared) then each gathered customer column,
** its value of each event's customer (missing for an orphan). */
static int filter_table(const seg_evtable *et, const seg_table *cust, const seg_table *ev, const int32_t *row,
                        seg_table *ft, char *err, size_t errlen) {
  size_t ne = ev->nrows, words = (ne + 63) / 64;
  memset(ft, 0, sizeof *ft);
  ft->nrows = ne;
  ft->ncols = et->ncols + et->ngather;
  if (!(ft->cols = calloc(ft->ncols ? ft->ncols : 1, sizeof *ft->cols))) goto oom;
  for (uint32_t c = 0; c < et->ncols; c++) ft->cols[c] = ev->cols[c];
  for (uint32_t g = 0; g < et->ngather; g++) {
    const seg_column *cc = &cust->cols[et->gather[g]];
    seg_column *o = &ft->cols[et->ncols + g];
    *o = (seg_column){.name = cc->name, .type = cc->type, .scale = cc->scale, .has_missing = 1,
                      .ndict = cc->ndict, .dict_off = cc->dict_off, .dict_bytes = cc->dict_bytes};
    unsigned w = seg_type_width(cc->type);
    o->own_valid = o->valid = calloc(words ? words : 1, sizeof *o->valid);
    o->own_data = o->data = calloc(ne ? ne : 1, w);
    if (!o->valid || !o->data) goto oom;
    if (seg_col_check(cc, cust->nrows, err, errlen) != 0) return -1;
    for (size_t i = 0; i < ne; i++) {
      int32_t r = row[i];
      if (r < 0 || !seg_valid_get(cc->valid, (size_t)r)) continue;
      o->valid[i >> 6] |= 1ULL << (i & 63);
      int64_t v = seg_col_get(cc, (size_t)r);
      switch (w) {
      case 1: ((uint8_t *)o->data)[i] = (uint8_t)v; break;
      case 4: ((int32_t *)o->data)[i] = (int32_t)v; break;
      default: ((int64_t *)o->data)[i] = v; break;
      }
    }
  }
  return 0;
oom:
  snprintf(err, errlen, "out of memory");
  return -1;
}

static void filter_table_free(const seg_evtable *et, seg_table *ft) {
  for (uint32_t g = 0; ft->cols && g < et->ngather; g++) {
    free(ft->cols[et->ncols + g].own_valid);
    free(ft->cols[et->ncols + g].own_data);
  }
  free(ft->cols);
  memset(ft, 0, sizeof *ft);
}

/* Every row of o present (its bits past nc left clear). */
static void all_valid(seg_column *o, size_t nc) {
  size_t full = nc / 64;
  memset(o->valid, 0xff, full * sizeof *o->valid);
  if (nc % 64) o->valid[full] = UINT64_MAX >> (64 - nc % 64);
}

static int cmp_pair(const void *a, const void *b) {
  const int64_t *x = a, *y = b;
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void put(seg_column *o, size_t r, int64_t v) {
  switch (seg_type_width(o->type)) {
  case 1: ((uint8_t *)o->data)[r] = (uint8_t)v; break;
  case 4: ((int32_t *)o->data)[r] = (int32_t)v; break;
  default: ((int64_t *)o->data)[r] = v; break;
  }
  o->valid[r >> 6] |= 1ULL << (r & 63);
}

/* One aggregate into column o (its arrays allocated, all missing). */
static int aggregate(const seg_evcol *a, const seg_evtable *et, const seg_table *ev, const int32_t *row,
                     const uint64_t *match, size_t nc, seg_column *o, char *err, size_t errlen) {
  size_t ne = ev->nrows;
  const seg_column *x = a->evcol >= 0 ? &ev->cols[a->evcol] : NULL;
  const seg_column *tc = et->time >= 0 ? &ev->cols[et->time] : NULL;
  if (x && seg_col_check(x, ne, err, errlen) != 0) return -1;
  if (x && a->fn != SEG_EV_COUNT && a->fn != SEG_EV_COUNT_DISTINCT) {    /* the value's scale and dictionary */
    o->scale = a->fn == SEG_EV_AVG ? (x->scale + 6 > 18 ? 18 : x->scale + 6) : x->scale;
    if (o->type == SEG_TEXT) { o->ndict = x->ndict; o->dict_off = x->dict_off; o->dict_bytes = x->dict_bytes; }
  }
  if (tc && (a->fn == SEG_EV_FIRST || a->fn == SEG_EV_LAST) && seg_col_check(tc, ne, err, errlen) != 0) return -1;
  int rc = -1;
  int64_t *acc = NULL, *cnt = NULL;
  uint8_t *flag = NULL;
#define MATCHES(i) (row[i] >= 0 && (!match || ((match[(i) >> 6] >> ((i) & 63)) & 1)))
#define PRESENT(i) (!x || seg_valid_get(x->valid, i))
  switch ((seg_evfn)a->fn) {
  case SEG_EV_COUNT: {                            /* counted in the column's own int64 array */
    int64_t *n = o->data;
    for (size_t i = 0; i < ne; i++)
      if (MATCHES(i) && PRESENT(i)) n[row[i]]++;
    all_valid(o, nc);
    rc = 0;
    break;
  }
  case SEG_EV_ANY: case SEG_EV_ALL: {             /* the column's own bytes: 1 byte a customer */
    uint8_t *b = o->data;
    if (a->fn == SEG_EV_ANY) {
      for (size_t i = 0; i < ne; i++)
        if (MATCHES(i)) b[row[i]] = 1;
    } else {
      memset(b, 1, nc);
      for (size_t i = 0; i < ne; i++)               /* an event its condition does not hold for */
        if (row[i] >= 0 && !((match[i >> 6] >> (i & 63)) & 1)) b[row[i]] = 0;
    }
    all_valid(o, nc);
    rc = 0;
    break;
  }
  case SEG_EV_SUM: case SEG_EV_AVG:
    /* a sum adds in the column's own array; an average needs the counts too */
    acc = a->fn == SEG_EV_SUM ? o->data : calloc(nc ? nc : 1, sizeof *acc);
    cnt = a->fn == SEG_EV_AVG ? calloc(nc ? nc : 1, sizeof *cnt) : NULL;
    flag = calloc(nc ? nc : 1, 1);                  /* overflowed */
    if (!acc || (a->fn == SEG_EV_AVG && !cnt) || !flag) {
      if (acc == o->data) acc = NULL;
      break;
    }
    for (size_t i = 0; i < ne; i++) {
      if (!MATCHES(i) || !PRESENT(i)) continue;
      int32_t r = row[i];
      if (__builtin_add_overflow(acc[r], seg_col_get(x, i), &acc[r])) flag[r] = 1;
      if (cnt) cnt[r]++;
    }
    if (a->fn == SEG_EV_SUM) {
      all_valid(o, nc);
      for (size_t r = 0; r < nc; r++)             /* an overflow is missing, as int arithmetic */
        if (flag[r]) o->valid[r >> 6] &= ~(1ULL << (r & 63));
      acc = NULL;                                   /* the column's: not freed here */
      rc = 0;
      break;
    }
    for (size_t r = 0; r < nc; r++) {
      if (flag[r]) continue;
      if (!cnt[r]) continue;
      __int128 num = (__int128)acc[r];
      for (uint32_t k = x->scale; k < o->scale; k++) num *= 10;
      __int128 q = num / cnt[r], rem = num % cnt[r];
      if (2 * (rem < 0 ? -rem : rem) >= cnt[r]) q += num < 0 ? -1 : 1;   /* half away from zero */
      put(o, r, (int64_t)q);
    }
    rc = 0;
    break;
  case SEG_EV_MIN: case SEG_EV_MAX:
    acc = malloc((nc ? nc : 1) * sizeof *acc);
    flag = calloc(nc ? nc : 1, 1);
    if (!acc || !flag) break;
    for (size_t i = 0; i < ne; i++) {
      if (!MATCHES(i) || !PRESENT(i)) continue;
      int32_t r = row[i];
      int64_t v = seg_col_get(x, i);
      if (!flag[r] || (a->fn == SEG_EV_MIN ? v < acc[r] : v > acc[r])) acc[r] = v;
      flag[r] = 1;
    }
    for (size_t r = 0; r < nc; r++) if (flag[r]) put(o, r, acc[r]);
    rc = 0;
    break;
  case SEG_EV_FIRST: case SEG_EV_LAST:
    acc = malloc((nc ? nc : 1) * sizeof *acc);      /* best time */
    cnt = malloc((nc ? nc : 1) * sizeof *cnt);      /* its event, -1 none */
    if (!acc || !cnt || !tc) break;
    for (size_t r = 0; r < nc; r++) cnt[r] = -1;
    for (size_t i = 0; i < ne; i++) {
      if (!MATCHES(i) || !seg_valid_get(tc->valid, i)) continue;
      int32_t r = row[i];
      int64_t t = seg_col_get(tc, i);
      if (cnt[r] < 0 || (a->fn == SEG_EV_FIRST ? t < acc[r] : t >= acc[r])) {
        acc[r] = t;
        cnt[r] = (int64_t)i;
      }
    }
    for (size_t r = 0; r < nc; r++)
      if (cnt[r] >= 0 && seg_valid_get(x->valid, (size_t)cnt[r])) put(o, r, seg_col_get(x, (size_t)cnt[r]));
    rc = 0;
    break;
  case SEG_EV_COUNT_DISTINCT: {
    if ((x->type == SEG_TEXT && x->ndict <= 64) || x->type == SEG_BOOL) {
      /* few distinct values (a category, a channel): a bit per value per customer */
      uint64_t *bits = calloc(nc ? nc : 1, sizeof *bits);
      uint32_t *canon = x->type == SEG_TEXT ? seg_col_canon_codes(x) : NULL;   /* equal text, one code */
      if (!bits || (x->type == SEG_TEXT && !canon)) { free(bits); free(canon); break; }
      for (size_t i = 0; i < ne; i++)
        if (MATCHES(i) && PRESENT(i)) {
          int64_t v = seg_col_get(x, i);
          bits[row[i]] |= 1ULL << ((canon && (uint64_t)v < x->ndict ? canon[v] : (uint64_t)v) & 63);
        }
      free(canon);
      for (size_t r = 0; r < nc; r++) put(o, r, (int64_t)__builtin_popcountll(bits[r]));
      free(bits);
      rc = 0;
      break;
    }
    size_t n = 0;
    for (size_t i = 0; i < ne; i++) n += MATCHES(i) && PRESENT(i);
    int64_t *pairs = malloc((n ? n : 1) * 2 * sizeof *pairs);
    uint32_t *canon = x->type == SEG_TEXT ? seg_col_canon_codes(x) : NULL;   /* equal text, one code */
    if (!pairs || (x->type == SEG_TEXT && !canon)) { free(pairs); free(canon); break; }
    size_t k = 0;
    for (size_t i = 0; i < ne; i++)
      if (MATCHES(i) && PRESENT(i)) {
        int64_t v = seg_col_get(x, i);
        pairs[2 * k] = row[i];
        pairs[2 * k + 1] = canon && (uint64_t)v < x->ndict ? canon[v] : v;
        k++;
      }
    free(canon);
    qsort(pairs, n, 2 * sizeof *pairs, cmp_pair);
    for (size_t r = 0; r < nc; r++) put(o, r, 0);
    for (size_t j = 0; j < n; j++)
      if (j == 0 || pairs[2 * j] != pairs[2 * j - 2] || pairs[2 * j + 1] != pairs[2 * j - 1])
        ((int64_t *)o->data)[pairs[2 * j]]++;
    free(pairs);
    rc = 0;
    break;
  }
  default:
    snprintf(err, errlen, "unknown event aggregate %u", a->fn);
    return -1;
  }
#undef MATCHES
#undef PRESENT
  free(acc);
  free(cnt);
  free(flag);
  if (rc) snprintf(err, errlen, "out of memory");
  return rc;
}

/* The aggregates of one table, one task each (runtime/tasks.c): they
** read the same events and row map and write their own columns. */
typedef struct agg_job {
  const seg_program *p;
  uint32_t t;
  const seg_table *e;
  const int32_t *row;
  const seg_result *res;
  size_t nc;
  seg_column *out;          /* the event columns, p->evcols order */
  uint32_t *ks;             /* the aggregates of table t */
  int *rc;
  char (*err)[256];
} agg_job;

static void agg_task(void *arg, size_t i) {
  agg_job *j = arg;
  uint32_t k = j->ks[i];
  const seg_evcol *a = &j->p->evcols[k];
  const uint64_t *match = a->filter >= 0 ? j->res->members[a->filter] : NULL;
  if (a->fn == SEG_EV_ALL && !match) {
    snprintf(j->err[i], sizeof j->err[i], "all() without a condition");
    j->rc[i] = -1;
    return;
  }
  j->rc[i] = aggregate(a, &j->p->evtables[j->t], j->e, j->row, match, j->nc, &j->out[k], j->err[i],
                       sizeof j->err[i]);
}

/* The event table's columns as the rules were compiled for them (names,
** types, order: et->colnames), found by name in e: *view holds copies of
** e's column structs (the arrays shared); free view->cols only. */
static int bind_table(const seg_evtable *et, const seg_table *e, seg_table *view, char *err, size_t errlen) {
  memset(view, 0, sizeof *view);
  view->nrows = e->nrows;
  view->ncols = et->ncols;
  if (!(view->cols = calloc(et->ncols + 1, sizeof *view->cols))) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (uint32_t c = 0; c < et->ncols; c++) {
    int j = seg_table_find(e, et->colnames[c]);
    for (size_t i = 0; j < 0 && i < e->ncols; i++)
      if (strcasecmp(e->cols[i].name, et->colnames[c]) == 0) j = (int)i;
    if (j < 0 || e->cols[j].type != et->coltypes[c]) {
      snprintf(err, errlen, j < 0 ? "table '%s' has no column '%s' (%s), which the rules read"
                                  : "table '%s': the rules read column '%s' as %s, the data has it as %s",
               et->name, et->colnames[c], seg_type_name(et->coltypes[c]), j < 0 ? "" : seg_type_name(e->cols[j].type));
      free(view->cols);
      view->cols = NULL;
      return -1;
    }
    view->cols[c] = e->cols[j];
  }
  return 0;
}

int seg_events_fill(const seg_program *p, seg_table *cust, const seg_table *const *ev, seg_evreport *rep,
                    unsigned threads, char *err, size_t errlen) {
  size_t nbase = p->ncols - p->nevcols, nc = cust->nrows, words = (nc + 63) / 64;
  if (cust->ncols != nbase) {
    snprintf(err, errlen, "the rules were compiled for %zu columns, the data has %zu", nbase, cust->ncols);
    return -1;
  }
  seg_column *cols = calloc(nbase + p->nevcols + 1, sizeof *cols);
  if (!cols) { snprintf(err, errlen, "out of memory"); return -1; }
  memcpy(cols, cust->cols, nbase * sizeof *cols);
  int rc = -1;
  size_t made = 0;
  seg_table bound = {0};                /* the event table being aggregated, bound by name */
  for (; made < p->nevcols; made++) {             /* the new columns, all missing */
    const seg_evcol *a = &p->evcols[made];
    seg_column *o = &cols[nbase + made];
    o->type = p->coltypes[a->col];
    o->has_missing = 1;                 /* its scale and dictionary: aggregate(), from the bound column */
    o->name = strdup(p->colnames[a->col]);
    o->own_valid = o->valid = calloc(words ? words : 1, sizeof *o->valid);
    o->own_data = o->data = calloc(nc ? nc : 1, seg_type_width(o->type));
    if (!o->name || !o->valid || !o->data) { made++; snprintf(err, errlen, "out of memory"); goto done; }
  }
  for (uint32_t t = 0; t < p->nevtables; t++) {
    const seg_evtable *et = &p->evtables[t];
    free(bound.cols);
    if (bind_table(et, ev[t], &bound, err, errlen) != 0) goto done;
    const seg_table *e = &bound;
    rep[t] = (seg_evreport){e->nrows, 0, 0};
    if (et->evkey >= e->ncols || et->custkey >= nbase) {
      snprintf(err, errlen, "table '%s': its key out of range", et->name);
      goto done;
    }
    int used = 0;
    for (uint32_t k = 0; k < p->nevcols; k++) used |= p->evcols[k].table == t;
    if (!used) continue;
    const seg_column *ck = &cust->cols[et->custkey], *ek = &e->cols[et->evkey];
    if (seg_col_check(ck, nc, err, errlen) != 0 || seg_col_check(ek, e->nrows, err, errlen) != 0) goto done;
    int32_t *row = malloc((e->nrows ? e->nrows : 1) * sizeof *row);
    if (!row) { snprintf(err, errlen, "out of memory"); goto done; }
    if (map_rows(ck, nc, ek, e->nrows, row, et->name, threads, err, errlen) != 0) { free(row); goto done; }
    for (size_t i = 0; i < e->nrows; i++) {
      rep[t].missing_key += row[i] == NO_KEY;
      rep[t].unknown_key += row[i] == NO_ROW;
    }
    seg_result res = {0};
    if (et->filters) {
      seg_table ft;
      int frc = filter_table(et, cust, e, row, &ft, err, errlen);
      seg_vm_opts vo = {.want_members = 1, .threads = threads};
      if (frc == 0) frc = seg_vm_run_opts(et->filters, &ft, &vo, &res, err, errlen);
      filter_table_free(et, &ft);
      if (frc != 0) { free(row); seg_result_free(&res); goto done; }
    }
    int arc = 0;
    uint32_t *ks = malloc((p->nevcols + 1) * sizeof *ks), nk = 0;
    int *rcs = calloc(p->nevcols + 1, sizeof *rcs);
    char (*errs)[256] = calloc(p->nevcols + 1, sizeof *errs);
    if (!ks || !rcs || !errs) {
      snprintf(err, errlen, "out of memory");
      arc = -1;
    } else {
      for (uint32_t k = 0; k < p->nevcols; k++) if (p->evcols[k].table == t) ks[nk++] = k;
      agg_job job = {p, t, e, row, &res, nc, cols + nbase, ks, rcs, errs};
      seg_run_tasks(pool_threads(threads), nk, agg_task, &job);
      for (uint32_t i = 0; i < nk && arc == 0; i++)
        if (rcs[i]) { snprintf(err, errlen, "%s", errs[i]); arc = -1; }
    }
    free(ks);
    free(rcs);
    free(errs);
    free(row);
    seg_result_free(&res);
    if (arc != 0) goto done;
  }
  free(bound.cols);
  free(cust->cols);
  cust->cols = cols;
  cust->ncols = nbase + p->nevcols;
  return 0;
done:
  free(bound.cols);
  for (size_t k = 0; k < made; k++) {
    free(cols[nbase + k].name);
    free(cols[nbase + k].own_valid);
    free(cols[nbase + k].own_data);
  }
  free(cols);
  return rc;
}
