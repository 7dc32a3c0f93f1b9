/*
** parse.h -- the front end: .seg text to AST (grammar/lexer.l, grammar/parser.y).
*/
#ifndef SEG_PARSE_H
#define SEG_PARSE_H

#include <setjmp.h>

#include "ast.h"
#include "diag.h"

/* State shared by the reentrant scanner (yyextra) and the pure parser. */
typedef struct seg_parse_ctx {
  seg_arena *arena;
  seg_ast *ast;
  seg_diags *diags;
  int line, col;             /* position of the next character           */
  const char *tok, *prev;    /* text of the current and previous token   */
  size_t toklen, prevlen;
  const char *prev2;         /* and of the one before that               */
  size_t prev2len;
  seg_loc prevloc;           /* where the previous token is              */
  seg_loc tokloc;
  int end_line, end_col;     /* just after the last token (for end of file) */
  int prev_end_line, prev_end_col; /* just after the token before it   */
  seg_loc open[64];          /* innermost open parentheses / brackets    */
  int nopen;
  int lex_error;             /* the current token is a lexical error already reported */
  int oom;
  jmp_buf *fatal;            /* where flex's "fatal" errors (out of memory) jump; NULL: exit */
} seg_parse_ctx;

/* Parses src into *ast (nodes in *arena). Every syntax error goes to
** *diags; returns the number of syntax errors (0 = clean). */
int seg_parse(const char *src, size_t len, seg_arena *arena, seg_ast *ast, seg_diags *diags);

#endif
