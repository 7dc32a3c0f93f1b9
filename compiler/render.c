/*
** render.c -- diagnostics as text, JSON, SARIF 2.1.0, GitHub workflow
** commands and GitLab Code Quality (see render.h).
*/
#include "render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"

int seg_render_parse_format(const char *name, seg_render_format *out) {
  static const struct { const char *name; seg_render_format fmt; } F[] = {
    {"text", SEG_RENDER_TEXT}, {"json", SEG_RENDER_JSON}, {"sarif", SEG_RENDER_SARIF},
    {"github", SEG_RENDER_GITHUB}, {"gitlab", SEG_RENDER_GITLAB},
  };
  for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
    if (name && strcmp(name, F[i].name) == 0) { *out = F[i].fmt; return 0; }
  return -1;
}

/* ---- helpers ------------------------------------------------------------ */

static const char *sev_word(seg_severity s) {
  return s == SEG_SEV_ERROR ? "error" : s == SEG_SEV_WARNING ? "warning" : "note";
}

static const char *msg_of(const seg_diag *g) { return g->msg ? g->msg : "(out of memory)"; }

/* The span of a diagnostic: first position and last (inclusive) one. */
typedef struct span { int line, col, end_line, end_col; } span;

static span span_of(const seg_diag *g) {
  span s = {g->loc.first_line, g->loc.first_column, g->loc.last_line, g->loc.last_column};
  if (s.line < 1) s.line = 1;
  if (s.col < 1) s.col = 1;
  if (s.end_line < s.line) { s.end_line = s.line; s.end_col = s.col; }
  if (s.end_line == s.line && s.end_col < s.col) s.end_col = s.col;
  if (s.end_col < 1) s.end_col = 1;
  return s;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  size_t len;
  unsigned min;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
  else return 0;
  if (n < len) return 0;
  unsigned cp = c & (0x7F >> len);
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

/* A JSON string; invalid UTF-8 becomes U+FFFD so the document stays valid. */
static void jstr(FILE *f, const char *s) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t n = strlen((const char *)p);
  fputc('"', f);
  for (size_t i = 0; i < n;) {
    unsigned c = p[i];
    if (c == '"' || c == '\\') { fputc('\\', f); fputc((int)c, f); i++; continue; }
    if (c == '\n') { fputs("\\n", f); i++; continue; }
    if (c == '\r') { fputs("\\r", f); i++; continue; }
    if (c == '\t') { fputs("\\t", f); i++; continue; }
    if (c < 0x20 || c == 0x7F) { fprintf(f, "\\u%04x", c); i++; continue; }
    size_t l = utf8_len(p + i, n - i);
    if (l == 0) { fputs("\\ufffd", f); i++; continue; }
    fwrite(p + i, 1, l, f);
    i += l;
  }
  fputc('"', f);
}

/* The path as CI tools want it: slashes, no leading "./". Caller frees. */
static char *ci_path(const char *name) {
  const char *p = name ? name : "";
  char *out = strdup(p);
  if (!out) return NULL;
  for (char *q = out; *q; q++) if (*q == '\\') *q = '/';
  char *s = out;
  while (s[0] == '.' && s[1] == '/') { s += 2; while (*s == '/') s++; }
  memmove(out, s, strlen(s) + 1);
  return out;
}

/* A SARIF artifact URI: a relative reference (or file:// for an absolute
** path), with characters outside RFC 3986's unreserved set and '/'
** percent-encoded. Caller frees. */
static char *sarif_uri(const char *name) {
  char *p = ci_path(name);
  if (!p) return NULL;
  size_t n = strlen(p);
  char *out = malloc(n * 3 + 8);
  if (!out) { free(p); return NULL; }
  size_t k = 0;
  if (p[0] == '/') { memcpy(out, "file://", 7); k = 7; }
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      out[k++] = (char)c;
    else k += (size_t)sprintf(out + k, "%%%02X", c);
  }
  out[k] = 0;
  free(p);
  return out;
}

/* ---- text --------------------------------------------------------------- */

void seg_render_text(FILE *out, const seg_render_file *files, size_t n, int color) {
  for (size_t i = 0; i < n; i++)
    seg_diag_render_text(out, files[i].diags, files[i].name, files[i].src, files[i].srclen, color);
}

/* ---- JSON (gcc) --------------------------------------------------------- */

static void json_pos(FILE *f, const char *file, int line, int col) {
  fputs("{\"file\": ", f);
  jstr(f, file);
  fprintf(f, ", \"line\": %d, \"column\": %d}", line, col);
}

void seg_render_json(FILE *out, const seg_render_file *files, size_t n) {
  int first = 1;
  fputc('[', out);
  for (size_t i = 0; i < n; i++) {
    const seg_diags *d = files[i].diags;
    for (size_t k = 0; d && k < d->n; k++) {
      const seg_diag *g = &d->v[k];
      span s = span_of(g);
      fprintf(out, "%s\n  {\n    \"kind\": \"%s\",\n    \"message\": ", first ? "" : ",", sev_word(g->sev));
      jstr(out, msg_of(g));
      if (g->code) { fputs(",\n    \"code\": ", out); jstr(out, g->code); }
      fputs(",\n    \"locations\": [\n      {\n        \"caret\": ", out);
      json_pos(out, files[i].name, s.line, s.col);
      fputs(",\n        \"finish\": ", out);
      json_pos(out, files[i].name, s.end_line, s.end_col);
      fputs("\n      }\n    ],\n    \"children\": []\n  }", out);
      first = 0;
    }
  }
  fputs(first ? "]\n" : "\n]\n", out);
}

/* ---- SARIF 2.1.0 -------------------------------------------------------- */

static const char *sarif_level(seg_severity s) {
  return s == SEG_SEV_ERROR ? "error" : s == SEG_SEV_WARNING ? "warning" : "note";
}

int seg_render_sarif(FILE *out, const seg_render_file *files, size_t n, const char *version) {
  /* rules: the codes that occur, in codes.def order, then unknown ones */
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += files[i].diags ? files[i].diags->n : 0;
  const char **extra = calloc(total + 1, sizeof *extra);
  unsigned char *used = calloc(seg_ncodes + 1, 1);
  size_t nextra = 0;
  for (size_t i = 0; i < n; i++) {
    const seg_diags *d = files[i].diags;
    for (size_t k = 0; d && k < d->n; k++) {
      const char *c = d->v[k].code;
      if (!c) continue;
      int x = seg_code_index(c);
      if (x >= 0) { if (used) used[x] = 1; continue; }
      size_t e = 0;
      while (e < nextra && strcmp(extra[e], c) != 0) e++;
      if (e == nextra && extra) extra[nextra++] = c;
    }
  }
  /* index of each rule in the rules array */
  int *rule_index = calloc(seg_ncodes + 1, sizeof *rule_index);
  int nrules = 0, oom = !extra || !used || !rule_index;

  fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
        "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n"
        "        \"driver\": {\n          \"name\": \"seg\",\n          \"informationUri\": ", out);
  jstr(out, SEG_INFORMATION_URI);
  fputs(",\n          \"version\": ", out);
  jstr(out, version ? version : "0");
  fputs(",\n          \"rules\": [", out);
  for (size_t x = 0; used && x < seg_ncodes; x++) {
    if (!used[x]) continue;
    const seg_code_info *ci = &seg_codes[x];
    if (rule_index) rule_index[x] = nrules;
    fprintf(out, "%s\n            {\n              \"id\": ", nrules ? "," : "");
    jstr(out, ci->code);
    fputs(",\n              \"shortDescription\": {\"text\": ", out);
    jstr(out, ci->title);
    fputs("},\n              \"fullDescription\": {\"text\": ", out);
    jstr(out, ci->explanation);
    fputs("},\n              \"help\": {\"text\": ", out);
    char *help = NULL;
    if (asprintf(&help, "%s\n\n(seg explain-code %s)", ci->explanation, ci->code) < 0) help = NULL, oom = 1;
    jstr(out, help ? help : ci->explanation);
    free(help);
    fprintf(out, "},\n              \"defaultConfiguration\": {\"level\": \"%s\"}\n            }",
            sarif_level(ci->sev));
    nrules++;
  }
  for (size_t e = 0; e < nextra; e++) {
    fprintf(out, "%s\n            {\n              \"id\": ", nrules ? "," : "");
    jstr(out, extra[e]);
    fputs(",\n              \"shortDescription\": {\"text\": ", out);
    jstr(out, extra[e]);
    fputs("},\n              \"fullDescription\": {\"text\": ", out);
    jstr(out, extra[e]);
    fputs("},\n              \"help\": {\"text\": ", out);
    jstr(out, extra[e]);
    fputs("},\n              \"defaultConfiguration\": {\"level\": \"error\"}\n            }", out);
    nrules++;
  }
  fputs(nrules ? "\n          ]\n" : "]\n", out);
  fputs("        }\n      },\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [", out);
  int first = 1;
  for (size_t i = 0; i < n; i++) {
    const seg_diags *d = files[i].diags;
    if (!d || !d->n) continue;
    char *uri = sarif_uri(files[i].name);
    if (!uri) oom = 1;
    for (size_t k = 0; k < d->n; k++) {
      const seg_diag *g = &d->v[k];
      span s = span_of(g);
      fprintf(out, "%s\n        {\n", first ? "" : ",");
      if (g->code) {
        fputs("          \"ruleId\": ", out);
        jstr(out, g->code);
        int x = seg_code_index(g->code), ri = -1;
        if (x >= 0 && rule_index) ri = rule_index[x];
        for (size_t e = 0; ri < 0 && e < nextra; e++)
          if (strcmp(extra[e], g->code) == 0) ri = (int)(nrules - (int)nextra + (int)e);
        if (ri >= 0) fprintf(out, ",\n          \"ruleIndex\": %d", ri);
        fputs(",\n", out);
      }
      fprintf(out, "          \"level\": \"%s\",\n          \"message\": {\"text\": ", sarif_level(g->sev));
      jstr(out, msg_of(g));
      fputs("},\n          \"locations\": [\n            {\n              \"physicalLocation\": {\n"
            "                \"artifactLocation\": {\"uri\": ", out);
      jstr(out, uri ? uri : "");
      fprintf(out, "},\n                \"region\": {\"startLine\": %d, \"startColumn\": %d, "
                   "\"endLine\": %d, \"endColumn\": %d}\n              }\n            }\n          ]\n        }",
              s.line, s.col, s.end_line, s.end_col + 1);
      first = 0;
    }
    free(uri);
  }
  fputs(first ? "]\n" : "\n      ]\n", out);
  fputs("    }\n  ]\n}\n", out);
  free(extra);
  free(used);
  free(rule_index);
  return oom ? -2 : 0;
}

/* ---- GitHub workflow commands ------------------------------------------ */

/* GitHub's escaping: data %, CR, LF; properties also ':' and ','. */
static void gh_escape(FILE *f, const char *s, int property) {
  for (; s && *s; s++) {
    switch (*s) {
    case '%': fputs("%25", f); break;
    case '\r': fputs("%0D", f); break;
    case '\n': fputs("%0A", f); break;
    case ':': if (property) fputs("%3A", f); else fputc(':', f); break;
    case ',': if (property) fputs("%2C", f); else fputc(',', f); break;
    default: fputc(*s, f);
    }
  }
}

int seg_render_github(FILE *out, const seg_render_file *files, size_t n) {
  int oom = 0;
  for (size_t i = 0; i < n; i++) {
    const seg_diags *d = files[i].diags;
    if (!d || !d->n) continue;
    char *path = ci_path(files[i].name);
    if (!path) oom = 1;
    for (size_t k = 0; k < d->n; k++) {
      const seg_diag *g = &d->v[k];
      span s = span_of(g);
      fprintf(out, "::%s file=", g->sev == SEG_SEV_ERROR ? "error" : g->sev == SEG_SEV_WARNING ? "warning" : "notice");
      gh_escape(out, path ? path : files[i].name, 1);
      fprintf(out, ",line=%d,col=%d", s.line, s.col);
      if (s.end_line != s.line) fprintf(out, ",endLine=%d", s.end_line);
      fprintf(out, ",endColumn=%d", s.end_col + 1);
      if (g->code) { fputs(",title=", out); gh_escape(out, g->code, 1); }
      fputs("::", out);
      gh_escape(out, msg_of(g), 0);
      fputc('\n', out);
    }
    free(path);
  }
  return oom ? -2 : 0;
}

/* ---- GitLab Code Quality ----------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 0x100000001b3ULL; }
  return h;
}

static uint64_t fingerprint(const char *path, const seg_diag *g, unsigned dup) {
  char nums[64];
  span s = span_of(g);
  uint64_t h = 0xcbf29ce484222325ULL;
  h = fnv1a(h, path, strlen(path) + 1);
  int len = snprintf(nums, sizeof nums, "%d:%d", s.line, s.col);
  h = fnv1a(h, nums, (size_t)len + 1);
  h = fnv1a(h, g->code ? g->code : "", strlen(g->code ? g->code : "") + 1);
  h = fnv1a(h, msg_of(g), strlen(msg_of(g)) + 1);
  if (dup) h = fnv1a(h, &dup, sizeof dup);       /* the same finding twice: keep them apart */
  return h;
}

static int same_finding(const seg_diag *a, const seg_diag *b) {
  span x = span_of(a), y = span_of(b);
  return x.line == y.line && x.col == y.col && strcmp(msg_of(a), msg_of(b)) == 0 &&
         strcmp(a->code ? a->code : "", b->code ? b->code : "") == 0;
}

int seg_render_gitlab(FILE *out, const seg_render_file *files, size_t n) {
  int first = 1, oom = 0;
  fputc('[', out);
  for (size_t i = 0; i < n; i++) {
    const seg_diags *d = files[i].diags;
    if (!d || !d->n) continue;
    char *path = ci_path(files[i].name);
    if (!path) oom = 1;
    const char *p = path ? path : files[i].name;
    for (size_t k = 0; k < d->n; k++) {
      const seg_diag *g = &d->v[k];
      unsigned dup = 0;
      for (size_t j = 0; j < k; j++) dup += (unsigned)same_finding(&d->v[j], g);
      fprintf(out, "%s\n  {\n    \"description\": ", first ? "" : ",");
      jstr(out, msg_of(g));
      fputs(",\n    \"check_name\": ", out);
      jstr(out, g->code ? g->code : "seg");
      fprintf(out, ",\n    \"fingerprint\": \"%016llx\",\n    \"severity\": \"%s\",\n"
                   "    \"location\": {\"path\": ",
              (unsigned long long)fingerprint(p, g, dup),
              g->sev == SEG_SEV_ERROR ? "major" : g->sev == SEG_SEV_WARNING ? "minor" : "info");
      jstr(out, p);
      fprintf(out, ", \"lines\": {\"begin\": %d}}\n  }", span_of(g).line);
      first = 0;
    }
    free(path);
  }
  fputs(first ? "]\n" : "\n]\n", out);
  return oom ? -2 : 0;
}

/* ---- dispatch ----------------------------------------------------------- */

int seg_render(FILE *out, seg_render_format fmt, const seg_render_file *files, size_t n,
               const char *version, int color) {
  int rc = 0;
  switch (fmt) {
  case SEG_RENDER_TEXT: seg_render_text(out, files, n, color); break;
  case SEG_RENDER_JSON: seg_render_json(out, files, n); break;
  case SEG_RENDER_SARIF: rc = seg_render_sarif(out, files, n, version); break;
  case SEG_RENDER_GITHUB: rc = seg_render_github(out, files, n); break;
  case SEG_RENDER_GITLAB: rc = seg_render_gitlab(out, files, n); break;
  }
  if (fflush(out) != 0 || ferror(out)) return -1;
  return rc;
}
