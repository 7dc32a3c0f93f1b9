#!/usr/bin/env bash
# tests/why.sh -- `seg why` (issue 13, section 3): why a customer is in or out.
#
#   SEG=build/seg bash tests/why.sh
#
# 1. The verdict of every customer of examples/customers.csv in every segment
#    of examples/*.seg equals membership in `seg run --members` (one call of
#    `seg why --format csv` per file, with every customer's --key), also with
#    --exclude; and the same over random rules of every construct with
#    missing values in every column (tests/random_diff.py's table and rules).
#    The csv's member column is run's verdict; its value column is the rule's
#    value in the explained program, and must be true exactly for members
#    (seg why also refuses, exit 2, to print an explanation that disagrees).
# 2. Golden text for a few customers: a missing value that decides, a
#    division by zero, short-circuited parts, a segment reference expanded.
# 3. Errors: an unknown key, segment or key column, a .segc, no --key: exit 2
#    with a message. A key on two rows; a suppressed customer; JSON parses.
# 4. Out of memory at every 11th allocation: the output, or exit 2 and
#    "out of memory", never a crash or a sanitizer report.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

D=$T_TMP/w
mkdir -p "$D"
cp "$T_ROOT/examples/customers.csv" "$D/crm.csv"
cp "$T_ROOT"/examples/*.seg "$D/"
TODAY=2026-11-23

# agree NAME RULES DATA [ARGS...] -- seg why's verdicts (csv) for every key
# of DATA's first column equal seg run --members for RULES
agree() {
    local name=$1 rules=$2 data=$3; shift 3
    local keys=()
    while IFS= read -r k; do keys+=(--key "$k"); done < <(awk -F, 'NR > 1 { print $1 }' "$D/$data")
    seg_exec "$D" run "$rules" "$data" --today $TODAY --members "$T_TMP/members.csv" "$@"
    if [ "$T_RC" -ne 0 ]; then t_fail "why/$name" "run exit $T_RC" "$(cat "$T_ERR")"; return; fi
    seg_exec "$D" why "$rules" "$data" --today $TODAY --format csv "${keys[@]}" "$@"
    if [ "$T_RC" -ne 0 ]; then t_fail "why/$name" "why exit $T_RC" "$(head -5 "$T_ERR")"; return; fi
    local got
    got=$(awk -F, -v nkeys=$((${#keys[@]} / 2)) '
        FNR == 1 { next }
        NR == FNR { m[$1 "," $2] = 1; nm++; next }
        { rows++; seen[$3] = 1
          if (($4 == "true") != (($3 "," $1) in m)) { bad++; if (bad <= 5) print "differs from run: " $0 }
          if (($4 == "true") != ($5 == "true") && $5 != "suppressed") { bad++; if (bad <= 5) print "rule value differs: " $0 }
          if ($4 == "true") nt++ }
        END {
            nseg = 0; for (s in seen) nseg++
            if (rows != nkeys * nseg) print "rows " rows " != " nkeys " keys x " nseg " segments"
            if (nt != nm) print "members " nt " != run " nm
            if (!bad && rows == nkeys * nseg && nt == nm) print "ok " rows
        }' "$T_TMP/members.csv" "$T_OUT")
    case $got in
        "ok "*) t_ok "why/$name (${got#ok } verdicts)" ;;
        *) t_fail "why/$name" "$got" ;;
    esac
}

cp "$T_ROOT/examples/orders.csv" "$T_ROOT/examples/email_events.csv" "$D/"
for f in "$D"/*.seg; do
    tables=()          # a file that reads event tables gets the example's
    grep -Eqi '^[[:space:]]*table[[:space:]]' "$f" &&
        tables=(--table orders=orders.csv --table email_events=email_events.csv)
    agree "verdicts_equal_run_members/$(basename "$f")" "$(basename "$f")" crm.csv "${tables[@]}"
done

# --exclude: the suppressed are in no segment, in both commands
awk -F, 'NR == 1 { print "customer_id" } NR > 1 && NR % 7 == 0 { print $1 }' "$D/crm.csv" > "$D/optout.csv"
agree verdicts_equal_run_members_with_exclude nordic_q4.seg crm.csv --exclude optout.csv

# random rules of every construct, missing values in every column
for seed in 1 2; do
    if python3 "$T_ROOT/tests/random_diff.py" "$SEG" "$D/rd$seed" "$seed" 300 >"$T_TMP/rd.log" 2>&1; then
        cp "$D/rd$seed/rules.seg" "$D/rd$seed.seg"
        cp "$D/rd$seed/data.csv" "$D/rd$seed.csv"
        agree "verdicts_equal_run_members/random_seed_$seed" "rd$seed.seg" "rd$seed.csv"
        # every condition shown has its value from the VM (or was skipped): none unrecorded
        keys=()
        while IFS= read -r k; do keys+=(--key "$k"); done < <(awk -F, 'NR > 1 && NR <= 101 { print $1 }' "$D/rd$seed.csv")
        seg_exec "$D" why "rd$seed.seg" "rd$seed.csv" --today $TODAY "${keys[@]}"
        n=$(grep -c . "$T_OUT"); unrec=$(grep -c 'not recorded' "$T_OUT")
        if [ "$T_RC" -eq 0 ] && [ "$unrec" -eq 0 ] && [ "$n" -gt 1000 ]; then
            t_ok "why/every_condition_has_a_value/random_seed_$seed ($n lines)"
        else t_fail "why/every_condition_has_a_value/random_seed_$seed" "exit $T_RC, $unrec unrecorded" \
            "$(grep -m5 -B3 'not recorded' "$T_OUT")"; fi
    else
        t_fail "why/random_rules_seed_$seed" "tests/random_diff.py failed" "$(tail -5 "$T_TMP/rd.log")"
    fi
done

# golden NAME ARGS... <<EXPECTED -- seg why's text output, exactly
golden() {
    local name=$1; shift
    cat > "$T_TMP/expected"
    seg_exec "$D" why "$@"
    if [ "$T_RC" -eq 0 ] && diff -u "$T_TMP/expected" "$T_OUT" > "$T_TMP/diff"; then t_ok "why/golden/$name"
    else t_fail "why/golden/$name" "exit $T_RC" "$(cat "$T_TMP/diff")" "$(head -5 "$T_ERR")"; fi
}

golden missing_age_decides nordic_q4.seg crm.csv --today $TODAY --key 100041 --segment young_buyers <<'EOF'
customer with customer_id 100041 (row 42 of crm.csv), today 2026-11-23

young_buyers: not a member  ("25-40 year olds who bought more than 3 times in 90 days")
  unknown        age 25..40 and purchases_90d > 3
  unknown          age 25..40  [age is missing]
  true             purchases_90d > 3  [purchases_90d = 4]
  unknown: age is missing, so `age 25..40` is unknown and the customer is left out
EOF

golden missing_value_false_anyway nordic_q4.seg crm.csv --today $TODAY --key 100005 --segment young_buyers --segment nordic_vip <<'EOF'
customer with customer_id 100005 (row 6 of crm.csv), today 2026-11-23

young_buyers: not a member  ("25-40 year olds who bought more than 3 times in 90 days")
  false          age 25..40 and purchases_90d > 3
  unknown          age 25..40  [age is missing]
  false            purchases_90d > 3  [purchases_90d = 0]

nordic_vip: not a member  ("Top spenders in the Nordics")
  false          country in ("SE", "NO", "DK", "FI") and total_spend >= big_spender and last_purchase within 180 days
  true             country in ("SE", "NO", "DK", "FI")  [country = "FI"]
  false            total_spend >= big_spender  [total_spend = 0.00]
  not evaluated    last_purchase within 180 days  [last_purchase is missing]
EOF

golden reference_expanded_and_two_unknowns winback.seg crm.csv --today $TODAY --key 100005 --segment cooling <<'EOF'
customer with customer_id 100005 (row 6 of crm.csv), today 2026-11-23

cooling: not a member  ("Last purchase 121 days to 6 months ago")
  unknown        days_since(last_purchase) > 120 and not lapsed
  unknown          days_since(last_purchase) > 120  [last_purchase is missing]
  unknown          not lapsed
  unknown            lapsed  [segment lapsed: not a member]
  unknown              last_purchase before today - 6 months  [last_purchase is missing]
  unknown: last_purchase is missing, so `days_since(last_purchase) > 120` is unknown; last_purchase is missing, so `last_purchase before today - 6 months` is unknown; so the rule is unknown and the customer is left out
EOF

golden member_and_reference_shown winback.seg crm.csv --today $TODAY --key 100001 --segment lapsed --segment lapsed_valuable <<'EOF'
customer with customer_id 100001 (row 2 of crm.csv), today 2026-11-23

lapsed: member  ("Bought before, but not in the last six months")
  true           last_purchase before today - 6 months  [last_purchase = 2025-11-25]

lapsed_valuable: not a member  ("Lapsed, worth a voucher and allowed to be mailed")
  false          lapsed and total_spend >= voucher_floor and email_opt_in and email is not missing
  true             lapsed  [segment lapsed: member]
  false            total_spend >= voucher_floor  [total_spend = 759.52]
  not evaluated    email_opt_in  [email_opt_in = false]
  not evaluated    email is not missing  [email = "aebbe.m1@hotmail.com"]
EOF

golden division_by_zero newsletter.seg crm.csv --today $TODAY --key 100000 --segment big_baskets <<'EOF'
customer with customer_id 100000 (row 1 of crm.csv), today 2026-11-23

big_baskets: not a member  ("More than 200 per order this quarter")
  unknown        total_spend / purchases_90d > 200 and email_opt_in
  unknown          total_spend / purchases_90d > 200  [total_spend = 1184.30, purchases_90d = 0]
  true             email_opt_in  [email_opt_in = true]
  unknown: `total_spend / purchases_90d > 200` is unknown (no column it reads is missing: a division by zero or an overflow gave a missing value) and the customer is left out
EOF

# ---- a key on two rows, a suppressed customer, --key-column, JSON ---------------

{ head -1 "$D/crm.csv"; sed -n 2,3p "$D/crm.csv"; sed -n 2p "$D/crm.csv" | sed 's/,69,/,30,/'; } > "$D/dup.csv"
seg_exec "$D" why nordic_q4.seg dup.csv --today $TODAY --key 100000 --segment young_buyers
if [ "$T_RC" -eq 0 ] && [ "$(grep -c '^note: 2 rows have this key; each is explained$' "$T_OUT")" = 2 ] &&
   grep -q '^customer with customer_id 100000 (row 3 of dup.csv)' "$T_OUT" && grep -q 'age = 30' "$T_OUT"; then
    t_ok why/duplicate_key_explains_each_row
else t_fail why/duplicate_key_explains_each_row "exit $T_RC" "$(t_file_detail stdout "$T_OUT")"; fi

printf 'customer_id\n100041\n' > "$D/one.csv"
seg_exec "$D" why nordic_q4.seg crm.csv --today $TODAY --key 100041 --exclude one.csv
if [ "$T_RC" -eq 0 ] && grep -q '^suppressed: on the --exclude list (customer_id), so not a member of any segment$' "$T_OUT" &&
   ! grep -q 'young_buyers' "$T_OUT"; then
    t_ok why/suppressed_customer
else t_fail why/suppressed_customer "exit $T_RC" "$(t_file_detail stdout "$T_OUT")"; fi

seg_exec "$D" why nordic_q4.seg crm.csv --today $TODAY --key-column email --key aebbe.m1@hotmail.com --segment lapsing_vip
if [ "$T_RC" -eq 0 ] && grep -q '^customer with email aebbe.m1@hotmail.com (row 2 of crm.csv)' "$T_OUT"; then
    t_ok why/key_column
else t_fail why/key_column "exit $T_RC" "$(t_file_detail stdout "$T_OUT")" "$(cat "$T_ERR")"; fi

seg_exec "$D" why winback.seg crm.csv --today $TODAY --key 100005 --key 100001 --format json --exclude one.csv
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["today"] == "2026-11-23" and d["key_column"] == "customer_id", d
c = d["customers"]
assert [x["key"] for x in c] == ["100005", "100001"] and c[0]["row"] == 6, c
s = {x["segment"]: x for x in c[0]["segments"]}
cool = s["cooling"]
assert cool["member"] is False and cool["why"].endswith("the customer is left out"), cool
parts = cool["rule"]["parts"]
assert parts[0]["value"] == "unknown" and parts[0]["columns"] == {"last_purchase": None}, parts
assert parts[1]["parts"][0]["segment"] == "lapsed", parts
s1 = {x["segment"]: x for x in c[1]["segments"]}
assert s1["lapsed"]["member"] is True and s1["lapsed"]["why"] is None, s1
v = s1["lapsed_valuable"]["rule"]["parts"]
assert [p["value"] for p in v] == ["true", "false", "not evaluated", "not evaluated"], v
print("ok")' "$T_OUT" 2>&1)
if [ "$T_RC" -eq 0 ] && [ "$got" = ok ]; then t_ok why/json_parses
else t_fail why/json_parses "exit $T_RC" "$got" "$(t_file_detail stdout "$T_OUT" 10)"; fi

# ---- errors: exit 2 and a message ---------------------------------------------

# refused NAME MESSAGE_RE ARGS... -- exit 2, MESSAGE_RE on stderr, nothing on stdout
refused() {
    local name=$1 re=$2; shift 2
    seg_exec "$D" why "$@"
    if [ "$T_RC" -eq 2 ] && grep -Eq -- "$re" "$T_ERR" && [ ! -s "$T_OUT" ]; then t_ok "why/error/$name"
    else t_fail "why/error/$name" "exit $T_RC (want 2)" "$(t_file_detail stderr "$T_ERR")" "$(t_file_detail stdout "$T_OUT" 5)"; fi
}
refused unknown_key "^seg: why: no customer with customer_id '999' in crm.csv$" \
    nordic_q4.seg crm.csv --today $TODAY --key 100000 --key 999
refused unknown_segment "^seg: --segment: no segment 'vip' in nordic_q4.seg$" \
    nordic_q4.seg crm.csv --today $TODAY --key 100000 --segment vip
refused unknown_key_column "^seg: --key-column: no column 'id' in crm.csv$" \
    nordic_q4.seg crm.csv --today $TODAY --key 100000 --key-column id
refused no_key "why needs --key VALUE" nordic_q4.seg crm.csv --today $TODAY
refused bad_format "--format: 'table' is not one of text, json, csv" \
    nordic_q4.seg crm.csv --key 100000 --format table
seg_exec "$D" compile nordic_q4.seg -o q4.segc --data crm.csv --today $TODAY
refused segc "q4.segc is compiled bytecode.*give the .seg rules file" q4.segc crm.csv --today $TODAY --key 100000

# ---- out of memory: every 11th allocation made to fail ---------------------------
# (tests/allocfail.sh walks every one for check, run and import)
head -300 "$D/crm.csv" > "$D/small.csv"
OOM_ARGS=(why winback.seg small.csv --today $TODAY --key 100005 --key 100001 --format json)
total=$(cd "$D" && SEG_ALLOC_COUNT=1 "$SEG" "${OOM_ARGS[@]}" 2>&1 >/dev/null | sed -n 's/^seg: \([0-9]*\) allocations$/\1/p')
bad=""
ns=$(seq 1 11 "${total:-0}")
if [ -n "$ns" ] && seg_walk "$D" "$T_TMP/walk" "$ns" "${OOM_ARGS[@]}"; then
    for n in $ns; do
        rc=${W_RC[$n]}
        if [ "$rc" -ne 0 ] && ! { [ "$rc" -eq 2 ] && grep -q "out of memory" "$T_TMP/walk/$n.err"; }; then bad="$bad $n:$rc"; fi
    done
    cp "$T_TMP/walk/$n.err" "$T_ERR"
elif [ -n "$ns" ]; then bad=" (the walk did not complete)"; fi
if [ -n "$total" ] && [ -z "$bad" ]; then t_ok "why/allocfail (every 11th of $total allocations: output or exit 2, out of memory)"
else t_fail why/allocfail "allocations: ${total:-not counted}" "failed at:$bad" "$(head -3 "$T_ERR")"; fi

t_summary why
