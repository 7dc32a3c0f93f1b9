/*
** cmd_import.c -- `seg import CSV -o OUT.segcol [options]` (a CSV export to
** the columnar file) and `seg schema CSV|SEGCOL` (the inferred schema).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "colfile.h"
#include "tmpfile.h"

int seg_cmd_schema(int argc, char **argv) {
  seg_cli_csv csv = {0};
  const char *pos[1];
  int npos;
  seg_cli_list evspecs = {calloc((size_t)argc + 1, sizeof(const char *)), 0};   /* --table */
  const seg_cli_opt options[] = {
    SEG_CLI_CSV_READ_OPTS(csv),
    {"--table", NULL, SEG_OPT_LIST, &evspecs},
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, 1, 0, "unknown option '%s' for this command", seg_cli_usage};
  if (!evspecs.v) { fprintf(stderr, "seg: out of memory\n"); return SEG_EXIT_USAGE; }
  seg_cli_parse(&spec, argc, argv, pos, &npos);
  if (npos != 1) seg_cli_usage("%s", "schema needs a CSV or .segcol file");
  seg_table t = {0};
  seg_schema s = {0}, pinned = {0};
  seg_cli_evtables ev = {0};
  int rc = SEG_EXIT_USAGE;
  seg_import_more m = seg_cli_csv_more(&csv, &pinned);
  if (seg_cli_load_table(pos[0], csv.skip_bad || csv.max_bad, &m, &t) == 0 &&
      seg_cli_evtables_load(&evspecs, csv.skip_bad || csv.max_bad, NULL, &ev) == 0) {
    /* one `table NAME` section per --table, after the customers' columns */
    int oom = seg_schema_from_table(&t, &s) != 0;
    if (!oom && ev.n) {
      s.table_names = calloc(ev.n, sizeof *s.table_names);
      s.tables = calloc(ev.n, sizeof *s.tables);
      oom = !s.table_names || !s.tables;
      for (size_t i = 0; !oom && i < ev.n; i++) {
        s.ntables = i + 1;
        oom = !(s.table_names[i] = strdup(ev.names[i])) || seg_schema_from_table(&ev.t[i], &s.tables[i]) != 0;
      }
    }
    if (oom) fprintf(stderr, "seg: out of memory\n");
    else rc = seg_schema_print(stdout, &s, t.nrows) == 0 ? 0 : SEG_EXIT_USAGE;
  }
  seg_schema_free(&s);
  seg_table_free(&t);
  seg_cli_evtables_free(&ev);
  free(evspecs.v);
  return rc;
}

/* How a .segcol is made: from a table in memory, or streamed from the CSV. */
typedef struct maker {
  const seg_table *t;                          /* the table, or NULL: stream */
  const char *csv;
  const seg_import_opts *io;
  const seg_import_more *m;
  size_t nrows, ncols;
} maker;

static int make_segcol(maker *mk, const char *path, char *err, size_t errlen) {
  if (mk->t) return seg_col_write(mk->t, path, err, errlen);
  return seg_import_csv_segcol(mk->csv, mk->io, mk->m, path, &mk->nrows, &mk->ncols, err, errlen);
}

/* A .segcol is written to a temporary beside the target and renamed; a
** target that cannot be renamed over ("-", a device, a FIFO) gets the
** finished file copied to it from a temporary in $TMPDIR. */
static int write_segcol(maker *mk, const char *out, char *err, size_t errlen) {
  if (strcmp(out, "-") != 0 && !seg_tmp_special(out)) return make_segcol(mk, out, err, errlen);
  const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  char *tmp = NULL;
  if (asprintf(&tmp, "%s/seg-import.segcol", dir) < 0) {
    snprintf(err, errlen, "%s: out of memory", out);
    return -1;
  }
  char *real = NULL;
  int fd = seg_tmp_create(tmp, &real, err, errlen);     /* a unique name beside tmp */
  free(tmp);
  if (fd < 0) return -1;
  close(fd);
  int rc = make_segcol(mk, real, err, errlen);
  FILE *in = rc == 0 ? fopen(real, "rb") : NULL, *o = NULL;
  if (rc == 0) {
    o = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
    char buf[1 << 16];
    size_t n;
    rc = in && o ? 0 : -1;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
      if (fwrite(buf, 1, n, o) != n) rc = -1;
    if (in && ferror(in)) rc = -1;
    if (o == stdout) rc |= fflush(stdout) != 0 ? -1 : 0;
    else if (o && fclose(o) != 0) rc = -1;
    if (rc != 0) snprintf(err, errlen, "%s: cannot write: %s", out, strerror(errno));
  }
  if (in) fclose(in);
  seg_tmp_discard(real);
  return rc;
}

int seg_cmd_import(int argc, char **argv) {
  seg_cli_csv csv = {0};
  const char *output = NULL, *delimiter = NULL, *key = NULL, *erase = NULL, *pos[1];
  int force = 0, quiet = 0, npos;
  const seg_cli_opt options[] = {
    {"--output", "-o", SEG_OPT_VALUE, &output},
    {"--delimiter", NULL, SEG_OPT_VALUE, &delimiter},
    SEG_CLI_CSV_READ_OPTS(csv),
    {"--key", NULL, SEG_OPT_VALUE, &key},
    {"--threads", NULL, SEG_OPT_VALUE, &csv.threads},
    SEG_CLI_CSV_SCHEMA_OPTS(csv),
    {"--force", NULL, SEG_OPT_FLAG, &force},
    {"--erase", NULL, SEG_OPT_VALUE, &erase},
    {"--quiet", "-q", SEG_OPT_FLAG, &quiet},
    {NULL, NULL, 0, NULL}};
  const seg_cli_spec spec = {options, 1, 0, "unknown option '%s' for this command", seg_cli_usage};
  seg_cli_parse(&spec, argc, argv, pos, &npos);
  if (npos != 1) seg_cli_usage("%s", "import needs a CSV file");
  if (!output) seg_cli_usage("%s", "import needs -o OUT.segcol");
  const char *inputs[] = {pos[0], erase, NULL};                 /* no --erase: the list ends early */
  if (seg_cli_output_ok("-o", output, inputs) != 0 ||
      seg_cli_overwrite_ok("-o", output, "SEGCOL\0\1", 8, ".segcol file", force) != 0)
    return SEG_EXIT_USAGE;
  seg_import_opts io = {0};
  io.skip_bad_rows = csv.skip_bad || csv.max_bad;
  io.warn = seg_cli_warn;
  if (delimiter) {
    const char *d = delimiter;
    if (strcmp(d, "\\t") == 0 || strcmp(d, "tab") == 0) io.delimiter = '\t';
    else if (strlen(d) == 1) io.delimiter = d[0];
    else seg_cli_usage("--delimiter: '%s' is not one character", d);
  }
  seg_schema pinned = {0};
  seg_import_more m = seg_cli_csv_more(&csv, &pinned);
  m.key = key;
  m.progress = seg_cli_progress_bytes;          /* a bar on a terminal, unless --quiet */
  seg_cli_progress_quiet(quiet);
  seg_table t = {0};
  char err[1024];
  int rc = 0;
  long long erased = -1;
  seg_cli_excluded ex = {0};
  /* in bounded memory, straight from the CSV, unless the whole table is
  ** needed first: --key checks every value against every other, --erase
  ** drops rows (SEG_IMPORT_INMEM=1 forces the table in memory, for tests) */
  const char *inmem = getenv("SEG_IMPORT_INMEM");
  maker mk = {NULL, pos[0], &io, &m, 0, 0};
  if (!key && !erase && !(inmem && *inmem && strcmp(inmem, "0") != 0)) {
    seg_cli_progress_begin("importing", pos[0], 1, 0);     /* (both passes over the file) */
    int wrc = write_segcol(&mk, output, err, sizeof err);
    seg_cli_progress_end();
    if (wrc != 0) {
      fprintf(stderr, "seg: %s\n", err);
      rc = SEG_EXIT_USAGE;
    } else if (!quiet) {
      fprintf(stderr, "seg: imported %zu rows, %zu columns into %s\n", mk.nrows, mk.ncols, output);
    }
    seg_schema_free(&pinned);
    return rc;
  }
  mk.t = &t;
  seg_cli_progress_begin("importing", pos[0], 1, 0);
  int irc = seg_import_csv2(pos[0], &io, &m, &t, err, sizeof err);
  seg_cli_progress_end();
  if (irc != 0) {
    fprintf(stderr, "seg: %s\n", err);
    rc = SEG_EXIT_USAGE;
  } else if (erase && seg_cli_exclude(erase, &t, &ex) != 0) {
    rc = SEG_EXIT_USAGE;                /* said */
  } else if (erase && (erased = seg_table_drop_rows(&t, ex.bits, err, sizeof err)) < 0) {
    fprintf(stderr, "seg: %s\n", err);
    rc = SEG_EXIT_USAGE;
  } else if (write_segcol(&mk, output, err, sizeof err) != 0) {
    fprintf(stderr, "seg: %s\n", err);
    rc = SEG_EXIT_USAGE;
  } else if (quiet) {
    /* the rows and columns imported go unsaid */
  } else if (erase) {
    /* the right to be forgotten: the rows are not in the file at all */
    fprintf(stderr, "seg: imported %zu rows, %zu columns into %s; %lld erased (%s on %s", t.nrows, t.ncols, output,
            erased, ex.column, erase);
    if (ex.absent) fprintf(stderr, "; %zu of its %zu entries are not in the export", ex.absent, ex.listed);
    fputs(")\n", stderr);
  } else {
    fprintf(stderr, "seg: imported %zu rows, %zu columns into %s\n", t.nrows, t.ncols, output);
  }
  free(ex.bits);
  seg_table_free(&t);
  seg_schema_free(&pinned);
  return rc;
}
