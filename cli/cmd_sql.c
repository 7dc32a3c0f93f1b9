/*
** cmd_sql.c -- `seg sql RULES.seg --dialect sqlite|duckdb|postgres
** (--schema S | --data D) [--table T] [--key COL] [--today D]
** [--shape counts|members|flags] [--view NAME] [-o OUT.sql]`: the rules as
** one SQL query giving seg's answers in that engine (compiler/sql.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "sql.h"

int seg_cmd_sql(int argc, char **argv) {
  const char *schema = NULL, *data = NULL, *today_opt = NULL, *dialect = NULL, *shape = NULL, *table = NULL;
  const char *key = NULL, *view = NULL, *out = NULL, *pos[1];
  int npos, force = 0, today_param = 0;
  seg_cli_list evspecs = {calloc((size_t)argc + 1, sizeof(const char *)), 0};   /* --table */
  seg_cli_evtables ev = {0};
  const seg_cli_opt options[] = {
    {"--dialect", NULL, SEG_OPT_VALUE, &dialect},
    {"--schema", NULL, SEG_OPT_VALUE, &schema},
    {"--data", NULL, SEG_OPT_VALUE, &data},
    {"--today", NULL, SEG_OPT_VALUE, &today_opt},
    {"--today-param", NULL, SEG_OPT_FLAG, &today_param},
    {"--shape", NULL, SEG_OPT_VALUE, &shape},
    {"--table", NULL, SEG_OPT_LIST, &evspecs},   /* NAME: the customers' table; NAME=FILE: an event table */
    {"--key", NULL, SEG_OPT_VALUE, &key},
    {"--view", NULL, SEG_OPT_VALUE, &view},
    {"-o", "--output", SEG_OPT_VALUE, &out},
    {"--force", NULL, SEG_OPT_FLAG, &force},
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, 1, 0, "unknown option '%s' for this command", seg_cli_usage};
  if (!evspecs.v) { fprintf(stderr, "seg: out of memory\n"); return SEG_EXIT_USAGE; }
  seg_cli_parse(&spec, argc, argv, pos, &npos);
  if (npos != 1) seg_cli_usage("%s", "sql needs a rules file");
  int nev = 0;                          /* --table NAME names the customers' table; NAME=FILE is an event table's data */
  for (int i = 0; i < evspecs.n; i++) {
    if (!strchr(evspecs.v[i], '=')) table = evspecs.v[i];
    else evspecs.v[nev++] = evspecs.v[i];
  }
  evspecs.n = nev;
  if (!dialect) seg_cli_usage("%s", "sql needs --dialect (sqlite, duckdb, postgres, clickhouse, bigquery, snowflake, spark or trino)");
  int d = seg_sql_dialect_of(dialect);
  if (d < 0) seg_cli_usage("--dialect: '%s' is not one of sqlite, duckdb, postgres, clickhouse, bigquery, snowflake, spark, trino", dialect);
  if (today_param && today_opt) seg_cli_usage("%s", "give --today or --today-param, not both");
  if (today_param && !seg_sql_today_placeholder(d))
    seg_cli_usage("--today-param: %s", d == SEG_SQL_CLICKHOUSE ? "ClickHouse 18.16 has no query parameters; give --today"
                                                               : "this dialect's parameters are positional only; give --today");
  int sh = seg_sql_shape_of(shape ? shape : "counts");
  if (sh < 0) seg_cli_usage("--shape: '%s' is not one of counts, members, flags", shape);
  if (view && sh != SEG_SQL_FLAGS) seg_cli_usage("%s", "--view: only with --shape flags");
  if (out) {
    const char *fixed[] = {pos[0], schema ? schema : "-", data ? data : "-"};
    const char **inputs = seg_cli_inputs(fixed, 3, &evspecs);    /* and each --table's file */
    int bad = !inputs || seg_cli_output_ok("-o", out, inputs) != 0 ||
              seg_cli_overwrite_ok("-o", out, "--", 2, "SQL file", force) != 0;
    free(inputs);
    if (bad) {
      free(evspecs.v);
      return SEG_EXIT_USAGE;
    }
  }
  seg_schema s = {0};
  seg_table t = {0};
  seg_schema_view sv;
  seg_compiled c = {0};
  char *src = NULL;
  int rc = seg_cli_schema(schema, data, pos, 1, &s, &t, &sv);
  if (rc == 0) rc = seg_cli_schema_tables(&evspecs, data, pos, 1, &ev, &sv);
  if (rc != 0) goto done;
  int32_t today = seg_cli_today(today_opt);
  rc = seg_cli_compile_rules(pos[0], &sv, today, &c);
  if (rc != 0) goto done;
  rc = SEG_EXIT_USAGE;
  if (!key && sh != SEG_SQL_COUNTS) {
    if (sv.ncols == 0) { fprintf(stderr, "seg: --key: the schema has no columns\n"); goto done; }
    key = sv.names[0];
  }
  if (key) {
    size_t i = 0;
    while (i < sv.ncols && strcmp(sv.names[i], key) != 0) i++;
    if (i == sv.ncols) { fprintf(stderr, "seg: --key: no column '%s' in the schema\n", key); goto done; }
  }
  size_t len;
  src = seg_cli_read_file(pos[0], &len);
  if (!src) goto done;
  const char *shown = strcmp(pos[0], "-") == 0 ? "<stdin>" : pos[0];
  seg_sql_opts o = {(seg_sql_dialect)d, (seg_sql_shape)sh, table ? table : "customers", key, view, shown, today, &sv,
                    today_param};
  char *body = NULL;
  size_t bodylen = 0;
  FILE *mem = open_memstream(&body, &bodylen);
  int erc = mem ? seg_sql_emit(&c.ast, src, len, &o, mem, &c.diags) : -1;
  if (mem) fclose(mem);
  if (erc != 0) {
    if (erc < 0) fprintf(stderr, "seg: out of memory\n");
    else seg_diag_render_text(stderr, &c.diags, shown, src, len, seg_cli_color());
    free(body);
    rc = erc < 0 ? SEG_EXIT_USAGE : SEG_EXIT_FINDINGS;
    goto done;
  }
  if (!out || strcmp(out, "-") == 0) {
    fwrite(body, 1, bodylen, stdout);
    rc = fflush(stdout) == 0 ? 0 : SEG_EXIT_USAGE;
  } else {
    char *tmp;
    FILE *f = seg_cli_atomic_open(out, &tmp);
    if (f) {
      fwrite(body, 1, bodylen, f);
      rc = seg_cli_atomic_commit(f, tmp, out) == 0 ? 0 : SEG_EXIT_USAGE;
    }
  }
  free(body);
done:
  free(src);
  seg_compiled_free(&c);
  seg_schema_free(&s);
  seg_table_free(&t);
  seg_cli_evtables_free(&ev);
  free(evspecs.v);
  return rc;
}
