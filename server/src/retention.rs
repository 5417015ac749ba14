//! Automatic deletion: sessions are deleted a configured number of days after
//! their workshop date (`--retention-days`, default 90), by a sweep at start
//! and every hour after.

use crate::state::AppState;
use crate::store::StoreError;
use std::time::Duration;

/// How often the sweep runs.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(3600);

/// Today's date (UTC) as YYYY-MM-DD, like a session's date.
pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Deletes every session past its retention on `today`; returns how many.
pub async fn sweep(
    state: &AppState,
    today: &str,
    retention_days: u32,
) -> Result<usize, StoreError> {
    let expired = state
        .store
        .sessions_past_retention(today, retention_days)
        .await?;
    for id in &expired {
        state.store.delete_session(id).await?;
        state.hub.evict(id).await;
        tracing::info!(session = %id, "session deleted after its retention period");
    }
    // The rate limiters forget addresses that are quiet again.
    state.limits.tidy();
    Ok(expired.len())
}

/// Runs [`sweep`] now and then every [`SWEEP_INTERVAL`], for as long as the server runs.
pub fn spawn(state: AppState, retention_days: u32) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_INTERVAL);
        loop {
            every.tick().await;
            if let Err(e) = sweep(&state, &today(), retention_days).await {
                tracing::error!(error = %e, "retention sweep failed");
            }
        }
    })
}
