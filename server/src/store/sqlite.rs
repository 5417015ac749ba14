use super::{
    CommittedOp, ImportedSession, ParticipantRecord, RoomRecord, SessionRecord, StoreError,
    StoreResult,
};
use app::api::GroupView;
use app::domain::session::{limits, GroupDetails, JoinCode, ParticipantDetails, SessionDetails};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// SQLite-backed repository (WAL, synchronous=FULL: a committed write survives
/// a crash of the process and of the machine).
#[derive(Clone)]
pub struct Store {
    pub(super) pool: SqlitePool,
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Refuses a group id that is unknown or belongs to another session.
async fn ensure_group_in_session(
    tx: &mut sqlx::SqliteConnection,
    session_id: &str,
    group_id: &str,
) -> StoreResult<()> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM groups WHERE id = ? AND session_id = ?")
            .bind(group_id)
            .bind(session_id)
            .fetch_optional(&mut *tx)
            .await?;
    found.map(|_| ()).ok_or(StoreError::UnknownGroup)
}

/// The row of a new session, as created, duplicated or imported.
struct NewSession<'a> {
    details: &'a SessionDetails,
    join_code: &'a JoinCode,
    moderator_token_hash: &'a [u8],
    settings_json: &'a str,
    now: i64,
}

async fn insert_session(
    tx: &mut sqlx::SqliteConnection,
    row: &NewSession<'_>,
) -> StoreResult<SessionRecord> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO workshop_sessions
         (id, join_code, moderator_token_hash, title, date, place, created_at, settings_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(row.join_code.as_str())
    .bind(row.moderator_token_hash)
    .bind(&row.details.title)
    .bind(&row.details.date)
    .bind(&row.details.place)
    .bind(row.now)
    .bind(row.settings_json)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::JoinCodeTaken
        } else {
            e.into()
        }
    })?;
    Ok(SessionRecord {
        id,
        join_code: row.join_code.to_string(),
        title: row.details.title.clone(),
        date: row.details.date.clone(),
        place: row.details.place.clone(),
    })
}

async fn insert_group(
    tx: &mut sqlx::SqliteConnection,
    id: &str,
    session_id: &str,
    name: &str,
    colour: &str,
    position: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO groups (id, session_id, name, colour, position) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(session_id)
    .bind(name)
    .bind(colour)
    .bind(position)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::DuplicateGroupName
        } else {
            e.into()
        }
    })?;
    Ok(())
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn session_from_row(row: &sqlx::sqlite::SqliteRow) -> SessionRecord {
    SessionRecord {
        id: row.get("id"),
        join_code: row.get("join_code"),
        title: row.get("title"),
        date: row.get("date"),
        place: row.get("place"),
    }
}

fn participant_from_row(row: &sqlx::sqlite::SqliteRow) -> ParticipantRecord {
    ParticipantRecord {
        id: row.get("id"),
        session_id: row.get("session_id"),
        group_id: row.get("group_id"),
        display_name: row.get("display_name"),
        kommune: row.get("kommune"),
        expires_at: row.get("expires_at"),
    }
}

// Column lists as macros so queries stay `&'static str` literals (sqlx refuses
// dynamically built SQL).
macro_rules! session_columns {
    () => {
        "id, join_code, title, date, place"
    };
}
macro_rules! participant_columns {
    () => {
        "id, session_id, group_id, display_name, kommune, expires_at"
    };
}

impl Store {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    pub async fn open(url: &str) -> StoreResult<Self> {
        if !url.starts_with("sqlite:") {
            return Err(StoreError::UnsupportedDatabase(
                url.split(':').next().unwrap_or_default().to_owned(),
            ));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    pub async fn create_session(
        &self,
        details: &SessionDetails,
        join_code: &JoinCode,
        moderator_token_hash: &[u8],
        now: i64,
    ) -> StoreResult<SessionRecord> {
        let mut conn = self.pool.acquire().await?;
        let row = NewSession {
            details,
            join_code,
            moderator_token_hash,
            settings_json: "{}",
            now,
        };
        insert_session(&mut conn, &row).await
    }

    /// A new session prepared like `source`: the same groups (names, colours,
    /// order) and settings (`settings_json`, already reset by the caller), no
    /// participants and no content. One transaction: all or nothing.
    pub async fn duplicate_session(
        &self,
        source_id: &str,
        details: &SessionDetails,
        join_code: &JoinCode,
        moderator_token_hash: &[u8],
        settings_json: &str,
        now: i64,
    ) -> StoreResult<SessionRecord> {
        let mut tx = self.pool.begin().await?;
        let row = NewSession {
            details,
            join_code,
            moderator_token_hash,
            settings_json,
            now,
        };
        let record = insert_session(&mut tx, &row).await?;
        let groups: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT name, colour, position FROM groups WHERE session_id = ? ORDER BY position",
        )
        .bind(source_id)
        .fetch_all(&mut *tx)
        .await?;
        for (name, colour, position) in groups {
            insert_group(&mut tx, &new_id(), &record.id, &name, &colour, position).await?;
        }
        tx.commit().await?;
        Ok(record)
    }

    /// Writes an imported session (session, settings, groups, boards) in one
    /// transaction: either all of it is stored or nothing.
    pub async fn import_session(
        &self,
        import: &ImportedSession<'_>,
        join_code: &JoinCode,
        moderator_token_hash: &[u8],
        now: i64,
    ) -> StoreResult<SessionRecord> {
        let mut tx = self.pool.begin().await?;
        let row = NewSession {
            details: import.details,
            join_code,
            moderator_token_hash,
            settings_json: &import.settings_json,
            now,
        };
        let record = insert_session(&mut tx, &row).await?;
        for (position, group) in import.groups.iter().enumerate() {
            let d = &group.details;
            insert_group(
                &mut tx,
                group.id,
                &record.id,
                &d.name,
                &d.colour,
                position as i64,
            )
            .await?;
        }
        for (board_id, state_json) in &import.boards {
            sqlx::query(
                "INSERT INTO boards (session_id, board_id, state_json, last_seq) VALUES (?, ?, ?, 0)",
            )
            .bind(&record.id)
            .bind(board_id)
            .bind(state_json)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(record)
    }

    /// Number of sessions stored (for tests that check nothing was written).
    pub async fn session_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM workshop_sessions")
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn session_by_code(&self, code: &JoinCode) -> StoreResult<Option<SessionRecord>> {
        let sql = concat!(
            "SELECT ",
            session_columns!(),
            " FROM workshop_sessions WHERE join_code = ?"
        );
        let row = sqlx::query(sql)
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(session_from_row))
    }

    pub async fn session_by_moderator_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<SessionRecord>> {
        let sql = concat!(
            "SELECT ",
            session_columns!(),
            " FROM workshop_sessions WHERE moderator_token_hash = ?"
        );
        let row = sqlx::query(sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(session_from_row))
    }

    pub async fn groups(&self, session_id: &str) -> StoreResult<Vec<GroupView>> {
        let rows = sqlx::query(
            "SELECT g.id, g.name, g.colour,
                    (SELECT COUNT(*) FROM participants p WHERE p.group_id = g.id) AS members
             FROM groups g WHERE g.session_id = ? ORDER BY g.position, g.id",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| GroupView {
                id: r.get("id"),
                name: r.get("name"),
                colour: r.get("colour"),
                member_count: u32::try_from(r.get::<i64, _>("members")).unwrap_or(u32::MAX),
            })
            .collect())
    }

    pub async fn add_group(
        &self,
        session_id: &str,
        details: &GroupDetails,
    ) -> StoreResult<GroupView> {
        let mut tx = self.pool.begin().await?;
        let (count, next): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(MAX(position), -1) + 1 FROM groups WHERE session_id = ?",
        )
        .bind(session_id)
        .fetch_one(&mut *tx)
        .await?;
        if count as usize >= limits::GROUPS_PER_SESSION {
            return Err(StoreError::TooManyGroups);
        }
        let id = new_id();
        insert_group(
            &mut tx,
            &id,
            session_id,
            &details.name,
            &details.colour,
            next,
        )
        .await?;
        tx.commit().await?;
        Ok(GroupView {
            id,
            name: details.name.clone(),
            colour: details.colour.clone(),
            member_count: 0,
        })
    }

    pub async fn update_group(
        &self,
        session_id: &str,
        group_id: &str,
        details: &GroupDetails,
    ) -> StoreResult<GroupView> {
        let result =
            sqlx::query("UPDATE groups SET name = ?, colour = ? WHERE id = ? AND session_id = ?")
                .bind(&details.name)
                .bind(&details.colour)
                .bind(group_id)
                .bind(session_id)
                .execute(&self.pool)
                .await;
        match result {
            Ok(done) if done.rows_affected() == 0 => Err(StoreError::UnknownGroup),
            Ok(_) => self
                .groups(session_id)
                .await?
                .into_iter()
                .find(|g| g.id == group_id)
                .ok_or(StoreError::UnknownGroup),
            Err(e) if is_unique_violation(&e) => Err(StoreError::DuplicateGroupName),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes an empty group with its boards and op log; a group with
    /// members keeps its work and stays.
    pub async fn remove_group(&self, session_id: &str, group_id: &str) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        ensure_group_in_session(&mut tx, session_id, group_id).await?;
        let members: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM participants WHERE group_id = ?")
                .bind(group_id)
                .fetch_one(&mut *tx)
                .await?;
        if members > 0 {
            return Err(StoreError::GroupNotEmpty);
        }
        let done = sqlx::query("DELETE FROM groups WHERE id = ? AND session_id = ?")
            .bind(group_id)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::UnknownGroup);
        }
        super::privacy::delete_group_content(&mut tx, session_id, group_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a participant to another group of the same session.
    pub async fn move_participant(
        &self,
        session_id: &str,
        participant_id: &str,
        group_id: &str,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        ensure_group_in_session(&mut tx, session_id, group_id).await?;
        let done =
            sqlx::query("UPDATE participants SET group_id = ? WHERE id = ? AND session_id = ?")
                .bind(group_id)
                .bind(participant_id)
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::UnknownParticipant);
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_participant(
        &self,
        session_id: &str,
        group_id: &str,
        details: &ParticipantDetails,
        token_hash: &[u8],
        now: i64,
        expires_at: i64,
    ) -> StoreResult<ParticipantRecord> {
        let mut tx = self.pool.begin().await?;
        ensure_group_in_session(&mut tx, session_id, group_id).await?;
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM participants WHERE session_id = ?")
                .bind(session_id)
                .fetch_one(&mut *tx)
                .await?;
        if count as usize >= limits::PARTICIPANTS_PER_SESSION {
            return Err(StoreError::SessionFull);
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO participants
             (id, session_id, group_id, token_hash, display_name, kommune, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(session_id)
        .bind(group_id)
        .bind(token_hash)
        .bind(&details.display_name)
        .bind(&details.kommune)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ParticipantRecord {
            id,
            session_id: session_id.to_owned(),
            group_id: group_id.to_owned(),
            display_name: details.display_name.clone(),
            kommune: details.kommune.clone(),
            expires_at,
        })
    }

    pub async fn participant_by_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<ParticipantRecord>> {
        let sql = concat!(
            "SELECT ",
            participant_columns!(),
            " FROM participants WHERE token_hash = ?"
        );
        let row = sqlx::query(sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(participant_from_row))
    }

    pub async fn participants(&self, session_id: &str) -> StoreResult<Vec<ParticipantRecord>> {
        let sql = concat!(
            "SELECT ",
            participant_columns!(),
            " FROM participants WHERE session_id = ? ORDER BY created_at, id"
        );
        let rows = sqlx::query(sql)
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(participant_from_row).collect())
    }

    /// Everything the live hub needs to serve a session: its last sequence
    /// number, each board's state, and the ids of committed ops (for dedupe).
    pub async fn load_room(&self, session_id: &str) -> StoreResult<RoomRecord> {
        let (last_seq, settings): (i64, String) =
            sqlx::query_as("SELECT last_seq, settings_json FROM workshop_sessions WHERE id = ?")
                .bind(session_id)
                .fetch_one(&self.pool)
                .await?;
        let boards: Vec<(String, String)> =
            sqlx::query_as("SELECT board_id, state_json FROM boards WHERE session_id = ?")
                .bind(session_id)
                .fetch_all(&self.pool)
                .await?;
        let op_ids: Vec<(String, i64)> =
            sqlx::query_as("SELECT op_id, seq FROM op_log WHERE session_id = ?")
                .bind(session_id)
                .fetch_all(&self.pool)
                .await?;
        let activity: Vec<(String, i64)> = sqlx::query_as(
            "SELECT group_id, MAX(created_at) FROM op_log WHERE session_id = ? GROUP BY group_id",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(RoomRecord {
            activity,
            last_seq: last_seq as u64,
            boards,
            op_ids: op_ids
                .into_iter()
                .map(|(id, seq)| (id, seq as u64))
                .collect(),
            settings,
        })
    }

    /// Stores the moderator's settings (JSON) of a session.
    pub async fn save_settings(&self, session_id: &str, settings_json: &str) -> StoreResult<()> {
        sqlx::query("UPDATE workshop_sessions SET settings_json = ? WHERE id = ?")
            .bind(settings_json)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Commits one op and the board state it produced, atomically. Returns only
    /// after the transaction is durable (synchronous=FULL).
    pub async fn commit_op(&self, op: &CommittedOp<'_>) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO op_log (session_id, seq, op_id, board_id, group_id, author_id, op_json, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(op.session_id)
        .bind(op.seq as i64)
        .bind(op.op_id)
        .bind(op.board_id)
        .bind(op.group_id)
        .bind(op.author_id)
        .bind(op.op_json)
        .bind(op.created_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO boards (session_id, board_id, state_json, last_seq) VALUES (?, ?, ?, ?)
             ON CONFLICT (session_id, board_id) DO UPDATE
             SET state_json = excluded.state_json, last_seq = excluded.last_seq",
        )
        .bind(op.session_id)
        .bind(op.board_id)
        .bind(op.state_json)
        .bind(op.seq as i64)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE workshop_sessions SET last_seq = ? WHERE id = ?")
            .bind(op.seq as i64)
            .bind(op.session_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One group's (`None`: every group's) ops after `after_seq` up to
    /// `upto_seq`, in order (JSON).
    pub async fn ops_since(
        &self,
        session_id: &str,
        group_id: Option<&str>,
        after_seq: u64,
        upto_seq: u64,
    ) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT op_json FROM op_log
             WHERE session_id = ? AND (? IS NULL OR group_id = ?) AND seq > ? AND seq <= ?
             ORDER BY seq",
        )
        .bind(session_id)
        .bind(group_id)
        .bind(group_id)
        .bind(after_seq as i64)
        .bind(upto_seq as i64)
        .fetch_all(&self.pool)
        .await?)
    }
}
