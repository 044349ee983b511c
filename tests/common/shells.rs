//! The real shells the tests run, one entry each: how to start one for a script (no rc files,
//! its strict flags) or in a terminal, what runas calls its syntax, and how it reads runas's
//! output. The hostile values are in src/shell/mod.rs.

use runas::shell::ShellKind;
use std::path::PathBuf;

/// How a shell evaluates runas output and prints a variable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dialect {
    Posix,
    Fish,
    Pwsh,
}

/// A real shell.
pub struct Shell {
    /// The program, looked up on PATH.
    pub program: &'static str,
    /// For messages: the shell, and its options where they are not the ones below.
    pub label: &'static str,
    /// The formatter whose output it evaluates.
    pub kind: ShellKind,
    /// What `runas env --shell` and `runas init` call its syntax, as users type it.
    pub flag: &'static str,
    pub dialect: Dialect,
    /// To run a script file: no rc files, and the strict flags where the shell has them.
    pub args: &'static [&'static str],
    /// Options without a command-line flag, run first in a script.
    pub prelude: &'static str,
    /// To run it in a terminal, interactive and without rc files.
    pub interactive: &'static [&'static str],
    /// For the hook tests' rc file: a prompt that shows the status of the last command as
    /// `[N]> ` (`[1]> ` after `false`), and nothing else on its line. Empty for the shells
    /// `runas init` has no hook for.
    pub prompt: &'static str,
    /// The Debian package to install when the program is missing; empty when there is none.
    pub package: &'static str,
}

pub const BASH: Shell = Shell {
    program: "bash",
    label: "bash",
    kind: ShellKind::Bash,
    flag: "bash",
    dialect: Dialect::Posix,
    args: &["--noprofile", "--norc", "-eu", "-o", "pipefail"],
    prelude: "",
    interactive: &["--noprofile", "--norc", "-i"],
    prompt: "PS1='[$?]> '",
    package: "bash",
};

pub const ZSH: Shell = Shell {
    program: "zsh",
    label: "zsh",
    kind: ShellKind::Zsh,
    flag: "zsh",
    dialect: Dialect::Posix,
    args: &["-f"],
    prelude: "setopt err_exit no_unset pipe_fail",
    interactive: &["-f", "-i"],
    // With the options users set that break scripts which assume the defaults.
    prompt: "PROMPT='[%?]> '; setopt no_unset ksh_arrays sh_word_split",
    package: "zsh",
};

/// Debian's `/bin/sh`: the strictest POSIX shell at hand, and the one that rejects `$'…'`.
pub const DASH: Shell = Shell {
    program: "dash",
    label: "dash",
    kind: ShellKind::Sh,
    flag: "sh",
    dialect: Dialect::Posix,
    args: &["-eu"],
    prelude: "",
    interactive: &["-i"],
    prompt: "",
    package: "dash",
};

pub const FISH: Shell = Shell {
    program: "fish",
    label: "fish",
    kind: ShellKind::Fish,
    flag: "fish",
    dialect: Dialect::Fish,
    args: &["--no-config"],
    prelude: "",
    interactive: &["--no-config", "-i"],
    prompt: "set -g fish_greeting; function fish_prompt; printf '[%s]> ' $status; end; \
             function fish_title; end",
    package: "fish",
};

/// No registry these machines reach has it: the tests that run it are `#[ignore]`d (see
/// NEEDS_PWSH) and fail when run where it is not on PATH.
pub const PWSH: Shell = Shell {
    program: "pwsh",
    label: "pwsh",
    kind: ShellKind::Pwsh,
    flag: "pwsh",
    dialect: Dialect::Pwsh,
    // pwsh -File runs only files named *.ps1.
    args: &["-NoLogo", "-NoProfile", "-NonInteractive", "-File"],
    prelude: "$ErrorActionPreference = 'Stop'\nSet-StrictMode -Version Latest",
    interactive: &["-NoLogo", "-NoProfile"],
    prompt: "",
    package: "",
};

/// The shells every end-to-end test runs in: all but pwsh.
pub const SHELLS: [&Shell; 4] = [&BASH, &ZSH, &DASH, &FISH];

/// Why a test that runs pwsh is `#[ignore]`d. Such a test fails, rather than passing without
/// doing anything, when it is run without pwsh on PATH.
///
/// (`#[ignore = …]` takes a literal, so the tests repeat this text.)
pub const NEEDS_PWSH: &str =
    "needs pwsh, which is not installable on these machines; run with --ignored where pwsh is on PATH";

impl Shell {
    /// The absolute path of the program, or a failure that says what to install: a missing
    /// shell is a broken test machine, not a reason to skip.
    pub fn path(&self) -> PathBuf {
        find(self.program).unwrap_or_else(|| {
            if self.package.is_empty() {
                panic!("{} is not on PATH: {NEEDS_PWSH}", self.program)
            }
            panic!(
                "{} is not installed: install the Debian package `{}` \
                 (scripts/test installs bash zsh fish dash)",
                self.program, self.package
            )
        })
    }

    /// The line that evaluates what `command` prints, as users write it.
    pub fn eval(&self, command: &str) -> String {
        match self.dialect {
            Dialect::Posix => format!("eval \"$({command})\""),
            Dialect::Fish => format!("{command} | source"),
            Dialect::Pwsh => format!("{command} | Out-String | Invoke-Expression"),
        }
    }
}

/// The absolute path of `program` on PATH.
pub fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}
