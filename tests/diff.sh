#!/usr/bin/env bash
# tests/diff.sh -- `seg diff OLD.seg NEW.seg DATA` on examples/customers.csv.
#
#   SEG=build/seg bash tests/diff.sh
#
# Expected figures are counted independently with awk over the CSV (no
# quoted fields in that file: every row has 13 plain fields), not with seg.
# Columns: 7 age, 10 purchases_90d.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CSV=$T_ROOT/examples/customers.csv
OLD=$T_ROOT/examples/nordic_q4.seg
D=$T_TMP/diff
mkdir -p "$D"
TODAY=2026-11-23

# count AWK_CONDITION -- rows of the CSV where the condition holds.
count() { awk -F, "NR > 1 && ($1)" "$CSV" | wc -l | tr -d ' '; }
YB='$7 != "" && $10 != "" && $10 > 3'

# json_field SEGMENT FIELD -- from $T_OUT (one object a line).
json_field() {
    grep -F "\"segment\": \"$1\"" "$T_OUT" | sed -E "s/.*\"$2\": (null|\"[^\"]*\"|[0-9.]+).*/\1/"
}

# expect_row NAME SEGMENT STATUS BEFORE AFTER ADDED REMOVED
expect_row() {
    local name=$1 seg=$2 problems=() f want got
    local fields=(status before after added removed) wants=("\"$3\"" "$4" "$5" "$6" "$7")
    for i in 0 1 2 3 4; do
        f=${fields[$i]}; want=${wants[$i]}
        got=$(json_field "$seg" "$f")
        [ "$got" = "$want" ] || problems+=("$seg.$f: expected $want, got '${got}'")
    done
    if [ ${#problems[@]} -eq 0 ]; then t_ok "$name"
    else t_fail "$name" "${problems[@]}" "$(t_file_detail stdout "$T_OUT")" "$(t_file_detail stderr "$T_ERR" 10)"; fi
}

expect_rc() {
    local name=$1 want=$2
    if [ "$T_RC" = "$want" ]; then t_ok "$name"
    else t_fail "$name" "$T_CMD: exit $T_RC, expected $want" "$(t_file_detail stderr "$T_ERR" 15)"; fi
}

# 1. Widening a range by one year: the 41-year-olds with > 3 purchases join.
sed 's/age 25\.\.40/age 25..41/' "$OLD" > "$D/wider.seg"
before=$(count "$YB && \$7 >= 25 && \$7 <= 40")
after=$(count "$YB && \$7 >= 25 && \$7 <= 41")
added=$(count "$YB && \$7 == 41")
seg_exec "$D" diff "$OLD" wider.seg "$CSV" --today $TODAY --format json
expect_rc diff/wider_exit 0
expect_row diff/wider_young_buyers young_buyers changed "$before" "$after" "$added" 0
n_other=$(grep -c '"status": "unchanged"' "$T_OUT")
if [ "$n_other" = 5 ] && [ "$(json_field nordic_vip added)" = 0 ]; then t_ok diff/wider_others_unchanged
else t_fail diff/wider_others_unchanged "expected the 5 other segments unchanged" "$(t_file_detail stdout "$T_OUT")"; fi
want_change=$(awk -v a="$added" -v b="$before" 'BEGIN { printf "%.2f", 100 * a / b }')
got_change=$(json_field young_buyers change)
if [ "$got_change" = "$want_change" ]; then t_ok diff/wider_change_percent
else t_fail diff/wider_change_percent "change: expected $want_change, got $got_change"; fi

# 2. --max-change: the budget is a percentage of the old size.
over=$(awk -v c="$want_change" 'BEGIN { printf "%d", c - 1 }')
under=$(awk -v c="$want_change" 'BEGIN { printf "%d", c + 1 }')
seg_exec "$D" diff "$OLD" wider.seg "$CSV" --today $TODAY --max-change "$over%"
expect_rc diff/max_change_exceeded 1
if grep -q "young_buyers" "$T_ERR" && ! grep -q "nordic_vip" "$T_ERR"; then t_ok diff/max_change_names_segment
else t_fail diff/max_change_names_segment "stderr should name young_buyers only" "$(t_file_detail stderr "$T_ERR")"; fi
seg_exec "$D" diff "$OLD" wider.seg "$CSV" --today $TODAY --max-change "$under%"
expect_rc diff/max_change_within 0
seg_exec "$D" diff "$OLD" "$OLD" "$CSV" --today $TODAY --max-change 0%
expect_rc diff/identical_files_zero_budget 0

# 3. Narrowing: customers with exactly 4 purchases leave.
sed 's/purchases_90d > 3/purchases_90d > 4/' "$OLD" > "$D/narrower.seg"
removed=$(count "$YB && \$7 >= 25 && \$7 <= 40 && \$10 == 4")
seg_exec "$D" diff "$OLD" narrower.seg "$CSV" --today $TODAY --format json
expect_row diff/narrower_young_buyers young_buyers changed "$before" $((before - removed)) 0 "$removed"

# 4. A renamed segment: the old name removed, the new one added.
sed 's/^segment young_buyers /segment young_shoppers /' "$OLD" > "$D/renamed.seg"
seg_exec "$D" diff "$OLD" renamed.seg "$CSV" --today $TODAY --format json
expect_row diff/renamed_removed young_buyers removed "$before" null 0 "$before"
expect_row diff/renamed_added young_shoppers added null "$before" "$before" 0
seg_exec "$D" diff "$OLD" renamed.seg "$CSV" --today $TODAY --max-change 50%
expect_rc diff/removed_segment_exceeds_budget 1

# 5. The table: a header and one line per segment, then the row count
# (grouped as `seg run` prints it) and the date evaluated for.
seg_exec "$D" diff "$OLD" wider.seg "$CSV" --today $TODAY
expect_rc diff/table_exit 0
line=$(grep '^young_buyers ' "$T_OUT" | tr -s ' ')
if head -1 "$T_OUT" | grep -Eq '^segment +before +after +added +removed +change$' &&
   [ "$line" = "young_buyers $before $after +$added -0 $(awk -v c="$want_change" 'BEGIN { printf "%.1f", c }')%" ] &&
   tail -1 "$T_OUT" | grep -q "^(5 000 customers, today $TODAY)$"; then t_ok diff/table_format
else t_fail diff/table_format "young_buyers line: '$line'" "$(t_file_detail stdout "$T_OUT")"; fi

# 6. Errors exit 2: a rule error in either file, usage, a missing data file.
printf 'segment young_buyers = agee > 3\n' > "$D/broken.seg"
seg_exec "$D" diff "$OLD" broken.seg "$CSV" --today $TODAY
expect_rc diff/rule_error_exit_2 2
if grep -q "broken.seg:1:24: error: unknown column or segment 'agee'" "$T_ERR"; then t_ok diff/rule_error_located
else t_fail diff/rule_error_located "$(t_file_detail stderr "$T_ERR")"; fi
seg_exec "$D" diff "$OLD" wider.seg
expect_rc diff/usage_two_arguments 2
seg_exec "$D" diff "$OLD" wider.seg "$CSV" --format xml
expect_rc diff/usage_bad_format 2
seg_exec "$D" diff "$OLD" wider.seg "$CSV" --max-change lots
expect_rc diff/usage_bad_max_change 2
seg_exec "$D" diff "$OLD" wider.seg no_such.csv --today $TODAY
expect_rc diff/missing_data_file 2

# 7. Lint warnings do not appear in diff's output.
seg_exec "$D" diff "$OLD" wider.seg "$CSV" --today $TODAY
if [ ! -s "$T_ERR" ]; then t_ok diff/no_warnings_on_stderr
else t_fail diff/no_warnings_on_stderr "$(t_file_detail stderr "$T_ERR")"; fi

# 6. A change from zero is "new", never a percentage of nothing (issue 10:
# 0 -> 63 printed 6300.0%, JSON "change": 17900.00 for an added segment).
printf 'segment older = age > 200\n' > "$D/zero_old.seg"
printf 'segment older = age > 60\nsegment oldest = age > 70\n' > "$D/zero_new.seg"
older=$(count '$7 != "" && $7 > 60')
seg_exec "$D" diff zero_old.seg zero_new.seg "$CSV" --today $TODAY --format json
got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["segments"]; print(" ".join(str(r["change"]) for r in d), d[0]["after"])' "$T_OUT" 2>&1)
[ "$got" = "None None $older" ] && t_ok diff/from_zero_json_null || t_fail diff/from_zero_json_null "got: $got" "$(cat "$T_OUT")"
# the JSON document says which day it was evaluated for and the base count
got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["today"], d["customers"])' "$T_OUT" 2>&1)
want="$TODAY $(($(wc -l < "$CSV") - 1))"
[ "$got" = "$want" ] && t_ok diff/json_today_and_base || t_fail diff/json_today_and_base "got: $got" "want: $want" "$(cat "$T_OUT")"
seg_exec "$D" diff zero_old.seg zero_new.seg "$CSV" --today $TODAY
if grep -Eq '^older +0 +[0-9 ]+ +\+[0-9 ]+ +-0 +new$' "$T_OUT" && ! grep -q '%' "$T_OUT"; then t_ok diff/from_zero_table_new
else t_fail diff/from_zero_table_new "$(t_file_detail stdout "$T_OUT")"; fi

t_summary diff
