//! `runas list`: the profiles and their kinds; `runas list mfa`: a user's MFA devices.

use super::session::Session;
use crate::cache;
use crate::cli::{CredentialArgs, ListArgs, ListWhat};
use crate::config::Resolved;
use crate::config::{self, Files, Paths};
use crate::creds::Credentials;
use crate::env;
use crate::sts::{Iam, MfaDevice, Sts};
use crate::{EnvMap, Error, Result};

pub(crate) fn run(args: &ListArgs, env: &EnvMap) -> Result<String> {
    if let Some(ListWhat::Mfa { creds, json, .. }) = &args.what {
        return list_mfa(creds, *json || args.json, env);
    }
    if let Some(ListWhat::Roles { creds, json, .. }) = &args.what {
        return list_roles(creds, *json || args.json, env);
    }
    let paths = Paths::from_env(&env::original(env));
    let files = Files::load(&paths)?;
    let profiles = config::list_profiles(&files);
    // An empty list would look like a broken command: say where runas looked (not for
    // `--names`, which scripts read, nor `--json`, where `[]` says it).
    if profiles.is_empty() && !args.names && !args.json {
        let missing = match files.missing.as_slice() {
            [] => String::new(),
            notes => format!(" ({})", notes.join("; ")),
        };
        eprintln!(
            "runas: no profiles in {} or {}{}; add one (see the README's quick start)",
            crate::one_line(&paths.config.display().to_string()),
            crate::one_line(&paths.credentials.display().to_string()),
            crate::one_line(&missing)
        );
    }
    if args.json {
        let mut out = serde_json::to_string_pretty(&profiles).expect("profile summaries serialise");
        out.push('\n');
        return Ok(out);
    }
    if args.names {
        return Ok(profiles.iter().map(|p| format!("{}\n", p.name)).collect());
    }
    let rows: Vec<Vec<String>> = profiles
        .iter()
        .map(|p| {
            let mut row = vec![p.name.clone(), p.kind.describe().to_string()];
            row.extend(p.role_arn.clone());
            row
        })
        .collect();
    Ok(super::table(&rows, 1))
}

/// The MFA devices of the IAM user behind the profile's long-term keys: GetCallerIdentity
/// names the user, ListMFADevices lists its devices.
fn list_mfa(args: &CredentialArgs, json: bool, env: &EnvMap) -> Result<String> {
    let args = &super::session::or_default(args, env);
    let session = Session::open(args, env, cache::refresh_window(env)?)?;
    let devices = mfa_devices(&session.resolved, &session.sts, &session.sts)?;
    if json {
        return Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&devices).expect("devices serialise")
        ));
    }
    Ok(devices.iter().map(|d| format!("{}\n", d.serial_number)).collect())
}

/// `runas list roles`: the roles the IAM user behind the profile's keys may assume, each with
/// the profiles that use it; those no profile uses come with the lines to paste; patterns with
/// wildcards are listed apart.
fn list_roles(args: &CredentialArgs, json: bool, env: &EnvMap) -> Result<String> {
    let args = &super::session::or_default(args, env);
    let session = Session::open(args, env, cache::refresh_window(env)?)?;
    let r = &session.resolved;
    let (creds, user) = iam_user(r, &session.sts)?;
    let endpoint = r.iam_endpoint_url.as_ref().map(|s| s.value.as_str());
    let documents = session.sts.policy_documents(&creds, &user, endpoint)?;
    let found = assumable(&documents);
    let paths = Paths::from_env(&env::original(env));
    let profiles = config::list_profiles(&Files::load(&paths)?);
    let users_of = |arn: &str| -> Vec<String> {
        profiles
            .iter()
            .filter(|p| p.role_arn.as_deref() == Some(arn))
            .map(|p| p.name.clone())
            .collect()
    };
    if json {
        let roles: Vec<serde_json::Value> = found
            .exact
            .iter()
            .map(|arn| serde_json::json!({ "Arn": arn, "Profiles": users_of(arn) }))
            .collect();
        let doc = serde_json::json!({ "User": user, "Roles": roles, "Wildcards": found.patterns });
        return Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("roles serialise")
        ));
    }
    let rows: Vec<Vec<String>> = found
        .exact
        .iter()
        .map(|arn| {
            let users = users_of(arn);
            let users = if users.is_empty() {
                "(no profile)".to_string()
            } else {
                users.join(", ")
            };
            vec![arn.clone(), users]
        })
        .collect();
    let mut out = super::table(&rows, 1);
    if !found.patterns.is_empty() {
        let patterns: Vec<&str> = found.patterns.iter().map(String::as_str).collect();
        out.push_str(&format!(
            "# {} with wildcards, not listed: {}\n",
            patterns.len(),
            crate::one_line(&patterns.join(", "))
        ));
    }
    let missing: Vec<&String> = found
        .exact
        .iter()
        .filter(|arn| users_of(arn).is_empty())
        .collect();
    if !missing.is_empty() {
        out.push_str("# profiles for the roles no profile uses, to paste into the config:\n");
        for arn in missing {
            let name = arn.rsplit('/').next().unwrap_or("role");
            out.push_str(&format!(
                "[profile {}]\nrole_arn = {arn}\nsource_profile = {}\n",
                crate::one_line(name),
                crate::one_line(&r.base)
            ));
        }
    }
    Ok(out)
}

/// The role ARNs `sts:AssumeRole` is allowed on in `documents`, and the patterns with
/// wildcards apart.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Assumable {
    pub exact: std::collections::BTreeSet<String>,
    pub patterns: std::collections::BTreeSet<String>,
}

pub(crate) fn assumable(documents: &[String]) -> Assumable {
    let mut found = Assumable::default();
    let list = |v: &serde_json::Value| -> Vec<String> {
        match v {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    for document in documents {
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(document) else {
            continue;
        };
        let statements = match &doc["Statement"] {
            serde_json::Value::Array(items) => items.clone(),
            single @ serde_json::Value::Object(_) => vec![single.clone()],
            _ => Vec::new(),
        };
        for statement in statements {
            if statement["Effect"] != "Allow" {
                continue;
            }
            let allows = list(&statement["Action"])
                .iter()
                .any(|a| glob(&a.to_ascii_lowercase(), "sts:assumerole"));
            if !allows {
                continue;
            }
            for resource in list(&statement["Resource"]) {
                if resource.contains(['*', '?']) {
                    found.patterns.insert(resource);
                } else if resource.contains(":role/") {
                    found.exact.insert(resource);
                }
            }
        }
    }
    found
}

/// Whether `pattern` (with `*` and `?`) matches `text`, as IAM matches actions.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The long-term keys at the root of `r`, and the IAM user they belong to.
fn iam_user(r: &Resolved, sts: &dyn Sts) -> Result<(Credentials, String)> {
    let keys = r.keys()?;
    let creds = Credentials {
        access_key_id: keys.access_key_id.clone(),
        secret_access_key: keys.secret_access_key.clone(),
        session_token: keys.session_token.clone(),
        expiration: None,
    };
    let id = sts.get_caller_identity(&creds)?;
    let user = iam_user_name(&id.arn)
        .ok_or_else(|| Error::NotAUser {
            profile: r.base.clone(),
            arn: id.arn.clone(),
        })?
        .to_string();
    Ok((creds, user))
}

/// The MFA devices of the IAM user whose long-term keys `resolved` starts from: who the keys
/// belong to (GetCallerIdentity), then that user's devices (ListMFADevices).
fn mfa_devices(resolved: &Resolved, sts: &dyn Sts, iam: &dyn Iam) -> Result<Vec<MfaDevice>> {
    let (creds, user) = iam_user(resolved, sts)?;
    let endpoint = resolved.iam_endpoint_url.as_ref().map(|s| s.value.as_str());
    iam.list_mfa_devices(&creds, &user, endpoint)
}

/// `alice` from `arn:aws:iam::123456789012:user/path/alice` (the user name is the last part).
fn iam_user_name(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let path = resource.strip_prefix("user/")?;
    path.rsplit('/').next().filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumable_roles_come_from_allow_statements_on_sts_assume_role() {
        let docs = [
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::1:role/a"}}"#.to_string(),
            r#"{"Statement":[
                {"Effect":"Allow","Action":["s3:GetObject","sts:AssumeRole"],"Resource":["arn:aws:iam::1:role/b","arn:aws:iam::1:role/dev-*"]},
                {"Effect":"Allow","Action":"sts:*","Resource":"arn:aws:iam::1:role/c"},
                {"Effect":"Allow","Action":"STS:ASSUME*","Resource":"arn:aws:iam::1:role/a"},
                {"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::1:role/denied"},
                {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:iam::1:role/s3only"},
                {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}
            ]}"#.to_string(),
            "not json".to_string(),
        ];
        let found = assumable(&docs);
        let exact: Vec<&str> = found.exact.iter().map(String::as_str).collect();
        assert_eq!(
            exact,
            [
                "arn:aws:iam::1:role/a",
                "arn:aws:iam::1:role/b",
                "arn:aws:iam::1:role/c"
            ]
        );
        let patterns: Vec<&str> = found.patterns.iter().map(String::as_str).collect();
        assert_eq!(patterns, ["*", "arn:aws:iam::1:role/dev-*"]);
        assert!(glob("sts:*", "sts:assumerole") && glob("*", "x") && glob("s?s:a*e", "sts:assumerole"));
        assert!(!glob("sts:get*", "sts:assumerole"));
    }
    use crate::sts::{AssumeRole, Identity, Mfa};
    use std::cell::RefCell;
    use std::time::Duration;

    /// Answers GetCallerIdentity with `arn` and ListMFADevices with one device, recording
    /// which user and endpoint were asked about.
    struct Fake {
        arn: &'static str,
        asked: RefCell<Vec<(String, Option<String>)>>,
    }

    impl Sts for Fake {
        fn get_session_token(&self, _: &Credentials, _: Duration, _: Option<Mfa<'_>>) -> Result<Credentials> {
            unreachable!("list mfa needs no session")
        }
        fn assume_role(&self, _: &Credentials, _: &AssumeRole<'_>) -> Result<Credentials> {
            unreachable!("list mfa assumes no role")
        }
        fn assume_role_with_web_identity(&self, _: &crate::sts::WebIdentity<'_>) -> Result<Credentials> {
            unreachable!("list mfa assumes no role")
        }
        fn get_caller_identity(&self, creds: &Credentials) -> Result<Identity> {
            assert_eq!(creds.access_key_id, "AKIAALICE00000000000");
            Ok(Identity {
                account: "123456789012".into(),
                arn: self.arn.into(),
                user_id: "AIDA".into(),
            })
        }
    }

    impl Iam for Fake {
        fn policy_documents(&self, _: &Credentials, _: &str, _: Option<&str>) -> Result<Vec<String>> {
            unreachable!("list mfa reads no policy")
        }

        fn list_mfa_devices(
            &self,
            _: &Credentials,
            user: &str,
            endpoint: Option<&str>,
        ) -> Result<Vec<MfaDevice>> {
            self.asked
                .borrow_mut()
                .push((user.into(), endpoint.map(str::to_string)));
            Ok(vec![MfaDevice {
                serial_number: format!("arn:aws:iam::123456789012:mfa/{user}"),
                enabled: 1,
            }])
        }
    }

    fn resolved(config: &str) -> Resolved {
        let files = crate::config::Files::new(
            crate::config::ini::parse(std::path::Path::new("/c"), config.as_bytes()).unwrap(),
            crate::config::ini::parse(
                std::path::Path::new("/k"),
                b"[default]\naws_access_key_id = AKIAALICE00000000000\naws_secret_access_key = s\n",
            )
            .unwrap(),
        );
        crate::config::resolve(&files, &EnvMap::new(), &Default::default(), "default").unwrap()
    }

    #[test]
    fn list_mfa_asks_for_the_devices_of_the_user_the_keys_belong_to() {
        let fake = Fake {
            arn: "arn:aws:iam::123456789012:user/team/alice",
            asked: RefCell::new(Vec::new()),
        };
        let r = resolved("[default]\nendpoint_url = https://iam.example\n");
        let devices = mfa_devices(&r, &fake, &fake).unwrap();
        assert_eq!(devices[0].serial_number, "arn:aws:iam::123456789012:mfa/alice");
        assert_eq!(
            *fake.asked.borrow(),
            [("alice".to_string(), Some("https://iam.example".to_string()))]
        );
    }

    #[test]
    fn list_mfa_says_when_the_keys_are_not_a_users() {
        let fake = Fake {
            arn: "arn:aws:sts::123456789012:assumed-role/r/s",
            asked: RefCell::new(Vec::new()),
        };
        let e = mfa_devices(&resolved("[default]\n"), &fake, &fake)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not an IAM user"), "{e}");
        assert!(fake.asked.borrow().is_empty());
    }

    #[test]
    fn iam_user_names_come_from_user_arns_only() {
        assert_eq!(
            iam_user_name("arn:aws:iam::123456789012:user/alice"),
            Some("alice")
        );
        assert_eq!(
            iam_user_name("arn:aws:iam::123456789012:user/team/a/bob"),
            Some("bob")
        );
        assert_eq!(iam_user_name("arn:aws:sts::123456789012:assumed-role/r/s"), None);
        assert_eq!(iam_user_name("arn:aws:iam::123456789012:root"), None);
        assert_eq!(iam_user_name("nonsense"), None);
    }
}
