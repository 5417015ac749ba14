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
            store,
            leptos_options,
        }
    }
}
