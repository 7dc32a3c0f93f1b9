/*
** cmd_run.c -- `seg run RULES DATA [--today D] [--format table|csv|json]
** [--members OUT] [--key COL] [--segment NAME]... [CSV options]`: the
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
        seg_cli_write_cell(f, &t->cols[key], r, 1);
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
  char day[11], total[40];
  seg_date_format(r->prog->today, day);
  seg_cli_group_digits(r->nrows, total, sizeof total);
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
  if (r->ex) {
    char sup[40];
    seg_cli_group_digits(r->ex->suppressed, sup, sizeof sup);
    fprintf(rep, "(%s customers, %s suppressed, today %s)\n", total, sup, day);
  } else {
    fprintf(rep, "(%s customers, today %s)\n", total, day);
  }
}

/* ---- the command ---------------------------------------------------------- */

int seg_cmd_run(int argc, char **argv) {
  seg_cli_csv csv = {0};
  const char *today_opt = NULL, *format = NULL, *members = NULL, *key_name = NULL, *exclude = NULL, *pos[2];
  int trace = 0;
  seg_cli_list segments = {NULL, 0};
  int npos;
  const seg_cli_opt options[] = {
    {"--today", NULL, SEG_OPT_VALUE, &today_opt},
    {"--format", NULL, SEG_OPT_VALUE, &format},
    {"--members", NULL, SEG_OPT_VALUE, &members},
    {"--key", NULL, SEG_OPT_VALUE, &key_name},
    {"--segment", NULL, SEG_OPT_LIST, &segments},
    {"--exclude", NULL, SEG_OPT_VALUE, &exclude},
    {"--trace", NULL, SEG_OPT_FLAG, &trace},
    SEG_CLI_CSV_OPTIONS(csv),
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, 2, 0, "unknown option '%s' for this command", seg_cli_usage};
  segments.v = calloc((size_t)argc + 1, sizeof *segments.v);
  if (!segments.v) { fprintf(stderr, "seg: out of memory\n"); return SEG_EXIT_USAGE; }
  seg_cli_parse(&spec, argc, argv, pos, &npos);
  if (npos != 2) seg_cli_usage("%s", "run needs a rules file and a data file");
  if (!format) format = "table";
  if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json"))
    seg_cli_usage("--format: '%s' is not one of table, csv, json", format);
  if (members) {
    const char *inputs[] = {pos[0], pos[1], exclude, NULL};     /* no --exclude: the list ends early */
    if (seg_cli_output_ok("--members", members, inputs) != 0) {
      free(segments.v);
      return SEG_EXIT_USAGE;
    }
  }
  int32_t today = seg_cli_today(today_opt);
  seg_table t = {0};
  seg_compiled c = {0};
  seg_result res = {0};
  seg_cli_excluded ex = {0};
  seg_schema pinned = {0};
  uint8_t *shown = NULL;
  seg_cli_dataview dv = {0};
  int rc = SEG_EXIT_USAGE;
  seg_import_more m = seg_cli_csv_more(&csv, &pinned);
  if (seg_cli_load_table(pos[1], csv.skip_bad || csv.max_bad, &m, &t) != 0) goto done;
  if (seg_cli_data_view(&t, &dv) != 0) goto done;
  seg_schema_view sv = dv.sv;
  rc = seg_cli_is_segc_file(pos[0]) ? seg_cli_segc_for_run(pos[0], &sv, pos[1], today_opt, &c)
                                    : seg_cli_compile_lint(pos[0], &sv, today, &c);   /* lint warnings too, on stderr */
  if (rc != 0) goto done;
  rc = SEG_EXIT_USAGE;
  int key = 0;
  if (key_name && (key = seg_table_find(&t, key_name)) < 0) {
    fprintf(stderr, "seg: --key: no column '%s' in %s\n", key_name, pos[1]);
    goto done;
  }
  if (members && t.ncols == 0) {
    fprintf(stderr, "seg: --members: %s has no columns to use as a key\n", pos[1]);
    goto done;
  }
  if (!(shown = seg_cli_pick_segments(&c.prog, &segments, pos[0]))) goto done;
  char err[512];
  /* --trace (or SEG_TRACE=1): the VM tells the first batch instruction by
  ** instruction on stderr, as clox's and jq's tracing do */
  const char *trace_env = getenv("SEG_TRACE");
  if (exclude && seg_cli_exclude(exclude, &t, &ex) != 0) goto done;
  seg_vm_opts vo = {members != NULL || exclude != NULL, seg_cli_threads(),
                    trace || (trace_env && strcmp(trace_env, "1") == 0) ? stderr : NULL, NULL};
  if (seg_cli_fit_empty(&t, &c.prog, pos[1]) != 0) goto done;
  if (seg_vm_run_opts(&c.prog, &t, &vo, &res, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", pos[1], err);       /* a damaged column of the data */
    goto done;
  }
  if (exclude) {
    seg_cli_apply_exclude(&ex, &res);
    seg_cli_exclude_report(&ex, exclude);
  }
  if (members && seg_col_check(&t.cols[key], t.nrows, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", pos[1], err);
    goto done;
  }
  if (members && write_members(members, &c.prog, &res, &t, key, shown) != 0) goto done;
  /* one document per stream: with --members -, the summary goes to stderr */
  FILE *rep = members && strcmp(members, "-") == 0 ? stderr : stdout;
  report r = {&c.prog, &res, shown, t.nrows, exclude ? &ex : NULL};
  if (strcmp(format, "csv") == 0) report_csv(rep, &r);
  else if (strcmp(format, "json") == 0) report_json(rep, &r);
  else report_table(rep, &r);
  rc = fflush(rep) == 0 && !ferror(rep) ? 0 : SEG_EXIT_USAGE;
done:
  free(ex.bits);
  seg_result_free(&res);
  seg_compiled_free(&c);
  seg_table_free(&t);
  free(shown);
  seg_cli_data_view_free(&dv);
  seg_schema_free(&pinned);
  free(segments.v);
  return rc;
}
