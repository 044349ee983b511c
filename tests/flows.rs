//! The STS flows end to end: the runas binary against a real local STS (moto server), with the STS
//! requests that reach the server counted and read at every step.
//!
//! moto logs every request as `POST /`, whatever the action, so each test puts a small recording
//! proxy in front of it (tests/common/proxy.rs): the proxy keeps the form parameters (`Action`,
//! `RoleArn`, `TokenCode`, …) and the session token each request was signed with, and every
//! check also compares the proxy's count with moto's own log. Error codes moto cannot produce in a form the SDK reads
//! come from the canned-answer stub; the MFA prompt is answered through tmux (a real pty); the
//! warm path is watched with strace. Every stderr of every run is kept and, when the test ends,
//! searched for the secrets the runs printed on stdout.

use crate::common;

use common::proxy::{LocalSts, Request};
use common::pty::Term;
use common::sandbox::{
    CONFIG, CREDENTIALS, LONG_TERM_SECRET, MFA_CODE, Sandbox, assert_error, assert_quiet_success, sh_quote,
    stderr, stdout,
};
use common::stub::{Answer, Stub, sts_time};
use common::{LOCK_NOTICE, dead_endpoint, mode};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const MFA_SERIAL: &str = "arn:aws:iam::123456789012:mfa/alice";
const PROD_ARN: &str = "arn:aws:iam::123456789012:role/prod";
const OPS_ARN: &str = "arn:aws:iam::210987654321:role/ops";
/// moto's GetSessionToken answers these same keys every time (moto 5.2, checked).
const MOTO_SESSION_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const MOTO_SESSION_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
/// How long a dead endpoint may hold runas up before it gives up with an error.
const DEAD_ENDPOINT_BOUND: Duration = Duration::from_secs(15);
/// How long a helper waits for something another process does (a prompt, a lock notice).
const PATIENCE: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// A sandbox that remembers what every run printed

/// A `Sandbox` whose runs are all kept: when the test ends, no stderr may contain a secret that
/// any run printed on stdout, the long-term secret key, or the MFA code.
struct Lab {
    sandbox: Sandbox,
    stderrs: RefCell<Vec<String>>,
    secrets: RefCell<BTreeSet<String>>,
}

impl Lab {
    fn new(endpoint: &str) -> Lab {
        Lab::with_files(endpoint, CONFIG, CREDENTIALS)
    }

    fn with_files(endpoint: &str, config: &str, credentials: &str) -> Lab {
        Lab {
            sandbox: Sandbox::new(endpoint, config, credentials),
            stderrs: RefCell::new(Vec::new()),
            secrets: RefCell::new(BTreeSet::from([LONG_TERM_SECRET.to_string()])),
        }
    }

    fn home(&self) -> &Path {
        self.sandbox.home()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    fn run_with(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let output = self.sandbox.run(args, vars);
        self.keep(&output);
        output
    }

    /// Records a run made some other way (in parallel, under strace, in a pty).
    fn keep(&self, output: &Output) {
        self.keep_texts(&stdout(output), &stderr(output));
    }

    fn keep_texts(&self, out: &str, err: &str) {
        self.stderrs.borrow_mut().push(err.to_string());
        self.secrets.borrow_mut().extend(secrets_in(out));
    }

    /// One more string that must never reach stderr.
    fn secret(&self, secret: &str) {
        self.secrets.borrow_mut().insert(secret.to_string());
    }

    /// runas started through another program, `wrapper wrapper_args… runas args…`, in the
    /// sandbox's environment (strace, setsid).
    fn wrapped(&self, wrapper: &str, wrapper_args: &[&str], args: &[&str]) -> Command {
        let runas = self.sandbox.command();
        let mut command = Command::new(wrapper);
        command
            .args(wrapper_args)
            .arg(runas.get_program())
            .args(args)
            .env_clear()
            .current_dir(self.home())
            .stdin(Stdio::null());
        for (name, value) in runas.get_envs() {
            if let Some(value) = value {
                command.env(name, value);
            }
        }
        command
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        // A test that already failed says why; this would only bury it.
        if std::thread::panicking() {
            return;
        }
        let stderrs = self.stderrs.borrow();
        assert!(!stderrs.is_empty(), "the test ran nothing through the Lab");
        for err in stderrs.iter() {
            for secret in self.secrets.borrow().iter() {
                assert!(!err.contains(secret.as_str()), "a secret on stderr: {err:?}");
            }
            assert!(!contains_code(err, MFA_CODE), "the MFA code on stderr: {err:?}");
        }
    }
}

/// True if `code` stands in `text` on its own, not as part of a longer number (an account id
/// such as 123456789012 contains 123456).
fn contains_code(text: &str, code: &str) -> bool {
    text.match_indices(code).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + code.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// The secret keys and session tokens in a stdout, whether shell exports or JSON.
fn secrets_in(out: &str) -> Vec<String> {
    if let Ok(doc) = serde_json::from_str::<serde_json::Value>(out) {
        return ["SecretAccessKey", "SessionToken"]
            .iter()
            .filter_map(|k| doc[*k].as_str().map(str::to_string))
            .collect();
    }
    let vars = parse_exports(out);
    ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]
        .iter()
        .filter_map(|k| vars.get(*k).cloned())
        .collect()
}

#[test]
fn the_secret_check_finds_what_it_looks_for() {
    let exports = "export AWS_ACCESS_KEY_ID='ASIA1'\nexport AWS_SECRET_ACCESS_KEY='s3cret'\n\
                   export AWS_SESSION_TOKEN='t0ken'\nunset AWS_PROFILE\n";
    assert_eq!(secrets_in(exports), ["s3cret", "t0ken"].map(String::from));
    let doc = r#"{"AccessKeyId":"ASIA1","SecretAccessKey":"s3cret","SessionToken":"t0ken","Version":1}"#;
    assert_eq!(secrets_in(doc), ["s3cret", "t0ken"].map(String::from));
    assert!(contains_code("code 123456.", "123456"));
    assert!(contains_code("123456", "123456"));
    assert!(!contains_code("arn:aws:iam::123456789012:mfa/alice", "123456"));
    assert!(!contains_code("9123456", "123456"));
}

/// `export NAME='value'` lines of `--shell sh` output, as a map. The values runas prints here
/// (keys, tokens, dates, names) never contain a quote.
fn parse_exports(out: &str) -> BTreeMap<String, String> {
    out.lines()
        .filter_map(|line| line.strip_prefix("export "))
        .map(|line| {
            let (name, value) = line.split_once('=').expect("export NAME=value");
            let value = value
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .unwrap_or(value);
            assert!(!value.contains('\''), "unexpected quoting in {line:?}");
            (name.to_string(), value.to_string())
        })
        .collect()
}

/// A successful `runas env --shell sh` run's exports, with nothing on stderr.
fn exports(o: &Output) -> BTreeMap<String, String> {
    assert_quiet_success(o);
    let vars = parse_exports(&stdout(o));
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
    ] {
        assert!(
            vars.get(name).is_some_and(|v| !v.is_empty()),
            "{name} missing:\n{}",
            stdout(o)
        );
    }
    vars
}

/// A successful `--format json` run's document, with nothing on stderr.
fn json(o: &Output) -> serde_json::Value {
    assert_quiet_success(o);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn epoch_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// Seconds since the epoch from RFC 3339 in UTC ending in `Z`, as runas prints it.
fn parse_expiry(text: &str) -> u64 {
    assert!(
        text.len() == "2026-01-01T00:00:00Z".len() && text.ends_with('Z') && text.as_bytes()[10] == b'T',
        "not RFC 3339 UTC with Z: {text:?}"
    );
    humantime::parse_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The expiry is `lifetime` from now, give or take the time the run took.
fn assert_lifetime(expiry: &str, lifetime: Duration) {
    let expected = epoch_now() + lifetime.as_secs();
    let got = parse_expiry(expiry);
    assert!(
        got.abs_diff(expected) <= 60,
        "expiry {expiry} is {}s from now, expected about {}s",
        got as i64 - epoch_now() as i64,
        lifetime.as_secs()
    );
}

fn hours(h: u64) -> Duration {
    Duration::from_secs(h * 3600)
}

/// Waits until `done` holds, or panics with `what` after `PATIENCE`.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < PATIENCE, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------------------------------------
// The flows, with the STS calls counted

#[test]
fn a_cold_mfa_role_makes_two_calls_a_warm_one_none_and_refresh_one_without_a_code() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());

    let cold = exports(&lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]));
    let calls = sts.calls();
    let actions: Vec<&str> = calls.iter().map(Request::action).collect();
    assert_eq!(actions, ["GetSessionToken", "AssumeRole"]);
    let (session, role) = (&calls[0], &calls[1]);
    assert_eq!(session.param("SerialNumber"), Some(MFA_SERIAL));
    assert_eq!(session.param("TokenCode"), Some(MFA_CODE));
    assert_eq!(session.security_token, None, "signed with the long-term keys");
    assert_eq!(role.param("RoleArn"), Some(PROD_ARN));
    assert_eq!(role.param("DurationSeconds"), Some("3600"));
    assert_eq!(
        role.param("TokenCode"),
        None,
        "the session already carries the MFA"
    );
    let session_token = role
        .security_token
        .as_deref()
        .expect("AssumeRole is signed with the session token");
    assert_ne!(
        Some(session_token),
        cold.get("AWS_SESSION_TOKEN").map(String::as_str)
    );
    assert!(cold["AWS_ACCESS_KEY_ID"].starts_with("ASIA"), "{cold:?}");
    assert_eq!(cold["AWSRUNAS_PROFILE"], "prod");
    assert_eq!(cold["AWS_SECURITY_TOKEN"], cold["AWS_SESSION_TOKEN"]);
    assert_lifetime(&cold["AWS_CREDENTIAL_EXPIRATION"], hours(1));
    assert_eq!(lab.sandbox.cache_entries().len(), 2, "a session and a role");

    let warm = exports(&lab.run(&["env", "prod", "--no-prompt", "--shell", "sh"]));
    assert_eq!(sts.actions(), Vec::<String>::new());
    assert_eq!(warm, cold);

    // The session token is still cached: a new role without a code.
    let refreshed = exports(&lab.run(&["env", "prod", "-r", "--no-prompt", "--shell", "sh"]));
    let calls = sts.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].action(), "AssumeRole");
    assert_eq!(calls[0].security_token.as_deref(), Some(session_token));
    assert_ne!(refreshed["AWS_ACCESS_KEY_ID"], cold["AWS_ACCESS_KEY_ID"]);
    // And the refreshed role is what the cache now gives.
    let warm = exports(&lab.run(&["env", "prod", "--no-prompt", "--shell", "sh"]));
    assert_eq!(sts.actions(), Vec::<String>::new());
    assert_eq!(warm, refreshed);
}

#[test]
fn a_keys_profile_with_mfa_makes_one_session_call_then_none() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());

    let cold = exports(&lab.run(&["env", "default", "-o", MFA_CODE, "--shell", "sh"]));
    let calls = sts.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].action(), "GetSessionToken");
    assert_eq!(calls[0].param("SerialNumber"), Some(MFA_SERIAL));
    assert_eq!(calls[0].param("TokenCode"), Some(MFA_CODE));
    assert_eq!(calls[0].param("DurationSeconds"), Some("43200"), "12h by default");
    assert_eq!(cold["AWS_ACCESS_KEY_ID"], MOTO_SESSION_KEY_ID);
    assert_eq!(cold["AWS_SECRET_ACCESS_KEY"], MOTO_SESSION_SECRET);
    assert_eq!(cold["AWSRUNAS_PROFILE"], "default");
    assert_lifetime(&cold["AWS_CREDENTIAL_EXPIRATION"], hours(12));

    let warm = exports(&lab.run(&["env", "default", "--no-prompt", "--shell", "sh"]));
    assert_eq!(sts.actions(), Vec::<String>::new());
    assert_eq!(warm, cold);
}

#[test]
fn a_role_duration_over_an_hour_assumes_the_role_directly_with_mfa() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());

    let doc = json(&lab.run(&["env", "prod", "-a", "2h", "-o", MFA_CODE, "--format", "json"]));
    let calls = sts.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(call.action(), "AssumeRole");
    assert_eq!(call.param("RoleArn"), Some(PROD_ARN));
    assert_eq!(call.param("DurationSeconds"), Some("7200"));
    assert_eq!(call.param("SerialNumber"), Some(MFA_SERIAL));
    assert_eq!(call.param("TokenCode"), Some(MFA_CODE));
    assert_eq!(
        call.security_token, None,
        "signed with the long-term keys, not a session"
    );
    assert_lifetime(doc["Expiration"].as_str().unwrap(), hours(2));
    assert_eq!(
        lab.sandbox.cache_entries().len(),
        1,
        "only the role is cached: no session token was made"
    );

    // The cached role is the role: STS itself says so.
    let who = json(&lab.run(&["whoami", "prod", "-a", "2h", "--no-prompt", "--json"]));
    crate::common::sandbox::assert_json_style(&who, &[]);
    assert_eq!(sts.actions(), ["GetCallerIdentity"]);
    assert_eq!(who["Arn"], "arn:aws:sts::123456789012:assumed-role/prod/alice");

    // No session was cached along the way: asking for one needs a code again.
    let o = lab.run(&["env", "prod", "-s", "--no-prompt"]);
    assert_error(
        &o,
        "an MFA code is needed for arn:aws:iam::123456789012:mfa/alice",
    );
    assert_eq!(sts.actions(), Vec::<String>::new());
}

#[test]
fn a_chain_assumes_each_role_with_the_previous_one() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());

    let ops = exports(&lab.run(&["env", "ops", "-o", MFA_CODE, "--shell", "sh"]));
    let calls = sts.calls();
    let actions: Vec<&str> = calls.iter().map(Request::action).collect();
    assert_eq!(actions, ["GetSessionToken", "AssumeRole", "AssumeRole"]);
    assert_eq!(calls[1].param("RoleArn"), Some(PROD_ARN));
    assert_eq!(calls[2].param("RoleArn"), Some(OPS_ARN));
    assert_eq!(calls[2].param("DurationSeconds"), Some("3600"));
    assert_eq!(ops["AWSRUNAS_PROFILE"], "ops");
    assert_eq!(ops["AWS_REGION"], "eu-west-1", "ops's own region");

    // prod's role, cached on the way, is what signed the AssumeRole of ops.
    let prod = exports(&lab.run(&["env", "prod", "--no-prompt", "--shell", "sh"]));
    assert_eq!(sts.actions(), Vec::<String>::new());
    assert_eq!(
        calls[2].security_token.as_deref(),
        Some(prod["AWS_SESSION_TOKEN"].as_str())
    );
    assert_ne!(calls[1].security_token, calls[2].security_token);

    let warm = exports(&lab.run(&["env", "ops", "--no-prompt", "--shell", "sh"]));
    assert_eq!(sts.actions(), Vec::<String>::new());
    assert_eq!(warm, ops);

    let o = lab.run(&["whoami", "ops", "--no-prompt"]);
    assert_quiet_success(&o);
    assert_eq!(sts.actions(), ["GetCallerIdentity"]);
    let out = stdout(&o);
    let arns: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("arn "))
        .map(str::trim)
        .collect();
    assert_eq!(
        arns,
        ["arn:aws:sts::210987654321:assumed-role/ops/alice"],
        "{out}"
    );
}

#[test]
fn a_chained_role_over_an_hour_is_clamped_with_a_warning() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());

    let o = lab.run(&["env", "ops", "-a", "3h", "-o", MFA_CODE, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "runas: warning: ops is reached by role chaining, which AWS limits to 1h; using 1h instead of 3h\n"
    );
    let calls = sts.calls();
    let actions: Vec<&str> = calls.iter().map(Request::action).collect();
    assert_eq!(
        actions,
        ["AssumeRole", "AssumeRole"],
        "over 1h: prod directly, no session"
    );
    assert_eq!(calls[0].param("RoleArn"), Some(PROD_ARN));
    assert_eq!(calls[0].param("DurationSeconds"), Some("10800"));
    assert_eq!(calls[0].param("TokenCode"), Some(MFA_CODE));
    assert_eq!(calls[1].param("RoleArn"), Some(OPS_ARN));
    assert_eq!(calls[1].param("DurationSeconds"), Some("3600"));
    assert_eq!(calls[1].param("TokenCode"), None);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_lifetime(doc["Expiration"].as_str().unwrap(), hours(1));
}

#[test]
fn session_flag_gives_the_session_token_credentials() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());

    let session = json(&lab.run(&["env", "prod", "-s", "-o", MFA_CODE, "--format", "json"]));
    assert_eq!(sts.actions(), ["GetSessionToken"]);
    assert_eq!(session["AccessKeyId"], MOTO_SESSION_KEY_ID);
    assert_eq!(session["SecretAccessKey"], MOTO_SESSION_SECRET);
    assert_lifetime(session["Expiration"].as_str().unwrap(), hours(12));
    let token = session["SessionToken"].as_str().unwrap().to_string();

    let again = json(&lab.run(&["env", "prod", "-s", "--no-prompt", "--format", "json"]));
    assert_eq!(sts.actions(), Vec::<String>::new());
    assert_eq!(again, session);

    // The role then comes from that session, without a code.
    let role = json(&lab.run(&["env", "prod", "--no-prompt", "--format", "json"]));
    let calls = sts.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].action(), "AssumeRole");
    assert_eq!(calls[0].security_token.as_deref(), Some(token.as_str()));
    assert_ne!(role["AccessKeyId"], session["AccessKeyId"]);
}

#[test]
fn temporary_source_keys_are_used_without_get_session_token() {
    const TOKEN: &str = "FwoGZXIvYXdzEFLOWSTESTSOURCESESSIONTOKENzzzz";
    const SECRET: &str = "flowsTestTemporarySourceSecretKey0000000";
    let credentials = format!(
        "[default]\naws_access_key_id = ASIAFLOWSTESTSOURCE1\naws_secret_access_key = {SECRET}\n\
         aws_session_token = {TOKEN}\n"
    );
    let sts = LocalSts::start();
    let lab = Lab::with_files(&sts.endpoint(), CONFIG, &credentials);
    lab.secret(SECRET);
    lab.secret(TOKEN);

    // mfa_serial is set, but the keys are already a session: no code, no GetSessionToken.
    let role = json(&lab.run(&["env", "prod", "--no-prompt", "--format", "json"]));
    let calls = sts.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].action(), "AssumeRole");
    assert_eq!(calls[0].param("RoleArn"), Some(PROD_ARN));
    assert_eq!(calls[0].param("TokenCode"), None);
    assert_eq!(calls[0].security_token.as_deref(), Some(TOKEN));
    assert!(role["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));

    // The keys profile itself: the keys as they are, no call at all.
    let keys = json(&lab.run(&["env", "default", "--no-prompt", "--format", "json"]));
    assert_eq!(sts.actions(), Vec::<String>::new());
    assert_eq!(keys["AccessKeyId"], "ASIAFLOWSTESTSOURCE1");
    assert_eq!(keys["SessionToken"], TOKEN);
}

#[test]
fn a_role_arn_instead_of_a_profile_is_assumed_with_the_default_keys() {
    const ARN: &str = "arn:aws:iam::123456789012:role/x";
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());

    let o = lab.run(&["env", ARN, "-o", MFA_CODE, "--shell", "sh"]);
    let vars = exports(&o);
    let calls = sts.calls();
    let actions: Vec<&str> = calls.iter().map(Request::action).collect();
    // [default] has mfa_serial: its MFA session first, then the role.
    assert_eq!(actions, ["GetSessionToken", "AssumeRole"]);
    assert_eq!(calls[0].param("SerialNumber"), Some(MFA_SERIAL));
    assert_eq!(calls[1].param("RoleArn"), Some(ARN));
    assert!(!vars.contains_key("AWSRUNAS_PROFILE"), "{vars:?}");
    assert!(
        stdout(&o).lines().any(|l| l == "unset AWSRUNAS_PROFILE"),
        "{}",
        stdout(&o)
    );
    assert_eq!(vars["AWS_REGION"], "us-east-1", "[default]'s region");

    let who = json(&lab.run(&["whoami", ARN, "--no-prompt", "--json"]));
    assert_eq!(sts.actions(), ["GetCallerIdentity"]);
    assert_eq!(who["Arn"], "arn:aws:sts::123456789012:assumed-role/x/alice");
}

#[test]
fn external_id_session_name_and_durations_reach_sts() {
    const AUDIT_ARN: &str = "arn:aws:iam::123456789012:role/audit";
    let config = format!(
        "{CONFIG}\n[profile audit]\nrole_arn = {AUDIT_ARN}\nsource_profile = default\nexternal_id = ext-4242\n\
         role_session_name = flows-session\ncredentials_duration = 45m\nsession_token_duration = 2h\n"
    );
    let sts = LocalSts::start();
    let lab = Lab::with_files(&sts.endpoint(), &config, CREDENTIALS);

    // The name in the file, not the sandbox's AWS_ROLE_SESSION_NAME.
    let doc = json(&lab.run_with(
        &["env", "audit", "-o", MFA_CODE, "--format", "json"],
        &[("AWS_ROLE_SESSION_NAME", "")],
    ));
    let calls = sts.calls();
    let actions: Vec<&str> = calls.iter().map(Request::action).collect();
    assert_eq!(actions, ["GetSessionToken", "AssumeRole"]);
    assert_eq!(calls[0].param("DurationSeconds"), Some("7200"));
    let role = &calls[1];
    assert_eq!(role.param("RoleArn"), Some(AUDIT_ARN));
    assert_eq!(role.param("ExternalId"), Some("ext-4242"));
    assert_eq!(role.param("RoleSessionName"), Some("flows-session"));
    assert_eq!(role.param("DurationSeconds"), Some("2700"));
    assert_lifetime(doc["Expiration"].as_str().unwrap(), Duration::from_secs(45 * 60));
    let who = json(&lab.run_with(
        &["whoami", "audit", "--no-prompt", "--json"],
        &[("AWS_ROLE_SESSION_NAME", "")],
    ));
    assert_eq!(sts.actions(), ["GetCallerIdentity"]);
    assert_eq!(
        who["Arn"],
        "arn:aws:sts::123456789012:assumed-role/audit/flows-session"
    );

    // Flags and variables win over the file; the session token is the same one, still cached.
    let doc = json(&lab.run_with(
        &[
            "env",
            "audit",
            "-X",
            "ext-flag",
            "-a",
            "50m",
            "--no-prompt",
            "--format",
            "json",
        ],
        &[("AWS_ROLE_SESSION_NAME", "from-env")],
    ));
    let calls = sts.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].action(), "AssumeRole");
    assert_eq!(calls[0].param("ExternalId"), Some("ext-flag"));
    assert_eq!(calls[0].param("RoleSessionName"), Some("from-env"));
    assert_eq!(calls[0].param("DurationSeconds"), Some("3000"));
    assert_lifetime(doc["Expiration"].as_str().unwrap(), Duration::from_secs(50 * 60));

    // -d and MFA_CODE for a keys profile: a new session of that length.
    let doc = json(&lab.run_with(
        &["env", "default", "-d", "3h", "--format", "json"],
        &[("MFA_CODE", MFA_CODE)],
    ));
    let calls = sts.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].action(), "GetSessionToken");
    assert_eq!(calls[0].param("DurationSeconds"), Some("10800"));
    assert_eq!(calls[0].param("TokenCode"), Some(MFA_CODE));
    assert_lifetime(doc["Expiration"].as_str().unwrap(), hours(3));
}

// ---------------------------------------------------------------------------------------------
// Many processes at once

/// The cache's lock files for `profile` in `lab`, made and locked by this test process, so
/// every runas started meanwhile has to wait: released when dropped. This is how "20 started
/// at once" is made certain: without it, a `--refresh` started after the first one finished
/// would rightly fetch again.
fn hold_locks(lab: &Lab, profile: &str) -> Vec<File> {
    let mut env = runas::EnvMap::new();
    for (name, value) in lab.sandbox.command().get_envs() {
        if let Some(value) = value {
            env.insert(
                name.to_str().unwrap().to_string(),
                value.to_str().unwrap().to_string(),
            );
        }
    }
    let files = runas::config::Files::load(&runas::config::Paths::from_env(&env)).unwrap();
    let resolved =
        runas::config::resolve(&files, &env, &runas::config::Overrides::default(), profile).unwrap();
    let cache = runas::cache::Cache::new(lab.sandbox.cache_dir(), runas::cache::Cache::DEFAULT_WINDOW);
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(cache.dir())
        .unwrap();
    runas::provider::cache_keys(&resolved)
        .iter()
        .map(|key| {
            let file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(cache.lock_path(key))
                .unwrap();
            file.lock().unwrap();
            file
        })
        .collect()
}

/// Starts `n` runas with `args` at once while this process holds the profile's locks, waits
/// until each has said it is waiting for the lock, lets go, and returns their outputs.
fn run_at_once(lab: &Lab, n: usize, args: &[&str]) -> Vec<Output> {
    let locks = hold_locks(lab, "prod");
    let err_path = |i: usize| lab.home().join(format!("stderr-{i}"));
    let children: Vec<_> = (0..n)
        .map(|i| {
            lab.sandbox
                .command()
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(File::create(err_path(i)).unwrap())
                .spawn()
                .unwrap()
        })
        .collect();
    wait_for("every runas to wait for the lock", || {
        (0..n).all(|i| fs::read_to_string(err_path(i)).is_ok_and(|e| e.contains(LOCK_NOTICE)))
    });
    drop(locks);
    children
        .into_iter()
        .enumerate()
        .map(|(i, child)| {
            let mut output = child.wait_with_output().unwrap();
            output.stderr = fs::read(err_path(i)).unwrap();
            lab.keep(&output);
            output
        })
        .collect()
}

/// Each run succeeded and said nothing but that it waited; all printed the same document.
fn same_document(outputs: &[Output]) -> serde_json::Value {
    for o in outputs {
        assert!(o.status.success(), "stderr: {}", stderr(o));
        let err = stderr(o);
        assert!(
            err.lines().all(|l| l.contains(LOCK_NOTICE)),
            "only the lock notice on stderr: {err}"
        );
    }
    let first = json_of(&outputs[0]);
    for o in &outputs[1..] {
        assert_eq!(json_of(o), first);
    }
    assert!(first["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!(!first["SecretAccessKey"].as_str().unwrap().is_empty());
    assert!(!first["SessionToken"].as_str().unwrap().is_empty());
    assert_lifetime(first["Expiration"].as_str().unwrap(), hours(1));
    first
}

fn json_of(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn twenty_processes_at_once_make_one_session_call_and_one_role_call() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());

    let cold = run_at_once(&lab, 20, &["env", "prod", "-o", MFA_CODE, "--format", "json"]);
    let first = same_document(&cold);
    assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole"]);

    let refreshed = run_at_once(
        &lab,
        20,
        &["env", "prod", "-r", "--no-prompt", "--format", "json"],
    );
    let second = same_document(&refreshed);
    assert_eq!(sts.actions(), ["AssumeRole"]);
    assert_ne!(second["AccessKeyId"], first["AccessKeyId"]);
}

// ---------------------------------------------------------------------------------------------
// Failures

#[test]
fn a_dead_endpoint_fails_fast_with_one_line_naming_it() {
    let endpoint = dead_endpoint();
    let lab = Lab::new(&endpoint);
    let started = Instant::now();
    let o = lab.run(&["env", "prod", "-o", MFA_CODE]);
    let took = started.elapsed();
    assert_error(&o, &endpoint);
    assert!(took < DEAD_ENDPOINT_BOUND, "took {took:?}");
    assert!(
        lab.sandbox.cache_entries().is_empty(),
        "{:?}",
        lab.sandbox.cache_entries()
    );
}

#[test]
fn a_corrupt_cache_file_is_a_miss_and_is_replaced() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());
    exports(&lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]));
    assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole"]);
    let entries = lab.sandbox.cache_entries();
    assert_eq!(entries.len(), 2);

    type Damage = fn(&Path);
    let damages: [(&str, Damage); 6] = [
        ("empty", |p| fs::write(p, "").unwrap()),
        ("truncated", |p| {
            let len = fs::metadata(p).unwrap().len();
            File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
        }),
        ("garbage", |p| {
            fs::write(p, b"\xff\xfe\x00garbage\x00{{{").unwrap()
        }),
        ("not an entry", |p| fs::write(p, "{}").unwrap()),
        ("no credentials", |p| fs::write(p, "{\"version\":2}").unwrap()),
        ("a future version", |p| {
            let text = fs::read_to_string(p).unwrap();
            assert!(text.contains("\"version\":2"), "{text}");
            fs::write(p, text.replacen("\"version\":2", "\"version\":99", 1)).unwrap();
        }),
    ];
    for (damage, apply) in damages {
        for entry in &entries {
            apply(entry);
        }
        let o = lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]);
        assert!(o.status.success(), "{damage}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "{damage}: {}", stderr(&o));
        exports(&o);
        assert_eq!(
            sts.actions(),
            ["GetSessionToken", "AssumeRole"],
            "{damage}: both entries fetched again"
        );
        assert_eq!(
            lab.sandbox.cache_entries(),
            entries,
            "{damage}: replaced in place"
        );
        for entry in &entries {
            let doc: serde_json::Value = serde_json::from_slice(&fs::read(entry).unwrap())
                .unwrap_or_else(|e| panic!("{damage}: {} not replaced: {e}", entry.display()));
            assert_eq!(doc["version"], 2, "{damage}");
            assert_eq!(mode(entry), 0o600, "{damage}");
        }
        // And the replacement is used.
        exports(&lab.run(&["env", "prod", "--no-prompt", "--shell", "sh"]));
        assert_eq!(sts.actions(), Vec::<String>::new(), "{damage}");
    }
}

#[test]
fn a_cache_file_others_can_write_is_refused_with_a_warning_and_replaced() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());
    exports(&lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]));
    assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole"]);
    let entries = lab.sandbox.cache_entries();
    assert_eq!(entries.len(), 2);

    for unsafe_mode in [0o620, 0o602, 0o666] {
        for entry in &entries {
            fs::set_permissions(entry, fs::Permissions::from_mode(unsafe_mode)).unwrap();
        }
        let o = lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let err = stderr(&o);
        for entry in &entries {
            let warning = format!(
                "runas: warning: ignoring cache file {}: other users can write it (mode {unsafe_mode:03o})",
                entry.display()
            );
            assert_eq!(
                err.lines().filter(|l| l.starts_with(&warning)).count(),
                1,
                "one warning per file: {err}"
            );
        }
        assert_eq!(err.lines().count(), entries.len(), "{err}");
        assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole"]);
        for entry in &entries {
            assert_eq!(mode(entry), 0o600, "{} replaced by a 0600 file", entry.display());
        }
        exports(&lab.run(&["env", "prod", "--no-prompt", "--shell", "sh"]));
        assert_eq!(sts.actions(), Vec::<String>::new());
    }
}

fn stub_calls(stub: &Stub) -> Vec<Request> {
    stub.requests().iter().map(|raw| Request::parse(raw)).collect()
}

#[test]
fn expired_token_on_a_cached_session_drops_it_and_retries_once() {
    let stub = Stub::start(vec![
        Answer::session_token_ok(
            "ASIASTUBSESSIONONE00",
            "StubSessionTokenOne",
            &sts_time(hours(12)),
        ),
        Answer::assume_role_ok("ASIASTUBROLEONE00000", "arn:x", &sts_time(hours(1))),
        // The cached session is refused, as when it was revoked.
        Answer::expired_token(),
        Answer::session_token_ok(
            "ASIASTUBSESSIONTWO00",
            "StubSessionTokenTwo",
            &sts_time(hours(12)),
        ),
        Answer::assume_role_ok("ASIASTUBROLETWO00000", "arn:x", &sts_time(hours(1))),
    ]);
    let lab = Lab::new(&stub.endpoint());
    lab.secret("StubSessionTokenOne");
    lab.secret("StubSessionTokenTwo");

    let first = exports(&lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]));
    assert_eq!(first["AWS_ACCESS_KEY_ID"], "ASIASTUBROLEONE00000");

    let second = exports(&lab.run(&["env", "prod", "-r", "-o", MFA_CODE, "--shell", "sh"]));
    assert_eq!(second["AWS_ACCESS_KEY_ID"], "ASIASTUBROLETWO00000");
    let calls = stub_calls(&stub);
    let actions: Vec<&str> = calls.iter().map(Request::action).collect();
    assert_eq!(
        actions,
        [
            "GetSessionToken",
            "AssumeRole",
            "AssumeRole",
            "GetSessionToken",
            "AssumeRole"
        ]
    );
    assert_eq!(calls[2].security_token.as_deref(), Some("StubSessionTokenOne"));
    assert_eq!(
        calls[3].security_token, None,
        "a new session from the long-term keys"
    );
    assert_eq!(calls[3].param("TokenCode"), Some(MFA_CODE));
    assert_eq!(calls[4].security_token.as_deref(), Some("StubSessionTokenTwo"));

    // The new session replaced the dropped one: the next refresh uses it.
    let o = lab.run(&["env", "prod", "-s", "--no-prompt", "--format", "json"]);
    assert_eq!(json(&o)["AccessKeyId"], "ASIASTUBSESSIONTWO00");
    assert_eq!(stub.hits(), 5);
}

#[test]
fn expired_token_again_after_the_retry_is_reported() {
    let stub = Stub::start(vec![
        Answer::session_token_ok(
            "ASIASTUBSESSIONONE00",
            "StubSessionTokenOne",
            &sts_time(hours(12)),
        ),
        Answer::assume_role_ok("ASIASTUBROLEONE00000", "arn:x", &sts_time(hours(1))),
        Answer::expired_token(),
        Answer::session_token_ok(
            "ASIASTUBSESSIONTWO00",
            "StubSessionTokenTwo",
            &sts_time(hours(12)),
        ),
        // The last answer repeats: every later request gets ExpiredToken.
        Answer::expired_token(),
    ]);
    let lab = Lab::new(&stub.endpoint());
    lab.secret("StubSessionTokenOne");
    lab.secret("StubSessionTokenTwo");
    exports(&lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]));

    let o = lab.run(&["env", "prod", "-r", "-o", MFA_CODE]);
    assert_error(&o, "STS AssumeRole at ");
    let err = stderr(&o);
    assert!(err.contains("expired") && err.contains("--refresh"), "{err}");
    // runas's own calls: the SDK may repeat the last one when an attempt times out on a loaded
    // machine (it got the same ExpiredToken), which is not runas retrying.
    let calls = stub_calls(&stub);
    let made: Vec<&str> = calls
        .iter()
        .filter(|c| c.attempt == 1)
        .map(Request::action)
        .collect();
    assert_eq!(
        made,
        [
            "GetSessionToken",
            "AssumeRole",
            "AssumeRole",
            "GetSessionToken",
            "AssumeRole"
        ],
        "retried once, not more: {calls:#?}"
    );
}

/// A stub that gives a session, then refuses the role with AccessDenied.
fn access_denied_stub() -> Stub {
    Stub::start(vec![
        Answer::session_token_ok(
            "ASIASTUBSESSIONONE00",
            "StubSessionTokenOne",
            &sts_time(hours(12)),
        ),
        Answer::sts_error(403, "AccessDenied", "Not authorized to perform sts:AssumeRole"),
    ])
}

#[test]
fn access_denied_names_the_role_and_who_tried() {
    let stub = access_denied_stub();
    let lab = Lab::new(&stub.endpoint());
    lab.secret("StubSessionTokenOne");

    let o = lab.run(&["env", "prod", "-o", MFA_CODE]);
    assert_error(&o, PROD_ARN);
    let err = stderr(&o);
    assert!(
        err.contains("Not authorized to perform sts:AssumeRole"),
        "STS's message: {err}"
    );
    assert!(err.contains(&stub.endpoint()), "{err}");
    assert!(
        err.contains("ASIA…NE00"),
        "the (masked) session key that tried: {err}"
    );
    assert!(!err.contains("ASIASTUBSESSIONONE00"), "{err}");
    assert_eq!(stub.hits(), 2, "an AccessDenied is not retried");
    let entries = lab.sandbox.cache_entries();
    assert_eq!(entries.len(), 1, "the session stays cached, no role: {entries:?}");
}

/// Error messages say what STS said (code and message). The code is kept in
/// `Error::Sts` but the one line on stderr shows only STS's message, and AWS's AccessDenied
/// message ("User: … is not authorized to perform: sts:AssumeRole …") does not contain it.
#[test]
fn sts_errors_show_the_code_sts_sent() {
    let stub = access_denied_stub();
    let lab = Lab::new(&stub.endpoint());
    lab.secret("StubSessionTokenOne");
    let o = lab.run(&["env", "prod", "-o", MFA_CODE]);
    assert_error(&o, PROD_ARN);
    assert!(
        stderr(&o).contains("AccessDenied"),
        "the code STS sent: {}",
        stderr(&o)
    );
}

#[test]
fn without_a_terminal_or_a_valid_code_nothing_reaches_sts() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());

    // setsid: a new session with no controlling terminal, so /dev/tty cannot be opened.
    let o = lab
        .wrapped("setsid", &["--wait"], &["env", "prod", "--shell", "sh"])
        .output()
        .unwrap();
    lab.keep(&o);
    assert_error(
        &o,
        "an MFA code is needed for arn:aws:iam::123456789012:mfa/alice and there is no terminal to ask on; \
         pass -o CODE or set MFA_CODE",
    );

    // Spaces are not a mistake (" 123456", "123 456" are taken): only the digits count.
    for bad in ["12345", "1234567", "12345a", "1 23 45"] {
        let o = lab.run(&["env", "prod", "-o", bad]);
        assert_error(&o, "MFA code must be 6 digits");
        let o = lab.run_with(&["env", "prod"], &[("MFA_CODE", bad)]);
        assert_error(&o, "MFA code must be 6 digits");
    }
    assert_eq!(sts.actions(), Vec::<String>::new());
    assert!(lab.sandbox.cache_entries().is_empty());
}

// ---------------------------------------------------------------------------------------------
// The cache commands and flags

#[test]
fn cache_clear_removes_a_profiles_own_entries_and_lists_what_it_removed() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());
    exports(&lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]));
    exports(&lab.run(&["env", "ops", "--no-prompt", "--shell", "sh"]));
    assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole", "AssumeRole"]);
    assert_eq!(lab.sandbox.cache_entries().len(), 3, "session, prod, ops");

    // `cache list`: each entry's profile, kind and expiry, and never a secret.
    let o = lab.run(&["cache", "list"]);
    assert_quiet_success(&o);
    let rows: Vec<Vec<String>> = stdout(&o)
        .lines()
        .map(|l| l.split_whitespace().take(3).map(str::to_string).collect())
        .collect();
    let kinds: Vec<(&str, &str)> = rows.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(
        kinds,
        [("default", "session"), ("ops", "role"), ("prod", "role")],
        "{}",
        stdout(&o)
    );
    assert!(
        rows.iter().all(|r| humantime::parse_rfc3339(&r[2]).is_ok()),
        "{}",
        stdout(&o)
    );
    assert!(
        !stdout(&o).contains("ASIA") && !stdout(&o).contains("Secret"),
        "{}",
        stdout(&o)
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&lab.run(&["cache", "list", "--json"]))).unwrap();
    crate::common::sandbox::assert_json_style(&json, &["Expiration"]);
    assert_eq!(json[0]["Profile"], "default");
    assert_eq!(json[0]["Kind"], "session");

    // A profile's own role credentials only: the MFA session it shares stays, and says so.
    let o = lab.run(&["cache", "clear", "prod"]);
    assert_quiet_success(&o);
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("prod  role  "), "{text}");
    assert_eq!(
        lines[1],
        "removed 1 cache entry; the session of default stays (--session removes it too)"
    );
    assert_eq!(lab.sandbox.cache_entries().len(), 2, "the session and ops stay");
    // prod goes back to STS, without a code: the session is still there.
    exports(&lab.run(&["env", "prod", "--no-prompt", "--shell", "sh"]));
    assert_eq!(sts.actions(), ["AssumeRole"]);

    // --session takes the session too.
    let o = lab.run(&["cache", "clear", "prod", "--session"]);
    assert_eq!(
        stdout(&o).lines().last().unwrap(),
        "removed 2 cache entries",
        "{}",
        stdout(&o)
    );
    assert_eq!(lab.sandbox.cache_entries().len(), 1, "ops's own entry stays");
    let o = lab.run(&["env", "prod", "--no-prompt"]);
    assert_error(&o, "an MFA code is needed");
    exports(&lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]));
    assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole"]);

    // --all: every entry of the profile's chain.
    let o = lab.run(&["cache", "clear", "ops", "--all"]);
    assert_eq!(
        stdout(&o).lines().last().unwrap(),
        "removed 3 cache entries",
        "{}",
        stdout(&o)
    );
    assert!(lab.sandbox.cache_entries().is_empty());

    exports(&lab.run(&["env", "ops", "-o", MFA_CODE, "--shell", "sh"]));
    assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole", "AssumeRole"]);
    let o = lab.run(&["cache", "clear", "default"]);
    assert_eq!(
        stdout(&o).lines().last().unwrap(),
        "removed 1 cache entry",
        "default's own session"
    );
    let o = lab.run(&["cache", "clear"]);
    assert_quiet_success(&o);
    assert_eq!(stdout(&o).lines().last().unwrap(), "removed 2 cache entries");
    assert!(lab.sandbox.cache_entries().is_empty());
    let o = lab.run(&["cache", "clear"]);
    assert_eq!(stdout(&o), "removed 0 cache entries\n");
    assert_eq!(stdout(&lab.run(&["cache", "list"])), "");
}

/// The cache entry of the session token (moto's session keys are always the same).
fn session_entry(lab: &Lab) -> PathBuf {
    let sessions: Vec<PathBuf> = lab
        .sandbox
        .cache_entries()
        .into_iter()
        .filter(|p| fs::read_to_string(p).unwrap().contains(MOTO_SESSION_KEY_ID))
        .collect();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    sessions.into_iter().next().unwrap()
}

/// Cached role credentials: 0 requests. `Provider::attempt` gets the session token
/// (from the cache, else from STS with an MFA code) before it looks at the cached role, so a
/// valid role whose session entry is gone (cleared with `runas cache clear` of the source
/// profile, corrupt, or expired before the role: `session_token_duration = 15m`) asks for an
/// MFA code and calls GetSessionToken for nothing. Chains (`ops`) do the same.
#[test]
fn a_valid_cached_role_is_used_without_its_session() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());
    let cold = exports(&lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]));
    exports(&lab.run(&["env", "ops", "--no-prompt", "--shell", "sh"]));
    assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole", "AssumeRole"]);
    fs::remove_file(session_entry(&lab)).unwrap();

    let warm = exports(&lab.run(&["env", "prod", "--no-prompt", "--shell", "sh"]));
    assert_eq!(warm, cold);
    exports(&lab.run(&["env", "ops", "--no-prompt", "--shell", "sh"]));
    assert_eq!(sts.actions(), Vec::<String>::new());
}

#[test]
fn expiration_flag_prints_the_expiry_on_stderr_and_nothing_more_on_stdout() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());
    let o = lab.run(&["env", "prod", "-e", "-o", MFA_CODE, "--shell", "sh"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plain = lab.run(&["env", "prod", "--no-prompt", "--shell", "sh"]);
    assert_quiet_success(&plain);
    assert_eq!(stdout(&o), stdout(&plain), "-e adds nothing to stdout");
    let expiry = &parse_exports(&stdout(&o))["AWS_CREDENTIAL_EXPIRATION"];
    // When, and how long from now, as aws-runas said it (an hour, rounded down).
    let said = stderr(&o);
    assert!(
        said == format!("runas: credentials expire at {expiry} (in 59m)\n")
            || said == format!("runas: credentials expire at {expiry} (in 1h00m)\n"),
        "{said:?}"
    );
    assert_lifetime(expiry, hours(1));

    let o = lab.run(&["env", "prod", "--expiration", "--no-prompt", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let said = stderr(&o);
    let expiry = doc["Expiration"].as_str().unwrap();
    assert!(
        said.starts_with(&format!("runas: credentials expire at {expiry} (in ")) && said.ends_with("m)\n"),
        "{said:?}"
    );
    assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole"]);
}

// ---------------------------------------------------------------------------------------------
// The terminal and the warm path

#[test]
fn the_mfa_prompt_is_on_the_terminal_and_stdout_holds_only_the_exports() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());
    let out = lab.home().join("out");
    let err = lab.home().join("err");
    let status = lab.home().join("status");

    // As `eval "$(runas env prod)"` runs it: stdout to a capture, stdin not a terminal; the
    // pane stays open afterwards so its screen can be read.
    let script = format!(
        "{} env prod --shell sh >{} 2>{} </dev/null\necho $? >{}.tmp && mv {}.tmp {}\nexec sleep 600\n",
        lab.sandbox.command_line(&[]),
        sh_quote(&out),
        sh_quote(&err),
        sh_quote(&status),
        sh_quote(&status),
        sh_quote(&status),
    );
    let script_path = lab.home().join("prompt.sh");
    fs::write(&script_path, script).unwrap();

    let env = [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("TERM", "xterm".to_string()),
    ]
    .map(|(k, v)| (k.to_string(), v));
    let term = Term::start("sh", &[script_path.to_str().unwrap()], &env, lab.home());

    // capture-pane drops the trailing space of "…/alice: ".
    let prompt = format!("MFA code for {MFA_SERIAL}:");
    wait_for("the MFA prompt", || term.screen().contains(&prompt));
    assert!(!status.exists(), "runas waits for the code");
    // rpassword writes the prompt, then turns echo off: keys sent in between would be echoed
    // (the one failure this test had, under load). A person cannot type that fast; the test
    // waits for the terminal to stop echoing, as a person's first key always does.
    let tty = term.tty();
    wait_for("the terminal to stop echoing", || {
        let o = Command::new("stty").args(["-F", &tty, "-a"]).output().unwrap();
        stdout(&o).split_whitespace().any(|flag| flag == "-echo")
    });
    term.type_text(MFA_CODE);
    term.keys(&["Enter"]);
    wait_for("runas to finish", || status.exists());

    let err = fs::read_to_string(&err).unwrap();
    let out = fs::read_to_string(&out).unwrap();
    lab.keep_texts(&out, &err);
    assert_eq!(fs::read_to_string(&status).unwrap().trim(), "0", "stderr: {err}");
    assert_eq!(err, "");
    assert!(!out.contains("MFA"), "the prompt is not on stdout: {out}");
    let vars = parse_exports(&out);
    assert!(vars["AWS_ACCESS_KEY_ID"].starts_with("ASIA"), "{out}");
    assert_eq!(vars["AWSRUNAS_PROFILE"], "prod");
    let screen = term.screen();
    assert!(
        !contains_code(&screen, MFA_CODE),
        "the code is not echoed: {screen}"
    );
    assert!(!screen.contains("AWS_"), "no exports on the terminal: {screen}");

    let calls = sts.calls();
    let actions: Vec<&str> = calls.iter().map(Request::action).collect();
    assert_eq!(actions, ["GetSessionToken", "AssumeRole"]);
    assert_eq!(
        calls[0].param("TokenCode"),
        Some(MFA_CODE),
        "the typed code reached STS"
    );
}

/// The syscalls strace saw runas make, one a line.
fn strace(lab: &Lab, args: &[&str]) -> String {
    let trace = lab.home().join("strace.out");
    let _ = fs::remove_file(&trace);
    let o = lab
        .wrapped(
            "strace",
            &[
                "-f",
                "-qq",
                "-e",
                "trace=socket,connect,clone,clone3",
                "-o",
                trace.to_str().unwrap(),
            ],
            args,
        )
        .output()
        .unwrap_or_else(|e| panic!("cannot run strace ({e}): scripts/test installs it"));
    lab.keep(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    fs::read_to_string(&trace).unwrap()
}

#[test]
fn a_warm_call_opens_no_socket_and_starts_no_thread() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());
    exports(&lab.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"]));
    assert_eq!(sts.actions(), ["GetSessionToken", "AssumeRole"]);

    let warm = strace(&lab, &["env", "prod", "--no-prompt", "--shell", "sh"]);
    for call in ["socket(", "connect(", "CLONE_THREAD", "clone3("] {
        assert!(!warm.contains(call), "{call} in a warm run:\n{warm}");
    }
    assert_eq!(sts.actions(), Vec::<String>::new());

    // The same check sees a cold call: it does connect to the local STS.
    let cold = strace(&lab, &["env", "prod", "-r", "--no-prompt", "--shell", "sh"]);
    let port = sts.endpoint().rsplit(':').next().unwrap().to_string();
    assert!(
        cold.lines().any(|l| l.contains("connect(")
            && l.contains("127.0.0.1")
            && l.contains(&format!("htons({port})"))),
        "no connect to the STS in a cold run:\n{cold}"
    );
    assert_eq!(sts.actions(), ["AssumeRole"]);
}

/// whoami with long-term keys needs no MFA code (GetCallerIdentity takes the keys as they are),
/// and with no profile named it asks about `default`, as the AWS CLI does.
#[test]
fn whoami_of_long_term_keys_asks_no_code_and_defaults_to_default() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());
    let o = lab.run(&["whoami", "--no-prompt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("arn "), "{}", stdout(&o));
    assert_eq!(
        sts.actions(),
        ["GetCallerIdentity"],
        "no GetSessionToken, so no MFA code"
    );
}

/// `-v` says each decision on stderr, one line each: the files, the profile and where its name
/// came from, the chain, each cache hit or miss and why, each STS call with its endpoint and
/// time. The secrets check of every run covers these lines too.
#[test]
fn verbose_says_each_decision() {
    let sts = LocalSts::start();
    let lab = Lab::new(&sts.endpoint());
    let o = lab.run(&["env", "prod", "-v", "-o", MFA_CODE, "--shell", "sh"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let config = lab.home().join(".aws/config");
    for line in [
        format!("runas: [-v] files: config {} (the default)", config.display()),
        "runas: [-v] profile \"prod\", from the command line".to_string(),
        "runas: [-v] chain: default (keys) → prod (arn:aws:iam::123456789012:role/prod)".to_string(),
        "runas: [-v] role of prod: cache miss (none cached)".to_string(),
        "runas: [-v] session of default: cache miss (none cached)".to_string(),
        format!(
            "runas: [-v] STS GetSessionToken at {}: answered in ",
            sts.endpoint()
        ),
        format!("runas: [-v] STS AssumeRole at {}: answered in ", sts.endpoint()),
    ] {
        assert!(err.lines().any(|l| l.starts_with(&line)), "{line:?} in:\n{err}");
    }
    let o = lab.run_with(&["env", "-v", "--shell", "sh"], &[("AWS_PROFILE", "prod")]);
    let err = stderr(&o);
    assert!(
        err.contains("runas: [-v] profile \"prod\", from AWS_PROFILE\n"),
        "{err}"
    );
    assert!(
        err.contains("runas: [-v] role of prod: cache hit, expires "),
        "{err}"
    );
    assert!(!err.contains("STS "), "a warm run calls nothing: {err}");
    // Without -v, none of it.
    let o = lab.run(&["env", "prod", "--shell", "sh"]);
    assert_eq!(stderr(&o), "");
}
