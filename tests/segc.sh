#!/usr/bin/env bash
# tests/segc.sh -- saved bytecode: `seg compile`, and `seg run` / `seg
# explain` of a .segc.
#
#   SEG=build/seg bash tests/segc.sh
#
# Round trip: every examples/*.seg compiled to .segc gives the same counts
# and the same members as the .seg itself on examples/customers.csv, and
# the same listing. The date rules (cmd_compile.c): a .segc whose rules use
# today runs only for the date it was compiled for. Binding: columns found
# by name in any order; a missing or retyped column is an error naming it.
# Corruption: the file truncated at every length and bytes flipped at every
# offset (CRC on, then off so the verifier itself is reached) always give
# exit 2 with a message or a program that still runs -- never a crash or a
# sanitizer report (run this under the ASan build too). The in-process walk
# over many more mutations is tests/unit/test_segc.c.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CSV=$T_ROOT/examples/customers.csv
D=$T_TMP/segc
mkdir -p "$D"
TODAY=2026-11-23

# ---- round trip over the examples ---------------------------------------
for rules in "$T_ROOT"/examples/*.seg "$T_ROOT"/tests/engine/edges.seg; do
    name=$(basename "$rules" .seg)
    tables=()       # event tables (examples/behaviour.seg): the example's, at every step
    grep -Eqi '^[[:space:]]*table[[:space:]]' "$rules" &&
        tables=(--table "orders=$T_ROOT/examples/orders.csv" --table "email_events=$T_ROOT/examples/email_events.csv")
    seg_exec "$D" run "$rules" "$CSV" --today "$TODAY" --format csv --members "$D/$name.members.seg.csv" "${tables[@]}"
    cp "$T_OUT" "$D/$name.expected"
    if [ "$T_RC" -ne 0 ]; then t_fail "roundtrip/$name: run .seg" "exit $T_RC" "$(cat "$T_ERR")"; continue; fi
    seg_exec "$D" compile "$rules" -o "$D/$name.segc" --data "$CSV" --today "$TODAY" "${tables[@]}"
    if [ "$T_RC" -ne 0 ] || [ ! -s "$D/$name.segc" ]; then
        t_fail "roundtrip/$name: compile" "exit $T_RC" "$(cat "$T_ERR")"; continue
    fi
    # pinned at compile time: no --today needed at run
    seg_exec "$D" run "$D/$name.segc" "$CSV" --format csv --members "$D/$name.members.segc.csv" "${tables[@]}"
    if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$D/$name.expected" &&
       cmp -s "$D/$name.members.seg.csv" "$D/$name.members.segc.csv"; then
        t_ok "roundtrip/$name: same counts and members"
    else
        t_fail "roundtrip/$name: same counts and members" "exit $T_RC" "$(cat "$T_ERR")" \
            "$(diff "$D/$name.expected" "$T_OUT" | head -20)"
    fi
    # the runtime alone (examples/embed/segc_run.c, no compiler linked in)
    # gives the same counts from the same .segc
    if [ -x "$(dirname "$SEG")/segc_run" ] && [ ${#tables[@]} -eq 0 ]; then   # (it takes no event tables)
        if "$(dirname "$SEG")/segc_run" "$D/$name.segc" "$CSV" > "$D/$name.rt" 2> "$D/$name.rt.err" &&
           diff <(tail -n +2 "$D/$name.expected" | cut -d, -f1,2 | tr , '\t') "$D/$name.rt" >/dev/null; then
            t_ok "roundtrip/$name: runtime without the compiler, same counts"
        else
            t_fail "roundtrip/$name: runtime without the compiler, same counts" "$(cat "$D/$name.rt.err")" \
                "$(diff <(tail -n +2 "$D/$name.expected" | cut -d, -f1,2 | tr , '\t') "$D/$name.rt" | head)"
        fi
    fi
    # the listing of the .segc is the listing of the .seg, after its header line
    seg_exec "$D" explain "$rules" --data "$CSV" --today "$TODAY" "${tables[@]}"
    cp "$T_OUT" "$D/$name.explain.seg"
    seg_exec "$D" explain "$D/$name.segc"
    if [ "$T_RC" -eq 0 ] && diff <(tail -n +2 "$T_OUT") "$D/$name.explain.seg" >/dev/null &&
       head -1 "$T_OUT" | grep -q "compiled for $TODAY (pinned)"; then
        t_ok "roundtrip/$name: explain"
    else
        t_fail "roundtrip/$name: explain" "$(diff <(tail -n +2 "$T_OUT") "$D/$name.explain.seg" | head -20)" "$(cat "$T_ERR")"
    fi
done

# ---- dates ---------------------------------------------------------------
cat > "$D/dated.seg" <<'EOF'
segment recent = last_purchase within 90 days and country in ("SE", "NO")
segment lapsed "No purchase for a year" = last_purchase more than 1 year ago
EOF
cat > "$D/undated.seg" <<'EOF'
segment nordic = country in ("SE", "NO") and email contains "hotmail"
segment older = age > 60 and lower(city) starts with "h"
EOF
# not pinned: compiled for the date of SEG_TODAY at compile time... SEG_TODAY
# pins too, so compile with the clock: the run must then refuse another date
seg_exec "$D" compile "$D/dated.seg" -o "$D/dated.segc" --data "$CSV"
if [ "$T_RC" -eq 0 ] && grep -q "note: the rules use today's date" "$T_ERR"; then t_ok "dates: compile notes the date"
else t_fail "dates: compile notes the date" "exit $T_RC" "$(cat "$T_ERR")"; fi
seg_exec "$D" run "$D/dated.segc" "$CSV" --today 2001-01-01
if [ "$T_RC" -eq 2 ] && grep -q "dated.segc: the rules use today's date and were compiled for .*, not 2001-01-01" "$T_ERR"; then
    t_ok "dates: another --today is refused"
else t_fail "dates: another --today is refused" "exit $T_RC" "$(cat "$T_ERR")"; fi
# a calendar period reads today too (its bounds are computed from it)
printf 'segment recent = signup_date in this month or last_purchase since yesterday\n' > "$D/period.seg"
seg_exec "$D" compile "$D/period.seg" -o "$D/period.segc" --data "$CSV"
seg_exec "$D" run "$D/period.segc" "$CSV" --today 2001-01-01
if [ "$T_RC" -eq 2 ] && grep -q "period.segc: the rules use today's date" "$T_ERR"; then
    t_ok "dates: a calendar period pins the date of a .segc"
else t_fail "dates: a calendar period pins the date of a .segc" "exit $T_RC" "$(cat "$T_ERR")"; fi
# a .segc compiled on a full export runs on a quiet day's export, where the
# date column is empty in every row (CSV and .segcol): every test of it unknown
printf 'id,last_purchase,age\n1,2026-11-01,30\n2,2026-01-05,40\n' > "$D/full.csv"
printf 'id,last_purchase,age\n1,,30\n2,,41\n3,,\n' > "$D/quiet.csv"
printf 'segment lapsed = last_purchase more than 90 days ago or age > 40\nsegment gone = last_purchase is missing\n' > "$D/quiet.seg"
seg_exec "$D" compile "$D/quiet.seg" -o "$D/quiet.segc" --data "$D/full.csv" --today "$TODAY"
seg_exec "$D" import "$D/quiet.csv" -o "$D/quiet.segcol"
for q in quiet.csv quiet.segcol; do
    seg_exec "$D" run "$D/quiet.segc" "$D/$q" --format csv
    if [ "$T_RC" -eq 0 ] && grep -qx 'lapsed,1,0.333333' "$T_OUT" && grep -qx 'gone,3,1.000000' "$T_OUT"; then
        t_ok "empty column: a .segc runs on $q with the date column empty"
    else t_fail "empty column: a .segc runs on $q with the date column empty" "exit $T_RC" "$(cat "$T_OUT" "$T_ERR")"; fi
done
seg_exec "$D" run "$D/dated.segc" "$CSV"
if [ "$T_RC" -eq 0 ]; then t_ok "dates: the local date runs"
else t_fail "dates: the local date runs" "exit $T_RC" "$(cat "$T_ERR")"; fi
# pinned: runs as of its date; the same date given again is fine
seg_exec "$D" compile "$D/dated.seg" -o "$D/dated_pinned.segc" --data "$CSV" --today "$TODAY"
seg_exec "$D" run "$D/dated.seg" "$CSV" --today "$TODAY" --format csv
cp "$T_OUT" "$D/dated.expected"
seg_exec "$D" run "$D/dated_pinned.segc" "$CSV" --format csv
a_rc=$T_RC; cp "$T_OUT" "$D/dated.a"
SEG_TODAY=$TODAY seg_exec "$D" run "$D/dated_pinned.segc" "$CSV" --format csv
if [ "$a_rc" -eq 0 ] && [ "$T_RC" -eq 0 ] && cmp -s "$D/dated.a" "$D/dated.expected" && cmp -s "$T_OUT" "$D/dated.expected"; then
    t_ok "dates: pinned .segc runs as of its date"
else t_fail "dates: pinned .segc runs as of its date" "exit $a_rc / $T_RC" "$(cat "$T_ERR")" "$(diff "$D/dated.expected" "$D/dated.a")"; fi
seg_exec "$D" run "$D/dated_pinned.segc" "$CSV" --today 2026-11-24
if [ "$T_RC" -eq 2 ] && grep -q "compiled for $TODAY, not 2026-11-24" "$T_ERR"; then t_ok "dates: pinned .segc refuses another date"
else t_fail "dates: pinned .segc refuses another date" "exit $T_RC" "$(cat "$T_ERR")"; fi
# rules without dates run for any date, with the counts of the .seg
seg_exec "$D" compile "$D/undated.seg" -o "$D/undated.segc" --data "$CSV"
seg_exec "$D" run "$D/undated.seg" "$CSV" --today 1999-12-31 --format csv
cp "$T_OUT" "$D/undated.expected"
seg_exec "$D" run "$D/undated.segc" "$CSV" --today 1999-12-31 --format csv
if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$D/undated.expected" && ! grep -q note "$T_ERR"; then
    t_ok "dates: rules without dates run on any date"
else t_fail "dates: rules without dates run on any date" "exit $T_RC" "$(cat "$T_ERR")" "$(diff "$D/undated.expected" "$T_OUT")"; fi

# ---- binding to the data's columns ---------------------------------------
# columns reversed, one extra: found by name (the file has no quoted fields)
awk -F, -v OFS=, '{ s = "x" NR; for (i = NF; i >= 1; i--) s = s OFS $i; print (NR == 1 ? "extra" : "1") OFS s }' "$CSV" |
    sed '1s/^extra,x1,/extra,xcol,/' > "$D/reordered.csv"
seg_exec "$D" run "$D/undated.segc" "$D/reordered.csv" --format csv
if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$D/undated.expected"; then t_ok "bind: columns in another order"
else t_fail "bind: columns in another order" "exit $T_RC" "$(cat "$T_ERR")" "$(diff "$D/undated.expected" "$T_OUT")"; fi
cut -d, -f1-6,8- "$CSV" > "$D/noage.csv"
seg_exec "$D" run "$D/undated.segc" "$D/noage.csv"
if [ "$T_RC" -eq 2 ] && grep -q "undated.segc: .*noage.csv: the rules read column 'age' (int), which the data does not have" "$T_ERR"; then
    t_ok "bind: missing column named"
else t_fail "bind: missing column named" "exit $T_RC" "$(cat "$T_ERR")"; fi
awk -F, -v OFS=, 'NR > 1 { $7 = "a" $7 } { print }' "$CSV" > "$D/textage.csv"
seg_exec "$D" run "$D/undated.segc" "$D/textage.csv"
if [ "$T_RC" -eq 2 ] && grep -q "the rules read column 'age' as int, the data has it as text" "$T_ERR"; then
    t_ok "bind: retyped column named"
else t_fail "bind: retyped column named" "exit $T_RC" "$(cat "$T_ERR")"; fi
# explain needs no data; a .seg that is not a .segc is still compiled
seg_exec "$D" explain "$D/undated.segc"
if [ "$T_RC" -eq 0 ] && grep -q "instructions" "$T_OUT" && grep -q "segment s1: older" "$T_OUT"; then t_ok "explain: .segc without a schema"
else t_fail "explain: .segc without a schema" "exit $T_RC" "$(cat "$T_ERR")"; fi
seg_exec "$D" compile "$D/undated.seg" --data "$CSV"
if [ "$T_RC" -eq 2 ] && grep -q "compile needs -o" "$T_ERR"; then t_ok "usage: -o required"
else t_fail "usage: -o required" "exit $T_RC" "$(cat "$T_ERR")"; fi
printf 'segment a = agee > 3\n' > "$D/bad.seg"
seg_exec "$D" compile "$D/bad.seg" -o "$D/bad.segc" --data "$CSV"
if [ "$T_RC" -eq 1 ] && [ ! -e "$D/bad.segc" ] && grep -q "bad.seg:1:13: error: unknown column" "$T_ERR"; then
    t_ok "compile: rule errors, exit 1, no file"
else t_fail "compile: rule errors, exit 1, no file" "exit $T_RC" "$(cat "$T_ERR")"; fi

# ---- corruption ----------------------------------------------------------
# a small program with every section in use: constants of both kinds, a
# number map, a bool map, a description, a selection
cat > "$D/small.seg" <<'EOF'
let pre = "a"
segment s "d" = (age > 30 and total_spend < 500.5) or length(first_name) > 6 and city starts with pre
EOF
seg_exec "$D" compile "$D/small.seg" -o "$D/small.segc" --data "$CSV" --today "$TODAY"
head -n 301 "$CSV" > "$D/small.csv"
size=$(wc -c < "$D/small.segc")
# every corrupted file at once (Python), each as corrupt.segc in a folder
# of its own: truncated to N bytes (cor/tN), byte OFF xor-ed with X (cor/xX_OFF)
# Under the sanitizers each process starts slowly: every 5th length and
# offset there (the plain build walks them all; tests/unit/test_segc.c
# walks every byte in one process in both builds).
STEP=1; case $SEG in *san*) STEP=5 ;; esac
python3 - "$D/small.segc" "$D/cor" "$STEP" <<'PY'
import os, sys
src, out, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = open(src, "rb").read()
def put(name, data):
    os.makedirs(os.path.join(out, name))
    with open(os.path.join(out, name, "corrupt.segc"), "wb") as f:
        f.write(data)
for n in range(0, len(b), step):
    put("t%d" % n, b[:n])
for x, first, end in ((65, 0, len(b)), (255, 1, len(b) - 4)):
    for off in range(first, end, 3 * step):
        put("x%d_%d" % (x, off), b[:off] + bytes([b[off] ^ x]) + b[off + 1:])
PY
crashes=(); unclear=(); loaded=0
# check_corrupt LABEL -- T_RC must be 0 or 2, and 2 must come with a message
check_corrupt() {
    if [ "$T_RC" -ne 0 ] && [ "$T_RC" -ne 2 ]; then crashes+=("$1: exit $T_RC: $(head -c 300 "$T_ERR")"); fi
    if [ "$T_RC" -eq 2 ] && ! grep -q "^seg: .*corrupt.segc: " "$T_ERR"; then unclear+=("$1: $(head -c 300 "$T_ERR")"); fi
    if [ "$T_RC" -eq 0 ]; then loaded=$((loaded + 1)); fi
}
for ((n = 0; n < size; n += STEP)); do
    seg_exec "$D" explain "$D/cor/t$n/corrupt.segc"
    check_corrupt "truncated to $n"
    [ "$T_RC" -eq 0 ] && crashes+=("truncated to $n bytes loads")
done
if [ ${#crashes[@]} -eq 0 ] && [ ${#unclear[@]} -eq 0 ]; then t_ok "corrupt: truncated at every ${STEP}th of $size lengths: a clear error"
else t_fail "corrupt: truncated at every ${STEP}th of $size lengths: a clear error" "${crashes[@]:0:10}" "${unclear[@]:0:10}"; fi
# one byte flipped (every third offset here; every offset, several
# patterns, in tests/unit/test_segc.c): the CRC catches it (first pass);
# with the CRC off the verifier or the front end catches what matters
crashes=(); unclear=(); loaded=0
for ((off = 0; off < size; off += 3 * STEP)); do
    seg_exec "$D" explain "$D/cor/x65_$off/corrupt.segc"
    check_corrupt "byte $off flipped"
    [ "$T_RC" -eq 0 ] && crashes+=("byte $off flipped: loads despite the CRC")
done
if [ ${#crashes[@]} -eq 0 ] && [ ${#unclear[@]} -eq 0 ]; then t_ok "corrupt: bytes flipped: CRC error"
else t_fail "corrupt: bytes flipped: CRC error" "${crashes[@]:0:10}" "${unclear[@]:0:10}"; fi
crashes=(); unclear=(); loaded=0
for ((off = 1; off < size - 4; off += 3 * STEP)); do
    SEG_SEGC_NO_CRC=1 seg_exec "$D" run "$D/cor/x255_$off/corrupt.segc" "$D/small.csv" --format csv
    check_corrupt "byte $off flipped, no CRC"
done
if [ ${#crashes[@]} -eq 0 ] && [ ${#unclear[@]} -eq 0 ]; then
    t_ok "corrupt: bytes flipped, CRC off: verifier error or a program that runs"
else t_fail "corrupt: bytes flipped, CRC off: verifier error or a program that runs" "${crashes[@]:0:10}" "${unclear[@]:0:10}"; fi
seg_exec "$D" run "$D/nonexistent.segc" "$CSV"
if [ "$T_RC" -eq 2 ]; then t_ok "missing .segc: exit 2"; else t_fail "missing .segc: exit 2" "exit $T_RC"; fi

t_summary segc
