//! Gathers an export from committed data (the hub's boards are the committed
//! state: an op enters them only after its transaction) and renders it off
//! the async runtime.

use super::{ExportData, Format, Medium, Profile, SessionFacts, Since};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{SessionRecord, StoreError};
use app::domain::board::BoardState;
use app::domain::settings::SessionSettings;
use app::domain::stand::Stand;
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Exports typeset (and imports parsed) at the same time: one per core, so a
/// burst of downloads (or a refresh-happy browser) cannot starve the live
/// channel. A request waits at most [`SLOT_WAIT`] for a slot and otherwise
/// hears "busy, try again" ([`ApiError::Busy`], 503 with `Retry-After`)
/// instead of queueing without bound.
pub static RENDER_SLOTS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(render_slot_count())));

/// The number of typesetting slots: the machine's cores.
pub fn render_slot_count() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// How long a request waits for a free slot.
pub const SLOT_WAIT: Duration = Duration::from_secs(2);
/// How long one export may typeset before the request is answered with
/// [`ApiError::TimedOut`]. The work itself cannot be interrupted (typst has
/// no cancellation): it runs to its end and keeps its slot until then, so
/// the number of typesetting threads never exceeds the slots, even when
/// requests time out.
pub const RENDER_LIMIT: Duration = Duration::from_secs(30);

/// Runs CPU-bound `work` off the async runtime, in a slot, within
/// [`RENDER_LIMIT`].
pub async fn in_render_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let permit = match tokio::time::timeout(SLOT_WAIT, RENDER_SLOTS.clone().acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        Ok(Err(_)) => return Err(ApiError::TaskFailed),
        Err(_) => return Err(ApiError::Busy),
    };
    let task = tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    });
    match tokio::time::timeout(RENDER_LIMIT, task).await {
        Ok(Ok(out)) => Ok(out),
        Ok(Err(_)) => Err(ApiError::TaskFailed),
        Err(_) => Err(ApiError::TimedOut),
    }
}

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
    profile: Profile,
    requester: Requester<'_>,
) -> Result<Download, ApiError> {
    if !profile.fits(format) {
        return Err(ApiError::UnknownFormat);
    }
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
    // Attendance: the Kommunen of the members (of the group exported).
    let members = state.store.participants(&session.id).await?;
    let kommunen = members
        .into_iter()
        .filter(|p| only_group.is_none_or(|g| g == p.group_id))
        .map(|p| (p.group_id, p.kommune));
    // The moderator's documents end with the changes since the last stand
    // (sheets and the JSON file do not show them: not computed for them).
    let since = match requester {
        Requester::Moderator { .. }
            if format.medium() == Medium::Document && profile == Profile::Ergebnisprotokoll =>
        {
            match state.store.stands(&session.id).await?.pop() {
                Some(stand) => {
                    Some(since_stand(state, &session.id, stand, &settings, &boards).await?)
                }
                None => None,
            }
        }
        _ => None,
    };
    let data = ExportData::build(facts, &settings, &groups, &boards, only_group, hidden)?
        .with_members(kommunen)
        .with_since(since)
        .with_profile(profile);
    let file_name = data.file_name(format);
    // Typesetting is CPU-bound: never on the async workers.
    let bytes = in_render_slot(move || format.render(&data)).await??;
    Ok(Download {
        file_name,
        content_type: format.content_type(),
        bytes,
    })
}

/// The difference from the boards at `stand` to `boards` (the committed
/// boards now, as the hub's room holds them), with today's date and the
/// reveal state of `settings`: the one place the comparison view and the
/// documents compute it.
pub async fn since_stand(
    state: &AppState,
    session_id: &str,
    stand: Stand,
    settings: &SessionSettings,
    boards: &BTreeMap<String, BoardState>,
) -> Result<Since, ApiError> {
    let before = state.store.boards_at(session_id, stand.seq).await?;
    let diff = app::domain::stand::diff(
        &before,
        boards,
        &crate::retention::today(),
        settings.ratings_revealed,
    );
    Ok(Since { stand, diff })
}

/// The Kostenaufteilung workbook of group `group_id` (antrag.md §2): its
/// board as the hub's room holds it (committed state), read by the one
/// rule [`app::domain::kosten::input`]; an incomplete board is
/// [`ExportError::Kosten`] (422 with the German sentence). The method must
/// be on; the board holds no ratings, so a participant and the moderator
/// read the same.
pub async fn kosten(
    state: &AppState,
    session: &SessionRecord,
    group_id: &str,
) -> Result<Download, ApiError> {
    use app::domain::templates::KOSTEN;
    let groups = state.store.groups(&session.id).await?;
    let group = groups
        .iter()
        .find(|g| g.id == group_id)
        .ok_or(StoreError::UnknownGroup)?;
    let room = state.hub.room(&session.id).await?;
    if !room.settings().methods.iter().any(|m| m == KOSTEN.key) {
        return Err(ApiError::UnknownBoard);
    }
    let id = app::domain::board::board_id(group_id, KOSTEN.key);
    let (_, boards) = room.snapshot(&id).await;
    let board = boards
        .get(&id)
        .cloned()
        .unwrap_or_default()
        .materialised(&KOSTEN);
    let input = app::domain::kosten::input(&board).map_err(super::ExportError::from)?;
    let stem = super::title_stem(&session.title);
    let group = super::safe_file_part(&group.name);
    let file_name = format!("{stem}_Kostenaufteilung_{group}.xlsx");
    let bytes = in_render_slot(move || super::kosten::workbook(&input)).await??;
    Ok(Download {
        file_name,
        content_type: Format::Xlsx.content_type(),
        bytes,
    })
}
