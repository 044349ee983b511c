//! `runas login` and `runas logout`: signing in to IAM Identity Center, as the AWS CLI v2 does
//! it, into the token cache it shares with the AWS CLI and the SDKs.
//!
//! - the authorization code flow with PKCE (the default): a client registered for
//!   `authorization_code` and `refresh_token`, a listener on 127.0.0.1 (a random port) for the
//!   browser's redirect, the authorize address opened in the browser and always printed on
//!   stderr, `state` checked, then CreateToken with the code and the verifier;
//! - the device flow (`--device-code`, and whenever no browser can be opened, as over SSH): the
//!   address and the code printed on stderr, CreateToken polled as RFC 8628 says
//!   (`authorization_pending`, `slow_down` adds 5 s, `expired_token` ends it).
//!
//! Client registrations are cached beside the tokens and reused until they expire. Nothing is
//! written to stdout but the `--json` summary; a login while the token is valid does nothing
//! (`--force` signs in again).

use super::session;
use crate::cache::{self, Cache};
use crate::cli::{LoginArgs, LogoutArgs};
use crate::config::{self, Files, Overrides, Paths, Source, Sso};
use crate::creds::{epoch_now, rfc3339};
use crate::env;
use crate::sources::http::percent_encode as encode;
use crate::sources::sso::{self as sso_cache, Client, Grant, NewToken, Registration, SsoApi};
use crate::sts::{AwsSts, StsSettings};
use crate::{EnvMap, Error, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The redirect a PKCE client is registered with; the sign-in uses it with the listener's port
/// (loopback redirects may change the port, RFC 8252).
const REDIRECT: &str = "http://127.0.0.1/oauth/callback";

/// How long the browser's redirect is waited for, unless `RUNAS_LOGIN_TIMEOUT` says otherwise.
const DEFAULT_WAIT: Duration = Duration::from_secs(300);

/// The session `args` name: `--sso-session NAME`, else the SSO source of the profile (as `env`
/// finds the profile), with the name used in messages.
fn target(profile: Option<&str>, sso_session: Option<&str>, env: &EnvMap) -> Result<(String, Sso)> {
    if let Some(name) = sso_session {
        let original = env::original(env);
        let files = Files::load(&Paths::from_env(&original))?;
        return Ok((name.to_string(), config::sso_session(&files, &original, name)?));
    }
    let r = session::resolve(profile, &Overrides::default(), env)?;
    let name = r.display_name().to_string();
    match r.source {
        Source::Sso(sso) => Ok((name, *sso)),
        other => Err(Error::Login(format!(
            "profile {name:?} does not sign in through IAM Identity Center (its source is {}); name an SSO profile or --sso-session NAME",
            other.describe()
        ))),
    }
}

fn api_for(sso: &Sso) -> AwsSts {
    AwsSts::new(StsSettings {
        region: sso.region.value.clone(),
        endpoint_url: None,
        legacy_global_endpoint: false,
        use_fips: false,
        use_dual_stack: false,
    })
}

pub(crate) fn login(args: &LoginArgs, env: &EnvMap) -> Result<String> {
    let (name, sso) = target(args.profile.as_deref(), args.sso_session.as_deref(), env)?;
    let original = env::original(env);
    let window = cache::refresh_window(env)?;
    let now = epoch_now();
    if !args.force
        && let Some(at) = sso_cache::token_expiry(&original, &sso)
        && at > now + window.as_secs()
    {
        eprintln!(
            "runas: already signed in to {} until {} (--force signs in again)",
            sso.described(),
            rfc3339(at)
        );
        return Ok(summary(args.json, &sso, at));
    }
    let wait = match env.get("RUNAS_LOGIN_TIMEOUT").filter(|v| !v.is_empty()) {
        Some(text) => config::duration::parse_go_duration(text).map_err(|_| {
            Error::Usage(format!(
                "RUNAS_LOGIN_TIMEOUT={text:?} is not a duration; write it like 5m or 90s"
            ))
        })?,
        None => DEFAULT_WAIT,
    };
    let api = api_for(&sso);
    let browser = (!args.no_browser).then(|| Browser::from_env(env)).flatten();
    let (token, registration) = match (&browser, args.device_code) {
        (Some(browser), false) => authorization_code(&api, &sso, &original, browser, wait)?,
        _ => {
            if !args.device_code && !args.no_browser {
                eprintln!("runas: no browser to open here; signing in with a code instead");
            }
            device_code(&api, &sso, &original, browser.as_ref())?
        }
    };
    let now = epoch_now();
    sso_cache::save_token(&original, &sso, &token, &registration, now)?;
    let until = now + token.expires_in.as_secs();
    eprintln!(
        "runas: signed in to {} for {name} until {}",
        sso.described(),
        rfc3339(until)
    );
    Ok(summary(args.json, &sso, until))
}

/// `--json`: the session and when its token expires.
fn summary(json: bool, sso: &Sso, until: u64) -> String {
    if !json {
        return String::new();
    }
    let doc = serde_json::json!({
        "SsoSession": sso.session,
        "StartUrl": sso.start_url.value,
        "ExpiresAt": rfc3339(until),
    });
    format!("{doc}\n")
}

/// A client registered for `flow`, from the cache while it lasts, else registered now and
/// cached.
fn client(api: &dyn SsoApi, sso: &Sso, env: &EnvMap, flow: &str) -> Result<Registration> {
    let path = registration_path(env, sso, flow);
    let now = epoch_now();
    if let Some(saved) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|doc| {
            let expires_at = doc["expiresAt"]
                .as_str()
                .and_then(crate::sources::parse_rfc3339)?;
            (expires_at > now + 3600).then(|| Registration {
                client_id: doc["clientId"].as_str().unwrap_or_default().to_string(),
                client_secret: doc["clientSecret"].as_str().unwrap_or_default().to_string(),
                expires_at,
            })
        })
        .filter(|r| !r.client_id.is_empty() && !r.client_secret.is_empty())
    {
        return Ok(saved);
    }
    let registration = if flow == "pkce" {
        api.register_client(sso, &["authorization_code", "refresh_token"], Some(REDIRECT))?
    } else {
        api.register_client(
            sso,
            &["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
            None,
        )?
    };
    let doc = serde_json::json!({
        "clientId": registration.client_id,
        "clientSecret": registration.client_secret,
        "expiresAt": rfc3339(registration.expires_at),
        "scopes": sso.scopes,
    });
    let _ = sso_cache::write_file(&path, &doc.to_string());
    Ok(registration)
}

/// Where runas keeps a client registration: beside the tokens, named by what it is for.
fn registration_path(env: &EnvMap, sso: &Sso, flow: &str) -> PathBuf {
    let what = format!(
        "runas-client {flow} {} {} {}",
        sso.start_url.value,
        sso.region.value,
        sso.scopes.join(",")
    );
    sso_cache::cache_file(env, &what)
}

/// The device flow: the address and the code on stderr, then CreateToken until the sign-in is
/// done, denied or expired.
fn device_code(
    api: &dyn SsoApi,
    sso: &Sso,
    env: &EnvMap,
    browser: Option<&Browser>,
) -> Result<(NewToken, Registration)> {
    let registration = client(api, sso, env, "device")?;
    let client = Client {
        id: &registration.client_id,
        secret: &registration.client_secret,
    };
    let device = api.start_device_authorization(sso, &client)?;
    eprintln!(
        "runas: to sign in to {}, open {} and enter the code {}",
        sso.described(),
        device.verification_uri,
        device.user_code
    );
    if let (Some(browser), Some(complete)) = (browser, &device.verification_uri_complete) {
        let _ = browser.open(complete);
    }
    let deadline = Instant::now() + device.expires_in;
    let mut interval = device.interval;
    loop {
        std::thread::sleep(interval);
        match api.create_token(sso, &client, &Grant::DeviceCode(&device.device_code)) {
            Ok(token) => return Ok((token, registration)),
            Err(Error::Sts { code: Some(code), .. }) if code == "AuthorizationPendingException" => {}
            Err(Error::Sts { code: Some(code), .. }) if code == "SlowDownException" => {
                interval += Duration::from_secs(5);
            }
            Err(Error::Sts { code: Some(code), .. }) if code == "ExpiredTokenException" => {
                return Err(expired_code());
            }
            Err(Error::Sts { code: Some(code), .. }) if code == "AccessDeniedException" => {
                return Err(Error::Login(
                    "the sign-in was denied in the browser; nothing was saved; run runas login again".into(),
                ));
            }
            Err(e) => return Err(e),
        }
        if Instant::now() >= deadline {
            return Err(expired_code());
        }
    }
}

fn expired_code() -> Error {
    Error::Login("the sign-in code expired before it was entered; run runas login again".into())
}

/// The authorization code flow with PKCE: the browser signs in and is sent back to a listener
/// on this machine with a code, which CreateToken exchanges with the verifier.
fn authorization_code(
    api: &dyn SsoApi,
    sso: &Sso,
    env: &EnvMap,
    browser: &Browser,
    wait: Duration,
) -> Result<(NewToken, Registration)> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| {
        Error::Login(format!(
            "cannot listen on 127.0.0.1 for the browser's answer: {e}; sign in with runas login --device-code"
        ))
    })?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let redirect_uri = format!("http://127.0.0.1:{port}/oauth/callback");
    let registration = client(api, sso, env, "pkce")?;
    let state = random_text(32)?;
    let verifier = random_text(48)?;
    let challenge = {
        use sha2::Digest;
        base64url(&sha2::Sha256::digest(verifier.as_bytes()))
    };
    let base = sso
        .oidc_url
        .as_ref()
        .map(|u| u.value.trim_end_matches('/').to_string())
        .unwrap_or_else(|| format!("https://oidc.{}.amazonaws.com", sso.region.value));
    let url = format!(
        "{base}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
        encode(&registration.client_id),
        encode(&redirect_uri),
        encode(&state),
        encode(&sso.scopes.join(" ")),
        encode(&challenge),
    );
    eprintln!(
        "runas: to sign in to {}, open this address (a browser is opening it):",
        sso.described()
    );
    eprintln!("{url}");
    let _ = browser.open(&url);
    let answer = wait_for_redirect(&listener, wait)?;
    let param = |key: &str| {
        answer
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| decode(v))
    };
    if let Some(error) = param("error") {
        return Err(Error::Login(format!(
            "the sign-in was not completed ({}); nothing was saved; run runas login again",
            crate::one_line(&error)
        )));
    }
    if param("state").as_deref() != Some(state.as_str()) {
        return Err(Error::Login(
            "the browser came back with another sign-in's state (a stale tab or a forged request); nothing was saved; run runas login again".into(),
        ));
    }
    let Some(code) = param("code").filter(|c| !c.is_empty()) else {
        return Err(Error::Login(
            "the browser came back without a code; nothing was saved; run runas login again".into(),
        ));
    };
    let client = Client {
        id: &registration.client_id,
        secret: &registration.client_secret,
    };
    let grant = Grant::AuthorizationCode {
        code: &code,
        verifier: &verifier,
        redirect_uri: &redirect_uri,
    };
    let token = api.create_token(sso, &client, &grant)?;
    Ok((token, registration))
}

/// Waits for the browser's request to `/oauth/callback` and answers it with a page; returns its
/// query. Other requests (a favicon) get a 404 and the wait goes on.
fn wait_for_redirect(listener: &TcpListener, wait: Duration) -> Result<String> {
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::Login(format!("cannot wait for the browser: {e}")))?;
    let deadline = Instant::now() + wait;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(query) = answer_request(stream) {
                    return Ok(query);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(Error::Login(format!(
                        "no sign-in came back from the browser within {}; nothing was saved; run runas login again (or runas login --device-code)",
                        humantime::format_duration(wait)
                    )));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => return Err(Error::Login(format!("cannot wait for the browser: {e}"))),
        }
    }
}

/// Reads one request; for `GET /oauth/callback?QUERY` answers a page and returns QUERY.
fn answer_request(stream: TcpStream) -> Option<String> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let target = first.split_whitespace().nth(1).unwrap_or("");
    let query = target.strip_prefix("/oauth/callback?").map(str::to_string);
    let (status, body) = match &query {
        Some(_) => ("200 OK", "runas: the sign-in is done; you can close this tab.\n"),
        None => ("404 Not Found", "not here\n"),
    };
    let mut stream = &stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.flush();
    query
}

/// How to open an address: `BROWSER` (commands separated by `:`, `%s` standing for the
/// address or else it is added at the end), else `xdg-open` where a display is, else `open`
/// on macOS. None over SSH without a display: the device flow is used then.
pub(super) struct Browser(Vec<Vec<String>>);

impl Browser {
    pub(super) fn from_env(env: &EnvMap) -> Option<Browser> {
        if let Some(list) = env.get("BROWSER").filter(|b| !b.trim().is_empty()) {
            let commands: Vec<Vec<String>> = list
                .split(':')
                .map(|c| c.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                .filter(|c| !c.is_empty())
                .collect();
            return (!commands.is_empty()).then_some(Browser(commands));
        }
        if cfg!(target_os = "macos") {
            return Some(Browser(vec![vec!["open".into()]]));
        }
        let display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| env.get(*v).is_some_and(|d| !d.is_empty()));
        display.then(|| Browser(vec![vec!["xdg-open".into()]]))
    }

    /// Starts the first command that starts; false when none did. (`login` prints the address
    /// anyway; `console` prints it only when no browser started.)
    pub(super) fn open(&self, url: &str) -> bool {
        for command in &self.0 {
            let mut argv: Vec<String> = command.iter().map(|w| w.replace("%s", url)).collect();
            if !command.iter().any(|w| w.contains("%s")) {
                argv.push(url.to_string());
            }
            let started = std::process::Command::new(&argv[0])
                .args(&argv[1..])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
            if started.is_ok() {
                return true;
            }
        }
        false
    }
}

/// `len` random bytes from the kernel, as URL-safe text.
fn random_text(len: usize) -> Result<String> {
    let mut bytes = vec![0; len];
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| Error::Login(format!("cannot read random bytes: {e}")))?;
    Ok(base64url(&bytes))
}

/// Base64url without padding (RFC 4648 §5), as PKCE writes the challenge.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// The reverse of `percent_encode`, and `+` as a space, as browsers write query strings.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn logout(args: &LogoutArgs, env: &EnvMap) -> Result<String> {
    let (_, sso) = target(args.profile.as_deref(), args.sso_session.as_deref(), env)?;
    let original = env::original(env);
    let path = sso_cache::token_path(&original, &sso);
    let removed_token = match std::fs::remove_file(&path) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            return Err(Error::Cache {
                path,
                problem: format!("cannot remove it: {e}; check the folder's permissions"),
            });
        }
    };
    // The role credentials bought with this session's token, for every profile that uses it.
    let mut removed = 0;
    if let Some(dir) = cache::cache_dir(&original) {
        let cache = Cache::new(dir, Cache::DEFAULT_WINDOW);
        let files = Files::load(&Paths::from_env(&original))?;
        for name in files.profile_names() {
            let Ok(r) = config::resolve(&files, &original, &Overrides::default(), &name) else {
                continue;
            };
            if !matches!(&r.source, Source::Sso(s) if s.token_name() == sso.token_name()) || r.base != name {
                continue;
            }
            for key in crate::provider::cache_keys(&r)
                .iter()
                .filter(|k| k.kind() == "sso")
            {
                removed += usize::from(cache.take(key)?.is_some());
            }
        }
    }
    let token = if removed_token {
        format!("removed its token {}", path.display())
    } else {
        "it had no token".to_string()
    };
    eprintln!(
        "runas: signed out of {}: {token} and {removed} cached role credential(s)",
        sso.described()
    );
    Ok(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_text_is_encoded_as_the_rfcs_say() {
        // RFC 7636 appendix B: the verifier's S256 challenge.
        use sha2::Digest;
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            base64url(&sha2::Sha256::digest(verifier.as_bytes())),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(encode("a b/c?d=é"), "a%20b%2Fc%3Fd%3D%C3%A9");
        assert_eq!(decode("a%20b+c%2F%zz%"), "a b c/%zz%");
    }
}
