/*
** xalloc.c -- the allocation choke point (see xalloc.h): counts every
** allocation call and fails the one SEG_FAIL_ALLOC names, or, with
** SEG_ALLOC_WALK, forks one child per allocation to fail (a walk).
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

#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_ulong calls;          /* allocation calls so far              */
static unsigned long fail_at;       /* 0: never fail; else the call to fail  */
static int fail_after;              /* 1: also every call after fail_at      */
static int backtrace_on;            /* SEG_ALLOC_BACKTRACE: where fail_at is  */

static void print_count(void) {
  fprintf(stderr, "seg: %lu allocations\n", (unsigned long)atomic_load(&calls));
}

/* ---- SEG_ALLOC_WALK=DIR: an out-of-memory walk in one process start -------
** DIR/ns lists the allocations to fail, one a line ("N": the N-th call,
** "N+": that one and every later one). This process is the walk's parent:
** before main, for each line, it forks a child that goes on into main as if
** started with SEG_FAIL_ALLOC=N (its stdout in DIR/N.out, its stderr in
** DIR/N.err, N with its "+" if any, killed by SIGALRM after SEG_ALLOC_WALK_TIMEOUT seconds, default
** 30), waits for it, appends "N STATUS" to DIR/status (STATUS: the exit code,
** or 128 + the signal that ended it, as a shell says) and moves every entry
** the child left in the working folder that was not there when the walk began
** into DIR/N.files/. Then the parent exits 0 without running main; 2 (with a
** message) when DIR cannot be used. The child costs a fork, not an exec and
** the sanitizers' start-up: tests/allocfail.sh walks thousands of N. */

static void walk_die(const char *what, const char *path) {
  fprintf(stderr, "seg: SEG_ALLOC_WALK: %s %s: %s\n", what, path, strerror(errno));
  _exit(2);
}

/* The names in the working folder (NULL-terminated, malloc'ed). */
static char **walk_listdir(size_t *len) {
  DIR *d = opendir(".");
  if (!d) walk_die("cannot read", ".");
  size_t n = 0, cap = 16;
  char **v = malloc(cap * sizeof *v);
  struct dirent *e;
  while (v && (e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (n + 1 >= cap) {
      char **nv = realloc(v, (cap *= 2) * sizeof *v);
      if (!nv) { free(v); v = NULL; break; }
      v = nv;
    }
    if (!(v[n] = strdup(e->d_name))) { free(v); v = NULL; break; }
    n++;
  }
  closedir(d);
  if (!v) { fprintf(stderr, "seg: SEG_ALLOC_WALK: out of memory\n"); _exit(2); }
  v[n] = NULL;
  *len = n;
  return v;
}

static void walk_freelist(char **v) {
  for (char **p = v; *p; p++) free(*p);
  free(v);
}

/* Moves what the child left in the working folder into DIR/N.files/. */
static void walk_collect(const char *dir, const char *key, char **before, size_t nbefore) {
  size_t len;
  char **now = walk_listdir(&len);
  char path[4096];
  int made = 0;
  for (size_t i = 0; i < len; i++) {
    size_t j = 0;
    while (j < nbefore && strcmp(before[j], now[i]) != 0) j++;
    if (j < nbefore) continue;
    snprintf(path, sizeof path, "%s/%s.files", dir, key);
    if (!made && mkdir(path, 0755) != 0 && errno != EEXIST) walk_die("cannot create", path);
    made = 1;
    snprintf(path, sizeof path, "%s/%s.files/%s", dir, key, now[i]);
    if (rename(now[i], path) != 0) walk_die("cannot move to", path);
  }
  walk_freelist(now);
}

/* Runs the walk; returns only in a child, with fail_at set. */
static void walk(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/ns", dir);
  FILE *f = fopen(path, "r");
  if (!f) walk_die("cannot read", path);
  size_t count = 0, cap = 0;
  unsigned long *ns = NULL;                /* N, times 2, plus 1 when sticky */
  char line[64];
  while (fgets(line, sizeof line, f)) {
    char *end;
    unsigned long n = strtoul(line, &end, 10);
    if (end == line || n == 0) continue;
    if (count == cap) {
      unsigned long *nn = realloc(ns, (cap = cap ? 2 * cap : 256) * sizeof *ns);
      if (!nn) walk_die("out of memory reading", path);
      ns = nn;
    }
    ns[count++] = 2 * n + (*end == '+');
  }
  fclose(f);
  const char *t = getenv("SEG_ALLOC_WALK_TIMEOUT");
  unsigned secs = t && *t ? (unsigned)strtoul(t, NULL, 10) : 30;
  snprintf(path, sizeof path, "%s/status", dir);
  int status_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (status_fd < 0) walk_die("cannot write", path);
  size_t nbefore;
  char **before = walk_listdir(&nbefore);
  for (size_t i = 0; i < count; i++) {
    unsigned long n = ns[i] / 2;
    int sticky = (int)(ns[i] % 2);
    pid_t pid = fork();
    if (pid < 0) walk_die("cannot fork in", dir);
    if (pid == 0) {                        /* the child: on into main */
      const char *ext[2] = {"out", "err"};
      for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%lu%s.%s", dir, n, sticky ? "+" : "", ext[k]);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, k + 1) < 0) walk_die("cannot write", path);
        close(fd);
      }
      close(status_fd);
      free(ns);
      walk_freelist(before);
      unsetenv("SEG_ALLOC_WALK");
      unsetenv("SEG_ALLOC_WALK_TIMEOUT");
      atomic_store(&calls, 0);
      fail_at = n;
      fail_after = sticky;
      if (secs) alarm(secs);
      return;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
      if (errno != EINTR) walk_die("cannot wait in", dir);
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
    char key[32], rec[64];
    snprintf(key, sizeof key, "%lu%s", n, sticky ? "+" : "");
    walk_collect(dir, key, before, nbefore);
    int len = snprintf(rec, sizeof rec, "%s %d\n", key, code);
    if (write(status_fd, rec, (size_t)len) != len) walk_die("cannot write", "status");
  }
  _exit(0);
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
  s = getenv("SEG_ALLOC_WALK");
  if (s && *s) walk(s);
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
