/*
** cli.h -- what the `seg` commands share: exit codes, the one option
** parser, usage errors, the evaluation date (--today / SEG_TODAY), colour,
** the CSV reading options (cli/opts.c); reading inputs and data, the
** schema of --schema / --data, compiling a rules file, guarded and atomic
** output, CSV/JSON text (cli/io.c).
*/
#ifndef SEG_CLI_H
#define SEG_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "compile.h"
#include "import.h"
#include "schema.h"
#include "vm.h"

#include "version.h"         /* SEG_VERSION */

/* The exit codes of every command. */
enum seg_exit {
  SEG_EXIT_OK = 0,
  SEG_EXIT_FINDINGS = 1,   /* findings: rule errors (check: and warnings with --strict), fmt --check, diff --max-change */
  SEG_EXIT_USAGE = 2       /* usage or input error */
};

/* ---- cli/opts.c ---------------------------------------------------------- */

/* A usage error: prints `seg: ` fmt (one %s: arg) and `Try 'seg --help'.`
** to stderr and exits SEG_EXIT_USAGE. Commands with their own usage line
** (diff, fmt) have their own function of this type that returns the code. */
typedef int (*seg_cli_usage_fn)(const char *fmt, const char *arg);
_Noreturn int seg_cli_usage(const char *fmt, const char *arg);

/* The option parser. A command describes its options as a table ended by
** {NULL}: the name (and another spelling, or NULL), whether it takes a
** value, and where that goes:
**   SEG_OPT_FLAG   int *: set to 1
**   SEG_OPT_VALUE  const char **: the value (the last one given wins)
**   SEG_OPT_LIST   seg_cli_list *: every value, in order (repeatable; v
**                  must have room for argc entries)
** Every other argument not starting with '-' (and "-", standard input) is
** positional, into pos (room for maxpos, or argc when maxpos < 0). Errors,
** in argument order, go to usage: a positional beyond maxpos ("unexpected
** argument"), an option not in the table (spec->unknown), a value missing. */
typedef enum seg_opt_kind { SEG_OPT_FLAG, SEG_OPT_VALUE, SEG_OPT_LIST } seg_opt_kind;
typedef struct seg_cli_list { const char **v; int n; } seg_cli_list;
typedef struct seg_cli_opt {
  const char *name, *alias;
  seg_opt_kind kind;
  void *slot;
} seg_cli_opt;
typedef struct seg_cli_spec {
  const seg_cli_opt *opts;
  int maxpos;              /* most positional arguments; < 0: any number */
  int dashdash;            /* "--" makes every later argument positional */
  const char *unknown;     /* e.g. "unknown option '%s' for this command" */
  seg_cli_usage_fn usage;
} seg_cli_spec;
/* 0, or the usage function's code. */
int seg_cli_parse(const seg_cli_spec *spec, int argc, char **argv, const char **pos, int *npos);

/* The evaluation date: --today (opt), else $SEG_TODAY when set and not
** empty, else the local date. seg_cli_today_parse: 0, or -1 when the text
** is not a date YYYY-MM-DD (*text: it; *bad: the message, one %s for it).
** seg_cli_today: the date, or a usage error (exit 2). seg_cli_today_given:
** the date given explicitly (opt when given, else a non-empty SEG_TODAY),
** or NULL for the local date. */
int seg_cli_today_parse(const char *opt, int32_t *day, const char **text, const char **bad);
/* A date argument, exactly YYYY-MM-DD: 0 and *day, or -1. */
int seg_cli_date_arg(const char *s, int32_t *day);
int32_t seg_cli_today(const char *opt);
/* SEG_THREADS (validated by main), or 0: the VM's default. */
unsigned seg_cli_threads(void);
const char *seg_cli_today_given(const char *opt);

/* 1 when diagnostics on stderr are coloured: --color=always; with auto
** (the default), a terminal and no NO_COLOR (set and not empty); never. */
int seg_cli_color(void);
/* --color=WHEN (auto, always, never): 0, or -1 for another word. */
int seg_cli_color_option(const char *v);

/* The CSV reading options of import, schema and run (--encoding,
** --month-first, --decimal, --threads, --max-bad-rows, --schema with
** --lenient and --allow-extra) as seg_import_more; a bad value is a usage
** error (exit 2). The schema of --schema is read into *pinned (the caller
** frees it). */
typedef struct seg_cli_csv {
  const char *encoding, *decimal, *threads, *max_bad, *schema;
  int skip_bad, month_first, lenient, allow_extra;   /* skip_bad: --skip-bad-rows (--max-bad-rows implies it) */
} seg_cli_csv;
seg_import_more seg_cli_csv_more(const seg_cli_csv *o, seg_schema *pinned);
/* The entries of an option table for them, into the seg_cli_csv o: how
** a CSV is read, and its schema (import, schema, run, overlap). */
#define SEG_CLI_CSV_READ_OPTS(o)                                   \
  {"--skip-bad-rows", NULL, SEG_OPT_FLAG, &(o).skip_bad},          \
  {"--max-bad-rows", NULL, SEG_OPT_VALUE, &(o).max_bad},           \
  {"--encoding", NULL, SEG_OPT_VALUE, &(o).encoding},              \
  {"--month-first", NULL, SEG_OPT_FLAG, &(o).month_first},         \
  {"--decimal", NULL, SEG_OPT_VALUE, &(o).decimal}
#define SEG_CLI_CSV_SCHEMA_OPTS(o)                                 \
  {"--schema", NULL, SEG_OPT_VALUE, &(o).schema},                  \
  {"--lenient", NULL, SEG_OPT_FLAG, &(o).lenient},                 \
  {"--allow-extra", NULL, SEG_OPT_FLAG, &(o).allow_extra}

/* The summaries' --format (NULL: table); another word is a usage error. */
typedef enum seg_cli_format { SEG_FORMAT_TABLE, SEG_FORMAT_CSV, SEG_FORMAT_JSON } seg_cli_format;
seg_cli_format seg_cli_report_format(const char *format);
/* All of them, for the commands that read DATA as seg run does (run, why). */
#define SEG_CLI_CSV_OPTIONS(o) SEG_CLI_CSV_READ_OPTS(o), SEG_CLI_CSV_SCHEMA_OPTS(o)

/* ---- cli/progress.c ------------------------------------------------------ */

/* The progress bar of import and run over large files, on stderr: only on
** a terminal and without --quiet (seg_cli_progress_quiet; seg_cli_quiet
** tells it, for the other chatter). _begin starts a bar "WHAT PATH" that
** counts bytes of total (by_bytes: the import; total 0: the import says)
** or rows of total; _bytes is a seg_import_more progress function, _rows a
** seg_vm_opts one (ctx unused; any thread); _end clears the line. */
void seg_cli_progress_quiet(int quiet);
int seg_cli_quiet(void);
void seg_cli_progress_begin(const char *what, const char *path, int by_bytes, uint64_t total);
void seg_cli_progress_bytes(void *ctx, uint64_t bytes, uint64_t records, uint64_t total);
void seg_cli_progress_rows(void *ctx, uint64_t rows);
void seg_cli_progress_end(void);

/* ---- cli/io.c ------------------------------------------------------------ */

/* Reads a whole file ("-" = stdin) into a malloc'd buffer;
** NULL after printing `seg: PATH: cannot open/read` to stderr.
** An input that can be read only once (a pipe, /dev/stdin, "-") is read
** whole the first time and kept, so a later read gets the same bytes.
** A leading UTF-8 byte order mark is dropped. */
char *seg_cli_read_file(const char *path, size_t *len);
/* Up to n first bytes of path into head (its length; 0 when unreadable)
** without losing them for a later seg_cli_read_file. */
size_t seg_cli_peek(const char *path, char *head, size_t n);

/* Opens DATA: a .segcol or a CSV imported in memory (m: CSV options, NULL
** for the defaults; a pipe is read once); 0, or -1 after a message. With
** m->schema, a .segcol's columns must match it. */
int seg_cli_load_table(const char *path, int skip_bad, const seg_import_more *m, seg_table *t);
/* The same, with the import's warnings on stderr only when warn (a table
** read again prints none twice). */
int seg_cli_load_table_warn(const char *path, int skip_bad, const seg_import_more *m, seg_table *t, int warn);
/* Gives the columns of t that are empty in every row the types p needs
** (seg_table_fit_empty), after checking a .segcol column's checksum. 0, or
** -1 after a message naming path. */
int seg_cli_fit_empty(seg_table *t, const seg_program *p, const char *path);

/* --exclude FILE (cli/exclude.c): the rows of t whose key or e-mail is on
** the list, as a bitmap; suppressed rows, listed values, and listed values
** no row has. */
typedef struct seg_cli_excluded {
  uint64_t *bits;
  uint64_t suppressed;
  size_t listed, absent;
  char column[256];       /* the data column compared */
  const char *data;       /* set by the caller: the report names this data (two exports), or NULL */
} seg_cli_excluded;
int seg_cli_exclude(const char *path, const seg_table *t, seg_cli_excluded *out);   /* 0, or -1 (said) */
/* Removes the excluded rows from every segment's members (res must have
** them) and recounts. */
void seg_cli_apply_exclude(const seg_cli_excluded *e, seg_result *res);
/* "seg: --exclude: N customers suppressed (COLUMN on PATH); ..." on stderr */
void seg_cli_exclude_report(const seg_cli_excluded *e, const char *path);
/* may_be_missing for t's view: SEG_COL_EMPTY where a column has no value,
** else 1 (unknown). Caller frees; NULL when out of memory (said). */
uint8_t *seg_cli_empty_marks(const seg_table *t);
/* The missing-value marks of seg run and seg why for t's view: SEG_COL_EMPTY
** where a column has no value, else whether it has missing values (a
** .segcol's header says; a CSV in memory is scanned). Caller frees; NULL
** when out of memory (said). */
uint8_t *seg_cli_missing_marks(const seg_table *t);
/* The warnings of an import, on stderr (seg_import_opts.warn). */
void seg_cli_warn(void *ctx, const char *msg);
/* The columns of t as a schema view (names and types: room for t->ncols). */
seg_schema_view seg_cli_table_view(const seg_table *t, const char **names, seg_type *types);
/* cli/evaluate.c: the columns of a CSV a command can read
** (seg_import_more.want_column): _init folds the text of the rules files
** and the names (NULL entries skipped as empty) into w, 0; or -1 (then read
** every column: a .segc or rules on stdin, a file that cannot be read --
** its compile says so --, SEG_READ_ALL_COLUMNS=1, no memory; w is then
** empty and asks for nothing). A column is kept when its name has a
** backquote or is found in the folded text, or (with _use and `first`) it
** is the first. _use makes m (the customers' CSV options) ask w; _more
** sets m to the default CSV options asking w by name alone (an event
** table's CSV, a schema's) and returns it, or NULL when w is empty. _free
** after the loads. */
typedef struct seg_cli_want {
  char *text;               /* case-folded NFC (seg_casefold) */
  size_t n;
  int first;                /* the first column too (the default key) */
} seg_cli_want;
int seg_cli_want_init(seg_cli_want *w, const char *const *files, int nfiles, const char *const *names, int nnames,
                      int first);
void seg_cli_want_use(seg_cli_want *w, seg_import_more *m);
const seg_import_more *seg_cli_want_more(seg_cli_want *w, seg_import_more *m);
void seg_cli_want_free(seg_cli_want *w);

/* The schema of --schema (a file) or --data (DATA loaded into t) for check,
** explain and compile: 0, or 2 after a message; neither or both given is a
** usage error. A CSV's columns that the nrules rules files cannot name
** are typed (and their missing values noted) but not kept, as in run
** (seg_cli_want_*). */
int seg_cli_schema(const char *schema, const char *data, const char *const *rules, int nrules, seg_schema *s,
                   seg_table *t, seg_schema_view *sv);
/* Compiles a rules file, diagnostics printed to stderr: 0, 1 rule errors,
** 2 input error (c is set up once the file is read). _rules: errors only;
** _lint: lint warnings too (seg run; they are `seg check`'s otherwise),
** and extra statements after the file's (NULL: none; --measure), whose
** diagnostics name "--measure". */
int seg_cli_compile_rules(const char *path, const seg_schema_view *sv, int32_t today, seg_compiled *c);
int seg_cli_compile_lint(const char *path, const seg_schema_view *sv, int32_t today, seg_compiled *c,
                         const char *extra);

/* Writing a file so that a failure never leaves a partial file under its
** name. seg_cli_atomic_open opens a temporary file beside path (with
** path's mode, or the umask's for a new file) and sets *tmp; NULL after a
** message. seg_cli_atomic_commit flushes, fsyncs, closes and renames it
** over path, or removes it and prints why; frees tmp.
** "-" is stdout and an existing device or FIFO is written directly (tmp
** stays NULL); a symlink is written through, a hard-linked file in place. */
FILE *seg_cli_atomic_open(const char *path, char **tmp);
int seg_cli_atomic_commit(FILE *f, char *tmp, const char *path);
/* seg_cli_atomic_commit in two steps, for a set of files that are put in
** place only when every one of them is complete: _finish flushes, fsyncs
** and closes (on failure: removes tmp, frees it, says why, -1); _install
** renames a finished tmp over path (frees it; 0, or -1 said). */
int seg_cli_atomic_finish(FILE *f, char *tmp, const char *path);
int seg_cli_atomic_install(char *tmp, const char *path);

/* Guards for every output. seg_cli_output_ok: -1 (after a message naming
** opt) when out is the same file as one of the NULL-ended inputs (device
** and inode: through symlinks and hard links). seg_cli_overwrite_ok: -1
** when out exists, is a non-empty regular file and does not start with
** magic, unless force. seg_cli_same_file: 1 when both name one file.
** seg_cli_signals: SIGINT/SIGTERM/SIGHUP remove the temporary being
** written; SIGBUS (a mapped input cut short) exits 2 with a message. */
int seg_cli_output_ok(const char *opt, const char *out, const char *const *inputs);
int seg_cli_overwrite_ok(const char *opt, const char *out, const char *magic, size_t mlen, const char *kind,
                         int force);
int seg_cli_same_file(const char *a, const char *b);
void seg_cli_signals(void);

/* s (s[0..n)) as a JSON string literal. */
void seg_cli_json_string(FILE *f, const char *s);
void seg_cli_json_string_n(FILE *f, const char *s, size_t n);
/* s[0..n) as one RFC 4180 CSV field (quoted when it holds a comma, a
** quote or a line end). */
void seg_cli_csv_field(FILE *f, const char *s, size_t n);
/* DATA's columns as run and why compile rules against them: t's names
** and types, with the missing-value marks (seg_cli_missing_marks) so that
** lint speaks only of missing values that exist. 0, or -1 after a message;
** seg_cli_data_view_free releases it (also after a failure). */
typedef struct seg_cli_dataview {
  seg_schema_view sv;
  const char **names;
  seg_type *types;
  uint8_t *missing;
} seg_cli_dataview;
int seg_cli_data_view(const seg_table *t, seg_cli_dataview *v);
void seg_cli_data_view_free(seg_cli_dataview *v);
/* --segment NAME...: per segment of p, 1 when shown (all when none is
** named). NULL after a message (a name p does not have, out of memory). */
uint8_t *seg_cli_pick_segments(const seg_program *p, const seg_cli_list *names, const char *rules);
/* The value of column c at row r: one CSV field (csv), else as it reads;
** a missing value writes nothing. */
void seg_cli_write_cell(FILE *f, const seg_column *c, size_t r, int csv);
/* Table columns count characters, not bytes (`VIP Göteborg` is 12 wide):
** seg_cli_width is s's width in characters (code points), seg_cli_pad the
** printf field width (%-*s) that pads s to `width` characters. */
int seg_cli_width(const char *s);
int seg_cli_pad(const char *s, int width);
/* The one format of counts in tables: 41203 -> "41 203". */
void seg_cli_group_digits(uint64_t v, char *out, size_t n);

/* ---- cli/members.c -------------------------------------------------------- */

/* The text of row r of column c as every output writes it: *s, *n point
** at it (into the dictionary for text, else into buf); 0, or -1 when the
** cell is missing. Numbers exactly, at the column's scale; dates
** YYYY-MM-DD; bools true/false. */
int seg_cli_cell_text(const seg_column *c, size_t r, char buf[static 48], const char **s, size_t *n);
/* The closest of names[0..n) to name (edit distance within a third of its
** length, as the compiler's "did you mean"), or NULL. */
const char *seg_cli_closest(const char *name, const char *const *names, size_t n);
/* " (did you mean 'x'?)" for the closest column of t to name, or "". */
const char *seg_cli_did_you_mean(const seg_table *t, const char *name, char *buf, size_t cap);

/* `seg run --members OUT | --members-dir DIR [--members-format csv|jsonl]
** [--columns A,B]`: who is in each segment shown, with chosen columns. */
typedef struct seg_cli_members {
  const char *path, *dir, *format;   /* format: "csv" (default) or "jsonl" */
  seg_cli_list columns;              /* --columns, each a comma-separated list of names */
  int *cols;                         /* seg_cli_members_columns: the key, then each of --columns once
                                        (the key and repeats dropped); malloc'd, the caller frees */
  size_t ncols;
  const struct seg_tiers *tiers;     /* the priorities' tiers (a column each, after the columns), or NULL */
} seg_cli_members;
/* Checks the options before anything is read: usage errors exit 2; an
** output that is one of inputs (NULL-ended) or a DIR that is not a
** directory: -1 after a message. */
int seg_cli_members_check(const seg_cli_members *m, const char *const *inputs);
/* The columns a row is written with into m->cols, from the key column of
** t and --columns (checked: before the run, so a misspelt name costs no
** run). 0, or -1 after a message naming the column (and the closest). */
int seg_cli_members_columns(seg_cli_members *m, const seg_table *t, int key, const char *data_path);
/* Writes the members of every shown segment (m->cols of t) as m asks;
** with a DIR, one file a segment, each <DIR>/<encoded name>.csv|.jsonl,
** all put in place only when every one is complete. 0, or -1 after a
** message (nothing written). */
int seg_cli_members_write(const seg_cli_members *m, const seg_program *p, const seg_result *res,
                          const seg_table *t, const uint8_t *shown, const char *const *inputs,
                          const char *data_path);

/* ---- cli/keys.c ------------------------------------------------------------ */

/* The customers of two exports t[0] (old) and t[1] (new) matched by the
** text of their key columns key[k] (seg_cli_cell_text's): map[0][i] is the
** row of t[1] with row i's key, or -1; map[1] the other way (malloc'd, the
** caller frees). 0, or -1 after a message naming path[k]: a row without a
** key, a key on two rows of one export, out of memory. */
int seg_cli_match_keys(const seg_table *const t[2], const int key[2], const char *const path[2], int64_t *map[2]);

#endif
