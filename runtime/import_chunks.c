/*
** import_chunks.c -- the body cut into chunks at record boundaries and parsed by libcsv on threads; bad rows, warnings and the line numbers of messages.
*/
#include "import_int.h"

/* ---- chunks ------------------------------------------------------------ */






static const char *delim_name(int d) {
  return d == '\t' ? "TAB" : d == ';' ? "';'" : d == ',' ? "','" : "the delimiter";
}

static int add_u64(uint64_t **v, size_t *n, size_t *cap, uint64_t x) {
  if (reserve(v, cap, *n + 1, sizeof **v) != 0) return -1;
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


/* A present cell s[0..n) of row ch->nrows narrows its column's candidate
** types (st); a column already ruled out of all but text only notes it. */
static inline void narrow_cell(colstat *st, const uchar *s, size_t n, const chunk *ch) {
  if ((st->can & CAN_ALL) == 0) st->can |= SEEN;
  else seg_imp_classify(st, s, n, ch->jb->date_flags, ch->nrows);
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
  if (len == 0 || ch->mode != CH_ARENAS) return;   /* CH_STATS: when the row is kept */
  if (ch->jb->unread && ch->jb->unread[j]) return;  /* unread: when the row is kept (unread_row) */
  narrow_cell(&ch->st[j], s, len, ch);
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

/* CH_STATS: the row's cells (the last in the arenas) narrow their
** columns' candidates, and for a column pinned to int or number count the
** values that read each way; their bytes are counted in ch->gbytes. */
static void stat_row(chunk *ch) {
  const job *jb = ch->jb;
  for (size_t j = 0; j < jb->ncols; j++) {
    rawcol *c = &ch->cols[j];
    size_t pos = c->start, n;
    ch->gbytes += c->len - c->start;
    const uchar *s = seg_imp_raw_next(c->b, &pos, &n);
    if (n == 0) continue;
    colstat *st = &ch->st[j];
    narrow_cell(st, s, n, ch);
    if (jb->pin != NULL && jb->pin[j] >= 0) {
      seg_type want = jb->m->schema->types[jb->pin[j]];
      if (want != SEG_INT && want != SEG_NUM) continue;
      numscan ns;
      int fp = -1, fc = -1;
      if (seg_imp_num_scan(s, n, &ns)) fp = seg_imp_num_read(&ns, '.'), fc = seg_imp_num_read(&ns, ',');
      if (fp < 0) st->pin_fail_p++;
      else if (fp > st->pin_fd_p) st->pin_fd_p = fp;
      if (fc < 0) st->pin_fail_c++;
      else if (fc > st->pin_fd_c) st->pin_fd_c = fc;
    }
  }
}

/* CH_ARENAS, a kept row: its cells of the unread columns (job.unread)
** narrow their candidates, as CH_STATS does for every column, and leave
** the arenas (so a skipped row never narrowed them: chunk_restat passes
** them by). */
static void unread_row(chunk *ch) {
  const job *jb = ch->jb;
  for (size_t i = 0; i < jb->nunread; i++) {
    size_t j = jb->unread_cols[i];
    rawcol *c = &ch->cols[j];
    size_t pos = c->start, n;
    const uchar *s = seg_imp_raw_next(c->b, &pos, &n);
    c->len = c->start;
    if (n == 0) {
      ch->missing[j]++;
      continue;
    }
    narrow_cell(&ch->st[j], s, n, ch);
  }
}

/* libcsv record callback: blank-record skip, field count, commit. */
static void on_record(int c, void *ctx) {
  chunk *ch = ctx;
  const job *jb = ch->jb;
  (void)c;
  if (ch->failed) goto done;
  if (ch->nf == jb->ncols) {
    if (ch->mode == CH_STATS) stat_row(ch);
    else if (jb->nunread) unread_row(ch);
    ch->nrows++;
    if (ch->mode == CH_STATS) seg_imp_stream_row(ch);   /* a full row group is spilled */
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
    if (reserve(&ch->bad, &ch->badcap, ch->nbad + 1, sizeof *ch->bad) != 0) {
      ch->failed = E_NOMEM;
      goto done;
    }
    ch->bad[ch->nbad++] = (badrow){ch->nrec, ch->nf, hint};
    ch->dirty = ch->mode == CH_ARENAS;       /* (the other modes narrow only by kept rows) */
  }
done:
  ch->nf = 0;
  ch->nrec++;
}

#define SLICE ((size_t)8 << 20)

static void drop_pages(const uchar *a, const uchar *z);

/* Parses b[from, to) with the chunk's parser (finishing it when last), in
** slices of about 8 MiB ending after a newline: each is checked as UTF-8,
** parsed, and then, from a file mapping, its pages are dropped (the cells
** are in the arenas by then; a message that needs the text again faults
** them back in from the page cache), so the input is never all resident. */
static void parse_range(chunk *ch, size_t from, size_t to, int last) {
  const job *jb = ch->jb;
  while (from < to) {
    size_t end = to;
    if (to - from > 2 * SLICE) {
      const uchar *nl = memchr(jb->b + from + SLICE, '\n', to - from - SLICE);
      if (nl != NULL) end = (size_t)(nl - jb->b) + 1;
    }
    size_t u = jb->validate ? seg_imp_utf8_scan(jb->b, from, end) : end;
    uint64_t rec0 = ch->nrec;
    size_t got = csv_parse(&ch->p, jb->b + from, u - from, on_field, on_record, ch);
    if (jb->m->progress)                 /* the streaming import's encoding counts as much again */
      jb->m->progress(jb->m->progress_ctx, got, ch->nrec - rec0, (jb->n - jb->body) * (ch->mode == CH_ARENAS ? 1 : 2));
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
    if (jb->mapped) drop_pages(jb->b + from, jb->b + end);
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

int seg_imp_chunk_init(chunk *ch, job *jb, size_t from, size_t to) {
  memset(ch, 0, sizeof *ch);
  ch->jb = jb;
  ch->from = from;
  ch->to = to;
  ch->mode = jb->mode;
  ch->cols = calloc(jb->ncols ? jb->ncols : 1, sizeof *ch->cols);
  ch->st = malloc((jb->ncols ? jb->ncols : 1) * sizeof *ch->st);
  if (ch->cols == NULL || ch->st == NULL) return -1;
  if (jb->nunread && (ch->missing = calloc(jb->ncols, sizeof *ch->missing)) == NULL) return -1;
  for (size_t j = 0; j < jb->ncols; j++) seg_imp_colstat_init(&ch->st[j]);
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

void seg_imp_chunk_free(chunk *ch, size_t ncols) {
  if (ch->sp != NULL) seg_imp_stream_chunk_free(ch);
  chunk_free_arenas(ch, ncols);
  free(ch->cols);
  free(ch->st);
  free(ch->missing);
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
    if (jb->unread && jb->unread[j]) continue;      /* narrowed by kept rows only */
    colstat *st = &ch->st[j];
    seg_imp_colstat_init(st);
    size_t pos = 0, n;
    for (uint64_t r = 0; r < ch->nrows; r++) {
      const uchar *s = seg_imp_raw_next(ch->cols[j].b, &pos, &n);
      if (n > 0) seg_imp_classify(st, s, n, jb->date_flags, r);
    }
  }
  ch->dirty = 0;
}

/* ---- threads ------------------------------------------------------------ */

/* seg_imp_run_tasks(n, k, fn, arg): seg_run_tasks, at most MAX_THREADS threads */
void seg_imp_run_tasks(size_t nthreads, size_t ntasks, void (*fn)(void *, size_t), void *arg) {
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
    ch->line0 = line + seg_imp_count_lines(jb->b, jb->n, from, ch->from);
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
void seg_imp_locate(job *jb, size_t k, const uint64_t *recs, uint64_t *lines, size_t n) {
  chunk *ch = &jb->ch[k];
  locator lc = {recs, lines, n, 0, 0, chunk_line(jb, k), 0};
  lc.rec_line = lc.line;
  struct csv_parser p;
  parser_init(&p, jb->delim);
  int at_line_start = 1;
  size_t pos = ch->from;
  while (pos < ch->to && lc.i < n) {
    size_t e = seg_imp_next_line(jb->b, pos, ch->to);
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
  seg_imp_locate(jb, k, &rec, &line, 1);
  return line;
}

/* The record index of chunk-local row r. */
static uint64_t rec_of_row(const chunk *ch, uint64_t r) {
  for (size_t i = 0; i < ch->nskipped && ch->skipped[i] <= r; i++) r++;
  return r;
}

/* Line of table row r. */
uint64_t seg_imp_row_line(job *jb, uint64_t r) {
  size_t k = 0;
  while (k + 1 < jb->nch && jb->ch[k + 1].row0 <= r) k++;
  return record_line(jb, k, rec_of_row(&jb->ch[k], r - jb->ch[k].row0));
}

static void pos_where(job *jb, size_t k, size_t pos, uint64_t *line, uint64_t *col) {
  *line = chunk_line(jb, k) + seg_imp_count_lines(jb->b, jb->n, jb->ch[k].from, pos);
  *col = seg_imp_column_of(jb->b, pos);
}

void seg_imp_warn(const job *jb, const char *fmt, ...) {
  if (jb->o->warn == NULL) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  jb->o->warn(jb->o->warn_ctx, msg);
}

/* "; ... cut off?" when line is the last line of a file that does not end
** with a line break and the record is short: an export still being written,
** or truncated. Else "". */
static const char *cut_hint(job *jb, uint64_t line, size_t found) {
  static const char hint[] = "; it is the last line and the file does not end with a line break: was the export "
                             "cut off (still being written, or truncated)?";
  if (jb->n == 0 || found >= jb->ncols || jb->b[jb->n - 1] == '\n' || jb->b[jb->n - 1] == '\r' || jb->nch == 0)
    return "";
  size_t start = jb->n;
  while (start > 0 && jb->b[start - 1] != '\n' && jb->b[start - 1] != '\r') start--;
  size_t k = jb->nch - 1;
  while (k > 0 && jb->ch[k].from > start) k--;
  if (jb->ch[k].from > start) return "";
  uint64_t last, c;
  pos_where(jb, k, start, &last, &c);
  return last == line ? hint : "";
}

/* The message of chunk k's failure. */
void seg_imp_chunk_error(job *jb, size_t k) {
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
      uint64_t at = record_line(jb, k, ch->err_rec);
      seg_set_err(jb->err, jb->errlen, "%s:%llu: expected %zu fields (as in the header), found %zu%s%s", f,
              (unsigned long long)at, jb->ncols, ch->err_found, hint, cut_hint(jb, at, ch->err_found));
      break;
    }
    case E_QUOTE:
      pos_where(jb, k, ch->err_pos, &line, &c);
      seg_set_err(jb->err, jb->errlen,
              "%s:%llu:%llu: field %zu%s: bad quoting: a '\"' inside an unquoted field, or text after a "
              "closing quote (a field containing quotes must be enclosed in quotes, with inner quotes doubled)",
              f, (unsigned long long)line, (unsigned long long)c, ch->err_nf + 1, col);
      break;
    case E_UTF8:
      pos_where(jb, k, ch->err_pos, &line, &c);
      seg_set_err(jb->err, jb->errlen,
              "%s:%llu:%llu: field %zu%s: invalid UTF-8 (byte 0x%02X at offset %zu); if the file is a "
              "Windows-1252 or Latin-1 export, give --encoding cp1252 (or latin1)",
              f, (unsigned long long)line, (unsigned long long)c, ch->err_nf + 1, col, jb->b[ch->err_pos],
              ch->err_pos);
      break;
    case E_UNTERMINATED:
      seg_set_err(jb->err, jb->errlen, "%s:%llu: unterminated quoted field (a '\"' opens a field that is never closed)",
              f, (unsigned long long)record_line(jb, k, ch->err_rec));
      break;
    case E_IO:
      seg_imp_stream_error(jb, ch);
      break;
    default:
      seg_set_err(jb->err, jb->errlen, "%s: out of memory", f);
      break;
  }
}

/* Warnings for the rows skipped for their field count, in file order. */
void seg_imp_warn_bad_rows(job *jb, size_t upto) {
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
    seg_imp_locate(jb, k, recs, lines, m);
    for (size_t i = 0; i < m; i++) {
      char hint[128] = "";
      if (ch->bad[i].hint != 0)
        snprintf(hint, sizeof hint, "; the line seems to use %s as delimiter \xe2\x80\x94 mixed delimiters?",
                 delim_name(ch->bad[i].hint));
      seg_imp_warn(jb, "%s:%llu: expected %zu fields (as in the header), found %zu%s%s", jb->fname,
           (unsigned long long)lines[i], jb->ncols, ch->bad[i].found, hint, cut_hint(jb, lines[i], ch->bad[i].found));
    }
    shown += m;
    free(recs);
    free(lines);
  }
  if (total > shown)
    seg_imp_warn(jb, "%s: %zu more rows with the wrong number of fields skipped (%zu in all)", jb->fname, total - shown,
         total);
}

/* The rows skipped for their field count against the ceiling
** (seg_import_more.max_bad_kind); past it the import fails. */
int seg_imp_check_bad_ceiling(job *jb) {
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
  seg_set_err(jb->err, jb->errlen,
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

/* ---- cutting the body into chunks --------------------------------------- */

typedef struct cutter {
  const uchar *b;
  size_t *bounds;          /* nseg + 1 nominal bounds */
  size_t *quotes;          /* per segment */
  int mapped;              /* b is a file mapping: counted pages are dropped */
} cutter;

/* Drops the whole pages of a read-only file mapping in [a, z): they are
** read again from the page cache when needed, so the file is never all
** resident. */
static void drop_pages(const uchar *a, const uchar *z) {
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  uintptr_t x = ((uintptr_t)a + (uintptr_t)page - 1) / (uintptr_t)page * (uintptr_t)page;
  uintptr_t y = (uintptr_t)z / (uintptr_t)page * (uintptr_t)page;
  if (y > x) madvise((void *)x, y - x, MADV_DONTNEED);
}

static void count_quotes(void *arg, size_t i) {
  cutter *ct = arg;
  const uchar *p = ct->b + ct->bounds[i], *e = ct->b + ct->bounds[i + 1];
  size_t c = 0;
  while (p < e) {
    const uchar *w = p, *we = (size_t)(e - p) > SLICE ? p + SLICE : e;
    while (p < we && (p = memchr(p, '"', (size_t)(we - p))) != NULL) c++, p++;
    p = we;
    if (ct->mapped) drop_pages(w, we);
  }
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
int seg_imp_make_chunks(job *jb) {
  size_t len = jb->n - jb->body, want = jb->nthreads;
  size_t minc = jb->m->min_chunk ? jb->m->min_chunk : DEFAULT_MIN_CHUNK;
  const char *env = jb->m->min_chunk ? NULL : getenv("SEG_IMPORT_MIN_CHUNK");   /* tests: chunks of a small file */
  if (env && strtoul(env, NULL, 10) > 0) minc = strtoul(env, NULL, 10);
  if (want > len / minc) want = len / minc;
  if (want < 1) want = 1;
  size_t cuts[MAX_THREADS + 1];
  size_t nch = 1;
  cuts[0] = jb->body;
  if (want > 1) {
    size_t bounds[MAX_THREADS + 1], quotes[MAX_THREADS];
    for (size_t i = 0; i <= want; i++) bounds[i] = jb->body + len / want * i;
    bounds[want] = jb->n;
    cutter ct = {jb->b, bounds, quotes, jb->mapped};
    seg_imp_run_tasks(jb->nthreads, want, count_quotes, &ct);
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
    if (seg_imp_chunk_init(&jb->ch[k], jb, cuts[k], cuts[k + 1]) != 0) return -1;
  jb->ch[0].line0 = jb->body_line;
  return 0;
}

void seg_imp_parse_chunk(chunk *ch, int last) {
  parse_range(ch, ch->from, ch->to, last);
}

static void parse_task(void *arg, size_t k) {
  job *jb = arg;
  chunk *ch = &jb->ch[k];
  parse_range(ch, ch->from, ch->to, k + 1 == jb->nch);
  /* (a chunk that ends inside a record is finished by seg_imp_parse_body) */
  if (!ch->failed && ch->dirty && ch->clean) chunk_restat(ch);
  if (!ch->failed && ch->mode == CH_STATS && ch->clean) seg_imp_stream_spill(ch);   /* its last row group */
}

/* Parses every chunk; on a wrong cut, the chunk before it parses the rest
** alone.  Returns the index of the first failed chunk, or nch. */
size_t seg_imp_parse_body(job *jb) {
  seg_imp_run_tasks(jb->nthreads, jb->nch, parse_task, jb);
  for (size_t k = 0; k < jb->nch; k++) {
    chunk *ch = &jb->ch[k];
    if (ch->failed) return k;
    if (k + 1 < jb->nch && !ch->clean) {
      for (size_t m = k + 1; m < jb->nch; m++) seg_imp_chunk_free(&jb->ch[m], jb->ncols);
      jb->nch = k + 1;
      parse_range(ch, ch->to, jb->n, 1);
      ch->to = jb->n;
      if (!ch->failed && ch->dirty) chunk_restat(ch);
      if (!ch->failed && ch->mode == CH_STATS) seg_imp_stream_spill(ch);
      return ch->failed ? k : jb->nch;
    }
  }
  return jb->nch;
}
