/*
** import_int.h -- the CSV importer's private parts, shared by its stages:
** import_input.c (loading, encodings, lines), import_parse.c (numbers,
** dates, candidate types), import_chunks.c (chunks parsed on threads,
** bad rows, line numbers), import_encode.c (types, columns, dictionaries)
** and import.c (header, key column, the driver). Included by those only.
*/
#ifndef SEG_IMPORT_INT_H
#define SEG_IMPORT_INT_H

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
#include "err.h"
#include "import.h"
#include "schema.h"
#include "tasks.h"

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

/* The file, as UTF-8 (import_input.c). */
typedef struct input {
  const uchar *b;      /* UTF-8 text without BOM */
  size_t n;
  int checked;         /* converted here, so known to be valid UTF-8 */
  void *map;           /* the file's mapping, or NULL */
  size_t maplen;
  uchar *own;          /* a buffer read or converted here, or NULL */
} input;

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

/* The types a column can still be, narrowed by each cell (import_parse.h). */
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
  /* a column pinned to int or number, read in the streaming import's first
  ** pass (pin_type reads the arenas instead): values that do not read with
  ** '.' / ',', and the most fraction digits of those that do */
  uint64_t pin_fail_p, pin_fail_c;
  int pin_fd_p, pin_fd_c;
  uint8_t fd_p, fd_c;      /* most fraction digits with '.' / ',' */
  uint64_t conflict_row;   /* first row read differently with '.' and ',' */
  uint64_t altdate_row;    /* first row whose date reads only the other way */
  char conflict_ex[40];
  char altdate_ex[24];
} colstat;
/* One column's cells of one chunk: <varint len><bytes> per row. */
typedef struct rawcol {
  uchar *b;
  size_t len, cap;
  size_t start;            /* where the current row's cell begins */
} rawcol;
enum { E_NONE, E_FIELDS, E_QUOTE, E_UTF8, E_UNTERMINATED, E_NOMEM, E_IO };

/* What a chunk's parser does with a row:
**   CH_ARENAS  keeps every cell in the column arenas (the table in memory);
**   CH_STATS   narrows the candidate types row by row and keeps a row
**              group in the arenas, spilled by the streaming import
**              (import_stream.c) when it is full. */
enum { CH_ARENAS, CH_STATS };

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
  uint64_t *missing;       /* unread columns (job.unread): the kept rows without a value */
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
  int mode;                /* CH_* */
  uint64_t grows;          /* CH_STATS: rows in the arenas */
  size_t gbytes;           /* CH_STATS: bytes in the arenas */
  void *sp;                /* CH_STATS: the streaming import's state of this chunk, or NULL */
  int err_errno;           /* E_IO */
} chunk;
typedef struct job {
  const char *fname;
  const seg_import_opts *o;
  const seg_import_more *m;
  const uchar *b;
  size_t n;
  int validate;            /* check UTF-8 while parsing */
  uint64_t text_max;       /* the most bytes of text a column holds: SEG_TEXT_MAX
                              (SEG_IMPORT_TEXT_MAX, for tests, lowers it) */
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
  int mode;                /* CH_* for the chunks made */
  void *arg;               /* seg_imp_run_file's `arg` (CH_STATS: the streaming import's) */
  uint8_t *unread;         /* CH_ARENAS: per column, 1 when m->want_column left it unread; or NULL */
  size_t *unread_cols;     /* their indexes, nunread of them */
  size_t nunread;
} job;

/* ---- small helpers -------------------------------------------------- */


/* 64-byte aligned allocation of at least n bytes (never 0), the padding
** after n zeroed.  The caller writes every byte of [0, n): zeroing it all
** first would touch each page twice. */
static inline void *amalloc(size_t n) {
  void *p = NULL;
  size_t sz = n == 0 ? ALIGN : (n + ALIGN - 1) / ALIGN * ALIGN;
  if (sz < n || posix_memalign(&p, ALIGN, sz) != 0) return NULL;
  memset((char *)p + n, 0, sz - n);
  return p;
}

/* n zeroed bytes, as calloc, but written rather than left to the kernel:
** a large calloc is fresh pages that a first read maps to the shared zero
** page, so the first write to each then copies it and flushes the TLB of
** every core the process runs on (an IPI per page).  A hash table probed
** before it is written (the dictionaries, the key check) pays that per
** page; memset faults each page in once, writable. */
static inline void *zalloc(size_t n, size_t size) {
  if (size != 0 && n > SIZE_MAX / size) return NULL;
  size_t bytes = n * size;
  void *p = malloc(bytes != 0 ? bytes : 1);
  if (p != NULL) memset(p, 0, bytes);
  return p;
}

/* Room for need elements of elem bytes in the array *pp (a T **, cap in
** elements), doubling from 16; 0 or -1 (out of memory, *pp unchanged). */
static inline int reserve(void *pp, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap : 16;
  while (nc < need) {
    if (nc > SIZE_MAX / 2 / elem) return -1;
    nc *= 2;
  }
  void *p, *np;
  memcpy(&p, pp, sizeof p);
  if ((np = realloc(p, nc * elem)) == NULL) return -1;
  memcpy(pp, &np, sizeof np);
  *cap = nc;
  return 0;
}

/* ' ' \t \n \v \f \r */
static inline int is_ws(uchar c) {
  return c <= ' ' && ((0x100003E00ull >> c) & 1);
}

/* Grows *b to hold need bytes (doubling); 0 or -1 (out of memory). */
static inline int grow(uchar **b, size_t *cap, size_t need) {
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
static inline void *csv_realloc(void *p, size_t n) {
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

static inline void csv_release(void *p) {
  if (p != NULL) free((size_t *)p - 2);
}

static inline void parser_init(struct csv_parser *p, int delim) {
  csv_init(p, CSV_OPTS);
  csv_set_delim(p, (uchar)delim);
  csv_set_realloc_func(p, csv_realloc);
  csv_set_free_func(p, csv_release);
}


/* Reads the cell at *pos of an arena; returns its bytes, sets *n. */
static inline const uchar *seg_imp_raw_next(const uchar *b, size_t *pos, size_t *n) {
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

#include "import_parse.h"

/* ---- across the stages -------------------------------------------------- */

size_t seg_imp_next_line(const uchar *b, size_t pos, size_t n);
uint64_t seg_imp_count_lines(const uchar *b, size_t n, size_t from, size_t to);
uint64_t seg_imp_column_of(const uchar *b, size_t pos);
size_t seg_imp_utf8_scan(const uchar *b, size_t i, size_t n);
void seg_imp_input_free(input *in);
int seg_imp_load_file(const char *path, const char *fname, input *in, const uchar **raw, size_t *rawlen,
                     char *err, size_t errlen);
int seg_imp_decode(const char *fname, const uchar *raw, size_t n, int enc, input *in, char *err, size_t errlen);
void seg_imp_chunk_free(chunk *ch, size_t ncols);
void seg_imp_run_tasks(size_t nthreads, size_t ntasks, void (*fn)(void *, size_t), void *arg);
void seg_imp_locate(job *jb, size_t k, const uint64_t *recs, uint64_t *lines, size_t n);
uint64_t seg_imp_row_line(job *jb, uint64_t r);
void seg_imp_warn(const job *jb, const char *fmt, ...);
void seg_imp_chunk_error(job *jb, size_t k);
void seg_imp_warn_bad_rows(job *jb, size_t upto);
int seg_imp_check_bad_ceiling(job *jb);
int seg_imp_make_chunks(job *jb);
size_t seg_imp_parse_body(job *jb);
uint64_t seg_imp_mix64(uint64_t a, uint64_t b);
uint64_t seg_imp_hash_bytes(const uchar *s, size_t n);
int seg_imp_pin_columns(job *jb);
int seg_imp_encode_all(job *jb, seg_table *out);
int seg_imp_run_file(const char *path, const seg_import_opts *o, const seg_import_more *m, int mode,
                     int (*fn)(job *, void *), void *arg, char *err, size_t errlen);
int seg_imp_parse_header(job *jb);
/* Parses chunk ch's byte range [from, to) (finishing the parser when last). */
void seg_imp_parse_chunk(chunk *ch, int last);
int seg_imp_chunk_init(chunk *ch, job *jb, size_t from, size_t to);
int seg_imp_setup(job *jb);

/* ---- the streaming import's pass 1 (import_stream.c) -------------------- */

/* CH_STATS: a row was kept (its cells at the arenas' `start`, their bytes
** counted in ch->gbytes); a full row group is spilled.  0, or -1 with
** ch->failed set. */
int seg_imp_stream_row(chunk *ch);
/* The rows in ch's arenas spilled as a row group (none: nothing done). */
int seg_imp_stream_spill(chunk *ch);
void seg_imp_stream_chunk_free(chunk *ch);
/* The message of a chunk's E_IO. */
void seg_imp_stream_error(job *jb, const chunk *ch);

/* ---- types and dictionaries (import_encode.c), shared with the stream -- */

typedef struct coltype {
  seg_type type;
  uint32_t scale;
  char dec;                /* SEG_INT / SEG_NUM: the decimal mark */
  char pinned;             /* the type comes from a schema: a value that
                              does not read as it is missing (--lenient) */
} coltype;

/* A text column's dictionary while it is built: open addressing, each
** slot (hash >> 32) << 32 | (code + 1), 0 = empty. */
typedef struct dict {
  uint64_t *slots;
  size_t mask;
  uint32_t *off;           /* (32-bit: at most SEG_TEXT_MAX bytes) */
  size_t ocap;
  uchar *bytes;
  size_t blen, bcap;
  uint32_t n;
  uint64_t max;            /* the most bytes it holds (SEG_TEXT_MAX unless set) */
} dict;

int seg_imp_dict_init(dict *d);

/* The positive integer in environment variable name (tests' knobs), else dflt. */
static inline uint64_t seg_imp_env_u64(const char *name, uint64_t dflt) {
  const char *s = getenv(name);
  if (s == NULL || *s == '\0') return dflt;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  return *end == '\0' && v > 0 ? (uint64_t)v : dflt;
}
/* "column j holds more than 4 GiB of distinct text" into jb->err. */
void seg_imp_too_much_text(job *jb, size_t j, uint64_t per_row_past);
void seg_imp_dict_free(dict *d);
/* The code of s[0..n) (hash h), added if new; -1 out of memory, -2 the
** dictionary would pass SEG_TEXT_MAX bytes. */
int64_t seg_imp_dict_code(dict *d, const uchar *s, size_t n, uint64_t h);
/* The same, but a new value only added when `add`, else -4. */
int64_t seg_imp_dict_find(dict *d, const uchar *s, size_t n, uint64_t h, int add);
/* s[0..n) as d's next entry, not looked up nor findable (the streaming
** import's groups of distinct values); its code, or -1 (out of memory),
** -2 (past SEG_TEXT_MAX bytes). */
int64_t seg_imp_dict_append(dict *d, const uchar *s, size_t n);
int seg_imp_nfc_dict(seg_column *col, uint64_t max);

/* The stream's view of the type decisions: the candidates of every chunk
** combined (warn = 0: silently, why_text not run; the streaming import
** calls it again with warn = 1 after its second pass, when `why` has the
** counts why_text gathers from the arenas). */
typedef struct whytext {
  uint64_t fit[6], bad[6], first[6];
  char ex[6][40];
  int done;                /* every type has too many misfits: stop */
} whytext;
coltype seg_imp_decide(job *jb, size_t j, int warn, const whytext *why);
void seg_imp_why_add(whytext *w, const uchar *s, size_t n, unsigned date_flags, uint64_t row, uint64_t cap);
uint64_t seg_imp_why_cap(uint64_t nrows);
void seg_imp_warn_empty_columns(job *jb);
const char *seg_imp_type_phrase(seg_type t);
/* Whether cell s[0..n) reads as t (a pinned type). */
int seg_imp_pin_fits(const job *jb, coltype t, const uchar *s, size_t n);
/* The decimal mark and scale of a column pinned to int or number, from the
** counts of the values that do not read each way and their most fraction
** digits. */
coltype seg_imp_pin_num(const job *jb, seg_type want, uint64_t fail_p, uint64_t fail_c, int fd_p, int fd_c);
/* The message (nbad > 0): the import fails (-1) unless --lenient (a warning, 0). */
int seg_imp_pin_report(job *jb, size_t j, seg_type want, uint64_t nbad, uint64_t first, const char *ex);

#endif
