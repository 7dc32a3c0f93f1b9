/* count.c -- counts the segments of a rules file through libseg (include/seg.h).
**   cc count.c $(pkg-config --cflags --libs libseg) -o count
**   ./count rules.seg customers.csv [TODAY] [NAME=EVENTS.csv]...        */
#include <seg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  char err[512], text[1 << 16];
  if (argc < 3) { fprintf(stderr, "usage: count RULES DATA [TODAY] [NAME=EVENTS]...\n"); return 2; }
  FILE *f = fopen(argv[1], "rb");
  size_t len = f ? fread(text, 1, sizeof text, f) : 0;
  if (f) fclose(f);
  seg_data *d;
  seg_rules *r;
  seg_results *res;
  if (!f || seg_data_open(argv[2], &d, err, sizeof err)) { fprintf(stderr, "%s\n", f ? err : argv[1]); return 2; }
  for (int i = 4; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (eq) *eq = 0;
    if (!eq || seg_data_add_table(d, argv[i], eq + 1, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 2; }
  }
  int rc = seg_rules_compile(text, len, argv[1], d, argc > 3 ? argv[3] : NULL, &r, err, sizeof err);
  for (size_t i = 0; r && i < seg_rules_diagnostics(r); i++) {
    const seg_diagnostic *g = seg_rules_diagnostic(r, i);
    fprintf(stderr, "%s:%d:%d: %s [%s]\n", argv[1], g->line, g->column, g->message, g->code);
  }
  if (rc || seg_run(r, d, &res, err, sizeof err)) { fprintf(stderr, "%s\n", err); return rc ? rc : 2; }
  for (size_t s = 0; s < seg_results_segments(res); s++)
    printf("%s\t%llu\n", seg_results_name(res, s), (unsigned long long)seg_results_count(res, s));
  seg_results_free(res);
  seg_rules_free(r);
  seg_data_close(d);
  return 0;
}
