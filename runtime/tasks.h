/*
** tasks.h -- a tiny work pool: numbered tasks taken in order by threads.
*/
#ifndef SEG_TASKS_H
#define SEG_TASKS_H

#include <stddef.h>

#define SEG_TASKS_MAX_THREADS 64

/* Runs fn(arg, i) for every i in [0, ntasks) on up to nthreads threads, the
** caller's included (a thread that cannot start leaves its share to the
** others); returns when all are done. */
void seg_run_tasks(size_t nthreads, size_t ntasks, void (*fn)(void *arg, size_t i), void *arg);

#endif
