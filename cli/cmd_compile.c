/*
** cmd_compile.c -- `seg compile RULES.seg -o RULES.segc (--schema S | --data D) [--today D]`
** and the loading of a .segc by `seg run` and `seg explain`.
**
** The date. Codegen folds everything it can at compile time, the edges of
** `within 90 days` and `today - 3 months` included, so a program whose
** rules read today's date is correct for one date only. The .segc records
** that date, and whether the rules read it at all:
**   - rules that do not read the date run on any date, whatever --today says;
**   - otherwise `seg run` evaluates as of the date given to it (--today or
**     SEG_TODAY), else the date pinned at compile time (when `seg compile`
**     was given one), else the local date; when that is not the date the
**     program was compiled for, it stops with an error saying so, rather
**     than count with stale edges.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "date.h"
#include "schema.h"
#include "segc.h"


int seg_cmd_compile(int argc, char **argv) {
  const char *rules = NULL, *out = NULL, *schema = NULL, *data = NULL, *today_opt = NULL;
  int force = 0, npos;
  seg_cli_list evspecs = {calloc((size_t)argc + 1, sizeof(const char *)), 0};   /* --table */
  seg_cli_evtables ev = {0};
  const seg_cli_opt options[] = {
    {"--output", "-o", SEG_OPT_VALUE, &out},
    {"--schema", NULL, SEG_OPT_VALUE, &schema},
    {"--data", NULL, SEG_OPT_VALUE, &data},
    {"--table", NULL, SEG_OPT_LIST, &evspecs},
    {"--today", NULL, SEG_OPT_VALUE, &today_opt},
    {"--force", NULL, SEG_OPT_FLAG, &force},
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, 1, 0, "unknown option '%s' for this command", seg_cli_usage};
  if (!evspecs.v) { fprintf(stderr, "seg: out of memory\n"); return SEG_EXIT_USAGE; }
  seg_cli_parse(&spec, argc, argv, &rules, &npos);
  if (!rules) seg_cli_usage("%s", "compile needs a rules file");
  if (!out) seg_cli_usage("%s", "compile needs -o OUT.segc");
  const char *fixed[] = {rules, schema ? schema : "-", data ? data : "-"};
  const char **inputs = seg_cli_inputs(fixed, 3, &evspecs);      /* and each --table's file */
  int bad = !inputs || seg_cli_output_ok("-o", out, inputs) != 0 ||
            seg_cli_overwrite_ok("-o", out, SEG_SEGC_MAGIC, SEG_SEGC_MAGIC_LEN, ".segc file", force) != 0;
  free(inputs);
  if (bad) {
    free(evspecs.v);
    return 2;
  }
  const char *pinned = seg_cli_today_given(today_opt);
  int32_t today = seg_cli_today(today_opt);

  seg_schema s = {0};
  seg_table t = {0};
  seg_schema_view sv;
  seg_compiled c = {0};
  char *bytes = NULL;
  size_t len = 0;
  int rc = seg_cli_schema(schema, data, &rules, 1, &s, &t, &sv);
  if (rc == 0) rc = seg_cli_schema_tables(&evspecs, data, &rules, 1, &ev, &sv);
  if (rc != 0) goto done;
  rc = seg_cli_compile_rules(rules, &sv, today, &c);
  if (rc != 0) goto done;
  rc = SEG_EXIT_USAGE;
  seg_segc_info info = {seg_ast_uses_today(&c.ast), pinned != NULL, today};
  char err[512];
  if (seg_segc_save(&c.prog, &info, &bytes, &len, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s\n", rules, err);
    goto done;
  }
  /* the file must load back as the very program compiled */
  seg_program back;
  if (seg_segc_load(bytes, len, NULL, &back, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: cannot be saved as .segc (internal error: %s)\n", rules, err);
    goto done;
  }
  int same = back.ncode == c.prog.ncode && back.nmaps == c.prog.nmaps && back.x.nn == c.prog.x.nn &&
             memcmp(back.code, c.prog.code, c.prog.ncode * sizeof *c.prog.code) == 0;
  seg_program_free(&back);
  if (!same) {
    fprintf(stderr, "seg: %s: cannot be saved as .segc (internal error: it loads back different)\n", rules);
    goto done;
  }
  {
    char *tmp;
    FILE *f = seg_cli_atomic_open(out, &tmp);     /* "-", devices and FIFOs directly */
    if (!f) goto done;
    fwrite(bytes, 1, len, f);
    if (seg_cli_atomic_commit(f, tmp, out) != 0) goto done;
  }
  char day[11];
  seg_date_format(today, day);
  fprintf(stderr, "seg: compiled %u segments (%u instructions) into %s\n", c.prog.nsegs, c.prog.ncode, out);
  if (info.uses_today && !pinned)
    fprintf(stderr, "seg: note: the rules use today's date; %s is for %s only (seg run refuses "
                    "another date; give --today to pin one)\n", out, day);
  rc = 0;
done:
  free(bytes);
  seg_compiled_free(&c);
  seg_schema_free(&s);
  seg_table_free(&t);
  seg_cli_evtables_free(&ev);
  free(evspecs.v);
  return rc;
}

int seg_cli_is_segc_file(const char *path) {
  size_t n = strlen(path);
  if (n > 5 && strcmp(path + n - 5, ".segc") == 0) return 1;   /* a damaged magic still says so */
  char head[SEG_SEGC_MAGIC_LEN];
  n = seg_cli_peek(path, head, sizeof head);        /* a pipe keeps its bytes for the real read */
  return seg_segc_is_segc(head, n);
}

/* Reads and verifies path into *c (its program: a loaded .segc has no
** source, AST or diagnostics); SEG_EXIT_USAGE after a message. */
static int load(const char *path, seg_segc_info *info, seg_compiled *c) {
  memset(c, 0, sizeof *c);
  size_t len;
  char *bytes = seg_cli_read_file(path, &len);
  if (!bytes) return SEG_EXIT_USAGE;
  const char *nocrc = getenv("SEG_SEGC_NO_CRC");     /* tests: reach the verifier */
  char err[512];
  int rc = seg_segc_load_ex(bytes, len, nocrc && strcmp(nocrc, "1") == 0, info, &c->prog, err, sizeof err);
  free(bytes);
  if (rc != 0) {
    fprintf(stderr, "seg: %s: %s\n", path, err);
    return SEG_EXIT_USAGE;
  }
  c->ok = 1;
  return 0;
}

int seg_cli_segc_for_run(const char *path, const seg_schema_view *data, const char *data_path,
                         const char *today_opt, seg_compiled *c) {
  seg_segc_info info;
  if (load(path, &info, c) != 0) return SEG_EXIT_USAGE;
  const char *given = seg_cli_today_given(today_opt);
  int32_t today = given ? seg_cli_today(today_opt) : info.today_pinned ? info.today : seg_date_today_local();
  if (info.uses_today && today != info.today) {
    char want[11], have[11];
    seg_date_format(info.today, want);
    seg_date_format(today, have);
    fprintf(stderr, "seg: %s: the rules use today's date and were compiled for %s, not %s; "
                    "recompile them for %s (seg compile --today %s), or run with --today %s\n",
            path, want, have, have, have, want);
    return SEG_EXIT_USAGE;
  }
  c->prog.today = today;
  char err[512];
  if (seg_segc_bind(&c->prog, data, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s: %s: %s\n", path, data_path, err);
    return SEG_EXIT_USAGE;
  }
  return 0;
}

int seg_cli_segc_explain(const char *path) {
  seg_segc_info info;
  seg_compiled c;
  if (load(path, &info, &c) != 0) return SEG_EXIT_USAGE;
  char day[11];
  seg_date_format(info.today, day);
  printf("; %s: compiled for %s (%s), %s; schema of %u columns\n", path, day,
         info.today_pinned ? "pinned" : "the local date then",
         info.uses_today ? "the rules use today's date" : "the rules do not use today's date", c.prog.ncols);
  for (uint32_t i = 0; i < c.prog.nsegs; i++) printf("; segment s%u: %s\n", i, c.prog.segs[i].name);
  seg_explain(stdout, &c.prog);
  seg_compiled_free(&c);
  return fflush(stdout) == 0 ? 0 : SEG_EXIT_USAGE;
}
