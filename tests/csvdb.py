"""tests/csvdb.py -- a CSV export in SQLite, for the differential tests
(measures_diff.py, ranks_diff.py): table c, one column per CSV column,
typed INTEGER / REAL / TEXT by what every non-empty value looks like,
an empty field NULL (as seg reads it)."""
import csv, re, sqlite3


def q(s):
    return '"' + s.replace('"', '""') + '"'


def conv(v, t):
    if v == '': return None
    return int(v) if t == 'INTEGER' else float(v) if t == 'REAL' else v


def kind(vals):
    vals = [v for v in vals if v != '']
    if all(re.fullmatch(r'-?\d+', v) for v in vals): return 'INTEGER'
    if all(re.fullmatch(r'-?\d+(\.\d+)?', v) for v in vals): return 'REAL'
    return 'TEXT'


def load(path):
    """(db, head, types, body): the CSV at path as table c of an in-memory
    db, with its header, column types and rows (text)."""
    with open(path, newline='', encoding='utf-8-sig') as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    types = [kind([r[i] for r in body]) for i in range(len(head))]
    db = sqlite3.connect(':memory:')
    db.execute('CREATE TABLE c (' + ', '.join(f'{q(h)} {t}' for h, t in zip(head, types)) + ')')
    db.executemany('INSERT INTO c VALUES (' + ','.join('?' * len(head)) + ')',
                   [[conv(v, t) for v, t in zip(r, types)] for r in body])
    return db, head, types, body
