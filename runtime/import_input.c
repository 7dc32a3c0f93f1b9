/*
** import_input.c -- input: the file loaded (mmap or stdin), its encoding converted to UTF-8, the delimiter sniffed; physical lines and columns for messages.
*/
#include "import_int.h"

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
size_t seg_imp_next_line(const uchar *b, size_t pos, size_t n) {
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
uint64_t seg_imp_count_lines(const uchar *b, size_t n, size_t from, size_t to) {
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
uint64_t seg_imp_column_of(const uchar *b, size_t pos) {
  size_t s = pos;
  while (s > 0 && b[s - 1] != '\n' && b[s - 1] != '\r') s--;
  uint64_t col = 1;
  for (size_t i = s; i < pos; i++) col += (b[i] & 0xC0) != 0x80;
  return col;
}

/* Position of the first byte of b[i, n) that does not start a valid UTF-8
** sequence, or n. */
size_t seg_imp_utf8_scan(const uchar *b, size_t i, size_t n) {
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


void seg_imp_input_free(input *in) {
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

/* Copies all of fd to an unlinked file in $TMPDIR (or /tmp); its fd, -1
** when no such file can be made (nothing read: the caller reads fd into
** memory), or -2 (errno set) when reading or writing failed. */
static int spool(int fd) {
  const char *dir = getenv("TMPDIR");
  if (dir == NULL || *dir == '\0') dir = "/tmp";
  int t = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (t < 0) return -1;
  char *buf = malloc((size_t)1 << 20);
  if (buf == NULL) {
    close(t);
    return -1;
  }
  int rc = t;
  for (;;) {
    ssize_t r = read(fd, buf, (size_t)1 << 20);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      rc = -2;
      break;
    }
    if (r == 0) break;
    for (ssize_t done = 0; done < r;) {
      ssize_t w = write(t, buf + done, (size_t)(r - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        if (w == 0) errno = ENOSPC;
        rc = -2;
        break;
      }
      done += w;
    }
    if (rc == -2) break;
  }
  free(buf);
  if (rc == -2) {
    int e = errno;
    close(t);
    errno = e;
  }
  return rc;
}

int seg_imp_load_file(const char *path, const char *fname, input *in, const uchar **raw, size_t *rawlen,
                     char *err, size_t errlen) {
  int use_stdin = strcmp(path, "-") == 0;
  int fd = use_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    seg_set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
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
    seg_set_err(err, errlen, "%s: cannot read: %s", fname, strerror(EISDIR));
    rc = -1;
    goto done;
  }
  /* a pipe: spooled to an unlinked file and mapped, so that its parsed
  ** pages can be dropped (and a message's line found again) */
  int sp = spool(fd);
  if (sp >= 0) {
    struct stat ss;
    if (fstat(sp, &ss) == 0 && ss.st_size > 0) {
      void *m = mmap(NULL, (size_t)ss.st_size, PROT_READ, MAP_PRIVATE, sp, 0);
      if (m != MAP_FAILED) {
        close(sp);
        madvise(m, (size_t)ss.st_size, MADV_SEQUENTIAL);
        in->map = m;
        in->maplen = (size_t)ss.st_size;
        *raw = m;
        *rawlen = (size_t)ss.st_size;
        goto done;
      }
    } else if (fstat(sp, &ss) == 0) {
      close(sp);
      *raw = NULL;
      *rawlen = 0;
      goto done;
    }
    close(sp);
    seg_set_err(err, errlen, "%s: cannot read: %s", fname, strerror(errno));
    rc = -1;
    goto done;
  }
  if (sp == -2) {
    seg_set_err(err, errlen, "%s: cannot read: %s", fname, strerror(errno));
    rc = -1;
    goto done;
  }
  uchar *b;
  size_t n;
  if (read_all(fd, &b, &n) != 0) {
    seg_set_err(err, errlen, "%s: cannot read: %s", fname, strerror(errno));
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
  *line = 1 + seg_imp_count_lines(b, i + 1, 0, i);
  size_t s = i;
  while (s > 0 && b[s - 1] != '\n' && b[s - 1] != '\r') s--;
  *col = i - s + 1;
}

static int from_single_byte(const char *fname, const uchar *b, size_t n, int cp1252, input *in, char *err,
                            size_t errlen) {
  if (n > SIZE_MAX / 3) {
    seg_set_err(err, errlen, "%s: out of memory", fname);
    return -1;
  }
  uchar *out = malloc(n * 3 + 1), *o = out;
  if (out == NULL) {
    seg_set_err(err, errlen, "%s: out of memory", fname);
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
          seg_set_err(err, errlen, "%s:%llu:%llu: byte 0x%02X is not a character in Windows-1252", fname,
                  (unsigned long long)line, (unsigned long long)col, c);
        else
          seg_set_err(err, errlen,
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
    seg_set_err(err, errlen, "%s: not UTF-16: odd number of bytes (%zu)", fname, n);
    return -1;
  }
  uchar *out = malloc(n / 2 * 3 + 4), *o = out;
  if (out == NULL) {
    seg_set_err(err, errlen, "%s: out of memory", fname);
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
        seg_set_err(err, errlen, "%s:%llu:%llu: invalid UTF-16: unpaired surrogate 0x%04X (byte offset %zu)",
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
int seg_imp_decode(const char *fname, const uchar *raw, size_t n, int enc, input *in, char *err, size_t errlen) {
  int bom8 = n >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF;
  int le = n >= 2 && raw[0] == 0xFF && raw[1] == 0xFE;
  int be = n >= 2 && raw[0] == 0xFE && raw[1] == 0xFF;
  if (bom8 && enc != SEG_ENC_AUTO && enc != SEG_ENC_UTF8) {
    seg_set_err(err, errlen, "%s: the file starts with a UTF-8 byte-order mark, so it is UTF-8: drop --encoding", fname);
    return -1;
  }
  if ((le || be) && (enc == SEG_ENC_AUTO || enc == SEG_ENC_UTF16 || (le && enc == SEG_ENC_UTF16LE) ||
                     (be && enc == SEG_ENC_UTF16BE)))
    return from_utf16(fname, raw + 2, n - 2, 2, be, in, err, errlen);
  if (le || be) {
    seg_set_err(err, errlen,
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
