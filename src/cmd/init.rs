//! `runas init SHELL`: the hook scripts in shell/, embedded, with this binary's path quoted for
//! that shell; and `runas completions SHELL`.
//!
//! What `runas init` prints is a short prelude of assignments, then the script file as it is:
//!
//! - `_runas_bin`: this binary's absolute path (`std::env::current_exe`), quoted for the shell,
//!   so the hook calls the binary that wrote it, whatever `PATH` holds later;
//! - `_runas_window`: the refresh window in whole seconds, from `RUNAS_MIN_TTL` as it is when
//!   the hook is loaded (Go syntax, default 5m), so the prompt hook compares two integers and
//!   never has to parse a duration;
//! - the subcommand and flag names for tab completion, taken from the clap definition so they
//!   cannot drift from the CLI;
//! - fish only: the current time, the reference point of its spawn-free clock (see
//!   shell/runas.fish).
//!
//! The scripts are real files, linted as files (`bash -n`, `zsh -n`, `fish --no-execute`,
//! shellcheck, a PowerShell parser) and run in real shells by tests/hooks.rs.

use crate::shell::ShellKind;
use crate::{Error, Result};
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The hook scripts, as they are in shell/.
pub const BASH: &str = include_str!("../../shell/runas.bash");
pub const ZSH: &str = include_str!("../../shell/runas.zsh");
pub const FISH: &str = include_str!("../../shell/runas.fish");
pub const PWSH: &str = include_str!("../../shell/runas.ps1");

/// The hook script for `shell`, for this binary and the process environment.
pub fn script(shell: ShellKind) -> Result<String> {
    let exe = std::env::current_exe().map_err(|e| Error::BinaryPath {
        problem: format!("cannot find the path of this runas binary: {e}"),
    })?;
    let env = crate::process_env();
    let window = crate::cache::refresh_window(&env).unwrap_or_else(|e| {
        // The hook still loads (a shell without it is worse); `runas env` reports the value.
        crate::warn(format_args!("{e}; the prompt hook uses 5m"));
        crate::cache::Cache::DEFAULT_WINDOW
    });
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    render(shell, &exe, window, now)
}

/// The script for `shell` with `bin` as the binary, `window` as the refresh window and `now`
/// (seconds since the epoch) as fish's clock reference. Pure, for tests.
pub fn render(shell: ShellKind, bin: &Path, window: Duration, now: u64) -> Result<String> {
    let bin = bin.to_str().ok_or_else(|| Error::BinaryPath {
        problem: format!("the path of this runas binary is not UTF-8 ({})", bin.display()),
    })?;
    // A path with a NUL cannot exist; a newline can, and every quoter keeps it inside quotes.
    let names = Names::from_cli();
    let window = window.as_secs();
    let mut out = String::new();
    match shell {
        ShellKind::Sh => {
            return Err(Error::Usage(
                "POSIX sh has no prompt hook: load it in bash, zsh, fish or pwsh, or run \
                 eval \"$(runas env --shell sh PROFILE)\" in sh"
                    .into(),
            ));
        }
        ShellKind::Bash | ShellKind::Zsh => {
            let q = crate::shell::sh::quote;
            let _ = writeln!(out, "_runas_bin={}", q(bin));
            let _ = writeln!(out, "_runas_window={window}");
            for (var, words) in names.lists() {
                let words: Vec<String> = words.iter().map(|w| q(w)).collect();
                let _ = writeln!(out, "{var}=({})", words.join(" "));
            }
            out.push_str(if shell == ShellKind::Bash { BASH } else { ZSH });
        }
        ShellKind::Fish => {
            let q = crate::shell::fish::quote;
            let _ = writeln!(out, "set -g _runas_bin {}", q(bin));
            let _ = writeln!(out, "set -g _runas_window {window}");
            let _ = writeln!(out, "set -g _runas_epoch_at_init {now}");
            for (var, words) in names.lists() {
                let words: Vec<String> = words.iter().map(|w| q(w)).collect();
                let _ = writeln!(out, "set -g {var} {}", words.join(" "));
            }
            out.push_str(FISH);
        }
        ShellKind::Pwsh => {
            let q = crate::shell::pwsh::quote;
            let _ = writeln!(out, "$global:_runas_bin = {}", q(bin));
            let _ = writeln!(out, "$global:_runas_window = {window}");
            for (var, words) in names.lists() {
                let words: Vec<String> = words.iter().map(|w| q(w)).collect();
                let _ = writeln!(out, "$global:{var} = @({})", words.join(", "));
            }
            out.push_str(PWSH);
        }
    }
    Ok(out)
}

/// Names for tab completion, from the clap definition.
#[derive(Debug, PartialEq)]
pub struct Names {
    /// Every subcommand name and visible alias, in the order of `--help`.
    pub commands: Vec<String>,
    /// The subcommands (and aliases) whose first argument is a profile, `use` included.
    pub profile_commands: Vec<String>,
    /// For each of `profile_commands`: its flags, long and short (`--otp`, `-o`).
    pub flags: Vec<(String, Vec<String>)>,
    /// Every flag that takes a value (its next word is not a profile).
    pub value_flags: Vec<String>,
}

impl Names {
    pub fn from_cli() -> Names {
        use clap::CommandFactory;
        let cli = crate::cli::Cli::command();
        let env_flags = flags_of(cli.find_subcommand("env").expect("runas has an env subcommand"));
        let mut names = Names {
            commands: Vec::new(),
            profile_commands: Vec::new(),
            flags: Vec::new(),
            value_flags: Vec::new(),
        };
        for sub in cli.get_subcommands() {
            let aliases: Vec<String> = std::iter::once(sub.get_name())
                .chain(sub.get_visible_aliases())
                .map(str::to_string)
                .collect();
            names.commands.extend(aliases.iter().cloned());
            let takes_profile = sub.get_positionals().any(|a| a.get_id() == "profile");
            if !takes_profile || sub.get_name() == "cache" {
                continue;
            }
            let flags = match sub.get_name() {
                // `runas use P FLAGS` runs `runas env --shell S P FLAGS`: env's flags but --shell.
                "use" => env_flags.iter().filter(|f| *f != "--shell").cloned().collect(),
                _ => flags_of(sub),
            };
            for name in aliases {
                names.profile_commands.push(name.clone());
                names.flags.push((name, flags.clone()));
            }
            for arg in sub.get_arguments().filter(|a| !a.is_positional()) {
                if arg.get_action().takes_values() {
                    let spelled = spellings(arg);
                    for s in spelled {
                        if !names.value_flags.contains(&s) {
                            names.value_flags.push(s);
                        }
                    }
                }
            }
        }
        names
    }

    /// The shell variables of the prelude: name and words.
    fn lists(&self) -> Vec<(String, Vec<String>)> {
        let mut lists = vec![
            ("_runas_commands".to_string(), self.commands.clone()),
            (
                "_runas_profile_commands".to_string(),
                self.profile_commands.clone(),
            ),
            ("_runas_value_flags".to_string(), self.value_flags.clone()),
        ];
        for (sub, flags) in &self.flags {
            lists.push((format!("_runas_flags_{sub}"), flags.clone()));
        }
        lists
    }
}

/// `--long` and `-s` of every flag of `cmd` (not `--help`: completion is for doing).
fn flags_of(cmd: &clap::Command) -> Vec<String> {
    cmd.get_arguments()
        .filter(|a| !a.is_positional() && !a.is_hide_set() && a.get_id() != "help")
        .flat_map(spellings)
        .collect()
}

fn spellings(arg: &clap::Arg) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(long) = arg.get_long() {
        out.push(format!("--{long}"));
    }
    if let Some(short) = arg.get_short() {
        out.push(format!("-{short}"));
    }
    out
}

/// Completions generated by clap_complete for `shell`.
pub fn completions(shell: impl Into<clap_complete::Shell>) -> String {
    let shell = shell.into();
    use clap::CommandFactory;
    let mut cli = crate::cli::Cli::command();
    // clap_complete offers hidden flags too; `use` and `off` have the hook's own (`--hook`,
    // `--due`, and the refused `--shell` and `--format`), which no one should type.
    for name in ["use", "off"] {
        cli = cli.mut_subcommand(name, |sub| {
            let mut clean = clap::Command::new(name);
            if let Some(about) = sub.get_about() {
                clean = clean.about(about.clone());
            }
            clean.args(sub.get_arguments().filter(|a| !a.is_hide_set()).cloned())
        });
    }
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cli, "runas", &mut out);
    String::from_utf8(out).expect("completions are UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const HOSTILE_PATH: &str = "/opt/it's a \"dir\"/$(id)/runas";

    fn prelude(shell: ShellKind) -> String {
        let text = render(
            shell,
            &PathBuf::from(HOSTILE_PATH),
            Duration::from_secs(300),
            1_700_000_000,
        )
        .unwrap();
        let body = match shell {
            ShellKind::Bash => BASH,
            ShellKind::Zsh => ZSH,
            ShellKind::Fish => FISH,
            ShellKind::Pwsh => PWSH,
            ShellKind::Sh => unreachable!("render refuses sh"),
        };
        assert!(
            text.ends_with(body),
            "{shell:?}: the script file follows the prelude unchanged"
        );
        text[..text.len() - body.len()].to_string()
    }

    #[test]
    fn init_quotes_the_binary_path_for_each_shell() {
        let first = |shell| prelude(shell).lines().next().unwrap().to_string();
        let sh = r#"'/opt/it'\''s a "dir"/$(id)/runas'"#;
        assert_eq!(first(ShellKind::Bash), format!("_runas_bin={sh}"));
        assert_eq!(first(ShellKind::Zsh), format!("_runas_bin={sh}"));
        assert_eq!(
            first(ShellKind::Fish),
            r#"set -g _runas_bin '/opt/it\'s a "dir"/$(id)/runas'"#
        );
        assert_eq!(
            first(ShellKind::Pwsh),
            r#"$global:_runas_bin = '/opt/it''s a "dir"/$(id)/runas'"#
        );
    }

    #[test]
    fn init_prints_the_window_in_whole_seconds() {
        let text = render(
            ShellKind::Bash,
            Path::new("/r"),
            Duration::from_millis(899_900),
            0,
        )
        .unwrap();
        assert!(text.contains("\n_runas_window=899\n"), "{text}");
        let text = render(ShellKind::Pwsh, Path::new("/r"), Duration::from_secs(300), 0).unwrap();
        assert!(text.contains("\n$global:_runas_window = 300\n"), "{text}");
    }

    #[test]
    fn init_has_no_hook_for_posix_sh() {
        let e = render(ShellKind::Sh, Path::new("/r"), Duration::ZERO, 0).unwrap_err();
        assert!(e.to_string().contains("POSIX sh has no prompt hook"), "{e}");
    }

    #[test]
    fn init_gives_fish_the_time_as_its_clock_reference() {
        assert!(prelude(ShellKind::Fish).contains("\nset -g _runas_epoch_at_init 1700000000\n"));
    }

    #[test]
    fn init_refuses_a_path_that_is_not_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"/opt/\xff/runas"));
        let e = render(ShellKind::Bash, path, Duration::ZERO, 0).unwrap_err();
        assert!(e.to_string().contains("not UTF-8"), "{e}");
    }

    #[test]
    fn init_completion_names_come_from_the_cli() {
        let names = Names::from_cli();
        for sub in [
            "env", "unset", "exec", "list", "ls", "config", "diagnose", "whoami", "cache", "init",
        ] {
            assert!(names.commands.iter().any(|c| c == sub), "{sub}");
        }
        for sub in ["use", "off", "completions"] {
            assert!(names.commands.iter().any(|c| c == sub), "{sub}");
        }
        assert_eq!(
            names.profile_commands,
            ["env", "exec", "config", "diagnose", "whoami", "use"]
        );
        let flags = |sub: &str| names.flags.iter().find(|(s, _)| s == sub).unwrap().1.clone();
        assert!(flags("env").contains(&"--shell".to_string()));
        assert!(
            !flags("use").contains(&"--shell".to_string()),
            "the hook passes --shell itself"
        );
        for flag in ["--otp", "-o", "--no-prompt", "-a", "--role-duration"] {
            assert!(flags("use").contains(&flag.to_string()), "{flag}");
            assert!(flags("exec").contains(&flag.to_string()), "{flag}");
        }
        for flag in ["-o", "--otp", "-M", "--shell", "-O"] {
            assert!(names.value_flags.contains(&flag.to_string()), "{flag}");
        }
        for flag in ["-s", "--refresh", "--no-prompt"] {
            assert!(!names.value_flags.contains(&flag.to_string()), "{flag}");
        }
    }

    #[test]
    fn init_names_are_plain_words_in_every_prelude() {
        // They are quoted anyway, but a completion word with a space or quote would be a bug.
        let names = Names::from_cli();
        for (var, words) in names.lists() {
            assert!(crate::env::is_valid_name(&var), "{var}");
            for w in words {
                assert!(
                    w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                    "{var}: {w:?}"
                );
            }
        }
    }

    #[test]
    fn init_script_variables_and_functions_are_prefixed() {
        // Every function a script defines is `runas`, `runas_…` or `_runas_…`, so none can
        // clash with a function of the user's.
        for (shell, body) in [("bash", BASH), ("zsh", ZSH), ("fish", FISH), ("pwsh", PWSH)] {
            for line in body.lines() {
                let line = line.trim_start();
                let Some(rest) = line.strip_prefix("function ") else {
                    continue;
                };
                let name = rest
                    .trim_start_matches("global:")
                    .split(|c: char| c.is_whitespace() || c == '{' || c == '(')
                    .next()
                    .unwrap();
                assert!(
                    name == "runas"
                        || name.starts_with("runas_")
                        || name.starts_with("_runas_")
                        || (shell == "pwsh" && name == "prompt"),
                    "{shell}: function {name}"
                );
            }
        }
    }
}
