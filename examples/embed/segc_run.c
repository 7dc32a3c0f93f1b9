/*
** segc_run.c -- the runtime alone: loads a compiled .segc, binds it to a
** CSV or .segcol file and prints each segment's count. Linked against
** libsegrt.a (base/, bytecode/, runtime/) without a single compiler
** object: the proof that running saved rules needs no parser, and the
** smallest example of embedding seg's runtime.
**
**   make build/segc_run
**   build/seg compile rules.seg -o rules.segc --data customers.csv --today 2026-11-23
**   build/segc_run rules.segc customers.csv
**
** Output: one line per segment, `name<TAB>count`. Exit 0, or 2 with a
** message on stderr. The date is the one the file was compiled for.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colfile.h"
#include "import.h"
#include "schema.h"
#include "segc.h"
#include "vm.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  size_t got;
  while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *more = realloc(b, cap *= 2);
      if (!more) { free(b); b = NULL; }
      else b = more;
    }
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) { free(b); return NULL; }
  *len = n;
  return b;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: segc_run RULES.segc DATA.csv|DATA.segcol\n");
    return 2;
  }
  char err[512];
  size_t len = 0;
  char *bytes = slurp(argv[1], &len);
  if (!bytes) { perror(argv[1]); return 2; }
  seg_program p;
  seg_segc_info info;
  int rc = seg_segc_load(bytes, len, &info, &p, err, sizeof err);
  free(bytes);
  if (rc != 0) { fprintf(stderr, "segc_run: %s: %s\n", argv[1], err); return 2; }

  seg_table t = {0};
  size_t n = strlen(argv[2]);
  rc = n > 7 && strcmp(argv[2] + n - 7, ".segcol") == 0 ? seg_col_open(argv[2], &t, err, sizeof err)
                                                          : seg_import_csv(argv[2], NULL, &t, err, sizeof err);
  seg_schema s = {0};
  seg_result res = {0};
  if (rc == 0 && seg_schema_from_table(&t, &s) != 0) { snprintf(err, sizeof err, "out of memory"); rc = -1; }
  if (rc == 0) {
    seg_schema_view v = {.ncols = s.ncols, .names = (const char *const *)s.names, .types = s.types, .may_be_missing = NULL};
    rc = seg_segc_bind(&p, &v, err, sizeof err);
  }
  if (rc == 0) rc = seg_vm_run(&p, &t, 0, &res, err, sizeof err);
  if (rc != 0) fprintf(stderr, "segc_run: %s: %s\n", argv[2], err);
  for (uint32_t i = 0; rc == 0 && i < p.nsegs; i++)
    printf("%s\t%llu\n", p.segs[i].name, (unsigned long long)res.counts[i]);
  seg_result_free(&res);
  seg_schema_free(&s);
  seg_table_free(&t);
  seg_program_free(&p);
  return rc == 0 ? 0 : 2;
}
