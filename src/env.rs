//! The ordered list of environment changes that `env`, `unset` and `exec` all consume, so the
//! three cannot drift (direnv's ShellExport, aws-vault's createEnv).

/// One change to the environment. Names are runas constants (checked by `is_valid_name`),
/// values are arbitrary UTF-8 text without NUL, which every shell formatter must quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Set(&'static str, String),
    Unset(&'static str),
}

impl Op {
    pub fn name(&self) -> &'static str {
        match self {
            Op::Set(name, _) | Op::Unset(name) => name,
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`: the names runas prints unquoted.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

use crate::credentials::Credentials;
use crate::{EnvMap, Error, Result};
use std::time::{Duration, UNIX_EPOCH};

/// Where runas keeps the variables the shell had before its first switch, so `runas unset`
/// puts them back rather than only removing. A JSON object of name → value.
pub const SAVED: &str = "RUNAS_SAVED";
/// The profile in use; prompt hooks and starship read it.
pub const PROFILE: &str = "AWSRUNAS_PROFILE";
/// Expiry as seconds since the epoch, so hooks compare integers without spawning `date`.
pub const EXPIRES: &str = "AWSRUNAS_EXPIRES";

/// The user's variables that a switch changes: saved before the first switch, restored after.
pub const USER_VARS: [&str; 9] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
];

/// Every variable runas manages, in the order it prints them.
pub const MANAGED: [&str; 11] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    PROFILE,
    EXPIRES,
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
];

/// What a switch sets: the credentials, the region when one resolves, the profile name when
/// there is one (not for a bare role ARN).
pub struct Switch<'a> {
    pub credentials: &'a Credentials,
    pub profile: Option<&'a str>,
    pub region: Option<&'a str>,
}

/// The ops that switch a shell whose environment is `env` to `target`. The first switch
/// also saves the user's own variables in `RUNAS_SAVED`; later ones keep that save.
pub fn switch(target: &Switch<'_>, env: &EnvMap) -> Result<Vec<Op>> {
    let c = target.credentials;
    let mut ops = Vec::with_capacity(MANAGED.len() + 1);
    if !env.contains_key(SAVED) {
        ops.push(Op::Set(SAVED, save(env)));
    }
    ops.push(Op::Set("AWS_ACCESS_KEY_ID", c.access_key_id.clone()));
    ops.push(Op::Set("AWS_SECRET_ACCESS_KEY", c.secret_access_key.clone()));
    match &c.session_token {
        Some(token) => {
            ops.push(Op::Set("AWS_SESSION_TOKEN", token.clone()));
            // The legacy name, still read by older tools (boto 2, some Terraform providers).
            ops.push(Op::Set("AWS_SECURITY_TOKEN", token.clone()));
        }
        None => ops.extend([Op::Unset("AWS_SESSION_TOKEN"), Op::Unset("AWS_SECURITY_TOKEN")]),
    }
    match c.expiration {
        Some(secs) => {
            ops.push(Op::Set("AWS_CREDENTIAL_EXPIRATION", rfc3339(secs)));
            ops.push(Op::Set(EXPIRES, secs.to_string()));
        }
        None => ops.extend([Op::Unset("AWS_CREDENTIAL_EXPIRATION"), Op::Unset(EXPIRES)]),
    }
    match target.region {
        Some(region) => {
            ops.push(Op::Set("AWS_REGION", region.to_string()));
            ops.push(Op::Set("AWS_DEFAULT_REGION", region.to_string()));
        }
        None => ops.extend([Op::Unset("AWS_REGION"), Op::Unset("AWS_DEFAULT_REGION")]),
    }
    match target.profile {
        Some(name) => ops.push(Op::Set(PROFILE, name.to_string())),
        None => ops.push(Op::Unset(PROFILE)),
    }
    // With AWS_PROFILE beside the keys, botocore looks the name up (ProfileNotFound when the
    // config lacks it) and the JS SDK v3 ignores the keys: the name goes, kept in AWSRUNAS_PROFILE.
    ops.extend([Op::Unset("AWS_PROFILE"), Op::Unset("AWS_DEFAULT_PROFILE")]);
    check_values(&ops)?;
    Ok(ops)
}

/// The ops that undo every switch: remove what runas manages, put back what was saved.
pub fn restore(env: &EnvMap) -> Vec<Op> {
    let saved = env.get(SAVED).map(|s| parse_saved(s)).unwrap_or_default();
    let mut ops: Vec<Op> = MANAGED
        .iter()
        .map(|&name| match saved.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => Op::Set(name, value.clone()),
            None => Op::Unset(name),
        })
        .collect();
    ops.push(Op::Unset(SAVED));
    ops
}

/// The environment as it was before runas switched it: what settings resolve against, so
/// that the region runas set for the last profile does not stick to the next one.
pub fn original(env: &EnvMap) -> EnvMap {
    if !env.contains_key(SAVED) {
        return env.clone();
    }
    let mut original = env.clone();
    apply(&restore(env), &mut original);
    original
}

/// Apply ops to an environment map (what `exec` does to its own environment).
pub fn apply(ops: &[Op], env: &mut EnvMap) {
    for op in ops {
        match op {
            Op::Set(name, value) => env.insert(name.to_string(), value.clone()),
            Op::Unset(name) => env.remove(*name),
        };
    }
}

fn save(env: &EnvMap) -> String {
    let map: serde_json::Map<String, serde_json::Value> = USER_VARS
        .iter()
        .filter_map(|&name| {
            Some((
                name.to_string(),
                serde_json::Value::String(env.get(name)?.clone()),
            ))
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// The saved variables, limited to the ones runas saves; anything unreadable is ignored
/// (the worst case is an unset that restores nothing, never a wrong variable).
fn parse_saved(text: &str) -> Vec<(&'static str, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    USER_VARS
        .iter()
        .filter_map(|&name| match map.get(name) {
            Some(serde_json::Value::String(v)) if !v.contains('\0') => Some((name, v.clone())),
            _ => None,
        })
        .collect()
}

/// A NUL cannot be in an environment variable: refuse it here, before any shell sees it.
fn check_values(ops: &[Op]) -> Result<()> {
    for op in ops {
        debug_assert!(is_valid_name(op.name()));
        if let Op::Set(name, value) = op
            && value.contains('\0')
        {
            return Err(Error::Usage(format!(
                "{name} would contain a NUL byte, which no environment can hold"
            )));
        }
    }
    Ok(())
}

/// RFC 3339 in UTC with `Z`: what botocore, the JS SDK and starship read. Times past the year
/// 9999, which RFC 3339 cannot write, are written as its last second.
pub fn rfc3339(epoch_secs: u64) -> String {
    let secs = epoch_secs.min(crate::credentials::LAST_EXPIRATION);
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> EnvMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn creds(token: bool) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "secret".into(),
            session_token: token.then(|| "token".to_string()),
            expiration: token.then_some(1_700_000_000),
        }
    }

    #[test]
    fn names_are_valid_shell_names() {
        for name in MANAGED.iter().chain([&SAVED]) {
            assert!(is_valid_name(name), "{name}");
        }
        assert!(!is_valid_name("1A") && !is_valid_name("A-B") && !is_valid_name(""));
    }

    #[test]
    fn a_first_switch_saves_and_sets_everything_in_order() {
        let c = creds(true);
        let ops = switch(
            &Switch {
                credentials: &c,
                profile: Some("prod"),
                region: Some("eu-west-1"),
            },
            &env(&[("AWS_PROFILE", "dev"), ("AWS_REGION", "us-east-2")]),
        )
        .unwrap();
        assert_eq!(
            ops,
            [
                Op::Set(SAVED, r#"{"AWS_PROFILE":"dev","AWS_REGION":"us-east-2"}"#.into()),
                Op::Set("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE".into()),
                Op::Set("AWS_SECRET_ACCESS_KEY", "secret".into()),
                Op::Set("AWS_SESSION_TOKEN", "token".into()),
                Op::Set("AWS_SECURITY_TOKEN", "token".into()),
                Op::Set("AWS_CREDENTIAL_EXPIRATION", "2023-11-14T22:13:20Z".into()),
                Op::Set(EXPIRES, "1700000000".into()),
                Op::Set("AWS_REGION", "eu-west-1".into()),
                Op::Set("AWS_DEFAULT_REGION", "eu-west-1".into()),
                Op::Set(PROFILE, "prod".into()),
                Op::Unset("AWS_PROFILE"),
                Op::Unset("AWS_DEFAULT_PROFILE"),
            ]
        );
    }

    #[test]
    fn later_switches_keep_the_first_save_and_unset_what_they_do_not_set() {
        let c = creds(false);
        let ops = switch(
            &Switch {
                credentials: &c,
                profile: None,
                region: None,
            },
            &env(&[(SAVED, "{}")]),
        )
        .unwrap();
        assert!(!ops.iter().any(|op| op.name() == SAVED));
        for name in [
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
            EXPIRES,
            "AWS_REGION",
            PROFILE,
        ] {
            assert!(ops.contains(&Op::Unset(name)), "{name}");
        }
    }

    #[test]
    fn restore_puts_back_what_was_saved_and_removes_the_rest() {
        let before = env(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_REGION", "us-east-2"),
            ("HOME", "/h"),
        ]);
        let c = creds(true);
        let mut shell = before.clone();
        apply(
            &switch(
                &Switch {
                    credentials: &c,
                    profile: Some("prod"),
                    region: Some("r"),
                },
                &shell,
            )
            .unwrap(),
            &mut shell,
        );
        assert_eq!(shell.get(PROFILE).map(String::as_str), Some("prod"));
        assert!(!shell.contains_key("AWS_PROFILE"));
        // A second switch, then restore: back to exactly the start.
        apply(
            &switch(
                &Switch {
                    credentials: &c,
                    profile: Some("ops"),
                    region: None,
                },
                &shell,
            )
            .unwrap(),
            &mut shell,
        );
        apply(&restore(&shell), &mut shell);
        assert_eq!(shell, before);
    }

    #[test]
    fn restore_without_a_save_removes_every_managed_variable() {
        let mut shell = env(&[("AWS_ACCESS_KEY_ID", "x"), (PROFILE, "p"), ("HOME", "/h")]);
        apply(&restore(&shell), &mut shell);
        assert_eq!(shell, env(&[("HOME", "/h")]));
    }

    #[test]
    fn a_damaged_save_restores_nothing_wrong() {
        let mut shell = env(&[(SAVED, "not json"), ("AWS_ACCESS_KEY_ID", "x")]);
        apply(&restore(&shell), &mut shell);
        assert!(shell.is_empty());
        let saved = parse_saved(r#"{"AWS_REGION":"r","PATH":"/evil","AWS_PROFILE":7}"#);
        assert_eq!(saved, [("AWS_REGION", "r".to_string())]);
    }

    #[test]
    fn the_original_environment_is_seen_through_a_switch() {
        let before = env(&[("AWS_REGION", "us-east-2")]);
        let c = creds(true);
        let mut shell = before.clone();
        apply(
            &switch(
                &Switch {
                    credentials: &c,
                    profile: Some("prod"),
                    region: Some("eu-west-1"),
                },
                &shell,
            )
            .unwrap(),
            &mut shell,
        );
        assert_eq!(original(&shell), before);
    }

    /// What each shell is given for a first switch (saving the user's AWS_PROFILE and a
    /// region with a quote in it), for `runas unset` after it (restore), and for `runas unset`
    /// in a shell runas never switched (unset only): a change to any is a reviewed diff.
    #[test]
    fn every_shell_renders_a_switch_a_restore_and_an_unset() {
        use crate::shell::{ShellKind, render};
        let c = creds(true);
        let before = env(&[("AWS_PROFILE", "dev"), ("AWS_REGION", "it's-a-region")]);
        let switch_ops = switch(
            &Switch {
                credentials: &c,
                profile: Some("prod's $(id)"),
                region: Some("eu-west-1"),
            },
            &before,
        )
        .unwrap();
        let mut switched = before.clone();
        apply(&switch_ops, &mut switched);
        for shell in [
            ShellKind::Sh,
            ShellKind::Bash,
            ShellKind::Zsh,
            ShellKind::Fish,
            ShellKind::Pwsh,
        ] {
            let name = format!("{shell:?}").to_lowercase();
            insta::assert_snapshot!(format!("switch_{name}"), render(shell, &switch_ops));
            insta::assert_snapshot!(format!("restore_{name}"), render(shell, &restore(&switched)));
            insta::assert_snapshot!(format!("unset_{name}"), render(shell, &restore(&EnvMap::new())));
        }
    }

    #[test]
    fn a_nul_in_a_value_is_refused() {
        let c = creds(true);
        let e = switch(
            &Switch {
                credentials: &c,
                profile: Some("a\0b"),
                region: None,
            },
            &EnvMap::new(),
        );
        assert!(e.unwrap_err().to_string().contains("NUL"));
    }
}
