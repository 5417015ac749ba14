use crate::api::ApiErrorBody;
use crate::i18n::*;
use crate::texts::error_message;
use leptos::prelude::*;

/// An error in the user's language, announced to screen readers.
#[component]
pub fn ErrorNotice(#[prop(into)] error: Signal<Option<ApiErrorBody>>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <p class="error" role="alert">
            {move || error.get().map(|e| error_message(i18n.get_locale(), &e))}
        </p>
    }
    .into_any()
}
