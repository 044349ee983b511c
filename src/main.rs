//! The `runas` binary: parse the command line, run, and turn the result into the exit status.
//! This is the one place that exits; stdout is written once, at the end, and only on success.

use clap::Parser;
use runas::cli::Cli;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match runas::run::run(cli, runas::process_env()) {
        Ok(stdout) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(stdout.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                // A closed pipe (`runas list | head -1`) is not worth a message.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("runas: cannot write to stdout: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("runas: {}", runas::one_line(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}
