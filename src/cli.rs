//! Command-line interface (clap derive): subcommands, flags and their help, which the man page
//! and the completions are generated from.

use crate::shell::ShellKind;
use crate::shell::complete::profile_names;
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;
use std::ffi::OsString;

#[derive(Debug, Parser)]
#[command(
    name = "runas",
    version,
    about = "Assume AWS roles from the shell: exports for every shell, a locked cache, instant when warm",
    after_help = "Shell integration: eval \"$(runas init bash)\" (or zsh; fish: runas init fish | source) \
                  adds `runas use PROFILE`, `runas off` and `runas_prompt`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

// `-v`, `--verbose`, which every command takes. The top level and each subcommand define it,
// rather than the top level once with `global = true`: clap copies a global argument into every
// subcommand (there are 19) at each start, about 48 KB of heap, 66 k instructions and 13 page
// faults of a warm `runas env`, where a subcommand's own is built only when that subcommand
// runs. `Cli::verbosity` adds the counts up, so `runas -v env -v` is `-vv` as before.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct Verbosity {
    /// Say each decision on stderr (files, profile, cache, STS calls); -vv adds the SDK's own
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
// Each subcommand's arguments are built only when that subcommand is the one run: building every
// subcommand's flags on each call was a fifth of a warm `runas env`'s instructions. What walks
// the whole tree (help, completion, the man page, `habit_hint`) calls `Command::build` first.
// The argument structs and enums below carry `//` comments, not doc comments: clap would make a
// doc comment the `about` of every subcommand they are part of, and a deferred part is applied
// after the subcommand's own `about`, so it would win.
#[command(defer = true)]
pub enum Command {
    /// Print the exports that give a shell PROFILE's credentials: eval "$(runas env PROFILE)"
    Env(EnvArgs),
    /// Print what removes runas's variables and restores the ones the shell had before
    Unset(UnsetArgs),
    /// Run a command with PROFILE's credentials in its environment
    Exec(ExecArgs),
    /// List the profiles, one a line, with their kind (keys, role, chain, process, sso, …)
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Show PROFILE's resolved settings and where each came from
    #[command(visible_aliases = ["diagnose", "diag"])]
    Config(ConfigArgs),
    /// Show the account, ARN and user id of PROFILE's credentials (GetCallerIdentity)
    Whoami(WhoamiArgs),
    /// Manage the credential cache
    Cache {
        #[command(subcommand)]
        action: CacheAction,
        #[command(flatten)]
        verbosity: Verbosity,
    },
    /// Print the shell hook for the rc file: eval "$(runas init bash)"
    Init {
        /// bash, zsh, fish or pwsh (POSIX sh has no prompt hook)
        #[arg(value_enum)]
        shell: ShellKind,
        #[command(flatten)]
        verbosity: Verbosity,
    },
    /// Print tab completions for a shell
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
        #[command(flatten)]
        verbosity: Verbosity,
    },
    /// Check files, profiles, the shell hook, the clock and the cache, and say how to fix each problem
    Doctor {
        #[command(flatten)]
        verbosity: Verbosity,
    },
    /// Serve PROFILE's credentials on a local endpoint that SDKs poll and that refreshes them
    /// before they expire, for long-running commands, IDEs and containers
    Serve {
        #[command(subcommand)]
        kind: ServeKind,
        #[command(flatten)]
        verbosity: Verbosity,
    },
    /// Open the AWS console signed in with PROFILE's credentials (or print the sign-in address)
    Console(ConsoleArgs),
    /// Sign in to IAM Identity Center for PROFILE's SSO session (the token the AWS CLI shares)
    Login(LoginArgs),
    /// Sign out of an SSO session: remove its token and the role credentials cached from it
    Logout(LogoutArgs),
    /// Switch this shell to PROFILE (a function of the shell hook; see `runas init`)
    Use(UseArgs),
    /// Restore this shell to how it was before `runas use` (a function of the shell hook)
    Off(OffArgs),
}

// `runas use`: `runas env` for the shell the hook runs in, which evaluates the output.
#[derive(Debug, Args)]
pub struct UseArgs {
    #[command(flatten)]
    pub creds: CredentialArgs,

    /// Set by the hook's `runas` function: the shell that evaluates the output. Without it the
    /// hook is not loaded, and `use` says how to load it.
    #[arg(long, value_enum, hide = true)]
    pub hook: Option<ShellKind>,

    /// Set by the hook's prompt refresh: refresh the active profile (`AWSRUNAS_PROFILE`, and
    /// `AWSRUNAS_SESSION`) with this refresh window in seconds; never ask for an MFA code, and
    /// on failure print the whole one-line message for the prompt.
    #[arg(long, value_name = "SECONDS", hide = true, conflicts_with = "profile")]
    pub due: Option<u64>,

    /// Refused: the hook writes for its own shell (accepted here only to say so in one line).
    #[arg(long, hide = true, value_name = "SHELL")]
    pub shell: Option<String>,

    /// Refused: `use` evaluates shell code; JSON is for `runas env --format json`.
    #[arg(short = 'O', long, alias = "output", hide = true, value_name = "FORMAT")]
    pub format: Option<String>,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

// `runas off`: `runas unset` for the shell the hook runs in.
#[derive(Debug, Args)]
pub struct OffArgs {
    /// Set by the hook's `runas` function: the shell that evaluates the output.
    #[arg(long, value_enum, hide = true)]
    pub hook: Option<ShellKind>,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// The shells `runas completions` writes for, with the names runas takes everywhere (`pwsh` as
/// well as `powershell`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    #[value(alias = "pwsh")]
    Powershell,
    Elvish,
}

#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// Remove cached credentials: PROFILE's own, or all of them; lists what it removed
    Clear {
        /// Profile name or role ARN [default: every entry]
        #[arg(add = ArgValueCandidates::new(profile_names))]
        profile: Option<String>,

        /// Also the session token PROFILE's roles are assumed with (shared with the other
        /// profiles of that source, which then need an MFA code again)
        #[arg(long, requires = "profile")]
        session: bool,

        /// Every entry of PROFILE's chain: its session and each role on the way
        #[arg(long, requires = "profile", conflicts_with = "session")]
        all: bool,
        #[command(flatten)]
        verbosity: Verbosity,
    },
    /// List the cached credentials: profile, kind, expiry (never a secret)
    #[command(visible_alias = "ls")]
    List {
        /// Print JSON for tools
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        verbosity: Verbosity,
    },
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    #[command(flatten)]
    pub creds: CredentialArgs,

    /// Print JSON for tools
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

// The flags that decide which credentials a command gets.
#[derive(Debug, Clone, Default, Args)]
pub struct CredentialArgs {
    /// Profile name or role ARN [default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then
    /// $AWSRUNAS_PROFILE]
    #[arg(add = ArgValueCandidates::new(profile_names))]
    pub profile: Option<String>,

    /// The same as PROFILE, as the AWS CLI takes it
    #[arg(
        long = "profile",
        value_name = "PROFILE",
        conflicts_with = "profile",
        add = ArgValueCandidates::new(profile_names)
    )]
    pub profile_option: Option<String>,

    /// MFA device serial (ARN) [env: MFA_SERIAL; config: mfa_serial]
    #[arg(short = 'M', long, value_name = "ARN")]
    pub mfa_serial: Option<String>,

    /// External ID for AssumeRole [env: EXTERNAL_ID; config: external_id]
    #[arg(short = 'X', long, value_name = "ID")]
    pub external_id: Option<String>,

    /// Session token lifetime, Go syntax like 12h or 1h30m [env: SESSION_TOKEN_DURATION]
    #[arg(short = 'd', long = "duration", value_name = "DURATION")]
    pub session_duration: Option<String>,

    /// Role credentials lifetime, Go syntax like 1h [env: CREDENTIALS_DURATION]
    #[arg(short = 'a', long = "role-duration", value_name = "DURATION")]
    pub role_duration: Option<String>,

    /// MFA code, 6 digits [env: MFA_CODE; default: ask on the terminal]
    #[arg(short = 'o', long = "otp", value_name = "CODE")]
    pub otp: Option<String>,

    /// Give the source profile's session-token credentials instead of the role's
    #[arg(short = 's', long)]
    pub session: bool,

    /// Ignore cached role credentials and get new ones
    #[arg(short = 'r', long)]
    pub refresh: bool,

    /// Print when the credentials expire, on stderr
    #[arg(short = 'e', long)]
    pub expiration: bool,

    /// Never ask for an MFA code; fail instead (what prompt hooks use)
    #[arg(long)]
    pub no_prompt: bool,
}

impl CredentialArgs {
    /// The profile named on the command line, as PROFILE or as `--profile PROFILE`.
    pub fn profile(&self) -> Option<&str> {
        self.profile.as_deref().or(self.profile_option.as_deref())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Statements for the shell (--shell); `env` as aws-runas calls it
    #[value(alias = "env")]
    Shell,
    /// The credential_process document (Version 1)
    Json,
}

#[derive(Debug, Args)]
pub struct EnvArgs {
    #[command(flatten)]
    pub creds: CredentialArgs,

    /// Shell to write for [default: the shell runas was started from; see README]
    #[arg(long, value_enum)]
    pub shell: Option<ShellKind>,

    /// Also write the credentials to the credentials file as [PROFILE-awsrunas], for tools that
    /// read only files
    #[arg(short = 'c', long, env = "RUNAS_WRITE_CREDENTIALS")]
    pub write_credentials: bool,

    /// What to print
    #[arg(
        short = 'O',
        long,
        visible_alias = "output",
        value_enum,
        default_value_t = OutputFormat::Shell
    )]
    pub format: OutputFormat,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

// The endpoints `runas serve` offers.
#[derive(Debug, Subcommand)]
pub enum ServeKind {
    /// The ECS container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI), guarded by a token
    Ecs(ServeEcsArgs),
    /// EC2 instance metadata, IMDSv2 only (AWS_EC2_METADATA_SERVICE_ENDPOINT)
    Imds(ServeImdsArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub creds: CredentialArgs,

    /// Port on 127.0.0.1 [default: a free one]
    #[arg(short = 'p', long)]
    pub port: Option<u16>,

    /// Shell to write the exports for [default: the shell runas was started from]
    #[arg(long, value_enum)]
    pub shell: Option<ShellKind>,
}

#[derive(Debug, Args)]
pub struct ServeImdsArgs {
    #[command(flatten)]
    pub serve: ServeArgs,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[derive(Debug, Args)]
pub struct ServeEcsArgs {
    #[command(flatten)]
    pub serve: ServeArgs,

    /// Where to write the token (mode 0600) [default: in runas's cache folder]
    #[arg(long, value_name = "PATH", conflicts_with = "token_in_env")]
    pub token_file: Option<std::path::PathBuf>,

    /// Export the token itself (AWS_CONTAINER_AUTHORIZATION_TOKEN) rather than its file, for
    /// SDKs too old to read the file
    #[arg(long)]
    pub token_in_env: bool,

    /// Also serve other profiles, at /credentials/PROFILE (never asking for an MFA code)
    #[arg(long)]
    pub allow_other_profiles: bool,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[derive(Debug, Args)]
pub struct UnsetArgs {
    /// Shell to write for [default: the shell runas was started from; see README]
    #[arg(long, value_enum)]
    pub shell: Option<ShellKind>,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub creds: CredentialArgs,

    /// Also write the credentials to the credentials file as [PROFILE-awsrunas], for tools that
    /// read only files
    #[arg(short = 'c', long, env = "RUNAS_WRITE_CREDENTIALS")]
    pub write_credentials: bool,

    /// Give the command a local credential endpoint that refreshes, not keys that expire:
    /// runas stays its parent, passes signals on and exits with its status
    #[arg(long)]
    pub server: bool,

    /// The command and its arguments, after --
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(subcommand)]
    pub what: Option<ListWhat>,

    /// Print JSON for tools
    #[arg(long, conflicts_with = "names")]
    pub json: bool,

    /// Print only the names, one a line, for scripts
    #[arg(short = 'n', long)]
    pub names: bool,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[derive(Debug, Subcommand)]
pub enum ListWhat {
    /// List the MFA devices of the IAM user whose keys PROFILE uses (ListMFADevices)
    Mfa {
        #[command(flatten)]
        creds: CredentialArgs,

        /// Print JSON for tools
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        verbosity: Verbosity,
    },
    /// List the roles the IAM user whose keys PROFILE uses may assume, from its policies and
    /// its groups'
    Roles {
        #[command(flatten)]
        creds: CredentialArgs,

        /// Print JSON for tools
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        verbosity: Verbosity,
    },
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub creds: CredentialArgs,

    /// Print the sign-in address on stdout instead of opening a browser (it signs anyone in for
    /// 15 minutes)
    #[arg(long)]
    pub print: bool,

    /// Where the console opens: a console address, a path (/s3/) or a service name (s3)
    /// [default: the console's home]
    #[arg(long, value_name = "WHERE")]
    pub destination: Option<String>,

    /// The console's region [default: the profile's]
    #[arg(long)]
    pub region: Option<String>,

    /// How long the console session lasts, 15m to 12h, Go syntax [default: AWS's; 1h for an
    /// IAM user's keys]
    #[arg(long, value_name = "DURATION")]
    pub console_duration: Option<String>,

    /// Where to ask for the sign-in token [default: the partition's, such as
    /// https://signin.aws.amazon.com/federation]
    #[arg(
        long,
        value_name = "URL",
        env = "RUNAS_FEDERATION_URL",
        hide_env_values = true
    )]
    pub federation_url: Option<String>,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// An SSO profile, or a profile whose chain starts at one [default: as for env]
    #[arg(add = ArgValueCandidates::new(profile_names), conflicts_with = "sso_session")]
    pub profile: Option<String>,

    /// The [sso-session NAME] to sign in to, instead of a profile's
    #[arg(long, value_name = "NAME")]
    pub sso_session: Option<String>,

    /// Sign in with a code typed in a browser anywhere (the device flow), not through this
    /// machine's browser; the default when no browser can be opened
    #[arg(long)]
    pub device_code: bool,

    /// Never open a browser: print the address only
    #[arg(long)]
    pub no_browser: bool,

    /// Sign in even while the token is valid
    #[arg(long)]
    pub force: bool,

    /// Print the session and the token's expiry as JSON on stdout
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// An SSO profile, or a profile whose chain starts at one [default: as for env]
    #[arg(add = ArgValueCandidates::new(profile_names), conflicts_with = "sso_session")]
    pub profile: Option<String>,

    /// The [sso-session NAME] to sign out of, instead of a profile's
    #[arg(long, value_name = "NAME")]
    pub sso_session: Option<String>,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub creds: CredentialArgs,

    #[command(flatten)]
    pub verbosity: Verbosity,
}

impl Cli {
    /// How many times `-v` was given, before the subcommand and after it.
    pub fn verbosity(&self) -> u8 {
        // The command's own count, and its subcommand's where it has one.
        let (own, nested) = match &self.command {
            Command::Env(a) => (a.verbosity, None),
            Command::Unset(a) => (a.verbosity, None),
            Command::Exec(a) => (a.verbosity, None),
            Command::List(a) => (
                a.verbosity,
                a.what
                    .as_ref()
                    .map(|(ListWhat::Mfa { verbosity, .. } | ListWhat::Roles { verbosity, .. })| *verbosity),
            ),
            Command::Config(a) => (a.verbosity, None),
            Command::Whoami(a) => (a.verbosity, None),
            Command::Cache { action, verbosity } => {
                let (CacheAction::Clear { verbosity: v, .. } | CacheAction::List { verbosity: v, .. }) =
                    action;
                (*verbosity, Some(*v))
            }
            Command::Init { verbosity, .. }
            | Command::Completions { verbosity, .. }
            | Command::Doctor { verbosity } => (*verbosity, None),
            Command::Serve { kind, verbosity } => match kind {
                ServeKind::Ecs(a) => (*verbosity, Some(a.verbosity)),
                ServeKind::Imds(a) => (*verbosity, Some(a.verbosity)),
            },
            Command::Console(a) => (a.verbosity, None),
            Command::Login(a) => (a.verbosity, None),
            Command::Logout(a) => (a.verbosity, None),
            Command::Use(a) => (a.verbosity, None),
            Command::Off(a) => (a.verbosity, None),
        };
        [Some(self.verbosity), Some(own), nested]
            .into_iter()
            .flatten()
            .fold(0, |sum, v| sum.saturating_add(v.verbose))
    }
}

impl Command {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Env(_) => "env",
            Command::Unset(_) => "unset",
            Command::Exec(_) => "exec",
            Command::List(_) => "list",
            Command::Config(_) => "config",
            Command::Whoami(_) => "whoami",
            Command::Cache { .. } => "cache",
            Command::Init { .. } => "init",
            Command::Completions { .. } => "completions",
            Command::Doctor { .. } => "doctor",
            Command::Serve { .. } => "serve",
            Command::Console(_) => "console",
            Command::Login(_) => "login",
            Command::Logout(_) => "logout",
            Command::Use(_) => "use",
            Command::Off(_) => "off",
        }
    }
}

/// [`habit_hint`] for this process: its arguments, and the profiles of the config files it reads.
pub fn habit_hint_for_this_run() -> Option<String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let names = std::cell::OnceCell::new();
    let is_profile = |word: &str| {
        let names: &Vec<String> = names.get_or_init(|| {
            let env = crate::process_env();
            let env = crate::env::original(&env);
            let paths = crate::config::Paths::from_env(&env);
            crate::config::Files::load(&paths)
                .map(|files| {
                    crate::config::list_profiles(&files)
                        .into_iter()
                        .map(|p| p.name)
                        .collect()
                })
                .unwrap_or_default()
        });
        names.iter().any(|n| n == word)
    };
    habit_hint(&args, &is_profile)
}

/// The runas line for a command line clap refused that reads as aws-runas's
/// `aws-runas [FLAGS] PROFILE [COMMAND…]`, or as `runas exec PROFILE COMMAND…` without the `--`;
/// `None` for anything else, which keeps clap's own message. `args` come without the program
/// name; `is_profile` says whether a word names a profile in the config files.
pub fn habit_hint(args: &[String], is_profile: &dyn Fn(&str) -> bool) -> Option<String> {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    cli.build();
    let first = args.first()?;
    // The flags that take a value, for env and exec alike: their value is not the profile.
    let mut valued = Vec::new();
    for name in ["env", "exec"] {
        let sub = cli.find_subcommand(name).expect("runas has env and exec");
        for arg in sub.get_arguments().filter(|a| !a.is_positional()) {
            if arg.get_action().takes_values() {
                valued.extend(arg.get_long().map(|l| format!("--{l}")));
                valued.extend(arg.get_short().map(|c| format!("-{c}")));
                valued.extend(
                    arg.get_all_aliases()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|l| format!("--{l}")),
                );
            }
        }
    }
    // The index of the first word that is neither a flag nor a flag's value, from `start`.
    let profile_at = |start: usize| {
        let mut i = start;
        while i < args.len() {
            let word = &args[i];
            if word == "--" || !word.starts_with('-') || word == "-" {
                return Some(i);
            }
            i += if valued.contains(word) { 2 } else { 1 };
        }
        None
    };
    // Words as they are typed at a POSIX prompt: bare where nothing in them is special (flags
    // included), else quoted.
    let typed = |words: &[String]| -> String {
        words
            .iter()
            .map(|w| {
                let plain = !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_.,:/@+=-".contains(c));
                if plain {
                    w.clone()
                } else {
                    crate::shell::sh::quote(w)
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    if cli.find_subcommand(first).is_some_and(|s| s.get_name() == "exec") {
        let at = profile_at(1)?;
        let rest = &args[at + 1..];
        if args[at] == "--" || rest.is_empty() || rest.iter().any(|w| w == "--") {
            return None;
        }
        return Some(format!(
            "exec takes the command after --: runas {} -- {}",
            typed(&args[..=at]),
            typed(rest)
        ));
    }
    if cli.find_subcommand(first).is_some() {
        return None;
    }
    let at = profile_at(0)?;
    let profile = &args[at];
    if !(is_profile(profile) || crate::config::is_role_arn(profile)) {
        return None;
    }
    let flags = &args[..at];
    let rest = &args[at + 1..];
    let rest = rest.strip_prefix(&["--".to_string()][..]).unwrap_or(rest);
    let before = |name: &str| {
        let mut words = vec![name.to_string()];
        words.extend(flags.iter().cloned());
        words.push(profile.clone());
        typed(&words)
    };
    if rest.is_empty() {
        let shown = crate::shell::quote_if_needed(ShellKind::Sh, profile);
        Some(format!(
            "{shown} is a profile, not a command: runas {} prints its exports (eval \"$(runas env \
             {shown})\"), runas exec {shown} -- COMMAND runs a command with them",
            before("env")
        ))
    } else {
        Some(format!(
            "to run a command as {}: runas {} -- {}",
            crate::shell::quote_if_needed(ShellKind::Sh, profile),
            before("exec"),
            typed(rest)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// `-v` is taken before the subcommand and after it, at every level, and the counts add up.
    #[test]
    fn verbose_counts_wherever_it_is_given() {
        for (line, want) in [
            ("runas env prod", 0),
            ("runas -v env prod", 1),
            ("runas env prod -v", 1),
            ("runas -v env -v prod", 2),
            ("runas env -vv prod", 2),
            ("runas --verbose exec prod -v -- true -v", 2),
            ("runas cache -v clear -v", 2),
            ("runas cache list --verbose", 1),
            ("runas list -v mfa -v", 2),
            ("runas list -v", 1),
            ("runas serve -v imds -v", 2),
            ("runas serve ecs -vvv", 3),
            ("runas doctor -v", 1),
            ("runas init zsh -v", 1),
            ("runas completions fish -v", 1),
            ("runas -vv use --hook bash prod", 2),
            ("runas off -v", 1),
        ] {
            let cli = Cli::try_parse_from(line.split(' ')).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(cli.verbosity(), want, "{line}");
        }
    }

    /// Every command, at every level, has `-v` (each defines its own; see `Verbosity`).
    #[test]
    fn every_command_takes_verbose() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            // `help` and its tree take no flags.
            if cmd.get_name() == "help" {
                return;
            }
            let path = format!("{path} {}", cmd.get_name());
            if !cmd.get_arguments().any(|a| a.get_short() == Some('v')) {
                missing.push(path.clone());
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &path, missing);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "", &mut missing);
        assert!(missing.is_empty(), "no -v: {missing:?}");
    }

    #[test]
    fn aws_runas_spellings_of_the_output_format_parse() {
        for (args, want) in [
            (&["runas", "env", "p", "--output", "json"][..], OutputFormat::Json),
            (&["runas", "env", "p", "-O", "env"], OutputFormat::Shell),
            (&["runas", "env", "p", "--format=shell"], OutputFormat::Shell),
        ] {
            match Cli::try_parse_from(args).unwrap().command {
                Command::Env(env) => assert_eq!(env.format, want, "{args:?}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn habit_hints_leave_runas_command_lines_alone() {
        let yes = |_: &str| true;
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        for ok in [
            &["env", "prod"][..],
            &["exec", "prod", "--", "ls"],
            &["exec", "--", "ls"],
            &["exec", "prod"],
            &["--version"],
        ] {
            assert_eq!(habit_hint(&words(ok), &yes), None, "{ok:?}");
        }
        let no = |_: &str| false;
        assert_eq!(habit_hint(&words(&["prdo"]), &no), None);
        assert_eq!(
            habit_hint(&words(&["-d", "12h", "prod", "--", "ls"]), &yes).unwrap(),
            "to run a command as prod: runas exec -d 12h prod -- ls"
        );
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn exec_takes_the_command_after_the_separator() {
        let cli = Cli::try_parse_from(["runas", "exec", "prod", "--", "aws", "--flag"]).unwrap();
        let Command::Exec(args) = cli.command else {
            panic!("not exec")
        };
        assert_eq!(args.creds.profile.as_deref(), Some("prod"));
        assert_eq!(args.command, ["aws", "--flag"]);
    }

    #[test]
    fn list_json_is_accepted_after_mfa() {
        let cli = Cli::try_parse_from(["runas", "list", "mfa", "--json", "p"]).unwrap();
        let Command::List(args) = cli.command else {
            panic!("not list")
        };
        assert!(matches!(args.what, Some(ListWhat::Mfa { json: true, .. })));
    }

    #[test]
    fn every_shell_name_is_taken_wherever_a_shell_is() {
        for (name, kind) in [
            ("dash", ShellKind::Sh),
            ("ksh", ShellKind::Sh),
            ("mksh", ShellKind::Sh),
            ("ash", ShellKind::Sh),
        ] {
            let cli = Cli::try_parse_from(["runas", "env", "--shell", name, "p"]).unwrap();
            let Command::Env(args) = cli.command else {
                panic!("not env")
            };
            assert_eq!(args.shell, Some(kind), "{name}");
        }
        for name in ["pwsh", "powershell"] {
            let cli = Cli::try_parse_from(["runas", "completions", name]).unwrap();
            assert!(
                matches!(
                    cli.command,
                    Command::Completions {
                        shell: CompletionShell::Powershell,
                        ..
                    }
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn powershell_is_an_alias_of_pwsh() {
        let cli = Cli::try_parse_from(["runas", "env", "--shell", "powershell", "p"]).unwrap();
        let Command::Env(args) = cli.command else {
            panic!("not env")
        };
        assert_eq!(args.shell, Some(ShellKind::Pwsh));
    }
}
