#!/usr/bin/env bash
# tests/overlap.sh -- `seg overlap` and seg run's size warnings (issue 13,
# section 2 "Overlap and over-segmentation").
#
#   SEG=build/seg bash tests/overlap.sh
#
# The expected figures are not seg's: examples/customers.csv is loaded into
# SQLite (python3's sqlite3) and each segment of the rules below is written
# again by hand as a SQL WHERE clause (a row is a member where the clause
# IS 1: true, not false, not NULL); every pair's `both` is a self-join
# count. The outputs are read with python's csv and json modules.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

D=$T_TMP/overlap
mkdir -p "$D"
cp "$T_ROOT/examples/customers.csv" "$D/crm.csv"
TODAY=2026-11-23
G=overlap

# Seven segments: two pairs that overlap almost entirely (a refinement that
# names another segment, and two near-copies), one small, one empty, and
# missing values in age, gender and last_purchase.
cat > "$D/r.seg" <<'RULES'
segment young = age < 35
segment swedes = country = "se"
segment grown_swedes = swedes and age >= 20
segment big = total_spend >= 3000 and last_purchase is not missing
segment big_recent = total_spend >= 2900 and last_purchase >= 2025-01-01
segment stockholm_spenders = city starts with "stock" and total_spend > 1000
segment not_women = not gender = "F" and loyalty_tier != "gold"
segment nobody = age > 200
RULES

# The SQL of each segment, by hand (same order); the oracle writes, for a
# suppression list (or none), each segment's count and each pair's `both`.
cat > "$D/oracle.py" <<'PY'
import csv, sqlite3, sys
data, out = sys.argv[1], sys.argv[2]
excluded = set(open(sys.argv[3]).read().split()[1:]) if len(sys.argv) > 3 else set()
SEGS = [
    ("young", "age < 35"),
    ("swedes", "lower(country) = 'se'"),
    ("grown_swedes", "lower(country) = 'se' AND age >= 20"),
    ("big", "total_spend >= 3000 AND last_purchase IS NOT NULL"),
    ("big_recent", "total_spend >= 2900 AND last_purchase >= '2025-01-01'"),
    ("stockholm_spenders", "substr(lower(city), 1, 5) = 'stock' AND total_spend > 1000"),
    ("not_women", "NOT (gender = 'F') AND loyalty_tier <> 'gold'"),
    ("nobody", "age > 200"),
]
db = sqlite3.connect(":memory:")
rows = list(csv.DictReader(open(data, encoding="utf-8", newline="")))
cols = list(rows[0].keys())
db.execute("CREATE TABLE c (%s)" % ", ".join('"%s"' % k for k in cols))
def val(k, v):
    if v == "": return None                        # a missing value is NULL
    if k in ("customer_id", "age", "purchases_90d"): return int(v)
    if k == "total_spend": return float(v)
    return v
db.executemany("INSERT INTO c VALUES (%s)" % ", ".join("?" * len(cols)),
               [[val(k, r[k]) for k in cols] for r in rows if r["customer_id"] not in excluded])
for name, where in SEGS:
    db.execute("CREATE TABLE m_%s AS SELECT customer_id FROM c WHERE (%s) IS 1" % (name, where))
with open(out, "w") as f:
    for name, _ in SEGS:
        f.write("count %s %d\n" % (name, db.execute("SELECT count(*) FROM m_%s" % name).fetchone()[0]))
    for i, (a, _) in enumerate(SEGS):
        for b, _ in SEGS[i + 1:]:
            n = db.execute("SELECT count(*) FROM m_%s x JOIN m_%s y ON x.customer_id = y.customer_id" % (a, b)).fetchone()[0]
            f.write("pair %s %s %d\n" % (a, b, n))
PY
python3 "$D/oracle.py" "$D/crm.csv" "$D/want" || t_fail "$G/oracle" "python3 sqlite3 oracle failed"

# check NAME SCRIPT -- python3 SCRIPT with argv: stdout, stderr, the
# oracle's file, then what the SCRIPT's caller adds; ok when it prints "ok".
check() {
    local name=$1 script=$2; shift 2
    local got
    got=$(python3 - "$T_OUT" "$T_ERR" "$@" 2>&1 <<<"$script")
    if [ "$got" = ok ]; then t_ok "$G/$name"
    else t_fail "$G/$name" "$T_CMD: exit $T_RC" "python3: $got" "$(t_file_detail stdout "$T_OUT" 12)" \
                "$(t_file_detail stderr "$T_ERR" 12)"; fi
}

# The oracle's figures and the helpers every check uses.
PRELUDE='
import csv, json, re, sys
def oracle(path):
    counts, pairs = {}, {}
    for line in open(path):
        w = line.split()
        if w[0] == "count": counts[w[1]] = int(w[2])
        else: pairs[(w[1], w[2])] = int(w[3])
    return counts, pairs
def share(counts, a, b, both):
    small = min(counts[a], counts[b])
    return both / small if small else 0.0
'

# ---- the pairs, as CSV: every `both` is the SQL self-join's ----------------
seg_exec "$D" overlap r.seg crm.csv --today $TODAY --format csv
check csv_pairs_equal_sqlite_self_join "$PRELUDE
counts, pairs = oracle(sys.argv[3])
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0] == ['segment_a', 'segment_b', 'both', 'share_of_smaller'], rows[0]
got = {(r[0], r[1]): (int(r[2]), float(r[3])) for r in rows[1:]}
assert [tuple(r[:2]) for r in rows[1:]] == list(pairs), 'pairs not in file order: %s' % [r[:2] for r in rows[1:]]
bad = [(k, got[k][0], pairs[k]) for k in pairs if got[k][0] != pairs[k]]
assert not bad, 'both differs from SQLite (pair, seg, sqlite): %s' % bad
bad = [(k, got[k][1]) for k in pairs if abs(got[k][1] - share(counts, k[0], k[1], pairs[k])) > 1e-6]
assert not bad, 'share_of_smaller: %s' % bad
assert got[('swedes', 'grown_swedes')][1] == 1.0 and got[('young', 'nobody')] == (0, 0.0), got
assert len(set(v[0] for v in got.values())) > 8, 'too few distinct counts to mean much'
print('ok')" "$D/want"

# ---- JSON: one document, the same figures ------------------------------
seg_exec "$D" overlap r.seg crm.csv --today $TODAY --format json
check json_document "$PRELUDE
counts, pairs = oracle(sys.argv[3])
d = json.load(open(sys.argv[1]))
assert set(d) == {'today', 'customers', 'pairs'}, sorted(d)
assert d['today'] == '$TODAY' and d['customers'] == 5000, d
assert [(p['a'], p['b']) for p in d['pairs']] == list(pairs), 'order'
assert all(p['both'] == pairs[(p['a'], p['b'])] for p in d['pairs']), [p for p in d['pairs'] if p['both'] != pairs[(p['a'], p['b'])]]
assert all(abs(p['share_of_smaller'] - share(counts, p['a'], p['b'], p['both'])) < 1e-6 for p in d['pairs'])
print('ok')" "$D/want"

# ---- the table: aligned, digit groups, the footer of seg run -----------
seg_exec "$D" overlap r.seg crm.csv --today $TODAY
check table "$PRELUDE
counts, pairs = oracle(sys.argv[3])
lines = open(sys.argv[1]).read().splitlines()
assert lines[-1] == '(5 000 customers, today $TODAY)', lines[-1]
assert re.match(r'^segment a +segment b +both +of smaller$', lines[0]), lines[0]
body = lines[1:-1]
assert len(body) == len(pairs) == 28, len(body)
assert len(set(len(l) for l in lines[:-1])) == 1, 'rows not aligned'
for l, ((a, b), n) in zip(body, pairs.items()):
    m = re.match(r'^(\S+) +(\S+) +([0-9][0-9 ]*) +([0-9.]+)%$', l)
    assert m and m.group(1, 2) == (a, b), l
    want = '{:,}'.format(n).replace(',', ' ')
    assert m.group(3).strip() == want, (l, want)
    assert abs(float(m.group(4)) - 100 * share(counts, a, b, n)) <= 0.05, l
print('ok')" "$D/want"

# ---- --segment: the pairs of the segments named, in file order ----------
seg_exec "$D" overlap r.seg crm.csv --today $TODAY --format csv --segment big --segment young --segment nobody
check segment_option "$PRELUDE
counts, pairs = oracle(sys.argv[3])
rows = list(csv.reader(open(sys.argv[1], newline='')))[1:]
assert [(r[0], r[1], int(r[2])) for r in rows] == [(a, b, pairs[(a, b)]) for a, b in
       [('young', 'big'), ('young', 'nobody'), ('big', 'nobody')]], rows
print('ok')" "$D/want"

# ---- --exclude: suppressed customers leave before the pairs are counted --
python3 - "$D/crm.csv" "$D/sup.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
# Swedes over 20 with a big recent spend, and a few young ones: several pairs move
pick = [r["customer_id"] for r in rows if r["country"] == "SE" and r["age"] and int(r["age"]) >= 20
        and float(r["total_spend"]) >= 3000 and r["last_purchase"] >= "2025-01-01"][:25]
pick += [r["customer_id"] for r in rows if r["age"] and int(r["age"]) < 35 and r["customer_id"] not in pick][:10]
open(sys.argv[2], "w").write("customer_id\n" + "\n".join(pick) + "\n999999999\n")
PY
python3 "$D/oracle.py" "$D/crm.csv" "$D/want_ex" "$D/sup.csv" || t_fail "$G/oracle_exclude" "oracle failed"
seg_exec "$D" overlap r.seg crm.csv --today $TODAY --format json --exclude sup.csv
check exclude_lowers_counts "$PRELUDE
counts, pairs = oracle(sys.argv[3])
_, before = oracle(sys.argv[4])
d = json.load(open(sys.argv[1]))
nsup = len(open(sys.argv[5]).read().split()) - 2
assert d['suppressed'] == nsup and d['customers'] == 5000, (d['suppressed'], nsup)
got = {(p['a'], p['b']): p['both'] for p in d['pairs']}
assert got == pairs, [(k, got[k], pairs[k]) for k in pairs if got[k] != pairs[k]]
assert got[('grown_swedes', 'big')] < before[('grown_swedes', 'big')], 'the list should lower this pair'
assert got[('young', 'swedes')] < before[('young', 'swedes')]
assert got[('big', 'not_women')] <= before[('big', 'not_women')]
print('ok')" "$D/want_ex" "$D/want" "$D/sup.csv"
grep -q "^seg: --exclude: 35 customers suppressed (customer_id on sup.csv); 1 of its 36 entries are not in the data" "$T_ERR" \
    && t_ok "$G/exclude_reported_as_run" || t_fail "$G/exclude_reported_as_run" "$(cat "$T_ERR")"
seg_exec "$D" overlap r.seg crm.csv --today $TODAY --exclude sup.csv
[ "$T_RC" -eq 0 ] && tail -1 "$T_OUT" | grep -qx "(5 000 customers, 35 suppressed, today $TODAY)" \
    && t_ok "$G/exclude_table_footer" || t_fail "$G/exclude_table_footer" "exit $T_RC" "$(tail -2 "$T_OUT")"

# ---- the same figures from a .segcol and from a .segc --------------------
seg_exec "$D" overlap r.seg crm.csv --today $TODAY --format csv
cp "$T_OUT" "$D/pairs.csv"
seg_exec "$D" import crm.csv -o crm.segcol
seg_exec "$D" compile r.seg -o r.segc --data crm.csv --today $TODAY
seg_exec "$D" overlap r.segc crm.segcol --format csv
[ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$D/pairs.csv" && t_ok "$G/segc_and_segcol_same_pairs" \
    || t_fail "$G/segc_and_segcol_same_pairs" "exit $T_RC" "$(diff "$D/pairs.csv" "$T_OUT" | head)" "$(cat "$T_ERR")"

# ---- names that need quoting, and no pair at all -------------------------
printf 'segment `a, "b"` = age > 60\nsegment `semi;colon` = age > 80\n' > "$D/q.seg"
seg_exec "$D" overlap q.seg crm.csv --today $TODAY --format csv
check csv_rfc4180_names "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[1][:2] == ['a, \"b\"', 'semi;colon'] and len(rows) == 2 and int(rows[1][2]) > 0, rows
assert float(rows[1][3]) == 1.0, rows
print('ok')"
seg_exec "$D" overlap q.seg crm.csv --today $TODAY --format json --segment 'a, "b"'
check json_one_segment_no_pairs "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['pairs'] == [] and d['customers'] == 5000, d
print('ok')"

# ---- usage ---------------------------------------------------------------
seg_exec "$D" overlap r.seg crm.csv --format bad
[ "$T_RC" -eq 2 ] && [ ! -s "$T_OUT" ] && grep -q "^seg: --format: 'bad' is not one of table, csv, json" "$T_ERR" \
    && t_ok "$G/format_bad_exit_2" || t_fail "$G/format_bad_exit_2" "exit $T_RC" "$(cat "$T_ERR")"
seg_exec "$D" overlap r.seg
[ "$T_RC" -eq 2 ] && grep -q "overlap needs a rules file and a data file" "$T_ERR" && t_ok "$G/needs_two_files" \
    || t_fail "$G/needs_two_files" "exit $T_RC" "$(cat "$T_ERR")"
seg_exec "$D" overlap r.seg crm.csv --segment nosuch
[ "$T_RC" -eq 2 ] && grep -q "no segment 'nosuch' in r.seg" "$T_ERR" && t_ok "$G/unknown_segment" \
    || t_fail "$G/unknown_segment" "exit $T_RC" "$(cat "$T_ERR")"
printf 'segment a = agee > 3\n' > "$D/bad.seg"
seg_exec "$D" overlap bad.seg crm.csv
[ "$T_RC" -eq 1 ] && grep -q "^bad.seg:1:13: error: unknown column" "$T_ERR" && t_ok "$G/rule_error_exit_1" \
    || t_fail "$G/rule_error_exit_1" "exit $T_RC" "$(cat "$T_ERR")"
seg_exec "$D" --help
cp "$T_OUT" "$D/help.txt"
seg_exec "$D" overlap --help
[ "$T_RC" -eq 0 ] && grep -q "^  seg overlap " "$T_OUT" && ! grep -q "^  seg run " "$T_OUT" && grep -q -- "--min-size N" "$D/help.txt" \
    && grep -q -- "--exclude" "$T_OUT" && t_ok "$G/help" || t_fail "$G/help" "exit $T_RC" "$(head -5 "$T_OUT")"

# ---- seg run: W0211 and W0212 on stderr, never in stdout or the exit code --
# expected from the oracle: W0211 where SQLite counts fewer than MIN
# members (and the data has MIN customers or more); W0212 for each pair
# whose smaller segment has at least max(MIN, 1) members and shares 90% or
# more of them, at the later segment's line, percent rounded down
WARN="$PRELUDE
counts, pairs = oracle(sys.argv[3])
MIN, NROWS = int(sys.argv[4]), int(sys.argv[5])
lines = dict((n, i + 1) for i, n in enumerate(c.split()[1] for c in open(sys.argv[6])))
err = open(sys.argv[2]).read()
w11 = re.findall(r\"^r\\.seg:(\\d+):9: warning: segment '(\\w+)' has (\\d+) members?, fewer than --min-size (\\d+) \\[W0211\\]$\", err, re.M)
w12 = re.findall(r\"^r\\.seg:(\\d+):9: warning: segments '(\\w+)' and '(\\w+)' overlap almost entirely: ([0-9.]+)% of '(\\w+)' \\((\\d+) members\\) are in both \\[W0212\\]$\", err, re.M)
assert err.count('[W0211]') == len(w11) and err.count('[W0212]') == len(w12), 'a warning of another form: ' + err
want11 = sorted((str(lines[s]), s, str(n), str(MIN)) for s, n in counts.items() if MIN and NROWS >= MIN and n < MIN)
assert sorted(w11) == want11, ('W0211', sorted(w11), want11)
least = max(MIN, 1)
want12 = []
for (a, b), n in pairs.items():
    small = min(counts[a], counts[b])
    if small >= least and counts[a] >= least and counts[b] >= least and n * 10 >= small * 9:
        s = a if counts[a] <= counts[b] else b
        want12.append((str(lines[b]), a, b, '%.1f' % ((n * 1000 // small) / 10), s, str(small)))
assert sorted(w12) == sorted(want12), ('W0212', sorted(w12), sorted(want12))
for must in sys.argv[7:]:
    assert must in err, 'expected ' + must
print('ok')"
seg_exec "$D" run r.seg crm.csv --today $TODAY --format csv
cp "$T_OUT" "$D/run.csv"
check run_warnings_default "$WARN" "$D/want" 100 5000 "$D/r.seg" \
    "segment 'stockholm_spenders' has 78 members" "segment 'nobody' has 0 members" \
    "segments 'swedes' and 'grown_swedes' overlap almost entirely: 100.0% of 'grown_swedes'" \
    "segments 'big' and 'big_recent' overlap almost entirely: 98.9% of 'big'"
[ "$T_RC" -eq 0 ] && t_ok "$G/run_warnings_keep_exit_0" || t_fail "$G/run_warnings_keep_exit_0" "exit $T_RC"
# the pairs are counted batch by batch on each VM thread (5,000 rows: 3
# batches, one thread each), and from kept members with --members
cp "$T_ERR" "$D/run.err"
SEG_THREADS=3 seg_exec "$D" run r.seg crm.csv --today $TODAY --format csv
cmp -s "$T_ERR" "$D/run.err" && cmp -s "$T_OUT" "$D/run.csv" && t_ok "$G/run_warnings_same_on_3_threads" \
    || t_fail "$G/run_warnings_same_on_3_threads" "$(diff "$D/run.err" "$T_ERR")"
seg_exec "$D" run r.seg crm.csv --today $TODAY --format csv --members kept.csv
cmp -s "$T_ERR" "$D/run.err" && t_ok "$G/run_warnings_same_with_members" \
    || t_fail "$G/run_warnings_same_with_members" "$(diff "$D/run.err" "$T_ERR")"
grep -q "^r.seg:3:9: warning: segments 'swedes' and 'grown_swedes'" "$T_ERR" && grep -A2 "grown_swedes' overlap" "$T_ERR" | grep -q '^      |         ^~~~~~~~~~~~$' \
    && t_ok "$G/run_w0212_at_the_later_segment_with_caret" || t_fail "$G/run_w0212_at_the_later_segment_with_caret" "$(cat "$T_ERR")"
seg_exec "$D" run r.seg crm.csv --today $TODAY --format csv --min-size 0
check run_min_size_0_no_w0211 "$WARN" "$D/want" 0 5000 "$D/r.seg" \
    "segments 'swedes' and 'stockholm_spenders' overlap almost entirely: 100.0% of 'stockholm_spenders' (78 members)"
cmp -s "$T_OUT" "$D/run.csv" && t_ok "$G/run_stdout_same_whatever_min_size" || t_fail "$G/run_stdout_same_whatever_min_size" "$(diff "$D/run.csv" "$T_OUT")"
seg_exec "$D" run r.seg crm.csv --today $TODAY --format csv --min-size 1200
check run_min_size_1200 "$WARN" "$D/want" 1200 5000 "$D/r.seg" "segment 'young' has 1141 members, fewer than --min-size 1200"
seg_exec "$D" run r.seg crm.csv --today $TODAY --min-size -1
[ "$T_RC" -eq 2 ] && grep -q "^seg: --min-size: '-1' is not a number of customers" "$T_ERR" && t_ok "$G/run_min_size_bad" \
    || t_fail "$G/run_min_size_bad" "exit $T_RC" "$(cat "$T_ERR")"
# --exclude first: the warnings count what is left
seg_exec "$D" run r.seg crm.csv --today $TODAY --format csv --exclude sup.csv
check run_warnings_after_exclude "$WARN" "$D/want_ex" 100 5000 "$D/r.seg"
# --segment: only the segments shown are warned of
seg_exec "$D" run r.seg crm.csv --today $TODAY --format csv --segment big --segment young --segment nobody
if [ "$T_RC" -eq 0 ] && [ "$(grep -c 'W021[12]\]' "$T_ERR")" -eq 1 ] && grep -q "segment 'nobody' has 0 members" "$T_ERR"; then
    t_ok "$G/run_warnings_only_shown_segments"
else t_fail "$G/run_warnings_only_shown_segments" "exit $T_RC" "$(cat "$T_ERR")"; fi
# fewer customers than --min-size: no W0211 at all (every segment would be named)
head -n 51 "$D/crm.csv" > "$D/small.csv"
seg_exec "$D" run r.seg small.csv --today $TODAY --format csv
if [ "$T_RC" -eq 0 ] && ! grep -q 'W021[12]' "$T_ERR"; then t_ok "$G/run_small_data_no_size_warnings"
else t_fail "$G/run_small_data_no_size_warnings" "exit $T_RC" "$(cat "$T_ERR")"; fi
# `# seg: ignore W0212` on the segment's line, as for the lints
sed 's/^segment grown_swedes = swedes and age >= 20$/& # seg: ignore W0212/; s/^segment nobody = age > 200$/# seg: ignore W0211\n&/' \
    "$D/r.seg" > "$D/ign.seg"
seg_exec "$D" run ign.seg crm.csv --today $TODAY --format csv
if [ "$T_RC" -eq 0 ] && ! grep -q "grown_swedes' overlap" "$T_ERR" && grep -q "'big' and 'big_recent' overlap" "$T_ERR" &&
   ! grep -q "'nobody' has" "$T_ERR" && grep -q "'stockholm_spenders' has 78" "$T_ERR"; then
    t_ok "$G/run_warnings_ignore_comment"
else t_fail "$G/run_warnings_ignore_comment" "exit $T_RC" "$(cat "$T_ERR")"; fi
for c in W0211 W0212; do
    seg_exec "$D" explain-code $c
    [ "$T_RC" -eq 0 ] && grep -q "^$c (warning): " "$T_OUT" && t_ok "$G/explain_code_$c" || t_fail "$G/explain_code_$c" "exit $T_RC"
done

t_summary overlap
