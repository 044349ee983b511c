//! The plain data every layer shares: AWS credentials, their expiry and how a key is shown
//! masked. A leaf: it imports nothing of runas.

use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// AWS credentials. `Debug` never shows the secret or the token, so a stray `{:?}` cannot leak them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_token: Option<String>,
    /// Seconds since the Unix epoch; `None` for long-term keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<u64>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &mask_key_id(&self.access_key_id))
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// The last second RFC 3339 can write (9999-12-31T23:59:59Z): an expiration past it is not
/// one STS gave, and runas treats it as a corrupt cache entry.
pub const LAST_EXPIRATION: u64 = 253_402_300_799;

/// RFC 3339 in UTC with `Z`: what botocore, the JS SDK and starship read, and every time in
/// runas's JSON. Times past the year 9999, which RFC 3339 cannot write, are written as its last
/// second.
pub fn rfc3339(epoch_secs: u64) -> String {
    let secs = epoch_secs.min(LAST_EXPIRATION);
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// Serialises seconds since the epoch as [`rfc3339`].
pub fn serialize_rfc3339<S: serde::Serializer>(secs: &u64, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str(&rfc3339(*secs))
}

/// How far an expiration STS gives may lie past what was asked for before it counts as
/// wrong: clock skew between STS and this machine.
pub const EXPIRY_SKEW: Duration = Duration::from_secs(5 * 60);

impl Credentials {
    /// These credentials with an expiration no later than `requested` after `now` (seconds since
    /// the epoch), give or take `EXPIRY_SKEW`: an endpoint that claims credentials last longer
    /// than asked for (a year 2999 answer) is not believed, and the cache never serves them
    /// past their real lifetime.
    pub fn clamped(mut self, requested: Duration, now: u64) -> Credentials {
        let latest = now.saturating_add(requested.as_secs());
        if let Some(expiration) = self.expiration
            && expiration > latest.saturating_add(EXPIRY_SKEW.as_secs())
        {
            self.expiration = Some(latest);
        }
        self
    }

    /// Time left before expiry, measured at `now`; `None` for credentials that do not expire.
    pub fn time_left(&self, now: SystemTime) -> Option<Duration> {
        let secs = self.expiration?.min(LAST_EXPIRATION);
        let exp = UNIX_EPOCH + Duration::from_secs(secs);
        Some(exp.duration_since(now).unwrap_or(Duration::ZERO))
    }

    /// True when these credentials stay valid for more than `window` after `now`.
    pub fn valid_for(&self, window: Duration, now: SystemTime) -> bool {
        self.time_left(now).is_none_or(|left| left > window)
    }
}

/// Shows the first 4 and last 4 characters of an access key id, which is how AWS consoles show it.
pub fn mask_key_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// `59s`, `42m`, `1h05m`, rounded down: how the prompt writes the time left.
pub fn short_duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        _ => format!("{}h{:02}m", secs / 3600, secs % 3600 / 60),
    }
}

/// Current time as whole seconds since the epoch.
pub fn epoch_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_is_written_as_the_prompt_writes_it_rounded_down() {
        assert_eq!(short_duration(59), "59s");
        assert_eq!(short_duration(60 * 42 + 59), "42m");
        assert_eq!(short_duration(3600 + 5 * 60 + 59), "1h05m");
    }

    #[test]
    fn an_expiration_past_what_was_asked_for_is_clamped_to_it() {
        let c = |exp| Credentials {
            access_key_id: "ASIA".into(),
            secret_access_key: "s".into(),
            session_token: Some("t".into()),
            expiration: exp,
        };
        let hour = Duration::from_secs(3600);
        assert_eq!(
            c(Some(32_503_680_000)).clamped(hour, 1_000).expiration,
            Some(4_600)
        );
        // Within the skew: kept as STS said.
        assert_eq!(c(Some(4_600 + 299)).clamped(hour, 1_000).expiration, Some(4_899));
        assert_eq!(c(Some(2_000)).clamped(hour, 1_000).expiration, Some(2_000));
        assert_eq!(c(None).clamped(hour, 1_000).expiration, None);
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            session_token: Some("FwoGZXIvYXdzEXAMPLETOKEN".into()),
            expiration: Some(1),
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("wJalr"), "{shown}");
        assert!(!shown.contains("FwoG"), "{shown}");
        assert!(shown.contains("AKIA…MPLE"), "{shown}");
    }

    #[test]
    fn validity_honours_the_refresh_window() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        let c = Credentials {
            access_key_id: "A".into(),
            secret_access_key: "S".into(),
            session_token: None,
            expiration: Some(1000 + 300),
        };
        assert!(c.valid_for(Duration::from_secs(299), now));
        assert!(!c.valid_for(Duration::from_secs(300), now));
    }
}
