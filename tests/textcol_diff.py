#!/usr/bin/env python3
"""tests/textcol_diff.py -- data and SQLite's answers for tests/textcol.sh.

    python3 tests/textcol_diff.py DIR ROWS SEED

writes into DIR:
  data.csv      ROWS customers: id, email and name (every present value
                distinct: no dictionary pays, seg tests each row's bytes),
                city (ten values: a dictionary); ~5% of e-mails and names
                missing; mixed case, non-ASCII values whose case folding
                changes their length or gives ASCII (Kelvin sign, long s,
                sharp s, the fi ligature, dotted capital I), values of 1 to
                300 bytes around the 8- and 16-byte words seg reads, and
                "7@" at every position of values of 2 to 40 bytes
  rules.seg     one segment per text test (=, !=, in, not in, starts with,
                ends with, contains, their `not` forms, is missing, and/or/not
                trees of them, affixes longer than any value, empty literals)
  expected.csv  segment,id for every member, as SQLite selects them

SQLite evaluates each segment's condition (its three-valued logic and NULLs
are seg's missing values); the one function added is fold(), Python's full
case folding in NFC, which is what the language documents for text tests
(libunistring's u8_casefold with NFC).
"""
import csv
import random
import sqlite3
import sys
import unicodedata


def fold(s):
    if s is None:
        return None
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", s).casefold())


FIRST = ["Anna", "ANNA", "anna", "Jörg", "JÖRG", "Göran", "Åke", "Zoë", "Chloé", "Bjørn", "Maja",
         "Straße", "STRASSE", "ſam", "\u212aelvin", "ﬁona", "İlkay", "Σοφία", "Ingrid", "Lukas",
         "Noël", "Æbbe", "Ulla", "Kerstin", "Sven", "Ola", "Emma"]
DOMAINS = ["gmail.com", "GMAIL.COM", "Gmail.Com", "hotmail.com", "outlook.com", "telia.se",
           "exämple.de", "EXÄMPLE.DE", "example-company.com", "x.se", "ß.de", "mail.no"]
CITIES = ["Stockholm", "STOCKHOLM", "Göteborg", "göteborg", "Malmö", "Oslo", "København",
          "Helsinki", "Örebro", "Straßburg"]


def ascii_of(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if ord(c) < 128) or "x"


def make_rows(n, rnd):
    rows, seen = [], set()
    for i in range(n):
        first = rnd.choice(FIRST)
        r = rnd.random()
        if r < 0.05:
            email = ""
        elif r < 0.10:                  # short ones: under 8 and 16 bytes
            email = rnd.choice(["a@b", "A@B.SE", "ß@x", "k" + str(i), "é", "7@", "ss"]) + str(i)
        elif r < 0.13:                  # long ones: past 256 bytes
            email = first + "." + "y" * rnd.randint(250, 300) + str(i) + "@" + rnd.choice(DOMAINS)
        else:
            local = first if rnd.random() < 0.4 else ascii_of(first)
            email = "%s.%s%d@%s" % (local, rnd.choice("abcdeklmsz"), i, rnd.choice(DOMAINS))
        if email and email in seen:
            email += "x"
        seen.add(email)
        r = rnd.random()
        if r < 0.05:
            name = ""
        else:                           # surname + number + first name: distinct
            name = "%s%d %s" % (rnd.choice(["Berg", "ÅBERG", "Lind", "Strauß", "Ek", "K"]), i, first)
        rows.append([str(100000 + i), email, name, rnd.choice(CITIES)])
    # "7@" at every position of values of 2 to 40 bytes (the 8- and
    # 16-byte steps of the substring and affix tests), some in capitals,
    # some with a non-ASCII last letter
    i = n
    for length in range(2, 41):
        for pos in range(length - 1):
            v = "x" * pos + "7@" + "y" * (length - 2 - pos)
            if (length + pos) % 3 == 0:
                v = v.upper()
            elif (length + pos) % 5 == 0:
                v = v[:-1] + "é"
            rows.append([str(100000 + i), v, "", rnd.choice(CITIES)])
            i += 1
    # a value ending in "7" before one starting with "@": "7@" across two
    # values (one run of bytes when seg scans a batch's values at once) is
    # no match; inside a batch, and across the first batch's end (2048 rows)
    for at, pair in [(100, ("Edge.A7", "@edge.b")), (2047, ("Edge.C.7", "@Edge.D")),
                     (2049, ("EDGE.É7", "@éDGE.F"))]:
        if at + 1 < n:
            rows[at][1], rows[at + 1][1] = pair
    return rows


# (segment name, seg condition, SQL condition, SQL parameters).  Text
# literals are folded for SQL; `c` is the column in both.
def tests(rows):
    out = []

    def add(name, seg, sql, params=()):
        out.append((name, seg, sql, [fold(p) if isinstance(p, str) else p for p in params]))

    def t(col, kind, k, neg=False):
        """one text test: seg syntax and SQL, three-valued"""
        q = '"%s"' % k
        if kind == "starts":
            seg, sql = "%s %sstarts with %s" % (col, "not " if neg else "", q), \
                "substr(fold(%s), 1, length(?)) = ?" % col
            params = [k, k]
        elif kind == "ends":
            seg, sql = "%s %sends with %s" % (col, "not " if neg else "", q), \
                "(length(?) = 0 OR substr(fold(%s), -length(?)) = ?)" % col
            params = [k, k, k]
        elif kind == "contains":
            seg, sql = "%s %scontains %s" % (col, "not " if neg else "", q), "instr(fold(%s), ?) > 0" % col
            params = [k]
        elif kind == "eq":
            seg, sql = "%s %s %s" % (col, "!=" if neg else "=", q), "fold(%s) = ?" % col
            params = [k]
        else:
            raise ValueError(kind)
        sql = "(CASE WHEN %s IS NULL THEN NULL ELSE %s END)" % (col, sql)
        if neg:
            sql = "NOT " + sql
        return seg, sql, params

    n = 0

    def one(col, kind, k, neg=False):
        nonlocal n
        seg, sql, params = t(col, kind, k, neg)
        n += 1
        add("t%02d_%s_%s%s" % (n, col, "not_" if neg else "", kind), seg, sql, params)

    lits = {
        "email": {
            "ends": ["@gmail.com", "@GMAIL.COM", ".se", "ss", "e", "@y", "@YYYYYYY", "7@" + "y" * 14, "@example-company.com", "ö.de",
                     "Ö@EXÄMPLE.DE", "ß.DE", "y" * 40 + "@gmail.com", "z" * 400, ""],
            "starts": ["anna", "ANNA.", "s", "fi", "k", "jö", "Jörg.", "straße", "strasse.k", "ik" * 9, "xxxxxxx7",
                       "X" * 15 + "7@",
                       "İ", "σο", ""],
            "contains": ["7@", "@", "ss", "ß", "ö", "kel", "a", "e", "M", "Y", "7@Y", "X7", "xyz-not-there", "",
                         "y" * 30, "MAIL.C",
                         "σ"],
        },
        "name": {
            "ends": ["anna", "A", "ÖRG", "sse", "se", "kelvin", "ona", "ία", "", "berg12 anna", "z" * 300],
            "starts": ["berg", "ÅBERG", "k", "strauss", "STRAUß1", "", "lind1", "abergx", "ek10 ", "σ"],
            "contains": ["ss", "ß", "ö", "kel", "a", "1 a", "9 ", "", "ﬁ", "I\u0307", "xyz-not-there"],
        },
    }
    for col in ("email", "name"):
        for kind in ("ends", "starts", "contains"):
            for k in lits[col][kind]:
                one(col, kind, k)
        one(col, "ends", "a", neg=True)
        one(col, "starts", "anna", neg=True)
        one(col, "contains", "ss", neg=True)
    # = and != on existing values (in another case), a missing one, "";
    # in, not in: case variants, a non-ASCII value, a miss
    present = [r[1] for r in rows if r[1]][:40]
    one("email", "eq", present[5].upper())
    one("email", "eq", "zzz@nowhere")
    one("email", "eq", "")
    one("email", "eq", present[6].swapcase(), neg=True)
    vals = [present[1].upper(), present[2], [e for e in present if not e.isascii()][0].upper(), "nobody"]
    seg_in = "(%s)" % ", ".join('"%s"' % v for v in vals)
    add("in_email", "email in " + seg_in, "fold(email) IN (?, ?, ?, ?)", vals)
    add("not_in_email", "email not in " + seg_in, "fold(email) NOT IN (?, ?, ?, ?)", vals)
    add("missing_email", "email is missing", "email IS NULL")
    add("present_name", "name is not missing", "name IS NOT NULL")
    # trees: two suffixes (one pass), prefix and suffix, three with a contains,
    # a not, an and across columns (two maps), a dictionary column
    for name, parts, op in [("or_suffixes", [("email", "ends", "@hotmail.com"), ("email", "ends", "@outlook.com")], "or"),
                            ("or_mixed_case", [("email", "ends", "@GMAIL.COM"), ("email", "ends", ".SE"),
                                               ("email", "starts", "ANNA")], "or"),
                            ("and_affixes", [("email", "starts", "anna"), ("email", "ends", ".com")], "and"),
                            ("or_contains", [("email", "ends", "@gmail.com"), ("email", "contains", "ß"),
                                             ("email", "starts", "k")], "or"),
                            ("and_names", [("name", "starts", "berg"), ("name", "ends", "a")], "and"),
                            ("or_short", [("email", "ends", "b"), ("email", "starts", "ss")], "or"),
                            # non-ASCII letters in the bytes the leaves read (a 16-byte window)
                            ("or_non_ascii", [("email", "ends", "@EXÄMPLE.DE"), ("email", "ends", "ß.DE"),
                                              ("email", "starts", "JÖRG")], "or")]:
        segs, sqls, ps = [], [], []
        for col, kind, k in parts:
            s, q, p = t(col, kind, k)
            segs.append(s)
            sqls.append(q)
            ps += p
        add(name, (" %s " % op).join(segs), (" %s " % op.upper()).join(sqls), ps)
    s, q, p = t("email", "ends", "@gmail.com")
    add("not_tree", "not (%s or email contains \"7\")" % s,
        "NOT (%s OR (CASE WHEN email IS NULL THEN NULL ELSE instr(fold(email), '7') > 0 END))" % q, p)
    add("missing_or_suffix", "email is missing or %s" % s, "email IS NULL OR %s" % q, p)
    s5, q5, p5 = t("name", "contains", "a")
    add("not_missing_name", "not (name is missing or %s)" % s5, "NOT (name IS NULL OR %s)" % q5, p5)
    s2, q2, p2 = t("city", "eq", "oslo")
    add("two_columns", "%s and %s" % (s2, s), "%s AND %s" % (q2, q), p2 + p)
    s3, q3, p3 = t("city", "starts", "STOCK")
    add("city_prefix", s3, q3, p3)
    s4, q4, p4 = t("name", "contains", "ö")
    add("city_and_name", "%s and %s" % (s3, s4), "%s AND %s" % (q3, q4), p3 + p4)
    return out


def main():
    d, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(seed)
    rows = make_rows(n, rnd)
    with open(d + "/data.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "email", "name", "city"])
        w.writerows(rows)
    db = sqlite3.connect(":memory:")
    db.create_function("fold", 1, fold, deterministic=True)
    db.execute("CREATE TABLE c (id INTEGER, email TEXT, name TEXT, city TEXT)")
    db.executemany("INSERT INTO c VALUES (?, ?, ?, ?)",
                   [(int(r[0]), unicodedata.normalize("NFC", r[1]) or None,
                     unicodedata.normalize("NFC", r[2]) or None, r[3]) for r in rows])
    ts = tests(rows)
    with open(d + "/rules.seg", "w", encoding="utf-8") as f:
        for name, seg, _, _ in ts:
            f.write("segment %s = %s\n" % (name, seg))
    with open(d + "/expected.csv", "w", encoding="utf-8") as f:
        f.write("segment,id\n")
        for name, _, sql, params in ts:
            for (i,) in db.execute("SELECT id FROM c WHERE %s ORDER BY id" % sql, params):
                f.write("%s,%d\n" % (name, i))


if __name__ == "__main__":
    main()
