//! `runas exec`: a command run with exactly the environment `runas env` gives a shell, less
//! what only runas needs.

use super::session::credentials;
use crate::cache;
use crate::cli::ExecArgs;
use crate::env::{self, Op};
use crate::{EnvMap, Result};

/// Returns only where exec cannot replace this process: the command's exit status.
pub(crate) fn run(args: &ExecArgs, env: &EnvMap) -> Result<u8> {
    if args.server {
        return super::serve::exec_with_server(args, env);
    }
    let (resolved, creds) = credentials(&args.creds, env, cache::refresh_window(env)?)?;
    if args.write_credentials {
        super::env::write_credentials(&resolved, &creds, env)?;
    }
    let mut ops = super::env::switch_ops(&resolved, &creds, args.creds.session, env)?;
    ops.extend(env::EXEC_REMOVES.iter().map(|&name| Op::Unset(name)));
    crate::exec::exec(&args.command, &ops)
}
