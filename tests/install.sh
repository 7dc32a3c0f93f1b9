#!/usr/bin/env bash
# tests/install.sh -- `make install` / `make uninstall` (issue 17 section 2):
# every file lands under DESTDIR with its mode and nothing else does; the
# installed seg runs; libseg.pc gives flags a program links with; the man
# pages render without warnings; the options of seg(1), of `seg --help`
# (cli/main.c), of each command's parser and of the bash completion agree;
# the completion completes commands, options, rules files and segment
# names (bash, and zsh through its bashcompinit); `seg help CMD` is `seg CMD
# --help` and names that command only; uninstall leaves no file. The Python
# module: counts, members and diagnostics as seg run's, to_dataframe() as
# seg run --format csv (with a python3 that has pandas, else a "not run"
# line), and installed where Debian's python3 looks, loading its tree's libseg.
#
#   SEG=build/seg bash tests/install.sh
#
# It installs the binary and library already built next to $SEG (make -o:
# nothing is rebuilt, so it can run beside the other groups).
# Overrides (to see the checks fail): INSTALL_MAN1 names another seg.1,
# INSTALL_COMPLETION another completion script.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILD=$(dirname "$SEG")
DEST=$T_TMP/dest
PREFIX=/usr/local
MAN1=${INSTALL_MAN1:-$T_ROOT/man/seg.1}
COMPL=${INSTALL_COMPLETION:-$T_ROOT/completion/seg.bash}
COMPL_DRIVEN=${INSTALL_COMPLETION:-$DEST$PREFIX/share/bash-completion/completions/seg}   # the installed one
W=$T_TMP/w
export MAN_DISABLE_SECCOMP=1   # man-db's sandbox is refused in some containers
mkdir -p "$DEST" "$W"

# ---- make install ------------------------------------------------------------
mk() {   # make TARGET with this build and DESTDIR, never rebuilding seg or libseg.a
    make -s -C "$T_ROOT" -o "$BUILD/seg" -o "$BUILD/libseg.a" "$1" BUILD="$BUILD" PREFIX="$PREFIX" DESTDIR="$DEST"
}
if mk install > "$T_TMP/install.log" 2>&1; then t_ok install/make_install
else t_fail install/make_install "$(cat "$T_TMP/install.log")"; fi

P=$DEST$PREFIX
want_files="bin/seg 755
include/seg.h 644
lib/libseg.a 644
lib/libseg.so 777
lib/libseg.so.0 755
lib/pkgconfig/libseg.pc 644
lib/python$("${PYTHON3:-/usr/bin/python3}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')/dist-packages/seg/__init__.py 644
share/bash-completion/completions/seg 644
share/man/man1/seg.1 644
share/man/man7/seg-language.7 644
share/seg/editors/vscode/language-configuration.json 644
share/seg/editors/vscode/package.json 644
share/seg/editors/vscode/syntaxes/seg.tmLanguage.json 644
share/vim/vimfiles/ftdetect/seg.vim 644
share/vim/vimfiles/ftplugin/seg.vim 644
share/vim/vimfiles/syntax/seg.vim 644
share/zsh/site-functions/_seg 644"
got_files=$(cd "$DEST" && find . \( -type f -o -type l \) -printf '%P %m\n' | sed "s|^${PREFIX#/}/||" | LC_ALL=C sort)
if [ "$got_files" = "$want_files" ]; then t_ok "install/files_and_modes ($(printf '%s\n' "$want_files" | wc -l) files)"
else t_fail install/files_and_modes "$(diff <(printf '%s\n' "$want_files") <(printf '%s\n' "$got_files"))"; fi
for pair in "bin/seg:$BUILD/seg" "lib/libseg.a:$BUILD/libseg.a" "share/man/man1/seg.1:$T_ROOT/man/seg.1" \
            "share/bash-completion/completions/seg:$T_ROOT/completion/seg.bash" \
            "share/vim/vimfiles/syntax/seg.vim:$T_ROOT/editors/vim/syntax/seg.vim" \
            "share/seg/editors/vscode/syntaxes/seg.tmLanguage.json:$T_ROOT/editors/vscode/syntaxes/seg.tmLanguage.json"; do
    cmp -s "$P/${pair%%:*}" "${pair#*:}" && t_ok "install/copy ${pair%%:*}" || t_fail "install/copy ${pair%%:*}" "differs from ${pair#*:}"
done

# ---- the installed seg runs ----------------------------------------------------
ver=$("$P/bin/seg" --version 2>&1)
want_ver="seg $(sed -n 's/^#define SEG_VERSION "\(.*\)"/\1/p' "$T_ROOT/base/version.h")"
[ "$ver" = "$want_ver" ] && t_ok install/installed_version || t_fail install/installed_version "got '$ver', want '$want_ver'"
SEG_INSTALLED=$P/bin/seg
rc=0; (cd "$T_ROOT" && "$SEG_INSTALLED" check examples/nordic_q4.seg --data examples/customers.csv) > "$T_TMP/chk.out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] && t_ok install/installed_check_example || t_fail install/installed_check_example "rc=$rc" "$(cat "$T_TMP/chk.out")"

# ---- pkg-config: the flags of the installed tree, and a program linked with them
pc_env=(env PKG_CONFIG_PATH="$P/lib/pkgconfig" PKG_CONFIG_LIBDIR=/nonexistent)
flags=$("${pc_env[@]}" pkg-config --cflags --libs libseg 2>&1); rc=$?
want_flags="-I$PREFIX/include -L$PREFIX/lib -lseg"
[ "$rc" -eq 0 ] && [ "$(echo $flags)" = "$want_flags" ] && t_ok install/pkg_config_flags \
    || t_fail install/pkg_config_flags "rc=$rc got: $flags" "want: $want_flags"
sflags=$("${pc_env[@]}" pkg-config --static --libs libseg 2>&1)
want_static="-L$PREFIX/lib -lseg -lcsv -lunistring -lpcre2-8 -lnettle -lm -lpthread"
[ "$(echo $sflags)" = "$want_static" ] && t_ok install/pkg_config_static_flags \
    || t_fail install/pkg_config_static_flags "got: $sflags" "want: $want_static"
pcver=$("${pc_env[@]}" pkg-config --modversion libseg 2>&1)
[ "seg $pcver" = "$want_ver" ] && t_ok install/pkg_config_version || t_fail install/pkg_config_version "got '$pcver'"
# libseg.so.0 exports the functions of include/seg.h and nothing else
exported=$(nm -D --defined-only "$P/lib/libseg.so.0" | awk '{ print $3 }' | grep -v '^_' | LC_ALL=C sort)
declared=$(sed -n 's/^SEG_API [^(]*[ *]\(seg_[a-z_]*\)(.*/\1/p' "$P/include/seg.h" | LC_ALL=C sort)
[ -n "$declared" ] && [ "$exported" = "$declared" ] && t_ok "install/libseg_so_exports_the_api ($(echo $declared | wc -w) functions)" \
    || t_fail install/libseg_so_exports_the_api "$(diff <(printf '%s\n' "$declared") <(printf '%s\n' "$exported") | head -10)"
soname=$(objdump -p "$P/lib/libseg.so.0" 2>/dev/null | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = libseg.so.0 ] && t_ok install/libseg_soname || t_fail install/libseg_soname "SONAME '$soname'"
# examples/embed/count.c, built with the installed tree's pkg-config flags,
# counts what seg run counts (event tables included)
ccflags=$("${pc_env[@]}" PKG_CONFIG_SYSROOT_DIR="$DEST" pkg-config --cflags --libs libseg)
# an instrumented build's library (make san, make coverage) needs its runtime
nm "$BUILD/libseg.a" 2>/dev/null | grep -q ' U __asan_' && ccflags="-fsanitize=address,undefined $ccflags"
nm "$BUILD/libseg.a" 2>/dev/null | grep -q ' U __gcov_' && ccflags="--coverage $ccflags"
ev_args=(orders=examples/orders.csv email_events=examples/email_events.csv)
cli_counts=$(cd "$T_ROOT" && "$SEG_INSTALLED" run examples/behaviour.seg examples/customers.csv --today 2026-11-23 \
    --table "${ev_args[0]}" --table "${ev_args[1]}" --format csv 2>/dev/null | awk -F, 'NR > 1 { print $1 "\t" $2 }')
if cc -o "$W/count" "$T_ROOT/examples/embed/count.c" $ccflags > "$T_TMP/cc.log" 2>&1; then
    t_ok install/embed_example_builds_with_pkg_config
    got=$(cd "$T_ROOT" && LD_LIBRARY_PATH="$P/lib" "$W/count" examples/behaviour.seg examples/customers.csv 2026-11-23 \
          "${ev_args[@]}" 2> "$T_TMP/count.err")
    [ -n "$got" ] && [ "$got" = "$cli_counts" ] && t_ok "install/embed_example_counts_as_cli ($(echo "$got" | wc -l) segments)" \
        || t_fail install/embed_example_counts_as_cli "got: $got" "cli: $cli_counts" "$(cat "$T_TMP/count.err")"
    # a mistake in the rules: the diagnostics as structs, exit 1
    printf 'segment x = agee > 3\n' > "$T_TMP/bad.seg"
    rc=0; (cd "$T_ROOT" && LD_LIBRARY_PATH="$P/lib" "$W/count" "$T_TMP/bad.seg" examples/customers.csv) > /dev/null 2> "$T_TMP/count.err" || rc=$?
    [ "$rc" -eq 1 ] && grep -q ":1:13: unknown column or segment 'agee'; did you mean 'age'? \[E0102\]" "$T_TMP/count.err" \
        && t_ok install/embed_example_diagnostics || t_fail install/embed_example_diagnostics "rc=$rc" "$(cat "$T_TMP/count.err")"
else t_fail install/embed_example_builds_with_pkg_config "cc $ccflags" "$(cat "$T_TMP/cc.log")"; fi
# the Python module (python/seg, ctypes over the installed libseg.so.0): the same counts and members
py_env=(env SEG_LIB="$P/lib/libseg.so.0" PYTHONPATH="$T_ROOT/python")
if nm "$BUILD/libseg.a" 2>/dev/null | grep -q ' U __asan_'; then   # an ASan library needs its runtime first
    py_env+=(LD_PRELOAD="$(cc -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0)
fi
cli_members=$(cd "$T_ROOT" && "$SEG_INSTALLED" run examples/behaviour.seg examples/customers.csv --today 2026-11-23 \
    --table "${ev_args[0]}" --table "${ev_args[1]}" --segment engaged --members - 2>/dev/null | awk -F, 'NR > 1 { print $2 }')
py_out=$(cd "$T_ROOT" && "${py_env[@]}" python3 - <<'PY' 2>&1
import seg
r = seg.run("examples/behaviour.seg", "examples/customers.csv", today="2026-11-23",
            tables={"orders": "examples/orders.csv", "email_events": "examples/email_events.csv"})
for name, n in r.counts.items():
    print("%s\t%d" % (name, n))
print("--")
print("\n".join(r.members("engaged")))
print("--")
import tempfile
with tempfile.NamedTemporaryFile("w", suffix=".seg") as bad:
    bad.write("segment x = agee > 3\n")
    bad.flush()
    try:
        seg.run(bad.name, "examples/customers.csv")
    except seg.RulesError as e:
        err = e
print(err.diagnostics[0].code, err.diagnostics[0].line, err.diagnostics[0].column)
m = seg.run("examples/campaign.seg", "examples/customers.csv", today="2026-11-23").measures
print("measures", len(m), sorted(m[next(iter(m))].keys())[0])
PY
)
want_py=$(printf '%s\n--\n%s\n--\nE0102 1 13\n' "$cli_counts" "$cli_members")
if [ "$(printf '%s\n' "$py_out" | sed '$d')" = "$want_py" ] && printf '%s\n' "$py_out" | tail -1 | grep -q '^measures [1-9]'; then
    t_ok "install/python_module_counts_members_diagnostics_as_cli"
else
    t_fail install/python_module_counts_members_diagnostics_as_cli "$(diff <(printf '%s\n' "$want_py") <(printf '%s\n' "$py_out") | head -10)"
fi
# to_dataframe() (pandas): the columns, counts and measures of seg run --format csv
# (without share), an empty cell as NaN. Debian's python3 has python3-pandas;
# the shell's python3 may be another interpreter (pyenv) without it.
py_pandas=
for py in /usr/bin/python3 python3; do
    command -v "$py" > /dev/null && "$py" -c 'import pandas' 2> /dev/null && { py_pandas=$py; break; }
done
if [ -z "$py_pandas" ]; then
    echo "# install: not run: python_to_dataframe (no python3 with pandas: tools/install-deps.sh installs python3-pandas)"
else
    printf 'segment nobody = age > 500\nsegment older = age > 60\nmeasure avg_spend = avg(total_spend)\nmeasure revenue = sum(total_spend)\n' > "$T_TMP/df.seg"
    (cd "$T_ROOT" && "$SEG_INSTALLED" run examples/campaign.seg examples/customers.csv --today 2026-11-23 --format csv > "$W/df1.csv" 2>/dev/null
     "$SEG_INSTALLED" run "$T_TMP/df.seg" examples/customers.csv --format csv > "$W/df2.csv" 2>/dev/null
     "$SEG_INSTALLED" run examples/behaviour.seg examples/customers.csv --today 2026-11-23 \
         --table "${ev_args[0]}" --table "${ev_args[1]}" --format csv > "$W/df3.csv" 2>/dev/null)
    df_out=$(cd "$T_ROOT" && "${py_env[@]}" "$py_pandas" - "$W" <<'PY' 2>&1
import csv, math, sys, seg
w = sys.argv[1]
runs = [("examples/campaign.seg", {}, "2026-11-23", "df1"), (w + "/../df.seg", {}, None, "df2"),
        ("examples/behaviour.seg", {"orders": "examples/orders.csv", "email_events": "examples/email_events.csv"},
         "2026-11-23", "df3")]
bad, cells = [], 0
for rules, tables, today, cli in runs:
    df = seg.run(rules, "examples/customers.csv", today=today, tables=tables).to_dataframe()
    rows = list(csv.reader(open("%s/%s.csv" % (w, cli))))
    head = [c for c in rows[0] if c != "share"]
    if list(df.columns) != head:
        bad.append("%s: columns %s, seg run %s" % (rules, list(df.columns), head)); continue
    if len(df) != len(rows) - 1 or str(df["customers"].dtype) != "int64":
        bad.append("%s: %d rows (%s), seg run %d" % (rules, len(df), df["customers"].dtype, len(rows) - 1)); continue
    for i, row in enumerate(rows[1:]):
        row = [c for j, c in enumerate(row) if rows[0][j] != "share"]
        got = df.iloc[i].tolist()
        for name, want, v in zip(head, row, got):
            cells += 1
            if name == "segment": ok = v == want
            elif name == "customers": ok = v == int(want)
            elif want == "": ok = math.isnan(v)
            else: ok = math.isclose(v, float(want), rel_tol=1e-12)
            if not ok: bad.append("%s: %s.%s = %r, seg run %r" % (rules, row[0], name, v, want))
print("\n".join(bad[:8]) if bad else "ok %d" % cells)
PY
)
    case $df_out in
        "ok "*) t_ok "install/python_to_dataframe_as_cli (${df_out#ok } cells, $py_pandas)" ;;
        *) t_fail install/python_to_dataframe_as_cli "$df_out" ;;
    esac
fi
# the installed module (PYTHONDIR, where Debian's python3 looks) imports from the
# staged tree alone and loads that tree's libseg.so.0, not another one
PY_DEB=/usr/bin/python3; [ -x "$PY_DEB" ] || PY_DEB=python3
pydir=$(ls -d "$P"/lib/python3*/dist-packages 2>/dev/null | head -1)
sitedirs=$("$PY_DEB" -c 'import site; print("\n".join(site.getsitepackages()))' 2>&1)
if [ -z "$pydir" ] || ! printf '%s\n' "$sitedirs" | grep -qxF "${pydir#$DEST}"; then
    t_fail install/python_module_where_python3_looks "installed: ${pydir:-none}" "$PY_DEB looks in: $(echo $sitedirs)"
else
    t_ok "install/python_module_where_python3_looks (${pydir#$DEST})"
    inst_env=(env -u SEG_LIB PYTHONPATH="$pydir")
    [ "${#py_env[@]}" -gt 3 ] && inst_env+=("${py_env[@]:3}")   # the ASan runtime, as above
    inst_out=$(cd "$W" && "${inst_env[@]}" "$PY_DEB" - "$T_ROOT" <<'PY' 2>&1
import os, sys, seg
root = sys.argv[1]
r = seg.run(root + "/examples/behaviour.seg", root + "/examples/customers.csv", today="2026-11-23",
            tables={"orders": root + "/examples/orders.csv", "email_events": root + "/examples/email_events.csv"})
print(os.path.dirname(seg.__file__))
print(seg.library())
print(sorted({l.split()[-1] for l in open("/proc/self/maps") if "libseg" in l}))
for name, n in r.counts.items():
    print("%s\t%d" % (name, n))
PY
)
    want_inst=$(printf '%s\n%s\n%s\n%s' "$pydir/seg" "$P/lib/libseg.so.0" "['$P/lib/libseg.so.0']" "$cli_counts")
    [ "$inst_out" = "$want_inst" ] && t_ok install/python_module_installed_finds_its_libseg \
        || t_fail install/python_module_installed_finds_its_libseg "$(diff <(printf '%s\n' "$want_inst") <(printf '%s\n' "$inst_out") | head -10)"
fi

# ---- man pages render without warnings --------------------------------------------
for m in "$MAN1:seg.1" "$P/share/man/man7/seg-language.7:seg-language.7"; do
    f=${m%%:*}
    w1=$(groff -man -ww -z "$f" 2>&1)
    w2=$(MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
    txt=$(MANWIDTH=80 man -l "$f" 2>/dev/null)
    if [ -z "$w1$w2" ] && printf '%s\n' "$txt" | grep -q '^NAME' && printf '%s\n' "$txt" | grep -q '^SEE ALSO'; then
        t_ok "install/man_renders ${m#*:}"
    else t_fail "install/man_renders ${m#*:}" "groff: $w1" "man: $w2"; fi
done
MANPATH=$P/share/man man -w seg-language > /dev/null 2>&1 && MANPATH=$P/share/man man -w 1 seg > /dev/null 2>&1 \
    && t_ok install/man_finds_installed_pages || t_fail install/man_finds_installed_pages "MANPATH=$P/share/man man -w seg"
for word in SEG_TODAY SEG_THREADS SEG_TRACE NO_COLOR "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
    grep -q "$word" "$MAN1" && t_ok "install/man1 mentions $word" || t_fail "install/man1 mentions $word"
done
for word in let segment measure require "MISSING VALUES" DATES MEASURES; do
    grep -q "$word" "$T_ROOT/man/seg-language.7" && t_ok "install/man7 mentions $word" || t_fail "install/man7 mentions $word"
done

# ---- options: seg(1) <-> each parser <-> seg --help <-> the completion ---------------
# options_of TEXT-FILE CMD MODE -- the options named in CMD's part:
#   help: `seg --help`, from a line "  seg CMD " to the next such line of another command
#   man:  seg.1, from ".SS seg CMD" to the next .SS or .SH
# Words such as YYYY-MM-DD or e-mail are not options (a letter before the
# dash); "as run --members" names another command's option.
options_of() {
    python3 - "$1" "$2" "$3" <<'PY'
import re, sys
path, cmd, mode = sys.argv[1:]
text = open(path, encoding='utf-8').read().split('\n')
part, on = [], False
for line in text:
    if mode == 'help':
        m = re.match(r'  seg (\S+) ', line)
        if m: on = m.group(1) == cmd
        if line == '': on = False       # the notes after the commands (every command's --color)
    else:
        if line.startswith('.SS ') or line.startswith('.SH '):
            on = line.replace('\\-', '-') == '.SS seg ' + cmd
            continue
        line = re.sub(r'\\f[BIRP]', '', line.replace('\\-', '-'))
        if line.startswith('.\\"'): continue
    if on: part.append(line)
s = re.sub(r'as run --[a-z-]+', '', '\n'.join(part))
opts = set(re.findall(r'(?<![\w-])(--[a-z][a-z-]*[a-z]|-[a-zA-Z])(?![\w-])', s))
print('\n'.join(sorted(opts)))
PY
}
"$SEG" --help > "$W/help.txt"
commands=$(sed -n 's/^  seg \([a-z-]*\) .*/\1/p' "$W/help.txt" | awk '!seen[$0]++')
[ "$(printf '%s\n' "$commands" | wc -l)" -ge 12 ] && t_ok "install/help lists $(echo $commands | wc -w) commands" \
    || t_fail install/help_lists_commands "$commands"
# A probe that cannot tell an unknown option would pass everything: check it does.
(cd "$W" && "$SEG" run --no-such-option v) > /dev/null 2> "$T_TMP/probe.err"
grep -q 'unknown option' "$T_TMP/probe.err" && t_ok install/probe_sees_unknown_options \
    || t_fail install/probe_sees_unknown_options "$(cat "$T_TMP/probe.err")"
. "$COMPL"
for c in $commands; do
    man_opts=$(options_of "$MAN1" "$c" man)
    help_opts=$(options_of "$W/help.txt" "$c" help)
    if [ -z "$man_opts" ]; then
        grep -q "^\.SS seg ${c//-/\\\\-}\$" "$MAN1" && t_ok "install/man: seg $c has a section (no options)" \
            || t_fail "install/man: seg $c has no section in seg.1"
    fi
    bad=
    for o in $man_opts; do       # each listed option is accepted by the command's parser
        if [ "$c" = explain-code ]; then
            (cd "$W" && "$SEG" "$c" "$o") > /dev/null 2>&1 || bad="$bad $o"
        else
            (cd "$W" && "$SEG" "$c" "$o" v) > /dev/null 2> "$T_TMP/opt.err"
            grep -q 'unknown option' "$T_TMP/opt.err" && bad="$bad $o"
        fi
    done
    [ -z "$bad" ] && t_ok "install/man options of $c accepted by its parser ($(echo $man_opts | wc -w))" \
        || t_fail "install/man options of $c accepted by its parser" "refused:$bad"
    missing=$(comm -23 <(printf '%s\n' "$help_opts" | grep .) <(printf '%s\n' "$man_opts"))
    [ -z "$missing" ] && t_ok "install/help options of $c in seg.1 ($(echo $help_opts | wc -w))" \
        || t_fail "install/help options of $c in seg.1" "missing from its section:" "$missing"
    comp_opts=$(_seg_options "$c" | tr ' ' '\n' | grep . | LC_ALL=C sort -u)
    [ "$comp_opts" = "$(printf '%s\n' "$man_opts" | LC_ALL=C sort -u)" ] && t_ok "install/completion options of $c = seg.1's" \
        || t_fail "install/completion options of $c = seg.1's" \
                  "$(diff <(printf '%s\n' "$man_opts" | LC_ALL=C sort -u) <(printf '%s\n' "$comp_opts") | sed 's/^</seg.1 only:/; s/^>/completion only:/' | grep only)"
done

# ---- seg help CMD is seg CMD --help ----------------------------------------------------
bad=
for c in $commands; do
    "$SEG" help "$c" > "$W/h1" 2>&1 || bad="$bad $c(rc)"
    "$SEG" "$c" --help > "$W/h2" 2>&1
    cmp -s "$W/h1" "$W/h2" || bad="$bad $c"
    # only that command: its own synopsis lines, and the options of its part of seg --help
    others=$(sed -n 's/^  seg \([a-z-]*\) .*/\1/p' "$W/h1" | grep -vxF -- "$c")
    [ -z "$others" ] || bad="$bad $c(also:$(echo $others))"
    [ "$(options_of "$W/h1" "$c" help)" = "$(options_of "$W/help.txt" "$c" help)" ] || bad="$bad $c(options)"
done
[ -z "$bad" ] && t_ok install/help_cmd_is_cmd_help_and_only_its_own || t_fail install/help_cmd_is_cmd_help_and_only_its_own "differs:$bad"
rc=0; "$SEG" help frobnicate > /dev/null 2> "$T_TMP/h.err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "unknown command 'frobnicate'" "$T_TMP/h.err" && t_ok install/help_unknown_command \
    || t_fail install/help_unknown_command "rc=$rc $(cat "$T_TMP/h.err")"

# ---- bash completion: the installed file, driven as bash drives it ------------------------
cat > "$W/x.seg" <<'SEG'
# rules
let big = 100
segment young = age 25..40
SEGMENT Lapsed_Buyers "gone" =
    last_purchase more than 1 year ago
  segment vip= total_spend > big
measure revenue = sum(total_spend)
SEG
: > "$W/data.csv"; : > "$W/other.seg"; mkdir -p "$W/sub"
# complete WORDS... -- the candidates for the last word (may be empty), sorted, one a line
complete_words() {
    (cd "$W" && bash -c '
        . "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _seg seg "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPL_DRIVEN" "$@") | grep . | LC_ALL=C sort
}
check_completion() {   # NAME WANT WORDS...
    local name=$1 want=$2 got; shift 2
    got=$(complete_words "$@")
    [ "$got" = "$(printf '%s\n' $want | LC_ALL=C sort)" ] && t_ok "install/completion $name" \
        || t_fail "install/completion $name" "words: $*" "got: $(echo $got)" "want: $(echo $want)"
}
check_completion commands "$commands help --help --version" seg ""
check_completion commands_prefix "explain explain-code" seg ex
check_completion run_options "$(options_of "$MAN1" run man | grep '^--')" seg run --
check_completion segment_names "young Lapsed_Buyers vip" seg run x.seg data.csv --segment ""
check_completion segment_names_prefix "vip" seg why x.seg data.csv --key 1 --segment v
check_completion rules_files_first "other.seg sub x.seg" seg run ""
check_completion dialects "duckdb" seg sql x.seg --dialect du
check_completion help_commands "$commands" seg help ""

# ---- zsh: the installed _seg runs the installed bash completion through bashcompinit -------
Z=$P/share/zsh/site-functions/_seg
if ! command -v zsh > /dev/null; then
    t_fail install/zsh_completion "zsh is not installed (tools/install-deps.sh installs it)"
elif ! grep -qxF "source \"$PREFIX/share/bash-completion/completions/seg\"         # defines _seg (replacing this stub) and \`complete -F _seg seg\`" "$Z"; then
    t_fail install/zsh_completion_path "$Z does not source the installed bash completion" "$(grep source "$Z")"
else
    t_ok install/zsh_completion_path
    zsh -n "$Z" && t_ok install/zsh_completion_parses || t_fail install/zsh_completion_parses "zsh -n $Z"
    # what _bash_complete's compgen -F runs: the bash function under zsh's sh
    # emulation (zsh then keeps the words that start with what was typed)
    zt() {   # NAME WANT WORDS... -- every word of WANT among the candidates
        local name=$1 want=$2; shift 2
        local got
        got=$(cd "$T_ROOT" && zsh -f -c 'autoload -U +X bashcompinit && bashcompinit
            source "$0" 2>/dev/null
            t() { emulate -L sh; setopt kshglob noshglob braceexpand
                  COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _seg
                  printf "%s\n" "${COMPREPLY[@]}"; }
            t "$@"' "$DEST$PREFIX/share/bash-completion/completions/seg" "$@" 2>&1)
        local miss=
        for w in $want; do printf '%s\n' "$got" | grep -qxF -- "$w" || miss="$miss $w"; done
        [ -z "$miss" ] && t_ok "install/zsh_completion $name" || t_fail "install/zsh_completion $name" "words: $*" "missing:$miss" "got: $(echo $got | head -c 300)"
    }
    zt commands "check run overlap report why import schema explain compile diff sql explain-code fmt help" seg ""
    zt run_options "--table --segment --members --today" seg run --
    zt segment_names "frequent lapsed silent_subscribers" seg run examples/behaviour.seg examples/customers.csv --segment ""
fi

# ---- make uninstall: no file left ------------------------------------------------------
if mk uninstall > "$T_TMP/uninstall.log" 2>&1; then t_ok install/make_uninstall
else t_fail install/make_uninstall "$(cat "$T_TMP/uninstall.log")"; fi
left=$(find "$DEST" \( -type f -o -type l \) | sed "s|^$DEST/||")
[ -z "$left" ] && t_ok install/uninstall_leaves_no_file || t_fail install/uninstall_leaves_no_file "$left"

t_summary install
