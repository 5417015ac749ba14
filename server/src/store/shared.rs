//! What both backends do the same way: ids, limits, the health state of
//! writes, which failures are refusals, clear messages for foreign databases,
//! and anonymising stored boards and ops. The SQL differs per backend; these
//! rules do not.

use super::codec::{self, LoggedOp};
use super::{StoreError, StoreResult};
use app::domain::privacy;
use app::domain::session::SessionDetails;
use app::domain::settings::SessionSettings;
use app::domain::JoinCode;
use sqlx::error::ErrorKind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex as StdMutex;

/// A fresh row id (UUID v7).
pub(super) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Refuses with `refusal` when `count` rows already reach `limit`.
pub(super) fn below_limit(count: i64, limit: usize, refusal: StoreError) -> StoreResult<()> {
    if usize::try_from(count).unwrap_or(usize::MAX) >= limit {
        Err(refusal)
    } else {
        Ok(())
    }
}

/// The row of a new session, as created, duplicated or imported.
pub(super) struct NewSession<'a> {
    pub details: &'a SessionDetails,
    pub join_code: &'a JoinCode,
    pub moderator_token_hash: &'a [u8],
    pub settings_json: &'a str,
    pub now: i64,
}

/// Whether writes commit. A failed write marks the store unhealthy; writes
/// are then refused until a probe write commits again.
pub(super) struct Health {
    ok: AtomicBool,
    /// Why the last write failed (for the log and `/healthz`).
    cause: StdMutex<String>,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            ok: AtomicBool::new(true),
            cause: StdMutex::new(String::new()),
        }
    }
}

impl Health {
    pub(super) fn is_ok(&self) -> bool {
        self.ok.load(Ordering::Acquire)
    }

    pub(super) fn cause(&self) -> String {
        self.cause.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Marks the store unhealthy because of `e`; returns it as
    /// [`StoreError::Unavailable`].
    pub(super) fn failed(&self, e: StoreError) -> StoreError {
        let cause = match e {
            StoreError::Unavailable(cause) => cause,
            other => other.to_string(),
        };
        if let Ok(mut c) = self.cause.lock() {
            c.clone_from(&cause);
        }
        if self.ok.swap(false, Ordering::AcqRel) {
            tracing::error!(
                cause,
                "storage unavailable: writes are refused until a probe write commits"
            );
        }
        StoreError::Unavailable(cause)
    }

    pub(super) fn recovered(&self) {
        if !self.ok.swap(true, Ordering::AcqRel) {
            tracing::warn!("storage available again: a probe write committed");
        }
    }
}

/// Whether a failed write left the database in a known state: the input was
/// refused (a rule or a constraint), the storage itself is fine.
pub(super) fn is_refusal(e: &StoreError) -> bool {
    match e {
        StoreError::Database(sqlx::Error::Database(db)) => matches!(
            db.kind(),
            ErrorKind::UniqueViolation
                | ErrorKind::ForeignKeyViolation
                | ErrorKind::NotNullViolation
                | ErrorKind::CheckViolation
        ),
        StoreError::Database(_) | StoreError::Unavailable(_) | StoreError::Migration(_) => false,
        _ => true,
    }
}

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// A clear message for a database that is not ours (another program's, or
/// migrated by a newer version).
pub(super) fn foreign(name: &str, e: StoreError) -> StoreError {
    use sqlx::migrate::MigrateError as M;
    match e {
        StoreError::Migration(M::VersionMissing(v)) => StoreError::Foreign(format!(
            "the database {name} was migrated by a newer or different program (migration {v} is unknown to this version of IKZ-Werkstatt); refusing to use it"
        )),
        StoreError::Migration(M::VersionMismatch(v)) => StoreError::Foreign(format!(
            "the database {name} holds a migration {v} that differs from this version's; refusing to use it"
        )),
        StoreError::Migration(M::Dirty(v)) => StoreError::Foreign(format!(
            "the database {name} has a half-applied migration {v}; restore a backup"
        )),
        StoreError::Migration(M::VersionTooNew(v, _)) => StoreError::Foreign(format!(
            "the database {name} is at migration {v}, newer than this version of IKZ-Werkstatt knows"
        )),
        StoreError::Database(sqlx::Error::Database(db))
            if db.code().as_deref() == Some("26") =>
        {
            StoreError::Foreign(format!("{name} is not an SQLite database: {db}"))
        }
        other => other,
    }
}

/// A stored board (JSON) with `participant_id`'s name removed; `None` when
/// the board does not name them.
pub(super) fn anonymised_board(
    board_id: &str,
    json: &str,
    participant_id: &str,
) -> StoreResult<Option<String>> {
    let mut board = codec::decode_board(board_id, json)?;
    if !privacy::anonymise_board(&mut board, participant_id) {
        return Ok(None);
    }
    codec::encode_board(board_id, &board).map(Some)
}

/// A logged op (JSON) with `participant_id`'s name removed; `None` when the
/// op does not name them.
pub(super) fn anonymised_op(
    seq: i64,
    json: &str,
    participant_id: &str,
) -> StoreResult<Option<String>> {
    let LoggedOp { mut op, .. } = LoggedOp::decode(json.to_owned())
        .map_err(|e| StoreError::Corrupt(format!("op {seq}: {e}")))?;
    if !privacy::anonymise_op(&mut op, participant_id) {
        return Ok(None);
    }
    LoggedOp::encode(op).map(|logged| Some(logged.json))
}

/// Ids of the sessions (id, workshop date) whose date is more than
/// `retention_days` before `today`.
pub(super) fn past_retention(
    rows: Vec<(String, String)>,
    today: &str,
    retention_days: u32,
) -> Vec<String> {
    rows.into_iter()
        .filter(|(_, date)| privacy::expired(date, today, retention_days))
        .map(|(id, _)| id)
        .collect()
}

/// The seq check both backends make in an op's transaction: an op commits
/// only as the next number after the session's stored last one.
pub(super) fn in_sequence(seq: u64, updated_rows: u64, stored: Option<i64>) -> StoreResult<()> {
    if updated_rows == 1 {
        return Ok(());
    }
    Err(StoreError::OutOfSequence {
        seq,
        stored: stored.map_or(0, |s| u64::try_from(s).unwrap_or(0)),
    })
}

/// A settings change as both backends make it inside their transaction:
/// the stored settings (`stored`, as read under the lock) decoded, changed
/// by `change`, encoded again. `Ok(Err(_))`: `change` refused, nothing to
/// write.
pub(super) fn changed_settings<E>(
    session_id: &str,
    stored: Option<String>,
    change: impl FnOnce(SessionSettings) -> Result<SessionSettings, E>,
) -> StoreResult<Result<(SessionSettings, String), E>> {
    let stored =
        stored.ok_or_else(|| StoreError::Corrupt(format!("session {session_id} is gone")))?;
    match change(codec::decode_settings(session_id, &stored)?) {
        Ok(next) => {
            let json = codec::encode_settings(&next)?;
            Ok(Ok((next, json)))
        }
        Err(refused) => Ok(Err(refused)),
    }
}
