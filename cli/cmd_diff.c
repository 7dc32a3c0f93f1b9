/*
** cmd_diff.c -- `seg diff OLD.seg NEW.seg DATA`: how each segment's
** membership changes between two versions of a rules file.
**
**   seg diff OLD.seg NEW.seg DATA [--today D] [--format table|json]
**            [--max-change P%] [--skip-bad-rows] [--max-bad-rows N|P%]
**            [--schema S [--lenient] [--allow-extra]]
**
** Both files are compiled against DATA's columns and run over the same
** rows with members recorded. Segments are matched by name; a segment in
** only one file is reported as added or removed. For each segment:
** before, after, +added (members only in NEW), -removed (members only in
** OLD) and change = (added + removed) / max(before, 1), in percent.
**
** Exit codes: 0, or 1 when --max-change is given and a segment that
** exists in OLD changed by more than P% of its old size (a removed
** segment changes by 100%); 2 on usage or input errors, including errors
** in either rules file.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "date.h"
#include "vm.h"

static const char *const DIFF_USAGE =
  "usage: seg diff OLD.seg NEW.seg DATA [--today YYYY-MM-DD] [--format table|json] [--max-change P%]\n"
  "                [--skip-bad-rows] [--max-bad-rows N|P%] [--schema S [--lenient] [--allow-extra]]\n";

static int diff_usage(const char *fmt, const char *arg) {
  fprintf(stderr, "seg: diff: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n%sTry 'seg --help'.\n", DIFF_USAGE);
  return SEG_EXIT_USAGE;
}

static int find_seg(const seg_program *p, const char *name) {
  for (uint32_t s = 0; s < p->nsegs; s++)
    if (strcmp(p->segs[s].name, name) == 0) return (int)s;
  return -1;
}

typedef struct row {
  const char *name;
  int in_old, in_new;
  uint64_t before, after, added, removed;
  double change;            /* percent */
} row;

/* A segment that had no members (or did not exist) and now has some: its
** change is "new", not a percentage of zero. */
static int from_zero(const row *r) { return !r->in_old || (r->before == 0 && r->added + r->removed > 0); }


static int parse_percent(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno || v < 0 || v != v) return -1;
  if (*end == '%') end++;
  if (*end) return -1;
  *out = v;
  return 0;
}

int seg_cmd_diff(int argc, char **argv) {
  const char *pos[3] = {0};
  int npos = 0, skip_bad = 0, lenient = 0, allow_extra = 0;
  const char *today_s = NULL, *format = "table", *maxs = NULL, *max_bad = NULL, *schema = NULL, *exclude = NULL;
  const seg_cli_opt options[] = {
    {"--skip-bad-rows", NULL, SEG_OPT_FLAG, &skip_bad},
    {"--lenient", NULL, SEG_OPT_FLAG, &lenient},
    {"--allow-extra", NULL, SEG_OPT_FLAG, &allow_extra},
    {"--today", NULL, SEG_OPT_VALUE, &today_s},
    {"--format", NULL, SEG_OPT_VALUE, &format},
    {"--max-change", NULL, SEG_OPT_VALUE, &maxs},
    {"--exclude", NULL, SEG_OPT_VALUE, &exclude},
    {"--max-bad-rows", NULL, SEG_OPT_VALUE, &max_bad},
    {"--schema", NULL, SEG_OPT_VALUE, &schema},
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, 3, 0, "unknown option '%s'", diff_usage};
  int urc = seg_cli_parse(&spec, argc, argv, pos, &npos);
  if (urc != 0) return urc;
  if (npos != 3) return diff_usage("%s", "needs an old rules file, a new rules file and a data file");
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return diff_usage("--format: '%s' is not one of table, json", format);
  double max_change = -1;
  if (maxs && parse_percent(maxs, &max_change) != 0)
    return diff_usage("--max-change: '%s' is not a percentage such as 5%%", maxs);
  seg_import_more more = {0};
  if (max_bad && seg_import_parse_max_bad(max_bad, &more) != 0)
    return diff_usage("--max-bad-rows: '%s' is not a number of rows or a percentage such as 2%%", max_bad);
  if (max_bad) skip_bad = 1;
  if ((lenient || allow_extra) && !schema)
    return diff_usage("%s: only with --schema", lenient ? "--lenient" : "--allow-extra");
  int32_t today;
  const char *ts, *bad_today;
  if (seg_cli_today_parse(today_s, &today, &ts, &bad_today) != 0) return diff_usage(bad_today, ts);

  int rc = SEG_EXIT_USAGE;
  seg_table t = {0};
  seg_compiled c[2];
  seg_result res[2];
  memset(c, 0, sizeof c);
  memset(res, 0, sizeof res);
  const char **names = NULL;
  seg_type *types = NULL;
  row *rows = NULL;
  uint8_t *empty = NULL;
  seg_cli_excluded ex = {0};
  char err[1024];
  seg_schema pin = {0};
  if (schema) {
    if (seg_schema_parse_file(schema, &pin, err, sizeof err) != 0) {
      fprintf(stderr, "seg: %s\n", err);
      goto done;
    }
    more.schema = &pin;                   /* types pinned, .segcol types checked */
    more.schema_name = schema;
    more.lenient = lenient;
    more.allow_extra = allow_extra;
  }
  int lrc = seg_cli_load_table(pos[2], skip_bad, &more, &t);
  seg_schema_free(&pin);
  if (lrc != 0) goto done;
  names = calloc(t.ncols + 1, sizeof *names);
  types = calloc(t.ncols + 1, sizeof *types);
  if (!names || !types) { fprintf(stderr, "seg: out of memory\n"); goto done; }
  seg_schema_view sv = seg_cli_table_view(&t, names, types);
  if (!(empty = seg_cli_empty_marks(&t))) goto done;
  sv.may_be_missing = empty;          /* an empty column takes the type the rules need */
  int bad = 0;
  for (int k = 0; k < 2; k++) bad |= seg_cli_compile_rules(pos[k], &sv, today, &c[k]) != 0;   /* errors: exit 2 */
  if (bad) goto done;
  seg_vm_opts vo = {.want_members = 1, .threads = seg_cli_threads()};
  for (int k = 0; k < 2; k++)
    if (seg_cli_fit_empty(&t, &c[k].prog, pos[2]) != 0) goto done;
  for (int k = 0; k < 2; k++)
    if (seg_vm_run_opts(&c[k].prog, &t, &vo, &res[k], err, sizeof err) != 0) {
      fprintf(stderr, "seg: %s: %s\n", pos[2], err);     /* a damaged column of the data */
      goto done;
    }
  if (exclude) {                      /* suppressed customers leave both versions */
    if (seg_cli_exclude(exclude, &t, &ex) != 0) goto done;
    for (int k = 0; k < 2; k++) seg_cli_apply_exclude(&ex, &res[k]);
    seg_cli_exclude_report(&ex, exclude);
  }

  const seg_program *po = &c[0].prog, *pn = &c[1].prog;
  rows = calloc((size_t)po->nsegs + pn->nsegs + 1, sizeof *rows);
  if (!rows) { fprintf(stderr, "seg: out of memory\n"); goto done; }
  size_t nrows = 0, words = (t.nrows + 63) / 64;
  for (uint32_t s = 0; s < po->nsegs + pn->nsegs; s++) {
    int from_old = s < po->nsegs;
    const char *name = from_old ? po->segs[s].name : pn->segs[s - po->nsegs].name;
    int so = from_old ? (int)s : find_seg(po, name);
    int sn = from_old ? find_seg(pn, name) : (int)(s - po->nsegs);
    if (!from_old && so >= 0) continue;           /* listed with the old ones */
    row *r = &rows[nrows++];
    r->name = name;
    r->in_old = so >= 0;
    r->in_new = sn >= 0;
    const uint64_t *bo = so >= 0 ? res[0].members[so] : NULL, *bn = sn >= 0 ? res[1].members[sn] : NULL;
    for (size_t w = 0; w < words; w++) {
      uint64_t x = bo ? bo[w] : 0, y = bn ? bn[w] : 0;
      r->added += (uint64_t)__builtin_popcountll(y & ~x);
      r->removed += (uint64_t)__builtin_popcountll(x & ~y);
    }
    r->before = so >= 0 ? res[0].counts[so] : 0;
    r->after = sn >= 0 ? res[1].counts[sn] : 0;
    r->change = 100.0 * (double)(r->added + r->removed) / (double)(r->before ? r->before : 1);
  }

  int over = 0;
  for (size_t i = 0; i < nrows; i++)
    if (max_change >= 0 && rows[i].in_old && rows[i].change > max_change) over = 1;

  if (strcmp(format, "json") == 0) {     /* as `seg run --format json`: the date and the base first */
    char day[11];
    seg_date_format(today, day);
    printf("{\"today\": \"%s\", \"customers\": %zu, \"segments\": [", day, t.nrows);
    for (size_t i = 0; i < nrows; i++) {
      const row *r = &rows[i];
      printf("%s\n  {\"segment\": ", i ? "," : "");
      seg_cli_json_string(stdout, r->name);
      printf(", \"status\": \"%s\"", !r->in_old ? "added" : !r->in_new ? "removed"
                                     : r->added + r->removed ? "changed" : "unchanged");
      if (r->in_old) printf(", \"before\": %llu", (unsigned long long)r->before);
      else printf(", \"before\": null");
      if (r->in_new) printf(", \"after\": %llu", (unsigned long long)r->after);
      else printf(", \"after\": null");
      printf(", \"added\": %llu, \"removed\": %llu, \"change\": ", (unsigned long long)r->added,
             (unsigned long long)r->removed);
      if (from_zero(r)) printf("null}");          /* no percentage of nothing */
      else printf("%.2f}", r->change);
    }
    printf("%s]}\n", nrows ? "\n" : "");
  } else {
    int w = 7;
    for (size_t i = 0; i < nrows; i++) {
      int l = (int)strlen(rows[i].name);
      if (l > w) w = l;
    }
    printf("%-*s  %10s  %10s  %10s  %10s  %8s\n", w, "segment", "before", "after", "added", "removed", "change");
    for (size_t i = 0; i < nrows; i++) {
      const row *r = &rows[i];
      char b[32], a[32], ad[32], rm[32], ch[32];
      if (r->in_old) seg_cli_group_digits(r->before, b, sizeof b);
      else snprintf(b, sizeof b, "(new)");
      if (r->in_new) seg_cli_group_digits(r->after, a, sizeof a);
      else snprintf(a, sizeof a, "(removed)");
      ad[0] = '+';
      seg_cli_group_digits(r->added, ad + 1, sizeof ad - 1);
      rm[0] = '-';
      seg_cli_group_digits(r->removed, rm + 1, sizeof rm - 1);
      if (from_zero(r)) snprintf(ch, sizeof ch, "new");
      else snprintf(ch, sizeof ch, "%.1f%%", r->change);
      printf("%-*s  %10s  %10s  %10s  %10s  %8s\n", w, r->name, b, a, ad, rm, ch);
    }
    char total[40], day[11];
    seg_cli_group_digits(t.nrows, total, sizeof total);
    seg_date_format(today, day);
    printf("(%s customers, today %s)\n", total, day);
  }
  if (fflush(stdout) != 0) goto done;
  rc = over ? SEG_EXIT_FINDINGS : 0;
  if (over) {
    for (size_t i = 0; i < nrows; i++)
      if (rows[i].in_old && rows[i].change > max_change)
        fprintf(stderr, "seg: diff: segment '%s' changed by %.1f%%, more than --max-change %s\n",
                rows[i].name, rows[i].change, maxs);
  }
done:
  for (int k = 0; k < 2; k++) { seg_result_free(&res[k]); seg_compiled_free(&c[k]); }
  seg_table_free(&t);
  free(names);
  free(types);
  free(rows);
  free(empty);
  free(ex.bits);
  return rc;
}
