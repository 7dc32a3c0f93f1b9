#!/usr/bin/env bash
# bench/run.sh -- `make bench`: seg against hand-written C loops, DuckDB
# (C API) and sqlite3, all measured in the same run on the same generated
# data.  Workloads W1..W7 of issue 4, W8 of issue 15; see bench/README.md.
#
#   bash bench/run.sh                     10 000 000 customers (BENCH_ROWS)
#   BENCH_ROWS=1000000 bash bench/run.sh  a shorter run
#   BENCH_ROWS=2000 bash bench/run.sh     smoke mode: same steps, same table, seconds
#
# Environment:
#   BENCH_ROWS     customers to generate (default 10000000); at most 10000
#                  is smoke mode (no network: DuckDB only if already installed)
#   BENCH_OUT      output folder (default bench/out, git-ignored); the table
#                  is also written to $BENCH_OUT/table.md
#   SEG, GEN       binaries (default build/seg, build/gencustomers)
#   CC             compiler for the C helpers in bench/ (default cc)
#   BENCH_NO_HYPERFINE=1   time with `date +%s.%N` even if hyperfine is installed
#   BENCH_RUNS     runs per timing (default: 10, 5, 3 or 1 by the duration
#                  of the checking run; 20 for W5; 3 in smoke mode)
#   BENCH_NO_DUCKDB=1      skip DuckDB;  BENCH_NO_SQLITE=1  skip sqlite3
#   BENCH_NO_CLICKHOUSE=1  skip the 2-shard ClickHouse cluster (never run in smoke mode)
#   BENCH_NO_CALLGRIND=1   skip the instructions-per-row figures
#   BENCH_CALLGRIND_ROWS   rows for callgrind (default 200000, capped at BENCH_ROWS)
#   BENCH_FRESH=1  rebuild the cached sqlite3 database (and time its load)
#   BENCH_ONLY=w2text  only W2-text (text tests on the all-distinct e-mail
#                  column) with its peers; imports the .segcol and loads
#                  DuckDB's table first when they are missing or older than
#                  the CSV
#   DUCKDB_LIB     libduckdb.so to use instead of the npm package's
#   BENCH_W8=peers W8's DuckDB half even while seg run has no --table
#
# No figure is asserted: the script fails (exit 1) only when the engines
# disagree on a count, or when a step itself fails.  Targets are printed
# next to the measured ratios and never fail the run.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ROWS=${BENCH_ROWS:-10000000}
OUT=${BENCH_OUT:-bench/out}
SEG=${SEG:-build/seg}
GEN=${GEN:-build/gencustomers}
CC=${CC:-cc}
TODAY=2026-11-23
SEED=42
PEERS=bench/peers
DUCKDB_PKG=@duckdb/node-api@1.5.6-r.1
DUCKDB_LIB=${DUCKDB_LIB:-$PEERS/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so}

ONLY=${BENCH_ONLY:-}
[ -z "$ONLY" ] || [ "$ONLY" = w2text ] || { echo "bench: BENCH_ONLY must be w2text, got '$ONLY'" >&2; exit 2; }
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_ROWS must be a positive integer, got '$ROWS'" >&2; exit 2; }
[ -z "${BENCH_RUNS:-}" ] || [[ $BENCH_RUNS =~ ^[1-9][0-9]*$ ]] ||
  { echo "bench: BENCH_RUNS must be a positive integer, got '$BENCH_RUNS'" >&2; exit 2; }
for b in "$SEG" "$GEN"; do
  [ -x "$b" ] || { echo "bench: $b not built (run 'make all' first)" >&2; exit 2; }
done
SMOKE=0; [ "$ROWS" -le 10000 ] && SMOKE=1
mkdir -p "$OUT"

CSV=$OUT/customers.csv
SEGCOL=$OUT/customers.segcol
DB=$OUT/customers.db
DUCK=$OUT/customers.duckdb
HLDIR=$OUT/handloop.d
LOG=$OUT/bench.log
: >"$LOG"

if [ -z "${BENCH_NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null; then
  TIMER=hyperfine
else
  TIMER="date"
fi

# 1-minute load average: on a shared machine, wall times depend on it
loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }
LOAD0=$(loadavg)

# ---- helpers ---------------------------------------------------------------

say() { printf '%s\n' "$*" >&2; }

fail() {
  printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
  printf '!!! bench: %s\n' "$@" >&2
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
  exit 1
}

# agree WORKLOAD NAME1 COUNT1 NAME2 COUNT2 ... -- all counts must be equal
# (and not empty).
agree() {
  local w=$1; shift
  local first=$2 desc="" ok=1
  while [ $# -ge 2 ]; do
    desc+=" $1=$2"
    [ -n "$2" ] && [ "$2" = "$first" ] || ok=0
    shift 2
  done
  [ "$ok" = 1 ] || fail "$w: COUNTS DISAGREE:$desc"
  say "  $w: counts agree:$desc"
}

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.9f", a - b }'; }

# check OUTFILE CMD ARGS... -- the checking run: runs CMD once with its
# standard output in OUTFILE, fails the bench if it fails, and leaves its
# wall time in CHECK_T (which picks the number of timed runs).  It is also
# the warm-up of the timings that follow.
CHECK_T=0
check() {
  local out=$1; shift
  local t0; t0=$(now)
  if ! "$@" >"$out" 2>>"$LOG"; then
    tail -n 20 "$LOG" >&2
    fail "step failed: $*"
  fi
  CHECK_T=$(sub "$(now)" "$t0")
}

# nruns -- how many timed runs, from the checking run's duration
nruns() {
  if [ -n "${BENCH_RUNS:-}" ]; then echo "$BENCH_RUNS"; return; fi
  if [ "$SMOKE" = 1 ]; then echo 3; return; fi
  awk -v t="$CHECK_T" 'BEGIN { print t < 0.5 ? 10 : t < 5 ? 5 : t < 30 ? 3 : 1 }'
}

# measure RUNS CMD ARGS... -- prints "median min max cpu" in seconds of the
# whole process (no warm-up: the checking run came just before); cpu is
# hyperfine's mean user + system time, "-" with the date timer.  Standard
# output of CMD is discarded.
measure() {
  local runs=$1; shift
  if [ "$TIMER" = hyperfine ]; then
    local cmd csv=$OUT/.hyperfine.csv
    cmd=$(printf '%q ' "$@")
    if ! hyperfine -N --runs "$runs" --style none --export-csv "$csv" "$cmd" \
         >/dev/null 2>>"$LOG"; then
      tail -n 20 "$LOG" >&2
      fail "command failed: $cmd"
    fi
    # command,mean,stddev,median,user,system,min,max: take the last fields
    awk -F, 'NR == 2 { printf "%s %s %s %.9f\n", $(NF-4), $(NF-1), $NF, $(NF-3) + $(NF-2) }' "$csv"
  else
    local i t0 t1 ts=()
    for ((i = 0; i < runs; i++)); do
      t0=$(now)
      "$@" >/dev/null 2>>"$LOG" || fail "command failed: $*"
      t1=$(now)
      ts+=("$(sub "$t1" "$t0")")
    done
    printf '%s\n' "${ts[@]}" | sort -g | awk '{ t[NR] = $1 }
      END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%.9f %.9f %.9f -\n", m, t[1], t[NR] }'
  fi
}

# timed OUTFILE CMD ARGS... -- check, then measure: "median min max cpu" in TIMED
timed() {
  local out=$1; shift
  check "$out" "$@"
  TIMED=$(measure "$(nruns)" "$@")
}

# median / min / max of numbers on stdin
median() { sort -g | awk '{ t[NR] = $1 } END { print NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'; }

calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# human-readable duration of a number of seconds
dur() {
  awk -v s="$1" 'BEGIN {
    if (s == "" || s == "-") { print "-"; exit }
    a = s < 0 ? -s : s
    if (a >= 1) printf "%.2f s", s; else if (a >= 1e-3) printf "%.2f ms", s * 1e3
    else if (a >= 1e-6) printf "%.1f us", s * 1e6; else printf "%.0f ns", s * 1e9 }'
}
per_row() {
  awk -v s="$1" -v n="$ROWS" 'BEGIN { x = s * 1e9 / n; a = x < 0 ? -x : x
    printf (a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f") " ns", x }'
}
mib() { awk -v b="$1" 'BEGIN { printf (b >= 1048576 * 100 ? "%.0f MiB" : "%.1f MiB"), b / 1048576 }'; }

# ratio NUM DEN -- "1.23x" (NUM/DEN), or "n/a" when either is not positive
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) { r = a / b
    printf (r >= 100 ? "%.0fx" : r >= 10 ? "%.1fx" : "%.2fx"), r } else printf "n/a" }'
}
# met VALUE OP LIMIT -- "yes" / "no" (or "n/a" when VALUE is not a number)
met() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v !~ /^[0-9.eE+-]+$/ || v <= 0) { print "n/a"; exit }
    ok = op == "<=" ? v <= l : op == ">=" ? v >= l : op == "<" ? v < l : v > l
    print ok ? "yes" : "**no**" }'
}
num() { sed 's/x$//' <<<"$1"; }   # "1.23x" -> 1.23

# The table: workload | engine / figure | median | min .. max | per row |
# ratio | target | met | notes
TABLE=()
row() { TABLE+=("$1|$2|$3|$4|$5|$6|$7|$8|$9"); }
# trow WORKLOAD ENGINE MED MIN MAX RATIO TARGET MET NOTES [CPU] -- a timing;
# [CPU]: mean CPU seconds of the runs, added to the notes
trow() {
  local r="-" notes=$9
  [ "$4" = "-" ] || r="$(dur "$4") .. $(dur "$5")"
  if [ -n "${10:-}" ] && [ "${10}" != "-" ]; then notes="CPU $(dur "${10}")${notes:+; $notes}"; fi
  row "$1" "$2" "$(dur "$3")" "$r" "$([ -n "${NO_PER_ROW:-}" ] && echo - || per_row "$3")" "$6" "$7" "$8" "$notes"
}
skip_row() { row "$1" "$2" "-" "-" "-" "-" "$3" "-" "skipped: $4"; }

# rss NAME CMD... -- peak RSS in bytes of one run (after the checking runs above)
rss() {
  local name=$1; shift
  "$MAXRSS" "$OUT/rss.$name" "$@" >/dev/null 2>>"$LOG" || fail "step failed: $*"
  awk '{ print $1 * 1024 }' "$OUT/rss.$name"
}
# seg_counts FILE -- comma-separated counts from `seg run --format csv`
seg_counts() { awk -F, 'NR > 1 { printf "%s%s", s, $2; s = "," } END { print "" }' "$1"; }
# field KEY FILE -- the value of KEY=value in a handloop/driver output line
field() { tr ' ' '\n' <"$2" | awk -F= -v k="$1" '$1 == k { print $2 }'; }

# ---- 0. peers --------------------------------------------------------------

build_helper() {   # build_helper NAME FLAGS... -- $OUT/NAME from bench/NAME.c
  local name=$1; shift
  if [ ! -x "$OUT/$name" ] || [ "bench/$name.c" -nt "$OUT/$name" ]; then
    "$CC" -std=c11 -Wall -Wextra -Werror "$@" -o "$OUT/$name.tmp" "bench/$name.c" ${LDLIBS:-} 2>>"$LOG" ||
      { tail -n 20 "$LOG" >&2; fail "cannot build bench/$name.c"; }
    mv "$OUT/$name.tmp" "$OUT/$name"
  fi
}
HANDLOOP=$OUT/handloop
MAXRSS=$OUT/maxrss
DRIVER=$OUT/duckdb_driver
build_helper handloop -O3
build_helper maxrss -O2
LDLIBS=-ldl build_helper duckdb_driver -O2

HAVE_SQLITE=0 HAVE_DUCKDB=0 HAVE_CALLGRIND=0
SQLITE_WHY="" DUCKDB_WHY="" CALLGRIND_WHY=""
if [ -n "${BENCH_NO_SQLITE:-}" ]; then SQLITE_WHY="BENCH_NO_SQLITE is set"
elif command -v sqlite3 >/dev/null; then HAVE_SQLITE=1
else SQLITE_WHY="sqlite3 is not installed (tools/install-deps.sh installs it)"; fi

if [ -n "${BENCH_NO_DUCKDB:-}" ]; then
  DUCKDB_WHY="BENCH_NO_DUCKDB is set"
else
  if [ ! -f "$DUCKDB_LIB" ] && [ "$SMOKE" = 0 ] && command -v npm >/dev/null; then
    say "peers: installing DuckDB ($DUCKDB_PKG) into $PEERS/"
    mkdir -p "$PEERS"
    timeout 600 npm install --prefix "$PEERS" --no-audit --no-fund "$DUCKDB_PKG" >>"$LOG" 2>&1 ||
      say "  npm install failed (see $LOG)"
  fi
  if [ ! -f "$DUCKDB_LIB" ]; then
    if [ "$SMOKE" = 1 ]; then DUCKDB_WHY="not installed (smoke mode does not install; run a full bench once)"
    elif ! command -v npm >/dev/null; then DUCKDB_WHY="npm not found, cannot install $DUCKDB_PKG"
    else DUCKDB_WHY="cannot install $DUCKDB_PKG (see $LOG)"; fi
  elif DUCKDB_VERSION=$("$DRIVER" --lib "$DUCKDB_LIB" --version 2>>"$LOG"); then
    HAVE_DUCKDB=1
  else
    DUCKDB_WHY="cannot load $DUCKDB_LIB (see $LOG)"
  fi
fi

if [ -n "${BENCH_NO_CALLGRIND:-}" ]; then CALLGRIND_WHY="BENCH_NO_CALLGRIND is set"
elif ! command -v valgrind >/dev/null; then CALLGRIND_WHY="valgrind is not installed"
elif grep -q -a -m1 __asan_init "$SEG"; then CALLGRIND_WHY="$SEG is built with AddressSanitizer"
else HAVE_CALLGRIND=1; fi

DUCK_RUN=("$DRIVER" --lib "$DUCKDB_LIB")
[ "$HAVE_SQLITE" = 1 ] && say "peers: sqlite3 $(sqlite3 --version | cut -d' ' -f1)" || say "peers: sqlite3 skipped: $SQLITE_WHY"
[ "$HAVE_DUCKDB" = 1 ] && say "peers: DuckDB $DUCKDB_VERSION (C API, $DUCKDB_LIB)" || say "peers: DuckDB skipped: $DUCKDB_WHY"
[ "$HAVE_CALLGRIND" = 1 ] || say "callgrind skipped: $CALLGRIND_WHY"

# ---- 1. data -----------------------------------------------------------------

STAMP="gencustomers rows=$ROWS seed=$SEED gen=$(cksum <"$GEN" | cut -d' ' -f1)"
if [ -f "$CSV" ] && [ -f "$CSV.stamp" ] && [ "$(cat "$CSV.stamp")" = "$STAMP" ]; then
  say "data: $CSV is up to date ($ROWS rows, seed $SEED)"
else
  say "data: generating $ROWS customers (seed $SEED) -> $CSV"
  rm -f "$CSV.stamp" "$DB.stamp" "$HLDIR/stamp"
  "$GEN" --rows "$ROWS" --seed "$SEED" -o "$CSV"
  echo "$STAMP" >"$CSV.stamp"
fi
CSV_BYTES=$(stat -c %s "$CSV")
say "  CSV: $CSV_BYTES bytes; timer: $TIMER"

# the hand loops' raw columns (untimed)
HL_STAMP="$(cat "$CSV.stamp") handloop=$(cksum <"$HANDLOOP" | cut -d' ' -f1)"
if [ ! -f "$HLDIR/stamp" ] || [ "$(cat "$HLDIR/stamp")" != "$HL_STAMP" ]; then
  say "data: writing the hand loops' raw columns -> $HLDIR/"
  "$HANDLOOP" prepare "$CSV" "$HLDIR" >>"$LOG" 2>&1 || { tail -n 5 "$LOG" >&2; fail "handloop prepare failed"; }
  echo "$HL_STAMP" >"$HLDIR/stamp"
fi

# ---- W2-text: text tests on an all-distinct column (run after W2) ---------------------
# bench/w2text.seg: suffixes (two in one condition), a prefix and a
# substring on the e-mails (all distinct: seg tests each row's bytes), a
# prefix on first_name (a dictionary); against the C loop over pre-folded
# e-mails and DuckDB, and seg itself with the dictionary path forced
# (SEG_TEXT_ROWS=never: what every text test did before).
w2text() {
  local rules=bench/w2text.seg W c
  W="W2-text bench/w2text.seg ($(grep -c '^segment ' bench/w2text.seg) segments)"
  say "W2-text: seg run"
  timed "$OUT/w2t.out" "$SEG" run "$rules" "$SEGCOL" --today "$TODAY" --format csv
  read -r WT_MED WT_MIN WT_MAX WT_CPU <<<"$TIMED"
  local seg_c; seg_c=$(seg_counts "$OUT/w2t.out")
  timed "$OUT/w2t.dict.out" env SEG_TEXT_ROWS=never "$SEG" run "$rules" "$SEGCOL" --today "$TODAY" --format csv
  read -r WTD_MED WTD_MIN WTD_MAX WTD_CPU <<<"$TIMED"
  local dict_c; dict_c=$(seg_counts "$OUT/w2t.dict.out")
  say "W2-text: C hand loop"
  check "$OUT/hl.w2t.out" "$HANDLOOP" w2text "$HLDIR" --repeat 5
  local c_c; c_c=$(field counts "$OUT/hl.w2t.out")
  local cl_med cl_min cl_max
  cl_med=$(field loop_median "$OUT/hl.w2t.out") cl_min=$(field loop_min "$OUT/hl.w2t.out") cl_max=$(field loop_max "$OUT/hl.w2t.out")
  read -r CWT_MED CWT_MIN CWT_MAX CWT_CPU < <(measure "$(nruns)" "$HANDLOOP" w2text "$HLDIR")
  local counts=(seg "$seg_c" "seg-dictionary" "$dict_c" C "$c_c")
  if [ "$HAVE_DUCKDB" = 1 ]; then
    say "W2-text: DuckDB (stored table)"
    timed "$OUT/duck.w2t.out" "${DUCK_RUN[@]}" "$DUCK" @bench/w2text.duckdb.sql
    read -r DWT_MED DWT_MIN DWT_MAX DWT_CPU <<<"$TIMED"
    counts+=(duckdb "$(cat "$OUT/duck.w2t.out")")
  fi
  agree "W2-text (per segment, in file order)" "${counts[@]}"
  for c in $(tr ',' ' ' <<<"$seg_c"); do
    { [ "$c" -gt 0 ] && [ "$c" -lt "$ROWS" ]; } || say "  note: a W2-text segment counts $c of $ROWS rows (trivial at this size)"
  done
  local r; r=$(ratio "$WT_MED" "$CWT_MED")
  trow "$W" "seg run (whole process)" "$WT_MED" "$WT_MIN" "$WT_MAX" "seg/C $r" "<= 2x" \
      "$(met "$(num "$r")" "<=" 2)" "counts $seg_c; e-mail tests per row" "$WT_CPU"
  trow "" "seg run, dictionary forced" "$WTD_MED" "$WTD_MIN" "$WTD_MAX" "vs seg $(ratio "$WTD_MED" "$WT_MED")" "-" "-" \
      "SEG_TEXT_ROWS=never: a table per distinct e-mail" "$WTD_CPU"
  trow "" "C loop (whole process)" "$CWT_MED" "$CWT_MIN" "$CWT_MAX" "-" "-" "-" \
      "pre-folded e-mails (u32 offsets + bytes), first_name codes" "$CWT_CPU"
  trow "" "C loop (loop only)" "$cl_med" "$cl_min" "$cl_max" "-" "-" "-" "5 loops in one process"
  if [ "$HAVE_DUCKDB" = 1 ]; then
    r=$(ratio "$DWT_MED" "$WT_MED")
    trow "" "DuckDB stored table (whole process)" "$DWT_MED" "$DWT_MIN" "$DWT_MAX" "DuckDB/seg $r" ">= 10x" \
        "$(met "$(num "$r")" ">=" 10)" "bench/w2text.duckdb.sql: one pass, count(*) FILTER" "$DWT_CPU"
  else
    skip_row "" "DuckDB stored table" ">= 10x" "$DUCKDB_WHY"
  fi
}

# ---- the table (printed at the end) -----------------------------------------------------

print_table() {
  local head
  head="seg bench: $ROWS customers (gencustomers --seed $SEED, $(calc "%.1f" "$CSV_BYTES / 1e6") MB CSV), today $TODAY, timer $TIMER, $(nproc) CPUs"
  [ "$HAVE_DUCKDB" = 1 ] && head+=", DuckDB $DUCKDB_VERSION (default threads)"
  [ "$HAVE_SQLITE" = 1 ] && head+=", sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
  head+=", load average $LOAD0 at start, $(loadavg) at end"
  {
    echo "$head"
    echo
    {
      echo "workload|engine / figure|median|min .. max|per row|ratio|target|met|notes"
      echo "-|-|-|-|-|-|-|-|-"
      printf '%s\n' "${TABLE[@]}"
    } | awk -F'|' '
      { for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; nf = NF }
      END { for (r = 1; r <= n; r++) {
              line = "|"
              for (i = 1; i <= nf; i++) {
                v = c[r, i]
                if (r == 2) { v = ""; for (k = 0; k < w[i]; k++) v = v "-"; if (i >= 3 && i <= 5) v = substr(v, 2) ":" }
                pad = w[i] - length(v)
                # right-align the figures
                if (i >= 3 && i <= 5 && r > 2) line = line " " sprintf("%" pad "s", "") v " |"
                else line = line " " v sprintf("%" pad "s", "") " |"
              }
              print line
            } }'
    echo
    echo "Whole process = fork/exec to exit. seg evaluation (estimate) = median whole run - median run with"
    echo "no segments on the same .segcol. CPU = mean user + system time of the timed runs (hyperfine only)."
    echo "Ratios are of medians from this run; targets are goals, not checks."
    echo "All counts were checked equal across engines before any figure was printed."
  } | tee "$OUT/table.md"
}

if [ "$ONLY" = w2text ]; then
  if [ ! -f "$SEGCOL" ] || [ "$CSV" -nt "$SEGCOL" ]; then
    say "W2-text: seg import (untimed) -> $SEGCOL"
    "$SEG" import "$CSV" -o "$SEGCOL" --force >>"$LOG" 2>&1 || fail "seg import failed (see $LOG)"
  fi
  if [ "$HAVE_DUCKDB" = 1 ] && { [ ! -f "$DUCK" ] || [ "$CSV" -nt "$DUCK" ]; }; then
    say "W2-text: DuckDB load (untimed) -> $DUCK"
    sed "s#@CSV@#$CSV#" bench/duckdb_load.sql >"$OUT/duckdb_load.sql"
    "${DUCK_RUN[@]}" --fresh "$DUCK" "@$OUT/duckdb_load.sql" >>"$LOG" 2>&1 || fail "DuckDB load failed (see $LOG)"
  fi
  w2text
  print_table
  exit 0
fi

# ---- 2. W4: import -------------------------------------------------------------

say "W4: seg import"
check "$OUT/import.out" "$SEG" import "$CSV" -o "$SEGCOL"
grep -q "imported $ROWS rows" "$LOG" || fail "W4: seg import did not report $ROWS rows (see $LOG)"
read -r IMP_MED IMP_MIN IMP_MAX IMP_CPU < <(measure "$(nruns)" "$SEG" import "$CSV" -o "$SEGCOL")
"$MAXRSS" "$OUT/rss.w4" "$SEG" import "$CSV" -o "$SEGCOL" 2>>"$LOG" || fail "W4: seg import failed"
read -r RSS_W4 CPU_W4 <"$OUT/rss.w4"
SEGCOL_BYTES=$(stat -c %s "$SEGCOL")
IMP_MBS=$(calc "%.1f" "$CSV_BYTES / 1e6 / $IMP_MED")
IMP_MBS_CORE=$(calc "%.1f" "$CSV_BYTES / 1e6 / $CPU_W4")
trow "W4 import CSV" "seg import -> .segcol" "$IMP_MED" "$IMP_MIN" "$IMP_MAX" \
    "$IMP_MBS_CORE MB/s per core" ">= 150 MB/s per core (issue 16)" "$(met "$IMP_MBS_CORE" ">=" 150)" \
    "$IMP_MBS MB/s of CSV (wall); per core = CSV / CPU seconds ($(dur "$CPU_W4"))" "$IMP_CPU"

if [ "$HAVE_DUCKDB" = 1 ]; then
  say "W4: DuckDB load into its own file"
  sed "s#@CSV@#$CSV#" bench/duckdb_load.sql >"$OUT/duckdb_load.sql"
  check "$OUT/duck.load.out" "${DUCK_RUN[@]}" --fresh "$DUCK" "@$OUT/duckdb_load.sql" \
    "SELECT count(*) FROM customers"
  agree "W4 rows" seg "$ROWS" duckdb "$(cat "$OUT/duck.load.out")"
  read -r DL_MED DL_MIN DL_MAX DL_CPU < <(measure "$(nruns)" "${DUCK_RUN[@]}" --fresh "$DUCK" "@$OUT/duckdb_load.sql")
  R=$(ratio "$DL_MED" "$IMP_MED")
  trow "" "DuckDB CREATE TABLE AS read_csv -> file" "$DL_MED" "$DL_MIN" "$DL_MAX" \
      "DuckDB/seg $R" ">= 2.5x" "$(met "$(num "$R")" ">=" 2.5)" \
      "$(calc "%.1f" "$CSV_BYTES / 1e6 / $DL_MED") MB/s of CSV (wall)" "$DL_CPU"
else
  skip_row "" "DuckDB load into its file" ">= 2.5x" "$DUCKDB_WHY"
fi

if [ "$HAVE_SQLITE" = 1 ]; then
  DB_STAMP="$(cat "$CSV.stamp") load=$(cksum <examples/sql/load.sql | cut -d' ' -f1)"
  if [ -z "${BENCH_FRESH:-}" ] && [ -f "$DB" ] && [ -f "$DB.stamp" ] && [ "$(cat "$DB.stamp")" = "$DB_STAMP" ]; then
    say "W4: sqlite3: $DB is up to date (BENCH_FRESH=1 rebuilds and times it)"
    row "" "sqlite3 .import + typed INSERT" "-" "-" "-" "-" "-" "-" "cached database, not timed in this run (BENCH_FRESH=1)"
  else
    say "W4: sqlite3: loading $CSV into $DB (examples/sql/load.sql, one timed run)"
    rm -f "$DB" "$DB.tmp" "$DB.stamp"
    # examples/sql/load.sql is the project's typed load (NULLIF for empties,
    # CASTs, booleans as 0/1); only its input path changes.
    sed "s#examples/customers.csv#$CSV#" examples/sql/load.sql >"$OUT/sqlite_load.sql"
    t0=$(now)
    sqlite3 "$DB.tmp" <"$OUT/sqlite_load.sql" 2>>"$LOG" || fail "sqlite3 load failed (see $LOG)"
    SL_T=$(sub "$(now)" "$t0")
    mv "$DB.tmp" "$DB"
    echo "$DB_STAMP" >"$DB.stamp"
    R=$(ratio "$SL_T" "$IMP_MED")
    trow "" "sqlite3 .import + typed INSERT" "$SL_T" "$SL_T" "$SL_T" "sqlite/seg $R" "-" "-" "one run"
  fi
  DB_ROWS=$(sqlite3 "$DB" 'SELECT count(*) FROM customers;')
  agree "W4 rows" seg "$ROWS" sqlite3 "$DB_ROWS"
else
  skip_row "" "sqlite3 load" "-" "$SQLITE_WHY"
fi

# ---- 3. W1: age 25..40 and purchases_90d > 3 ----------------------------------------

W1_RULES=$OUT/w1.seg
EMPTY_RULES=$OUT/empty.seg
printf 'segment w1 = age 25..40 and purchases_90d > 3\n' >"$W1_RULES"
printf '# no segments: seg opens, checks and maps the file, then evaluates nothing\nlet unused = 1\n' >"$EMPTY_RULES"
W1_SQL='SELECT count(*) FROM customers WHERE age BETWEEN 25 AND 40 AND purchases_90d > 3;'
W="W1 age 25..40 and p90 > 3"

say "W1: seg run"
check "$OUT/w1.out" "$SEG" run "$W1_RULES" "$SEGCOL" --today "$TODAY" --format csv
SEG_W1=$(seg_counts "$OUT/w1.out")
read -r RUN_MED RUN_MIN RUN_MAX RUN_CPU < <(measure "$(nruns)" "$SEG" run "$W1_RULES" "$SEGCOL" --today "$TODAY" --format csv)
check "$OUT/empty.out" "$SEG" run "$EMPTY_RULES" "$SEGCOL" --today "$TODAY" --format csv
read -r EMP_MED EMP_MIN EMP_MAX EMP_CPU < <(measure "$(nruns)" "$SEG" run "$EMPTY_RULES" "$SEGCOL" --today "$TODAY" --format csv)
EVAL_W1=$(sub "$RUN_MED" "$EMP_MED")

say "W1: C hand loop"
check "$OUT/hl.w1.out" "$HANDLOOP" w1 "$HLDIR" --repeat 5
C_W1=$(field count "$OUT/hl.w1.out")
CL_MED=$(field loop_median "$OUT/hl.w1.out") CL_MIN=$(field loop_min "$OUT/hl.w1.out") CL_MAX=$(field loop_max "$OUT/hl.w1.out")
read -r CW_MED CW_MIN CW_MAX CW_CPU < <(measure "$(nruns)" "$HANDLOOP" w1 "$HLDIR")

COUNTS_W1=(seg "$SEG_W1" C "$C_W1")
if [ "$HAVE_DUCKDB" = 1 ]; then
  say "W1: DuckDB (stored table)"
  check "$OUT/duck.w1.out" "${DUCK_RUN[@]}" --repeat 5 "$DUCK" "$W1_SQL"
  COUNTS_W1+=(duckdb "$(cat "$OUT/duck.w1.out")")
  read -r DQ1_MED DQ1_MIN DQ1_MAX < <(grep '^query:' "$LOG" | tail -n 1 | tr ' ' '\n' | awk -F= '
    $1 == "median" { m = $2 } $1 == "min" { a = $2 } $1 == "max" { b = $2 } END { print m, a, b }')
  read -r DW1_MED DW1_MIN DW1_MAX DW1_CPU < <(measure "$(nruns)" "${DUCK_RUN[@]}" "$DUCK" "$W1_SQL")
fi
if [ "$HAVE_SQLITE" = 1 ]; then
  say "W1: sqlite3"
  check "$OUT/sqlite.w1.out" sqlite3 "$DB" "$W1_SQL"
  COUNTS_W1+=(sqlite3 "$(cat "$OUT/sqlite.w1.out")")
  read -r SW1_MED SW1_MIN SW1_MAX SW1_CPU < <(measure "$(nruns)" sqlite3 "$DB" "$W1_SQL")
  # the query alone: 5 runs in one session with .timer on ("Run Time: real S ...")
  SQLQ=$( { echo '.timer on'; for _ in 1 2 3 4 5; do echo "$W1_SQL"; done; } | sqlite3 "$DB" |
    awk '/^Run Time:/ { print $4 }')
  SQ1_MED=$(median <<<"$SQLQ"); SQ1_MIN=$(sort -g <<<"$SQLQ" | head -1); SQ1_MAX=$(sort -g <<<"$SQLQ" | tail -1)
fi
agree W1 "${COUNTS_W1[@]}"

R=$(ratio "$RUN_MED" "$CW_MED")
trow "$W" "seg run (whole process)" "$RUN_MED" "$RUN_MIN" "$RUN_MAX" "seg/C $R" "<= 1.5x" \
    "$(met "$(num "$R")" "<=" 1.5)" "count $SEG_W1; vs C hand loop, whole process" "$RUN_CPU"
trow "" "seg run, no segments (open+map)" "$EMP_MED" "$EMP_MIN" "$EMP_MAX" "-" "-" "-" \
    "fixed cost of opening the .segcol" "$EMP_CPU"
trow "" "seg evaluation (estimate)" "$EVAL_W1" "-" "-" "seg/C $(ratio "$EVAL_W1" "$CL_MED")" "-" "-" \
    "= whole - no segments; vs C loop only"
trow "" "C hand loop (whole process)" "$CW_MED" "$CW_MIN" "$CW_MAX" "-" "-" "-" \
    "count $C_W1; mmap int8 age + flag, uint8 p90" "$CW_CPU"
trow "" "C hand loop (loop only)" "$CL_MED" "$CL_MIN" "$CL_MAX" "-" "-" "-" "5 loops in one process"
if [ "$HAVE_DUCKDB" = 1 ]; then
  R=$(ratio "$DW1_MED" "$RUN_MED")
  trow "" "DuckDB stored table (whole process)" "$DW1_MED" "$DW1_MIN" "$DW1_MAX" "DuckDB/seg $R" ">= 3x" \
      "$(met "$(num "$R")" ">=" 3)" "C API driver: open file, query, print" "$DW1_CPU"
  trow "" "DuckDB stored table (query only)" "$DQ1_MED" "$DQ1_MIN" "$DQ1_MAX" \
      "DuckDB/seg $(ratio "$DQ1_MED" "$EVAL_W1")" "-" "-" "duckdb_query x5 in one process; vs seg estimate"
else
  skip_row "" "DuckDB stored table" ">= 3x" "$DUCKDB_WHY"
fi
if [ "$HAVE_SQLITE" = 1 ]; then
  trow "" "sqlite3 CLI (whole process)" "$SW1_MED" "$SW1_MIN" "$SW1_MAX" \
      "sqlite/seg $(ratio "$SW1_MED" "$RUN_MED")" "-" "-" "" "$SW1_CPU"
  trow "" "sqlite3 query (.timer real)" "$SQ1_MED" "$SQ1_MIN" "$SQ1_MAX" \
      "sqlite/seg $(ratio "$SQ1_MED" "$EVAL_W1")" "-" "-" "ms resolution; vs seg estimate"
else
  skip_row "" "sqlite3" "-" "$SQLITE_WHY"
fi

# ---- 4. W2: 20 segments over stored columns ----------------------------------------

W2_RULES=bench/w2.seg
NSEG=$(grep -c '^segment ' "$W2_RULES")
W="W2 bench/w2.seg ($NSEG segments)"
say "W2: seg run"
check "$OUT/w2.out" "$SEG" run "$W2_RULES" "$SEGCOL" --today "$TODAY" --format csv
SEG_W2=$(seg_counts "$OUT/w2.out")
read -r W2_MED W2_MIN W2_MAX W2_CPU < <(measure "$(nruns)" "$SEG" run "$W2_RULES" "$SEGCOL" --today "$TODAY" --format csv)
EVAL_W2=$(sub "$W2_MED" "$EMP_MED")

say "W2: C hand loop (vectorised)"
check "$OUT/hl.w2.out" "$HANDLOOP" w2 "$HLDIR" --repeat 5
C_W2=$(field counts "$OUT/hl.w2.out")
CL2_MED=$(field loop_median "$OUT/hl.w2.out") CL2_MIN=$(field loop_min "$OUT/hl.w2.out") CL2_MAX=$(field loop_max "$OUT/hl.w2.out")
read -r CW2_MED CW2_MIN CW2_MAX CW2_CPU < <(measure "$(nruns)" "$HANDLOOP" w2 "$HLDIR")

COUNTS_W2=(seg "$SEG_W2" C "$C_W2")
if [ "$HAVE_DUCKDB" = 1 ]; then
  say "W2: DuckDB (stored table)"
  check "$OUT/duck.w2.out" "${DUCK_RUN[@]}" --repeat 3 "$DUCK" @bench/w2.duckdb.sql
  COUNTS_W2+=(duckdb "$(cat "$OUT/duck.w2.out")")
  read -r DQ2_MED DQ2_MIN DQ2_MAX < <(grep '^query:' "$LOG" | tail -n 1 | tr ' ' '\n' | awk -F= '
    $1 == "median" { m = $2 } $1 == "min" { a = $2 } $1 == "max" { b = $2 } END { print m, a, b }')
  read -r DW2_MED DW2_MIN DW2_MAX DW2_CPU < <(measure "$(nruns)" "${DUCK_RUN[@]}" "$DUCK" @bench/w2.duckdb.sql)
fi
if [ "$HAVE_SQLITE" = 1 ]; then
  say "W2: sqlite3"
  check "$OUT/sqlite.w2.out" sqlite3 -csv "$DB" ".read bench/w2.sqlite.sql"
  COUNTS_W2+=(sqlite3 "$(cat "$OUT/sqlite.w2.out")")
  read -r SW2_MED SW2_MIN SW2_MAX SW2_CPU < <(measure "$(nruns)" sqlite3 -csv "$DB" ".read bench/w2.sqlite.sql")
fi
agree "W2 (per segment, in file order)" "${COUNTS_W2[@]}"
for c in $(tr ',' ' ' <<<"$SEG_W2"); do
  { [ "$c" -gt 0 ] && [ "$c" -lt "$ROWS" ]; } || say "  note: a W2 segment counts $c of $ROWS rows (trivial at this size)"
done

R=$(ratio "$W2_MED" "$CW2_MED")
trow "$W" "seg run (whole process)" "$W2_MED" "$W2_MIN" "$W2_MAX" "seg/C $R" "<= 2x" \
    "$(met "$(num "$R")" "<=" 2)" "vs C vectorised loop, whole process" "$W2_CPU"
trow "" "seg evaluation (estimate)" "$EVAL_W2" "-" "-" "seg/C $(ratio "$EVAL_W2" "$CL2_MED")" "-" "-" \
    "= whole - no segments; vs C loop only"
trow "" "C vectorised loop (whole process)" "$CW2_MED" "$CW2_MIN" "$CW2_MAX" "-" "-" "-" \
    "raw narrow columns, dictionary codes, folded text" "$CW2_CPU"
trow "" "C vectorised loop (loop only)" "$CL2_MED" "$CL2_MIN" "$CL2_MAX" "-" "-" "-" "5 loops in one process"
if [ "$HAVE_DUCKDB" = 1 ]; then
  R=$(ratio "$DW2_MED" "$W2_MED")
  trow "" "DuckDB stored table (whole process)" "$DW2_MED" "$DW2_MIN" "$DW2_MAX" "DuckDB/seg $R" ">= 10x" \
      "$(met "$(num "$R")" ">=" 10)" "bench/w2.duckdb.sql: one pass, count(*) FILTER" "$DW2_CPU"
  trow "" "DuckDB stored table (query only)" "$DQ2_MED" "$DQ2_MIN" "$DQ2_MAX" \
      "DuckDB/seg $(ratio "$DQ2_MED" "$EVAL_W2")" "-" "-" "duckdb_query x3 in one process; vs seg estimate"
else
  skip_row "" "DuckDB stored table" ">= 10x" "$DUCKDB_WHY"
fi
if [ "$HAVE_SQLITE" = 1 ]; then
  trow "" "sqlite3 CLI (whole process)" "$SW2_MED" "$SW2_MIN" "$SW2_MAX" \
      "sqlite/seg $(ratio "$SW2_MED" "$W2_MED")" "-" "-" "bench/w2.sqlite.sql: one pass, count(*) FILTER" "$SW2_CPU"
else
  skip_row "" "sqlite3" "-" "$SQLITE_WHY"
fi

w2text

# ---- 4a. W2 with measures: the cost of what each segment is worth ------------------
# bench/w2.seg plus five measures (bench/w2_measures.measures: sum, avg,
# rate, a filtered sum, a median), against plain W2 in the same run; the
# counts must not change.
say "W2 + measures: seg run"
cat "$W2_RULES" bench/w2_measures.measures > "$OUT/w2m.seg"
check "$OUT/w2m.out" "$SEG" run "$OUT/w2m.seg" "$SEGCOL" --today "$TODAY" --format csv
[ "$(seg_counts "$OUT/w2m.out")" = "$SEG_W2" ] || fail "W2 with measures: the counts changed"
read -r W2M_MED W2M_MIN W2M_MAX W2M_CPU < <(measure "$(nruns)" "$SEG" run "$OUT/w2m.seg" "$SEGCOL" --today "$TODAY" --format csv)
trow "W2 + 5 measures" "seg run (whole process)" "$W2M_MED" "$W2M_MIN" "$W2M_MAX" \
    "vs W2 $(ratio "$W2M_MED" "$W2_MED")" "-" "-" "sum, avg, rate, filtered sum, median per segment" "$W2M_CPU"

# ---- 4c. Rankings (issue 14): top 10%, two quintiles, an RFM code ------------------
# seg's two passes (the values, a quickselect of the thresholds, the
# segments) against DuckDB's window functions on its stored table, written
# by hand to the same definitions (bench/ranks.duckdb.sql); counts equal.
RK_RULES=bench/ranks.seg
say "Rankings: seg run"
check "$OUT/ranks.out" "$SEG" run "$RK_RULES" "$SEGCOL" --today "$TODAY" --format csv
SEG_RK=$(seg_counts "$OUT/ranks.out")
read -r RK_MED RK_MIN RK_MAX RK_CPU < <(measure "$(nruns)" "$SEG" run "$RK_RULES" "$SEGCOL" --today "$TODAY" --format csv)
COUNTS_RK=(seg "$SEG_RK")
if [ "$HAVE_DUCKDB" = 1 ]; then
  say "Rankings: DuckDB (stored table, window functions)"
  check "$OUT/duck.ranks.out" "${DUCK_RUN[@]}" "$DUCK" @bench/ranks.duckdb.sql
  COUNTS_RK+=(duckdb "$(cat "$OUT/duck.ranks.out")")
  read -r DRK_MED DRK_MIN DRK_MAX DRK_CPU < <(measure "$(nruns)" "${DUCK_RUN[@]}" "$DUCK" @bench/ranks.duckdb.sql)
fi
agree "Rankings (per segment, in file order)" "${COUNTS_RK[@]}"
trow "Rankings bench/ranks.seg (top 10%, 2 quintiles, rfm)" "seg run (whole process)" "$RK_MED" "$RK_MIN" "$RK_MAX" \
    "vs W2 $(ratio "$RK_MED" "$W2_MED")" "-" "-" "two passes: values, thresholds (quickselect), segments" "$RK_CPU"
if [ "$HAVE_DUCKDB" = 1 ]; then
  R=$(ratio "$DRK_MED" "$RK_MED")
  trow "" "DuckDB stored table (whole process)" "$DRK_MED" "$DRK_MIN" "$DRK_MAX" "DuckDB/seg $R" ">= 3x" \
      "$(met "$(num "$R")" ">=" 3)" "bench/ranks.duckdb.sql: rank() OVER, count(*) FILTER" "$DRK_CPU"
else
  skip_row "" "DuckDB stored table" ">= 3x" "$DUCKDB_WHY"
fi

# ---- 4d. W8: event tables (issue 15) -------------------------------------------------
# The customers and ~5 orders per customer (gencustomers --orders, in date
# order: about half the customers buy, ~10 orders each on average), ten
# segments mixing order aggregates and customer columns (bench/w8.seg),
# against DuckDB on its stored tables (bench/w8.duckdb.sql: one GROUP BY,
# LEFT JOIN); counts equal first, then the times and both peak RSS.
# Skipped while `seg run` has no --table; BENCH_W8=peers runs the DuckDB
# half alone (to check the SQL and time it before seg has event tables).
W="W8 bench/w8.seg (event tables)"
W8_ORDERS=$OUT/orders.csv
W8_DUCK=$OUT/events.duckdb
W8_SEG=1 W8_WHY=""
if ! "$SEG" run --help 2>&1 | awk '/^  seg run /{ f = 1; next } /^  seg [a-z]/{ f = 0 } f' | grep -q -- '--table'; then
  W8_SEG=0 W8_WHY="seg run has no --table (event tables not built yet)"
fi
if [ "$W8_SEG" = 0 ] && [ "${BENCH_W8:-}" != peers ]; then
  say "W8: skipped: $W8_WHY"
  skip_row "$W" "seg run --table orders=..." ">= 3x DuckDB" "$W8_WHY"
else
  W8_STAMP="$(cat "$CSV.stamp") orders-per-customer=5"
  if [ -f "$W8_ORDERS" ] && [ "$(cat "$W8_ORDERS.stamp" 2>/dev/null)" = "$W8_STAMP" ]; then
    say "W8: $W8_ORDERS is up to date"
  else
    say "W8: generating the orders of $ROWS customers -> $W8_ORDERS"
    rm -f "$W8_ORDERS.stamp" "$W8_DUCK.stamp"
    "$GEN" --rows "$ROWS" --seed "$SEED" -o /dev/null --orders "$W8_ORDERS" --orders-per-customer 5 ||
      fail "W8: generating the orders failed"
    echo "$W8_STAMP" >"$W8_ORDERS.stamp"
  fi
  W8_N=$(($(wc -l <"$W8_ORDERS") - 1))
  say "  orders: $W8_N rows, $(stat -c %s "$W8_ORDERS") bytes"
  COUNTS_W8=()
  if [ "$W8_SEG" = 1 ]; then
    say "W8: seg import of the orders, seg run"
    check "$OUT/w8.import.out" "$SEG" import "$W8_ORDERS" -o "$OUT/orders.segcol"
    W8_RUN=("$SEG" run bench/w8.seg "$SEGCOL" --table "orders=$OUT/orders.segcol" --today "$TODAY" --format csv)
    check "$OUT/w8.out" "${W8_RUN[@]}"
    COUNTS_W8+=(seg "$(seg_counts "$OUT/w8.out")")
    read -r W8_MED W8_MIN W8_MAX W8_CPU < <(measure "$(nruns)" "${W8_RUN[@]}")
    W8_RSS=$(rss seg.w8 "${W8_RUN[@]}")
  fi
  if [ "$HAVE_DUCKDB" = 1 ]; then
    W8_DSTAMP="$W8_STAMP $(cksum bench/duckdb_load.sql bench/duckdb_orders_load.sql | cut -d' ' -f1 | tr '\n' ' ')"
    if [ -f "$W8_DUCK" ] && [ "$(cat "$W8_DUCK.stamp" 2>/dev/null)" = "$W8_DSTAMP" ]; then
      say "W8: $W8_DUCK is up to date"
    else
      say "W8: DuckDB load of the customers and the orders -> $W8_DUCK"
      rm -f "$W8_DUCK.stamp"
      sed "s#@CSV@#$CSV#" bench/duckdb_load.sql >"$OUT/w8.load1.sql"
      sed "s#@CSV@#$W8_ORDERS#" bench/duckdb_orders_load.sql >"$OUT/w8.load2.sql"
      check "$OUT/duck.w8.load.out" "${DUCK_RUN[@]}" --fresh "$W8_DUCK" "@$OUT/w8.load1.sql" "@$OUT/w8.load2.sql" \
        "SELECT count(*) FROM orders"
      agree "W8 order rows" csv "$W8_N" duckdb "$(cat "$OUT/duck.w8.load.out")"
      echo "$W8_DSTAMP" >"$W8_DUCK.stamp"
    fi
    say "W8: DuckDB (stored tables)"
    check "$OUT/duck.w8.out" "${DUCK_RUN[@]}" "$W8_DUCK" @bench/w8.duckdb.sql
    COUNTS_W8+=(duckdb "$(cat "$OUT/duck.w8.out")")
    read -r DW8_MED DW8_MIN DW8_MAX DW8_CPU < <(measure "$(nruns)" "${DUCK_RUN[@]}" "$W8_DUCK" @bench/w8.duckdb.sql)
    DW8_RSS=$(rss duck.w8 "${DUCK_RUN[@]}" "$W8_DUCK" @bench/w8.duckdb.sql)
  fi
  if [ "${#COUNTS_W8[@]}" -ge 4 ]; then agree "W8 (per segment, in file order)" "${COUNTS_W8[@]}"
  elif [ "${#COUNTS_W8[@]}" -ge 2 ]; then say "  W8: ${COUNTS_W8[0]} alone: ${COUNTS_W8[1]} (no pair to compare)"; fi
  W8_NOTE="$ROWS customers, $W8_N orders"
  if [ "$W8_SEG" = 1 ]; then
    trow "$W" "seg run --table orders= (whole process)" "$W8_MED" "$W8_MIN" "$W8_MAX" "-" "-" "-" \
        "$W8_NOTE; peak RSS $(mib "$W8_RSS")" "$W8_CPU"
  else
    skip_row "$W" "seg run --table orders=..." "-" "$W8_WHY"
  fi
  if [ "$HAVE_DUCKDB" = 1 ]; then
    R=n/a; M=n/a
    if [ "$W8_SEG" = 1 ]; then R=$(ratio "$DW8_MED" "$W8_MED"); M=$(met "$W8_RSS" "<" "$DW8_RSS"); fi
    trow "" "DuckDB stored tables (whole process)" "$DW8_MED" "$DW8_MIN" "$DW8_MAX" "DuckDB/seg $R" \
        ">= 3x; seg RSS < DuckDB's" "$(met "$(num "$R")" ">=" 3) / RSS $M" \
        "bench/w8.duckdb.sql: GROUP BY + LEFT JOIN; peak RSS $(mib "$DW8_RSS")" "$DW8_CPU"
  else
    skip_row "" "DuckDB stored tables" ">= 3x" "$DUCKDB_WHY"
  fi
fi

# ---- 4b. W2 as `seg sql` on DuckDB and on a 2-shard ClickHouse cluster ----------------
# Issue 12: the same 20 rules compiled by `seg sql` (not translated by hand),
# counts checked equal to seg's before anything is timed.
W="W2 via seg sql"
"$SEG" sql "$W2_RULES" --dialect duckdb --data "$SEGCOL" --today "$TODAY" > "$OUT/w2.seg.duckdb.sql" 2>>"$LOG" ||
  fail "seg sql --dialect duckdb failed"
# rows (segment, customers) -> the counts, comma-separated, in file order
sql_counts() { awk -F'[,\t]' 'NF >= 2 && $2 ~ /^[0-9]+$/ { printf "%s%s", s, $2; s = "," } END { print "" }' "$1"; }
if [ "$HAVE_DUCKDB" = 1 ]; then
  say "W2: seg sql -> DuckDB (stored table)"
  check "$OUT/duck.w2sql.raw" "${DUCK_RUN[@]}" "$DUCK" "@$OUT/w2.seg.duckdb.sql"
  sql_counts "$OUT/duck.w2sql.raw" > "$OUT/duck.w2sql.out"
  agree "W2 via seg sql on DuckDB" seg "$SEG_W2" duckdb "$(cat "$OUT/duck.w2sql.out")"
  read -r DS2_MED DS2_MIN DS2_MAX DS2_CPU < <(measure "$(nruns)" "${DUCK_RUN[@]}" "$DUCK" "@$OUT/w2.seg.duckdb.sql")
  trow "$W" "DuckDB, seg sql's query (whole process)" "$DS2_MED" "$DS2_MIN" "$DS2_MAX" \
      "DuckDB/seg $(ratio "$DS2_MED" "$W2_MED")" "-" "-" "one CTE, a UNION ALL of 20 counts" "$DS2_CPU"
else
  skip_row "$W" "DuckDB, seg sql's query" "-" "$DUCKDB_WHY"
fi
CH_WHY=""
if [ -n "${BENCH_NO_CLICKHOUSE:-}" ]; then CH_WHY="BENCH_NO_CLICKHOUSE is set"
elif [ "$SMOKE" = 1 ]; then CH_WHY="smoke mode (tests/sql.sh runs the cluster)"
elif ! command -v clickhouse-client >/dev/null || [ ! -x /usr/sbin/clickhouse-server ]; then
  CH_WHY="clickhouse-server not installed (tools/install-deps.sh installs it)"
fi
if [ -z "$CH_WHY" ]; then
  say "W2: seg sql -> ClickHouse 18.16, 2 shards on this machine (start, load)"
  # the servers run as the clickhouse user: a folder it can reach
  CHD=$(mktemp -d /tmp/seg-bench-ch.XXXXXX)
  chmod 755 "$CHD"
  CHB=$CHD/cluster
  export SEG_CH_PORT=19301
  stop_bench_ch() { bash tests/ch_cluster.sh stop "$CHB" 2>/dev/null || true; rm -rf "$CHD"; }
  trap stop_bench_ch EXIT
  bash tests/ch_cluster.sh start "$CHB" 2>>"$LOG" || fail "ClickHouse cluster did not start"
  chq() { timeout 3600 clickhouse-client --host 127.0.0.1 --port "$1" "${@:3}" -q "$2"; }
  CHT=$(awk -F': ' '/^[^#]/ { t = $2 == "int" ? "Int64" : $2 == "number" ? "Float64" : $2 == "date" ? "Date" : $2 == "bool" ? "UInt8" : "String"
                              printf "%s`%s` %s", s, $1, (n++ ? "Nullable(" t ")" : t); s = ", " }' \
        < <("$SEG" schema "$SEGCOL"))
  KEYCOL=$(head -1 "$CSV" | cut -d, -f1)
  for port in 19301 19302; do
    chq $port "CREATE DATABASE IF NOT EXISTS seg" < /dev/null
    chq $port "CREATE TABLE seg.customers_local ($CHT) ENGINE = MergeTree() ORDER BY \`$KEYCOL\`" < /dev/null
    chq $port "CREATE TABLE seg.customers AS seg.customers_local ENGINE = Distributed(seg2, seg, customers_local, cityHash64(\`$KEYCOL\`))" < /dev/null
  done
  # ClickHouse 18.16 reads NULL only as \N and a UInt8 only as digits
  t0=$(now)
  awk -F, -v OFS=, 'NR > 1 { for (i = 1; i <= NF; i++) if ($i == "") $i = "\\N"; else if ($i == "true") $i = 1;
                                else if ($i == "false") $i = 0 } { print }' "$CSV" |
    chq 19301 "INSERT INTO seg.customers FORMAT CSVWithNames" --insert_distributed_sync=1 2>>"$LOG" ||
    fail "ClickHouse load failed"
  CH_LOAD=$(sub "$(now)" "$t0")
  N1=$(chq 19301 "SELECT count() FROM seg.customers_local" < /dev/null)
  N2=$(chq 19302 "SELECT count() FROM seg.customers_local" < /dev/null)
  [ $((N1 + N2)) = "$ROWS" ] || fail "ClickHouse holds $N1 + $N2 rows, not $ROWS"
  "$SEG" sql "$W2_RULES" --dialect clickhouse --data "$SEGCOL" --today "$TODAY" --table seg.customers \
    > "$OUT/w2.seg.clickhouse.sql" 2>>"$LOG" || fail "seg sql --dialect clickhouse failed"
  CHRUN=(bash -c 'exec clickhouse-client --host 127.0.0.1 --port 19301 --format TSV < "$0"' "$OUT/w2.seg.clickhouse.sql")
  check "$OUT/ch.w2sql.raw" "${CHRUN[@]}"
  sql_counts "$OUT/ch.w2sql.raw" > "$OUT/ch.w2sql.out"
  agree "W2 via seg sql on the ClickHouse cluster" seg "$SEG_W2" clickhouse "$(cat "$OUT/ch.w2sql.out")"
  read -r CH2_MED CH2_MIN CH2_MAX CH2_CPU < <(measure "$(nruns)" "${CHRUN[@]}")
  trow "$W" "ClickHouse 2 shards, Distributed table (client process)" "$CH2_MED" "$CH2_MIN" "$CH2_MAX" \
      "ClickHouse/seg $(ratio "$CH2_MED" "$W2_MED")" "-" "-" \
      "both shards on this 2-core machine ($N1 + $N2 rows; load $(dur "$CH_LOAD")); countIf per segment, one scan" "$CH2_CPU"
  stop_bench_ch
  trap - EXIT
else
  skip_row "$W" "ClickHouse cluster, seg sql's query" "-" "$CH_WHY"
fi

# ---- 5. W3: W2 straight from the CSV -------------------------------------------------

W="W3 w2.seg on the CSV"
say "W3: seg run on the CSV"
check "$OUT/w3.out" "$SEG" run "$W2_RULES" "$CSV" --today "$TODAY" --format csv
COUNTS_W3=(seg-segcol "$SEG_W2" seg-csv "$(seg_counts "$OUT/w3.out")")
read -r W3_MED W3_MIN W3_MAX W3_CPU < <(measure "$(nruns)" "$SEG" run "$W2_RULES" "$CSV" --today "$TODAY" --format csv)
if [ "$HAVE_DUCKDB" = 1 ]; then
  say "W3: DuckDB read_csv"
  sed "s#@CSV@#$CSV#; s/CREATE TABLE customers AS/CREATE VIEW customers AS/" bench/duckdb_load.sql >"$OUT/duckdb_view.sql"
  check "$OUT/duck.w3.out" "${DUCK_RUN[@]}" :memory: "@$OUT/duckdb_view.sql" @bench/w2.duckdb.sql
  COUNTS_W3+=(duckdb-csv "$(cat "$OUT/duck.w3.out")")
  read -r DW3_MED DW3_MIN DW3_MAX DW3_CPU < <(measure "$(nruns)" "${DUCK_RUN[@]}" :memory: "@$OUT/duckdb_view.sql" @bench/w2.duckdb.sql)
fi
agree "W3 (per segment)" "${COUNTS_W3[@]}"
trow "$W" "seg run on the CSV (whole process)" "$W3_MED" "$W3_MIN" "$W3_MAX" \
    "CSV/.segcol $(ratio "$W3_MED" "$W2_MED")" "-" "-" "imports in memory, then evaluates" "$W3_CPU"
if [ "$HAVE_DUCKDB" = 1 ]; then
  R=$(ratio "$DW3_MED" "$W3_MED")
  trow "" "DuckDB read_csv (whole process)" "$DW3_MED" "$DW3_MIN" "$DW3_MAX" "DuckDB/seg $R" ">= 1x" \
      "$(met "$(num "$R")" ">=" 1)" "same query over a typed read_csv view" "$DW3_CPU"
else
  skip_row "" "DuckDB read_csv" ">= 1x" "$DUCKDB_WHY"
fi

# ---- 6. W5: start-up -----------------------------------------------------------------

W="W5 start-up (10-row file)"
say "W5: start-up on a 10-row file"
TINY=$OUT/tiny
head -n 11 "$CSV" >"$TINY.csv"
check "$OUT/tiny.import.out" "$SEG" import "$TINY.csv" -o "$TINY.segcol"
"$HANDLOOP" prepare "$TINY.csv" "$TINY.d" >>"$LOG" 2>&1 || fail "handloop prepare (tiny) failed"
BENCH_RUNS_SAVED=${BENCH_RUNS:-}
[ "$SMOKE" = 1 ] || BENCH_RUNS=${BENCH_RUNS:-20}
NO_PER_ROW=1   # per row means nothing for a 10-row file
check "$OUT/tiny.out" "$SEG" run "$W1_RULES" "$TINY.segcol" --today "$TODAY" --format csv
check "$OUT/hl.tiny.out" "$HANDLOOP" w1 "$TINY.d"
agree "W5" seg "$(seg_counts "$OUT/tiny.out")" C "$(field count "$OUT/hl.tiny.out")"
read -r T5_MED T5_MIN T5_MAX T5_CPU < <(measure "$(nruns)" "$SEG" run "$W1_RULES" "$TINY.segcol" --today "$TODAY" --format csv)
trow "$W" "seg run W1 (whole process)" "$T5_MED" "$T5_MIN" "$T5_MAX" "-" "< 5 ms" \
    "$(met "$(calc "%.9f" "$T5_MED * 1000")" "<" 5)" "process start, open, compile, evaluate, print" "$T5_CPU"
read -r T5C_MED T5C_MIN T5C_MAX T5C_CPU < <(measure "$(nruns)" "$HANDLOOP" w1 "$TINY.d")
trow "" "C hand loop W1 (whole process)" "$T5C_MED" "$T5C_MIN" "$T5C_MAX" "seg/C $(ratio "$T5_MED" "$T5C_MED")" "-" "-" "" "$T5C_CPU"
if [ "$HAVE_DUCKDB" = 1 ]; then
  check "$OUT/duck.tiny.out" "${DUCK_RUN[@]}" :memory: "SELECT 1"
  read -r T5D_MED T5D_MIN T5D_MAX T5D_CPU < <(measure "$(nruns)" "${DUCK_RUN[@]}" :memory: "SELECT 1")
  trow "" "DuckDB SELECT 1 (whole process)" "$T5D_MED" "$T5D_MIN" "$T5D_MAX" \
      "DuckDB/seg $(ratio "$T5D_MED" "$T5_MED")" "-" "-" "load libduckdb.so, open :memory:" "$T5D_CPU"
fi
if [ "$HAVE_SQLITE" = 1 ]; then
  check "$OUT/sqlite.tiny.out" sqlite3 :memory: "SELECT 1;"
  read -r T5S_MED T5S_MIN T5S_MAX T5S_CPU < <(measure "$(nruns)" sqlite3 :memory: "SELECT 1;")
  trow "" "sqlite3 SELECT 1 (whole process)" "$T5S_MED" "$T5S_MIN" "$T5S_MAX" \
      "sqlite/seg $(ratio "$T5S_MED" "$T5_MED")" "-" "-" "" "$T5S_CPU"
fi
BENCH_RUNS=$BENCH_RUNS_SAVED
NO_PER_ROW=

# ---- 7. W6: sizes --------------------------------------------------------------------

W="W6 file size (CSV $(mib "$CSV_BYTES"))"
R=$(calc "%.3f" "$SEGCOL_BYTES / $CSV_BYTES")
row "$W" "seg .segcol" "$(mib "$SEGCOL_BYTES")" "-" "$(calc "%.1f" "$SEGCOL_BYTES / $ROWS") B" \
    "${R}x CSV" "<= 0.35x" "$(met "$R" "<=" 0.35)" ""
# where the bytes go: each column's arrays, in bytes per row (bench/colsize.py)
COLSIZES=$(python3 bench/colsize.py "$SEGCOL" | awk '$1 != "(header)" { printf "%s%s %.1f", sep, $1, $3; sep = ", " }') ||
  fail "bench/colsize.py $SEGCOL failed"
row "" "seg .segcol per column" "-" "-" "-" "-" "-" "-" "B/row: $COLSIZES"
if [ "$HAVE_DUCKDB" = 1 ]; then
  DUCK_BYTES=$(stat -c %s "$DUCK")
  row "" "DuckDB database file" "$(mib "$DUCK_BYTES")" "-" "$(calc "%.1f" "$DUCK_BYTES / $ROWS") B" \
      "$(calc "%.3f" "$DUCK_BYTES / $CSV_BYTES")x CSV" "-" "-" "seg/DuckDB $(ratio "$SEGCOL_BYTES" "$DUCK_BYTES")"
fi
if [ "$HAVE_SQLITE" = 1 ]; then
  DB_BYTES=$(stat -c %s "$DB")
  row "" "sqlite3 database file" "$(mib "$DB_BYTES")" "-" "$(calc "%.1f" "$DB_BYTES / $ROWS") B" \
      "$(calc "%.3f" "$DB_BYTES / $CSV_BYTES")x CSV" "-" "-" ""
fi
HL_BYTES=$(find "$HLDIR" -type f ! -name stamp -printf '%s\n' | awk '{ s += $1 } END { print s }')
row "" "hand loops' raw columns" "$(mib "$HL_BYTES")" "-" "$(calc "%.1f" "$HL_BYTES / $ROWS") B" \
    "$(calc "%.3f" "$HL_BYTES / $CSV_BYTES")x CSV" "-" "-" "11 of 13 columns, uncompressed, folded text"

# ---- 8. W7: peak memory -----------------------------------------------------------------

say "W7: peak RSS"
# bytes of seg's own encoding of some columns: a .segcol of just them
touched() {
  local name=$1 fields=$2
  cut -d, -f"$fields" "$CSV" >"$OUT/touched.$name.csv"
  "$SEG" import "$OUT/touched.$name.csv" -o "$OUT/touched.$name.segcol" 2>>"$LOG" ||
    fail "seg import of the $name columns failed"
  stat -c %s "$OUT/touched.$name.segcol"
  rm -f "$OUT/touched.$name.csv" "$OUT/touched.$name.segcol"
}
TOUCH_W1=$(touched w1 7,10)
TOUCH_W2=$(touched w2 2,4-13)
M64=$((64 * 1048576))
RS1=$(rss seg.w1 "$SEG" run "$W1_RULES" "$SEGCOL" --today "$TODAY" --format csv)
RS2=$(rss seg.w2 "$SEG" run "$W2_RULES" "$SEGCOL" --today "$TODAY" --format csv)
row "W7 peak RSS" "seg run W1" "$(mib "$RS1")" "-" "-" "-" "<= $(mib "$((TOUCH_W1 + M64))")" \
    "$(met "$RS1" "<=" "$((TOUCH_W1 + M64))")" "touched columns $(mib "$TOUCH_W1") (age, purchases_90d in .segcol) + 64 MiB"
row "" "seg run W2" "$(mib "$RS2")" "-" "-" "-" "<= $(mib "$((TOUCH_W2 + M64))")" \
    "$(met "$RS2" "<=" "$((TOUCH_W2 + M64))")" "touched columns $(mib "$TOUCH_W2") (11 of 13 in .segcol) + 64 MiB"
# W4: bounded = a tenth of the rows needs not much less memory
RS4=$((RSS_W4 * 1024))
if [ "$ROWS" -ge 10 ]; then
  head -n $((ROWS / 10 + 1)) "$CSV" >"$OUT/tenth.csv"
  RS4T=$(rss seg.w4.tenth "$SEG" import "$OUT/tenth.csv" -o "$OUT/tenth.segcol")
  rm -f "$OUT/tenth.csv" "$OUT/tenth.segcol"
  row "" "seg import W4" "$(mib "$RS4")" "-" "-" "$(calc "%.2f" "$RS4 / $CSV_BYTES")x CSV" \
      "<= 512 MiB, <= 1.1x RSS at rows/10" "$(met "$RS4" "<=" "$(( RS4T * 11 / 10 < 536870912 ? RS4T * 11 / 10 : 536870912 ))")" \
      "$(mib "$RS4T") at $((ROWS / 10)) rows"
fi
# W3: the rules straight on the CSV hold the imported table (in memory)
RS3=$(rss seg.w3 "$SEG" run "$W2_RULES" "$CSV" --today "$TODAY" --format csv)
RS3_NOTE="the table in memory"
if [ "$HAVE_DUCKDB" = 1 ]; then
  RS3_NOTE+="; DuckDB read_csv $(mib "$(rss duck.w3 "${DUCK_RUN[@]}" :memory: "@$OUT/duckdb_view.sql" @bench/w2.duckdb.sql)")"
fi
row "" "seg run W3 (on the CSV)" "$(mib "$RS3")" "-" "-" "$(calc "%.2f" "$RS3 / $CSV_BYTES")x CSV" "-" "-" "$RS3_NOTE"
RSS_PEERS="C W1 $(mib "$(rss c.w1 "$HANDLOOP" w1 "$HLDIR")"), C W2 $(mib "$(rss c.w2 "$HANDLOOP" w2 "$HLDIR")")"
if [ "$HAVE_DUCKDB" = 1 ]; then
  RSS_PEERS+="; DuckDB W1 $(mib "$(rss duck.w1 "${DUCK_RUN[@]}" "$DUCK" "$W1_SQL")")"
  RSS_PEERS+=", W2 $(mib "$(rss duck.w2 "${DUCK_RUN[@]}" "$DUCK" @bench/w2.duckdb.sql)")"
  RSS_PEERS+=", W4 $(mib "$(rss duck.w4 "${DUCK_RUN[@]}" --fresh "$DUCK" "@$OUT/duckdb_load.sql")")"
fi
if [ "$HAVE_SQLITE" = 1 ]; then
  RSS_PEERS+="; sqlite3 W1 $(mib "$(rss sqlite.w1 sqlite3 "$DB" "$W1_SQL")")"
  RSS_PEERS+=", W2 $(mib "$(rss sqlite.w2 sqlite3 -csv "$DB" ".read bench/w2.sqlite.sql")")"
fi
row "" "peers" "-" "-" "-" "-" "-" "-" "$RSS_PEERS"

# ---- 9. instructions per row (callgrind) ---------------------------------------------------

if [ "$HAVE_CALLGRIND" = 1 ]; then
  CG_ROWS=${BENCH_CALLGRIND_ROWS:-200000}
  [ "$CG_ROWS" -le "$ROWS" ] || CG_ROWS=$ROWS
  say "callgrind: $CG_ROWS rows"
  CG=$OUT/cg
  head -n $((CG_ROWS + 1)) "$CSV" >"$CG.csv"
  "$SEG" import "$CG.csv" -o "$CG.segcol" 2>>"$LOG" || fail "seg import (callgrind data) failed"
  "$HANDLOOP" prepare "$CG.csv" "$CG.d" >>"$LOG" 2>&1 || fail "handloop prepare (callgrind data) failed"
  # ir NAME CMD... -- total instructions executed (Ir) of one run
  ir() {
    local name=$1; shift
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >"$OUT/cg.$name.out" 2>"$OUT/cg.$name.err" ||
      { cat "$OUT/cg.$name.err" >>"$LOG"; fail "callgrind run failed: $*"; }
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$OUT/cg.$name.err" | tail -n 1
  }
  IR_E=$(ir seg.empty "$SEG" run "$EMPTY_RULES" "$CG.segcol" --today "$TODAY" --format csv)
  IR_1=$(ir seg.w1 "$SEG" run "$W1_RULES" "$CG.segcol" --today "$TODAY" --format csv)
  IR_2=$(ir seg.w2 "$SEG" run "$W2_RULES" "$CG.segcol" --today "$TODAY" --format csv)
  IR_C1=$(ir c.w1 "$HANDLOOP" w1 "$CG.d")
  IR_C2=$(ir c.w2 "$HANDLOOP" w2 "$CG.d")
  IR_T=$(ir seg.w2t "$SEG" run bench/w2text.seg "$CG.segcol" --today "$TODAY" --format csv)
  IR_CT=$(ir c.w2t "$HANDLOOP" w2text "$CG.d")
  # the import's instructions too: the streaming path (the default), the in-memory one, a run on the CSV
  CG_BYTES=$(stat -c %s "$CG.csv")
  IR_IS=$(ir seg.imp.stream "$SEG" import -q --threads 1 "$CG.csv" -o "$CG.imp.segcol")
  IR_IM=$(SEG_IMPORT_INMEM=1 ir seg.imp.inmem "$SEG" import -q --threads 1 "$CG.csv" -o "$CG.imp.segcol")
  IR_3=$(ir seg.w3 "$SEG" run -q "$W2_RULES" "$CG.csv" --today "$TODAY" --format csv)
  agree "callgrind W3" seg-segcol "$(seg_counts "$OUT/cg.seg.w2.out")" seg-csv "$(seg_counts "$OUT/cg.seg.w3.out")"
  agree "callgrind W1" seg "$(seg_counts "$OUT/cg.seg.w1.out")" C "$(field count "$OUT/cg.c.w1.out")"
  agree "callgrind W2" seg "$(seg_counts "$OUT/cg.seg.w2.out")" C "$(field counts "$OUT/cg.c.w2.out")"
  agree "callgrind W2-text" seg "$(seg_counts "$OUT/cg.seg.w2t.out")" C "$(field counts "$OUT/cg.c.w2t.out")"
  irow() { calc "%.1f" "$1 / $CG_ROWS"; }
  row "Ir/row (callgrind, $CG_ROWS rows)" "seg run W1" "$(irow "$IR_1") Ir" "-" "-" \
      "seg/C $(ratio "$IR_1" "$IR_C1")" "-" "-" \
      "total Ir / rows; minus the no-segment run: $(irow "$((IR_1 - IR_E))") Ir/row"
  row "" "seg run W2" "$(irow "$IR_2") Ir" "-" "-" "seg/C $(ratio "$IR_2" "$IR_C2")" "-" "-" \
      "total Ir / rows; minus the no-segment run: $(irow "$((IR_2 - IR_E))") Ir/row"
  row "" "seg run W2-text" "$(irow "$IR_T") Ir" "-" "-" "seg/C $(ratio "$IR_T" "$IR_CT")" "-" "-" \
      "total Ir / rows; minus the no-segment run: $(irow "$((IR_T - IR_E))") Ir/row"
  row "" "C hand loops W1, W2, W2-text" "$(irow "$IR_C1") Ir, $(irow "$IR_C2") Ir, $(irow "$IR_CT") Ir" "-" "-" "-" "-" "-" \
      "total Ir / rows"
  irb() { calc "%.1f" "$1 / $CG_BYTES"; }
  row "" "seg import (streaming; in memory)" "$(irow "$IR_IS") Ir; $(irow "$IR_IM") Ir" "-" "-" \
      "streaming/in memory $(ratio "$IR_IS" "$IR_IM")" "-" "-" \
      "total Ir / rows, --threads 1; per CSV byte $(irb "$IR_IS"); $(irb "$IR_IM")"
  row "" "seg run W3 (w2.seg on the CSV)" "$(irow "$IR_3") Ir" "-" "-" "vs .segcol $(ratio "$IR_3" "$IR_2")" "-" "-" \
      "total Ir / rows; per CSV byte $(irb "$IR_3")"
  rm -rf "$CG.csv" "$CG.segcol" "$CG.imp.segcol" "$CG.d"
else
  skip_row "Ir/row (callgrind)" "seg W1, W2" "-" "$CALLGRIND_WHY"
fi
rm -rf "$TINY.csv" "$TINY.segcol" "$TINY.d"

# ---- 10. table ---------------------------------------------------------------------------

print_table
