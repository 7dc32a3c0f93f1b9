/*
** main.c -- the `seg` command: a thin client of libseg.
**
**   seg check   FILES_OR_DIRS... (--schema S | --data D) [--format text|json|sarif|github|gitlab] [--strict]
**   seg run     RULES DATA [--today D] [--format table|csv|json] [--members OUT] [--key COL] [--segment NAME]...
**               [--schema S [--lenient] [--allow-extra]]
**   seg import  CSV -o OUT.segcol [--delimiter C] [--skip-bad-rows] [--max-bad-rows N|P%] [--encoding E] [--month-first]
**               [--decimal C] [--key COL] [--threads N] [--schema S [--lenient] [--allow-extra]]
**   seg schema  CSV|SEGCOL
**   seg explain RULES (--schema S | --data D) [--today D] | RULES.segc
**   seg compile RULES -o OUT.segc (--schema S | --data D) [--today D]
**   seg explain-code CODE | --list
**
** Exit codes: 0 success, 1 findings (rule errors), 2 usage or input error.
*/
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codes.h"
#include "cmds.h"
#include "tmpfile.h"
#include "colfile.h"
#include "compile.h"
#include "date.h"
#include "import.h"
#include "render.h"
#include "schema.h"
#include "vm.h"

#define SEG_VERSION "0.1.0"
#define EXIT_FINDINGS 1
#define EXIT_USAGE 2

static const char *prog = "seg";

static void die_usage(const char *fmt, const char *arg) {
  fprintf(stderr, "%s: ", prog);
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry '%s --help'.\n", prog);
  exit(EXIT_USAGE);
}

static const char *USAGE =
  "usage: seg COMMAND [ARGS]\n"
  "\n"
  "  seg check   FILES_OR_DIRS... (--schema FILE | --data DATA)   check rules, no data needed\n"
  "      --format text|json|sarif|github|gitlab   text to stderr; the others, one document to stdout\n"
  "      --strict             warnings count as findings (exit 1)\n"
  "  seg run     RULES.seg DATA [options]                  count segment members\n"
  "      --today YYYY-MM-DD   evaluation date (default: $SEG_TODAY, else the local date)\n"
  "      --format table|csv|json\n"
  "      --members OUT.csv    write segment,key for every member ('-' = stdout)\n"
  "      --key COLUMN         the key column for --members (default: the first)\n"
  "      --segment NAME       report only this segment (repeatable)\n"
  "      --trace              print each instruction of the first batch with its selection size\n"
  "                           (stderr; also SEG_TRACE=1)\n"
  "      --skip-bad-rows, --max-bad-rows N|P%   for CSV data: skip rows with the wrong number of fields\n"
  "      --encoding, --month-first, --decimal, --schema, --lenient, --allow-extra   for CSV data: as for import\n"
  "  seg import  EXPORT.csv -o OUT.segcol [options]       CSV -> columnar file\n"
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
  "  seg schema  EXPORT.csv | DATA.segcol                  print the inferred schema\n"
  "  seg explain RULES.seg (--schema FILE | --data DATA)   print the bytecode\n"
  "  seg compile RULES.seg -o OUT.segc (--schema FILE | --data DATA) [--today D] [--force]   save the bytecode;\n"
  "              `seg run OUT.segc DATA` and `seg explain OUT.segc` load it (verified)\n"
  "  seg diff    OLD.seg NEW.seg DATA [--today D] [--format table|json] [--max-change P%]   members added/removed per segment\n"
  "              (and --skip-bad-rows, --max-bad-rows, --schema, --lenient, --allow-extra as for run)\n"
  "  seg explain-code CODE | --list                        what a diagnostic code means, and the fix\n"
  "  seg fmt     RULES.seg... [--check] [--diff] [-w]      canonical layout (stdout, check, diff or rewrite)\n"
  "\n"
  "DATA is a .segcol file or a CSV export (imported in memory).\n"
  "Exit codes: 0 success, 1 errors in the rules, 2 usage or input error.\n";

/* ---- input ------------------------------------------------------------ */


static void warn_cb(void *ctx, const char *msg) {
  (void)ctx;
  fprintf(stderr, "%s: warning: %s\n", prog, msg);
}

/* The columns of a .segcol against --schema: the same names with the
** same types (extra ones only with --allow-extra).  0, or -1 with err. */
static int segcol_matches(const seg_table *t, const seg_import_more *m, const char *path, char *err, size_t errlen) {
  const seg_schema *s = m->schema;
  for (size_t i = 0; i < s->ncols; i++) {
    int j = seg_table_find(t, s->names[i]);
    if (j < 0) {
      snprintf(err, errlen, "%s: no column '%s' (%s in %s)", path, s->names[i], seg_type_name(s->types[i]),
               m->schema_name);
      return -1;
    }
    if (t->cols[j].type != s->types[i]) {
      snprintf(err, errlen, "%s: column '%s' is %s, but %s in %s", path, s->names[i],
               seg_type_name(t->cols[j].type), seg_type_name(s->types[i]), m->schema_name);
      return -1;
    }
  }
  if (!m->allow_extra)
    for (size_t j = 0; j < t->ncols; j++)
      if (seg_schema_find(s, t->cols[j].name) < 0) {
        snprintf(err, errlen, "%s: column '%s' is not in %s; give --allow-extra to use it", path, t->cols[j].name,
                 m->schema_name);
        return -1;
      }
  return 0;
}

/* Opens DATA: a .segcol file, or a CSV imported in memory (with the
** CSV options in m, or the defaults when m is NULL). */
int seg_cli_load_table(const char *path, int skip_bad, const seg_import_more *m, seg_table *t) {
  char err[1024], head[8];
  int rc;
  seg_import_opts o = {0};
  o.skip_bad_rows = skip_bad;
  o.warn = warn_cb;
  int is_segcol = seg_cli_peek(path, head, 8) == 8 && memcmp(head, "SEGCOL\0\1", 8) == 0;
  struct stat st;
  if (strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))) {
    /* a pipe: read once (the peek kept the bytes) and imported from memory */
    if (is_segcol) {
      fprintf(stderr, "%s: %s: a .segcol is mapped, so it must be a regular file, not a pipe\n", prog, path);
      return -1;
    }
    size_t len;
    char *buf = seg_cli_read_file(path, &len);
    if (!buf) return -1;
    rc = seg_import_mem(buf, len, strcmp(path, "-") == 0 ? "<stdin>" : path, &o, m, t, err, sizeof err);
    free(buf);
  } else if (is_segcol) {
    rc = seg_col_open(path, t, err, sizeof err);
    if (rc == 0 && m != NULL && m->schema != NULL && segcol_matches(t, m, path, err, sizeof err) != 0) {
      seg_table_free(t);
      rc = -1;
    }
  } else {
    rc = seg_import_csv2(path, &o, m, t, err, sizeof err);
  }
  if (rc != 0) fprintf(stderr, "%s: %s\n", prog, err);
  return rc;
}

static int load_table(const char *path, int skip_bad, seg_table *t) {
  return seg_cli_load_table(path, skip_bad, NULL, t);
}

static int parse_today(const char *s, int32_t *out) {
  if (seg_date_parse(s, strlen(s), out) != 0 || strlen(s) != 10 || s[4] != '-') return -1;
  return 0;
}

static int32_t resolve_today(const char *opt) {
  const char *src = opt ? opt : getenv("SEG_TODAY");
  if (!src || !*src) return seg_date_today_local();
  int32_t d;
  if (parse_today(src, &d) != 0)
    die_usage(opt ? "--today: '%s' is not a date (YYYY-MM-DD)" : "SEG_TODAY: '%s' is not a date (YYYY-MM-DD)", src);
  return d;
}

/* ---- options ------------------------------------------------------------ */

typedef struct opts {
  const char *pos[3];
  int npos;
  const char *schema, *data, *today, *format, *members, *key, *output, *delimiter;
  const char *encoding, *decimal, *threads;   /* CSV reading (import, schema, run) */
  const char *max_bad;
  const char **segments;
  int nsegments;
  int skip_bad, month_first, force, lenient, allow_extra, trace;
} opts;

/* The schema of --schema for import, run and diff: types pinned. */
static seg_schema pinned;

static void parse_opts(int argc, char **argv, opts *o, int maxpos, const char *const *allowed) {
  memset(o, 0, sizeof *o);
  o->segments = calloc((size_t)argc + 1, sizeof *o->segments);
  if (!o->segments) { fprintf(stderr, "%s: out of memory\n", prog); exit(EXIT_USAGE); }
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || strcmp(a, "-") == 0) {
      if (o->npos >= maxpos) die_usage("unexpected argument '%s'", a);
      o->pos[o->npos++] = a;
      continue;
    }
    int ok = 0;
    for (int k = 0; allowed[k]; k++) if (strcmp(allowed[k], a) == 0) ok = 1;
    if (!ok) die_usage("unknown option '%s' for this command", a);
    if (strcmp(a, "--skip-bad-rows") == 0) { o->skip_bad = 1; continue; }
    if (strcmp(a, "--month-first") == 0) { o->month_first = 1; continue; }
    if (strcmp(a, "--force") == 0) { o->force = 1; continue; }
    if (strcmp(a, "--lenient") == 0) { o->lenient = 1; continue; }
    if (strcmp(a, "--allow-extra") == 0) { o->allow_extra = 1; continue; }
    if (strcmp(a, "--trace") == 0) { o->trace = 1; continue; }
    if (i + 1 >= argc) die_usage("option '%s' needs a value", a);
    const char *v = argv[++i];
    if (strcmp(a, "--schema") == 0) o->schema = v;
    else if (strcmp(a, "--data") == 0) o->data = v;
    else if (strcmp(a, "--today") == 0) o->today = v;
    else if (strcmp(a, "--format") == 0) o->format = v;
    else if (strcmp(a, "--members") == 0) o->members = v;
    else if (strcmp(a, "--key") == 0) o->key = v;
    else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) o->output = v;
    else if (strcmp(a, "--delimiter") == 0) o->delimiter = v;
    else if (strcmp(a, "--encoding") == 0) o->encoding = v;
    else if (strcmp(a, "--decimal") == 0) o->decimal = v;
    else if (strcmp(a, "--threads") == 0) o->threads = v;
    else if (strcmp(a, "--max-bad-rows") == 0) o->max_bad = v, o->skip_bad = 1;
    else if (strcmp(a, "--segment") == 0) o->segments[o->nsegments++] = v;
  }
}

/* The CSV reading options of o (--encoding, --month-first, --decimal,
** --threads) as seg_import_more; a bad value is a usage error. */
static seg_import_more csv_more(const opts *o) {
  seg_import_more m = {0};
  if (o->encoding && (m.encoding = seg_import_encoding(o->encoding)) < 0)
    die_usage("--encoding: '%s' is not one of utf-8, cp1252, latin1, utf-16, utf-16le, utf-16be", o->encoding);
  m.month_first = o->month_first;
  if ((o->lenient || o->allow_extra) && !o->schema)
    die_usage("%s: only with --schema", o->lenient ? "--lenient" : "--allow-extra");
  if (o->schema) {
    char err[1024];
    if (seg_schema_parse_file(o->schema, &pinned, err, sizeof err) != 0) {
      fprintf(stderr, "%s: %s\n", prog, err);
      exit(EXIT_USAGE);
    }
    m.schema = &pinned;
    m.schema_name = o->schema;
    m.lenient = o->lenient;
    m.allow_extra = o->allow_extra;
  }
  if (o->max_bad && seg_import_parse_max_bad(o->max_bad, &m) != 0)
    die_usage("--max-bad-rows: '%s' is not a number of rows or a percentage such as 2%%", o->max_bad);
  if (o->decimal) {
    if (strcmp(o->decimal, ".") != 0 && strcmp(o->decimal, ",") != 0)
      die_usage("--decimal: '%s' is not '.' or ','", o->decimal);
    m.decimal = o->decimal[0];
  }
  if (o->threads) {
    char *end;
    long n = strtol(o->threads, &end, 10);
    if (*o->threads == '\0' || *end != '\0' || n < 1 || n > 64)
      die_usage("--threads: '%s' is not a number from 1 to 64", o->threads);
    m.threads = (int)n;
  }
  return m;
}

/* ---- compiling -------------------------------------------------------- */

static int use_color(void) {
  return isatty(STDERR_FILENO) && !getenv("NO_COLOR");
}

/* Compiles the rules file against a schema; prints diagnostics.
** Returns 0 when usable, EXIT_FINDINGS on rule errors, EXIT_USAGE on I/O. */
static int compile_rules(const char *path, const seg_schema_view *sv, int32_t today, seg_compiled *c,
                         int warnings) {
  size_t len;
  char *src = seg_cli_read_file(path, &len);
  if (!src) return EXIT_USAGE;
  int rc = seg_compile(src, len, sv, today, c);
  if (!warnings) seg_diags_drop_warnings(&c->diags);   /* lint warnings are `seg check`'s */
  const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
  seg_diag_render_text(stderr, &c->diags, shown, src, len, use_color());
  free(src);
  if (rc < 0) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return EXIT_USAGE;
  }
  if (c->diags.nerrors) return EXIT_FINDINGS;
  return 0;
}

static seg_schema_view view_of_table(const seg_table *t, const char **names, seg_type *types) {
  for (size_t i = 0; i < t->ncols; i++) { names[i] = t->cols[i].name; types[i] = t->cols[i].type; }
  return (seg_schema_view){t->ncols, names, types, NULL};
}

/* Builds the schema view for check/explain from --schema or --data. */
static int schema_for(const opts *o, seg_schema *s, seg_table *t, seg_schema_view *sv) {
  char err[1024];
  if (o->schema && o->data) die_usage("%s", "give either --schema or --data, not both");
  if (o->schema) {
    if (seg_schema_parse_file(o->schema, s, err, sizeof err) != 0) {
      fprintf(stderr, "%s: %s\n", prog, err);
      return EXIT_USAGE;
    }
    *sv = (seg_schema_view){s->ncols, (const char *const *)s->names, s->types, NULL};
    return 0;
  }
  if (o->data) {
    if (load_table(o->data, 1, t) != 0) return EXIT_USAGE;
    if (seg_schema_from_table(t, s) != 0) { fprintf(stderr, "%s: out of memory\n", prog); return EXIT_USAGE; }
    *sv = (seg_schema_view){s->ncols, (const char *const *)s->names, s->types, s->has_missing};
    return 0;
  }
  die_usage("%s", "this command needs --schema FILE or --data DATA to know the columns");
  return EXIT_USAGE;
}

/* ---- check ------------------------------------------------------------ */

typedef struct pathlist { char **v; size_t n, cap; } pathlist;

static int pathlist_add(pathlist *l, char *p) {
  if (!p) return -1;
  if (l->n == l->cap) {
    size_t ncap = l->cap ? l->cap * 2 : 16;
    char **nv = realloc(l->v, ncap * sizeof *nv);
    if (!nv) { free(p); return -1; }
    l->v = nv;
    l->cap = ncap;
  }
  l->v[l->n++] = p;
  return 0;
}

static int path_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every *.seg file under dir (recursively, hidden entries and
** symbolic links to folders skipped). Returns 0, or -1 after a message. */
static int collect_seg(const char *dir, pathlist *out) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "%s: %s: cannot open: %s\n", prog, dir, strerror(errno));
    return -1;
  }
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    size_t dl = strlen(dir);
    char *p = NULL;
    if (strcmp(dir, ".") == 0) p = strdup(e->d_name);
    else if (asprintf(&p, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", e->d_name) < 0) p = NULL;
    if (!p) { fprintf(stderr, "%s: out of memory\n", prog); rc = -1; break; }
    struct stat st;
    if (lstat(p, &st) != 0) {          /* a path too long, a file gone: never skipped silently */
      fprintf(stderr, "%s: %s: cannot read: %s\n", prog, p, strerror(errno));
      free(p);
      rc = -1;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (collect_seg(p, out) != 0) rc = -1;
      free(p);
      continue;
    }
    size_t nl = strlen(e->d_name);
    int is_seg = nl > 4 && strcmp(e->d_name + nl - 4, ".seg") == 0;
    if (is_seg && stat(p, &st) != 0) {  /* a dangling symlink named *.seg */
      fprintf(stderr, "%s: %s: cannot read: %s\n", prog, p, strerror(errno));
      free(p);
      rc = -1;
    } else if (is_seg && S_ISREG(st.st_mode)) {
      if (pathlist_add(out, p) != 0) { fprintf(stderr, "%s: out of memory\n", prog); rc = -1; break; }
    } else {
      free(p);
    }
  }
  closedir(d);
  return rc;
}

/* seg check FILES_OR_DIRS... (--schema S | --data D) [--format F] [--strict] */
static int cmd_check(int argc, char **argv) {
  opts o;
  memset(&o, 0, sizeof o);
  const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
  if (!inputs) { fprintf(stderr, "%s: out of memory\n", prog); return EXIT_USAGE; }
  int ninputs = 0, strict = 0, only_inputs = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (only_inputs || a[0] != '-' || strcmp(a, "-") == 0) { inputs[ninputs++] = a; continue; }
    if (strcmp(a, "--") == 0) { only_inputs = 1; continue; }
    if (strcmp(a, "--strict") == 0) { strict = 1; continue; }
    const char **slot = strcmp(a, "--schema") == 0 ? &o.schema : strcmp(a, "--data") == 0 ? &o.data
                      : strcmp(a, "--today") == 0 ? &o.today : strcmp(a, "--format") == 0 ? &o.format : NULL;
    if (!slot) die_usage("unknown option '%s' for this command", a);
    if (i + 1 >= argc) die_usage("option '%s' needs a value", a);
    *slot = argv[++i];
  }
  if (ninputs == 0) die_usage("%s", "check needs rules files or folders");
  seg_render_format fmt = SEG_RENDER_TEXT;
  if (o.format && seg_render_parse_format(o.format, &fmt) != 0)
    die_usage("--format: '%s' is not one of text, json, sarif, github, gitlab", o.format);

  seg_schema s = {0};
  seg_table t = {0};
  seg_schema_view sv;
  pathlist files = {0};
  seg_compiled *cs = NULL;
  seg_render_file *rf = NULL;
  char **srcs = NULL;
  size_t nrf = 0;
  int rc = schema_for(&o, &s, &t, &sv);
  if (rc != 0) goto done;
  int32_t today = resolve_today(o.today);

  /* the files: as given, and *.seg under each folder, sorted */
  for (int i = 0; i < ninputs; i++) {
    struct stat st;
    if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      size_t from = files.n;
      if (collect_seg(inputs[i], &files) != 0) rc = EXIT_USAGE;
      if (files.n > from) qsort(files.v + from, files.n - from, sizeof *files.v, path_cmp);
      if (files.n == from) {
        fprintf(stderr, "%s: %s: no .seg files in this folder\n", prog, inputs[i]);
        rc = EXIT_USAGE;
      }
    } else if (pathlist_add(&files, strdup(inputs[i])) != 0) {
      fprintf(stderr, "%s: out of memory\n", prog);
      rc = EXIT_USAGE;
    }
  }

  cs = calloc(files.n + 1, sizeof *cs);
  rf = calloc(files.n + 1, sizeof *rf);
  srcs = calloc(files.n + 1, sizeof *srcs);
  if (!cs || !rf || !srcs) { fprintf(stderr, "%s: out of memory\n", prog); rc = EXIT_USAGE; goto done; }
  int findings = 0;
  for (size_t i = 0; i < files.n; i++) {
    size_t len = 0;
    char *src = seg_cli_read_file(files.v[i], &len);
    if (!src) { rc = EXIT_USAGE; continue; }
    srcs[i] = src;
    if (seg_compile(src, len, &sv, today, &cs[i]) < 0) {
      fprintf(stderr, "%s: %s: out of memory\n", prog, files.v[i]);
      rc = EXIT_USAGE;
    }
    seg_render_file f = {strcmp(files.v[i], "-") == 0 ? "<stdin>" : files.v[i], src, len, &cs[i].diags};
    if (cs[i].diags.nerrors || (strict && cs[i].diags.nwarnings)) findings = 1;
    if (fmt == SEG_RENDER_TEXT) seg_render_text(stderr, &f, 1, use_color());
    else rf[nrf++] = f;
  }
  int rrc = fmt != SEG_RENDER_TEXT ? seg_render(stdout, fmt, rf, nrf, SEG_VERSION, 0) : 0;
  if (rrc == -2) {
    fprintf(stderr, "%s: out of memory: the report is incomplete\n", prog);
    rc = EXIT_USAGE;
  } else if (rrc != 0) {
    fprintf(stderr, "%s: cannot write the report: %s\n", prog, strerror(errno));
    rc = EXIT_USAGE;
  }
  if (rc == 0 && findings) rc = EXIT_FINDINGS;
done:
  for (size_t i = 0; i < files.n; i++) {
    if (cs) seg_compiled_free(&cs[i]);
    if (srcs) free(srcs[i]);
    free(files.v[i]);
  }
  free(files.v);
  free(cs);
  free(rf);
  free(srcs);
  seg_schema_free(&s);
  seg_table_free(&t);
  free(inputs);
  return rc;
}

/* seg explain-code CODE | --list */
static int cmd_explain_code(int argc, char **argv) {
  if (argc == 1 && strcmp(argv[0], "--list") == 0) {
    for (size_t i = 0; i < seg_ncodes; i++)
      printf("%s  %-7s  %s\n", seg_codes[i].code, seg_codes[i].sev == SEG_SEV_ERROR ? "error" : "warning",
             seg_codes[i].title);
    return 0;
  }
  if (argc != 1 || argv[0][0] == '-')
    die_usage("%s", "explain-code needs one code, such as E0102, or --list");
  const seg_code_info *ci = seg_code_find(argv[0]);
  if (!ci) {
    fprintf(stderr, "%s: unknown code '%s'; 'seg explain-code --list' lists every code\n", prog, argv[0]);
    return EXIT_USAGE;
  }
  printf("%s (%s): %s\n\n", ci->code, ci->sev == SEG_SEV_ERROR ? "error" : "warning", ci->title);
  /* prose wrapped at 76 columns; indented (example) lines as they are */
  for (const char *p = ci->explanation; *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (*p == ' ' || len <= 76) {
      printf("%.*s\n", (int)len, p);
    } else {
      size_t start = 0;
      while (start < len) {
        size_t end = start + 76 < len ? start + 76 : len;
        if (end < len) {
          size_t sp = end;
          while (sp > start && p[sp] != ' ') sp--;
          if (sp > start) end = sp;
        }
        printf("%.*s\n", (int)(end - start), p + start);
        start = end;
        while (start < len && p[start] == ' ') start++;
      }
    }
    p += len;
    if (*p == '\n') p++;
  }
  if (ci->sev == SEG_SEV_WARNING)
    printf("\nTo keep the rule as it is, silence the warning on its line with a\n"
           "comment: `# seg: ignore %s`.\n", ci->code);
  return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
}

static int cmd_explain(int argc, char **argv) {
  static const char *const allowed[] = {"--schema", "--data", "--today", NULL};
  opts o;
  parse_opts(argc, argv, &o, 1, allowed);
  if (o.npos != 1) die_usage("%s", "explain needs a rules file");
  if (seg_cli_is_segc_file(o.pos[0])) {
    free(o.segments);
    return seg_cli_segc_explain(o.pos[0]);
  }
  seg_schema s = {0};
  seg_table t = {0};
  seg_schema_view sv;
  int rc = schema_for(&o, &s, &t, &sv);
  if (rc == 0) {
    seg_compiled c;
    rc = compile_rules(o.pos[0], &sv, resolve_today(o.today), &c, 0);
    if (rc == 0) {
      for (uint32_t i = 0; i < c.prog.nsegs; i++)
        printf("; segment s%u: %s\n", i, c.prog.segs[i].name);
      seg_explain(stdout, &c.prog);
    }
    seg_compiled_free(&c);
  }
  seg_schema_free(&s);
  seg_table_free(&t);
  free(o.segments);
  return rc;
}

static int cmd_schema(int argc, char **argv) {
  static const char *const allowed[] = {"--skip-bad-rows", "--max-bad-rows", "--encoding", "--month-first",
                                        "--decimal", NULL};
  opts o;
  parse_opts(argc, argv, &o, 1, allowed);
  if (o.npos != 1) die_usage("%s", "schema needs a CSV or .segcol file");
  seg_table t = {0};
  seg_schema s = {0};
  int rc = EXIT_USAGE;
  seg_import_more m = csv_more(&o);
  if (seg_cli_load_table(o.pos[0], o.skip_bad, &m, &t) == 0) {
    if (seg_schema_from_table(&t, &s) != 0) fprintf(stderr, "%s: out of memory\n", prog);
    else rc = seg_schema_print(stdout, &s, t.nrows) == 0 ? 0 : EXIT_USAGE;
  }
  seg_schema_free(&s);
  seg_table_free(&t);
  free(o.segments);
  return rc;
}

/* A .segcol is written to a temporary beside the target and renamed; a
** target that cannot be renamed over ("-", a device, a FIFO) gets the
** finished file copied to it from a temporary in $TMPDIR. */
static int write_segcol(const seg_table *t, const char *out, char *err, size_t errlen) {
  if (strcmp(out, "-") != 0 && !seg_tmp_special(out)) return seg_col_write(t, out, err, errlen);
  const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  char *tmp = NULL;
  if (asprintf(&tmp, "%s/seg-import.segcol", dir) < 0) {
    snprintf(err, errlen, "%s: out of memory", out);
    return -1;
  }
  char *real = NULL;
  int fd = seg_tmp_create(tmp, &real, err, errlen);     /* a unique name beside tmp */
  free(tmp);
  if (fd < 0) return -1;
  close(fd);
  int rc = seg_col_write(t, real, err, errlen);
  FILE *in = rc == 0 ? fopen(real, "rb") : NULL, *o = NULL;
  if (rc == 0) {
    o = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
    char buf[1 << 16];
    size_t n;
    rc = in && o ? 0 : -1;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
      if (fwrite(buf, 1, n, o) != n) rc = -1;
    if (in && ferror(in)) rc = -1;
    if (o == stdout) rc |= fflush(stdout) != 0 ? -1 : 0;
    else if (o && fclose(o) != 0) rc = -1;
    if (rc != 0) snprintf(err, errlen, "%s: cannot write: %s", out, strerror(errno));
  }
  if (in) fclose(in);
  seg_tmp_discard(real);
  return rc;
}

static int cmd_import(int argc, char **argv) {
  static const char *const allowed[] = {"-o", "--output", "--delimiter", "--skip-bad-rows", "--max-bad-rows",
                                        "--encoding", "--month-first", "--decimal", "--key", "--threads",
                                        "--schema", "--lenient", "--allow-extra", "--force", NULL};
  opts o;
  parse_opts(argc, argv, &o, 1, allowed);
  if (o.npos != 1) die_usage("%s", "import needs a CSV file");
  if (!o.output) die_usage("%s", "import needs -o OUT.segcol");
  const char *inputs[] = {o.pos[0], NULL};
  if (seg_cli_output_ok("-o", o.output, inputs) != 0 ||
      seg_cli_overwrite_ok("-o", o.output, "SEGCOL\0\1", 8, ".segcol file", o.force) != 0) {
    free(o.segments);
    return EXIT_USAGE;
  }
  seg_import_opts io = {0};
  io.skip_bad_rows = o.skip_bad;
  io.warn = warn_cb;
  if (o.delimiter) {
    const char *d = o.delimiter;
    if (strcmp(d, "\\t") == 0 || strcmp(d, "tab") == 0) io.delimiter = '\t';
    else if (strlen(d) == 1) io.delimiter = d[0];
    else die_usage("--delimiter: '%s' is not one character", d);
  }
  seg_import_more m = csv_more(&o);
  m.key = o.key;
  seg_table t = {0};
  char err[1024];
  int rc = 0;
  if (seg_import_csv2(o.pos[0], &io, &m, &t, err, sizeof err) != 0 ||
      write_segcol(&t, o.output, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", prog, err);
    rc = EXIT_USAGE;
  } else {
    fprintf(stderr, "%s: imported %zu rows, %zu columns into %s\n", prog, t.nrows, t.ncols, o.output);
  }
  seg_table_free(&t);
  seg_schema_free(&pinned);
  free(o.segments);
  return rc;
}

/* ---- reports ------------------------------------------------------------ */

/* Writes the value of column c at row r as CSV text (missing: empty). */
static void write_cell(FILE *f, const seg_column *c, size_t r) {
  if (!seg_valid_get(c->valid, r)) return;
  char buf[64];
  switch (c->type) {
  case SEG_BOOL: fputs(seg_col_get(c, r) ? "true" : "false", f); break;
  case SEG_INT: fprintf(f, "%lld", (long long)seg_col_get(c, r)); break;
  case SEG_DATE: seg_date_format((int32_t)seg_col_get(c, r), buf); fputs(buf, f); break;
  case SEG_NUM: {
    int64_t v = seg_col_get(c, r);
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, p = 1;
    for (uint32_t k = 0; k < c->scale; k++) p *= 10;
    if (c->scale == 0) fprintf(f, "%s%llu", v < 0 ? "-" : "", (unsigned long long)a);
    else fprintf(f, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(a / p), (int)c->scale,
                 (unsigned long long)(a % p));
    break;
  }
  case SEG_TEXT: {
    uint64_t code = (uint64_t)seg_col_get(c, r);
    if (code < c->ndict)
      seg_cli_csv_field(f, c->dict_bytes + c->dict_off[code], (size_t)(c->dict_off[code + 1] - c->dict_off[code]));
    break;
  }
  }
}

/* Writes members to path via a temporary file renamed into place. */
static int write_members(const char *path, const seg_program *p, const seg_result *res, const seg_table *t,
                         int key, const uint8_t *shown) {
  char *tmp = NULL;
  FILE *f = seg_cli_atomic_open(path, &tmp);
  if (!f) return -1;
  fputs("segment,", f);
  seg_cli_csv_field(f, t->cols[key].name, strlen(t->cols[key].name));
  fputc('\n', f);
  for (uint32_t s = 0; s < p->nsegs; s++) {
    if (!shown[s]) continue;
    const uint64_t *bits = res->members[s];
    for (size_t w = 0; w < (t->nrows + 63) / 64; w++) {
      uint64_t word = bits[w];
      while (word) {
        size_t r = w * 64 + (size_t)__builtin_ctzll(word);
        word &= word - 1;
        seg_cli_csv_field(f, p->segs[s].name, strlen(p->segs[s].name));
        fputc(',', f);
        write_cell(f, &t->cols[key], r);
        fputc('\n', f);
      }
    }
  }
  return seg_cli_atomic_commit(f, tmp, path);
}

static int cmd_run(int argc, char **argv) {
  static const char *const allowed[] = {"--today", "--format", "--members", "--key", "--segment", "--trace",
                                        "--skip-bad-rows", "--max-bad-rows", "--encoding", "--month-first",
                                        "--decimal", "--schema", "--lenient", "--allow-extra", NULL};
  opts o;
  parse_opts(argc, argv, &o, 2, allowed);
  if (o.npos != 2) die_usage("%s", "run needs a rules file and a data file");
  const char *format = o.format ? o.format : "table";
  if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json"))
    die_usage("--format: '%s' is not one of table, csv, json", format);
  if (o.members) {
    const char *inputs[] = {o.pos[0], o.pos[1], NULL};
    if (seg_cli_output_ok("--members", o.members, inputs) != 0) {
      free(o.segments);
      return EXIT_USAGE;
    }
  }
  int32_t today = resolve_today(o.today);
  seg_table t = {0};
  seg_compiled c = {0};
  seg_result res = {0};
  uint8_t *shown = NULL;
  const char **names = NULL;
  seg_type *types = NULL;
  uint8_t *missing = NULL;
  int rc = EXIT_USAGE;
  seg_import_more m = csv_more(&o);
  if (seg_cli_load_table(o.pos[1], o.skip_bad, &m, &t) != 0) goto done;
  names = calloc(t.ncols + 1, sizeof *names);
  types = calloc(t.ncols + 1, sizeof *types);
  if (!names || !types) { fprintf(stderr, "%s: out of memory\n", prog); goto done; }
  seg_schema_view sv = view_of_table(&t, names, types);
  /* which columns have missing values, so run's lint warnings speak only of
  ** missing values that exist (as check --data does): a .segcol says so in
  ** its header; a CSV in memory is scanned */
  if (!(missing = calloc(t.ncols + 1, 1))) { fprintf(stderr, "%s: out of memory\n", prog); goto done; }
  if (t.backing) {
    for (size_t i = 0; i < t.ncols; i++) missing[i] = t.cols[i].has_missing;
  } else {
    seg_schema ms;
    if (seg_schema_from_table(&t, &ms) != 0) { fprintf(stderr, "%s: out of memory\n", prog); goto done; }
    memcpy(missing, ms.has_missing, t.ncols);
    seg_schema_free(&ms);
  }
  sv.may_be_missing = missing;
  rc = seg_cli_is_segc_file(o.pos[0]) ? seg_cli_segc_for_run(o.pos[0], &sv, o.pos[1], o.today, &c)
                                      : compile_rules(o.pos[0], &sv, today, &c, 1);   /* lint warnings too, on stderr */
  if (rc != 0) goto done;
  rc = EXIT_USAGE;
  int key = 0;
  if (o.key && (key = seg_table_find(&t, o.key)) < 0) {
    fprintf(stderr, "%s: --key: no column '%s' in %s\n", prog, o.key, o.pos[1]);
    goto done;
  }
  if (o.members && t.ncols == 0) {
    fprintf(stderr, "%s: --members: %s has no columns to use as a key\n", prog, o.pos[1]);
    goto done;
  }
  shown = calloc(c.prog.nsegs + 1, 1);
  if (!shown) { fprintf(stderr, "%s: out of memory\n", prog); goto done; }
  for (uint32_t s = 0; s < c.prog.nsegs; s++) shown[s] = o.nsegments == 0;
  for (int k = 0; k < o.nsegments; k++) {
    uint32_t s = 0;
    while (s < c.prog.nsegs && strcmp(c.prog.segs[s].name, o.segments[k]) != 0) s++;
    if (s == c.prog.nsegs) {
      fprintf(stderr, "%s: --segment: no segment '%s' in %s\n", prog, o.segments[k], o.pos[0]);
      goto done;
    }
    shown[s] = 1;
  }
  char err[512];
  /* --trace (or SEG_TRACE=1): the VM tells the first batch instruction by
  ** instruction on stderr, as clox's and jq's tracing do */
  const char *trace_env = getenv("SEG_TRACE");
  seg_vm_opts vo = {o.members != NULL, seg_cli_threads(),
                    o.trace || (trace_env && strcmp(trace_env, "1") == 0) ? stderr : NULL};
  if (seg_vm_run_opts(&c.prog, &t, &vo, &res, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s: %s\n", prog, o.pos[1], err);       /* a damaged column of the data */
    goto done;
  }
  if (o.members && seg_col_check(&t.cols[key], t.nrows, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s: %s\n", prog, o.pos[1], err);
    goto done;
  }
  if (o.members && write_members(o.members, &c.prog, &res, &t, key, shown) != 0) goto done;
  /* one document per stream: with --members -, the summary goes to stderr */
  FILE *rep = o.members && strcmp(o.members, "-") == 0 ? stderr : stdout;
  double rows = t.nrows ? (double)t.nrows : 1;
  char day[11], total[40];
  seg_date_format(c.prog.today, day);
  seg_cli_group_digits(t.nrows, total, sizeof total);
  if (strcmp(format, "csv") == 0) {
    fprintf(rep, "segment,customers,share\n");
    for (uint32_t s = 0; s < c.prog.nsegs; s++) {
      if (!shown[s]) continue;
      seg_cli_csv_field(rep, c.prog.segs[s].name, strlen(c.prog.segs[s].name));
      fprintf(rep, ",%llu,%.6f\n", (unsigned long long)res.counts[s], res.counts[s] / rows);
    }
  } else if (strcmp(format, "json") == 0) {
    fprintf(rep, "{\"today\": \"%s\", \"customers\": %zu, \"segments\": [", day, t.nrows);
    int first = 1;
    for (uint32_t s = 0; s < c.prog.nsegs; s++) {
      if (!shown[s]) continue;
      fprintf(rep, "%s\n  {\"segment\": ", first ? "" : ",");
      seg_cli_json_string(rep, c.prog.segs[s].name);
      fprintf(rep, ", \"description\": ");
      if (c.prog.segs[s].desc) seg_cli_json_string(rep, c.prog.segs[s].desc);
      else fprintf(rep, "null");
      fprintf(rep, ", \"customers\": %llu, \"share\": %.6f}", (unsigned long long)res.counts[s], res.counts[s] / rows);
      first = 0;
    }
    fprintf(rep, "%s]}\n", first ? "" : "\n");
  } else {
    int w = 7;
    for (uint32_t s = 0; s < c.prog.nsegs; s++) {
      int l = (int)strlen(c.prog.segs[s].name);
      if (shown[s] && l > w) w = l;
    }
    fprintf(rep, "%-*s  %12s  %7s\n", w, "segment", "customers", "share");
    for (uint32_t s = 0; s < c.prog.nsegs; s++) {
      if (!shown[s]) continue;
      char num[40];
      seg_cli_group_digits(res.counts[s], num, sizeof num);
      fprintf(rep, "%-*s  %12s  %6.1f%%\n", w, c.prog.segs[s].name, num, 100.0 * res.counts[s] / rows);
    }
    fprintf(rep, "(%s customers, today %s)\n", total, day);
  }
  rc = fflush(rep) == 0 && !ferror(rep) ? 0 : EXIT_USAGE;
done:
  seg_result_free(&res);
  seg_compiled_free(&c);
  seg_table_free(&t);
  free(shown);
  free(missing);
  free(names);
  free(types);
  seg_schema_free(&pinned);
  free(o.segments);
  return rc;
}

/* For cli/cmd_compile.c (see cmds.h). */
int32_t seg_cli_today(const char *opt) { return resolve_today(opt); }

int seg_cli_schema(const char *schema, const char *data, seg_schema *s, seg_table *t, seg_schema_view *sv) {
  opts o;
  memset(&o, 0, sizeof o);
  o.schema = schema;
  o.data = data;
  return schema_for(&o, s, t, sv);
}

int seg_cli_compile_rules(const char *path, const seg_schema_view *sv, int32_t today, seg_compiled *c) {
  return compile_rules(path, sv, today, c, 0);
}

int main(int argc, char **argv) {
  signal(SIGXFSZ, SIG_IGN);    /* a file-size limit becomes EFBIG, reported */
  seg_cli_signals();           /* temporaries removed on SIGINT/SIGTERM/SIGHUP; SIGBUS reported */
  const char *th = getenv("SEG_THREADS");
  if (th && *th) {
    char *end;
    long n = strtol(th, &end, 10);
    if (*end || n < 1 || n > 64) die_usage("SEG_THREADS='%s' is not a number of threads from 1 to 64", th);
  }
  if (argc < 2) { fputs(USAGE, stderr); return EXIT_USAGE; }
  const char *cmd = argv[1];
  for (int i = 2; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) { fputs(USAGE, stdout); return 0; }
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) { fputs(USAGE, stdout); return 0; }
  if (strcmp(cmd, "--version") == 0) { printf("seg %s\n", SEG_VERSION); return 0; }
  if (strcmp(cmd, "check") == 0) return cmd_check(argc - 2, argv + 2);
  if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2);
  if (strcmp(cmd, "import") == 0) return cmd_import(argc - 2, argv + 2);
  if (strcmp(cmd, "schema") == 0) return cmd_schema(argc - 2, argv + 2);
  if (strcmp(cmd, "explain") == 0) return cmd_explain(argc - 2, argv + 2);
  if (strcmp(cmd, "compile") == 0) return seg_cmd_compile(argc - 2, argv + 2);
  if (strcmp(cmd, "diff") == 0) return cmd_diff(argc - 2, argv + 2);
  if (strcmp(cmd, "fmt") == 0) return seg_cmd_fmt(argc - 2, argv + 2);
  if (strcmp(cmd, "explain-code") == 0) return cmd_explain_code(argc - 2, argv + 2);
  die_usage("unknown command '%s'", cmd);
  return EXIT_USAGE;
}
