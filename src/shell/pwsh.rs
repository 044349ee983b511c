//! PowerShell: `$Env:K = 'v'` and `Remove-Item -LiteralPath 'Env:/K'`, with verbatim strings.

use crate::env::{Op, SAVED, SAVED_VAR};
use std::fmt::Write as _;

/// The characters PowerShell takes as a single quote: `'` and the typographic ones
/// U+2018 ‘ U+2019 ’ U+201A ‚ U+201B ‛ (its tokenizer's `IsSingleQuote`).
fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

/// Quote `value` as one PowerShell verbatim (single-quoted) string that is exactly `value`.
///
/// In a verbatim string nothing expands (`$`, `` ` ``, `"` are literal) and a quote is written
/// twice. PowerShell ends the string at any of its five single-quote characters, so each of
/// them is doubled, not just `'`: a lone `’` in a value would otherwise end the string there
/// and run the rest as code.
///
/// `value` must not hold NUL (see `super::check`).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if is_single_quote(c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// `$Env:K = 'v'` / `Remove-Item -LiteralPath 'Env:/K' -ErrorAction SilentlyContinue`, one
/// statement per line, in order.
///
/// `-LiteralPath` so that `*` and `?` are not wildcards; `SilentlyContinue` so that removing a
/// variable that is not set prints nothing (it still leaves `$?` false, as any failed cmdlet).
///
/// PowerShell removes a variable that is set to `''`, as Windows does, so an empty value comes
/// out as an unset there: the one difference from the other shells, which quoting cannot fix.
pub(crate) struct PowerShell;

impl super::Dialect for PowerShell {
    fn quote(&self, value: &str) -> String {
        quote(value)
    }

    fn write(&self, op: &Op, out: &mut String) {
        // Writing to a String cannot fail.
        let _ = match op {
            Op::Set(name, value) => writeln!(out, "$Env:{name} = {}", quote(value)),
            Op::Unset(name) => writeln!(
                out,
                "Remove-Item -LiteralPath {} -ErrorAction SilentlyContinue",
                quote(&format!("Env:/{name}"))
            ),
            // A session variable, not an environment variable: no child process sees it.
            Op::Save(json) => writeln!(
                out,
                "if ($null -eq $global:{SAVED_VAR}) {{ $global:{SAVED_VAR} = {} }}",
                quote(json)
            ),
            Op::Forget => writeln!(
                out,
                "Remove-Variable -Name {SAVED_VAR} -Scope Global -ErrorAction SilentlyContinue"
            ),
            // PowerShell has no `NAME=value command`: the variable is set for the one call and
            // removed again, whatever happens.
            Op::RestoreSaved { bin } => writeln!(
                out,
                "if ($null -ne $global:{SAVED_VAR}) {{ $Env:{SAVED} = $global:{SAVED_VAR}; \
             try {{ & {} unset --shell pwsh | Out-String | Invoke-Expression }} \
             finally {{ Remove-Item -LiteralPath 'Env:/{SAVED}' -ErrorAction SilentlyContinue }} }}",
                quote(bin)
            ),
            Op::WarnUniversal(_) => Ok(()),
        };
    }
}

/// `ops` rendered in this dialect, for the tests of this module.
#[cfg(test)]
fn render(ops: &[Op]) -> String {
    super::render(super::ShellKind::Pwsh, ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::tests::{HOSTILE, snapshot_ops, value_strategy};
    use proptest::prelude::*;
    use tree_sitter::{Node, Parser, Tree};

    /// The hostile values and the exact string each one is quoted as.
    const TABLE: &[(&str, &str)] = &[
        ("", "''"),
        ("it's", "'it''s'"),
        ("a\\", r"'a\'"),
        ("a\\\\b", r"'a\\b'"),
        ("$HOME", "'$HOME'"),
        ("`id`", "'`id`'"),
        ("$(id)", "'$(id)'"),
        ("!x", "'!x'"),
        ("a b", "'a b'"),
        ("\n", "'\n'"),
        ("\t", "'\t'"),
        ("'", "''''"),
        ("‘smart’", "'‘‘smart’’'"),
        ("%PATH%", "'%PATH%'"),
        (";rm -rf ~", "';rm -rf ~'"),
        ("-n", "'-n'"),
        ("--", "'--'"),
        ("é", "'é'"),
        ("日本", "'日本'"),
        ("🦀", "'🦀'"),
    ];

    /// What PowerShell's tokenizer makes of a verbatim string, after its `ScanStringLiteral`:
    /// any of the five single quotes opens and closes it, and two in a row stand for the
    /// second one. `None` unless `token` is exactly one complete string.
    fn unquote(token: &str) -> Option<String> {
        let mut chars = token.chars().peekable();
        if !is_single_quote(chars.next()?) {
            return None;
        }
        let mut out = String::new();
        loop {
            let mut c = chars.next()?;
            if is_single_quote(c) {
                match chars.peek() {
                    Some(&next) if is_single_quote(next) => c = chars.next()?,
                    _ => return chars.next().is_none().then_some(out),
                }
            }
            out.push(c);
        }
    }

    fn parse(source: &str) -> Tree {
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_powershell::LANGUAGE.into())
            .expect("the PowerShell grammar loads");
        parser.parse(source, None).expect("the parser returns a tree")
    }

    /// Every node of the tree under `node`, depth first.
    fn nodes(node: Node<'_>) -> Vec<Node<'_>> {
        let mut all = vec![node];
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            all.extend(nodes(child));
        }
        all
    }

    /// The nodes of `kind` under `node`.
    fn nodes_of_kind<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
        nodes(node).into_iter().filter(|n| n.kind() == kind).collect()
    }

    fn text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
        &source[node.byte_range()]
    }

    /// The ERROR and MISSING nodes of the tree, as `kind at start..end` for a message.
    fn syntax_errors(tree: &Tree) -> Vec<String> {
        nodes(tree.root_node())
            .into_iter()
            .filter(|n| n.is_error() || n.is_missing())
            .map(|n| format!("{} at {:?}", n.kind(), n.byte_range()))
            .collect()
    }

    /// Parse the PowerShell `render` gives for `ops` and check that it is what was meant: no
    /// syntax error, one statement per op, each set an assignment of one verbatim string to
    /// `$Env:K` whose content (read with PowerShell's rules) is the value, each unset the
    /// `Remove-Item` of `Env:/K`.
    ///
    /// The grammar knows only `'` as a single quote; the typographic ones are checked by
    /// `unquote`, which follows PowerShell's tokenizer.
    fn assert_parses_as(ops: &[Op]) {
        let source = render(ops);
        let tree = parse(&source);
        let errors = syntax_errors(&tree);
        assert!(errors.is_empty(), "syntax errors {errors:?} in {source:?}");
        assert!(!tree.root_node().has_error(), "{source:?}");

        let statements: Vec<Node<'_>> = nodes_of_kind(tree.root_node(), "statement_list")
            .first()
            .map(|list| {
                let mut cursor = list.walk();
                list.named_children(&mut cursor).collect()
            })
            .unwrap_or_default();
        assert_eq!(statements.len(), ops.len(), "one statement per op in {source:?}");

        for (statement, op) in statements.into_iter().zip(ops) {
            let strings = nodes_of_kind(statement, "verbatim_string_characters");
            assert_eq!(strings.len(), 1, "one string in {:?}", text(statement, &source));
            let string = text(strings[0], &source);
            match op {
                Op::Set(name, value) => {
                    assert_eq!(nodes_of_kind(statement, "assignment_expression").len(), 1);
                    let variables = nodes_of_kind(statement, "variable");
                    assert_eq!(variables.len(), 1, "{:?}", text(statement, &source));
                    assert_eq!(text(variables[0], &source), format!("$Env:{name}"));
                    assert_eq!(string, quote(value));
                    assert_eq!(unquote(string).as_deref(), Some(value.as_str()), "{string:?}");
                }
                Op::Unset(name) => {
                    let commands = nodes_of_kind(statement, "command_name");
                    assert_eq!(commands.len(), 1, "{:?}", text(statement, &source));
                    assert_eq!(text(commands[0], &source), "Remove-Item");
                    let parameters: Vec<&str> = nodes_of_kind(statement, "command_parameter")
                        .into_iter()
                        .map(|n| text(n, &source))
                        .collect();
                    assert_eq!(parameters, ["-LiteralPath", "-ErrorAction"]);
                    assert_eq!(unquote(string), Some(format!("Env:/{name}")));
                }
                other => panic!("checked by the_saved_state_statements_parse: {other:?}"),
            }
        }
    }

    #[test]
    fn the_table_covers_every_hostile_value() {
        let values: Vec<&str> = TABLE.iter().map(|(value, _)| *value).collect();
        assert_eq!(values, HOSTILE);
    }

    #[test]
    fn pwsh_quotes_every_hostile_value_exactly() {
        for (value, expected) in TABLE {
            assert_eq!(quote(value), *expected, "value {value:?}");
            assert_eq!(unquote(expected).as_deref(), Some(*value), "value {value:?}");
        }
    }

    #[test]
    fn pwsh_doubles_every_kind_of_single_quote() {
        assert_eq!(quote("'‘’‚‛"), "'''‘‘’’‚‚‛‛'");
        // Double quotes, typographic or not, are not special in a verbatim string.
        assert_eq!(quote("\"“”"), "'\"“”'");
    }

    #[test]
    fn pwsh_would_end_the_string_at_an_undoubled_typographic_quote() {
        // What doubling only `'` would give: PowerShell closes the string at `’`, and the rest
        // is code. The reference unquoter sees that, so the checks below can fail.
        assert_eq!(unquote("'a’; id'"), None);
        assert_eq!(unquote(&quote("a’; id")).as_deref(), Some("a’; id"));
    }

    #[test]
    fn pwsh_renders_an_assignment_and_a_quiet_literal_remove_in_order() {
        let ops = [
            Op::Set("A", "it's".into()),
            Op::Unset("B"),
            Op::Set("C", String::new()),
        ];
        assert_eq!(
            render(&ops),
            "$Env:A = 'it''s'\n\
             Remove-Item -LiteralPath 'Env:/B' -ErrorAction SilentlyContinue\n\
             $Env:C = ''\n"
        );
    }

    #[test]
    fn pwsh_render_matches_the_snapshot() {
        insta::assert_snapshot!(render(&snapshot_ops()));
    }

    #[test]
    fn the_powershell_parser_accepts_every_hostile_value() {
        for value in HOSTILE {
            assert_parses_as(&[Op::Set("RUNAS_T0", (*value).into())]);
        }
        let mut ops: Vec<Op> = HOSTILE
            .iter()
            .map(|value| Op::Set("RUNAS_T1", (*value).into()))
            .collect();
        ops.push(Op::Unset("RUNAS_T2"));
        assert_parses_as(&ops);
        assert_parses_as(&snapshot_ops());
    }

    #[test]
    fn the_saved_state_statements_parse_with_every_hostile_value() {
        for value in HOSTILE {
            let ops = [
                Op::Save((*value).into()),
                Op::Forget,
                Op::RestoreSaved {
                    bin: format!("/opt/{value}/runas"),
                },
                Op::WarnUniversal("AWS_PROFILE"),
            ];
            let source = render(&ops);
            let tree = parse(&source);
            let errors = syntax_errors(&tree);
            assert!(errors.is_empty(), "syntax errors {errors:?} in {source:?}");
            let strings: Vec<&str> = nodes_of_kind(tree.root_node(), "verbatim_string_characters")
                .into_iter()
                .map(|n| text(n, &source))
                .collect();
            // The value and the binary's path are each one verbatim string that reads back as
            // itself; the rest are runas's own constants.
            assert!(strings.contains(&quote(value).as_str()), "{source:?}");
            let bin = quote(&format!("/opt/{value}/runas"));
            assert!(strings.contains(&bin.as_str()), "{source:?}");
            assert!(source.contains("$global:_runas_saved"), "{source:?}");
            assert!(!source.contains("$Env:_runas_saved"), "{source:?}");
        }
    }

    #[test]
    fn the_powershell_parser_flags_an_unterminated_string() {
        // Without this the check above could pass on a parser that accepts anything.
        let tree = parse("$Env:RUNAS_T0 = 'a\n");
        assert!(!syntax_errors(&tree).is_empty(), "{}", tree.root_node().to_sexp());
        let tree = parse("$Env:RUNAS_T0 = 'a'\n");
        assert!(syntax_errors(&tree).is_empty(), "{}", tree.root_node().to_sexp());
    }

    #[test]
    fn the_structure_check_catches_a_value_that_escapes_its_string() {
        // POSIX quoting of `it's` is not one PowerShell string: parse errors or more strings.
        let source = format!("$Env:RUNAS_T0 = {}\n", crate::shell::sh::quote("it's"));
        let tree = parse(&source);
        let strings = nodes_of_kind(tree.root_node(), "verbatim_string_characters");
        assert!(
            !syntax_errors(&tree).is_empty() || strings.len() != 1,
            "{}",
            tree.root_node().to_sexp()
        );
    }

    proptest! {
        #[test]
        fn pwsh_quote_round_trips_any_string_without_nul(value in value_strategy()) {
            prop_assert_eq!(unquote(&quote(&value)), Some(value));
        }

        #[test]
        fn the_powershell_parser_accepts_any_value(value in value_strategy()) {
            assert_parses_as(&[Op::Set("RUNAS_T0", value), Op::Unset("RUNAS_T1")]);
        }
    }
}
