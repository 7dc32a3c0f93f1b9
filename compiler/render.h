/*
** render.h -- diagnostics for people and for CI tools.
**
** Every renderer reads the same seg_diags records (diag.h), for one or
** more files, and writes one document for the whole run:
**
**   text    gcc style, file:line:col: severity: message + source + caret
**   json    modelled on gcc's -fdiagnostics-format=json: an array of
**           {kind, message, code, locations: [{caret, finish}], children}
**           (finish is the last column of the span, inclusive, as in gcc)
**   sarif   SARIF 2.1.0, as GitHub code scanning accepts it; one run,
**           rules from codes.def for the codes that occur; regions with
**           an exclusive endColumn; columns count Unicode code points
**   github  GitHub Actions workflow commands, one line per diagnostic:
**           ::error file=F,line=L,col=C,endColumn=E,title=CODE::message
**   gitlab  GitLab Code Quality report (Code Climate subset): an array of
**           {description, check_name, fingerprint, severity, location};
**           severity: error -> major, warning -> minor, note -> info;
**           fingerprint: FNV-1a 64 of path, line, column, code, message
**
** Paths in sarif, github and gitlab are written as given, with
** backslashes turned into slashes and leading "./" removed (repository-
** relative when the run was started at the repository root).
*/
#ifndef SEG_RENDER_H
#define SEG_RENDER_H

#include <stdio.h>
#include "diag.h"

typedef struct seg_render_file {
  const char *name;          /* the path as given ("<stdin>" for stdin)  */
  const char *src;           /* the source text, or NULL                 */
  size_t srclen;
  const seg_diags *diags;
} seg_render_file;

typedef enum seg_render_format {
  SEG_RENDER_TEXT, SEG_RENDER_JSON, SEG_RENDER_SARIF, SEG_RENDER_GITHUB, SEG_RENDER_GITLAB
} seg_render_format;

/* "text", "json", "sarif", "github", "gitlab": 0 and *out set, else -1. */
int seg_render_parse_format(const char *name, seg_render_format *out);

/* The tool as SARIF names it. */
#ifndef SEG_INFORMATION_URI
#define SEG_INFORMATION_URI "https://example.invalid/seg"
#endif

void seg_render_text(FILE *out, const seg_render_file *files, size_t n, int color);
void seg_render_json(FILE *out, const seg_render_file *files, size_t n);
/* These three return 0, or -2 when out of memory (the document is then
** written, but incomplete: no rule texts, paths or URIs where they failed). */
int seg_render_sarif(FILE *out, const seg_render_file *files, size_t n, const char *version);
int seg_render_github(FILE *out, const seg_render_file *files, size_t n);
int seg_render_gitlab(FILE *out, const seg_render_file *files, size_t n);

/* Dispatches on fmt; returns 0, -1 when writing failed, -2 when out of memory. */
int seg_render(FILE *out, seg_render_format fmt, const seg_render_file *files, size_t n,
               const char *version, int color);

#endif
