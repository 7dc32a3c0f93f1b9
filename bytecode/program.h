/*
** program.h -- compiled bytecode: instructions, constants, text maps and
** the expressions behind them, segments, and the columns it reads.
**
** The layer both the compiler (which emits programs) and the runtime
** (which runs them) depend on; it depends on neither. A program is
** self-contained: it owns every array and string it points to, so it
** outlives the source and the AST it came from, and a .segc holds exactly
** these fields.
**
** Ownership: seg_program_free releases everything and leaves it empty.
*/
#ifndef SEG_PROGRAM_H
#define SEG_PROGRAM_H

#include <stdint.h>
#include "expr.h"
#include "types.h"

/* Rows per batch: every register holds a vector of SEG_BATCH values. */
#define SEG_BATCH 2048
_Static_assert((SEG_BATCH & (SEG_BATCH - 1)) == 0, "the batch size is a power of two");
_Static_assert(SEG_BATCH % 64 == 0 && SEG_BATCH <= 65536, "batches fill whole bitmap words");

/* Three-valued condition bytes: `and` is min, `or` is max. */
enum { SEG_FALSE = 0, SEG_UNKNOWN = 1, SEG_TRUE = 2 };

typedef enum seg_opcode {
#define OP(name, fmt, regs, cols, map, level, sem) SEG_OP_##name,
#include "opcodes.def"
#undef OP
  SEG_OP_COUNT
} seg_opcode;

_Static_assert(SEG_OP_COUNT <= 255, "opcodes must fit a byte");

/* The columns of opcodes.def, one entry per opcode. */
typedef struct seg_opinfo {
  const char *name;
  const char *format;      /* operand letters, see opcodes.def            */
  const char *regs;        /* register kinds read and written             */
  const char *coltypes;    /* letters of the column types C may have      */
  char map;                /* 'T', 'I', 'F': the map kind read; '-' none  */
  char level;              /* 'W' whole batch (depth 0 only), '-'         */
  const char *semantics;
} seg_opinfo;

extern const seg_opinfo seg_ops[SEG_OP_COUNT];

/* 1 when op's column operand may be a column of type t. */
int seg_op_reads_type(const seg_opinfo *op, seg_type t);

typedef struct seg_insn {
  uint16_t op, a;
  uint32_t b, c, d;
} seg_insn;

/* A text expression evaluated once per distinct value of column `col`:
** node `expr` of the program's expression program; loc is where the
** rules wrote it (debug information, for run-time messages). */
typedef struct seg_map {
  uint32_t col;
  seg_vtype type;            /* VT_BOOL, VT_INT or VT_NUM               */
  uint32_t expr;
  seg_loc loc;
} seg_map;

typedef struct seg_seginfo {
  char *name, *desc;         /* owned; desc may be NULL                 */
  seg_loc loc;
} seg_seginfo;

/* A measure (`measure revenue = sum(total_spend) * 0.12`) is computed per
** segment over its members after the pass, from these tables:
**   seg_aggr     one aggregate: fn over column col (-1: count customers),
**                of the rows where condition slot cond is true (-1: all);
**                p: percentile()'s fraction (median 0.5)
**   seg_mop      the measure's arithmetic in postfix: 'a' push aggregate
**                agg, 'k' push k, '+' '-' '*' '/' pop two push one, 'n'
**                negate the top
**   seg_measure  its name and description, and mops [first, first + n)
** A condition slot is a segment the program computes but nobody sees
** (p->nsegs + i): an aggregate's `where`, or the `require` guard (slot
** guard - 1; guard 0: none), which codegen also ANDs into every segment. */
typedef struct seg_aggr {
  uint8_t fn;                /* seg_aggfn                               */
  int32_t col;
  int32_t cond;
  double p;
} seg_aggr;

typedef struct seg_mop {
  uint8_t kind;
  uint32_t agg;
  double k;
} seg_mop;

typedef struct seg_measure {
  char *name, *desc;         /* owned; desc may be NULL                 */
  seg_loc loc;
  uint32_t first, n;
} seg_measure;

/* Rankings (`quintile(x)`, `x in top 10%`): the program runs in two
** passes. Pass 1 is code [0, npass1): RVAL instructions hand each row's
** value of a ranked expression (where its population condition is true)
** to source rsrc[i]; then the runtime computes each use's thresholds
** (order statistics of its source's values: runtime/rank.c), and pass 2,
** code [npass1, ncode), reads them (NTILE, RTOP).
**   seg_rsrc  one ranked expression over one population: isf 1 when its
**             values are numbers (f64), 0 ints or dates (i64)
**   seg_ruse  one ranking of a source: kind seg_rkind; k of an ntile;
**             pct the share of top/bottom in 1/10000 of a percent */
typedef struct seg_rsrc { uint8_t isf; } seg_rsrc;
typedef struct seg_ruse {
  uint32_t src;
  uint8_t kind;
  uint32_t k;
  int64_t pct;
} seg_ruse;
/* A priority (`priority lifecycle = vip, lapsing, else rest`): tiers
** [first, first + n) of the program's seg_tier table, in order; each
** customer is in the first tier whose segment holds it (tier i is seg_i and
** not seg_1 .. seg_{i-1}, computed after the pass from the members:
** runtime/tiers.c). else_name: the tier of the rest of the customers the
** `require` guard keeps (NULL: no else tier). loc: the priority's name;
** a tier's loc: where it is listed. */
typedef struct seg_tier {
  uint32_t seg;              /* the tier's segment                      */
  seg_loc loc;
} seg_tier;

typedef struct seg_priority {
  char *name, *else_name;    /* owned; else_name may be NULL            */
  seg_loc loc, else_loc;
  uint32_t first, n;
} seg_priority;
/* A split (`split q4 = newsletter by customer_id: test 45%, control 55%`):
** its arms are the segments [first, first + narms), arm i taking buckets
** buckets[i] of SEG_BUCKETS (consecutive, in order); base is the segment
** it divides (-1: everyone), key the key column; condition slot nokey
** counts the customers of the base with no key (in no arm). */
typedef struct seg_split {
  char *name, *salt;         /* owned                                   */
  seg_loc loc;
  int32_t base, key;
  uint32_t first, narms;
  uint32_t *buckets;         /* owned, narms                            */
  uint32_t nokey;
} seg_split;

/* Event tables (`table orders by customer_id`, issue 15): before the
** pass, each aggregate fills customer column col (one of the program's
** last nevcols columns, after the data's own) from its table's events
** (runtime/events.c); the rules read it like any other column.
**   seg_evtable  one table: its name, the key column (same name in both
**                tables), the time column of first()/last() (an index
**                among its columns, -1 none); filters: a program run over
**                the events (its columns: the table's ncols own, then
**                the customer columns gather[] read per event through
**                the key), its segment i the filter of some aggregates
**   seg_evcol    fn (seg_evfn) of column evcol (-1: the events
**                themselves) of the events of table `table` where
**                filter segment `filter` holds (-1: all) */
typedef struct seg_program seg_program;
typedef struct seg_evtable {
  char *name, *key;          /* owned                                   */
  uint32_t custkey, evkey;   /* the key's column in each table          */
  int32_t time;
  uint32_t ncols;            /* the table's own columns, as compiled:   */
  char **colnames;           /* owned, ncols: bound by name at run time */
  seg_type *coltypes;        /* owned, ncols                            */
  int32_t *gather;  uint32_t ngather;   /* owned                        */
  seg_program *filters;      /* owned, or NULL (no aggregate filters)   */
} seg_evtable;
typedef struct seg_evcol {
  uint32_t table;
  uint8_t fn;
  int32_t evcol;
  int32_t filter;
  uint32_t col;
} seg_evcol;

struct seg_program {
  seg_insn *code;   uint32_t ncode, capcode;
  int64_t *ki;      uint32_t nki, capki;
  double *kf;       uint32_t nkf, capkf;
  seg_map *maps;    uint32_t nmaps, capmaps;
  seg_xprog x;               /* the maps' expressions, prepared         */
  seg_seginfo *segs; uint32_t nsegs;
  uint32_t nconds;           /* hidden condition slots after the segments */
  uint32_t guard;            /* the `require` guard: 1 + its slot, or 0  */
  seg_aggr *aggs;    uint32_t naggs;
  seg_mop *mops;     uint32_t nmops;
  seg_measure *measures; uint32_t nmeasures;
  uint32_t npass1;           /* code [0, npass1): the rankings' first pass */
  seg_rsrc *rsrc;    uint32_t nrsrc;
  seg_ruse *ruse;    uint32_t nruse;
  seg_tier *tiers;   uint32_t ntiers;
  seg_priority *prios; uint32_t nprios;
  seg_split *splits; uint32_t nsplits;
  uint32_t nregs;
  uint32_t maxdepth;         /* deepest selection stack                 */
  uint32_t ncols;            /* columns of the schema it was built for  */
  char **colnames;           /* owned                                   */
  seg_type *coltypes;        /* owned                                   */
  int32_t today;
  seg_evtable *evtables; uint32_t nevtables;
  seg_evcol *evcols; uint32_t nevcols;  /* their columns: the last nevcols */
};

void seg_program_free(seg_program *p);

/* Every result slot: the segments, then the hidden conditions. */
static inline uint32_t seg_program_slots(const seg_program *p) { return p->nsegs + p->nconds; }

/* Gives p its own copy of the schema's columns. Returns 0 or -1 (oom). */
int seg_program_set_columns(seg_program *p, const seg_schema_view *schema);

/* The columns p was built for, as a schema view (valid while p is). */
seg_schema_view seg_program_columns(const seg_program *p);

/* Checks every operand against the program's bounds (registers,
** constants, maps, columns, jumps), each register read against the kind
** last written, balanced selections, each segment counted once, and the
** text maps (their expressions verified, each map of its column's text
** and of the kind its readers need). Returns 0 or -1 with a message
** (-2: out of memory). */
int seg_program_verify(const seg_program *p, char *err, size_t errlen);

/* The bytecode listing of `seg explain`: one line per instruction,
** `addr OPCODE operands ; semantics`. */
#include <stdio.h>
void seg_explain(FILE *out, const seg_program *p);

#endif
