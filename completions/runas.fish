set -g _runas_completer runas
# runas tab completion for fish. `runas init fish` and `runas completions fish` print it after
# one line that sets _runas_completer: the binary, by its path or as PATH finds it.
#
# The binary answers: `RUNAS_COMPLETE=fish runas -- WORDS…` prints the candidates for the last
# word, one a line with its description after a tab, from its own command-line definition and
# the profiles in the config files. After `runas exec … --` the words are the command to run,
# which fish completes as it would alone. Erased first, so loading twice adds nothing twice.
complete -c runas -e
function _runas_complete
    set -l words (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token)
    if test "$words[2]" = exec
        for i in (seq 3 (math (count $words) - 1))
            if test "$words[$i]" = --
                __fish_complete_subcommand --commandline $words[(math $i + 1)..-1]
                return
            end
        end
    end
    RUNAS_COMPLETE=fish command $_runas_completer -- $words 2>/dev/null
end
complete -c runas -f -a '(_runas_complete)'
