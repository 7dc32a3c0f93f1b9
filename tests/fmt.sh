#!/usr/bin/env bash
# tests/fmt.sh -- `seg fmt`: golden layouts, meaning kept, idempotence, CLI.
#
#   SEG=build/seg bash tests/fmt.sh
#
# 1. tests/fmt/NAME.seg (messy) formats to tests/fmt/NAME.expected, and the
#    expected text is its own canonical form.
# 2. Every .seg text in the repository -- examples/*.seg, tests/**/*.seg,
#    each test's rules in tests/lang/*.test, each `rules.seg` section of
#    tests/diag/*.test that parses, and each case of
#    tests/data/conformance/*.cases as a `segment NAME = RULE` line after
#    the file's `@ ` lines -- passes `seg fmt --verify`: the formatted text
#    parses to the same AST as the original (seg_fmt_ast_equal; seg fmt
#    checks this on every run) and formatting it again changes nothing.
# 3. --check, --diff, -w, standard input, exit codes.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FMT_DIR=$T_ROOT/tests/fmt

# ---- 1. golden fixtures -------------------------------------------------
shopt -s nullglob
for in in "$FMT_DIR"/*.seg; do
    base=$(basename "$in" .seg)
    exp=$FMT_DIR/$base.expected
    if [ ! -f "$exp" ]; then
        t_fail "fmt/golden/$base" "missing $exp"
        continue
    fi
    seg_exec "$T_ROOT" fmt "$in"
    if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$exp"; then
        t_ok "fmt/golden/$base"
    else
        t_fail "fmt/golden/$base" "exit $T_RC" "$(cat "$T_ERR")" \
            "$(diff -u "$exp" "$T_OUT" | head -60)"
    fi
    seg_exec "$T_ROOT" fmt --check "$exp"
    if [ "$T_RC" -eq 0 ] && [ ! -s "$T_OUT" ]; then
        t_ok "fmt/golden/$base: expected output is canonical"
    else
        t_fail "fmt/golden/$base: expected output is canonical" "exit $T_RC" "$(cat "$T_OUT" "$T_ERR")"
    fi
done
shopt -u nullglob

# ---- 2. meaning and idempotence over every rule text ----------------------
CORPUS=$T_TMP/corpus
mkdir -p "$CORPUS"

verify() {   # verify LABEL FILE
    seg_exec "$T_ROOT" fmt --verify "$2"
    if [ "$T_RC" -eq 0 ]; then
        t_ok "fmt/verify/$1"
    else
        t_fail "fmt/verify/$1" "exit $T_RC" "$(cat "$T_ERR" | head -30)" "$(t_file_detail input "$2")"
    fi
}

while IFS= read -r f; do
    verify "${f#"$T_ROOT"/}" "$f"
done < <(find "$T_ROOT/examples" "$T_ROOT/tests" -name '*.seg' -type f | LC_ALL=C sort)

# tests/lang/*.test: the rule text of each test (from `test` to `expect`)
for t in "$T_ROOT"/tests/lang/*.test; do
    base=$(basename "$t" .test)
    awk -v out="$CORPUS/lang.$base" '
        /^test[ \t]+/ { n++; name = $0; sub(/^test[ \t]+/, "", name); sub(/[ \t]+$/, "", name)
                        file = sprintf("%s.%03d.%s.seg", out, n, name); printf "" > file; mode = 1; next }
        mode && /^expect([ \t]|$)/ { close(file); mode = 0; next }
        mode { print > file }' "$t"
done
for f in "$CORPUS"/lang.*.seg; do
    [ -e "$f" ] || continue
    verify "$(basename "$f" .seg | sed 's/^lang\.\([^.]*\)\.[0-9]*\./tests\/lang\/\1.test:/')" "$f"
done

# tests/diag/*.test: the rules.seg section, when it parses
for t in "$T_ROOT"/tests/diag/*.test; do
    base=$(basename "$t" .test)
    out=$CORPUS/diag.$base.seg
    awk '/^-- .* --$/ { inside = ($0 == "-- rules.seg --"); next } inside { print }' "$t" > "$out"
    [ -s "$out" ] || continue
    seg_exec "$CORPUS" fmt "$out"
    if [ "$T_RC" -eq 2 ] && grep -q 'error' "$T_ERR"; then
        # a case whose rules do not parse: fmt must refuse them, name the
        # file with a line and column, and print nothing to format
        if [ -s "$T_OUT" ]; then
            t_fail "fmt/refuses/tests/diag/$base.test" "seg fmt printed output for rules that do not parse" "$(head -5 "$T_OUT")"
        elif ! grep -Eq "$(basename "$out"):[0-9]+:[0-9]+: error" "$T_ERR"; then
            t_fail "fmt/refuses/tests/diag/$base.test" "no located error" "$(head -5 "$T_ERR")"
        else
            t_ok "fmt/refuses/tests/diag/$base.test"
        fi
        continue
    fi
    verify "tests/diag/$base.test" "$out"
done

# conformance cases: one file per case, the `@ ` lines then the segment
for c in "$SEG_TESTDATA"/conformance/*.cases; do
    [ -e "$c" ] || continue
    base=$(basename "$c" .cases)
    head=$CORPUS/conf.$base.head
    sed -n 's/^@ //p' "$c" > "$head"
    while IFS=$'\t' read -r name rule count rest; do
        case $name in ''|'#'*|'@ '*) continue ;; esac
        [ -n "$rule" ] || continue
        f=$CORPUS/conf.$base.$name.seg
        { cat "$head"; printf 'segment %s = %s\n' "$name" "$rule"; } > "$f"
        verify "conformance/$base.cases:$name" "$f"
    done < "$c"
    # and all of a file's cases together, as conformance.sh runs them
    all=$CORPUS/conf.$base.all.seg
    cat "$head" > "$all"
    while IFS=$'\t' read -r name rule count rest; do
        case $name in ''|'#'*|'@ '*) continue ;; esac
        [ -n "$rule" ] && printf 'segment %s = %s\n' "$name" "$rule" >> "$all"
    done < "$c"
    verify "conformance/$base.cases (all cases)" "$all"
done

# ---- 3. the command line ---------------------------------------------------
W=$T_TMP/work
mkdir -p "$W"
MESSY=$FMT_DIR/messy.seg
cp "$MESSY" "$W/messy.seg"
cp "$FMT_DIR/messy.expected" "$W/canon.seg"
printf 'segment x = age > \nsegment y = 1\n' > "$W/broken.seg"
cp "$W/broken.seg" "$W/broken.orig"

check_cli() {  # NAME WANT_RC [STDOUT_REGEX] -- after seg_exec
    local name=$1 want=$2 re=${3:-}
    if [ "$T_RC" -ne "$want" ]; then
        t_fail "fmt/cli/$name" "exit $T_RC, expected $want" "$(cat "$T_OUT" "$T_ERR" | head -20)"
    elif [ -n "$re" ] && ! grep -Eq "$re" "$T_OUT"; then
        t_fail "fmt/cli/$name" "stdout does not match /$re/" "$(head -20 "$T_OUT")"
    else
        t_ok "fmt/cli/$name"
    fi
}

seg_exec "$W" fmt --check canon.seg
check_cli "--check canonical file exits 0" 0
[ -s "$T_OUT" ] && t_fail "fmt/cli/--check canonical prints nothing" "$(cat "$T_OUT")" || t_ok "fmt/cli/--check canonical prints nothing"

seg_exec "$W" fmt --check messy.seg canon.seg
check_cli "--check messy file exits 1" 1 '^would reformat messy\.seg$'
if grep -q canon "$T_OUT"; then t_fail "fmt/cli/--check lists only files that change" "$(cat "$T_OUT")"
else t_ok "fmt/cli/--check lists only files that change"; fi
cmp -s "$W/messy.seg" "$MESSY" && t_ok "fmt/cli/--check leaves the file alone" || t_fail "fmt/cli/--check leaves the file alone"

seg_exec "$W" fmt --check broken.seg
check_cli "--check syntax error exits 2" 2
if grep -q '^broken.seg:1:' "$T_ERR"; then t_ok "fmt/cli/syntax error shows a diagnostic"
else t_fail "fmt/cli/syntax error shows a diagnostic" "$(cat "$T_ERR")"; fi

seg_exec "$W" fmt -w broken.seg
check_cli "-w syntax error exits 2" 2
cmp -s "$W/broken.seg" "$W/broken.orig" && t_ok "fmt/cli/-w leaves a file with syntax errors untouched" \
    || t_fail "fmt/cli/-w leaves a file with syntax errors untouched"

seg_exec "$W" fmt no_such_file.seg
check_cli "unreadable file exits 2" 2

seg_exec "$W" fmt --bogus canon.seg
check_cli "unknown option exits 2" 2

seg_exec "$W" fmt
check_cli "no files exits 2" 2

seg_exec "$W" fmt canon.seg messy.seg
cat "$W/canon.seg" "$FMT_DIR/messy.expected" > "$W/both.expected"
if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$W/both.expected"; then t_ok "fmt/cli/several files print in order"
else t_fail "fmt/cli/several files print in order" "exit $T_RC" "$(diff -u "$W/both.expected" "$T_OUT" | head -30)"; fi

(cd "$W" && timeout -k 5 "$SEG_TIMEOUT" "$SEG" fmt - < messy.seg > stdin.out 2> stdin.err); rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$W/stdin.out" "$FMT_DIR/messy.expected"; then t_ok "fmt/cli/standard input"
else t_fail "fmt/cli/standard input" "exit $rc" "$(cat "$W/stdin.err")"; fi

seg_exec "$W" fmt --diff messy.seg
check_cli "--diff exits 0" 0 '^@@ -1'
cp "$W/messy.seg" "$W/patched.seg"
if command -v patch >/dev/null 2>&1; then
    if patch -s -o "$W/patched.out" "$W/patched.seg" < "$T_OUT" >/dev/null 2>&1 &&
       cmp -s "$W/patched.out" "$FMT_DIR/messy.expected"; then
        t_ok "fmt/cli/--diff applies with patch to the formatted text"
    else
        t_fail "fmt/cli/--diff applies with patch to the formatted text" "$(head -40 "$T_OUT")"
    fi
fi
seg_exec "$W" fmt --diff canon.seg
if [ "$T_RC" -eq 0 ] && [ ! -s "$T_OUT" ]; then t_ok "fmt/cli/--diff of a canonical file is empty"
else t_fail "fmt/cli/--diff of a canonical file is empty" "$(cat "$T_OUT")"; fi

printf 'segment a = x>1' > "$W/nonl.seg"     # no newline at the end
seg_exec "$W" fmt --diff nonl.seg
if grep -q '^\\ No newline at end of file' "$T_OUT"; then t_ok "fmt/cli/--diff marks a missing final newline"
else t_fail "fmt/cli/--diff marks a missing final newline" "$(cat "$T_OUT")"; fi

chmod 640 "$W/messy.seg"
seg_exec "$W" fmt -w messy.seg
check_cli "-w exits 0" 0
if cmp -s "$W/messy.seg" "$FMT_DIR/messy.expected"; then t_ok "fmt/cli/-w rewrites the file to the canonical text"
else t_fail "fmt/cli/-w rewrites the file to the canonical text" "$(diff -u "$FMT_DIR/messy.expected" "$W/messy.seg" | head -30)"; fi
if [ "$(stat -c %a "$W/messy.seg")" = 640 ]; then t_ok "fmt/cli/-w keeps the file mode"
else t_fail "fmt/cli/-w keeps the file mode" "mode $(stat -c %a "$W/messy.seg")"; fi
if ls "$W" | grep -q '\.fmt\.'; then t_fail "fmt/cli/-w leaves no temporary file" "$(ls "$W")"
else t_ok "fmt/cli/-w leaves no temporary file"; fi
seg_exec "$W" fmt --check messy.seg
check_cli "--check after -w exits 0" 0

# The repository's own examples are kept in canonical form (what a
# `seg fmt --check` step in CI would insist on).
if "$SEG" fmt --check "$T_ROOT"/examples/*.seg > "$T_TMP/fmt_examples.out" 2>&1; then
    t_ok "fmt/examples are canonical (seg fmt --check examples/*.seg)"
else
    t_fail "fmt/examples are canonical (seg fmt --check examples/*.seg)" "$(cat "$T_TMP/fmt_examples.out")"
fi

t_summary fmt
