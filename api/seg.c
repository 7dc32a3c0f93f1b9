/*
** api/seg.c -- libseg's public interface (include/seg.h) over the compiler,
** the importer, the event tables and the VM: the same steps `seg run`
** takes, without the command line.
*/
#include "seg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "colfile.h"
#include "compile.h"
#include "date.h"
#include "events.h"
#include "import.h"
#include "measure.h"
#include "schema.h"
#include "version.h"
#include "vm.h"

struct seg_data {
  seg_table t;
  seg_schema s;                 /* t's columns, for the compiler      */
  size_t nev;
  char **evnames;
  seg_table *ev;
  seg_schema *evs;
  seg_schema_view *evviews;
};

struct seg_rules {
  seg_compiled c;
  seg_diagnostic *d;
  size_t nd;
};

struct seg_results {
  seg_result res;
  seg_measures ms;
  int has_ms;
  char **names;                 /* segments, then measures (copies)   */
  uint32_t nsegs, nmeasures;
};

static int fail(char *err, size_t errlen, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int status, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return status;
}

const char *seg_version(void) { return SEG_VERSION; }

/* A .segcol mapped, or a CSV imported in memory. */
static int load(const char *path, seg_table *t, char *err, size_t errlen) {
  char msg[1024];
  if (!path) return fail(err, errlen, SEG_ERR_INPUT, "no file named");
  int rc = seg_col_is_segcol(path) ? seg_col_open(path, t, msg, sizeof msg)
                                   : seg_import_csv2(path, &(seg_import_opts){0}, NULL, t, msg, sizeof msg);
  return rc == 0 ? SEG_OK : fail(err, errlen, SEG_ERR_INPUT, "%s", msg);
}

int seg_data_open(const char *path, seg_data **out, char *err, size_t errlen) {
  *out = NULL;
  seg_data *d = calloc(1, sizeof *d);
  if (!d) return fail(err, errlen, SEG_ERR_MEMORY, "out of memory");
  int rc = load(path, &d->t, err, errlen);
  if (rc == SEG_OK && seg_schema_from_table(&d->t, &d->s) != 0) rc = fail(err, errlen, SEG_ERR_MEMORY, "out of memory");
  if (rc != SEG_OK) {
    seg_data_close(d);
    return rc;
  }
  *out = d;
  return SEG_OK;
}

int seg_data_add_table(seg_data *d, const char *name, const char *path, char *err, size_t errlen) {
  if (!d || !name || !*name) return fail(err, errlen, SEG_ERR_INPUT, "an event table needs a name");
  for (size_t i = 0; i < d->nev; i++)
    if (strcasecmp(d->evnames[i], name) == 0) return fail(err, errlen, SEG_ERR_INPUT, "table '%s' is added twice", name);
  char **names = realloc(d->evnames, (d->nev + 1) * sizeof *names);
  if (names) d->evnames = names;
  seg_table *ev = names ? realloc(d->ev, (d->nev + 1) * sizeof *ev) : NULL;
  if (ev) d->ev = ev;
  seg_schema *evs = ev ? realloc(d->evs, (d->nev + 1) * sizeof *evs) : NULL;
  if (evs) d->evs = evs;
  seg_schema_view *vv = evs ? realloc(d->evviews, (d->nev + 1) * sizeof *vv) : NULL;
  if (vv) d->evviews = vv;
  if (!vv) return fail(err, errlen, SEG_ERR_MEMORY, "out of memory");
  size_t k = d->nev;
  memset(&d->ev[k], 0, sizeof d->ev[k]);
  memset(&d->evs[k], 0, sizeof d->evs[k]);
  int rc = load(path, &d->ev[k], err, errlen);
  if (rc == SEG_OK && (seg_schema_from_table(&d->ev[k], &d->evs[k]) != 0 || !(d->evnames[k] = strdup(name)))) {
    seg_schema_free(&d->evs[k]);
    rc = fail(err, errlen, SEG_ERR_MEMORY, "out of memory");
  }
  if (rc != SEG_OK) {
    seg_table_free(&d->ev[k]);
    return rc;
  }
  d->evviews[k] = (seg_schema_view){.ncols = d->evs[k].ncols, .names = (const char *const *)d->evs[k].names,
                                    .types = d->evs[k].types, .may_be_missing = d->evs[k].has_missing};
  d->nev++;
  return SEG_OK;
}

size_t seg_data_rows(const seg_data *d) { return d ? d->t.nrows : 0; }
size_t seg_data_columns(const seg_data *d) { return d ? d->t.ncols : 0; }
const char *seg_data_column_name(const seg_data *d, size_t col) {
  return d && col < d->t.ncols ? d->t.cols[col].name : NULL;
}
long seg_data_column(const seg_data *d, const char *name) { return d && name ? seg_table_find(&d->t, name) : -1; }

long seg_data_cell(const seg_data *d, size_t col, size_t row, char *buf, size_t cap) {
  if (cap) buf[0] = 0;
  if (!d || col >= d->t.ncols || row >= d->t.nrows) return -1;
  char tmp[48];
  const char *s;
  size_t n;
  const seg_column *c = &d->t.cols[col];
  char e[256];
  if (seg_col_check(c, d->t.nrows, e, sizeof e) != 0 || seg_col_text(c, row, tmp, &s, &n) != 0) return -1;
  if (cap) {
    size_t k = n < cap - 1 ? n : cap - 1;
    memcpy(buf, s, k);
    buf[k] = 0;
  }
  return (long)n;
}

void seg_data_close(seg_data *d) {
  if (!d) return;
  seg_table_free(&d->t);
  seg_schema_free(&d->s);
  for (size_t i = 0; i < d->nev; i++) {
    free(d->evnames[i]);
    seg_table_free(&d->ev[i]);
    seg_schema_free(&d->evs[i]);
  }
  free(d->evnames);
  free(d->ev);
  free(d->evs);
  free(d->evviews);
  free(d);
}

int seg_rules_compile(const char *text, size_t len, const char *file, const seg_data *d, const char *today,
                      seg_rules **out, char *err, size_t errlen) {
  *out = NULL;
  if (!text || !d) return fail(err, errlen, SEG_ERR_INPUT, "no rules or no data");
  int32_t day = seg_date_today_local();
  if (today && seg_date_parse(today, strlen(today), &day) != 0)
    return fail(err, errlen, SEG_ERR_INPUT, "today: '%s' is not a date YYYY-MM-DD", today);
  seg_rules *r = calloc(1, sizeof *r);
  if (!r) return fail(err, errlen, SEG_ERR_MEMORY, "out of memory");
  seg_schema_view sv = {.ncols = d->s.ncols, .names = (const char *const *)d->s.names, .types = d->s.types,
                        .may_be_missing = d->s.has_missing, .ntables = d->nev,
                        .table_names = (const char *const *)d->evnames, .tables = d->evviews};
  int rc = seg_compile(text, len, &sv, day, &r->c);
  if (rc < 0) {
    seg_rules_free(r);
    return fail(err, errlen, SEG_ERR_MEMORY, "out of memory");
  }
  r->nd = r->c.diags.n;
  if (r->nd && !(r->d = calloc(r->nd, sizeof *r->d))) {
    seg_rules_free(r);
    return fail(err, errlen, SEG_ERR_MEMORY, "out of memory");
  }
  for (size_t i = 0; i < r->nd; i++) {
    const seg_diag *g = &r->c.diags.v[i];
    r->d[i] = (seg_diagnostic){g->code, g->sev == SEG_SEV_ERROR, g->loc.first_line, g->loc.first_column,
                               g->loc.last_line, g->loc.last_column, g->msg};
  }
  *out = r;
  if (rc > 0)
    return fail(err, errlen, SEG_ERR_RULES, "%s: %d error%s in the rules", file ? file : "rules", rc,
                rc == 1 ? "" : "s");
  return SEG_OK;
}

size_t seg_rules_diagnostics(const seg_rules *r) { return r ? r->nd : 0; }
const seg_diagnostic *seg_rules_diagnostic(const seg_rules *r, size_t i) { return r && i < r->nd ? &r->d[i] : NULL; }

void seg_rules_free(seg_rules *r) {
  if (!r) return;
  seg_compiled_free(&r->c);
  free(r->d);
  free(r);
}

int seg_run(const seg_rules *r, seg_data *d, seg_results **out, char *err, size_t errlen) {
  *out = NULL;
  if (!r || !d || !r->c.ok) return fail(err, errlen, SEG_ERR_INPUT, "no compiled rules");
  const seg_program *p = &r->c.prog;
  char msg[512];
  if (seg_table_fit_empty(&d->t, p->coltypes, p->ncols - p->nevcols, msg, sizeof msg) != 0)
    return fail(err, errlen, SEG_ERR_MEMORY, "%s", msg);
  /* the event aggregates go in a copy of the customers' column list, so
  ** that the data serves any number of runs */
  seg_table t = d->t;
  int rc = SEG_OK;
  seg_results *res = calloc(1, sizeof *res);
  t.cols = malloc((d->t.ncols + p->nevcols + 1) * sizeof *t.cols);
  const seg_table **ev = calloc(p->nevtables + 1, sizeof *ev);
  seg_evreport *rep = calloc(p->nevtables + 1, sizeof *rep);
  if (!res || !t.cols || !ev || !rep) {
    rc = fail(err, errlen, SEG_ERR_MEMORY, "out of memory");
    goto done;
  }
  memcpy(t.cols, d->t.cols, d->t.ncols * sizeof *t.cols);
  for (uint32_t k = 0; k < p->nevtables; k++) {
    for (size_t i = 0; i < d->nev && !ev[k]; i++)
      if (strcasecmp(d->evnames[i], p->evtables[k].name) == 0) ev[k] = &d->ev[i];
    if (!ev[k]) {
      rc = fail(err, errlen, SEG_ERR_INPUT, "the rules read event table '%s': add it with seg_data_add_table",
                p->evtables[k].name);
      goto done;
    }
  }
  if (p->nevcols && seg_events_fill(p, &t, ev, rep, 0, msg, sizeof msg) != 0) {
    rc = fail(err, errlen, SEG_ERR_INPUT, "%s", msg);
    goto done;
  }
  seg_vm_opts vo = {.want_members = 1};
  if (seg_vm_run_opts(p, &t, &vo, &res->res, msg, sizeof msg) != 0) {
    rc = fail(err, errlen, SEG_ERR_INPUT, "%s", msg);
    goto done;
  }
  if (p->nmeasures) {
    if (seg_measures_compute(p, &t, &res->res, &res->ms, msg, sizeof msg) != 0) {
      rc = fail(err, errlen, SEG_ERR_INPUT, "%s", msg);
      goto done;
    }
    res->has_ms = 1;
  }
  res->nsegs = p->nsegs;
  res->nmeasures = p->nmeasures;
  if (!(res->names = calloc((size_t)p->nsegs + p->nmeasures + 1, sizeof *res->names))) {
    rc = fail(err, errlen, SEG_ERR_MEMORY, "out of memory");
    goto done;
  }
  for (uint32_t s = 0; s < p->nsegs + p->nmeasures && rc == SEG_OK; s++)
    if (!(res->names[s] = strdup(s < p->nsegs ? p->segs[s].name : p->measures[s - p->nsegs].name)))
      rc = fail(err, errlen, SEG_ERR_MEMORY, "out of memory");
done:
  if (t.cols && t.ncols > d->t.ncols)         /* the aggregates' columns: this run's own */
    for (size_t k = d->t.ncols; k < t.ncols; k++) {
      free(t.cols[k].name);
      free(t.cols[k].own_valid);
      free(t.cols[k].own_data);
    }
  free(t.cols);
  free(ev);
  free(rep);
  if (rc != SEG_OK) {
    seg_results_free(res);
    return rc;
  }
  *out = res;
  return SEG_OK;
}

size_t seg_results_segments(const seg_results *res) { return res ? res->nsegs : 0; }
const char *seg_results_name(const seg_results *res, size_t seg) {
  return res && seg < res->nsegs ? res->names[seg] : NULL;
}
uint64_t seg_results_count(const seg_results *res, size_t seg) {
  return res && seg < res->nsegs ? res->res.counts[seg] : 0;
}
size_t seg_results_measures(const seg_results *res) { return res ? res->nmeasures : 0; }
const char *seg_results_measure_name(const seg_results *res, size_t m) {
  return res && m < res->nmeasures ? res->names[res->nsegs + m] : NULL;
}

int seg_results_measure(const seg_results *res, size_t seg, size_t m, double *value) {
  if (!res || !res->has_ms || seg >= res->nsegs || m >= res->nmeasures) return -1;
  const seg_mval *v = &res->ms.v[seg * res->nmeasures + m];
  switch (v->kind) {
  case SEG_MV_INT: case SEG_MV_DATE: *value = (double)v->i; return 0;
  case SEG_MV_DEC: {
    double p = 1;
    for (uint32_t k = 0; k < v->scale; k++) p *= 10;
    *value = (double)v->i / p;
    return 0;
  }
  case SEG_MV_NUM: *value = v->f; return 0;
  default: return -1;
  }
}

int seg_results_next(const seg_results *res, size_t seg, size_t *row) {
  if (!res || seg >= res->nsegs || !res->res.members || !res->res.members[seg]) return 0;
  const uint64_t *bits = res->res.members[seg];
  size_t n = res->res.nrows, i = *row == (size_t)-1 ? 0 : *row + 1;
  while (i < n) {
    uint64_t w = bits[i >> 6] >> (i & 63);
    if (w) {
      i += (size_t)__builtin_ctzll(w);
      if (i >= n) return 0;
      *row = i;
      return 1;
    }
    i = (i | 63) + 1;
  }
  return 0;
}

void seg_results_free(seg_results *res) {
  if (!res) return;
  seg_result_free(&res->res);
  if (res->has_ms) seg_measures_free(&res->ms);
  for (uint32_t s = 0; res->names && s < res->nsegs + res->nmeasures; s++) free(res->names[s]);
  free(res->names);
  free(res);
}
