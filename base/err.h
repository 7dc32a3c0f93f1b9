/*
** err.h -- the one way a library function reports a failure: a message
** into the caller's buffer (err, errlen), printf-style.
*/
#ifndef SEG_ERR_H
#define SEG_ERR_H

#include <stddef.h>

/* SEG_ASSERT(cond): an invariant the code relies on (the verifier or the
** caller guarantees it). Checked in the sanitizer build (make san defines
** SEG_CHECKED), free in the others. */
#ifdef SEG_CHECKED
#include <assert.h>
#define SEG_ASSERT(cond) assert(cond)
#else
#define SEG_ASSERT(cond) ((void)0)
#endif

/* Formats into err (NUL-terminated, cut to errlen); no-op without a buffer. */
void seg_set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
