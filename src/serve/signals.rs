//! Signals for the commands that keep running (`serve`, `exec --server`): a handler that only
//! writes the signal to a pipe, and a thread that reads the pipe and acts, outside the
//! handler, where anything may be done (remove the token file, put the terminal back, pass the
//! signal on to a child). The handler is process-wide, so it works whichever thread the kernel
//! picks, including threads the HTTP client started.
//!
//! While these handlers are installed, the MFA prompt leaves signals alone and the thread puts
//! the terminal back itself (see `prompt::leave_signals_to_caller`).

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::FromRawFd;
use std::sync::atomic::{AtomicI32, Ordering};

static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo with SA_SIGINFO; write is async-signal-safe,
    // and the descriptor is non-blocking, so a full pipe drops the signal instead of hanging.
    unsafe {
        let code = if info.is_null() { 0 } else { (*info).si_code };
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&signal.to_ne_bytes());
        bytes[4..].copy_from_slice(&code.to_ne_bytes());
        let fd = PIPE_WRITE.load(Ordering::SeqCst);
        if fd >= 0 {
            libc::write(fd, bytes.as_ptr().cast(), bytes.len());
        }
    }
}

/// A signal that arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caught {
    pub signal: libc::c_int,
    /// Sent by a process (`kill`), not by the terminal or the kernel. A terminal sends Ctrl-C,
    /// Ctrl-\, a hangup and a resize to the whole foreground process group, so a child in it
    /// already has its own copy of those.
    pub from_process: bool,
}

/// The read end of the signal pipe.
pub struct Signals {
    read: File,
}

impl Signals {
    /// Catches `signals` from now on, except those this process was started with ignored (a
    /// background job's SIGINT), which stay ignored.
    pub fn catch(signals: &[libc::c_int]) -> io::Result<Signals> {
        let mut fds = [0; 2];
        // SAFETY: pipe fills two descriptors; fcntl on descriptors just made.
        unsafe {
            if libc::pipe(fds.as_mut_ptr()) != 0 {
                return Err(io::Error::last_os_error());
            }
            for fd in fds {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
            libc::fcntl(fds[1], libc::F_SETFL, libc::O_NONBLOCK);
        }
        PIPE_WRITE.store(fds[1], Ordering::SeqCst);
        crate::prompt::leave_signals_to_caller();
        for &signal in signals {
            // SAFETY: a zeroed sigaction with a handler, SA_SIGINFO and an empty mask is valid.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                libc::sigaction(signal, std::ptr::null(), &mut old);
                if old.sa_sigaction == libc::SIG_IGN {
                    continue;
                }
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                if libc::sigaction(signal, &action, std::ptr::null_mut()) != 0 {
                    return Err(io::Error::last_os_error());
                }
            }
        }
        // SAFETY: fds[0] is a descriptor this owns from here on.
        Ok(Signals {
            read: unsafe { File::from_raw_fd(fds[0]) },
        })
    }

    /// Waits for the next signal.
    pub fn wait(&mut self) -> io::Result<Caught> {
        let mut bytes = [0u8; 8];
        self.read.read_exact(&mut bytes)?;
        let signal = libc::c_int::from_ne_bytes(bytes[..4].try_into().unwrap_or_default());
        let code = libc::c_int::from_ne_bytes(bytes[4..].try_into().unwrap_or_default());
        Ok(Caught {
            signal,
            from_process: sent_by_a_process(code),
        })
    }
}

/// Whether a signal's `si_code` says a process sent it: `SI_USER`, `SI_QUEUE`, `SI_TKILL` are
/// zero or below on Linux, and the terminal's are `SI_KERNEL`. Elsewhere every signal counts as
/// sent by a process.
fn sent_by_a_process(code: libc::c_int) -> bool {
    if cfg!(target_os = "linux") {
        code <= 0
    } else {
        true
    }
}

/// Puts the terminal back if a prompt left it without echo, and ends this process by
/// `signal`, so the shell sees how it ended (130 for Ctrl-C).
pub fn die_of(signal: libc::c_int) -> ! {
    crate::prompt::restore_terminal();
    // SAFETY: plain calls on this process; the handler goes first so the signal kills.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
    }
    std::process::exit(128 + signal)
}

#[cfg(test)]
mod tests {
    use super::sent_by_a_process;

    #[test]
    #[cfg(target_os = "linux")]
    fn a_kill_is_from_a_process_and_the_terminal_is_not() {
        assert!(sent_by_a_process(0)); // SI_USER
        assert!(sent_by_a_process(-6)); // SI_TKILL
        assert!(!sent_by_a_process(0x80)); // SI_KERNEL: Ctrl-C, a hangup, a resize
    }
}
