//! Two link settings for the binary: on Linux, a version script that exports no symbols
//! (`build/exports.map` says why); and in release builds, the functions a warm `runas env` runs
//! laid out next to each other.
//!
//! A warm `runas env` runs about 400 of the binary's functions, spread over most of its 4 MB of
//! code, and each 64 KiB stretch of code it touches costs a page fault. `build/hot-symbols.txt`
//! lists those functions (written by `scripts/bench --hot-symbols` from runs of the warm path
//! under callgrind) and the linker puts them first, so they share a few pages: about 30 fewer
//! page faults a call (docs/benchmarks.md). A name the build no longer has (a dependency
//! updated, a function renamed) is skipped: a stale list costs speed, never correctness.
//!
//! Only for release builds of the binary for x86_64 Linux linked by the toolchain's own
//! rust-lld (its default there), which takes `--symbol-ordering-file`: with a linker configured
//! for the target or through RUSTFLAGS, or a toolchain without rust-lld (GNU ld does not know
//! the flag), nothing changes.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    exports();
    let list = "build/hot-symbols.txt";
    println!("cargo:rerun-if-changed={list}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let path = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join(list);
    let release = env::var("PROFILE").as_deref() == Ok("release");
    let target = env::var("TARGET").unwrap_or_default();
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let default_linker =
        env::var_os("RUSTC_LINKER").is_none() && !flags.contains("linker") && !flags.contains("fuse-ld");
    if release
        && target == "x86_64-unknown-linux-gnu"
        && default_linker
        && has_rust_lld(&target)
        && path.is_file()
    {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            path.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Whether the compiler's sysroot has the self-contained rust-lld it links `target` with.
fn has_rust_lld(target: &str) -> bool {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(out) = std::process::Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
    else {
        return false;
    };
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    sysroot
        .join("lib/rustlib")
        .join(target)
        .join("bin/gcc-ld/ld.lld")
        .is_file()
}

/// On Linux, links the binary with `build/exports.map`, a version script that exports nothing
/// (GNU ld and lld both take it): see the file.
fn exports() {
    let map = "build/exports.map";
    println!("cargo:rerun-if-changed={map}");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let path = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join(map);
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--version-script={}",
            path.display()
        );
    }
}
