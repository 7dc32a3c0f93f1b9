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
#include <stdio.h>
#include "program.h"
#include "table.h"


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

typedef struct seg_vm_opts {
  int want_members;        /* record each segment's members              */
  unsigned threads;        /* 0: the online CPUs (at most 8, one per 16
                              batches); n: n threads (at most 64, one per
                              batch)                                     */
  FILE *trace;             /* non-NULL: each instruction of the first batch,
                              with the size of its selection, as it runs
                              (`seg run --trace`; runs on one thread)    */
} seg_vm_opts;

/* seg_vm_run with options; seg_vm_run is this with {want_members}. */
int seg_vm_run_opts(const seg_program *p, const seg_table *t, const seg_vm_opts *o, seg_result *res,
                    char *err, size_t errlen);
void seg_result_free(seg_result *r);

#endif
