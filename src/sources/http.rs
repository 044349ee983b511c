//! A small HTTP/1.1 client over a plain TCP connection, for the two link-local credential
//! endpoints (EC2 instance metadata, the ECS container endpoint), which speak plain http on
//! addresses no proxy should see. Bounded everywhere: connect and read time, answer size.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// How long a connect, and each read, may take: these endpoints are on the machine or next to
/// it, and answer at once when they are there.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// The largest answer read: credentials are well under 4 KiB.
const MAX_ANSWER: u64 = 64 << 10;

/// An answer: status and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// `http://host[:port]` split into host (without brackets) and port; `None` for anything else.
pub fn host_port(base: &str) -> Option<(String, u16)> {
    let rest = base.strip_prefix("http://")?;
    let authority = rest.split('/').next()?;
    if authority.contains('@') {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().ok()?,
                None if after.is_empty() => 80,
                None => return None,
            };
            (host.to_string(), port)
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_string(), port.parse().ok()?),
            None => (authority.to_string(), 80),
        },
    };
    (!host.is_empty()).then_some((host, port))
}

/// Sends `method path` to `host:port` with `headers` and returns the answer.
pub fn request(
    host: &str,
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> std::io::Result<Answer> {
    let address = (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other("the host has no address"))?;
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let host_header = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host_header}\r\nConnection: close\r\nUser-Agent: runas\r\n"
    );
    for (name, value) in headers {
        // Header values come from runas and the user's own variables; a line break would
        // start another header.
        if value.contains(['\r', '\n']) || name.contains(['\r', '\n', ':']) {
            return Err(std::io::Error::other("a header holds a line break"));
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "PUT" {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    let mut raw = Vec::new();
    (&stream).take(MAX_ANSWER + 1).read_to_end(&mut raw)?;
    if raw.len() as u64 > MAX_ANSWER {
        return Err(std::io::Error::other("the answer is larger than 64 KiB"));
    }
    parse(&raw)
}

/// Status and body of a raw answer (Content-Length or read to the end; no chunked encoding).
fn parse(raw: &[u8]) -> std::io::Result<Answer> {
    let bad = |what: &str| std::io::Error::other(format!("the answer is not HTTP: {what}"));
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of head"))?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| bad("the head is not text"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let mut body = &raw[end + 4..];
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(bad("chunked answers are not read"));
        }
        if name.eq_ignore_ascii_case("content-length") {
            let length: usize = value.trim().parse().map_err(|_| bad("a bad Content-Length"))?;
            body = body.get(..length).ok_or_else(|| bad("the body is cut short"))?;
        }
    }
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(body).into_owned(),
    })
}

/// Percent-encoding for a query value (RFC 3986): everything but the unreserved characters.
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `%XX` escapes decoded (RFC 3986); a `%` not followed by two hex digits stays as it is.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_are_split_into_host_and_port() {
        assert_eq!(
            host_port("http://169.254.169.254"),
            Some(("169.254.169.254".into(), 80))
        );
        assert_eq!(
            host_port("http://127.0.0.1:8080/x"),
            Some(("127.0.0.1".into(), 8080))
        );
        assert_eq!(
            host_port("http://[fd00:ec2::254]"),
            Some(("fd00:ec2::254".into(), 80))
        );
        assert_eq!(host_port("http://[::1]:9/"), Some(("::1".into(), 9)));
        assert_eq!(host_port("https://x"), None);
        assert_eq!(host_port("http://u@evil:1"), None);
    }

    #[test]
    fn answers_are_read_by_their_length() {
        let a = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA").unwrap();
        assert_eq!(
            a,
            Answer {
                status: 200,
                body: "ok".into()
            }
        );
        assert!(parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok").is_err());
        assert!(parse(b"garbage").is_err());
    }
}
