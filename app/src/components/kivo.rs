//! The KI-VO- und Datenschutz-Vorprüfung of a KI idea (antrag.md §4): the
//! questions as the group walks them, each a radio group ja / nein / weiß
//! nicht, then the result. Questions, reasons and to-dos are the legal
//! data of `ikz-antrag` and stay German in every UI language; the domain
//! (`crate::domain::kivo`) decides what is shown and what it means.

use super::questions::QuestionPath;
use crate::domain::board::Card;
use crate::domain::kivo::{self, KivoResult, RiskClass};
use crate::domain::templates::QuestionSet;
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
    let result = Memo::new(move |_| card.with(|c| c.as_ref().and_then(kivo::result)));
    view! {
        <details class="kivo" data-testid="kivo">
            <summary>
                {t!(i18n, ideas.kivo_title)} " " <KivoBadge result />
            </summary>
            <QuestionPath sync board card_id card set=QuestionSet::Kivo />
            {move || result.get().map(|r| view! { <KivoOutcome result=r /> })}
        </details>
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
