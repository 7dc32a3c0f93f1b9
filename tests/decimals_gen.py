#!/usr/bin/env python3
"""tests/decimals_gen.py -- random exact-decimal rules and the data they land on.

    python3 tests/decimals_gen.py SEED NRULES OUTDIR

Writes OUTDIR/data.csv (id, number columns of 1 to 3 decimals, an int, missing
values) and OUTDIR/rules.seg: segments comparing + - * expressions of the
columns, ints and decimal literals. Half the literals are the exact value of
the expression on a row of the data (computed with Python's decimal module),
so results that land exactly on a boundary -- where doubles go wrong
(0.1 * 3 != 0.3) -- are common. tests/sql.sh runs the rules with
tests/sql_diff.py against PostgreSQL NUMERIC and DuckDB DECIMAL columns; no
answer comes from seg.
"""
import os
import random
import sys
from decimal import Decimal, getcontext

getcontext().prec = 80
seed, nrules, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rnd = random.Random(seed)
os.makedirs(out, exist_ok=True)

COLS = {"a": 2, "b": 1, "c": 3}          # number columns and their decimals
POOL = {
    "a": ["0.10", "0.20", "0.30", "1.05", "100.10", "-0.05", "2.50", "33.37", "0.01", "-12.34"],
    "b": ["0.1", "0.2", "0.3", "1.5", "-0.7", "10.0", "3.3"],
    "c": ["0.001", "1.005", "-2.125", "0.333", "0.667", "12.345"],
}
rows = []
for i in range(1, 241):
    r = {"id": i}
    for c in COLS:
        r[c] = None if rnd.random() < 0.08 else Decimal(rnd.choice(POOL[c]))
    r["n"] = None if rnd.random() < 0.05 else rnd.choice([0, 1, 2, 3, 7, -4, 10, 100])
    rows.append(r)
with open(os.path.join(out, "data.csv"), "w") as f:
    f.write("id,a,b,c,n\n")
    for r in rows:
        f.write(",".join("" if r[k] is None else str(r[k]) for k in ("id", "a", "b", "c", "n")) + "\n")


def as_lit(v):
    s = format(v, "f")
    if "." not in s:
        s += ".0"
    return s


def lit():
    d = rnd.choice([0, 1, 1, 2, 2, 3])
    return as_lit(Decimal(rnd.randint(-400, 400)).scaleb(-d))


def expr(depth):
    """(seg text, python evaluator over a row: Decimal or None)"""
    if depth == 0 or rnd.random() < 0.3:
        k = rnd.random()
        if k < 0.6:
            c = rnd.choice(list(COLS))
            return c, (lambda r, c=c: r[c])
        if k < 0.75:
            return "n", (lambda r: None if r["n"] is None else Decimal(r["n"]))
        t = lit()
        return t, (lambda r, v=Decimal(t): v)
    op = rnd.choice("+-*")
    (ta, fa), (tb, fb) = expr(depth - 1), expr(depth - 1)

    def f(r, fa=fa, fb=fb, op=op):
        x, y = fa(r), fb(r)
        if x is None or y is None:
            return None
        return x + y if op == "+" else x - y if op == "-" else x * y
    return "(%s %s %s)" % (ta, op, tb), f


rules = []
for k in range(nrules):
    t, f = expr(rnd.randint(1, 3))
    if t in COLS or t == "n":             # a bare column: make it arithmetic
        t, f = "(%s + 0.0)" % t, (lambda r, f=f: None if f(r) is None else f(r) + 0)
    vals = [v for v in (f(r) for r in rows) if v is not None]
    def pick():
        if vals and rnd.random() < 0.6:
            return as_lit(rnd.choice(vals))
        return lit()
    form = rnd.random()
    if form < 0.6:
        rules.append("segment r%d = %s %s %s" % (k, t, rnd.choice(["=", "!=", "<", "<=", ">", ">="]), pick()))
    elif form < 0.75:
        lo, hi = sorted([Decimal(pick()), Decimal(pick())])
        rules.append("segment r%d = %s between %s and %s" % (k, t, as_lit(lo), as_lit(hi)))
    elif form < 0.9:
        rules.append("segment r%d = %s in (%s)" % (k, t, ", ".join(pick() for _ in range(rnd.randint(1, 3)))))
    else:                                  # two expressions compared
        t2, _ = expr(rnd.randint(0, 2))
        rules.append("segment r%d = %s %s %s" % (k, t, rnd.choice(["=", "<", ">="]), t2))
with open(os.path.join(out, "rules.seg"), "w") as f:
    f.write("\n".join(rules) + "\n")
