/*
** fuzz_compile.c -- rule text through the whole compiler.
**
** The input is a .seg file.  It is compiled (parse, sema, lint, codegen,
** verify) against the columns of examples/customers.schema with `today`
** pinned; the diagnostics are rendered in every output format (to
** /dev/null); a program that compiles is disassembled (`seg explain`) and
** run by the VM over a small fixed table of those columns (with missing
** values, several batches' worth of bitmap words and a text dictionary),
** with members recorded.  Invariants: seg_compile's return value agrees
** with the error count, every diagnostic has a code, a message and a
** location inside the text, and the VM accepts any program the compiler
** accepted.  Rules may also read an event table `orders` (customer_id,
** order_date, amount, category, channel: 300 events, orphans and missing
** values among them): a program that compiles then has its aggregates
** filled (seg_events_fill, over a copy of the table whose customer_id is
** unique) before the VM runs it, which must both succeed.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "fuzz_common.h"
#include "fuzz_customers.h"
#include "render.h"
#include "measure.h"
#include "events.h"
#include "vm.h"

static const char *const ev_names[] = {"customer_id", "order_date", "amount", "category", "channel"};
static const seg_type ev_types[] = {SEG_INT, SEG_DATE, SEG_NUM, SEG_TEXT, SEG_TEXT};
#define EV_NCOLS 5
#define EV_NROWS 300
static seg_table events, evcust;        /* the orders; the customers with customer_id = row */

static void init_events(void) {
  events.nrows = EV_NROWS;
  events.ncols = EV_NCOLS;
  events.cols = calloc(EV_NCOLS, sizeof *events.cols);
  FUZZ_CHECK(events.cols != NULL);
  uint32_t seed = 777;
  for (size_t c = 0; c < EV_NCOLS; c++) {
    seg_column *col = &events.cols[c];
    col->name = strdup(ev_names[c]);
    col->type = ev_types[c];
    col->valid = xcalloc((EV_NROWS + 63) / 64 * 8);
    if (ev_types[c] == SEG_TEXT) {              /* the customers' dictionary, shared */
      col->ndict = table.cols[3].ndict;
      col->dict_off = table.cols[3].dict_off;
      col->dict_bytes = table.cols[3].dict_bytes;
    }
    if (ev_types[c] == SEG_NUM) col->scale = 2;
    size_t width = (ev_types[c] == SEG_INT || ev_types[c] == SEG_NUM) ? 8 : 4;
    col->data = xcalloc(EV_NROWS * width);
    for (size_t i = 0; i < EV_NROWS; i++) {
      seed = seed * 1103515245u + 12345u;
      uint32_t r = seed >> 8;
      if (r % 11 != 0) col->valid[i / 64] |= 1ull << (i % 64);
      switch (ev_types[c]) {
        case SEG_INT: ((int64_t *)col->data)[i] = (int64_t)(r % (NROWS + 20)) - 5; break;
        case SEG_NUM: ((int64_t *)col->data)[i] = (int64_t)(r % 100000) - 500; break;
        case SEG_DATE: ((int32_t *)col->data)[i] = today - (int32_t)(r % 2000); break;
        default: ((uint32_t *)col->data)[i] = r % NWORDS; break;
      }
    }
  }
  evcust = table;
  evcust.cols = calloc(NCOLS, sizeof *evcust.cols);
  FUZZ_CHECK(evcust.cols != NULL);
  memcpy(evcust.cols, table.cols, NCOLS * sizeof *evcust.cols);
  seg_column *id = &evcust.cols[0];
  id->valid = xcalloc((NROWS + 63) / 64 * 8);
  id->data = xcalloc(NROWS * 8);
  for (size_t i = 0; i < NROWS; i++) {
    id->valid[i / 64] |= 1ull << (i % 64);
    ((int64_t *)id->data)[i] = (int64_t)i * 3;       /* unique, with gaps: the direct index */
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!devnull) { init(); init_events(); }
  if (size > 65536) return 0;
  const char *src = (const char *)data;
  static const seg_schema_view evview = {.ncols = EV_NCOLS, .names = ev_names, .types = ev_types};
  static const char *const tnames[] = {"orders"};
  seg_schema_view sv = {.ncols = NCOLS, .names = names, .types = types, .may_be_missing = may_be_missing,
                        .ntables = 1, .table_names = tnames, .tables = &evview};
  seg_compiled c;
  int rc = seg_compile(src, size, &sv, today, &c);
  if (rc >= 0) {
    FUZZ_CHECK(rc == c.diags.nerrors);
    FUZZ_CHECK((rc == 0) == (c.ok == 1));
  }
  int lines = 1;
  for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
  for (size_t i = 0; i < c.diags.n; i++) {
    const seg_diag *d = &c.diags.v[i];
    FUZZ_CHECK(d->code != NULL && d->msg != NULL);
    FUZZ_CHECK(d->loc.first_line >= 1 && d->loc.first_line <= lines);
    FUZZ_CHECK(d->loc.first_column >= 1);
    FUZZ_CHECK(d->loc.last_line >= d->loc.first_line && d->loc.last_line <= lines);
  }
  seg_render_file f = {"fuzz.seg", src, size, &c.diags};
  for (int fmt = SEG_RENDER_TEXT; fmt <= SEG_RENDER_GITLAB; fmt++)
    seg_render(devnull, (seg_render_format)fmt, &f, 1, "0.0", fmt == SEG_RENDER_TEXT);
  if (rc == 0) {
    seg_explain(devnull, &c.prog);
    seg_result res = {0};
    char err[512];
    seg_table run = table;
    if (c.prog.nevcols) {                 /* the aggregates' columns, after a copy of evcust's */
      run = evcust;
      run.cols = malloc((NCOLS + 1) * sizeof *run.cols);
      FUZZ_CHECK(run.cols != NULL);
      memcpy(run.cols, evcust.cols, NCOLS * sizeof *run.cols);
      const seg_table *ev[] = {&events};
      seg_evreport rep[1];
      int er = seg_events_fill(&c.prog, &run, ev, rep, 1, err, sizeof err);
      if (er != 0) fprintf(stderr, "events: %s\n", err);
      FUZZ_CHECK(er == 0);
      FUZZ_CHECK(rep[0].events == EV_NROWS);
    }
    int vr = seg_vm_run(&c.prog, &run, 1, &res, err, sizeof err);
    if (vr != 0) fprintf(stderr, "vm: %s\n", err);
    FUZZ_CHECK(vr == 0);
    FUZZ_CHECK(res.nsegs == seg_program_slots(&c.prog));   /* the segments, then the hidden conditions */
    for (uint32_t s = 0; s < res.nsegs; s++) FUZZ_CHECK(res.counts[s] <= NROWS);
    /* the measures of the rules: computed memory-safely, one value per segment and measure */
    seg_measures ms;
    if (seg_measures_compute(&c.prog, &run, &res, &ms, err, sizeof err) == 0) {
      FUZZ_CHECK(ms.nmeasures == c.prog.nmeasures && (c.prog.nmeasures == 0 || ms.nsegs == c.prog.nsegs));
      seg_measures_free(&ms);
    }
    seg_result_free(&res);
    if (run.cols != table.cols) {
      for (size_t k = NCOLS; k < run.ncols; k++) {
        free(run.cols[k].name);
        free(run.cols[k].own_valid);
        free(run.cols[k].own_data);
      }
      free(run.cols);
    }
  }
  seg_compiled_free(&c);
  return 0;
}
