/*
** segc.h -- saved bytecode: `seg compile` writes a .segc file, `seg run`
** and `seg explain` load it, verified, instead of compiling rules.
**
** File format (version 5), little-endian throughout:
**
**   magic "SEGC\r\n\x1a\n", u32 version, u32 flags, i32 today, u32 nsections (14)
**   14 sections, in this order, each  u32 tag, u32 length, payload:
**     "PROG"  u32 nregs, maxdepth, ncode, nki, nkf, nmaps, nsegs, ncols, nops,
**             nnodes, npool
**     "OPS "  nops x (u8 len, name, u8 len, operand format): the opcodes the
**             code uses, by name, so a .segc never runs under a different
**             opcode numbering or operand layout
**     "COLS"  ncols x (u8 seg_type, u32 len, name): the schema compiled for
**     "CODE"  ncode x (u16 index into OPS, u16 a, u32 b, u32 c, u32 d)
**     "KINT"  nki x i64        "KNUM"  nkf x f64 (IEEE bits)
**     "SEGS"  nsegs x (u32 len, name, u32 len or 0xffffffff, description,
**             i32 first_line, first_column, last_line, last_column)
**     "MAPS"  nmaps x (u32 column, u8 type 1 bool / 2 int / 3 number,
**             u32 its expression's root node, i32 first_line, first_column,
**             last_line, last_column: where the rules wrote it)
**     "EXPR"  nnodes x (u8 kind, u8 type, u8 fn, u8 unit, u16 op, u8 negated,
**             i32 col, u32 a, b, c, list, next, i64 ival, f64 fval,
**             u32 str, u32 len), then npool bytes of strings: the text
**             maps' expressions as data (bytecode/expr.h's seg_xprog)
**     "MEAS"  u32 nconds, guard, naggs, nmops, nmeasures; naggs x (u8 fn,
**             i32 col, i32 cond, f64 p); nmops x (u8 kind, u32 agg, f64 k);
**             nmeasures x (u32 len, name, u32 len or 0xffffffff,
**             description, i32 x 4 location, u32 first, u32 n): the
**             hidden condition slots, the `require` guard and the measures
**             (bytecode/program.h; version 3)
**     "RANK"  u32 npass1, nrsrc, nruse; nrsrc x u8 isf; nruse x (u32 src,
**             u8 kind, u32 k, i64 pct): the rankings' first pass ends at
**             instruction npass1, its sources and uses (version 4)
**     "TIER"  u32 ntiers, nprios; ntiers x (u32 segment, i32 x 4 location);
**             nprios x (u32 len, name, u32 len or 0xffffffff, else name,
**             i32 x 4 location, i32 x 4 else location, u32 first, u32 n):
**             the priorities (version 4)
**     "SPLT"  u32 nsplits; nsplits x (u32 len, name, u32 len, salt, i32 x 4
**             location, i32 base segment or -1 (everyone), u32 key column,
**             u32 first arm segment, u32 narms, u32 nokey condition slot,
**             narms x u32 buckets): the splits (version 4)
**     "EVNT"  u32 ntables, nevcols; ntables x (u32 len, name, u32 len, key,
**             u32 customer key column, u32 event key column, i32 time
**             column or -1, u32 ncols, ncols x (u8 seg_type, u32 len, name),
**             u32 ngather, ngather x u32 customer column, u32 len, a whole
**             .segc of the table's filter program or 0 bytes); nevcols x
**             (u32 table, u8 seg_evfn, i32 event column or -1, i32 filter
**             segment or -1, u32 column): the event tables and their
**             aggregates, which fill the program's last nevcols columns
**             (version 5)
**   u32 CRC-32 (IEEE, as zlib's crc32) of every byte before it.
**
** flags: bit 0, the rules read today's date (`today`, `within`, `ago`,
** days_since); bit 1, that date was pinned at compile time (--today or
** SEG_TODAY) rather than taken from the clock.
**
** Text maps. The VM evaluates a text sub-expression once per distinct
** value of its column, so the file carries the expressions, not their
** results, as the flat node arrays the compiler lowered them to (version 1
** stored .seg source that loading parsed again; version 2 parses nothing).
**
** Verification at load: magic, version, the CRC, every section's tag and
** exact length, every count against the bytes present, every operand by
** the letters of its opcode's format in opcodes.def (registers, columns,
** maps, constants and K/F..N constant runs, segments), jumps forward onto
** the SEL_POP of the selection current after the jump (format letter J;
** '+' marks a push), a balanced selection stack no deeper than declared,
** then seg_program_verify (bytecode/verify.c: registers, column types and
** maps by opcodes.def's property columns, the expressions' structure and
** types), and the maps' patterns compiled.
**
** Ownership: seg_segc_save's *out is malloc'd, the caller frees it. A
** loaded program owns everything (release it with seg_program_free).
*/
#ifndef SEG_SEGC_H
#define SEG_SEGC_H

#include <stddef.h>
#include <stdint.h>
#include "program.h"

#define SEG_SEGC_VERSION 5
#define SEG_SEGC_MAGIC "SEGC\r\n\x1a\n"
#define SEG_SEGC_MAGIC_LEN 8

typedef struct seg_segc_info {
  int uses_today;        /* the rules read today's date                  */
  int today_pinned;      /* compiled with an explicit date               */
  int32_t today;         /* the date the program was compiled for         */
} seg_segc_info;

/* 1 when buf starts with the .segc magic. */
int seg_segc_is_segc(const void *buf, size_t len);

/* Serialises a verified program. Returns 0, or -1 with a message in err. */
int seg_segc_save(const seg_program *p, const seg_segc_info *info, char **out, size_t *outlen,
                  char *err, size_t errlen);

/* Loads and verifies buf. Returns 0 with *out ready and
** *info filled (info may be NULL), or -1 with a message in err such as
** "corrupt: jump at instruction 12 points past the end"; *out is then
** empty. Never reads outside buf, whatever it holds; parses nothing. */
int seg_segc_load(const void *buf, size_t len, seg_segc_info *info, seg_program *out, char *err,
                  size_t errlen);

/* As seg_segc_load; with skip_crc the checksum is not compared (tests and
** fuzzers, to reach the verifier with corrupt bytes). */
int seg_segc_load_ex(const void *buf, size_t len, int skip_crc, seg_segc_info *info, seg_program *out,
                     char *err, size_t errlen);

/* Rebinds a loaded program to the columns of data (by name, as sema
** finds them; the order and extra columns may differ). A column the
** program reads that data lacks, or has with another type, is an error
** naming it. Returns 0 or -1 with a message in err. */
int seg_segc_bind(seg_program *p, const seg_schema_view *data, char *err, size_t errlen);

#endif
