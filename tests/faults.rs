//! Faults: the runas binary against an STS that refuses, hangs, fails, answers
//! garbage or refuses the credentials, and a cache that is truncated, unsafe, full, locked by a
//! process that died, or asked for by 32 processes at once. Each failure is one line naming the
//! endpoint, exit 1, nothing on stdout, and the cache as it was (except a stale entry dropped).
//!
//! Error answers come from the canned-answer stub (real STS error XML, which moto cannot
//! produce in a form the SDK reads); everything that must succeed runs against moto.

use crate::common;

use common::moto::{Moto, shared as moto};
use common::sandbox::{CONFIG, CREDENTIALS, MFA_CODE, Sandbox, stderr, stdout};
use common::stub::{Answer, Silent, Stub, sts_time};
use common::{LOCK_NOTICE, dead_endpoint, mode};
use runas::EnvMap;
use runas::cache::{Cache, CacheKey};
use runas::config::{Files, Overrides, Paths};
use std::collections::BTreeMap;
use std::fs::{self, File, TryLockError};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const PROD_ARN: &str = "arn:aws:iam::123456789012:role/prod";
/// How long a run may take against a dead or hanging endpoint before the test fails; runas's
/// own limit is 12 s, and the rest is room for a loaded machine.
const NETWORK_BOUND: Duration = Duration::from_secs(15);

/// A role whose source keys are already temporary: one AssumeRole, no MFA, no session token.
const TEMP_CONFIG: &str = "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = src\n";
const TEMP_CREDENTIALS: &str = "[src]\naws_access_key_id = ASIATEMPSOURCEKEY000\n\
     aws_secret_access_key = tempSourceSecretKeyForTheFaultsTests0000\n\
     aws_session_token = TempSourceSessionTokenForTheFaultsTests\n";

// ---------------------------------------------------------------------------------------------
// Helpers

/// A successful GetSessionToken answer, valid for the 12 hours STS gives by default.
fn session_token_ok(access_key_id: &str, token: &str) -> Answer {
    Answer::session_token_ok(access_key_id, token, &sts_time(Duration::from_secs(12 * 3600)))
}

fn role_ok(access_key_id: &str) -> Answer {
    Answer::assume_role_ok(
        access_key_id,
        "arn:aws:sts::123456789012:assumed-role/prod/alice",
        &sts_time(Duration::from_secs(3600)),
    )
}

/// The cache's entry files by name, with their bytes.
fn snapshot(sandbox: &Sandbox) -> BTreeMap<String, Vec<u8>> {
    sandbox
        .cache_entries()
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// The credentials in a cache entry file.
fn entry_key_id(path: &Path) -> String {
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    doc["credentials"]["access_key_id"].as_str().unwrap().to_string()
}

/// A runas error: exit 1, nothing on stdout, one line holding every fragment.
fn assert_error(o: &Output, fragments: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert!(o.stdout.is_empty(), "stdout must stay empty: {:?}", stdout(o));
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    for fragment in fragments {
        assert!(err.contains(fragment), "{err:?} should contain {fragment:?}");
    }
}

/// A `--shell sh` output evaluated by sh itself: the variables it set.
fn eval_in_sh(exports: &str) -> BTreeMap<String, String> {
    let names = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWSRUNAS_PROFILE",
    ];
    let script = format!(
        "eval \"$1\" || exit 9\n{}",
        names
            .iter()
            .map(|n| format!("printf '%s\\n' \"${n}\""))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let o = Command::new("sh")
        .args(["-c", &script, "sh", exports])
        .env_clear()
        .output()
        .unwrap();
    assert!(o.status.success(), "sh could not eval it: {}", stderr(&o));
    // One value a line: none of these values holds a newline.
    let values: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    names
        .iter()
        .zip(values)
        .map(|(n, v)| (n.to_string(), v))
        .collect()
}

/// A sandbox using the stub, with prod's session and role cached by a first run that took
/// the stub's first two answers; `then` are the answers after those.
fn seeded(then: Vec<Answer>) -> (Stub, Sandbox, BTreeMap<String, Vec<u8>>) {
    let mut answers = vec![
        session_token_ok("ASIASTUBSESSIONONE00", "StubSessionTokenOne"),
        role_ok("ASIASTUBROLEONE00000"),
    ];
    answers.extend(then);
    let stub = Stub::start(answers);
    let sandbox = Sandbox::new(&stub.endpoint(), CONFIG, CREDENTIALS);
    let o = sandbox.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"], &[]);
    assert!(o.status.success(), "seeding the cache: {}", stderr(&o));
    assert_eq!(stub.hits(), 2);
    let cached = snapshot(&sandbox);
    assert_eq!(cached.len(), 2, "a session and a role");
    (stub, sandbox, cached)
}

/// prod again, ignoring its cached role: one AssumeRole with the cached session.
const REFRESH: &[&str] = &["env", "prod", "-r", "--no-prompt", "--shell", "sh"];

/// The environment a sandbox's runs get, as a map, for the library calls below.
fn env_of(sandbox: &Sandbox) -> EnvMap {
    sandbox
        .command()
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_str()?.to_string(), v?.to_str()?.to_string())))
        .collect()
}

/// The cache and the keys `profile` uses in `sandbox`: session first, then its roles.
fn keys_of(sandbox: &Sandbox, profile: &str) -> (Cache, Vec<CacheKey>) {
    keys_at(sandbox, profile, &sandbox.endpoint)
}

/// `keys_of` for runs that call STS at `endpoint`: who issues credentials is part of the key.
fn keys_at(sandbox: &Sandbox, profile: &str, endpoint: &str) -> (Cache, Vec<CacheKey>) {
    let mut env = env_of(sandbox);
    env.insert("AWS_ENDPOINT_URL_STS".into(), endpoint.into());
    let files = Files::load(&Paths::from_env(&env)).unwrap();
    let resolved = runas::config::resolve(&files, &env, &Overrides::default(), profile).unwrap();
    let cache = Cache::new(sandbox.cache_dir(), Cache::DEFAULT_WINDOW);
    (cache, runas::provider::cache_keys(&resolved))
}

// ---------------------------------------------------------------------------------------------
// STS faults

/// The session the stub issued is not used for another endpoint (who issues credentials is
/// part of the cache key): the first call there, GetSessionToken, is the one that fails.
const ELSEWHERE: &[&str] = &["env", "prod", "-r", "-o", MFA_CODE, "--shell", "sh"];

#[test]
fn refused_connections_fail_fast_naming_the_endpoint_and_leave_the_cache_alone() {
    let (_stub, sandbox, cached) = seeded(vec![]);
    let dead = dead_endpoint();
    let started = Instant::now();
    let o = sandbox.run(ELSEWHERE, &[("AWS_ENDPOINT_URL_STS", &dead)]);
    let took = started.elapsed();
    assert_error(
        &o,
        &[
            &format!("STS GetSessionToken at {dead} failed: connection refused"),
            "check the endpoint URL",
        ],
    );
    assert!(took < NETWORK_BOUND, "took {took:?}");
    assert_eq!(snapshot(&sandbox), cached);
}

#[test]
fn a_hanging_endpoint_fails_in_bounded_time_and_leaves_the_cache_alone() {
    let (_stub, sandbox, cached) = seeded(vec![]);
    let silent = Silent::start();
    let started = Instant::now();
    let o = sandbox.run(ELSEWHERE, &[("AWS_ENDPOINT_URL_STS", &silent.endpoint())]);
    let took = started.elapsed();
    println!("a hanging endpoint failed after {took:?}");
    assert_error(
        &o,
        &[
            &format!("STS GetSessionToken at {} failed: timed out", silent.endpoint()),
            "check the endpoint URL",
        ],
    );
    assert!(took < NETWORK_BOUND, "took {took:?}");
    assert_eq!(snapshot(&sandbox), cached);
}

#[test]
fn a_500_then_a_200_is_retried_and_the_new_role_is_cached() {
    let (stub, sandbox, cached) = seeded(vec![
        Answer::sts_error(500, "InternalError", "We encountered an internal error"),
        role_ok("ASIASTUBROLETWO00000"),
    ]);
    let o = sandbox.run(REFRESH, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    assert_eq!(
        eval_in_sh(&stdout(&o))["AWS_ACCESS_KEY_ID"],
        "ASIASTUBROLETWO00000"
    );
    assert_eq!(stub.hits(), 4, "the 500 was retried once");
    let attempts: Vec<u32> = stub
        .requests()
        .iter()
        .map(|raw| common::proxy::Request::parse(raw).attempt)
        .collect();
    assert_eq!(attempts, [1, 1, 1, 2], "the SDK's retry says it is one");
    let now = snapshot(&sandbox);
    let changed: Vec<&String> = now.keys().filter(|k| now[*k] != cached[*k]).collect();
    assert_eq!(changed.len(), 1, "only the role entry was rewritten");
    assert_eq!(
        entry_key_id(&sandbox.cache_dir().join(changed[0])),
        "ASIASTUBROLETWO00000"
    );
}

#[test]
fn garbage_with_a_200_is_a_clear_error_and_leaves_the_cache_alone() {
    let (stub, sandbox, cached) = seeded(vec![Answer {
        status: 200,
        body: "this is not XML <<< at all".into(),
    }]);
    let o = sandbox.run(REFRESH, &[]);
    assert_error(
        &o,
        &[
            &format!(
                "STS AssumeRole at {} failed: HTTP 200, but the answer (26 bytes) is not a complete \
                 STS answer: it is not XML",
                stub.endpoint()
            ),
            "the endpoint did not answer like STS",
        ],
    );
    assert_eq!(stub.hits(), 3, "a 200 is not retried");
    assert_eq!(snapshot(&sandbox), cached);
}

#[test]
fn garbage_with_a_500_is_retried_then_a_clear_error_and_leaves_the_cache_alone() {
    let (stub, sandbox, cached) = seeded(vec![Answer {
        status: 500,
        body: "<html><body>upstream fell over</body></html>".into(),
    }]);
    let o = sandbox.run(REFRESH, &[]);
    assert_error(
        &o,
        &[
            // Only its status and size: a page is no message, and it could echo the request.
            &format!(
                "STS AssumeRole at {} failed: HTTP 500 with an answer that is not an STS error (44 bytes)",
                stub.endpoint()
            ),
            "the endpoint failed without an STS answer; try again later",
        ],
    );
    assert_eq!(stub.hits(), 2 + 3, "tried three times");
    assert_eq!(snapshot(&sandbox), cached);
}

#[test]
fn access_denied_names_the_role_arn_and_the_endpoint_and_leaves_the_cache_alone() {
    let (stub, sandbox, cached) = seeded(vec![Answer::sts_error(
        403,
        "AccessDenied",
        "User is not authorized to perform: sts:AssumeRole",
    )]);
    let o = sandbox.run(REFRESH, &[]);
    assert_error(
        &o,
        &[
            &format!("STS AssumeRole at {} failed: AccessDenied", stub.endpoint()),
            &format!("may not assume {PROD_ARN}; check the role's trust policy"),
        ],
    );
    assert_eq!(stub.hits(), 3, "not retried");
    assert_eq!(snapshot(&sandbox), cached);
}

#[test]
fn invalid_client_token_id_blames_the_keys_and_caches_nothing() {
    let stub = Stub::start(vec![Answer::sts_error(
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )]);
    let sandbox = Sandbox::new(&stub.endpoint(), CONFIG, CREDENTIALS);
    let o = sandbox.run(&["env", "prod", "-o", MFA_CODE], &[]);
    assert_error(
        &o,
        &[
            &format!(
                "STS GetSessionToken at {} failed: InvalidClientTokenId",
                stub.endpoint()
            ),
            "the access key AKIA…MPLE in the credentials file is wrong or deactivated",
        ],
    );
    assert_eq!(stub.hits(), 1, "not retried");
    assert!(sandbox.cache_entries().is_empty());
}

#[test]
fn invalid_client_token_id_on_a_cached_session_leaves_the_cache_alone() {
    let (stub, sandbox, cached) = seeded(vec![Answer::sts_error(
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )]);
    let o = sandbox.run(REFRESH, &[]);
    assert_error(
        &o,
        &[
            &format!(
                "STS AssumeRole at {} failed: InvalidClientTokenId",
                stub.endpoint()
            ),
            "the session credentials ASIA…NE00 were rejected",
        ],
    );
    assert_eq!(stub.hits(), 3);
    assert_eq!(snapshot(&sandbox), cached);
}

/// The clock case: a cached session that looks valid for hours, but STS says it expired
/// (revoked, or a clock that is off). The stale entries go, the retry writes new ones.
#[test]
fn a_cached_session_sts_calls_expired_is_dropped_and_replaced_by_the_retry() {
    let (stub, sandbox, cached) = seeded(vec![
        Answer::expired_token(),
        session_token_ok("ASIASTUBSESSIONTWO00", "StubSessionTokenTwo"),
        role_ok("ASIASTUBROLETHREE000"),
    ]);
    let o = sandbox.run(&["env", "prod", "-r", "-o", MFA_CODE, "--shell", "sh"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    assert_eq!(
        eval_in_sh(&stdout(&o))["AWS_ACCESS_KEY_ID"],
        "ASIASTUBROLETHREE000"
    );
    assert_eq!(stub.hits(), 5);
    let now = snapshot(&sandbox);
    assert_eq!(
        now.keys().collect::<Vec<_>>(),
        cached.keys().collect::<Vec<_>>(),
        "the same two entries"
    );
    let mut ids: Vec<String> = sandbox.cache_entries().iter().map(|p| entry_key_id(p)).collect();
    ids.sort();
    assert_eq!(ids, ["ASIASTUBROLETHREE000", "ASIASTUBSESSIONTWO00"]);
}

#[test]
fn a_cached_session_sts_calls_expired_is_dropped_and_nothing_is_written_when_the_retry_fails() {
    // The last answer repeats: the retry's GetSessionToken is refused too.
    let (stub, sandbox, _) = seeded(vec![Answer::expired_token()]);
    let o = sandbox.run(&["env", "prod", "-r", "-o", MFA_CODE, "--shell", "sh"], &[]);
    assert_error(
        &o,
        &[
            &format!("STS GetSessionToken at {} failed: ExpiredToken", stub.endpoint()),
            "run again with --refresh",
        ],
    );
    assert_eq!(
        stub.hits(),
        4,
        "AssumeRole refused, then one retry from the long-term keys"
    );
    assert_eq!(
        sandbox.cache_entries(),
        Vec::<PathBuf>::new(),
        "both stale entries dropped"
    );
}

/// A successful GetCallerIdentity answer for prod's role.
fn identity_ok() -> Answer {
    let body = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::123456789012:assumed-role/prod/alice</Arn>
    <UserId>AROA3XFRBF535PLBIFPI4:alice</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>"#;
    Answer {
        status: 200,
        body: body.to_string(),
    }
}

/// The same clock case through `whoami`, which calls STS with the cached role credentials:
/// STS says they expired, so the entries go and whoami tries once more from the keys.
/// (Found by this suite: whoami used to keep the stale entry, and `env` kept printing it.)
#[test]
fn whoami_with_credentials_sts_calls_expired_drops_them_and_asks_again() {
    let (stub, sandbox, _) = seeded(vec![
        Answer::expired_token(),
        session_token_ok("ASIASTUBSESSIONTWO00", "StubSessionTokenTwo"),
        role_ok("ASIASTUBROLETWO00000"),
        identity_ok(),
    ]);
    let o = sandbox.run(&["whoami", "prod", "-o", MFA_CODE], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("assumed-role/prod/alice"), "{}", stdout(&o));
    assert_eq!(stub.hits(), 6, "expired call, session, role, identity");
    let (cache, keys) = keys_of(&sandbox, "prod");
    assert_eq!(entry_key_id(&cache.entry_path(&keys[1])), "ASIASTUBROLETWO00000");
}

/// When the retry cannot get new credentials (no MFA code and no terminal), the error says
/// what is needed and the entries STS refused stay gone.
#[test]
fn whoami_with_credentials_sts_calls_expired_and_no_way_to_renew_drops_them() {
    let (stub, sandbox, _) = seeded(vec![Answer::expired_token()]);
    let o = sandbox.run(&["whoami", "prod", "--no-prompt"], &[]);
    assert_error(&o, &["MFA code is needed", "-o CODE"]);
    assert_eq!(stub.hits(), 3);
    assert!(
        snapshot(&sandbox).is_empty(),
        "the entries STS refused are still cached"
    );
}

// ---------------------------------------------------------------------------------------------
// Cache faults

/// A sandbox using moto with prod's session and role cached.
fn warm_with_moto(moto: &Moto) -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let o = sandbox.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"], &[]);
    assert!(o.status.success(), "warming the cache: {}", stderr(&o));
    let (cache, keys) = keys_of(&sandbox, "prod");
    let role_entry = cache.entry_path(&keys[1]);
    assert!(role_entry.is_file());
    (sandbox, role_entry)
}

#[test]
fn a_truncated_cache_file_is_a_miss_and_is_replaced() {
    let moto = moto();
    let (sandbox, role_entry) = warm_with_moto(&moto);
    let len = fs::metadata(&role_entry).unwrap().len();
    File::options()
        .write(true)
        .open(&role_entry)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let o = sandbox.run(&["env", "prod", "--no-prompt", "--shell", "sh"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        o.stderr.is_empty(),
        "a truncated file is a plain miss: {}",
        stderr(&o)
    );
    let printed = eval_in_sh(&stdout(&o))["AWS_ACCESS_KEY_ID"].clone();
    assert_eq!(entry_key_id(&role_entry), printed, "replaced by what was printed");
    assert_eq!(mode(&role_entry), 0o600);
}

#[test]
fn a_cache_file_others_can_write_is_refused_with_a_warning_and_replaced_by_a_0600_one() {
    let moto = moto();
    let (sandbox, role_entry) = warm_with_moto(&moto);
    let old = entry_key_id(&role_entry);
    fs::set_permissions(&role_entry, fs::Permissions::from_mode(0o660)).unwrap();
    let o = sandbox.run(&["env", "prod", "--no-prompt", "--shell", "sh"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "runas: warning: ignoring cache file {}: other users can write it (mode 660); it is \
             ignored and will be replaced by a 0600 file on the next fetch\n",
            role_entry.display()
        )
    );
    let printed = eval_in_sh(&stdout(&o))["AWS_ACCESS_KEY_ID"].clone();
    assert_ne!(printed, old, "the refused credentials were not used");
    assert_eq!(entry_key_id(&role_entry), printed);
    assert_eq!(mode(&role_entry), 0o600);
}

#[test]
fn a_cache_file_of_another_owner_is_refused_with_a_warning_and_replaced() {
    let moto = moto();
    let (sandbox, role_entry) = warm_with_moto(&moto);
    let old = entry_key_id(&role_entry);
    // We run as root, so we can hand the file to nobody (65534).
    std::os::unix::fs::chown(&role_entry, Some(65534), Some(65534)).unwrap();
    let o = sandbox.run(&["env", "prod", "--no-prompt", "--shell", "sh"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "runas: warning: ignoring cache file {}: it belongs to uid 65534, not to you; it is \
             ignored and will be replaced on the next fetch\n",
            role_entry.display()
        )
    );
    let printed = eval_in_sh(&stdout(&o))["AWS_ACCESS_KEY_ID"].clone();
    assert_ne!(printed, old, "the refused credentials were not used");
    let meta = fs::metadata(&role_entry).unwrap();
    assert_eq!(
        (meta.uid(), meta.mode() & 0o777),
        (0, 0o600),
        "replaced by our own 0600 file"
    );
    assert_eq!(entry_key_id(&role_entry), printed);
}

/// A tmpfs mounted on a folder for the test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    /// `None` (with the reason) where mounting is not permitted.
    fn tmpfs(dir: &Path, options: &str) -> Result<Mount, String> {
        fs::create_dir_all(dir).unwrap();
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if o.status.success() {
            Ok(Mount(dir.to_path_buf()))
        } else {
            Err(format!("mount failed: {}", stderr(&o).trim()))
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let done = Command::new("umount").arg(&self.0).status();
        if !done.is_ok_and(|s| s.success()) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
}

/// Fills the filesystem under `dir` until a write fails with ENOSPC.
fn fill_up(dir: &Path) {
    use std::io::Write;
    let mut filler = File::create(dir.join("filler")).unwrap();
    let chunk = [0u8; 4096];
    loop {
        match filler.write(&chunk) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => break,
            Err(e) => panic!("filling the tmpfs: {e}"),
        }
    }
    let _ = filler.sync_all();
}

#[test]
fn a_full_disk_keeps_the_old_entry_and_still_prints_new_credentials_with_a_warning() {
    // Its own moto: the test counts the STS calls, which other tests would add to.
    let moto = Moto::start();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    // A 64 KiB tmpfs as the cache folder, 0700 as runas would make it.
    let _mount = match Mount::tmpfs(&sandbox.cache_dir(), "size=64k,mode=0700") {
        Ok(mount) => mount,
        Err(reason) => {
            println!("SKIPPED a_full_disk_…: cannot mount a tmpfs here ({reason})");
            return;
        }
    };
    let o = sandbox.run(&["env", "prod", "-o", MFA_CODE, "--shell", "sh"], &[]);
    assert!(o.status.success(), "warming the cache: {}", stderr(&o));
    let (cache, keys) = keys_of(&sandbox, "prod");
    let role_entry = cache.entry_path(&keys[1]);
    let before = fs::read(&role_entry).unwrap();
    let old = entry_key_id(&role_entry);

    fill_up(&sandbox.cache_dir());
    let requests = moto.sts_requests();
    let o = sandbox.run(REFRESH, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "runas: warning: could not write the cache file {}: ",
            role_entry.display()
        )) && err.contains("No space left on device")
            && err.ends_with("; the credentials are used but not cached\n"),
        "{err}"
    );
    let printed = eval_in_sh(&stdout(&o));
    assert_ne!(printed["AWS_ACCESS_KEY_ID"], old, "new credentials printed");
    assert!(printed["AWS_ACCESS_KEY_ID"].starts_with("ASIA"));
    assert!(!printed["AWS_SECRET_ACCESS_KEY"].is_empty());
    assert!(moto.sts_requests() > requests);
    assert_eq!(
        fs::read(&role_entry).unwrap(),
        before,
        "the old entry survives intact"
    );
    let leftovers: Vec<String> = fs::read_dir(sandbox.cache_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

/// True while some process holds the flock on `path`. Taking it ourselves for a moment is
/// harmless: the runas under test polls.
fn is_locked(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(e)) => panic!("flock {}: {e}", path.display()),
    }
}

#[test]
fn a_runas_killed_while_holding_the_lock_does_not_hold_up_the_next() {
    let moto = moto();
    let silent = Silent::start();
    let sandbox = Sandbox::new(&moto.endpoint(), TEMP_CONFIG, TEMP_CREDENTIALS);
    // The holder calls the silent endpoint, so its credentials have the keys of that issuer.
    let (cache, keys) = keys_at(&sandbox, "r", &silent.endpoint());
    let lock = cache.lock_path(&keys[1]);

    // This one takes the role's lock and then waits on an endpoint that never answers.
    let mut holder = sandbox
        .command()
        .args(["env", "r", "--shell", "sh"])
        .env("AWS_ENDPOINT_URL_STS", silent.endpoint())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !is_locked(&lock) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the first runas never took the lock"
        );
        assert!(
            holder.try_wait().unwrap().is_none(),
            "the first runas ended early"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    holder.kill().unwrap(); // SIGKILL: no chance to clean up
    holder.wait().unwrap();

    let started = Instant::now();
    let o = sandbox.run(&["env", "r", "--shell", "sh"], &[]);
    let took = started.elapsed();
    println!("the next runas finished in {took:?} after the holder was killed");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains(LOCK_NOTICE), "it waited: {}", stderr(&o));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(eval_in_sh(&stdout(&o))["AWS_ACCESS_KEY_ID"].starts_with("ASIA"));
}

#[test]
fn thirty_two_cold_runs_at_once_make_one_sts_call_and_print_the_same_valid_exports() {
    const RUNS: usize = 32;
    // Its own moto: the test counts the STS calls, which other tests would add to.
    let moto = Moto::start();
    let sandbox = Sandbox::new(&moto.endpoint(), TEMP_CONFIG, TEMP_CREDENTIALS);
    let (cache, keys) = keys_of(&sandbox, "r");
    // Hold the role's lock until every run has found the cache empty and is waiting for it,
    // so all 32 are cold at once however the machine schedules them.
    fs::create_dir_all(cache.dir()).unwrap();
    fs::set_permissions(cache.dir(), fs::Permissions::from_mode(0o700)).unwrap();
    let held = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(cache.lock_path(&keys[1]))
        .unwrap();
    fs::set_permissions(cache.lock_path(&keys[1]), fs::Permissions::from_mode(0o600)).unwrap();
    held.lock().unwrap();

    let requests = moto.sts_requests();
    let err_path = |i: usize| sandbox.home().join(format!("stderr-{i}"));
    let children: Vec<_> = (0..RUNS)
        .map(|i| {
            sandbox
                .command()
                .args(["env", "r", "--shell", "sh"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(File::create(err_path(i)).unwrap())
                .spawn()
                .unwrap()
        })
        .collect();
    let started = Instant::now();
    while !(0..RUNS).all(|i| fs::read_to_string(err_path(i)).is_ok_and(|e| e.contains(LOCK_NOTICE))) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "not every run reached the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        moto.sts_requests(),
        requests,
        "nobody called STS while the lock was held"
    );
    drop(held);

    let outputs: Vec<Output> = children
        .into_iter()
        .enumerate()
        .map(|(i, child)| {
            let mut o = child.wait_with_output().unwrap();
            o.stderr = fs::read(err_path(i)).unwrap();
            o
        })
        .collect();
    for o in &outputs {
        assert!(o.status.success(), "{}", stderr(o));
        assert!(
            stderr(o).lines().all(|l| l.contains(LOCK_NOTICE)),
            "only the lock notice: {}",
            stderr(o)
        );
    }
    assert_eq!(moto.sts_requests() - requests, 1, "exactly one AssumeRole");
    let first = stdout(&outputs[0]);
    for o in &outputs[1..] {
        assert_eq!(stdout(o), first, "every output identical");
    }
    let vars = eval_in_sh(&first);
    assert!(vars["AWS_ACCESS_KEY_ID"].starts_with("ASIA"), "{vars:?}");
    assert_ne!(vars["AWS_ACCESS_KEY_ID"], "ASIATEMPSOURCEKEY000");
    assert!(!vars["AWS_SECRET_ACCESS_KEY"].is_empty() && !vars["AWS_SESSION_TOKEN"].is_empty());
    assert!(vars["AWS_CREDENTIAL_EXPIRATION"].ends_with('Z'));
    assert_eq!(vars["AWSRUNAS_PROFILE"], "r");
}

/// Found by this suite (fixed): a cache entry whose expiration is past the year 9999 (a corrupted or
/// foreign file that is still well-formed JSON) makes runas panic (exit 101, "overflow when
/// adding duration to instant" in `Credentials::time_left`, or humantime's formatter failing
/// in `creds::rfc3339`) instead of being a miss like any other bad entry.
#[test]
fn a_cache_entry_with_an_absurd_expiration_is_a_miss_not_a_panic() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), TEMP_CONFIG, TEMP_CREDENTIALS);
    let (cache, keys) = keys_of(&sandbox, "r");
    fs::create_dir_all(cache.dir()).unwrap();
    fs::set_permissions(cache.dir(), fs::Permissions::from_mode(0o700)).unwrap();
    for expiration in [u64::MAX, 253_402_300_800] {
        let entry = cache.entry_path(&keys[1]);
        let doc = serde_json::json!({
            "version": 1,
            "written_at_ms": 1,
            "credentials": {
                "access_key_id": "ASIAFROMTHEFUTURE000",
                "secret_access_key": "s",
                "session_token": "t",
                "expiration": expiration,
            },
        });
        fs::write(&entry, doc.to_string()).unwrap();
        fs::set_permissions(&entry, fs::Permissions::from_mode(0o600)).unwrap();
        let o = sandbox.run(&["env", "r", "--shell", "sh"], &[]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "expiration {expiration}: {}",
            stderr(&o)
        );
        let vars = eval_in_sh(&stdout(&o));
        assert_ne!(vars["AWS_ACCESS_KEY_ID"], "ASIAFROMTHEFUTURE000");
    }
}
