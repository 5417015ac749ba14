//! A question path as the group walks it (antrag.md §3 and §4), for any
//! `QuestionSet`: each question a radio group ja / nein / weiß nicht,
//! named by the question text, so arrow keys move between the answers and
//! a screen reader reads the question with the group. Which questions are
//! shown is the domain's (`QuestionSet::shown`); an answer is an
//! `Attribute::Answer` op through the one `apply`.

use crate::domain::board::{Attribute, Card, Op};
use crate::domain::kivo::{Answer, ShownQuestion};
use crate::domain::templates::QuestionSet;
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::prelude::*;

/// The questions of `set` for the card `card_id`, each answered live.
#[component]
pub fn QuestionPath(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    #[prop(into)] card: Signal<Option<Card>>,
    set: QuestionSet,
) -> AnyView {
    let questions =
        Memo::new(move |_| card.with(|c| c.as_ref().map(|c| set.shown(c)).unwrap_or_default()));
    let on_answer = Callback::new(move |(question, answer): (String, Answer)| {
        sync.submit(
            board.get_value(),
            Op::SetAttribute {
                card_id: card_id.get_value(),
                attribute: Attribute::Answer {
                    question,
                    answer: Some(answer),
                },
            },
        )
    });
    let prefix = match set {
        QuestionSet::Kivo => "kivo",
        QuestionSet::Rechtsform => "lotse",
    };
    view! {
        <For
            each=move || questions.get()
            key=|q| (q.id.clone(), q.answer.map(answer_key))
            let:question
        >
            <QuestionChoice prefix card_id question on_answer />
        </For>
    }
    .into_any()
}

/// The answer's stable key (the radio's value).
pub fn answer_key(answer: Answer) -> &'static str {
    match answer {
        Answer::Ja => "ja",
        Answer::Nein => "nein",
        Answer::WeissNicht => "weiss_nicht",
    }
}

/// One question: a radio group named by the question text.
#[component]
fn QuestionChoice(
    prefix: &'static str,
    card_id: StoredValue<String>,
    question: ShownQuestion,
    on_answer: Callback<(String, Answer)>,
) -> AnyView {
    let i18n = use_i18n();
    let name = format!("{prefix}-{}-{}", card_id.get_value(), question.id);
    let help_id = format!("{name}-hilfe");
    let described_by = question.hilfe.as_ref().map(|_| help_id.clone());
    let options = [Answer::Ja, Answer::Nein, Answer::WeissNicht]
        .into_iter()
        .map(|value| {
            let label = move || match value {
                Answer::Ja => t_string!(i18n, ideas.kivo_yes).to_string(),
                Answer::Nein => t_string!(i18n, ideas.kivo_no).to_string(),
                Answer::WeissNicht => t_string!(i18n, ideas.dont_know).to_string(),
            };
            let id = question.id.clone();
            view! {
                <label class="level">
                    <input
                        type="radio"
                        name=name.clone()
                        value=answer_key(value)
                        checked=question.answer == Some(value)
                        on:change=move |_| on_answer.run((id.clone(), value))
                    />
                    {label}
                </label>
            }
        })
        .collect_view();
    let class = format!("{prefix}-question");
    view! {
        <fieldset class=class data-question=question.id.clone() aria-describedby=described_by>
            <legend>{question.text.clone()}</legend>
            {question.hilfe.clone().map(|h| view! { <p class="hint" id=help_id>{h}</p> })}
            {options}
        </fieldset>
    }
    .into_any()
}
