#!/usr/bin/env bash
# tests/layers.sh -- the folders depend on each other in one direction:
#
#   base/  <-  bytecode/  <-  runtime/, compiler/  <-  api/ (libseg's public
#   interface, include/seg.h), cli/
#
# (grammar/ is the compiler's front end and counts as compiler/.) Every
# `#include "x.h"` of every source and header is resolved to the folder
# holding x.h; an include from a folder to one it may not use fails, and
# so does any cycle. Then the proof at link level: build/segc_run (the
# runtime alone, examples/embed/segc_run.c) is linked from libsegrt.a and
# contains no compiler symbol (parser, sema, lowering, codegen, lint).
#
#   SEG=build/seg bash tests/layers.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$T_ROOT" || exit 2

# may[folder] = the folders it may include from (itself always)
declare -A may=(
    [base]=""
    [bytecode]="base"
    [runtime]="base bytecode"
    [compiler]="base bytecode grammar gen"
    [grammar]="base bytecode compiler gen"
    [cli]="base bytecode runtime compiler grammar gen"
    [api]="base bytecode runtime compiler grammar gen include"
)

declare -A home
for f in base/*.h bytecode/*.h bytecode/*.def runtime/*.h compiler/*.h compiler/*.def grammar/*.h cli/*.h include/*.h; do
    [ -e "$f" ] || continue
    home[$(basename "$f")]=$(dirname "$f")
done
home[parser.h]=gen
home[lexer.h]=gen

bad=0
for dir in base bytecode runtime compiler grammar cli api; do
    for f in "$dir"/*.c "$dir"/*.h "$dir"/*.y "$dir"/*.l; do
        [ -e "$f" ] || continue
        while IFS= read -r inc; do
            h=$(basename "$inc")
            to=${home[$h]:-}
            [ -n "$to" ] || continue                     # a system or generated header
            [ "$to" = "$dir" ] && continue
            case " ${may[$dir]} " in
                *" $to "*) ;;
                *) t_fail "layers: $f includes $inc ($to/)" "$dir/ may include from: ${may[$dir]:-nothing}"
                   bad=$((bad + 1)) ;;
            esac
        done < <(grep -ho '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*"' "$f" | sed 's/.*"\(.*\)"/\1/')
    done
done
[ "$bad" -eq 0 ] && t_ok "layers: every include goes down the layers (base <- bytecode <- runtime, compiler <- api, cli)"

RT=$(dirname "$SEG")/segc_run
if [ -x "$RT" ]; then
    syms=$(nm "$RT" 2>/dev/null | grep -E ' [TtDdBb] (seg_parse|seg_sema|seg_lower|seg_eval|seg_cg_program|seg_lint|seg_compile|seg_fmt|yyparse|seg_yy)' | head -5)
    # (symbols are hidden, -fvisibility=hidden: local 't' in the program)
    if [ -z "$syms" ] && nm "$RT" | grep -q ' [Tt] seg_xeval' && nm "$RT" | grep -q ' [Tt] seg_vm_run'; then
        t_ok "layers: segc_run links the runtime and the bytecode layer, no compiler symbol"
    else
        t_fail "layers: segc_run links no compiler symbol" "$syms"
    fi
else
    t_fail "layers: $RT was not built" "make all builds it"
fi

t_summary layers
