/*
** handloop.c -- the hand-written C baseline for `make bench`.
**
**   handloop FILE.csv [--repeat K]
**
** Reads a CSV written by build/gencustomers (no quoted fields, LF line
** ends, header on line 1) into plain arrays -- age as int16 with a
** separate missing flag, purchases_90d as int16 -- and then times only the
** loop that counts the rows of
**
**     segment young_buyers = age 25..40 and purchases_90d > 3
**
** (a missing age or purchases_90d makes the row not count, as in seg).
** The loop is branch-free so the compiler can vectorise it; it runs K
** times (default 5) and the fastest run is reported:
**
**     count=N seconds=S median=M max=X runs=K
**
** (seconds is the fastest run; median and max describe all K runs.)
**
** This is "the limit" seg's VM is measured against: the same columns,
** already in memory, with no interpretation overhead.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct columns {
  int16_t *age;
  uint8_t *age_ok;      /* 1 when age is present                     */
  int16_t *p90;
  uint8_t *p90_ok;      /* 1 when purchases_90d is present           */
  size_t n, cap;
} columns;

enum { COL_AGE = 6, COL_P90 = 9 };   /* zero-based field positions */

static void die(const char *msg, const char *arg) {
  fprintf(stderr, "handloop: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
  exit(2);
}

static void grow(columns *c) {
  c->cap = c->cap ? c->cap * 2 : 1u << 20;
  c->age = realloc(c->age, c->cap * sizeof *c->age);
  c->age_ok = realloc(c->age_ok, c->cap);
  c->p90 = realloc(c->p90, c->cap * sizeof *c->p90);
  c->p90_ok = realloc(c->p90_ok, c->cap);
  if (!c->age || !c->age_ok || !c->p90 || !c->p90_ok) die("out of memory", NULL);
}

/* Parse a small non-negative integer field [p, end); *ok = 0 when empty. */
static int16_t parse_i16(const char *p, const char *end, uint8_t *ok) {
  int v = 0;
  *ok = p < end;
  for (; p < end; p++) {
    if (*p < '0' || *p > '9' || v > 3276) { *ok = 0; return 0; }
    v = v * 10 + (*p - '0');
  }
  return (int16_t)v;
}

static void load(const char *path, columns *c) {
  FILE *f = fopen(path, "rb");
  if (!f) die(strerror(errno), path);
  char *line = NULL;
  size_t linecap = 0;
  ssize_t len;
  int header = 1;
  while ((len = getline(&line, &linecap, f)) > 0) {
    if (header) { header = 0; continue; }
    const char *p = line, *end = line + len;
    const char *fs[COL_P90 + 2];      /* start of fields 0..COL_P90+1 */
    int k = 0;
    fs[k++] = p;
    for (; p < end && k < COL_P90 + 2; p++)
      if (*p == ',') fs[k++] = p + 1;
    if (k < COL_P90 + 2) die("short row in", path);
    if (c->n == c->cap) grow(c);
    c->age[c->n] = parse_i16(fs[COL_AGE], fs[COL_AGE + 1] - 1, &c->age_ok[c->n]);
    c->p90[c->n] = parse_i16(fs[COL_P90], fs[COL_P90 + 1] - 1, &c->p90_ok[c->n]);
    c->n++;
  }
  free(line);
  if (ferror(f)) die("read error", path);
  fclose(f);
}

/* The measured loop: no branches in the body. */
static uint64_t count_young_buyers(const columns *c) {
  uint64_t count = 0;
  const int16_t *age = c->age, *p90 = c->p90;
  const uint8_t *aok = c->age_ok, *pok = c->p90_ok;
  for (size_t i = 0; i < c->n; i++)
    count += (uint64_t)(aok[i] & pok[i] & ((uint16_t)(age[i] - 25) <= 15) & (p90[i] > 3));
  return count;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  const char *path = NULL;
  long repeat = 5;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
      char *e;
      repeat = strtol(argv[++i], &e, 10);
      if (*e || repeat < 1) die("--repeat needs a positive integer", argv[i]);
    } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      puts("usage: handloop FILE.csv [--repeat K]");
      return 0;
    } else if (!path) {
      path = argv[i];
    } else {
      die("unexpected argument", argv[i]);
    }
  }
  if (!path) die("usage: handloop FILE.csv [--repeat K]", NULL);

  columns c = {0};
  load(path, &c);

  volatile uint64_t sink = 0;   /* keeps every repetition alive */
  uint64_t count = 0;
  double *t = malloc((size_t)repeat * sizeof *t);
  if (!t) die("out of memory", NULL);
  for (long r = 0; r < repeat; r++) {
    double t0 = now();
    count = count_young_buyers(&c);
    double t1 = now();
    sink += count;
    t[r] = t1 - t0;
  }
  (void)sink;
  qsort(t, (size_t)repeat, sizeof *t, cmp_double);
  double median = repeat % 2 ? t[repeat / 2] : (t[repeat / 2 - 1] + t[repeat / 2]) / 2;
  printf("count=%llu seconds=%.9f median=%.9f max=%.9f runs=%ld\n",
         (unsigned long long)count, t[0], median, t[repeat - 1], repeat);
  free(t);

  free(c.age); free(c.age_ok); free(c.p90); free(c.p90_ok);
  return 0;
}
