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
    if let Some(ListWhat::Mfa { creds, json }) = &args.what {
        return list_mfa(creds, *json || args.json, env);
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

/// The MFA devices of the IAM user whose long-term keys `resolved` starts from: who the keys
/// belong to (GetCallerIdentity), then that user's devices (ListMFADevices).
fn mfa_devices(resolved: &Resolved, sts: &dyn Sts, iam: &dyn Iam) -> Result<Vec<MfaDevice>> {
    let keys = resolved.keys()?;
    let creds = Credentials {
        access_key_id: keys.access_key_id.clone(),
        secret_access_key: keys.secret_access_key.clone(),
        session_token: keys.session_token.clone(),
        expiration: None,
    };
    let id = sts.get_caller_identity(&creds)?;
    let user = iam_user_name(&id.arn).ok_or_else(|| Error::NotAUser {
        profile: resolved.base.clone(),
        arn: id.arn.clone(),
    })?;
    let endpoint = resolved.iam_endpoint_url.as_ref().map(|s| s.value.as_str());
    iam.list_mfa_devices(&creds, user, endpoint)
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
