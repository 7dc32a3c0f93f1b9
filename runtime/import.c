/*
** import.c -- CSV -> seg_table: encodings, libcsv parsing in parallel
** chunks, strict quoting, located errors, type inference from every value.
**
**  1. Load: mmap the file (stdin is read whole); skip a UTF-8 BOM; convert
**     UTF-16 / Windows-1252 / Latin-1 to UTF-8 (a new buffer); sniff the
**     delimiter from the header line.
**  2. Header: parsed alone, one physical line at a time.
**  3. Body: cut into up to T chunks at record boundaries -- a quote-parity
**     count finds, after each nominal cut, the first newline outside
**     quotes.  Each chunk is checked as UTF-8 and fed whole to its own
**     libcsv parser in its own thread.  Cells are trimmed and appended to
**     per-chunk, per-column arenas (<varint len><bytes>), and every cell
**     narrows its column's candidate types.  A cut is right exactly when
**     the parser of the chunk before it ends between records, which is the
**     state a fresh parser starts in; if it does not, that chunk goes on
**     parsing the rest of the file alone (the later chunks are dropped).
**  4. Types: the chunks' candidates are combined per column.
**  5. Encode: one task per column walks its arenas in row order into
**     64-byte aligned arrays; a text column gets one dictionary in
**     first-seen order, so the table does not depend on the thread count.
**
** Line numbers are not tracked while parsing.  A message that needs one
** re-parses the chunk up to the record, one physical line at a time (see
** locate), or counts line ends up to the byte where the parser stopped.
*/
#include "import.h"
#include "tasks.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uninorm.h>

#include "date.h"
#include "schema.h"

#define ALIGN 64
#define MAX_SCALE 18
#define MAX_THREADS 8
#define DEFAULT_MIN_CHUNK ((size_t)2 << 20)
#define MAX_ROW_WARNINGS 100
#define NONE UINT64_MAX
/* libcsv's parser state between records (ROW_NOT_BEGUN in libcsv.c;
** struct csv_parser.pstate is public). */
#define LIBCSV_ROW_NOT_BEGUN 0
#define CSV_OPTS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)

typedef unsigned char uchar;

/* ---- small helpers -------------------------------------------------- */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  if (err == NULL || errlen == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* 64-byte aligned allocation of at least n bytes (never 0), the padding
** after n zeroed.  The caller writes every byte of [0, n): zeroing it all
** first would touch each page twice. */
static void *amalloc(size_t n) {
  void *p = NULL;
  size_t sz = n == 0 ? ALIGN : (n + ALIGN - 1) / ALIGN * ALIGN;
  if (sz < n || posix_memalign(&p, ALIGN, sz) != 0) return NULL;
  memset((char *)p + n, 0, sz - n);
  return p;
}

/* ' ' \t \n \v \f \r */
static inline int is_ws(uchar c) {
  return c <= ' ' && ((0x100003E00ull >> c) & 1);
}

/* Grows *b to hold need bytes (doubling); 0 or -1 (out of memory). */
static int grow(uchar **b, size_t *cap, size_t need) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap : 256;
  while (nc < need) {
    if (nc > SIZE_MAX / 2) return -1;
    nc *= 2;
  }
  uchar *nb = realloc(*b, nc);
  if (nb == NULL) return -1;
  *b = nb;
  *cap = nc;
  return 0;
}

/* libcsv grows its field buffer by a fixed block per call; these keep a
** capacity in front of the block and double it, so a 1 MB field costs
** O(size), not O(size^2 / block). */
static void *csv_realloc(void *p, size_t n) {
  size_t *h = p ? (size_t *)p - 2 : NULL;
  if (h != NULL && n <= h[0]) return p;
  size_t nc = h ? h[0] : 4096;
  while (nc < n) {
    if (nc > (SIZE_MAX - 16) / 2) return NULL;
    nc *= 2;
  }
  size_t *nh = realloc(h, nc + 2 * sizeof(size_t));
  if (nh == NULL) return NULL;
  nh[0] = nc;
  return nh + 2;
}

static void csv_release(void *p) {
  if (p != NULL) free((size_t *)p - 2);
}

static void parser_init(struct csv_parser *p, int delim) {
  csv_init(p, CSV_OPTS);
  csv_set_delim(p, (uchar)delim);
  csv_set_realloc_func(p, csv_realloc);
  csv_set_free_func(p, csv_release);
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

int seg_import_encoding(const char *name) {
  static const struct { const char *name; int enc; } names[] = {
      {"utf-8", SEG_ENC_UTF8},         {"utf8", SEG_ENC_UTF8},
      {"cp1252", SEG_ENC_CP1252},      {"windows-1252", SEG_ENC_CP1252},
      {"latin1", SEG_ENC_LATIN1},      {"latin-1", SEG_ENC_LATIN1},
      {"iso-8859-1", SEG_ENC_LATIN1},  {"utf-16", SEG_ENC_UTF16},
      {"utf16", SEG_ENC_UTF16},        {"utf-16le", SEG_ENC_UTF16LE},
      {"utf-16be", SEG_ENC_UTF16BE},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp(name, names[i].name) == 0) return names[i].enc;
  return -1;
}

/* ---- lines and columns ------------------------------------------------ */

/* Index just past the end of the physical line starting at pos: after an
** LF, a CRLF or a bare CR; n when the line has no end. */
static size_t next_line(const uchar *b, size_t pos, size_t n) {
  const uchar *lf = memchr(b + pos, '\n', n - pos);
  size_t lim = lf ? (size_t)(lf - b) : n;
  const uchar *cr = memchr(b + pos, '\r', lim - pos);
  if (cr != NULL) {
    size_t i = (size_t)(cr - b);
    return i + 1 < n && b[i + 1] == '\n' ? i + 2 : i + 1;
  }
  return lf ? lim + 1 : n;
}

/* Line ends (LF, CRLF, bare CR) in b[from, to); n bounds the lookahead. */
static uint64_t count_lines(const uchar *b, size_t n, size_t from, size_t to) {
  uint64_t c = 0;
  const uchar *p = b + from, *e = b + to;
  while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) c++, p++;
  p = b + from;
  while (p < e && (p = memchr(p, '\r', (size_t)(e - p))) != NULL) {
    size_t i = (size_t)(p - b);
    if (i + 1 >= n || b[i + 1] != '\n') c++;
    p++;
  }
  return c;
}

/* 1-based column (in characters) of byte pos on its line. */
static uint64_t column_of(const uchar *b, size_t pos) {
  size_t s = pos;
  while (s > 0 && b[s - 1] != '\n' && b[s - 1] != '\r') s--;
  uint64_t col = 1;
  for (size_t i = s; i < pos; i++) col += (b[i] & 0xC0) != 0x80;
  return col;
}

/* Position of the first byte of b[i, n) that does not start a valid UTF-8
** sequence, or n. */
static size_t utf8_scan(const uchar *b, size_t i, size_t n) {
  while (i < n) {
    while (i + 16 <= n) {
      uint64_t x, y;
      memcpy(&x, b + i, 8);
      memcpy(&y, b + i + 8, 8);
      if ((x | y) & 0x8080808080808080ull) break;
      i += 16;
    }
    if (i >= n) break;
    uchar c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len;
    uchar lo = 0x80, hi = 0xBF;      /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;       /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || b[i + 1] < lo || b[i + 1] > hi) return i;
    for (size_t k = 2; k < len; k++)
      if ((b[i + k] & 0xC0) != 0x80) return i;
    i += len;
  }
  return n;
}

/* ---- input: loading and encodings ------------------------------------- */

typedef struct input {
  const uchar *b;      /* UTF-8 text without BOM */
  size_t n;
  int checked;         /* converted here, so known to be valid UTF-8 */
  void *map;           /* the file's mapping, or NULL */
  size_t maplen;
  uchar *own;          /* a buffer read or converted here, or NULL */
} input;

static void input_free(input *in) {
  if (in->map != NULL) munmap(in->map, in->maplen);
  free(in->own);
  memset(in, 0, sizeof *in);
}

/* Reads all of fd into a malloc'd buffer. */
static int read_all(int fd, uchar **out, size_t *n) {
  uchar *b = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (grow(&b, &cap, len + 65536) != 0) {
      free(b);
      errno = ENOMEM;
      return -1;
    }
    ssize_t r = read(fd, b + len, cap - len);
    if (r < 0) {
      if (errno == EINTR) continue;
      free(b);
      return -1;
    }
    if (r == 0) break;
    len += (size_t)r;
  }
  *out = b;
  *n = len;
  return 0;
}

static int load_file(const char *path, const char *fname, input *in, const uchar **raw, size_t *rawlen,
                     char *err, size_t errlen) {
  int use_stdin = strcmp(path, "-") == 0;
  int fd = use_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  int rc = 0;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
      in->map = m;
      in->maplen = (size_t)st.st_size;
      *raw = m;
      *rawlen = (size_t)st.st_size;
      goto done;
    }
  } else if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    set_err(err, errlen, "%s: cannot read: %s", fname, strerror(EISDIR));
    rc = -1;
    goto done;
  }
  uchar *b;
  size_t n;
  if (read_all(fd, &b, &n) != 0) {
    set_err(err, errlen, "%s: cannot read: %s", fname, strerror(errno));
    rc = -1;
    goto done;
  }
  in->own = b;
  *raw = b;
  *rawlen = n;
done:
  if (!use_stdin) close(fd);
  return rc;
}

/* Appends code point cp as UTF-8. */
static uchar *put_utf8(uchar *o, uint32_t cp) {
  if (cp < 0x80) {
    *o++ = (uchar)cp;
  } else if (cp < 0x800) {
    *o++ = (uchar)(0xC0 | cp >> 6);
    *o++ = (uchar)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *o++ = (uchar)(0xE0 | cp >> 12);
    *o++ = (uchar)(0x80 | ((cp >> 6) & 0x3F));
    *o++ = (uchar)(0x80 | (cp & 0x3F));
  } else {
    *o++ = (uchar)(0xF0 | cp >> 18);
    *o++ = (uchar)(0x80 | ((cp >> 12) & 0x3F));
    *o++ = (uchar)(0x80 | ((cp >> 6) & 0x3F));
    *o++ = (uchar)(0x80 | (cp & 0x3F));
  }
  return o;
}

/* Windows-1252 0x80..0x9F; 0 = not a character. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* Line and column (in characters) of byte i of a single-byte input. */
static void where8(const uchar *b, size_t i, uint64_t *line, uint64_t *col) {
  *line = 1 + count_lines(b, i + 1, 0, i);
  size_t s = i;
  while (s > 0 && b[s - 1] != '\n' && b[s - 1] != '\r') s--;
  *col = i - s + 1;
}

static int from_single_byte(const char *fname, const uchar *b, size_t n, int cp1252, input *in, char *err,
                            size_t errlen) {
  if (n > SIZE_MAX / 3) {
    set_err(err, errlen, "%s: out of memory", fname);
    return -1;
  }
  uchar *out = malloc(n * 3 + 1), *o = out;
  if (out == NULL) {
    set_err(err, errlen, "%s: out of memory", fname);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    uchar c = b[i];
    if (c < 0x80) {
      *o++ = c;
      continue;
    }
    uint32_t cp = c;
    if (c < 0xA0) {
      cp = cp1252 ? cp1252_c1[c - 0x80] : 0;
      if (cp == 0) {
        uint64_t line, col;
        where8(b, i, &line, &col);
        if (cp1252)
          set_err(err, errlen, "%s:%llu:%llu: byte 0x%02X is not a character in Windows-1252", fname,
                  (unsigned long long)line, (unsigned long long)col, c);
        else
          set_err(err, errlen,
                  "%s:%llu:%llu: byte 0x%02X is a control code in Latin-1; the file is probably Windows-1252: "
                  "use --encoding cp1252",
                  fname, (unsigned long long)line, (unsigned long long)col, c);
        free(out);
        return -1;
      }
    }
    o = put_utf8(o, cp);
  }
  in->own = out;
  in->b = out;
  in->n = (size_t)(o - out);
  in->checked = 1;
  return 0;
}

/* b[0..n) is UTF-16 from file offset base (after a BOM). */
static int from_utf16(const char *fname, const uchar *b, size_t n, size_t base, int be, input *in, char *err,
                      size_t errlen) {
  if (n % 2 != 0) {
    set_err(err, errlen, "%s: not UTF-16: odd number of bytes (%zu)", fname, n);
    return -1;
  }
  uchar *out = malloc(n / 2 * 3 + 4), *o = out;
  if (out == NULL) {
    set_err(err, errlen, "%s: out of memory", fname);
    return -1;
  }
  uint64_t line = 1, col = 1;
  for (size_t i = 0; i < n; i += 2) {
    uint32_t u = be ? (uint32_t)b[i] << 8 | b[i + 1] : (uint32_t)b[i + 1] << 8 | b[i];
    uint32_t cp = u;
    if (u >= 0xD800 && u <= 0xDFFF) {
      uint32_t v = 0;
      if (u <= 0xDBFF && i + 3 < n)
        v = be ? (uint32_t)b[i + 2] << 8 | b[i + 3] : (uint32_t)b[i + 3] << 8 | b[i + 2];
      if (v < 0xDC00 || v > 0xDFFF) {
        set_err(err, errlen, "%s:%llu:%llu: invalid UTF-16: unpaired surrogate 0x%04X (byte offset %zu)",
                fname, (unsigned long long)line, (unsigned long long)col, u, base + i);
        free(out);
        return -1;
      }
      cp = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
      i += 2;
    }
    o = put_utf8(o, cp);
    if (cp == '\n') {                  /* lines for messages: LF, CRLF, bare CR */
      line++;
      col = 1;
    } else if (cp == '\r') {
      uint32_t nx = i + 3 < n ? (be ? (uint32_t)b[i + 2] << 8 | b[i + 3] : (uint32_t)b[i + 3] << 8 | b[i + 2]) : 0;
      if (nx != '\n') line++, col = 1;
    } else {
      col++;
    }
  }
  in->own = out;
  in->b = out;
  in->n = (size_t)(o - out);
  in->checked = 1;
  return 0;
}

/* Turns the raw bytes into UTF-8 text in *in (BOM handled). */
static int decode(const char *fname, const uchar *raw, size_t n, int enc, input *in, char *err, size_t errlen) {
  int bom8 = n >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF;
  int le = n >= 2 && raw[0] == 0xFF && raw[1] == 0xFE;
  int be = n >= 2 && raw[0] == 0xFE && raw[1] == 0xFF;
  if (bom8 && enc != SEG_ENC_AUTO && enc != SEG_ENC_UTF8) {
    set_err(err, errlen, "%s: the file starts with a UTF-8 byte-order mark, so it is UTF-8: drop --encoding", fname);
    return -1;
  }
  if ((le || be) && (enc == SEG_ENC_AUTO || enc == SEG_ENC_UTF16 || (le && enc == SEG_ENC_UTF16LE) ||
                     (be && enc == SEG_ENC_UTF16BE)))
    return from_utf16(fname, raw + 2, n - 2, 2, be, in, err, errlen);
  if (le || be) {
    set_err(err, errlen,
            "%s: the file starts with a UTF-16%s byte-order mark (spreadsheet \"Unicode text\"): "
            "drop --encoding or give --encoding utf-16",
            fname, le ? "LE" : "BE");
    return -1;
  }
  switch (enc) {
    case SEG_ENC_UTF16:
    case SEG_ENC_UTF16LE: return from_utf16(fname, raw, n, 0, 0, in, err, errlen);
    case SEG_ENC_UTF16BE: return from_utf16(fname, raw, n, 0, 1, in, err, errlen);
    case SEG_ENC_CP1252: return from_single_byte(fname, raw, n, 1, in, err, errlen);
    case SEG_ENC_LATIN1: return from_single_byte(fname, raw, n, 0, in, err, errlen);
    default: break;
  }
  in->b = raw + (bom8 ? 3 : 0);
  in->n = n - (bom8 ? 3 : 0);
  return 0;
}

/* ---- numbers ---------------------------------------------------------- */

#define NUM_MAX_RUNS 8

/* A cell read as digit runs and the single separators between them. */
typedef struct numscan {
  int64_t mant;                  /* all digits as one integer, sign applied */
  int nruns;
  uint32_t run[NUM_MAX_RUNS];    /* digits per run */
  char sep[NUM_MAX_RUNS];        /* after run i: '.', ',' or ' ' (any space) */
  char lead;                     /* first digit */
  char has_mark;                 /* a '.' or ',' occurs */
} numscan;

/* Scans -?digits(sep digits)*; seps are '.', ',', ' ', U+00A0, U+202F,
** U+2009.  Returns 0 when the cell has another shape or the digits do not
** fit int64. */
static int num_scan(const uchar *s, size_t n, numscan *ns) {
  size_t i = 0;
  int neg = 0, ovf = 0;
  if (n > 0 && s[0] == '-') neg = 1, i = 1;
  if (i >= n || (unsigned)(s[i] - '0') > 9) return 0;
  ns->lead = (char)s[i];
  ns->nruns = 0;
  ns->has_mark = 0;
  int64_t v = 0;
  for (;;) {
    size_t st = i;
    while (i < n && (unsigned)(s[i] - '0') <= 9) {
      int d = s[i] - '0';
      if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, neg ? -d : d, &v)) ovf = 1;
      i++;
    }
    if (i == st || ns->nruns == NUM_MAX_RUNS) return 0;
    ns->run[ns->nruns++] = (uint32_t)(i - st);
    if (i == n) break;
    char sp;
    if (s[i] == '.' || s[i] == ',') {
      sp = (char)s[i];
      ns->has_mark = 1;
      i++;
    } else if (s[i] == ' ') {
      sp = ' ';
      i++;
    } else if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xA0) {
      sp = ' ';
      i += 2;
    } else if (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xAF || s[i + 2] == 0x89)) {
      sp = ' ';
      i += 3;
    } else {
      return 0;
    }
    ns->sep[ns->nruns - 1] = sp;
  }
  if (ovf) return 0;
  ns->mant = v;
  return 1;
}

/* Fraction digits of a scanned cell read with `dec` as the decimal mark,
** or -1 when it is not a number that way: the mark at most once, before
** the last run; groups of three after a first group of 1..3 digits, all
** with one separator other than the mark; no leading zero. */
static int num_read(const numscan *ns, char dec) {
  int k = ns->nruns, nint = k, fd = 0;
  if (k > 1 && ns->sep[k - 2] == dec) {
    fd = (int)ns->run[k - 1];
    nint = k - 1;
  }
  if (fd > MAX_SCALE) return -1;
  if (nint == 1) return ns->run[0] > 1 && ns->lead == '0' ? -1 : fd;
  char g = ns->sep[0];
  if (g == dec || ns->lead == '0' || ns->run[0] > 3) return -1;
  for (int i = 1; i < nint; i++)
    if (ns->sep[i - 1] != g || ns->run[i] != 3) return -1;
  return fd;
}

/* Exact value * 10^scale of a cell read with `dec`, or -1 (overflow). */
static int num_value(const uchar *s, size_t n, char dec, unsigned scale, int64_t *out) {
  if (n <= 18) {          /* -?digits(dec digits)?: no groups, cannot overflow int64 */
    size_t i = s[0] == '-';
    int64_t v = 0;
    unsigned fd = 0;
    while (i < n && (unsigned)(s[i] - '0') <= 9) v = v * 10 + (s[i++] - '0');
    if (i < n && s[i] == dec) {
      i++;
      while (i < n && (unsigned)(s[i] - '0') <= 9) v = v * 10 + (s[i++] - '0'), fd++;
    }
    if (i == n && fd <= scale && n + (scale - fd) <= 18) {
      for (; fd < scale; fd++) v *= 10;
      *out = s[0] == '-' ? -v : v;
      return 0;
    }
  }
  numscan ns;
  if (!num_scan(s, n, &ns)) return -1;
  int fd = num_read(&ns, dec);
  if (fd < 0 || (unsigned)fd > scale) return -1;
  int64_t v = ns.mant;
  for (unsigned k = (unsigned)fd; k < scale; k++)
    if (__builtin_mul_overflow(v, 10, &v)) return -1;
  *out = v;
  return 0;
}

static int is_bool(const uchar *s, size_t n, uint8_t *v) {
  if (n == 4 && (s[0] | 0x20) == 't' && (s[1] | 0x20) == 'r' && (s[2] | 0x20) == 'u' && (s[3] | 0x20) == 'e') {
    *v = 1;
    return 1;
  }
  if (n == 5 && (s[0] | 0x20) == 'f' && (s[1] | 0x20) == 'a' && (s[2] | 0x20) == 'l' && (s[3] | 0x20) == 's' &&
      (s[4] | 0x20) == 'e') {
    *v = 0;
    return 1;
  }
  return 0;
}

/* is_bool, and for a column pinned to bool also yes/no, y/n, ja/nej. */
static int is_bool_ext(const uchar *s, size_t n, uint8_t *v) {
  static const struct { const char *w; uint8_t v; } words[] = {
      {"yes", 1}, {"no", 0}, {"y", 1}, {"n", 0}, {"ja", 1}, {"nej", 0}};
  if (is_bool(s, n, v)) return 1;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i].w) == n && strncasecmp((const char *)s, words[i].w, n) == 0) {
      *v = words[i].v;
      return 1;
    }
  return 0;
}

/* ---- per-column candidates ------------------------------------------ */

enum {
  CAN_BOOL = 1u << 0,
  CAN_P = 1u << 1,         /* every value a number with '.' as the mark */
  CAN_PINT = 1u << 2,      /* ... and none with a fraction */
  CAN_C = 1u << 3,         /* the same with ',' */
  CAN_CINT = 1u << 4,
  CAN_DATE = 1u << 5,      /* dates in the configured day/month order */
  CAN_DATE_ALT = 1u << 6,  /* dates in the other order (for the hint) */
  CAN_ALL = (1u << 7) - 1,
  SEEN = 1u << 31          /* some value present */
};

typedef struct colstat {
  uint32_t can;            /* CAN_* still possible, and SEEN */
  uint8_t fd_p, fd_c;      /* most fraction digits with '.' / ',' */
  uint64_t conflict_row;   /* first row read differently with '.' and ',' */
  uint64_t altdate_row;    /* first row whose date reads only the other way */
  char conflict_ex[40];
  char altdate_ex[24];
} colstat;

static void colstat_init(colstat *st) {
  memset(st, 0, sizeof *st);
  st->can = CAN_ALL;
  st->conflict_row = st->altdate_row = NONE;
}

static void copy_ex(char *dst, size_t cap, const uchar *s, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(dst, s, n);
  dst[n] = '\0';
}

/* Narrows st by one present value (row = its chunk-local row). */
static void classify(colstat *st, const uchar *s, size_t n, unsigned date_flags, uint64_t row) {
  uint32_t can = st->can | SEEN;
  uint8_t b;
  if ((can & CAN_BOOL) && !is_bool(s, n, &b)) can &= ~(uint32_t)CAN_BOOL;
  if ((can & (CAN_P | CAN_C)) && n <= 18) {
    /* the common case first: -?[1-9][0-9]* or 0, short enough not to overflow */
    size_t neg = s[0] == '-', i = neg;
    while (i < n && (unsigned)(s[i] - '0') <= 9) i++;
    size_t d1 = i - neg;
    if (d1 > 0 && (s[neg] != '0' || d1 == 1)) {
      if (i == n) {                                   /* an int both ways */
        st->can = can & ~(uint32_t)(CAN_BOOL | CAN_DATE | CAN_DATE_ALT);
        return;
      }
      /* digits, one mark, digits: a decimal with that mark unless the mark
      ** could also group thousands (1-3 digits, mark, 3 digits) */
      uchar mk = s[i];
      size_t j = i + 1;
      while (j < n && (unsigned)(s[j] - '0') <= 9) j++;
      size_t d2 = j - i - 1;
      if ((mk == '.' || mk == ',') && j == n && d2 > 0 && d2 <= MAX_SCALE && (d2 != 3 || d1 > 3)) {
        uint8_t fd = (uint8_t)d2;
        if (mk == '.') {
          can &= ~(uint32_t)(CAN_C | CAN_CINT | CAN_PINT);
          if (fd > st->fd_p) st->fd_p = fd;
        } else {
          can &= ~(uint32_t)(CAN_P | CAN_PINT | CAN_CINT);
          if (fd > st->fd_c) st->fd_c = fd;
        }
        st->can = can & ~(uint32_t)(CAN_BOOL | CAN_DATE | CAN_DATE_ALT);
        return;
      }
    }
  }
  if (can & (CAN_P | CAN_C)) {
    numscan ns;
    if (!num_scan(s, n, &ns)) {
      can &= ~(uint32_t)(CAN_P | CAN_PINT | CAN_C | CAN_CINT);
    } else {
      int fp = (can & CAN_P) ? num_read(&ns, '.') : -1;
      int fc = (can & CAN_C) ? num_read(&ns, ',') : -1;
      if (fp < 0) can &= ~(uint32_t)(CAN_P | CAN_PINT);
      else if (fp > 0) can &= ~(uint32_t)CAN_PINT, st->fd_p = (uint8_t)(fp > st->fd_p ? fp : st->fd_p);
      if (fc < 0) can &= ~(uint32_t)(CAN_C | CAN_CINT);
      else if (fc > 0) can &= ~(uint32_t)CAN_CINT, st->fd_c = (uint8_t)(fc > st->fd_c ? fc : st->fd_c);
      if (fp >= 0 && fc >= 0 && ns.has_mark && st->conflict_row == NONE) {
        st->conflict_row = row;
        copy_ex(st->conflict_ex, sizeof st->conflict_ex, s, n);
      }
    }
  }
  if (can & (CAN_DATE | CAN_DATE_ALT)) {
    int ok = (can & CAN_DATE) && seg_date_parse_ex((const char *)s, n, date_flags, NULL) == 0;
    int slash = n >= 8 && (s[1] == '/' || s[2] == '/');
    int alt = slash ? (can & CAN_DATE_ALT) &&
                          seg_date_parse_ex((const char *)s, n, date_flags ^ SEG_DATE_MONTH_FIRST, NULL) == 0
                    : ok;
    if (!ok) can &= ~(uint32_t)CAN_DATE;
    if (!alt) can &= ~(uint32_t)CAN_DATE_ALT;
    if (alt && !ok && st->altdate_row == NONE) {
      st->altdate_row = row;
      copy_ex(st->altdate_ex, sizeof st->altdate_ex, s, n);
    }
  }
  st->can = can;
}

/* ---- chunks ------------------------------------------------------------ */

/* One column's cells of one chunk: <varint len><bytes> per row. */
typedef struct rawcol {
  uchar *b;
  size_t len, cap;
  size_t start;            /* where the current row's cell begins */
} rawcol;

enum { E_NONE, E_FIELDS, E_QUOTE, E_UTF8, E_UNTERMINATED, E_NOMEM };

typedef struct badrow { uint64_t rec; size_t found; int hint; } badrow;

struct job;

typedef struct chunk {
  struct job *jb;
  size_t from, to;         /* byte range of the input */
  struct csv_parser p;
  int p_inited;
  rawcol *cols;
  colstat *st;
  uint64_t nrows;          /* rows kept */
  uint64_t nrec;           /* records seen (libcsv record callbacks) */
  size_t nf;               /* fields of the current record */
  int first_empty;
  int clean;               /* the parser ended between records */
  int dirty;               /* a skipped row's values narrowed st */
  uint64_t *skipped;       /* records that are not rows, ascending */
  size_t nskipped, skcap;
  badrow *bad;             /* rows skipped for their field count */
  size_t nbad, badcap;
  int failed;              /* E_* */
  uint64_t err_rec;        /* E_FIELDS, E_UNTERMINATED: the record */
  size_t err_pos;          /* E_QUOTE, E_UTF8: the byte */
  size_t err_nf, err_found;
  int err_hint;
  uint64_t row0;           /* first row's index in the table */
  uint64_t line0;          /* line of `from`; 0 = not computed yet */
} chunk;

typedef struct job {
  const char *fname;
  const seg_import_opts *o;
  const seg_import_more *m;
  const uchar *b;
  size_t n;
  int validate;            /* check UTF-8 while parsing */
  int mapped;              /* b is a read-only file mapping: parsed pages may be dropped */
  int delim;
  unsigned date_flags;
  char **hdr;
  size_t ncols;
  size_t body;             /* first byte after the header */
  uint64_t body_line;
  chunk *ch;
  size_t nch;
  size_t nthreads;
  char *err;
  size_t errlen;
  int *pin;                /* with a schema: column j's index in it, or -1 */
} job;

static const char *delim_name(int d) {
  return d == '\t' ? "TAB" : d == ';' ? "';'" : d == ',' ? "','" : "the delimiter";
}

static int add_u64(uint64_t **v, size_t *n, size_t *cap, uint64_t x) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    uint64_t *nv = realloc(*v, nc * sizeof *nv);
    if (nv == NULL) return -1;
    *v = nv;
    *cap = nc;
  }
  (*v)[(*n)++] = x;
  return 0;
}

/* Appends <varint n><s[0..n)>.  The arena keeps 32 bytes of slack, so a
** cell of at most 16 bytes is copied as two 8-byte words when `s_room`
** (readable bytes from s) allows it -- most cells are that short. */
static int raw_append(rawcol *c, const uchar *s, size_t n, size_t s_room) {
  if (c->len + n + 32 > c->cap && grow(&c->b, &c->cap, c->len + n + 32) != 0) return -1;
  uchar *d = c->b + c->len;
  if (n < 0x80) {
    *d++ = (uchar)n;
  } else {
    size_t v = n;
    while (v >= 0x80) {
      *d++ = (uchar)(v | 0x80);
      v >>= 7;
    }
    *d++ = (uchar)v;
  }
  if (n <= 16 && s_room >= 16) {
    memcpy(d, s, 8);
    memcpy(d + 8, s + 8, 8);
  } else {
    memcpy(d, s, n);
  }
  c->len = (size_t)(d - c->b) + n;
  return 0;
}

/* Reads the cell at *pos of an arena; returns its bytes, sets *n. */
static inline const uchar *raw_next(const uchar *b, size_t *pos, size_t *n) {
  size_t v = b[(*pos)++];
  if (v & 0x80) {
    v &= 0x7f;
    unsigned sh = 7;
    uchar c;
    do {
      c = b[(*pos)++];
      v |= (size_t)(c & 0x7f) << sh;
      sh += 7;
    } while (c & 0x80);
  }
  *n = v;
  const uchar *s = b + *pos;
  *pos += v;
  return s;
}

/* libcsv field callback: trim, store, narrow the column's candidates. */
static void on_field(void *sv, size_t len, void *ctx) {
  chunk *ch = ctx;
  if (ch->failed) return;
  const uchar *s = sv ? (const uchar *)sv : (const uchar *)"";
  while (len > 0 && is_ws(s[0])) s++, len--;
  while (len > 0 && is_ws(s[len - 1])) len--;
  size_t j = ch->nf++;
  if (j == 0) ch->first_empty = len == 0;
  if (j >= ch->jb->ncols) return;
  rawcol *c = &ch->cols[j];
  c->start = c->len;
  /* libcsv hands over its field buffer (entry_size bytes), or NULL */
  size_t room = sv ? ch->p.entry_size - (size_t)(s - (const uchar *)sv) : 0;
  if (raw_append(c, s, len, room) != 0) {
    ch->failed = E_NOMEM;
    return;
  }
  if (len == 0) return;
  colstat *st = &ch->st[j];
  if ((st->can & CAN_ALL) == 0) st->can |= SEEN;
  else classify(st, s, len, ch->jb->date_flags, ch->nrows);
}

/* The other candidate delimiter seen most often in the row being rolled
** back, or 0.  Only the stored fields (the first ncols) are looked at. */
static int other_delim(const chunk *ch) {
  static const char cand[3] = {',', ';', '\t'};
  size_t cnt[3] = {0, 0, 0};
  for (size_t j = 0; j < ch->jb->ncols && j < ch->nf; j++) {
    const rawcol *c = &ch->cols[j];
    for (size_t k = c->start; k < c->len; k++)
      for (int q = 0; q < 3; q++) cnt[q] += c->b[k] == (uchar)cand[q] && cand[q] != ch->jb->delim;
  }
  int best = -1;
  for (int q = 0; q < 3; q++)
    if (cnt[q] > 0 && (best < 0 || cnt[q] > cnt[best])) best = q;
  return best < 0 ? 0 : cand[best];
}

static void rollback(chunk *ch) {
  for (size_t j = 0; j < ch->jb->ncols && j < ch->nf; j++) ch->cols[j].len = ch->cols[j].start;
}

/* libcsv record callback: blank-record skip, field count, commit. */
static void on_record(int c, void *ctx) {
  chunk *ch = ctx;
  const job *jb = ch->jb;
  (void)c;
  if (ch->failed) goto done;
  if (ch->nf == jb->ncols) {
    ch->nrows++;
  } else if (ch->nf == 1 && ch->first_empty) {       /* a blank line: not a row */
    rollback(ch);
    if (add_u64(&ch->skipped, &ch->nskipped, &ch->skcap, ch->nrec) != 0) ch->failed = E_NOMEM;
  } else {
    int hint = other_delim(ch);
    rollback(ch);
    if (!jb->o->skip_bad_rows) {
      ch->failed = E_FIELDS;
      ch->err_rec = ch->nrec;
      ch->err_found = ch->nf;
      ch->err_hint = hint;
      goto done;
    }
    if (add_u64(&ch->skipped, &ch->nskipped, &ch->skcap, ch->nrec) != 0) {
      ch->failed = E_NOMEM;
      goto done;
    }
    if (ch->nbad == ch->badcap) {
      size_t nc = ch->badcap ? ch->badcap * 2 : 16;
      badrow *nb = realloc(ch->bad, nc * sizeof *nb);
      if (nb == NULL) {
        ch->failed = E_NOMEM;
        goto done;
      }
      ch->bad = nb;
      ch->badcap = nc;
    }
    ch->bad[ch->nbad++] = (badrow){ch->nrec, ch->nf, hint};
    ch->dirty = 1;
  }
done:
  ch->nf = 0;
  ch->nrec++;
}

#define SLICE ((size_t)8 << 20)

/* Parses b[from, to) with the chunk's parser (finishing it when last), in
** slices of about 8 MiB ending after a newline: each is checked as UTF-8,
** parsed, and then, from a file mapping, its pages are dropped (the cells
** are in the arenas by then; a message that needs the text again faults
** them back in from the page cache), so the input is never all resident. */
static void parse_range(chunk *ch, size_t from, size_t to, int last) {
  const job *jb = ch->jb;
  long page = sysconf(_SC_PAGESIZE);
  while (from < to) {
    size_t end = to;
    if (to - from > 2 * SLICE) {
      const uchar *nl = memchr(jb->b + from + SLICE, '\n', to - from - SLICE);
      if (nl != NULL) end = (size_t)(nl - jb->b) + 1;
    }
    size_t u = jb->validate ? utf8_scan(jb->b, from, end) : end;
    size_t got = csv_parse(&ch->p, jb->b + from, u - from, on_field, on_record, ch);
    if (ch->failed) return;
    if (got != u - from) {
      if (csv_error(&ch->p) == CSV_EPARSE) {
        ch->failed = E_QUOTE;
        ch->err_pos = from + got;
        ch->err_nf = ch->nf;
      } else {
        ch->failed = E_NOMEM;
      }
      return;
    }
    if (u < end) {
      ch->failed = E_UTF8;
      ch->err_pos = u;
      ch->err_nf = ch->nf;
      return;
    }
    if (jb->mapped && page > 0) {
      uintptr_t a = ((uintptr_t)(jb->b + from) + (uintptr_t)page - 1) / (uintptr_t)page * (uintptr_t)page;
      uintptr_t z = (uintptr_t)(jb->b + end) / (uintptr_t)page * (uintptr_t)page;
      if (z > a) madvise((void *)a, z - a, MADV_DONTNEED);
    }
    from = end;
  }
  if (!last) {
    ch->clean = ch->p.pstate == LIBCSV_ROW_NOT_BEGUN;
    return;
  }
  if (csv_fini(&ch->p, on_field, on_record, ch) != 0 && !ch->failed) {
    ch->failed = csv_error(&ch->p) == CSV_EPARSE ? E_UNTERMINATED : E_NOMEM;
    ch->err_rec = ch->nrec;
  }
  ch->clean = 1;
}

static int chunk_init(chunk *ch, job *jb, size_t from, size_t to) {
  memset(ch, 0, sizeof *ch);
  ch->jb = jb;
  ch->from = from;
  ch->to = to;
  ch->cols = calloc(jb->ncols ? jb->ncols : 1, sizeof *ch->cols);
  ch->st = malloc((jb->ncols ? jb->ncols : 1) * sizeof *ch->st);
  if (ch->cols == NULL || ch->st == NULL) return -1;
  for (size_t j = 0; j < jb->ncols; j++) colstat_init(&ch->st[j]);
  parser_init(&ch->p, jb->delim);
  ch->p_inited = 1;
  return 0;
}

static void chunk_free_arenas(chunk *ch, size_t ncols) {
  for (size_t j = 0; ch->cols && j < ncols; j++) {
    free(ch->cols[j].b);
    ch->cols[j].b = NULL;
  }
}

static void chunk_free(chunk *ch, size_t ncols) {
  chunk_free_arenas(ch, ncols);
  free(ch->cols);
  free(ch->st);
  free(ch->skipped);
  free(ch->bad);
  if (ch->p_inited) csv_free(&ch->p);
  memset(ch, 0, sizeof *ch);
}

/* Recomputes the candidates of a chunk from its kept rows (after skipped
** rows had narrowed them). */
static void chunk_restat(chunk *ch) {
  const job *jb = ch->jb;
  for (size_t j = 0; j < jb->ncols; j++) {
    colstat *st = &ch->st[j];
    colstat_init(st);
    size_t pos = 0, n;
    for (uint64_t r = 0; r < ch->nrows; r++) {
      const uchar *s = raw_next(ch->cols[j].b, &pos, &n);
      if (n > 0) classify(st, s, n, jb->date_flags, r);
    }
  }
  ch->dirty = 0;
}

/* ---- threads ------------------------------------------------------------ */

/* run_tasks(n, k, fn, arg): seg_run_tasks, at most MAX_THREADS threads */
static void run_tasks(size_t nthreads, size_t ntasks, void (*fn)(void *, size_t), void *arg) {
  seg_run_tasks(nthreads < MAX_THREADS ? nthreads : MAX_THREADS, ntasks, fn, arg);
}

/* ---- line numbers for messages ---------------------------------------- */

static uint64_t chunk_line(job *jb, size_t k) {
  chunk *ch = &jb->ch[k];
  if (ch->line0 == 0) {
    size_t from = jb->body;
    uint64_t line = jb->body_line;
    if (k > 0) {
      from = jb->ch[k - 1].from;
      line = chunk_line(jb, k - 1);
    }
    ch->line0 = line + count_lines(jb->b, jb->n, from, ch->from);
  }
  return ch->line0;
}

typedef struct locator {
  const uint64_t *recs;
  uint64_t *lines;
  size_t n, i;
  uint64_t rec, line, rec_line;
} locator;

static void loc_record(int c, void *ctx) {
  locator *lc = ctx;
  (void)c;
  while (lc->i < lc->n && lc->recs[lc->i] == lc->rec) lc->lines[lc->i++] = lc->rec_line;
  lc->rec++;
  lc->rec_line = lc->line;
}

/* Lines on which records recs[0..n) (chunk-local, ascending) of chunk k
** begin: the chunk is parsed again one physical line at a time. */
static void locate(job *jb, size_t k, const uint64_t *recs, uint64_t *lines, size_t n) {
  chunk *ch = &jb->ch[k];
  locator lc = {recs, lines, n, 0, 0, chunk_line(jb, k), 0};
  lc.rec_line = lc.line;
  struct csv_parser p;
  parser_init(&p, jb->delim);
  int at_line_start = 1;
  size_t pos = ch->from;
  while (pos < ch->to && lc.i < n) {
    size_t e = next_line(jb->b, pos, ch->to);
    if (at_line_start && p.pstate == LIBCSV_ROW_NOT_BEGUN) lc.rec_line = lc.line;
    if (csv_parse(&p, jb->b + pos, e - pos, NULL, loc_record, &lc) != e - pos) break;
    at_line_start = e > pos && (jb->b[e - 1] == '\n' || jb->b[e - 1] == '\r');
    if (at_line_start) lc.line++;
    pos = e;
  }
  if (lc.i < n && pos >= ch->to) csv_fini(&p, NULL, loc_record, &lc);
  while (lc.i < n) lines[lc.i++] = lc.rec_line;
  csv_free(&p);
}

static uint64_t record_line(job *jb, size_t k, uint64_t rec) {
  uint64_t line;
  locate(jb, k, &rec, &line, 1);
  return line;
}

/* The record index of chunk-local row r. */
static uint64_t rec_of_row(const chunk *ch, uint64_t r) {
  for (size_t i = 0; i < ch->nskipped && ch->skipped[i] <= r; i++) r++;
  return r;
}

/* Line of table row r. */
static uint64_t row_line(job *jb, uint64_t r) {
  size_t k = 0;
  while (k + 1 < jb->nch && jb->ch[k + 1].row0 <= r) k++;
  return record_line(jb, k, rec_of_row(&jb->ch[k], r - jb->ch[k].row0));
}

static void pos_where(job *jb, size_t k, size_t pos, uint64_t *line, uint64_t *col) {
  *line = chunk_line(jb, k) + count_lines(jb->b, jb->n, jb->ch[k].from, pos);
  *col = column_of(jb->b, pos);
}

static void warn(const job *jb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const job *jb, const char *fmt, ...) {
  if (jb->o->warn == NULL) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  jb->o->warn(jb->o->warn_ctx, msg);
}

/* The message of chunk k's failure. */
static void chunk_error(job *jb, size_t k) {
  chunk *ch = &jb->ch[k];
  const char *f = jb->fname;
  char col[300] = "";
  if (ch->err_nf < jb->ncols) snprintf(col, sizeof col, " (%s)", jb->hdr[ch->err_nf]);
  uint64_t line, c;
  switch (ch->failed) {
    case E_FIELDS: {
      char hint[128] = "";
      if (ch->err_hint != 0)
        snprintf(hint, sizeof hint, "; the line seems to use %s as delimiter \xe2\x80\x94 mixed delimiters?",
                 delim_name(ch->err_hint));
      set_err(jb->err, jb->errlen, "%s:%llu: expected %zu fields (as in the header), found %zu%s", f,
              (unsigned long long)record_line(jb, k, ch->err_rec), jb->ncols, ch->err_found, hint);
      break;
    }
    case E_QUOTE:
      pos_where(jb, k, ch->err_pos, &line, &c);
      set_err(jb->err, jb->errlen,
              "%s:%llu:%llu: field %zu%s: bad quoting: a '\"' inside an unquoted field, or text after a "
              "closing quote (a field containing quotes must be enclosed in quotes, with inner quotes doubled)",
              f, (unsigned long long)line, (unsigned long long)c, ch->err_nf + 1, col);
      break;
    case E_UTF8:
      pos_where(jb, k, ch->err_pos, &line, &c);
      set_err(jb->err, jb->errlen,
              "%s:%llu:%llu: field %zu%s: invalid UTF-8 (byte 0x%02X at offset %zu); if the file is a "
              "Windows-1252 or Latin-1 export, give --encoding cp1252 (or latin1)",
              f, (unsigned long long)line, (unsigned long long)c, ch->err_nf + 1, col, jb->b[ch->err_pos],
              ch->err_pos);
      break;
    case E_UNTERMINATED:
      set_err(jb->err, jb->errlen, "%s:%llu: unterminated quoted field (a '\"' opens a field that is never closed)",
              f, (unsigned long long)record_line(jb, k, ch->err_rec));
      break;
    default:
      set_err(jb->err, jb->errlen, "%s: out of memory", f);
      break;
  }
}

/* Warnings for the rows skipped for their field count, in file order. */
static void warn_bad_rows(job *jb, size_t upto) {
  size_t shown = 0, total = 0;
  for (size_t k = 0; k < upto; k++) total += jb->ch[k].nbad;
  if (total == 0 || jb->o->warn == NULL) return;
  for (size_t k = 0; k < upto && shown < MAX_ROW_WARNINGS; k++) {
    chunk *ch = &jb->ch[k];
    size_t m = ch->nbad < MAX_ROW_WARNINGS - shown ? ch->nbad : MAX_ROW_WARNINGS - shown;
    if (m == 0) continue;
    uint64_t *recs = malloc(m * sizeof *recs), *lines = malloc(m * sizeof *lines);
    if (recs == NULL || lines == NULL) {
      free(recs);
      free(lines);
      return;
    }
    for (size_t i = 0; i < m; i++) recs[i] = ch->bad[i].rec;
    locate(jb, k, recs, lines, m);
    for (size_t i = 0; i < m; i++) {
      char hint[128] = "";
      if (ch->bad[i].hint != 0)
        snprintf(hint, sizeof hint, "; the line seems to use %s as delimiter \xe2\x80\x94 mixed delimiters?",
                 delim_name(ch->bad[i].hint));
      warn(jb, "%s:%llu: expected %zu fields (as in the header), found %zu%s", jb->fname,
           (unsigned long long)lines[i], jb->ncols, ch->bad[i].found, hint);
    }
    shown += m;
    free(recs);
    free(lines);
  }
  if (total > shown)
    warn(jb, "%s: %zu more rows with the wrong number of fields skipped (%zu in all)", jb->fname, total - shown,
         total);
}

/* The rows skipped for their field count against the ceiling
** (seg_import_more.max_bad_kind); past it the import fails. */
static int check_bad_ceiling(job *jb) {
  uint64_t nbad = 0, nrows = 0;
  for (size_t k = 0; k < jb->nch; k++) nbad += jb->ch[k].nbad, nrows += jb->ch[k].nrows;
  if (nbad == 0) return 0;
  uint64_t nrec = nrows + nbad, limit;
  char why[96];
  if (jb->m->max_bad_kind == SEG_MAX_BAD_ROWS) {
    limit = (uint64_t)jb->m->max_bad;
    snprintf(why, sizeof why, "--max-bad-rows %llu", (unsigned long long)limit);
  } else {
    double pct = jb->m->max_bad_kind == SEG_MAX_BAD_PERCENT ? jb->m->max_bad : 1.0;
    double l = (double)nrec * pct / 100.0;
    limit = (uint64_t)l;
    if ((double)limit < l) limit++;
    if (jb->m->max_bad_kind == SEG_MAX_BAD_PERCENT) {
      snprintf(why, sizeof why, "--max-bad-rows %g%%", pct);
    } else {
      if (limit > 1000) limit = 1000;
      snprintf(why, sizeof why, "the default: 1%% of the rows, at most 1000");
    }
  }
  if (nbad <= limit) return 0;
  set_err(jb->err, jb->errlen,
          "%s: %llu of %llu rows have the wrong number of fields, more than the %llu allowed (%s); fix the "
          "export, or raise the ceiling with --max-bad-rows N or P%%",
          jb->fname, (unsigned long long)nbad, (unsigned long long)nrec, (unsigned long long)limit, why);
  return -1;
}

int seg_import_parse_max_bad(const char *s, seg_import_more *m) {
  char *end;
  size_t n = strlen(s);
  if (n == 0 || s[0] == '-' || s[0] == '+' || is_ws((uchar)s[0])) return -1;
  errno = 0;
  if (s[n - 1] == '%') {
    double p = strtod(s, &end);
    if (errno != 0 || end != s + n - 1 || !(p >= 0 && p <= 100)) return -1;
    m->max_bad_kind = SEG_MAX_BAD_PERCENT;
    m->max_bad = p;
    return 0;
  }
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > (1ull << 53)) return -1;
  m->max_bad_kind = SEG_MAX_BAD_ROWS;
  m->max_bad = (double)v;
  return 0;
}

/* ---- header ------------------------------------------------------------- */

typedef struct hdrctx {
  char **names;
  size_t n, cap;
  int done, nomem, nul;
} hdrctx;

static void on_hdr_field(void *sv, size_t len, void *ctx) {
  hdrctx *h = ctx;
  if (h->done || h->nomem || h->nul) return;
  const uchar *s = sv ? (const uchar *)sv : (const uchar *)"";
  while (len > 0 && is_ws(s[0])) s++, len--;
  while (len > 0 && is_ws(s[len - 1])) len--;
  if (h->n == h->cap) {
    size_t nc = h->cap ? h->cap * 2 : 32;
    char **nn = realloc(h->names, nc * sizeof *nn);
    if (nn == NULL) {
      h->nomem = 1;
      return;
    }
    h->names = nn;
    h->cap = nc;
  }
  char *name = malloc(len + 1);
  if (name == NULL) {
    h->nomem = 1;
    return;
  }
  memcpy(name, s, len);
  name[len] = '\0';
  h->names[h->n++] = name;
  if (memchr(s, 0, len) != NULL) h->nul = 1;
}

static void on_hdr_record(int c, void *ctx) {
  (void)c;
  ((hdrctx *)ctx)->done = 1;
}

static uint64_t hash_bytes(const uchar *s, size_t n);

/* Checks the names: none empty, none twice (a hash set, so 5,000 columns
** cost 5,000 probes). */
static int check_names(job *jb, uint64_t line) {
  size_t cap = 16;
  while (cap < jb->ncols * 2) cap *= 2;
  uint32_t *set = calloc(cap, sizeof *set);
  if (set == NULL) {
    set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; i < jb->ncols && rc == 0; i++) {
    const char *nm = jb->hdr[i];
    if (nm[0] == '\0') {
      set_err(jb->err, jb->errlen, "%s:%llu: column %zu of the header has an empty name%s", jb->fname,
              (unsigned long long)line, i + 1,
              i + 1 == jb->ncols && i > 0 ? " (a trailing delimiter at the end of the header line?)" : "");
      rc = -1;
      break;
    }
    size_t len = strlen(nm), h = (size_t)hash_bytes((const uchar *)nm, len) & (cap - 1);
    while (set[h] != 0) {
      const char *o = jb->hdr[set[h] - 1];
      if (strcmp(o, nm) == 0) {
        set_err(jb->err, jb->errlen, "%s:%llu: duplicate column name '%s' (columns %u and %zu of the header)",
                jb->fname, (unsigned long long)line, nm, set[h], i + 1);
        rc = -1;
        break;
      }
      h = (h + 1) & (cap - 1);
    }
    set[h] = (uint32_t)(i + 1);
  }
  free(set);
  return rc;
}

/* Parses the header record, one physical line at a time; sets jb->hdr,
** ncols, body, body_line. */
static int parse_header(job *jb) {
  hdrctx h = {0};
  struct csv_parser p;
  parser_init(&p, jb->delim);
  const uchar *b = jb->b;
  size_t pos = 0, n = jb->n;
  uint64_t line = 1, hdr_line = 1;
  int at_line_start = 1, rc = -1;
  while (pos < n && !h.done) {
    size_t e = next_line(b, pos, n);
    if (at_line_start && p.pstate == LIBCSV_ROW_NOT_BEGUN) hdr_line = line;
    size_t u = jb->validate ? utf8_scan(b, pos, e) : e;
    size_t got = csv_parse(&p, b + pos, u - pos, on_hdr_field, on_hdr_record, &h);
    if (h.nomem) goto oom;
    if (got != u - pos) {
      if (csv_error(&p) != CSV_EPARSE) goto oom;
      set_err(jb->err, jb->errlen,
              "%s:%llu:%llu: header field %zu: bad quoting: a '\"' inside an unquoted field, or text after a "
              "closing quote",
              jb->fname, (unsigned long long)line, (unsigned long long)column_of(b, pos + got), h.n + 1);
      goto done;
    }
    if (u < e) {
      set_err(jb->err, jb->errlen,
              "%s:%llu:%llu: header field %zu: invalid UTF-8 (byte 0x%02X at offset %zu); if the file is a "
              "Windows-1252 or Latin-1 export, give --encoding cp1252 (or latin1)",
              jb->fname, (unsigned long long)line, (unsigned long long)column_of(b, u), h.n + 1, b[u], u);
      goto done;
    }
    at_line_start = e > pos && (b[e - 1] == '\n' || b[e - 1] == '\r');
    if (at_line_start) line++;
    pos = e;
  }
  if (!h.done && csv_fini(&p, on_hdr_field, on_hdr_record, &h) != 0) {
    if (csv_error(&p) != CSV_EPARSE) goto oom;
    set_err(jb->err, jb->errlen, "%s:%llu: unterminated quoted field (a '\"' opens a field that is never closed)",
            jb->fname, (unsigned long long)hdr_line);
    goto done;
  }
  if (h.nomem) goto oom;
  if (!h.done) {
    set_err(jb->err, jb->errlen, "%s: empty file: no header line", jb->fname);
    goto done;
  }
  jb->hdr = h.names;
  jb->ncols = h.n;
  h.names = NULL;
  h.n = 0;
  if (h.nul) {
    set_err(jb->err, jb->errlen,
            "%s:%llu: the header contains a NUL byte (a UTF-16 file without byte-order mark? try --encoding utf-16)",
            jb->fname, (unsigned long long)hdr_line);
    goto done;
  }
  if (check_names(jb, hdr_line) != 0) goto done;
  jb->body = pos;
  jb->body_line = line;
  rc = 0;
  goto done;
oom:
  set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
done:
  for (size_t i = 0; i < h.n; i++) free(h.names[i]);
  free(h.names);
  csv_free(&p);
  return rc;
}

/* ---- cutting the body into chunks --------------------------------------- */

typedef struct cutter {
  const uchar *b;
  size_t *bounds;          /* nseg + 1 nominal bounds */
  size_t *quotes;          /* per segment */
} cutter;

static void count_quotes(void *arg, size_t i) {
  cutter *ct = arg;
  const uchar *p = ct->b + ct->bounds[i], *e = ct->b + ct->bounds[i + 1];
  size_t c = 0;
  while (p < e && (p = memchr(p, '"', (size_t)(e - p))) != NULL) c++, p++;
  ct->quotes[i] = c;
}

/* From pos, with `inq` telling whether pos is inside quotes, the index
** after the first newline outside quotes, or n. */
static size_t cut_after(const uchar *b, size_t n, size_t pos, int inq) {
  while (pos < n) {
    if (inq) {
      const uchar *q = memchr(b + pos, '"', n - pos);
      if (q == NULL) return n;
      pos = (size_t)(q - b) + 1;
      inq = 0;
    } else {
      const uchar *lf = memchr(b + pos, '\n', n - pos);
      size_t lim = lf ? (size_t)(lf - b) : n;
      const uchar *q = memchr(b + pos, '"', lim - pos);
      if (q == NULL) return lf ? lim + 1 : n;
      pos = (size_t)(q - b) + 1;
      inq = 1;
    }
  }
  return n;
}

/* Splits the body into jb->nch chunks (fewer when there is little data). */
static int make_chunks(job *jb) {
  size_t len = jb->n - jb->body, want = jb->nthreads;
  size_t minc = jb->m->min_chunk ? jb->m->min_chunk : DEFAULT_MIN_CHUNK;
  if (want > len / minc) want = len / minc;
  if (want < 1) want = 1;
  size_t cuts[MAX_THREADS + 1];
  size_t nch = 1;
  cuts[0] = jb->body;
  if (want > 1) {
    size_t bounds[MAX_THREADS + 1], quotes[MAX_THREADS];
    for (size_t i = 0; i <= want; i++) bounds[i] = jb->body + len / want * i;
    bounds[want] = jb->n;
    cutter ct = {jb->b, bounds, quotes};
    run_tasks(jb->nthreads, want, count_quotes, &ct);
    size_t parity = 0;
    for (size_t i = 1; i < want; i++) {
      parity += quotes[i - 1];
      size_t c = cut_after(jb->b, jb->n, bounds[i], (int)(parity & 1));
      if (c > cuts[nch - 1] && c < jb->n) cuts[nch++] = c;
    }
  }
  cuts[nch] = jb->n;
  jb->ch = calloc(nch, sizeof *jb->ch);
  if (jb->ch == NULL) return -1;
  jb->nch = nch;
  for (size_t k = 0; k < nch; k++)
    if (chunk_init(&jb->ch[k], jb, cuts[k], cuts[k + 1]) != 0) return -1;
  jb->ch[0].line0 = jb->body_line;
  return 0;
}

static void parse_task(void *arg, size_t k) {
  job *jb = arg;
  chunk *ch = &jb->ch[k];
  parse_range(ch, ch->from, ch->to, k + 1 == jb->nch);
  /* (a chunk that ends inside a record is finished by parse_body) */
  if (!ch->failed && ch->dirty && ch->clean) chunk_restat(ch);
}

/* Parses every chunk; on a wrong cut, the chunk before it parses the rest
** alone.  Returns the index of the first failed chunk, or nch. */
static size_t parse_body(job *jb) {
  run_tasks(jb->nthreads, jb->nch, parse_task, jb);
  for (size_t k = 0; k < jb->nch; k++) {
    chunk *ch = &jb->ch[k];
    if (ch->failed) return k;
    if (k + 1 < jb->nch && !ch->clean) {
      for (size_t m = k + 1; m < jb->nch; m++) chunk_free(&jb->ch[m], jb->ncols);
      jb->nch = k + 1;
      parse_range(ch, ch->to, jb->n, 1);
      ch->to = jb->n;
      if (!ch->failed && ch->dirty) chunk_restat(ch);
      return ch->failed ? k : jb->nch;
    }
  }
  return jb->nch;
}

/* ---- types ------------------------------------------------------------- */

typedef struct coltype {
  seg_type type;
  uint32_t scale;
  char dec;                /* SEG_INT / SEG_NUM: the decimal mark */
  char pinned;             /* the type comes from a schema: a value that
                              does not read as it is missing (--lenient) */
} coltype;

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

/* Column j is text: when a few of its values are all that keep it from
** being bool, int, number or date (at most 5 values, or 1% of the rows up
** to 1,000, and fewer than the ones that fit), a warning names the first such value and
** its line, so that a rule failing on the column can be understood.  The
** scan stops once every type has more misfits than that. */
static void why_text(job *jb, size_t j) {
  enum { W_BOOL, W_INT_P, W_INT_C, W_NUM_P, W_NUM_C, W_DATE, W_N };
  static const char *const tname[W_N] = {"bool", "int", "int", "number", "number", "date"};
  uint64_t fit[W_N] = {0}, bad[W_N] = {0}, first[W_N];
  char ex[W_N][40];
  uint64_t nrows = 0;
  for (size_t k = 0; k < jb->nch; k++) nrows += jb->ch[k].nrows;
  uint64_t cap = nrows / 100 > 1000 ? 1000 : nrows / 100 > 5 ? nrows / 100 : 5;
  for (int w = 0; w < W_N; w++) first[w] = NONE, ex[w][0] = '\0';
  for (size_t k = 0; k < jb->nch; k++) {
    const chunk *ch = &jb->ch[k];
    size_t pos = 0, n;
    for (uint64_t r = 0; r < ch->nrows; r++) {
      const uchar *s = raw_next(ch->cols[j].b, &pos, &n);
      if (n == 0) continue;
      int ok[W_N];
      uint8_t b;
      numscan ns;
      int fp = -1, fc = -1;
      if (num_scan(s, n, &ns)) fp = num_read(&ns, '.'), fc = num_read(&ns, ',');
      ok[W_BOOL] = is_bool(s, n, &b);
      ok[W_INT_P] = fp == 0;
      ok[W_INT_C] = fc == 0;
      ok[W_NUM_P] = fp >= 0;
      ok[W_NUM_C] = fc >= 0;
      ok[W_DATE] = seg_date_parse_ex((const char *)s, n, jb->date_flags, NULL) == 0;
      int alive = 0;
      for (int w = 0; w < W_N; w++) {
        if (ok[w]) fit[w]++;
        else if (bad[w]++ == 0) first[w] = ch->row0 + r, copy_ex(ex[w], sizeof ex[w], s, n);
        alive |= bad[w] <= cap;
      }
      if (!alive) return;
    }
  }
  int best = -1;
  for (int w = 0; w < W_N; w++)
    if (bad[w] > 0 && bad[w] <= cap && bad[w] < fit[w] && (best < 0 || fit[w] > fit[best])) best = w;
  if (best < 0) return;
  char others[32], more[64] = "";
  group3(fit[best], others, sizeof others);
  if (bad[best] > 1)
    snprintf(more, sizeof more, " and %llu more value%s like it", (unsigned long long)(bad[best] - 1),
             bad[best] == 2 ? "" : "s");
  warn(jb, "%s: column '%s' is text because line %llu has '%s'%s (%s other value%s %s %s); use --schema to pin "
       "its type", jb->fname, jb->hdr[j],
       (unsigned long long)row_line(jb, first[best]), ex[best], more, others, fit[best] == 1 ? "" : "s",
       fit[best] == 1 ? "is" : "are", tname[best]);
}

/* Chooses column j's type from the chunks' candidates; warns about
** ambiguous number and date columns. */
static coltype decide(job *jb, size_t j) {
  colstat m;
  colstat_init(&m);
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
    int comma = strchr(cex, ',') != NULL;
    warn(jb,
         "%s:%llu: column '%s' imported as text: '%s' reads as a number both with %s (and every value "
         "of the column reads both ways); give --decimal . or --decimal , to choose",
         jb->fname, (unsigned long long)row_line(jb, crow), name, cex,
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
    why_text(jb, j);
    return t;
  }
  if ((c & CAN_DATE_ALT) && arow != NONE)
    warn(jb,
         "%s:%llu: column '%s' imported as text: its dates read only %s (such as '%s'); %s",
         jb->fname, (unsigned long long)row_line(jb, arow), name,
         jb->date_flags & SEG_DATE_MONTH_FIRST ? "day first" : "month first", aex,
         jb->date_flags & SEG_DATE_MONTH_FIRST ? "drop --month-first" : "give --month-first for US-style M/D/YYYY dates");
  return t;
}

/* ---- encoding ----------------------------------------------------------- */

static inline uint64_t mix64(uint64_t a, uint64_t b) {
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
static uint64_t hash_bytes(const uchar *s, size_t n) {
  const uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull, k2 = 0x8ebc6af09c88c6e3ull;
  uint64_t h = k0 ^ (n * k2), a, b;
  size_t len = n;
  while (n > 16) {
    h = mix64(ld64(s) ^ k1, ld64(s + 8) ^ h);
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
  return mix64(k1 ^ len, mix64(a ^ k1, b ^ h));
}

/* A text column's dictionary while it is built: open addressing, each
** slot (hash >> 32) << 32 | (code + 1), 0 = empty. */
typedef struct dict {
  uint64_t *slots;
  size_t mask;
  uint64_t *off;
  size_t ocap;
  uchar *bytes;
  size_t blen, bcap;
  uint32_t n;
} dict;

static int dict_init(dict *d) {
  memset(d, 0, sizeof *d);
  d->mask = 1023;
  d->slots = calloc(d->mask + 1, sizeof *d->slots);
  d->ocap = 1024;
  d->off = malloc(d->ocap * sizeof *d->off);
  if (d->slots == NULL || d->off == NULL) return -1;
  d->off[0] = 0;
  return 0;
}

static void dict_free(dict *d) {
  free(d->slots);
  free(d->off);
  free(d->bytes);
  memset(d, 0, sizeof *d);
}

/* Grows the table to at least `slots` slots (a power of two). */
static int dict_rehash(dict *d, size_t slots) {
  size_t nm = d->mask * 2 + 1;
  while (nm + 1 < slots && nm < SIZE_MAX / 4) nm = nm * 2 + 1;
  uint64_t *ns = calloc(nm + 1, sizeof *ns);
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

/* The code of s[0..n), added if new; -1 when out of memory. */
static int64_t dict_code(dict *d, const uchar *s, size_t n, uint64_t h) {
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
  if (d->n >= UINT32_MAX - 1) return -1;
  if ((size_t)d->n + 2 > d->ocap) {
    uint64_t *no = realloc(d->off, d->ocap * 2 * sizeof *no);
    if (no == NULL) return -1;
    d->off = no;
    d->ocap *= 2;
  }
  if (grow(&d->bytes, &d->bcap, d->blen + n + 16) != 0) return -1;
  if (n) memcpy(d->bytes + d->blen, s, n);
  d->blen += n;
  uint32_t c = d->n++;
  d->off[c + 1] = d->blen;
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
** 0, or -1 out of memory. */
static int nfc_dict(seg_column *col) {
  size_t n = col->ndict, total = (size_t)col->dict_off[n];
  size_t k = 0;
  while (k < total && (uchar)col->dict_bytes[k] < 0x80) k++;
  if (k == total) return 0;                       /* all ASCII: nothing to do */
  uint64_t *off = amalloc((n + 1) * sizeof *off);
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
    off[i] = len;
    len += nn;
  }
  off[n] = len;
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
  if (dict_init(&d) != 0) goto out;
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
        cs[i] = raw_next(b, &pos, &cn[i]);
        ch_[i] = hash_bytes(cs[i], cn[i]);
        __builtin_prefetch(&d.slots[(size_t)(ch_[i] >> 32) & d.mask]);
      }
      for (size_t i = 0; i < m; i++, r++, g++) {
        valid_put(&vw, g, cn[i] != 0);
        if (cn[i] == 0) {
          codes[g] = 0;
          continue;
        }
        int64_t c = dict_code(&d, cs[i], cn[i], ch_[i]);
        if (c < 0) goto out;
        codes[g] = (uint32_t)c;
      }
    }
  }
  valid_end(&vw, nrows);
  col->ndict = d.n;
  col->dict_off = amalloc(((size_t)d.n + 1) * sizeof(uint64_t));
  col->dict_bytes = amalloc(d.blen);
  if (col->dict_off == NULL || col->dict_bytes == NULL) goto out;
  memcpy(col->dict_off, d.off, ((size_t)d.n + 1) * sizeof(uint64_t));
  if (d.blen) memcpy(col->dict_bytes, d.bytes, d.blen);
  rc = nfc_dict(col);
out:
  dict_free(&d);
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
      const uchar *s = raw_next(b, &pos, &n);
      int ok = n != 0;
      switch (t.type) {
        case SEG_BOOL: {
          uint8_t v = 0;
          if (ok) ok = t.pinned ? is_bool_ext(s, n, &v) : is_bool(s, n, &v);
          ((uint8_t *)col->data)[g] = ok ? v : 0;
          break;
        }
        case SEG_INT:
        case SEG_NUM: {
          int64_t v = 0;
          if (ok && num_value(s, n, t.dec, t.scale, &v) != 0) {
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
} encoder;

static void encode_task(void *arg, size_t i) {
  encoder *en = arg;
  job *jb = en->jb;
  size_t j = en->order[i];
  seg_column *col = &en->out->cols[j];
  int rc = encode_as(jb, j, en->types[j], col, en->out->nrows);
  if (rc == 1) {
    free_col_arrays(col);
    coltype tt = {SEG_TEXT, 0, 0, 0};
    rc = encode_as(jb, j, tt, col, en->out->nrows);
  }
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

/* Whether cell s[0..n) reads as t (a pinned type). */
static int pin_fits(const job *jb, coltype t, const uchar *s, size_t n) {
  uint8_t b;
  int64_t v;
  switch (t.type) {
    case SEG_BOOL: return is_bool_ext(s, n, &b);
    case SEG_INT:
    case SEG_NUM: return num_value(s, n, t.dec, t.scale, &v) == 0;
    case SEG_DATE: return seg_date_parse_ex((const char *)s, n, jb->date_flags, NULL) == 0;
    case SEG_TEXT: return 1;
  }
  return 0;
}

static const char *type_phrase(seg_type t) {
  switch (t) {
    case SEG_BOOL: return "a bool (true/false, yes/no, y/n, ja/nej)";
    case SEG_INT: return "an int";
    case SEG_NUM: return "a number";
    case SEG_DATE: return "a date";
    case SEG_TEXT: return "a text";
  }
  return "?";
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
        const uchar *s = raw_next(ch->cols[j].b, &pos, &n);
        if (n == 0) continue;
        numscan ns;
        int fp = -1, fc = -1;
        if (num_scan(s, n, &ns)) fp = num_read(&ns, '.'), fc = num_read(&ns, ',');
        if (fp < 0) fail_p++;
        else if (fp > fd_p) fd_p = fp;
        if (fc < 0) fail_c++;
        else if (fc > fd_c) fd_c = fc;
      }
    }
    char dec = jb->m->decimal ? jb->m->decimal : fail_c < fail_p ? ',' : '.';
    t.dec = dec;
    if (want == SEG_NUM) t.scale = (uint32_t)(dec == '.' ? fd_p : fd_c);
  }
  uint64_t nbad = 0, first = NONE;
  char ex[64] = "";
  if (want != SEG_TEXT)
    for (size_t k = 0; k < jb->nch; k++) {
      const chunk *ch = &jb->ch[k];
      size_t pos = 0, n;
      for (uint64_t r = 0; r < ch->nrows; r++) {
        const uchar *s = raw_next(ch->cols[j].b, &pos, &n);
        if (n == 0 || pin_fits(jb, t, s, n)) continue;
        if (nbad++ == 0) {
          first = ch->row0 + r;
          copy_ex(ex, sizeof ex, s, n);
        }
      }
    }
  *out = t;
  if (nbad == 0) return 0;
  const char *sn = jb->m->schema_name ? jb->m->schema_name : "the schema";
  if (!jb->m->lenient) {
    char more[96] = "";
    if (nbad > 1) snprintf(more, sizeof more, " (%llu values of the column do not fit)", (unsigned long long)nbad);
    set_err(jb->err, jb->errlen, "%s:%llu: column '%s': '%s' is not %s, the column's type in %s%s; fix the export, "
            "or give --lenient to read such values as missing",
            jb->fname, (unsigned long long)row_line(jb, first), jb->hdr[j], ex, type_phrase(want), sn, more);
    return -1;
  }
  warn(jb, "%s:%llu: column '%s': %llu value%s not %s (such as '%s' on this line) read as missing (--lenient)",
       jb->fname, (unsigned long long)row_line(jb, first), jb->hdr[j], (unsigned long long)nbad,
       nbad == 1 ? "" : "s", type_phrase(want), ex);
  return 0;
}

/* The header against m->schema: jb->pin, or -1 with the message (a schema
** column not in the header; a header column not in the schema, unless
** allow_extra). */
static int pin_columns(job *jb) {
  const seg_schema *s = jb->m->schema;
  const char *sn = jb->m->schema_name ? jb->m->schema_name : "the schema";
  jb->pin = malloc((jb->ncols ? jb->ncols : 1) * sizeof *jb->pin);
  uint8_t *seen = calloc(s->ncols ? s->ncols : 1, 1);
  int rc = -1;
  if (jb->pin == NULL || seen == NULL) {
    set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    goto out;
  }
  for (size_t j = 0; j < jb->ncols; j++) {
    int i = seg_schema_find(s, jb->hdr[j]);
    jb->pin[j] = i;
    if (i >= 0) {
      seen[i] = 1;
    } else if (!jb->m->allow_extra) {
      set_err(jb->err, jb->errlen,
              "%s: column '%s' of the header is not in %s; give --allow-extra to import it with an inferred type",
              jb->fname, jb->hdr[j], sn);
      goto out;
    }
  }
  for (size_t i = 0; i < s->ncols; i++)
    if (!seen[i]) {
      set_err(jb->err, jb->errlen, "%s: the header has no column '%s' (%s in %s)", jb->fname, s->names[i],
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
static void warn_empty_columns(job *jb) {
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
  warn(jb, "%s: %s %s%s %s no values, so %s text; use --schema to pin %s type%s", jb->fname,
       nempty == 1 ? "column" : "columns", list, more, nempty == 1 ? "has" : "have", nempty == 1 ? "it is" : "they are",
       nempty == 1 ? "its" : "their", nempty == 1 ? "" : "s");
}

/* Returns 0, -1 out of memory, -2 a value that does not fit its pinned
** type (the message in jb->err). */
static int encode_all(job *jb, seg_table *out) {
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
      types[j] = decide(jb, j);
    }
    cost[j].j = j;
    for (size_t k = 0; k < jb->nch; k++) cost[j].cost += jb->ch[k].cols[j].len;
    if (types[j].type == SEG_TEXT) cost[j].cost *= 4;       /* hashing */
  }
  warn_empty_columns(jb);
  qsort(cost, nc, sizeof *cost, by_cost);
  for (size_t j = 0; j < nc; j++) order[j] = cost[j].j;
  encoder en = {jb, out, types, order, 0};
  run_tasks(jb->nthreads, nc, encode_task, &en);
  rc = en.failed ? -1 : 0;
out:
  free(types);
  free(order);
  free(cost);
  return rc;
}

/* ---- key column --------------------------------------------------------- */

static void render_value(const seg_column *c, uint64_t r, char *buf, size_t cap) {
  switch (c->type) {
    case SEG_BOOL: snprintf(buf, cap, "%s", ((const uint8_t *)c->data)[r] ? "true" : "false"); break;
    case SEG_INT: snprintf(buf, cap, "%lld", (long long)((const int64_t *)c->data)[r]); break;
    case SEG_DATE: {
      char d[11];
      seg_date_format(((const int32_t *)c->data)[r], d);
      snprintf(buf, cap, "%s", d);
      break;
    }
    case SEG_NUM: {
      int64_t v = ((const int64_t *)c->data)[r];
      uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, p = 1;
      for (uint32_t k = 0; k < c->scale; k++) p *= 10;
      if (c->scale == 0) snprintf(buf, cap, "%s%llu", v < 0 ? "-" : "", (unsigned long long)a);
      else
        snprintf(buf, cap, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(a / p), (int)c->scale,
                 (unsigned long long)(a % p));
      break;
    }
    case SEG_TEXT: {
      uint32_t code = ((const uint32_t *)c->data)[r];
      size_t a = (size_t)c->dict_off[code], b = (size_t)c->dict_off[code + 1];
      int len = b - a > 200 ? 200 : (int)(b - a);
      snprintf(buf, cap, "%.*s%s", len, c->dict_bytes + a, b - a > 200 ? "..." : "");
      break;
    }
  }
}

static uint64_t value_bits(const seg_column *c, uint64_t r) {
  switch (c->type) {
    case SEG_BOOL: return ((const uint8_t *)c->data)[r];
    case SEG_INT:
    case SEG_NUM: return (uint64_t)((const int64_t *)c->data)[r];
    case SEG_DATE: return (uint32_t)((const int32_t *)c->data)[r];
    case SEG_TEXT: return ((const uint32_t *)c->data)[r];
  }
  return 0;
}

/* The key column: present on every row, each value once. */
static int check_key(job *jb, const seg_table *t) {
  const char *key = jb->m->key;
  int j = seg_table_find(t, key);
  if (j < 0) {
    set_err(jb->err, jb->errlen, "%s: --key: no column '%s' in the header", jb->fname, key);
    return -1;
  }
  const seg_column *c = &t->cols[j];
  uint64_t nrows = t->nrows, nmiss = 0, first_miss = NONE;
  for (uint64_t r = 0; r < nrows; r++)
    if (!seg_valid_get(c->valid, r)) {
      if (nmiss++ == 0) first_miss = r;
    }
  if (nmiss > 0) {
    set_err(jb->err, jb->errlen, "%s:%llu: key column '%s' has no value on this row (%llu rows without one)",
            jb->fname, (unsigned long long)row_line(jb, first_miss), key, (unsigned long long)nmiss);
    return -1;
  }
  /* value -> first row, open addressing over the raw 64-bit values */
  size_t cap = 16;
  while (cap < nrows * 2) cap *= 2;
  uint64_t *keys = malloc(cap * sizeof *keys), *rows = malloc(cap * sizeof *rows);
  uint32_t *cnt = calloc(cap, sizeof *cnt);
  if (keys == NULL || rows == NULL || cnt == NULL) {
    free(keys);
    free(rows);
    free(cnt);
    set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    return -1;
  }
  uint64_t dup_row = NONE, dup_first = NONE, extra = 0, values = 0;
  for (uint64_t r = 0; r < nrows; r++) {
    uint64_t v = value_bits(c, r);
    size_t i = (size_t)mix64(v ^ 0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull) & (cap - 1);
    while (cnt[i] != 0 && keys[i] != v) i = (i + 1) & (cap - 1);
    if (cnt[i] == 0) {
      keys[i] = v;
      rows[i] = r;
      cnt[i] = 1;
      continue;
    }
    if (cnt[i]++ == 1) values++;
    extra++;
    if (dup_row == NONE) dup_row = r, dup_first = rows[i];
  }
  free(keys);
  free(rows);
  free(cnt);
  if (dup_row == NONE) return 0;
  char val[256];
  render_value(c, dup_row, val, sizeof val);
  uint64_t l1 = row_line(jb, dup_first), l2 = row_line(jb, dup_row);
  set_err(jb->err, jb->errlen,
          "%s:%llu: duplicate key %s '%s' (first on line %llu); %llu value%s of the key column occur%s more than "
          "once (%llu extra row%s)",
          jb->fname, (unsigned long long)l2, key, val, (unsigned long long)l1, (unsigned long long)values,
          values == 1 ? "" : "s", values == 1 ? "s" : "", (unsigned long long)extra, extra == 1 ? "" : "s");
  return -1;
}

/* ---- driver ------------------------------------------------------------- */

static size_t auto_threads(const seg_import_more *m) {
  long n = m->threads > 0 ? m->threads : sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if (n > MAX_THREADS) n = MAX_THREADS;
  return (size_t)n;
}

static int import_text(job *jb, seg_table *out) {
  int rc = -1;
  if (jb->o->delimiter != 0) {
    char d = jb->o->delimiter;
    if (d == '"' || d == '\n' || d == '\r') {
      set_err(jb->err, jb->errlen, "%s: invalid delimiter '%c'", jb->fname, d);
      return -1;
    }
    jb->delim = (uchar)d;
  } else {
    jb->delim = seg_import_sniff_delimiter((const char *)jb->b, jb->n);
  }
  if (jb->m->decimal != 0 && jb->m->decimal != '.' && jb->m->decimal != ',') {
    set_err(jb->err, jb->errlen, "%s: invalid decimal mark '%c' (give '.' or ',')", jb->fname, jb->m->decimal);
    return -1;
  }
  jb->date_flags = jb->m->month_first ? SEG_DATE_MONTH_FIRST : 0;
  jb->nthreads = auto_threads(jb->m);
  if (parse_header(jb) != 0) return -1;
  if (jb->m->schema != NULL && pin_columns(jb) != 0) return -1;
  if (make_chunks(jb) != 0) {
    set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    return -1;
  }
  size_t bad = parse_body(jb);
  warn_bad_rows(jb, bad < jb->nch ? bad + 1 : jb->nch);
  if (bad < jb->nch) {
    chunk_error(jb, bad);
    return -1;
  }
  if (check_bad_ceiling(jb) != 0) return -1;
  uint64_t nrows = 0;
  for (size_t k = 0; k < jb->nch; k++) {
    jb->ch[k].row0 = nrows;
    nrows += jb->ch[k].nrows;
  }
  out->cols = calloc(jb->ncols ? jb->ncols : 1, sizeof *out->cols);
  if (out->cols == NULL) {
    set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    return -1;
  }
  out->ncols = jb->ncols;
  out->nrows = nrows;
  int enc = encode_all(jb, out);
  for (size_t j = 0; j < jb->ncols; j++) {
    out->cols[j].name = jb->hdr[j];
    jb->hdr[j] = NULL;
  }
  if (enc != 0) {
    if (enc == -1) set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    goto out;
  }
  if (jb->m->key != NULL && check_key(jb, out) != 0) goto out;
  rc = 0;
out:
  if (rc != 0) seg_table_free(out);
  return rc;
}

static void job_free(job *jb) {
  for (size_t k = 0; k < jb->nch; k++) chunk_free(&jb->ch[k], jb->ncols);
  free(jb->ch);
  for (size_t i = 0; jb->hdr && i < jb->ncols; i++) free(jb->hdr[i]);
  free(jb->hdr);
  free(jb->pin);
}

static int import_input(const char *fname, const uchar *raw, size_t rawlen, input *in, const seg_import_opts *o,
                        const seg_import_more *m, seg_table *out, char *err, size_t errlen) {
  static const seg_import_opts defaults = {0, 0, NULL, NULL};
  static const seg_import_more more_defaults = {0, 0, 0, NULL, 0, 0, 0, 0, NULL, NULL, 0, 0};
  if (o == NULL) o = &defaults;
  if (m == NULL) m = &more_defaults;
  if (m->encoding < SEG_ENC_AUTO || m->encoding > SEG_ENC_UTF16BE) {
    set_err(err, errlen, "%s: unknown encoding %d", fname, m->encoding);
    return -1;
  }
  if (decode(fname, raw, rawlen, m->encoding, in, err, errlen) != 0) return -1;
  job jb;
  memset(&jb, 0, sizeof jb);
  jb.fname = fname;
  jb.o = o;
  jb.m = m;
  jb.b = in->b;
  jb.n = in->n;
  jb.validate = !in->checked;
  jb.mapped = in->map != NULL && in->b >= (const uchar *)in->map;
  jb.err = err;
  jb.errlen = errlen;
  int rc = import_text(&jb, out);
  job_free(&jb);
  return rc;
}

int seg_import_csv(const char *path, const seg_import_opts *o, seg_table *out, char *err, size_t errlen) {
  return seg_import_csv2(path, o, NULL, out, err, errlen);
}

int seg_import_csv2(const char *path, const seg_import_opts *o, const seg_import_more *m, seg_table *out,
                    char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  const char *fname = strcmp(path, "-") == 0 ? "<stdin>" : path;
  input in;
  memset(&in, 0, sizeof in);
  const uchar *raw = NULL;
  size_t rawlen = 0;
  int rc = -1;
  if (load_file(path, fname, &in, &raw, &rawlen, err, errlen) == 0)
    rc = import_input(fname, raw ? raw : (const uchar *)"", rawlen, &in, o, m, out, err, errlen);
  input_free(&in);
  return rc;
}

int seg_import_mem(const void *buf, size_t n, const char *name, const seg_import_opts *o,
                   const seg_import_more *m, seg_table *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  input in;
  memset(&in, 0, sizeof in);
  int rc = import_input(name, buf ? buf : (const void *)"", buf ? n : 0, &in, o, m, out, err, errlen);
  input_free(&in);
  return rc;
}
