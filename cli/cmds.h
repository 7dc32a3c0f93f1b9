/*
** cmds.h -- the `seg` commands, one cli/cmd_*.c file each, dispatched by
** the table in cli/main.c. Each takes the arguments after the command
** name and returns the exit code (enum seg_exit).
*/
#ifndef SEG_CLI_CMDS_H
#define SEG_CLI_CMDS_H

#include "cli.h"

int seg_cmd_check(int argc, char **argv);        /* cli/cmd_check.c: seg check FILES_OR_DIRS... */
int seg_cmd_run(int argc, char **argv);          /* cli/cmd_run.c: seg run RULES DATA */
int seg_cmd_import(int argc, char **argv);       /* cli/cmd_import.c: seg import CSV -o OUT.segcol */
int seg_cmd_schema(int argc, char **argv);       /* cli/cmd_import.c: seg schema CSV|SEGCOL */
int seg_cmd_explain(int argc, char **argv);      /* cli/cmd_explain.c: seg explain RULES | RULES.segc */
int seg_cmd_explain_code(int argc, char **argv); /* cli/cmd_explain.c: seg explain-code CODE | --list */
int seg_cmd_compile(int argc, char **argv);      /* cli/cmd_compile.c: seg compile RULES -o OUT.segc */
int seg_cmd_diff(int argc, char **argv);         /* cli/cmd_diff.c: seg diff OLD.seg NEW.seg DATA */
int seg_cmd_fmt(int argc, char **argv);          /* cli/cmd_fmt.c: seg fmt FILES... */
int seg_cmd_sql(int argc, char **argv);          /* cli/cmd_sql.c: seg sql RULES --dialect D */
int seg_cmd_why(int argc, char **argv);          /* cli/cmd_why.c: seg why RULES DATA --key VALUE */
int seg_cmd_overlap(int argc, char **argv);      /* cli/cmd_overlap.c: seg overlap RULES DATA */
int seg_cmd_report(int argc, char **argv);       /* cli/cmd_report.c: seg report RULES DATA -o OUT.html */

/* cli/cmd_compile.c: 1 when path ends in .segc or starts with its magic; a .segc
** loaded, verified and bound to data's columns for `seg run` (0, or 2
** after a message); `seg explain` of a .segc. */
int seg_cli_is_segc_file(const char *path);
int seg_cli_segc_for_run(const char *path, const seg_schema_view *data, const char *data_path,
                         const char *today_opt, seg_compiled *c);
int seg_cli_segc_explain(const char *path);

/* cli/evaluate.c: one evaluation of RULES over DATA, as `seg run` does
** it (and `seg overlap` after it), in three steps so that a command checks
** its own options between them. Every step returns 0, or the exit code
** after a message; seg_cli_eval_free releases what they made (and leaves
** e empty) whichever step failed.
**   _compile  loads DATA (the CSV options, --schema) and compiles RULES (a
**             .seg, with lint warnings when lint; or a .segc) against its
**             columns, marking the columns that have missing values
**   _select   shown[s]: the segments of --segment, or all (none given)
**   _run      reads --exclude (or NULL), runs the VM with vo and removes
**             the suppressed customers, reporting them on stderr */
/* The options run, overlap and report share (--today, --format, --segment,
** --exclude, --quiet, the CSV options) and their two positional arguments, parsed
** with a command's own options `extra` (a table ended by {NULL}, at most
** 16) by seg_cli_eval_parse: usage errors exit 2 ("CMD needs a rules file
** and a data file"); 0, or 2 when out of memory. segments.v is malloc'd:
** seg_cli_eval_args_free. */
typedef struct seg_cli_eval_args {
  seg_cli_csv csv;
  const char *today_opt, *format, *exclude;
  seg_cli_list segments;
  const char *rules, *data;
  seg_cli_format fmt;
  const char *extra;        /* statements after the rules file's (run --measure), or NULL */
  seg_cli_list tables;      /* --table NAME=FILE */
  int quiet;                /* --quiet: no progress bar */
  /* A CSV's columns that neither the rules (and `extra`) nor `keep` can
  ** name, nor its first with keep_first (run's default --key), are left unread (run, overlap and report
  ** set it: report counts the missing values of the others, seg_column.nmissing;
  ** not with a .segc, rules on stdin or --exclude; SEG_READ_ALL_COLUMNS=1
  ** reads all): a superset of what the run reads, found by looking for each
  ** column's name, case-folded, in the case-folded text. */
  int prune;
  seg_cli_list keep;        /* more names the command reads (run's --columns) */
  const char *keep_key;     /* and one more (run's --key), or NULL */
  int keep_first;
} seg_cli_eval_args;
int seg_cli_eval_parse(int argc, char **argv, const char *cmd, const seg_cli_opt *extra, seg_cli_eval_args *a);
void seg_cli_eval_args_free(seg_cli_eval_args *a);
/* --measure EXPR... (run, report) as statements after the rules file's:
** `measure `EXPR` = EXPR`, a measure named by its own text (on one line).
** *out malloc'd (NULL when there is none); 0, or -1 after a message. */
int seg_cli_measure_statements(const seg_cli_list *adhoc, char **out);

/* cli/evtables.c: --table NAME=FILE, the event tables (issue 15). _load
** reads each (a .segcol, or a CSV with the default options; m, or NULL,
** adds want_column: a run leaves the columns its rules cannot name unread) and its
** view; _bind gives the views to a schema view the rules compile
** against; _fill aggregates them into cust for program p (after the
** compile, before the VM), reporting (with report) the events that belong
** to no customer. Each returns 0, or the exit code after a message; _free
** releases everything (also after a failure). */
typedef struct seg_cli_evtables {
  size_t n;
  char **names;
  const char **paths;
  seg_table *t;
  seg_cli_dataview *dv;
  seg_schema_view *views;
  int skip_bad;             /* as loaded: a table read again whole (its time column) */
} seg_cli_evtables;
int seg_cli_evtables_load(const seg_cli_list *specs, int skip_bad, const seg_import_more *m, seg_cli_evtables *ev);
void seg_cli_evtables_bind(const seg_cli_evtables *ev, seg_schema_view *sv);
int seg_cli_evtables_fill(seg_cli_evtables *ev, const seg_program *p, seg_table *cust, const char *data,
                          unsigned threads, int report);
void seg_cli_evtables_free(seg_cli_evtables *ev);
/* t's columns and, after them, p's event aggregates, in a copy of the
** column list (*view): t itself stays as it is, for other programs (diff's
** two, check's files). 0 or the exit code after a message; release the
** copy with seg_cli_evtables_view_free (also after a failure). */
int seg_cli_evtables_view(seg_cli_evtables *ev, const seg_program *p, const seg_table *t, seg_table *view,
                          const char *data, unsigned threads, int report);
void seg_cli_evtables_view_free(const seg_table *t, seg_table *view);
/* --table for the commands that check rules against --data or --schema
** (check, compile, explain, sql): with --data, the tables loaded and
** bound to sv; a schema file has a `table NAME` section each instead. */
int seg_cli_schema_tables(const seg_cli_list *specs, const char *data, const char *const *rules, int nrules,
                          seg_cli_evtables *ev, seg_schema_view *sv);
/* The input files an output must not overwrite: fixed[0..n) (NULLs
** skipped) and the FILE of each --table NAME=FILE in specs (or NULL);
** malloc'd and NULL-terminated, or NULL after a message (out of memory). */
const char **seg_cli_inputs(const char *const *fixed, size_t n, const seg_cli_list *specs);

typedef struct seg_cli_eval {
  seg_table t;
  seg_cli_evtables ev;      /* --table: freed after t (t may share their dictionaries) */
  seg_compiled c;
  seg_result res;
  seg_cli_excluded ex;
  seg_schema pinned;        /* --schema */
  uint8_t *shown;           /* per segment: reported */
  seg_cli_dataview dv;      /* the data's columns as a schema view */
  /* seg_cli_eval_pairs: the customers each two segments share, counted
  ** batch by batch as the VM runs (per VM thread, then summed into both:
  ** both[a * nsegs + b], a < b), instead of keeping every member */
  uint64_t *pair_part[64];
  uint8_t pair_oom[64];
  int popcnt;               /* the CPU has POPCNT */
  uint64_t *both;
} seg_cli_eval;
int seg_cli_eval_compile(seg_cli_eval *e, const seg_cli_eval_args *a, int32_t today, int lint);
int seg_cli_eval_select(seg_cli_eval *e, const seg_cli_eval_args *a);
int seg_cli_eval_run(seg_cli_eval *e, const seg_cli_eval_args *a, const seg_vm_opts *vo);
void seg_cli_eval_free(seg_cli_eval *e);
/* Sets vo so that the run yields what seg_cli_eval_both needs for the
** segments shown (two or more): the pairs counted batch by batch when the
** run keeps no members and the rules have at most 64 segments (a batch's
** bits, not nrows' worth per segment), else every member. */
void seg_cli_eval_pairs(seg_cli_eval *e, seg_vm_opts *vo);
/* The customers in both segment a and b (a < b): from the batch counts,
** or ANDing the members (res must have them). */
uint64_t seg_cli_eval_both(const seg_cli_eval *e, uint32_t a, uint32_t b);
uint64_t seg_cli_both(const seg_result *res, uint32_t a, uint32_t b);
/* The last line of the tables of run and overlap: "(N customers[, N left
** out by require][, N suppressed], today D)"; guard_left NULL: no guard. */
void seg_cli_footer(FILE *f, size_t nrows, const uint64_t *guard_left, const seg_cli_excluded *ex, int32_t today);
/* seg run's warnings about sizes, on stderr at the segments of RULES:
** W0211 a shown segment with fewer than min_size members (0: none; not
** when DATA itself has fewer customers), W0212 two shown segments of at
** least max(min_size, 1) members that share 90% or more of the smaller
** one's members (needs seg_cli_eval_pairs's counts, or the members). */
void seg_cli_size_warnings(const seg_cli_eval *e, const char *rules, uint64_t min_size);
/* run's other warnings about the data, on stderr (cmd_run.c; also seg
** report's): W0209, a measure over a column most customers lack; W0221,
** a tier that holds no customer */
void seg_cli_warn_sparse_measures(const char *path, const seg_program *p, const seg_table *t);
struct seg_tiers;
void seg_cli_warn_empty_tiers(const char *path, const seg_program *p, const struct seg_tiers *t, const seg_result *res,
                              size_t nrows);

/* The names run's reports give (cmd_run.c; report's too): priority k's
** tier i (i == n: the else tier), split sp's arm a without the split's
** name ("test" of "q4.test"), and the key column sp is split by. */
const char *seg_cli_tier_label(const seg_program *p, uint32_t k, uint32_t i);
const char *seg_cli_arm_name(const seg_program *p, const seg_split *sp, uint32_t a);
const char *seg_cli_split_key(const seg_program *p, const seg_split *sp);

/* W0221: the tiers of p's priorities that hold no customer of the data
** (t computed over res, nrows rows), added to *d (cmd_run.c; seg run and
** seg check --data). */
struct seg_tiers;
void seg_cli_tier_warnings(const seg_program *p, const struct seg_tiers *t, const seg_result *res, size_t nrows,
                           seg_diags *d);

#endif
