//! ListMFADevices, for `runas list mfa`, on the same runtime, HTTPS client and SDK
//! configuration as the STS calls.

use super::errors::{Call, describe};
use super::{AwsSts, Iam, MfaDevice};
use crate::creds::Credentials;
use crate::{Error, Result};
use std::time::Instant;

impl Iam for AwsSts {
    fn policy_documents(
        &self,
        creds: &Credentials,
        user_name: &str,
        endpoint_url: Option<&str>,
    ) -> Result<Vec<String>> {
        self.documents(creds, user_name, endpoint_url)
    }

    fn list_mfa_devices(
        &self,
        creds: &Credentials,
        user_name: &str,
        endpoint_url: Option<&str>,
    ) -> Result<Vec<MfaDevice>> {
        let call = Call {
            operation: "ListMFADevices",
            source: creds,
            role_arn: None,
            mfa: None,
        };
        let client = self.iam_client(creds, endpoint_url);
        let stream = client
            .list_mfa_devices()
            .user_name(user_name)
            .into_paginator()
            .items()
            .send();
        let runtime = self.runtime(call.operation)?;
        let started = Instant::now();
        let found = runtime.block_on(stream.collect::<std::result::Result<Vec<_>, _>>());
        crate::verbose::say!(
            "IAM {} at {}: {} in {} ms",
            call.operation,
            endpoint_url.unwrap_or("iam.amazonaws.com"),
            if found.is_ok() { "answered" } else { "failed" },
            started.elapsed().as_millis()
        );
        let found = found.map_err(|err| {
            let mut e = self.error(&call, describe(&err, started.elapsed()));
            if let Error::Sts { endpoint, .. } = &mut e {
                *endpoint = endpoint_url.unwrap_or("iam.amazonaws.com").to_string();
            }
            e
        })?;
        Ok(found
            .iter()
            .map(|device| MfaDevice {
                serial_number: device.serial_number().to_string(),
                enabled: u64::try_from(device.enable_date().secs()).unwrap_or(0),
            })
            .collect())
    }
}

/// The policy documents behind `runas list roles`.
impl AwsSts {
    /// The IAM client. IAM is global: signed for us-east-1 whatever the profile's region.
    pub(super) fn iam_client(&self, creds: &Credentials, endpoint_url: Option<&str>) -> aws_sdk_iam::Client {
        let shared = self.sdk_config(creds, "us-east-1");
        let mut config = aws_sdk_iam::config::Builder::from(&shared).interceptor(super::answer::Bounded::Xml);
        if let Some(url) = endpoint_url {
            config = config.endpoint_url(url);
        }
        aws_sdk_iam::Client::from_conf(config.build())
    }

    /// Runs one IAM call, as the other calls run.
    fn iam_call<T, E, F>(
        &self,
        creds: &Credentials,
        operation: &'static str,
        endpoint_url: Option<&str>,
        future: F,
    ) -> Result<T>
    where
        F: std::future::Future<
                Output = std::result::Result<
                    T,
                    aws_sdk_iam::error::SdkError<E, aws_sdk_iam::config::http::HttpResponse>,
                >,
            >,
        E: aws_sdk_iam::error::ProvideErrorMetadata + std::error::Error + 'static,
    {
        let call = Call {
            operation,
            source: creds,
            role_arn: None,
            mfa: None,
        };
        self.call_at(
            &call,
            endpoint_url.unwrap_or("iam.amazonaws.com").to_string(),
            future,
        )
    }

    pub(super) fn documents(
        &self,
        creds: &Credentials,
        user: &str,
        endpoint_url: Option<&str>,
    ) -> Result<Vec<String>> {
        let iam = self.iam_client(creds, endpoint_url);
        let at = endpoint_url;
        let mut documents = Vec::new();
        // The user's own inline policies, then its managed ones.
        let names = self.iam_call(
            creds,
            "ListUserPolicies",
            at,
            iam.list_user_policies().user_name(user).send(),
        )?;
        for name in names.policy_names() {
            let out = self.iam_call(
                creds,
                "GetUserPolicy",
                at,
                iam.get_user_policy().user_name(user).policy_name(name).send(),
            )?;
            documents.push(decoded(out.policy_document()));
        }
        let attached = self.iam_call(
            creds,
            "ListAttachedUserPolicies",
            at,
            iam.list_attached_user_policies().user_name(user).send(),
        )?;
        let mut managed: Vec<String> = attached
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_string))
            .collect();
        // Its groups' inline and managed policies.
        let groups = self.iam_call(
            creds,
            "ListGroupsForUser",
            at,
            iam.list_groups_for_user().user_name(user).send(),
        )?;
        for group in groups.groups() {
            let group = group.group_name();
            let names = self.iam_call(
                creds,
                "ListGroupPolicies",
                at,
                iam.list_group_policies().group_name(group).send(),
            )?;
            for name in names.policy_names() {
                let out = self.iam_call(
                    creds,
                    "GetGroupPolicy",
                    at,
                    iam.get_group_policy().group_name(group).policy_name(name).send(),
                )?;
                documents.push(decoded(out.policy_document()));
            }
            let attached = self.iam_call(
                creds,
                "ListAttachedGroupPolicies",
                at,
                iam.list_attached_group_policies().group_name(group).send(),
            )?;
            managed.extend(
                attached
                    .attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_string)),
            );
        }
        managed.sort();
        managed.dedup();
        for arn in managed {
            let policy = self.iam_call(creds, "GetPolicy", at, iam.get_policy().policy_arn(&arn).send())?;
            let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else {
                continue;
            };
            let out = self.iam_call(
                creds,
                "GetPolicyVersion",
                at,
                iam.get_policy_version()
                    .policy_arn(&arn)
                    .version_id(version)
                    .send(),
            )?;
            if let Some(document) = out.policy_version().and_then(|v| v.document()) {
                documents.push(decoded(document));
            }
        }
        Ok(documents)
    }
}

/// IAM gives policy documents URL-encoded (RFC 3986); some servers give them as they are.
fn decoded(document: &str) -> String {
    if document.trim_start().starts_with('{') {
        return document.to_string();
    }
    crate::sources::http::percent_decode(document)
}
