#!/usr/bin/env bash
# fuzz/run.sh -- seed corpora and fuzzing runs for the libFuzzer harnesses.
#
#   bash fuzz/run.sh [FUZZER...]        (from the repository root; `make fuzz`)
#
# Runs each fuzzer (default: every $FUZZ_BUILD/fuzz/fuzz_*) for
# $FUZZ_SECONDS seconds, one after the other, with its growing corpus in
# $FUZZ_BUILD/corpus/NAME and read-only seeds in $FUZZ_BUILD/seeds/...,
# regenerated on each run from the tests (their vendored data too), the examples
# and the vendored conformance cases (tests/data/conformance).
# Crashes, hangs (-timeout) and memory blow-ups (-rss_limit_mb) are written
# to $FUZZ_BUILD/artifacts/NAME/; the log of each run is
# $FUZZ_BUILD/logs/NAME.log.  Exit 1 if any fuzzer found something: copy the
# artifact into tests/fuzz-regress/NAME/ once it is fixed (tests/fuzz.sh
# replays that folder).
#
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_SECONDS (default 60),
# FUZZ_FLAGS (extra libFuzzer flags).
#
# Sourced (by tests/fuzz.sh) it only defines the functions.

FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}

# fuzz_seed_dirs NAME -- the seed folders of one fuzzer, one a line.
fuzz_seed_dirs() {
    local s=${FUZZ_SEEDS:-$FUZZ_BUILD/seeds}
    case $1 in
        fuzz_compile|fuzz_fmt) echo "$s/rules"; [ -d fuzz/seeds/rules ] && echo fuzz/seeds/rules ;;
        fuzz_csv) echo "$s/csv"; [ -d fuzz/seeds/csv ] && echo fuzz/seeds/csv ;;
        fuzz_segcol) echo "$s/segcol" ;;
        fuzz_segc) echo "$s/segc" ;;
    esac
    [ -d "tests/fuzz-regress/$1" ] && echo "tests/fuzz-regress/$1"
    return 0
}

# fuzz_flags NAME -- libFuzzer flags per fuzzer (dictionary, input size).
fuzz_flags() {
    case $1 in
        fuzz_compile|fuzz_fmt) echo "-dict=fuzz/seg.dict -max_len=8192" ;;
        fuzz_csv) echo "-dict=fuzz/csv.dict -max_len=16384" ;;
        fuzz_segcol) echo "-max_len=65536" ;;
        *) echo "-max_len=65536" ;;
    esac
}

# fuzz_make_seeds -- (re)builds $FUZZ_SEEDS (default $FUZZ_BUILD/seeds) from
# the repository.
fuzz_make_seeds() {
    local s=${FUZZ_SEEDS:-$FUZZ_BUILD/seeds} seg=$FUZZ_BUILD/seg f
    rm -rf "$s"
    mkdir -p "$s/rules" "$s/csv" "$s/segcol" "$s/segc"
    # rules: examples, fmt cases, every rules section of the diag cases, every
    # test block of the language cases, every conformance case
    for f in examples/*.seg tests/fmt/*.seg tests/fmt/*.expected; do
        [ -f "$f" ] && cp "$f" "$s/rules/$(echo "$f" | tr / _)"
    done
    for f in tests/diag/*.test; do
        [ -f "$f" ] || continue
        awk -v out="$s/rules/diag_$(basename "$f" .test)" '
            /^-- .*\.seg --$/ { on = 1; n++; next }
            /^-- .* --$/      { on = 0; next }
            on                { print > (out "_" n ".seg") }' "$f"
    done
    for f in tests/lang/*.test; do
        [ -f "$f" ] || continue
        awk -v out="$s/rules/lang_$(basename "$f" .test)" '
            /^test /    { on = 1; n++; next }
            /^expect /  { on = 0; next }
            /^table/    { on = 0; next }
            /^today /   { next }
            on && NF    { print > (out "_" n ".seg") }' "$f"
    done
    for f in tests/data/conformance/*.cases; do
        [ -f "$f" ] || continue
        awk -F'\t' -v out="$s/rules/conf_$(basename "$f" .cases)" '
            /^#/ || NF < 2 { next }
            { n++; printf "segment %s = %s\n", $1, $2 > (out "_" n ".seg") }' "$f"
    done
    # csv: fixtures, csv-spectrum, the small shared datasets whole and the
    # head of the big ones, every table of the language and diag cases
    for f in tests/fixtures/csv/*.csv tests/data/csv-spectrum/csvs/*.csv; do
        [ -f "$f" ] && cp "$f" "$s/csv/$(basename "$(dirname "$f")")_$(basename "$f")"
    done
    for f in tests/data/datasets/*.csv examples/customers.csv; do
        [ -f "$f" ] || continue
        head -c 8192 "$f" | awk 'BEGIN { RS = "\n"; ORS = "\n" } { print }' > "$s/csv/head_$(basename "$f")"
    done
    for f in tests/lang/*.test; do
        [ -f "$f" ] || continue
        awk -v out="$s/csv/lang_$(basename "$f" .test)" '
            /^table/ { on = 1; n++; next }
            /^$/     { on = 0; next }
            on       { print > (out "_" n ".csv") }' "$f"
    done
    for f in tests/diag/*.test; do
        [ -f "$f" ] || continue
        awk -v out="$s/csv/diag_$(basename "$f" .test)" '
            /^-- .*\.csv --$/ { on = 1; n++; next }
            /^-- .* --$/      { on = 0; next }
            on                { print > (out "_" n ".csv") }' "$f"
    done
    # segcol: `seg import` of the example export, of its first rows and of
    # every seed CSV that imports
    if [ -x "$seg" ]; then
        "$seg" import examples/customers.csv -o "$s/segcol/customers.segcol" >/dev/null 2>&1
        head -n 40 examples/customers.csv > "$s/customers40.csv"
        "$seg" import "$s/customers40.csv" -o "$s/segcol/customers40.segcol" >/dev/null 2>&1
        # FUZZ_QUICK=1 (tests/fuzz.sh): fewer seg runs, a few seeds each
        local pick=("$s"/csv/*.csv) rules=("$s"/rules/*)
        if [ "${FUZZ_QUICK:-0}" = 1 ]; then
            pick=("$s"/csv/csv_*.csv "$s"/csv/csvs_*.csv)
            rules=("$s"/rules/examples_* "$s"/rules/tests_fmt_*.seg)
        fi
        for f in "${pick[@]}"; do
            [ -f "$f" ] || continue
            ASAN_OPTIONS=detect_leaks=0 "$seg" import "$f" -o "$s/segcol/$(basename "$f" .csv).segcol" --skip-bad-rows >/dev/null 2>&1
        done
        rm -f "$s"/segcol/*.tmp.*
        # segc: saved programs of every seed rules file that compiles against
        # the example schema (the fuzzer binds to those columns)
        for f in "${rules[@]}"; do
            [ -f "$f" ] || continue
            ASAN_OPTIONS=detect_leaks=0 "$seg" compile "$f" -o "$s/segc/$(basename "$f").segc" \
                --schema examples/customers.schema >/dev/null 2>&1
        done
        rm -f "$s"/segc/*.tmp.*
    fi
    return 0
}

# fuzz_run NAME SECONDS CORPUS [EXTRA FLAGS...] -- one fuzzing run; the log
# goes to $FUZZ_LOG (default $FUZZ_BUILD/logs/NAME.log).  Returns libFuzzer's
# exit status.
fuzz_run() {
    local name=$1 secs=$2 corpus=$3
    shift 3
    local art=$FUZZ_BUILD/artifacts/$name/
    mkdir -p "$corpus" "$art" "$FUZZ_BUILD/logs"
    local seeds
    mapfile -t seeds < <(fuzz_seed_dirs "$name")
    # shellcheck disable=SC2046
    ASAN_OPTIONS=${FUZZ_ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$FUZZ_BUILD/fuzz/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$art" $(fuzz_flags "$name") "$@" \
        "$corpus" "${seeds[@]}" > "${FUZZ_LOG:-$FUZZ_BUILD/logs/$name.log}" 2>&1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
    names=("$@")
    if [ ${#names[@]} -eq 0 ]; then
        for f in "$FUZZ_BUILD"/fuzz/fuzz_*; do [ -x "$f" ] && names+=("$(basename "$f")"); done
    fi
    [ ${#names[@]} -gt 0 ] || { echo "no fuzzers in $FUZZ_BUILD/fuzz (run make fuzz)" >&2; exit 2; }
    fuzz_make_seeds
    bad=0
    for name in "${names[@]}"; do
        before=$(ls "$FUZZ_BUILD/artifacts/$name" 2>/dev/null | wc -l)
        rc=0
        # shellcheck disable=SC2086
        fuzz_run "$name" "$FUZZ_SECONDS" "$FUZZ_BUILD/corpus/$name" ${FUZZ_FLAGS:-} || rc=$?
        stats=$(grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$FUZZ_BUILD/logs/$name.log" | tr '\n' ' ')
        cov=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)' "$FUZZ_BUILD/logs/$name.log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' || true)
        if [ "$rc" -ne 0 ]; then
            bad=1
            printf '%-14s FOUND SOMETHING (exit %d) -- see %s/logs/%s.log\n' "$name" "$rc" "$FUZZ_BUILD" "$name"
            grep -E 'ERROR: |SUMMARY: |runtime error|fuzz invariant|Test unit written to' "$FUZZ_BUILD/logs/$name.log" | head -n 8 | sed 's/^/    /'
        else
            printf '%-14s ok  %ss  %s %s\n' "$name" "$FUZZ_SECONDS" "$cov" "$stats"
        fi
        after=$(ls "$FUZZ_BUILD/artifacts/$name" 2>/dev/null | wc -l)
        [ "$after" -gt "$before" ] && bad=1
    done
    exit $bad
fi
