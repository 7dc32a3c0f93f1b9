/*
** fuzz_fmt.c -- `seg fmt` round trip.
**
** The input is a .seg file.  If it parses (seg_parse, no schema), then:
**   - seg_fmt succeeds on it (a parsable file is always formattable);
**   - the formatted text parses to the same tree (seg_fmt_ast_equal, the
**     comparison `seg fmt` itself uses before it writes anything);
**   - formatting is idempotent: fmt(fmt(x)) == fmt(x), byte for byte.
** If it does not parse, seg_fmt must report errors and give no text.
** Any violation aborts, with both texts on stderr.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "fuzz_common.h"
#include "parse.h"

static void show(const char *label, const char *s, size_t n) {
  fprintf(stderr, "---- %s (%zu bytes)\n%.*s\n---- end\n", label, n, (int)n, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0;
  const char *src = (const char *)data;
  seg_arena arena = {0};
  seg_ast ast = {0};
  seg_diags diags = {0};
  int prc = seg_parse(src, size, &arena, &ast, &diags);
  seg_diags_free(&diags);

  seg_diags d1 = {0};
  char *out = NULL;
  size_t olen = 0;
  int frc = seg_fmt(src, size, &d1, &out, &olen);
  seg_diags_free(&d1);
  if (prc < 0 || frc < 0) goto done;          /* out of memory */
  if (prc > 0) {
    FUZZ_CHECK(frc > 0 && out == NULL);
    goto done;
  }
  if (frc != 0) { show("input parses but seg_fmt fails", src, size); abort(); }

  /* same meaning */
  seg_arena a2 = {0};
  seg_ast ast2 = {0};
  seg_diags d2 = {0};
  int prc2 = seg_parse(out, olen, &a2, &ast2, &d2);
  seg_diags_free(&d2);
  if (prc2 != 0 || !seg_fmt_ast_equal(&ast, &ast2)) {
    show("input", src, size);
    show(prc2 ? "formatted text does not parse" : "formatted text means something else", out, olen);
    abort();
  }
  seg_arena_free(&a2);

  /* idempotent */
  seg_diags d3 = {0};
  char *again = NULL;
  size_t alen = 0;
  int frc2 = seg_fmt(out, olen, &d3, &again, &alen);
  seg_diags_free(&d3);
  if (frc2 == 0 && (alen != olen || memcmp(again, out, olen) != 0)) {
    show("input", src, size);
    show("fmt(x)", out, olen);
    show("fmt(fmt(x)) differs", again, alen);
    abort();
  }
  FUZZ_CHECK(frc2 >= 0 ? frc2 == 0 : 1);
  free(again);
done:
  free(out);
  seg_arena_free(&arena);
  return 0;
}
