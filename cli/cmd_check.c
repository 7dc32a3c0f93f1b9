/*
** cmd_check.c -- `seg check FILES_OR_DIRS... (--schema S | --data D)
** [--format text|json|sarif|github|gitlab] [--strict] [--require-guard] [--today D]`:
** every rules file compiled and linted against the columns; the data of
** --data is read only for a file with priorities, whose tiers are counted
** on it (W0221, an empty tier).
** A folder stands for every *.seg file under it (sorted). Exit 1 when a
** file has errors (or warnings, with --strict).
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "lint.h"
#include "render.h"
#include "tiers.h"
#include "vm.h"

typedef struct pathlist { char **v; size_t n, cap; } pathlist;

static int pathlist_add(pathlist *l, char *p) {
  if (!p) return -1;
  if (l->n == l->cap) {
    size_t ncap = l->cap ? l->cap * 2 : 16;
    char **nv = realloc(l->v, ncap * sizeof *nv);
    if (!nv) { free(p); return -1; }
    l->v = nv;
    l->cap = ncap;
  }
  l->v[l->n++] = p;
  return 0;
}

static int path_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every *.seg file under dir (recursively, hidden entries and
** symbolic links to folders skipped). Returns 0, or -1 after a message. */
static int collect_seg(const char *dir, pathlist *out) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "seg: %s: cannot open: %s\n", dir, strerror(errno));
    return -1;
  }
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    size_t dl = strlen(dir);
    char *p = NULL;
    if (strcmp(dir, ".") == 0) p = strdup(e->d_name);
    else if (asprintf(&p, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", e->d_name) < 0) p = NULL;
    if (!p) { fprintf(stderr, "seg: out of memory\n"); rc = -1; break; }
    struct stat st;
    if (lstat(p, &st) != 0) {          /* a path too long, a file gone: never skipped silently */
      fprintf(stderr, "seg: %s: cannot read: %s\n", p, strerror(errno));
      free(p);
      rc = -1;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (collect_seg(p, out) != 0) rc = -1;
      free(p);
      continue;
    }
    size_t nl = strlen(e->d_name);
    int is_seg = nl > 4 && strcmp(e->d_name + nl - 4, ".seg") == 0;
    if (is_seg && stat(p, &st) != 0) {  /* a dangling symlink named *.seg */
      fprintf(stderr, "seg: %s: cannot read: %s\n", p, strerror(errno));
      free(p);
      rc = -1;
    } else if (is_seg && S_ISREG(st.st_mode)) {
      if (pathlist_add(out, p) != 0) { fprintf(stderr, "seg: out of memory\n"); rc = -1; break; }
    } else {
      free(p);
    }
  }
  closedir(d);
  return rc;
}

/* W0221 for a checked file with priorities: the VM over the data of
** --data, the tiers counted, the warnings added to its diagnostics (after
** its `# seg: ignore` comments). 0, or -1 after a message (out of memory,
** a damaged column): the check cannot say what it was asked. */
static int empty_tiers(seg_compiled *c, seg_table *t, seg_cli_evtables *ev, const char *src, size_t len,
                       const char *data) {
  seg_result res = {0};
  seg_tiers tiers = {0};
  seg_diags d = {0};
  seg_table tv = {0};                   /* t with the file's event aggregates */
  char err[512];
  int rc = -1;
  if (seg_cli_fit_empty(t, &c->prog, data) != 0) return -1;
  if (seg_cli_evtables_view(ev, &c->prog, t, &tv, data, 0, 0) != 0) goto done;
  if (seg_vm_run(&c->prog, &tv, 1, &res, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", data, err);
    goto done;
  }
  if (seg_tiers_compute(&c->prog, &res, NULL, 0, &tiers) != 0) {
    fprintf(stderr, "seg: out of memory\n");
    goto done;
  }
  seg_cli_tier_warnings(&c->prog, &tiers, &res, t->nrows, &d);
  seg_lint_filter(src, len, &d);
  for (size_t k = 0; k < d.n; k++)
    seg_diag_add(&c->diags, d.v[k].sev, d.v[k].code, d.v[k].loc, "%s", d.v[k].msg ? d.v[k].msg : "");
  if (d.oom || c->diags.oom) {
    fprintf(stderr, "seg: out of memory\n");
    goto done;
  }
  if (d.n) seg_diags_sort(&c->diags);
  rc = 0;
done:
  seg_cli_evtables_view_free(t, &tv);
  seg_diags_free(&d);
  seg_tiers_free(&tiers);
  seg_result_free(&res);
  return rc;
}

int seg_cmd_check(int argc, char **argv) {
  const char *schema = NULL, *data = NULL, *today_opt = NULL, *format = NULL;
  int strict = 0, ninputs = 0, require_guard = 0;
  seg_cli_list evspecs = {calloc((size_t)argc + 1, sizeof(const char *)), 0};   /* --table */
  seg_cli_evtables ev = {0};
  const seg_cli_opt options[] = {
    {"--schema", NULL, SEG_OPT_VALUE, &schema},
    {"--data", NULL, SEG_OPT_VALUE, &data},
    {"--table", NULL, SEG_OPT_LIST, &evspecs},
    {"--today", NULL, SEG_OPT_VALUE, &today_opt},
    {"--format", NULL, SEG_OPT_VALUE, &format},
    {"--strict", NULL, SEG_OPT_FLAG, &strict},
    {"--require-guard", NULL, SEG_OPT_FLAG, &require_guard},
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, -1, 1, "unknown option '%s' for this command", seg_cli_usage};
  const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
  if (!inputs || !evspecs.v) {
    fprintf(stderr, "seg: out of memory\n");
    free(inputs);
    free(evspecs.v);
    return SEG_EXIT_USAGE;
  }
  seg_cli_parse(&spec, argc, argv, inputs, &ninputs);
  if (ninputs == 0) seg_cli_usage("%s", "check needs rules files or folders");
  seg_render_format fmt = SEG_RENDER_TEXT;
  if (format && seg_render_parse_format(format, &fmt) != 0)
    seg_cli_usage("--format: '%s' is not one of text, json, sarif, github, gitlab", format);

  seg_schema s = {0};
  seg_table t = {0};
  seg_schema_view sv;
  pathlist files = {0};
  seg_compiled *cs = NULL;
  seg_render_file *rf = NULL;
  char **srcs = NULL;
  size_t nrf = 0;
  /* a folder among the inputs: every column is read (seg_cli_want_init) */
  int rc = seg_cli_schema(schema, data, inputs, ninputs, &s, &t, &sv);
  if (rc == 0) rc = seg_cli_schema_tables(&evspecs, data, inputs, ninputs, &ev, &sv);
  if (rc != 0) goto done;
  int32_t today = seg_cli_today(today_opt);

  /* the files: as given, and *.seg under each folder, sorted */
  for (int i = 0; i < ninputs; i++) {
    struct stat st;
    if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      size_t from = files.n;
      if (collect_seg(inputs[i], &files) != 0) rc = SEG_EXIT_USAGE;
      if (files.n > from) qsort(files.v + from, files.n - from, sizeof *files.v, path_cmp);
      if (files.n == from) {
        fprintf(stderr, "seg: %s: no .seg files in this folder\n", inputs[i]);
        rc = SEG_EXIT_USAGE;
      }
    } else if (pathlist_add(&files, strdup(inputs[i])) != 0) {
      fprintf(stderr, "seg: out of memory\n");
      rc = SEG_EXIT_USAGE;
    }
  }

  cs = calloc(files.n + 1, sizeof *cs);
  rf = calloc(files.n + 1, sizeof *rf);
  srcs = calloc(files.n + 1, sizeof *srcs);
  if (!cs || !rf || !srcs) { fprintf(stderr, "seg: out of memory\n"); rc = SEG_EXIT_USAGE; goto done; }
  int findings = 0;
  for (size_t i = 0; i < files.n; i++) {
    size_t len = 0;
    char *src = seg_cli_read_file(files.v[i], &len);
    if (!src) { rc = SEG_EXIT_USAGE; continue; }
    srcs[i] = src;
    if (seg_compile(src, len, &sv, today, &cs[i]) < 0) {
      fprintf(stderr, "seg: %s: out of memory\n", files.v[i]);
      rc = SEG_EXIT_USAGE;
    }
    /* --require-guard: a file that guards nothing is a finding (CI for consent) */
    int guarded = 0;
    for (const seg_stmt *st = cs[i].ast.first; st; st = st->next) guarded |= st->kind == S_REQUIRE;
    if (require_guard && !guarded)
      seg_diag_add(&cs[i].diags, SEG_SEV_ERROR, "E0112", (seg_loc){1, 1, 1, 1},
                   "no 'require' guard in this file, and --require-guard asks for one: every rules file must "
                   "say whom it may reach, e.g. `require email_opt_in is true`");
    /* --data: a priority's tiers counted on it, W0221 where one is empty */
    if (data && t.nrows && cs[i].ok && cs[i].prog.nprios && empty_tiers(&cs[i], &t, &ev, src, len, data) != 0) {
      rc = SEG_EXIT_USAGE;
      continue;
    }
    seg_render_file f = {strcmp(files.v[i], "-") == 0 ? "<stdin>" : files.v[i], src, len, &cs[i].diags};
    if (cs[i].diags.nerrors || (strict && cs[i].diags.nwarnings)) findings = 1;
    if (fmt == SEG_RENDER_TEXT) seg_render_text(stderr, &f, 1, seg_cli_color());
    else rf[nrf++] = f;
  }
  int rrc = fmt != SEG_RENDER_TEXT ? seg_render(stdout, fmt, rf, nrf, SEG_VERSION, 0) : 0;
  if (rrc == -2) {
    fprintf(stderr, "seg: out of memory: the report is incomplete\n");
    rc = SEG_EXIT_USAGE;
  } else if (rrc != 0) {
    fprintf(stderr, "seg: cannot write the report: %s\n", strerror(errno));
    rc = SEG_EXIT_USAGE;
  }
  if (rc == 0 && findings) rc = SEG_EXIT_FINDINGS;
done:
  for (size_t i = 0; i < files.n; i++) {
    if (cs) seg_compiled_free(&cs[i]);
    if (srcs) free(srcs[i]);
    free(files.v[i]);
  }
  free(files.v);
  free(cs);
  free(rf);
  free(srcs);
  seg_schema_free(&s);
  seg_table_free(&t);
  seg_cli_evtables_free(&ev);
  free(evspecs.v);
  free(inputs);
  return rc;
}

