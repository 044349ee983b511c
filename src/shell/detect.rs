//! Which shell will read what `runas env` and `runas unset` print, when `--shell` does not say.
//!
//! The output is evaluated by the process that captures it, so the answer comes from the
//! process tree, never from a variable: an exported variable (`$SHELL`, or one a hook set)
//! reaches every child, and a bash script started from fish would be given fish syntax, which
//! fails there or, for a value holding `'`, runs part of it as code.
//!
//! 1. The parent process, when it is a shell runas knows; programs that only start another
//!    (`timeout`, `env`, `nice`, `sudo`, …) are looked through, since their output is their
//!    parent's to read.
//! 2. Otherwise (a program such as `python` or `make` started runas), POSIX sh output when the
//!    nearest shell above it is a POSIX one (sh, dash, bash, zsh, ksh): what such a shell's
//!    `eval` runs, and the same text in each of them. When it is fish or PowerShell, or there
//!    is no shell at all, an error that asks for `--shell`.

use super::ShellKind;
use crate::{Error, Result};

/// The shell to write for: `flag`, else what the process tree says (see the module docs).
pub fn pick(flag: Option<ShellKind>) -> Result<ShellKind> {
    if let Some(shell) = flag {
        return Ok(shell);
    }
    from_ancestors(&ancestors())
}

/// Programs that run another program and hand its output to their own parent.
const PASS_THROUGH: &[&str] = &[
    "timeout",
    "env",
    "nice",
    "nohup",
    "sudo",
    "doas",
    "stdbuf",
    "setsid",
    "time",
    "ionice",
    "chrt",
    "taskset",
    "flock",
    "unbuffer",
    "caffeinate",
    "command",
];

/// Steps up the process tree at most this far: enough for any real nesting, and bounded.
const MAX_DEPTH: usize = 16;

/// The decision on the names of the ancestors, nearest first. Pure, for tests.
pub fn from_ancestors(names: &[String]) -> Result<ShellKind> {
    let mut walked = names.iter();
    let mut first_other = None;
    for name in walked.by_ref() {
        if let Some(shell) = shell_named(name) {
            return Ok(shell);
        }
        if !PASS_THROUGH.contains(&base_name(name)) {
            first_other = Some(base_name(name).to_string());
            break;
        }
    }
    let nearest = walked.find_map(|name| shell_named(name));
    let starter = match &first_other {
        Some(name) => format!("runas was started by {name:?}"),
        None => "runas was not started by a shell".into(),
    };
    match nearest {
        Some(ShellKind::Sh | ShellKind::Bash | ShellKind::Zsh) => Ok(ShellKind::Sh),
        Some(shell) => Err(Error::Usage(format!(
            "cannot tell which shell reads this: {starter} inside {}; pass --shell bash, zsh, \
             fish, sh or pwsh",
            shell.name()
        ))),
        None => Err(Error::Usage(format!(
            "cannot tell which shell reads this: {starter}, with no shell above it; pass \
             --shell bash, zsh, fish, sh or pwsh"
        ))),
    }
}

/// `bash` from `/usr/bin/bash`, `-bash` (a login shell), `pwsh.exe`.
fn base_name(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name).trim_start_matches('-');
    base.strip_suffix(".exe").unwrap_or(base)
}

/// A shell kind from a program name or path.
pub fn shell_named(name: &str) -> Option<ShellKind> {
    Some(match base_name(name) {
        "bash" => ShellKind::Bash,
        "zsh" => ShellKind::Zsh,
        "fish" => ShellKind::Fish,
        "pwsh" | "powershell" => ShellKind::Pwsh,
        "sh" | "dash" | "ash" | "ksh" | "ksh93" | "mksh" | "yash" | "posh" | "busybox" => ShellKind::Sh,
        _ => return None,
    })
}

/// The names of this process's ancestors, nearest first.
#[cfg(target_os = "linux")]
fn ancestors() -> Vec<String> {
    let mut names = Vec::new();
    let mut pid = std::os::unix::process::parent_id();
    while pid > 1 && names.len() < MAX_DEPTH {
        // /proc/PID/stat: `pid (comm) state ppid …`; comm may hold spaces and parentheses, so
        // it is what lies between the first `(` and the last `)`.
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            break;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            break;
        };
        names.push(stat[open + 1..close].to_string());
        match stat[close + 1..]
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
        {
            Some(parent) => pid = parent,
            None => break,
        }
    }
    names
}

/// The names of this process's ancestors, nearest first, from `ps`.
#[cfg(all(unix, not(target_os = "linux")))]
fn ancestors() -> Vec<String> {
    let mut names = Vec::new();
    let mut pid = std::os::unix::process::parent_id();
    while pid > 1 && names.len() < MAX_DEPTH {
        let Ok(out) = std::process::Command::new("ps")
            .args(["-o", "ppid=,comm=", "-p", &pid.to_string()])
            .output()
        else {
            break;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let Some((parent, comm)) = text.trim().split_once(char::is_whitespace) else {
            break;
        };
        names.push(comm.trim().to_string());
        match parent.trim().parse() {
            Ok(parent) => pid = parent,
            Err(_) => break,
        }
    }
    names
}

#[cfg(not(unix))]
fn ancestors() -> Vec<String> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick_from(names: &[&str]) -> Result<ShellKind> {
        from_ancestors(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn shells_are_recognised_by_name_or_path() {
        assert_eq!(shell_named("/usr/bin/zsh"), Some(ShellKind::Zsh));
        assert_eq!(shell_named("-bash"), Some(ShellKind::Bash));
        assert_eq!(shell_named("dash"), Some(ShellKind::Sh));
        assert_eq!(shell_named("pwsh.exe"), Some(ShellKind::Pwsh));
        assert_eq!(shell_named("cargo"), None);
    }

    #[test]
    fn the_parent_shell_is_the_answer() {
        assert_eq!(pick_from(&["fish", "bash"]).unwrap(), ShellKind::Fish);
        assert_eq!(pick_from(&["bash", "fish"]).unwrap(), ShellKind::Bash);
        assert_eq!(pick_from(&["dash"]).unwrap(), ShellKind::Sh);
    }

    #[test]
    fn programs_that_only_start_another_are_looked_through() {
        assert_eq!(pick_from(&["timeout", "bash", "fish"]).unwrap(), ShellKind::Bash);
        assert_eq!(pick_from(&["sudo", "env", "fish"]).unwrap(), ShellKind::Fish);
    }

    #[test]
    fn another_program_gets_posix_output_only_inside_a_posix_shell() {
        assert_eq!(pick_from(&["python3", "make", "zsh"]).unwrap(), ShellKind::Sh);
        assert_eq!(pick_from(&["cargo", "bash", "fish"]).unwrap(), ShellKind::Sh);
        let e = pick_from(&["python3", "fish"]).unwrap_err().to_string();
        assert!(
            e.contains("\"python3\" inside fish") && e.contains("pass --shell"),
            "{e}"
        );
        let e = pick_from(&["systemd"]).unwrap_err().to_string();
        assert!(e.contains("no shell above it; pass --shell"), "{e}");
        assert!(pick_from(&[]).is_err());
    }
}
