/*
** vm.h -- the vectorised interpreter: runs a seg_program over a table in
** batches of SEG_BATCH rows, all segments in one pass.
**
** Ownership: seg_vm_run fills a seg_result it owns; seg_result_free
** releases it and leaves it empty.
*/
#ifndef SEG_VM_H
#define SEG_VM_H

#include <stdint.h>
#include "program.h"
#include "table.h"

#define SEG_BATCH 2048
_Static_assert((SEG_BATCH & (SEG_BATCH - 1)) == 0, "the batch size is a power of two");
_Static_assert(SEG_BATCH % 64 == 0 && SEG_BATCH <= 65536, "batches fill whole bitmap words");

typedef struct seg_result {
  uint32_t nsegs;
  size_t nrows;
  uint64_t *counts;        /* members per segment                         */
  uint64_t **members;      /* per segment a bitmap of nrows bits, or NULL */
} seg_result;

/* Runs p over t. With want_members, also records each segment's members.
** The program's columns must match t's (names and types). Returns 0, or
** -1 with a message in err. */
int seg_vm_run(const seg_program *p, const seg_table *t, int want_members, seg_result *res,
               char *err, size_t errlen);
void seg_result_free(seg_result *r);

#endif
