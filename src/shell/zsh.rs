//! zsh: the POSIX `sh` output, which zsh reads the same way whatever its `setopt`s.
//!
//! Delegates to `sh` on purpose: POSIX single quotes mean the same in zsh, with or without
//! `no_unset`, `ksh_arrays` or `rc_quotes` (a closing quote is never followed by another quote).
//! One trap is zsh's own: a bare word that starts with `=` is a command path (`K==ls` sets K to
//! `/usr/bin/ls`), which is why `sh::quote` quotes every value. The module stays so zsh has
//! its own place if it ever needs to differ.

use crate::env::Op;

/// Quote `value` as one zsh word that expands to exactly `value` (POSIX single quotes).
pub fn quote(value: &str) -> String {
    super::sh::quote(value)
}

/// `export K='v'` / `unset K`, one statement per line, in order.
pub fn render(ops: &[Op]) -> String {
    super::sh::render(ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::sh::tests::{TABLE, unquote};
    use crate::shell::tests::{snapshot_ops, value_strategy};
    use proptest::prelude::*;

    #[test]
    fn zsh_quotes_every_hostile_value_exactly() {
        for (value, expected) in TABLE {
            assert_eq!(quote(value), *expected, "value {value:?}");
        }
    }

    #[test]
    fn zsh_quotes_a_leading_equals_sign() {
        assert_eq!(quote("=ls"), "'=ls'");
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

    #[test]
    fn zsh_render_matches_the_snapshot() {
        insta::assert_snapshot!(render(&snapshot_ops()));
    }

    proptest! {
        #[test]
        fn zsh_quote_round_trips_any_string_without_nul(value in value_strategy()) {
            let quoted = quote(&value);
            prop_assert_eq!(unquote_rc_quotes(&quoted), Some(value.clone()));
            prop_assert_eq!(unquote(&quoted), Some(value));
        }
    }
}
