/*
** gencustomers.c -- a seeded, deterministic generator of a Nordic CRM export.
**
**   gencustomers [--rows N] [--seed S] [-o FILE]
**                [--orders FILE] [--email-events FILE]
**                [--orders-per-customer M] [--events-order time|customer]
**
** Writes a CSV with the header
**   customer_id,email,first_name,country,city,gender,age,signup_date,
**   last_purchase,purchases_90d,total_spend,email_opt_in,loyalty_tier
** (one line), one row per customer, LF line ends, UTF-8, missing = empty.
** --orders and --email-events also write the customers' event tables
**   customer_id,order_id,order_date,amount,category,channel
**   customer_id,at,type,campaign
** (see "Event tables" below): held in memory (12 bytes an event), sorted
** by date with a counting sort, written after the customers.
**
** Reproducibility: the only source of randomness is xoshiro256** seeded
** through splitmix64 from --seed.  Every distribution is built from
** integer arithmetic or from IEEE-754 +, -, *, / (exactly rounded, so the
** same on every conforming machine); exp() and log() are our own series,
** not libm's, whose last bit differs between C libraries.  The same seed
** and row count therefore give byte-identical output everywhere (x87
** excess precision on 32-bit x86 excepted).
**
** Speed: rows are formatted by hand into a 4 MiB buffer that is written
** with one fwrite per fill; dates come from a precomputed string table.
** 10M rows (about 1 GB) take a few seconds.  With 50M orders (2.2 GB more), about
** 22 s of CPU and 790 MB of memory.
**
** No generated value contains a comma, a double quote or a line break (a
** check at start-up enforces it for every string table), so no field ever
** needs CSV quoting.
*/
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keep a*b+c as two rounded operations on every compiler (clang contracts
** to FMA by default on targets that have it; GCC in ISO C mode does not). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* ---------------------------------------------------------------------- */
/* PRNG: xoshiro256** (Blackman & Vigna), seeded by splitmix64.            */
/* ---------------------------------------------------------------------- */

typedef struct rng { uint64_t s[4]; } rng;

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed) {
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

/* Uniform integer in [0, n), n <= 2^32 (multiply-shift; bias < 2^-32). */
static inline uint32_t rng_below(rng *r, uint32_t n) {
  return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform double in [0, 1), a multiple of 2^-53. */
static inline double rng_unit(rng *r) {
  return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform double in (0, 1]: safe for det_log. */
static inline double rng_unit_pos(rng *r) {
  return (double)((rng_next(r) >> 11) + 1) * (1.0 / 9007199254740992.0);
}

/* True with probability permille/1000. */
static inline int rng_chance(rng *r, uint32_t permille) {
  return rng_below(r, 1000) < permille;
}

static const double LN2 = 0.6931471805599453;
static const double SQRT2 = 1.4142135623730951;

/* Approximately standard normal: Irwin-Hall sum of 6 uniforms, rescaled
** (bounded to +-4.24, which suits the bounded quantities here). */
static double rng_normal(rng *r) {
  double s = 0.0;
  for (int i = 0; i < 6; i++) s += rng_unit(r);
  return (s - 3.0) * SQRT2;
}

/* ---------------------------------------------------------------------- */
/* exp and log from basic operations only, for bit-reproducibility.       */
/* ---------------------------------------------------------------------- */

/* Series coefficients, filled by series_init() with exactly rounded
** divisions: EXP_C[i] = 1/i!, LOG_C[i] = 1/(2i+1). */
#define EXP_TERMS 16
#define LOG_TERMS 14
static double EXP_C[EXP_TERMS], LOG_C[LOG_TERMS];

static void series_init(void) {
  EXP_C[0] = 1.0;
  for (int i = 1; i < EXP_TERMS; i++) EXP_C[i] = EXP_C[i - 1] / (double)i;
  for (int i = 0; i < LOG_TERMS; i++) LOG_C[i] = 1.0 / (double)(2 * i + 1);
}

/* e^x for |x| < 700: x = k ln2 + r with |r| <= ln2/2, Taylor series on r
** (Horner), then an exact scaling by 2^k. */
static double det_exp(double x) {
  double kf = x / LN2;
  long k = (long)(kf < 0 ? kf - 0.5 : kf + 0.5);
  double rr = x - (double)k * LN2;
  double sum = EXP_C[EXP_TERMS - 1];
  for (int i = EXP_TERMS - 2; i >= 0; i--) sum = sum * rr + EXP_C[i];
  while (k > 0) { sum *= 2.0; k--; }
  while (k < 0) { sum *= 0.5; k++; }
  return sum;
}

/* ln(x) for x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), then
** ln m = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172, as a series in s^2. */
static double det_log(double x) {
  int e = 0;
  while (x >= SQRT2) { x *= 0.5; e++; }
  while (x < SQRT2 * 0.5) { x *= 2.0; e--; }
  double s = (x - 1.0) / (x + 1.0), s2 = s * s;
  double sum = LOG_C[LOG_TERMS - 1];
  for (int i = LOG_TERMS - 2; i >= 0; i--) sum = sum * s2 + LOG_C[i];
  return 2.0 * s * sum + (double)e * LN2;
}

/* Exponential with the given mean. */
static double rng_expo(rng *r, double mean) { return -det_log(rng_unit_pos(r)) * mean; }

/* ---------------------------------------------------------------------- */
/* Dates: days since 1970-01-01 (Hinnant's civil algorithms).             */
/* ---------------------------------------------------------------------- */

static int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int32_t)doe - 719468;
}

static void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)yoe + era * 400 + (*m <= 2);
}

/* ---------------------------------------------------------------------- */
/* Vocabulary.                                                             */
/* ---------------------------------------------------------------------- */

/* First names by origin; the letter after the name is its usual gender. */
typedef struct person_name { const char *name; char gender; } person_name;

static const person_name NAMES_SE[] = {
  {"Anna",'F'},{"Maria",'F'},{"Karin",'F'},{"Kerstin",'F'},{"Åsa",'F'},{"Märta",'F'},
  {"Astrid",'F'},{"Ingrid",'F'},{"Sigrid",'F'},{"Ebba",'F'},{"Elsa",'F'},{"Maja",'F'},
  {"Linnéa",'F'},{"Saga",'F'},{"Alva",'F'},{"Ida",'F'},{"Emma",'F'},{"Sofia",'F'},
  {"Malin",'F'},{"Lena",'F'},{"Britt",'F'},{"Gunnel",'F'},{"Agnes",'F'},{"Wilma",'F'},
  {"Erik",'M'},{"Lars",'M'},{"Karl",'M'},{"Johan",'M'},{"Anders",'M'},{"Per",'M'},
  {"Nils",'M'},{"Björn",'M'},{"Göran",'M'},{"Gösta",'M'},{"Åke",'M'},{"Örjan",'M'},
  {"Sören",'M'},{"Jörgen",'M'},{"Mikael",'M'},{"Magnus",'M'},{"Olof",'M'},{"Oskar",'M'},
  {"Stefan",'M'},{"Sven",'M'},{"Lasse",'M'},{"Kalle",'M'},{"Hampus",'M'},{"Måns",'M'},
};
static const person_name NAMES_NO[] = {
  {"Ingrid",'F'},{"Kari",'F'},{"Solveig",'F'},{"Ragnhild",'F'},{"Tove",'F'},{"Liv",'F'},
  {"Sølvi",'F'},{"Marit",'F'},{"Nora",'F'},{"Hege",'F'},{"Åse",'F'},{"Gro",'F'},
  {"Håkon",'M'},{"Bjørn",'M'},{"Ørjan",'M'},{"Kåre",'M'},{"Pål",'M'},{"Ståle",'M'},
  {"Knut",'M'},{"Ola",'M'},{"Rune",'M'},{"Tor",'M'},{"Leif",'M'},{"Øyvind",'M'},
  {"Sindre",'M'},{"Eirik",'M'},{"Jørgen",'M'},{"Trond",'M'},
};
static const person_name NAMES_DK[] = {
  {"Mette",'F'},{"Signe",'F'},{"Freja",'F'},{"Ane",'F'},{"Lærke",'F'},{"Søs",'F'},
  {"Birgitte",'F'},{"Camilla",'F'},{"Louise",'F'},{"Sanne",'F'},{"Dorthe",'F'},
  {"Søren",'M'},{"Jens",'M'},{"Mads",'M'},{"Rasmus",'M'},{"Frederik",'M'},{"Niels",'M'},
  {"Jesper",'M'},{"Henrik",'M'},{"Bjørn",'M'},{"Asger",'M'},{"Æbbe",'M'},{"Thorkild",'M'},
};
static const person_name NAMES_FI[] = {
  {"Aino",'F'},{"Päivi",'F'},{"Sirpa",'F'},{"Tuula",'F'},{"Hanna",'F'},{"Elina",'F'},
  {"Kaija",'F'},{"Pirjo",'F'},{"Sanna",'F'},{"Minna",'F'},{"Anneli",'F'},
  {"Matti",'M'},{"Juha",'M'},{"Jyrki",'M'},{"Timo",'M'},{"Mikko",'M'},{"Jussi",'M'},
  {"Väinö",'M'},{"Pekka",'M'},{"Hannu",'M'},{"Esa",'M'},{"Jääkko",'M'},{"Tapio",'M'},
};
static const person_name NAMES_INTL[] = {
  {"Ursula",'F'},{"Chloé",'F'},{"Zoë",'F'},{"Ana",'F'},{"Sophie",'F'},{"Emily",'F'},
  {"Jürgen",'M'},{"Günter",'M'},{"Jörg",'M'},{"Uwe",'M'},{"Hans",'M'},{"Peter",'M'},
  {"Liam",'M'},{"Oliver",'M'},{"James",'M'},{"Noël",'M'},{"Jan",'M'},{"Lukas",'M'},
};

typedef struct name_group { const person_name *v; uint32_t n; } name_group;
#define GROUP(a) { a, (uint32_t)(sizeof a / sizeof a[0]) }
enum { G_SE, G_NO, G_DK, G_FI, G_INTL, G_COUNT };
static const name_group GROUPS[G_COUNT] = {
  GROUP(NAMES_SE), GROUP(NAMES_NO), GROUP(NAMES_DK), GROUP(NAMES_FI), GROUP(NAMES_INTL),
};

/* Real cities by country, biggest first (their Zipf weight follows rank). */
static const char *const CITIES_SE[] = {
  "Stockholm","Göteborg","Malmö","Uppsala","Linköping","Örebro","Västerås","Helsingborg",
  "Norrköping","Jönköping","Umeå","Lund","Borås","Gävle","Eskilstuna","Södertälje",
  "Halmstad","Växjö","Karlstad","Sundsvall","Östersund","Trollhättan","Luleå","Kalmar",
  "Skövde","Kristianstad","Falun","Skellefteå","Nyköping","Uddevalla","Örnsköldsvik",
  "Ängelholm","Borlänge","Motala","Varberg","Landskrona","Karlskrona","Trelleborg",
  "Piteå","Kiruna","Visby","Ystad","Åre","Höganäs","Härnösand","Köping","Enköping",
  "Sölvesborg","Älmhult","Mölndal","Täby","Solna","Nacka","Sollentuna","Märsta",
  "Åmål","Säffle","Hässleholm","Mjölby","Lidköping",
};
static const char *const CITIES_NO[] = {
  "Oslo","Bergen","Trondheim","Stavanger","Drammen","Fredrikstad","Kristiansand",
  "Sandnes","Tromsø","Sarpsborg","Skien","Ålesund","Sandefjord","Haugesund","Tønsberg",
  "Moss","Bodø","Arendal","Hamar","Larvik","Halden","Lillehammer","Hønefoss","Molde",
  "Gjøvik","Kongsberg","Harstad","Førde","Steinkjer","Ørsta",
};
static const char *const CITIES_DK[] = {
  "København","Aarhus","Odense","Aalborg","Esbjerg","Randers","Kolding","Horsens",
  "Vejle","Roskilde","Herning","Hørsholm","Helsingør","Silkeborg","Næstved",
  "Fredericia","Viborg","Køge","Holstebro","Taastrup","Slagelse","Hillerød",
  "Sønderborg","Svendborg","Hjørring","Nørresundby","Frederikshavn","Ærøskøbing",
};
static const char *const CITIES_FI[] = {
  "Helsinki","Espoo","Tampere","Vantaa","Oulu","Turku","Jyväskylä","Lahti","Kuopio",
  "Pori","Kouvola","Joensuu","Lappeenranta","Hämeenlinna","Vaasa","Seinäjoki",
  "Rovaniemi","Mikkeli","Kotka","Salo","Porvoo","Kokkola","Mariehamn","Jakobstad",
  "Hyvinkää","Järvenpää","Äänekoski",
};
static const char *const CITIES_DE[] = {
  "Berlin","Hamburg","München","Köln","Frankfurt am Main","Stuttgart","Düsseldorf",
  "Leipzig","Dortmund","Essen","Bremen","Dresden","Hannover","Nürnberg","Lübeck","Kiel",
  "Rostock","Flensburg","Münster","Göttingen",
};
static const char *const CITIES_GB[] = {
  "London","Manchester","Birmingham","Leeds","Glasgow","Edinburgh","Bristol","Liverpool",
  "Newcastle","Aberdeen","Cardiff","Brighton",
};
static const char *const CITIES_US[] = {
  "New York","Minneapolis","Seattle","Chicago","Los Angeles","Boston","San Francisco",
  "Austin","Duluth","Fargo",
};
static const char *const CITIES_PL[] = { "Warszawa","Kraków","Gdańsk","Wrocław","Poznań","Łódź","Szczecin" };
static const char *const CITIES_NL[] = { "Amsterdam","Rotterdam","Utrecht","Den Haag","Eindhoven","Groningen" };
static const char *const CITIES_FR[] = { "Paris","Lyon","Marseille","Toulouse","Nice","Nantes","Strasbourg" };
static const char *const CITIES_ES[] = { "Madrid","Barcelona","Málaga","Valencia","Sevilla","Alicante" };
static const char *const CITIES_IT[] = { "Roma","Milano","Torino","Napoli","Bologna","Firenze" };
static const char *const CITIES_EE[] = { "Tallinn","Tartu","Pärnu","Narva" };
static const char *const CITIES_IS[] = { "Reykjavík","Akureyri","Kópavogur","Hafnarfjörður" };
static const char *const CITIES_CH[] = { "Zürich","Genève","Basel","Bern","Luzern" };
static const char *const CITIES_AT[] = { "Wien","Graz","Linz","Salzburg","Innsbruck" };
static const char *const CITIES_LT[] = { "Vilnius","Kaunas","Klaipėda" };
static const char *const CITIES_LV[] = { "Rīga","Daugavpils","Liepāja" };

/* Syllables for the long tail of small Nordic towns ("Norr" + "köping"). */
static const char *const TOWN_PREFIX[] = {
  "Norr","Söder","Väster","Öster","Ny","Gammel","Stor","Lill","Ek","Björk","Gran","Sjö",
  "Berg","Å","Älv","Hög","Lång","Bjärk","Mål","Ström","Fager","Sol","Hav","Vik","Kungs",
  "Drott","Hels","Kris","Alm","Lind","Asp","Rönn","Hassel","Tall","Fur","Ängel","Mör",
  "Skog","Dal","Ås","Hed","Mo","Näs","Torp","Vall","Sand","Sten","Hälle","Ör","Rå",
  "Kvarn","Myr",
};
static const char *const TOWN_SUFFIX[] = {
  "köping","by","berga","fors","vik","hamn","sund","holm","ö","å","dal","näs","strand",
  "torp","hult","ryd","sjö","backa","mo","stad","lunda","viken","åker","ängen","bro",
  "bäck","hed","lid","mark","åsen","fjärd","gärde","löv","myra","säter","tuna",
};

typedef struct city_list { const char *const *v; uint32_t n; } city_list;
#define CLIST(a) { a, (uint32_t)(sizeof a / sizeof a[0]) }

/* Email domains: generic ones everywhere, plus a local provider per country. */
static const char *const DOMAINS_GLOBAL[] = {
  "gmail.com","hotmail.com","outlook.com","icloud.com","yahoo.com","example.org",
};
static const uint32_t DOMAINS_GLOBAL_W[] = { 460, 180, 140, 90, 80, 20 };

static const char *const DOM_SE[] = { "telia.com","live.se","bredband.net" };
static const char *const DOM_NO[] = { "online.no","live.no" };
static const char *const DOM_DK[] = { "mail.dk","live.dk" };
static const char *const DOM_FI[] = { "kolumbus.fi","luukku.com" };
static const char *const DOM_DE[] = { "gmx.de","web.de" };
static const char *const DOM_GB[] = { "btinternet.com" };
static const char *const DOM_OTHER[] = { "gmx.net","proton.me" };

typedef struct country {
  const char *code;
  uint32_t weight;          /* per 10 000 customers                      */
  int name_group;           /* G_*: where most first names come from     */
  int nordic;               /* small towns from the generated pool       */
  city_list cities;
  city_list domains;        /* local e-mail providers                    */
} country;

static const country COUNTRIES[] = {
  {"SE", 4000, G_SE,   1, CLIST(CITIES_SE), CLIST(DOM_SE)},
  {"NO", 1400, G_NO,   1, CLIST(CITIES_NO), CLIST(DOM_NO)},
  {"DK", 1100, G_DK,   1, CLIST(CITIES_DK), CLIST(DOM_DK)},
  {"FI",  900, G_FI,   1, CLIST(CITIES_FI), CLIST(DOM_FI)},
  {"DE",  800, G_INTL, 0, CLIST(CITIES_DE), CLIST(DOM_DE)},
  {"GB",  250, G_INTL, 0, CLIST(CITIES_GB), CLIST(DOM_GB)},
  {"PL",  180, G_INTL, 0, CLIST(CITIES_PL), CLIST(DOM_OTHER)},
  {"NL",  170, G_INTL, 0, CLIST(CITIES_NL), CLIST(DOM_OTHER)},
  {"US",  150, G_INTL, 0, CLIST(CITIES_US), CLIST(DOM_OTHER)},
  {"FR",  140, G_INTL, 0, CLIST(CITIES_FR), CLIST(DOM_OTHER)},
  {"ES",  120, G_INTL, 0, CLIST(CITIES_ES), CLIST(DOM_OTHER)},
  {"IT",  100, G_INTL, 0, CLIST(CITIES_IT), CLIST(DOM_OTHER)},
  {"EE",   80, G_FI,   0, CLIST(CITIES_EE), CLIST(DOM_OTHER)},
  {"IS",   60, G_NO,   0, CLIST(CITIES_IS), CLIST(DOM_OTHER)},
  {"CH",   60, G_INTL, 0, CLIST(CITIES_CH), CLIST(DOM_OTHER)},
  {"AT",   50, G_INTL, 0, CLIST(CITIES_AT), CLIST(DOM_OTHER)},
  {"LT",   50, G_INTL, 0, CLIST(CITIES_LT), CLIST(DOM_OTHER)},
  {"LV",   40, G_INTL, 0, CLIST(CITIES_LV), CLIST(DOM_OTHER)},
};
#define NCOUNTRIES ((int)(sizeof COUNTRIES / sizeof COUNTRIES[0]))

/* Loyalty tiers: share (per mille), spend median in cents, recency mean in
** days, mean extra purchases in 90 days, e-mail opt-in rate (per mille). */
typedef struct tier {
  const char *name;
  uint32_t permille;
  double median_cents;
  double recency_mean;
  double p90_mean;
  uint32_t optin_permille;
} tier;

static const tier TIERS[] = {
  {"bronze",   550,  25000.0, 330.0, 1.2, 560},
  {"silver",   280,  90000.0, 220.0, 2.0, 620},
  {"gold",     130, 280000.0, 150.0, 3.2, 680},
  {"platinum",  40, 900000.0, 100.0, 4.5, 720},
};
#define NTIERS ((int)(sizeof TIERS / sizeof TIERS[0]))

/* ---------------------------------------------------------------------- */
/* Tables built at start-up.                                               */
/* ---------------------------------------------------------------------- */

/* A string with its length, ready to memcpy. */
typedef struct str { const char *p; uint32_t len; } str;

/* Cumulative weights for drawing index i with probability w[i]/total. */
typedef struct wtab { uint32_t *cum; uint32_t n; uint32_t total; } wtab;

static void die(const char *msg) {
  fprintf(stderr, "gencustomers: %s\n", msg);
  exit(2);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("out of memory");
  return p;
}

static wtab wtab_make(const uint32_t *w, uint32_t n) {
  wtab t = { xmalloc(n * sizeof(uint32_t)), n, 0 };
  for (uint32_t i = 0; i < n; i++) { t.total += w[i]; t.cum[i] = t.total; }
  return t;
}

/* Zipf-like weights 1/(rank+1), as integers so the table is exact. */
static wtab wtab_zipf(uint32_t n) {
  uint32_t *w = xmalloc(n * sizeof(uint32_t));
  for (uint32_t i = 0; i < n; i++) w[i] = 1000000u / (i + 1);
  wtab t = wtab_make(w, n);
  free(w);
  return t;
}

static uint32_t wtab_draw(const wtab *t, rng *r) {
  uint32_t x = rng_below(r, t->total), lo = 0, hi = t->n - 1;
  while (lo < hi) {                 /* first i with cum[i] > x */
    uint32_t mid = (lo + hi) / 2;
    if (t->cum[mid] > x) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/* Fold a UTF-8 first name to lowercase ASCII for the e-mail local part:
** Å/Ä -> a, Ö/Ø -> o, Æ -> ae, É -> e, ... (Latin-1 supplement only). */
static size_t ascii_fold(const char *s, char *out) {
  static const char *const LATIN1[64] = {
    "a","a","a","a","a","a","ae","c","e","e","e","e","i","i","i","i",
    "d","n","o","o","o","o","o","x","o","u","u","u","u","y","th","ss",
    "a","a","a","a","a","a","ae","c","e","e","e","e","i","i","i","i",
    "d","n","o","o","o","o","o","x","o","u","u","u","u","y","th","y",
  };
  size_t k = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
      const char *f = LATIN1[p[1] - 0x80];
      while (*f) out[k++] = *f++;
      p++;
    } else if (*p < 0x80) {
      out[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    }                                /* other non-ASCII bytes: dropped */
  }
  out[k] = '\0';
  return k;
}

static void check_csv_safe(const char *s) {
  if (strpbrk(s, ",\"\r\n")) {
    fprintf(stderr, "gencustomers: internal error: value needs CSV quoting: %s\n", s);
    exit(2);
  }
}

static str mkstr(const char *s) {
  check_csv_safe(s);
  return (str){ s, (uint32_t)strlen(s) };
}

/* Everything a row is drawn from. */
typedef struct model {
  /* names */
  str name[G_COUNT][64];
  str name_email[G_COUNT][64];          /* ASCII-folded, lowercase       */
  char gender[G_COUNT][64];
  /* countries */
  wtab country_w;
  str country_code[NCOUNTRIES];
  wtab city_w[NCOUNTRIES];
  str *city[NCOUNTRIES];
  str *domain_local[NCOUNTRIES];
  /* generated small towns, shuffled with a fixed seed */
  str *town;
  uint32_t ntown;
  /* e-mail */
  wtab domain_w;
  str domain[6];
  /* tiers */
  wtab tier_w;
  str tier[NTIERS];
  /* dates */
  int32_t d_first, d_signup_last, d_purchase_last;
  char (*datestr)[10];                  /* index: day - d_first          */
} model;

static void model_init(model *m) {
  memset(m, 0, sizeof *m);
  series_init();
  for (int g = 0; g < G_COUNT; g++) {
    if (GROUPS[g].n > 64) die("internal error: name group too large");
    for (uint32_t i = 0; i < GROUPS[g].n; i++) {
      const char *nm = GROUPS[g].v[i].name;
      char buf[64];
      size_t len = ascii_fold(nm, buf);
      char *dup = xmalloc(len + 1);
      memcpy(dup, buf, len + 1);
      m->name[g][i] = mkstr(nm);
      m->name_email[g][i] = mkstr(dup);
      m->gender[g][i] = GROUPS[g].v[i].gender;
    }
  }

  uint32_t cw[NCOUNTRIES];
  for (int c = 0; c < NCOUNTRIES; c++) {
    const country *k = &COUNTRIES[c];
    cw[c] = k->weight;
    m->country_code[c] = mkstr(k->code);
    m->city_w[c] = wtab_zipf(k->cities.n);
    m->city[c] = xmalloc(k->cities.n * sizeof(str));
    for (uint32_t i = 0; i < k->cities.n; i++) m->city[c][i] = mkstr(k->cities.v[i]);
    m->domain_local[c] = xmalloc(k->domains.n * sizeof(str));
    for (uint32_t i = 0; i < k->domains.n; i++) m->domain_local[c][i] = mkstr(k->domains.v[i]);
  }
  m->country_w = wtab_make(cw, NCOUNTRIES);

  /* The town pool: every prefix x suffix, in an order shuffled with a fixed
  ** seed so the popular towns are not all "Norr..." and the set of towns is
  ** the same whatever --seed says. */
  const uint32_t np = sizeof TOWN_PREFIX / sizeof TOWN_PREFIX[0];
  const uint32_t ns = sizeof TOWN_SUFFIX / sizeof TOWN_SUFFIX[0];
  m->ntown = np * ns;
  m->town = xmalloc(m->ntown * sizeof(str));
  for (uint32_t i = 0; i < np; i++)
    for (uint32_t j = 0; j < ns; j++) {
      size_t a = strlen(TOWN_PREFIX[i]), b = strlen(TOWN_SUFFIX[j]);
      char *t = xmalloc(a + b + 1);
      memcpy(t, TOWN_PREFIX[i], a);
      memcpy(t + a, TOWN_SUFFIX[j], b + 1);
      m->town[i * ns + j] = mkstr(t);
    }
  rng fixed;
  rng_seed(&fixed, 0x5E6C17E5ULL);
  for (uint32_t i = m->ntown - 1; i > 0; i--) {
    uint32_t j = rng_below(&fixed, i + 1);
    str t = m->town[i]; m->town[i] = m->town[j]; m->town[j] = t;
  }

  for (int i = 0; i < 6; i++) m->domain[i] = mkstr(DOMAINS_GLOBAL[i]);
  m->domain_w = wtab_make(DOMAINS_GLOBAL_W, 6);

  uint32_t tw[NTIERS];
  for (int i = 0; i < NTIERS; i++) { tw[i] = TIERS[i].permille; m->tier[i] = mkstr(TIERS[i].name); }
  m->tier_w = wtab_make(tw, NTIERS);

  m->d_first = days_from_civil(2015, 1, 1);
  m->d_signup_last = days_from_civil(2026, 11, 20);
  m->d_purchase_last = days_from_civil(2026, 11, 22);
  uint32_t ndays = (uint32_t)(m->d_purchase_last - m->d_first + 1);
  m->datestr = xmalloc(ndays * sizeof *m->datestr);
  for (uint32_t i = 0; i < ndays; i++) {
    int y; unsigned mo, d;
    civil_from_days(m->d_first + (int32_t)i, &y, &mo, &d);
    char *o = m->datestr[i];
    o[0] = (char)('0' + y / 1000); o[1] = (char)('0' + y / 100 % 10);
    o[2] = (char)('0' + y / 10 % 10); o[3] = (char)('0' + y % 10);
    o[4] = '-'; o[5] = (char)('0' + mo / 10); o[6] = (char)('0' + mo % 10);
    o[7] = '-'; o[8] = (char)('0' + d / 10); o[9] = (char)('0' + d % 10);
  }
}

/* ---------------------------------------------------------------------- */
/* Output.                                                                 */
/* ---------------------------------------------------------------------- */

#define OUTBUF (4u << 20)
#define ROWMAX 512u                /* far above the longest possible row */

typedef struct out { FILE *f; char *buf; size_t len; } out;

static void out_flush(out *o) {
  if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len) {
    fprintf(stderr, "gencustomers: write error: %s\n", strerror(errno));
    exit(2);
  }
  o->len = 0;
}

static inline char *put_str(char *p, str s) { memcpy(p, s.p, s.len); return p + s.len; }

static inline char *put_u64(char *p, uint64_t v) {
  char tmp[20];
  int n = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) *p++ = tmp[--n];
  return p;
}

/* cents -> "1934.72" */
static inline char *put_money(char *p, uint64_t cents) {
  p = put_u64(p, cents / 100);
  *p++ = '.';
  *p++ = (char)('0' + cents / 10 % 10);
  *p++ = (char)('0' + cents % 10);
  return p;
}

static inline char *put_date(char *p, const model *m, int32_t day) {
  memcpy(p, m->datestr[day - m->d_first], 10);
  return p + 10;
}

static const char HEADER[] =
  "customer_id,email,first_name,country,city,gender,age,signup_date,last_purchase,"
  "purchases_90d,total_spend,email_opt_in,loyalty_tier\n";

/* What the event tables need to know about a customer (see gen_events). */
typedef struct facts {
  int tier;                 /* index into TIERS                           */
  int has_email, optin, has_lp;
  int32_t signup, lp;       /* days since 1970                            */
} facts;

/* Draw one customer and append its CSV line at p; returns the new end.
** The facts the event tables build on are left in *f. */
static char *gen_row(const model *m, rng *r, uint64_t row, char *p, facts *f) {
  const uint64_t id = 100000 + row;

  /* who */
  int c = (int)wtab_draw(&m->country_w, r);
  const country *k = &COUNTRIES[c];
  int g = k->name_group;
  if (rng_chance(r, k->nordic ? 150 : 300)) g = (int)rng_below(r, G_COUNT);
  uint32_t ni = rng_below(r, GROUPS[g].n);

  str city;
  if (k->nordic && rng_chance(r, 350)) {
    /* a small town: density falls off with the pool index */
    uint64_t x = rng_next(r) >> 32;
    city = m->town[(uint32_t)((((x * x) >> 32) * m->ntown) >> 32)];
  } else {
    city = m->city[c][wtab_draw(&m->city_w[c], r)];
  }

  int ti = (int)wtab_draw(&m->tier_w, r);
  const tier *t = &TIERS[ti];

  /* email: folded name, '.', a letter, the row number, '@', a domain */
  int has_email = !rng_chance(r, 30);
  char letter = (char)('a' + rng_below(r, 26));
  str domain = rng_chance(r, 180)
    ? m->domain_local[c][rng_below(r, k->domains.n)]
    : m->domain[wtab_draw(&m->domain_w, r)];

  char gender = rng_chance(r, 30) ? 0 : m->gender[g][ni];

  /* age: roughly normal around 44, 18..90, 4% unknown */
  int has_age = !rng_chance(r, 40);
  int age;
  do age = (int)(44.0 + 15.0 * rng_normal(r) + 0.5); while (age < 18 || age > 90);

  /* signup: density rising linearly towards the present (the base grew) */
  uint32_t span = (uint32_t)(m->d_signup_last - m->d_first + 1);
  uint32_t u1 = rng_below(r, span), u2 = rng_below(r, span);
  int32_t signup = m->d_first + (int32_t)(u1 > u2 ? u1 : u2);

  /* last purchase: 5% never bought; else an exponential recency before
  ** 2026-11-22, not earlier than the signup */
  int has_lp = !rng_chance(r, 50);
  double rec = rng_expo(r, t->recency_mean);
  int32_t lp = m->d_purchase_last - (int32_t)(rec < 5000.0 ? rec : 5000.0);
  if (lp < signup) lp = signup + (int32_t)rng_below(r, (uint32_t)(m->d_purchase_last - signup + 1));

  /* purchases in the 90 days before 2026-11-23: only for recent buyers */
  uint32_t p90 = 0;
  double extra = rng_expo(r, t->p90_mean);
  if (has_lp && lp >= days_from_civil(2026, 8, 25)) {
    p90 = 1 + (uint32_t)(extra < 19.0 ? extra : 19.0);
  }

  /* spend: lognormal around the tier's median; 0.00 for those who never
  ** bought and for a few fully refunded accounts */
  double z = rng_normal(r);
  uint64_t cents = (uint64_t)(t->median_cents * det_exp(0.85 * z) + 0.5);
  if (cents > 9999999) cents = 9999999;
  if (cents < 100) cents = 100 + cents % 900;
  if (!has_lp || rng_chance(r, 6)) cents = 0;

  int optin = rng_chance(r, t->optin_permille);
  *f = (facts){ ti, has_email, optin, has_lp, signup, lp };

  /* format */
  p = put_u64(p, id); *p++ = ',';
  if (has_email) {
    p = put_str(p, m->name_email[g][ni]); *p++ = '.'; *p++ = letter;
    p = put_u64(p, row); *p++ = '@'; p = put_str(p, domain);
  }
  *p++ = ',';
  p = put_str(p, m->name[g][ni]); *p++ = ',';
  p = put_str(p, m->country_code[c]); *p++ = ',';
  p = put_str(p, city); *p++ = ',';
  if (gender) *p++ = gender;
  *p++ = ',';
  if (has_age) p = put_u64(p, (uint64_t)age);
  *p++ = ',';
  p = put_date(p, m, signup); *p++ = ',';
  if (has_lp) p = put_date(p, m, lp);
  *p++ = ',';
  p = put_u64(p, p90); *p++ = ',';
  p = put_money(p, cents); *p++ = ',';
  if (optin) { memcpy(p, "true", 4); p += 4; } else { memcpy(p, "false", 5); p += 5; }
  *p++ = ',';
  p = put_str(p, m->tier[ti]);
  *p++ = '\n';
  return p;
}

/* ---------------------------------------------------------------------- */
/* Event tables: orders and e-mail events (--orders, --email-events).      */
/* ---------------------------------------------------------------------- */

/* Each customer's events come from their own generator, seeded from
** (--seed, row, table), so the customer file is the same bytes whether or
** not event tables are asked for, and the orders the same with or without
** the e-mail events.  The export covers the three years before 2026-11-23.
** A customer buys in that window only if they bought at all
** (last_purchase present) and last_purchase falls in it; of those, a share
** that grows with the tier are buyers, with a heavy-tailed number of
** orders (a log-normal rate, then an exponential count): many have 1 or 2,
** a few hundreds.  One order is on the day of last_purchase, the others
** uniform between max(signup, window start) and last_purchase, so
** last(orders.order_date) is last_purchase unless that order lost its date
** or key.  A few events are orphans (key missing or not a customer's) and
** a few values are missing, at the rates below. */

enum { ORPHAN_PERMILLE = 4 };

typedef struct category { const char *name; uint32_t weight; double median_cents; } category;
static const category CATEGORIES[] = {
  {"shoes", 180, 7900.0}, {"socks", 150, 1200.0}, {"shirts", 140, 3500.0},
  {"trousers", 100, 5900.0}, {"jackets", 70, 12900.0}, {"dresses", 70, 6900.0},
  {"bags", 60, 8900.0}, {"hats", 50, 2500.0}, {"scarves", 50, 2900.0},
  {"gloves", 40, 1900.0}, {"belts", 40, 2900.0}, {"accessories", 50, 1500.0},
};
#define NCATEGORIES ((int)(sizeof CATEGORIES / sizeof CATEGORIES[0]))
static const char *const CHANNELS[] = { "web", "app", "store", "phone" };
static const uint32_t CHANNELS_W[] = { 500, 250, 200, 50 };
#define NCHANNELS 4
static const char *const EMAIL_TYPES[] = { "send", "open", "click" };

/* Per tier: buyers in the window (per mille), relative order rate. */
static const uint32_t BUYER_PERMILLE[NTIERS] = { 420, 560, 720, 860 };
static const double TIER_RATE[NTIERS] = { 0.7, 1.0, 1.6, 2.6 };
/* The share of customers who are buyers (measured over 1M rows at seed
** 42: 0.4862) and the mean of TIER_RATE x the log-normal factor among
** them (1.076): a buyer has 1 + floor(Exp(rate)) orders, on average
** 0.5 + rate, so --orders-per-customer M gives a mean close to M. */
static const double BUYER_SHARE = 0.4862, BUYER_RATE_MEAN = 1.076;

/* One event, 12 bytes: 50M orders need 600 MB before the sort.  day is
** days since model.d_first; DAY_MISSING marks a missing date (the day is
** kept for the order of the rows); a and b are the category and channel
** (orders) or the type and campaign (e-mails), NONE when missing; key 0
** is a missing customer_id. */
typedef struct event { uint32_t key; int32_t cents; uint16_t day; uint8_t a, b; } event;
#define DAY_MISSING 0x8000u
#define NONE 0xFFu
#define CENTS_MISSING INT32_MIN

typedef struct evbuf { event *v; size_t n, cap; } evbuf;

static void ev_push(evbuf *b, event e) {
  if (b->n == b->cap) {
    b->cap = b->cap ? b->cap * 2 : 65536;
    event *v = realloc(b->v, b->cap * sizeof *v);
    if (!v) die("out of memory (event table)");
    b->v = v;
  }
  b->v[b->n++] = e;
}

typedef struct evcfg {
  uint64_t seed, rows;
  double order_rate;        /* mean of the exponential count, before tiers */
  int32_t d_window;         /* first day of the export window             */
  wtab cat_w, chan_w;
  str cat[NCATEGORIES], chan[NCHANNELS], etype[3];
  str *campaign;            /* names and days of the e-mail campaigns     */
  int32_t *campaign_day;
  uint32_t ncampaign;
} evcfg;

static void rng_seed_stream(rng *r, uint64_t seed, uint64_t row, uint64_t table) {
  uint64_t x = seed ^ (table * 0xD1B54A32D192ED03ULL);
  x = splitmix64(&x) ^ row;
  rng_seed(r, x);
}

/* The key of an event of customer `row`: usually its customer_id; an
** orphan's is missing (0) or an id that is no customer's (below the first,
** or past the last). */
static uint32_t event_key(const evcfg *c, rng *r, uint64_t row) {
  if (!rng_chance(r, ORPHAN_PERMILLE)) return (uint32_t)(100000 + row);
  uint32_t k = rng_below(r, 3);
  return k == 0 ? 0 : k == 1 ? 1 + rng_below(r, 99999) : (uint32_t)(100000 + c->rows + rng_below(r, 1000));
}

static void gen_orders(const model *m, const evcfg *c, uint64_t row, const facts *f, evbuf *b) {
  if (!f->has_lp) return;
  int32_t start = f->signup > c->d_window ? f->signup : c->d_window;
  if (f->lp < start) return;
  rng r;
  rng_seed_stream(&r, c->seed, row, 1);
  if (!rng_chance(&r, BUYER_PERMILLE[f->tier])) return;
  double rate = c->order_rate * TIER_RATE[f->tier] * det_exp(0.9 * rng_normal(&r) - 0.405);
  double x = rng_expo(&r, rate);
  uint32_t n = 1 + (uint32_t)(x < 999.0 ? x : 999.0);
  uint32_t span = (uint32_t)(f->lp - start + 1);
  for (uint32_t i = 0; i < n; i++) {
    event e;
    e.key = event_key(c, &r, row);
    int32_t day = i == 0 ? f->lp : start + (int32_t)rng_below(&r, span);
    e.day = (uint16_t)((uint32_t)(day - m->d_first) | (rng_chance(&r, 5) ? DAY_MISSING : 0));
    uint32_t k = wtab_draw(&c->cat_w, &r);
    double cents = CATEGORIES[k].median_cents * (1.0 + 0.1 * f->tier) * det_exp(0.55 * rng_normal(&r));
    e.cents = (int32_t)(cents < 900000.0 ? cents + 0.5 : 900000.0);
    if (e.cents < 50) e.cents = 50;
    if (rng_chance(&r, 15)) e.cents = -e.cents;            /* a return */
    if (rng_chance(&r, 10)) e.cents = CENTS_MISSING;
    e.a = rng_chance(&r, 15) ? NONE : (uint8_t)k;
    e.b = rng_chance(&r, 10) ? NONE : (uint8_t)wtab_draw(&c->chan_w, &r);
    ev_push(b, e);
  }
}

/* Sends of the campaigns after signup (a fifth of them to opted-in
** customers, a few to the others), opens within 3 days of a send (more
** often in the higher tiers), clicks within a day of an open. */
static void gen_emails(const model *m, const evcfg *c, uint64_t row, const facts *f, evbuf *b) {
  if (!f->has_email) return;
  rng r;
  rng_seed_stream(&r, c->seed, row, 2);
  for (uint32_t k = 0; k < c->ncampaign; k++) {
    int32_t day = c->campaign_day[k];
    if (day < f->signup || !rng_chance(&r, f->optin ? 200 : 20)) continue;
    for (uint8_t type = 0; type < 3; type++) {
      if (type == 1 && !rng_chance(&r, 300 + 60 * (uint32_t)f->tier)) break;
      if (type == 2 && !rng_chance(&r, 280)) break;
      if (type > 0) day += (int32_t)rng_below(&r, type == 1 ? 4 : 2);
      if (day > m->d_purchase_last) day = m->d_purchase_last;
      event e;
      e.key = event_key(c, &r, row);
      e.cents = 0;
      e.day = (uint16_t)((uint32_t)(day - m->d_first) | (rng_chance(&r, 5) ? DAY_MISSING : 0));
      e.a = rng_chance(&r, 5) ? NONE : type;
      e.b = rng_chance(&r, 20) ? NONE : (uint8_t)k;
      ev_push(b, e);
    }
  }
}

static void evcfg_init(evcfg *c, uint64_t seed, uint64_t rows, double per_customer) {
  memset(c, 0, sizeof *c);
  c->seed = seed;
  c->rows = rows;
  double r = per_customer / BUYER_SHARE - 0.5;
  c->order_rate = (r > 0.0 ? r : 0.0) / BUYER_RATE_MEAN;
  c->d_window = days_from_civil(2023, 11, 23);
  uint32_t cw[NCATEGORIES];
  for (int i = 0; i < NCATEGORIES; i++) { cw[i] = CATEGORIES[i].weight; c->cat[i] = mkstr(CATEGORIES[i].name); }
  c->cat_w = wtab_make(cw, NCATEGORIES);
  for (int i = 0; i < NCHANNELS; i++) c->chan[i] = mkstr(CHANNELS[i]);
  c->chan_w = wtab_make(CHANNELS_W, NCHANNELS);
  for (int i = 0; i < 3; i++) c->etype[i] = mkstr(EMAIL_TYPES[i]);

  /* a newsletter on the 5th of each month from 2024-12 to 2026-11, and
  ** the seasonal campaigns */
  static const struct { const char *name; int y, mo, d; } SPECIAL[] = {
    {"black_friday_2024", 2024, 11, 29}, {"xmas_2024", 2024, 12, 12},
    {"spring_sale_2025", 2025, 3, 20}, {"summer_sale_2025", 2025, 6, 19},
    {"black_friday_2025", 2025, 11, 28}, {"xmas_2025", 2025, 12, 11},
    {"spring_sale_2026", 2026, 3, 19}, {"summer_sale_2026", 2026, 6, 18},
    {"black_friday_2026", 2026, 11, 20},
  };
  const uint32_t nspecial = sizeof SPECIAL / sizeof SPECIAL[0];
  c->ncampaign = 24 + nspecial;
  c->campaign = xmalloc(c->ncampaign * sizeof(str));
  c->campaign_day = xmalloc(c->ncampaign * sizeof(int32_t));
  for (uint32_t i = 0; i < 24; i++) {
    int y = 2024 + (int)(11 + i) / 12, mo = (int)(11 + i) % 12 + 1;
    char *t = xmalloc(24);
    snprintf(t, 24, "newsletter_%04d_%02d", y, mo);
    c->campaign[i] = mkstr(t);
    c->campaign_day[i] = days_from_civil(y, (unsigned)mo, 5);
  }
  for (uint32_t i = 0; i < nspecial; i++) {
    c->campaign[24 + i] = mkstr(SPECIAL[i].name);
    c->campaign_day[24 + i] = days_from_civil(SPECIAL[i].y, (unsigned)SPECIAL[i].mo, (unsigned)SPECIAL[i].d);
  }
}

/* Writes the events to path in time order (by_time: by day, a day's in
** the order drawn, as an export sorted by date is) or as drawn (grouped by
** customer).  Orders get order_id 1000001, 1000002, ... in file order. */
static void write_events(const model *m, const evcfg *c, const char *path, int orders,
                         const evbuf *b, int by_time) {
  FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
  if (!f) { fprintf(stderr, "gencustomers: cannot open %s: %s\n", path, strerror(errno)); exit(2); }
  uint32_t *perm = NULL;
  if (by_time) {                        /* a stable counting sort by day */
    size_t ndays = (size_t)(m->d_purchase_last - m->d_first + 2);
    size_t *at = calloc(ndays, sizeof *at);
    perm = malloc((b->n ? b->n : 1) * sizeof *perm);
    if (!at || !perm) die("out of memory (sorting events)");
    for (size_t i = 0; i < b->n; i++) at[(b->v[i].day & ~DAY_MISSING) + 1]++;
    for (size_t d = 1; d < ndays; d++) at[d] += at[d - 1];
    for (size_t i = 0; i < b->n; i++) perm[at[b->v[i].day & ~DAY_MISSING]++] = (uint32_t)i;
    free(at);
  }
  out o = { f, xmalloc(OUTBUF), 0 };
  const char *head = orders ? "customer_id,order_id,order_date,amount,category,channel\n"
                            : "customer_id,at,type,campaign\n";
  o.len = strlen(head);
  memcpy(o.buf, head, o.len);
  for (size_t i = 0; i < b->n; i++) {
    if (o.len > OUTBUF - ROWMAX) out_flush(&o);
    const event *e = &b->v[perm ? perm[i] : i];
    char *p = o.buf + o.len;
    if (e->key) p = put_u64(p, e->key);
    *p++ = ',';
    if (orders) { p = put_u64(p, 1000001 + (uint64_t)i); *p++ = ','; }
    if (!(e->day & DAY_MISSING)) p = put_date(p, m, m->d_first + e->day);
    *p++ = ',';
    if (orders) {
      if (e->cents != CENTS_MISSING) {
        if (e->cents < 0) *p++ = '-';
        p = put_money(p, (uint64_t)(e->cents < 0 ? -(int64_t)e->cents : e->cents));
      }
      *p++ = ',';
      if (e->a != NONE) p = put_str(p, c->cat[e->a]);
      *p++ = ',';
      if (e->b != NONE) p = put_str(p, c->chan[e->b]);
    } else {
      if (e->a != NONE) p = put_str(p, c->etype[e->a]);
      *p++ = ',';
      if (e->b != NONE) p = put_str(p, c->campaign[e->b]);
    }
    *p++ = '\n';
    o.len = (size_t)(p - o.buf);
  }
  out_flush(&o);
  free(o.buf);
  free(perm);
  if (fflush(f) || ferror(f) || (f != stdout && fclose(f))) {
    fprintf(stderr, "gencustomers: write error on %s: %s\n", path, strerror(errno));
    exit(2);
  }
}

/* ---------------------------------------------------------------------- */
/* Command line.                                                           */
/* ---------------------------------------------------------------------- */

static void usage(FILE *f) {
  fputs("usage: gencustomers [--rows N] [--seed S] [-o FILE] [--orders FILE] [--email-events FILE]\n"
        "  --rows N   number of customers (default 1000)\n"
        "  --seed S   PRNG seed, any unsigned 64-bit integer (default 42)\n"
        "  -o FILE    output file (default: standard output; '-' too)\n"
        "  --orders FILE         also write the customers' orders:\n"
        "                        customer_id,order_id,order_date,amount,category,channel\n"
        "  --email-events FILE   also write their e-mail events: customer_id,at,type,campaign\n"
        "  --orders-per-customer M   mean orders per customer, buyers or not (default 5)\n"
        "  --events-order time|customer   rows by date (default, as an export) or grouped by customer\n"
        "The same arguments give byte-identical output on every machine; the customer\n"
        "file does not depend on the event options.\n", f);
}

static uint64_t parse_u64(const char *opt, const char *s) {
  char *end;
  errno = 0;
  if (!s || !*s || *s == '-') { fprintf(stderr, "gencustomers: %s needs a non-negative integer\n", opt); exit(2); }
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) {
    fprintf(stderr, "gencustomers: %s: not a non-negative integer: '%s'\n", opt, s);
    exit(2);
  }
  return (uint64_t)v;
}

int main(int argc, char **argv) {
  uint64_t rows = 1000, seed = 42;
  const char *path = NULL, *orders_path = NULL, *emails_path = NULL;
  double per_customer = 5.0;
  int by_time = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--orders") || !strcmp(a, "--email-events") || !strcmp(a, "--events-order") ||
        !strcmp(a, "--orders-per-customer")) {
      if (!v) { fprintf(stderr, "gencustomers: %s needs a value\n", a); return 2; }
      i++;
      if (!strcmp(a, "--orders")) orders_path = v;
      else if (!strcmp(a, "--email-events")) emails_path = v;
      else if (!strcmp(a, "--events-order")) {
        if (!strcmp(v, "time")) by_time = 1;
        else if (!strcmp(v, "customer")) by_time = 0;
        else { fprintf(stderr, "gencustomers: --events-order: 'time' or 'customer', not '%s'\n", v); return 2; }
      } else {
        char *end;
        errno = 0;
        per_customer = strtod(v, &end);
        if (errno || *end || !(per_customer >= 0.0 && per_customer <= 500.0)) {
          fprintf(stderr, "gencustomers: --orders-per-customer: a number from 0 to 500, not '%s'\n", v);
          return 2;
        }
      }
      continue;
    }
    if (!strcmp(a, "--rows")) rows = parse_u64(a, i + 1 < argc ? argv[++i] : NULL);
    else if (!strncmp(a, "--rows=", 7)) rows = parse_u64("--rows", a + 7);
    else if (!strcmp(a, "--seed")) seed = parse_u64(a, i + 1 < argc ? argv[++i] : NULL);
    else if (!strncmp(a, "--seed=", 7)) seed = parse_u64("--seed", a + 7);
    else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (i + 1 >= argc) { fputs("gencustomers: -o needs a file name\n", stderr); return 2; }
      path = argv[++i];
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
    else { fprintf(stderr, "gencustomers: unknown argument '%s'\n", a); usage(stderr); return 2; }
  }

  out o = { stdout, NULL, 0 };
  if (path && strcmp(path, "-")) {
    o.f = fopen(path, "wb");
    if (!o.f) { fprintf(stderr, "gencustomers: cannot open %s: %s\n", path, strerror(errno)); return 2; }
  }

  static model m;
  model_init(&m);
  rng r;
  rng_seed(&r, seed);

  o.buf = xmalloc(OUTBUF);
  memcpy(o.buf, HEADER, sizeof HEADER - 1);
  o.len = sizeof HEADER - 1;
  if (rows > 0xFFFFFFFFu - 200000) die("--rows: too many customers for 32-bit event keys");
  static evcfg ec;              /* static: its tables live to the end, as the model's */
  evbuf ob = { NULL, 0, 0 }, eb = { NULL, 0, 0 };
  if (orders_path || emails_path) evcfg_init(&ec, seed, rows, per_customer);
  for (uint64_t row = 0; row < rows; row++) {
    facts f;
    if (o.len > OUTBUF - ROWMAX) out_flush(&o);
    o.len = (size_t)(gen_row(&m, &r, row, o.buf + o.len, &f) - o.buf);
    if (orders_path) gen_orders(&m, &ec, row, &f, &ob);
    if (emails_path) gen_emails(&m, &ec, row, &f, &eb);
  }
  out_flush(&o);
  free(o.buf);
  if (fflush(o.f) || ferror(o.f) || (o.f != stdout && fclose(o.f))) {
    fprintf(stderr, "gencustomers: write error: %s\n", strerror(errno));
    return 2;
  }
  if (orders_path) write_events(&m, &ec, orders_path, 1, &ob, by_time);
  free(ob.v);
  if (emails_path) write_events(&m, &ec, emails_path, 0, &eb, by_time);
  free(eb.v);
  return 0;
}
