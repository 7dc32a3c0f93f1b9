/*
** fuzz_customers.h -- the columns of examples/customers.schema and a small
** fixed table of them (150 rows: missing values, three bitmap words, a
** text dictionary with case-folding and multi-byte entries), for the
** fuzzers that compile or load programs and run them in the VM.
*/
#ifndef SEG_FUZZ_CUSTOMERS_H
#define SEG_FUZZ_CUSTOMERS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "fuzz_common.h"
#include "table.h"

static const char *const names[] = {
  "customer_id", "email", "first_name", "country", "city", "gender", "age", "signup_date",
  "last_purchase", "purchases_90d", "total_spend", "email_opt_in", "loyalty_tier"};
static const seg_type types[] = {
  SEG_INT, SEG_TEXT, SEG_TEXT, SEG_TEXT, SEG_TEXT, SEG_TEXT, SEG_INT, SEG_DATE,
  SEG_DATE, SEG_INT, SEG_NUM, SEG_BOOL, SEG_TEXT};
/* W0207 depends on it: a few columns known to have no missing values */
static const uint8_t may_be_missing[] = {0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1};
#define NCOLS (sizeof names / sizeof names[0])
#define NROWS 150

static const char *const words[] = {"SE", "no", "Dk", "FI", "straße", "İstanbul", "", "gold",
                                    "a@b.se", "Émile", "x\"y", "ǅ", "silver", "bronze"};
#define NWORDS (sizeof words / sizeof words[0])

static seg_table table;
static FILE *devnull;
static int32_t today;

static void *xcalloc(size_t n) {
  void *p = aligned_alloc(64, (n + 63) / 64 * 64);
  FUZZ_CHECK(p != NULL);
  memset(p, 0, (n + 63) / 64 * 64);
  return p;
}

static void init(void) {  /* sets devnull, today and table */
  devnull = fopen("/dev/null", "w");
  FUZZ_CHECK(devnull != NULL);
  today = seg_date_days_from_civil(2026, 11, 23);
  table.nrows = NROWS;
  table.ncols = NCOLS;
  table.cols = calloc(NCOLS, sizeof *table.cols);
  FUZZ_CHECK(table.cols != NULL);
  uint32_t seed = 12345;
  for (size_t c = 0; c < NCOLS; c++) {
    seg_column *col = &table.cols[c];
    col->name = strdup(names[c]);
    col->type = types[c];
    col->valid = xcalloc((NROWS + 63) / 64 * 8);
    size_t dictlen = 0;
    if (types[c] == SEG_TEXT) {
      col->ndict = NWORDS;
      col->dict_off = xcalloc((NWORDS + 1) * sizeof *col->dict_off);
      for (size_t k = 0; k < NWORDS; k++) dictlen += strlen(words[k]);
      col->dict_bytes = xcalloc(dictlen + 1);
      size_t o = 0;
      for (size_t k = 0; k < NWORDS; k++) {
        memcpy(col->dict_bytes + o, words[k], strlen(words[k]));
        o += strlen(words[k]);
        col->dict_off[k + 1] = o;
      }
    }
    if (types[c] == SEG_NUM) col->scale = 2;
    size_t width = types[c] == SEG_BOOL ? 1 : (types[c] == SEG_INT || types[c] == SEG_NUM) ? 8 : 4;
    col->data = xcalloc(NROWS * width);
    for (size_t i = 0; i < NROWS; i++) {
      seed = seed * 1103515245u + 12345u;
      uint32_t r = seed >> 8;
      if (!may_be_missing[c] || r % 7 != 0) col->valid[i / 64] |= 1ull << (i % 64);
      switch (types[c]) {
        case SEG_BOOL: ((uint8_t *)col->data)[i] = r & 1; break;
        case SEG_INT: ((int64_t *)col->data)[i] = (int64_t)(r % 120) - 10; break;
        case SEG_NUM: ((int64_t *)col->data)[i] = (int64_t)(r % 2000000) - 1000; break;
        case SEG_DATE: ((int32_t *)col->data)[i] = today - (int32_t)(r % 4000); break;
        case SEG_TEXT: ((uint32_t *)col->data)[i] = r % NWORDS; break;
      }
    }
  }
}

#endif
