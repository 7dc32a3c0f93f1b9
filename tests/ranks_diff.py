#!/usr/bin/env python3
"""tests/ranks_diff.py -- seg's rankings (quintile, top p%, rfm, within)
against SQLite's window functions, customer by customer.

  ranks_diff.py SEG RULES SQLFILE DATA.csv TODAY LABEL [SEG RUN OPTIONS...]

SQLFILE starts with a prelude (`-- prelude`, SQL run once over table c,
the CSV loaded with a type guessed per column, empty = NULL) and gives per
segment a condition over the prelude's table r:

    -- segment: NAME
    100 * s_g < 10 * s_n

seg runs the rules with --members; each segment's members must be exactly
the keys SQLite selects. Prints one TAP line per segment; exit 0 always.
"""
import csv, os, re, subprocess, sys, tempfile
from csvdb import conv, load, q

seg, rules, sqlfile, data, today, name = sys.argv[1:7]
extra = sys.argv[7:]

prelude, conds, cur = '', {}, None
for line in open(sqlfile):
    m = re.match(r'--\s*segment:\s*(\S+)', line)
    if m:
        cur = m.group(1); conds[cur] = ''
    elif re.match(r'--\s*prelude', line):
        cur = ''
    elif line.startswith('--'):
        continue
    elif cur == '':
        prelude += line
    elif cur:
        conds[cur] += line.strip() + ' '

tmp = tempfile.mkdtemp()
mem = os.path.join(tmp, 'members.csv')
p = subprocess.run([seg, 'run', rules, data, '--today', today, '--members', mem] + extra,
                   capture_output=True, text=True)
if p.returncode != 0:
    print(f'not ok - ranks/{name}: seg run failed ({p.returncode})')
    print('#   ' + p.stderr.replace('\n', '\n#   '))
    sys.exit(0)

db, head, types, body = load(data)
db.executescript(prelude.replace(':today', f"'{today}'"))
key = head[0]
got = {}
with open(mem, newline='') as f:
    for s, k in list(csv.reader(f))[1:]:
        got.setdefault(s, set()).add(conv(k, types[0]))
for s, cond in conds.items():
    want = {r[0] for r in db.execute(f'SELECT {q(key)} FROM r WHERE {cond}')}
    have = got.get(s, set())
    if have == want:
        print(f'ok - ranks/{name}/{s} ({len(want)} customers)')
    else:
        print(f'not ok - ranks/{name}/{s}: seg {len(have)}, SQLite {len(want)}')
        print(f'#   only in seg: {sorted(have - want)[:8]}')
        print(f'#   only in SQLite: {sorted(want - have)[:8]}')
missing = set(got) - set(conds)
for s in sorted(missing):
    print(f'not ok - ranks/{name}/{s}: no SQL written for it')
