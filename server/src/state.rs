use crate::config::PublicOrigin;
use crate::hub::Hub;
use crate::live::{LiveLimits, LiveSockets};
use crate::store::Store;
use axum::extract::FromRef;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use leptos::config::LeptosOptions;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

/// Join attempts (code look-ups and joins) per address and minute: enough for a
/// room of 60 behind one NAT retrying, far too few to guess codes.
pub const JOIN_ATTEMPTS_PER_MINUTE: u32 = 120;

/// Everything a handler may need, cloned cheaply per request.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub hub: Arc<Hub>,
    pub join_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub leptos_options: LeptosOptions,
    /// Where the site is served and the live channel's limits.
    pub web: Arc<WebSettings>,
    /// Open live sockets per participant and moderator secret.
    pub live_sockets: Arc<LiveSockets>,
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
        let hub = Arc::new(Hub::new(store.clone()));
        hub.sweep_idle_rooms();
        Self {
            hub,
            join_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(JOIN_ATTEMPTS_PER_MINUTE).unwrap_or(NonZeroU32::MIN),
            ))),
            store,
            leptos_options,
            web: Arc::default(),
            live_sockets: Arc::default(),
        }
    }

    /// The same state with these web settings.
    pub fn with_web(mut self, web: WebSettings) -> Self {
        self.web = Arc::new(web);
        self
    }
}
