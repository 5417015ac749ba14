use crate::access::{Limits, TrustedProxies};
use crate::config::PublicOrigin;
use crate::hub::{FanoutMode, Hub};
use crate::live::{LiveLimits, LiveSockets};
use crate::metrics::Metrics;
use crate::store::Store;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Everything a handler may need, cloned cheaply per request.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub hub: Arc<Hub>,
    /// Per-address rate limits (join codes, new sessions, new participants).
    pub limits: Arc<Limits>,
    pub trusted_proxies: Arc<TrustedProxies>,
    pub leptos_options: LeptosOptions,
    /// Where the site is served and the live channel's limits.
    pub web: Arc<WebSettings>,
    /// Open live sockets per participant and moderator secret.
    pub live_sockets: Arc<LiveSockets>,
    /// Figures for `GET /metrics` (served only with a token, see `metrics`).
    pub metrics: Arc<Metrics>,
}

/// How the site is reached and the live channel's limits.
#[derive(Debug, Clone, Default)]
pub struct WebSettings {
    /// The origin browsers open (see `Config::public_origin`).
    pub public_origin: Option<PublicOrigin>,
    pub live: LiveLimits,
}

impl WebSettings {
    /// Served over https: the participant cookie is `Secure` and `__Host-`.
    pub fn https(&self) -> bool {
        self.public_origin
            .as_ref()
            .is_some_and(PublicOrigin::is_https)
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    pub fn new(store: Store, leptos_options: LeptosOptions) -> Self {
        Self::new_with_fanout(store, leptos_options, FanoutMode::Auto)
    }

    /// [`Self::new`] with the fan-out `mode` (`--fanout`).
    pub fn new_with_fanout(store: Store, leptos_options: LeptosOptions, mode: FanoutMode) -> Self {
        let hub = Arc::new(Hub::new(store.clone(), mode));
        hub.start();
        Self {
            hub,
            limits: Arc::new(Limits::default()),
            trusted_proxies: Arc::new(TrustedProxies::default()),
            store,
            leptos_options,
            web: Arc::default(),
            live_sockets: Arc::default(),
            metrics: Arc::default(),
        }
    }

    /// The same state with these web settings.
    pub fn with_web(mut self, web: WebSettings) -> Self {
        self.web = Arc::new(web);
        self
    }

    /// Serves `GET /metrics` to requests bearing this token (never without one).
    pub fn with_metrics_token(mut self, token: Option<&str>) -> Self {
        self.metrics = Arc::new(Metrics::new(token));
        self
    }

    /// Believes X-Forwarded-For from these proxies.
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = Arc::new(proxies);
        self
    }
}
