//! The ordered list of environment changes that `env`, `unset` and `exec` all consume, so the
//! three cannot drift (direnv's ShellExport, aws-vault's createEnv).

/// One change to the environment, or to the shell's own unexported state. Names are runas
/// constants (checked by `is_valid_name`), values are arbitrary UTF-8 text without NUL, which
/// every shell formatter must quote.
///
/// `Set` and `Unset` are what `exec` applies too; the others only mean something to a shell
/// and `exec` skips them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Set(&'static str, String),
    Unset(&'static str),
    /// Keep `json` (the user's variables before the first switch, see `save`) in the shell
    /// variable `_runas_saved`, unexported, unless the shell keeps one already: runas cannot
    /// see an unexported variable, so the shell decides whether this is the first switch.
    Save(String),
    /// Drop `_runas_saved`.
    Forget,
    /// Hand `_runas_saved`, as the shell holds it when this runs, to `bin unset` in the
    /// environment of that one process, and evaluate what it prints: how a plain
    /// `eval "$(runas unset)"` restores what only the shell can see.
    RestoreSaved {
        bin: String,
    },
    /// fish only: say on stderr when a universal variable of this name is exported. A switch
    /// cannot hide one (fish 3.6 exports a universal even behind an unexported global, and an
    /// exported empty global breaks the AWS CLI), so it stays visible beside the credentials.
    WarnUniversal(&'static str),
}

impl Op {
    /// The variable this op changes, when it changes one in the environment.
    pub fn name(&self) -> Option<&'static str> {
        match self {
            Op::Set(name, _) | Op::Unset(name) | Op::WarnUniversal(name) => Some(name),
            Op::Save(_) | Op::Forget | Op::RestoreSaved { .. } => None,
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`: the names runas prints unquoted.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

use crate::creds::Credentials;
use crate::{EnvMap, Error, Result};
use std::borrow::Cow;

/// The shell variable, never exported, where a shell keeps the variables it had before its
/// first switch (a JSON object of name → value), so `runas unset` puts them back rather than
/// only removing them. Unexported, so the previous identity's keys reach no child process.
pub const SAVED_VAR: &str = "_runas_saved";
/// How the hook's `runas` function hands `_runas_saved` to one run of the binary: in the
/// environment of that process only.
pub const SAVED: &str = "RUNAS_SAVED";
/// The profile in use; prompt hooks and starship read it.
pub const PROFILE: &str = "AWSRUNAS_PROFILE";
/// Expiry as seconds since the epoch, so hooks compare integers without spawning `date`.
pub const EXPIRES: &str = "AWSRUNAS_EXPIRES";
/// Set (to `1`) when the credentials are the source profile's session token (`-s`) rather
/// than the role's, so the prompt says so and the refresh keeps it that way.
pub const SESSION: &str = "AWSRUNAS_SESSION";

/// The user's variables that a switch changes: saved before the first switch, restored after.
pub const USER_VARS: [&str; 9] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
];

/// Every variable runas manages, in the order it prints them.
pub const MANAGED: [&str; 12] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    PROFILE,
    EXPIRES,
    SESSION,
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
];

/// The variables a switch sets from the credentials and the profile (all of `MANAGED` but the
/// two profile names it removes): in a shell that has switched, these are runas's own, not the
/// user's.
const SET_BY_SWITCH: &[&str] = MANAGED.split_at(MANAGED.len() - 2).0;

/// Variables no program started by `exec` has any use for: the saved state of the previous
/// identity, and a one-time MFA code.
pub const EXEC_REMOVES: [&str; 3] = [SAVED, SAVED_VAR, "MFA_CODE"];

/// What a switch sets: the credentials, the region when one resolves, the profile name when
/// there is one (not for a bare role ARN).
pub struct Switch<'a> {
    pub credentials: &'a Credentials,
    pub profile: Option<&'a str>,
    pub region: Option<&'a str>,
    /// The source profile's session token (`-s`), not the role's credentials.
    pub session_only: bool,
}

/// The ops that switch a shell whose environment is `env` to `target`. They save the user's
/// own variables in the shell's `_runas_saved` unless the shell keeps a save already (the
/// hook hands it over as `RUNAS_SAVED`; a plain `eval` decides in the shell).
pub fn switch(target: &Switch<'_>, env: &EnvMap) -> Result<Vec<Op>> {
    let c = target.credentials;
    let mut ops = Vec::with_capacity(MANAGED.len() + 3);
    if handed_save(env).is_none() {
        ops.push(Op::Save(save(env)));
    }
    ops.push(Op::Set("AWS_ACCESS_KEY_ID", c.access_key_id.clone()));
    ops.push(Op::Set("AWS_SECRET_ACCESS_KEY", c.secret_access_key.clone()));
    match &c.session_token {
        Some(token) => {
            ops.push(Op::Set("AWS_SESSION_TOKEN", token.clone()));
            // The legacy name, still read by older tools (boto 2, some Terraform providers).
            ops.push(Op::Set("AWS_SECURITY_TOKEN", token.clone()));
        }
        None => ops.extend([Op::Unset("AWS_SESSION_TOKEN"), Op::Unset("AWS_SECURITY_TOKEN")]),
    }
    match c.expiration {
        Some(secs) => {
            ops.push(Op::Set("AWS_CREDENTIAL_EXPIRATION", crate::creds::rfc3339(secs)));
            ops.push(Op::Set(EXPIRES, secs.to_string()));
        }
        None => ops.extend([Op::Unset("AWS_CREDENTIAL_EXPIRATION"), Op::Unset(EXPIRES)]),
    }
    match target.region {
        Some(region) => {
            ops.push(Op::Set("AWS_REGION", region.to_string()));
            ops.push(Op::Set("AWS_DEFAULT_REGION", region.to_string()));
        }
        None => ops.extend([Op::Unset("AWS_REGION"), Op::Unset("AWS_DEFAULT_REGION")]),
    }
    match target.profile {
        Some(name) => ops.push(Op::Set(PROFILE, name.to_string())),
        None => ops.push(Op::Unset(PROFILE)),
    }
    ops.push(match target.session_only {
        true => Op::Set(SESSION, "1".into()),
        false => Op::Unset(SESSION),
    });
    // With AWS_PROFILE beside the keys, botocore looks the name up (ProfileNotFound when the
    // config lacks it) and the JS SDK v3 ignores the keys: the name goes, kept in AWSRUNAS_PROFILE.
    ops.extend([
        Op::Unset("AWS_PROFILE"),
        Op::Unset("AWS_DEFAULT_PROFILE"),
        Op::WarnUniversal("AWS_PROFILE"),
        Op::WarnUniversal("AWS_DEFAULT_PROFILE"),
    ]);
    check_values(&ops)?;
    Ok(ops)
}

/// Whether `env` is a shell (or a child of one) that runas switched: its marker variables are
/// exported, unlike the saved state.
pub fn is_switched(env: &EnvMap) -> bool {
    handed_save(env).is_some()
        || [PROFILE, EXPIRES, SESSION]
            .iter()
            .any(|name| env.contains_key(*name))
}

/// The saved state the hook handed over, if any. Empty counts as none: a save is never empty
/// (`{}` at least), and `RUNAS_SAVED=` is what a careless wrapper passes for "no save".
fn handed_save(env: &EnvMap) -> Option<&String> {
    env.get(SAVED).filter(|s| !s.is_empty())
}

/// The ops that undo every switch, or `None` when there is nothing to undo.
///
/// With the saved state handed over (`RUNAS_SAVED`, from the hook): remove what runas manages
/// and put back what was saved. Without it, in a shell that switched: remove what runas
/// manages, then let the shell hand its `_runas_saved`, if it has one, to `bin unset` when the
/// output is evaluated. In a shell runas never switched, nothing: the user's own `AWS_PROFILE`
/// or `AWS_REGION` are not runas's to remove.
pub fn restore(env: &EnvMap, bin: &str) -> Option<Vec<Op>> {
    if let Some(saved) = handed_save(env) {
        let saved = parse_saved(saved);
        let mut ops: Vec<Op> = MANAGED
            .iter()
            .map(|&name| match saved.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => Op::Set(name, value.clone()),
                None => Op::Unset(name),
            })
            .collect();
        ops.push(Op::Forget);
        return Some(ops);
    }
    if !is_switched(env) {
        return None;
    }
    let mut ops: Vec<Op> = MANAGED.iter().map(|&name| Op::Unset(name)).collect();
    ops.push(Op::RestoreSaved { bin: bin.to_string() });
    Some(ops)
}

/// The environment as it was before runas switched it: what settings resolve against, so
/// that the region runas set for the last profile does not stick to the next one.
///
/// With the saved state handed over, that is the saved variables; without it (a plain `eval`,
/// or a child of a switched shell), the variables a switch sets are runas's and are left out.
/// In a shell that never switched that is `env` itself, borrowed: a copy of the whole
/// environment was a tenth of a warm `runas env`'s own work.
pub fn original(env: &EnvMap) -> Cow<'_, EnvMap> {
    if !is_switched(env) && !env.contains_key(SAVED) {
        return Cow::Borrowed(env);
    }
    let mut original = env.clone();
    if handed_save(env).is_some() {
        if let Some(ops) = restore(env, "") {
            apply(&ops, &mut original);
        }
    } else if is_switched(env) {
        for name in SET_BY_SWITCH {
            original.remove(*name);
        }
    }
    original.remove(SAVED);
    Cow::Owned(original)
}

/// Apply ops to an environment map (what `exec` does to its own environment). Ops that only
/// mean something to a shell are skipped.
pub fn apply(ops: &[Op], env: &mut EnvMap) {
    for op in ops {
        match op {
            Op::Set(name, value) => {
                env.insert(name.to_string(), value.clone());
            }
            Op::Unset(name) => {
                env.remove(*name);
            }
            Op::Save(_) | Op::Forget | Op::RestoreSaved { .. } | Op::WarnUniversal(_) => {}
        }
    }
}

fn save(env: &EnvMap) -> String {
    let map: serde_json::Map<String, serde_json::Value> = USER_VARS
        .iter()
        .filter_map(|&name| {
            Some((
                name.to_string(),
                serde_json::Value::String(env.get(name)?.clone()),
            ))
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// The saved variables, limited to the ones runas saves; anything unreadable is ignored
/// (the worst case is an unset that restores nothing, never a wrong variable).
fn parse_saved(text: &str) -> Vec<(&'static str, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    USER_VARS
        .iter()
        .filter_map(|&name| match map.get(name) {
            Some(serde_json::Value::String(v)) if !v.contains('\0') => Some((name, v.clone())),
            _ => None,
        })
        .collect()
}

/// A NUL cannot be in an environment variable: refuse it here, before any shell sees it.
pub(crate) fn check_values(ops: &[Op]) -> Result<()> {
    for op in ops {
        debug_assert!(op.name().is_none_or(is_valid_name));
        if let Op::Set(name, value) = op
            && value.contains('\0')
        {
            return Err(Error::NulInValue { name });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> EnvMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn creds(token: bool) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "secret".into(),
            session_token: token.then(|| "token".to_string()),
            expiration: token.then_some(1_700_000_000),
        }
    }

    fn to<'a>(c: &'a Credentials, profile: Option<&'a str>, region: Option<&'a str>) -> Switch<'a> {
        Switch {
            credentials: c,
            profile,
            region,
            session_only: false,
        }
    }

    /// What a shell holds: its environment and its unexported `_runas_saved`, changed by ops
    /// as a shell evaluating them would change them. `RestoreSaved` hands the saved state to
    /// `restore` as the generated code hands it to `runas unset`.
    #[derive(Debug, Clone, PartialEq)]
    struct Shell {
        env: EnvMap,
        saved: Option<String>,
    }

    impl Shell {
        fn eval(&mut self, ops: &[Op]) {
            for op in ops {
                match op {
                    Op::Save(json) if self.saved.is_none() => self.saved = Some(json.clone()),
                    Op::Forget => self.saved = None,
                    Op::RestoreSaved { .. } => {
                        if let Some(saved) = self.saved.clone() {
                            let mut handed = self.env.clone();
                            handed.insert(SAVED.into(), saved);
                            self.eval(&restore(&handed, "runas").unwrap());
                        }
                    }
                    _ => apply(std::slice::from_ref(op), &mut self.env),
                }
            }
        }

        /// The environment runas sees when the hook's function calls it.
        fn through_hook(&self) -> EnvMap {
            let mut env = self.env.clone();
            if let Some(saved) = &self.saved {
                env.insert(SAVED.into(), saved.clone());
            }
            env
        }
    }

    #[test]
    fn a_switch_sets_every_managed_variable_but_the_two_it_removes() {
        assert_eq!(
            &MANAGED[MANAGED.len() - 2..],
            ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]
        );
        assert!(!SET_BY_SWITCH.contains(&"AWS_PROFILE") && SET_BY_SWITCH.contains(&SESSION));
    }

    #[test]
    fn names_are_valid_shell_names() {
        for name in MANAGED.iter().chain([&SAVED, &SAVED_VAR]) {
            assert!(is_valid_name(name), "{name}");
        }
        assert!(!is_valid_name("1A") && !is_valid_name("A-B") && !is_valid_name(""));
    }

    #[test]
    fn a_first_switch_saves_and_sets_everything_in_order() {
        let c = creds(true);
        let ops = switch(
            &to(&c, Some("prod"), Some("eu-west-1")),
            &env(&[("AWS_PROFILE", "dev"), ("AWS_REGION", "us-east-2")]),
        )
        .unwrap();
        assert_eq!(
            ops,
            [
                Op::Save(r#"{"AWS_PROFILE":"dev","AWS_REGION":"us-east-2"}"#.into()),
                Op::Set("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE".into()),
                Op::Set("AWS_SECRET_ACCESS_KEY", "secret".into()),
                Op::Set("AWS_SESSION_TOKEN", "token".into()),
                Op::Set("AWS_SECURITY_TOKEN", "token".into()),
                Op::Set("AWS_CREDENTIAL_EXPIRATION", "2023-11-14T22:13:20Z".into()),
                Op::Set(EXPIRES, "1700000000".into()),
                Op::Set("AWS_REGION", "eu-west-1".into()),
                Op::Set("AWS_DEFAULT_REGION", "eu-west-1".into()),
                Op::Set(PROFILE, "prod".into()),
                Op::Unset(SESSION),
                Op::Unset("AWS_PROFILE"),
                Op::Unset("AWS_DEFAULT_PROFILE"),
                Op::WarnUniversal("AWS_PROFILE"),
                Op::WarnUniversal("AWS_DEFAULT_PROFILE"),
            ]
        );
    }

    #[test]
    fn the_saved_state_is_never_an_environment_variable() {
        let c = creds(true);
        let ops = switch(
            &to(&c, Some("prod"), None),
            &env(&[("AWS_ACCESS_KEY_ID", "AKIAOLD")]),
        )
        .unwrap();
        assert!(
            !ops.iter()
                .any(|op| matches!(op, Op::Set(name, _) if *name == SAVED || *name == SAVED_VAR))
        );
        let mut child = env(&[("AWS_ACCESS_KEY_ID", "AKIAOLD")]);
        apply(&ops, &mut child);
        assert!(!child.values().any(|v| v.contains("AKIAOLD")), "{child:?}");
    }

    #[test]
    fn a_session_switch_is_marked() {
        let c = creds(true);
        let mut session = to(&c, Some("prod"), None);
        session.session_only = true;
        assert!(
            switch(&session, &EnvMap::new())
                .unwrap()
                .contains(&Op::Set(SESSION, "1".into()))
        );
    }

    #[test]
    fn a_switch_the_hook_hands_the_save_to_saves_nothing_new() {
        let c = creds(false);
        let ops = switch(&to(&c, None, None), &env(&[(SAVED, "{}")])).unwrap();
        assert!(!ops.iter().any(|op| matches!(op, Op::Save(_))));
        for name in [
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
            EXPIRES,
            "AWS_REGION",
            PROFILE,
        ] {
            assert!(ops.contains(&Op::Unset(name)), "{name}");
        }
    }

    fn switch_and_back(through_hook: bool) {
        let before = env(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_REGION", "us-east-2"),
            ("HOME", "/h"),
        ]);
        let c = creds(true);
        let mut shell = Shell {
            env: before.clone(),
            saved: None,
        };
        let seen = |shell: &Shell| match through_hook {
            true => shell.through_hook(),
            false => shell.env.clone(),
        };
        shell.eval(&switch(&to(&c, Some("prod"), Some("r")), &seen(&shell)).unwrap());
        assert_eq!(shell.env.get(PROFILE).map(String::as_str), Some("prod"));
        assert!(!shell.env.contains_key("AWS_PROFILE"));
        // A second switch keeps the first save, then unset: back to exactly the start.
        shell.eval(&switch(&to(&c, Some("ops"), None), &seen(&shell)).unwrap());
        shell.eval(&restore(&seen(&shell), "runas").unwrap());
        assert_eq!(
            shell,
            Shell {
                env: before,
                saved: None
            }
        );
    }

    #[test]
    fn unset_through_the_hook_puts_back_what_was_saved() {
        switch_and_back(true);
    }

    #[test]
    fn a_plain_eval_of_unset_puts_back_what_the_shell_saved() {
        switch_and_back(false);
    }

    #[test]
    fn unset_in_a_shell_that_never_switched_changes_nothing() {
        assert_eq!(
            restore(&env(&[("AWS_PROFILE", "dev"), ("AWS_REGION", "r")]), "runas"),
            None
        );
    }

    #[test]
    fn unset_in_a_child_of_a_switched_shell_removes_what_runas_set() {
        let mut shell = Shell {
            env: env(&[("AWS_ACCESS_KEY_ID", "x"), (PROFILE, "p"), ("HOME", "/h")]),
            saved: None,
        };
        let ops = restore(&shell.env, "runas").unwrap();
        shell.eval(&ops);
        assert_eq!(shell.env, env(&[("HOME", "/h")]));
    }

    #[test]
    fn a_damaged_save_restores_nothing_wrong() {
        let mut shell = env(&[(SAVED, "not json"), ("AWS_ACCESS_KEY_ID", "x")]);
        apply(&restore(&shell, "runas").unwrap(), &mut shell);
        assert_eq!(shell, env(&[(SAVED, "not json")]));
        let saved = parse_saved(r#"{"AWS_REGION":"r","PATH":"/evil","AWS_PROFILE":7}"#);
        assert_eq!(saved, [("AWS_REGION", "r".to_string())]);
    }

    #[test]
    fn the_original_environment_is_seen_through_a_switch() {
        let before = env(&[("AWS_REGION", "us-east-2"), ("HOME", "/h")]);
        let c = creds(true);
        let mut shell = Shell {
            env: before.clone(),
            saved: None,
        };
        shell.eval(&switch(&to(&c, Some("prod"), Some("eu-west-1")), &shell.env.clone()).unwrap());
        // Through the hook: the user's own region.
        assert_eq!(*original(&shell.through_hook()), before);
        // A plain eval, or a child process: at least not the region runas set.
        assert_eq!(*original(&shell.env), env(&[("HOME", "/h")]));
    }

    /// What each shell is given for a first switch (saving the user's AWS_PROFILE and a
    /// region with a quote in it), for `runas unset` after it (restore, handed the save), for
    /// `runas unset` typed as a plain eval (restore from the shell), and for `runas unset` in
    /// a child of a switched shell: a change to any is a reviewed diff.
    #[test]
    fn every_shell_renders_a_switch_a_restore_and_an_unset() {
        use crate::shell::{ShellKind, render};
        let c = creds(true);
        let before = env(&[("AWS_PROFILE", "dev"), ("AWS_REGION", "it's-a-region")]);
        let switch_ops = switch(&to(&c, Some("prod's $(id)"), Some("eu-west-1")), &before).unwrap();
        let mut switched = before.clone();
        apply(&switch_ops, &mut switched);
        let mut handed = switched.clone();
        handed.insert(SAVED.into(), save(&before));
        // bash and zsh get the sh output (src/shell/mod.rs checks that they do).
        for shell in [ShellKind::Sh, ShellKind::Fish, ShellKind::Pwsh] {
            let name = format!("{shell:?}").to_lowercase();
            insta::assert_snapshot!(format!("switch_{name}"), render(shell, &switch_ops));
            insta::assert_snapshot!(
                format!("restore_{name}"),
                render(shell, &restore(&handed, "/usr/bin/runas").unwrap())
            );
            insta::assert_snapshot!(
                format!("unset_{name}"),
                render(shell, &restore(&switched, "/opt/it's/runas").unwrap())
            );
        }
    }

    #[test]
    fn a_nul_in_a_value_is_refused() {
        let c = creds(true);
        let e = switch(&to(&c, Some("a\0b"), None), &EnvMap::new());
        assert!(e.unwrap_err().to_string().contains("NUL"));
    }
}
