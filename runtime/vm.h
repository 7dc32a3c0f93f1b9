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

/* A batch's members, to whoever asked (seg_vm_opts.on_batch): words
** [0, (rows + 63) / 64) of bits[s] are segment s's members among rows
** first_row .. first_row + rows - 1 (first_row is a multiple of 64).
** part is the thread that ran it (0 .. 63): calls with the same part never
** overlap in time, calls with different parts may. */
typedef void (*seg_vm_batch_fn)(void *ctx, unsigned part, size_t first_row, uint32_t rows,
                                const uint64_t *const *bits);

typedef struct seg_vm_opts {
  int want_members;        /* record each segment's members              */
  unsigned threads;        /* 0: the online CPUs (at most 8, one per 16
                              batches); n: n threads (at most 64, one per
                              batch)                                     */
  FILE *trace;             /* non-NULL: each instruction of the first batch,
                              with the size of its selection, as it runs
                              (`seg run --trace`; runs on one thread)    */
  const seg_vm_watch *watch; /* non-NULL: only its rows, each alone      */
  seg_vm_batch_fn on_batch;  /* without want_members: called after each
                              batch with its members (a batch's worth of
                              bits per segment, not nrows' worth; cleared
                              for every batch: for files of few segments) */
  void *ctx;               /* on_batch's first argument                  */
  /* Progress, or NULL: called from the VM threads with the rows done
  ** since the last call, every 32 batches (not per row) and at the end. */
  void (*progress)(void *ctx, uint64_t rows);
  void *progress_ctx;
} seg_vm_opts;

/* seg_vm_run with options; seg_vm_run is this with {want_members}. */
int seg_vm_run_opts(const seg_program *p, const seg_table *t, const seg_vm_opts *o, seg_result *res,
                    char *err, size_t errlen);
void seg_result_free(seg_result *r);

#endif
