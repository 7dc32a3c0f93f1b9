#!/usr/bin/env bash
# tests/bench_smoke.sh -- runs `make bench` at a tiny size so the benchmark
# cannot rot. Asserts that it completes, that every engine agreed on the
# counts (bench/run.sh exits 1 on any disagreement), that the table names
# every workload, and that a disagreement is caught; never a timing.
# DuckDB takes part only if bench/peers/ already has it (smoke mode never
# installs); callgrind is skipped for a sanitizer build.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
gen="$(dirname "$SEG")/gencustomers"
out=$T_TMP/bench

if BENCH_ROWS=2000 BENCH_OUT="$out" BENCH_NO_HYPERFINE=1 SEG="$SEG" GEN="$gen" \
   bash "$here/../bench/run.sh" > "$T_TMP/bench.log" 2>&1; then
    t_ok "bench/smoke: bench/run.sh at 2000 rows, counts agree across seg, C and the peers"
    missing=""
    for w in "W1 " "W2 " "W2-text " "W3 " "W4 " "W5 " "W6 " "W7 " "Ir/row"; do
        grep -q "^| $w" "$out/table.md" 2>/dev/null || missing+=" '$w'"
    done
    if [ -z "$missing" ] && grep -q "seg/C" "$out/table.md"; then
        t_ok "bench/smoke: table.md has a row for every workload"
    else
        t_fail "bench/smoke: table.md lacks workloads:$missing" "$(cat "$out/table.md" 2>/dev/null)"
    fi
    if grep -Eq "$T_SAN_RE" "$out/bench.log"; then
        t_fail "bench/smoke: sanitizer report during the bench" "$(grep -E -A5 "$T_SAN_RE" "$out/bench.log" | head -n 20)"
    else
        t_ok "bench/smoke: no sanitizer report in bench.log"
    fi
else
    t_fail "bench/smoke: bench/run.sh failed" "$(tail -n 30 "$T_TMP/bench.log")"
fi

# A seg that miscounts W1 by one member: the bench must stop with exit 1.
fake=$T_TMP/fakeseg
cat > "$fake" <<EOF
#!/usr/bin/env bash
if [ "\$1" = run ]; then
    "$SEG" "\$@" | awk -F, '\$1 == "w1" { \$2 = \$2 + 1 } { print }' OFS=,
    exit "\${PIPESTATUS[0]}"
fi
exec "$SEG" "\$@"
EOF
chmod +x "$fake"
BENCH_ROWS=2000 BENCH_OUT="$out" BENCH_NO_HYPERFINE=1 BENCH_NO_DUCKDB=1 BENCH_NO_CALLGRIND=1 \
    SEG="$fake" GEN="$gen" bash "$here/../bench/run.sh" > "$T_TMP/bench.bad.log" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "W1: COUNTS DISAGREE" "$T_TMP/bench.bad.log"; then
    t_ok "bench/smoke: a miscount is caught (exit 1, COUNTS DISAGREE)"
else
    t_fail "bench/smoke: a miscount was not caught (exit $rc)" "$(tail -n 20 "$T_TMP/bench.bad.log")"
fi
t_summary bench_smoke
