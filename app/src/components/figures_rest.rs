//! The figures of the remaining seed methods (methods.md 5-9) on screen
//! and projector: the heat map of Veränderungsbereitschaft per level, the
//! force-field balance, the Unterstützungsbedarfe, the § 2b hint per case
//! ("Vorprüfung, keine Steuerberatung", with the legal data's source and
//! Stand), the effort per Scrum column, the Relevanzcheck, the
//! Sessionplan (slots × rooms) and the "möglicher Partner" pairs. Every
//! number comes from `domain::figures`; this file only draws. The charts
//! have a table as their text alternative; rated figures wait for the
//! moderator's reveal (see [`super::figures::Figures`]).

use super::evaluation::AggregateCell;
use super::figures::Hidden;
use crate::domain::board::BoardState;
use crate::domain::evaluation::rounding::mean_text;
use crate::domain::figures::{barcamp, change, scrum, ustg, Figure};
use crate::domain::templates::ustg_data::PARAGRAPH_2B;
use crate::domain::templates::{fixed_card_id, Template};
use crate::i18n::*;
use crate::method_texts;
use leptos::prelude::*;

/// A card as a figure names it: a fixed item's label in `locale`, any
/// other card by the label the domain gives it.
pub(super) fn card_name(locale: Locale, template: &Template, card_id: &str, label: &str) -> String {
    template
        .sections
        .iter()
        .flat_map(|s| s.items)
        .find(|i| fixed_card_id(template.key, i.id) == card_id)
        .map_or_else(
            || label.to_owned(),
            |i| method_texts::item_label(locale, template, i),
        )
}

/// One figure of the remaining seed methods; `revealed`: the moderator
/// has revealed the ratings (until then a rated figure shows a note).
#[component]
pub fn SeedFigure(
    board_state: Memo<BoardState>,
    template: &'static Template,
    figure: Figure,
    revealed: Signal<bool>,
) -> AnyView {
    let body = move || match figure {
        Figure::HeatMap => view! { <HeatMap board_state template /> }.into_any(),
        Figure::ForceField => view! { <ForceFieldChart board_state /> }.into_any(),
        Figure::SupportNeeds => view! { <SupportNeeds board_state template /> }.into_any(),
        Figure::CaseHints => view! { <CaseHints board_state template /> }.into_any(),
        Figure::EffortSums => view! { <EffortSums board_state template /> }.into_any(),
        Figure::Relevance => view! { <Relevance board_state template /> }.into_any(),
        Figure::SessionPlan => view! { <SessionPlan board_state template revealed /> }.into_any(),
        Figure::Matches => view! { <Matches board_state template /> }.into_any(),
        _ => ().into_any(),
    };
    if figure.rated() {
        view! {
            <Show
                when=move || revealed.get()
                fallback=move || {
                    view! {
                        <section class="panel figures">
                            <Hidden />
                        </section>
                    }
                }
            >
                {body}
            </Show>
        }
        .into_any()
    } else {
        body().into_any()
    }
}

/// The heat map: levels × scores 1-5, each cell the number of people who
/// gave that score, shaded by its share of the level's scores; then the
/// level's mean, n, "weiß nicht" and Konsens/Dissens. The table is the
/// figure (its numbers are the text).
#[component]
fn HeatMap(board_state: Memo<BoardState>, template: &'static Template) -> AnyView {
    let i18n = use_i18n();
    let rows = Memo::new(move |_| board_state.with(|b| change::heat_map(b, template)));
    let body = move || {
        rows.with(|rows| {
            rows.iter()
                .map(|row| {
                    let total: u32 = row.counts.iter().sum();
                    let cells = row
                        .counts
                        .iter()
                        .map(|&n| {
                            // Shade 0-4 by the share of the level's scores.
                            let shade = if total == 0 || n == 0 {
                                0
                            } else {
                                (n * 4).div_ceil(total)
                            };
                            view! { <td class=format!("num heat-{shade}")>{n}</td> }
                        })
                        .collect_view();
                    let name = card_name(i18n.get_locale(), template, &row.card_id, &row.label);
                    view! {
                        <tr>
                            <th scope="row">{name}</th>
                            {cells}
                            <AggregateCell agg=row.aggregate.clone() />
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="heat-map-heading">
            <h2 id="heat-map-heading">{t!(i18n, seed.heat_map)}</h2>
            <p class="hint">{t!(i18n, seed.heat_map_hint)}</p>
            <table class="figures-table heat-map" data-testid="heat-map">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, seed.level)}</th>
                        <th scope="col">"1"</th>
                        <th scope="col">"2"</th>
                        <th scope="col">"3"</th>
                        <th scope="col">"4"</th>
                        <th scope="col">"5"</th>
                        <th scope="col">{t!(i18n, figures.mean)}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// The force field: each force a bar of its strength (driving to the
/// right, restraining to the left of the middle), the sums and the
/// balance; the table of forces is the text alternative.
#[component]
fn ForceFieldChart(board_state: Memo<BoardState>) -> AnyView {
    let i18n = use_i18n();
    let field = Memo::new(move |_| board_state.with(change::force_field));
    const ROW: f64 = 22.0;
    const HALF: f64 = 150.0;
    let svg = move || {
        field.with(|f| {
            let forces: Vec<(bool, f64)> = f
                .driving
                .forces
                .iter()
                .map(|x| (true, x.strength.unwrap_or(0.0)))
                .chain(
                    f.restraining
                        .forces
                        .iter()
                        .map(|x| (false, x.strength.unwrap_or(0.0))),
                )
                .collect();
            let height = ROW * (forces.len().max(1) as f64) + 10.0;
            let bars = forces
                .iter()
                .enumerate()
                .map(|(i, &(driving, strength))| {
                    let w = strength / 5.0 * HALF;
                    let x = if driving { HALF } else { HALF - w };
                    let class = if driving {
                        "force-bar-driving"
                    } else {
                        "force-bar-restraining"
                    };
                    view! {
                        <rect
                            x=format!("{x:.1}")
                            y=format!("{:.1}", ROW * (i as f64) + 5.0)
                            width=format!("{w:.1}")
                            height=format!("{:.1}", ROW - 6.0)
                            class=class
                        />
                    }
                })
                .collect_view();
            view! {
                <svg
                    viewBox=format!("0 0 {} {height}", HALF * 2.0)
                    class="force-field"
                    role="img"
                    aria-labelledby="force-field-heading"
                >
                    {bars}
                    <line x1=HALF.to_string() y1="0" x2=HALF.to_string() y2=format!("{height:.1}") class="axis" />
                </svg>
            }
        })
    };
    let rows = move || {
        field.with(|f| {
            let side = |forces: &[change::Force], label: String| {
                forces
                    .iter()
                    .map(|x| {
                        view! {
                            <tr>
                                <th scope="row">{x.text.clone()}</th>
                                <td>{label.clone()}</td>
                                <td class="num">{mean_text(x.strength)}</td>
                                <td class="num">{x.aggregate.n}</td>
                            </tr>
                        }
                    })
                    .collect_view()
            };
            view! {
                {side(&f.driving.forces, t_string!(i18n, seed.driving).to_string())}
                {side(&f.restraining.forces, t_string!(i18n, seed.restraining).to_string())}
            }
        })
    };
    let sums = move || {
        field.with(|f| {
            t_string!(
                i18n,
                seed.balance,
                driving = mean_text(Some(f.driving.sum)),
                restraining = mean_text(Some(f.restraining.sum)),
                balance = mean_text(Some(f.balance)),
                unrated = f.driving.unrated + f.restraining.unrated
            )
            .to_string()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="force-field-heading">
            <h2 id="force-field-heading">{t!(i18n, seed.force_field)}</h2>
            {svg}
            <p data-testid="force-balance"><strong>{sums}</strong></p>
            <table class="figures-table" data-testid="force-field">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, seed.force)}</th>
                        <th scope="col">{t!(i18n, seed.side)}</th>
                        <th scope="col">{t!(i18n, seed.strength)}</th>
                        <th scope="col">"n"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// The list "Unterstützungsbedarfe": per level with one, its text.
#[component]
fn SupportNeeds(board_state: Memo<BoardState>, template: &'static Template) -> AnyView {
    let i18n = use_i18n();
    let needs = Memo::new(move |_| board_state.with(|b| change::support_needs(b, template)));
    let items = move || {
        needs.with(|needs| {
            needs
                .iter()
                .map(|(level, text)| view! { <li><strong>{level.clone()} ": "</strong> {text.clone()}</li> })
                .collect_view()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="support-heading">
            <h2 id="support-heading">{t!(i18n, seed.support_needs)}</h2>
            <ul data-testid="support-needs">{items}</ul>
        </section>
    }
    .into_any()
}

/// The § 2b hint per case, labelled "Vorprüfung, keine Steuerberatung",
/// with its open questions; the legal data's source and Stand below.
#[component]
fn CaseHints(board_state: Memo<BoardState>, template: &'static Template) -> AnyView {
    let i18n = use_i18n();
    let cases = Memo::new(move |_| board_state.with(|b| ustg::case_hints(b, template)));
    let rows = move || {
        let locale = i18n.get_locale();
        cases.with(|cases| {
            cases
                .iter()
                .map(|c| {
                    let open: Vec<String> = c
                        .open_questions
                        .iter()
                        .map(|q| method_texts::field(locale, template, q).0)
                        .collect();
                    let check = c
                        .check_threshold
                        .then(|| view! { <p class="warning">{t!(i18n, seed.threshold_check)}</p> });
                    view! {
                        <tr>
                            <th scope="row">{c.title.clone()}</th>
                            <td>
                                <span class="hint-badge" data-hint=c.hint.key()>
                                    {method_texts::ust_hint(locale, c.hint)}
                                </span>
                                <br />
                                <small>{method_texts::intro(locale, template)}</small>
                                {check}
                            </td>
                            <td>
                                <ul class="plain">
                                    {open.into_iter().map(|q| view! { <li>{q}</li> }).collect_view()}
                                </ul>
                            </td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="cases-heading">
            <h2 id="cases-heading">{t!(i18n, seed.cases)}</h2>
            <p class="warning" data-testid="ust-disclaimer">
                <strong>{move || method_texts::intro(i18n.get_locale(), template)}</strong>
            </p>
            <table class="figures-table" data-testid="case-hints">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, seed.case)}</th>
                        <th scope="col">{t!(i18n, seed.hint)}</th>
                        <th scope="col">{t!(i18n, seed.open_questions)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="hint" data-testid="ust-source">{ustg::source_note()}</p>
            <p class="hint">{PARAGRAPH_2B.source}</p>
        </section>
    }
    .into_any()
}

/// The effort points per Scrum column.
#[component]
fn EffortSums(board_state: Memo<BoardState>, template: &'static Template) -> AnyView {
    let i18n = use_i18n();
    let sums = Memo::new(move |_| board_state.with(|b| scrum::effort_sums(b, template)));
    let rows = move || {
        let locale = i18n.get_locale();
        sums.with(|sums| {
            sums.iter()
                .map(|c| {
                    let label = template.section(c.section).map_or_else(
                        || c.label.to_owned(),
                        |s| method_texts::section_label(locale, template, s),
                    );
                    view! {
                        <tr>
                            <th scope="row">{label}</th>
                            <td class="num">{c.stories}</td>
                            <td class="num">{c.points}</td>
                            <td class="num">{c.unestimated}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="effort-heading">
            <h2 id="effort-heading">{t!(i18n, seed.effort)}</h2>
            <table class="figures-table" data-testid="effort-sums">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, figures.column)}</th>
                        <th scope="col">{t!(i18n, seed.stories)}</th>
                        <th scope="col">{t!(i18n, seed.points)}</th>
                        <th scope="col">{t!(i18n, seed.unestimated)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// The Relevanzcheck's aggregate.
#[component]
fn Relevance(board_state: Memo<BoardState>, template: &'static Template) -> AnyView {
    let i18n = use_i18n();
    let rows = Memo::new(move |_| board_state.with(|b| scrum::relevance(b, template)));
    let body = move || {
        rows.with(|rows| {
            rows.iter()
                .map(|r| {
                    let name = card_name(i18n.get_locale(), template, &r.card_id, &r.label);
                    view! {
                        <tr>
                            <th scope="row">{name}</th>
                            <AggregateCell agg=r.aggregate.clone() />
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="relevance-heading">
            <h2 id="relevance-heading">{t!(i18n, seed.relevance)}</h2>
            <table class="figures-table" data-testid="relevance">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, seed.item)}</th>
                        <th scope="col">{t!(i18n, figures.mean)}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// The Sessionplan: time slots × rooms, each cell its sessions (with the
/// dots once revealed), clashes, and the proposals not planned yet.
#[component]
fn SessionPlan(
    board_state: Memo<BoardState>,
    template: &'static Template,
    revealed: Signal<bool>,
) -> AnyView {
    let i18n = use_i18n();
    let plan = Memo::new(move |_| board_state.with(|b| barcamp::session_plan(b, template)));
    let named = move |s: &barcamp::PlannedSession| {
        if revealed.get() {
            format!("{} ({})", s.title, s.dots)
        } else {
            s.title.clone()
        }
    };
    let head = move || {
        plan.with(|p| {
            p.rooms
                .iter()
                .map(|r| view! { <th scope="col">{r.clone()}</th> })
                .collect_view()
        })
    };
    let rows = move || {
        plan.with(|p| {
            p.slots
                .iter()
                .map(|slot| {
                    let cells = p
                        .rooms
                        .iter()
                        .map(|room| {
                            let here: Vec<String> = p
                                .sessions
                                .iter()
                                .filter(|s| &s.slot == slot && &s.room == room)
                                .map(named)
                                .collect();
                            let clash = here.len() > 1;
                            view! { <td class:warning=clash>{here.join(" · ")}</td> }
                        })
                        .collect_view();
                    view! {
                        <tr>
                            <th scope="row">{slot.clone()}</th>
                            {cells}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let clashes = move || {
        plan.with(|p| {
            p.clashes
                .iter()
                .map(|(slot, room)| {
                    view! { <p class="warning" role="status">"⚠ " {t!(i18n, seed.clash, slot = slot.clone(), room = room.clone())}</p> }
                })
                .collect_view()
        })
    };
    let unplanned = move || {
        plan.with(|p| {
            p.unplanned
                .iter()
                .map(|s| view! { <li>{named(s)}</li> })
                .collect_view()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="plan-heading">
            <h2 id="plan-heading">{t!(i18n, seed.session_plan)}</h2>
            {clashes}
            <table class="figures-table" data-testid="session-plan">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, seed.slot)}</th>
                        {head}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>{t!(i18n, seed.unplanned)}</h3>
            <ul data-testid="unplanned">{unplanned}</ul>
        </section>
    }
    .into_any()
}

/// "möglicher Partner": a Suche and a Biete card of two Kommunen sharing
/// a keyword, with both Kommune badges.
#[component]
fn Matches(board_state: Memo<BoardState>, template: &'static Template) -> AnyView {
    let i18n = use_i18n();
    let pairs = Memo::new(move |_| {
        board_state.with(|b| {
            let text = |id: &str| {
                b.find(id)
                    .map(|(_, _, c)| c.text.clone())
                    .unwrap_or_default()
            };
            barcamp::matches(b)
                .into_iter()
                .map(|m| (text(&m.suche), text(&m.biete), m))
                .collect::<Vec<_>>()
        })
    });
    let label = move |id: &str| {
        template.section(id).map_or_else(
            || id.to_owned(),
            |s| method_texts::section_label(i18n.get_locale(), template, s),
        )
    };
    let items = move || {
        pairs.with(|pairs| {
            pairs
                .iter()
                .map(|(suche, biete, m)| {
                    view! {
                        <li>
                            <strong>{t!(i18n, seed.partner)} ": "</strong>
                            {label(barcamp::SUCHE)} ": " {suche.clone()} " "
                            <span class="kommune-badge">{m.suche_kommune.clone()}</span>
                            " ↔ " {label(barcamp::BIETE)} ": " {biete.clone()} " "
                            <span class="kommune-badge">{m.biete_kommune.clone()}</span>
                            " (" {m.shared.join(", ")} ")"
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel figures" aria-labelledby="matches-heading">
            <h2 id="matches-heading">{t!(i18n, seed.matches)}</h2>
            <p class="hint">{t!(i18n, seed.matches_hint)}</p>
            <ul data-testid="matches">{items}</ul>
        </section>
    }
    .into_any()
}
