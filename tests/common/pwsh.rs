//! A PowerShell syntax check with the tree-sitter grammar (no pwsh can be installed from the
//! registries these machines reach), as in src/shell/pwsh.rs: what the tests that run without pwsh
//! check of runas's PowerShell.

use tree_sitter::{Node, Parser, Tree};

pub fn parse(source: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("the PowerShell grammar loads");
    parser.parse(source, None).expect("the parser returns a tree")
}

/// Every node under `node`, depth first.
pub fn nodes(node: Node<'_>) -> Vec<Node<'_>> {
    let mut all = vec![node];
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        all.extend(nodes(child));
    }
    all
}

pub fn of_kind<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    nodes(node).into_iter().filter(|n| n.kind() == kind).collect()
}

/// ERROR and MISSING nodes, as `kind at range`.
pub fn syntax_errors(tree: &Tree) -> Vec<String> {
    nodes(tree.root_node())
        .into_iter()
        .filter(|n| n.is_error() || n.is_missing())
        .map(|n| format!("{} at {:?}", n.kind(), n.byte_range()))
        .collect()
}

/// The top-level statements.
pub fn statements(tree: &Tree) -> Vec<Node<'_>> {
    of_kind(tree.root_node(), "statement_list")
        .first()
        .map(|list| {
            let mut cursor = list.walk();
            list.named_children(&mut cursor).collect()
        })
        .unwrap_or_default()
}

/// PowerShell treats these four as single quotes too, in its tokenizer; the grammar does
/// not know them, so the content of a string is read with this.
fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}')
}

/// What PowerShell makes of a verbatim string token: any single quote opens and closes it,
/// two in a row stand for the second. `None` unless `token` is exactly one string.
pub fn unquote(token: &str) -> Option<String> {
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
