#!/usr/bin/env bash
# tests/sqlite_diff.sh -- differential test: seg against SQLite.
#
#   SEG=build/seg bash tests/sqlite_diff.sh
#
# examples/sql/load.sql creates the table `customers` from
# examples/customers.csv; examples/sql/<name>.sql translates examples/<name>.seg
# by hand, as blocks
#
#     -- segment: NAME
#     SELECT customer_id FROM customers WHERE ...;
#
# (lines before the first block are run before each query).  For each
# segment, the customer ids SQLite selects must equal the members from
# `seg run examples/<name>.seg examples/customers.csv --today 2026-11-23
# --members`.  Each segment is one pass/fail; a .seg without a translation,
# or a segment missing from one side, is a failure, never a silent skip.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EX=$T_ROOT/examples
TODAY=2026-11-23
DB=$T_TMP/customers.db

if ! command -v sqlite3 >/dev/null; then
    t_fail "sqlite_diff" "sqlite3 is not installed"
    t_summary sqlite_diff; exit
fi
shopt -s nullglob
segs=("$EX"/*.seg)
shopt -u nullglob
if [ ${#segs[@]} -eq 0 ]; then
    t_fail "sqlite_diff" "no examples/*.seg files"
    t_summary sqlite_diff; exit
fi
if [ ! -f "$EX/customers.csv" ] || [ ! -f "$EX/sql/load.sql" ]; then
    t_fail "sqlite_diff" "examples/customers.csv or examples/sql/load.sql is missing"
    t_summary sqlite_diff; exit
fi

# Load the table.  load.sql may name the CSV relative to the repository root,
# to examples/ or to examples/sql/: try each until `customers` has rows.
loaded=
for d in "$T_ROOT" "$EX" "$EX/sql"; do
    rm -f "$DB"
    if (cd "$d" && sqlite3 -batch -bail "$DB" < "$EX/sql/load.sql") > "$T_TMP/load.out" 2>&1 &&
       [ "$(sqlite3 -batch "$DB" 'SELECT count(*) FROM customers;' 2>/dev/null || echo 0)" -gt 0 ]; then
        loaded=$d; break
    fi
done
if [ -z "$loaded" ]; then
    t_fail "sqlite_diff/load" "examples/sql/load.sql did not create a non-empty customers table" \
        "$(t_file_detail 'sqlite3 output' "$T_TMP/load.out")"
    t_summary sqlite_diff; exit
fi

# a split's bucket: SQLite has no MD5; the table seg_buckets the hand
# translations read (tests/seg_buckets.py, Python's hashlib)
if ! python3 "$T_ROOT/tests/seg_buckets.py" "$EX/customers.csv" | sqlite3 -batch -bail "$DB" > "$T_TMP/buckets.out" 2>&1; then
    t_fail "sqlite_diff/buckets" "$(cat "$T_TMP/buckets.out")"
fi

key=$(head -1 "$EX/customers.csv" | tr -d '\r\357\273\277' | cut -d, -f1 | tr -d '"')
keyargs=()
[ "$key" = customer_id ] || keyargs=(--key customer_id)

for seg in "${segs[@]}"; do
    name=$(basename "$seg" .seg)
    sql=$EX/sql/$name.sql
    dir="$T_TMP/diff.$name"
    mkdir -p "$dir/q"
    if [ ! -f "$sql" ]; then
        t_fail "sqlite_diff/$name" "no SQL translation examples/sql/$name.sql; add one (see tests/README.md)"
        continue
    fi
    # a file that reads event tables (examples/behaviour.seg) gets the example's
    tables=()
    grep -Eqi '^[[:space:]]*table[[:space:]]' "$seg" &&
        tables=(--table "orders=$EX/orders.csv" --table "email_events=$EX/email_events.csv")
    seg_exec "$dir" run "$seg" "$EX/customers.csv" --today $TODAY --format csv \
        --members members.csv "${keyargs[@]}" "${tables[@]}"
    if [ "$T_RC" -ne 0 ]; then
        t_fail "sqlite_diff/$name" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"
        continue
    fi
    csv_counts "$T_OUT" | awk '{ print $1 }' > "$dir/seg_names"

    # Split the translation into a preamble and one query file per segment.
    awk -v q="$dir/q" '
        /^--[ \t]*segment:[ \t]*/ {
            n = $0; sub(/^--[ \t]*segment:[ \t]*/, "", n); sub(/[ \t\r]+$/, "", n)
            out = q "/" n ".sql"; print n >> (q "/.names"); next
        }
        out == "" { print >> (q "/.preamble"); next }
        { print >> out }' "$sql"
    touch "$dir/q/.names" "$dir/q/.preamble"

    while read -r s; do
        if ! grep -qxF -- "$s" "$dir/q/.names"; then
            t_fail "sqlite_diff/$name/$s" "segment $s has no '-- segment: $s' block in examples/sql/$name.sql"
            continue
        fi
        qdb=$DB
        if grep -q '[^[:space:]]' "$dir/q/.preamble"; then
            qdb=$dir/q/db.$s; cp "$DB" "$qdb"
        fi
        if ! (cd "$loaded" && cat "$dir/q/.preamble" "$dir/q/$s.sql" |
              sqlite3 -batch -bail -noheader -list "$qdb") > "$dir/q/$s.out" 2> "$dir/q/$s.err"; then
            t_fail "sqlite_diff/$name/$s" "sqlite3 failed on the translation" \
                "$(t_file_detail stderr "$dir/q/$s.err" 10)" "$(t_file_detail query "$dir/q/$s.sql" 15)"
            continue
        fi
        tr -d '\r' < "$dir/q/$s.out" | grep -v '^$' | LC_ALL=C sort > "$dir/q/$s.want"
        members_of "$dir/members.csv" "$s" > "$dir/q/$s.got"
        if cmp -s "$dir/q/$s.want" "$dir/q/$s.got"; then
            t_ok "sqlite_diff/$name/$s"
        else
            only_sql=$(LC_ALL=C comm -23 "$dir/q/$s.want" "$dir/q/$s.got")
            only_seg=$(LC_ALL=C comm -13 "$dir/q/$s.want" "$dir/q/$s.got")
            t_fail "sqlite_diff/$name/$s" \
                "SQLite selects $(wc -l < "$dir/q/$s.want"), seg selects $(wc -l < "$dir/q/$s.got")" \
                "only in SQLite ($(printf '%s' "$only_sql" | grep -c .)): $(echo $only_sql | cut -c1-300)" \
                "only in seg ($(printf '%s' "$only_seg" | grep -c .)): $(echo $only_seg | cut -c1-300)" \
                "$(t_file_detail query "$dir/q/$s.sql" 15)"
        fi
    done < "$dir/seg_names"
    while read -r s; do
        grep -qxF -- "$s" "$dir/seg_names" ||
            t_fail "sqlite_diff/$name/$s" "examples/sql/$name.sql has segment $s, but seg run reports no such segment"
    done < "$dir/q/.names"
done

t_summary sqlite_diff
