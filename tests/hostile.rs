//! Bad input: the runas binary fed hostile config and credentials files, flags,
//! variables and profile names. Every case that must fail says what is wrong and what to do in
//! one line on stderr, exits 1, leaves stdout empty, writes nothing to the cache folder and
//! sends nothing to STS (a stub that counts requests stands in for it). The cases that must
//! work (CRLF, a BOM, empty files, clamped durations, odd profile names) run against moto.

use crate::common;

use common::moto::shared as moto;
use common::sandbox::{
    CONFIG, CREDENTIALS, DEFAULT_SECTION, MFA_CODE, PROD_SECTION, Sandbox, stderr, stdout,
};
use common::stub::{Answer, Stub};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `[default]` with a region and an MFA device, as in the sandbox's seed config.
const DEFAULT: &str = DEFAULT_SECTION;
/// The role profile of the seed config.
const PROD: &str = PROD_SECTION;
/// The bound for answering on a 10 MB config, in CPU time: the issue asks for "well under a
/// second"; this is a debug build on a busy shared machine, so it is a sanity bound (a
/// quadratic lookup takes minutes here), not a benchmark.
const BIG_FILE_BOUND: Duration = Duration::from_secs(3);

/// A stand-in for STS that no bad input may reach: it counts requests, and its answer says
/// so should one get through.
fn tripwire() -> Stub {
    Stub::start(vec![Answer::sts_error(
        403,
        "AccessDenied",
        "hostile.rs: this request should never have been made",
    )])
}

// ---------------------------------------------------------------------------------------------
// What a file in the sandbox is

#[derive(Debug, Clone)]
enum Content {
    Text(String),
    Bytes(Vec<u8>),
    /// No file at that path.
    Missing,
    /// A folder where the file should be.
    Dir,
    /// A symlink to itself: open fails with ELOOP. (We run as root, so a mode-000 file would
    /// still be read; this is an unreadable file that stays unreadable for root.)
    SymlinkLoop,
}

impl From<&str> for Content {
    fn from(text: &str) -> Content {
        Content::Text(text.to_string())
    }
}

impl From<String> for Content {
    fn from(text: String) -> Content {
        Content::Text(text)
    }
}

impl From<&[u8]> for Content {
    fn from(bytes: &[u8]) -> Content {
        Content::Bytes(bytes.to_vec())
    }
}

fn put(path: &Path, content: &Content) {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path).unwrap(),
        Ok(_) => std::fs::remove_file(path).unwrap(),
        Err(_) => {}
    }
    match content {
        Content::Text(text) => std::fs::write(path, text).unwrap(),
        Content::Bytes(bytes) => std::fs::write(path, bytes).unwrap(),
        Content::Missing => {}
        Content::Dir => std::fs::create_dir(path).unwrap(),
        Content::SymlinkLoop => std::os::unix::fs::symlink(path.file_name().unwrap(), path).unwrap(),
    }
}

/// `{config}`, `{credentials}` and `{home}` replaced by the sandbox's paths.
fn fill(text: &str, sandbox: &Sandbox) -> String {
    text.replace("{config}", &sandbox.config_path().display().to_string())
        .replace("{credentials}", &sandbox.credentials_path().display().to_string())
        .replace("{home}", &sandbox.home().display().to_string())
}

/// Every file in the cache folder (none when it does not exist).
fn cache_files(sandbox: &Sandbox) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(sandbox.cache_dir())
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------------
// The table of bad input

#[derive(Debug, Clone)]
struct Bad {
    name: &'static str,
    config: Content,
    credentials: Content,
    args: Vec<String>,
    vars: Vec<(&'static str, String)>,
    /// What the one line must hold: the problem, then the remedy. Placeholders as in `fill`.
    says: Vec<&'static str>,
    /// 1 for runas's own errors; 2 for clap's usage errors, which are several lines.
    exit: i32,
}

/// A case with the seed files and `runas env prod -o 123456`, which works when nothing is bad.
fn bad(name: &'static str) -> Bad {
    Bad {
        name,
        config: CONFIG.into(),
        credentials: CREDENTIALS.into(),
        args: ["env", "prod", "-o", MFA_CODE].map(String::from).to_vec(),
        vars: Vec::new(),
        says: Vec::new(),
        exit: 1,
    }
}

impl Bad {
    fn config(mut self, content: impl Into<Content>) -> Bad {
        self.config = content.into();
        self
    }

    fn credentials(mut self, content: impl Into<Content>) -> Bad {
        self.credentials = content.into();
        self
    }

    fn args(mut self, args: &[&str]) -> Bad {
        self.args = args.iter().map(|a| a.to_string()).collect();
        self
    }

    fn var(mut self, name: &'static str, value: &str) -> Bad {
        self.vars.push((name, value.to_string()));
        self
    }

    fn says(mut self, fragments: &[&'static str]) -> Bad {
        self.says = fragments.to_vec();
        self
    }

    fn exit(mut self, code: i32) -> Bad {
        self.exit = code;
        self
    }
}

fn bad_cases() -> Vec<Bad> {
    let fix_line = "; fix or remove that line";
    let not_a_duration = "; write it like 12h, 1h30m or 3600s";
    let not_an_arn = "is not a role ARN; write it like arn:aws:iam::123456789012:role/name";
    let six_digits = "MFA code must be 6 digits";
    let from_device = "type the current code from your MFA device";
    let unreadable = "; check that it is a readable file";
    let not_a_file = "; point the variable that names it at a file, or remove what is there";
    vec![
        // Malformed INI lines.
        bad("a line that is not key = value")
            .config(format!("{DEFAULT}region\n"))
            .says(&["{config}:4: expected key = value or [section], found \"region\"", fix_line]),
        bad("a line with no key")
            .config(format!("{DEFAULT}= us-east-1\n"))
            .says(&["{config}:4: expected key = value or [section], found \"= …\"", fix_line]),
        bad("a header without its ]")
            .config(format!("{DEFAULT}[profile prod\nregion = x\n"))
            .says(&["{config}:4: section header \"[profile prod\" has no closing ]", fix_line]),
        bad("an empty header")
            .config(format!("{DEFAULT}[]\n"))
            .says(&["{config}:4: empty section name []", fix_line]),
        bad("junk after a header")
            .config(format!("{DEFAULT}[profile prod] role_arn = x\n"))
            .says(&["{config}:4: unexpected \"role_arn = …\" after the section header", fix_line]),
        bad("a section opened twice")
            .config(format!("{DEFAULT}{PROD}[profile prod]\nregion = eu-west-1\n"))
            .says(&[
                "{config}:7: section [profile prod] is opened again (first at line 4); merge the two",
                fix_line,
            ]),
        bad("a section opened twice in the credentials file")
            .credentials(format!("{CREDENTIALS}[default]\nregion = x\n"))
            .says(&["{credentials}:4: section [default] is opened again (first at line 1)", fix_line]),
        bad("a key set twice in one section")
            .config(format!("{DEFAULT}region = eu-west-1\n{PROD}"))
            .says(&["{config}:4: region is set again in [default] (first at line 2)", fix_line]),
        bad("keys outside any section")
            .config(format!("region = us-east-1\n{DEFAULT}{PROD}"))
            .says(&["{config}:1: \"region = …\" is outside any [section]", fix_line]),
        bad("keys outside any section of the credentials file")
            .credentials("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n[default]\n")
            .says(&[
                "{credentials}:1: \"aws_access_key_id = …\" is outside any [section]",
                fix_line,
            ]),
        // Bytes that are not UTF-8.
        bad("a Latin-1 value")
            .config(&b"[default]\nregion = caf\xe9\n"[..])
            .says(&["{config} is not UTF-8 text (line 2); save it as UTF-8"]),
        bad("a Latin-1 section name in the credentials file")
            .credentials(&b"[default]\naws_access_key_id = A\naws_secret_access_key = B\n[caf\xe9]\n"[..])
            .says(&["{credentials} is not UTF-8 text (line 4); save it as UTF-8"]),
        bad("a UTF-16 file")
            .config(&b"\xff\xfe[\x00d\x00e\x00f\x00a\x00u\x00l\x00t\x00]\x00\n\x00"[..])
            .says(&["{config} is not UTF-8 text (line 1); save it as UTF-8"]),
        // Files that cannot be read.
        bad("the config file is a folder")
            .config(Content::Dir)
            .says(&["{config} is not a regular file", not_a_file]),
        bad("the credentials file is a folder")
            .credentials(Content::Dir)
            .says(&["{credentials} is not a regular file", not_a_file]),
        bad("the config file is a symlink loop (ELOOP)")
            .config(Content::SymlinkLoop)
            .says(&["cannot read {config}: Too many levels of symbolic links", unreadable]),
        // A path through a regular file fails with ENOTDIR, which is not "missing" (ENOENT):
        // the user pointed at something that cannot be a file.
        bad("the config path runs through a file (ENOTDIR)")
            .var("AWS_CONFIG_FILE", "{credentials}/config")
            .says(&["cannot read {credentials}/config: Not a directory", unreadable]),
        // Resolution.
        bad("a missing source profile")
            .config(format!(
                "{DEFAULT}[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = nope\n"
            ))
            .says(&[
                "profile \"prod\": source_profile \"nope\" does not exist",
                "add [profile nope] or fix source_profile",
            ]),
        bad("a role without source_profile and no default profile")
            .config("[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/prod\n")
            .credentials("")
            .says(&["source_profile \"default\" does not exist", "add [profile default]"]),
        bad("a loop of length 1")
            .config(format!(
                "{DEFAULT}[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = a\n"
            ))
            .args(&["env", "a", "-o", MFA_CODE])
            .says(&[
                "profile \"a\": source_profile loop a → a",
                "point one of them at a profile with keys",
            ]),
        bad("a loop of length 2")
            .config(format!(
                "{DEFAULT}[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
                 [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n"
            ))
            .args(&["env", "a", "-o", MFA_CODE])
            .says(&[
                "profile \"a\": source_profile loop a → b → a",
                "point one of them at a profile with keys",
            ]),
        bad("a loop of length 3")
            .config(format!(
                "{DEFAULT}[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
                 [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = c\n\
                 [profile c]\nrole_arn = arn:aws:iam::123456789012:role/c\nsource_profile = a\n"
            ))
            .args(&["env", "a", "-o", MFA_CODE])
            .says(&[
                "profile \"a\": source_profile loop a → b → c → a",
                "point one of them at a profile with keys",
            ]),
        bad("a role without keys anywhere")
            .credentials("")
            .says(&[
                "profile \"prod\": no access keys in \"default\"",
                "add aws_access_key_id and aws_secret_access_key to [default] in the credentials file",
            ]),
        bad("a keys profile without keys")
            .config("[profile lonely]\nregion = us-east-1\n")
            .args(&["env", "lonely"])
            .says(&["no access keys in \"lonely\"", "add aws_access_key_id"]),
        bad("half a key pair")
            .credentials("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
            .says(&[
                "aws_access_key_id in [default] has no matching aws_secret_access_key",
                "add aws_secret_access_key next to it",
            ]),
        // Durations that do not parse.
        bad("a duration with a unit in words")
            .config(format!("{DEFAULT}{PROD}credentials_duration = 1 hour\n"))
            .says(&[
                "{config} [profile prod]: credentials_duration = \"1 hour\" is not a duration",
                not_a_duration,
            ]),
        bad("a duration without a unit")
            .config(format!("{DEFAULT}session_token_duration = 3600\n{PROD}"))
            .says(&[
                "{config} [default]: session_token_duration = \"3600\" is not a duration (missing unit after 3600)",
                not_a_duration,
            ]),
        bad("duration_seconds that is not whole seconds")
            .config(format!("{DEFAULT}{PROD}duration_seconds = 1h\n"))
            .says(&[
                "duration_seconds = \"1h\" is not a duration (not a whole number of seconds)",
                not_a_duration,
            ]),
        bad("a bad -d flag")
            .args(&["env", "prod", "-o", MFA_CODE, "-d", "12hours"])
            .says(&[
                "flag -d/--duration: session_token_duration = \"12hours\" is not a duration",
                not_a_duration,
            ]),
        bad("a negative -a flag")
            .args(&["env", "prod", "-o", MFA_CODE, "--role-duration=-1h"])
            .says(&["credentials_duration = \"-1h\" is not a duration (negative)", not_a_duration]),
        bad("a huge CREDENTIALS_DURATION")
            .var("CREDENTIALS_DURATION", "99999999999h")
            .says(&[
                "env CREDENTIALS_DURATION: credentials_duration = \"99999999999h\" is not a duration (number too large)",
                not_a_duration,
            ]),
        bad("a bad RUNAS_MIN_TTL")
            .var("RUNAS_MIN_TTL", "soon")
            .says(&["RUNAS_MIN_TTL = \"soon\" is not a duration", not_a_duration]),
        // ARNs.
        bad("a role ARN with a short account id")
            .config(format!(
                "{DEFAULT}[profile prod]\nrole_arn = arn:aws:iam::12345:role/prod\nsource_profile = default\n"
            ))
            .says(&["{config} [profile prod]: role_arn = \"arn:aws:iam::12345:role/prod\"", not_an_arn]),
        bad("a user ARN as role_arn")
            .config(format!(
                "{DEFAULT}[profile prod]\nrole_arn = arn:aws:iam::123456789012:user/alice\nsource_profile = default\n"
            ))
            .says(&["role_arn = \"arn:aws:iam::123456789012:user/alice\"", not_an_arn]),
        bad("a role name where the ARN belongs")
            .config(format!("{DEFAULT}[profile prod]\nrole_arn = prod\nsource_profile = default\n"))
            .says(&["role_arn = \"prod\"", not_an_arn]),
        bad("a user ARN on the command line")
            .args(&["env", "arn:aws:iam::123456789012:user/alice", "-o", MFA_CODE])
            .says(&[
                "flag PROFILE: profile = \"arn:aws:iam::123456789012:user/alice\"",
                not_an_arn,
            ]),
        bad("an assumed-role ARN on the command line")
            .args(&["env", "arn:aws:sts::123456789012:assumed-role/prod/alice", "-o", MFA_CODE])
            .says(&["profile = \"arn:aws:sts::123456789012:assumed-role/prod/alice\"", not_an_arn]),
        bad("a role ARN with a newline on the command line")
            .args(&["env", "arn:aws:iam::123456789012:role/prod\n", "-o", MFA_CODE])
            .says(&["profile = \"arn:aws:iam::123456789012:role/prod\\n\"", not_an_arn]),
        // MFA codes, refused before any call.
        bad("an MFA code of 5 digits")
            .args(&["env", "prod", "-o", "12345"])
            .says(&[six_digits, "got 5 characters", from_device]),
        bad("an MFA code of 7 digits")
            .args(&["env", "prod", "-o", "1234567"])
            .says(&[six_digits, "got 7 characters", from_device]),
        bad("an MFA code of letters")
            .args(&["env", "prod", "-o", "abcdef"])
            .says(&[six_digits, from_device]),
        bad("an MFA code of 5 digits in MFA_CODE")
            .args(&["env", "prod"])
            .var("MFA_CODE", "12345")
            .says(&[six_digits, "got 5 characters", from_device]),
        bad("an MFA code with a space in MFA_CODE")
            .args(&["env", "prod"])
            .var("MFA_CODE", "12 456")
            .says(&[six_digits, from_device]),
        bad("an MFA code of full-width digits")
            .args(&["env", "prod", "-o", "１２３４５６"])
            .says(&[six_digits, from_device]),
        // Names and session names.
        bad("an unknown profile")
            .args(&["env", "nope", "-o", MFA_CODE])
            .says(&["unknown profile \"nope\"", "; run runas list to see the profiles"]),
        bad("a profile name with a newline on the command line")
            .args(&["env", "prod\n", "-o", MFA_CODE])
            .says(&["unknown profile \"prod\\n\"", "did you mean \"prod\"?"]),
        bad("no profile at all")
            .args(&["env", "-o", MFA_CODE])
            .says(&["no profile given", "name one (runas env PROFILE) or set AWS_PROFILE"]),
        bad("a session name with a space")
            .config(format!("{DEFAULT}role_session_name = alice smith\n{PROD}"))
            .var("AWS_ROLE_SESSION_NAME", "")
            .says(&[
                "{config} [default]: role_session_name = \"alice smith\" is not valid",
                "use 2 to 64 of the characters",
            ]),
        bad("a one-letter AWS_ROLE_SESSION_NAME")
            .var("AWS_ROLE_SESSION_NAME", "a")
            .says(&["env AWS_ROLE_SESSION_NAME: role_session_name = \"a\" is not valid", "use 2 to 64"]),
        // clap's usage errors: exit 2, several lines, the valid values listed.
        bad("an unknown shell")
            .args(&["env", "prod", "-o", MFA_CODE, "--shell", "tcsh"])
            .says(&["invalid value 'tcsh' for '--shell <SHELL>'", "[possible values: sh, bash, zsh, fish, pwsh]"])
            .exit(2),
        bad("an unknown format")
            .args(&["env", "prod", "-o", MFA_CODE, "--format", "yaml"])
            .says(&["invalid value 'yaml' for '--format <FORMAT>'", "[possible values: shell, json]"])
            .exit(2),
    ]
}

/// Runs `case` in a fresh sandbox and checks everything the issue asks of a bad input.
fn check_bad(case: &Bad, stub: &Stub) -> Result<(), String> {
    let sandbox = Sandbox::new(&stub.endpoint(), "", "");
    put(&sandbox.config_path(), &case.config);
    put(&sandbox.credentials_path(), &case.credentials);
    let vars: Vec<(&str, String)> = case.vars.iter().map(|(k, v)| (*k, fill(v, &sandbox))).collect();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
    let hits = stub.hits();
    let o = sandbox.run(&args, &vars);
    let err = stderr(&o);
    let mut problems = String::new();
    if o.status.code() != Some(case.exit) {
        let _ = write!(problems, "exit {:?}, expected {}; ", o.status.code(), case.exit);
    }
    if !o.stdout.is_empty() {
        let _ = write!(problems, "stdout not empty: {:?}; ", stdout(&o));
    }
    if case.exit == 1 && (err.lines().count() != 1 || !err.starts_with("runas: ")) {
        let _ = write!(problems, "not one line starting with \"runas: \"; ");
    }
    for fragment in &case.says {
        let fragment = fill(fragment, &sandbox);
        if !err.contains(&fragment) {
            let _ = write!(problems, "missing {fragment:?}; ");
        }
    }
    let files = cache_files(&sandbox);
    if !files.is_empty() {
        let _ = write!(problems, "the cache folder has {files:?}; ");
    }
    if stub.hits() != hits {
        let _ = write!(problems, "a request reached STS; ");
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {problems}\n  stderr: {err:?}", case.name))
    }
}

#[test]
fn every_bad_input_is_one_line_naming_the_problem_and_the_fix_and_nothing_else_happens() {
    let cases = bad_cases();
    assert!(cases.len() >= 30, "the issue asks for at least 30 cases");
    let stub = tripwire();
    let failures: Vec<String> = cases.iter().filter_map(|c| check_bad(c, &stub).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(stub.hits(), 0);
}

/// Every case must be told apart by its message: two cases with the same expectations test one
/// thing twice.
#[test]
fn the_bad_input_cases_are_distinct() {
    let cases = bad_cases();
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "duplicate case names");
}

/// Found by this suite: a `source_profile` value continued on an indented line (configparser's
/// rule, which the parser follows) holds a newline, and the MissingSource message prints it raw
/// in `add [profile …]`, so the error was two lines on stderr. Every message now escapes control
/// characters.
#[test]
fn a_source_profile_continued_on_the_next_line_is_still_a_one_line_error() {
    let stub = tripwire();
    let case = bad("a source_profile continued on an indented line")
        .config(format!(
            "{DEFAULT}[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = de\n  fault\n"
        ))
        .says(&["profile \"prod\": source_profile \"de\\nfault\" does not exist"]);
    check_bad(&case, &stub).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Input that looks odd but must work

struct Good {
    name: &'static str,
    config: Content,
    credentials: Content,
    args: Vec<&'static str>,
    vars: Vec<(&'static str, &'static str)>,
    /// The warnings stderr must hold, one line each; none when empty.
    warns: Vec<&'static str>,
}

fn good(name: &'static str) -> Good {
    Good {
        name,
        config: CONFIG.into(),
        credentials: CREDENTIALS.into(),
        args: vec!["env", "prod", "-o", MFA_CODE, "--format", "json"],
        vars: Vec::new(),
        warns: Vec::new(),
    }
}

impl Good {
    fn config(mut self, content: impl Into<Content>) -> Good {
        self.config = content.into();
        self
    }

    fn credentials(mut self, content: impl Into<Content>) -> Good {
        self.credentials = content.into();
        self
    }

    fn args(mut self, args: &[&'static str]) -> Good {
        self.args = args.to_vec();
        self
    }

    fn var(mut self, name: &'static str, value: &'static str) -> Good {
        self.vars.push((name, value));
        self
    }

    fn warns(mut self, warnings: &[&'static str]) -> Good {
        self.warns = warnings.to_vec();
        self
    }
}

fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

fn good_cases() -> Vec<Good> {
    let keys_only = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
                     aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
    vec![
        good("CRLF line ends in both files")
            .config(crlf(CONFIG))
            .credentials(crlf(CREDENTIALS)),
        good("a UTF-8 BOM on both files")
            .config(format!("\u{feff}{CONFIG}"))
            .credentials(format!("\u{feff}{CREDENTIALS}")),
        good("a BOM, CRLF, comments, tabs and colons together")
            .config(crlf(&format!(
                "\u{feff}# top\n; also a comment\n\n[default]\t# note\n\tregion : us-east-1\n\
                 mfa_serial=arn:aws:iam::123456789012:mfa/alice\n\n{PROD}"
            )))
            .credentials(crlf(&format!("\u{feff}\n{CREDENTIALS}\n"))),
        good("an empty config file")
            .config("")
            .args(&["env", "default", "--format", "json"]),
        good("a missing config file")
            .config(Content::Missing)
            .args(&["env", "default", "--format", "json"]),
        good("an empty credentials file with the keys in the config")
            .config(format!("{keys_only}region = us-east-1\n"))
            .credentials("")
            .args(&["env", "default", "--format", "json"]),
        good("source_profile = self with keys in the credentials file")
            .config("[profile solo]\nrole_arn = arn:aws:iam::123456789012:role/solo\nsource_profile = solo\n")
            .credentials(keys_only.replace("[default]", "[solo]"))
            .args(&["env", "solo", "--format", "json"]),
        good("a session duration over the maximum is clamped")
            .args(&["env", "prod", "-o", MFA_CODE, "--format", "json", "-d", "100h"])
            .warns(&["session_token_duration 100h (flag -d/--duration) is outside 15m–36h; using 36h"]),
        good("a role duration under the minimum is clamped")
            .args(&["env", "prod", "-o", MFA_CODE, "--format", "json", "-a", "1m"])
            .warns(&["credentials_duration 1m (flag -a/--role-duration) is outside 15m–12h; using 15m"]),
        good("duration_seconds over the maximum is clamped")
            .config(format!("{DEFAULT}duration_seconds = 99999\n{PROD}"))
            .warns(&["credentials_duration 27h46m39s ({config} [default]) is outside 15m–12h; using 12h"]),
        good("SESSION_TOKEN_DURATION of zero is clamped")
            .var("SESSION_TOKEN_DURATION", "0")
            .warns(&["session_token_duration 0s (env SESSION_TOKEN_DURATION) is outside 15m–36h; using 15m"]),
    ]
}

#[test]
fn crlf_bom_empty_files_and_clamped_durations_work() {
    let moto = moto();
    let mut failures = Vec::new();
    for case in good_cases() {
        let sandbox = Sandbox::new(&moto.endpoint(), "", "");
        put(&sandbox.config_path(), &case.config);
        put(&sandbox.credentials_path(), &case.credentials);
        let o = sandbox.run(&case.args, &case.vars);
        let err = stderr(&o);
        let doc: Option<serde_json::Value> = serde_json::from_slice(&o.stdout).ok();
        let keys_ok = doc.as_ref().is_some_and(|d| {
            d["AccessKeyId"].as_str().is_some_and(|k| !k.is_empty())
                && d["SecretAccessKey"].as_str().is_some_and(|k| !k.is_empty())
        });
        let warnings_ok = if case.warns.is_empty() {
            err.is_empty()
        } else {
            err.lines().count() == case.warns.len()
                && err.lines().all(|l| l.starts_with("runas: warning: "))
                && case.warns.iter().all(|w| err.contains(&fill(w, &sandbox)))
        };
        if !(o.status.success() && keys_ok && warnings_ok) {
            failures.push(format!(
                "{}: exit {:?}, stdout {:?}, stderr {err:?}",
                case.name,
                o.status.code(),
                stdout(&o)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A named pipe as the config file (what `AWS_CONFIG_FILE=<(…)` gives) is refused at once, even
/// while something writes to it: only regular files are read, so a pipe nobody writes to can
/// never hang runas, the prompt hook or Tab completion. (Write the output to a file instead.)
#[test]
fn a_pipe_as_the_config_file_is_refused_even_with_a_writer() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), "", CREDENTIALS);
    let fifo = sandbox.home().join("config.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        // Not joined: the writer may block until a reader comes, or fail when it goes.
        std::thread::spawn(move || std::fs::write(fifo, CONFIG))
    };
    let o = sandbox.run(
        &["env", "prod", "-o", MFA_CODE, "--format", "json"],
        &[("AWS_CONFIG_FILE", fifo.to_str().unwrap())],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("config.fifo is not a regular file"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
    drop(writer);
}

// ---------------------------------------------------------------------------------------------
// A 10 MB config file

/// How long a run took: by the clock, and in CPU time (user + system), which is what the
/// bound is checked against, since on a shared machine the clock also counts other jobs.
#[derive(Debug, Clone, Copy)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

impl std::fmt::Display for Took {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.3} s ({:.3} s CPU)",
            self.wall.as_secs_f64(),
            self.cpu.as_secs_f64()
        )
    }
}

/// Runs runas and kills it if it takes longer than `limit`, so a slow case fails instead of
/// stalling the suite. Returns the output and how long it took.
#[allow(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which clippy cannot see"
)]
fn timed(sandbox: &Sandbox, args: &[&str], limit: Duration) -> (Output, Took) {
    use std::os::unix::process::ExitStatusExt;
    let started = Instant::now();
    let mut child = sandbox
        .command()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain the pipes in threads: `config` on a long chain prints more than a pipe holds.
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut out_pipe, &mut buf).map(|_| buf)
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut err_pipe, &mut buf).map(|_| buf)
    });
    let pid = child.id() as libc::pid_t;
    let (raw_status, usage) = loop {
        let mut raw_status = 0;
        // SAFETY: an all-zero rusage is a valid value; wait4 fills it in for our own child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: plain syscall on our own child's pid with valid out-pointers.
        let reaped = unsafe { libc::wait4(pid, &mut raw_status, libc::WNOHANG, &mut usage) };
        assert!(reaped >= 0, "wait4: {}", std::io::Error::last_os_error());
        if reaped == pid {
            break (raw_status, usage);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("runas {args:?} took over {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = started.elapsed();
    let seconds =
        |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    let took = Took {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
    };
    let output = Output {
        status: std::process::ExitStatus::from_raw(raw_status),
        stdout: out.join().unwrap().unwrap(),
        stderr: err.join().unwrap().unwrap(),
    };
    (output, took)
}

/// About 10 MB of `[profile pN]` role profiles with one source, and the index of the last.
fn flat_config(bytes: usize) -> (String, usize) {
    let mut text = String::from(DEFAULT);
    let mut i = 0;
    while text.len() < bytes {
        let _ = write!(
            text,
            "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = default\n\n"
        );
        i += 1;
    }
    (text, i - 1)
}

#[test]
fn a_ten_megabyte_config_still_answers_quickly() {
    let stub = tripwire();
    let (config, last) = flat_config(10 << 20);
    let sandbox = Sandbox::new(&stub.endpoint(), &config, CREDENTIALS);
    let limit = Duration::from_secs(60);
    let mut report = String::new();

    let last_name = format!("p{last}");
    let (o, took) = timed(&sandbox, &["config", &last_name], limit);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(&format!("arn:aws:iam::123456789012:role/r{last}")));
    let _ = writeln!(report, "config {last_name}: {took}");
    let mut worst = took.cpu;

    let (o, took) = timed(&sandbox, &["env", "nope", "-o", MFA_CODE], limit);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown profile \"nope\""), "{}", stderr(&o));
    let _ = writeln!(report, "env nope (unknown, suggestions over every name): {took}");
    worst = worst.max(took.cpu);

    let (o, took) = timed(&sandbox, &["list", "--names"], limit);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), last + 2, "every pN and default");
    let _ = writeln!(report, "list --names ({} profiles): {took}", last + 2);
    worst = worst.max(took.cpu);

    // The same file with a broken last line: the whole file is read before the error.
    let lines = config.lines().count();
    sandbox.write_config(&format!("{config}broken\n"));
    let (o, took) = timed(&sandbox, &["env", "p0", "-o", MFA_CODE], limit);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(":{}: expected key = value", lines + 1)),
        "{}",
        stderr(&o)
    );
    let _ = writeln!(report, "env p0 with an error on line {}: {took}", lines + 1);
    worst = worst.max(took.cpu);

    println!("{} bytes of config:\n{report}", config.len());
    assert!(
        worst < BIG_FILE_BOUND,
        "slowest over {BIG_FILE_BOUND:?}:\n{report}"
    );
    assert!(cache_files(&sandbox).is_empty());
    assert_eq!(stub.hits(), 0);
}

/// The other shape of a 10 MB file: one `source_profile` chain through every profile. No
/// chain that long is real (AWS caps role chaining, and each role is an STS call): runas stops
/// at 16 roles with one line, at once, without walking the rest.
#[test]
fn a_ten_megabyte_source_profile_chain_is_refused_quickly() {
    let stub = tripwire();
    let mut config = String::from(DEFAULT);
    let mut i = 0;
    while config.len() < 10 << 20 {
        let _ = write!(
            config,
            "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = p{}\n\n",
            i + 1
        );
        i += 1;
    }
    let _ = write!(config, "[profile p{i}]\nregion = us-east-1\n");
    let credentials =
        format!("[p{i}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n");
    let sandbox = Sandbox::new(&stub.endpoint(), &config, &credentials);
    let (o, took) = timed(&sandbox, &["config", "p0"], Duration::from_secs(60));
    println!(
        "config p0 through a chain of {i} profiles ({} bytes): {took}",
        config.len()
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("profile \"p0\": its source_profile chain is longer than 16 roles"),
        "{}",
        stderr(&o)
    );
    assert!(took.cpu < BIG_FILE_BOUND, "took {took}");
    assert_eq!(stub.hits(), 0);
}

// ---------------------------------------------------------------------------------------------
// Profile names that look like paths, quotes and code

/// Names that exist, in the config (role profiles) or the credentials file (keys profiles).
/// A section header is one line, so a name in a file cannot hold a newline.
const ROLE_NAMES: &[&str] = &[
    "team/prod",
    "../../../../etc/passwd",
    "..",
    ".",
    "it's",
    "\"quoted\"",
    "with space",
    "日本語",
    "café",
    "$(touch pwned)",
    "back\\slash",
    "semi;colon",
];
const KEY_NAMES: &[&str] = &["cred/keys", "../cred"];

/// Names that do not exist, each close to one that does.
const UNKNOWN_NAMES: &[&str] = &[
    "team/prod/..",
    "../team/prod",
    "team\\prod",
    "prod\n",
    "\nprod",
    "prod\r",
    "prod ",
    "日本",
    "it''s",
    "../../../../etc/shadow",
    "/",
    "\u{202e}dorp",
];

fn names_config() -> String {
    let mut config = String::from(DEFAULT);
    config.push_str(PROD);
    for (i, name) in ROLE_NAMES.iter().enumerate() {
        // A role per name, so each name gets its own cache entry.
        let _ = write!(
            config,
            "[profile {name}]\nrole_arn = arn:aws:iam::123456789012:role/n{i}\nsource_profile = default\n"
        );
    }
    config
}

fn names_credentials() -> String {
    let mut credentials = String::from(CREDENTIALS);
    for name in KEY_NAMES {
        let _ = write!(
            credentials,
            "[{name}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n"
        );
    }
    credentials
}

/// Every file below `dir`, as paths relative to it.
fn tree(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            found.push(path.strip_prefix(dir).unwrap().display().to_string());
        }
    }
    found.sort();
    found
}

fn is_cache_file_name(name: &str) -> bool {
    let Some((hash, ext)) = name.split_at_checked(64) else {
        return false;
    };
    hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) && (ext == ".json" || ext == ".lock")
}

#[test]
fn odd_profile_names_that_exist_work_and_their_cache_stays_in_the_cache_folder() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), &names_config(), &names_credentials());
    let before = tree(sandbox.home());
    let mut failures = Vec::new();
    for name in ROLE_NAMES.iter().chain(KEY_NAMES) {
        let o = sandbox.run(&["env", name, "-o", MFA_CODE, "--format", "json"], &[]);
        let doc: Option<serde_json::Value> = serde_json::from_slice(&o.stdout).ok();
        if !(o.status.success()
            && o.stderr.is_empty()
            && doc.is_some_and(|d| {
                d["AccessKeyId"]
                    .as_str()
                    .is_some_and(|k| k.starts_with("AKIA") || k.starts_with("ASIA"))
            }))
        {
            failures.push(format!(
                "{name:?}: exit {:?}, stderr {:?}",
                o.status.code(),
                stderr(&o)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let files = cache_files(&sandbox);
    assert!(
        files.iter().all(|f| is_cache_file_name(f)),
        "only hex-named files in the cache folder: {files:?}"
    );
    // One session (the keys profiles have the same key id and MFA device as [default], so
    // they share it) and a role per role name.
    let entries = files.iter().filter(|f| f.ends_with(".json")).count();
    assert_eq!(entries, ROLE_NAMES.len() + 1, "{files:?}");
    // Nothing anywhere else: no `pwned`, no etc/passwd beside the sandbox.
    let after: Vec<String> = tree(sandbox.home())
        .into_iter()
        .filter(|p| !p.starts_with("cache"))
        .collect();
    assert_eq!(after, before, "files appeared outside the cache folder");
    assert!(!Path::new("pwned").exists() && !sandbox.home().join("pwned").exists());
}

#[test]
fn odd_profile_names_that_do_not_exist_are_unknown_profiles() {
    let stub = tripwire();
    let sandbox = Sandbox::new(&stub.endpoint(), &names_config(), &names_credentials());
    let mut failures = Vec::new();
    for name in UNKNOWN_NAMES {
        let o = sandbox.run(&["env", name, "-o", MFA_CODE], &[]);
        let err = stderr(&o);
        let quoted = format!("unknown profile {name:?}");
        if !(o.status.code() == Some(1)
            && o.stdout.is_empty()
            && err.lines().count() == 1
            && err.contains(&quoted))
        {
            failures.push(format!("{name:?}: exit {:?}, stderr {err:?}", o.status.code()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cache_files(&sandbox).is_empty());
    assert_eq!(stub.hits(), 0);
}
