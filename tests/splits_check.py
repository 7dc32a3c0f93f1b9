#!/usr/bin/env python3
"""tests/splits_check.py -- a split's arms, computed here from the CSV with
hashlib alone, against `seg run` (tests/splits.sh).

    python3 tests/splits_check.py SEG MODE TMPDIR

MODE customers: tests/splits/splits.seg over examples/customers.csv, every
customer's arms (`seg run --members -`) and each split's figures (`--format
json`: customers per arm, in_arms, no_key, chi-square, p-value against the
closed forms erfc(sqrt(x/2)) for 1 degree of freedom and exp(-x/2) for 2).
MODE golden: tests/data/splits/buckets.tsv (hashlib's buckets of 100 keys)
as a CSV, one split per key whose middle arm is exactly that key's bucket;
every row must be in its own middle arm (an empty text key is missing: in
no arm). MODE srm: a split by a key many customers share, where the test
must flag a mismatch (W0230) exactly when p < 0.001.
Prints TAP lines.
"""
import csv
import hashlib
import json
import math
import os
import subprocess
import sys

SEG, MODE, TMP = sys.argv[1:4]
TODAY = "2026-11-23"
failures = 0


def tap(ok, what, detail=""):
    global failures
    print("%s - splits/%s" % ("ok" if ok else "not ok", what))
    if not ok:
        failures += 1
        for line in str(detail).splitlines()[:12]:
            print("#   " + line)


def bucket(salt, key):
    return int.from_bytes(hashlib.md5((salt + ":" + key).encode("utf-8")).digest()[:4], "big") % 10000


def arm_of(salt, key, arms):
    """arms: [(name, buckets)] in order; the arm whose range holds the bucket"""
    b, lo = bucket(salt, key), 0
    for name, n in arms:
        if lo <= b < lo + n:
            return name
        lo += n
    raise AssertionError("shares do not cover the bucket")


def seg(*args):
    return subprocess.run([SEG] + list(args), capture_output=True, text=True)


def members(rules, data, key):
    p = seg("run", rules, data, "--today", TODAY, "--members", "-", "--key", key)
    if p.returncode != 0:
        tap(False, "seg run --members %s" % rules, p.stderr)
        sys.exit(1)
    got = {}
    for row in csv.DictReader(p.stdout.splitlines()):
        got.setdefault(row["segment"], set()).add(row[key])
    return got


if MODE == "customers":
    rows = list(csv.DictReader(open("examples/customers.csv", encoding="utf-8-sig", newline="")))
    splits = [  # name, salt, key column, population test, arms (buckets)
        ("q4_newsletter", "q4_newsletter", "customer_id", lambda r: r["email_opt_in"].lower() == "true",
         [("test", 4500), ("control", 4500), ("holdout", 1000)]),
        ("promo", "2026-q4", "email", lambda r: True, [("a", 5000), ("b", 5000)]),
        ("cohort", "år:ö", "signup_date", lambda r: True, [("early", 3333), ("mid", 3333), ("late", 3334)]),
        ("tiny", "tiny", "customer_id", lambda r: r["email_opt_in"].lower() == "true", [("one", 1), ("rest", 9999)]),
    ]
    want, no_key = {}, {}
    for name, salt, col, base, arms in splits:
        for a, _ in arms:
            want["%s.%s" % (name, a)] = set()
        no_key[name] = 0
        for r in rows:
            if not base(r):
                continue
            k = r[col].strip()
            if k == "":
                no_key[name] += 1
                continue
            want["%s.%s" % (name, arm_of(salt, k, arms))].add(r["customer_id"])
    # segments on arms: test_se, promo_b_vip
    by_id = {r["customer_id"]: r for r in rows}
    want["test_se"] = {c for c in want["q4_newsletter.test"] if by_id[c]["country"].upper() == "SE"}
    want["promo_b_vip"] = {c for c in want["promo.b"]
                           if by_id[c]["total_spend"] and float(by_id[c]["total_spend"]) > 5000}
    got = members("tests/splits/splits.seg", "examples/customers.csv", "customer_id")
    for seg_name in sorted(want):
        g = got.get(seg_name, set())
        tap(g == want[seg_name], "customers/members %s (%d)" % (seg_name, len(want[seg_name])),
            "only seg: %s; only python: %s" % (sorted(g - want[seg_name])[:5], sorted(want[seg_name] - g)[:5]))
    tap(sum(len(want["promo.%s" % a]) for a in "ab") > 2000 and no_key["promo"] > 0,
        "customers/the data has customers with no email (a missing key)", no_key)
    p = seg("run", "tests/splits/splits.seg", "examples/customers.csv", "--today", TODAY, "--format", "json")
    doc = json.loads(p.stdout)
    tab = seg("run", "tests/splits/splits.seg", "examples/customers.csv", "--today", TODAY).stdout
    for name, salt, col, base, arms in splits:
        sp = [s for s in doc["splits"] if s["split"] == name]
        if len(sp) != 1:
            tap(False, "customers/json split %s" % name, doc.get("splits"))
            continue
        sp = sp[0]
        counts = [len(want["%s.%s" % (name, a)]) for a, _ in arms]
        n = sum(counts)
        chi = sum((o - n * b / 10000) ** 2 / (n * b / 10000) for o, (_, b) in zip(counts, arms))
        dof = len(arms) - 1
        pv = math.erfc(math.sqrt(chi / 2)) if dof == 1 else math.exp(-chi / 2)
        ok = ([a["customers"] for a in sp["arms"]] == counts and sp["in_arms"] == n and sp["no_key"] == no_key[name]
              and [a["declared"] for a in sp["arms"]] == [b / 10000 for _, b in arms] and sp["dof"] == dof
              and abs(sp["chi_square"] - chi) <= 1e-9 * max(1, chi) and abs(sp["p_value"] - pv) <= 1e-9
              and sp["salt"] == salt and sp["key"] == col and sp["mismatch"] == (pv < 0.001))
        tap(ok, "customers/json split %s: counts, no key %d, chi-square %.4f, p %.6f" % (name, no_key[name], chi, pv),
            json.dumps(sp))
        line = "sample ratio: chi-square %.2f, %d degree%s of freedom, p = " % (chi, dof, "" if dof == 1 else "s")
        tap(line in tab, "customers/table split %s: %s" % (name, line), tab)

elif MODE == "golden":
    rows = [l.rstrip("\n").split("\t") for l in open("tests/data/splits/buckets.tsv", encoding="utf-8")]
    tap(len(rows) == 100, "golden/100 keys", len(rows))
    data = os.path.join(TMP, "golden.csv")
    rules = os.path.join(TMP, "golden.seg")
    with open(data, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["row", "kint", "ktext", "kdate"])
        for i, (kind, salt, key, b) in enumerate(rows):
            w.writerow([i, key if kind == "int" else "", key if kind == "text" else "", key if kind == "date" else ""])
    with open(rules, "w", encoding="utf-8") as f:
        for i, (kind, salt, key, b) in enumerate(rows):
            b = int(b)
            arms = ([("lo", b)] if b > 0 else []) + [("hit", 1)] + ([("hi", 9999 - b)] if b < 9999 else [])
            f.write('split s%d = everyone by k%s salt "%s": %s\n' % (
                i, kind, salt.replace("\\", "\\\\").replace('"', '\\"'),
                ", ".join("%s %s%%" % (a, ("%d.%02d" % (n // 100, n % 100))) for a, n in arms)))
    got = members(rules, data, "row")
    bad = []
    for i, (kind, salt, key, b) in enumerate(rows):
        inhit = str(i) in got.get("s%d.hit" % i, set())
        elsewhere = [s for s, m in got.items() if str(i) in m and s.startswith("s%d." % i) and s != "s%d.hit" % i]
        if key == "":
            if inhit or elsewhere:
                bad.append("row %d (empty text): in %s" % (i, [s for s, m in got.items() if str(i) in m]))
            elif any(str(i) in m for m in got.values()):
                bad.append("row %d (empty text, missing everywhere): in some arm" % i)
        elif not inhit or elsewhere:
            bad.append("row %d %s %r salt %r: bucket %s, seg puts it in %s" % (i, kind, key, salt, b, elsewhere or "none"))
    tap(not bad, "golden/every key of tests/data/splits/buckets.tsv in the arm of hashlib's bucket (%d keys)"
        % len(rows), "\n".join(bad))

elif MODE == "srm":
    # country: a handful of values, so whole countries fall in one arm
    rules = os.path.join(TMP, "srm.seg")
    with open(rules, "w") as f:
        f.write("split by_country = everyone by country: a 50%, b 50%\n"
                "split by_id = everyone by customer_id: a 50%, b 50%\n")
    rows = list(csv.DictReader(open("examples/customers.csv", encoding="utf-8-sig", newline="")))
    p = seg("run", rules, "examples/customers.csv", "--today", TODAY, "--format", "json")
    doc = json.loads(p.stdout)
    for name, col in (("by_country", "country"), ("by_id", "customer_id")):
        counts = [0, 0]
        for r in rows:
            if r[col].strip():
                counts[0 if bucket(name, r[col].strip()) < 5000 else 1] += 1
        n = sum(counts)
        chi = sum((o - n / 2) ** 2 / (n / 2) for o in counts)
        pv = math.erfc(math.sqrt(chi / 2))
        sp = [s for s in doc["splits"] if s["split"] == name][0]
        warned = ("split '%s' does not match its shares" % name) in p.stderr and "[W0230]" in p.stderr
        tap(sp["mismatch"] == (pv < 0.001) and warned == (pv < 0.001) and abs(sp["p_value"] - pv) <= 1e-9,
            "srm/%s: p %.3g, W0230 %s" % (name, pv, "told" if pv < 0.001 else "not told"), p.stderr + json.dumps(sp))
    tap("by_country" in p.stderr and "W0230" in p.stderr, "srm/a key shared by many customers is flagged", p.stderr)
    tap(p.returncode == 0, "srm/the warning never changes the exit code", p.returncode)

sys.exit(1 if failures else 0)
