/*
** test_split.c -- a split's bucket against the golden file computed by
** Python's hashlib (tests/data/splits/buckets.tsv: kind, salt, key text,
** bucket), the key texts of ints and dates, and the chi-square p-value of
** the sample-ratio test against closed forms.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "expr.h"
#include "split.h"

static int failures;

static void check(int cond, const char *what) {
  printf("%s - %s\n", cond ? "ok" : "not ok", what);
  if (!cond) failures++;
}

static int close_to(double got, double want, double rel) {
  int ok = fabs(got - want) <= rel * fabs(want) + 1e-300;
  if (!ok) printf("# got %.17g want %.17g\n", got, want);
  return ok;
}

int main(void) {
  FILE *f = fopen("tests/data/splits/buckets.tsv", "r");
  check(f != NULL, "tests/data/splits/buckets.tsv opens (run from the repository root)");
  if (!f) return 1;
  char line[1024];
  int n = 0, good = 0, keys = 0, kinds[3] = {0, 0, 0};
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *kind = line, *salt = strchr(kind, '\t'), *key = salt ? strchr(salt + 1, '\t') : NULL;
    char *want = key ? strchr(key + 1, '\t') : NULL;
    if (!want) { printf("# bad line %d\n", n + 1); failures++; continue; }
    *salt++ = 0; *key++ = 0; *want++ = 0;
    n++;
    char buf[32];
    const char *kt = key;
    size_t kn = strlen(key);
    int keyok = 1;
    if (strcmp(kind, "int") == 0) {            /* the int read back as seg writes it: plain decimal */
      kn = seg_bucket_key(strtoll(key, NULL, 10), 0, buf);
      kt = buf;
      keyok = kn == strlen(key) && memcmp(buf, key, kn) == 0;
      kinds[0]++;
    } else if (strcmp(kind, "date") == 0) {    /* the date as its day number, written YYYY-MM-DD */
      int32_t d = 0;
      keyok = seg_date_parse(key, strlen(key), &d) == 0;
      kn = seg_bucket_key(d, 1, buf);
      kt = buf;
      keyok = keyok && kn == strlen(key) && memcmp(buf, key, kn) == 0;
      kinds[1]++;
    } else {
      kinds[2]++;
    }
    keys += keyok;
    if (!keyok) printf("# %s key '%s' reads back as '%.*s'\n", kind, key, (int)kn, kt);
    uint32_t b = seg_bucket(salt, strlen(salt), kt, kn);
    if (b == (uint32_t)atoi(want)) good++;
    else printf("# %s salt '%s' key '%s': bucket %u, hashlib says %s\n", kind, salt, key, b, want);
  }
  fclose(f);
  check(n == 100 && kinds[0] && kinds[1] && kinds[2], "the golden file has 100 keys of each kind");
  check(keys == n, "every int and date key reads back as its text (decimal, YYYY-MM-DD)");
  check(good == n, "every bucket is hashlib's (the first 4 bytes of MD5(salt:key), big-endian, mod 10000)");

  /* chi-square upper tail: dof 1 erfc(sqrt(x/2)), dof 2 exp(-x/2),
  ** dof 3 erfc(sqrt(x/2)) + sqrt(2x/pi) exp(-x/2), dof 4 exp(-x/2)(1 + x/2) */
  const double xs[] = {1e-6, 0.01, 0.3238, 1, 2.5, 4.1008, 10, 13.8155, 30, 80, 200};
  int ok1 = 1, ok2 = 1, ok3 = 1, ok4 = 1;
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    double x = xs[i];
    ok1 &= close_to(seg_chisq_p(x, 1), erfc(sqrt(x / 2)), 1e-10);
    ok2 &= close_to(seg_chisq_p(x, 2), exp(-x / 2), 1e-10);
    ok3 &= close_to(seg_chisq_p(x, 3), erfc(sqrt(x / 2)) + sqrt(2 * x / M_PI) * exp(-x / 2), 1e-10);
    ok4 &= close_to(seg_chisq_p(x, 4), exp(-x / 2) * (1 + x / 2), 1e-10);
  }
  check(ok1, "chi-square p, 1 degree of freedom = erfc(sqrt(x/2))");
  check(ok2, "chi-square p, 2 degrees of freedom = exp(-x/2)");
  check(ok3, "chi-square p, 3 degrees of freedom (closed form)");
  check(ok4, "chi-square p, 4 degrees of freedom (closed form)");
  check(seg_chisq_p(0, 3) == 1 && seg_chisq_p(-1, 1) == 1, "chi-square p is 1 at x <= 0");
  check(close_to(seg_chisq_p(13.815510557964274, 2), 0.001, 1e-9), "p = 0.001 at x = -2 ln 0.001 (2 dof)");
  check(close_to(seg_chisq_p(11.070497693516351, 5), 0.05, 1e-7), "p = 0.05 at 11.0705 (5 dof, the table value)");
  printf("# test_split: %d failure%s\n", failures, failures == 1 ? "" : "s");
  return failures ? 1 : 0;
}
