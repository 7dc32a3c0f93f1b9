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
** accepted.
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
#include "vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!devnull) init();
  if (size > 65536) return 0;
  const char *src = (const char *)data;
  seg_schema_view sv = {.ncols = NCOLS, .names = names, .types = types, .may_be_missing = may_be_missing};
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
    int vr = seg_vm_run(&c.prog, &table, 1, &res, err, sizeof err);
    if (vr != 0) fprintf(stderr, "vm: %s\n", err);
    FUZZ_CHECK(vr == 0);
    FUZZ_CHECK(res.nsegs == seg_program_slots(&c.prog));   /* the segments, then the hidden conditions */
    for (uint32_t s = 0; s < res.nsegs; s++) FUZZ_CHECK(res.counts[s] <= NROWS);
    /* the measures of the rules: computed memory-safely, one value per segment and measure */
    seg_measures ms;
    if (seg_measures_compute(&c.prog, &table, &res, &ms, err, sizeof err) == 0) {
      FUZZ_CHECK(ms.nmeasures == c.prog.nmeasures && (c.prog.nmeasures == 0 || ms.nsegs == c.prog.nsegs));
      seg_measures_free(&ms);
    }
    seg_result_free(&res);
  }
  seg_compiled_free(&c);
  return 0;
}
