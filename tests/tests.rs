//! The integration tests: one crate, so the binary that links runas and the AWS SDK is built
//! once (see `autotests` in Cargo.toml). Each module is one area, in its own file beside this
//! one; `common` holds what several of them use (the local STS, the sandbox, the shells).
//!
//! A file under tests/ that is not declared here is not built: Cargo does not pick up
//! tests/*.rs by itself any more.

mod common;

mod awscli;
mod cli;
mod console;
mod env;
mod exec;
mod faults;
mod flows;
mod generated;
mod hardening;
mod hooks;
mod hostile;
mod init;
mod mfa;
mod secrets;
mod serve;
mod shells;
mod sources;
mod sts;

/// Cargo builds only what this file declares (`autotests = false`): a test file left out of it,
/// or out of common/mod.rs, would never run, and nothing would say so.
#[test]
fn every_file_under_tests_is_a_module_of_this_crate() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for (dir, declared_in, declaration) in [
        (tests.clone(), "tests.rs", "mod "),
        (tests.join("common"), "mod.rs", "pub mod "),
    ] {
        let declarations = std::fs::read_to_string(dir.join(declared_in)).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(module) = name.strip_suffix(".rs") else {
                continue;
            };
            if name == declared_in {
                continue;
            }
            let line = format!("{declaration}{module};");
            assert!(
                declarations.lines().any(|l| l == line),
                "{} is not built: add `{line}` to {}",
                path.display(),
                dir.join(declared_in).display()
            );
        }
    }
}
