//! One file per subcommand, and the dispatch. Nothing here prints to stdout: the caller
//! writes the returned text once, so an error leaves stdout empty and `eval "$(runas env x)"`
//! changes nothing; and nothing here exits the process. The one exception is `serve`, which
//! runs until it is stopped: it prints its exports once it is listening, and ends by a signal.

mod cache;
mod config;
mod console;
pub mod doctor;
mod env;
mod exec;
mod hook;
pub mod init;
mod list;
mod login;
mod serve;
mod session;
mod unset;
mod whoami;

use crate::cli::{CacheAction, Cli, Command};
use crate::sts::AwsSts;
use crate::{EnvMap, Result};

/// Rows as columns for a person to read: every cell with its control characters escaped (a
/// name or value can hold a terminal escape sequence), the first `aligned` columns padded to
/// one width by hand (the formatter's width argument panics past 65 535), two spaces apart,
/// no trailing blanks.
pub(crate) fn table(rows: &[Vec<String>], aligned: usize) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| crate::one_line(cell).into_owned())
                .collect()
        })
        .collect();
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &cells {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            if c < aligned && c + 1 < row.len() {
                line.extend(std::iter::repeat_n(' ', widths[c] - cell.chars().count()));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// What a command leaves for `main`.
#[derive(Debug)]
pub enum Outcome {
    /// Text for stdout, written once; exit status 0.
    Print(String),
    /// The exit status of a command `exec` ran (where it could not replace this process).
    Exit(u8),
    /// A report for stdout that ends in a non-zero status: `doctor` when it found a problem.
    Report(String, u8),
}

/// Run one command; the returned text is for stdout.
pub fn run(cli: Cli, env: EnvMap) -> Result<Outcome> {
    crate::verbose::set_level(cli.verbosity());
    let command = cli.command.name();
    run_command(cli, &env).map_err(|e| match e {
        crate::Error::NoProfile { .. } => crate::Error::NoProfile { command },
        e => e,
    })
}

fn run_command(cli: Cli, env: &EnvMap) -> Result<Outcome> {
    let text = match cli.command {
        Command::List(args) => list::run(&args, env),
        Command::Config(args) => config::run(&args, env),
        Command::Env(args) => env::run(&args, env),
        Command::Unset(args) => unset::run(args.shell, env),
        Command::Exec(args) => return exec::run(&args, env).map(Outcome::Exit),
        Command::Whoami(args) => whoami::run(&args, env),
        Command::Cache { action, .. } => match action {
            CacheAction::Clear {
                profile,
                session,
                all,
                ..
            } => cache::clear(profile.as_deref(), cache::Also { session, all }, env),
            CacheAction::List { json, .. } => cache::list(json, env),
        },
        Command::Doctor { .. } => {
            let findings = doctor::check(env, &|settings| AwsSts::new(settings.clone()).server_date());
            let report = doctor::report(&findings);
            if doctor::has_problem(&findings) {
                return Ok(Outcome::Report(report, 1));
            }
            Ok(report)
        }
        Command::Serve { kind, .. } => return serve::run(&kind, env).map(Outcome::Exit),
        Command::Console(args) => console::run(&args, env),
        Command::Login(args) => login::login(&args, env),
        Command::Logout(args) => login::logout(&args, env),
        Command::Init { shell, .. } => init::script(shell),
        Command::Completions { shell, .. } => Ok(init::completions(shell)),
        Command::Use(args) => hook::run_use(&args, env),
        Command::Off(args) => hook::off(&args, env),
    };
    text.map(Outcome::Print)
}

#[cfg(test)]
mod tests {
    use super::table;

    #[test]
    fn a_table_aligns_escapes_and_takes_any_width() {
        let rows = vec![
            vec!["a".to_string(), "x".to_string(), "1".to_string()],
            vec![
                "bbb".to_string(),
                "\u{1b}]52;c;aGk=\u{7}".to_string(),
                String::new(),
            ],
        ];
        assert_eq!(
            table(&rows, 2),
            "a    x                      1\nbbb  \\u{1b}]52;c;aGk=\\u{7}\n"
        );
        let long = "p".repeat(70_000);
        let text = table(
            &[vec![long.clone(), "keys".into()], vec!["q".into(), "role".into()]],
            1,
        );
        assert!(text.starts_with(&long) && text.ends_with("role\n"));
        assert_eq!(table(&rows, 1), "a    x  1\nbbb  \\u{1b}]52;c;aGk=\\u{7}\n");
    }
}
