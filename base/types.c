/*
** types.c -- names of the shared types.
*/
#include "types.h"

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
