//! The moderator's "zusammenführen": two ideas of different titles become
//! one in the joint ranking, and a merge can be undone. The merge is a
//! session setting (`SessionSettings::merges`); the rule that applies it is
//! `evaluation::joint`, so the projector and the exports show the same.

use super::error_notice::ErrorNotice;
use super::projector::joint_evaluation;
use crate::api::{ApiErrorBody, GroupView};
use crate::client;
use crate::domain::evaluation::joint::{idea_key, IdeaMerge, MergeChange};
use crate::domain::evaluation::rounding::{rank_text, score_text};
use crate::domain::settings::SettingsChange;
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

fn send(token: StoredValue<String>, error: RwSignal<Option<ApiErrorBody>>, merge: MergeChange) {
    let change = SettingsChange {
        merge: Some(merge),
        ..Default::default()
    };
    spawn_local(async move {
        match client::change_settings(&token.get_value(), &change).await {
            Ok(_) => error.set(None),
            Err(e) => error.set(Some(e)),
        }
    });
}

/// The joint ranking's rows, a form to merge two of them and the list of
/// merges with their undo buttons.
#[component]
pub fn MergePanel(sync: LiveSync, token: StoredValue<String>, groups: Vec<GroupView>) -> AnyView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<ApiErrorBody>);
    let joint = joint_evaluation(sync, StoredValue::new(groups));
    // Every idea's title once, by its key: the choices of the form, and the
    // names of the merged ideas in the list.
    let titles = Memo::new(move |_| {
        joint.with(|j| {
            j.iter()
                .flat_map(|j| j.ideas.iter())
                .flat_map(|i| std::iter::once(&i.row.title).chain(&i.row.merged))
                .map(|t| (idea_key(t), t.clone()))
                .filter(|(k, _)| !k.is_empty())
                .collect::<Vec<_>>()
        })
    });
    let title_of = move |key: &str| {
        titles.with(|ts| {
            ts.iter()
                .find(|(k, _)| k == key)
                .map_or_else(|| key.to_owned(), |(_, t)| t.clone())
        })
    };
    let shown = move |key: &str| titles.with(|ts| ts.iter().any(|(k, _)| k == key));
    let first = RwSignal::new(String::new());
    let second = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // The server refuses an empty or the same idea with a message.
        send(
            token,
            error,
            MergeChange::Merge {
                first: first.get_untracked(),
                second: second.get_untracked(),
            },
        );
        first.set(String::new());
        second.set(String::new());
    };
    let options = move || {
        let choose = t_string!(i18n, cockpit.merge_choose).to_string();
        std::iter::once((String::new(), choose))
            .chain(titles.get().into_iter().map(|(_, t)| (t.clone(), t)))
            .map(|(value, text)| view! { <option value=value>{text}</option> })
            .collect_view()
    };
    let rows = move || {
        joint
            .get()
            .map(|j| j.ideas)
            .unwrap_or_default()
            .into_iter()
            .map(|idea| {
                let r = idea.row;
                let merged = (!r.merged.is_empty()).then(|| {
                    let titles = r.merged.join(", ");
                    view! {
                        " " <small data-testid="merged">"(" {t!(i18n, cockpit.merged_with, titles = titles)} ")"</small>
                    }
                });
                view! {
                    <li data-idea=r.title.clone()>
                        {rank_text(r.rank)} ". " <strong>{r.title.clone()}</strong>
                        " · " {score_text(r.score)} {merged}
                    </li>
                }
            })
            .collect_view()
    };
    let merges = move || {
        let list: Vec<IdeaMerge> = sync.settings.with(|s| s.merges.clone());
        if list.is_empty() {
            return view! { <p class="hint">{t!(i18n, cockpit.no_merges)}</p> }.into_any();
        }
        view! {
            <ul data-testid="merges">
                {list
                    .into_iter()
                    .map(|m| {
                        let (a, b) = (title_of(&m.first), title_of(&m.second));
                        // Merges are kept by title: a renamed or deleted idea
                        // leaves its merge without effect until it is undone.
                        let gone = !(shown(&m.first) && shown(&m.second));
                        let gone = gone.then(|| {
                            view! { " " <small data-testid="merge-gone">{t!(i18n, cockpit.merge_gone)}</small> " " }
                        });
                        let label = {
                            let (a, b) = (a.clone(), b.clone());
                            move || t_string!(i18n, cockpit.merge_undo_label, first = a.clone(), second = b.clone()).to_string()
                        };
                        let undo = move |_| {
                            send(
                                token,
                                error,
                                MergeChange::Undo {
                                    first: m.first.clone(),
                                    second: m.second.clone(),
                                },
                            )
                        };
                        view! {
                            <li>
                                {format!("{a} + {b} ")}
                                {gone}
                                <button type="button" class="secondary" aria-label=label on:click=undo>
                                    {t!(i18n, cockpit.merge_undo)}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="merge" aria-labelledby="merge-heading" data-testid="merge-panel">
            <h3 id="merge-heading">{t!(i18n, cockpit.merge_heading)}</h3>
            <p class="hint">{t!(i18n, cockpit.merge_hint)}</p>
            <h4>{t!(i18n, cockpit.merge_rows)}</h4>
            <ol class="joint-rows" data-testid="merge-rows">{rows}</ol>
            <form class="inline-form" on:submit=submit>
                <label for="merge-first">{t!(i18n, cockpit.merge_idea)}</label>
                <select id="merge-first" bind:value=first>{options}</select>
                <label for="merge-second">{t!(i18n, cockpit.merge_with)}</label>
                <select id="merge-second" bind:value=second>{options}</select>
                <button type="submit">{t!(i18n, cockpit.merge_submit)}</button>
            </form>
            <h4>{t!(i18n, cockpit.merges)}</h4>
            {merges}
            <ErrorNotice error />
        </section>
    }
    .into_any()
}
