//! One quoter and formatter per shell syntax, and which shell to write for (`detect`). Every
//! value runas prints goes through the quoter of the target shell; names are runas constants
//! checked against `[A-Za-z_][A-Za-z0-9_]*`. Each dialect's tests run its table of hostile
//! values; tests/ evaluates the output in the real shells.

use crate::env::Op;

pub mod complete;
pub mod detect;
pub mod fish;
pub mod pwsh;
pub mod sh;

/// The shells runas can write for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShellKind {
    /// POSIX sh; dash, ash, ksh and mksh read the same.
    #[value(alias = "dash", alias = "ash", alias = "ksh", alias = "mksh", alias = "posix")]
    Sh,
    Bash,
    Zsh,
    Fish,
    #[value(alias = "powershell")]
    Pwsh,
}

/// One shell syntax: how a value is quoted, how each op is written. bash and zsh read POSIX
/// single quotes exactly as sh does (zsh's one trap, a bare word starting with `=`, is why the
/// POSIX quoter quotes every value), so the three share one dialect; `$'…'` would keep a value
/// with a newline on one line, but dash rejects it and nothing runas prints needs it.
pub(crate) trait Dialect {
    /// `value` as one word that expands to exactly `value`.
    fn quote(&self, value: &str) -> String;
    /// Appends `op` as one statement ending in `\n` (a value holding a newline keeps it inside
    /// its quotes, so that statement spans lines).
    fn write(&self, op: &Op, out: &mut String);
}

impl ShellKind {
    fn dialect(self) -> &'static dyn Dialect {
        match self {
            ShellKind::Sh | ShellKind::Bash | ShellKind::Zsh => &sh::Posix,
            ShellKind::Fish => &fish::Fish,
            ShellKind::Pwsh => &pwsh::PowerShell,
        }
    }
}

/// Render `ops` as text that `shell` evaluates, one statement per op, in order.
pub fn render(shell: ShellKind, ops: &[Op]) -> String {
    let dialect = shell.dialect();
    let mut out = String::new();
    for op in ops {
        check(op);
        dialect.write(op, &mut out);
    }
    out
}

/// `value` as one word for `shell`, left bare when it is made only of characters no shell
/// treats specially: how a message shows a command to type (`runas use prod`).
pub fn quote_if_needed(shell: ShellKind, value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.,:/@+-".contains(c))
        && !value.starts_with('-');
    if plain {
        return value.to_string();
    }
    shell.dialect().quote(value)
}

impl ShellKind {
    /// The name `--shell` takes.
    pub fn name(self) -> &'static str {
        match self {
            ShellKind::Sh => "sh",
            ShellKind::Bash => "bash",
            ShellKind::Zsh => "zsh",
            ShellKind::Fish => "fish",
            ShellKind::Pwsh => "pwsh",
        }
    }
}

/// The checks every formatter makes before it prints `op`.
///
/// Names are printed bare, so a bad one would be code in the user's shell: that is checked in
/// release builds too (it costs nothing next to the quoting). Values cannot hold NUL: no
/// environment can carry it, and the env list rejects it before it gets here; the shells would
/// drop or truncate at it rather than run anything, so a debug assertion is enough.
fn check(op: &Op) {
    if let Some(name) = op.name() {
        assert!(
            crate::env::is_valid_name(name),
            "runas bug: invalid variable name {name:?}"
        );
    }
    if let Op::Set(_, value) | Op::Save(value) | Op::RestoreSaved { bin: value } = op {
        debug_assert!(!value.contains('\0'), "runas bug: a value holds a NUL");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values that each shell reads specially somewhere (quotes, backslashes, expansions,
    /// history, whitespace, typographic quotes, non-ASCII), which every quoter's table covers.
    pub(crate) const HOSTILE: &[&str] = &[
        "",
        "it's",
        "a\\",
        "a\\\\b",
        "$HOME",
        "`id`",
        "$(id)",
        "!x",
        "a b",
        "\n",
        "\t",
        "'",
        "‘smart’",
        "%PATH%",
        ";rm -rf ~",
        "-n",
        "--",
        "é",
        "日本",
        "🦀",
    ];

    /// Characters that mean something to some shell, to mix into generated values: uniform
    /// Unicode would almost never hit them.
    const SPECIAL: &[char] = &[
        '\'', '"', '\\', '$', '`', '!', '\n', '\t', '\r', ' ', ';', '&', '|', '<', '>', '(', ')', '{', '}',
        '[', ']', '*', '?', '~', '#', '=', '%', '-', '^', '@', 'a', '‘', '’', '‚', '‛', '“', '”', 'é', '🦀',
    ];

    /// Any string without NUL, biased towards characters that shells treat specially.
    pub(crate) fn value_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let char = prop_oneof![
            2 => proptest::sample::select(SPECIAL),
            1 => any::<char>().prop_filter("no NUL in an environment", |c| *c != '\0'),
        ];
        proptest::collection::vec(char, 0..32).prop_map(String::from_iter)
    }

    /// The op list every shell's snapshot renders: plain and hostile values, then unsets.
    pub(crate) fn snapshot_ops() -> Vec<Op> {
        vec![
            Op::Set("AWS_ACCESS_KEY_ID", "ASIAIOSFODNN7EXAMPLE".into()),
            Op::Set(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            ),
            Op::Set(
                "AWS_SESSION_TOKEN",
                "it's $(id) `id` \\ ‘smart’\nsecond line".into(),
            ),
            Op::Set("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05Z".into()),
            Op::Set("AWSRUNAS_PROFILE", "=prod".into()),
            Op::Unset("AWS_PROFILE"),
            Op::Unset("AWS_DEFAULT_PROFILE"),
        ]
    }

    #[test]
    fn bash_and_zsh_get_exactly_the_posix_output() {
        let ops = snapshot_ops();
        assert_eq!(render(ShellKind::Bash, &ops), render(ShellKind::Sh, &ops));
        assert_eq!(render(ShellKind::Zsh, &ops), render(ShellKind::Sh, &ops));
        assert_ne!(render(ShellKind::Fish, &ops), render(ShellKind::Sh, &ops));
    }

    #[test]
    fn quote_if_needed_leaves_plain_names_bare_and_quotes_the_rest() {
        assert_eq!(quote_if_needed(ShellKind::Bash, "prod-eu_1.x"), "prod-eu_1.x");
        assert_eq!(quote_if_needed(ShellKind::Bash, "it's"), r"'it'\''s'");
        assert_eq!(quote_if_needed(ShellKind::Fish, "it's"), r"'it\'s'");
        assert_eq!(quote_if_needed(ShellKind::Pwsh, "-x"), "'-x'");
        assert_eq!(quote_if_needed(ShellKind::Sh, ""), "''");
    }

    #[test]
    fn an_empty_list_renders_as_nothing_in_every_shell() {
        for shell in [
            ShellKind::Sh,
            ShellKind::Bash,
            ShellKind::Zsh,
            ShellKind::Fish,
            ShellKind::Pwsh,
        ] {
            assert_eq!(render(shell, &[]), "", "{shell:?}");
        }
    }

    #[test]
    fn every_statement_ends_with_a_newline() {
        let ops = snapshot_ops();
        for shell in [
            ShellKind::Sh,
            ShellKind::Bash,
            ShellKind::Zsh,
            ShellKind::Fish,
            ShellKind::Pwsh,
        ] {
            assert!(render(shell, &ops).ends_with('\n'), "{shell:?}");
        }
    }

    #[test]
    #[should_panic(expected = "invalid variable name")]
    fn an_invalid_name_is_refused_rather_than_printed() {
        render(ShellKind::Bash, &[Op::Set("A;id", "v".into())]);
    }

    #[test]
    #[should_panic(expected = "invalid variable name")]
    fn an_invalid_name_in_an_unset_is_refused() {
        render(ShellKind::Fish, &[Op::Unset("$(id)")]);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "holds a NUL")]
    fn a_value_with_nul_is_a_bug_caught_in_debug_builds() {
        render(ShellKind::Sh, &[Op::Set("RUNAS_T0", "a\0b".into())]);
    }
}
