/*
** xalloc.c -- the allocation choke point (see xalloc.h): counts every
** allocation call and fails the one SEG_FAIL_ALLOC names.
*/
#include "xalloc.h"

/* this file calls the C library itself */
#undef malloc
#undef calloc
#undef realloc
#undef strdup
#undef strndup
#undef asprintf
#undef vasprintf

#include <errno.h>
#include <execinfo.h>
#include <stdatomic.h>
#include <unistd.h>

static atomic_ulong calls;          /* allocation calls so far              */
static unsigned long fail_at;       /* 0: never fail; else the call to fail  */
static int fail_after;              /* 1: also every call after fail_at      */
static int backtrace_on;            /* SEG_ALLOC_BACKTRACE: where fail_at is  */

static void print_count(void) {
  fprintf(stderr, "seg: %lu allocations\n", (unsigned long)atomic_load(&calls));
}

/* Reads the environment once, before main and before any thread. */
__attribute__((constructor)) static void xalloc_init(void) {
  const char *s = getenv("SEG_FAIL_ALLOC");
  if (s && *s) {
    char *end;
    unsigned long n = strtoul(s, &end, 10);
    if (*end == '+') { fail_after = 1; end++; }
    if (*end == '\0' && n > 0) fail_at = n;
  }
  s = getenv("SEG_ALLOC_BACKTRACE");
  backtrace_on = s && *s && strcmp(s, "0") != 0;
  s = getenv("SEG_ALLOC_COUNT");
  if (s && *s && strcmp(s, "0") != 0) atexit(print_count);
}

/* Counts one call; nonzero (and errno ENOMEM, as malloc sets it) when it
** is to fail. */
static int tick(void) {
  unsigned long k = atomic_fetch_add(&calls, 1) + 1;
  if (fail_at == 0) return 0;
  if (k == fail_at && backtrace_on) {      /* for whoever debugs a failure: which call */
    void *frames[32];
    int n = backtrace(frames, 32);
    fprintf(stderr, "seg: allocation %lu fails here:\n", k);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
  }
  int fail = fail_after ? k >= fail_at : k == fail_at;
  if (fail) errno = ENOMEM;
  return fail;
}

int seg_alloc_inject(void) { return tick(); }

void *seg_malloc(size_t n) { return tick() ? NULL : malloc(n); }

void *seg_calloc(size_t n, size_t size) { return tick() ? NULL : calloc(n, size); }

void *seg_realloc(void *p, size_t n) { return tick() ? NULL : realloc(p, n); }

char *seg_strdup(const char *s) { return tick() ? NULL : strdup(s); }

char *seg_strndup(const char *s, size_t n) { return tick() ? NULL : strndup(s, n); }

int seg_vasprintf(char **out, const char *fmt, va_list ap) {
  if (tick()) { *out = NULL; return -1; }
  return vasprintf(out, fmt, ap);
}

int seg_asprintf(char **out, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = seg_vasprintf(out, fmt, ap);
  va_end(ap);
  return rc;
}

void *seg_pcre2_malloc(size_t n, void *unused) {
  (void)unused;
  return seg_malloc(n);
}

void seg_pcre2_free(void *p, void *unused) {
  (void)unused;
  free(p);
}
