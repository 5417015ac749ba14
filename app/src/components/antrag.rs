//! The group's Antragsentwurf (antrag.md §1) on the workspace: the
//! Antragsreife and what is still missing, as the domain's draft computes
//! it from the boards the browser holds (the same rule the server's
//! document uses), and the draft's downloads.

use super::exports::{DownloadButton, DownloadStatus, Job, Progress, Scope};
use crate::domain::antrag::{draft, DraftInput};
use crate::domain::board::split_board_id;
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The formats an Antragsentwurf comes in (documents an office edits).
const FORMATS: [&str; 3] = ["docx", "odt", "pdf"];

#[component]
pub fn AntragPanel(sync: LiveSync, group_id: String, code: String, kommune: String) -> AnyView {
    let i18n = use_i18n();
    let group = StoredValue::new(group_id);
    let summary = Memo::new(move |_| {
        let settings = sync.settings.get();
        sync.boards.with(|all| {
            let group = group.get_value();
            let boards: BTreeMap<String, _> = all
                .iter()
                .filter_map(|(id, b)| match split_board_id(id) {
                    Some((g, template)) if g == group && settings.uses(template) => {
                        Some((template.to_owned(), b.clone()))
                    }
                    _ => None,
                })
                .collect();
            let mut kommunen: Vec<String> = boards
                .values()
                .flat_map(|b| b.sections.values().flatten())
                .map(|c| c.author.kommune.trim().to_owned())
                .chain(std::iter::once(kommune.trim().to_owned()))
                .filter(|k| !k.is_empty())
                .collect();
            kommunen.sort_by_key(|k| (k.to_lowercase(), k.clone()));
            kommunen.dedup();
            let d = draft(&DraftInput {
                group: "",
                kommunen: &kommunen,
                boards: &boards,
                weights: &settings.weights,
                ratings_hidden: !settings.ratings_revealed,
            });
            (d.reife(), d.idea.clone(), d.gaps())
        })
    });
    let progress = RwSignal::new(Progress::Idle);
    let buttons = FORMATS
        .iter()
        .map(|key| {
            let job = Job {
                url: format!("/api/sessions/{code}/export/{key}?profil=antrag"),
                token: None,
                key,
                scope: Scope::OwnGroup,
                antrag: true,
            };
            view! { <DownloadButton job progress /> }
        })
        .collect_view();
    view! {
        <section class="panel antrag" aria-labelledby="antrag-heading" data-testid="antrag">
            <h2 id="antrag-heading">{t!(i18n, antrag.heading)}</h2>
            <p class="antrag-reife" data-testid="antrag-reife">
                {move || t_string!(i18n, antrag.reife, percent = summary.with(|s| s.0)).to_string()}
            </p>
            <p>
                {move || match summary.with(|s| s.1.clone()) {
                    Some(idea) => t_string!(i18n, antrag.idea, idea = idea).to_string(),
                    None => t_string!(i18n, antrag.no_idea).to_string(),
                }}
            </p>
            <details>
                <summary>{t!(i18n, antrag.gaps)}</summary>
                {move || {
                    let gaps = summary.with(|s| s.2.clone());
                    if gaps.is_empty() {
                        view! { <p>{t!(i18n, antrag.none_missing)}</p> }.into_any()
                    } else {
                        view! { <ul>{gaps.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}</ul> }
                            .into_any()
                    }
                }}
            </details>
            <p>{t!(i18n, antrag.download_hint)}</p>
            <div class="export-row">{buttons}</div>
            <DownloadStatus progress />
        </section>
    }
    .into_any()
}
