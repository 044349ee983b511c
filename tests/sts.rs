//! `AwsSts` against a real local STS (moto server) and against canned STS error answers.
//!
//! The client is given static keys and a region, and builds its SDK config by hand (no
//! aws-config provider chain), so it never asks the instance metadata service; scripts/test
//! still sets AWS_EC2_METADATA_DISABLED=true for every process.

use crate::common;

use common::moto::Moto;
use common::sandbox::LONG_TERM_SECRET;
use common::stub::{Answer, Silent, Stub};
use runas::Error;
use runas::creds::{Credentials, epoch_now};
use runas::sts::{AssumeRole, AwsSts, Mfa, OPERATION_TIMEOUT, Sts, StsSettings};
use std::time::{Duration, Instant};

/// A bad endpoint must fail within this; any run over it left a call unbounded.
const BOUND: Duration = Duration::from_secs(15);

fn long_term_keys() -> Credentials {
    Credentials {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: LONG_TERM_SECRET.into(),
        session_token: None,
        expiration: None,
    }
}

fn sts_at(endpoint: &str) -> AwsSts {
    AwsSts::new(StsSettings {
        region: "eu-west-1".into(),
        endpoint_url: Some(endpoint.to_string()),
        legacy_global_endpoint: false,
        use_fips: false,
        use_dual_stack: false,
    })
}

fn role<'a>(role_arn: &'a str, session_name: &'a str) -> AssumeRole<'a> {
    AssumeRole {
        role_arn,
        session_name,
        external_id: None,
        duration: Duration::from_secs(3600),
        mfa: None,
    }
}

/// The parts of an `Error::Sts`, or a panic naming what came instead.
fn sts_error(err: &Error) -> (&str, Option<&str>, &str, &str) {
    match err {
        Error::Sts {
            endpoint,
            code,
            message,
            hint,
            ..
        } => (
            endpoint.as_str(),
            code.as_deref(),
            message.as_str(),
            hint.as_deref().unwrap_or(""),
        ),
        other => panic!("expected Error::Sts, got {other:?}"),
    }
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains(LONG_TERM_SECRET), "secret key in: {text}");
    assert!(!text.contains("SessionToken"), "session token in: {text}");
}

#[test]
fn get_session_token_with_mfa_expires_after_the_duration() {
    let moto = Moto::start();
    let sts = sts_at(&moto.endpoint());
    let mfa = Mfa {
        serial: "arn:aws:iam::123456789012:mfa/alice",
        code: "123456",
    };
    let before = epoch_now();
    let creds = sts
        .get_session_token(&long_term_keys(), Duration::from_secs(7200), Some(mfa))
        .unwrap();
    assert!(!creds.access_key_id.is_empty());
    assert!(!creds.secret_access_key.is_empty());
    assert!(creds.session_token.as_deref().is_some_and(|t| !t.is_empty()));
    let expiration = creds.expiration.expect("session credentials expire");
    let expected = before + 7200;
    assert!(
        expiration.abs_diff(expected) <= 60,
        "expiration {expiration}, expected about {expected}"
    );
}

#[test]
fn assumed_role_keys_identify_as_the_role() {
    let moto = Moto::start();
    let sts = sts_at(&moto.endpoint());
    let started = Instant::now();
    let creds = sts
        .assume_role(
            &long_term_keys(),
            &role("arn:aws:iam::123456789012:role/admin", "alice"),
        )
        .unwrap();
    eprintln!(
        "first AssumeRole round trip (runtime and client start included): {:?}",
        started.elapsed()
    );
    assert!(creds.access_key_id.starts_with("ASIA"), "{creds:?}");
    assert!(creds.session_token.is_some());
    let expiration = creds.expiration.expect("role credentials expire");
    assert!(expiration.abs_diff(epoch_now() + 3600) <= 60, "{expiration}");

    let started = Instant::now();
    let again = sts
        .assume_role(
            &long_term_keys(),
            &role("arn:aws:iam::123456789012:role/admin", "bob"),
        )
        .unwrap();
    eprintln!("warm AssumeRole round trip: {:?}", started.elapsed());
    assert_ne!(
        again.access_key_id, creds.access_key_id,
        "moto returns fresh keys per call"
    );

    let identity = sts.get_caller_identity(&creds).unwrap();
    assert_eq!(identity.arn, "arn:aws:sts::123456789012:assumed-role/admin/alice");
    assert_eq!(identity.account, "123456789012");
}

#[test]
fn a_role_chain_assumes_with_the_previous_session() {
    let moto = Moto::start();
    let sts = sts_at(&moto.endpoint());
    let first = sts
        .assume_role(
            &long_term_keys(),
            &role("arn:aws:iam::111111111111:role/jump", "hop1"),
        )
        .unwrap();
    let second = sts
        .assume_role(&first, &role("arn:aws:iam::222222222222:role/target", "hop2"))
        .unwrap();
    let identity = sts.get_caller_identity(&second).unwrap();
    assert_eq!(identity.arn, "arn:aws:sts::222222222222:assumed-role/target/hop2");
    assert_eq!(identity.account, "222222222222");
}

#[test]
fn an_external_id_and_mfa_are_passed_to_assume_role() {
    let moto = Moto::start();
    let sts = sts_at(&moto.endpoint());
    let request = AssumeRole {
        external_id: Some("a-shared-secret-id"),
        mfa: Some(Mfa {
            serial: "arn:aws:iam::123456789012:mfa/alice",
            code: "654321",
        }),
        ..role("arn:aws:iam::123456789012:role/vendor", "ext")
    };
    let creds = sts.assume_role(&long_term_keys(), &request).unwrap();
    let identity = sts.get_caller_identity(&creds).unwrap();
    assert_eq!(identity.arn, "arn:aws:sts::123456789012:assumed-role/vendor/ext");
}

#[test]
fn external_id_and_mfa_go_on_the_wire() {
    let stub = Stub::start(vec![Answer::assume_role_ok(
        "ASIASTUBEXAMPLE00001",
        "arn:aws:sts::123456789012:assumed-role/vendor/ext",
        "2030-01-01T00:00:00Z",
    )]);
    let request = AssumeRole {
        external_id: Some("a-shared-secret-id"),
        mfa: Some(Mfa {
            serial: "arn:aws:iam::123456789012:mfa/alice",
            code: "654321",
        }),
        ..role("arn:aws:iam::123456789012:role/vendor", "ext")
    };
    let creds = sts_at(&stub.endpoint())
        .assume_role(&long_term_keys(), &request)
        .unwrap();
    assert_eq!(creds.expiration, Some(1_893_456_000));
    let sent = stub.requests().join("\n");
    for field in [
        "Action=AssumeRole",
        "ExternalId=a-shared-secret-id",
        "TokenCode=654321",
        "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice",
        "DurationSeconds=3600",
        "RoleSessionName=ext",
    ] {
        assert!(sent.contains(field), "{field} not in:\n{sent}");
    }
}

#[test]
fn the_server_sees_one_request_per_call() {
    let moto = Moto::start();
    let sts = sts_at(&moto.endpoint());
    assert_eq!(moto.sts_requests(), 0);
    let creds = sts
        .assume_role(&long_term_keys(), &role("arn:aws:iam::123456789012:role/a", "s"))
        .unwrap();
    sts.get_caller_identity(&creds).unwrap();
    sts.get_session_token(&long_term_keys(), Duration::from_secs(900), None)
        .unwrap();
    assert_eq!(moto.sts_requests(), 3, "moto log:\n{}", moto.log());
}

#[test]
fn a_dead_endpoint_fails_fast_and_names_it() {
    let endpoint = common::dead_endpoint();
    let sts = sts_at(&endpoint);
    let started = Instant::now();
    let err = sts
        .assume_role(&long_term_keys(), &role("arn:aws:iam::123456789012:role/a", "s"))
        .unwrap_err();
    let took = started.elapsed();
    eprintln!("dead endpoint failed after {took:?}: {err}");
    assert!(took < BOUND, "took {took:?}");
    let (shown_endpoint, code, message, hint) = sts_error(&err);
    assert_eq!(shown_endpoint, endpoint);
    assert_eq!(code, None);
    assert_eq!(message, "connection refused");
    assert!(hint.contains("AWS_ENDPOINT_URL_STS"), "{hint}");
    let text = err.to_string();
    assert!(text.contains(&endpoint), "{text}");
    assert_no_secret(&text);
    assert_no_secret(&format!("{err:?}"));
}

#[test]
fn a_hanging_endpoint_fails_in_bounded_time() {
    let silent = Silent::start();
    let sts = sts_at(&silent.endpoint());
    let started = Instant::now();
    let err = sts.get_caller_identity(&long_term_keys()).unwrap_err();
    let took = started.elapsed();
    eprintln!("hanging endpoint failed after {took:?}: {err}");
    assert!(took < BOUND, "took {took:?}");
    assert!(
        took >= OPERATION_TIMEOUT - Duration::from_secs(1),
        "gave up early: {took:?}"
    );
    let (shown_endpoint, code, message, _) = sts_error(&err);
    assert_eq!(shown_endpoint, silent.endpoint());
    assert_eq!(code, None);
    assert!(message.starts_with("timed out after "), "{message}");
    assert_no_secret(&err.to_string());
}

#[test]
fn an_overlong_session_name_is_a_validation_error() {
    let moto = Moto::start();
    let sts = sts_at(&moto.endpoint());
    let name = "n".repeat(65);
    let err = sts
        .assume_role(
            &long_term_keys(),
            &role("arn:aws:iam::123456789012:role/a", &name),
        )
        .unwrap_err();
    let (_, code, message, hint) = sts_error(&err);
    assert_eq!(code, Some("ValidationError"), "{err}");
    assert!(!message.is_empty());
    assert!(hint.contains("64"), "{hint}");
}

#[test]
fn moto_auth_errors_show_their_code_and_message_only() {
    let moto = Moto::start();
    moto.enable_auth_after(0);
    let sts = sts_at(&moto.endpoint());
    let err = sts.get_caller_identity(&long_term_keys()).unwrap_err();
    let (_, code, message, hint) = sts_error(&err);
    // moto wraps the error in <Errors>, where the SDK does not look: runas reads the code and
    // message from there itself, and shows nothing else of the body.
    assert_eq!(code, Some("InvalidClientTokenId"), "{err}");
    assert_eq!(message, "The security token included in the request is invalid.");
    assert!(hint.contains("AKIA…MPLE"), "{hint}");
    assert_no_secret(&err.to_string());
    moto.reset();
    moto.disable_auth();
    sts.get_caller_identity(&long_term_keys())
        .expect("auth mode is off again");
}

#[test]
fn access_denied_names_the_role_and_what_to_check() {
    let stub = Stub::start(vec![Answer::sts_error(
        403,
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on \
         resource: arn:aws:iam::123456789012:role/admin",
    )]);
    let err = sts_at(&stub.endpoint())
        .assume_role(
            &long_term_keys(),
            &role("arn:aws:iam::123456789012:role/admin", "s"),
        )
        .unwrap_err();
    let (_, code, message, hint) = sts_error(&err);
    assert_eq!(code, Some("AccessDenied"));
    assert!(
        message.contains("is not authorized to perform: sts:AssumeRole"),
        "{message}"
    );
    assert!(
        hint.contains("AKIA…MPLE may not assume arn:aws:iam::123456789012:role/admin"),
        "{hint}"
    );
    assert!(hint.contains("trust policy"), "{hint}");
    assert_eq!(stub.hits(), 1, "AccessDenied is not retried");
    assert_no_secret(&err.to_string());
}

#[test]
fn expired_token_says_to_refresh() {
    let stub = Stub::start(vec![Answer::sts_error(
        400,
        "ExpiredToken",
        "The security token included in the request is expired",
    )]);
    let session = Credentials {
        access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
        session_token: Some("FwoGZXIvYXdzEXAMPLETOKEN".into()),
        ..long_term_keys()
    };
    let err = sts_at(&stub.endpoint())
        .assume_role(&session, &role("arn:aws:iam::123456789012:role/next", "s"))
        .unwrap_err();
    let (_, code, _, hint) = sts_error(&err);
    assert_eq!(code, Some("ExpiredToken"));
    assert!(hint.contains("--refresh"), "{hint}");
    assert!(!err.to_string().contains("FwoGZXIvYXdzEXAMPLETOKEN"), "{err}");
}

#[test]
fn invalid_client_token_id_blames_the_credentials_file() {
    let stub = Stub::start(vec![Answer::sts_error(
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )]);
    let err = sts_at(&stub.endpoint())
        .get_caller_identity(&long_term_keys())
        .unwrap_err();
    let (_, code, message, hint) = sts_error(&err);
    assert_eq!(code, Some("InvalidClientTokenId"));
    assert_eq!(message, "The security token included in the request is invalid.");
    assert!(
        hint.contains("credentials file") && hint.contains("AKIA…MPLE"),
        "{hint}"
    );
}

#[test]
fn a_server_error_is_retried() {
    let stub = Stub::start(vec![
        Answer::sts_error(500, "InternalFailure", "try again"),
        Answer::assume_role_ok(
            "ASIASTUBEXAMPLE00002",
            "arn:aws:sts::123456789012:assumed-role/admin/s",
            "2030-01-01T00:00:00Z",
        ),
    ]);
    let creds = sts_at(&stub.endpoint())
        .assume_role(
            &long_term_keys(),
            &role("arn:aws:iam::123456789012:role/admin", "s"),
        )
        .unwrap();
    assert_eq!(creds.access_key_id, "ASIASTUBEXAMPLE00002");
    assert_eq!(stub.hits(), 2);
}

#[test]
fn server_errors_are_tried_three_times_then_reported() {
    let stub = Stub::start(vec![Answer::sts_error(
        503,
        "ServiceUnavailable",
        "down for maintenance",
    )]);
    let started = Instant::now();
    let err = sts_at(&stub.endpoint())
        .get_caller_identity(&long_term_keys())
        .unwrap_err();
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    assert_eq!(stub.hits(), 3);
    let (_, code, message, _) = sts_error(&err);
    assert_eq!(code, Some("ServiceUnavailable"));
    assert_eq!(message, "down for maintenance");
}
