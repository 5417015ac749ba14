//! The KI-VO- und Datenschutz-Vorprüfung of a KI idea (antrag.md §4): the
//! questions as the group walks them, each a radio group ja / nein / weiß
//! nicht, then the result. Questions, reasons and to-dos are the legal
//! data of `ikz-antrag` and stay German in every UI language; the domain
//! (`crate::domain::kivo`) decides what is shown and what it means.

use crate::domain::board::{Attribute, Card, Op};
use crate::domain::kivo::{self, Answer, KivoResult, RiskClass, ShownQuestion};
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::prelude::*;

/// The collapsible check of one idea card.
#[component]
pub fn KivoPanel(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    #[prop(into)] card: Signal<Option<Card>>,
) -> AnyView {
    let i18n = use_i18n();
    let questions = Memo::new(move |_| {
        card.with(|c| c.as_ref().map(kivo::questions_shown).unwrap_or_default())
    });
    let result = Memo::new(move |_| card.with(|c| c.as_ref().and_then(kivo::result)));
    let answer = move |question: String, answer: Answer| {
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
    };
    let on_answer =
        Callback::new(move |(question, value): (String, Answer)| answer(question, value));
    view! {
        <details class="kivo" data-testid="kivo">
            <summary>
                {t!(i18n, ideas.kivo_title)} " " <KivoBadge result />
            </summary>
            <For
                each=move || questions.get()
                key=|q| (q.id.clone(), q.answer.map(answer_key))
                let:question
            >
                <QuestionChoice card_id question on_answer />
            </For>
            {move || result.get().map(|r| view! { <KivoOutcome result=r /> })}
        </details>
    }
    .into_any()
}

fn answer_key(answer: Answer) -> &'static str {
    match answer {
        Answer::Ja => "ja",
        Answer::Nein => "nein",
        Answer::WeissNicht => "weiss_nicht",
    }
}

/// One question: a radio group named by the question text, so arrow keys
/// move between ja, nein and weiß nicht and a screen reader reads the
/// question with the group.
#[component]
fn QuestionChoice(
    card_id: StoredValue<String>,
    question: ShownQuestion,
    on_answer: Callback<(String, Answer)>,
) -> AnyView {
    let i18n = use_i18n();
    let name = format!("kivo-{}-{}", card_id.get_value(), question.id);
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
    view! {
        <fieldset class="kivo-question" data-question=question.id.clone() aria-describedby=described_by>
            <legend>{question.text.clone()}</legend>
            {question.hilfe.clone().map(|h| view! { <p class="hint" id=help_id>{h}</p> })}
            {options}
        </fieldset>
    }
    .into_any()
}

/// The result: class, reasons, to-dos, open questions, dates, the note,
/// source and Stand.
#[component]
fn KivoOutcome(result: KivoResult) -> AnyView {
    let i18n = use_i18n();
    let list = |items: Vec<String>| {
        view! { <ul>{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul> }
    };
    let class = kivo::summary_of(&result);
    let dates = result
        .geltung
        .iter()
        .map(|a| format!("{}: {}", a.datum, a.was))
        .collect::<Vec<_>>();
    let (source, stand) = (result.quelle.clone(), result.stand.clone());
    view! {
        <section class="kivo-result" data-testid="kivo-result" aria-live="polite">
            <h4>{t!(i18n, ideas.kivo_result)}</h4>
            <p data-testid="kivo-class">{t!(i18n, ideas.kivo_class, class = class.clone())}</p>
            {result.uebernommen.clone().map(|u| view! { <p class="warning">{u}</p> })}
            <h5>{t!(i18n, ideas.kivo_reasons)}</h5>
            {list(result.gruende.clone())}
            <h5>{t!(i18n, ideas.kivo_todos)}</h5>
            {list(result.todos.clone())}
            {(!result.offen.is_empty()).then(|| view! {
                <h5>{t!(i18n, ideas.kivo_open)}</h5>
                {list(result.offen.clone())}
            })}
            <details>
                <summary>{t!(i18n, ideas.kivo_dates)}</summary>
                {list(dates)}
                <p class="hint">{result.stand_hinweis.clone()}</p>
            </details>
            <p class="hint"><strong>{result.hinweis.clone()}</strong></p>
            <p class="hint">
                {t!(i18n, ideas.kivo_source, source = source.clone())} " · "
                {t!(i18n, ideas.kivo_stand, stand = stand.clone())}
            </p>
        </section>
    }
    .into_any()
}

/// The class as a small badge ("KI-VO: hoch (unvollständig)"); nothing for
/// an idea without a check.
#[component]
pub fn KivoBadge(#[prop(into)] result: Signal<Option<KivoResult>>) -> AnyView {
    let i18n = use_i18n();
    (move || {
        result.get().map(|r| {
            let class = format!("badge kivo {}", badge_class(r.klasse));
            let text = kivo::summary_of(&r);
            view! {
                <span class=class data-testid="kivo-badge">
                    {t!(i18n, ideas.kivo_badge, class = text.clone())}
                </span>
            }
        })
    })
    .into_any()
}

fn badge_class(class: Option<RiskClass>) -> &'static str {
    match class {
        Some(RiskClass::Verboten) => "kivo-verboten",
        Some(RiskClass::Hoch) => "kivo-hoch",
        Some(RiskClass::Begrenzt) => "kivo-begrenzt",
        Some(RiskClass::Minimal) => "kivo-minimal",
        Some(RiskClass::KeinKiSystem) => "kivo-kein",
        None => "kivo-offen",
    }
}
