/*
** evaluate.c -- one evaluation of a rules file over DATA, as `seg run`
** does it and `seg overlap` repeats it: DATA loaded (a .segcol, or a CSV
** imported in memory with the CSV options), RULES compiled against its
** columns (a .seg, or a .segc bound to them), the segments of --segment
** chosen, the suppression list of --exclude read, the VM run, suppressed
** customers removed. Then what run and overlap read off the members:
** the customers two segments share, and run's size warnings (W0211,
** W0212).
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "colfile.h"
#include "date.h"
#include "expr.h"
#include "lint.h"

/* ---- the columns a run can read (seg_cli_eval_args.prune) -------------- */

/* seg_import_more.want_column by name alone, and with the first column */
static int want_named(void *ctx, size_t j, const char *name) {
  const seg_cli_want *w = ctx;
  (void)j;
  if (strchr(name, '`') != NULL) return 1;
  size_t n;
  char *f = seg_casefold(name, strlen(name), &n);
  if (f == NULL) return 1;
  int found = n == 0 || memmem(w->text, w->n, f, n) != NULL;
  free(f);
  return found;
}

static int want_column(void *ctx, size_t j, const char *name) {
  const seg_cli_want *w = ctx;
  return (j == 0 && w->first) || want_named(ctx, j, name);
}

int seg_cli_want_init(seg_cli_want *w, const char *const *files, int nfiles, const char *const *names, int nnames,
                      int first) {
  memset(w, 0, sizeof *w);
  const char *all = getenv("SEG_READ_ALL_COLUMNS");
  if (all && strcmp(all, "1") == 0) return -1;
  for (int k = 0; k < nfiles; k++) {
    struct stat st;               /* a rules file that cannot be read: the compile says so, once */
    if (strcmp(files[k], "-") == 0 || seg_cli_is_segc_file(files[k]) || stat(files[k], &st) != 0 ||
        S_ISDIR(st.st_mode) || access(files[k], R_OK) != 0)
      return -1;
  }
  size_t n = 0;
  char *all_text = NULL;
  FILE *m = open_memstream(&all_text, &n);
  int ok = m != NULL;
  for (int k = 0; ok && k < nfiles; k++) {      /* the files and the names, a line apart */
    size_t len;
    char *src = seg_cli_read_file(files[k], &len);
    ok = src != NULL;
    if (ok) fwrite(src, 1, len, m), fputc('\n', m);
    free(src);
  }
  for (int k = 0; ok && k < nnames; k++) fprintf(m, "%s\n", names[k] ? names[k] : "");
  if (m == NULL || fclose(m) != 0 || !ok) {
    free(all_text);
    return -1;
  }
  w->first = first;
  w->text = seg_casefold(all_text, n, &w->n);
  free(all_text);
  return w->text ? 0 : -1;
}

void seg_cli_want_use(seg_cli_want *w, seg_import_more *m) {
  if (w->text == NULL) return;
  m->want_column = want_column;
  m->want_ctx = w;
}

const seg_import_more *seg_cli_want_more(seg_cli_want *w, seg_import_more *m) {
  memset(m, 0, sizeof *m);
  if (w->text == NULL) return NULL;
  m->want_column = want_named;
  m->want_ctx = w;
  return m;
}

void seg_cli_want_free(seg_cli_want *w) {
  free(w->text);
  memset(w, 0, sizeof *w);
}

/* The folded text of a's rules, extra and keep names into w: 0, or -1 (then
** every column is read: a .segc, rules on stdin, --exclude, no memory). */
static int want_init(const seg_cli_eval_args *a, seg_cli_want *w) {
  memset(w, 0, sizeof *w);
  if (!a->prune || a->exclude) return -1;
  const char **names = calloc((size_t)a->keep.n + 2, sizeof *names);
  if (names == NULL) return -1;
  int nn = 0;
  names[nn++] = a->extra;
  for (int k = 0; k < a->keep.n; k++) names[nn++] = a->keep.v[k];
  names[nn++] = a->keep_key;
  int rc = seg_cli_want_init(w, &a->rules, 1, names, nn, a->keep_first);
  free(names);
  return rc;
}

int seg_cli_eval_parse(int argc, char **argv, const char *cmd, const seg_cli_opt *extra, seg_cli_eval_args *a) {
  memset(a, 0, sizeof *a);
  const seg_cli_opt common[] = {
    {"--today", NULL, SEG_OPT_VALUE, &a->today_opt},
    {"--format", NULL, SEG_OPT_VALUE, &a->format},
    {"--segment", NULL, SEG_OPT_LIST, &a->segments},
    {"--table", NULL, SEG_OPT_LIST, &a->tables},
    {"--exclude", NULL, SEG_OPT_VALUE, &a->exclude},
    {"--quiet", "-q", SEG_OPT_FLAG, &a->quiet},
    SEG_CLI_CSV_READ_OPTS(a->csv),
    SEG_CLI_CSV_SCHEMA_OPTS(a->csv)};
  enum { NCOMMON = sizeof common / sizeof *common, NEXTRA = 16 };
  seg_cli_opt options[NCOMMON + NEXTRA + 1];
  size_t n = 0;
  for (; n < NCOMMON; n++) options[n] = common[n];
  for (size_t k = 0; extra && extra[k].name; k++) {
    assert(k < NEXTRA);
    options[n++] = extra[k];
  }
  options[n] = (seg_cli_opt){NULL, NULL, 0, NULL};
  const seg_cli_spec spec = {options, 2, 0, "unknown option '%s' for this command", seg_cli_usage};
  const char *pos[2];
  int npos;
  a->segments.v = calloc((size_t)argc + 1, sizeof *a->segments.v);
  a->tables.v = calloc((size_t)argc + 1, sizeof *a->tables.v);
  if (!a->segments.v || !a->tables.v) {
    fprintf(stderr, "seg: out of memory\n");
    seg_cli_eval_args_free(a);
    return SEG_EXIT_USAGE;
  }
  seg_cli_parse(&spec, argc, argv, pos, &npos);
  if (npos != 2) {
    char what[64];
    snprintf(what, sizeof what, "%s needs a rules file and a data file", cmd);
    seg_cli_usage("%s", what);
  }
  a->rules = pos[0];
  a->data = pos[1];
  a->fmt = seg_cli_report_format(a->format);
  seg_cli_progress_quiet(a->quiet);
  return 0;
}

int seg_cli_measure_statements(const seg_cli_list *adhoc, char **out) {
  *out = NULL;
  if (!adhoc->n) return 0;
  size_t xcap = 1;
  for (int k = 0; k < adhoc->n; k++) xcap += 3 * strlen(adhoc->v[k]) + 32;
  char *x = malloc(xcap);
  if (!x) { fprintf(stderr, "seg: out of memory\n"); return -1; }
  size_t xn = 0;
  for (int k = 0; k < adhoc->n; k++) {
    xn += (size_t)snprintf(x + xn, xcap - xn, "measure `");
    for (const char *q = adhoc->v[k]; *q; q++) {
      if (*q == '\n' || *q == '\r') continue;       /* one line: the name is the text */
      if (*q == '`') x[xn++] = '`';
      x[xn++] = *q;
    }
    xn += (size_t)snprintf(x + xn, xcap - xn, "` = %s\n", adhoc->v[k]);
  }
  *out = x;
  return 0;
}

void seg_cli_eval_args_free(seg_cli_eval_args *a) {
  free(a->segments.v);
  free(a->tables.v);
  a->segments.v = NULL;
  a->tables.v = NULL;
}

void seg_cli_eval_free(seg_cli_eval *e) {
  for (int k = 0; k < 64; k++) free(e->pair_part[k]);
  free(e->both);
  free(e->ex.bits);
  seg_result_free(&e->res);
  seg_compiled_free(&e->c);
  seg_table_free(&e->t);
  seg_cli_evtables_free(&e->ev);
  seg_schema_free(&e->pinned);
  free(e->shown);
  seg_cli_data_view_free(&e->dv);
  memset(e, 0, sizeof *e);
}

int seg_cli_eval_compile(seg_cli_eval *e, const seg_cli_eval_args *a, int32_t today, int lint) {
  const char *rules = a->rules, *data = a->data;
  seg_import_more m = seg_cli_csv_more(&a->csv, &e->pinned);
  m.progress = seg_cli_progress_bytes;          /* a bar while a large CSV is read (on a terminal) */
  seg_cli_want want;
  want_init(a, &want);                         /* (when it fails, every column is read) */
  seg_cli_want_use(&want, &m);
  seg_cli_progress_begin("reading", data, 1, 0);
  int rc = seg_cli_load_table(data, a->csv.skip_bad || a->csv.max_bad, &m, &e->t) != 0 ? SEG_EXIT_USAGE : 0;
  seg_cli_progress_end();
  /* an event table's CSV (the default options) keeps only the columns the
  ** rules can name, as the customers' does (not its first column) */
  seg_import_more evm;
  if (rc == 0)
    rc = seg_cli_evtables_load(&a->tables, a->csv.skip_bad || a->csv.max_bad, seg_cli_want_more(&want, &evm), &e->ev);
  seg_cli_want_free(&want);
  if (rc) return rc;
  /* the columns, and which have missing values, so run's lint warnings
  ** speak only of missing values that exist (as check --data does) */
  if (seg_cli_data_view(&e->t, &e->dv) != 0) return SEG_EXIT_USAGE;
  seg_schema_view sv = e->dv.sv;
  seg_cli_evtables_bind(&e->ev, &sv);
  if (seg_cli_is_segc_file(rules)) {
    if (a->extra) {
      fprintf(stderr, "seg: --measure needs a .seg rules file: a .segc carries the measures it was compiled with\n");
      return SEG_EXIT_USAGE;
    }
    return seg_cli_segc_for_run(rules, &sv, data, a->today_opt, &e->c);
  }
  return lint ? seg_cli_compile_lint(rules, &sv, today, &e->c, a->extra)
              : seg_cli_compile_rules(rules, &sv, today, &e->c);
}

int seg_cli_eval_select(seg_cli_eval *e, const seg_cli_eval_args *a) {
  return (e->shown = seg_cli_pick_segments(&e->c.prog, &a->segments, a->rules)) ? 0 : SEG_EXIT_USAGE;
}

int seg_cli_eval_run(seg_cli_eval *e, const seg_cli_eval_args *a, const seg_vm_opts *vo) {
  const char *data = a->data, *exclude = a->exclude;
  char err[512];
  if (exclude && seg_cli_exclude(exclude, &e->t, &e->ex) != 0) return SEG_EXIT_USAGE;
  if (seg_cli_fit_empty(&e->t, &e->c.prog, data) != 0) return SEG_EXIT_USAGE;
  int rc = seg_cli_evtables_fill(&e->ev, &e->c.prog, &e->t, data, vo->threads, 1);
  if (rc) return rc;
  seg_vm_opts o = *vo;
  o.progress = seg_cli_progress_rows;                 /* a bar over many rows (on a terminal) */
  seg_cli_progress_begin("evaluating", a->rules, 0, e->t.nrows);
  rc = seg_vm_run_opts(&e->c.prog, &e->t, &o, &e->res, err, sizeof err);
  seg_cli_progress_end();
  if (rc != 0) {
    fprintf(stderr, "seg: %s: %s\n", data, err);       /* a damaged column of the data */
    return SEG_EXIT_USAGE;
  }
  if (exclude) {
    seg_cli_apply_exclude(&e->ex, &e->res);
    seg_cli_exclude_report(&e->ex, exclude);
  }
  if (vo->on_batch) {                 /* the threads' pair counts, summed */
    size_t n = e->c.prog.nsegs;
    int oom = 0;
    for (int k = 0; k < 64; k++) oom |= e->pair_oom[k];
    if (!oom && !(e->both = calloc(n * n + 1, sizeof *e->both))) oom = 1;
    for (int k = 0; !oom && k < 64; k++)
      for (size_t i = 0; e->pair_part[k] && i < n * n; i++) e->both[i] += e->pair_part[k][i];
    if (oom) {
      fprintf(stderr, "seg: out of memory\n");
      return SEG_EXIT_USAGE;
    }
  }
  return 0;
}

/* Bits set in w, inline: the baseline x86-64 target has no POPCNT, and
** __builtin_popcountll is a libgcc call per word (runtime/kernels.h does
** the same for the VM). */
static inline uint64_t ones(uint64_t w) {
  w -= (w >> 1) & 0x5555555555555555ULL;
  w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
  w = (w + (w >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return (w * 0x0101010101010101ULL) >> 56;
}

/* Adds the shared members of every pair shown, words [0, words) of bits,
** to m (m[a * n + b], a < b); POP counts the bits of a word. A word of a
** with no member is skipped for every b. */
#define ADD_PAIRS(POP)                                                  \
  for (size_t a = 0; a < n; a++) {                                      \
    if (!shown[a]) continue;                                            \
    for (size_t w = 0; w < words; w++) {                                \
      uint64_t x = bits[a][w];                                          \
      if (!x) continue;                                                 \
      for (size_t b = a + 1; b < n; b++)                                \
        if (shown[b]) m[a * n + b] += (uint64_t)POP(x & bits[b][w]);    \
    }                                                                   \
  }

static void add_pairs(uint64_t *m, const uint8_t *shown, size_t n, const uint64_t *const *bits, size_t words) {
  ADD_PAIRS(ones)
}
#if defined(__x86_64__) && defined(__GNUC__)
/* the same with the POPCNT instruction, on the CPUs that have it (all
** x86-64 made since 2008; seg_cli_eval_pairs asks): a third of the work */
__attribute__((target("popcnt"))) static void add_pairs_popcnt(uint64_t *m, const uint8_t *shown, size_t n,
                                                              const uint64_t *const *bits, size_t words) {
  ADD_PAIRS(__builtin_popcountll)
}
#endif
#undef ADD_PAIRS

/* seg_vm_batch_fn: adds a batch's shared members of each pair shown to
** its thread's counts */
static void pairs_of_batch(void *ctx, unsigned part, size_t first_row, uint32_t rows, const uint64_t *const *bits) {
  seg_cli_eval *e = ctx;
  size_t n = e->c.prog.nsegs;
  (void)first_row;
  if (part >= 64 || e->pair_oom[part]) return;
  uint64_t *m = e->pair_part[part];
  if (!m && !(m = e->pair_part[part] = calloc(n * n + 1, sizeof *m))) { e->pair_oom[part] = 1; return; }
#if defined(__x86_64__) && defined(__GNUC__)
  if (e->popcnt) { add_pairs_popcnt(m, e->shown, n, bits, (rows + 63) / 64); return; }
#endif
  add_pairs(m, e->shown, n, bits, (rows + 63) / 64);
}

void seg_cli_eval_pairs(seg_cli_eval *e, seg_vm_opts *vo) {
  uint32_t nshown = 0;
  for (uint32_t s = 0; s < e->c.prog.nsegs; s++) nshown += e->shown[s];
  if (nshown < 2 || vo->want_members) return;
  if (e->c.prog.naggs) { vo->want_members = 1; return; }   /* measures need the members anyway */
  if (e->c.prog.nsegs <= 64) {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    e->popcnt = __builtin_cpu_supports("popcnt");
#endif
    vo->on_batch = pairs_of_batch;
    vo->ctx = e;
  } else {
    vo->want_members = 1;
  }
}

uint64_t seg_cli_eval_both(const seg_cli_eval *e, uint32_t a, uint32_t b) {
  return e->both ? e->both[(size_t)a * e->c.prog.nsegs + b] : seg_cli_both(&e->res, a, b);
}

uint64_t seg_cli_both(const seg_result *res, uint32_t a, uint32_t b) {
  const uint64_t *x = res->members[a], *y = res->members[b];
  uint64_t n = 0;
  for (size_t w = 0; w < (res->nrows + 63) / 64; w++) n += ones(x[w] & y[w]);
  return n;
}

void seg_cli_footer(FILE *f, size_t nrows, const uint64_t *guard_left, const seg_cli_excluded *ex, int32_t today) {
  char day[11], total[40], extra[120] = "";
  seg_date_format(today, day);
  seg_cli_group_digits(nrows, total, sizeof total);
  if (guard_left) {
    char g[40];
    seg_cli_group_digits(*guard_left, g, sizeof g);
    snprintf(extra, sizeof extra, ", %s left out by require", g);
  }
  if (ex) {
    char sup[40];
    seg_cli_group_digits(ex->suppressed, sup, sizeof sup);
    size_t l = strlen(extra);
    snprintf(extra + l, sizeof extra - l, ", %s suppressed", sup);
  }
  fprintf(f, "(%s customers%s, today %s)\n", total, extra, day);
}

/* ---- run's size warnings ------------------------------------------------ */

/* At most this many words ANDed for W0212 (pairs x words): about a tenth of
** a second. Past it (thousands of segments, or hundreds over tens of
** millions of customers) the check is left out, with a note. */
#define OVERLAP_BUDGET ((uint64_t)1 << 28)
/* W0212 for at most this many pairs; the rest are counted in a note. */
#define OVERLAP_MAX_WARNINGS 50

/* p% rounded down to a tenth, so that 99.96% is never shown as 100.0% */
static double tenths_down(uint64_t part, uint64_t whole) {
  return (double)(part * 1000 / whole) / 10.0;
}

/* An arm of a split and the segment it divides: inside it by design. */
static int split_related(const seg_program *p, uint32_t a, uint32_t b) {
  for (uint32_t k = 0; k < p->nsplits; k++) {
    const seg_split *sp = &p->splits[k];
    int ia = a >= sp->first && a < sp->first + sp->narms, ib = b >= sp->first && b < sp->first + sp->narms;
    if ((ia && (int32_t)b == sp->base) || (ib && (int32_t)a == sp->base)) return 1;
  }
  return 0;
}

void seg_cli_size_warnings(const seg_cli_eval *e, const char *rules, uint64_t min_size) {
  const seg_program *p = &e->c.prog;
  const seg_result *res = &e->res;
  seg_diags d = {0};
  uint64_t least = min_size ? min_size : 1;   /* pairs with a smaller segment than this are not compared */
  /* W0211: a segment cannot be bigger than the data; on fewer customers
  ** than --min-size every segment would be named, so none is */
  if (min_size && e->t.nrows >= min_size)
    for (uint32_t s = 0; s < p->nsegs; s++)
      if (e->shown[s] && res->counts[s] < min_size)
        seg_diag_add(&d, SEG_SEV_WARNING, "W0211", p->segs[s].loc,
                     "segment '%s' has %llu member%s, fewer than --min-size %llu [W0211]", p->segs[s].name,
                     (unsigned long long)res->counts[s], res->counts[s] == 1 ? "" : "s",
                     (unsigned long long)min_size);
  uint64_t big = 0, shown = 0, more = 0;
  for (uint32_t s = 0; s < p->nsegs; s++) big += e->shown[s] && res->counts[s] >= least;
  uint64_t words = (res->nrows + 63) / 64;
  int counted = e->both || res->members;
  int too_many = big >= 2 && !e->both && res->members && big * (big - 1) / 2 > OVERLAP_BUDGET / (words ? words : 1);
  if (big >= 2 && counted && !too_many) {
    for (uint32_t b = 0; b < p->nsegs; b++) {
      if (!e->shown[b] || res->counts[b] < least) continue;
      for (uint32_t a = 0; a < b; a++) {
        if (!e->shown[a] || res->counts[a] < least) continue;
        if (split_related(p, a, b)) continue;
        uint64_t small = res->counts[a] < res->counts[b] ? res->counts[a] : res->counts[b];
        uint64_t both = seg_cli_eval_both(e, a, b);
        if (both * 10 < small * 9) continue;
        if (shown >= OVERLAP_MAX_WARNINGS) { more++; continue; }
        shown++;
        uint32_t sm = res->counts[a] <= res->counts[b] ? a : b;
        /* told at the later segment: usually the copy */
        seg_diag_add(&d, SEG_SEV_WARNING, "W0212", p->segs[b].loc,
                     "segments '%s' and '%s' overlap almost entirely: %.1f%% of '%s' (%llu members) are in both "
                     "[W0212]",
                     p->segs[a].name, p->segs[b].name, tenths_down(both, small), p->segs[sm].name,
                     (unsigned long long)small);
      }
    }
  }
  if (d.n) {
    size_t len = 0;
    char *src = seg_cli_is_segc_file(rules) ? NULL : seg_cli_read_file(rules, &len);
    if (src) seg_lint_filter(src, len, &d);              /* # seg: ignore W0211 on the segment's line */
    seg_diags_sort(&d);
    seg_diag_render_text(stderr, &d, strcmp(rules, "-") == 0 ? "<stdin>" : rules, src, len, seg_cli_color());
    free(src);
  }
  if (too_many)
    fprintf(stderr, "seg: note: %llu segments over %zu customers are too many to compare pairwise for W0212 "
                    "(segments that overlap almost entirely); `seg overlap` compares every pair\n",
            (unsigned long long)big, res->nrows);
  if (more)
    fprintf(stderr, "seg: note: %llu more pairs of segments overlap almost entirely (W0212); `seg overlap` "
                    "lists every pair\n", (unsigned long long)more);
  if (d.oom) fprintf(stderr, "seg: out of memory: some size warnings are left out\n");
  seg_diags_free(&d);
}
