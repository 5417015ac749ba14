//! A textarea for live text: shows the draft while focused (so remote updates
//! do not move the cursor), sends edits debounced and relative to what was
//! last sent (`base`), so concurrent edits merge on the server.

use leptos::prelude::*;
use std::time::Duration;

/// Typing is sent at most this often (and at once when leaving the field).
const EDIT_DEBOUNCE: Duration = Duration::from_millis(300);

#[component]
pub fn EditableText(
    /// The text as the board currently has it.
    #[prop(into)]
    value: Signal<String>,
    /// Called with (base, new text) whenever the draft differs from the base.
    on_edit: Callback<(String, String)>,
    #[prop(optional, into)] id: Option<String>,
    /// Accessible name when there is no visible `<label for=id>`.
    #[prop(optional, into)]
    label: Option<Signal<String>>,
    #[prop(default = 3)] rows: u32,
) -> AnyView {
    let draft = RwSignal::new(None::<String>);
    let base = StoredValue::new(String::new());
    let scheduled = StoredValue::new(false);
    let flush = move || {
        let Some(now) = draft.get_untracked() else {
            return;
        };
        let from = base.get_value();
        if now != from {
            base.set_value(now.clone());
            on_edit.run((from, now));
        }
    };
    let on_focus = move |_| {
        let current = value.get_untracked();
        base.set_value(current.clone());
        draft.set(Some(current));
    };
    let on_input = move |ev| {
        draft.set(Some(event_target_value(&ev)));
        if !scheduled.get_value() {
            scheduled.set_value(true);
            set_timeout(
                move || {
                    scheduled.set_value(false);
                    flush();
                },
                EDIT_DEBOUNCE,
            );
        }
    };
    let on_blur = move |_| {
        flush();
        draft.set(None);
    };
    view! {
        <textarea
            id=id
            rows=rows
            aria-label=move || label.map(|l| l.get())
            prop:value=move || draft.get().unwrap_or_else(|| value.get())
            on:focus=on_focus
            on:input=on_input
            on:blur=on_blur
        ></textarea>
    }
    .into_any()
}
