//! GetRoleCredentials (the SSO portal) and CreateToken with a refresh token (SSO-OIDC), on the
//! same runtime, HTTPS client and SDK configuration as the STS calls. Neither is signed: the
//! portal takes the access token, SSO-OIDC the client's secret.

use super::AwsSts;
use super::errors::Call;
use crate::config::Sso;
use crate::creds::Credentials;
use crate::sources::sso::{Client, Device, Grant, NewToken, Registration, SsoApi};
use crate::{Error, Result};
use std::time::Duration;

/// What redaction knows of an SSO call: its secrets, in the places `errors::secrets` looks.
fn secrets_of(secret: &str, token: &str) -> Credentials {
    Credentials {
        access_key_id: String::new(),
        secret_access_key: secret.to_string(),
        session_token: Some(token.to_string()),
        expiration: None,
    }
}

impl SsoApi for AwsSts {
    fn get_role_credentials(&self, sso: &Sso, access_token: &str) -> Result<Credentials> {
        let shared = self.sdk_config_with(None, &sso.region.value);
        let mut config =
            aws_sdk_sso::config::Builder::from(&shared).interceptor(super::answer::Bounded::Json);
        if let Some(url) = &sso.portal_url {
            config = config.endpoint_url(&url.value);
        }
        let client = aws_sdk_sso::Client::from_conf(config.build());
        let secrets = secrets_of(access_token, access_token);
        let call = Call {
            operation: "GetRoleCredentials",
            source: &secrets,
            role_arn: None,
            mfa: None,
        };
        let shown = match &sso.portal_url {
            Some(url) => url.value.clone(),
            None => format!("portal.sso.{}.amazonaws.com", sso.region.value),
        };
        let (account, role) = sso.account_and_role("")?;
        let request = client
            .get_role_credentials()
            .access_token(access_token)
            .account_id(account)
            .role_name(role);
        let output = self.call_at(&call, shown.clone(), request.send())?;
        let creds = output.role_credentials();
        let text = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
        let expiration = creds
            .map(|c| c.expiration())
            .filter(|&ms| ms > 0)
            .map(|ms| u64::try_from(ms / 1000).unwrap_or(0));
        match creds.and_then(|c| {
            Some(Credentials {
                access_key_id: text(c.access_key_id())?,
                secret_access_key: text(c.secret_access_key())?,
                session_token: Some(text(c.session_token())?),
                expiration: Some(expiration?),
            })
        }) {
            Some(creds) => Ok(creds),
            None => Err(Error::Sts {
                operation: "GetRoleCredentials",
                endpoint: shown,
                code: None,
                message: "the answer has no complete credentials in it".into(),
                hint: Some("check that the endpoint is an SSO portal endpoint".into()),
            }),
        }
    }

    fn create_token(&self, sso: &Sso, client: &Client<'_>, grant: &Grant<'_>) -> Result<NewToken> {
        let (oidc, shown) = self.oidc(sso);
        let grant_secret = match grant {
            Grant::Refresh(token) => *token,
            Grant::DeviceCode(code) | Grant::AuthorizationCode { code, .. } => *code,
        };
        let secrets = secrets_of(client.secret, grant_secret);
        let call = Call {
            operation: "CreateToken",
            source: &secrets,
            role_arn: None,
            mfa: None,
        };
        let request = oidc
            .create_token()
            .client_id(client.id)
            .client_secret(client.secret);
        let request = match grant {
            Grant::Refresh(token) => request.grant_type("refresh_token").refresh_token(*token),
            Grant::DeviceCode(code) => request
                .grant_type("urn:ietf:params:oauth:grant-type:device_code")
                .device_code(*code),
            Grant::AuthorizationCode {
                code,
                verifier,
                redirect_uri,
            } => request
                .grant_type("authorization_code")
                .code(*code)
                .code_verifier(*verifier)
                .redirect_uri(*redirect_uri),
        };
        let output = self.call_at(&call, shown.clone(), request.send())?;
        match output.access_token().filter(|t| !t.is_empty()) {
            Some(token) if output.expires_in() > 0 => Ok(NewToken {
                access_token: token.to_string(),
                expires_in: Duration::from_secs(u64::try_from(output.expires_in()).unwrap_or(0)),
                refresh_token: output
                    .refresh_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            }),
            _ => Err(incomplete("CreateToken", shown)),
        }
    }

    fn register_client(
        &self,
        sso: &Sso,
        grant_types: &[&str],
        redirect_uri: Option<&str>,
    ) -> Result<Registration> {
        let (oidc, shown) = self.oidc(sso);
        let nothing = secrets_of("", "");
        let call = Call {
            operation: "RegisterClient",
            source: &nothing,
            role_arn: None,
            mfa: None,
        };
        let mut request = oidc
            .register_client()
            .client_name("runas")
            .client_type("public")
            .issuer_url(&sso.start_url.value)
            .set_scopes(Some(sso.scopes.clone()))
            .set_grant_types(Some(grant_types.iter().map(|g| g.to_string()).collect()));
        if let Some(uri) = redirect_uri {
            request = request.redirect_uris(uri);
        }
        let output = self.call_at(&call, shown.clone(), request.send())?;
        match (output.client_id(), output.client_secret()) {
            (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => Ok(Registration {
                client_id: id.to_string(),
                client_secret: secret.to_string(),
                expires_at: u64::try_from(output.client_secret_expires_at()).unwrap_or(0),
            }),
            _ => Err(incomplete("RegisterClient", shown)),
        }
    }

    fn start_device_authorization(&self, sso: &Sso, client: &Client<'_>) -> Result<Device> {
        let (oidc, shown) = self.oidc(sso);
        let secrets = secrets_of(client.secret, client.secret);
        let call = Call {
            operation: "StartDeviceAuthorization",
            source: &secrets,
            role_arn: None,
            mfa: None,
        };
        let request = oidc
            .start_device_authorization()
            .client_id(client.id)
            .client_secret(client.secret)
            .start_url(&sso.start_url.value);
        let output = self.call_at(&call, shown.clone(), request.send())?;
        let text = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
        let secs = |n: i32| Duration::from_secs(u64::try_from(n).unwrap_or(0));
        match (
            text(output.device_code()),
            text(output.user_code()),
            text(output.verification_uri()),
        ) {
            (Some(device_code), Some(user_code), Some(verification_uri)) => Ok(Device {
                device_code,
                user_code,
                verification_uri,
                verification_uri_complete: text(output.verification_uri_complete()),
                expires_in: secs(output.expires_in()).max(Duration::from_secs(60)),
                interval: secs(output.interval()).max(Duration::from_secs(1)),
            }),
            _ => Err(incomplete("StartDeviceAuthorization", shown)),
        }
    }
}

impl AwsSts {
    /// The SSO-OIDC client for `sso`'s region (or its configured endpoint), and the endpoint as
    /// messages show it.
    fn oidc(&self, sso: &Sso) -> (aws_sdk_ssooidc::Client, String) {
        let shared = self.sdk_config_with(None, &sso.region.value);
        let mut config =
            aws_sdk_ssooidc::config::Builder::from(&shared).interceptor(super::answer::Bounded::Json);
        if let Some(url) = &sso.oidc_url {
            config = config.endpoint_url(&url.value);
        }
        let shown = match &sso.oidc_url {
            Some(url) => url.value.clone(),
            None => format!("oidc.{}.amazonaws.com", sso.region.value),
        };
        (aws_sdk_ssooidc::Client::from_conf(config.build()), shown)
    }
}

/// An answer without the fields runas needs.
fn incomplete(operation: &'static str, endpoint: String) -> Error {
    Error::Sts {
        operation,
        endpoint,
        code: None,
        message: "the answer is missing fields it must have".into(),
        hint: Some("check that the endpoint is an SSO-OIDC endpoint".into()),
    }
}
