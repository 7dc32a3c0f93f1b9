#!/usr/bin/env bash
# tests/tiers.sh -- priority tiers (issue 14 section 1):
#
#   priority lifecycle = vip, lapsing_vip, new_customers, else everyone_else
#
#   SEG=build/seg bash tests/tiers.sh
#
# - tests/tiers_diff.py: every tier count, "in no tier", and each member's
#   tier in --members (CSV and JSON Lines) against a CASE WHEN we wrote by
#   hand (tests/tiers/*.sql) run by SQLite over the same CSV; and the SQL of
#   `seg sql` (counts and members shapes) run by SQLite, and, when they are
#   installed, by PostgreSQL (a throw-away server) and a 2-shard ClickHouse
#   cluster (tests/ch_cluster.sh; multiIf, two-valued). On
#   examples/customers.csv and the CRM sample, with a guard, with --exclude.
# - .segc: the priorities survive compile (same report), explain lists them.
# - seg run: the table and JSON forms, W0221 (an empty tier on the data),
#   `# seg: ignore W0221`, --members-dir, a priority column clashing with a
#   --columns column refused.
# - seg fmt: canonical, idempotent, the same meaning (--verify).
# - seg sql goldens for PostgreSQL, DuckDB and ClickHouse (tests/tiers/
#   *.DIALECT.SHAPE.sql; SEG_SQL_REGEN=1 rewrites them); `priority` is a
#   keyword: a column so named is written in backticks.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TI=$T_ROOT/tests/tiers
TODAY=2026-11-23
EXD=$T_ROOT/examples/customers.csv
CRM=$SEG_TESTDATA/datasets/crm_sample.csv
D=$T_TMP/tiers
mkdir -p "$D"

if ! command -v python3 >/dev/null; then
    t_fail tiers "python3 is not installed"
    t_summary tiers; exit
fi

# ---- PostgreSQL, when installed: seg sql's tiers there too (as tests/sql.sh
# starts it: a throw-away server on a Unix socket, run as `postgres`) ------
pg_start; pg_rc=$?
if [ "$pg_rc" -eq 1 ]; then
    t_fail "tiers/postgres: server start" "$PG_WHY"
elif [ "$pg_rc" -eq 2 ] && [ "${CI:-}" = true ]; then
    t_fail "tiers/postgres" "PostgreSQL is not installed (tools/install-deps.sh installs it)"
elif [ "$pg_rc" -eq 2 ]; then
    echo "# tiers/postgres: not run (no PostgreSQL; tools/install-deps.sh installs it)"
fi

# ---- ClickHouse, when installed: tests/ch_cluster.sh's two shards, on free
# ports picked as they start (lib.sh ch_start: other groups and suites run at once)
trap 'pg_stop; ch_stop; rm -rf "$T_TMP"' EXIT
ch_start; ch_rc=$?
if [ "$ch_rc" -eq 1 ]; then
    t_fail "tiers/clickhouse: cluster start" "$CH_WHY"
elif [ "$ch_rc" -eq 2 ] && [ "${CI:-}" = true ]; then
    t_fail "tiers/clickhouse" "ClickHouse is not installed (tools/install-deps.sh installs it)"
elif [ "$ch_rc" -eq 2 ]; then
    echo "# tiers/clickhouse: not run (no ClickHouse)"
fi

# ---- against SQLite ----------------------------------------------------------
diffpy() {   # RULES LABEL DATA [RUN OPTIONS]: its TAP lines, counted here
    local rules=$1 label=$2 data=$3 line; shift 3
    while IFS= read -r line; do
        case $line in
            "ok - "*) t_ok "${line#ok - }" ;;
            "not ok - "*) T_FAIL=$((T_FAIL + 1)); printf '%s\n' "$line" ;;
            *) printf '%s\n' "$line" ;;
        esac
    done < <(python3 "$T_ROOT/tests/tiers_diff.py" "$SEG" "$TI/$rules.seg" "$TI/$rules.sql" "$data" $TODAY "$label" "$@" 2>&1)
}
diffpy lifecycle customers "$EXD"
diffpy lifecycle crm_sample "$CRM"
diffpy guarded guarded "$EXD"
diffpy guarded guarded_crm "$CRM"
python3 - "$EXD" "$D/suppressed.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))[1:]
with open(sys.argv[2], 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['customer_id'])
    for r in rows[::5]: w.writerow([r[0]])
PY
diffpy lifecycle excluded "$EXD" --exclude "$D/suppressed.csv"
diffpy guarded guarded_excluded "$EXD" --exclude "$D/suppressed.csv"

# ---- .segc -------------------------------------------------------------------
for r in lifecycle guarded; do
    seg_exec "$D" compile "$TI/$r.seg" --data "$EXD" --today $TODAY -o "$D/$r.segc"
    seg_exec "$D" run "$TI/$r.seg" "$EXD" --today $TODAY --format json
    cp "$T_OUT" "$D/want.json"
    seg_exec "$D" run "$D/$r.segc" "$EXD" --format json
    if [ "$T_RC" -eq 0 ] && grep -q '"priorities"' "$T_OUT" && cmp -s "$T_OUT" "$D/want.json"; then
        t_ok "tiers/segc_same_report_$r"
    else
        t_fail "tiers/segc_same_report_$r" "rc $T_RC" "$(diff "$D/want.json" "$T_OUT" | head -10)" "$(cat "$T_ERR")"
    fi
done
seg_exec "$D" explain "$D/lifecycle.segc"
if grep -qx '; priority lifecycle = s0(vip), s1(lapsing_vip), s2(new_customers), else everyone_else; each customer in the first that holds it, the rest in the else tier' "$T_OUT"; then
    t_ok "tiers/explain_lists_the_priority"
else
    t_fail "tiers/explain_lists_the_priority" "$(grep priority "$T_OUT")"
fi
seg_exec "$D" explain "$D/guarded.segc"
if grep -q '^; priority loyalty = s2(gold_recent), s1(big), s3(active), else dormant; .*the rest the guard keeps' "$T_OUT"; then
    t_ok "tiers/explain_guarded_else"
else
    t_fail "tiers/explain_guarded_else" "$(grep priority "$T_OUT")"
fi

# ---- seg run: table, JSON, W0221 ---------------------------------------------
seg_exec "$D" run "$TI/lifecycle.seg" "$EXD" --today $TODAY
tab=$(cat "$T_OUT")
seg_exec "$D" run "$TI/lifecycle.seg" "$EXD" --today $TODAY --format json
# the table's figures are the JSON's: each tier's count, and "(in no tier)" for reach
want=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for p in r["priorities"]:
    print("priority " + p["priority"])
    for t in p["tiers"]: print("  %s %s" % (t["tier"], format(t["customers"], ",").replace(",", " ")))
    if p["in_no_tier"] or not p["tiers"][-1]["else"]:
        print("  (in no tier) %s" % format(p["in_no_tier"], ",").replace(",", " "))
' "$T_OUT")
got=$(printf '%s\n' "$tab" | sed -n '/^priority /,/^(/p' | grep -v '^(.*customers' | grep -v '^$' |
      sed -E 's/ +customers +share$//; s/ +([0-9][0-9 ]*[0-9]|[0-9]) +[0-9.]+%$/ \1/')
if [ "$got" = "$want" ] && grep -q '(in no tier)' <<<"$tab"; then
    t_ok "tiers/table_matches_json"
else
    t_fail "tiers/table_matches_json" "table:" "$got" "json:" "$want"
fi

seg_exec "$D" run "$TI/empty.seg" "$EXD" --today $TODAY --min-size 0
w=$(grep -c 'W0221\|is empty on this data' "$T_ERR")
if [ "$T_RC" -eq 0 ] &&
   grep -q "empty.seg:5:19: warning: tier 'nobody' of priority 'p' is empty on this data: its segment has no members" "$T_ERR" &&
   grep -q "empty.seg:6:34: warning: tier 'none' of priority 'everyone' is empty on this data: the listed tiers take every customer" "$T_ERR" &&
   grep -q "empty.seg:9:23: warning: tier 'vip' of priority 'taken' is empty on this data: the earlier tiers hold all 317 customers of its segment" "$T_ERR" &&
   ! grep -q "priority 'quiet'" "$T_ERR" && [ "$w" -eq 3 ]; then
    t_ok "tiers/w0221_empty_tiers_located"
else
    t_fail "tiers/w0221_empty_tiers_located" "rc $T_RC, $w warnings" "$(cat "$T_ERR")"
fi
# seg check --data counts the tiers too (text and JSON); --schema cannot
seg_exec "$D" check "$TI/empty.seg" --data "$EXD" --today $TODAY --format json
if [ "$T_RC" -eq 0 ] && python3 -c '
import json, sys
d = [x for x in json.load(open(sys.argv[1])) if x["code"] == "W0221"]
want = [(5, 19), (6, 34), (9, 23)]
got = [(x["locations"][0]["caret"]["line"], x["locations"][0]["caret"]["column"]) for x in d]
sys.exit(0 if got == want else "W0221 at %s, want %s" % (got, want))' "$T_OUT"; then
    t_ok "tiers/check_data_w0221_json"
else
    t_fail "tiers/check_data_w0221_json" "rc $T_RC" "$(head -c 1500 "$T_OUT")" "$(cat "$T_ERR")"
fi
seg_exec "$D" check "$TI/empty.seg" --data "$EXD" --today $TODAY --strict
if [ "$T_RC" -eq 1 ] && [ "$(grep -c 'is empty on this data' "$T_ERR")" -eq 3 ]; then t_ok "tiers/check_data_w0221_strict"
else t_fail "tiers/check_data_w0221_strict" "rc $T_RC" "$(cat "$T_ERR")"; fi
seg_exec "$T_ROOT" check tests/tiers/empty.seg --schema examples/customers.schema --today $TODAY
if [ "$T_RC" -eq 0 ] && ! grep -q 'empty on this data' "$T_ERR" && grep -q 'can never win' "$T_ERR"; then t_ok "tiers/check_schema_no_w0221"
else t_fail "tiers/check_schema_no_w0221" "rc $T_RC" "$(cat "$T_ERR")"; fi
# at most 10 a priority, then how many more (a long list of empty tiers must
# not bury the report)
python3 -c '
print("\n".join("segment e%d = age = %d" % (i, 300 + i) for i in range(13)))
print("priority many = " + ", ".join("e%d" % i for i in range(13)))' > "$D/many.seg"
seg_exec "$D" run "$D/many.seg" "$EXD" --min-size 0
if [ "$T_RC" -eq 0 ] && [ "$(grep -c 'is empty on this data' "$T_ERR")" -eq 10 ] &&
   grep -q "many.seg:14:10: warning: 3 more tiers of priority 'many' are empty on this data" "$T_ERR"; then
    t_ok "tiers/w0221_at_most_10_a_priority"
else
    t_fail "tiers/w0221_at_most_10_a_priority" "rc $T_RC" "$(grep -v '^ ' "$T_ERR" | head -14)"
fi
# from a .segc there is no source to point into: no W0221, the same counts
seg_exec "$D" compile "$TI/empty.seg" --data "$EXD" --today $TODAY -o "$D/empty.segc"
seg_exec "$D" run "$D/empty.segc" "$EXD" --min-size 0
if [ "$T_RC" -eq 0 ] && ! grep -q 'empty on this data' "$T_ERR" && grep -q '^  rest  *4 683' "$T_OUT"; then
    t_ok "tiers/segc_run_no_w0221"
else
    t_fail "tiers/segc_run_no_w0221" "rc $T_RC" "$(cat "$T_ERR")" "$(cat "$T_OUT")"
fi

# ---- members -----------------------------------------------------------------
# every member of vip is in the vip tier (listed first); the new_customers
# tier's customers are all in new_customers.csv, marked so
seg_exec "$D" run "$TI/lifecycle.seg" "$EXD" --today $TODAY --format json
ntier=$(python3 -c 'import json, sys; print([t["customers"] for t in json.load(open(sys.argv[1]))["priorities"][0]["tiers"] if t["tier"] == "new_customers"][0])' "$T_OUT")
seg_exec "$D" run "$TI/lifecycle.seg" "$EXD" --today $TODAY --members-dir "$D" --columns country
if [ "$T_RC" -eq 0 ] && [ "$(head -1 "$D/vip.csv")" = "segment,customer_id,country,lifecycle,reach" ] &&
   [ "$(awk -F, 'NR > 1 && $4 != "vip"' "$D/vip.csv" | wc -l)" -eq 0 ] && [ "$ntier" -gt 0 ] &&
   [ "$(awk -F, 'NR > 1 && $4 == "new_customers"' "$D/new_customers.csv" | wc -l)" -eq "$ntier" ]; then
    t_ok "tiers/members_dir_tier_columns"
else
    t_fail "tiers/members_dir_tier_columns" "rc $T_RC" "$(head -3 "$D/vip.csv" "$D/new_customers.csv")" "$(cat "$T_ERR")"
fi
printf 'segment vip = total_spend > 5000\npriority country = vip\n' > "$D/clash.seg"
rm -f "$D/clash.csv"
seg_exec "$D" run "$D/clash.seg" "$EXD" --members "$D/clash.csv" --columns country
if [ "$T_RC" -ne 0 ] && [ ! -e "$D/clash.csv" ] &&
   grep -q "priority 'country' would be a second column named 'country'" "$T_ERR"; then
    t_ok "tiers/members_column_clash_refused"
else
    t_fail "tiers/members_column_clash_refused" "rc $T_RC" "$(cat "$T_ERR")"
fi
# without --members the clash does not matter
seg_exec "$D" run "$D/clash.seg" "$EXD"
if [ "$T_RC" -eq 0 ]; then t_ok "tiers/clash_only_for_members"; else t_fail "tiers/clash_only_for_members" "$(cat "$T_ERR")"; fi

# ---- the keyword -------------------------------------------------------------
printf 'customer_id,priority\n1,high\n2,low\n3,high\n' > "$D/prio.csv"
printf 'segment urgent = `priority` = "high"\npriority by = urgent, else other\n' > "$D/kw.seg"
seg_exec "$D" run "$D/kw.seg" "$D/prio.csv" --format json
if [ "$T_RC" -eq 0 ] && grep -q '"tier": "urgent", "else": false, "customers": 2' "$T_OUT" &&
   grep -q '"tier": "other", "else": true, "customers": 1' "$T_OUT"; then
    t_ok "tiers/backticked_priority_column"
else
    t_fail "tiers/backticked_priority_column" "rc $T_RC" "$(cat "$T_OUT" "$T_ERR")"
fi

# ---- seg fmt -----------------------------------------------------------------
for r in lifecycle guarded empty; do
    seg_exec "$D" fmt "$TI/$r.seg"
    cp "$T_OUT" "$D/f1.seg"
    seg_exec "$D" fmt "$D/f1.seg"
    if cmp -s "$T_OUT" "$D/f1.seg" && cmp -s "$D/f1.seg" "$TI/$r.seg"; then t_ok "tiers/fmt_canonical_$r"
    else t_fail "tiers/fmt_canonical_$r" "$(diff "$TI/$r.seg" "$D/f1.seg" | head)"; fi
done
cat > "$D/messy.seg" <<'EOF'
segment vip = total_spend > 5000   # big
segment `new one` = age < 30
# about the priority
priority   lifecycle=vip,`new one`  ,  else   `the rest` # trailing
priority c = vip,   # first
  `new one`  # second
priority long_one = vip, `new one`, vip, `new one`, vip, `new one`, vip, `new one`, vip, `new one`, vip
EOF
seg_exec "$D" fmt "$D/messy.seg"
cat > "$D/want.seg" <<'EOF'
segment vip = total_spend > 5000  # big
segment `new one` = age < 30
# about the priority
priority lifecycle = vip, `new one`, else `the rest`  # trailing
priority c =
    vip,  # first
    `new one`  # second
priority long_one =
    vip,
    `new one`,
    vip,
    `new one`,
    vip,
    `new one`,
    vip,
    `new one`,
    vip,
    `new one`,
    vip
EOF
if cmp -s "$T_OUT" "$D/want.seg"; then t_ok "tiers/fmt_layout_and_comments"
else t_fail "tiers/fmt_layout_and_comments" "$(diff "$D/want.seg" "$T_OUT")"; fi
seg_exec "$D" fmt --verify "$D/messy.seg"
if [ "$T_RC" -eq 0 ]; then t_ok "tiers/fmt_verify"; else t_fail "tiers/fmt_verify" "$(cat "$T_ERR")"; fi

# ---- seg sql goldens ---------------------------------------------------------
for dialect in postgres duckdb clickhouse; do
    for shape in counts members; do
        for r in lifecycle guarded; do
            g=$TI/$r.$dialect.$shape.sql
            seg_exec "$T_ROOT" sql "tests/tiers/$r.seg" --dialect $dialect --shape $shape --data examples/customers.csv \
                --table customers --key customer_id --today $TODAY
            [ "${SEG_SQL_REGEN:-}" = 1 ] && cp "$T_OUT" "$g"
            if [ "$T_RC" -eq 0 ] && [ -s "$g" ] && cmp -s "$T_OUT" "$g"; then t_ok "tiers/sql_golden_$r.$dialect.$shape"
            else t_fail "tiers/sql_golden_$r.$dialect.$shape" "rc $T_RC" "$(diff "$g" "$T_OUT" | head)" "$(cat "$T_ERR")"; fi
        done
    done
done

# ---- out of memory: every allocation of a run with priorities failed in turn
# (SEG_FAIL_ALLOC=N, base/xalloc.c): exit 2 saying so, or exit 0 with the
# same output; never a crash or a leak (the sanitizer build reports those)
head -41 "$EXD" > "$D/small.csv"
cp "$TI/empty.seg" "$D/rules.seg"
# every allocation in the plain build; every 4th under the sanitizers,
# where each of these hundreds of runs pays ASan's start-up (the allocfail
# group walks the shared paths in both)
case $SEG in *san*) STRIDE=4 ;; *) STRIDE=1 ;; esac
oom_walk() {   # NAME OUTFILE ARGS...: every N once (every STRIDE-th), one start of seg (seg_walk)
    local name=$1 outfile=$2 n count bad=() nfail=0 ns=; shift 2
    unset SEG_FAIL_ALLOC
    SEG_ALLOC_COUNT=1 seg_exec "$D" "$@"
    count=$(sed -n 's/^seg: \([0-9][0-9]*\) allocations$/\1/p' "$T_ERR" | tail -n 1)
    if [ "$T_RC" -ne 0 ] || [ -z "$count" ]; then
        t_fail "tiers/oom_$name: clean run" "rc $T_RC" "$(cat "$T_ERR")"; return
    fi
    cp "$T_OUT" "$T_TMP/ref.out"
    [ "$outfile" = - ] || mv "$D/$outfile" "$T_TMP/ref.file"
    for ((n = 1; n <= count; n += STRIDE)); do ns+=" $n"; done
    if ! seg_walk "$D" "$T_TMP/walk" "$ns" "$@"; then
        t_fail "tiers/oom_$name" "the walk did not complete"; return
    fi
    local -A no_oom=()
    while IFS= read -r n; do n=${n##*/}; no_oom[${n%.err}]=1; done < <(grep -L 'out of memory' "$T_TMP/walk"/*.err)
    for n in $ns; do
        local out=$T_TMP/walk/$n.out err=$T_TMP/walk/$n.err file=$T_TMP/walk/$n.files/$outfile
        if [ "${W_RC[$n]}" -eq 2 ]; then
            nfail=$((nfail + 1))
            [ -z "${no_oom[$n]:-}" ] || bad+=("N=$n: exit 2 without 'out of memory': $(head -2 "$err")")
            [ "$outfile" = - ] || [ ! -e "$file" ] || bad+=("N=$n: $outfile written")
        elif [ "${W_RC[$n]}" -eq 0 ]; then
            cmp -s "$out" "$T_TMP/ref.out" || bad+=("N=$n: exit 0 with a different stdout")
            [ "$outfile" = - ] || cmp -s "$file" "$T_TMP/ref.file" || bad+=("N=$n: exit 0 with a different $outfile")
        else
            bad+=("N=$n: exit ${W_RC[$n]}: $(head -3 "$err")")
        fi
    done
    rm -rf "$T_TMP/walk"
    [ "$nfail" -gt 0 ] || bad+=("no run failed: is the injection (base/xalloc.c) in this build?")
    if [ ${#bad[@]} -eq 0 ]; then t_ok "tiers/oom_$name: $count allocations, $nfail out of memory"
    else t_fail "tiers/oom_$name" "${bad[@]:0:8}"; fi
}
oom_walk run members.csv run rules.seg small.csv --today $TODAY --format json --members members.csv --min-size 0
oom_walk run_jsonl members.jsonl run rules.seg small.csv --today $TODAY --members members.jsonl --members-format jsonl
oom_walk check - check rules.seg --data small.csv --today $TODAY --format json
# (a .segc's bytes may differ after a failed allocation: codegen then takes
# a new register instead of reusing one; its exit and its leaks are checked)
oom_walk compile - compile rules.seg --data small.csv --today $TODAY -o walked.segc
seg_exec "$D" compile rules.seg --data small.csv --today $TODAY -o rules.segc
oom_walk explain - explain rules.segc
oom_walk run_segc - run rules.segc small.csv --format json --min-size 0
oom_walk fmt - fmt rules.seg
oom_walk sql - sql rules.seg --dialect sqlite --data small.csv --today $TODAY --shape counts --key customer_id
oom_walk sql_ch - sql rules.seg --dialect clickhouse --data small.csv --today $TODAY --shape members --key customer_id

t_summary tiers
