#![recursion_limit = "256"]
//! IKZ-Werkstatt: the app crate, compiled for the server (`ssr`) and for the
//! browser (`hydrate`). Domain rules and wire types come from the `ikz-domain`
//! crate (re-exported as `domain` and `protocol`), API types in `api`, UI in
//! `pages` and `components`.

pub mod api;
mod client;
mod components;
pub use ikz_domain as domain;
mod pages;
pub use ikz_domain::protocol;
pub mod method_texts;
mod sync;
pub mod texts;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use crate::i18n::{I18nContextProvider, Locale};
use components::header::{Footer, Header};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};
use pages::{
    accessibility::AccessibilityPage, home::HomePage, join::JoinPage, moderation::ModerationPage,
    not_found::NotFound, projector::ProjectorPage, workspace::WorkspacePage,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> AnyView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    keep_owner_for_spawned_effects();
    // The chosen language is a cookie for the whole site (path "/", one
    // year), so the server renders the next page, also after a reload or on
    // another path, in that language (without a path the browser would keep
    // it only under the path where it was chosen, e.g. /join).
    let cookie = leptos_i18n::context::CookieOptions::<Locale>::default()
        .path("/".to_owned())
        .max_age(365 * 24 * 60 * 60 * 1000_i64);
    view! {
        <I18nContextProvider cookie_options=cookie>
            <Stylesheet id="leptos" href="/pkg/ikz_werkstatt.css" />
            <Title text="IKZ-Werkstatt" />
            <Router>
                <Header />
                <main id="main" tabindex="-1">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/moderation") view=ModerationPage />
                        <Route path=path!("/projector") view=ProjectorPage />
                        <Route path=path!("/join/:code") view=JoinPage />
                        <Route path=path!("/s/:code") view=WorkspacePage />
                        <Route path=path!("/barrierefreiheit") view=AccessibilityPage />
                    </Routes>
                </main>
                <Footer />
            </Router>
        </I18nContextProvider>
    }
    .into_any()
}

/// Server side only: keeps this render's reactive owner (which owns the
/// i18n locale signal) alive for a while after the page is rendered.
/// `leptos_i18n` writes its cookie from an isomorphic effect, a task the
/// server runs after spawning it; when a short render finished first, the
/// task read the disposed locale signal and panicked in the server log
/// ("… already been disposed", leptos_i18n context.rs). Counting executor
/// ticks (32 of them) was not enough: on the multi-threaded runtime the
/// effect's task can wait in a busy worker's queue while this one yields on
/// an idle worker (seen once in the end-to-end suite under load). So the
/// owner is held for [`OWNER_GRACE`] of wall-clock time after the ticks; the
/// cost is one render's reactive nodes for that long.
#[cfg(feature = "ssr")]
fn keep_owner_for_spawned_effects() {
    let Some(owner) = Owner::current() else {
        return;
    };
    leptos::task::spawn(async move {
        for _ in 0..32 {
            leptos::task::tick().await;
        }
        tokio::time::sleep(OWNER_GRACE).await;
        drop(owner);
    });
}

/// How long a server render's owner outlives the render (see
/// `keep_owner_for_spawned_effects`).
#[cfg(feature = "ssr")]
const OWNER_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Entry point of the browser build.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    client::register_service_worker();
    // End-to-end tests wait for this marker instead of sleeping.
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
