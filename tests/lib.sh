# tests/lib.sh -- shared helpers for the data-driven test groups.
#
# Sourced by tests/lang.sh, tests/diag.sh, tests/conformance.sh,
# tests/import.sh and tests/sqlite_diff.sh.  Each group prints one line per
# test in TAP style, which tests/run.sh counts:
#
#     ok - GROUP/NAME
#     not ok - GROUP/NAME
#     #   detail line (expected vs actual, diagnostics, diffs)
#
# Environment: SEG (the binary under test, required), SEG_TESTDATA (the
# vendored public datasets and csv-spectrum, default tests/data), SEG_TIMEOUT (seconds per seg
# invocation, default 120).

set -u

T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${SEG:?SEG must name the seg binary under test}"
case $SEG in /*) ;; *) SEG=$T_ROOT/$SEG ;; esac
SEG_TESTDATA=${SEG_TESTDATA:-tests/data}
case $SEG_TESTDATA in /*) ;; *) SEG_TESTDATA=$T_ROOT/$SEG_TESTDATA ;; esac
# a hang guard, not a timing: every group of both builds runs at once in CI,
# so a command that takes 1 s alone has taken over 30 s there
SEG_TIMEOUT=${SEG_TIMEOUT:-120}

# Sanitizer settings; harmless for a normal build.  Leaks are reported, and
# any sanitizer report on stderr is a failure (see seg_exec).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export NO_COLOR=1
unset SEG_TODAY
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C

T_PASS=0
T_FAIL=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/segtest.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

T_SAN_RE='runtime error|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|MemorySanitizer|ThreadSanitizer'

t_ok() {
    T_PASS=$((T_PASS + 1))
    printf 'ok - %s\n' "$1"
}

# t_fail NAME [DETAIL...] -- each DETAIL argument may hold several lines.
t_fail() {
    local name=$1; shift
    T_FAIL=$((T_FAIL + 1))
    printf 'not ok - %s\n' "$name"
    local d
    for d in "$@"; do
        printf '%s\n' "$d" | sed 's/^/#   /'
    done
}

# t_file_detail LABEL FILE [MAXLINES] -- prints a file's content as detail.
t_file_detail() {
    local max=${3:-40}
    printf '%s:\n' "$1"
    if [ ! -s "$2" ]; then printf '  (empty)\n'; return; fi
    head -n "$max" "$2" | sed 's/^/  /'
    local n; n=$(wc -l < "$2")
    [ "$n" -gt "$max" ] && printf '  ... (%d more lines)\n' $((n - max))
    return 0
}

# seg_exec DIR ARGS... -- runs $SEG ARGS in DIR, stdout to $T_OUT, stderr to
# $T_ERR, exit code in $T_RC, the command line in $T_CMD.  A sanitizer report
# in stderr is turned into its own failing test, so a crash is never hidden
# behind an "expected exit 1".  Returns 0.
T_OUT=$T_TMP/seg.out
T_ERR=$T_TMP/seg.err
T_RC=0
T_CMD=
seg_exec() {
    local dir=$1; shift
    T_CMD="seg $*"
    T_RC=0
    (cd "$dir" && exec timeout -k 5 "$SEG_TIMEOUT" "$SEG" "$@") >"$T_OUT" 2>"$T_ERR" || T_RC=$?
    if [ "$T_RC" -eq 124 ] || [ "$T_RC" -eq 137 ]; then
        t_fail "timeout: $T_CMD" "no exit after ${SEG_TIMEOUT}s (in $dir)"
    fi
    if grep -Eq "$T_SAN_RE" "$T_ERR"; then
        t_fail "sanitizer: $T_CMD" "(in $dir)" "$(grep -E -A25 "$T_SAN_RE" "$T_ERR" | head -40)"
        # Strip the report so the caller's own checks see the program's output.
        sed -i -E "/$T_SAN_RE/,\$d" "$T_ERR"
    fi
    return 0
}

# t_summary GROUP -- last line of a group's output; exit status for run.sh.
t_summary() {
    printf '# %s: %d passed, %d failed\n' "$1" "$T_PASS" "$T_FAIL"
    [ "$T_FAIL" -eq 0 ]
}

# csv_counts FILE -- "name count" pairs from `seg run --format csv` output.
csv_counts() {
    awk -F, 'NR == 1 { next } NF >= 2 { gsub(/"/, "", $1); print $1, $2 }' "$1"
}

# members_of FILE SEGMENT -- the key values of one segment in a --members
# file, one a line, sorted.  Key values are unquoted ("" -> "); the fields
# after the key (a priority's tier) are left out.
members_of() {
    awk -v seg="$2" '
        NR == 1 { next }
        {
            sub(/\r$/, "")
            s = $0; i = index(s, ",")
            if (i == 0) next
            name = substr(s, 1, i - 1); key = substr(s, i + 1)
            gsub(/^"|"$/, "", name)
            if (name != seg) next
            if (key ~ /^"/) {                  # quoted: to the quote that is not doubled
                rest = substr(key, 2); key = ""
                while ((j = index(rest, "\"")) > 0) {
                    key = key substr(rest, 1, j - 1); rest = substr(rest, j + 1)
                    if (substr(rest, 1, 1) != "\"") break
                    key = key "\""; rest = substr(rest, 2)
                }
            } else if ((j = index(key, ",")) > 0) {
                key = substr(key, 1, j - 1)
            }
            print key
        }' "$1" | LC_ALL=C sort
}

# seg_walk DIR WALK NS ARGS... -- an out-of-memory walk in one start of $SEG
# (SEG_ALLOC_WALK, base/xalloc.c): in DIR, `seg ARGS` runs once per entry of
# NS (a space-separated list of "N" or "N+"), as with SEG_FAIL_ALLOC=N, each
# run a fork of the same process after its start-up (under ASan a start costs
# more than a small command). WALK (made empty here, outside DIR) then holds
# each run's stdout WALK/N.out, stderr WALK/N.err and, in WALK/N.files/, the
# files it left in DIR that were not there before the walk. Sets W_RC[N]: the
# exit status (128 + the signal that ended it; 142, SIGALRM, after
# $SEG_TIMEOUT seconds). As in seg_exec, a sanitizer report in a run's stderr
# is a failing test of its own, stripped from the file for the caller's
# checks, and a run that timed out is one too. Returns 1 (after a failing
# test) when the walk itself did not complete.
declare -A W_RC
seg_walk() {
    local dir=$1 wd=$2 ns=$3 n rc f; shift 3
    T_CMD="seg $*"
    W_RC=()
    rm -rf "$wd" && mkdir -p "$wd" || return 1
    printf '%s\n' $ns > "$wd/ns"
    rc=0
    (cd "$dir" && SEG_ALLOC_WALK=$wd SEG_ALLOC_WALK_TIMEOUT=$SEG_TIMEOUT \
        exec timeout -k 5 $((SEG_TIMEOUT * 10 + $(wc -l < "$wd/ns"))) "$SEG" "$@") \
        > "$wd/walk.out" 2> "$wd/walk.err" || rc=$?
    [ -f "$wd/status" ] && while read -r n f; do W_RC[$n]=$f; done < "$wd/status"
    if [ "$rc" -ne 0 ] || [ "${#W_RC[@]}" -ne "$(wc -l < "$wd/ns")" ]; then
        t_fail "walk: $T_CMD" "exit $rc after ${#W_RC[@]} of $(wc -l < "$wd/ns") runs (in $dir)" \
            "$(head -5 "$wd/walk.err")"
        return 1
    fi
    for n in "${!W_RC[@]}"; do
        [ "${W_RC[$n]}" -eq 142 ] && t_fail "timeout: SEG_FAIL_ALLOC=$n $T_CMD" "no exit after ${SEG_TIMEOUT}s (in $dir)"
    done
    while IFS= read -r f; do
        n=${f##*/}; n=${n%.err}
        t_fail "sanitizer: SEG_FAIL_ALLOC=$n $T_CMD" "(in $dir)" "$(grep -E -A25 "$T_SAN_RE" "$f" | head -40)"
        sed -i -E "/$T_SAN_RE/,\$d" "$f"
    done < <(grep -lE "$T_SAN_RE" "$wd"/*.err)
    return 0
}

# duckdb_fetch LOG -- when $DUCK_LIB (libduckdb.so) is missing and npm is
# there, fetches @duckdb/node-api once into build/duckdb; the groups of all
# the builds start at once, so the first one fetches under a lock and the
# others wait for it rather than finding nothing. npm's output in LOG;
# returns npm's failure.
DUCK_LIB=${SEG_DUCKDB_LIB:-$T_ROOT/build/duckdb/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so}
duckdb_fetch() {
    [ ! -f "$DUCK_LIB" ] && command -v npm > /dev/null || return 0
    mkdir -p "$T_ROOT/build/duckdb"
    ( flock 9
      [ -f "$DUCK_LIB" ] || timeout 600 npm install --prefix "$T_ROOT/build/duckdb" --no-audit --no-fund \
          @duckdb/node-api > "$1" 2>&1
    ) 9> "$T_ROOT/build/duckdb/.lock"
}

# pg_start -- a throw-away PostgreSQL server (Debian's) on a Unix socket in a
# temporary folder, as the postgres user when run as root: 0 with
# SEG_PG_SOCKET and SEG_PG_PSQL exported (tests/sql_diff.py reads them), 1
# when it would not start (PG_WHY: the end of its logs), 2 when PostgreSQL is
# not installed. pg_stop stops it and removes the folder (safe to call
# without a start, or twice).
PG_DIR= PG_BIN= PG_WHY=
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_start() {
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && id postgres > /dev/null 2>&1 || return 2
    PG_DIR=$(mktemp -d /tmp/seg-pg.XXXXXX)
    chown postgres "$PG_DIR"
    if pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --locale=C.UTF-8 -E UTF8 > "$PG_DIR/initdb.log" 2>&1 &&
       pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
             -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off" start > /dev/null 2>&1; then
        export SEG_PG_SOCKET=$PG_DIR SEG_PG_PSQL=$PG_BIN/psql
        return 0
    fi
    PG_WHY=$(tail -5 "$PG_DIR/initdb.log" "$PG_DIR/server.log" 2>/dev/null)
    return 1
}
pg_stop() {
    [ -n "$PG_DIR" ] || return 0
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop > /dev/null 2>&1
    rm -rf "$PG_DIR"
    PG_DIR=
}

# ch_start -- tests/ch_cluster.sh's throw-away 2-shard ClickHouse cluster in a
# temporary folder, on free ports picked as it starts (two suites, or both
# builds' groups, at once never share them): 0 with SEG_CH_PORTS exported
# (tests/sql_diff.py and tests/tiers_diff.py read it), 1 when it would not
# start (CH_WHY: the end of its log), 2 when ClickHouse is not installed.
# ch_stop stops it and removes the folder (safe without a start, or twice).
CH_DIR= CH_WHY=
ch_start() {
    command -v clickhouse-client > /dev/null && [ -x /usr/sbin/clickhouse-server ] || return 2
    CH_DIR=$(mktemp -d /tmp/seg-ch.XXXXXX)
    chmod 755 "$CH_DIR"          # the servers run as the clickhouse user
    if bash "$T_ROOT/tests/ch_cluster.sh" start "$CH_DIR/cluster" 2> "$CH_DIR/start.log"; then
        SEG_CH_PORTS=$(cat "$CH_DIR/cluster/ports"); export SEG_CH_PORTS
        return 0
    fi
    CH_WHY=$(tail -5 "$CH_DIR/start.log")
    return 1
}
ch_stop() {
    [ -n "$CH_DIR" ] || return 0
    bash "$T_ROOT/tests/ch_cluster.sh" stop "$CH_DIR/cluster"
    rm -rf "$CH_DIR"
    CH_DIR=
}
