//! `runas console`: the runas binary against moto (behind the recording proxy, so every STS call
//! is counted) and the federation stub (tests/common/federation.rs), which checks each
//! getSigninToken as AWS would and keeps it. Each sign-in address runas prints is parsed: the
//! partition's hosts, the Destination, the token. The sign-in token and the credentials never
//! reach stderr, `-v` included.

use crate::common;

use common::federation::{Federation, Reply, SIGNIN_TOKEN, SigninRequest};
use common::proxy::LocalSts;
use common::sandbox::{
    CONFIG, CREDENTIALS, LONG_TERM_SECRET, MFA_CODE, Sandbox, assert_error, stderr, stdout,
};
use common::{dead_endpoint, moto};
use std::collections::BTreeMap;
use std::process::Output;
use std::time::{Duration, Instant};

/// The session policy GetFederationToken is asked for: all the user may do.
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// IAM users' keys without MFA, in each partition, and roles reached from them.
const KEYS_CONFIG: &str = "[profile keys]\nregion = eu-west-1\n\n\
    [profile keys-cn]\nregion = cn-north-1\n\n\
    [profile gov]\nrole_arn = arn:aws-us-gov:iam::123456789012:role/gov\nsource_profile = keys\nregion = us-gov-west-1\n";
const KEYS_CREDENTIALS: &str = "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n\
    [keys-cn]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// A sign-in address taken apart.
#[derive(Debug)]
struct SigninUrl {
    host: String,
    path: String,
    params: BTreeMap<String, String>,
}

/// `https://HOST/PATH?QUERY`, the query decoded; panics on anything else.
fn parse_url(url: &str) -> SigninUrl {
    let rest = url
        .strip_prefix("https://")
        .unwrap_or_else(|| panic!("not https: {url}"));
    let (host, rest) = rest.split_once('/').expect("a path");
    let (path, query) = rest.split_once('?').expect("a query");
    assert!(
        url.bytes().all(|b| b.is_ascii_graphic()),
        "the address has a character that needs encoding: {url}"
    );
    let params = query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("key=value");
            assert!(
                !v.contains(['/', ':', '?', '&', '=', '+']),
                "{k} is not encoded: {v}"
            );
            (k.to_string(), decode(v))
        })
        .collect();
    SigninUrl {
        host: host.to_string(),
        path: format!("/{path}"),
        params,
    }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).expect("a %XX escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// The one sign-in address a `--print` run printed, checked: the partition's sign-in host,
/// `Action=login`, runas as the issuer, the stub's token. Returns its Destination.
fn printed_login(o: &Output, signin_host: &str) -> String {
    assert!(o.status.success(), "stderr: {}", stderr(o));
    let out = stdout(o);
    assert_eq!(out.lines().count(), 1, "one line on stdout: {out:?}");
    assert!(out.ends_with('\n'));
    let url = parse_url(out.trim_end());
    assert_eq!(url.host, signin_host, "{out}");
    assert_eq!(url.path, "/federation");
    let keys: Vec<&str> = url.params.keys().map(String::as_str).collect();
    assert_eq!(keys, ["Action", "Destination", "Issuer", "SigninToken"], "{out}");
    assert_eq!(url.params["Action"], "login");
    assert_eq!(url.params["Issuer"], "runas");
    assert_eq!(url.params["SigninToken"], SIGNIN_TOKEN);
    url.params["Destination"].clone()
}

/// What the stub got must be the credentials `runas env` gives.
fn assert_session_is(request: &SigninRequest, doc: &serde_json::Value) {
    let session = request.session();
    assert_eq!(session["sessionId"], doc["AccessKeyId"]);
    assert_eq!(session["sessionKey"], doc["SecretAccessKey"]);
    assert_eq!(session["sessionToken"], doc["SessionToken"]);
    assert_eq!(session.as_object().unwrap().len(), 3, "{session}");
}

/// Nothing of the credentials or the sign-in token on stderr.
fn assert_no_secret_on_stderr(o: &Output, doc: Option<&serde_json::Value>) {
    let err = stderr(o);
    let mut secrets = vec![SIGNIN_TOKEN.to_string(), LONG_TERM_SECRET.to_string()];
    if let Some(doc) = doc {
        secrets.push(doc["SecretAccessKey"].as_str().unwrap().to_string());
        secrets.push(doc["SessionToken"].as_str().unwrap().to_string());
    }
    for secret in secrets {
        assert!(!err.contains(&secret), "a secret on stderr: {err}");
    }
    assert!(!err.contains("Session="), "the request's query on stderr: {err}");
    assert!(!err.contains("SigninToken="), "{err}");
}

#[test]
fn a_warm_role_signs_in_with_the_cached_credentials_and_no_sts_call() {
    let sts = LocalSts::start();
    let stub = Federation::start(Reply::Token);
    let sandbox = Sandbox::new(&sts.endpoint(), CONFIG, CREDENTIALS);
    let env = sandbox.run(&["env", "--format", "json", "prod"], &[("MFA_CODE", MFA_CODE)]);
    assert!(env.status.success(), "{}", stderr(&env));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&env)).unwrap();
    assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole"]);

    let o = sandbox.run(
        &["console", "prod", "--print"],
        &[("RUNAS_FEDERATION_URL", &stub.url())],
    );
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    let destination = printed_login(&o, "signin.aws.amazon.com");
    assert_eq!(
        destination,
        "https://console.aws.amazon.com/console/home?region=us-east-1"
    );
    assert!(sts.actions().is_empty(), "a warm role needs no STS call");
    let request = stub.only_request();
    assert_session_is(&request, &doc);
    assert_eq!(
        request.param("SessionDuration"),
        None,
        "AWS's own length unless asked"
    );

    // A length asked for is sent; the credentials are still the cached ones.
    let o = sandbox.run(
        &[
            "console",
            "--profile",
            "prod",
            "--print",
            "--console-duration",
            "2h",
        ],
        &[("RUNAS_FEDERATION_URL", &stub.url())],
    );
    printed_login(&o, "signin.aws.amazon.com");
    assert!(sts.actions().is_empty());
    let requests = stub.requests();
    assert_eq!(requests[1].param("SessionDuration"), Some("7200"));
    assert_session_is(&requests[1], &doc);
}

#[test]
fn an_iam_users_keys_sign_in_through_get_federation_token() {
    let sts = LocalSts::start();
    let stub = Federation::start(Reply::Token);
    let sandbox = Sandbox::new(&sts.endpoint(), KEYS_CONFIG, KEYS_CREDENTIALS);
    let o = sandbox.run(
        &["console", "keys", "--print", "--federation-url", &stub.url()],
        &[],
    );
    let destination = printed_login(&o, "signin.aws.amazon.com");
    assert_eq!(
        destination,
        "https://console.aws.amazon.com/console/home?region=eu-west-1"
    );
    let calls = sts.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].action(), "GetFederationToken");
    assert_eq!(calls[0].param("Name"), Some("alice"));
    assert_eq!(calls[0].param("Policy"), Some(ALLOW_ALL));
    assert_eq!(calls[0].param("DurationSeconds"), Some("3600"));
    assert_eq!(calls[0].security_token, None, "signed with the long-term keys");
    let request = stub.only_request();
    let session = request.session();
    // The federation token's credentials, not the user's keys (which have no token).
    assert_ne!(session["sessionKey"], LONG_TERM_SECRET);
    assert!(
        session["sessionToken"].as_str().is_some_and(|t| t.len() > 20),
        "{session}"
    );
    assert_eq!(request.param("SessionDuration"), None);

    // The length asked for is GetFederationToken's; the endpoint refuses SessionDuration then.
    let o = sandbox.run(
        &["console", "keys", "--print", "--console-duration", "8h", "-e"],
        &[("RUNAS_FEDERATION_URL", &stub.url())],
    );
    printed_login(&o, "signin.aws.amazon.com");
    assert!(
        stderr(&o).starts_with("runas: credentials expire at "),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("(in 7h59m)") || stderr(&o).contains("(in 8h00m)"),
        "{}",
        stderr(&o)
    );
    let calls = sts.calls();
    assert_eq!(calls[0].param("DurationSeconds"), Some("28800"));
    assert_eq!(stub.requests()[1].param("SessionDuration"), None);
}

#[test]
fn session_tokens_are_refused_in_one_line_before_any_call() {
    // A dead STS and a stub that must see nothing: the refusal comes from what runas knows.
    let stub = Federation::start(Reply::Token);
    let sandbox = Sandbox::new(&dead_endpoint(), CONFIG, CREDENTIALS);
    let vars = [
        ("RUNAS_FEDERATION_URL", stub.url()),
        ("MFA_CODE", MFA_CODE.to_string()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let o = sandbox.run(&["console", "default", "--print"], &vars);
    assert_error(&o, "gets a session token (GetSessionToken with mfa_serial");
    assert!(
        stderr(&o).contains("sign in with a role profile instead"),
        "{}",
        stderr(&o)
    );
    let o = sandbox.run(&["console", "prod", "-s", "--print"], &vars);
    assert_error(&o, "-s gives the session token");
    assert!(stderr(&o).contains("without -s"));
    assert!(stub.requests().is_empty());
}

#[test]
fn a_chained_role_is_signed_in_for_an_hour_at_most() {
    let stub = Federation::start(Reply::Token);
    let dead = Sandbox::new(&dead_endpoint(), CONFIG, CREDENTIALS);
    let o = dead.run(
        &["console", "ops", "--print", "--console-duration", "2h"],
        &[("RUNAS_FEDERATION_URL", &stub.url()), ("MFA_CODE", MFA_CODE)],
    );
    assert_error(&o, "\"ops\" is reached by role chaining (default → prod → ops)");
    assert!(
        stderr(&o).contains("--console-duration 1h or less"),
        "{}",
        stderr(&o)
    );
    assert!(stub.requests().is_empty());

    let moto = moto::shared();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let o = sandbox.run(
        &["console", "ops", "--print", "--console-duration", "1h"],
        &[("RUNAS_FEDERATION_URL", &stub.url()), ("MFA_CODE", MFA_CODE)],
    );
    let destination = printed_login(&o, "signin.aws.amazon.com");
    assert_eq!(
        destination,
        "https://console.aws.amazon.com/console/home?region=eu-west-1"
    );
    assert_eq!(stub.only_request().param("SessionDuration"), Some("3600"));
}

#[test]
fn each_partition_has_its_own_hosts() {
    let moto = moto::shared();
    let stub = Federation::start(Reply::Token);
    let sandbox = Sandbox::new(&moto.endpoint(), KEYS_CONFIG, KEYS_CREDENTIALS);
    let vars = [("RUNAS_FEDERATION_URL", stub.url())];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // aws-cn from the region.
    let o = sandbox.run(&["console", "keys-cn", "--print"], &vars);
    assert_eq!(
        printed_login(&o, "signin.amazonaws.cn"),
        "https://console.amazonaws.cn/console/home?region=cn-north-1"
    );
    // aws-us-gov from the role's ARN, and a service as the destination.
    let o = sandbox.run(&["console", "gov", "--print", "--destination", "s3"], &vars);
    assert_eq!(
        printed_login(&o, "signin.amazonaws-us-gov.com"),
        "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1"
    );
    // aws, with another region of its own.
    let o = sandbox.run(&["console", "keys", "--print", "--region", "eu-central-1"], &vars);
    assert_eq!(
        printed_login(&o, "signin.aws.amazon.com"),
        "https://console.aws.amazon.com/console/home?region=eu-central-1"
    );
    // The role decides: a region of another partition is refused.
    let o = sandbox.run(&["console", "gov", "--print", "--region", "eu-west-1"], &vars);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("--region eu-west-1 is in the aws partition, but \"gov\"'s role is in aws-us-gov")
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn the_destination_is_a_console_address_a_path_or_a_service() {
    let moto = moto::shared();
    let stub = Federation::start(Reply::Token);
    let sandbox = Sandbox::new(&moto.endpoint(), KEYS_CONFIG, KEYS_CREDENTIALS);
    let vars = [("RUNAS_FEDERATION_URL", stub.url())];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for (wanted, destination) in [
        (
            "lambda",
            "https://console.aws.amazon.com/lambda/home?region=eu-west-1",
        ),
        (
            "/ec2/home#Instances:",
            "https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:",
        ),
        (
            "https://us-east-1.console.aws.amazon.com/s3/buckets?region=us-east-1",
            "https://us-east-1.console.aws.amazon.com/s3/buckets?region=us-east-1",
        ),
    ] {
        let o = sandbox.run(&["console", "keys", "--print", "--destination", wanted], &vars);
        assert_eq!(
            printed_login(&o, "signin.aws.amazon.com"),
            destination,
            "{wanted}"
        );
    }
    let calls_before = stub.requests().len();
    for wrong in [
        "https://console.aws.amazon.com.evil.example/",
        "https://console.amazonaws.cn/",
        "s3 home",
    ] {
        let o = sandbox.run(&["console", "keys", "--print", "--destination", wrong], &vars);
        assert_eq!(o.status.code(), Some(2), "{wrong}: {}", stderr(&o));
        assert!(stderr(&o).contains("is none of a console address on console.aws.amazon.com"));
        assert!(o.stdout.is_empty());
    }
    assert_eq!(
        stub.requests().len(),
        calls_before,
        "a bad destination costs no sign-in"
    );
}

#[test]
fn the_federation_url_comes_from_the_flag_or_the_variable() {
    let moto = moto::shared();
    let flag = Federation::start(Reply::Token);
    let variable = Federation::start(Reply::Token);
    let sandbox = Sandbox::new(&moto.endpoint(), KEYS_CONFIG, KEYS_CREDENTIALS);
    let o = sandbox.run(
        &["console", "keys", "--print", "--federation-url", &flag.url()],
        &[("RUNAS_FEDERATION_URL", &variable.url())],
    );
    printed_login(&o, "signin.aws.amazon.com");
    assert_eq!(flag.requests().len(), 1, "the flag wins");
    assert!(variable.requests().is_empty());
    let o = sandbox.run(
        &["console", "keys", "--print"],
        &[("RUNAS_FEDERATION_URL", &variable.url())],
    );
    printed_login(&o, "signin.aws.amazon.com");
    assert_eq!(variable.requests().len(), 1);
    let o = sandbox.run(
        &["console", "keys", "--print", "--federation-url", "ftp://x/"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not an http(s) address"), "{}", stderr(&o));
}

#[test]
fn a_broken_or_hostile_endpoint_is_one_line() {
    let moto = moto::shared();
    let sandbox = Sandbox::new(&moto.endpoint(), KEYS_CONFIG, KEYS_CREDENTIALS);
    let cases = [
        (
            Reply::Status(400),
            "refused the credentials (HTTP 400); the GetFederationToken credentials were not taken",
        ),
        (Reply::Status(403), "refused the credentials (HTTP 403)"),
        (Reply::Status(503), "answered HTTP 503 instead of a sign-in token"),
        (Reply::Status(302), "answered HTTP 302 instead of a sign-in token"),
        (
            Reply::Body("<html>Sign in</html>".into()),
            "answered HTTP 200 without a sign-in token (20 bytes",
        ),
        (
            Reply::Body(r#"{"SigninToken":""}"#.into()),
            "without a sign-in token",
        ),
        (Reply::Endless, "an answer larger than 64 KiB"),
    ];
    for (reply, message) in cases {
        let stub = Federation::start(reply.clone());
        let o = sandbox.run(
            &["console", "keys", "--print", "-v"],
            &[("RUNAS_FEDERATION_URL", &stub.url())],
        );
        assert_eq!(o.status.code(), Some(1), "{reply:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{reply:?}");
        let last = stderr(&o).lines().last().unwrap_or_default().to_string();
        assert!(
            last.starts_with(&format!(
                "runas: the federation endpoint {}/federation ",
                stub.url().trim_end_matches("/federation")
            )),
            "{last}"
        );
        assert!(last.contains(message), "{reply:?}: {last}");
        assert_no_secret_on_stderr(&o, None);
    }
    let dead = format!("{}/federation", dead_endpoint());
    let o = sandbox.run(
        &["console", "keys", "--print"],
        &[("RUNAS_FEDERATION_URL", &dead)],
    );
    assert_error(&o, "cannot be reached (connection refused)");

    let silent = Federation::start(Reply::Silent);
    let started = Instant::now();
    let o = sandbox.run(
        &["console", "keys", "--print"],
        &[("RUNAS_FEDERATION_URL", &silent.url())],
    );
    assert_error(&o, "did not answer within 10 s");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn print_leaves_only_the_address_on_stdout_and_verbose_shows_no_secret() {
    let moto = moto::shared();
    let stub = Federation::start(Reply::Token);
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let env = sandbox.run(&["env", "--format", "json", "prod"], &[("MFA_CODE", MFA_CODE)]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&env)).unwrap();
    let o = sandbox.run(
        &["console", "prod", "--print", "-vv"],
        &[("RUNAS_FEDERATION_URL", &stub.url())],
    );
    printed_login(&o, "signin.aws.amazon.com");
    let err = stderr(&o);
    assert!(err.contains("getSigninToken at"), "-v says the call: {err}");
    assert!(err.contains("console: role credentials, partition aws"), "{err}");
    assert_no_secret_on_stderr(&o, Some(&doc));
}

#[test]
fn without_print_the_browser_gets_the_address() {
    let moto = moto::shared();
    let stub = Federation::start(Reply::Token);
    let sandbox = Sandbox::new(&moto.endpoint(), KEYS_CONFIG, KEYS_CREDENTIALS);
    let opened = sandbox.home().join("opened");
    let browser = sandbox.home().join("browser");
    std::fs::write(
        &browser,
        // Written aside and renamed, so the file the test waits for is never seen half-written.
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > {0}.tmp && mv {0}.tmp {0}\n",
            opened.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let o = sandbox.run(
        &["console", "keys"],
        &[
            ("RUNAS_FEDERATION_URL", &stub.url()),
            ("BROWSER", browser.to_str().unwrap()),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "the address went to the browser only");
    assert!(stderr(&o).contains("opening in your browser"), "{}", stderr(&o));
    assert_no_secret_on_stderr(&o, None);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !opened.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let url = std::fs::read_to_string(&opened).unwrap();
    assert_eq!(parse_url(&url).params["SigninToken"], SIGNIN_TOKEN);

    // No browser to open (no BROWSER, no display): the address on stdout, a word on stderr.
    let o = sandbox.run(&["console", "keys"], &[("RUNAS_FEDERATION_URL", &stub.url())]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        parse_url(stdout(&o).trim_end()).params["SigninToken"],
        SIGNIN_TOKEN
    );
    assert!(stderr(&o).contains("no browser to open here"), "{}", stderr(&o));
    assert_no_secret_on_stderr(&o, None);
}

#[test]
fn a_refusal_says_what_to_do_for_the_kind_of_credentials() {
    let refusing = Federation::start(Reply::Status(400));
    // Temporary keys written in the files: runas cannot tell a session token from a role's.
    let temporary = Sandbox::new(
        &dead_endpoint(),
        "[profile temp]\nregion = eu-west-1\n",
        "[temp]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = tempSecretAccessKeyTempSecretAccessKey00\naws_session_token = tempSessionTokenTempSessionToken\n",
    );
    let o = temporary.run(
        &["console", "temp", "--print"],
        &[("RUNAS_FEDERATION_URL", &refusing.url())],
    );
    assert_error(
        &o,
        "refused the credentials (HTTP 400); the profile's temporary keys are used as they are, and a session token (GetSessionToken) is not taken: sign in with a role profile instead",
    );
    let request = refusing.only_request();
    assert_eq!(
        request.session()["sessionToken"],
        "tempSessionTokenTempSessionToken"
    );
    assert!(!stderr(&o).contains("tempSecretAccessKey") && !stderr(&o).contains("tempSessionToken"));

    // A role's: expired or revoked, or longer than the role allows.
    let moto = moto::shared();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let o = sandbox.run(
        &["console", "prod", "--print", "--console-duration", "12h"],
        &[("RUNAS_FEDERATION_URL", &refusing.url()), ("MFA_CODE", MFA_CODE)],
    );
    assert_error(
        &o,
        "they may have expired or been revoked (runas console -r gets new ones), or the --console-duration asked for is longer than the role allows",
    );
}
