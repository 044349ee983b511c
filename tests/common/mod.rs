//! What several test modules use: a local STS (moto server), a recording proxy in front of it,
//! a canned-answer HTTP stub for the error codes moto cannot produce in a form the SDK reads,
//! stand-ins for the metadata, SSO and console federation endpoints, a user's sandbox and world,
//! the real shells, a terminal (tmux), a PowerShell parser, and the secret checks.
//!
//! All the tests are one crate, so a helper nobody uses is a dead-code warning: delete it.

pub mod federation;
pub mod metadata;
pub mod moto;
pub mod proxy;
pub mod pty;
pub mod pwsh;
pub mod sandbox;
pub mod secrets;
pub mod server;
pub mod shells;
pub mod stub;
pub mod world;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// What runas says once it has waited a second for another runas's lock.
pub const LOCK_NOTICE: &str = "waiting for another runas to get these credentials";

/// The Python venv with `moto[server]` and `awscli`, installed by `scripts/test`:
/// `$RUNAS_TEST_VENV`, or `target/venv` in this crate.
pub fn venv() -> PathBuf {
    match std::env::var_os("RUNAS_TEST_VENV") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("venv"),
    }
}

/// A program from the venv (`moto_server`, `aws`), with a clear panic when it is missing.
pub fn venv_bin(name: &str) -> PathBuf {
    let path = venv().join("bin").join(name);
    assert!(
        path.is_file(),
        "{} is missing: run scripts/test once (it installs moto[server] and awscli into target/venv), \
         or point RUNAS_TEST_VENV at a venv that has them",
        path.display()
    );
    path
}

/// A loopback address nothing listens on: bound, then closed, so connecting is refused.
pub fn dead_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// The permission bits of `path` (`0o600`).
pub fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}
