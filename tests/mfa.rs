//! `runas list mfa` against a local IAM and STS (moto): the AWS CLI makes a real IAM user with
//! keys and an MFA device; runas finds the user through GetCallerIdentity and lists its devices.

use crate::common;

use common::moto::Moto;
use common::sandbox::{Sandbox, assert_error, assert_json_style, stderr, stdout};
use std::process::Command;

/// Runs the AWS CLI against moto with placeholder admin keys and returns its stdout.
fn aws(moto: &Moto, home: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(common::venv_bin("aws"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "admin")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "aws {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Creates IAM user `name` in `moto` with an access key; returns the key's id and secret.
fn iam_user_with_keys(moto: &Moto, scratch: &std::path::Path, name: &str) -> (String, String) {
    aws(moto, scratch, &["iam", "create-user", "--user-name", name]);
    let keys = aws(
        moto,
        scratch,
        &[
            "iam",
            "create-access-key",
            "--user-name",
            name,
            "--query",
            "AccessKey.[AccessKeyId,SecretAccessKey]",
            "--output",
            "text",
        ],
    );
    let (id, secret) = keys.split_once('\t').expect("two fields");
    (id.to_string(), secret.to_string())
}

/// A moto with IAM user `alice` holding keys and one enabled virtual MFA device, and a
/// sandbox whose [default] holds alice's keys; IAM is reached through AWS_ENDPOINT_URL_IAM.
fn alice() -> (Moto, Sandbox, String) {
    let moto = Moto::start();
    let scratch = tempfile::tempdir().unwrap();
    let (id, secret) = iam_user_with_keys(&moto, scratch.path(), "alice");
    let qr = scratch.path().join("qr.png");
    let serial = aws(
        &moto,
        scratch.path(),
        &[
            "iam",
            "create-virtual-mfa-device",
            "--virtual-mfa-device-name",
            "alice-phone",
            "--outfile",
            qr.to_str().unwrap(),
            "--bootstrap-method",
            "QRCodePNG",
            "--query",
            "VirtualMFADevice.SerialNumber",
            "--output",
            "text",
        ],
    );
    aws(
        &moto,
        scratch.path(),
        &[
            "iam",
            "enable-mfa-device",
            "--user-name",
            "alice",
            "--serial-number",
            &serial,
            "--authentication-code1",
            "123456",
            "--authentication-code2",
            "654321",
        ],
    );
    let credentials = format!("[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n");
    let sandbox = Sandbox::new(&moto.endpoint(), "[default]\nregion = us-east-1\n", &credentials);
    (moto, sandbox, serial)
}

#[test]
fn list_mfa_shows_the_devices_of_the_user_behind_the_keys() {
    let (moto, sandbox, serial) = alice();
    let iam = [("AWS_ENDPOINT_URL_IAM", moto.endpoint())];
    let vars: Vec<(&str, &str)> = iam.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = sandbox.run(&["list", "mfa", "default"], &vars);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{serial}\n"));
    assert_eq!(serial, "arn:aws:iam::123456789012:mfa/alice-phone");

    let json = sandbox.run(&["list", "mfa", "--json", "default"], &vars);
    let devices: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_json_style(&devices, &["EnableDate"]);
    assert_eq!(devices[0]["SerialNumber"], serial.as_str());
    let enabled = humantime::parse_rfc3339(devices[0]["EnableDate"].as_str().unwrap()).unwrap();
    assert!(enabled > std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000));
}

#[test]
fn list_mfa_with_keys_that_are_not_a_users_says_so() {
    let moto = Moto::start();
    // moto answers GetCallerIdentity for unknown keys as arn:aws:sts::123456789012:user/moto,
    // a user that has no IAM record: ListMFADevices then fails with NoSuchEntity.
    let sandbox = Sandbox::new(&moto.endpoint(), "", common::sandbox::CREDENTIALS);
    let out = sandbox.run(
        &["list", "mfa", "default"],
        &[("AWS_ENDPOINT_URL_IAM", &moto.endpoint())],
    );
    assert_error(&out, "IAM ListMFADevices at");
    assert!(stderr(&out).contains("NoSuchEntity"), "{}", stderr(&out));
}

/// With no role_session_name anywhere, a role assumed from an IAM user's keys is named after
/// that user (as aws-runas names it, so CloudTrail shows who), not after this machine's user:
/// one GetCallerIdentity on the cold run, none when the role is warm, and none when the role
/// is fetched again while the session lasts (the name is kept with the session).
#[test]
fn the_default_session_name_is_the_iam_users_name() {
    let moto = Moto::start();
    let scratch = tempfile::tempdir().unwrap();
    let (id, secret) = iam_user_with_keys(&moto, scratch.path(), "bob.smith");
    let credentials = format!("[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n");
    let config = "[default]\nregion = us-east-1\n\
                  [profile prod]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = default\n";
    let sandbox = Sandbox::new(&moto.endpoint(), config, &credentials);
    let json = ["env", "prod", "--format", "json"];
    // The sandbox names every session `alice` (AWS_ROLE_SESSION_NAME); here it names none.
    let default = [("AWS_ROLE_SESSION_NAME", "")];

    let before = moto.sts_requests();
    let cold = sandbox.run(&json, &default);
    assert!(cold.status.success(), "{}", stderr(&cold));
    assert_eq!(
        moto.sts_requests() - before,
        3,
        "GetSessionToken, GetCallerIdentity, AssumeRole"
    );
    let before = moto.sts_requests();
    assert!(sandbox.run(&json, &default).status.success());
    assert_eq!(moto.sts_requests() - before, 0, "warm: no lookup");
    let before = moto.sts_requests();
    let again = sandbox.run(&["env", "prod", "--format", "json", "-r"], &default);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(
        moto.sts_requests() - before,
        1,
        "the role again: the name is kept with the session"
    );

    let who = sandbox.run(&["whoami", "prod", "--json"], &default);
    let who: serde_json::Value = serde_json::from_slice(&who.stdout).unwrap();
    assert_eq!(
        who["Arn"], "arn:aws:sts::123456789012:assumed-role/prod/bob.smith",
        "{who}"
    );

    // A name that is configured is used as it is, with no lookup.
    let before = moto.sts_requests();
    let named = sandbox.run(
        &["whoami", "prod", "--json", "-r"],
        &[("AWS_ROLE_SESSION_NAME", "ci-job")],
    );
    let named: serde_json::Value = serde_json::from_slice(&named.stdout).unwrap();
    assert_eq!(
        named["Arn"], "arn:aws:sts::123456789012:assumed-role/prod/ci-job",
        "{named}"
    );
    assert_eq!(
        moto.sts_requests() - before,
        2,
        "AssumeRole and whoami's GetCallerIdentity"
    );
}

/// `runas list roles`: against moto's IAM, the roles a user may assume from its inline and
/// managed policies and its group's, sorted and unique, each with the profiles that use it;
/// wildcard patterns apart; paste-able profiles for the rest; and a profile whose keys are no
/// IAM user's says so.
#[test]
fn list_roles_reads_the_users_and_its_groups_policies() {
    let (moto, sandbox, _) = alice();
    let scratch = tempfile::tempdir().unwrap();
    let policy = |statements: &str| format!("{{\"Version\":\"2012-10-17\",\"Statement\":{statements}}}");
    aws(
        &moto,
        scratch.path(),
        &[
            "iam",
            "put-user-policy",
            "--user-name",
            "alice",
            "--policy-name",
            "own",
            "--policy-document",
            &policy(
                r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/prod"}"#,
            ),
        ],
    );
    aws(
        &moto,
        scratch.path(),
        &["iam", "create-group", "--group-name", "devs"],
    );
    aws(
        &moto,
        scratch.path(),
        &[
            "iam",
            "add-user-to-group",
            "--group-name",
            "devs",
            "--user-name",
            "alice",
        ],
    );
    aws(
        &moto,
        scratch.path(),
        &[
            "iam",
            "put-group-policy",
            "--group-name",
            "devs",
            "--policy-name",
            "group-inline",
            "--policy-document",
            &policy(
                r#"[{"Effect":"Allow","Action":"sts:*","Resource":"arn:aws:iam::210987654321:role/ops"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::1:role/no"}]"#,
            ),
        ],
    );
    let managed = aws(
        &moto,
        scratch.path(),
        &[
            "iam",
            "create-policy",
            "--policy-name",
            "assume-many",
            "--query",
            "Policy.Arn",
            "--output",
            "text",
            "--policy-document",
            &policy(
                r#"{"Effect":"Allow","Action":["sts:AssumeRole"],"Resource":["arn:aws:iam::123456789012:role/prod","arn:aws:iam::123456789012:role/audit","arn:aws:iam::123456789012:role/dev-*"]}"#,
            ),
        ],
    );
    aws(
        &moto,
        scratch.path(),
        &[
            "iam",
            "attach-group-policy",
            "--group-name",
            "devs",
            "--policy-arn",
            &managed,
        ],
    );
    sandbox.write_config(
        "[default]\nregion = us-east-1\n[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = default\n",
    );
    let iam = [("AWS_ENDPOINT_URL_IAM", moto.endpoint())];
    let vars: Vec<(&str, &str)> = iam.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let o = sandbox.run(&["list", "roles"], &vars);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "arn:aws:iam::123456789012:role/audit  (no profile)\n\
         arn:aws:iam::123456789012:role/prod   prod\n\
         arn:aws:iam::210987654321:role/ops    (no profile)\n\
         # 1 with wildcards, not listed: arn:aws:iam::123456789012:role/dev-*\n\
         # profiles for the roles no profile uses, to paste into the config:\n\
         [profile audit]\nrole_arn = arn:aws:iam::123456789012:role/audit\nsource_profile = default\n\
         [profile ops]\nrole_arn = arn:aws:iam::210987654321:role/ops\nsource_profile = default\n"
    );
    let json = sandbox.run(&["list", "roles", "--json"], &vars);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_json_style(&doc, &[]);
    assert_eq!(doc["User"], "alice");
    assert_eq!(doc["Roles"][1]["Profiles"][0], "prod");
    assert_eq!(doc["Wildcards"][0], "arn:aws:iam::123456789012:role/dev-*");

    // Keys that are a role's session, not a user's: said why.
    let o = sandbox.run(&["env", "prod", "--format", "json", "-o", "123456"], &vars);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = |k: &str| doc[k].as_str().unwrap().to_string();
    let not_a_user = Sandbox::new(
        &moto.endpoint(),
        "[default]\nregion = us-east-1\n",
        &format!(
            "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
            text("AccessKeyId"),
            text("SecretAccessKey"),
            text("SessionToken")
        ),
    );
    let o = not_a_user.run(&["list", "roles"], &vars);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("not an IAM user"), "{}", stderr(&o));
}
