/*
** handloop.c -- the hand-written C baselines ("the limit") for `make bench`.
**
**   handloop prepare FILE.csv DIR      untimed: write DIR's raw column files
**   handloop w1 DIR [--repeat K]       W1: age 25..40 and purchases_90d > 3
**   handloop w2 DIR [--repeat K]       W2: the 20 segments of bench/w2.seg
**   handloop w2text DIR [--repeat K]   W2-text: the 5 of bench/w2text.seg
**
** `prepare` reads a CSV written by build/gencustomers (header on line 1, no
** quoted fields, LF line ends) and writes each column the two workloads
** read as a raw little-endian array in the narrowest natural type:
**
**   age.i8 + age.ok      int8 age, and a byte that is 1 where age is present
**   p90.u8               purchases_90d (never missing in this data)
**   spend.i32            total_spend in cents (never missing)
**   signup.i16           signup_date, days since 1970-01-01 (never missing)
**   last.i16 + last.ok   last_purchase, days since 1970-01-01, and presence
**   optin.u8             email_opt_in, 0 or 1 (never missing)
**   country.u8, city.u16, tier.u8, gender.u8, first.u8 (first_name)
**                        dictionary codes; code 0 is "missing", and
**                        NAME.dict lists the case-folded values, one per
**                        line, line k+1 holding code k
**   email.off + email.txt
**                        the case-folded e-mails back to back (after 16
**                        bytes of padding) and nrows+1 u32 end offsets:
**                        e-mail i is [off[i], off[i+1]), empty = missing
**
** `prepare` fails (exit 2) if the data breaks an assumption above (a value
** out of its type's range, a missing value where none is expected), so the
** loops never silently miscount; bench/run.sh also checks their counts
** against seg's.
**
** `w1` and `w2` mmap the files they need (as seg mmaps its .segcol), then
** run the counting loop K times (default 1) and print
**
**     count=N loop_median=S loop_min=S loop_max=S runs=K      (w1)
**     counts=N1,N2,...,N20 loop_median=S loop_min=S loop_max=S runs=K  (w2)
**     counts=N1,...,N5 loop_median=S loop_min=S loop_max=S runs=K      (w2text)
**
** where the loop_* figures time the loop alone (monotonic clock).  Timing
** the whole process gives the "whole process" figure: start, open, map,
** loop, print.
**
** The loops are branch-free over fixed-size blocks so that the compiler
** vectorises them (bench/run.sh builds this file with -O3): a segment over
** a dictionary column evaluates its test once per dictionary value into a
** lookup table, then reads one byte of the table per row; the e-mail
** suffix tests compare the last bytes of each e-mail with two loads.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void die(const char *msg, const char *arg) {
  fprintf(stderr, "handloop: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
  exit(2);
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) die("out of memory", NULL);
  return p;
}

/* ---- dates ------------------------------------------------------------- */

static int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int32_t)doe - 719468;
}

/* ---- case folding -------------------------------------------------------- */

/* Simple case folding of ASCII, Latin-1 and Latin Extended-A capitals: all
** the capitals gencustomers writes.  (seg folds with libunistring; the
** counts are compared, so a gap here would show as a disagreement.) */
static size_t fold(const char *s, size_t n, char *out) {
  size_t k = 0;
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n; i++) {
    unsigned c = p[i];
    if (c >= 'A' && c <= 'Z') { out[k++] = (char)(c + 32); continue; }
    if ((c == 0xC3 || c == 0xC4 || c == 0xC5) && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
      unsigned cp = ((c & 0x1F) << 6) | (p[i + 1] & 0x3F);
      if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) cp += 0x20;
      else if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) cp |= 1;
      else if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) && (cp & 1)) cp++;
      out[k++] = (char)(0xC0 | (cp >> 6));
      out[k++] = (char)(0x80 | (cp & 0x3F));
      i++;
      continue;
    }
    out[k++] = (char)c;
  }
  return k;
}

/* ---- prepare --------------------------------------------------------------- */

enum { F_ID, F_EMAIL, F_FIRST, F_COUNTRY, F_CITY, F_GENDER, F_AGE, F_SIGNUP, F_LAST, F_P90,
       F_SPEND, F_OPTIN, F_TIER, NFIELDS };

/* A growable byte buffer, written to DIR/name at the end. */
typedef struct buf { char *p; size_t len, cap; } buf;

static void put(buf *b, const void *v, size_t n) {
  if (b->len + n > b->cap) {
    b->cap = b->cap ? b->cap * 2 : 1u << 20;
    while (b->cap < b->len + n) b->cap *= 2;
    b->p = xrealloc(b->p, b->cap);
  }
  memcpy(b->p + b->len, v, n);
  b->len += n;
}

/* A dictionary of folded values, linear probing; code 0 = missing. */
typedef struct dict {
  char **val; size_t *len; uint32_t n;     /* codes 1..n-1 in val[1..] */
  uint32_t *slot; uint32_t nslot;
  uint32_t max;                             /* largest code the type holds */
  const char *name;
} dict;

static uint32_t hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static uint32_t dict_code(dict *d, const char *raw, size_t rawlen) {
  if (rawlen == 0) return 0;
  char tmp[512];
  if (rawlen > 256) die("value too long in column", d->name);
  size_t n = fold(raw, rawlen, tmp);
  if (!d->nslot) {
    d->nslot = 1u << 16;
    d->slot = calloc(d->nslot, sizeof *d->slot);
    if (!d->slot) die("out of memory", NULL);
    d->n = 1;
  }
  uint32_t h = hash(tmp, n) & (d->nslot - 1);
  while (d->slot[h]) {
    uint32_t c = d->slot[h];
    if (d->len[c] == n && !memcmp(d->val[c], tmp, n)) return c;
    h = (h + 1) & (d->nslot - 1);
  }
  if (d->n > d->max || d->n >= d->nslot / 2) die("too many distinct values in column", d->name);
  uint32_t c = d->n++;
  d->val = xrealloc(d->val, d->n * sizeof *d->val);
  d->len = xrealloc(d->len, d->n * sizeof *d->len);
  d->val[c] = xrealloc(NULL, n);
  memcpy(d->val[c], tmp, n);
  d->len[c] = n;
  d->slot[h] = c;
  return c;
}

/* Non-negative decimal integer in [p, p+n); -1 if empty or malformed. */
static long parse_uint(const char *p, size_t n) {
  if (n == 0 || n > 12) return -1;
  long v = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

/* "1234.56" -> 123456 cents; -1 if malformed. */
static long parse_cents(const char *p, size_t n) {
  const char *dot = memchr(p, '.', n);
  if (!dot || (size_t)(p + n - dot) != 3) return -1;
  long whole = parse_uint(p, (size_t)(dot - p)), frac = parse_uint(dot + 1, 2);
  return whole < 0 || frac < 0 ? -1 : whole * 100 + frac;
}

/* "YYYY-MM-DD" -> days since 1970; INT32_MIN if empty; dies if malformed. */
static int32_t parse_date(const char *p, size_t n, const char *col) {
  if (n == 0) return INT32_MIN;
  if (n != 10 || p[4] != '-' || p[7] != '-') die("malformed date in column", col);
  long y = parse_uint(p, 4), m = parse_uint(p + 5, 2), d = parse_uint(p + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) die("malformed date in column", col);
  return days_from_civil((int)y, (unsigned)m, (unsigned)d);
}

static void write_file(const char *dir, const char *name, const void *p, size_t n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) die(strerror(errno), path);
  if ((n && fwrite(p, 1, n, f) != n) || fclose(f)) die("write error", path);
}

static void write_dict(const char *dir, const char *name, const dict *d) {
  buf b = {0};
  put(&b, "\n", 1);                          /* line 1: code 0, missing */
  for (uint32_t c = 1; c < d->n; c++) { put(&b, d->val[c], d->len[c]); put(&b, "\n", 1); }
  write_file(dir, name, b.p, b.len);
  free(b.p);
}

static int prepare(const char *csv, const char *dir) {
  FILE *f = fopen(csv, "rb");
  if (!f) die(strerror(errno), csv);
  if (mkdir(dir, 0777) && errno != EEXIST) die(strerror(errno), dir);
  buf age = {0}, age_ok = {0}, p90 = {0}, spend = {0}, signup = {0}, last = {0}, last_ok = {0},
      optin = {0}, country = {0}, city = {0}, tier = {0}, gender = {0}, first = {0}, eoff = {0}, etxt = {0};
  dict dcountry = { .max = 255, .name = "country" }, dcity = { .max = 65535, .name = "city" },
       dtier = { .max = 255, .name = "loyalty_tier" }, dgender = { .max = 255, .name = "gender" },
       dfirst = { .max = 255, .name = "first_name" };
  static const char pad[16] = {0};
  put(&etxt, pad, sizeof pad);
  uint32_t end = (uint32_t)etxt.len;
  put(&eoff, &end, 4);

  char *line = NULL;
  size_t linecap = 0, nrows = 0;
  ssize_t len;
  long lineno = 0;
  while ((len = getline(&line, &linecap, f)) > 0) {
    if (++lineno == 1) continue;                       /* header */
    if (line[len - 1] == '\n') len--;
    const char *fs[NFIELDS];
    size_t fl[NFIELDS];
    int k = 0;
    const char *start = line;
    for (ssize_t i = 0; i <= len && k < NFIELDS; i++) {
      if (i == len || line[i] == ',') {
        fs[k] = start; fl[k] = (size_t)(line + i - start); k++;
        start = line + i + 1;
      }
    }
    if (k != NFIELDS || start != line + len + 1) die("not a 13-field gencustomers row in", csv);

    long a = parse_uint(fs[F_AGE], fl[F_AGE]);
    if (a > 127 || (a < 0 && fl[F_AGE])) die("age out of int8 range in", csv);
    int8_t a8 = (int8_t)(a < 0 ? 0 : a); uint8_t aok = a >= 0;
    put(&age, &a8, 1); put(&age_ok, &aok, 1);

    long p = parse_uint(fs[F_P90], fl[F_P90]);
    if (p < 0 || p > 255) die("purchases_90d missing or out of uint8 range in", csv);
    uint8_t p8 = (uint8_t)p; put(&p90, &p8, 1);

    long c = parse_cents(fs[F_SPEND], fl[F_SPEND]);
    if (c < 0 || c > INT32_MAX) die("total_spend missing or out of int32 cents in", csv);
    int32_t c32 = (int32_t)c; put(&spend, &c32, 4);

    int32_t s = parse_date(fs[F_SIGNUP], fl[F_SIGNUP], "signup_date");
    if (s < 0 || s > INT16_MAX) die("signup_date missing or out of int16 range in", csv);
    int16_t s16 = (int16_t)s; put(&signup, &s16, 2);

    int32_t l = parse_date(fs[F_LAST], fl[F_LAST], "last_purchase");
    if (l != INT32_MIN && (l < 0 || l > INT16_MAX)) die("last_purchase out of int16 range in", csv);
    int16_t l16 = (int16_t)(l == INT32_MIN ? 0 : l); uint8_t lok = l != INT32_MIN;
    put(&last, &l16, 2); put(&last_ok, &lok, 1);

    uint8_t o;
    if (fl[F_OPTIN] == 4 && !memcmp(fs[F_OPTIN], "true", 4)) o = 1;
    else if (fl[F_OPTIN] == 5 && !memcmp(fs[F_OPTIN], "false", 5)) o = 0;
    else die("email_opt_in not true/false in", csv);
    put(&optin, &o, 1);

    uint8_t cc = (uint8_t)dict_code(&dcountry, fs[F_COUNTRY], fl[F_COUNTRY]); put(&country, &cc, 1);
    uint16_t ci = (uint16_t)dict_code(&dcity, fs[F_CITY], fl[F_CITY]); put(&city, &ci, 2);
    uint8_t ti = (uint8_t)dict_code(&dtier, fs[F_TIER], fl[F_TIER]); put(&tier, &ti, 1);
    uint8_t ge = (uint8_t)dict_code(&dgender, fs[F_GENDER], fl[F_GENDER]); put(&gender, &ge, 1);
    uint8_t fi = (uint8_t)dict_code(&dfirst, fs[F_FIRST], fl[F_FIRST]); put(&first, &fi, 1);

    char tmp[512];
    if (fl[F_EMAIL] > 256) die("e-mail too long in", csv);
    size_t en = fold(fs[F_EMAIL], fl[F_EMAIL], tmp);
    put(&etxt, tmp, en);
    if (etxt.len > UINT32_MAX) die("e-mails exceed 4 GiB in", csv);
    end = (uint32_t)etxt.len;
    put(&eoff, &end, 4);
    nrows++;
  }
  if (ferror(f)) die("read error", csv);
  fclose(f);
  free(line);

  write_file(dir, "age.i8", age.p, age.len);        write_file(dir, "age.ok", age_ok.p, age_ok.len);
  write_file(dir, "p90.u8", p90.p, p90.len);        write_file(dir, "spend.i32", spend.p, spend.len);
  write_file(dir, "signup.i16", signup.p, signup.len);
  write_file(dir, "last.i16", last.p, last.len);    write_file(dir, "last.ok", last_ok.p, last_ok.len);
  write_file(dir, "optin.u8", optin.p, optin.len);
  write_file(dir, "country.u8", country.p, country.len); write_dict(dir, "country.dict", &dcountry);
  write_file(dir, "city.u16", city.p, city.len);    write_dict(dir, "city.dict", &dcity);
  write_file(dir, "tier.u8", tier.p, tier.len);     write_dict(dir, "tier.dict", &dtier);
  write_file(dir, "gender.u8", gender.p, gender.len); write_dict(dir, "gender.dict", &dgender);
  write_file(dir, "first.u8", first.p, first.len);  write_dict(dir, "first.dict", &dfirst);
  write_file(dir, "email.off", eoff.p, eoff.len);   write_file(dir, "email.txt", etxt.p, etxt.len);
  char rows[32];
  int rn = snprintf(rows, sizeof rows, "%zu\n", nrows);
  write_file(dir, "rows", rows, (size_t)rn);
  buf *bufs[] = { &age, &age_ok, &p90, &spend, &signup, &last, &last_ok, &optin, &country, &city,
                  &tier, &gender, &first, &eoff, &etxt };
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) free(bufs[i]->p);
  dict *dicts[] = { &dcountry, &dcity, &dtier, &dgender, &dfirst };
  for (size_t i = 0; i < sizeof dicts / sizeof dicts[0]; i++) {
    for (uint32_t c = 1; c < dicts[i]->n; c++) free(dicts[i]->val[c]);
    free(dicts[i]->val); free(dicts[i]->len); free(dicts[i]->slot);
  }
  printf("prepared %zu rows in %s\n", nrows, dir);
  return 0;
}

/* ---- mapping ------------------------------------------------------------- */

static const char *g_dir;
static size_t g_rows;

/* Maps DIR/name read-only and checks it holds exactly `expect` bytes
** (any size when expect is 0); *size (if not NULL) receives the size. */
static const void *map_sized(const char *name, size_t expect, size_t *size) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  int fd = open(path, O_RDONLY);
  if (fd < 0) die(strerror(errno), path);
  struct stat st;
  if (fstat(fd, &st)) die(strerror(errno), path);
  size_t n = (size_t)st.st_size;
  if (expect && n != expect) die("wrong size (run `handloop prepare` again)", path);
  if (size) *size = n;
  if (n == 0) { close(fd); return ""; }
  void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) die(strerror(errno), path);
  close(fd);
  return p;
}

/* A column of g_rows values of `width` bytes each. */
static const void *map(const char *name, size_t width) { return map_sized(name, g_rows * width, NULL); }

static void read_rows(void) {
  char path[4096];
  snprintf(path, sizeof path, "%s/rows", g_dir);
  FILE *f = fopen(path, "r");
  if (!f) die(strerror(errno), path);
  unsigned long long n;
  if (fscanf(f, "%llu", &n) != 1) die("malformed", path);
  fclose(f);
  g_rows = (size_t)n;
}

/* Reads NAME.dict into a lookup table: lut[code] = 1 where pred(value). */
typedef int (*dict_pred)(const char *s, size_t n);
typedef struct dictfile { const char *p; size_t len; } dictfile;

static dictfile load_dict(const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  int fd = open(path, O_RDONLY);
  if (fd < 0) die(strerror(errno), path);
  struct stat st;
  if (fstat(fd, &st)) die(strerror(errno), path);
  dictfile d = { "", (size_t)st.st_size };
  if (d.len) {
    void *p = mmap(NULL, d.len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) die(strerror(errno), path);
    d.p = p;
  }
  close(fd);
  return d;
}

/* Returns the number of codes (dictionary lines, missing included). */
static size_t make_lut(const dictfile *d, dict_pred pred, uint8_t *lut, size_t lutlen) {
  memset(lut, 0, lutlen);
  size_t code = 0;
  const char *p = d->p, *end = d->p + d->len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) nl = end;
    if (code >= lutlen) die("dictionary larger than its code type", NULL);
    lut[code] = code ? (uint8_t)(pred(p, (size_t)(nl - p)) != 0) : 0;   /* 0: missing */
    code++;
    p = nl + 1;
  }
  return code;
}

static int eq(const char *s, size_t n, const char *lit) { return strlen(lit) == n && !memcmp(s, lit, n); }
static int prefix(const char *s, size_t n, const char *lit) {
  size_t k = strlen(lit);
  return n >= k && !memcmp(s, lit, k);
}

/* ---- W1 ------------------------------------------------------------------ */

static uint64_t w1_loop(const int8_t *age, const uint8_t *aok, const uint8_t *p90, size_t n) {
  uint64_t count = 0;
  for (size_t i = 0; i < n; i++)
    count += (uint64_t)(aok[i] & ((uint8_t)(age[i] - 25) <= 15) & (p90[i] > 3));
  return count;
}

/* ---- W2 ------------------------------------------------------------------ */

enum { NSEG = 20, BLOCK = 4096 };

static int p_nordic(const char *s, size_t n) {
  return eq(s, n, "se") || eq(s, n, "no") || eq(s, n, "dk") || eq(s, n, "fi");
}
static int p_se_no(const char *s, size_t n) { return eq(s, n, "se") || eq(s, n, "no"); }
static int p_norr(const char *s, size_t n) { return prefix(s, n, "norr"); }
static int p_o(const char *s, size_t n) { return prefix(s, n, "\xc3\xb6"); }          /* ö */
static int p_big_cities(const char *s, size_t n) {
  return eq(s, n, "stockholm") || eq(s, n, "g\xc3\xb6teborg") || eq(s, n, "malm\xc3\xb6") ||
         eq(s, n, "oslo") || eq(s, n, "k\xc3\xb8" "benhavn") || eq(s, n, "helsinki");
}
static int p_gold_plat(const char *s, size_t n) { return eq(s, n, "gold") || eq(s, n, "platinum"); }
static int p_gold(const char *s, size_t n) { return eq(s, n, "gold"); }
static int p_f(const char *s, size_t n) { return eq(s, n, "f"); }

typedef struct w2cols {
  const int8_t *age; const uint8_t *aok, *p90, *optin, *lok, *country, *tier, *gender;
  const int32_t *spend; const int16_t *signup, *last; const uint16_t *city;
  const uint32_t *eoff; const uint8_t *etxt;
  uint8_t lut_nordic[256], lut_se_no[256], lut_gold_plat[256], lut_gold[256], lut_f[256];
  uint8_t set_nordic[4], set_se_no[4], set_gold_plat[4], set_gold[4], set_f[4];
  uint8_t lut_norr[65536], lut_o[65536], lut_big[65536];
  int16_t d_recent, d_today, d_3y, d_6m;
} w2cols;

static inline uint64_t load8(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint16_t load2(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/* A one-byte code is in a set of at most 4 codes: four compares, which
** vectorise (a table lookup per row would not, without gathers). */
static inline uint8_t in4(uint8_t v, const uint8_t *set) {
  return (uint8_t)((v == set[0]) | (v == set[1]) | (v == set[2]) | (v == set[3]));
}

/* The codes where lut is 1, padded with the first of them (or, if none,
** with a code past the dictionary's end, which no row has); dies if more
** than 4 match (the loop would need the table then). */
static void lut_to_set(const uint8_t *lut, size_t ncodes, uint8_t *set, const char *what) {
  int n = 0;
  for (size_t code = 1; code < ncodes && code < 256; code++) {
    if (!lut[code]) continue;
    if (n == 4) die("more than 4 matching dictionary values for", what);
    set[n++] = (uint8_t)code;
  }
  if (n == 0 && ncodes > 255) die("no unused code for", what);
  const uint8_t pad = n ? set[0] : (uint8_t)ncodes;
  while (n < 4) set[n++] = pad;
}

static void w2_loop(const w2cols *c, size_t n, uint64_t *cnt) {
  uint64_t gmail8, gmail2; uint16_t dotno2; uint8_t dotno1 = '.';
  memcpy(&gmail8, "@gmail.c", 8); memcpy(&gmail2, "om", 2); gmail2 &= 0xffff;
  memcpy(&dotno2, "no", 2);
  for (size_t b = 0; b < n; b += BLOCK) {
    const size_t e = b + BLOCK < n ? b + BLOCK : n;
    uint32_t k[NSEG] = {0};
    for (size_t i = b; i < e; i++) k[0] += c->aok[i] & ((uint8_t)(c->age[i] - 25) <= 15);
    for (size_t i = b; i < e; i++) k[1] += (uint8_t)(c->p90[i] - 2) <= 3;
    for (size_t i = b; i < e; i++) k[2] += !c->aok[i];
    for (size_t i = b; i < e; i++) k[3] += !c->lok[i];
    for (size_t i = b; i < e; i++) k[4] += in4(c->country[i], c->set_nordic);
    /* e-mail suffixes: the 16 bytes of padding before the first e-mail
    ** make the loads before a short e-mail safe; the length test rejects
    ** them. */
    for (size_t i = b; i < e; i++) {
      const uint32_t lo = c->eoff[i], hi = c->eoff[i + 1];
      const uint8_t *end = c->etxt + hi;
      k[5] += (uint32_t)(hi - lo >= 10) & (uint32_t)(load8(end - 10) == gmail8) &
              (uint32_t)(load2(end - 2) == gmail2);
      k[6] += (uint32_t)(hi - lo >= 3) & (uint32_t)(end[-3] == dotno1) &
              (uint32_t)(load2(end - 2) == dotno2);
    }
    for (size_t i = b; i < e; i++) k[7] += c->lut_norr[c->city[i]];
    for (size_t i = b; i < e; i++) k[8] += c->lut_o[c->city[i]];
    for (size_t i = b; i < e; i++) k[9] += c->lut_big[c->city[i]];
    for (size_t i = b; i < e; i++)
      k[10] += c->lok[i] & ((uint16_t)(c->last[i] - c->d_recent) <= (uint16_t)(c->d_today - c->d_recent));
    for (size_t i = b; i < e; i++) k[11] += c->signup[i] < c->d_3y;
    for (size_t i = b; i < e; i++) k[12] += c->lok[i] & (c->last[i] < c->d_6m);
    for (size_t i = b; i < e; i++) k[13] += c->optin[i];
    for (size_t i = b; i < e; i++) k[14] += !c->optin[i];
    for (size_t i = b; i < e; i++) k[15] += (uint32_t)(c->spend[i] - 100000) <= 399999u;
    for (size_t i = b; i < e; i++) k[16] += c->spend[i] >= 1000050;
    for (size_t i = b; i < e; i++)
      k[17] += in4(c->tier[i], c->set_gold_plat) & (c->eoff[i + 1] != c->eoff[i]);
    for (size_t i = b; i < e; i++)
      k[18] += c->aok[i] & ((uint8_t)(c->age[i] - 18) <= 12) & in4(c->gender[i], c->set_f) & (c->p90[i] > 0);
    for (size_t i = b; i < e; i++)
      k[19] += in4(c->country[i], c->set_se_no) & (in4(c->tier[i], c->set_gold) | (c->spend[i] > 500000)) &
               c->optin[i];
    for (int s = 0; s < NSEG; s++) cnt[s] += k[s];
  }
}

static void w2_setup(w2cols *c) {
  c->age = map("age.i8", 1);       c->aok = map("age.ok", 1);
  c->p90 = map("p90.u8", 1);       c->optin = map("optin.u8", 1);
  c->lok = map("last.ok", 1);      c->last = map("last.i16", 2);
  c->signup = map("signup.i16", 2); c->spend = map("spend.i32", 4);
  c->country = map("country.u8", 1); c->tier = map("tier.u8", 1);
  c->gender = map("gender.u8", 1); c->city = map("city.u16", 2);
  size_t ntxt;
  c->eoff = map_sized("email.off", (g_rows + 1) * 4, NULL);
  c->etxt = map_sized("email.txt", 0, &ntxt);
  if (ntxt < 16 || c->eoff[0] != 16 || c->eoff[g_rows] != ntxt)
    die("email.off does not match email.txt (run `handloop prepare` again)", g_dir);
  dictfile country = load_dict("country.dict"), city = load_dict("city.dict"),
           tier = load_dict("tier.dict"), gender = load_dict("gender.dict");
  size_t ncountry = make_lut(&country, p_nordic, c->lut_nordic, sizeof c->lut_nordic);
  make_lut(&country, p_se_no, c->lut_se_no, sizeof c->lut_se_no);
  size_t ntier = make_lut(&tier, p_gold_plat, c->lut_gold_plat, sizeof c->lut_gold_plat);
  make_lut(&tier, p_gold, c->lut_gold, sizeof c->lut_gold);
  size_t ngender = make_lut(&gender, p_f, c->lut_f, sizeof c->lut_f);
  lut_to_set(c->lut_nordic, ncountry, c->set_nordic, "country");
  lut_to_set(c->lut_se_no, ncountry, c->set_se_no, "country");
  lut_to_set(c->lut_gold_plat, ntier, c->set_gold_plat, "loyalty_tier");
  lut_to_set(c->lut_gold, ntier, c->set_gold, "loyalty_tier");
  lut_to_set(c->lut_f, ngender, c->set_f, "gender");
  make_lut(&city, p_norr, c->lut_norr, sizeof c->lut_norr);
  make_lut(&city, p_o, c->lut_o, sizeof c->lut_o);
  make_lut(&city, p_big_cities, c->lut_big, sizeof c->lut_big);
  /* today = 2026-11-23, as --today in bench/run.sh */
  c->d_today = (int16_t)days_from_civil(2026, 11, 23);
  c->d_recent = (int16_t)days_from_civil(2026, 8, 25);   /* today - 90 days   */
  c->d_3y = (int16_t)days_from_civil(2023, 11, 23);      /* today - 3 years   */
  c->d_6m = (int16_t)days_from_civil(2026, 5, 23);       /* today - 6 months  */
}

/* ---- W2-text ------------------------------------------------------------- */

enum { NSEG_T = 5 };

typedef struct w2tcols {
  const uint32_t *eoff; const uint8_t *etxt, *first;
  uint8_t lut_jo[256];
} w2tcols;

static int p_jo(const char *s, size_t n) { return prefix(s, n, "j\xc3\xb6"); }    /* jö */

static void w2text_loop(const w2tcols *c, size_t n, uint64_t *cnt) {
  uint64_t hot8, out8, gmail8; uint32_t com4, anna4; uint16_t gmail2;
  memcpy(&hot8, "@hotmail", 8); memcpy(&out8, "@outlook", 8); memcpy(&com4, ".com", 4);
  memcpy(&gmail8, "@gmail.c", 8); memcpy(&gmail2, "om", 2); memcpy(&anna4, "anna", 4);
  for (size_t b = 0; b < n; b += BLOCK) {
    const size_t e = b + BLOCK < n ? b + BLOCK : n;
    uint32_t k[NSEG_T] = {0};
    /* suffixes: the 16 bytes of padding before the first e-mail make the
    ** loads before a short e-mail safe; the length test rejects them */
    for (size_t i = b; i < e; i++) {
      const uint32_t lo = c->eoff[i], hi = c->eoff[i + 1];
      const uint8_t *end = c->etxt + hi;
      uint64_t w8 = load8(end - 12);
      uint32_t w4; memcpy(&w4, end - 4, 4);
      k[0] += (uint32_t)(hi - lo >= 12) & (uint32_t)((w8 == hot8) | (w8 == out8)) & (uint32_t)(w4 == com4);
      k[1] += (uint32_t)(hi - lo >= 10) & (uint32_t)(load8(end - 10) == gmail8) &
              (uint32_t)(load2(end - 2) == gmail2);
    }
    for (size_t i = b; i < e; i++) {
      const uint32_t lo = c->eoff[i], hi = c->eoff[i + 1];
      uint32_t w4;
      if (hi - lo < 5) continue;
      memcpy(&w4, c->etxt + lo, 4);
      k[2] += (uint32_t)(w4 == anna4) & (uint32_t)(c->etxt[lo + 4] == '.');
    }
    /* substring "7@": every pair of adjacent bytes (memmem per row costs
    ** a call and its set-up on 20-byte values) */
    for (size_t i = b; i < e; i++) {
      const uint32_t lo = c->eoff[i], hi = c->eoff[i + 1];
      uint32_t hit = 0;
      for (uint32_t j = lo; j + 1 < hi; j++) hit |= (uint32_t)(c->etxt[j] == '7') & (uint32_t)(c->etxt[j + 1] == '@');
      k[3] += hit;
    }
    for (size_t i = b; i < e; i++) k[4] += c->lut_jo[c->first[i]];
    for (int s = 0; s < NSEG_T; s++) cnt[s] += k[s];
  }
}

static void w2text_setup(w2tcols *c) {
  size_t ntxt;
  c->eoff = map_sized("email.off", (g_rows + 1) * 4, NULL);
  c->etxt = map_sized("email.txt", 0, &ntxt);
  if (ntxt < 16 || c->eoff[0] != 16 || c->eoff[g_rows] != ntxt)
    die("email.off does not match email.txt (run `handloop prepare` again)", g_dir);
  c->first = map("first.u8", 1);
  dictfile first = load_dict("first.dict");
  make_lut(&first, p_jo, c->lut_jo, sizeof c->lut_jo);
}

/* ---- driver -------------------------------------------------------------- */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void report_times(double *t, long repeat) {
  qsort(t, (size_t)repeat, sizeof *t, cmp_double);
  double median = repeat % 2 ? t[repeat / 2] : (t[repeat / 2 - 1] + t[repeat / 2]) / 2;
  printf(" loop_median=%.9f loop_min=%.9f loop_max=%.9f runs=%ld\n", median, t[0],
         t[repeat - 1], repeat);
}

static void w2_run(const void *c, size_t n, uint64_t *cnt) { w2_loop(c, n, cnt); }
static void w2text_run(const void *c, size_t n, uint64_t *cnt) { w2text_loop(c, n, cnt); }

/* Runs a counting loop `repeat` times (times in t), then prints its counts. */
static void run_counts(void (*loop)(const void *, size_t, uint64_t *), const void *cols, int nseg, double *t,
                       long repeat) {
  uint64_t cnt[NSEG];                   /* nseg <= NSEG */
  volatile uint64_t sink = 0;           /* keeps every repetition alive */
  for (long r = 0; r < repeat; r++) {
    memset(cnt, 0, sizeof cnt);
    double t0 = now();
    loop(cols, g_rows, cnt);
    t[r] = now() - t0;
    sink += cnt[0];
  }
  (void)sink;
  printf("counts=");
  for (int s = 0; s < nseg; s++) printf("%s%llu", s ? "," : "", (unsigned long long)cnt[s]);
}

static const char USAGE[] =
  "usage: handloop prepare FILE.csv DIR\n"
  "       handloop w1 DIR [--repeat K]\n"
  "       handloop w2 DIR [--repeat K]\n"
  "       handloop w2text DIR [--repeat K]\n";

int main(int argc, char **argv) {
  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    fputs(USAGE, stdout);
    return 0;
  }
  if (argc == 4 && !strcmp(argv[1], "prepare")) return prepare(argv[2], argv[3]);
  if (argc < 3 || (strcmp(argv[1], "w1") && strcmp(argv[1], "w2") && strcmp(argv[1], "w2text"))) {
    fputs(USAGE, stderr);
    return 2;
  }
  long repeat = 1;
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
      char *e;
      repeat = strtol(argv[++i], &e, 10);
      if (*e || repeat < 1) die("--repeat needs a positive integer", argv[i]);
    } else {
      die("unexpected argument", argv[i]);
    }
  }
  g_dir = argv[2];
  read_rows();
  double *t = malloc((size_t)repeat * sizeof *t);
  if (!t) die("out of memory", NULL);
  volatile uint64_t sink = 0;   /* keeps every repetition alive */

  if (!strcmp(argv[1], "w1")) {
    const int8_t *age = map("age.i8", 1);
    const uint8_t *aok = map("age.ok", 1), *p90 = map("p90.u8", 1);
    uint64_t count = 0;
    for (long r = 0; r < repeat; r++) {
      double t0 = now();
      count = w1_loop(age, aok, p90, g_rows);
      t[r] = now() - t0;
      sink += count;
    }
    printf("count=%llu", (unsigned long long)count);
  } else if (!strcmp(argv[1], "w2text")) {
    static w2tcols c;
    w2text_setup(&c);
    run_counts(w2text_run, &c, NSEG_T, t, repeat);
  } else {
    static w2cols c;
    w2_setup(&c);
    run_counts(w2_run, &c, NSEG, t, repeat);
  }
  (void)sink;
  report_times(t, repeat);
  free(t);
  return 0;
}
