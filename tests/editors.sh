#!/usr/bin/env bash
# tests/editors.sh -- keeps the editor support in editors/ in step with the
# language: every keyword of grammar/lexer.l and every function of
# FUNC_NAMES in compiler/sema.c must be highlighted by both the Vim syntax
# file and the TextMate grammar; the VS Code JSON files must parse and the
# extension manifest must point at the grammar.
#
# Overrides (used to check that the test fails): EDITORS_VIM, EDITORS_TM,
# EDITORS_PKG name other files to check.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

lexer=$T_ROOT/grammar/lexer.l
sema=$T_ROOT/compiler/sema.c
vim=${EDITORS_VIM:-$T_ROOT/editors/vim/syntax/seg.vim}
tm=${EDITORS_TM:-$T_ROOT/editors/vscode/syntaxes/seg.tmLanguage.json}
pkg=${EDITORS_PKG:-$T_ROOT/editors/vscode/package.json}
langconf=$(dirname "$pkg")/language-configuration.json

# Keywords: the quoted words at the start of rules such as
#   "segment"  KW(SEGMENT);   "true" {...}   "day"|"days" {...}
keywords=$(grep -E '^"[a-z_]+"(\|"[a-z_]+")*' "$lexer" \
           | grep -oE '^"[a-z_]+"(\|"[a-z_]+")*' \
           | grep -oE '[a-z_]+' | sort -u)
# Functions: the string literals of the FUNC_NAMES initialiser.
functions=$(awk '/FUNC_NAMES\[\] *=/ { on = 1 } on { print } on && /;/ { exit }' "$sema" \
            | grep -oE '"[a-z_0-9]+"' | tr -d '"' | sort -u)
# ... and the aggregates of measures: the names seg_aggfn_name gives (bytecode/expr.c)
functions="$functions
$(awk '/names\[SEG_AG__N\] *=/ { on = 1 } on { print } on && /;/ { exit }' "$T_ROOT/bytecode/expr.c" \
            | grep -oE '"[a-z_0-9]+"' | tr -d '"' | sort -u)"

n_kw=$(printf '%s\n' "$keywords" | grep -c .)
n_fn=$(printf '%s\n' "$functions" | grep -c .)
if [ "$n_kw" -ge 20 ]; then t_ok "editors/lexer: $n_kw keywords extracted from grammar/lexer.l"
else t_fail "editors/lexer: only $n_kw keywords extracted from grammar/lexer.l" "$keywords"; fi
if [ "$n_fn" -ge 1 ]; then t_ok "editors/sema: $n_fn functions extracted from FUNC_NAMES"
else t_fail "editors/sema: no functions extracted from FUNC_NAMES in compiler/sema.c"; fi

# words FILE -- the words the highlighting rules name, one a line.
#   Vim: the `syn keyword` / `syn match` / `syn region` lines, minus their
#   options (contains=..., start=... are options too; keyword lines list words,
#   patterns sit in quotes).  TextMate: every "match" / "begin" regex.
# Backslash escapes (\b, \s, \<, \ze, ...) are dropped first so \bsegment
# reads as segment; everything else that is not [a-z0-9_] separates words.
vim_words() {
    grep -E '^[[:space:]]*syn(tax)?[[:space:]]+(keyword|match|region)[[:space:]]' "$1" \
        | sed -E 's/(^|[[:space:]])(contains|containedin|nextgroup|matchgroup|start|skip|end)=[^[:space:]]*//g' \
        | sed -E 's/\\[a-zA-Z]//g' | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '\n' | grep . | sort -u
}
tm_words() {
    jq -r '.. | objects | (.match?, .begin?) | strings' "$1" 2>/dev/null \
        | sed -E 's/\\[a-zA-Z]//g; s/\(\?[a-zA-Z]+\)//g' | tr 'A-Z' 'a-z' \
        | tr -c 'a-z0-9_\n' '\n' | grep . | sort -u
}

check_words() {   # LABEL FILE WORDLIST-FILE KIND NAMES...
    local label=$1 file=$2 list=$3 kind=$4 w; shift 4
    for w in "$@"; do
        if grep -qxF "$w" "$list"; then t_ok "editors/$label: $kind '$w'"
        else t_fail "editors/$label: $kind '$w' is not highlighted" "not found in the rules of $file"; fi
    done
}

if [ -f "$vim" ]; then
    vim_words "$vim" > "$T_TMP/vim.words"
    # shellcheck disable=SC2086
    check_words vim "$vim" "$T_TMP/vim.words" keyword $keywords
    # shellcheck disable=SC2086
    check_words vim "$vim" "$T_TMP/vim.words" function $functions
    if grep -qE '^[[:space:]]*syn(tax)?[[:space:]]+case[[:space:]]+ignore' "$vim"; then
        t_ok "editors/vim: syntax case ignore"
    else
        t_fail "editors/vim: no 'syntax case ignore' (keywords are case-insensitive)" "$vim"
    fi
else
    t_fail "editors/vim: $vim does not exist"
fi

for f in "$T_ROOT/editors/vim/ftdetect/seg.vim" "$T_ROOT/editors/vim/ftplugin/seg.vim"; do
    if [ -f "$f" ]; then t_ok "editors/vim: ${f#"$T_ROOT"/} exists"
    else t_fail "editors/vim: ${f#"$T_ROOT"/} does not exist"; fi
done

for f in "$tm" "$langconf" "$pkg"; do
    if [ ! -f "$f" ]; then
        t_fail "editors/json: ${f#"$T_ROOT"/} does not exist"
    elif jq empty "$f" 2> "$T_TMP/jq.err"; then
        t_ok "editors/json: ${f#"$T_ROOT"/} is valid JSON"
    else
        t_fail "editors/json: ${f#"$T_ROOT"/} is not valid JSON" "$(cat "$T_TMP/jq.err")"
    fi
done

if [ -f "$tm" ]; then
    tm_words "$tm" > "$T_TMP/tm.words"
    # shellcheck disable=SC2086
    check_words tmLanguage "$tm" "$T_TMP/tm.words" keyword $keywords
    # shellcheck disable=SC2086
    check_words tmLanguage "$tm" "$T_TMP/tm.words" function $functions
    if [ "$(jq -r '.scopeName // empty' "$tm" 2>/dev/null)" = source.seg ]; then
        t_ok "editors/tmLanguage: scopeName source.seg"
    else
        t_fail "editors/tmLanguage: scopeName is not source.seg" "$tm"
    fi
fi

if [ -f "$pkg" ]; then
    if jq -e '.contributes.languages[0].extensions | index(".seg")' "$pkg" > /dev/null 2>&1; then
        t_ok "editors/package.json: contributes.languages[0].extensions has .seg"
    else
        t_fail "editors/package.json: contributes.languages[0].extensions lacks .seg" \
               "$(jq -c '.contributes.languages[0].extensions' "$pkg" 2>&1)"
    fi
    gpath=$(jq -r '.contributes.grammars[0].path // empty' "$pkg" 2>/dev/null)
    if [ -n "$gpath" ] && [ -f "$(dirname "$pkg")/$gpath" ]; then
        t_ok "editors/package.json: contributes.grammars[0].path $gpath exists"
    else
        t_fail "editors/package.json: contributes.grammars[0].path '$gpath' is not a file" \
               "relative to $(dirname "$pkg")"
    fi
fi

# Vim, when installed, really highlights a line with Unicode names: a
# keyword inside `kunder_på_väg_or` is not one, `since` is, a dotted date is.
if command -v vim > /dev/null 2>&1 && [ -f "$vim" ]; then
    mkdir -p "$T_TMP/vimrt/syntax"
    cp "$vim" "$T_TMP/vimrt/syntax/seg.vim"
    printf 'segment kunder_på_väg_or = x since 01.12.2026 or åor\n' > "$T_TMP/u.seg"
    # byte columns: the 'or' of the name 25, since 32, the date 38, or 49, the 'or' of åor 54
    vim -u NONE -N -es -c "set rtp^=$T_TMP/vimrt" -c 'syntax on' -c 'set ft=seg' \
        -c "redir! > $T_TMP/vim.syn" \
        -c 'for c in [11, 25, 32, 38, 49, 54] | echo c synIDattr(synID(1, c, 1), "name") | endfor' \
        -c 'redir END' -c 'q!' "$T_TMP/u.seg" < /dev/null > "$T_TMP/vim.log" 2>&1
    got=$(grep . "$T_TMP/vim.syn" 2>/dev/null | tr '\n' ' ')
    want='11  25  32 segKeyword 38 segDate 49 segKeyword 54  '
    if [ "$got" = "$want" ]; then t_ok "editors/vim: Unicode names, 'since' and dotted dates highlighted as the language reads them"
    else t_fail "editors/vim: highlighting of a line with Unicode names" "got:  $got" "want: $want"; fi
fi

t_summary editors
