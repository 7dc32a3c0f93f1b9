/*
** codes.c -- the code table, expanded from codes.def.
*/
#include "codes.h"

#include <strings.h>

#define SEG_CODE_SEV_error SEG_SEV_ERROR
#define SEG_CODE_SEV_warning SEG_SEV_WARNING
#define SEG_CODE_SEV_note SEG_SEV_NOTE

const seg_code_info seg_codes[] = {
#define CODE(id, sev, title, text) {#id, SEG_CODE_SEV_##sev, title, text},
#include "codes.def"
#undef CODE
};

const size_t seg_ncodes = sizeof seg_codes / sizeof seg_codes[0];

int seg_code_index(const char *code) {
  if (!code) return -1;
  for (size_t i = 0; i < seg_ncodes; i++)
    if (strcasecmp(seg_codes[i].code, code) == 0) return (int)i;
  return -1;
}

const seg_code_info *seg_code_find(const char *code) {
  int i = seg_code_index(code);
  return i < 0 ? NULL : &seg_codes[i];
}
