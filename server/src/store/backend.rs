//! [`Store`]: one repository API over two backends. The URL picks the backend
//! at start (`sqlite:` or `postgres:`/`postgresql:`); every method hands its
//! arguments to that backend unchanged. On PostgreSQL a lost connection (the
//! server restarted, the connection terminated, the pool timed out) comes back
//! as [`StoreError::Unavailable`], so callers say "try again" as for a full disk.

use super::postgres::{self, PgStore};
use super::sqlite::SqliteStore;
use super::{codec, replay};
use super::{
    CommittedOp, ImportedSession, LoggedOp, OpRow, ParticipantRecord, RoomRecord, SessionRecord,
    StoreError, StoreResult,
};
use app::api::GroupView;
use app::domain::board::BoardState;
use app::domain::session::{GroupDetails, JoinCode, ParticipantDetails, SessionDetails};
use app::domain::settings::SessionSettings;
use app::domain::stand::Stand;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

/// The repository (cheap to clone: every clone shares the pool).
#[derive(Clone)]
pub struct Store {
    backend: Backend,
}

/// The answer to [`Store::commit_op`].
pub type CommitFuture = Pin<Box<dyn Future<Output = StoreResult<()>> + Send + 'static>>;

#[derive(Clone)]
enum Backend {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// Which database a store runs on (for logs and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

impl Store {
    /// Opens the database at `url` (creating an SQLite file if needed) and
    /// runs the migrations of its backend. A database whose migrations are
    /// not ours comes back as [`StoreError::Foreign`] with a message that says so.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let scheme = url.split(':').next().unwrap_or_default();
        let backend = match scheme {
            "sqlite" => Backend::Sqlite(SqliteStore::open(url).await?),
            "postgres" | "postgresql" => Backend::Postgres(PgStore::open(url).await?),
            other => return Err(StoreError::UnsupportedDatabase(other.to_owned())),
        };
        Ok(Self { backend })
    }

    pub fn kind(&self) -> BackendKind {
        match &self.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Closes every connection (SQLite: checkpointing the WAL into the file).
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(s) => s.close().await,
            Backend::Postgres(s) => s.close().await,
        }
    }

    /// `Ok` if writes commit; else why not. While unhealthy this probes
    /// with a write and turns healthy once that commits.
    pub async fn health(&self) -> Result<(), String> {
        match &self.backend {
            Backend::Sqlite(s) => s.health().await,
            Backend::Postgres(s) => s.health().await,
        }
    }

    /// The boards of a session as they were after op `seq` (a saved
    /// stand's): each board's origin (an import's state, else empty) with
    /// the logged ops up to `seq` applied again by the domain's `apply`.
    pub async fn boards_at(
        &self,
        session_id: &str,
        seq: u64,
    ) -> StoreResult<BTreeMap<String, BoardState>> {
        let mut origins = BTreeMap::new();
        for (id, json) in self.board_origins(session_id).await? {
            let board = codec::decode_board(&id, &json)?;
            origins.insert(id, board);
        }
        let ops: Vec<_> = self
            .ops_since(session_id, None, 0, seq)
            .await?
            .into_iter()
            .map(|logged| logged.op)
            .collect();
        replay::replay(origins, &ops)
            .map(|r| r.boards)
            .map_err(|e| StoreError::Corrupt(format!("session {session_id} at {seq}: {e}")))
    }

    /// Commits an op (and its board's snapshot, when one is due) and returns
    /// only after the transaction holding it is durable. The op must carry
    /// the session's next sequence number (stored last seq + 1), else it is
    /// refused as [`StoreError::OutOfSequence`] and nothing is stored, so
    /// sequence numbers stay gap-free and ordered whoever writes.
    ///
    /// The caller must not be cancelled between queueing and the answer
    /// (the hub runs it in a task of its own): a queued op is committed
    /// whether anyone still waits for it or not.
    ///
    /// The op joins its queue when this is called (not when the future is
    /// first polled), so ops queued one after another commit in that order.
    pub fn commit_op(&self, op: CommittedOp) -> CommitFuture {
        let op = match OpRow::encode(op) {
            Ok(row) => row,
            Err(e) => return Box::pin(std::future::ready(Err(e))),
        };
        match &self.backend {
            Backend::Sqlite(s) => Box::pin(s.commit_op(op)),
            Backend::Postgres(s) => Box::pin(s.queue_op(op)),
        }
    }

    /// Changes a session's settings as `change` says (it gets them as
    /// stored), read and written in one transaction: changes of several
    /// instances at once do not undo each other. `Ok(Err(_))`: `change`
    /// refused, nothing written.
    pub async fn update_settings<E: Send>(
        &self,
        session_id: &str,
        change: impl FnOnce(SessionSettings) -> Result<SessionSettings, E> + Send,
    ) -> StoreResult<Result<SessionSettings, E>> {
        match &self.backend {
            Backend::Sqlite(s) => s.update_settings(session_id, change).await,
            Backend::Postgres(s) => s
                .update_settings(session_id, change)
                .await
                .map_err(postgres::lost),
        }
    }

    /// PostgreSQL: this instance's id in the notices it sends and the
    /// presence rows it writes (`None` on SQLite: one instance).
    pub fn instance(&self) -> Option<&str> {
        match &self.backend {
            Backend::Sqlite(_) => None,
            Backend::Postgres(s) => Some(s.instance()),
        }
    }

    /// PostgreSQL: rewrites this instance's heartbeat; `true` if its row
    /// was made anew (its presence rows must be written again). SQLite:
    /// `false`, one instance per database.
    pub async fn heartbeat(&self) -> StoreResult<bool> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(false),
            Backend::Postgres(s) => s.heartbeat().await.map_err(postgres::lost),
        }
    }

    /// PostgreSQL: deletes the instances silent for longer than `silent`
    /// with their presence rows, announcing each session that had someone
    /// online there (in the same transaction); returns those sessions.
    /// SQLite: none.
    pub async fn sweep_instances(&self, silent: std::time::Duration) -> StoreResult<Vec<String>> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(Vec::new()),
            Backend::Postgres(s) => s.sweep_instances(silent).await.map_err(postgres::lost),
        }
    }

    /// PostgreSQL: this instance's presence rows of a session: `online`
    /// (participant id, group id) written, `gone` deleted, announced in the
    /// same transaction. SQLite: nothing to write.
    pub async fn write_presence(
        &self,
        session_id: &str,
        online: &[(String, String)],
        gone: &[String],
    ) -> StoreResult<()> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(()),
            Backend::Postgres(s) => s
                .write_presence(session_id, online, gone)
                .await
                .map_err(postgres::lost),
        }
    }

    /// PostgreSQL: who is online in a session on the other instances (those
    /// heard from within `silent`). SQLite: nobody, one instance.
    pub async fn presence_elsewhere(
        &self,
        session_id: &str,
        silent: std::time::Duration,
    ) -> StoreResult<Vec<app::protocol::PresenceEntry>> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(Vec::new()),
            Backend::Postgres(s) => s
                .presence_elsewhere(session_id, silent)
                .await
                .map_err(postgres::lost),
        }
    }

    /// PostgreSQL: a pool of one connection for `LISTEN` (`None` on SQLite).
    pub fn listen_pool(&self) -> Option<sqlx::PgPool> {
        match &self.backend {
            Backend::Sqlite(_) => None,
            Backend::Postgres(s) => Some(s.listen_pool()),
        }
    }

    /// How many commits were made and how many ops they held (SQLite: group
    /// commits of many ops; PostgreSQL: one op each).
    pub fn commit_stats(&self) -> (u64, u64) {
        match &self.backend {
            Backend::Sqlite(s) => s.commit_stats(),
            Backend::Postgres(s) => s.commit_stats(),
        }
    }
}

/// Writes `Store` methods that pass their arguments to the backend.
macro_rules! delegate {
    ($(
        $(#[$meta:meta])*
        fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty;
    )*) => {
        impl Store {
            $(
                $(#[$meta])*
                pub async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    match &self.backend {
                        Backend::Sqlite(s) => s.$name($($arg),*).await,
                        Backend::Postgres(s) => s.$name($($arg),*).await.map_err(postgres::lost),
                    }
                }
            )*
        }
    };
}

delegate! {
    fn create_session(
        &self,
        details: &SessionDetails,
        join_code: &JoinCode,
        moderator_token_hash: &[u8],
        now: i64,
    ) -> StoreResult<SessionRecord>;

    /// A new session prepared like `source`: the same groups (names, colours,
    /// order) and `settings` (already reset by the caller), no participants
    /// and no content. One transaction: all or nothing.
    fn duplicate_session(
        &self,
        source_id: &str,
        details: &SessionDetails,
        join_code: &JoinCode,
        moderator_token_hash: &[u8],
        settings: &SessionSettings,
        now: i64,
    ) -> StoreResult<SessionRecord>;

    /// Writes an imported session (session, settings, groups, boards) in one
    /// transaction: either all of it is stored or nothing.
    fn import_session(
        &self,
        import: &ImportedSession<'_>,
        join_code: &JoinCode,
        moderator_token_hash: &[u8],
        now: i64,
    ) -> StoreResult<SessionRecord>;

    /// Number of sessions stored (for tests that check nothing was written).
    fn session_count(&self) -> StoreResult<i64>;

    fn session_by_code(&self, code: &JoinCode) -> StoreResult<Option<SessionRecord>>;

    fn session_by_moderator_token(&self, token_hash: &[u8]) -> StoreResult<Option<SessionRecord>>;

    fn session_by_projector_token(&self, token_hash: &[u8]) -> StoreResult<Option<SessionRecord>>;

    fn groups(&self, session_id: &str) -> StoreResult<Vec<GroupView>>;

    fn add_group(&self, session_id: &str, details: &GroupDetails) -> StoreResult<GroupView>;

    fn update_group(
        &self,
        session_id: &str,
        group_id: &str,
        details: &GroupDetails,
    ) -> StoreResult<GroupView>;

    /// Removes an empty group with its boards and op log; a group with
    /// members keeps its work and stays.
    fn remove_group(&self, session_id: &str, group_id: &str) -> StoreResult<()>;

    /// Moves a participant to another group of the same session.
    fn move_participant(
        &self,
        session_id: &str,
        participant_id: &str,
        group_id: &str,
    ) -> StoreResult<()>;

    fn add_participant(
        &self,
        session_id: &str,
        group_id: &str,
        details: &ParticipantDetails,
        token_hash: &[u8],
        now: i64,
        expires_at: i64,
    ) -> StoreResult<ParticipantRecord>;

    fn participant_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<ParticipantRecord>>;

    fn participants(&self, session_id: &str) -> StoreResult<Vec<ParticipantRecord>>;

    /// Everything the live hub needs to serve a session: its last sequence
    /// number, each board's state (its last snapshot with the ops logged
    /// after it replayed), and the ids of committed ops (for dedupe).
    fn load_room(&self, session_id: &str) -> StoreResult<RoomRecord>;

    /// The moderator's settings of a session as stored.
    fn load_settings(&self, session_id: &str) -> StoreResult<SessionSettings>;



    /// One group's (`None`: every group's) ops after `after_seq` up to
    /// `upto_seq`, in order.
    fn ops_since(
        &self,
        session_id: &str,
        group_id: Option<&str>,
        after_seq: u64,
        upto_seq: u64,
    ) -> StoreResult<Vec<LoggedOp>>;

    /// Deletes a session and every row that belongs to it, in one
    /// transaction, children first. A new table with session data must be
    /// added here; `tests/privacy.rs` checks every table of the database.
    /// `false`: there was no such session.
    fn delete_session(&self, session_id: &str) -> StoreResult<bool>;

    /// Removes a participant (they left, or the moderator removed them):
    /// their row goes, and their name is replaced on every board and logged
    /// op of the session. One transaction: the name is gone everywhere or nowhere.
    fn remove_participant(&self, session_id: &str, participant_id: &str) -> StoreResult<()>;

    /// Ids of the sessions whose workshop date is more than `retention_days`
    /// before `today` (YYYY-MM-DD).
    fn sessions_past_retention(&self, today: &str, retention_days: u32) -> StoreResult<Vec<String>>;

    /// Saves a stand ("Stand sichern") at the session's last committed op,
    /// unless the session has `max` stands already.
    fn add_stand(
        &self,
        session_id: &str,
        label: &str,
        day: &str,
        max: usize,
        now: i64,
    ) -> StoreResult<Stand>;

    /// The session's saved stands, oldest first.
    fn stands(&self, session_id: &str) -> StoreResult<Vec<Stand>>;

    /// (board id, state as imported) of the boards an import started; every
    /// other board started empty.
    fn board_origins(&self, session_id: &str) -> StoreResult<Vec<(String, String)>>;

    /// Replaces the projector's read-only token and, when given, the
    /// moderator secret (their hashes) in one transaction; the old ones stop
    /// working (on PostgreSQL announced to the other instances).
    fn set_secrets(
        &self,
        session_id: &str,
        moderator_hash: Option<&[u8]>,
        projector_hash: &[u8],
    ) -> StoreResult<()>;
}
