//! What a card carries besides its text, shown where its section declares
//! it (`methods.md` E1-E6, template data, one component per kind, none per
//! method): named fields, a rating on the section's criteria, status with
//! "Bis wann", each Kommune's stance and the core mark, "In ⟨Methode: Feld⟩
//! übernehmen" and the links of a carried card both ways.

use super::editable::EditableText;
use super::ideas::CriterionChoice;
use super::lotse::LotsePanel;
use crate::domain::board::{
    board_id, shown_refs, split_board_id, Attribute, Card, CardRef, Op, Stance, Status, TextField,
};
use crate::domain::carry::carry_over;
use crate::domain::templates::{self, CarryTarget, FieldDef, Section, Template};
use crate::domain::text::{splice_between, TextEdit, TextSeq};
use crate::i18n::*;
use crate::method_texts;
use crate::sync::LiveSync;
use leptos::prelude::*;

/// Everything of E1-E6 that `section` declares for the card `card_id`.
#[component]
pub fn CardExtras(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    #[prop(into)] card: Signal<Option<Card>>,
    template: &'static Template,
    section: &'static Section,
) -> AnyView {
    let fields = section
        .text_fields()
        .map(|field| view! { <NamedField sync board card_id card template field /> })
        .collect_view();
    // KI ideas have their rating in the Projektskizze panel.
    let rated = !section.ideas && !section.criteria.is_empty();
    view! {
        <div class="card-fields">{fields}</div>
        {section.tasks.then(|| view! { <TaskControls sync board card_id card /> })}
        {section.stances.then(|| view! { <StanceControls sync board card_id card /> })}
        {rated.then(|| view! { <ItemRating sync board card_id template section /> })}
        {(section.questions == Some(templates::QuestionSet::Rechtsform))
            .then(|| view! { <LotsePanel sync board card_id card /> })}
        <CarryLinks sync board card />
        {(!section.refs_to.is_empty())
            .then(|| view! { <CardRefs sync board card_id card section /> })}
        {(!section.carry_to.is_empty())
            .then(|| view! { <CarryButtons sync board card_id template section /> })}
    }
    .into_any()
}

fn set_attribute(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    attribute: Attribute,
) {
    sync.submit(
        board.get_value(),
        Op::SetAttribute {
            card_id: card_id.get_value(),
            attribute,
        },
    );
}

/// E1: one named field of the card, a live text like the card's own.
#[component]
fn NamedField(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    card: Signal<Option<Card>>,
    template: &'static Template,
    field: &'static FieldDef,
) -> AnyView {
    let i18n = use_i18n();
    let text_field = TextField::Field(field.key);
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
    let words = move || method_texts::field(i18n.get_locale(), template, field);
    let id = format!("field-{}-{}", field.key, card_id.get_value());
    if field.moderator_only {
        // The moderator's (the BarCamp's Zeitfenster and Raum): read-only
        // here, set in the cockpit; the domain refuses anyone else's edit.
        let text = move || {
            let text = seq.with(|s| s.text());
            if text.trim().is_empty() {
                "–".to_owned()
            } else {
                text
            }
        };
        return view! {
            <div class="named-field assigned" data-field=field.key data-readonly="true">
                <span class="field-label" id=id.clone()>{move || words().0}</span>
                " "
                <output aria-labelledby=id>{text}</output>
                " "
                <span class="hint">"("{t!(i18n, further.assigned_by_moderator)}")"</span>
            </div>
        }
        .into_any();
    }
    // A choice field (§ 2b answers, Aufwand, Format): one button per word,
    // writing the word as the field's whole text; pressed again, cleared.
    let choices = templates::rest::choices(field.key).map(|choices| {
        let buttons = choices
            .iter()
            .map(|&word| {
                let pressed = move || seq.with(|s| s.text().trim().eq_ignore_ascii_case(word));
                let choose = move |_| {
                    let old = seq.get_untracked();
                    let next = if pressed() { "" } else { word };
                    let Some(splice) = splice_between(&old.text(), next, None) else {
                        return;
                    };
                    let edits = sync
                        .clock
                        .try_update_value(|c| old.splice_edits(&splice, c))
                        .unwrap_or_default();
                    sync.edit_text(board.get_value(), card_id.get_value(), text_field, edits);
                };
                view! {
                    <button
                        type="button"
                        class="secondary choice"
                        aria-pressed=move || pressed().to_string()
                        on:click=choose
                    >
                        {move || method_texts::choice(i18n.get_locale(), word)}
                    </button>
                }
            })
            .collect_view();
        view! {
            <div class="choices" role="group" aria-label=move || words().0>
                {buttons}
            </div>
        }
    });
    view! {
        <div class="named-field" data-field=field.key>
            <label for=id.clone()>{move || words().0}</label>
            {(!field.prompt.is_empty())
                .then(|| view! { <p class="hint">{move || words().1}</p> })}
            {choices}
            <EditableText id seq clock=sync.clock on_edits rows=2 />
        </div>
    }
    .into_any()
}

/// E4: status and "Bis wann" ("Wer" is a named field).
#[component]
fn TaskControls(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    card: Signal<Option<Card>>,
) -> AnyView {
    let i18n = use_i18n();
    let status = move || card.with(|c| c.as_ref().map(|c| c.status).unwrap_or_default());
    let due = move || card.with(|c| c.as_ref().and_then(|c| c.due.clone()).unwrap_or_default());
    let choose = move |ev| {
        let key = event_target_value(&ev);
        if let Some(s) = Status::ALL.into_iter().find(|s| s.key() == key) {
            set_attribute(sync, board, card_id, Attribute::Status(s));
        }
    };
    let set_due = move |ev| {
        let value = event_target_value(&ev);
        let due = (!value.is_empty()).then_some(value);
        set_attribute(sync, board, card_id, Attribute::Due(due));
    };
    let status_id = format!("status-{}", card_id.get_value());
    let due_id = format!("due-{}", card_id.get_value());
    let options = Status::ALL
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.key() selected=move || status() == s>
                    {move || method_texts::status(i18n.get_locale(), s)}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="task" data-status=move || status().key()>
            <label for=status_id.clone()>{t!(i18n, further.status)}</label>
            <select id=status_id prop:value=move || status().key() on:change=choose>
                {options}
            </select>
            <label for=due_id.clone()>{t!(i18n, further.due)}</label>
            <input id=due_id type="date" prop:value=due on:change=set_due />
        </div>
    }
    .into_any()
}

/// The Zielmatrix row of a goal: the own Kommune's ✓ / ~ / ✗ (pressed
/// again, withdrawn), the other Kommunen's stances, and the core mark.
#[component]
fn StanceControls(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    card: Signal<Option<Card>>,
) -> AnyView {
    let i18n = use_i18n();
    let kommune = sync.me().kommune;
    let own = {
        let kommune = kommune.clone();
        move || card.with(|c| c.as_ref().and_then(|c| c.stances.get(&kommune).copied()))
    };
    let others = move || {
        card.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.stances
                        .iter()
                        .map(|(k, s)| format!("{k} {}", s.symbol()))
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
                .unwrap_or_default()
        })
    };
    let core = move || card.with(|c| c.as_ref().is_some_and(|c| c.core));
    let buttons = Stance::ALL
        .into_iter()
        .map(|stance| {
            let own = own.clone();
            let pressed = own.clone();
            let set = move |_| {
                let next = (own() != Some(stance)).then_some(stance);
                set_attribute(sync, board, card_id, Attribute::Stance(next));
            };
            view! {
                <button
                    type="button"
                    class="secondary stance"
                    aria-pressed=move || (pressed() == Some(stance)).to_string()
                    on:click=set
                >
                    <span aria-hidden="true">{stance.symbol()} " "</span>
                    {move || method_texts::stance(i18n.get_locale(), stance)}
                </button>
            }
        })
        .collect_view();
    let toggle_core = move |ev| {
        set_attribute(
            sync,
            board,
            card_id,
            Attribute::Core(event_target_checked(&ev)),
        );
    };
    let legend = kommune.clone();
    view! {
        <div class="stances">
            {(!kommune.is_empty())
                .then(|| {
                    view! {
                        <fieldset class="button-row">
                            <legend>{t!(i18n, further.stance_of, kommune = legend.clone())}</legend>
                            {buttons}
                        </fieldset>
                    }
                })}
            <p class="hint" data-testid="stances">{others}</p>
            <label class="flag-choice">
                <input type="checkbox" prop:checked=core on:change=toggle_core />
                {t!(i18n, further.core)}
            </label>
        </div>
    }
    .into_any()
}

/// E3: the own rating of a fixed item or step on its section's criteria,
/// the same control as a KI idea's (question, anchors, "weiß nicht").
#[component]
fn ItemRating(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    template: &'static Template,
    section: &'static Section,
) -> AnyView {
    let i18n = use_i18n();
    let criteria = section
        .criteria_in(template)
        .iter()
        .map(|criterion| view! { <CriterionChoice sync board card_id criterion /> })
        .collect_view();
    view! {
        <details class="rating" data-testid="rating">
            <summary>{t!(i18n, further.rate)}</summary>
            {criteria}
        </details>
    }
    .into_any()
}

/// How a card on another board of the group is named: its field's label
/// and text, or the method's title while that board is not loaded here.
fn ref_name(sync: LiveSync, board: &str, r: &CardRef, locale: Locale) -> String {
    let Some(template) = templates::find(&r.template) else {
        return r.template.clone();
    };
    let group = split_board_id(board).map_or("", |(g, _)| g);
    sync.boards.with(|boards| {
        boards
            .get(&board_id(group, template.key))
            .and_then(|b| b.find(&r.card_id))
            .map_or_else(
                || method_texts::title(locale, template),
                |(section, _, c)| {
                    let text = method_texts::card_label(locale, template, c);
                    format!(
                        "{}: {}",
                        method_texts::title(locale, template),
                        method_texts::card_name(locale, template, section, &text)
                    )
                },
            )
    })
}

/// E5: where a carried card came from, and where this card went.
#[component]
fn CarryLinks(sync: LiveSync, board: StoredValue<String>, card: Signal<Option<Card>>) -> AnyView {
    let i18n = use_i18n();
    let origin = move || {
        card.with(|c| c.as_ref().and_then(|c| c.origin.clone()))
            .map(|o| ref_name(sync, &board.get_value(), &o, i18n.get_locale()))
    };
    let copies = move || {
        card.with(|c| c.as_ref().map(|c| c.copies.clone()).unwrap_or_default())
            .iter()
            .map(|r| ref_name(sync, &board.get_value(), r, i18n.get_locale()))
            .collect::<Vec<_>>()
    };
    view! {
        {move || origin().map(|o| view! { <p class="carried">{t!(i18n, further.carried_from)} ": " {o}</p> })}
        {move || {
            let copies = copies();
            (!copies.is_empty())
                .then(|| view! { <p class="carried">{t!(i18n, further.carried_to)} ": " {copies.join(" · ")}</p> })
        }}
    }
    .into_any()
}

/// E5: one button per target the section declares ("In ⟨Methode: Feld⟩
/// übernehmen"), for methods the session uses. The browser sends both
/// ops: the copy to the target board, the link back to this one.
#[component]
fn CarryButtons(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    template: &'static Template,
    section: &'static Section,
) -> AnyView {
    let i18n = use_i18n();
    let note = RwSignal::new(None::<bool>);
    let carry = move |target: &'static CarryTarget| {
        let new_id = uuid::Uuid::now_v7().to_string();
        let plan = sync.boards.with_untracked(|boards| {
            // An untouched board's fixed items can go too.
            let origin = boards
                .get(&board.get_value())
                .cloned()
                .unwrap_or_default()
                .materialised(template);
            carry_over(&origin, template, &card_id.get_value(), target, &new_id)
        });
        match plan {
            Ok(plan) => {
                let origin = board.get_value();
                let group = split_board_id(&origin).map_or("", |(g, _)| g);
                sync.submit(board_id(group, plan.target_template), plan.copy);
                sync.submit(origin, plan.link_back);
                note.set(Some(true));
            }
            Err(_) => note.set(Some(false)),
        }
    };
    let buttons = move || {
        section
            .carry_to
            .iter()
            .filter(|t| sync.settings.with(|s| s.uses(t.template)))
            .map(|target| {
                view! {
                    <button type="button" class="secondary carry" on:click=move |_| carry(target)>
                        {move || method_texts::carry_button(i18n.get_locale(), template, target)}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <div class="carry-buttons">{buttons}</div>
        <p class="hint" role="status">
            {move || match note.get() {
                Some(true) => t_string!(i18n, further.carry_done).to_string(),
                Some(false) => t_string!(i18n, further.carry_empty).to_string(),
                None => String::new(),
            }}
        </p>
    }
    .into_any()
}

/// The Phasen-Check's "aktuelle Phase": the group marks one section.
#[component]
pub fn CurrentMark(
    sync: LiveSync,
    board: StoredValue<String>,
    section: &'static Section,
) -> AnyView {
    let i18n = use_i18n();
    let current = Memo::new(move |_| {
        sync.boards.with(|boards| {
            boards
                .get(&board.get_value())
                .is_some_and(|b| b.current.as_deref() == Some(section.id))
        })
    });
    let mark = move |_| {
        let next = (!current.get_untracked()).then(|| section.id.to_owned());
        sync.submit(
            board.get_value(),
            Op::SetAttribute {
                card_id: String::new(),
                attribute: Attribute::Current(next),
            },
        );
    };
    view! {
        <button
            type="button"
            class="secondary current-mark"
            aria-pressed=move || current.get().to_string()
            on:click=mark
        >
            {t!(i18n, further.current)}
        </button>
    }
    .into_any()
}

/// One card a card may refer to on another board of the group.
#[derive(Clone, PartialEq)]
struct RefChoice {
    target: CardRef,
    /// The section's short name ("S").
    short: String,
    /// "Bezug: Stärken „Erfahrenes Bürgerbüro“".
    name: String,
    referred: bool,
}

/// A card's references to cards of the group's other boards (a BMC card
/// to SWOT cards): small badges "S", "W", "O", "T" named in full for
/// screen readers, each with a button to drop it, and a labelled select
/// to add one. What shows is the domain's `shown_refs`.
#[component]
fn CardRefs(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
    card: Signal<Option<Card>>,
    section: &'static Section,
) -> AnyView {
    let i18n = use_i18n();
    let choices = Memo::new(move |_| {
        let locale = i18n.get_locale();
        let (open, close) = if locale == Locale::de {
            ('\u{201e}', '\u{201c}')
        } else {
            ('\u{201c}', '\u{201d}')
        };
        let prefix = t_string!(i18n, workspace.ref_label).to_string();
        let Some(c) = card.get() else {
            return Vec::new();
        };
        let group = split_board_id(&board.get_value()).map_or(String::new(), |(g, _)| g.to_owned());
        sync.boards.with(|boards| {
            let mut out = Vec::new();
            for target in section.refs_to {
                let Some(other_template) = templates::find(target.template) else {
                    continue;
                };
                let Some(other) = boards.get(&board_id(&group, target.template)) else {
                    continue;
                };
                let shown: Vec<String> = shown_refs(&c, section, target.template, other)
                    .into_iter()
                    .map(|(_, c)| c.id.clone())
                    .collect();
                for s in target
                    .sections
                    .iter()
                    .filter_map(|s| other_template.section(s))
                {
                    for other_card in other.cards(s.id) {
                        out.push(RefChoice {
                            target: CardRef {
                                template: target.template.to_owned(),
                                card_id: other_card.id.clone(),
                            },
                            short: method_texts::section_short(locale, other_template, s),
                            name: format!(
                                "{prefix}: {} {open}{}{close}",
                                method_texts::section_label(locale, other_template, s),
                                other_card.text
                            ),
                            referred: shown.contains(&other_card.id),
                        });
                    }
                }
            }
            out
        })
    });
    let submit = move |target: CardRef, linked: bool| {
        sync.submit(
            board.get_value(),
            Op::RefCard {
                card_id: card_id.get_value(),
                target,
                linked,
            },
        )
    };
    let badges = move || {
        choices
            .get()
            .into_iter()
            .filter(|c| c.referred)
            .map(|c| {
                let remove_label = format!("{} – {}", t_string!(i18n, workspace.ref_remove), c.name);
                let target = c.target.clone();
                view! {
                    <li class="card-ref">
                        <span class="ref-badge" title=c.name.clone() aria-hidden="true">{c.short.clone()}</span>
                        <span class="visually-hidden">{c.name.clone()}</span>
                        <button
                            type="button"
                            class="icon secondary"
                            aria-label=remove_label.clone()
                            title=remove_label
                            on:click=move |_| submit(target.clone(), false)
                        >
                            "✕"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let choice = RwSignal::new(String::new());
    let select_id = format!("refs-{}", card_id.get_value());
    let options = move || {
        choices
            .get()
            .into_iter()
            .filter(|c| !c.referred)
            .map(|c| view! { <option value=c.target.link()>{format!("{} – {}", c.short, c.name)}</option> })
            .collect_view()
    };
    let add = move |_| {
        if let Some(target) = CardRef::from_link(&choice.get_untracked()) {
            submit(target, true);
            choice.set(String::new());
        }
    };
    let has_options = move || choices.with(|c| c.iter().any(|c| !c.referred));
    view! {
        <div class="card-refs">
            <ul class="ref-badges">{badges}</ul>
            <Show when=has_options fallback=move || view! {
                <p class="hint">{t!(i18n, workspace.no_ref_targets)}</p>
            }>
                <label for=select_id.clone()>{t!(i18n, workspace.ref_add_label)}</label>
                <select id=select_id.clone() bind:value=choice>
                    <option value="">"–"</option>
                    {options}
                </select>
                <button type="button" class="secondary" on:click=add>
                    {t!(i18n, workspace.ref_add)}
                </button>
            </Show>
        </div>
    }
    .into_any()
}
