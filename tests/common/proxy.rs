//! moto behind a recording proxy: moto logs every request as `POST /`, whatever the action, so
//! the proxy keeps the form parameters (`Action`, `RoleArn`, `TokenCode`, …) and the session
//! token each request was signed with, and every check also compares the proxy's count with
//! moto's own log.

use super::moto::Moto;
use super::server::Server;
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long the proxy waits for a request or an answer to arrive.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// One STS request as it reached the server.
#[derive(Debug, Clone)]
pub struct Request {
    /// The form parameters of the awsQuery body: `Action`, `RoleArn`, `DurationSeconds`, …
    pub params: BTreeMap<String, String>,
    /// The `X-Amz-Security-Token` it was signed with: which session credentials made the call.
    pub security_token: Option<String>,
    /// Which attempt of its call this is, from the SDK's `amz-sdk-request: attempt=N; max=M`
    /// (1 when the header is missing): the SDK's own retries are the attempts after the first.
    pub attempt: u32,
}

impl Request {
    /// Parses a raw HTTP request (head and form body).
    pub fn parse(raw: &str) -> Request {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
        let header = |wanted: &str| {
            head.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case(wanted)
                    .then(|| value.trim().to_string())
            })
        };
        let security_token = header("x-amz-security-token");
        let attempt = header("amz-sdk-request")
            .and_then(|v| {
                v.split(';')
                    .find_map(|part| part.trim().strip_prefix("attempt=")?.parse().ok())
            })
            .unwrap_or(1);
        let params = body
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (form_decode(k), form_decode(v))
            })
            .collect();
        Request {
            params,
            security_token,
            attempt,
        }
    }

    pub fn action(&self) -> &str {
        self.param("Action").unwrap_or("")
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok()) =>
            {
                out.push(byte);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).expect("form values are UTF-8")
}

/// moto behind a recording proxy. Every request runas sends goes through the proxy, which keeps
/// it and forwards it unchanged; moto's own log must count the same number of answered calls.
pub struct LocalSts {
    /// Declared first so the proxy stops before moto does.
    proxy: Server,
    moto: Moto,
    requests: Arc<Mutex<Vec<Request>>>,
    /// How many requests `calls` has already handed out.
    seen: AtomicUsize,
}

impl LocalSts {
    pub fn start() -> LocalSts {
        let moto = Moto::start();
        let upstream = SocketAddr::from(([127, 0, 0, 1], moto.port()));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let proxy = {
            let requests = requests.clone();
            Server::start(move |client, _| {
                let requests = requests.clone();
                // One thread per connection: the parallel tests send 20 at once.
                std::thread::spawn(move || {
                    let _ = relay(client, upstream, &requests);
                });
            })
        };
        LocalSts {
            proxy,
            moto,
            requests,
            seen: AtomicUsize::new(0),
        }
    }

    /// The proxy's address: what runas is pointed at.
    pub fn endpoint(&self) -> String {
        self.proxy.url()
    }

    /// The requests made since the last call of `calls`, after checking that moto answered
    /// (and logged) as many as the proxy forwarded.
    pub fn calls(&self) -> Vec<Request> {
        let all = self.requests.lock().unwrap().clone();
        assert_eq!(
            self.moto.sts_requests(),
            all.len(),
            "moto's log and the proxy disagree on the number of STS calls; moto's log:\n{}",
            self.moto.log()
        );
        let from = self.seen.swap(all.len(), Ordering::SeqCst);
        all[from..].to_vec()
    }

    /// The actions of the requests made since the last check.
    pub fn actions(&self) -> Vec<String> {
        self.calls().iter().map(|r| r.action().to_string()).collect()
    }
}

/// Reads one request from `client`, records it, sends it to moto and copies the answer back.
/// moto answers `Connection: close`, so the answer ends where moto's stream ends and the SDK
/// opens a new connection for its next request.
fn relay(client: TcpStream, upstream: SocketAddr, requests: &Mutex<Vec<Request>>) -> io::Result<()> {
    client.set_read_timeout(Some(READ_TIMEOUT))?;
    let raw = read_request(&client)?;
    requests
        .lock()
        .unwrap()
        .push(Request::parse(&String::from_utf8_lossy(&raw)));
    let mut server = TcpStream::connect(upstream)?;
    server.set_read_timeout(Some(READ_TIMEOUT))?;
    server.write_all(&raw)?;
    io::copy(&mut server, &mut &client)?;
    Ok(())
}

/// The head up to the blank line, then Content-Length bytes of body, as raw bytes.
fn read_request(stream: &TcpStream) -> io::Result<Vec<u8>> {
    let mut reader = BufReader::new(stream);
    let mut raw = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().map_err(io::Error::other)?;
        }
        raw.extend_from_slice(line.as_bytes());
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    raw.extend_from_slice(&body);
    Ok(raw)
}
