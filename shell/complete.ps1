# runas tab completion for PowerShell. `runas init pwsh` and `runas completions powershell`
# print it after one line that sets $global:_runas_completer, the path of the binary.
#
# The binary answers: `RUNAS_COMPLETE=powershell runas -- WORDS…` prints the candidates for the
# last word, one a line with its description after a tab, from its own command-line definition
# and the profiles in the config files. This block passes the words up to the cursor and quotes
# what comes back.
Register-ArgumentCompleter -Native -CommandName runas -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements |
            Where-Object { $_.Extent.StartOffset -lt $cursorPosition } |
            ForEach-Object { $_.Extent.Text })
    # A new word after a space: the word being completed is empty.
    if ($wordToComplete -eq '') { $words += '' }
    # Splatted, `--` reaches the binary as it is (PowerShell reads a bare `--` itself).
    $argv = @('--') + $words
    $before = $env:RUNAS_COMPLETE
    $env:RUNAS_COMPLETE = 'powershell'
    try {
        $lines = & $global:_runas_completer @argv 2>$null
    } finally {
        $env:RUNAS_COMPLETE = $before
    }
    foreach ($line in $lines) {
        $word, $help = $line -split "`t", 2
        if (-not $word) { continue }
        $text = if ($word -match '^[\w.@:/+=,-]+$') { $word } else { "'" + ($word -replace "['\u2018\u2019\u201A\u201B]", '$0$0') + "'" }
        [System.Management.Automation.CompletionResult]::new($text, $word, 'ParameterValue', $(if ($help) { $help } else { $word }))
    }
}
