#!/usr/bin/env bash
# tests/allocfail.sh -- allocation-failure injection (base/xalloc.c).
#
#   SEG=build-san/seg bash tests/allocfail.sh
#
# Every allocation of seg goes through one function that fails the N-th call
# when SEG_FAIL_ALLOC=N is set (N+ : that call and every later one), and
# SEG_ALLOC_COUNT=1 prints "seg: K allocations" at exit. For each command
# below and each N from 1 to K (K counted on a clean run, plus K+1) the run
# must end either
#   - in success (exit 0) with exactly the stdout and output file of the
#     clean run (a failed allocation that is only an optimisation), or
#   - in exit 2 with a message containing "out of memory", no output file
#     and no temporary file left behind,
# never with a crash, a sanitizer report (leaks included, in the ASan build),
# exit 1 (the rules are valid) or a timeout (commands: check, import, run on CSV,
# .segcol, with members, measures and event tables, diff). "once" walks every N; "sticky"
# every N for check and import, every 4th for the runs and the diff (their early
# allocations are the import's and the compile's again); ALLOCFAIL_STRIDE=1
# walks every N everywhere. The coverage is in each test's name.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

W=$T_TMP/allocfail
mkdir -p "$W"
TODAY=2026-11-23

# a bit of everything: let, ranges, text in/starts/contains, a regular
# expression, dates (within, year()), a segment reference, function calls,
# a missing age and a missing date, non-ASCII text, one lint warning (W0207)
# and one suppressed (W0205)
cat > "$W/rules.seg" <<'EOF'
# allocation-failure walk
let big_spender = 1_000
let spare = 5   # seg: ignore W0205
segment young = age 25..40 and purchases_90d > 0
segment nordic_vip "Top spenders" =
    country in ("SE", "NO", "DK", "FI")
    and total_spend >= big_spender
    and last_purchase within 365 days
segment young_vip = young or nordic_vip
segment mailers = email matches "^[a-z]+\\.[a-z][0-9]+@" and email_opt_in
segment gold = loyalty_tier in ("gold", "platinum") or city starts with "Hä"
segment older = year(signup_date) < 2025 and not (age between 30 and 50) and lower(first_name) contains "ö"
EOF
cat > "$W/data.csv" <<'EOF'
customer_id,email,first_name,country,city,gender,age,signup_date,last_purchase,purchases_90d,total_spend,email_opt_in,loyalty_tier
100000,goran.w0@hotmail.com,Göran,SE,Hässleholm,M,69,2023-06-01,2025-11-09,0,1184.30,true,silver
100001,aebbe.m1@hotmail.com,Æbbe,DK,Herning,M,61,2024-11-02,2025-11-25,0,759.52,false,silver
100002,kerstin.d2@gmail.com,Kerstin,SE,Mohed,F,31,2020-06-03,2026-04-18,0,192.04,true,bronze
100003,mikael.b3@yahoo.com,Mikael,SE,Malmö,M,33,2024-10-18,2026-05-03,0,12140.02,true,platinum
100004,maja.i4@outlook.com,Maja,NL,Rotterdam,F,37,2017-05-23,2026-08-31,1,551.73,true,bronze
100005,jussi.d5@hotmail.com,Jussi,FI,Almholm,M,,2020-10-17,,0,0.00,true,bronze
100006,maria.u6@live.se,Maria,SE,Bergbacka,F,58,2024-11-03,2026-08-22,0,4868.91,true,gold
100007,sanna.c7@icloud.com,Sanna,PL,"Kraków, Old Town",F,38,2022-03-13,2026-10-26,2,351.64,false,silver
100008,jan.p8@gmail.com,Jan,FR,Toulouse,M,29,2021-03-01,2026-07-14,0,216.34,true,bronze
100009,anna.a9@icloud.com,Anna,SE,Storstrand,F,39,2019-03-18,,0,0.00,false,bronze
EOF

# measures and a guard (issue 13): the hidden condition slots, the member
# pass of runtime/measure.c, the value lists of median and count_distinct
cat > "$W/measures.seg" <<'EOF2'
require email_opt_in is true
segment se = country = "SE"
segment all = true
measure spend = sum(total_spend where age > 30) / count()
measure med = median(age)
measure cities = count_distinct(city)
EOF2
# event tables (issue 15): the key map, the filter program over the events
# with a gathered customer column, every kind of aggregate
cat > "$W/events.seg" <<'EOF3'
table orders by customer_id
segment frequent = count(orders where order_date within 400 days) >= 2
segment shoes = sum(orders.amount where category = "shoes") > 50 and not any(orders where category = "socks")
segment last_shoes = last(orders.category) = "shoes" or first(orders.amount) > 100
segment all_big = all(orders where amount > total_spend / 100) and count_distinct(orders.category) >= 2
segment avg_min = avg(orders.amount) > 20 or min(orders.order_date) < 2025-06-01
EOF3
cat > "$W/orders.csv" <<'EOF4'
customer_id,order_date,amount,category
100000,2026-01-05,120.00,shoes
100000,2025-03-01,15.50,socks
100003,2026-10-01,80.00,shoes
100003,2026-10-01,,bags
100006,,30.00,
100009,2026-11-20,5.00,hats
999999,2026-11-20,1.00,hats
,2026-11-20,1.00,hats
EOF4
# the inputs the commands read besides the CSV, made by a clean run
seg_exec "$W" schema data.csv
cp "$T_OUT" "$W/data.schema"
seg_exec "$W" import data.csv -o data.segcol
[ "$T_RC" -eq 0 ] || t_fail "setup: seg import" "$(t_file_detail stderr "$T_ERR")"
shopt -s nullglob dotglob
INPUTS=("$W"/*)

# extra_files -- the files in $W that are not inputs, one a line; removes them.
extra_files() {
    local f i
    for f in "$W"/*; do
        for i in "${INPUTS[@]}"; do [ "$f" = "$i" ] && continue 2; done
        printf '%s\n' "${f##*/}"
        rm -rf -- "$f"
    done
}

# walk NAME OUTFILE STRIDE ARGS... -- OUTFILE: the file the command writes
# ("-": none). Mode "once" walks every N; mode "sticky" every STRIDE-th N
# from 1 (and K, K+1), or every N with ALLOCFAIL_STRIDE=1. Each mode is one
# start of seg that forks a run per N (seg_walk in tests/lib.sh).
walk() {
    local name=$1 outfile=$2 stride=${ALLOCFAIL_STRIDE:-$3}; shift 3
    local ref=$T_TMP/ref.$name
    unset SEG_FAIL_ALLOC
    SEG_ALLOC_COUNT=1 seg_exec "$W" "$@"
    local count
    count=$(sed -n 's/^seg: \([0-9][0-9]*\) allocations$/\1/p' "$T_ERR" | tail -n 1)
    if [ "$T_RC" -ne 0 ] || [ -z "$count" ]; then
        t_fail "$name: clean run" "$T_CMD: exit $T_RC, allocation count '${count}'" "$(t_file_detail stderr "$T_ERR")"
        return
    fi
    cp "$T_OUT" "$ref.stdout"
    if [ "$outfile" != - ]; then mv "$W/$outfile" "$ref.file" || t_fail "$name: clean run wrote no $outfile"; fi
    extra_files >/dev/null               # back to the inputs only

    local mode suffix step wd ns
    for mode in once sticky; do
        suffix=; step=1
        [ "$mode" = sticky ] && suffix=+ && step=$stride
        local n key problems=() nfail=0 nok=0 nrun=0 left what
        ns=
        for ((n = 1; n <= count + 1; n++)); do
            if [ $(((n - 1) % step)) -ne 0 ] && [ "$n" -lt "$count" ]; then continue; fi
            ns+=" $n$suffix"
        done
        local label="$name $mode: $(wc -w <<<"$ns") runs, N=1..$((count + 1))"
        [ "$step" -gt 1 ] && label+=" every $step"
        wd=$T_TMP/walk.$name
        if ! seg_walk "$W" "$wd" "$ns" "$@"; then
            t_fail "$label" "seg $*: the walk did not complete"
            extra_files >/dev/null
            continue
        fi
        local -A no_oom=()
        while IFS= read -r n; do n=${n##*/}; no_oom[${n%.err}]=1; done < <(grep -L 'out of memory' "$wd"/*.err)
        for key in $ns; do
            n=${key%+}
            nrun=$((nrun + 1))
            what=
            if [ "${W_RC[$key]}" -eq 2 ]; then
                nfail=$((nfail + 1))
                [ -z "${no_oom[$key]:-}" ] || what="exit 2 without 'out of memory'"
                left=("$wd/$key.files"/*)
                [ ${#left[@]} -eq 0 ] || what="${what:+$what; }files left: ${left[*]##*/}"
            elif [ "${W_RC[$key]}" -eq 0 ]; then
                nok=$((nok + 1))
                cmp -s "$wd/$key.out" "$ref.stdout" || what="exit 0 with a different stdout"
                if [ "$outfile" != - ] && ! cmp -s "$wd/$key.files/$outfile" "$ref.file"; then
                    what="${what:+$what; }exit 0 with a different $outfile"
                fi
            else
                what="exit ${W_RC[$key]}"
            fi
            [ "$n" -gt "$count" ] && [ "${W_RC[$key]}" -ne 0 ] && what="${what:+$what; }failed with no allocation to fail"
            if [ -n "$what" ]; then
                [ ${#problems[@]} -lt 12 ] && problems+=("SEG_FAIL_ALLOC=$key: $what" "$(sed -n '1,4s/^/    /p' "$wd/$key.err")")
                [ ${#problems[@]} -eq 12 ] && problems+=("(more left out)")
            fi
        done
        rm -rf "$wd"
        extra_files >/dev/null
        # the injection must bite (with N=1 sticky, nothing can succeed)
        [ "$nfail" -gt 0 ] || problems+=("no run failed: is the injection (base/xalloc.c) in this build?")
        label+=" ($nfail out of memory, $nok success)"
        if [ ${#problems[@]} -eq 0 ]; then t_ok "$label"; else t_fail "$label" "seg $*" "${problems[@]}"; fi
    done
}

# The walks run in two lanes at once (ALLOCFAIL_LANES=1: one after the
# other), each in its own copy of the inputs with its own output files:
# every walk is hundreds of short runs of seg, so on two cores the group
# takes about half the time (it was the longest group of the sanitizer
# half of the suite). Each lane's report is printed whole, in order.
lane_a() {
    walk check - 1 check rules.seg --schema data.schema --today "$TODAY" --format json
    walk run_csv members.csv 4 run rules.seg data.csv --today "$TODAY" --members members.csv
    walk run_columns members.jsonl 4 run rules.seg data.csv --today "$TODAY" --members members.jsonl --members-format jsonl \
        --columns email,city,total_spend
    walk run_measures - 2 run measures.seg data.csv --today "$TODAY" --format json --measure "max(last_purchase)"
}
lane_b() {
    walk import out.segcol 1 import data.csv -o out.segcol
    walk diff_data moves.csv 4 diff rules.seg --data data.segcol data.csv --today "$TODAY" --members moves.csv --format json
    walk run_segcol - 4 run rules.seg data.segcol --today "$TODAY" --format json
    walk run_events - 2 run events.seg data.csv --table orders=orders.csv --today "$TODAY" --format json
}
in_lane() {   # LANE: runs the function LANE in a copy of $W, its report into $T_TMP/LANE.log
    (
        W=$T_TMP/$1.w
        cp -a "$W0" "$W"
        INPUTS=("$W"/*)
        T_OUT=$T_TMP/$1.out
        T_ERR=$T_TMP/$1.err
        "$1"
    ) > "$T_TMP/$1.log" 2>&1
}
W0=$W
if [ "${ALLOCFAIL_LANES:-2}" -ge 2 ]; then
    in_lane lane_a &
    in_lane lane_b &
    wait
else
    in_lane lane_a
    in_lane lane_b
fi
cat "$T_TMP/lane_a.log" "$T_TMP/lane_b.log"
T_PASS=$(cat "$T_TMP/lane_a.log" "$T_TMP/lane_b.log" | grep -c '^ok')
T_FAIL=$(cat "$T_TMP/lane_a.log" "$T_TMP/lane_b.log" | grep -c '^not ok')
[ "$(cat "$T_TMP/lane_a.log" "$T_TMP/lane_b.log" | grep -c '^\(not \)\{0,1\}ok')" -eq 16 ] ||
    t_fail "allocfail: lanes" "expected 16 results (8 walks x 2 modes), the lanes gave $((T_PASS + T_FAIL))"

t_summary allocfail
