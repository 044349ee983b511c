//! The integration tests: one crate, so the binary that links runas and the AWS SDK is built
//! once (see `autotests` in Cargo.toml). Each module is one area, in its own file beside this
//! one; `common` holds what several of them use (the local STS, the sandbox, the shells).
//!
//! A file under tests/ that is not declared here is not built: Cargo does not pick up
//! tests/*.rs by itself any more.

mod common;

mod awscli;
mod cli;
mod env;
mod exec;
mod faults;
mod flows;
mod generated;
mod hooks;
mod hostile;
mod init;
mod mfa;
mod secrets;
mod shells;
mod sts;
