"""tests/events_ref.py -- the SQLite reference for tests/events.sh (issue 15).

    python3 tests/events_ref.py CASES.tsv CUSTOMERS.csv ORDERS.csv EMAIL_EVENTS.csv

Loads the customer export as table c and the two event tables as orders
and email_events (tests/csvdb.py's typing: INTEGER / REAL / TEXT by what
every non-empty value looks like, an empty field NULL, rows in file order
so rowid is the file order that breaks first/last ties), then prints
NAME<TAB>count for every case of CASES.tsv: the customers of c for whom
the case's SQL condition (its third field, correlated subqueries on the
event tables, as in the reference section of the event-table spec) is
true. dsum(x) is an exact sum of the decimals as written in the CSV (a
REAL's shortest repr is its text), returned as the nearest double, NULL
over no value, so `sum(...) >= 500` is not decided by binary rounding."""
import csv, os, sqlite3, sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from csvdb import conv, kind, q  # noqa: E402


def load_table(db, name, path):
    with open(path, newline='', encoding='utf-8-sig') as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    types = [kind([r[i] for r in body]) for i in range(len(head))]
    db.execute(f'CREATE TABLE {q(name)} (' + ', '.join(f'{q(h)} {t}' for h, t in zip(head, types)) + ')')
    db.executemany(f'INSERT INTO {q(name)} VALUES (' + ','.join('?' * len(head)) + ')',
                   [[conv(v, t) for v, t in zip(r, types)] for r in body])


class DSum:
    def __init__(self):
        self.total = None

    def step(self, v):
        if v is not None:
            self.total = (self.total or Decimal(0)) + Decimal(repr(v) if isinstance(v, float) else v)

    def finalize(self):
        return None if self.total is None else float(self.total)


def cases(path):
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line or line.startswith('#'):
            continue
        name, rule, sql = line.split('\t')
        yield name, rule, sql


def main():
    if len(sys.argv) != 5:
        sys.exit('usage: events_ref.py CASES.tsv CUSTOMERS.csv ORDERS.csv EMAIL_EVENTS.csv')
    db = sqlite3.connect(':memory:')
    db.create_aggregate('dsum', 1, DSum)
    for name, path in zip(('c', 'orders', 'email_events'), sys.argv[2:]):
        load_table(db, name, path)
    db.execute('CREATE INDEX orders_key ON orders(customer_id)')
    db.execute('CREATE INDEX email_events_key ON email_events(customer_id)')
    for name, _, sql in cases(sys.argv[1]):
        try:
            n = db.execute(f'SELECT count(*) FROM c WHERE {sql}').fetchone()[0]
        except sqlite3.Error as e:
            sys.exit(f'events_ref.py: case {name}: {e}')
        print(f'{name}\t{n}')


if __name__ == '__main__':
    main()
