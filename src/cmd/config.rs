//! `runas config` (`diagnose`): every resolved setting of a profile and where it came from;
//! never a secret.

use super::session;
use crate::cli::ConfigArgs;
use crate::config::duration::format_go_duration;
use crate::creds::mask_key_id;
use crate::{EnvMap, Result};

pub(crate) fn run(args: &ConfigArgs, env: &EnvMap) -> Result<String> {
    let r = session::resolve(args.creds.profile.as_deref(), &args.creds.overrides(), env)?;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let mut row = |key: &str, value: String, origin: String| rows.push((key.to_string(), value, origin));
    row("profile", r.display_name().to_string(), String::new());
    match &r.base_keys {
        Some(k) => row(
            "keys",
            format!("{} ({})", mask_key_id(&k.access_key_id), r.base),
            k.origin.to_string(),
        ),
        None => row("keys", format!("none in {:?}", r.base), String::new()),
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
        r.session_name.value.clone(),
        r.session_name.origin.to_string(),
    );

    let kw = rows.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    let vw = rows.iter().map(|(_, v, _)| v.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v, o) in rows {
        let line = format!("{k:<kw$}  {v:<vw$}  {o}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Ok(out)
}
