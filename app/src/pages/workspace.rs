use crate::api::{ErrorCode, Me};
use crate::client;
use crate::components::antrag::AntragPanel;
use crate::components::board::BoardView;
use crate::components::error_notice::ErrorNotice;
use crate::components::exports::GroupExports;
use crate::components::guide::RemoteEdits;
use crate::components::steering::TimerDisplay;
use crate::components::sync_badge::{Presence, SyncBadge};
use crate::domain::board::{board_id, Author, OpError};
use crate::domain::templates::{self, Template};
use crate::i18n::*;
use crate::protocol::Refusal;
use crate::sync::LiveSync;
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_params_map};

/// A participant's workspace in their group. Without a valid sign-in for this
/// session the participant is sent to the join page.
#[component]
pub fn WorkspacePage() -> AnyView {
    let i18n = use_i18n();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let navigate = use_navigate();
    let me = LocalResource::new(move || {
        let code = code();
        let navigate = navigate.clone();
        async move {
            let result = client::me(&code).await;
            if let Err(e) = &result {
                if matches!(
                    e.code,
                    ErrorCode::NotJoined | ErrorCode::TokenExpired | ErrorCode::ForeignToken
                ) {
                    navigate(&format!("/join/{code}"), Default::default());
                }
            }
            result
        }
    });
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || {
                me.get()
                    .map(|result| match result {
                        Ok(me) => view! { <GroupWorkspace me /> }.into_any(),
                        Err(e) if e.code == ErrorCode::Network => {
                            // Offline reload: work on from what this browser kept.
                            match client::last_me(&code()) {
                                Some(me) => view! { <GroupWorkspace me /> }.into_any(),
                                None => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                            }
                        }
                        Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }
                            .into_any(),
                    })
            }}
        </Transition>
    }
    .into_any()
}

#[component]
fn GroupWorkspace(me: Me) -> AnyView {
    let i18n = use_i18n();
    client::remember_me(&me);
    let author = Author {
        id: me.participant.id.clone(),
        name: me.participant.display_name.clone(),
        kommune: me.participant.kommune.clone(),
        moderator: false,
    };
    let sync = LiveSync::new(me.session.join_code.clone(), author);
    Effect::new(move |_| {
        client::keep_page_offline();
        sync.start();
    });
    on_cleanup(move || sync.stop());
    let selected = RwSignal::new(templates::CANVAS.key);
    // A method the moderator switched off falls back to the first one used.
    let shown = Memo::new(move |_| {
        let key = sync.settings.with(|s| {
            if s.uses(selected.get()) {
                selected.get()
            } else {
                s.methods
                    .first()
                    .and_then(|m| templates::find(m))
                    .map_or(templates::CANVAS.key, |t| t.key)
            }
        });
        templates::find(key).unwrap_or(&templates::CANVAS)
    });
    let group_id = StoredValue::new(me.group.id.clone());
    let name = me.participant.display_name.clone();
    let kommune = me.participant.kommune.clone();
    view! {
        <div class="workspace" style=format!("--group-colour: {}", me.group.colour)>
            <div class="workspace-head">
                <h1>
                    {me.session.title.clone()} " · "
                    <span data-testid="group-name">{me.group.name.clone()}</span>
                </h1>
                <TimerDisplay sync />
                <SyncBadge sync />
            </div>
            <p data-testid="me">
                {t!(i18n, workspace.you_are, name = name.clone(), kommune = kommune.clone())}
            </p>
            <Presence sync />
            <RefusalNotice sync />
            <RemoteEdits sync />
            <nav class="board-tabs" aria-label=move || t_string!(i18n, workspace.boards).to_string()>
                {move || templates::ALL
                    .iter()
                    .filter(|t| sync.settings.with(|s| s.uses(t.key)))
                    .map(|t| {
                        view! {
                            <button
                                type="button"
                                class="tab"
                                aria-pressed=move || (selected.get() == t.key).to_string()
                                on:click=move |_| selected.set(t.key)
                            >
                                {move || crate::method_texts::title(i18n.get_locale(), t)}
                            </button>
                        }
                    })
                    .collect_view()}
            </nav>
            {move || {
                // Rebuilt only when the shown method changes (not on every
                // settings message: a timer start must not replace the board
                // someone is typing on).
                let template: &'static Template = shown.get();
                view! {
                    <BoardView sync board_id=board_id(&group_id.get_value(), template.key) template />
                }
            }}
            <AntragPanel
                sync
                group_id=group_id.get_value()
                code=me.session.join_code.clone()
                kommune=me.participant.kommune.clone()
            />
            <GroupExports code=me.session.join_code.clone() />
            <LeaveSession code=me.session.join_code.clone() />
        </div>
    }
    .into_any()
}

/// Leaving: the participant's name goes from every card and rating, their
/// sign-in ends; their contributions stay without a name.
#[component]
fn LeaveSession(code: String) -> AnyView {
    let i18n = use_i18n();
    let code = StoredValue::new(code);
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<crate::api::ApiErrorBody>);
    let leave = move |_| {
        let code = code.get_value();
        spawn_local(async move {
            // Before the request: the server closes this page's live
            // connection with "reload" while it removes the participant.
            client::set_leaving(true);
            match client::leave(&code).await {
                Ok(()) => {
                    client::forget_me(&code);
                    client::go_to("/");
                }
                Err(e) => {
                    client::set_leaving(false);
                    error.set(Some(e));
                }
            }
        });
    };
    view! {
        <section class="leave">
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class="secondary" on:click=move |_| confirming.set(true)>
                        {t!(i18n, workspace.leave)}
                    </button>
                }
            >
                <div role="alertdialog" aria-labelledby="leave-question" class="confirm">
                    <p id="leave-question">{t!(i18n, workspace.leave_confirm)}</p>
                    <button type="button" on:click=leave>{t!(i18n, workspace.leave_final)}</button>
                    <button type="button" class="secondary" autofocus on:click=move |_| confirming.set(false)>
                        {t!(i18n, workspace.cancel)}
                    </button>
                </div>
            </Show>
            <ErrorNotice error />
        </section>
    }
    .into_any()
}

#[component]
fn RefusalNotice(sync: LiveSync) -> AnyView {
    let i18n = use_i18n();
    let reason = move || {
        sync.refusal.get().map(|r| match r {
            Refusal::Invalid {
                error: OpError::Locked,
            } => t_string!(i18n, workspace.refused_locked).to_string(),
            Refusal::Invalid {
                error: OpError::NoDotsLeft { max },
            } => t_string!(i18n, workspace.refused_dots, max = max).to_string(),
            Refusal::Invalid {
                error: OpError::DotsOff,
            } => t_string!(i18n, workspace.refused_dots_off).to_string(),
            Refusal::Invalid {
                error: OpError::MethodOff,
            } => t_string!(i18n, workspace.refused_method_off).to_string(),
            Refusal::Invalid {
                error: OpError::ForbiddenCharacter,
            } => t_string!(i18n, workspace.refused_characters).to_string(),
            Refusal::Invalid {
                error: OpError::StepOff,
            } => t_string!(i18n, workspace.refused_step_off).to_string(),
            Refusal::Invalid {
                error: OpError::FixedItem,
            } => t_string!(i18n, further.refused_fixed).to_string(),
            Refusal::Invalid {
                error: OpError::SectionClosed,
            } => t_string!(i18n, further.refused_closed).to_string(),
            Refusal::Invalid {
                error: OpError::NoKommune,
            } => t_string!(i18n, further.refused_no_kommune).to_string(),
            Refusal::Invalid {
                error: OpError::ModeratorOnly,
            } => t_string!(i18n, further.refused_moderator_only).to_string(),
            Refusal::Invalid {
                error: OpError::InvalidDate,
            } => t_string!(i18n, further.refused_date).to_string(),
            Refusal::Invalid {
                error: OpError::CarryNotAllowed | OpError::NothingToCarry,
            } => t_string!(i18n, further.refused_carry).to_string(),
            Refusal::Invalid {
                error: OpError::NoQuestions,
            } => t_string!(i18n, further.refused_no_questions).to_string(),
            Refusal::Invalid {
                error: OpError::UnknownQuestion,
            } => t_string!(i18n, further.refused_unknown_question).to_string(),
            Refusal::Invalid { .. } => t_string!(i18n, workspace.refused_invalid).to_string(),
            Refusal::ForeignBoard => t_string!(i18n, workspace.refused_foreign).to_string(),
            Refusal::RateLimited => t_string!(i18n, workspace.refused_rate).to_string(),
            Refusal::StorageUnavailable => t_string!(i18n, workspace.refused_storage).to_string(),
            _ => t_string!(i18n, workspace.refused_other).to_string(),
        })
    };
    view! {
        <p class="error" role="alert" data-testid="refusal">
            {move || reason().map(|reason| t_string!(i18n, workspace.refused, reason = reason).to_string())}
        </p>
    }
    .into_any()
}
