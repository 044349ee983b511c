//! `runas config` (`diagnose`): every resolved setting of a profile and where it came from;
//! never a secret.

use super::session;
use crate::cli::ConfigArgs;
use crate::config::Source;
use crate::config::duration::format_go_duration;
use crate::creds::mask_key_id;
use crate::{EnvMap, Result};

pub(crate) fn run(args: &ConfigArgs, env: &EnvMap) -> Result<String> {
    let r = session::resolve(args.creds.profile(), &args.creds.overrides(), env)?;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut row = |key: &str, value: String, origin: String| rows.push((key.to_string(), value, origin));
    row("profile", r.display_name().to_string(), String::new());
    // Where the credentials come from; a command line shows only its program (its arguments
    // may hold a token).
    let base = &r.base;
    match &r.source {
        Source::Keys(k) => row(
            "keys",
            format!(
                "{} ({})",
                mask_key_id(&k.access_key_id),
                match k.origin {
                    crate::Origin::Env(_) => "environment",
                    _ => base,
                }
            ),
            k.origin.to_string(),
        ),
        Source::Process(command) => row(
            "source",
            format!(
                "credential_process of {base:?}: {} …",
                command.value.split_whitespace().next().unwrap_or("")
            ),
            command.origin.to_string(),
        ),
        Source::WebIdentity { token_file, role_arn } => row(
            "source",
            format!("web identity token {} for {}", token_file.value, role_arn.value),
            token_file.origin.to_string(),
        ),
        Source::InstanceMetadata { origin, .. } => row(
            "source",
            "EC2 instance metadata (IMDSv2)".into(),
            origin.to_string(),
        ),
        Source::Container { origin, .. } => {
            row("source", "ECS container endpoint".into(), origin.to_string())
        }
        Source::Sso(sso) => {
            row(
                "source",
                format!("IAM Identity Center, {}", sso.described()),
                sso.start_url.origin.to_string(),
            );
            row(
                "sso_start_url",
                sso.start_url.value.clone(),
                sso.start_url.origin.to_string(),
            );
            row(
                "sso_region",
                sso.region.value.clone(),
                sso.region.origin.to_string(),
            );
            for (key, setting) in [
                ("sso_account_id", &sso.account_id),
                ("sso_role_name", &sso.role_name),
            ] {
                match setting {
                    Some(s) => row(key, s.value.clone(), s.origin.to_string()),
                    None => row(key, "-".into(), String::new()),
                }
            }
            let original = crate::env::original(env);
            let path = crate::sources::sso::token_path(&original, sso);
            let expiry = match crate::sources::sso::token_expiry(&original, sso) {
                Some(at) if at > crate::creds::epoch_now() => {
                    format!("valid until {}", crate::creds::rfc3339(at))
                }
                Some(at) => format!("expired {}", crate::creds::rfc3339(at)),
                None => "none (sign in first)".to_string(),
            };
            row("sso_token", expiry, path.display().to_string());
        }
        Source::Unsupported { setting, origin } => row(
            "source",
            format!("{setting} (not supported yet)"),
            origin.to_string(),
        ),
        Source::Nothing => row("keys", format!("none in {base:?}"), String::new()),
    }
    for hop in &r.roles {
        row(
            "role_arn",
            hop.role_arn.value.clone(),
            hop.role_arn.origin.to_string(),
        );
        if let Some(x) = &hop.external_id {
            row("external_id", x.value.clone(), x.origin.to_string());
        }
    }
    for (key, setting) in [
        ("mfa_serial", &r.mfa_serial),
        ("region", &r.region),
        ("endpoint_url", &r.endpoint_url),
    ] {
        match setting {
            Some(s) => row(key, s.value.clone(), s.origin.to_string()),
            None => row(key, "-".into(), String::new()),
        }
    }
    let d = &r.session_duration;
    row(
        "session_token_duration",
        format_go_duration(d.value),
        d.origin.to_string(),
    );
    let d = &r.role_duration;
    row(
        "credentials_duration",
        format_go_duration(d.value),
        d.origin.to_string(),
    );
    row(
        "role_session_name",
        if crate::provider::named_after_iam_user(&r) {
            format!("the IAM user's name, else {}", r.session_name.value)
        } else {
            r.session_name.value.clone()
        },
        r.session_name.origin.to_string(),
    );

    let rows: Vec<Vec<String>> = rows.into_iter().map(|(k, v, o)| vec![k, v, o]).collect();
    Ok(super::table(&rows, 2))
}
