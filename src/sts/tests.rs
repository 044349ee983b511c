//! Error wording, redaction and endpoints of the SDK clients, without a network.

use super::client::seconds;
use super::endpoint::{LegacyGlobalEndpoint, resolve};
use super::errors::{Call, describe, redact};
use super::*;
use crate::Error;
use aws_sdk_sts::config::endpoint::DefaultResolver;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::SdkError;
use aws_sdk_sts::error::{ConnectorError, ErrorMetadata};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_types::body::SdkBody;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKEN";

fn long_term() -> Credentials {
    Credentials {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: SECRET.into(),
        session_token: None,
        expiration: None,
    }
}

fn session() -> Credentials {
    Credentials {
        access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
        session_token: Some(TOKEN.into()),
        ..long_term()
    }
}

fn sts(endpoint_url: Option<&str>) -> AwsSts {
    AwsSts::new(StsSettings {
        region: "eu-west-1".into(),
        endpoint_url: endpoint_url.map(str::to_string),
        legacy_global_endpoint: false,
        use_fips: false,
        use_dual_stack: false,
    })
}

fn service_error(
    status: u16,
    code: Option<&str>,
    message: &str,
    body: &str,
) -> SdkError<AssumeRoleError, HttpResponse> {
    let mut meta = ErrorMetadata::builder().message(message);
    if let Some(code) = code {
        meta = meta.code(code);
    }
    let raw = HttpResponse::new(status.try_into().unwrap(), SdkBody::from(body));
    SdkError::service_error(AssumeRoleError::generic(meta.build()), raw)
}

fn map(sts: &AwsSts, call: &Call<'_>, err: SdkError<AssumeRoleError, HttpResponse>) -> Error {
    sts.error(call, describe(&err, Duration::from_millis(12_300)))
}

fn parts(err: &Error) -> (Option<String>, String, String) {
    match err {
        Error::Sts {
            code, message, hint, ..
        } => (code.clone(), message.clone(), hint.clone().unwrap_or_default()),
        other => panic!("not Error::Sts: {other:?}"),
    }
}

#[test]
fn access_denied_names_the_role_and_the_masked_key() {
    let source = long_term();
    let call = Call {
        operation: "AssumeRole",
        source: &source,
        role_arn: Some("arn:aws:iam::123456789012:role/admin"),
        mfa: None,
    };
    let err = map(
        &sts(None),
        &call,
        service_error(403, Some("AccessDenied"), "not authorized", ""),
    );
    let (code, message, hint) = parts(&err);
    assert_eq!(code.as_deref(), Some("AccessDenied"));
    assert_eq!(message, "not authorized");
    assert!(
        hint.contains("AKIA…MPLE may not assume arn:aws:iam::123456789012:role/admin"),
        "{hint}"
    );
    assert!(
        hint.contains("trust policy") && hint.contains("external_id") && hint.contains("MFA"),
        "{hint}"
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with(
            "STS AssumeRole at sts.eu-west-1.amazonaws.com failed: AccessDenied: not authorized; "
        ),
        "{shown}"
    );
    assert!(!shown.contains("AKIAIOSFODNN7EXAMPLE"), "{shown}");
}

#[test]
fn expired_token_says_refresh() {
    let source = session();
    let call = Call {
        operation: "AssumeRole",
        source: &source,
        role_arn: Some("arn:r"),
        mfa: None,
    };
    let err = map(
        &sts(None),
        &call,
        service_error(400, Some("ExpiredToken"), "expired", ""),
    );
    let (code, _, hint) = parts(&err);
    assert_eq!(code.as_deref(), Some("ExpiredToken"));
    assert!(hint.contains("--refresh"), "{hint}");
}

#[test]
fn rejected_long_term_keys_point_at_the_credentials_file() {
    let source = long_term();
    let call = Call {
        operation: "GetSessionToken",
        source: &source,
        role_arn: None,
        mfa: None,
    };
    for code in ["InvalidClientTokenId", "SignatureDoesNotMatch"] {
        let err = map(&sts(None), &call, service_error(403, Some(code), "bad", ""));
        let (got, _, hint) = parts(&err);
        assert_eq!(got.as_deref(), Some(code));
        assert!(
            hint.contains("credentials file") && hint.contains("AKIA…MPLE"),
            "{hint}"
        );
    }
}

#[test]
fn unparsed_error_answers_show_only_their_code_and_message_never_the_body() {
    let source = session();
    let mfa = Mfa {
        serial: "arn:aws:iam::123456789012:mfa/me",
        code: "123456",
    };
    let call = Call {
        operation: "AssumeRole",
        source: &source,
        role_arn: Some("arn:r"),
        mfa: Some(mfa),
    };
    let sts = sts(Some("http://127.0.0.1:9"));
    // moto's wrapper: the code and message are there, where the SDK does not look.
    let wrapped = "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code>\n\
        <Message>The security token included in the request is invalid.</Message></Error></Errors></ErrorResponse>";
    let err = map(&sts, &call, service_error(403, None, "", wrapped));
    let (code, message, _) = parts(&err);
    assert_eq!(code.as_deref(), Some("InvalidClientTokenId"));
    assert_eq!(message, "The security token included in the request is invalid.");
    // A body with an echo of the request and no message: the code only, no echo.
    let echo = format!(
        "<?xml version=\"1.0\"?>\n<Error>\n  <Code>Odd</Code> echo {SECRET} {TOKEN} code 123456 {}</Error>",
        "x".repeat(500)
    );
    let err = map(&sts, &call, service_error(403, None, "", &echo));
    let (code, message, hint) = parts(&err);
    assert_eq!(code.as_deref(), Some("Odd"));
    assert_eq!(message, "HTTP 403: Odd");
    assert!(
        hint.contains("--refresh"),
        "a 403 for session credentials: {hint}"
    );
    // A proxy's page: the status and size, nothing of it.
    let page = format!("<html><body>echo {SECRET}</body></html>");
    let err = map(&sts, &call, service_error(502, None, "", &page));
    let (code, message, _) = parts(&err);
    assert_eq!(code, None);
    assert_eq!(
        message,
        format!(
            "HTTP 502 with an answer that is not an STS error ({} bytes)",
            page.len()
        )
    );
    let shown = err.to_string();
    assert!(shown.contains("at http://127.0.0.1:9 failed"), "{shown}");
    assert!(
        !shown.contains(SECRET) && !shown.contains(TOKEN) && !shown.contains("echo"),
        "{shown}"
    );
}

#[test]
fn refused_connections_say_so_in_plain_words() {
    let source = long_term();
    let call = Call {
        operation: "AssumeRole",
        source: &source,
        role_arn: Some("arn:r"),
        mfa: None,
    };
    let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
    let err = SdkError::dispatch_failure(ConnectorError::io(io.into()));
    let (code, message, hint) = parts(&map(&sts(Some("http://127.0.0.1:9")), &call, err));
    assert_eq!(code, None);
    assert_eq!(message, "connection refused");
    assert!(hint.contains("AWS_ENDPOINT_URL_STS"), "{hint}");
}

#[test]
fn timeouts_say_how_long_was_waited() {
    let source = long_term();
    let call = Call {
        operation: "AssumeRole",
        source: &source,
        role_arn: Some("arn:r"),
        mfa: None,
    };
    let err = SdkError::timeout_error("operation timeout");
    let (_, message, hint) = parts(&map(&sts(None), &call, err));
    assert_eq!(message, "timed out after 12 s");
    assert!(hint.contains("network"), "{hint}");
}

#[test]
fn fips_and_dual_stack_choose_the_endpoint_as_the_sdks_do() {
    let shown = |use_fips, use_dual_stack| {
        AwsSts::new(StsSettings {
            region: "us-east-1".into(),
            endpoint_url: None,
            legacy_global_endpoint: false,
            use_fips,
            use_dual_stack,
        })
        .endpoint_shown()
    };
    assert_eq!(shown(false, false), "sts.us-east-1.amazonaws.com");
    assert_eq!(shown(true, false), "sts-fips.us-east-1.amazonaws.com");
    assert_eq!(shown(false, true), "sts.us-east-1.api.aws");
    assert_eq!(shown(true, true), "sts-fips.us-east-1.api.aws");
}

#[test]
fn the_shown_endpoint_is_the_url_or_the_regional_host() {
    assert_eq!(
        sts(Some("http://localhost:5000")).endpoint_shown(),
        "http://localhost:5000"
    );
    assert_eq!(sts(None).endpoint_shown(), "sts.eu-west-1.amazonaws.com");
    let legacy = |region: &str| {
        AwsSts::new(StsSettings {
            region: region.into(),
            endpoint_url: None,
            legacy_global_endpoint: true,
            use_fips: false,
            use_dual_stack: false,
        })
        .endpoint_shown()
    };
    assert_eq!(legacy("us-east-1"), "sts.amazonaws.com");
    assert_eq!(legacy("eu-west-1"), "sts.amazonaws.com");
    // Regions opened after 2019 never had the global endpoint.
    assert_eq!(legacy("ap-east-1"), "sts.ap-east-1.amazonaws.com");
}

#[test]
fn legacy_resolver_sends_old_regions_to_the_global_endpoint() {
    let legacy = LegacyGlobalEndpoint::default();
    let global = resolve(&legacy, "us-east-1").unwrap();
    assert_eq!(global.url(), "https://sts.amazonaws.com");
    let regional = resolve(&DefaultResolver::new(), "us-east-1").unwrap();
    assert_eq!(regional.url(), "https://sts.us-east-1.amazonaws.com");
}

#[test]
fn new_starts_no_runtime() {
    let sts = sts(None);
    assert!(!sts.runtime_started());
}

#[test]
fn redaction_keeps_digits_inside_longer_numbers() {
    assert_eq!(
        redact("a 123456 b 91234567 c", &["123456"]),
        "a <redacted> b 91234567 c"
    );
    assert_eq!(redact("k=SECRET;", &["SECRET"]), "k=<redacted>;");
}

#[test]
fn durations_out_of_range_are_left_for_sts_to_reject() {
    assert_eq!(seconds(Duration::from_secs(3600)), 3600);
    assert_eq!(seconds(Duration::from_secs(u64::MAX)), i32::MAX);
}
