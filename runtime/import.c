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
#include "import_int.h"

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
  /* a name with non-ASCII letters is stored in NFC, as the rules' names
  ** and the text values are: `kund_ö` matches a header written "o" + U+0308 */
  uint8_t *norm = NULL;
  size_t q = 0;
  while (q < len && s[q] < 0x80) q++;
  if (q < len && memchr(s, 0, len) == NULL) {
    size_t nn = 0;
    if (seg_alloc_inject()) {                     /* libunistring's malloc, counted */
      h->nomem = 1;
      return;
    }
    norm = u8_normalize(UNINORM_NFC, s, len, NULL, &nn);
    if (norm) { s = norm; len = nn; }
    else if (errno == ENOMEM) { h->nomem = 1; return; }
    /* not UTF-8: kept as it is, the encoding check reports it */
  }
  char *name = malloc(len + 1);
  if (name == NULL) {
    free(norm);
    h->nomem = 1;
    return;
  }
  memcpy(name, s, len);
  name[len] = '\0';
  if (!norm && memchr(s, 0, len) != NULL) h->nul = 1;   /* (a name with a NUL is never normalised) */
  free(norm);
  h->names[h->n++] = name;
}

static void on_hdr_record(int c, void *ctx) {
  (void)c;
  ((hdrctx *)ctx)->done = 1;
}


/* Checks the names: none empty, none twice (a hash set, so 5,000 columns
** cost 5,000 probes). */
static int check_names(job *jb, uint64_t line) {
  size_t cap = 16;
  while (cap < jb->ncols * 2) cap *= 2;
  uint32_t *set = calloc(cap, sizeof *set);
  if (set == NULL) {
    seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; i < jb->ncols && rc == 0; i++) {
    const char *nm = jb->hdr[i];
    if (nm[0] == '\0') {
      seg_set_err(jb->err, jb->errlen, "%s:%llu: column %zu of the header has an empty name%s", jb->fname,
              (unsigned long long)line, i + 1,
              i + 1 == jb->ncols && i > 0 ? " (a trailing delimiter at the end of the header line?)" : "");
      rc = -1;
      break;
    }
    size_t len = strlen(nm), h = (size_t)seg_imp_hash_bytes((const uchar *)nm, len) & (cap - 1);
    while (set[h] != 0) {
      const char *o = jb->hdr[set[h] - 1];
      if (strcmp(o, nm) == 0) {
        seg_set_err(jb->err, jb->errlen, "%s:%llu: duplicate column name '%s' (columns %u and %zu of the header)",
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
int seg_imp_parse_header(job *jb) {
  hdrctx h = {0};
  struct csv_parser p;
  parser_init(&p, jb->delim);
  const uchar *b = jb->b;
  size_t pos = 0, n = jb->n;
  uint64_t line = 1, hdr_line = 1;
  int at_line_start = 1, rc = -1;
  while (pos < n && !h.done) {
    size_t e = seg_imp_next_line(b, pos, n);
    if (at_line_start && p.pstate == LIBCSV_ROW_NOT_BEGUN) hdr_line = line;
    size_t u = jb->validate ? seg_imp_utf8_scan(b, pos, e) : e;
    size_t got = csv_parse(&p, b + pos, u - pos, on_hdr_field, on_hdr_record, &h);
    if (h.nomem) goto oom;
    if (got != u - pos) {
      if (csv_error(&p) != CSV_EPARSE) goto oom;
      seg_set_err(jb->err, jb->errlen,
              "%s:%llu:%llu: header field %zu: bad quoting: a '\"' inside an unquoted field, or text after a "
              "closing quote",
              jb->fname, (unsigned long long)line, (unsigned long long)seg_imp_column_of(b, pos + got), h.n + 1);
      goto done;
    }
    if (u < e) {
      seg_set_err(jb->err, jb->errlen,
              "%s:%llu:%llu: header field %zu: invalid UTF-8 (byte 0x%02X at offset %zu); if the file is a "
              "Windows-1252 or Latin-1 export, give --encoding cp1252 (or latin1)",
              jb->fname, (unsigned long long)line, (unsigned long long)seg_imp_column_of(b, u), h.n + 1, b[u], u);
      goto done;
    }
    at_line_start = e > pos && (b[e - 1] == '\n' || b[e - 1] == '\r');
    if (at_line_start) line++;
    pos = e;
  }
  if (!h.done && csv_fini(&p, on_hdr_field, on_hdr_record, &h) != 0) {
    if (csv_error(&p) != CSV_EPARSE) goto oom;
    seg_set_err(jb->err, jb->errlen, "%s:%llu: unterminated quoted field (a '\"' opens a field that is never closed)",
            jb->fname, (unsigned long long)hdr_line);
    goto done;
  }
  if (h.nomem) goto oom;
  if (!h.done) {
    seg_set_err(jb->err, jb->errlen, "%s: empty file: no header line", jb->fname);
    goto done;
  }
  jb->hdr = h.names;
  jb->ncols = h.n;
  h.names = NULL;
  h.n = 0;
  if (h.nul) {
    seg_set_err(jb->err, jb->errlen,
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
  seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
done:
  for (size_t i = 0; i < h.n; i++) free(h.names[i]);
  free(h.names);
  csv_free(&p);
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
    seg_set_err(jb->err, jb->errlen, "%s: --key: no column '%s' in the header", jb->fname, key);
    return -1;
  }
  const seg_column *c = &t->cols[j];
  uint64_t nrows = t->nrows, nmiss = 0, first_miss = NONE;
  for (uint64_t r = 0; r < nrows; r++)
    if (!seg_valid_get(c->valid, r)) {
      if (nmiss++ == 0) first_miss = r;
    }
  if (nmiss > 0) {
    seg_set_err(jb->err, jb->errlen, "%s:%llu: key column '%s' has no value on this row (%llu rows without one)",
            jb->fname, (unsigned long long)seg_imp_row_line(jb, first_miss), key, (unsigned long long)nmiss);
    return -1;
  }
  /* value -> first row, open addressing over the raw 64-bit values */
  size_t cap = 16;
  while (cap < nrows * 2) cap *= 2;
  uint64_t *keys = malloc(cap * sizeof *keys), *rows = malloc(cap * sizeof *rows);
  uint32_t *cnt = zalloc(cap, sizeof *cnt);
  if (keys == NULL || rows == NULL || cnt == NULL) {
    free(keys);
    free(rows);
    free(cnt);
    seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    return -1;
  }
  uint64_t dup_row = NONE, dup_first = NONE, extra = 0, values = 0;
  for (uint64_t r = 0; r < nrows; r++) {
    uint64_t v = value_bits(c, r);
    size_t i = (size_t)seg_imp_mix64(v ^ 0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull) & (cap - 1);
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
  uint64_t l1 = seg_imp_row_line(jb, dup_first), l2 = seg_imp_row_line(jb, dup_row);
  seg_set_err(jb->err, jb->errlen,
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

/* The columns m->want_column leaves unread (seg_import_more): only for a
** table in memory, not with a schema or a key.  0, or -1 out of memory. */
static int pick_unread(job *jb) {
  const seg_import_more *m = jb->m;
  if (jb->mode != CH_ARENAS || m->want_column == NULL || m->schema != NULL || m->key != NULL) return 0;
  jb->unread = calloc(jb->ncols ? jb->ncols : 1, 1);
  jb->unread_cols = malloc((jb->ncols ? jb->ncols : 1) * sizeof *jb->unread_cols);
  if (jb->unread == NULL || jb->unread_cols == NULL) return -1;
  for (size_t j = 0; j < jb->ncols; j++)
    if (!m->want_column(m->want_ctx, j, jb->hdr[j])) {
      jb->unread[j] = 1;
      jb->unread_cols[jb->nunread++] = j;
    }
  return 0;
}

/* Everything before the encoding: delimiter, header, schema, the body cut
** into chunks and parsed (in jb->mode), bad rows reported, rows counted.
** 0, or -1 with the message in jb->err. */
int seg_imp_setup(job *jb) {
  if (jb->o->delimiter != 0) {
    char d = jb->o->delimiter;
    if (d == '"' || d == '\n' || d == '\r') {
      seg_set_err(jb->err, jb->errlen, "%s: invalid delimiter '%c'", jb->fname, d);
      return -1;
    }
    jb->delim = (uchar)d;
  } else {
    jb->delim = seg_import_sniff_delimiter((const char *)jb->b, jb->n);
  }
  if (jb->m->decimal != 0 && jb->m->decimal != '.' && jb->m->decimal != ',') {
    seg_set_err(jb->err, jb->errlen, "%s: invalid decimal mark '%c' (give '.' or ',')", jb->fname, jb->m->decimal);
    return -1;
  }
  jb->date_flags = jb->m->month_first ? SEG_DATE_MONTH_FIRST : 0;
  jb->nthreads = auto_threads(jb->m);
  if (seg_imp_parse_header(jb) != 0) return -1;
  if (jb->m->schema != NULL && seg_imp_pin_columns(jb) != 0) return -1;
  if (pick_unread(jb) != 0) {
    seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    return -1;
  }
  if (seg_imp_make_chunks(jb) != 0) {
    seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    return -1;
  }
  size_t bad = seg_imp_parse_body(jb);
  seg_imp_warn_bad_rows(jb, bad < jb->nch ? bad + 1 : jb->nch);
  if (bad < jb->nch) {
    seg_imp_chunk_error(jb, bad);
    return -1;
  }
  if (seg_imp_check_bad_ceiling(jb) != 0) return -1;
  uint64_t nrows = 0;
  for (size_t k = 0; k < jb->nch; k++) {
    jb->ch[k].row0 = nrows;
    nrows += jb->ch[k].nrows;
  }
  return 0;
}

static int import_text(job *jb, void *arg) {
  seg_table *out = arg;
  int rc = -1;
  uint64_t nrows = 0;
  for (size_t k = 0; k < jb->nch; k++) nrows += jb->ch[k].nrows;
  out->cols = calloc(jb->ncols ? jb->ncols : 1, sizeof *out->cols);
  if (out->cols == NULL) {
    seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    return -1;
  }
  out->ncols = jb->ncols;
  out->nrows = nrows;
  int enc = seg_imp_encode_all(jb, out);
  for (size_t j = 0; j < jb->ncols; j++) {
    out->cols[j].name = jb->hdr[j];
    jb->hdr[j] = NULL;
  }
  if (enc != 0) {
    if (enc == -1) seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    goto out;
  }
  if (jb->m->key != NULL && check_key(jb, out) != 0) goto out;
  rc = 0;
out:
  if (rc != 0) seg_table_free(out);
  return rc;
}

static void job_free(job *jb) {
  for (size_t k = 0; k < jb->nch; k++) seg_imp_chunk_free(&jb->ch[k], jb->ncols);
  free(jb->ch);
  for (size_t i = 0; jb->hdr && i < jb->ncols; i++) free(jb->hdr[i]);
  free(jb->hdr);
  free(jb->pin);
  free(jb->unread);
  free(jb->unread_cols);
}

static int import_input(const char *fname, const uchar *raw, size_t rawlen, input *in, const seg_import_opts *o,
                        const seg_import_more *m, int mode, int (*fn)(job *, void *), void *arg, char *err,
                        size_t errlen) {
  static const seg_import_opts defaults = {0, 0, NULL, NULL};
  static const seg_import_more more_defaults = {0, 0, 0, NULL, 0, 0, 0, 0, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL};
  if (o == NULL) o = &defaults;
  if (m == NULL) m = &more_defaults;
  if (m->encoding < SEG_ENC_AUTO || m->encoding > SEG_ENC_UTF16BE) {
    seg_set_err(err, errlen, "%s: unknown encoding %d", fname, m->encoding);
    return -1;
  }
  if (seg_imp_decode(fname, raw, rawlen, m->encoding, in, err, errlen) != 0) return -1;
  job jb;
  memset(&jb, 0, sizeof jb);
  jb.fname = fname;
  jb.o = o;
  jb.m = m;
  jb.b = in->b;
  jb.n = in->n;
  jb.validate = !in->checked;
  jb.text_max = seg_imp_env_u64("SEG_IMPORT_TEXT_MAX", SEG_TEXT_MAX);   /* tests: the limit's message */
  if (jb.text_max > SEG_TEXT_MAX) jb.text_max = SEG_TEXT_MAX;
  jb.mapped = in->map != NULL && in->b >= (const uchar *)in->map;
  jb.err = err;
  jb.errlen = errlen;
  jb.mode = mode;
  jb.arg = arg;
  int rc = seg_imp_setup(&jb) != 0 ? -1 : fn(&jb, arg);
  job_free(&jb);
  return rc;
}

int seg_imp_run_file(const char *path, const seg_import_opts *o, const seg_import_more *m, int mode,
                     int (*fn)(job *, void *), void *arg, char *err, size_t errlen) {
  const char *fname = strcmp(path, "-") == 0 ? "<stdin>" : path;
  input in;
  memset(&in, 0, sizeof in);
  const uchar *raw = NULL;
  size_t rawlen = 0;
  int rc = -1;
  if (seg_imp_load_file(path, fname, &in, &raw, &rawlen, err, errlen) == 0)
    rc = import_input(fname, raw ? raw : (const uchar *)"", rawlen, &in, o, m, mode, fn, arg, err, errlen);
  seg_imp_input_free(&in);
  return rc;
}

int seg_import_csv(const char *path, const seg_import_opts *o, seg_table *out, char *err, size_t errlen) {
  return seg_import_csv2(path, o, NULL, out, err, errlen);
}

int seg_import_csv2(const char *path, const seg_import_opts *o, const seg_import_more *m, seg_table *out,
                    char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  return seg_imp_run_file(path, o, m, CH_ARENAS, import_text, out, err, errlen);
}

int seg_import_mem(const void *buf, size_t n, const char *name, const seg_import_opts *o,
                   const seg_import_more *m, seg_table *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  input in;
  memset(&in, 0, sizeof in);
  int rc = import_input(name, buf ? buf : (const void *)"", buf ? n : 0, &in, o, m, CH_ARENAS, import_text, out,
                        err, errlen);
  seg_imp_input_free(&in);
  return rc;
}
