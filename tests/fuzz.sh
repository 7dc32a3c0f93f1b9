#!/usr/bin/env bash
# tests/fuzz.sh -- the libFuzzer harnesses (fuzz/), briefly.
#
# Builds the fuzzers if needed (`make fuzz-build`, clang; into $FUZZ_BUILD,
# default build-fuzz, shared by every run of the suite and serialised with
# a lock), then for each fuzzer:
#   - replays every file in tests/fuzz-regress/NAME/ (crashes and hangs found
#     earlier, kept as regression cases): each must run clean;
#   - fuzzes for $FUZZ_TEST_SECONDS seconds (default 6) from the seeds,
#     with a throw-away corpus: any crash, leak, sanitizer report, hang
#     (-timeout=10) or memory blow-up fails the test, with the reproducer
#     kept in $FUZZ_BUILD/artifacts/NAME/.
# The group does not use $SEG: the fuzzers link the library directly.  It
# runs once per build folder given to tests/run.sh, against the same
# fuzzers.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$T_ROOT" || exit 2

export FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_TEST_SECONDS=${FUZZ_TEST_SECONDS:-6}
. fuzz/run.sh

if ! command -v clang >/dev/null 2>&1; then
    t_fail "fuzz/build" "clang is not installed (bash tools/install-deps.sh)"
    t_summary fuzz
    exit
fi

mkdir -p "$FUZZ_BUILD"
# (on every core: in a fresh clone this build is the suite's longest step)
if ! flock "$FUZZ_BUILD/.lock" make -s -j"$(nproc 2>/dev/null || echo 2)" fuzz-build FUZZ_BUILD="$FUZZ_BUILD" \
        > "$T_TMP/build.log" 2>&1; then
    t_fail "fuzz/build" "$(tail -n 30 "$T_TMP/build.log")"
    t_summary fuzz
    exit
fi
t_ok "fuzz/build"

# private seeds: another run of the suite may be using the shared ones
export FUZZ_SEEDS=$T_TMP/seeds
FUZZ_QUICK=1 fuzz_make_seeds

expected="fuzz_compile fuzz_fmt fuzz_csv fuzz_segcol"
[ -f bytecode/segc.h ] && expected="$expected fuzz_segc"
for name in $expected; do
    bin=$FUZZ_BUILD/fuzz/$name
    if [ ! -x "$bin" ]; then
        t_fail "fuzz/$name: built" "$bin is missing"
        continue
    fi

    # regression cases: each file replayed once (libFuzzer runs the files
    # given on its command line and exits non-zero on the first failure)
    reg=tests/fuzz-regress/$name
    if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ]; then
        n=$(ls -A "$reg" | wc -l)
        rc=0
        ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
            "$bin" -timeout=10 -rss_limit_mb=2048 $(fuzz_flags "$name") "$reg"/* \
            > "$T_TMP/$name.replay.log" 2>&1 || rc=$?
        if [ "$rc" -eq 0 ] && ! grep -Eq "$T_SAN_RE" "$T_TMP/$name.replay.log"; then
            t_ok "fuzz/$name: $n regression case(s) replay clean"
        else
            t_fail "fuzz/$name: regression cases in $reg" "exit $rc" \
                "$(grep -E 'Running: |ERROR: |SUMMARY: |runtime error|fuzz invariant' "$T_TMP/$name.replay.log" | head -n 12)"
        fi
    fi

    # a short fuzzing run: throw-away corpus, artifacts kept
    art=$FUZZ_BUILD/artifacts/$name
    mkdir -p "$art"
    before=$(ls -A "$art" | wc -l)
    rc=0
    FUZZ_LOG=$T_TMP/$name.log fuzz_run "$name" "$FUZZ_TEST_SECONDS" "$T_TMP/corpus-$name" \
        -seed=$((RANDOM + 1)) || rc=$?
    log=$FUZZ_BUILD/logs/$name.last-test.log
    mkdir -p "$FUZZ_BUILD/logs" && cp "$T_TMP/$name.log" "$log" 2>/dev/null
    after=$(ls -A "$art" | wc -l)
    if [ "$rc" -eq 0 ] && [ "$after" -eq "$before" ] && grep -q '^Done [0-9]* runs' "$T_TMP/$name.log"; then
        t_ok "fuzz/$name: ${FUZZ_TEST_SECONDS}s without a crash ($(grep -oE '^Done [0-9]+ runs' "$T_TMP/$name.log" | grep -oE '[0-9]+') runs)"
    else
        t_fail "fuzz/$name: fuzzing found a problem (exit $rc; reproducer in $art/, log $log)" \
            "$(grep -E 'ERROR: |SUMMARY: |runtime error|fuzz invariant|Test unit written to' "$T_TMP/$name.log" | head -n 10)"
    fi
done

t_summary fuzz
