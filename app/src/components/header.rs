use crate::i18n::*;
use leptos::prelude::*;

/// Top bar: skip link, product name, language switch.
#[component]
pub fn Header() -> AnyView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = match i18n.get_locale() {
            Locale::de => Locale::en,
            Locale::en => Locale::de,
        };
        i18n.set_locale(next);
    };
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="topbar">
            <a class="brand" href="/">{t!(i18n, app_name)}</a>
            // The visible word is the accessible name, in its own language.
            <button
                type="button"
                class="lang-switch"
                on:click=switch
                lang=move || match i18n.get_locale() {
                    Locale::de => "en",
                    Locale::en => "de",
                }
            >
                {move || match i18n.get_locale() {
                    Locale::de => "English",
                    Locale::en => "Deutsch",
                }}
            </button>
        </header>
    }
    .into_any()
}

/// Bottom of every page: the accessibility statement.
#[component]
pub fn Footer() -> AnyView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <a href="/barrierefreiheit" data-testid="accessibility-link">{t!(i18n, footer.accessibility)}</a>
        </footer>
    }
    .into_any()
}
