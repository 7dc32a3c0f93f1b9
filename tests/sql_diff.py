#!/usr/bin/env python3
"""tests/sql_diff.py -- `seg sql` against `seg run`, member by member, on a real engine.

    python3 tests/sql_diff.py --engine sqlite|postgres|duckdb|clickhouse SEG RULES DATA.csv TODAY [LABEL]

Loads DATA.csv into a table `customers` typed by `seg schema` (SQLite, in
memory through Python's sqlite3: int INTEGER, number REAL, date ISO text,
bool 0/1, text TEXT; PostgreSQL, through psql on the server at
$SEG_PG_SOCKET: BIGINT, DOUBLE PRECISION, DATE, BOOLEAN, TEXT, loaded by
\copy; ClickHouse, through clickhouse-client on the 2-shard cluster at
$SEG_CH_PORTS (tests/ch_cluster.sh): a Distributed table over a MergeTree
table per shard; an empty cell is NULL, as seg reads it), asks `seg sql --shape flags`
for the rules in that dialect, runs the query and compares every segment's
members with `seg run --members -`. Nothing of seg's computes the engine's
answer. Prints one TAP line; for a difference, the segment, its SQL and a
few differing keys.
"""
import csv
import hashlib
import sqlite3
import subprocess
import sys

import os

ENGINE = "sqlite"
if sys.argv[1] == "--engine":
    ENGINE = sys.argv[2]
    del sys.argv[1:3]
# --measures: the counts shape with the file's measures, compared with
# `seg run --format json` segment by segment (numbers within 1e-9)
MEASURES = sys.argv[1] == "--measures"
if MEASURES:
    del sys.argv[1]
SEG, RULES, DATA, TODAY = sys.argv[1:5]
LABEL = sys.argv[5] if len(sys.argv) > 5 else "sql_diff/%s" % RULES
# SEG_SQL_TABLES="orders=PATH,email_events=PATH": event tables (issue 15),
# given to seg sql and seg run as --table NAME=PATH and loaded into the
# engine as tables NAME, typed by `seg schema PATH` as the customers are
EVENTS = [tuple(x.split("=", 1)) for x in os.environ.get("SEG_SQL_TABLES", "").split(",") if x]
EVARGS = [a for n, path in EVENTS for a in ("--table", "%s=%s" % (n, path))]


def fail(msg):
    print("not ok - %s: %s" % (LABEL, msg.replace("\n", "\n#   ")))
    sys.exit(1)


def schema_of(path):
    sch = subprocess.run([SEG, "schema", path], capture_output=True, text=True)
    if sch.returncode != 0:
        fail("seg schema: " + sch.stderr)
    out = []
    for line in sch.stdout.splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        name, t = line.rsplit(":", 1)
        out.append((name.strip(), t.strip()))
    return out


types = schema_of(DATA)
EVTYPES = [(n, path, schema_of(path)) for n, path in EVENTS]
# SEG_SQL_DECIMAL=1: number columns as exact decimals in the engine
# (PostgreSQL NUMERIC, DuckDB DECIMAL(38, the column's most decimals)),
# for seg's exact decimal arithmetic (tests/decimals_gen.py)
DECIMAL = os.environ.get("SEG_SQL_DECIMAL") == "1"


def decimals_of(path, name):
    with open(path, newline="") as f:
        rd = csv.reader(f)
        i = next(rd).index(name)
        return max([len(r[i].split(".", 1)[1]) for r in rd if i < len(r) and "." in r[i]] or [0])
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
# ClickHouse: the query reads the cluster's Distributed table
table = ["--table", "seg.customers"] if ENGINE == "clickhouse" else []
# SEG_SQL_TODAY_PARAM=1: the query takes today as a bound parameter
# (--today-param), bound here to TODAY; the SQL holds no date of its own
PARAM = os.environ.get("SEG_SQL_TODAY_PARAM") == "1"
q = subprocess.run([SEG, "sql", RULES, "--dialect", ENGINE, "--data", DATA, "--shape",
                    "counts" if MEASURES else "flags", "--key", key]
                   + (["--today-param"] if PARAM else ["--today", TODAY]) + table + EVARGS,
                   capture_output=True, text=True)
if q.returncode != 0:
    fail("seg sql exit %d: %s" % (q.returncode, q.stderr[:2000]))


def ident(n):
    return '"%s"' % n.replace('"', '""')


def seg_bucket(salt, key):
    """A split's bucket, as docs/language.md defines it, from hashlib alone:
    SQLite has no MD5, so `seg sql` calls this user function."""
    if salt is None or key is None:
        return None
    d = hashlib.md5((salt + ":" + str(key)).encode("utf-8")).digest()
    return int.from_bytes(d[:4], "big") % 10000


# SEG_SQL_CACHE (a folder; tests/sql.sh sets it when tests/run.sh runs
# several builds): the engine's answer to exactly this query, on exactly this
# data and schema (event tables included), is kept there, so the other build's seg, when it writes
# the same SQL, is compared with it without running the engine again (its
# schema, its SQL and its members are still its own). A lock per query: the
# builds' groups run at once, and the second waits for the first's answer.
CACHE = os.environ.get("SEG_SQL_CACHE", "")
hit = None
if CACHE:
    import fcntl
    import pickle
    h = hashlib.sha256()
    for part in (ENGINE, str(MEASURES), str(PARAM), str(DECIMAL), TODAY, os.environ.get("SEG_CH_ONE_SHARD", ""), repr(types),
                 repr(EVTYPES), q.stdout):
        h.update(part.encode("utf-8") + b"\0")
    for path in [DATA] + [p for _, p, _ in EVTYPES]:     # the customers and the event tables
        with open(path, "rb") as f:
            h.update(f.read() + b"\0")
    os.makedirs(CACHE, exist_ok=True)
    cache_file = os.path.join(CACHE, h.hexdigest())
    cache_lock = open(cache_file + ".lock", "w")
    fcntl.flock(cache_lock, fcntl.LOCK_EX)          # released at exit, whatever the verdict
    if os.path.exists(cache_file):
        with open(cache_file, "rb") as f:
            hit = pickle.load(f)
if hit is not None:
    cols, raw, result = hit
elif ENGINE == "sqlite":
    db = sqlite3.connect(":memory:")
    db.create_function("seg_bucket", 2, seg_bucket, deterministic=True)
    db.execute("CREATE TABLE customers (%s)" % ", ".join("%s %s" % (ident(n), SQLT[t]) for n, t in types))
    with open(DATA, newline="", encoding="utf-8-sig") as f:
        rd = csv.reader(f)
        next(rd)
        db.executemany("INSERT INTO customers VALUES (%s)" % ", ".join("?" * len(types)),
                       ([value(t, c) for (_, t), c in zip(types, row)] for row in rd))
    for tname, path, et in EVTYPES:         # rows in file order: rowid breaks first()/last() ties as seg does
        db.execute("CREATE TABLE %s (%s)" % (ident(tname), ", ".join("%s %s" % (ident(n), SQLT[t]) for n, t in et)))
        with open(path, newline="", encoding="utf-8-sig") as f:
            rd = csv.reader(f)
            next(rd)
            db.executemany("INSERT INTO %s VALUES (%s)" % (ident(tname), ", ".join("?" * len(et))),
                           ([value(t, c) for (_, t), c in zip(et, row)] for row in rd))
    try:
        cur = db.execute(q.stdout, {"today": TODAY}) if PARAM else db.execute(q.stdout)
    except sqlite3.Error as e:
        fail("SQLite refused the query: %s" % e)
    cols = [d[0] for d in cur.description][1:]
    raw = [list(row) for row in cur]
    result = [(str(row[0]), [bool(v) for v in row[1:]]) for row in raw]
elif ENGINE == "duckdb":
    DT = {"int": "BIGINT", "number": "DOUBLE", "date": "DATE", "bool": "BOOLEAN", "text": "VARCHAR"}
    dtype = (lambda n, t: "DECIMAL(38, %d)" % decimals_of(DATA, n) if DECIMAL and t == "number" else DT[t])
    load = ("CREATE TABLE customers (%s); COPY customers FROM '%s' (FORMAT csv, HEADER true);"
            % (", ".join("%s %s" % (ident(n), dtype(n, t)) for n, t in types), os.path.abspath(DATA).replace("'", "''")))
    for tname, path, et in EVTYPES:         # a single-threaded COPY keeps the file order that rowid follows
        load += ("SET threads = 1; CREATE TABLE %s (%s); COPY %s FROM '%s' (FORMAT csv, HEADER true); RESET threads;"
                 % (ident(tname), ", ".join("%s %s" % (ident(n), DT[t]) for n, t in et), ident(tname),
                    os.path.abspath(path).replace("'", "''")))
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as tf:
        if PARAM:
            tf.write("PREPARE segq AS %s;\nEXECUTE segq(DATE '%s');\n" % (q.stdout.strip().rstrip(";"), TODAY))
        else:
            tf.write(q.stdout)
    p = subprocess.run([os.environ["SEG_DUCKDB_DRIVER"], "--lib", os.environ["SEG_DUCKDB_LIB"], ":memory:", load,
                        "@" + tf.name], capture_output=True, text=True)
    os.unlink(tf.name)
    if p.returncode != 0:
        fail("DuckDB refused: " + p.stderr[:1500])
    import re
    cols = [m.replace('""', '"') for m in re.findall(r'ELSE FALSE END AS "((?:[^"]|"")*)"', q.stdout)]   # the flags, not a ranking's columns
    result = []
    raw = list(csv.reader(p.stdout.splitlines()))
    for row in raw:
        result.append((row[0], [v == "true" for v in row[1:]]))
elif ENGINE == "clickhouse":
    # two shards (tests/ch_cluster.sh): a MergeTree table on each, a
    # Distributed table over both sharded by the key's hash; the rows go in
    # through shard 1, the query runs through each shard's Distributed table
    ports = os.environ["SEG_CH_PORTS"].split(",")
    CHT = {"int": "Int64", "number": "Float64", "date": "Date", "bool": "UInt8", "text": "String"}

    def ch(port, sql, data=None, extra=()):
        # a long query goes in on stdin (a 1,500-segment query is past argv's limit)
        args, stdin = (["-q", sql], data if data is not None else "") if data is not None or len(sql) < 65536 \
            else ([], sql)
        p = subprocess.run(["timeout", "120", "clickhouse-client", "--host", "127.0.0.1", "--port", port] + list(extra)
                           + args, input=stdin, capture_output=True, text=True)
        if p.returncode != 0:
            fail("ClickHouse (port %s) refused: %s\n%s" % (port, p.stderr[:1500], sql[:3000]))
        return p.stdout

    def chid(n):
        return "`%s`" % n.replace("\\", "\\\\").replace("`", "\\`")
    cols_sql = ", ".join("%s %s" % (chid(n), CHT[t] if i == 0 else "Nullable(%s)" % CHT[t])
                         for i, (n, t) in enumerate(types))
    for port in ports:
        ch(port, "CREATE DATABASE IF NOT EXISTS seg")
        ch(port, "DROP TABLE IF EXISTS seg.customers")
        ch(port, "DROP TABLE IF EXISTS seg.customers_local")
        ch(port, "CREATE TABLE seg.customers_local (%s) ENGINE = MergeTree() ORDER BY %s" % (cols_sql, chid(key)))
        ch(port, "CREATE TABLE seg.customers AS seg.customers_local ENGINE = Distributed(seg2, seg, customers_local, "
                 "cityHash64(%s))" % chid(key))

    def tsv(t, c):
        v = value(t, c)
        if v is None:
            return "\\N"
        v = str(v)
        return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    with open(DATA, newline="", encoding="utf-8-sig") as f:
        rd = csv.reader(f)
        next(rd)
        body = "".join("\t".join(tsv(t, c) for (_, t), c in zip(types, row)) + "\n" for row in rd)
    ch(ports[0], "INSERT INTO seg.customers FORMAT TabSeparated", body, ["--insert_distributed_sync=1"])
    nrows = body.count("\n")
    per_shard = [int(ch(p, "SELECT count() FROM seg.customers_local")) for p in ports]
    if sum(per_shard) != nrows or min(per_shard) == 0:
        fail("ClickHouse load: shards hold %s rows, the file %d" % (per_shard, nrows))
    query = q.stdout.strip().rstrip(";")
    # both shards' Distributed tables must answer alike; SEG_CH_ONE_SHARD=1
    # (a 1,500-segment query takes ClickHouse ~15 s to plan) asks shard 1 only
    asked = ports[:1] if os.environ.get("SEG_CH_ONE_SHARD") == "1" else ports
    outs = [ch(p, query, None, ["--format", "TabSeparatedWithNames", "--max_query_size=1000000000"]) for p in asked]
    if len(outs) > 1 and outs[0] != outs[1]:
        fail("the two shards' Distributed tables answer differently")
    lines = outs[0].splitlines()
    cols = [c.replace("\\\\", "\\") for c in lines[0].split("\t")[1:]]
    result = [(row.split("\t")[0], [v == "1" for v in row.split("\t")[1:]]) for row in lines[1:]]
    raw = None
else:
    PGT = {"int": "BIGINT", "number": "NUMERIC" if DECIMAL else "DOUBLE PRECISION", "date": "DATE", "bool": "BOOLEAN",
           "text": "TEXT"}
    psql = [os.environ["SEG_PG_PSQL"], "-h", os.environ["SEG_PG_SOCKET"], "-U", "postgres", "-d", "postgres",
            "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    load = ("DROP TABLE IF EXISTS customers;\nCREATE TABLE customers (%s);\n"
            "\\copy customers FROM '%s' WITH (FORMAT csv, HEADER true)\n"
            % (", ".join("%s %s" % (ident(n), PGT[t]) for n, t in types), os.path.abspath(DATA).replace("'", "''")))
    for tname, path, et in EVTYPES:
        load += ("DROP TABLE IF EXISTS %s;\nCREATE TABLE %s (%s);\n\\copy %s FROM '%s' WITH (FORMAT csv, HEADER true)\n"
                 % (ident(tname), ident(tname), ", ".join("%s %s" % (ident(n), PGT[t]) for n, t in et), ident(tname),
                    os.path.abspath(path).replace("'", "''")))
    p = subprocess.run(psql, input=load, capture_output=True, text=True)
    if p.returncode != 0:
        fail("PostgreSQL load: " + p.stderr[:1000])
    query = q.stdout.strip().rstrip(";")
    if PARAM:       # a prepared statement, $1 bound by EXECUTE
        p = subprocess.run(psql + ["--csv"], input="PREPARE segq(date) AS %s;\nEXECUTE segq('%s');\n" % (query, TODAY),
                           capture_output=True, text=True)
    else:
        p = subprocess.run(psql, input="COPY (%s) TO STDOUT WITH (FORMAT csv, HEADER true);\n" % query,
                           capture_output=True, text=True)
    if p.returncode != 0:
        fail("PostgreSQL refused the query: " + p.stderr[:1500])
    rows = list(csv.reader(p.stdout.splitlines()))
    cols = rows[0][1:]
    raw = rows[1:]
    result = [(row[0], [v == "t" for v in row[1:]]) for row in rows[1:]]
if CACHE and hit is None:
    with open(cache_file + ".tmp", "wb") as f:
        pickle.dump((cols, raw, result), f)
    os.rename(cache_file + ".tmp", cache_file)
if MEASURES:
    import json
    import math
    r = subprocess.run([SEG, "run", RULES, DATA, "--today", TODAY, "--format", "json"], capture_output=True, text=True)
    if r.returncode != 0:
        fail("seg run exit %d: %s" % (r.returncode, r.stderr[:2000]))
    segs = json.loads(r.stdout)["segments"]
    if len(raw) != len(segs):
        fail("%d rows from %s, %d segments from seg" % (len(raw), ENGINE, len(segs)))
    diffs = []
    for row, sg in zip(raw, segs):
        names = ["customers"] + list(sg.get("measures", {}).keys())
        mine = [sg["customers"]] + list(sg.get("measures", {}).values())
        if len(row) - 1 != len(names):
            diffs.append("%s: %d values from %s, seg has %d" % (sg["segment"], len(row) - 1, ENGINE, len(names)))
            continue
        if str(row[0]) != sg["segment"]:
            diffs.append("row %s, seg %s" % (row[0], sg["segment"]))
            continue
        for name, a, b in zip(names, mine, row[1:]):
            if b in ("", None):
                ok = a is None
            elif a is None:
                ok = False
            elif isinstance(a, str):
                ok = str(b)[:10] == a
            else:
                ok = math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
            if not ok:
                diffs.append("%s/%s: seg %r, %s %r" % (sg["segment"], name, a, ENGINE, b))
    if diffs:
        fail("%d values differ:\n%s" % (len(diffs), "\n".join(diffs[:10])))
    print("ok - %s: %d segments, the same customers and measures in %s" % (LABEL, len(segs), ENGINE))
    sys.exit(0)
want = {c: set() for c in cols}
for k, flags in result:
    for c, v in zip(cols, flags):
        if v:
            want[c].add(k)

r = subprocess.run([SEG, "run", RULES, DATA, "--today", TODAY, "--members", "-", "--key", key, "--format", "csv"] + EVARGS,
                   capture_output=True, text=True)
if r.returncode != 0:
    fail("seg run exit %d: %s" % (r.returncode, r.stderr[:2000]))
rd = csv.reader(r.stdout.splitlines())
# a priority's tier follows the key in the members (and is a column of the
# flags shape, not a segment's): tests/tiers.sh checks those
prios = set(next(rd)[2:])
cols = [c for c in cols if c not in prios]
got = {c: set() for c in cols}
for row in rd:
    if len(row) >= 2 and row[0] in got:
        got[row[0]].add(row[1])
bad = [c for c in cols if got[c] != want[c]]
if not bad:
    print("ok - %s: %d segments, same members in %s" % (LABEL, len(cols), {"postgres": "PostgreSQL", "duckdb": "DuckDB",
                                                                           "clickhouse": "a 2-shard ClickHouse cluster"}.get(ENGINE, "SQLite")))
    sys.exit(0)
sql_of = {}
for chunk in q.stdout.split("\n)\n")[0].split(",\n"):
    for c in bad:
        if chunk.rstrip().endswith('AS "%s"' % c.replace('"', '""')) or chunk.rstrip().endswith('AS `%s`' % c):
            sql_of[c] = chunk.strip().splitlines()[-1][:600]
lines = ["%d of %d segments differ" % (len(bad), len(cols))]
for c in bad[:5]:
    lines.append("%s: only seg %s; only %s %s" % (c, sorted(got[c] - want[c])[:6], ENGINE, sorted(want[c] - got[c])[:6]))
    lines.append("  SQL: %s" % sql_of.get(c, "?"))
fail("\n".join(lines))
