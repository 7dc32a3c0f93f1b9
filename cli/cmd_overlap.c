/*
** cmd_overlap.c -- `seg overlap RULES DATA [--today D] [--format
** table|csv|json] [--segment NAME]... [--exclude LIST.csv] [CSV options]`:
** how much the segments share. For each unordered pair (a, b) of the
** segments shown, a before b in file order: the customers in both, and
** that count as a share of the smaller segment (0 when the smaller one is
** empty: nothing of it is shared).
**
** The evaluation is seg run's (cli/evaluate.c): the same compiled program
** and the same VM run, with members; suppressed customers (--exclude)
** leave every segment before the pairs are counted.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "date.h"

/* Every pair of the segments shown, in file order, written as it is
** counted (thousands of segments make millions of pairs: none is kept). */
static void write_pairs(FILE *f, seg_cli_format fmt, const seg_cli_eval *e, const seg_cli_excluded *ex) {
  const seg_program *p = &e->c.prog;
  const seg_result *res = &e->res;
  char day[11];
  seg_date_format(p->today, day);
  int wa = 9, wb = 9;                         /* the table's name columns */
  for (uint32_t s = 0; s < p->nsegs; s++) {
    int l = e->shown[s] ? seg_cli_width(p->segs[s].name) : 0;
    if (l > wa) wa = l;
    if (l > wb) wb = l;
  }
  if (fmt == SEG_FORMAT_CSV) {
    fputs("segment_a,segment_b,both,share_of_smaller\n", f);
  } else if (fmt == SEG_FORMAT_JSON) {
    fprintf(f, "{\"today\": \"%s\", \"customers\": %zu, ", day, e->t.nrows);
    if (ex) fprintf(f, "\"suppressed\": %llu, ", (unsigned long long)ex->suppressed);
    fputs("\"pairs\": [", f);
  } else {
    fprintf(f, "%-*s  %-*s  %12s  %10s\n", wa, "segment a", wb, "segment b", "both", "of smaller");
  }
  size_t n = 0;
  for (uint32_t a = 0; a < p->nsegs; a++) {
    if (!e->shown[a]) continue;
    for (uint32_t b = a + 1; b < p->nsegs; b++) {
      if (!e->shown[b]) continue;
      const char *na = p->segs[a].name, *nb = p->segs[b].name;
      uint64_t small = res->counts[a] < res->counts[b] ? res->counts[a] : res->counts[b];
      uint64_t both = seg_cli_both(res, a, b);
      double share = small ? (double)both / (double)small : 0.0;     /* an empty segment shares nothing */
      if (fmt == SEG_FORMAT_CSV) {
        seg_cli_csv_field(f, na, strlen(na));
        fputc(',', f);
        seg_cli_csv_field(f, nb, strlen(nb));
        fprintf(f, ",%llu,%.6f\n", (unsigned long long)both, share);
      } else if (fmt == SEG_FORMAT_JSON) {
        fprintf(f, "%s\n  {\"a\": ", n ? "," : "");
        seg_cli_json_string(f, na);
        fputs(", \"b\": ", f);
        seg_cli_json_string(f, nb);
        fprintf(f, ", \"both\": %llu, \"share_of_smaller\": %.6f}", (unsigned long long)both, share);
      } else {
        char num[40];
        seg_cli_group_digits(both, num, sizeof num);
        fprintf(f, "%-*s  %-*s  %12s  %9.1f%%\n", seg_cli_pad(na, wa), na, seg_cli_pad(nb, wb), nb, num, 100.0 * share);
      }
      n++;
    }
  }
  if (fmt == SEG_FORMAT_JSON) fprintf(f, "%s]}\n", n ? "\n" : "");
  else if (fmt == SEG_FORMAT_TABLE) seg_cli_footer(f, e->t.nrows, NULL, ex, p->today);
}

int seg_cmd_overlap(int argc, char **argv) {
  seg_cli_eval_args a;
  if (seg_cli_eval_parse(argc, argv, "overlap", NULL, &a) != 0) return SEG_EXIT_USAGE;
  int32_t today = seg_cli_today(a.today_opt);
  seg_cli_eval e = {0};
  a.prune = 1;                                        /* as run: a CSV's unnamed columns stay unread */
  int rc = seg_cli_eval_compile(&e, &a, today, 0);    /* errors only, as diff */
  if (rc != 0) goto done;
  rc = SEG_EXIT_USAGE;
  if (seg_cli_eval_select(&e, &a) != 0) goto done;
  seg_vm_opts vo = {.want_members = 1, .threads = seg_cli_threads()};
  if (seg_cli_eval_run(&e, &a, &vo) != 0) goto done;
  write_pairs(stdout, a.fmt, &e, a.exclude ? &e.ex : NULL);
  rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 : SEG_EXIT_USAGE;
done:
  seg_cli_eval_free(&e);
  seg_cli_eval_args_free(&a);
  return rc;
}
