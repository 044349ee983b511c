//! `runas exec` end to end: the real binary against a local STS (moto). The command
//! gets exactly the environment that `eval "$(runas env …)"` gives in each real shell, runas
//! replaces itself with the command (so the exit status and signals are the command's own), and
//! on an error the command does not run, stdout stays empty and the status is 1.

use crate::common;

use common::sandbox::{CONFIG, assert_error, parse_env0, stderr, stdout};
use common::shells::{BASH, SHELLS, find};
use common::world::World;
use std::collections::BTreeMap;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A sandboxed user talking to moto, with prod's credentials in the cache.
fn warm_world(config: &str) -> World {
    let world = World::new(config);
    world.warm();
    world
}

impl World {
    /// runas with `args`, in the sandbox's clean environment (see `Sandbox::shell_env`) plus `vars`.
    fn runas(&self, args: &[&str], vars: &[(&str, &str)]) -> std::process::Output {
        let o = Command::new(env!("CARGO_BIN_EXE_runas"))
            .args(args)
            .env_clear()
            .envs(self.sandbox.shell_env())
            .envs(vars.iter().copied())
            .current_dir(self.home())
            .stdin(Stdio::null())
            .output()
            .expect("run runas");
        let code = common::secrets::mfa_code(args, vars);
        self.sandbox.check_secrets(&format!("runas {args:?}"), &o, code);
        o
    }

    fn read(&self, name: &str) -> String {
        let path = self.home().join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

fn without(env: &BTreeMap<String, String>, names: &[&str]) -> BTreeMap<String, String> {
    env.iter()
        .filter(|(name, _)| !names.contains(&name.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The variables runas manages or reads, and the ones it saves: what must be equal one by one.
fn runas_and_aws(env: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    env.iter()
        .filter(|(name, _)| name.starts_with("AWS") || name.starts_with("RUNAS_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The user's own variables before runas, hostile token included.
const ORIGINAL: &[(&str, &str)] = &[
    ("AWS_PROFILE", "dev"),
    ("AWS_REGION", "us-east-2"),
    ("AWS_ACCESS_KEY_ID", "AKIAORIGINAL0EXAMPLE"),
    (
        "AWS_SESSION_TOKEN",
        "it's $(touch CANARY) `touch CANARY` \\ ‘q’\nsecond line",
    ),
    ("UNRELATED", "kept as it is"),
];

#[test]
fn exec_gives_the_environment_that_eval_of_env_gives_in_every_shell() {
    let world = warm_world(CONFIG);
    // From this process (no shell in between), the same starting environment.
    let direct = world.runas(&["exec", "prod", "--", "env", "-0"], ORIGINAL);
    assert!(
        direct.status.success() && direct.stderr.is_empty(),
        "{}",
        stderr(&direct)
    );
    let direct = parse_env0(&direct.stdout);
    assert_eq!(direct.get("AWSRUNAS_PROFILE").map(String::as_str), Some("prod"));
    assert_eq!(direct.get("UNRELATED").map(String::as_str), Some("kept as it is"));

    for shell in SHELLS {
        let script = format!(
            "runas exec prod -- env -0 > exec.env\n{}\nenv -0 > eval.env",
            shell.eval(&format!("runas env --shell {} prod", shell.flag))
        );
        world.shell(shell, &script, ORIGINAL).assert_clean(&script);
        assert!(
            !world.home().join("CANARY").exists(),
            "{}: a value ran",
            shell.program
        );
        let by_exec = parse_env0(&std::fs::read(world.home().join("exec.env")).unwrap());
        let by_eval = parse_env0(&std::fs::read(world.home().join("eval.env")).unwrap());

        assert_eq!(
            runas_and_aws(&by_exec),
            runas_and_aws(&by_eval),
            "{}: runas's and AWS variables, exec vs eval",
            shell.program
        );
        // The saved state stays in the shell: neither a child of the shell nor exec's command
        // sees it.
        for env in [&by_eval, &by_exec] {
            assert!(
                !env.keys().any(|k| k.contains("SAVED") || k.contains("saved")),
                "{env:?}"
            );
            assert!(!env.contains_key("AWS_PROFILE"));
        }
        // `_` is the path of the last command the shell ran (runas, then env).
        assert_eq!(
            without(&by_exec, &["_"]),
            without(&by_eval, &["_"]),
            "{}: the whole environment, exec vs eval",
            shell.program
        );
        // And runas exec started from no shell: the same, minus what the shell adds or changes
        // (fish 3.6 sets USER to the passwd name).
        let own = ["_", "SHLVL", "PWD", "OLDPWD", "USER"];
        assert_eq!(
            without(&direct, &own),
            without(&by_eval, &own),
            "{}: runas exec from no shell vs eval in the shell",
            shell.program
        );
    }
}

#[test]
fn exec_passes_the_exit_status_of_the_command_on() {
    let world = warm_world(CONFIG);
    for code in [0, 3, 42, 255] {
        let o = world.runas(&["exec", "prod", "--", "sh", "-c", &format!("exit {code}")], &[]);
        assert_eq!(o.status.code(), Some(code), "stderr: {}", stderr(&o));
        assert!(o.stdout.is_empty() && o.stderr.is_empty(), "{}", stderr(&o));
    }
}

/// runas ignores SIGPIPE for itself (a closed pipe is an error it handles); the command starts
/// with SIGPIPE at its default, with or without `--server`, so `yes | head -1` inside it ends
/// as it does in a shell.
#[test]
fn the_command_starts_with_sigpipe_not_ignored() {
    let world = warm_world(CONFIG);
    for server in [&[][..], &["--server"]] {
        let mut args = vec!["exec"];
        args.extend_from_slice(server);
        args.extend(["prod", "--", "grep", "^SigIgn:", "/proc/self/status"]);
        let o = world.runas(&args, &[]);
        assert!(o.status.success(), "{server:?}: {}", stderr(&o));
        let mask = stdout(&o).trim().trim_start_matches("SigIgn:").trim().to_string();
        let ignored = u64::from_str_radix(&mask, 16).unwrap();
        assert_eq!(ignored & 1 << (libc::SIGPIPE - 1), 0, "{server:?}: SigIgn {mask}");
    }
}

#[test]
fn exec_passes_arguments_and_output_through_untouched() {
    let world = warm_world(CONFIG);
    let hostile = "it's $(touch CANARY) `id` \\ ‘q’\n-n --";
    let o = world.runas(&["exec", "prod", "--", "printf", "%s|%s", hostile, "--"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{hostile}|--"));
    assert!(!world.home().join("CANARY").exists());
}

#[test]
fn a_command_that_is_not_executable_exits_126_with_a_clear_message() {
    let world = warm_world(CONFIG);
    let script = world.home().join("not-executable");
    std::fs::write(&script, "#!/bin/sh\ntouch RAN\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    let path = script.to_str().unwrap();
    let o = world.runas(&["exec", "prod", "--", path], &[]);
    assert_eq!(o.status.code(), Some(126), "stderr: {}", stderr(&o));
    assert!(o.stdout.is_empty(), "stdout: {:?}", stdout(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.contains(path) && err.contains("permission denied"), "{err:?}");
    assert!(!world.home().join("RAN").exists());
}

#[test]
fn a_missing_command_exits_127_with_a_clear_message() {
    let world = warm_world(CONFIG);
    for program in ["runas-test-no-such-command", "/nonexistent/runas-test-command"] {
        let o = world.runas(&["exec", "prod", "--", program, "arg"], &[]);
        assert_eq!(o.status.code(), Some(127), "stderr: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "stdout: {:?}", stdout(&o));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err:?}");
        assert!(err.contains(program) && err.contains("not found"), "{err:?}");
    }
}

/// Waits up to `limit` for `child` to exit; kills it and fails if it does not.
fn wait_for(child: &mut std::process::Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_sent_to_runas_reaches_the_command() {
    let world = warm_world(CONFIG);
    let script = "trap 'echo got-term > TERMED; exit 42' TERM; echo ready > READY; \
                  while :; do sleep 0.1; done";
    let mut child = Command::new(env!("CARGO_BIN_EXE_runas"))
        .args(["exec", "prod", "--", "sh", "-c", script])
        .env_clear()
        .envs(world.sandbox.shell_env())
        .current_dir(world.home())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn runas");
    let pid = child.id();
    let ready = world.home().join("READY");
    let start = Instant::now();
    while !ready.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("exited before it was ready: {status}");
        }
        assert!(start.elapsed() < Duration::from_secs(10), "never ready");
        std::thread::sleep(Duration::from_millis(10));
    }
    // exec replaced runas: the pid spawned is the shell now.
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).expect("/proc/PID/exe");
    let sh = std::fs::canonicalize(find("sh").expect("sh on PATH")).unwrap();
    assert_eq!(exe, sh, "pid {pid} runs {} after exec", exe.display());

    // SAFETY: kill(2) with a pid of our own child that has not been reaped yet.
    let rc = unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
    assert_eq!(rc, 0, "kill: {}", std::io::Error::last_os_error());
    let status = wait_for(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(42), "{status}");
    assert_eq!(world.read("TERMED"), "got-term\n");
}

#[test]
fn exec_without_a_profile_uses_aws_profile_and_takes_it_out_of_the_environment() {
    let world = warm_world(CONFIG);
    let o = world.runas(&["exec", "--", "env", "-0"], &[("AWS_PROFILE", "prod")]);
    assert!(o.status.success() && o.stderr.is_empty(), "{}", stderr(&o));
    let env = parse_env0(&o.stdout);
    assert_eq!(env.get("AWSRUNAS_PROFILE").map(String::as_str), Some("prod"));
    assert!(!env.contains_key("AWS_PROFILE"), "{env:?}");
    assert!(env["AWS_ACCESS_KEY_ID"].starts_with("ASIA"));
    // And the credentials are prod's: the same as `runas env --format json prod` gives.
    let doc: serde_json::Value =
        serde_json::from_str(&stdout(&world.runas(&["env", "--format", "json", "prod"], &[]))).unwrap();
    assert_eq!(env["AWS_ACCESS_KEY_ID"], doc["AccessKeyId"].as_str().unwrap());
}

#[test]
fn errors_exit_1_with_empty_stdout_and_the_command_never_runs() {
    let world = warm_world(CONFIG);
    let cold = world.home().join("cold-cache");
    let cold = cold.to_str().unwrap();
    /// The arguments before the command, extra variables, and what stderr must say.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case<'_>; 4] = [
        (&["exec", "nope", "--"], &[], "unknown profile \"nope\""),
        (&["exec", "--"], &[], "no profile given"),
        (
            &["exec", "--"],
            &[("AWS_PROFILE", "nope")],
            "unknown profile \"nope\"",
        ),
        // A cold cache needs an MFA code, and --no-prompt may not ask for one.
        (
            &["exec", "--no-prompt", "ops", "--"],
            &[("RUNAS_CACHE_DIR", cold)],
            "an MFA code is needed",
        ),
    ];
    for (args, vars, message) in cases {
        let created = world.home().join("CREATED");
        let mut args = args.to_vec();
        args.extend(["touch", "CREATED"]);
        let o = world.runas(&args, vars);
        assert_error(&o, message);
        assert!(!created.exists(), "runas {args:?} ran the command");
    }
}

#[test]
fn exec_without_a_profile_in_a_switched_shell_uses_the_profile_switched_to() {
    // dev is a real profile here, so a wrong choice runs the command as dev rather than failing.
    let world = warm_world(&format!(
        "{CONFIG}\n[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = default\n"
    ));
    let script = "eval \"$(runas env --shell bash prod)\"\nrunas exec -- env -0 > exec.env\n";
    let o = Command::new(BASH.path())
        .args(BASH.args)
        .args(["-c", script])
        .env_clear()
        .envs(world.sandbox.shell_env())
        .env("AWS_PROFILE", "dev")
        .current_dir(world.home())
        .stdin(Stdio::null())
        .output()
        .expect("run bash");
    assert!(o.status.success() && o.stderr.is_empty(), "{}", stderr(&o));
    let env = parse_env0(&std::fs::read(world.home().join("exec.env")).unwrap());
    // The shell shows no AWS_PROFILE after the switch; the command must run as what it shows.
    assert_eq!(env.get("AWSRUNAS_PROFILE").map(String::as_str), Some("prod"));
}

/// What only runas needs stays with runas: the saved state the hook hands over (which holds
/// the previous identity's keys) and a one-time MFA code never reach the command.
#[test]
fn exec_passes_neither_the_saved_state_nor_the_mfa_code_to_the_command() {
    let world = warm_world(CONFIG);
    let saved =
        r#"{"AWS_ACCESS_KEY_ID":"AKIAOLDKEYOFTHESHELL","AWS_SECRET_ACCESS_KEY":"OLDSECRETOFTHESHELL"}"#;
    let o = world.runas(
        &["exec", "prod", "--", "env", "-0"],
        &[
            ("RUNAS_SAVED", saved),
            ("_runas_saved", saved),
            ("MFA_CODE", "123456"),
            ("AWS_ACCESS_KEY_ID", "AKIAOLDKEYOFTHESHELL"),
            ("AWS_SECRET_ACCESS_KEY", "OLDSECRETOFTHESHELL"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let env = parse_env0(&o.stdout);
    assert!(env["AWS_ACCESS_KEY_ID"].starts_with("ASIA"), "{env:?}");
    for (name, value) in &env {
        assert!(
            !name.contains("SAVED") && !name.contains("saved") && name != "MFA_CODE",
            "{name} reached the command"
        );
        assert!(
            !value.contains("OLDSECRET") && !value.contains("AKIAOLD"),
            "{name}={value}"
        );
    }
}
