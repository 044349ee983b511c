//! Secrets: no secret access key, session token or MFA code on stderr in any mode,
//! none on the command line of any process runas or its shell hook starts, and cache files
//! 0600 in a 0700 folder whatever the umask.
//!
//! Every run through `Sandbox::run` (most of the suite) already fails on a secret on stderr
//! (tests/common/secrets.rs); this file drives every command and error path on purpose, then
//! checks all their stderrs again against every secret known at the end.

use crate::common;

use common::mode;
use common::moto::Moto;
use common::sandbox::{CONFIG, CREDENTIALS, MFA_CODE, Sandbox, stderr, stdout};
use common::secrets::{KNOWN, assert_no_secrets, mfa_code, secrets_in, secrets_in_cache};
use common::stub::{Answer, Stub};
use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A code STS turns down (the stub says so): it must not be echoed in the error either.
const REJECTED_CODE: &str = "654321";
/// Variables that turn on debug output in Rust programs and the AWS SDKs: runas has no
/// verbose mode, and these must not make one.
const DEBUG_VARS: &[(&str, &str)] = &[
    ("RUST_LOG", "trace"),
    ("RUST_BACKTRACE", "full"),
    ("AWS_LOG_LEVEL", "trace"),
    ("SMITHY_LOG", "trace"),
];

fn with_debug<'a>(vars: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    DEBUG_VARS.iter().chain(vars).copied().collect()
}

// ---------------------------------------------------------------------------------------------
// The check itself must be able to fail.

#[test]
fn the_check_finds_secrets_and_codes_and_skips_key_ids_hex_and_account_ids() {
    let out = "export AWS_ACCESS_KEY_ID='ASIAIOSFODNN7EXAMPLE'\n\
               export AWS_SECRET_ACCESS_KEY='abcdEFGH/1234+5678ijklMNOP'\n\
               path=/c/0123456789abcdef0123456789abcdef.json arn:aws:iam::123456789012:role/prod";
    assert_eq!(secrets_in(out), vec!["abcdEFGH/1234+5678ijklMNOP".to_string()]);
    let caught = |stderr: &'static str, secrets: Vec<String>, code: Option<&'static str>| {
        std::panic::catch_unwind(move || assert_no_secrets("t", stderr.as_bytes(), &secrets, code)).is_err()
    };
    assert!(caught(
        "runas: x abcdEFGH/1234+5678ijklMNOP",
        secrets_in(out),
        None
    ));
    assert!(caught("runas: code 123456 was rejected", vec![], Some("123456")));
    assert!(caught(KNOWN[0], vec![], None));
    assert!(!caught(
        "arn:aws:iam::123456789012:mfa/alice",
        vec![],
        Some("123456")
    ));
    assert!(!caught("runas: all fine", secrets_in(out), Some("123456")));
    assert_eq!(mfa_code(&["env", "-o", "111111"], &[]).as_deref(), Some("111111"));
    assert_eq!(mfa_code(&["env", "--otp=222222"], &[]).as_deref(), Some("222222"));
    assert_eq!(
        mfa_code(&["env"], &[("MFA_CODE", "333333")]).as_deref(),
        Some("333333")
    );
}

// ---------------------------------------------------------------------------------------------
// stderr

/// Every command, output form and failure runas has, with the debug variables set. Each run
/// is checked as it happens (by `Sandbox::run`) and again at the end, against every secret
/// the cache and the outputs held by then.
#[test]
fn no_secret_or_mfa_code_reaches_stderr_in_any_mode() {
    let moto = Moto::start();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let mut runs: Vec<(String, Output, Option<String>)> = Vec::new();
    let mut run = |args: &[&str], vars: &[(&str, &str)], ok: bool| {
        let o = sandbox.run(args, &with_debug(vars));
        assert_eq!(o.status.success(), ok, "runas {args:?}: {}", stderr(&o));
        runs.push((format!("{args:?}"), o, mfa_code(args, vars)));
    };

    // Cold, with the expiration on stderr, then warm in every shell and the JSON form.
    run(&["env", "ops", "-o", MFA_CODE, "-e", "--shell", "sh"], &[], true);
    for shell in ["sh", "bash", "zsh", "fish", "pwsh"] {
        run(&["env", "ops", "-e", "--shell", shell], &[], true);
    }
    run(&["env", "prod", "--format", "json", "-e"], &[], true);
    run(&["env", "prod", "-s", "-e", "--shell", "bash"], &[], true);
    run(&["env", "prod", "-r", "-e", "--shell", "bash"], &[], true);
    // Every decision, and the SDK's own events, cold and warm.
    run(
        &[
            "env", "prod", "-vv", "-r", "-s", "-o", MFA_CODE, "--shell", "bash",
        ],
        &[],
        true,
    );
    run(&["env", "ops", "-vv", "-r", "--shell", "bash"], &[], true);
    run(&["whoami", "ops", "-vv"], &[], true);
    run(&["env", "ops", "--shell", "bash"], &[("MFA_CODE", "")], true);
    // Other commands.
    run(&["exec", "ops", "--", "true"], &[], true);
    run(&["whoami", "ops"], &[], true);
    run(&["whoami", "prod", "--json"], &[], true);
    run(&["config", "ops"], &[], true);
    run(&["list"], &[], true);
    // Exits 1: it reports the sandbox's credentials file, readable by others (0644).
    run(&["doctor"], &[], false);
    run(&["unset", "--shell", "bash"], &[], true);
    // Failures that hold a secret or a code close by.
    run(&["env", "prod", "-r", "-s", "-o", "12345"], &[], false);
    run(&["env", "prod", "-r", "-s", "-o", "12345a"], &[], false);
    run(&["env", "prod", "-r", "-s"], &[("MFA_CODE", "1234567")], false);
    run(&["exec", "ops", "--", "/nonexistent/program"], &[], false);
    run(&["exec", "ops", "--", "sh", "-c", "exit 3"], &[], false);
    run(&["env", "nope"], &[], false);
    run(&["cache", "clear"], &[], true);
    run(&["env", "prod", "--no-prompt"], &[], false);

    // The credentials file broken around its secret.
    let broken = [
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n[default]\n",
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        "[default] aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        "[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    ];
    for text in broken {
        sandbox.write_credentials(text);
        for args in [
            &["env", "prod", "-o", MFA_CODE][..],
            &["config", "prod"],
            &["list"],
            &["doctor"],
        ] {
            let o = sandbox.run(args, &with_debug(&[]));
            runs.push((
                format!("{args:?} with credentials {text:?}"),
                o,
                Some(MFA_CODE.into()),
            ));
        }
    }
    sandbox.write_credentials(CREDENTIALS);

    let mut secrets: Vec<String> = secrets_in_cache(&sandbox.cache_dir());
    for (_, o, _) in &runs {
        secrets.extend(secrets_in(&stdout(o)));
    }
    assert!(
        secrets.len() >= 4,
        "the runs gave secrets to look for: {secrets:?}"
    );
    for (what, o, code) in &runs {
        assert_no_secrets(what, &o.stderr, &secrets, code.as_deref());
    }
}

/// A code STS rejects and an STS error after the code was sent: the code is in neither.
#[test]
fn a_rejected_mfa_code_is_not_repeated_in_the_error() {
    let stub = Stub::start(vec![Answer::sts_error(
        403,
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
    )]);
    let sandbox = Sandbox::new(&stub.endpoint(), CONFIG, CREDENTIALS);
    for (args, vars) in [
        (vec!["env", "prod", "-o", REJECTED_CODE], vec![]),
        (
            vec!["env", "prod", "--format", "json"],
            vec![("MFA_CODE", REJECTED_CODE)],
        ),
        (vec!["whoami", "ops", "-o", REJECTED_CODE], vec![]),
    ] {
        let o = sandbox.run(&args, &with_debug(&vars));
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("AccessDenied"), "{}", stderr(&o));
        assert!(!stderr(&o).contains(REJECTED_CODE), "{}", stderr(&o));
    }
    assert!(stub.hits() >= 3);
}

// ---------------------------------------------------------------------------------------------
// Command lines

/// `strace` that may trace here, or None (scripts/test installs it; a container may forbid
/// ptrace).
fn strace() -> Option<&'static str> {
    let ok = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=execve", "-o", "/dev/null", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("strace is missing or cannot trace here: skipped (scripts/test installs it)");
    }
    ok.then_some("strace")
}

/// The argument vectors of every `execve` under `command`, traced with strace. The
/// environment is not printed (no `-v`): it is where credentials belong.
fn exec_args(command: Command, trace: &Path) -> (Output, String) {
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let mut traced = Command::new("strace");
    traced
        .args(["-f", "-qq", "-s", "65536", "-e", "trace=execve", "-o"])
        .arg(trace)
        .arg(program)
        .args(args)
        .env_clear()
        .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .stdin(Stdio::null());
    if let Some(dir) = command.get_current_dir() {
        traced.current_dir(dir);
    }
    let o = traced.output().unwrap();
    let lines = fs::read_to_string(trace).unwrap();
    (o, lines)
}

#[test]
fn no_secret_is_on_the_command_line_of_any_process_runas_or_its_hooks_start() {
    if strace().is_none() {
        return;
    }
    let moto = Moto::start();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let warm = sandbox.run(&["env", "ops", "-o", MFA_CODE, "--shell", "sh"], &[]);
    assert!(warm.status.success(), "{}", stderr(&warm));
    let path = common::sandbox::path_with_runas();
    // The user had keys of their own in the shell before: they are saved for `off`, and must
    // not travel on a command line either.
    let own_secret = "UsersOwnSecretKeyFromBeforeRunasUse0000/+";
    let scripts = [
        (
            "sh",
            vec![
                "-c",
                "exec runas exec ops -- sh -c 'test -n \"$AWS_SESSION_TOKEN\" && env >/dev/null'",
            ],
        ),
        (
            "bash",
            vec![
                "--norc",
                "-c",
                "eval \"$(runas init bash)\"; runas use ops && runas use prod -r && _runas_hook; \
                 aws_ok=$AWS_SECRET_ACCESS_KEY; runas off; test -n \"$aws_ok\"",
            ],
        ),
        (
            "zsh",
            vec![
                "-f",
                "-c",
                "eval \"$(runas init zsh)\"; runas use ops && runas use prod -r && _runas_hook; \
                 aws_ok=$AWS_SECRET_ACCESS_KEY; runas off; test -n \"$aws_ok\"",
            ],
        ),
        (
            "fish",
            vec![
                "--no-config",
                "-c",
                "runas init fish | source; runas use ops; and runas use prod -r; and _runas_hook; \
                 set aws_ok $AWS_SECRET_ACCESS_KEY; runas off; test -n \"$aws_ok\"",
            ],
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let mut traced = 0;
    for (shell, args) in scripts {
        if Command::new(shell).arg("-c").arg("true").output().is_err() {
            eprintln!("{shell} is not installed: skipped (scripts/test installs it)");
            continue;
        }
        let mut command = sandbox.command();
        command
            .env("PATH", &path)
            .env("AWS_SECRET_ACCESS_KEY", own_secret)
            .env("AWS_ACCESS_KEY_ID", "AKIAUSERSOWNKEY00000")
            .arg0(shell);
        let mut c = Command::new(shell);
        c.args(&args)
            .env_clear()
            .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))))
            .current_dir(sandbox.home());
        let (o, trace) = exec_args(c, &tmp.path().join(format!("{shell}.trace")));
        assert!(o.status.success(), "{shell}: {}{}", stdout(&o), stderr(&o));
        let execs: Vec<&str> = trace.lines().filter(|l| l.contains("execve(")).collect();
        assert!(
            execs.iter().filter(|l| l.contains("runas")).count() >= 2,
            "{shell}: runas was traced: {trace}"
        );
        let mut secrets = secrets_in_cache(&sandbox.cache_dir());
        secrets.push(own_secret.to_string());
        secrets.extend(KNOWN.iter().map(|s| s.to_string()));
        assert!(secrets.len() >= 4);
        for line in &execs {
            for secret in &secrets {
                assert!(
                    !line.contains(secret.as_str()),
                    "{shell}: a secret is on a command line: {line}"
                );
            }
            assert!(
                !line.contains(MFA_CODE),
                "{shell}: the MFA code is on a command line: {line}"
            );
        }
        traced += 1;
    }
    assert!(traced >= 2, "at least sh and bash ran");
}

// ---------------------------------------------------------------------------------------------
// The cache on disk

/// The folder runas makes is 0700 and every file in it 0600, even under a umask that would
/// let everyone read and write; a folder it did not make keeps its mode, and the files in it
/// are still 0600.
#[test]
fn cache_files_are_0600_in_a_0700_folder_whatever_the_umask() {
    let moto = Moto::start();
    for umask in [0o000, 0o022, 0o077] {
        let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
        let mut c = sandbox.command();
        c.args(["env", "ops", "-o", MFA_CODE, "--shell", "sh"])
            .stdin(Stdio::null());
        // SAFETY: umask is async-signal-safe and touches only the child's own state.
        unsafe {
            c.pre_exec(move || {
                libc::umask(umask);
                Ok(())
            });
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "umask {umask:o}: {}", stderr(&o));
        let dir = sandbox.cache_dir();
        assert_eq!(mode(&dir), 0o700, "umask {umask:o}: the cache folder");
        let files: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(
            files
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .count()
                >= 3,
            "session, prod and ops are cached: {files:?}"
        );
        for file in &files {
            assert_eq!(mode(file), 0o600, "umask {umask:o}: {}", file.display());
        }
    }
}
