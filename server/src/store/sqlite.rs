use super::codec::{self, LoggedOp};
use super::commit_queue::{BatchWriter, CommitQueue, QueuedOp};
use super::replay::StoredRoom;
use super::shared::{
    below_limit, changed_settings, foreign, in_sequence, is_refusal, is_unique_violation, new_id,
    Health, NewSession,
};
use super::{
    ImportedSession, OpRow, ParticipantRecord, RoomRecord, SessionRecord, StoreError, StoreResult,
};
use app::api::GroupView;
use app::domain::session::{limits, GroupDetails, JoinCode, ParticipantDetails, SessionDetails};
use app::domain::settings::SessionSettings;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, Row, Sqlite, SqliteConnection, SqlitePool};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// SQLite-backed repository (WAL, synchronous=FULL: a committed write survives
/// a crash of the process and of the machine).
///
/// Writes fail closed: every write runs in one [`WriteTx`]; a failed statement
/// or commit is rolled back and the connection closed (never returned to the
/// pool in an unknown state), the store is marked unhealthy, and further
/// writes are refused until a probe write commits again.
#[derive(Clone)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
    health: Arc<Health>,
    /// The database file and its (device, inode) when opened; `None` in memory.
    file: Arc<Option<DbFile>>,
    /// The one writer: every write transaction (ops, joins, groups,
    /// settings, deletions) holds this lock from `BEGIN IMMEDIATE` to its
    /// end, so writes queue here instead of racing for SQLite's lock and
    /// answering "database is locked".
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Ops waiting for the next group commit (see [`Store::commit_op`]).
    queue: Arc<CommitQueue>,
    /// Group commits made and the ops they held.
    commits: Arc<(AtomicU64, AtomicU64)>,
}

/// The runtime group commits run on: one thread of their own.
///
/// A commit is a chain of round trips to SQLite's connection thread (begin,
/// each op's statements, commit). On the server's runtime each step waits
/// behind every socket task that is ready; with a few hundred busy sockets
/// on one core that made a commit of one op take tens of milliseconds, so
/// ops queued faster than commits could take them (measured: 600 of 2 000
/// offered ops/s acknowledged, 1.2 ops per commit). On a thread of its own,
/// a commit's steps follow each other at once and the ops arriving
/// meanwhile share the next commit. `None` if the thread cannot be started
/// (commits then run where they are awaited).
fn writer_runtime() -> Option<&'static tokio::runtime::Handle> {
    static RUNTIME: std::sync::OnceLock<Option<tokio::runtime::Handle>> =
        std::sync::OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| tracing::error!(error = %e, "no writer runtime; commits run inline"))
                .ok()?;
            let handle = runtime.handle().clone();
            std::thread::Builder::new()
                .name("ikz-writer".into())
                .spawn(move || runtime.block_on(std::future::pending::<()>()))
                .map_err(|e| tracing::error!(error = %e, "no writer thread; commits run inline"))
                .ok()?;
            Some(handle)
        })
        .as_ref()
}

type WriterGuard = tokio::sync::OwnedMutexGuard<()>;

/// The database file and its (device, inode) when opened.
struct DbFile {
    path: PathBuf,
    opened: (u64, u64),
}

impl DbFile {
    /// Whether the database file is still the one opened (not deleted or
    /// replaced under the running server): one `stat`.
    async fn check(&self) -> StoreResult<()> {
        let path = &self.path;
        match file_identity(path).await {
            Ok(now) if now == self.opened => Ok(()),
            Ok(_) => Err(StoreError::Unavailable(format!(
                "database file {} was replaced while the server ran",
                path.display()
            ))),
            Err(e) => Err(StoreError::Unavailable(format!(
                "database file {}: {e}",
                path.display()
            ))),
        }
    }
}

#[cfg(unix)]
async fn file_identity(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = tokio::fs::metadata(path).await?;
    Ok((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
async fn file_identity(path: &Path) -> std::io::Result<(u64, u64)> {
    tokio::fs::metadata(path).await.map(|_| (0, 0))
}

/// One write transaction (`BEGIN IMMEDIATE`) on a connection of its own.
/// End it with [`WriteTx::finish`]; dropped unfinished (a cancelled request),
/// its connection is closed, which rolls the transaction back.
pub(super) struct WriteTx<'s> {
    store: &'s SqliteStore,
    conn: PoolConnection<Sqlite>,
    /// The writer lock, held until the transaction ends (declared after
    /// `conn`: a connection closed on drop is closed before the next
    /// writer begins).
    _writer: WriterGuard,
    /// Whether the connection is known to be outside any transaction (it may
    /// go back to the pool).
    settled: bool,
}

impl Deref for WriteTx<'_> {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.conn
    }
}

impl DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if !self.settled {
            // State unknown: closed, never returned to the pool.
            self.conn.close_on_drop();
        }
    }
}

impl WriteTx<'_> {
    /// Commits if `result` is `Ok`, else rolls back. A storage failure (a
    /// failed statement or commit, a database file that is no longer ours)
    /// closes the connection, marks the store unhealthy and comes back as
    /// [`StoreError::Unavailable`]; a refused input leaves both as they were.
    pub(super) async fn finish<T>(mut self, result: StoreResult<T>) -> StoreResult<T> {
        let store = self.store;
        match result {
            Ok(value) => {
                if let Err(e) = sqlx::query("COMMIT").execute(&mut *self.conn).await {
                    self.rollback().await;
                    return Err(store.storage_failed(e.into()));
                }
                self.settled = true;
                drop(self);
                // Acknowledge only what is in the file the server will open next.
                store
                    .check_file()
                    .await
                    .map_err(|e| store.storage_failed(e))?;
                Ok(value)
            }
            Err(e) if is_refusal(&e) => {
                match sqlx::query("ROLLBACK").execute(&mut *self.conn).await {
                    Ok(_) => self.settled = true,
                    Err(rollback) => {
                        store.storage_failed(rollback.into());
                    }
                }
                Err(e)
            }
            Err(e) => {
                self.rollback().await;
                Err(store.storage_failed(e))
            }
        }
    }

    /// Rolls back explicitly; the connection is closed on drop all the same
    /// (`settled` stays false): its state is unknown.
    async fn rollback(&mut self) {
        let _ = sqlx::query("ROLLBACK").execute(&mut *self.conn).await;
    }
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

/// Writes one op of a group commit. Refused (a constraint, or an op whose
/// predecessor is not on disk), nothing of it is written and the batch goes
/// on; the outer error (storage) ends the batch.
///
/// The op's first statement writes its log row only if it directly follows
/// the session's last stored op, and a refused statement writes nothing, so
/// an op without a snapshot needs no savepoint (two statements per op); one
/// with a snapshot writes under a savepoint of its own.
async fn write_op(tx: &mut sqlx::SqliteConnection, op: &OpRow) -> StoreResult<StoreResult<()>> {
    let savepoint = op.snapshot.is_some();
    if savepoint {
        sqlx::query("SAVEPOINT op").execute(&mut *tx).await?;
    }
    let refused = match write_op_rows(tx, op).await {
        Ok(true) => {
            if savepoint {
                sqlx::query("RELEASE op").execute(&mut *tx).await?;
            }
            return Ok(Ok(()));
        }
        // An earlier op of the session did not commit: this one follows
        // it, so it must not commit either (the log never has a gap).
        Ok(false) => {
            let stored: Option<i64> =
                sqlx::query_scalar("SELECT last_seq FROM workshop_sessions WHERE id = ?")
                    .bind(&op.session_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match in_sequence(op.seq, 0, stored) {
                Err(e) => e,
                Ok(()) => StoreError::Corrupt(format!("op {} not logged", op.seq)),
            }
        }
        Err(e) if is_refusal(&e) => e,
        Err(e) => return Err(e),
    };
    if savepoint {
        sqlx::query("ROLLBACK TO op").execute(&mut *tx).await?;
        sqlx::query("RELEASE op").execute(&mut *tx).await?;
    }
    Ok(Err(refused))
}

/// Writes an op's rows; `false` (nothing written) if the op does not
/// directly follow the session's last stored op.
async fn write_op_rows(tx: &mut sqlx::SqliteConnection, op: &OpRow) -> StoreResult<bool> {
    let seq = op.seq as i64;
    let logged = sqlx::query(
        "INSERT INTO op_log (session_id, seq, op_id, board_id, group_id, author_id, op_json, created_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ? FROM workshop_sessions WHERE id = ? AND last_seq = ?",
    )
    .bind(&op.session_id)
    .bind(seq)
    .bind(&op.op_id)
    .bind(&op.board_id)
    .bind(&op.group_id)
    .bind(&op.author_id)
    .bind(&op.op_json)
    .bind(op.created_at)
    .bind(&op.session_id)
    .bind(seq - 1)
    .execute(&mut *tx)
    .await?;
    if logged.rows_affected() != 1 {
        return Ok(false);
    }
    // The log row is written: a failure from here on is never a refusal
    // of this op alone (without a savepoint it could not be taken back).
    sqlx::query("UPDATE workshop_sessions SET last_seq = ? WHERE id = ?")
        .bind(seq)
        .bind(&op.session_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    if let Some(snapshot) = &op.snapshot {
        sqlx::query(
            "INSERT INTO boards (session_id, board_id, state_json, last_seq) VALUES (?, ?, ?, ?)
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
    Ok(true)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    /// A database whose migrations are not ours comes back as
    /// [`StoreError::Foreign`] with a message that says so.
    pub async fn open(url: &str) -> StoreResult<Self> {
        if !url.starts_with("sqlite:") {
            return Err(StoreError::UnsupportedDatabase(
                url.split(':').next().unwrap_or_default().to_owned(),
            ));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let path = options.get_filename().to_owned();
        let in_memory = path.as_os_str().is_empty() || path == Path::new(":memory:");
        let name = path.display().to_string();
        let file = if in_memory {
            None
        } else {
            // Create and migrate with a pool of its own; the serving pool below
            // never creates the file, so a database deleted under the running
            // server is not silently replaced by an empty one.
            let setup = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options.clone().create_if_missing(true))
                .await
                .map_err(|e| foreign(&name, e.into()))?;
            let migrated = sqlx::migrate!("./migrations/sqlite").run(&setup).await;
            setup.close().await;
            migrated.map_err(|e| foreign(&name, e.into()))?;
            let identity = file_identity(&path)
                .await
                .map_err(|e| StoreError::Unavailable(format!("database file {name}: {e}")))?;
            Some(DbFile {
                path,
                opened: identity,
            })
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            // A connection still inside a transaction never goes back to the pool.
            .after_release(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
            .connect_with(options.create_if_missing(in_memory))
            .await?;
        if in_memory {
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        }
        Ok(Self {
            pool,
            health: Arc::default(),
            file: Arc::new(file),
            writer: Arc::new(tokio::sync::Mutex::new(())),
            queue: Arc::default(),
            commits: Arc::default(),
        })
    }

    /// Closes every connection (checkpointing the WAL into the database file).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Marks the store unhealthy because of `e`; returns it as
    /// [`StoreError::Unavailable`].
    fn storage_failed(&self, e: StoreError) -> StoreError {
        self.health.failed(e)
    }

    /// Whether the database file is still the one opened (always, in memory).
    async fn check_file(&self) -> StoreResult<()> {
        match self.file.as_ref() {
            Some(file) => file.check().await,
            None => Ok(()),
        }
    }

    /// Waits for the writer lock (FIFO: writers are served in the order
    /// they asked).
    async fn lock_writer(&self) -> WriterGuard {
        self.writer.clone().lock_owned().await
    }

    /// Starts a write. While the store is unhealthy a probe write must commit
    /// first; if it does not, the write is refused with
    /// [`StoreError::Unavailable`].
    pub(super) async fn begin_write(&self) -> StoreResult<WriteTx<'_>> {
        let mut writer = self.lock_writer().await;
        if !self.health.is_ok() {
            self.probe(writer).await?;
            writer = self.lock_writer().await;
        }
        self.begin_unchecked(writer).await
    }

    async fn begin_unchecked(&self, writer: WriterGuard) -> StoreResult<WriteTx<'_>> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| self.storage_failed(e.into()))?;
        if let Err(e) = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await {
            conn.close_on_drop();
            return Err(self.storage_failed(e.into()));
        }
        Ok(WriteTx {
            store: self,
            conn,
            _writer: writer,
            settled: false,
        })
    }

    /// Rewrites the probe row (holding the writer lock); healthy again if
    /// that commits (into the file opened at start).
    async fn probe(&self, writer: WriterGuard) -> StoreResult<()> {
        if self.health.is_ok() {
            return Ok(());
        }
        let mut tx = self.begin_unchecked(writer).await?;
        let result = sqlx::query(
            "INSERT INTO health_probe (id, probed_at, padding) VALUES (1, ?, zeroblob(65536))
             ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at,
             padding = zeroblob(65536 + (excluded.probed_at % 2))",
        )
        .bind(crate::clock::now())
        .execute(&mut *tx)
        .await
        .map(|_| ())
        .map_err(StoreError::from);
        tx.finish(result).await?;
        self.health.recovered();
        Ok(())
    }

    /// `Ok` if writes commit; else why not. While healthy this checks that
    /// the database file is still the one opened; while unhealthy it probes.
    pub async fn health(&self) -> Result<(), String> {
        if self.health.is_ok() {
            if let Err(e) = self.check_file().await {
                self.storage_failed(e);
            }
        }
        if self.health.is_ok() {
            return Ok(());
        }
        match self.probe(self.lock_writer().await).await {
            Ok(()) => Ok(()),
            Err(_) => Err(self.health.cause()),
        }
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
        tx.finish(result).await
    }

    /// A new session prepared like `source`: the same groups (names, colours,
    /// order) and `settings` (already reset by the caller), no participants
    /// and no content. One transaction: all or nothing.
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
                "SELECT name, colour, position FROM groups WHERE session_id = ? ORDER BY position",
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
        tx.finish(result).await
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
                 VALUES (?, ?, ?, 0, ?)",
                )
                .bind(&record.id)
                .bind(board_id)
                .bind(state_json)
                .bind(state_json)
                .execute(&mut *tx)
                .await?;
            }
            Ok(record)
        }
        .await;
        tx.finish(result).await
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
        Ok(sqlx::query_as::<_, SessionRecord>(sql)
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?)
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
        Ok(sqlx::query_as::<_, SessionRecord>(sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?)
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
        let mut tx = self.begin_write().await?;
        let result = async {
            let (count, next): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), COALESCE(MAX(position), -1) + 1 FROM groups WHERE session_id = ?",
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
        tx.finish(result).await
    }

    pub async fn update_group(
        &self,
        session_id: &str,
        group_id: &str,
        details: &GroupDetails,
    ) -> StoreResult<GroupView> {
        let mut tx = self.begin_write().await?;
        let result =
            sqlx::query("UPDATE groups SET name = ?, colour = ? WHERE id = ? AND session_id = ?")
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
        tx.finish(result).await?;
        self.groups(session_id)
            .await?
            .into_iter()
            .find(|g| g.id == group_id)
            .ok_or(StoreError::UnknownGroup)
    }

    /// Removes an empty group with its boards and op log; a group with
    /// members keeps its work and stays.
    pub async fn remove_group(&self, session_id: &str, group_id: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let result = async {
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
            super::privacy::delete_group_content(&mut tx, session_id, group_id).await
        }
        .await;
        tx.finish(result).await
    }

    /// Moves a participant to another group of the same session.
    pub async fn move_participant(
        &self,
        session_id: &str,
        participant_id: &str,
        group_id: &str,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let result = async {
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
            Ok(())
        }
        .await;
        tx.finish(result).await
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
            ensure_group_in_session(&mut tx, session_id, group_id).await?;
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM participants WHERE session_id = ?")
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
        tx.finish(result).await
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
        Ok(sqlx::query_as::<_, ParticipantRecord>(sql)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn participants(&self, session_id: &str) -> StoreResult<Vec<ParticipantRecord>> {
        let sql = concat!(
            "SELECT ",
            participant_columns!(),
            " FROM participants WHERE session_id = ? ORDER BY created_at, id"
        );
        Ok(sqlx::query_as::<_, ParticipantRecord>(sql)
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Everything the live hub needs to serve a session: its last sequence
    /// number, each board's state (its last snapshot with the ops logged
    /// after it replayed), and the ids of committed ops (for dedupe).
    pub async fn load_room(&self, session_id: &str) -> StoreResult<RoomRecord> {
        let (last_seq, settings): (i64, String) =
            sqlx::query_as("SELECT last_seq, settings_json FROM workshop_sessions WHERE id = ?")
                .bind(session_id)
                .fetch_one(&self.pool)
                .await?;
        let snapshots: Vec<(String, String)> =
            sqlx::query_as("SELECT board_id, state_json FROM boards WHERE session_id = ?")
                .bind(session_id)
                .fetch_all(&self.pool)
                .await?;
        let later: Vec<String> = sqlx::query_scalar(
            "SELECT o.op_json FROM op_log o
             WHERE o.session_id = ? AND o.seq > COALESCE(
                 (SELECT b.last_seq FROM boards b
                  WHERE b.session_id = o.session_id AND b.board_id = o.board_id), 0)
             ORDER BY o.seq",
        )
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

    /// The moderator's settings of a session as stored.
    pub async fn load_settings(&self, session_id: &str) -> StoreResult<SessionSettings> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT settings_json FROM workshop_sessions WHERE id = ?")
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?;
        let json =
            found.ok_or_else(|| StoreError::Corrupt(format!("session {session_id} is gone")))?;
        codec::decode_settings(session_id, &json)
    }

    /// Changes a session's settings as `change` says, read and written in
    /// one write transaction. `Ok(Err(_))`: `change` refused, nothing
    /// written.
    pub async fn update_settings<E: Send>(
        &self,
        session_id: &str,
        change: impl FnOnce(SessionSettings) -> Result<SessionSettings, E> + Send,
    ) -> StoreResult<Result<SessionSettings, E>> {
        let mut tx = self.begin_write().await?;
        let result = async {
            let stored: Option<String> =
                sqlx::query_scalar("SELECT settings_json FROM workshop_sessions WHERE id = ?")
                    .bind(session_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (next, json) = match changed_settings(session_id, stored, change)? {
                Ok(changed) => changed,
                Err(refused) => return Ok(Err(refused)),
            };
            sqlx::query("UPDATE workshop_sessions SET settings_json = ? WHERE id = ?")
                .bind(json)
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
            Ok(Ok(next))
        }
        .await;
        tx.finish(result).await
    }

    /// Commits an op (and its board's snapshot, when one is due) and returns
    /// only after the transaction holding it is durable (synchronous=FULL).
    ///
    /// Group commit: ops queue up while a commit is in flight; whoever gets
    /// the writer lock next commits everything queued in one transaction
    /// (one fsync for many ops, from every session). Each op runs under a
    /// savepoint: one refused by a constraint is rolled back alone; a storage
    /// failure fails the whole batch, so nothing of it is acknowledged.
    ///
    /// The caller must not be cancelled between queueing and the answer
    /// (the hub runs it in a task of its own): a queued op is committed
    /// whether anyone still waits for it or not.
    ///
    /// The op joins the queue when this is called (not when the future is
    /// first polled), so ops queued one after another commit in that order.
    pub fn commit_op(
        &self,
        op: OpRow,
    ) -> impl std::future::Future<Output = StoreResult<()>> + Send + 'static {
        self.queue.submit(self.clone(), op)
    }

    /// How many group commits were made and how many ops they held.
    pub fn commit_stats(&self) -> (u64, u64) {
        (
            self.commits.0.load(Ordering::Relaxed),
            self.commits.1.load(Ordering::Relaxed),
        )
    }

    /// Commits `batch` in one transaction and tells every op its outcome.
    async fn commit_batch(&self, mut writer: WriterGuard, batch: Vec<QueuedOp>) {
        if !self.health.is_ok() {
            if let Err(e) = self.probe(writer).await {
                for queued in batch {
                    queued.answer(Err(StoreError::Unavailable(e.to_string())));
                }
                return;
            }
            writer = self.lock_writer().await;
        }
        let mut tx = match self.begin_unchecked(writer).await {
            Ok(tx) => tx,
            Err(e) => {
                for queued in batch {
                    queued.answer(Err(StoreError::Unavailable(e.to_string())));
                }
                return;
            }
        };
        let mut outcomes: Vec<StoreResult<()>> = Vec::with_capacity(batch.len());
        let mut failed: Option<StoreError> = None;
        for queued in &batch {
            match write_op(&mut tx, &queued.op).await {
                Ok(outcome) => outcomes.push(outcome),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        let result = failed.map_or(Ok(()), Err);
        match tx.finish(result).await {
            Ok(()) => {
                self.commits.0.fetch_add(1, Ordering::Relaxed);
                self.commits
                    .1
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
                for (queued, outcome) in batch.into_iter().zip(outcomes) {
                    queued.answer(outcome);
                }
            }
            Err(e) => {
                let cause = e.to_string();
                for queued in batch {
                    queued.answer(Err(StoreError::Unavailable(cause.clone())));
                }
            }
        }
    }

    /// One group's (`None`: every group's) ops after `after_seq` up to
    /// `upto_seq`, in order.
    pub async fn ops_since(
        &self,
        session_id: &str,
        group_id: Option<&str>,
        after_seq: u64,
        upto_seq: u64,
    ) -> StoreResult<Vec<LoggedOp>> {
        let rows: Vec<String> = sqlx::query_scalar(
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
        .await?;
        rows.into_iter().map(LoggedOp::decode).collect()
    }
}

/// Group commit: whoever gets the writer lock next commits everything
/// queued in one transaction (one fsync for many ops, from every session),
/// on the writer thread.
impl BatchWriter for SqliteStore {
    type Turn = WriterGuard;

    fn turn(&self) -> impl std::future::Future<Output = WriterGuard> + Send {
        self.lock_writer()
    }

    fn write(
        &self,
        turn: WriterGuard,
        batch: Vec<QueuedOp>,
    ) -> impl std::future::Future<Output = ()> + Send {
        self.commit_batch(turn, batch)
    }

    async fn run_turn(turn: impl std::future::Future<Output = ()> + Send + 'static) {
        match writer_runtime() {
            // Panics cannot happen here; a cancelled task answers every op
            // of its batch as abandoned (their senders are dropped).
            Some(runtime) => drop(runtime.spawn(turn).await),
            None => turn.await,
        }
    }
}
