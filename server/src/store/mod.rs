//! The repository: every read and write of workshop data goes through [`Store`].
//! Handlers never see SQL. SQLite is the default backend (`sqlite.rs`,
//! `privacy.rs`); `DATABASE_URL=postgres://…` switches every method to
//! PostgreSQL (`postgres.rs`). `Store` only dispatches (`backend.rs`) and is
//! typed: callers hand it ops, board states and settings and get them back;
//! `codec.rs` is the one place that turns them into stored text and back.
//! The rules both backends share live once: limits, ids, health and
//! anonymising in `shared.rs`, loading a room in `replay.rs`, the op commit
//! queue in `commit_queue.rs`, the rest in the domain.

mod backend;
pub mod codec;
mod commit_queue;
pub mod notice;
mod postgres;
mod privacy;
pub mod replay;
mod shared;
mod sqlite;
mod stands;

pub use backend::{BackendKind, Store};
pub use codec::LoggedOp;
pub use notice::{Change, Event, OpNotice, EVENTS_CHANNEL, OPS_CHANNEL};
pub use postgres::LISTEN_APPLICATION_NAME;

use app::api::{GroupView, ParticipantView, PublicSession};
use app::domain::board::BoardState;
use app::domain::settings::SessionSettings;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("join code already taken")]
    JoinCodeTaken,
    #[error("unknown group")]
    UnknownGroup,
    #[error("unknown participant")]
    UnknownParticipant,
    #[error("group has members")]
    GroupNotEmpty,
    #[error("group limit reached")]
    TooManyGroups,
    #[error("participant limit reached")]
    SessionFull,
    #[error("duplicate group name")]
    DuplicateGroupName,
    #[error("stand limit reached")]
    TooManyStands,
    #[error("unknown session")]
    UnknownSession,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database scheme `{0}` is not supported (use sqlite://… or postgres://…)")]
    UnsupportedDatabase(String),
    #[error("stored data unreadable: {0}")]
    Corrupt(String),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The database belongs to another program or a newer version of ours.
    #[error("{0}")]
    Foreign(String),
    /// A write could not be made durable (disk full, read-only, database file
    /// gone): nothing was stored, and writes are refused until a probe write
    /// commits again.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// An op's sequence number is not the one after the session's stored
    /// last one (another writer committed first): nothing was stored.
    #[error("op seq {seq} is out of sequence (stored last seq is {stored})")]
    OutOfSequence { seq: u64, stored: u64 },
}

impl StoreError {
    /// Whether the store could not write (as opposed to refusing the input):
    /// the caller should say "try again later", not "wrong".
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: String,
    pub join_code: String,
    pub title: String,
    pub date: String,
    pub place: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ParticipantRecord {
    pub id: String,
    pub session_id: String,
    pub group_id: String,
    pub display_name: String,
    pub kommune: String,
    pub expires_at: i64,
}

impl SessionRecord {
    pub fn public(&self, groups: Vec<GroupView>) -> PublicSession {
        PublicSession {
            join_code: self.join_code.clone(),
            title: self.title.clone(),
            date: self.date.clone(),
            place: self.place.clone(),
            groups,
        }
    }
}

impl ParticipantRecord {
    pub fn view(&self) -> ParticipantView {
        ParticipantView {
            id: self.id.clone(),
            display_name: self.display_name.clone(),
            kommune: self.kommune.clone(),
            group_id: self.group_id.clone(),
        }
    }
}

/// A session's live state as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomRecord {
    pub last_seq: u64,
    /// Each board's state: its last snapshot with the ops logged after it
    /// replayed.
    pub boards: BTreeMap<String, BoardState>,
    /// (board id, ops logged after its last snapshot)
    pub unsnapshotted: Vec<(String, u32)>,
    /// (op id, seq) of every committed op
    pub op_ids: Vec<(String, u64)>,
    pub settings: SessionSettings,
    /// (group id, unix seconds of its last committed op)
    pub activity: Vec<(String, i64)>,
}

/// One op to commit. The board state it produced goes with it only every
/// [`SNAPSHOT_EVERY`] ops of a board (a snapshot); loading replays the ops
/// logged after a board's snapshot, so an op's cost does not grow with its board.
#[derive(Debug, Clone)]
pub struct CommittedOp {
    pub session_id: String,
    pub group_id: String,
    /// The op with its place in the log (seq, op id, board, author).
    pub op: LoggedOp,
    /// The id of the op the room applied this one after (at `seq - 1`);
    /// `None` when the room knows none (the first op, or its op was deleted
    /// with its group). PostgreSQL refuses the op as
    /// [`StoreError::OutOfSequence`] when another op is stored under
    /// `seq - 1` (another instance committed first); SQLite has one writer.
    pub prev_op_id: Option<String>,
    /// The board's state after this op, when a snapshot is due.
    pub snapshot: Option<BoardState>,
    pub created_at: i64,
}

/// A [`CommittedOp`] as its rows will hold it: what the backends write.
#[derive(Debug, Clone)]
pub(crate) struct OpRow {
    pub session_id: String,
    pub seq: u64,
    pub op_id: String,
    pub board_id: String,
    pub group_id: String,
    pub author_id: String,
    pub op_json: String,
    pub prev_op_id: Option<String>,
    pub snapshot: Option<String>,
    pub created_at: i64,
}

impl OpRow {
    /// Encoded by the caller of [`Store::commit_op`] (the room, while it
    /// numbers the op), so the shared writer only writes.
    fn encode(op: CommittedOp) -> StoreResult<Self> {
        let snapshot = match &op.snapshot {
            Some(board) => Some(codec::encode_board(&op.op.op.board, board)?),
            None => None,
        };
        let LoggedOp { op: logged, json } = op.op;
        Ok(Self {
            session_id: op.session_id,
            seq: logged.seq,
            op_id: logged.op_id,
            board_id: logged.board,
            group_id: op.group_id,
            author_id: logged.author.id,
            op_json: json,
            prev_op_id: op.prev_op_id,
            snapshot,
            created_at: op.created_at,
        })
    }
}

/// A board's state is written with every this many of its ops (and the
/// ops in between are replayed on load).
pub const SNAPSHOT_EVERY: u32 = 64;

/// A validated imported session, ready to be written in one transaction.
#[derive(Debug, Clone)]
pub struct ImportedSession<'a> {
    pub details: &'a app::domain::session::SessionDetails,
    pub settings: &'a SessionSettings,
    pub groups: Vec<ImportedGroup<'a>>,
    /// (board id, its state)
    pub boards: Vec<(String, &'a BoardState)>,
}

#[derive(Debug, Clone)]
pub struct ImportedGroup<'a> {
    pub id: &'a str,
    pub details: &'a app::domain::session::GroupDetails,
}
