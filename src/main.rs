//! The `runas` binary: parse the command line, run, and turn the result into the exit status.
//! This is the one place that exits; stdout is written once, at the end, and only on success.
//!
//! On Linux with glibc, `main` is the C entry point (`#![no_main]`), not Rust's: the standard
//! library's start-up finds the main thread's stack bounds by reading and parsing
//! `/proc/self/maps` and sets up a stack-overflow handler, a tenth of a warm `runas env`'s
//! instructions, for a message on a stack overflow runas has no deep recursion to cause (the
//! kernel's guard gap still stops one). What else that start-up does and runas relies on is
//! done in `c_start`: the three standard streams kept open and SIGPIPE ignored. glibc hands the
//! standard library the arguments without it (through `.init_array`), and
//! `std::process::exit` still flushes stdout. Elsewhere (musl, macOS) the arguments come from
//! that start-up, so it runs as usual.
// Under `cargo test` the test harness brings its own `main`, and the binary's code, tested end
// to end in tests/, goes unused.
#![cfg_attr(all(not(test), target_os = "linux", target_env = "gnu"), no_main)]
#![cfg_attr(test, allow(dead_code, unused_imports))]

use clap::Parser;
use clap::error::ErrorKind;
use runas::Outcome;
use runas::cli::Cli;
use std::ffi::OsStr;
use std::io::Write;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod c_start {
    use std::ffi::{c_char, c_int};

    #[cfg(not(test))]
    #[unsafe(no_mangle)]
    extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
        keep_standard_streams_open();
        // SAFETY: setting a signal's disposition to "ignore" before any other thread exists.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        }
        c_int::from(super::run())
    }

    /// Opens `/dev/null` on each of descriptors 0, 1 and 2 that is closed, as the standard
    /// library's start-up does: otherwise the next file runas opens (a cache entry, its lock)
    /// takes that number, and what is meant for stdout or stderr is written into it. Aborts if
    /// `/dev/null` cannot be opened, as that start-up does.
    fn keep_standard_streams_open() {
        for fd in 0..3 {
            // SAFETY: F_GETFD on a descriptor number, and open of a constant path; the lowest
            // free descriptor is the one just found closed, since the lower ones are open.
            unsafe {
                if libc::fcntl(fd, libc::F_GETFD) == -1
                    && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
                    && libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) != fd
                {
                    libc::abort();
                }
            }
        }
    }

    /// C's `pow`, here so that the linker finds it in the binary and leaves libm.so.6 out: it
    /// is the only libm function the dependencies call (the AWS SDK's adaptive retry mode,
    /// which runas does not use), and loading a shared library for it cost every start 9 page
    /// faults and about 0.16 ms. The `libm` crate is a port of musl's libm, the one musl-based
    /// systems use.
    #[unsafe(no_mangle)]
    pub extern "C" fn pow(x: f64, y: f64) -> f64 {
        libm::pow(x, y)
    }
}

/// The unwinder's entry points that the standard library refers to, defined here so that the
/// linker leaves libgcc_s.so.1 out: loading it at each start cost a warm `runas env` 8 page
/// faults and about 0.1 ms, for code a build whose panics abort never runs. Nothing unwinds:
/// `_Unwind_RaiseException`, which starts an unwind, is not even linked, so the personality
/// routine's callbacks and `_Unwind_Resume` are unreachable (they abort, should that change).
/// The one entry point that runs is `_Unwind_Backtrace`, for the backtrace a panic prints under
/// `RUST_BACKTRACE`: it reports the end of the stack at once, so the backtrace has no frames,
/// where in this stripped binary it had none either (`RUST_BACKTRACE=1`) or only addresses
/// without names (`=full`). Linking libgcc's unwinder in statically instead would need glibc
/// 2.35 (`_dl_find_object`) where runas needs 2.34. Only release builds (`panic = "abort"`);
/// debug builds and tests unwind as usual. The binary exports no symbols (build.rs), so should
/// a library loaded later bring libgcc_s in, its own calls still reach its own functions.
#[cfg(all(not(test), panic = "abort", target_os = "linux", target_env = "gnu"))]
mod no_unwinder {
    use std::ffi::{c_int, c_void};

    /// `_URC_END_OF_STACK` in the Itanium C++ ABI's `_Unwind_Reason_Code`.
    const END_OF_STACK: c_int = 5;

    #[unsafe(no_mangle)]
    extern "C" fn _Unwind_Backtrace(_trace: *mut c_void, _arg: *mut c_void) -> c_int {
        END_OF_STACK
    }

    #[unsafe(no_mangle)]
    extern "C" fn _Unwind_Resume(_exception: *mut c_void) -> ! {
        std::process::abort()
    }

    #[unsafe(no_mangle)]
    extern "C" fn _Unwind_GetLanguageSpecificData(_context: *mut c_void) -> *mut c_void {
        std::process::abort()
    }

    #[unsafe(no_mangle)]
    extern "C" fn _Unwind_GetRegionStart(_context: *mut c_void) -> usize {
        std::process::abort()
    }

    #[unsafe(no_mangle)]
    extern "C" fn _Unwind_GetTextRelBase(_context: *mut c_void) -> usize {
        std::process::abort()
    }

    #[unsafe(no_mangle)]
    extern "C" fn _Unwind_GetDataRelBase(_context: *mut c_void) -> usize {
        std::process::abort()
    }

    #[unsafe(no_mangle)]
    extern "C" fn _Unwind_GetIP(_context: *mut c_void) -> usize {
        std::process::abort()
    }

    #[unsafe(no_mangle)]
    extern "C" fn _Unwind_GetIPInfo(_context: *mut c_void, _before_insn: *mut c_int) -> usize {
        std::process::abort()
    }

    #[unsafe(no_mangle)]
    extern "C" fn _Unwind_SetGR(_context: *mut c_void, _index: c_int, _value: usize) {
        std::process::abort()
    }

    #[unsafe(no_mangle)]
    extern "C" fn _Unwind_SetIP(_context: *mut c_void, _value: usize) {
        std::process::abort()
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(run())
}

/// What `main` does, as the exit status.
fn run() -> u8 {
    runas::harden();
    runas::shell::complete::complete_if_asked();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // The hook evaluates what `runas use` prints: its help goes to the terminal (stderr)
        // and stdout stays empty, so `runas use --help` (or `-sh`) shows help and runs nothing.
        Err(e) if !e.use_stderr() && called_by_hook() => {
            eprint!("{}", e.render().ansi());
            return 0;
        }
        // `runas prod`, `runas exec prod aws …`: say what to type instead.
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::InvalidSubcommand | ErrorKind::UnknownArgument
            ) =>
        {
            match runas::cli::habit_hint_for_this_run() {
                Some(line) => {
                    eprintln!("runas: {}", runas::one_line(&line));
                    return 2;
                }
                None => e.exit(),
            }
        }
        Err(e) => e.exit(),
    };
    match runas::run(cli, runas::process_env()) {
        Ok(Outcome::Exit(code)) => code,
        Ok(Outcome::Print(stdout)) => print(&stdout, 0),
        Ok(Outcome::Report(stdout, code)) => print(&stdout, code),
        Err(e) => {
            eprintln!("runas: {}", runas::one_line(&e.to_string()));
            e.exit_code()
        }
    }
}

/// Writes `stdout` and exits with `code`.
fn print(stdout: &str, code: u8) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(stdout.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => code,
        // A closed pipe (`runas list | head -1`) is not worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("runas: cannot write to stdout: {e}");
            1
        }
    }
}

/// Whether this is `runas use --hook SHELL …` or `runas off --hook SHELL`: what the hook's
/// `runas` function runs.
fn called_by_hook() -> bool {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    matches!(args.first().and_then(|a| a.to_str()), Some("use" | "off"))
        && args.iter().any(|a| a == OsStr::new("--hook"))
}
