#![recursion_limit = "256"]
//! The IKZ-Werkstatt server: configuration, router and state. Domain rules live
//! in the `app` crate; this crate authenticates, stores and serves.

pub mod access;
pub mod assets;
pub mod auth;
pub mod backup;
pub mod clock;
pub mod config;
pub mod datadir;
pub mod error;
pub mod export;
pub mod hub;
pub mod live;
pub mod metrics;
pub mod net;
pub mod qr;
pub mod retention;
pub mod routes;
pub mod state;
pub mod store;

use app::{shell, App};
use axum::http::{header, HeaderValue};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use state::AppState;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Content-Security-Policy: everything from our own origin, nothing from third
/// parties. Inline script is needed by Leptos' hydration bootstrap.
const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The whole application: JSON API, SSR pages, static files, security headers.
pub fn app_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let pkg = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let metrics = state.metrics.clone();
    let router = routes::api_router()
        // The bundle as scripts/build.sh precompressed it (long-cached when hashed).
        .nest_service(&format!("/{}", options.site_pkg_dir), assets::bundle(&pkg))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        // The wasm bundle shrinks to about a third with brotli/gzip: it matters on hotel WiFi.
        .layer(CompressionLayer::new());
    with_common_layers(router, metrics)
}

/// Just the JSON API, for tests that need no rendered pages.
pub fn api_router(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    with_common_layers(routes::api_router().with_state(state), metrics)
}

/// Security headers on every response, and every response counted
/// (`metrics::track`, outermost, so it sees the status that is sent).
fn with_common_layers(router: Router, metrics: std::sync::Arc<metrics::Metrics>) -> Router {
    let set = |name, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    router
        .layer(set(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
}
