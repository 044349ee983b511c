//! The secrets check every runas run in the suite goes through: stderr must hold no secret
//! access key, session token or MFA code. `Sandbox::run` and the other helpers that start
//! runas call `assert_no_secrets` on each stderr they collect.

use std::path::Path;

/// Secrets the suite hands out or gets back every time: the long-term secret of
/// `sandbox::CREDENTIALS`, moto's fixed GetSessionToken secret and tokens, and the stub's.
/// (moto's AssumeRole secrets are random: they are found in the run's stdout and cache.)
pub const KNOWN: &[&str] = &[
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT",
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22",
    "stubSecretAccessKeyStubSecretAccessKey00",
    "stubSessionSecretAccessKeyStubSession00",
    "StubSessionToken",
];

/// Secret-looking values in `text` (a run's stdout): on each line that names a secret
/// (`AWS_SECRET_ACCESS_KEY`, `SessionToken`, …, in any shell's syntax or JSON), every run of at
/// least 20 characters of the base64 alphabet that is not an access key id (`AKIA…`/`ASIA…`,
/// which AWS does not treat as secret) and not hex.
pub fn secrets_in(text: &str) -> Vec<String> {
    const NAMES: &[&str] = &[
        "SECRET_ACCESS_KEY",
        "SESSION_TOKEN",
        "SecretAccessKey",
        "SessionToken",
    ];
    text.lines()
        .filter(|line| NAMES.iter().any(|name| line.contains(name)))
        .flat_map(|line| line.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '+' | '='))))
        .map(|run| run.trim_matches(|c| c == '/' || c == '='))
        .filter(|run| run.len() >= 20)
        .filter(|run| !run.starts_with("AKIA") && !run.starts_with("ASIA"))
        .filter(|run| !run.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_string)
        .collect()
}

/// The secrets stored in the cache entries under `dir` (none when it does not exist).
pub fn secrets_in_cache(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        for field in ["secret_access_key", "session_token"] {
            if let Some(value) = doc["credentials"][field].as_str() {
                found.push(value.to_string());
            }
        }
    }
    found
}

/// The secret values written in an AWS config or credentials file (`aws_secret_access_key`,
/// `aws_session_token`), however odd the rest of the file is.
pub fn secrets_in_aws_file(path: &Path) -> Vec<String> {
    let text = String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
    text.lines()
        .filter_map(|line| line.split_once('='))
        .filter(|(key, _)| {
            let key = key.trim().to_ascii_lowercase();
            key == "aws_secret_access_key" || key == "aws_session_token"
        })
        .map(|(_, value)| value.trim().to_string())
        .filter(|value| value.len() >= 8)
        .collect()
}

/// The MFA code a run was given: `-o CODE`, `--otp CODE`, `--otp=CODE` or `MFA_CODE`.
pub fn mfa_code(args: &[&str], vars: &[(&str, &str)]) -> Option<String> {
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if *arg == "-o" || *arg == "--otp" {
            return args.next().map(|s| s.to_string());
        }
        if let Some(code) = arg.strip_prefix("--otp=") {
            return Some(code.to_string());
        }
    }
    vars.iter()
        .find(|(k, _)| *k == "MFA_CODE")
        .map(|(_, v)| v.to_string())
}

/// Panics, naming `what`, when `stderr` holds a known secret, one of `secrets`, or the MFA
/// `code` as a number of its own (not inside a longer one such as an account id).
pub fn assert_no_secrets(what: &str, stderr: &[u8], secrets: &[String], code: Option<&str>) {
    let text = String::from_utf8_lossy(stderr);
    for secret in KNOWN.iter().copied().chain(secrets.iter().map(String::as_str)) {
        assert!(
            secret.is_empty() || !text.contains(secret),
            "{what}: a secret ({}…) is on stderr: {text}",
            &secret[..secret.len().min(6)]
        );
    }
    if let Some(code) = code.filter(|c| !c.is_empty()) {
        let bytes = text.as_bytes();
        for (at, _) in text.match_indices(code) {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(at + code.len()).copied();
            let alone = !before.is_some_and(|b| b.is_ascii_alphanumeric())
                && !after.is_some_and(|b| b.is_ascii_alphanumeric());
            assert!(!alone, "{what}: the MFA code is on stderr: {text}");
        }
    }
}
