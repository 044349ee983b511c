//! The shell hooks in real interactive bash, zsh and fish, under a terminal (tmux), against a
//! local STS (moto): `runas use` switches the shell it is typed in, `runas off` puts it back,
//! `runas_prompt` shows the profile, the user's own prompt hooks and `$?` survive, loading the
//! init twice leaves one hook, credentials near expiry are refreshed at the next prompt (or one
//! line says why not), and a prompt with nothing due starts no process (checked with strace).

use crate::common;

use common::moto::Moto;
use common::pty::{DEADLINE, Term};
use common::sandbox::{CONFIG, CREDENTIALS, Sandbox};
use common::shells::{BASH, DASH, Dialect, FISH, Shell, ZSH};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNAS: &str = env!("CARGO_BIN_EXE_runas");

/// The line that loads the hook (the README's), with the binary under test.
fn init(shell: &Shell) -> String {
    shell.eval(&format!("'{RUNAS}' init {}", shell.flag))
}

/// Code that prints variable NAME's value, or `<unset>`.
fn get(shell: &Shell, name: &str) -> String {
    match shell.dialect {
        Dialect::Fish => format!("if set -q {name}; printf '%s\\n' ${name}; else; echo '<unset>'; end"),
        _ => format!("printf '%s\\n' \"${{{name}-<unset>}}\""),
    }
}

/// The line that makes a profile active and far from due, so the hook does its work at each
/// prompt.
fn active(shell: &Shell) -> &'static str {
    match shell.dialect {
        Dialect::Fish => "set -gx AWSRUNAS_PROFILE prod; set -gx AWSRUNAS_EXPIRES 4000000000",
        _ => "export AWSRUNAS_PROFILE=prod AWSRUNAS_EXPIRES=4000000000",
    }
}

/// A user's shell: its rc file holds `rc`, its environment the sandbox's and `vars`.
struct Session {
    term: Term,
    shell: &'static Shell,
    _rc_dir: tempfile::TempDir,
}

impl Session {
    fn start(shell: &'static Shell, sandbox: &Sandbox, rc: &str, vars: &[(&str, &str)]) -> Session {
        let rc_dir = tempfile::tempdir().unwrap();
        let mut env: Vec<(String, String)> = [
            ("HOME", sandbox.home().to_str().unwrap()),
            ("PATH", &std::env::var("PATH").unwrap()),
            ("USER", "alice"),
            ("LANG", "C.UTF-8"),
            ("TERM", "screen"),
            ("RUNAS_CACHE_DIR", sandbox.cache_dir().to_str().unwrap()),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_ENDPOINT_URL_STS", &sandbox.endpoint),
        ]
        .iter()
        .chain(vars)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let rc_text = format!("{}\n{rc}\n", shell.prompt);
        let dir = rc_dir.path().to_str().unwrap().to_string();
        let term = match shell.program {
            "bash" => {
                std::fs::write(rc_dir.path().join("bashrc"), rc_text).unwrap();
                let rc = format!("{dir}/bashrc");
                Term::start(
                    "bash",
                    &["--noprofile", "--rcfile", &rc, "-i"],
                    &env,
                    sandbox.home(),
                )
            }
            "zsh" => {
                std::fs::write(rc_dir.path().join(".zshrc"), rc_text).unwrap();
                env.push(("ZDOTDIR".into(), dir));
                Term::start("zsh", &["-o", "no_global_rcs", "-i"], &env, sandbox.home())
            }
            "fish" => {
                std::fs::write(rc_dir.path().join("config.fish"), rc_text).unwrap();
                let source = format!("source {dir}/config.fish");
                Term::start(
                    "fish",
                    &["--no-config", "-i", "-C", &source],
                    &env,
                    sandbox.home(),
                )
            }
            other => panic!("runas init has no prompt hook for {other}"),
        };
        term.wait_count("[0]> ", 1);
        Session {
            term,
            shell,
            _rc_dir: rc_dir,
        }
    }

    fn get(&self, name: &str) -> String {
        self.term.query(&get(self.shell, name))
    }

    /// Runs `line` and waits for the prompt after it; returns the status that prompt shows.
    fn run(&self, line: &str) -> String {
        let before = self.prompts();
        self.term.line(line);
        let screen = self
            .term
            .wait_for("the next prompt", |s| prompt_count(s) > before);
        last_prompt_status(&screen)
    }

    /// Presses Enter on an empty line and waits for the prompt it brings.
    fn enter(&self) {
        self.run("");
    }

    fn prompts(&self) -> usize {
        prompt_count(&self.term.screen())
    }
}

/// Prompts drawn so far: lines that start `[N]> `.
fn prompt_count(screen: &str) -> usize {
    screen.lines().filter(|l| prompt_status(l).is_some()).count()
}

fn prompt_status(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let (status, after) = rest.split_once("]> ")?;
    let _ = after;
    status.bytes().all(|b| b.is_ascii_digit()).then_some(status)
}

fn last_prompt_status(screen: &str) -> String {
    screen
        .lines()
        .rev()
        .find_map(prompt_status)
        .expect("a prompt")
        .to_string()
}

fn sandbox(moto: &Moto) -> Sandbox {
    Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS)
}

/// A sandbox whose STS endpoint is never called (the tests that need no credentials).
fn offline_sandbox() -> Sandbox {
    Sandbox::new(&common::dead_endpoint(), CONFIG, CREDENTIALS)
}

fn use_switches_this_shell_and_off_restores_it(shell: &'static Shell) {
    let moto = Moto::start();
    let sb = sandbox(&moto);
    let s = Session::start(
        shell,
        &sb,
        &init(shell),
        &[("AWS_PROFILE", "dev"), ("AWS_REGION", "us-west-2")],
    );
    assert_eq!(s.run("runas_prompt"), "0");
    assert_eq!(s.term.query("runas_prompt; echo"), "", "no profile, no text");

    // A failed switch changes nothing and keeps runas's status.
    assert_eq!(s.run("runas use nosuch -o 123456"), "1");
    assert_eq!(s.get("AWS_ACCESS_KEY_ID"), "<unset>");
    assert_eq!(s.get("AWS_PROFILE"), "dev");

    assert_eq!(s.run("runas use prod -o 123456"), "0");
    let key = s.get("AWS_ACCESS_KEY_ID");
    assert!(key.starts_with("ASIA"), "{key}");
    assert!(s.get("AWS_SESSION_TOKEN").len() > 20);
    assert_eq!(s.get("AWSRUNAS_PROFILE"), "prod");
    assert_eq!(s.get("AWS_PROFILE"), "<unset>");
    assert_eq!(
        s.get("AWS_REGION"),
        "us-west-2",
        "the shell's AWS_REGION wins over the config"
    );
    let shown = s.term.query("runas_prompt; echo");
    assert!(
        shown == "prod 1h00m" || shown == "prod 59m",
        "one hour of credentials: {shown:?}"
    );
    // The other subcommands go to the binary.
    assert_eq!(s.term.query("runas list --names"), "default\nops\nprod");
    // A second switch resolves against the shell as it was before the first: the hook hands
    // the saved state over, so the user's AWS_REGION still wins over ops's eu-west-1.
    assert_eq!(s.run("runas use ops"), "0");
    assert_eq!(s.get("AWSRUNAS_PROFILE"), "ops");
    assert_eq!(s.get("AWS_REGION"), "us-west-2");

    assert_eq!(s.run("runas off"), "0");
    assert_eq!(s.get("AWS_PROFILE"), "dev");
    assert_eq!(s.get("AWS_REGION"), "us-west-2");
    for gone in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SESSION_TOKEN",
        "AWSRUNAS_PROFILE",
        "AWSRUNAS_EXPIRES",
        "_runas_saved",
    ] {
        assert_eq!(s.get(gone), "<unset>", "{gone}");
    }
    assert_eq!(s.term.query("runas_prompt; echo"), "");
}

#[test]
fn bash_use_switches_this_shell_and_off_restores_it() {
    use_switches_this_shell_and_off_restores_it(&BASH);
}

#[test]
fn zsh_use_switches_this_shell_and_off_restores_it() {
    use_switches_this_shell_and_off_restores_it(&ZSH);
}

#[test]
fn fish_use_switches_this_shell_and_off_restores_it() {
    use_switches_this_shell_and_off_restores_it(&FISH);
}

/// The user's own hook runs at every prompt and sees the status of the last command; the prompt
/// shows it too; the init loaded twice leaves one hook. `hook` defines the user's hook, which
/// stores what it saw in `user_status` and counts its runs in `user_runs`; `count_ours` prints
/// how many times `_runas_hook` is hooked.
fn keeps_the_users_hook_and_the_status(shell: &'static Shell, hook: &str, count_ours: &str) {
    let sb = offline_sandbox();
    let init = init(shell);
    let s = Session::start(shell, &sb, &format!("{hook}\n{init}\n{init}"), &[]);
    assert_eq!(s.term.query(count_ours), "1", "one hook after loading twice");
    // A profile is active (not due), so the hook does its work at each prompt.
    let active = active(shell);
    assert_eq!(s.run(active), "0");
    let runs: u32 = s.get("user_runs").parse().unwrap();
    assert_eq!(s.run("false"), "1", "the prompt shows the status of false");
    assert_eq!(s.get("user_status"), "1", "the user's hook saw it too");
    assert_eq!(s.run("true"), "0");
    let later: u32 = s.get("user_runs").parse().unwrap();
    assert!(
        later >= runs + 3,
        "the user's hook runs at every prompt: {runs} then {later}"
    );
    assert_eq!(s.get("user_status"), "0");
}

#[test]
fn bash_keeps_a_string_prompt_command_and_the_status() {
    keeps_the_users_hook_and_the_status(
        &BASH,
        "user_runs=0; PROMPT_COMMAND='user_status=$?; user_runs=$((user_runs + 1))'",
        "declare -p PROMPT_COMMAND | grep -o _runas_hook | wc -l",
    );
}

#[test]
fn bash_keeps_an_array_prompt_command_and_the_status() {
    keeps_the_users_hook_and_the_status(
        &BASH,
        "user_runs=0; user_count() { user_runs=$((user_runs + 1)); }; \
         PROMPT_COMMAND=('user_status=$?' user_count)",
        "declare -p PROMPT_COMMAND | grep -o _runas_hook | wc -l",
    );
}

#[test]
fn zsh_keeps_the_precmd_functions_and_the_status() {
    keeps_the_users_hook_and_the_status(
        &ZSH,
        "user_runs=0; user_precmd() { user_status=$?; (( user_runs++ )); }; precmd_functions+=(user_precmd)",
        "print -rl -- \"${precmd_functions[@]}\" | grep -c _runas_hook",
    );
}

#[test]
fn fish_keeps_the_fish_prompt_handlers_and_the_status() {
    keeps_the_users_hook_and_the_status(
        &FISH,
        "set -g user_runs 0; function user_hook --on-event fish_prompt; set -g user_status $status; \
         set -g user_runs (math $user_runs + 1); end",
        "functions --handlers-type generic | string match '*_runas_hook' | count",
    );
}

/// The window that makes credentials of 15 minutes due three seconds after they were issued.
/// Not one second: a shell's clock may run ahead (fish reads its clock from the uptime, up to a
/// second ahead, and `clock_ahead` adds one), and a refresh in the same second as the switch
/// gets credentials with the switch's expiry. The hook tries once per expiry, so that refresh
/// would be the last one, and a test that then takes the lock or clears the cache would wait
/// for a refresh that never comes.
const DUE_SOON: &str = "897s";

/// A hooked shell whose role credentials last 15 minutes, with the refresh window `window`.
fn short_lived(shell: &'static Shell, sb: &Sandbox, window: &str) -> Session {
    Session::start(
        shell,
        sb,
        &init(shell),
        &[("RUNAS_MIN_TTL", window), ("CREDENTIALS_DURATION", "15m")],
    )
}

/// Puts the shell's clock `secs` ahead of the system's, by redefining the hook's time function:
/// the tests that wait for a refresh run with the shell's clock at its worst.
fn clock_ahead(s: &Session, secs: u32) {
    let ahead = match s.shell.dialect {
        Dialect::Fish => {
            format!("function _runas_time_left; math $AWSRUNAS_EXPIRES - (_runas_now) - {secs}; end")
        }
        _ => format!(
            "function _runas_time_left {{ _runas_left=$((AWSRUNAS_EXPIRES - EPOCHSECONDS - {secs})); }}"
        ),
    };
    assert_eq!(s.run(&ahead), "0");
}

/// `runas use prod` with a code; returns the key and expiry the switch itself set, kept on the
/// same command line: a prompt (and so a refresh) may come a second later, under load, before
/// the test reads them.
fn use_prod(s: &Session) -> (String, String) {
    let keep = match s.shell.dialect {
        Dialect::Fish => "; set -g k0 $AWS_ACCESS_KEY_ID; set -g e0 $AWSRUNAS_EXPIRES",
        _ => "; k0=$AWS_ACCESS_KEY_ID e0=$AWSRUNAS_EXPIRES",
    };
    assert_eq!(s.run(&format!("runas use prod -o 123456{keep}")), "0");
    let key = s.get("k0");
    assert!(key.starts_with("ASIA"), "{key}");
    (key, s.get("e0"))
}

/// Credentials of 900 s with a window of 897 s are due three seconds after the switch: the next
/// prompt after that gets new ones from STS (the cached session token: no MFA code).
fn refreshes_credentials_near_expiry_at_the_next_prompt(shell: &'static Shell) {
    let moto = Moto::start();
    let sb = sandbox(&moto);
    let s = short_lived(shell, &sb, DUE_SOON);
    clock_ahead(&s, 1);
    let (key, expires) = use_prod(&s);
    let start = Instant::now();
    loop {
        s.enter();
        let now = s.get("AWS_ACCESS_KEY_ID");
        if now != key {
            assert!(now.starts_with("ASIA"), "{now}");
            break;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "no refresh within {DEADLINE:?}:\n{}",
            s.term.screen()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // GetSessionToken and AssumeRole for the switch, then AssumeRole for the refresh.
    assert!(moto.sts_requests() >= 3, "the refresh called STS: {}", moto.log());
    // The new credentials' expiry, later than the switch's.
    let now: u64 = s.get("AWSRUNAS_EXPIRES").parse().unwrap();
    assert!(now > expires.parse::<u64>().unwrap(), "{now} <= {expires}");
    assert_eq!(s.get("AWSRUNAS_PROFILE"), "prod");
    assert!(
        !s.term.screen().contains("was not refreshed"),
        "{}",
        s.term.screen()
    );
}

#[test]
fn bash_refreshes_credentials_near_expiry_at_the_next_prompt() {
    refreshes_credentials_near_expiry_at_the_next_prompt(&BASH);
}

#[test]
fn zsh_refreshes_credentials_near_expiry_at_the_next_prompt() {
    refreshes_credentials_near_expiry_at_the_next_prompt(&ZSH);
}

#[test]
fn fish_refreshes_credentials_near_expiry_at_the_next_prompt() {
    refreshes_credentials_near_expiry_at_the_next_prompt(&FISH);
}

/// A shell clock a little ahead of runas's (fish's is read from the uptime, to the second):
/// the hook finds the credentials due while runas, with the same window, still finds them
/// valid. Found as a flaky test: runas handed back the same credentials, the hook marked that
/// expiry as tried and never refreshed it again. The hook now gives runas a wider window.
/// Here the shell's clock is put 30 s ahead by redefining its time function.
fn a_shell_clock_ahead_of_runas_still_refreshes(shell: &'static Shell) {
    let moto = Moto::start();
    let sb = sandbox(&moto);
    let s = short_lived(shell, &sb, "880s");
    let (key, _) = use_prod(&s);
    clock_ahead(&s, 30);
    let start = Instant::now();
    while s.get("AWS_ACCESS_KEY_ID") == key {
        assert!(
            start.elapsed() < DEADLINE,
            "no refresh within {DEADLINE:?}:\n{}",
            s.term.screen()
        );
        std::thread::sleep(Duration::from_millis(200));
        s.enter();
    }
    assert!(
        !s.term.screen().contains("was not refreshed"),
        "{}",
        s.term.screen()
    );
}

#[test]
fn bash_a_shell_clock_ahead_of_runas_still_refreshes() {
    a_shell_clock_ahead_of_runas_still_refreshes(&BASH);
}

#[test]
fn zsh_a_shell_clock_ahead_of_runas_still_refreshes() {
    a_shell_clock_ahead_of_runas_still_refreshes(&ZSH);
}

#[test]
fn fish_a_shell_clock_ahead_of_runas_still_refreshes() {
    a_shell_clock_ahead_of_runas_still_refreshes(&FISH);
}

/// With the cache cleared, a refresh needs an MFA code: one line says so and what to type,
/// once for that expiry however many prompts follow, and the shell keeps its credentials.
fn a_refresh_that_needs_mfa_says_so_once_and_changes_nothing(shell: &'static Shell) {
    let moto = Moto::start();
    let sb = sandbox(&moto);
    let s = short_lived(shell, &sb, DUE_SOON);
    clock_ahead(&s, 1);
    use_prod(&s);
    assert_eq!(s.run("runas cache clear"), "0");
    let key = s.get("AWS_ACCESS_KEY_ID");
    let expires = s.get("AWSRUNAS_EXPIRES");
    let start = Instant::now();
    while !s.term.screen().contains("was not refreshed") {
        assert!(
            start.elapsed() < DEADLINE,
            "no message within {DEADLINE:?}:\n{}",
            s.term.screen()
        );
        std::thread::sleep(Duration::from_millis(200));
        s.enter();
    }
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(300));
        s.enter();
    }
    let screen = s.term.screen();
    let messages: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("was not refreshed"))
        .collect();
    assert_eq!(messages.len(), 1, "one line, not one per prompt:\n{screen}");
    // The refresh may print while typed-ahead text is on that line: the message is where it
    // starts.
    let line = messages[0].trim_end();
    let line = &line[line.find("runas: ").unwrap_or(0)..];
    assert!(line.starts_with("runas: prod expires in "), "{line}");
    assert!(line.contains("an MFA code is needed"), "{line}");
    assert!(line.ends_with("type: runas use prod"), "{line}");
    assert_eq!(s.get("AWS_ACCESS_KEY_ID"), key, "the shell keeps its credentials");
    assert_eq!(s.get("AWSRUNAS_EXPIRES"), expires);
    assert_eq!(s.get("AWSRUNAS_PROFILE"), "prod");
    // The prompt after the message still shows the user's last status.
    assert_eq!(s.run("false"), "1");
}

#[test]
fn bash_a_refresh_that_needs_mfa_says_so_once_and_changes_nothing() {
    a_refresh_that_needs_mfa_says_so_once_and_changes_nothing(&BASH);
}

#[test]
fn zsh_a_refresh_that_needs_mfa_says_so_once_and_changes_nothing() {
    a_refresh_that_needs_mfa_says_so_once_and_changes_nothing(&ZSH);
}

#[test]
fn fish_a_refresh_that_needs_mfa_says_so_once_and_changes_nothing() {
    a_refresh_that_needs_mfa_says_so_once_and_changes_nothing(&FISH);
}

/// strace attached to the interactive shell while Enter is pressed: no exec and no new process
/// (threads, which fish starts for highlighting, are not processes). Then a command that does
/// start one shows up in the same trace, which proves the trace sees them.
fn a_prompt_with_nothing_due_starts_no_process(shell: &'static Shell) {
    let sb = offline_sandbox();
    let s = Session::start(shell, &sb, &init(shell), &[]);
    let active = active(shell);
    for setup in ["", active] {
        if !setup.is_empty() {
            assert_eq!(s.run(setup), "0");
        }
        let trace = Strace::attach(s.term.shell_pid());
        for _ in 0..3 {
            s.enter();
        }
        let spawned = trace.finish();
        assert!(
            spawned.is_empty(),
            "{}: prompts started processes ({setup:?}):\n{}",
            shell.program,
            spawned.join("\n")
        );
    }
    // The check can fail: a command that runs a program is seen.
    let trace = Strace::attach(s.term.shell_pid());
    assert_eq!(s.run("/bin/true"), "0");
    let spawned = trace.finish();
    assert!(
        spawned.iter().any(|l| l.contains("execve(\"/bin/true\"")),
        "{spawned:?}"
    );
}

#[test]
fn bash_a_prompt_with_nothing_due_starts_no_process() {
    a_prompt_with_nothing_due_starts_no_process(&BASH);
}

#[test]
fn zsh_a_prompt_with_nothing_due_starts_no_process() {
    a_prompt_with_nothing_due_starts_no_process(&ZSH);
}

#[test]
fn fish_a_prompt_with_nothing_due_starts_no_process() {
    a_prompt_with_nothing_due_starts_no_process(&FISH);
}

/// strace on a running process, recording the calls that start programs or processes.
struct Strace {
    child: std::process::Child,
    out: tempfile::NamedTempFile,
}

impl Strace {
    fn attach(pid: u32) -> Strace {
        let out = tempfile::NamedTempFile::new().unwrap();
        let mut child = Command::new("strace")
            .args(["-f", "-e", "trace=execve,execveat,clone,clone3,fork,vfork", "-o"])
            .arg(out.path())
            .args(["-p", &pid.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("strace runs (scripts/test installs it)");
        // strace says "Process N attached" on stderr once it traces.
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        assert!(
            line.contains("attached"),
            "strace could not attach to {pid}: {line}"
        );
        // Drain the rest so strace never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        Strace { child, out }
    }

    /// Detaches and returns the recorded lines that started a program or a process.
    fn finish(mut self) -> Vec<String> {
        // SAFETY: kill(2) on our own child's pid; SIGINT makes strace detach and exit.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGINT);
        }
        self.child.wait().unwrap();
        let text = std::fs::read_to_string(self.out.path()).unwrap();
        text.lines()
            .filter(|l| {
                let call = l.split_whitespace().nth(1).unwrap_or("");
                let starts = ["execve(", "execveat(", "fork(", "vfork(", "clone(", "clone3("]
                    .iter()
                    .any(|c| call.starts_with(c));
                // A thread shares the process: CLONE_THREAD is not a new process.
                starts && !l.contains("CLONE_THREAD")
            })
            .map(str::to_string)
            .collect()
    }
}

#[test]
fn zsh_completes_profile_names_when_compinit_runs_after_the_hook() {
    let sb = offline_sandbox();
    let rc = format!("{}\nautoload -Uz compinit; compinit -u -D", init(&ZSH));
    let s = Session::start(&ZSH, &sb, &rc, &[]);
    s.term.type_text("runas use pr");
    s.term.keys(&["Tab"]);
    s.term.wait_for("`runas use prod` completed", |screen| {
        screen.lines().any(|l| l.trim_end() == "[0]> runas use prod")
    });
    s.term.keys(&["C-u"]);
    s.term.type_text("runas wh");
    s.term.keys(&["Tab"]);
    s.term.wait_for("`runas whoami` completed", |screen| {
        screen.lines().any(|l| l.trim_end() == "[0]> runas whoami")
    });
}

/// `runas use` for an SSO profile whose session has run out signs in at the terminal (the
/// scripted browser comes back), then switches the shell.
#[test]
fn use_signs_in_to_an_expired_sso_session_then_switches() {
    let moto = Moto::start();
    let sso = common::metadata::Server::sso(
        crate::sources::minted(&moto.endpoint()),
        "123456789012",
        "Developer",
    );
    let sb = Sandbox::new(&moto.endpoint(), crate::sources::SSO_CONFIG, "");
    let browser = crate::sources::scripted_browser(&sb);
    let url = sso.url();
    let vars = [
        ("AWS_ENDPOINT_URL_SSO", url.as_str()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str()),
        ("BROWSER", browser.as_str()),
        ("RUNAS_LOGIN_TIMEOUT", "20s"),
    ];
    let s = Session::start(&BASH, &sb, &init(&BASH), &vars);
    assert_eq!(s.run("runas use sso-dev"), "0", "{}", s.term.screen());
    assert!(
        s.term.screen().contains("signed in to the SSO session corp"),
        "{}",
        s.term.screen()
    );
    assert!(
        s.get("AWS_ACCESS_KEY_ID").starts_with("ASIA"),
        "{}",
        s.term.screen()
    );
    assert_eq!(s.get("AWSRUNAS_PROFILE"), "sso-dev");
}

/// The shipped completions/_runas, found in $fpath by compinit with no hook loaded, completes
/// at the first Tab (compinit runs the file as the body of `_runas` then).
#[test]
fn zsh_completes_from_the_shipped_file_in_fpath() {
    let sb = offline_sandbox();
    let bin_dir = Path::new(RUNAS).parent().unwrap();
    let completions = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let rc = format!(
        "path=('{}' \"${{path[@]}}\")\nfpath=('{}' \"${{fpath[@]}}\")\nautoload -Uz compinit; compinit -u -D",
        bin_dir.display(),
        completions.display()
    );
    let s = Session::start(&ZSH, &sb, &rc, &[]);
    s.term.type_text("runas use pr");
    s.term.keys(&["Tab"]);
    s.term.wait_for("`runas use prod` completed", |screen| {
        screen.lines().any(|l| l.trim_end() == "[0]> runas use prod")
    });
    s.term.keys(&["C-u"]);
    s.term.type_text("runas exec prod -- printf 'x' | runas wh");
    s.term.keys(&["Tab"]);
    s.term.wait_for("`runas whoami` completed", |screen| {
        screen.lines().any(|l| l.trim_end().ends_with("| runas whoami"))
    });
}

/// `runas use` evaluates what the binary prints, so it must print nothing else: `--format` and
/// `--shell` are refused with one line and status 2, help (`--help`, or `-h` hidden in `-sh`)
/// goes to the terminal and changes nothing, and an evaluation that fails is a failed `use`.
fn use_evaluates_only_shell_code_for_this_shell(shell: &'static Shell) {
    let sb = offline_sandbox();
    let s = Session::start(shell, &sb, &init(shell), &[]);
    for (line, says) in [
        ("runas use prod -O json -o 123456", "drop --format"),
        ("runas use prod --format json -o 123456", "drop --format"),
        ("runas use prod --shell fish -o 123456", "drop --shell"),
    ] {
        assert_eq!(s.run(line), "2", "{line}");
        assert!(s.term.screen().contains(says), "{line}:\n{}", s.term.screen());
        assert_eq!(s.get("AWS_ACCESS_KEY_ID"), "<unset>", "{line}");
    }
    for line in ["runas use --help", "runas use prod -sh"] {
        let before = s.term.screen().matches("Usage: runas use").count();
        assert_eq!(s.run(line), "0", "{line}");
        let after = s.term.screen().matches("Usage: runas use").count();
        assert_eq!(
            after,
            before + 1,
            "{line}: help on the terminal:\n{}",
            s.term.screen()
        );
        assert_eq!(s.get("AWS_ACCESS_KEY_ID"), "<unset>", "{line}");
        assert_eq!(s.get("AWSRUNAS_PROFILE"), "<unset>", "{line}");
    }
    assert!(
        !s.term.screen().contains("command not found"),
        "{}",
        s.term.screen()
    );
}

#[test]
fn bash_use_evaluates_only_shell_code_for_this_shell() {
    use_evaluates_only_shell_code_for_this_shell(&BASH);
}

#[test]
fn zsh_use_evaluates_only_shell_code_for_this_shell() {
    use_evaluates_only_shell_code_for_this_shell(&ZSH);
}

#[test]
fn fish_use_evaluates_only_shell_code_for_this_shell() {
    use_evaluates_only_shell_code_for_this_shell(&FISH);
}

/// The last statement of a switch removes AWS_DEFAULT_PROFILE: read-only, it fails, and so
/// must `runas use`, though runas itself succeeded. (fish has no read-only variables.)
fn a_switch_whose_evaluation_fails_returns_non_zero(shell: &'static Shell, readonly: &str) {
    let moto = Moto::start();
    let sb = sandbox(&moto);
    let s = Session::start(shell, &sb, &init(shell), &[]);
    assert_eq!(s.run(readonly), "0");
    assert_ne!(s.run("runas use prod -o 123456"), "0", "{}", s.term.screen());
}

#[test]
fn bash_a_switch_whose_evaluation_fails_returns_non_zero() {
    a_switch_whose_evaluation_fails_returns_non_zero(&BASH, "readonly AWS_DEFAULT_PROFILE=mine");
}

#[test]
fn zsh_a_switch_whose_evaluation_fails_returns_non_zero() {
    a_switch_whose_evaluation_fails_returns_non_zero(&ZSH, "typeset -gr AWS_DEFAULT_PROFILE=mine");
}

/// What `stty -a` says of echo in the terminal of `term`: true when it is on.
fn echo_is_on(term: &Term) -> bool {
    let settings = term.query("stty -a");
    settings.split_whitespace().any(|flag| flag == "echo")
}

/// Ctrl-C or Ctrl-D at the MFA prompt leaves the terminal as it was: bash and dash do not put
/// echo back themselves when a program they started dies with it off.
fn the_terminal_keeps_echo_after_the_mfa_prompt(shell: &Shell) {
    let program = shell.program;
    let eval = shell.eval(&format!("runas env --shell {} prod", shell.flag));
    let sb = offline_sandbox();
    let env: Vec<(String, String)> = sb
        .shell_env()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_string().unwrap()))
        .chain([("TERM".to_string(), "screen".to_string())])
        .collect();
    let term = Term::start(program, shell.interactive, &env, sb.home());
    assert!(echo_is_on(&term), "{program}: echo is on to start with");
    for (key, says) in [("C-c", None), ("C-d", Some("was cancelled"))] {
        let prompts = term.screen().matches("MFA code for").count();
        term.line(&eval);
        term.wait_count("MFA code for", prompts + 1);
        term.keys(&[key]);
        if let Some(says) = says {
            term.wait_for(says, |s| s.contains(says));
        }
        assert!(
            echo_is_on(&term),
            "{program}: echo after {key}:\n{}",
            term.screen()
        );
    }
}

#[test]
fn bash_keeps_echo_after_ctrl_c_or_ctrl_d_at_the_mfa_prompt() {
    the_terminal_keeps_echo_after_the_mfa_prompt(&BASH);
}

#[test]
fn dash_keeps_echo_after_ctrl_c_or_ctrl_d_at_the_mfa_prompt() {
    the_terminal_keeps_echo_after_the_mfa_prompt(&DASH);
}

#[test]
fn zsh_keeps_echo_after_ctrl_c_or_ctrl_d_at_the_mfa_prompt() {
    the_terminal_keeps_echo_after_the_mfa_prompt(&ZSH);
}

#[test]
fn fish_keeps_echo_after_ctrl_c_or_ctrl_d_at_the_mfa_prompt() {
    the_terminal_keeps_echo_after_the_mfa_prompt(&FISH);
}

/// A profile name is shown as written in every shell's prompt: zsh with prompt_subst reads
/// the output of `$(runas_prompt)` for `%` escapes, bash's `\u` is decoded before the
/// substitution runs, and nothing is run.
fn the_prompt_shows_the_profile_name_literally(shell: &'static Shell, prompt: &str) {
    let sb = offline_sandbox();
    let s = Session::start(shell, &sb, &init(shell), &[]);
    let name = r"%F{red}x%% \u $(touch CANARY) 100%";
    let set = match shell.dialect {
        Dialect::Fish => format!("set -gx AWSRUNAS_PROFILE '{name}'"),
        _ => format!("export AWSRUNAS_PROFILE='{name}'"),
    };
    s.run(&format!("{set}; {prompt}"));
    s.enter();
    let shown = format!("|{name}|");
    let screen = s
        .term
        .wait_for("the profile in the prompt", |screen| screen.contains(&shown));
    assert!(!sb.home().join("CANARY").exists(), "{screen}");
}

#[test]
fn zsh_shows_the_profile_name_literally_in_a_prompt_subst_prompt() {
    the_prompt_shows_the_profile_name_literally(
        &ZSH,
        "setopt prompt_subst; PROMPT='[%?]> |$(runas_prompt)| '",
    );
}

#[test]
fn bash_shows_the_profile_name_literally_in_the_prompt() {
    the_prompt_shows_the_profile_name_literally(&BASH, "PS1='[$?]> |$(runas_prompt)| '");
}

#[test]
fn fish_shows_the_profile_name_literally_in_the_prompt() {
    the_prompt_shows_the_profile_name_literally(
        &FISH,
        "function fish_prompt; printf '[%s]> |' $status; runas_prompt; printf '| '; end",
    );
}

/// Another runas holds the lock of the credentials (it may be waiting for someone to type an
/// MFA code): the prompt's refresh gives up after a couple of seconds, not the two minutes an
/// interactive run waits, and says why in its one line.
fn a_refresh_does_not_wait_long_for_another_runas(shell: &'static Shell) {
    let moto = Moto::start();
    let sb = sandbox(&moto);
    let s = short_lived(shell, &sb, DUE_SOON);
    clock_ahead(&s, 1);
    use_prod(&s);
    // Hold every lock of the cache, as a runas waiting at the MFA prompt holds its key's.
    let held: Vec<std::fs::File> = std::fs::read_dir(sb.cache_dir())
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "lock"))
        .map(|p| {
            let f = std::fs::File::open(&p).unwrap();
            f.lock().unwrap();
            f
        })
        .collect();
    assert!(!held.is_empty(), "the switch left lock files");
    // Read with the locks held: a refresh may have come between the switch and here.
    let key = s.get("AWS_ACCESS_KEY_ID");
    // Each Enter waits for its prompt (at most DEADLINE): one that waited for the lock for
    // two minutes would fail here.
    let start = Instant::now();
    while !s.term.screen().contains("was not refreshed") {
        assert!(
            start.elapsed() < DEADLINE,
            "no refresh attempt:\n{}",
            s.term.screen()
        );
        std::thread::sleep(Duration::from_millis(200));
        let prompt = Instant::now();
        s.enter();
        assert!(
            prompt.elapsed() < Duration::from_secs(10),
            "a prompt waited {:?}",
            prompt.elapsed()
        );
    }
    let screen = s.term.screen();
    let line = screen.lines().find(|l| l.contains("was not refreshed")).unwrap();
    assert!(line.contains("another runas has held the lock"), "{line}");
    assert_eq!(s.get("AWS_ACCESS_KEY_ID"), key, "the shell keeps its credentials");
    drop(held);
}

#[test]
fn bash_a_refresh_does_not_wait_long_for_another_runas() {
    a_refresh_does_not_wait_long_for_another_runas(&BASH);
}

#[test]
fn zsh_a_refresh_does_not_wait_long_for_another_runas() {
    a_refresh_does_not_wait_long_for_another_runas(&ZSH);
}

#[test]
fn fish_a_refresh_does_not_wait_long_for_another_runas() {
    a_refresh_does_not_wait_long_for_another_runas(&FISH);
}

/// `runas use -s prod` gives the source profile's session token: the prompt says so, and the
/// refresh keeps it a session token (which needs a new MFA code) instead of switching into
/// the role.
fn a_session_switch_is_shown_and_refreshed_as_a_session(shell: &'static Shell) {
    let moto = Moto::start();
    let sb = sandbox(&moto);
    let s = Session::start(
        shell,
        &sb,
        &init(shell),
        &[("RUNAS_MIN_TTL", "899s"), ("SESSION_TOKEN_DURATION", "15m")],
    );
    assert_eq!(s.run("runas use -s prod -o 123456"), "0");
    let key = s.get("AWS_ACCESS_KEY_ID");
    assert!(
        !key.starts_with("ASIA"),
        "moto's session keys, not a role's: {key}"
    );
    assert!(s.term.query("runas_prompt; echo").starts_with("prod (session) "));
    let start = Instant::now();
    while !s.term.screen().contains("was not refreshed") {
        assert!(
            start.elapsed() < DEADLINE,
            "no refresh attempt:\n{}",
            s.term.screen()
        );
        std::thread::sleep(Duration::from_millis(200));
        s.enter();
    }
    let screen = s.term.screen();
    let line = screen.lines().find(|l| l.contains("was not refreshed")).unwrap();
    assert!(line.contains("an MFA code is needed"), "{line}");
    assert!(line.trim_end().ends_with("type: runas use -s prod"), "{line}");
    assert_eq!(s.get("AWS_ACCESS_KEY_ID"), key, "still the session, not the role");
    assert_eq!(s.get("AWSRUNAS_SESSION"), "1");
}

#[test]
fn bash_a_session_switch_is_shown_and_refreshed_as_a_session() {
    a_session_switch_is_shown_and_refreshed_as_a_session(&BASH);
}

#[test]
fn zsh_a_session_switch_is_shown_and_refreshed_as_a_session() {
    a_session_switch_is_shown_and_refreshed_as_a_session(&ZSH);
}

#[test]
fn fish_a_session_switch_is_shown_and_refreshed_as_a_session() {
    a_session_switch_is_shown_and_refreshed_as_a_session(&FISH);
}

/// `runas env` typed at a terminal, without eval, prints only the exports: a line on stderr
/// says how they are meant to be used. Captured by eval, nothing is added.
#[test]
fn env_at_a_terminal_says_how_to_use_its_output() {
    let moto = Moto::start();
    let sb = sandbox(&moto);
    let s = Session::start(&BASH, &sb, &init(&BASH), &[]);
    assert_eq!(s.run("runas env --shell bash prod -o 123456"), "0");
    assert!(
        s.term
            .screen()
            .contains("# to use these: eval \"$(runas env prod)\""),
        "{}",
        s.term.screen()
    );
    let hints = s.term.screen().matches("# to use these").count();
    assert_eq!(s.run("x=$(runas env --shell bash prod)"), "0");
    assert_eq!(
        s.term.screen().matches("# to use these").count(),
        hints,
        "captured: no hint"
    );
}

/// At the MFA prompt, a code typed with spaces is taken, and one that is not 6 digits is asked
/// for again instead of ending the run.
#[test]
fn the_mfa_prompt_takes_spaces_and_asks_again_after_a_typo() {
    let moto = Moto::start();
    let sb = sandbox(&moto);
    let env: Vec<(String, String)> = sb
        .shell_env()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_string().unwrap()))
        .chain([("TERM".to_string(), "screen".to_string())])
        .collect();
    let term = Term::start("bash", &["--norc", "--noprofile", "-i"], &env, sb.home());
    term.line("eval \"$(runas env --shell bash prod)\"");
    term.wait_count("MFA code for", 1);
    term.line("12345");
    term.wait_for("the second prompt", |s| {
        s.contains("try again") && s.matches("MFA code for").count() == 2
    });
    // Echo was off from the moment the prompt showed: the code typed then is not on screen.
    assert!(!term.screen().contains("alice: 12345"), "{}", term.screen());
    term.line("123 456");
    let key = term.query("printf '%s\\n' \"${AWS_ACCESS_KEY_ID-<unset>}\"");
    assert!(key.starts_with("ASIA"), "{key}\n{}", term.screen());
}
