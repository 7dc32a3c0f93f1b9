#compdef seg
# zsh completion for seg: the bash completion itself (one list of commands,
# options, rules files and segment names for both shells), run by zsh's
# bashcompinit. `make install` puts this file in zsh's site-functions as
# _seg, with @BASHCOMP@ replaced by the installed bash completion's path.
autoload -U +X bashcompinit && bashcompinit
source "@BASHCOMP@"         # defines _seg (replacing this stub) and `complete -F _seg seg`
_bash_complete -F _seg      # and completes this first time too
