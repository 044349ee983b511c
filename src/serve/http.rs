//! The server side of HTTP/1.1, as much as SDK credential clients use: one request per
//! connection (each answer says `Connection: close`), no request bodies, bounded everywhere
//! (head size, read and write time, connections at once), on a listener bound to 127.0.0.1.
//!
//! Every request passes two checks before an endpoint sees it: the peer is a loopback address,
//! and `Host` names exactly the address the listener is bound to. The second stops DNS
//! rebinding, where a web page the browser loaded from a name that now resolves to 127.0.0.1
//! would otherwise read the credentials.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The largest request head read: SDK requests are a few hundred bytes.
const MAX_HEAD: u64 = 16 << 10;

/// How long a client may take to send its request or read the answer; SDKs send at once and
/// give up themselves after 1–2 s.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections served at once; more are closed unanswered, so a flood cannot exhaust threads.
const MAX_CONNECTIONS: usize = 64;

/// A request: method, path (without the query), headers in their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first header named `name`, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many headers are named `name`.
    pub fn count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }
}

/// An answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub content_type: &'static str,
}

impl Response {
    pub fn json(status: u16, body: String) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
            content_type: "application/json",
        }
    }

    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
            content_type: "text/plain",
        }
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Response {
        self.headers.push((name, value));
        self
    }

    fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\
             Cache-Control: no-store\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        out.write_all(self.body.as_bytes())?;
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Reads one request head. `Err` carries the answer for a request that cannot be served.
pub fn read_request(input: impl Read) -> Result<Request, Response> {
    let mut reader = BufReader::new(input.take(MAX_HEAD));
    let mut lines = Vec::new();
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) if lines.is_empty() => return Err(Response::text(400, "empty request\n")),
            Ok(0) => return Err(Response::text(431, "request head too large or cut short\n")),
            Ok(_) if !line.ends_with(b"\n") => {
                return Err(Response::text(431, "request head too large or cut short\n"));
            }
            Ok(_) => {}
            Err(_) => return Err(Response::text(400, "cannot read the request\n")),
        }
        let text = String::from_utf8(line).map_err(|_| Response::text(400, "request head is not UTF-8\n"))?;
        let text = text.trim_end_matches(['\r', '\n']).to_string();
        if text.is_empty() {
            break;
        }
        lines.push(text);
    }
    let mut parts = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Response::text(400, "malformed request line\n"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !target.starts_with('/') {
        return Err(Response::text(400, "malformed request line\n"));
    }
    let mut headers = Vec::with_capacity(lines.len() - 1);
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err(Response::text(400, "malformed header\n"));
        };
        // A header name is an HTTP token: anything else is a request no SDK sends.
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) {
            return Err(Response::text(400, "malformed header\n"));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let request = Request {
        method: method.to_string(),
        path: target.split(['?', '#']).next().unwrap_or("/").to_string(),
        headers,
    };
    // No endpoint here takes a body; one that came anyway is not read, and a request that
    // announces one in a way proxies may read differently is refused.
    if request.header("transfer-encoding").is_some()
        || request.count("content-length") > 1
        || request.header("content-length").is_some_and(|n| n != "0")
    {
        return Err(Response::text(400, "no request body is accepted here\n"));
    }
    Ok(request)
}

/// Decodes `%XX` escapes; `None` for a bad escape or text that is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Compares two secrets in time that does not depend on where they first differ.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let mut diff = (a.len() != b.len()) as u8;
    for (i, &byte) in b.iter().enumerate() {
        diff |= byte ^ a.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

/// A random secret: 32 bytes from the system's generator, as 64 hex digits.
pub fn random_token() -> io::Result<String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A listener on 127.0.0.1: `port`, or a free one for 0.
pub fn bind(port: u16) -> io::Result<TcpListener> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
}

/// What the `Host` header must say for a listener at `address`.
pub fn host_of(address: SocketAddr) -> String {
    address.to_string()
}

/// Serves `listener` until the process ends: each connection on a thread of its own, `handle`
/// called for each request that passed the peer and `Host` checks.
pub fn serve(
    listener: TcpListener,
    handle: Arc<dyn Fn(&Request) -> Response + Send + Sync>,
) -> io::Result<()> {
    let host = host_of(listener.local_addr()?);
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        // Bound to 127.0.0.1, so only this machine can connect; checked again in case the
        // kernel routes something else here.
        if !stream.peer_addr().is_ok_and(|peer| peer.ip().is_loopback()) {
            continue;
        }
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let (handle, host, done) = (handle.clone(), host.clone(), active.clone());
        let spawned = std::thread::Builder::new().spawn(move || {
            let _ = answer(stream, &host, &*handle);
            done.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
    Ok(())
}

/// Reads one request from `stream`, checks it and writes the answer.
pub fn answer(mut stream: TcpStream, host: &str, handle: &dyn Fn(&Request) -> Response) -> io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    stream.set_nodelay(true)?;
    let response = match read_request(&stream) {
        Err(response) => response,
        Ok(request) => checked(&request, host, handle),
    };
    response.write_to(&mut stream)?;
    // Let the client read the whole answer before the connection goes.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    Ok(())
}

/// `handle(request)` when `Host` names this listener exactly, else 403.
fn checked(request: &Request, host: &str, handle: &dyn Fn(&Request) -> Response) -> Response {
    match request.header("host") {
        Some(given) if given == host && request.count("host") == 1 => handle(request),
        _ => Response::text(403, format!("Host must be {host}\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Request, Response> {
        read_request(text.as_bytes())
    }

    #[test]
    fn a_request_head_is_read_with_its_headers() {
        let r = parse("GET /a/b?x=1 HTTP/1.1\r\nHost: 127.0.0.1:80\r\nAuthorization:  t \r\n\r\n").unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/a/b");
        assert_eq!(r.header("host"), Some("127.0.0.1:80"));
        assert_eq!(r.header("AUTHORIZATION"), Some("t"));
        // Bare newlines, as some clients send them.
        assert!(parse("GET / HTTP/1.0\nHost: h\n\n").is_ok());
    }

    #[test]
    fn malformed_cut_or_huge_heads_are_refused() {
        for bad in [
            "",
            "GET\r\n\r\n",
            "GET / HTTP/1.1 x\r\n\r\n",
            "GET a HTTP/1.1\r\n\r\n",
            "GET / SPDY\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nbad name: v\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\n",
            "PUT / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
            "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "PUT / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
        assert_eq!(parse(&huge).unwrap_err().status, 431);
        assert!(parse("GET / HTTP/1.1\r\n\u{ff}: x\r\n\r\n").is_err());
        assert!(read_request(&b"GET / HTTP/1.1\r\nX: \xff\r\n\r\n"[..]).is_err());
        assert!(parse("PUT / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").is_ok());
    }

    #[test]
    fn only_the_exact_host_reaches_the_endpoint() {
        let ok = |_: &Request| Response::text(200, "yes");
        let with_host = |hosts: &[&str]| Request {
            method: "GET".into(),
            path: "/".into(),
            headers: hosts
                .iter()
                .map(|h| ("Host".to_string(), h.to_string()))
                .collect(),
        };
        assert_eq!(
            checked(&with_host(&["127.0.0.1:8080"]), "127.0.0.1:8080", &ok).status,
            200
        );
        for hosts in [
            &[][..],
            &["evil.example:8080"],
            &["localhost:8080"],
            &["127.0.0.1"],
            &["127.0.0.1:8080", "evil.example"],
        ] {
            assert_eq!(
                checked(&with_host(hosts), "127.0.0.1:8080", &ok).status,
                403,
                "{hosts:?}"
            );
        }
    }

    #[test]
    fn secrets_compare_only_equal_when_equal() {
        assert!(same_secret("abc", "abc"));
        for other in ["", "ab", "abd", "abcd", "ABC"] {
            assert!(!same_secret(other, "abc"), "{other}");
        }
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn percent_escapes_decode_and_bad_ones_fail() {
        assert_eq!(percent_decode("it%27s%20a%20b").as_deref(), Some("it's a b"));
        assert_eq!(percent_decode("%E2%86%92").as_deref(), Some("→"));
        for bad in ["%", "%4", "%zz", "%ff"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_answer_is_one_closed_http_message() {
        let mut out = Vec::new();
        Response::text(200, "hi")
            .with_header("X-A", "1".into())
            .write_to(&mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains("Content-Length: 2\r\n") && text.contains("Connection: close\r\n"));
        assert!(text.ends_with("X-A: 1\r\n\r\nhi"), "{text}");
    }
}
