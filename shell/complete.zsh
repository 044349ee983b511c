# runas tab completion for zsh. `runas init zsh` and `runas completions zsh` print it after one
# line that sets _runas_completer: the binary, by its path or as PATH finds it.
#
# The binary answers: `RUNAS_COMPLETE=zsh runas -- WORDS…` prints the candidates for the last
# word, one a line, from its own command-line definition and the profiles in the config files.
# This function passes the words up to the cursor and adds what comes back (compadd quotes
# it); after `runas exec … --` the words are the command to run, which zsh completes as it
# would alone.
function _runas_complete {
    emulate -L zsh
    local -i dashes=${words[(I)--]}
    local -a found
    if [[ ${words[2]-} == exec ]] && (( dashes > 2 && dashes < CURRENT )); then
        shift $dashes words
        (( CURRENT -= dashes ))
        _normal
        return
    fi
    found=("${(@f)$(RUNAS_COMPLETE=zsh command "$_runas_completer" -- "${(@)words[1,CURRENT]}" 2>/dev/null)}")
    found=(${found:#})
    compadd -a found
}

# As a file in $fpath, compinit runs this file as the body of `_runas` at the first Tab:
# complete then. Sourced, register the function, now if compinit has run, else at the first
# prompt after it does (the hook checks _runas_compdef_pending).
# (`${funcstack[@]:0:1}` is the innermost function whatever KSH_ARRAYS says.)
if [[ ${funcstack[@]:0:1} == _runas ]]; then
    _runas_complete "$@"
elif (( ${+functions[compdef]} )); then
    compdef _runas_complete runas
else
    typeset -g _runas_compdef_pending=1
fi
