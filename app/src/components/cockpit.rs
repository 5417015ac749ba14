//! The moderator's live cockpit: what the projector shows, the timer, locks
//! and dot voting, an overview of all groups, and moving participants.

use super::error_notice::ErrorNotice;
use super::steering::TimerDisplay;
use crate::api::{ApiErrorBody, GroupView, MoveRequest, ParticipantView};
use crate::client;
use crate::domain::board::board_id;
use crate::domain::rating;
use crate::domain::settings::{MethodSwitch, SettingsChange, MAX_DOTS};
use crate::domain::steering::{Stage, TimerAction};
use crate::domain::templates::{self, Template};
use crate::i18n::*;
use crate::method_texts;
use crate::sync::LiveSync;
use leptos::{prelude::*, task::spawn_local};

/// Sends a settings change; errors land in `error`.
fn change(
    token: StoredValue<String>,
    error: RwSignal<Option<ApiErrorBody>>,
    change: SettingsChange,
) {
    spawn_local(async move {
        match client::change_settings(&token.get_value(), &change).await {
            Ok(_) => error.set(None),
            Err(e) => error.set(Some(e)),
        }
    });
}

#[component]
pub fn LiveCockpit(sync: LiveSync, code: String, token: String, groups: Vec<GroupView>) -> AnyView {
    let i18n = use_i18n();
    // The projector gets its own read-only token, never the moderator's secret.
    let projector = RwSignal::new(None::<String>);
    let code = StoredValue::new(code);
    Effect::new(move |_| projector.set(client::projector_token(&code.get_value())));
    let token = StoredValue::new(token);
    let error = RwSignal::new(None::<ApiErrorBody>);
    let renew = move |_| {
        spawn_local(async move {
            match client::rotate_projector(&token.get_value()).await {
                Ok(rotated) => {
                    client::remember_projector_token(&code.get_value(), &rotated.projector_token);
                    projector.set(Some(rotated.projector_token));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let groups = StoredValue::new(groups);
    view! {
        <section class="panel cockpit" aria-labelledby="cockpit-heading">
            <h2 id="cockpit-heading">{t!(i18n, cockpit.heading)}</h2>
            <p>
                {move || projector.get().map(|p| view! {
                    <a href=format!("/projector#{p}") target="_blank" rel="noopener" data-testid="projector-link">
                        {t!(i18n, cockpit.open_projector)}
                    </a>
                    " "
                })}
                <button type="button" class="secondary" on:click=renew>
                    {move || if projector.with(Option::is_some) {
                        t_string!(i18n, cockpit.renew_projector_link).to_string()
                    } else {
                        t_string!(i18n, cockpit.make_projector_link).to_string()
                    }}
                </button>
            </p>
            <StageChooser sync token error groups=groups.get_value() />
            <TimerControls sync token error />
            <BoardRules sync token error />
            <ErrorNotice error />
            <super::merge::MergePanel sync token groups=groups.get_value() />
            <Overview sync groups=groups.get_value() />
            <super::session_plan::SessionPlanEditor sync token error groups=groups.get_value() />
        </section>
    }
    .into_any()
}

#[component]
fn StageChooser(
    sync: LiveSync,
    token: StoredValue<String>,
    error: RwSignal<Option<ApiErrorBody>>,
    groups: Vec<GroupView>,
) -> AnyView {
    let i18n = use_i18n();
    let show = move |stage: Stage| {
        change(
            token,
            error,
            SettingsChange {
                stage: Some(stage),
                ..Default::default()
            },
        )
    };
    let current = Memo::new(move |_| sync.settings.with(|s| s.stage.clone()));
    // Labels follow the language switch.
    let button = move |label: Signal<String>, stage: Stage| {
        let target = stage.clone();
        view! {
            <button
                type="button"
                class="secondary"
                aria-pressed=move || (current.get() == target).to_string()
                on:click=move |_| show(stage.clone())
            >
                {move || label.get()}
            </button>
        }
    };
    // Only the session's methods: seven methods times every group would
    // bury the ones in use.
    let used = move |t: &&'static Template| sync.settings.with(|s| s.uses(t.key));
    let per_method = move || {
        templates::ALL
            .iter()
            .filter(used)
            .map(|t| {
                button(
                    Signal::derive(move || {
                        t_string!(
                            i18n,
                            cockpit.all_groups,
                            method = method_texts::title(i18n.get_locale(), t)
                        )
                        .to_string()
                    }),
                    Stage::AllGroups {
                        template: t.key.to_owned(),
                    },
                )
            })
            .collect_view()
    };
    let groups = StoredValue::new(groups);
    let per_group = move || {
        groups.with_value(|groups| {
            groups
                .iter()
                .flat_map(|g| {
                    templates::ALL.iter().filter(used).map(move |t| {
                        button(
                            Signal::derive({
                                let name = g.name.clone();
                                move || {
                                    format!(
                                        "{} · {}",
                                        name,
                                        method_texts::title(i18n.get_locale(), t)
                                    )
                                }
                            }),
                            Stage::Board {
                                group_id: g.id.clone(),
                                template: t.key.to_owned(),
                            },
                        )
                    })
                })
                .collect_view()
        })
    };
    view! {
        <fieldset class="stage-chooser">
            <legend>{t!(i18n, cockpit.projector_shows)}</legend>
            <div class="button-row">
                {button(Signal::derive(move || t_string!(i18n, cockpit.stage_join).to_string()), Stage::Join)}
                {button(Signal::derive(move || t_string!(i18n, cockpit.stage_timer).to_string()), Stage::Timer)}
                {button(
                    Signal::derive(move || t_string!(i18n, cockpit.stage_ranking).to_string()),
                    Stage::JointRanking,
                )}
            </div>
            <div class="button-row">{per_method}</div>
            <details>
                <summary>{t!(i18n, cockpit.one_group)}</summary>
                <div class="button-row">{per_group}</div>
            </details>
        </fieldset>
    }
    .into_any()
}

#[component]
fn TimerControls(
    sync: LiveSync,
    token: StoredValue<String>,
    error: RwSignal<Option<ApiErrorBody>>,
) -> AnyView {
    let i18n = use_i18n();
    let minutes = RwSignal::new("10".to_owned());
    let act = move |action: TimerAction| {
        change(
            token,
            error,
            SettingsChange {
                timer: Some(action),
                ..Default::default()
            },
        )
    };
    let set = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = minutes.get_untracked().replace(',', ".");
        let seconds = value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|m| m.is_finite() && *m > 0.0)
            .map(|m| (m * 60.0).round() as u32);
        // An unreadable entry goes to the server as 0 s, which it refuses with a message.
        act(TimerAction::Set {
            seconds: seconds.unwrap_or(0),
        });
    };
    view! {
        <form class="inline-form timer-controls" on:submit=set novalidate>
            <label for="timer-minutes">{t!(i18n, cockpit.timer_minutes)}</label>
            <input id="timer-minutes" type="number" min="1" step="1" inputmode="numeric" bind:value=minutes />
            <button type="submit">{t!(i18n, cockpit.timer_set)}</button>
            <button type="button" on:click=move |_| act(TimerAction::Start)>{t!(i18n, cockpit.timer_start)}</button>
            <button type="button" class="secondary" on:click=move |_| act(TimerAction::Pause)>{t!(i18n, cockpit.timer_pause)}</button>
            <button type="button" class="secondary" on:click=move |_| act(TimerAction::Stop)>{t!(i18n, cockpit.timer_stop)}</button>
            <TimerDisplay sync />
        </form>
    }
    .into_any()
}

#[component]
fn BoardRules(
    sync: LiveSync,
    token: StoredValue<String>,
    error: RwSignal<Option<ApiErrorBody>>,
) -> AnyView {
    let i18n = use_i18n();
    let locked = Signal::derive(move || sync.settings.with(|s| s.locked.clone()));
    let lock = Callback::new(move |switch: MethodSwitch| {
        change(
            token,
            error,
            SettingsChange {
                switch_lock: Some(switch),
                ..Default::default()
            },
        )
    });
    let strategies = move || sync.settings.with(|s| s.strategies);
    let switch_strategies = move |ev| {
        change(
            token,
            error,
            SettingsChange {
                strategies: Some(event_target_checked(&ev)),
                ..Default::default()
            },
        )
    };
    let dots = RwSignal::new(String::new());
    // Follows the setting only when the setting itself changes: another
    // settings message (a lock, the timer) must not overwrite what the
    // moderator is typing.
    let current_dots = Memo::new(move |_| sync.settings.with(|s| s.dots_per_person));
    Effect::new(move |_| dots.set(current_dots.get().to_string()));
    let save_dots = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Out of range or unreadable: sent as MAX_DOTS + 1, refused with a message.
        let n = dots
            .get_untracked()
            .trim()
            .parse::<u8>()
            .unwrap_or(MAX_DOTS.saturating_add(1));
        change(
            token,
            error,
            SettingsChange {
                dots_per_person: Some(n),
                ..Default::default()
            },
        );
    };
    view! {
        <MethodChecks
            legend=Signal::derive(move || t_string!(i18n, cockpit.locks).to_string())
            label=Callback::new(move |t: &'static Template| {
                t_string!(i18n, cockpit.lock_method, method = method_texts::title(i18n.get_locale(), t)).to_string()
            })
            checked=locked
            on_change=lock
        />
        // "Schritt 2: Strategien": the SWOT's TOWS fields, once the grid is done.
        <label class="link-choice">
            <input
                type="checkbox"
                data-testid="strategies"
                prop:checked=strategies
                on:change=switch_strategies
            />
            {t!(i18n, cockpit.strategies)}
        </label>
        <form class="inline-form" on:submit=save_dots novalidate>
            <label for="dots-per-person">{t!(i18n, cockpit.dots)}</label>
            <input id="dots-per-person" type="number" min="0" max=MAX_DOTS.to_string() bind:value=dots />
            <button type="submit">{t!(i18n, cockpit.dots_save)}</button>
        </form>
    }
    .into_any()
}

/// Per group: who is online, cards per board, raters per idea, last activity.
#[component]
fn Overview(sync: LiveSync, groups: Vec<GroupView>) -> AnyView {
    let i18n = use_i18n();
    let rows = groups
        .into_iter()
        .map(|g| {
            let id = StoredValue::new(g.id.clone());
            let online = move || {
                sync.online.with(|o| {
                    o.iter()
                        .filter(|p| p.group_id == id.get_value())
                        .map(|p| p.name.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            };
            let cards = move || {
                sync.boards.with(|boards| {
                    templates::ALL
                        .iter()
                        .filter(|t| sync.settings.with(|s| s.uses(t.key)))
                        .map(|t| {
                            let n = boards
                                .get(&board_id(&id.get_value(), t.key))
                                .map_or(0, |b| b.card_count());
                            format!("{}: {n}", method_texts::title(i18n.get_locale(), t))
                        })
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
            };
            let ratings = move || {
                sync.boards.with(|boards| {
                    let Some(b) = boards.get(&board_id(&id.get_value(), templates::KI.key)) else {
                        return String::new();
                    };
                    b.cards("ideen")
                        .iter()
                        .map(|c| format!("{}: {}", c.text, rating::rater_count(b, &c.id)))
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
            };
            let last = move || {
                sync.activity.with(|a| {
                    a.get(&id.get_value())
                        .map(|t| {
                            let minutes = (sync.server_now() / 1000 - t).max(0) / 60;
                            if minutes == 0 {
                                t_string!(i18n, cockpit.just_now).to_string()
                            } else {
                                t_string!(i18n, cockpit.ago, minutes = minutes).to_string()
                            }
                        })
                        .unwrap_or_else(|| "–".to_owned())
                })
            };
            view! {
                <tr data-group=g.name.clone()>
                    <th scope="row">{g.name.clone()}</th>
                    <td data-testid="online">{online}</td>
                    <td>{cards}</td>
                    <td>{ratings}</td>
                    <td>{last}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="overview-caption">
            <table class="ranking overview" data-testid="overview">
                <caption id="overview-caption">{t!(i18n, cockpit.overview)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, cockpit.group)}</th>
                        <th scope="col">{t!(i18n, cockpit.online)}</th>
                        <th scope="col">{t!(i18n, cockpit.cards)}</th>
                        <th scope="col">{t!(i18n, cockpit.raters)}</th>
                        <th scope="col">{t!(i18n, cockpit.last_activity)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Participants with their group; the moderator can move someone (their
/// open workspace reloads into the new group).
#[component]
pub fn ParticipantsPanel(
    participants: Vec<ParticipantView>,
    groups: Vec<GroupView>,
    token: String,
    reload: Callback<()>,
) -> AnyView {
    let i18n = use_i18n();
    let token = StoredValue::new(token);
    let error = RwSignal::new(None::<ApiErrorBody>);
    let groups = StoredValue::new(groups);
    let items = participants
        .into_iter()
        .map(|p| {
            let select_id = format!("move-{}", p.id);
            let pid = StoredValue::new(p.id.clone());
            let choice = RwSignal::new(p.group_id.clone());
            let current = groups.with_value(|gs| gs.iter().find(|g| g.id == p.group_id).map(|g| g.name.clone()).unwrap_or_default());
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let req = MoveRequest { group_id: choice.get_untracked() };
                spawn_local(async move {
                    match client::move_participant(&token.get_value(), &pid.get_value(), &req).await {
                        Ok(()) => reload.run(()),
                        Err(e) => error.set(Some(e)),
                    }
                });
            };
            let options = groups.with_value(|gs| {
                gs.iter()
                    .map(|g| view! { <option value=g.id.clone() selected=g.id == p.group_id>{g.name.clone()}</option> })
                    .collect_view()
            });
            let name = p.display_name.clone();
            let label = move || t_string!(i18n, cockpit.move_to, name = name.clone()).to_string();
            let confirming = RwSignal::new(false);
            let remove = move |_| {
                spawn_local(async move {
                    match client::remove_participant(&token.get_value(), &pid.get_value()).await {
                        Ok(()) => reload.run(()),
                        Err(e) => error.set(Some(e)),
                    }
                });
            };
            let name = p.display_name.clone();
            let remove_label = move || t_string!(i18n, cockpit.remove_participant, name = name.clone()).to_string();
            let name = p.display_name.clone();
            let question = move || t_string!(i18n, cockpit.remove_confirm, name = name.clone()).to_string();
            let question_id = format!("remove-{}", p.id);
            view! {
                <li>
                    <form class="inline-form" on:submit=submit>
                        <span>{p.display_name.clone()} " (" {p.kommune.clone()} ") · " {current}</span>
                        <label class="visually-hidden" for=select_id.clone()>{label}</label>
                        <select id=select_id bind:value=choice>{options}</select>
                        <button type="submit" class="secondary">{t!(i18n, cockpit.move_button)}</button>
                        <button type="button" class="secondary" aria-label=remove_label on:click=move |_| confirming.set(true)>
                            {t!(i18n, cockpit.remove_button)}
                        </button>
                    </form>
                    <Show when=move || confirming.get()>
                        <div role="alertdialog" aria-labelledby=question_id.clone() class="confirm">
                            <p id=question_id.clone()>{question.clone()}</p>
                            <button type="button" on:click=remove>{t!(i18n, cockpit.remove_final)}</button>
                            <button type="button" class="secondary" autofocus on:click=move |_| confirming.set(false)>
                                {t!(i18n, cockpit.cancel)}
                            </button>
                        </div>
                    </Show>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="participants">{items}</ul>
        <ErrorNotice error />
    }
    .into_any()
}

/// A checkbox per method; ticking or unticking one reports that one
/// method's switch (never the whole list: a second click before the first
/// is confirmed must not undo it).
#[component]
pub fn MethodChecks(
    legend: Signal<String>,
    label: Callback<&'static Template, String>,
    checked: Signal<Vec<String>>,
    on_change: Callback<MethodSwitch>,
) -> AnyView {
    let toggle = move |key: &'static str, on: bool| {
        on_change.run(MethodSwitch {
            key: key.to_owned(),
            on,
        });
    };
    view! {
        <fieldset>
            <legend>{move || legend.get()}</legend>
            {templates::ALL
                .iter()
                .map(|t| {
                    let key = t.key;
                    view! {
                        <label class="link-choice">
                            <input
                                type="checkbox"
                                prop:checked=move || checked.with(|c| c.iter().any(|k| k == key))
                                on:change=move |ev| toggle(key, event_target_checked(&ev))
                            />
                            {label.run(t)}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
    .into_any()
}
