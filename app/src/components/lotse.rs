//! The Rechtsform-Lotse (antrag.md §3) on the group's board: the guide's
//! questions (the shared [`QuestionPath`]), then the result: recommended
//! form, reasons, the open question with the forms still possible, the
//! comparison table of all forms, the note "Vorprüfung, keine Rechts- oder
//! Steuerberatung", source and Stand. The legal texts are `ikz-antrag`'s
//! data and stay German in every UI language; what they mean is
//! `crate::domain::lotse`'s. The item's carry-over button (CardExtras)
//! takes the same summary into the canvas.

use super::questions::QuestionPath;
use crate::domain::board::Card;
use crate::domain::lotse::{self, Recommendation};
use crate::domain::templates::QuestionSet;
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::prelude::*;

/// The questions and the result of the Lotse's item card.
#[component]
pub fn LotsePanel(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    #[prop(into)] card: Signal<Option<Card>>,
) -> AnyView {
    let i18n = use_i18n();
    let result = Memo::new(move |_| card.with(|c| c.as_ref().and_then(lotse::of_card)));
    let summary = Memo::new(move |_| card.with(|c| c.as_ref().and_then(lotse::card_summary)));
    view! {
        <section class="lotse" data-testid="lotse">
            <h4>{t!(i18n, lotse.questions)}</h4>
            <QuestionPath sync board card_id card set=QuestionSet::Rechtsform />
            // A stable live region: the result below is rebuilt on each
            // answer, so it announces only the recommendation's first words.
            <p class="visually-hidden" aria-live="polite">
                {move || summary.get().and_then(|s| s.split(". ").next().map(str::to_owned))}
            </p>
            {move || match result.get() {
                Some(r) => view! { <LotseOutcome result=r summary=summary.get().unwrap_or_default() /> }.into_any(),
                None => view! { <p class="hint">{t!(i18n, lotse.no_answers)}</p> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

/// The result of the answers given so far.
#[component]
fn LotseOutcome(result: Recommendation, summary: String) -> AnyView {
    let i18n = use_i18n();
    let form = result.name.clone();
    let possible = lotse::names(&result.in_betracht);
    let reasons = result
        .gruende
        .iter()
        .map(|g| view! { <li>{g.clone()}</li> })
        .collect_view();
    let (source, stand) = (result.quelle.clone(), result.stand.clone());
    view! {
        <section class="lotse-result" data-testid="lotse-result">
            <h4>{t!(i18n, lotse.result)}</h4>
            {match form {
                Some(name) => view! {
                    <p data-testid="lotse-form">
                        {t!(i18n, lotse.recommended)} " " <strong>{name}</strong>
                    </p>
                }
                .into_any(),
                None => view! {
                    <p data-testid="lotse-form">{t!(i18n, lotse.possible)} " " {possible.clone()}</p>
                }
                .into_any(),
            }}
            {(!result.gruende.is_empty()).then(|| view! {
                <h5>{t!(i18n, lotse.reasons)}</h5>
                <ul>{reasons}</ul>
            })}
            {result.offen.clone().map(|o| view! {
                <h5>{t!(i18n, lotse.open)}</h5>
                <p data-testid="lotse-open">{o}</p>
                <p>{t!(i18n, lotse.possible)} " " {possible.clone()}</p>
            })}
            <h5>{t!(i18n, lotse.summary)}</h5>
            <p class="lotse-summary" data-testid="lotse-summary">{summary}</p>
            <ComparisonTable result=result.clone() />
            <p class="hint"><strong>{result.hinweis.clone()}</strong></p>
            <p class="hint">
                {t!(i18n, ideas.kivo_source, source = source.clone())} " · "
                {t!(i18n, ideas.kivo_stand, stand = stand.clone())}
            </p>
            <p class="hint">{lotse::rlp().stand_hinweis.clone()}</p>
        </section>
    }
    .into_any()
}

/// Every criterion against every form; the recommended form's column is
/// marked. A real table: caption, column and row headers with scope.
#[component]
fn ComparisonTable(result: Recommendation) -> AnyView {
    let i18n = use_i18n();
    let table = result.tabelle;
    let chosen = result.name;
    let head = table
        .kopf
        .iter()
        .skip(1)
        .map(|name| {
            let mark = chosen.as_deref() == Some(name.as_str());
            view! { <th scope="col" class:chosen=mark>{name.clone()}</th> }
        })
        .collect_view();
    let rows = table
        .zeilen
        .into_iter()
        .map(|row| {
            let mut cells = row.into_iter();
            let label = cells.next().unwrap_or_default();
            let cells = cells.map(|c| view! { <td>{c}</td> }).collect_view();
            view! { <tr><th scope="row">{label}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || t_string!(i18n, lotse.table).to_string()>
            <table class="lotse-table" data-testid="lotse-table">
                <caption>{t!(i18n, lotse.table)}</caption>
                <thead><tr><th scope="col">{t!(i18n, lotse.criterion)}</th>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
