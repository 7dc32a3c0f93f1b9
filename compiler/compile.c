/*
** compile.c -- the compiler pipeline: parse, sema, codegen, verify.
*/
#include "compile.h"

#include <string.h>
#include <strings.h>

#include "codegen.h"
#include "eval.h"
#include "lint.h"
#include "parse.h"

void seg_compiled_free(seg_compiled *c) {
  seg_program_free(&c->prog);
  seg_diags_free(&c->diags);
  seg_arena_free(&c->arena);
  memset(c, 0, sizeof *c);
}

/* The events side of a program (program.h, seg_evtable): per event table
** its key, time column and gathered customer columns, and one program over
** its events whose segments are the distinct filters of its aggregates
** (compiled like any rules, against the table's columns then the gathered
** ones); then each aggregate. Returns 0, or -1 (out of memory, or an
** error reported in diags). */
static int build_events(seg_compiled *out, const seg_schema_view *sv, int32_t today) {
  seg_ast *ast = &out->ast;
  seg_program *p = &out->prog;
  if (!ast->nevaggs) return 0;
  p->evtables = calloc((size_t)ast->ntables, sizeof *p->evtables);
  p->evcols = calloc((size_t)ast->nevaggs, sizeof *p->evcols);
  if (!p->evtables || !p->evcols) return -1;
  p->nevtables = (uint32_t)ast->ntables;
  p->nevcols = (uint32_t)ast->nevaggs;
  int *filter = seg_arena_alloc(&out->arena, (size_t)ast->nevaggs * sizeof *filter);
  seg_stmt *stmts = seg_arena_alloc(&out->arena, (size_t)ast->nevaggs * sizeof *stmts);
  seg_stmt **order = seg_arena_alloc(&out->arena, (size_t)ast->nevaggs * sizeof *order);
  if (!filter || !stmts || !order) return -1;
  for (int k = 0; k < ast->nevaggs; k++) filter[k] = -1;
  for (seg_stmt *t = ast->first; t; t = t->next) {
    if (t->kind != S_TABLE) continue;
    seg_evtable *et = &p->evtables[t->tindex];
    const seg_schema_view *ev = &sv->tables[t->table];
    et->name = strdup(sv->table_names[t->table]);
    et->key = strdup(sv->names[t->keycol]);
    if (!et->name || !et->key) return -1;
    et->custkey = (uint32_t)t->keycol;
    et->evkey = (uint32_t)t->evkey;
    et->time = t->evtime >= 0 ? t->evtime : -1;
    et->ncols = (uint32_t)ev->ncols;
    et->colnames = calloc(ev->ncols + 1, sizeof *et->colnames);
    et->coltypes = calloc(ev->ncols + 1, sizeof *et->coltypes);
    if (!et->colnames || !et->coltypes) return -1;
    for (size_t c = 0; c < ev->ncols; c++) {
      if (!(et->colnames[c] = strdup(ev->names[c]))) return -1;
      et->coltypes[c] = ev->types[c];
    }
    if (t->ngather) {
      if (!(et->gather = malloc((size_t)t->ngather * sizeof *et->gather))) return -1;
      for (int i = 0; i < t->ngather; i++) et->gather[i] = t->gather[i];
      et->ngather = (uint32_t)t->ngather;
    }
    /* the distinct filters of its aggregates, as the segments of one program */
    int nf = 0;
    for (int k = 0; k < ast->nevaggs; k++) {
      const seg_evagg *g = &ast->evaggs[k];
      if (g->table != t || !g->where) continue;
      int f = 0;
      while (f < nf && !seg_node_same(stmts[f].expr, g->where)) f++;
      if (f == nf) {
        char nm[32];
        snprintf(nm, sizeof nm, "%s#%d", t->name, f);
        stmts[f] = (seg_stmt){.kind = S_SEGMENT, .loc = g->where->loc, .name_loc = g->where->loc,
                              .expr = g->where, .index = f, .state = 2};
        stmts[f].name = seg_arena_strndup(&out->arena, nm, strlen(nm));
        if (!stmts[f].name) return -1;
        if (f) stmts[f - 1].next = &stmts[f];
        order[f] = &stmts[f];
        nf++;
      }
      filter[k] = f;
    }
    if (!nf) continue;
    size_t nc = ev->ncols + (size_t)t->ngather;
    const char **names = seg_arena_alloc(&out->arena, nc * sizeof *names);
    seg_type *types = seg_arena_alloc(&out->arena, nc * sizeof *types);
    if (!names || !types) return -1;
    for (size_t c = 0; c < ev->ncols; c++) { names[c] = ev->names[c]; types[c] = ev->types[c]; }
    for (int i = 0; i < t->ngather; i++) {
      names[ev->ncols + (size_t)i] = sv->names[t->gather[i]];
      types[ev->ncols + (size_t)i] = sv->types[t->gather[i]];
    }
    seg_schema_view fv = {.ncols = nc, .names = names, .types = types};
    seg_ast fa = {.first = &stmts[0], .last = &stmts[nf - 1], .nsegments = nf};
    if (!(et->filters = calloc(1, sizeof *et->filters))) return -1;
    if (seg_cg_program(&fa, order, &fv, today, et->filters, &out->diags) != 0) return -1;
    char err[256];
    int vrc = seg_program_verify(et->filters, err, sizeof err);
    if (vrc == 0) vrc = seg_xprog_prepare(&et->filters->x, err, sizeof err);
    if (vrc == -2) return -1;
    if (vrc != 0) {
      seg_diag_add(&out->diags, SEG_SEV_ERROR, "E0000", t->loc, "internal error in table '%s': %s", t->name, err);
      return -1;
    }
  }
  for (int k = 0; k < ast->nevaggs; k++) {
    const seg_evagg *g = &ast->evaggs[k];
    p->evcols[k] = (seg_evcol){(uint32_t)g->table->tindex, (uint8_t)g->fn, g->evcol, filter[k], (uint32_t)g->col};
  }
  return 0;
}

int seg_compile(const char *src, size_t len, const seg_schema_view *schema, int32_t today,
                seg_compiled *out) {
  memset(out, 0, sizeof *out);
  int rc = seg_parse(src, len, &out->arena, &out->ast, &out->diags);
  if (rc < 0) return -1;
  seg_stmt **order = NULL;
  /* names and types are checked even after syntax errors, so one run
  ** reports every mistake it can locate */
  seg_schema_view sv = *schema;     /* sema may type the data's empty columns */
  seg_sema(&out->ast, &out->arena, &sv, today, &out->diags, &order);
  schema = &sv;
  /* lint every statement that compiled, even when others have errors, so
  ** one run of `seg check` reports every finding of a file */
  if (!out->diags.oom)
    seg_lint(&out->ast, schema, today, src, len, schema->may_be_missing, &out->diags);
  if (out->diags.oom) return -1;       /* a phase ran out of memory: its result is incomplete */
  seg_diags_sort(&out->diags);
  if (out->diags.nerrors) return out->diags.nerrors;
  if (seg_cg_program(&out->ast, order, schema, today, &out->prog, &out->diags) != 0 ||
      build_events(out, schema, today) != 0)
    return out->diags.nerrors && !out->diags.oom ? out->diags.nerrors : -1;
  char err[256];
  int vrc = seg_program_verify(&out->prog, err, sizeof err);
  if (vrc == 0) vrc = seg_xprog_prepare(&out->prog.x, err, sizeof err);
  if (vrc == -2) return -1;
  if (vrc != 0) {
    seg_diag_add(&out->diags, SEG_SEV_ERROR, "E0000", (seg_loc){1, 1, 1, 1}, "internal error: %s", err);
    return out->diags.nerrors;
  }
  out->ok = 1;
  return 0;
}

/* Does n's value depend on today (through lets and segment references
** too)? Works on a parsed tree and on a checked one. */
static int reads_today_at(const seg_node *n, int depth) {
  if (!n || depth > 4 * SEG_MAX_NESTING) return 0;
  if (n->kind == SEG_N_TODAY || n->kind == SEG_N_WITHIN || n->kind == SEG_N_AGO) return 1;
  if (n->kind == SEG_N_RANGE && n->period) return 1;     /* `in this month` */
  if (n->kind == SEG_N_CALL && n->str && strcasecmp(n->str, "days_since") == 0) return 1;
  if (n->kind == SEG_N_NAME && n->ref) return reads_today_at(n->ref->expr, depth + 1);
  if (n->evwhere && reads_today_at(n->evwhere, depth + 1)) return 1;   /* `count(orders where d within 9 days)` */
  if (reads_today_at(n->a, depth + 1) || reads_today_at(n->b, depth + 1) || reads_today_at(n->c, depth + 1)) return 1;
  for (const seg_node *k = n->list; k; k = k->next) if (reads_today_at(k, depth + 1)) return 1;
  return 0;
}

int seg_node_reads_today(const seg_node *n) {
  return reads_today_at(n, 0);
}

int seg_ast_uses_today(const seg_ast *ast) {
  for (const seg_stmt *t = ast->first; t; t = t->next) if (seg_node_reads_today(t->expr)) return 1;
  return 0;
}
