/*
** cmd_run.c -- `seg run RULES DATA [--today D] [--format table|csv|json]
** [--members OUT | --members-dir DIR] [--columns A,B] [--members-format
** csv|jsonl] [--key COL] [--segment NAME]... [CSV options]`: the
** members of each segment counted over DATA (a .segcol or a CSV imported
** in memory; RULES a .seg file or a .segc), and the report writers: the
** summary as a table, CSV or JSON. The members (--members, --members-dir)
** are written by cli/members.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "colfile.h"
#include "date.h"
#include "measure.h"
#include "vm.h"

/* ---- reports ------------------------------------------------------------ */

/* The summary of a run: one line per segment shown (shown[s]), with its
** members' count and share of the rows, as CSV, JSON or a table. */
typedef struct report {
  const seg_program *prog;
  const seg_result *res;
  const uint8_t *shown;
  size_t nrows;
  const seg_cli_excluded *ex;   /* --exclude, or NULL */
  const seg_measures *ms;       /* the measures' values (nmeasures 0: none) */
  uint64_t guard_removed;       /* customers the `require` guard left out */
} report;

/* measure m of segment s as text (CSV/JSON: exact; table: rounded) */
static const char *mtext(const report *r, uint32_t s, uint32_t m, int table, char *buf, size_t n) {
  seg_mval_format(&r->ms->v[(size_t)s * r->ms->nmeasures + m], table, r->ms->is_rate[m], buf, n);
  return buf;
}

static void report_csv(FILE *rep, const report *r) {
  double rows = r->nrows ? (double)r->nrows : 1;
  fprintf(rep, "segment,customers,share");
  for (uint32_t m = 0; m < r->ms->nmeasures; m++) {
    fputc(',', rep);
    seg_cli_csv_field(rep, r->prog->measures[m].name, strlen(r->prog->measures[m].name));
  }
  fputc('\n', rep);
  for (uint32_t s = 0; s < r->prog->nsegs; s++) {
    if (!r->shown[s]) continue;
    seg_cli_csv_field(rep, r->prog->segs[s].name, strlen(r->prog->segs[s].name));
    fprintf(rep, ",%llu,%.6f", (unsigned long long)r->res->counts[s], r->res->counts[s] / rows);
    char v[64];
    for (uint32_t m = 0; m < r->ms->nmeasures; m++) fprintf(rep, ",%s", mtext(r, s, m, 0, v, sizeof v));
    fputc('\n', rep);
  }
}

static void report_json(FILE *rep, const report *r) {
  double rows = r->nrows ? (double)r->nrows : 1;
  char day[11];
  seg_date_format(r->prog->today, day);
  fprintf(rep, "{\"today\": \"%s\", \"customers\": %zu, ", day, r->nrows);
  if (r->ex) fprintf(rep, "\"suppressed\": %llu, ", (unsigned long long)r->ex->suppressed);
  if (r->prog->guard) fprintf(rep, "\"removed_by_require\": %llu, ", (unsigned long long)r->guard_removed);
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
    fprintf(rep, ", \"customers\": %llu, \"share\": %.6f", (unsigned long long)r->res->counts[s],
            r->res->counts[s] / rows);
    if (r->ms->nmeasures) {
      fputs(", \"measures\": {", rep);
      for (uint32_t m = 0; m < r->ms->nmeasures; m++) {
        char v[64];
        fputs(m ? ", " : "", rep);
        seg_cli_json_string(rep, r->prog->measures[m].name);
        mtext(r, s, m, 0, v, sizeof v);
        const seg_mval *mv = &r->ms->v[(size_t)s * r->ms->nmeasures + m];
        if (mv->kind == SEG_MV_MISSING) fputs(": null", rep);
        else if (mv->kind == SEG_MV_DATE) fprintf(rep, ": \"%s\"", v);
        else fprintf(rep, ": %s", v);
      }
      fputc('}', rep);
    }
    fputc('}', rep);
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
  /* each measure's column as wide as its name or its widest value */
  int mw[64];
  uint32_t nm = r->ms->nmeasures < 64 ? r->ms->nmeasures : 64;
  for (uint32_t m = 0; m < nm; m++) {
    mw[m] = (int)strlen(r->prog->measures[m].name);
    for (uint32_t s = 0; s < r->prog->nsegs; s++) {
      char v[64];
      if (r->shown[s] && (int)strlen(mtext(r, s, m, 1, v, sizeof v)) > mw[m]) mw[m] = (int)strlen(v);
    }
  }
  fprintf(rep, "%-*s  %12s  %7s", w, "segment", "customers", "share");
  for (uint32_t m = 0; m < nm; m++) fprintf(rep, "  %*s", mw[m], r->prog->measures[m].name);
  fputc('\n', rep);
  for (uint32_t s = 0; s < r->prog->nsegs; s++) {
    if (!r->shown[s]) continue;
    char num[40];
    seg_cli_group_digits(r->res->counts[s], num, sizeof num);
    fprintf(rep, "%-*s  %12s  %6.1f%%", w, r->prog->segs[s].name, num, 100.0 * r->res->counts[s] / rows);
    for (uint32_t m = 0; m < nm; m++) {
      char v[64];
      fprintf(rep, "  %*s", mw[m], mtext(r, s, m, 1, v, sizeof v));
    }
    fputc('\n', rep);
  }
  char extra[120] = "";
  if (r->prog->guard) {
    char g[40];
    seg_cli_group_digits(r->guard_removed, g, sizeof g);
    snprintf(extra, sizeof extra, ", %s left out by require", g);
  }
  if (r->ex) {
    char sup[40];
    seg_cli_group_digits(r->ex->suppressed, sup, sizeof sup);
    size_t l = strlen(extra);
    snprintf(extra + l, sizeof extra - l, ", %s suppressed", sup);
  }
  fprintf(rep, "(%s customers%s, today %s)\n", total, extra, day);
}

/* W0209: a measure aggregating a column that more than half of the
** customers lack (measured on the data, so it is run's, not check's). */
static void warn_sparse_measures(const char *path, const seg_program *p, const seg_table *t) {
  if (seg_cli_is_segc_file(path) || t->nrows == 0) return;
  seg_diags d = {0};
  for (uint32_t m = 0; m < p->nmeasures; m++) {
    const seg_measure *ms = &p->measures[m];
    for (uint32_t k = ms->first; k < ms->first + ms->n; k++) {
      if (p->mops[k].kind != 'a') continue;
      int32_t col = p->aggs[p->mops[k].agg].col;
      if (col < 0) continue;
      const seg_column *c = &t->cols[col];
      size_t present = 0;
      for (size_t w = 0; w < (t->nrows + 63) / 64; w++) present += (size_t)__builtin_popcountll(c->valid[w]);
      if (present * 2 >= t->nrows) continue;
      seg_diag_add(&d, SEG_SEV_WARNING, "W0209", ms->loc,
                   "measure '%s' reads column '%s', which %.0f%% of the customers lack: it describes only the "
                   "others", ms->name, c->name, 100.0 * (double)(t->nrows - present) / (double)t->nrows);
      break;
    }
  }
  if (d.n) {
    size_t len;
    char *src = seg_cli_read_file(path, &len);
    seg_diag_render_text(stderr, &d, strcmp(path, "-") == 0 ? "<stdin>" : path, src, src ? len : 0, seg_cli_color());
    free(src);
  }
  seg_diags_free(&d);
}

/* ---- the command ---------------------------------------------------------- */

int seg_cmd_run(int argc, char **argv) {
  seg_cli_csv csv = {0};
  const char *today_opt = NULL, *format = NULL, *key_name = NULL, *exclude = NULL, *pos[2];
  seg_cli_members mem = {0};
  int trace = 0;
  seg_cli_list segments = {NULL, 0}, adhoc = {NULL, 0};
  int npos;
  const seg_cli_opt options[] = {
    {"--today", NULL, SEG_OPT_VALUE, &today_opt},
    {"--format", NULL, SEG_OPT_VALUE, &format},
    {"--members", NULL, SEG_OPT_VALUE, &mem.path},
    {"--members-dir", NULL, SEG_OPT_VALUE, &mem.dir},
    {"--members-format", NULL, SEG_OPT_VALUE, &mem.format},
    {"--columns", NULL, SEG_OPT_LIST, &mem.columns},
    {"--key", NULL, SEG_OPT_VALUE, &key_name},
    {"--segment", NULL, SEG_OPT_LIST, &segments},
    {"--measure", NULL, SEG_OPT_LIST, &adhoc},
    {"--exclude", NULL, SEG_OPT_VALUE, &exclude},
    {"--trace", NULL, SEG_OPT_FLAG, &trace},
    SEG_CLI_CSV_OPTIONS(csv),
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, 2, 0, "unknown option '%s' for this command", seg_cli_usage};
  segments.v = calloc((size_t)argc + 1, sizeof *segments.v);
  adhoc.v = calloc((size_t)argc + 1, sizeof *adhoc.v);
  mem.columns.v = calloc((size_t)argc + 1, sizeof *mem.columns.v);
  if (!segments.v || !mem.columns.v || !adhoc.v) {
    fprintf(stderr, "seg: out of memory\n");
    free(segments.v);
    free(mem.columns.v);
    free(adhoc.v);
    return SEG_EXIT_USAGE;
  }
  seg_cli_parse(&spec, argc, argv, pos, &npos);
  if (npos != 2) seg_cli_usage("%s", "run needs a rules file and a data file");
  if (!format) format = "table";
  if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json"))
    seg_cli_usage("--format: '%s' is not one of table, csv, json", format);
  const char *inputs[] = {pos[0], pos[1], exclude, NULL};     /* no --exclude: the list ends early */
  const char *members = mem.path ? mem.path : mem.dir;          /* members are written */
  if (seg_cli_members_check(&mem, inputs) != 0) {
    free(segments.v);
    free(mem.columns.v);
    free(adhoc.v);
    return SEG_EXIT_USAGE;
  }
  int32_t today = seg_cli_today(today_opt);
  seg_table t = {0};
  seg_compiled c = {0};
  seg_result res = {0};
  seg_measures ms = {0};
  seg_cli_excluded ex = {0};
  seg_schema pinned = {0};
  uint8_t *shown = NULL;
  seg_cli_dataview dv = {0};
  char *extra = NULL;
  int rc = SEG_EXIT_USAGE;
  seg_import_more m = seg_cli_csv_more(&csv, &pinned);
  if (seg_cli_load_table(pos[1], csv.skip_bad || csv.max_bad, &m, &t) != 0) goto done;
  if (seg_cli_data_view(&t, &dv) != 0) goto done;
  seg_schema_view sv = dv.sv;
  /* --measure "sum(total_spend)": a measure named by its own text, after the file's statements */
  if (adhoc.n && seg_cli_is_segc_file(pos[0])) {
    fprintf(stderr, "seg: --measure needs a .seg rules file: a .segc carries the measures it was compiled with\n");
    goto done;
  }
  size_t xcap = 1;
  for (int k = 0; k < adhoc.n; k++) xcap += 3 * strlen(adhoc.v[k]) + 32;
  if (adhoc.n && !(extra = malloc(xcap))) { fprintf(stderr, "seg: out of memory\n"); goto done; }
  size_t xn = 0;
  for (int k = 0; k < adhoc.n; k++) {
    xn += (size_t)snprintf(extra + xn, xcap - xn, "measure `");
    for (const char *q = adhoc.v[k]; *q; q++) {
      if (*q == '\n' || *q == '\r') continue;       /* one line: the name is the text */
      if (*q == '`') extra[xn++] = '`';
      extra[xn++] = *q;
    }
    xn += (size_t)snprintf(extra + xn, xcap - xn, "` = %s\n", adhoc.v[k]);
  }
  rc = seg_cli_is_segc_file(pos[0]) ? seg_cli_segc_for_run(pos[0], &sv, pos[1], today_opt, &c)
                                    : seg_cli_compile_lint(pos[0], &sv, today, &c, extra);   /* lint warnings too, on stderr */
  if (rc != 0) goto done;
  rc = SEG_EXIT_USAGE;
  int key = 0;
  if (key_name && (key = seg_table_find(&t, key_name)) < 0) {
    char hint[300];
    fprintf(stderr, "seg: --key: no column '%s' in %s%s\n", key_name, pos[1],
            seg_cli_did_you_mean(&t, key_name, hint, sizeof hint));
    goto done;
  }
  if (members && t.ncols == 0) {
    fprintf(stderr, "seg: --members: %s has no columns to use as a key\n", pos[1]);
    goto done;
  }
  if (members && seg_cli_members_columns(&mem, &t, key, pos[1]) != 0) goto done;
  if (!(shown = seg_cli_pick_segments(&c.prog, &segments, pos[0]))) goto done;
  char err[512];
  /* --trace (or SEG_TRACE=1): the VM tells the first batch instruction by
  ** instruction on stderr, as clox's and jq's tracing do */
  const char *trace_env = getenv("SEG_TRACE");
  if (exclude && seg_cli_exclude(exclude, &t, &ex) != 0) goto done;
  seg_vm_opts vo = {members != NULL || exclude != NULL, seg_cli_threads(),
                    trace || (trace_env && strcmp(trace_env, "1") == 0) ? stderr : NULL, NULL};
  if (seg_cli_fit_empty(&t, &c.prog, pos[1]) != 0) goto done;
  warn_sparse_measures(pos[0], &c.prog, &t);
  if (seg_vm_run_opts(&c.prog, &t, &vo, &res, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", pos[1], err);       /* a damaged column of the data */
    goto done;
  }
  if (exclude) {
    seg_cli_apply_exclude(&ex, &res);
    seg_cli_exclude_report(&ex, exclude);
  }
  /* the measures before any file is written: a sum that does not fit stops the run with nothing written */
  if (seg_measures_compute(&c.prog, &t, &res, &ms, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", pos[1], err);
    goto done;
  }
  if (members && seg_cli_members_write(&mem, &c.prog, &res, &t, shown, inputs, pos[1]) != 0) goto done;
  /* one document per stream: with --members -, the summary goes to stderr */
  FILE *rep = mem.path && strcmp(mem.path, "-") == 0 ? stderr : stdout;
  uint64_t kept = c.prog.guard ? res.counts[c.prog.guard - 1] : 0;
  uint64_t base = t.nrows - (exclude ? ex.suppressed : 0);
  report r = {&c.prog, &res, shown, t.nrows, exclude ? &ex : NULL, &ms, base > kept ? base - kept : 0};
  if (strcmp(format, "csv") == 0) report_csv(rep, &r);
  else if (strcmp(format, "json") == 0) report_json(rep, &r);
  else report_table(rep, &r);
  rc = fflush(rep) == 0 && !ferror(rep) ? 0 : SEG_EXIT_USAGE;
done:
  free(ex.bits);
  seg_measures_free(&ms);
  seg_result_free(&res);
  seg_compiled_free(&c);
  seg_table_free(&t);
  free(shown);
  seg_cli_data_view_free(&dv);
  seg_schema_free(&pinned);
  free(segments.v);
  free(adhoc.v);
  free(extra);
  free(mem.columns.v);
  free(mem.cols);
  return rc;
}
