/*
** tmpfile.c -- temporaries beside a target, put in place at the end
** (contract in tmpfile.h).
*/
#include "tmpfile.h"
#include "err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Registered temporaries, for seg_tmp_remove_all in a signal handler: a
** slot is filled before it is marked used, and marked unused before it is
** reused, so the handler never reads a half-written name. */
#define NSLOTS 8
static char slot_path[NSLOTS][PATH_MAX];
static volatile sig_atomic_t slot_used[NSLOTS];

static void reg_add(const char *p) {
  if (strlen(p) >= PATH_MAX) return;
  for (int i = 0; i < NSLOTS; i++)
    if (!slot_used[i]) {
      strcpy(slot_path[i], p);
      slot_used[i] = 1;
      return;
    }
}

static void reg_del(const char *p) {
  for (int i = 0; i < NSLOTS; i++)
    if (slot_used[i] && strcmp(slot_path[i], p) == 0) slot_used[i] = 0;
}

void seg_tmp_remove_all(void) {
  for (int i = 0; i < NSLOTS; i++)
    if (slot_used[i]) {
      unlink(slot_path[i]);
      slot_used[i] = 0;
    }
}

int seg_tmp_special(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

/* The file a write to target really replaces: symlinks followed. malloc'd. */
static char *resolved(const char *target) {
  char *r = realpath(target, NULL);
  return r ? r : strdup(target);
}

/* Removes TARGET.tmp.PID.XXXXXX files whose PID is not running. */
static void remove_stale(const char *real) {
  char *d = strdup(real), *b = strdup(real);
  if (!d || !b) goto out;
  const char *dir = dirname(d), *base = basename(b);
  size_t bl = strlen(base);
  DIR *dh = opendir(dir);
  if (!dh) goto out;
  struct dirent *e;
  while ((e = readdir(dh)) != NULL) {
    const char *n = e->d_name;
    if (strncmp(n, base, bl) != 0 || strncmp(n + bl, ".tmp.", 5) != 0) continue;
    char *end;
    long pid = strtol(n + bl + 5, &end, 10);
    if (end == n + bl + 5 || *end != '.' || strlen(end) != 7 || pid <= 0 || pid == (long)getpid()) continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;     /* alive, or not ours to judge */
    char *full;
    if (asprintf(&full, "%s/%s", dir, n) >= 0) {
      unlink(full);
      free(full);
    }
  }
  closedir(dh);
out:
  free(d);
  free(b);
}

int seg_tmp_create(const char *target, char **tmp_out, char *err, size_t errlen) {
  *tmp_out = NULL;
  char *real = resolved(target), *tmp = NULL;
  if (!real || asprintf(&tmp, "%s.tmp.%ld.XXXXXX", real, (long)getpid()) < 0) {
    free(real);
    seg_set_err(err, errlen, "%s: out of memory", target);
    return -1;
  }
  remove_stale(real);
  /* no signal between the file's creation and its registration: the
  ** handlers would leave it behind */
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  sigaddset(&block, SIGBUS);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  int fd = mkstemp(tmp);
  if (fd >= 0) reg_add(tmp);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (fd < 0) {
    seg_set_err(err, errlen, "%s: cannot write: cannot create temporary file beside it: %s", target, strerror(errno));
    free(real);
    free(tmp);
    return -1;
  }
  /* the target's own mode (customer data stays as private as it was), or
  ** what a plain open would give a new file */
  struct stat st;
  mode_t mode;
  if (stat(real, &st) == 0) mode = st.st_mode & 07777;
  else {
    mode_t um = umask(0);
    umask(um);
    mode = 0666 & ~um;
  }
  (void)fchmod(fd, mode);
  free(real);
  *tmp_out = tmp;
  return fd;
}

void seg_tmp_discard(char *tmp) {
  if (!tmp) return;
  unlink(tmp);
  reg_del(tmp);
  free(tmp);
}

/* Copies src's bytes over dst in place (dst has other hard links). */
static int copy_into(const char *src, const char *dst) {
  int in = open(src, O_RDONLY), out = in >= 0 ? open(dst, O_WRONLY | O_TRUNC) : -1, rc = -1;
  if (in >= 0 && out >= 0) {
    char buf[1 << 16];
    ssize_t n;
    rc = 0;
    while (rc == 0 && (n = read(in, buf, sizeof buf)) != 0) {
      if (n < 0) {
        if (errno == EINTR) continue;
        rc = -1;
        break;
      }
      for (ssize_t done = 0; done < n;) {
        ssize_t k = write(out, buf + done, (size_t)(n - done));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) { rc = -1; break; }
        done += k;
      }
    }
    if (rc == 0 && fsync(out) != 0) rc = -1;
  }
  int e = errno;
  if (in >= 0) close(in);
  if (out >= 0 && close(out) != 0 && rc == 0) rc = -1, e = errno;
  errno = e;
  return rc;
}

int seg_tmp_install(char *tmp, const char *target, char *err, size_t errlen) {
  /* the real target is the temporary's name without ".tmp.PID.XXXXXX" */
  char *real = strdup(tmp);
  int rc = -1;
  if (!real) {
    seg_set_err(err, errlen, "%s: out of memory", target);
    seg_tmp_discard(tmp);
    return -1;
  }
  char *dot = strrchr(real, '.');                 /* .XXXXXX */
  if (dot) *dot = 0;
  if ((dot = strrchr(real, '.'))) *dot = 0;       /* .PID */
  if ((dot = strrchr(real, '.'))) *dot = 0;       /* .tmp */
  struct stat st;
  if (stat(real, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink > 1) {
    if (copy_into(tmp, real) != 0) seg_set_err(err, errlen, "%s: cannot write: %s", target, strerror(errno));
    else rc = 0;
    seg_tmp_discard(tmp);
  } else if (rename(tmp, real) != 0) {
    seg_set_err(err, errlen, "%s: cannot rename %s into place: %s", target, tmp, strerror(errno));
    seg_tmp_discard(tmp);
  } else {
    reg_del(tmp);
    free(tmp);
    rc = 0;
    char *d = dirname(real);                      /* make the rename durable */
    int dfd = open(d, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
      fsync(dfd);
      close(dfd);
    }
  }
  free(real);
  return rc;
}
