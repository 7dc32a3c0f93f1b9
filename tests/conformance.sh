#!/usr/bin/env bash
# tests/conformance.sh -- the shared language conformance cases.
#
#   SEG=build/seg bash tests/conformance.sh [FILE.cases...]
#
# For each tests/data/conformance/*.cases: one rule file made of the `@ `
# lines, then `segment NAME = RULE` per case (cases may reference each other,
# so they share one file); one `seg run --format csv --today DATE` over the
# file's data; each case passes when its count matches.  If the rule file
# does not compile, every case fails and the diagnostics are shown once.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The cases are vendored under tests/data/conformance (a user's clone has
# nothing beside it). Only when SEG_SHARED names the team's shared folder
# (the CI sets it) is the vendored copy compared with it, byte for byte.
CONF=$SEG_TESTDATA/conformance
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$CONF"/*.cases)
if [ $# -eq 0 ] && [ -n "${SEG_SHARED:-}" ] && [ -d "$SEG_SHARED/conformance" ]; then
    if diff -rq "$SEG_SHARED/conformance" "$CONF" > "$T_TMP/conf.drift" 2>&1; then
        t_ok "conformance: tests/data/conformance is the shared folder's copy"
    else
        t_fail "conformance: tests/data/conformance differs from $SEG_SHARED/conformance" "$(head -5 "$T_TMP/conf.drift")" \
            "refresh it: cp \"\$SEG_SHARED\"/conformance/* tests/data/conformance/"
    fi
fi

for f in "${files[@]}"; do
    base=$(basename "$f" .cases)
    dir="$T_TMP/conf.$base"
    mkdir -p "$dir"
    header=$(grep -m1 '^# data:' "$f")
    data=$(sed -E 's/^# data:[[:space:]]*([^[:space:]]+).*/\1/' <<<"$header")
    today=$(sed -nE 's/.*today:[[:space:]]*([0-9]{4}-[0-9]{2}-[0-9]{2}).*/\1/p' <<<"$header")
    [ -n "$today" ] || today=2026-11-23
    case $data in /*) ;; *) data=$(dirname "$f")/$data ;; esac

    # The rule file: constants, then one segment per case; `expected` holds
    # "name count line" for each case, line being its line in rules.seg.
    : > "$dir/rules.seg"; : > "$dir/expected"
    sed -n 's/^@ //p' "$f" >> "$dir/rules.seg"
    line=$(wc -l < "$dir/rules.seg")
    while IFS=$'\t' read -r name rule count rest; do
        case $name in ''|'#'*|'@ '*) continue ;; esac
        if [ -z "$rule" ] || ! [[ $count =~ ^[0-9]+$ ]]; then
            t_fail "conformance/$base/$name" "malformed case line (want name<TAB>rule<TAB>count)"
            continue
        fi
        printf 'segment %s = %s\n' "$name" "$rule" >> "$dir/rules.seg"
        line=$((line + 1))
        printf '%s %s %s\n' "$name" "$count" "$line" >> "$dir/expected"
    done < <(grep -v '^#' "$f" | grep -v '^@ ' | tr -d '\r')

    if [ ! -f "$data" ]; then
        while read -r name count line; do
            t_fail "conformance/$base/$name" "data file $data not found"
        done < "$dir/expected"
        continue
    fi

    seg_exec "$dir" run rules.seg "$data" --format csv --today "$today"
    if [ "$T_RC" -ne 0 ]; then
        first=1
        while read -r name count line; do
            if [ $first = 1 ]; then
                t_fail "conformance/$base/$name" "$T_CMD: exit $T_RC; the rule file did not run, so every case of $base fails" \
                    "$(t_file_detail stderr "$T_ERR" 60)" "$(t_file_detail stdout "$T_OUT" 10)"
                first=0
            else
                # Point at the diagnostics for this case's line, if any.
                own=$(grep -E "^rules\.seg:$line:" "$T_ERR" | head -3)
                t_fail "conformance/$base/$name" "rule file did not run (see the first case of $base)${own:+; for this case: $own}"
            fi
        done < "$dir/expected"
        continue
    fi
    csv_counts "$T_OUT" > "$dir/counts"
    while read -r name count line; do
        got=$(awk -v s="$name" '$1 == s { print $2; exit }' "$dir/counts")
        rule=$(sed -n "${line}p" "$dir/rules.seg")
        if [ "$got" = "$count" ]; then
            t_ok "conformance/$base/$name"
        elif [ -z "$got" ]; then
            t_fail "conformance/$base/$name" "segment missing from the output of $T_CMD" "rule: $rule"
        else
            t_fail "conformance/$base/$name" "expected $count customers, got $got" "rule: $rule" \
                "data: $data, today: $today"
        fi
    done < "$dir/expected"
done

t_summary conformance
