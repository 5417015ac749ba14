//! KI-Projektbewertung: each idea's Projektskizze, flags and the participant's
//! own rating on the method's criteria, each with its question and the
//! anchor text of every level.

use super::editable::EditableText;
use super::kivo::KivoPanel;
use super::marks::MarkToggle;
use crate::domain::board::{Card, IdeaFlag, Mark, Op, RatingSlot, SketchField, TextField};
use crate::domain::evaluation::{CriterionDef, CriterionKey, RatingValue};
use crate::domain::rating;
use crate::domain::sketch::{Einsatzfeld, Kooperationsform, SketchChoice};
use crate::domain::text::{TextEdit, TextSeq};
use crate::i18n::*;
use crate::method_texts;
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
    let text_field = move |field: SketchField| {
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
            <label for=id.clone()>{move || method_texts::sketch_field(i18n.get_locale(), field)}</label>
            <EditableText id seq clock=sync.clock on_edits rows=2 />
        }
    };
    let choose = move |choice: SketchChoice| {
        sync.submit(
            board.get_value(),
            Op::Choose {
                card_id: card_id.get_value(),
                choice,
            },
        )
    };
    let einsatzfeld = view! {
        <Choice
            id=format!("einsatzfeld-{}", card_id.get_value())
            label=Signal::derive(move || method_texts::einsatzfeld_label(i18n.get_locale()))
            options=Einsatzfeld::ALL
                .map(|f| (f.key(), Signal::derive(move || method_texts::einsatzfeld(i18n.get_locale(), f))))
                .to_vec()
            selected=Signal::derive(move || {
                card.with(|c| c.as_ref().and_then(|c| c.sketch.einsatzfeld).map(Einsatzfeld::key))
            })
            on_choose=Callback::new(move |key: String| {
                choose(SketchChoice::Einsatzfeld(Einsatzfeld::from_key(&key)))
            })
        />
    };
    let kooperationsform = view! {
        <Choice
            id=format!("kooperationsform-{}", card_id.get_value())
            label=Signal::derive(move || method_texts::kooperationsform_label(i18n.get_locale()))
            options=Kooperationsform::ALL
                .map(|k| (k.key(), Signal::derive(move || method_texts::kooperationsform(i18n.get_locale(), k))))
                .to_vec()
            selected=Signal::derive(move || {
                card.with(|c| {
                    c.as_ref().and_then(|c| c.sketch.kooperationsform).map(Kooperationsform::key)
                })
            })
            on_choose=Callback::new(move |key: String| {
                choose(SketchChoice::Kooperationsform(Kooperationsform::from_key(&key)))
            })
        />
    };
    // In the order of the Projektskizze (domain.md §3).
    let fields = view! {
        {einsatzfeld}
        {text_field(SketchField::Beschreibung)}
        {text_field(SketchField::Kommunen)}
        {text_field(SketchField::Daten)}
        {kooperationsform}
        {text_field(SketchField::Rechtsgrundlage)}
        {text_field(SketchField::NaechsteSchritte)}
    };
    let flag = move |flag: IdeaFlag| {
        let checked = move || card.with(|c| c.as_ref().is_some_and(|c| c.sketch.flag(flag)));
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
            // Replaced by the KI-VO-Vorprüfung ([`KivoPanel`]); an older
            // session's tick is its preset.
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
        </details>
        <MarkToggle sync board card_id card mark=Mark::Antrag />
        <KivoPanel sync board card_id card />
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

/// A choice of the Projektskizze: a labelled select whose first option,
/// "–", clears it.
#[component]
fn Choice(
    id: String,
    label: Signal<String>,
    options: Vec<(&'static str, Signal<String>)>,
    selected: Signal<Option<&'static str>>,
    on_choose: Callback<String>,
) -> AnyView {
    let options = options
        .into_iter()
        .map(|(key, text)| {
            view! {
                <option value=key selected=move || selected.get() == Some(key)>{move || text.get()}</option>
            }
        })
        .collect_view();
    view! {
        <label for=id.clone()>{move || label.get()}</label>
        <select
            id=id
            prop:value=move || selected.get().unwrap_or_default()
            on:change=move |ev| on_choose.run(event_target_value(&ev))
        >
            <option value="" selected=move || selected.get().is_none()>"–"</option>
            {options}
        </select>
    }
    .into_any()
}

/// The warning of an idea (personal data), shown beside its score; the
/// KI-VO class is the badge of its Vorprüfung.
#[component]
fn Warnings(#[prop(into)] card: Signal<Option<Card>>) -> AnyView {
    let i18n = use_i18n();
    let personal = move || card.with(|c| c.as_ref().is_some_and(|c| c.sketch.personal_data));
    view! {
        <Show when=personal>
            <p class="warning">"⚠ " {t!(i18n, ideas.personal_data)}</p>
        </Show>
    }
    .into_any()
}

/// One criterion: its question, then 1–5 each with its anchor text, or
/// "weiß nicht". A radio group named by the criterion and described by the
/// question, so arrow keys move between the levels and a screen reader
/// reads the question with the group.
#[component]
pub fn CriterionChoice(
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
    // Texts in the UI's language, following the language switch.
    let level_text = move |value: RatingValue| match value {
        RatingValue::Score(level) => {
            // A scale without anchors (Stärke, Relevanz) names its levels
            // by number only, not "2 – ".
            let anchor = method_texts::criterion_anchor(i18n.get_locale(), criterion, level);
            if anchor.is_empty() {
                level.to_string()
            } else {
                format!("{level} – {anchor}")
            }
        }
        RatingValue::DontKnow => t_string!(i18n, ideas.dont_know).to_string(),
    };
    let options = (RatingValue::MIN..=RatingValue::MAX)
        .map(RatingValue::Score)
        .chain(std::iter::once(RatingValue::DontKnow))
        .map(|value| {
            let label = move || level_text(value);
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
            <legend>{move || method_texts::criterion_label(i18n.get_locale(), criterion)}</legend>
            <p class="question" id=question_id data-testid="criterion-question">
                {move || method_texts::criterion_question(i18n.get_locale(), criterion)}
            </p>
            {options}
        </fieldset>
    }
    .into_any()
}
