//! `runas env` and `runas unset` end to end: the real binary against a local STS
//! (moto), its output evaluated by the real bash, zsh, dash and fish with strict flags, the way
//! users run it (`eval "$(runas env prod)"`, `runas env prod | source`).
//!
//! Every shell runs one script that batches all its checks; its stderr must stay empty and its
//! status 0. The values come back through `printf '%s'` into files and through `env -0`, so the
//! test compares bytes. The hostile values are in src/shell/mod.rs.

use crate::common;

use common::pwsh;
use common::sandbox::{CONFIG, PROD_ROLE, assert_error, stderr, stdout};
use common::shells::{BASH, DASH, Dialect, FISH, PWSH, SHELLS, Shell, ZSH};
use common::world::World;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};
use std::time::UNIX_EPOCH;

/// Variables the shells themselves set or change, left out when environments are compared.
const SHELL_OWN: [&str; 4] = ["_", "SHLVL", "PWD", "OLDPWD"];

/// `env` without the variables the shell keeps for itself.
fn without_shell_own(env: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    env.iter()
        .filter(|(name, _)| !SHELL_OWN.contains(&name.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The scripts below run in SHELLS; pwsh runs only in `assert_pwsh_round_trip`, with a script of
/// its own.
const PWSH_HAS_ITS_OWN_SCRIPT: &str = "the scripts of this file are for the POSIX shells and fish";

/// The line that writes the value of `var` to `file` byte for byte; the script fails when
/// `var` is not set (`-u` in the POSIX shells, an explicit exit in fish).
fn print_line(d: Dialect, var: &str, file: &str) -> String {
    match d {
        Dialect::Posix => format!("printf '%s' \"${var}\" > {file}"),
        Dialect::Fish => format!("set -q {var}; or exit 91\nprintf '%s' ${var} > {file}"),
        Dialect::Pwsh => unimplemented!("{PWSH_HAS_ITS_OWN_SCRIPT}"),
    }
}

/// The line that makes the script exit with `code` when `var` is set.
fn fail_if_set(d: Dialect, var: &str, code: u8) -> String {
    match d {
        Dialect::Posix => format!("if [ -n \"${{{var}+set}}\" ]; then exit {code}; fi"),
        Dialect::Fish => format!("if set -q {var}; exit {code}; end"),
        Dialect::Pwsh => unimplemented!("{PWSH_HAS_ITS_OWN_SCRIPT}"),
    }
}

/// The line that writes what a child of the shell gets as its environment.
fn env_line(file: &str) -> String {
    format!("env -0 > {file}")
}

#[test]
fn env_sets_the_credentials_of_the_credential_process_document_in_every_shell() {
    let world = World::new(CONFIG);
    let doc = world.warm();
    let text = |key: &str| {
        doc[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} in {doc}"))
            .to_string()
    };
    let expiration = text("Expiration");
    assert!(expiration.ends_with('Z'), "{expiration}");
    let expires = humantime::parse_rfc3339(&expiration)
        .expect("RFC 3339")
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expected = [
        ("AWS_ACCESS_KEY_ID", text("AccessKeyId")),
        ("AWS_SECRET_ACCESS_KEY", text("SecretAccessKey")),
        ("AWS_SESSION_TOKEN", text("SessionToken")),
        ("AWS_SECURITY_TOKEN", text("SessionToken")),
        ("AWS_CREDENTIAL_EXPIRATION", expiration.clone()),
        ("AWSRUNAS_EXPIRES", expires.to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_DEFAULT_REGION", "us-east-1".to_string()),
        ("AWSRUNAS_PROFILE", "prod".to_string()),
    ];
    for shell in SHELLS {
        let d = shell.dialect;
        let mut script = vec![shell.eval(&format!("runas env --shell {} prod", shell.flag))];
        for (name, _) in &expected {
            script.push(print_line(d, name, &format!("out/{name}")));
        }
        script.push(fail_if_set(d, "AWS_PROFILE", 81));
        script.push(fail_if_set(d, "AWS_DEFAULT_PROFILE", 82));
        script.push(print_line(d, "_runas_saved", "out/saved"));
        script.push(env_line("out/env"));
        let script = script.join("\n");
        let ran = world.shell(
            shell,
            &script,
            &[("AWS_PROFILE", "dev"), ("AWS_DEFAULT_PROFILE", "dev")],
        );
        ran.assert_clean(&script);

        let env = world.out_env("env");
        for (name, value) in &expected {
            assert_eq!(world.out(name), *value, "{}: {name} in the shell", shell.program);
            assert_eq!(
                env.get(*name),
                Some(value),
                "{}: {name} in a child",
                shell.program
            );
        }
        let exported = world.out("AWSRUNAS_EXPIRES");
        assert!(exported.bytes().all(|b| b.is_ascii_digit()), "{exported:?}");
        for gone in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
            assert!(!env.contains_key(gone), "{}: {gone} in a child", shell.program);
        }
        // The first switch remembers what the shell had, for `runas unset`, in a shell
        // variable that no child sees.
        let saved: serde_json::Value =
            serde_json::from_str(&world.out("saved")).expect("_runas_saved is JSON");
        assert_eq!(
            saved,
            serde_json::json!({"AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "dev"}),
            "{}",
            shell.program
        );
        // Nothing else of runas's or AWS's is left in the environment.
        let ours: BTreeSet<&str> = env
            .keys()
            .map(String::as_str)
            .filter(|k| k.starts_with("AWS") || k.starts_with("RUNAS_"))
            .collect();
        let mut wanted: BTreeSet<&str> = expected.iter().map(|(k, _)| *k).collect();
        wanted.extend([
            "RUNAS_CACHE_DIR",
            "AWS_EC2_METADATA_DISABLED",
            "AWS_ENDPOINT_URL_STS",
            "AWS_ROLE_SESSION_NAME",
        ]);
        assert_eq!(ours, wanted, "{}", shell.program);
    }
}

/// The user's own AWS variables before runas: a hostile session token (quotes, backslash,
/// code, a newline) and an empty but set AWS_DEFAULT_REGION must come back exactly too.
const ORIGINAL: &[(&str, &str)] = &[
    ("AWS_PROFILE", "dev"),
    ("AWS_REGION", "us-east-2"),
    ("AWS_DEFAULT_REGION", ""),
    ("AWS_ACCESS_KEY_ID", "AKIAORIGINAL0EXAMPLE"),
    (
        "AWS_SESSION_TOKEN",
        "it's $(touch CANARY) `touch CANARY` \\ ‘q’ a\\\\b\nsecond line",
    ),
];

#[test]
fn unset_after_two_switches_restores_the_environment_byte_for_byte() {
    let world = World::new(CONFIG);
    world.warm();
    for shell in SHELLS {
        let d = shell.dialect;
        let script = [
            env_line("out/before"),
            shell.eval(&format!("runas env --shell {} prod", shell.flag)),
            print_line(d, "AWS_REGION", "out/region-prod"),
            print_line(d, "AWS_ACCESS_KEY_ID", "out/key-prod"),
            shell.eval(&format!("runas env --shell {} ops", shell.flag)),
            print_line(d, "AWS_REGION", "out/region-ops"),
            print_line(d, "AWSRUNAS_PROFILE", "out/profile-ops"),
            print_line(d, "AWS_ACCESS_KEY_ID", "out/key-ops"),
            fail_if_set(d, "AWS_PROFILE", 81),
            shell.eval(&format!("runas unset --shell {}", shell.flag)),
            env_line("out/after"),
        ]
        .join("\n");
        let ran = world.shell(shell, &script, ORIGINAL);
        world.assert_no_canary(shell.program);
        ran.assert_clean(&script);

        let before = world.out_env("before");
        for (name, value) in ORIGINAL {
            assert_eq!(
                before.get(*name).map(String::as_str),
                Some(*value),
                "{name} to start with"
            );
        }
        assert_eq!(
            without_shell_own(&world.out_env("after")),
            without_shell_own(&before),
            "{}: the environment after runas unset",
            shell.program
        );
        // The user's AWS_REGION wins over the profiles' (README: environment > profile). For
        // the second switch a plain eval cannot show runas the shell's saved state (it is not
        // exported, so no child sees the previous keys): runas leaves out the region it set
        // itself and ops gets its own. Through the hook, which hands the save over, the user's
        // region still wins (tests/hooks.rs).
        assert_eq!(world.out("region-prod"), "us-east-2", "{}", shell.program);
        assert_eq!(world.out("region-ops"), "eu-west-1", "{}", shell.program);
        assert_eq!(world.out("profile-ops"), "ops", "{}", shell.program);
        let keys = [world.out("key-prod"), world.out("key-ops")];
        assert!(
            keys.iter().all(|k| k.starts_with("ASIA")),
            "{}: {keys:?}",
            shell.program
        );
        assert_ne!(keys[0], keys[1], "{}: ops has its own credentials", shell.program);
    }
}

#[test]
fn a_region_runas_set_for_one_profile_does_not_stick_to_the_next() {
    let world = World::new(CONFIG);
    world.warm();
    for shell in SHELLS {
        let d = shell.dialect;
        let mut script = Vec::new();
        // prod takes us-east-1 from [default], ops has eu-west-1 in its own section.
        for (step, profile) in ["prod", "ops", "prod"].iter().enumerate() {
            script.push(shell.eval(&format!("runas env --shell {} {profile}", shell.flag)));
            script.push(print_line(d, "AWS_REGION", &format!("out/region-{step}")));
            script.push(print_line(
                d,
                "AWS_DEFAULT_REGION",
                &format!("out/default-region-{step}"),
            ));
        }
        script.push(shell.eval(&format!("runas unset --shell {}", shell.flag)));
        script.push(fail_if_set(d, "AWS_REGION", 83));
        script.push(fail_if_set(d, "AWS_DEFAULT_REGION", 84));
        let script = script.join("\n");
        world.shell(shell, &script, &[]).assert_clean(&script);
        for (step, region) in ["us-east-1", "eu-west-1", "us-east-1"].iter().enumerate() {
            assert_eq!(
                world.out(&format!("region-{step}")),
                *region,
                "{} step {step}",
                shell.program
            );
            assert_eq!(
                world.out(&format!("default-region-{step}")),
                *region,
                "{} step {step}",
                shell.program
            );
        }
    }
}

/// The hostile values that a section header can hold (no newline, nothing
/// that trims away; a lone tab becomes `a\tb`), with `touch CANARY` as the code, and more
/// that some shell reads specially.
const HOSTILE_NAMES: &[&str] = &[
    "it's",
    "a\\",
    "a\\\\b",
    "$HOME",
    "`touch CANARY`",
    "$(touch CANARY)",
    "!x",
    "a b",
    "a\tb",
    "'",
    "‘smart’",
    "%PATH%",
    ";touch CANARY",
    "-n",
    "--",
    "é",
    "日本",
    "🦀",
    // More than the quoters' table lists.
    "--shell=fish",
    "-",
    "=ls",
    "~",
    "*",
    "#x",
    ";x",
    "[x",
    "a]b",
    "\"",
    "\\'",
    "'\\''",
    "a\\'b",
    "’",
    "‚‛",
    "'; touch CANARY; '",
    "’; touch CANARY; ’",
    "\"; touch CANARY; \"",
    "a|touch CANARY",
    "a&&touch CANARY",
    "{a,b}",
    "$'x'",
    "a\u{1b}[31mb",
    "\u{feff}x\u{202e}y",
    "x\u{7f}",
];

/// The sandbox config plus one `[profile NAME]` for each name, all assuming prod's role.
fn config_with(names: &[String]) -> String {
    let mut config = CONFIG.to_string();
    for name in names {
        config.push_str(&format!("\n[profile {name}]\n{PROD_ROLE}"));
    }
    config
}

/// For each name, in one `shell` process: `runas env --shell S -- NAME` (the name comes in
/// from the environment, so the test's own quoting plays no part), evaluated, then
/// AWSRUNAS_PROFILE printed; each must be the name's exact bytes, and nothing may run.
fn assert_profile_names_round_trip(world: &World, shell: &Shell, names: &[String]) {
    let d = shell.dialect;
    let vars: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (format!("TEST_NAME_{i}"), name.clone()))
        .collect();
    let mut script = Vec::new();
    for i in 0..names.len() {
        let arg = match d {
            Dialect::Posix => format!("\"$TEST_NAME_{i}\""),
            Dialect::Fish => format!("$TEST_NAME_{i}"),
            Dialect::Pwsh => unimplemented!("{PWSH_HAS_ITS_OWN_SCRIPT}"),
        };
        script.push(shell.eval(&format!("runas env --shell {} -- {arg}", shell.flag)));
        script.push(print_line(d, "AWSRUNAS_PROFILE", &format!("out/{i}")));
    }
    script.push(env_line("out/env"));
    let script = script.join("\n");
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let ran = world.shell(shell, &script, &vars);
    world.assert_no_canary(shell.program);
    ran.assert_clean(&format!("{} names", names.len()));
    for (i, name) in names.iter().enumerate() {
        assert_eq!(
            world.out(&i.to_string()).as_bytes(),
            name.as_bytes(),
            "{}: AWSRUNAS_PROFILE for profile {name:?}",
            shell.program
        );
    }
    let last = names.last().expect("names");
    assert_eq!(
        world.out_env("env").get("AWSRUNAS_PROFILE"),
        Some(last),
        "{}",
        shell.program
    );
}

/// A world whose config holds a profile for each name, with every name checked to be read
/// literally by the config parser first (so a failure later is the shell output's).
fn world_with_names(names: &[String]) -> World {
    let world = World::new(&config_with(names));
    world.warm();
    let o = world.sandbox.run(&["list", "--names"], &[]);
    assert!(o.status.success(), "runas list: {}", stderr(&o));
    let listed: BTreeSet<String> = stdout(&o).lines().map(str::to_string).collect();
    for name in names {
        assert!(
            listed.contains(name),
            "the config parser did not read [profile {name}] as {name:?}; it listed {listed:?}"
        );
    }
    world
}

fn hostile_names() -> Vec<String> {
    HOSTILE_NAMES.iter().map(|n| (*n).to_string()).collect()
}

#[test]
fn hostile_profile_names_come_back_exactly_in_every_shell_and_run_nothing() {
    let names = hostile_names();
    let world = world_with_names(&names);
    for shell in SHELLS {
        assert_profile_names_round_trip(&world, shell, &names);
    }
}

/// Characters that mean something to some shell or to the INI reader, to mix into generated
/// names: uniform Unicode would almost never hit them.
const SPECIAL: &[char] = &[
    '\'', '"', '\\', '$', '`', '!', '\t', ' ', ';', '&', '|', '<', '>', '(', ')', '{', '}', '[', ']', '*',
    '?', '~', '#', '=', '%', '-', '^', '@', ':', 'a', '‘', '’', '‚', '‛', '“', '”', 'é', '日', '🦀',
    '\u{1b}', '\u{7f}', '\u{a0}', '\u{2028}',
];

/// A name that a `[profile NAME]` header holds literally: no line break, nothing that the
/// header's trimming would drop, no `]` at the end, and none of the sandbox's own profiles.
fn name_strategy() -> impl Strategy<Value = String> {
    let char = prop_oneof![
        2 => proptest::sample::select(SPECIAL),
        1 => any::<char>().prop_filter("a header is one line", |c| !matches!(c, '\0' | '\n' | '\r')),
    ];
    proptest::collection::vec(char, 1..24)
        .prop_map(String::from_iter)
        .prop_filter("a header holds it literally", |name| {
            name.trim() == name
                && !name.ends_with(']')
                && !["default", "prod", "ops"].contains(&name.as_str())
        })
}

/// 256 distinct names, in a stable order.
fn names_strategy() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::btree_set(name_strategy(), 256).prop_map(|set| set.into_iter().collect())
}

/// One case of 256 names per shell: one config, one shell process; the assertion names the
/// profile that did not come back, so shrinking (a rerun per step) would add nothing.
fn one_batch() -> ProptestConfig {
    ProptestConfig {
        cases: 1,
        failure_persistence: None,
        max_shrink_iters: 0,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(one_batch())]

    #[test]
    fn bash_reads_256_generated_profile_names_exactly(names in names_strategy()) {
        assert_profile_names_round_trip(&world_with_names(&names), &BASH, &names);
    }

    #[test]
    fn zsh_reads_256_generated_profile_names_exactly(names in names_strategy()) {
        assert_profile_names_round_trip(&world_with_names(&names), &ZSH, &names);
    }

    #[test]
    fn dash_reads_256_generated_profile_names_exactly(names in names_strategy()) {
        assert_profile_names_round_trip(&world_with_names(&names), &DASH, &names);
    }

    #[test]
    fn fish_reads_256_generated_profile_names_exactly(names in names_strategy()) {
        assert_profile_names_round_trip(&world_with_names(&names), &FISH, &names);
    }
}

/// `runas env --shell pwsh -- NAME` for each name: the output parses with no error node, one
/// statement a line, and the string assigned to `$Env:AWSRUNAS_PROFILE` reads back as NAME.
fn assert_pwsh_output_for_names(world: &World, names: &[String]) {
    for name in names {
        let o = world.sandbox.run(&["env", "--shell", "pwsh", "--", name], &[]);
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "{name:?}: {}",
            stderr(&o)
        );
        let source = stdout(&o);
        let tree = pwsh::parse(&source);
        let errors = pwsh::syntax_errors(&tree);
        assert!(
            errors.is_empty(),
            "{name:?}: syntax errors {errors:?} in\n{source}"
        );
        let statements = pwsh::statements(&tree);
        assert_eq!(
            statements.len(),
            source.lines().count(),
            "{name:?}: one statement a line\n{source}"
        );
        let text = |n: tree_sitter::Node<'_>| source[n.byte_range()].to_string();
        let assigned: Vec<String> = statements
            .iter()
            .filter(|s| {
                pwsh::of_kind(**s, "variable")
                    .into_iter()
                    .any(|v| text(v) == "$Env:AWSRUNAS_PROFILE")
            })
            .flat_map(|s| pwsh::of_kind(*s, "verbatim_string_characters"))
            .map(text)
            .collect();
        assert_eq!(
            assigned.len(),
            1,
            "{name:?}: one string for AWSRUNAS_PROFILE in\n{source}"
        );
        assert_eq!(
            pwsh::unquote(&assigned[0]).as_deref(),
            Some(name.as_str()),
            "{name:?}: {:?}",
            assigned[0]
        );
    }
}

/// The real round trip in pwsh, in one pwsh process: `runas env --shell pwsh -- NAME` for each
/// name, evaluated, then AWSRUNAS_PROFILE written out; each must be the name's exact bytes, and
/// nothing may run. Fails where pwsh is not on PATH.
fn assert_pwsh_round_trip(world: &World, names: &[String]) {
    let pwsh = PWSH.path();
    // Arguments come from variables: pwsh passes a variable's value to a native command as one
    // argument, where a literal `--` could be taken by pwsh itself.
    let mut script = vec![
        "$ErrorActionPreference = 'Stop'".to_string(),
        "$PSNativeCommandArgumentPassing = 'Standard'".to_string(),
        "$sep = '--'".to_string(),
    ];
    for i in 0..names.len() {
        script.push(format!(
            "{}\n[IO.File]::WriteAllText((Join-Path $PWD 'out/{i}'), $Env:AWSRUNAS_PROFILE)",
            PWSH.eval(&format!("runas env --shell pwsh $sep $Env:TEST_NAME_{i}"))
        ));
    }
    let out = world.home().join("out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir(&out).unwrap();
    let script_path = world.home().join("script.ps1");
    std::fs::write(&script_path, script.join("\n")).unwrap();
    let o = Command::new(pwsh)
        .args(PWSH.args)
        .arg(&script_path)
        .env_clear()
        .envs(world.sandbox.shell_env())
        .envs(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (format!("TEST_NAME_{i}"), n)),
        )
        .current_dir(world.home())
        .stdin(Stdio::null())
        .output()
        .expect("start pwsh");
    world.assert_no_canary("pwsh");
    assert!(o.status.success() && o.stderr.is_empty(), "pwsh: {}", stderr(&o));
    for (i, name) in names.iter().enumerate() {
        assert_eq!(world.out(&i.to_string()), *name, "pwsh: AWSRUNAS_PROFILE");
    }
}

/// Generated values go through the same formatter; the proptest in src/shell/pwsh.rs parses
/// those, so this end-to-end check keeps to the hostile names.
#[test]
fn pwsh_output_for_hostile_profile_names_parses_without_an_error_node() {
    let names = hostile_names();
    assert_pwsh_output_for_names(&world_with_names(&names), &names);
}

#[test]
#[ignore = "needs pwsh, which is not installable on these machines; run with --ignored where pwsh is on PATH"]
fn pwsh_reads_hostile_profile_names_exactly_and_runs_none() {
    let names = hostile_names();
    assert_pwsh_round_trip(&world_with_names(&names), &names);
}

#[test]
fn env_without_shell_writes_the_syntax_of_the_shell_it_runs_from() {
    let world = World::new(CONFIG);
    world.warm();
    for shell in SHELLS {
        let d = shell.dialect;
        // $SHELL and RUNAS_SHELL (which older hooks exported) name the other family: only the
        // parent process can give the right answer.
        let (other, login_shell) = match d {
            Dialect::Posix => ("fish", "/usr/bin/fish"),
            Dialect::Fish => ("bash", "/bin/bash"),
            Dialect::Pwsh => unimplemented!("{PWSH_HAS_ITS_OWN_SCRIPT}"),
        };
        let script = [
            // Not the last command: no shell may exec it in place of itself.
            "runas env prod > out/detected".to_string(),
            format!("runas env --shell {} prod > out/explicit", shell.flag),
            "timeout 5 runas env prod > out/through_timeout".to_string(),
            format!("runas env --shell {other} prod > out/other"),
            // The form users type must evaluate cleanly too.
            shell.eval("runas env prod"),
            print_line(d, "AWSRUNAS_PROFILE", "out/profile"),
        ]
        .join("\n");
        world
            .shell(shell, &script, &[("SHELL", login_shell), ("RUNAS_SHELL", other)])
            .assert_clean(&script);
        let (detected, explicit) = (world.out("detected"), world.out("explicit"));
        let first_word = match d {
            Dialect::Posix => "[ -n ",
            Dialect::Fish => "set -q _runas_saved",
            Dialect::Pwsh => unimplemented!("{PWSH_HAS_ITS_OWN_SCRIPT}"),
        };
        assert!(explicit.starts_with(first_word), "{}: {explicit}", shell.program);
        assert_eq!(
            detected, explicit,
            "{}: detected from the parent process",
            shell.program
        );
        assert_eq!(
            world.out("through_timeout"),
            explicit,
            "{}: through timeout",
            shell.program
        );
        assert_ne!(detected, world.out("other"), "{}", shell.program);
        assert_eq!(world.out("profile"), "prod", "{}", shell.program);
    }
}

/// `SHELL=/usr/bin/fish bash -c 'x=$(timeout 5 runas env prod)'`: bash reads it, whatever the
/// login shell; from a program that is no shell, the nearest shell above decides: POSIX output
/// inside bash, and an error that asks for --shell inside fish (a POSIX `eval` is not what
/// reads it there). With no shell above at all it is the same error (a unit test in
/// src/shell/detect.rs: every process here has a shell above it).
#[test]
fn env_from_another_program_writes_posix_only_inside_a_posix_shell() {
    let world = World::new(CONFIG);
    world.warm();
    let run = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .env_clear()
            .envs(world.sandbox.shell_env())
            .env("SHELL", "/usr/bin/fish")
            .current_dir(world.home())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let explicit = stdout(&world.sandbox.run(&["env", "--shell", "sh", "prod"], &[]));
    let python =
        "import subprocess, sys; r = subprocess.run(['runas', 'env', 'prod']); sys.exit(r.returncode)";

    let o = run(
        "bash",
        &["-c", "x=$(timeout 5 runas env prod) && printf %s \"$x\""],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(format!("{}\n", stdout(&o)), explicit, "bash through timeout");

    let o = run("bash", &["-c", &format!("python3 -c \"{python}\"; echo")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!("{explicit}\n"),
        "python3 inside bash: POSIX sh"
    );

    let o = run(
        "fish",
        &["--no-config", "-c", &format!("python3 -c \"{python}\"")],
    );
    assert_error_status(
        &o,
        2,
        "runas was started by \"python3\" inside fish; pass --shell",
    );
}

/// Exit `code`, nothing on stdout, one line on stderr with `message`.
fn assert_error_status(o: &std::process::Output, code: i32, message: &str) {
    assert_eq!(o.status.code(), Some(code), "stderr: {}", stderr(o));
    assert!(o.stdout.is_empty(), "stdout must stay empty: {:?}", stdout(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(message), "{err:?} should contain {message:?}");
}

#[test]
fn a_failed_env_changes_nothing_and_exits_1_with_empty_stdout_in_every_shell() {
    let world = World::new(CONFIG);
    world.warm();
    for shell in SHELLS {
        let d = shell.dialect;
        let failing = |n: u8| match d {
            Dialect::Posix => format!("eval \"$(runas env nope 2> out/err{n})\""),
            Dialect::Fish => {
                format!("runas env nope 2> out/err{n} | source\necho $pipestatus[1] > out/pipestatus{n}")
            }
            Dialect::Pwsh => unimplemented!("{PWSH_HAS_ITS_OWN_SCRIPT}"),
        };
        let status_line = match d {
            Dialect::Posix => "if runas env nope > out/stdout 2> out/err2; then echo 0 > out/status; \
                               else echo $? > out/status; fi"
                .to_string(),
            Dialect::Fish => "runas env nope > out/stdout 2> out/err2\necho $status > out/status".to_string(),
            Dialect::Pwsh => unimplemented!("{PWSH_HAS_ITS_OWN_SCRIPT}"),
        };
        let script = [
            env_line("out/before0"),
            failing(0),
            env_line("out/after0"),
            // After a switch, a failed one must keep that switch, its saved state included.
            shell.eval(&format!("runas env --shell {} prod", shell.flag)),
            env_line("out/before1"),
            failing(1),
            env_line("out/after1"),
            status_line,
        ]
        .join("\n");
        world.shell(shell, &script, ORIGINAL).assert_clean(&script);
        world.assert_no_canary(shell.program);
        for n in 0..2 {
            assert_eq!(
                without_shell_own(&world.out_env(&format!("after{n}"))),
                without_shell_own(&world.out_env(&format!("before{n}"))),
                "{}: the environment after a failed runas env (case {n})",
                shell.program
            );
        }
        assert!(
            !world
                .out_env("before1")
                .keys()
                .any(|k| k.contains("SAVED") || k.contains("saved"))
        );
        for n in 0..3 {
            let err = world.out(&format!("err{n}"));
            assert_eq!(err.lines().count(), 1, "{}: {err:?}", shell.program);
            assert!(
                err.contains("unknown profile \"nope\""),
                "{}: {err:?}",
                shell.program
            );
        }
        assert_eq!(
            world.out("stdout"),
            "",
            "{}: stdout of a failed runas env",
            shell.program
        );
        assert_eq!(world.out("status"), "1\n", "{}: exit status", shell.program);
        if d == Dialect::Fish {
            for n in 0..2 {
                assert_eq!(world.out(&format!("pipestatus{n}")), "1\n", "fish: $pipestatus");
            }
        }
    }
    // The same straight from a process, with the message users see.
    assert_error(
        &world.sandbox.run(&["env", "--shell", "bash", "nope"], &[]),
        "unknown profile \"nope\"",
    );
}

/// In a shell started with `start`, switch to prod, then run `runas env` with no profile (as
/// after `runas use prod`): the shell must stay on prod, the profile it was switched to.
fn assert_env_without_a_profile_stays_on_the_switched_profile(start: &[(&str, &str)]) {
    // dev is a real profile here, so a wrong choice shows as a wrong name, not an error.
    let world = World::new(&format!(
        "{CONFIG}\n[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = default\n"
    ));
    world.warm();
    for shell in SHELLS {
        let d = shell.dialect;
        let script = [
            shell.eval(&format!("runas env --shell {} prod", shell.flag)),
            shell.eval(&format!("runas env --shell {}", shell.flag)),
            print_line(d, "AWSRUNAS_PROFILE", "out/profile"),
        ]
        .join("\n");
        world.shell(shell, &script, start).assert_clean(&script);
        assert_eq!(world.out("profile"), "prod", "{}", shell.program);
    }
}

#[test]
fn env_without_a_profile_after_a_switch_stays_on_that_profile() {
    assert_env_without_a_profile_stays_on_the_switched_profile(&[]);
}

#[test]
fn env_without_a_profile_after_a_switch_stays_on_it_when_the_shell_had_aws_profile() {
    assert_env_without_a_profile_stays_on_the_switched_profile(&[("AWS_PROFILE", "dev")]);
}

/// How a parent shell in the matrix below loads runas: the hook where there is one (and a
/// switch through it), a plain eval in dash.
fn parent_setup(shell: &Shell) -> String {
    match shell.program {
        "fish" => "runas init fish | source\nrunas use prod".into(),
        "dash" => "eval \"$(runas env --shell sh prod)\"".into(),
        name => format!("eval \"$(runas init {name})\"\nrunas use prod"),
    }
}

/// For every pair of (parent, child) among bash, zsh, fish and dash: a parent that loaded the
/// hook and switched, after starting from long-term keys of its own, runs a script in the
/// child shell that does `eval "$(runas env P)"` (`| source` in fish). The child must get the
/// child's syntax (nothing the parent exported may steer it), the assumed role (the AWS CLI
/// asks the local STS), a profile name holding `'`, `\` and code back byte for byte with
/// nothing run, and none of the parent's previous keys in its environment.
#[test]
fn a_script_in_any_shell_started_from_any_hooked_shell_gets_its_own_syntax() {
    const NAME: &str = "q'\\x $(touch CANARY) `touch CANARY`";
    const OLD_SECRET: &str = "OLDSECRETOFTHEPARENTSHELL";
    let world = World::new(&format!("{CONFIG}\n[profile {NAME}]\n{PROD_ROLE}"));
    world.warm();
    let aws = common::venv_bin("aws");
    for child in SHELLS {
        let d = child.dialect;
        let script = [
            match d {
                Dialect::Posix => "eval \"$(runas env \"$P\")\"".to_string(),
                Dialect::Fish => "runas env $P | source".to_string(),
                Dialect::Pwsh => unimplemented!("{PWSH_HAS_ITS_OWN_SCRIPT}"),
            },
            print_line(d, "AWSRUNAS_PROFILE", "out/name-$PAIR"),
            format!(
                "'{}' sts get-caller-identity --query Arn --output text > out/arn-$PAIR",
                aws.display()
            ),
            "env -0 > out/env-$PAIR".to_string(),
        ]
        .join("\n");
        std::fs::write(world.home().join(format!("child.{}", child.program)), script).unwrap();
    }
    let parent_script = |parent: &Shell| {
        let mut lines = vec![parent_setup(parent)];
        for child in SHELLS {
            let pair = format!("{}-{}", parent.program, child.program);
            let run = format!(
                "{} {} child.{}",
                child.program,
                child.args.join(" "),
                child.program
            );
            lines.push(match parent.dialect {
                Dialect::Posix => format!("PAIR={pair} {run}"),
                Dialect::Fish => format!("PAIR={pair} {run}; or exit 1"),
                Dialect::Pwsh => unimplemented!("{PWSH_HAS_ITS_OWN_SCRIPT}"),
            });
        }
        lines.join("\n")
    };
    std::fs::create_dir_all(world.home().join("out")).unwrap();
    for parent in SHELLS {
        let script = parent_script(parent);
        let ran = world.shell(
            parent,
            &script,
            &[
                ("P", NAME),
                ("AWS_ACCESS_KEY_ID", "AKIAOLDKEYOFTHEPARENT"),
                ("AWS_SECRET_ACCESS_KEY", OLD_SECRET),
            ],
        );
        ran.assert_clean(&script);
        world.assert_no_canary(parent.program);
        for child in SHELLS {
            let pair = format!("{}-{}", parent.program, child.program);
            assert_eq!(
                world.out(&format!("name-{pair}")),
                NAME,
                "{pair}: the profile name"
            );
            let arn = world.out(&format!("arn-{pair}"));
            assert!(
                arn.starts_with("arn:aws:sts::123456789012:assumed-role/prod/"),
                "{pair}: {arn}"
            );
            let env = world.out_env(&format!("env-{pair}"));
            assert!(
                !env.iter().any(|(k, v)| v.contains(OLD_SECRET)
                    || v.contains("AKIAOLDKEY")
                    || k.contains("SAVED")
                    || k.contains("saved")),
                "{pair}: the parent's previous keys reached the child: {env:?}"
            );
        }
    }
}

/// `runas unset` (and so `runas off`) in a shell that never switched: the user's own
/// AWS_PROFILE and AWS_REGION stay, and stderr says there was nothing to undo.
#[test]
fn unset_in_a_shell_that_never_switched_keeps_the_users_variables() {
    let world = World::new(CONFIG);
    for shell in SHELLS {
        let d = shell.dialect;
        let script = [
            shell.eval("runas unset 2> out/err"),
            print_line(d, "AWS_PROFILE", "out/profile"),
            print_line(d, "AWS_REGION", "out/region"),
        ]
        .join("\n");
        let ran = world.shell(
            shell,
            &script,
            &[("AWS_PROFILE", "dev"), ("AWS_REGION", "us-west-1")],
        );
        ran.assert_clean(&script);
        assert_eq!(world.out("profile"), "dev", "{}", shell.program);
        assert_eq!(world.out("region"), "us-west-1", "{}", shell.program);
        assert_eq!(
            world.out("err"),
            "runas: nothing to undo: this shell has not switched to a profile\n",
            "{}",
            shell.program
        );
    }
}

/// fish 3.6 cannot hide an exported universal AWS_PROFILE behind a global: the switch says so
/// in one line with the fix, never rewrites the universal, and after `runas unset` the
/// universal is what the shell sees again.
#[test]
fn fish_says_when_a_universal_aws_profile_stays_visible_and_never_rewrites_it() {
    let world = World::new(CONFIG);
    world.warm();
    let config_home = world.home().join("xdg");
    let script = [
        "set -Ux AWS_PROFILE sso-dev",
        "runas env prod | source 2> out/err",
        "env -0 > out/env-switched",
        "runas unset | source 2> out/err-unset",
        "printf '%s' $AWS_PROFILE > out/after",
        "set --show AWS_PROFILE > out/show",
    ]
    .join("\n");
    // fish --no-config keeps no universal variables: this fish reads the config files of the
    // empty XDG_CONFIG_HOME instead.
    const FISH_WITH_UNIVERSALS: Shell = Shell { args: &[], ..FISH };
    let ran = world.shell(
        &FISH_WITH_UNIVERSALS,
        &script,
        &[("XDG_CONFIG_HOME", config_home.to_str().unwrap())],
    );
    ran.assert_clean(&script);
    let err = world.out("err");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.contains("the universal variable AWS_PROFILE") && err.contains("set -eU AWS_PROFILE"),
        "{err:?}"
    );
    assert_eq!(world.out("err-unset"), "");
    assert_eq!(world.out("after"), "sso-dev");
    assert!(
        world.out("show").contains("set in universal scope, exported"),
        "{}",
        world.out("show")
    );
    let universals = std::fs::read_to_string(config_home.join("fish/fish_variables")).unwrap();
    assert!(
        universals.contains("SETUVAR --export AWS_PROFILE:sso\\x2ddev"),
        "{universals}"
    );
    // The check a user runs to see it: doctor reads the same file.
    let o = world
        .sandbox
        .run(&["doctor"], &[("XDG_CONFIG_HOME", config_home.to_str().unwrap())]);
    assert!(stdout(&o).contains("universal AWS_PROFILE"), "{}", stdout(&o));
}

/// In a shell switched to ops (whose eu-west-1 runas exported as AWS_REGION), every command
/// resolves a profile the same way: with no profile they all take ops, the profile in use;
/// for prod they all take prod's own region, not the one runas exported for ops.
#[test]
fn config_env_whoami_and_doctor_agree_in_a_switched_shell() {
    let world = World::new(CONFIG);
    world.warm();
    let script = [
        "eval \"$(runas env --shell bash ops)\"",
        "runas config > out/config",
        "runas config prod > out/config-prod",
        "runas whoami --json > out/whoami",
        "runas whoami --json prod > out/whoami-prod",
        "runas doctor > out/doctor || true",
        "(eval \"$(runas env --shell bash)\"; printf '%s %s' \"$AWSRUNAS_PROFILE\" \"$AWS_REGION\" > out/env)",
        "(eval \"$(runas env --shell bash prod)\"; printf '%s %s' \"$AWSRUNAS_PROFILE\" \"$AWS_REGION\" > out/env-prod)",
    ]
    .join("\n");
    world.shell(&BASH, &script, &[]).assert_clean(&script);
    let row = |file: &str, key: &str| -> String {
        let text = world.out(file);
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("{key} in {file}:\n{text}"));
        line.split_whitespace().nth(1).unwrap().to_string()
    };
    let arn = |file: &str| -> String {
        let doc: serde_json::Value = serde_json::from_str(&world.out(file)).unwrap();
        doc["Arn"].as_str().unwrap().to_string()
    };
    // No profile: ops, the profile this shell switched to, with its own region.
    assert_eq!(row("config", "profile"), "ops");
    assert_eq!(row("config", "region"), "eu-west-1");
    assert_eq!(world.out("env"), "ops eu-west-1");
    assert!(arn("whoami").contains(":assumed-role/ops/"), "{}", arn("whoami"));
    let doctor = world.out("doctor");
    assert!(doctor.contains("profile \"ops\""), "{doctor}");
    // prod: its region from [default], not the eu-west-1 runas exported for ops.
    assert_eq!(row("config-prod", "region"), "us-east-1");
    assert_eq!(world.out("env-prod"), "prod us-east-1");
    assert!(
        arn("whoami-prod").contains(":assumed-role/prod/"),
        "{}",
        arn("whoami-prod")
    );
}
