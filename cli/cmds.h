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
#include <stdint.h>
#include <stdio.h>

/* cli/io.c: reads a whole file ("-" = stdin) into a malloc'd buffer;
** NULL after printing `seg: PATH: cannot open/read` to stderr.
** An input that can be read only once (a pipe, /dev/stdin, "-") is read
** whole the first time and kept, so a later read gets the same bytes.
** A leading UTF-8 byte order mark is dropped. */
char *seg_cli_read_file(const char *path, size_t *len);
/* cli/io.c: up to n first bytes of path into head (its length; 0 when
** unreadable) without losing them for a later seg_cli_read_file. */
size_t seg_cli_peek(const char *path, char *head, size_t n);

/* cli/io.c: writing a file so that a failure never leaves a partial file
** under its name. seg_cli_atomic_open opens a temporary file beside path
** (with path's mode, or the umask's for a new file) and sets *tmp; NULL
** after a message. seg_cli_atomic_commit flushes, fsyncs, closes and
** renames it over path, or removes it and prints why; frees tmp.
** "-" is stdout and an existing device or FIFO is written directly (tmp
** stays NULL); a symlink is written through, a hard-linked file in place. */
FILE *seg_cli_atomic_open(const char *path, char **tmp);
int seg_cli_atomic_commit(FILE *f, char *tmp, const char *path);

/* cli/io.c: guards for every output. seg_cli_output_ok: -1 (after a
** message naming opt) when out is the same file as one of the NULL-ended
** inputs (device and inode: through symlinks and hard links). seg_cli_
** overwrite_ok: -1 when out exists, is a non-empty regular file and does
** not start with magic, unless force. seg_cli_same_file: 1 when both name
** one file. seg_cli_signals: SIGINT/SIGTERM/SIGHUP remove the temporary
** being written; SIGBUS (a mapped input cut short) exits 2 with a message. */
int seg_cli_output_ok(const char *opt, const char *out, const char *const *inputs);
int seg_cli_overwrite_ok(const char *opt, const char *out, const char *magic, size_t mlen, const char *kind,
                         int force);
int seg_cli_same_file(const char *a, const char *b);
void seg_cli_signals(void);

/* cli/io.c: writes s as a JSON string literal. */
void seg_cli_json_string(FILE *f, const char *s);
/* cli/io.c: s[0..n) as one RFC 4180 CSV field (quoted when it holds a
** comma, a quote or a line end). */
void seg_cli_csv_field(FILE *f, const char *s, size_t n);
/* cli/io.c: the one format of counts in tables: 41203 -> "41 203". */
void seg_cli_group_digits(uint64_t v, char *out, size_t n);

#include <stdint.h>
#include "compile.h"
#include "import.h"
#include "schema.h"

/* cli/main.c, for cmd_compile.c: the date of --today / SEG_TODAY / the
** clock (exits 2 on a bad date); the schema of --schema or --data (0, or
** 2 after a message); the rules compiled with diagnostics printed (0,
** 1 rule errors, 2 input error). */
int32_t seg_cli_today(const char *opt);
/* SEG_THREADS (validated by main), or 0: the VM's default. */
unsigned seg_cli_threads(void);
/* cli/main.c: opens DATA, a .segcol or a CSV imported in memory (m: CSV
** options, NULL for the defaults; a pipe is read once); 0, or -1 after a
** message. */
int seg_cli_load_table(const char *path, int skip_bad, const seg_import_more *m, seg_table *t);
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
