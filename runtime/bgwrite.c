/*
** bgwrite.c -- writes done by a background thread (contract in bgwrite.h).
*/
#include "bgwrite.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define QN 16

struct seg_bgw {
  int fd;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct { unsigned char *b; size_t n; uint64_t off; int rd; } q[QN];
  uint64_t queued, done;   /* writes queued; done (in order) */
  int err;
  int stop;
};

int seg_bgw_pio(int fd, int rd, void *buf, size_t n, uint64_t off) {
  unsigned char *b = buf;
  for (size_t k = 0; k < n;) {
    ssize_t w = rd ? pread(fd, b + k, n - k, (off_t)(off + k)) : pwrite(fd, b + k, n - k, (off_t)(off + k));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EINVAL) {              /* O_DIRECT refused: the page cache */
      int fl = fcntl(fd, F_GETFL);
      if (fl >= 0 && (fl & O_DIRECT) && fcntl(fd, F_SETFL, fl & ~O_DIRECT) == 0) continue;
    }
    if (w <= 0) return w < 0 ? errno : EIO;
    k += (size_t)w;
  }
  return 0;
}

static void *run(void *arg) {
  seg_bgw *q = arg;
  pthread_mutex_lock(&q->mu);
  for (;;) {
    while (q->done == q->queued && !q->stop) pthread_cond_wait(&q->cv, &q->mu);
    if (q->done == q->queued) break;
    size_t i = (size_t)(q->done % QN);
    int skip = q->err != 0;
    pthread_mutex_unlock(&q->mu);
    int e = skip ? 0 : seg_bgw_pio(q->fd, q->q[i].rd, q->q[i].b, q->q[i].n, q->q[i].off);
    pthread_mutex_lock(&q->mu);
    if (e != 0 && q->err == 0) q->err = e;
    q->done++;
    pthread_cond_broadcast(&q->cv);
  }
  pthread_mutex_unlock(&q->mu);
  return NULL;
}

seg_bgw *seg_bgw_open(int fd) {
  seg_bgw *q = calloc(1, sizeof *q);
  if (q == NULL) return NULL;
  q->fd = fd;
  pthread_mutex_init(&q->mu, NULL);
  pthread_cond_init(&q->cv, NULL);
  if (pthread_create(&q->th, NULL, run, q) != 0) {
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q);
    return NULL;
  }
  return q;
}

static uint64_t queue(seg_bgw *q, void *b, size_t n, uint64_t off, int rd) {
  pthread_mutex_lock(&q->mu);
  while (q->queued - q->done == QN) pthread_cond_wait(&q->cv, &q->mu);
  uint64_t t = q->queued++;
  size_t i = (size_t)(t % QN);
  q->q[i].b = b;
  q->q[i].n = n;
  q->q[i].off = off;
  q->q[i].rd = rd;
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
  return t;
}

uint64_t seg_bgw_write(seg_bgw *q, const void *b, size_t n, uint64_t off) {
  return queue(q, (void *)(uintptr_t)b, n, off, 0);
}

uint64_t seg_bgw_read(seg_bgw *q, void *b, size_t n, uint64_t off) {
  return queue(q, b, n, off, 1);
}

void seg_bgw_wait(seg_bgw *q, uint64_t ticket) {
  pthread_mutex_lock(&q->mu);
  while (q->done <= ticket) pthread_cond_wait(&q->cv, &q->mu);
  pthread_mutex_unlock(&q->mu);
}

int seg_bgw_error(seg_bgw *q) {
  pthread_mutex_lock(&q->mu);
  int e = q->err;
  pthread_mutex_unlock(&q->mu);
  return e;
}

int seg_bgw_sync(seg_bgw *q) {
  pthread_mutex_lock(&q->mu);
  while (q->done < q->queued) pthread_cond_wait(&q->cv, &q->mu);
  int e = q->err;
  pthread_mutex_unlock(&q->mu);
  return e;
}

int seg_bgw_close(seg_bgw *q) {
  if (q == NULL) return 0;
  pthread_mutex_lock(&q->mu);
  q->stop = 1;
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
  pthread_join(q->th, NULL);
  int e = q->err;
  pthread_mutex_destroy(&q->mu);
  pthread_cond_destroy(&q->cv);
  free(q);
  return e;
}
