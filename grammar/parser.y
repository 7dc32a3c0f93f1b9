/*
** parser.y -- the .seg grammar: a pure Bison parser with locations, LAC
** and a custom syntax-error reporter that speaks a marketer's words.
**
** Ownership: every node and string the actions build lives in the
** arena of the parse context, so a value dropped during error recovery
** is reclaimed with the arena; that is why there are no %destructors.
**
** Precedence, loosest first: or, and, not, comparison / predicate,
** + -, * /, unary minus, duration suffix (`30 days`).
*/
%code requires {
#include "ast.h"
#include "parse.h"
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
}

%code {
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "lexer.h"
#include "sema.h"

static void yyerror(YYLTYPE *loc, yyscan_t scanner, seg_parse_ctx *pc, const char *msg);
static seg_node *mk(seg_parse_ctx *pc, seg_nkind k, YYLTYPE loc, seg_node *a, seg_node *b);
static seg_node *num_node(seg_parse_ctx *pc, YYLTYPE loc, double f, int64_t dec, int scale1);
static void add_stmt(seg_parse_ctx *pc, seg_stmt *s);
static seg_node *fin(seg_parse_ctx *pc, seg_node *n);
static seg_node *rev(seg_node *list);
static int words2(seg_parse_ctx *pc, const seg_loc *at, const char *a, const char *wa, const char *b, const char *wb);
static seg_node *share(seg_parse_ctx *pc, YYLTYPE loc, seg_node *subj, const YYLTYPE *wloc, const char *word,
                        seg_node *amount, seg_node *pop);
static seg_node *in_name(seg_parse_ctx *pc, YYLTYPE loc, seg_node *subj, const YYLTYPE *nloc, const char *name, int neg);
static seg_node *period(seg_parse_ctx *pc, YYLTYPE loc, seg_node *subj, const YYLTYPE *wloc, const char *word,
                        const char *unit_word, seg_unit unit, int neg);
static seg_arm *mk_arm(seg_parse_ctx *pc, YYLTYPE loc, YYLTYPE nloc, const char *name, YYLTYPE sloc, double pct);
static int add_split(seg_parse_ctx *pc, YYLTYPE loc, YYLTYPE nloc, const char *name, seg_node *base, seg_node *key,
                     const char *salt, size_t saltlen, seg_arm *arms);
static int add_table(seg_parse_ctx *pc, YYLTYPE loc, YYLTYPE nloc, const char *name, seg_node *key, seg_node *custkey,
                     const YYLTYPE *wloc, const char *word, seg_node *timecol);
#define NODE(k, loc, a, b) mk(pc, (k), (loc), (a), (b))
/* Deep nesting is refused by depth (SEG_MAX_NESTING, in fin()) with a
** located error long before the parser's own stack would run out; the
** stack may grow well past bison's default of 10000 for that to hold. */
#define YYMAXDEPTH 200000
}

%define api.pure full
%define api.prefix {seg_yy}
%define api.location.type {seg_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {yyscan_t scanner}
%parse-param {seg_parse_ctx *pc}

%union {
  int64_t ival;
  double fval;
  struct { double f; int64_t dec; int scale; } num;   /* NUMLIT: scale + 1, 0 inexact */
  struct { char *s; size_t n; } str;
  struct { const char *s; seg_unit unit; } name;
  seg_node *node;
  seg_stmt *stmt;
  seg_arm *arm;
  int op;
}

%token <name> SEGMENT "'segment'" LET "'let'" AND "'and'" OR "'or'" NOT "'not'"
%token <name> IN "'in'" IS "'is'" MISSING "'missing'" CONTAINS "'contains'"
%token <name> STARTS "'starts'" ENDS "'ends'" WITH "'with'" MATCHES "'matches'"
%token <name> BETWEEN "'between'" WITHIN "'within'" MORE "'more'" LESS "'less'"
%token <name> THAN "'than'" AGO "'ago'" BEFORE "'before'" AFTER "'after'" TODAY "'today'"
%token <name> SINCE "'since'" YESTERDAY "'yesterday'"
%token <name> MEASURE "'measure'" REQUIRE "'require'" WHERE "'where'" PRIORITY "'priority'"
%token <name> SPLIT "'split'" BY "'by'" TABLE "'table'"
%token DOTDOT "'..'" EQEQ "'=='" NE "'!='" LE "'<='" GE "'>='" LT "'<'" GT "'>'"
%token <ival> BOOLLIT "true or false" INTLIT "a number" DATELIT "a date"
%token <num> NUMLIT "a decimal number"
%token <str> STRLIT "a string"
%token <name> NAME "a name" BQNAME "a `quoted` name" UNIT "a unit (days, weeks, months, years)"

%type <node> expr and_expr not_expr pred sum term unary postfix primary bound sbound
%type <node> items opt_args args pctnum popname tiers tier
%type <op> cmpop textop
%type <str> opt_desc
%type <name> anyname
%type <node> split_base split_key table_custkey
%type <str> opt_salt
%type <arm> arms arm

%%

file:
  %empty
| file stmt
;

/* stmt: 'let' name '=' expr | 'segment' name [description] '=' expr */
stmt:
  LET anyname '=' expr {
      seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
      if (!s) { pc->oom = 1; YYNOMEM; }
      s->kind = S_LET; s->loc = @$; s->name_loc = @2; s->name = $2.s; s->expr = $4;
      add_stmt(pc, s);
    }
| SEGMENT anyname opt_desc '=' expr {
      seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
      if (!s) { pc->oom = 1; YYNOMEM; }
      s->kind = S_SEGMENT; s->loc = @$; s->name_loc = @2; s->name = $2.s;
      s->desc = $3.s; s->expr = $5;
      add_stmt(pc, s);
    }
  /* a list of values, used as `country in nordics` */
| LET anyname '=' '(' expr ',' args ')' {
      seg_node *l = NODE(SEG_N_LIST, @4, NULL, NULL);
      if (l) { if ($5) $5->next = rev($7); l->list = $5; l->loc.last_line = @8.last_line; l->loc.last_column = @8.last_column; }
      l = fin(pc, l);
      seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
      if (!s) { pc->oom = 1; YYNOMEM; }
      s->kind = S_LET; s->loc = @$; s->name_loc = @2; s->name = $2.s; s->expr = l;
      add_stmt(pc, s);
    }
| LET anyname '=' '[' args ']' {
      seg_node *l = NODE(SEG_N_LIST, @4, NULL, NULL);
      if (l) { l->list = rev($5); l->loc.last_line = @6.last_line; l->loc.last_column = @6.last_column; }
      l = fin(pc, l);
      seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
      if (!s) { pc->oom = 1; YYNOMEM; }
      s->kind = S_LET; s->loc = @$; s->name_loc = @2; s->name = $2.s; s->expr = l;
      add_stmt(pc, s);
    }
  /* `measure revenue = sum(total_spend)`: a value per segment, computed
  ** over its members; a trailing `where` filters every aggregate in it */
| MEASURE anyname opt_desc '=' expr {
      seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
      if (!s) { pc->oom = 1; YYNOMEM; }
      s->kind = S_MEASURE; s->loc = @$; s->name_loc = @2; s->name = $2.s; s->desc = $3.s; s->expr = $5;
      add_stmt(pc, s);
    }
| MEASURE anyname opt_desc '=' expr WHERE expr {
      seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
      if (!s) { pc->oom = 1; YYNOMEM; }
      s->kind = S_MEASURE; s->loc = @$; s->name_loc = @2; s->name = $2.s; s->desc = $3.s; s->expr = $5;
      s->where = $7;
      add_stmt(pc, s);
    }
  /* `require email_opt_in and not unsubscribed`: a guard ANDed into every segment */
| REQUIRE expr {
      seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
      if (!s) { pc->oom = 1; YYNOMEM; }
      s->kind = S_REQUIRE; s->loc = @$; s->name_loc = @1; s->name = ""; s->expr = $2;
      add_stmt(pc, s);
    }
  /* `priority lifecycle = vip, lapsing_vip, else everyone_else`: each
  ** customer in the first listed segment that holds it; `else` is a word,
  ** not a keyword (a column may be called else), so it is checked here */
| PRIORITY anyname '=' tiers {
      seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
      if (!s) { pc->oom = 1; YYNOMEM; }
      s->kind = S_PRIORITY; s->loc = @$; s->name_loc = @2; s->name = $2.s; s->expr = rev($4);
      add_stmt(pc, s);
    }
| PRIORITY anyname '=' tiers ',' NAME tier {
      seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
      if (!s) { pc->oom = 1; YYNOMEM; }
      s->kind = S_PRIORITY; s->loc = @$; s->name_loc = @2; s->name = $2.s; s->expr = rev($4);
      if (strcasecmp($6.s, "else") != 0) {
        seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", @6, "expected 'else NAME' or a segment after ',' in a "
                     "priority, found '%s %s'; separate the segments with commas", $6.s, $7 ? $7->str : "");
      }
      s->where = $7;
      add_stmt(pc, s);
    }
  /* `split q4 = newsletter by customer_id salt "2026": test 45%, control 55%`:
  ** one segment per arm (q4.test, q4.control) */
| SPLIT anyname '=' split_base BY split_key opt_salt ':' arms {
      if (add_split(pc, @$, @2, $2.s, $4, $6, $7.s, $7.n, $9) != 0) YYNOMEM;
    }
  /* `table orders by customer_id [= id] [time order_date]`: an event table
  ** joined on key (the events' column = the customers', when their names
  ** differ); `time` is a word, not a keyword (a column may be called time) */
| TABLE anyname BY split_key table_custkey {
      if (add_table(pc, @$, @2, $2.s, $4, $5, NULL, NULL, NULL) != 0) YYNOMEM;
    }
| TABLE anyname BY split_key table_custkey NAME split_key {
      if (add_table(pc, @$, @2, $2.s, $4, $5, &@6, $6.s, $7) != 0) YYNOMEM;
    }
| error { /* skip to the next 'segment' or 'let' */ }
;

/* the population: a segment, or `everyone` (NULL) */
split_base:
  NAME    { $$ = NULL;
            if (!(strcasecmp($1.s, "everyone") == 0)) {
              $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s;
            } }
| BQNAME  { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
;

split_key:
  NAME    { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
| BQNAME  { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
| UNIT    { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
;

table_custkey:
  %empty            { $$ = NULL; }
| '=' split_key     { $$ = $2; }
;

opt_salt:
  %empty        { $$.s = NULL; $$.n = 0; }
| NAME STRLIT   { $$ = $2; if (strcasecmp($1.s, "salt") != 0) {
                    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", @1, "expected 'salt \"...\"' or ':' after the "
                                 "split's key, found '%s'", $1.s);
                    $$.s = NULL; $$.n = 0; } }
;

/* built last arm first, as items are */
arms:
  arm             { $$ = $1; }
| arms ',' arm    { $$ = $1; if ($1 && $3) { $3->next = $1; $$ = $3; } }
;

arm:
  anyname INTLIT '%'  { $$ = mk_arm(pc, @$, @1, $1.s, @2, (double)$2); if (!$$) YYNOMEM; }
| anyname NUMLIT '%'  { $$ = mk_arm(pc, @$, @1, $1.s, @2, $2.f); if (!$$) YYNOMEM; }
;

/* a statement's name; keywords are allowed here (`segment missing = ...`) */
anyname:
  NAME | BQNAME | UNIT | SEGMENT | LET | AND | OR | NOT | IN | IS | MISSING | CONTAINS
| STARTS | ENDS | WITH | MATCHES | BETWEEN | WITHIN | MORE | LESS | THAN | AGO | BEFORE
| AFTER | TODAY | SINCE | YESTERDAY | MEASURE | REQUIRE | WHERE | PRIORITY | SPLIT | BY | TABLE
;

/* a tier of a priority: a segment's name (built last first, as items) */
tier:
  NAME    { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
| BQNAME  { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
;

tiers:
  tier              { $$ = $1; }
| tiers ',' tier    { $$ = $1; if ($1 && $3) { $3->next = $1; $$ = $3; } }
;

opt_desc:
  %empty  { $$.s = NULL; $$.n = 0; }
| STRLIT  { $$ = $1; }
;

expr:
  expr OR and_expr        { $$ = NODE(SEG_N_OR, @$, $1, $3); }
| and_expr
;

and_expr:
  and_expr AND not_expr   { $$ = NODE(SEG_N_AND, @$, $1, $3); }
| not_expr
;

/* 'not' takes the whole comparison after it, as in SQL */
not_expr:
  NOT not_expr            { $$ = NODE(SEG_N_NOT, @$, $2, NULL); }
| pred
;

pred:
  sum                                 { $$ = $1; }
| sum cmpop sum                       { $$ = NODE(SEG_N_BIN, @$, $1, $3); if ($$) $$->op = $2; }
| sum bound DOTDOT sbound             { $$ = NODE(SEG_N_RANGE, @$, $1, $2); if ($$) $$->c = $4; $$ = fin(pc, $$); }
| sum bound DOTDOT                    { $$ = NODE(SEG_N_RANGE, @$, $1, $2); }
| sum DOTDOT sbound                   { $$ = NODE(SEG_N_RANGE, @$, $1, NULL); if ($$) $$->c = $3; $$ = fin(pc, $$); }
| sum IN sbound DOTDOT sbound         { $$ = NODE(SEG_N_RANGE, @$, $1, $3); if ($$) $$->c = $5; $$ = fin(pc, $$); }
| sum IN sbound DOTDOT                { $$ = NODE(SEG_N_RANGE, @$, $1, $3); }
| sum IN DOTDOT sbound                { $$ = NODE(SEG_N_RANGE, @$, $1, NULL); if ($$) $$->c = $4; $$ = fin(pc, $$); }
| sum BETWEEN sum AND sum             { $$ = NODE(SEG_N_RANGE, @$, $1, $3); if ($$) $$->c = $5; $$ = fin(pc, $$); }
| sum IN '(' items ')'                { $$ = NODE(SEG_N_IN, @$, $1, NULL); if ($$) $$->list = rev($4); $$ = fin(pc, $$); }
| sum IN '[' items ']'                { $$ = NODE(SEG_N_IN, @$, $1, NULL); if ($$) $$->list = rev($4); $$ = fin(pc, $$); }
| sum NOT IN '(' items ')'            { $$ = NODE(SEG_N_IN, @$, $1, NULL); if ($$) { $$->list = rev($5); $$->negated = 1; } $$ = fin(pc, $$); }
| sum NOT IN '[' items ']'            { $$ = NODE(SEG_N_IN, @$, $1, NULL); if ($$) { $$->list = rev($5); $$->negated = 1; } $$ = fin(pc, $$); }
  /* `country in nordics`: a list defined by `let nordics = ("SE", "NO")` */
| sum IN NAME                         { $$ = in_name(pc, @$, $1, &@3, $3.s, 0); }
| sum IN BQNAME                       { $$ = in_name(pc, @$, $1, &@3, $3.s, 0); }
| sum NOT IN NAME                     { $$ = in_name(pc, @$, $1, &@4, $4.s, 1); }
| sum NOT IN BQNAME                   { $$ = in_name(pc, @$, $1, &@4, $4.s, 1); }
  /* calendar periods: `signup_date in this month`, `in last year` */
| sum IN NAME UNIT                    { $$ = period(pc, @$, $1, &@3, $3.s, $4.s, $4.unit, 0); }
| sum NOT IN NAME UNIT                { $$ = period(pc, @$, $1, &@4, $4.s, $5.s, $5.unit, 1); }
  /* rankings: `total_spend in top 10%`, `... in bottom 20% within nordic` */
| sum IN NAME pctnum '%'              { $$ = share(pc, @$, $1, &@3, $3.s, $4, NULL); }
| sum IN NAME pctnum '%' WITHIN popname { $$ = share(pc, @$, $1, &@3, $3.s, $4, $7); }
| sum IS MISSING                      { $$ = NODE(SEG_N_MISSING, @$, $1, NULL); }
| sum IS NOT MISSING                  { $$ = NODE(SEG_N_MISSING, @$, $1, NULL); if ($$) $$->negated = 1; }
| sum IS BOOLLIT                      { $$ = NODE(SEG_N_IS, @$, $1, NULL); if ($$) $$->op = (int)$3; }
| sum IS NOT BOOLLIT                  { $$ = NODE(SEG_N_IS, @$, $1, NULL); if ($$) { $$->op = (int)$4; $$->negated = 1; } }
| sum textop sum                      { $$ = NODE(SEG_N_TEXTOP, @$, $1, $3); if ($$) $$->op = $2; }
| sum NOT textop sum                  { $$ = NODE(SEG_N_TEXTOP, @$, $1, $4); if ($$) { $$->op = $3; $$->negated = 1; } }
| sum WITHIN sum                      { $$ = NODE(SEG_N_WITHIN, @$, $1, $3); }
  /* `d in the last 30 days` is `d within 30 days` (fmt writes it so) */
| sum IN NAME NAME sum                { $$ = words2(pc, &@3, $3.s, "the", $4.s, "last") ? NODE(SEG_N_WITHIN, @$, $1, $5)
                                                                                          : NODE(SEG_N_BOOL, @$, NULL, NULL); }
| sum MORE THAN sum AGO               { $$ = NODE(SEG_N_AGO, @$, $1, $4); if ($$) $$->op = SEG_OPR_GT; }
| sum LESS THAN sum AGO               { $$ = NODE(SEG_N_AGO, @$, $1, $4); if ($$) $$->op = SEG_OPR_LT; }
| sum BEFORE sum                      { $$ = NODE(SEG_N_BIN, @$, $1, $3); if ($$) $$->op = SEG_OPR_LT; }
| sum AFTER sum                       { $$ = NODE(SEG_N_BIN, @$, $1, $3); if ($$) $$->op = SEG_OPR_GT; }
| sum SINCE sum                       { $$ = NODE(SEG_N_BIN, @$, $1, $3); if ($$) $$->op = SEG_OPR_GE; }
;

pctnum:
  INTLIT      { $$ = NODE(SEG_N_INT, @$, NULL, NULL); if ($$) $$->ival = $1; }
| NUMLIT      { $$ = num_node(pc, @$, $1.f, $1.dec, $1.scale); }
;

popname:
  NAME        { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
| BQNAME      { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
;

cmpop:
  '='   { $$ = SEG_OPR_EQ; } | EQEQ { $$ = SEG_OPR_EQ; } | NE { $$ = SEG_OPR_NE; }
| LT    { $$ = SEG_OPR_LT; } | LE   { $$ = SEG_OPR_LE; } | GT { $$ = SEG_OPR_GT; } | GE { $$ = SEG_OPR_GE; }
;

textop:
  CONTAINS     { $$ = SEG_OPR_CONTAINS; }
| STARTS WITH  { $$ = SEG_OPR_STARTS; }
| ENDS WITH    { $$ = SEG_OPR_ENDS; }
| MATCHES      { $$ = SEG_OPR_MATCHES; }
;

/* a range bound: a literal, a name or today; `sbound` also takes a
** negative number, except right after the subject (`age -5..` would be
** read as a subtraction) */
sbound:
  bound
| '-' INTLIT  { $$ = NODE(SEG_N_INT, @$, NULL, NULL); if ($$) $$->ival = -$2; }
| '-' NUMLIT  { $$ = num_node(pc, @$, -$2.f, -$2.dec, $2.scale); }
;

bound:
  INTLIT      { $$ = NODE(SEG_N_INT, @$, NULL, NULL); if ($$) $$->ival = $1; }
| NUMLIT      { $$ = num_node(pc, @$, $1.f, $1.dec, $1.scale); }
| DATELIT     { $$ = NODE(SEG_N_DATE, @$, NULL, NULL); if ($$) $$->ival = $1; }
| STRLIT      { $$ = NODE(SEG_N_STR, @$, NULL, NULL); if ($$) { $$->str = $1.s; $$->len = $1.n; } }
| NAME        { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
| BQNAME      { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
| TODAY       { $$ = NODE(SEG_N_TODAY, @$, NULL, NULL); }
| YESTERDAY   { $$ = NODE(SEG_N_TODAY, @$, NULL, NULL); if ($$) $$->ival = -1; }
;

/* items and args are built last item first (linear for a 100,000-value
** list); rev() puts them in order where the list is used */
items:
  sum               { $$ = $1; }
| items ',' sum     { $$ = $1; if ($1 && $3) { $3->next = $1; $$ = $3; } }
;

sum:
  sum '+' term      { $$ = NODE(SEG_N_BIN, @$, $1, $3); if ($$) $$->op = '+'; }
| sum '-' term      { $$ = NODE(SEG_N_BIN, @$, $1, $3); if ($$) $$->op = '-'; }
| term
;

term:
  term '*' unary    { $$ = NODE(SEG_N_BIN, @$, $1, $3); if ($$) $$->op = '*'; }
| term '/' unary    { $$ = NODE(SEG_N_BIN, @$, $1, $3); if ($$) $$->op = '/'; }
| unary
;

unary:
  '-' unary         { $$ = NODE(SEG_N_NEG, @$, $2, NULL); }
| postfix
;

/* a duration: `30 days`, `window days` */
postfix:
  primary
| primary UNIT      { $$ = NODE(SEG_N_DURATION, @$, $1, NULL); if ($$) $$->unit = $2.unit; }
;

primary:
  INTLIT            { $$ = NODE(SEG_N_INT, @$, NULL, NULL); if ($$) $$->ival = $1; }
| NUMLIT            { $$ = num_node(pc, @$, $1.f, $1.dec, $1.scale); }
| STRLIT            { $$ = NODE(SEG_N_STR, @$, NULL, NULL); if ($$) { $$->str = $1.s; $$->len = $1.n; } }
| DATELIT           { $$ = NODE(SEG_N_DATE, @$, NULL, NULL); if ($$) $$->ival = $1; }
| BOOLLIT           { $$ = NODE(SEG_N_BOOL, @$, NULL, NULL); if ($$) $$->ival = $1; }
| TODAY             { $$ = NODE(SEG_N_TODAY, @$, NULL, NULL); }
| YESTERDAY         { $$ = NODE(SEG_N_TODAY, @$, NULL, NULL); if ($$) $$->ival = -1; }
| NAME              { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
| BQNAME            { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
| UNIT              { $$ = NODE(SEG_N_NAME, @$, NULL, NULL); if ($$) $$->str = $1.s; }
| NAME '(' opt_args ')' { $$ = NODE(SEG_N_CALL, @$, NULL, NULL); if ($$) { $$->str = $1.s; $$->list = rev($3); } $$ = fin(pc, $$); }
| UNIT '(' opt_args ')' { $$ = NODE(SEG_N_CALL, @$, NULL, NULL); if ($$) { $$->str = $1.s; $$->list = rev($3); } $$ = fin(pc, $$); }
  /* an aggregate's filter: `sum(total_spend where country = "SE")`, `count(where vip)` */
| NAME '(' opt_args WHERE expr ')' { $$ = NODE(SEG_N_CALL, @$, NULL, $5); if ($$) { $$->str = $1.s; $$->list = rev($3); } $$ = fin(pc, $$); }
| '(' expr ')'      { $$ = $2; if ($$) $$->loc = @$; }
| '(' error ')'     { $$ = NODE(SEG_N_BOOL, @$, NULL, NULL); /* already reported; keeps parsing */ }
;

opt_args:
  %empty  { $$ = NULL; }
| args
;

args:
  expr              { $$ = $1; }
| args ',' expr     { $$ = $1; if ($1 && $3) { $3->next = $1; $$ = $3; } }
;

%%

/* A decimal literal: fval its nearest double; ival the exact decimal it is
** written as, times 10^(op - 1), when op > 0 (bytecode/expr.h, SEG_N_NUM) */
static seg_node *num_node(seg_parse_ctx *pc, YYLTYPE loc, double f, int64_t dec, int scale1) {
  seg_node *n = mk(pc, SEG_N_NUM, loc, NULL, NULL);
  if (!n) return NULL;
  n->fval = f;
  n->ival = scale1 ? dec : 0;
  n->op = scale1;
  return n;
}

static seg_node *mk(seg_parse_ctx *pc, seg_nkind k, YYLTYPE loc, seg_node *a, seg_node *b) {
  seg_node *n = seg_node_new(pc->arena, k, loc);
  if (!n) { pc->oom = 1; return NULL; }
  n->a = a;
  n->b = b;
  return fin(pc, n);
}

/* Sets n->depth from its children. A tree deeper than SEG_MAX_NESTING is
** reported once, where it crosses the limit, and cut down to a leaf that
** stays over the limit, so whatever encloses it is cut too (silently) and
** no later pass ever walks a deep tree. */
static seg_node *fin(seg_parse_ctx *pc, seg_node *n) {
  if (!n) return n;
  if (n->kind == SEG_N_BOOL && n->depth > SEG_MAX_NESTING) {   /* already cut: drop what was hung on it */
    n->a = n->b = n->c = n->list = NULL;
    return n;
  }
  int d = 0;
  const seg_node *kids[3] = {n->a, n->b, n->c};
  for (int i = 0; i < 3; i++) if (kids[i] && kids[i]->depth > d) d = kids[i]->depth;
  for (const seg_node *k = n->list; k; k = k->next) if (k->depth > d) d = k->depth;
  n->depth = d + 1;
  if (n->depth <= SEG_MAX_NESTING) return n;
  if (d == SEG_MAX_NESTING)
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0110", n->loc,
                 "expression nested deeper than %d levels; split it into segments (a segment can use "
                 "another) or use `in (...)` for a long list of alternatives", SEG_MAX_NESTING);
  seg_node *leaf = seg_node_new(pc->arena, SEG_N_BOOL, n->loc);
  if (!leaf) { pc->oom = 1; return NULL; }
  leaf->depth = SEG_MAX_NESTING + 1;
  return leaf;
}

static seg_arm *rev_arms(seg_arm *list) {
  seg_arm *out = NULL;
  while (list) {
    seg_arm *next = list->next;
    list->next = out;
    out = list;
    list = next;
  }
  return out;
}

static seg_node *rev(seg_node *list) {
  seg_node *out = NULL;
  while (list) {
    seg_node *next = list->next;
    list->next = out;
    out = list;
    list = next;
  }
  return out;
}

static void add_stmt(seg_parse_ctx *pc, seg_stmt *s) {
  const char *dot = s->name ? strchr(s->name, '.') : NULL;
  size_t l1 = dot ? (size_t)(dot - s->name) : 0, l2 = dot ? strlen(dot + 1) : 0;
  if (!s->split && dot && l1 && l2 && seg_ident_prefix(s->name, l1) == l1 && seg_ident_prefix(dot + 1, l2) == l2)
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", s->name_loc, "a dotted name is a split's arm (`q4.test`) and "
                 "is defined by its split; name this %s without a dot",
                 s->kind == S_LET ? "constant" : s->kind == S_MEASURE ? "measure" : s->kind == S_SPLIT ? "split"
                 : s->kind == S_TABLE ? "table" : "segment");
  if (pc->ast->last) pc->ast->last->next = s;
  else pc->ast->first = s;
  pc->ast->last = s;
}

static void yyerror(YYLTYPE *loc, yyscan_t scanner, seg_parse_ctx *pc, const char *msg) {
  (void)scanner;
  if (strcmp(msg, "memory exhausted") == 0 && !pc->oom)   /* the parser stack: YYMAXDEPTH */
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0110", *loc,
                 "expression nested too deeply to parse (the limit is %d levels)", SEG_MAX_NESTING);
  else
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", *loc, "%s", msg);
}

/* A phrase of ordinary words (no new keywords, so no column name is taken
** away): 1 when a is wa and b is wb, case-insensitively; else a located
** error and 0. */
static int words2(seg_parse_ctx *pc, const seg_loc *at, const char *a, const char *wa, const char *b, const char *wb) {
  if (a && b && strcasecmp(a, wa) == 0 && strcasecmp(b, wb) == 0) return 1;
  seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", *at, "expected '%s %s', found '%s %s'", wa, wb, a ? a : "",
               b ? b : "");
  return 0;
}

/* `x in nordics`: an IN whose one item is the name, marked `bare`; sema
** replaces it with the items of the list the name's `let` defines. */
static seg_node *in_name(seg_parse_ctx *pc, YYLTYPE loc, seg_node *subj, const YYLTYPE *nloc, const char *name, int neg) {
  seg_node *item = NODE(SEG_N_NAME, *nloc, NULL, NULL);
  if (!item) return NULL;
  item->str = name;
  seg_node *n = NODE(SEG_N_IN, loc, subj, NULL);
  if (!n) return NULL;
  n->list = item;
  n->bare = 1;
  n->negated = neg;
  return fin(pc, n);
}

/* `x in top 10%`, `x in bottom 5% within nordic`: a ranking (sema checks
** the share); `top` and `bottom` are ordinary words, not keywords. */
static seg_node *share(seg_parse_ctx *pc, YYLTYPE loc, seg_node *subj, const YYLTYPE *wloc, const char *word,
                       seg_node *amount, seg_node *pop) {
  int kind = -1;
  if (word && strcasecmp(word, "top") == 0) kind = SEG_RK_TOP;
  else if (word && strcasecmp(word, "bottom") == 0) kind = SEG_RK_BOTTOM;
  if (kind < 0) {
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", *wloc,
                 "expected 'top' or 'bottom' before a share such as 10%%, found '%s'", word ? word : "");
    return NODE(SEG_N_BOOL, loc, NULL, NULL);
  }
  seg_node *n = NODE(SEG_N_RANK, loc, subj, pop);
  if (!n) return NULL;
  n->op = kind;
  n->c = amount;
  return fin(pc, n);
}

/* `d in this month`, `d in last year`: a range whose two date bounds sema
** computes from today (node->period says which); `not in`: its negation. */
static seg_node *period(seg_parse_ctx *pc, YYLTYPE loc, seg_node *subj, const YYLTYPE *wloc, const char *word,
                        const char *unit_word, seg_unit unit, int neg) {
  int which = 0;
  if (word && strcasecmp(word, "this") == 0) which = 1;
  else if (word && strcasecmp(word, "last") == 0) which = 2;
  if (!which || (unit != U_MONTH && unit != U_YEAR && unit != U_WEEK) ||
      (unit_word && unit_word[strlen(unit_word) - 1] == 's')) {
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", *wloc,
                 "expected a calendar period such as 'this month', 'last month', 'this year', 'last year', "
                 "'this week' or 'last week', found '%s %s'", word ? word : "", unit_word ? unit_word : "");
    return NODE(SEG_N_BOOL, loc, NULL, NULL);   /* reported; a placeholder keeps the tree whole */
  }
  seg_node *n = NODE(SEG_N_RANGE, loc, subj, NULL);
  if (!n) return NULL;
  n->period = which;
  n->unit = unit;
  if (!neg) return n;
  seg_node *nt = NODE(SEG_N_NOT, loc, n, NULL);
  if (nt) nt->negated = 1;      /* written `not in`: fmt writes it back so */
  return nt;
}

/* An arm `test 45%`: its share in buckets of 10,000 (0.01% each). */
static seg_arm *mk_arm(seg_parse_ctx *pc, YYLTYPE loc, YYLTYPE nloc, const char *name, YYLTYPE sloc, double pct) {
  seg_arm *a = seg_arena_alloc(pc->arena, sizeof *a);
  if (!a) { pc->oom = 1; return NULL; }
  if (strchr(name, '.'))
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", nloc, "an arm's name has no dot: it is written after the "
                 "split's name (`q4.%s`)", name);
  a->name = name;
  a->loc = loc;
  a->name_loc = nloc;
  a->share_loc = sloc;
  double b = pct * (SEG_BUCKETS / 100);
  double r = floor(b + 0.5);
  if (!(pct > 0) || pct > 100)
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0130", sloc, "a share is more than 0%% and at most 100%%, found %g%%",
                 pct);
  else if (fabs(b - r) > 1e-6)
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0130", sloc, "share %.10g%% is not a whole number of buckets: a split "
                 "has 10,000 buckets of 0.01%%, so a share has at most 2 decimals (%.2f%%)", pct, r / 100);
  else
    a->n = (uint32_t)r;
  return a;
}

/* A copy of name node n (the base or key of a split, used once per arm). */
static seg_node *name_copy(seg_parse_ctx *pc, const seg_node *n) {
  seg_node *c = seg_node_new(pc->arena, SEG_N_NAME, n->loc);
  if (!c) { pc->oom = 1; return NULL; }
  c->str = n->str;
  c->depth = 1;
  return c;
}

/* The split statement and one segment per arm after it: `base and
** bucket(salt, key) lo..hi` named "split.arm". Returns 0, or -1 (oom). */
/* `table NAME by KEY [= CUSTKEY] [WORD TIMECOL]`: WORD must be `time`. */
static int add_table(seg_parse_ctx *pc, YYLTYPE loc, YYLTYPE nloc, const char *name, seg_node *key, seg_node *custkey,
                     const YYLTYPE *wloc, const char *word, seg_node *timecol) {
  seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
  if (!s) { pc->oom = 1; return -1; }
  s->kind = S_TABLE; s->loc = loc; s->name_loc = nloc; s->name = name; s->key = key; s->custkey = custkey;
  s->timecol = timecol;
  if (word && strcasecmp(word, "time") != 0)
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", *wloc, "expected %s'time COLUMN' or the end of the table "
                 "statement after its key, found '%s'", custkey ? "" : "'= COLUMN', ", word);
  add_stmt(pc, s);
  return 0;
}

static int add_split(seg_parse_ctx *pc, YYLTYPE loc, YYLTYPE nloc, const char *name, seg_node *base, seg_node *key,
                     const char *salt, size_t saltlen, seg_arm *arms) {
  if (!key || pc->oom) return pc->oom ? -1 : 0;
  seg_stmt *s = seg_arena_alloc(pc->arena, sizeof *s);
  if (!s) { pc->oom = 1; return -1; }
  s->kind = S_SPLIT; s->loc = loc; s->name_loc = nloc; s->name = name;
  s->has_salt = salt != NULL;
  s->salt = salt ? salt : name;
  if (!salt) saltlen = strlen(name);
  s->arms = rev_arms(arms);
  s->split_index = pc->ast->nsplits++;
  uint32_t total = 0;
  int bad = 0;
  for (seg_arm *a = s->arms; a; a = a->next) {
    a->lo = total;
    total += a->n;
    bad |= a->n == 0;
    s->narms++;
  }
  if (!bad && total != SEG_BUCKETS) {
    seg_loc at = s->arms->loc;
    for (seg_arm *a = s->arms; a; a = a->next) { at.last_line = a->loc.last_line; at.last_column = a->loc.last_column; }
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0130", at, "the shares of split '%s' add up to %g%%; they must add up to "
                 "exactly 100%%", name, total / 100.0);
  }
  /* its own condition: the customers of the base it leaves in no arm */
  seg_node *miss = NODE(SEG_N_MISSING, key->loc, key, NULL);
  s->key = key;
  s->base = base;
  s->expr = base ? NODE(SEG_N_AND, loc, base, miss) : miss;
  if (!s->expr) return -1;
  add_stmt(pc, s);
  for (seg_arm *a = s->arms; a; a = a->next) {
    seg_stmt *t = seg_arena_alloc(pc->arena, sizeof *t);
    size_t ln = strlen(name), la = strlen(a->name);
    char *full = seg_arena_alloc(pc->arena, ln + la + 2);
    seg_node *st = seg_node_new(pc->arena, SEG_N_STR, a->loc), *k = name_copy(pc, key);
    seg_node *lo = seg_node_new(pc->arena, SEG_N_INT, a->share_loc), *hi = seg_node_new(pc->arena, SEG_N_INT, a->share_loc);
    seg_node *call = seg_node_new(pc->arena, SEG_N_CALL, a->loc);
    if (!t || !full || !st || !k || !lo || !hi || !call) { pc->oom = 1; return -1; }
    memcpy(full, name, ln);
    full[ln] = '.';
    memcpy(full + ln + 1, a->name, la + 1);
    st->str = s->salt; st->len = saltlen; st->depth = 1;
    st->next = k;
    call->str = "bucket"; call->fn = F_BUCKET; call->list = st; call->ival = s->split_index;
    call = fin(pc, call);
    lo->ival = a->lo; lo->depth = 1;
    hi->ival = (int64_t)a->lo + a->n - 1; hi->depth = 1;
    seg_node *rng = NODE(SEG_N_RANGE, a->loc, call, lo);
    if (!rng) return -1;
    rng->c = hi;
    seg_node *e = rng;
    if (base) {
      seg_node *b = name_copy(pc, base);
      if (!b) return -1;
      e = NODE(SEG_N_AND, a->loc, b, rng);
      if (!e) return -1;
    }
    t->kind = S_SEGMENT; t->loc = a->loc; t->name_loc = a->name_loc; t->name = full;
    t->expr = e;
    t->split = s;
    add_stmt(pc, t);
  }
  return 0;
}

/* True if `sym` starts a statement. */
static int starts_stmt(yysymbol_kind_t sym) {
  return sym == YYSYMBOL_SEGMENT || sym == YYSYMBOL_LET || sym == YYSYMBOL_MEASURE || sym == YYSYMBOL_REQUIRE ||
         sym == YYSYMBOL_PRIORITY || sym == YYSYMBOL_SPLIT;
}

/* True if `sym` can start a value (an operand). */
static int starts_value(yysymbol_kind_t sym) {
  switch (sym) {
  case YYSYMBOL_INTLIT: case YYSYMBOL_NUMLIT: case YYSYMBOL_STRLIT: case YYSYMBOL_DATELIT:
  case YYSYMBOL_BOOLLIT: case YYSYMBOL_NAME: case YYSYMBOL_BQNAME: case YYSYMBOL_TODAY: case YYSYMBOL_YESTERDAY:
    return 1;
  default:
    return 0;
  }
}

/* The keyword among syms (all tokens when syms is NULL) closest to word
** within rustc's bound (a third of its length); 1 and its text in kw. */
static int closest_keyword(const char *word, const yysymbol_kind_t *syms, int n, char kw[40]) {
  size_t wl = strlen(word);
  int best = (int)wl / 3 < 1 ? 1 : (int)wl / 3, found = 0;
  for (int i = 0; i < n; i++) {
    const char *nm = yysymbol_name(syms ? syms[i] : (yysymbol_kind_t)i);
    size_t l = strlen(nm);
    if (l < 4 || nm[0] != '\'' || !isalpha((unsigned char)nm[1])) continue;   /* 'word' only */
    char cand[40];
    snprintf(cand, sizeof cand, "%.*s", (int)(l - 2), nm + 1);
    int d = seg_edit_distance(word, cand, best);
    if (d <= best && d > 0) {
      best = d - 1;
      snprintf(kw, 40, "%s", cand);
      found = 1;
    }
  }
  return found;
}

/* Builds "expected a value after '>', found 'and'". */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, seg_parse_ctx *pc) {
  (void)scanner;
  if (pc->lex_error) return 0;            /* the scanner already said what is wrong */
  yysymbol_kind_t la = yypcontext_token(ctx);
  yysymbol_kind_t exp[YYNTOKENS];
  int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
  if (n < 0) return n;
  char what[512];
  size_t w = 0;
  int value = 0;
  int closer = 0;
  for (int i = 0; i < n; i++) {
    if (starts_value(exp[i])) value = 1;
    if (strcmp(yysymbol_name(exp[i]), "')'") == 0 || strcmp(yysymbol_name(exp[i]), "']'") == 0) closer = 1;
  }
  /* a statement ended inside parentheses: point at the opening one */
  if (closer && pc->nopen > 0 && pc->nopen <= 64 &&
      (la == YYSYMBOL_YYEOF || starts_stmt(la))) {
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", pc->open[pc->nopen - 1],
                 "unclosed parenthesis: expected ')' before the end of the statement");
    pc->nopen = 0;
    return 0;
  }
  /* two operands side by side (`signup_date this month`, `Total Spend > 1`,
  ** `name like "A%"`): the grammar read the second as the low end of a range
  ** (`age 25..40`) and wants '..'; say what was really wrong */
  int dotdot = 0, others = 0;      /* '..' expected, or '..' and the second word of `in the last` */
  for (int i = 0; i < n; i++) {
    if (exp[i] == YYSYMBOL_DOTDOT) dotdot = 1;
    else if (exp[i] != YYSYMBOL_NAME) others = 1;
  }
  if (dotdot && !others && pc->prev && pc->prev2 && pc->prev2len) {
    char hint[200] = "";
    int p2word = isalpha((unsigned char)pc->prev2[0]) || pc->prev2[0] == '_';
    char kw2[40];
    if (pc->prevlen > 2 && isalpha((unsigned char)pc->prev[0]) && closest_keyword(pc->prev, NULL, YYNTOKENS, kw2))
      snprintf(hint, sizeof hint, "; did you mean '%s' instead of '%.20s'?", kw2, pc->prev);
    else if (pc->prevlen == 4 && strncasecmp(pc->prev, "like", 4) == 0)
      snprintf(hint, sizeof hint, "; to match text use 'starts with', 'ends with' or 'contains' (or 'matches' "
                                  "for a regular expression) instead of 'like'");
    else if (p2word && la == YYSYMBOL_UNIT && ((pc->prevlen == 4 && strncasecmp(pc->prev, "this", 4) == 0) ||
                                                (pc->prevlen == 4 && strncasecmp(pc->prev, "last", 4) == 0)))
      snprintf(hint, sizeof hint, "; for a calendar period write '%.*s in %.4s %.*s'",
               (int)(pc->prev2len > 30 ? 30 : pc->prev2len), pc->prev2, pc->prev,
               (int)(pc->toklen > 10 ? 10 : pc->toklen), pc->tok ? pc->tok : "");
    else if (p2word && (isalpha((unsigned char)pc->prev[0]) || pc->prev[0] == '_'))
      snprintf(hint, sizeof hint, "; if '%.*s %.*s' is one column name, write it in backticks: `%.*s %.*s`",
               (int)(pc->prev2len > 30 ? 30 : pc->prev2len), pc->prev2, (int)(pc->prevlen > 30 ? 30 : pc->prevlen),
               pc->prev, (int)(pc->prev2len > 30 ? 30 : pc->prev2len), pc->prev2,
               (int)(pc->prevlen > 30 ? 30 : pc->prevlen), pc->prev);
    int after_in = pc->prev2len == 2 && strncasecmp(pc->prev2, "in", 2) == 0;
    if (after_in) hint[0] = 0;
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", pc->prevloc,
                 after_in ? "unexpected '%.*s' after '%.*s': expected a list such as (\"SE\", \"NO\") or a range "
                            "such as 25..40%s"
                          : "unexpected '%.*s' after '%.*s': expected a comparison such as '>', '=', 'in', 'within' "
                            "or 'between' (a range is written 'age 25..40')%s",
                 (int)(pc->prevlen > 40 ? 40 : pc->prevlen), pc->prev,
                 (int)(pc->prev2len > 40 ? 40 : pc->prev2len), pc->prev2, hint);
    return 0;
  }
  /* `x in top 10`: a share needs its percent sign */
  if (n == 1 && strcmp(yysymbol_name(exp[0]), "'%'") == 0 && pc->prev) {
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", pc->prevloc,
                 "expected '%%' after '%.*s': a share is written with a percent sign, such as `in top %.*s%%`",
                 (int)(pc->prevlen > 40 ? 40 : pc->prevlen), pc->prev, (int)(pc->prevlen > 40 ? 40 : pc->prevlen),
                 pc->prev);
    return 0;
  }
  /* `x in top10`: a word after 'in' that starts nothing the language knows */
  if (pc->prev && pc->prev2 && pc->prev2len == 2 && strncasecmp(pc->prev2, "in", 2) == 0 &&
      la != YYSYMBOL_YYEOF && !starts_stmt(la) &&
      (isalpha((unsigned char)pc->prev[0]) || pc->prev[0] == '_')) {
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", pc->prevloc,
                 "unexpected '%.*s %.*s' after 'in': expected a list such as (\"SE\", \"NO\"), the name of a list "
                 "(`let nordics = (\"SE\", \"NO\")`), a range such as 25..40 or a calendar period such as "
                 "'this month'",
                 (int)(pc->prevlen > 40 ? 40 : pc->prevlen), pc->prev,
                 (int)(pc->toklen > 40 ? 40 : pc->toklen), pc->tok ? pc->tok : "");
    return 0;
  }
  /* a misspelt keyword: the closest expected keyword, as for names; or a
  ** misspelt keyword read as a name just before (`age betwen 20 and 30`),
  ** compared with every keyword of the grammar */
  char dym[128] = "", kw[40];
  if (la == YYSYMBOL_SINCE && value)
    snprintf(dym, sizeof dym, "; 'since' follows a date: `last_purchase since 2026-01-01`");
  else if (la == YYSYMBOL_NAME && pc->tok && pc->toklen >= 3 && closest_keyword(pc->tok, exp, n, kw))
    snprintf(dym, sizeof dym, "; did you mean '%s'?", kw);
  else if (la == YYSYMBOL_NAME && pc->prev && isdigit((unsigned char)pc->prev[0]))
    snprintf(dym, sizeof dym, "; numbers are written without a unit ('> 1000', not '> 1000 %.20s')", pc->tok);
  else if (pc->prev && pc->prevlen > 2 && isalpha((unsigned char)pc->prev[0]) &&
           closest_keyword(pc->prev, NULL, YYNTOKENS, kw))
    snprintf(dym, sizeof dym, "; did you mean '%s' instead of '%.20s'?", kw, pc->prev);
  /* after a complete operand, list how to go on, not every operator */
  int listed = 0;
  yysymbol_kind_t keep[YYNTOKENS];
  for (int i = 0; i < n; i++) {
    const char *nm = yysymbol_name(exp[i]);
    if (n > 3 && (exp[i] == YYSYMBOL_UNIT || strcmp(nm, "'+'") == 0 || strcmp(nm, "'-'") == 0 ||
                  strcmp(nm, "'*'") == 0 || strcmp(nm, "'/'") == 0))
      continue;
    /* a new statement: 'segment' and 'let' say it; 'measure', 'require', 'priority' and 'split' only lengthen the list */
    if ((exp[i] == YYSYMBOL_MEASURE || exp[i] == YYSYMBOL_REQUIRE || exp[i] == YYSYMBOL_PRIORITY ||
         exp[i] == YYSYMBOL_SPLIT || exp[i] == YYSYMBOL_TABLE) && n > 2) continue;
    keep[listed++] = exp[i];
  }
  memcpy(exp, keep, (size_t)listed * sizeof *exp);
  n = listed;
  what[0] = 0;
  if (value) {
    w = (size_t)snprintf(what, sizeof what, "a value");
  } else {
    int shown = 0;
    for (int i = 0; i < n && shown < 6; i++) {
      const char *nm = yysymbol_name(exp[i]);
      if (exp[i] == YYSYMBOL_YYEOF) nm = "end of file";
      w += (size_t)snprintf(what + w, sizeof what - w, "%s%s",
                            shown == 0 ? "" : (i == n - 1 || shown == 5) ? " or " : ", ", nm);
      if (w >= sizeof what) w = sizeof what - 1;
      shown++;
    }
  }
  char found[160];
  if (la == YYSYMBOL_YYEOF) snprintf(found, sizeof found, "end of file");
  else if (la == YYSYMBOL_STRLIT) snprintf(found, sizeof found, "a string");
  else snprintf(found, sizeof found, "'%.*s'", (int)(pc->toklen > 60 ? 60 : pc->toklen), pc->tok ? pc->tok : "");
  char after[120] = "";
  if (pc->prev && pc->prevlen && la != YYSYMBOL_YYEOF)
    snprintf(after, sizeof after, " after '%.*s'", (int)(pc->prevlen > 40 ? 40 : pc->prevlen), pc->prev);
  else if (pc->tok && pc->toklen && la == YYSYMBOL_YYEOF)
    snprintf(after, sizeof after, " after '%.*s'", (int)(pc->toklen > 40 ? 40 : pc->toklen), pc->tok);
  /* when the statement simply stopped short, point where it stopped */
  seg_loc at = *yypcontext_location(ctx);
  if (starts_stmt(la) && pc->prev_end_line > 0 &&
      pc->prev_end_line < at.first_line) {
    at.first_line = at.last_line = pc->prev_end_line;
    at.first_column = at.last_column = pc->prev_end_col;
  }
  if (n == 0)
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", at, "unexpected %s", found);
  else
    seg_diag_add(pc->diags, SEG_SEV_ERROR, "E0001", at, "expected %s%s, found %s%s", what, after, found, dym);
  return 0;
}

int seg_parse(const char *src, size_t len, seg_arena *arena, seg_ast *ast, seg_diags *diags) {
  seg_parse_ctx pc = {0};
  pc.arena = arena;
  pc.ast = ast;
  pc.diags = diags;
  pc.line = 1;
  pc.col = 1;
  yyscan_t scanner;
  if (seg_yylex_init_extra(&pc, &scanner) != 0) return -1;
  /* Flex treats a failed allocation as fatal; its YY_FATAL_ERROR jumps back
  ** here instead of exiting. All its memory is in the arena (lexer.l). */
  jmp_buf fatal;
  pc.fatal = &fatal;
  if (setjmp(fatal) != 0) {
    seg_yylex_destroy(scanner);
    return -1;
  }
  YY_BUFFER_STATE buf = seg_yy_scan_bytes(src, (int)len, scanner);
  int before = diags->nerrors;
  (void)seg_yyparse(scanner, &pc);   /* 1: syntax errors, 2: see pc.oom below */
  seg_yy_delete_buffer(buf, scanner);
  seg_yylex_destroy(scanner);
  if (pc.oom) return -1;      /* rc 2 without oom: too deep, reported by yyerror */
  return diags->nerrors - before;
}
