//! Gathers an export from committed data (the hub's boards are the committed
//! state: an op enters them only after its transaction) and renders it off
//! the async runtime.

use super::{ExportData, Format, SessionFacts};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{SessionRecord, StoreError};

/// Exports typeset at the same time; more wait their turn, so a burst of
/// downloads (or a refresh-happy browser) cannot starve the live channel of
/// the machine's two cores.
pub static RENDER_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Who asks for an export: the moderator sees everything; a participant
/// only their own group, and while ratings are hidden only their own ratings.
pub enum Requester<'a> {
    Moderator { group: Option<&'a str> },
    Participant { id: &'a str, group: &'a str },
}

/// A rendered export: file name, content type and bytes.
pub struct Download {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

pub async fn export(
    state: &AppState,
    session: &SessionRecord,
    format: Format,
    requester: Requester<'_>,
) -> Result<Download, ApiError> {
    let groups = state.store.groups(&session.id).await?;
    let room = state.hub.room(&session.id).await?;
    let (only_group, hidden, settings, boards) = match requester {
        Requester::Moderator { group } => {
            let (_, boards) = room.snapshot("").await;
            (group, false, room.settings(), boards)
        }
        Requester::Participant { id, group } => {
            // The same redaction the live channel applies to this participant.
            let view = room.view_for("", id).await;
            let hidden = !view.settings.ratings_revealed;
            (Some(group), hidden, view.settings, view.boards)
        }
    };
    if let Some(g) = only_group {
        if !groups.iter().any(|x| x.id == g) {
            return Err(StoreError::UnknownGroup.into());
        }
    }
    let facts = SessionFacts {
        title: &session.title,
        date: &session.date,
        place: &session.place,
    };
    let data = ExportData::build(facts, &settings, &groups, &boards, only_group, hidden)?;
    let file_name = data.file_name(format);
    // Typesetting is CPU-bound: never on the async workers.
    let _slot = RENDER_SLOTS
        .acquire()
        .await
        .map_err(|_| ApiError::TaskFailed)?;
    let bytes = tokio::task::spawn_blocking(move || format.render(&data))
        .await
        .map_err(|_| ApiError::TaskFailed)??;
    Ok(Download {
        file_name,
        content_type: format.content_type(),
        bytes,
    })
}
