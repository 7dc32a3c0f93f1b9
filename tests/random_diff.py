#!/usr/bin/env python3
"""tests/random_diff.py -- random rules, member by member against SQLite.

    python3 tests/random_diff.py SEG WORKDIR SEED [NRULES]

Generates a table with missing values in every column (ints up to and past
2**53, decimals at scales 0..6, ASCII and Nordic text in mixed case and in
NFC and NFD, dates, bools), then NRULES random segments over it: comparisons,
ranges, `in` lists (mixed int/number, bools, conditions), `is missing`,
`is true`, text tests (=, in, contains, starts/ends with; case folded),
dates (within, more/less than ago, before/after, `today - N months`),
arithmetic (exact division, division by zero), `and`/`or`/`not`, lets and
segment references. Each rule is also written as SQL with SQL's
three-valued logic; edges that depend on seg's definitions (calendar month
clamping, Unicode case folding and NFC) are computed here in Python and
given to SQLite as literals or as a precomputed folded column, so SQLite
only ever does standard SQL. seg runs the rules over the CSV and over its
.segcol; every segment's members must equal SQLite's.

Prints TAP lines (ok / not ok per input) and, for a mismatch, the rule, its
SQL and a few differing ids. Exit 0 when all agree.
"""
import csv
import datetime as dt
import os
import random
import sqlite3
import subprocess
import sys
import unicodedata

SEG, WORK, SEED = os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[3])
NRULES = int(sys.argv[4]) if len(sys.argv) > 4 else 1500
TODAY = dt.date(2026, 11, 23)
R = random.Random(SEED)
os.makedirs(WORK, exist_ok=True)

# ---- the table --------------------------------------------------------------
CITIES = ["Göteborg", "GÖTEBORG", "malmö", "Umeå", "Åre", "Stockholm", "STOCKHOLM", "Oslo", "Ærø", "Kiel",
          "straße", "Lund", "uppsala", "Østersund", "Visby"]
TIERS = ["gold", "Gold", "silver", "bronze", "GOLD"]
# SEG_RD_TEXT=ascii: ASCII text only (for `seg sql --dialect sqlite`, whose
# lower() folds ASCII only); nfc: Nordic letters, NFC only and no ß (what
# PostgreSQL's and DuckDB's lower() fold as seg does). tests/sql.sh.
TEXT = os.environ.get("SEG_RD_TEXT", "full")
ASCII = TEXT != "full"
if TEXT == "nfc":
    CITIES = [c for c in CITIES if "ß" not in c] + ["50%_off", "it's"]
elif ASCII:
    CITIES = ["Goteborg", "GOTEBORG", "malmo", "Umea", "Are", "Stockholm", "STOCKHOLM", "Oslo", "Aero", "Kiel",
              "strasse", "Lund", "uppsala", "Ostersund", "Visby", "50%_off", "it's"]
NROWS = 400


def maybe(p, f):
    return None if R.random() < p else f()


def clamp_months(d, k):
    """d + k calendar months, clamped to the month's end (seg's definition)."""
    m = d.month - 1 + k
    y, m = d.year + m // 12, m % 12 + 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
            31][m - 1]
    return dt.date(y, m, min(d.day, last))


SCALE = R.randint(0, 6)
rows = []
for i in range(NROWS):
    big = maybe(0.1, lambda: R.choice([2**53 + R.randint(-3, 3), -(2**53) + R.randint(-2, 2), R.randint(-50, 50)]))
    dec = maybe(0.15, lambda: round(R.uniform(-1000, 1000), SCALE))
    city = maybe(0.1, lambda: R.choice(CITIES))
    if city is not None and R.random() < 0.3 and not ASCII:
        city = unicodedata.normalize("NFD", city)
    rows.append({
        "id": i + 1,
        "a": maybe(0.12, lambda: R.randint(-5, 60)),
        "b": maybe(0.12, lambda: R.randint(-3, 8)),
        "big": big,
        "dec": dec,
        "city": city,
        "tier": maybe(0.1, lambda: R.choice(TIERS)),
        "d": maybe(0.12, lambda: TODAY - dt.timedelta(days=R.randint(-30, 900))),
        "flag": maybe(0.15, lambda: R.random() < 0.5),
    })


def fmt_dec(x):
    return ("%.*f" % (SCALE, x)) if SCALE else "%d" % round(x)


def cell(c, v):
    if v is None:
        return ""
    if c == "dec":
        return fmt_dec(v)
    if c == "flag":
        return "true" if v else "false"
    return str(v)


COLS = ["id", "a", "b", "big", "dec", "city", "tier", "d", "flag"]
with open(os.path.join(WORK, "data.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(COLS)
    for r in rows:
        w.writerow([cell(c, r[c]) for c in COLS])


def fold(s):
    return unicodedata.normalize("NFC", s).casefold() if s is not None else None


db = sqlite3.connect(":memory:")
db.execute("create table t(id integer, a integer, b integer, big integer, dec real, city text, city_f text, "
           "tier text, tier_f text, d text, flag integer)")
for r in rows:
    db.execute("insert into t values (?,?,?,?,?,?,?,?,?,?,?)",
               (r["id"], r["a"], r["b"], r["big"], None if r["dec"] is None else float(fmt_dec(r["dec"])),
                r["city"], fold(r["city"]), r["tier"], fold(r["tier"]),
                None if r["d"] is None else r["d"].isoformat(),
                None if r["flag"] is None else int(r["flag"])))


# ---- rules: (seg text, SQL text) pairs ----------------------------------------
def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sq(s):
    return "'" + s.replace("'", "''") + "'"


def num_lit():
    if R.random() < 0.5:
        v = R.randint(-10, 70)
        return str(v), str(v)
    v = round(R.uniform(-20, 70), R.randint(1, 3))
    s = repr(v) if "e" not in repr(v) else "%.3f" % v
    return s, s


def int_expr():
    k = R.random()
    if k < 0.55:
        c = R.choice(["a", "b"])
        return c, c
    if k < 0.7:
        c = "big"
        return c, c
    if k < 0.8:
        x, y = R.choice(["a", "b"]), R.choice(["a", "b"])
        return "%s + %s" % (x, y), "(%s + %s)" % (x, y)
    if k < 0.9:
        x = R.choice(["a", "b"])
        m = R.randint(-3, 3)
        return "%s * %d" % (x, m), "(%s * %d)" % (x, m)
    return "abs(a)", "abs(a)"


def cond(depth, segs, lets):
    k = R.random()
    if depth > 0 and k < 0.25:
        a, b = cond(depth - 1, segs, lets), cond(depth - 1, segs, lets)
        op = R.choice(["and", "or"])
        return "(%s %s %s)" % (a[0], op, b[0]), "(%s %s %s)" % (a[1], op.upper(), b[1])
    if depth > 0 and k < 0.33:
        a = cond(depth - 1, segs, lets)
        return "not (%s)" % a[0], "NOT (%s)" % a[1]
    if segs and k < 0.38:
        name, sql = R.choice(segs)
        return name, "(%s)" % sql
    kind = R.choice(["cmp", "cmp", "range", "in", "missing", "text", "text", "date", "date", "bool", "dec",
                     "div", "big", "let", "is"])
    if kind == "cmp":
        e, es = int_expr()
        op = R.choice(["=", "!=", "<", "<=", ">", ">="])
        lit, ls = num_lit()
        sop = "<>" if op == "!=" else op
        return "%s %s %s" % (e, op, lit), "%s %s %s" % (es, sop, ls)
    if kind == "range":
        lo, hi = sorted([R.randint(-5, 60), R.randint(-5, 60)])
        if R.random() < 0.3:
            lo, hi = lo + 0.5, hi + 0.5
        c = R.choice(["a", "b", "dec"])
        # `a -3..16` is `(a - 3)..16` by the grammar (a subtraction right after
        # the subject), so a negative low end takes the `in` or `between` form
        form = R.choice(["%s %s..%s" if lo >= 0 else "%s in %s..%s", "%s between %s and %s", "%s in %s..%s"])
        return form % (c, lo, hi), "(%s >= %s AND %s <= %s)" % (c, lo, c, hi)
    if kind == "in":
        c = R.choice(["a", "b", "big"])
        items = []
        for _ in range(R.randint(1, 4)):
            x = R.choice([R.randint(-3, 10), R.randint(-3, 10) + 0.5, float(R.randint(0, 5)), 2**53])
            items.append(x)
        neg = R.random() < 0.3
        sitems = ", ".join(str(int(x)) if isinstance(x, int) else repr(x) for x in items)
        return ("%s %sin (%s)" % (c, "not " if neg else "", sitems),
                "%s %sIN (%s)" % (c, "NOT " if neg else "", sitems))
    if kind == "missing":
        c = R.choice(COLS[1:])
        neg = R.random() < 0.5
        return "%s is %smissing" % (c, "not " if neg else ""), "%s IS %sNULL" % (c, "NOT " if neg else "")
    if kind == "text":
        c = R.choice(["city", "tier"])
        pool = CITIES if c == "city" else TIERS
        lit = R.choice(pool)
        if R.random() < 0.3 and not ASCII:
            lit = unicodedata.normalize("NFD", lit)
        if R.random() < 0.3:
            lit = lit.swapcase()
        op = R.choice(["=", "!=", "in", "contains", "starts with", "ends with", "not contains"])
        f = fold(lit)
        if op in ("contains", "starts with", "ends with", "not contains"):
            cut = R.randint(1, max(1, len(f) - 1))
            part = lit[:cut] if op == "starts with" else lit[-cut:] if op == "ends with" else lit[1:cut + 1] or lit
            fp = fold(part)
            if op == "starts with":
                return "%s starts with %s" % (c, q(part)), "substr(%s_f, 1, %d) = %s" % (c, len(fp), sq(fp))
            if op == "ends with":
                return ("%s ends with %s" % (c, q(part)),
                        "(length(%s_f) >= %d AND substr(%s_f, -%d) = %s)" % (c, len(fp), c, len(fp), sq(fp)))
            neg = op == "not contains"
            return ("%s %s %s" % (c, op, q(part)),
                    "%sinstr(%s_f, %s) > 0" % ("NOT " if neg else "", c, sq(fp)))
        if op == "in":
            lits = [lit] + [R.choice(pool) for _ in range(R.randint(0, 2))]
            return ("%s in (%s)" % (c, ", ".join(q(x) for x in lits)),
                    "%s_f IN (%s)" % (c, ", ".join(sq(fold(x)) for x in lits)))
        return "%s %s %s" % (c, op, q(lit)), "%s_f %s %s" % (c, "=" if op == "=" else "<>", sq(f))
    if kind == "date":
        n = R.randint(0, 400)
        form = R.choice(["within", "more", "less", "before", "after", "months"])
        if form == "within":
            edge = TODAY - dt.timedelta(days=n)
            return "d within %d days" % n, "(d >= '%s' AND d <= '%s')" % (edge, TODAY)
        if form == "more":
            edge = TODAY - dt.timedelta(days=n)
            return "d more than %d days ago" % n, "d < '%s'" % edge
        if form == "less":
            edge = TODAY - dt.timedelta(days=n)
            return "d less than %d days ago" % n, "d > '%s'" % edge
        if form == "months":
            m = R.randint(0, 30)
            edge = clamp_months(TODAY, -m)
            return "d >= today - %d months" % m, "d >= '%s'" % edge
        day = TODAY - dt.timedelta(days=R.randint(-30, 900))
        return ("d %s %s" % (form, day.isoformat()),
                "d %s '%s'" % ("<" if form == "before" else ">", day.isoformat()))
    if kind == "bool":
        form = R.choice(["flag", "not flag", "flag in (true)", "flag in (true, false)", "flag not in (false)",
                         "flag = false"])
        sql = {"flag": "flag", "not flag": "NOT flag", "flag in (true)": "flag IN (1)",
               "flag in (true, false)": "flag IN (1, 0)", "flag not in (false)": "flag NOT IN (0)",
               "flag = false": "flag = 0"}[form]
        return form, sql
    if kind == "is":
        a = cond(0, segs, lets)
        t = R.choice(["true", "false"])
        neg = R.random() < 0.4
        return ("(%s) is %s%s" % (a[0], "not " if neg else "", t),
                "(%s) IS %s%s" % (a[1], "NOT " if neg else "", t.upper()))
    if kind == "dec":
        op = R.choice(["=", "<", ">=", "!="])
        if R.random() < 0.4:
            r = R.choice([x for x in rows if x["dec"] is not None])
            lit = fmt_dec(r["dec"])
        else:
            lit = "%.2f" % R.uniform(-1000, 1000)
        return "dec %s %s" % (op, lit), "dec %s %s" % ("<>" if op == "!=" else op, lit)
    if kind == "div":
        x, y = R.choice(["a", "b"]), R.choice(["a", "b"])
        lit, ls = num_lit()
        return "%s / %s > %s" % (x, y, lit), "(CAST(%s AS REAL) / NULLIF(%s, 0)) > %s" % (x, y, ls)
    if kind == "big":
        v = 2**53 + R.randint(-2, 2)
        form = R.choice(["%d", "%d.0"])
        op = R.choice(["=", ">", "<"])
        # the literal is the decimal as written (docs/language.md, "Types"):
        # 9007199254740993.0 is that integer, which SQLite's REAL would round
        return "big %s %s" % (op, form % v), "big %s %d" % (op, v)
    if kind == "let" and lets:
        name, val = R.choice(lets)
        return "a > %s" % name, "a > %s" % val
    return "a > 3", "a > 3"


lets = [("k%d" % i, R.randint(-5, 60)) for i in range(5)]
segs = []
lines = ["let %s = %d" % (n, v) for n, v in lets]
sqls = {}
for i in range(NRULES):
    name = "s%d" % i
    text, sql = cond(2, segs[-50:], lets)
    lines.append("segment %s = %s" % (name, text))
    sqls[name] = (text, sql)
    if R.random() < 0.2:
        segs.append((name, sql))
with open(os.path.join(WORK, "rules.seg"), "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")

want = {}
for name, (text, sql) in sqls.items():
    want[name] = set(x[0] for x in db.execute("SELECT id FROM t WHERE %s" % sql))

# ---- seg over the CSV and the .segcol ---------------------------------------------
fails = 0
ok = subprocess.run([SEG, "import", "data.csv", "-o", "data.segcol"], cwd=WORK, capture_output=True, text=True)
if ok.returncode != 0:
    print("not ok - random_diff/import (seed %d)\n#   %s" % (SEED, ok.stderr.strip()))
    sys.exit(1)
for data in ("data.csv", "data.segcol"):
    r = subprocess.run([SEG, "run", "rules.seg", data, "--today", TODAY.isoformat(), "--members", "-",
                        "--format", "csv"], cwd=WORK, capture_output=True, text=True)
    label = "random_diff/%s (seed %d, %d rules)" % (data, SEED, NRULES)
    if r.returncode != 0:
        print("not ok - %s\n#   seg exit %d: %s" % (label, r.returncode, r.stderr.strip()[:2000].replace("\n", "\n#   ")))
        fails += 1
        continue
    got = {n: set() for n in sqls}
    rd = csv.reader(r.stdout.splitlines())
    next(rd)
    for row in rd:
        if len(row) == 2 and row[0] in got:
            got[row[0]].add(int(row[1]))
    bad = [n for n in sqls if got[n] != want[n]]
    if not bad:
        print("ok - %s" % label)
        continue
    fails += 1
    print("not ok - %s: %d of %d segments differ from SQLite" % (label, len(bad), len(sqls)))
    for n in bad[:5]:
        text, sql = sqls[n]
        print("#   %s = %s" % (n, text))
        print("#     SQL: %s" % sql)
        print("#     only seg: %s; only SQLite: %s" % (sorted(got[n] - want[n])[:8], sorted(want[n] - got[n])[:8]))
sys.exit(1 if fails else 0)
