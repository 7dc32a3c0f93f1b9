/*
** why.h -- the program `seg why` explains: the rules of a seg_compiled
** compiled again by the same code generator with every segment in
** register form, and where each condition's value is (codegen.h's probes).
**
** Ownership: seg_why_compile fills *out and *probes; the caller frees them
** (seg_program_free, free(probes->v)).
*/
#ifndef SEG_WHY_H
#define SEG_WHY_H

#include "codegen.h"
#include "compile.h"

/* Compiles c's checked rules (c->ok) for the columns and date of c->prog.
** Returns 0, or -1 with a message in err (out of memory, or an internal
** error the verifier found). */
int seg_why_compile(seg_compiled *c, seg_program *out, seg_cg_probes *probes, char *err, size_t errlen);

/* The segment n names, when n is a reference to one; else NULL. */
const seg_stmt *seg_why_segment_ref(const seg_node *n);

#endif
