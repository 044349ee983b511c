//! runas: assume AWS roles from the shell. The modules are public so that `tests/` can drive them.
//!
//! Data flows one way: files + env + flags → resolved profile (`config`) → credentials
//! (`credentials`, through `cache` and `sts`) → env list (`env`) → formatter (`shell`) or `exec`.

pub mod cache;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod doctor;
pub mod env;
pub mod error;
pub mod exec;
pub mod init;
pub mod run;
pub mod shell;
pub mod sts;

pub use error::{Error, Result};

/// The environment as a map, passed down explicitly so that resolution is hermetic in tests.
/// Variables whose name or value is not UTF-8 are left out: none that runas reads can be.
pub type EnvMap = std::collections::HashMap<String, String>;

/// The process environment as an `EnvMap`.
pub fn process_env() -> EnvMap {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

/// A warning for the user, on stderr (never stdout, which is for `eval`).
pub fn warn(message: impl std::fmt::Display) {
    eprintln!("runas: warning: {message}");
}
