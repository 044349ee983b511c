//! bash: the POSIX `sh` output, which bash reads the same way.
//!
//! Delegates to `sh` on purpose: POSIX single quotes are right in bash, and one quoter means
//! one thing to get right. `$'…'` would keep a value with a newline on one line, but dash
//! rejects it and nothing runas prints needs it. The module stays so bash has its own place if
//! it ever needs to differ.

use crate::env::Op;

/// Quote `value` as one bash word that expands to exactly `value` (POSIX single quotes).
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
    fn bash_quotes_every_hostile_value_exactly() {
        for (value, expected) in TABLE {
            assert_eq!(quote(value), *expected, "value {value:?}");
        }
    }

    #[test]
    fn bash_keeps_history_expansion_away_from_a_bang() {
        // `!` outside the single quotes, escaped: an interactive bash with histexpand reads it
        // as a plain `!`.
        assert_eq!(quote("a!b"), r"'a'\!'b'");
    }

    #[test]
    fn bash_render_matches_the_snapshot() {
        insta::assert_snapshot!(render(&snapshot_ops()));
    }

    proptest! {
        #[test]
        fn bash_quote_round_trips_any_string_without_nul(value in value_strategy()) {
            prop_assert_eq!(unquote(&quote(&value)), Some(value));
        }
    }
}
