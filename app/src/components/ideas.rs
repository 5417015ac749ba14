//! KI-Projektbewertung: each idea's Projektskizze, flags and the participant's
//! own rating on the method's criteria, each with its question and the
//! anchor text of every level.

use super::editable::EditableText;
use crate::domain::board::{Card, IdeaFlag, Op, RatingSlot, SketchField, TextField};
use crate::domain::evaluation::{CriterionDef, CriterionKey, RatingValue};
use crate::domain::rating;
use crate::domain::text::{TextEdit, TextSeq};
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::prelude::*;

/// Projektskizze, flags and own rating of one idea card.
#[component]
pub fn IdeaPanel(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    criteria: &'static [CriterionDef],
) -> AnyView {
    let i18n = use_i18n();
    let card: Memo<Option<Card>> = Memo::new(move |_| {
        sync.boards.with(|boards| {
            boards
                .get(&board.get_value())
                .and_then(|b| b.find(&card_id.get_value()).map(|(_, _, c)| c.clone()))
        })
    });
    let fields = SketchField::ALL
        .into_iter()
        .map(|field| {
            let id = format!("sketch-{}-{field:?}", card_id.get_value());
            let text_field = TextField::Sketch(field);
            let seq = Signal::derive(move || {
                card.with(|c| {
                    c.as_ref()
                        .map(|c| c.seq(text_field))
                        .unwrap_or_else(TextSeq::default)
                })
            });
            let on_edits = Callback::new(move |edits: Vec<TextEdit>| {
                sync.edit_text(board.get_value(), card_id.get_value(), text_field, edits)
            });
            view! {
                <label for=id.clone()>{field.label_de()}</label>
                <EditableText id seq clock=sync.clock on_edits rows=2 />
            }
        })
        .collect_view();
    let flag = move |flag: IdeaFlag| {
        let checked = move || {
            card.with(|c| {
                c.as_ref().is_some_and(|c| match flag {
                    IdeaFlag::PersonalData => c.sketch.personal_data,
                    IdeaFlag::HighRisk => c.sketch.high_risk,
                })
            })
        };
        let toggle = move |ev| {
            sync.submit(
                board.get_value(),
                Op::SetFlag {
                    card_id: card_id.get_value(),
                    flag,
                    value: event_target_checked(&ev),
                },
            )
        };
        let label = match flag {
            IdeaFlag::PersonalData => t_string!(i18n, ideas.personal_data).to_string(),
            IdeaFlag::HighRisk => t_string!(i18n, ideas.high_risk).to_string(),
        };
        view! {
            <label class="flag-choice">
                <input type="checkbox" prop:checked=checked on:change=toggle />
                {label}
            </label>
        }
    };
    let title = move || card.with(|c| c.as_ref().map(|c| c.text.clone()).unwrap_or_default());
    view! {
        <details class="sketch">
            <summary>{t!(i18n, ideas.sketch)}</summary>
            <div class="sketch-fields">{fields}</div>
            {flag(IdeaFlag::PersonalData)}
            {flag(IdeaFlag::HighRisk)}
        </details>
        <Warnings card />
        <details class="rating" data-testid="rating">
            <summary>{t!(i18n, ideas.rate)} " „" {title} "“"</summary>
            {criteria
                .iter()
                .map(|criterion| view! { <CriterionChoice sync board card_id criterion /> })
                .collect_view()}
        </details>
    }
    .into_any()
}

/// The two warnings of an idea, shown beside its score.
#[component]
fn Warnings(#[prop(into)] card: Signal<Option<Card>>) -> AnyView {
    let i18n = use_i18n();
    let personal = move || card.with(|c| c.as_ref().is_some_and(|c| c.sketch.personal_data));
    let high_risk = move || card.with(|c| c.as_ref().is_some_and(|c| c.sketch.high_risk));
    view! {
        <Show when=personal>
            <p class="warning">"⚠ " {t!(i18n, ideas.warn_personal_data)}</p>
        </Show>
        <Show when=high_risk>
            <p class="warning">"⚠ " {t!(i18n, ideas.warn_high_risk)}</p>
        </Show>
    }
    .into_any()
}

/// One criterion: its question, then 1–5 each with its anchor text, or
/// "weiß nicht". A radio group named by the criterion and described by the
/// question, so arrow keys move between the levels and a screen reader
/// reads the question with the group.
#[component]
fn CriterionChoice(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    criterion: &'static CriterionDef,
) -> AnyView {
    let i18n = use_i18n();
    let me = sync.me().id;
    let own = Memo::new(move |_| {
        sync.boards.with(|boards| {
            boards
                .get(&board.get_value())
                .and_then(|b| rating::own(b, &card_id.get_value(), &me, criterion.key))
        })
    });
    let name = format!("rate-{}-{}", card_id.get_value(), criterion.key);
    let question_id = format!("{name}-question");
    let described_by = question_id.clone();
    let choose = move |value: RatingValue| {
        sync.submit(
            board.get_value(),
            Op::Rate {
                card_id: card_id.get_value(),
                criterion: CriterionKey::from(criterion),
                value: Some(RatingSlot::Given(value)),
            },
        )
    };
    let options = (RatingValue::MIN..=RatingValue::MAX)
        .map(|level| {
            (
                RatingValue::Score(level),
                format!("{level} – {}", criterion.anchor(level)),
            )
        })
        .chain(std::iter::once((
            RatingValue::DontKnow,
            t_string!(i18n, ideas.dont_know).to_string(),
        )))
        .map(|(value, label)| {
            view! {
                <label class="level">
                    <input
                        type="radio"
                        name=name.clone()
                        prop:checked=move || own.get() == Some(value)
                        on:change=move |_| choose(value)
                    />
                    {label}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset
            class="criterion"
            data-criterion=criterion.key
            aria-describedby=described_by
        >
            <legend>{criterion.label}</legend>
            <p class="question" id=question_id data-testid="criterion-question">
                {criterion.question}
            </p>
            {options}
        </fieldset>
    }
    .into_any()
}
