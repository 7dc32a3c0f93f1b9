#!/usr/bin/env bash
# tests/limits.sh -- rule files at the edges: many segments, deep nesting,
# long lists, a full disk. Each case either works (and counts right) or
# stops with a clear, located error -- never a crash or a stack overflow.
# Run it under the ASan build too (bigger stack frames): tests/run.sh does.
#
#   SEG=build/seg bash tests/limits.sh
#
# Inputs are generated here with awk. Expected counts come from awk over
# examples/customers.csv (13 plain fields a row: 1 customer_id, 4 country,
# 7 age). The nesting limit is SEG_MAX_NESTING (compiler/ast.h), 1000.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CSV=$T_ROOT/examples/customers.csv
D=$T_TMP/limits
mkdir -p "$D"
TODAY=2026-11-23
count() { awk -F, "NR > 1 && ($1)" "$CSV" | wc -l | tr -d ' '; }
# csv_count SEGMENT -- from $T_OUT (seg run --format csv)
csv_count() { awk -F, -v s="$1" '$1 == s { print $2 }' "$T_OUT"; }

# expect_count NAME SEGMENT WANT -- after a seg_exec of run --format csv
expect_count() {
    local got; got=$(csv_count "$2")
    if [ "$T_RC" -eq 0 ] && [ "$got" = "$3" ]; then t_ok "$1"
    else t_fail "$1" "exit $T_RC, $2: expected $3, got '$got'" "$(head -c 600 "$T_ERR")"; fi
}

# expect_error NAME FILE LINE WORDS -- exit 1 and FILE:LINE:COL: error: ...WORDS
expect_error() {
    if [ "$T_RC" -eq 1 ] && grep -Eq "^$2:$3:[0-9]+: error: .*$4" "$T_ERR" && [ "$(grep -c ': error: ' "$T_ERR")" -le 2 ]; then
        t_ok "$1"
    else t_fail "$1" "exit $T_RC (want 1 and '$2:$3:COL: error: ...$4')" "$(head -c 800 "$T_ERR")"; fi
}

AGE30=$(count '$7 != "" && $7 > 30')
SE=$(count '$4 == "SE"')

# ---- 10,000 segments --------------------------------------------------------
# (slow under ASan, hence the longer limit for these)
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "segment s%d = customer_id = %d and age > %d\n", i, 100000 + i, i % 50 }' > "$D/many.seg"
want=$(awk -F, 'NR > 1 && $1 - 100000 < 10000 && $7 != "" && $7 > ($1 - 100000) % 50' "$CSV" | wc -l | tr -d ' ')
SEG_TIMEOUT=240 seg_exec "$D" run many.seg "$CSV" --today "$TODAY" --format csv
got=$(awk -F, 'NR > 1 { n += $2 } END { print n + 0 }' "$T_OUT")
if [ "$T_RC" -eq 0 ] && [ "$(wc -l < "$T_OUT")" -eq 10001 ] && [ "$got" = "$want" ]; then t_ok "10,000 segments: run"
else t_fail "10,000 segments: run" "exit $T_RC, members $got, want $want" "$(head -c 600 "$T_ERR")"; fi
SEG_TIMEOUT=240 seg_exec "$D" compile many.seg -o many.segc --data "$CSV"
SEG_TIMEOUT=240 seg_exec "$D" run many.segc "$CSV" --format csv
got=$(awk -F, 'NR > 1 { n += $2 } END { print n + 0 }' "$T_OUT")
if [ "$T_RC" -eq 0 ] && [ "$got" = "$want" ]; then t_ok "10,000 segments: through a .segc"
else t_fail "10,000 segments: through a .segc" "exit $T_RC, members $got, want $want" "$(head -c 600 "$T_ERR")"; fi

# 65,535 segments (a segment's index is a 16-bit operand) run; one more is
# refused at the segment that does not fit
awk 'BEGIN { for (i = 0; i < 65536; i++) printf "segment s%d = age > %d\n", i, i % 100 }' > "$D/max.seg"
head -n 65535 "$D/max.seg" > "$D/max65535.seg"
SEG_TIMEOUT=240 seg_exec "$D" run max65535.seg "$CSV" --today "$TODAY" --format csv
expect_count "65,535 segments: run" s65430 "$AGE30"
SEG_TIMEOUT=240 seg_exec "$D" check max.seg --data "$CSV"
expect_error "65,536 segments: refused" max.seg 65536 "too many segments in one file \(65536; at most 65535\)"

# 10,000 segments each using the one before (the segment graph is walked
# without recursion)
awk 'BEGIN { print "segment s0 = age > 30"; for (i = 1; i < 10000; i++) printf "segment s%d = s%d and customer_id > %d\n", i, i - 1, i }' > "$D/chain.seg"
SEG_TIMEOUT=240 seg_exec "$D" run chain.seg "$CSV" --today "$TODAY" --format csv --segment s9999
expect_count "chain of 10,000 segments" s9999 "$AGE30"
# ... and in a cycle: one error naming it
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "segment s%d = s%d and age > 1\n", i, (i + 1) % 10000 }' > "$D/cycle.seg"
SEG_TIMEOUT=240 seg_exec "$D" check cycle.seg --data "$CSV"
if [ "$T_RC" -eq 1 ] && grep -q "segments refer to each other in a cycle: s0 -> s1 -> s2" "$T_ERR"; then t_ok "cycle of 10,000 segments"
else t_fail "cycle of 10,000 segments" "exit $T_RC" "$(head -c 600 "$T_ERR")"; fi

# ---- nesting ------------------------------------------------------------------
# 10,000 parentheses around one comparison: one node, works
awk 'BEGIN { printf "segment s = "; for (i = 0; i < 10000; i++) printf "("; printf "age > 30"; for (i = 0; i < 10000; i++) printf ")"; print "" }' > "$D/parens.seg"
seg_exec "$D" run parens.seg "$CSV" --today "$TODAY" --format csv
expect_count "10,000 parentheses around one comparison" s "$AGE30"
# 10,000 nested parenthesised `and`s: refused where it crosses the limit
awk 'BEGIN { printf "segment s = "; for (i = 0; i < 10000; i++) printf "age > 0 and ("; printf "age > 30"; for (i = 0; i < 10000; i++) printf ")"; print "" }' > "$D/deep.seg"
seg_exec "$D" check deep.seg --data "$CSV"
expect_error "10,000 nested 'and (': nesting error" deep.seg 1 "nested deeper than 1000 levels"
# `not` 10,000 deep
awk 'BEGIN { printf "\nsegment s = "; for (i = 0; i < 10000; i++) printf "not "; print "country = \"SE\"" }' > "$D/not.seg"
seg_exec "$D" run not.seg "$CSV" --today "$TODAY"
expect_error "not x 10,000: nesting error" not.seg 2 "nested deeper than 1000 levels"
# ... and 998 deep, under the limit: evaluated (an even number of nots)
awk 'BEGIN { printf "segment s = "; for (i = 0; i < 998; i++) printf "not "; print "country = \"SE\"" }' > "$D/not998.seg"
seg_exec "$D" run not998.seg "$CSV" --today "$TODAY" --format csv
expect_count "not x 998: evaluated" s "$SE"
# a chain of 999 `or`s: the left-leaning tree is 999 deep; works
awk 'BEGIN { printf "segment s = age = 0"; for (i = 1; i < 999; i++) printf " or age = %d", i; print "" }' > "$D/or999.seg"
seg_exec "$D" run or999.seg "$CSV" --today "$TODAY" --format csv
expect_count "999 'or's: evaluated" s "$(count '$7 != ""')"
seg_exec "$D" compile or999.seg -o or999.segc --data "$CSV"
seg_exec "$D" run or999.segc "$CSV" --format csv
expect_count "999 'or's: through a .segc" s "$(count '$7 != ""')"
# ... 10,000 of them: the nesting error, suggesting `in`
awk 'BEGIN { printf "segment s = age = 0"; for (i = 1; i < 10000; i++) printf " or age = %d", i; print "" }' > "$D/or.seg"
seg_exec "$D" check or.seg --data "$CSV"
expect_error "10,000 'or's: nesting error" or.seg 1 "use \`in \(\.\.\.\)\`"
# 10,000 unary minuses
awk 'BEGIN { printf "segment s = "; for (i = 0; i < 10000; i++) printf "- "; print "age > 30" }' > "$D/neg.seg"
seg_exec "$D" check neg.seg --data "$CSV"
expect_error "10,000 unary minuses: nesting error" neg.seg 1 "nested deeper than 1000 levels"
# constants defined through 10,000 others
awk 'BEGIN { print "let a0 = 1"; for (i = 1; i < 10000; i++) printf "let a%d = a%d + 1\n", i, i - 1; print "segment s = age > a9999" }' > "$D/lets.seg"
seg_exec "$D" check lets.seg --data "$CSV"
expect_error "10,000 chained constants: nesting error" lets.seg '[0-9]+' "nested deeper than 1000 levels through constants"

# ---- long lists -----------------------------------------------------------------
awk 'BEGIN { printf "segment s = age in ("; for (i = 0; i < 100000; i++) printf "%s%d", i ? ", " : "", i + 30; print ")" }' > "$D/in.seg"
seg_exec "$D" run in.seg "$CSV" --today "$TODAY" --format csv
expect_count "in list of 100,000 ints" s "$(count '$7 != "" && $7 >= 30')"
seg_exec "$D" compile in.seg -o in.segc --data "$CSV"
seg_exec "$D" run in.segc "$CSV" --format csv
expect_count "in list of 100,000 ints: through a .segc" s "$(count '$7 != "" && $7 >= 30')"
# text lists are evaluated per distinct value (the evaluator folds the
# value again for each item: kept to 2,000 items here)
awk 'BEGIN { printf "segment s = country in ("; for (i = 0; i < 2000; i++) printf "\"C%d\", ", i; print "\"se\")" }' > "$D/textin.seg"
seg_exec "$D" run textin.seg "$CSV" --today "$TODAY" --format csv
expect_count "in list of 2,001 texts" s "$SE"

# ---- a full disk ---------------------------------------------------------------
printf 'segment all = customer_id > 0\n' > "$D/all.seg"
printf 'keep\n' > "$D/kept.csv"
(ulimit -f 8; seg_exec "$D" run all.seg "$CSV" --members kept.csv --today "$TODAY"; echo "$T_RC" > "$D/rc")
if [ "$(cat "$D/rc")" -eq 2 ] && grep -q "kept.csv: cannot write: File too large" "$T_ERR" &&
   [ "$(cat "$D/kept.csv")" = keep ] && [ -z "$(ls "$D" | grep 'tmp\.')" ]; then
    t_ok "--members under ulimit -f: error, old file kept, no temporary left"
else t_fail "--members under ulimit -f: error, old file kept, no temporary left" "exit $(cat "$D/rc")" "$(cat "$T_ERR")" "$(ls "$D")"; fi
(ulimit -f 8; seg_exec "$D" run all.seg "$CSV" --members new.csv --today "$TODAY"; echo "$T_RC" > "$D/rc")
if [ "$(cat "$D/rc")" -eq 2 ] && [ ! -e "$D/new.csv" ] && [ -z "$(ls "$D" | grep 'tmp\.')" ]; then
    t_ok "--members under ulimit -f: no file under the target name"
else t_fail "--members under ulimit -f: no file under the target name" "exit $(cat "$D/rc")" "$(cat "$T_ERR")" "$(ls "$D")"; fi
(ulimit -f 1; SEG_TIMEOUT=240 seg_exec "$D" compile many.seg -o full.segc --data "$CSV"; echo "$T_RC" > "$D/rc")
if [ "$(cat "$D/rc")" -eq 2 ] && grep -q "full.segc: cannot write: File too large" "$T_ERR" && [ ! -e "$D/full.segc" ] &&
   [ -z "$(ls "$D" | grep 'tmp\.')" ]; then
    t_ok "compile under ulimit -f: error, no file"
else t_fail "compile under ulimit -f: error, no file" "exit $(cat "$D/rc")" "$(cat "$T_ERR")"; fi

# ---- 100,000 columns; 40,000 segments of one name (issue 10: the .segcol
# loader compared every pair of column names, diagnostics were rendered by
# rescanning the file from its start: 12 s and 8 s) -------------------------
python3 -c "
print(','.join('c%d' % i for i in range(100000)))
print(','.join(str(i % 7) for i in range(100000)))" > "$D/wide.csv"
seg_exec "$D" import wide.csv -o wide.segcol
seg_exec "$D" schema wide.segcol
if [ "$T_RC" -eq 0 ] && [ "$(grep -c '^c[0-9]*: int$' "$T_OUT")" -eq 100000 ]; then t_ok "100,000 columns: schema of the .segcol"
else t_fail "100,000 columns: schema of the .segcol" "exit $T_RC" "$(head -c 300 "$T_ERR")"; fi
printf 'segment s = c99999 = 4\n' > "$D/wide.seg"
seg_exec "$D" run wide.seg wide.segcol --format csv
[ "$T_RC" -eq 0 ] && grep -qx 's,1,1.000000' "$T_OUT" && t_ok "100,000 columns: run" || t_fail "100,000 columns: run" "$(cat "$T_OUT" "$T_ERR" | head -5)"
python3 -c "
for i in range(40000): print('segment a = age > %d' % i)" > "$D/dup.seg"
seg_exec "$D" check dup.seg --data "$CSV"
n=$(grep -c "error: 'a' is already defined on line 1$" "$T_ERR")
[ "$T_RC" -eq 1 ] && [ "$n" -eq 39999 ] && t_ok "40,000 segments of one name: every duplicate reported" \
    || t_fail "40,000 segments of one name: every duplicate reported" "exit $T_RC, $n duplicates reported"

t_summary limits
