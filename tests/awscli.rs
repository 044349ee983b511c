//! The AWS CLI from PyPI (target/venv/bin/aws) against the same local STS (moto) as runas:
//! given the variables `runas env` exports, through `runas exec`, and with
//! `credential_process = runas env --format json prod`, `aws sts get-caller-identity` proves
//! that it holds prod's assumed-role credentials.

use crate::common;

use common::sandbox::{CONFIG, aws_cli, parse_env0, stderr, stdout};
use common::shells::DASH;
use common::world::World;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What GetCallerIdentity says for prod's role assumed by alice.
const PROD_ARN: &str = "arn:aws:sts::123456789012:assumed-role/prod/alice";

impl World {
    /// What runas needs when the AWS CLI starts it (`credential_process`) or when it is
    /// passed to the AWS CLI: the cache folder and the user name the session is named after.
    fn runas_vars(&self) -> Vec<(String, String)> {
        vec![
            ("USER".into(), "alice".into()),
            (
                "RUNAS_CACHE_DIR".into(),
                self.sandbox.cache_dir().to_str().expect("UTF-8 path").into(),
            ),
        ]
    }
}

/// The ARN in the JSON that `aws sts get-caller-identity --output json` printed.
fn caller_arn(o: &Output) -> String {
    assert!(
        o.status.success(),
        "aws sts get-caller-identity: status {}, stderr {}",
        o.status,
        stderr(o)
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(o)).expect("JSON from the AWS CLI");
    doc["Arn"].as_str().expect("Arn").to_string()
}

const CALLER_IDENTITY: [&str; 4] = ["sts", "get-caller-identity", "--output", "json"];

/// `runas env --shell sh prod` evaluated in dash (strict), started with `vars`: the
/// variables runas manages, as a child of that shell gets them.
fn exported_by_sh(world: &World, vars: &[(&str, &str)]) -> Vec<(String, String)> {
    let o = Command::new(DASH.path())
        .args(DASH.args)
        .args(["-c", "eval \"$(\"$RUNAS\" env --shell sh prod)\"; env -0"])
        .env_clear()
        .env("RUNAS", env!("CARGO_BIN_EXE_runas"))
        .env("HOME", world.sandbox.home())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("USER", "alice")
        .env("RUNAS_CACHE_DIR", world.sandbox.cache_dir())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_STS", &world.sandbox.endpoint)
        .envs(vars.iter().copied())
        .current_dir(world.sandbox.home())
        .stdin(Stdio::null())
        .output()
        .expect("run dash");
    assert!(o.status.success() && o.stderr.is_empty(), "dash: {}", stderr(&o));
    parse_env0(&o.stdout)
        .into_iter()
        .filter(|(k, _)| k.starts_with("AWS"))
        .filter(|(k, _)| k != "AWS_ENDPOINT_URL_STS" && k != "AWS_EC2_METADATA_DISABLED")
        .collect()
}

#[test]
fn the_aws_cli_given_the_exported_variables_is_the_assumed_role() {
    let world = World::new(CONFIG);
    world.warm();
    // The shell had a profile the config does not know: runas must take it away.
    let exported = exported_by_sh(&world, &[("AWS_PROFILE", "dev")]);
    let names: Vec<&str> = exported.iter().map(|(k, _)| k.as_str()).collect();
    assert!(names.contains(&"AWS_SECURITY_TOKEN"), "{names:?}");
    assert!(!names.contains(&"AWS_PROFILE"), "{names:?}");
    assert_eq!(
        caller_arn(&aws_cli(&world.sandbox, &CALLER_IDENTITY, &exported)),
        PROD_ARN
    );
}

#[test]
fn the_aws_cli_would_choke_on_the_aws_profile_runas_removes() {
    // The reason for the unset, seen here: with AWS_PROFILE naming a profile the config does
    // not have, next to the keys, botocore stops with ProfileNotFound.
    let world = World::new(CONFIG);
    world.warm();
    let mut exported = exported_by_sh(&world, &[]);
    exported.push(("AWS_PROFILE".into(), "dev".into()));
    let o = aws_cli(&world.sandbox, &CALLER_IDENTITY, &exported);
    assert!(!o.status.success(), "stdout {}", stdout(&o));
    assert!(stderr(&o).contains("dev"), "{}", stderr(&o));
}

#[test]
fn the_aws_cli_run_by_runas_exec_is_the_assumed_role() {
    let world = World::new(CONFIG);
    world.warm();
    let aws = common::venv_bin("aws");
    let aws = aws.to_str().expect("UTF-8 path");
    let with_profile: Vec<&str> = ["exec", "prod", "--", aws]
        .into_iter()
        .chain(CALLER_IDENTITY)
        .collect();
    let o = world.sandbox.run(&with_profile, &[("AWS_PROFILE", "dev")]);
    assert_eq!(caller_arn(&o), PROD_ARN);
    // And with the profile taken from AWS_PROFILE, the way `runas exec -- aws …` is used.
    let from_env: Vec<&str> = ["exec", "--", aws].into_iter().chain(CALLER_IDENTITY).collect();
    let o = world.sandbox.run(&from_env, &[("AWS_PROFILE", "prod")]);
    assert_eq!(caller_arn(&o), PROD_ARN);
}

/// A config with a profile whose credentials come from `runas env --format json prod`.
fn config_with_credential_process() -> String {
    let runas = env!("CARGO_BIN_EXE_runas");
    // botocore splits the line as a POSIX shell would (shlex): quote a path that needs it.
    let runas = if runas
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        runas.to_string()
    } else {
        format!("\"{}\"", runas.replace('\\', "\\\\").replace('"', "\\\""))
    };
    format!(
        "{CONFIG}\n[profile viaproc]\nregion = us-east-1\ncredential_process = {runas} env --format json prod\n"
    )
}

/// The role's cache entry (the one holding `access_key_id`) rewritten to expire `secs` from
/// now: the state a shell leaves behind after using the credentials for a while.
fn age_cache_entry(world: &World, access_key_id: &str, secs: u64) -> u64 {
    let expires = now() + secs;
    for path in world.sandbox.cache_entries() {
        let mut entry: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        if entry["credentials"]["access_key_id"] == access_key_id {
            entry["credentials"]["expiration"] = expires.into();
            // A plain write keeps the file and its 0600 mode.
            std::fs::write(&path, serde_json::to_vec(&entry).unwrap()).unwrap();
            return expires;
        }
    }
    panic!("no cache entry holds {access_key_id}");
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[test]
fn credential_process_output_lasts_15_minutes_even_with_a_short_min_ttl() {
    let world = World::new(&config_with_credential_process());
    let first = world.warm();
    let first_key = first["AccessKeyId"].as_str().unwrap();
    let planted = age_cache_entry(&world, first_key, 10 * 60);
    let short_ttl = [("RUNAS_MIN_TTL", "1m")];

    // For a shell, 10 minutes left is beyond the 1 minute window: the entry is used as it is.
    let o = world.sandbox.run(&["env", "--shell", "sh", "prod"], &short_ttl);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("export AWSRUNAS_EXPIRES='{planted}'\n")),
        "{}",
        stdout(&o)
    );

    // For credential_process it is not: SDKs keep the document and botocore asks again only
    // when under 15 minutes are left.
    let o = world
        .sandbox
        .run(&["env", "--format", "json", "prod"], &short_ttl);
    assert!(o.status.success() && o.stderr.is_empty(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    crate::common::sandbox::assert_json_style(&doc, &["Expiration"]);
    assert_eq!(doc["Version"], 1, "{doc}");
    for key in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
        assert!(doc[key].as_str().is_some_and(|v| !v.is_empty()), "{key} in {doc}");
    }
    assert_ne!(doc["AccessKeyId"], first["AccessKeyId"], "fresh credentials");
    let expiration = doc["Expiration"].as_str().expect("Expiration");
    assert!(expiration.ends_with('Z'), "{expiration}");
    let expires = humantime::parse_rfc3339(expiration).expect("RFC 3339");
    let left = expires.duration_since(SystemTime::now()).unwrap_or_default();
    assert!(
        left >= Duration::from_secs(15 * 60),
        "{expiration}: only {left:?} left"
    );
}

#[test]
fn the_aws_cli_with_runas_as_credential_process_is_the_assumed_role() {
    let world = World::new(&config_with_credential_process());
    world.warm();
    let mut vars = world.runas_vars();
    vars.push(("AWS_PROFILE".into(), "viaproc".into()));
    vars.push(("RUNAS_MIN_TTL".into(), "1m".into()));
    assert_eq!(
        caller_arn(&aws_cli(&world.sandbox, &CALLER_IDENTITY, &vars)),
        PROD_ARN
    );
}

/// `-c`: the credentials also land in the credentials file as `[prod-awsrunas]`, which the AWS
/// CLI reads as a profile of its own; the rest of the file stays byte for byte, and 20 runs
/// writing at once (each its own section) leave a file with all of them.
#[test]
fn write_credentials_adds_a_section_the_aws_cli_reads_and_keeps_the_rest() {
    use crate::common::moto::Moto;
    use crate::common::sandbox::{CREDENTIALS, MFA_CODE, Sandbox};
    let moto = Moto::start();
    let mut config = CONFIG.to_string();
    for i in 0..20 {
        config.push_str(&format!(
            "\n[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = default\n"
        ));
    }
    let original = format!(
        "# keep this comment\n{CREDENTIALS}\n; and this one\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = o\n"
    );
    let sandbox = Sandbox::new(&moto.endpoint(), &config, &original);
    let file = sandbox.home().join(".aws/credentials");
    let o = sandbox.run(&["env", "prod", "-c", "-o", MFA_CODE, "--shell", "sh"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with(&original),
        "the rest stays byte for byte:\n{text}"
    );
    assert!(
        text.contains("\n[prod-awsrunas]\naws_access_key_id = ASIA"),
        "{text}"
    );
    let cli = aws_cli(
        &sandbox,
        &[
            "sts",
            "get-caller-identity",
            "--profile",
            "prod-awsrunas",
            "--output",
            "json",
        ],
        &[("AWS_DEFAULT_REGION".into(), "us-east-1".into())],
    );
    assert_eq!(caller_arn(&cli), PROD_ARN);

    // 20 at once, each its own section (all served from the cache: p* share prod's role).
    let children: Vec<_> = (0..20)
        .map(|i| {
            sandbox
                .command()
                .args(["env", &format!("p{i}"), "--format", "json", "--no-prompt"])
                .env("RUNAS_WRITE_CREDENTIALS", "true")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with(&original), "{text}");
    for i in 0..20 {
        assert_eq!(
            text.matches(&format!("\n[p{i}-awsrunas]\n")).count(),
            1,
            "p{i}: {text}"
        );
    }
    assert_eq!(text.matches("[prod-awsrunas]").count(), 1);
    // And the AWS CLI still reads the whole file.
    let cli = aws_cli(
        &sandbox,
        &[
            "sts",
            "get-caller-identity",
            "--profile",
            "p7-awsrunas",
            "--output",
            "json",
        ],
        &[("AWS_DEFAULT_REGION".into(), "us-east-1".into())],
    );
    assert_eq!(caller_arn(&cli), PROD_ARN);
}
