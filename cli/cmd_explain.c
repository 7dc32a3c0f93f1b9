/*
** cmd_explain.c -- `seg explain RULES.seg (--schema S | --data D) [--today D]`
** (the bytecode of the rules; of a .segc, see cmd_compile.c) and
** `seg explain-code CODE | --list` (what a diagnostic code means).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "codes.h"

int seg_cmd_explain(int argc, char **argv) {
  const char *schema = NULL, *data = NULL, *today_opt = NULL, *pos[1];
  int npos;
  seg_cli_list evspecs = {calloc((size_t)argc + 1, sizeof(const char *)), 0};   /* --table */
  seg_cli_evtables ev = {0};
  const seg_cli_opt options[] = {
    {"--schema", NULL, SEG_OPT_VALUE, &schema},
    {"--data", NULL, SEG_OPT_VALUE, &data},
    {"--table", NULL, SEG_OPT_LIST, &evspecs},
    {"--today", NULL, SEG_OPT_VALUE, &today_opt},
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, 1, 0, "unknown option '%s' for this command", seg_cli_usage};
  if (!evspecs.v) { fprintf(stderr, "seg: out of memory\n"); return SEG_EXIT_USAGE; }
  seg_cli_parse(&spec, argc, argv, pos, &npos);
  if (npos != 1) seg_cli_usage("%s", "explain needs a rules file");
  if (seg_cli_is_segc_file(pos[0])) {
    free(evspecs.v);
    return seg_cli_segc_explain(pos[0]);
  }
  seg_schema s = {0};
  seg_table t = {0};
  seg_schema_view sv;
  int rc = seg_cli_schema(schema, data, pos, 1, &s, &t, &sv);
  if (rc == 0) rc = seg_cli_schema_tables(&evspecs, data, pos, 1, &ev, &sv);
  if (rc == 0) {
    seg_compiled c = {0};
    int32_t today = seg_cli_today(today_opt);
    rc = seg_cli_compile_rules(pos[0], &sv, today, &c);
    if (rc == 0) {
      for (uint32_t i = 0; i < c.prog.nsegs; i++)
        printf("; segment s%u: %s\n", i, c.prog.segs[i].name);
      seg_explain(stdout, &c.prog);
    }
    seg_compiled_free(&c);
  }
  seg_schema_free(&s);
  seg_table_free(&t);
  seg_cli_evtables_free(&ev);
  free(evspecs.v);
  return rc;
}

/* seg explain-code CODE | --list */
int seg_cmd_explain_code(int argc, char **argv) {
  if (argc == 1 && strcmp(argv[0], "--list") == 0) {
    for (size_t i = 0; i < seg_ncodes; i++)
      printf("%s  %-7s  %s\n", seg_codes[i].code, seg_codes[i].sev == SEG_SEV_ERROR ? "error" : "warning",
             seg_codes[i].title);
    return 0;
  }
  if (argc != 1 || argv[0][0] == '-')
    seg_cli_usage("%s", "explain-code needs one code, such as E0102, or --list");
  const seg_code_info *ci = seg_code_find(argv[0]);
  if (!ci) {
    fprintf(stderr, "seg: unknown code '%s'; 'seg explain-code --list' lists every code\n", argv[0]);
    return SEG_EXIT_USAGE;
  }
  printf("%s (%s): %s\n\n", ci->code, ci->sev == SEG_SEV_ERROR ? "error" : "warning", ci->title);
  /* prose wrapped at 76 columns; indented (example) lines as they are */
  for (const char *p = ci->explanation; *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (*p == ' ' || len <= 76) {
      printf("%.*s\n", (int)len, p);
    } else {
      size_t start = 0;
      while (start < len) {
        size_t end = start + 76 < len ? start + 76 : len;
        if (end < len) {
          size_t sp = end;
          while (sp > start && p[sp] != ' ') sp--;
          if (sp > start) end = sp;
        }
        printf("%.*s\n", (int)(end - start), p + start);
        start = end;
        while (start < len && p[start] == ' ') start++;
      }
    }
    p += len;
    if (*p == '\n') p++;
  }
  if (ci->sev == SEG_SEV_WARNING)
    printf("\nTo keep the rule as it is, silence the warning on its line with a\n"
           "comment: `# seg: ignore %s`.\n", ci->code);
  return fflush(stdout) == 0 ? 0 : SEG_EXIT_USAGE;
}
