//! `runas cache clear`: removes cached credentials, a profile's own or all of them, and lists
//! what it removed; `runas cache list`: what is cached, for whom, until when.

use super::session;
use crate::cache::{self, Cache, Listed};
use crate::config::Overrides;
use crate::env;
use crate::provider;
use crate::{EnvMap, Error, Result};

/// What `cache clear PROFILE` removes beyond the profile's own entries.
pub(crate) struct Also {
    /// The session token its roles are assumed with.
    pub session: bool,
    /// Every entry of its chain.
    pub all: bool,
}

fn cache_of(env: &EnvMap) -> Result<Cache> {
    let original = env::original(env);
    Ok(Cache::new(
        cache::cache_dir(&original).ok_or(Error::NoCacheDir)?,
        Cache::DEFAULT_WINDOW,
    ))
}

pub(crate) fn clear(profile: Option<&str>, also: Also, env: &EnvMap) -> Result<String> {
    let cache = cache_of(env)?;
    let mut kept_session = None;
    let removed = match profile {
        None => cache.clear()?,
        Some(name) => {
            let resolved = session::resolve(Some(name), &Overrides::default(), env)?;
            let mut removed = Vec::new();
            for key in provider::cache_keys(&resolved) {
                let own = key.profile() == name;
                let session = key.kind() == "session";
                if own || also.all || (also.session && session) {
                    removed.extend(cache.take(&key)?);
                } else if session && cache.holds(&key) {
                    kept_session = Some(key.profile().to_string());
                }
            }
            removed
        }
    };
    let mut out = rows(&removed);
    let noun = if removed.len() == 1 { "entry" } else { "entries" };
    out.push_str(&format!("removed {} cache {noun}", removed.len()));
    if let Some(base) = kept_session {
        out.push_str(&format!(
            "; the session of {} stays (--session removes it too)",
            crate::one_line(&base)
        ));
    }
    out.push('\n');
    Ok(out)
}

pub(crate) fn list(json: bool, env: &EnvMap) -> Result<String> {
    let listed = cache_of(env)?.list()?;
    if json {
        let mut out = serde_json::to_string_pretty(&listed).expect("cache entries serialise");
        out.push('\n');
        return Ok(out);
    }
    Ok(rows(&listed))
}

/// One line per entry: profile, kind, and when it expires (or expired), with the time left.
fn rows(listed: &[Listed]) -> String {
    let now = crate::creds::epoch_now();
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|l| {
            let when = match l.expiration {
                Some(exp) if exp > now => format!(
                    "{} (in {})",
                    crate::creds::rfc3339(exp),
                    crate::creds::short_duration(exp - now)
                ),
                Some(exp) => format!("{} (expired)", crate::creds::rfc3339(exp)),
                None => "unreadable".to_string(),
            };
            vec![l.profile.clone(), l.kind.clone(), when]
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    super::table(&rows, 2)
}
