//! Data protection in the SQLite store (the PostgreSQL one is in
//! `postgres.rs`, with the same rules from `shared.rs`): deleting a session with every row it has,
//! removing a participant with their name, deleting what a removed group
//! left, finding sessions past their retention, and the secrets (moderator,
//! projector) that can be rotated.

use super::shared::{anonymised_board, anonymised_op, past_retention};
use super::sqlite::SqliteStore;
use super::{SessionRecord, StoreError, StoreResult};
use sqlx::Row;

/// Deletes the boards and op log rows of a group (in the caller's transaction).
pub(super) async fn delete_group_content(
    tx: &mut sqlx::SqliteConnection,
    session_id: &str,
    group_id: &str,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM op_log WHERE session_id = ? AND group_id = ?")
        .bind(session_id)
        .bind(group_id)
        .execute(&mut *tx)
        .await?;
    // Board ids are `<group id>:<template>`; compared as text, not LIKE
    // (an imported group id may contain wildcards).
    sqlx::query(
        "DELETE FROM boards WHERE session_id = ?
         AND substr(board_id, 1, length(?) + 1) = ? || ':'",
    )
    .bind(session_id)
    .bind(group_id)
    .bind(group_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl SqliteStore {
    /// Deletes a session and every row that belongs to it, in one
    /// transaction, children first. A new table with session data must be
    /// added here; `tests/privacy.rs` checks every table of the database.
    /// `false`: there was no such session.
    pub async fn delete_session(&self, session_id: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let result: StoreResult<bool> = async {
            sqlx::query("DELETE FROM op_log WHERE session_id = ?")
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM boards WHERE session_id = ?")
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM stands WHERE session_id = ?")
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM participants WHERE session_id = ?")
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM groups WHERE session_id = ?")
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query("DELETE FROM workshop_sessions WHERE id = ?")
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            Ok(done.rows_affected() > 0)
        }
        .await;
        tx.finish(result).await
    }

    /// Removes a participant (they left, or the moderator removed them):
    /// their row goes, and their name is replaced by
    /// [`privacy::FORMER_PARTICIPANT`] on every board and logged op of the
    /// session. One transaction: the name is gone everywhere or nowhere.
    pub async fn remove_participant(
        &self,
        session_id: &str,
        participant_id: &str,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let result: StoreResult<()> = async {
            let done = sqlx::query("DELETE FROM participants WHERE id = ? AND session_id = ?")
                .bind(participant_id)
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::UnknownParticipant);
            }
            let boards = sqlx::query(
                "SELECT board_id, state_json, origin_json FROM boards WHERE session_id = ?",
            )
            .bind(session_id)
            .fetch_all(&mut *tx)
            .await?;
            for row in boards {
                let (id, json): (String, String) = (row.get("board_id"), row.get("state_json"));
                let origin: Option<String> = row.get("origin_json");
                if let Some(json) = anonymised_board(&id, &json, participant_id)? {
                    sqlx::query(
                        "UPDATE boards SET state_json = ? WHERE session_id = ? AND board_id = ?",
                    )
                    .bind(json)
                    .bind(session_id)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                }
                // The imported base of a stand's boards carries names too.
                if let Some(origin) = origin {
                    if let Some(json) = anonymised_board(&id, &origin, participant_id)? {
                        sqlx::query(
                            "UPDATE boards SET origin_json = ? WHERE session_id = ? AND board_id = ?",
                        )
                        .bind(json)
                        .bind(session_id)
                        .bind(&id)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            let ops = sqlx::query(
                "SELECT seq, op_json FROM op_log WHERE session_id = ? AND author_id = ?",
            )
            .bind(session_id)
            .bind(participant_id)
            .fetch_all(&mut *tx)
            .await?;
            for row in ops {
                let (seq, json): (i64, String) = (row.get("seq"), row.get("op_json"));
                if let Some(json) = anonymised_op(seq, &json, participant_id)? {
                    sqlx::query("UPDATE op_log SET op_json = ? WHERE session_id = ? AND seq = ?")
                        .bind(json)
                        .bind(session_id)
                        .bind(seq)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            Ok(())
        }
        .await;
        tx.finish(result).await
    }

    /// Ids of the sessions whose workshop date is more than `retention_days`
    /// before `today` (YYYY-MM-DD).
    pub async fn sessions_past_retention(
        &self,
        today: &str,
        retention_days: u32,
    ) -> StoreResult<Vec<String>> {
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, date FROM workshop_sessions")
            .fetch_all(&self.pool)
            .await?;
        Ok(past_retention(rows, today, retention_days))
    }

    /// Replaces the projector's read-only token and, when given, the
    /// moderator secret (their hashes), in one transaction: both change or
    /// neither, so a renewal that fails leaves the old links working.
    pub async fn set_secrets(
        &self,
        session_id: &str,
        moderator_hash: Option<&[u8]>,
        projector_hash: &[u8],
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let result = sqlx::query(
            "UPDATE workshop_sessions
             SET moderator_token_hash = COALESCE(?, moderator_token_hash), projector_token_hash = ?
             WHERE id = ?",
        )
        .bind(moderator_hash)
        .bind(projector_hash)
        .bind(session_id)
        .execute(&mut *tx)
        .await
        .map(|_| ())
        .map_err(StoreError::from);
        tx.finish(result).await
    }

    pub async fn session_by_projector_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<SessionRecord>> {
        Ok(sqlx::query_as::<_, SessionRecord>(
            "SELECT id, join_code, title, date, place FROM workshop_sessions
             WHERE projector_token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }
}
