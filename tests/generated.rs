//! Generated files are committed and must be current: the completion functions in
//! completions/ (what `runas completions` prints) and the man page man/runas.1 (clap_mangen for
//! the commands and flags, then the hand-written man/extra.roff). Each is generated in memory
//! and compared with the committed file;
//!
//!     RUNAS_REGENERATE=1 cargo test --test tests generated::
//!
//! rewrites them instead. Apart from the generator, the man page is checked against what users
//! see: every subcommand and flag of `--help`, and every variable and attribute the README's
//! configuration reference names.

use clap::CommandFactory;
use std::path::{Path, PathBuf};
use std::process::Command;

const RUNAS: &str = env!("CARGO_BIN_EXE_runas");
/// The man page sections that are written by hand: files, configuration, environment.
const MAN_EXTRA: &str = include_str!("../man/extra.roff");

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn regenerating() -> bool {
    std::env::var_os("RUNAS_REGENERATE").is_some_and(|v| v == "1")
}

/// Compares the committed `path` with `expected`, or writes it when regenerating.
fn assert_current(path: &str, expected: &str) {
    let full = repo(path);
    if regenerating() {
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, expected).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&full).unwrap_or_default();
    assert!(
        committed == expected,
        "{path} is not current (it differs from what the code generates): run \
         RUNAS_REGENERATE=1 cargo test --test tests generated:: and commit the result"
    );
}

#[test]
fn the_committed_completions_are_current() {
    use runas::cli::CompletionShell as Shell;
    let files = [
        (Shell::Bash, "bash", "completions/runas.bash"),
        (Shell::Zsh, "zsh", "completions/_runas"),
        (Shell::Fish, "fish", "completions/runas.fish"),
        (Shell::Powershell, "powershell", "completions/_runas.ps1"),
        (Shell::Elvish, "elvish", "completions/runas.elv"),
    ];
    for (shell, name, path) in files {
        let generated = runas::completions(shell);
        // What the binary prints is what is committed.
        let printed = Command::new(RUNAS).args(["completions", name]).output().unwrap();
        assert!(printed.status.success());
        assert_eq!(String::from_utf8(printed.stdout).unwrap(), generated, "{path}");
        assert_current(path, &generated);
    }
}

/// The man page: clap_mangen's title, name, synopsis, description and options, then every
/// subcommand with its synopsis and options, then man/extra.roff.
fn man_page() -> String {
    let mut cli = runas::cli::Cli::command();
    cli.build();
    let man = clap_mangen::Man::new(cli.clone());
    // No date: the page must not change when nothing else does.
    let mut out = format!(
        ".TH RUNAS 1 \"\" \"runas {}\" \"User Commands\"\n",
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes();
    man.render_name_section(&mut out).unwrap();
    man.render_synopsis_section(&mut out).unwrap();
    man.render_description_section(&mut out).unwrap();
    man.render_options_section(&mut out).unwrap();
    out.extend_from_slice(b".SH COMMANDS\n");
    for sub in cli.get_subcommands() {
        subcommand(&mut out, sub, "runas");
    }
    let page = String::from_utf8(out).expect("the man page is UTF-8");
    // Each rendered part repeats the definition of the \*(Aq string: once is enough.
    let mut page = without_repeats(&page, &[".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"]);
    page.push_str(MAN_EXTRA);
    page
}

/// `text` with the second and later copies of each of `lines` left out.
fn without_repeats(text: &str, lines: &[&str]) -> String {
    let mut seen = vec![false; lines.len()];
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if let Some(i) = lines.iter().position(|l| *l == line) {
            if seen[i] {
                continue;
            }
            seen[i] = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// One subcommand as a `.SS` sub-section: about, aliases, synopsis, options; then its own
/// subcommands.
fn subcommand(out: &mut Vec<u8>, cmd: &clap::Command, parent: &str) {
    if cmd.is_hide_set() || cmd.get_name() == "help" {
        return;
    }
    let full = format!("{parent} {}", cmd.get_name());
    out.extend_from_slice(format!(".SS \"{full}\"\n").as_bytes());
    let man = clap_mangen::Man::new(cmd.clone().bin_name(&full));
    let mut part = Vec::new();
    man.render_description_section(&mut part).unwrap();
    man.render_synopsis_section(&mut part).unwrap();
    let aliases: Vec<&str> = cmd.get_visible_aliases().collect();
    if !aliases.is_empty() {
        part.extend_from_slice(format!(".PP\nAlias: {}\n", aliases.join(", ")).as_bytes());
    }
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut part).unwrap();
    }
    // The `.SH` headings of a stand-alone page become paragraphs inside this sub-section.
    let part = String::from_utf8(part).unwrap();
    for line in part.lines() {
        match line {
            ".SH DESCRIPTION" => {}
            ".SH SYNOPSIS" | ".SH OPTIONS" => out.extend_from_slice(b".PP\n"),
            _ => {
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
            }
        }
    }
    for sub in cmd.get_subcommands() {
        subcommand(out, sub, &full);
    }
}

#[test]
fn the_committed_man_page_is_current() {
    assert_current("man/runas.1", &man_page());
}

/// The man page as text: roff's `\-` is a `-`.
fn man_text() -> String {
    std::fs::read_to_string(repo("man/runas.1"))
        .expect("man/runas.1 exists")
        .replace("\\-", "-")
}

fn help(args: &[&str]) -> String {
    let out = Command::new(RUNAS).args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "runas {args:?} --help");
    String::from_utf8(out.stdout).unwrap()
}

/// The subcommand names in a `--help` text's "Commands:" list.
fn commands_in(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Continuation lines of a wrapped description are indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// The flags in a `--help` text: every `-x` and `--long` that starts an option line.
fn flags_in(help: &str) -> Vec<String> {
    let mut flags = Vec::new();
    for line in help.lines() {
        let line = line.trim_start();
        if !line.starts_with('-') {
            continue;
        }
        for word in line
            .split([',', ' '])
            .take_while(|w| w.is_empty() || w.starts_with('-'))
        {
            // `-v, --verbose...`: a flag that may be repeated is shown with `...`.
            if word.starts_with('-') {
                flags.push(word.trim_end_matches("...").to_string());
            }
        }
    }
    flags
}

/// Every subcommand path (`["cache", "clear"]`) that `--help` shows, walked from the top.
fn all_commands() -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut todo = vec![Vec::<String>::new()];
    while let Some(path) = todo.pop() {
        let args: Vec<&str> = path.iter().map(String::as_str).collect();
        for name in commands_in(&help(&args)) {
            let mut sub = path.clone();
            sub.push(name);
            todo.push(sub.clone());
            found.push(sub);
        }
    }
    found
}

/// The subcommands and flags of `--help` (walked from the top) that `man` does not have, each
/// flag looked for in its own subcommand's part of the page.
fn missing_from(man: &str) -> Vec<String> {
    let commands = all_commands();
    assert!(
        commands.len() >= 10,
        "the walk found the subcommands: {commands:?}"
    );
    let mut missing = Vec::new();
    for flag in flags_in(&help(&[])) {
        if !man.contains(&flag) {
            missing.push(format!("runas {flag}"));
        }
    }
    for path in &commands {
        let name = format!("runas {}", path.join(" "));
        if !man.contains(&format!(".SS \"{name}\"")) {
            missing.push(name.clone());
        }
        let args: Vec<&str> = path.iter().map(String::as_str).collect();
        let part = man
            .split(&format!(".SS \"{name}\"\n"))
            .nth(1)
            .map(|rest| rest.split(".SS ").next().unwrap_or(rest))
            .unwrap_or("");
        for flag in flags_in(&help(&args)) {
            if !part.contains(&flag) {
                missing.push(format!("{name} {flag}"));
            }
        }
    }
    missing
}

#[test]
fn the_man_page_has_every_subcommand_and_flag_of_the_help() {
    let missing = missing_from(&man_text());
    assert!(
        missing.is_empty(),
        "missing from man/runas.1: {missing:?}; run RUNAS_REGENERATE=1 cargo test --test tests generated::"
    );
}

#[test]
fn the_man_page_check_notices_a_missing_subcommand_or_flag() {
    let man = man_text();
    let without_flag = man.replace("--no-prompt", "--gone");
    assert!(missing_from(&without_flag).contains(&"runas env --no-prompt".to_string()));
    let without_command = man.replace(".SS \"runas whoami\"", ".SS \"runas who\"");
    assert!(missing_from(&without_command).contains(&"runas whoami".to_string()));
}

#[test]
fn the_man_page_has_every_variable_and_attribute_of_the_readme_reference() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    // The reference sections: what `runas env` sets, and the configuration reference.
    let reference: String = ["## What `runas env` sets", "## Configuration reference"]
        .iter()
        .map(|heading| {
            let start = readme
                .find(heading)
                .unwrap_or_else(|| panic!("README.md has {heading:?}"));
            let rest = &readme[start + heading.len()..];
            &rest[..rest.find("\n## ").unwrap_or(rest.len())]
        })
        .collect();
    let man = man_text();
    let mut names: Vec<&str> = reference
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            let env_var = w.contains('_')
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            let attribute = w.contains('_')
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            env_var || attribute
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    assert!(
        names.contains(&"RUNAS_MIN_TTL") && names.contains(&"mfa_serial"),
        "{names:?}"
    );
    let missing: Vec<&&str> = names.iter().filter(|n| !man.contains(**n)).collect();
    assert!(
        missing.is_empty(),
        "named in README.md but not in man/extra.roff: {missing:?}"
    );
}
