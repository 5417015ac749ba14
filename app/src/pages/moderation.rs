use crate::api::{
    ApiErrorBody, ErrorCode, GroupRequest, GroupView, ModeratorSession, ParticipantView,
};
use crate::client;
use crate::components::cockpit::{LiveCockpit, MethodChecks, ParticipantsPanel};
use crate::components::error_notice::ErrorNotice;
use crate::components::exports::ModeratorExports;
use crate::components::stands::StandsPanel;
use crate::domain::evaluation::redaction::SingleRatings;
use crate::domain::evaluation::{Weights, KI_CRITERIA};
use crate::domain::session::{german_date, GROUP_COLOURS};
use crate::domain::settings::{MethodSwitch, SessionSettings, SettingsChange};
use crate::domain::templates;
use crate::i18n::*;
use crate::pages::home::CreateSession;
use crate::sync::LiveSync;
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

/// The moderator's page for one session; the secret comes from the URL fragment.
#[component]
pub fn ModerationPage() -> AnyView {
    let i18n = use_i18n();
    let token = RwSignal::new(None::<String>);
    let session = LocalResource::new(move || async move {
        // Read once from the fragment, then out of the address bar (history).
        let Some(t) = client::take_token(client::MODERATOR_TOKEN) else {
            return Err(ApiErrorBody::new(ErrorCode::ModeratorOnly));
        };
        token.set(Some(t.clone()));
        client::moderator_session(&t).await
    });
    let reload = Callback::new(move |()| session.refetch());
    view! {
        <h1>{t!(i18n, moderation.heading)}</h1>
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || {
                session
                    .get()
                    .map(|result| match result {
                        Ok(s) => {
                            let token = token.get().unwrap_or_default();
                            view! { <ModeratorCockpit session=s token reload /> }.into_any()
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
fn ModeratorCockpit(session: ModeratorSession, token: String, reload: Callback<()>) -> AnyView {
    let i18n = use_i18n();
    let public = session.session;
    let link = format!("{}/join/{}", client::origin(), public.join_code);
    let participants = session.participants;
    let groups = public.groups.clone();
    let secret_link = format!("{}/moderation#{token}", client::origin());
    let joining_closed = session.settings.joining_closed;
    // One live channel for every live list on this page: the cockpit, the
    // participants and the groups' member counts.
    let sync = LiveSync::for_moderator(public.join_code.clone(), token.clone());
    Effect::new(move |_| sync.start());
    on_cleanup(move || sync.stop());
    let members = live_participants(sync, token.clone(), participants);
    view! {
        <section class="panel session-facts" aria-labelledby="facts-heading">
            <h2 id="facts-heading">{public.title.clone()}</h2>
            <p>{german_date(&public.date)} " · " {public.place.clone()}</p>
            <dl>
                <dt>{t!(i18n, moderation.join_code)}</dt>
                <dd class="join-code" data-testid="join-code">{public.join_code.clone()}</dd>
                <dt>{t!(i18n, moderation.participant_link)}</dt>
                <dd>
                    <a href=link.clone() data-testid="participant-link">{link.clone()}</a>
                </dd>
            </dl>
            <p class="hint">{t!(i18n, moderation.secret_hint)}</p>
            <details>
                <summary>{t!(i18n, moderation.show_moderator_link)}</summary>
                <p>{t!(i18n, moderation.moderator_link)} ": "
                    <a href=secret_link.clone() data-testid="moderator-link">{secret_link.clone()}</a>
                </p>
            </details>
        </section>
        <GroupsEditor groups members=members.list.into() token=token.clone() reload />
        <SettingsPanel settings=session.settings rated=session.rated token=token.clone() />
        <ModeratorExports
            token=token.clone()
            groups=public.groups.clone()
            kosten=Signal::derive(move || {
                sync.settings.with(|s| s.uses(crate::domain::templates::KOSTEN.key))
            })
        />
        <StandsPanel token=token.clone() groups=public.groups.clone() />
        <section class="panel" aria-labelledby="participants-heading">
            <h2 id="participants-heading">{t!(i18n, moderation.participants)}</h2>
            <div data-testid="participants">
                {
                    let groups = public.groups.clone();
                    let token = token.clone();
                    move || {
                        let participants = members.list.get();
                        if participants.is_empty() {
                            view! { <p class="hint">{t!(i18n, moderation.no_participants)}</p> }.into_any()
                        } else {
                            view! {
                                <ParticipantsPanel
                                    participants
                                    groups=groups.clone()
                                    token=token.clone()
                                    reload=members.refetch
                                />
                            }
                                .into_any()
                        }
                    }
                }
            </div>
        </section>
        <LiveCockpit sync code=public.join_code.clone() token=token.clone() groups=public.groups.clone() />
        <CreateSession template=token.clone() title=public.title.clone() place=public.place.clone() />
        <AccessPanel token=token.clone() title=public.title.clone() joining_closed />
    }
    .into_any()
}

/// The session's participants, kept live: fetched again whenever the
/// moderator's channel reports that someone came, left or changed group, and
/// after the moderator moved or removed someone.
#[derive(Clone, Copy)]
struct LiveParticipants {
    list: RwSignal<Vec<ParticipantView>>,
    refetch: Callback<()>,
}

fn live_participants(
    sync: LiveSync,
    token: String,
    initial: Vec<ParticipantView>,
) -> LiveParticipants {
    let list = RwSignal::new(initial);
    let token = StoredValue::new(token);
    let asked = RwSignal::new(0u32);
    let refetch = Callback::new(move |()| asked.update(|n| *n = n.wrapping_add(1)));
    // Who is online in which group: a join, a leave, a removal and a move
    // all change it.
    let roster = Memo::new(move |_| {
        let mut who = sync.online.with(|online| {
            online
                .iter()
                .map(|p| (p.participant_id.clone(), p.group_id.clone()))
                .collect::<Vec<_>>()
        });
        who.sort();
        who.dedup();
        who
    });
    Effect::new(move |first: Option<()>| {
        // Read, not just tracked: a memo nobody reads is never computed, so
        // it would never notice a change of its own sources.
        roster.with(|_| ());
        asked.track();
        if first.is_none() {
            return;
        }
        let Some(token) = token.try_get_value() else {
            return;
        };
        spawn_local(async move {
            if let Ok(session) = client::moderator_session(&token).await {
                // A write to a disposed signal is a no-op, never a panic.
                list.set(session.participants);
            }
        });
    });
    LiveParticipants { list, refetch }
}

/// Joining open or closed, a new moderator link, deleting the session.
#[component]
fn AccessPanel(token: String, title: String, joining_closed: bool) -> AnyView {
    let i18n = use_i18n();
    let token = StoredValue::new(token);
    let closed = RwSignal::new(joining_closed);
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiErrorBody>);
    let toggle_joining = move |_| {
        let change = SettingsChange {
            joining_closed: Some(!closed.get_untracked()),
            ..SettingsChange::default()
        };
        spawn_local(async move {
            match client::change_settings(&token.get_value(), &change).await {
                Ok(settings) => {
                    closed.set(settings.joining_closed);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let rotate = move |_| {
        spawn_local(async move {
            let old = token.get_value();
            match client::rotate_secret(&old).await {
                Ok(rotated) => {
                    let Some(new) = rotated.moderator_token else {
                        return;
                    };
                    client::replace_session_token(&old, &new);
                    if let Ok(s) = client::moderator_session(&new).await {
                        client::remember_projector_token(
                            &s.session.join_code,
                            &rotated.projector_token,
                        );
                    }
                    client::go_to(&format!("/moderation#{new}"));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let delete = move |_| {
        spawn_local(async move {
            let secret = token.get_value();
            // Before the request: the server closes this page's live
            // connection with "reload" while it deletes.
            client::set_leaving(true);
            match client::delete_session(&secret).await {
                Ok(()) => {
                    client::forget_session(&secret);
                    client::go_to("/");
                }
                Err(e) => {
                    client::set_leaving(false);
                    error.set(Some(e));
                }
            }
        });
    };
    let confirm_text = t_string!(i18n, moderation.delete_confirm, title = title).to_string();
    view! {
        <section class="panel" aria-labelledby="access-heading">
            <h2 id="access-heading">{t!(i18n, moderation.access_heading)}</h2>
            <p data-testid="joining-state">
                {move || if closed.get() {
                    t_string!(i18n, moderation.joining_is_closed).to_string()
                } else {
                    t_string!(i18n, moderation.joining_is_open).to_string()
                }}
            </p>
            <button type="button" on:click=toggle_joining>
                {move || if closed.get() {
                    t_string!(i18n, moderation.open_joining).to_string()
                } else {
                    t_string!(i18n, moderation.close_joining).to_string()
                }}
            </button>
            <p class="hint">{t!(i18n, moderation.rotate_hint)}</p>
            <button type="button" class="secondary" on:click=rotate>
                {t!(i18n, moderation.rotate_secret)}
            </button>
            <p class="hint">{t!(i18n, moderation.retention_hint)}</p>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class="secondary" on:click=move |_| confirming.set(true)>
                        {t!(i18n, moderation.delete_session)}
                    </button>
                }
            >
                <div role="alertdialog" aria-labelledby="delete-question" class="confirm">
                    <p id="delete-question">{confirm_text.clone()}</p>
                    <button type="button" on:click=delete>{t!(i18n, moderation.delete_final)}</button>
                    <button type="button" class="secondary" autofocus on:click=move |_| confirming.set(false)>
                        {t!(i18n, moderation.cancel)}
                    </button>
                </div>
            </Show>
            <ErrorNotice error />
        </section>
    }
    .into_any()
}

#[component]
fn GroupsEditor(
    groups: Vec<GroupView>,
    members: Signal<Vec<ParticipantView>>,
    token: String,
    reload: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let next_colour = GROUP_COLOURS[groups.len() % GROUP_COLOURS.len()];
    let rows = groups
        .into_iter()
        .map(|g| view! { <GroupRow group=g members token=token.clone() reload /> })
        .collect_view();
    let empty = rows.is_empty();
    view! {
        <section class="panel" aria-labelledby="groups-heading">
            <h2 id="groups-heading">{t!(i18n, moderation.groups)}</h2>
            {empty.then(|| view! { <p class="hint">{t!(i18n, moderation.no_groups)}</p> })}
            <ul class="groups">{rows}</ul>
            <AddGroupForm token next_colour reload />
        </section>
    }
    .into_any()
}

#[component]
fn AddGroupForm(token: String, next_colour: &'static str, reload: Callback<()>) -> AnyView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let colour = RwSignal::new(next_colour.to_owned());
    let error = RwSignal::new(None::<ApiErrorBody>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let token = token.clone();
        let request = GroupRequest {
            name: name.get_untracked(),
            colour: colour.get_untracked(),
        };
        spawn_local(async move {
            match client::add_group(&token, &request).await {
                Ok(_) => {
                    name.set(String::new());
                    error.set(None);
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="inline-form" on:submit=submit novalidate>
            <label for="new-group-name">{t!(i18n, moderation.group_name)}</label>
            <input id="new-group-name" name="group-name" bind:value=name />
            <label for="new-group-colour">{t!(i18n, moderation.colour)}</label>
            <input id="new-group-colour" type="color" bind:value=colour />
            <button type="submit">{t!(i18n, moderation.add_group)}</button>
            <ErrorNotice error=error />
        </form>
    }
    .into_any()
}

#[component]
fn GroupRow(
    group: GroupView,
    members: Signal<Vec<ParticipantView>>,
    token: String,
    reload: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let name = RwSignal::new(group.name.clone());
    let colour = RwSignal::new(group.colour.clone());
    let error = RwSignal::new(None::<ApiErrorBody>);
    let id = StoredValue::new(group.id.clone());
    let token = StoredValue::new(token);
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = GroupRequest {
            name: name.get_untracked(),
            colour: colour.get_untracked(),
        };
        spawn_local(async move {
            let result = client::update_group(&token.get_value(), &id.get_value(), &request).await;
            match result {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let remove = move |_| {
        spawn_local(async move {
            match client::remove_group(&token.get_value(), &id.get_value()).await {
                Ok(()) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let label = group.name.clone();
    let member_count = move || {
        members.with(|ps| {
            ps.iter()
                .filter(|p| id.with_value(|id| &p.group_id == id))
                .count()
        })
    };
    view! {
        <li class="group-row" style=format!("--group-colour: {}", group.colour)>
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        <span class="swatch" aria-hidden="true"></span>
                        <span class="group-name">{label.clone()}</span>
                        <span class="hint">
                            {t!(i18n, moderation.members)} ": " {member_count}
                        </span>
                        <button type="button" on:click=move |_| editing.set(true)>
                            {t!(i18n, moderation.rename)}
                        </button>
                        <button type="button" class="secondary" on:click=remove>
                            {t!(i18n, moderation.remove)}
                        </button>
                    }
                }
            >
                <form class="inline-form" on:submit=save novalidate>
                    <label class="visually-hidden" for=format!("group-{}", id.get_value())>
                        {t!(i18n, moderation.group_name)}
                    </label>
                    <input id=format!("group-{}", id.get_value()) bind:value=name />
                    <label class="visually-hidden" for=format!("colour-{}", id.get_value())>
                        {t!(i18n, moderation.colour)}
                    </label>
                    <input id=format!("colour-{}", id.get_value()) type="color" bind:value=colour />
                    <button type="submit">{t!(i18n, moderation.save)}</button>
                    <button type="button" class="secondary" on:click=move |_| editing.set(false)>
                        {t!(i18n, moderation.cancel)}
                    </button>
                </form>
            </Show>
            <ErrorNotice error=error />
        </li>
    }
    .into_any()
}

/// Methods, KI weights and blind rating. Weights are frozen by the server
/// once the first rating exists; the panel says so.
#[component]
fn SettingsPanel(settings: SessionSettings, rated: bool, token: String) -> AnyView {
    let i18n = use_i18n();
    let current = RwSignal::new(settings);
    let error = RwSignal::new(None::<ApiErrorBody>);
    let saved = RwSignal::new(false);
    let token = StoredValue::new(token);
    let weights = StoredValue::new(
        KI_CRITERIA
            .iter()
            .map(|c| {
                (
                    c,
                    RwSignal::new(current.get_untracked().weights.get(c).to_string()),
                )
            })
            .collect::<Vec<_>>(),
    );
    let send = move |change: SettingsChange| {
        saved.set(false);
        spawn_local(async move {
            match client::change_settings(&token.get_value(), &change).await {
                Ok(next) => {
                    current.set(next);
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let save_weights = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut w = Weights::default();
        for (c, value) in weights.get_value() {
            // Unparsable input becomes NaN, which the server refuses with a message.
            w.set(
                c,
                value
                    .get_untracked()
                    .replace(',', ".")
                    .trim()
                    .parse()
                    .unwrap_or(f64::NAN),
            );
        }
        if w.validate(KI_CRITERIA).is_err() {
            error.set(Some(ApiErrorBody::new(ErrorCode::InvalidSettings)));
            return;
        }
        send(SettingsChange {
            weights: Some(w),
            ..Default::default()
        });
    };
    let methods = Signal::derive(move || current.with(|s| s.methods.clone()));
    let choose_methods = Callback::new(move |switch: MethodSwitch| {
        send(SettingsChange {
            switch_method: Some(switch),
            ..Default::default()
        })
    });
    let single = move || current.with(|s| s.single_ratings);
    let choose_single = move |value: SingleRatings| {
        send(SettingsChange {
            single_ratings: Some(value),
            ..Default::default()
        })
    };
    let single_options = SingleRatings::ALL
        .into_iter()
        .map(|option| {
            let id = format!("single-ratings-{}", option.key());
            let label_for = id.clone();
            let label = move || {
                match option {
                    SingleRatings::Off => t_string!(i18n, moderation.single_ratings_off),
                    SingleRatings::Pseudonymous => {
                        t_string!(i18n, moderation.single_ratings_pseudonymous)
                    }
                    SingleRatings::Named => t_string!(i18n, moderation.single_ratings_named),
                }
                .to_string()
            };
            view! {
                <label for=label_for class="radio">
                    <input
                        type="radio"
                        id=id
                        name="single-ratings"
                        value=option.key()
                        prop:checked=move || single() == option
                        on:change=move |_| choose_single(option)
                    />
                    " " {label}
                </label>
            }
        })
        .collect_view();
    let revealed = move || current.with(|s| s.ratings_revealed);
    let toggle_reveal = move |_| {
        send(SettingsChange {
            ratings_revealed: Some(!revealed()),
            ..Default::default()
        })
    };
    view! {
        <section class="panel" aria-labelledby="settings-heading">
            <h2 id="settings-heading">{t!(i18n, moderation.settings)}</h2>
            <MethodChecks
                legend=Signal::derive(move || t_string!(i18n, moderation.methods).to_string())
                label=Callback::new(move |t: &'static templates::Template| {
                    crate::method_texts::title(i18n.get_locale(), t)
                })
                checked=methods
                on_change=choose_methods
            />
            <form class="inline-form weights" on:submit=save_weights novalidate>
                <fieldset>
                    <legend>{t!(i18n, moderation.weights)}</legend>
                    {weights
                        .get_value()
                        .into_iter()
                        .map(|(c, value)| {
                            let id = format!("weight-{}", c.key);
                            view! {
                                <label for=id.clone()>{move || crate::method_texts::criterion_label(i18n.get_locale(), c)}</label>
                                <input id=id type="number" min="0" step="0.5" inputmode="decimal" bind:value=value disabled=rated />
                            }
                        })
                        .collect_view()}
                </fieldset>
                {if rated {
                    view! { <p class="hint">{t!(i18n, moderation.weights_frozen)}</p> }.into_any()
                } else {
                    view! { <button type="submit">{t!(i18n, moderation.save_weights)}</button> }.into_any()
                }}
            </form>
            <p data-testid="reveal-state">
                {move || if revealed() {
                    t_string!(i18n, moderation.ratings_revealed).to_string()
                } else {
                    t_string!(i18n, moderation.ratings_hidden).to_string()
                }}
            </p>
            <button type="button" on:click=toggle_reveal>
                {move || if revealed() {
                    t_string!(i18n, moderation.hide_ratings).to_string()
                } else {
                    t_string!(i18n, moderation.reveal_ratings).to_string()
                }}
            </button>
            <fieldset class="single-ratings" data-testid="single-ratings" aria-describedby="single-ratings-hint">
                <legend>{t!(i18n, moderation.single_ratings)}</legend>
                {single_options}
                <p class="hint" id="single-ratings-hint">{t!(i18n, moderation.single_ratings_hint)}</p>
            </fieldset>
            <p class="ok" role="status">{move || saved.get().then(|| t_string!(i18n, moderation.saved).to_string())}</p>
            <ErrorNotice error=error />
        </section>
    }
    .into_any()
}
