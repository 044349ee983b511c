//! A user's world in a temp dir: HOME with ~/.aws/config and ~/.aws/credentials, a cache
//! folder, and the runas binary run in a clean environment pointed at a chosen STS endpoint.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The body of the seed's `[profile prod]`, as a literal for `concat!`.
macro_rules! prod_role {
    () => {
        "role_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = default\n"
    };
}

/// The seed's `[default]`: its region, and an MFA device, so a cold prod needs a code.
macro_rules! default_section {
    () => {
        "[default]\nregion = us-east-1\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
    };
}

/// prod's role, from [default]'s keys: the body of `[profile prod]`. Another profile with this
/// body shares prod's cache entry (the key is made of the source, the role and the durations,
/// not the profile name).
pub const PROD_ROLE: &str = prod_role!();

/// `[profile prod]` of CONFIG alone.
pub const PROD_SECTION: &str = concat!("[profile prod]\n", prod_role!());

/// `[default]` of CONFIG alone.
pub const DEFAULT_SECTION: &str = default_section!();

/// The seed's layout: long-term keys in [default], MFA in [default], a role that uses them,
/// and a role chained from it in another account.
pub const CONFIG: &str = concat!(
    default_section!(),
    "\n[profile prod]\n",
    prod_role!(),
    "\n[profile ops]\nrole_arn = arn:aws:iam::210987654321:role/ops\nsource_profile = prod\nregion = eu-west-1\n"
);

macro_rules! long_term_secret {
    () => {
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    };
}

/// The secret key of CREDENTIALS, which must never reach stderr.
pub const LONG_TERM_SECRET: &str = long_term_secret!();

/// moto answers any key; these are AWS's documented example keys.
pub const CREDENTIALS: &str = concat!(
    "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ",
    long_term_secret!(),
    "\n"
);

/// The MFA code every run that needs one is given: moto takes any six digits.
pub const MFA_CODE: &str = "123456";

pub struct Sandbox {
    dir: tempfile::TempDir,
    /// The STS endpoint every run gets as AWS_ENDPOINT_URL_STS.
    pub endpoint: String,
}

impl Sandbox {
    /// A sandbox with `config` and `credentials`, talking to `endpoint`.
    pub fn new(endpoint: &str, config: &str, credentials: &str) -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join(".aws")).unwrap();
        let sandbox = Sandbox {
            dir,
            endpoint: endpoint.to_string(),
        };
        sandbox.write_config(config);
        sandbox.write_credentials(credentials);
        sandbox
    }

    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.home().join("cache")
    }

    pub fn config_path(&self) -> PathBuf {
        self.home().join(".aws/config")
    }

    pub fn credentials_path(&self) -> PathBuf {
        self.home().join(".aws/credentials")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_path(), text).unwrap();
    }

    pub fn write_credentials(&self, text: &str) {
        std::fs::write(self.credentials_path(), text).unwrap();
    }

    /// The cache entry files (`*.json`), sorted.
    pub fn cache_entries(&self) -> Vec<PathBuf> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(self.cache_dir())
            .map(|d| {
                d.filter_map(|e| Some(e.ok()?.path()))
                    .filter(|p| p.extension() == Some(OsStr::new("json")))
                    .collect()
            })
            .unwrap_or_default();
        entries.sort();
        entries
    }

    /// A `Command` for the runas binary with a clean environment: HOME, PATH, the cache
    /// folder, the STS endpoint, and no instance metadata lookups. The role session name is
    /// given (`alice`), so the STS calls a test counts are the credential calls alone: left to
    /// its default, the name of an IAM user's session costs a GetCallerIdentity on a cold role,
    /// which tests/mfa.rs covers.
    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_runas"));
        c.env_clear()
            .env("HOME", self.home())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("USER", "alice")
            .env("AWS_ROLE_SESSION_NAME", "alice")
            .env("RUNAS_CACHE_DIR", self.cache_dir())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL_STS", &self.endpoint)
            .current_dir(self.home());
        c
    }

    /// The shell words that start runas as `command` would, for a script: `env -i`, the
    /// sandbox's variables and `vars`, then the binary, each quoted.
    pub fn command_line(&self, vars: &[(&str, &str)]) -> String {
        let runas = self.command();
        let mut line = String::from("env -i");
        let set = runas.get_envs().filter_map(|(name, value)| Some((name, value?)));
        for (name, value) in set.chain(vars.iter().map(|(n, v)| (OsStr::new(n), OsStr::new(v)))) {
            let pair = format!("{}={}", name.to_str().unwrap(), value.to_str().unwrap());
            line.push(' ');
            line.push_str(&sh_quote(pair));
        }
        line.push(' ');
        line.push_str(&sh_quote(runas.get_program()));
        line
    }

    /// Run runas with `args` and extra variables; no stdin, so no terminal prompt can hang.
    /// Every run is checked for secrets on stderr (see `secrets`).
    pub fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let o = self
            .command()
            .args(args)
            .envs(vars.iter().copied())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        self.check_secrets(
            &format!("runas {args:?}"),
            &o,
            super::secrets::mfa_code(args, vars),
        );
        o
    }

    /// Panics when `o`'s stderr holds a secret: a known one, one in its stdout or in the
    /// cache, or the MFA `code`.
    pub fn check_secrets(&self, what: &str, o: &Output, code: Option<String>) {
        let mut secrets = super::secrets::secrets_in(&String::from_utf8_lossy(&o.stdout));
        secrets.extend(super::secrets::secrets_in_cache(&self.cache_dir()));
        secrets.extend(super::secrets::secrets_in_aws_file(&self.credentials_path()));
        secrets.extend(super::secrets::secrets_in_aws_file(&self.config_path()));
        super::secrets::assert_no_secrets(what, &o.stderr, &secrets, code.as_deref());
    }
}

/// PATH with the folder of the runas binary under test first, so scripts and shells say
/// `runas` as users do.
pub fn path_with_runas() -> std::ffi::OsString {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_runas"))
        .parent()
        .expect("the binary's folder");
    std::env::join_paths(
        std::iter::once(bin_dir.to_path_buf()).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )),
    )
    .expect("PATH")
}

impl Sandbox {
    /// What every real shell of the tests starts from: the sandbox's runas environment, with
    /// the binary under test first on PATH.
    pub fn shell_env(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        vec![
            ("HOME", self.home().into()),
            ("PATH", path_with_runas()),
            // The role session name comes from the user name, but fish 3.6 resets USER to the
            // passwd entry's: the explicit name keeps the cache key (and so the credentials)
            // the same in every shell. LOGNAME is given, or zsh adds it.
            ("USER", "alice".into()),
            ("LOGNAME", "alice".into()),
            ("AWS_ROLE_SESSION_NAME", "alice".into()),
            ("LC_ALL", "C.UTF-8".into()),
            ("RUNAS_CACHE_DIR", self.cache_dir().into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("AWS_ENDPOINT_URL_STS", self.endpoint.clone().into()),
        ]
    }
}

/// The environment in `env -0` output, by name.
pub fn parse_env0(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    bytes
        .split(|b| *b == 0)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let entry = std::str::from_utf8(entry).expect("UTF-8 environment");
            let (name, value) = entry.split_once('=').expect("NAME=value");
            (name.to_string(), value.to_string())
        })
        .collect()
}

/// `text` as one POSIX shell word.
pub fn sh_quote(text: impl AsRef<OsStr>) -> String {
    let text = text.as_ref().to_str().expect("UTF-8 path or value");
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// An AWS CLI command from the venv, in a clean environment with `vars`, for `sandbox`.
pub fn aws_cli(sandbox: &Sandbox, args: &[&str], vars: &[(String, String)]) -> Output {
    Command::new(super::venv_bin("aws"))
        .args(args)
        .env_clear()
        .env("HOME", sandbox.home())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_STS", &sandbox.endpoint)
        .envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// runas's one JSON style, AWS's own (what `aws` prints and credential_process reads): field
/// names in PascalCase, times in RFC 3339 UTC ending in `Z`. Checked at every depth of `value`;
/// `times` names the fields that hold a time.
pub fn assert_json_style(value: &serde_json::Value, times: &[&str]) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, field) in map {
                assert!(
                    key.starts_with(|c: char| c.is_ascii_uppercase())
                        && key.chars().all(|c| c.is_ascii_alphanumeric()),
                    "field {key:?} is not PascalCase in {value}"
                );
                if times.contains(&key.as_str()) {
                    let text = field
                        .as_str()
                        .unwrap_or_else(|| panic!("{key} is not a string: {field}"));
                    assert!(
                        text.ends_with('Z') && humantime::parse_rfc3339(text).is_ok(),
                        "{key} = {text:?} is not RFC 3339 UTC"
                    );
                }
                assert_json_style(field, times);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| assert_json_style(v, times)),
        _ => {}
    }
}

/// An error as runas reports one: exit 1, nothing on stdout, one line on stderr with `message`.
pub fn assert_error(o: &Output, message: &str) {
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(o));
    assert!(o.stdout.is_empty(), "stdout must stay empty: {:?}", stdout(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(message), "{err:?} should contain {message:?}");
}

/// Success with nothing on stderr.
pub fn assert_quiet_success(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}, stderr: {}",
        o.status.code(),
        stderr(o)
    );
    assert!(o.stderr.is_empty(), "stderr: {}", stderr(o));
}
