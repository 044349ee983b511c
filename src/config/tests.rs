//! Resolver rules, one test each, on INI text (and, for paths, real files in temp dirs).

use super::*;

const CONFIG: &str = "/home/u/.aws/config";
const CREDS: &str = "/home/u/.aws/credentials";

fn files(config: &str, credentials: &str) -> Files {
    Files::new(
        ini::parse(Path::new(CONFIG), config.as_bytes()).unwrap(),
        ini::parse(Path::new(CREDS), credentials.as_bytes()).unwrap(),
    )
}

fn env(pairs: &[(&str, &str)]) -> EnvMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn no_env() -> EnvMap {
    env(&[("USER", "alice")])
}

fn file_origin(path: &str, section: &str) -> Origin {
    Origin::File {
        path: PathBuf::from(path),
        section: section.into(),
    }
}

const ROLE: &str = "arn:aws:iam::123456789012:role/admin";

/// The seed's layout: keys in the credentials file, MFA in [default], roles using them.
fn seed() -> Files {
    files(
        "[default]\nregion = us-east-1\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\n\n\
         [profile prod]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\n\n\
         [profile dev]\nrole_arn = arn:aws:iam::222222222222:role/dev\nregion = eu-west-1\n\
         mfa_serial = arn:aws:iam::111111111111:mfa/dev\n\n\
         [profile ops]\nrole_arn = arn:aws:iam::333333333333:role/ops\nsource_profile = prod\n",
        "[default]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = secret\n",
    )
}

fn resolve_seed(name: &str) -> Resolved {
    resolve(&seed(), &no_env(), &Overrides::default(), name).unwrap()
}

#[test]
fn the_argument_wins_then_aws_profile_then_aws_default_profile_then_the_switched_one() {
    let e = env(&[
        ("AWS_PROFILE", "a"),
        ("AWS_DEFAULT_PROFILE", "b"),
        ("AWSRUNAS_PROFILE", "c"),
    ]);
    assert_eq!(requested_profile(Some("x"), &e).unwrap(), "x");
    assert_eq!(requested_profile(None, &e).unwrap(), "a");
    assert_eq!(
        requested_profile(
            None,
            &env(&[("AWS_DEFAULT_PROFILE", "b"), ("AWSRUNAS_PROFILE", "c")])
        )
        .unwrap(),
        "b"
    );
    assert_eq!(
        requested_profile(None, &env(&[("AWSRUNAS_PROFILE", "c")])).unwrap(),
        "c"
    );
    assert_eq!(
        requested_profile(None, &env(&[("AWS_PROFILE", "")]))
            .unwrap_err()
            .to_string(),
        Error::NoProfile { command: "env" }.to_string()
    );
}

#[test]
fn no_profile_anywhere_is_a_clear_error() {
    assert_eq!(
        requested_profile(None, &no_env()).unwrap_err().to_string(),
        "no profile given; name one (runas env PROFILE) or set AWS_PROFILE"
    );
}

#[test]
fn a_keys_profile_resolves_to_its_keys_and_no_roles() {
    let r = resolve_seed("default");
    assert!(r.roles.is_empty());
    assert_eq!(r.base, "default");
    let keys = r.keys().unwrap();
    assert_eq!(keys.access_key_id, "AKIAAAAAAAAAAAAAAAAA");
    assert_eq!(keys.origin, file_origin(CREDS, "default"));
}

#[test]
fn mfa_serial_and_region_in_default_apply_to_role_profiles() {
    let r = resolve_seed("prod");
    assert_eq!(r.roles.len(), 1);
    assert_eq!(r.roles[0].role_arn.value, ROLE);
    assert_eq!(
        r.mfa_serial.as_ref().unwrap().value,
        "arn:aws:iam::111111111111:mfa/alice"
    );
    assert_eq!(r.mfa_serial.unwrap().origin, file_origin(CONFIG, "default"));
    assert_eq!(r.region.unwrap().value, "us-east-1");
}

#[test]
fn the_profiles_own_values_win_over_default() {
    let r = resolve_seed("dev");
    assert_eq!(r.region.unwrap().value, "eu-west-1");
    assert_eq!(r.mfa_serial.unwrap().value, "arn:aws:iam::111111111111:mfa/dev");
}

#[test]
fn a_role_without_source_profile_uses_the_default_keys() {
    let r = resolve_seed("dev");
    assert_eq!(r.base, "default");
    assert!(r.keys().is_ok());
}

#[test]
fn the_source_profiles_values_win_over_default() {
    let f = files(
        "[default]\nregion = us-east-1\n[profile base]\nregion = ap-south-1\nmfa_serial = arn:aws:iam::1:mfa/base\n\
         [profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n",
        "[base]\naws_access_key_id = AKIABASE0000000000\naws_secret_access_key = s\n",
    );
    let r = resolve(&f, &no_env(), &Overrides::default(), "r").unwrap();
    assert_eq!(r.region.unwrap().value, "ap-south-1");
    assert_eq!(r.mfa_serial.unwrap().origin, file_origin(CONFIG, "profile base"));
    assert_eq!(r.base, "base");
}

#[test]
fn environment_wins_over_files_and_flags_win_over_environment() {
    let e = env(&[
        ("MFA_SERIAL", "arn:env"),
        ("EXTERNAL_ID", "env-ext"),
        ("USER", "alice"),
    ]);
    let r = resolve(&seed(), &e, &Overrides::default(), "prod").unwrap();
    assert_eq!(r.mfa_serial.unwrap().origin, Origin::Env("MFA_SERIAL"));
    assert_eq!(r.roles[0].external_id.as_ref().unwrap().value, "env-ext");
    let flags = Overrides {
        mfa_serial: Some("arn:flag".into()),
        external_id: Some("flag-ext".into()),
        ..Default::default()
    };
    let r = resolve(&seed(), &e, &flags, "prod").unwrap();
    assert_eq!(
        r.mfa_serial.unwrap(),
        Setting::new("arn:flag".to_string(), Origin::Flag("-M/--mfa-serial"))
    );
    assert_eq!(r.roles[0].external_id.as_ref().unwrap().value, "flag-ext");
}

#[test]
fn region_comes_from_aws_region_then_aws_default_region_then_the_chain() {
    let both = env(&[("AWS_REGION", "r1"), ("AWS_DEFAULT_REGION", "r2")]);
    assert_eq!(
        resolve(&seed(), &both, &Overrides::default(), "dev")
            .unwrap()
            .region
            .unwrap()
            .value,
        "r1"
    );
    let one = env(&[("AWS_DEFAULT_REGION", "r2")]);
    assert_eq!(
        resolve(&seed(), &one, &Overrides::default(), "dev")
            .unwrap()
            .region
            .unwrap()
            .value,
        "r2"
    );
}

#[test]
fn chains_resolve_to_the_end_in_assume_order() {
    let r = resolve_seed("ops");
    let hops: Vec<&str> = r.roles.iter().map(|h| h.profile.as_str()).collect();
    assert_eq!(hops, ["prod", "ops"]);
    assert_eq!(r.base, "default");
}

#[test]
fn three_step_chains_resolve() {
    let f = files(
        "[profile a]\nmfa_serial = arn:aws:iam::1:mfa/a\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n\
         [profile c]\nrole_arn = arn:aws:iam::123456789012:role/c\nsource_profile = b\nexternal_id = xc\n",
        "[a]\naws_access_key_id = AKIA0000000000000000\naws_secret_access_key = s\n",
    );
    let r = resolve(&f, &no_env(), &Overrides::default(), "c").unwrap();
    assert_eq!(r.base, "a");
    assert_eq!(
        r.roles
            .iter()
            .map(|h| h.role_arn.value.as_str())
            .collect::<Vec<_>>(),
        [
            "arn:aws:iam::123456789012:role/b",
            "arn:aws:iam::123456789012:role/c"
        ]
    );
    assert_eq!(
        r.roles[0].external_id, None,
        "external_id belongs to its own role"
    );
    assert_eq!(r.roles[1].external_id.as_ref().unwrap().value, "xc");
    assert_eq!(r.mfa_serial.unwrap().value, "arn:aws:iam::1:mfa/a");
}

fn loop_error(config: &str, name: &str) -> String {
    let f = files(config, "");
    resolve(&f, &no_env(), &Overrides::default(), name)
        .unwrap_err()
        .to_string()
}

#[test]
fn loops_of_length_two_and_three_are_named() {
    let two = "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
               [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n";
    assert_eq!(
        loop_error(two, "a"),
        "profile \"a\": source_profile loop a → b → a; point one of them at a profile with keys"
    );
    let three = "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
                 [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = c\n\
                 [profile c]\nrole_arn = arn:aws:iam::123456789012:role/c\nsource_profile = b\n";
    assert!(loop_error(three, "a").contains("source_profile loop a → b → c → b"));
}

#[test]
fn a_self_reference_without_keys_is_a_loop_of_one() {
    let cfg = "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = a\n";
    assert_eq!(
        loop_error(cfg, "a"),
        "profile \"a\": source_profile loop a → a; point one of them at a profile with keys"
    );
}

#[test]
fn a_loop_through_default_is_named() {
    let cfg = "[default]\nrole_arn = arn:aws:iam::123456789012:role/d\nsource_profile = a\n\
               [profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\n";
    assert!(loop_error(cfg, "a").contains("loop a → default → a"));
}

#[test]
fn a_self_referencing_profile_uses_its_own_keys() {
    let f = files(
        "[profile x]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = x\n",
        "[x]\naws_access_key_id = AKIAXXXXXXXXXXXXXXXX\naws_secret_access_key = s\n",
    );
    let r = resolve(&f, &no_env(), &Overrides::default(), "x").unwrap();
    assert_eq!(r.base, "x");
    assert_eq!(r.roles.len(), 1);
    assert_eq!(r.keys().unwrap().access_key_id, "AKIAXXXXXXXXXXXXXXXX");
}

#[test]
fn a_missing_source_profile_is_named() {
    let e = loop_error(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = nope\n",
        "a",
    );
    assert_eq!(
        e,
        "profile \"a\": source_profile \"nope\" does not exist; add [profile nope] or fix source_profile"
    );
}

#[test]
fn a_role_without_keys_anywhere_says_where_to_put_them() {
    let f = files(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n[profile b]\n",
        "",
    );
    let r = resolve(&f, &no_env(), &Overrides::default(), "a").unwrap();
    assert_eq!(
        r.keys().unwrap_err().to_string(),
        "profile \"a\": no access keys in \"b\"; add aws_access_key_id and aws_secret_access_key to [b] in the credentials file"
    );
}

#[test]
fn half_a_key_pair_is_an_error() {
    let f = files("", "[k]\naws_access_key_id = AKIA0000000000000000\n");
    let e = resolve(&f, &no_env(), &Overrides::default(), "k")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("aws_access_key_id in [k] has no matching aws_secret_access_key"),
        "{e}"
    );
}

#[test]
fn keys_may_live_in_the_config_file_and_the_credentials_file_wins() {
    let f = files(
        "[profile k]\naws_access_key_id = AKIACONFIG0000000000\naws_secret_access_key = c\naws_session_token = tok\n",
        "",
    );
    let r = resolve(&f, &no_env(), &Overrides::default(), "k").unwrap();
    assert_eq!(r.keys().unwrap().session_token.as_deref(), Some("tok"));
    let f = files(
        "[profile k]\naws_access_key_id = AKIACONFIG0000000000\naws_secret_access_key = c\n",
        "[k]\naws_access_key_id = AKIACREDS00000000000\naws_secret_access_key = s\n",
    );
    let r = resolve(&f, &no_env(), &Overrides::default(), "k").unwrap();
    assert_eq!(r.keys().unwrap().access_key_id, "AKIACREDS00000000000");
}

#[test]
fn profile_names_are_read_literally() {
    for name in [
        r"back\slash",
        r#"quo"te"#,
        "it's",
        "$(id)",
        "a b",
        "日本",
        "; rm -rf ~",
        "x\\",
    ] {
        let f = files(
            &format!("[profile {name}]\nregion = r-{}\n", name.len()),
            &format!("[{name}]\naws_access_key_id = AKIA0000000000000000\naws_secret_access_key = s\n"),
        );
        let r = resolve(&f, &no_env(), &Overrides::default(), name).unwrap();
        assert_eq!(r.name.as_deref(), Some(name));
        assert_eq!(r.region.as_ref().unwrap().value, format!("r-{}", name.len()));
        assert!(r.keys().is_ok(), "{name}");
    }
}

#[test]
fn profile_default_is_the_same_as_default() {
    let f = files("[profile default]\nregion = eu-north-1\n", "");
    assert_eq!(f.config_section("default").unwrap().name, "profile default");
    assert_eq!(
        resolve(&f, &no_env(), &Overrides::default(), "default")
            .unwrap()
            .region
            .unwrap()
            .value,
        "eu-north-1"
    );
}

#[test]
fn sections_that_are_not_profiles_are_not_profiles() {
    let f = files(
        "[prod]\nregion = x\n[services s]\n[sso-session s]\n[profilex]\n",
        "",
    );
    assert!(f.profile_names().is_empty());
}

#[test]
fn unknown_profile_suggests_the_nearest_name() {
    let e = resolve(&seed(), &no_env(), &Overrides::default(), "prdo")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "unknown profile \"prdo\"; did you mean \"prod\"?");
    let e = resolve(&seed(), &no_env(), &Overrides::default(), "zzzzzzzzzz")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "unknown profile \"zzzzzzzzzz\"; run runas list to see the profiles"
    );
    let e = resolve(&seed(), &no_env(), &Overrides::default(), "PROD")
        .unwrap_err()
        .to_string();
    assert!(e.contains("did you mean \"prod\""), "{e}");
}

#[test]
fn role_arns_of_every_partition_are_recognised() {
    for arn in [
        "arn:aws:iam::123456789012:role/name",
        "arn:aws:iam::123456789012:role/path/to/name",
        "arn:aws-cn:iam::123456789012:role/n",
        "arn:aws-us-gov:iam::123456789012:role/n+=,.@_-",
    ] {
        assert!(is_role_arn(arn), "{arn}");
    }
    for bad in [
        "arn:aws:iam::12345678901:role/short-account",
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:role/a b",
        "arn:aws:sts::123456789012:role/x",
        "arn:aws-xx:iam::123456789012:role/x",
        "arn:aws:iam::123456789012:role//x",
    ] {
        assert!(!is_role_arn(bad), "{bad}");
    }
}

#[test]
fn a_role_arn_in_place_of_a_name_uses_default() {
    let arn = "arn:aws-cn:iam::123456789012:role/path/x";
    let r = resolve_seed(arn);
    assert_eq!(r.name, None);
    assert_eq!(r.base, "default");
    assert_eq!(r.roles.len(), 1);
    assert_eq!(r.roles[0].role_arn.value, arn);
    assert_eq!(
        r.mfa_serial.as_ref().unwrap().value,
        "arn:aws:iam::111111111111:mfa/alice"
    );
    assert_eq!(r.display_name(), arn);
}

#[test]
fn a_malformed_arn_in_place_of_a_name_is_an_error() {
    let e = resolve(&seed(), &no_env(), &Overrides::default(), "arn:aws:iam::1:role/x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("is not a role ARN"), "{e}");
}

#[test]
fn a_malformed_role_arn_in_a_file_names_the_section() {
    let f = files("[profile p]\nrole_arn = arn:aws:iam::123:role/x\n[default]\n", "");
    let e = resolve(&f, &no_env(), &Overrides::default(), "p")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "/home/u/.aws/config [profile p]: role_arn = \"arn:aws:iam::123:role/x\" is not a role ARN; \
         write it like arn:aws:iam::123456789012:role/name"
    );
}

fn durations(config: &str, e: &EnvMap, flags: &Overrides) -> Result<Resolved> {
    let f = files(
        config,
        "[default]\naws_access_key_id = AKIA0000000000000000\naws_secret_access_key = s\n",
    );
    resolve(&f, e, flags, "default")
}

#[test]
fn durations_default_to_12h_and_1h() {
    let r = durations("", &no_env(), &Overrides::default()).unwrap();
    assert_eq!(r.session_duration, Setting::new(SESSION_DEFAULT, Origin::Default));
    assert_eq!(r.role_duration, Setting::new(ROLE_DEFAULT, Origin::Default));
}

#[test]
fn durations_read_go_syntax_from_the_file() {
    let r = durations(
        "[default]\nsession_token_duration = 1h30m\ncredentials_duration = 1.5h\n",
        &no_env(),
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(r.session_duration.value, Duration::from_secs(5400));
    assert_eq!(r.role_duration.value, Duration::from_secs(5400));
    assert!(r.warnings.is_empty());
}

#[test]
fn duration_seconds_is_a_fallback_for_the_role_duration() {
    let r = durations(
        "[default]\nduration_seconds = 7200\n",
        &no_env(),
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(r.role_duration.value, Duration::from_secs(7200));
    let r = durations(
        "[default]\nduration_seconds = 7200\ncredentials_duration = 2h30m\n",
        &no_env(),
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(r.role_duration.value, Duration::from_secs(9000));
    let e = durations(
        "[default]\nduration_seconds = 1h\n",
        &no_env(),
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("duration_seconds = \"1h\" is not a duration (not a whole number of seconds)")
    );
}

#[test]
fn duration_env_and_flags_override_in_order() {
    let e = env(&[("SESSION_TOKEN_DURATION", "2h"), ("CREDENTIALS_DURATION", "30m")]);
    let r = durations(
        "[default]\nsession_token_duration = 8h\n",
        &e,
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(
        r.session_duration,
        Setting::new(Duration::from_secs(7200), Origin::Env("SESSION_TOKEN_DURATION"))
    );
    assert_eq!(r.role_duration.value, Duration::from_secs(1800));
    let flags = Overrides {
        session_duration: Some("3h".into()),
        role_duration: Some("45m".into()),
        ..Default::default()
    };
    let r = durations("", &e, &flags).unwrap();
    assert_eq!(
        r.session_duration,
        Setting::new(Duration::from_secs(10800), Origin::Flag("-d/--duration"))
    );
    assert_eq!(
        r.role_duration,
        Setting::new(Duration::from_secs(2700), Origin::Flag("-a/--role-duration"))
    );
}

#[test]
fn out_of_range_durations_are_clamped_with_a_warning() {
    let r = durations(
        "[default]\nsession_token_duration = 48h\ncredentials_duration = 5m\n",
        &no_env(),
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(r.session_duration.value, SESSION_MAX);
    assert_eq!(r.role_duration.value, ROLE_MIN);
    assert_eq!(
        r.warnings,
        [
            "session_token_duration 48h (/home/u/.aws/config [default]) is outside 15m–36h; using 36h",
            "credentials_duration 5m (/home/u/.aws/config [default]) is outside 15m–12h; using 15m",
        ]
    );
}

#[test]
fn a_bad_duration_names_file_section_key_and_value() {
    let e = durations(
        "[default]\nsession_token_duration = 12 hours\n",
        &no_env(),
        &Overrides::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "/home/u/.aws/config [default]: session_token_duration = \"12 hours\" is not a duration \
         (unknown unit \" hours\"); write it like 12h, 1h30m or 3600s"
    );
    let e = durations(
        "",
        &env(&[("CREDENTIALS_DURATION", "3600")]),
        &Overrides::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "env CREDENTIALS_DURATION: credentials_duration = \"3600\" is not a duration (missing unit after 3600); \
         write it like 12h, 1h30m or 3600s"
    );
}

#[test]
fn session_name_defaults_to_the_user_made_valid() {
    let r = durations("", &env(&[("USER", "Jane Doe (ops)")]), &Overrides::default()).unwrap();
    assert_eq!(
        r.session_name,
        Setting::new("Jane-Doe--ops-".to_string(), Origin::Default)
    );
    assert_eq!(default_session_name(&env(&[("USER", "x")])), "x-");
    assert_eq!(default_session_name(&env(&[("USER", &"a".repeat(80))])).len(), 64);
    assert!(is_valid_session_name(&default_session_name(&EnvMap::new())));
}

#[test]
fn session_name_comes_from_env_then_file_and_must_be_valid() {
    let r = durations(
        "[default]\nrole_session_name = from-file\n",
        &env(&[("AWS_ROLE_SESSION_NAME", "from-env")]),
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(r.session_name.value, "from-env");
    let e = durations(
        "[default]\nrole_session_name = has space\n",
        &no_env(),
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("role_session_name = \"has space\" is not valid"),
        "{e}"
    );
}

#[test]
fn endpoint_comes_from_sts_variable_then_general_then_services_then_profile() {
    let cfg = "[default]\nservices = local\nendpoint_url = http://profile\n\
               [services local]\nsts =\n  endpoint_url = http://services\n";
    let at = |e: &EnvMap| {
        durations(cfg, e, &Overrides::default())
            .unwrap()
            .endpoint_url
            .map(|s| s.value)
    };
    let both = env(&[
        ("AWS_ENDPOINT_URL_STS", "http://sts"),
        ("AWS_ENDPOINT_URL", "http://all"),
    ]);
    assert_eq!(at(&both).as_deref(), Some("http://sts"));
    assert_eq!(
        at(&env(&[("AWS_ENDPOINT_URL", "http://all")])).as_deref(),
        Some("http://all")
    );
    assert_eq!(at(&no_env()).as_deref(), Some("http://services"));
    let plain = durations(
        "[default]\nendpoint_url = http://profile\n",
        &no_env(),
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(plain.endpoint_url.unwrap().value, "http://profile");
    assert_eq!(
        at(&env(&[
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ("AWS_ENDPOINT_URL", "x")
        ])),
        None
    );
}

#[test]
fn the_iam_endpoint_is_looked_up_like_the_sts_one() {
    let cfg = "[default]\nservices = local\n[services local]\niam =\n  endpoint_url = http://iam\n";
    let r = durations(cfg, &no_env(), &Overrides::default()).unwrap();
    assert_eq!(r.iam_endpoint_url.unwrap().value, "http://iam");
    assert_eq!(r.endpoint_url, None, "the iam entry is not STS's");
    let vars = env(&[
        ("AWS_ENDPOINT_URL_IAM", "http://i"),
        ("AWS_ENDPOINT_URL_STS", "http://s"),
    ]);
    let r = durations("", &vars, &Overrides::default()).unwrap();
    assert_eq!(
        r.iam_endpoint_url.unwrap().origin,
        Origin::Env("AWS_ENDPOINT_URL_IAM")
    );
}

#[test]
fn legacy_sts_endpoints_are_recognised() {
    let r = durations(
        "[default]\nsts_regional_endpoints = legacy\n",
        &no_env(),
        &Overrides::default(),
    )
    .unwrap();
    assert!(r.legacy_global_endpoint);
    let r = durations(
        "",
        &env(&[("AWS_STS_REGIONAL_ENDPOINTS", "regional")]),
        &Overrides::default(),
    )
    .unwrap();
    assert!(!r.legacy_global_endpoint);
}

#[test]
fn list_shows_every_profile_sorted_with_its_kind() {
    let kinds: Vec<(String, ProfileKind)> = list_profiles(&seed())
        .into_iter()
        .map(|p| (p.name, p.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("default".to_string(), ProfileKind::Keys),
            ("dev".to_string(), ProfileKind::Role),
            ("ops".to_string(), ProfileKind::Chain),
            ("prod".to_string(), ProfileKind::Role)
        ]
    );
    let json = serde_json::to_value(list_profiles(&seed())).unwrap();
    assert_eq!(json[2]["Kind"], "chain");
}

#[test]
fn paths_come_from_the_environment_or_home() {
    let p = Paths::from_env(&env(&[("HOME", "/h")]));
    assert_eq!(
        p,
        Paths {
            config: "/h/.aws/config".into(),
            credentials: "/h/.aws/credentials".into(),
            named: Vec::new(),
        }
    );
    let p = Paths::from_env(&env(&[
        ("HOME", "/h"),
        ("AWS_CONFIG_FILE", "~/c"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/k"),
    ]));
    assert_eq!(
        p,
        Paths {
            config: "/h/c".into(),
            credentials: "/k".into(),
            named: vec![
                ("AWS_CONFIG_FILE", "/h/c".into()),
                ("AWS_SHARED_CREDENTIALS_FILE", "/k".into())
            ],
        }
    );
}

#[test]
fn files_load_from_disk_and_missing_files_are_empty() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_str().unwrap();
    std::fs::create_dir(dir.path().join(".aws")).unwrap();
    std::fs::write(dir.path().join(".aws/config"), "[profile p]\nregion = r\n").unwrap();
    let f = Files::load(&Paths::from_env(&env(&[("HOME", home)]))).unwrap();
    assert_eq!(f.profile_names(), ["p"]);
    assert!(f.credentials.sections.is_empty());
}

/// Looking a profile up by scanning every section made `runas list` (and completion, and
/// doctor) quadratic: 165 s for a 10 MB config; the loop check of a long chain was quadratic
/// too (31 s here). Both are linear now: about 1 s in a debug build, so the bound, some 25
/// times that, fails only on a return to quadratic cost.
#[test]
fn listing_and_resolving_a_huge_config_is_linear() {
    let mut config = String::from("[default]\nregion = r\n");
    for i in 0..60_000 {
        config.push_str(&format!(
            "[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = p{}\n",
            i.max(1) - 1
        ));
    }
    let started = std::time::Instant::now();
    let f = files(&config, KEYS_FOR_P0);
    let listed = list_profiles(&f);
    assert_eq!(listed.len(), 60_001);
    assert_eq!(
        listed.iter().filter(|p| p.kind == ProfileKind::Chain).count(),
        59_999
    );
    // A chain through every profile is refused, at once, naming where it starts.
    let e = resolve(&f, &no_env(), &Overrides::default(), "p59999").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "profile \"p59999\": its source_profile chain is longer than {MAX_ROLES} roles \
             (p59999 → p59998 → p59997 → p59996, …); AWS limits role chaining, so shorten it"
        )
    );
    // p0 is a role too (with its own keys): p15 → … → p0 is 16 roles.
    let r = resolve(
        &f,
        &no_env(),
        &Overrides::default(),
        &format!("p{}", MAX_ROLES - 1),
    )
    .unwrap();
    assert_eq!(r.roles.len(), MAX_ROLES, "the longest chain allowed resolves");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

const KEYS_FOR_P0: &str = "[p0]\naws_access_key_id = AKIA0000000000000000\naws_secret_access_key = s\n";

// ---------------------------------------------------------------------------------------------
// Fuzzing: whatever the files hold, parsing and resolving end in a value or a clean
// one-line error, never a panic; and what a user writes, with any profile name, reads back.

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    const KEYS: &[&str] = &[
        "role_arn",
        "source_profile",
        "mfa_serial",
        "region",
        "external_id",
        "role_session_name",
        "session_token_duration",
        "credentials_duration",
        "duration_seconds",
        "endpoint_url",
        "sts_regional_endpoints",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "s3",
    ];

    /// Names from a small pool, so that sections, source_profile values and lookups meet.
    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("default".to_string()),
            "[a-c]",
            "p[0-3]",
            "\\PC{1,8}",
            "[ a-z/.\"'\\\\ü\u{1F600}]{1,6}",
        ]
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            name(),
            "arn:aws:iam::[0-9]{12}:role/[a-z]{1,5}",
            "arn:aws:iam::[0-9]{12}:mfa/[a-z]{1,5}",
            "[0-9]{1,6}(h|m|s|ms|)",
            "\\PC{0,12}",
            Just(String::new()),
        ]
    }

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => name().prop_map(|n| format!("[profile {n}]")),
            2 => name().prop_map(|n| format!("[{n}]")),
            8 => (prop::sample::select(KEYS), value()).prop_map(|(k, v)| format!("{k} = {v}")),
            2 => (prop::sample::select(KEYS), value()).prop_map(|(k, v)| format!("  {k}={v}")),
            1 => value().prop_map(|v| format!("\t{v}")),
            1 => "[#;].{0,10}",
            1 => "\\PC{0,16}",
            1 => Just(String::new()),
        ]
    }

    fn file() -> impl Strategy<Value = Vec<u8>> {
        (
            prop::collection::vec(line(), 0..24),
            any::<bool>(),
            any::<bool>(),
            any::<u8>(),
        )
            .prop_map(|(lines, crlf, bom, junk)| {
                let mut bytes = Vec::new();
                if bom {
                    bytes.extend_from_slice(b"\xEF\xBB\xBF");
                }
                bytes.extend(lines.join(if crlf { "\r\n" } else { "\n" }).into_bytes());
                // Now and then a byte that is not UTF-8.
                if junk > 250 {
                    bytes.insert(bytes.len() / 2, 0xFF);
                }
                bytes
            })
    }

    /// A well-formed file: unique sections from the name pool, unique keys in each, so that
    /// resolution (chains, loops, missing sources, bad values) gets most of the cases.
    fn plausible(config: bool) -> impl Strategy<Value = Vec<u8>> {
        let section = prop::collection::btree_map(prop::sample::select(KEYS), value(), 0..6);
        prop::collection::btree_map(name(), section, 0..6).prop_map(move |sections| {
            let mut text = String::new();
            for (name, keys) in sections {
                let header = if config && name != "default" {
                    format!("[profile {name}]\n")
                } else {
                    format!("[{name}]\n")
                };
                text.push_str(&header);
                for (key, value) in keys {
                    text.push_str(&format!("{key} = {value}\n"));
                }
            }
            text.into_bytes()
        })
    }

    fn env_strategy() -> impl Strategy<Value = EnvMap> {
        prop::collection::vec(
            (
                prop::sample::select(
                    &[
                        "AWS_REGION",
                        "AWS_DEFAULT_REGION",
                        "SESSION_TOKEN_DURATION",
                        "CREDENTIALS_DURATION",
                        "MFA_SERIAL",
                        "EXTERNAL_ID",
                        "AWS_ROLE_SESSION_NAME",
                        "USER",
                        "AWS_ENDPOINT_URL_STS",
                    ][..],
                ),
                value(),
            ),
            0..4,
        )
        .prop_map(|pairs| pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    /// An error that says something, on one line unless a value itself holds a newline (an
    /// indented continuation line joins the value with one; main.rs escapes it when printing).
    fn clean_error(e: &Error, continued_values: bool) -> bool {
        let text = e.to_string();
        !text.trim().is_empty() && (continued_values || !text.contains('\n'))
    }

    /// Whether any line of `bytes` is indented, so that a value may span lines.
    fn has_indented_line(bytes: &[u8]) -> bool {
        bytes
            .split(|&b| b == b'\n')
            .any(|line| line.first().is_some_and(|b| *b == b' ' || *b == b'\t'))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_files_resolve_or_fail_cleanly(
            config in prop_oneof![1 => file(), 3 => plausible(true)],
            credentials in prop_oneof![1 => file(), 3 => plausible(false)],
            env in env_strategy(),
            asked in prop::collection::vec(name(), 0..3),
        ) {
            let continued = has_indented_line(&config) || has_indented_line(&credentials);
            let parsed = (
                ini::parse(Path::new(CONFIG), &config),
                ini::parse(Path::new(CREDS), &credentials),
            );
            let (config, credentials) = match parsed {
                (Ok(c), Ok(k)) => (c, k),
                (Err(e), _) | (_, Err(e)) => {
                    prop_assert!(clean_error(&e, continued), "{e}");
                    return Ok(());
                }
            };
            let files = Files::new(config, credentials);
            let _ = list_profiles(&files);
            let mut names = files.profile_names();
            names.extend(asked);
            names.push(ROLE.to_string());
            for name in names {
                match resolve(&files, &env, &Overrides::default(), &name) {
                    Ok(r) => {
                        // A resolved chain names no profile twice.
                        let mut seen = std::collections::HashSet::new();
                        prop_assert!(r.roles.iter().all(|hop| seen.insert(hop.profile.clone())));
                        let _ = r.keys();
                    }
                    Err(e) => prop_assert!(clean_error(&e, continued), "{e}"),
                }
            }
        }

        /// Role profiles with any name a header can hold read back with their own region and
        /// role, through a source profile with keys.
        #[test]
        fn what_is_written_reads_back(
            names in prop::collection::btree_set("[^\\[\\]\\s#;][^\\r\\n\\]]{0,10}[^\\[\\]\\s]", 1..6),
            accounts in prop::collection::vec("[0-9]{12}", 6),
        ) {
            let names: Vec<String> = names.into_iter().filter(|n| n != "base").collect();
            let mut config = String::new();
            for (i, n) in names.iter().enumerate() {
                config.push_str(&format!(
                    "[profile {n}]\nrole_arn = arn:aws:iam::{}:role/r{i}\nsource_profile = base\nregion = r{i}\n\n",
                    accounts[i]
                ));
            }
            let files = files(
                &config,
                "[base]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s\n",
            );
            for (i, n) in names.iter().enumerate() {
                let r = resolve(&files, &no_env(), &Overrides::default(), n).unwrap();
                prop_assert_eq!(r.region.unwrap().value, format!("r{i}"));
                prop_assert_eq!(
                    &r.roles.last().unwrap().role_arn.value,
                    &format!("arn:aws:iam::{}:role/r{i}", accounts[i])
                );
                prop_assert_eq!(&r.base, "base");
            }
        }
    }
}

#[test]
fn a_plain_http_endpoint_from_a_file_is_warned_about_with_its_file_and_line() {
    let f = files(
        "[default]\nregion = r\n[profile p]\nrole_arn = arn:aws:iam::123456789012:role/p\n\
         endpoint_url = HTTP://127.0.0.1:1\n[profile s]\nrole_arn = arn:aws:iam::123456789012:role/s\n\
         services = local\n[services local]\nsts =\n  endpoint_url = http://sts.local\n\
         [profile tls]\nendpoint_url = https://sts.example\n",
        "[default]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = secret\n",
    );
    let r = resolve(&f, &no_env(), &Overrides::default(), "p").unwrap();
    assert_eq!(
        r.warnings,
        [format!(
            "{CONFIG}:5: the STS endpoint HTTP://127.0.0.1:1 is plain http, so MFA codes and session \
             tokens would cross the network unencrypted; use https:// (set in [profile p])"
        )]
    );
    let r = resolve(&f, &no_env(), &Overrides::default(), "s").unwrap();
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].starts_with(&format!("{CONFIG}:11: the STS endpoint http://sts.local")));
    let r = resolve(&f, &no_env(), &Overrides::default(), "tls").unwrap();
    assert!(r.warnings.is_empty());
    // From the environment it is a deliberate choice (a local test endpoint): no warning.
    let e = env(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:1")]);
    assert!(
        resolve(&f, &e, &Overrides::default(), "p")
            .unwrap()
            .warnings
            .is_empty()
    );
}

/// The profile shapes that used to assume their role with `[default]`'s keys without a word:
/// each now has its own source, or an error that names it, and never `[default]`'s identity.
#[test]
fn no_profile_shape_falls_back_to_the_default_profiles_keys() {
    let f = files(
        "[default]\nregion = us-east-1\n\
         [profile envsrc]\nrole_arn = arn:aws:iam::123456789012:role/a\ncredential_source = Environment\n\
         [profile imds]\nrole_arn = arn:aws:iam::123456789012:role/a\ncredential_source = Ec2InstanceMetadata\n\
         [profile ecs]\nrole_arn = arn:aws:iam::123456789012:role/a\ncredential_source = EcsContainer\n\
         [profile odd]\nrole_arn = arn:aws:iam::123456789012:role/a\ncredential_source = Somewhere\n\
         [profile wif]\nrole_arn = arn:aws:iam::123456789012:role/w\nweb_identity_token_file = /t/token\n\
         [profile saml]\nrole_arn = arn:aws:iam::123456789012:role/a\nsaml_auth_url = https://idp/saml\n\
         [profile oidc]\nrole_arn = arn:aws:iam::123456789012:role/a\nweb_identity_auth_url = https://idp/oidc\n\
         [profile jump]\nrole_arn = arn:aws:iam::123456789012:role/a\njump_role_arn = arn:aws:iam::1:role/j\n\
         [profile proc]\ncredential_process = /bin/echo creds\n\
         [profile viaproc]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = proc\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
         [profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n\
         [profile viasso]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = sso\n",
        "[default]\naws_access_key_id = AKIADEFAULTKEYS00000\naws_secret_access_key = secret\n",
    );
    let user_keys = env(&[
        ("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ]);
    let source = |name: &str, e: &EnvMap| resolve(&f, e, &Overrides::default(), name).map(|r| r.source);
    let kind = |name: &str| source(name, &no_env()).unwrap().describe();
    // Environment: the environment's keys, or an error; never [default]'s.
    match source("envsrc", &user_keys).unwrap() {
        Source::Keys(k) => assert_eq!(k.access_key_id, "AKIAENVIRONMENT00000"),
        other => panic!("{other:?}"),
    }
    let e = source("envsrc", &no_env()).unwrap_err().to_string();
    assert!(
        e.contains("credential_source = Environment") && e.contains("not set"),
        "{e}"
    );
    assert_eq!(kind("imds"), "metadata");
    assert_eq!(kind("ecs"), "container");
    assert_eq!(kind("wif"), "web identity");
    assert_eq!(kind("proc"), "process");
    assert_eq!(kind("viaproc"), "process");
    assert_eq!(kind("sso"), "sso");
    assert_eq!(kind("viasso"), "sso");
    for (name, setting) in [
        ("odd", "credential_source = Somewhere"),
        ("saml", "saml_auth_url"),
        ("oidc", "web_identity_auth_url"),
        ("jump", "jump_role_arn"),
    ] {
        let r = resolve(&f, &no_env(), &Overrides::default(), name).unwrap();
        let e = r.keys().unwrap_err().to_string();
        assert!(
            e.contains(setting) && e.contains("does not support yet"),
            "{name}: {e}"
        );
    }
    // The web identity's own role is the source's, not a hop.
    let r = resolve(&f, &no_env(), &Overrides::default(), "wif").unwrap();
    assert!(r.roles.is_empty(), "{:?}", r.roles);
    // None of them has [default]'s keys.
    for name in [
        "imds", "ecs", "odd", "wif", "saml", "oidc", "jump", "proc", "viaproc", "sso", "viasso",
    ] {
        let r = resolve(&f, &no_env(), &Overrides::default(), name).unwrap();
        assert!(r.base_keys().is_none(), "{name}: {:?}", r.base_keys());
        assert!(r.keys().is_err(), "{name}");
    }
    // The list says the same.
    let kinds: std::collections::HashMap<String, ProfileKind> =
        list_profiles(&f).into_iter().map(|p| (p.name, p.kind)).collect();
    assert_eq!(kinds["envsrc"], ProfileKind::Environment);
    assert_eq!(kinds["wif"], ProfileKind::WebIdentity);
    assert_eq!(kinds["proc"], ProfileKind::Process);
    assert_eq!(kinds["sso"], ProfileKind::Sso);
    assert_eq!(kinds["saml"], ProfileKind::Unsupported);
    assert_eq!(kinds["imds"], ProfileKind::Metadata);
}

#[test]
fn credential_source_beside_source_profile_is_an_error() {
    let f = files(
        "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = default\ncredential_source = Environment\n",
        "[default]\naws_access_key_id = AKIADEFAULTKEYS00000\naws_secret_access_key = secret\n",
    );
    let e = resolve(&f, &no_env(), &Overrides::default(), "both")
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot both be set"), "{e}");
}

/// In CI: keys in the environment, a role ARN, and no files at all.
#[test]
fn a_role_arn_with_keys_in_the_environment_and_no_files_uses_those_keys() {
    let f = files("", "");
    let e = env(&[
        ("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ]);
    let r = resolve(&f, &e, &Overrides::default(), ROLE).unwrap();
    assert_eq!(r.keys().unwrap().access_key_id, "AKIAENVIRONMENT00000");
    assert_eq!(r.roles.len(), 1);
    // Without them: no keys, said as before.
    let r = resolve(&f, &no_env(), &Overrides::default(), ROLE).unwrap();
    assert!(r.keys().unwrap_err().to_string().contains("no access keys"));
}

#[test]
fn fips_and_dual_stack_come_from_the_profile_or_the_environment() {
    let f = files(
        "[default]\nuse_fips_endpoint = true\n[profile p]\nrole_arn = arn:aws:iam::123456789012:role/p\n\
         use_dualstack_endpoint = TRUE\n",
        "[default]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s\n",
    );
    let r = resolve(&f, &no_env(), &Overrides::default(), "p").unwrap();
    assert!(r.use_fips && r.use_dual_stack);
    let e = env(&[
        ("AWS_USE_FIPS_ENDPOINT", "false"),
        ("AWS_USE_DUALSTACK_ENDPOINT", "false"),
    ]);
    let r = resolve(&f, &e, &Overrides::default(), "p").unwrap();
    assert!(!r.use_fips && !r.use_dual_stack, "the environment wins");
}

/// A profile-less run with keys in the environment and no files: those keys, as `default`.
#[test]
fn a_run_without_a_profile_takes_the_environments_keys() {
    let keys = env(&[
        ("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ]);
    assert_eq!(requested_profile_or_keys(None, &keys, &keys).unwrap(), "default");
    assert!(matches!(
        requested_profile_or_keys(None, &no_env(), &no_env()),
        Err(Error::NoProfile { .. })
    ));
    // In a switched shell the keys are runas's own: `original` has none.
    assert!(matches!(
        requested_profile_or_keys(None, &keys, &no_env()),
        Err(Error::NoProfile { .. })
    ));
    let r = resolve(&files("", ""), &keys, &Overrides::default(), "default").unwrap();
    assert_eq!(r.keys().unwrap().access_key_id, "AKIAENVIRONMENT00000");
}

#[test]
fn sso_endpoints_come_from_their_variables_or_the_services_section() {
    let cfg = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
               [profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\nservices = local\n\
               [services local]\nsso =\n  endpoint_url = http://portal.local\nsso_oidc =\n  endpoint_url = http://oidc.local\n";
    let f = files(cfg, "");
    let sso = |vars: &EnvMap| match resolve(&f, vars, &Overrides::default(), "dev").unwrap().source {
        Source::Sso(sso) => *sso,
        other => panic!("{other:?}"),
    };
    let from_file = sso(&no_env());
    assert_eq!(from_file.portal_url.unwrap().value, "http://portal.local");
    assert_eq!(from_file.oidc_url.unwrap().value, "http://oidc.local");
    assert_eq!(from_file.scopes, ["sso:account:access"]);
    let vars = env(&[
        ("AWS_ENDPOINT_URL_SSO", "http://p"),
        ("AWS_ENDPOINT_URL_SSO_OIDC", "http://o"),
    ]);
    let from_env = sso(&vars);
    assert_eq!(
        from_env.portal_url.unwrap().origin,
        Origin::Env("AWS_ENDPOINT_URL_SSO")
    );
    assert_eq!(from_env.oidc_url.unwrap().value, "http://o");
    // The legacy form: the start URL names the token.
    let legacy = files(
        "[profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = r\n",
        "",
    );
    match resolve(&legacy, &no_env(), &Overrides::default(), "old")
        .unwrap()
        .source
    {
        Source::Sso(sso) => {
            assert_eq!(sso.session, None);
            assert_eq!(sso.token_name(), "https://old.awsapps.com/start");
        }
        other => panic!("{other:?}"),
    }
}
