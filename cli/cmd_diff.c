/*
** cmd_diff.c -- `seg diff`: how each segment's membership changes, either
** between two versions of a rules file over one export, or between two
** exports under one rules file.
**
**   seg diff OLD.seg NEW.seg DATA [--today D] [--format table|json]
**            [--max-change P%] [--skip-bad-rows] [--max-bad-rows N|P%]
**            [--schema S [--lenient] [--allow-extra]] [--exclude LIST]
**            [--table NAME=FILE]...
**   seg diff RULES.seg --data OLD_DATA NEW_DATA [--key COL] [--members OUT]
**            [--today-old D] [--table-old NAME=FILE --table-new NAME=FILE]...
**            (and the options above)
**
** Two rules files: both are compiled against DATA's columns and run over
** the same rows with members recorded. Segments are matched by name; a
** segment in only one file is reported as added or removed. For each
** segment: before, after, +added (members only in NEW), -removed (members
** only in OLD).
**
** Two exports (--data): the rules are compiled against each export's
** columns and run over each; customers are matched by the text of the key
** column (the first column of OLD_DATA, or --key; cli/keys.c), whatever
** the row order. For each segment: before (members in OLD_DATA), after,
** +entered (members in NEW_DATA that were not members in OLD_DATA,
** including customers only in NEW_DATA) and -left (the other way,
** including customers only in OLD_DATA). --members OUT writes a
** `segment,change,KEY` row (change `entered` or `left`) per customer who
** moved. --exclude leaves the listed customers out of both exports.
** --today-old D is the day OLD_DATA was exported: the rules' relative
** dates (`within 30 days`) count from it on that side, from --today on
** the other (default: --today for both).
** Event tables: --table NAME=FILE gives both exports the same table (one
** log of every event), --table-old and --table-new each export its own
** (two monthly order files); a name given for one export only is a usage
** error, as is a name given both ways.
**
** Either way, change = (added + removed) / max(before, 1), in percent.
** A CSV's columns that neither rules file nor --key names stay unread, as
** in `seg run` (not with --exclude, which may match on any column).
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
#include <strings.h>

#include "cmds.h"
#include "date.h"
#include "vm.h"

static const char *const DIFF_USAGE =
  "usage: seg diff OLD.seg NEW.seg DATA [--today YYYY-MM-DD] [--format table|json] [--max-change P%]\n"
  "                [--skip-bad-rows] [--max-bad-rows N|P%] [--schema S [--lenient] [--allow-extra]]\n"
  "                [--exclude LIST.csv] [--table NAME=FILE]...\n"
  "       seg diff RULES.seg --data OLD_DATA NEW_DATA [--key COLUMN] [--members OUT.csv]\n"
  "                [--today-old YYYY-MM-DD] [--table-old NAME=FILE --table-new NAME=FILE]...\n"
  "                [the options above]\n";

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

/* The figures of every segment, and what they are of, as a table or JSON. */
typedef struct diff_out {
  const row *rows;
  size_t nrows;
  int32_t today, today_old;    /* today_old: the old export's (two exports) */
  int exports;                  /* two exports: entered/left, a count of customers for each */
  size_t customers[2];
  const char *data[2];
} diff_out;

static void print_json(FILE *f, const diff_out *d) {
  const char *add = d->exports ? "entered" : "added", *rem = d->exports ? "left" : "removed";
  char day[11];
  seg_date_format(d->today, day);
  fprintf(f, "{\"today\": \"%s\", ", day);    /* as `seg run --format json`: the date and the base first */
  if (d->exports) {
    seg_date_format(d->today_old, day);
    fprintf(f, "\"today_old\": \"%s\", \"customers_old\": %zu, \"customers_new\": %zu, ", day, d->customers[0],
            d->customers[1]);
  }
  else fprintf(f, "\"customers\": %zu, ", d->customers[0]);
  fprintf(f, "\"segments\": [");
  for (size_t i = 0; i < d->nrows; i++) {
    const row *r = &d->rows[i];
    fprintf(f, "%s\n  {\"segment\": ", i ? "," : "");
    seg_cli_json_string(f, r->name);
    fprintf(f, ", \"status\": \"%s\"", !r->in_old ? "added" : !r->in_new ? "removed"
                                   : r->added + r->removed ? "changed" : "unchanged");
    if (r->in_old) fprintf(f, ", \"before\": %llu", (unsigned long long)r->before);
    else fprintf(f, ", \"before\": null");
    if (r->in_new) fprintf(f, ", \"after\": %llu", (unsigned long long)r->after);
    else fprintf(f, ", \"after\": null");
    fprintf(f, ", \"%s\": %llu, \"%s\": %llu, \"change\": ", add, (unsigned long long)r->added, rem,
           (unsigned long long)r->removed);
    if (from_zero(r)) fprintf(f, "null}");          /* no percentage of nothing */
    else fprintf(f, "%.2f}", r->change);
  }
  fprintf(f, "%s]}\n", d->nrows ? "\n" : "");
}

static void print_table(FILE *f, const diff_out *d) {
  int w = 7;
  for (size_t i = 0; i < d->nrows; i++) {
    int l = seg_cli_width(d->rows[i].name);
    if (l > w) w = l;
  }
  fprintf(f, "%-*s  %10s  %10s  %10s  %10s  %8s\n", w, "segment", "before", "after", d->exports ? "entered" : "added",
         d->exports ? "left" : "removed", "change");
  for (size_t i = 0; i < d->nrows; i++) {
    const row *r = &d->rows[i];
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
    fprintf(f, "%-*s  %10s  %10s  %10s  %10s  %8s\n", seg_cli_pad(r->name, w), r->name, b, a, ad, rm, ch);
  }
  char total[40], total2[40], day[11];
  seg_cli_group_digits(d->customers[0], total, sizeof total);
  seg_date_format(d->today, day);
  if (d->exports && d->today_old != d->today) {
    char old[11];
    seg_cli_group_digits(d->customers[1], total2, sizeof total2);
    seg_date_format(d->today_old, old);
    fprintf(f, "(%s customers in %s, today %s; %s in %s, today %s)\n", total, d->data[0], old, total2, d->data[1],
            day);
  } else if (d->exports) {
    seg_cli_group_digits(d->customers[1], total2, sizeof total2);
    fprintf(f, "(%s customers in %s, %s in %s, today %s)\n", total, d->data[0], total2, d->data[1], day);
  } else {
    fprintf(f, "(%s customers, today %s)\n", total, day);
  }
}

static int bit(const uint64_t *b, size_t i) { return (int)((b[i / 64] >> (i % 64)) & 1u); }

/* Two exports: the customers who entered and left each segment (rows[s]
** for segment s of p[0]; the rules are the same, so p[1] has it too), and
** with out, the `segment,change,KEY` file. 0, or -1 said. */
static int diff_exports(const seg_program *const p[2], const seg_result res[2], const seg_table *const t[2],
                        const int key[2], const char *const path[2], const char *out, row *rows) {
  int64_t *map[2];
  if (seg_cli_match_keys(t, key, path, map) != 0) return -1;
  char *tmp = NULL;
  FILE *f = NULL;
  if (out) {
    if (!(f = seg_cli_atomic_open(out, &tmp))) { free(map[0]); free(map[1]); return -1; }
    const char *kn = t[0]->cols[key[0]].name;
    fputs("segment,change,", f);
    seg_cli_csv_field(f, kn, strlen(kn));
    fputc('\n', f);
  }
  for (uint32_t s = 0; s < p[0]->nsegs; s++) {
    int sn = find_seg(p[1], p[0]->segs[s].name);
    const uint64_t *m[2] = {res[0].members[s], sn >= 0 ? res[1].members[sn] : NULL};
    row *r = &rows[s];
    r->name = p[0]->segs[s].name;
    r->in_old = 1;
    r->in_new = sn >= 0;
    r->before = res[0].counts[s];
    r->after = sn >= 0 ? res[1].counts[sn] : 0;
    for (int k = 1; k >= 0; k--) {          /* entered: members of new not in old; left: the other way */
      for (size_t i = 0; m[k] && i < t[k]->nrows; i++) {
        int64_t j = map[k][i];
        if (!bit(m[k], i) || (j >= 0 && m[1 - k] && bit(m[1 - k], (size_t)j))) continue;
        if (k) r->added++;
        else r->removed++;
        if (!f) continue;
        char buf[48];
        const char *ks;
        size_t kl;
        seg_cli_cell_text(&t[k]->cols[key[k]], i, buf, &ks, &kl);
        seg_cli_csv_field(f, r->name, strlen(r->name));
        fputs(k ? ",entered," : ",left,", f);
        seg_cli_csv_field(f, ks, kl);
        fputc('\n', f);
      }
    }
    r->change = 100.0 * (double)(r->added + r->removed) / (double)(r->before ? r->before : 1);
  }
  free(map[0]);
  free(map[1]);
  return f ? seg_cli_atomic_commit(f, tmp, out) : 0;
}

/* Two rules files over one export: rows for the segments of both. */
static size_t diff_rules(const seg_program *po, const seg_program *pn, const seg_result res[2], size_t nrows,
                         row *rows) {
  size_t n = 0, words = (nrows + 63) / 64;
  for (uint32_t s = 0; s < po->nsegs + pn->nsegs; s++) {
    int from_old = s < po->nsegs;
    const char *name = from_old ? po->segs[s].name : pn->segs[s - po->nsegs].name;
    int so = from_old ? (int)s : find_seg(po, name);
    int sn = from_old ? find_seg(pn, name) : (int)(s - po->nsegs);
    if (!from_old && so >= 0) continue;           /* listed with the old ones */
    row *r = &rows[n++];
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
  return n;
}

static int ends_with(const char *s, const char *tail) {
  size_t a = strlen(s), b = strlen(tail);
  return a >= b && strcmp(s + a - b, tail) == 0;
}

/* The NAME of a --table NAME=FILE (its length in *n), or NULL after a usage
** message naming the option. */
static const char *spec_name(const char *opt, const char *spec, size_t *n) {
  const char *eq = strchr(spec, '=');
  if (!eq || eq == spec || !eq[1]) {
    fprintf(stderr, "seg: %s needs NAME=FILE (`%s orders=orders.csv`), found '%s'\n", opt, opt, spec);
    return NULL;
  }
  *n = (size_t)(eq - spec);
  return spec;
}

/* whether l[from..) has a spec named name (n bytes), as --table compares names */
static int spec_has(const seg_cli_list *l, int from, const char *name, size_t n) {
  for (int i = from; i < l->n; i++) {
    const char *eq = strchr(l->v[i], '=');
    if (eq && (size_t)(eq - l->v[i]) == n && strncasecmp(l->v[i], name, n) == 0) return 1;
  }
  return 0;
}

/* Two exports' event tables: side[k] gets --table's specs and those of
** --table-old (k 0) or --table-new (k 1). Each name of one side's own
** option must be in the other's, and not in --table. 0 or the exit code
** after a message. */
static int side_tables(seg_cli_list l[3], seg_cli_list side[2]) {
  static const char *const opt[3] = {"--table", "--table-old", "--table-new"};
  for (int o = 0; o < 3; o++)
    for (int i = 0; i < l[o].n; i++) {
      size_t n;
      const char *name = spec_name(opt[o], l[o].v[i], &n);
      if (!name) return SEG_EXIT_USAGE;
      if (spec_has(&l[o], i + 1, name, n)) {
        fprintf(stderr, "seg: %s %.*s is given twice\n", opt[o], (int)n, name);
        return SEG_EXIT_USAGE;
      }
      if (o && spec_has(&l[0], 0, name, n)) {
        fprintf(stderr, "seg: diff: table '%.*s' is given with --table (both exports) and with %s\n", (int)n, name,
                opt[o]);
        return SEG_EXIT_USAGE;
      }
      if (o && !spec_has(&l[3 - o], 0, name, n)) {
        fprintf(stderr, "seg: diff: %s %.*s=... has no %s %.*s=FILE: each export needs its own table "
                "(--table %.*s=FILE gives both the same)\n", opt[o], (int)n, name, opt[3 - o], (int)n, name,
                (int)n, name);
        return SEG_EXIT_USAGE;
      }
    }
  for (int k = 0; k < 2; k++) {
    for (int i = 0; i < l[0].n; i++) side[k].v[side[k].n++] = l[0].v[i];
    for (int i = 0; i < l[1 + k].n; i++) side[k].v[side[k].n++] = l[1 + k].v[i];
  }
  return 0;
}

static int diff_main(int argc, char **argv, seg_cli_list evl[3], seg_cli_list side[2]);

int seg_cmd_diff(int argc, char **argv) {
  /* --table, --table-old, --table-new; then each export's */
  seg_cli_list l[5];
  int ok = 1;
  for (int i = 0; i < 5; i++) ok &= (l[i] = (seg_cli_list){calloc((size_t)argc + 1, sizeof(const char *)), 0}).v != NULL;
  int rc = ok ? diff_main(argc, argv, l, l + 3) : (fprintf(stderr, "seg: out of memory\n"), SEG_EXIT_USAGE);
  for (int i = 0; i < 5; i++) free(l[i].v);
  return rc;
}

static int diff_main(int argc, char **argv, seg_cli_list evl[3], seg_cli_list side[2]) {
  const char *pos[3] = {0};
  int npos = 0, skip_bad = 0, lenient = 0, allow_extra = 0;
  const char *today_s = NULL, *format = "table", *maxs = NULL, *max_bad = NULL, *schema = NULL, *exclude = NULL;
  const char *old_data = NULL, *key_name = NULL, *members = NULL, *today_old_s = NULL;
  seg_cli_evtables ev[2] = {{0}, {0}};
  seg_cli_evtables *evk[2] = {&ev[0], &ev[0]};    /* each side's tables: one set unless --table-old/-new */
  const seg_cli_opt options[] = {
    {"--skip-bad-rows", NULL, SEG_OPT_FLAG, &skip_bad},
    {"--lenient", NULL, SEG_OPT_FLAG, &lenient},
    {"--allow-extra", NULL, SEG_OPT_FLAG, &allow_extra},
    {"--today", NULL, SEG_OPT_VALUE, &today_s},
    {"--today-old", NULL, SEG_OPT_VALUE, &today_old_s},
    {"--format", NULL, SEG_OPT_VALUE, &format},
    {"--max-change", NULL, SEG_OPT_VALUE, &maxs},
    {"--exclude", NULL, SEG_OPT_VALUE, &exclude},
    {"--max-bad-rows", NULL, SEG_OPT_VALUE, &max_bad},
    {"--schema", NULL, SEG_OPT_VALUE, &schema},
    {"--data", NULL, SEG_OPT_VALUE, &old_data},
    {"--key", NULL, SEG_OPT_VALUE, &key_name},
    {"--members", NULL, SEG_OPT_VALUE, &members},
    {"--table", NULL, SEG_OPT_LIST, &evl[0]},
    {"--table-old", NULL, SEG_OPT_LIST, &evl[1]},
    {"--table-new", NULL, SEG_OPT_LIST, &evl[2]},
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, 3, 0, "unknown option '%s'", diff_usage};
  int urc = seg_cli_parse(&spec, argc, argv, pos, &npos);
  if (urc == 0 && !old_data && (evl[1].n || evl[2].n))
    urc = diff_usage("%s: only with --data OLD_DATA NEW_DATA (two exports; --table gives the one export's tables)",
                     evl[1].n ? "--table-old" : "--table-new");
  if (urc != 0) return urc;
  if (side_tables(evl, side) != 0) return SEG_EXIT_USAGE;
  if (!old_data && npos != 3) return diff_usage("%s", "needs an old rules file, a new rules file and a data file");
  if (old_data && npos != 2)
    return diff_usage("%s", "with --data OLD_DATA: needs the rules file and the new data file");
  if (old_data && (ends_with(pos[1], ".seg") || ends_with(pos[1], ".segc")))
    return diff_usage("--data compares two exports under one rules file: seg diff RULES.seg --data OLD_DATA NEW_DATA "
                      "(%s looks like a rules file)", pos[1]);
  if (!old_data && (key_name || members || today_old_s))
    return diff_usage("%s: only with --data OLD_DATA (two exports)",
                      key_name ? "--key" : members ? "--members" : "--today-old");
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
  int32_t today_old = today;
  if (today_old_s && seg_cli_date_arg(today_old_s, &today_old) != 0)
    return diff_usage("--today-old: '%s' is not a date (YYYY-MM-DD)", today_old_s);
  /* the rules files and the data of each side: two rules over one export,
  ** or one rules file over two */
  const char *rules[2] = {pos[0], old_data ? pos[0] : pos[1]};
  const char *data[2] = {old_data ? old_data : pos[2], old_data ? pos[1] : pos[2]};
  int ntab = old_data ? 2 : 1;
  if (members) {                      /* no input, event tables included */
    const char *fixed[] = {pos[0], data[0], data[1], schema, exclude};
    int bad = 0;
    for (int k = 0; k < 2 && !bad; k++) {
      const char **inputs = seg_cli_inputs(fixed, 5, &side[k]);
      bad = !inputs || seg_cli_output_ok("--members", members, inputs) != 0;
      free(inputs);
    }
    if (bad) return SEG_EXIT_USAGE;
  }

  int rc = SEG_EXIT_USAGE;
  seg_table t[2];
  seg_compiled c[2];
  seg_result res[2];
  memset(t, 0, sizeof t);
  memset(c, 0, sizeof c);
  memset(res, 0, sizeof res);
  const char **names[2] = {NULL, NULL};
  seg_type *types[2] = {NULL, NULL};
  uint8_t *empty[2] = {NULL, NULL};
  seg_cli_excluded ex[2];
  memset(ex, 0, sizeof ex);
  row *rows = NULL;
  char err[1024];
  seg_schema pin = {0};
  seg_cli_want want = {0};
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
  /* as run: a CSV's columns (the exports', the event tables') that the
  ** rules and --key cannot name stay unread; the first is the default key */
  const char *kn[1] = {key_name};
  if (!exclude) seg_cli_want_init(&want, rules, 2, kn, 1, old_data && !key_name);
  seg_cli_want_use(&want, &more);
  seg_import_more evm;
  const seg_import_more *evmore = seg_cli_want_more(&want, &evm);
  if (seg_cli_evtables_load(&side[0], skip_bad, evmore, &ev[0]) != 0) goto done;
  if (evl[1].n) {                     /* two exports, each with its own tables */
    if (seg_cli_evtables_load(&side[1], skip_bad, evmore, &ev[1]) != 0) goto done;
    evk[1] = &ev[1];
  }
  for (int k = 0; k < ntab; k++) {
    if (k == 1 && old_data && !key_name && more.want_column) {
      /* the key is OLD_DATA's first column, found by name in NEW_DATA,
      ** where it need not come first: keep that name there (the event
      ** tables, which evmore asked, are loaded) */
      const char *k0[1] = {t[0].ncols ? t[0].cols[0].name : ""};
      seg_cli_want_free(&want);
      if (seg_cli_want_init(&want, rules, 2, k0, 1, 0) != 0) more.want_column = NULL;
    }
    if (seg_cli_load_table(data[k], skip_bad, &more, &t[k]) != 0) goto done;
    names[k] = calloc(t[k].ncols + 1, sizeof *names[k]);
    types[k] = calloc(t[k].ncols + 1, sizeof *types[k]);
    if (!names[k] || !types[k]) { fprintf(stderr, "seg: out of memory\n"); goto done; }
    if (!(empty[k] = seg_cli_empty_marks(&t[k]))) goto done;
  }
  int key[2] = {0, 0};                /* two exports: the key column of each, found before the run */
  const char *kname = key_name ? key_name : t[0].ncols ? t[0].cols[0].name : "";
  for (int k = 0; k < ntab && old_data; k++)
    if ((key[k] = seg_table_find(&t[k], kname)) < 0) {
      char hint[300];
      fprintf(stderr, "seg: diff: %s: no key column '%s'%s\n", data[k], kname,
              seg_cli_did_you_mean(&t[k], kname, hint, sizeof hint));
      goto done;
    }
  int bad = 0;
  for (int k = 0; k < 2 && !(bad && old_data); k++) {
    int tk = k < ntab ? k : 0;
    seg_schema_view sv = seg_cli_table_view(&t[tk], names[tk], types[tk]);
    sv.may_be_missing = empty[tk];      /* an empty column takes the type the rules need */
    seg_cli_evtables_bind(evk[k], &sv);
    int crc = seg_cli_compile_rules(rules[k], &sv, k ? today : today_old, &c[k]);   /* errors: exit 2 */
    if (crc != 0 && old_data && k == 1)
      fprintf(stderr, "seg: diff: %s compiles against the columns of %s but not against those of %s\n", rules[k],
              data[0], data[1]);
    bad |= crc != 0;
  }
  if (bad) goto done;
  seg_vm_opts vo = {.want_members = 1, .threads = seg_cli_threads()};
  for (int k = 0; k < 2; k++) {
    seg_table *tk = &t[k < ntab ? k : 0];
    if (seg_cli_fit_empty(tk, &c[k].prog, data[k]) != 0) goto done;
  }
  for (int k = 0; k < 2; k++) {
    /* each side's event aggregates in its own copy of the column list */
    const seg_table *base = &t[k < ntab ? k : 0];
    seg_table tv;
    int vrc = seg_cli_evtables_view(evk[k], &c[k].prog, base, &tv, data[k], vo.threads,
                                    old_data || k == 0 || !c[0].prog.nevcols);
    if (vrc == 0 && seg_vm_run_opts(&c[k].prog, &tv, &vo, &res[k], err, sizeof err) != 0) {
      fprintf(stderr, "seg: %s: %s\n", data[k], err);     /* a damaged column of the data */
      vrc = -1;
    }
    seg_cli_evtables_view_free(base, &tv);
    if (vrc != 0) goto done;
  }
  if (exclude) {                      /* suppressed customers leave both sides */
    for (int k = 0; k < ntab; k++) {
      if (seg_cli_exclude(exclude, &t[k], &ex[k]) != 0) goto done;
      ex[k].data = old_data ? data[k] : NULL;
    }
    for (int k = 0; k < 2; k++) seg_cli_apply_exclude(&ex[k < ntab ? k : 0], &res[k]);
    for (int k = 0; k < ntab; k++) seg_cli_exclude_report(&ex[k], exclude);
  }

  const seg_program *po = &c[0].prog, *pn = &c[1].prog;
  rows = calloc((size_t)po->nsegs + pn->nsegs + 1, sizeof *rows);
  if (!rows) { fprintf(stderr, "seg: out of memory\n"); goto done; }
  diff_out d = {rows, 0, today, today_old, old_data != NULL, {t[0].nrows, t[ntab - 1].nrows}, {data[0], data[1]}};
  if (old_data) {
    const seg_program *p2[2] = {po, pn};
    const seg_table *t2[2] = {&t[0], &t[1]};
    if (diff_exports(p2, res, t2, key, data, members, rows) != 0) goto done;
    d.nrows = po->nsegs;
  } else {
    d.nrows = diff_rules(po, pn, res, t[0].nrows, rows);
  }

  int over = 0;
  for (size_t i = 0; i < d.nrows; i++)
    if (max_change >= 0 && rows[i].in_old && rows[i].change > max_change) over = 1;
  FILE *rep = members && strcmp(members, "-") == 0 ? stderr : stdout;   /* one document per stream, as run */
  if (strcmp(format, "json") == 0) print_json(rep, &d);
  else print_table(rep, &d);
  if (fflush(rep) != 0 || ferror(rep)) goto done;
  rc = over ? SEG_EXIT_FINDINGS : 0;
  if (over) {
    for (size_t i = 0; i < d.nrows; i++)
      if (rows[i].in_old && rows[i].change > max_change)
        fprintf(stderr, "seg: diff: segment '%s' changed by %.1f%%, more than --max-change %s\n",
                rows[i].name, rows[i].change, maxs);
  }
done:
  for (int k = 0; k < 2; k++) {
    seg_result_free(&res[k]);
    seg_compiled_free(&c[k]);
    seg_table_free(&t[k]);
    free(names[k]);
    free(types[k]);
    free(empty[k]);
    free(ex[k].bits);
  }
  seg_schema_free(&pin);
  seg_cli_want_free(&want);
  seg_cli_evtables_free(&ev[0]);
  seg_cli_evtables_free(&ev[1]);
  free(rows);
  return rc;
}
