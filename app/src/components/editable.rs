//! A textarea for live text. It always shows the live text of the field (the
//! text CRDT as this browser has it): each input becomes small edits of the
//! character sequence, shown at once and sent within a moment; when someone
//! else's edit arrives, the caret stays after the character it was after.

use crate::domain::text::{self, CharId, Clock, TextEdit, TextSeq};
use leptos::html::Textarea;
use leptos::prelude::*;
use web_sys::HtmlTextAreaElement;

#[component]
pub fn EditableText(
    /// The field's character sequence as this browser shows it.
    #[prop(into)]
    seq: Signal<TextSeq>,
    /// This tab's ids for typed characters.
    clock: StoredValue<Clock>,
    /// Called with the edits of each input; `false` if they were refused.
    on_edits: Callback<Vec<TextEdit>, bool>,
    #[prop(optional, into)] id: Option<String>,
    /// Accessible name when there is no visible `<label for=id>`.
    #[prop(optional, into)]
    label: Option<Signal<String>>,
    #[prop(default = 3)] rows: u32,
) -> AnyView {
    let node = NodeRef::<Textarea>::new();
    // The sequence the textarea shows, and the character left of the caret.
    let shown = StoredValue::new(TextSeq::default());
    let anchor = StoredValue::new(None::<CharId>);
    // While an input method composes a word, the textarea is left alone.
    let composing = StoredValue::new(false);

    // Shows `next`; a focused textarea keeps its caret after the character
    // `caret` names (selection start and end).
    let show = move |el: &HtmlTextAreaElement, next: TextSeq, caret: [Option<CharId>; 2]| {
        let value = next.text();
        if el.value() != value {
            let focused = is_focused(el);
            el.set_value(&value);
            if focused {
                // A selection whose last character someone deleted collapses,
                // rather than spread over what they wrote instead.
                let [start, mut end] = caret;
                if start != end && !end.is_some_and(|e| next.is_visible(e)) {
                    end = start;
                }
                let [start, end] = [start, end].map(|c| {
                    let at = next.index_after(c).unwrap_or(0);
                    text::utf16_index(&value, at) as u32
                });
                let _ = el.set_selection_range(start, end.max(start));
            }
        }
        anchor.set_value(caret[0]);
        shown.set_value(next);
    };

    // Someone else's edit (or the first render).
    Effect::new(move |_| {
        let next = seq.get();
        let Some(el) = node.get() else { return };
        if composing.get_value() {
            return;
        }
        let caret = shown.with_value(|old| caret_anchors(&el, old, anchor.get_value()));
        show(&el, next, caret);
    });

    let input = move || {
        let Some(el) = node.get_untracked() else {
            return;
        };
        let value = el.value();
        let old = shown.get_value();
        let caret = selection(&el, &value).1;
        let Some(splice) = text::splice_between(&old.text(), &value, Some(caret)) else {
            return;
        };
        let edits = clock
            .try_update_value(|c| old.splice_edits_at(&splice, anchor.get_value(), c))
            .unwrap_or_default();
        // The caret ends after the last typed character, or where text was removed.
        let typed_last = edits.iter().rev().find_map(|e| match e {
            TextEdit::Insert { id, text, .. } => Some(CharId {
                site: id.site,
                counter: id.counter + text.chars().count() as u64 - 1,
            }),
            TextEdit::Delete { .. } => None,
        });
        let left = typed_last.or_else(|| old.id_before(splice.at));
        if on_edits.run(edits) {
            show(&el, seq.get_untracked(), [left, left]);
        } else {
            // Refused: back to the live text, caret where the change began.
            let before = old.id_before(splice.at);
            show(&el, seq.get_untracked(), [before, before]);
        }
    };

    view! {
        <textarea
            id=id
            rows=rows
            node_ref=node
            aria-label=move || label.map(|l| l.get())
            on:input=move |_| {
                if !composing.get_value() {
                    input();
                }
            }
            on:compositionstart=move |_| composing.set_value(true)
            on:compositionend=move |_| {
                composing.set_value(false);
                input();
            }
        ></textarea>
    }
    .into_any()
}

fn is_focused(el: &HtmlTextAreaElement) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_some_and(|active| active.is_same_node(Some(el)))
}

/// The selection of a textarea as character indices into `value`.
fn selection(el: &HtmlTextAreaElement, value: &str) -> (usize, usize) {
    let at = |offset: Result<Option<u32>, _>| {
        let offset = offset.ok().flatten().unwrap_or(0) as usize;
        text::char_index(value, offset)
    };
    let start = at(el.selection_start());
    (start, at(el.selection_end()).max(start))
}

/// The characters left of the selection's start and end in `shown`; the
/// remembered anchor wins where it stands at the same place (it may be a
/// character someone deleted meanwhile).
fn caret_anchors(
    el: &HtmlTextAreaElement,
    shown: &TextSeq,
    remembered: Option<CharId>,
) -> [Option<CharId>; 2] {
    let (start, end) = selection(el, &el.value());
    [start, end].map(|at| {
        if shown.index_after(remembered) == Some(at) {
            remembered
        } else {
            shown.id_before(at)
        }
    })
}
