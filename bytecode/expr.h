/*
** expr.h -- scalar expressions as program data, and their one evaluator.
**
** The VM runs a text sub-expression (`email ends with ".se"`, `lower(city)
** in (...)`, `length(name) > 3`) once per distinct dictionary value of the
** one text column it reads, then maps codes through the table it filled.
** The compiler lowers such a sub-expression (compiler/lower.c) into a
** seg_xprog: a flat array of nodes, children before their parent, strings
** in one pool. A program carries it as data (a .segc stores it as it is;
** loading parses nothing) and this evaluator runs it. The compiler folds
** constants through the same evaluator, so compile time and run time can
** never disagree on what an expression means.
**
** The kinds, operators and functions below are shared with the AST
** (compiler/ast.h), which is built from the same vocabulary.
**
** Ownership: a seg_xprog owns its nodes, pool and compiled regular
** expressions; seg_xprog_free releases them and leaves it empty.
*/
#ifndef SEG_EXPR_H
#define SEG_EXPR_H

#include <stddef.h>
#include <stdint.h>

/* ---- value types ---------------------------------------------------- */
typedef enum seg_vtype {
  VT_UNKNOWN = 0,  /* not yet known, or an error was reported          */
  VT_BOOL, VT_INT, VT_NUM, VT_TEXT, VT_DATE,
  VT_DURATION,     /* compile-time only: N days / months               */
  VT_NULL          /* a literal with no type (never produced today)    */
} seg_vtype;
const char *seg_vtype_name(seg_vtype t);

typedef enum seg_unit { U_DAY, U_WEEK, U_MONTH, U_YEAR } seg_unit;

/* ---- node kinds, operators, functions ------------------------------- */
typedef enum seg_nkind {
  SEG_N_INT,       /* ival                                                   */
  SEG_N_NUM,       /* fval (decimal literal); when op > 0, ival * 10^-(op-1) is
                      the exact decimal it was written as (op - 1 <= 18)     */
  SEG_N_STR,       /* str, len                                               */
  SEG_N_BOOL,      /* ival 0/1                                               */
  SEG_N_DATE,      /* ival = days since 1970-01-01                           */
  SEG_N_TODAY,     /* ival = days after today: 0 today, -1 yesterday         */
  SEG_N_DURATION,  /* a = amount expression, unit                            */
  SEG_N_NAME,      /* AST: str = identifier, sema sets ref or col; seg_xnode:
                  the value of column col (the map's), missing elsewhere */
  SEG_N_BIN,       /* op ('+','-','*','/', SEG_OPR_LT..SEG_OPR_NE), a, b               */
  SEG_N_NEG,       /* a                                                      */
  SEG_N_AND, SEG_N_OR, /* a, b                                                   */
  SEG_N_NOT,       /* a                                                      */
  SEG_N_RANGE,     /* a = subject, b = low or NULL, c = high or NULL         */
  SEG_N_IN,        /* a = subject, list = items (next-linked), negated       */
  SEG_N_MISSING,   /* a, negated (is not missing)                            */
  SEG_N_IS,        /* a is true (op 1) / is false (op 0), negated (is not):
                  never unknown: a missing a makes both false          */
  SEG_N_TEXTOP,    /* op (SEG_OPR_CONTAINS..SEG_OPR_MATCHES), a, b                     */
  SEG_N_WITHIN,    /* a = date, b = duration                                 */
  SEG_N_AGO,       /* a = date, b = duration, op = SEG_OPR_GT (more) / SEG_OPR_LT (less)*/
  SEG_N_CALL,      /* str = function name, list = args; fn set by sema      */
  SEG_N_LIST,      /* AST only (never in a seg_xprog): the value of `let xs =
                  ("a", "b")`, list = items; used as `x in xs`            */
  SEG_N_AGG,       /* AST only, in a measure: op = seg_aggfn, a = the column
                  read (a name) or NULL, b = where condition or NULL,
                  fval = the fraction of percentile()                   */
  SEG_N_RANK       /* AST only, a ranking over the base: op = seg_rkind,
                  a = the ranked value, b = the population (a segment
                  name, `within`) or NULL; ival = k of an ntile, or the
                  share of `top`/`bottom` in 1/10000 of a percent     */
} seg_nkind;

/* The rankings (issue 14): `quintile(x)` and friends are ntiles, `x in
** top 10%` and `x in bottom 10%` shares. */
typedef enum seg_rkind { SEG_RK_NTILE, SEG_RK_TOP, SEG_RK_BOTTOM } seg_rkind;

/* The aggregates of a measure (`measure revenue = sum(total_spend)`). */
typedef enum seg_aggfn {
  SEG_AG_COUNT, SEG_AG_SUM, SEG_AG_AVG, SEG_AG_MIN, SEG_AG_MAX, SEG_AG_MEDIAN,
  SEG_AG_PERCENTILE, SEG_AG_RATE, SEG_AG_COUNT_DISTINCT, SEG_AG__N
} seg_aggfn;
/* "sum", ...; NULL past the end. */
const char *seg_aggfn_name(seg_aggfn f);

/* The aggregates over a customer's events (`count(orders where ...)`,
** issue 15), computed per customer before the pass (runtime/events.c). */
typedef enum seg_evfn {
  SEG_EV_COUNT, SEG_EV_ANY, SEG_EV_ALL, SEG_EV_SUM, SEG_EV_AVG, SEG_EV_MIN, SEG_EV_MAX,
  SEG_EV_FIRST, SEG_EV_LAST, SEG_EV_COUNT_DISTINCT, SEG_EV__N
} seg_evfn;
/* "count", "any", ...; NULL past the end. */
const char *seg_evfn_name(seg_evfn f);

enum {
  SEG_OPR_LT = 256, SEG_OPR_LE, SEG_OPR_GT, SEG_OPR_GE, SEG_OPR_EQ, SEG_OPR_NE,
  SEG_OPR_CONTAINS, SEG_OPR_STARTS, SEG_OPR_ENDS, SEG_OPR_MATCHES
};

typedef enum seg_func { F_NONE, F_DAYS_SINCE, F_YEAR, F_MONTH, F_LOWER, F_UPPER,
                        F_LENGTH, F_ABS, F_COALESCE,
                        F_BUCKET /* a split's arm: bucket(salt, key), made by the parser only */ } seg_func;

/* The bucket of a split (docs/language.md): the first 4 bytes of
** MD5(salt ":" key) as a big-endian unsigned 32-bit integer, modulo
** SEG_BUCKETS. key is the key's text: an int in plain decimal, a date as
** YYYY-MM-DD, text as its bytes (seg_bucket_key writes the first two). */
#define SEG_BUCKETS 10000
uint32_t seg_bucket(const char *salt, size_t saltlen, const char *key, size_t keylen);
/* The key text of an int (date 0) or a date (date 1, days since 1970). */
size_t seg_bucket_key(int64_t v, int date, char buf[32]);


/* The deepest expression tree accepted: the parser, sema (through `let`
** constants), codegen and the evaluator all recurse over the tree, so
** this bounds their stack use (tests/limits.sh runs it under ASan). */
#define SEG_MAX_NESTING 1000


/* ---- expression programs ------------------------------------------------- */
#define SEG_XNONE UINT32_MAX     /* no node / no string                      */

typedef struct seg_xnode {
  uint8_t kind;                  /* seg_nkind                                */
  uint8_t type;                  /* seg_vtype of its value                   */
  uint8_t fn;                    /* SEG_N_CALL: seg_func                         */
  uint8_t unit;                  /* SEG_N_DURATION: seg_unit                     */
  uint16_t op;                   /* SEG_N_BIN, SEG_N_TEXTOP, SEG_N_AGO, SEG_N_IS: operator   */
  uint8_t negated;
  uint8_t pad;
  int32_t col;                   /* SEG_N_NAME: the column read, or -1           */
  uint32_t a, b, c;              /* children (lower indices), or SEG_XNONE   */
  uint32_t list, next;           /* SEG_N_IN / SEG_N_CALL items, next-linked         */
  int64_t ival;                  /* SEG_N_INT, SEG_N_BOOL, SEG_N_DATE                    */
  double fval;                   /* SEG_N_NUM                                    */
  uint32_t str, len;             /* SEG_N_STR: bytes in the pool                 */
  uint32_t folded, folded_len;   /* SEG_N_STR: its case folding in the pool, or
                                    SEG_XNONE until seg_xprog_prepare        */
} seg_xnode;

typedef struct seg_xprog {
  seg_xnode *n;    uint32_t nn, capn;
  char *pool;      uint32_t npool, cappool;
  void **re;       /* per node: the compiled pattern of a `matches` (prepare) */
  int oom;         /* an append failed: the program is incomplete          */
} seg_xprog;

/* Appends a node (zeroed but for SEG_XNONE links); returns its index, or
** SEG_XNONE when out of memory (x->oom set). */
uint32_t seg_xprog_node(seg_xprog *x, seg_nkind kind, seg_vtype type);
/* Copies n bytes into the pool; returns their offset (SEG_XNONE: oom). */
uint32_t seg_xprog_str(seg_xprog *x, const char *s, size_t n);
void seg_xprog_free(seg_xprog *x);

/* Checks a program read from a file before anything evaluates it: every
** kind, operator, function and unit known; children before their parent,
** each node the child of at most one other (a forest, no sharing, no
** cycles), no deeper than SEG_MAX_NESTING; strings inside the pool; and
** every node's children of the types its kind needs (as the compiler's
** type checker would have them). Returns 0 or -1 with a message. */
int seg_xprog_verify(const seg_xprog *x, char *err, size_t errlen);

/* Makes a verified (or freshly lowered) program ready to run: folds each
** string literal once (Unicode full case folding) and compiles each
** `matches` pattern. Returns 0, -1 with a message (a pattern that does not
** compile), or -2 when out of memory. */
int seg_xprog_prepare(seg_xprog *x, char *err, size_t errlen);

/* ---- values and evaluation ----------------------------------------------- */
typedef struct seg_val {
  seg_vtype type;
  int missing;          /* missing value; for VT_BOOL: unknown          */
  int64_t i;            /* INT, DATE (days), BOOL (0/1), DURATION amount */
  double f;             /* NUM                                           */
  int dec;              /* NUM: 1 when the value is the exact decimal
                           i / 10^scale (f is its nearest double): + - *
                           and comparisons of such values are exact      */
  uint32_t scale;
  seg_unit unit;        /* DURATION                                      */
  const char *s;        /* TEXT bytes (not NUL-terminated)               */
  size_t n;
  char *owned;          /* heap buffer behind s when the value made it   */
} seg_val;

/* The decimal a number constant was written as: the shortest digits that
** read back as d (a literal of up to 15 significant digits gives its own
** digits back), as v / 10^scale. 0 when it needs more than 18 decimals or
** does not fit 64 bits. */
int seg_dec_of_double(double d, int64_t *v, uint32_t *scale);

/* 10^k, k = 0..18: the scales of exact decimals */
extern const int64_t seg_p10[19];

/* x / 10^k (1 <= k <= 18) rounded half away from zero into *out; 0 when
** that does not fit 64 bits. A product of decimals past 18 decimals is
** rounded with it, by the VM and by seg_eval alike. */
int seg_dec_down(__int128 x, uint32_t k, int64_t *out);

/* The double nearest v / 10^scale (scale <= 18), correctly rounded: the
** value a number column's cell and a decimal literal with the same digits
** both have (the VM's number loads use it past 2^53). */
double seg_dec_f(int64_t v, uint32_t scale);

/* v / 10^scale written out positionally ("-0.05", "300.3", "2.0": at
** least one decimal, so it reads back as a number); buf holds 48 bytes. */
void seg_dec_format(char buf[static 48], int64_t v, uint32_t scale);

/* Environment: `today`, and the value of the single text column a
** mapped expression reads (text_missing when the row has none). */
typedef struct seg_eval_env {
  int32_t today;
  int textcol;
  const char *text;
  size_t textlen;
  int text_missing;
  int error;            /* 1 out of memory; 2 the regex matcher failed   */
  int match_error;      /* error 2: PCRE2's code (e.g. match limit)      */
} seg_eval_env;

/* Evaluates node `root` of a prepared x with SQL three-valued logic. The
** caller releases the result with seg_val_release; a text result may
** point into x's pool. */
seg_val seg_xeval(const seg_xprog *x, uint32_t root, seg_eval_env *env);
void seg_val_release(seg_val *v);

/* day + k units (days, weeks, or calendar months/years clamped to the
** month's end): the one definition of date arithmetic. */
int64_t seg_date_shift(int64_t day, int64_t k, seg_unit unit);

/* Case-folds UTF-8 text (Unicode full case folding); malloc'd result. */
char *seg_casefold(const char *s, size_t n, size_t *outlen);

/* Compiles a `matches` pattern (PCRE2, UTF, case-sensitive) into *out
** (release with seg_regex_free). Returns 0, -1 with a message in err, or
** -2 when out of memory. */
int seg_regex_compile(const char *pat, size_t len, void **out, char *err, size_t errlen);
void seg_regex_free(void *re);

#endif
