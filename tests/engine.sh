#!/usr/bin/env bash
# tests/engine.sh -- the VM's fast paths against each other and SQLite, at a
# size where they all run: 40,037 generated customers (20 batches, the last
# ending inside a validity word).
#
#   SEG=build/seg bash tests/engine.sh
#
# Every segment of examples/*.seg and tests/engine/edges.seg is run on
#   - the CSV (in-memory table: natural widths), one thread,
#   - its .segcol (narrow widths, validity skipped in full batches) with
#     SEG_THREADS=1, 2 and 4,
# and the member lists must be identical; then each segment's members must
# equal the customer ids SQLite selects with the hand translation in
# examples/sql/<name>.sql or tests/engine/<name>.sql, on the same CSV.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GEN=$(dirname "$SEG")/gencustomers
TODAY=2026-11-23
ROWS=${ENGINE_ROWS:-40037}   # not a multiple of 64: the last batch ends mid-word
W=$T_TMP/engine
mkdir -p "$W"

if [ ! -x "$GEN" ]; then
    t_fail "engine" "$GEN not built"; t_summary engine; exit
fi
if ! "$GEN" --rows "$ROWS" --seed 7 -o "$W/big.csv" --orders "$W/orders.csv" --email-events "$W/email_events.csv" \
        2>"$W/gen.err"; then
    t_fail "engine/generate" "$(cat "$W/gen.err")"; t_summary engine; exit
fi
for f in big orders email_events; do
    seg_exec "$W" import "$f.csv" -o "$f.segcol"
    if [ "$T_RC" -ne 0 ]; then
        t_fail "engine/import $f" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; t_summary engine; exit
    fi
done
t_ok "engine/import $ROWS rows"

have_sqlite=1
command -v sqlite3 >/dev/null || have_sqlite=0
if [ $have_sqlite = 1 ]; then
    sed "s#examples/customers.csv#$W/big.csv#" "$T_ROOT/examples/sql/load.sql" |
        sqlite3 -batch -bail "$W/big.db" >"$W/load.out" 2>&1 ||
        { t_fail "engine/sqlite load" "$(cat "$W/load.out")"; have_sqlite=0; }
else
    t_fail "engine/sqlite" "sqlite3 is not installed"
fi
# a split's bucket (examples/campaign.seg): SQLite has no MD5; the table
# seg_buckets the hand translations read (tests/seg_buckets.py, hashlib)
if [ $have_sqlite = 1 ]; then
    python3 "$T_ROOT/tests/seg_buckets.py" "$W/big.csv" | sqlite3 -batch -bail "$W/big.db" >"$W/buckets.out" 2>&1 ||
        { t_fail "engine/sqlite buckets" "$(cat "$W/buckets.out")"; have_sqlite=0; }
fi

for rules in "$T_ROOT"/examples/*.seg "$T_ROOT"/tests/engine/*.seg; do
    name=$(basename "$rules" .seg)
    sql=$(dirname "$rules")/$name.sql
    [ -f "$sql" ] || sql=$T_ROOT/examples/sql/$name.sql
    d=$W/$name; mkdir -p "$d"
    ok=1
    # rules that read event tables (examples/behaviour.seg) get the generated
    # orders and e-mail events, in the data's own format; their counts are
    # checked against SQLite by tests/events.sh, here only the fast paths
    events=0
    grep -Eqi '^[[:space:]]*table[[:space:]]' "$rules" && events=1
    for variant in csv:1 segcol:1 segcol:2 segcol:4; do
        data=big.${variant%%:*}; th=${variant##*:}
        tables=()
        [ $events = 1 ] && tables=(--table "orders=orders.${variant%%:*}" --table "email_events=email_events.${variant%%:*}")
        SEG_THREADS=$th seg_exec "$W" run "$rules" "$data" "${tables[@]}" --today $TODAY --format csv \
            --members "$d/members.$data.$th.csv"
        if [ "$T_RC" -ne 0 ]; then
            t_fail "engine/$name/$data/threads=$th" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"
            ok=0; continue
        fi
        cp "$T_OUT" "$d/counts.$data.$th"
    done
    [ $ok = 1 ] || continue
    for f in "$d"/members.big.segcol.*.csv; do
        if cmp -s "$d/members.big.csv.1.csv" "$f"; then
            t_ok "engine/$name/$(basename "$f" .csv) = csv"
        else
            t_fail "engine/$name/$(basename "$f" .csv)" "members differ from the CSV run" \
                "$(diff "$d/members.big.csv.1.csv" "$f" | head -5)"
        fi
    done
    [ $have_sqlite = 1 ] && [ $events = 0 ] || continue
    # one query per '-- segment: NAME' block
    awk -v q="$d" '/^--[ \t]*segment:/ { n = $0; sub(/^--[ \t]*segment:[ \t]*/, "", n); out = q "/" n ".sql"; next }
                   out != "" { print >> out }' "$sql"
    while read -r s count; do
        if [ ! -f "$d/$s.sql" ]; then
            t_fail "engine/$name/$s" "no '-- segment: $s' block in $sql"; continue
        fi
        sqlite3 -batch -bail -noheader -list "$W/big.db" < "$d/$s.sql" 2>"$d/$s.err" |
            tr -d '\r' | grep -v '^$' | LC_ALL=C sort > "$d/$s.want"
        members_of "$d/members.big.segcol.2.csv" "$s" > "$d/$s.got"
        if [ -s "$d/$s.err" ]; then
            t_fail "engine/$name/$s sqlite" "$(cat "$d/$s.err")"
        elif cmp -s "$d/$s.want" "$d/$s.got"; then
            t_ok "engine/$name/$s = sqlite ($count)"
        else
            t_fail "engine/$name/$s" "SQLite selects $(wc -l < "$d/$s.want"), seg $(wc -l < "$d/$s.got")" \
                "$(LC_ALL=C comm -3 "$d/$s.want" "$d/$s.got" | head -5)"
        fi
    done < <(csv_counts "$d/counts.big.segcol.2")
done

t_summary engine
