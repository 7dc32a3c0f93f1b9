/*
** types.c -- names of the shared types.
*/
#include "types.h"

#include <string.h>
#include <strings.h>

const char *seg_type_name(seg_type t) {
  switch (t) {
    case SEG_BOOL: return "bool";
    case SEG_INT:  return "int";
    case SEG_NUM:  return "number";
    case SEG_TEXT: return "text";
    case SEG_DATE: return "date";
  }
  return "?";
}

int seg_schema_view_find(const seg_schema_view *v, const char *name) {
  for (size_t i = 0; i < v->ncols; i++)
    if (strcmp(v->names[i], name) == 0) return (int)i;
  int found = -1;                       /* then case-insensitively, if unique */
  for (size_t i = 0; i < v->ncols; i++)
    if (strcasecmp(v->names[i], name) == 0) {
      if (found >= 0) return -1;
      found = (int)i;
    }
  return found;
}
