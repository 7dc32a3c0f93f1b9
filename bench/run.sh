#!/usr/bin/env bash
# bench/run.sh -- `make bench`: seg against a hand-written C loop and sqlite3,
# all measured in the same run on the same generated data.
#
#   bash bench/run.sh                     1 000 000 customers (BENCH_ROWS)
#   BENCH_ROWS=2000 bash bench/run.sh     smoke mode: same steps, same table, ~seconds
#
# Environment:
#   BENCH_ROWS   customers to generate (default 1000000)
#   BENCH_OUT    output folder (default bench/out, git-ignored)
#   SEG, GEN     binaries (default build/seg, build/gencustomers)
#   CC           compiler for bench/handloop.c (default cc), built with -O2
#   BENCH_NO_HYPERFINE=1   time with `date +%s.%N` even if hyperfine is installed
#
# No figure is asserted: the script fails (exit 1) only when the engines
# disagree on a count, or when a step itself fails.  See bench/README.md.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ROWS=${BENCH_ROWS:-1000000}
OUT=${BENCH_OUT:-bench/out}
SEG=${SEG:-build/seg}
GEN=${GEN:-build/gencustomers}
CC=${CC:-cc}
TODAY=2026-11-23
SEED=42

[[ $ROWS =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_ROWS must be a positive integer, got '$ROWS'" >&2; exit 2; }
for b in "$SEG" "$GEN"; do
  [ -x "$b" ] || { echo "bench: $b not built (run 'make all' first)" >&2; exit 2; }
done
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 not installed" >&2; exit 2; }
mkdir -p "$OUT"

CSV=$OUT/customers.csv
SEGCOL=$OUT/customers.segcol
DB=$OUT/customers.db
HANDLOOP=$OUT/handloop
LOG=$OUT/bench.log
: >"$LOG"

if [ -z "${BENCH_NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null; then
  TIMER=hyperfine
else
  TIMER="date"
fi

# ---- helpers ---------------------------------------------------------------

say() { printf '%s\n' "$*" >&2; }

fail() {
  printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
  printf '!!! bench: %s\n' "$@" >&2
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
  exit 1
}

# agree WORKLOAD NAME1 COUNT1 NAME2 COUNT2 ... -- all counts must be equal.
agree() {
  local w=$1; shift
  local first=$2 desc=""
  local ok=1
  while [ $# -ge 2 ]; do
    desc+=" $1=$2"
    [ "$2" = "$first" ] || ok=0
    shift 2
  done
  [ "$ok" = 1 ] || fail "$w: COUNTS DISAGREE:$desc"
  say "  $w counts agree:$desc"
}

# measure RUNS CMD ARGS... -- prints "median min max" in seconds of the whole
# process, after one warm-up run.  Standard output of CMD is discarded.
measure() {
  local runs=$1; shift
  if [ "$TIMER" = hyperfine ]; then
    local cmd csv=$OUT/.hyperfine.csv
    cmd=$(printf '%q ' "$@")
    if ! hyperfine -N --warmup 1 --runs "$runs" --style none --export-csv "$csv" "$cmd" \
         >/dev/null 2>>"$LOG"; then
      cat "$LOG" >&2
      fail "command failed: $cmd"
    fi
    # command,mean,stddev,median,user,system,min,max: take the last fields
    awk -F, 'NR == 2 { print $(NF-4), $(NF-1), $NF }' "$csv"
  else
    "$@" >/dev/null 2>>"$LOG" || fail "command failed: $*"
    local i t0 t1 ts=()
    for ((i = 0; i < runs; i++)); do
      t0=$(date +%s.%N)
      "$@" >/dev/null 2>>"$LOG" || fail "command failed: $*"
      t1=$(date +%s.%N)
      ts+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.9f", b - a }')")
    done
    printf '%s\n' "${ts[@]}" | sort -g | awk '{ t[NR] = $1 }
      END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%.9f %.9f %.9f\n", m, t[1], t[NR] }'
  fi
}

# median of numbers on stdin
median() { sort -g | awk '{ t[NR] = $1 } END { print NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'; }

calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# human-readable duration of a number of seconds
dur() {
  awk -v s="$1" 'BEGIN {
    if (s == "" || s == "-") { print "-"; exit }
    a = s < 0 ? -s : s
    if (a >= 1) printf "%.2f s", s; else if (a >= 1e-3) printf "%.1f ms", s * 1e3
    else if (a >= 1e-6) printf "%.1f us", s * 1e6; else printf "%.0f ns", s * 1e9 }'
}
per_row() {
  awk -v s="$1" -v n="$ROWS" 'BEGIN { x = s * 1e9 / n; a = x < 0 ? -x : x
    printf (a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f") " ns/row", x }'
}
# ratio FMT NUM DEN -- NUM/DEN, or "n/a" when either is not positive (below
# the timer's resolution or lost in noise)
ratio() { awk -v a="$2" -v b="$3" -v f="$1" 'BEGIN { if (a > 0 && b > 0) printf f, a / b; else printf "n/a" }'; }

ROWS_T=()   # table rows, fields separated by |
row() { ROWS_T+=("$1|$2|$(dur "$3")|$4|$5|$6"); }
range() { echo "$(dur "$1") .. $(dur "$2")"; }

# seg_counts FILE.csv -- "name count" per segment from `seg run --format csv`
seg_counts() { awk -F, 'NR > 1 { print $1, $2 }' "$1"; }

# ---- 1. data -----------------------------------------------------------------

STAMP="gencustomers rows=$ROWS seed=$SEED gen=$(cksum <"$GEN" | cut -d' ' -f1)"
if [ -f "$CSV" ] && [ -f "$CSV.stamp" ] && [ "$(cat "$CSV.stamp")" = "$STAMP" ]; then
  say "data: $CSV is up to date ($ROWS rows, seed $SEED)"
else
  say "data: generating $ROWS customers (seed $SEED) -> $CSV"
  rm -f "$CSV.stamp" "$DB.stamp"
  "$GEN" --rows "$ROWS" --seed "$SEED" -o "$CSV"
  echo "$STAMP" >"$CSV.stamp"
fi
CSV_BYTES=$(stat -c %s "$CSV")
say "  CSV: $CSV_BYTES bytes; timer: $TIMER"

# ---- 2. W4: import -----------------------------------------------------------

say "W4: seg import (median of 3)"
"$SEG" import "$CSV" -o "$SEGCOL" 2>"$OUT/import.err" || { cat "$OUT/import.err" >&2; fail "seg import failed"; }
grep -q "imported $ROWS rows" "$OUT/import.err" || fail "W4: seg import did not report $ROWS rows: $(cat "$OUT/import.err")"
read -r IMP_MED IMP_MIN IMP_MAX < <(measure 3 "$SEG" import "$CSV" -o "$SEGCOL")
SEGCOL_BYTES=$(stat -c %s "$SEGCOL")
IMP_MBS=$(calc "%.1f" "$CSV_BYTES / 1e6 / $IMP_MED")
SIZE_RATIO=$(calc "%.2f" "$SEGCOL_BYTES / $CSV_BYTES")
row "W4 import" "seg import CSV -> .segcol" "$IMP_MED" "$(range "$IMP_MIN" "$IMP_MAX")" "$(per_row "$IMP_MED")" \
    "$IMP_MBS MB/s of CSV; .segcol/CSV size $SIZE_RATIO"

# ---- 3. W1: age 25..40 and purchases_90d > 3 ----------------------------------

W1_RULES=$OUT/w1.seg
EMPTY_RULES=$OUT/empty.seg
printf 'segment w1 = age 25..40 and purchases_90d > 3\n' >"$W1_RULES"
printf '# no segments: seg opens, checks and maps the file, then evaluates nothing\nlet unused = 1\n' >"$EMPTY_RULES"
W1_SQL='SELECT count(*) FROM customers WHERE age BETWEEN 25 AND 40 AND purchases_90d > 3;'

say "W1: seg run (median of 5)"
"$SEG" run "$W1_RULES" "$SEGCOL" --today "$TODAY" --format csv >"$OUT/w1.out"
SEG_W1=$(awk -F, '$1 == "w1" { print $2 }' "$OUT/w1.out")
[ -n "$SEG_W1" ] || fail "W1: no count in seg output: $(cat "$OUT/w1.out")"
read -r RUN_MED RUN_MIN RUN_MAX < <(measure 5 "$SEG" run "$W1_RULES" "$SEGCOL" --today "$TODAY" --format csv)
read -r EMP_MED EMP_MIN EMP_MAX < <(measure 5 "$SEG" run "$EMPTY_RULES" "$SEGCOL" --today "$TODAY" --format csv)
EVAL_EST=$(calc "%.9f" "$RUN_MED - $EMP_MED")

say "W1: hand-written C loop ($CC -O2)"
if [ ! -x "$HANDLOOP" ] || [ bench/handloop.c -nt "$HANDLOOP" ]; then
  "$CC" -O2 -o "$HANDLOOP" bench/handloop.c
fi
HL_OUT=$("$HANDLOOP" "$CSV" --repeat 5)
read -r C_W1 C_MIN C_MED C_MAX < <(tr ' =' '\n' <<<"$HL_OUT" |
  awk 'p == "count" { c = $0 } p == "seconds" { s = $0 } p == "median" { m = $0 } p == "max" { x = $0 }
       { p = $0 } END { print c, s, m, x }')
[ -n "$C_MAX" ] || fail "W1: cannot read handloop output: $HL_OUT"

say "W1: sqlite3"
DB_STAMP="$(cat "$CSV.stamp") load=$(cksum <examples/sql/load.sql | cut -d' ' -f1)"
if [ -f "$DB" ] && [ -f "$DB.stamp" ] && [ "$(cat "$DB.stamp")" = "$DB_STAMP" ]; then
  say "  $DB is up to date"
else
  say "  loading $CSV into $DB (typed table, as examples/sql/load.sql)"
  rm -f "$DB" "$DB.tmp" "$DB.stamp"
  # examples/sql/load.sql is the project's typed load (NULLIF for empties,
  # CASTs, booleans as 0/1); only its input path changes.
  sed "s#examples/customers.csv#$CSV#" examples/sql/load.sql | sqlite3 "$DB.tmp"
  mv "$DB.tmp" "$DB"
  echo "$DB_STAMP" >"$DB.stamp"
fi
DB_ROWS=$(sqlite3 "$DB" 'SELECT count(*) FROM customers;')
[ "$DB_ROWS" = "$ROWS" ] || fail "sqlite3 table has $DB_ROWS rows, expected $ROWS"
SQL_W1=$(sqlite3 "$DB" "$W1_SQL")
read -r SQL_MED SQL_MIN SQL_MAX < <(measure 5 sqlite3 "$DB" "$W1_SQL")
# the query alone: 5 runs in one session with .timer on ("Run Time: real S ...")
SQLQ=$( { echo '.timer on'; for _ in 1 2 3 4 5; do echo "$W1_SQL"; done; } | sqlite3 "$DB" |
  awk '/^Run Time:/ { print $4 }')
SQLQ_MED=$(median <<<"$SQLQ")
SQLQ_MIN=$(sort -g <<<"$SQLQ" | head -1)
SQLQ_MAX=$(sort -g <<<"$SQLQ" | tail -1)

agree W1 seg "$SEG_W1" C "$C_W1" sqlite3 "$SQL_W1"

row "W1 age 25..40 and p90 > 3" "seg run (whole process)" "$RUN_MED" "$(range "$RUN_MIN" "$RUN_MAX")" \
    "$(per_row "$RUN_MED")" "count $SEG_W1"
row "" "seg run, no segments (open+CRC+mmap)" "$EMP_MED" "$(range "$EMP_MIN" "$EMP_MAX")" \
    "$(per_row "$EMP_MED")" "fixed cost of opening the .segcol"
row "" "seg evaluation (estimate)" "$EVAL_EST" "-" "$(per_row "$EVAL_EST")" \
    "= whole - no segments; seg/C $(ratio "%.1fx" "$EVAL_EST" "$C_MED")"
row "" "C hand loop (loop only, -O2)" "$C_MED" "$(range "$C_MIN" "$C_MAX")" "$(per_row "$C_MED")" \
    "count $C_W1; whole seg/C $(ratio "%.0fx" "$RUN_MED" "$C_MED")"
row "" "sqlite3 CLI (whole process)" "$SQL_MED" "$(range "$SQL_MIN" "$SQL_MAX")" "$(per_row "$SQL_MED")" \
    "count $SQL_W1; sqlite/seg $(ratio "%.2fx" "$SQL_MED" "$RUN_MED") (whole process)"
row "" "sqlite3 query (.timer real)" "$SQLQ_MED" "$(range "$SQLQ_MIN" "$SQLQ_MAX")" "$(per_row "$SQLQ_MED")" \
    "sqlite/seg $(ratio "%.1fx" "$SQLQ_MED" "$EVAL_EST") (query vs seg estimate)"

# ---- W2 / W3 (extra): examples/nordic_q4.seg, .segcol vs CSV vs sqlite3 -------

say "W2/W3: examples/nordic_q4.seg (median of 3)"
NQ=examples/nordic_q4.seg
"$SEG" run "$NQ" "$SEGCOL" --today "$TODAY" --format csv >"$OUT/w2.out"
"$SEG" run "$NQ" "$CSV" --today "$TODAY" --format csv >"$OUT/w3.out"
NQ_SQL=$OUT/nordic_q4_count.sql
sed 's/^SELECT customer_id FROM/SELECT count(*) FROM/' examples/sql/nordic_q4.sql >"$NQ_SQL"
sqlite3 "$DB" <"$NQ_SQL" >"$OUT/w2_sqlite.out"
W2_SEG=$(seg_counts "$OUT/w2.out" | awk '{ printf "%s%s", s, $2; s = "," }')
W3_SEG=$(seg_counts "$OUT/w3.out" | awk '{ printf "%s%s", s, $2; s = "," }')
W2_SQL=$(paste -sd, "$OUT/w2_sqlite.out")
agree "W2/W3 (per segment, in file order)" seg-segcol "$W2_SEG" seg-csv "$W3_SEG" sqlite3 "$W2_SQL"
NSEG=$(seg_counts "$OUT/w2.out" | wc -l)
read -r W2_MED W2_MIN W2_MAX < <(measure 3 "$SEG" run "$NQ" "$SEGCOL" --today "$TODAY" --format csv)
read -r W3_MED W3_MIN W3_MAX < <(measure 3 "$SEG" run "$NQ" "$CSV" --today "$TODAY" --format csv)
read -r W2Q_MED W2Q_MIN W2Q_MAX < <(measure 3 sqlite3 "$DB" ".read $NQ_SQL")
row "W2 nordic_q4.seg ($NSEG segs)" "seg run on .segcol (whole process)" "$W2_MED" "$(range "$W2_MIN" "$W2_MAX")" \
    "$(per_row "$W2_MED")" "counts $W2_SEG"
row "" "sqlite3 CLI, 6 count(*) (whole process)" "$W2Q_MED" "$(range "$W2Q_MIN" "$W2Q_MAX")" \
    "$(per_row "$W2Q_MED")" "sqlite/seg $(ratio "%.2fx" "$W2Q_MED" "$W2_MED")"
row "W3 nordic_q4.seg on CSV" "seg run on the CSV (import in memory)" "$W3_MED" "$(range "$W3_MIN" "$W3_MAX")" \
    "$(per_row "$W3_MED")" "CSV/.segcol $(ratio "%.1fx" "$W3_MED" "$W2_MED")"

# ---- 6. table ------------------------------------------------------------------

echo
echo "seg bench: $ROWS customers (gencustomers --seed $SEED, $(calc "%.1f" "$CSV_BYTES / 1e6") MB CSV), today $TODAY," \
     "timer $TIMER, $(nproc) CPUs"
{
  echo "workload|engine|median|min .. max|per row|ratio / notes"
  echo "--------|------|------|----------|-------|-------------"
  printf '%s\n' "${ROWS_T[@]}"
} | awk -F'|' '
  { for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; nf = NF }
  END { for (r = 1; r <= n; r++) {
          line = ""
          for (i = 1; i <= nf; i++) {
            v = c[r, i]
            if (r == 2) { v = ""; for (k = 0; k < w[i]; k++) v = v "-" }
            if (i == nf) line = line v
            else if (i >= 3 && i <= 5 && r > 2) line = line sprintf("%" w[i] "s  ", v)
            else line = line sprintf("%-" w[i] "s  ", v)
          }
          print line
        } }'
echo
echo "Whole process = fork/exec to exit (seg: open + CRC check + mmap + compile + evaluate + print)."
echo "seg evaluation (estimate) = median whole run - median run with no segments on the same .segcol."
echo "C hand loop and sqlite3 .timer times exclude loading; all counts were checked equal before printing."
