//! One template engine for every method: a board is the template's sections,
//! each with its cards, all live through [`LiveSync`].

use super::editable::EditableText;
use super::evaluation::Evaluation;
use super::figures::Figures;
use super::further::{CardExtras, CurrentMark};
use super::guide::MethodHelp;
use super::ideas::IdeaPanel;
use super::marks::MarkToggle;
use super::steering::{DotControl, LockBanner};
use crate::domain::board::{BoardState, Card, Mark, Op, TextField};
use crate::domain::evaluation::CriterionDef;
use crate::domain::sketch::SketchChoice;
use crate::domain::templates::rest::layout;
use crate::domain::templates::{fixed_card_id, FixedItem, Section, Starter, Template};
use crate::domain::text::{TextEdit, TextSeq};
use crate::i18n::*;
use crate::method_texts;
use crate::sync::LiveSync;
use leptos::prelude::*;

/// Adds a new card (with a fresh id) at the end of a section; returns its id.
fn add_card(sync: LiveSync, board: StoredValue<String>, section: &Section, text: String) -> String {
    let card_id = uuid::Uuid::now_v7().to_string();
    sync.submit(
        board.get_value(),
        Op::AddCard {
            card_id: card_id.clone(),
            section: section.id.to_owned(),
            text,
        },
    );
    card_id
}

/// Reads one board of the live state.
fn with_board<T>(
    sync: LiveSync,
    board: StoredValue<String>,
    f: impl FnOnce(&BoardState) -> T,
) -> T {
    sync.boards
        .with(|boards| match boards.get(&board.get_value()) {
            Some(b) => f(b),
            None => f(&BoardState::default()),
        })
}

/// A card as the screen shows it: on a board nobody has touched yet, the
/// template's fixed items are there too (`apply` adds them with the first op).
fn shown_card(b: &BoardState, template: &Template, card_id: &str) -> Option<Card> {
    match b.find(card_id) {
        Some((_, _, card)) => Some(card.clone()),
        None => b
            .materialised(template)
            .find(card_id)
            .map(|(_, _, c)| c.clone()),
    }
}

/// Moves keyboard focus to a card's text field once it is on screen (after
/// adding or moving it), so typing goes on right there.
fn focus_card(card_id: String) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let field = document()
            .query_selector(&format!("li.card[data-card=\"{card_id}\"] textarea"))
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
        if let Some(field) = field {
            let _ = field.focus();
        }
    });
}

/// The sections a card of `from` may move to: the other sections of the
/// same kind (no ideas, the same link rules, named fields, criteria and
/// tasks), e.g. SWOT field to SWOT field, a Scrum story across the four
/// columns, a force from driving to restraining.
fn move_targets(template: &'static Template, from: &'static Section) -> Vec<&'static Section> {
    if from.ideas {
        return Vec::new();
    }
    template
        .sections
        .iter()
        .filter(|s| {
            s.id != from.id
                && !s.ideas
                && !s.closed
                && s.links_to == from.links_to
                && s.refs_to == from.refs_to
                && s.fields == from.fields
                && s.criteria == from.criteria
                && s.tasks == from.tasks
        })
        .collect()
}

/// The CSS columns of a template with a grid layout (domain data).
pub(super) fn grid_columns(template: &Template) -> Option<String> {
    layout(template).map(|l| {
        format!(
            "grid-template-columns: repeat({}, minmax(0, 1fr))",
            l.columns
        )
    })
}

/// Where `section` sits in its template's grid layout, as CSS.
pub(super) fn grid_place(template: &Template, section: &Section) -> Option<String> {
    layout(template)
        .and_then(|l| l.boxes.iter().find(|b| b.section == section.id))
        .map(|b| {
            format!(
                "grid-column: {} / span {}; grid-row: {} / span {}",
                b.column + 1,
                b.width,
                b.row + 1,
                b.height
            )
        })
}

#[component]
pub fn BoardView(sync: LiveSync, board_id: String, template: &'static Template) -> AnyView {
    let i18n = use_i18n();
    let sections = template
        .sections
        .iter()
        .map(|section| {
            let board = StoredValue::new(board_id.clone());
            // A second-step section (TOWS) shows once the moderator opens
            // the step, or when it holds cards already.
            let shown = Memo::new(move |_| {
                sync.settings
                    .with(|s| with_board(sync, board, |b| s.section_shown(section, b)))
            });
            let board_id = board_id.clone();
            view! {
                <Show when=move || shown.get()>
                    <SectionView sync board_id=board_id.clone() template section />
                </Show>
            }
        })
        .collect_view();
    // A grid of the template's own (the Business Model Canvas's 9 boxes,
    // the Scrum columns side by side), from the domain's layout data.
    let grid_style = grid_columns(template);
    let gridded = grid_style.is_some();
    let header = template.header.map(|_| {
        let board = StoredValue::new(board_id.clone());
        view! { <SubjectField sync board template /> }
    });
    let rated = template.sections.iter().any(|s| s.ideas);
    let intro = (!template.intro.is_empty()).then(|| {
        view! { <p class="method-intro">{move || method_texts::intro(i18n.get_locale(), template)}</p> }
    });
    let board = StoredValue::new(board_id);
    let locked = Signal::derive(move || sync.settings.with(|s| s.is_locked(template.key)));
    let empty = Signal::derive(move || {
        sync.boards.with(|boards| {
            boards
                .get(&board.get_value())
                .is_none_or(|b| b.card_count() == 0)
        })
    });
    view! {
        <MethodHelp template empty />
        <LockBanner locked />
        // A disabled fieldset disables every control inside: a locked board
        // is read-only here, and the server refuses edits anyway.
        <fieldset class="board-lock" disabled=move || locked.get()>
            <legend class="visually-hidden">
                {move || method_texts::title(i18n.get_locale(), template)}
            </legend>
            {intro}
            {header}
            <div
                class=format!("board board-{}", template.key)
                class:grid=gridded
                style=grid_style
            >
                {sections}
            </div>
        </fieldset>
        <OrphanCards sync board template />
        <Figures sync board template />
        {rated.then(|| view! { <Evaluation sync board template /> })}
    }
    .into_any()
}

#[component]
fn SectionView(
    sync: LiveSync,
    board_id: String,
    template: &'static Template,
    section: &'static Section,
) -> AnyView {
    let i18n = use_i18n();
    let board = StoredValue::new(board_id);
    let card_ids = Memo::new(move |_| {
        with_board(sync, board, |b| {
            let ids = |b: &BoardState| -> Vec<String> {
                b.cards(section.id).iter().map(|c| c.id.clone()).collect()
            };
            if section.items.is_empty() {
                ids(b)
            } else {
                ids(&b.materialised(template))
            }
        })
    });
    let add = move |_| focus_card(add_card(sync, board, section, String::new()));
    // Cards shown in a closed second step stay, but no new ones go in.
    let open =
        Memo::new(move |_| !section.closed && sync.settings.with(|s| s.section_open(section)));
    let heading_id = format!("section-{}", section.id);
    let labelled_by = heading_id.clone();
    let place = grid_place(template, section);
    view! {
        <section
            class="board-section"
            class:ordered=section.ordered
            data-section=section.id
            aria-labelledby=labelled_by
            style=place
        >
            <h3 id=heading_id>{move || method_texts::section_label(i18n.get_locale(), template, section)}</h3>
            {template.marks_current.then(|| view! { <CurrentMark sync board section /> })}
            <p class="hint">{move || method_texts::section_prompt(i18n.get_locale(), template, section)}</p>
            <ul class="cards">
                <For
                    each=move || card_ids.get()
                    key=|id| id.clone()
                    children=move |card_id| {
                        view! { <CardView sync board_id=board.get_value() card_id template section criteria=template.criteria /> }
                    }
                />
            </ul>
            <Show when=move || open.get()>
                <button type="button" class="add-card" on:click=add>
                    "+ " {t!(i18n, workspace.add_card)}
                </button>
                {(!section.starters.is_empty())
                    .then(|| view! { <Starters sync board template section /> })}
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn CardView(
    sync: LiveSync,
    board_id: String,
    card_id: String,
    template: &'static Template,
    section: &'static Section,
    criteria: &'static [CriterionDef],
) -> AnyView {
    let i18n = use_i18n();
    let board = StoredValue::new(board_id);
    let id = StoredValue::new(card_id);
    let card: Memo<Option<Card>> =
        Memo::new(move |_| with_board(sync, board, |b| shown_card(b, template, &id.get_value())));
    // A fixed item of the template (E2): its label, a note, never deleted.
    let item: Option<&'static FixedItem> = section
        .items
        .iter()
        .find(|i| fixed_card_id(template.key, i.id) == id.get_value());
    let seq = Signal::derive(move || {
        card.with(|c| {
            c.as_ref()
                .map(|c| c.seq(TextField::Card))
                .unwrap_or_else(TextSeq::default)
        })
    });
    let on_edits = Callback::new(move |edits: Vec<TextEdit>| {
        sync.edit_text(board.get_value(), id.get_value(), TextField::Card, edits)
    });
    let resolve = move |_| {
        sync.submit(
            board.get_value(),
            Op::ResolveConflict {
                card_id: id.get_value(),
            },
        )
    };
    let delete = move |_| {
        sync.submit(
            board.get_value(),
            Op::DeleteCard {
                card_id: id.get_value(),
            },
        )
    };
    // "von Anna (Musterstadt)": which Kommune said it matters in IKZ.
    let author = move || {
        card.with(|c| {
            c.as_ref()
                .map(|c| match c.author.kommune.as_str() {
                    "" => c.author.name.clone(),
                    kommune => format!("{} ({kommune})", c.author.name),
                })
                .unwrap_or_default()
        })
    };
    let conflict = move || card.with(|c| c.as_ref().is_some_and(|c| c.conflict));
    let head = match item {
        Some(item) => view! {
            <h4 class="item-label">{move || method_texts::item_label(i18n.get_locale(), template, item)}</h4>
            <EditableText
                seq
                clock=sync.clock
                on_edits
                rows=2
                label=Signal::derive(move || t_string!(i18n, further.note).to_string())
            />
        }
        .into_any(),
        None => view! {
            <EditableText
                seq
                clock=sync.clock
                on_edits
                label=Signal::derive(move || t_string!(i18n, workspace.card_text).to_string())
            />
            <div class="card-meta">
                <span class="author">{t!(i18n, workspace.by)} " " {author}</span>
                <button
                    type="button"
                    class="icon secondary"
                    on:click=delete
                    aria-label=move || t_string!(i18n, workspace.delete_card).to_string()
                >
                    "✕"
                </button>
            </div>
        }
        .into_any(),
    };
    view! {
        <li class="card" class:conflict=conflict class:fixed-item=item.is_some() data-card=id.get_value()>
            {head}
            <Show when=conflict>
                <p class="conflict-note">
                    {t!(i18n, workspace.conflict)} " "
                    <button type="button" class="secondary resolve" on:click=resolve>
                        {t!(i18n, workspace.resolve_conflict)}
                    </button>
                </p>
            </Show>
            {item.is_none().then(|| view! { <CardMover sync board card_id=id template section /> })}
            {(!section.links_to.is_empty())
                .then(|| view! { <LinkPicker sync board card_id=id template section /> })}
            <UsedBy sync board card_id=id template />
            <DotControl sync board card_id=id />
            {section.ideas.then(|| view! { <IdeaPanel sync board card_id=id criteria /> })}
            <CardExtras sync board card_id=id card template section />
            <MarkToggle sync board card_id=id card mark=Mark::Vereinbarung />
        </li>
    }
    .into_any()
}

/// Moving a card to another section by keyboard (or pointer): choose the
/// section, then "Verschieben"; focus follows the card.
#[component]
fn CardMover(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    template: &'static Template,
    section: &'static Section,
) -> AnyView {
    let i18n = use_i18n();
    let targets = move_targets(template, section);
    let Some(first) = targets.first().map(|s| s.id) else {
        return ().into_any();
    };
    let choice = RwSignal::new(first.to_owned());
    let select_id = format!("move-{}-{}", section.id, card_id.get_value());
    let options = targets
        .iter()
        .map(|s| {
            let s: &'static Section = s;
            view! { <option value=s.id>{move || method_texts::section_label(i18n.get_locale(), template, s)}</option> }
        })
        .collect_view();
    let move_card = move |_| {
        let id = card_id.get_value();
        sync.submit(
            board.get_value(),
            Op::MoveCard {
                card_id: id.clone(),
                section: choice.get_untracked(),
                index: usize::MAX,
            },
        );
        focus_card(id);
    };
    view! {
        <div class="card-mover">
            <label for=select_id.clone()>{t!(i18n, workspace.move_to)}</label>
            <select id=select_id bind:value=choice>{options}</select>
            <button type="button" class="secondary" on:click=move_card>
                {t!(i18n, workspace.move_button)}
            </button>
        </div>
    }
    .into_any()
}

/// Checkboxes for the cards this card may draw on (TOWS → SWOT).
#[component]
fn LinkPicker(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    template: &'static Template,
    section: &'static Section,
) -> AnyView {
    let i18n = use_i18n();
    let candidates = Memo::new(move |_| {
        sync.boards.with(|boards| {
            let Some(b) = boards.get(&board.get_value()) else {
                return Vec::new();
            };
            let linked = b
                .find(&card_id.get_value())
                .map(|(_, _, c)| c.links.clone())
                .unwrap_or_default();
            section
                .links_to
                .iter()
                .flat_map(|s| b.cards(s).iter().map(move |c| (*s, c)))
                .map(|(s, c)| {
                    (
                        c.id.clone(),
                        method_texts::card_name(i18n.get_locale(), template, s, &c.text),
                        linked.contains(&c.id),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <fieldset class="links">
            <legend>{t!(i18n, workspace.links)}</legend>
            <Show when=move || !candidates.with(Vec::is_empty) fallback=move || view! {
                <p class="hint">{t!(i18n, workspace.no_link_targets)}</p>
            }>
                {move || {
                    candidates
                        .get()
                        .into_iter()
                        .map(|(target, label, checked)| {
                            let toggle = move |ev| {
                                sync.submit(
                                    board.get_value(),
                                    Op::LinkCards {
                                        card_id: card_id.get_value(),
                                        target_id: target.clone(),
                                        linked: event_target_checked(&ev),
                                    },
                                )
                            };
                            view! {
                                <label class="link-choice">
                                    <input type="checkbox" prop:checked=checked on:change=toggle />
                                    {label}
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </Show>
        </fieldset>
    }
    .into_any()
}

/// The other direction of a link: which strategies use this card.
#[component]
fn UsedBy(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    template: &'static Template,
) -> AnyView {
    let i18n = use_i18n();
    let users = Memo::new(move |_| {
        with_board(sync, board, |b| {
            b.sections
                .iter()
                .flat_map(|(s, cards)| cards.iter().map(move |c| (s, c)))
                .filter(|(_, c)| c.links.contains(&card_id.get_value()))
                .map(|(s, c)| method_texts::card_name(i18n.get_locale(), template, s, &c.text))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || !users.with(Vec::is_empty)>
            <p class="used-by">
                {t!(i18n, workspace.used_by)} ": " {move || users.get().join(" · ")}
            </p>
        </Show>
    }
    .into_any()
}

/// One-click example cards (the seed's fields of application for KI ideas).
#[component]
fn Starters(
    sync: LiveSync,
    board: StoredValue<String>,
    template: &'static Template,
    section: &'static Section,
) -> AnyView {
    let i18n = use_i18n();
    let buttons = section
        .starters
        .iter()
        .enumerate()
        .map(|(index, starter): (usize, &'static Starter)| {
            let words = move |locale| method_texts::starter(locale, template, index, starter);
            let add = move |_| {
                // The card's text in the language of whoever adds it.
                let card_id = add_card(sync, board, section, words(i18n.get_locale_untracked()).0);
                if let Some(field) = starter.einsatzfeld {
                    sync.submit(
                        board.get_value(),
                        Op::Choose {
                            card_id: card_id.clone(),
                            choice: SketchChoice::Einsatzfeld(Some(field)),
                        },
                    );
                }
                focus_card(card_id);
            };
            view! {
                <button type="button" class="secondary starter" on:click=add>
                    {move || words(i18n.get_locale()).1}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="starters" role="group" aria-label=move || t_string!(i18n, workspace.starters).to_string()>
            <p class="hint">{t!(i18n, workspace.starters)}</p>
            {buttons}
        </div>
    }
    .into_any()
}

/// The board's header text (the SWOT's "Gegenstand der Analyse"): one live
/// text for the whole group, edited like a card.
#[component]
fn SubjectField(
    sync: LiveSync,
    board: StoredValue<String>,
    template: &'static Template,
) -> AnyView {
    let i18n = use_i18n();
    let text = move || method_texts::header(i18n.get_locale(), template).unwrap_or_default();
    let seq = Signal::derive(move || with_board(sync, board, BoardState::subject_seq));
    let on_edits = Callback::new(move |edits: Vec<TextEdit>| {
        sync.edit_text(board.get_value(), String::new(), TextField::Subject, edits)
    });
    let id = format!("subject-{}", board.get_value());
    view! {
        <div class="board-subject" data-testid="board-subject">
            <label for=id.clone()>{move || text().0}</label>
            <p class="hint">{move || text().1}</p>
            <EditableText id seq clock=sync.clock on_edits rows=1 />
        </div>
    }
    .into_any()
}

/// Cards in sections an older version of the template had: shown, never lost.
#[component]
fn OrphanCards(sync: LiveSync, board: StoredValue<String>, template: &'static Template) -> AnyView {
    let i18n = use_i18n();
    let orphans = Memo::new(move |_| {
        sync.boards.with(|boards| {
            boards
                .get(&board.get_value())
                .map(|b| {
                    b.orphans(template)
                        .into_iter()
                        .map(|(section, cards)| {
                            (
                                section.to_owned(),
                                cards.iter().map(|c| c.text.clone()).collect::<Vec<_>>(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <Show when=move || !orphans.with(Vec::is_empty)>
            <section class="panel orphans" aria-labelledby="orphans-heading">
                <h2 id="orphans-heading">{t!(i18n, workspace.orphans)}</h2>
                {move || {
                    orphans
                        .get()
                        .into_iter()
                        .map(|(section, texts)| {
                            view! {
                                <h3>{section}</h3>
                                <ul>{texts.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                            }
                        })
                        .collect_view()
                }}
            </section>
        </Show>
    }
    .into_any()
}
