//! Lays out the functions a warm `runas env` runs next to each other in the release binary.
//!
//! A warm `runas env` runs about 400 of the binary's functions, spread over most of its 4 MB of
//! code, and each 64 KiB stretch of code it touches costs a page fault. `build/hot-symbols.txt`
//! lists those functions (written by `scripts/bench --hot-symbols` from runs of the warm path
//! under callgrind) and the linker puts them first, so they share a few pages: about 30 fewer
//! page faults a call (docs/benchmarks.md). A name the build no longer has (a dependency
//! updated, a function renamed) is skipped: a stale list costs speed, never correctness.
//!
//! It also links the unwinder in (see `static_unwinder`), so that no shared library but libc is
//! loaded at start.
//!
//! Only for release builds of the binary for x86_64 Linux linked by the toolchain's own
//! rust-lld (its default there), which takes `--symbol-ordering-file`: with a linker configured
//! for the target or through RUSTFLAGS, or a toolchain without rust-lld (GNU ld does not know
//! the flag), nothing changes.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
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
    if !(release && target == "x86_64-unknown-linux-gnu" && default_linker && has_rust_lld(&target)) {
        return;
    }
    if path.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            path.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
    static_unwinder();
}

/// Links libgcc's unwinder into the binary (libgcc_eh.a, what GCC's `-static-libgcc` and
/// Rust's own `+crt-static` builds link) instead of loading libgcc_s.so.1 at each start for
/// it. Rust's standard library asks for `-lgcc_s`; a directory searched first that holds
/// `libgcc_s.a`, a link to the compiler's libgcc_eh.a, answers that. With `panic = "abort"`
/// the unwinder only ever walks the stack for a panic's backtrace (checked: a panicking
/// program linked this way prints its frames under RUST_BACKTRACE=1). Loading libgcc_s.so.1
/// cost 8 page faults and about 0.13 ms a start. The GCC Runtime Library Exception allows
/// linking libgcc into any program.
fn static_unwinder() {
    println!("cargo:rerun-if-env-changed=CC");
    let cc = env::var_os("CC").unwrap_or_else(|| "cc".into());
    let Ok(out) = std::process::Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
    else {
        return;
    };
    let archive = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let Some(out_dir) = env::var_os("OUT_DIR") else {
        return;
    };
    if !archive.is_absolute() || !archive.is_file() {
        return;
    }
    let dir = PathBuf::from(out_dir).join("static-libgcc");
    let link = dir.join("libgcc_s.a");
    let _ = std::fs::remove_file(&link);
    if std::fs::create_dir_all(&dir).is_ok() && std::os::unix::fs::symlink(&archive, &link).is_ok() {
        println!("cargo:rustc-link-search=native={}", dir.display());
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
