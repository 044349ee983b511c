//! ListMFADevices, for `runas list mfa`, on the same runtime, HTTPS client and SDK
//! configuration as the STS calls.

use super::errors::{Call, describe};
use super::{AwsSts, Iam, MfaDevice};
use crate::creds::Credentials;
use crate::{Error, Result};
use std::time::Instant;

impl Iam for AwsSts {
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
        // IAM is global: signed for us-east-1 whatever the profile's region.
        let shared = self.sdk_config(creds, "us-east-1");
        let mut config = aws_sdk_iam::config::Builder::from(&shared).interceptor(super::answer::Bounded);
        if let Some(url) = endpoint_url {
            config = config.endpoint_url(url);
        }
        let client = aws_sdk_iam::Client::from_conf(config.build());
        let stream = client
            .list_mfa_devices()
            .user_name(user_name)
            .into_paginator()
            .items()
            .send();
        let runtime = self.runtime(call.operation)?;
        let started = Instant::now();
        let found = runtime.block_on(stream.collect::<std::result::Result<Vec<_>, _>>());
        crate::verbose::say(format_args!(
            "IAM {} at {}: {} in {} ms",
            call.operation,
            endpoint_url.unwrap_or("iam.amazonaws.com"),
            if found.is_ok() { "answered" } else { "failed" },
            started.elapsed().as_millis()
        ));
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
