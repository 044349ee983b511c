//! `runas unset`: what removes runas's variables from a shell and puts back what it had.

use crate::env;
use crate::shell::{self, ShellKind};
use crate::{EnvMap, Result};

/// `runas unset`: the ops that undo the switches, for the shell that reads them. In a shell
/// runas never switched there is nothing to undo: nothing is printed (the user's own
/// `AWS_PROFILE` and `AWS_REGION` stay) and stderr says so.
pub(crate) fn run(flag: Option<ShellKind>, env: &EnvMap) -> Result<String> {
    let bin = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "runas".into());
    match env::restore(env, &bin) {
        Some(ops) => Ok(shell::render(shell::detect::pick(flag)?, &ops)),
        None => {
            eprintln!("runas: nothing to undo: this shell has not switched to a profile");
            Ok(String::new())
        }
    }
}
