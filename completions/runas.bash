_runas_completer=runas
# shellcheck shell=bash
# runas tab completion for bash. `runas init bash` and `runas completions bash` print it after
# one line that sets _runas_completer: the binary, by its path or as PATH finds it.
#
# The binary answers: `RUNAS_COMPLETE=bash runas -- WORDS…` prints the candidates for the last
# word, one a line, from its own command-line definition and the profiles in the config files.
# This function passes the words up to the cursor and quotes what comes back; after
# `runas exec … --` the words are the command to run, which bash completes as it would alone.

# shellcheck disable=SC2154
function _runas_complete {
    local _runas_word _runas_i
    COMPREPLY=()
    if [[ ${COMP_WORDS[1]-} == exec ]]; then
        for ((_runas_i = 2; _runas_i < COMP_CWORD; _runas_i++)); do
            if [[ ${COMP_WORDS[_runas_i]} == -- ]]; then
                compopt -o bashdefault -o default 2>/dev/null
                return
            fi
        done
    fi
    while IFS= read -r _runas_word; do
        printf -v _runas_word '%q' "$_runas_word"
        COMPREPLY+=("$_runas_word")
    done < <(RUNAS_COMPLETE=bash command "$_runas_completer" -- "${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null)
}

complete -F _runas_complete runas
