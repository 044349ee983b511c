//! Where base credentials come from, besides keys in the files: each source turns a profile's
//! setting into credentials (`process`: a `credential_process` command).

pub mod ecs;
pub mod http;
pub mod imds;
pub mod process;
pub mod sso;

use crate::creds::Credentials;
use crate::{Error, Result};

/// The largest web identity token read: a JWT is a few KiB.
const MAX_TOKEN_BYTES: u64 = 64 << 10;

/// Why `read_small_file` gave no text; each caller words it for its own file.
#[derive(Debug)]
pub(crate) enum SmallFileError {
    Open(std::io::Error),
    Stat(std::io::Error),
    NotRegular,
    Read(std::io::Error),
    TooLarge,
}

/// The text of `path`: a regular file (opened without blocking, so a FIFO or a device left at
/// that name cannot hang runas) of at most `limit` bytes.
pub(crate) fn read_small_file(
    path: &std::path::Path,
    limit: u64,
) -> std::result::Result<String, SmallFileError> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(SmallFileError::Open)?;
    let meta = file.metadata().map_err(SmallFileError::Stat)?;
    if !meta.is_file() {
        return Err(SmallFileError::NotRegular);
    }
    let mut text = String::new();
    (&file)
        .take(limit + 1)
        .read_to_string(&mut text)
        .map_err(SmallFileError::Read)?;
    if text.len() as u64 > limit {
        return Err(SmallFileError::TooLarge);
    }
    Ok(text)
}

/// The web identity token in `path`, for `profile`: a regular file, read without blocking, at
/// most 64 KiB, surrounding white space trimmed.
pub fn read_token(profile: &str, path: &str) -> Result<String> {
    let problem = |what: String| Error::WebIdentityToken {
        profile: profile.to_string(),
        path: path.to_string(),
        problem: what,
    };
    let token = read_small_file(std::path::Path::new(path), MAX_TOKEN_BYTES).map_err(|e| {
        problem(match e {
            SmallFileError::Open(e) | SmallFileError::Stat(e) | SmallFileError::Read(e) => e.to_string(),
            SmallFileError::NotRegular => "it is not a regular file".into(),
            SmallFileError::TooLarge => "it is larger than 64 KiB".into(),
        })
    })?;
    let token = token.trim();
    if token.is_empty() {
        return Err(problem("it is empty".into()));
    }
    Ok(token.to_string())
}

/// The credentials of the JSON both metadata endpoints answer (`AccessKeyId`,
/// `SecretAccessKey`, `Token`, `Expiration`; IMDS adds `Code`, which must be `code`), or what is
/// wrong with it, never its content.
pub(crate) fn json_credentials(
    body: &str,
    code: Option<&str>,
) -> std::result::Result<Credentials, &'static str> {
    let doc: serde_json::Value = serde_json::from_str(body).map_err(|_| "its answer is not JSON")?;
    let text = |key: &str| {
        doc.get(key)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(code) = code
        && text("Code") != Some(code)
    {
        return Err("its answer does not say Success");
    }
    let expiration = text("Expiration")
        .and_then(parse_rfc3339)
        .ok_or("its answer has no Expiration it can be read by")?;
    Ok(Credentials {
        access_key_id: text("AccessKeyId")
            .ok_or("its answer has no AccessKeyId")?
            .to_string(),
        secret_access_key: text("SecretAccessKey")
            .ok_or("its answer has no SecretAccessKey")?
            .to_string(),
        session_token: Some(text("Token").ok_or("its answer has no Token")?.to_string()),
        expiration: Some(expiration),
    })
}

/// Seconds since the epoch of an RFC 3339 time with any offset (`2030-01-02T03:04:05Z`,
/// `…+02:00`, fractions of a second ignored), or `None` when it is not one.
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = text.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let (h, m) = (rest[1..3].parse::<i64>().ok()?, rest[4..6].parse::<i64>().ok()?);
            sign * (h * 3600 + m * 60)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    u64::try_from(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::parse_rfc3339;

    #[test]
    fn rfc3339_times_with_any_offset_are_read() {
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20.123456Z"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-15T00:13:20+02:00"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-14T17:13:20-05:00"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        for bad in [
            "",
            "2023-11-14",
            "2023-11-14T22:13:20",
            "2023-13-14T22:13:20Z",
            "2023-11-14T22:13:20+0200",
            "tomorrow",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
