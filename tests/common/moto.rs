//! A moto server on a free loopback port, one per test, killed when dropped.
//!
//! moto answers STS (and IAM) the way the SDK expects, but checks neither MFA codes nor
//! duration limits, nor signatures unless its auth mode is on. Its log has one `"POST / HTTP/1.1" 200` line per successful AWS call,
//! which is how tests count the STS requests runas made.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

/// How long moto may take to answer after it is started (it usually takes 0.4 s).
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// Ports tried when another process takes the chosen one between its probe and moto's bind.
const START_TRIES: usize = 5;

/// One moto for the tests that run at the same time: the first starts it, and it stops (on
/// drop) when the last test using it ends, so no server outlives the test binary. Every module
/// of the crate shares it: a test that counts STS calls, or changes moto's state (auth mode, a
/// reset), starts a `Moto` of its own.
pub fn shared() -> Arc<Moto> {
    static SHARED: Mutex<Weak<Moto>> = Mutex::new(Weak::new());
    let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(moto) = shared.upgrade() {
        return moto;
    }
    let moto = Arc::new(Moto::start());
    *shared = Arc::downgrade(&moto);
    moto
}

pub struct Moto {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Moto {
    /// Starts moto_server from the test venv and waits until it answers HTTP.
    pub fn start() -> Moto {
        let program = super::venv_bin("moto_server");
        let dir = tempfile::tempdir().expect("temp dir for the moto log");
        let mut problems = Vec::new();
        for attempt in 0..START_TRIES {
            let port = free_port();
            let log = dir.path().join(format!("moto-{attempt}.log"));
            let child = spawn(&program, port, &log);
            match wait_until_ready(child, port, &log) {
                Ok(child) => {
                    return Moto {
                        child,
                        port,
                        log,
                        _dir: dir,
                    };
                }
                Err(problem) => problems.push(format!("port {port}: {problem}")),
            }
        }
        panic!("moto_server did not start:\n{}", problems.join("\n"));
    }

    /// `http://127.0.0.1:PORT`, for `StsSettings::endpoint_url` or `AWS_ENDPOINT_URL_STS`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Successful AWS calls moto has answered since it started: every STS call is one
    /// `POST /` (moto routes by the SigV4 scope, not the path). moto writes the log line before
    /// the answer goes out, so a call that returned is already counted. Failed calls (4xx)
    /// are not counted.
    pub fn sts_requests(&self) -> usize {
        self.log()
            .lines()
            .filter(|l| l.contains("\"POST / HTTP/1.1\" 200"))
            .count()
    }

    /// moto's log so far (stdout and stderr), for counting and for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Clears moto's state (IAM users, roles, …). Auth mode stays as it was: see
    /// `disable_auth`.
    pub fn reset(&self) {
        let (status, body) = self.post("/moto-api/reset", "");
        assert_eq!(status, 200, "POST /moto-api/reset: {body}");
    }

    /// Turns on moto's auth mode after `free_calls` more requests: unknown keys then get 403
    /// InvalidClientTokenId and a wrong secret SignatureDoesNotMatch (wrapped in `<Errors>`, where the
    /// SDK does not look). `disable_auth` turns it off.
    pub fn enable_auth_after(&self, free_calls: u32) {
        self.reset_auth(&free_calls.to_string());
    }

    /// Turns moto's auth mode off (its default): any keys are accepted.
    pub fn disable_auth(&self) {
        // moto reads the body as a float; "inf" is its own default.
        self.reset_auth("inf");
    }

    fn reset_auth(&self, count: &str) {
        let (status, body) = self.post("/moto-api/reset-auth", count);
        assert_eq!(status, 200, "POST /moto-api/reset-auth {count}: {body}");
    }

    /// One unsigned request to moto's own API; returns the status and body.
    pub fn post(&self, path: &str, body: &str) -> (u16, String) {
        http(self.addr(), "POST", path, body).unwrap_or_else(|e| panic!("POST {path} to moto: {e}"))
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

fn spawn(program: &Path, port: u16, log: &Path) -> Child {
    let out = std::fs::File::create(log).expect("create the moto log");
    let err = out.try_clone().expect("clone the moto log handle");
    Command::new(program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        // Python flushes each log line at once, so the count is current.
        .env("PYTHONUNBUFFERED", "1")
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()))
}

/// Polls until moto answers a GET, or it exits (port taken), or START_TIMEOUT passes.
fn wait_until_ready(mut child: Child, port: u16, log: &Path) -> Result<Child, String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!("moto_server exited ({status}):\n{log}"));
        }
        // An answer counts only while our child is alive: it proves the port is ours.
        if let Ok((200, _)) = http(addr, "GET", "/moto-api/", "")
            && let Ok(None) = child.try_wait()
        {
            return Ok(child);
        }
        if started.elapsed() > START_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            let log = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!("no answer within {START_TIMEOUT:?}:\n{log}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A minimal HTTP/1.1 exchange (one request, `Connection: close`); enough for moto's own API.
fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not HTTP: {answer:.80}")))?;
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}
