//! A user's world for the end-to-end tests of `runas env`, `runas exec` and the AWS CLI: a
//! sandbox (config, credentials, cache) talking to the shared moto, prod's credentials fetched
//! once with an MFA code, and scripts run for that user in the real shells.
//!
//! A test module adds the methods only it needs in an `impl World` block of its own.

use super::moto::{Moto, shared as moto};
use super::sandbox::{CREDENTIALS, MFA_CODE, Sandbox, parse_env0, stderr, stdout};
use super::shells::Shell;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;

pub struct World {
    pub sandbox: Sandbox,
    _moto: Arc<Moto>,
}

/// What a shell did with a script.
pub struct Ran {
    label: String,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Ran {
    /// Status 0, nothing on stdout or stderr.
    pub fn assert_clean(&self, script: &str) {
        assert!(
            self.status.success() && self.stderr.is_empty() && self.stdout.is_empty(),
            "{}: status {}, stderr {:?}, stdout {:?}\nscript:\n{script}",
            self.label,
            self.status,
            self.stderr,
            self.stdout
        );
    }
}

impl World {
    /// A sandbox with `config` and the seed's credentials, talking to the shared moto.
    pub fn new(config: &str) -> World {
        let moto = moto();
        let sandbox = Sandbox::new(&moto.endpoint(), config, CREDENTIALS);
        World { sandbox, _moto: moto }
    }

    pub fn home(&self) -> &Path {
        self.sandbox.home()
    }

    /// Gets prod's credentials once, with an MFA code ([default] has mfa_serial), and returns
    /// the credential_process document. Every later call for prod (or a profile sharing its
    /// role) is a cache hit that needs no code.
    pub fn warm(&self) -> serde_json::Value {
        let o = self
            .sandbox
            .run(&["env", "--format", "json", "prod"], &[("MFA_CODE", MFA_CODE)]);
        assert!(o.status.success(), "warming the cache: {}", stderr(&o));
        serde_json::from_str(&stdout(&o)).expect("the credential_process document is JSON")
    }

    /// Run `script` in `shell` from the sandbox home (so `out/x` and `CANARY` are relative to
    /// it), in a clean environment where `runas` on PATH is the binary under test (see
    /// `Sandbox::shell_env`), plus `vars`. `out/` is emptied first, for the files the script
    /// writes.
    pub fn shell(&self, shell: &Shell, script: &str, vars: &[(&str, &str)]) -> Ran {
        let program = shell.path();
        let out = self.home().join("out");
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir(&out).expect("create out/");
        let script_path = self.home().join(format!("script.{}", shell.program));
        std::fs::write(&script_path, format!("{}\n{script}\n", shell.prelude)).expect("write the script");
        let output = Command::new(&program)
            .args(shell.args)
            .arg(&script_path)
            .env_clear()
            .envs(self.sandbox.shell_env())
            .envs(vars.iter().copied())
            .current_dir(self.home())
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{}: cannot start: {e}", program.display()));
        Ran {
            label: shell.label.to_string(),
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// A file the last script wrote under `out/`.
    pub fn out(&self, name: &str) -> String {
        let path = self.home().join("out").join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        String::from_utf8(bytes).expect("UTF-8 output")
    }

    /// The environment a script dumped with `env -0 > out/NAME`.
    pub fn out_env(&self, name: &str) -> BTreeMap<String, String> {
        parse_env0(self.out(name).as_bytes())
    }

    /// Fails when a value ran as code: the hostile values run `touch CANARY`.
    pub fn assert_no_canary(&self, label: &str) {
        let canary = self.home().join("CANARY");
        assert!(
            !canary.exists(),
            "{label}: a value ran as code: {} exists",
            canary.display()
        );
    }
}
