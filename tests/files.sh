#!/usr/bin/env bash
# tests/files.sh -- no output destroys an input; files that are not what
# they seem (issue 10): outputs onto inputs, --force, pipes as inputs,
# devices and FIFOs as targets, symlinks and hard links written through,
# modes kept, signals leave no temporary, stale temporaries removed, a
# rule file with a BOM, SEG_THREADS checked, checksum errors name the file,
# explain of a missing rules file; the command table (help, unknown command).
#
#   SEG=build/seg bash tests/files.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T_OUT=$T_TMP/out
T_ERR=$T_TMP/err
D=$T_TMP/w
mkdir -p "$D"
cp "$T_ROOT/examples/customers.csv" "$D/crm.csv"
cp "$T_ROOT/examples/nordic_q4.seg" "$D/r.seg"
TODAY=(--today 2026-11-23)

# expect_refused NAME SUBSTRING FILE SUM -- exit 2, the message, FILE unchanged.
expect_refused() {
    local name=$1 msg=$2 file=$3 sum=$4
    if [ "$T_RC" -eq 2 ] && grep -qF -- "$msg" "$T_ERR" && [ "$(md5sum < "$D/$file")" = "$sum" ]; then
        t_ok "files/$name"
    else
        t_fail "files/$name" "cmd: $T_CMD" "rc=$T_RC (want 2)" "stderr: $(cat "$T_ERR")" \
            "$file changed: $([ "$(md5sum < "$D/$file")" = "$sum" ] && echo no || echo YES)"
    fi
}
no_temporaries() {
    local left
    left=$(find "$D" -name '*.tmp.*' | head -3)
    [ -z "$left" ] || { t_fail "files/$1" "temporaries left: $left"; return 1; }
    return 0
}

csv_sum=$(md5sum < "$D/crm.csv")
rules_sum=$(md5sum < "$D/r.seg")

# ---- outputs onto inputs -------------------------------------------------
seg_exec "$D" run r.seg crm.csv --members crm.csv "${TODAY[@]}"
expect_refused members_over_csv "that is the input file crm.csv" crm.csv "$csv_sum"
seg_exec "$D" run r.seg crm.csv --members r.seg "${TODAY[@]}"
expect_refused members_over_rules "that is the input file r.seg" r.seg "$rules_sum"
seg_exec "$D" import crm.csv -o c.segcol
seg_sum=$(md5sum < "$D/c.segcol")
seg_exec "$D" run r.seg c.segcol --members c.segcol "${TODAY[@]}"
expect_refused members_over_segcol "that is the input file c.segcol" c.segcol "$seg_sum"
ln -sf crm.csv "$D/link.csv"
ln -f "$D/crm.csv" "$D/hard.csv"
seg_exec "$D" run r.seg link.csv --members crm.csv "${TODAY[@]}"
expect_refused members_over_symlinked_input "that is the input file link.csv" crm.csv "$csv_sum"
seg_exec "$D" run r.seg hard.csv --members crm.csv "${TODAY[@]}"
expect_refused members_over_hard_linked_input "that is the input file hard.csv" crm.csv "$csv_sum"
seg_exec "$D" import crm.csv -o crm.csv
expect_refused import_over_its_csv "that is the input file crm.csv" crm.csv "$csv_sum"
seg_exec "$D" import crm.csv -o r.seg
expect_refused import_over_rules_needs_force "use --force" r.seg "$rules_sum"
seg_exec "$D" compile r.seg -o r.seg --data crm.csv
expect_refused compile_over_its_rules "that is the input file r.seg" r.seg "$rules_sum"
seg_exec "$D" compile r.seg -o crm.csv --data c.segcol
expect_refused compile_over_csv_needs_force "use --force" crm.csv "$csv_sum"
cp "$D/r.seg" "$D/scratch.seg"
seg_exec "$D" import crm.csv -o scratch.seg --force
if [ "$T_RC" -eq 0 ] && head -c 6 "$D/scratch.seg" | grep -q SEGCOL; then t_ok files/force_replaces
else t_fail files/force_replaces "rc=$T_RC $(cat "$T_ERR")"; fi
seg_exec "$D" import crm.csv -o c.segcol
[ "$T_RC" -eq 0 ] && t_ok files/segcol_over_segcol_needs_no_force || t_fail files/segcol_over_segcol_needs_no_force "$(cat "$T_ERR")"

# ---- pipes as inputs: read once ------------------------------------------
seg_exec "$D" run r.seg crm.csv "${TODAY[@]}" --format csv
cp "$T_OUT" "$T_TMP/want.csv"
( cd "$D" && "$SEG" run <(cat r.seg) <(cat crm.csv) "${TODAY[@]}" --format csv ) > "$T_OUT" 2> "$T_ERR"
cmp -s "$T_OUT" "$T_TMP/want.csv" && t_ok files/rules_and_data_from_process_substitution \
    || t_fail files/rules_and_data_from_process_substitution "$(diff "$T_TMP/want.csv" "$T_OUT")" "$(cat "$T_ERR")"
( cd "$D" && cat r.seg | "$SEG" run /dev/stdin crm.csv "${TODAY[@]}" --format csv ) > "$T_OUT" 2> "$T_ERR"
cmp -s "$T_OUT" "$T_TMP/want.csv" && t_ok files/rules_from_dev_stdin \
    || t_fail files/rules_from_dev_stdin "$(diff "$T_TMP/want.csv" "$T_OUT")" "$(cat "$T_ERR")"
( cd "$D" && cat crm.csv | "$SEG" run r.seg - "${TODAY[@]}" --format csv ) > "$T_OUT" 2> "$T_ERR"
cmp -s "$T_OUT" "$T_TMP/want.csv" && t_ok files/data_from_stdin \
    || t_fail files/data_from_stdin "$(diff "$T_TMP/want.csv" "$T_OUT")" "$(cat "$T_ERR")"
( cd "$D" && "$SEG" schema crm.csv ) > "$T_TMP/schema.want"
( cd "$D" && "$SEG" schema <(cat crm.csv) ) > "$T_OUT" 2> "$T_ERR"
cmp -s "$T_OUT" "$T_TMP/schema.want" && t_ok files/schema_from_pipe_keeps_the_header \
    || t_fail files/schema_from_pipe_keeps_the_header "$(diff "$T_TMP/schema.want" "$T_OUT")"
seg_exec "$D" compile r.seg -o r.segc --data crm.csv "${TODAY[@]}"
( cd "$D" && "$SEG" run <(cat r.segc) crm.csv "${TODAY[@]}" --format csv ) > "$T_OUT" 2> "$T_ERR"
cmp -s "$T_OUT" "$T_TMP/want.csv" && t_ok files/segc_from_pipe \
    || t_fail files/segc_from_pipe "$(diff "$T_TMP/want.csv" "$T_OUT")" "$(cat "$T_ERR")"

# ---- special targets: written directly, never replaced ----------------------
# A private null device (the real /dev/null is never a target here: a seg
# with the bug would replace it for the whole machine). Needs root (CI is).
if mknod -m 666 "$D/null" c 1 3 2>/dev/null && { echo x > "$D/null"; } 2>/dev/null; then
    seg_exec "$D" run r.seg crm.csv --members null "${TODAY[@]}"
    r1=$T_RC
    seg_exec "$D" compile r.seg -o null --data crm.csv "${TODAY[@]}"
    if [ -c "$D/null" ] && [ "$r1" -eq 0 ] && [ "$T_RC" -eq 0 ]; then t_ok files/null_device_stays_a_device
    else t_fail files/null_device_stays_a_device "rc=$r1,$T_RC $(ls -l "$D/null")"; fi
else
    printf '# files: null device target not tested (mknod needs root and a filesystem without nodev)\n'
fi
( cd "$D" && "$SEG" import crm.csv -o /dev/stdout ) 2> "$T_ERR" | head -c 8 > "$T_OUT"
grep -q SEGCOL "$T_OUT" && t_ok files/import_to_dev_stdout || t_fail files/import_to_dev_stdout "$(cat "$T_ERR")"
mkfifo "$D/fifo"
( timeout "$SEG_TIMEOUT" cat "$D/fifo" > "$T_TMP/fifo.got" ) &
reader=$!
seg_exec "$D" run r.seg crm.csv --members fifo "${TODAY[@]}"
wait "$reader"
if [ -p "$D/fifo" ] && [ "$T_RC" -eq 0 ] && [ "$(wc -l < "$T_TMP/fifo.got")" -gt 100 ]; then t_ok files/fifo_target_written_not_replaced
else t_fail files/fifo_target_written_not_replaced "rc=$T_RC $(ls -l "$D/fifo") $(cat "$T_ERR")"; fi
T_RC=0
( cd "$D" && cat r.seg | "$SEG" fmt -w /dev/stdin ) > "$T_OUT" 2> "$T_ERR" || T_RC=$?
[ "$T_RC" -eq 2 ] && grep -q 'not a regular file' "$T_ERR" && t_ok files/fmt_w_piped_dev_stdin_refused \
    || t_fail files/fmt_w_piped_dev_stdin_refused "rc=$T_RC $(cat "$T_ERR")"

# ---- symlinks and hard links written through; modes kept -------------------
printf 'segment   a =   age>3\n' > "$D/real.seg"
ln -sf real.seg "$D/sym.seg"
seg_exec "$D" fmt -w sym.seg
if [ -L "$D/sym.seg" ] && grep -q '^segment a = age > 3$' "$D/real.seg"; then t_ok files/fmt_w_through_symlink
else t_fail files/fmt_w_through_symlink "$(ls -l "$D/sym.seg")" "$(cat "$D/real.seg")"; fi
printf 'segment   b =   age>3\n' > "$D/h1.seg"
ln -f "$D/h1.seg" "$D/h2.seg"
seg_exec "$D" fmt -w h1.seg
if [ "$(stat -c %i "$D/h1.seg")" = "$(stat -c %i "$D/h2.seg")" ] && grep -q '^segment b = age > 3$' "$D/h2.seg"; then
    t_ok files/fmt_w_keeps_hard_link
else t_fail files/fmt_w_keeps_hard_link "$(ls -li "$D/h1.seg" "$D/h2.seg")"; fi
chmod 600 "$D/c.segcol"
umask 022          # a new file would be 644: the replaced one must stay 600
seg_exec "$D" import crm.csv -o c.segcol
[ "$(stat -c %a "$D/c.segcol")" = 600 ] && t_ok files/import_keeps_mode_600 || t_fail files/import_keeps_mode_600 "$(stat -c %a "$D/c.segcol")"
: > "$D/m.csv"; chmod 640 "$D/m.csv"
seg_exec "$D" run r.seg crm.csv --members m.csv "${TODAY[@]}"
[ "$(stat -c %a "$D/m.csv")" = 640 ] && t_ok files/members_keeps_mode || t_fail files/members_keeps_mode "$(stat -c %a "$D/m.csv")"
no_temporaries after_writes && t_ok files/no_temporaries_after_writes

# ---- signals: no temporary left; stale ones removed --------------------------
"$(dirname "$SEG")/gencustomers" --rows 400000 --seed 7 > "$D/big.csv"
# kill_when_writing SIG -- starts an import of big.csv, sends SIG as soon as
# its temporary exists; sets KRC to the exit status.
kill_when_writing() {
    local attempt
    for attempt in 1 2 3 4 5; do      # a loaded machine may finish before we look or kill: try again
        rm -f "$D"/big.segcol*
        ( cd "$D" && exec "$SEG" import big.csv -o big.segcol --threads 1 ) 2> "$T_ERR" &
        local pid=$! n=0
        SAW=
        while [ $n -lt 20000 ]; do    # bash globs only: no process start between looks
            SAW=$(compgen -G "$D/big.segcol.tmp.*" | head -1)
            [ -n "$SAW" ] && break
            kill -0 "$pid" 2>/dev/null || break
            n=$((n + 1))
        done
        kill -"$1" "$pid" 2>/dev/null
        KRC=0; { wait "$pid"; } 2>/dev/null || KRC=$?
        # seen, and the signal landed before the import finished (exit 0: it
        # completed between our look and the kill, on a loaded machine)
        [ -n "$SAW" ] && [ "$KRC" -ne 0 ] && return
    done
}
for sig in TERM INT HUP; do
    rm -f "$D"/big.segcol*
    kill_when_writing "$sig"
    left=$(find "$D" -name 'big.segcol.tmp.*' | head -1)
    if [ -n "$SAW" ] && [ -z "$left" ] && [ "$KRC" -ge 128 ] && [ ! -e "$D/big.segcol" ]; then t_ok "files/sig$sig-removes-temporary"
    else t_fail "files/sig$sig-removes-temporary" "saw temporary: ${SAW:-none}; left: ${left:-none}; rc=$KRC"; fi
done
rm -f "$D"/big.segcol*
kill_when_writing BUS
left=$(find "$D" -name 'big.segcol.tmp.*' | head -1)
if [ -n "$SAW" ] && [ -z "$left" ] && [ "$KRC" -eq 2 ] && grep -q 'changed .* while it was read' "$T_ERR"; then t_ok files/sigbus-reported-exit-2
else t_fail files/sigbus-reported-exit-2 "saw: ${SAW:-none}; left: ${left:-none}; rc=$KRC" "$(cat "$T_ERR")"; fi
rm -f "$D"/big.segcol*
kill_when_writing KILL
stale=$(find "$D" -name 'big.segcol.tmp.*' | head -1)
seg_exec "$D" import crm.csv -o big.segcol
if [ -n "$stale" ] && [ ! -e "$stale" ] && [ "$T_RC" -eq 0 ]; then t_ok files/stale_temporary_removed_by_next_write
else t_fail files/stale_temporary_removed_by_next_write "stale: ${stale:-none (SIGKILL came too late?)}; rc=$T_RC"; fi
rm -f "$D/big.csv" "$D"/big.segcol*

# ---- smaller ------------------------------------------------------------------
printf '\xef\xbb\xbfsegment a = age > 30\n' > "$D/bom.seg"
seg_exec "$D" run bom.seg crm.csv "${TODAY[@]}" --format csv
grep -q '^a,' "$T_OUT" && [ "$T_RC" -eq 0 ] && t_ok files/rules_with_utf8_bom || t_fail files/rules_with_utf8_bom "rc=$T_RC $(cat "$T_ERR")"
for bad in abc 0 65 4x; do
    T_RC=0
    ( cd "$D" && SEG_THREADS=$bad "$SEG" run r.seg crm.csv "${TODAY[@]}" ) > "$T_OUT" 2> "$T_ERR" || T_RC=$?
    [ "$T_RC" -eq 2 ] && grep -q "SEG_THREADS='$bad'" "$T_ERR" && t_ok "files/seg_threads_$bad-refused" \
        || t_fail "files/seg_threads_$bad-refused" "rc=$T_RC $(cat "$T_ERR")"
done
python3 - "$D/c.segcol" "$D/bad.segcol" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
ncols, hlen = struct.unpack_from("<I", b, 12)[0], struct.unpack_from("<Q", b, 24)[0]
p = 32
for _ in range(ncols):                    # to the last column's entry (runtime/colfile.h)
    last = p + 2 + struct.unpack_from("<H", b, p)[0] + 14
    p = last + 72
arr = struct.unpack_from("<8Q", b, last)  # (offset, length) of values, validity, offsets, bytes
b[arr[6] + arr[7] // 2] ^= 0xff           # a byte of its text
open(sys.argv[2], 'wb').write(b)
EOF
printf 'segment g = loyalty_tier = "gold"\n' > "$D/g.seg"      # the last column: its bytes end the file
printf 'segment g2 = loyalty_tier = "silver"\n' > "$D/g2.seg"
seg_exec "$D" run g.seg bad.segcol
[ "$T_RC" -eq 2 ] && grep -q '^seg: bad.segcol: checksum mismatch' "$T_ERR" && t_ok files/run_checksum_names_data \
    || t_fail files/run_checksum_names_data "rc=$T_RC $(cat "$T_ERR")"
# a version 2 file (before 32-bit text offsets): refused, saying what to do
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[8:12] = (2).to_bytes(4, "little"); open(sys.argv[2], "wb").write(b)' \
    "$D/c.segcol" "$D/v2.segcol"
seg_exec "$D" run g.seg v2.segcol
[ "$T_RC" -eq 2 ] && grep -q "^seg: v2.segcol: written by an older seg (columnar file version 2; this seg reads version 3): import the CSV again with 'seg import'" "$T_ERR" \
    && t_ok files/run_old_version_says_import_again || t_fail files/run_old_version_says_import_again "rc=$T_RC $(cat "$T_ERR")"
seg_exec "$D" diff g.seg g2.seg bad.segcol
[ "$T_RC" -eq 2 ] && grep -q '^seg: bad.segcol: checksum mismatch' "$T_ERR" && t_ok files/diff_checksum_names_data \
    || t_fail files/diff_checksum_names_data "rc=$T_RC $(cat "$T_ERR")"

seg_exec "$D" explain gone.seg --data crm.csv       # the rules file is missing: a message, not a crash
[ "$T_RC" -eq 2 ] && grep -q '^seg: gone.seg: cannot open' "$T_ERR" && t_ok files/explain_missing_rules \
    || t_fail files/explain_missing_rules "rc=$T_RC $(cat "$T_ERR")"

# ---- --color=auto|always|never (every command) and NO_COLOR -----------------
printf 'segment a = agee > 3\n' > "$D/typo.seg"
esc=$(printf '\033')
color_case() {   # NAME WANT(color|plain) ENV... -- seg ARGS after --
    local name=$1 want=$2; shift 2
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    local rc=0
    (cd "$D" && env "${envs[@]}" "$SEG" "$@") > /dev/null 2> "$D/color.err" || rc=$?
    local has=plain
    grep -q "$esc\[" "$D/color.err" && has=color
    [ "$rc" -eq 1 ] && [ "$has" = "$want" ] && grep -q "unknown column or segment 'agee'" "$D/color.err" &&
        t_ok "files/color: $name" || t_fail "files/color: $name" "rc=$rc, $has, want $want" "$(cat -v "$D/color.err" | head -3)"
}
color_case "auto off a terminal: plain" plain -- check typo.seg --schema "$T_ROOT/examples/customers.schema"
color_case "--color=always" color -- check typo.seg --schema "$T_ROOT/examples/customers.schema" --color=always
color_case "--color always before the command, NO_COLOR set" color NO_COLOR=1 -- --color always check typo.seg \
    --schema "$T_ROOT/examples/customers.schema"
color_case "--color=never" plain -- check typo.seg --schema "$T_ROOT/examples/customers.schema" --color=never
color_case "run --color=always" color -- run typo.seg "$T_ROOT/examples/customers.csv" --color=always
seg_exec "$D" check typo.seg --color=sometimes
[ "$T_RC" -eq 2 ] && grep -q "^seg: --color: 'sometimes' is not one of auto, always, never" "$T_ERR" &&
    t_ok "files/color: a bad value is a usage error" || t_fail "files/color: a bad value is a usage error" "rc=$T_RC $(cat "$T_ERR")"

# ---- the command table: seg --help and seg help print every command's help;
# seg CMD --help (or -h) and seg help CMD that command's part of it alone
seg_exec "$D" --help
cp "$T_OUT" "$D/help.txt"
help_ok=1
seg_exec "$D" help
[ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$D/help.txt" || { help_ok=0; t_fail "files/help: seg help" "rc=$T_RC"; }
for c in "check --help" "run -h" "import --help" "schema --help" "explain --help" "compile --help" \
         "diff --help" "overlap --help" "report --help" "explain-code --help" "fmt --help"; do
    cmd=${c%% *}
    seg_exec "$D" $c
    cp "$T_OUT" "$D/one.txt"
    # its synopsis line(s) and option lines are those of its part of seg --help, and no other command's
    part=$(awk -v c="$cmd" '/^  seg [a-z-]+ / { on = ($2 == c) } /^$/ { on = 0 } on' "$D/help.txt")
    mine=$(awk '/^  seg [a-z-]+ / { on = 1 } /^$/ { on = 0 } on' "$D/one.txt")
    [ "$T_RC" -eq 0 ] && [ -n "$part" ] && [ "$mine" = "$part" ] ||
        { help_ok=0; t_fail "files/help: seg $c" "rc=$T_RC" "$(diff <(printf '%s\n' "$part") <(printf '%s\n' "$mine") | head -5)"; }
    seg_exec "$D" help "$cmd"
    cmp -s "$T_OUT" "$D/one.txt" || { help_ok=0; t_fail "files/help: seg help $cmd = seg $c"; }
done
for c in check run overlap report import schema explain compile diff explain-code fmt; do
    grep -q "^  seg $c " "$D/help.txt" || { help_ok=0; t_fail "files/help lists $c"; }
done
[ "$help_ok" = 1 ] && t_ok files/help_from_one_table
seg_exec "$D"
[ "$T_RC" -eq 2 ] && [ ! -s "$T_OUT" ] && cmp -s "$T_ERR" "$D/help.txt" && t_ok files/no_command_usage_on_stderr \
    || t_fail files/no_command_usage_on_stderr "rc=$T_RC"
seg_exec "$D" frobnicate
[ "$T_RC" -eq 2 ] && [ "$(cat "$T_ERR")" = "seg: unknown command 'frobnicate'
Try 'seg --help'." ] && t_ok files/unknown_command || t_fail files/unknown_command "rc=$T_RC $(cat "$T_ERR")"

t_summary files
