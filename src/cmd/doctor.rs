//! `runas doctor`: checks what users get wrong and says, one line per finding, how to fix it:
//! the two files (readable, parseable, credentials not readable by others), every profile
//! (it resolves: no loop, no missing source, no bad duration or ARN, keys somewhere), the
//! shell hook (loaded, still in the prompt hook list), the clock against STS's `Date` header
//! (SigV4 rejects requests more than 5 minutes off), and the cache folder's permissions.

use crate::config::{self, Files, Overrides, Paths};
use crate::sts::StsSettings;
use crate::{EnvMap, Result};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    /// Worth knowing, nothing to fix.
    Info,
    Warning,
    Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    pub text: String,
}

impl Finding {
    fn ok(text: impl Into<String>) -> Finding {
        Finding {
            level: Level::Ok,
            text: text.into(),
        }
    }
    fn info(text: impl Into<String>) -> Finding {
        Finding {
            level: Level::Info,
            text: text.into(),
        }
    }
    fn warning(text: impl Into<String>) -> Finding {
        Finding {
            level: Level::Warning,
            text: text.into(),
        }
    }
    fn problem(text: impl Into<String>) -> Finding {
        Finding {
            level: Level::Problem,
            text: text.into(),
        }
    }
}

/// Skew at which SigV4 starts rejecting requests.
const SKEW_LIMIT: Duration = Duration::from_secs(5 * 60);
/// Skew worth a warning: credentials look valid for a minute longer or shorter than they are.
const SKEW_WARNING: Duration = Duration::from_secs(60);

/// Run every check. `server_time` asks STS for its time (injected so tests need no network).
///
/// `env` is the environment as it is now; settings resolve against it as it was before runas
/// switched it, as every command resolves them.
pub fn check(env: &EnvMap, server_time: &dyn Fn(&StsSettings) -> Result<SystemTime>) -> Vec<Finding> {
    let original = crate::env::original(env);
    let mut findings = Vec::new();
    let paths = Paths::from_env(&original);
    let files = check_files(&paths, &mut findings);
    if let Some(files) = &files {
        check_sections(files, &mut findings);
        check_profiles(files, &original, &mut findings);
    }
    check_hook(env, &mut findings);
    check_fish_universals(&original, &mut findings);
    check_clock(files.as_ref(), env, &original, server_time, &mut findings);
    check_cache(&original, &mut findings);
    findings
}

/// Whether the report has a problem: `runas doctor` then exits 1.
pub fn has_problem(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.level == Level::Problem)
}

/// The report as printed: one line a finding, then a summary.
pub fn report(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let tag = match f.level {
            Level::Ok => "ok     ",
            Level::Info => "info   ",
            Level::Warning => "warning",
            Level::Problem => "problem",
        };
        out.push_str(&format!("{tag}  {}\n", crate::one_line(&f.text)));
    }
    let problems = findings.iter().filter(|f| f.level == Level::Problem).count();
    let warnings = findings.iter().filter(|f| f.level == Level::Warning).count();
    out.push_str(&match (problems, warnings) {
        (0, 0) => "no problems found\n".to_string(),
        (p, w) => format!("{p} problem(s), {w} warning(s)\n"),
    });
    out
}

fn check_files(paths: &Paths, findings: &mut Vec<Finding>) -> Option<Files> {
    for (what, path) in [("config", &paths.config), ("credentials", &paths.credentials)] {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                findings.push(Finding::warning(format!(
                    "{what} file {} does not exist",
                    path.display()
                )));
            }
            Err(e) => findings.push(Finding::problem(format!(
                "{what} file {} cannot be read ({e}); check its permissions",
                path.display()
            ))),
            Ok(meta) if what == "credentials" && meta.permissions().mode() & 0o077 != 0 => {
                findings.push(Finding::problem(format!(
                    "credentials file {} can be read by other users (mode {:o}); fix: chmod 600 {}",
                    path.display(),
                    meta.permissions().mode() & 0o777,
                    path.display()
                )));
            }
            Ok(meta) if meta.permissions().mode() & 0o022 != 0 => {
                findings.push(Finding::problem(format!(
                    "{what} file {} can be changed by other users (mode {:o}); fix: chmod 600 {}",
                    path.display(),
                    meta.permissions().mode() & 0o777,
                    path.display()
                )));
            }
            Ok(_) => {}
        }
    }
    match Files::load(paths) {
        Ok(files) => {
            let count = files.profile_names().len();
            let (config, credentials) = (paths.config.display(), paths.credentials.display());
            findings.push(if count == 0 {
                Finding::warning(format!(
                    "no profiles in {config} or {credentials}; add one (see the README's quick start)"
                ))
            } else {
                Finding::ok(format!("{config} and {credentials} parse: {count} profiles"))
            });
            Some(files)
        }
        Err(e) => {
            findings.push(Finding::problem(e.to_string()));
            None
        }
    }
}

/// Every setting a profile section may hold, for runas, the AWS CLI and the SDKs: a key close to
/// one of these (and not one of them) is likely a typo of it. Keys far from all of them belong
/// to some other tool and are left alone.
const KNOWN_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_account_id",
    "region",
    "output",
    "role_arn",
    "source_profile",
    "credential_source",
    "credential_process",
    "mfa_serial",
    "external_id",
    "role_session_name",
    "duration_seconds",
    "web_identity_token_file",
    "session_token_duration",
    "credentials_duration",
    "sso_session",
    "sso_account_id",
    "sso_role_name",
    "sso_start_url",
    "sso_region",
    "sso_registration_scopes",
    "endpoint_url",
    "services",
    "ignore_configured_endpoint_urls",
    "sts_regional_endpoints",
    "use_fips_endpoint",
    "use_dualstack_endpoint",
    "ca_bundle",
    "max_attempts",
    "retry_mode",
    "defaults_mode",
    "parameter_validation",
    "tcp_keepalive",
    "metadata_service_timeout",
    "metadata_service_num_attempts",
    "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode",
    "ec2_metadata_v1_disabled",
    "cli_pager",
    "cli_timestamp_format",
    "cli_follow_urlparam",
    "cli_binary_format",
    "cli_auto_prompt",
    "cli_history",
    "api_versions",
    "s3",
    "account_id_endpoint_mode",
    "request_checksum_calculation",
    "response_checksum_validation",
    "sigv4a_signing_region_set",
    "disable_request_compression",
    "request_min_compression_size_bytes",
];

/// Sections and keys written for another reader: `[prod]` in the config (a profile there is
/// `[profile prod]`), `[profile x]` in the credentials file (there it is `[x]`), a key one or two
/// letters from a known one, a `; comment` or `# comment` after a value (it stays part of the
/// value, as in the AWS CLI). Each with its file, line and fix.
fn check_sections(files: &Files, findings: &mut Vec<Finding>) {
    let config = files.config.path.display();
    let credentials = files.credentials.path.display();
    for section in &files.config.sections {
        let name = section.name.as_str();
        let known = name == "default"
            || ["profile ", "profile\t", "sso-session ", "services "]
                .iter()
                .any(|p| name.starts_with(p))
            || matches!(name, "plugins" | "preview");
        if !known {
            findings.push(Finding::problem(format!(
                "{config}:{}: [{name}] is not a profile in the config file; fix: [profile {name}]",
                section.line
            )));
        }
    }
    for section in &files.credentials.sections {
        if let Some(rest) = section.name.strip_prefix("profile ") {
            findings.push(Finding::problem(format!(
                "{credentials}:{}: [{}] in the credentials file is the profile {:?}; fix: [{}]",
                section.line,
                section.name,
                section.name,
                rest.trim()
            )));
        }
    }
    let profile_sections = files
        .config
        .sections
        .iter()
        .filter(|s| s.name == "default" || s.name.starts_with("profile"))
        .map(|s| (&config, s))
        .chain(files.credentials.sections.iter().map(|s| (&credentials, s)));
    for (path, section) in profile_sections {
        for entry in &section.entries {
            let key = entry.key.as_str();
            if !KNOWN_KEYS.contains(&key) && key.chars().count() >= 4 {
                let nearest = KNOWN_KEYS
                    .iter()
                    .map(|k| (strsim::damerau_levenshtein(key, k), *k))
                    .min();
                if let Some((_, known)) = nearest.filter(|(d, _)| *d <= 2) {
                    findings.push(Finding::warning(format!(
                        "{path}:{}: {key} is not a setting; did you mean {known}?",
                        entry.line
                    )));
                }
            }
            if key != "credential_process"
                && let Some(at) = entry.value.find([';', '#'])
                && at > 0
                && entry.value[..at].ends_with([' ', '\t'])
            {
                findings.push(Finding::problem(format!(
                    "{path}:{}: {key} = {:?}: the comment is part of the value (comments go on a \
                     line of their own); fix: {key} = {}",
                    entry.line,
                    entry.value,
                    entry.value[..at].trim_end()
                )));
            }
        }
    }
}

fn check_profiles(files: &Files, env: &EnvMap, findings: &mut Vec<Finding>) {
    let before = findings.len();
    for name in files.profile_names() {
        let resolved = config::resolve(files, env, &Overrides::default(), &name);
        // A profile of settings only (a region, an output format) is a place for settings.
        if let Ok(r) = &resolved
            && matches!(r.source, config::Source::Nothing)
            && r.roles.is_empty()
        {
            findings.push(Finding::info(format!(
                "profile {name:?} has settings but no credentials: fine as a place for settings; \
                 commands that need credentials fail for it"
            )));
            continue;
        }
        if let Ok(r) = &resolved
            && let config::Source::Sso(sso) = &r.source
            && r.base == name
        {
            check_sso_token(&name, sso, env, findings);
        }
        let problem = match resolved {
            Ok(resolved) => source_problem(&resolved),
            Err(e) => Some(e.to_string()),
        };
        if let Some(problem) = problem {
            findings.push(Finding::problem(problem));
        }
    }
    let problems = findings[before..].iter().any(|f| f.level != Level::Info);
    if !problems && !files.profile_names().is_empty() {
        findings.push(Finding::ok("every profile resolves to a source of credentials"));
    }
}

/// What keeps a resolved profile from getting credentials, checked without running anything:
/// a `credential_process` whose program cannot be found or run, a source runas cannot use.
fn source_problem(resolved: &config::Resolved) -> Option<String> {
    use crate::config::Source;
    match &resolved.source {
        Source::Keys(_) => None,
        Source::Process(command) => {
            let program = command.value.split_whitespace().next().unwrap_or("");
            let found = if program.contains('/') {
                is_executable(Path::new(program))
            } else {
                std::env::var_os("PATH").is_some_and(|path| {
                    std::env::split_paths(&path).any(|dir| is_executable(&dir.join(program)))
                })
            };
            (!found).then(|| {
                format!(
                    "profile {:?}: the credential_process program {program:?} ({}) is not an \
                     executable file on PATH; fix the command or install the program",
                    resolved.base, command.origin
                )
            })
        }
        Source::WebIdentity { token_file, .. } => {
            crate::sources::read_token(&resolved.base, &token_file.value)
                .err()
                .map(|e| e.to_string())
        }
        Source::InstanceMetadata { endpoint: None, .. } => Some(format!(
            "profile {:?}: credential_source = Ec2InstanceMetadata but AWS_EC2_METADATA_DISABLED is true",
            resolved.base
        )),
        Source::InstanceMetadata { .. } => None,
        Source::Container { url: None, .. } => Some(format!(
            "profile {:?}: credential_source = EcsContainer but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor _FULL_URI is set",
            resolved.base
        )),
        Source::Container { url: Some(url), .. } => {
            let allowed = crate::sources::http::host_port(url)
                .is_some_and(|(host, _)| crate::sources::ecs::allowed_host(&host));
            (!allowed).then(|| {
                format!(
                    "profile {:?}: the container endpoint {url} is not plain http to this machine or an ECS agent address; runas does not call it",
                    resolved.base
                )
            })
        }
        // Signing in is not a fault of the files: said by `check_sso_token` as a warning.
        Source::Sso(_) => None,
        Source::Unsupported { .. } | Source::Nothing => resolved.keys().err().map(|e| e.to_string()),
    }
}

/// An SSO profile's token: missing, spent, or expiring within the day is a warning that names
/// the command that signs in.
fn check_sso_token(profile: &str, sso: &config::Sso, env: &EnvMap, findings: &mut Vec<Finding>) {
    let login = crate::sources::sso::login_hint(profile);
    let now = crate::creds::epoch_now();
    match crate::sources::sso::token_expiry(env, sso) {
        None => findings.push(Finding::warning(format!(
            "profile {profile:?}: no SSO token for {} yet; run: {login}",
            sso.described()
        ))),
        Some(at) if at <= now => findings.push(Finding::warning(format!(
            "profile {profile:?}: {} has expired; run: {login}",
            sso.described()
        ))),
        Some(at) if at - now < 86_400 => findings.push(Finding::warning(format!(
            "profile {profile:?}: {} expires at {} (in {}); run {login} before then",
            sso.described(),
            crate::creds::rfc3339(at),
            crate::creds::short_duration(at - now)
        ))),
        Some(_) => {}
    }
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The hook's `runas` function passes `RUNAS_HOOK` (its shell) and `RUNAS_HOOK_ACTIVE` (yes
/// or no: is `_runas_hook` still in the prompt hook list) when it runs `runas doctor`. The hook
/// exports nothing, so a runas started any other way cannot tell whether the shell has it.
fn check_hook(env: &EnvMap, findings: &mut Vec<Finding>) {
    let Some(shell) = env.get("RUNAS_HOOK").filter(|s| !s.is_empty()) else {
        findings.push(Finding::warning(
            "runas doctor was not run through the shell hook's function, so the hook is not \
             loaded in this shell (or runas was called by its path): `runas use` and the prompt \
             refresh need it; fix: add eval \"$(runas init bash)\" (or zsh; fish: runas init \
             fish | source) to your rc file",
        ));
        return;
    };
    let shell = crate::one_line(shell);
    match env.get("RUNAS_HOOK_ACTIVE").map(String::as_str) {
        Some("yes") => findings.push(Finding::ok(format!(
            "the {shell} hook is loaded and in the prompt hook list"
        ))),
        _ => findings.push(Finding::problem(format!(
            "the {shell} hook is loaded but no longer in the prompt hook list (something reset \
             PROMPT_COMMAND, precmd or prompt after it); fix: load runas init last in your rc file"
        ))),
    }
}

/// fish keeps universal variables in `fish_variables`; an exported universal `AWS_PROFILE`
/// reaches every program started from fish, beside the keys a switch sets (botocore then looks
/// that profile up, the JS SDK ignores the keys), and fish 3.6 has no way to hide it for a
/// while. Only its name is read from the file, never a value.
fn check_fish_universals(env: &EnvMap, findings: &mut Vec<Finding>) {
    let config_home = match env.get("XDG_CONFIG_HOME").filter(|d| d.starts_with('/')) {
        Some(dir) => Path::new(dir).to_path_buf(),
        None => match env.get("HOME").filter(|d| d.starts_with('/')) {
            Some(home) => Path::new(home).join(".config"),
            None => return,
        },
    };
    let path = config_home.join("fish").join("fish_variables");
    let Ok(meta) = std::fs::metadata(&path) else {
        return;
    };
    // A regular file of a sane size only: a FIFO or a huge file is not fish's.
    if !meta.is_file() || meta.len() > 16 << 20 {
        return;
    }
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    for name in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
        let exported = text.lines().any(|line| {
            line.strip_prefix("SETUVAR --export ")
                .is_some_and(|rest| rest.split(':').next() == Some(name))
        });
        if exported {
            findings.push(Finding::problem(format!(
                "fish has a universal {name} (set -Ux) that every program started from fish \
                 sees, beside the credentials runas sets; fix: set -eU {name} (and use \
                 set -gx {name} in config.fish if you want it by default)"
            )));
        }
    }
}

fn check_clock(
    files: Option<&Files>,
    env: &EnvMap,
    original: &EnvMap,
    server_time: &dyn Fn(&StsSettings) -> Result<SystemTime>,
    findings: &mut Vec<Finding>,
) {
    // Ask the endpoint of the profile a command run here would use, else of `default`.
    let name = config::requested_profile(None, env).unwrap_or_else(|_| "default".into());
    let resolved =
        files.and_then(|files| config::resolve(files, original, &Overrides::default(), &name).ok());
    let settings = match &resolved {
        Some(profile) => StsSettings::for_profile(profile),
        // No such profile: the endpoint the environment names, as a command would call it.
        None => StsSettings {
            region: original
                .get("AWS_REGION")
                .cloned()
                .unwrap_or_else(|| crate::sts::DEFAULT_REGION.into()),
            endpoint_url: original
                .get("AWS_ENDPOINT_URL_STS")
                .or_else(|| original.get("AWS_ENDPOINT_URL"))
                .cloned(),
            legacy_global_endpoint: false,
            use_fips: false,
            use_dual_stack: false,
        },
    };
    let checked = match &resolved {
        Some(_) => format!(
            "profile {name:?}, {}",
            crate::sts::AwsSts::new(settings.clone()).endpoint_shown()
        ),
        None => crate::sts::AwsSts::new(settings.clone()).endpoint_shown(),
    };
    let now = SystemTime::now();
    match server_time(&settings) {
        Ok(server) => {
            let (skew, behind) = match server.duration_since(now) {
                Ok(ahead) => (ahead, true),
                Err(e) => (e.duration(), false),
            };
            let said = format!(
                "{}s {}",
                skew.as_secs(),
                if behind { "behind STS" } else { "ahead of STS" }
            );
            if skew >= SKEW_LIMIT {
                findings.push(Finding::problem(format!(
                    "this clock is {said}: STS rejects requests more than 5 minutes off; fix: enable time sync (NTP)"
                )));
            } else if skew >= SKEW_WARNING {
                findings.push(Finding::warning(format!(
                    "this clock is {said}: credentials expire that much earlier or later than shown; fix: enable time sync (NTP)"
                )));
            } else {
                findings.push(Finding::ok(format!(
                    "the clock agrees with STS (within {}s; {})",
                    skew.as_secs(),
                    crate::one_line(&checked)
                )));
            }
        }
        Err(e) => findings.push(Finding::warning(format!("clock not checked: {e}"))),
    }
}

fn check_cache(env: &EnvMap, findings: &mut Vec<Finding>) {
    let Some(dir) = crate::cache::cache_dir(env) else {
        findings.push(Finding::problem(crate::Error::NoCacheDir.to_string()));
        return;
    };
    let meta = match std::fs::metadata(&dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            findings.push(Finding::ok(format!(
                "cache folder {} will be made on first use",
                dir.display()
            )));
            return;
        }
        Err(e) => {
            findings.push(Finding::problem(format!("cache folder {}: {e}", dir.display())));
            return;
        }
    };
    let before = findings.len();
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        findings.push(Finding::problem(format!(
            "cache folder {} belongs to another user (uid {}); fix: remove it, runas makes a new one",
            dir.display(),
            meta.uid()
        )));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        findings.push(Finding::problem(format!(
            "cache folder {} is open to other users (mode {:o}); fix: chmod 700 {}",
            dir.display(),
            meta.permissions().mode() & 0o777,
            dir.display()
        )));
    }
    check_cache_files(&dir, findings);
    if findings.len() == before {
        findings.push(Finding::ok(format!("cache folder {} is private", dir.display())));
    }
}

fn check_cache_files(dir: &Path, findings: &mut Vec<Finding>) {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    let open: Vec<String> = listing
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter(|e| e.metadata().is_ok_and(|m| m.permissions().mode() & 0o077 != 0))
        .map(|e| e.path().display().to_string())
        .collect();
    if !open.is_empty() {
        findings.push(Finding::problem(format!(
            "{} cache file(s) are open to other users; fix: runas cache clear",
            open.len()
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    struct World {
        dir: tempfile::TempDir,
    }

    impl World {
        fn new(config: &str, credentials: &str) -> World {
            let dir = tempfile::tempdir().unwrap();
            fs::create_dir(dir.path().join(".aws")).unwrap();
            fs::write(dir.path().join(".aws/config"), config).unwrap();
            let creds = dir.path().join(".aws/credentials");
            fs::write(&creds, credentials).unwrap();
            fs::set_permissions(&creds, fs::Permissions::from_mode(0o600)).unwrap();
            fs::set_permissions(dir.path().join(".aws/config"), fs::Permissions::from_mode(0o644)).unwrap();
            World { dir }
        }

        fn env(&self, extra: &[(&str, &str)]) -> EnvMap {
            let mut env: EnvMap = [
                ("HOME".to_string(), self.dir.path().display().to_string()),
                (
                    "RUNAS_CACHE_DIR".to_string(),
                    self.dir.path().join("cache").display().to_string(),
                ),
                ("USER".to_string(), "alice".to_string()),
            ]
            .into();
            env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            env
        }
    }

    const KEYS: &str = "[default]\naws_access_key_id = AKIA0000000000000000\naws_secret_access_key = s\n";

    fn in_sync(_: &StsSettings) -> Result<SystemTime> {
        Ok(SystemTime::now())
    }

    fn problems(findings: &[Finding]) -> Vec<&str> {
        findings
            .iter()
            .filter(|f| f.level == Level::Problem)
            .map(|f| f.text.as_str())
            .collect()
    }

    #[test]
    fn a_healthy_setup_has_no_problems() {
        let w = World::new("[profile p]\nrole_arn = arn:aws:iam::123456789012:role/p\n", KEYS);
        let findings = check(
            &w.env(&[("RUNAS_HOOK", "bash"), ("RUNAS_HOOK_ACTIVE", "yes")]),
            &in_sync,
        );
        assert_eq!(problems(&findings), Vec::<&str>::new(), "{findings:?}");
        assert!(report(&findings).ends_with("no problems found\n"));
    }

    fn at(findings: &[Finding], level: Level) -> Vec<&str> {
        findings
            .iter()
            .filter(|f| f.level == level)
            .map(|f| f.text.as_str())
            .collect()
    }

    /// What a file written by hand, for another tool or for aws-runas, gets wrong: each is
    /// named with its line and the fix.
    #[test]
    fn files_written_for_another_reader_are_linted() {
        let w = World::new(
            "[default]\nregion = us-east-1 ; main region\n\
             [prod]\nrole_arn = arn:aws:iam::123456789012:role/p\nsource_profile = default\n\
             [profile dev]\nrole_arm = arn:aws:iam::123456789012:role/d\nsource_profil = default\n\
             [profile settings]\nregion = eu-west-1\noutput = json\ncolour = blue\n",
            &format!("{KEYS}[profile x]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n"),
        );
        let found = check(&w.env(&[]), &in_sync);
        let config = w.dir.path().join(".aws/config");
        let credentials = w.dir.path().join(".aws/credentials");
        let problems = problems(&found);
        let warnings = at(&found, Level::Warning);
        let has = |list: &[&str], part: &str| list.iter().any(|t| t.contains(part));
        assert!(
            has(
                &problems,
                &format!(
                    "{}:3: [prod] is not a profile in the config file; fix: [profile prod]",
                    config.display()
                )
            ),
            "{problems:?}"
        );
        assert!(
            has(
                &problems,
                &format!(
                    "{}:4: [profile x] in the credentials file is the profile \"profile x\"; fix: [x]",
                    credentials.display()
                )
            ),
            "{problems:?}"
        );
        assert!(
            has(
                &problems,
                &format!(
                    "{}:2: region = \"us-east-1 ; main region\": the comment is part of the value",
                    config.display()
                )
            ),
            "{problems:?}"
        );
        assert!(
            has(
                &warnings,
                &format!(
                    "{}:7: role_arm is not a setting; did you mean role_arn?",
                    config.display()
                )
            ),
            "{warnings:?}"
        );
        assert!(
            has(
                &warnings,
                "source_profil is not a setting; did you mean source_profile?"
            ),
            "{warnings:?}"
        );
        // A key of another tool, far from any of these, is left alone.
        assert!(!has(&warnings, "colour"), "{warnings:?}");
        // A profile of settings only is information, not a problem.
        assert!(!has(&problems, "\"settings\""), "{problems:?}");
        assert!(
            has(
                &at(&found, Level::Info),
                "profile \"settings\" has settings but no credentials"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn no_profiles_at_all_is_not_ok() {
        let w = World::new("", "");
        let found = check(&w.env(&[]), &in_sync);
        assert!(
            at(&found, Level::Warning)
                .iter()
                .any(|t| t.contains("no profiles")),
            "{found:?}"
        );
        assert!(
            !at(&found, Level::Ok).iter().any(|t| t.contains("0 profiles")),
            "{found:?}"
        );
    }

    #[test]
    fn a_credentials_file_readable_by_others_is_a_problem_with_the_fix() {
        let w = World::new("", KEYS);
        let creds = w.dir.path().join(".aws/credentials");
        fs::set_permissions(&creds, fs::Permissions::from_mode(0o644)).unwrap();
        let findings = check(&w.env(&[]), &in_sync);
        let expected = format!("fix: chmod 600 {}", creds.display());
        assert!(
            problems(&findings)
                .iter()
                .any(|p| p.contains("can be read by other users") && p.ends_with(&expected))
        );
    }

    #[test]
    fn profiles_that_point_at_missing_profiles_or_loop_are_named() {
        let w = World::new(
            "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = gone\n\
             [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = c\n\
             [profile c]\nrole_arn = arn:aws:iam::123456789012:role/c\nsource_profile = b\n",
            KEYS,
        );
        let found = check(&w.env(&[]), &in_sync);
        let p = problems(&found);
        assert!(
            p.iter()
                .any(|t| t.contains("source_profile \"gone\" does not exist")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|t| t.contains("source_profile loop b → c → b")),
            "{p:?}"
        );
    }

    #[test]
    fn a_malformed_file_is_a_problem() {
        let w = World::new("[default]\nnot a line\n", KEYS);
        assert!(
            problems(&check(&w.env(&[]), &in_sync))
                .iter()
                .any(|p| p.contains(":2: expected key = value"))
        );
    }

    #[test]
    fn the_hook_is_reported_missing_loaded_or_dropped() {
        let w = World::new("", KEYS);
        let text = |extra: &[(&str, &str)]| {
            check(&w.env(extra), &in_sync)
                .into_iter()
                .find(|f| f.text.contains("hook"))
                .unwrap()
        };
        assert_eq!(text(&[]).level, Level::Warning);
        assert_eq!(
            text(&[("RUNAS_HOOK", "zsh"), ("RUNAS_HOOK_ACTIVE", "yes")]).level,
            Level::Ok
        );
        let dropped = text(&[("RUNAS_HOOK", "zsh"), ("RUNAS_HOOK_ACTIVE", "no")]);
        assert_eq!(dropped.level, Level::Problem);
        assert!(dropped.text.contains("no longer in the prompt hook list"));
    }

    #[test]
    fn an_exported_universal_aws_profile_in_fish_is_a_problem() {
        let w = World::new("", KEYS);
        let fish = w.dir.path().join(".config/fish");
        fs::create_dir_all(&fish).unwrap();
        fs::write(
            fish.join("fish_variables"),
            "# This file contains fish universal variable definitions.\nSETUVAR __fish_initialized:3400\n\
             SETUVAR --export AWS_PROFILE:sso\\x2ddev\nSETUVAR AWS_DEFAULT_PROFILE:x\n",
        )
        .unwrap();
        let findings = check(&w.env(&[]), &in_sync);
        let found = problems(&findings);
        assert!(
            found
                .iter()
                .any(|p| p.contains("universal AWS_PROFILE") && p.contains("set -eU AWS_PROFILE")),
            "{found:?}"
        );
        // Unexported, it reaches no child: not a problem.
        assert!(
            !found.iter().any(|p| p.contains("AWS_DEFAULT_PROFILE")),
            "{found:?}"
        );
    }

    #[test]
    fn clock_skew_is_measured_against_sts() {
        let w = World::new("", KEYS);
        let skewed = |_: &StsSettings| Ok(SystemTime::now() + Duration::from_secs(600));
        let p = check(&w.env(&[]), &skewed);
        assert!(
            problems(&p)
                .iter()
                .any(|t| t.starts_with("this clock is 59") || t.starts_with("this clock is 600s behind STS")),
            "{p:?}"
        );
        let slightly = |_: &StsSettings| Ok(SystemTime::now() - Duration::from_secs(90));
        let f = check(&w.env(&[]), &slightly);
        assert!(
            f.iter()
                .any(|f| f.level == Level::Warning && f.text.contains("ahead of STS")),
            "{f:?}"
        );
    }

    #[test]
    fn the_clock_check_asks_the_configured_endpoint() {
        let w = World::new("[default]\nregion = eu-west-2\n", KEYS);
        let seen = std::cell::RefCell::new(None);
        let record = |s: &StsSettings| {
            *seen.borrow_mut() = Some(s.clone());
            Ok(SystemTime::now())
        };
        check(&w.env(&[("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1")]), &record);
        let s = seen.borrow().clone().unwrap();
        assert_eq!(
            (s.region.as_str(), s.endpoint_url.as_deref()),
            ("eu-west-2", Some("http://127.0.0.1:1"))
        );
    }

    /// An SSO profile's token: missing, spent, or expiring within the day is a warning naming
    /// `runas login`; one valid for days says nothing.
    #[test]
    fn an_sso_token_that_expires_within_the_day_is_a_warning() {
        let w = World::new(
            "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
             [profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n",
            KEYS,
        );
        let env = w.env(&[]);
        let token = |secs: u64| {
            let sso = match config::resolve(
                &Files::load(&Paths::from_env(&env)).unwrap(),
                &env,
                &Overrides::default(),
                "dev",
            )
            .unwrap()
            .source
            {
                config::Source::Sso(sso) => sso,
                other => panic!("{other:?}"),
            };
            let path = crate::sources::sso::token_path(&env, &sso);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            let doc = serde_json::json!({
                "accessToken": "t",
                "expiresAt": crate::creds::rfc3339(crate::creds::epoch_now() + secs),
            });
            fs::write(path, doc.to_string()).unwrap();
        };
        let sso_warnings = || -> Vec<String> {
            check(&env, &in_sync)
                .into_iter()
                .filter(|f| f.level == Level::Warning && f.text.contains("SSO session corp"))
                .map(|f| f.text)
                .collect()
        };
        let none = sso_warnings();
        assert!(
            none.len() == 1 && none[0].contains("no SSO token") && none[0].ends_with("run: runas login dev"),
            "{none:?}"
        );
        token(3 * 3600);
        let soon = sso_warnings();
        assert!(
            soon.len() == 1
                && soon[0].contains("expires at")
                && soon[0].ends_with("run runas login dev before then"),
            "{soon:?}"
        );
        token(3 * 86400);
        assert_eq!(sso_warnings(), Vec::<String>::new());
    }

    #[test]
    fn an_open_cache_folder_is_a_problem() {
        let w = World::new("", KEYS);
        let cache = w.dir.path().join("cache");
        fs::create_dir(&cache).unwrap();
        fs::set_permissions(&cache, fs::Permissions::from_mode(0o755)).unwrap();
        let p = check(&w.env(&[]), &in_sync);
        assert!(
            problems(&p)
                .iter()
                .any(|t| t.contains("is open to other users") && t.contains("chmod 700")),
            "{p:?}"
        );
        fs::set_permissions(&cache, fs::Permissions::from_mode(0o700)).unwrap();
        fs::write(cache.join("x.json"), "{}").unwrap();
        fs::set_permissions(cache.join("x.json"), fs::Permissions::from_mode(0o644)).unwrap();
        let p = check(&w.env(&[]), &in_sync);
        assert!(
            problems(&p)
                .iter()
                .any(|t| t.contains("1 cache file(s) are open")),
            "{p:?}"
        );
    }
}
