/*
** evtables.c -- `--table NAME=FILE`: the event tables of a run (issue 15),
** loaded like DATA, given to the compiler as views, and aggregated into
** the customer table before the pass (runtime/events.c), with the events
** that belong to no customer reported on stderr.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmds.h"
#include "events.h"

int seg_cli_evtables_load(const seg_cli_list *specs, int skip_bad, const seg_import_more *m, seg_cli_evtables *ev) {
  memset(ev, 0, sizeof *ev);
  ev->skip_bad = skip_bad;
  size_t n = (size_t)specs->n;
  if (!n) return 0;
  ev->names = calloc(n, sizeof *ev->names);
  ev->paths = calloc(n, sizeof *ev->paths);
  ev->t = calloc(n, sizeof *ev->t);
  ev->dv = calloc(n, sizeof *ev->dv);
  ev->views = calloc(n, sizeof *ev->views);
  if (!ev->names || !ev->paths || !ev->t || !ev->dv || !ev->views) {
    fprintf(stderr, "seg: out of memory\n");
    return SEG_EXIT_USAGE;
  }
  for (size_t i = 0; i < n; i++) {
    const char *spec = specs->v[i], *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1]) {
      fprintf(stderr, "seg: --table needs NAME=FILE (`--table orders=orders.csv`), found '%s'\n", spec);
      return SEG_EXIT_USAGE;
    }
    char *name = strndup(spec, (size_t)(eq - spec));
    if (!name) { fprintf(stderr, "seg: out of memory\n"); return SEG_EXIT_USAGE; }
    ev->names[ev->n] = name;
    ev->paths[ev->n] = eq + 1;
    ev->n++;
    for (size_t j = 0; j < i; j++)
      if (strcasecmp(ev->names[j], name) == 0) {
        fprintf(stderr, "seg: --table %s is given twice\n", name);
        return SEG_EXIT_USAGE;
      }
    if (seg_cli_load_table(eq + 1, skip_bad, m, &ev->t[i]) != 0) return SEG_EXIT_USAGE;
    if (seg_cli_data_view(&ev->t[i], &ev->dv[i]) != 0) return SEG_EXIT_USAGE;
    ev->views[i] = ev->dv[i].sv;
  }
  return 0;
}

int seg_cli_schema_tables(const seg_cli_list *specs, const char *data, const char *const *rules, int nrules,
                          seg_cli_evtables *ev, seg_schema_view *sv) {
  if (!specs->n) return 0;
  if (!data) {
    fprintf(stderr, "seg: --table goes with --data; a schema file gives an event table's columns in a "
            "`table NAME` section instead\n");
    return SEG_EXIT_USAGE;
  }
  seg_cli_want want;                  /* as seg_cli_schema: the columns the rules can name */
  seg_import_more m;
  seg_cli_want_init(&want, rules, nrules, NULL, 0, 0);
  int rc = seg_cli_evtables_load(specs, 1, seg_cli_want_more(&want, &m), ev);
  seg_cli_want_free(&want);
  if (rc == 0) seg_cli_evtables_bind(ev, sv);
  return rc;
}

void seg_cli_evtables_bind(const seg_cli_evtables *ev, seg_schema_view *sv) {
  sv->ntables = ev->n;
  sv->table_names = (const char *const *)ev->names;
  sv->tables = ev->views;
}

/* The index in ev of the table named name (case-insensitive), or ev->n. */
static size_t table_named(const seg_cli_evtables *ev, const char *name) {
  size_t i = 0;
  while (i < ev->n && strcasecmp(ev->names[i], name) != 0) i++;
  return i;
}

/* An event table's time column left unread in its CSV: without `time COL`
** it is the table's only date column, which the rules need not name. When
** p's first() or last() read it, the table is read again whole (quietly:
** its warnings were printed; a pipe's bytes are kept by cli/io.c's
** read-once cache), before anything reads it. 0, or 2 after a
** message. */
static int read_time_columns(seg_cli_evtables *ev, const seg_program *p) {
  for (uint32_t t = 0; t < p->nevtables; t++) {
    const seg_evtable *et = &p->evtables[t];
    int ordered = 0;
    for (uint32_t k = 0; k < p->nevcols; k++)
      ordered |= p->evcols[k].table == t && (p->evcols[k].fn == SEG_EV_FIRST || p->evcols[k].fn == SEG_EV_LAST);
    size_t i = table_named(ev, et->name);
    if (!ordered || et->time < 0 || (uint32_t)et->time >= et->ncols || i == ev->n) continue;
    int c = seg_table_find(&ev->t[i], et->colnames[et->time]);
    if (c < 0 || !ev->t[i].cols[c].unread) continue;
    seg_table whole;
    seg_cli_dataview dv;
    if (seg_cli_load_table_warn(ev->paths[i], ev->skip_bad, NULL, &whole, 0) != 0) return SEG_EXIT_USAGE;
    if (seg_cli_data_view(&whole, &dv) != 0) {
      seg_table_free(&whole);
      return SEG_EXIT_USAGE;
    }
    seg_table_free(&ev->t[i]);
    seg_cli_data_view_free(&ev->dv[i]);
    ev->t[i] = whole;
    ev->dv[i] = dv;
    ev->views[i] = dv.sv;
  }
  return 0;
}

int seg_cli_evtables_fill(seg_cli_evtables *ev, const seg_program *p, seg_table *cust, const char *data,
                          unsigned threads, int report) {
  if (!p->nevcols) return 0;
  if (read_time_columns(ev, p) != 0) return SEG_EXIT_USAGE;
  const seg_table **tabs = calloc(p->nevtables + 1, sizeof *tabs);
  seg_evreport *rep = calloc(p->nevtables + 1, sizeof *rep);
  const char **paths = calloc(p->nevtables + 1, sizeof *paths);
  int rc = SEG_EXIT_USAGE;
  char err[512];
  if (!tabs || !rep || !paths) {
    fprintf(stderr, "seg: out of memory\n");
    goto done;
  }
  for (uint32_t t = 0; t < p->nevtables; t++) {
    size_t i = table_named(ev, p->evtables[t].name);
    if (i < ev->n) tabs[t] = &ev->t[i], paths[t] = ev->paths[i];
    if (!tabs[t]) {
      fprintf(stderr, "seg: the rules read event table '%s': give it with --table %s=FILE\n", p->evtables[t].name,
              p->evtables[t].name);
      goto done;
    }
  }
  if (seg_events_fill(p, cust, tabs, rep, threads, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", data, err);
    goto done;
  }
  for (uint32_t t = 0; report && t < p->nevtables; t++) {
    size_t lost = rep[t].missing_key + rep[t].unknown_key;
    if (!lost) continue;
    const seg_evtable *et = &p->evtables[t];
    const char *ek = et->evkey < et->ncols ? et->colnames[et->evkey] : et->key;   /* the events' key column */
    char a[32], b[32], c[32];
    seg_cli_group_digits(lost, a, sizeof a);
    seg_cli_group_digits(rep[t].events, b, sizeof b);
    fprintf(stderr, "seg: warning: %s: %s of %s events of table '%s' belong to no customer of %s (",
            paths[t], a, b, p->evtables[t].name, data);
    if (rep[t].missing_key) {
      seg_cli_group_digits(rep[t].missing_key, c, sizeof c);
      fprintf(stderr, "%s without %s%s", c, ek, rep[t].unknown_key ? ", " : "");
    }
    if (rep[t].unknown_key) {
      seg_cli_group_digits(rep[t].unknown_key, c, sizeof c);
      fprintf(stderr, "%s with a %s the customers do not have", c, ek);
    }
    fprintf(stderr, "); no rule counts them\n");
  }
  rc = 0;
done:
  free(tabs);
  free(rep);
  free(paths);
  return rc;
}

const char **seg_cli_inputs(const char *const *fixed, size_t n, const seg_cli_list *specs) {
  const char **v = calloc(n + (size_t)(specs ? specs->n : 0) + 1, sizeof *v);
  if (!v) { fprintf(stderr, "seg: out of memory\n"); return NULL; }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) if (fixed[i]) v[k++] = fixed[i];
  for (int i = 0; specs && i < specs->n; i++) {
    const char *eq = strchr(specs->v[i], '=');
    if (eq && eq[1]) v[k++] = eq + 1;
  }
  return v;
}

int seg_cli_evtables_view(seg_cli_evtables *ev, const seg_program *p, const seg_table *t, seg_table *view,
                          const char *data, unsigned threads, int report) {
  *view = *t;
  if (!p->nevcols) return 0;
  if (!(view->cols = malloc((t->ncols + p->nevcols + 1) * sizeof *view->cols))) {
    fprintf(stderr, "seg: out of memory\n");
    view->cols = t->cols;
    return SEG_EXIT_USAGE;
  }
  memcpy(view->cols, t->cols, t->ncols * sizeof *view->cols);
  return seg_cli_evtables_fill(ev, p, view, data, threads, report);
}

void seg_cli_evtables_view_free(const seg_table *t, seg_table *view) {
  if (view->cols != t->cols) {
    for (size_t j = t->ncols; j < view->ncols; j++) {
      free(view->cols[j].name);
      free(view->cols[j].own_valid);
      free(view->cols[j].own_data);
    }
    free(view->cols);
  }
  memset(view, 0, sizeof *view);
}

void seg_cli_evtables_free(seg_cli_evtables *ev) {
  for (size_t i = 0; i < ev->n; i++) free(ev->names[i]);
  for (size_t i = 0; ev->t && ev->dv && i < ev->n; i++) {
    seg_table_free(&ev->t[i]);
    seg_cli_data_view_free(&ev->dv[i]);
  }
  free(ev->names);
  free(ev->paths);
  free(ev->t);
  free(ev->dv);
  free(ev->views);
  memset(ev, 0, sizeof *ev);
}
