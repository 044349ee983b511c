//! `credential_process`: run a command and read the credentials it prints, as the AWS CLI does
//! (<https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html>).
//!
//! The command line is split as a POSIX shell splits words (quotes and backslashes), without a
//! shell: nothing in it, and nothing in the profile's name, is run as shell code. stdin and
//! stderr are the terminal's, so the command can ask for a passphrase or say what failed;
//! stdout is read (at most `MAX_OUTPUT`) as the JSON document of version 1. A failure names
//! the profile and the command's first word, never what the command printed, which may hold
//! secrets.

use crate::creds::Credentials;
use crate::{Error, Result};
use std::io::Read;
use std::process::{Command, Stdio};

/// How much a command may print: a credentials document is well under 4 KiB.
const MAX_OUTPUT: u64 = 1 << 20;

/// The profiles whose `credential_process` is running in the runas processes above this one,
/// one a line: a profile that is already there would run itself again for ever.
pub const CHAIN_VAR: &str = "RUNAS_CREDENTIAL_PROCESS_CHAIN";

/// Runs `command` for `profile` and returns the credentials it prints. `chain` is this
/// process's `CHAIN_VAR`.
pub fn run(profile: &str, command: &str, chain: Option<&str>, now: u64) -> Result<Credentials> {
    let words = split(command).ok_or_else(|| failure(profile, command, "its quotes do not close"))?;
    let Some((program, args)) = words.split_first() else {
        return Err(failure(profile, command, "it is empty"));
    };
    check_loop(profile, command, chain)?;
    let chain = chain.unwrap_or("");
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .env(CHAIN_VAR, format!("{chain}{profile}\n"))
        .spawn()
        .map_err(|e| failure(profile, command, &format!("cannot run it: {e}")))?;
    let mut out = Vec::new();
    let read = child
        .stdout
        .take()
        .expect("stdout is piped")
        .take(MAX_OUTPUT + 1)
        .read_to_end(&mut out);
    let status = child
        .wait()
        .map_err(|e| failure(profile, command, &e.to_string()))?;
    read.map_err(|e| failure(profile, command, &format!("cannot read what it printed: {e}")))?;
    if !status.success() {
        let how = match status.code() {
            Some(code) => format!("it exited with status {code}"),
            None => "it was killed by a signal".into(),
        };
        return Err(failure(profile, command, &how));
    }
    if out.len() as u64 > MAX_OUTPUT {
        return Err(failure(profile, command, "it printed more than 1 MiB"));
    }
    parse(&out, now).map_err(|problem| failure(profile, command, problem))
}

/// Fails when `profile`'s command is already running above this runas (`chain` is this
/// process's `CHAIN_VAR`): it runs runas for the same profile, which would run it again for
/// ever. Checked before anything else, the cache's lock included, which the runas above holds.
pub fn check_loop(profile: &str, command: &str, chain: Option<&str>) -> Result<()> {
    if chain.unwrap_or("").lines().any(|p| p == profile) {
        return Err(failure(
            profile,
            command,
            "it runs runas for this same profile, which would run it again; point it at another \
             profile or a program of its own",
        ));
    }
    Ok(())
}

fn failure(profile: &str, command: &str, problem: &str) -> Error {
    Error::Process {
        profile: profile.to_string(),
        program: command.split_whitespace().next().unwrap_or("").to_string(),
        problem: problem.to_string(),
    }
}

/// The credentials of a version 1 document, or what is wrong with it (never its content).
fn parse(out: &[u8], now: u64) -> std::result::Result<Credentials, &'static str> {
    let doc: serde_json::Value = serde_json::from_slice(out).map_err(|_| "what it printed is not JSON")?;
    if doc.get("Version").and_then(serde_json::Value::as_u64) != Some(1) {
        return Err("what it printed is not of Version 1");
    }
    let text = |key: &str| {
        doc.get(key)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let access_key_id = text("AccessKeyId").ok_or("what it printed has no AccessKeyId")?;
    let secret_access_key = text("SecretAccessKey").ok_or("what it printed has no SecretAccessKey")?;
    let expiration = match doc.get("Expiration") {
        None | Some(serde_json::Value::Null) => None,
        Some(value) => Some(
            value
                .as_str()
                .and_then(super::parse_rfc3339)
                .ok_or("its Expiration is not an RFC 3339 time")?,
        ),
    };
    if expiration.is_some_and(|e| e <= now) {
        return Err("the credentials it printed have expired");
    }
    Ok(Credentials {
        access_key_id: access_key_id.to_string(),
        secret_access_key: secret_access_key.to_string(),
        session_token: text("SessionToken").map(str::to_string),
        expiration,
    })
}

/// Words as a POSIX shell splits them (no expansion): `'…'` literal, `"…"` with `\"` `\\`
/// `\$` `` \` `` escapes, `\x` outside quotes. `None` when a quote does not close.
fn split(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => word.push(c),
                            '\n' => {}
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(c) => word.push(c),
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_split_as_a_posix_shell_splits_words() {
        assert_eq!(split("a b  c").unwrap(), ["a", "b", "c"]);
        assert_eq!(
            split(r#"op read "op://v/it's item" --x='a b'"#).unwrap(),
            ["op", "read", "op://v/it's item", "--x=a b"]
        );
        assert_eq!(split(r"a\ b 'c\d' ").unwrap(), ["a b", r"c\d"]);
        assert_eq!(split(r#""$(id)" `id`"#).unwrap(), ["$(id)", "`id`"]);
        assert_eq!(split("").unwrap(), Vec::<String>::new());
        assert_eq!(split("'open"), None);
    }

    #[test]
    fn a_version_1_document_is_read_with_any_offset() {
        let doc = br#"{"Version":1,"AccessKeyId":"ASIA","SecretAccessKey":"s","SessionToken":"t","Expiration":"2030-01-01T02:00:00+02:00"}"#;
        let c = parse(doc, 0).unwrap();
        assert_eq!(c.expiration, Some(1_893_456_000));
        assert_eq!(c.session_token.as_deref(), Some("t"));
        let long_term = parse(br#"{"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"s"}"#, 0).unwrap();
        assert_eq!((long_term.session_token, long_term.expiration), (None, None));
    }

    #[test]
    fn a_bad_document_says_what_is_wrong_without_its_content() {
        for (doc, says) in [
            (&b"secret!"[..], "not JSON"),
            (br#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"s"}"#, "not of Version 1"),
            (br#"{"Version":1,"SecretAccessKey":"s"}"#, "no AccessKeyId"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":""}"#, "no SecretAccessKey"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"soon"}"#, "not an RFC 3339"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"2000-01-01T00:00:00Z"}"#, "expired"),
        ] {
            let e = parse(doc, 1_700_000_000).unwrap_err();
            assert!(e.contains(says), "{e}");
        }
    }

    #[test]
    fn a_profile_already_running_its_process_is_a_loop() {
        let e = run("p", "/bin/true", Some("q\np\n"), 0).unwrap_err().to_string();
        assert!(e.contains("for this same profile"), "{e}");
    }

    #[test]
    fn a_failing_command_is_named_by_its_first_word_only() {
        let e = run("p", "/bin/sh -c 'echo SECRETOUTPUT; exit 3'", None, 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"/bin/sh\"") && e.contains("status 3"), "{e}");
        assert!(!e.contains("SECRETOUTPUT") && !e.contains("exit 3"), "{e}");
        let e = run("p", "/nonexistent/helper --token x", None, 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot run it") && !e.contains("--token"), "{e}");
    }
}
