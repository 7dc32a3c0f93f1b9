/*
** fuzz_segcol.c -- the .segcol loader (runtime/colfile.h) on corrupt bytes.
**
** The input is a whole .segcol file, opened through a memfd path with
** seg_col_open.  When it opens, every column is checksummed
** (seg_col_check), every value and dictionary entry is read, and a rule
** reading every column is compiled against the table and run by the VM,
** as `seg run` would (text codes are not checked against ndict at open, so
** the VM must cope with codes out of range).  A table whose codes and bools
** are in range is written back with seg_col_write and must read back equal.
**
** Almost every mutation of a real file breaks a CRC and stops at the
** header check, so each input that has the magic is opened a second time
** with its header and column checksums recomputed (CRC-32 for version 1,
** XXH3-64 for version 2): that reaches the
** bounds, length, alignment and dictionary validation behind the CRCs.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include(<xxhash.h>)
#define XXH_INLINE_ALL
#include <xxhash.h>
#define FUZZ_HAVE_XXH 1
#endif

#include "colfile.h"
#include "crc32.h"
#include "compile.h"
#include "fuzz_common.h"
#include "vm.h"

static fuzz_memfile mf;
static int inited;
static volatile uint64_t sink;

static uint64_t rd64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}
static void wr32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Recomputes the column checksums (version 1: CRC-32; version 2: XXH3-64)
** and the header CRC of buf in place, as far as the header can be walked.
** Returns 1 if it could (then buf may have changed). */
static int fix_checksums(uint8_t *buf, size_t n) {
  if (n < 36 || memcmp(buf, "SEGCOL\0\1", 8) != 0) return 0;
  uint32_t version = (uint32_t)buf[8] | (uint32_t)buf[9] << 8 | (uint32_t)buf[10] << 16 |
                     (uint32_t)buf[11] << 24;
  size_t sumlen = version == 1 ? 4 : 8;
  uint64_t hlen = rd64(buf + 24);
  if (hlen < 36 || hlen > n) return 0;
  uint32_t ncols = (uint32_t)buf[12] | (uint32_t)buf[13] << 8 | (uint32_t)buf[14] << 16 |
                   (uint32_t)buf[15] << 24;
  size_t p = 32;
  for (uint32_t c = 0; c < ncols; c++) {
    if (p + 2 > hlen - 4) break;
    size_t nl = (size_t)buf[p] | (size_t)buf[p + 1] << 8;
    size_t e = p + 2 + nl;           /* type, width, scale, ndict, flags */
    if (e + 16 + 64 + sumlen > hlen - 4) break;
    const uint8_t *arr = buf + e + 16;
    uint32_t crc = 0;
#ifdef FUZZ_HAVE_XXH
    XXH3_state_t h;
    XXH3_64bits_reset(&h);
#endif
    int ok = 1;
    for (int k = 0; k < 4; k++) {
      uint64_t off = rd64(arr + 16 * k), len = rd64(arr + 16 * k + 8);
      if (off > n || len > n - off) { ok = 0; break; }
      crc = seg_crc32(crc, buf + off, (size_t)len);
#ifdef FUZZ_HAVE_XXH
      XXH3_64bits_update(&h, buf + off, (size_t)len);
#endif
    }
    if (ok && version == 1) wr32(buf + e + 16 + 64, crc);
#ifdef FUZZ_HAVE_XXH
    if (ok && version != 1) wr64(buf + e + 16 + 64, XXH3_64bits_digest(&h));
#endif
    p = e + 16 + 64 + sumlen;
  }
  uint32_t hc = seg_crc32(0, buf, (size_t)hlen - 4);
  wr32(buf + hlen - 4, hc);
  return 1;
}

/* A rule that reads every column the way `seg run` would. */
static void run_rules(const seg_table *t) {
  size_t cap = 256 + t->ncols * 160, n = 0;
  for (size_t c = 0; c < t->ncols; c++) cap += 2 * strlen(t->cols[c].name);
  char *src = malloc(cap);
  const char **names = calloc(t->ncols + 1, sizeof *names);
  seg_type *types = calloc(t->ncols + 1, sizeof *types);
  FUZZ_CHECK(src && names && types);
  for (size_t c = 0; c < t->ncols; c++) {
    const seg_column *col = &t->cols[c];
    names[c] = col->name;
    types[c] = col->type;
    char q[1024];
    size_t ql = 0;
    q[ql++] = '`';
    for (const char *s = col->name; *s && ql < sizeof q - 3; s++) {
      if (*s == '`') q[ql++] = '`';
      q[ql++] = *s;
    }
    q[ql++] = '`';
    q[ql] = 0;
    const char *cond;
    switch (col->type) {
      case SEG_BOOL: cond = "%s = true or %s is missing"; break;
      case SEG_INT: cond = "%s > 3 or %s in (1, 2)"; break;
      case SEG_NUM: cond = "%s >= 1.5 or abs(%s) < 100"; break;
      case SEG_DATE: cond = "%s within 30 days or year(%s) = 2020"; break;
      default: cond = "%s contains \"a\" or lower(%s) matches \"^b.*z$\""; break;
    }
    n += (size_t)snprintf(src + n, cap - n, "segment s%zu = ", c);
    n += (size_t)snprintf(src + n, cap - n, cond, q, q);
    n += (size_t)snprintf(src + n, cap - n, "\n");
    FUZZ_CHECK(n < cap);
  }
  seg_schema_view sv = {.ncols = t->ncols, .names = names, .types = types, .may_be_missing = NULL};
  seg_compiled comp;
  if (seg_compile(src, n, &sv, 20000, &comp) == 0) {
    seg_result res = {0};
    char err[512];
    if (seg_vm_run(&comp.prog, t, 1, &res, err, sizeof err) == 0) {
      for (uint32_t s = 0; s < res.nsegs; s++) sink += res.counts[s];
      seg_result_free(&res);
    }
  }
  seg_compiled_free(&comp);
  free(src);
  free(names);
  free(types);
}

static void open_once(const uint8_t *data, size_t size) {
  fuzz_memfile_set(&mf, data, size);
  sink += (uint64_t)seg_col_is_segcol(mf.path);
  seg_table t;
  char err[512];
  if (seg_col_open(mf.path, &t, err, sizeof err) != 0) {
    FUZZ_CHECK(t.nrows == 0 && t.ncols == 0 && t.cols == NULL && t.backing == NULL);
    FUZZ_CHECK(strncmp(err, mf.path, strlen(mf.path)) == 0);
    return;
  }
  /* a column's dictionary offsets are only promised once its hash is
  ** checked: read only the columns that pass */
  int all_ok = 1;
  for (size_t c = 0; c < t.ncols; c++) {
    if (seg_col_check(&t.cols[c], t.nrows, err, sizeof err) != 0) all_ok = 0;
    else sink += fuzz_touch_column(&t, c, 0);
  }
  if (all_ok) run_rules(&t);
  /* a clean table written back must read back the same */
  if (all_ok && fuzz_table_clean(&t)) fuzz_col_round_trip(&t);
  seg_table_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!inited) { fuzz_memfile_init(&mf, "fuzz.segcol"); inited = 1; }
  if (size > (4u << 20)) return 0;
  open_once(data, size);
  uint8_t *copy = malloc(size ? size : 1);
  FUZZ_CHECK(copy != NULL);
  memcpy(copy, data, size);
  if (fix_checksums(copy, size) && memcmp(copy, data, size) != 0) open_once(copy, size);
  free(copy);
  return 0;
}
