//! The further methods' figures on screen: the Zielmatrix, the Erleben
//! curve with the top pain points, the radar of the success factors with
//! Handlungsbedarf, and the phases' progress. Every figure comes from the
//! domain's view models (`domain::figures`); this file only draws them.
//! Each chart has a table beside it as its text alternative.

use super::figures_rest::{card_name, SeedFigure};
use crate::domain::board::{split_board_id, BoardState};
use crate::domain::evaluation::rounding::{mean_text, percent_text};
use crate::domain::figures::{self, factors, phases, process, zielmatrix, Figure};
use crate::domain::privacy::date_of_day;
use crate::domain::session::german_date;
use crate::domain::templates::Template;
use crate::i18n::*;
use crate::method_texts;
use crate::sync::LiveSync;
use leptos::prelude::*;

/// The figures the template's data calls for (`domain::figures::of`),
/// below the board.
#[component]
pub fn Figures(sync: LiveSync, board: StoredValue<String>, template: &'static Template) -> AnyView {
    let board_state = Memo::new(move |_| {
        sync.boards.with(|b| {
            b.get(&board.get_value())
                .cloned()
                .unwrap_or_default()
                .materialised(template)
        })
    });
    // Ratings and dots are blind until the moderator reveals them: before,
    // a board holds one's own only, and a "mean" of it would show one's own
    // rating as the group's (as the KI ranking, these figures wait).
    let revealed = Signal::derive(move || sync.settings.with(|s| s.ratings_revealed));
    figures::of(template)
        .into_iter()
        .map(|figure| match figure {
            Figure::Zielmatrix => {
                view! { <ZielmatrixTable sync board board_state template /> }.into_any()
            }
            Figure::ErlebenCurve => {
                view! { <ErlebenCurve board_state template revealed /> }.into_any()
            }
            Figure::FactorRadar => {
                view! { <FactorRadar board_state template revealed /> }.into_any()
            }
            Figure::PhaseProgress => {
                view! { <PhaseProgress sync board_state template /> }.into_any()
            }
            Figure::Kostenaufteilung => {
                let download = sync.kosten_workbook_url();
                view! { <super::kosten::KostenFigure board_state download /> }.into_any()
            }
            figure => view! { <SeedFigure board_state template figure revealed /> }.into_any(),
        })
        .collect_view()
        .into_any()
}

/// A radar axis's name in `locale`: its column's short name.
fn column_name(locale: Locale, template: &Template, col: &factors::ColumnFigures) -> String {
    template.section(col.section).map_or_else(
        || col.label.to_owned(),
        |s| method_texts::section_short(locale, template, s),
    )
}

/// An item's label in `locale` (a fixed item's, or the card's text).
fn item_name(locale: Locale, template: &Template, item: &factors::ItemFigures) -> String {
    card_name(locale, template, &item.card_id, &item.label)
}

/// Goals × Kommunen present (the group's people online, then any Kommune
/// that marked a goal), each cell ✓ / ~ / ✗, the share per goal and the
/// "Allianz der Willigen".
#[component]
fn ZielmatrixTable(
    sync: LiveSync,
    board: StoredValue<String>,
    board_state: Memo<BoardState>,
    template: &'static Template,
) -> AnyView {
    let i18n = use_i18n();
    let matrix = Memo::new(move |_| {
        let group = board.with_value(|b| split_board_id(b).map(|(g, _)| g.to_owned()));
        let mut present: Vec<String> = sync.online.with(|o| {
            o.iter()
                .filter(|p| Some(&p.group_id) == group.as_ref() && !p.kommune.is_empty())
                .map(|p| p.kommune.clone())
                .collect()
        });
        present.sort();
        present.dedup();
        board_state.with(|b| zielmatrix::zielmatrix(b, template, &present))
    });
    let head = move || {
        matrix.with(|m| {
            m.kommunen
                .iter()
                .map(|k| view! { <th scope="col">{k.clone()}</th> })
                .collect_view()
        })
    };
    let rows = move || {
        matrix.with(|m| {
            m.goals
                .iter()
                .map(|g| {
                    let cells = g
                        .cells
                        .iter()
                        .map(|c| view! { <td>{c.map_or("–", |s| s.symbol())}</td> })
                        .collect_view();
                    let core = g
                        .core
                        .then(|| view! { " " <strong>{t!(i18n, further.core)}</strong> });
                    view! {
                        <tr>
                            <th scope="row">{g.text.clone()} {core}</th>
                            {cells}
                            <td>{percent_text(g.share)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let alliance = move || {
        matrix.with(|m| match &m.alliance {
            None => t_string!(i18n, figures.no_core_goal).to_string(),
            Some(k) if k.is_empty() => t_string!(i18n, figures.alliance_none).to_string(),
            Some(k) => k.join(", "),
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="zielmatrix-heading">
            <h2 id="zielmatrix-heading">{t!(i18n, figures.zielmatrix)}</h2>
            <table class="figures-table" data-testid="zielmatrix">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, figures.goal)}</th>
                        {head}
                        <th scope="col">{t!(i18n, figures.agreement)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p data-testid="alliance">
                <strong>{t!(i18n, figures.alliance)} ": "</strong>
                {alliance}
            </p>
        </section>
    }
    .into_any()
}

/// The Erleben curve across the steps (SVG, gaps where nobody rated),
/// its table, and the top 3 pain points by dots.
#[component]
fn ErlebenCurve(
    board_state: Memo<BoardState>,
    template: &'static Template,
    revealed: Signal<bool>,
) -> AnyView {
    let i18n = use_i18n();
    let criterion = template
        .sections
        .iter()
        .find(|s| s.ordered && s.is_rated())
        .and_then(|s| s.criteria_in(template).first());
    let Some(criterion) = criterion else {
        return ().into_any();
    };
    let points = Memo::new(move |_| board_state.with(|b| process::curve(b, template, criterion)));
    let pains = Memo::new(move |_| board_state.with(|b| process::top_pain_points(b, template)));
    const STEP: f64 = 80.0;
    const HEIGHT: f64 = 160.0;
    // Level 1 at the bottom, 5 at the top.
    let y = |mean: f64| HEIGHT - (mean - 1.0) / 4.0 * (HEIGHT - 20.0) - 10.0;
    let svg = move || {
        points.with(|p| {
            let width = STEP * (p.len().max(1) as f64);
            let mut segments: Vec<Vec<String>> = vec![Vec::new()];
            let mut dots = Vec::new();
            for (i, point) in p.iter().enumerate() {
                let x = STEP * (i as f64) + STEP / 2.0;
                match point.aggregate.mean {
                    Some(mean) => {
                        if let Some(segment) = segments.last_mut() {
                            segment.push(format!("{x:.1},{:.1}", y(mean)));
                        }
                        dots.push((format!("{x:.1}"), format!("{:.1}", y(mean))));
                    }
                    None => segments.push(Vec::new()),
                }
            }
            let lines = segments
                .into_iter()
                .filter(|s| s.len() > 1)
                .map(|s| view! { <polyline points=s.join(" ") class="curve-line" /> })
                .collect_view();
            let circles = dots
                .into_iter()
                .map(|(cx, cy)| view! { <circle cx=cx cy=cy r="5" class="curve-dot" /> })
                .collect_view();
            view! {
                <svg
                    viewBox=format!("0 0 {width} {HEIGHT}")
                    class="erleben-curve"
                    role="img"
                    aria-labelledby="erleben-heading"
                >
                    <line x1="0" y1=format!("{:.1}", y(1.0)) x2=width.to_string() y2=format!("{:.1}", y(1.0)) class="axis" />
                    <line x1="0" y1=format!("{:.1}", y(5.0)) x2=width.to_string() y2=format!("{:.1}", y(5.0)) class="axis" />
                    {lines}
                    {circles}
                </svg>
            }
        })
    };
    let rows = move || {
        points.with(|p| {
            p.iter()
                .map(|point| {
                    view! {
                        <tr>
                            <td>{point.step}</td>
                            <th scope="row">{point.title.clone()}</th>
                            <td>{mean_text(point.aggregate.mean)}</td>
                            <td>{point.aggregate.n}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let pain_list = move || {
        pains.with(|p| {
            p.iter()
                .map(|pain| {
                    view! { <li>{pain.rank} ". " {pain.step_title.clone()} ": " {pain.text.clone()} " (" {pain.dots} ")"</li> }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="erleben-heading">
            <h2 id="erleben-heading">
                {move || method_texts::criterion_label(i18n.get_locale(), criterion)}
            </h2>
            <p class="hint">{t!(i18n, figures.curve_hint)}</p>
            <Show when=move || revealed.get() fallback=Hidden>
            {svg}
            <table class="figures-table" data-testid="erleben-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, figures.step)}</th>
                        <th scope="col">{t!(i18n, figures.title)}</th>
                        <th scope="col">{t!(i18n, figures.mean)}</th>
                        <th scope="col">"n"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>{t!(i18n, figures.top_pain_points)}</h3>
            <ol class="plain" data-testid="pain-points">{pain_list}</ol>
            </Show>
        </section>
    }
    .into_any()
}

/// The radar of the columns' means (SVG) with the columns' table as its
/// text alternative, and the Handlungsbedarf list.
#[component]
fn FactorRadar(
    board_state: Memo<BoardState>,
    template: &'static Template,
    revealed: Signal<bool>,
) -> AnyView {
    let i18n = use_i18n();
    let check = Memo::new(move |_| board_state.with(|b| factors::factor_check(b, template)));
    const R: f64 = 100.0;
    let svg = move || {
        check.with(|c| {
            let n = c.columns.len().max(1) as f64;
            // The same directions as the domain's points: axis 0 up, clockwise.
            let axis = |i: usize| {
                let a = std::f64::consts::TAU * (i as f64) / n;
                (R * a.sin(), -R * a.cos())
            };
            let spokes = (0..c.columns.len())
                .map(|i| {
                    let (x, y) = axis(i);
                    view! { <line x1="0" y1="0" x2=format!("{x:.1}") y2=format!("{y:.1}") class="axis" /> }
                })
                .collect_view();
            let rim: Vec<String> = (0..c.columns.len())
                .map(|i| {
                    let (x, y) = axis(i);
                    format!("{x:.1},{y:.1}")
                })
                .collect();
            let area: Vec<String> = c
                .columns
                .iter()
                .map(|col| {
                    let (x, y) = col.point.unwrap_or((0.0, 0.0));
                    format!("{:.1},{:.1}", x * R, y * R)
                })
                .collect();
            let locale = i18n.get_locale();
            let labels = c
                .columns
                .iter()
                .enumerate()
                .map(|(i, col)| {
                    let (x, y) = axis(i);
                    let anchor = if x.abs() < 1.0 {
                        "middle"
                    } else if x > 0.0 {
                        "start"
                    } else {
                        "end"
                    };
                    let (x, y) = (format!("{:.1}", x * 1.12), format!("{:.1}", y * 1.12));
                    let label = column_name(locale, template, col);
                    view! { <text x=x y=y text-anchor=anchor class="radar-label">{label}</text> }
                })
                .collect_view();
            view! {
                <svg viewBox="-190 -130 380 260" class="radar" role="img" aria-labelledby="radar-heading">
                    <polygon points=rim.join(" ") class="radar-rim" />
                    {spokes}
                    <polygon points=area.join(" ") class="radar-area" />
                    {labels}
                </svg>
            }
        })
    };
    let rows = move || {
        check.with(|c| {
            c.columns
                .iter()
                .map(|col| {
                    view! {
                        <tr>
                            <th scope="row">{column_name(i18n.get_locale(), template, col)}</th>
                            <td>{mean_text(col.mean)}</td>
                            <td>{col.rated_items}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let needs = move || {
        check.with(|c| {
            c.items
                .iter()
                .filter(|i| i.needs_action)
                .map(|i| {
                    let label = item_name(i18n.get_locale(), template, i);
                    view! { <li>{label} " (" {mean_text(i.aggregate.mean)} ")"</li> }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="radar-heading">
            <h2 id="radar-heading">{t!(i18n, figures.radar)}</h2>
            <Show when=move || revealed.get() fallback=Hidden>
            {svg}
            <table class="figures-table" data-testid="radar-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, figures.column)}</th>
                        <th scope="col">{t!(i18n, figures.mean)}</th>
                        <th scope="col">{t!(i18n, figures.rated_items)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>{t!(i18n, figures.needs_action)}</h3>
            <ul data-testid="needs-action">{needs}</ul>
            <ByKommune check template />
            </Show>
        </section>
    }
    .into_any()
}

/// In place of rated figures while the ratings are blind.
#[component]
pub(super) fn Hidden() -> AnyView {
    let i18n = use_i18n();
    view! { <p class="hint" data-testid="figures-hidden">{t!(i18n, ideas.hidden_note)}</p> }
        .into_any()
}

/// E6: each item's mean per Kommune, only where at least 3 of the
/// Kommune's people gave a score (the domain leaves the others out, so
/// nobody reads a colleague's rating off a small Kommune's mean).
#[component]
fn ByKommune(check: Memo<factors::FactorCheck>, template: &'static Template) -> AnyView {
    let i18n = use_i18n();
    let kommunen = Memo::new(move |_| check.with(factors::kommunen_with_figures));
    let rows = move || {
        let kommunen = kommunen.get();
        check.with(|c| {
            c.items
                .iter()
                .filter(|i| kommunen.iter().any(|k| i.kommune_mean(k).is_some()))
                .map(|item| {
                    let cells = kommunen
                        .iter()
                        .map(|k| view! { <td>{mean_text(item.kommune_mean(k))}</td> })
                        .collect_view();
                    view! {
                        <tr>
                            <th scope="row">{item_name(i18n.get_locale(), template, item)}</th>
                            {cells}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let head = move || {
        kommunen
            .get()
            .into_iter()
            .map(|k| view! { <th scope="col">{k}</th> })
            .collect_view()
    };
    view! {
        <h3>{t!(i18n, figures.by_kommune)}</h3>
        <p class="hint">{t!(i18n, figures.by_kommune_hint)}</p>
        <Show when=move || kommunen.with(|k| !k.is_empty())>
            <table class="figures-table" data-testid="by-kommune-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, figures.item)}</th>
                        {head}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </Show>
    }
    .into_any()
}

/// Progress per phase as a traffic light, overdue items and the hint
/// when a later phase starts before the earlier one is half done.
#[component]
fn PhaseProgress(
    sync: LiveSync,
    board_state: Memo<BoardState>,
    template: &'static Template,
) -> AnyView {
    let i18n = use_i18n();
    let check = Memo::new(move |_| {
        let today = date_of_day(sync.server_now().div_euclid(86_400_000));
        board_state.with(|b| phases::phase_check(b, template, &today))
    });
    let rows = move || {
        check.with(|c| {
            c.phases
                .iter()
                .map(|p| {
                    let locale = i18n.get_locale();
                    let label = template
                        .section(p.section)
                        .map_or_else(|| p.label.to_owned(), |s| method_texts::section_label(locale, template, s));
                    let (class, light) = match p.light {
                        Some(l) => (format!("light light-{}", l.key()), method_texts::light(locale, l)),
                        None => (String::new(), "–".to_owned()),
                    };
                    view! {
                        <tr>
                            <th scope="row">{label} {p.current.then(|| view! { " · " {t!(i18n, further.current)} })}</th>
                            <td>{p.done} " / " {p.items.saturating_sub(p.not_applying)}</td>
                            <td>{percent_text(p.share)}</td>
                            <td class=class>{light}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let overdue = move || {
        check.with(|c| {
            c.overdue
                .iter()
                .map(|o| view! { <li>{o.label.clone()} " – " {german_date(&o.due)}</li> })
                .collect_view()
        })
    };
    let hints = move || {
        check.with(|c| {
            c.hints
                .iter()
                .filter_map(|h| {
                    let phase = template.section(h.section)?;
                    Some(method_texts::phase_hint(
                        i18n.get_locale(),
                        template,
                        phase,
                        h.share,
                    ))
                })
                .map(|text| view! { <p class="warning" role="status">"⚠ " {text}</p> })
                .collect_view()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="progress-heading">
            <h2 id="progress-heading">{t!(i18n, figures.progress)}</h2>
            {hints}
            <table class="figures-table" data-testid="phase-progress">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, figures.phase)}</th>
                        <th scope="col">{t!(i18n, figures.done)}</th>
                        <th scope="col">{t!(i18n, figures.share)}</th>
                        <th scope="col">{t!(i18n, figures.light)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>{t!(i18n, figures.overdue)}</h3>
            <ul data-testid="overdue">{overdue}</ul>
        </section>
    }
    .into_any()
}
