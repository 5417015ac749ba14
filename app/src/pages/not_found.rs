use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> AnyView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <section class="panel">
            <h1>{t!(i18n, not_found.heading)}</h1>
            <p>
                <a href="/">{t!(i18n, not_found.back)}</a>
            </p>
        </section>
    }
    .into_any()
}
