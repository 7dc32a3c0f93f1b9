#!/usr/bin/env bash
# tests/deb.sh -- the Debian package (issue 17 section 2): a copy of the
# repository's files builds with `dpkg-buildpackage -us -uc -b`, and the .deb
# holds seg, libseg (header, .so.0, .a, pkg-config), the Python module, the man
# pages and the completions under /usr; the extracted seg runs the bundled
# example, and the extracted Python module counts as it does with that tree's libseg.
#
#   SEG=build/seg bash tests/deb.sh     (SEG is not used: the package builds its own)

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

W=$T_TMP/deb
mkdir -p "$W/src"
if ! command -v dpkg-buildpackage > /dev/null || ! dpkg -s debhelper > /dev/null 2>&1; then
    t_fail deb/tools "dpkg-buildpackage or debhelper is not installed (tools/install-deps.sh installs them)"
    t_summary deb; exit
fi
# the tracked files and the working tree's changes to them, nothing built
(cd "$T_ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$W/src" 2>/dev/null) ||
    (cd "$T_ROOT" && tar --exclude='./build*' --exclude=./bench/out --exclude=./bench/peers --exclude=./.git -cf - . ) |
    (cd "$W/src" && tar -xf -)
if (cd "$W/src" && dpkg-buildpackage -us -uc -b > "$W/build.log" 2>&1); then
    t_ok deb/dpkg_buildpackage
else
    t_fail deb/dpkg_buildpackage "$(tail -20 "$W/build.log")"; t_summary deb; exit
fi
deb=$(ls "$W"/seg_*_*.deb 2>/dev/null | head -1)
files=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./||')
for f in usr/bin/seg usr/include/seg.h usr/lib/libseg.so.0 usr/lib/libseg.so usr/lib/libseg.a usr/lib/pkgconfig/libseg.pc \
         usr/share/man/man1/seg.1.gz usr/share/man/man7/seg-language.7.gz usr/share/bash-completion/completions/seg \
         usr/share/zsh/site-functions/_seg usr/lib/python3/dist-packages/seg/__init__.py; do
    printf '%s\n' "$files" | grep -qxF "$f" && t_ok "deb/contains $f" || t_fail "deb/contains $f" "not in $(basename "$deb")"
done
deps=$(dpkg-deb -f "$deb" Depends)
case $deps in *libcsv*) t_ok "deb/depends on its libraries ($deps)" ;; *) t_fail deb/depends "Depends: $deps" ;; esac
dpkg-deb -x "$deb" "$W/root"
want=$(cd "$T_ROOT" && "$W/root/usr/bin/seg" --version)
[ "$want" = "seg $(sed -n 's/^#define SEG_VERSION "\(.*\)"/\1/p' "$T_ROOT/base/version.h")" ] &&
    t_ok "deb/installed seg --version ($want)" || t_fail deb/version "$want"
got=$(cd "$T_ROOT" && "$W/root/usr/bin/seg" run examples/nordic_q4.seg examples/customers.csv --today 2026-11-23 \
      --format csv 2>/dev/null | awk -F, 'NR > 1 { print $1, $2 }')
[ -n "$got" ] && t_ok "deb/installed seg runs the example ($(echo "$got" | wc -l) segments)" || t_fail deb/run "no counts"
# the Python module from the extracted tree loads that tree's libseg.so.0 and counts as the CLI
py=/usr/bin/python3; [ -x "$py" ] || py=python3
pyc=$(cd "$T_ROOT" && env -u SEG_LIB PYTHONPATH="$W/root/usr/lib/python3/dist-packages" "$py" -c '
import seg; r = seg.run("examples/nordic_q4.seg", "examples/customers.csv", today="2026-11-23")
print(seg.library()); print("\n".join("%s %d" % kv for kv in r.counts.items()))' 2>&1)
[ "$pyc" = "$(printf '%s\n%s' "$W/root/usr/lib/libseg.so.0" "$got")" ] && t_ok "deb/python module counts as the CLI with its libseg" \
    || t_fail deb/python_module "$pyc"
sug=$(dpkg-deb -f "$deb" Suggests)
case $sug in *python3-pandas*) t_ok "deb/suggests python3-pandas ($sug)" ;; *) t_fail deb/suggests "Suggests: $sug" ;; esac
t_summary deb
