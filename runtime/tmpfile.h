/*
** tmpfile.h -- the one way seg replaces a file: write a temporary beside
** the target, then put it in place, so a failure, a full disk or a signal
** never leaves a partial file under the target's name.
**
** seg_tmp_create(target, ...) resolves the target through symlinks (a
** symlink is written through, never replaced by a file), removes stale
** temporaries of that target left by a killed seg (named
** TARGET.tmp.PID.XXXXXX; only those whose PID is no longer running), and
** creates TARGET.tmp.<our pid>.XXXXXX with the target's mode (a new file:
** 0666 & ~umask). The temporary is registered so that seg_tmp_remove_all
** (async-signal-safe, called from the CLI's signal handlers) removes it.
**
** seg_tmp_install puts a finished temporary in place: renamed over the
** target, or, when the target has other hard links, copied into it so
** every link sees the new content; then the directory is fsync'd.
** seg_tmp_discard removes an unfinished one. Both unregister it.
**
** seg_tmp_special reports whether path names an existing file that is not
** a regular file (a device such as /dev/null, a FIFO, a socket): such
** targets are written directly, never replaced.
**
** Ownership: *tmp_out is malloc'd; install/discard free it.
*/
#ifndef SEG_TMPFILE_H
#define SEG_TMPFILE_H

#include <stddef.h>

/* Returns an fd open for writing on a new temporary, or -1 with err set. */
int seg_tmp_create(const char *target, char **tmp_out, char *err, size_t errlen);
/* Puts tmp in place of target (the fd must be closed). 0, or -1 with err;
** tmp is removed and freed either way. */
int seg_tmp_install(char *tmp, const char *target, char *err, size_t errlen);
void seg_tmp_discard(char *tmp);
/* Unlinks every registered temporary; safe in a signal handler. */
void seg_tmp_remove_all(void);
/* 1 when path exists and is not a regular file (after symlinks). */
int seg_tmp_special(const char *path);

#endif
