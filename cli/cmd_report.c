/*
** cmd_report.c -- `seg report RULES DATA -o REPORT.html [--title TEXT]
** [--measure EXPR]... [--force] [run's options]`: one run of the rules,
** seen instead of read. A single self-contained HTML page (inline CSS and
** SVG, no script, nothing fetched): the segments' sizes as bars with their
** counts and shares, the customers each two segments share as a heat map
** (share of the smaller one), the missing values of every column of DATA,
** and the measures, priorities' tiers and split arms when the rules have
** them. Every figure is also in a table (text alternatives; the figures a
** screen reader or a test reads), every user string HTML-escaped.
**
** The evaluation is seg run's (cli/evaluate.c: the same options, compile,
** VM run, --exclude), with the pairs counted batch by batch as run counts
** them for W0212 (or ANDed from the members when --exclude, measures or
** tiers keep them): a report costs about one run. The page is written to a temporary
** file and renamed over OUT when complete (seg_cli_atomic_open): a failed
** run leaves no file; OUT may not be an input, and an existing OUT that is
** not an HTML page is replaced only with --force.
**
** Colours: the Okabe-Ito palette for bars, viridis for the heat map (both
** readable with the common colour-vision deficiencies); every colour is
** backed by a number in the text.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "date.h"
#include "measure.h"
#include "split.h"
#include "tiers.h"

/* Segments shown at most in the heat map (its n x n cells); past it the
** page says so and points at `seg overlap`. */
#define HEATMAP_MAX 40

/* What the page is made of. */
typedef struct page {
  FILE *f;
  const seg_cli_eval *e;
  const seg_cli_eval_args *a;
  const char *title;
  size_t ndata;                 /* DATA's own columns (before the event aggregates) */
  const seg_measures *ms;
  const seg_tiers *tiers;
  uint64_t guard_left;
} page;

/* ---- text ----------------------------------------------------------------- */

/* s as HTML text or attribute value: & < > " ' escaped. */
static void esc(FILE *f, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default: fputc(*s, f);
    }
  }
}

static const char *digits(uint64_t v, char *buf, size_t n) {
  seg_cli_group_digits(v, buf, n);
  return buf;
}

/* part of whole as a percentage with one decimal (0 of nothing: 0) */
static double pct(uint64_t part, uint64_t whole) {
  return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* A bar: an inline SVG as wide as its table cell, filled to frac (0..1),
** labelled "NAME: COUNT UNIT, SHARE%" (its title and aria-label). */
static void bar(FILE *f, double frac, const char *cls, const char *name, uint64_t count, const char *unit,
                double share) {
  char num[40];
  if (frac < 0) frac = 0;
  if (frac > 1) frac = 1;
  fputs("<svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"", f);
  esc(f, name);
  fprintf(f, ": %s %s, %.1f%%\"><title>", digits(count, num, sizeof num), unit, share);
  esc(f, name);
  fprintf(f, ": %s %s, %.1f%%</title><rect class=\"track\" width=\"100\" height=\"10\"/>"
             "<rect class=\"%s\" width=\"%.3f\" height=\"10\"/></svg>", num, unit, share, cls, 100.0 * frac);
}

/* ---- the parts of the page -------------------------------------------------- */

static const char CSS[] =
  ":root{--fg:#1b1b1b;--muted:#5a5a5a;--bg:#fff;--line:#d8d8d8;--track:#eee;--seg:#0072B2;--miss:#E69F00;"
  "--tier:#009E73;--arm:#CC79A7;--warn:#D55E00}\n"
  "@media (prefers-color-scheme:dark){:root{--fg:#eee;--muted:#aaa;--bg:#161616;--line:#444;--track:#2a2a2a;"
  "--seg:#56B4E9}}\n"
  "*{box-sizing:border-box}\n"
  "body{margin:0 auto;max-width:64rem;padding:1rem;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
  "sans-serif;color:var(--fg);background:var(--bg)}\n"
  "h1{font-size:1.5rem;margin:.2rem 0;overflow-wrap:anywhere}h2{font-size:1.2rem;margin:2rem 0 .5rem;"
  "border-bottom:1px solid var(--line)}h3{font-size:1rem;margin:1.2rem 0 .3rem;overflow-wrap:anywhere}\n"
  ".meta,.note{color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}\n"
  ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\n"
  "table{border-collapse:collapse;width:100%;font-size:.95rem}\n"
  "th,td{padding:.25rem .4rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}\n"
  "thead th{font-weight:600;color:var(--muted);font-size:.85rem}\n"
  "tbody th{font-weight:500;overflow-wrap:break-word}\n"
  ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
  ".barcell{width:40%;min-width:5rem}\n"
  "svg.bar{display:block;width:100%;height:.9rem}\n"
  ".track{fill:var(--track)}.seg{fill:var(--seg)}.miss{fill:var(--miss)}.tier{fill:var(--tier)}"
  ".arm{fill:var(--arm)}\n"
  ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\n"
  ".desc{display:block;font-weight:400;color:var(--muted);font-size:.85rem}\n"
  ".badge{display:inline-block;padding:0 .4rem;border-radius:.3rem;background:var(--warn);color:#fff;"
  "font-weight:600}\n"
  ".heat text{font-size:12px;font-family:inherit}.heat .lbl{fill:var(--fg)}\n"
  "details{margin:.6rem 0}summary{cursor:pointer;color:var(--muted)}\n"
  "footer{margin-top:2.5rem;color:var(--muted);font-size:.8rem}\n"
  "@media (max-width:40rem){body{padding:.6rem;font-size:15px}table{font-size:.875rem}.barcell{width:22%;min-width:3rem}"
  "th,td{padding:.2rem .2rem}.split .barcell{display:none}}\n"
  "@media print{.scroll{overflow:visible}details{display:block}}\n";

static void head(const page *pg) {
  FILE *f = pg->f;
  const seg_cli_eval *e = pg->e;
  char day[11], num[40];
  seg_date_format(e->c.prog.today, day);
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        /* nothing may be fetched or run, even if some text got through unescaped */
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        "<meta name=\"generator\" content=\"seg " SEG_VERSION "\">\n<title>", f);
  esc(f, pg->title);
  fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", CSS);
  esc(f, pg->title);
  fputs("</h1>\n<p class=\"meta\"><span>rules ", f);
  esc(f, strcmp(pg->a->rules, "-") == 0 ? "<stdin>" : pg->a->rules);
  fputs("</span> · <span>data ", f);
  esc(f, pg->a->data);
  fprintf(f, "</span> · <span id=\"customers\" data-count=\"%zu\">%s customers</span> · <span>today %s</span>",
          e->t.nrows, digits(e->t.nrows, num, sizeof num), day);
  if (pg->a->exclude)
    fprintf(f, " · <span id=\"suppressed\" data-count=\"%llu\">%s suppressed</span>",
            (unsigned long long)e->ex.suppressed, digits(e->ex.suppressed, num, sizeof num));
  if (e->c.prog.guard)
    fprintf(f, " · <span id=\"left-out\" data-count=\"%llu\">%s left out by require</span>",
            (unsigned long long)pg->guard_left, digits(pg->guard_left, num, sizeof num));
  fputs("</p>\n</header>\n<main>\n", f);
}

/* Segment sizes: a row a segment shown, the bar scaled to the largest. */
static void sizes(const page *pg) {
  FILE *f = pg->f;
  const seg_program *p = &pg->e->c.prog;
  const seg_result *res = &pg->e->res;
  uint64_t top = 0;
  for (uint32_t s = 0; s < p->nsegs; s++)
    if (pg->e->shown[s] && res->counts[s] > top) top = res->counts[s];
  fputs("<section id=\"sizes\" aria-labelledby=\"h-sizes\">\n<h2 id=\"h-sizes\">Segment sizes</h2>\n"
        "<p class=\"note\">Members of each segment and their share of all customers; the bars are scaled to the "
        "largest segment.</p>\n<div class=\"scroll\"><table id=\"segments\">\n"
        "<thead><tr><th scope=\"col\">Segment</th><th scope=\"col\" class=\"barcell\"><span class=\"sr\">Size"
        "</span></th><th scope=\"col\" class=\"num\">Customers</th><th scope=\"col\" class=\"num\">Share</th>"
        "</tr></thead>\n<tbody>\n", f);
  for (uint32_t s = 0; s < p->nsegs; s++) {
    if (!pg->e->shown[s]) continue;
    const seg_seginfo *g = &p->segs[s];
    char num[40];
    double share = pct(res->counts[s], pg->e->t.nrows);
    fputs("<tr data-segment=\"", f);
    esc(f, g->name);
    fprintf(f, "\" data-count=\"%llu\"><th scope=\"row\">", (unsigned long long)res->counts[s]);
    esc(f, g->name);
    if (g->desc) {
      fputs("<span class=\"desc\">", f);
      esc(f, g->desc);
      fputs("</span>", f);
    }
    fputs("</th><td class=\"barcell\">", f);
    bar(f, top ? (double)res->counts[s] / (double)top : 0, "seg", g->name, res->counts[s], "customers", share);
    fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%.1f%%</td></tr>\n",
            digits(res->counts[s], num, sizeof num), share);
  }
  fputs("</tbody>\n</table></div>\n</section>\n", f);
}

/* viridis at t (0..1), from nine of its stops */
static void viridis(double t, char out[8]) {
  static const unsigned char stops[9][3] = {{68, 1, 84},    {71, 45, 123},  {59, 82, 139},
                                            {44, 114, 142}, {33, 145, 140}, {40, 174, 128},
                                            {94, 201, 98},  {173, 220, 48}, {253, 231, 37}};
  if (!(t > 0)) t = 0;
  if (t > 1) t = 1;
  double x = t * 8;
  int i = x >= 8 ? 7 : (int)x;
  double u = x - i;
  int c[3];
  for (int k = 0; k < 3; k++) c[k] = (int)(stops[i][k] + u * (stops[i + 1][k] - stops[i][k]) + 0.5);
  snprintf(out, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

/* The heat map of the customers two segments share, as a share of the
** smaller one; the numbers again in a table under it. */
static void overlap(const page *pg) {
  FILE *f = pg->f;
  const seg_cli_eval *e = pg->e;
  const seg_program *p = &e->c.prog;
  const seg_result *res = &e->res;
  uint32_t n = 0;
  for (uint32_t s = 0; s < p->nsegs; s++) n += e->shown[s];
  fputs("<section id=\"overlap\" aria-labelledby=\"h-overlap\">\n<h2 id=\"h-overlap\">Overlap</h2>\n", f);
  if (n < 2) {
    fputs("<p class=\"note\">Fewer than two segments: no pairs to compare.</p>\n</section>\n", f);
    return;
  }
  if (n > HEATMAP_MAX) {
    fprintf(f, "<p class=\"note\">%u segments are too many for a map (at most %d); <code>seg overlap</code> "
               "lists every pair.</p>\n</section>\n", n, HEATMAP_MAX);
    return;
  }
  uint32_t *idx = malloc(n * sizeof *idx);
  if (!idx) { fputs("<p class=\"note\">(out of memory)</p>\n</section>\n", f); return; }
  n = 0;
  int lw = 4;                                  /* the row labels' width, in characters */
  for (uint32_t s = 0; s < p->nsegs; s++)
    if (e->shown[s]) {
      idx[n++] = s;
      int w = seg_cli_width(p->segs[s].name) + 4;
      if (w > lw) lw = w;
    }
  if (lw > 36) lw = 36;
  const int cell = 46, left = lw * 7 + 8, topm = 22;
  int width = left + (int)n * cell + 2, height = topm + (int)n * cell + 2;
  fputs("<p class=\"note\">Each cell: the customers in both segments as a share of the smaller one; the "
        "columns are numbered as the rows. Dark: little shared; yellow: the smaller segment lies (almost) wholly "
        "inside the other.</p>\n", f);
  fprintf(f, "<div class=\"scroll\"><svg class=\"heat\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
             "role=\"img\" aria-labelledby=\"heat-title heat-desc\"><title id=\"heat-title\">Overlap of %u "
             "segments</title><desc id=\"heat-desc\">A matrix of every pair of segments, coloured by the share of "
             "the smaller segment that is in both; the same figures are in the table of pairs.</desc>\n",
          width, height, width, height, n);
  for (uint32_t j = 0; j < n; j++)
    fprintf(f, "<text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%u</text>\n",
            left + (int)j * cell + cell / 2, topm - 6, j + 1);
  for (uint32_t i = 0; i < n; i++) {
    const char *na = p->segs[idx[i]].name;
    int y = topm + (int)i * cell;
    /* the label cut to lw characters (whole UTF-8 sequences) */
    char label[160];
    snprintf(label, sizeof label, "%u ", i + 1);
    size_t l = strlen(label), chars = l;
    for (const char *q = na; *q && l + 8 < sizeof label; q++) {
      if (((unsigned char)*q & 0xC0) != 0x80) {
        if ((int)chars + 1 >= lw - 2 && q[1]) { memcpy(label + l, "\xE2\x80\xA6", 3); l += 3; break; }
        chars++;
      }
      label[l++] = *q;
    }
    label[l] = 0;
    fprintf(f, "<text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"end\"><title>", left - 6, y + cell / 2 + 4);
    esc(f, na);
    fputs("</title>", f);
    esc(f, label);
    fputs("</text>\n", f);
    for (uint32_t j = 0; j < n; j++) {
      int x = left + (int)j * cell;
      if (i == j) {
        fputs("<g><title>", f);
        esc(f, na);
        fprintf(f, ": %llu customers</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#bdbdbd\" "
                   "stroke=\"#fff\"/></g>\n", (unsigned long long)res->counts[idx[i]], x, y, cell, cell);
        continue;
      }
      uint32_t a = idx[i < j ? i : j], b = idx[i < j ? j : i];
      uint64_t both = seg_cli_eval_both(e, a, b);
      uint64_t small = res->counts[a] < res->counts[b] ? res->counts[a] : res->counts[b];
      double t = small ? (double)both / (double)small : 0.0;
      char col[8];
      viridis(t, col);
      fputs("<g><title>", f);
      esc(f, na);
      fputs(" and ", f);
      esc(f, p->segs[idx[j]].name);
      char txt[16];                   /* a little shared is not shown as nothing, nor almost all as all */
      if (both > 0 && t < 0.005) snprintf(txt, sizeof txt, "&lt;1%%");
      else if (both < small && t > 0.995) snprintf(txt, sizeof txt, "&gt;99%%");
      else snprintf(txt, sizeof txt, "%.0f%%", 100 * t);
      fprintf(f, ": %llu in both, %.1f%% of the smaller</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                 "fill=\"%s\" stroke=\"#fff\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">%s"
                 "</text></g>\n",
              (unsigned long long)both, 100 * t, x, y, cell, cell, col, x + cell / 2, y + cell / 2 + 4,
              t >= 0.55 ? "#000" : "#fff", txt);
    }
  }
  fputs("</svg></div>\n", f);
  /* the legend: the scale from 0% to 100% */
  fputs("<svg width=\"220\" height=\"34\" viewBox=\"0 0 220 34\" role=\"img\" aria-label=\"Colour scale: 0% (dark "
        "purple) to 100% (yellow) of the smaller segment\"><title>Colour scale: 0% to 100% of the smaller segment"
        "</title><defs><linearGradient id=\"viridis\">", f);
  for (int k = 0; k <= 8; k++) {
    char col[8];
    viridis(k / 8.0, col);
    fprintf(f, "<stop offset=\"%d%%\" stop-color=\"%s\"/>", k * 100 / 8, col);
  }
  fputs("</linearGradient></defs><rect x=\"10\" y=\"2\" width=\"200\" height=\"12\" fill=\"url(#viridis)\"/>"
        "<text class=\"lbl\" x=\"10\" y=\"30\" font-size=\"12\" fill=\"currentColor\">0%</text>"
        "<text class=\"lbl\" x=\"210\" y=\"30\" font-size=\"12\" text-anchor=\"end\" fill=\"currentColor\">100%"
        "</text></svg>\n", f);
  /* the same figures as a table: the segments' numbers, then the pairs */
  fputs("<details><summary>The segments and pairs as a table</summary>\n<div class=\"scroll\"><table id=\"pairs\">"
        "\n<thead><tr><th scope=\"col\">Segment a</th><th scope=\"col\">Segment b</th><th scope=\"col\" "
        "class=\"num\">In both</th><th scope=\"col\" class=\"num\">Of smaller</th></tr></thead>\n<tbody>\n", f);
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = i + 1; j < n; j++) {
      uint32_t a = idx[i], b = idx[j];
      uint64_t both = seg_cli_eval_both(e, a, b);
      uint64_t small = res->counts[a] < res->counts[b] ? res->counts[a] : res->counts[b];
      char num[40];
      fputs("<tr data-a=\"", f);
      esc(f, p->segs[a].name);
      fputs("\" data-b=\"", f);
      esc(f, p->segs[b].name);
      fprintf(f, "\" data-both=\"%llu\"><td>%u ", (unsigned long long)both, i + 1);
      esc(f, p->segs[a].name);
      fprintf(f, "</td><td>%u ", j + 1);
      esc(f, p->segs[b].name);
      fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%.1f%%</td></tr>\n", digits(both, num, sizeof num),
              small ? 100.0 * (double)both / (double)small : 0.0);
    }
  fputs("</tbody>\n</table></div>\n</details>\n</section>\n", f);
  free(idx);
}

/* The share of each column of DATA that is missing. */
static void missing(const page *pg) {
  FILE *f = pg->f;
  const seg_table *t = &pg->e->t;
  char num[40];
  fprintf(f, "<section id=\"missing\" aria-labelledby=\"h-missing\">\n<h2 id=\"h-missing\">Missing values</h2>\n"
             "<p class=\"note\">The share of the %s rows of the data without a value, per column.</p>\n"
             "<div class=\"scroll\"><table id=\"columns\">\n<thead><tr><th scope=\"col\">Column</th><th scope=\"col\">"
             "Type</th><th scope=\"col\" class=\"barcell\"><span class=\"sr\">Missing</span></th><th scope=\"col\" "
             "class=\"num\">Missing</th><th scope=\"col\" class=\"num\">Share</th></tr></thead>\n<tbody>\n",
          digits(t->nrows, num, sizeof num));
  for (size_t i = 0; i < pg->ndata; i++) {
    const seg_column *c = &t->cols[i];
    uint64_t present = t->nrows;
    if (c->unread) {                    /* a CSV's column the rules cannot name: counted, not kept */
      present = t->nrows - c->nmissing;
    } else if (c->valid) {
      size_t words = (t->nrows + 63) / 64;
      present = 0;
      for (size_t w = 0; w < words; w++) {
        uint64_t v = c->valid[w];
        if (w + 1 == words && t->nrows % 64) v &= UINT64_MAX >> (64 - t->nrows % 64);
        present += (uint64_t)__builtin_popcountll(v);
      }
    }
    uint64_t miss = t->nrows - present;
    double share = pct(miss, t->nrows);
    fputs("<tr data-column=\"", f);
    esc(f, c->name);
    fprintf(f, "\" data-missing=\"%llu\"><th scope=\"row\">", (unsigned long long)miss);
    esc(f, c->name);
    fprintf(f, "</th><td>%s</td><td class=\"barcell\">", seg_type_name(c->type));
    bar(f, share / 100.0, "miss", c->name, miss, "missing", share);
    fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%.1f%%</td></tr>\n", digits(miss, num, sizeof num),
            share);
  }
  fputs("</tbody>\n</table></div>\n</section>\n", f);
}

/* The measures of each segment shown, as seg run's table writes them. */
static void measures(const page *pg) {
  const seg_program *p = &pg->e->c.prog;
  const seg_measures *ms = pg->ms;
  if (!ms->nmeasures) return;
  FILE *f = pg->f;
  fputs("<section id=\"measures\" aria-labelledby=\"h-measures\">\n<h2 id=\"h-measures\">Measures</h2>\n"
        "<div class=\"scroll\"><table id=\"measure-table\">\n<thead><tr><th scope=\"col\">Segment</th>", f);
  for (uint32_t m = 0; m < ms->nmeasures; m++) {
    fputs("<th scope=\"col\" class=\"num\">", f);
    esc(f, p->measures[m].name);
    fputs("</th>", f);
  }
  fputs("</tr></thead>\n<tbody>\n", f);
  for (uint32_t s = 0; s < p->nsegs; s++) {
    if (!pg->e->shown[s]) continue;
    fputs("<tr><th scope=\"row\">", f);
    esc(f, p->segs[s].name);
    fputs("</th>", f);
    for (uint32_t m = 0; m < ms->nmeasures; m++) {
      char v[64];
      seg_mval_format(&ms->v[(size_t)s * ms->nmeasures + m], 1, ms->is_rate[m], v, sizeof v);
      fputs("<td class=\"num\">", f);
      esc(f, v);
      fputs("</td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</tbody>\n</table></div>\n</section>\n", f);
}

/* A row of the tiers' and arms' tables: label, bar, count, share. */
static void share_row(FILE *f, const char *attr, const char *label, const char *cls, uint64_t c, double share,
                      int prec, const char *extra) {
  char num[40];
  fprintf(f, "<tr %s=\"", attr);
  esc(f, label);
  fprintf(f, "\" data-count=\"%llu\"><th scope=\"row\">", (unsigned long long)c);
  esc(f, label);
  fputs("</th><td class=\"barcell\">", f);
  bar(f, share / 100.0, cls, label, c, "customers", share);
  fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%.*f%%</td>%s</tr>\n", digits(c, num, sizeof num),
          prec, share, extra ? extra : "");
}

/* A priority's or a split's heading, "<h3>KIND NAME</h3>". */
static void named_h3(FILE *f, const char *kind, const char *name) {
  fprintf(f, "<h3>%s ", kind);
  esc(f, name);
  fputs("</h3>\n", f);
}

/* The opening of its table, class and data-KIND="NAME", with the header
** cells `head` (after the first, the row label, and the bar's). */
static void named_table(FILE *f, const char *kind, const char *name, const char *label, const char *bar,
                        const char *head) {
  fprintf(f, "<div class=\"scroll\"><table class=\"%s\" data-%s=\"", kind, kind);
  esc(f, name);
  fprintf(f, "\">\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\" class=\"barcell\"><span class=\"sr\">%s"
             "</span></th>%s</tr></thead>\n<tbody>\n", label, bar, head);
}

static void tiers(const page *pg) {
  const seg_program *p = &pg->e->c.prog;
  if (!p->nprios) return;
  FILE *f = pg->f;
  size_t rows = pg->e->t.nrows;
  fputs("<section id=\"tiers\" aria-labelledby=\"h-tiers\">\n<h2 id=\"h-tiers\">Priorities</h2>\n"
        "<p class=\"note\">Each customer is in the first tier whose segment holds them; shares of all customers."
        "</p>\n", f);
  for (uint32_t k = 0; k < p->nprios; k++) {
    const seg_priority *pr = &p->prios[k];
    named_h3(f, "priority", pr->name);
    named_table(f, "priority", pr->name, "Tier", "Size",
                "<th scope=\"col\" class=\"num\">Customers</th><th scope=\"col\" class=\"num\">Share</th>");
    for (uint32_t i = 0; i <= pr->n + 1; i++) {
      if (i == pr->n && !pr->else_name) continue;
      uint64_t c = i <= pr->n ? seg_tiers_count(pg->tiers, p, k, i) : pg->tiers->none[k];
      if (i == pr->n + 1 && pr->else_name && c == 0) continue;
      const char *label = i <= pr->n ? seg_cli_tier_label(p, k, i) : "(in no tier)";
      share_row(f, "data-tier", label, "tier", c, pct(c, rows), 1, NULL);
    }
    fputs("</tbody>\n</table></div>\n", f);
  }
  fputs("</section>\n", f);
}

static void splits(const page *pg) {
  const seg_program *p = &pg->e->c.prog;
  const seg_result *res = &pg->e->res;
  int any = 0;
  FILE *f = pg->f;
  for (uint32_t k = 0; k < p->nsplits; k++) {
    const seg_split *sp = &p->splits[k];
    int shown = 0;
    for (uint32_t a = 0; a < sp->narms; a++) shown |= pg->e->shown[sp->first + a];
    if (!shown) continue;
    if (!any++)
      fputs("<section id=\"splits\" aria-labelledby=\"h-splits\">\n<h2 id=\"h-splits\">Splits</h2>\n"
            "<p class=\"note\">Each arm's customers against the share it declares, and the sample-ratio test "
            "(a mismatch: p &lt; 0.001).</p>\n", f);
    seg_split_stat st = seg_split_stats(p, res, k);
    const char *key = seg_cli_split_key(p, sp);
    named_h3(f, "split", sp->name);
    fputs("<p class=\"note\">", f);
    esc(f, sp->base >= 0 ? p->segs[sp->base].name : "everyone");
    fputs(" by ", f);
    esc(f, key);
    fputs(", salt “", f);
    esc(f, sp->salt);
    fputs("”</p>\n", f);
    named_table(f, "split", sp->name, "Arm", "Observed",
                "<th scope=\"col\" class=\"num\">Customers</th><th scope=\"col\" class=\"num\">Observed</th>"
                "<th scope=\"col\" class=\"num\">Declared</th>");
    for (uint32_t a = 0; a < sp->narms; a++) {
      const char *n = seg_cli_arm_name(p, sp, a);
      uint64_t c = res->counts[sp->first + a];
      char decl[64];
      snprintf(decl, sizeof decl, "<td class=\"num\">%.2f%%</td>", sp->buckets[a] / 100.0);
      share_row(f, "data-arm", n, "arm", c, pct(c, st.in_arms), 2, decl);
    }
    fputs("</tbody>\n</table></div>\n<p>", f);
    if (st.no_key) {
      char num[40];
      fprintf(f, "%s customer%s with no ", digits(st.no_key, num, sizeof num), st.no_key == 1 ? "" : "s");
      esc(f, key);
      fputs(": in no arm. ", f);
    }
    fprintf(f, "Sample ratio: chi-square %.2f, %u degree%s of freedom, p = %.4g", st.chisq, st.dof,
            st.dof == 1 ? "" : "s", st.p);
    if (st.p < 0.001) fputs(" <span class=\"badge\">sample ratio mismatch (W0230)</span>", f);
    fputs("</p>\n", f);
  }
  if (any) fputs("</section>\n", f);
}

static void foot(const page *pg) {
  fputs("</main>\n<footer>Made by seg " SEG_VERSION " (<code>seg report</code>); the same figures as <code>seg run"
        "</code> and <code>seg overlap</code> on this data.</footer>\n</body>\n</html>\n", pg->f);
}

/* ---- the command ---------------------------------------------------------- */

int seg_cmd_report(int argc, char **argv) {
  const char *out = NULL, *title = NULL;
  int force = 0;
  seg_cli_list adhoc = {NULL, 0};
  const seg_cli_opt options[] = {
    {"-o", "--output", SEG_OPT_VALUE, &out},
    {"--title", NULL, SEG_OPT_VALUE, &title},
    {"--measure", NULL, SEG_OPT_LIST, &adhoc},
    {"--force", NULL, SEG_OPT_FLAG, &force},
    {NULL, NULL, 0, NULL}};
  if (!(adhoc.v = calloc((size_t)argc + 1, sizeof *adhoc.v))) {
    fprintf(stderr, "seg: out of memory\n");
    return SEG_EXIT_USAGE;
  }
  seg_cli_eval_args a;
  if (seg_cli_eval_parse(argc, argv, "report", options, &a) != 0) {
    free(adhoc.v);
    return SEG_EXIT_USAGE;
  }
  if (a.format) seg_cli_usage("%s", "report writes one HTML page: --format is run's and overlap's");
  if (!out) seg_cli_usage("%s", "report needs -o REPORT.html (- for stdout)");
  a.prune = 1;              /* as run: a CSV's columns the rules cannot name are typed and counted, not kept */
  const char *fixed[] = {a.rules, a.data, a.exclude};
  const char **inputs = seg_cli_inputs(fixed, 3, &a.tables);
  int rc = SEG_EXIT_USAGE;
  char *extra = NULL, *tmp = NULL, deftitle[600];
  FILE *f;
  seg_cli_eval e = {0};
  seg_measures ms = {0};
  seg_tiers tr = {0};
  if (!inputs || seg_cli_output_ok("-o", out, inputs) != 0 ||
      seg_cli_overwrite_ok("-o", out, "<!DOCTYPE html>", 15, "HTML page", force) != 0 ||
      seg_cli_measure_statements(&adhoc, &extra) != 0)
    goto done;
  a.extra = extra;
  rc = seg_cli_eval_compile(&e, &a, seg_cli_today(a.today_opt), 1);
  if (rc != 0) goto done;
  rc = SEG_EXIT_USAGE;
  size_t ndata = e.t.ncols;                      /* the run adds the event aggregates after them */
  if (seg_cli_eval_select(&e, &a) != 0) goto done;
  /* the members when --exclude takes customers out of them, or the tiers are computed from them */
  seg_vm_opts vo = {.want_members = a.exclude || e.c.prog.nprios, .threads = seg_cli_threads()};
  seg_cli_eval_pairs(&e, &vo);                   /* the pairs batch by batch, or the members */
  if (seg_cli_eval_run(&e, &a, &vo) != 0) goto done;
  /* run's warnings about the data, as run prints them (--min-size: run's default) */
  seg_cli_warn_sparse_measures(a.rules, &e.c.prog, &e.t);
  seg_cli_size_warnings(&e, a.rules, 100);
  char err[512];
  if (seg_measures_compute(&e.c.prog, &e.t, &e.res, &ms, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", a.data, err);
    goto done;
  }
  if (seg_tiers_compute(&e.c.prog, &e.res, a.exclude ? e.ex.bits : NULL, 0, &tr) != 0) {
    fprintf(stderr, "seg: out of memory\n");
    goto done;
  }
  seg_cli_warn_empty_tiers(a.rules, &e.c.prog, &tr, &e.res, e.t.nrows);
  if (!title) {
    const char *r = strrchr(a.rules, '/'), *d = strrchr(a.data, '/');
    snprintf(deftitle, sizeof deftitle, "Segments of %s on %s", r ? r + 1 : a.rules, d ? d + 1 : a.data);
    title = deftitle;
  }
  uint64_t kept = e.c.prog.guard ? e.res.counts[e.c.prog.guard - 1] : 0;
  uint64_t base = e.t.nrows - (a.exclude ? e.ex.suppressed : 0);
  if (!(f = seg_cli_atomic_open(out, &tmp))) goto done;
  page pg = {f, &e, &a, title, ndata, &ms, &tr, base > kept ? base - kept : 0};
  head(&pg);
  sizes(&pg);
  overlap(&pg);
  tiers(&pg);
  splits(&pg);
  measures(&pg);
  missing(&pg);
  foot(&pg);
  rc = seg_cli_atomic_commit(f, tmp, out) == 0 ? 0 : SEG_EXIT_USAGE;
done:
  free(inputs);
  seg_tiers_free(&tr);
  seg_measures_free(&ms);
  seg_cli_eval_free(&e);
  seg_cli_eval_args_free(&a);
  free(adhoc.v);
  free(extra);
  return rc;
}
