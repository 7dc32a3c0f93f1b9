/*
** import.c -- CSV -> seg_table: libcsv parsing, strict quoting, located
** errors, and type inference from every value of each column.
**
** Two passes.  While libcsv streams the file (read in 1 MiB blocks and fed
** one physical line at a time so every record knows the line it started
** on), each cell is trimmed, checked for valid UTF-8 and appended to its
** column's raw arena as <varint length><bytes>.  A row is committed only
** when its field count matches the header, so a bad row is rolled back by
** resetting the arenas' lengths.  Afterwards each column is scanned once to
** choose its type, then encoded into 64-byte aligned arrays, and its arena
** is freed before the next column is encoded (peak memory ~ file size).
*/
#include "import.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "date.h"

#define BLOCK_SIZE (1u << 20)
#define ALIGN 64
#define MAX_SCALE 18
/* libcsv's parser state before the first character of a record
** (ROW_NOT_BEGUN in libcsv.c; struct csv_parser.pstate is public). */
#define LIBCSV_ROW_NOT_BEGUN 0

/* One column's raw cells: <varint len><bytes> per committed row. */
typedef struct rawcol {
  unsigned char *b;
  size_t len, cap;
  size_t commit;           /* len after the last committed row */
} rawcol;

typedef struct importer {
  const char *fname;
  const seg_import_opts *o;
  char *err;
  size_t errlen;
  int failed;
  int delim;
  int in_header;
  char **hdr;              /* header names while the header is read */
  size_t nhdr, hdrcap;
  rawcol *cols;
  size_t ncols;
  size_t nrows;
  size_t nf;               /* fields seen in the current record */
  int first_empty;         /* the current record's first field is empty */
  unsigned long long line;     /* physical line being fed, 1-based */
  unsigned long long rec_line; /* line on which the current record began */
} importer;

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  if (err == NULL || errlen == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* 64-byte aligned, zero-filled allocation of at least n bytes (never 0). */
static void *amalloc(size_t n) {
  void *p = NULL;
  size_t sz = n == 0 ? ALIGN : (n + ALIGN - 1) / ALIGN * ALIGN;
  if (sz < n || posix_memalign(&p, ALIGN, sz) != 0) return NULL;
  memset(p, 0, sz);
  return p;
}

static int is_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int seg_import_sniff_delimiter(const char *buf, size_t n) {
  size_t comma = 0, semi = 0, tab = 0;
  int inq = 0;
  for (size_t i = 0; i < n; i++) {
    char c = buf[i];
    if (c == '"') inq = !inq;
    else if (inq) continue;
    else if (c == '\n' || c == '\r') break;
    else if (c == ',') comma++;
    else if (c == ';') semi++;
    else if (c == '\t') tab++;
  }
  if (semi > comma && semi >= tab) return ';';
  if (tab > comma && tab > semi) return '\t';
  return ',';
}

/* Appends n bytes to a growable plain buffer; 0 or -1 (out of memory). */
static int grow(unsigned char **b, size_t *cap, size_t need) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap : 4096;
  while (nc < need) {
    if (nc > SIZE_MAX / 2) return -1;
    nc *= 2;
  }
  unsigned char *nb = realloc(*b, nc);
  if (nb == NULL) return -1;
  *b = nb;
  *cap = nc;
  return 0;
}

static int raw_append(rawcol *c, const unsigned char *s, size_t n) {
  if (grow(&c->b, &c->cap, c->len + n + 10) != 0) return -1;
  size_t v = n;
  while (v >= 0x80) {
    c->b[c->len++] = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  c->b[c->len++] = (unsigned char)v;
  memcpy(c->b + c->len, s, n);
  c->len += n;
  return 0;
}

/* Reads the cell at *pos of a raw arena; returns its bytes, sets *n. */
static const unsigned char *raw_next(const rawcol *c, size_t *pos, size_t *n) {
  size_t v = 0;
  unsigned sh = 0;
  unsigned char b;
  do {
    b = c->b[(*pos)++];
    v |= (size_t)(b & 0x7f) << sh;
    sh += 7;
  } while (b & 0x80);
  *n = v;
  const unsigned char *s = c->b + *pos;
  *pos += v;
  return s;
}

static const char *delim_name(int d) {
  return d == '\t' ? "TAB" : d == ';' ? "';'" : "','";
}

static int utf8_ok(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i] < 0x80) i++;
  return i == n || u8_check(s + i, n - i) == NULL;
}

/* libcsv field callback: trim, validate, store. */
static void on_field(void *sv, size_t len, void *ctx) {
  importer *im = ctx;
  if (im->failed) return;
  const unsigned char *s = sv ? (const unsigned char *)sv : (const unsigned char *)"";
  while (len > 0 && is_ws(s[0])) s++, len--;
  while (len > 0 && is_ws(s[len - 1])) len--;
  if (im->nf == 0) im->first_empty = len == 0;
  if (!utf8_ok(s, len)) {
    if (im->in_header)
      set_err(im->err, im->errlen, "%s:%llu: header field %zu: invalid UTF-8 (convert the file to UTF-8)",
              im->fname, im->rec_line, im->nf + 1);
    else if (im->nf < im->ncols)
      set_err(im->err, im->errlen, "%s:%llu: field %zu (%s): invalid UTF-8",
              im->fname, im->rec_line, im->nf + 1, im->hdr[im->nf]);
    else
      set_err(im->err, im->errlen, "%s:%llu: field %zu: invalid UTF-8",
              im->fname, im->rec_line, im->nf + 1);
    im->failed = 1;
    return;
  }
  if (im->in_header) {
    if (im->nhdr == im->hdrcap) {
      size_t nc = im->hdrcap ? im->hdrcap * 2 : 32;
      char **nh = realloc(im->hdr, nc * sizeof *nh);
      if (nh == NULL) goto oom;
      im->hdr = nh;
      im->hdrcap = nc;
    }
    char *name = malloc(len + 1);
    if (name == NULL) goto oom;
    memcpy(name, s, len);
    name[len] = '\0';
    im->hdr[im->nhdr++] = name;
    if (strlen(name) != len) {
      set_err(im->err, im->errlen, "%s:%llu: header field %zu contains a NUL byte",
              im->fname, im->rec_line, im->nhdr);
      im->failed = 1;
      return;
    }
  } else if (im->nf < im->ncols) {
    if (raw_append(&im->cols[im->nf], s, len) != 0) goto oom;
  }
  im->nf++;
  return;
oom:
  set_err(im->err, im->errlen, "%s: out of memory", im->fname);
  im->failed = 1;
}

/* Validates the header names and creates the raw columns. */
static void finish_header(importer *im) {
  for (size_t i = 0; i < im->nhdr; i++) {
    if (im->hdr[i][0] == '\0') {
      set_err(im->err, im->errlen,
              "%s:%llu: column %zu of the header has an empty name%s",
              im->fname, im->rec_line, i + 1,
              i + 1 == im->nhdr && i > 0 ? " (a trailing delimiter at the end of the header line?)" : "");
      im->failed = 1;
      return;
    }
    for (size_t j = 0; j < i; j++)
      if (strcmp(im->hdr[i], im->hdr[j]) == 0) {
        set_err(im->err, im->errlen,
                "%s:%llu: duplicate column name '%s' (columns %zu and %zu of the header)",
                im->fname, im->rec_line, im->hdr[i], j + 1, i + 1);
        im->failed = 1;
        return;
      }
  }
  im->ncols = im->nhdr;
  im->cols = calloc(im->ncols ? im->ncols : 1, sizeof *im->cols);
  if (im->cols == NULL) {
    set_err(im->err, im->errlen, "%s: out of memory", im->fname);
    im->failed = 1;
    return;
  }
  im->in_header = 0;
}

/* The other candidate delimiter seen most often in the row being rolled
** back, or 0.  Only the stored fields (the first ncols) are looked at. */
static int other_delim(const importer *im) {
  static const char cand[3] = {',', ';', '\t'};
  size_t cnt[3] = {0, 0, 0};
  for (size_t j = 0; j < im->ncols && j < im->nf; j++) {
    const rawcol *c = &im->cols[j];
    for (size_t k = c->commit; k < c->len; k++)
      for (int q = 0; q < 3; q++)
        cnt[q] += c->b[k] == (unsigned char)cand[q] && cand[q] != im->delim;
  }
  int best = -1;
  for (int q = 0; q < 3; q++)
    if (cnt[q] > 0 && (best < 0 || cnt[q] > cnt[best])) best = q;
  return best < 0 ? 0 : cand[best];
}

/* libcsv record callback: header, blank-line skip, field count, commit. */
static void on_record(int c, void *ctx) {
  importer *im = ctx;
  (void)c;
  if (im->failed) goto done;
  if (im->in_header) {
    finish_header(im);
    goto done;
  }
  if (im->nf == 1 && im->first_empty && im->ncols != 1) {
    im->cols[0].len = im->cols[0].commit;     /* a blank line: ignore it */
  } else if (im->nf != im->ncols) {
    char msg[512], hint[128] = "";
    int od = other_delim(im);
    if (od != 0)
      snprintf(hint, sizeof hint, "; the line seems to use %s as delimiter \xe2\x80\x94 mixed delimiters?",
               delim_name(od));
    snprintf(msg, sizeof msg, "%s:%llu: expected %zu fields (as in the header), found %zu%s",
             im->fname, im->rec_line, im->ncols, im->nf, hint);
    for (size_t j = 0; j < im->ncols; j++) im->cols[j].len = im->cols[j].commit;
    if (im->o->skip_bad_rows) {
      if (im->o->warn) im->o->warn(im->o->warn_ctx, msg);
    } else {
      set_err(im->err, im->errlen, "%s", msg);
      im->failed = 1;
    }
  } else {
    for (size_t j = 0; j < im->ncols; j++) im->cols[j].commit = im->cols[j].len;
    im->nrows++;
  }
done:
  im->nf = 0;
  im->rec_line = im->line;
}

/* ---- type inference ------------------------------------------------ */

static int is_bool(const unsigned char *s, size_t n, uint8_t *v) {
  if (n == 4 && strncasecmp((const char *)s, "true", 4) == 0) { *v = 1; return 1; }
  if (n == 5 && strncasecmp((const char *)s, "false", 5) == 0) { *v = 0; return 1; }
  return 0;
}

/* Classifies a numeric literal: 0 not numeric (including leading zeros
** such as 0001 or 01.5), 1 integer -?[0-9]+ fitting int64 (value in *iv),
** 2 decimal -?[0-9]+\.[0-9]+ (fraction digits in *fd). */
static int classify(const unsigned char *s, size_t n, int64_t *iv, size_t *fd) {
  size_t i = 0;
  int neg = 0;
  if (n > 0 && s[0] == '-') neg = 1, i = 1;
  size_t st = i;
  int64_t v = 0;
  int ovf = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') {
    int d = s[i] - '0';
    if (__builtin_mul_overflow(v, 10, &v) ||
        __builtin_add_overflow(v, neg ? -d : d, &v))
      ovf = 1;
    i++;
  }
  size_t nint = i - st;
  if (nint == 0 || (nint > 1 && s[st] == '0')) return 0;
  if (i == n) {
    if (ovf) return 0;
    *iv = v;
    return 1;
  }
  if (s[i] != '.') return 0;
  size_t fs = ++i;
  while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  if (i == fs || i != n) return 0;
  *fd = i - fs;
  return 2;
}

/* Exact value * 10^scale of a classified numeric literal, or -1 on
** int64 overflow. */
static int scaled(const unsigned char *s, size_t n, unsigned scale, int64_t *out) {
  int neg = s[0] == '-';
  int64_t v = 0;
  unsigned frac = 0;
  int seen_dot = 0;
  for (size_t i = (size_t)neg; i < n; i++) {
    if (s[i] == '.') { seen_dot = 1; continue; }
    if (seen_dot) frac++;
    int d = s[i] - '0';
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, neg ? -d : d, &v))
      return -1;
  }
  for (; frac < scale; frac++)
    if (__builtin_mul_overflow(v, 10, &v)) return -1;
  *out = v;
  return 0;
}

static seg_type infer(const rawcol *c, size_t nrows, uint32_t *scale) {
  int can_bool = 1, can_int = 1, can_num = 1, can_date = 1;
  size_t maxfd = 0, present = 0, pos = 0;
  for (size_t r = 0; r < nrows; r++) {
    size_t n, fd = 0;
    const unsigned char *s = raw_next(c, &pos, &n);
    if (n == 0) continue;
    present++;
    uint8_t b;
    int64_t iv;
    int32_t dv;
    if (can_bool && !is_bool(s, n, &b)) can_bool = 0;
    if (can_int || can_num) {
      int k = classify(s, n, &iv, &fd);
      if (k == 0) can_int = can_num = 0;
      else if (k == 2) {
        can_int = 0;
        if (fd > MAX_SCALE) can_num = 0;
        else if (fd > maxfd) maxfd = fd;
      }
    }
    if (can_date && seg_date_parse((const char *)s, n, &dv) != 0) can_date = 0;
    if (!can_bool && !can_int && !can_num && !can_date) break;
  }
  *scale = 0;
  if (present == 0) return SEG_TEXT;
  if (can_bool) return SEG_BOOL;
  if (can_int) return SEG_INT;
  if (can_num) { *scale = (uint32_t)maxfd; return SEG_NUM; }
  if (can_date) return SEG_DATE;
  return SEG_TEXT;
}

static uint64_t hash_bytes(const unsigned char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

/* Dictionary-encodes a raw column into col (codes in first-seen order). */
static int encode_text(const rawcol *c, size_t nrows, seg_column *col) {
  uint32_t *codes = col->data;
  unsigned char *bytes = NULL;
  size_t blen = 0, bcap = 0;
  uint64_t *off = malloc(16 * sizeof *off);
  uint64_t *hashes = malloc(16 * sizeof *hashes);
  size_t ocap = 16, nd = 0;
  size_t tcap = 64;
  uint32_t *slots = calloc(tcap, sizeof *slots);       /* code + 1, 0 = empty */
  int rc = -1;
  if (off == NULL || hashes == NULL || slots == NULL) goto out;
  off[0] = 0;
  size_t pos = 0;
  for (size_t r = 0; r < nrows; r++) {
    size_t n;
    const unsigned char *s = raw_next(c, &pos, &n);
    if (n == 0) continue;
    col->valid[r >> 6] |= (uint64_t)1 << (r & 63);
    uint64_t h = hash_bytes(s, n);
    size_t i = h & (tcap - 1);
    for (;;) {
      uint32_t e = slots[i];
      if (e == 0) break;
      if (hashes[e - 1] == h && off[e] - off[e - 1] == n &&
          memcmp(bytes + off[e - 1], s, n) == 0)
        break;
      i = (i + 1) & (tcap - 1);
    }
    if (slots[i] != 0) {
      codes[r] = slots[i] - 1;
      continue;
    }
    if (nd >= UINT32_MAX - 1) goto out;
    if (nd + 2 > ocap) {
      ocap *= 2;
      uint64_t *no = realloc(off, ocap * sizeof *no);
      if (no == NULL) goto out;
      off = no;
      uint64_t *nh = realloc(hashes, ocap * sizeof *nh);
      if (nh == NULL) goto out;
      hashes = nh;
    }
    if (grow(&bytes, &bcap, blen + n) != 0) goto out;
    memcpy(bytes + blen, s, n);
    blen += n;
    hashes[nd] = h;
    off[nd + 1] = blen;
    slots[i] = (uint32_t)(nd + 1);
    codes[r] = (uint32_t)nd;
    nd++;
    if (nd * 2 > tcap) {                     /* rehash at 50% load */
      size_t ncap = tcap * 2;
      uint32_t *ns = calloc(ncap, sizeof *ns);
      if (ns == NULL) goto out;
      for (size_t k = 0; k < nd; k++) {
        size_t j = hashes[k] & (ncap - 1);
        while (ns[j] != 0) j = (j + 1) & (ncap - 1);
        ns[j] = (uint32_t)(k + 1);
      }
      free(slots);
      slots = ns;
      tcap = ncap;
    }
  }
  col->ndict = (uint32_t)nd;
  col->dict_off = amalloc((nd + 1) * sizeof(uint64_t));
  col->dict_bytes = amalloc(blen);
  if (col->dict_off == NULL || col->dict_bytes == NULL) goto out;
  memcpy(col->dict_off, off, (nd + 1) * sizeof(uint64_t));
  if (blen) memcpy(col->dict_bytes, bytes, blen);
  rc = 0;
out:
  free(bytes);
  free(off);
  free(hashes);
  free(slots);
  return rc;
}

/* Encodes raw column c as type t into col (data and valid allocated
** here).  Returns 0, 1 if a number overflowed int64 at the column's scale
** (the caller re-encodes as text), or -1 when out of memory. */
static int encode(const rawcol *c, size_t nrows, seg_type t, uint32_t scale, seg_column *col) {
  static const size_t width[SEG_NTYPES] = {1, 8, 8, 4, 4};
  size_t words = (nrows + 63) / 64;
  col->type = t;
  col->scale = scale;
  col->valid = amalloc(words * sizeof(uint64_t));
  col->data = amalloc(nrows * width[t]);
  if (col->valid == NULL || col->data == NULL) return -1;
  if (t == SEG_TEXT) return encode_text(c, nrows, col);
  size_t pos = 0;
  for (size_t r = 0; r < nrows; r++) {
    size_t n, fd;
    const unsigned char *s = raw_next(c, &pos, &n);
    if (n == 0) continue;
    col->valid[r >> 6] |= (uint64_t)1 << (r & 63);
    switch (t) {
      case SEG_BOOL: is_bool(s, n, &((uint8_t *)col->data)[r]); break;
      case SEG_INT: classify(s, n, &((int64_t *)col->data)[r], &fd); break;
      case SEG_NUM:
        if (scaled(s, n, scale, &((int64_t *)col->data)[r]) != 0) return 1;
        break;
      case SEG_DATE: seg_date_parse((const char *)s, n, &((int32_t *)col->data)[r]); break;
      case SEG_TEXT: break;
    }
  }
  return 0;
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

/* Pass two: every raw column -> typed column of out.  Frees the arenas. */
static int build_table(importer *im, seg_table *out) {
  out->cols = calloc(im->ncols ? im->ncols : 1, sizeof *out->cols);
  if (out->cols == NULL) return -1;
  out->ncols = im->ncols;
  out->nrows = im->nrows;
  for (size_t j = 0; j < im->ncols; j++) {
    seg_column *col = &out->cols[j];
    col->name = im->hdr[j];
    im->hdr[j] = NULL;
    uint32_t scale;
    seg_type t = infer(&im->cols[j], im->nrows, &scale);
    int rc = encode(&im->cols[j], im->nrows, t, scale, col);
    if (rc == 1) {
      free_col_arrays(col);
      rc = encode(&im->cols[j], im->nrows, SEG_TEXT, 0, col);
    }
    if (rc != 0) return -1;
    free(im->cols[j].b);
    im->cols[j].b = NULL;
  }
  return 0;
}

static void importer_free(importer *im) {
  for (size_t i = 0; i < im->nhdr; i++) free(im->hdr[i]);
  free(im->hdr);
  for (size_t j = 0; im->cols && j < im->ncols; j++) free(im->cols[j].b);
  free(im->cols);
}

static void parse_error(importer *im, struct csv_parser *p) {
  int e = csv_error(p);
  if (e == CSV_EPARSE) {
    char col[300] = "";
    if (!im->in_header && im->nf < im->ncols)
      snprintf(col, sizeof col, " (%s)", im->hdr[im->nf]);
    set_err(im->err, im->errlen,
            "%s:%llu: field %zu%s: bad quoting: a '\"' inside an unquoted field, or text after a "
            "closing quote (a field containing quotes must be enclosed in quotes, with inner quotes doubled)",
            im->fname, im->line, im->nf + 1, col);
  } else if (e == CSV_ENOMEM || e == CSV_ETOOBIG) {
    set_err(im->err, im->errlen, "%s:%llu: out of memory (%s)", im->fname, im->line, csv_strerror(e));
  } else {
    set_err(im->err, im->errlen, "%s:%llu: CSV parse error: %s", im->fname, im->line, csv_strerror(e));
  }
  im->failed = 1;
}

int seg_import_csv(const char *path, const seg_import_opts *o, seg_table *out,
                   char *err, size_t errlen) {
  static const seg_import_opts defaults = {0, 0, NULL, NULL};
  importer im;
  struct csv_parser p;
  int p_inited = 0, rc = -1;
  int use_stdin = strcmp(path, "-") == 0;
  FILE *f = NULL;
  unsigned char *buf = NULL;

  memset(out, 0, sizeof *out);
  memset(&im, 0, sizeof im);
  im.fname = use_stdin ? "<stdin>" : path;
  im.o = o ? o : &defaults;
  im.err = err;
  im.errlen = errlen;
  im.in_header = 1;
  im.line = im.rec_line = 1;

  f = use_stdin ? stdin : fopen(path, "rb");
  if (f == NULL) {
    set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  buf = malloc(BLOCK_SIZE);
  if (buf == NULL || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    set_err(err, errlen, "%s: out of memory", im.fname);
    goto done;
  }
  p_inited = 1;
  if (im.o->delimiter != 0) {
    char d = im.o->delimiter;
    if (d == '"' || d == '\n' || d == '\r') {
      set_err(err, errlen, "%s: invalid delimiter '%c'", im.fname, d);
      goto done;
    }
    im.delim = (unsigned char)d;
  }

  int first = 1, at_line_start = 1;
  for (;;) {
    size_t n = fread(buf, 1, BLOCK_SIZE, f);
    if (n == 0) {
      if (ferror(f)) {
        set_err(err, errlen, "%s: cannot read: %s", im.fname, strerror(errno));
        goto done;
      }
      break;
    }
    size_t pos = 0;
    if (first) {
      first = 0;
      if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) pos = 3;
      if (im.delim == 0) im.delim = seg_import_sniff_delimiter((const char *)buf + pos, n - pos);
      csv_set_delim(&p, (unsigned char)im.delim);
    }
    while (pos < n && !im.failed) {
      const unsigned char *nl = memchr(buf + pos, '\n', n - pos);
      size_t end = nl ? (size_t)(nl - buf) + 1 : n;
      if (at_line_start && p.pstate == LIBCSV_ROW_NOT_BEGUN) im.rec_line = im.line;
      size_t got = csv_parse(&p, buf + pos, end - pos, on_field, on_record, &im);
      if (im.failed) break;
      if (got != end - pos) {
        parse_error(&im, &p);
        break;
      }
      if (nl) im.line++;
      at_line_start = nl != NULL;
      pos = end;
    }
    if (im.failed) goto done;
  }
  if (im.line > 1 && at_line_start) im.line--;   /* report the last line, not the one after it */
  if (csv_fini(&p, on_field, on_record, &im) != 0 && !im.failed) {
    if (csv_error(&p) == CSV_EPARSE)
      set_err(err, errlen, "%s:%llu: unterminated quoted field (a '\"' opens a field that is never closed)",
              im.fname, im.rec_line);
    else
      parse_error(&im, &p);
    goto done;
  }
  if (im.failed) goto done;
  if (im.in_header) {
    set_err(err, errlen, "%s: empty file: no header line", im.fname);
    goto done;
  }
  if (build_table(&im, out) != 0) {
    set_err(err, errlen, "%s: out of memory", im.fname);
    seg_table_free(out);
    goto done;
  }
  rc = 0;
done:
  if (p_inited) csv_free(&p);
  importer_free(&im);
  free(buf);
  if (f != NULL && !use_stdin) fclose(f);
  return rc;
}
