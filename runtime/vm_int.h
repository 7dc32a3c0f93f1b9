/*
** vm_int.h -- the VM's private parts shared by its files: the text maps
** (runtime/textmap.c fills them, the kernels and the dispatch loop read
** them) and the per-instruction data resolved at the start of a run.
** Included by vm.c, textmap.c and kernels.h only.
*/
#ifndef SEG_VM_INT_H
#define SEG_VM_INT_H

#include <stddef.h>
#include <stdint.h>
#include "program.h"
#include "table.h"

#define HSET_MAX 8

typedef struct vmap {
  uint8_t *t;                  /* VT_BOOL: three-valued per code        */
  /* VT_BOOL: when at most HSET_MAX codes are true (or not true: hinv),
  ** those codes, so HMAP compares codes instead of looking each up */
  uint32_t hset[HSET_MAX];
  int hn;                      /* -1: look up                           */
  uint8_t hinv;
  int64_t *i;
  double *f;
  uint8_t *v;
  int match_error;             /* a `matches` the matcher could not decide: */
  size_t bad_code;             /* PCRE2's error and the value's code        */
  /* VT_BOOL: the expression as a tree of common tests (textmap.c), or NULL */
  struct seg_ttree *tree;
  /* evaluated per row (seg_vm_map_rows), not per dictionary value: the
  ** tables above are not allocated; rmiss is the value for a missing text;
  ** rowrange: a whole batch whose codes are a range is decided once per
  ** code over the range's run of bytes (0: row by row, SEG_TEXT_ROWS=each) */
  uint8_t rowwise, rmiss, rowrange;
  /* the column's checksum is verified while the rows run (vm.c): every
  ** text offset is checked before its bytes are read (a range to rise,
  ** a value's end within the bytes), and a failure is an error */
  uint8_t unchecked;
} vmap;

/* Per-instruction data resolved once per run. */
typedef struct vaux {
  int64_t lo, hi;              /* RNG_*, SRNG_*: integer bounds; lo > hi: empty */
  int64_t *set;                /* IN_C, SIN_C: the constants, sorted    */
  uint32_t nset;
} vaux;

/* Allocates a map's tables for the dictionary of its column (and one more
** entry: a missing value). Returns 0 or -1 (out of memory). */
int seg_vm_map_alloc(const seg_map *m, const seg_table *t, vmap *out);
/* Evaluates map m for dictionary codes [lo, hi) (code ndict: missing):
** the common text tests on ASCII bytes without the evaluator, the rest
** through bytecode/expr.c. Returns 0, or -1 (out of memory, or a pattern
** the matcher could not decide: out->match_error, out->bad_code). */
int seg_vm_map_fill(const seg_program *p, const seg_map *m, const seg_table *t, vmap *out, size_t lo, size_t hi);
/* The codes of a filled condition map that are true (or, if fewer, not
** true), when there are at most HSET_MAX of them (else out->hn = -1). */
void seg_vm_map_hset(vmap *m, uint32_t ndict);
void seg_vm_map_free(vmap *m);

/* Zeroes *out and prepares map m: a condition that is a tree of common
** tests gets out->tree; when its column's dictionary does not pay (more
** than half the rows distinct, or SEG_TEXT_ROWS), out->rowwise is set and
** the map is evaluated per row instead of filled. Returns 0 or -1 (out of
** memory). */
int seg_vm_map_plan(const seg_program *p, const seg_map *m, const seg_table *t, vmap *out);
/* The rowwise maps which[0 .. nw) (all of one column) for the rows
** base + sel[q] (sel NULL: base + q), q < n, in one pass over the rows'
** bytes: outs[w][row in batch] := the three-valued value of which[w].
** Returns 0 or -1 (out of memory in the evaluator). */
int seg_vm_map_rows(const seg_program *p, const seg_table *t, const vmap *maps, const uint32_t *which,
                    uint32_t nw, size_t base, const uint16_t *sel, uint32_t n, uint8_t *const *outs);

#endif
