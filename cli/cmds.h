/*
** cmds.h -- `seg` subcommands that live in their own cli/cmd_*.c file.
** Each takes the arguments after the command name; returns the exit code.
*/
#ifndef SEG_CLI_CMDS_H
#define SEG_CLI_CMDS_H

int cmd_diff(int argc, char **argv);      /* cli/cmd_diff.c: seg diff OLD.seg NEW.seg DATA */
int seg_cmd_fmt(int argc, char **argv);   /* cli/cmd_fmt.c: seg fmt FILES... */
int seg_cmd_compile(int argc, char **argv); /* cli/cmd_compile.c: seg compile RULES -o OUT.segc */

#include <stddef.h>
#include <stdio.h>

/* cli/io.c: reads a whole file ("-" = stdin) into a malloc'd buffer;
** NULL after printing `seg: PATH: cannot open/read` to stderr. */
char *seg_cli_read_file(const char *path, size_t *len);

/* cli/io.c: writing a file so that a failure never leaves a partial file
** under its name. seg_cli_atomic_open opens a temporary file beside path
** (with path's mode, or the umask's for a new file) and sets *tmp; NULL
** after a message. seg_cli_atomic_commit flushes, fsyncs, closes and
** renames it over path, or removes it and prints why; frees tmp. */
FILE *seg_cli_atomic_open(const char *path, char **tmp);
int seg_cli_atomic_commit(FILE *f, char *tmp, const char *path);

/* cli/io.c: writes s as a JSON string literal. */
void seg_cli_json_string(FILE *f, const char *s);

#include <stdint.h>
#include "compile.h"
#include "schema.h"

/* cli/main.c, for cmd_compile.c: the date of --today / SEG_TODAY / the
** clock (exits 2 on a bad date); the schema of --schema or --data (0, or
** 2 after a message); the rules compiled with diagnostics printed (0,
** 1 rule errors, 2 input error). */
int32_t seg_cli_today(const char *opt);
int seg_cli_schema(const char *schema, const char *data, seg_schema *s, seg_table *t, seg_schema_view *sv);
int seg_cli_compile_rules(const char *path, const seg_schema_view *sv, int32_t today, seg_compiled *c);

/* cli/cmd_compile.c: 1 when path ends in .segc or starts with its magic; a .segc
** loaded, verified and bound to data's columns for `seg run` (0, or 2
** after a message); `seg explain` of a .segc. */
int seg_cli_is_segc_file(const char *path);
int seg_cli_segc_for_run(const char *path, const seg_schema_view *data, const char *data_path,
                         const char *today_opt, seg_compiled *c);
int seg_cli_segc_explain(const char *path);

#endif
