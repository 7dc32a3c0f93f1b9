#!/usr/bin/env python3
"""tests/sql_diff.py -- `seg sql` against `seg run`, member by member, on a real engine.

    python3 tests/sql_diff.py --engine sqlite|postgres|duckdb SEG RULES DATA.csv TODAY [LABEL]

Loads DATA.csv into a table `customers` typed by `seg schema` (SQLite, in
memory through Python's sqlite3: int INTEGER, number REAL, date ISO text,
bool 0/1, text TEXT; PostgreSQL, through psql on the server at
$SEG_PG_SOCKET: BIGINT, DOUBLE PRECISION, DATE, BOOLEAN, TEXT, loaded by
\copy; an empty cell is NULL, as seg reads it), asks `seg sql --shape flags`
for the rules in that dialect, runs the query and compares every segment's
members with `seg run --members -`. Nothing of seg's computes the engine's
answer. Prints one TAP line; for a difference, the segment, its SQL and a
few differing keys.
"""
import csv
import sqlite3
import subprocess
import sys

import os

ENGINE = "sqlite"
if sys.argv[1] == "--engine":
    ENGINE = sys.argv[2]
    del sys.argv[1:3]
SEG, RULES, DATA, TODAY = sys.argv[1:5]
LABEL = sys.argv[5] if len(sys.argv) > 5 else "sql_diff/%s" % RULES


def fail(msg):
    print("not ok - %s: %s" % (LABEL, msg.replace("\n", "\n#   ")))
    sys.exit(1)


sch = subprocess.run([SEG, "schema", DATA], capture_output=True, text=True)
if sch.returncode != 0:
    fail("seg schema: " + sch.stderr)
types = []
for line in sch.stdout.splitlines():
    if line.startswith("#") or ":" not in line:
        continue
    name, t = line.rsplit(":", 1)
    types.append((name.strip(), t.strip()))
SQLT = {"int": "INTEGER", "number": "REAL", "date": "TEXT", "bool": "INTEGER", "text": "TEXT"}
BOOLS = {"true": 1, "false": 0, "yes": 1, "no": 0, "1": 1, "0": 0, "y": 1, "n": 0, "t": 1, "f": 0}


def value(t, s):
    if s == "":
        return None
    if t == "int":
        return int(s)
    if t == "number":
        return float(s)
    if t == "bool":
        return BOOLS[s.strip().lower()]
    return s


key = types[0][0]
with open(DATA, newline="", encoding="utf-8-sig") as f:
    header = next(csv.reader(f))
if header != [n for n, _ in types]:
    fail("the CSV header is not the schema's columns")
q = subprocess.run([SEG, "sql", RULES, "--dialect", ENGINE, "--data", DATA, "--today", TODAY, "--shape", "flags",
                    "--key", key], capture_output=True, text=True)
if q.returncode != 0:
    fail("seg sql exit %d: %s" % (q.returncode, q.stderr[:2000]))


def ident(n):
    return '"%s"' % n.replace('"', '""')


if ENGINE == "sqlite":
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE customers (%s)" % ", ".join("%s %s" % (ident(n), SQLT[t]) for n, t in types))
    with open(DATA, newline="", encoding="utf-8-sig") as f:
        rd = csv.reader(f)
        next(rd)
        db.executemany("INSERT INTO customers VALUES (%s)" % ", ".join("?" * len(types)),
                       ([value(t, c) for (_, t), c in zip(types, row)] for row in rd))
    try:
        cur = db.execute(q.stdout)
    except sqlite3.Error as e:
        fail("SQLite refused the query: %s" % e)
    cols = [d[0] for d in cur.description][1:]
    result = [(str(row[0]), [bool(v) for v in row[1:]]) for row in cur]
elif ENGINE == "duckdb":
    DT = {"int": "BIGINT", "number": "DOUBLE", "date": "DATE", "bool": "BOOLEAN", "text": "VARCHAR"}
    load = ("CREATE TABLE customers (%s); COPY customers FROM '%s' (FORMAT csv, HEADER true);"
            % (", ".join("%s %s" % (ident(n), DT[t]) for n, t in types), os.path.abspath(DATA).replace("'", "''")))
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as tf:
        tf.write(q.stdout)
    p = subprocess.run([os.environ["SEG_DUCKDB_DRIVER"], "--lib", os.environ["SEG_DUCKDB_LIB"], ":memory:", load,
                        "@" + tf.name], capture_output=True, text=True)
    os.unlink(tf.name)
    if p.returncode != 0:
        fail("DuckDB refused: " + p.stderr[:1500])
    import re
    cols = [m.replace('""', '"') for m in re.findall(r'END AS "((?:[^"]|"")*)"', q.stdout)]
    result = []
    for row in csv.reader(p.stdout.splitlines()):
        result.append((row[0], [v == "true" for v in row[1:]]))
else:
    PGT = {"int": "BIGINT", "number": "DOUBLE PRECISION", "date": "DATE", "bool": "BOOLEAN", "text": "TEXT"}
    psql = [os.environ["SEG_PG_PSQL"], "-h", os.environ["SEG_PG_SOCKET"], "-U", "postgres", "-d", "postgres",
            "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    load = ("DROP TABLE IF EXISTS customers;\nCREATE TABLE customers (%s);\n"
            "\\copy customers FROM '%s' WITH (FORMAT csv, HEADER true)\n"
            % (", ".join("%s %s" % (ident(n), PGT[t]) for n, t in types), os.path.abspath(DATA).replace("'", "''")))
    p = subprocess.run(psql, input=load, capture_output=True, text=True)
    if p.returncode != 0:
        fail("PostgreSQL load: " + p.stderr[:1000])
    query = q.stdout.strip().rstrip(";")
    p = subprocess.run(psql, input="COPY (%s) TO STDOUT WITH (FORMAT csv, HEADER true);\n" % query,
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail("PostgreSQL refused the query: " + p.stderr[:1500])
    rows = list(csv.reader(p.stdout.splitlines()))
    cols = rows[0][1:]
    result = [(row[0], [v == "t" for v in row[1:]]) for row in rows[1:]]
want = {c: set() for c in cols}
for k, flags in result:
    for c, v in zip(cols, flags):
        if v:
            want[c].add(k)

r = subprocess.run([SEG, "run", RULES, DATA, "--today", TODAY, "--members", "-", "--key", key, "--format", "csv"],
                   capture_output=True, text=True)
if r.returncode != 0:
    fail("seg run exit %d: %s" % (r.returncode, r.stderr[:2000]))
got = {c: set() for c in cols}
rd = csv.reader(r.stdout.splitlines())
next(rd)
for row in rd:
    if len(row) == 2 and row[0] in got:
        got[row[0]].add(row[1])
bad = [c for c in cols if got[c] != want[c]]
if not bad:
    print("ok - %s: %d segments, same members in %s" % (LABEL, len(cols), {"postgres": "PostgreSQL", "duckdb": "DuckDB"}.get(ENGINE, "SQLite")))
    sys.exit(0)
sql_of = {}
for chunk in q.stdout.split("\n)\n")[0].split(",\n"):
    for c in bad:
        if chunk.rstrip().endswith('AS "%s"' % c.replace('"', '""')):
            sql_of[c] = chunk.strip().splitlines()[-1][:600]
lines = ["%d of %d segments differ" % (len(bad), len(cols))]
for c in bad[:5]:
    lines.append("%s: only seg %s; only SQLite %s" % (c, sorted(got[c] - want[c])[:6], sorted(want[c] - got[c])[:6]))
    lines.append("  SQL: %s" % sql_of.get(c, "?"))
fail("\n".join(lines))
