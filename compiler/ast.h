/*
** ast.h -- the abstract syntax tree of a .seg file.
**
** Every node and every string hanging off it lives in one arena
** (seg_arena) owned by the seg_program; nothing in the tree is freed on
** its own. The parser only builds nodes; semantic analysis fills in the
** `type`, `ref` and `col` fields.
*/
#ifndef SEG_AST_H
#define SEG_AST_H

#include <stddef.h>
#include <stdint.h>
#include "expr.h"
#include "types.h"

/* ---- arena ------------------------------------------------------- */
typedef struct seg_arena_block seg_arena_block;
typedef struct seg_arena { seg_arena_block *head; } seg_arena;
void *seg_arena_alloc(seg_arena *a, size_t n);          /* zeroed, aborts never: NULL on OOM */
char *seg_arena_strndup(seg_arena *a, const char *s, size_t n);
void seg_arena_free(seg_arena *a);                       /* leaves *a empty */

typedef struct seg_node seg_node;
struct seg_node {
  seg_nkind kind;
  seg_loc loc;
  int op;
  int negated;
  seg_unit unit;
  seg_func fn;
  int64_t ival;
  double fval;
  const char *str;
  size_t len;
  seg_node *a, *b, *c;
  int bare;           /* SEG_N_IN: `x in NAME`, the list a let defines   */
  int period;         /* SEG_N_RANGE: 1 `in this UNIT`, 2 `in last UNIT` (unit); sema sets b, c */
  seg_node *list;     /* first item of a list (SEG_N_IN, SEG_N_CALL)           */
  seg_node *next;     /* next sibling in a list                         */
  /* sema */
  seg_vtype type;
  int col;            /* SEG_N_NAME: column index, or -1                   */
  struct seg_stmt *ref; /* SEG_N_NAME: referenced let or segment           */
  int textcol;        /* the single text column this subtree reads, -1 none, -2 several/other columns */
  int has_cols;       /* subtree reads any column or segment            */
  const char *folded; size_t folded_len;
  int depth;          /* height of the subtree (parser), through constants (sema) */
  int rank;           /* SEG_N_RANK: its use (codegen: seg_ruse index)    */
  int rfm;            /* sema: this `+` is an rfm() code (compared with text) */
  int evagg;          /* sema: 1 + the event aggregate (ast->evaggs) this
                         call became; it then reads its column col       */
  seg_node *evwhere;  /* its filter then (event columns: not walked by the
                         passes over customer expressions)              */
};

/* S_MEASURE: a value computed per segment over its members (expr over
** aggregates; where: a filter on every aggregate, or NULL). S_REQUIRE: a
** guard ANDed into every segment of the file (name ""). S_PRIORITY
** (`priority lifecycle = vip, lapsing, else rest`): tiers in order, each
** customer in the first listed segment that holds it; expr is the first
** listed name (SEG_N_NAME, the others follow through `next`; sema sets
** each one's ref to its segment), where the `else` name (SEG_N_NAME, its
** str the tier's name) or NULL.
** S_SPLIT: `split q4 = base by key [salt "s"]: test 45%, control 55%`; the
** parser also appends one S_SEGMENT per arm right after it (name
** "q4.test", split set, rule `base and bucket(salt, key) lo..hi`), so every
** later pass sees the arms as ordinary segments; its own expr is `base and
** key is missing` (the customers it leaves in no arm).
** S_TABLE (`table orders by customer_id [= id] [time order_date]`): an
** event table joined on key (the events' column, and the customers' of the
** same name unless `= custkey` names theirs); timecol the time column of
** first()/last() or NULL (then sema infers it). */
typedef enum seg_skind { S_LET, S_SEGMENT, S_MEASURE, S_REQUIRE, S_PRIORITY, S_SPLIT, S_TABLE } seg_skind;

/* One arm of a split: buckets [lo, lo + n) of 10,000 (n = share * 100). */
typedef struct seg_arm {
  const char *name;        /* the arm's own name ("test")                 */
  seg_loc loc, name_loc, share_loc;
  uint32_t lo, n;
  struct seg_arm *next;
} seg_arm;

typedef struct seg_stmt {
  seg_skind kind;
  seg_loc loc, name_loc;
  const char *name;
  const char *desc;     /* segment description or NULL                  */
  seg_node *expr;
  seg_node *where;      /* S_MEASURE: `... where cond`, or NULL         */
  struct seg_stmt *next;
  /* S_SPLIT */
  seg_node *base;       /* the population: a segment name, NULL: everyone */
  seg_node *key;        /* the key column (a name)                       */
  const char *salt;     /* NUL-terminated; the split's name by default   */
  int has_salt;         /* written `salt "..."`                          */
  seg_arm *arms;
  int narms;
  int split_index;      /* S_SPLIT: its index among splits               */
  struct seg_stmt *split; /* an arm's S_SEGMENT: its split, else NULL    */
  /* sema */
  int index;            /* segment: index among segments                */
  int state;            /* cycle detection: 0 new, 1 visiting, 2 done   */
  int used;
  int broken;           /* sema reported an error in it: lint skips it   */
  /* S_TABLE */
  seg_node *timecol;    /* `time COL`, or NULL                           */
  seg_node *custkey;    /* `by KEY = COL`: the customers' key COL, or NULL */
  int table;            /* sema: index in the schema's tables, or -1      */
  int tindex;           /* sema: its index among the file's tables        */
  int keycol, evkey;    /* sema: the key in the customers' and its columns */
  int evtime;           /* sema: its time column, -1 none, -2 ambiguous   */
  int *gather;          /* sema: customer columns its filters read, in the
                           order they follow its own columns (arena)      */
  int ngather, capgather;
} seg_stmt;

/* An aggregate of an event table (`count(orders where ...)`): one value
** per customer, computed from the events before the pass into column
** col of the customers (after the data's own columns), which the rules
** then read like any other. fn: seg_evfn; evcol: the event table's
** column it reads, or -1; where: its filter (names resolved against the
** event table, col >= the table's own columns naming customer columns
** gathered, table->gather), or NULL. */
typedef struct seg_evagg {
  seg_stmt *table;
  int fn;
  int evcol;
  seg_node *where;
  seg_node *node;       /* its first use, for messages and seg sql       */
  seg_vtype type;
  int col;
} seg_evagg;

typedef struct seg_ast {
  seg_stmt *first, *last;
  int nsegments;
  int nmeasures;
  int npriorities;
  int nsplits;
  int ntables;
  seg_evagg *evaggs;    /* arena; sema */
  int nevaggs, capevaggs;
} seg_ast;

seg_node *seg_node_new(seg_arena *a, seg_nkind k, seg_loc loc);

/* `a and b` of two checked conditions, built in *buf (no allocation), with
** the facts sema gives an `and`: bool, has_cols, the one text column read
** alone (-1 none, -2 several or others). The `require` guard uses it to
** wrap each segment's rule (codegen, seg sql). Returns buf. */
seg_node *seg_node_and(seg_node *buf, seg_node *a, seg_node *b);

/* 1 when x and y are the same checked expression (kind, operator,
** literals, columns and statements read, all the way down): two uses of
** one ranking share its first pass (codegen, seg sql). */
int seg_node_same(const seg_node *x, const seg_node *y);

/* The one definition of a bare name (a segment, a let, a column without
** backticks): a letter or '_' then letters, digits or '_', where a letter is
** ASCII or any Unicode XID_Start (XID_Continue after the first), as in
** Python and Rust: `kunder_på_väg_bort`. Returns the byte offset of the
** first character that does not fit, or n when all of s[0..n) does.
** s must be valid UTF-8. */
size_t seg_ident_prefix(const char *s, size_t n);

#endif
