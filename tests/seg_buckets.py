#!/usr/bin/env python3
"""tests/seg_buckets.py CSV -- SQL for SQLite: a table seg_buckets(salt,
key, bucket) holding each customer id's split bucket for the salts the
examples use, computed by Python's hashlib (SQLite has no MD5): the first
4 bytes of MD5(salt ":" key), big-endian, modulo 10000. The hand
translations of examples/sql/ read it (tests/engine.sh, sqlite_diff.sh)."""
import csv, hashlib, sys

print("CREATE TABLE seg_buckets (salt TEXT, key TEXT, bucket INTEGER, PRIMARY KEY (salt, key));")
print("BEGIN;")
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")):
    k = row["customer_id"].strip()
    for salt in ("2026-q4",):
        b = int.from_bytes(hashlib.md5((salt + ":" + k).encode()).digest()[:4], "big") % 10000
        print("INSERT INTO seg_buckets VALUES ('%s', '%s', %d);" % (salt, k, b))
print("COMMIT;")
