//! runas: assume AWS roles from the shell. Modules are public only where the integration tests
//! in `tests/` drive them; the rest are private to the crate, so code nothing uses shows up.
//!
//! Data flows one way: files + env + flags → resolved profile (`config`) → credentials
//! (`provider`, through `cache` and `sts`; the shared data in `creds`) → env list (`env`) →
//! formatter (`shell`) or `exec`. `cmd` holds one file per subcommand.

pub mod cache;
pub mod cli;
pub(crate) mod cmd;
pub mod config;
pub(crate) mod credfile;
pub mod creds;
pub mod env;
mod error;
pub(crate) mod exec;
pub(crate) mod prompt;
pub mod provider;
pub mod serve;
pub mod shell;
pub mod sources;
pub mod sts;
pub mod verbose;

pub use cmd::init::completions;
pub use cmd::{Outcome, run};
pub use error::{Error, Origin, Result};

/// The environment as a map, passed down explicitly so that resolution is hermetic in tests.
/// Variables whose name or value is not UTF-8 are left out: none that runas reads can be.
pub type EnvMap = std::collections::HashMap<String, String>;

/// The process environment as an `EnvMap`.
pub fn process_env() -> EnvMap {
    let vars = std::env::vars_os();
    // Sized for every variable up front: grown as it fills (what `collect` does behind a
    // `filter_map`, which gives no size), the map hashes each variable again at each doubling.
    let mut env = EnvMap::with_capacity(vars.size_hint().0);
    env.extend(vars.filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))));
    env
}

/// The core-file limit the user gave this process, put back for the command `exec` runs.
static USER_CORE_LIMIT: std::sync::OnceLock<libc::rlimit> = std::sync::OnceLock::new();

/// Keeps secrets out of crash dumps and other processes: no core file (Ctrl-\ during an STS
/// call, an abort, running out of memory would otherwise write the long-term secret key to
/// disk), and not dumpable, which also keeps other processes of the same user (a debugger,
/// `/proc/PID/mem`) out of this one's memory. Called first thing by `main`. Best effort: a
/// kernel that refuses leaves runas as it was.
pub fn harden() {
    // SAFETY: plain syscalls on this process with valid pointers.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_CORE, &mut limit) == 0 {
            let _ = USER_CORE_LIMIT.set(limit);
            // The hard limit stays, so the user's soft limit can be put back for `exec`.
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: limit.rlim_max,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &none);
        }
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Puts back the core-file limit `harden` found, for a command about to replace this process.
pub(crate) fn restore_core_limit() {
    if let Some(limit) = USER_CORE_LIMIT.get() {
        // SAFETY: a valid rlimit, on this process.
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, limit);
        }
    }
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Keeps warnings off stderr while set: the prompt hook's refresh prints one line when it
/// fails and nothing when it works, so a duration clamp is not repeated at every refresh.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// A warning for the user, on stderr (never stdout, which is for `eval`).
pub fn warn(message: impl std::fmt::Display) {
    if !QUIET.load(std::sync::atomic::Ordering::Relaxed) {
        eprintln!("runas: warning: {}", one_line(&message.to_string()));
    }
}

/// `text` with control characters escaped as Rust writes them (`\n`, `\u{1b}`), so that a
/// message about a hostile name stays one line and cannot drive the terminal.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn hardening_turns_core_files_and_dumping_off_and_keeps_the_users_limit() {
        super::harden();
        // SAFETY: plain syscalls on this (test) process.
        unsafe {
            let mut now = libc::rlimit {
                rlim_cur: 1,
                rlim_max: 1,
            };
            assert_eq!(libc::getrlimit(libc::RLIMIT_CORE, &mut now), 0);
            assert_eq!(now.rlim_cur, 0);
            #[cfg(target_os = "linux")]
            assert_eq!(libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
        }
        assert!(super::USER_CORE_LIMIT.get().is_some());
    }

    #[test]
    fn one_line_escapes_control_characters_and_keeps_the_rest() {
        assert_eq!(one_line("plain ünïcode \"q\""), "plain ünïcode \"q\"");
        assert_eq!(one_line("de\nfault\r\t\u{1b}[31m"), "de\\nfault\\r\\t\\u{1b}[31m");
        assert!(!one_line("a\u{85}b\u{0}").chars().any(char::is_control));
    }
}
