/*
** xalloc.h -- the one allocation choke point of seg, with failure injection.
**
** The Makefile force-includes this header (`-include runtime/xalloc.h`) in
** every object of libseg and of the `seg` command, generated lexer and parser
** included, so the macros below send each malloc, calloc, realloc, strdup,
** strndup, asprintf and vasprintf of our own code through seg_malloc & co.
** free stays free: every seg_ function returns memory of the C library's
** malloc. The system headers that declare those functions are included first,
** so the macros cannot touch their declarations.
**
** Testing (tests/allocfail.sh):
**   SEG_FAIL_ALLOC=N    the N-th allocation call (1-based) returns NULL
**   SEG_FAIL_ALLOC=N+   the N-th and every later one return NULL
**   SEG_ALLOC_COUNT=1   at exit, print "seg: N allocations" to stderr
**   SEG_ALLOC_BACKTRACE=1  print the stack of the failing call (addr2line -e seg)
**   SEG_ALLOC_WALK=DIR  a walk: one child forked (not started) per N listed in
**                       DIR/ns, each run as with SEG_FAIL_ALLOC=N, its output,
**                       exit status and left-over files kept in DIR
**                       (xalloc.c says how; tests/lib.sh's seg_walk uses it)
** All are read once, before main (a constructor). The counter is atomic:
** the worker threads of import and run allocate too.
**
** Allocations inside libraries: libcsv's buffers (csv_set_realloc_func) and
** PCRE2's patterns and match data (a general context) come through here;
** libunistring cannot be given an allocator, so its callers ask
** seg_alloc_inject() first, which counts one allocation and says whether it
** is to fail.
*/
#ifndef SEG_XALLOC_H
#define SEG_XALLOC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *seg_malloc(size_t n);
void *seg_calloc(size_t n, size_t size);
void *seg_realloc(void *p, size_t n);
char *seg_strdup(const char *s);
char *seg_strndup(const char *s, size_t n);
int seg_asprintf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int seg_vasprintf(char **out, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* For an allocation a library makes on our behalf with its own malloc:
** counts it as one allocation call; nonzero when it must be treated as
** failed (the caller then behaves as if the library had returned NULL). */
int seg_alloc_inject(void);

/* PCRE2's memory functions (pcre2_general_context_create's signature). */
void *seg_pcre2_malloc(size_t n, void *unused);
void seg_pcre2_free(void *p, void *unused);

#undef malloc
#undef calloc
#undef realloc
#undef strdup
#undef strndup
#undef asprintf
#undef vasprintf
#define malloc seg_malloc
#define calloc seg_calloc
#define realloc seg_realloc
#define strdup seg_strdup
#define strndup seg_strndup
#define asprintf seg_asprintf
#define vasprintf seg_vasprintf

#endif
