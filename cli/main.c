/*
** main.c -- the `seg` command: a thin client of libseg. The commands are a
** table: name, function (one cli/cmd_*.c file each), a one-line summary and
** the help text; `seg --help` (and `seg help`, `seg help CMD`, `seg CMD
** --help`) prints the help of every command, in table order. The shared pieces (the option
** parser, --today, data loading, exit codes, colour) are in cli/cli.h.
**
** Exit codes: 0 success, 1 findings (rule errors), 2 usage or input error.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"

typedef struct command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *synopsis;   /* the first line of the help, up to the summary (padded) */
  const char *summary;    /* one line: what the command does */
  const char *help;       /* the lines after the first: options, notes */
} command;

static const command COMMANDS[] = {
  {"check", seg_cmd_check,
   "  seg check   FILES_OR_DIRS... (--schema FILE | --data DATA)   ",
   "check rules, no data needed",
   "      --format text|json|sarif|github|gitlab   text to stderr; the others, one document to stdout\n"
   "      --strict             warnings count as findings (exit 1)\n"
   "      --require-guard      a file without a `require` guard is a finding (E0112)\n"
   "      --table NAME=FILE    with --data: an event table's data (repeatable); a schema file has a\n"
   "                           `table NAME` section of its columns instead\n"},
  {"run", seg_cmd_run,
   "  seg run     RULES.seg DATA [options]                  ",
   "count segment members",
   "      --today YYYY-MM-DD   evaluation date (default: $SEG_TODAY, else the local date)\n"
   "      --format table|csv|json\n"
   "      --members OUT.csv    write segment,key for every member ('-' = stdout)\n"
   "      --members-dir DIR    one file per segment instead: DIR/NAME.csv (NAME: the segment's name with\n"
   "                           bytes other than A-Z a-z 0-9 _ - and an inner '.' written %XX); DIR must\n"
   "                           exist; every file is put in place only when all are complete\n"
   "      --columns A,B        also write these columns after the key (repeatable; a missing value is empty)\n"
   "      --members-format csv|jsonl   jsonl: one JSON object a member, typed values, missing = null\n"
   "      --key COLUMN         the key column for --members (default: the first)\n"
   "      --table NAME=FILE    an event table the rules read (`table NAME by KEY`): CSV or .segcol (repeatable)\n"
   "      --segment NAME       report only this segment (repeatable)\n"
   "      --measure EXPR       one more measure, e.g. \"sum(total_spend)\" (repeatable; its name is EXPR)\n"
   "      --exclude LIST.csv   a suppression list: the keys or e-mails (its header names the column) leave\n"
   "                           every segment and the member file; the summary says how many\n"
   "      --min-size N         warn (W0211) of a segment with fewer than N members (default 100; 0: never);\n"
   "                           two segments sharing 90% or more of the smaller one's members: W0212\n"
   "      --trace              print each instruction of the first batch with its selection size\n"
   "                           (stderr; also SEG_TRACE=1)\n"
   "      -q, --quiet          no progress bar (drawn on stderr only when it is a terminal: rows, MB/s, ETA)\n"
   "      --skip-bad-rows, --max-bad-rows N|P%   for CSV data: skip rows with the wrong number of fields\n"
   "      --encoding, --month-first, --decimal, --schema, --lenient, --allow-extra   for CSV data: as for import\n"},
  {"overlap", seg_cmd_overlap,
   "  seg overlap RULES.seg DATA [options]                  ",
   "customers shared by each pair of segments",
   "      --today, --format table|csv|json, --segment NAME, --exclude LIST.csv, --table NAME=FILE, -q,\n"
   "                           --quiet, and the CSV options: as for run\n"
   "                           for each pair a, b (file order): customers in both, and their share of the\n"
   "                           smaller segment (0 when it is empty)\n"},
  {"report", seg_cmd_report,
   "  seg report  RULES.seg DATA -o REPORT.html [options]   ",
   "one HTML page: sizes, overlap, missing values",
   "      -o, --output FILE    the page ('-' = stdout); written whole or not at all (a failed run leaves\n"
   "                           no file); an existing FILE that is not an HTML page needs --force\n"
   "      --title TEXT         the page's title (default: \"Segments of RULES on DATA\")\n"
   "      --measure EXPR       one more measure, as for run (repeatable)\n"
   "      --force              replace an existing FILE that is not an HTML page\n"
   "      --today, --segment NAME, --exclude LIST.csv, --table NAME=FILE, -q, --quiet, and the CSV\n"
   "                           options: as for run\n"
   "                           self-contained: inline CSS and SVG, no script, nothing fetched; segment sizes\n"
   "                           (bars), overlap of each pair (heat map), measures, tiers, split arms, and each\n"
   "                           column's missing values, every figure also in a table\n"},
  {"why", seg_cmd_why,
   "  seg why     RULES.seg DATA --key VALUE [options]      ",
   "why a customer is in or out of each segment",
   "      --key VALUE          the customer whose key column holds VALUE (repeatable: several customers)\n"
   "      --key-column COL     the key column (default: the first, as run --members)\n"
   "      --segment NAME       explain only this segment (repeatable)\n"
   "      --today YYYY-MM-DD   evaluation date, as for run\n"
   "      --format text|json|csv   the verdict, the rule as a tree: each condition's value (true, false,\n"
   "                           unknown; not evaluated: an `and` already false or an `or` already true\n"
   "                           skipped it) with the columns it read; csv: key,row,segment,member,value\n"
   "                           A key on several rows: each row is explained. Unknown key: exit 2.\n"
   "      --exclude LIST.csv   as for run: a listed customer is suppressed, in no segment\n"
   "      --table NAME=FILE    an event table's data, as for run (an aggregate shows its value)\n"
   "                           (and the CSV options of run; a .segc is refused: it names no conditions)\n"},
  {"import", seg_cmd_import,
   "  seg import  EXPORT.csv -o OUT.segcol [options]       ",
   "CSV -> columnar file",
   "      --delimiter C        ',' ';' or tab (default: sniffed from the header line)\n"
   "      --skip-bad-rows      skip (and report) rows with the wrong number of fields, up to a ceiling:\n"
   "      --max-bad-rows N|P%  at most N rows or P% of the rows (implies --skip-bad-rows;\n"
   "                           default 1% of the rows, at most 1000); past it: exit 2, no output\n"
   "      --encoding E         utf-8 (default; UTF-16 with a BOM is detected), cp1252, latin1, utf-16\n"
   "      --month-first        read 11/23/2026 as M/D/YYYY (US); default D/M/YYYY\n"
   "      --decimal . | ,      the decimal mark of every number column (default: inferred per column)\n"
   "      --key COLUMN         refuse the import unless COLUMN has one distinct value per row\n"
   "      --force              replace an existing OUT that is not a .segcol (a CSV, a rule file)\n"
   "      --threads N          parse with N threads (default: one per CPU)\n"
   "      --schema FILE        the column types of FILE (what `seg schema` prints), not inferred:\n"
   "                           a value that does not fit is an error (exit 2), its columns must all be there\n"
   "      --lenient            with --schema: a value that does not fit is missing (counted)\n"
   "      --allow-extra        with --schema: columns not in it are imported with inferred types\n"
   "      --erase LIST.csv     leave out the customers on LIST (keys or e-mails; its header names the\n"
   "                           column): their rows are not written at all\n"
   "      -q, --quiet          no progress bar (on a terminal only) and no summary line on stderr\n"},
  {"schema", seg_cmd_schema,
   "  seg schema  EXPORT.csv | DATA.segcol                  ",
   "print the inferred schema",
   "      --table NAME=FILE    also an event table's columns, in a `table NAME` section (repeatable)\n"},
  {"explain", seg_cmd_explain,
   "  seg explain RULES.seg (--schema FILE | --data DATA)   ",
   "print the bytecode",
   "      --table NAME=FILE    with --data: an event table's data, as for check (repeatable)\n"},
  {"compile", seg_cmd_compile,
   "  seg compile RULES.seg -o OUT.segc (--schema FILE | --data DATA) [--today D] [--force]   ",
   "save the bytecode;",
   "              `seg run OUT.segc DATA` and `seg explain OUT.segc` load it (verified)\n"
   "      --table NAME=FILE    with --data: an event table's data, as for check (a .segc keeps the\n"
   "                           aggregates; `seg run OUT.segc DATA --table NAME=FILE` gives the events)\n"},
  {"diff", seg_cmd_diff,
   "  seg diff    OLD.seg NEW.seg DATA [--today D] [--format table|json] [--max-change P%]   ",
   "members added/removed per segment",
   "              (and --exclude, --skip-bad-rows, --max-bad-rows, --schema, --lenient, --allow-extra as for run)\n"
   "              (and --table NAME=FILE as for run: the event tables of the one export)\n"
   "  seg diff    RULES.seg --data OLD_DATA NEW_DATA [--key COL] [--members OUT.csv] [as above]\n"
   "              the same rules over two exports: per segment, the customers who entered and left,\n"
   "              matched by key (the first column of OLD_DATA, or --key; compared as text; each key\n"
   "              on one row); a customer only in NEW_DATA who is a member entered, one only in\n"
   "              OLD_DATA who was a member left; --members writes segment,change,KEY (entered|left)\n"
   "      --today-old D        with --data: the day OLD_DATA was exported; its relative dates count\n"
   "                           from D, NEW_DATA's from --today (default: --today for both)\n"
   "      --table NAME=FILE    with --data: the same event table for both exports (one log of all events)\n"
   "      --table-old NAME=FILE, --table-new NAME=FILE\n"
   "                           with --data: each export's own event table (both, for each NAME)\n"},
  {"sql", seg_cmd_sql,
   "  seg sql     RULES.seg --dialect D (--schema FILE | --data DATA)   ",
   "the rules as one SQL query",
   "      --dialect D          sqlite, duckdb, postgres, clickhouse (run by the tests); bigquery,\n"
   "                           snowflake, spark, trino (written from their documentation)\n"
   "      --table T            the customers table (default: customers); --table NAME=FILE with --data:\n"
   "                           an event table's data, as for check (its SQL table is NAME)\n"
   "      --shape counts|members|flags   a row per segment, per member, or per customer (default: counts)\n"
   "      --key COLUMN         members and flags: the key column (default: the first)\n"
   "      --view NAME          flags: as CREATE VIEW NAME\n"
   "      --today-param        today as a bound parameter (:today, $1, @today...) instead of a literal\n"
   "      --today YYYY-MM-DD   the date the query is for (dates are computed by seg)\n"
   "      -o OUT.sql           write to a file (default: stdout)\n"},
  {"explain-code", seg_cmd_explain_code,
   "  seg explain-code CODE | --list                        ",
   "what a diagnostic code means, and the fix", ""},
  {"fmt", seg_cmd_fmt,
   "  seg fmt     RULES.seg... [--check] [--diff] [-w]      ",
   "canonical layout (stdout, check, diff or rewrite)", ""},
};
#define NCOMMANDS (sizeof COMMANDS / sizeof *COMMANDS)

/* The help of every command, as `seg --help` prints it. */
static void usage(FILE *f) {
  fputs("usage: seg COMMAND [ARGS]\n\n", f);
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(f, "%s%s\n%s", COMMANDS[i].synopsis, COMMANDS[i].summary, COMMANDS[i].help);
  fputs("\n"
        "DATA is a .segcol file or a CSV export (imported in memory).\n"
        "Exit codes: 0 success, 1 errors in the rules, 2 usage or input error.\n"
        "Every command: --color=auto|always|never colours diagnostics (auto: on a terminal, unless NO_COLOR is set).\n", f);
}

/* One command's help: `seg help CMD`, `seg CMD --help`. */
static void usage_of(FILE *f, size_t i) {
  fprintf(f, "usage:\n%s%s\n%s", COMMANDS[i].synopsis, COMMANDS[i].summary, COMMANDS[i].help);
  fputs("\n"
        "DATA is a .segcol file or a CSV export (imported in memory).\n"
        "Exit codes: 0 success, 1 errors in the rules, 2 usage or input error. `seg help`: every command.\n", f);
}

static size_t command_index(const char *name) {
  size_t i = 0;
  while (i < NCOMMANDS && strcmp(name, COMMANDS[i].name) != 0) i++;
  return i;
}

int main(int argc, char **argv) {
  signal(SIGXFSZ, SIG_IGN);    /* a file-size limit becomes EFBIG, reported */
  seg_cli_signals();           /* temporaries removed on SIGINT/SIGTERM/SIGHUP; SIGBUS reported */
  const char *th = getenv("SEG_THREADS");
  if (th && *th) {
    char *end;
    long n = strtol(th, &end, 10);
    if (*end || n < 1 || n > 64) seg_cli_usage("SEG_THREADS='%s' is not a number of threads from 1 to 64", th);
  }
  /* --color=WHEN, or --color WHEN, anywhere: every command's diagnostics */
  int kept = 1;
  for (int i = 1; i < argc; i++) {
    const char *v = NULL;
    if (strncmp(argv[i], "--color=", 8) == 0) v = argv[i] + 8;
    else if (strcmp(argv[i], "--color") == 0) {
      if (i + 1 >= argc) seg_cli_usage("%s", "option '--color' needs a value (auto, always or never)");
      v = argv[++i];
    }
    if (!v) { argv[kept++] = argv[i]; continue; }
    if (seg_cli_color_option(v) != 0) seg_cli_usage("--color: '%s' is not one of auto, always, never", v);
  }
  argc = kept;
  argv[argc] = NULL;
  if (argc < 2) { usage(stderr); return SEG_EXIT_USAGE; }
  const char *cmd = argv[1];
  /* --help or -h anywhere after the command (seg CMD --help): that command's help */
  for (int i = 2; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      size_t k = command_index(cmd);
      if (k < NCOMMANDS) usage_of(stdout, k);
      else usage(stdout);
      return SEG_EXIT_OK;
    }
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
    usage(stdout);
    return SEG_EXIT_OK;
  }
  /* seg help [CMD]: what `seg CMD --help` prints; CMD must be a command */
  if (strcmp(cmd, "help") == 0) {
    if (argc > 3) seg_cli_usage("unexpected argument '%s'", argv[3]);
    if (argc == 3) {
      size_t i = command_index(argv[2]);
      if (i == NCOMMANDS) seg_cli_usage("unknown command '%s'", argv[2]);
      usage_of(stdout, i);
      return SEG_EXIT_OK;
    }
    usage(stdout);
    return SEG_EXIT_OK;
  }
  if (strcmp(cmd, "--version") == 0) { printf("seg %s\n", SEG_VERSION); return SEG_EXIT_OK; }
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (strcmp(cmd, COMMANDS[i].name) == 0) return COMMANDS[i].fn(argc - 2, argv + 2);
  seg_cli_usage("unknown command '%s'", cmd);
}
