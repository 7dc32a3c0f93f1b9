#!/usr/bin/env bash
# tests/members.sh -- who is in a segment, for the tools that use it
# (issue 13): `seg run --members/--members-dir --columns --members-format`
# read back with python3's csv and json modules and checked cell by cell
# against examples/customers.csv; `seg diff RULES --data OLD NEW` checked
# against SQLite (python3's sqlite3: EXCEPT over hand-written WHERE
# clauses) on two exports made here from the same CSV.
#
#   SEG=build/seg bash tests/members.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

D=$T_TMP/m
mkdir -p "$D"
cp "$T_ROOT/examples/customers.csv" "$D/crm.csv"
TODAY=2026-11-23
COLS=email,first_name,total_spend,last_purchase,email_opt_in,age,city
cat > "$D/r.seg" <<'RULES'
segment young = age < 30
segment `VIP Göteborg/.x` = total_spend > 15000
segment `.a%b` = age > 75 and loyalty_tier = "gold"
RULES

# py NAME SCRIPT ARGS... -- ok when python3 SCRIPT ARGS prints "ok".
py() {
    local name=$1 script=$2 got; shift 2
    got=$(python3 -c "$script" "$@" 2>&1)
    [ "$got" = ok ] && t_ok "members/$name" || t_fail "members/$name" "python3: $got" "$(t_file_detail stderr "$T_ERR" 8)"
}

# The members each rule should have, from the CSV (Python, not seg).
PYSEG='
import csv
def segs(r):
    age = int(r["age"]) if r["age"] else None
    spend = float(r["total_spend"]) if r["total_spend"] else None
    out = []
    if age is not None and age < 30: out.append("young")
    if spend is not None and spend > 15000: out.append("VIP Göteborg/.x")
    if age is not None and age > 75 and r["loyalty_tier"].lower() == "gold": out.append(".a%b")
    return out
'

# 1. --members with --columns: every row's cells are the CSV's cells.
seg_exec "$D" run r.seg crm.csv --today $TODAY --format csv --members cols.csv --columns "$COLS"
py columns_csv_cells_equal_the_data "$PYSEG
import sys
cols = sys.argv[3].split(',')
data = {r['customer_id']: r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8'))}
rows = list(csv.reader(open(sys.argv[2], encoding='utf-8', newline='')))
assert rows[0] == ['segment', 'customer_id'] + cols, rows[0]
got = set()
for r in rows[1:]:
    assert len(r) == 2 + len(cols), r
    d = data[r[1]]
    assert r[2:] == [d[c] for c in cols], (r, [d[c] for c in cols])
    got.add((r[0], r[1]))
want = {(s, k) for k, d in data.items() for s in segs(d)}
assert got == want and len(rows) - 1 == len(want), (len(got), len(want), sorted(got ^ want)[:5])
assert any(c == '' for r in rows[1:] for c in r[2:]), 'no missing value was written'
print('ok')" "$D/crm.csv" "$D/cols.csv" "$COLS"

# 2. --members-format jsonl: one object a line, typed; numbers exactly as
# the CSV writes them, missing values null.
seg_exec "$D" run r.seg crm.csv --today $TODAY --members cols.jsonl --members-format jsonl --columns "$COLS"
py jsonl_typed_values "
import csv, json, sys
data = {r['customer_id']: r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8'))}
lines = open(sys.argv[2], encoding='utf-8').read().splitlines()
assert len(lines) == $(($(wc -l < "$D/cols.csv") - 1)), len(lines)
nulls = 0
for line in lines:
    o = json.loads(line, parse_float=lambda s: ('number', s))
    assert list(o) == ['segment', 'customer_id'] + sys.argv[3].split(','), list(o)
    assert type(o['customer_id']) is int, o
    d = data[str(o['customer_id'])]
    for c, v in o.items():
        if c in ('segment', 'customer_id'): continue
        if d[c] == '':
            assert v is None, (c, v); nulls += 1
        elif c == 'total_spend': assert v == ('number', d[c]) or (type(v) is int and str(v) == d[c]), (v, d[c])
        elif c == 'age': assert type(v) is int and str(v) == d[c], (v, d[c])
        elif c == 'email_opt_in': assert v is (d[c] == 'true'), (v, d[c])
        else: assert type(v) is str and v == d[c], (c, v, d[c])
assert nulls > 0, 'no null written'
print('ok')" "$D/crm.csv" "$D/cols.jsonl" "$COLS"

# --members - with jsonl: the members alone on stdout, the summary on stderr
# (--min-size 0: no size warning shares stderr with the summary)
seg_exec "$D" run r.seg crm.csv --today $TODAY --format json --members - --members-format jsonl --columns "$COLS" --min-size 0
py jsonl_stdout_summary_stderr "
import json, sys
out = open(sys.argv[1], encoding='utf-8').read()
assert out == open(sys.argv[3], encoding='utf-8').read(), 'stdout is not the --members file'
assert [s['segment'] for s in json.load(open(sys.argv[2]))['segments']][0] == 'young'
print('ok')" "$T_OUT" "$T_ERR" "$D/cols.jsonl"

# 3. --members-dir: one file per segment, the name encoded (percent-
# decoding gives the segment back), each file the rows of --members.
mkdir -p "$D/dir" "$D/jdir"
seg_exec "$D" run r.seg crm.csv --today $TODAY --members-dir dir --columns "$COLS"
rc_csv=$T_RC
seg_exec "$D" run r.seg crm.csv --today $TODAY --members-dir jdir --members-format jsonl --columns "$COLS"
py dir_one_file_per_segment "
import csv, os, sys, urllib.parse
d = sys.argv[1]
assert sys.argv[2] == '0', 'exit ' + sys.argv[2]
names = sorted(os.listdir(d + '/dir'))
assert names == sorted(['young.csv', 'VIP%20G%C3%B6teborg%2F.x.csv', '%2Ea%25b.csv']), names
rows = list(csv.reader(open(d + '/cols.csv', encoding='utf-8', newline='')))
for n in names:
    seg = urllib.parse.unquote(n[:-4])
    f = list(csv.reader(open(d + '/dir/' + n, encoding='utf-8', newline='')))
    assert f[0] == rows[0] and f[1:] == [r for r in rows[1:] if r[0] == seg], n
assert sorted(os.listdir(d + '/jdir')) == sorted(x[:-4] + '.jsonl' for x in names), os.listdir(d + '/jdir')
j = open(d + '/jdir/young.jsonl', encoding='utf-8').read().splitlines()
assert j == [l for l in open(d + '/cols.jsonl', encoding='utf-8').read().splitlines() if l.startswith('{\"segment\": \"young\"')]
print('ok')" "$D" "$rc_csv"

# --segment: only the segments shown have a file; --exclude: a suppressed
# customer is in no file
young_keys=$(awk -F, '$1 == "young" { print $2 }' "$D/cols.csv" | head -3)
printf 'customer_id\n%s\n' "$young_keys" > "$D/sup.csv"
mkdir -p "$D/dir2"
seg_exec "$D" run r.seg crm.csv --today $TODAY --members-dir dir2 --segment young --exclude sup.csv
if [ "$T_RC" -eq 0 ] && [ "$(ls "$D/dir2")" = young.csv ] &&
   [ "$(wc -l < "$D/dir2/young.csv")" -eq $(($(awk -F, '$1 == "young"' "$D/cols.csv" | wc -l) - 2)) ] &&
   ! grep -qE ",($(printf '%s' "$young_keys" | paste -sd'|'))\$" "$D/dir2/young.csv"; then
    t_ok members/dir_segment_and_exclude
else t_fail members/dir_segment_and_exclude "exit $T_RC; $(ls "$D/dir2")" "$(cat "$T_ERR")"; fi

# 4. A failure in any file leaves none: under a file-size limit the big
# segment's file fails, so the small one is not put in place either.
mkdir -p "$D/full"
printf 'segment few = age > 80\nsegment all = customer_id > 0\n' > "$D/two.seg"
(ulimit -f 64; seg_exec "$D" run two.seg crm.csv --today $TODAY --members-dir full --columns "$COLS"; echo "$T_RC" > "$D/rc")
if [ "$(cat "$D/rc")" = 2 ] && [ -z "$(ls -A "$D/full")" ]; then t_ok members/dir_all_or_nothing
else t_fail members/dir_all_or_nothing "exit $(cat "$D/rc"), left: $(ls -A "$D/full")" "$(cat "$T_ERR")"; fi

# 5. Errors: exit 2, a message, nothing written.
# expect_err NAME PATTERN ARGS... -- seg ARGS exits 2 with PATTERN on stderr
expect_err() {
    local name=$1 pat=$2; shift 2
    rm -f "$D/err_out.csv"
    seg_exec "$D" "$@"
    if [ "$T_RC" -eq 2 ] && grep -qF -- "$pat" "$T_ERR" && [ ! -e "$D/err_out.csv" ]; then t_ok "members/$name"
    else t_fail "members/$name" "$T_CMD: exit $T_RC, expected 2 and: $pat" "$(t_file_detail stderr "$T_ERR")"; fi
}
expect_err unknown_column_did_you_mean "seg: --columns: no column 'emial' in crm.csv; did you mean 'email'?" \
    run r.seg crm.csv --today $TODAY --members err_out.csv --columns first_name,emial
expect_err unknown_column_no_close_name "seg: --columns: no column 'zzz' in crm.csv" \
    run r.seg crm.csv --today $TODAY --members err_out.csv --columns zzz
expect_err key_did_you_mean "seg: --key: no column 'custome_id' in crm.csv; did you mean 'customer_id'?" \
    run r.seg crm.csv --today $TODAY --members err_out.csv --key custome_id
expect_err both_members_options "give --members or --members-dir, not both" \
    run r.seg crm.csv --today $TODAY --members err_out.csv --members-dir dir
expect_err dir_not_a_directory "seg: --members-dir crm.csv: not a directory" \
    run r.seg crm.csv --today $TODAY --members-dir crm.csv
expect_err dir_missing "seg: --members-dir nowhere: no such directory" \
    run r.seg crm.csv --today $TODAY --members-dir nowhere
expect_err columns_need_members "--columns: only with --members or --members-dir" \
    run r.seg crm.csv --today $TODAY --columns email
expect_err bad_members_format "--members-format: 'xml' is not one of csv, jsonl" \
    run r.seg crm.csv --today $TODAY --members err_out.csv --members-format xml
printf 'segment vip = age > 70\nsegment VIP = age > 80\n' > "$D/case.seg"
mkdir -p "$D/cdir"
expect_err dir_names_differing_in_case "cdir/vip.csv and cdir/VIP.csv differ only in case" \
    run case.seg crm.csv --today $TODAY --members-dir cdir
[ -z "$(ls -A "$D/cdir")" ] && t_ok members/dir_case_nothing_written || t_fail members/dir_case_nothing_written "$(ls -A "$D/cdir")"
printf 'segment crm = age > 50\n' > "$D/crm.seg"
cp "$D/crm.csv" "$D/crm.keep"
expect_err dir_file_is_an_input "that is the input file crm.csv" run crm.seg crm.csv --today $TODAY --members-dir .
cmp -s "$D/crm.csv" "$D/crm.keep" && t_ok members/dir_input_untouched || t_fail members/dir_input_untouched "crm.csv changed"

# 6. seg diff RULES --data OLD NEW against SQLite. The exports: rows dropped
# from each, ages and countries changed (some to missing), rows shuffled.
cat > "$D/d.seg" <<'RULES'
segment young = age < 30
segment nordic = country in ("SE", "NO", "DK", "FI")
segment nordic_adult = nordic and age >= 30
segment not_under_60 = not (age < 60)
segment big = total_spend >= 5000 and not nordic
RULES
python3 - "$D" <<'PY'
import csv, random, sys
d = sys.argv[1]
rows = list(csv.reader(open(d + "/crm.csv", encoding="utf-8", newline="")))
head, body = rows[0], rows[1:]
rnd = random.Random(13)
age, country = head.index("age"), head.index("country")
def export(name, drop):
    out = [list(r) for r in body if rnd.random() > drop]
    for r in out:
        x = rnd.random()
        if x < 0.08 and r[age]: r[age] = str(max(0, int(r[age]) + rnd.choice([-4, -1, 1, 4])))
        elif x < 0.10: r[age] = ""
        elif x < 0.16: r[country] = rnd.choice(["SE", "NO", "DE", "FI", "PL", ""])
    rnd.shuffle(out)
    csv.writer(open(d + "/" + name, "w", encoding="utf-8", newline="")).writerows([head] + out)
export("old.csv", 0.06)
export("new.csv", 0.06)
PY
cat > "$D/sql.py" <<'PY'
# the figures and moves seg diff --data should give, by SQLite
import csv, json, sqlite3, sys
d, exclude = sys.argv[1], sys.argv[2:]
db = sqlite3.connect(":memory:")
for t in ("old", "new"):
    rows = list(csv.DictReader(open(d + "/" + t + ".csv", encoding="utf-8")))
    db.execute("CREATE TABLE %s (customer_id TEXT, age INTEGER, country TEXT, total_spend REAL)" % t)
    db.executemany("INSERT INTO %s VALUES (?, ?, ?, ?)" % t,
                   [(r["customer_id"], int(r["age"]) if r["age"] else None, r["country"] or None,
                     float(r["total_spend"]) if r["total_spend"] else None) for r in rows])
nordic = "(country IS NOT NULL AND upper(country) IN ('SE', 'NO', 'DK', 'FI'))"
where = {   # a missing value is never a member: every test says IS NOT NULL
    "young": "age IS NOT NULL AND age < 30",
    "nordic": nordic,
    "nordic_adult": nordic + " AND age IS NOT NULL AND age >= 30",
    "not_under_60": "age IS NOT NULL AND NOT (age < 60)",
    "big": "total_spend IS NOT NULL AND total_spend >= 5000 AND country IS NOT NULL AND NOT " + nordic,
}
ex = " AND customer_id NOT IN (%s)" % ",".join("'%s'" % k for k in exclude) if exclude else ""
figures, moves = {}, set()
for s, w in where.items():
    q = lambda t: "SELECT customer_id FROM %s WHERE (%s)%s" % (t, w, ex)
    before = db.execute("SELECT count(*) FROM (%s)" % q("old")).fetchone()[0]
    after = db.execute("SELECT count(*) FROM (%s)" % q("new")).fetchone()[0]
    entered = [k for (k,) in db.execute(q("new") + " EXCEPT " + q("old"))]
    left = [k for (k,) in db.execute(q("old") + " EXCEPT " + q("new"))]
    figures[s] = [before, after, len(entered), len(left)]
    moves |= {(s, "entered", k) for k in entered} | {(s, "left", k) for k in left}
json.dump({"figures": figures, "moves": sorted(moves)}, open(d + "/want.json", "w"))
PY
# check_diff NAME -- $T_OUT (JSON) and $D/moves.csv against $D/want.json
check_diff() {
    py "$1" "
import csv, json, sys
want = json.load(open(sys.argv[1] + '/want.json'))
d = json.load(open(sys.argv[2]))
got = {s['segment']: [s['before'], s['after'], s['entered'], s['left']] for s in d['segments']}
assert got == want['figures'], (got, want['figures'])
assert all(f[2] + f[3] > 0 for f in got.values()), 'a segment without moves tests nothing'
rows = list(csv.reader(open(sys.argv[1] + '/moves.csv', encoding='utf-8', newline='')))
assert rows[0] == ['segment', 'change', 'customer_id'], rows[0]
moves = sorted(tuple(r) for r in rows[1:])
assert len(moves) == len(rows) - 1 == len(want['moves']) and moves == sorted(tuple(m) for m in want['moves']), \
    sorted(set(moves) ^ set(tuple(m) for m in want['moves']))[:5]
print('ok')" "$D" "$T_OUT"
}
python3 "$D/sql.py" "$D"
seg_exec "$D" diff d.seg --data old.csv new.csv --today $TODAY --format json --members moves.csv
[ "$T_RC" -eq 0 ] || t_fail members/diff_data_exit "exit $T_RC" "$(cat "$T_ERR")"
check_diff diff_data_matches_sqlite
seg_exec "$D" import old.csv -o old.segcol
seg_exec "$D" diff d.seg --data old.segcol new.csv --today $TODAY --format json --members moves.csv --key customer_id
check_diff diff_data_segcol_and_key
keys=$(python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(" ".join(x["customer_id"] for x in r[:40:4]))' "$D/old.csv")
printf 'customer_id\n%s\n' $keys > "$D/dsup.csv"
python3 "$D/sql.py" "$D" $keys
seg_exec "$D" diff d.seg --data old.csv new.csv --today $TODAY --format json --members moves.csv --exclude dsup.csv
check_diff diff_data_exclude
grep -q "suppressed (customer_id on dsup.csv) in new.csv" "$T_ERR" && t_ok members/diff_data_exclude_report_names_export \
    || t_fail members/diff_data_exclude_report_names_export "$(cat "$T_ERR")"

# --members -: the moves alone on stdout, the JSON report on stderr
python3 "$D/sql.py" "$D"            # no --exclude
seg_exec "$D" diff d.seg --data old.csv new.csv --today $TODAY --format json --members -
py diff_members_stdout_report_stderr "
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8', newline='')))
want = json.load(open(sys.argv[3] + '/want.json'))
assert rows[0] == ['segment', 'change', 'customer_id'] and len(rows) - 1 == len(want['moves']), (rows[:2], len(rows))
assert len(json.load(open(sys.argv[2]))['segments']) == 5
print('ok')" "$T_OUT" "$T_ERR" "$D"

# the table: entered and left, both exports' customers
seg_exec "$D" diff d.seg --data old.csv new.csv --today $TODAY
n_old=$(($(wc -l < "$D/old.csv") - 1)); n_new=$(($(wc -l < "$D/new.csv") - 1))
grp() { printf '%d' "$1" | sed -E ':a; s/([0-9])([0-9]{3})($| )/\1 \2\3/; ta'; }
if head -1 "$T_OUT" | grep -Eq '^segment +before +after +entered +left +change$' &&
   tail -1 "$T_OUT" | grep -qxF "($(grp $n_old) customers in old.csv, $(grp $n_new) in new.csv, today $TODAY)"; then
    t_ok members/diff_data_table
else t_fail members/diff_data_table "$(t_file_detail stdout "$T_OUT")"; fi

# --today-old: the old export's own day. Its relative dates count from it,
# the new export's from --today: the figures and moves are those of `seg run`
# on each export with its own --today (the members sets compared in Python)
printf 'segment recent = last_purchase within 60 days\nsegment lapsed = last_purchase more than 120 days ago and age < 50\nsegment young = age < 30\n' > "$D/dt.seg"
OLD_DAY=2026-08-15
seg_exec "$D" run dt.seg old.csv --today $OLD_DAY --members run_old.csv
seg_exec "$D" run dt.seg new.csv --today $TODAY --members run_new.csv
seg_exec "$D" run dt.seg old.csv --today $TODAY --format csv; cp "$T_OUT" "$D/run_old_today.csv"
seg_exec "$D" run dt.seg new.csv --today $OLD_DAY --format csv; cp "$T_OUT" "$D/run_new_oldday.csv"
seg_exec "$D" diff dt.seg --data old.csv new.csv --today $TODAY --today-old $OLD_DAY --format json --members moves.csv
py diff_today_old_matches_runs "
import csv, json, sys
d = sys.argv[1]
def members(name):
    m = {}
    for r in csv.DictReader(open(d + '/' + name, encoding='utf-8', newline='')):
        m.setdefault(r['segment'], set()).add(r['customer_id'])
    return m
old, new = members('run_old.csv'), members('run_new.csv')
got = json.load(open(sys.argv[2]))
assert got['today'] == sys.argv[3] and got['today_old'] == sys.argv[4], (got['today'], got['today_old'])
moves = set()
for s in got['segments']:
    o, n = old.get(s['segment'], set()), new.get(s['segment'], set())
    want = [len(o), len(n), len(n - o), len(o - n)]
    assert [s['before'], s['after'], s['entered'], s['left']] == want, (s, want)
    moves |= {(s['segment'], 'entered', k) for k in n - o} | {(s['segment'], 'left', k) for k in o - n}
rows = list(csv.reader(open(d + '/moves.csv', encoding='utf-8', newline='')))
assert sorted(tuple(r) for r in rows[1:]) == sorted(moves), len(moves)
# the test can tell: on old.csv, --today instead of the old day gives 'recent' another count
same_day = {r['segment']: int(r['customers']) for r in csv.DictReader(open(sys.argv[5], encoding='utf-8'))}
assert same_day['recent'] != len(old['recent']), same_day
# and the new side keeps --today: new.csv as of the old day has another count
old_day = {r['segment']: int(r['customers']) for r in csv.DictReader(open(sys.argv[6], encoding='utf-8'))}
assert old_day['recent'] != len(new['recent']), old_day
print('ok')" "$D" "$T_OUT" "$TODAY" "$OLD_DAY" "$D/run_old_today.csv" "$D/run_new_oldday.csv"
seg_exec "$D" diff dt.seg --data old.csv new.csv --today $TODAY --today-old $OLD_DAY
if tail -1 "$T_OUT" | grep -qxF "($(grp $n_old) customers in old.csv, today $OLD_DAY; $(grp $n_new) in new.csv, today $TODAY)"; then
    t_ok members/diff_today_old_table_footer
else t_fail members/diff_today_old_table_footer "$(t_file_detail stdout "$T_OUT")"; fi
expect_err diff_today_old_needs_data "--today-old: only with --data OLD_DATA (two exports)" \
    diff d.seg d.seg crm.csv --today-old $OLD_DAY
expect_err diff_today_old_not_a_date "--today-old: '2026-8-15' is not a date (YYYY-MM-DD)" \
    diff d.seg --data old.csv new.csv --today-old 2026-8-15

# errors: a key on two rows, a row without a key, usage
{ cat "$D/new.csv"; sed -n 2p "$D/new.csv"; } > "$D/dup.csv"
expect_err diff_data_duplicate_key "dup.csv: customer_id '$(sed -n 2p "$D/new.csv" | cut -d, -f1)' is on rows 1 and $((n_new + 1))" \
    diff d.seg --data old.csv dup.csv --today $TODAY --members err_out.csv
{ cat "$D/new.csv"; sed -n 2p "$D/new.csv" | sed 's/^[0-9]*,/,/'; } > "$D/nokey.csv"
expect_err diff_data_missing_key "nokey.csv: row $((n_new + 1)) has no customer_id" \
    diff d.seg --data old.csv nokey.csv --today $TODAY --members err_out.csv
expect_err diff_data_unknown_key "seg: diff: old.csv: no key column 'custmer_id'; did you mean 'customer_id'?" \
    diff d.seg --data old.csv new.csv --today $TODAY --key custmer_id
expect_err diff_data_rules_as_data "(d.seg looks like a rules file)" diff d.seg --data old.csv d.seg
expect_err diff_members_needs_data "--members: only with --data OLD_DATA" diff d.seg d.seg crm.csv --members err_out.csv
cp "$D/old.csv" "$D/old.keep"
expect_err diff_members_never_an_input "that is the input file old.csv" diff d.seg --data old.csv new.csv --members old.csv
cmp -s "$D/old.csv" "$D/old.keep" && t_ok members/diff_input_untouched || t_fail members/diff_input_untouched "old.csv changed"

t_summary members
