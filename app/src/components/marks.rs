//! A card's marks (antrag.md §1, §5) as a toggle button: "Für den Antrag"
//! on a KI idea (the domain keeps one per group), "Vereinbarung" on any
//! card, collected in the Ergebnisprotokoll.

use crate::domain::board::{Attribute, Card, Mark, Op};
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::prelude::*;

pub fn mark_label(locale: Locale, mark: Mark) -> String {
    match mark {
        Mark::Antrag => td_string!(locale, antrag.mark_antrag),
        Mark::Vereinbarung => td_string!(locale, antrag.mark_vereinbarung),
    }
    .to_string()
}

#[component]
pub fn MarkToggle(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    #[prop(into)] card: Signal<Option<Card>>,
    mark: Mark,
) -> AnyView {
    let i18n = use_i18n();
    let on = move || card.with(|c| c.as_ref().is_some_and(|c| c.marks.contains(&mark)));
    let toggle = move |_| {
        sync.submit(
            board.get_value(),
            Op::SetAttribute {
                card_id: card_id.get_value(),
                attribute: Attribute::Mark { mark, on: !on() },
            },
        )
    };
    view! {
        <button
            type="button"
            class="mark-toggle secondary"
            class:on=on
            data-mark=format!("{mark:?}").to_lowercase()
            aria-pressed=move || on().to_string()
            on:click=toggle
        >
            <span aria-hidden="true">{move || if on() { "★ " } else { "☆ " }}</span>
            {move || mark_label(i18n.get_locale(), mark)}
        </button>
    }
    .into_any()
}
