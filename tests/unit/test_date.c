/*
** test_date.c -- day numbers, parsing, formatting and calendar arithmetic.
*/
#include <stdio.h>
#include <string.h>

#include "date.h"

static int failures;

static void check(int cond, const char *what) {
  printf("%s - %s\n", cond ? "ok" : "not ok", what);
  if (!cond) failures++;
}

static int32_t D(const char *s) {
  int32_t d = -999999;
  if (seg_date_parse(s, strlen(s), &d) != 0) printf("# cannot parse %s\n", s);
  return d;
}

static int fmt_is(int32_t day, const char *want) {
  char buf[11];
  seg_date_format(day, buf);
  if (strcmp(buf, want) != 0) printf("# got %s want %s\n", buf, want);
  return strcmp(buf, want) == 0;
}

int main(void) {
  check(seg_date_days_from_civil(1970, 1, 1) == 0, "1970-01-01 is day 0");
  check(seg_date_days_from_civil(2026, 11, 23) == 20780, "2026-11-23 is day 20780 (python: date(2026,11,23)-date(1970,1,1))");
  check(seg_date_days_from_civil(2025, 11, 23) == 20415, "2025-11-23 is day 20415");
  check(seg_date_days_from_civil(2000, 3, 1) == 11017, "2000-03-01 is day 11017");
  check(seg_date_days_from_civil(1969, 12, 31) == -1, "1969-12-31 is day -1");
  check(seg_date_days_from_civil(1, 1, 1) == -719162, "0001-01-01 is day -719162");
  check(seg_date_days_from_civil(9999, 12, 31) == 2932896, "9999-12-31 is day 2932896");

  int all = 1;
  for (int32_t d = -800000; d <= 3000000; d += 7) {
    int64_t y;
    unsigned m, dd;
    seg_date_civil_from_days(d, &y, &m, &dd);
    if (seg_date_days_from_civil(y, m, dd) != d || dd < 1 || dd > seg_date_days_in_month(y, m)) all = 0;
  }
  check(all, "civil_from_days inverts days_from_civil over 10,000 years");

  check(D("2026-11-23") == 20780, "parse YYYY-MM-DD");
  check(D("23.11.2026") == 20780, "parse DD.MM.YYYY");
  check(D("23/11/2026") == 20780, "parse DD/MM/YYYY");
  check(D("5.1.2026") == seg_date_days_from_civil(2026, 1, 5), "parse D.M.YYYY without zero padding");
  check(D("2024-02-29") == seg_date_days_from_civil(2024, 2, 29), "parse Feb 29 of a leap year");
  check(D("2000-02-29") == seg_date_days_from_civil(2000, 2, 29), "parse Feb 29 of 2000 (leap)");

  static const char *bad[] = {"2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                              "2026-11-00", "32.01.2026", "23.11.26", "23-11-2026", "2026/11/23",
                              "23.11/2026", "2026-1-05", "2026-11-23x", " 2026-11-23", "", "0000-01-01",
                              "20261123", "2026-11-2"};
  int refused = 1;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int32_t out = 77;
    if (seg_date_parse(bad[i], strlen(bad[i]), &out) == 0 || out != 77) {
      printf("# accepted %s\n", bad[i]);
      refused = 0;
    }
  }
  check(refused, "invalid dates are refused and leave *out unchanged");
  int32_t o;
  check(seg_date_parse("2026-11-23xyz", 10, &o) == 0 && o == 20780, "parse honours the length argument");

  /* US exports: month first, for slash dates only */
  const unsigned MF = SEG_DATE_MONTH_FIRST;
  check(seg_date_parse_ex("11/23/2026", 10, MF, &o) == 0 && o == 20780, "month first: 11/23/2026");
  check(seg_date_parse_ex("2/1/2026", 8, MF, &o) == 0 && o == seg_date_days_from_civil(2026, 2, 1),
        "month first: 2/1/2026 is February 1");
  check(seg_date_parse_ex("2/1/2026", 8, 0, &o) == 0 && o == seg_date_days_from_civil(2026, 1, 2),
        "day first (default): 2/1/2026 is January 2");
  o = 77;
  check(seg_date_parse_ex("23/11/2026", 10, MF, &o) == -1 && o == 77, "month first refuses 23/11/2026");
  check(seg_date_parse_ex("11/23/2026", 10, 0, &o) == -1 && o == 77, "day first refuses 11/23/2026");
  check(seg_date_parse_ex("23.11.2026", 10, MF, &o) == 0 && o == 20780, "month first leaves dotted dates day first");
  check(seg_date_parse_ex("2026-11-23", 10, MF, &o) == 0 && o == 20780, "month first leaves ISO dates as they are");
  check(seg_date_parse_ex("02/29/2023", 10, MF, &o) == -1, "month first checks the day exists (Feb 29, 2023)");

  check(fmt_is(20780, "2026-11-23"), "format 2026-11-23");
  check(fmt_is(-719162, "0001-01-01"), "format 0001-01-01");
  char buf[11];
  check(seg_date_format(seg_date_days_from_civil(10000, 1, 1), buf) == -1, "format refuses year 10000");

  check(fmt_is(seg_date_add_months(D("2026-03-31"), -1), "2026-02-28"), "2026-03-31 - 1 month = 2026-02-28 (clamped)");
  check(fmt_is(seg_date_add_months(D("2024-03-31"), -1), "2024-02-29"), "2024-03-31 - 1 month = 2024-02-29");
  check(fmt_is(seg_date_add_months(D("2026-01-31"), 1), "2026-02-28"), "2026-01-31 + 1 month = 2026-02-28");
  check(fmt_is(seg_date_add_months(D("2026-11-23"), 2), "2027-01-23"), "+2 months crosses the year");
  check(fmt_is(seg_date_add_months(D("2026-01-15"), -13), "2024-12-15"), "-13 months crosses two years");
  check(fmt_is(seg_date_add_months(D("2026-05-31"), -3), "2026-02-28"), "-3 months clamps");
  check(fmt_is(seg_date_add_months(D("2026-05-31"), 0), "2026-05-31"), "+0 months is the same day");
  check(fmt_is(seg_date_add_years(D("2024-02-29"), 1), "2025-02-28"), "Feb 29 + 1 year = Feb 28");
  check(fmt_is(seg_date_add_years(D("2024-02-29"), 4), "2028-02-29"), "Feb 29 + 4 years = Feb 29");
  check(fmt_is(seg_date_add_years(D("2026-11-23"), -10), "2016-11-23"), "-10 years");
  int32_t far = seg_date_add_months(0, INT64_MAX);
  int64_t y;
  unsigned m, d;
  seg_date_civil_from_days(far, &y, &m, &d);
  check(y == 5000000, "huge month counts saturate instead of overflowing");
  far = seg_date_add_years(0, INT64_MIN);
  seg_date_civil_from_days(far, &y, &m, &d);
  check(y == -5000000, "huge negative year counts saturate");

  int32_t today = seg_date_today_local();
  check(today > D("2024-01-01") && today < D("2100-01-01"), "today_local is a plausible date");
  return failures != 0;
}
