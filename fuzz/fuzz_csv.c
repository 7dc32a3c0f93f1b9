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
** dictionary entry must come back unchanged.
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

static void import_once(const seg_import_opts *o, int write_back) {
  seg_table t;
  memset(&t, 0xA5, sizeof t);   /* the importer must fill it either way */
  char err[512];
  err[0] = 0;
  if (seg_import_csv(mf.path, o, &t, err, sizeof err) == 0) {
    sink += fuzz_touch_table(&t, 1);
    if (write_back) fuzz_col_round_trip(&t);
    seg_table_free(&t);
  } else {
    /* on error the table is left empty and the message names the file */
    FUZZ_CHECK(t.nrows == 0 && t.ncols == 0 && t.cols == NULL && t.backing == NULL);
    FUZZ_CHECK(strncmp(err, mf.path, strlen(mf.path)) == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!inited) {
    fuzz_memfile_init(&mf, "fuzz.csv");
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
