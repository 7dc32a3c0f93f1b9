#!/usr/bin/env bash
# tests/textcol.sh -- text tests on columns whose values are (nearly) all
# distinct: no dictionary pays there, so seg tests each row's bytes
# (runtime/textmap.c, seg_vm_map_rows) instead of filling a table per
# distinct value. Checked against SQLite.
#
#   SEG=build/seg bash tests/textcol.sh
#
# tests/textcol_diff.py writes 3000 customers whose e-mails and names are
# all distinct (mixed case, non-ASCII values whose folding changes length
# or gives ASCII, missing values, values of 1 to 300 bytes, and "7@" at
# every position of values of 2 to 40 bytes: the 8- and 16-byte steps of
# the substring and affix tests), a city column
# of ten values (a dictionary), one segment per text test (=, !=, in, not
# in, starts / ends with, contains, their `not` forms, and/or/not trees,
# affixes longer than any value, empty literals), and the members SQLite
# selects for each, with Python's case folding as its one added function.
#
# 1. seg run on the CSV: each segment's members equal SQLite's.
# 2. The same members with the per-row path forced for every text column
#    (SEG_TEXT_ROWS=always), row by row without the batch's codes as a
#    range (each), and with the dictionary forced (never); from the
#    imported .segcol (2-byte codes), from one imported with a value per
#    row (SEG_IMPORT_DICT_CAP=100: code = row), and from a 200-row .segcol
#    (1-byte codes).
# 3. Both paths without forcing: every row written three times makes each
#    value repeat (the dictionary pays), and every segment then counts
#    exactly three times its members in the all-distinct file.
# 4. seg why (rows evaluated alone, under a one-row selection) gives each
#    segment's verdict as SQLite does, for a few customers.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TODAY=2026-11-23
D=$T_TMP/textcol
mkdir -p "$D"

if ! command -v python3 >/dev/null; then
    t_fail "textcol" "python3 is not installed (tools/install-deps.sh installs it)"
    t_summary textcol; exit
fi
if ! python3 "$T_ROOT/tests/textcol_diff.py" "$D" 3000 7 > "$D/gen.out" 2>&1; then
    t_fail "textcol/generate" "$(cat "$D/gen.out")"
    t_summary textcol; exit
fi
SEGS=$(awk '/^segment / { print $2 }' "$D/rules.seg")

# members FILE -- segment,id lines of a --members file (or expected.csv), sorted
members() { tail -n +2 "$1" | tr -d '\r' | LC_ALL=C sort; }
members "$D/expected.csv" > "$D/want"

# run NAME DATA [ENV=VALUE] -- seg run with --members into $D/NAME.members;
# a failure of the run itself is a failing test
run() {
    local name=$1 data=$2; shift 2
    seg_exec "$D" run rules.seg "$data" --today "$TODAY" --format csv --min-size 0 \
        --members "$name.members"
    if [ "$T_RC" -ne 0 ]; then
        t_fail "textcol/$name/run" "$T_CMD: exit $T_RC" "$(head -n 20 "$T_ERR")"
        return 1
    fi
    cp "$T_OUT" "$D/$name.counts"
    members "$D/$name.members" > "$D/$name.got"
}

# 1. per segment, the CSV in memory against SQLite
if run csv data.csv; then
    for s in $SEGS; do
        if diff <(grep "^$s," "$D/want") <(grep "^$s," "$D/csv.got") > "$D/d" 2>&1; then
            t_ok "textcol/sqlite/$s"
        else
            t_fail "textcol/sqlite/$s" "$(grep "^segment $s " "$D/rules.seg" | cut -c1-200)" \
                "< SQLite, > seg:" "$(head -n 20 "$D/d")"
        fi
    done
fi

# 2. the other paths and widths: every segment's members, one test each
same_members() {    # same_members NAME WANTFILE
    if cmp -s "$2" "$D/$1.got"; then
        t_ok "textcol/$1"
    else
        local bad
        bad=$(diff "$2" "$D/$1.got" | awk -F'[ ,]' '/^[<>]/ { print $2 }' | sort -u | head -n 10 | tr '\n' ' ')
        t_fail "textcol/$1" "segments whose members differ from SQLite's: $bad"
    fi
}
(export SEG_TEXT_ROWS=always; run rows_forced data.csv) && same_members rows_forced "$D/want"
(export SEG_TEXT_ROWS=never; run dict_forced data.csv) && same_members dict_forced "$D/want"
(export SEG_TEXT_ROWS=each; run rows_each data.csv) && same_members rows_each "$D/want"
seg_exec "$D" import data.csv -o data.segcol
if [ "$T_RC" -ne 0 ]; then
    t_fail "textcol/import" "$T_CMD: exit $T_RC" "$(head -n 20 "$T_ERR")"
else
    run segcol data.segcol && same_members segcol "$D/want"
    (export SEG_TEXT_ROWS=never; run segcol_dict data.segcol) && same_members segcol_dict "$D/want"
    (export SEG_TEXT_ROWS=each; run segcol_each data.segcol) && same_members segcol_each "$D/want"
fi
# a value per row (what import writes past SEG_IMPORT_DICT_CAP distinct
# values): code = row, a missing row an empty value, so each batch's codes
# are its rows'
SEG_IMPORT_DICT_CAP=100 seg_exec "$D" import data.csv -o perrow.segcol
if [ "$T_RC" -ne 0 ]; then
    t_fail "textcol/import_perrow" "$T_CMD: exit $T_RC" "$(head -n 20 "$T_ERR")"
else
    run perrow perrow.segcol && same_members perrow "$D/want"
    (export SEG_TEXT_ROWS=each; run perrow_each perrow.segcol) && same_members perrow_each "$D/want"
fi
head -n 201 "$D/data.csv" > "$D/small.csv"
seg_exec "$D" import small.csv -o small.segcol
if [ "$T_RC" -ne 0 ]; then
    t_fail "textcol/import_small" "$T_CMD: exit $T_RC" "$(head -n 20 "$T_ERR")"
else
    awk -F, '$2 < 100200' "$D/want" > "$D/want_small"
    run small small.segcol && same_members small "$D/want_small"
fi

# 3. the dictionary path chosen by itself: each row three times
{ head -n 1 "$D/data.csv"; for _ in 1 2 3; do tail -n +2 "$D/data.csv"; done; } > "$D/triple.csv"
# (and per row, forced: each batch's codes a range of values seen before)
for how in auto always; do
  if SEG_TEXT_ROWS=${how/auto/} run csv_again data.csv && SEG_TEXT_ROWS=${how/auto/} run triple triple.csv; then
    bad=$(join -t, <(tail -n +2 "$D/csv_again.counts" | cut -d, -f1,2 | LC_ALL=C sort) \
                   <(tail -n +2 "$D/triple.counts" | cut -d, -f1,2 | LC_ALL=C sort) |
          awk -F, '$3 != 3 * $2 { print $1 " " $2 " " $3 }' | head -n 10)
    n=$(join -t, <(tail -n +2 "$D/csv_again.counts" | cut -d, -f1 | LC_ALL=C sort) \
                 <(tail -n +2 "$D/triple.counts" | cut -d, -f1 | LC_ALL=C sort) | wc -l)
    if [ -z "$bad" ] && [ "$n" -eq "$(wc -w <<<"$SEGS")" ]; then
        t_ok "textcol/both_paths_counts/$how"
    else
        t_fail "textcol/both_paths_counts/$how" "segments (all-distinct count, tripled count) not 1:3, of $n:" "$bad"
    fi
  fi
done

# 4. seg why, a few customers, every segment
keys=(100000 100003 100017 100500 102999)
args=()
for k in "${keys[@]}"; do args+=(--key "$k"); done
seg_exec "$D" why rules.seg data.csv --today "$TODAY" --format csv "${args[@]}"
if [ "$T_RC" -ne 0 ]; then
    t_fail "textcol/why" "$T_CMD: exit $T_RC" "$(head -n 20 "$T_ERR")"
else
    for k in "${keys[@]}"; do
        got=$(awk -F, -v k="$k" '$1 == k && $4 == "true" { print $3 }' "$T_OUT" | LC_ALL=C sort)
        want=$(awk -F, -v k="$k" '$2 == k { print $1 }' "$D/want" | LC_ALL=C sort)
        n=$(awk -F, -v k="$k" '$1 == k' "$T_OUT" | wc -l)
        if [ "$got" = "$want" ] && [ "$n" -eq "$(wc -w <<<"$SEGS")" ]; then
            t_ok "textcol/why/$k"
        else
            t_fail "textcol/why/$k" "segments whose verdict differs:" \
                "$(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | head -n 10)"
        fi
    done
fi

t_summary textcol
