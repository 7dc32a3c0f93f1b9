#!/usr/bin/env bash
# tests/ranks.sh -- rankings (issue 14 section 3): `x in top 10%`,
# `quintile(x)`, `decile`, `percentile`, `rfm(...)`, `within S`,
# checked against SQLite's window functions:
#
#   SEG=build/seg bash tests/ranks.sh
#
# tests/ranks_diff.py runs `seg run --members` and compares every
# segment's members with the rows an SQL condition selects, written by hand
# (tests/ranks/*.sql) to the definitions of docs/language.md. The data:
# the example customers, the crm sample dataset, and a generated table of
# heavy ties and missing values in several sizes (1 row to 30 000, fewer
# rows than quintiles, a column with no value at all). Then: a .segc gives
# the same report, the answer does not depend on the number of threads, and
# a guard's rows take part in the ranking as the definition says.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

R=$T_ROOT/tests/ranks
TODAY=2026-11-23
EXD=$T_ROOT/examples/customers.csv
CRM=$SEG_TESTDATA/datasets/crm_sample.csv
D=$T_TMP/r
mkdir -p "$D"
T_OUT=$T_TMP/out
T_ERR=$T_TMP/err

if ! command -v python3 >/dev/null; then
    t_fail ranks "python3 is not installed"; t_summary ranks; exit
fi

diffpy() {   # a crash of the script is a failure, not silence
    python3 "$T_ROOT/tests/ranks_diff.py" "$SEG" "$@" || t_fail "ranks/diff $5: tests/ranks_diff.py exit $?"
}

diffpy "$R/customers.seg" "$R/customers.sql" "$EXD" $TODAY customers
diffpy "$R/customers.seg" "$R/customers.sql" "$CRM" $TODAY crm_sample

# ties and missing values, in sizes around the edges of the definitions
for n in 1 3 7 100 2049 30000; do
    python3 - "$D/ties$n.csv" "$n" <<'PY'
import csv, random, sys, datetime
path, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(n * 7919)
with open(path, 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['id', 'k', 'v', 'd', 'g', 'e'])
    for i in range(n):
        k = '' if rnd.random() < 0.3 else rnd.randint(-3, 6)            # few values: ties everywhere
        v = '' if rnd.random() < 0.1 else round(rnd.choice([0.5, 1.25, 2, 99.99, rnd.uniform(-50, 500)]), 2)
        d = '' if rnd.random() < 0.2 else (datetime.date(2024, 1, 1) + datetime.timedelta(rnd.randint(0, 40))).isoformat()
        g = rnd.choice(['a', 'b', ''])
        w.writerow([i + 1, k, v, d, g, ''])
PY
    diffpy "$R/ties.seg" "$R/ties.sql" "$D/ties$n.csv" $TODAY "ties$n"
done

# a .segc carries the rankings: the same report as the rules
seg_exec "$D" compile "$R/customers.seg" --data "$EXD" --today $TODAY -o "$D/r.segc"
seg_exec "$D" run "$R/customers.seg" "$EXD" --today $TODAY --format csv
cp "$T_OUT" "$D/want.csv"
seg_exec "$D" run "$D/r.segc" "$EXD" --format csv
if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$D/want.csv"; then t_ok "ranks/segc_same_report"
else t_fail "ranks/segc_same_report" "rc $T_RC" "$(diff "$D/want.csv" "$T_OUT" | head -10)" "$(cat "$T_ERR")"; fi

# one thread or several: the same members (the first pass gathers each
# thread's values; the thresholds must not depend on their order)
for th in 1 3; do
    SEG_THREADS=$th seg_exec "$D" run "$R/ties.seg" "$D/ties30000.csv" --today $TODAY --members "$D/m$th.csv"
done
if cmp -s "$D/m1.csv" "$D/m3.csv" && [ -s "$D/m1.csv" ]; then t_ok "ranks/threads_same_members"
else t_fail "ranks/threads_same_members" "$(diff "$D/m1.csv" "$D/m3.csv" | head -5)"; fi

# `require`: the guard is part of every segment, rankings included; the
# ranking itself is over the whole base (the definition's population)
printf 'require email_opt_in is true\nsegment whales = total_spend in top 10%%\n' > "$D/guard.seg"
printf 'segment whales = total_spend in top 10%% and email_opt_in is true\n' > "$D/noguard.seg"
seg_exec "$D" run guard.seg "$EXD" --today $TODAY --members "$D/g1.csv"
seg_exec "$D" run noguard.seg "$EXD" --today $TODAY --members "$D/g2.csv"
if cmp -s "$D/g1.csv" "$D/g2.csv" && [ "$(wc -l < "$D/g1.csv")" -gt 1 ]; then t_ok "ranks/guard_ands_the_ranking"
else t_fail "ranks/guard_ands_the_ranking" "$(diff "$D/g1.csv" "$D/g2.csv" | head -5)"; fi

# explain shows the two passes
seg_exec "$D" explain "$R/customers.seg" --data "$EXD" --today $TODAY
if grep -q "^; pass 1 " "$T_OUT" && grep -q "^; pass 2: the segments" "$T_OUT" && grep -q "RVAL_F" "$T_OUT" &&
   grep -q "NTILE_" "$T_OUT" && grep -q "RTOP_F" "$T_OUT"; then t_ok "ranks/explain_two_passes"
else t_fail "ranks/explain_two_passes" "$(head -30 "$T_OUT")"; fi

t_summary ranks
