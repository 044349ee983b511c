//! Interactive shells under a real terminal: one private tmux server per `Term` (its own socket
//! folder, no config file), driven with `send-keys` and read with `capture-pane`, killed when
//! dropped. Every wait polls with a deadline: no fixed sleeps.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a shell may take to show what a test waits for.
pub const DEADLINE: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(25);

pub struct Term {
    dir: tempfile::TempDir,
    socket: String,
    queries: AtomicUsize,
}

impl Term {
    /// Starts `program args` in a 200×50 terminal with exactly the environment `env`.
    pub fn start(program: &str, args: &[&str], env: &[(String, String)], cwd: &Path) -> Term {
        static SERVERS: AtomicUsize = AtomicUsize::new(0);
        let dir = tempfile::tempdir().expect("temp dir for the tmux socket");
        let socket = format!(
            "runas-test-{}-{}",
            std::process::id(),
            SERVERS.fetch_add(1, Ordering::SeqCst)
        );
        let term = Term {
            dir,
            socket,
            queries: AtomicUsize::new(0),
        };
        let mut cmd = term.tmux();
        cmd.args([
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "200",
            "-y",
            "50",
            "--",
            program,
        ])
        .args(args)
        // The server, and so the shell, gets this environment and nothing else.
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("TMUX_TMPDIR", term.dir.path())
        .current_dir(cwd);
        let out = cmd.output().expect("tmux runs (scripts/test installs it)");
        assert!(out.status.success(), "tmux new-session: {}", text(&out.stderr));
        term
    }

    fn tmux(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket, "-f", "/dev/null"])
            .env("TMUX_TMPDIR", self.dir.path())
            .env_remove("TMUX")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = self.tmux().args(args).output().expect("tmux runs");
        assert!(out.status.success(), "tmux {args:?}: {}", text(&out.stderr));
        out
    }

    /// Types `line` and presses Enter.
    pub fn line(&self, line: &str) {
        self.run(&["send-keys", "-t", "t", "-l", line]);
        self.run(&["send-keys", "-t", "t", "Enter"]);
    }

    /// Presses keys by tmux name (`Enter`, `Tab`, `C-c`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types text without pressing Enter.
    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "t", "-l", text]);
    }

    /// The whole pane, history included, wrapped lines joined.
    pub fn screen(&self) -> String {
        text(
            &self
                .run(&["capture-pane", "-p", "-J", "-t", "t", "-S", "-"])
                .stdout,
        )
    }

    /// Polls the screen until `done` holds; panics with the screen after DEADLINE.
    pub fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "waited {DEADLINE:?} for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(POLL);
        }
    }

    /// Waits until `needle` is on the screen `count` times or more.
    pub fn wait_count(&self, needle: &str, count: usize) -> String {
        self.wait_for(&format!("{count}× {needle:?}"), |s| {
            s.matches(needle).count() >= count
        })
    }

    /// Runs `code` (one line of shell code that prints something) and returns what it printed,
    /// between markers that the typed line itself does not contain (`'@@'7'<'` on the command
    /// line prints `@@7<`). `;` separates commands in bash, zsh and fish alike.
    pub fn query(&self, code: &str) -> String {
        let n = self.queries.fetch_add(1, Ordering::SeqCst);
        let (open, close) = (format!("@@{n}<"), format!(">{n}@@"));
        // The first `echo` ends whatever line the screen was on (a prompt that Ctrl-C cut
        // short leaves one open), so the opening marker stands on a line of its own.
        self.line(&format!("echo; echo '@@'{n}'<'; {code}; echo '>'{n}'@@'"));
        let screen = self.wait_for(&format!("the answer to {code:?}"), |s| {
            s.lines().any(|l| l == close)
        });
        let lines: Vec<&str> = screen.lines().collect();
        let start = lines
            .iter()
            .rposition(|l| *l == open)
            .expect("the opening marker");
        let end = lines
            .iter()
            .rposition(|l| *l == close)
            .expect("the closing marker");
        lines[start + 1..end].join("\n")
    }

    /// The terminal device of the pane (`/dev/pts/N`), for `stty -F`.
    pub fn tty(&self) -> String {
        let out = self.run(&["display-message", "-p", "-t", "t", "#{pane_tty}"]);
        text(&out.stdout).trim().to_string()
    }

    /// The process id of the shell in the pane.
    pub fn shell_pid(&self) -> u32 {
        let out = self.run(&["display-message", "-p", "-t", "t", "#{pane_pid}"]);
        text(&out.stdout).trim().parse().expect("a pane pid")
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").stderr(Stdio::null()).status();
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
