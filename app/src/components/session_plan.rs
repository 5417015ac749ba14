//! The moderator's Sessionplan (BarCamp, methods.md 9): per group with the
//! method on, each session proposal with its Zeitfenster and Raum, saved
//! when an input is left. Only the moderator sets them (the template
//! marks them `moderator_only`; the domain refuses anyone else's edit);
//! the server builds and commits the edit like every op, so the groups see
//! it live and the exports read it.

use crate::api::{ApiErrorBody, GroupView};
use crate::client;
use crate::domain::board::{board_id, TextField};
use crate::domain::templates::{FieldDef, BARCAMP};
use crate::i18n::*;
use crate::method_texts;
use crate::sync::LiveSync;
use leptos::{prelude::*, task::spawn_local};

/// The proposals' section and the fields the moderator assigns there.
const PROPOSALS: &str = "vorschlaege";

fn assigned_fields() -> Vec<&'static FieldDef> {
    BARCAMP
        .section(PROPOSALS)
        .map(|s| s.fields.iter().filter(|f| f.moderator_only).collect())
        .unwrap_or_default()
}

#[component]
pub fn SessionPlanEditor(
    sync: LiveSync,
    token: StoredValue<String>,
    error: RwSignal<Option<ApiErrorBody>>,
    groups: Vec<GroupView>,
) -> AnyView {
    let i18n = use_i18n();
    let on = move || sync.settings.with(|s| s.uses(BARCAMP.key));
    let per_group = groups
        .into_iter()
        .map(|g| {
            let board = StoredValue::new(board_id(&g.id, BARCAMP.key));
            let group = StoredValue::new(g.id.clone());
            let proposals = move || {
                sync.boards.with(|boards| {
                    boards
                        .get(&board.get_value())
                        .map(|b| {
                            b.cards(PROPOSALS)
                                .iter()
                                .map(|c| c.id.clone())
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default()
                })
            };
            let empty = move || proposals().is_empty();
            view! {
                <section class="session-plan-group" data-group=g.name.clone()>
                    <h4>{g.name.clone()}</h4>
                    <p class="hint" hidden=move || !empty()>
                        {t!(i18n, cockpit.session_plan_empty)}
                    </p>
                    <ul class="session-plan-list">
                        <For each=proposals key=|id| id.clone() let:card_id>
                            <ProposalSlot sync token error board group card_id />
                        </For>
                    </ul>
                </section>
            }
        })
        .collect_view();
    view! {
        <section
            class="session-plan"
            data-testid="session-plan-editor"
            aria-labelledby="session-plan-heading"
            hidden=move || !on()
        >
            <h3 id="session-plan-heading">{t!(i18n, cockpit.session_plan)}</h3>
            <p class="hint">{t!(i18n, cockpit.session_plan_hint)}</p>
            {per_group}
        </section>
    }
    .into_any()
}

/// One proposal: its title, and a labelled input per assigned field.
#[component]
fn ProposalSlot(
    sync: LiveSync,
    token: StoredValue<String>,
    error: RwSignal<Option<ApiErrorBody>>,
    board: StoredValue<String>,
    group: StoredValue<String>,
    card_id: String,
) -> AnyView {
    let i18n = use_i18n();
    let card_id = StoredValue::new(card_id);
    let read = move |field: TextField| {
        sync.boards.with(|boards| {
            boards
                .get(&board.get_value())
                .and_then(|b| b.find(&card_id.get_value()))
                .map(|(_, _, c)| c.field_text(field).to_owned())
                .unwrap_or_default()
        })
    };
    let title = move || read(TextField::Card);
    let inputs = assigned_fields()
        .into_iter()
        .map(|f| {
            let key = f.key;
            let id = format!("plan-{}-{}-{key}", group.get_value(), card_id.get_value());
            let label = move || method_texts::field(i18n.get_locale(), &BARCAMP, f).0;
            let save = move |ev| {
                let text = event_target_value(&ev);
                spawn_local(async move {
                    let saved = client::set_card_field(
                        &token.get_value(),
                        &board.get_value(),
                        &card_id.get_value(),
                        key,
                        &text,
                    )
                    .await;
                    match saved {
                        Ok(_) => error.set(None),
                        Err(e) => error.set(Some(e)),
                    }
                });
            };
            view! {
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    type="text"
                    data-field=key
                    maxlength="60"
                    prop:value=move || read(TextField::Field(key))
                    on:change=save
                />
            }
        })
        .collect_view();
    view! {
        <li class="session-plan-row" data-card=card_id.get_value()>
            <span class="session-title">{title}</span>
            {inputs}
        </li>
    }
    .into_any()
}
