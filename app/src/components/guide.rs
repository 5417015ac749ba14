//! Help on the board itself: what a method is for and how long it takes
//! (open while the board is empty), what to do first on an empty board, and
//! a calm screen-reader summary of what others changed.

use crate::domain::templates::Template;
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::prelude::*;
use std::time::Duration;

/// What the method is for, how long it takes, an example card.
fn help(locale: Locale, key: &str) -> Option<[String; 3]> {
    let texts = match key {
        "canvas" => [
            td_string!(locale, help.canvas_purpose).to_string(),
            td_string!(locale, help.canvas_duration).to_string(),
            td_string!(locale, help.canvas_example).to_string(),
        ],
        "swot" => [
            td_string!(locale, help.swot_purpose).to_string(),
            td_string!(locale, help.swot_duration).to_string(),
            td_string!(locale, help.swot_example).to_string(),
        ],
        "ki" => [
            td_string!(locale, help.ki_purpose).to_string(),
            td_string!(locale, help.ki_duration).to_string(),
            td_string!(locale, help.ki_example).to_string(),
        ],
        _ => return None,
    };
    Some(texts)
}

/// First-run help of one method; open by itself while the board is empty.
#[component]
pub fn MethodHelp(template: &'static Template, #[prop(into)] empty: Signal<bool>) -> AnyView {
    let i18n = use_i18n();
    let key = template.key;
    if help(Locale::de, key).is_none() {
        return ().into_any();
    }
    let part = move |i: usize| move || help(i18n.get_locale(), key).map(|t| t[i].clone());
    view! {
        <details class="method-help" open=empty.get_untracked() data-testid="method-help">
            <summary>{t!(i18n, help.summary)}</summary>
            <p>{part(0)}</p>
            <p>{part(1)}</p>
            <p>{part(2)}</p>
        </details>
        <Show when=move || empty.get()>
            <p class="empty-board" data-testid="empty-board">
                {move || {
                    let first = template.sections.first().map_or("", |s| s.label);
                    t_string!(i18n, help.empty_board, section = first).to_string()
                }}
            </p>
        </Show>
    }
    .into_any()
}

/// Tells screen readers who changed the board, at most every 10 seconds and
/// in one sentence, instead of reading out every keystroke of others.
#[component]
pub fn RemoteEdits(sync: LiveSync) -> AnyView {
    let i18n = use_i18n();
    let message = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if sync.is_gone() {
                    return;
                }
                let names = sync.remote_editors.get_untracked();
                if names.is_empty() {
                    return;
                }
                sync.remote_editors.set(Vec::new());
                message.set(
                    t_string!(i18n, workspace.remote_edits, names = names.join(", ")).to_string(),
                );
            },
            Duration::from_secs(10),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <p class="visually-hidden" aria-live="polite" data-testid="remote-edits">
            {move || message.get()}
        </p>
    }
    .into_any()
}
