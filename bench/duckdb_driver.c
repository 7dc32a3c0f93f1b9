/*
** duckdb_driver.c -- runs SQL through DuckDB's C API, for `make bench`.
**
**   duckdb_driver [--lib LIBDUCKDB.so] [--fresh] [--threads N] [--repeat K]
**                 DATABASE SQL...
**
** DATABASE is a file (created if absent) or ":memory:".  Each SQL argument
** is either SQL text or "@FILE" (the text of FILE); they are run in order,
** each through one duckdb_query call (which accepts several statements and
** returns the result of the last).  The result of the last argument is
** printed to standard output as comma-separated values, one line per row,
** no header, NULL as an empty field.
**
**   --lib PATH    libduckdb.so to dlopen (default: $DUCKDB_LIB, else
**                 bench/peers/node_modules/@duckdb/node-bindings-linux-x64/
**                 libduckdb.so, the library the npm package
**                 @duckdb/node-api installs)
**   --fresh       delete DATABASE (and DATABASE.wal) first
**   --threads N   SET threads = N before anything else (default: DuckDB's
**                 own default, one per core)
**   --repeat K    run the last argument K more times after the first, and
**                 print "query: median=S min=S max=S runs=K" (seconds of
**                 duckdb_query alone) to standard error
**   --version     print duckdb_library_version() and exit
**
** The library is loaded with dlopen so that the benchmark needs neither
** DuckDB's header (not shipped by the npm package) nor a link-time
** dependency: the handful of C API entry points used are declared below,
** as in duckdb.h of DuckDB 1.x.  Exit status: 0, or 2 with a message on
** any error (load, open, query).
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- the subset of duckdb.h (C API, DuckDB 1.x) used here ---------------- */

typedef uint64_t idx_t;
typedef enum { DuckDBSuccess = 0, DuckDBError = 1 } duckdb_state;
typedef struct _duckdb_database { void *internal_ptr; } *duckdb_database;
typedef struct _duckdb_connection { void *internal_ptr; } *duckdb_connection;
/* duckdb_result: six pointer-sized fields (all deprecated for direct use);
** the API only needs the caller to provide the storage. */
typedef struct {
  idx_t deprecated_column_count;
  idx_t deprecated_row_count;
  idx_t deprecated_rows_changed;
  void *deprecated_columns;
  char *deprecated_error_message;
  void *internal_data;
} duckdb_result;

typedef struct api {
  duckdb_state (*open)(const char *path, duckdb_database *out);
  void (*close)(duckdb_database *db);
  duckdb_state (*connect)(duckdb_database db, duckdb_connection *out);
  void (*disconnect)(duckdb_connection *con);
  duckdb_state (*query)(duckdb_connection con, const char *sql, duckdb_result *out);
  void (*destroy_result)(duckdb_result *r);
  const char *(*result_error)(duckdb_result *r);
  idx_t (*row_count)(duckdb_result *r);
  idx_t (*column_count)(duckdb_result *r);
  char *(*value_varchar)(duckdb_result *r, idx_t col, idx_t row);
  void (*free_)(void *p);
  const char *(*library_version)(void);
} api;

#define DEFAULT_LIB "bench/peers/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so"

static void die(const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "duckdb_driver: ");
  fprintf(stderr, fmt, a, b);
  fputc('\n', stderr);
  exit(2);
}

static void *sym(void *h, const char *name, const char *lib) {
  void *p = dlsym(h, name);
  if (!p) die("%s: missing symbol %s", lib, name);
  return p;
}

static void load_api(api *a, const char *lib) {
  void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!h) die("cannot load %s: %s", lib, dlerror());
  /* POSIX allows converting dlsym's void * to a function pointer. */
  *(void **)&a->open = sym(h, "duckdb_open", lib);
  *(void **)&a->close = sym(h, "duckdb_close", lib);
  *(void **)&a->connect = sym(h, "duckdb_connect", lib);
  *(void **)&a->disconnect = sym(h, "duckdb_disconnect", lib);
  *(void **)&a->query = sym(h, "duckdb_query", lib);
  *(void **)&a->destroy_result = sym(h, "duckdb_destroy_result", lib);
  *(void **)&a->result_error = sym(h, "duckdb_result_error", lib);
  *(void **)&a->row_count = sym(h, "duckdb_row_count", lib);
  *(void **)&a->column_count = sym(h, "duckdb_column_count", lib);
  *(void **)&a->value_varchar = sym(h, "duckdb_value_varchar", lib);
  *(void **)&a->free_ = sym(h, "duckdb_free", lib);
  *(void **)&a->library_version = sym(h, "duckdb_library_version", lib);
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open %s: %s", path, strerror(errno));
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  if (!buf) die("out of memory%s%s", "", "");
  size_t n;
  while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (cap - len < 2) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (!nb) die("out of memory%s%s", "", "");
      buf = nb;
    }
  }
  if (ferror(f)) die("read error on %s%s", path, "");
  fclose(f);
  buf[len] = '\0';
  return buf;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Runs sql; on error prints DuckDB's message (with the argument's name). */
static void run(const api *a, duckdb_connection con, const char *sql, const char *what,
                duckdb_result *res) {
  if (a->query(con, sql, res) != DuckDBSuccess) {
    const char *msg = a->result_error(res);
    die("query failed (%s): %s", what, msg ? msg : "(no message)");
  }
}

int main(int argc, char **argv) {
  const char *lib = getenv("DUCKDB_LIB");
  if (!lib || !*lib) lib = DEFAULT_LIB;
  int fresh = 0, version = 0;
  long threads = 0, repeat = 0;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
    const char *o = argv[i];
    if (!strcmp(o, "--fresh")) fresh = 1;
    else if (!strcmp(o, "--version")) version = 1;
    else if (!strcmp(o, "--lib") || !strcmp(o, "--threads") || !strcmp(o, "--repeat")) {
      if (i + 1 >= argc) die("%s needs a value%s", o, "");
      const char *v = argv[++i];
      if (!strcmp(o, "--lib")) { lib = v; continue; }
      char *end;
      long n = strtol(v, &end, 10);
      if (*end || n < (o[2] == 't' ? 1 : 0)) die("%s: bad number '%s'", o, v);
      if (o[2] == 't') threads = n; else repeat = n;
    } else {
      die("unknown option '%s'%s", o, "");
    }
  }
  api a;
  load_api(&a, lib);
  if (version) { printf("%s\n", a.library_version()); return 0; }
  if (argc - i < 2) {
    fputs("usage: duckdb_driver [--lib SO] [--fresh] [--threads N] [--repeat K] DATABASE SQL|@FILE...\n",
          stderr);
    return 2;
  }
  const char *dbpath = argv[i++];
  if (fresh && strcmp(dbpath, ":memory:")) {
    char wal[4096];
    snprintf(wal, sizeof wal, "%s.wal", dbpath);
    if (unlink(dbpath) && errno != ENOENT) die("cannot remove %s: %s", dbpath, strerror(errno));
    if (unlink(wal) && errno != ENOENT) die("cannot remove %s: %s", wal, strerror(errno));
  }

  duckdb_database db;
  duckdb_connection con;
  if (a.open(dbpath, &db) != DuckDBSuccess) die("cannot open database %s%s", dbpath, "");
  if (a.connect(db, &con) != DuckDBSuccess) die("cannot connect to %s%s", dbpath, "");

  duckdb_result res;
  if (threads) {
    char set[64];
    snprintf(set, sizeof set, "SET threads = %ld", threads);
    run(&a, con, set, "--threads", &res);
    a.destroy_result(&res);
  }
  for (; i < argc; i++) {
    const char *arg = argv[i];
    char *text = arg[0] == '@' ? read_file(arg + 1) : NULL;
    const char *sql = text ? text : arg;
    const int last = i == argc - 1;
    run(&a, con, sql, arg, &res);
    if (last && repeat > 0) {
      double *t = malloc((size_t)repeat * sizeof *t);
      if (!t) die("out of memory%s%s", "", "");
      for (long r = 0; r < repeat; r++) {
        duckdb_result again;
        double t0 = now();
        run(&a, con, sql, arg, &again);
        t[r] = now() - t0;
        a.destroy_result(&again);
      }
      qsort(t, (size_t)repeat, sizeof *t, cmp_double);
      double med = repeat % 2 ? t[repeat / 2] : (t[repeat / 2 - 1] + t[repeat / 2]) / 2;
      fprintf(stderr, "query: median=%.9f min=%.9f max=%.9f runs=%ld\n", med, t[0],
              t[repeat - 1], repeat);
      free(t);
    }
    if (last) {
      idx_t rows = a.row_count(&res), cols = a.column_count(&res);
      for (idx_t r = 0; r < rows; r++) {
        for (idx_t c = 0; c < cols; c++) {
          char *v = a.value_varchar(&res, c, r);
          printf("%s%s", c ? "," : "", v ? v : "");
          if (v) a.free_(v);
        }
        putchar('\n');
      }
    }
    a.destroy_result(&res);
    free(text);
  }
  a.disconnect(&con);
  a.close(&db);
  if (fflush(stdout) || ferror(stdout)) die("write error on standard output%s%s", "", "");
  return 0;
}
