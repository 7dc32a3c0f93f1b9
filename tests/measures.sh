#!/usr/bin/env bash
# tests/measures.sh -- measures (`measure revenue = sum(total_spend)`) and
# the `require` guard (issue 13), checked against SQLite:
#
#   SEG=build/seg bash tests/measures.sh
#
# tests/measures_diff.py joins `seg run --members` to the CSV in SQLite and
# computes every measure with SQL we wrote by hand (tests/measures/*.sql),
# segment by segment; sums also exactly with Python's Decimal. The same
# check runs on the example data, the crm sample dataset, with --exclude,
# with a guard, and from a .segc. The guard's own figures are checked
# against a count SQLite makes.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

M=$T_ROOT/tests/measures
TODAY=2026-11-23
EXD=$T_ROOT/examples/customers.csv
CRM=$SEG_TESTDATA/datasets/crm_sample.csv
D=$T_TMP/m
mkdir -p "$D"
T_OUT=$T_TMP/out
T_ERR=$T_TMP/err

if ! command -v python3 >/dev/null; then
    t_fail measures "python3 is not installed"; t_summary measures; exit
fi

# diffpy LABEL ARGS... -- one TAP line per segment x measure
diffpy() {   # a crash of the script is a failure, not silence
    python3 "$T_ROOT/tests/measures_diff.py" "$SEG" "$@" || t_fail "measures/diff $5: tests/measures_diff.py exit $?"
}

diffpy "$M/customers.seg" "$M/customers.sql" "$EXD" $TODAY customers
diffpy "$M/customers.seg" "$M/customers.sql" "$CRM" $TODAY crm_sample
diffpy "$M/guarded.seg" "$M/guarded.sql" "$EXD" $TODAY guarded

# --exclude: the suppressed customers leave the measures too
python3 - "$EXD" "$D/suppressed.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))[1:]
with open(sys.argv[2], 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['customer_id'])
    for r in rows[::7]: w.writerow([r[0]])
PY
diffpy "$M/customers.seg" "$M/customers.sql" "$EXD" $TODAY excluded --exclude "$D/suppressed.csv"

# a .segc carries the measures and the guard: the same report as the rules
for r in customers guarded; do
    seg_exec "$D" compile "$M/$r.seg" --data "$EXD" --today $TODAY -o "$D/$r.segc"
    seg_exec "$D" run "$M/$r.seg" "$EXD" --today $TODAY --format csv
    cp "$T_OUT" "$D/want.csv"
    seg_exec "$D" run "$D/$r.segc" "$EXD" --format csv
    if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$D/want.csv"; then t_ok "measures/segc_same_report_$r"
    else t_fail "measures/segc_same_report_$r" "rc $T_RC" "$(diff "$D/want.csv" "$T_OUT" | head -10)" "$(cat "$T_ERR")"; fi
done

# the guard's count in the table and JSON: customers it leaves out, by SQLite
if command -v sqlite3 >/dev/null; then
    left=$(sqlite3 :memory: ".import --csv $EXD c" \
        "SELECT COUNT(*) FROM c WHERE NOT (email_opt_in = 'true' AND age <> '')")
    seg_exec "$D" run "$M/guarded.seg" "$EXD" --today $TODAY
    if tail -1 "$T_OUT" | grep -q "(5 000 customers, $(python3 -c "print(f'{$left:,}'.replace(',', ' '))") left out by require, today $TODAY)"; then
        t_ok measures/table_says_guard_left_out
    else t_fail measures/table_says_guard_left_out "SQLite: $left" "$(tail -2 "$T_OUT")"; fi
    seg_exec "$D" run "$M/guarded.seg" "$EXD" --today $TODAY --format json
    got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["removed_by_require"])' "$T_OUT" 2>&1)
    [ "$got" = "$left" ] && t_ok measures/json_removed_by_require \
        || t_fail measures/json_removed_by_require "seg $got, SQLite $left"
else
    t_fail measures/sqlite3 "sqlite3 is not installed"
fi

# a sum that does not fit 64 bits is an error, never a wrapped number
printf 'id,v\n1,9223372036854775807\n2,1\n' > "$D/big.csv"
printf 'segment all = id > 0\nmeasure total = sum(v)\n' > "$D/big.seg"
seg_exec "$D" run big.seg big.csv --format csv
if [ "$T_RC" -eq 2 ] && grep -q "sum(v) does not fit in 64 bits" "$T_ERR" && [ ! -s "$T_OUT" ]; then
    t_ok measures/sum_overflow_is_an_error
else t_fail measures/sum_overflow_is_an_error "rc $T_RC" "$(cat "$T_ERR" "$T_OUT")"; fi

# measures over nobody: sum/avg/min missing ("-", empty, null), counts 0
printf 'segment nobody = age > 500\nmeasure s = sum(total_spend)\nmeasure c = count()\nmeasure d = count_distinct(city)\n' > "$D/none.seg"
seg_exec "$D" run none.seg "$EXD" --format json
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["segments"][0]["measures"])' "$T_OUT" 2>&1)
[ "$got" = "{'s': None, 'c': 0, 'd': 0}" ] && t_ok measures/empty_segment_sql_semantics \
    || t_fail measures/empty_segment_sql_semantics "$got"

t_summary measures
