//! `runas serve ecs|imds` and `runas exec --server`: a profile's credentials on a local
//! endpoint (see `crate::serve`) that refreshes them, for commands that run longer than
//! credentials last.
//!
//! The credentials are fetched before the endpoint listens, so an MFA code is asked for first
//! and no request ever waits on a prompt (SDKs give up after 1–2 seconds).

use super::session::{Session, credentials};
use crate::cache;
use crate::cli::{CredentialArgs, ExecArgs, ServeKind};
use crate::config::Resolved;
use crate::creds::Credentials;
use crate::env::{self, Op};
use crate::serve::ecs::{Ecs, Others};
use crate::serve::imds::{self, Imds};
use crate::serve::signals::{self, Signals};
use crate::serve::{EcsToken, Holder, Pointer, http};
use crate::shell;
use crate::{EnvMap, Error, Result};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The signals that stop `serve`.
const STOP: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// The signals `exec --server` passes on to its command.
const FORWARD: [libc::c_int; 5] = [
    libc::SIGINT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGQUIT,
    libc::SIGWINCH,
];

/// A profile's credentials, fetched, with what keeps fetching them.
struct Served {
    session: Session,
    args: CredentialArgs,
    holder: Arc<Holder>,
    window: Duration,
}

impl Served {
    /// Fetches the credentials (asking for an MFA code if need be), which must expire: long-term
    /// keys have nothing to refresh, and an endpoint would only spread them.
    fn start(args: &CredentialArgs, env: &EnvMap) -> Result<Served> {
        let window = cache::refresh_window(env)?;
        let mut session = Session::open(args, env, window)?;
        let creds = session.credentials(args)?;
        // The refreshes ask on the terminal: a given code is spent.
        session.forget_given_code();
        if creds.expiration.is_none() {
            return Err(Error::Serve(format!(
                "{} gives long-term keys, which never expire: there is nothing for an endpoint to \
                 refresh; use runas exec, or a profile with a role or mfa_serial",
                session.resolved.display_name()
            )));
        }
        warn_if_default_wins(&session.files);
        // Later fetches neither refresh by force nor print the expiry again.
        let args = CredentialArgs {
            refresh: false,
            expiration: false,
            otp: None,
            ..args.clone()
        };
        Ok(Served {
            session,
            args,
            holder: Holder::new(creds),
            window,
        })
    }

    fn resolved(&self) -> &Resolved {
        &self.session.resolved
    }

    /// The profile's region, which the exports set.
    fn region(&self) -> Option<String> {
        self.resolved().region.as_ref().map(|r| r.value.clone())
    }

    /// Keeps the credentials fresh on a thread of their own.
    fn refresh_in_background(self) -> Result<()> {
        let Served {
            session,
            args,
            holder,
            window,
        } = self;
        let profile = session.resolved.display_name().to_string();
        std::thread::Builder::new()
            .name("refresh".into())
            .spawn(move || crate::serve::keep_fresh(&holder, window, &profile, || session.credentials(&args)))
            .map_err(|e| Error::Serve(format!("cannot start the refresh: {e}")))?;
        Ok(())
    }
}

pub(crate) fn run(kind: &ServeKind, env: &EnvMap) -> Result<u8> {
    let common = match kind {
        ServeKind::Ecs(args) => &args.serve,
        ServeKind::Imds(args) => &args.serve,
    };
    // Which shell reads the exports is settled first: a run that cannot tell asks for nothing.
    let shell = shell::detect::pick(common.shell)?;
    let served = Served::start(&common.creds, env)?;
    let (listener, url) = listen(common.port)?;
    let region = served.region();
    let profile = served.resolved().display_name().to_string();
    let holder = served.holder.clone();
    let (handler, ops, token_file): (Handler, Vec<Op>, Option<PathBuf>) = match kind {
        ServeKind::Ecs(args) => {
            let token = http::random_token().map_err(serve_error)?;
            let token_file = match args.token_in_env {
                true => None,
                false => Some(write_token(
                    args.token_file.as_deref(),
                    &served,
                    &listener,
                    &token,
                )?),
            };
            let pointer = Pointer::Ecs {
                url: &url,
                token: match &token_file {
                    Some(path) => EcsToken::File(path.to_str().ok_or_else(|| {
                        Error::Serve(format!("the token file path {} is not UTF-8", path.display()))
                    })?),
                    None => EcsToken::Value(&token),
                },
            };
            let ops = crate::serve::pointer_ops(&pointer, region.as_deref());
            let others = args.allow_other_profiles.then(|| others(env));
            let ecs = Ecs {
                token,
                holder,
                others,
            };
            (Arc::new(move |r: &http::Request| ecs.handle(r)), ops, token_file)
        }
        ServeKind::Imds(_) => {
            let role = imds::role_name(
                served
                    .resolved()
                    .roles
                    .last()
                    .map(|hop| hop.role_arn.value.as_str()),
                &profile,
            );
            let imds = Imds::new(holder, role, region.clone());
            let ops = crate::serve::pointer_ops(&Pointer::Imds { url: &url }, region.as_deref());
            (Arc::new(move |r: &http::Request| imds.handle(r)), ops, None)
        }
    };
    env::check_values(&ops)?;
    stop_on_signals(token_file.clone())?;
    served.refresh_in_background()?;
    let mut stdout = std::io::stdout().lock();
    let printed = stdout
        .write_all(shell::render(shell, &ops).as_bytes())
        .and_then(|()| stdout.flush());
    drop(stdout);
    if let Err(e) = printed {
        // Nobody will learn where the endpoint is: no point serving.
        remove_token_file(token_file.as_deref());
        return Err(Error::Serve(format!("cannot write the exports to stdout: {e}")));
    }
    eprintln!(
        "runas: serving {}'s credentials at {url}; the lines on stdout point SDKs at it; Ctrl-C stops it",
        crate::one_line(&profile)
    );
    let served = http::serve(listener, handler);
    remove_token_file(token_file.as_deref());
    served.map_err(serve_error)?;
    Ok(0)
}

type Handler = Arc<dyn Fn(&http::Request) -> http::Response + Send + Sync>;

/// `runas exec --server`: the command gets an ECS endpoint in this process, with its token in
/// its environment, instead of keys. runas stays its parent until it ends.
pub(crate) fn exec_with_server(args: &ExecArgs, env: &EnvMap) -> Result<u8> {
    let served = Served::start(&args.creds, env)?;
    if args.write_credentials {
        let creds = served.holder.current().map_err(Error::Serve)?.0;
        super::env::write_credentials(served.resolved(), &creds, env)?;
    }
    let (listener, url) = listen(None)?;
    let token = http::random_token().map_err(serve_error)?;
    let region = served.region();
    let mut ops = crate::serve::pointer_ops(
        &Pointer::Ecs {
            url: &url,
            token: EcsToken::Value(&token),
        },
        region.as_deref(),
    );
    ops.extend(env::EXEC_REMOVES.iter().map(|&name| Op::Unset(name)));
    let ecs = Ecs {
        token: token.clone(),
        holder: served.holder.clone(),
        others: None,
    };
    let mut signals = Signals::catch(&FORWARD).map_err(serve_error)?;
    served.refresh_in_background()?;
    let handler: Handler = Arc::new(move |r: &http::Request| ecs.handle(r));
    spawn("serve", move || {
        let _ = http::serve(listener, handler);
    })?;
    let mut child = crate::exec::spawn(&args.command, &ops)?;
    let pid = child.id() as libc::pid_t;
    spawn("signals", move || {
        while let Ok(caught) = signals.wait() {
            // What the terminal sent reached the command already, as the whole foreground
            // process group gets it: sending it again would be a second Ctrl-C.
            if caught.from_process {
                // SAFETY: a plain kill of the child this process started and has not reaped.
                unsafe {
                    libc::kill(pid, caught.signal);
                }
            }
        }
    })?;
    let status = child.wait();
    crate::prompt::restore_terminal();
    let status = status.map_err(|e| Error::Serve(format!("cannot wait for the command: {e}")))?;
    Ok(exit_code(status))
}

/// Says when `[default]` has credentials of its own: every SDK's chain takes them before a
/// credential endpoint, so the command would run as `[default]`, not as the profile served.
fn warn_if_default_wins(files: &crate::config::Files) {
    if let Some(kind) = crate::config::default_credentials(files) {
        crate::warn(format_args!(
            "[default] has credentials of its own ({kind}), and SDKs use those before any endpoint: \
             move them to a named profile (source_profile = it), or give commands \
             AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE without them"
        ));
    }
}

/// The status a shell would report for `status`: the exit code, or 128 + the signal.
fn exit_code(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code as u8,
        (None, Some(signal)) => (128 + signal) as u8,
        (None, None) => 1,
    }
}

fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> Result<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(work)
        .map(drop)
        .map_err(|e| Error::Serve(format!("cannot start a thread: {e}")))
}

fn serve_error(e: std::io::Error) -> Error {
    Error::Serve(format!("cannot serve: {e}"))
}

/// A listener on 127.0.0.1 (`port`, else a free one) and the address SDKs are given for it.
fn listen(port: Option<u16>) -> Result<(TcpListener, String)> {
    let listener = http::bind(port.unwrap_or(0)).map_err(|e| {
        Error::Serve(match (port, e.kind()) {
            (Some(port), std::io::ErrorKind::AddrInUse) => format!(
                "cannot listen on 127.0.0.1:{port}: something else listens there; pick another \
                 --port, or leave it out for a free one"
            ),
            (Some(port), _) => format!("cannot listen on 127.0.0.1:{port}: {e}"),
            (None, _) => format!("cannot listen on 127.0.0.1: {e}"),
        })
    })?;
    let url = format!("http://{}/", listener.local_addr().map_err(serve_error)?);
    Ok((listener, url))
}

/// Other profiles' credentials for `/credentials/PROFILE`: from the cache, or fetched, but never
/// with a prompt.
fn others(env: &EnvMap) -> Others {
    let env = env.clone();
    Box::new(move |profile: &str| {
        let args = CredentialArgs {
            profile: Some(profile.to_string()),
            no_prompt: true,
            ..CredentialArgs::default()
        };
        let window = cache::refresh_window(&env).map_err(|e| format!("runas: {e}"))?;
        let (_, creds): (Resolved, Credentials) =
            credentials(&args, &env, window).map_err(|e| format!("runas: {e}"))?;
        match creds.expiration {
            Some(_) => Ok(creds),
            None => Err(format!(
                "runas: {profile} gives long-term keys; this endpoint hands out only credentials \
                 that expire"
            )),
        }
    })
}

/// Writes `token` (no newline: SDKs send the file's bytes as they are) to `path`, else to a file
/// named after the port in the cache folder, mode 0600, replacing whatever was at that name.
fn write_token(path: Option<&Path>, served: &Served, listener: &TcpListener, token: &str) -> Result<PathBuf> {
    let path = match path {
        Some(path) => path.to_path_buf(),
        None => {
            let port = listener.local_addr().map_err(serve_error)?.port();
            let dir = served.session.cache.private_dir().ok_or_else(|| {
                Error::Serve(
                    "no private folder for the token file (see the warning above); give one with \
                     --token-file, or use --token-in-env"
                        .into(),
                )
            })?;
            dir.join(format!("serve-ecs-{port}.token"))
        }
    };
    crate::cache::write_private(&path, token.as_bytes())
        .map_err(|e| Error::Serve(format!("cannot write the token file {}: {e}", path.display())))?;
    Ok(path)
}

fn remove_token_file(path: Option<&Path>) {
    if let Some(path) = path {
        let _ = std::fs::remove_file(path);
    }
}

/// Ends the process cleanly on Ctrl-C, SIGTERM, a hangup or Ctrl-\: the terminal put back if
/// a prompt was waiting, the token file removed, then death by the same signal.
fn stop_on_signals(token_file: Option<PathBuf>) -> Result<()> {
    let mut caught = Signals::catch(&STOP).map_err(serve_error)?;
    spawn("signals", move || {
        if let Ok(signal) = caught.wait() {
            remove_token_file(token_file.as_deref());
            eprintln!("runas: stopped serving");
            signals::die_of(signal.signal);
        }
    })
}
