/*
** io.c -- file reading shared by the `seg` subcommands.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"

char *seg_cli_read_file(const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "seg: %s: cannot open: %s\n", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    char *nb = realloc(buf, cap * 2);
    if (!nb) { free(buf); buf = NULL; break; }
    buf = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  if (f != stdin) fclose(f);
  if (!buf || bad) {
    fprintf(stderr, "seg: %s: cannot read%s\n", path, buf ? "" : " (out of memory)");
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

void seg_cli_json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

FILE *seg_cli_atomic_open(const char *path, char **tmp) {
  *tmp = NULL;
  if (asprintf(tmp, "%s.tmp.XXXXXX", path) < 0) {
    *tmp = NULL;
    fprintf(stderr, "seg: %s: cannot write: out of memory\n", path);
    return NULL;
  }
  int fd = mkstemp(*tmp);
  FILE *f = NULL;
  if (fd >= 0) {
    /* the mode the file would get from a plain fopen, or the one it has */
    struct stat st;
    mode_t mode;
    if (stat(path, &st) == 0) mode = st.st_mode & 07777;
    else {
      mode_t mask = umask(0);
      umask(mask);
      mode = 0666 & ~mask;
    }
    (void)fchmod(fd, mode);
    f = fdopen(fd, "wb");
  }
  if (!f) {
    fprintf(stderr, "seg: %s: cannot write: %s\n", path, strerror(errno));
    if (fd >= 0) { close(fd); unlink(*tmp); }
    free(*tmp);
    *tmp = NULL;
  }
  return f;
}

int seg_cli_atomic_commit(FILE *f, char *tmp, const char *path) {
  int bad = ferror(f) | (fflush(f) != 0) | (fsync(fileno(f)) != 0);
  int err = errno;
  bad |= fclose(f) != 0;
  if (!bad && rename(tmp, path) != 0) bad = 1, err = errno;
  else if (bad && errno) err = errno;
  if (bad) {
    fprintf(stderr, "seg: %s: cannot write: %s\n", path, strerror(err));
    unlink(tmp);
  }
  free(tmp);
  return bad ? -1 : 0;
}
