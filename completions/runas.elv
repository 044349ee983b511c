
set edit:completion:arg-completer[runas] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) RUNAS_COMPLETE="elvish" runas -- $@words) | to-lines
}

