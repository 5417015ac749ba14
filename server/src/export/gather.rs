//! Gathers an export from committed data (the hub's boards are the committed
//! state: an op enters them only after its transaction) and renders it off
//! the async runtime.

use super::{ExportData, Format, SessionFacts};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{SessionRecord, StoreError};
use app::domain::rating::redact_board;
use app::domain::settings::SessionSettings;

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

/// The session's settings. Until settings are persisted this is the default
/// (all methods, equal weights, hidden ratings, names).
pub async fn settings(_state: &AppState, _session: &SessionRecord) -> SessionSettings {
    SessionSettings::default()
}

pub async fn export(
    state: &AppState,
    session: &SessionRecord,
    format: Format,
    requester: Requester<'_>,
) -> Result<Download, ApiError> {
    let settings = settings(state, session).await;
    let groups = state.store.groups(&session.id).await?;
    let room = state.hub.room(&session.id).await?;
    let (_, mut boards) = room.snapshot("").await;
    let (only_group, hidden) = match requester {
        Requester::Moderator { group } => (group, false),
        Requester::Participant { id, group } => {
            let hidden = !settings.ratings_revealed;
            if hidden {
                for board in boards.values_mut() {
                    *board = redact_board(board, id);
                }
            }
            (Some(group), hidden)
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
    let bytes = tokio::task::spawn_blocking(move || format.render(&data))
        .await
        .map_err(|_| ApiError::TaskFailed)??;
    Ok(Download {
        file_name,
        content_type: format.content_type(),
        bytes,
    })
}
