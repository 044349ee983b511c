//! IAM Identity Center: the sign-in token in the AWS CLI's cache, refreshed when it is about to
//! expire, and the role credentials it buys.
//!
//! The token cache is the AWS CLI v2's, shared with it and with every SDK:
//! `~/.aws/sso/cache/<sha1 hex of the session name, or of the start URL for the legacy
//! form>.json`, holding `startUrl`, `region`, `accessToken` and `expiresAt` (RFC 3339 UTC with
//! `Z`), and for a token that can be refreshed `clientId`, `clientSecret`,
//! `registrationExpiresAt` and `refreshToken`. runas reads what the AWS CLI wrote and, on a
//! refresh, rewrites the file the same way (0600, atomically), keeping every field it does not
//! change.

use crate::config::Sso;
use crate::creds::Credentials;
use crate::{EnvMap, Error, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The largest token file read: a real one is about 2 KiB.
const MAX_TOKEN_FILE: u64 = 64 << 10;

/// The calls behind a token: GetRoleCredentials (the SSO portal); RegisterClient,
/// StartDeviceAuthorization and CreateToken (SSO-OIDC) for signing in and refreshing.
pub trait SsoApi {
    fn get_role_credentials(&self, sso: &Sso, access_token: &str) -> Result<Credentials>;
    fn create_token(&self, sso: &Sso, client: &Client<'_>, grant: &Grant<'_>) -> Result<NewToken>;
    /// A public client for `grant_types`, with `redirect_uri` for the authorization code flow.
    fn register_client(
        &self,
        sso: &Sso,
        grant_types: &[&str],
        redirect_uri: Option<&str>,
    ) -> Result<Registration>;
    fn start_device_authorization(&self, sso: &Sso, client: &Client<'_>) -> Result<Device>;

    /// CreateToken with a refresh token.
    fn refresh_token(&self, sso: &Sso, refresh: &Refresh<'_>) -> Result<NewToken> {
        let client = Client {
            id: refresh.client_id,
            secret: refresh.client_secret,
        };
        self.create_token(sso, &client, &Grant::Refresh(refresh.refresh_token))
    }
}

/// A registered client: its id and secret.
pub struct Client<'a> {
    pub id: &'a str,
    pub secret: &'a str,
}

/// What a token is asked for with.
pub enum Grant<'a> {
    Refresh(&'a str),
    DeviceCode(&'a str),
    AuthorizationCode {
        code: &'a str,
        verifier: &'a str,
        redirect_uri: &'a str,
    },
}

/// What RegisterClient answers.
pub struct Registration {
    pub client_id: String,
    pub client_secret: String,
    /// Seconds since the epoch.
    pub expires_at: u64,
}

/// What StartDeviceAuthorization answers.
pub struct Device {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: Duration,
    pub interval: Duration,
}

/// What CreateToken is asked with to refresh a token (all secrets but the client id).
pub struct Refresh<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub refresh_token: &'a str,
}

/// What CreateToken answers.
pub struct NewToken {
    pub access_token: String,
    pub expires_in: Duration,
    /// A new refresh token, when the service rotates it.
    pub refresh_token: Option<String>,
}

/// `~/.aws/sso/cache`, as the AWS CLI and the SDKs place it.
pub fn cache_dir(env: &EnvMap) -> PathBuf {
    let home = env
        .get("HOME")
        .filter(|h| !h.is_empty())
        .map_or("/", String::as_str);
    Path::new(home).join(".aws").join("sso").join("cache")
}

/// The token file of `sso`.
pub fn token_path(env: &EnvMap, sso: &Sso) -> PathBuf {
    cache_file(env, sso.token_name())
}

/// The file in the cache named, as the AWS CLI names them, by the SHA-1 of `name`.
pub fn cache_file(env: &EnvMap, name: &str) -> PathBuf {
    use sha1::Digest;
    let hex: String = sha1::Sha1::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    cache_dir(env).join(format!("{hex}.json"))
}

/// What runas says to type when a token is missing or spent.
pub fn login_hint(profile: &str) -> String {
    format!(
        "runas login {}",
        crate::shell::quote_if_needed(crate::shell::ShellKind::Sh, profile)
    )
}

/// The token file as read: its fields (all kept for a rewrite) and the ones runas uses.
struct TokenFile {
    fields: serde_json::Map<String, serde_json::Value>,
    access_token: String,
    expires_at: u64,
}

impl TokenFile {
    fn text(&self, key: &str) -> Option<&str> {
        self.fields
            .get(key)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The refresh request, when the token has a refresh token and an unexpired registration.
    fn refresh(&self, now: u64) -> Option<Refresh<'_>> {
        let registration = self
            .text("registrationExpiresAt")
            .and_then(super::parse_rfc3339)?;
        (registration > now).then_some(())?;
        Some(Refresh {
            client_id: self.text("clientId")?,
            client_secret: self.text("clientSecret")?,
            refresh_token: self.text("refreshToken")?,
        })
    }
}

/// The token's expiry (seconds since the epoch), for `runas config` and `doctor`; `None` when
/// there is no readable token.
pub fn token_expiry(env: &EnvMap, sso: &Sso) -> Option<u64> {
    read(&token_path(env, sso)).ok().flatten().map(|t| t.expires_at)
}

/// A valid access token for `sso`: the cached one when it lasts beyond `window`; else a
/// refreshed one (the file rewritten) when it can be refreshed; else the cached one while it
/// is still valid at all; else the error that says to log in.
pub fn access_token(
    env: &EnvMap,
    profile: &str,
    sso: &Sso,
    window: Duration,
    api: &dyn SsoApi,
    now: u64,
) -> Result<String> {
    let path = token_path(env, sso);
    let Some(token) = read(&path)? else {
        return Err(Error::SsoNoToken {
            described: sso.described(),
            path,
            login: login_hint(profile),
        });
    };
    if token.expires_at > now.saturating_add(window.as_secs()) {
        crate::verbose::say!(
            "{}: token valid until {}",
            sso.described(),
            crate::creds::rfc3339(token.expires_at)
        );
        return Ok(token.access_token);
    }
    if let Some(refresh) = token.refresh(now) {
        crate::verbose::say!(
            "{}: token expires within the window; refreshing it",
            sso.described()
        );
        match api.refresh_token(sso, &refresh) {
            Ok(new) => {
                let mut fields = token.fields.clone();
                let expires_at = now.saturating_add(new.expires_in.as_secs());
                fields.insert("accessToken".into(), new.access_token.clone().into());
                fields.insert("expiresAt".into(), crate::creds::rfc3339(expires_at).into());
                if let Some(rotated) = new.refresh_token {
                    fields.insert("refreshToken".into(), rotated.into());
                }
                if let Err(e) = write(&path, &fields) {
                    crate::warn(format_args!(
                        "could not rewrite the SSO token file {}: {e}; the new token is used but not kept",
                        path.display()
                    ));
                }
                return Ok(new.access_token);
            }
            // A token that still works is better than none: the refresh is tried again next time.
            Err(e) if token.expires_at > now => {
                crate::warn(format_args!(
                    "{e}; the current SSO token is used until it expires"
                ));
            }
            Err(e) => return Err(e),
        }
    }
    if token.expires_at > now {
        return Ok(token.access_token);
    }
    Err(Error::SsoExpired {
        described: sso.described(),
        login: login_hint(profile),
    })
}

/// The registration in the token file of `sso` (reused by a sign-in while it lasts), if any.
pub fn saved_registration(env: &EnvMap, sso: &Sso, now: u64) -> Option<Registration> {
    let token = read(&token_path(env, sso)).ok()??;
    let expires_at = token
        .text("registrationExpiresAt")
        .and_then(super::parse_rfc3339)?;
    (expires_at > now + 3600)
        .then(|| Registration {
            client_id: token.text("clientId").unwrap_or_default().to_string(),
            client_secret: token.text("clientSecret").unwrap_or_default().to_string(),
            expires_at,
        })
        .filter(|r| !r.client_id.is_empty() && !r.client_secret.is_empty())
}

/// Writes the token a sign-in got as the AWS CLI writes it; returns the file.
pub fn save_token(
    env: &EnvMap,
    sso: &Sso,
    token: &NewToken,
    registration: &Registration,
    now: u64,
) -> Result<PathBuf> {
    let path = token_path(env, sso);
    let mut fields = serde_json::Map::new();
    fields.insert("startUrl".into(), sso.start_url.value.clone().into());
    fields.insert("region".into(), sso.region.value.clone().into());
    fields.insert("accessToken".into(), token.access_token.clone().into());
    fields.insert(
        "expiresAt".into(),
        crate::creds::rfc3339(now + token.expires_in.as_secs()).into(),
    );
    fields.insert("clientId".into(), registration.client_id.clone().into());
    fields.insert("clientSecret".into(), registration.client_secret.clone().into());
    fields.insert(
        "registrationExpiresAt".into(),
        crate::creds::rfc3339(registration.expires_at).into(),
    );
    if let Some(refresh) = &token.refresh_token {
        fields.insert("refreshToken".into(), refresh.clone().into());
    }
    write(&path, &fields).map_err(|e| Error::Cache {
        path: path.clone(),
        problem: format!("cannot write the SSO token: {e}; check the folder's permissions"),
    })?;
    Ok(path)
}

/// Reads the token file: `None` when there is none; an error for one that is not a regular
/// file, too large, or not a token.
fn read(path: &Path) -> Result<Option<TokenFile>> {
    use super::SmallFileError;
    let problem = |what: String| Error::Cache {
        path: path.to_path_buf(),
        problem: format!("{what}; remove it and sign in again"),
    };
    let text = match super::read_small_file(path, MAX_TOKEN_FILE) {
        Ok(text) => text,
        Err(SmallFileError::Open(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(SmallFileError::Open(e) | SmallFileError::Read(e)) => {
            return Err(problem(format!("cannot read it: {e}")));
        }
        Err(SmallFileError::Stat(e)) => return Err(problem(e.to_string())),
        Err(SmallFileError::NotRegular) => return Err(problem("it is not a regular file".into())),
        Err(SmallFileError::TooLarge) => {
            return Err(problem("it is larger than 64 KiB, which no token file is".into()));
        }
    };
    let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)
        .map_err(|_| problem("it is not a token file (not a JSON object)".into()))?;
    let text_of = |key: &str| {
        fields
            .get(key)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let access_token = text_of("accessToken")
        .ok_or_else(|| problem("it has no accessToken".into()))?
        .to_string();
    let expires_at = text_of("expiresAt")
        .and_then(parse_expiry)
        .ok_or_else(|| problem("its expiresAt is not a time".into()))?;
    Ok(Some(TokenFile {
        fields,
        access_token,
        expires_at,
    }))
}

/// `expiresAt` as the AWS CLI writes it (`2026-12-01T10:00:00Z`), and as older versions did
/// (`2026-12-01T10:00:00UTC`).
fn parse_expiry(text: &str) -> Option<u64> {
    super::parse_rfc3339(text).or_else(|| super::parse_rfc3339(&format!("{}Z", text.strip_suffix("UTC")?)))
}

/// Writes the token file atomically, 0600, in a 0700 folder made if needed.
fn write(path: &Path, fields: &serde_json::Map<String, serde_json::Value>) -> std::io::Result<()> {
    let text = serde_json::to_string(fields).map_err(std::io::Error::other)?;
    write_file(path, &text)
}

/// Writes `text` to `path` atomically, 0600, in a 0700 folder made if needed.
pub fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("token"),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Origin;
    use crate::config::Setting;
    use std::cell::RefCell;

    fn sso(session: Option<&str>) -> Sso {
        let s = |v: &str| Setting {
            value: v.to_string(),
            origin: Origin::Default,
        };
        Sso {
            session: session.map(str::to_string),
            start_url: s("https://example.awsapps.com/start"),
            region: s("eu-west-1"),
            account_id: Some(s("123456789012")),
            role_name: Some(s("Admin")),
            scopes: vec!["sso:account:access".into()],
            portal_url: None,
            oidc_url: None,
        }
    }

    fn env(home: &Path) -> EnvMap {
        [("HOME".to_string(), home.display().to_string())].into()
    }

    #[derive(Default)]
    struct Fake {
        refreshed: RefCell<Vec<String>>,
    }

    impl SsoApi for Fake {
        fn get_role_credentials(&self, _: &Sso, _: &str) -> Result<Credentials> {
            unreachable!()
        }
        fn create_token(&self, _: &Sso, _: &Client<'_>, grant: &Grant<'_>) -> Result<NewToken> {
            let Grant::Refresh(token) = grant else {
                unreachable!("only refreshes here")
            };
            self.refreshed.borrow_mut().push(token.to_string());
            Ok(NewToken {
                access_token: "new-token".into(),
                expires_in: Duration::from_secs(3600),
                refresh_token: Some("rotated".into()),
            })
        }
        fn register_client(&self, _: &Sso, _: &[&str], _: Option<&str>) -> Result<Registration> {
            unreachable!()
        }
        fn start_device_authorization(&self, _: &Sso, _: &Client<'_>) -> Result<Device> {
            unreachable!()
        }
    }

    #[test]
    fn the_token_file_is_named_as_the_aws_cli_names_it() {
        let home = Path::new("/h");
        // SHA-1 of the session name, or of the start URL (python3 -c 'import hashlib;
        // print(hashlib.sha1(b"my-sso").hexdigest())'), as the AWS CLI names them.
        assert_eq!(
            token_path(&env(home), &sso(Some("my-sso"))),
            Path::new("/h/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json")
        );
        assert_eq!(
            token_path(&env(home), &sso(None)),
            Path::new("/h/.aws/sso/cache/e8be5486177c5b5392bd9aa76563515b29358e6e.json")
        );
    }

    const NOW: u64 = 1_800_000_000;

    fn write_token(home: &Path, sso: &Sso, fields: serde_json::Value) -> PathBuf {
        let path = token_path(&env(home), sso);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, fields.to_string()).unwrap();
        path
    }

    #[test]
    fn a_valid_token_is_used_as_it_is_and_a_spent_one_asks_for_a_login() {
        let home = tempfile::tempdir().unwrap();
        let sso = sso(Some("corp"));
        let fake = Fake::default();
        let window = Duration::from_secs(300);
        write_token(
            home.path(),
            &sso,
            serde_json::json!({
                "startUrl": "https://example.awsapps.com/start", "region": "eu-west-1",
                "accessToken": "tok-1", "expiresAt": crate::creds::rfc3339(NOW + 3600),
            }),
        );
        assert_eq!(
            access_token(&env(home.path()), "p", &sso, window, &fake, NOW).unwrap(),
            "tok-1"
        );
        // Within the window, nothing to refresh with: still used while valid.
        assert_eq!(
            access_token(&env(home.path()), "p", &sso, window, &fake, NOW + 3500).unwrap(),
            "tok-1"
        );
        let e = access_token(&env(home.path()), "p", &sso, window, &fake, NOW + 3600).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the SSO session corp has expired; run: runas login p"
        );
        assert!(fake.refreshed.borrow().is_empty());
        let none = access_token(
            &env(home.path()),
            "p",
            &self::sso(Some("other")),
            window,
            &fake,
            NOW,
        )
        .unwrap_err();
        assert!(
            none.to_string()
                .starts_with("no SSO token for the SSO session other in "),
            "{none}"
        );
    }

    #[test]
    fn a_token_due_is_refreshed_and_the_file_rewritten_keeping_its_fields() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let sso = sso(Some("corp"));
        let fake = Fake::default();
        let path = write_token(
            home.path(),
            &sso,
            serde_json::json!({
                "startUrl": "https://example.awsapps.com/start", "region": "eu-west-1",
                "accessToken": "tok-1", "expiresAt": "2027-01-15T08:00:00UTC",
                "clientId": "cid", "clientSecret": "csecret",
                "registrationExpiresAt": crate::creds::rfc3339(NOW + 86400),
                "refreshToken": "ref-1",
            }),
        );
        // Long after, the registration has expired too: nothing to refresh with.
        let late = access_token(
            &env(home.path()),
            "p",
            &sso,
            Duration::from_secs(300),
            &fake,
            NOW + 1_000_000,
        )
        .unwrap_err();
        assert!(late.to_string().contains("has expired"), "{late}");
        // At NOW (2027-01-15T08:00:00Z, written the old way with `UTC`) it is due: refreshed.
        let token = access_token(&env(home.path()), "p", &sso, Duration::from_secs(300), &fake, NOW).unwrap();
        assert_eq!(token, "new-token");
        assert_eq!(*fake.refreshed.borrow(), ["ref-1"]);
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(written["accessToken"], "new-token");
        assert_eq!(written["refreshToken"], "rotated");
        assert_eq!(written["expiresAt"], crate::creds::rfc3339(NOW + 3600));
        assert_eq!(written["clientSecret"], "csecret", "the other fields stay");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn a_file_that_is_not_a_token_is_one_clear_error() {
        let home = tempfile::tempdir().unwrap();
        let sso = sso(None);
        let fake = Fake::default();
        write_token(home.path(), &sso, serde_json::json!(["not", "a", "token"]));
        let e = access_token(&env(home.path()), "p", &sso, Duration::ZERO, &fake, NOW).unwrap_err();
        assert!(e.to_string().contains("not a token file"), "{e}");
    }
}
