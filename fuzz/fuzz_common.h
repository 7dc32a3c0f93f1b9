/*
** fuzz_common.h -- helpers shared by the libFuzzer harnesses in fuzz/.
**
** Header-only (static functions) so each fuzzer is one translation unit
** linked against libseg.a.  The harnesses abort() when an invariant the
** library promises is broken, so libFuzzer records the input as a crash.
*/
#ifndef SEG_FUZZ_COMMON_H
#define SEG_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "colfile.h"
#include "table.h"

#define FUZZ_CHECK(cond)                                                        \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__,   \
              __LINE__);                                                        \
      abort();                                                                  \
    }                                                                           \
  } while (0)

/* An anonymous in-memory file (memfd) reachable through a path, so the
** path-based loaders can read the fuzz input without touching the disk. */
typedef struct fuzz_memfile {
  int fd;
  char path[64];
} fuzz_memfile;

static inline void fuzz_memfile_init(fuzz_memfile *m, const char *name) {
  m->fd = memfd_create(name, 0);
  if (m->fd < 0) { perror("memfd_create"); abort(); }
  snprintf(m->path, sizeof m->path, "/proc/self/fd/%d", m->fd);
}

/* Replaces the file's content with data[0..n). */
static inline void fuzz_memfile_set(fuzz_memfile *m, const uint8_t *data, size_t n) {
  if (ftruncate(m->fd, 0) != 0) { perror("ftruncate"); abort(); }
  size_t off = 0;
  while (off < n) {
    ssize_t w = pwrite(m->fd, data + off, n - off, (off_t)off);
    if (w <= 0) { perror("pwrite"); abort(); }
    off += (size_t)w;
  }
}

/* Reads every value of column c of t and checks the invariants of
** table.h: dictionary offsets start at 0 and never decrease, number scales
** at most 18, unused validity bits clear.  With strict (the importer's
** promise, not seg_col_open's), also text codes < ndict and bools 0/1.
** Returns a checksum so the reads are not optimised away. */
static inline uint64_t fuzz_touch_column(const seg_table *t, size_t c, int strict) {
  uint64_t sum = 0;
  const seg_column *col = &t->cols[c];
  FUZZ_CHECK(col->name != NULL);
  sum += strlen(col->name);
  FUZZ_CHECK((unsigned)col->type < SEG_NTYPES);
  if (col->type == SEG_NUM) FUZZ_CHECK(col->scale <= 18);
  if (col->type == SEG_TEXT) {
    FUZZ_CHECK(col->dict_off != NULL || col->ndict == 0);
    uint64_t prev = col->dict_off ? col->dict_off[0] : 0;
    FUZZ_CHECK(prev == 0);
    for (uint32_t k = 1; col->dict_off && k <= col->ndict; k++) {
      FUZZ_CHECK(col->dict_off[k] >= prev);
      prev = col->dict_off[k];
    }
    for (uint64_t b = 0; b < prev; b++) sum += (unsigned char)col->dict_bytes[b];
  }
  if (t->nrows == 0) return sum;
  FUZZ_CHECK(col->valid != NULL && col->data != NULL);
  size_t words = (t->nrows + 63) / 64;
  if (t->nrows % 64) FUZZ_CHECK((col->valid[words - 1] >> (t->nrows % 64)) == 0);
  for (size_t i = 0; i < t->nrows; i++) {
    int present = seg_valid_get(col->valid, i);
    int64_t v = seg_col_get(col, i);
    sum += (uint64_t)v;
    if (present && strict && col->type == SEG_BOOL) FUZZ_CHECK(v == 0 || v == 1);
    if (present && strict && col->type == SEG_TEXT) FUZZ_CHECK((uint64_t)v < col->ndict);
    if (present && col->type == SEG_TEXT && (uint64_t)v < col->ndict)
      sum += col->dict_off[v + 1] - col->dict_off[v];
  }
  return sum;
}

/* fuzz_touch_column over every column. */
static inline uint64_t fuzz_touch_table(const seg_table *t, int strict) {
  uint64_t sum = t->nrows;
  FUZZ_CHECK(t->ncols == 0 || t->cols != NULL);
  for (size_t c = 0; c < t->ncols; c++) sum += fuzz_touch_column(t, c, strict);
  return sum;
}


static inline void fuzz_same_table(const seg_table *a, const seg_table *b) {
  FUZZ_CHECK(a->nrows == b->nrows && a->ncols == b->ncols);
  for (size_t c = 0; c < a->ncols; c++) {
    const seg_column *x = &a->cols[c], *y = &b->cols[c];
    FUZZ_CHECK(strcmp(x->name, y->name) == 0);
    FUZZ_CHECK(x->type == y->type && x->scale == y->scale);
    /* text: the same value per row (the file may store it per row,
    ** without the dictionary's codes: colfile.h) */
    if (x->type == SEG_TEXT && x->rowcode == y->rowcode) {
      FUZZ_CHECK(x->ndict == y->ndict);
      for (uint32_t k = 0; k <= x->ndict; k++) FUZZ_CHECK(x->dict_off[k] == y->dict_off[k]);
      FUZZ_CHECK(memcmp(x->dict_bytes, y->dict_bytes, x->dict_off[x->ndict]) == 0);
    }
    for (size_t i = 0; i < a->nrows; i++) {
      int p = seg_valid_get(x->valid, i);
      FUZZ_CHECK(p == seg_valid_get(y->valid, i));
      if (!p) continue;
      int64_t u = seg_col_get(x, i), v = seg_col_get(y, i);
      if (x->type != SEG_TEXT || x->rowcode == y->rowcode) {
        FUZZ_CHECK(u == v);
        continue;
      }
      uint32_t n = x->dict_off[u + 1] - x->dict_off[u];
      FUZZ_CHECK(n == y->dict_off[v + 1] - y->dict_off[v]);
      FUZZ_CHECK(memcmp(x->dict_bytes + x->dict_off[u], y->dict_bytes + y->dict_off[v], n) == 0);
    }
  }
}

/* seg_col_write then seg_col_open: the same table must come back.  The
** file lives in a fresh folder removed at once (libFuzzer may leave with
** _Exit, so nothing is left for an exit handler to clean). */
static inline void fuzz_col_round_trip(const seg_table *t) {
  const char *shmdir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  char err[512], dir[64], colpath[96];
  snprintf(dir, sizeof dir, "%s/segfuzz.XXXXXX", shmdir);
  FUZZ_CHECK(mkdtemp(dir) != NULL);
  snprintf(colpath, sizeof colpath, "%s/t.segcol", dir);
  if (seg_col_write(t, colpath, err, sizeof err) != 0) {
    fprintf(stderr, "seg_col_write: %s\n", err);
    abort();
  }
  seg_table back;
  if (seg_col_open(colpath, &back, err, sizeof err) != 0) {
    fprintf(stderr, "seg_col_open of a file seg_col_write wrote: %s\n", err);
    abort();
  }
  for (size_t c = 0; c < back.ncols; c++) {
    if (seg_col_check(&back.cols[c], back.nrows, err, sizeof err) != 0) {
      fprintf(stderr, "seg_col_check of a file seg_col_write wrote: %s\n", err);
      abort();
    }
  }
  fuzz_same_table(t, &back);
  seg_table_free(&back);
  unlink(colpath);
  rmdir(dir);
}

/* 1 when every present text code is < ndict and every present bool 0/1
** (what the importer promises; a .segcol opened from hostile bytes may
** break it, and then a write-back cannot be expected to be exact). */
static inline int fuzz_table_clean(const seg_table *t) {
  for (size_t c = 0; c < t->ncols; c++) {
    const seg_column *col = &t->cols[c];
    if (col->type != SEG_TEXT && col->type != SEG_BOOL) continue;
    for (size_t i = 0; i < t->nrows; i++) {
      if (!seg_valid_get(col->valid, i)) continue;
      uint64_t v = (uint64_t)seg_col_get(col, i);
      if (col->type == SEG_TEXT ? v >= col->ndict : v > 1) return 0;
    }
  }
  return 1;
}

#endif
