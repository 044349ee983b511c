//! Where base credentials come from: a real `credential_process` script, a web identity token
//! exchanged with the local STS (moto answers AssumeRoleWithWebIdentity), the environment's
//! keys; each as a profile of its own and as the source of a role chain, with the AWS CLI
//! confirming the assumed role; and the profile shapes that used to take `[default]`'s keys.

use crate::common::moto::shared as moto;
use crate::common::sandbox::{CREDENTIALS, MFA_CODE, Sandbox, assert_error, aws_cli, stderr, stdout};
use std::os::unix::fs::PermissionsExt;
use std::process::Output;

/// The role ARN the AWS CLI says these credentials have (GetCallerIdentity at the local STS).
fn arn_of(sandbox: &Sandbox, o: &Output) -> String {
    assert!(o.status.success(), "{}", stderr(o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(o)).expect("JSON");
    let mut vars = vec![
        ("AWS_DEFAULT_REGION".to_string(), "us-east-1".to_string()),
        (
            "AWS_ACCESS_KEY_ID".to_string(),
            doc["AccessKeyId"].as_str().unwrap().to_string(),
        ),
        (
            "AWS_SECRET_ACCESS_KEY".to_string(),
            doc["SecretAccessKey"].as_str().unwrap().to_string(),
        ),
    ];
    if let Some(token) = doc["SessionToken"].as_str() {
        vars.push(("AWS_SESSION_TOKEN".into(), token.into()));
    }
    let cli = aws_cli(
        sandbox,
        &["sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
        &vars,
    );
    assert!(cli.status.success(), "aws: {}", stderr(&cli));
    stdout(&cli).trim().to_string()
}

/// The AWS CLI's GetCallerIdentity as profile sso-dev, its SSO and SSO-OIDC calls sent to the
/// stub at `sso_url`: botocore reading the token cache runas wrote.
fn aws_cli_as_sso_dev(sandbox: &Sandbox, sso_url: &str) -> Output {
    aws_cli(
        sandbox,
        &[
            "sts",
            "get-caller-identity",
            "--profile",
            "sso-dev",
            "--query",
            "Arn",
            "--output",
            "text",
        ],
        &[
            ("AWS_ENDPOINT_URL_SSO".into(), sso_url.to_string()),
            ("AWS_ENDPOINT_URL_SSO_OIDC".into(), sso_url.to_string()),
        ],
    )
}

/// An executable script in the sandbox that prints `body` (or does what `body` says).
fn script(sandbox: &Sandbox, name: &str, body: &str) -> String {
    let path = sandbox.home().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_str().unwrap().to_string()
}

const PROCESS_KEYS: &str = r#"printf '%s' '{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}'"#;

#[test]
fn a_credential_process_is_a_source_of_its_own_and_of_a_role_chain() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), "", "");
    let creds = script(&sandbox, "creds.sh", PROCESS_KEYS);
    sandbox.write_config(&format!(
        "[profile proc]\ncredential_process = {creds} --profile 'it''s'\n\
         [profile viaproc]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = proc\n\
         [profile chain]\nrole_arn = arn:aws:iam::210987654321:role/ops\nsource_profile = viaproc\n"
    ));
    let o = sandbox.run(&["env", "--format", "json", "proc"], &[]);
    // The keys the script printed, used as they are (moto names every key's user "moto").
    assert!(arn_of(&sandbox, &o).ends_with(":user/moto"), "{}", stdout(&o));
    let o = sandbox.run(&["env", "--format", "json", "chain"], &[]);
    let arn = arn_of(&sandbox, &o);
    assert!(
        arn.starts_with("arn:aws:sts::210987654321:assumed-role/ops/"),
        "{arn}"
    );
    let list = stdout(&sandbox.run(&["list"], &[]));
    assert!(list.contains("proc     process"), "{list}");
}

#[test]
fn a_failing_credential_process_is_one_line_naming_its_program_never_its_output() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), "", "");
    let cases = [
        (
            "exits",
            "echo 'SECRET-ISH OUTPUT'; exit 3",
            "exited with status 3",
        ),
        ("garbage", "echo 'SECRET-ISH OUTPUT'", "not JSON"),
        (
            "expired",
            r#"printf '%s' '{"Version": 1, "AccessKeyId": "ASIAEXPIRED", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2001-01-01T00:00:00+02:00"}'"#,
            "have expired",
        ),
    ];
    for (name, body, says) in cases {
        let path = script(&sandbox, name, body);
        sandbox.write_config(&format!("[profile p]\ncredential_process = {path}\n"));
        let o = sandbox.run(&["env", "--format", "json", "p"], &[]);
        assert_error(&o, says);
        assert!(
            stderr(&o).contains(&format!("credential_process {path:?} failed")),
            "{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("SECRET-ISH"), "{name}: {}", stderr(&o));
    }
    // runas as its own credential_process, for the same profile: a loop, said at once.
    let runas = env!("CARGO_BIN_EXE_runas");
    sandbox.write_config(&format!(
        "[profile loop]\ncredential_process = {runas} env --format json loop\n"
    ));
    let o = sandbox.run(&["env", "--format", "json", "loop"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("for this same profile"), "{}", stderr(&o));
}

#[test]
fn a_web_identity_token_is_exchanged_and_can_start_a_chain() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), "", "");
    let token = sandbox.home().join("token");
    // moto takes any JWT-shaped token.
    std::fs::write(&token, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJl\n").unwrap();
    sandbox.write_config(&format!(
        "[profile wif]\nrole_arn = arn:aws:iam::123456789012:role/web\nweb_identity_token_file = {}\n\
         [profile viawif]\nrole_arn = arn:aws:iam::210987654321:role/ops\nsource_profile = wif\n",
        token.display()
    ));
    let arn = arn_of(&sandbox, &sandbox.run(&["env", "--format", "json", "wif"], &[]));
    assert!(
        arn.starts_with("arn:aws:sts::123456789012:assumed-role/web/"),
        "{arn}"
    );
    let arn = arn_of(
        &sandbox,
        &sandbox.run(&["env", "--format", "json", "viawif"], &[]),
    );
    assert!(
        arn.starts_with("arn:aws:sts::210987654321:assumed-role/ops/"),
        "{arn}"
    );
    // The token file gone: one line naming it; nothing was cached for the chain's new role.
    std::fs::remove_file(&token).unwrap();
    let o = sandbox.run(&["env", "--format", "json", "wif", "-a", "30m"], &[]);
    assert_error(
        &o,
        &format!("cannot read the web identity token {}", token.display()),
    );
}

/// EKS and GitHub Actions: the token and the role in the environment, a role ARN to assume
/// from there, and no files at all.
#[test]
fn the_environments_web_identity_is_the_source_of_a_role_arn() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), "", "");
    let token = sandbox.home().join("token");
    std::fs::write(&token, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJl").unwrap();
    let o = sandbox.run(
        &["env", "--format", "json", "arn:aws:iam::210987654321:role/deploy"],
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/github"),
        ],
    );
    let arn = arn_of(&sandbox, &o);
    assert!(
        arn.starts_with("arn:aws:sts::210987654321:assumed-role/deploy/"),
        "{arn}"
    );
}

/// CI: keys in the environment, a role ARN, no credentials file; and a profile whose
/// `credential_source` is the environment.
#[test]
fn the_environments_keys_are_a_source_and_default_is_never_taken_instead() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), "", "");
    let keys = [
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
    ];
    // No profile at all: the environment's keys, as the SDKs' default chain takes them.
    let o = sandbox.run(&["env", "--format", "json"], &keys);
    assert!(arn_of(&sandbox, &o).ends_with(":user/moto"), "{}", stderr(&o));
    let o = sandbox.run(
        &["env", "--format", "json", "arn:aws:iam::123456789012:role/deploy"],
        &keys,
    );
    assert!(arn_of(&sandbox, &o).starts_with("arn:aws:sts::123456789012:assumed-role/deploy/"));
    // [default] has keys of its own here: envsrc must not take them.
    sandbox.write_credentials(CREDENTIALS);
    sandbox.write_config(
        "[default]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n\
         [profile envsrc]\nrole_arn = arn:aws:iam::123456789012:role/envrole\ncredential_source = Environment\n\
         [profile envchain]\nrole_arn = arn:aws:iam::210987654321:role/ops\nsource_profile = envsrc\n",
    );
    // [default]'s mfa_serial applies, as for any long-term keys: a code, once.
    let o = sandbox.run(&["env", "--format", "json", "envsrc", "-o", MFA_CODE], &keys);
    assert!(arn_of(&sandbox, &o).starts_with("arn:aws:sts::123456789012:assumed-role/envrole/"));
    let o = sandbox.run(&["env", "--format", "json", "envchain"], &keys);
    assert!(arn_of(&sandbox, &o).starts_with("arn:aws:sts::210987654321:assumed-role/ops/"));
    let o = sandbox.run(&["env", "--format", "json", "envsrc", "-o", MFA_CODE], &[]);
    assert_error(&o, "credential_source = Environment");
    let config = stdout(&sandbox.run(&["config", "envsrc"], &keys));
    assert!(
        config.contains("(environment)") && !config.contains("(default)"),
        "{config}"
    );
}

/// The shapes that used to give `[default]`'s identity without a word: each is now one line
/// naming what runas cannot use, and doctor reports each.
#[test]
fn no_profile_shape_gives_the_default_profiles_identity() {
    let moto = moto();
    let sandbox = Sandbox::new(&moto.endpoint(), "", CREDENTIALS);
    sandbox.write_config(
        "[default]\nregion = us-east-1\n\
         [profile saml]\nrole_arn = arn:aws:iam::123456789012:role/a\nsaml_auth_url = https://idp.example/saml\n\
         [profile oidc]\nrole_arn = arn:aws:iam::123456789012:role/a\nweb_identity_auth_url = https://idp.example/oidc\n\
         [profile jump]\nrole_arn = arn:aws:iam::123456789012:role/a\njump_role_arn = arn:aws:iam::1:role/j\n\
         [profile odd]\nrole_arn = arn:aws:iam::123456789012:role/a\ncredential_source = Somewhere\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
         [profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = r\n\
         [profile viasso]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = sso\n",
    );
    for name in ["saml", "oidc", "jump", "odd"] {
        let o = sandbox.run(&["env", "--format", "json", name, "-o", MFA_CODE], &[]);
        assert_error(&o, "does not support yet");
    }
    // An SSO profile with no sign-in yet says so, as the source of a role too.
    for name in ["sso", "viasso"] {
        let o = sandbox.run(&["env", "--format", "json", name, "-o", MFA_CODE], &[]);
        assert_error(&o, "no SSO token for the SSO session corp");
    }
    let doctor = stdout(&sandbox.run(&["doctor"], &[]));
    for setting in [
        "saml_auth_url",
        "web_identity_auth_url",
        "jump_role_arn",
        "credential_source = Somewhere",
        "sso",
    ] {
        assert!(doctor.contains(setting), "{setting}: {doctor}");
    }
}

/// Credentials of prod's role, minted by moto through runas, for the metadata stubs to hand out.
pub(crate) fn minted(moto_endpoint: &str) -> crate::common::metadata::Creds {
    let minter = Sandbox::new(moto_endpoint, crate::common::sandbox::CONFIG, CREDENTIALS);
    let o = minter.run(&["env", "--format", "json", "prod", "-o", MFA_CODE], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let text = |k: &str| doc[k].as_str().unwrap().to_string();
    crate::common::metadata::Creds {
        access_key_id: text("AccessKeyId"),
        secret_access_key: text("SecretAccessKey"),
        token: text("SessionToken"),
        expiration: text("Expiration"),
    }
}

/// The AWS CLI's own answer to "who am I" with only `vars` to find credentials by.
fn cli_arn(sandbox: &Sandbox, vars: &[(&str, &str)]) -> String {
    let mut all: Vec<(String, String)> = vec![("AWS_DEFAULT_REGION".into(), "us-east-1".into())];
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let o = aws_cli(
        sandbox,
        &["sts", "get-caller-identity", "--query", "Arn", "--output", "text"],
        &all,
    );
    assert!(o.status.success(), "aws: {}", stderr(&o));
    stdout(&o).trim().to_string()
}

const ON_IMDS: &str = "[profile onimds]\nrole_arn = arn:aws:iam::210987654321:role/ops\ncredential_source = Ec2InstanceMetadata\n\
    [profile imdschain]\nrole_arn = arn:aws:iam::123456789012:role/audit\nsource_profile = onimds\n";

#[test]
fn the_instance_role_from_imdsv2_starts_a_role_chain() {
    let moto = moto();
    let imds = crate::common::metadata::Server::imds(minted(&moto.endpoint()));
    let sandbox = Sandbox::new(&moto.endpoint(), ON_IMDS, "");
    let at_stub = [
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()),
        ("AWS_EC2_METADATA_DISABLED", "false".into()),
    ];
    let at_stub: Vec<(&str, &str)> = at_stub.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The stub is one the AWS CLI takes credentials from too.
    assert!(cli_arn(&sandbox, &at_stub).contains(":assumed-role/prod/"));
    let o = sandbox.run(&["env", "--format", "json", "onimds"], &at_stub);
    let arn = arn_of(&sandbox, &o);
    assert!(
        arn.starts_with("arn:aws:sts::210987654321:assumed-role/ops/"),
        "{arn}"
    );
    let arn = arn_of(
        &sandbox,
        &sandbox.run(&["env", "--format", "json", "imdschain"], &at_stub),
    );
    assert!(
        arn.starts_with("arn:aws:sts::123456789012:assumed-role/audit/"),
        "{arn}"
    );
    // Warm: with the endpoint gone, the cached credentials still serve (no network call).
    drop(imds);
    let again = arn_of(
        &sandbox,
        &sandbox.run(&["env", "--format", "json", "imdschain"], &at_stub),
    );
    assert_eq!(again, arn);
    // Disabled, or nothing listening: one line each.
    let o = sandbox.run(&["env", "--format", "json", "onimds", "-a", "20m"], &[]);
    assert_error(&o, "AWS_EC2_METADATA_DISABLED is true");
    let dead = crate::common::dead_endpoint();
    let o = sandbox.run(
        &["env", "--format", "json", "onimds", "-a", "20m"],
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &dead),
            ("AWS_EC2_METADATA_DISABLED", "false"),
        ],
    );
    assert_error(
        &o,
        &format!("no credentials from the instance metadata service at {dead}"),
    );
}

#[test]
fn the_task_role_from_the_container_endpoint_starts_a_role_chain() {
    let moto = moto();
    let ecs = crate::common::metadata::Server::ecs(minted(&moto.endpoint()), "Bearer-stub-token");
    let sandbox = Sandbox::new(
        &moto.endpoint(),
        "[profile onecs]\nrole_arn = arn:aws:iam::210987654321:role/ops\ncredential_source = EcsContainer\n\
         [profile ecschain]\nrole_arn = arn:aws:iam::123456789012:role/audit\nsource_profile = onecs\n",
        "",
    );
    let token_file = sandbox.home().join("ecs-token");
    std::fs::write(&token_file, "Bearer-stub-token").unwrap();
    let full_uri = format!("{}/creds", ecs.url());
    let vars = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri.as_str()),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token_file.to_str().unwrap(),
        ),
    ];
    assert!(cli_arn(&sandbox, &vars).contains(":assumed-role/prod/"));
    let arn = arn_of(
        &sandbox,
        &sandbox.run(&["env", "--format", "json", "onecs"], &vars),
    );
    assert!(
        arn.starts_with("arn:aws:sts::210987654321:assumed-role/ops/"),
        "{arn}"
    );
    let arn = arn_of(
        &sandbox,
        &sandbox.run(&["env", "--format", "json", "ecschain"], &vars),
    );
    assert!(
        arn.starts_with("arn:aws:sts::123456789012:assumed-role/audit/"),
        "{arn}"
    );
    let cold = sandbox.home().join("cold-cache");
    // A wrong token is refused by the endpoint; a host that is not this machine or an agent
    // is never called.
    let o = sandbox.run(
        &["env", "--format", "json", "onecs", "-a", "20m"],
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full_uri),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong"),
            // A cache of its own: the first run's credentials are cached, rightly.
            ("RUNAS_CACHE_DIR", cold.to_str().unwrap()),
        ],
    );
    assert_error(&o, "it answered 403");
    let o = sandbox.run(
        &["env", "--format", "json", "onecs", "-a", "20m"],
        &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://198.51.100.7/creds")],
    );
    assert_error(&o, "198.51.100.7 is not this machine or an ECS agent address");
}

// ---------------------------------------------------------------------------------------------
// IAM Identity Center

use crate::common::metadata::{SSO_REFRESH_TOKEN, SSO_REFRESHED_TOKEN, SSO_ROTATED_REFRESH_TOKEN, SSO_TOKEN};

pub(crate) const SSO_CONFIG: &str = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
    [profile sso-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Developer\nregion = us-east-1\n\
    [profile sso-one]\nrole_arn = arn:aws:iam::210987654321:role/ops\nsource_profile = sso-dev\n\
    [profile sso-two]\nrole_arn = arn:aws:iam::123456789012:role/audit\nsource_profile = sso-one\n";

/// The token file of the session `corp`, where the AWS CLI keeps it (SHA-1 of the name).
fn corp_token_file(sandbox: &Sandbox) -> std::path::PathBuf {
    // python3 -c 'import hashlib; print(hashlib.sha1(b"corp").hexdigest())'
    sandbox
        .home()
        .join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
}

/// A token file as the AWS CLI writes one after `aws sso login`, expiring `secs` from now.
fn write_corp_token(sandbox: &Sandbox, secs: i64, refreshable: bool) {
    let at = |secs: i64| {
        let now = std::time::SystemTime::now();
        let shift = std::time::Duration::from_secs(secs.unsigned_abs());
        let t = if secs < 0 { now - shift } else { now + shift };
        humantime::format_rfc3339_seconds(t).to_string()
    };
    let mut doc = serde_json::json!({
        "startUrl": "https://corp.awsapps.com/start",
        "region": "eu-west-1",
        "accessToken": SSO_TOKEN,
        "expiresAt": at(secs),
    });
    if refreshable {
        doc["clientId"] = "stub-client".into();
        doc["clientSecret"] = "stub-client-secret".into();
        doc["registrationExpiresAt"] = at(90 * 86400).into();
        doc["refreshToken"] = SSO_REFRESH_TOKEN.into();
    }
    let path = corp_token_file(sandbox);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, doc.to_string()).unwrap();
}

/// With a token the AWS CLI wrote, an SSO profile gets its role credentials (the AWS CLI confirms
/// the role they are for), and is the source of a two-role chain.
#[test]
fn an_sso_profile_uses_the_aws_clis_token_and_starts_a_chain() {
    let moto = moto();
    let sso = crate::common::metadata::Server::sso(minted(&moto.endpoint()), "123456789012", "Developer");
    let sandbox = Sandbox::new(&moto.endpoint(), SSO_CONFIG, "");
    write_corp_token(&sandbox, 3600, false);
    let at_stub = [
        ("AWS_ENDPOINT_URL_SSO", sso.url()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", sso.url()),
    ];
    let at_stub: Vec<(&str, &str)> = at_stub.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let arn = arn_of(
        &sandbox,
        &sandbox.run(&["env", "--format", "json", "sso-dev"], &at_stub),
    );
    assert!(arn.contains(":assumed-role/prod/"), "the minted role: {arn}");
    let arn = arn_of(
        &sandbox,
        &sandbox.run(&["env", "--format", "json", "sso-two"], &at_stub),
    );
    assert!(
        arn.starts_with("arn:aws:sts::123456789012:assumed-role/audit/"),
        "{arn}"
    );
    let list = sandbox.run(&["list"], &[]);
    assert!(stdout(&list).contains("sso-dev  sso"), "{}", stdout(&list));
    let config = stdout(&sandbox.run(&["config", "sso-dev"], &[]));
    for part in [
        "the SSO session corp",
        "sso_account_id          123456789012",
        "Developer",
        "valid until",
    ] {
        assert!(config.contains(part), "{part}: {config}");
    }
}

/// A token about to expire is refreshed with its refresh token and the file rewritten, which the
/// AWS CLI then reads (the stub takes only the new token); a spent token without one asks for a
/// login in one line.
#[test]
fn an_sso_token_is_refreshed_in_a_file_the_aws_cli_reads_and_a_spent_one_asks_for_a_login() {
    let moto = moto();
    let sso = crate::common::metadata::Server::sso(minted(&moto.endpoint()), "123456789012", "Developer");
    let sandbox = Sandbox::new(&moto.endpoint(), SSO_CONFIG, "");
    let at_stub = [
        ("AWS_ENDPOINT_URL_SSO", sso.url()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", sso.url()),
    ];
    let at_stub: Vec<(&str, &str)> = at_stub.iter().map(|(k, v)| (*k, v.as_str())).collect();

    write_corp_token(&sandbox, 60, true);
    let o = sandbox.run(&["env", "--format", "json", "sso-dev"], &at_stub);
    assert!(arn_of(&sandbox, &o).contains(":assumed-role/prod/"));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corp_token_file(&sandbox)).unwrap()).unwrap();
    assert_eq!(written["accessToken"], SSO_REFRESHED_TOKEN);
    assert_eq!(written["refreshToken"], SSO_ROTATED_REFRESH_TOKEN);
    assert_eq!(written["clientId"], "stub-client", "the other fields stay");
    let mode = std::fs::metadata(corp_token_file(&sandbox))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    // botocore reads the file runas wrote: the old token no longer works at the stub.
    let cli = aws_cli_as_sso_dev(&sandbox, &sso.url());
    assert!(cli.status.success(), "aws: {}", stderr(&cli));
    assert!(stdout(&cli).contains(":assumed-role/prod/"), "{}", stdout(&cli));

    // Spent, nothing to refresh with: one line that says what to run, and nothing else.
    let fresh = Sandbox::new(&moto.endpoint(), SSO_CONFIG, "");
    write_corp_token(&fresh, -60, false);
    assert_error(
        &fresh.run(&["env", "--format", "json", "sso-dev"], &at_stub),
        "the SSO session corp has expired; run: runas login sso-dev",
    );
    let none = Sandbox::new(&moto.endpoint(), SSO_CONFIG, "");
    assert_error(
        &none.run(&["env", "--format", "json", "sso-two"], &at_stub),
        "no SSO token for the SSO session corp in ",
    );
}

/// The profile shapes the AWS CLI refuses are refused the same way, naming the key.
#[test]
fn sso_profiles_are_checked_as_the_aws_cli_checks_them() {
    let moto = moto();
    for (config, says) in [
        (
            "[profile p]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = r\n",
            "no [sso-session gone] section",
        ),
        (
            "[sso-session s]\nsso_region = eu-west-1\n[profile p]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n",
            "[sso-session s] has no sso_start_url",
        ),
        (
            "[sso-session s]\nsso_start_url = https://a/start\nsso_region = eu-west-1\n[profile p]\nsso_session = s\nsso_start_url = https://b/start\nsso_account_id = 1\nsso_role_name = r\n",
            "sso_start_url = https://b/start",
        ),
        (
            "[profile p]\nsso_start_url = https://a/start\nsso_account_id = 1\nsso_role_name = r\n",
            "has sso_start_url but no sso_region",
        ),
        (
            "[sso-session s]\nsso_start_url = https://a/start\nsso_region = eu-west-1\n[profile p]\nsso_session = s\n",
            "no sso_account_id and sso_role_name",
        ),
    ] {
        let sandbox = Sandbox::new(&moto.endpoint(), config, "");
        let o = sandbox.run(&["env", "--format", "json", "p"], &[]);
        assert_error(&o, says);
    }
}

/// A scripted browser: fetches the address it is given and follows the redirects, as a browser
/// that is already signed in does. `BROWSER` names it.
pub(crate) fn scripted_browser(sandbox: &Sandbox) -> String {
    let script = sandbox.home().join("browser.py");
    std::fs::write(
        &script,
        "import sys, urllib.request\ntry:\n    urllib.request.urlopen(sys.argv[1], timeout=10).read()\nexcept Exception as e:\n    print(e, file=sys.stderr)\n",
    )
    .unwrap();
    format!("python3 {}", script.display())
}

/// `runas login` with the authorization code flow: the browser is sent back to runas's
/// listener, the token lands in the AWS CLI's cache (which the AWS CLI then uses), a second
/// login while it is valid does nothing, and logout removes the token and the role credentials.
#[test]
fn login_with_the_browser_writes_a_token_the_aws_cli_uses_and_logout_removes_it() {
    use crate::common::metadata::SSO_LOGIN_TOKEN;
    let moto = moto();
    let sso = crate::common::metadata::Server::sso(minted(&moto.endpoint()), "123456789012", "Developer");
    let sandbox = Sandbox::new(&moto.endpoint(), SSO_CONFIG, "");
    let browser = scripted_browser(&sandbox);
    let vars = [
        ("AWS_ENDPOINT_URL_SSO", sso.url()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", sso.url()),
        ("BROWSER", browser),
        ("RUNAS_LOGIN_TIMEOUT", "20s".into()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let o = sandbox.run(&["login", "sso-dev"], &vars);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "login writes nothing to stdout");
    assert!(
        stderr(&o).contains("/authorize?response_type=code&client_id="),
        "the address is printed: {}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("signed in to the SSO session corp"),
        "{}",
        stderr(&o)
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corp_token_file(&sandbox)).unwrap()).unwrap();
    assert_eq!(written["accessToken"], SSO_LOGIN_TOKEN);
    assert_eq!(written["startUrl"], "https://corp.awsapps.com/start");
    assert!(written["expiresAt"].as_str().unwrap().ends_with('Z'));
    // The AWS CLI signs in with it (the stub takes only the new token now).
    let cli = aws_cli_as_sso_dev(&sandbox, &sso.url());
    assert!(cli.status.success(), "aws: {}", stderr(&cli));
    let arn = arn_of(
        &sandbox,
        &sandbox.run(&["env", "--format", "json", "sso-two"], &vars),
    );
    assert!(
        arn.starts_with("arn:aws:sts::123456789012:assumed-role/audit/"),
        "{arn}"
    );
    // Again while valid: nothing to do; --json says until when.
    let again = sandbox.run(&["login", "sso-dev", "--json"], &vars);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stderr(&again).contains("already signed in"), "{}", stderr(&again));
    let doc: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(doc["SsoSession"], "corp");
    // Logout: the token and the role credentials bought with it go.
    let out = sandbox.run(&["logout", "sso-dev"], &vars);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!corp_token_file(&sandbox).exists());
    assert!(
        stderr(&out).contains("1 cached role credential(s)"),
        "{}",
        stderr(&out)
    );
    assert_error(
        &sandbox.run(&["env", "--format", "json", "sso-dev"], &vars),
        "no SSO token for the SSO session corp",
    );
}

/// `runas login --device-code` (and the fallback when no browser can be opened): the address
/// and code on stderr, CreateToken polled past `authorization_pending`.
#[test]
fn login_with_a_device_code_polls_until_the_sign_in_is_done() {
    use crate::common::metadata::SSO_LOGIN_TOKEN;
    let moto = moto();
    let sso = crate::common::metadata::Server::sso(minted(&moto.endpoint()), "123456789012", "Developer");
    let sandbox = Sandbox::new(&moto.endpoint(), SSO_CONFIG, "");
    let vars = [
        ("AWS_ENDPOINT_URL_SSO", sso.url()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", sso.url()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // No BROWSER, no display: the device flow, said so.
    let o = sandbox.run(&["login", "--sso-session", "corp"], &vars);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("no browser to open here"), "{err}");
    assert!(
        err.contains("open https://device.sso.example/ and enter the code ABCD-EFGH"),
        "{err}"
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corp_token_file(&sandbox)).unwrap()).unwrap();
    assert_eq!(written["accessToken"], SSO_LOGIN_TOKEN);
    assert!(
        arn_of(
            &sandbox,
            &sandbox.run(&["env", "--format", "json", "sso-dev"], &vars)
        )
        .contains(":assumed-role/prod/")
    );
}

/// Each way a sign-in can fail is one line, a non-zero exit, empty stdout and no token file.
#[test]
fn a_sign_in_that_fails_says_why_in_one_line_and_saves_nothing() {
    use crate::common::metadata::SignIn;
    let moto = moto();
    for (sign_in, args, says) in [
        (
            SignIn::WrongState,
            &["login", "sso-dev"][..],
            "another sign-in's state",
        ),
        (
            SignIn::Denied,
            &["login", "sso-dev"],
            "the sign-in was not completed (access_denied)",
        ),
        (
            SignIn::Denied,
            &["login", "sso-dev", "--device-code"],
            "the sign-in was denied",
        ),
        (
            SignIn::ExpiredCode,
            &["login", "sso-dev", "--device-code"],
            "the sign-in code expired",
        ),
    ] {
        let sso = crate::common::metadata::Server::sso_signing_in(
            minted(&moto.endpoint()),
            "123456789012",
            "Developer",
            sign_in,
        );
        let sandbox = Sandbox::new(&moto.endpoint(), SSO_CONFIG, "");
        let vars = [
            ("AWS_ENDPOINT_URL_SSO_OIDC", sso.url()),
            ("BROWSER", scripted_browser(&sandbox)),
            ("RUNAS_LOGIN_TIMEOUT", "20s".into()),
        ];
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let o = sandbox.run(args, &vars);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
        let last = stderr(&o).lines().last().unwrap_or_default().to_string();
        assert!(last.contains(says), "{args:?}: {}", stderr(&o));
        assert!(!corp_token_file(&sandbox).exists(), "{args:?}");
    }
    // A closed port where SSO-OIDC should be.
    let sandbox = Sandbox::new(&moto.endpoint(), SSO_CONFIG, "");
    let o = sandbox.run(
        &["login", "sso-dev", "--device-code"],
        &[("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:9")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("SSO-OIDC RegisterClient at http://127.0.0.1:9 failed"),
        "{}",
        stderr(&o)
    );
    // The browser never comes back: the wait ends, as RUNAS_LOGIN_TIMEOUT says.
    let sso = crate::common::metadata::Server::sso(minted(&moto.endpoint()), "123456789012", "Developer");
    let o = sandbox.run(
        &["login", "sso-dev"],
        &[
            ("BROWSER", "true"),
            ("RUNAS_LOGIN_TIMEOUT", "1s"),
            ("AWS_ENDPOINT_URL_SSO_OIDC", &sso.url()),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap_or_default().to_string();
    assert!(
        last.contains("no sign-in came back from the browser within 1s"),
        "{}",
        stderr(&o)
    );
    assert!(!corp_token_file(&sandbox).exists());
}
