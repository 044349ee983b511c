//! Which endpoint a region resolves to, as shown in messages, and the resolver for
//! `sts_regional_endpoints = legacy`.

use super::StsSettings;
use aws_sdk_sts::config::endpoint::{DefaultResolver, EndpointFuture, Params, ResolveEndpoint};
use std::future::Future;

/// The endpoint as shown in messages: the configured URL, or the host the SDK resolves for the
/// region (`sts.eu-west-1.amazonaws.com`, `sts.amazonaws.com` in legacy mode).
pub(super) fn shown(settings: &StsSettings) -> String {
    if let Some(url) = &settings.endpoint_url {
        return url.clone();
    }
    let params = Params::builder()
        .region(settings.region.clone())
        .use_global_endpoint(settings.legacy_global_endpoint)
        .use_fips(settings.use_fips)
        .use_dual_stack(settings.use_dual_stack)
        .build();
    let resolved = params.ok().and_then(|p| {
        let resolver = DefaultResolver::new();
        now_or_never(ResolveEndpoint::resolve_endpoint(&resolver, &p)).and_then(|r| r.ok())
    });
    match resolved {
        Some(endpoint) => {
            let url = endpoint.url();
            url.strip_prefix("https://")
                .unwrap_or(url)
                .trim_end_matches('/')
                .to_string()
        }
        None => format!("sts.{}.amazonaws.com", settings.region),
    }
}

/// Resolves with `UseGlobalEndpoint` set, as the AWS CLI does for
/// `sts_regional_endpoints = legacy`: us-east-1 and the other legacy regions go to
/// `sts.amazonaws.com`; newer regions stay regional (the endpoint rules decide which).
#[derive(Debug, Default)]
pub(super) struct LegacyGlobalEndpoint(DefaultResolver);

impl ResolveEndpoint for LegacyGlobalEndpoint {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        let global = Params::builder()
            .set_region(params.region().map(str::to_string))
            .set_use_dual_stack(params.use_dual_stack())
            .set_use_fips(params.use_fips())
            .set_endpoint(params.endpoint().map(str::to_string))
            .use_global_endpoint(true)
            .build();
        match global {
            Ok(global) => {
                EndpointFuture::new(async move { ResolveEndpoint::resolve_endpoint(&self.0, &global).await })
            }
            Err(e) => EndpointFuture::ready(Err(e.into())),
        }
    }
}

/// Polls a future once; the endpoint resolver's futures are always ready.
fn now_or_never<F: Future>(future: F) -> Option<F::Output> {
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(future).poll(&mut context) {
        std::task::Poll::Ready(out) => Some(out),
        std::task::Poll::Pending => None,
    }
}

/// The endpoint a resolver picks; only used by tests, to check the legacy setting.
#[cfg(test)]
pub(super) fn resolve(
    resolver: &dyn ResolveEndpoint,
    region: &str,
) -> Option<aws_sdk_sts::config::endpoint::Endpoint> {
    let params = Params::builder().region(region).build().ok()?;
    now_or_never(resolver.resolve_endpoint(&params))?.ok()
}
