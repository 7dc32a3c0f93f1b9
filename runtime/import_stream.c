/*
** import_stream.c -- CSV -> .segcol in bounded memory (`seg import`).
**
** The in-memory import (import.c) holds every cell of the file and then
** every encoded column: memory grows with the file.  This one parses the
** file once and holds a row group per thread:
**
**  1. Pass 1 (CH_STATS): the chunks are cut and parsed as import.c does
**     (same errors, bad rows, warnings); a kept row narrows its columns'
**     candidate types and stays in the chunk's arenas, and every
**     `group_rows` rows (or `group_bytes` of cells) the arenas are
**     appended to one unlinked spill file as a row group of cells.  The
**     types are decided from every value, as before.
**  2. Pass 2: each chunk's row groups of cells are read back, on its
**     thread, and encoded -- values at their natural width, a byte of
**     validity a row, a text column's codes into a dictionary of the group
**     -- and appended to the spill file.  A number that overflows int64 at
**     its column's scale makes the column text (pass 2 again, from the
**     cells).
**  3. The .segcol is written column by column from the spill, in row
**     order (seg_colw: temporary + rename): ints, numbers and dates at the
**     narrowest width their range allows; a text column's group
**     dictionaries merged, in row order, into one dictionary in first-seen
**     order.  A text column with more than DICT_CAP distinct values (or
**     DICT_CAP_BYTES of them) keeps no map: each row gets its own entry,
**     code = row (missing rows an empty one), so memory stays bounded
**     whatever the column; the VM reads it as any dictionary column.
**
** Parsing is most of the work (libcsv and the field callback), so it is
** done once: the spill's round trip, with O_DIRECT (below), costs a small
** part of a second parse.  Below the cap the file is byte for byte the one
** seg_col_write makes of the in-memory import (tests/import.sh compares
** them), and neither depends on the thread count or the group size.
** Memory: the mapped input (parsed pages dropped), a row group per thread,
** a text column's dictionary while it is written (at most the cap).  A
** failure removes the temporary; the target is untouched.
**
** Tests shrink the group and the cap and choose the spill's I/O:
** SEG_IMPORT_GROUP_ROWS, SEG_IMPORT_DICT_CAP (positive integers),
** SEG_IMPORT_SPILL_DIRECT (0 or 1).
*/
#include "import_int.h"

#include <libgen.h>

#include "bgwrite.h"
#include "colfile.h"

#define GROUP_ROWS 65536
#define GROUP_BYTES ((size_t)16 << 20)
/* (1,000,000 values fit the dictionary's arrays at the sizes they have
** for 2^20 - 2: 8 MiB of offsets, 16 MiB of hash slots) */
#define DICT_CAP ((uint64_t)1000000)
#define DICT_CAP_BYTES (((size_t)64 << 20) - 64)

/* The spill file: pass 1's row groups of cells, then pass 2's encoded
** row groups.  Every write is DIO-aligned (address, offset, length), so
** a large import writes and reads it with O_DIRECT: it is read once and
** never needed again, and going through the page cache costs a copy and a
** fresh page per 4 KiB both ways (on this machine's VM more than parsing
** the bytes again).  The writes are then done by a thread (bgwrite.c),
** each chunk filling one buffer while the other is written.  Small
** imports (and filesystems without O_DIRECT, tmpfs) use the page cache. */
#define DIO 4096
#define SPILL_DIRECT_MIN ((uint64_t)64 << 20)

/* A row group of cells in the spill: column j's arena (<varint len><bytes>
** a row) of len[j] bytes, one after the other from `off`. */
typedef struct rgroup {
  uint64_t off, rows;
  size_t bytes;            /* all the arenas */
  size_t lens;             /* index of len[0] in the chunk's `lens` */
} rgroup;

/* One column of one encoded row group in the spill file, from `off`: the
** values (rows * width, the narrowest that holds the group's; text: codes
** of the group's dictionary), a byte of validity a row unless every row is
** present, and for text the group dictionary's ndict + 1 offsets (u32)
** and dbytes bytes.  read_gcol widens them back. */
typedef struct gcol {
  uint64_t off;
  uint64_t dbytes;
  uint32_t ndict;
  uint8_t width;           /* bytes a value in the spill (the group's narrowest) */
  uint8_t full;            /* every row present: no validity bytes */
  uint64_t present;        /* rows with a value */
} gcol;

typedef struct group {
  uint64_t rows;
  gcol *cols;
  struct group *next;      /* the next in row order (after pass 2), or NULL */
} group;

/* A chunk's findings about one column, combined in row order. */
typedef struct cstat {
  int64_t lo, hi;          /* int, number, date: the range of the values (0 in it) */
  int ovf;                 /* a number does not fit int64 at the column's scale */
  uint64_t nbad, first;    /* pinned: values that do not read as the type; the first (table row) */
  char ex[64];
  whytext why;             /* text: why_text's counts */
} cstat;

struct stream;

/* A DIO-aligned buffer, and its write in flight (NONE: none). */
typedef struct wbuf {
  uchar *b;
  size_t cap;
  uint64_t tick;
} wbuf;

typedef struct sstate {    /* a chunk's row groups (ch->sp) */
  struct stream *st;
  rgroup *rg;              /* pass 1: its row groups of cells */
  size_t nrg, rgcap;
  uint64_t *lens;          /* their arenas' lengths, ncols a group */
  size_t nlens, lcap;
  wbuf stage[2];           /* a row group's arenas end to end, two in turn */
  int scur;
  group *g;                /* pass 2: its encoded row groups */
  size_t ng, gcap;
  cstat *cs;
  uchar *buf;              /* the group's encoded columns before they are written: */
  size_t blen, bcap;       /* (one of ebuf) */
  wbuf ebuf[2];
  int ecur;
  int failed;              /* pass 2: E_NOMEM or E_IO (with err_errno) */
  int err_errno;
} sstate;

typedef struct stream {
  job *jb;
  coltype *types;
  int fd;                  /* the spill file */
  seg_bgw *q;              /* its writes, with O_DIRECT: done by a thread (or NULL) */
  int direct;              /* opened with O_DIRECT: read in whole DIO blocks, read ahead
                              by the thread (a filesystem that refuses O_DIRECT gets
                              it cleared on the file by seg_bgw_pio; the blocks stay) */
  uint64_t end;            /* its length (atomic) */
  uint64_t raw_end;        /* the end of pass 1's row groups */
  uint64_t raw_bytes;      /* their arenas' bytes (for the progress of pass 2) */
  uint64_t nrows;
  uint64_t whycap;
  uint64_t dict_cap;
  uint64_t group_rows;     /* rows per row group at most */
  size_t group_bytes;      /* arena bytes per row group at most */
  const char *out;
} stream;

typedef struct target {
  const char *out;
  size_t nrows, ncols;
  stream *st;
} target;

/* ---- the spill file ----------------------------------------------------- */

static size_t dio_up(size_t n) {
  return (n + DIO - 1) / DIO * DIO;
}

/* *b (DIO-aligned) grown to hold need bytes, its first `keep` kept. */
static int agrow(uchar **b, size_t *cap, size_t need, size_t keep) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap : (size_t)1 << 16;
  while (nc < need) {
    if (nc > SIZE_MAX / 2) return -1;
    nc *= 2;
  }
  void *p = NULL;
  if (posix_memalign(&p, DIO, nc) != 0) return -1;
  if (keep) memcpy(p, *b, keep);
  free(*b);
  *b = p;
  *cap = nc;
  return 0;
}

/* All n bytes at off written from b (wr) or read into b, as the thread
** does it (seg_bgw_pio); with O_DIRECT n and off multiples of DIO, b
** aligned.  0, or -1 with errno set. */
static int spill_io(stream *st, int wr, uchar *b, size_t n, uint64_t off) {
  int e = seg_bgw_pio(st->fd, !wr, b, n, off);
  if (e != 0) errno = e;
  return e != 0 ? -1 : 0;
}

static int spill_write(stream *st, const uchar *b, size_t n, uint64_t off) {
  return spill_io(st, 1, (uchar *)(uintptr_t)b, n, off);
}

/* wb's first n bytes written at off, by the thread when there is one (wb
** then busy until wb->tick is done).  0, or -1 with errno. */
static int spill_put(stream *st, wbuf *wb, size_t n, uint64_t off) {
  if (st->q == NULL) return spill_write(st, wb->b, n, off);
  wb->tick = seg_bgw_write(st->q, wb->b, n, off);
  int e = seg_bgw_error(st->q);
  if (e != 0) errno = e;
  return e != 0 ? -1 : 0;
}

/* wb, its write done. */
static wbuf *wb_ready(stream *st, wbuf *wb) {
  if (wb->tick != NONE) seg_bgw_wait(st->q, wb->tick);
  wb->tick = NONE;
  return wb;
}

static int pread_all(stream *st, uchar *b, size_t len, uint64_t off) {
  return spill_io(st, 0, b, len, off) == 0 ? 0 : -2;
}

/* The len bytes at off, read into *bounce (with O_DIRECT the DIO blocks
** that hold them: every write was whole blocks); *p points at them.  0,
** -1 out of memory, -2 a read failed (errno). */
static int spill_get(stream *st, size_t len, uint64_t off, uchar **bounce, size_t *bcap, const uchar **p) {
  int direct = st->direct;
  uint64_t a = direct ? off / DIO * DIO : off;
  size_t n = direct ? dio_up((size_t)(off + len - a)) : len;
  if (agrow(bounce, bcap, n + 16, 0) != 0) return -1;
  *p = *bounce + (off - a);
  return n ? pread_all(st, *bounce, n, a) : 0;
}

/* An unlinked file beside `out` (the temporary .segcol goes there too). */
static int spill_open(const char *out) {
  char *d = strdup(out);
  if (d == NULL) return -2;
  const char *dir = dirname(d);
  int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    char *p = malloc(strlen(dir) + 32);
    if (p != NULL) {
      sprintf(p, "%s/.seg-spill.XXXXXX", dir);
      fd = mkostemp(p, O_CLOEXEC);
      if (fd >= 0) unlink(p);
      free(p);
    } else {
      fd = -2;
    }
  }
  free(d);
  return fd;
}

/* ---- pass 1: row groups of cells ---------------------------------------- */

static stream *stream_of(const chunk *ch) {
  return ((target *)ch->jb->arg)->st;
}

int seg_imp_stream_row(chunk *ch) {
  const stream *st = stream_of(ch);
  if (++ch->grows >= st->group_rows || ch->gbytes >= st->group_bytes) return seg_imp_stream_spill(ch);
  return 0;
}

int seg_imp_stream_spill(chunk *ch) {
  stream *st = stream_of(ch);
  const job *jb = ch->jb;
  size_t ncols = jb->ncols;
  if (ch->grows == 0) return 0;
  sstate *s = ch->sp;
  if (s == NULL) {
    s = ch->sp = calloc(1, sizeof *s);
    if (s == NULL) goto oom;
    s->st = st;
    s->stage[0].tick = s->stage[1].tick = s->ebuf[0].tick = s->ebuf[1].tick = NONE;
  }
  size_t total = 0;
  for (size_t j = 0; j < ncols; j++) total += ch->cols[j].len;
  size_t n = dio_up(total);
  wbuf *wb = wb_ready(st, &s->stage[s->scur]);
  if (agrow(&wb->b, &wb->cap, n, 0) != 0) goto oom;
  if (reserve(&s->rg, &s->rgcap, s->nrg + 1, sizeof *s->rg) != 0 ||
      reserve(&s->lens, &s->lcap, s->nlens + ncols, sizeof *s->lens) != 0)
    goto oom;
  uchar *p = wb->b;
  for (size_t j = 0; j < ncols; j++) {
    memcpy(p, ch->cols[j].b, ch->cols[j].len);
    p += ch->cols[j].len;
    s->lens[s->nlens + j] = ch->cols[j].len;
    ch->cols[j].len = ch->cols[j].start = 0;
  }
  memset(p, 0, n - total);
  uint64_t off = __atomic_fetch_add(&st->end, (uint64_t)n, __ATOMIC_RELAXED);
  s->scur ^= 1;
  if (spill_put(st, wb, n, off) != 0) {
    ch->failed = E_IO;
    ch->err_errno = errno;
    return -1;
  }
  s->rg[s->nrg++] = (rgroup){off, ch->grows, total, s->nlens};
  s->nlens += ncols;
  ch->grows = 0;
  ch->gbytes = 0;
  return 0;
oom:
  ch->failed = E_NOMEM;
  return -1;
}

/* Pass 2's results dropped (to encode again, or at the end). */
static void groups_free(sstate *s) {
  for (size_t i = 0; i < s->ng; i++) free(s->g[i].cols);
  free(s->g);
  free(s->cs);
  s->g = NULL;
  s->cs = NULL;
  s->ng = s->gcap = 0;
  s->failed = 0;
}

void seg_imp_stream_chunk_free(chunk *ch) {
  sstate *s = ch->sp;
  groups_free(s);
  for (int i = 0; i < 2; i++) {
    free(wb_ready(s->st, &s->stage[i])->b);
    free(wb_ready(s->st, &s->ebuf[i])->b);
  }
  free(s->rg);
  free(s->lens);
  free(s);
  ch->sp = NULL;
}

void seg_imp_stream_error(job *jb, const chunk *ch) {
  seg_set_err(jb->err, jb->errlen, "%s: cannot write the import's spill file: %s", stream_of(ch)->out,
              strerror(ch->err_errno));
}

/* ---- pass 2: the row groups encoded ------------------------------------- */

/* Room for n more bytes in the group buffer; its end, or NULL. */
static uchar *room(sstate *s, size_t n) {
  if (agrow(&s->buf, &s->bcap, s->blen + n, s->blen) != 0) return NULL;
  return s->buf + s->blen;
}

static int natural_width(seg_type t) {
  return t == SEG_TEXT ? 4 : (int)seg_type_width(t);
}

static unsigned width_of(int64_t lo, int64_t hi) {
  if (lo >= INT8_MIN && hi <= INT8_MAX) return 1;
  if (lo >= INT16_MIN && hi <= INT16_MAX) return 2;
  if (lo >= INT32_MIN && hi <= INT32_MAX) return 4;
  return 8;
}

/* The group's values (at data, natural width w) narrowed in place to gw
** bytes, the validity bytes moved after them (or dropped when every row is
** present); the bytes of the column in the buffer from data. */
static size_t compact(uchar *data, uint64_t rows, size_t w, unsigned gw, int text, gcol *gc) {
  for (uint64_t r = 0; r < rows && gw < w; r++) {
    int64_t v;
    if (w == 8) memcpy(&v, data + 8 * r, 8);
    else if (text) { uint32_t x; memcpy(&x, data + 4 * r, 4); v = x; }
    else { int32_t x; memcpy(&x, data + 4 * r, 4); v = x; }
    switch (gw) {
      case 1: data[r] = (uchar)v; break;
      case 2: { uint16_t x = (uint16_t)v; memcpy(data + 2 * r, &x, 2); break; }
      default: { uint32_t x = (uint32_t)v; memcpy(data + 4 * r, &x, 4); break; }
    }
  }
  const uchar *valid = data + rows * w;
  uint64_t present = 0;
  for (uint64_t r = 0; r < rows; r++) present += valid[r];
  gc->width = (uint8_t)gw;
  gc->present = present;
  gc->full = present == rows;
  if (gc->full) return (size_t)(rows * gw);
  memmove(data + rows * gw, valid, (size_t)rows);
  return (size_t)(rows * (gw + 1));
}

#define DISTINCT_PROBE 1024

/* Encodes column j of a row group (its arena b, `rows` cells; table row
** grow0 first) into s->buf. */
static int encode_group_col(sstate *s, const uchar *b, uint64_t rows, size_t j, gcol *gc, uint64_t grow0) {
  stream *st = s->st;
  const job *jb = st->jb;
  coltype t = st->types[j];
  cstat *cs = &s->cs[j];
  size_t w = (size_t)natural_width(t.type);
  memset(gc, 0, sizeof *gc);
  gc->off = s->blen;
  uchar *data = room(s, rows * (w + 1));
  if (data == NULL) return -1;
  uchar *valid = data + rows * w;
  s->blen += rows * (w + 1);
  size_t pos = 0, n;
  if (t.type == SEG_TEXT) {
    dict d;
    if (seg_imp_dict_init(&d) != 0) {
      seg_imp_dict_free(&d);
      return -1;
    }
    int why = !t.pinned && !cs->why.done;
    uint64_t present = 0;
    int each = 0;                               /* every value gets its own entry */
    for (uint64_t r = 0; r < rows; r++) {
      const uchar *c = seg_imp_raw_next(b, &pos, &n);
      uint32_t code = 0;
      if (n != 0) {
        /* the first DISTINCT_PROBE values all distinct (e-mails, ids): the
        ** rest are not looked up (the merge in write_text takes an entry
        ** twice as well as once) */
        if (++present == DISTINCT_PROBE + 1 && d.n == DISTINCT_PROBE) each = 1;
        int64_t k = each ? seg_imp_dict_append(&d, c, n) : seg_imp_dict_code(&d, c, n, seg_imp_hash_bytes(c, n));
        if (k < 0) {
          seg_imp_dict_free(&d);
          return -1;
        }
        code = (uint32_t)k;
        if (why) seg_imp_why_add(&cs->why, c, n, jb->date_flags, grow0 + r, st->whycap);
      }
      memcpy(data + 4 * r, &code, 4);
      valid[r] = n != 0;
    }
    gc->ndict = d.n;
    gc->dbytes = d.blen;
    s->blen = gc->off + compact(s->buf + gc->off, rows, 4, seg_text_code_width(d.n), 1, gc);
    size_t ob = ((size_t)d.n + 1) * 4;
    uchar *o = room(s, ob + d.blen);
    if (o == NULL) {
      seg_imp_dict_free(&d);
      return -1;
    }
    memcpy(o, d.off, ob);
    if (d.blen) memcpy(o + ob, d.bytes, d.blen);
    s->blen += ob + d.blen;
    seg_imp_dict_free(&d);
    return 0;
  }
  int64_t glo = 0, ghi = 0;
  for (uint64_t r = 0; r < rows; r++) {
    const uchar *c = seg_imp_raw_next(b, &pos, &n);
    int ok = n != 0;
    if (ok && t.pinned && !seg_imp_pin_fits(jb, t, c, n)) {
      if (cs->nbad++ == 0) {
        cs->first = grow0 + r;
        seg_imp_copy_ex(cs->ex, sizeof cs->ex, c, n);
      }
      ok = 0;
    }
    int64_t v = 0;
    switch (t.type) {
      case SEG_BOOL: {
        uint8_t x = 0;
        if (ok) ok = t.pinned ? seg_imp_is_bool_ext(c, n, &x) : seg_imp_is_bool(c, n, &x);
        data[r] = ok ? x : 0;
        break;
      }
      case SEG_INT:
      case SEG_NUM:
        if (ok && seg_imp_num_value(c, n, t.dec, t.scale, &v) != 0) {
          cs->ovf = 1;             /* (not pinned: pin_fits said it reads) */
          ok = 0, v = 0;
        }
        memcpy(data + 8 * r, &v, 8);
        break;
      case SEG_DATE: {
        int32_t x = 0;
        if (ok) ok = seg_date_parse_ex((const char *)c, n, jb->date_flags, &x) == 0;
        if (!ok) x = 0;
        v = x;
        memcpy(data + 4 * r, &x, 4);
        break;
      }
      case SEG_TEXT: break;
    }
    if (v < glo) glo = v;
    if (v > ghi) ghi = v;
    valid[r] = (uchar)ok;
  }
  if (glo < cs->lo) cs->lo = glo;
  if (ghi > cs->hi) cs->hi = ghi;
  s->blen = gc->off + compact(data, rows, w, t.type == SEG_BOOL ? 1 : width_of(glo, ghi), 0, gc);
  return 0;
}

/* Row group rg of a chunk (its cells read back at `cells`) encoded and
** appended to the spill file.  0, or -1 with s->failed set. */
static int encode_group(stream *st, sstate *s, const rgroup *rg, uint64_t grow0, const uchar *cells) {
  const job *jb = st->jb;
  if (reserve(&s->g, &s->gcap, s->ng + 1, sizeof *s->g) != 0) goto oom;
  group *g = &s->g[s->ng];
  g->rows = rg->rows;
  g->cols = malloc((jb->ncols ? jb->ncols : 1) * sizeof *g->cols);
  if (g->cols == NULL) goto oom;
  s->ng++;
  wbuf *wb = wb_ready(st, &s->ebuf[s->ecur]);
  s->buf = wb->b;
  s->bcap = wb->cap;
  s->blen = 0;
  const uchar *b = cells;
  int bad = 0;
  for (size_t j = 0; j < jb->ncols && !bad; j++) {
    bad = encode_group_col(s, b, rg->rows, j, &g->cols[j], grow0) != 0;
    b += s->lens[rg->lens + j];
  }
  size_t len = dio_up(s->blen);
  bad = bad || room(s, len - s->blen) == NULL;
  wb->b = s->buf;                               /* (room() may have moved it) */
  wb->cap = s->bcap;
  if (bad) goto oom;
  memset(s->buf + s->blen, 0, len - s->blen);
  uint64_t base = __atomic_fetch_add(&st->end, (uint64_t)len, __ATOMIC_RELAXED);
  s->ecur ^= 1;
  if (spill_put(st, wb, len, base) != 0) goto io;
  for (size_t j = 0; j < jb->ncols; j++) g->cols[j].off += base;
  return 0;
io:
  s->failed = E_IO;
  s->err_errno = errno;
  return -1;
oom:
  s->failed = E_NOMEM;
  return -1;
}

static void pass2_task(void *arg, size_t k) {
  stream *st = arg;
  const job *jb = st->jb;
  sstate *s = jb->ch[k].sp;
  if (s == NULL) return;
  wbuf cells[2] = {{NULL, 0, NONE}, {NULL, 0, NONE}};   /* group i's cells, group i + 1's read ahead */
  uint64_t row = jb->ch[k].row0, body = jb->n - jb->body;
  for (size_t i = 0; i < s->nrg && !s->failed; i++) {
    wbuf *c = &cells[i & 1];
    if (c->tick == NONE) {                      /* not read ahead */
      if (agrow(&c->b, &c->cap, dio_up(s->rg[i].bytes), 0) != 0) {
        s->failed = E_NOMEM;
        break;
      }
      if (pread_all(st, c->b, dio_up(s->rg[i].bytes), s->rg[i].off) != 0) {
        s->failed = E_IO;
        s->err_errno = errno;
        break;
      }
    } else if (wb_ready(st, c), seg_bgw_error(st->q) != 0) {
      s->failed = E_IO;
      s->err_errno = seg_bgw_error(st->q);
      break;
    }
    wbuf *nx = &cells[(i + 1) & 1];
    if (st->q != NULL && i + 1 < s->nrg && agrow(&nx->b, &nx->cap, dio_up(s->rg[i + 1].bytes), 0) == 0)
      nx->tick = seg_bgw_read(st->q, nx->b, dio_up(s->rg[i + 1].bytes), s->rg[i + 1].off);
    if (encode_group(st, s, &s->rg[i], row, c->b) != 0) break;
    row += s->rg[i].rows;
    if (jb->m->progress && st->raw_bytes)       /* the other half of the bar: the cells encoded */
      jb->m->progress(jb->m->progress_ctx, (uint64_t)((double)body * (double)s->rg[i].bytes / (double)st->raw_bytes),
                      0, 2 * body);
  }
  for (int i = 0; i < 2; i++) free(wb_ready(st, &cells[i])->b);
  for (int i = 0; i < 2; i++) {                 /* (not needed again) */
    wbuf *wb = wb_ready(st, &s->ebuf[i]);
    free(wb->b);
    wb->b = NULL;
    wb->cap = 0;
  }
  s->buf = NULL;
  s->blen = s->bcap = 0;
}

static void pass2_free(stream *st) {
  for (size_t k = 0; k < st->jb->nch; k++)
    if (st->jb->ch[k].sp != NULL) groups_free(st->jb->ch[k].sp);
}

/* Encodes the row groups of cells into row groups of values in the spill
** file. 0, or -1 with the message set. */
static int pass2(stream *st) {
  job *jb = st->jb;
  st->end = st->raw_end;
  st->raw_bytes = 0;
  for (size_t k = 0; k < jb->nch; k++) {
    sstate *s = jb->ch[k].sp;
    if (s == NULL) continue;
    s->cs = calloc(jb->ncols ? jb->ncols : 1, sizeof *s->cs);
    if (s->cs == NULL) goto oom;
    for (size_t j = 0; j < jb->ncols; j++) s->cs[j].first = NONE;
    for (size_t i = 0; i < s->nrg; i++) st->raw_bytes += s->rg[i].bytes;
  }
  seg_imp_run_tasks(jb->nthreads, jb->nch, pass2_task, st);
  int e = st->q ? seg_bgw_sync(st->q) : 0;
  if (e != 0) {
    seg_set_err(jb->err, jb->errlen, "%s: cannot write the import's spill file: %s", st->out, strerror(e));
    return -1;
  }
  for (size_t k = 0; k < jb->nch; k++) {
    sstate *s = jb->ch[k].sp;
    if (s != NULL && s->failed == E_IO) {
      errno = s->err_errno;
      seg_set_err(jb->err, jb->errlen, "%s: cannot write the import's spill file: %s", st->out, strerror(errno));
      return -1;
    }
    if (s != NULL && s->failed) goto oom;
  }
  group *prev = NULL;                           /* the groups linked in row order */
  for (size_t k = 0; k < jb->nch; k++) {
    sstate *s = jb->ch[k].sp;
    for (size_t i = 0; s != NULL && i < s->ng; i++) {
      s->g[i].next = NULL;
      if (prev != NULL) prev->next = &s->g[i];
      prev = &s->g[i];
    }
  }
  return 0;
oom:
  seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
  return -1;
}

/* Column j's findings from every chunk, in row order. */
static cstat merged(const stream *st, size_t j) {
  cstat m;
  memset(&m, 0, sizeof m);
  m.first = NONE;
  for (size_t k = 0; k < st->jb->nch; k++) {
    const sstate *s = st->jb->ch[k].sp;
    if (s == NULL) continue;
    const cstat *c = &s->cs[j];
    if (c->lo < m.lo) m.lo = c->lo;
    if (c->hi > m.hi) m.hi = c->hi;
    m.ovf |= c->ovf;
    if (c->nbad && m.nbad == 0) m.first = c->first, memcpy(m.ex, c->ex, sizeof m.ex);
    m.nbad += c->nbad;
    m.why.done |= c->why.done;
    for (int w = 0; w < 6; w++) {
      if (c->why.bad[w] && m.why.bad[w] == 0) {
        m.why.first[w] = c->why.first[w];
        memcpy(m.why.ex[w], c->why.ex[w], sizeof m.why.ex[w]);
      }
      m.why.fit[w] += c->why.fit[w];
      m.why.bad[w] += c->why.bad[w];
    }
  }
  int alive = 0;
  for (int w = 0; w < 6; w++) alive |= m.why.bad[w] <= st->whycap;
  if (!alive) m.why.done = 1;
  return m;
}

/* ---- writing the .segcol from the spill --------------------------------- */

/* Values narrowed to `width` bytes, put through a buffer. */
typedef struct narrow {
  seg_colw *w;
  unsigned width;
  size_t n;
  uchar buf[1 << 16];
} narrow;

static void narrow_put(narrow *nw, int64_t v) {
  switch (nw->width) {
    case 1: nw->buf[nw->n] = (uchar)v; break;
    case 2: { int16_t x = (int16_t)v; memcpy(nw->buf + nw->n, &x, 2); break; }
    case 4: { int32_t x = (int32_t)v; memcpy(nw->buf + nw->n, &x, 4); break; }
    default: memcpy(nw->buf + nw->n, &v, 8); break;
  }
  nw->n += nw->width;
  if (nw->n + 8 > sizeof nw->buf) {
    seg_colw_put(nw->w, nw->buf, nw->n);
    nw->n = 0;
  }
}

static void narrow_end(narrow *nw) {
  seg_colw_put(nw->w, nw->buf, nw->n);
  nw->n = 0;
}

/* Validity bits from bytes, a word at a time. */
typedef struct bits {
  seg_colw *w;
  uint64_t word, row, missing;
  size_t n;
  uint64_t buf[1024];
} bits;

static void bit_put(bits *b, int present) {
  b->word |= (uint64_t)(present != 0) << (b->row & 63);
  b->missing += present == 0;
  if ((b->row++ & 63) == 63) {
    b->buf[b->n++] = b->word;
    b->word = 0;
    if (b->n == 1024) seg_colw_put(b->w, b->buf, sizeof b->buf), b->n = 0;
  }
}

/* v: a byte a row, 0 or 1 (eight at a time: a multiply gathers their low
** bits into one byte). */
static void bits_put(bits *b, const uchar *v, uint64_t rows) {
  uint64_t r = 0;
  for (; r < rows && (b->row & 7); r++) bit_put(b, v[r]);
  for (; r + 8 <= rows; r += 8) {
    uint64_t x;
    memcpy(&x, v + r, 8);
    uint64_t m = (x * 0x0102040810204080ull) >> 56;
    b->word |= m << (b->row & 63);
    b->missing += 8 - (uint64_t)__builtin_popcountll(m);
    b->row += 8;
    if ((b->row & 63) == 0) {
      b->buf[b->n++] = b->word;
      b->word = 0;
      if (b->n == 1024) seg_colw_put(b->w, b->buf, sizeof b->buf), b->n = 0;
    }
  }
  for (; r < rows; r++) bit_put(b, v[r]);
}

static void bits_end(bits *b) {
  if (b->row & 63) b->buf[b->n++] = b->word;
  seg_colw_put(b->w, b->buf, b->n * 8);
  b->n = 0;
}

static size_t gcol_bytes(const stream *st, const group *g, size_t j) {
  const gcol *gc = &g->cols[j];
  size_t rows = (size_t)g->rows, text = st->types[j].type == SEG_TEXT;
  return rows * gc->width + (gc->full ? 0 : rows) + (text ? ((size_t)gc->ndict + 1) * 4 + (size_t)gc->dbytes : 0);
}

struct blob;
static int slot_get(stream *st, struct blob *bl, const group *g, size_t j, const uchar **raw);

/* One column of one group read back (read_gcol). */
typedef struct blob {
  uchar *b;                /* widened parts */
  size_t cap;
  const uchar *data, *valid, *dbytes;
  const uchar *doff;       /* the dictionary's u32 offsets as spilled (doff_at) */
  const uchar *narrow;     /* the values as spilled, gcol.width bytes each */
  struct slot {            /* the spilled bytes of (g, j), read or being read */
    uchar *b;
    size_t cap;
    uint64_t base;         /* b[0]'s offset in the spill */
    uint64_t tick;         /* a read in flight, or NONE */
    const group *g;
    size_t j;
  } slot[2];
} blob;

/* What of a group's column to have widened: its values (at their natural
** width), its validity (a text column's dictionary is read as spilled). */
enum { R_DATA = 1, R_VALID = 2 };

static struct slot *slot_ready(stream *st, struct slot *sl) {
  if (sl->tick != NONE && st->q != NULL) seg_bgw_wait(st->q, sl->tick);
  sl->tick = NONE;
  return sl;
}

/* Column j of group g's bytes in the spill (*raw): read ahead by the
** thread when there is one -- each call starts reading the next group's
** column j into the other slot (the loops go through the groups of one
** column in order) -- or read now.  0, -1 out of memory, -2 a read
** failed (errno). */
static int slot_get(stream *st, blob *bl, const group *g, size_t j, const uchar **raw) {
  uint64_t off = g->cols[j].off;
  size_t len = gcol_bytes(st, g, j);
  struct slot *cur = NULL;
  for (int i = 0; i < 2 && st->q; i++)
    if (bl->slot[i].g == g && bl->slot[i].j == j) cur = slot_ready(st, &bl->slot[i]);
  if (cur != NULL) {
    int e = seg_bgw_error(st->q);
    if (e != 0) {
      errno = e;
      return -2;
    }
  } else {
    cur = slot_ready(st, &bl->slot[0]);
    const uchar *p;
    int rc = spill_get(st, len, off, &cur->b, &cur->cap, &p);
    if (rc != 0) return rc;
    cur->base = off - (uint64_t)(p - cur->b);
    cur->g = g;
    cur->j = j;
  }
  *raw = cur->b + (off - cur->base);
  const group *ng = g->next;
  if (st->q != NULL && ng != NULL && st->direct) {
    struct slot *o = slot_ready(st, cur == &bl->slot[0] ? &bl->slot[1] : &bl->slot[0]);
    uint64_t noff = ng->cols[j].off, a = noff / DIO * DIO;
    size_t n = dio_up((size_t)(noff + gcol_bytes(st, ng, j) - a));
    o->g = NULL;
    if (agrow(&o->b, &o->cap, n + 16, 0) != 0) return -1;
    o->base = a;
    o->g = ng;
    o->j = j;
    o->tick = n ? seg_bgw_read(st->q, o->b, n, a) : NONE;
  }
  return 0;
}

/* Reads column j of group g (its bytes in the spill, in one read) into bl;
** the parts `what` widened back: values at their natural width, a
** validity byte a row.  bl->narrow and a text column's dictionary always. */
static int read_gcol(stream *st, const group *g, size_t j, blob *bl, int what) {
  const gcol *gc = &g->cols[j];
  seg_type t = st->types[j].type;
  size_t w = (size_t)natural_width(t), rows = (size_t)g->rows, gw = gc->width;
  size_t nd = rows * w, nv = rows;
  size_t sd = rows * gw, sv = gc->full ? 0 : rows;            /* in the spill */
  size_t so = t == SEG_TEXT ? ((size_t)gc->ndict + 1) * 4 : 0;
  const uchar *raw;
  int rc = slot_get(st, bl, g, j, &raw);
  if (rc != 0) return rc;
  if (grow(&bl->b, &bl->cap, nd + nv + 16) != 0) return -1;
  uchar *b = bl->b;
  bl->narrow = raw;
  bl->data = b;
  bl->valid = gc->full ? b + nd : raw + sd;
  bl->doff = raw + sd + sv;                                 /* (read with memcpy: not aligned) */
  bl->dbytes = raw + sd + sv + so;
  if (what & R_DATA) {
    if (gw == w) bl->data = raw;
    for (size_t r = 0; gw < w && r < rows; r++) {
      int64_t v;
      switch (gw) {
        case 1: v = t == SEG_TEXT || t == SEG_BOOL ? (int64_t)raw[r] : (int64_t)(int8_t)raw[r]; break;
        case 2: { uint16_t x; memcpy(&x, raw + 2 * r, 2); v = t == SEG_TEXT ? (int64_t)x : (int64_t)(int16_t)x; break; }
        default: { uint32_t x; memcpy(&x, raw + 4 * r, 4); v = t == SEG_TEXT ? (int64_t)x : (int64_t)(int32_t)x; break; }
      }
      if (w == 8) memcpy(b + 8 * r, &v, 8);
      else if (w == 4) { uint32_t x = (uint32_t)v; memcpy(b + 4 * r, &x, 4); }
      else b[r] = (uchar)v;
    }
  }
  if ((what & R_VALID) && gc->full) memset(b + nd, 1, nv);
  return 0;
}

static uint32_t doff_at(const blob *bl, uint32_t i) {
  uint32_t v;
  memcpy(&v, bl->doff + (size_t)i * 4, 4);
  return v;
}

static size_t ngroups(const stream *st, size_t k) {
  const sstate *s = st->jb->ch[k].sp;
  return s ? s->ng : 0;
}

#define EACH_GROUP(st, g)                                   \
  for (size_t k_ = 0; k_ < (st)->jb->nch; k_++)             \
    for (size_t i_ = 0; i_ < ngroups(st, k_) && ((g) = &((sstate *)(st)->jb->ch[k_].sp)->g[i_], 1); i_++)

/* Column j's validity bits (array 1), none when every row has a value;
** bt->missing counts the rows without a value. */
static int put_validity(stream *st, seg_colw *w, size_t j, blob *bl, bits *bt) {
  memset(bt, 0, sizeof *bt);
  bt->w = w;
  const group *g;
  int full = 1;
  EACH_GROUP(st, g) full &= g->cols[j].full;
  if (full) return 0;                           /* every row present: no bits (colfile.h) */
  EACH_GROUP(st, g) {
    if (g->cols[j].full) {
      for (uint64_t r = 0; r < g->rows; r++) {
        if ((bt->row & 63) == 0 && g->rows - r >= 64) {   /* whole words of ones */
          bt->buf[bt->n++] = ~0ull;
          if (bt->n == 1024) seg_colw_put(w, bt->buf, sizeof bt->buf), bt->n = 0;
          bt->row += 64;
          r += 63;
        } else {
          bit_put(bt, 1);
        }
      }
      continue;
    }
    int rc = read_gcol(st, g, j, bl, R_VALID);
    if (rc != 0) return rc;
    bits_put(bt, bl->valid, g->rows);
  }
  bits_end(bt);
  return 0;
}

/* A column of bools, ints, numbers or dates. */
static int write_plain(stream *st, seg_colw *w, size_t j, blob *bl, narrow *nw, bits *bt) {
  coltype t = st->types[j];
  cstat m = merged(st, j);
  unsigned width = t.type == SEG_BOOL ? 1 : width_of(m.lo, m.hi);
  seg_colw_column(w, j, t.type, t.scale, width, 0);
  seg_colw_array(w, 0);
  nw->w = w;
  nw->width = width;
  const group *g;
  EACH_GROUP(st, g) {
    const gcol *gc = &g->cols[j];
    int same = gc->width == width;                /* the group's values as they are */
    int rc = read_gcol(st, g, j, bl, same ? 0 : R_DATA);
    if (rc != 0) return rc;
    if (same) {
      narrow_end(nw);
      seg_colw_put(w, bl->narrow, (size_t)g->rows * width);
      continue;
    }
    for (uint64_t r = 0; r < g->rows; r++) {
      int64_t v;
      switch (t.type) {
        case SEG_BOOL: v = bl->data[r]; break;
        case SEG_DATE: { int32_t x; memcpy(&x, bl->data + 4 * r, 4); v = x; break; }
        default: memcpy(&v, bl->data + 8 * r, 8); break;
      }
      narrow_put(nw, v);
    }
  }
  narrow_end(nw);
  seg_colw_array(w, 1);
  int rc = put_validity(st, w, j, bl, bt);
  if (rc == 0) seg_colw_end_column(w, bt->missing != 0);
  return rc;
}

/* The global codes of a group's dictionary entries (looked up, added when
** `add`). 0, -1 out of memory, 1 the dictionary passed the cap, -3 past
** the job's text_max bytes. */
static int map_group(stream *st, dict *d, const blob *bl, const gcol *gc, uint32_t **map, size_t *mapcap) {
  if (gc->ndict > *mapcap) {
    uint32_t *nm = realloc(*map, (size_t)gc->ndict * sizeof *nm);
    if (nm == NULL) return -1;
    *map = nm;
    *mapcap = gc->ndict;
  }
  for (uint32_t i = 0; i < gc->ndict; i++) {
    uint64_t a = doff_at(bl, i), z = doff_at(bl, i + 1);
    const uchar *s = bl->dbytes + a;
    size_t n = (size_t)(z - a);
    uint64_t h = seg_imp_hash_bytes(s, n);
    /* at the cap a new value is not added: the dictionary never grows past it */
    int64_t c = seg_imp_dict_find(d, s, n, h, d->n < st->dict_cap && d->blen + n <= DICT_CAP_BYTES);
    if (c == -4) return 1;
    if (c < 0) return c == -2 ? -3 : -1;
    (*map)[i] = (uint32_t)c;
  }
  return 0;
}

/* Row r's value in NFC: *out (malloc'd, to free) or the bytes themselves. */
static int row_value(const blob *bl, uint64_t r, const uchar **s, size_t *n, uint8_t **norm) {
  *norm = NULL;
  *n = 0;
  *s = (const uchar *)"";
  if (!bl->valid[r]) return 0;
  uint32_t c;
  memcpy(&c, bl->data + 4 * r, 4);
  uint64_t a = doff_at(bl, c), z = doff_at(bl, c + 1);
  *s = bl->dbytes + a;
  *n = (size_t)(z - a);
  size_t q = 0;
  while (q < *n && (*s)[q] < 0x80) q++;
  if (q == *n) return 0;
  if (seg_alloc_inject()) return -1;            /* libunistring's malloc, counted */
  size_t nn = 0;
  *norm = u8_normalize(UNINORM_NFC, *s, *n, NULL, &nn);
  if (*norm == NULL) return -1;
  *s = *norm;
  *n = nn;
  return 0;
}

/* A text column in the per-row layout (colfile.h): entry r is row r's
** value, no codes.  Past the job's text_max bytes of it: -4 when past_cap
** (the dictionary cap: a value repeated in many rows counts each time),
** else -3. */
static int write_rows(stream *st, seg_colw *w, size_t j, blob *bl, narrow *nw, bits *bt, int past_cap) {
  if (st->nrows >= UINT32_MAX) return -1;
  seg_colw_column(w, j, SEG_TEXT, 0, 0, (uint32_t)st->nrows);
  seg_colw_array(w, 0);
  seg_colw_array(w, 1);
  nw->w = w;
  int rc = put_validity(st, w, j, bl, bt);
  if (rc != 0) return rc;
  int missing = bt->missing != 0;
  const group *g;
  for (int pass = 2; pass <= 3; pass++) {       /* the offsets, then the bytes (through nw's buffer) */
    seg_colw_array(w, pass);
    uint64_t off = 0;
    nw->width = 4;
    if (pass == 2) narrow_put(nw, 0);
    EACH_GROUP(st, g) {
      rc = read_gcol(st, g, j, bl, R_DATA | R_VALID);
      if (rc != 0) return rc;
      for (uint64_t r = 0; r < g->rows; r++) {
        const uchar *s;
        size_t n;
        uint8_t *norm;
        if (row_value(bl, r, &s, &n, &norm) != 0) return -1;
        off += n;
        if (off > st->jb->text_max) {
          free(norm);
          return past_cap ? -4 : -3;
        }
        if (pass == 2) {
          narrow_put(nw, (int64_t)off);
        } else if (n > sizeof nw->buf - nw->n) {
          narrow_end(nw);
          seg_colw_put(w, s, n);
        } else {
          memcpy(nw->buf + nw->n, s, n);
          nw->n += n;
        }
        free(norm);
      }
    }
    narrow_end(nw);
  }
  seg_colw_end_column(w, missing);
  return 0;
}

/* A text column: its group dictionaries merged in row order (first-seen
** order); past the cap, or when every present value is distinct
** (seg_col_text_rows, as the in-memory import's writer decides), per row. */
static int write_text(stream *st, seg_colw *w, size_t j, blob *bl, narrow *nw, bits *bt) {
  dict d;
  uint32_t *map = NULL;
  size_t mapcap = 0;
  int rc = -1;
  seg_column tmp;
  memset(&tmp, 0, sizeof tmp);
  if (seg_imp_dict_init(&d) != 0) goto out;
  d.max = st->jb->text_max;
  const group *g;
  EACH_GROUP(st, g) {
    rc = read_gcol(st, g, j, bl, 0);
    if (rc == 0) rc = map_group(st, &d, bl, &g->cols[j], &map, &mapcap);
    if (rc == 1) {                               /* too many values for a map */
      seg_imp_dict_free(&d);
      free(map);
      return write_rows(st, w, j, bl, nw, bt, 1);
    }
    if (rc != 0) goto out;
  }
  uint64_t present = 0;
  EACH_GROUP(st, g) present += g->cols[j].present;
  if (seg_col_text_rows(st->nrows, present, d.n)) {
    seg_imp_dict_free(&d);
    free(map);
    return write_rows(st, w, j, bl, nw, bt, 0);
  }
  rc = -1;
  seg_colw_column(w, j, SEG_TEXT, 0, seg_text_code_width(d.n), d.n);
  seg_colw_array(w, 0);
  nw->w = w;
  nw->width = seg_text_code_width(d.n);
  EACH_GROUP(st, g) {
    rc = read_gcol(st, g, j, bl, R_DATA | R_VALID);
    if (rc == 0) rc = map_group(st, &d, bl, &g->cols[j], &map, &mapcap);
    if (rc != 0) goto out;
    rc = -1;
    for (uint64_t r = 0; r < g->rows; r++) {
      uint32_t c;
      memcpy(&c, bl->data + 4 * r, 4);
      narrow_put(nw, bl->valid[r] ? map[c] : 0);
    }
  }
  narrow_end(nw);
  seg_colw_array(w, 1);
  rc = put_validity(st, w, j, bl, bt);
  if (rc != 0) goto out;
  rc = -1;
  /* the dictionary in NFC, as the in-memory import stores it */
  tmp.ndict = d.n;                              /* (its arrays moved, not copied: the peak) */
  tmp.dict_off = d.off;
  tmp.dict_bytes = d.bytes ? (char *)d.bytes : malloc(1);
  free(d.slots);
  memset(&d, 0, sizeof d);
  if (tmp.dict_bytes == NULL) goto out;
  rc = seg_imp_nfc_dict(&tmp, st->jb->text_max);
  if (rc != 0) {
    rc = rc == -2 ? -3 : -1;
    goto out;
  }
  rc = -1;
  seg_colw_array(w, 2);
  seg_colw_put(w, tmp.dict_off, ((size_t)tmp.ndict + 1) * 4);
  seg_colw_array(w, 3);
  seg_colw_put(w, tmp.dict_bytes, (size_t)tmp.dict_off[tmp.ndict]);
  seg_colw_end_column(w, bt->missing != 0);
  rc = 0;
out:
  seg_imp_dict_free(&d);
  free(map);
  free(tmp.dict_off);
  free(tmp.dict_bytes);
  return rc;
}

static int write_file(stream *st) {
  job *jb = st->jb;
  seg_colw *w = seg_colw_open(st->out, jb->hdr, jb->ncols, st->nrows, jb->err, jb->errlen);
  if (w == NULL) return -1;
  blob bl = {0};
  bl.slot[0].tick = bl.slot[1].tick = NONE;
  narrow *nw = calloc(1, sizeof *nw);
  bits *bt = malloc(sizeof *bt);
  int rc = nw && bt ? 0 : -1;
  size_t j = 0;
  for (; j < jb->ncols && rc == 0 && !seg_colw_failed(w); j++)
    rc = st->types[j].type == SEG_TEXT ? write_text(st, w, j, &bl, nw, bt) : write_plain(st, w, j, &bl, nw, bt);
  free(bl.b);
  for (int i = 0; i < 2; i++) free(slot_ready(st, &bl.slot[i])->b);
  free(nw);
  free(bt);
  if (rc != 0) {
    if (rc == -2)
      seg_set_err(jb->err, jb->errlen, "%s: cannot read the import's spill file: %s", st->out, strerror(errno));
    else if (rc == -3 || rc == -4)
      seg_imp_too_much_text(jb, j - 1, rc == -4 ? st->dict_cap : 0);
    else
      seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    seg_colw_abort(w);
    return -1;
  }
  return seg_colw_finish(w, jb->err, jb->errlen);
}

/* ---- the driver --------------------------------------------------------- */

static int stream_job(job *jb, void *arg) {
  target *tg = arg;
  stream *st = tg->st;
  st->jb = jb;
  int e = st->q ? seg_bgw_sync(st->q) : 0;     /* pass 1's row groups on disk */
  if (e != 0) {
    seg_set_err(jb->err, jb->errlen, "%s: cannot write the import's spill file: %s", st->out, strerror(e));
    return -1;
  }
  st->raw_end = st->end;
  for (size_t k = 0; k < jb->nch; k++) {       /* pass 1's buffers are not needed again */
    chunk *ch = &jb->ch[k];
    st->nrows += ch->nrows;
    for (size_t j = 0; j < jb->ncols; j++) {
      free(ch->cols[j].b);
      memset(&ch->cols[j], 0, sizeof ch->cols[j]);
    }
    sstate *s = ch->sp;
    for (int i = 0; s != NULL && i < 2; i++) {
      free(s->stage[i].b);
      s->stage[i] = (wbuf){NULL, 0, NONE};
    }
  }
  st->whycap = seg_imp_why_cap(st->nrows);
  int rc = -1;
  st->types = calloc(jb->ncols ? jb->ncols : 1, sizeof *st->types);
  if (st->types == NULL) {
    seg_set_err(jb->err, jb->errlen, "%s: out of memory", jb->fname);
    goto out;
  }
  /* the types, silently (the warnings come in column order below) */
  for (size_t j = 0; j < jb->ncols; j++) {
    if (jb->pin != NULL && jb->pin[j] >= 0) {
      seg_type want = jb->m->schema->types[jb->pin[j]];
      coltype t = {want, 0, '.', 1};
      if (want == SEG_INT || want == SEG_NUM) {
        uint64_t fp = 0, fc = 0;
        int dp = 0, dc = 0;
        for (size_t k = 0; k < jb->nch; k++) {
          const colstat *cs = &jb->ch[k].st[j];
          fp += cs->pin_fail_p, fc += cs->pin_fail_c;
          if (cs->pin_fd_p > dp) dp = cs->pin_fd_p;
          if (cs->pin_fd_c > dc) dc = cs->pin_fd_c;
        }
        t = seg_imp_pin_num(jb, want, fp, fc, dp, dc);
      }
      st->types[j] = t;
    } else {
      st->types[j] = seg_imp_decide(jb, j, 0, NULL);
    }
  }
  if (pass2(st) != 0) goto out;
  /* a number too large at its column's scale: the column is text (again) */
  int redo = 0;
  for (size_t j = 0; j < jb->ncols; j++) {
    cstat m = merged(st, j);
    if (m.ovf && !st->types[j].pinned) {
      st->types[j] = (coltype){SEG_TEXT, 0, 0, 0};
      redo = 1;
    }
  }
  if (redo) {
    pass2_free(st);
    if (pass2(st) != 0) goto out;
  }
  for (size_t j = 0; j < jb->ncols; j++) {
    cstat m = merged(st, j);
    if (jb->pin != NULL && jb->pin[j] >= 0) {
      if (m.nbad > 0 && seg_imp_pin_report(jb, j, st->types[j].type, m.nbad, m.first, m.ex) != 0) goto out;
    } else {
      seg_imp_decide(jb, j, 1, &m.why);
    }
  }
  seg_imp_warn_empty_columns(jb);
  if (write_file(st) != 0) goto out;
  tg->nrows = st->nrows;
  tg->ncols = jb->ncols;
  rc = 0;
out:
  pass2_free(st);
  free(st->types);
  st->types = NULL;
  return rc;
}

int seg_import_csv_segcol(const char *path, const seg_import_opts *o, const seg_import_more *m, const char *out,
                          size_t *nrows, size_t *ncols, char *err, size_t errlen) {
  if (m != NULL && m->key != NULL) {
    seg_set_err(err, errlen, "%s: --key needs the table in memory (seg_import_csv2)", path);
    return -1;
  }
  stream st;
  memset(&st, 0, sizeof st);
  st.out = out;
  st.dict_cap = seg_imp_env_u64("SEG_IMPORT_DICT_CAP", DICT_CAP);
  st.group_rows = seg_imp_env_u64("SEG_IMPORT_GROUP_ROWS", GROUP_ROWS);
  st.group_bytes = GROUP_BYTES;
  st.fd = spill_open(out);
  if (st.fd == -2) {
    seg_set_err(err, errlen, "%s: out of memory", path);
    return -1;
  }
  if (st.fd < 0) {
    seg_set_err(err, errlen, "%s: cannot create the import's spill file: %s", out, strerror(errno));
    return -1;
  }
  /* O_DIRECT for a large file (SEG_IMPORT_SPILL_DIRECT=0 or 1 decides, for tests) */
  struct stat sb;
  const char *dv = getenv("SEG_IMPORT_SPILL_DIRECT");
  int direct = dv && *dv ? strcmp(dv, "0") != 0 : stat(path, &sb) == 0 && (uint64_t)sb.st_size >= SPILL_DIRECT_MIN;
  int fl = direct ? fcntl(st.fd, F_GETFL) : -1;
  st.direct = fl >= 0 && fcntl(st.fd, F_SETFL, fl | O_DIRECT) == 0;
  if (st.direct) st.q = seg_bgw_open(st.fd);    /* (NULL: the threads write) */
  target tg = {out, 0, 0, &st};
  int rc = seg_imp_run_file(path, o, m, CH_STATS, stream_job, &tg, err, errlen);
  if (rc == 0) *nrows = tg.nrows, *ncols = tg.ncols;
  seg_bgw_close(st.q);
  close(st.fd);
  return rc;
}
