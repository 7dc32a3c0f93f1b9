/*
** seg.h -- libseg, the engine of `seg` as a C library.
**
** Open a customer file (a CSV export or a .segcol) and its event tables,
** compile rules against its columns, run them, read the counts, measures
** and members. Every object is an opaque handle owned by the caller and
** released with its _free / _close function; there is no global state, so
** separate handles may be used from separate threads at once (one handle
** by one thread at a time).
**
** Errors: functions that can fail return SEG_OK (0) or a seg_status, with
** a one-line message written to err (err may be NULL when errlen is 0).
** Rule mistakes are diagnostics (code, severity, location, message), as
** `seg check` prints them.
**
**   seg_data *d;  seg_rules *r;  seg_results *res;  char err[256];
**   if (seg_data_open("customers.csv", &d, err, sizeof err)) ...
**   if (seg_rules_compile(text, len, "rules.seg", d, "2026-11-23", &r, err, sizeof err)) ... diagnostics
**   if (seg_run(r, d, &res, err, sizeof err)) ...
**   for (size_t s = 0; s < seg_results_segments(res); s++)
**     printf("%s %llu\n", seg_results_name(res, s), (unsigned long long)seg_results_count(res, s));
**
** Link with `pkg-config --cflags --libs libseg`. Only the functions below
** are exported from libseg.so.
*/
#ifndef SEG_H
#define SEG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SEG_API_VERSION 1            /* bumped when this interface changes */
#if defined(__GNUC__)
#define SEG_API __attribute__((visibility("default")))
#else
#define SEG_API
#endif

typedef enum seg_status {
  SEG_OK = 0,
  SEG_ERR_RULES = 1,                 /* the rules have errors: see the diagnostics */
  SEG_ERR_INPUT = 2,                 /* a file could not be read, a bad argument */
  SEG_ERR_MEMORY = 3
} seg_status;

typedef struct seg_data seg_data;        /* a customer table and its event tables */
typedef struct seg_rules seg_rules;      /* compiled rules and their diagnostics   */
typedef struct seg_results seg_results;  /* the members of each segment            */

/* The library's version, as `seg --version` prints it after "seg ". */
SEG_API const char *seg_version(void);

/* ---- data ------------------------------------------------------------------ */

/* Opens a .segcol file or imports a CSV export in memory (types inferred
** from every value, as `seg import` does). */
SEG_API int seg_data_open(const char *path, seg_data **out, char *err, size_t errlen);
/* Adds an event table the rules may read as `table NAME by KEY`. */
SEG_API int seg_data_add_table(seg_data *d, const char *name, const char *path, char *err, size_t errlen);
SEG_API size_t seg_data_rows(const seg_data *d);
SEG_API size_t seg_data_columns(const seg_data *d);
SEG_API const char *seg_data_column_name(const seg_data *d, size_t col);
/* The column called name, or -1. */
SEG_API long seg_data_column(const seg_data *d, const char *name);
/* The text of a cell as `seg run --members --columns` writes it, NUL-terminated
** into buf (cap bytes); returns its length, or -1 when missing (buf "")
** or out of range. */
SEG_API long seg_data_cell(const seg_data *d, size_t col, size_t row, char *buf, size_t cap);
SEG_API void seg_data_close(seg_data *d);

/* ---- rules ----------------------------------------------------------------- */

typedef struct seg_diagnostic {
  const char *code;                  /* "E0102", "W0201", ...                   */
  int is_error;                      /* 1 error, 0 warning                      */
  int line, column, end_line, end_column;   /* 1-based, columns in code points */
  const char *message;
} seg_diagnostic;

/* Compiles text[0..len) (a .seg file's contents; file names it in
** diagnostics) against d's columns and event tables, with today a date
** YYYY-MM-DD (NULL: the local date). *out is set whenever the rules could
** be parsed at all, also with SEG_ERR_RULES, so that the diagnostics can
** be read; lint warnings are among them. */
SEG_API int seg_rules_compile(const char *text, size_t len, const char *file, const seg_data *d, const char *today,
                              seg_rules **out, char *err, size_t errlen);
SEG_API size_t seg_rules_diagnostics(const seg_rules *r);
SEG_API const seg_diagnostic *seg_rules_diagnostic(const seg_rules *r, size_t i);
SEG_API void seg_rules_free(seg_rules *r);

/* ---- run -------------------------------------------------------------------- */

/* Runs compiled rules over d (the data they were compiled against). */
SEG_API int seg_run(const seg_rules *r, seg_data *d, seg_results **out, char *err, size_t errlen);
SEG_API size_t seg_results_segments(const seg_results *res);
SEG_API const char *seg_results_name(const seg_results *res, size_t seg);
SEG_API uint64_t seg_results_count(const seg_results *res, size_t seg);
SEG_API size_t seg_results_measures(const seg_results *res);
SEG_API const char *seg_results_measure_name(const seg_results *res, size_t m);
/* Measure m of segment seg: 0 with *value set, or -1 when missing. */
SEG_API int seg_results_measure(const seg_results *res, size_t seg, size_t m, double *value);
/* The members of segment seg in row order: start with *row = (size_t)-1;
** each call moves *row to the next member and returns 1, then 0. */
SEG_API int seg_results_next(const seg_results *res, size_t seg, size_t *row);
SEG_API void seg_results_free(seg_results *res);

#ifdef __cplusplus
}
#endif
#endif
