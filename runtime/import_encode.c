/*
** import_encode.c -- the chunks' candidates combined into column types, and the columns encoded: values in row order, text dictionaries, validity bitmaps.
*/
#include "import_int.h"

/* ---- types ------------------------------------------------------------- */

/* 1234567 -> "1,234,567" */
static void group3(uint64_t v, char *out, size_t cap) {
  char tmp[32];
  int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
  size_t k = 0;
  for (int i = 0; i < len && k + 2 < cap; i++) {
    if (i > 0 && (len - i) % 3 == 0) out[k++] = ',';
    out[k++] = tmp[i];
  }
  out[k] = '\0';
}

enum { W_BOOL, W_INT_P, W_INT_C, W_NUM_P, W_NUM_C, W_DATE, W_N };

/* The misfits why_text allows a type: at most 5 values, or 1% of the rows
** up to 1,000. */
uint64_t seg_imp_why_cap(uint64_t nrows) {
  return nrows / 100 > 1000 ? 1000 : nrows / 100 > 5 ? nrows / 100 : 5;
}

/* Counts one present value of a text column (row: its table row). */
void seg_imp_why_add(whytext *w, const uchar *s, size_t n, unsigned date_flags, uint64_t row, uint64_t cap) {
  if (w->done) return;
  int ok[W_N];
  uint8_t b;
  numscan ns;
  int fp = -1, fc = -1;
  if (seg_imp_num_scan(s, n, &ns)) fp = seg_imp_num_read(&ns, '.'), fc = seg_imp_num_read(&ns, ',');
  ok[W_BOOL] = seg_imp_is_bool(s, n, &b);
  ok[W_INT_P] = fp == 0;
  ok[W_INT_C] = fc == 0;
  ok[W_NUM_P] = fp >= 0;
  ok[W_NUM_C] = fc >= 0;
  ok[W_DATE] = seg_date_parse_ex((const char *)s, n, date_flags, NULL) == 0;
  int alive = 0;
  for (int t = 0; t < W_N; t++) {
    if (ok[t]) w->fit[t]++;
    else if (w->bad[t]++ == 0) w->first[t] = row, seg_imp_copy_ex(w->ex[t], sizeof w->ex[t], s, n);
    alive |= w->bad[t] <= cap;
  }
  if (!alive) w->done = 1;
}

/* Column j is text: when a few of its values are all that keep it from
** being bool, int, number or date (at most seg_imp_why_cap(rows) values,
** and fewer than the ones that fit), a warning names the first such value
** and its line, so that a rule failing on the column can be understood.
** The counts are `why` when given (the streaming import's), else they are
** made from the arenas; the scan stops once every type has more misfits
** than the cap. */
static void why_text(job *jb, size_t j, const whytext *why) {
  static const char *const tname[W_N] = {"bool", "int", "int", "number", "number", "date"};
  uint64_t nrows = 0;
  for (size_t k = 0; k < jb->nch; k++) nrows += jb->ch[k].nrows;
  uint64_t cap = seg_imp_why_cap(nrows);
  whytext mine;
  if (why == NULL) {
    memset(&mine, 0, sizeof mine);
    for (size_t k = 0; k < jb->nch && !mine.done; k++) {
      const chunk *ch = &jb->ch[k];
      size_t pos = 0, n;
      for (uint64_t r = 0; r < ch->nrows && !mine.done; r++) {
        const uchar *s = seg_imp_raw_next(ch->cols[j].b, &pos, &n);
        if (n != 0) seg_imp_why_add(&mine, s, n, jb->date_flags, ch->row0 + r, cap);
      }
    }
    why = &mine;
  }
  if (why->done) return;
  const uint64_t *fit = why->fit, *bad = why->bad;
  int best = -1;
  for (int w = 0; w < W_N; w++)
    if (bad[w] > 0 && bad[w] <= cap && bad[w] < fit[w] && (best < 0 || fit[w] > fit[best])) best = w;
  if (best < 0) return;
  char others[32], more[64] = "";
  group3(fit[best], others, sizeof others);
  if (bad[best] > 1)
    snprintf(more, sizeof more, " and %llu more value%s like it", (unsigned long long)(bad[best] - 1),
             bad[best] == 2 ? "" : "s");
  seg_imp_warn(jb, "%s: column '%s' is text because line %llu has '%s'%s (%s other value%s %s %s); use --schema to pin "
       "its type", jb->fname, jb->hdr[j],
       (unsigned long long)seg_imp_row_line(jb, why->first[best]), why->ex[best], more, others, fit[best] == 1 ? "" : "s",
       fit[best] == 1 ? "is" : "are", tname[best]);
}

/* Chooses column j's type from the chunks' candidates; with `warn`, warns
** about ambiguous number and date columns and near-typed text (why_text,
** from `why` when given). */
coltype seg_imp_decide(job *jb, size_t j, int warn, const whytext *why) {
  colstat m;
  seg_imp_colstat_init(&m);
  m.can = CAN_ALL;
  uint64_t crow = NONE, arow = NONE;
  const char *cex = "", *aex = "";
  int seen = 0;
  for (size_t k = 0; k < jb->nch; k++) {
    const colstat *st = &jb->ch[k].st[j];
    m.can &= st->can | SEEN;
    seen |= (st->can & SEEN) != 0;
    if (st->fd_p > m.fd_p) m.fd_p = st->fd_p;
    if (st->fd_c > m.fd_c) m.fd_c = st->fd_c;
    if (crow == NONE && st->conflict_row != NONE) crow = jb->ch[k].row0 + st->conflict_row, cex = st->conflict_ex;
    if (arow == NONE && st->altdate_row != NONE) arow = jb->ch[k].row0 + st->altdate_row, aex = st->altdate_ex;
  }
  coltype t = {SEG_TEXT, 0, 0, 0};
  const char *name = jb->hdr[j];
  if (!seen) return t;
  uint32_t c = m.can;
  if (c & CAN_BOOL) {
    t.type = SEG_BOOL;
    return t;
  }
  char dec = jb->m->decimal;
  int p = (c & CAN_P) != 0, q = (c & CAN_C) != 0;
  if (dec == '.') q = 0;
  if (dec == ',') p = 0;
  if (p && q && crow != NONE) {
    if (!warn) return t;
    int comma = strchr(cex, ',') != NULL;
    seg_imp_warn(jb,
         "%s:%llu: column '%s' imported as text: '%s' reads as a number both with %s (and every value "
         "of the column reads both ways); give --decimal . or --decimal , to choose",
         jb->fname, (unsigned long long)seg_imp_row_line(jb, crow), name, cex,
         comma ? "',' as thousands separator and with ',' as decimal comma"
               : "'.' as decimal point and with '.' as thousands separator");
    return t;
  }
  if (p || q) {
    t.dec = p ? '.' : ',';
    uint32_t intbit = p ? CAN_PINT : CAN_CINT;
    if (c & intbit) {
      t.type = SEG_INT;
    } else {
      t.type = SEG_NUM;
      t.scale = p ? m.fd_p : m.fd_c;
    }
    return t;
  }
  if (c & CAN_DATE) {
    t.type = SEG_DATE;
    return t;
  }
  if (!((c & CAN_DATE_ALT) && arow != NONE)) {
    if (warn && !(jb->unread && jb->unread[j])) why_text(jb, j, why);   /* (it reads the values) */
    return t;
  }
  if (warn)
    seg_imp_warn(jb,
         "%s:%llu: column '%s' imported as text: its dates read only %s (such as '%s'); %s",
         jb->fname, (unsigned long long)seg_imp_row_line(jb, arow), name,
         jb->date_flags & SEG_DATE_MONTH_FIRST ? "day first" : "month first", aex,
         jb->date_flags & SEG_DATE_MONTH_FIRST ? "drop --month-first" : "give --month-first for US-style M/D/YYYY dates");
  return t;
}

/* ---- encoding ----------------------------------------------------------- */

uint64_t seg_imp_mix64(uint64_t a, uint64_t b) {
  __uint128_t r = (__uint128_t)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t ld64(const uchar *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint64_t ld32(const uchar *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* A wyhash-style 64-bit hash: 16 bytes per multiply. */
uint64_t seg_imp_hash_bytes(const uchar *s, size_t n) {
  const uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull, k2 = 0x8ebc6af09c88c6e3ull;
  uint64_t h = k0 ^ (n * k2), a, b;
  size_t len = n;
  while (n > 16) {
    h = seg_imp_mix64(ld64(s) ^ k1, ld64(s + 8) ^ h);
    s += 16;
    n -= 16;
  }
  if (n >= 8) {
    a = ld64(s);
    b = ld64(s + n - 8);
  } else if (n >= 4) {
    a = ld32(s);
    b = ld32(s + n - 4);
  } else if (n > 0) {
    a = (uint64_t)s[0] << 16 | (uint64_t)s[n >> 1] << 8 | s[n - 1];
    b = 0;
  } else {
    a = b = 0;
  }
  return seg_imp_mix64(k1 ^ len, seg_imp_mix64(a ^ k1, b ^ h));
}

void seg_imp_too_much_text(job *jb, size_t j, uint64_t per_row_past) {
  char most[32] = "4 GiB", what[96] = "distinct text";
  if (jb->text_max != SEG_TEXT_MAX) snprintf(most, sizeof most, "%llu bytes", (unsigned long long)jb->text_max);
  if (per_row_past)           /* the streaming import past its dictionary cap keeps a value per row */
    snprintf(what, sizeof what, "text in its rows (more than %llu distinct values: each row's value is kept)",
             (unsigned long long)per_row_past);
  seg_set_err(jb->err, jb->errlen,
              "%s: column '%s' holds more than %s of %s, the most one column can hold; "
              "split the export into smaller files", jb->fname, jb->hdr[j], most, what);
}

int seg_imp_dict_init(dict *d) {
  memset(d, 0, sizeof *d);
  d->mask = 1023;
  d->slots = zalloc(d->mask + 1, sizeof *d->slots);
  d->ocap = 1024;
  d->off = malloc(d->ocap * sizeof *d->off);
  if (d->slots == NULL || d->off == NULL) return -1;
  d->off[0] = 0;
  d->max = SEG_TEXT_MAX;
  return 0;
}

void seg_imp_dict_free(dict *d) {
  free(d->slots);
  free(d->off);
  free(d->bytes);
  memset(d, 0, sizeof *d);
}

/* Grows the table to at least `slots` slots (a power of two). */
static int dict_rehash(dict *d, size_t slots) {
  size_t nm = d->mask * 2 + 1;
  while (nm + 1 < slots && nm < SIZE_MAX / 4) nm = nm * 2 + 1;
  uint64_t *ns = zalloc(nm + 1, sizeof *ns);
  if (ns == NULL) return -1;
  for (size_t i = 0; i <= d->mask; i++) {
    uint64_t e = d->slots[i];
    if (e == 0) continue;
    size_t k = (size_t)(e >> 32) & nm;
    while (ns[k] != 0) k = (k + 1) & nm;
    ns[k] = e;
  }
  free(d->slots);
  d->slots = ns;
  d->mask = nm;
  return 0;
}

/* a[0..n) == b[0..n); both may be read 16 bytes past n (the arenas and
** the dictionary bytes keep that slack). */
static inline int bytes_eq(const uchar *a, const uchar *b, size_t n) {
  if (n > 16) return memcmp(a, b, n) == 0;
  uint64_t a0 = ld64(a), a1 = ld64(a + 8), b0 = ld64(b), b1 = ld64(b + 8);
  uint64_t m0 = n >= 8 ? ~0ull : (1ull << (8 * n)) - 1;
  uint64_t m1 = n >= 16 ? ~0ull : n <= 8 ? 0 : (1ull << (8 * (n - 8))) - 1;
  return ((a0 ^ b0) & m0) == 0 && ((a1 ^ b1) & m1) == 0;
}

int64_t seg_imp_dict_append(dict *d, const uchar *s, size_t n) {
  if (d->n >= UINT32_MAX - 1) return -1;
  if ((uint64_t)d->blen + n > d->max) return -2;
  if ((size_t)d->n + 2 > d->ocap) {
    uint32_t *no = realloc(d->off, d->ocap * 2 * sizeof *no);
    if (no == NULL) return -1;
    d->off = no;
    d->ocap *= 2;
  }
  if (grow(&d->bytes, &d->bcap, d->blen + n + 16) != 0) return -1;
  if (n) memcpy(d->bytes + d->blen, s, n);
  d->blen += n;
  uint32_t c = d->n++;
  d->off[c + 1] = (uint32_t)d->blen;
  return c;
}

int64_t seg_imp_dict_code(dict *d, const uchar *s, size_t n, uint64_t h) {
  return seg_imp_dict_find(d, s, n, h, 1);
}

int64_t seg_imp_dict_find(dict *d, const uchar *s, size_t n, uint64_t h, int add) {
  uint64_t tag = h >> 32;
  size_t i = (size_t)tag & d->mask;
  for (;;) {
    uint64_t e = d->slots[i];
    if (e == 0) break;
    if ((e >> 32) == tag) {
      uint32_t c = (uint32_t)e - 1;
      if (d->off[c + 1] - d->off[c] == n && bytes_eq(d->bytes + d->off[c], s, n)) return c;
    }
    i = (i + 1) & d->mask;
  }
  if (!add) return -4;
  int64_t k = seg_imp_dict_append(d, s, n);
  if (k < 0) return k;
  uint32_t c = (uint32_t)k;
  d->slots[i] = tag << 32 | (uint64_t)(c + 1);
  if ((size_t)d->n * 2 > d->mask && dict_rehash(d, 0) != 0) return -1;
  return c;
}

/* Validity bits of one column, built a word at a time: every word of
** the array is written once (no zeroing pass). */
typedef struct validw {
  uint64_t *v;
  uint64_t word;
} validw;

static inline void valid_put(validw *w, uint64_t g, int present) {
  w->word |= (uint64_t)(present != 0) << (g & 63);
  if ((g & 63) == 63) {
    w->v[g >> 6] = w->word;
    w->word = 0;
  }
}

static inline void valid_end(validw *w, uint64_t nrows) {
  if (nrows & 63) w->v[nrows >> 6] = w->word;
}

#define BATCH 16

/* Text is stored in Unicode normalization form C, so a value typed on a
** Mac or in a web form (NFD: "o" + U+0308) equals the same text typed
** composed (U+00F6), in rules and in the data alike. Only dictionary
** values with non-ASCII bytes can change; equal values after normalising
** may keep two codes (the VM evaluates each code, so results agree).
** 0, or -1 out of memory, -2 past SEG_TEXT_MAX bytes. */
int seg_imp_nfc_dict(seg_column *col, uint64_t max) {
  size_t n = col->ndict, total = (size_t)col->dict_off[n];
  size_t k = 0;
  while (k < total && (uchar)col->dict_bytes[k] < 0x80) k++;
  if (k == total) return 0;                       /* all ASCII: nothing to do */
  uint32_t *off = amalloc((n + 1) * sizeof *off);
  size_t cap = total + 64, len = 0;
  uchar *bytes = malloc(cap);
  if (!off || !bytes) goto oom;
  for (size_t i = 0; i < n; i++) {
    const uchar *v = (const uchar *)col->dict_bytes + col->dict_off[i];
    size_t vn = (size_t)(col->dict_off[i + 1] - col->dict_off[i]), q = 0;
    while (q < vn && v[q] < 0x80) q++;
    uint8_t *norm = NULL;
    size_t nn = vn;
    if (q < vn) {
      if (seg_alloc_inject()) goto oom;           /* libunistring's malloc, counted */
      norm = u8_normalize(UNINORM_NFC, v, vn, NULL, &nn);
      if (!norm) goto oom;
    }
    if (len + nn > cap) {
      size_t nc = (len + nn) * 2;
      uchar *nb = realloc(bytes, nc);
      if (!nb) { free(norm); goto oom; }
      bytes = nb;
      cap = nc;
    }
    memcpy(bytes + len, norm ? norm : v, nn);
    free(norm);
    off[i] = (uint32_t)len;
    len += nn;
    if (len > max) {                  /* NFC made the text longer */
      free(off);
      free(bytes);
      return -2;
    }
  }
  off[n] = (uint32_t)len;
  uchar *fin = amalloc(len);
  if (!fin) goto oom;
  if (len) memcpy(fin, bytes, len);
  free(bytes);
  free(col->dict_off);
  free(col->dict_bytes);
  col->dict_off = off;
  col->dict_bytes = (char *)fin;
  return 0;
oom:
  free(off);
  free(bytes);
  return -1;
}

/* Column j as text into col (valid and data allocated, not zeroed).  The
** cells go through the dictionary in batches: hashes first and their slots
** prefetched, then the probes, so a column of a million distinct e-mails
** does not wait for one cache miss at a time. */
static int encode_text(job *jb, size_t j, seg_column *col, uint64_t nrows) {
  dict d;
  uint32_t *codes = col->data;
  validw vw = {col->valid, 0};
  int rc = -1, sized = 0;
  if (seg_imp_dict_init(&d) != 0) goto out;
  d.max = jb->text_max;
  for (size_t k = 0; k < jb->nch; k++) {
    const chunk *ch = &jb->ch[k];
    const uchar *b = ch->cols[j].b;
    size_t pos = 0;
    uint64_t r = 0, g = ch->row0;
    while (r < ch->nrows) {
      /* Mostly distinct values so far (e-mails, ids): size the table for
      ** the whole column once instead of doubling it a dozen times. */
      if (!sized && g >= 16384) {
        sized = 1;
        if (d.n > g / 2 && dict_rehash(&d, (size_t)((double)nrows / (double)g * d.n) * 2) != 0) goto out;
      }
      const uchar *cs[BATCH];
      size_t cn[BATCH];
      uint64_t ch_[BATCH];
      size_t m = ch->nrows - r < BATCH ? (size_t)(ch->nrows - r) : BATCH;
      for (size_t i = 0; i < m; i++) {
        cs[i] = seg_imp_raw_next(b, &pos, &cn[i]);
        ch_[i] = seg_imp_hash_bytes(cs[i], cn[i]);
        __builtin_prefetch(&d.slots[(size_t)(ch_[i] >> 32) & d.mask]);
      }
      for (size_t i = 0; i < m; i++, r++, g++) {
        valid_put(&vw, g, cn[i] != 0);
        if (cn[i] == 0) {
          codes[g] = 0;
          continue;
        }
        int64_t c = seg_imp_dict_code(&d, cs[i], cn[i], ch_[i]);
        if (c < 0) {
          rc = (int)c;
          goto out;
        }
        codes[g] = (uint32_t)c;
      }
    }
  }
  valid_end(&vw, nrows);
  col->ndict = d.n;
  col->dict_off = amalloc(((size_t)d.n + 1) * sizeof(uint32_t));
  col->dict_bytes = amalloc(d.blen);
  if (col->dict_off == NULL || col->dict_bytes == NULL) goto out;
  memcpy(col->dict_off, d.off, ((size_t)d.n + 1) * sizeof(uint32_t));
  if (d.blen) memcpy(col->dict_bytes, d.bytes, d.blen);
  rc = seg_imp_nfc_dict(col, jb->text_max);
out:
  seg_imp_dict_free(&d);
  return rc;
}

static void free_col_arrays(seg_column *col) {
  free(col->valid);
  free(col->data);
  free(col->dict_off);
  free(col->dict_bytes);
  col->valid = NULL;
  col->data = NULL;
  col->dict_off = NULL;
  col->dict_bytes = NULL;
  col->ndict = 0;
}

/* Column j as type t into col.  Returns 0, 1 if a number overflowed int64
** at the column's scale (the caller encodes it as text), -1 out of memory.
** Every row is written (0 where missing). */
static int encode_as(job *jb, size_t j, coltype t, seg_column *col, uint64_t nrows) {
  col->type = t.type;
  col->scale = t.scale;
  col->valid = amalloc((nrows + 63) / 64 * sizeof(uint64_t));
  col->data = amalloc(nrows * seg_type_width(t.type));
  if (col->valid == NULL || col->data == NULL) return -1;
  if (t.type == SEG_TEXT) return encode_text(jb, j, col, nrows);
  validw vw = {col->valid, 0};
  for (size_t k = 0; k < jb->nch; k++) {
    const chunk *ch = &jb->ch[k];
    const uchar *b = ch->cols[j].b;
    size_t pos = 0, n;
    for (uint64_t r = 0, g = ch->row0; r < ch->nrows; r++, g++) {
      const uchar *s = seg_imp_raw_next(b, &pos, &n);
      int ok = n != 0;
      switch (t.type) {
        case SEG_BOOL: {
          uint8_t v = 0;
          if (ok) ok = t.pinned ? seg_imp_is_bool_ext(s, n, &v) : seg_imp_is_bool(s, n, &v);
          ((uint8_t *)col->data)[g] = ok ? v : 0;
          break;
        }
        case SEG_INT:
        case SEG_NUM: {
          int64_t v = 0;
          if (ok && seg_imp_num_value(s, n, t.dec, t.scale, &v) != 0) {
            if (!t.pinned) return 1;
            ok = 0, v = 0;
          }
          ((int64_t *)col->data)[g] = v;
          break;
        }
        case SEG_DATE: {
          int32_t v = 0;
          if (ok) ok = seg_date_parse_ex((const char *)s, n, jb->date_flags, &v) == 0;
          ((int32_t *)col->data)[g] = ok ? v : 0;
          break;
        }
        case SEG_TEXT: break;
      }
      valid_put(&vw, g, ok);
    }
  }
  valid_end(&vw, nrows);
  return 0;
}

typedef struct encoder {
  job *jb;
  seg_table *out;
  coltype *types;
  size_t *order;           /* columns, most work first */
  int failed;
  size_t bigtext;          /* 1 + a column past SEG_TEXT_MAX bytes of text, or 0 */
} encoder;

/* Column j, unread (job.unread), as type t: no value, since none was kept.
** With no value in the CSV either, it is what encode_as makes of an empty
** column and is not marked unread.  Its data is left unwritten: nothing
** reads an unread column (seg_col_check refuses it).  0, or -1 out of
** memory. */
static int encode_unread(job *jb, size_t j, coltype t, seg_column *col, uint64_t nrows) {
  int seen = 0;
  uint64_t missing = 0;
  for (size_t k = 0; k < jb->nch; k++) {
    seen |= (jb->ch[k].st[j].can & SEEN) != 0;
    missing += jb->ch[k].missing[j];
  }
  col->type = t.type;
  col->scale = t.scale;
  size_t vbytes = (nrows + 63) / 64 * sizeof(uint64_t), dbytes = nrows * seg_type_width(t.type);
  col->valid = amalloc(vbytes);
  col->data = amalloc(dbytes);
  if (col->valid == NULL || col->data == NULL) return -1;
  memset(col->valid, 0, vbytes);
  if (!seen) memset(col->data, 0, dbytes);
  if (t.type == SEG_TEXT) {
    col->dict_off = amalloc(sizeof *col->dict_off);
    col->dict_bytes = amalloc(0);
    if (col->dict_off == NULL || col->dict_bytes == NULL) return -1;
    col->dict_off[0] = 0;
  }
  col->unread = seen != 0;
  col->has_missing = missing != 0;
  col->nmissing = missing;
  return 0;
}

static void encode_task(void *arg, size_t i) {
  encoder *en = arg;
  job *jb = en->jb;
  size_t j = en->order[i];
  seg_column *col = &en->out->cols[j];
  if (jb->unread && jb->unread[j]) {
    if (encode_unread(jb, j, en->types[j], col, en->out->nrows) != 0) __atomic_store_n(&en->failed, 1, __ATOMIC_RELAXED);
    for (size_t k = 0; k < jb->nch; k++) {
      free(jb->ch[k].cols[j].b);
      jb->ch[k].cols[j].b = NULL;
    }
    return;
  }
  int rc = encode_as(jb, j, en->types[j], col, en->out->nrows);
  if (rc == 1) {
    free_col_arrays(col);
    coltype tt = {SEG_TEXT, 0, 0, 0};
    rc = encode_as(jb, j, tt, col, en->out->nrows);
  }
  if (rc == -2) __atomic_store_n(&en->bigtext, j + 1, __ATOMIC_RELAXED);
  if (rc != 0) __atomic_store_n(&en->failed, 1, __ATOMIC_RELAXED);
  for (size_t k = 0; k < jb->nch; k++) {
    free(jb->ch[k].cols[j].b);
    jb->ch[k].cols[j].b = NULL;
  }
}

typedef struct costidx { uint64_t cost; size_t j; } costidx;

static int by_cost(const void *a, const void *b) {
  const costidx *x = a, *y = b;
  if (x->cost != y->cost) return x->cost < y->cost ? 1 : -1;
  return (x->j > y->j) - (x->j < y->j);
}

int seg_imp_pin_fits(const job *jb, coltype t, const uchar *s, size_t n) {
  uint8_t b;
  int64_t v;
  switch (t.type) {
    case SEG_BOOL: return seg_imp_is_bool_ext(s, n, &b);
    case SEG_INT:
    case SEG_NUM: return seg_imp_num_value(s, n, t.dec, t.scale, &v) == 0;
    case SEG_DATE: return seg_date_parse_ex((const char *)s, n, jb->date_flags, NULL) == 0;
    case SEG_TEXT: return 1;
  }
  return 0;
}

const char *seg_imp_type_phrase(seg_type t) {
  switch (t) {
    case SEG_BOOL: return "a bool (true/false, yes/no, y/n, ja/nej)";
    case SEG_INT: return "an int";
    case SEG_NUM: return "a number";
    case SEG_DATE: return "a date";
    case SEG_TEXT: return "a text";
  }
  return "?";
}

coltype seg_imp_pin_num(const job *jb, seg_type want, uint64_t fail_p, uint64_t fail_c, int fd_p, int fd_c) {
  coltype t = {want, 0, '.', 1};
  char dec = jb->m->decimal ? jb->m->decimal : fail_c < fail_p ? ',' : '.';
  t.dec = dec;
  if (want == SEG_NUM) t.scale = (uint32_t)(dec == '.' ? fd_p : fd_c);
  return t;
}

int seg_imp_pin_report(job *jb, size_t j, seg_type want, uint64_t nbad, uint64_t first, const char *ex) {
  const char *sn = jb->m->schema_name ? jb->m->schema_name : "the schema";
  if (!jb->m->lenient) {
    char more[96] = "";
    if (nbad > 1) snprintf(more, sizeof more, " (%llu values of the column do not fit)", (unsigned long long)nbad);
    seg_set_err(jb->err, jb->errlen, "%s:%llu: column '%s': '%s' is not %s, the column's type in %s%s; fix the export, "
            "or give --lenient to read such values as missing",
            jb->fname, (unsigned long long)seg_imp_row_line(jb, first), jb->hdr[j], ex, seg_imp_type_phrase(want), sn, more);
    return -1;
  }
  seg_imp_warn(jb, "%s:%llu: column '%s': %llu value%s not %s (such as '%s' on this line) read as missing (--lenient)",
       jb->fname, (unsigned long long)seg_imp_row_line(jb, first), jb->hdr[j], (unsigned long long)nbad,
       nbad == 1 ? "" : "s", seg_imp_type_phrase(want), ex);
  return 0;
}

/* Column j pinned to type `want` by the schema: the decimal mark (the one
** fewer values fail with, '.' on a tie) and scale of a number column, then
** every present value checked.  0, or -1 with the message in jb->err (a
** value that does not fit, without --lenient). */
static int pin_type(job *jb, size_t j, seg_type want, coltype *out) {
  coltype t = {want, 0, '.', 1};
  if (want == SEG_INT || want == SEG_NUM) {
    uint64_t fail_p = 0, fail_c = 0;
    int fd_p = 0, fd_c = 0;
    for (size_t k = 0; k < jb->nch; k++) {
      const chunk *ch = &jb->ch[k];
      size_t pos = 0, n;
      for (uint64_t r = 0; r < ch->nrows; r++) {
        const uchar *s = seg_imp_raw_next(ch->cols[j].b, &pos, &n);
        if (n == 0) continue;
        numscan ns;
        int fp = -1, fc = -1;
        if (seg_imp_num_scan(s, n, &ns)) fp = seg_imp_num_read(&ns, '.'), fc = seg_imp_num_read(&ns, ',');
        if (fp < 0) fail_p++;
        else if (fp > fd_p) fd_p = fp;
        if (fc < 0) fail_c++;
        else if (fc > fd_c) fd_c = fc;
      }
    }
    t = seg_imp_pin_num(jb, want, fail_p, fail_c, fd_p, fd_c);
  }
  uint64_t nbad = 0, first = NONE;
  char ex[64] = "";
  if (want != SEG_TEXT)
    for (size_t k = 0; k < jb->nch; k++) {
      const chunk *ch = &jb->ch[k];
      size_t pos = 0, n;
      for (uint64_t r = 0; r < ch->nrows; r++) {
        const uchar *s = seg_imp_raw_next(ch->cols[j].b, &pos, &n);
        if (n == 0 || seg_imp_pin_fits(jb, t, s, n)) continue;
        if (nbad++ == 0) {
          first = ch->row0 + r;
          seg_imp_copy_ex(ex, sizeof ex, s, n);
        }
      }
    }
  *out = t;
  return nbad == 0 ? 0 : seg_imp_pin_report(jb, j, want, nbad, first, ex);
}

/* The header against m->schema: jb->pin, or -1 with the message (a schema
** column not in the header; a header column not in the schema, unless
** allow_extra). */
int seg_imp_pin_columns(job *jb) {
  const seg_schema *s = jb->m->schema;
  const char *sn = jb->m->schema_name ? jb->m->schema_name : "the schema";
  jb->pin = malloc((jb->ncols ? jb->ncols : 1) * sizeof *jb->pin);
  uint8_t *seen = calloc(s->ncols ? s->ncols : 1, 1);
  int rc = -1;
  if (jb->pin == NULL || seen == NULL) {
    seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    goto out;
  }
  for (size_t j = 0; j < jb->ncols; j++) {
    int i = seg_schema_find(s, jb->hdr[j]);
    jb->pin[j] = i;
    if (i >= 0) {
      seen[i] = 1;
    } else if (!jb->m->allow_extra) {
      seg_set_err(jb->err, jb->errlen,
              "%s: column '%s' of the header is not in %s; give --allow-extra to import it with an inferred type",
              jb->fname, jb->hdr[j], sn);
      goto out;
    }
  }
  for (size_t i = 0; i < s->ncols; i++)
    if (!seen[i]) {
      seg_set_err(jb->err, jb->errlen, "%s: the header has no column '%s' (%s in %s)", jb->fname, s->names[i],
              seg_type_name(s->types[i]), sn);
      goto out;
    }
  rc = 0;
out:
  free(seen);
  return rc;
}

/* One warning naming the columns (not pinned by a schema) without a single
** value: they are text, which few rules can use. */
void seg_imp_warn_empty_columns(job *jb) {
  char list[512];
  size_t len = 0, nempty = 0, shown = 0;
  list[0] = '\0';
  for (size_t j = 0; j < jb->ncols; j++) {
    if (jb->pin != NULL && jb->pin[j] >= 0) continue;
    int seen = 0;
    for (size_t k = 0; k < jb->nch && !seen; k++) seen = (jb->ch[k].st[j].can & SEEN) != 0;
    if (seen) continue;
    nempty++;
    if (len < 300) {
      int w = snprintf(list + len, sizeof list - len, "%s'%.100s'", shown ? ", " : "", jb->hdr[j]);
      if (w > 0) len += (size_t)w;
      shown++;
    }
  }
  if (nempty == 0) return;
  char more[64] = "";
  if (nempty > shown) snprintf(more, sizeof more, " and %zu more", nempty - shown);
  seg_imp_warn(jb, "%s: %s %s%s %s no values: a rule reads %s as the type it needs, every value missing; use --schema "
       "to pin %s type%s", jb->fname, nempty == 1 ? "column" : "columns", list, more, nempty == 1 ? "has" : "have",
       nempty == 1 ? "it" : "each", nempty == 1 ? "its" : "their", nempty == 1 ? "" : "s");
}

/* Returns 0, -1 out of memory, -2 a value that does not fit its pinned
** type or a column past SEG_TEXT_MAX bytes of text (the message in
** jb->err). */
int seg_imp_encode_all(job *jb, seg_table *out) {
  size_t nc = jb->ncols;
  coltype *types = calloc(nc ? nc : 1, sizeof *types);
  size_t *order = malloc((nc ? nc : 1) * sizeof *order);
  costidx *cost = calloc(nc ? nc : 1, sizeof *cost);
  int rc = -1;
  if (types == NULL || order == NULL || cost == NULL) goto out;
  for (size_t j = 0; j < nc; j++) {
    if (jb->pin != NULL && jb->pin[j] >= 0) {
      if (pin_type(jb, j, jb->m->schema->types[jb->pin[j]], &types[j]) != 0) {
        rc = -2;
        goto out;
      }
    } else {
      types[j] = seg_imp_decide(jb, j, 1, NULL);
    }
    cost[j].j = j;
    for (size_t k = 0; k < jb->nch; k++) cost[j].cost += jb->ch[k].cols[j].len;
    if (types[j].type == SEG_TEXT) cost[j].cost *= 4;       /* hashing */
  }
  seg_imp_warn_empty_columns(jb);
  qsort(cost, nc, sizeof *cost, by_cost);
  for (size_t j = 0; j < nc; j++) order[j] = cost[j].j;
  encoder en = {jb, out, types, order, 0, 0};
  seg_imp_run_tasks(jb->nthreads, nc, encode_task, &en);
  rc = en.failed ? -1 : 0;
  if (en.bigtext) {
    seg_imp_too_much_text(jb, en.bigtext - 1, 0);
    rc = -2;
  }
out:
  free(types);
  free(order);
  free(cost);
  return rc;
}
