//! `runas init SHELL`: the hook scripts pass each shell's own syntax check (and shellcheck, and a
//! PowerShell parser), load cleanly twice under strict options, quote the binary's path so that
//! a path with a space and quotes still runs, format `runas_prompt` as documented, and complete
//! subcommands and profile names. The interactive behaviour is in tests/hooks.rs.

use crate::common;

use common::pwsh;
use common::sandbox::{CONFIG, CREDENTIALS, Sandbox, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RUNAS: &str = env!("CARGO_BIN_EXE_runas");
const SCRIPTS: [(&str, &str); 4] = [
    ("bash", "shell/runas.bash"),
    ("zsh", "shell/runas.zsh"),
    ("fish", "shell/runas.fish"),
    ("pwsh", "shell/runas.ps1"),
];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn sandbox() -> Sandbox {
    Sandbox::new(&common::dead_endpoint(), CONFIG, CREDENTIALS)
}

/// `runas init SHELL` from `bin`, in the sandbox's environment plus `vars`.
fn init(sb: &Sandbox, bin: &Path, shell: &str, vars: &[(&str, &str)]) -> String {
    let out = Command::new(bin)
        .args(["init", shell])
        .env_clear()
        .env("HOME", sb.home())
        .env("PATH", std::env::var_os("PATH").unwrap())
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    assert!(out.status.success(), "runas init {shell}: {}", stderr(&out));
    assert!(out.stderr.is_empty(), "runas init {shell}: {}", stderr(&out));
    stdout(&out)
}

/// Runs `script` in a non-interactive `shell` in the sandbox, with the options given.
fn shell(sb: &Sandbox, shell: &str, script: &str) -> Output {
    let mut cmd = Command::new(shell);
    match shell {
        "bash" => cmd.args(["--noprofile", "--norc", "-c", script]),
        "zsh" => cmd.args(["-f", "-c", script]),
        _ => cmd.args(["--no-config", "-c", script]),
    };
    cmd.env_clear()
        .env("HOME", sb.home())
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("LANG", "C.UTF-8")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("RUNAS_CACHE_DIR", sb.cache_dir())
        .current_dir(sb.home())
        .output()
        .unwrap()
}

fn written(path: &Path, text: &str) -> PathBuf {
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

fn check(what: &str, out: &Output) {
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{what}: exit {:?}\n{}{}",
        out.status.code(),
        stdout(out),
        stderr(out)
    );
}

#[test]
fn the_scripts_and_what_init_prints_pass_each_shells_syntax_check() {
    let sb = sandbox();
    for (name, file) in SCRIPTS.iter().take(3) {
        let printed = written(
            &sb.home().join(format!("init.{name}")),
            &init(&sb, Path::new(RUNAS), name, &[]),
        );
        let completion = repo(&file.replace("/runas.", "/complete."));
        let shipped = repo(match *name {
            "bash" => "completions/runas.bash",
            "zsh" => "completions/_runas",
            _ => "completions/runas.fish",
        });
        for path in [repo(file), printed, completion, shipped] {
            let mut cmd = Command::new(name);
            match *name {
                "fish" => cmd.arg("--no-execute"),
                _ => cmd.arg("-n"),
            };
            check(
                &format!("{name} syntax check of {}", path.display()),
                &cmd.arg(&path).output().unwrap(),
            );
        }
    }
}

#[test]
fn the_bash_script_passes_shellcheck() {
    if Command::new("shellcheck").arg("--version").output().is_err() {
        eprintln!("shellcheck is not installed: skipped");
        return;
    }
    let sb = sandbox();
    let printed = written(
        &sb.home().join("init.bash"),
        &init(&sb, Path::new(RUNAS), "bash", &[]),
    );
    for path in [
        repo("shell/runas.bash"),
        printed,
        repo("shell/complete.bash"),
        repo("completions/runas.bash"),
    ] {
        let out = Command::new("shellcheck")
            .args(["-s", "bash"])
            .arg(&path)
            .output()
            .unwrap();
        check(&format!("shellcheck {}", path.display()), &out);
    }
}

/// scripts/test, scripts/demo, scripts/bench and .ci/run are what a fresh machine runs first.
#[test]
fn the_project_scripts_pass_shellcheck() {
    if Command::new("shellcheck").arg("--version").output().is_err() {
        eprintln!("shellcheck is not installed: skipped");
        return;
    }
    for script in ["scripts/test", "scripts/demo", "scripts/bench", ".ci/run"] {
        let out = Command::new("shellcheck").arg(repo(script)).output().unwrap();
        check(&format!("shellcheck {script}"), &out);
    }
}

#[test]
fn the_powershell_script_parses_without_an_error_node() {
    let sb = sandbox();
    let printed = init(&sb, Path::new(RUNAS), "pwsh", &[]);
    let file = std::fs::read_to_string(repo("shell/runas.ps1")).unwrap();
    let shipped = std::fs::read_to_string(repo("completions/_runas.ps1")).unwrap();
    for (what, source) in [
        ("shell/runas.ps1", file.as_str()),
        ("runas init pwsh", printed.as_str()),
        ("completions/_runas.ps1", shipped.as_str()),
    ] {
        let tree = pwsh::parse(source);
        let root = tree.root_node();
        assert!(!root.has_error(), "{what}: {}", first_error(root, source));
    }
    // The parser does flag a broken script, so the check above means something.
    let broken = file.replacen("function global:runas {", "function global:runas {{", 1);
    assert!(pwsh::parse(&broken).root_node().has_error());
}

/// The first node with an error, and the source lines around it.
fn first_error(node: tree_sitter::Node<'_>, source: &str) -> String {
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            let line = n.start_position().row;
            let context: Vec<&str> = source.lines().skip(line.saturating_sub(2)).take(5).collect();
            return format!("{} at line {}:\n{}", n.kind(), line + 1, context.join("\n"));
        }
        stack.extend(n.children(&mut cursor).collect::<Vec<_>>().into_iter().rev());
    }
    "no error node".into()
}

#[test]
fn init_prints_the_script_file_after_the_prelude() {
    let sb = sandbox();
    for (name, file) in SCRIPTS {
        let printed = init(&sb, Path::new(RUNAS), name, &[]);
        let body = std::fs::read_to_string(repo(file)).unwrap();
        assert!(printed.contains(&body), "{name}: {file} is printed as it is");
        let completion = file.replace("/runas.", "/complete.");
        let completion = std::fs::read_to_string(repo(&completion)).unwrap();
        assert!(printed.ends_with(&completion), "{name}: then its completion");
    }
}

/// The binary, hard-linked into a folder whose name has a space, both quotes and a `$(…)`, so
/// `current_exe` gives that path (a symlink would resolve to the real one).
fn hostile_binary() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let folder = dir.path().join("it's a \"dir\" $(touch pwned)");
    std::fs::create_dir(&folder).unwrap();
    let bin = folder.join("runas");
    if std::fs::hard_link(RUNAS, &bin).is_err() {
        std::fs::copy(RUNAS, &bin).unwrap();
    }
    (dir, bin)
}

#[test]
fn init_quotes_a_binary_path_with_spaces_and_quotes_for_every_shell() {
    let sb = sandbox();
    let (_dir, bin) = hostile_binary();
    let path = bin.to_str().unwrap();
    let first = |shell| init(&sb, &bin, shell, &[]).lines().next().unwrap().to_string();
    assert_eq!(
        first("bash"),
        format!("_runas_bin={}", runas::shell::sh::quote(path))
    );
    assert_eq!(
        first("zsh"),
        format!("_runas_bin={}", runas::shell::sh::quote(path))
    );
    assert_eq!(
        first("fish"),
        format!("set -g _runas_bin {}", runas::shell::fish::quote(path))
    );
    assert_eq!(
        first("pwsh"),
        format!("$global:_runas_bin = {}", runas::shell::pwsh::quote(path))
    );

    // Loaded in each shell, the function runs that binary.
    let load = |shell: &str| match shell {
        "fish" => format!("{} init fish | source", runas::shell::fish::quote(path)),
        _ => format!("eval \"$({} init {shell})\"", runas::shell::sh::quote(path)),
    };
    for name in ["bash", "zsh", "fish"] {
        let out = shell(
            &sb,
            name,
            &format!(
                "{}; printf '%s\\n' \"$_runas_bin\"; runas list --names",
                load(name)
            ),
        );
        check(&format!("{name} with the hostile path"), &out);
        assert_eq!(stdout(&out), format!("{path}\ndefault\nops\nprod\n"), "{name}");
    }
    assert!(!sb.home().join("pwned").exists(), "the path ran as code");
}

#[test]
fn init_takes_the_refresh_window_from_runas_min_ttl() {
    let sb = sandbox();
    let bin = Path::new(RUNAS);
    assert!(
        init(&sb, bin, "bash", &[]).contains("\n_runas_window=300\n"),
        "default 5m"
    );
    assert!(init(&sb, bin, "zsh", &[("RUNAS_MIN_TTL", "1m30s")]).contains("\n_runas_window=90\n"));
    assert!(init(&sb, bin, "fish", &[("RUNAS_MIN_TTL", "1h")]).contains("\nset -g _runas_window 3600\n"));
    // A bad value still gives a hook (with the default) and says why on stderr.
    let out = Command::new(RUNAS)
        .args(["init", "bash"])
        .env("RUNAS_MIN_TTL", "soon")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("\n_runas_window=300\n"));
    assert!(stderr(&out).contains("RUNAS_MIN_TTL"), "{}", stderr(&out));
}

/// What a shell prints for `runas_prompt` with AWSRUNAS_EXPIRES `left` seconds away.
fn prompt_script(shell: &str, cases: &[i64]) -> String {
    let load = match shell {
        "fish" => format!("'{RUNAS}' init fish | source"),
        _ => format!("eval \"$('{RUNAS}' init {shell})\""),
    };
    let mut script = format!("{load}\n");
    // No profile: nothing at all.
    // fish 3.4+ reads `"$(…)"` too.
    script.push_str("echo \"[$(runas_prompt)]\"\n");
    for left in cases {
        script.push_str(&match shell {
            "fish" => format!(
                "set -gx AWSRUNAS_PROFILE prod; set -gx AWSRUNAS_EXPIRES (math (_runas_now) + {left}); echo \"[$(runas_prompt)]\"\n"
            ),
            _ => format!(
                "export AWSRUNAS_PROFILE=prod AWSRUNAS_EXPIRES=$((EPOCHSECONDS + {left})); echo \"[$(runas_prompt)]\"\n"
            ),
        });
    }
    // Credentials that do not expire: the name alone.
    script.push_str(match shell {
        "fish" => "set -e AWSRUNAS_EXPIRES; echo \"[$(runas_prompt)]\"\n",
        _ => "unset AWSRUNAS_EXPIRES; echo \"[$(runas_prompt)]\"\n",
    });
    script
}

#[test]
fn runas_prompt_shows_the_profile_and_the_time_left_rounded_down() {
    let sb = sandbox();
    // A second may pass between setting the expiry and reading the clock: the cases keep
    // clear of the minute boundaries by more than that. Each shell sets the expiry from the
    // clock runas_prompt reads (fish: _runas_now, checked against `date` below).
    let cases = [3900 + 20, 3600 + 20, 3599 - 10, 125, 61, 59 - 5, 30, 0, -5];
    let expected = "[]\n[prod 1h05m]\n[prod 1h00m]\n[prod 59m]\n[prod 2m]\n[prod 1m]\n[prod 54s]\n[prod 30s]\n\
                    [prod expired]\n[prod expired]\n[prod]\n";
    for name in ["bash", "zsh", "fish"] {
        let out = shell(&sb, name, &prompt_script(name, &cases));
        check(&format!("{name} runas_prompt"), &out);
        let got = stdout(&out);
        // 30 s may read as 29 s when the second turns between the two clock reads.
        let got = got
            .replace("[prod 29s]", "[prod 30s]")
            .replace("[prod 53s]", "[prod 54s]");
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn fish_reads_the_time_without_a_process_and_agrees_with_date() {
    let sb = sandbox();
    let script = format!(
        "'{RUNAS}' init fish | source; set -q _runas_clock_offset; and echo offset; \
         math (_runas_now) - (date +%s)"
    );
    let out = shell(&sb, "fish", &script);
    check("fish clock", &out);
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("offset"), "Linux has /proc/uptime: {text}");
    let skew: i64 = lines.next().unwrap().parse().unwrap();
    assert!((-2..=2).contains(&skew), "fish's clock is {skew} s off");
}

#[test]
fn the_scripts_load_twice_under_strict_options_without_a_word() {
    let sb = sandbox();
    let cases = [
        ("bash", "set -euo pipefail"),
        (
            "zsh",
            "setopt err_exit no_unset ksh_arrays sh_word_split rc_quotes pipe_fail",
        ),
        ("fish", ""),
    ];
    for (name, options) in cases {
        let load = match name {
            "fish" => format!("'{RUNAS}' init fish | source"),
            _ => format!("eval \"$('{RUNAS}' init {name})\""),
        };
        let script = format!("{options}\n{load}\n{load}\nrunas_prompt\necho loaded\n");
        let out = shell(&sb, name, &script);
        check(&format!("{name} strict load"), &out);
        assert_eq!(stdout(&out), "loaded\n", "{name}");
    }
    // zsh: the hook itself, with a profile active and nothing due, under the same options.
    let script = format!(
        "setopt err_exit no_unset ksh_arrays sh_word_split\neval \"$('{RUNAS}' init zsh)\"\n\
         export AWSRUNAS_PROFILE=prod AWSRUNAS_EXPIRES=$((EPOCHSECONDS + 3600))\n_runas_hook\nrunas_prompt; echo\n"
    );
    let out = shell(&sb, "zsh", &script);
    check("zsh hook under strict options", &out);
    assert_eq!(stdout(&out), "prod 1h00m\n");
}

/// An exported variable reaches every program the shell starts, and a script in another shell
/// would take a hint meant for this one: the hook exports nothing, also after a switch.
#[test]
fn the_hook_exports_nothing_to_child_processes() {
    let sb = sandbox();
    for name in ["bash", "zsh", "fish"] {
        let load = match name {
            "fish" => format!("'{RUNAS}' init fish | source"),
            _ => format!("eval \"$('{RUNAS}' init {name})\""),
        };
        let out = shell(&sb, name, &format!("{load}; env"));
        check(name, &out);
        let text = stdout(&out);
        let ours: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("RUNAS") || l.starts_with("_runas") || l.starts_with("AWSRUNAS"))
            // The sandbox's own setting, there before the hook loaded.
            .filter(|l| !l.starts_with("RUNAS_CACHE_DIR="))
            .collect();
        assert!(ours.is_empty(), "{name} exports {ours:?}");
    }
    let pwsh = init(&sb, Path::new(RUNAS), "pwsh", &[]);
    let top_level_env: Vec<&str> = pwsh.lines().filter(|l| l.starts_with("$Env:")).collect();
    assert!(top_level_env.is_empty(), "{top_level_env:?}");
}

#[test]
fn bash_completes_subcommands_profiles_flags_and_values() {
    let sb = sandbox();
    let complete = |words: &str| {
        let script = format!(
            "eval \"$('{RUNAS}' init bash)\"\nCOMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n\
             _runas_complete\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
        );
        let out = shell(&sb, "bash", &script);
        check(&format!("completing {words}"), &out);
        stdout(&out)
    };
    assert_eq!(complete("runas u"), "unset\nuse\n");
    assert_eq!(complete("runas use ''"), "default\nops\nprod\n");
    assert_eq!(complete("runas exec p"), "prod\n");
    assert_eq!(
        complete("runas env --otp ''"),
        "\n",
        "a flag's value is not a profile"
    );
    assert_eq!(complete("runas env --shell f"), "fish\n");
    assert_eq!(complete("runas use --no"), "--no-prompt\n");
    assert_eq!(complete("runas use --sh"), "\n", "use passes --shell itself");
    assert_eq!(complete("runas init z"), "zsh\n");
}

#[test]
fn fish_completes_subcommands_and_profiles() {
    let sb = sandbox();
    let complete = |line: &str| {
        let script = format!("'{RUNAS}' init fish | source; complete -C '{line}'");
        let out = shell(&sb, "fish", &script);
        check(&format!("completing {line}"), &out);
        let words: Vec<String> = stdout(&out)
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect();
        words.join(" ")
    };
    assert_eq!(complete("runas us"), "use");
    assert_eq!(complete("runas use "), "default ops prod");
    assert_eq!(complete("runas env p"), "prod");
    assert!(complete("runas use --no").contains("--no-prompt"));
    assert_eq!(complete("runas init z"), "zsh");
}

/// A profile name no shell reads as plain text, and the directory `runas completions` files are
/// tested from (the binary is found on PATH there, not by its path).
const ODD_PROFILE: &str = "it's a $(touch pwned) *";

fn odd_sandbox() -> Sandbox {
    let config = format!("{CONFIG}\n[profile {ODD_PROFILE}]\nregion = us-east-1\n");
    Sandbox::new(&common::dead_endpoint(), &config, CREDENTIALS)
}

/// `shell`, with the directory of the runas binary first on PATH.
fn shell_with_runas_on_path(sb: &Sandbox, name: &str, script: &str) -> Output {
    let dir = Path::new(RUNAS).parent().unwrap();
    let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap());
    let script = format!("PATH='{path}'\n{script}");
    let script = if name == "fish" {
        script
            .replacen("PATH=", "set PATH ", 1)
            .replacen(&format!("'{path}'"), &path.replace(':', " "), 1)
    } else {
        script
    };
    shell(sb, name, &script)
}

#[test]
fn bash_completion_quotes_odd_profile_names_and_leaves_exec_commands_to_bash() {
    let sb = odd_sandbox();
    let complete = |words: &str| {
        let script = format!(
            "eval \"$('{RUNAS}' init bash)\"\nCOMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n\
             _runas_complete\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
        );
        let out = shell(&sb, "bash", &script);
        check(&format!("completing {words}"), &out);
        stdout(&out)
    };
    // Quoted as one word that reads back as the name, and nothing ran.
    assert_eq!(
        complete("runas use i"),
        "it\\'s\\ a\\ \\$\\(touch\\ pwned\\)\\ \\*\n"
    );
    assert!(!sb.home().join("pwned").exists());
    assert_eq!(
        complete("runas exec prod -- ''"),
        "\n",
        "the command is bash's to complete"
    );
    assert_eq!(complete("runas exec prod -- git ''"), "\n");
    // A flag is offered for `-`, not in place of a profile.
    assert_eq!(
        complete("runas env ''"),
        "default\nit\\'s\\ a\\ \\$\\(touch\\ pwned\\)\\ \\*\nops\nprod\n"
    );
    assert!(complete("runas env --o").contains("--otp\n"));
    assert_eq!(
        complete("runas ''").lines().filter(|l| *l == "help").count(),
        0,
        "no help subcommand"
    );
}

#[test]
fn fish_completion_offers_odd_profile_names_and_leaves_exec_commands_to_fish() {
    let sb = odd_sandbox();
    let complete = |line: &str| {
        let script = format!(
            "'{RUNAS}' init fish | source; complete -C {}",
            runas::shell::fish::quote(line)
        );
        let out = shell(&sb, "fish", &script);
        check(&format!("completing {line}"), &out);
        stdout(&out)
    };
    let odd = complete("runas use i");
    assert_eq!(odd.split('\t').next().unwrap(), ODD_PROFILE, "{odd}");
    assert!(!sb.home().join("pwned").exists());
    // After `--`, fish completes the command as it would alone: `printf` is a builtin.
    let command = complete("runas exec prod -- printf");
    assert!(command.lines().any(|l| l.starts_with("printf")), "{command}");
    assert!(!command.contains("prod"), "{command}");
}

/// `runas completions SHELL` is the same function, calling `runas` as PATH finds it: it works
/// without the hook, and beside the hook's `runas` function, which it goes past.
#[test]
fn the_completions_files_work_alone_and_beside_the_hook() {
    let sb = sandbox();
    let bash = std::fs::read_to_string(repo("completions/runas.bash")).unwrap();
    let bash = written(&sb.home().join("runas.bash"), &bash);
    for prelude in ["", "function runas { echo the-function; }\n"] {
        let script = format!(
            "{prelude}source '{}'\nCOMP_WORDS=(runas use p); COMP_CWORD=2\n_runas_complete\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            bash.display()
        );
        let out = shell_with_runas_on_path(&sb, "bash", &script);
        check("bash completions file", &out);
        assert_eq!(stdout(&out), "prod\n", "{prelude}");
    }
    let fish = std::fs::read_to_string(repo("completions/runas.fish")).unwrap();
    let fish = written(&sb.home().join("runas.fish"), &fish);
    for prelude in ["", "function runas; echo the-function; end\n"] {
        let script = format!(
            "{prelude}source '{}'\ncomplete -C 'runas use p'\n",
            fish.display()
        );
        let out = shell_with_runas_on_path(&sb, "fish", &script);
        check("fish completions file", &out);
        assert_eq!(stdout(&out).split('\t').next().unwrap(), "prod", "{prelude}");
    }
}

/// clap's convention, `RUNAS_COMPLETE=SHELL runas`, prints what `runas completions SHELL` does.
#[test]
fn the_completion_variable_alone_prints_the_registration() {
    for (var, name) in [
        ("bash", "bash"),
        ("zsh", "zsh"),
        ("fish", "fish"),
        ("pwsh", "powershell"),
    ] {
        let by_var = Command::new(RUNAS).env("RUNAS_COMPLETE", var).output().unwrap();
        let by_command = Command::new(RUNAS).args(["completions", name]).output().unwrap();
        assert!(by_var.status.success(), "{}", stderr(&by_var));
        assert_eq!(stdout(&by_var), stdout(&by_command), "{var}");
    }
    // Any other value of a variable named so is not a request; an empty one neither.
    let o = Command::new(RUNAS)
        .env("RUNAS_COMPLETE", "")
        .arg("--version")
        .output()
        .unwrap();
    assert!(stdout(&o).starts_with("runas "), "{}", stdout(&o));
}

#[test]
fn off_evaluates_output_that_spans_lines_as_a_whole() {
    // The saved state holds an AWS_REGION with a newline and quotes: `runas unset` puts it back
    // with a statement over two lines, which the hook must evaluate in one piece.
    let sb = sandbox();
    let value = "us\nwest's \"2\" $(touch pwned) \\";
    let saved = serde_json::json!({ "AWS_REGION": value }).to_string();
    for name in ["bash", "zsh", "fish"] {
        let (load, set, print) = match name {
            "fish" => (
                format!("'{RUNAS}' init fish | source"),
                format!(
                    "set -g _runas_saved {}; set -gx AWSRUNAS_PROFILE p",
                    runas::shell::fish::quote(&saved)
                ),
                "printf '%s' $AWS_REGION",
            ),
            _ => (
                format!("eval \"$('{RUNAS}' init {name})\""),
                format!(
                    "_runas_saved={}; export AWSRUNAS_PROFILE=p",
                    runas::shell::sh::quote(&saved)
                ),
                "printf '%s' \"$AWS_REGION\"",
            ),
        };
        let out = shell(&sb, name, &format!("{load}\n{set}\nrunas off\n{print}"));
        check(&format!("{name} runas off"), &out);
        assert_eq!(stdout(&out), value, "{name}");
    }
    assert!(!sb.home().join("pwned").exists());
}

#[test]
fn doctor_through_the_function_knows_whether_the_hook_is_still_in_the_prompt() {
    let sb = sandbox();
    let cases = [
        (
            "bash",
            format!("eval \"$('{RUNAS}' init bash)\""),
            "PROMPT_COMMAND='echo mine'",
        ),
        (
            "zsh",
            format!("autoload -Uz add-zsh-hook; eval \"$('{RUNAS}' init zsh)\""),
            "add-zsh-hook -d precmd _runas_hook",
        ),
        (
            "fish",
            format!("'{RUNAS}' init fish | source"),
            "functions -e _runas_hook",
        ),
    ];
    for (name, load, drop_hook) in cases {
        let script = format!("{load}; runas doctor; echo '==='; {drop_hook}; runas doctor");
        let out = shell(&sb, name, &script);
        let text = stdout(&out);
        let (before, after) = text
            .split_once("===\n")
            .unwrap_or_else(|| panic!("{name}: {text}{}", stderr(&out)));
        assert!(
            before.contains(&format!(
                "ok       the {name} hook is loaded and in the prompt hook list"
            )),
            "{name}: {before}"
        );
        assert!(
            after.contains(&format!(
                "problem  the {name} hook is loaded but no longer in the prompt hook list"
            )),
            "{name}: {after}"
        );
    }
}
