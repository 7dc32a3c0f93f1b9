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

typedef struct seg_loc {
  int first_line, first_column;   /* 1-based; columns count code points */
  int last_line, last_column;     /* last_column is inclusive           */
} seg_loc;

/* ---- arena ------------------------------------------------------- */
typedef struct seg_arena_block seg_arena_block;
typedef struct seg_arena { seg_arena_block *head; } seg_arena;
void *seg_arena_alloc(seg_arena *a, size_t n);          /* zeroed, aborts never: NULL on OOM */
char *seg_arena_strndup(seg_arena *a, const char *s, size_t n);
void seg_arena_free(seg_arena *a);                       /* leaves *a empty */

/* ---- value types (sema) ----------------------------------------- */
typedef enum seg_vtype {
  VT_UNKNOWN = 0,  /* not yet known, or an error was reported          */
  VT_BOOL, VT_INT, VT_NUM, VT_TEXT, VT_DATE,
  VT_DURATION,     /* compile-time only: N days / months               */
  VT_NULL          /* a literal with no type (never produced today)    */
} seg_vtype;
const char *seg_vtype_name(seg_vtype t);

typedef enum seg_unit { U_DAY, U_WEEK, U_MONTH, U_YEAR } seg_unit;

/* ---- nodes -------------------------------------------------------- */
typedef enum seg_nkind {
  N_INT,       /* ival                                                   */
  N_NUM,       /* fval (decimal literal)                                 */
  N_STR,       /* str, len                                               */
  N_BOOL,      /* ival 0/1                                               */
  N_DATE,      /* ival = days since 1970-01-01                           */
  N_TODAY,     /* -                                                      */
  N_DURATION,  /* a = amount expression, unit                            */
  N_NAME,      /* str = identifier; sema sets ref (let/segment) or col   */
  N_BIN,       /* op ('+','-','*','/', OP_LT..OP_NE), a, b               */
  N_NEG,       /* a                                                      */
  N_AND, N_OR, /* a, b                                                   */
  N_NOT,       /* a                                                      */
  N_RANGE,     /* a = subject, b = low or NULL, c = high or NULL         */
  N_IN,        /* a = subject, list = items (next-linked), negated       */
  N_MISSING,   /* a, negated (is not missing)                            */
  N_IS,        /* a is true (op 1) / is false (op 0), negated (is not):
                  never unknown: a missing a makes both false          */
  N_TEXTOP,    /* op (OP_CONTAINS..OP_MATCHES), a, b                     */
  N_WITHIN,    /* a = date, b = duration                                 */
  N_AGO,       /* a = date, b = duration, op = OP_GT (more) / OP_LT (less)*/
  N_CALL       /* str = function name, list = args; fn set by sema      */
} seg_nkind;

enum {
  OP_LT = 256, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
  OP_CONTAINS, OP_STARTS, OP_ENDS, OP_MATCHES
};

typedef enum seg_func { F_NONE, F_DAYS_SINCE, F_YEAR, F_MONTH, F_LOWER, F_UPPER,
                        F_LENGTH, F_ABS, F_COALESCE } seg_func;

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
  seg_node *list;     /* first item of a list (N_IN, N_CALL)           */
  seg_node *next;     /* next sibling in a list                         */
  /* sema */
  seg_vtype type;
  int col;            /* N_NAME: column index, or -1                   */
  struct seg_stmt *ref; /* N_NAME: referenced let or segment           */
  int textcol;        /* the single text column this subtree reads, -1 none, -2 several/other columns */
  int has_cols;       /* subtree reads any column or segment            */
  void *cache;        /* compiled regex or folded text (runtime owned) */
  const char *folded; size_t folded_len;
  int depth;          /* height of the subtree (parser), through constants (sema) */
};

/* The deepest expression tree accepted: the parser, sema (through `let`
** constants), codegen and the evaluator all recurse over the tree, so
** this bounds their stack use (tests/limits.sh runs it under ASan). */
#define SEG_MAX_NESTING 1000

typedef enum seg_skind { S_LET, S_SEGMENT } seg_skind;

typedef struct seg_stmt {
  seg_skind kind;
  seg_loc loc, name_loc;
  const char *name;
  const char *desc;     /* segment description or NULL                  */
  seg_node *expr;
  struct seg_stmt *next;
  /* sema */
  int index;            /* segment: index among segments                */
  int state;            /* cycle detection: 0 new, 1 visiting, 2 done   */
  int used;
  int broken;           /* sema reported an error in it: lint skips it   */
} seg_stmt;

typedef struct seg_ast {
  seg_stmt *first, *last;
  int nsegments;
} seg_ast;

seg_node *seg_node_new(seg_arena *a, seg_nkind k, seg_loc loc);

/* The one definition of a bare name (a segment, a let, a column without
** backticks): a letter or '_' then letters, digits or '_', where a letter is
** ASCII or any Unicode XID_Start (XID_Continue after the first), as in
** Python and Rust: `kunder_på_väg_bort`. Returns the byte offset of the
** first character that does not fit, or n when all of s[0..n) does.
** s must be valid UTF-8. */
size_t seg_ident_prefix(const char *s, size_t n);

#endif
