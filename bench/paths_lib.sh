# bench/paths_lib.sh -- what bench/import_paths.sh and bench/csv_paths.sh
# share, sourced with the script's name and its output folder's name:
#   . bench/paths_lib.sh NAME SUBDIR
# Sets O (bench/out or BENCH_OUT), L ($O/SUBDIR, made), DUCKDB_LIB, DUCK
# (the driver with its library), SEG, and $L/c1m.csv (the first 1,000,000
# rows of the 10M CSV); stops when a 10M `make bench` has not left its CSV,
# maxrss and the DuckDB driver behind.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
O=${BENCH_OUT:-bench/out}; L=$O/$2; mkdir -p "$L"
DUCKDB_LIB=${DUCKDB_LIB:-bench/peers/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so}
DUCK=("$O/duckdb_driver" --lib "$DUCKDB_LIB")
SEG=${SEG:-build/seg}
[ -f "$O/customers.csv" ] && [ -x "$O/maxrss" ] && [ -x "$O/duckdb_driver" ] ||
  { echo "$1: run make bench first ($O/customers.csv, maxrss, duckdb_driver)" >&2; exit 2; }
[ "$L/c1m.csv" -nt "$O/customers.csv" ] || head -n 1000001 "$O/customers.csv" >"$L/c1m.csv"
