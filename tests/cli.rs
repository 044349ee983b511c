//! The binary as users meet it, without STS: profiles, settings, errors and exit codes.

use crate::common::sandbox::{assert_error, assert_json_style, stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new(config: &str, credentials: &str) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".aws")).unwrap();
        std::fs::write(dir.path().join(".aws/config"), config).unwrap();
        std::fs::write(dir.path().join(".aws/credentials"), credentials).unwrap();
        Sandbox { dir }
    }

    fn home(&self) -> &Path {
        self.dir.path()
    }

    fn runas(&self, args: &[&str]) -> Output {
        self.runas_env(args, &[])
    }

    fn runas_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_runas"))
            .args(args)
            .env_clear()
            .env("HOME", self.home())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("RUNAS_CACHE_DIR", self.home().join("cache"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            // Nothing listens here: a test that reaches STS by mistake fails fast.
            .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
            .envs(vars.iter().copied())
            .output()
            .unwrap()
    }
}

const CONFIG: &str = "[default]\nregion = us-east-1\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\n\
    [profile prod]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = default\n\
    [profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = prod\n";
const CREDS: &str =
    "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI\n";

#[test]
fn list_prints_every_profile_with_its_kind() {
    let s = Sandbox::new(CONFIG, CREDS);
    let o = s.runas(&["list"]);
    assert!(o.status.success());
    assert_eq!(
        stdout(&o),
        "default  keys\nops      role via chain  arn:aws:iam::123456789012:role/ops\nprod     role  arn:aws:iam::123456789012:role/prod\n"
    );
    assert_eq!(stdout(&s.runas(&["ls"])), stdout(&o), "ls is an alias");
}

#[test]
fn list_with_no_profiles_says_where_it_looked() {
    let s = Sandbox::new("", "");
    let o = s.runas(&["list"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no profiles in") && err.contains(".aws/config"),
        "{err}"
    );
    // Completion and tools get nothing but their empty answer.
    assert!(s.runas(&["list", "--names"]).stderr.is_empty());
    assert_eq!(stdout(&s.runas(&["list", "--json"])), "[]\n");
}

#[test]
fn list_json_is_for_tools() {
    let s = Sandbox::new(CONFIG, CREDS);
    let o = s.runas(&["list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_json_style(&v, &[]);
    assert_eq!(v[1]["Name"], "ops");
    assert_eq!(v[1]["Kind"], "chain");
    assert_eq!(v[1]["SourceProfile"], "prod");
    assert_eq!(v[1]["RoleArn"], "arn:aws:iam::123456789012:role/ops");
    assert_eq!(v[0]["Kind"], "keys");
}

#[test]
fn config_shows_where_each_setting_came_from_and_no_secret() {
    let s = Sandbox::new(CONFIG, CREDS);
    let o = s.runas_env(&["config", "prod", "-d", "2h"], &[("AWS_REGION", "eu-west-3")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("AKIA…MPLE"), "{out}");
    assert!(
        !out.contains("AKIAIOSFODNN7EXAMPLE") && !out.contains("wJalr"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("region") && l.contains("eu-west-3") && l.ends_with("env AWS_REGION")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("session_token_duration")
            && l.contains("2h")
            && l.ends_with("flag -d/--duration")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("mfa_serial") && l.ends_with("[default]")),
        "{out}"
    );
    assert_eq!(
        stdout(&s.runas(&["diagnose", "prod"])).lines().count(),
        out.lines().count(),
        "diagnose is an alias"
    );
}

#[test]
fn aws_profile_is_the_profile_when_none_is_named() {
    let s = Sandbox::new(CONFIG, CREDS);
    let o = s.runas_env(&["config"], &[("AWS_PROFILE", "ops")]);
    assert!(
        stdout(&o).starts_with("profile                 ops\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn unknown_profile_suggests_the_nearest_name() {
    let s = Sandbox::new(CONFIG, CREDS);
    assert_error(
        &s.runas(&["env", "prdo"]),
        "runas: unknown profile \"prdo\"; did you mean \"prod\"?",
    );
    assert_error(
        &s.runas(&["exec", "prdo", "--", "true"]),
        "unknown profile \"prdo\"",
    );
    assert_error(
        &s.runas(&["config", "nope"]),
        "unknown profile \"nope\"; run runas list to see the profiles",
    );
}

#[test]
fn no_profile_is_a_clear_error() {
    let s = Sandbox::new(CONFIG, CREDS);
    assert_error(
        &s.runas(&["env"]),
        "no profile given; name one (runas env PROFILE) or set AWS_PROFILE",
    );
}

#[test]
fn malformed_files_name_the_file_and_line() {
    let s = Sandbox::new("[default]\nregion\n", "");
    let path = s.home().join(".aws/config");
    assert_error(
        &s.runas(&["list"]),
        &format!("{}:2: expected key = value", path.display()),
    );
}

#[test]
fn a_source_profile_loop_is_named() {
    let s = Sandbox::new(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n",
        "",
    );
    assert_error(
        &s.runas(&["env", "a"]),
        "profile \"a\": source_profile loop a → b → a",
    );
}

#[test]
fn bad_durations_are_errors_and_out_of_range_ones_warn() {
    let s = Sandbox::new(CONFIG, CREDS);
    assert_error(
        &s.runas(&["config", "prod", "-a", "3600"]),
        "credentials_duration = \"3600\" is not a duration",
    );
    let o = s.runas(&["config", "prod", "-a", "24h"]);
    assert!(o.status.success());
    assert_eq!(
        stderr(&o),
        "runas: warning: credentials_duration 24h (flag -a/--role-duration) is outside 15m–12h; using 12h\n"
    );
}

#[test]
fn a_bad_mfa_code_is_refused_before_any_call() {
    let s = Sandbox::new(CONFIG, CREDS);
    assert_error(
        &s.runas(&["env", "prod", "-o", "12345"]),
        "MFA code must be 6 digits",
    );
    assert_error(
        &s.runas_env(&["env", "prod"], &[("MFA_CODE", "abcdef")]),
        "MFA code must be 6 digits",
    );
}

#[test]
fn usage_errors_exit_2() {
    let s = Sandbox::new(CONFIG, CREDS);
    let o = s.runas(&["env", "--shell", "tcsh", "prod"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert_eq!(
        s.runas(&["exec", "prod"]).status.code(),
        Some(2),
        "exec needs a command"
    );
}

#[test]
fn unset_without_a_switch_changes_nothing_and_says_so() {
    let s = Sandbox::new("", "");
    let o = s.runas_env(
        &["unset", "--shell", "sh"],
        &[("AWS_PROFILE", "dev"), ("AWS_REGION", "us-west-1")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "nothing to evaluate");
    assert_eq!(
        stderr(&o),
        "runas: nothing to undo: this shell has not switched to a profile\n"
    );
}

#[test]
fn unset_in_a_switched_shell_removes_every_managed_variable() {
    let s = Sandbox::new("", "");
    let o = s.runas_env(&["unset", "--shell", "sh"], &[("AWSRUNAS_PROFILE", "prod")]);
    assert!(o.status.success());
    let out = stdout(&o);
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SESSION_TOKEN",
        "AWSRUNAS_PROFILE",
        "AWSRUNAS_SESSION",
        "AWS_PROFILE",
    ] {
        assert!(out.contains(&format!("unset {name}\n")), "{out}");
    }
    // What the shell saved, it hands back to this binary when the output runs.
    assert!(
        out.ends_with(&format!(
            "if [ -n \"${{_runas_saved+x}}\" ]; then eval \"$(RUNAS_SAVED=\"$_runas_saved\" '{}' unset --shell sh)\"; fi\n",
            env!("CARGO_BIN_EXE_runas")
        )),
        "{out}"
    );
}

#[test]
fn use_without_the_hook_says_how_to_load_it_even_with_flags() {
    let s = Sandbox::new(CONFIG, CREDS);
    for args in [&["use", "prod"][..], &["use", "prod", "-o", "123456"], &["off"]] {
        let o = s.runas(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty());
        assert!(
            stderr(&o).contains("works through the shell hook, which is not loaded in this shell; add eval \"$(runas init bash)\""),
            "{}",
            stderr(&o)
        );
    }
}

/// What aws-runas took (`aws-runas [flags] PROFILE [COMMAND…]`) gets the runas line to type,
/// in one line, with status 2 and nothing on stdout.
#[test]
fn aws_runas_habits_get_the_runas_line_to_type() {
    let s = Sandbox::new(CONFIG, CREDS);
    for (args, says) in [
        (&["prod"][..], "prod is a profile, not a command: runas env prod"),
        (
            &["prod", "aws", "s3", "ls"],
            "to run a command as prod: runas exec prod -- aws s3 ls",
        ),
        (
            &["-O", "json", "prod"],
            "prod is a profile, not a command: runas env -O json prod",
        ),
        (
            &["-s", "prod", "terraform", "plan"],
            "runas exec -s prod -- terraform plan",
        ),
        (
            &["arn:aws:iam::123456789012:role/x"],
            "runas env arn:aws:iam::123456789012:role/x",
        ),
        (
            &["exec", "prod", "aws", "sts", "get-caller-identity"],
            "exec takes the command after --: runas exec prod -- aws sts get-caller-identity",
        ),
        (
            &["exec", "-o", "123456", "prod", "echo", "it's"],
            "runas exec -o 123456 prod -- echo 'it'\\''s'",
        ),
    ] {
        let o = s.runas(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{args:?}: {}", stderr(&o));
    }
    // A word that is no profile keeps clap's own message.
    let o = s.runas(&["prdo"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unrecognized subcommand 'prdo'"),
        "{}",
        stderr(&o)
    );
}

/// `--profile NAME` where a profile is taken, as the AWS CLI has it; `diag` and `--output`/`-O
/// env` as aws-runas has them.
#[test]
fn profile_output_and_diag_are_taken_as_aws_users_type_them() {
    let s = Sandbox::new(CONFIG, CREDS);
    let plain = s.runas(&["config", "prod"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    for args in [
        &["config", "--profile", "prod"][..],
        &["diag", "prod"],
        &["config", "--profile=prod"],
    ] {
        let o = s.runas(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), stdout(&plain), "{args:?}");
    }
    let both = s.runas(&["config", "prod", "--profile", "ops"]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
    assert!(stderr(&both).contains("cannot be used with"), "{}", stderr(&both));
}

/// The message for a missing profile names the command that was run.
#[test]
fn no_profile_names_the_command_that_was_run() {
    let s = Sandbox::new(CONFIG, CREDS);
    for command in ["config", "exec"] {
        let mut args = vec![command];
        if command == "exec" {
            args.extend(["--", "true"]);
        }
        assert_error(
            &s.runas(&args),
            &format!("no profile given; name one (runas {command} PROFILE) or set AWS_PROFILE"),
        );
    }
}

/// A config or credentials file that a variable names and that does not exist is an empty file
/// (as in every SDK), but it is named wherever that is the likely reason nothing is found.
#[test]
fn a_missing_file_named_by_a_variable_is_named() {
    let s = Sandbox::new(CONFIG, CREDS);
    let gone = s.home().join("gone");
    let gone = gone.to_str().unwrap();
    assert_error(
        &s.runas_env(&["config", "prod"], &[("AWS_CONFIG_FILE", gone)]),
        &format!("unknown profile \"prod\" (AWS_CONFIG_FILE={gone}: no such file)"),
    );
    let o = s.runas_env(
        &["list"],
        &[("AWS_CONFIG_FILE", gone), ("AWS_SHARED_CREDENTIALS_FILE", gone)],
    );
    assert!(o.status.success());
    assert!(
        stderr(&o).contains(&format!(
            "AWS_CONFIG_FILE={gone}: no such file; AWS_SHARED_CREDENTIALS_FILE={gone}: no such file"
        )),
        "{}",
        stderr(&o)
    );
    // The default files are not worth a word when missing.
    let o = s.runas_env(&["config", "nope"], &[]);
    assert!(!stderr(&o).contains("no such file"), "{}", stderr(&o));
}

/// An endpoint without a scheme is one line that says how to write it, before any call.
#[test]
fn an_endpoint_without_a_scheme_is_one_line() {
    let s = Sandbox::new(CONFIG, CREDS);
    for args in [&["config", "prod"][..], &["env", "prod", "-o", "123456"]] {
        assert_error(
            &s.runas_env(args, &[("AWS_ENDPOINT_URL_STS", "localhost:4566")]),
            "env AWS_ENDPOINT_URL_STS: endpoint_url = \"localhost:4566\" is not valid: an endpoint \
             URL starts with its scheme: write https://localhost:4566 (or http:// for a local server)",
        );
    }
    let config = format!(
        "{CONFIG}[services local]\nsts =\n  endpoint_url = 127.0.0.1:9\n[profile l]\nservices = local\nsource_profile = default\n"
    );
    let s = Sandbox::new(&config, CREDS);
    // (The sandbox's own AWS_ENDPOINT_URL_STS, emptied, is no endpoint.)
    let o = s.runas_env(&["config", "l"], &[("AWS_ENDPOINT_URL_STS", "")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("write https://127.0.0.1:9"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
}

/// doctor prints its whole report either way, and exits 1 when it reports a problem, so a
/// script or CI job can run it as a check.
#[test]
fn doctor_exits_1_when_it_reports_a_problem() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new(CONFIG, CREDS);
    let creds = s.home().join(".aws/credentials");
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = s.runas(&["doctor"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("problem  "), "{}", stdout(&o));
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = s.runas(&["doctor"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("problem  credentials file"), "{}", stdout(&o));
    let summary = stdout(&o).lines().last().unwrap().to_string();
    assert!(summary.starts_with("1 problem(s), "), "{summary}");
    assert!(o.stderr.is_empty(), "the report is the output: {}", stderr(&o));
}
