#!/usr/bin/env bash
# bench/import_paths.sh -- W4 at 1M and 10M rows, the two import paths side
# by side: `seg import` (streaming, the default), `SEG_IMPORT_INMEM=1 seg
# import` (the in-memory path) and DuckDB's load (bench/duckdb_load.sql),
# back to back on the same CSV.  Not part of `make bench`: run it after a
# full `make bench` (10M rows), which leaves bench/out/customers.csv, the
# maxrss helper and the DuckDB driver behind.  The 1M file is the first
# 1,000,000 rows of the 10M one (as W7's "rows/10").
#
#   DUCKDB_LIB=.../libduckdb.so bash bench/import_paths.sh
#
# Per path: a checking run, `hyperfine -N --runs 3` (median, min, max, mean
# CPU), then one run under bench/out/maxrss (peak RSS, CPU).  MB/s per core
# = CSV bytes / CPU seconds of the maxrss run (all threads).  Finally the
# two paths' files are compared (`seg schema`, sizes).
. "$(dirname "${BASH_SOURCE[0]}")/paths_lib.sh" import_paths imp
for n in 1m 10m; do
  csv=$L/c1m.csv; [ $n = 10m ] && csv=$O/customers.csv
  sed "s#@CSV@#$csv#" bench/duckdb_load.sql >"$L/load.$n.sql"
  echo "== $n $(stat -c %s "$csv") bytes; $(uptime)"
  for mode in stream inmem duck; do
    case $mode in
      stream) cmd=("$SEG" import "$csv" -o "$L/x.$n.segcol" --force); envs=() ;;
      inmem)  cmd=("$SEG" import "$csv" -o "$L/y.$n.segcol" --force); envs=(SEG_IMPORT_INMEM=1) ;;
      duck)   cmd=("${DUCK[@]}" --fresh "$L/d.$n.duckdb" "@$L/load.$n.sql"); envs=() ;;
    esac
    env "${envs[@]}" "${cmd[@]}" >/dev/null 2>>"$L/log"   # the checking run (and warm-up)
    hyperfine -N --runs 3 --style none --export-csv "$L/hf.$mode.$n.csv" "env ${envs[*]} ${cmd[*]}" >/dev/null 2>>"$L/log"
    env "${envs[@]}" "$O/maxrss" "$L/rss.$mode.$n" "${cmd[@]}" >/dev/null 2>>"$L/log"
    awk -F, -v m=$mode -v n=$n -v r="$(cat "$L/rss.$mode.$n")" -v b="$(stat -c %s "$csv")" 'NR==2 { split(r, a, " ");
      printf "%s %s: median %.2f s (min %.2f max %.2f), CPU(hf mean) %.2f s, maxrss %.0f MiB, CPU(maxrss run) %.2f s, %.0f MB/s per core, %.0f MB/s wall\n",
        n, m, $(NF-4), $(NF-1), $NF, $(NF-3)+$(NF-2), a[1]/1024, a[2], b/1e6/a[2], b/1e6/$(NF-4) }' "$L/hf.$mode.$n.csv"
  done
  cmp <("$SEG" schema "$L/x.$n.segcol" 2>&1) <("$SEG" schema "$L/y.$n.segcol" 2>&1) && echo "$n: schema of stream and inmem .segcol equal"
  ls -l "$L/x.$n.segcol" "$L/y.$n.segcol" | awk '{print $5, $9}'
  echo "   $(uptime)"
done
