/*
** colfile.c -- write and map .segcol files (layout in colfile.h).
**
** Writing: a zero header placeholder is written first, then the arrays
** (their CRCs computed on the way), then the real header is pwrite()n at
** offset 0, fsync, rename, fsync of the directory.  Reading: one mmap;
** every number from the file is distrusted until checked against the file
** size, so a truncated, corrupt or hostile file gets an error, not a crash.
*/
#include "colfile.h"

#include <uninorm.h>
#include "err.h"
#include "crc32.h"
#include "tmpfile.h"
#include "bgwrite.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "colfile.c writes arrays in host order and assumes a little-endian host"
#endif

static const unsigned char MAGIC[8] = {'S', 'E', 'G', 'C', 'O', 'L', 0, 1};  /* + version below */
#define ALIGN 64
#define FIXED_HDR 32
#define COL_ENTRY_FIXED (2 + 1 + 1 + 4 + 4 + 4 + 8 * 8 + 8)   /* + name */
#define FLAG_HAS_MISSING 1u
#define FLAG_NFC 2u            /* text: every value is in Unicode NFC (written since seg normalises) */

/* ---- little-endian encoding ---------------------------------------- */

static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static void put64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static uint16_t get16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const unsigned char *p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--) v = v << 8 | p[i];
  return v;
}
static uint64_t get64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* The narrowest width that holds every value of column c (bool: 1). */
static unsigned narrow_width(const seg_column *c, size_t nrows) {
  if (c->type == SEG_BOOL) return 1;
  if (c->type == SEG_TEXT) return seg_text_code_width(c->ndict);
  int64_t lo = 0, hi = 0;
  for (size_t i = 0; i < nrows; i++) {
    int64_t v = seg_col_get(c, i);
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  if (lo >= INT8_MIN && hi <= INT8_MAX) return 1;
  if (lo >= INT16_MIN && hi <= INT16_MAX) return 2;
  if (lo >= INT32_MIN && hi <= INT32_MAX) return 4;
  return 8;
}

/* Widths a reader accepts for each type. */
static int width_ok(seg_type t, unsigned w) {
  switch (t) {
  case SEG_BOOL: return w == 1;
  case SEG_TEXT: return w == 0 || w == 1 || w == 2 || w == 4;   /* 0: per row */
  case SEG_DATE: return w == 1 || w == 2 || w == 4;
  default: return w == 1 || w == 2 || w == 4 || w == 8;
  }
}

static int any_missing(const seg_column *c, size_t nrows) {
  for (size_t k = 0; k < nrows / 64; k++)
    if (c->valid[k] != UINT64_MAX) return 1;
  return nrows % 64 != 0 && c->valid[nrows / 64] != (UINT64_MAX >> (64 - nrows % 64));
}

static uint64_t pad64(uint64_t x) { return (x + ALIGN - 1) & ~(uint64_t)(ALIGN - 1); }

/* ---- writing ------------------------------------------------------- */

#define WBUF ((size_t)1 << 20)
/* A large file's WBUF buffers are written by a thread, one while the
** other fills (bgwrite.c), so that the copy into the page cache (on this
** project's VM a fresh page and a copy per 4 KiB: about as much CPU as
** encoding the bytes) runs beside the encoding.  SEG_COLW_DIRECT=1 writes
** them with O_DIRECT instead, straight to the disk (whole buffers at
** offsets that are multiples of WBUF; the tail and the header through the
** page cache): the import then spends ~1.7 s less system time at 10M rows,
** but the file is not in the cache and the first run over it reads it from
** the disk (W2 2.4 s instead of 0.5 s), which on balance is no gain, so it
** is not the default.  SEG_COLW_DIRECT=0 writes without the thread, 2
** with it whatever the size (tests). */
#define THREAD_MIN_CELLS ((uint64_t)4 << 20)
#define DIO 4096

struct seg_colw {
  int fd;
  char *tmp;               /* the temporary's path (owned) */
  const char *path;
  uint64_t pos;            /* file offset of the next byte put */
  unsigned char *buf;      /* WBUF bytes not yet written */
  size_t blen;
  int err;                 /* errno of the first failure, 0 if none */
  int direct;              /* fd has O_DIRECT (then every write but the tail is whole DIO blocks) */
  uint64_t fpos;           /* file offset of buf[0] */
  seg_bgw *q;              /* a large file: buffers written by a thread, two in turn */
  unsigned char *bufs[2];
  uint64_t tick[2];        /* each buffer's last write (UINT64_MAX: none) */
  int cur;
  size_t ncols, col;       /* columns; the current one */
  uint64_t nrows, hlen;
  unsigned char *hdr;      /* the header: names in place, the rest at the end */
  struct col_layout {
    uint64_t off[4], len[4];
    uint64_t hash;
    unsigned width;
    uint32_t flags, scale, ndict;
    uint8_t type;
  } *lay;
  int array;               /* the current array (0..3), -1 none */
  XXH3_state_t h;
};

/* Writes through the page cache from now on. */
static void w_cached(seg_colw *w) {
  if (!w->direct) return;
  w->direct = 0;
  int fl = fcntl(w->fd, F_GETFL);
  if (fl < 0 || fcntl(w->fd, F_SETFL, fl & ~O_DIRECT) != 0) w->err = errno;
}

/* Waits for the thread's writes and stops it (errors into w->err). */
static void w_drain(seg_colw *w) {
  if (w->q == NULL) return;
  int e = seg_bgw_close(w->q);
  w->q = NULL;
  if (e != 0 && w->err == 0) w->err = e;
}

static void w_flush(seg_colw *w) {
  if (w->blen == 0) return;
  if (w->q != NULL && w->blen % DIO == 0 && w->err == 0) {      /* a whole buffer: to the thread */
    w->tick[w->cur] = seg_bgw_write(w->q, w->buf, w->blen, w->fpos);
    w->fpos += w->blen;
    w->blen = 0;
    w->cur ^= 1;
    w->buf = w->bufs[w->cur];
    if (w->tick[w->cur] != UINT64_MAX) seg_bgw_wait(w->q, w->tick[w->cur]);
    int e = seg_bgw_error(w->q);
    if (e != 0) w->err = e;
    return;
  }
  w_drain(w);
  if (w->blen % DIO != 0) w_cached(w);      /* the tail */
  if (w->err == 0) {
    int e = seg_bgw_pio(w->fd, 0, w->buf, w->blen, w->fpos);   /* (O_DIRECT refused: cleared, written again) */
    if (e != 0) w->err = e;
    else w->fpos += w->blen;
  }
  w->blen = 0;
}

/* Buffers n bytes (written when the buffer fills). */
static void w_bytes(seg_colw *w, const void *p, size_t n) {
  const unsigned char *s = p;
  w->pos += n;
  while (n > 0 && w->err == 0) {
    size_t k = WBUF - w->blen < n ? WBUF - w->blen : n;
    memcpy(w->buf + w->blen, s, k);
    w->blen += k;
    s += k;
    n -= k;
    if (w->blen == WBUF) w_flush(w);
  }
}

static void w_pad(seg_colw *w) {
  static const char zeros[ALIGN];
  uint64_t to = pad64(w->pos);
  if (to > w->pos) w_bytes(w, zeros, (size_t)(to - w->pos));
}

seg_colw *seg_colw_open(const char *path, char *const *names, size_t ncols, uint64_t nrows, char *err,
                        size_t errlen) {
  if (ncols > UINT32_MAX) {
    seg_set_err(err, errlen, "%s: too many columns", path);
    return NULL;
  }
  uint64_t hlen = FIXED_HDR + 4;
  for (size_t i = 0; i < ncols; i++) {
    size_t nl = strlen(names[i]);
    if (nl > UINT16_MAX) {
      seg_set_err(err, errlen, "%s: column name longer than 65535 bytes", path);
      return NULL;
    }
    hlen += COL_ENTRY_FIXED + nl;
  }
  seg_colw *w = calloc(1, sizeof *w);
  if (w) {
    w->lay = calloc(ncols ? ncols : 1, sizeof *w->lay);
    w->hdr = calloc(1, (size_t)pad64(hlen));
    void *b = NULL;
    w->buf = posix_memalign(&b, DIO, WBUF) == 0 ? b : NULL;
  }
  if (!w || !w->lay || !w->hdr || !w->buf) {
    if (w) free(w->lay), free(w->hdr), free(w->buf);
    free(w);
    seg_set_err(err, errlen, "%s: out of memory", path);
    return NULL;
  }
  w->path = path;
  w->ncols = ncols;
  w->nrows = nrows;
  w->hlen = hlen;
  w->array = -1;
  w->col = SIZE_MAX;
  unsigned char *p = w->hdr + FIXED_HDR;
  for (size_t i = 0; i < ncols; i++) {        /* the names now: `names` need not outlive this call */
    size_t nl = strlen(names[i]);
    put16(p, (uint16_t)nl);
    memcpy(p + 2, names[i], nl);
    p += 2 + nl + COL_ENTRY_FIXED - 2;
  }
  w->fd = seg_tmp_create(path, &w->tmp, err, errlen);     /* mode kept, symlinks followed */
  if (w->fd < 0) {
    free(w->lay);
    free(w->hdr);
    free(w->buf);
    free(w);
    return NULL;
  }
  const char *dv = getenv("SEG_COLW_DIRECT");
  if (dv && *dv ? strcmp(dv, "0") != 0 : nrows * ncols >= THREAD_MIN_CELLS) {
    int fl = dv && strcmp(dv, "1") == 0 ? fcntl(w->fd, F_GETFL) : -1;
    w->direct = fl >= 0 && fcntl(w->fd, F_SETFL, fl | O_DIRECT) == 0;
    void *b2 = NULL;
    if (posix_memalign(&b2, DIO, WBUF) == 0) {
      w->bufs[0] = w->buf;
      w->bufs[1] = b2;
      w->tick[0] = w->tick[1] = UINT64_MAX;
      w->q = seg_bgw_open(w->fd);
      if (w->q == NULL) free(b2), w->bufs[1] = NULL;
    }
  }
  w_bytes(w, w->hdr, (size_t)pad64(hlen));   /* placeholder, rewritten at the end */
  return w;
}

void seg_colw_column(seg_colw *w, size_t j, seg_type type, uint32_t scale, unsigned width, uint32_t ndict) {
  struct col_layout *l = &w->lay[j];
  w->col = j;
  w->array = -1;
  l->type = (uint8_t)type;
  l->width = width;
  l->scale = type == SEG_NUM ? scale : 0;
  l->ndict = type == SEG_TEXT ? ndict : 0;
  l->flags = type == SEG_TEXT ? FLAG_NFC : 0;
  XXH3_64bits_reset(&w->h);
}

void seg_colw_array(seg_colw *w, int k) {
  struct col_layout *l = &w->lay[w->col];
  if (w->array >= 0) l->len[w->array] = w->pos - l->off[w->array];
  w_pad(w);
  w->array = k;
  l->off[k] = w->pos;
}

void seg_colw_put(seg_colw *w, const void *p, size_t n) {
  if (n == 0) return;
  XXH3_64bits_update(&w->h, p, n);
  w_bytes(w, p, n);
}

void seg_colw_end_column(seg_colw *w, int has_missing) {
  struct col_layout *l = &w->lay[w->col];
  if (w->array >= 0) l->len[w->array] = w->pos - l->off[w->array];
  for (int k = w->array + 1; k < 4; k++) {      /* arrays not written: empty, at an aligned offset */
    w_pad(w);
    l->off[k] = w->pos;
    l->len[k] = 0;
  }
  w->array = -1;
  l->hash = XXH3_64bits_digest(&w->h);
  if (has_missing) l->flags |= FLAG_HAS_MISSING;
}

void seg_colw_abort(seg_colw *w) {
  if (w == NULL) return;
  w_drain(w);
  if (w->bufs[1] != NULL) {                   /* (buf is one of the two) */
    free(w->bufs[0] == w->buf ? w->bufs[1] : w->bufs[0]);
  }
  if (w->fd >= 0) close(w->fd);
  seg_tmp_discard(w->tmp);
  free(w->lay);
  free(w->hdr);
  free(w->buf);
  free(w);
}

int seg_colw_failed(const seg_colw *w) {
  return w->err != 0;
}

int seg_colw_finish(seg_colw *w, char *err, size_t errlen) {
  const char *stage = "write";
  w_pad(w);
  w_flush(w);
  w_drain(w);
  w_cached(w);
  if (w->err != 0) goto werr;
  unsigned char *p = w->hdr;
  memcpy(p, MAGIC, 8);
  put32(p + 8, SEG_COL_VERSION);
  put32(p + 12, (uint32_t)w->ncols);
  put64(p + 16, w->nrows);
  put64(p + 24, w->hlen);
  p += FIXED_HDR;
  for (size_t i = 0; i < w->ncols; i++) {
    const struct col_layout *l = &w->lay[i];
    p += 2 + get16(p);
    p[0] = l->type;
    p[1] = (unsigned char)l->width;
    put32(p + 2, l->scale);
    put32(p + 6, l->ndict);
    put32(p + 10, l->flags);
    p += 14;
    for (int k = 0; k < 4; k++) {
      put64(p, l->off[k]);
      put64(p + 8, l->len[k]);
      p += 16;
    }
    put64(p, l->hash);
    p += 8;
  }
  put32(p, seg_crc32(0, w->hdr, (size_t)(w->hlen - 4)));
  for (size_t done = 0; done < w->hlen;) {
    ssize_t k = pwrite(w->fd, w->hdr + done, (size_t)w->hlen - done, (off_t)done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      w->err = k < 0 ? errno : EIO;
      goto werr;
    }
    done += (size_t)k;
  }
  stage = "fsync";
  if (fsync(w->fd) != 0) {
    w->err = errno;
    goto werr;
  }
  stage = "close";
  int fd = w->fd;
  w->fd = -1;
  if (close(fd) != 0) {
    w->err = errno;
    goto werr;
  }
  char *done_tmp = w->tmp;
  w->tmp = NULL;
  int rc = seg_tmp_install(done_tmp, w->path, err, errlen);
  seg_colw_abort(w);
  return rc;
werr:
  seg_set_err(err, errlen, "%s: %s failed: %s", w->path, stage, strerror(w->err));
  seg_colw_abort(w);
  return -1;
}

/* Puts the values of c at `width` bytes each (see table.h), in chunks. */
static void w_values(seg_colw *w, const seg_column *c, size_t nrows, unsigned width) {
  if (width == seg_col_width(c)) {
    seg_colw_put(w, c->data, (size_t)((uint64_t)nrows * width));
    return;
  }
  enum { CHUNK = 8192 };
  static _Thread_local unsigned char buf[CHUNK * 8];
  for (size_t base = 0; base < nrows && w->err == 0; base += CHUNK) {
    size_t n = nrows - base < CHUNK ? nrows - base : CHUNK;
    for (size_t i = 0; i < n; i++) {
      int64_t v = seg_col_get(c, base + i);
      switch (width) {
      case 1: buf[i] = (unsigned char)v; break;
      case 2: { int16_t x = (int16_t)v; memcpy(buf + 2 * i, &x, 2); break; }
      case 4: { int32_t x = (int32_t)v; memcpy(buf + 4 * i, &x, 4); break; }
      default: memcpy(buf + 8 * i, &v, 8); break;
      }
    }
    seg_colw_put(w, buf, n * width);
  }
}

/* Array 1: the validity bits, or nothing when no row is missing. */
static void w_validity(seg_colw *w, const seg_column *c, uint64_t nrows, int missing) {
  seg_colw_array(w, 1);
  if (missing) seg_colw_put(w, c->valid, (size_t)((nrows + 63) / 64 * 8));
}

/* Puts the 32-bit offsets and the bytes of a text column in the per-row
** layout (colfile.h): entry r is row r's value, empty when missing. */
static void w_text_rows(seg_colw *w, const seg_column *c, uint64_t nrows) {
  enum { CHUNK = 8192 };
  static _Thread_local uint32_t buf[CHUNK];
  uint32_t at = 0;
  seg_colw_array(w, 2);
  buf[0] = 0;
  size_t k = 1;
  for (uint64_t r = 0; r < nrows && w->err == 0; r++) {
    if (seg_valid_get(c->valid, (size_t)r)) {
      int64_t v = seg_col_get(c, (size_t)r);
      at += c->dict_off[v + 1] - c->dict_off[v];
    }
    buf[k++] = at;
    if (k == CHUNK) {
      seg_colw_put(w, buf, sizeof buf);
      k = 0;
    }
  }
  seg_colw_put(w, buf, k * 4);
  seg_colw_array(w, 3);
  /* runs of rows whose codes follow each other are one put */
  uint64_t r = 0;
  while (r < nrows && w->err == 0) {
    if (!seg_valid_get(c->valid, (size_t)r)) {
      r++;
      continue;
    }
    int64_t v0 = seg_col_get(c, (size_t)r), v = v0;
    for (r++; r < nrows && seg_valid_get(c->valid, (size_t)r) && seg_col_get(c, (size_t)r) == v + 1; r++) v++;
    seg_colw_put(w, c->dict_bytes + c->dict_off[v0], (size_t)(c->dict_off[v + 1] - c->dict_off[v0]));
  }
}

int seg_col_text_rows(uint64_t nrows, uint64_t present, uint64_t ndict) {
  return ndict == present && nrows < UINT32_MAX && 4 * (nrows - present) < nrows * seg_text_code_width(ndict);
}

void seg_colw_text(seg_colw *w, size_t j, const seg_column *c, uint64_t nrows) {
  uint64_t present = 0;
  for (uint64_t k = 0; k < nrows / 64; k++) present += (uint64_t)__builtin_popcountll(c->valid[k]);
  for (uint64_t r = nrows / 64 * 64; r < nrows; r++) present += (uint64_t)seg_valid_get(c->valid, (size_t)r);
  int missing = present != nrows, rows = c->rowcode;
  if (!rows && seg_col_text_rows(nrows, present, c->ndict)) {
    uint64_t bytes = 0;                /* (a code used twice would repeat its bytes) */
    for (uint64_t r = 0; r < nrows; r++)
      if (seg_valid_get(c->valid, (size_t)r)) {
        int64_t v = seg_col_get(c, (size_t)r);
        bytes += c->dict_off[v + 1] - c->dict_off[v];
      }
    rows = bytes <= SEG_TEXT_MAX;
  }
  if (rows) {
    seg_colw_column(w, j, SEG_TEXT, 0, 0, (uint32_t)nrows);
    seg_colw_array(w, 0);
    w_validity(w, c, nrows, missing);
    w_text_rows(w, c, nrows);
  } else {
    unsigned width = narrow_width(c, (size_t)nrows);
    seg_colw_column(w, j, SEG_TEXT, 0, width, c->ndict);
    seg_colw_array(w, 0);
    w_values(w, c, (size_t)nrows, width);
    w_validity(w, c, nrows, missing);
    seg_colw_array(w, 2);
    seg_colw_put(w, c->dict_off, ((size_t)c->ndict + 1) * 4);
    seg_colw_array(w, 3);
    seg_colw_put(w, c->dict_bytes, (size_t)c->dict_off[c->ndict]);
  }
  seg_colw_end_column(w, missing);
}

int seg_col_write(const seg_table *t, const char *path, char *err, size_t errlen) {
  char **names = malloc((t->ncols ? t->ncols : 1) * sizeof *names);
  if (names == NULL) {
    seg_set_err(err, errlen, "%s: out of memory", path);
    return -1;
  }
  for (size_t i = 0; i < t->ncols; i++) {
    names[i] = t->cols[i].name;
    if (t->cols[i].unread) {
      seg_set_err(err, errlen, "%s: column '%s' was left unread in the CSV", path, t->cols[i].name);
      free(names);
      return -1;
    }
    if ((unsigned)t->cols[i].type >= SEG_NTYPES) {
      seg_set_err(err, errlen, "%s: column '%s' has an invalid type", path, t->cols[i].name);
      free(names);
      return -1;
    }
  }
  seg_colw *w = seg_colw_open(path, names, t->ncols, t->nrows, err, errlen);
  free(names);
  if (w == NULL) return -1;
  for (size_t i = 0; i < t->ncols && w->err == 0; i++) {
    const seg_column *c = &t->cols[i];
    if (c->type == SEG_TEXT) {
      seg_colw_text(w, i, c, t->nrows);
      continue;
    }
    unsigned width = narrow_width(c, t->nrows);
    int missing = any_missing(c, t->nrows);
    seg_colw_column(w, i, c->type, c->scale, width, c->ndict);
    seg_colw_array(w, 0);
    w_values(w, c, t->nrows, width);
    w_validity(w, c, t->nrows, missing);
    seg_colw_end_column(w, missing);
  }
  return seg_colw_finish(w, err, errlen);
}

/* ---- reading ------------------------------------------------------- */

int seg_col_is_segcol(const char *path) {
  unsigned char m[8];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t k = read(fd, m, 8);
  close(fd);
  return k == 8 && memcmp(m, MAGIC, 8) == 0;
}

static const char *const ARRAY_NAME[4] = {"data", "validity bitmap", "dictionary offsets", "dictionary bytes"};
static const char *const ARRAY_VERB[4] = {"extends", "extends", "extend", "extend"};

/* The index of a column whose name an earlier column has, -1 when the
** names are distinct, -2 out of memory: a hash set, so a header of 100,000
** columns is checked in linear time, not by comparing every pair. */
static int duplicate_name(const seg_column *cols, uint32_t n) {
  size_t cap = 16;
  while (cap < (size_t)n * 2) cap *= 2;
  uint32_t *slot = calloc(cap, sizeof *slot);        /* column index + 1 */
  if (!slot) return -2;
  int dup = -1;
  for (uint32_t i = 0; i < n && dup < 0; i++) {
    uint64_t h = 1469598103934665603ULL;               /* FNV-1a */
    for (const unsigned char *q = (const unsigned char *)cols[i].name; *q; q++) h = (h ^ *q) * 1099511628211ULL;
    size_t k = (size_t)h & (cap - 1);
    while (slot[k] && strcmp(cols[slot[k] - 1].name, cols[i].name) != 0) k = (k + 1) & (cap - 1);
    if (slot[k]) dup = (int)i;
    else slot[k] = i + 1;
  }
  free(slot);
  return dup;
}

/* Validity bits of nrows rows all present (the bits past nrows clear), for
** the columns of a file that stores none; NULL when out of memory. */
static uint64_t *ones_bits(uint64_t nrows) {
  size_t words = (size_t)((nrows + 63) / 64);
  uint64_t *v = aligned_alloc(64, (words * 8 + 63) / 64 * 64 + 64);
  if (v == NULL) return NULL;
  memset(v, 0xff, words * 8);
  if (nrows % 64) v[words - 1] = UINT64_MAX >> (64 - nrows % 64);
  v[words] = 0;
  return v;
}

/* Validates the mapped file and fills out; see seg_col_open. */
static int check_and_fill(const unsigned char *m, uint64_t size, const char *path,
                          seg_table *out, char *err, size_t errlen) {
  if (size < 8 || memcmp(m, MAGIC, 8) != 0) {
    seg_set_err(err, errlen, "%s: not a seg columnar file (bad magic)", path);
    return -1;
  }
  if (size < FIXED_HDR) {
    seg_set_err(err, errlen, "%s: truncated: header extends past end of file", path);
    return -1;
  }
  uint32_t version = get32(m + 8);
  if (version != SEG_COL_VERSION) {
    if (version < SEG_COL_VERSION)
      seg_set_err(err, errlen, "%s: written by an older seg (columnar file version %u; this seg reads version %d): "
                  "import the CSV again with 'seg import'", path, version, SEG_COL_VERSION);
    else
      seg_set_err(err, errlen, "%s: written by a newer seg (columnar file version %u; this seg reads version %d)",
                  path, version, SEG_COL_VERSION);
    return -1;
  }
  uint32_t ncols = get32(m + 12);
  uint64_t nrows = get64(m + 16), hlen = get64(m + 24);
  if (hlen < FIXED_HDR + 4 || hlen > size) {
    seg_set_err(err, errlen, "%s: truncated: header extends past end of file", path);
    return -1;
  }
  if (get32(m + hlen - 4) != seg_crc32(0, m, (size_t)(hlen - 4))) {
    seg_set_err(err, errlen, "%s: checksum mismatch in the header", path);
    return -1;
  }
  if (nrows > SIZE_MAX / 8 || (uint64_t)ncols > (hlen - FIXED_HDR) / COL_ENTRY_FIXED) {
    seg_set_err(err, errlen, "%s: corrupt header (row or column count)", path);
    return -1;
  }
  /* rows that no column backs (seg writes none: a CSV header has one
  ** column at least): a few bytes would claim billions of rows to run */
  if (ncols == 0 && nrows != 0) {
    seg_set_err(err, errlen, "%s: corrupt header (%llu rows but no columns)", path, (unsigned long long)nrows);
    return -1;
  }
  out->cols = calloc(ncols ? ncols : 1, sizeof *out->cols);
  if (out->cols == NULL) {
    seg_set_err(err, errlen, "%s: out of memory", path);
    return -1;
  }
  out->nrows = (size_t)nrows;
  uint64_t p = FIXED_HDR;
  for (uint32_t i = 0; i < ncols; i++) {
    seg_column *c = &out->cols[i];
    if (p + 2 > hlen - 4) goto corrupt;
    uint16_t nl = get16(m + p);
    if (nl == 0 || p + 2 + nl + COL_ENTRY_FIXED - 2 > hlen - 4) goto corrupt;
    c->name = malloc((size_t)nl + 1);
    if (c->name == NULL) {
      seg_set_err(err, errlen, "%s: out of memory", path);
      return -1;
    }
    out->ncols = i + 1;
    memcpy(c->name, m + p + 2, nl);
    c->name[nl] = '\0';
    if (strlen(c->name) != nl || u8_check((const uint8_t *)c->name, nl) != NULL) goto corrupt;
    p += 2 + (uint64_t)nl;
    uint8_t type = m[p], width = m[p + 1];
    uint32_t scale = get32(m + p + 2), ndict = get32(m + p + 6), flags = get32(m + p + 10);
    p += 14;
    if (type >= SEG_NTYPES) {
      seg_set_err(err, errlen, "%s: column '%s' has unknown type %u", path, c->name, type);
      return -1;
    }
    c->type = (seg_type)type;
    if (scale > 18 || (type != SEG_NUM && scale != 0) || (type != SEG_TEXT && ndict != 0) ||
        !width_ok(c->type, width) || (flags & ~(FLAG_HAS_MISSING | FLAG_NFC)) != 0 ||
        (type != SEG_TEXT && (flags & FLAG_NFC)))
      goto corrupt_col;
    c->nfc_unchecked = type == SEG_TEXT && !(flags & FLAG_NFC);   /* an older seg's file */
    c->scale = scale;
    c->width = width;
    c->rowcode = type == SEG_TEXT && width == 0;     /* per row: entry r is row r */
    if (c->rowcode && ndict != nrows) goto corrupt_col;
    c->has_missing = (flags & FLAG_HAS_MISSING) != 0;
    c->ndict = ndict;
    uint64_t off[4], len[4], want[4];
    want[0] = nrows * width;
    want[1] = c->has_missing ? (nrows + 63) / 64 * 8 : 0;     /* none when every row is present */
    want[2] = type == SEG_TEXT ? ((uint64_t)ndict + 1) * 4 : 0;
    for (int k = 0; k < 4; k++) {
      off[k] = get64(m + p);
      len[k] = get64(m + p + 8);
      p += 16;
    }
    uint64_t hash = get64(m + p);
    p += 8;
    for (int k = 0; k < 4; k++) {
      if (k < 3 && len[k] != want[k]) {
        seg_set_err(err, errlen, "%s: corrupt: column '%s' %s has length %llu, expected %llu", path,
                c->name, ARRAY_NAME[k], (unsigned long long)len[k], (unsigned long long)want[k]);
        return -1;
      }
      if (k == 3 && type != SEG_TEXT && len[k] != 0) goto corrupt_col;
      if (off[k] % ALIGN != 0 || off[k] < hlen) {
        seg_set_err(err, errlen, "%s: corrupt: column '%s' %s is misplaced (offset %llu)", path,
                c->name, ARRAY_NAME[k], (unsigned long long)off[k]);
        return -1;
      }
      if (off[k] > size || len[k] > size - off[k]) {
        seg_set_err(err, errlen, "%s: truncated: column '%s' %s %s past end of file", path,
                c->name, ARRAY_NAME[k], ARRAY_VERB[k]);
        return -1;
      }
    }
    c->hash = hash;            /* verified on first use: seg_col_check */
    c->check_pending = 1;
    c->data = (void *)(uintptr_t)(m + off[0]);
    if (c->has_missing) {
      c->valid = (uint64_t *)(uintptr_t)(m + off[1]);
      if (nrows % 64 != 0 && (c->valid[nrows / 64] >> (nrows % 64)) != 0) goto corrupt_col;
    } else {
      if (out->ones == NULL && (out->ones = ones_bits(nrows)) == NULL) {
        seg_set_err(err, errlen, "%s: out of memory", path);
        return -1;
      }
      c->valid = out->ones;
    }
    if (type == SEG_TEXT) {
      /* the ends here; every offset is checked with the column (seg_col_check) */
      const uint32_t *d = (const uint32_t *)(uintptr_t)(m + off[2]);
      if (d[0] != 0 || d[ndict] != len[3]) goto corrupt_col;
      c->dict_off = (uint32_t *)(uintptr_t)d;
      c->dict_bytes = (char *)(uintptr_t)(m + off[3]);
    }
    continue;
  corrupt_col:
    seg_set_err(err, errlen, "%s: corrupt: column '%s' has inconsistent metadata", path, c->name);
    return -1;
  }
  if (p + 4 != hlen) goto corrupt;
  out->ncols = ncols;
  {
    int d = duplicate_name(out->cols, ncols);
    if (d == -2) {
      seg_set_err(err, errlen, "%s: out of memory", path);
      return -1;
    }
    if (d >= 0) {
      seg_set_err(err, errlen, "%s: corrupt: duplicate column name '%s'", path, out->cols[d].name);
      return -1;
    }
  }
  return 0;
corrupt:
  seg_set_err(err, errlen, "%s: corrupt header", path);
  return -1;
}

int seg_col_open(const char *path, seg_table *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    seg_set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    seg_set_err(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
    close(fd);
    return -1;
  }
  if (!S_ISREG(st.st_mode) || st.st_size < 8) {
    close(fd);
    seg_set_err(err, errlen, "%s: not a seg columnar file (%s)", path,
            S_ISREG(st.st_mode) ? "bad magic" : "not a regular file");
    return -1;
  }
  size_t size = (size_t)st.st_size;
  void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) {
    seg_set_err(err, errlen, "%s: cannot map: %s", path, strerror(errno));
    return -1;
  }
  madvise(m, size, MADV_SEQUENTIAL);
  out->backing = m;
  out->backing_len = size;
  if (check_and_fill(m, size, path, out, err, errlen) != 0) {
    seg_table_free(out);
    return -1;
  }
  return 0;
}

int seg_col_check(const seg_column *c, size_t nrows, char *err, size_t errlen) {
  if (c->unread) {
    seg_set_err(err, errlen, "column '%s' was left unread in the CSV, but is read (a bug: please report it)", c->name);
    return -1;
  }
  if (!c->check_pending) return 0;
  XXH3_state_t h;
  XXH3_64bits_reset(&h);
  XXH3_64bits_update(&h, c->data, (size_t)(nrows * seg_col_width(c)));
  if (c->has_missing) XXH3_64bits_update(&h, c->valid, (size_t)((nrows + 63) / 64 * 8));
  if (c->type == SEG_TEXT) {
    XXH3_64bits_update(&h, c->dict_off, ((size_t)c->ndict + 1) * 4);
    XXH3_64bits_update(&h, c->dict_bytes, (size_t)c->dict_off[c->ndict]);
  }
  if (XXH3_64bits_digest(&h) != c->hash) {
    seg_set_err(err, errlen, "checksum mismatch in column '%s': the file is damaged; import the CSV again", c->name);
    return -1;
  }
  /* a column that passes its checksum was written by seg, but a hostile
  ** file can carry a matching checksum: the offsets must still be sane */
  if (c->type == SEG_TEXT) {
    if (!seg_offs_ok(c->dict_off, c->ndict, c->dict_off[c->ndict])) {
      seg_set_err(err, errlen, "corrupt column '%s': dictionary offsets decrease", c->name);
      return -1;
    }
    /* written before seg stored text in NFC: rule literals are NFC, so a
    ** decomposed value would silently never match */
    for (uint32_t k = 0; c->nfc_unchecked && k < c->ndict; k++) {
      const uint8_t *v = (const uint8_t *)c->dict_bytes + c->dict_off[k];
      size_t vn = (size_t)(c->dict_off[k + 1] - c->dict_off[k]), nn = 0;
      uint8_t *norm = u8_normalize(UNINORM_NFC, v, vn, NULL, &nn);
      int same = norm && nn == vn && memcmp(norm, v, vn) == 0;
      free(norm);
      if (!same) {
        seg_set_err(err, errlen, "column '%s' holds text not in Unicode NFC (the file was written by an older seg, "
                    "before text was normalised): import the CSV again", c->name);
        return -1;
      }
    }
  }
  return 0;
}
