//! `runas serve ecs|imds` and `runas exec --server` end to end: the real binary serving a role
//! from the local STS (moto), real clients taking credentials from it (the AWS CLI's botocore,
//! and the Rust SDK's own ECS and IMDS providers) and calling STS with them, a refresh seen by
//! a client that keeps running, the endpoint's refusals, and the way the process ends.

use crate::common::moto::shared as moto;
use crate::common::sandbox::{Sandbox, sh_quote, stderr, stdout};
use crate::common::venv_bin;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Keys in a named profile and `[default]` without credentials: SDKs given an endpoint take
/// `[default]`'s keys before it, so a user of endpoints keeps none there.
const CONFIG: &str = "[default]\nregion = us-east-1\n\
    [profile prod]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = keys\nregion = eu-west-1\n\
    [profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = keys\n";
const CREDENTIALS: &str = "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// CONFIG and a role profile `name` whose session needs an MFA code.
fn with_mfa_role(name: &str) -> String {
    format!(
        "{CONFIG}[profile {name}]\nrole_arn = arn:aws:iam::123456789012:role/{name}\nsource_profile = keys\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
    )
}

/// A running `runas serve`, its exports, and what it said on stderr so far.
struct Serving {
    child: Child,
    exports: BTreeMap<String, String>,
    stderr: Arc<Mutex<String>>,
}

impl Serving {
    /// Starts `runas serve ARGS` (for POSIX sh) and waits until it says it serves.
    fn start(sandbox: &Sandbox, args: &[&str], vars: &[(&str, &str)]) -> Serving {
        let mut child = sandbox
            .command()
            .arg("serve")
            .args(args)
            .args(["--shell", "sh"])
            .envs(vars.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let said = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut said = said.lock().unwrap();
                said.push_str(&line);
                said.push('\n');
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        while !stderr.lock().unwrap().contains("runas: serving") {
            if let Ok(Some(status)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                panic!("runas serve ended ({status}): {}", stderr.lock().unwrap());
            }
            assert!(
                Instant::now() < deadline,
                "runas serve did not start: {}",
                stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // stdout is written and flushed before the stderr line: it is all there.
        let mut out = child.stdout.take().unwrap();
        let mut text = String::new();
        let mut buf = [0u8; 65536];
        let n = out.read(&mut buf).unwrap();
        text.push_str(std::str::from_utf8(&buf[..n]).unwrap());
        let mut exports = BTreeMap::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("export ") {
                let (name, value) = rest.split_once('=').unwrap();
                exports.insert(name.to_string(), value.trim_matches('\'').to_string());
            } else {
                assert!(line.starts_with("unset "), "{line}");
            }
        }
        Serving {
            child,
            exports,
            stderr,
        }
    }

    fn url(&self) -> &str {
        self.exports
            .get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            .or_else(|| self.exports.get("AWS_EC2_METADATA_SERVICE_ENDPOINT"))
            .unwrap()
    }

    fn address(&self) -> String {
        self.url()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    }

    fn token(&self) -> String {
        std::fs::read_to_string(&self.exports["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]).unwrap()
    }

    fn said(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends `signal` and waits for the process to end.
    fn stop(mut self, signal: libc::c_int) -> std::process::ExitStatus {
        unsafe { libc::kill(self.child.id() as i32, signal) };
        self.child.wait().unwrap()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One raw HTTP request to `address`: the status line's code and the body.
fn request(address: &str, head: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn get(address: &str, path: &str, headers: &str) -> (u16, String) {
    request(
        address,
        &format!("GET {path} HTTP/1.1\r\nHost: {address}\r\n{headers}\r\n"),
    )
}

/// The AWS CLI's idea of who it is, given only `exports` (and no credentials file to fall back
/// on).
fn cli_arn(sandbox: &Sandbox, exports: &BTreeMap<String, String>) -> String {
    let mut vars: Vec<(String, String)> = exports.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    vars.retain(|(k, _)| k != "AWS_EC2_METADATA_DISABLED");
    let o = Command::new(venv_bin("aws"))
        .args(["sts", "get-caller-identity", "--query", "Arn", "--output", "text"])
        .env_clear()
        .env("HOME", sandbox.home())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL_STS", &sandbox.endpoint)
        .env("AWS_SHARED_CREDENTIALS_FILE", sandbox.home().join("none"))
        .envs(vars)
        .output()
        .unwrap();
    assert!(o.status.success(), "aws: {}", stderr(&o));
    stdout(&o).trim().to_string()
}

/// A sandbox with CONFIG and CREDENTIALS, and the moto it talks to, which runs while the test
/// holds it.
fn sandbox() -> (std::sync::Arc<crate::common::moto::Moto>, Sandbox) {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    (moto, sandbox)
}

#[test]
fn serve_ecs_gives_the_aws_cli_the_role_and_keys_nothing_static() {
    let (_moto, sandbox) = sandbox();
    let serving = Serving::start(&sandbox, &["ecs", "prod"], &[]);
    let e = &serving.exports;
    assert!(e["AWS_CONTAINER_CREDENTIALS_FULL_URI"].starts_with("http://127.0.0.1:"));
    assert_eq!(e["AWS_REGION"], "eu-west-1");
    let token_file = std::path::Path::new(&e["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]);
    assert!(
        token_file.starts_with(sandbox.cache_dir()),
        "{}",
        token_file.display()
    );
    assert_eq!(crate::common::mode(token_file), 0o600);
    let token = serving.token();
    assert_eq!(token.len(), 64, "{token:?}: no newline, 32 random bytes in hex");
    let arn = cli_arn(&sandbox, e);
    assert!(
        arn.starts_with("arn:aws:sts::123456789012:assumed-role/prod/"),
        "{arn}"
    );
    // The document as every SDK reads it: four fields, the expiry in UTC with Z.
    let (status, body) = get(&serving.address(), "/", &format!("Authorization: {token}\r\n"));
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    let mut keys: Vec<_> = doc.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["AccessKeyId", "Expiration", "SecretAccessKey", "Token"]);
    assert!(doc["Expiration"].as_str().unwrap().ends_with('Z'), "{body}");
}

#[test]
fn the_endpoint_refuses_strangers_and_serves_only_loopback() {
    let (_moto, sandbox) = sandbox();
    let ecs = Serving::start(&sandbox, &["ecs", "prod"], &[]);
    let (address, token) = (ecs.address(), ecs.token());
    assert_eq!(get(&address, "/", "").0, 403, "no token");
    assert_eq!(
        get(&address, "/", "Authorization: 0000\r\n").0,
        403,
        "wrong token"
    );
    let rebound = request(
        &address,
        &format!(
            "GET / HTTP/1.1\r\nHost: attacker.example:{}\r\nAuthorization: {token}\r\n\r\n",
            &address[10..]
        ),
    );
    assert_eq!(rebound.0, 403, "a Host that is not the bind address");
    assert_eq!(
        get(&address, "/nowhere", &format!("Authorization: {token}\r\n")).0,
        404
    );
    // Another profile only when allowed.
    assert_eq!(
        get(
            &address,
            "/credentials/dev",
            &format!("Authorization: {token}\r\n")
        )
        .0,
        403
    );
    // Bound to 127.0.0.1: the machine's other addresses do not answer.
    let port = address.rsplit(':').next().unwrap();
    for ip in local_addresses() {
        let refused =
            TcpStream::connect_timeout(&format!("{ip}:{port}").parse().unwrap(), Duration::from_secs(2));
        assert!(refused.is_err(), "{ip}:{port} answered");
    }
    let imds = Serving::start(&sandbox, &["imds", "prod"], &[]);
    let address = imds.address();
    let put = |headers: &str| {
        request(
            &address,
            &format!(
                "PUT /latest/api/token HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\n{headers}\r\n"
            ),
        )
    };
    assert_eq!(put("").0, 400, "a token PUT without its TTL");
    assert_eq!(
        get(&address, "/latest/meta-data/iam/security-credentials/", "").0,
        401,
        "a GET without a token (no IMDSv1)"
    );
    let (status, imds_token) = put("X-aws-ec2-metadata-token-ttl-seconds: 60\r\n");
    assert_eq!(status, 200);
    let (status, role) = get(
        &address,
        "/latest/meta-data/iam/security-credentials/",
        &format!("X-aws-ec2-metadata-token: {imds_token}\r\n"),
    );
    assert_eq!((status, role.as_str()), (200, "prod"));
}

/// This machine's addresses other than loopback, from `hostname -I`.
fn local_addresses() -> Vec<String> {
    let o = Command::new("hostname").arg("-I").output();
    let found: Vec<String> = o
        .map(|o| {
            stdout(&o)
                .split_whitespace()
                .filter(|a| !a.contains(':'))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    assert!(
        !found.is_empty(),
        "no address but loopback to try the endpoint from"
    );
    found
}

#[test]
fn serve_imds_gives_the_aws_cli_the_role() {
    let (_moto, sandbox) = sandbox();
    let serving = Serving::start(&sandbox, &["imds", "prod"], &[]);
    assert!(serving.exports["AWS_EC2_METADATA_SERVICE_ENDPOINT"].starts_with("http://127.0.0.1:"));
    let arn = cli_arn(&sandbox, &serving.exports);
    assert!(
        arn.starts_with("arn:aws:sts::123456789012:assumed-role/prod/"),
        "{arn}"
    );
}

#[test]
fn other_profiles_are_served_by_name_when_allowed_never_with_a_prompt() {
    let (_moto, sandbox) = sandbox();
    sandbox.write_config(&with_mfa_role("mfa"));
    let serving = Serving::start(&sandbox, &["ecs", "prod", "--allow-other-profiles"], &[]);
    let auth = format!("Authorization: {}\r\n", serving.token());
    let (status, body) = get(&serving.address(), "/credentials/dev", &auth);
    assert_eq!(status, 200, "{body}");
    let (status, body) = get(&serving.address(), "/credentials/mfa", &auth);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("MFA"), "{body}");
    let (status, body) = get(&serving.address(), "/credentials/nope", &auth);
    assert_eq!(status, 503);
    assert!(body.contains("nope"), "{body}");
}

#[test]
fn a_client_that_keeps_running_gets_the_refreshed_credentials() {
    let (_moto, sandbox) = sandbox();
    // Role credentials last 15 minutes and count as due 3 seconds after they are fetched.
    let serving = Serving::start(
        &sandbox,
        &["ecs", "prod", "-a", "15m"],
        &[("RUNAS_MIN_TTL", "14m57s")],
    );
    // botocore refreshes credentials from the endpoint when less than 15 minutes are left.
    let script = "import time, botocore.session\n\
        s = botocore.session.get_session()\n\
        sts = s.create_client('sts', region_name='us-east-1')\n\
        for _ in range(2):\n\
        \x20   print(sts.get_caller_identity()['Arn'], s.get_credentials().get_frozen_credentials().access_key, flush=True)\n\
        \x20   time.sleep(6)\n";
    let o = Command::new(venv_bin("python"))
        .args(["-c", script])
        .env_clear()
        .env("HOME", sandbox.home())
        .env("AWS_ENDPOINT_URL_STS", &sandbox.endpoint)
        .env("AWS_SHARED_CREDENTIALS_FILE", sandbox.home().join("none"))
        .envs(serving.exports.iter())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let (first, second) = (
        lines[0].split_once(' ').unwrap(),
        lines[1].split_once(' ').unwrap(),
    );
    assert!(
        first.0.contains(":assumed-role/prod/") && second.0.contains(":assumed-role/prod/"),
        "{lines:?}"
    );
    assert_ne!(
        first.1,
        second.1,
        "the same keys after the refresh: {lines:?}\n{}",
        serving.said()
    );
    assert!(
        serving.said().contains("refreshed prod's credentials"),
        "{}",
        serving.said()
    );
}

/// Set in the environment of this test binary run again as the Rust SDK client.
const SDK_CLIENT: &str = "RUNAS_TEST_SDK_CLIENT";

/// The Rust SDK's default credential chain, configured by nothing but the exports, in a
/// process of its own (the chain reads the real environment): this test binary, run again with
/// only this test and `SDK_CLIENT` set, which makes the test the client.
#[test]
fn the_rust_sdk_takes_credentials_from_both_endpoints() {
    if std::env::var_os(SDK_CLIENT).is_some() {
        return sdk_client();
    }
    let (_moto, sandbox) = sandbox();
    for kind in ["ecs", "imds"] {
        let serving = Serving::start(&sandbox, &[kind, "prod"], &[]);
        let o = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "serve::the_rust_sdk_takes_credentials_from_both_endpoints",
                "--nocapture",
            ])
            .env_clear()
            .env(SDK_CLIENT, "1")
            .env("HOME", sandbox.home())
            .env("AWS_ENDPOINT_URL_STS", &sandbox.endpoint)
            .envs(serving.exports.iter())
            .output()
            .unwrap();
        let said = stdout(&o);
        assert!(o.status.success(), "{kind}: {said}{}", stderr(&o));
        let arn = said
            .lines()
            .find_map(|l| l.strip_prefix("ARN "))
            .unwrap_or_default();
        assert!(
            arn.starts_with("arn:aws:sts::123456789012:assumed-role/prod/"),
            "{kind}: {said}"
        );
    }
}

/// The client side: whatever the default chain finds, used for GetCallerIdentity.
fn sdk_client() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(http)
            .region(aws_config::Region::new("us-east-1"))
            .load()
            .await;
        let who = aws_sdk_sts::Client::new(&config)
            .get_caller_identity()
            .send()
            .await
            .expect("GetCallerIdentity with the endpoint's credentials");
        println!("ARN {}", who.arn().unwrap_or_default());
    });
}

#[test]
fn a_signal_stops_serving_and_removes_the_token_file() {
    let (_moto, sandbox) = sandbox();
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let serving = Serving::start(&sandbox, &["ecs", "prod"], &[]);
        let token_file = serving.exports["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].clone();
        assert!(std::path::Path::new(&token_file).exists());
        let status = serving.stop(signal);
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(signal), "{status}");
        assert!(
            !std::path::Path::new(&token_file).exists(),
            "{token_file} is left behind"
        );
    }
}

#[test]
fn serve_refuses_what_it_cannot_serve_in_one_line() {
    let (_moto, sandbox) = sandbox();
    // A credential_process that prints keys with no expiry: nothing to refresh.
    let script = sandbox.home().join("keys.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '%s' '{\"Version\": 1, \"AccessKeyId\": \"AKIAIOSFODNN7EXAMPLE\", \
         \"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}'\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    sandbox.write_config(&format!(
        "{CONFIG}[profile static]\ncredential_process = {}\n",
        script.display()
    ));
    let o = sandbox.run(&["serve", "ecs", "static", "--shell", "sh"], &[]);
    crate::common::sandbox::assert_error(&o, "long-term keys");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let o = sandbox.run(&["serve", "imds", "prod", "--shell", "sh", "--port", &port], &[]);
    crate::common::sandbox::assert_error(&o, "pick another --port");
    // Credentials that cannot be had: nothing listens, nothing is printed.
    let o = sandbox.run(&["serve", "ecs", "nope", "--shell", "sh"], &[]);
    assert!(!o.status.success() && o.stdout.is_empty());
}

#[test]
fn default_keys_that_would_win_over_the_endpoint_are_warned_about() {
    let (_moto, sandbox) = sandbox();
    sandbox.write_credentials(&format!(
        "{CREDENTIALS}[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = x\n"
    ));
    let serving = Serving::start(&sandbox, &["ecs", "prod"], &[]);
    assert!(
        serving.said().contains("[default] has credentials of its own"),
        "{}",
        serving.said()
    );
}

/// A shell script that records the signals it gets in `signals`, then waits.
const TRAPS: &str = "for s in INT HUP QUIT WINCH; do trap \"echo $s >> signals\" $s; done; \
    trap 'echo TERM >> signals; exit 3' TERM; echo ready > ready; while :; do sleep 0.05; done";

#[test]
fn exec_server_passes_signals_on_and_exits_as_the_command_did() {
    let (_moto, sandbox) = sandbox();
    let mut runas = sandbox
        .command()
        .args(["exec", "--server", "prod", "--", "sh", "-c", TRAPS])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let ready = sandbox.home().join("ready");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready.exists() {
        assert!(Instant::now() < deadline, "the command did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let signals = sandbox.home().join("signals");
    let pid = runas.id() as i32;
    for (signal, name) in [
        (libc::SIGINT, "INT"),
        (libc::SIGHUP, "HUP"),
        (libc::SIGQUIT, "QUIT"),
        (libc::SIGWINCH, "WINCH"),
    ] {
        unsafe { libc::kill(pid, signal) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !std::fs::read_to_string(&signals)
            .unwrap_or_default()
            .contains(name)
        {
            assert!(Instant::now() < deadline, "{name} did not reach the command");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let status = runas.wait().unwrap();
    assert_eq!(status.code(), Some(3), "runas exits with the command's status");
    assert_eq!(
        std::fs::read_to_string(&signals).unwrap(),
        "INT\nHUP\nQUIT\nWINCH\nTERM\n"
    );
    // A command killed by a signal: 128 + its number, as a shell says it.
    let o = sandbox.run(
        &["exec", "--server", "prod", "--", "sh", "-c", "kill -KILL $$"],
        &[],
    );
    assert_eq!(o.status.code(), Some(137), "{}", stderr(&o));
}

#[test]
fn exec_server_gives_the_command_an_endpoint_instead_of_keys() {
    let (_moto, sandbox) = sandbox();
    let o = sandbox.run(&["exec", "--server", "prod", "--", "env"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let env = stdout(&o);
    assert!(
        env.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:"),
        "{env}"
    );
    assert!(env.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN="), "{env}");
    assert!(
        !env.contains("AWS_ACCESS_KEY_ID") && !env.contains("AWS_SECRET_ACCESS_KEY"),
        "{env}"
    );
    // The AWS CLI, run by runas, calls STS as the role through the endpoint.
    let aws = venv_bin("aws");
    let o = sandbox.run(
        &[
            "exec",
            "--server",
            "prod",
            "--",
            aws.to_str().unwrap(),
            "sts",
            "get-caller-identity",
            "--query",
            "Arn",
            "--output",
            "text",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(":assumed-role/prod/"), "{}", stdout(&o));
}

/// A refresh that needs an MFA code asks on runas's terminal while the endpoint goes on
/// answering (the code given with -o at start is spent, not sent again); Ctrl-C at that prompt
/// puts the terminal back and removes the token file.
#[test]
fn a_refresh_asks_for_the_code_on_the_terminal_and_ctrl_c_there_stops_cleanly() {
    use crate::common::pty::Term;
    let (_moto, sandbox) = sandbox();
    sandbox.write_config(&with_mfa_role("guarded"));
    let home = sandbox.home();
    let (out, err, status, after) = (
        home.join("out"),
        home.join("err"),
        home.join("status"),
        home.join("stty"),
    );
    // Session and role last 15 minutes and are due 3 seconds after they are fetched: each
    // refresh needs a new session, so a new code. The script's shell outlives the Ctrl-C sent
    // to runas (its trap runs a command, so runas still gets the signal's default action).
    let script = format!(
        "trap : INT\n{} serve ecs guarded -o 123456 --shell sh -d 15m -a 15m >{} 2>{} </dev/null\n\
         echo $? >{status}.tmp; stty -a >{}; mv {status}.tmp {status}\nexec sleep 600\n",
        sandbox.command_line(&[("RUNAS_MIN_TTL", "14m57s")]),
        sh_quote(out.to_str().unwrap()),
        sh_quote(err.to_str().unwrap()),
        sh_quote(after.to_str().unwrap()),
        status = sh_quote(status.to_str().unwrap()),
    );
    std::fs::write(home.join("serve.sh"), script).unwrap();
    let env = [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("TERM", "xterm".to_string()),
    ]
    .map(|(k, v)| (k.to_string(), v));
    let term = Term::start("sh", &[home.join("serve.sh").to_str().unwrap()], &env, home);
    let tty = term.tty();
    let echo_off = || {
        let o = Command::new("stty").args(["-F", &tty, "-a"]).output().unwrap();
        stdout(&o).split_whitespace().any(|flag| flag == "-echo")
    };
    let prompt = "MFA code for arn:aws:iam::123456789012:mfa/alice:";
    let wait = |what: &str, done: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done() {
            assert!(
                Instant::now() < deadline,
                "gave up waiting for {what}: {}",
                term.screen()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    };
    let said = || std::fs::read_to_string(&err).unwrap_or_default();
    wait("serving", &|| said().contains("runas: serving"));
    let exports = std::fs::read_to_string(&out).unwrap();
    let token_file = exports
        .lines()
        .find_map(|l| l.strip_prefix("export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="))
        .unwrap()
        .trim_matches('\'')
        .to_string();
    let url = exports
        .lines()
        .find_map(|l| l.strip_prefix("export AWS_CONTAINER_CREDENTIALS_FULL_URI="))
        .unwrap()
        .trim_matches(|c| c == '\'' || c == '/')
        .trim_start_matches("http:")
        .trim_start_matches('/')
        .to_string();
    let token = std::fs::read_to_string(&token_file).unwrap();
    // The refresh asks ahead of expiry; meanwhile requests are answered.
    term.wait_count(prompt, 1);
    wait("echo off", &echo_off);
    let (code, body) = get(&url, "/", &format!("Authorization: {token}\r\n"));
    assert_eq!(code, 200, "{body}");
    term.type_text("123456");
    term.keys(&["Enter"]);
    wait("the refresh", &|| {
        said().contains("refreshed guarded's credentials")
    });
    term.wait_count(prompt, 2);
    wait("echo off", &echo_off);
    term.keys(&["C-c"]);
    wait("runas to end", &|| status.exists());
    assert_eq!(
        std::fs::read_to_string(&status).unwrap().trim(),
        "130",
        "{}",
        said()
    );
    assert!(
        !std::path::Path::new(&token_file).exists(),
        "the token file is left behind"
    );
    let stty = std::fs::read_to_string(&after).unwrap();
    assert!(
        stty.split_whitespace().any(|flag| flag == "echo"),
        "echo is still off: {stty}"
    );
}
