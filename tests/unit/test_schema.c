/*
** test_schema.c -- schema files: print/parse round trip and located errors.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

static int failures;

static void check(int cond, const char *what) {
  printf("%s - %s\n", cond ? "ok" : "not ok", what);
  if (!cond) failures++;
}

/* Parses text; returns 0/-1 and leaves the message in err. */
static int parse(const char *text, seg_schema *s, char *err, size_t errlen) {
  return seg_schema_parse("s.schema", text, strlen(text), s, err, errlen);
}

static int err_is(const char *text, const char *want) {
  seg_schema s;
  char err[512] = "";
  int rc = parse(text, &s, err, sizeof err);
  int ok = rc == -1 && strcmp(err, want) == 0 && s.ncols == 0 && s.names == NULL;
  if (!ok) printf("# rc=%d got: %s\n# want: %s\n", rc, err, want);
  return ok;
}

int main(void) {
  /* Round trip: a schema with awkward names prints and parses back equal. */
  seg_schema a = {0}, b = {0};
  static char *names[] = {"customer_id", "Annual Income (k$)", "we`ird``name", "Ålder", "_x9", "9lives", "email"};
  static seg_type types[] = {SEG_INT, SEG_INT, SEG_TEXT, SEG_NUM, SEG_BOOL, SEG_DATE, SEG_TEXT};
  a.ncols = 7;
  a.names = names;
  a.types = types;
  char *text = NULL;
  size_t tlen = 0;
  FILE *mf = open_memstream(&text, &tlen);
  check(seg_schema_print(mf, &a, 5000) == 0, "print succeeds");
  fclose(mf);
  const char *want =
      "# seg schema v1\n# rows: 5000\ncustomer_id: int\n`Annual Income (k$)`: int\n"
      "`we``ird````name`: text\n`Ålder`: number\n_x9: bool\n`9lives`: date\nemail: text\n";
  check(strcmp(text, want) == 0, "printed text is the documented format");
  if (strcmp(text, want) != 0) printf("# got:\n%s", text);
  char err[512] = "";
  int rc = parse(text, &b, err, sizeof err);
  check(rc == 0, "printed schema parses back");
  int same = rc == 0 && b.ncols == a.ncols;
  for (size_t i = 0; same && i < a.ncols; i++)
    same = strcmp(a.names[i], b.names[i]) == 0 && a.types[i] == b.types[i];
  check(same, "round trip preserves every name and type");
  check(seg_schema_find(&b, "we`ird``name") == 2 && seg_schema_find(&b, "nope") == -1, "find by name");
  seg_schema_free(&b);
  check(b.ncols == 0 && b.names == NULL && b.types == NULL, "free leaves the schema empty");
  free(text);

  /* From a table. */
  seg_column cols[2] = {{.name = "a", .type = SEG_DATE}, {.name = "b c", .type = SEG_NUM}};
  seg_table t = {.nrows = 3, .ncols = 2, .cols = cols};
  check(seg_schema_from_table(&t, &b) == 0 && b.ncols == 2 && strcmp(b.names[1], "b c") == 0 &&
            b.types[0] == SEG_DATE && b.names[1] != cols[1].name,
        "from_table copies names and types");
  seg_schema_free(&b);

  /* Lenient bits: comments, blank lines, CRLF, spacing, trailing comments. */
  rc = parse("\xEF\xBB\xBF# seg schema v1\r\n\r\n  # note\r\nx :int   # the x\r\n`y`:\tdate\r\n", &b, err, sizeof err);
  check(rc == 0 && b.ncols == 2 && b.types[0] == SEG_INT && strcmp(b.names[1], "y") == 0 && b.types[1] == SEG_DATE,
        "comments, blank lines, CRLF, BOM and spacing are accepted");
  seg_schema_free(&b);
  rc = parse("", &b, err, sizeof err);
  check(rc == 0 && b.ncols == 0, "an empty file is an empty schema");

  /* Located errors. */
  check(err_is("# seg schema v1\nid: int\nage: integer\n",
               "s.schema:3:6: unknown type 'integer' (expected bool, int, number, text or date)"),
        "unknown type is located at the type");
  check(err_is("a int\n", "s.schema:1:3: expected ':' after the column name"), "missing colon");
  check(err_is("a:\n", "s.schema:1:3: missing type (expected bool, int, number, text or date)"), "missing type");
  check(err_is("`a b: int\n", "s.schema:1:1: unterminated `quoted` column name (a backtick inside a name is written ``)"),
        "unterminated backtick");
  check(err_is("a b: int\n", "s.schema:1:3: expected ':' after the column name"), "unquoted name with a space");
  check(err_is("x: int\n\nx: text\n", "s.schema:3:1: duplicate column 'x'"), "duplicate column");
  check(err_is("x: int text\n", "s.schema:1:8: unexpected text after the type"), "trailing junk");
  check(err_is("  -x: int\n", "s.schema:1:3: expected a column name (names other than [A-Za-z_][A-Za-z0-9_]* are written in `backticks`)"),
        "bad name start");
  check(err_is("``: int\n", "s.schema:1:1: empty column name"), "empty quoted name");
  check(err_is("# seg schema v2\n", "s.schema:1:14: unsupported schema version 'v2' (this seg reads v1)"),
        "future version refused");
  check(err_is("ok: int\n`\xff`: int\n", "s.schema:2:2: invalid UTF-8"), "invalid UTF-8");
  check(err_is("x: Int\n", "s.schema:1:4: unknown type 'Int' (expected bool, int, number, text or date)"),
        "type names are lower case");

  /* From a file. */
  const char *path = "build/tests/test_schema.tmp";
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    path = "/tmp/test_schema.tmp";
    f = fopen(path, "w");
  }
  fputs("id: int\nseg: numbr\n", f);
  fclose(f);
  rc = seg_schema_parse_file(path, &b, err, sizeof err);
  char want_err[512];
  snprintf(want_err, sizeof want_err, "%s:2:6: unknown type 'numbr' (expected bool, int, number, text or date)", path);
  check(rc == -1 && strcmp(err, want_err) == 0, "parse_file reports FILE:LINE:COL");
  remove(path);
  rc = seg_schema_parse_file("/nonexistent/x.schema", &b, err, sizeof err);
  check(rc == -1 && strstr(err, "/nonexistent/x.schema: cannot open: ") == err, "missing file reported");
  return failures != 0;
}
