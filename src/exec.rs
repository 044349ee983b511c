//! Apply the env list to a command and run it: on Unix by replacing this process (execve), so
//! signals and the exit status are the command's own.

use crate::env::Op;
use crate::{Error, Result};
use std::ffi::OsString;
use std::process::Command;

/// Run `argv` with `ops` applied to this process's environment. Returns only on failure
/// (Unix) or with the child's exit code (elsewhere).
pub fn exec(argv: &[OsString], ops: &[Op]) -> Result<u8> {
    let (command, program) = command(argv, ops)?;
    run(command, program)
}

/// Starts `argv` with `ops` applied, as a child of this process (which stays, to serve it).
#[cfg(unix)]
pub fn spawn(argv: &[OsString], ops: &[Op]) -> Result<std::process::Child> {
    use std::os::unix::process::CommandExt;
    let (mut command, program) = command(argv, ops)?;
    // SAFETY: setrlimit is async-signal-safe and the limit was stored before any thread began.
    unsafe {
        command.pre_exec(|| {
            crate::restore_core_limit();
            Ok(())
        });
    }
    command.spawn().map_err(|e| launch_error(program, &e))
}

/// `argv` as a command with `ops` applied to its environment.
fn command<'a>(argv: &'a [OsString], ops: &[Op]) -> Result<(Command, &'a OsString)> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| Error::Usage("no command given after --".into()))?;
    let mut command = Command::new(program);
    command.args(args);
    for op in ops {
        match op {
            Op::Set(name, value) => {
                command.env(name, value);
            }
            Op::Unset(name) => {
                command.env_remove(name);
            }
            // The shell's own state: a command has no shell variables to keep.
            Op::Save(_) | Op::Forget | Op::RestoreSaved { .. } | Op::WarnUniversal(_) => {}
        }
    }
    Ok((command, program))
}

#[cfg(unix)]
fn run(mut command: Command, program: &OsString) -> Result<u8> {
    use std::os::unix::process::CommandExt;
    // The command gets the core-file limit the user had, not the none runas keeps for itself.
    crate::restore_core_limit();
    // exec only returns when it failed; runas goes on, without core files again.
    let e = command.exec();
    crate::harden();
    Err(launch_error(program, &e))
}

#[cfg(not(unix))]
fn run(mut command: Command, program: &OsString) -> Result<u8> {
    let status = command.status().map_err(|e| launch_error(program, &e))?;
    Ok(status.code().map(|c| c as u8).unwrap_or(1))
}

/// 127 for a command not found and 126 for one that cannot be run, as shells report them.
fn launch_error(program: &OsString, e: &std::io::Error) -> Error {
    let program = program.to_string_lossy().into_owned();
    match e.kind() {
        std::io::ErrorKind::NotFound => Error::Exec {
            program,
            problem: "command not found; check its name and PATH".into(),
            code: 127,
        },
        std::io::ErrorKind::PermissionDenied => Error::Exec {
            program,
            problem: "permission denied; is it executable (chmod +x)?".into(),
            code: 126,
        },
        _ => Error::Exec {
            program,
            problem: e.to_string(),
            code: 126,
        },
    }
}
