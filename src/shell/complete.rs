//! Tab completion: one engine, in the binary, for every shell.
//!
//! A shell's completion function (shell/complete.SHELL, in the hook and in `runas completions`)
//! passes the words up to the cursor to `RUNAS_COMPLETE=SHELL runas -- WORDS…`, and clap_complete's
//! engine answers from the clap definition itself: subcommands, flags, the values of `--shell`
//! and the other value enums, and, for every argument named `profile`, the profile names in the
//! config files. So what Tab offers cannot drift from what the CLI accepts, and the shell side
//! only passes words and quotes what comes back. A Tab starts one process; a prompt starts none.
//!
//! The answer is one candidate a line (a profile name cannot hold a newline: it comes from one
//! line of an INI file); fish and PowerShell also get the help after a tab.

use crate::cli::CompletionShell;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{EnvCompleter, Shells};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// The variable that turns a run into a completion request (clap's `COMPLETE`, named for runas
/// so that a variable of that common name set for another program cannot change what runas does).
pub const VAR: &str = "RUNAS_COMPLETE";

/// The shell functions, as they are in shell/.
const BASH: &str = include_str!("../../shell/complete.bash");
const ZSH: &str = include_str!("../../shell/complete.zsh");
const FISH: &str = include_str!("../../shell/complete.fish");
const PWSH: &str = include_str!("../../shell/complete.ps1");

/// Answers a completion request and exits, when this run is one (`RUNAS_COMPLETE` is set);
/// else returns and the run goes on. Called by `main` before anything is printed.
pub fn complete_if_asked() {
    const SHELLS: Shells<'static> = Shells(&[&Sh::Bash, &Sh::Zsh, &Sh::Fish, &Sh::Pwsh, &Sh::Elvish]);
    clap_complete::CompleteEnv::with_factory(command)
        .var(VAR)
        .shells(SHELLS)
        .complete();
}

/// The clap definition the engine completes: the CLI without `help` and `--help`/`--version`
/// (completion is for doing). The profile names come from the `profile` arguments themselves
/// (`ArgValueCandidates` in src/cli.rs).
fn command() -> clap::Command {
    use clap::CommandFactory;
    fn doing(cmd: clap::Command) -> clap::Command {
        let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
        let mut cmd = cmd
            .disable_help_flag(true)
            .disable_version_flag(true)
            .disable_help_subcommand(true);
        for name in subs {
            cmd = cmd.mut_subcommand(name, doing);
        }
        cmd
    }
    doing(crate::cli::Cli::command())
}

/// The profile names in the config and credentials files, as `runas list --names` prints them;
/// none when the files cannot be read (Tab is no place for an error).
pub(crate) fn profile_names() -> Vec<CompletionCandidate> {
    let env = crate::process_env();
    let paths = crate::config::Paths::from_env(&crate::env::original(&env));
    let Ok(files) = crate::config::Files::load(&paths) else {
        return Vec::new();
    };
    crate::config::list_profiles(&files)
        .into_iter()
        .map(|p| CompletionCandidate::new(p.name).help(Some(p.kind.describe().into())))
        .collect()
}

/// The candidates for the last of `words` (`runas`, then the words up to the cursor; the last
/// one is the word being completed, empty after a space).
pub fn candidates(words: &[&str]) -> Vec<CompletionCandidate> {
    let mut cmd = command();
    cmd.build();
    let args: Vec<OsString> = words.iter().map(OsString::from).collect();
    answer(&mut cmd, args).unwrap_or_default()
}

/// What the engine offers for the last of `args`, less what a user would not pick: hidden
/// candidates (the engine falls back on them when nothing else matches), and flags for a word
/// that does not start with `-` while there is anything else to offer (a profile name, a
/// subcommand, a value).
fn answer(cmd: &mut clap::Command, args: Vec<OsString>) -> std::io::Result<Vec<CompletionCandidate>> {
    let index = args.len().saturating_sub(1);
    let flag_wanted = args.last().is_some_and(|w| w.to_string_lossy().starts_with('-'));
    let mut found = clap_complete::engine::complete(cmd, args, index, None)?;
    found.retain(|c| !c.is_hide_set());
    let is_flag = |c: &CompletionCandidate| c.get_value().to_string_lossy().starts_with('-');
    if !flag_wanted && found.iter().any(|c| !is_flag(c)) {
        found.retain(|c| !is_flag(c));
    }
    Ok(found)
}

/// How the completion function calls the binary.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// This binary, by its absolute path: what `runas init` writes.
    Path(&'a Path),
    /// `runas` as `PATH` finds it: what `runas completions` writes, a file that must keep
    /// working when the binary moves. (The functions call it with `command`, past the hook's
    /// `runas` function.)
    OnPath,
}

/// The completion function for `shell`, with the line that registers it.
pub fn registration(shell: CompletionShell, caller: Caller) -> String {
    let mut out = String::new();
    match shell {
        CompletionShell::Bash | CompletionShell::Zsh => {
            let completer = match caller {
                Caller::Path(path) => super::sh::quote(&path.to_string_lossy()),
                Caller::OnPath => "runas".to_string(),
            };
            if shell == CompletionShell::Zsh {
                // As a file in $fpath, compinit autoloads it as the body of `_runas`.
                out.push_str("#compdef runas\n");
            }
            let _ = writeln!(out, "_runas_completer={completer}");
            out.push_str(if shell == CompletionShell::Bash { BASH } else { ZSH });
        }
        CompletionShell::Fish => {
            let completer = match caller {
                Caller::Path(path) => super::fish::quote(&path.to_string_lossy()),
                Caller::OnPath => "runas".to_string(),
            };
            let _ = writeln!(out, "set -g _runas_completer {completer}");
            out.push_str(FISH);
        }
        CompletionShell::Powershell => {
            let completer = match caller {
                Caller::Path(path) => super::pwsh::quote(&path.to_string_lossy()),
                // The application, not the hook's function of the same name.
                Caller::OnPath => {
                    "(Get-Command -Name runas -CommandType Application -TotalCount 1).Source".to_string()
                }
            };
            let _ = writeln!(out, "$global:_runas_completer = {completer}");
            out.push_str(PWSH);
        }
        CompletionShell::Elvish => {
            let completer = match caller {
                Caller::Path(path) => path.to_string_lossy().into_owned(),
                Caller::OnPath => "runas".to_string(),
            };
            let mut buf = Vec::new();
            clap_complete::env::Elvish
                .write_registration(VAR, "runas", "runas", &completer, &mut buf)
                .expect("writing to a Vec cannot fail");
            out.push_str(&String::from_utf8_lossy(&buf));
        }
    }
    out
}

/// The shells a completion request can come from, each with the registration above and the
/// answer format its function reads.
enum Sh {
    Bash,
    Zsh,
    Fish,
    Pwsh,
    Elvish,
}

impl Sh {
    fn shell(&self) -> CompletionShell {
        match self {
            Sh::Bash => CompletionShell::Bash,
            Sh::Zsh => CompletionShell::Zsh,
            Sh::Fish => CompletionShell::Fish,
            Sh::Pwsh => CompletionShell::Powershell,
            Sh::Elvish => CompletionShell::Elvish,
        }
    }
}

impl EnvCompleter for Sh {
    fn name(&self) -> &'static str {
        match self {
            Sh::Bash => "bash",
            Sh::Zsh => "zsh",
            Sh::Fish => "fish",
            Sh::Pwsh => "powershell",
            Sh::Elvish => "elvish",
        }
    }

    fn is(&self, name: &str) -> bool {
        name == self.name() || matches!(self, Sh::Pwsh) && name == "pwsh"
    }

    /// `RUNAS_COMPLETE=SHELL runas` with no words prints the registration, as clap documents.
    fn write_registration(
        &self,
        _var: &str,
        _name: &str,
        _bin: &str,
        _completer: &str,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        buf.write_all(registration(self.shell(), Caller::OnPath).as_bytes())
    }

    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        _current_dir: Option<&Path>,
        buf: &mut dyn Write,
    ) -> std::io::Result<()> {
        let with_help = matches!(self, Sh::Fish | Sh::Pwsh);
        for candidate in answer(cmd, args)? {
            let value = candidate.get_value().to_string_lossy();
            // A line is one candidate: nothing may split it or start another.
            if value.contains(['\n', '\r', '\t']) {
                continue;
            }
            write!(buf, "{value}")?;
            if let Some(help) = candidate.get_help().filter(|_| with_help) {
                let help = help.to_string();
                let first = help.lines().next().unwrap_or_default().replace('\t', " ");
                write!(buf, "\t{first}")?;
            }
            writeln!(buf)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap_complete::engine::ArgValueCandidates;

    fn values(words: &[&str]) -> Vec<String> {
        candidates(words)
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn subcommands_come_from_the_cli() {
        assert_eq!(values(&["runas", "u"]), ["unset", "use"]);
        assert!(values(&["runas", "l"]).contains(&"list".to_string()));
    }

    #[test]
    fn hidden_flags_are_not_offered() {
        let use_flags = values(&["runas", "use", "--"]);
        assert!(use_flags.contains(&"--no-prompt".to_string()), "{use_flags:?}");
        for hidden in ["--hook", "--due", "--shell", "--format"] {
            assert!(
                !use_flags.contains(&hidden.to_string()),
                "{hidden}: {use_flags:?}"
            );
        }
    }

    #[test]
    fn values_of_enums_are_offered() {
        assert_eq!(values(&["runas", "env", "--shell", "f"]), ["fish"]);
        assert_eq!(values(&["runas", "init", "z"]), ["zsh"]);
    }

    #[test]
    fn every_profile_argument_gets_the_profile_names() {
        use clap::CommandFactory;
        let mut cmd = crate::cli::Cli::command();
        cmd.build();
        let mut seen = Vec::new();
        fn walk(cmd: &clap::Command, path: String, seen: &mut Vec<String>) {
            for arg in cmd.get_arguments().filter(|a| a.get_id() == "profile") {
                assert!(
                    arg.get::<ArgValueCandidates>().is_some(),
                    "{path}: profile has no candidates"
                );
                seen.push(path.clone());
            }
            for sub in cmd.get_subcommands() {
                walk(sub, format!("{path} {}", sub.get_name()), seen);
            }
        }
        walk(&cmd, "runas".into(), &mut seen);
        for expected in ["runas env", "runas exec", "runas use", "runas cache clear"] {
            assert!(seen.iter().any(|s| s == expected), "{expected}: {seen:?}");
        }
    }

    #[test]
    fn registrations_name_their_caller() {
        let path = Path::new("/opt/it's/runas");
        let bash = registration(CompletionShell::Bash, Caller::Path(path));
        assert!(
            bash.starts_with("_runas_completer='/opt/it'\\''s/runas'\n"),
            "{bash}"
        );
        let bash = registration(CompletionShell::Bash, Caller::OnPath);
        assert!(bash.starts_with("_runas_completer=runas\n"), "{bash}");
        let zsh = registration(CompletionShell::Zsh, Caller::OnPath);
        assert!(zsh.starts_with("#compdef runas\n"), "{zsh}");
        let fish = registration(CompletionShell::Fish, Caller::Path(path));
        assert!(
            fish.starts_with("set -g _runas_completer '/opt/it\\'s/runas'\n"),
            "{fish}"
        );
    }
}
