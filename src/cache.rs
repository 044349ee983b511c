//! The credential cache: one 0600 JSON file per key in a 0700 folder, atomic writes, and a
//! cross-process lock per key around "check, call STS, write".
//!
//! It wraps the STS calls the way aws-vault's CachedSessionProvider does: `get_or_fetch` returns
//! cached credentials while they stay valid beyond the refresh window, and otherwise calls
//! `fetch` once, however many runas processes ask at the same moment.
//!
//! Layout of the folder, every name derived from the key's hash so no profile name reaches a path:
//!
//! ```text
//! <sha256-hex>.json                 the entry: {"version":2,"key":"<sha256-hex>","written_at_ms":…,"credentials":{…}}
//! <sha256-hex>.lock                 flock(2) target, left in place (see `KeyLock`)
//! <sha256-hex>.<pid>-<n>-<n>.tmp    a write in progress, renamed over the entry when complete
//! ```

use crate::creds::Credentials;
use crate::{EnvMap, Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, DirBuilder, File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Version of the entry file format. A file with any other version is a miss and gets replaced,
/// so changing the format never needs a migration.
const FORMAT_VERSION: u64 = 2;

/// Entries are a few hundred bytes; anything much larger is not ours and is not read whole.
const MAX_ENTRY_BYTES: u64 = 64 * 1024;

/// How long to wait for another runas before saying so on stderr: long enough that a normal
/// STS round trip never triggers it, short enough that a user staring at a pause learns why.
const WAIT_NOTICE_AFTER: Duration = Duration::from_secs(1);

/// The refresh window: credentials that expire sooner count as expired. `RUNAS_MIN_TTL` (Go
/// syntax), else `Cache::DEFAULT_WINDOW`.
pub fn refresh_window(env: &EnvMap) -> Result<Duration> {
    match env.get("RUNAS_MIN_TTL").filter(|v| !v.is_empty()) {
        None => Ok(Cache::DEFAULT_WINDOW),
        Some(v) => crate::config::duration::parse_go_duration(v).map_err(|reason| Error::BadDuration {
            origin: crate::error::Origin::Env("RUNAS_MIN_TTL"),
            key: "RUNAS_MIN_TTL",
            value: v.clone(),
            reason,
        }),
    }
}

/// Where the cache lives: `RUNAS_CACHE_DIR`, else `$XDG_CACHE_HOME/runas`, else the platform's
/// per-user cache folder under `$HOME`. `None` when none of these is set (no cache then).
///
/// Empty values count as unset. A relative path would put the cache wherever the command runs
/// (inside a git repository, say): a relative `XDG_CACHE_HOME` is ignored as the XDG Base
/// Directory spec asks, and so is a relative `RUNAS_CACHE_DIR`, with a warning, since the user
/// chose that one explicitly.
pub fn cache_dir(env: &EnvMap) -> Option<PathBuf> {
    let var = |name: &str| env.get(name).map(String::as_str).filter(|v| !v.is_empty());
    if let Some(dir) = var("RUNAS_CACHE_DIR") {
        if Path::new(dir).is_absolute() {
            return Some(PathBuf::from(dir));
        }
        warn_once(
            &RELATIVE_WARNED,
            format_args!(
                "RUNAS_CACHE_DIR={dir:?} is not an absolute path and is ignored; set it to one \
                 such as $HOME/.cache/runas"
            ),
        );
    }
    if let Some(xdg) = var("XDG_CACHE_HOME").map(Path::new).filter(|p| p.is_absolute()) {
        return Some(xdg.join("runas"));
    }
    let home = Path::new(var("HOME")?);
    if !home.is_absolute() {
        return None;
    }
    Some(if cfg!(target_os = "macos") {
        home.join("Library/Caches/runas")
    } else {
        home.join(".cache/runas")
    })
}

static RELATIVE_WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static NO_DIR_WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static UNSAFE_DIR_WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Says `message` unless this process already said the message guarded by `flag`.
fn warn_once(flag: &std::sync::atomic::AtomicBool, message: std::fmt::Arguments<'_>) {
    if !flag.swap(true, Ordering::Relaxed) {
        crate::warn(message);
    }
}

/// The longest any credentials can last (a 36 h session token) plus room for clock skew: an
/// entry written longer ago than this cannot be valid, whatever expiry it claims.
const MAX_ENTRY_AGE: Duration = Duration::from_secs(36 * 3600 + 5 * 60);

/// Identifies one cached credential: a SHA-256 over the kind and the ordered parts that decide
/// what STS would return (source access key id, MFA serial, role ARN, external id, session
/// name, duration…). Only the hex digest is kept; it names the files.
///
/// It also carries a label that is not part of the hash: the kind and the profile the entry is
/// for, written into the entry (never a secret) so `runas cache list` and `clear` can say what
/// each entry is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    hex: String,
    kind: String,
    profile: String,
}

impl CacheKey {
    /// `kind` is e.g. `"session"` or `"role"`; any part may be empty.
    pub fn new(kind: &str, parts: &[&str]) -> Self {
        // Each field is length-prefixed, so moving a boundary (["ab","c"] vs ["a","bc"]) or an
        // empty part changes the input, and a domain tag keeps these hashes apart from any other.
        let mut hasher = Sha256::new();
        hasher.update(b"runas-cache-key-v1\0");
        for field in std::iter::once(kind).chain(parts.iter().copied()) {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field.as_bytes());
        }
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(64);
        for byte in hasher.finalize() {
            hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
            hex.push(char::from(DIGITS[usize::from(byte & 0xf)]));
        }
        CacheKey {
            hex,
            kind: kind.to_string(),
            profile: String::new(),
        }
    }

    /// The same key, labelled as `profile`'s.
    pub fn for_profile(mut self, profile: &str) -> Self {
        self.profile = profile.to_string();
        self
    }

    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// `role of prod`, as `-v` says it.
    fn label(&self) -> String {
        match self.profile.as_str() {
            "" => self.kind.clone(),
            profile => format!("{} of {profile}", self.kind),
        }
    }

    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// The lowercase hex SHA-256: 64 characters, safe as a file name.
    #[cfg(test)]
    pub fn hex(&self) -> &str {
        &self.hex
    }
}

/// A cache folder and the rules for using it. `new` does no I/O: the folder is checked on
/// first use (one `lstat`) and created on the first write, so a warm `get` costs that, one open
/// and one read.
///
/// The folder is used only when it is a real folder (not a symlink), belongs to this user and
/// nobody else can write to it: whoever can write there could rename one entry onto another's
/// name, or hold a lock file forever. Otherwise, and when no folder can be named at all, runas
/// works without the cache and says so once.
#[derive(Debug)]
pub struct Cache {
    dir: Option<PathBuf>,
    window: Duration,
    lock_wait: Duration,
    /// Whether `dir` passed the check, decided on first use.
    trusted: std::sync::OnceLock<bool>,
}

impl Cache {
    /// Default refresh window: credentials with less than this left count as expired, so a
    /// command started now does not fail halfway through with an expired token.
    pub const DEFAULT_WINDOW: Duration = Duration::from_secs(5 * 60);

    /// Default bound on waiting for another runas's lock. Long, because that process may be
    /// waiting for a human to type an MFA code.
    pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(120);

    pub fn new(dir: impl Into<PathBuf>, window: Duration) -> Self {
        Cache {
            dir: Some(dir.into()),
            window,
            lock_wait: Self::DEFAULT_LOCK_WAIT,
            trusted: std::sync::OnceLock::new(),
        }
    }

    /// The cache of the folder `env` names (see `cache_dir`), or no cache when it names none.
    pub fn from_env(env: &EnvMap, window: Duration) -> Self {
        Cache {
            dir: cache_dir(env),
            ..Cache::new(PathBuf::new(), window)
        }
    }

    /// Sets how long `get_or_fetch` waits for another process's lock before giving up.
    pub fn with_lock_wait(mut self, lock_wait: Duration) -> Self {
        self.lock_wait = lock_wait;
        self
    }

    /// The refresh window: credentials expiring sooner count as expired.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The folder (empty when none is named; it may not exist yet, or not be trusted).
    pub fn dir(&self) -> &Path {
        self.dir_or_empty()
    }

    /// The folder, made if needed, when it may hold this user's secrets (the checks the cache
    /// makes of it); `None` when it may not, which was said once on stderr.
    pub fn private_dir(&self) -> Option<&Path> {
        let dir = self.usable()?;
        // Recursive so a fresh $HOME/.cache is made too; parents get 0700 as well, which is
        // what the XDG spec asks of the cache home.
        match DirBuilder::new().recursive(true).mode(0o700).create(dir) {
            Ok(()) => Some(dir),
            Err(e) => {
                // Said once: a role behind an MFA session comes back here for its second key.
                warn_once(
                    &UNSAFE_DIR_WARNED,
                    format_args!(
                        "cannot create the cache folder {}: {e}; going on without the cache",
                        dir.display()
                    ),
                );
                None
            }
        }
    }

    /// The entry file for `key` (it may not exist).
    pub fn entry_path(&self, key: &CacheKey) -> PathBuf {
        self.dir_or_empty().join(format!("{}.json", key.hex))
    }

    /// The lock file for `key`, next to its entry.
    pub fn lock_path(&self, key: &CacheKey) -> PathBuf {
        self.dir_or_empty().join(format!("{}.lock", key.hex))
    }

    fn dir_or_empty(&self) -> &Path {
        self.dir.as_deref().unwrap_or(Path::new(""))
    }

    /// The folder when it may be used: named, and a folder of this user's that nobody else
    /// can write (or not there yet: runas makes it 0700). Says once why not.
    fn usable(&self) -> Option<&Path> {
        let Some(dir) = self.dir.as_deref() else {
            warn_once(
                &NO_DIR_WARNED,
                format_args!(
                    "no folder for the cache (HOME, XDG_CACHE_HOME and RUNAS_CACHE_DIR name \
                     none): credentials are fetched every time; set HOME or RUNAS_CACHE_DIR to \
                     an absolute path"
                ),
            );
            return None;
        };
        let trusted = *self.trusted.get_or_init(|| match fs::symlink_metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => true,
            Err(e) => {
                warn_once(
                    &UNSAFE_DIR_WARNED,
                    format_args!(
                        "cannot use the cache folder {}: {e}; going on without the cache",
                        dir.display()
                    ),
                );
                false
            }
            Ok(meta) => match distrust_folder(&meta) {
                None => true,
                Some(problem) => {
                    warn_once(
                        &UNSAFE_DIR_WARNED,
                        format_args!(
                            "not using the cache folder {}: {problem}; going on without the cache \
                             (fix: use a folder of your own, mode 0700)",
                            dir.display()
                        ),
                    );
                    false
                }
            },
        });
        trusted.then_some(dir)
    }

    /// Cached credentials for `key` that stay valid beyond the refresh window, or `None`.
    /// Takes no lock: writes are atomic renames, so this sees the old file or the new one.
    /// Anything wrong with the file is a miss; an unsafe file is also reported on stderr.
    pub fn get(&self, key: &CacheKey) -> Option<Credentials> {
        self.usable()?;
        match self.lookup(key, SystemTime::now()) {
            Ok(entry) => Some(entry.credentials),
            Err(_) => None,
        }
    }

    /// Cached credentials for `key` if valid, otherwise `fetch`ed ones, written to the cache.
    ///
    /// With `refresh`, a cached entry is used only if another process wrote it after this call
    /// began (so many parallel `--refresh` calls still make one STS call). `fetch` errors are
    /// returned unchanged and nothing is written. A cache that cannot be written is reported
    /// on stderr and the fetched credentials are returned anyway. The only error of the
    /// cache's own is giving up on another runas's lock after `lock_wait`.
    pub fn get_or_fetch(
        &self,
        key: &CacheKey,
        refresh: bool,
        fetch: impl FnOnce() -> Result<Credentials>,
    ) -> Result<Credentials> {
        self.get_or_fetch_with(key, refresh, fetch, write_and_sync)
    }

    /// `get_or_fetch` with the step that fills the temporary file passed in: the seam through
    /// which tests make a write fail (as a full disk would) even when running as root.
    fn get_or_fetch_with(
        &self,
        key: &CacheKey,
        refresh: bool,
        fetch: impl FnOnce() -> Result<Credentials>,
        fill: Fill,
    ) -> Result<Credentials> {
        let began_ms = epoch_ms(SystemTime::now());
        if self.usable().is_none() {
            crate::verbose::say!("{}: no usable cache folder; fetching", key.label());
            return fetch();
        }
        if refresh {
            crate::verbose::say!("{}: cache skipped (refresh asked)", key.label());
        } else {
            match self.lookup(key, SystemTime::now()) {
                Ok(entry) => {
                    say_hit(key, &entry.credentials);
                    return Ok(entry.credentials);
                }
                Err(miss) => {
                    crate::verbose::say!("{}: cache miss ({})", key.label(), miss.reason())
                }
            }
        }

        let Some(_lock) = self.lock(key)? else {
            // Already warned: the folder or its lock file cannot be made, so a write would fail too.
            return fetch();
        };

        // Another process may have filled the entry while we waited for the lock. Under
        // `refresh` only an entry written after this call began counts: that one is as fresh
        // as what we would fetch ourselves. Strictly after, so an entry from the same
        // millisecond is fetched again rather than returned when the user asked for new ones.
        if let Ok(entry) = self.lookup(key, SystemTime::now())
            && (!refresh || entry.written_at_ms > began_ms)
        {
            crate::verbose::say!(
                "{}: another runas cached it while this one waited for the lock",
                key.label()
            );
            return Ok(entry.credentials);
        }

        let credentials = fetch()?;
        // Long-term keys (no expiration) are never cached: they already live in the
        // credentials file, and a copy here would outlive their rotation.
        if credentials.expiration.is_some()
            && let Err(e) = self.store(key, &credentials, fill)
        {
            crate::warn(format_args!(
                "could not write the cache file {}: {e}; the credentials are used but not cached",
                self.entry_path(key).display()
            ));
        }
        Ok(credentials)
    }

    /// Removes the entry for `key`; true if there was one. Its lock file stays: removing it
    /// could let a process that is waiting on the old file and one that opens a new file both
    /// think they hold the lock.
    pub fn remove(&self, key: &CacheKey) -> Result<bool> {
        Ok(self.take(key)?.is_some())
    }

    /// Removes the entry for `key` and says what it was, if there was one.
    pub fn take(&self, key: &CacheKey) -> Result<Option<Listed>> {
        if self.dir.is_none() {
            return Ok(None);
        }
        let path = self.entry_path(key);
        let entry = read_entry(&path, key).ok();
        match fs::remove_file(&path) {
            Ok(()) => Ok(Some(Listed::of(entry.as_ref(), Some(key)))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Cache {
                path,
                problem: format!("cannot remove it: {e}; check the permissions of its folder"),
            }),
        }
    }

    /// The IAM user name kept with the valid entry for `key`, if one was kept.
    pub fn user_of(&self, key: &CacheKey) -> Option<String> {
        self.usable()?;
        let entry = self.lookup(key, SystemTime::now()).ok()?;
        (!entry.user.is_empty()).then_some(entry.user)
    }

    /// Keeps `user` with the valid entry for `key` (rewritten atomically, under its lock).
    /// Best effort: without it the name is looked up again next time.
    pub fn remember_user(&self, key: &CacheKey, user: &str) {
        let Ok(Some(_lock)) = self.lock(key) else {
            return;
        };
        if let Ok(entry) = self.lookup(key, SystemTime::now()) {
            let _ = self.store_with_user(key, &entry.credentials, user, write_and_sync);
        }
    }

    /// Whether there is an entry file for `key` (valid or not).
    pub fn holds(&self, key: &CacheKey) -> bool {
        self.dir.is_some() && fs::symlink_metadata(self.entry_path(key)).is_ok()
    }

    /// Every entry in the folder, sorted by profile and kind: what each is for and when it
    /// expires (expired ones too; a file that cannot be read has no expiry). A missing folder
    /// is an empty cache.
    pub fn list(&self) -> Result<Vec<Listed>> {
        let mut listed: Vec<Listed> = self
            .entry_files()?
            .iter()
            .map(|path| Listed::of(read_entry_file(path).ok().as_ref(), None))
            .collect();
        listed.sort_by(|a, b| (&a.profile, &a.kind).cmp(&(&b.profile, &b.kind)));
        Ok(listed)
    }

    /// The folder's listing; `None` when no folder is named or it does not exist yet (an
    /// empty cache).
    fn listing(&self) -> Result<Option<fs::ReadDir>> {
        let Some(dir) = self.dir.as_deref() else {
            return Ok(None);
        };
        match fs::read_dir(dir) {
            Ok(listing) => Ok(Some(listing)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Cache {
                path: dir.to_path_buf(),
                problem: format!("cannot list it: {e}; check that it is a readable folder"),
            }),
        }
    }

    /// The entry files runas wrote in the folder (recognised by name).
    fn entry_files(&self) -> Result<Vec<PathBuf>> {
        let Some(listing) = self.listing()? else {
            return Ok(Vec::new());
        };
        Ok(listing
            .flatten()
            .filter(|item| item.file_name().to_str().and_then(file_kind) == Some(FileKind::Entry))
            .map(|item| item.path())
            .collect())
    }

    /// Removes every entry, lock and leftover temporary file runas made in the cache folder
    /// (recognised by name; other files are left alone) and returns the entries that went.
    /// A missing folder is an empty cache. Keeps going past a file it cannot remove and then
    /// reports the first such failure. A runas holding a lock at that moment keeps it on the
    /// removed file, so one started meanwhile may call STS once more: harmless.
    pub fn clear(&self) -> Result<Vec<Listed>> {
        let Some(listing) = self.listing()? else {
            return Ok(Vec::new());
        };
        let mut removed = Vec::new();
        let mut first_failure = None;
        for item in listing.flatten() {
            let name = item.file_name();
            let Some(kind) = name.to_str().and_then(file_kind) else {
                continue;
            };
            let path = item.path();
            let listed =
                (kind == FileKind::Entry).then(|| Listed::of(read_entry_file(&path).ok().as_ref(), None));
            match fs::remove_file(&path) {
                Ok(()) => removed.extend(listed),
                // Gone already: another runas cleared or renamed it meanwhile.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    first_failure.get_or_insert(Error::Cache {
                        path,
                        problem: format!("cannot remove it: {e}; check the permissions of its folder"),
                    });
                }
            }
        }
        removed.sort_by(|a, b| (&a.profile, &a.kind).cmp(&(&b.profile, &b.kind)));
        match first_failure {
            Some(e) => Err(e),
            None => Ok(removed),
        }
    }

    /// Reads the entry for `key` and checks it is safe, well-formed and valid beyond the
    /// window at `now`. The `Miss` says why not; every miss is the same to callers.
    fn lookup(&self, key: &CacheKey, now: SystemTime) -> Result<Entry, Miss> {
        let path = self.entry_path(key);
        let entry = match read_entry(&path, key) {
            Ok(entry) => entry,
            Err(Miss::Refused(refusal)) => {
                warn_refused_once(&path, refusal);
                return Err(Miss::Refused(refusal));
            }
            Err(miss) => return Err(miss),
        };
        if !entry.credentials.valid_for(self.window, now) {
            return Err(Miss::Expired);
        }
        // Credentials cannot outlive the longest lifetime STS gives, whatever the file says.
        if epoch_ms(now).saturating_sub(entry.written_at_ms) > MAX_ENTRY_AGE.as_millis() as u64 {
            return Err(Miss::TooOld);
        }
        Ok(entry)
    }

    /// Makes the folder if needed and takes the lock for `key`, polling so the wait is bounded.
    /// `Ok(None)`: the cache cannot be used at all (warned). `Err`: another runas kept the lock.
    fn lock(&self, key: &CacheKey) -> Result<Option<KeyLock>> {
        if self.private_dir().is_none() {
            return Ok(None);
        }
        let path = self.lock_path(key);
        let file = match open_lock_file(&path) {
            Ok(file) => file,
            Err(e) => {
                crate::warn(format_args!(
                    "cannot open the cache lock {}: {e}; going on without the cache",
                    path.display()
                ));
                return Ok(None);
            }
        };
        // A lock file someone else made could be held by them for ever: not used.
        match file.metadata() {
            Ok(meta) if meta.uid() == euid() => {}
            Ok(meta) => {
                crate::warn(format_args!(
                    "ignoring the cache lock {}: it belongs to uid {}, not to you; going on \
                     without the cache",
                    path.display(),
                    meta.uid()
                ));
                return Ok(None);
            }
            Err(e) => {
                crate::warn(format_args!(
                    "cannot check the cache lock {}: {e}; going on without the cache",
                    path.display()
                ));
                return Ok(None);
            }
        }

        let started = Instant::now();
        let deadline = started + self.lock_wait;
        let mut pause = Duration::from_millis(5);
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(KeyLock { file: Some(file) })),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(e)) => {
                    // Some network filesystems have no flock. The cache still works, only
                    // parallel runs may each call STS.
                    crate::warn(format_args!(
                        "cannot lock {}: {e}; going on without the lock",
                        path.display()
                    ));
                    return Ok(Some(KeyLock { file: None }));
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::LockHeld {
                    waited: self.lock_wait,
                });
            }
            if !told && now - started >= WAIT_NOTICE_AFTER {
                told = true;
                crate::warn(format_args!(
                    "waiting for another runas to get these credentials (it may be asking for an \
                     MFA code); lock {}",
                    path.display()
                ));
            }
            std::thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_millis(100));
        }
    }

    /// Writes `credentials` as the entry for `key`, atomically.
    fn store(&self, key: &CacheKey, credentials: &Credentials, fill: Fill) -> io::Result<()> {
        self.store_with_user(key, credentials, "", fill)
    }

    fn store_with_user(
        &self,
        key: &CacheKey,
        credentials: &Credentials,
        user: &str,
        fill: Fill,
    ) -> io::Result<()> {
        let entry = EntryRef {
            version: FORMAT_VERSION,
            key: &key.hex,
            kind: &key.kind,
            profile: &key.profile,
            user,
            written_at_ms: epoch_ms(SystemTime::now()),
            credentials,
        };
        let mut bytes = serde_json::to_vec(&entry)?;
        bytes.push(b'\n');
        let dir = self.dir_or_empty();
        let temp = dir.join(temp_name(key));
        write_atomically(dir, &temp, &self.entry_path(key), &bytes, fill)
    }
}

/// Holds the per-key flock until dropped (closing the file releases it too, and the kernel
/// releases it if the process dies, so a crash never leaves the key locked). `file` is `None`
/// when the filesystem cannot lock and we go on without.
struct KeyLock {
    file: Option<File>,
}

impl Drop for KeyLock {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            let _ = file.unlock();
        }
    }
}

/// The entry file as written.
#[derive(Serialize)]
struct EntryRef<'a> {
    version: u64,
    /// The key it was written for: a file renamed onto another key's name is a miss there.
    key: &'a str,
    /// What it is and whose (the key's label), for `runas cache list`.
    kind: &'a str,
    profile: &'a str,
    /// For a session token of an IAM user's keys: the user's name, once looked up.
    #[serde(skip_serializing_if = "str::is_empty")]
    user: &'a str,
    written_at_ms: u64,
    credentials: &'a Credentials,
}

/// The entry file as read. Entries written before the label was added have none.
#[derive(Debug, Deserialize)]
struct Entry {
    key: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    profile: String,
    #[serde(default)]
    user: String,
    written_at_ms: u64,
    credentials: Credentials,
}

/// A cache entry as `runas cache list` and `clear` show it: never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Listed {
    /// The profile (or role ARN) it is for; `-` for an entry that does not say.
    pub profile: String,
    /// `session`, `role`, `process`, `web-identity`, `imds` or `ecs`; `-` when unknown.
    pub kind: String,
    /// When the credentials expire; `None` for a file that could not be read.
    #[serde(serialize_with = "serialize_expiration")]
    pub expiration: Option<u64>,
}

fn serialize_expiration<S: serde::Serializer>(secs: &Option<u64>, out: S) -> Result<S::Ok, S::Error> {
    match secs {
        Some(secs) => crate::creds::serialize_rfc3339(secs, out),
        None => out.serialize_none(),
    }
}

impl Listed {
    fn of(entry: Option<&Entry>, key: Option<&CacheKey>) -> Listed {
        let label = |from_entry: Option<&str>, from_key: Option<&str>| {
            from_entry
                .or(from_key)
                .filter(|s| !s.is_empty())
                .unwrap_or("-")
                .to_string()
        };
        Listed {
            profile: label(entry.map(|e| e.profile.as_str()), key.map(CacheKey::profile)),
            kind: label(entry.map(|e| e.kind.as_str()), key.map(CacheKey::kind)),
            expiration: entry.and_then(|e| e.credentials.expiration),
        }
    }
}

/// Only the version, read first so a file of another version is told apart from a corrupt one.
#[derive(Deserialize)]
struct Versioned {
    version: u64,
}

/// `-v`: a hit, with when the credentials expire.
fn say_hit(key: &CacheKey, credentials: &Credentials) {
    match credentials.expiration {
        Some(exp) => crate::verbose::say!(
            "{}: cache hit, expires {} (in {})",
            key.label(),
            crate::creds::rfc3339(exp),
            crate::creds::short_duration(exp.saturating_sub(crate::creds::epoch_now()))
        ),
        None => crate::verbose::say!("{}: cache hit", key.label()),
    }
}

impl Miss {
    /// Why, for `-v`.
    fn reason(&self) -> &'static str {
        match self {
            Miss::Absent => "none cached",
            Miss::Unreadable(_) => "the file cannot be read",
            Miss::NotAFile => "not a regular file",
            Miss::TooLarge => "the file is too large",
            Miss::Corrupt(_) => "the file is not a valid entry",
            Miss::WrongVersion(_) => "written by another version",
            Miss::WrongShape => "the entry is incomplete",
            Miss::WrongKey => "the file was written for another key",
            Miss::TooOld => "written longer ago than credentials last",
            Miss::Expired => "expired or expiring within the refresh window",
            Miss::Refused(_) => "the file is not safe to use",
        }
    }
}

/// Why the cache had nothing usable. Callers treat every case as a miss; tests look at which.
#[derive(Debug)]
enum Miss {
    Absent,
    Unreadable(#[allow(dead_code, reason = "shown by Debug when a test fails")] io::Error),
    NotAFile,
    TooLarge,
    Corrupt(#[allow(dead_code, reason = "shown by Debug when a test fails")] String),
    WrongVersion(#[allow(dead_code, reason = "shown by Debug when a test fails")] u64),
    /// Parsed, but not what runas writes (no expiration, one past the year 9999, empty keys).
    WrongShape,
    /// Written for another key: renamed onto this one's name.
    WrongKey,
    /// Written longer ago than any credentials last.
    TooOld,
    Expired,
    Refused(Refusal),
}

/// Why a cache file was not trusted. Whoever could write it could hand us their credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    OthersCanWrite { mode: u32 },
    OwnedByOther { uid: u32 },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::OthersCanWrite { mode } => write!(
                f,
                "other users can write it (mode {:03o}); it is ignored and will be replaced by a \
                 0600 file on the next fetch",
                mode & 0o777
            ),
            Refusal::OwnedByOther { uid } => write!(
                f,
                "it belongs to uid {uid}, not to you; it is ignored and will be replaced on the next fetch"
            ),
        }
    }
}

/// One open and one read. Mode and owner come from the opened file (fstat), so a file swapped
/// between a check and the open cannot slip through.
fn read_entry(path: &Path, key: &CacheKey) -> Result<Entry, Miss> {
    let entry = read_entry_file(path)?;
    if entry.key != key.hex {
        return Err(Miss::WrongKey);
    }
    Ok(entry)
}

/// `read_entry` without the key check: for listing what is there.
fn read_entry_file(path: &Path) -> Result<Entry, Miss> {
    let file = OpenOptions::new()
        .read(true)
        // runas never makes the entry a symlink; following one could read a file chosen by
        // someone else. O_NONBLOCK so a FIFO put in its place cannot hang the prompt.
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Miss::Absent,
            _ => Miss::Unreadable(e),
        })?;
    let meta = file.metadata().map_err(Miss::Unreadable)?;
    if !meta.file_type().is_file() {
        return Err(Miss::NotAFile);
    }
    if let Some(refusal) = distrust(meta.mode(), meta.uid()) {
        return Err(Miss::Refused(refusal));
    }
    if meta.len() > MAX_ENTRY_BYTES {
        return Err(Miss::TooLarge);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Bounded even if the file grows after the fstat.
    (&file)
        .take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(Miss::Unreadable)?;
    parse_entry(&bytes)
}

fn parse_entry(bytes: &[u8]) -> Result<Entry, Miss> {
    let Versioned { version } = serde_json::from_slice(bytes).map_err(|e| Miss::Corrupt(e.to_string()))?;
    if version != FORMAT_VERSION {
        return Err(Miss::WrongVersion(version));
    }
    let entry: Entry = serde_json::from_slice(bytes).map_err(|e| Miss::Corrupt(e.to_string()))?;
    let c = &entry.credentials;
    let absurd = c.expiration.is_none_or(|e| e > crate::creds::LAST_EXPIRATION);
    if absurd || c.access_key_id.is_empty() || c.secret_access_key.is_empty() {
        return Err(Miss::WrongShape);
    }
    Ok(entry)
}

/// This process's effective user id.
fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Why the cache folder, as `lstat` saw it, is not to be used, if it is not.
fn distrust_folder(meta: &fs::Metadata) -> Option<String> {
    if meta.file_type().is_symlink() {
        return Some("it is a symbolic link".into());
    }
    if !meta.is_dir() {
        return Some("it is not a folder".into());
    }
    distrust(meta.mode(), meta.uid()).map(|refusal| match refusal {
        Refusal::OwnedByOther { uid } => format!("it belongs to uid {uid}, not to you"),
        Refusal::OthersCanWrite { mode } => {
            format!("other users can write to it (mode {:03o})", mode & 0o777)
        }
    })
}

/// A file is trusted only if it is ours and nobody else can write it.
fn distrust(mode: u32, owner: u32) -> Option<Refusal> {
    let me = euid();
    if owner != me {
        Some(Refusal::OwnedByOther { uid: owner })
    } else if mode & 0o022 != 0 {
        Some(Refusal::OthersCanWrite { mode })
    } else {
        None
    }
}

/// Paths already warned about in this process, so a file read twice in one run (fast path,
/// then the re-check under the lock) is reported once.
static WARNED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Warns about a refused file unless this process already did; true if it warned.
fn warn_refused_once(path: &Path, refusal: Refusal) -> bool {
    let mut warned = WARNED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if warned.iter().any(|p| p == path) {
        return false;
    }
    warned.push(path.to_path_buf());
    crate::warn(format_args!("ignoring cache file {}: {refusal}", path.display()));
    true
}

/// Fills the temporary file; `write_and_sync` in production, a failing stand-in in tests.
type Fill = fn(&mut File, &[u8]) -> io::Result<()>;

/// Writes the bytes and waits for them to reach the disk, so the rename that follows can never
/// expose an empty or partial file after a crash.
fn write_and_sync(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}

/// Opens (making it, mode 0600, if need be) the lock file at `path`, never through a symlink
/// and never truncating what is there: its content does not matter, only the lock on it.
pub(crate) fn open_lock_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Writes `bytes` to `dest`, mode 0600, atomically: through a new temporary file beside it,
/// renamed over whatever was at that name (a symlink there is replaced, not followed).
pub(crate) fn write_private(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .ok_or_else(|| io::Error::other("the path names no file"))?;
    let temp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    write_atomically(dir, &temp, dest, bytes, write_and_sync)
}

/// Creates `temp` (0600, must not exist), fills it, renames it over `dest` and syncs the folder.
/// On failure the temporary file is removed and `dest` is untouched.
fn write_atomically(dir: &Path, temp: &Path, dest: &Path, bytes: &[u8], fill: Fill) -> io::Result<()> {
    // create_new: never write through a file or symlink someone left at this name.
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(temp)?;
    let result = fill(&mut file, bytes).and_then(|()| fs::rename(temp, dest));
    drop(file);
    if let Err(e) = result {
        let _ = fs::remove_file(temp);
        return Err(e);
    }
    // Makes the rename itself durable. The entry is already in place, and some filesystems
    // refuse fsync on a folder, so a failure here is not worth a warning.
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// A temporary name no other writer uses: pid for other processes, a counter for other
/// threads, the clock for a pid reused after a crash left a file behind.
fn temp_name(key: &CacheKey) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}.{}-{n}-{nanos}.tmp", key.hex, std::process::id())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Entry,
    Lock,
    Temp,
}

/// Which of runas's files `name` is, if any: `clear` removes only these.
fn file_kind(name: &str) -> Option<FileKind> {
    let (hash, rest) = name.split_at_checked(64)?;
    if !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    match rest {
        ".json" => Some(FileKind::Entry),
        ".lock" => Some(FileKind::Lock),
        _ if rest.starts_with('.') && rest.ends_with(".tmp") && rest.len() > ".tmp".len() + 1 => {
            Some(FileKind::Temp)
        }
        _ => None,
    }
}

/// Milliseconds since the epoch: fine enough to tell "written after this call began" apart.
fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::creds::epoch_now;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Barrier;
    use std::sync::atomic::AtomicUsize;

    fn creds(id: &str, lifetime_secs: u64) -> Credentials {
        Credentials {
            access_key_id: id.into(),
            secret_access_key: format!("secret-{id}"),
            session_token: Some(format!("token-{id}")),
            expiration: Some(epoch_now() + lifetime_secs),
        }
    }

    fn key() -> CacheKey {
        CacheKey::new(
            "role",
            &[
                "AKIAEXAMPLE",
                "",
                "arn:aws:iam::123456789012:role/ops",
                "",
                "runas",
                "3600",
            ],
        )
    }

    fn cache_in(dir: &Path) -> Cache {
        Cache::new(dir.join("runas"), Cache::DEFAULT_WINDOW)
    }

    fn mode_of(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// Writes raw bytes as the entry for `key`, the way a corrupted or foreign file would appear.
    fn plant(cache: &Cache, key: &CacheKey, bytes: &[u8], mode: u32) {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(cache.dir())
            .unwrap();
        let path = cache.entry_path(key);
        fs::write(&path, bytes).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
    }

    /// An entry for `key()` as runas writes one, in format `version`.
    fn entry_json(c: &Credentials, version: u64) -> Vec<u8> {
        entry_json_for(&key(), c, version, epoch_ms(SystemTime::now()))
    }

    fn entry_json_for(key: &CacheKey, c: &Credentials, version: u64, written_at_ms: u64) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "version": version,
            "key": key.hex(),
            "written_at_ms": written_at_ms,
            "credentials": c,
        }))
        .unwrap()
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    fn env(pairs: &[(&str, &str)]) -> EnvMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn cache_dir_prefers_runas_cache_dir_then_xdg_then_home() {
        let all = env(&[
            ("RUNAS_CACHE_DIR", "/r"),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/h"),
        ]);
        assert_eq!(cache_dir(&all), Some(PathBuf::from("/r")));
        let no_runas = env(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")]);
        assert_eq!(cache_dir(&no_runas), Some(PathBuf::from("/x/runas")));
        let home_only = env(&[("HOME", "/h")]);
        let expected = if cfg!(target_os = "macos") {
            "/h/Library/Caches/runas"
        } else {
            "/h/.cache/runas"
        };
        assert_eq!(cache_dir(&home_only), Some(PathBuf::from(expected)));
        assert_eq!(cache_dir(&env(&[])), None);
    }

    #[test]
    fn cache_dir_ignores_empty_values_and_a_relative_xdg_or_home() {
        let e = env(&[
            ("RUNAS_CACHE_DIR", ""),
            ("XDG_CACHE_HOME", "rel/cache"),
            ("HOME", "/h"),
        ]);
        assert!(cache_dir(&e).unwrap().starts_with("/h"));
        assert_eq!(cache_dir(&env(&[("HOME", "relative")])), None);
        assert_eq!(cache_dir(&env(&[("HOME", "")])), None);
    }

    #[test]
    fn moving_a_boundary_between_key_parts_changes_the_key() {
        assert_ne!(
            CacheKey::new("role", &["ab", "c"]),
            CacheKey::new("role", &["a", "bc"])
        );
        assert_ne!(CacheKey::new("role", &["a", ""]), CacheKey::new("role", &["a"]));
        assert_ne!(CacheKey::new("role", &["x"]), CacheKey::new("session", &["x"]));
        assert_ne!(CacheKey::new("ro", &["le", "x"]), CacheKey::new("role", &["x"]));
        assert_eq!(
            CacheKey::new("role", &["a", "b"]),
            CacheKey::new("role", &["a", "b"])
        );
    }

    #[test]
    fn a_key_is_64_lowercase_hex_digits() {
        let hex = key().hex().to_string();
        assert_eq!(hex.len(), 64);
        assert!(
            hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "{hex}"
        );
    }

    #[test]
    fn credentials_round_trip_through_the_cache() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let c = creds("ASIAONE", 3600);
        let got = cache.get_or_fetch(&key(), false, || Ok(c.clone())).unwrap();
        assert_eq!(got, c);
        assert_eq!(cache.get(&key()), Some(c.clone()));
        let again = cache
            .get_or_fetch(&key(), false, || panic!("a valid entry must not fetch"))
            .unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn new_and_a_miss_touch_nothing_on_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        assert_eq!(cache.get(&key()), None);
        assert!(!cache.dir().exists());
    }

    #[test]
    fn a_write_makes_the_folder_0700_and_the_file_0600() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("a/b/runas"), Cache::DEFAULT_WINDOW);
        cache
            .get_or_fetch(&key(), false, || Ok(creds("ASIA", 3600)))
            .unwrap();
        assert_eq!(mode_of(cache.dir()), 0o700);
        assert_eq!(mode_of(&tmp.path().join("a")), 0o700);
        assert_eq!(mode_of(&cache.entry_path(&key())), 0o600);
        assert_eq!(mode_of(&cache.lock_path(&key())), 0o600);
    }

    #[test]
    fn the_file_name_is_the_hex_hash_and_a_hostile_part_cannot_escape() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let hostile = CacheKey::new("role", &["../../etc/passwd", "/abs", "a\0b", "\n"]);
        cache
            .get_or_fetch(&hostile, false, || Ok(creds("ASIA", 3600)))
            .unwrap();
        let expected = vec![
            format!("{}.json", hostile.hex()),
            format!("{}.lock", hostile.hex()),
        ];
        assert_eq!(names_in(cache.dir()), expected);
        assert_eq!(cache.entry_path(&hostile).parent(), Some(cache.dir()));
        assert_eq!(names_in(tmp.path()), vec!["runas".to_string()]);
    }

    #[test]
    fn the_file_holds_a_version_the_write_time_and_the_credentials() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let before = epoch_ms(SystemTime::now());
        let c = creds("ASIA", 3600);
        cache.get_or_fetch(&key(), false, || Ok(c.clone())).unwrap();
        let text = fs::read_to_string(cache.entry_path(&key())).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], 2);
        assert_eq!(v["key"], key().hex());
        assert!(v["written_at_ms"].as_u64().unwrap() >= before);
        assert_eq!(v["credentials"]["access_key_id"], "ASIA");
        assert_eq!(v["credentials"]["expiration"], c.expiration.unwrap());
    }

    #[test]
    fn corrupt_truncated_empty_or_wrong_version_files_are_misses_then_replaced() {
        let good = entry_json(&creds("ASIAOLD", 3600), FORMAT_VERSION);
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", Vec::new()),
            ("truncated", good[..good.len() / 2].to_vec()),
            ("corrupt", b"\xff\xfe not json at all".to_vec()),
            ("wrong version", entry_json(&creds("ASIAOLD", 3600), 99)),
            ("no version", br#"{"credentials":{}}"#.to_vec()),
            (
                "wrong shape",
                br#"{"version":2,"key":"","written_at_ms":1,"credentials":[1,2]}"#.to_vec(),
            ),
            (
                "no expiration",
                entry_json(
                    &Credentials {
                        expiration: None,
                        ..creds("ASIAOLD", 1)
                    },
                    FORMAT_VERSION,
                ),
            ),
            ("json but not an object", b"[1,2,3]".to_vec()),
            (
                "expiration past the year 9999",
                entry_json(
                    &Credentials {
                        expiration: Some(crate::creds::LAST_EXPIRATION + 1),
                        ..creds("ASIAOLD", 1)
                    },
                    FORMAT_VERSION,
                ),
            ),
        ];
        for (what, bytes) in cases {
            let tmp = tempfile::tempdir().unwrap();
            let cache = cache_in(tmp.path());
            plant(&cache, &key(), &bytes, 0o600);
            assert!(cache.lookup(&key(), SystemTime::now()).is_err(), "{what}");
            assert_eq!(cache.get(&key()), None, "{what}");
            let fresh = creds("ASIANEW", 3600);
            assert_eq!(
                cache.get_or_fetch(&key(), false, || Ok(fresh.clone())).unwrap(),
                fresh,
                "{what}"
            );
            assert_eq!(cache.get(&key()), Some(fresh), "{what} was not replaced");
        }
    }

    #[test]
    fn the_reasons_for_a_miss_are_told_apart() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let now = SystemTime::now();
        assert!(matches!(cache.lookup(&key(), now), Err(Miss::Absent)));
        plant(&cache, &key(), b"{", 0o600);
        assert!(matches!(cache.lookup(&key(), now), Err(Miss::Corrupt(_))));
        plant(&cache, &key(), &entry_json(&creds("A", 3600), 1), 0o600);
        assert!(matches!(cache.lookup(&key(), now), Err(Miss::WrongVersion(1))));
        plant(&cache, &key(), &vec![b' '; MAX_ENTRY_BYTES as usize + 1], 0o600);
        assert!(matches!(cache.lookup(&key(), now), Err(Miss::TooLarge)));
    }

    #[test]
    fn credentials_expiring_within_the_window_are_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("runas"), Duration::from_secs(300));
        plant(
            &cache,
            &key(),
            &entry_json(&creds("ASIASHORT", 200), FORMAT_VERSION),
            0o600,
        );
        assert!(matches!(
            cache.lookup(&key(), SystemTime::now()),
            Err(Miss::Expired)
        ));
        assert_eq!(cache.get(&key()), None);
        plant(
            &cache,
            &key(),
            &entry_json(&creds("ASIALONG", 400), FORMAT_VERSION),
            0o600,
        );
        assert_eq!(cache.get(&key()).unwrap().access_key_id, "ASIALONG");
        let fresh = creds("ASIANEW", 3600);
        plant(
            &cache,
            &key(),
            &entry_json(&creds("ASIAGONE", 0), FORMAT_VERSION),
            0o600,
        );
        assert_eq!(
            cache.get_or_fetch(&key(), false, || Ok(fresh.clone())).unwrap(),
            fresh
        );
    }

    #[test]
    fn a_file_others_can_write_is_refused_with_one_warning() {
        for mode in [0o620, 0o602, 0o666] {
            let tmp = tempfile::tempdir().unwrap();
            let cache = cache_in(tmp.path());
            plant(
                &cache,
                &key(),
                &entry_json(&creds("ASIAEVIL", 3600), FORMAT_VERSION),
                mode,
            );
            let path = cache.entry_path(&key());
            match cache.lookup(&key(), SystemTime::now()) {
                Err(Miss::Refused(r @ Refusal::OthersCanWrite { .. })) => {
                    let shown = r.to_string();
                    assert!(shown.contains(&format!("{mode:03o}")), "{shown}");
                }
                other => panic!("mode {mode:o}: expected a refusal, got {other:?}"),
            }
            // lookup already warned, so a second report for the same file is suppressed.
            assert!(!warn_refused_once(&path, Refusal::OthersCanWrite { mode }));
            assert_eq!(cache.get(&key()), None);
            // The next fetch replaces it with a 0600 file that is trusted again.
            let fresh = creds("ASIANEW", 3600);
            assert_eq!(
                cache.get_or_fetch(&key(), false, || Ok(fresh.clone())).unwrap(),
                fresh
            );
            assert_eq!(mode_of(&path), 0o600);
            assert_eq!(cache.get(&key()), Some(fresh));
        }
    }

    #[test]
    fn a_file_owned_by_another_user_is_refused() {
        // Only root can give a file away; elsewhere the owner check is covered through distrust.
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        assert_eq!(
            distrust(0o100600, me.wrapping_add(1)),
            Some(Refusal::OwnedByOther {
                uid: me.wrapping_add(1)
            })
        );
        assert_eq!(distrust(0o100600, me), None);
        if me != 0 {
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        plant(
            &cache,
            &key(),
            &entry_json(&creds("ASIAEVIL", 3600), FORMAT_VERSION),
            0o600,
        );
        std::os::unix::fs::chown(cache.entry_path(&key()), Some(4242), Some(4242)).unwrap();
        assert!(matches!(
            cache.lookup(&key(), SystemTime::now()),
            Err(Miss::Refused(Refusal::OwnedByOther { uid: 4242 }))
        ));
        assert_eq!(cache.get(&key()), None);
    }

    #[test]
    fn a_symlink_or_folder_in_place_of_the_entry_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let elsewhere = tmp.path().join("elsewhere.json");
        fs::write(&elsewhere, entry_json(&creds("ASIALINK", 3600), FORMAT_VERSION)).unwrap();
        fs::set_permissions(&elsewhere, fs::Permissions::from_mode(0o600)).unwrap();
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(cache.dir())
            .unwrap();
        std::os::unix::fs::symlink(&elsewhere, cache.entry_path(&key())).unwrap();
        assert_eq!(cache.get(&key()), None);

        fs::remove_file(cache.entry_path(&key())).unwrap();
        fs::create_dir(cache.entry_path(&key())).unwrap();
        assert!(matches!(
            cache.lookup(&key(), SystemTime::now()),
            Err(Miss::NotAFile)
        ));
        // The rename cannot replace a folder: warned, and the credentials still come back.
        let fresh = creds("ASIANEW", 3600);
        assert_eq!(
            cache.get_or_fetch(&key(), false, || Ok(fresh.clone())).unwrap(),
            fresh
        );
    }

    #[test]
    fn refresh_bypasses_a_valid_entry() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        cache
            .get_or_fetch(&key(), false, || Ok(creds("ASIAOLD", 3600)))
            .unwrap();
        // Written before this call began, so it does not count as fresh.
        let got = cache
            .get_or_fetch(&key(), true, || Ok(creds("ASIANEW", 3600)))
            .unwrap();
        assert_eq!(got.access_key_id, "ASIANEW");
        assert_eq!(cache.get(&key()).unwrap().access_key_id, "ASIANEW");
    }

    #[test]
    fn a_fetch_error_writes_nothing_and_keeps_the_previous_entry() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let failing = || Err(Error::NoActiveProfile);
        let err = cache.get_or_fetch(&key(), false, failing).unwrap_err();
        assert!(matches!(&err, Error::NoActiveProfile), "{err:?}");
        assert!(!cache.entry_path(&key()).exists());

        let old = creds("ASIAOLD", 3600);
        cache.get_or_fetch(&key(), false, || Ok(old.clone())).unwrap();
        let before = fs::read(cache.entry_path(&key())).unwrap();
        let err = cache.get_or_fetch(&key(), true, failing).unwrap_err();
        assert!(matches!(err, Error::NoActiveProfile));
        assert_eq!(fs::read(cache.entry_path(&key())).unwrap(), before);
        assert_eq!(cache.get(&key()), Some(old));
    }

    #[test]
    fn a_failed_write_keeps_the_old_entry_and_still_returns_the_credentials() {
        fn disk_full(file: &mut File, bytes: &[u8]) -> io::Result<()> {
            file.write_all(&bytes[..bytes.len() / 2])?;
            Err(io::Error::from_raw_os_error(libc::ENOSPC))
        }
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let old = creds("ASIAOLD", 3600);
        cache.get_or_fetch(&key(), false, || Ok(old.clone())).unwrap();
        let before = fs::read(cache.entry_path(&key())).unwrap();

        let new = creds("ASIANEW", 3600);
        let got = cache
            .get_or_fetch_with(&key(), true, || Ok(new.clone()), disk_full)
            .unwrap();
        assert_eq!(got, new);
        assert_eq!(fs::read(cache.entry_path(&key())).unwrap(), before);
        assert_eq!(cache.get(&key()), Some(old));
        // The half-written temporary file is gone.
        let expected = vec![format!("{}.json", key().hex()), format!("{}.lock", key().hex())];
        assert_eq!(names_in(cache.dir()), expected);
    }

    #[test]
    fn a_write_never_goes_through_a_file_left_at_the_temporary_name() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let temp = dir.join("x.tmp");
        fs::create_dir(&temp).unwrap();
        let dest = dir.join("x.json");
        fs::write(&dest, "old").unwrap();
        assert!(write_atomically(dir, &temp, &dest, b"new", write_and_sync).is_err());
        assert_eq!(fs::read_to_string(&dest).unwrap(), "old");
    }

    #[test]
    fn long_term_keys_are_never_cached() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let long_term = Credentials {
            session_token: None,
            expiration: None,
            ..creds("AKIALONG", 0)
        };
        assert_eq!(
            cache
                .get_or_fetch(&key(), false, || Ok(long_term.clone()))
                .unwrap(),
            long_term
        );
        assert!(!cache.entry_path(&key()).exists());
    }

    #[test]
    fn a_valid_entry_is_returned_without_taking_the_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path()).with_lock_wait(Duration::ZERO);
        let c = creds("ASIA", 3600);
        cache.get_or_fetch(&key(), false, || Ok(c.clone())).unwrap();
        let holder = File::open(cache.lock_path(&key())).unwrap();
        holder.lock().unwrap();
        assert_eq!(
            cache.get_or_fetch(&key(), false, || panic!("no fetch")).unwrap(),
            c
        );
    }

    fn counted_fetch(count: &AtomicUsize) -> Result<Credentials> {
        let n = count.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(200));
        Ok(creds(&format!("ASIAFETCH{n}"), 3600))
    }

    #[test]
    fn two_threads_asking_at_once_make_one_fetch() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let count = AtomicUsize::new(0);
        let barrier = Barrier::new(2);
        let results: Vec<Credentials> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        cache
                            .get_or_fetch(&key(), false, || counted_fetch(&count))
                            .unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert_eq!(results[0], results[1]);
    }

    #[test]
    fn twenty_refreshing_threads_make_one_fetch() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        cache
            .get_or_fetch(&key(), false, || Ok(creds("ASIAOLD", 3600)))
            .unwrap();
        let count = AtomicUsize::new(0);
        let barrier = Barrier::new(20);
        let results: Vec<Credentials> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..20)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        cache
                            .get_or_fetch(&key(), true, || counted_fetch(&count))
                            .unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert!(
            results.iter().all(|c| c.access_key_id == "ASIAFETCH0"),
            "{results:?}"
        );
    }

    #[test]
    fn a_lock_file_left_behind_does_not_block() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path()).with_lock_wait(Duration::from_millis(100));
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(cache.dir())
            .unwrap();
        fs::write(cache.lock_path(&key()), "").unwrap();
        let c = creds("ASIA", 3600);
        assert_eq!(cache.get_or_fetch(&key(), false, || Ok(c.clone())).unwrap(), c);
    }

    #[test]
    fn waiting_for_a_held_lock_gives_up_after_the_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path()).with_lock_wait(Duration::from_millis(200));
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(cache.dir())
            .unwrap();
        let holder = File::create(cache.lock_path(&key())).unwrap();
        holder.lock().unwrap();
        let started = Instant::now();
        let err = cache
            .get_or_fetch(&key(), false, || panic!("must not fetch without the lock"))
            .unwrap_err();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(200) && waited < Duration::from_secs(2),
            "{waited:?}"
        );
        match &err {
            Error::LockHeld { waited } => assert_eq!(*waited, Duration::from_millis(200)),
            other => panic!("expected a held lock, got {other:?}"),
        }
        assert!(
            err.to_string().contains("another runas has held the lock"),
            "{err}"
        );
        // Once the holder lets go, the same call goes through.
        holder.unlock().unwrap();
        assert!(
            cache
                .get_or_fetch(&key(), false, || Ok(creds("ASIA", 3600)))
                .is_ok()
        );
    }

    #[test]
    fn remove_says_whether_there_was_an_entry() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        assert!(!cache.remove(&key()).unwrap());
        cache
            .get_or_fetch(&key(), false, || Ok(creds("ASIA", 3600)))
            .unwrap();
        assert!(cache.remove(&key()).unwrap());
        assert_eq!(cache.get(&key()), None);
        assert!(!cache.remove(&key()).unwrap());
    }

    #[test]
    fn clear_removes_only_what_runas_made_and_counts_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let other = CacheKey::new("session", &["AKIA", "arn:aws:iam::1:mfa/me"]);
        cache
            .get_or_fetch(&key(), false, || Ok(creds("ASIA1", 3600)))
            .unwrap();
        cache
            .get_or_fetch(&other, false, || Ok(creds("ASIA2", 3600)))
            .unwrap();
        let stale_temp = cache.dir().join(temp_name(&key()));
        fs::write(&stale_temp, "half").unwrap();
        for foreign in [
            "notes.txt",
            "abc.json",
            ".hidden",
            &format!("{}.json.bak", key().hex()),
        ] {
            fs::write(cache.dir().join(foreign), "keep").unwrap();
        }
        assert_eq!(cache.clear().unwrap().len(), 2);
        let mut left = vec![
            ".hidden".to_string(),
            "abc.json".to_string(),
            format!("{}.json.bak", key().hex()),
            "notes.txt".to_string(),
        ];
        left.sort();
        assert_eq!(names_in(cache.dir()), left);
        assert_eq!(cache.clear().unwrap().len(), 0);
    }

    #[test]
    fn list_says_whose_each_entry_is_and_takes_entries_from_before_labels() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let labelled = CacheKey::new("role", &["x"]).for_profile("prod");
        cache
            .get_or_fetch(&labelled, false, || Ok(creds("ASIA1", 3600)))
            .unwrap();
        // An entry as runas wrote them before the label: no kind, no profile.
        let old = CacheKey::new("session", &["y"]);
        let body = serde_json::json!({
            "version": FORMAT_VERSION,
            "key": old.hex,
            "written_at_ms": epoch_ms(SystemTime::now()),
            "credentials": creds("ASIA2", 3600),
        });
        fs::write(cache.entry_path(&old), body.to_string()).unwrap();
        fs::set_permissions(cache.entry_path(&old), fs::Permissions::from_mode(0o600)).unwrap();
        let listed = cache.list().unwrap();
        let labels: Vec<(&str, &str)> = listed
            .iter()
            .map(|l| (l.profile.as_str(), l.kind.as_str()))
            .collect();
        assert_eq!(labels, [("-", "-"), ("prod", "role")]);
        assert!(listed.iter().all(|l| l.expiration.is_some()));
        let shown = serde_json::to_string(&listed).unwrap();
        assert!(!shown.contains("ASIA"), "{shown}");
        // The old entry is still served for its key.
        assert!(cache.get(&old).is_some());
    }

    #[test]
    fn clearing_a_missing_folder_removes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(cache_in(tmp.path()).clear().unwrap().len(), 0);
    }

    #[test]
    fn runas_file_names_are_recognised_and_others_are_not() {
        let hex = key().hex().to_string();
        assert_eq!(file_kind(&format!("{hex}.json")), Some(FileKind::Entry));
        assert_eq!(file_kind(&format!("{hex}.lock")), Some(FileKind::Lock));
        assert_eq!(file_kind(&temp_name(&key())), Some(FileKind::Temp));
        assert_eq!(file_kind(&format!("{hex}.tmp")), None);
        assert_eq!(file_kind(&format!("{}.json", hex.to_uppercase())), None);
        assert_eq!(file_kind(&format!("{}.json", &hex[1..])), None);
        assert_eq!(file_kind("é"), None);
    }

    /// The child half of `separate_processes_asking_at_once_make_one_fetch`; does nothing unless
    /// that test started it.
    #[test]
    #[ignore = "run by separate_processes_asking_at_once_make_one_fetch in a child process"]
    fn child_process_fetches_through_the_cache() {
        let Some(dir) = std::env::var_os("RUNAS_TEST_CHILD_CACHE") else {
            return;
        };
        let dir = PathBuf::from(dir);
        let cache = Cache::new(dir.join("runas"), Cache::DEFAULT_WINDOW);
        let got = cache
            .get_or_fetch(&key(), false, || {
                let mut log = OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(dir.join("fetches"))
                    .unwrap();
                writeln!(log, "{}", std::process::id()).unwrap();
                std::thread::sleep(Duration::from_millis(300));
                Ok(creds(&format!("ASIAPID{}", std::process::id()), 3600))
            })
            .unwrap();
        fs::write(dir.join(format!("got-{}", std::process::id())), got.access_key_id).unwrap();
    }

    #[test]
    fn separate_processes_asking_at_once_make_one_fetch() {
        let tmp = tempfile::tempdir().unwrap();
        let exe = std::env::current_exe().unwrap();
        let children: Vec<_> = (0..4)
            .map(|_| {
                std::process::Command::new(&exe)
                    .args(["--exact", "cache::tests::child_process_fetches_through_the_cache"])
                    .args(["--ignored", "--test-threads=1", "--quiet"])
                    .env("RUNAS_TEST_CHILD_CACHE", tmp.path())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success());
        }
        let fetches = fs::read_to_string(tmp.path().join("fetches")).unwrap();
        assert_eq!(fetches.lines().count(), 1, "{fetches}");
        let got: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("got-"))
            .map(|p| fs::read_to_string(p).unwrap())
            .collect();
        assert_eq!(got.len(), 4);
        assert!(got.iter().all(|g| g == &got[0]), "{got:?}");
    }

    #[test]
    fn an_entry_renamed_onto_another_keys_name_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let prod = CacheKey::new("role", &["prod"]);
        let dev = CacheKey::new("role", &["dev"]);
        cache
            .get_or_fetch(&prod, false, || Ok(creds("ASIAPROD", 3600)))
            .unwrap();
        fs::rename(cache.entry_path(&prod), cache.entry_path(&dev)).unwrap();
        assert!(matches!(
            cache.lookup(&dev, SystemTime::now()),
            Err(Miss::WrongKey)
        ));
        assert_eq!(cache.get(&dev), None);
        let fetched = cache
            .get_or_fetch(&dev, false, || Ok(creds("ASIADEV", 3600)))
            .unwrap();
        assert_eq!(fetched.access_key_id, "ASIADEV");
    }

    #[test]
    fn an_entry_older_than_any_lifetime_is_a_miss_whatever_it_claims() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path());
        let forever = Credentials {
            expiration: Some(32_503_680_000), // 2999
            ..creds("ASIAOLD", 1)
        };
        let long_ago = epoch_ms(SystemTime::now()) - MAX_ENTRY_AGE.as_millis() as u64 - 1000;
        plant(
            &cache,
            &key(),
            &entry_json_for(&key(), &forever, FORMAT_VERSION, long_ago),
            0o600,
        );
        assert!(matches!(
            cache.lookup(&key(), SystemTime::now()),
            Err(Miss::TooOld)
        ));
    }

    #[test]
    fn a_folder_others_can_write_or_own_is_not_used() {
        for (mode, chown_to) in [(0o777, None), (0o770, None), (0o700, Some(4242))] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("runas");
            fs::create_dir(&dir).unwrap();
            fs::set_permissions(&dir, fs::Permissions::from_mode(mode)).unwrap();
            if let Some(uid) = chown_to {
                if euid() != 0 {
                    // Only root can give a folder away; the mode cases still ran.
                    continue;
                }
                std::os::unix::fs::chown(&dir, Some(uid), None).unwrap();
            }
            // An entry that would be a hit in a folder of our own.
            let cache = Cache::new(&dir, Cache::DEFAULT_WINDOW);
            let planted = creds("ASIAPLANTED", 3600);
            fs::write(cache.entry_path(&key()), entry_json(&planted, FORMAT_VERSION)).unwrap();
            fs::set_permissions(cache.entry_path(&key()), fs::Permissions::from_mode(0o600)).unwrap();
            assert_eq!(cache.get(&key()), None, "mode {mode:o}, owner {chown_to:?}");
            let fetched = cache
                .get_or_fetch(&key(), false, || Ok(creds("ASIAMINE", 3600)))
                .unwrap();
            assert_eq!(fetched.access_key_id, "ASIAMINE");
            // Nothing was written there, and no lock was taken there.
            assert_eq!(names_in(&dir), vec![format!("{}.json", key().hex())]);
        }
    }

    #[test]
    fn a_symlink_as_the_folder_is_not_used() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        fs::create_dir(&real).unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::symlink(&real, tmp.path().join("runas")).unwrap();
        let cache = Cache::new(tmp.path().join("runas"), Cache::DEFAULT_WINDOW);
        cache
            .get_or_fetch(&key(), false, || Ok(creds("ASIA", 3600)))
            .unwrap();
        assert!(names_in(&real).is_empty());
    }

    #[test]
    fn a_lock_file_of_another_owner_is_not_used() {
        if euid() != 0 {
            panic!("this test gives a file to another user, which needs root (CI runs as root)");
        }
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(tmp.path()).with_lock_wait(Duration::from_secs(30));
        fs::create_dir_all(cache.dir()).unwrap();
        fs::set_permissions(cache.dir(), fs::Permissions::from_mode(0o700)).unwrap();
        let lock = File::create(cache.lock_path(&key())).unwrap();
        std::os::unix::fs::chown(cache.lock_path(&key()), Some(4242), None).unwrap();
        lock.lock().unwrap();
        let started = Instant::now();
        let fetched = cache
            .get_or_fetch(&key(), false, || Ok(creds("ASIA", 3600)))
            .unwrap();
        assert_eq!(fetched.access_key_id, "ASIA");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "waited for their lock"
        );
        assert!(
            !cache.entry_path(&key()).exists(),
            "no entry written without our lock"
        );
    }

    #[test]
    fn no_folder_at_all_means_no_cache_not_an_error() {
        let cache = Cache::from_env(&EnvMap::new(), Cache::DEFAULT_WINDOW);
        assert_eq!(cache.get(&key()), None);
        let fetched = cache
            .get_or_fetch(&key(), false, || Ok(creds("ASIA", 3600)))
            .unwrap();
        assert_eq!(fetched.access_key_id, "ASIA");
        assert_eq!(cache.clear().unwrap().len(), 0);
    }

    #[test]
    fn a_relative_runas_cache_dir_is_ignored() {
        let e = env(&[("RUNAS_CACHE_DIR", "cache"), ("HOME", "/h")]);
        assert!(cache_dir(&e).unwrap().starts_with("/h"));
        assert_eq!(cache_dir(&env(&[("RUNAS_CACHE_DIR", "cache")])), None);
    }
}
