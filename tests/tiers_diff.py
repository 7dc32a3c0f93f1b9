#!/usr/bin/env python3
"""tests/tiers_diff.py -- seg's priority tiers against SQLite, customer by customer.

  tiers_diff.py SEG RULES SQLFILE DATA.csv TODAY LABEL [SEG RUN OPTIONS...]

SQLFILE holds, per priority, a CASE WHEN we wrote by hand over the CSV's
columns (the tier's name, or NULL for no tier):

    -- priority: lifecycle
    CASE WHEN total_spend > 5000 THEN 'vip' ... ELSE 'everyone_else' END

The CSV is loaded into SQLite typed by `seg schema` (int INTEGER, number
REAL, date ISO text, bool 0/1, empty NULL). Checked, one TAP line each:
  - `seg run --format json`: every tier's count, "in_no_tier", and that the
    tiers and in_no_tier add up to the customers;
  - `seg run --members` (CSV and JSON Lines): each member row's tier in
    each priority column is the customer's tier by SQLite;
  - `seg sql --dialect sqlite` run on the same table: the counts shape's
    tier rows, and the members shape's tier columns; with $SEG_PG_SOCKET
    and $SEG_PG_PSQL (a PostgreSQL server, tests/tiers.sh starts one) the
    same with `--dialect postgres` on PostgreSQL.
Exit 0 always (the caller counts the lines).
"""
import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

SEG, RULES, SQLFILE, DATA, TODAY, LABEL = sys.argv[1:7]
EXTRA = sys.argv[7:]


def ok(name, msg=""):
    print("ok - tiers/%s/%s%s" % (LABEL, name, (": " + msg) if msg else ""))


def bad(name, msg):
    print("not ok - tiers/%s/%s" % (LABEL, name))
    for line in str(msg).splitlines()[:20]:
        print("#   " + line)


defs, cur, order = {}, None, []
for line in open(SQLFILE):
    m = re.match(r"--\s*priority:\s*(\S+)", line)
    if m:
        cur = m.group(1)
        defs[cur] = ""
        order.append(cur)
    elif cur and line.strip():
        defs[cur] += line.strip() + " "

sch = subprocess.run([SEG, "schema", DATA], capture_output=True, text=True)
types = []
for line in sch.stdout.splitlines():
    if line.startswith("#") or ":" not in line:
        continue
    name, t = line.rsplit(":", 1)
    types.append((name.strip(), t.strip()))
SQLT = {"int": "INTEGER", "number": "REAL", "date": "TEXT", "bool": "INTEGER", "text": "TEXT"}
BOOLS = {"true": 1, "false": 0}


def value(t, s):
    if s.strip() == "":
        return None
    if t == "int":
        return int(s)
    if t == "number":
        return float(s)
    if t == "bool":
        return BOOLS[s.strip().lower()]
    return s


def ident(n):
    return '"%s"' % n.replace('"', '""')


key = types[0][0]
db = sqlite3.connect(":memory:")
db.execute("CREATE TABLE customers (%s)" % ", ".join("%s %s" % (ident(n), SQLT[t]) for n, t in types))
with open(DATA, newline="", encoding="utf-8-sig") as f:
    rd = csv.reader(f)
    next(rd)
    db.executemany("INSERT INTO customers VALUES (%s)" % ", ".join("?" * len(types)),
                   ([value(t, c) for (_, t), c in zip(types, row)] for row in rd))

# the excluded customers (--exclude FILE: its first column), as seg reads them
excluded = set()
if "--exclude" in EXTRA:
    with open(EXTRA[EXTRA.index("--exclude") + 1], newline="") as f:
        excluded = {r[0] for r in list(csv.reader(f))[1:] if r}

# the truth: each customer's tier per priority, by SQLite
truth = {}
for p in order:
    rows = db.execute("SELECT CAST(%s AS TEXT), %s FROM customers" % (ident(key), defs[p])).fetchall()
    truth[p] = {str(k): t for k, t in rows if str(k) not in excluded}
ncust = len(next(iter(truth.values()))) if truth else 0

tmp = tempfile.mkdtemp()
mem = os.path.join(tmp, "members.csv")
r = subprocess.run([SEG, "run", RULES, DATA, "--today", TODAY, "--format", "json", "--members", mem, "--key", key]
                   + EXTRA, capture_output=True, text=True)
if r.returncode != 0:
    bad("run", "seg run exit %d: %s" % (r.returncode, r.stderr[:1500]))
    sys.exit(0)
rep = json.loads(r.stdout)
prios = {p["priority"]: p for p in rep.get("priorities", [])}
if list(prios) != order:
    bad("priorities", "seg reports %s, the SQL file has %s" % (list(prios), order))
    sys.exit(0)

# counts per tier, in no tier, and the sum
for p in order:
    want = {}
    for t in truth[p].values():
        want[t] = want.get(t, 0) + 1
    diffs = []
    total = 0
    for t in prios[p]["tiers"]:
        total += t["customers"]
        if t["customers"] != want.get(t["tier"], 0):
            diffs.append("%s: seg %d, SQLite %d" % (t["tier"], t["customers"], want.get(t["tier"], 0)))
    names = {t["tier"] for t in prios[p]["tiers"]}
    for t, n in want.items():
        if t is not None and t not in names:
            diffs.append("%s: %d in SQLite, not a tier of seg's" % (t, n))
    if prios[p]["in_no_tier"] != want.get(None, 0):
        diffs.append("in no tier: seg %d, SQLite %d" % (prios[p]["in_no_tier"], want.get(None, 0)))
    if total + prios[p]["in_no_tier"] != ncust:
        diffs.append("tiers %d + in no tier %d != %d customers" % (total, prios[p]["in_no_tier"], ncust))
    if diffs:
        bad("counts_" + p, "\n".join(diffs))
    else:
        ok("counts_" + p, "%d tiers, %d customers, the same counts as SQLite" % (len(prios[p]["tiers"]), ncust))


def check_rows(name, rows):
    """rows: (segment, key, {priority: tier or None}) per member row."""
    diffs, n = [], 0
    for seg, k, tiers in rows:
        for p in order:
            n += 1
            if tiers.get(p, "missing") != truth[p].get(k, "absent"):
                diffs.append("%s in %s: %s %r, SQLite %r" % (k, seg, p, tiers.get(p, "missing"), truth[p].get(k, "absent")))
    if not rows:
        diffs.append("no member rows")
    if diffs:
        bad(name, "%d of %d differ\n%s" % (len(diffs), n, "\n".join(diffs[:10])))
    else:
        ok(name, "%d member rows x %d priorities as SQLite" % (len(rows), len(order)))


with open(mem, newline="") as f:
    rd = csv.reader(f)
    hdr = next(rd)
    pcol = {p: hdr.index(p) for p in order if p in hdr}
    if len(pcol) != len(order):
        bad("members_csv", "header %s lacks a priority column" % hdr)
    else:
        check_rows("members_csv", [(row[0], row[1], {p: row[i] or None for p, i in pcol.items()}) for row in rd])

r = subprocess.run([SEG, "run", RULES, DATA, "--today", TODAY, "--members", "-", "--members-format", "jsonl",
                    "--key", key] + EXTRA, capture_output=True, text=True)
rows = []
for line in r.stdout.splitlines():
    o = json.loads(line)
    rows.append((o["segment"], str(o[key]), {p: o.get(p, "missing") for p in order}))
check_rows("members_jsonl", rows)

def run_sqlite(sql):
    cur = db.execute(sql)
    return [d[0] for d in cur.description], cur.fetchall()


PGT = {"int": "BIGINT", "number": "DOUBLE PRECISION", "date": "DATE", "bool": "BOOLEAN", "text": "TEXT"}
pg_loaded = False


def run_postgres(sql):
    global pg_loaded
    psql = [os.environ["SEG_PG_PSQL"], "-h", os.environ["SEG_PG_SOCKET"], "-U", "postgres", "-d", "postgres",
            "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    if not pg_loaded:
        load = ("DROP TABLE IF EXISTS customers;\nCREATE TABLE customers (%s);\n"
                "\\copy customers FROM '%s' WITH (FORMAT csv, HEADER true)\n"
                % (", ".join("%s %s" % (ident(n), PGT[t]) for n, t in types), os.path.abspath(DATA).replace("'", "''")))
        p = subprocess.run(psql, input=load, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("PostgreSQL load: " + p.stderr[:1000])
        pg_loaded = True
    p = subprocess.run(psql, input="COPY (%s) TO STDOUT WITH (FORMAT csv, HEADER true);\n" % sql.strip().rstrip(";"),
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("PostgreSQL refused the query: " + p.stderr[:1500])
    rows = list(csv.reader(p.stdout.splitlines()))
    # a tier name is never empty: an empty field is NULL
    return rows[0], [tuple(v if v != "" else None for v in r) for r in rows[1:]]


CHT = {"int": "Int64", "number": "Float64", "date": "Date", "bool": "UInt8", "text": "String"}
ch_loaded = False


def ch(port, sql, data=None, extra=()):
    args, stdin = (["-q", sql], data if data is not None else "") if data is not None or len(sql) < 65536 else ([], sql)
    p = subprocess.run(["timeout", "120", "clickhouse-client", "--host", "127.0.0.1", "--port", port] + list(extra)
                       + args, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("ClickHouse (port %s): %s" % (port, p.stderr[:1500]))
    return p.stdout


def run_clickhouse(sql):
    """tests/ch_cluster.sh's two shards: a MergeTree table on each, a
    Distributed table over both; the query runs on shard 1's. Two-valued:
    no tier is '', read as NULL (a tier name is never empty)."""
    global ch_loaded
    ports = os.environ["SEG_CH_PORTS"].split(",")
    if not ch_loaded:
        def chid(n):
            return "`%s`" % n.replace("\\", "\\\\").replace("`", "\\`")
        cols_sql = ", ".join("%s %s" % (chid(n), CHT[t] if i == 0 else "Nullable(%s)" % CHT[t])
                             for i, (n, t) in enumerate(types))
        for port in ports:
            ch(port, "CREATE DATABASE IF NOT EXISTS seg")
            ch(port, "DROP TABLE IF EXISTS seg.customers")
            ch(port, "DROP TABLE IF EXISTS seg.customers_local")
            ch(port, "CREATE TABLE seg.customers_local (%s) ENGINE = MergeTree() ORDER BY %s" % (cols_sql, chid(key)))
            ch(port, "CREATE TABLE seg.customers AS seg.customers_local ENGINE = Distributed(seg2, seg, "
                     "customers_local, cityHash64(%s))" % chid(key))

        def tsv(t, c):
            v = value(t, c)
            if v is None:
                return "\\N"
            return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        with open(DATA, newline="", encoding="utf-8-sig") as f:
            rd = csv.reader(f)
            next(rd)
            body = "".join("\t".join(tsv(t, c) for (_, t), c in zip(types, row)) + "\n" for row in rd)
        ch(ports[0], "INSERT INTO seg.customers FORMAT TabSeparated", body, ["--insert_distributed_sync=1"])
        ch_loaded = True
    out = ch(ports[0], sql.strip().rstrip(";"), None, ["--format", "TabSeparatedWithNames"])
    lines = out.splitlines()
    return lines[0].split("\t"), [tuple(v if v != "" else None for v in l.split("\t")) for l in lines[1:]]


engines = [("sqlite", run_sqlite)]
if os.environ.get("SEG_PG_SOCKET") and os.environ.get("SEG_PG_PSQL"):
    engines.append(("postgres", run_postgres))
if os.environ.get("SEG_CH_PORTS"):
    engines.append(("clickhouse", run_clickhouse))

# seg sql on the same table (not with --exclude: the SQL knows no suppression list)
for engine, run in engines if "--exclude" not in EXTRA else []:
    sfx = "" if engine == "sqlite" else "_" + engine
    for shape in ("counts", "members"):
        q = subprocess.run([SEG, "sql", RULES, "--dialect", engine, "--data", DATA, "--shape", shape, "--key", key,
                            "--table", "seg.customers" if engine == "clickhouse" else "customers", "--today", TODAY],
                           capture_output=True, text=True)
        if q.returncode != 0:
            bad("sql_" + shape + sfx, "seg sql exit %d: %s" % (q.returncode, q.stderr[:1500]))
            continue
        try:
            cols, res = run(q.stdout)
        except (sqlite3.Error, RuntimeError) as e:
            bad("sql_" + shape + sfx, "%s refused the query: %s" % (engine, e))
            continue
        if shape == "counts":
            got = {}
            for row in res:
                o = dict(zip(cols, row))
                if o.get("priority") is not None:
                    got[(o["priority"], o["segment"])] = int(o["customers"])
            want = {}
            for p in order:
                for t in prios[p]["tiers"]:
                    want[(p, t["tier"])] = sum(1 for v in truth[p].values() if v == t["tier"])
            if got == want:
                ok("sql_counts" + sfx, "%d tier rows as SQLite's own CASE" % len(got))
            else:
                bad("sql_counts" + sfx, "seg sql %s\nSQLite %s" % (sorted(got.items())[:8], sorted(want.items())[:8]))
        else:
            check_rows("sql_members" + sfx, [(o["segment"], str(o["key"]), {p: o[p] for p in order})
                                             for o in (dict(zip(cols, row)) for row in res)])
