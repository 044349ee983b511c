//! `runas whoami`: the account, ARN and user id of a profile's credentials.

use super::session::Session;
use crate::cache;
use crate::cli::WhoamiArgs;
use crate::provider;
use crate::sts::Sts;
use crate::{EnvMap, Result};

pub(crate) fn run(args: &WhoamiArgs, env: &EnvMap) -> Result<String> {
    // With no profile named anywhere, `default`, as the AWS CLI does.
    let creds_args = super::session::or_default(&args.creds, env);
    let args = &WhoamiArgs {
        creds: creds_args,
        json: args.json,
        verbosity: args.verbosity,
    };
    let session = Session::open(&args.creds, env, cache::refresh_window(env)?)?;
    // Long-term keys answer GetCallerIdentity themselves: no session token, so no MFA code.
    let creds = match session.resolved.base_keys() {
        Some(keys) if session.resolved.roles.is_empty() && keys.session_token.is_none() => {
            crate::creds::Credentials {
                access_key_id: keys.access_key_id.clone(),
                secret_access_key: keys.secret_access_key.clone(),
                session_token: None,
                expiration: None,
            }
        }
        _ => session.credentials(&args.creds)?,
    };
    let id = match session.sts.get_caller_identity(&creds) {
        // Cached credentials that STS says expired: drop what this profile cached and try once
        // more, as `env` does when AssumeRole meets the same answer.
        Err(e) if provider::is_expired_token(&e) && creds.expiration.is_some() => {
            provider::forget(&session.cache, &session.resolved);
            let creds = session.credentials(&args.creds)?;
            session.sts.get_caller_identity(&creds)?
        }
        other => other?,
    };
    if args.json {
        return Ok(format!(
            "{}\n",
            serde_json::to_string(&id).expect("an identity serialises")
        ));
    }
    Ok(format!(
        "account  {}\narn      {}\nuser_id  {}\n",
        id.account, id.arn, id.user_id
    ))
}
