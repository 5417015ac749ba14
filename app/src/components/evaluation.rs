//! The evaluation under a rating board (blind until the moderator reveals):
//! the engine's ranked ideas as a sortable table and its portfolio chart.
//! Every figure comes from `domain::evaluation`; this file only renders.

use super::kivo::KivoBadge;
use super::portfolio::Portfolio;
use crate::domain::evaluation::rounding::{decimal, mean_text, rank_text, score_text, sd_text};
use crate::domain::evaluation::view::{evaluate_group, GroupEvaluation, RankedIdea};
use crate::domain::evaluation::{
    Consensus, CriterionAggregate, CriterionDef, DISSENS_RANGE, DISSENS_STD_DEV,
};
use crate::domain::templates::Template;
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::prelude::*;

/// The evaluation under the board: while hidden only how many have rated,
/// after "Aufdecken" the ranking and the portfolio.
#[component]
pub fn Evaluation(
    sync: LiveSync,
    board: StoredValue<String>,
    template: &'static Template,
) -> AnyView {
    let i18n = use_i18n();
    let evaluation: Memo<Option<GroupEvaluation>> = Memo::new(move |_| {
        let weights = sync.settings.with(|s| s.weights.clone());
        sync.boards.with(|boards| {
            boards
                .get(&board.get_value())
                .and_then(|b| evaluate_group(b, template, &weights).ok())
        })
    });
    let revealed = move || sync.settings.with(|s| s.ratings_revealed);
    let chart =
        Signal::derive(move || evaluation.with(|e| e.as_ref().and_then(|e| e.chart.clone())));
    view! {
        <section class="panel evaluation" aria-labelledby="evaluation-heading">
            <h2 id="evaluation-heading">{t!(i18n, ideas.evaluation)}</h2>
            <Show
                when=revealed
                fallback=move || view! { <RatingProgress evaluation /> }
            >
                <RankingTable evaluation criteria=template.criteria />
                <Portfolio chart />
                <p class="hint">
                    {t!(i18n, ideas.consensus_rule, sd = decimal(DISSENS_STD_DEV, 1), range = DISSENS_RANGE)}
                </p>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn RatingProgress(evaluation: Memo<Option<GroupEvaluation>>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <p class="hint">{t!(i18n, ideas.hidden_note)}</p>
        <ul class="progress" data-testid="rating-progress">
            {move || {
                evaluation
                    .get()
                    .map(|e| e.ideas)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|idea| {
                        let count = idea.row.raters;
                        view! {
                            <li>
                                <strong>{idea.row.title}</strong> ": "
                                {if count == 1 {
                                    t_string!(i18n, ideas.raters_single, count = count).to_string()
                                } else {
                                    t_string!(i18n, ideas.raters, count = count).to_string()
                                }}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
    .into_any()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Rank,
    Title,
    /// Position of the criterion in the method's list.
    Criterion(usize),
}

fn mean_at(idea: &RankedIdea, i: usize) -> f64 {
    idea.row
        .score
        .per_criterion
        .get(i)
        .and_then(|a| a.mean)
        .unwrap_or(f64::NEG_INFINITY)
}

/// The ranking as a sortable table; also the text alternative of the chart.
#[component]
fn RankingTable(
    evaluation: Memo<Option<GroupEvaluation>>,
    criteria: &'static [CriterionDef],
) -> AnyView {
    let i18n = use_i18n();
    let sort = RwSignal::new(SortBy::Rank);
    let sorted = move || {
        let mut ideas = evaluation.get().map(|e| e.ideas).unwrap_or_default();
        match sort.get() {
            SortBy::Rank => {}
            SortBy::Title => ideas.sort_by_key(|a| a.row.title.to_lowercase()),
            SortBy::Criterion(i) => ideas.sort_by(|a, b| mean_at(b, i).total_cmp(&mean_at(a, i))),
        }
        ideas
    };
    let header = move |by: SortBy, label: String| {
        let aria_sort = move || {
            if sort.get() == by {
                "descending"
            } else {
                "none"
            }
        };
        view! {
            <th scope="col" aria-sort=aria_sort>
                <button type="button" class="sort" on:click=move |_| sort.set(by)>
                    {label}
                </button>
            </th>
        }
    };
    view! {
        // Scrolls sideways on narrow screens; focusable so keyboards can scroll it.
        <div
            class="table-scroll"
            tabindex="0"
            role="region"
            aria-label=move || t_string!(i18n, ideas.ranking_caption).to_string()
        >
        <table class="ranking" data-testid="ranking">
            <caption>{t!(i18n, ideas.ranking_caption)}</caption>
            <thead>
                <tr>
                    {header(SortBy::Rank, t_string!(i18n, ideas.rank).to_string())}
                    {header(SortBy::Title, t_string!(i18n, ideas.idea).to_string())}
                    <th scope="col">{t!(i18n, ideas.score)}</th>
                    {criteria
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let label = crate::method_texts::criterion_label(i18n.get_locale(), c);
                            header(SortBy::Criterion(i), label.to_owned())
                        })
                        .collect_view()}
                    <th scope="col">{t!(i18n, ideas.quadrant)}</th>
                    <th scope="col">{t!(i18n, ideas.notes)}</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    sorted()
                        .into_iter()
                        .map(|idea| view! { <RankingRow idea criteria /> })
                        .collect_view()
                }}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

#[component]
fn RankingRow(idea: RankedIdea, criteria: &'static [CriterionDef]) -> AnyView {
    let i18n = use_i18n();
    let quadrant = idea.placement.quadrant;
    // Words in the UI's language, following the language switch.
    let place = move || {
        quadrant.map_or_else(
            || "–".to_owned(),
            |q| crate::method_texts::quadrant(i18n.get_locale(), q),
        )
    };
    let (badge, dropped) = (idea.placement.data_badge, idea.row.score.dropped.clone());
    let personal = idea.row.personal_data;
    let kivo = idea.row.kivo.clone();
    let notes = move || {
        let mut notes = Vec::new();
        if badge {
            notes.push(crate::method_texts::data_badge(i18n.get_locale()));
        }
        notes.extend(crate::method_texts::incomplete_note(
            i18n.get_locale(),
            criteria,
            &dropped,
        ));
        if personal {
            notes.push(t_string!(i18n, ideas.personal_data).to_string());
        }
        notes.join(" · ")
    };
    view! {
        <tr data-idea=idea.row.title.clone()>
            <td data-testid="rank">{rank_text(idea.rank)}</td>
            <th scope="row">{idea.row.title.clone()}</th>
            <td class="num" data-testid="score">
                {score_text(idea.row.score.score)} " "
                <KivoBadge result=Signal::stored(kivo) />
            </td>
            {idea
                .row
                .score
                .per_criterion
                .iter()
                .map(|agg| view! { <AggregateCell agg=agg.clone() /> })
                .collect_view()}
            <td data-testid="quadrant">{place}</td>
            <td class="warning">{notes}</td>
        </tr>
    }
    .into_any()
}

/// Mean, then n, "weiß nicht", median, min–max, SD and the Konsens badge.
#[component]
pub(super) fn AggregateCell(agg: CriterionAggregate) -> AnyView {
    let i18n = use_i18n();
    let badge = agg.consensus.map(|c| {
        let class = match c {
            Consensus::Konsens => "badge konsens",
            Consensus::Dissens => "badge dissens",
        };
        view! { <span class=class>{c.label_de()}</span> }
    });
    view! {
        <td class="num aggregate">
            <span class="mean">{mean_text(agg.mean)}</span>
            " " {badge}
            <br />
            <small>
                {t!(
                    i18n,
                    ideas.aggregate_details,
                    n = agg.n,
                    dont_know = agg.dont_know,
                    median = mean_text(agg.median),
                    range = agg.range_text(),
                    sd = sd_text(agg.std_dev)
                )}
            </small>
        </td>
    }
    .into_any()
}
