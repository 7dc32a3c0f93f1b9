/*
** cmd_run.c -- `seg run RULES DATA [--today D] [--format table|csv|json]
** [--members OUT] [--key COL] [--segment NAME]... [--exclude LIST]
** [--min-size N] [CSV options]`: the
** members of each segment counted over DATA (a .segcol or a CSV imported
** in memory; RULES a .seg file or a .segc), and the report writers: the
** summary as a table, CSV or JSON, the members as CSV.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "colfile.h"
#include "date.h"
#include "vm.h"

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

/* The summary of a run: one line per segment shown (shown[s]), with its
** members' count and share of the rows, as CSV, JSON or a table. */
typedef struct report {
  const seg_program *prog;
  const seg_result *res;
  const uint8_t *shown;
  size_t nrows;
  const seg_cli_excluded *ex;   /* --exclude, or NULL */
} report;

static void report_csv(FILE *rep, const report *r) {
  double rows = r->nrows ? (double)r->nrows : 1;
  fprintf(rep, "segment,customers,share\n");
  for (uint32_t s = 0; s < r->prog->nsegs; s++) {
    if (!r->shown[s]) continue;
    seg_cli_csv_field(rep, r->prog->segs[s].name, strlen(r->prog->segs[s].name));
    fprintf(rep, ",%llu,%.6f\n", (unsigned long long)r->res->counts[s], r->res->counts[s] / rows);
  }
}

static void report_json(FILE *rep, const report *r) {
  double rows = r->nrows ? (double)r->nrows : 1;
  char day[11];
  seg_date_format(r->prog->today, day);
  fprintf(rep, "{\"today\": \"%s\", \"customers\": %zu, ", day, r->nrows);
  if (r->ex) fprintf(rep, "\"suppressed\": %llu, ", (unsigned long long)r->ex->suppressed);
  fputs("\"segments\": [", rep);
  int first = 1;
  for (uint32_t s = 0; s < r->prog->nsegs; s++) {
    if (!r->shown[s]) continue;
    const seg_seginfo *g = &r->prog->segs[s];
    fprintf(rep, "%s\n  {\"segment\": ", first ? "" : ",");
    seg_cli_json_string(rep, g->name);
    fprintf(rep, ", \"description\": ");
    if (g->desc) seg_cli_json_string(rep, g->desc);
    else fprintf(rep, "null");
    fprintf(rep, ", \"customers\": %llu, \"share\": %.6f}", (unsigned long long)r->res->counts[s],
            r->res->counts[s] / rows);
    first = 0;
  }
  fprintf(rep, "%s]}\n", first ? "" : "\n");
}

static void report_table(FILE *rep, const report *r) {
  double rows = r->nrows ? (double)r->nrows : 1;
  int w = 7;
  for (uint32_t s = 0; s < r->prog->nsegs; s++) {
    int l = (int)strlen(r->prog->segs[s].name);
    if (r->shown[s] && l > w) w = l;
  }
  fprintf(rep, "%-*s  %12s  %7s\n", w, "segment", "customers", "share");
  for (uint32_t s = 0; s < r->prog->nsegs; s++) {
    if (!r->shown[s]) continue;
    char num[40];
    seg_cli_group_digits(r->res->counts[s], num, sizeof num);
    fprintf(rep, "%-*s  %12s  %6.1f%%\n", w, r->prog->segs[s].name, num, 100.0 * r->res->counts[s] / rows);
  }
  seg_cli_footer(rep, r->nrows, r->ex, r->prog->today);
}

/* ---- the command ---------------------------------------------------------- */

int seg_cmd_run(int argc, char **argv) {
  const char *members = NULL, *key_name = NULL, *min_size_s = NULL;
  int trace = 0;
  const seg_cli_opt options[] = {
    {"--members", NULL, SEG_OPT_VALUE, &members},
    {"--key", NULL, SEG_OPT_VALUE, &key_name},
    {"--min-size", NULL, SEG_OPT_VALUE, &min_size_s},
    {"--trace", NULL, SEG_OPT_FLAG, &trace},
    {NULL, NULL, 0, NULL}};
  seg_cli_eval_args a;
  if (seg_cli_eval_parse(argc, argv, "run", options, &a) != 0) return SEG_EXIT_USAGE;
  uint64_t min_size = 100;
  if (min_size_s) {
    char *end;
    unsigned long long v = strtoull(min_size_s, &end, 10);
    if (!*min_size_s || *end || *min_size_s == '-' || *min_size_s == '+')
      seg_cli_usage("--min-size: '%s' is not a number of customers (0: no W0211)", min_size_s);
    min_size = v;
  }
  if (members) {
    const char *inputs[] = {a.rules, a.data, a.exclude, NULL};     /* no --exclude: the list ends early */
    if (seg_cli_output_ok("--members", members, inputs) != 0) {
      seg_cli_eval_args_free(&a);
      return SEG_EXIT_USAGE;
    }
  }
  int32_t today = seg_cli_today(a.today_opt);
  seg_cli_eval e = {0};
  int rc = seg_cli_eval_compile(&e, &a, today, 1);   /* lint warnings too, on stderr */
  if (rc != 0) goto done;
  rc = SEG_EXIT_USAGE;
  int key = 0;
  if (key_name && (key = seg_table_find(&e.t, key_name)) < 0) {
    fprintf(stderr, "seg: --key: no column '%s' in %s\n", key_name, a.data);
    goto done;
  }
  if (members && e.t.ncols == 0) {
    fprintf(stderr, "seg: --members: %s has no columns to use as a key\n", a.data);
    goto done;
  }
  if (seg_cli_eval_select(&e, &a) != 0) goto done;
  /* --trace (or SEG_TRACE=1): the VM tells the first batch instruction by
  ** instruction on stderr, as clox's and jq's tracing do. The members are
  ** kept for --members and --exclude; W0212 needs the pairs' counts. */
  const char *trace_env = getenv("SEG_TRACE");
  seg_vm_opts vo = {members != NULL || a.exclude != NULL, seg_cli_threads(),
                    trace || (trace_env && strcmp(trace_env, "1") == 0) ? stderr : NULL, NULL, NULL};
  seg_cli_eval_pairs(&e, &vo);
  if (seg_cli_eval_run(&e, &a, &vo) != 0) goto done;
  seg_cli_size_warnings(&e, a.rules, min_size);      /* W0211, W0212: never the exit code */
  char err[512];
  if (members && seg_col_check(&e.t.cols[key], e.t.nrows, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", a.data, err);
    goto done;
  }
  if (members && write_members(members, &e.c.prog, &e.res, &e.t, key, e.shown) != 0) goto done;
  /* one document per stream: with --members -, the summary goes to stderr */
  FILE *rep = members && strcmp(members, "-") == 0 ? stderr : stdout;
  report r = {&e.c.prog, &e.res, e.shown, e.t.nrows, a.exclude ? &e.ex : NULL};
  if (a.fmt == SEG_FORMAT_CSV) report_csv(rep, &r);
  else if (a.fmt == SEG_FORMAT_JSON) report_json(rep, &r);
  else report_table(rep, &r);
  rc = fflush(rep) == 0 && !ferror(rep) ? 0 : SEG_EXIT_USAGE;
done:
  seg_cli_eval_free(&e);
  seg_cli_eval_args_free(&a);
  return rc;
}
