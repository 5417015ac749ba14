use crate::hub::Hub;
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
        }
    }
}
