/*
** bgwrite.h -- writes (and reads ahead) to one file done by a background
** thread, so that a writer with O_DIRECT (which blocks for the device)
** goes on computing.
**
** seg_bgw_open starts the thread; seg_bgw_write queues a pwrite of a
** buffer at an offset and returns a ticket; the buffer belongs to the
** queue until seg_bgw_wait of that ticket (or of a later one) returns.
** Writes are done in the order queued.  The first failure's errno is kept
** (seg_bgw_error); later writes are dropped.  seg_bgw_sync waits for
** every write queued and returns that errno.  An O_DIRECT write refused
** with EINVAL (a filesystem without it) clears O_DIRECT on the file and
** is done again through the page cache.  seg_bgw_read queues a pread
** the same way (its bytes are there once the ticket is waited for; a
** short read is EIO).  seg_bgw_close waits for every
** write, stops the thread and returns the errno (0: all written).
*/
#ifndef SEG_BGWRITE_H
#define SEG_BGWRITE_H

#include <stddef.h>
#include <stdint.h>

typedef struct seg_bgw seg_bgw;

seg_bgw *seg_bgw_open(int fd);
uint64_t seg_bgw_write(seg_bgw *q, const void *b, size_t n, uint64_t off);
uint64_t seg_bgw_read(seg_bgw *q, void *b, size_t n, uint64_t off);
void seg_bgw_wait(seg_bgw *q, uint64_t ticket);
int seg_bgw_error(seg_bgw *q);
int seg_bgw_sync(seg_bgw *q);
int seg_bgw_close(seg_bgw *q);

/* What the thread does for each request, for a caller without one: all n
** bytes at off read into b (rd) or written from it, EINTR retried, O_DIRECT
** cleared on fd and the transfer retried when refused (EINVAL).  0, or the
** errno (EIO: a short read). */
int seg_bgw_pio(int fd, int rd, void *b, size_t n, uint64_t off);

#endif
