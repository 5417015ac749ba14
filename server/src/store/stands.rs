//! "Stand sichern" in the SQLite store (the PostgreSQL one is in
//! `postgres.rs`): a stand is a row with the session's last sequence
//! number at the moment it was saved; the boards at it are rebuilt by
//! [`super::Store::boards_at`] from each board's origin and the op log.

use super::sqlite::SqliteStore;
use super::{StoreError, StoreResult};
use app::domain::stand::Stand;

/// A stand as read from either backend.
pub(super) type StandRow = (i64, String, String, i64);

pub(super) fn stand(row: StandRow) -> Stand {
    let (id, label, date, seq) = row;
    Stand {
        id,
        label,
        date,
        seq: u64::try_from(seq).unwrap_or(0),
    }
}

impl SqliteStore {
    /// Saves a stand at the session's last committed op, unless the
    /// session has `max` already. One transaction: the count and the
    /// sequence number are read where the row is written.
    pub async fn add_stand(
        &self,
        session_id: &str,
        label: &str,
        day: &str,
        max: usize,
        now: i64,
    ) -> StoreResult<Stand> {
        let mut tx = self.begin_write().await?;
        let result: StoreResult<Stand> = async {
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stands WHERE session_id = ?")
                .bind(session_id)
                .fetch_one(&mut *tx)
                .await?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= max {
                return Err(StoreError::TooManyStands);
            }
            let row: StandRow = sqlx::query_as(
                "INSERT INTO stands (session_id, label, day, seq, created_at)
                 SELECT id, ?, ?, last_seq, ? FROM workshop_sessions WHERE id = ?
                 RETURNING id, label, day, seq",
            )
            .bind(label)
            .bind(day)
            .bind(now)
            .bind(session_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::UnknownSession)?;
            Ok(stand(row))
        }
        .await;
        tx.finish(result).await
    }

    /// The session's stands, oldest first.
    pub async fn stands(&self, session_id: &str) -> StoreResult<Vec<Stand>> {
        let rows: Vec<StandRow> = sqlx::query_as(
            "SELECT id, label, day, seq FROM stands WHERE session_id = ? ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(stand).collect())
    }

    /// (board id, state as imported) of the boards an import started.
    pub async fn board_origins(&self, session_id: &str) -> StoreResult<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT board_id, origin_json FROM boards
             WHERE session_id = ? AND origin_json IS NOT NULL",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
