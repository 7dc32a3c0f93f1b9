#!/usr/bin/env python3
"""tests/measures_diff.py -- seg's measures against SQLite (and Python's
exact decimals), segment by segment.

  measures_diff.py SEG RULES SQLFILE DATA.csv TODAY [LABEL [SEG RUN OPTIONS...]]

SQLFILE holds, per measure, the SQL aggregate we wrote by hand:

    -- measure: NAME
    SUM(total_spend) FILTER (WHERE country = 'SE')

(`median:COL` and `percentile:COL:P` are computed in Python from the values
SQLite selects: SQLite has no percentile_cont). seg runs the rules with
--members; SQLite joins those members to the CSV (loaded with types guessed
per column, empty = NULL) and computes each measure with GROUP BY-free
per-segment queries. Membership itself is checked by sqlite_diff and sql;
this checks the aggregation. A sum of a column is also checked exactly
against Python's Decimal over the CSV's text. Prints one TAP line per
segment x measure; exit 0 always (the caller counts).
"""
import csv, json, math, os, re, sqlite3, subprocess, sys, tempfile
from decimal import Decimal
from csvdb import conv, load, q

seg, rules, sqlfile, data, today = sys.argv[1:6]
name = sys.argv[6] if len(sys.argv) > 6 else os.path.basename(rules)
extra = sys.argv[7:]

defs, cur = {}, None
for line in open(sqlfile):
    m = re.match(r'--\s*measure:\s*(\S+)', line)
    if m:
        cur = m.group(1); defs[cur] = ''
    elif cur and line.strip():
        defs[cur] += line.strip() + ' '

tmp = tempfile.mkdtemp()
mem = os.path.join(tmp, 'members.csv')
p = subprocess.run([seg, 'run', rules, data, '--today', today, '--format', 'json', '--members', mem] + extra,
                   capture_output=True, text=True)
if p.returncode != 0:
    print(f'not ok - measures/{name}: seg run failed ({p.returncode})')
    print('#   ' + p.stderr.replace('\n', '\n#   '))
    sys.exit(0)
out = json.loads(p.stdout, parse_float=Decimal)

db, head, types, body = load(data)
key = head[0]
with open(mem, newline='') as f:
    mrows = list(csv.reader(f))[1:]
db.execute('CREATE TABLE m (segment TEXT, k)')
db.executemany('INSERT INTO m VALUES (?, ?)', [(s, conv(k, types[0])) for s, k in mrows])
JOIN = f'FROM c JOIN m ON m.k = c.{q(key)} WHERE m.segment = ?'

def pct(vals, p):
    vals = sorted(v for v in vals if v is not None)
    if not vals: return None
    pos = p * (len(vals) - 1); lo = math.floor(pos)
    v = vals[lo]
    if lo + 1 < len(vals) and pos > lo: v += (vals[lo + 1] - vals[lo]) * (pos - lo)
    return v

def same(got, want):
    if want is None or got is None: return got is None and want is None
    if isinstance(want, str): return str(got) == want
    g = float(got)
    return math.isclose(g, float(want), rel_tol=1e-9, abs_tol=1e-9)

for s in out['segments']:
    sname = s['segment']
    ms = s.get('measures', {})
    for mname, sql in defs.items():
        sql = sql.strip()
        if sql.startswith('median:') or sql.startswith('percentile:'):
            parts = sql.split(':')
            col, frac = parts[1], 0.5 if parts[0] == 'median' else float(parts[2])
            want = pct([r[0] for r in db.execute(f'SELECT {q(col)} {JOIN}', (sname,))], frac)
        else:
            want = db.execute(f'SELECT {sql} {JOIN}', (sname,)).fetchone()[0]
        got = ms.get(mname, 'absent')
        ok = got != 'absent' and same(got, want)
        detail = f'seg {got!r}, SQLite {want!r}'
        m = re.fullmatch(r'SUM\((\w+)\)', sql)
        if ok and m and types[head.index(m.group(1))] == 'REAL' and want is not None:
            col = head.index(m.group(1))
            keys = {k for sg, k in mrows if sg == sname}
            exact = sum(Decimal(r[col]) for r in body if r[0] in keys and r[col] != '')
            ok = Decimal(str(got)) == exact
            detail = f'seg {got}, exact {exact}'
        print(('ok' if ok else 'not ok') + f' - measures/{name}/{sname}/{mname}')
        if not ok: print('#   ' + detail)
