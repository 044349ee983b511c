//! Tiny local HTTP servers on std alone: `Stub` answers canned responses (real STS error XML,
//! which moto cannot produce in a form the SDK reads), `Silent` accepts and never answers.

use super::server::Server;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// `lifetime` from now in the ISO 8601 form STS answers.
pub fn sts_time(lifetime: Duration) -> String {
    humantime::format_rfc3339_seconds(SystemTime::now() + lifetime).to_string()
}

/// One canned HTTP answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    /// An STS (awsQuery) error document, as AWS sends it.
    pub fn sts_error(status: u16, code: &str, message: &str) -> Answer {
        let body = format!(
            r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>{code}</Code>
    <Message>{message}</Message>
  </Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>"#
        );
        Answer { status, body }
    }

    /// STS's answer to credentials it no longer accepts.
    pub fn expired_token() -> Answer {
        Answer::sts_error(
            400,
            "ExpiredToken",
            "The security token included in the request is expired",
        )
    }

    /// A successful GetSessionToken answer with these keys, expiring at `expiration` (ISO 8601).
    pub fn session_token_ok(access_key_id: &str, token: &str, expiration: &str) -> Answer {
        let body = format!(
            r#"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult>
    <Credentials>
      <AccessKeyId>{access_key_id}</AccessKeyId>
      <SecretAccessKey>stubSessionSecretAccessKeyStubSession00</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>{expiration}</Expiration>
    </Credentials>
  </GetSessionTokenResult>
  <ResponseMetadata>
    <RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId>
  </ResponseMetadata>
</GetSessionTokenResponse>"#
        );
        Answer { status: 200, body }
    }

    /// A successful AssumeRole answer with these keys, expiring at `expiration` (ISO 8601).
    pub fn assume_role_ok(access_key_id: &str, arn: &str, expiration: &str) -> Answer {
        let body = format!(
            r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>{arn}</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:stub</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>{access_key_id}</AccessKeyId>
      <SecretAccessKey>stubSecretAccessKeyStubSecretAccessKey00</SecretAccessKey>
      <SessionToken>StubSessionToken</SessionToken>
      <Expiration>{expiration}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>"#
        );
        Answer { status: 200, body }
    }
}

/// Answers requests with the given answers in order, one per request, then repeats the last.
/// Each answer closes its connection, so a retry is a new connection and a new request.
pub struct Stub {
    server: Server,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Stub {
    pub fn start(answers: Vec<Answer>) -> Stub {
        assert!(!answers.is_empty(), "a stub needs at least one answer");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        let server = Server::start(move |stream, _| {
            let Some(request) = read_request(&stream) else {
                return;
            };
            let n = {
                let mut requests = recorded.lock().unwrap();
                requests.push(request);
                requests.len()
            };
            let answer = &answers[(n - 1).min(answers.len() - 1)];
            let _ = write_answer(stream, answer);
        });
        Stub { server, requests }
    }

    pub fn endpoint(&self) -> String {
        self.server.url()
    }

    /// How many requests were answered.
    pub fn hits(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// The raw requests received (head and body), for checking what was sent.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Reads one request: the head up to the blank line, then Content-Length bytes of body.
fn read_request(stream: &TcpStream) -> Option<String> {
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(head + &String::from_utf8_lossy(&body))
}

fn write_answer(mut stream: TcpStream, answer: &Answer) -> std::io::Result<()> {
    let reason = match answer.status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    write!(
        stream,
        "HTTP/1.1 {} {reason}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nx-amzn-RequestId: \
         c6104cbe-af31-11e0-8154-cbc7ccf896c7\r\nConnection: close\r\n\r\n{}",
        answer.status,
        answer.body.len(),
        answer.body
    )?;
    stream.flush()
}

/// Accepts connections and never answers: a hanging endpoint.
pub struct Silent {
    server: Server,
}

impl Silent {
    pub fn start() -> Silent {
        // Held open (never read, never answered) until the stub is dropped.
        let mut held = Vec::new();
        Silent {
            server: Server::start(move |stream, _| held.push(stream)),
        }
    }

    pub fn endpoint(&self) -> String {
        self.server.url()
    }
}

/// Answers every request with a 200 whose body claims `length` bytes and streams them until the
/// client hangs up: an endpoint that would fill a client's memory.
pub struct Flood {
    server: Server,
}

impl Flood {
    pub fn start(length: u64) -> Flood {
        let server = Server::start(move |mut stream, stop| {
            if read_request(&stream).is_none() {
                return;
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {length}\r\n\r\n"
            );
            let chunk = vec![b'x'; 64 << 10];
            let mut sent = 0u64;
            // Until the client closes the connection (or, bounded, all was sent).
            while sent < length && !stop.load(Ordering::SeqCst) {
                if stream.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len() as u64;
            }
        });
        Flood { server }
    }

    pub fn endpoint(&self) -> String {
        self.server.url()
    }
}
