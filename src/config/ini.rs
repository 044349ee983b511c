//! A reader for the INI dialect of `~/.aws/config` and `~/.aws/credentials`, as botocore and
//! aws-runas (go-ini) read it.
//!
//! Why not rust-ini: measured with rust-ini 0.21 and escapes and quotes off, a line without `=`
//! is glued to the next key (`foo\nbar = 1` gives the key "foo\nbar"), a value ending in `\`
//! swallows the next line, a header ending in `\` swallows the lines after it, and indented
//! lines of a nested sub-section (`s3 =` then `  max_concurrent_requests = 20`) become keys of
//! the profile, so a nested `region` would override the profile's. Each of those silently
//! changes which credentials are used. The dialect itself is a few rules, written out here
//! with a test for each:
//!
//! - a UTF-8 BOM is skipped; lines end in `\n` or `\r\n`;
//! - lines whose first non-blank character is `#` or `;` are comments; inline comments are
//!   not stripped (`region = us-east-1 ; note` keeps `; note`, as the AWS CLI does);
//! - `[NAME]`: NAME is everything between the first `[` and the last `]`, trimmed, taken
//!   literally (no escapes, no quotes), as go-ini does; after the `]` only a comment may follow;
//! - `key = value` or `key: value`, split at the first `=` or `:`, both sides trimmed, keys
//!   lower-cased as botocore does;
//! - an indented line after a key with an empty value belongs to that key's sub-section; an
//!   indented line after a key with a value continues that value (configparser's rule);
//! - a section opened twice, a key set twice in one section, a key before any section, and a
//!   line that is none of the above are errors naming the file and line (configparser's
//!   strict mode, which botocore uses, rejects them too).

use crate::{Error, Result};
use std::collections::HashMap;

/// The largest config or credentials file read: far beyond any real one (a config of 10 000
/// profiles is about 1 MiB).
pub const MAX_FILE_BYTES: u64 = 16 << 20;
use std::path::{Path, PathBuf};

/// One parsed file: its sections in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IniFile {
    pub path: PathBuf,
    pub sections: Vec<Section>,
    /// Section name → position in `sections`, so a lookup costs the same in a file of 100000
    /// profiles as in one of three (a scan per lookup made `runas list` quadratic).
    index: HashMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The header as written between `[` and `]`, trimmed.
    pub name: String,
    pub line: usize,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
    /// Indented `key = value` lines under a key with an empty value (`s3 =`, `sts =` in a
    /// `[services …]` section).
    pub sub: Vec<Entry>,
}

impl Section {
    /// The value of `key` (lower-case) in this section, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entry(key).map(|e| e.value.as_str())
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

impl IniFile {
    /// Read and parse `path`. A file that does not exist is an empty file, as for every AWS
    /// SDK; a directory or an unreadable file is an error.
    /// Reads and parses the file at `path`; a missing file is an empty one.
    ///
    /// Only a regular file is read, opened without blocking (a FIFO put there would otherwise
    /// hang runas, and with it the prompt hook and Tab completion), and at most `MAX_FILE_BYTES`
    /// of it (`/dev/urandom` or a runaway file would fill memory).
    pub fn load(path: &Path) -> Result<IniFile> {
        use std::io::Read;
        use std::os::unix::fs::OpenOptionsExt;
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(IniFile {
                    path: path.to_path_buf(),
                    ..IniFile::default()
                });
            }
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let read_error = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let meta = file.metadata().map_err(read_error)?;
        if !meta.is_file() {
            return Err(Error::NotAFile {
                path: path.to_path_buf(),
            });
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(Error::FileTooLarge {
                path: path.to_path_buf(),
                limit: MAX_FILE_BYTES,
            });
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // Bounded even if the file grows after the fstat.
        (&file)
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(read_error)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(Error::FileTooLarge {
                path: path.to_path_buf(),
                limit: MAX_FILE_BYTES,
            });
        }
        parse(path, &bytes)
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.index.get(name).map(|&i| &self.sections[i])
    }
}

/// Parse the bytes of a file; `path` is used in messages only.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<IniFile> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(Error::NotUtf8 {
                path: path.to_path_buf(),
                line,
            });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = |line: usize, problem: String| Error::Syntax {
        path: path.to_path_buf(),
        line,
        problem,
    };

    let mut sections: Vec<Section> = Vec::new();
    // Section name → position: for lookups later, and to report a duplicate by line now.
    let mut index: HashMap<String, usize> = HashMap::new();

    for (line_index, raw) in text.split('\n').enumerate() {
        let line_no = line_index + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);

        if trimmed.starts_with('[') {
            let close = trimmed
                .rfind(']')
                .ok_or_else(|| syntax(line_no, format!("section header {trimmed:?} has no closing ]")))?;
            let rest = trimmed[close + 1..].trim_start();
            if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
                return Err(syntax(
                    line_no,
                    format!("unexpected {} after the section header", quote_line(rest)),
                ));
            }
            let name = trimmed[1..close].trim().to_string();
            if name.is_empty() {
                return Err(syntax(line_no, "empty section name []".into()));
            }
            if let Some(&first) = index.get(&name) {
                let first = sections[first].line;
                return Err(syntax(
                    line_no,
                    format!("section [{name}] is opened again (first at line {first}); merge the two"),
                ));
            }
            index.insert(name.clone(), sections.len());
            sections.push(Section {
                name,
                line: line_no,
                entries: Vec::new(),
            });
            continue;
        }

        let Some(section) = sections.last_mut() else {
            return Err(syntax(
                line_no,
                format!("{} is outside any [section]", quote_line(trimmed)),
            ));
        };

        if indented && let Some(last) = section.entries.last_mut() {
            if last.value.is_empty() || !last.sub.is_empty() {
                let (key, value) = split_key_value(trimmed).ok_or_else(|| {
                    syntax(
                        line_no,
                        format!("expected key = value, found {}", quote_line(trimmed)),
                    )
                })?;
                last.sub.push(Entry {
                    key,
                    value,
                    line: line_no,
                    sub: Vec::new(),
                });
            } else {
                // configparser joins indented continuation lines to the value with a newline.
                last.value.push('\n');
                last.value.push_str(trimmed);
            }
            continue;
        }

        let (key, value) = split_key_value(trimmed).ok_or_else(|| {
            syntax(
                line_no,
                format!("expected key = value or [section], found {}", quote_line(trimmed)),
            )
        })?;
        if let Some(previous) = section.entry(&key) {
            // What stands before `=` on a pasted token line is part of the token: a key is
            // named only when it looks like a key name.
            let shown = if is_key_like(&key) {
                key.clone()
            } else {
                format!("a key of {} characters", key.chars().count())
            };
            return Err(syntax(
                line_no,
                format!(
                    "{shown} is set again in [{}] (first at line {})",
                    section.name, previous.line
                ),
            ));
        }
        section.entries.push(Entry {
            key,
            value,
            line: line_no,
            sub: Vec::new(),
        });
    }
    Ok(IniFile {
        path: path.to_path_buf(),
        sections,
        index,
    })
}

/// How an error shows a line it cannot use. A line of a credentials file may hold a secret
/// (a key pasted without its name, a value after a typo), so only a leading word that looks
/// like a key name is shown, and never what follows `=`.
fn quote_line(line: &str) -> String {
    let key_like = is_key_like;
    let unshown = || format!("a line of {} characters", line.chars().count());
    match line.split_once('=') {
        Some((key, _)) if key.trim().is_empty() => "\"= …\"".to_string(),
        Some((key, _)) if key_like(key.trim()) => format!("\"{} = …\"", key.trim()),
        Some(_) => unshown(),
        None => match line.split_once(char::is_whitespace) {
            None if key_like(line) => format!("{line:?}"),
            Some((word, _)) if key_like(word) => format!("\"{word} …\""),
            _ => unshown(),
        },
    }
}

/// Whether `word` looks like a key name (`aws_access_key_id`, `s3.addressing-style`), so an
/// error may show it: short, lowercase letters, digits and `_-.`.
fn is_key_like(word: &str) -> bool {
    word.len() <= 32
        && word.starts_with(|c: char| c.is_ascii_lowercase())
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'))
}

/// Split `key = value` (or `key: value`) at the first delimiter; `None` when there is no
/// delimiter or no key.
fn split_key_value(line: &str) -> Option<(String, String)> {
    let at = line.find(['=', ':'])?;
    let key = line[..at].trim();
    if key.is_empty() {
        return None;
    }
    Some((key.to_ascii_lowercase(), line[at + 1..].trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<IniFile> {
        parse(Path::new("/t/config"), text.as_bytes())
    }

    fn err(text: &str) -> String {
        parse_str(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_sections_and_keys_in_order() {
        let f = parse_str("[default]\nregion = eu-west-1\n\n[profile prod]\nrole_arn=arn:x\n").unwrap();
        let names: Vec<&str> = f.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["default", "profile prod"]);
        assert_eq!(f.section("profile prod").unwrap().get("role_arn"), Some("arn:x"));
    }

    #[test]
    fn section_names_are_literal() {
        for name in [
            r"back\slash",
            r"x\",
            r#""quoted""#,
            "$(id)",
            "a b",
            "日本",
            "semi;colon",
            "a]b",
        ] {
            let f = parse_str(&format!("[profile {name}]\nregion = r\n[next]\nk = v\n")).unwrap();
            assert_eq!(f.sections[0].name, format!("profile {name}"));
            assert_eq!(f.sections[0].get("region"), Some("r"), "{name}");
            assert_eq!(
                f.sections[1].name, "next",
                "a header ending in \\ must not swallow lines"
            );
        }
    }

    #[test]
    fn comments_blank_lines_crlf_and_bom_parse() {
        let text = "\u{feff}# top\r\n; also\r\n\r\n[default] # note\r\n  # indented comment\r\nregion = us-east-1\r\n";
        let f = parse_str(text).unwrap();
        assert_eq!(f.section("default").unwrap().get("region"), Some("us-east-1"));
    }

    #[test]
    fn inline_comments_stay_in_the_value_as_in_the_aws_cli() {
        let f = parse_str("[default]\nregion = us-east-1 ; note\n").unwrap();
        assert_eq!(f.sections[0].get("region"), Some("us-east-1 ; note"));
    }

    #[test]
    fn whitespace_around_the_delimiter_and_colon_delimiter() {
        let f = parse_str("[a]\n  k1   =   v1  \nk2:v2\nk3 = a=b:c\nK4 = upper\n").unwrap();
        let s = &f.sections[0];
        assert_eq!(
            (s.get("k1"), s.get("k2"), s.get("k3"), s.get("k4")),
            (Some("v1"), Some("v2"), Some("a=b:c"), Some("upper"))
        );
    }

    #[test]
    fn nested_sub_sections_do_not_override_profile_keys() {
        let text = "[profile p]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = 20\n  region = eu-west-1\noutput = json\n";
        let s = &parse_str(text).unwrap().sections[0];
        assert_eq!(s.get("region"), Some("us-east-1"));
        assert_eq!(s.get("output"), Some("json"));
        let s3 = s.entry("s3").unwrap();
        assert_eq!(s3.sub.len(), 2);
        assert_eq!(
            (s3.sub[1].key.as_str(), s3.sub[1].value.as_str()),
            ("region", "eu-west-1")
        );
    }

    #[test]
    fn a_value_ending_in_backslash_does_not_swallow_the_next_line() {
        let s = &parse_str("[a]\nk = a\\\nz = 2\n").unwrap().sections[0];
        assert_eq!((s.get("k"), s.get("z")), (Some("a\\"), Some("2")));
    }

    #[test]
    fn indented_lines_after_a_value_continue_it() {
        let s = &parse_str("[a]\nk = one\n  two\n").unwrap().sections[0];
        assert_eq!(s.get("k"), Some("one\ntwo"));
    }

    #[test]
    fn a_line_without_delimiter_is_an_error_naming_file_and_line() {
        assert_eq!(
            err("[a]\nfoo\nbar = 1\n"),
            "/t/config:2: expected key = value or [section], found \"foo\"; fix or remove that line"
        );
    }

    #[test]
    fn keys_outside_any_section_are_an_error() {
        assert!(err("region = x\n[a]\n").contains(":1: \"region = …\" is outside any [section]"));
    }

    #[test]
    fn a_section_opened_twice_is_an_error() {
        assert!(err("[a]\nk=1\n[b]\n[a]\n").contains(":4: section [a] is opened again (first at line 1)"));
    }

    #[test]
    fn a_key_set_twice_is_an_error() {
        assert!(err("[a]\nk=1\nk=2\n").contains(":3: k is set again in [a] (first at line 2)"));
    }

    #[test]
    fn a_token_line_set_twice_is_reported_without_its_text() {
        let token = "FwoGZXIvYXdzEJr//////////wEaDOEXAMPLETOKENFRAGMENT";
        let e = err(&format!("[a]\n{token}=\n{token}=\n"));
        assert!(
            e.contains(":3: a key of 50 characters is set again in [a]"),
            "{e}"
        );
        assert!(!e.to_lowercase().contains("fwog"), "{e}");
    }

    #[test]
    fn only_a_regular_file_of_a_sane_size_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = IniFile::load(&fifo).unwrap_err().to_string();
        assert!(e.contains("is not a regular file"), "{e}");
        let e = IniFile::load(Path::new("/dev/urandom")).unwrap_err().to_string();
        assert!(e.contains("/dev/urandom is not a regular file"), "{e}");
        let big = tmp.path().join("big");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        let e = IniFile::load(&big).unwrap_err().to_string();
        assert!(e.contains("is larger than 16 MiB"), "{e}");
        assert_eq!(
            IniFile::load(&tmp.path().join("absent")).unwrap().sections.len(),
            0
        );
    }

    #[test]
    fn broken_headers_are_errors() {
        assert!(err("[profile x\nk=v\n").contains(":1: section header \"[profile x\" has no closing ]"));
        assert!(err("[]\n").contains("empty section name"));
        assert!(err("[a] junk\n").contains("unexpected \"junk\" after the section header"));
        assert!(err("[a]\n= v\n").contains(":2: expected key = value"));
    }

    #[test]
    fn non_utf8_is_an_error_with_the_line() {
        let e = parse(Path::new("/t/c"), b"[a]\nk = \xff\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "/t/c is not UTF-8 text (line 2); save it as UTF-8");
    }

    #[test]
    fn an_empty_file_has_no_sections() {
        assert!(parse_str("").unwrap().sections.is_empty());
    }

    #[test]
    fn a_missing_file_is_empty_and_a_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            IniFile::load(&dir.path().join("nope"))
                .unwrap()
                .sections
                .is_empty()
        );
        let e = IniFile::load(dir.path()).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{} is not a regular file", dir.path().display())),
            "{e}"
        );
    }

    #[test]
    fn a_ten_megabyte_file_parses_quickly() {
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 10 << 20 {
            text.push_str(&format!(
                "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = base\n\n"
            ));
            i += 1;
        }
        let f = parse_str(&text).unwrap();
        assert_eq!(f.sections.len(), i);
    }

    #[test]
    fn errors_never_show_a_value_or_a_word_that_is_not_a_key_name() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        for text in [
            format!("[default]\naws_secret_access_key {secret}\n"),
            format!("[default]\n{secret}\n"),
            format!("aws_secret_access_key = {secret}\n[default]\n"),
            format!("[default] aws_secret_access_key = {secret}\n"),
            format!("[default]\nx = \n  {secret}\n"),
            format!("[default]\nAws_Secret {secret}\n"),
        ] {
            let e = err(&text);
            assert!(!e.contains(secret) && !e.contains("wJalr"), "{e}");
        }
        assert!(err("[a]\naws_secret_access_key SECRET\n").contains("found \"aws_secret_access_key …\""));
        assert!(err("[a]\nWJALRXUTNFEMI/K7MDENG\n").contains("found a line of 21 characters"));
    }
}
