//! fish: `set -gx K 'v'`, and an erase that is quiet and succeeds when `K` is not set.

use crate::env::{Op, SAVED, SAVED_VAR};
use std::fmt::Write as _;

/// Quote `value` as one fish word that expands to exactly `value`.
///
/// Inside fish's single quotes only `\\` and `\'` are escapes, so `\` becomes `\\` and `'`
/// becomes `\'`; everything else, newlines included, is literal. The POSIX quoter is wrong
/// here: fish reads `'a\\b'` as `a\b`, and `'a\'` does not end.
///
/// `value` must not hold NUL (see `super::check`).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\\' | '\'') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// `set -gx K 'v'` / erase of the global `K`, one statement per line, in order.
///
/// Global scope on both sides: the output is sourced inside the `runas` wrapper function,
/// where a plain `set -x` would make a function-local variable. `set` stops reading options at
/// the name, so a value such as `-n` or `--` is a value (checked in fish 3.6).
///
/// The erase is guarded: `set -e -g K` on a missing `K` prints nothing but returns status 4
/// (fish 3.6), and `runas env p | source; and aws …` would then stop when the last op happens
/// to erase a variable that was not set. `if` with no branch taken returns 0, and an erase that
/// does run keeps its own status.
pub(crate) struct Fish;

impl super::Dialect for Fish {
    fn quote(&self, value: &str) -> String {
        quote(value)
    }

    fn write(&self, op: &Op, out: &mut String) {
        // Writing to a String cannot fail.
        let _ = match op {
            Op::Set(name, value) => writeln!(out, "set -gx {name} {}", quote(value)),
            Op::Unset(name) => writeln!(out, "if set -q -g {name}; set -e -g {name}; end"),
            // -u: unexported even if a variable of that name was exported before.
            Op::Save(json) => writeln!(out, "set -q {SAVED_VAR}; or set -gu {SAVED_VAR} {}", quote(json)),
            Op::Forget => writeln!(out, "if set -q -g {SAVED_VAR}; set -e -g {SAVED_VAR}; end"),
            Op::RestoreSaved { bin } => writeln!(
                out,
                "if set -q {SAVED_VAR}; {SAVED}=${SAVED_VAR} {} unset --shell fish | source; end",
                quote(bin)
            ),
            Op::WarnUniversal(name) => writeln!(
                out,
                "if set --show {name} | string match -q '${name}: set in universal scope, exported*'; \
             echo 'runas: warning: the universal variable {name} (set -Ux) stays visible to \
             every program started from fish, beside these credentials; remove it with: \
             set -eU {name}' >&2; end"
            ),
        };
    }
}

/// `ops` rendered in this dialect, for the tests of this module.
#[cfg(test)]
fn render(ops: &[Op]) -> String {
    super::render(super::ShellKind::Fish, ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::tests::{HOSTILE, snapshot_ops, value_strategy};
    use proptest::prelude::*;

    /// The hostile values and the exact word each one is quoted as.
    const TABLE: &[(&str, &str)] = &[
        ("", "''"),
        ("it's", r"'it\'s'"),
        ("a\\", r"'a\\'"),
        ("a\\\\b", r"'a\\\\b'"),
        ("$HOME", "'$HOME'"),
        ("`id`", "'`id`'"),
        ("$(id)", "'$(id)'"),
        ("!x", "'!x'"),
        ("a b", "'a b'"),
        ("\n", "'\n'"),
        ("\t", "'\t'"),
        ("'", r"'\''"),
        ("‘smart’", "'‘smart’'"),
        ("%PATH%", "'%PATH%'"),
        (";rm -rf ~", "';rm -rf ~'"),
        ("-n", "'-n'"),
        ("--", "'--'"),
        ("é", "'é'"),
        ("日本", "'日本'"),
        ("🦀", "'🦀'"),
    ];

    /// What fish makes of one single-quoted word: `\\` and `\'` are escapes, any other
    /// backslash is literal. `None` when the word is not exactly one single-quoted string.
    fn unquote(word: &str) -> Option<String> {
        let mut chars = word.strip_prefix('\'')?.chars();
        let mut out = String::new();
        loop {
            match chars.next()? {
                '\'' => return chars.next().is_none().then_some(out),
                '\\' => match chars.next()? {
                    c @ ('\\' | '\'') => out.push(c),
                    c => {
                        out.push('\\');
                        out.push(c);
                    }
                },
                c => out.push(c),
            }
        }
    }

    #[test]
    fn the_table_covers_every_hostile_value() {
        let values: Vec<&str> = TABLE.iter().map(|(value, _)| *value).collect();
        assert_eq!(values, HOSTILE);
    }

    #[test]
    fn fish_quotes_every_hostile_value_exactly() {
        for (value, expected) in TABLE {
            assert_eq!(quote(value), *expected, "value {value:?}");
            assert_eq!(unquote(expected).as_deref(), Some(*value), "value {value:?}");
        }
    }

    #[test]
    fn fish_quotes_a_trailing_backslash() {
        assert_eq!(quote("a\\"), r"'a\\'");
    }

    #[test]
    fn fish_would_misread_the_posix_quoting() {
        // The reason fish has its own quoter: `'a\\b'` is `a\b` in fish.
        assert_eq!(
            unquote(&crate::shell::sh::quote("a\\\\b")).as_deref(),
            Some("a\\b")
        );
    }

    #[test]
    fn fish_renders_set_and_a_guarded_erase_in_order() {
        let ops = [
            Op::Set("A", "it's".into()),
            Op::Unset("B"),
            Op::Set("C", String::new()),
        ];
        assert_eq!(
            render(&ops),
            "set -gx A 'it\\'s'\nif set -q -g B; set -e -g B; end\nset -gx C ''\n"
        );
    }

    #[test]
    fn fish_render_matches_the_snapshot() {
        insta::assert_snapshot!(render(&snapshot_ops()));
    }

    proptest! {
        #[test]
        fn fish_quote_round_trips_any_string_without_nul(value in value_strategy()) {
            prop_assert_eq!(unquote(&quote(&value)), Some(value));
        }
    }
}
