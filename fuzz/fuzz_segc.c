/*
** fuzz_segc.c -- the saved-bytecode loader (bytecode/segc.h) on hostile bytes.
**
** The input is a whole .segc file.  It is loaded twice: as given (CRC
** checked, as `seg run` does) and with the CRC check skipped
** (seg_segc_load_ex), so mutations reach the section parser and the
** verifier behind the checksum.  A program that loads must:
**   - disassemble (`seg explain`) without trouble;
**   - save again (seg_segc_save) and load back from its own bytes;
**   - bind to the columns of examples/customers.schema if it names only
**     those (else a clean error) and then run in the VM over a small table
**     of them without error (the verifier promises the VM a safe program).
** Error messages must be non-empty and the output left empty on failure.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"
#include "fuzz_common.h"
#include "fuzz_customers.h"
#include "segc.h"
#include "measure.h"
#include "vm.h"

static void use(seg_program *c, const seg_segc_info *info) {
  seg_explain(devnull, c);

  /* save and load back */
  char *buf = NULL;
  size_t len = 0;
  char err[512];
  if (seg_segc_save(c, info, &buf, &len, err, sizeof err) == 0) {
    seg_program again;
    seg_segc_info info2;
    int rc = seg_segc_load(buf, len, &info2, &again, err, sizeof err);
    if (rc != 0) fprintf(stderr, "reload of a saved program: %s\n", err);
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(again.ncode == c->ncode && again.nsegs == c->nsegs && again.x.nn == c->x.nn);
    seg_program_free(&again);
    free(buf);
  }

  /* bind to the customers columns and run */
  seg_schema_view sv = {.ncols = NCOLS, .names = names, .types = types, .may_be_missing = may_be_missing};
  err[0] = 0;
  if (seg_segc_bind(c, &sv, err, sizeof err) != 0) {
    FUZZ_CHECK(err[0] != 0);
    return;
  }
  seg_result res = {0};
  int vr = seg_vm_run(c, &table, 1, &res, err, sizeof err);
  if (c->nevcols) {                     /* its event aggregates' columns need their events: refused, cleanly */
    FUZZ_CHECK(vr != 0 && err[0] != 0);
    seg_result_free(&res);
    return;
  }
  if (vr != 0) fprintf(stderr, "vm: %s\n", err);
  FUZZ_CHECK(vr == 0);
  FUZZ_CHECK(res.nsegs == seg_program_slots(c));
  /* the measures of a verified program are computed memory-safely (a sum
  ** that does not fit is an error, not a crash) */
  seg_measures ms;
  if (seg_measures_compute(c, &table, &res, &ms, err, sizeof err) == 0) seg_measures_free(&ms);
  /* no check that counts <= rows: the verifier lets a hostile program
  ** emit a segment from several places (memory-safe, counts then exceed
  ** the rows; see fuzz/README.md) */
  seg_result_free(&res);
}

static void load(const uint8_t *data, size_t size, int skip_crc) {
  seg_program c;
  seg_segc_info info;
  char err[512];
  err[0] = 0;
  if (seg_segc_load_ex(data, size, skip_crc, &info, &c, err, sizeof err) == 0) {
    use(&c, &info);
  } else {
    FUZZ_CHECK(err[0] != 0);
    FUZZ_CHECK(c.code == NULL && c.x.n == NULL && c.segs == NULL);
  }
  seg_program_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!devnull) init();
  if (size > (1u << 20)) return 0;
  (void)seg_segc_is_segc(data, size);
  load(data, size, 0);
  load(data, size, 1);
  return 0;
}
