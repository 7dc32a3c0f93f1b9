#!/usr/bin/env bash
# tests/diag.sh -- diagnostics cases, tests/diag/*.test.
#
#   SEG=build/seg bash tests/diag.sh [FILE.test...]
#
# Each file is one case in txtar form (see tests/README.md): free text, then
# sections `-- NAME --`.  Sections `args`, `exit`, `stderr`, `stderr-match`
# and `stdout` describe the run; `want/NAME` is the expected content of a
# file NAME the run writes; every other section is a file written to a fresh
# folder where `seg ARGS` runs.  `stderr`, `stdout` and `want/` files must
# match byte for byte; each line of `stderr-match` is an extended regular
# expression that must match some line of stderr.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$T_ROOT"/tests/diag/*.test)

for f in "${files[@]}"; do
    name=diag/$(basename "$f" .test)
    dir="$T_TMP/$name"
    mkdir -p "$dir/files" "$dir/meta" "$dir/want"
    # Split the archive: specials to meta/, everything else to files/.
    awk -v dir="$dir" '
        BEGIN { out = "" }
        /^-- .+ --$/ {
            if (out != "") close(out)
            n = substr($0, 4, length($0) - 6)
            if (n ~ /^(args|exit|stderr|stderr-match|stdout)$/) out = dir "/meta/" n
            else if (n ~ /^want\//) { sub(/^want\//, "", n); out = dir "/want/" n }
            else out = dir "/files/" n
            printf "" > out
            next
        }
        out != "" { print > out }' "$f"

    if [ ! -f "$dir/meta/args" ] || [ ! -f "$dir/meta/exit" ]; then
        t_fail "$name" "format error: needs -- args -- and -- exit -- sections"
        continue
    fi
    read -ra args < <(grep -v '^[[:space:]]*$' "$dir/meta/args" | head -1)
    want_rc=$(tr -d '[:space:]' < "$dir/meta/exit")

    seg_exec "$dir/files" "${args[@]}"
    problems=()
    if [ "$T_RC" != "$want_rc" ]; then
        problems+=("$T_CMD: exit $T_RC, expected $want_rc")
    fi
    if [ -f "$dir/meta/stderr" ] && ! cmp -s "$dir/meta/stderr" "$T_ERR"; then
        problems+=("stderr differs (--- expected, +++ actual):"
                   "$(diff -u --label expected --label actual "$dir/meta/stderr" "$T_ERR" | head -60)")
    fi
    if [ -f "$dir/meta/stderr-match" ]; then
        while IFS= read -r re; do
            [ -n "$re" ] || continue
            grep -Eq -- "$re" "$T_ERR" || problems+=("no stderr line matches /$re/")
        done < "$dir/meta/stderr-match"
    fi
    if [ -f "$dir/meta/stdout" ] && ! cmp -s "$dir/meta/stdout" "$T_OUT"; then
        problems+=("stdout differs (--- expected, +++ actual):"
                   "$(diff -u --label expected --label actual "$dir/meta/stdout" "$T_OUT" | head -60)")
    fi
    for w in "$dir"/want/*; do
        [ -f "$w" ] || continue
        wn=$(basename "$w")
        if [ ! -f "$dir/files/$wn" ]; then
            problems+=("output file $wn was not written")
        elif ! cmp -s "$w" "$dir/files/$wn"; then
            problems+=("$wn differs (--- expected, +++ actual):"
                       "$(diff -u --label expected --label actual "$w" "$dir/files/$wn" | head -60)")
        fi
    done
    if [ ${#problems[@]} -gt 0 ] && [ ! -f "$dir/meta/stderr" ]; then
        problems+=("$(t_file_detail stderr "$T_ERR")")
    fi
    if [ ${#problems[@]} -eq 0 ]; then
        t_ok "$name"
    else
        t_fail "$name" "${problems[@]}"
    fi
done

# A NUL byte cannot be written in a .test file: these are made here. The
# lexer refuses one in a string or a backtick name, at the token, in check
# and in fmt (which would otherwise print the name cut at the NUL).
nul=$T_TMP/diag-nul
mkdir -p "$nul"
printf 'segment a = `x\0y` > 3\nsegment b = email = "a\0b"\n' > "$nul/rules.seg"
for cmd in check fmt; do
    if [ $cmd = check ]; then seg_exec "$nul" check rules.seg --schema "$T_ROOT/examples/customers.schema"
    else seg_exec "$nul" fmt rules.seg; fi
    if [ "$T_RC" -ne 0 ] && [ ! -s "$T_OUT" ] &&
       grep -q '^rules.seg:1:13: error: NUL byte (0x00) in column name' "$T_ERR" &&
       grep -q '^rules.seg:2:21: error: NUL byte (0x00) in string' "$T_ERR"; then
        t_ok "diag/nul_bytes/$cmd"
    else
        t_fail "diag/nul_bytes/$cmd" "exit $T_RC" "$(t_file_detail stderr "$T_ERR")" "$(t_file_detail stdout "$T_OUT")"
    fi
done

t_summary diag
