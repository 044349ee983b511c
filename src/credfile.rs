//! `--write-credentials`: the temporary credentials also written to the credentials file, under
//! `[PROFILE-awsrunas]`, for tools that read only files (as aws-runas 3.7 does).
//!
//! Only that section changes: every other byte of the file (sections, comments, blank lines,
//! order) stays as it was. The file is rewritten atomically (a temporary file renamed over it,
//! with the same mode; 0600 when it is new), under a lock that every runas writing it takes, so
//! parallel runs cannot lose each other's sections. A credentials file runas cannot parse is
//! never rewritten: the error says so and nothing changes.

use crate::config::ini;
use crate::creds::Credentials;
use crate::{Error, Result};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The section `profile`'s credentials are written to.
pub fn section_name(profile: &str) -> String {
    format!("{profile}-awsrunas")
}

/// Writes `creds` to `path` (the credentials file) under `[PROFILE-awsrunas]`.
pub fn write(path: &Path, profile: &str, creds: &Credentials) -> Result<()> {
    let section = section_name(profile);
    let problem = |problem: String| Error::Cache {
        path: path.to_path_buf(),
        problem,
    };
    if section.chars().any(|c| c.is_control() || c == '[' || c == ']') {
        return Err(problem(format!(
            "the profile name {profile:?} cannot be a section header; --write-credentials needs a plainer name"
        )));
    }
    // A symlink (a credentials file kept with dotfiles) is followed: its target is rewritten.
    let path = match fs::canonicalize(path) {
        Ok(real) => real,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => path.to_path_buf(),
        Err(e) => return Err(problem(format!("cannot find it: {e}"))),
    };
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    fs::create_dir_all(&dir).map_err(|e| problem(format!("cannot make its folder: {e}")))?;
    let _lock = Lock::take(&dir, &path)?;
    let (text, mode) = match fs::read(&path) {
        Ok(bytes) => {
            // Parsed first: a file runas cannot read the way the SDKs do is not touched.
            ini::parse(&path, &bytes).map_err(|e| {
                problem(format!(
                    "not rewritten: it does not parse ({e}); fix it, then run again"
                ))
            })?;
            let mode = fs::metadata(&path)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o600);
            (String::from_utf8(bytes).unwrap_or_default(), mode)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), 0o600),
        Err(e) => return Err(problem(format!("cannot read it: {e}"))),
    };
    let block = block(&section, creds);
    let new = replace_section(&path, &text, &section, &block)?;
    let temp = dir.join(format!(
        ".{}.runas-{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("credentials"),
        std::process::id()
    ));
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&temp)?;
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        file.write_all(new.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temp, &path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(problem(format!("cannot rewrite it: {e}")));
    }
    Ok(())
}

/// The section as written: the keys, and `aws_expiration` for the tools that read it.
fn block(section: &str, creds: &Credentials) -> String {
    let mut out = format!(
        "[{section}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        creds.access_key_id, creds.secret_access_key
    );
    if let Some(token) = &creds.session_token {
        out.push_str(&format!("aws_session_token = {token}\n"));
    }
    if let Some(exp) = creds.expiration {
        out.push_str(&format!("aws_expiration = {}\n", crate::creds::rfc3339(exp)));
    }
    out
}

/// `text` with the lines of `[section]` (its header to its last key) replaced by `block`, or
/// with `block` added at the end. Comments and blank lines after its last key stay: they may
/// belong to the next section.
fn replace_section(path: &Path, text: &str, section: &str, block: &str) -> Result<String> {
    let parsed = ini::parse(path, text.as_bytes())?;
    let Some(found) = parsed.sections.iter().find(|s| s.name == section) else {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(block);
        return Ok(out);
    };
    let last = found
        .entries
        .iter()
        .flat_map(|e| std::iter::once(e.line).chain(e.sub.iter().map(|s| s.line)))
        .max()
        .unwrap_or(found.line);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len() + block.len());
    for line in &lines[..found.line - 1] {
        out.push_str(line);
    }
    out.push_str(block);
    for line in &lines[last.min(lines.len())..] {
        out.push_str(line);
    }
    Ok(out)
}

/// An exclusive lock on a file beside the credentials file, held while it is read and
/// rewritten; released when dropped (or when the process dies).
struct Lock(fs::File);

impl Lock {
    fn take(dir: &Path, path: &Path) -> Result<Lock> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("credentials");
        let lock_path: PathBuf = dir.join(format!(".{name}.runas-lock"));
        let file = crate::cache::open_lock_file(&lock_path).map_err(|e| Error::Cache {
            path: lock_path.clone(),
            problem: format!("cannot open the lock for the credentials file: {e}"),
        })?;
        file.lock().map_err(|e| Error::Cache {
            path: lock_path,
            problem: format!("cannot lock it: {e}"),
        })?;
        Ok(Lock(file))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE000000000".into(),
            secret_access_key: "secret".into(),
            session_token: Some("token".into()),
            expiration: Some(1_800_000_000),
        }
    }

    #[test]
    fn only_the_section_changes_and_comments_stay_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        let before = "# my keys\r\n[default]\naws_access_key_id = AKIA\naws_secret_access_key = s ; note\n\n\
                      [prod-awsrunas]\naws_access_key_id = OLD\naws_secret_access_key = OLD\n\
                      # about work, kept\n[work]\naws_access_key_id = W\naws_secret_access_key = W\n";
        fs::write(&path, before).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, "prod", &creds()).unwrap();
        let after = fs::read_to_string(&path).unwrap();
        assert_eq!(
            after,
            "# my keys\r\n[default]\naws_access_key_id = AKIA\naws_secret_access_key = s ; note\n\n\
             [prod-awsrunas]\naws_access_key_id = ASIAEXAMPLE000000000\naws_secret_access_key = secret\n\
             aws_session_token = token\naws_expiration = 2027-01-15T08:00:00Z\n\
             # about work, kept\n[work]\naws_access_key_id = W\naws_secret_access_key = W\n"
        );
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640,
            "mode kept"
        );
        // A new section goes at the end, after a blank line.
        write(&path, "dev", &creds()).unwrap();
        let after = fs::read_to_string(&path).unwrap();
        assert!(after.ends_with("aws_secret_access_key = W\n\n[dev-awsrunas]\naws_access_key_id = ASIAEXAMPLE000000000\naws_secret_access_key = secret\naws_session_token = token\naws_expiration = 2027-01-15T08:00:00Z\n"), "{after}");
    }

    #[test]
    fn a_new_file_is_0600_and_a_file_that_does_not_parse_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/credentials");
        write(&path, "prod", &creds()).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let broken = dir.path().join("broken");
        fs::write(&broken, "[default]\nnot a line\n").unwrap();
        let e = write(&broken, "prod", &creds()).unwrap_err();
        assert!(e.to_string().contains("not rewritten"), "{e}");
        assert_eq!(fs::read_to_string(&broken).unwrap(), "[default]\nnot a line\n");
        let e = write(&path, "a]b", &creds()).unwrap_err();
        assert!(e.to_string().contains("cannot be a section header"), "{e}");
    }
}
