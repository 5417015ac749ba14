use crate::i18n::*;
use crate::sync::{LiveSync, SyncStatus};
use leptos::prelude::*;

/// The visible sync state: synchronised / sending (n) / offline (n waiting).
#[component]
pub fn SyncBadge(sync: LiveSync) -> AnyView {
    let i18n = use_i18n();
    let state = move || match sync.status.get() {
        SyncStatus::Connecting => "connecting",
        SyncStatus::Synced => "synced",
        SyncStatus::Sending => "sending",
        SyncStatus::Offline => "offline",
    };
    let text = move || {
        let count = sync.pending.get();
        match sync.status.get() {
            SyncStatus::Connecting => t_string!(i18n, workspace.sync_connecting).to_string(),
            SyncStatus::Synced => t_string!(i18n, workspace.sync_synced).to_string(),
            SyncStatus::Sending => {
                t_string!(i18n, workspace.sync_sending, count = count).to_string()
            }
            SyncStatus::Offline => {
                // One or more: the verb agrees ("1 Änderung wartet").
                if count == 1 {
                    t_string!(i18n, workspace.sync_offline_single, count = count).to_string()
                } else {
                    t_string!(i18n, workspace.sync_offline, count = count).to_string()
                }
            }
        }
    };
    view! {
        <p class="sync-badge" data-testid="sync-state" data-state=state role="status">
            <span class="dot" aria-hidden="true"></span>
            {text}
        </p>
    }
    .into_any()
}

/// Who is online in the group.
#[component]
pub fn Presence(sync: LiveSync) -> AnyView {
    let i18n = use_i18n();
    view! {
        <p class="presence" data-testid="presence">
            {t!(i18n, workspace.online)} ": "
            {move || {
                sync.online
                    .get()
                    .into_iter()
                    .map(|p| format!("{} ({})", p.name, p.kommune))
                    .collect::<Vec<_>>()
                    .join(", ")
            }}
        </p>
    }
    .into_any()
}
