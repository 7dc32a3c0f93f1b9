/*
** date.h -- calendar dates as day numbers (days since 1970-01-01).
**
** seg stores every date as an int32_t day number in the proleptic
** Gregorian calendar, so comparisons are integer comparisons and
** `today - 30 days` is a subtraction.  Month and year arithmetic is
** calendar arithmetic that clamps the day to the end of the target month
** (2026-03-31 - 1 month = 2026-02-28), which is what a marketer means by
** "a month ago".  Note that SQLite's date(x, '-1 month') does NOT clamp:
** it normalises 2026-02-31 to 2026-03-03.  The SQL generator must emit a
** clamping expression if it wants the same members as the VM.
**
** All functions are pure except seg_date_today_local(); none allocates.
*/
#ifndef SEG_DATE_H
#define SEG_DATE_H

#include <stddef.h>
#include <stdint.h>

/* Howard Hinnant's days_from_civil: day number of y-m-d, 1970-01-01 = 0.
** Requires 1 <= m <= 12, 1 <= d <= 31; y within +-5,000,000 so the result
** fits int32_t.  Out-of-range days are not validated (use seg_date_valid). */
int32_t seg_date_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Inverse of seg_date_days_from_civil.  Any int32_t day is accepted. */
void seg_date_civil_from_days(int32_t day, int64_t *y, unsigned *m, unsigned *d);

/* 1 if y is a Gregorian leap year. */
int seg_date_is_leap(int64_t y);

/* Number of days in month m (1..12) of year y. */
unsigned seg_date_days_in_month(int64_t y, unsigned m);

/* Parses exactly n bytes as a date: `YYYY-MM-DD`, `DD.MM.YYYY` or
** `DD/MM/YYYY` (day and month may have one or two digits, the year has
** exactly four, 0001..9999).  The month must be 1..12 and the day exist in
** that month (leap years honoured).  Returns 0 and sets *out, or -1 and
** leaves *out unchanged.  No surrounding whitespace is accepted. */
int seg_date_parse(const char *s, size_t n, int32_t *out);

/* seg_date_parse_ex flags. */
#define SEG_DATE_MONTH_FIRST 1u   /* slash dates are M/D/YYYY (US exports);
                                  ** dotted dates stay D.M.YYYY */

/* seg_date_parse with flags (0 = exactly seg_date_parse).  out may be
** NULL: the text is only checked. */
int seg_date_parse_ex(const char *s, size_t n, unsigned flags, int32_t *out);

/* Writes "YYYY-MM-DD" and a NUL into buf.  Returns 0, or -1 when the year
** is outside 0..9999, in which case buf holds "(bad date)". */
int seg_date_format(int32_t day, char buf[11]);

/* day + months calendar months, the day clamped to the target month's
** length (Jan 31 + 1 month = Feb 28/29).  months may be negative.  The
** result saturates at year +-5,000,000 instead of overflowing. */
int32_t seg_date_add_months(int32_t day, int64_t months);

/* day + years years; Feb 29 becomes Feb 28 in a non-leap target year. */
int32_t seg_date_add_years(int32_t day, int64_t years);

/* The local calendar date now (localtime_r). */
int32_t seg_date_today_local(void);

#endif
