#!/usr/bin/env bash
# tests/bench_smoke.sh -- runs `make bench` at a tiny size so the benchmark
# cannot rot. Asserts only that it completes and that every engine agreed
# on the counts (bench/run.sh exits 1 on any disagreement); never a timing.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
gen="$(dirname "$SEG")/gencustomers"
if BENCH_ROWS=3000 BENCH_OUT="$T_TMP/bench" BENCH_NO_HYPERFINE=1 SEG="$SEG" GEN="$gen" \
   bash "$here/../bench/run.sh" > "$T_TMP/bench.log" 2>&1; then
    t_ok "bench/smoke: make bench at 3000 rows, counts agree across seg, C and sqlite3"
else
    t_fail "bench/smoke: bench/run.sh failed" "$(tail -n 30 "$T_TMP/bench.log")"
fi
t_summary bench_smoke
