//! The `runas` binary: parse the command line, run, and turn the result into the exit status.
//! This is the one place that exits; stdout is written once, at the end, and only on success.

use clap::Parser;
use clap::error::ErrorKind;
use runas::Outcome;
use runas::cli::Cli;
use std::ffi::OsStr;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    runas::harden();
    runas::shell::complete::complete_if_asked();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // The hook evaluates what `runas use` prints: its help goes to the terminal (stderr)
        // and stdout stays empty, so `runas use --help` (or `-sh`) shows help and runs nothing.
        Err(e) if !e.use_stderr() && called_by_hook() => {
            eprint!("{}", e.render().ansi());
            return ExitCode::SUCCESS;
        }
        // `runas prod`, `runas exec prod aws …`: say what to type instead.
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::InvalidSubcommand | ErrorKind::UnknownArgument
            ) =>
        {
            match runas::cli::habit_hint_for_this_run() {
                Some(line) => {
                    eprintln!("runas: {}", runas::one_line(&line));
                    return ExitCode::from(2);
                }
                None => e.exit(),
            }
        }
        Err(e) => e.exit(),
    };
    match runas::run(cli, runas::process_env()) {
        Ok(Outcome::Exit(code)) => ExitCode::from(code),
        Ok(Outcome::Print(stdout)) => print(&stdout, 0),
        Ok(Outcome::Report(stdout, code)) => print(&stdout, code),
        Err(e) => {
            eprintln!("runas: {}", runas::one_line(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

/// Writes `stdout` and exits with `code`.
fn print(stdout: &str, code: u8) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(stdout.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::from(code),
        // A closed pipe (`runas list | head -1`) is not worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(code),
        Err(e) => {
            eprintln!("runas: cannot write to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Whether this is `runas use --hook SHELL …` or `runas off --hook SHELL`: what the hook's
/// `runas` function runs.
fn called_by_hook() -> bool {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    matches!(args.first().and_then(|a| a.to_str()), Some("use" | "off"))
        && args.iter().any(|a| a == OsStr::new("--hook"))
}
