/*
** cmd_run.c -- `seg run RULES DATA [--today D] [--format table|csv|json]
** [--members OUT | --members-dir DIR] [--columns A,B] [--members-format
** csv|jsonl] [--key COL] [--segment NAME]... [--exclude LIST]
** [--measure EXPR]... [--min-size N] [CSV options]`: the members of each
** segment counted over DATA (a .segcol or a CSV imported in memory; RULES
** a .seg file or a .segc; cli/evaluate.c), the measures of each, and the
** report writers: the summary as a table, CSV or JSON. The members
** (--members, --members-dir) are written by cli/members.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "colfile.h"
#include "date.h"
#include "lint.h"
#include "measure.h"
#include "tiers.h"
#include "split.h"
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
  const seg_tiers *tiers;       /* the priorities' tiers (nprios 0: none) */
} report;

const char *seg_cli_tier_label(const seg_program *p, uint32_t k, uint32_t i) {
  const seg_priority *pr = &p->prios[k];
  return i == pr->n ? pr->else_name : p->segs[p->tiers[pr->first + i].seg].name;
}

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

static void report_splits_json(FILE *rep, const report *r);

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
  fprintf(rep, "%s]", first ? "" : "\n");
  /* "priorities": each priority's tiers in order, the else tier last */
  const seg_program *p = r->prog;
  if (p->nprios) {
    fputs(", \"priorities\": [", rep);
    for (uint32_t k = 0; k < p->nprios; k++) {
      const seg_priority *pr = &p->prios[k];
      fprintf(rep, "%s\n  {\"priority\": ", k ? "," : "");
      seg_cli_json_string(rep, pr->name);
      fputs(", \"tiers\": [", rep);
      for (uint32_t i = 0; i <= pr->n; i++) {
        if (i == pr->n && !pr->else_name) break;
        uint64_t c = seg_tiers_count(r->tiers, p, k, i);
        fprintf(rep, "%s{\"tier\": ", i ? ", " : "");
        seg_cli_json_string(rep, seg_cli_tier_label(p, k, i));
        fprintf(rep, ", \"else\": %s, \"customers\": %llu, \"share\": %.6f}", i == pr->n ? "true" : "false",
                (unsigned long long)c, c / rows);
      }
      fprintf(rep, "], \"in_no_tier\": %llu}", (unsigned long long)r->tiers->none[k]);
    }
    fputs("\n]", rep);
  }
  if (r->prog->nsplits) report_splits_json(rep, r);
  fputs("}\n", rep);
}

/* Each priority under the segments: its tiers, in order, then the
** customers in no tier (always said without an else tier). */
static void report_tiers_table(FILE *rep, const report *r) {
  const seg_program *p = r->prog;
  double rows = r->nrows ? (double)r->nrows : 1;
  for (uint32_t k = 0; k < p->nprios; k++) {
    const seg_priority *pr = &p->prios[k];
    int w = 12;
    for (uint32_t i = 0; i <= pr->n; i++) {
      if (i == pr->n && !pr->else_name) break;
      int l = seg_cli_width(seg_cli_tier_label(p, k, i)) + 2;
      if (l > w) w = l;
    }
    char head[300];
    snprintf(head, sizeof head, "priority %s", pr->name);
    if (seg_cli_width(head) > w) w = seg_cli_width(head);
    fprintf(rep, "\n%-*s  %12s  %7s\n", seg_cli_pad(head, w), head, "customers", "share");
    for (uint32_t i = 0; i <= pr->n + 1; i++) {
      if (i == pr->n && !pr->else_name) continue;
      uint64_t c = i <= pr->n ? seg_tiers_count(r->tiers, p, k, i) : r->tiers->none[k];
      if (i == pr->n + 1 && pr->else_name && c == 0) continue;
      char label[300], num[40];
      snprintf(label, sizeof label, "  %s", i <= pr->n ? seg_cli_tier_label(p, k, i) : "(in no tier)");
      seg_cli_group_digits(c, num, sizeof num);
      fprintf(rep, "%-*s  %12s  %6.1f%%\n", seg_cli_pad(label, w), label, num, 100.0 * c / rows);
    }
  }
}

/* 1 when some arm of split k is shown (--segment) */
static int split_shown(const report *r, uint32_t k) {
  const seg_split *sp = &r->prog->splits[k];
  for (uint32_t a = 0; a < sp->narms; a++) if (r->shown[sp->first + a]) return 1;
  return 0;
}

const char *seg_cli_arm_name(const seg_program *p, const seg_split *sp, uint32_t a) {
  const char *n = p->segs[sp->first + a].name;
  size_t l = strlen(sp->name);
  return strncmp(n, sp->name, l) == 0 && n[l] == '.' ? n + l + 1 : n;
}

const char *seg_cli_split_key(const seg_program *p, const seg_split *sp) {
  return sp->key >= 0 && (uint32_t)sp->key < p->ncols ? p->colnames[sp->key] : "?";
}

static void report_splits_json(FILE *rep, const report *r) {
  int first = 1;
  fputs(", \"splits\": [", rep);
  for (uint32_t k = 0; k < r->prog->nsplits; k++) {
    if (!split_shown(r, k)) continue;
    const seg_split *sp = &r->prog->splits[k];
    seg_split_stat st = seg_split_stats(r->prog, r->res, k);
    fprintf(rep, "%s\n  {\"split\": ", first ? "" : ",");
    seg_cli_json_string(rep, sp->name);
    fputs(", \"key\": ", rep);
    seg_cli_json_string(rep, seg_cli_split_key(r->prog, sp));
    fputs(", \"salt\": ", rep);
    seg_cli_json_string(rep, sp->salt);
    fputs(", \"population\": ", rep);
    if (sp->base >= 0) seg_cli_json_string(rep, r->prog->segs[sp->base].name);
    else fputs("null", rep);
    fprintf(rep, ", \"in_arms\": %llu, \"no_key\": %llu, \"arms\": [", (unsigned long long)st.in_arms,
            (unsigned long long)st.no_key);
    for (uint32_t a = 0; a < sp->narms; a++) {
      uint64_t c = r->res->counts[sp->first + a];
      fputs(a ? ", {\"arm\": " : "{\"arm\": ", rep);
      seg_cli_json_string(rep, seg_cli_arm_name(r->prog, sp, a));
      fputs(", \"segment\": ", rep);
      seg_cli_json_string(rep, r->prog->segs[sp->first + a].name);
      fprintf(rep, ", \"customers\": %llu, \"observed\": %.6f, \"declared\": %.4f}", (unsigned long long)c,
              st.in_arms ? (double)c / (double)st.in_arms : 0.0, sp->buckets[a] / (double)SEG_BUCKETS);
    }
    fprintf(rep, "], \"chi_square\": %.17g, \"dof\": %u, \"p_value\": %.17g, \"mismatch\": %s}", st.chisq, st.dof,
            st.p, st.p < 0.001 ? "true" : "false");
    first = 0;
  }
  fprintf(rep, "%s]", first ? "" : "\n");
}

/* After the summary table: per split, each arm observed against declared,
** and the sample-ratio-mismatch test. */
static void report_splits_table(FILE *rep, const report *r) {
  for (uint32_t k = 0; k < r->prog->nsplits; k++) {
    if (!split_shown(r, k)) continue;
    const seg_split *sp = &r->prog->splits[k];
    seg_split_stat st = seg_split_stats(r->prog, r->res, k);
    char num[40];
    fprintf(rep, "\nsplit %s: %s by %s, salt \"%s\"\n", sp->name,
            sp->base >= 0 ? r->prog->segs[sp->base].name : "everyone", seg_cli_split_key(r->prog, sp), sp->salt);
    int w = 3;
    for (uint32_t a = 0; a < sp->narms; a++) {
      int l = seg_cli_width(seg_cli_arm_name(r->prog, sp, a));
      if (l > w) w = l;
    }
    fprintf(rep, "  %-*s  %12s  %8s  %8s\n", w, "arm", "customers", "observed", "declared");
    for (uint32_t a = 0; a < sp->narms; a++) {
      uint64_t c = r->res->counts[sp->first + a];
      seg_cli_group_digits(c, num, sizeof num);
      const char *an = seg_cli_arm_name(r->prog, sp, a);
      fprintf(rep, "  %-*s  %12s  %7.2f%%  %7.2f%%\n", seg_cli_pad(an, w), an, num,
              st.in_arms ? 100.0 * (double)c / (double)st.in_arms : 0.0, sp->buckets[a] / 100.0);
    }
    if (st.no_key) {
      seg_cli_group_digits(st.no_key, num, sizeof num);
      fprintf(rep, "  %s customer%s with no %s: in no arm\n", num, st.no_key == 1 ? "" : "s", seg_cli_split_key(r->prog, sp));
    }
    fprintf(rep, "  sample ratio: chi-square %.2f, %u degree%s of freedom, p = %.4g%s\n", st.chisq, st.dof,
            st.dof == 1 ? "" : "s", st.p, st.p < 0.001 ? "  MISMATCH (W0230)" : "");
  }
}

/* W0230: a split whose arms are further from their shares than chance
** allows (p < 0.001), on stderr, never the exit code. */
static void warn_sample_ratio(const char *path, const report *r) {
  seg_diags d = {0};
  for (uint32_t k = 0; k < r->prog->nsplits; k++) {
    if (!split_shown(r, k)) continue;
    seg_split_stat st = seg_split_stats(r->prog, r->res, k);
    if (!(st.p < 0.001)) continue;
    const seg_split *sp = &r->prog->splits[k];
    char detail[400];
    size_t w = 0;
    for (uint32_t a = 0; a < sp->narms && w < sizeof detail - 80; a++)
      w += (size_t)snprintf(detail + w, sizeof detail - w, "%s%s %.2f%% (declared %.2f%%)", a ? ", " : "",
                            seg_cli_arm_name(r->prog, sp, a),
                            100.0 * (double)r->res->counts[sp->first + a] / (double)st.in_arms, sp->buckets[a] / 100.0);
    seg_diag_add(&d, SEG_SEV_WARNING, "W0230", sp->loc,
                 "split '%s' does not match its shares: %s; chi-square %.2f, p = %.3g: check that %s is unique per "
                 "customer [W0230]", sp->name, detail, st.chisq, st.p, seg_cli_split_key(r->prog, sp));
  }
  if (d.n) {
    size_t len = 0;
    char *src = seg_cli_is_segc_file(path) ? NULL : seg_cli_read_file(path, &len);
    if (src) seg_lint_filter(src, len, &d);
    seg_diag_render_text(stderr, &d, strcmp(path, "-") == 0 ? "<stdin>" : path, src, len, seg_cli_color());
    free(src);
  }
  seg_diags_free(&d);
}

static void report_table(FILE *rep, const report *r) {
  double rows = r->nrows ? (double)r->nrows : 1;
  char day[11], total[40];
  seg_date_format(r->prog->today, day);
  seg_cli_group_digits(r->nrows, total, sizeof total);
  int w = 7;
  for (uint32_t s = 0; s < r->prog->nsegs; s++) {
    int l = seg_cli_width(r->prog->segs[s].name);
    if (r->shown[s] && l > w) w = l;
  }
  /* each measure's column as wide as its name or its widest value */
  int mw[64];
  uint32_t nm = r->ms->nmeasures < 64 ? r->ms->nmeasures : 64;
  for (uint32_t m = 0; m < nm; m++) {
    mw[m] = seg_cli_width(r->prog->measures[m].name);
    for (uint32_t s = 0; s < r->prog->nsegs; s++) {
      char v[64];
      if (r->shown[s] && (int)strlen(mtext(r, s, m, 1, v, sizeof v)) > mw[m]) mw[m] = (int)strlen(v);
    }
  }
  fprintf(rep, "%-*s  %12s  %7s", w, "segment", "customers", "share");
  for (uint32_t m = 0; m < nm; m++)
    fprintf(rep, "  %*s", seg_cli_pad(r->prog->measures[m].name, mw[m]), r->prog->measures[m].name);
  fputc('\n', rep);
  for (uint32_t s = 0; s < r->prog->nsegs; s++) {
    if (!r->shown[s]) continue;
    char num[40];
    seg_cli_group_digits(r->res->counts[s], num, sizeof num);
    fprintf(rep, "%-*s  %12s  %6.1f%%", seg_cli_pad(r->prog->segs[s].name, w), r->prog->segs[s].name, num,
            100.0 * r->res->counts[s] / rows);
    for (uint32_t m = 0; m < nm; m++) {
      char v[64];
      fprintf(rep, "  %*s", mw[m], mtext(r, s, m, 1, v, sizeof v));
    }
    fputc('\n', rep);
  }
  report_tiers_table(rep, r);
  seg_cli_footer(rep, r->nrows, r->prog->guard ? &r->guard_removed : NULL, r->ex, r->prog->today);
  report_splits_table(rep, r);
}

/* W0209: a measure aggregating a column that more than half of the
** customers lack (measured on the data, so it is run's, not check's). */
void seg_cli_warn_sparse_measures(const char *path, const seg_program *p, const seg_table *t) {
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

/* W0221: a tier of a priority that holds no customer of the data (its
** segment is empty, or the earlier tiers took all of it); at most 10 a
** priority, then how many more. Into *d (cmds.h). */
void seg_cli_tier_warnings(const seg_program *p, const seg_tiers *t, const seg_result *res, size_t nrows,
                           seg_diags *d) {
  if (nrows == 0) return;
  for (uint32_t k = 0; k < p->nprios; k++) {
    const seg_priority *pr = &p->prios[k];
    uint32_t told = 0, more = 0;
    for (uint32_t i = 0; i <= pr->n; i++) {
      if ((i == pr->n && !pr->else_name) || seg_tiers_count(t, p, k, i) != 0) continue;
      if (told++ >= 10) { more++; continue; }
      uint32_t seg = i < pr->n ? p->tiers[pr->first + i].seg : 0;
      if (i == pr->n)
        seg_diag_add(d, SEG_SEV_WARNING, "W0221", pr->else_loc,
                     "tier '%s' of priority '%s' is empty on this data: the listed tiers take every customer",
                     pr->else_name, pr->name);
      else if (res->counts[seg] > 0)
        seg_diag_add(d, SEG_SEV_WARNING, "W0221", p->tiers[pr->first + i].loc,
                     "tier '%s' of priority '%s' is empty on this data: the earlier tiers hold all %llu customers "
                     "of its segment", p->segs[seg].name, pr->name, (unsigned long long)res->counts[seg]);
      else
        seg_diag_add(d, SEG_SEV_WARNING, "W0221", p->tiers[pr->first + i].loc,
                     "tier '%s' of priority '%s' is empty on this data: its segment has no members",
                     p->segs[seg].name, pr->name);
    }
    if (more)
      seg_diag_add(d, SEG_SEV_WARNING, "W0221", pr->loc, "%u more tiers of priority '%s' are empty on this data",
                   more, pr->name);
  }
}

void seg_cli_warn_empty_tiers(const char *path, const seg_program *p, const struct seg_tiers *t, const seg_result *res,
                              size_t nrows) {
  if (seg_cli_is_segc_file(path) || !p->nprios) return;
  seg_diags d = {0};
  seg_cli_tier_warnings(p, t, res, nrows, &d);
  if (d.n) {
    size_t len = 0;
    char *src = seg_cli_read_file(path, &len);
    if (src) seg_lint_filter(src, len, &d);              /* # seg: ignore W0221 */
    seg_diag_render_text(stderr, &d, strcmp(path, "-") == 0 ? "<stdin>" : path, src, src ? len : 0, seg_cli_color());
    free(src);
  }
  seg_diags_free(&d);
}

/* ---- the command ---------------------------------------------------------- */

int seg_cmd_run(int argc, char **argv) {
  const char *key_name = NULL, *min_size_s = NULL;
  seg_cli_members mem = {0};
  seg_cli_list adhoc = {NULL, 0};
  int trace = 0;
  const seg_cli_opt options[] = {
    {"--members", NULL, SEG_OPT_VALUE, &mem.path},
    {"--members-dir", NULL, SEG_OPT_VALUE, &mem.dir},
    {"--members-format", NULL, SEG_OPT_VALUE, &mem.format},
    {"--columns", NULL, SEG_OPT_LIST, &mem.columns},
    {"--key", NULL, SEG_OPT_VALUE, &key_name},
    {"--measure", NULL, SEG_OPT_LIST, &adhoc},
    {"--min-size", NULL, SEG_OPT_VALUE, &min_size_s},
    {"--trace", NULL, SEG_OPT_FLAG, &trace},
    {NULL, NULL, 0, NULL}};
  mem.columns.v = calloc((size_t)argc + 1, sizeof *mem.columns.v);
  adhoc.v = calloc((size_t)argc + 1, sizeof *adhoc.v);
  seg_cli_eval_args a;
  char *extra = NULL;
  int rc = SEG_EXIT_USAGE;
  if (!mem.columns.v || !adhoc.v) {
    fprintf(stderr, "seg: out of memory\n");
    free(mem.columns.v);
    free(adhoc.v);
    return SEG_EXIT_USAGE;
  }
  if (seg_cli_eval_parse(argc, argv, "run", options, &a) != 0) {
    free(mem.columns.v);
    free(adhoc.v);
    return SEG_EXIT_USAGE;
  }
  uint64_t min_size = 100;
  if (min_size_s) {
    char *end;
    unsigned long long v = strtoull(min_size_s, &end, 10);
    if (!*min_size_s || *end || *min_size_s == '-' || *min_size_s == '+')
      seg_cli_usage("--min-size: '%s' is not a number of customers (0: no W0211)", min_size_s);
    min_size = v;
  }
  const char *fixed[] = {a.rules, a.data, a.exclude};           /* and each --table's file */
  const char **inputs = seg_cli_inputs(fixed, 3, &a.tables);
  const char *members = mem.path ? mem.path : mem.dir;          /* members are written */
  seg_cli_eval e = {0};
  seg_measures ms = {0};
  seg_tiers tiers = {0};
  if (!inputs || seg_cli_members_check(&mem, inputs) != 0) goto done;
  if (seg_cli_measure_statements(&adhoc, &extra) != 0) goto done;
  a.extra = extra;
  a.prune = 1;                                 /* a CSV's columns the rules cannot name stay unread */
  a.keep = mem.columns;
  a.keep_key = key_name;
  a.keep_first = members != NULL && key_name == NULL;
  int32_t today = seg_cli_today(a.today_opt);
  rc = seg_cli_eval_compile(&e, &a, today, 1);   /* lint warnings too, on stderr */
  if (rc != 0) goto done;
  rc = SEG_EXIT_USAGE;
  int key = 0;
  if (key_name && (key = seg_table_find(&e.t, key_name)) < 0) {
    char hint[300];
    fprintf(stderr, "seg: --key: no column '%s' in %s%s\n", key_name, a.data,
            seg_cli_did_you_mean(&e.t, key_name, hint, sizeof hint));
    goto done;
  }
  if (members && e.t.ncols == 0) {
    fprintf(stderr, "seg: --members: %s has no columns to use as a key\n", a.data);
    goto done;
  }
  if (members && seg_cli_members_columns(&mem, &e.t, key, a.data) != 0) goto done;
  if (seg_cli_eval_select(&e, &a) != 0) goto done;
  /* --trace (or SEG_TRACE=1): the VM tells the first batch instruction by
  ** instruction on stderr, as clox's and jq's tracing do. The members are
  ** kept for --members and --exclude (and measures); W0212 needs the pairs' counts. */
  const char *trace_env = getenv("SEG_TRACE");
  seg_vm_opts vo = {.want_members = members != NULL || a.exclude != NULL, .threads = seg_cli_threads(),
                    .trace = trace || (trace_env && strcmp(trace_env, "1") == 0) ? stderr : NULL};
  if (e.c.prog.nprios) vo.want_members = 1;          /* the tiers are computed from the members */
  seg_cli_eval_pairs(&e, &vo);
  if (seg_cli_eval_run(&e, &a, &vo) != 0) goto done;
  seg_cli_warn_sparse_measures(a.rules, &e.c.prog, &e.t);   /* after the run: it may read event aggregates' columns */
  seg_cli_size_warnings(&e, a.rules, min_size);      /* W0211, W0212: never the exit code */
  char err[512];
  /* the measures before any file is written: a sum that does not fit stops the run with nothing written */
  if (seg_measures_compute(&e.c.prog, &e.t, &e.res, &ms, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", a.data, err);
    goto done;
  }
  if (seg_tiers_compute(&e.c.prog, &e.res, a.exclude ? e.ex.bits : NULL, members != NULL, &tiers) != 0) {
    fprintf(stderr, "seg: out of memory\n");
    goto done;
  }
  seg_cli_warn_empty_tiers(a.rules, &e.c.prog, &tiers, &e.res, e.t.nrows);
  mem.tiers = &tiers;
  if (members && seg_cli_members_write(&mem, &e.c.prog, &e.res, &e.t, e.shown, inputs, a.data) != 0) goto done;
  /* one document per stream: with --members -, the summary goes to stderr */
  FILE *rep = mem.path && strcmp(mem.path, "-") == 0 ? stderr : stdout;
  uint64_t kept = e.c.prog.guard ? e.res.counts[e.c.prog.guard - 1] : 0;
  uint64_t base = e.t.nrows - (a.exclude ? e.ex.suppressed : 0);
  report r = {&e.c.prog, &e.res, e.shown, e.t.nrows, a.exclude ? &e.ex : NULL, &ms, base > kept ? base - kept : 0,
              &tiers};
  warn_sample_ratio(a.rules, &r);
  if (a.fmt == SEG_FORMAT_CSV) report_csv(rep, &r);
  else if (a.fmt == SEG_FORMAT_JSON) report_json(rep, &r);
  else report_table(rep, &r);
  rc = fflush(rep) == 0 && !ferror(rep) ? 0 : SEG_EXIT_USAGE;
done:
  free(inputs);
  seg_tiers_free(&tiers);
  seg_measures_free(&ms);
  seg_cli_eval_free(&e);
  seg_cli_eval_args_free(&a);
  free(mem.columns.v);
  free(mem.cols);
  free(adhoc.v);
  free(extra);
  return rc;
}
