/*
** opts.c -- the pieces every `seg` command shares: usage errors, the one
** option parser, the evaluation date, colour, the CSV reading options.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "date.h"

_Noreturn int seg_cli_usage(const char *fmt, const char *arg) {
  fprintf(stderr, "seg: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'seg --help'.\n");
  exit(SEG_EXIT_USAGE);
}

static const seg_cli_opt *find_opt(const seg_cli_opt *opts, const char *a) {
  for (; opts->name; opts++)
    if (strcmp(opts->name, a) == 0 || (opts->alias && strcmp(opts->alias, a) == 0)) return opts;
  return NULL;
}

int seg_cli_parse(const seg_cli_spec *spec, int argc, char **argv, const char **pos, int *npos) {
  int only_pos = 0;
  *npos = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
      if (spec->maxpos >= 0 && *npos >= spec->maxpos) return spec->usage("unexpected argument '%s'", a);
      pos[(*npos)++] = a;
      continue;
    }
    if (spec->dashdash && strcmp(a, "--") == 0) { only_pos = 1; continue; }
    const seg_cli_opt *o = find_opt(spec->opts, a);
    if (!o) return spec->usage(spec->unknown, a);
    if (o->kind == SEG_OPT_FLAG) { *(int *)o->slot = 1; continue; }
    if (i + 1 >= argc) return spec->usage("option '%s' needs a value", a);
    const char *v = argv[++i];
    if (o->kind == SEG_OPT_VALUE) *(const char **)o->slot = v;
    else {
      seg_cli_list *l = o->slot;
      l->v[l->n++] = v;
    }
  }
  return 0;
}

int seg_cli_date_arg(const char *s, int32_t *day) {
  return seg_date_parse(s, strlen(s), day) != 0 || strlen(s) != 10 || s[4] != '-' ? -1 : 0;
}

int seg_cli_today_parse(const char *opt, int32_t *day, const char **text, const char **bad) {
  const char *src = opt ? opt : getenv("SEG_TODAY");
  *text = src;
  *bad = opt ? "--today: '%s' is not a date (YYYY-MM-DD)" : "SEG_TODAY: '%s' is not a date (YYYY-MM-DD)";
  if (!src || !*src) { *day = seg_date_today_local(); return 0; }
  return seg_cli_date_arg(src, day);
}

int32_t seg_cli_today(const char *opt) {
  int32_t d;
  const char *text, *bad;
  if (seg_cli_today_parse(opt, &d, &text, &bad) != 0) seg_cli_usage(bad, text);
  return d;
}

const char *seg_cli_today_given(const char *opt) {
  if (opt) return opt;
  const char *env = getenv("SEG_TODAY");
  return env && *env ? env : NULL;
}

static int color_mode;                  /* 0 auto, 1 always, 2 never: --color */

int seg_cli_color_option(const char *v) {
  if (strcmp(v, "auto") == 0) color_mode = 0;
  else if (strcmp(v, "always") == 0) color_mode = 1;
  else if (strcmp(v, "never") == 0) color_mode = 2;
  else return -1;
  return 0;
}

int seg_cli_color(void) {
  if (color_mode) return color_mode == 1;
  const char *nc = getenv("NO_COLOR");    /* no-color.org: set and not empty */
  return isatty(STDERR_FILENO) && !(nc && *nc);
}

seg_import_more seg_cli_csv_more(const seg_cli_csv *o, seg_schema *pinned) {
  seg_import_more m = {0};
  if (o->encoding && (m.encoding = seg_import_encoding(o->encoding)) < 0)
    seg_cli_usage("--encoding: '%s' is not one of utf-8, cp1252, latin1, utf-16, utf-16le, utf-16be", o->encoding);
  m.month_first = o->month_first;
  if ((o->lenient || o->allow_extra) && !o->schema)
    seg_cli_usage("%s: only with --schema", o->lenient ? "--lenient" : "--allow-extra");
  if (o->schema) {
    char err[1024];
    if (seg_schema_parse_file(o->schema, pinned, err, sizeof err) != 0) {
      fprintf(stderr, "seg: %s\n", err);
      exit(SEG_EXIT_USAGE);
    }
    m.schema = pinned;
    m.schema_name = o->schema;
    m.lenient = o->lenient;
    m.allow_extra = o->allow_extra;
  }
  if (o->max_bad && seg_import_parse_max_bad(o->max_bad, &m) != 0)
    seg_cli_usage("--max-bad-rows: '%s' is not a number of rows or a percentage such as 2%%", o->max_bad);
  if (o->decimal) {
    if (strcmp(o->decimal, ".") != 0 && strcmp(o->decimal, ",") != 0)
      seg_cli_usage("--decimal: '%s' is not '.' or ','", o->decimal);
    m.decimal = o->decimal[0];
  }
  if (o->threads) {
    char *end;
    long n = strtol(o->threads, &end, 10);
    if (*o->threads == '\0' || *end != '\0' || n < 1 || n > 64)
      seg_cli_usage("--threads: '%s' is not a number from 1 to 64", o->threads);
    m.threads = (int)n;
  }
  return m;
}

seg_cli_format seg_cli_report_format(const char *format) {
  if (!format || strcmp(format, "table") == 0) return SEG_FORMAT_TABLE;
  if (strcmp(format, "csv") == 0) return SEG_FORMAT_CSV;
  if (strcmp(format, "json") != 0) seg_cli_usage("--format: '%s' is not one of table, csv, json", format);
  return SEG_FORMAT_JSON;
}
