//! Go `time.ParseDuration` syntax (`12h`, `1h30m`, `1.5h`, `3600s`), which aws-runas users
//! already have in their files. humantime reads a different syntax (`1h 30m`, no fractions),
//! so the grammar is written out here: an optional sign, then one or more of a decimal number
//! with an optional fraction followed by a unit (ns, us, µs, μs, ms, s, m, h); `0` alone is
//! allowed. Unlike aws-runas, which read a bad value as zero, every failure says why.

use std::time::Duration;

/// Parse a Go duration. Negative durations are refused: no runas setting can use one.
pub fn parse_go_duration(text: &str) -> Result<Duration, String> {
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err("empty".into());
    }
    let mut total_nanos: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(f) => {
                let n = f.bytes().take_while(u8::is_ascii_digit).count();
                f.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(format!("expected a number at {after:?}"));
        }
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60 * 1_000_000_000,
            "h" => 3_600 * 1_000_000_000,
            "" => {
                return Err(format!(
                    "missing unit after {}",
                    &rest[..rest.len() - after.len()]
                ));
            }
            other => return Err(format!("unknown unit {other:?}")),
        };
        let int: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| "number too large".to_string())?
        };
        let mut nanos = int.checked_mul(unit_nanos).ok_or("number too large")?;
        // The fraction: digits beyond nanosecond precision cannot change the result.
        let mut scale = unit_nanos;
        for digit in frac_part.bytes().take(30) {
            scale /= 10;
            nanos += u128::from(digit - b'0') * scale;
        }
        total_nanos = total_nanos.checked_add(nanos).ok_or("number too large")?;
        // Go limits durations to about 292 years; so do we, which keeps the arithmetic exact.
        if total_nanos > i64::MAX as u128 {
            return Err("number too large".into());
        }
        rest = after;
    }
    if negative && total_nanos > 0 {
        return Err("negative".into());
    }
    Ok(Duration::from_nanos(total_nanos as u64))
}

/// Show a duration the way users write them: `1h30m`, `45m`, `12h`, `90s`.
pub fn format_go_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn secs(text: &str) -> u64 {
        parse_go_duration(text).unwrap().as_secs()
    }

    #[test]
    fn go_examples_parse() {
        assert_eq!(secs("12h"), 43200);
        assert_eq!(secs("1h30m"), 5400);
        assert_eq!(secs("90m"), 5400);
        assert_eq!(secs("1.5h"), 5400);
        assert_eq!(secs("3600s"), 3600);
        assert_eq!(secs("2h45m30s"), 9930);
        assert_eq!(secs("+1h"), 3600);
        assert_eq!(secs("0"), 0);
        assert_eq!(secs(".5h"), 1800);
        assert_eq!(secs("1.h"), 3600);
        assert_eq!(parse_go_duration("1500ms").unwrap(), Duration::from_millis(1500));
        assert_eq!(
            parse_go_duration("3µs2us1ns").unwrap(),
            Duration::from_nanos(5001)
        );
    }

    #[test]
    fn bad_durations_say_why() {
        for (text, why) in [
            ("", "empty"),
            ("3600", "missing unit after 3600"),
            ("1x", "unknown unit \"x\""),
            ("1 h", "unknown unit \" h\""),
            ("h", "expected a number at \"h\""),
            ("1h30", "missing unit after 30"),
            ("-1h", "negative"),
            ("1h-5m", "unknown unit \"h-\""),
            ("99999999999h", "number too large"),
            (".h", "expected a number at \"h\""),
        ] {
            assert_eq!(parse_go_duration(text).unwrap_err(), why, "{text:?}");
        }
    }

    #[test]
    fn formats_as_users_write_durations() {
        assert_eq!(format_go_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_go_duration(Duration::from_secs(43200)), "12h");
        assert_eq!(format_go_duration(Duration::from_secs(0)), "0s");
        assert_eq!(format_go_duration(Duration::from_secs(3661)), "1h1m1s");
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,20}") {
            let _ = parse_go_duration(&text);
        }

        #[test]
        fn formatted_durations_parse_back(s in 0u64..10_000_000) {
            let d = Duration::from_secs(s);
            prop_assert_eq!(parse_go_duration(&format_go_duration(d)).unwrap(), d);
        }
    }
}
