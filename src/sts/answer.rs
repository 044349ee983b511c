//! What an answer from STS or IAM must be before the SDK may read it: at most `MAX_BODY`
//! bytes (a hostile or broken endpoint streaming gigabytes would otherwise grow runas until
//! the memory runs out), and, when it says 2xx, one complete XML document. The SDK's reader is
//! lenient: an unterminated `<AssumeRoleResponse>` would give credentials with an empty secret
//! and an expiry in 1970, and trailing garbage is ignored. Such an answer is an error, and its
//! body is never shown (a 2xx body holds the new secret key and token).

use aws_sdk_sts::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeDeserializationInterceptorContextMut,
};
use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sts::error::BoxError;
use aws_smithy_types::body::SdkBody;

/// The largest answer read: STS and IAM answers are a few KiB.
pub(crate) const MAX_BODY: usize = 1 << 20;

/// Why an answer was refused, found again by `errors::describe` in the SDK error's sources.
#[derive(Debug)]
pub(crate) struct Refused(pub(crate) String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// The interceptor every SDK client gets: the answer's size is limited, and a 2xx answer must
/// be one complete document of the service's format (XML for STS and IAM, JSON for the SSO
/// portal and SSO-OIDC).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bounded {
    Xml,
    Json,
}

impl Intercept for Bounded {
    fn name(&self) -> &'static str {
        "runas-bounded-answer"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let body = context.response_mut().body_mut();
        let whole = std::mem::replace(body, SdkBody::taken());
        *body = SdkBody::from_body_1_x(http_body_util::Limited::new(whole, MAX_BODY));
        Ok(())
    }

    /// A 2xx answer that is not a whole document is refused. One not read into memory is left
    /// alone: reading it failed (over the limit, cut off), and that error is the one to report.
    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        let status = response.status().as_u16();
        let Some(body) = response.body().bytes() else {
            return Ok(());
        };
        if !(200..300).contains(&status) {
            return Ok(());
        }
        let problem = match self {
            Bounded::Xml => well_formed(body)
                .err()
                .map(|problem| format!("is not a complete STS answer: {problem}")),
            Bounded::Json => serde_json::from_slice::<serde::de::IgnoredAny>(body)
                .err()
                .map(|_| "is not one complete JSON document".to_string()),
        };
        match problem {
            None => Ok(()),
            Some(problem) => Err(Box::new(Refused(format!(
                "HTTP {status}, but the answer ({} bytes) {problem}",
                body.len()
            )))),
        }
    }
}

/// Whether `body` is one complete XML document: tags balanced, one root element, nothing but
/// white space after it. Enough to tell a whole answer from a cut or padded one; the SDK reads
/// the content.
pub(crate) fn well_formed(body: &[u8]) -> Result<(), &'static str> {
    let text = std::str::from_utf8(body).map_err(|_| "it is not UTF-8")?;
    let mut open: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        let Some(lt) = rest.find('<') else {
            if !open.is_empty() {
                return Err("it ends before its elements close");
            }
            if roots == 0 {
                return Err("it is not XML");
            }
            return if rest.trim().is_empty() {
                Ok(())
            } else {
                Err("text follows the document")
            };
        };
        let between = &rest[..lt];
        if open.is_empty() && !between.trim().is_empty() {
            return Err(if roots == 0 {
                "it is not XML"
            } else {
                "text follows the document"
            });
        }
        rest = &rest[lt..];
        let (end, skip) = if rest.starts_with("<!--") {
            (rest.find("-->").ok_or("a comment does not end")?, 3)
        } else if rest.starts_with("<![CDATA[") {
            (rest.find("]]>").ok_or("a CDATA section does not end")?, 3)
        } else {
            (rest.find('>').ok_or("a tag does not end")?, 1)
        };
        let tag = &rest[1..end];
        rest = &rest[end + skip..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(opened) if opened == name.trim() => {}
                _ => return Err("its tags do not match"),
            }
            continue;
        }
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if name.is_empty() {
            return Err("a tag has no name");
        }
        if open.is_empty() {
            roots += 1;
            if roots > 1 {
                return Err("it has more than one root element");
            }
        }
        if !tag.ends_with('/') {
            open.push(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    const WHOLE: &str = "<?xml version=\"1.0\"?>\n<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n\
        <AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId></Credentials></AssumeRoleResult>\n\
        <ResponseMetadata><RequestId>x</RequestId></ResponseMetadata>\n</AssumeRoleResponse>\n";

    #[test]
    fn a_whole_answer_is_well_formed() {
        assert_eq!(well_formed(WHOLE.as_bytes()), Ok(()));
        assert_eq!(well_formed(b"<a><b/><!-- c > --><![CDATA[<x>]]></a>"), Ok(()));
    }

    #[test]
    fn a_cut_padded_or_foreign_answer_is_not() {
        let cut = &WHOLE[..WHOLE.len() / 2];
        assert!(well_formed(cut.as_bytes()).is_err());
        assert!(
            well_formed(
                WHOLE
                    .trim_end()
                    .strip_suffix("</AssumeRoleResponse>")
                    .unwrap()
                    .as_bytes()
            )
            .is_err()
        );
        assert_eq!(
            well_formed(format!("{WHOLE}garbage").as_bytes()),
            Err("text follows the document")
        );
        assert_eq!(
            well_formed(format!("{WHOLE}<a/>").as_bytes()),
            Err("it has more than one root element")
        );
        assert_eq!(well_formed(b"this is not XML <<< at all"), Err("it is not XML"));
        assert_eq!(well_formed(b""), Err("it is not XML"));
        assert_eq!(well_formed(b"<a><b></a></b>"), Err("its tags do not match"));
        assert!(well_formed(b"\xff\xfe").is_err());
    }
}
