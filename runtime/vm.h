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

/* seg why: the VM runs each row of rows[0..n) alone, as a selection of
** that one row in its batch (one thread, the rows in order), and after
** each instruction that writes a condition register while the row is
** still selected (not skipped by an `and` / `or` already decided) calls
** fn(ctx, k, pc, value): k indexes rows, value is the row's three-valued
** byte. The program must have no whole-batch instructions (level 'W'). */
typedef struct seg_vm_watch {
  const size_t *rows;
  size_t n;
  void (*fn)(void *ctx, size_t k, uint32_t pc, uint8_t value);
  void *ctx;
} seg_vm_watch;

typedef struct seg_vm_opts {
  int want_members;        /* record each segment's members              */
  unsigned threads;        /* 0: the online CPUs (at most 8, one per 16
                              batches); n: n threads (at most 64, one per
                              batch)                                     */
  FILE *trace;             /* non-NULL: each instruction of the first batch,
                              with the size of its selection, as it runs
                              (`seg run --trace`; runs on one thread)    */
  const seg_vm_watch *watch; /* non-NULL: only its rows, each alone      */
} seg_vm_opts;

/* seg_vm_run with options; seg_vm_run is this with {want_members}. */
int seg_vm_run_opts(const seg_program *p, const seg_table *t, const seg_vm_opts *o, seg_result *res,
                    char *err, size_t errlen);
void seg_result_free(seg_result *r);

#endif
