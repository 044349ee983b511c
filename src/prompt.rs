//! Asking for a secret (the MFA code) on the terminal, with echo off, and the terminal always
//! put back as it was: after the answer, after Ctrl-D or an error, and after Ctrl-C or any
//! other signal that ends runas while it waits. bash and dash do not restore the terminal
//! themselves when a program they started dies with echo off, so runas must.
//!
//! The prompt and the answer go through `/dev/tty`, not stdin/stdout: this works inside
//! `eval "$(runas env …)"` (stdout captured) and with stdin piped.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// What the terminal gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// A line, without its newline.
    Line(String),
    /// Ctrl-D (end of input) before Enter.
    Cancelled,
}

/// The longest answer kept: an MFA code is 6 digits; anything longer is read and dropped.
const MAX_ANSWER: usize = 256;

/// The signals that end runas while it waits and after which the terminal must be restored.
const SIGNALS: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// The terminal to restore from a signal handler: its descriptor (-1 when none) and its
/// settings. Written before the handlers are installed and cleared after they are removed.
static TTY_FD: AtomicI32 = AtomicI32::new(-1);
static mut SAVED: std::mem::MaybeUninit<libc::termios> = std::mem::MaybeUninit::uninit();

/// Set when the caller handles signals itself and calls `restore_terminal` before it ends
/// (`runas serve`, which must also remove its token file): then the prompt installs none.
static CALLER_HANDLES_SIGNALS: AtomicBool = AtomicBool::new(false);

/// From now on the prompt installs no signal handlers; the caller's own handling must call
/// `restore_terminal` before the process ends.
pub(crate) fn leave_signals_to_caller() {
    CALLER_HANDLES_SIGNALS.store(true, Ordering::SeqCst);
}

/// Puts the terminal back as it was before a prompt that is still waiting, if one is.
pub(crate) fn restore_terminal() {
    let fd = TTY_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: SAVED was written before TTY_FD was set (see EchoOff::new).
        unsafe {
            libc::tcsetattr(fd, libc::TCSANOW, (&raw const SAVED).cast::<libc::termios>());
        }
    }
}

extern "C" fn restore_and_die(signal: libc::c_int) {
    let fd = TTY_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: SAVED was written before TTY_FD was set and is not written again while it
        // is; tcsetattr, signal and raise are async-signal-safe.
        unsafe {
            libc::tcsetattr(fd, libc::TCSANOW, (&raw const SAVED).cast::<libc::termios>());
        }
    }
    // Die of the same signal, so the shell sees what happened (status 130 for Ctrl-C).
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// Puts the terminal back and the previous signal handlers in place when dropped.
struct EchoOff {
    fd: libc::c_int,
    saved: libc::termios,
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

impl EchoOff {
    fn new(tty: &File) -> io::Result<EchoOff> {
        let fd = tty.as_raw_fd();
        let mut saved = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills the struct on success.
        if unsafe { libc::tcgetattr(fd, saved.as_mut_ptr()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let saved = unsafe { saved.assume_init() };
        // SAFETY: no handler is installed yet, so nothing reads SAVED concurrently.
        unsafe {
            (&raw mut SAVED).write(std::mem::MaybeUninit::new(saved));
        }
        TTY_FD.store(fd, Ordering::SeqCst);
        let mut previous = Vec::with_capacity(SIGNALS.len());
        let ours = !CALLER_HANDLES_SIGNALS.load(Ordering::SeqCst);
        for signal in SIGNALS.into_iter().filter(|_| ours) {
            // SAFETY: a zeroed sigaction with a handler and an empty mask is valid.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = restore_and_die as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, &action, &mut old) == 0 {
                    // A signal the shell ignored for runas (SIGINT in a background job) stays
                    // ignored.
                    if old.sa_sigaction == libc::SIG_IGN {
                        libc::sigaction(signal, &old, std::ptr::null_mut());
                    } else {
                        previous.push((signal, old));
                    }
                }
            }
        }
        let guard = EchoOff { fd, saved, previous };
        let mut quiet = saved;
        // No echo of the code, but the newline of Enter still shows, so the next message
        // starts on a line of its own.
        quiet.c_lflag &= !(libc::ECHO | libc::ECHOE | libc::ECHOK);
        quiet.c_lflag |= libc::ECHONL;
        // SAFETY: fd is an open terminal.
        if unsafe { libc::tcsetattr(fd, libc::TCSAFLUSH, &quiet) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(guard)
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        // SAFETY: fd is still open (the File outlives the guard); saved came from tcgetattr.
        // TCSANOW: what is typed after the code (the next command) stays for the shell.
        unsafe {
            libc::tcsetattr(self.fd, libc::TCSANOW, &self.saved);
        }
        for (signal, old) in &self.previous {
            unsafe {
                libc::sigaction(*signal, old, std::ptr::null_mut());
            }
        }
        TTY_FD.store(-1, Ordering::SeqCst);
    }
}

/// Writes `prompt` to the terminal and reads one line with echo off. Fails when there is no
/// terminal.
pub fn secret(prompt: &str) -> io::Result<Answer> {
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")?;
    // Echo goes off before the prompt shows: a code typed as soon as the prompt appears is
    // neither echoed nor dropped (the flush that turns echo off only drops what came before).
    let _echo_off = EchoOff::new(&tty)?;
    tty.write_all(prompt.as_bytes())?;
    tty.flush()?;
    read_line(&mut tty)
}

/// One line from `input`: the bytes before `\n`, at most `MAX_ANSWER` of them kept.
fn read_line(input: &mut impl Read) -> io::Result<Answer> {
    let mut line = Vec::with_capacity(16);
    let mut byte = [0u8; 1];
    loop {
        match input.read(&mut byte) {
            Ok(0) if line.is_empty() => return Ok(Answer::Cancelled),
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => {
                if line.len() < MAX_ANSWER {
                    line.push(byte[0]);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Answer::Line(String::from_utf8_lossy(&line).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_read_up_to_its_newline() {
        let mut input: &[u8] = b"123456\nrest";
        assert_eq!(read_line(&mut input).unwrap(), Answer::Line("123456".into()));
    }

    #[test]
    fn end_of_input_before_anything_is_a_cancel() {
        let mut input: &[u8] = b"";
        assert_eq!(read_line(&mut input).unwrap(), Answer::Cancelled);
        let mut input: &[u8] = b"12";
        assert_eq!(read_line(&mut input).unwrap(), Answer::Line("12".into()));
    }

    #[test]
    fn a_very_long_answer_is_cut() {
        let long = vec![b'7'; 10_000];
        let mut input: &[u8] = &long;
        let Answer::Line(line) = read_line(&mut input).unwrap() else {
            panic!("a line")
        };
        assert_eq!(line.len(), MAX_ANSWER);
    }
}
