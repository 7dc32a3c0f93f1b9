/*
** import_parse.h -- numbers and dates as CSV cells hold them, and the
** candidate types each column narrows as its cells are read. Static
** inline: called per cell by the chunk parsers and the encoders.
** Included by import_int.h only.
*/
#ifndef SEG_IMPORT_PARSE_H
#define SEG_IMPORT_PARSE_H

/* ---- numbers ---------------------------------------------------------- */



/* Scans -?digits(sep digits)*; seps are '.', ',', ' ', U+00A0, U+202F,
** U+2009.  Returns 0 when the cell has another shape or the digits do not
** fit int64. */
static inline int seg_imp_num_scan(const uchar *s, size_t n, numscan *ns) {
  size_t i = 0;
  int neg = 0, ovf = 0;
  if (n > 0 && s[0] == '-') neg = 1, i = 1;
  if (i >= n || (unsigned)(s[i] - '0') > 9) return 0;
  ns->lead = (char)s[i];
  ns->nruns = 0;
  ns->has_mark = 0;
  int64_t v = 0;
  for (;;) {
    size_t st = i;
    while (i < n && (unsigned)(s[i] - '0') <= 9) {
      int d = s[i] - '0';
      if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, neg ? -d : d, &v)) ovf = 1;
      i++;
    }
    if (i == st || ns->nruns == NUM_MAX_RUNS) return 0;
    ns->run[ns->nruns++] = (uint32_t)(i - st);
    if (i == n) break;
    char sp;
    if (s[i] == '.' || s[i] == ',') {
      sp = (char)s[i];
      ns->has_mark = 1;
      i++;
    } else if (s[i] == ' ') {
      sp = ' ';
      i++;
    } else if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xA0) {
      sp = ' ';
      i += 2;
    } else if (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xAF || s[i + 2] == 0x89)) {
      sp = ' ';
      i += 3;
    } else {
      return 0;
    }
    ns->sep[ns->nruns - 1] = sp;
  }
  if (ovf) return 0;
  ns->mant = v;
  return 1;
}

/* Fraction digits of a scanned cell read with `dec` as the decimal mark,
** or -1 when it is not a number that way: the mark at most once, before
** the last run; groups of three after a first group of 1..3 digits, all
** with one separator other than the mark; no leading zero. */
static inline int seg_imp_num_read(const numscan *ns, char dec) {
  int k = ns->nruns, nint = k, fd = 0;
  if (k > 1 && ns->sep[k - 2] == dec) {
    fd = (int)ns->run[k - 1];
    nint = k - 1;
  }
  if (fd > MAX_SCALE) return -1;
  if (nint == 1) return ns->run[0] > 1 && ns->lead == '0' ? -1 : fd;
  char g = ns->sep[0];
  if (g == dec || ns->lead == '0' || ns->run[0] > 3) return -1;
  for (int i = 1; i < nint; i++)
    if (ns->sep[i - 1] != g || ns->run[i] != 3) return -1;
  return fd;
}

/* Exact value * 10^scale of a cell read with `dec`, or -1 (overflow). */
static inline int seg_imp_num_value(const uchar *s, size_t n, char dec, unsigned scale, int64_t *out) {
  if (n <= 18) {          /* -?digits(dec digits)?: no groups, cannot overflow int64 */
    size_t i = s[0] == '-';
    int64_t v = 0;
    unsigned fd = 0;
    while (i < n && (unsigned)(s[i] - '0') <= 9) v = v * 10 + (s[i++] - '0');
    if (i < n && s[i] == dec) {
      i++;
      while (i < n && (unsigned)(s[i] - '0') <= 9) v = v * 10 + (s[i++] - '0'), fd++;
    }
    if (i == n && fd <= scale && n + (scale - fd) <= 18) {
      for (; fd < scale; fd++) v *= 10;
      *out = s[0] == '-' ? -v : v;
      return 0;
    }
  }
  numscan ns;
  if (!seg_imp_num_scan(s, n, &ns)) return -1;
  int fd = seg_imp_num_read(&ns, dec);
  if (fd < 0 || (unsigned)fd > scale) return -1;
  int64_t v = ns.mant;
  for (unsigned k = (unsigned)fd; k < scale; k++)
    if (__builtin_mul_overflow(v, 10, &v)) return -1;
  *out = v;
  return 0;
}

static inline int seg_imp_is_bool(const uchar *s, size_t n, uint8_t *v) {
  if (n == 4 && (s[0] | 0x20) == 't' && (s[1] | 0x20) == 'r' && (s[2] | 0x20) == 'u' && (s[3] | 0x20) == 'e') {
    *v = 1;
    return 1;
  }
  if (n == 5 && (s[0] | 0x20) == 'f' && (s[1] | 0x20) == 'a' && (s[2] | 0x20) == 'l' && (s[3] | 0x20) == 's' &&
      (s[4] | 0x20) == 'e') {
    *v = 0;
    return 1;
  }
  return 0;
}

/* seg_imp_is_bool, and for a column pinned to bool also yes/no, y/n, ja/nej. */
static inline int seg_imp_is_bool_ext(const uchar *s, size_t n, uint8_t *v) {
  static const struct { const char *w; uint8_t v; } words[] = {
      {"yes", 1}, {"no", 0}, {"y", 1}, {"n", 0}, {"ja", 1}, {"nej", 0}};
  if (seg_imp_is_bool(s, n, v)) return 1;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i].w) == n && strncasecmp((const char *)s, words[i].w, n) == 0) {
      *v = words[i].v;
      return 1;
    }
  return 0;
}

/* ---- per-column candidates ------------------------------------------ */



static inline void seg_imp_colstat_init(colstat *st) {
  memset(st, 0, sizeof *st);
  st->can = CAN_ALL;
  st->conflict_row = st->altdate_row = NONE;
}

static inline void seg_imp_copy_ex(char *dst, size_t cap, const uchar *s, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(dst, s, n);
  dst[n] = '\0';
}

/* Narrows st by one present value (row = its chunk-local row). */
static inline void seg_imp_classify(colstat *st, const uchar *s, size_t n, unsigned date_flags, uint64_t row) {
  uint32_t can = st->can | SEEN;
  uint8_t b;
  if ((can & CAN_BOOL) && !seg_imp_is_bool(s, n, &b)) can &= ~(uint32_t)CAN_BOOL;
  if ((can & (CAN_P | CAN_C)) && n <= 18) {
    /* the common case first: -?[1-9][0-9]* or 0, short enough not to overflow */
    size_t neg = s[0] == '-', i = neg;
    while (i < n && (unsigned)(s[i] - '0') <= 9) i++;
    size_t d1 = i - neg;
    if (d1 > 0 && (s[neg] != '0' || d1 == 1)) {
      if (i == n) {                                   /* an int both ways */
        st->can = can & ~(uint32_t)(CAN_BOOL | CAN_DATE | CAN_DATE_ALT);
        return;
      }
      /* digits, one mark, digits: a decimal with that mark unless the mark
      ** could also group thousands (1-3 digits, mark, 3 digits) */
      uchar mk = s[i];
      size_t j = i + 1;
      while (j < n && (unsigned)(s[j] - '0') <= 9) j++;
      size_t d2 = j - i - 1;
      if ((mk == '.' || mk == ',') && j == n && d2 > 0 && d2 <= MAX_SCALE && (d2 != 3 || d1 > 3)) {
        uint8_t fd = (uint8_t)d2;
        if (mk == '.') {
          can &= ~(uint32_t)(CAN_C | CAN_CINT | CAN_PINT);
          if (fd > st->fd_p) st->fd_p = fd;
        } else {
          can &= ~(uint32_t)(CAN_P | CAN_PINT | CAN_CINT);
          if (fd > st->fd_c) st->fd_c = fd;
        }
        st->can = can & ~(uint32_t)(CAN_BOOL | CAN_DATE | CAN_DATE_ALT);
        return;
      }
    }
  }
  if (can & (CAN_P | CAN_C)) {
    numscan ns;
    if (!seg_imp_num_scan(s, n, &ns)) {
      can &= ~(uint32_t)(CAN_P | CAN_PINT | CAN_C | CAN_CINT);
    } else {
      int fp = (can & CAN_P) ? seg_imp_num_read(&ns, '.') : -1;
      int fc = (can & CAN_C) ? seg_imp_num_read(&ns, ',') : -1;
      if (fp < 0) can &= ~(uint32_t)(CAN_P | CAN_PINT);
      else if (fp > 0) can &= ~(uint32_t)CAN_PINT, st->fd_p = (uint8_t)(fp > st->fd_p ? fp : st->fd_p);
      if (fc < 0) can &= ~(uint32_t)(CAN_C | CAN_CINT);
      else if (fc > 0) can &= ~(uint32_t)CAN_CINT, st->fd_c = (uint8_t)(fc > st->fd_c ? fc : st->fd_c);
      if (fp >= 0 && fc >= 0 && ns.has_mark && st->conflict_row == NONE) {
        st->conflict_row = row;
        seg_imp_copy_ex(st->conflict_ex, sizeof st->conflict_ex, s, n);
      }
    }
  }
  if (can & (CAN_DATE | CAN_DATE_ALT)) {
    int ok = (can & CAN_DATE) && seg_date_parse_ex((const char *)s, n, date_flags, NULL) == 0;
    int slash = n >= 8 && (s[1] == '/' || s[2] == '/');
    int alt = slash ? (can & CAN_DATE_ALT) &&
                          seg_date_parse_ex((const char *)s, n, date_flags ^ SEG_DATE_MONTH_FIRST, NULL) == 0
                    : ok;
    if (!ok) can &= ~(uint32_t)CAN_DATE;
    if (!alt) can &= ~(uint32_t)CAN_DATE_ALT;
    if (alt && !ok && st->altdate_row == NONE) {
      st->altdate_row = row;
      seg_imp_copy_ex(st->altdate_ex, sizeof st->altdate_ex, s, n);
    }
  }
  st->can = can;
}

#endif
