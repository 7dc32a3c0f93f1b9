#!/usr/bin/env bash
# tests/run.sh -- the single test driver.
#
#   bash tests/run.sh build build-san        (from the repository root)
#
# For each build folder: every unit test binary BUILD/tests/test_*, then every
# data-driven group (tests/<group>.sh) with SEG=BUILD/seg; the groups of all
# the builds run at once, each in the background.  Prints each failure
# with its detail, a summary per group, and ends with exactly one line
# "N passed, N failed" (totals over all builds).  Exit 1 if anything failed.
#
# Environment:
#   SEG_TESTDATA vendored datasets and csv-spectrum, default tests/data
#   TESTS        groups to run, default "unit lang diag conformance import sqlite_diff engine bench_smoke diff sarif fmt editors fuzz segc limits allocfail files outputs members why overlap random_diff layers sql measures ranks tiers splits events textcol report install deb"
#   VERBOSE=1    also print passing tests
#   ONCE_GROUPS  groups that do not depend on the build folder, run with the
#                first build only (default "fuzz deb": fuzz tests build-fuzz/'s
#                fuzzers, deb builds its own package); ONCE_GROUPS= runs them with each
#   SEG_TIMEOUT  seconds allowed per seg invocation (default 120: a hang guard;
#                under the load of every group at once, 1 s alone took > 30 s)
#   UNIT_TIMEOUT seconds allowed per unit test binary (default 600: a hang guard,
#                not a timing; test_segc under ASan on a loaded 2-core machine took >120)

set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
ROOT=$(pwd)

[ $# -ge 1 ] || set -- build
TESTS=${TESTS:-unit lang diag conformance import sqlite_diff engine bench_smoke diff sarif fmt editors fuzz segc limits allocfail files outputs members why overlap random_diff layers sql measures ranks tiers splits events textcol report install deb}
VERBOSE=${VERBOSE:-0}
ONCE_GROUPS=${ONCE_GROUPS-fuzz deb}
SUITE_START=$(date +%s)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
SAN_RE='runtime error|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer'

OUT=$(mktemp -d "${TMPDIR:-/tmp}/segrun.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
# a folder the groups of every build share for this run only (tests/sql.sh
# keeps the engines' answers there: tests/sql_diff.py's SEG_SQL_CACHE)
export SEG_RUN_CACHE=$OUT/cache
mkdir -p "$SEG_RUN_CACHE"

TOTAL_PASS=0
TOTAL_FAIL=0

# report LABEL LOG [SECS] [NEED_SUMMARY] [CPU] -- counts the ok / not ok lines of
# LOG, prints the failing ones with their "#" detail lines (and any stray
# output, such as a bash error), then a one-line summary for the group.  With
# NEED_SUMMARY=1, a log without the group's closing "# G: N passed, N failed"
# line (the script died half-way) counts as one more failure.
report() {
    local label=$1 log=$2 secs=${3:-?} need=${4:-0} cpu=${5:-}
    local counts p f
    counts=$(awk -v verbose="$VERBOSE" -v label="$label" -v need="$need" '
        /^ok( |$)/      { p++; infail = 0; if (verbose) print "  " label ": " $0; next }
        /^not ok( |$)/  { f++; infail = 1; print "  " label ": " $0; next }
        /^# [^ ]+: [0-9]+ passed, [0-9]+ failed$/ { infail = 0; done = 1; next }
        /^# [^ ]+: not run: /  { print "  " label ": " substr($0, 3); next }
        /^#/            { if (infail) print "  " $0; next }
                        { print "  " label ": (output) " $0 }
        END {
            if (need && !done) { f++; print "  " label ": not ok - group script stopped before its summary line" }
            printf "COUNTS %d %d\n", p, f
        }' "$log")
    printf '%s\n' "$counts" | grep -v '^COUNTS ' || true
    printf '%s\n' "$counts" | grep -E "^  .+: not ok( |$)" >> "$OUT/failures" || true
    read -r _ p f <<<"$(printf '%s\n' "$counts" | grep '^COUNTS ')"
    TOTAL_PASS=$((TOTAL_PASS + p))
    TOTAL_FAIL=$((TOTAL_FAIL + f))
    printf '%-28s %5d passed %5d failed   (%ss%s)\n' "$label" "$p" "$f" "$secs" "${cpu:+, cpu ${cpu}s}"
}

# run_unit BUILD LOG -- runs every unit test binary, normalising its output
# into the ok / not ok protocol.
run_unit() {
    local build=$1 t out rc name n_ok n_notok
    shopt -s nullglob
    local bins=("$build"/tests/test_*)
    shopt -u nullglob
    if [ ${#bins[@]} -eq 0 ]; then
        printf 'not ok - %s: no unit test binaries (%s/tests/test_*)\n' "$build" "$build"
        return
    fi
    for t in "${bins[@]}"; do
        [ -f "$t" ] && [ -x "$t" ] || continue
        name=$(basename "$t")
        rc=0
        out=$(cd "$ROOT" && timeout -k 5 "${UNIT_TIMEOUT:-600}" "$t" 2>&1) || rc=$?
        # Each ok / not ok line counts; prefix the binary's name.
        printf '%s\n' "$out" | awk -v n="$name" '
            /^ok( |$)/     { sub(/^ok( - )?/, ""); print "ok - " n ": " $0; next }
            /^not ok( |$)/ { sub(/^not ok( - )?/, ""); print "not ok - " n ": " $0; next }
                           { print "# " $0 }'
        n_ok=$(printf '%s\n' "$out" | grep -c '^ok' || true)
        n_notok=$(printf '%s\n' "$out" | grep -c '^not ok' || true)
        if [ "$rc" -ne 0 ] && [ "$n_notok" -eq 0 ]; then
            printf 'not ok - %s: exited with status %d and no "not ok" line\n' "$name" "$rc"
            printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
        fi
        if [ "$n_ok" -eq 0 ] && [ "$n_notok" -eq 0 ] && [ "$rc" -eq 0 ]; then
            printf 'not ok - %s: printed no ok / not ok line\n' "$name"
        fi
        if printf '%s\n' "$out" | grep -Eq "$SAN_RE"; then
            printf 'not ok - %s: sanitizer report\n' "$name"
            printf '%s\n' "$out" | grep -E -A25 "$SAN_RE" | head -40 | sed 's/^/#   /'
        fi
    done
}

# cpu_secs FILE -- writes to FILE the user+sys seconds of this shell's
# waited-for children (bash's `times`, second line; a builtin run without a
# pipe, which would fork), rounded: the CPU a group used, which unlike its
# wall time does not depend on what else shares the cores.
cpu_secs() {
    times > "$1.times"
    awk 'NR == 2 {
        t = 0
        for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
        printf "%d\n", t + 0.5 }' "$1.times" > "$1"
}

# Every group of every build starts at once (no build waits for another's
# slowest group: the cores stay busy until the last group ends); the reports
# come afterwards, build by build in a fixed order.  A group of ONCE_GROUPS
# runs with the first build only.
n=0
declare -A first_build=()
for build in "$@"; do
    build=${build%/}
    n=$((n + 1))
    [ -d "$build" ] || continue
    for g in $TESTS; do
        log="$OUT/$n.$g.log"
        if [[ " $ONCE_GROUPS " == *" $g "* ]] && [ -n "${first_build[$g]:-}" ]; then
            printf '# %s: not run: it does not depend on the build (run with %s)\n# %s: 0 passed, 0 failed\n' \
                "$g" "${first_build[$g]}" "$g" > "$log"
            continue
        fi
        first_build[$g]=$build
        (
            start=$(date +%s)
            if [ "$g" = unit ]; then
                run_unit "$build"
            elif [ ! -x "$build/seg" ]; then
                printf 'not ok - %s: %s/seg not found or not executable\n' "$g" "$build"
            elif [ -f "tests/$g.sh" ]; then
                SEG="$build/seg" bash "tests/$g.sh"
            else
                printf 'not ok - unknown test group %s (no tests/%s.sh)\n' "$g" "$g"
            fi
            echo $(( $(date +%s) - start )) > "$log.secs"
            cpu_secs "$log.cpu"
        ) > "$log" 2>&1 &
    done
done
wait

n=0
for build in "$@"; do
    build=${build%/}
    n=$((n + 1))
    echo "== $build"
    if [ ! -d "$build" ]; then
        printf 'not ok - build folder %s does not exist (run make / make san)\n' "$build" > "$OUT/missing.log"
        report "$build" "$OUT/missing.log"
        continue
    fi
    cpu=0
    for g in $TESTS; do
        log="$OUT/$n.$g.log"
        need=1; [ "$g" = unit ] && need=0; [ -x "$build/seg" ] || need=0
        report "$(basename "$build")/$g" "$log" "$(cat "$log.secs" 2>/dev/null || echo "-")" "$need" \
            "$(cat "$log.cpu" 2>/dev/null)"
        cpu=$((cpu + $(cat "$log.cpu" 2>/dev/null || echo 0)))
    done
    printf '%-28s %s CPU seconds (user + sys) in its groups\n' "$(basename "$build")" "$cpu"
done
echo "all builds: $(( $(date +%s) - SUITE_START ))s"
# the failures once more, just above the totals: a log read from its tail
# (a CI page shows the last lines) names what failed, not only how many
if [ -s "$OUT/failures" ]; then
    echo "failed:"
    cat "$OUT/failures"
fi

echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
[ "$TOTAL_FAIL" -eq 0 ]
