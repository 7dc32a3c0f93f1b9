#!/usr/bin/env bash
# bench/csv_paths.sh -- W3 at 1M and 10M rows: rules run straight on the
# CSV, with peak RSS.  Two rule files: bench/w2.seg (20 segments naming 11
# of the 13 columns) and W1's rule alone (2 of 13).  Per rule file and size:
#   seg       `seg run RULES customers.csv` (keeps only the columns the
#             rules name; the others are parsed and typed, not kept)
#   seg-all   the same with SEG_READ_ALL_COLUMNS=1 (every column kept)
#   duck      DuckDB, the same query over a typed read_csv view
# Not part of `make bench`: run it after a full `make bench` (10M rows),
# which leaves bench/out/customers.csv, the maxrss helper and the DuckDB
# driver behind.  The 1M file is the first 1,000,000 rows of the 10M one.
#
#   DUCKDB_LIB=.../libduckdb.so bash bench/csv_paths.sh
#
# Per path: a checking run (the counts of the three must be equal, or the
# script stops), `hyperfine -N --runs 3` (median, min, max, mean CPU), then
# one run under bench/out/maxrss (peak RSS).
. "$(dirname "${BASH_SOURCE[0]}")/paths_lib.sh" csv_paths csvp
TODAY=2026-11-23
printf 'segment w1 = age 25..40 and purchases_90d > 3\n' >"$L/w1.seg"
printf 'SELECT count(*) FILTER (WHERE age BETWEEN 25 AND 40 AND purchases_90d > 3) FROM customers;\n' >"$L/w1.sql"
counts() { tail -n +2 | cut -d, -f2 | paste -sd, ; }   # seg run --format csv: segment,customers,share
for n in 1m 10m; do
  csv=$L/c1m.csv; [ $n = 10m ] && csv=$O/customers.csv
  sed "s#@CSV@#$csv#; s/CREATE TABLE customers AS/CREATE VIEW customers AS/" bench/duckdb_load.sql >"$L/view.$n.sql"
  echo "== $n $(stat -L -c %s "$csv") bytes; $(uptime)"
  for w in w2 w1; do
    rules=bench/w2.seg sql=bench/w2.duckdb.sql
    [ $w = w1 ] && rules=$L/w1.seg sql=$L/w1.sql
    want=""
    for mode in seg seg-all duck; do
      case $mode in
        seg)     cmd=("$SEG" run -q "$rules" "$csv" --today $TODAY --format csv); envs=(SEG_READ_ALL_COLUMNS=0) ;;
        seg-all) cmd=("$SEG" run -q "$rules" "$csv" --today $TODAY --format csv); envs=(SEG_READ_ALL_COLUMNS=1) ;;
        duck)    cmd=("${DUCK[@]}" :memory: "@$L/view.$n.sql" "@$sql"); envs=() ;;
      esac
      out=$(env "${envs[@]}" "${cmd[@]}" 2>>"$L/log")          # the checking run (and warm-up)
      if [ $mode = duck ]; then got=$(tail -1 <<<"$out"); else got=$(counts <<<"$out"); fi
      [ -z "$want" ] && want=$got
      [ "$got" = "$want" ] || { echo "csv_paths: $n $w $mode counts $got, not $want" >&2; exit 1; }
      hyperfine -N --runs 3 --style none --export-csv "$L/hf.$w.$mode.$n.csv" "env ${envs[*]} ${cmd[*]}" >/dev/null 2>>"$L/log"
      env "${envs[@]}" "$O/maxrss" "$L/rss.$w.$mode.$n" "${cmd[@]}" >/dev/null 2>>"$L/log"
      awk -F, -v m=$mode -v n=$n -v w=$w -v r="$(cat "$L/rss.$w.$mode.$n")" 'NR==2 { split(r, a, " ");
        printf "%s %s %s: median %.2f s (min %.2f max %.2f), CPU(hf mean) %.2f s, maxrss %.0f MiB\n",
          n, w, m, $(NF-4), $(NF-1), $NF, $(NF-3)+$(NF-2), a[1]/1024 }' "$L/hf.$w.$mode.$n.csv"
    done
    echo "   $n $w counts equal: $want"
  done
  echo "   $(uptime)"
done
