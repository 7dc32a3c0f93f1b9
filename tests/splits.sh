#!/usr/bin/env bash
# tests/splits.sh -- deterministic A/B splits with hold-outs (issue 14, section 2).
#
#   SEG=build/seg bash tests/splits.sh
#
# - Every customer's arm, each split's figures and the sample-ratio test,
#   computed independently from the CSV with Python's hashlib
#   (tests/splits_check.py); the 100 keys of tests/data/splits/buckets.tsv
#   (hashlib's buckets, committed) each land in the arm of their bucket.
# - `seg sql` against `seg run`, member by member (tests/sql_diff.py): SQLite
#   (seg_bucket registered from hashlib), PostgreSQL 15 and DuckDB when
#   present (as tests/sql.sh starts them); golden SQL for all eight dialects.
# - .segc round trip (the SPLT section), explain, fmt, member files, why.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

D=$T_TMP/splits
mkdir -p "$D"
TODAY=2026-11-23
CSV=$T_ROOT/examples/customers.csv
RULES=tests/splits/splits.seg
cd "$T_ROOT" || exit 2

# ---- arms computed independently ------------------------------------------
check_py() {   # mode: TAP lines of tests/splits_check.py; a crash fails
    local line seen=0 rest=""
    while IFS= read -r line; do
        case $line in
            ok*) t_ok "${line#ok - }"; seen=1 ;;
            "not ok"*) t_fail "${line#not ok - }"; seen=1 ;;
            *) rest+="$line"$'\n' ;;
        esac
    done < <(python3 tests/splits_check.py "$SEG" "$1" "$D" 2>&1)
    [ "$seen" = 1 ] || t_fail "splits/$1: no verdict from tests/splits_check.py" "$(printf '%s' "$rest" | tail -5)"
    [ -z "$rest" ] || [ "$seen" = 0 ] || t_fail "splits/$1: stray output" "$(printf '%s' "$rest" | head -10)"
}
for mode in customers golden srm; do check_py "$mode"; done

# ---- seg sql against seg run on real engines ------------------------------------
run_diff() {   # label, then sql_diff.py's arguments
    local label=$1 line seen=0 rest=""
    shift
    while IFS= read -r line; do
        case $line in
            ok*) t_ok "splits/sql/$label"; seen=1 ;;
            "not ok"*) t_fail "splits/sql/$label" "${line#not ok - }"; seen=1 ;;
            *) rest+="$line"$'\n' ;;
        esac
    done < <(python3 "$T_ROOT/tests/sql_diff.py" "$@" 2>&1)
    [ "$seen" = 1 ] || t_fail "splits/sql/$label" "no verdict from tests/sql_diff.py" "$(printf '%s' "$rest" | tail -5)"
}
for rules in $RULES tests/splits/guarded.seg; do
    run_diff "sqlite/$(basename "$rules" .seg)" --engine sqlite "$SEG" "$rules" "$CSV" "$TODAY"
done

trap 'pg_stop; rm -rf "$T_TMP"' EXIT
pg_start; pg_rc=$?
if [ "$pg_rc" -ne 2 ]; then
    if [ "$pg_rc" -eq 0 ]; then
        chmod 755 "$T_TMP" "$D"
        for rules in $RULES tests/splits/guarded.seg; do
            run_diff "postgres/$(basename "$rules" .seg)" --engine postgres "$SEG" "$rules" "$CSV" "$TODAY"
        done
    else
        t_fail "splits/sql/postgres: server start" "$PG_WHY"
    fi
else
    echo "# splits/sql/postgres: not run (no PostgreSQL; tools/install-deps.sh installs it)"
fi

duckdb_fetch "$D/npm.log"     # (a failure to fetch: the engine is not run, tests/sql.sh fails)
if [ -f "$DUCK_LIB" ] && cc -O2 -o "$D/duckdb_driver" bench/duckdb_driver.c -ldl 2> "$D/cc.log"; then
    export SEG_DUCKDB_DRIVER=$D/duckdb_driver SEG_DUCKDB_LIB=$DUCK_LIB
    for rules in $RULES tests/splits/guarded.seg; do
        run_diff "duckdb/$(basename "$rules" .seg)" --engine duckdb "$SEG" "$rules" "$CSV" "$TODAY"
    done
else
    echo "# splits/sql/duckdb: not run (no libduckdb.so, and npm could not fetch it into build/duckdb)"
fi

# golden SQL, every dialect (BigQuery, Snowflake, Spark, Trino and ClickHouse
# written from their documentation; SEG_SQL_REGEN=1 rewrites them)
for dialect in sqlite duckdb postgres clickhouse bigquery snowflake spark trino; do
    g=tests/splits/sql/splits.$dialect.counts.sql
    "$SEG" sql $RULES --dialect "$dialect" --shape counts --data "$CSV" --table customers --key customer_id \
        --today "$TODAY" > "$D/got.sql" 2> "$D/err" || true
    if [ "${SEG_SQL_REGEN:-}" = 1 ]; then mkdir -p tests/splits/sql; cp "$D/got.sql" "$g"; fi
    if [ -s "$g" ] && cmp -s "$D/got.sql" "$g"; then t_ok "splits/sql/golden/$dialect"
    else t_fail "splits/sql/golden/$dialect" "$(diff "$g" "$D/got.sql" | head -10)" "$(cat "$D/err")"; fi
done
# the SQL spells the bucket the engines' way
grep -q "seg_bucket('2026-q4', \"email\")" tests/splits/sql/splits.sqlite.counts.sql &&
grep -q "('x' || substr(md5('q4_newsletter' || ':' || CAST(\"customer_id\" AS TEXT)), 1, 8))::bit(32)::bigint % 10000" \
    tests/splits/sql/splits.postgres.counts.sql &&
grep -q "to_char(\"signup_date\", 'YYYY-MM-DD')" tests/splits/sql/splits.postgres.counts.sql &&
grep -q "reinterpretAsUInt32(reverse(substring(MD5(concat(" tests/splits/sql/splits.clickhouse.counts.sql &&
    t_ok "splits/sql/bucket spelled per dialect" || t_fail "splits/sql/bucket spelled per dialect"

# ---- .segc: the SPLT section ---------------------------------------------------
seg_exec "$T_ROOT" compile $RULES -o "$D/s.segc" --data "$CSV" --today "$TODAY"
if [ "$T_RC" -eq 0 ]; then t_ok "splits/segc/compile"; else t_fail "splits/segc/compile" "$(cat "$T_ERR")"; fi
for fmt in table json; do
    seg_exec "$T_ROOT" run $RULES "$CSV" --today "$TODAY" --format $fmt
    cp "$T_OUT" "$D/seg.$fmt"
    seg_exec "$T_ROOT" run "$D/s.segc" "$CSV" --format $fmt
    if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$D/seg.$fmt" && grep -q "sample ratio\|chi_square" "$T_OUT"; then
        t_ok "splits/segc/run --format $fmt: the .segc gives the .seg's arms and figures"
    else
        t_fail "splits/segc/run --format $fmt" "$(diff "$D/seg.$fmt" "$T_OUT" | head)" "$(cat "$T_ERR")"
    fi
done
# a .segc whose split claims an arm past the segments is refused, not run
python3 - "$D/s.segc" "$D/bad.segc" <<'PY'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], "rb").read())
i = b.find(b"SPLT")
assert i > 0
body = i + 8
nsp = struct.unpack_from("<I", b, body)[0]
o = body + 4
n = struct.unpack_from("<I", b, o)[0]; o += 4 + n          # name
n = struct.unpack_from("<I", b, o)[0]; o += 4 + n          # salt
o += 16 + 8                                                # location, base, key
struct.pack_into("<I", b, o, 60000)                        # first arm: past the segments
struct.pack_into("<I", b, len(b) - 4, zlib.crc32(bytes(b[:-4])) & 0xffffffff)
open(sys.argv[2], "wb").write(b)
PY
seg_exec "$T_ROOT" run "$D/bad.segc" "$CSV"
if [ "$T_RC" -eq 2 ] && grep -q "corrupt: split 0" "$T_ERR"; then t_ok "splits/segc/a split out of range is refused"
else t_fail "splits/segc/a split out of range is refused" "exit $T_RC" "$(cat "$T_ERR")"; fi

# ---- explain ----------------------------------------------------------------------
seg_exec "$T_ROOT" explain $RULES --data "$CSV" --today "$TODAY"
if [ "$T_RC" -eq 0 ] && grep -q "BKT .*bucket(salt = text node" "$T_OUT" && grep -q "MAP_B\|SMAP\|HMAP" "$T_OUT"; then
    t_ok "splits/explain: an int or date key is BKT, a text key a map"
else
    t_fail "splits/explain" "$(head -20 "$T_OUT")" "$(cat "$T_ERR")"
fi

# ---- fmt ----------------------------------------------------------------------------
for f in $RULES tests/splits/guarded.seg; do
    seg_exec "$T_ROOT" fmt --check "$f"
    if [ "$T_RC" -eq 0 ]; then t_ok "splits/fmt/$f is canonical"; else t_fail "splits/fmt/$f is canonical" "$(cat "$T_OUT" "$T_ERR")"; fi
done
printf 'split  s = `everyone` BY customer_id SALT "a\\"b":x 12.50%% ,y 87.5%%\nsegment `everyone` = age > 3\n' > "$D/f.seg"
seg_exec "$D" fmt f.seg
if [ "$T_RC" -eq 0 ] && [ "$(cat "$T_OUT")" = 'split s = `everyone` by customer_id salt "a\"b": x 12.5%, y 87.5%
segment everyone = age > 3' ]; then
    t_ok "splits/fmt: a segment named everyone stays backticked, salt escaped, shares to 2 decimals"
else
    t_fail "splits/fmt: layout" "$(cat "$T_OUT" "$T_ERR")"
fi
cp "$T_OUT" "$D/f2.seg"
seg_exec "$D" fmt --check f2.seg
[ "$T_RC" -eq 0 ] && t_ok "splits/fmt: idempotent" || t_fail "splits/fmt: idempotent" "$(cat "$T_OUT")"

# ---- member files and selection -------------------------------------------------------
mkdir -p "$D/mdir"
seg_exec "$T_ROOT" run $RULES "$CSV" --today "$TODAY" --members-dir "$D/mdir" --segment q4_newsletter.test --segment promo.b
if [ "$T_RC" -eq 0 ] && [ -f "$D/mdir/q4_newsletter.test.csv" ] && [ -f "$D/mdir/promo.b.csv" ] &&
   [ "$(($(wc -l < "$D/mdir/q4_newsletter.test.csv") - 1))" = "$(python3 -c "import json;print([a['customers'] for s in json.load(open('$D/seg.json'))['splits'] for a in s['arms'] if a['segment']=='q4_newsletter.test'][0])")" ]; then
    t_ok "splits/members-dir: one file per arm, the arm's count of rows"
else
    t_fail "splits/members-dir" "exit $T_RC" "$(ls "$D/mdir" 2>&1)" "$(cat "$T_ERR")"
fi
seg_exec "$T_ROOT" run $RULES "$CSV" --today "$TODAY" --members - --members-format jsonl --segment cohort.mid
if [ "$T_RC" -eq 0 ] && grep -q '"cohort.mid"' "$T_OUT"; then t_ok "splits/members jsonl names the arm"
else t_fail "splits/members jsonl names the arm" "$(head -3 "$T_OUT")" "$(cat "$T_ERR")"; fi

# ---- why ---------------------------------------------------------------------------------
seg_exec "$T_ROOT" why $RULES "$CSV" --today "$TODAY" --key 100041 --segment q4_newsletter.test
if [ "$T_RC" -eq 0 ] && grep -q "^q4_newsletter.test: member" "$T_OUT"; then t_ok "splits/why explains an arm"
else t_fail "splits/why explains an arm" "$(cat "$T_OUT" "$T_ERR")"; fi

t_summary splits
