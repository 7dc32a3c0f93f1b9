#!/usr/bin/env python3
"""tests/data/splits/make_buckets.py -- writes buckets.tsv, the golden file
that pins a split's bucket forever (docs/language.md, "Splits").

    python3 make_buckets.py > buckets.tsv

Each line: kind (int, text, date), salt, key text, bucket, where bucket is
the first 4 bytes of MD5(salt ":" key) as a big-endian unsigned 32-bit
integer, modulo 10000, computed here with Python's hashlib alone (nothing
of seg). Strings are UTF-8 in NFC. Run once; the file is committed and
never regenerated unless the definition changes (it must not).
"""
import hashlib
import unicodedata

KEYS = [
    ("int", "q4_newsletter", k) for k in
    ["0", "1", "-1", "-12", "7", "42", "99", "100", "1000", "65535", "100000", "100041", "104999",
     "123456789", "-987654321", "2147483647", "2147483648", "-2147483648", "4294967295", "4294967296",
     "9007199254740993", "9223372036854775807", "-9223372036854775808"]
] + [
    ("int", "2026-q4", k) for k in
    ["0", "5", "-5", "31337", "100000", "100001", "555555", "8675309", "1000000007", "-1000000007",
     "20261123", "77", "88"]
] + [
    ("int", "år:ö", k) for k in ["1", "2", "3", "100000"]
] + [
    ("text", "promo", k) for k in
    ["", "a", "A", "abc", "alice@example.com", "goran.w0@hotmail.com", "Göran", "Åsa", "Ærø", "smörgåsbord",
     "Ελληνικά", "日本語", "emoji 🎉 party", "O'Brien", 'say "hi"', "back\\slash", "semi;colon", "0042",
     "2026-11-23", "-12", "x" * 200, "ß", "ẞ", "İstanbul", "naïve café"]
] + [
    ("text", "2026-q4", k) for k in
    ["", "bob@example.org", "København", "Tromsø", "Jyväskylä", "ÅÄÖ", "åäö", "a:b", "::", "SE"]
] + [
    ("date", "signups", k) for k in
    ["1900-01-01", "1969-12-31", "1970-01-01", "2000-02-29", "2023-06-01", "2024-11-02", "2025-11-09",
     "2026-01-01", "2026-02-28", "2026-11-23", "2026-12-31", "2099-12-31"]
] + [
    ("date", "2026-q4", k) for k in ["2024-02-29", "2025-01-15", "2026-07-04", "2030-10-10", "1999-12-31",
                                     "2001-09-09", "2012-12-12", "1985-05-05", "2026-11-24", "2010-01-01",
                                     "2020-03-01", "2021-08-31", "2022-12-25"]
]


def bucket(salt, key):
    d = hashlib.md5((salt + ":" + key).encode("utf-8")).digest()
    return int.from_bytes(d[:4], "big") % 10000


assert len(KEYS) == 100, len(KEYS)
for kind, salt, key in KEYS:
    salt, key = unicodedata.normalize("NFC", salt), unicodedata.normalize("NFC", key)
    assert "\t" not in key and "\n" not in key
    print("%s\t%s\t%s\t%d" % (kind, salt, key, bucket(salt, key)))
