//! KI-Projektbewertung: each idea's Projektskizze, flags and the participant's
//! own rating; below the board the evaluation (blind until the moderator
//! reveals): ranking table and portfolio chart.

use super::editable::EditableText;
use crate::domain::board::{Card, IdeaFlag, Op, RatingSlot, SketchField, TextField};
use crate::domain::rating::{self, IdeaRow};
use crate::domain::scoring::{
    quadrant, Consensus, Criterion, CriterionAggregate, RatingValue, DISSENS_RANGE, DISSENS_STD_DEV,
};
use crate::domain::sketch::{Einsatzfeld, Kooperationsform, SketchChoice};
use crate::domain::templates::Template;
use crate::domain::text::{TextEdit, TextSeq};
use crate::i18n::*;
use crate::method_texts;
use crate::sync::LiveSync;
use crate::texts::{decimal, decimal_or_dash};
use leptos::prelude::*;

/// Projektskizze, flags and own rating of one idea card.
#[component]
pub fn IdeaPanel(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
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
            {Criterion::ALL
                .into_iter()
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

/// The two warnings of an idea, shown beside its score.
#[component]
fn Warnings(#[prop(into)] card: Signal<Option<Card>>) -> AnyView {
    let i18n = use_i18n();
    let personal = move || card.with(|c| c.as_ref().is_some_and(|c| c.sketch.personal_data));
    let high_risk = move || card.with(|c| c.as_ref().is_some_and(|c| c.sketch.high_risk));
    view! {
        <Show when=personal>
            <p class="warning">"⚠ " {t!(i18n, ideas.personal_data)}</p>
        </Show>
        <Show when=high_risk>
            <p class="warning">"⚠ " {t!(i18n, ideas.high_risk)}</p>
        </Show>
    }
    .into_any()
}

/// One criterion: 1–5 with the anchor text of each level, or "weiß nicht".
/// A radio group, so arrow keys move between the levels.
#[component]
fn CriterionChoice(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    criterion: Criterion,
) -> AnyView {
    let i18n = use_i18n();
    let me = sync.me().id;
    let own = Memo::new(move |_| {
        sync.boards.with(|boards| {
            boards
                .get(&board.get_value())
                .and_then(|b| rating::own(b, &card_id.get_value(), &me, criterion))
        })
    });
    let name = format!("rate-{}-{}", card_id.get_value(), criterion.key());
    let choose = move |value: RatingValue| {
        sync.submit(
            board.get_value(),
            Op::Rate {
                card_id: card_id.get_value(),
                criterion,
                value: Some(RatingSlot::Given(value)),
            },
        )
    };
    let anchors = criterion.anchors_de();
    let options = (1..=5u8)
        .map(|level| {
            (
                RatingValue::Score(level),
                format!("{level} – {}", anchors[usize::from(level) - 1]),
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
        <fieldset class="criterion" data-criterion=criterion.key()>
            <legend>{criterion.label_de()}</legend>
            {options}
        </fieldset>
    }
    .into_any()
}

/// The evaluation under the KI board: while hidden only how many have rated,
/// after "Aufdecken" the ranking and the portfolio.
#[component]
pub fn Evaluation(
    sync: LiveSync,
    board: StoredValue<String>,
    template: &'static Template,
) -> AnyView {
    let i18n = use_i18n();
    let rows = Memo::new(move |_| {
        let weights = sync.settings.with(|s| s.weights);
        sync.boards.with(|boards| {
            boards
                .get(&board.get_value())
                .and_then(|b| rating::idea_rows(b, template, &weights).ok())
                .unwrap_or_default()
        })
    });
    let revealed = move || sync.settings.with(|s| s.ratings_revealed);
    view! {
        <section class="panel evaluation" aria-labelledby="evaluation-heading">
            <h2 id="evaluation-heading">{t!(i18n, ideas.evaluation)}</h2>
            <Show
                when=revealed
                fallback=move || view! { <RatingProgress rows /> }
            >
                <RankingTable rows />
                <Portfolio points=Signal::derive(move || points_of(&rows.get())) />
                <p class="hint">
                    {t!(i18n, ideas.consensus_rule, sd = decimal(DISSENS_STD_DEV, 1), range = DISSENS_RANGE)}
                </p>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn RatingProgress(rows: Memo<Vec<IdeaRow>>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <p class="hint">{t!(i18n, ideas.hidden_note)}</p>
        <ul class="progress" data-testid="rating-progress">
            {move || {
                rows.get()
                    .into_iter()
                    .map(|row| {
                        let count = row.raters;
                        view! {
                            <li>
                                <strong>{row.title}</strong> ": "
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
    Criterion(Criterion),
}

fn mean_of(row: &IdeaRow, c: Criterion) -> Option<f64> {
    row.score.criterion(c).mean
}

/// The ranking as a sortable table; also the text alternative of the chart.
#[component]
fn RankingTable(rows: Memo<Vec<IdeaRow>>) -> AnyView {
    let i18n = use_i18n();
    let sort = RwSignal::new(SortBy::Rank);
    let sorted = move || {
        let mut ranked = rating::ranked(&rows.get());
        match sort.get() {
            SortBy::Rank => {}
            SortBy::Title => ranked.sort_by_key(|a| a.1.title.to_lowercase()),
            SortBy::Criterion(c) => ranked.sort_by(|a, b| {
                mean_of(&b.1, c)
                    .unwrap_or(f64::NEG_INFINITY)
                    .total_cmp(&mean_of(&a.1, c).unwrap_or(f64::NEG_INFINITY))
            }),
        }
        ranked
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
                    {Criterion::ALL
                        .into_iter()
                        .map(|c| header(SortBy::Criterion(c), c.label_de().to_owned()))
                        .collect_view()}
                    <th scope="col">{t!(i18n, ideas.quadrant)}</th>
                    <th scope="col">{t!(i18n, ideas.notes)}</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    sorted()
                        .into_iter()
                        .map(|(rank, row)| view! { <RankingRow rank row /> })
                        .collect_view()
                }}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

#[component]
fn RankingRow(rank: Option<usize>, row: IdeaRow) -> AnyView {
    let i18n = use_i18n();
    let place = match (
        mean_of(&row, Criterion::Nutzen),
        mean_of(&row, Criterion::Machbarkeit),
    ) {
        (Some(n), Some(m)) => quadrant(n, m).label_de(),
        _ => "–",
    };
    let mut notes = Vec::new();
    if row.personal_data {
        notes.push(t_string!(i18n, ideas.personal_data).to_string());
    }
    if row.high_risk {
        notes.push(t_string!(i18n, ideas.high_risk).to_string());
    }
    view! {
        <tr data-idea=row.title.clone()>
            <td>{rank.map_or_else(|| "–".to_owned(), |r| r.to_string())}</td>
            <th scope="row">{row.title.clone()}</th>
            <td class="num" data-testid="score">{decimal_or_dash(row.score.score, 0)}</td>
            {Criterion::ALL
                .into_iter()
                .map(|c| view! { <AggregateCell agg=row.score.criterion(c).clone() /> })
                .collect_view()}
            <td>{place}</td>
            <td class="warning">{notes.join(" · ")}</td>
        </tr>
    }
    .into_any()
}

/// Mean, then n, "weiß nicht", median, min–max, SD and the Konsens badge.
#[component]
fn AggregateCell(agg: CriterionAggregate) -> AnyView {
    let i18n = use_i18n();
    let badge = agg.consensus.map(|c| {
        let class = match c {
            Consensus::Konsens => "badge konsens",
            Consensus::Dissens => "badge dissens",
        };
        view! { <span class=class>{c.label_de()}</span> }
    });
    let range = match (agg.min, agg.max) {
        (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
        _ => "–".to_owned(),
    };
    view! {
        <td class="num aggregate">
            <span class="mean">{decimal_or_dash(agg.mean, 1)}</span>
            " " {badge}
            <br />
            <small>
                {t!(
                    i18n,
                    ideas.aggregate_details,
                    n = agg.n,
                    dont_know = agg.dont_know,
                    median = decimal_or_dash(agg.median, 1),
                    range = range,
                    sd = decimal_or_dash(agg.std_dev, 2)
                )}
            </small>
        </td>
    }
    .into_any()
}

// Chart geometry (SVG user units).
const SIZE: f64 = 480.0;
const PAD: f64 = 56.0;
/// Colour-blind-safe ramp for Kooperationsform 1..5 (ColorBrewer RdYlBu).
const COOPERATION_COLOURS: [&str; 5] = ["#d73027", "#fc8d59", "#fee090", "#91bfdb", "#4575b4"];

fn axis(v: f64) -> f64 {
    PAD + (v - 1.0) / 4.0 * (SIZE - 2.0 * PAD)
}

/// One bubble of the portfolio: an idea with its rank and criterion means
/// (in [`Criterion::ALL`] order).
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioPoint {
    pub title: String,
    pub rank: Option<usize>,
    pub means: [Option<f64>; 4],
}

fn points_of(rows: &[IdeaRow]) -> Vec<PortfolioPoint> {
    rating::ranked(rows)
        .into_iter()
        .map(|(rank, row)| PortfolioPoint {
            means: Criterion::ALL.map(|c| mean_of(&row, c)),
            title: row.title,
            rank,
        })
        .collect()
}

/// Portfolio: x = Machbarkeit, y = Nutzen, size = Datenverfügbarkeit,
/// colour = Kooperationsform. Drawn by the app; the ranking table is its
/// text alternative.
#[component]
pub fn Portfolio(#[prop(into)] points: Signal<Vec<PortfolioPoint>>) -> AnyView {
    let i18n = use_i18n();
    let mid = axis(3.0);
    let lo = axis(1.0);
    let hi = axis(5.0);
    let quadrant_label = |x: f64, y: f64, text: &'static str| {
        view! { <text x=x y=y class="quadrant-label" text-anchor="middle">{text}</text> }
    };
    let bubbles = move || {
        points
            .get()
            .into_iter()
            .filter_map(|point| {
                let mean = |c: Criterion| point.means[c.index()];
                let (rank, title) = (point.rank, point.title.clone());
                let x = axis(mean(Criterion::Machbarkeit)?);
                let y = SIZE - axis(mean(Criterion::Nutzen)?);
                let data = mean(Criterion::Datenverfuegbarkeit);
                let r = 8.0 + 4.0 * (data.unwrap_or(1.0) - 1.0);
                let colour = mean(Criterion::Kooperationsform)
                    .map(|k| COOPERATION_COLOURS[(k.round() as usize).clamp(1, 5) - 1])
                    .unwrap_or("#ffffff");
                let label = rank.map(|r| r.to_string()).unwrap_or_default();
                Some(view! {
                    <g class="bubble">
                        <title>{title}</title>
                        <circle cx=x cy=y r=r fill=colour stroke="#1a1a1a" stroke-width="1.5" />
                        <text x=x y=y + 4.0 text-anchor="middle" class="bubble-label">{label}</text>
                    </g>
                })
            })
            .collect_view()
    };
    view! {
        <figure class="portfolio">
            <svg
                viewBox=format!("0 0 {SIZE} {SIZE}")
                role="img"
                aria-labelledby="portfolio-title portfolio-desc"
                data-testid="portfolio"
            >
                <title id="portfolio-title">{t!(i18n, ideas.portfolio_title)}</title>
                <desc id="portfolio-desc">{t!(i18n, ideas.portfolio_desc)}</desc>
                <rect x=lo y=SIZE - hi width=hi - lo height=hi - lo fill="#ffffff" stroke="#4a5560" />
                <rect x=mid y=SIZE - hi width=hi - mid height=hi - mid fill="#e3f1e6" />
                <line x1=mid y1=SIZE - lo x2=mid y2=SIZE - hi stroke="#4a5560" stroke-dasharray="4 4" />
                <line x1=lo y1=SIZE - mid x2=hi y2=SIZE - mid stroke="#4a5560" stroke-dasharray="4 4" />
                {quadrant_label((mid + hi) / 2.0, SIZE - hi + 18.0, quadrant(5.0, 5.0).label_de())}
                {quadrant_label((lo + mid) / 2.0, SIZE - hi + 18.0, quadrant(5.0, 1.0).label_de())}
                {quadrant_label((mid + hi) / 2.0, SIZE - lo - 8.0, quadrant(1.0, 5.0).label_de())}
                {quadrant_label((lo + mid) / 2.0, SIZE - lo - 8.0, quadrant(1.0, 1.0).label_de())}
                <text x=SIZE / 2.0 y=SIZE - 12.0 text-anchor="middle" class="axis-label">
                    {t!(i18n, ideas.axis_x)}
                </text>
                <text
                    x=16
                    y=SIZE / 2.0
                    text-anchor="middle"
                    class="axis-label"
                    transform=format!("rotate(-90 16 {})", SIZE / 2.0)
                >
                    {t!(i18n, ideas.axis_y)}
                </text>
                {bubbles}
            </svg>
            <figcaption>
                {t!(i18n, ideas.portfolio_legend)}
                <span class="legend">
                    {COOPERATION_COLOURS
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            view! {
                                <span class="legend-item">
                                    <span class="legend-swatch" style=format!("background:{c}")></span>
                                    {i + 1}
                                </span>
                            }
                        })
                        .collect_view()}
                </span>
            </figcaption>
        </figure>
    }
    .into_any()
}
