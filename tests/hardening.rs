//! Hardening against another local user, a planted config line, a hostile or broken endpoint
//! and special files: the real binary, a local STS (moto) and canned-answer stubs. Each test
//! here failed on the runas before these checks.

use crate::common::moto::shared as moto;
use crate::common::sandbox::{CONFIG, CREDENTIALS, MFA_CODE, Sandbox, assert_error, stderr, stdout};
use crate::common::stub::{Answer, Flood, Stub};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant, SystemTime};

/// prod's credential_process document, with an MFA code.
const PROD_JSON: &[&str] = &["env", "--format", "json", "prod", "-o", MFA_CODE];

fn json(o: &std::process::Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_str(&stdout(o)).expect("JSON")
}

fn key_id(o: &std::process::Output) -> String {
    json(o)["AccessKeyId"].as_str().unwrap().to_string()
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A folder others can write to, or one another user owns, is not used as the cache: every run
/// calls STS (nothing it holds is believed) and says why once.
#[test]
fn a_cache_folder_others_can_write_or_own_is_not_used() {
    // It counts STS calls: a moto of its own.
    let moto = crate::common::moto::Moto::start();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let dir = sandbox.home().join("shared-cache");
    let dir_text = dir.to_str().unwrap().to_string();
    let mut cases = vec![(0o777, None), (0o775, None)];
    if is_root() {
        cases.push((0o700, Some(4242)));
    } else {
        panic!("giving a folder to another uid needs root (CI runs as root)");
    }
    for (mode, owner) in cases {
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(mode)).unwrap();
        if let Some(uid) = owner {
            std::os::unix::fs::chown(&dir, Some(uid), None).unwrap();
        }
        let vars = [("RUNAS_CACHE_DIR", dir_text.as_str())];
        let before = moto.sts_requests();
        let first = sandbox.run(PROD_JSON, &vars);
        let second = sandbox.run(PROD_JSON, &vars);
        assert_ne!(
            key_id(&first),
            key_id(&second),
            "mode {mode:o}: the second run was served from there"
        );
        assert_eq!(
            moto.sts_requests() - before,
            4,
            "two STS calls a run: nothing cached"
        );
        let err = stderr(&first);
        assert_eq!(err.lines().count(), 1, "{err:?}");
        assert!(
            err.contains("not using the cache folder") && err.contains("going on without the cache"),
            "{err}"
        );
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0, "nothing written there");
    }
}

/// A cache folder that cannot be made (here inside /proc, where even root cannot create one) is
/// said once per run, though a role behind an MFA session takes two locks.
#[test]
fn a_cache_folder_that_cannot_be_made_is_warned_about_once() {
    // It counts STS calls: a moto of its own.
    let moto = crate::common::moto::Moto::start();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let before = moto.sts_requests();
    let o = sandbox.run(
        PROD_JSON,
        &[("RUNAS_CACHE_DIR", "/proc/runas-no-such-folder/cache")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(moto.sts_requests() - before, 2, "a session and a role");
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot create the cache folder"), "{err}");
}

/// The owner of a folder could rename prod's 0600 entry onto dev's name: each entry records the
/// key it was written for, so dev never gets prod's credentials.
#[test]
fn an_entry_renamed_onto_another_profiles_name_is_a_miss() {
    let moto = moto();
    let config = format!(
        "{CONFIG}\n[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = default\n"
    );
    let sandbox = Sandbox::new(&moto.endpoint(), &config, CREDENTIALS);
    let prod = key_id(&sandbox.run(PROD_JSON, &[]));
    let before: Vec<_> = sandbox.cache_entries();
    let dev = key_id(&sandbox.run(&["env", "--format", "json", "dev", "--no-prompt"], &[]));
    let dev_entry = sandbox
        .cache_entries()
        .into_iter()
        .find(|p| !before.contains(p))
        .expect("dev's role entry");
    let prod_entry = before
        .iter()
        .find(|p| fs::read_to_string(p).unwrap().contains(&prod))
        .expect("prod's role entry");
    fs::copy(prod_entry, &dev_entry).unwrap();
    let again = key_id(&sandbox.run(&["env", "--format", "json", "dev", "--no-prompt"], &[]));
    assert_ne!(again, prod, "dev was served prod's credentials");
    assert_ne!(again, dev, "a fresh AssumeRole, not the planted file");
}

/// Credentials got from a planted `endpoint_url` (a plain-http one, which runas warns about
/// naming the file and line) are not served once that line is gone.
#[test]
fn credentials_from_a_planted_endpoint_stop_counting_when_it_is_gone() {
    let moto = moto();
    let stub = Stub::start(vec![
        Answer::session_token_ok(
            "ASIAPLANTEDSESSION00",
            "PlantedSessionToken",
            "2099-01-01T00:00:00Z",
        ),
        Answer::assume_role_ok(
            "ASIAPLANTEDROLE00000",
            "arn:aws:sts::123456789012:assumed-role/prod/alice",
            "2099-01-01T00:00:00Z",
        ),
    ]);
    let planted = format!("{CONFIG}\n").replace(
        "[profile prod]\n",
        &format!("[profile prod]\nendpoint_url = {}\n", stub.endpoint()),
    );
    let sandbox = Sandbox::new(&moto.endpoint(), &planted, CREDENTIALS);
    let run = |sandbox: &Sandbox| {
        sandbox
            .command()
            .env_remove("AWS_ENDPOINT_URL_STS")
            .args(PROD_JSON)
            .output()
            .unwrap()
    };
    let o = run(&sandbox);
    assert_eq!(key_id(&o), "ASIAPLANTEDROLE00000");
    let err = stderr(&o);
    let line = planted
        .lines()
        .position(|l| l.starts_with("endpoint_url"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "{}:{line}: the STS endpoint {} is plain http",
            sandbox.config_path().display(),
            stub.endpoint()
        )),
        "{err}"
    );
    // The line is gone (the profile goes to moto again): the planted credentials are not served.
    sandbox.write_config(&planted.replace(&stub.endpoint(), &moto.endpoint()));
    let o = run(&sandbox);
    assert!(key_id(&o).starts_with("ASIA") && key_id(&o) != "ASIAPLANTEDROLE00000");
}

/// An answer that claims credentials until 2999 is cut to the hour that was asked for.
#[test]
fn an_expiration_far_past_the_duration_asked_for_is_cut_to_it() {
    let stub = Stub::start(vec![
        Answer::session_token_ok("ASIASESSIONFOREVER00", "ForeverSession", "2999-01-01T00:00:00Z"),
        Answer::assume_role_ok(
            "ASIAROLEFOREVER00000",
            "arn:aws:sts::123456789012:assumed-role/prod/alice",
            "2999-01-01T00:00:00Z",
        ),
    ]);
    let sandbox = Sandbox::new(&stub.endpoint(), CONFIG, CREDENTIALS);
    let started = SystemTime::now();
    let doc = json(&sandbox.run(PROD_JSON, &[]));
    let expiration = humantime::parse_rfc3339(doc["Expiration"].as_str().unwrap()).unwrap();
    let lasts = expiration.duration_since(started).unwrap();
    assert!(lasts <= Duration::from_secs(3600 + 5), "{lasts:?}");
    let cached = fs::read_to_string(&sandbox.cache_entries()[0]).unwrap();
    assert!(!cached.contains("32503680000"), "{cached}");
}

/// A relative RUNAS_CACHE_DIR would make a cache inside whatever folder runas runs from.
#[test]
fn a_relative_cache_dir_is_refused_with_one_line() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let o = sandbox.run(PROD_JSON, &[("RUNAS_CACHE_DIR", "cache-here")]);
    assert!(o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("RUNAS_CACHE_DIR=\"cache-here\" is not an absolute path"),
        "{err}"
    );
    assert!(!sandbox.home().join("cache-here").exists());
}

/// With HOME unset there is no folder for the cache: runas works without it and says so.
#[test]
fn without_home_runas_works_without_the_cache_and_says_so() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let o = sandbox
        .command()
        .env_remove("HOME")
        .env_remove("RUNAS_CACHE_DIR")
        .env("AWS_CONFIG_FILE", sandbox.config_path())
        .env("AWS_SHARED_CREDENTIALS_FILE", sandbox.credentials_path())
        .args(PROD_JSON)
        .output()
        .unwrap();
    assert!(key_id(&o).starts_with("ASIA"));
    assert!(stderr(&o).contains("no folder for the cache"), "{}", stderr(&o));
}

/// An endpoint that streams a 100 GB answer: runas stops at 1 MiB, with one line, inside a
/// 1 GiB address-space limit (it used to grow until the memory ran out, then abort).
#[test]
fn a_huge_answer_is_refused_with_bounded_memory() {
    let flood = Flood::start(100 << 30);
    let sandbox = Sandbox::new(&flood.endpoint(), CONFIG, CREDENTIALS);
    let mut command = sandbox.command();
    command.args(PROD_JSON);
    // SAFETY: setrlimit is async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1 << 30,
                rlim_max: 1 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let started = Instant::now();
    let o = command.output().unwrap();
    assert_error(&o, "the answer is larger than 1024 KiB");
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// A 2xx answer is never shown, and one that is cut short or padded is an error, never
/// credentials (it used to give an empty secret and an expiry in 1970, exit 0).
#[test]
fn a_partial_or_padded_2xx_answer_is_an_error_and_never_shown() {
    let whole = Answer::session_token_ok(
        "ASIAPARTIALSESSION00",
        "PartialSessionTokenSecret",
        "2099-01-01T00:00:00Z",
    )
    .body;
    let cut = whole[..whole.find("<Expiration>").unwrap()].to_string();
    let padded = format!("{whole}<trailing>garbage");
    for (what, body) in [("cut", cut), ("padded", padded)] {
        let stub = Stub::start(vec![Answer { status: 200, body }]);
        let sandbox = Sandbox::new(&stub.endpoint(), CONFIG, CREDENTIALS);
        let o = sandbox.run(&["env", "--format", "json", "default", "-o", MFA_CODE], &[]);
        assert_error(&o, "is not a complete STS answer");
        let err = stderr(&o);
        assert!(
            !err.contains("ASIAPARTIAL") && !err.contains("PartialSessionToken"),
            "{what}: {err}"
        );
        assert!(sandbox.cache_entries().is_empty(), "{what}: cached");
    }
}

/// A FIFO or a character device named as a config or credentials file is one line, at once:
/// it used to hang runas (and the prompt hook) or read /dev/urandom until memory ran out.
#[test]
fn special_files_are_refused_at_once() {
    let sandbox = Sandbox::new(&crate::common::dead_endpoint(), CONFIG, CREDENTIALS);
    let fifo = sandbox.home().join("config.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (var, path) in [
        ("AWS_CONFIG_FILE", fifo.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/urandom"),
    ] {
        let started = Instant::now();
        let o = sandbox.run(&["list"], &[(var, path)]);
        assert_error(&o, &format!("{path} is not a regular file"));
        assert!(started.elapsed() < Duration::from_secs(5), "{var}");
    }
}

/// A chain of 20 000 source_profile hops is refused in one line (it used to overflow the stack).
#[test]
fn a_very_long_source_profile_chain_is_refused() {
    let mut config = String::from("[default]\nregion = us-east-1\n");
    for i in 0..20_000 {
        config.push_str(&format!(
            "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = p{}\n",
            i + 1
        ));
    }
    config.push_str("[profile p20000]\nregion = us-east-1\n");
    let credentials = "[p20000]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n";
    let sandbox = Sandbox::new(&crate::common::dead_endpoint(), &config, credentials);
    let o = sandbox.run(&["env", "--format", "json", "p0"], &[]);
    assert_error(
        &o,
        "profile \"p0\": its source_profile chain is longer than 16 roles (p0 → p1 → p2 → p3, …)",
    );
}

/// Names and values of any length are shown (no "Formatting argument out of range" abort), and
/// a typo of thousands of characters gets its error at once.
#[test]
fn absurd_lengths_neither_abort_nor_take_long() {
    let long = "x".repeat(70_000);
    let mut config = format!("[default]\nregion = {long}\n[profile {long}]\nregion = r\n");
    for i in 0..200 {
        config.push_str(&format!("[profile {}{i}]\nregion = r\n", "n".repeat(2_000)));
    }
    let sandbox = Sandbox::new(&crate::common::dead_endpoint(), &config, CREDENTIALS);
    let o = sandbox.run(&["list"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(&long));
    let o = sandbox.run(&["config", &long], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let typo = "m".repeat(2_000);
    let started = Instant::now();
    let o = sandbox.run(&["config", &typo], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// A terminal escape sequence in a value or a profile name (an OSC 52 that writes the
/// clipboard) reaches the terminal escaped, from list, config and doctor.
#[test]
fn control_characters_reach_the_terminal_escaped() {
    let osc52 = "\u{1b}]52;c;aGk=\u{7}";
    let config = format!("[default]\nregion = {osc52}\n[profile e{osc52}]\nregion = r\n");
    let sandbox = Sandbox::new(&crate::common::dead_endpoint(), &config, CREDENTIALS);
    for args in [&["list"][..], &["config", "default"], &["doctor"]] {
        let o = sandbox.run(args, &[]);
        let out = format!("{}{}", stdout(&o), stderr(&o));
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{args:?}: {out:?}"
        );
    }
    assert!(stdout(&sandbox.run(&["list"], &[])).contains("e\\u{1b}]52;c;aGk=\\u{7}"));
}

/// No core file for runas itself (Ctrl-\ during an STS call would write the long-term secret to
/// disk), and the command `exec` runs gets the limit the user had.
#[test]
fn runas_keeps_no_core_file_and_exec_gives_back_the_users_limit() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let with_core_limit = |command: &mut std::process::Command| {
        // SAFETY: setrlimit is async-signal-safe.
        unsafe {
            command.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: 1 << 20,
                    rlim_max: libc::RLIM_INFINITY,
                };
                libc::setrlimit(libc::RLIMIT_CORE, &limit);
                Ok(())
            });
        }
    };
    let core_line = |limits: &str| {
        limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap()
            .split_whitespace()
            .nth(4)
            .unwrap()
            .to_string()
    };
    // The command: the user's 1 MiB.
    let mut exec = sandbox.command();
    exec.args(["exec", "prod", "-o", MFA_CODE, "--", "cat", "/proc/self/limits"]);
    with_core_limit(&mut exec);
    let o = exec.output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(core_line(&stdout(&o)), "1048576");
    // runas itself, held at another runas's lock: none.
    let lock_dir = sandbox.cache_dir();
    let held: Vec<fs::File> = fs::read_dir(&lock_dir)
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "lock"))
        .map(|p| {
            let f = fs::File::open(p).unwrap();
            f.lock().unwrap();
            f
        })
        .collect();
    let mut waiting = sandbox.command();
    waiting.args(["env", "--format", "json", "prod", "-r", "-o", MFA_CODE]);
    with_core_limit(&mut waiting);
    let mut child = waiting
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let limits = fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    drop(held);
    assert_eq!(core_line(&limits), "0", "{limits}");
}

/// Started with standard input, output and error closed (`runas env -v prod >&- 2>&- <&-`),
/// runas must not let the files it opens take their numbers: what it means for stdout or
/// stderr (the exports, the `-v` lines) would be written into whatever got descriptor 1 or 2,
/// such as a cache entry or its lock, or fail and end the run.
#[test]
fn closed_standard_streams_never_send_output_into_runas_files() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), CONFIG, CREDENTIALS);
    let mut cold = sandbox.command();
    cold.args(["env", "-v", "--shell", "bash", "prod", "-o", MFA_CODE]);
    // SAFETY: close is async-signal-safe.
    unsafe {
        cold.pre_exec(|| {
            for fd in 0..3 {
                libc::close(fd);
            }
            Ok(())
        });
    }
    let status = cold.status().unwrap();
    assert!(status.success(), "{status:?}");
    let files: Vec<_> = fs::read_dir(sandbox.cache_dir())
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path()))
        .collect();
    assert!(
        files.len() >= 4,
        "a session and a role entry, each with its lock: {files:?}"
    );
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        assert!(!text.contains("export"), "{}: {text}", file.display());
        if file.extension().is_some_and(|e| e == "json") {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}: {text}", file.display()));
        }
    }
    assert_eq!(fs::read_to_string(sandbox.config_path()).unwrap(), CONFIG);
    assert_eq!(
        fs::read_to_string(sandbox.credentials_path()).unwrap(),
        CREDENTIALS
    );
    let warm = sandbox.run(&["env", "--shell", "bash", "prod", "--no-prompt"], &[]);
    assert!(warm.status.success(), "{}", stderr(&warm));
    assert!(
        stdout(&warm).contains("export AWS_SESSION_TOKEN="),
        "{}",
        stdout(&warm)
    );
}

/// The binary exports no symbols of its own. The linker would otherwise export each function
/// runas defines that a library on the link line defines too (C's `pow`, and in release builds
/// the unwinder's entry points), and a library loaded later, by glibc or an NSS module, would
/// call runas's definitions instead of its own.
#[cfg(target_os = "linux")]
#[test]
fn the_binary_exports_no_symbols() {
    let out = std::process::Command::new("readelf")
        .args(["--dyn-syms", "--wide", env!("CARGO_BIN_EXE_runas")])
        .output()
        .expect("readelf (binutils, which linking needs anyway)");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let imports = text.lines().filter(|l| l.contains(" UND ")).count();
    assert!(imports > 10, "readelf listed the imports from libc: {text}");
    let defined: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" FUNC ") || l.contains(" OBJECT "))
        .filter(|l| !l.contains(" UND "))
        .collect();
    assert!(defined.is_empty(), "exported: {defined:#?}");
}
