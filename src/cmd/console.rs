//! `runas console`: a sign-in address for the AWS console with a profile's credentials, from
//! the federation endpoint (`getSigninToken`, then `login`), opened in the browser or printed.
//!
//! Which credentials, decided from the resolved chain before any call:
//! - a role (assumed, or from IAM Identity Center, a web identity, the instance or the
//!   container): the credentials `runas env` gives, cached the same way;
//! - an IAM user's long-term keys: GetFederationToken with them, as the endpoint takes no
//!   long-term keys;
//! - a session token (GetSessionToken: `-s`, or keys with `mfa_serial` and no role): refused,
//!   since the endpoint refuses it;
//! - a role reached through another role: taken, but the endpoint refuses a console session
//!   over 1h for it, so a longer one is refused first.
//!
//! The address holds a sign-in token that signs anyone in for 15 minutes: it goes to stdout
//! (`--print`) or to the browser, never to stderr.

use super::login::Browser;
use super::session::Session;
use crate::cache;
use crate::cli::ConsoleArgs;
use crate::config::duration::{format_go_duration, parse_go_duration};
use crate::config::{CHAINED_ROLE_MAX, Resolved, Source};
use crate::creds::Credentials;
use crate::sources::http::percent_encode;
use crate::{EnvMap, Error, Result};
use std::time::Duration;

/// The console session lengths the federation endpoint takes (`SessionDuration`).
const SHORTEST: Duration = Duration::from_secs(15 * 60);
const LONGEST: Duration = Duration::from_secs(12 * 3600);
/// GetFederationToken's lifetime when none is asked for: the console session it gives.
const FEDERATION_DEFAULT: Duration = Duration::from_secs(3600);
/// The session policy of GetFederationToken: everything the user may do (the credentials can
/// do what both this and the user's own policies allow).
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
/// What the console names as the sign-in's issuer (where it sends a user whose session ended).
const ISSUER: &str = "runas";

/// The AWS partitions with a console federation endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Partition {
    Aws,
    China,
    GovCloud,
}

impl Partition {
    fn name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::China => "aws-cn",
            Partition::GovCloud => "aws-us-gov",
        }
    }

    fn signin_host(self) -> &'static str {
        match self {
            Partition::Aws => "signin.aws.amazon.com",
            Partition::China => "signin.amazonaws.cn",
            Partition::GovCloud => "signin.amazonaws-us-gov.com",
        }
    }

    fn console_host(self) -> &'static str {
        match self {
            Partition::Aws => "console.aws.amazon.com",
            Partition::China => "console.amazonaws.cn",
            Partition::GovCloud => "console.amazonaws-us-gov.com",
        }
    }

    /// The partition of a region, as the SDKs' region patterns have it; `Err` names one without
    /// a console federation endpoint runas knows (the isolated regions).
    fn of_region(region: &str) -> std::result::Result<Partition, String> {
        if region.starts_with("cn-") {
            Ok(Partition::China)
        } else if region.starts_with("us-gov-") {
            Ok(Partition::GovCloud)
        } else if region.starts_with("us-iso") || region.starts_with("eu-isoe-") {
            Err(format!("region {region}'s isolated partition"))
        } else {
            Ok(Partition::Aws)
        }
    }

    /// The partition of an ARN (`arn:PARTITION:…`).
    fn of_arn(arn: &str) -> std::result::Result<Partition, String> {
        match arn.split(':').nth(1) {
            Some("aws") => Ok(Partition::Aws),
            Some("aws-cn") => Ok(Partition::China),
            Some("aws-us-gov") => Ok(Partition::GovCloud),
            Some(other) => Err(format!("partition {other}")),
            None => Err("an ARN without a partition".into()),
        }
    }
}

/// How the credentials were got, which decides what the endpoint is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A role's credentials, assumed with keys or a session, or given by a source.
    Role,
    /// A role assumed with another role's credentials.
    ChainedRole,
    /// GetFederationToken with the user's long-term keys: its lifetime is the session's.
    Federation,
    /// Temporary keys from the files or a command, used as they are: what made them is unknown.
    AsGiven,
}

pub(crate) fn run(args: &ConsoleArgs, env: &EnvMap) -> Result<String> {
    let duration = args
        .console_duration
        .as_deref()
        .map(console_duration)
        .transpose()?;
    if let Some(url) = &args.federation_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(Error::Usage(format!(
            "the federation URL {:?} is not an http(s) address; write it like https://signin.aws.amazon.com/federation",
            crate::one_line(url)
        )));
    }
    let session = Session::open(&args.creds, env, cache::refresh_window(env)?)?;
    let r = &session.resolved;
    let kind = kind_of(r, args.creds.session)?;
    if kind == Kind::ChainedRole
        && let Some(asked) = duration.filter(|d| *d > CHAINED_ROLE_MAX)
    {
        return Err(Error::Console(format!(
            "{:?} is reached by role chaining ({}), and AWS signs a chained role in to the console for {} at most, not {}; ask --console-duration 1h or less, or give its role a source_profile with keys",
            r.display_name(),
            chain_text(r),
            format_go_duration(CHAINED_ROLE_MAX),
            format_go_duration(asked)
        )));
    }
    let region = match &args.region {
        Some(region) => Some(checked_region(region)?),
        None => r.region.as_ref().map(|s| s.value.clone()),
    };
    let partition = partition(r, region.as_deref(), args.region.is_some())?;
    let destination = destination(partition, region.as_deref(), args.destination.as_deref())?;
    crate::verbose::say!(
        "console: {} credentials, partition {}, destination {destination}",
        match kind {
            Kind::Role => "role",
            Kind::ChainedRole => "chained role",
            Kind::Federation => "GetFederationToken",
            Kind::AsGiven => "the profile's temporary",
        },
        partition.name()
    );
    let creds = match kind {
        Kind::Federation => {
            let creds = federation_token(&session, duration.unwrap_or(FEDERATION_DEFAULT))?;
            if args.creds.expiration {
                super::session::say_expiry(&creds);
            }
            creds
        }
        _ => session.credentials(&args.creds)?,
    };
    let endpoint = args
        .federation_url
        .clone()
        .unwrap_or_else(|| format!("https://{}/federation", partition.signin_host()));
    // GetFederationToken's lifetime is the session's; the endpoint refuses SessionDuration then.
    let asked = duration.filter(|_| kind != Kind::Federation);
    let token = session
        .sts
        .signin_token(&endpoint, &creds, asked, &refusal_remedy(kind, asked.is_some()))?;
    let url = login_url(partition, &destination, &token);
    if args.print {
        return Ok(format!("{url}\n"));
    }
    let opened = Browser::from_env(env).is_some_and(|browser| browser.open(&url));
    if opened {
        eprintln!(
            "runas: the console is opening in your browser as {}",
            crate::one_line(r.display_name())
        );
        return Ok(String::new());
    }
    // The address alone, on stdout: whoever reads it can sign in for 15 minutes, so it is
    // never written where logs go.
    eprintln!(
        "runas: no browser to open here; open the address below within 15 minutes (it signs in as {})",
        crate::one_line(r.display_name())
    );
    Ok(format!("{url}\n"))
}

/// `--console-duration`: Go syntax, 15m to 12h.
fn console_duration(text: &str) -> Result<Duration> {
    let duration = parse_go_duration(text).map_err(|_| {
        Error::Usage(format!(
            "--console-duration {:?} is not a duration; write it like 1h or 90m",
            crate::one_line(text)
        ))
    })?;
    if !(SHORTEST..=LONGEST).contains(&duration) {
        return Err(Error::Usage(format!(
            "--console-duration {} is outside what AWS allows; give 15m to 12h",
            format_go_duration(duration)
        )));
    }
    Ok(duration)
}

/// What the credentials will be, from the resolved chain; the kinds the endpoint refuses are
/// an error here, before any call.
fn kind_of(r: &Resolved, session_only: bool) -> Result<Kind> {
    let name = r.display_name();
    if session_only {
        return Err(Error::Console(format!(
            "-s gives the session token of {name:?}'s source (GetSessionToken credentials), which the console federation endpoint does not take; run runas console without -s"
        )));
    }
    // Sources whose credentials are already a role's.
    let role_source = matches!(
        r.source,
        Source::Sso(_)
            | Source::WebIdentity { .. }
            | Source::InstanceMetadata { .. }
            | Source::Container { .. }
    );
    if !r.roles.is_empty() {
        let chained = r.roles.len() > 1 || role_source;
        return Ok(if chained { Kind::ChainedRole } else { Kind::Role });
    }
    match &r.source {
        Source::Keys(keys) if keys.session_token.is_none() => match &r.mfa_serial {
            // What `runas env` gives this profile is a GetSessionToken session, and
            // GetFederationToken with the keys alone would skip the MFA the profile asks for.
            Some(serial) => Err(Error::Console(format!(
                "{name:?} gets a session token (GetSessionToken with mfa_serial {}), which the console federation endpoint does not take; sign in with a role profile instead (role_arn with source_profile = {})",
                crate::one_line(&serial.value),
                crate::one_line(&r.base)
            ))),
            None => Ok(Kind::Federation),
        },
        Source::Keys(_) | Source::Process(_) => Ok(Kind::AsGiven),
        _ if role_source => Ok(Kind::Role),
        // No credentials: `credentials` says why.
        _ => Ok(Kind::AsGiven),
    }
}

/// What to do when the endpoint refuses credentials of `kind` (it says no more than its status).
fn refusal_remedy(kind: Kind, duration_asked: bool) -> String {
    let length = if duration_asked {
        ", or the --console-duration asked for is longer than the role allows"
    } else {
        ""
    };
    match kind {
        Kind::Role | Kind::ChainedRole => format!(
            "they may have expired or been revoked (runas console -r gets new ones){length}"
        ),
        Kind::Federation => "the GetFederationToken credentials were not taken; run it again, and check the user's keys with runas whoami".into(),
        Kind::AsGiven => format!(
            "the profile's temporary keys are used as they are, and a session token (GetSessionToken) is not taken: sign in with a role profile instead, or renew the keys{length}"
        ),
    }
}

/// `a → b → c` of a chain, from the source profile.
fn chain_text(r: &Resolved) -> String {
    let mut text = r.base.clone();
    for hop in &r.roles {
        text.push_str(" → ");
        text.push_str(&hop.profile);
    }
    crate::one_line(&text).into_owned()
}

/// GetFederationToken with the profile's long-term keys, named after the role session name.
fn federation_token(session: &Session, duration: Duration) -> Result<Credentials> {
    let r = &session.resolved;
    let keys = r.keys()?;
    let source = Credentials {
        access_key_id: keys.access_key_id.clone(),
        secret_access_key: keys.secret_access_key.clone(),
        session_token: None,
        expiration: None,
    };
    let name = federated_user_name(&r.session_name.value);
    crate::verbose::say!("GetFederationToken for {name}, {}", format_go_duration(duration));
    let creds = session
        .sts
        .get_federation_token(&source, &name, ALLOW_ALL, duration)?;
    // As for every credential runas gets: an expiry past what was asked for is not believed.
    Ok(creds.clamped(duration, crate::creds::epoch_now()))
}

/// A federated user's name is 2 to 32 characters of a session name's alphabet.
fn federated_user_name(session_name: &str) -> String {
    let name: String = session_name.chars().take(32).collect();
    if name.chars().count() < 2 {
        "runas".to_string()
    } else {
        name
    }
}

/// A region as given on the command line: it goes into the console address.
fn checked_region(region: &str) -> Result<String> {
    let plain = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if plain {
        Ok(region.to_string())
    } else {
        Err(Error::Usage(format!(
            "--region {:?} is not a region name; write it like eu-west-1",
            crate::one_line(region)
        )))
    }
}

/// The partition the credentials belong to: the role's ARN says it, else the region. A
/// `--region` of another partition than the role's is refused: its console would not take
/// the sign-in.
fn partition(r: &Resolved, region: Option<&str>, region_given: bool) -> Result<Partition> {
    let unsupported = |what: String| {
        Error::Console(format!(
            "runas knows no console sign-in for {what}; use the AWS console's own sign-in there"
        ))
    };
    let role_arn = r
        .roles
        .last()
        .map(|hop| hop.role_arn.value.as_str())
        .or(match &r.source {
            Source::WebIdentity { role_arn, .. } => Some(role_arn.value.as_str()),
            _ => None,
        });
    let by_region = region
        .map(Partition::of_region)
        .transpose()
        .map_err(unsupported)?;
    let Some(arn) = role_arn else {
        return Ok(by_region.unwrap_or(Partition::Aws));
    };
    let by_arn = Partition::of_arn(arn).map_err(unsupported)?;
    if region_given
        && let Some(by_region) = by_region
        && by_region != by_arn
    {
        return Err(Error::Usage(format!(
            "--region {} is in the {} partition, but {:?}'s role is in {}; name a region of {}",
            region.unwrap_or_default(),
            by_region.name(),
            r.display_name(),
            by_arn.name(),
            by_arn.name()
        )));
    }
    Ok(by_arn)
}

/// Where the console opens: `wanted` as a console address on the partition's console host, a
/// path on it, or a service name; by default the console's home. Paths and services get the
/// region, when one is known.
pub(crate) fn destination(
    partition: Partition,
    region: Option<&str>,
    wanted: Option<&str>,
) -> Result<String> {
    let host = partition.console_host();
    let with_region = |url: String| match region {
        Some(region) if !url.contains("region=") => {
            let (before, fragment) = match url.split_once('#') {
                Some((before, fragment)) => (before.to_string(), format!("#{fragment}")),
                None => (url.clone(), String::new()),
            };
            let separator = if before.contains('?') { '&' } else { '?' };
            format!("{before}{separator}region={region}{fragment}")
        }
        _ => url,
    };
    let Some(wanted) = wanted else {
        return Ok(with_region(format!("https://{host}/console/home")));
    };
    let refused = || {
        Error::Usage(format!(
            "--destination {:?} is none of a console address on {host}, a path (/s3/) or a service name (s3)",
            crate::one_line(wanted)
        ))
    };
    if wanted.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(refused());
    }
    if let Some(rest) = wanted.strip_prefix("https://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let on_console = authority == host
            || authority
                .strip_suffix(host)
                .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1);
        return if on_console {
            Ok(wanted.to_string())
        } else {
            Err(refused())
        };
    }
    if wanted.starts_with('/') && !wanted.starts_with("//") {
        return Ok(with_region(format!("https://{host}{wanted}")));
    }
    let service = !wanted.is_empty()
        && wanted
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if service {
        return Ok(with_region(format!("https://{host}/{wanted}/home")));
    }
    Err(refused())
}

/// The address that signs in with `token` and opens `destination`.
pub(crate) fn login_url(partition: Partition, destination: &str, token: &str) -> String {
    format!(
        "https://{}/federation?Action=login&Issuer={ISSUER}&Destination={}&SigninToken={}",
        partition.signin_host(),
        percent_encode(destination),
        percent_encode(token)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_destination_is_an_address_a_path_or_a_service() {
        let d = |p, region, wanted| destination(p, region, wanted).unwrap();
        assert_eq!(
            d(Partition::Aws, Some("eu-west-1"), None),
            "https://console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            d(Partition::Aws, None, None),
            "https://console.aws.amazon.com/console/home"
        );
        assert_eq!(
            d(Partition::China, Some("cn-north-1"), Some("s3")),
            "https://console.amazonaws.cn/s3/home?region=cn-north-1"
        );
        assert_eq!(
            d(
                Partition::GovCloud,
                Some("us-gov-west-1"),
                Some("/ec2/home?x=1#Instances:")
            ),
            "https://console.amazonaws-us-gov.com/ec2/home?x=1&region=us-gov-west-1#Instances:"
        );
        assert_eq!(
            d(
                Partition::Aws,
                Some("eu-west-1"),
                Some("/s3/buckets?region=us-east-1")
            ),
            "https://console.aws.amazon.com/s3/buckets?region=us-east-1"
        );
        let full = "https://eu-west-1.console.aws.amazon.com/lambda/home#/functions";
        assert_eq!(d(Partition::Aws, Some("us-east-1"), Some(full)), full);
        for wrong in [
            "https://evil.example/console.aws.amazon.com",
            "https://console.aws.amazon.com.evil.example/",
            "https://xconsole.aws.amazon.com/",
            "http://console.aws.amazon.com/",
            "https://console.amazonaws.cn/",
            "//evil.example/",
            "S3!",
            "s3 home",
            "",
        ] {
            assert!(destination(Partition::Aws, None, Some(wrong)).is_err(), "{wrong}");
        }
    }

    #[test]
    fn the_login_address_encodes_what_it_carries() {
        assert_eq!(
            login_url(
                Partition::China,
                "https://console.amazonaws.cn/s3/home?region=cn-north-1",
                "t+k/n="
            ),
            "https://signin.amazonaws.cn/federation?Action=login&Issuer=runas&Destination=https%3A%2F%2Fconsole.amazonaws.cn%2Fs3%2Fhome%3Fregion%3Dcn-north-1&SigninToken=t%2Bk%2Fn%3D"
        );
    }

    #[test]
    fn partitions_come_from_regions_and_arns() {
        assert_eq!(Partition::of_region("cn-northwest-1"), Ok(Partition::China));
        assert_eq!(Partition::of_region("us-gov-east-1"), Ok(Partition::GovCloud));
        assert_eq!(Partition::of_region("eu-west-1"), Ok(Partition::Aws));
        assert!(Partition::of_region("us-iso-east-1").is_err());
        assert_eq!(
            Partition::of_arn("arn:aws-us-gov:iam::123456789012:role/x"),
            Ok(Partition::GovCloud)
        );
        assert!(Partition::of_arn("arn:aws-iso:iam::123456789012:role/x").is_err());
    }

    #[test]
    fn console_durations_are_those_aws_takes() {
        assert_eq!(console_duration("1h").unwrap(), Duration::from_secs(3600));
        assert!(console_duration("14m").is_err());
        assert!(console_duration("12h1s").is_err());
        assert!(console_duration("soon").is_err());
        assert_eq!(federated_user_name("a"), "runas");
        assert_eq!(federated_user_name(&"x".repeat(40)).len(), 32);
    }
}
