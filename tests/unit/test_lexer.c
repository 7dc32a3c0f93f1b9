/*
** test_lexer.c -- the reentrant scanner (grammar/lexer.l), driven directly
** through the flex API and through seg_parse.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "diag.h"
#include "parse.h"
#include "parser.h"
/* the parser's types carry its prefix (api.prefix seg_yy) */
#define YYSTYPE SEG_YYSTYPE
#define YYLTYPE SEG_YYLTYPE
#include "lexer.h"

static int failures;

static void check(int cond, const char *what) {
  printf("%s - %s\n", cond ? "ok" : "not ok", what);
  if (!cond) failures++;
}

static void checkf(int cond, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void checkf(int cond, const char *what, const char *fmt, ...) {
  if (cond) {
    printf("ok - %s\n", what);
    return;
  }
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  printf("not ok - %s (%s)\n", what, buf);
  failures++;
}

#define MAXTOK 64

typedef struct lexed {
  int n;                     /* tokens before YYEOF (YYEOF not counted) */
  int tok[MAXTOK];
  SEG_YYSTYPE val[MAXTOK];
  seg_loc loc[MAXTOK];
  seg_loc eofloc;
  seg_arena arena;
  seg_diags diags;
} lexed;

/* Scans src completely (stops at YYEOF or after MAXTOK tokens). */
static void lex(const char *src, size_t len, lexed *L) {
  memset(L, 0, sizeof *L);
  seg_ast ast = {0};
  seg_parse_ctx pc = {0};
  pc.arena = &L->arena;
  pc.ast = &ast;
  pc.diags = &L->diags;
  pc.line = 1;
  pc.col = 1;
  yyscan_t sc;
  if (seg_yylex_init_extra(&pc, &sc) != 0) {
    printf("# yylex_init_extra failed\n");
    return;
  }
  YY_BUFFER_STATE b = seg_yy_scan_bytes(src, (int)len, sc);
  for (int guard = 0; guard < MAXTOK; guard++) {
    SEG_YYSTYPE v;
    seg_loc l;
    memset(&v, 0, sizeof v);
    memset(&l, 0, sizeof l);
    int t = seg_yylex(&v, &l, sc);
    if (t == SEG_YYEOF) { L->eofloc = l; break; }
    L->tok[L->n] = t;
    L->val[L->n] = v;
    L->loc[L->n] = l;
    L->n++;
  }
  seg_yy_delete_buffer(b, sc);
  seg_yylex_destroy(sc);
}

static void lex_s(const char *src, lexed *L) { lex(src, strlen(src), L); }

static void lexed_free(lexed *L) {
  seg_diags_free(&L->diags);
  seg_arena_free(&L->arena);
}

/* Compares the token kinds with want[0..nw). */
static int kinds_are(const lexed *L, const int *want, int nw) {
  if (L->n != nw) {
    printf("#   got %d tokens, want %d:", L->n, nw);
    for (int i = 0; i < L->n; i++) printf(" %d", L->tok[i]);
    printf("\n");
    return 0;
  }
  for (int i = 0; i < nw; i++)
    if (L->tok[i] != want[i]) {
      printf("#   token %d is %d, want %d\n", i, L->tok[i], want[i]);
      return 0;
    }
  return 1;
}

static int loc_is(seg_loc l, int fl, int fc, int ll, int lc) {
  return l.first_line == fl && l.first_column == fc && l.last_line == ll && l.last_column == lc;
}

typedef struct parsed {
  seg_arena arena;
  seg_ast ast;
  seg_diags diags;
  int rc;
} parsed;

static void parse_s(const char *src, size_t len, parsed *P) {
  memset(P, 0, sizeof *P);
  P->rc = seg_parse(src, len, &P->arena, &P->ast, &P->diags);
}

static void parsed_free(parsed *P) {
  seg_diags_free(&P->diags);
  seg_arena_free(&P->arena);
}

static void dump_diags(const seg_diags *d) {
  for (size_t i = 0; i < d->n; i++)
    printf("#   %d:%d-%d:%d %s %s\n", d->v[i].loc.first_line, d->v[i].loc.first_column,
           d->v[i].loc.last_line, d->v[i].loc.last_column, d->v[i].code, d->v[i].msg);
}

/* Exactly one diagnostic (E0001) at line:col whose message contains `needle`. */
static void one_diag_at(const char *what, const char *src, size_t len, int line, int col, const char *needle) {
  parsed P;
  parse_s(src, len, &P);
  int ok = P.diags.n == 1 && P.diags.nerrors == 1 && P.rc == 1;
  if (ok) {
    const seg_diag *d = &P.diags.v[0];
    ok = strcmp(d->code, "E0001") == 0 && d->loc.first_line == line && d->loc.first_column == col &&
         (!needle || strstr(d->msg, needle) != NULL);
  }
  if (!ok) dump_diags(&P.diags);
  checkf(ok, what, "rc %d, %zu diagnostics; want one E0001 at %d:%d containing '%s'", P.rc, P.diags.n, line,
         col, needle ? needle : "");
  parsed_free(&P);
}

int main(void) {
  lexed L;

  /* ---- keywords ---- */
  lex_s("AND Segment sEgMeNt and OR Not IN is MISSING Today LET", &L);
  {
    int want[] = {AND, SEGMENT, SEGMENT, AND, OR, NOT, IN, IS, MISSING, TODAY, LET};
    check(kinds_are(&L, want, 11), "keywords are case-insensitive (AND, Segment, sEgMeNt, ...)");
  }
  lexed_free(&L);

  lex_s("TRUE False Days WEEK", &L);
  {
    int want[] = {BOOLLIT, BOOLLIT, UNIT, UNIT};
    check(kinds_are(&L, want, 4) && L.val[0].ival == 1 && L.val[1].ival == 0 && L.val[2].name.unit == U_DAY &&
              L.val[3].name.unit == U_WEEK,
          "true/false and units are case-insensitive with their values");
  }
  lexed_free(&L);

  lex_s("Age andy Segments _x1", &L);
  {
    int want[] = {NAME, NAME, NAME, NAME};
    check(kinds_are(&L, want, 4) && strcmp(L.val[0].name.s, "Age") == 0 && strcmp(L.val[1].name.s, "andy") == 0 &&
              strcmp(L.val[2].name.s, "Segments") == 0 && strcmp(L.val[3].name.s, "_x1") == 0,
          "identifiers keep their case; keyword prefixes are names");
  }
  lexed_free(&L);

  /* ---- numbers ---- */
  lex_s("10_000", &L);
  {
    int want[] = {INTLIT};
    checkf(kinds_are(&L, want, 1) && L.val[0].ival == 10000, "10_000 is INTLIT 10000", "value %lld",
           (long long)L.val[0].ival);
  }
  lexed_free(&L);

  lex_s("9223372036854775807", &L);
  {
    int want[] = {INTLIT};
    check(kinds_are(&L, want, 1) && L.val[0].ival == INT64_MAX && L.diags.n == 0, "INT64_MAX is an INTLIT");
  }
  lexed_free(&L);

  lex_s("9223372036854775808", &L);
  check(L.n == 1 && L.tok[0] == SEG_YYUNDEF && L.diags.nerrors == 1 && strstr(L.diags.v[0].msg, "too large"),
        "an integer past INT64_MAX is one 'number too large' error");
  lexed_free(&L);

  lex_s("25..40", &L);
  {
    int want[] = {INTLIT, DOTDOT, INTLIT};
    check(kinds_are(&L, want, 3) && L.val[0].ival == 25 && L.val[2].ival == 40 && loc_is(L.loc[1], 1, 3, 1, 4),
          "25..40 lexes as INTLIT DOTDOT INTLIT (not a decimal)");
  }
  lexed_free(&L);

  lex_s("2026-11-23", &L);
  {
    int want[] = {DATELIT};
    checkf(kinds_are(&L, want, 1) && L.val[0].ival == 20780 && loc_is(L.loc[0], 1, 1, 1, 10),
           "2026-11-23 is DATELIT day 20780 spanning columns 1-10", "value %lld", (long long)L.val[0].ival);
  }
  lexed_free(&L);

  lex_s("1970-01-01 2024-02-29", &L);
  {
    int want[] = {DATELIT, DATELIT};
    check(kinds_are(&L, want, 2) && L.val[0].ival == 0 && L.val[1].ival == 19782,
          "1970-01-01 is day 0 and leap day 2024-02-29 is day 19782");
  }
  lexed_free(&L);

  lex_s("2026-02-30", &L);
  check(L.n == 1 && L.tok[0] == SEG_YYUNDEF && L.diags.nerrors == 1 && strcmp(L.diags.v[0].code, "E0001") == 0 &&
            strstr(L.diags.v[0].msg, "invalid date") && loc_is(L.diags.v[0].loc, 1, 1, 1, 10),
        "2026-02-30 is an invalid-date error at 1:1-1:10");
  lexed_free(&L);

  lex_s("100.10", &L);
  {
    int want[] = {NUMLIT};
    check(kinds_are(&L, want, 1) && L.val[0].fval == 100.1, "100.10 is NUMLIT 100.1");
  }
  lexed_free(&L);

  lex_s("1_000.5 0.25", &L);
  {
    int want[] = {NUMLIT, NUMLIT};
    check(kinds_are(&L, want, 2) && L.val[0].fval == 1000.5 && L.val[1].fval == 0.25,
          "1_000.5 and 0.25 are NUMLITs");
  }
  lexed_free(&L);

  /* ---- strings ---- */
  lex_s("\"a\\\"b\\\\c\\'d\"", &L);    /* "a\"b\\c\'d" */
  {
    int want[] = {STRLIT};
    check(kinds_are(&L, want, 1) && L.val[0].str.n == 7 && memcmp(L.val[0].str.s, "a\"b\\c'd", 7) == 0,
          "double-quoted string with \\\" \\\\ \\' escapes");
  }
  lexed_free(&L);

  lex_s("'it\\'s \"ok\"'", &L);        /* 'it\'s "ok"' */
  {
    int want[] = {STRLIT};
    check(kinds_are(&L, want, 1) && L.val[0].str.n == 9 && memcmp(L.val[0].str.s, "it's \"ok\"", 9) == 0,
          "single-quoted string with \\' escape and bare double quotes");
  }
  lexed_free(&L);

  lex_s("\"\\d+\" ''", &L);             /* "\d+" '' */
  {
    int want[] = {STRLIT, STRLIT};
    check(kinds_are(&L, want, 2) && L.val[0].str.n == 3 && memcmp(L.val[0].str.s, "\\d+", 3) == 0 &&
              L.val[1].str.n == 0,
          "other backslashes stay (regex \\d); empty string has length 0");
  }
  lexed_free(&L);

  lex_s("\"Göteborg\"", &L);
  {
    int want[] = {STRLIT};
    check(kinds_are(&L, want, 1) && L.val[0].str.n == strlen("Göteborg") &&
              memcmp(L.val[0].str.s, "Göteborg", L.val[0].str.n) == 0 && loc_is(L.loc[0], 1, 1, 1, 10),
          "UTF-8 string keeps its bytes; location counts 10 code points");
  }
  lexed_free(&L);

  /* ---- backticked names ---- */
  lex_s("`Annual Income (k$)` `Ort Åsa` `a``b`", &L);
  {
    int want[] = {BQNAME, BQNAME, BQNAME};
    check(kinds_are(&L, want, 3) && strcmp(L.val[0].name.s, "Annual Income (k$)") == 0 &&
              strcmp(L.val[1].name.s, "Ort Åsa") == 0 && strcmp(L.val[2].name.s, "a`b") == 0,
          "backticked names with spaces, non-ASCII and a doubled backtick");
    check(L.n == 3 && loc_is(L.loc[1], 1, 22, 1, 30) && loc_is(L.loc[2], 1, 32, 1, 37),
          "backticked name locations count code points");
  }
  lexed_free(&L);

  lex_s("``", &L);
  check(L.n == 1 && L.tok[0] == SEG_YYUNDEF && L.diags.nerrors == 1 && strstr(L.diags.v[0].msg, "empty"),
        "empty backticked name is an error");
  lexed_free(&L);

  /* ---- comments, whitespace, locations ---- */
  lex_s("# a comment with and or segment\n  age # trailing \"comment\n\t>= 5 # end", &L);
  {
    int want[] = {NAME, GE, INTLIT};
    check(kinds_are(&L, want, 3) && L.diags.n == 0, "comments are skipped (even with quotes inside)");
    check(L.n == 3 && loc_is(L.loc[0], 2, 3, 2, 5) && loc_is(L.loc[1], 3, 2, 3, 3) && loc_is(L.loc[2], 3, 5, 3, 5),
          "token locations across lines (line, first/last column)");
  }
  lexed_free(&L);

  lex_s("\"Åsa\" = `Åsa`", &L);
  {
    int want[] = {STRLIT, '=', BQNAME};
    check(kinds_are(&L, want, 3) && loc_is(L.loc[0], 1, 1, 1, 5) && loc_is(L.loc[1], 1, 7, 1, 7) &&
              loc_is(L.loc[2], 1, 9, 1, 13),
          "Åsa counts 3 columns: \"Åsa\" is 1-5, = at 7, `Åsa` is 9-13");
  }
  lexed_free(&L);

  lex_s("a <> b != c == d <= e", &L);
  {
    int want[] = {NAME, NE, NAME, NE, NAME, EQEQ, NAME, LE, NAME};
    check(kinds_are(&L, want, 9), "operators <> != == <=");
  }
  lexed_free(&L);

  /* ---- lexical errors, directly ---- */
  lex_s("age @ 5", &L);
  check(L.n == 3 && L.tok[1] == SEG_YYUNDEF && L.tok[2] == INTLIT && L.diags.n == 1 &&
            loc_is(L.diags.v[0].loc, 1, 5, 1, 5) && strstr(L.diags.v[0].msg, "'@'"),
        "stray '@' is YYUNDEF with one diagnostic at 1:5, scanning continues");
  lexed_free(&L);

  lex(" x\n\xff", 4, &L);
  check(L.n == 2 && L.tok[1] == SEG_YYUNDEF && L.diags.n == 1 && loc_is(L.diags.v[0].loc, 2, 1, 2, 1) &&
            strstr(L.diags.v[0].msg, "0xff"),
        "invalid UTF-8 byte 0xff: one diagnostic at 2:1");
  lexed_free(&L);

  lex_s("x = \"abc\ny", &L);
  check(L.n == 4 && L.tok[2] == SEG_YYUNDEF && L.tok[3] == NAME && L.diags.n == 1 &&
            loc_is(L.diags.v[0].loc, 1, 5, 1, 8) && strstr(L.diags.v[0].msg, "unterminated string") &&
            L.loc[3].first_line == 2 && L.loc[3].first_column == 1,
        "unterminated string: one diagnostic at 1:5-1:8, next line scanned normally");
  lexed_free(&L);

  /* ---- through seg_parse ---- */
  {
    const char *src = "SEGMENT s = age > 1 AND age < 5\nSegment t \"desc\" = Not s Or age In (1, 2)\n";
    parsed P;
    parse_s(src, strlen(src), &P);
    int ok = P.rc == 0 && P.diags.n == 0 && P.ast.first && P.ast.first->kind == S_SEGMENT &&
             P.ast.first->expr && P.ast.first->expr->kind == SEG_N_AND && P.ast.first->next &&
             P.ast.first->next->desc && strcmp(P.ast.first->next->desc, "desc") == 0 &&
             P.ast.first->next->expr && P.ast.first->next->expr->kind == SEG_N_OR;
    if (!ok) dump_diags(&P.diags);
    check(ok, "seg_parse accepts upper/mixed-case keywords and builds AND / OR nodes");
    parsed_free(&P);
  }
  {
    const char *src = "segment s = age 25..40\nsegment t = d > 2026-11-23\n";
    parsed P;
    parse_s(src, strlen(src), &P);
    seg_stmt *s = P.ast.first;
    int ok = P.rc == 0 && s && s->expr && s->expr->kind == SEG_N_RANGE && s->expr->b && s->expr->b->ival == 25 &&
             s->expr->c && s->expr->c->ival == 40 && s->next && s->next->expr && s->next->expr->b &&
             s->next->expr->b->kind == SEG_N_DATE && s->next->expr->b->ival == 20780;
    if (!ok) dump_diags(&P.diags);
    check(ok, "seg_parse: `age 25..40` is a range 25..40 and 2026-11-23 a date node 20780");
    parsed_free(&P);
  }
  {
    const char *src = "segment s = `Ort Åsa` = 'x'";
    parsed P;
    parse_s(src, strlen(src), &P);
    seg_stmt *s = P.ast.first;
    int ok = P.rc == 0 && s && s->expr && s->expr->a && s->expr->a->kind == SEG_N_NAME &&
             strcmp(s->expr->a->str, "Ort Åsa") == 0 && loc_is(s->expr->a->loc, 1, 13, 1, 21) &&
             loc_is(s->expr->loc, 1, 13, 1, 27);
    if (!ok && s && s->expr && s->expr->a)
      printf("#   name loc %d:%d-%d:%d\n", s->expr->a->loc.first_line, s->expr->a->loc.first_column,
             s->expr->a->loc.last_line, s->expr->a->loc.last_column);
    check(ok, "seg_parse: node locations count code points");
    parsed_free(&P);
  }

  {
    const char *s1 = "segment s = age > 5 @ 3\n";
    one_diag_at("stray character: exactly one diagnostic at 1:21", s1, strlen(s1), 1, 21, "'@'");
    const char *s2 = "segment s = `Åsa` > 1 $\n";
    one_diag_at("stray character after non-ASCII: one diagnostic at 1:23 (code points)", s2, strlen(s2), 1, 23,
                "'$'");
    const char *s3 = "segment a = x > 1\nsegment s = city = \xff\n";
    one_diag_at("invalid UTF-8 byte: exactly one diagnostic at 2:20", s3, strlen(s3), 2, 20, "0xff");
    const char *s4 = "segment s = city = \"Malmö\nsegment t = x > 1\n";
    one_diag_at("unterminated string: exactly one diagnostic at 1:20", s4, strlen(s4), 1, 20, "unterminated string");
    const char *s5 = "segment s = d > 2026-02-30\n";
    one_diag_at("invalid date 2026-02-30: exactly one diagnostic at 1:17", s5, strlen(s5), 1, 17, "invalid date");
    const char *s6 = "segment s = d > 2025-02-29\n";
    one_diag_at("invalid date 2025-02-29 (not a leap year): one diagnostic", s6, strlen(s6), 1, 17, "invalid date");
    /* Unicode letters are name characters (issue 10); a non-letter is not */
    const char *s7 = "segment s = € > 1\n";
    one_diag_at("a non-letter (euro sign) outside backticks: one diagnostic at 1:13", s7, strlen(s7), 1, 13,
                "'€'; a name with characters other than letters");
  }
  {
    /* a lexical error must not hide a later independent syntax error */
    const char *src = "segment s = age @ 3\nsegment t = age >\n";
    parsed P;
    parse_s(src, strlen(src), &P);
    int ok = P.rc == 2 && P.diags.n == 2 && P.diags.v[0].loc.first_line == 1 && P.diags.v[1].loc.first_line == 2;
    if (!ok) dump_diags(&P.diags);
    check(ok, "a lexical error on line 1 and a syntax error on line 2 give two diagnostics");
    parsed_free(&P);
  }

  return failures ? 1 : 0;
}
