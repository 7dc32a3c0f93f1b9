/*
** tasks.c -- see tasks.h.
*/
#include "tasks.h"

#include <pthread.h>

typedef struct pool {
  void (*fn)(void *arg, size_t i);
  void *arg;
  size_t ntasks;
  size_t next;                 /* the next task to take (atomic)        */
} pool;

static void *pool_worker(void *pv) {
  pool *pl = pv;
  for (;;) {
    size_t i = __atomic_fetch_add(&pl->next, 1, __ATOMIC_RELAXED);
    if (i >= pl->ntasks) break;
    pl->fn(pl->arg, i);
  }
  return NULL;
}

void seg_run_tasks(size_t nthreads, size_t ntasks, void (*fn)(void *, size_t), void *arg) {
  pool pl = {fn, arg, ntasks, 0};
  pthread_t tid[SEG_TASKS_MAX_THREADS];
  size_t nt = 0;
  if (nthreads > ntasks) nthreads = ntasks;
  while (nt + 1 < nthreads && nt < SEG_TASKS_MAX_THREADS && pthread_create(&tid[nt], NULL, pool_worker, &pl) == 0)
    nt++;
  pool_worker(&pl);
  for (size_t i = 0; i < nt; i++) pthread_join(tid[i], NULL);
}
