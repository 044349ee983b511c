//! One file per subcommand, and the dispatch. Nothing here prints to stdout: the caller
//! writes the returned text once, so an error leaves stdout empty and `eval "$(runas env x)"`
//! changes nothing; and nothing here exits the process.

mod cache;
mod config;
pub mod doctor;
mod env;
mod exec;
mod hook;
pub mod init;
mod list;
mod session;
mod unset;
mod whoami;

use crate::cli::{CacheAction, Cli, Command};
use crate::sts::AwsSts;
use crate::{EnvMap, Result};

/// What a command leaves for `main`.
#[derive(Debug)]
pub enum Outcome {
    /// Text for stdout, written once; exit status 0.
    Print(String),
    /// The exit status of a command `exec` ran (where it could not replace this process).
    Exit(u8),
}

/// Run one command; the returned text is for stdout.
pub fn run(cli: Cli, env: EnvMap) -> Result<Outcome> {
    let env = &env;
    let text = match cli.command {
        Command::List(args) => list::run(&args, env),
        Command::Config(args) => config::run(&args, env),
        Command::Env(args) => env::run(&args, env),
        Command::Unset(args) => unset::run(args.shell, env),
        Command::Exec(args) => return exec::run(&args, env).map(Outcome::Exit),
        Command::Whoami(args) => whoami::run(&args, env),
        Command::Cache {
            action: CacheAction::Clear { profile },
        } => cache::clear(profile.as_deref(), env),
        Command::Doctor => {
            let findings = doctor::check(env, &|settings| AwsSts::new(settings.clone()).server_date());
            Ok(doctor::report(&findings))
        }
        Command::Init { shell } => init::script(shell),
        Command::Completions { shell } => Ok(init::completions(shell)),
        Command::Use(args) => hook::run_use(&args, env),
        Command::Off(args) => hook::off(&args, env),
    };
    text.map(Outcome::Print)
}
