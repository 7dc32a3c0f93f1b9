/*
** date.c -- day numbers <-> civil dates, parsing, formatting, calendar
** arithmetic.  See date.h for the conventions (clamping, day numbers).
**
** The civil conversions are Howard Hinnant's branch-light algorithms
** ("chrono-Compatible Low-Level Date Algorithms"), exact for the whole
** proleptic Gregorian calendar.
*/
#include "date.h"

#include <time.h>

/* Year bound that keeps every day number within int32_t (about 5.8M years). */
#define SEG_DATE_MAX_YEAR 5000000

int seg_date_is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned seg_date_days_in_month(int64_t y, unsigned m) {
  static const unsigned char len[12] = {31, 28, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  if (m == 2 && seg_date_is_leap(y)) return 29;
  return len[m - 1];
}

int32_t seg_date_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;                                  /* [0, 399] */
  int64_t doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;       /* [0, 146096] */
  return (int32_t)(era * 146097 + doe - 719468);
}

void seg_date_civil_from_days(int32_t day, int64_t *y, unsigned *m, unsigned *d) {
  int64_t z = (int64_t)day + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;                               /* [0, 146096] */
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);        /* [0, 365] */
  int64_t mp = (5 * doy + 2) / 153;                             /* [0, 11] */
  unsigned dd = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  unsigned mm = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (mm <= 2);
  *m = mm;
  *d = dd;
}

/* Reads 1..maxd ASCII digits starting at *i; returns the value or -1. */
static int read_num(const char *s, size_t n, size_t *i, int mind, int maxd) {
  int v = 0, k = 0;
  while (*i < n && k < maxd && s[*i] >= '0' && s[*i] <= '9') {
    v = v * 10 + (s[*i] - '0');
    (*i)++;
    k++;
  }
  return k >= mind ? v : -1;
}

int seg_date_parse(const char *s, size_t n, int32_t *out) {
  return seg_date_parse_ex(s, n, 0, out);
}

int seg_date_parse_ex(const char *s, size_t n, unsigned flags, int32_t *out) {
  int y, m, d;
  size_t i = 0;
  if (n < 8 || n > 10) return -1;
  if (n == 10 && s[4] == '-' && s[7] == '-') {  /* YYYY-MM-DD, the usual case, without loops */
    unsigned y0 = (unsigned)(s[0] - '0'), y1 = (unsigned)(s[1] - '0'), y2 = (unsigned)(s[2] - '0'),
             y3 = (unsigned)(s[3] - '0'), m0 = (unsigned)(s[5] - '0'), m1 = (unsigned)(s[6] - '0'),
             d0 = (unsigned)(s[8] - '0'), d1 = (unsigned)(s[9] - '0');
    if (y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || m0 > 9 || m1 > 9 || d0 > 9 || d1 > 9) return -1;
    y = (int)(y0 * 1000 + y1 * 100 + y2 * 10 + y3);
    m = (int)(m0 * 10 + m1);
    d = (int)(d0 * 10 + d1);
    i = n;
    goto check;
  }
  if (n == 10 && s[4] == '-') {              /* YYYY-MM-DD */
    y = read_num(s, n, &i, 4, 4);
    if (y < 0 || s[i++] != '-') return -1;
    m = read_num(s, n, &i, 2, 2);
    if (m < 0 || i >= n || s[i++] != '-') return -1;
    d = read_num(s, n, &i, 2, 2);
  } else {                                   /* D.M.YYYY or D/M/YYYY */
    d = read_num(s, n, &i, 1, 2);
    if (d < 0 || i >= n || (s[i] != '.' && s[i] != '/')) return -1;
    char sep = s[i++];
    m = read_num(s, n, &i, 1, 2);
    if (m < 0 || i >= n || s[i++] != sep) return -1;
    y = read_num(s, n, &i, 4, 4);
    if (sep == '/' && (flags & SEG_DATE_MONTH_FIRST)) {
      int t = d;
      d = m;
      m = t;
    }
  }
check:
  if (y < 1 || m < 1 || m > 12 || d < 1 || i != n) return -1;
  if ((unsigned)d > seg_date_days_in_month(y, (unsigned)m)) return -1;
  if (out != NULL) *out = seg_date_days_from_civil(y, (unsigned)m, (unsigned)d);
  return 0;
}

int seg_date_format(int32_t day, char buf[11]) {
  static const char bad[11] = "(bad date)";
  int64_t y;
  unsigned m, d;
  seg_date_civil_from_days(day, &y, &m, &d);
  if (y < 0 || y > 9999) {
    for (int k = 0; k < 11; k++) buf[k] = bad[k];
    return -1;
  }
  unsigned uy = (unsigned)y;
  buf[0] = (char)('0' + uy / 1000);
  buf[1] = (char)('0' + uy / 100 % 10);
  buf[2] = (char)('0' + uy / 10 % 10);
  buf[3] = (char)('0' + uy % 10);
  buf[4] = '-';
  buf[5] = (char)('0' + m / 10);
  buf[6] = (char)('0' + m % 10);
  buf[7] = '-';
  buf[8] = (char)('0' + d / 10);
  buf[9] = (char)('0' + d % 10);
  buf[10] = '\0';
  return 0;
}

int32_t seg_date_add_months(int32_t day, int64_t months) {
  int64_t y;
  unsigned m, d;
  const int64_t lim = (int64_t)SEG_DATE_MAX_YEAR * 12;
  seg_date_civil_from_days(day, &y, &m, &d);
  if (months > 2 * lim) months = 2 * lim;     /* keeps the sum below from overflowing */
  if (months < -2 * lim) months = -2 * lim;
  int64_t total = y * 12 + (int64_t)(m - 1) + months;  /* months since year 0 */
  if (total > lim) total = lim;
  if (total < -lim) total = -lim;
  int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
  unsigned nm = (unsigned)(total - ny * 12) + 1;
  unsigned dim = seg_date_days_in_month(ny, nm);
  return seg_date_days_from_civil(ny, nm, d < dim ? d : dim);
}

int32_t seg_date_add_years(int32_t day, int64_t years) {
  if (years > SEG_DATE_MAX_YEAR * 2) years = SEG_DATE_MAX_YEAR * 2;
  if (years < -SEG_DATE_MAX_YEAR * 2) years = -SEG_DATE_MAX_YEAR * 2;
  return seg_date_add_months(day, years * 12);
}

int32_t seg_date_today_local(void) {
  time_t now = time(NULL);
  struct tm tm;
  if (localtime_r(&now, &tm) == NULL) return 0;
  return seg_date_days_from_civil((int64_t)tm.tm_year + 1900,
                                  (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday);
}
