//! GetRoleCredentials (the SSO portal) and CreateToken with a refresh token (SSO-OIDC), on the
//! same runtime, HTTPS client and SDK configuration as the STS calls. Neither is signed: the
//! portal takes the access token, SSO-OIDC the client's secret.

use super::AwsSts;
use super::errors::Call;
use crate::config::Sso;
use crate::creds::Credentials;
use crate::sources::sso::{NewToken, Refresh, SsoApi};
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
        let mut config = aws_sdk_sso::config::Builder::from(&shared).interceptor(super::answer::BoundedJson);
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
        let request = client
            .get_role_credentials()
            .access_token(access_token)
            .account_id(&sso.account_id.value)
            .role_name(&sso.role_name.value);
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

    fn refresh_token(&self, sso: &Sso, refresh: &Refresh<'_>) -> Result<NewToken> {
        let shared = self.sdk_config_with(None, &sso.region.value);
        let mut config =
            aws_sdk_ssooidc::config::Builder::from(&shared).interceptor(super::answer::BoundedJson);
        if let Some(url) = &sso.oidc_url {
            config = config.endpoint_url(&url.value);
        }
        let client = aws_sdk_ssooidc::Client::from_conf(config.build());
        let secrets = secrets_of(refresh.client_secret, refresh.refresh_token);
        let call = Call {
            operation: "CreateToken",
            source: &secrets,
            role_arn: None,
            mfa: None,
        };
        let shown = match &sso.oidc_url {
            Some(url) => url.value.clone(),
            None => format!("oidc.{}.amazonaws.com", sso.region.value),
        };
        let request = client
            .create_token()
            .client_id(refresh.client_id)
            .client_secret(refresh.client_secret)
            .grant_type("refresh_token")
            .refresh_token(refresh.refresh_token);
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
            _ => Err(Error::Sts {
                operation: "CreateToken",
                endpoint: shown,
                code: None,
                message: "the answer has no access token and lifetime in it".into(),
                hint: Some("check that the endpoint is an SSO-OIDC endpoint".into()),
            }),
        }
    }
}
