//! The PostgreSQL backend (`DATABASE_URL=postgres://…`): the same methods and
//! behaviour as the SQLite one, in PostgreSQL's SQL (migrations in
//! `migrations/postgres`, run at start; no database needed to compile).
//!
//! Every write is one transaction on a pooled connection; PostgreSQL
//! serialises what must be serialised with row locks: a write that concerns
//! a session (a join, a group, an op) first locks the session's row, so limits
//! hold with many writers and an op's sequence number is checked against the
//! stored last one under that lock (gap-free, ordered, also with several
//! server instances). A write that fails for any reason but a refused input
//! marks the store unhealthy; writes then wait for a probe write to commit.

use super::codec::{self, LoggedOp};
use super::commit_queue::{BatchWriter, CommitQueue, QueuedOp};
use super::replay::StoredRoom;
use super::shared::{
    anonymised_board, anonymised_op, below_limit, changed_settings, foreign, in_sequence,
    is_refusal, is_unique_violation, new_id, past_retention, Health, NewSession,
};
use super::stands::{stand, StandRow};
use super::{
    Change, Event, ImportedSession, OpNotice, OpRow, ParticipantRecord, RoomRecord, SessionRecord,
    StoreError, StoreResult, EVENTS_CHANNEL, OPS_CHANNEL,
};
use app::api::GroupView;
use app::domain::session::{limits, GroupDetails, JoinCode, ParticipantDetails, SessionDetails};
use app::domain::settings::SessionSettings;
use app::domain::stand::Stand;
use app::protocol::PresenceEntry;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Postgres, Row, Transaction};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// `application_name` of the connection that listens for other
/// instances' notifications.
pub const LISTEN_APPLICATION_NAME: &str = "ikz-werkstatt-listen";

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// How to connect (for the `LISTEN` connection).
    options: Arc<PgConnectOptions>,
    health: Arc<Health>,
    /// Ops committed (one transaction each).
    commits: Arc<AtomicU64>,
    /// Ops waiting to be committed, in the order the hub numbered them.
    queue: Arc<CommitQueue>,
    /// Held while queued ops are committed, one after another.
    turn: Arc<tokio::sync::Mutex<()>>,
    /// This instance's id: in every [`Event`] it sends (so it can ignore
    /// its own) and in `live_instances` / `live_presence`.
    instance: Arc<str>,
}

type Tx = Transaction<'static, Postgres>;

/// A failure that means the database could not be reached (connection lost
/// or refused, server shutting down, pool exhausted) comes back as
/// [`StoreError::Unavailable`]: the caller should try again later.
pub(super) fn lost(e: StoreError) -> StoreError {
    match &e {
        StoreError::Database(err) if connection_lost(err) => StoreError::Unavailable(e.to_string()),
        _ => e,
    }
}

fn connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::BeginFailed => true,
        // Class 08: connection exception; 57P0x: admin/crash shutdown,
        // cannot connect now; 53300: too many connections.
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P") || c == "53300"),
        _ => false,
    }
}

/// Locks a session's row until the transaction ends: writes of one session
/// (joins, groups, ops, removals) take turns, whichever instance makes them.
async fn lock_session(tx: &mut PgConnection, session_id: &str) -> StoreResult<()> {
    sqlx::query("SELECT 1 FROM workshop_sessions WHERE id = $1 FOR UPDATE")
        .bind(session_id)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(())
}

/// Refuses a group id that is unknown or belongs to another session.
async fn ensure_group_in_session(
    tx: &mut PgConnection,
    session_id: &str,
    group_id: &str,
) -> StoreResult<()> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM groups WHERE id = $1 AND session_id = $2")
            .bind(group_id)
            .bind(session_id)
            .fetch_optional(&mut *tx)
            .await?;
    found.map(|_| ()).ok_or(StoreError::UnknownGroup)
}

async fn insert_session(tx: &mut PgConnection, row: &NewSession<'_>) -> StoreResult<SessionRecord> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO workshop_sessions
         (id, join_code, moderator_token_hash, title, date, place, created_at, settings_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
    tx: &mut PgConnection,
    id: &str,
    session_id: &str,
    name: &str,
    colour: &str,
    position: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO groups (id, session_id, name, colour, position) VALUES ($1, $2, $3, $4, $5)",
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

/// Writes one op: first the session's `last_seq` moves on by one (taking the
/// session's row lock; refused unless the op is the next number), then its
/// op-log row and, when due, its board's snapshot.
async fn write_op(tx: &mut PgConnection, op: &OpRow) -> StoreResult<()> {
    let seq = i64::try_from(op.seq).map_err(|_| StoreError::OutOfSequence {
        seq: op.seq,
        stored: 0,
    })?;
    let updated =
        sqlx::query("UPDATE workshop_sessions SET last_seq = $1 WHERE id = $2 AND last_seq = $3")
            .bind(seq)
            .bind(&op.session_id)
            .bind(seq - 1)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    let stored = if updated == 1 {
        None
    } else {
        sqlx::query_scalar("SELECT last_seq FROM workshop_sessions WHERE id = $1")
            .bind(&op.session_id)
            .fetch_optional(&mut *tx)
            .await?
    };
    in_sequence(op.seq, updated, stored)?;
    // The op must follow the op its room applied it after: with several
    // instances, another one may have committed a different op under the
    // number before (then this room's later ops are refused too, however the
    // numbers line up). Checked in a statement of its own, after the row
    // lock above is held, so it sees every op committed before.
    let logged = sqlx::query(
        "INSERT INTO op_log (session_id, seq, op_id, board_id, group_id, author_id, op_json, created_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8
         WHERE $9::text IS NULL OR NOT EXISTS (
             SELECT 1 FROM op_log WHERE session_id = $1 AND seq = $2 - 1 AND op_id <> $9)",
    )
    .bind(&op.session_id)
    .bind(seq)
    .bind(&op.op_id)
    .bind(&op.board_id)
    .bind(&op.group_id)
    .bind(&op.author_id)
    .bind(&op.op_json)
    .bind(op.created_at)
    .bind(op.prev_op_id.as_deref())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    in_sequence(op.seq, logged, Some(seq - 1))?;
    // Other instances learn of the op when (and only if) it commits.
    let notice = serde_json::to_string(&OpNotice {
        session: op.session_id.clone(),
        seq: op.seq,
    })
    .map_err(|e| StoreError::Corrupt(format!("op notice: {e}")))?;
    notify_in(tx, OPS_CHANNEL, &notice).await?;
    if let Some(snapshot) = &op.snapshot {
        sqlx::query(
            "INSERT INTO boards (session_id, board_id, state_json, last_seq) VALUES ($1, $2, $3, $4)
             ON CONFLICT (session_id, board_id) DO UPDATE
             SET state_json = excluded.state_json, last_seq = excluded.last_seq",
        )
        .bind(&op.session_id)
        .bind(&op.board_id)
        .bind(snapshot)
        .bind(seq)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// `NOTIFY` inside a transaction: delivered when (and only if) it commits.
/// Every notice goes out this way (none after its change, where a failed
/// `NOTIFY` would leave the other instances unaware of a stored change).
async fn notify_in(conn: &mut PgConnection, channel: &str, payload: &str) -> StoreResult<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(payload)
        .execute(conn)
        .await?;
    Ok(())
}

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

impl PgStore {
    /// Connects to the database at `url` and runs the PostgreSQL migrations
    /// (PostgreSQL's migration lock lets several instances start at once).
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)?;
        // Named without host, user or password (they may be secret).
        let name = format!(
            "PostgreSQL database {}",
            options.get_database().unwrap_or("(default)")
        );
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // A request waits this long for a connection while the database
            // is unreachable, then is refused as "storage unavailable".
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| foreign(&name, e.into()))?;
        Ok(Self {
            pool,
            options: Arc::new(options),
            health: Arc::default(),
            commits: Arc::default(),
            queue: Arc::default(),
            turn: Arc::default(),
            instance: uuid::Uuid::now_v7().to_string().into(),
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// This instance's id (see [`Event::from`]).
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Announces `change` of `session_id` to the other instances, in the
    /// caller's transaction.
    async fn announce_in(
        &self,
        conn: &mut PgConnection,
        session_id: &str,
        change: Change,
    ) -> StoreResult<()> {
        let payload = Event::json(&self.instance, session_id, change)?;
        notify_in(conn, EVENTS_CHANNEL, &payload).await
    }

    /// Starts a write. While the store is unhealthy a probe write must commit
    /// first; if it does not, the write is refused with
    /// [`StoreError::Unavailable`].
    async fn begin_write(&self) -> StoreResult<Tx> {
        if !self.health.is_ok() {
            self.probe().await?;
        }
        self.pool
            .begin()
            .await
            .map_err(|e| self.health.failed(e.into()))
    }

    /// Commits if `result` is `Ok`, else rolls back. A storage failure
    /// marks the store unhealthy and comes back as
    /// [`StoreError::Unavailable`]; a refused input leaves both as they were.
    async fn finish<T>(&self, tx: Tx, result: StoreResult<T>) -> StoreResult<T> {
        match result {
            Ok(value) => match tx.commit().await {
                Ok(()) => Ok(value),
                Err(e) => Err(self.health.failed(e.into())),
            },
            Err(e) if is_refusal(&e) => {
                if let Err(rollback) = tx.rollback().await {
                    self.health.failed(rollback.into());
                }
                Err(e)
            }
            Err(e) => {
                // Dropped: rolled back (or the connection is gone already).
                drop(tx);
                Err(self.health.failed(e))
            }
        }
    }

    /// Rewrites the probe row; healthy again if that commits.
    async fn probe(&self) -> StoreResult<()> {
        let write = sqlx::query(
            "INSERT INTO health_probe (id, probed_at) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at",
        )
        .bind(crate::clock::now())
        .execute(&self.pool)
        .await;
        match write {
            Ok(_) => {
                self.health.recovered();
                Ok(())
            }
            Err(e) => Err(self.health.failed(e.into())),
        }
    }

    /// `Ok` if the database answers and writes commit; else why not.
    pub async fn health(&self) -> Result<(), String> {
        if self.health.is_ok() {
            match sqlx::query("SELECT 1").execute(&self.pool).await {
                Ok(_) => return Ok(()),
                Err(e) => {
                    self.health.failed(e.into());
                }
            }
        }
        self.probe().await.map_err(|_| self.health.cause())
    }

    pub async fn create_session(
        &self,
        details: &SessionDetails,
        join_code: &JoinCode,
        moderator_token_hash: &[u8],
        now: i64,
    ) -> StoreResult<SessionRecord> {
        let mut tx = self.begin_write().await?;
        let row = NewSession {
            details,
            join_code,
            moderator_token_hash,
            settings_json: "{}",
            now,
        };
        let result = insert_session(&mut tx, &row).await;
        self.finish(tx, result).await
    }

    pub async fn duplicate_session(
        &self,
        source_id: &str,
        details: &SessionDetails,
        join_code: &JoinCode,
        moderator_token_hash: &[u8],
        settings: &SessionSettings,
        now: i64,
    ) -> StoreResult<SessionRecord> {
        let settings_json = codec::encode_settings(settings)?;
        let mut tx = self.begin_write().await?;
        let result = async {
            let row = NewSession {
                details,
                join_code,
                moderator_token_hash,
                settings_json: &settings_json,
                now,
            };
            let record = insert_session(&mut tx, &row).await?;
            let groups: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT name, colour, position FROM groups WHERE session_id = $1 ORDER BY position",
            )
            .bind(source_id)
            .fetch_all(&mut *tx)
            .await?;
            for (name, colour, position) in groups {
                insert_group(&mut tx, &new_id(), &record.id, &name, &colour, position).await?;
            }
            Ok(record)
        }
        .await;
        self.finish(tx, result).await
    }

    pub async fn import_session(
        &self,
        import: &ImportedSession<'_>,
        join_code: &JoinCode,
        moderator_token_hash: &[u8],
        now: i64,
    ) -> StoreResult<SessionRecord> {
        let settings_json = codec::encode_settings(import.settings)?;
        let boards = import
            .boards
            .iter()
            .map(|(id, board)| Ok((id, codec::encode_board(id, board)?)))
            .collect::<StoreResult<Vec<_>>>()?;
        let mut tx = self.begin_write().await?;
        let result = async {
            let row = NewSession {
                details: import.details,
                join_code,
                moderator_token_hash,
                settings_json: &settings_json,
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
            for (board_id, state_json) in &boards {
                sqlx::query(
                    "INSERT INTO boards (session_id, board_id, state_json, last_seq, origin_json)
                     VALUES ($1, $2, $3, 0, $3)",
                )
                .bind(&record.id)
                .bind(board_id)
                .bind(state_json)
                .execute(&mut *tx)
                .await?;
            }
            Ok(record)
        }
        .await;
        self.finish(tx, result).await
    }

    pub async fn session_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM workshop_sessions")
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn session_by_code(&self, code: &JoinCode) -> StoreResult<Option<SessionRecord>> {
        let sql = concat!(
            "SELECT ",
            session_columns!(),
            " FROM workshop_sessions WHERE join_code = $1"
        );
        Ok(sqlx::query_as(sql)
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The session whose token hash `sql` (one `$1`) matches.
    async fn session_by_hash(
        &self,
        sql: &'static str,
        token_hash: &[u8],
    ) -> StoreResult<Option<SessionRecord>> {
        Ok(sqlx::query_as(sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn session_by_moderator_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<SessionRecord>> {
        self.session_by_hash(
            concat!(
                "SELECT ",
                session_columns!(),
                " FROM workshop_sessions WHERE moderator_token_hash = $1"
            ),
            token_hash,
        )
        .await
    }

    pub async fn session_by_projector_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<SessionRecord>> {
        self.session_by_hash(
            concat!(
                "SELECT ",
                session_columns!(),
                " FROM workshop_sessions WHERE projector_token_hash = $1"
            ),
            token_hash,
        )
        .await
    }

    pub async fn groups(&self, session_id: &str) -> StoreResult<Vec<GroupView>> {
        let rows = sqlx::query(
            "SELECT g.id, g.name, g.colour,
                    (SELECT COUNT(*) FROM participants p WHERE p.group_id = g.id) AS members
             FROM groups g WHERE g.session_id = $1 ORDER BY g.position, g.id",
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
        let mut tx = self.begin_write().await?;
        let result = async {
            lock_session(&mut tx, session_id).await?;
            let (count, next): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COALESCE(MAX(position), -1) + 1 FROM groups WHERE session_id = $1",
            )
            .bind(session_id)
            .fetch_one(&mut *tx)
            .await?;
            below_limit(count, limits::GROUPS_PER_SESSION, StoreError::TooManyGroups)?;
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
            Ok(GroupView {
                id,
                name: details.name.clone(),
                colour: details.colour.clone(),
                member_count: 0,
            })
        }
        .await;
        self.finish(tx, result).await
    }

    pub async fn update_group(
        &self,
        session_id: &str,
        group_id: &str,
        details: &GroupDetails,
    ) -> StoreResult<GroupView> {
        let mut tx = self.begin_write().await?;
        let result = sqlx::query(
            "UPDATE groups SET name = $1, colour = $2 WHERE id = $3 AND session_id = $4",
        )
        .bind(&details.name)
        .bind(&details.colour)
        .bind(group_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await;
        let result = match result {
            Ok(done) if done.rows_affected() == 0 => Err(StoreError::UnknownGroup),
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::DuplicateGroupName),
            Err(e) => Err(e.into()),
        };
        self.finish(tx, result).await?;
        self.groups(session_id)
            .await?
            .into_iter()
            .find(|g| g.id == group_id)
            .ok_or(StoreError::UnknownGroup)
    }

    pub async fn remove_group(&self, session_id: &str, group_id: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let result = async {
            lock_session(&mut tx, session_id).await?;
            ensure_group_in_session(&mut tx, session_id, group_id).await?;
            let members: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM participants WHERE group_id = $1")
                    .bind(group_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if members > 0 {
                return Err(StoreError::GroupNotEmpty);
            }
            let done = sqlx::query("DELETE FROM groups WHERE id = $1 AND session_id = $2")
                .bind(group_id)
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::UnknownGroup);
            }
            sqlx::query("DELETE FROM op_log WHERE session_id = $1 AND group_id = $2")
                .bind(session_id)
                .bind(group_id)
                .execute(&mut *tx)
                .await?;
            // Board ids are `<group id>:<template>`; compared as text, not
            // LIKE (an imported group id may contain wildcards).
            sqlx::query(
                "DELETE FROM boards WHERE session_id = $1
                 AND substr(board_id, 1, length($2) + 1) = $2 || ':'",
            )
            .bind(session_id)
            .bind(group_id)
            .execute(&mut *tx)
            .await?;
            self.announce_in(&mut tx, session_id, Change::Rewritten)
                .await
        }
        .await;
        self.finish(tx, result).await
    }

    pub async fn move_participant(
        &self,
        session_id: &str,
        participant_id: &str,
        group_id: &str,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let result = async {
            lock_session(&mut tx, session_id).await?;
            ensure_group_in_session(&mut tx, session_id, group_id).await?;
            let done = sqlx::query(
                "UPDATE participants SET group_id = $1 WHERE id = $2 AND session_id = $3",
            )
            .bind(group_id)
            .bind(participant_id)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::UnknownParticipant);
            }
            let moved = Change::Moved {
                participant: participant_id.to_owned(),
            };
            self.announce_in(&mut tx, session_id, moved).await
        }
        .await;
        self.finish(tx, result).await
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
        let mut tx = self.begin_write().await?;
        let result = async {
            lock_session(&mut tx, session_id).await?;
            ensure_group_in_session(&mut tx, session_id, group_id).await?;
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM participants WHERE session_id = $1")
                    .bind(session_id)
                    .fetch_one(&mut *tx)
                    .await?;
            below_limit(
                count,
                limits::PARTICIPANTS_PER_SESSION,
                StoreError::SessionFull,
            )?;
            let id = new_id();
            sqlx::query(
                "INSERT INTO participants
             (id, session_id, group_id, token_hash, display_name, kommune, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
            Ok(ParticipantRecord {
                id,
                session_id: session_id.to_owned(),
                group_id: group_id.to_owned(),
                display_name: details.display_name.clone(),
                kommune: details.kommune.clone(),
                expires_at,
            })
        }
        .await;
        self.finish(tx, result).await
    }

    pub async fn participant_by_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<ParticipantRecord>> {
        let sql = concat!(
            "SELECT ",
            participant_columns!(),
            " FROM participants WHERE token_hash = $1"
        );
        Ok(sqlx::query_as(sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn participants(&self, session_id: &str) -> StoreResult<Vec<ParticipantRecord>> {
        let sql = concat!(
            "SELECT ",
            participant_columns!(),
            " FROM participants WHERE session_id = $1 ORDER BY created_at, id"
        );
        Ok(sqlx::query_as(sql)
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Reads a room in one read-only snapshot (REPEATABLE READ), so the
    /// last seq, snapshots and later ops agree even while ops commit.
    pub async fn load_room(&self, session_id: &str) -> StoreResult<RoomRecord> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
        let (last_seq, settings): (i64, String) =
            sqlx::query_as("SELECT last_seq, settings_json FROM workshop_sessions WHERE id = $1")
                .bind(session_id)
                .fetch_one(&mut *tx)
                .await?;
        let snapshots: Vec<(String, String)> =
            sqlx::query_as("SELECT board_id, state_json FROM boards WHERE session_id = $1")
                .bind(session_id)
                .fetch_all(&mut *tx)
                .await?;
        let later: Vec<String> = sqlx::query_scalar(
            "SELECT o.op_json FROM op_log o
             WHERE o.session_id = $1 AND o.seq > COALESCE(
                 (SELECT b.last_seq FROM boards b
                  WHERE b.session_id = o.session_id AND b.board_id = o.board_id), 0)
             ORDER BY o.seq",
        )
        .bind(session_id)
        .fetch_all(&mut *tx)
        .await?;
        let op_ids: Vec<(String, i64)> =
            sqlx::query_as("SELECT op_id, seq FROM op_log WHERE session_id = $1")
                .bind(session_id)
                .fetch_all(&mut *tx)
                .await?;
        let activity: Vec<(String, i64)> = sqlx::query_as(
            "SELECT group_id, MAX(created_at) FROM op_log WHERE session_id = $1 GROUP BY group_id",
        )
        .bind(session_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        StoredRoom {
            last_seq,
            settings,
            snapshots,
            later,
            op_ids,
            activity,
        }
        .into_record(session_id)
    }

    pub async fn load_settings(&self, session_id: &str) -> StoreResult<SessionSettings> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT settings_json FROM workshop_sessions WHERE id = $1")
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?;
        let json =
            found.ok_or_else(|| StoreError::Corrupt(format!("session {session_id} is gone")))?;
        codec::decode_settings(session_id, &json)
    }

    /// Rewrites this instance's heartbeat; `true` if its row had to be
    /// made anew (first beat, or another instance swept it as dead while
    /// this one could not reach the database: its presence rows are gone
    /// and must be written again).
    pub async fn heartbeat(&self) -> StoreResult<bool> {
        let created: bool = sqlx::query_scalar(
            "INSERT INTO live_instances (id, heartbeat_at) VALUES ($1, now())
             ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()
             RETURNING (xmax = 0)",
        )
        .bind(&*self.instance)
        .fetch_one(&self.pool)
        .await?;
        Ok(created)
    }

    /// Deletes the instances whose heartbeat is older than `silent` (their
    /// presence rows go with them, by cascade) and, in the same
    /// transaction, announces [`Change::Presence`] for every session that
    /// had someone online there. Returns those sessions.
    pub async fn sweep_instances(&self, silent: Duration) -> StoreResult<Vec<String>> {
        let mut tx = self.pool.begin().await?;
        let sessions: Vec<String> = sqlx::query_scalar(
            "WITH dead AS (
                 DELETE FROM live_instances
                 WHERE heartbeat_at < now() - make_interval(secs => $1)
                 RETURNING id)
             SELECT DISTINCT p.session_id FROM live_presence p JOIN dead ON dead.id = p.instance_id",
        )
        .bind(silent.as_secs_f64())
        .fetch_all(&mut *tx)
        .await?;
        for session in &sessions {
            self.announce_in(&mut tx, session, Change::Presence).await?;
        }
        tx.commit().await?;
        Ok(sessions)
    }

    /// Makes this instance's presence rows of a session say who is online
    /// here: `online` (participant, group) are written, `gone` deleted,
    /// and [`Change::Presence`] is announced in the same transaction (so
    /// the notice goes out exactly when the rows changed). A participant
    /// who no longer exists (removed, session deleted) is left out.
    pub async fn write_presence(
        &self,
        session_id: &str,
        online: &[(String, String)],
        gone: &[String],
    ) -> StoreResult<()> {
        let instance = &*self.instance;
        let mut tx = self.pool.begin().await?;
        if !gone.is_empty() {
            sqlx::query(
                "DELETE FROM live_presence
                 WHERE session_id = $1 AND instance_id = $2 AND participant_id = ANY($3)",
            )
            .bind(session_id)
            .bind(instance)
            .bind(gone)
            .execute(&mut *tx)
            .await?;
        }
        for (participant, group) in online {
            sqlx::query(
                "INSERT INTO live_presence (session_id, instance_id, participant_id, group_id)
                 SELECT $1, $2, $3, $4
                 WHERE EXISTS (SELECT 1 FROM participants WHERE id = $3 AND session_id = $1)
                 ON CONFLICT (session_id, instance_id, participant_id)
                 DO UPDATE SET group_id = excluded.group_id",
            )
            .bind(session_id)
            .bind(instance)
            .bind(participant)
            .bind(group)
            .execute(&mut *tx)
            .await?;
        }
        self.announce_in(&mut tx, session_id, Change::Presence)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Who is online in a session on the other instances whose heartbeat
    /// is younger than `silent`, ordered by participant id.
    pub async fn presence_elsewhere(
        &self,
        session_id: &str,
        silent: Duration,
    ) -> StoreResult<Vec<PresenceEntry>> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT DISTINCT ON (p.id) p.id, p.display_name, p.kommune, l.group_id
             FROM live_presence l
             JOIN live_instances i ON i.id = l.instance_id
             JOIN participants p ON p.id = l.participant_id
             WHERE l.session_id = $1 AND l.instance_id <> $2
               AND i.heartbeat_at >= now() - make_interval(secs => $3)
             ORDER BY p.id, i.heartbeat_at DESC",
        )
        .bind(session_id)
        .bind(&*self.instance)
        .bind(silent.as_secs_f64())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(participant_id, name, kommune, group_id)| PresenceEntry {
                participant_id,
                name,
                kommune,
                group_id,
            })
            .collect())
    }

    /// A pool of one connection for `LISTEN`, apart from the request pool
    /// (it is held for as long as the instance runs). Its connection is
    /// named `ikz-werkstatt-listen` in `pg_stat_activity`.
    pub fn listen_pool(&self) -> PgPool {
        PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_lazy_with(
                PgConnectOptions::clone(&self.options).application_name(LISTEN_APPLICATION_NAME),
            )
    }

    /// Changes a session's settings as `change` says, reading them under a
    /// row lock in the same transaction (two instances changing settings at
    /// once do not undo each other's change), announced as
    /// [`Change::Settings`]. `Ok(Err(_))`: `change` refused, nothing written.
    pub async fn update_settings<E: Send>(
        &self,
        session_id: &str,
        change: impl FnOnce(SessionSettings) -> Result<SessionSettings, E> + Send,
    ) -> StoreResult<Result<SessionSettings, E>> {
        let mut tx = self.begin_write().await?;
        let result = async {
            let stored: Option<String> = sqlx::query_scalar(
                "SELECT settings_json FROM workshop_sessions WHERE id = $1 FOR UPDATE",
            )
            .bind(session_id)
            .fetch_optional(&mut *tx)
            .await?;
            let (next, json) = match changed_settings(session_id, stored, change)? {
                Ok(changed) => changed,
                Err(refused) => return Ok(Err(refused)),
            };
            sqlx::query("UPDATE workshop_sessions SET settings_json = $1 WHERE id = $2")
                .bind(json)
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            self.announce_in(&mut tx, session_id, Change::Settings)
                .await?;
            Ok(Ok(next))
        }
        .await;
        self.finish(tx, result).await
    }

    /// Queues an op; ops commit in the order they were queued, each in a
    /// transaction of its own (see [`CommitQueue`]).
    pub fn queue_op(
        &self,
        op: OpRow,
    ) -> impl std::future::Future<Output = StoreResult<()>> + Send + 'static {
        self.queue.submit(self.clone(), op)
    }

    /// Commits an op in a transaction of its own (PostgreSQL flushes the
    /// commits of concurrent transactions together). If the connection is
    /// lost while the commit is in flight, the op may have committed all the
    /// same: it is looked up, and found with its number it counts as committed.
    async fn commit_op(&self, op: &OpRow) -> StoreResult<()> {
        let outcome = match self.begin_write().await {
            Ok(mut tx) => {
                let result = write_op(&mut tx, op).await;
                self.finish(tx, result).await
            }
            Err(e) => return Err(e),
        };
        match outcome {
            Ok(()) => {
                self.commits.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(StoreError::Unavailable(cause)) => {
                if self.was_committed(op).await {
                    tracing::warn!(seq = op.seq, "commit answer lost, but the op is stored");
                    self.commits.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                } else {
                    Err(StoreError::Unavailable(cause))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Whether `op` is stored with its seq, asked again for a few seconds
    /// while the database cannot be reached. `false` when it is not stored
    /// or the question could not be answered.
    async fn was_committed(&self, op: &OpRow) -> bool {
        for _ in 0..10 {
            let found: Result<Option<i64>, _> =
                sqlx::query_scalar("SELECT seq FROM op_log WHERE session_id = $1 AND op_id = $2")
                    .bind(&op.session_id)
                    .bind(&op.op_id)
                    .fetch_optional(&self.pool)
                    .await;
            match found {
                Ok(seq) => return seq.and_then(|s| u64::try_from(s).ok()) == Some(op.seq),
                Err(_) => tokio::time::sleep(Duration::from_millis(300)).await,
            }
        }
        false
    }

    pub fn commit_stats(&self) -> (u64, u64) {
        let n = self.commits.load(Ordering::Relaxed);
        (n, n)
    }

    pub async fn ops_since(
        &self,
        session_id: &str,
        group_id: Option<&str>,
        after_seq: u64,
        upto_seq: u64,
    ) -> StoreResult<Vec<LoggedOp>> {
        let bound = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT op_json FROM op_log
             WHERE session_id = $1 AND ($2::text IS NULL OR group_id = $2)
             AND seq > $3 AND seq <= $4
             ORDER BY seq",
        )
        .bind(session_id)
        .bind(group_id)
        .bind(bound(after_seq))
        .bind(bound(upto_seq))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(LoggedOp::decode).collect()
    }

    /// Saves a stand at the session's last committed op, unless the
    /// session has `max` already (under the session's row lock, so two
    /// moderator screens cannot both take the last one).
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
            lock_session(&mut tx, session_id).await?;
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM stands WHERE session_id = $1")
                    .bind(session_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= max {
                return Err(StoreError::TooManyStands);
            }
            let row: StandRow = sqlx::query_as(
                "INSERT INTO stands (session_id, label, day, seq, created_at)
                 SELECT id, $1, $2, last_seq, $3 FROM workshop_sessions WHERE id = $4
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
        self.finish(tx, result).await
    }

    pub async fn stands(&self, session_id: &str) -> StoreResult<Vec<Stand>> {
        let rows: Vec<StandRow> = sqlx::query_as(
            "SELECT id, label, day, seq FROM stands WHERE session_id = $1 ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(stand).collect())
    }

    pub async fn board_origins(&self, session_id: &str) -> StoreResult<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT board_id, origin_json FROM boards
             WHERE session_id = $1 AND origin_json IS NOT NULL",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn delete_session(&self, session_id: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let result: StoreResult<bool> = async {
            lock_session(&mut tx, session_id).await?;
            for sql in [
                "DELETE FROM live_presence WHERE session_id = $1",
                "DELETE FROM op_log WHERE session_id = $1",
                "DELETE FROM boards WHERE session_id = $1",
                "DELETE FROM stands WHERE session_id = $1",
                "DELETE FROM participants WHERE session_id = $1",
                "DELETE FROM groups WHERE session_id = $1",
            ] {
                sqlx::query(sql).bind(session_id).execute(&mut *tx).await?;
            }
            let done = sqlx::query("DELETE FROM workshop_sessions WHERE id = $1")
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            let deleted = done.rows_affected() > 0;
            if deleted {
                self.announce_in(&mut tx, session_id, Change::Deleted)
                    .await?;
            }
            Ok(deleted)
        }
        .await;
        self.finish(tx, result).await
    }

    pub async fn remove_participant(
        &self,
        session_id: &str,
        participant_id: &str,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let result: StoreResult<()> = async {
            lock_session(&mut tx, session_id).await?;
            let done = sqlx::query("DELETE FROM participants WHERE id = $1 AND session_id = $2")
                .bind(participant_id)
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::UnknownParticipant);
            }
            let boards: Vec<(String, String, Option<String>)> = sqlx::query_as(
                "SELECT board_id, state_json, origin_json FROM boards WHERE session_id = $1",
            )
            .bind(session_id)
            .fetch_all(&mut *tx)
            .await?;
            for (id, json, origin) in boards {
                if let Some(json) = anonymised_board(&id, &json, participant_id)? {
                    sqlx::query(
                        "UPDATE boards SET state_json = $1 WHERE session_id = $2 AND board_id = $3",
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
                            "UPDATE boards SET origin_json = $1 WHERE session_id = $2 AND board_id = $3",
                        )
                        .bind(json)
                        .bind(session_id)
                        .bind(&id)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            let ops: Vec<(i64, String)> = sqlx::query_as(
                "SELECT seq, op_json FROM op_log WHERE session_id = $1 AND author_id = $2",
            )
            .bind(session_id)
            .bind(participant_id)
            .fetch_all(&mut *tx)
            .await?;
            for (seq, json) in ops {
                if let Some(json) = anonymised_op(seq, &json, participant_id)? {
                    sqlx::query(
                        "UPDATE op_log SET op_json = $1 WHERE session_id = $2 AND seq = $3",
                    )
                    .bind(json)
                    .bind(session_id)
                    .bind(seq)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            self.announce_in(&mut tx, session_id, Change::Rewritten)
                .await?;
            let moved = Change::Moved {
                participant: participant_id.to_owned(),
            };
            self.announce_in(&mut tx, session_id, moved).await
        }
        .await;
        self.finish(tx, result).await
    }

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

    /// Replaces the projector token and, when given, the moderator secret
    /// in one transaction, announced as [`Change::SecretsRenewed`].
    pub async fn set_secrets(
        &self,
        session_id: &str,
        moderator_hash: Option<&[u8]>,
        projector_hash: &[u8],
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let result = async {
            sqlx::query(
                "UPDATE workshop_sessions
                 SET moderator_token_hash = COALESCE($1, moderator_token_hash),
                     projector_token_hash = $2
                 WHERE id = $3",
            )
            .bind(moderator_hash)
            .bind(projector_hash)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
            self.announce_in(&mut tx, session_id, Change::SecretsRenewed)
                .await
        }
        .await;
        self.finish(tx, result).await
    }
}

impl BatchWriter for PgStore {
    type Turn = tokio::sync::OwnedMutexGuard<()>;

    fn turn(&self) -> impl std::future::Future<Output = Self::Turn> + Send {
        Arc::clone(&self.turn).lock_owned()
    }

    async fn write(&self, turn: Self::Turn, batch: Vec<QueuedOp>) {
        for queued in batch {
            let outcome = self.commit_op(&queued.op).await.map_err(lost);
            queued.answer(outcome);
        }
        drop(turn);
    }
}
