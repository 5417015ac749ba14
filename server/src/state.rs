use crate::access::{Limits, TrustedProxies};
use crate::hub::Hub;
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
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    pub fn new(store: Store, leptos_options: LeptosOptions) -> Self {
        Self {
            hub: Arc::new(Hub::new(store.clone())),
            limits: Arc::new(Limits::default()),
            trusted_proxies: Arc::new(TrustedProxies::default()),
            store,
            leptos_options,
        }
    }

    /// Believes X-Forwarded-For from these proxies.
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = Arc::new(proxies);
        self
    }
}
