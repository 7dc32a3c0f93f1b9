/*
** program.h -- compiled bytecode: instructions, constants, text maps.
**
** Ownership: a seg_program owns its arrays (seg_program_free releases
** them and leaves the program empty). Text maps point at AST nodes, so a
** program lives no longer than the seg_compiled that made it.
*/
#ifndef SEG_PROGRAM_H
#define SEG_PROGRAM_H

#include <stdint.h>
#include "ast.h"
#include "table.h"

typedef enum seg_opcode {
#define OP(name, fmt, regs, sem) SEG_OP_##name,
#include "opcodes.def"
#undef OP
  SEG_OP_COUNT
} seg_opcode;

_Static_assert(SEG_OP_COUNT <= 255, "opcodes must fit a byte");

extern const char *const seg_op_names[SEG_OP_COUNT];
extern const char *const seg_op_formats[SEG_OP_COUNT];
extern const char *const seg_op_regs[SEG_OP_COUNT];     /* register kinds, see opcodes.def */
extern const char *const seg_op_semantics[SEG_OP_COUNT];

typedef struct seg_insn {
  uint16_t op, a;
  uint32_t b, c, d;
} seg_insn;

/* A text expression evaluated once per distinct value of column `col`. */
typedef struct seg_map {
  uint32_t col;
  seg_vtype type;            /* VT_BOOL, VT_INT or VT_NUM               */
  const seg_node *expr;
} seg_map;

typedef struct seg_seginfo {
  const char *name, *desc;   /* point into the AST arena                */
  seg_loc loc;
} seg_seginfo;

typedef struct seg_program {
  seg_insn *code;   uint32_t ncode, capcode;
  int64_t *ki;      uint32_t nki, capki;
  double *kf;       uint32_t nkf, capkf;
  seg_map *maps;    uint32_t nmaps, capmaps;
  seg_seginfo *segs; uint32_t nsegs;
  uint32_t nregs;
  uint32_t maxdepth;         /* deepest selection stack                 */
  uint32_t ncols;            /* columns of the schema it was built for  */
  const char *const *colnames;
  const seg_type *coltypes;
  int32_t today;
} seg_program;

void seg_program_free(seg_program *p);

#endif
