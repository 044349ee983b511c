//! `runas cache clear`: removes cached credentials, a profile's or all of them.

use super::session;
use crate::cache::{self, Cache};
use crate::config::Overrides;
use crate::env;
use crate::provider;
use crate::{EnvMap, Error, Result};

pub(crate) fn clear(profile: Option<&str>, env: &EnvMap) -> Result<String> {
    let original = env::original(env);
    let cache = Cache::new(
        cache::cache_dir(&original).ok_or(Error::NoCacheDir)?,
        Cache::DEFAULT_WINDOW,
    );
    let removed = match profile {
        None => cache.clear()?,
        Some(name) => {
            let resolved = session::resolve(Some(name), &Overrides::default(), env)?;
            let mut removed = 0;
            for key in provider::cache_keys(&resolved) {
                removed += usize::from(cache.remove(&key)?);
            }
            removed
        }
    };
    let noun = if removed == 1 { "entry" } else { "entries" };
    Ok(format!("removed {removed} cache {noun}\n"))
}
