//! `runas list`: the profiles and their kinds; `runas list mfa`: a user's MFA devices.

use super::session::Session;
use crate::cache;
use crate::cli::{CredentialArgs, ListArgs, ListWhat};
use crate::config::{self, Files, Paths};
use crate::creds::Credentials;
use crate::env;
use crate::sts::{Iam, Sts};
use crate::{EnvMap, Error, Result};

pub(crate) fn run(args: &ListArgs, env: &EnvMap) -> Result<String> {
    if let Some(ListWhat::Mfa { creds, json }) = &args.what {
        return list_mfa(creds, *json || args.json, env);
    }
    let profiles = config::list_profiles(&Files::load(&Paths::from_env(&env::original(env)))?);
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
    let session = Session::open(args, env, cache::refresh_window(env)?)?;
    let keys = session.resolved.keys()?;
    let creds = Credentials {
        access_key_id: keys.access_key_id.clone(),
        secret_access_key: keys.secret_access_key.clone(),
        session_token: keys.session_token.clone(),
        expiration: None,
    };
    let id = session.sts.get_caller_identity(&creds)?;
    let user = iam_user_name(&id.arn).ok_or_else(|| Error::NotAUser {
        profile: session.resolved.base.clone(),
        arn: id.arn.clone(),
    })?;
    let endpoint = session
        .resolved
        .iam_endpoint_url
        .as_ref()
        .map(|s| s.value.as_str());
    let devices = session.sts.list_mfa_devices(&creds, user, endpoint)?;
    if json {
        return Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&devices).expect("devices serialise")
        ));
    }
    Ok(devices.iter().map(|d| format!("{}\n", d.serial_number)).collect())
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
