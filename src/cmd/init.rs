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
//! - fish only: the current time, the reference point of its spawn-free clock (see
//!   shell/runas.fish).
//!
//! After the hook comes the tab completion (src/shell/complete.rs), calling this binary by its
//! path too. The scripts are real files, linted as files (`bash -n`, `zsh -n`, `fish --no-execute`,
//! shellcheck, a PowerShell parser) and run in real shells by tests/hooks.rs.

use crate::cli::CompletionShell;
use crate::shell::ShellKind;
use crate::shell::complete::{self, Caller};
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
            out.push_str(if shell == ShellKind::Bash { BASH } else { ZSH });
        }
        ShellKind::Fish => {
            let q = crate::shell::fish::quote;
            let _ = writeln!(out, "set -g _runas_bin {}", q(bin));
            let _ = writeln!(out, "set -g _runas_window {window}");
            let _ = writeln!(out, "set -g _runas_epoch_at_init {now}");
            out.push_str(FISH);
        }
        ShellKind::Pwsh => {
            let q = crate::shell::pwsh::quote;
            let _ = writeln!(out, "$global:_runas_bin = {}", q(bin));
            let _ = writeln!(out, "$global:_runas_window = {window}");
            out.push_str(PWSH);
        }
    }
    let completion = match shell {
        ShellKind::Bash => CompletionShell::Bash,
        ShellKind::Zsh => CompletionShell::Zsh,
        ShellKind::Fish => CompletionShell::Fish,
        ShellKind::Pwsh => CompletionShell::Powershell,
        ShellKind::Sh => unreachable!("sh has no hook"),
    };
    out.push('\n');
    out.push_str(&complete::registration(completion, Caller::Path(Path::new(bin))));
    Ok(out)
}

/// What `runas completions SHELL` prints: the completion function of the hook, calling `runas`
/// as `PATH` finds it.
pub fn completions(shell: CompletionShell) -> String {
    complete::registration(shell, Caller::OnPath)
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
        let at = text
            .find(body)
            .unwrap_or_else(|| panic!("{shell:?}: the script file follows the prelude unchanged"));
        let completion = complete::registration(
            match shell {
                ShellKind::Bash => CompletionShell::Bash,
                ShellKind::Zsh => CompletionShell::Zsh,
                ShellKind::Fish => CompletionShell::Fish,
                _ => CompletionShell::Powershell,
            },
            Caller::Path(Path::new(HOSTILE_PATH)),
        );
        assert_eq!(
            text[at + body.len()..],
            format!("\n{completion}"),
            "{shell:?}: the completion for this binary follows the script"
        );
        text[..at].to_string()
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
    fn init_script_variables_and_functions_are_prefixed() {
        // Every function a script defines is `runas`, `runas_…` or `_runas_…`, so none can
        // clash with a function of the user's.
        let scripts = [
            ("bash", BASH),
            ("zsh", ZSH),
            ("fish", FISH),
            ("pwsh", PWSH),
            ("bash", &completions(CompletionShell::Bash)),
            ("zsh", &completions(CompletionShell::Zsh)),
            ("fish", &completions(CompletionShell::Fish)),
            ("pwsh", &completions(CompletionShell::Powershell)),
        ];
        for (shell, body) in scripts {
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
