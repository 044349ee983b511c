//! The flows against a fake STS that records every call, and a real cache in a temp dir.

use super::*;
use crate::config::{Files, Overrides, ini, resolve};
use crate::sts::Identity;
use std::cell::{Cell, RefCell};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    SessionToken {
        source: String,
        secs: u64,
        mfa: Option<(String, String)>,
    },
    AssumeRole {
        source: String,
        arn: String,
        secs: u64,
        mfa: Option<(String, String)>,
        external_id: Option<String>,
        name: String,
    },
}

#[derive(Default)]
struct FakeSts {
    calls: RefCell<Vec<Call>>,
    /// Fail the call with this index (0-based) with ExpiredToken.
    expire_call: Option<usize>,
    /// Claim this expiration (seconds since the epoch) instead of the one asked for.
    claims_expiration: Option<u64>,
}

impl FakeSts {
    fn issue(&self, call: Call, secs: u64) -> Result<Credentials> {
        let n = self.calls.borrow().len();
        self.calls.borrow_mut().push(call);
        if self.expire_call == Some(n) {
            return Err(Error::Sts {
                operation: "AssumeRole",
                endpoint: "fake".into(),
                code: Some("ExpiredToken".into()),
                message: "The security token included in the request is expired".into(),
                hint: None,
            });
        }
        Ok(Credentials {
            access_key_id: format!("ASIA{n:016}"),
            secret_access_key: format!("secret{n}"),
            session_token: Some(format!("token{n}")),
            expiration: Some(self.claims_expiration.unwrap_or(crate::creds::epoch_now() + secs)),
        })
    }
}

impl Sts for FakeSts {
    fn get_session_token(
        &self,
        source: &Credentials,
        duration: Duration,
        mfa: Option<Mfa<'_>>,
    ) -> Result<Credentials> {
        let call = Call::SessionToken {
            source: source.access_key_id.clone(),
            secs: duration.as_secs(),
            mfa: mfa.map(|m| (m.serial.to_string(), m.code.to_string())),
        };
        self.issue(call, duration.as_secs())
    }

    fn assume_role(&self, source: &Credentials, request: &AssumeRole<'_>) -> Result<Credentials> {
        let call = Call::AssumeRole {
            source: source.access_key_id.clone(),
            arn: request.role_arn.to_string(),
            secs: request.duration.as_secs(),
            mfa: request.mfa.map(|m| (m.serial.to_string(), m.code.to_string())),
            external_id: request.external_id.map(str::to_string),
            name: request.session_name.to_string(),
        };
        self.issue(call, request.duration.as_secs())
    }

    fn assume_role_with_web_identity(&self, request: &crate::sts::WebIdentity<'_>) -> Result<Credentials> {
        unreachable!("no web identity here: {}", request.role_arn)
    }

    fn get_caller_identity(&self, _: &Credentials) -> Result<Identity> {
        unreachable!("the provider never asks who it is")
    }
}

/// No SSO profile here.
struct NoSso;

impl crate::sources::sso::SsoApi for NoSso {
    fn get_role_credentials(&self, _: &crate::config::Sso, _: &str) -> Result<Credentials> {
        unreachable!("no SSO profile here")
    }
    fn create_token(
        &self,
        _: &crate::config::Sso,
        _: &crate::sources::sso::Client<'_>,
        _: &crate::sources::sso::Grant<'_>,
    ) -> Result<crate::sources::sso::NewToken> {
        unreachable!("no SSO profile here")
    }
    fn register_client(
        &self,
        _: &crate::config::Sso,
        _: &[&str],
        _: Option<&str>,
    ) -> Result<crate::sources::sso::Registration> {
        unreachable!("no SSO profile here")
    }
    fn start_device_authorization(
        &self,
        _: &crate::config::Sso,
        _: &crate::sources::sso::Client<'_>,
    ) -> Result<crate::sources::sso::Device> {
        unreachable!("no SSO profile here")
    }
}

/// Counts prompts; answers 123456.
#[derive(Default)]
struct CountingMfa {
    asked: Cell<usize>,
}

impl MfaSource for CountingMfa {
    fn code(&self, _serial: &str) -> Result<String> {
        self.asked.set(self.asked.get() + 1);
        Ok("123456".into())
    }
}

const MFA: &str = "arn:aws:iam::111111111111:mfa/alice";

fn seed(extra_config: &str, credentials: &str) -> Files {
    let config = format!(
        "[default]\nmfa_serial = {MFA}\nrole_session_name = alice\n\
         [profile prod]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = default\nexternal_id = ext-1\n\
         [profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = prod\n{extra_config}"
    );
    Files::new(
        ini::parse(Path::new("/c"), config.as_bytes()).unwrap(),
        ini::parse(Path::new("/k"), credentials.as_bytes()).unwrap(),
    )
}

const KEYS: &str = "[default]\naws_access_key_id = AKIALONGTERM00000000\naws_secret_access_key = s\n";

struct World {
    _dir: tempfile::TempDir,
    cache: Cache,
    files: Files,
}

impl World {
    fn new(extra_config: &str, credentials: &str) -> World {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("cache"), Duration::from_secs(300));
        World {
            _dir: dir,
            cache,
            files: seed(extra_config, credentials),
        }
    }

    fn resolve(&self, name: &str, flags: &Overrides) -> Resolved {
        resolve(&self.files, &crate::EnvMap::new(), flags, name).unwrap()
    }

    fn get(&self, sts: &FakeSts, mfa: &CountingMfa, name: &str, opts: Options) -> Result<Credentials> {
        self.get_with(sts, mfa, name, opts, &Overrides::default())
    }

    fn get_with(
        &self,
        sts: &FakeSts,
        mfa: &CountingMfa,
        name: &str,
        opts: Options,
        flags: &Overrides,
    ) -> Result<Credentials> {
        let r = self.resolve(name, flags);
        Provider {
            sts,
            cache: &self.cache,
            mfa,
            process_chain: None,
            user_name: Default::default(),
            sso: &NoSso,
            env: &crate::EnvMap::new(),
        }
        .credentials(&r, opts)
    }
}

fn mfa_used() -> Option<(String, String)> {
    Some((MFA.to_string(), "123456".to_string()))
}

#[test]
fn a_keys_profile_gets_an_mfa_session_token_once_per_lifetime() {
    let w = World::new("", KEYS);
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    let first = w.get(&sts, &mfa, "default", Options::default()).unwrap();
    let second = w.get(&sts, &mfa, "default", Options::default()).unwrap();
    assert_eq!(first, second);
    assert_eq!(
        *sts.calls.borrow(),
        [Call::SessionToken {
            source: "AKIALONGTERM00000000".into(),
            secs: 12 * 3600,
            mfa: mfa_used()
        }]
    );
    assert_eq!(mfa.asked.get(), 1);
}

#[test]
fn a_role_of_an_hour_goes_through_the_session_token_without_mfa() {
    let w = World::new("", KEYS);
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    let creds = w.get(&sts, &mfa, "prod", Options::default()).unwrap();
    let calls = sts.calls.borrow().clone();
    assert_eq!(calls.len(), 2, "cold MFA role: 2 calls");
    assert!(matches!(&calls[0], Call::SessionToken { mfa, .. } if *mfa == mfa_used()));
    assert_eq!(
        calls[1],
        Call::AssumeRole {
            source: "ASIA0000000000000000".into(),
            arn: "arn:aws:iam::123456789012:role/prod".into(),
            secs: 3600,
            mfa: None,
            external_id: Some("ext-1".into()),
            name: "alice".into(),
        }
    );
    assert_eq!(creds.access_key_id, "ASIA0000000000000001");
    // Warm role: no call. Cached session only: one AssumeRole and no prompt.
    w.get(&sts, &mfa, "prod", Options::default()).unwrap();
    assert_eq!(sts.calls.borrow().len(), 2, "warm role: 0 calls");
    w.get(
        &sts,
        &mfa,
        "prod",
        Options {
            refresh: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(sts.calls.borrow().len(), 3, "cached session token: 1 call");
    assert!(
        matches!(&sts.calls.borrow()[2], Call::AssumeRole { source, mfa: None, .. } if source == "ASIA0000000000000000")
    );
    assert_eq!(mfa.asked.get(), 1, "one code per session-token lifetime");
}

#[test]
fn a_role_over_an_hour_is_assumed_directly_with_the_keys_and_mfa() {
    let w = World::new("", KEYS);
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    let flags = Overrides {
        role_duration: Some("8h".into()),
        ..Default::default()
    };
    w.get_with(&sts, &mfa, "prod", Options::default(), &flags)
        .unwrap();
    let calls = sts.calls.borrow();
    assert_eq!(calls.len(), 1);
    assert!(
        matches!(&calls[0], Call::AssumeRole { source, secs: 28800, mfa, .. }
        if source == "AKIALONGTERM00000000" && *mfa == mfa_used())
    );
}

#[test]
fn chains_assume_each_role_with_the_previous_and_are_clamped_to_an_hour() {
    let w = World::new("", KEYS);
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    let flags = Overrides {
        role_duration: Some("3h".into()),
        ..Default::default()
    };
    w.get_with(&sts, &mfa, "ops", Options::default(), &flags).unwrap();
    let calls = sts.calls.borrow();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        matches!(&calls[0], Call::AssumeRole { arn, secs: 10800, mfa, .. } if arn.ends_with("/prod") && mfa.is_some())
    );
    assert!(
        matches!(&calls[1], Call::AssumeRole { arn, source, secs: 3600, mfa: None, external_id: None, .. }
        if arn.ends_with("/ops") && source == "ASIA0000000000000000")
    );
}

#[test]
fn short_chains_use_the_session_token_first() {
    let w = World::new("", KEYS);
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    w.get(&sts, &mfa, "ops", Options::default()).unwrap();
    let steps: Vec<String> = sts
        .calls
        .borrow()
        .iter()
        .map(|c| match c {
            Call::SessionToken { .. } => "session".to_string(),
            Call::AssumeRole { arn, .. } => arn.rsplit('/').next().unwrap().to_string(),
        })
        .collect();
    assert_eq!(steps, ["session", "prod", "ops"]);
}

#[test]
fn temporary_source_keys_skip_the_session_token() {
    let creds = "[default]\naws_access_key_id = ASIATEMP000000000000\naws_secret_access_key = s\naws_session_token = t\n";
    let w = World::new("", creds);
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    w.get(&sts, &mfa, "prod", Options::default()).unwrap();
    let calls = sts.calls.borrow();
    assert_eq!(calls.len(), 1);
    assert!(
        matches!(&calls[0], Call::AssumeRole { source, mfa: None, .. } if source == "ASIATEMP000000000000")
    );
    drop(calls);
    let own = w.get(&sts, &mfa, "default", Options::default()).unwrap();
    assert_eq!(
        own.session_token.as_deref(),
        Some("t"),
        "a temporary keys profile is its own result"
    );
    assert_eq!(sts.calls.borrow().len(), 1);
}

#[test]
fn session_flag_returns_the_session_token_of_a_role_profile() {
    let w = World::new("", KEYS);
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    let creds = w
        .get(
            &sts,
            &mfa,
            "prod",
            Options {
                session_only: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(creds.access_key_id, "ASIA0000000000000000");
    assert!(matches!(sts.calls.borrow()[..], [Call::SessionToken { .. }]));
}

#[test]
fn an_empty_mfa_serial_turns_off_the_inherited_one() {
    let w = World::new(
        "[profile plain]\nmfa_serial =\n",
        "[plain]\naws_access_key_id = AKIAPLAIN00000000000\naws_secret_access_key = s\n",
    );
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    w.get(&sts, &mfa, "plain", Options::default()).unwrap();
    assert!(matches!(
        &sts.calls.borrow()[..],
        [Call::SessionToken { mfa: None, .. }]
    ));
    assert_eq!(mfa.asked.get(), 0);
}

#[test]
fn expired_token_on_a_cached_session_drops_it_and_retries_once() {
    let w = World::new("", KEYS);
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    w.get(&sts, &mfa, "prod", Options::default()).unwrap();
    // STS now rejects the cached session (call index 2 is the next AssumeRole).
    let sts = FakeSts {
        calls: RefCell::new(sts.calls.take()),
        expire_call: Some(2),
        ..FakeSts::default()
    };
    let creds = w
        .get(
            &sts,
            &mfa,
            "prod",
            Options {
                refresh: true,
                ..Default::default()
            },
        )
        .unwrap();
    let calls = sts.calls.borrow();
    assert_eq!(calls.len(), 5, "{calls:?}");
    assert!(
        matches!(calls[3], Call::SessionToken { .. }),
        "a new session token after the rejection"
    );
    assert!(matches!(&calls[4], Call::AssumeRole { source, .. } if source == "ASIA0000000000000003"));
    assert_eq!(creds.access_key_id, "ASIA0000000000000004");
    assert_eq!(mfa.asked.get(), 2);
}

#[test]
fn a_second_expired_token_is_reported() {
    let w = World::new("", KEYS);
    let (sts, mfa) = (
        FakeSts {
            expire_call: Some(0),
            ..Default::default()
        },
        CountingMfa::default(),
    );
    w.get(&sts, &mfa, "default", Options::default()).unwrap();
    let sts = FakeSts {
        calls: RefCell::new(Vec::new()),
        expire_call: Some(0),
        ..FakeSts::default()
    };
    let e = w.get(
        &sts,
        &mfa,
        "default",
        Options {
            refresh: true,
            ..Default::default()
        },
    );
    assert!(e.is_ok(), "the retry is a new call that succeeds");
    let always = AlwaysExpired;
    let r = w.resolve("prod", &Overrides::default());
    let e = Provider {
        sts: &always,
        cache: &w.cache,
        mfa: &mfa,
        process_chain: None,
        user_name: Default::default(),
        sso: &NoSso,
        env: &crate::EnvMap::new(),
    }
    .credentials(
        &r,
        Options {
            refresh: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(is_expired_token(&e));
}

struct AlwaysExpired;

impl Sts for AlwaysExpired {
    fn get_session_token(&self, _: &Credentials, _: Duration, _: Option<Mfa<'_>>) -> Result<Credentials> {
        Err(Error::Sts {
            operation: "GetSessionToken",
            endpoint: "x".into(),
            code: Some("ExpiredToken".into()),
            message: "m".into(),
            hint: None,
        })
    }
    fn assume_role(&self, _: &Credentials, _: &AssumeRole<'_>) -> Result<Credentials> {
        Err(Error::Sts {
            operation: "AssumeRole",
            endpoint: "x".into(),
            code: Some("ExpiredToken".into()),
            message: "m".into(),
            hint: None,
        })
    }
    fn assume_role_with_web_identity(&self, request: &crate::sts::WebIdentity<'_>) -> Result<Credentials> {
        unreachable!("no web identity here: {}", request.role_arn)
    }

    fn get_caller_identity(&self, _: &Credentials) -> Result<Identity> {
        unreachable!()
    }
}

#[test]
fn mfa_codes_must_be_six_digits() {
    assert!(check_mfa_code("123456", MFA).is_ok());
    for bad in ["12345", "1234567", "12345a", "abcdef", "", " 12345"] {
        let e = check_mfa_code(bad, MFA).unwrap_err().to_string();
        assert!(e.starts_with("MFA code must be 6 digits"), "{bad:?}: {e}");
    }
    let given = TerminalMfa {
        given: Some("12345".into()),
        may_prompt: true,
    };
    assert!(given.code(MFA).is_err());
}

#[test]
fn no_code_and_no_prompt_is_a_clear_error() {
    let none = TerminalMfa {
        given: None,
        may_prompt: false,
    };
    assert_eq!(
        none.code(MFA).unwrap_err().to_string(),
        format!(
            "an MFA code is needed for {MFA} and there is no terminal to ask on; pass -o CODE or set MFA_CODE"
        )
    );
}

#[test]
fn cache_keys_differ_by_role_external_id_and_duration() {
    let w = World::new(
        "[profile prod2]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = default\nexternal_id = ext-2\n",
        KEYS,
    );
    let a = cache_keys(&w.resolve("prod", &Overrides::default()));
    let b = cache_keys(&w.resolve("prod2", &Overrides::default()));
    assert_eq!(a[0].hex(), b[0].hex(), "both roles share one session token");
    assert_ne!(a[1].hex(), b[1].hex(), "external ids differ");
    let c = cache_keys(&w.resolve(
        "prod",
        &Overrides {
            role_duration: Some("30m".into()),
            ..Default::default()
        },
    ));
    assert_ne!(a[1].hex(), c[1].hex());
}

#[test]
fn cache_keys_differ_by_who_issues_the_credentials() {
    let w = World::new(
        "[profile local]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = default\n\
         external_id = ext-1\nendpoint_url = http://127.0.0.1:1\n\
         [profile china]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = default\n\
         external_id = ext-1\nregion = cn-north-1\n",
        KEYS,
    );
    let prod = cache_keys(&w.resolve("prod", &Overrides::default()));
    for other in ["local", "china"] {
        let keys = cache_keys(&w.resolve(other, &Overrides::default()));
        for (a, b) in prod.iter().zip(&keys) {
            assert_ne!(a.hex(), b.hex(), "{other}");
        }
    }
}

#[test]
fn an_expiration_claimed_past_the_duration_asked_for_is_cached_as_the_duration() {
    let w = World::new("", KEYS);
    let sts = FakeSts {
        claims_expiration: Some(32_503_680_000), // the year 2999
        ..FakeSts::default()
    };
    let mfa = CountingMfa::default();
    let before = crate::creds::epoch_now();
    let creds = w.get(&sts, &mfa, "prod", Options::default()).unwrap();
    let expiration = creds.expiration.unwrap();
    assert!(expiration <= crate::creds::epoch_now() + 3600, "{expiration}");
    assert!(expiration >= before + 3600);
    let cached = w
        .cache
        .get(&cache_keys(&w.resolve("prod", &Overrides::default()))[1]);
    assert_eq!(cached.and_then(|c| c.expiration), Some(expiration));
}

#[test]
fn a_valid_cached_role_is_used_when_its_session_token_is_gone() {
    let w = World::new("", KEYS);
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    let first = w.get(&sts, &mfa, "ops", Options::default()).unwrap();
    let r = w.resolve("ops", &Overrides::default());
    w.cache.remove(&cache_keys(&r)[0]).unwrap();
    let again = w.get(&sts, &mfa, "ops", Options::default()).unwrap();
    assert_eq!(again, first);
    assert_eq!(sts.calls.borrow().len(), 3, "no call: the role is cached");
    assert_eq!(mfa.asked.get(), 1, "no new MFA code");
    // With the last role gone too, only that role is assumed again, with the cached first role.
    w.cache.remove(&cache_keys(&r)[2]).unwrap();
    w.get(&sts, &mfa, "ops", Options::default()).unwrap();
    let calls = sts.calls.borrow();
    assert_eq!(calls.len(), 4);
    assert!(
        matches!(&calls[3], Call::AssumeRole { arn, source, .. } if arn.ends_with("/ops") && source == "ASIA0000000000000001")
    );
    assert_eq!(mfa.asked.get(), 1);
}

/// A `credential_process` as the source of a role: run once, its expiring output cached, and
/// the role assumed with it as it is (no GetSessionToken on top).
#[test]
fn a_credential_process_is_the_source_of_a_role_and_is_run_once() {
    let dir = tempfile::tempdir().unwrap();
    let count = dir.path().join("runs");
    let script = dir.path().join("creds.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho run >> '{}'\nprintf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"2999-01-01T00:00:00Z\"}}'\n",
            count.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let w = World::new(
        &format!(
            "[profile proc]\ncredential_process = {}\n[profile viaproc]\nrole_arn = arn:aws:iam::123456789012:role/v\nsource_profile = proc\n",
            script.display()
        ),
        KEYS,
    );
    let (sts, mfa) = (FakeSts::default(), CountingMfa::default());
    let own = w.get(&sts, &mfa, "proc", Options::default()).unwrap();
    assert_eq!(own.access_key_id, "ASIAPROCESS");
    let role = w.get(&sts, &mfa, "viaproc", Options::default()).unwrap();
    assert!(role.access_key_id.starts_with("ASIA0"), "{role:?}");
    assert!(matches!(&sts.calls.borrow()[..], [Call::AssumeRole { source, .. }] if source == "ASIAPROCESS"));
    assert_eq!(
        std::fs::read_to_string(&count).unwrap().lines().count(),
        1,
        "run once, then cached"
    );
    assert_eq!(mfa.asked.get(), 0);
}
