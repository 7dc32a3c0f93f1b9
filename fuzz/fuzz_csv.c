/*
** fuzz_csv.c -- CSV import (runtime/import.h) over arbitrary bytes.
**
** The input is the whole CSV file (read through a memfd path, as
** `seg import` reads a file).  Each input is imported with several option
** sets: defaults (o = NULL), delimiter sniffing with --skip-bad-rows and a
** warning callback, and a forced delimiter (';' or TAB, picked by the
** input's length).  Every import must either fail with a message shaped
** "FILE:..." or give a table whose every value can be read and whose
** invariants hold (fuzz_touch_table, with text codes < ndict).  The
** sniffer is also run over the raw bytes.  The first table imported is
** also written as a .segcol (seg_col_write, into a folder in /dev/shm or
** /tmp) and opened again: every name, type, scale, validity bit, value and
** dictionary entry must come back unchanged.  The same input is also
** imported by the streaming import (seg_import_csv_segcol, in row groups of
** 3 rows and chunks of 64 bytes): it must fail with the same message, or
** write the very bytes seg_col_write wrote.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "import.h"

static fuzz_memfile mf;
static int inited;
static volatile uint64_t sink;

static void warn_cb(void *ctx, const char *msg) {
  size_t *n = ctx;
  FUZZ_CHECK(msg != NULL);
  *n += strlen(msg) + 1;
}

static uint8_t *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  FUZZ_CHECK(f != NULL);
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc((size_t)len + 1);
  FUZZ_CHECK(b != NULL && fread(b, 1, (size_t)len, f) == (size_t)len);
  fclose(f);
  *n = (size_t)len;
  return b;
}

/* The streaming import against the in-memory one (t, or NULL when it
** failed with message err). */
static void stream_same(const seg_import_opts *o, const seg_table *t, const char *err) {
  const char *shmdir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  char dir[64], a[96], b[96], serr[512];
  snprintf(dir, sizeof dir, "%s/segfuzz.XXXXXX", shmdir);
  FUZZ_CHECK(mkdtemp(dir) != NULL);
  snprintf(a, sizeof a, "%s/mem.segcol", dir);
  snprintf(b, sizeof b, "%s/stream.segcol", dir);
  size_t nr = 0, nc = 0;
  int rc = seg_import_csv_segcol(mf.path, o, NULL, b, &nr, &nc, serr, sizeof serr);
  if (t == NULL) {
    if (rc == 0 || strcmp(err, serr) != 0) {
      fprintf(stderr, "in memory: %s\nstreaming: %s\n", err, rc == 0 ? "(success)" : serr);
      abort();
    }
    FUZZ_CHECK(access(b, F_OK) != 0);
  } else {
    if (rc != 0) {
      fprintf(stderr, "the streaming import failed: %s\n", serr);
      abort();
    }
    FUZZ_CHECK(nr == t->nrows && nc == t->ncols);
    FUZZ_CHECK(seg_col_write(t, a, serr, sizeof serr) == 0);
    size_t na, nb;
    uint8_t *x = slurp(a, &na), *y = slurp(b, &nb);
    FUZZ_CHECK(na == nb && memcmp(x, y, na) == 0);
    free(x);
    free(y);
    unlink(a);
    unlink(b);
  }
  rmdir(dir);
}

static void import_once(const seg_import_opts *o, int write_back) {
  seg_table t;
  memset(&t, 0xA5, sizeof t);   /* the importer must fill it either way */
  char err[512];
  err[0] = 0;
  if (seg_import_csv(mf.path, o, &t, err, sizeof err) == 0) {
    sink += fuzz_touch_table(&t, 1);
    if (write_back) fuzz_col_round_trip(&t), stream_same(o, &t, NULL);
    seg_table_free(&t);
  } else {
    if (write_back) stream_same(o, NULL, err);
    /* on error the table is left empty and the message names the file */
    FUZZ_CHECK(t.nrows == 0 && t.ncols == 0 && t.cols == NULL && t.backing == NULL);
    FUZZ_CHECK(strncmp(err, mf.path, strlen(mf.path)) == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!inited) {
    fuzz_memfile_init(&mf, "fuzz.csv");
    setenv("SEG_IMPORT_GROUP_ROWS", "3", 1);
    setenv("SEG_IMPORT_MIN_CHUNK", "64", 1);
    inited = 1;
  }
  if (size > (1u << 20)) return 0;
  int d = seg_import_sniff_delimiter((const char *)data, size);
  FUZZ_CHECK(d == ',' || d == ';' || d == '\t');
  fuzz_memfile_set(&mf, data, size);

  import_once(NULL, 1);

  size_t warned = 0;
  seg_import_opts skip = {0, 1, warn_cb, &warned};
  import_once(&skip, 0);

  seg_import_opts forced = {(size & 1) ? '\t' : ';', 0, NULL, NULL};
  import_once(&forced, 0);
  return 0;
}
