/*
** maxrss.c -- peak resident memory of a command, for `make bench` (W7).
**
**   maxrss OUT CMD [ARGS...]
**
** Runs CMD (PATH is searched) with the same standard streams, waits for it
** with wait4 and writes to the file OUT one line: its peak resident set
** size in KiB (ru_maxrss) and the CPU time it used in seconds (user +
** system, all threads), separated by a space.  Exits with CMD's exit status
** (128 + signal number if it was killed), or 127 if it could not be run;
** OUT is only written when CMD exits 0.  This is what GNU time's %M
** reports, without needing the package.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fputs("usage: maxrss OUT CMD [ARGS...]\n", stderr);
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "maxrss: fork: %s\n", strerror(errno));
    return 127;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    fprintf(stderr, "maxrss: cannot run %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "maxrss: wait4: %s\n", strerror(errno));
      return 127;
    }
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  int rc = WEXITSTATUS(status);
  if (rc == 0) {
    FILE *f = fopen(argv[1], "w");
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    if (!f || fprintf(f, "%ld %.6f\n", ru.ru_maxrss, cpu) < 0 || fclose(f)) {
      fprintf(stderr, "maxrss: cannot write %s: %s\n", argv[1], strerror(errno));
      return 127;
    }
  }
  return rc;
}
