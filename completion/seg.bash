# bash completion for seg(1)                       -*- shell-script -*-
#
# Installed as share/bash-completion/completions/seg (`make install`); or
# `source completion/seg.bash`. Completes the commands, each command's
# options (the same lists as seg(1); tests/install.sh compares them with
# the man page and with each command's parser), the values of the options
# that take a word from a fixed set, file names (.seg/.segc rules first),
# and segment names after --segment, read from the rules file already on
# the command line (its `segment NAME` lines).

_seg_commands="check run overlap report why import schema explain compile diff sql explain-code fmt help"

# _seg_options CMD -- the options of CMD, one string.
_seg_options() {
    local csv_read="--skip-bad-rows --max-bad-rows --encoding --month-first --decimal"
    local csv_schema="--schema --lenient --allow-extra"
    case $1 in
        check)   echo "--schema --data --table --today --format --strict --require-guard" ;;
        run)     echo "--today --format --members --members-dir --columns --members-format --key --table --segment --measure --exclude --min-size --trace -q --quiet $csv_read $csv_schema" ;;
        overlap) echo "--today --format --segment --exclude --table -q --quiet $csv_read $csv_schema" ;;
        report)  echo "-o --output --title --measure --force --today --segment --exclude --table -q --quiet $csv_read $csv_schema" ;;
        why)     echo "--key --key-column --segment --today --format --exclude --table $csv_read $csv_schema" ;;
        import)  echo "-o --output --delimiter --key --force --threads --erase -q --quiet $csv_read $csv_schema" ;;
        schema)  echo "--table $csv_read" ;;
        explain) echo "--schema --data --table --today" ;;
        compile) echo "-o --output --schema --data --table --today --force" ;;
        diff)    echo "--today --today-old --format --max-change --exclude --table --table-old --table-new --skip-bad-rows --max-bad-rows $csv_schema --data --key --members" ;;
        sql)     echo "--dialect --schema --data --table --shape --key --view --today-param --today -o --output --force" ;;
        explain-code) echo "--list" ;;
        fmt)     echo "--check --diff -w --write --verify" ;;
    esac
}

# _seg_segments FILE -- the names of the segments FILE defines (bare or
# backticked names after `segment`, keyword in any case).
_seg_segments() {
    [ -r "$1" ] || return 0
    sed -n -E 's/^[[:space:]]*[sS][eE][gG][mM][eE][nN][tT][[:space:]]+(`[^`]*`|[^[:space:]="`]+).*/\1/p' -- "$1" 2>/dev/null
}

_seg() {
    local cur prev cmd i w rules=
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$_seg_commands --help --version" -- "$cur"))
        return 0
    fi
    cmd=${COMP_WORDS[1]}
    if [ "$cmd" = help ]; then
        [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "${_seg_commands% help}" -- "$cur"))
        return 0
    fi
    # the rules file: the first word after the command ending in .seg
    for ((i = 2; i < ${#COMP_WORDS[@]}; i++)); do
        [ "$i" -eq "$COMP_CWORD" ] && continue
        w=${COMP_WORDS[i]}
        case $w in *.seg) rules=$w; break ;; esac
    done
    case $prev in
        --segment)
            local names
            [ -n "$rules" ] && names=$(_seg_segments "${rules/#\~/$HOME}")
            COMPREPLY=($(compgen -W "$names" -- "$cur"))
            return 0 ;;
        --format)
            case $cmd in
                check) COMPREPLY=($(compgen -W "text json sarif github gitlab" -- "$cur")) ;;
                why)   COMPREPLY=($(compgen -W "text json csv" -- "$cur")) ;;
                diff)  COMPREPLY=($(compgen -W "table json" -- "$cur")) ;;
                *)     COMPREPLY=($(compgen -W "table csv json" -- "$cur")) ;;
            esac
            return 0 ;;
        --members-format) COMPREPLY=($(compgen -W "csv jsonl" -- "$cur")); return 0 ;;
        --dialect) COMPREPLY=($(compgen -W "sqlite duckdb postgres clickhouse bigquery snowflake spark trino" -- "$cur")); return 0 ;;
        --shape) COMPREPLY=($(compgen -W "counts members flags" -- "$cur")); return 0 ;;
        --encoding) COMPREPLY=($(compgen -W "utf-8 cp1252 latin1 utf-16 utf-16le utf-16be" -- "$cur")); return 0 ;;
        --decimal) COMPREPLY=($(compgen -W ". ," -- "$cur")); return 0 ;;
        --members-dir) COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
        --today|--today-old|--title|--key|--key-column|--measure|--min-size|--columns|--max-bad-rows|--delimiter|--threads|--table|--table-old|--table-new|--view|--max-change)
            return 0 ;;
        --schema|--data|--exclude|--erase|--members|-o|--output)
            COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_seg_options "$cmd")" -- "$cur"))
        return 0
    fi
    case $cmd in
        check|run|overlap|report|why|explain|compile|diff|sql|fmt)
            if [ -z "$rules" ] && [ "$cmd" != check ]; then
                # the rules file comes first: .seg (and .segc) files and folders
                COMPREPLY=($(compgen -f -X '!*.seg' -- "$cur") $(compgen -f -X '!*.segc' -- "$cur") $(compgen -d -- "$cur"))
            elif [ "$cmd" = check ] || [ "$cmd" = fmt ]; then
                COMPREPLY=($(compgen -f -X '!*.seg' -- "$cur") $(compgen -d -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi ;;
        *)  COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
    return 0
}
complete -o filenames -o bashdefault -F _seg seg
