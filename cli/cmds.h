/*
** cmds.h -- `seg` subcommands that live in their own cli/cmd_*.c file.
** Each takes the arguments after the command name; returns the exit code.
*/
#ifndef SEG_CLI_CMDS_H
#define SEG_CLI_CMDS_H

int cmd_diff(int argc, char **argv);      /* cli/cmd_diff.c: seg diff OLD.seg NEW.seg DATA */
int seg_cmd_fmt(int argc, char **argv);   /* cli/cmd_fmt.c: seg fmt FILES... */

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

#endif
