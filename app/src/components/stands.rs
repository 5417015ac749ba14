//! "Stand sichern" on the moderation page (antrag.md §5): save every board
//! of the session under a label and today's date, list the saved stands,
//! and show what changed since one of them. The difference is computed by
//! the server with the domain's `stand::diff`; this file only renders it.

use super::error_notice::ErrorNotice;
use crate::api::{ApiErrorBody, GroupView, StandRequest};
use crate::client;
use crate::domain::evaluation::rounding::mean_text;
use crate::domain::session::german_date;
use crate::domain::stand::{BoardDiff, ChangeKind, Stand, StandDiff};
use crate::domain::templates;
use crate::i18n::*;
use crate::method_texts;
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

#[component]
pub fn StandsPanel(token: String, groups: Vec<GroupView>) -> AnyView {
    let i18n = use_i18n();
    let token = StoredValue::new(token);
    let groups = StoredValue::new(groups);
    let label = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiErrorBody>);
    let saved = RwSignal::new(false);
    let list = LocalResource::new(move || async move {
        client::stands(&token.get_value()).await.unwrap_or_default()
    });
    let compared = RwSignal::new(None::<(Stand, StandDiff)>);
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = StandRequest {
            label: label.get_untracked(),
        };
        saved.set(false);
        spawn_local(async move {
            match client::add_stand(&token.get_value(), &request).await {
                Ok(_) => {
                    label.set(String::new());
                    error.set(None);
                    saved.set(true);
                    list.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let compare = move |stand: Stand| {
        spawn_local(async move {
            match client::stand_diff(&token.get_value(), stand.id).await {
                Ok(diff) => {
                    error.set(None);
                    compared.set(Some((stand, diff)));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let rows = move || {
        list.get().map(|stands| {
            if stands.is_empty() {
                return view! { <p class="hint">{t!(i18n, stands.none)}</p> }.into_any();
            }
            let items = stands
                .into_iter()
                .rev()
                .map(|stand| {
                    let name = format!("{} · {}", stand.label, german_date(&stand.date));
                    let button = format!("{}: {name}", t_string!(i18n, stands.compare));
                    let s = stand.clone();
                    view! {
                        <li>
                            <span>{name}</span>
                            " "
                            <button type="button" class="secondary" aria-label=button on:click=move |_| compare(s.clone())>
                                {t!(i18n, stands.compare)}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <h3>{t!(i18n, stands.list)}</h3>
                <ul class="plain" data-testid="stands">{items}</ul>
            }
            .into_any()
        })
    };
    view! {
        <section class="panel" aria-labelledby="stands-heading">
            <h2 id="stands-heading">{t!(i18n, stands.heading)}</h2>
            <p class="hint">{t!(i18n, stands.hint)}</p>
            <form class="inline-form" on:submit=save novalidate>
                <label for="stand-label">{t!(i18n, stands.label)}</label>
                <input id="stand-label" maxlength="80" bind:value=label />
                <button type="submit">{t!(i18n, stands.save)}</button>
            </form>
            <p role="status">{move || saved.get().then(|| t_string!(i18n, stands.saved))}</p>
            <ErrorNotice error />
            <Transition>{rows}</Transition>
            {move || compared.get().map(|(stand, diff)| view! { <DiffView stand diff groups=groups.get_value() /> })}
        </section>
    }
    .into_any()
}

/// The difference to one stand, board by board.
#[component]
fn DiffView(stand: Stand, diff: StandDiff, groups: Vec<GroupView>) -> AnyView {
    let i18n = use_i18n();
    let heading = move || {
        t_string!(
            i18n,
            stands.diff_heading,
            label = stand.label.clone(),
            date = german_date(&stand.date)
        )
        .to_string()
    };
    let boards = if diff.boards.is_empty() {
        view! { <p>{t!(i18n, stands.no_difference)}</p> }.into_any()
    } else {
        diff.boards
            .into_iter()
            .map(|board| {
                let group = groups
                    .iter()
                    .find(|g| g.id == board.group_id)
                    .map_or_else(|| board.group_id.clone(), |g| g.name.clone());
                view! { <BoardChanges board group /> }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="stand-diff" data-testid="stand-diff">
            <h3>{heading}</h3>
            {boards}
        </div>
    }
    .into_any()
}

#[component]
fn BoardChanges(board: BoardDiff, group: String) -> AnyView {
    let i18n = use_i18n();
    let Some(template) = templates::find(&board.template) else {
        return ().into_any();
    };
    let locale = move || i18n.get_locale();
    let section = move |id: &str| {
        template.section(id).map_or_else(
            || id.to_owned(),
            |s| method_texts::section_label(locale(), template, s),
        )
    };
    let changes = board
        .changes
        .iter()
        .map(|c| {
            let kind = match c.kind {
                ChangeKind::Added => t_string!(i18n, stands.added),
                ChangeKind::Changed => t_string!(i18n, stands.changed),
                ChangeKind::Removed => t_string!(i18n, stands.removed),
            };
            let text = match (&c.before, &c.after) {
                (Some(before), Some(after)) => format!("{before} → {after}"),
                (Some(text), None) | (None, Some(text)) => text.clone(),
                (None, None) => String::new(),
            };
            view! { <li><strong>{kind}</strong> " · " {section(&c.section)} ": " {text}</li> }
        })
        .collect_view();
    let transitions = board
        .transitions
        .iter()
        .map(|t| {
            let line = format!(
                "{}: {} → {}",
                t.card,
                method_texts::status(locale(), t.from),
                method_texts::status(locale(), t.to)
            );
            view! { <li><strong>{t!(i18n, stands.transitions)}</strong> " · " {line}</li> }
        })
        .collect_view();
    let overdue = board
        .overdue
        .iter()
        .map(|o| {
            let line = format!("{} ({})", o.card, german_date(&o.due));
            view! { <li><strong>{t!(i18n, stands.overdue)}</strong> " · " {line}</li> }
        })
        .collect_view();
    let trends = board
        .trends
        .iter()
        .map(|t| {
            let line = format!(
                "{}: {} → {}",
                section(&t.section),
                mean_text(t.before),
                mean_text(t.after)
            );
            view! { <li><strong>{t!(i18n, stands.trends)}</strong> " · " {line}</li> }
        })
        .collect_view();
    let title = format!("{group} · {}", method_texts::title(locale(), template));
    view! {
        <h4>{title}</h4>
        <ul class="plain">{changes}{transitions}{overdue}{trends}</ul>
    }
    .into_any()
}
