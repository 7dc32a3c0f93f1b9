/*
** progress.c -- the progress bar of `seg import` and `seg run` (and
** report, overlap) over large files: one line on stderr, redrawn at most
** ten times a second and cleared at the end,
**
**   importing crm.csv  [=========>          ]  48%  2 431 000 rows  212.4 MB/s  ETA 0:03
**
** only when stderr is a terminal and --quiet was not given, and only once
** the work has taken a third of a second (small files never flash a bar;
** SEG_PROGRESS_AFTER=SECONDS changes that, for tests and slow disks).
** The import calls seg_cli_progress_bytes after each 8 MiB slice it parses,
** the VM seg_cli_progress_rows every 32 batches, from their threads: the
** counts are atomics and one thread at a time draws (the others skip).
** Nothing here runs per row.
*/
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static struct {
  int quiet;
  int on;                         /* a bar may be drawn: a terminal, not quiet */
  char label[64];
  int by_bytes;                   /* the import: bytes of total; else rows of total */
  uint64_t total;
  _Atomic uint64_t bytes, rows, total_seen;
  _Atomic int busy;               /* a thread is drawing */
  _Atomic int drawn;              /* something is on the line */
  double start, last, after;
} P;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void seg_cli_progress_quiet(int quiet) { P.quiet = quiet; }
int seg_cli_quiet(void) { return P.quiet; }

void seg_cli_progress_begin(const char *what, const char *path, int by_bytes, uint64_t total) {
  seg_cli_progress_end();
  P.on = !P.quiet && isatty(STDERR_FILENO);
  const char *base = strrchr(path, '/');
  snprintf(P.label, sizeof P.label, "%s %.40s", what, base ? base + 1 : path);
  P.by_bytes = by_bytes;
  P.total = total;
  atomic_store(&P.bytes, 0);
  atomic_store(&P.rows, 0);
  atomic_store(&P.total_seen, total);
  P.start = now();
  P.last = 0;
  /* SEG_PROGRESS_AFTER=S: the bar from S seconds on (default a third) */
  const char *after = getenv("SEG_PROGRESS_AFTER");
  char *end;
  double d = after && *after ? strtod(after, &end) : -1;
  P.after = after && *after && !*end && d >= 0 ? d : 0.33;
}

/* m:ss (or h:mm:ss) of t seconds */
static void clock_text(double t, char *out, size_t n) {
  unsigned long s = t > 0 && t < 360000 ? (unsigned long)(t + 0.5) : 0;
  if (s >= 3600) snprintf(out, n, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
  else snprintf(out, n, "%lu:%02lu", s / 60, s % 60);
}

static void draw(void) {
  double t = now(), el = t - P.start;
  if (el < P.after || t - P.last < 0.1) return;
  if (atomic_exchange(&P.busy, 1)) return;          /* another thread draws */
  P.last = t;
  uint64_t total = atomic_load(&P.total_seen), bytes = atomic_load(&P.bytes), rows = atomic_load(&P.rows);
  uint64_t done = P.by_bytes ? bytes : rows;
  if (total && done > total) done = total;
  double frac = total ? (double)done / (double)total : 0;
  struct winsize ws;
  int cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 80;
  char tail[200], num[40], eta[64] = "";
  seg_cli_group_digits(rows, num, sizeof num);
  if (frac > 0.01 && frac < 1) {
    char c[40];
    clock_text(el * (1 - frac) / frac, c, sizeof c);
    snprintf(eta, sizeof eta, "  ETA %s", c);
  }
  if (P.by_bytes)
    snprintf(tail, sizeof tail, "%3.0f%%  %s rows  %.1f MB/s%s", 100 * frac, num, (double)bytes / 1e6 / el, eta);
  else
    snprintf(tail, sizeof tail, "%3.0f%%  %s rows  %.1f M rows/s%s", 100 * frac, num, (double)rows / 1e6 / el, eta);
  int width = cols - 1 - (int)strlen(P.label) - 2 - 4 - (int)strlen(tail);
  if (width > 40) width = 40;
  char line[512];
  int n = snprintf(line, sizeof line, "\r%s", P.label);
  if (width >= 10) {
    int fill = (int)(frac * width);
    line[n++] = ' ', line[n++] = ' ', line[n++] = '[';
    for (int i = 0; i < width; i++) line[n++] = i < fill ? '=' : i == fill ? '>' : ' ';
    line[n++] = ']';
  }
  n += snprintf(line + n, sizeof line - (size_t)n, "  %s\033[K", tail);
  if (write(STDERR_FILENO, line, (size_t)n) > 0) atomic_store(&P.drawn, 1);
  atomic_store(&P.busy, 0);
}

void seg_cli_progress_bytes(void *ctx, uint64_t bytes, uint64_t records, uint64_t total) {
  (void)ctx;
  if (!P.on) return;
  atomic_fetch_add(&P.bytes, bytes);
  atomic_fetch_add(&P.rows, records);
  atomic_store(&P.total_seen, total);
  draw();
}

void seg_cli_progress_rows(void *ctx, uint64_t rows) {
  (void)ctx;
  if (!P.on) return;
  atomic_fetch_add(&P.rows, rows);
  draw();
}

void seg_cli_progress_end(void) {
  if (atomic_exchange(&P.drawn, 0)) {
    static const char clear[] = "\r\033[K";
    if (write(STDERR_FILENO, clear, sizeof clear - 1) < 0) { /* nothing to be done */ }
  }
  P.on = 0;
}
