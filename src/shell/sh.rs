//! POSIX `sh` (dash): `export K='v'` and `unset K`, with POSIX single quotes.

use crate::env::{Op, SAVED, SAVED_VAR};
use std::fmt::Write as _;

/// Quote `value` as one POSIX shell word that expands to exactly `value`.
///
/// Single quotes, with `'` written as `'\''` (and `!` as `'\!'`, which csh-style history
/// expansion needs), by `shell_escape::unix::escape`: never the top-level
/// `shell_escape::escape`, which switches to cmd.exe rules on Windows. That crate leaves a word
/// of "safe" characters bare, but zsh still expands a bare word that starts with `=`
/// (`export K==ls` sets K to `/usr/bin/ls`, checked in zsh 5.9), so a bare word is quoted too.
///
/// `value` must not hold NUL (see `super::check`).
pub fn quote(value: &str) -> String {
    let escaped = shell_escape::unix::escape(value.into());
    if escaped.starts_with('\'') {
        escaped.into_owned()
    } else {
        // Only `[A-Za-z0-9_=/,.+-]` is left bare, so no `'` can be inside.
        format!("'{escaped}'")
    }
}

/// `export K='v'` / `unset K`, one statement per line, in order; the saved state in the
/// unexported `_runas_saved`.
pub(crate) struct Posix;

impl super::Dialect for Posix {
    fn quote(&self, value: &str) -> String {
        quote(value)
    }

    fn write(&self, op: &Op, out: &mut String) {
        // Writing to a String cannot fail.
        let _ = match op {
            Op::Set(name, value) => writeln!(out, "export {name}={}", quote(value)),
            Op::Unset(name) => writeln!(out, "unset {name}"),
            // A plain assignment to a variable that did not exist: not exported (unless the
            // shell runs with `set -a`, which exports every assignment by request).
            Op::Save(json) => writeln!(
                out,
                "[ -n \"${{{SAVED_VAR}+x}}\" ] || {SAVED_VAR}={}",
                quote(json)
            ),
            Op::Forget => writeln!(out, "unset {SAVED_VAR}"),
            // What the inner run prints is export/unset lines, the same for sh, bash and zsh.
            Op::RestoreSaved { bin } => writeln!(
                out,
                "if [ -n \"${{{SAVED_VAR}+x}}\" ]; then eval \"$({SAVED}=\"${SAVED_VAR}\" {} unset --shell sh)\"; fi",
                quote(bin)
            ),
            Op::WarnUniversal(_) => Ok(()),
        };
    }
}

/// `ops` rendered in this dialect, for the tests of this module.
#[cfg(test)]
fn render(ops: &[Op]) -> String {
    super::render(super::ShellKind::Sh, ops)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::shell::tests::{HOSTILE, snapshot_ops, value_strategy};
    use proptest::prelude::*;

    /// The hostile values and the exact word each one is quoted as.
    pub(crate) const TABLE: &[(&str, &str)] = &[
        ("", "''"),
        ("it's", r"'it'\''s'"),
        ("a\\", r"'a\'"),
        ("a\\\\b", r"'a\\b'"),
        ("$HOME", "'$HOME'"),
        ("`id`", "'`id`'"),
        ("$(id)", "'$(id)'"),
        ("!x", r"''\!'x'"),
        ("a b", "'a b'"),
        ("\n", "'\n'"),
        ("\t", "'\t'"),
        ("'", r"''\'''"),
        ("‘smart’", "'‘smart’'"),
        ("%PATH%", "'%PATH%'"),
        (";rm -rf ~", "';rm -rf ~'"),
        ("-n", "'-n'"),
        ("--", "'--'"),
        ("é", "'é'"),
        ("日本", "'日本'"),
        ("🦀", "'🦀'"),
    ];

    /// What a POSIX shell makes of one word built from single-quoted strings and
    /// backslash-escaped characters (the only forms `quote` writes). `None` for anything else.
    pub(crate) fn unquote(word: &str) -> Option<String> {
        let mut out = String::new();
        let mut chars = word.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' => loop {
                    match chars.next()? {
                        '\'' => break,
                        c => out.push(c),
                    }
                },
                // Outside quotes, a backslash-newline would vanish; `quote` never writes one.
                '\\' => match chars.next()? {
                    '\n' => return None,
                    c => out.push(c),
                },
                _ => return None,
            }
        }
        Some(out)
    }

    #[test]
    fn the_table_covers_every_hostile_value() {
        let values: Vec<&str> = TABLE.iter().map(|(value, _)| *value).collect();
        assert_eq!(values, HOSTILE);
    }

    #[test]
    fn sh_quotes_every_hostile_value_exactly() {
        for (value, expected) in TABLE {
            assert_eq!(quote(value), *expected, "value {value:?}");
            assert_eq!(unquote(expected).as_deref(), Some(*value), "value {value:?}");
        }
    }

    #[test]
    fn sh_quotes_a_word_of_safe_characters_too() {
        // zsh turns a bare `=ls` into `/usr/bin/ls`.
        assert_eq!(quote("=ls"), "'=ls'");
        assert_eq!(quote("AKIAIOSFODNN7EXAMPLE"), "'AKIAIOSFODNN7EXAMPLE'");
    }

    #[test]
    fn sh_renders_export_and_unset_lines_in_order() {
        let ops = [
            Op::Set("A", "it's".into()),
            Op::Unset("B"),
            Op::Set("C", String::new()),
        ];
        assert_eq!(render(&ops), "export A='it'\\''s'\nunset B\nexport C=''\n");
    }

    #[test]
    fn sh_render_matches_the_snapshot() {
        insta::assert_snapshot!(render(&snapshot_ops()));
    }

    /// What zsh with `setopt rc_quotes` makes of a word that `quote` writes: there, `''`
    /// inside a single-quoted string stands for one `'`.
    fn unquote_rc_quotes(word: &str) -> Option<String> {
        let mut out = String::new();
        let mut chars = word.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' => loop {
                    match chars.next()? {
                        '\'' if chars.peek() == Some(&'\'') => {
                            chars.next();
                            out.push('\'');
                        }
                        '\'' => break,
                        c => out.push(c),
                    }
                },
                '\\' => out.push(chars.next()?),
                _ => return None,
            }
        }
        Some(out)
    }

    #[test]
    fn zsh_reads_quoted_quotes_the_same_with_rc_quotes() {
        // After a closing quote `quote` writes a backslash or ends the word, never another
        // quote, so rc_quotes has nothing to join.
        for value in ["''", "a''b", "'", "!'!", "it's"] {
            assert_eq!(unquote_rc_quotes(&quote(value)).as_deref(), Some(value));
        }
    }

    proptest! {
        #[test]
        fn sh_quote_round_trips_any_string_without_nul(value in value_strategy()) {
            let quoted = quote(&value);
            // zsh reads it the same with rc_quotes on.
            prop_assert_eq!(unquote_rc_quotes(&quoted), Some(value.clone()));
            prop_assert_eq!(unquote(&quoted), Some(value));
        }
    }
}
