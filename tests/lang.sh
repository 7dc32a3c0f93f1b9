#!/usr/bin/env bash
# tests/lang.sh -- language semantics cases, tests/lang/*.test.
#
#   SEG=build/seg bash tests/lang.sh [FILE.test...]
#
# Format (see tests/README.md): `table` + CSV lines up to a blank line sets
# the table for the tests that follow; `today DATE` sets the evaluation date
# (default 2026-11-23); `test NAME` is followed by rule text up to the first
# `expect SEGMENT: id id ...` line.  Each test is one pass/fail: `seg run`
# must exit 0 and every expected segment must have exactly those members
# (first-column values, compared as sets), and its count in the summary must
# equal the number of members.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$T_ROOT"/tests/lang/*.test)

# split FILE OUTDIR -- writes OUTDIR/NNN/{name,data.csv,rules.seg,expect,today}
# for each test of FILE; OUTDIR/index lists the test folders in order.
split_tests() {
    awk -v out="$2" -v src="$1" '
        function close_test() {
            if (dir != "") { close(dir "/rules.seg"); close(dir "/expect") }
            dir = ""; mode = "top"
        }
        function bad(msg) {
            printf "not ok - lang/%s:%d: format error: %s\n", src, NR, msg
            errors++
        }
        BEGIN { mode = "top"; today = "2026-11-23"; table = ""; n = 0; dir = "" }
        {
            sub(/\r$/, "")
            line = $0
        }
        mode == "table" {
            if (line ~ /^[ \t]*$/) { mode = "top"; next }
            table = table line "\n"; next
        }
        mode == "rules" && line !~ /^expect[ \t]/ {
            print line > (dir "/rules.seg"); next
        }
        (mode == "rules" || mode == "expect") && line ~ /^expect[ \t]/ {
            mode = "expect"
            e = line; sub(/^expect[ \t]+/, "", e)
            if (e !~ /^[^:]+:/) { bad("expect line needs SEGMENT: ids"); next }
            print e > (dir "/expect"); next
        }
        mode == "expect" && line ~ /^#/ { next }
        mode == "expect" { close_test() }
        # top level
        line ~ /^[ \t]*$/ || line ~ /^#/ { next }
        line ~ /^table[ \t]*$/ { table = ""; mode = "table"; next }
        line ~ /^today[ \t]+/ { today = line; sub(/^today[ \t]+/, "", today); sub(/[ \t]+$/, "", today); next }
        line ~ /^test[ \t]+/ {
            name = line; sub(/^test[ \t]+/, "", name); sub(/[ \t]+$/, "", name)
            if (table == "") bad("test " name " before any table")
            n++; dir = sprintf("%s/%03d", out, n)
            system("mkdir -p \"" dir "\"")
            printf "%s\n", name > (dir "/name"); close(dir "/name")
            printf "%s\n", today > (dir "/today"); close(dir "/today")
            printf "%s", table > (dir "/data.csv"); close(dir "/data.csv")
            printf "" > (dir "/rules.seg"); printf "" > (dir "/expect")
            print dir >> (out "/index")
            mode = "rules"; next
        }
        { bad("unexpected line: " line) }
        END {
            if (mode == "rules") bad("test " name " has no expect line")
            close(out "/index")
        }' "$1"
}

# ids_sorted "1 2 3" -- one id a line, sorted.
ids_sorted() {
    local id
    for id in $1; do printf '%s\n' "$id"; done | LC_ALL=C sort
}

for f in "${files[@]}"; do
    base=$(basename "$f" .test)
    work="$T_TMP/lang.$base"
    mkdir -p "$work"
    : > "$work/index"
    split_tests "$f" "$work"
    while read -r dir; do
        name="$base/$(cat "$dir/name")"
        if [ ! -s "$dir/expect" ]; then
            t_fail "lang/$name" "format error: no expect line"
            continue
        fi
        seg_exec "$dir" run rules.seg data.csv --today "$(cat "$dir/today")" \
            --format csv --members members.csv
        if [ "$T_RC" -ne 0 ]; then
            t_fail "lang/$name" "$T_CMD: exit $T_RC, expected 0" \
                "$(t_file_detail stderr "$T_ERR")" "$(t_file_detail rules.seg "$dir/rules.seg")"
            continue
        fi
        csv_counts "$T_OUT" > "$dir/counts"
        problems=()
        while IFS= read -r e; do
            seg=${e%%:*}; seg=${seg//[[:space:]]/}
            want=$(ids_sorted "${e#*:}")
            if ! grep -q "^$seg " "$dir/counts"; then
                problems+=("segment $seg: not in the summary output")
                continue
            fi
            got=$( [ -f "$dir/members.csv" ] && members_of "$dir/members.csv" "$seg" )
            if [ "$got" != "$want" ]; then
                problems+=("segment $seg: expected [$(paste -sd" " <<<"$want")] got [$(paste -sd" " <<<"$got")]")
            fi
            count=$(awk -v s="$seg" '$1 == s { print $2 }' "$dir/counts")
            nmem=$(printf '%s' "$got" | grep -c . || true)
            if [ "$count" != "$nmem" ]; then
                problems+=("segment $seg: summary says $count customers, --members lists $nmem")
            fi
        done < "$dir/expect"
        if [ ${#problems[@]} -eq 0 ]; then
            t_ok "lang/$name"
        else
            t_fail "lang/$name" "${problems[@]}" "$(t_file_detail rules.seg "$dir/rules.seg")" \
                "today: $(cat "$dir/today")" "$(t_file_detail data.csv "$dir/data.csv" 12)"
        fi
    done < "$work/index"
done

t_summary lang
