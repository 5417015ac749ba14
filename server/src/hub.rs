//! The in-process hub: one room per live session holding the authoritative
//! board state, the op sequence, the fan-out channel and who is online.
//!
//! Ops are pipelined: under the room's lock an op is admitted, applied,
//! given its sequence number and queued for the store's group commit; the
//! lock is released before the commit, so one session's ops share a
//! transaction. Acks and broadcasts go out strictly in sequence order, each
//! only after the transaction holding its op committed. If a commit fails,
//! that op and every op sequenced after it are refused (the store refuses an
//! op whose predecessor is not on disk), and the room's memory is rolled back
//! to the last committed op before anyone reads it or sequences a new op.

use crate::auth::{now, now_ms};
use crate::store::{CommittedOp, Store, StoreError, SNAPSHOT_EVERY};
use app::domain::board::{apply, split_board_id, Author, BoardState};
use app::domain::evaluation::redaction;
use app::domain::rating;
use app::domain::settings::{admit, ChangeContext, SessionSettings, SettingsChange, SettingsError};
use app::domain::templates;
use app::protocol::{OpEnvelope, PresenceEntry, Refusal, SequencedOp, ServerMsg};
use axum::extract::ws::Utf8Bytes;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex as StdMutex, Weak};
use std::time::Duration;
use tokio::sync::{broadcast, watch, Mutex, MutexGuard};

/// Ops buffered per room for slow connections; a connection that falls further
/// behind is closed and catches up from the log when it reconnects.
const ROOM_CHANNEL: usize = 256;
/// Presence changes buffered per room; a connection further behind gets
/// the whole list once instead.
const PRESENCE_CHANNEL: usize = 1024;

/// Someone's first socket opened or their last one closed.
#[derive(Debug, Clone, PartialEq)]
pub enum PresenceChange {
    Joined(PresenceEntry),
    Left {
        participant_id: String,
        group_id: String,
    },
}

impl PresenceChange {
    pub fn group_id(&self) -> &str {
        match self {
            Self::Joined(e) => &e.group_id,
            Self::Left { group_id, .. } => group_id,
        }
    }
}
/// A room nobody is connected to and nobody used for this long is dropped
/// from memory; it is loaded from the store again on next use.
pub const ROOM_IDLE: Duration = Duration::from_secs(30 * 60);
/// How often idle rooms are looked for.
const EVICTION_SWEEP: Duration = Duration::from_secs(60);

pub struct Hub {
    store: Store,
    rooms: Mutex<HashMap<String, Arc<Room>>>,
}

struct RoomState {
    last_seq: u64,
    boards: BTreeMap<String, BoardState>,
    op_seqs: HashMap<String, u64>,
    /// Ops per board since its last stored snapshot.
    unsnapshotted: HashMap<String, u32>,
}

/// A committed op as it goes out, encoded once per audience: sockets share
/// these bytes instead of encoding the op again each.
#[derive(Debug)]
pub struct Published {
    pub seq: u64,
    pub board: String,
    pub author_id: String,
    /// `ServerMsg::Op` as the author sees it (and everyone, while ratings
    /// are revealed).
    pub full: Utf8Bytes,
    /// What everyone else gets while ratings are hidden: the op with the
    /// value redacted, or for a hidden dot `ServerMsg::Skip` carrying only
    /// the sequence number (no gap tells that someone gave a dot).
    /// `None`: the same as `full`.
    pub others: Option<Utf8Bytes>,
}

impl Published {
    /// Encodes `op` (whose own JSON is `op_json`) for its audiences while
    /// ratings are `revealed` or not.
    fn encode(op: SequencedOp, op_json: &str, revealed: bool) -> Result<Self, serde_json::Error> {
        let others = if revealed {
            None
        } else {
            match redaction::redact_op(&op.op, &op.author.id, "") {
                Some(redacted) if redacted == op.op => None,
                Some(redacted) => Some(ServerMsg::Op(SequencedOp {
                    op: redacted,
                    ..op.clone()
                })),
                None => Some(ServerMsg::Skip { seq: op.seq }),
            }
        };
        let others = others
            .map(|msg| serde_json::to_string(&msg).map(Utf8Bytes::from))
            .transpose()?;
        let (seq, board, author_id) = (op.seq, op.board.clone(), op.author.id.clone());
        // `ServerMsg` is internally tagged: `ServerMsg::Op` is the op's own
        // object with `"type":"op"` first, so the JSON made for the log
        // is not encoded a second time.
        let full = match op_json.strip_prefix('{') {
            Some(fields) if fields.len() > 1 => format!(r#"{{"type":"op",{fields}"#),
            _ => serde_json::to_string(&ServerMsg::Op(op))?,
        }
        .into();
        Ok(Self {
            seq,
            board,
            author_id,
            full,
            others,
        })
    }

    /// The bytes `viewer` gets.
    pub fn for_viewer(&self, viewer: &str) -> &Utf8Bytes {
        match &self.others {
            Some(others) if self.author_id != viewer => others,
            _ => &self.full,
        }
    }
}

/// What a participant's browser may see of its group's boards right now.
pub struct View {
    pub last_seq: u64,
    pub boards: BTreeMap<String, BoardState>,
    pub settings: SessionSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsChangeError {
    #[error(transparent)]
    Refused(#[from] SettingsError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An op sequenced and queued for commit, not yet answered.
struct InFlight {
    seq: u64,
    group_id: String,
    /// The op as it goes out (`None`: not encodable, logged).
    published: Option<Arc<Published>>,
    /// How to take the op back out of the room's memory.
    undo: Undo,
    /// The commit's answer, once it came.
    outcome: Option<Result<(), Refusal>>,
}

/// What an op changed in [`RoomState`], to restore if it does not commit.
struct Undo {
    seq: u64,
    op_id: String,
    board: String,
    /// The board before the op (`None`: the op created it).
    board_before: Option<BoardState>,
    unsnapshotted_before: Option<u32>,
}

/// Ops between sequencing and their answer, in sequence order.
#[derive(Default)]
struct Flight {
    queue: VecDeque<InFlight>,
    /// Ops that did not commit, oldest first: the room's memory is ahead
    /// of the disk until these are undone (under the state lock, once the
    /// queue is empty).
    undo: Vec<Undo>,
}

pub struct Room {
    session_id: String,
    store: Store,
    state: Mutex<RoomState>,
    flight: StdMutex<Flight>,
    /// Bumped whenever ops leave `flight.queue` (published or refused).
    resolved: watch::Sender<u64>,
    /// The moderator's settings; changed only under the `state` lock, so a
    /// view (boards + settings) is always consistent.
    settings: watch::Sender<SessionSettings>,
    ops: broadcast::Sender<Arc<Published>>,
    online: StdMutex<BTreeMap<String, (PresenceEntry, usize)>>,
    /// Who came and went (only the first socket of a person and their
    /// last leaving count): connections send these as deltas.
    presence: broadcast::Sender<Arc<PresenceChange>>,
    /// Participants the moderator moved; their connections close.
    moved: broadcast::Sender<String>,
    /// Last committed op per group (unix seconds), for the moderator.
    activity: StdMutex<BTreeMap<String, i64>>,
    /// When the room was last handed out or written to (unix ms).
    last_used: AtomicI64,
}

/// Sent on a room's `moved` channel: every connection of the room closes.
pub const EVERYONE: &str = "*";
/// Sent on a room's `moved` channel: the moderator secret or projector
/// token changed; moderator screens whose token no longer holds close.
pub const SECRETS_RENEWED: &str = "#secrets";

/// What [`Room::lock`] waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settle {
    /// Every op in flight answered: what is read is on disk.
    All,
    /// Only if an op failed: its effects are undone before anything new.
    IfFailed,
}

/// The result of submitting an op.
pub enum Submitted {
    Committed(u64),
    /// Seen before (a resend): acknowledged with its original sequence number.
    Duplicate(u64),
}

impl Hub {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            rooms: Mutex::new(HashMap::new()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Drops idle rooms every minute while the hub lives (needs a tokio
    /// runtime; without one, nothing is swept).
    pub fn sweep_idle_rooms(self: &Arc<Self>) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let hub: Weak<Self> = Arc::downgrade(self);
        runtime.spawn(async move {
            loop {
                tokio::time::sleep(EVICTION_SWEEP).await;
                let Some(hub) = hub.upgrade() else { break };
                let evicted = hub.evict_idle(ROOM_IDLE).await;
                if evicted > 0 {
                    tracing::debug!(evicted, "idle rooms dropped from memory");
                }
            }
        });
    }

    /// Drops rooms that no connection or request holds and that were not used
    /// for `idle`; returns how many. Their state is all in the store.
    pub async fn evict_idle(&self, idle: Duration) -> usize {
        let mut rooms = self.rooms.lock().await;
        let before = rooms.len();
        let cutoff = now_ms().saturating_sub(i64::try_from(idle.as_millis()).unwrap_or(i64::MAX));
        // Only the map holds an unused room; anyone else must take the map's
        // lock to get it, so nobody can pick it up while it is dropped.
        rooms.retain(|_, room| {
            Arc::strong_count(room) > 1 || room.last_used.load(Ordering::Acquire) > cutoff
        });
        before - rooms.len()
    }

    /// Number of rooms in memory.
    pub async fn room_count(&self) -> usize {
        self.rooms.lock().await.len()
    }

    /// Drops the room of a deleted session and closes its open connections
    /// (participants, cockpit, projector). A later `room()` loads it afresh.
    pub async fn evict(&self, session_id: &str) {
        if let Some(room) = self.rooms.lock().await.remove(session_id) {
            room.moved(EVERYONE);
        }
    }

    /// Tells the open moderator screens of a session that its secrets
    /// changed (a room not in memory has none open).
    pub async fn secrets_renewed(&self, session_id: &str) {
        if let Some(room) = self.rooms.lock().await.get(session_id) {
            room.moved(SECRETS_RENEWED);
        }
    }

    /// The room of a session, loaded from the store on first use.
    pub async fn room(&self, session_id: &str) -> Result<Arc<Room>, StoreError> {
        let mut rooms = self.rooms.lock().await;
        if let Some(room) = rooms.get(session_id) {
            room.touch();
            return Ok(room.clone());
        }
        let record = self.store.load_room(session_id).await?;
        let mut boards = BTreeMap::new();
        for (id, json) in record.boards {
            let state = serde_json::from_str(&json).map_err(|e| {
                StoreError::Corrupt(format!("board {id} of session {session_id}: {e}"))
            })?;
            boards.insert(id, state);
        }
        let settings: SessionSettings = serde_json::from_str(&record.settings)
            .map_err(|e| StoreError::Corrupt(format!("settings of session {session_id}: {e}")))?;
        let room = Arc::new(Room {
            session_id: session_id.to_owned(),
            store: self.store.clone(),
            flight: StdMutex::new(Flight::default()),
            resolved: watch::channel(0).0,
            state: Mutex::new(RoomState {
                last_seq: record.last_seq,
                boards,
                op_seqs: record.op_ids.into_iter().collect(),
                unsnapshotted: record.unsnapshotted.into_iter().collect(),
            }),
            settings: watch::channel(settings).0,
            moved: broadcast::channel(16).0,
            activity: StdMutex::new(record.activity.into_iter().collect()),
            ops: broadcast::channel(ROOM_CHANNEL).0,
            online: StdMutex::new(BTreeMap::new()),
            presence: broadcast::channel(PRESENCE_CHANNEL).0,
            last_used: AtomicI64::new(now_ms()),
        });
        rooms.insert(session_id.to_owned(), room.clone());
        Ok(room)
    }
}

impl Room {
    fn touch(&self) {
        self.last_used.store(now_ms(), Ordering::Release);
    }

    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.ops.subscribe()
    }

    pub fn watch_presence(&self) -> broadcast::Receiver<Arc<PresenceChange>> {
        self.presence.subscribe()
    }

    /// Validates, applies and commits an op; acknowledges only what is on disk.
    ///
    /// Runs in a task of its own: once an op is queued for the group commit
    /// it is committed whether or not the connection still waits, so the
    /// room's state must follow it even if the caller goes away.
    pub async fn submit(
        self: &Arc<Self>,
        author: &Author,
        group_id: &str,
        env: &OpEnvelope,
    ) -> Result<Submitted, Refusal> {
        let (room, author) = (self.clone(), author.clone());
        let (group_id, env) = (group_id.to_owned(), env.clone());
        tokio::spawn(async move { room.submit_here(&author, &group_id, &env).await })
            .await
            .unwrap_or(Err(Refusal::Internal))
    }

    async fn submit_here(
        &self,
        author: &Author,
        group_id: &str,
        env: &OpEnvelope,
    ) -> Result<Submitted, Refusal> {
        let template = split_board_id(&env.board)
            .and_then(|(_, key)| templates::find(key))
            .ok_or(Refusal::UnknownTemplate)?;
        let (seq, commit) = loop {
            let mut state = self.lock(Settle::IfFailed).await;
            self.touch();
            if let Some(&seq) = state.op_seqs.get(&env.op_id) {
                if !self.in_flight(seq) {
                    return Ok(Submitted::Duplicate(seq));
                }
                // A resend of an op still being committed: answer once
                // its commit did (or, if it failed, apply it afresh).
                drop(state);
                self.wait_resolved(seq).await;
                continue;
            }
            break self.sequence(&mut state, template, author, group_id, env)?;
        };
        let outcome = commit.await.map_err(|e| {
            tracing::error!(error = %e, seq, "commit failed; op refused");
            // Out of sequence: an earlier op of this session did not commit
            // (it is taken back below); the browser resends this one.
            if e.is_unavailable() || matches!(e, StoreError::OutOfSequence { .. }) {
                Refusal::StorageUnavailable
            } else {
                Refusal::Internal
            }
        });
        self.resolve(seq, outcome.clone());
        self.wait_resolved(seq).await;
        outcome.map(|()| Submitted::Committed(seq))
    }

    /// Admits and applies an op, gives it the next sequence number and
    /// queues it for the group commit (in sequence order: under the lock).
    fn sequence(
        &self,
        state: &mut RoomState,
        template: &'static templates::Template,
        author: &Author,
        group_id: &str,
        env: &OpEnvelope,
    ) -> Result<
        (
            u64,
            impl std::future::Future<Output = Result<(), StoreError>>,
        ),
        Refusal,
    > {
        let invalid = |error| Refusal::Invalid { error };
        let mut board = state.boards.get(&env.board).cloned().unwrap_or_default();
        let revealed = {
            let settings = self.settings.borrow();
            admit(&settings, template.key, &board, &author.id, &env.op).map_err(invalid)?;
            settings.ratings_revealed
        };
        apply(&mut board, template, author, &env.op).map_err(invalid)?;
        let seq = state.last_seq + 1;
        let sequenced = SequencedOp {
            seq,
            op_id: env.op_id.clone(),
            board: env.board.clone(),
            author: author.clone(),
            op: env.op.clone(),
        };
        let op_json = serde_json::to_string(&sequenced).map_err(|_| Refusal::Internal)?;
        // A board's first op stores it whole (so every board has a row);
        // after that every `SNAPSHOT_EVERY`th op.
        let unsnapshotted_before = state.unsnapshotted.get(&env.board).copied();
        let since = unsnapshotted_before.map_or(SNAPSHOT_EVERY, |n| n + 1);
        let snapshot = if since >= SNAPSHOT_EVERY {
            Some(serde_json::to_string(&board).map_err(|_| Refusal::Internal)?)
        } else {
            None
        };
        let snapshotted = snapshot.is_some();
        // Encoded once per audience, as the settings are now (redaction
        // follows the settings the op was sequenced under).
        let published = Published::encode(sequenced, &op_json, revealed)
            .map_err(|e| tracing::error!(error = %e, seq, "op not encodable"))
            .ok()
            .map(Arc::new);
        let commit = self.store.commit_op(CommittedOp {
            session_id: self.session_id.clone(),
            seq,
            op_id: env.op_id.clone(),
            board_id: env.board.clone(),
            group_id: group_id.to_owned(),
            author_id: author.id.clone(),
            op_json,
            snapshot,
            created_at: now(),
        });
        state.last_seq = seq;
        let board_before = state.boards.insert(env.board.clone(), board);
        state.op_seqs.insert(env.op_id.clone(), seq);
        state
            .unsnapshotted
            .insert(env.board.clone(), if snapshotted { 0 } else { since });
        if let Ok(mut flight) = self.flight.lock() {
            flight.queue.push_back(InFlight {
                seq,
                group_id: group_id.to_owned(),
                published,
                undo: Undo {
                    seq,
                    op_id: env.op_id.clone(),
                    board: env.board.clone(),
                    board_before,
                    unsnapshotted_before,
                },
                outcome: None,
            });
        }
        Ok((seq, commit))
    }

    /// Whether op `seq` is sequenced but not yet answered.
    fn in_flight(&self, seq: u64) -> bool {
        self.flight
            .lock()
            .is_ok_and(|f| f.queue.front().is_some_and(|op| op.seq <= seq))
    }

    /// Records the commit's answer for op `seq`, then publishes (or drops)
    /// every answered op at the front of the queue, in sequence order.
    fn resolve(&self, seq: u64, outcome: Result<(), Refusal>) {
        let Ok(mut flight) = self.flight.lock() else {
            return;
        };
        if let Some(op) = flight.queue.iter_mut().find(|op| op.seq == seq) {
            op.outcome = Some(outcome);
        }
        let mut moved = false;
        while flight.queue.front().is_some_and(|op| op.outcome.is_some()) {
            let Some(op) = flight.queue.pop_front() else {
                break;
            };
            moved = true;
            // After a failed op nothing later is on disk either (the store
            // refuses a gap), so nothing later goes out.
            let committed = op.outcome == Some(Ok(()));
            if committed && !flight.undo.is_empty() {
                // Cannot happen: the store refuses an op whose predecessor
                // is not on disk.
                tracing::error!(seq = op.seq, "op committed after a failed one");
            }
            if committed && flight.undo.is_empty() {
                if let Ok(mut activity) = self.activity.lock() {
                    activity.insert(op.group_id, now());
                }
                if let Some(published) = op.published {
                    let _ = self.ops.send(published);
                }
            } else {
                flight.undo.push(op.undo);
            }
        }
        drop(flight);
        if moved {
            self.resolved.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Waits until op `seq` (and so every op before it) is answered.
    async fn wait_resolved(&self, seq: u64) {
        let mut resolved = self.resolved.subscribe();
        while self.in_flight(seq) {
            if resolved.changed().await.is_err() {
                return;
            }
        }
    }

    /// The room's state, locked. With [`Settle::All`] every op in flight is
    /// answered first (what is read is on disk); with either, ops that did
    /// not commit are taken back out of memory first.
    async fn lock(&self, settle: Settle) -> MutexGuard<'_, RoomState> {
        let mut state = self.state.lock().await;
        let failed = || self.flight.lock().is_ok_and(|f| !f.undo.is_empty());
        if settle == Settle::All || failed() {
            // No new op can be sequenced while the lock is held; the ops in
            // flight are answered without it.
            let last = state.last_seq;
            self.wait_resolved(last).await;
            let undo = self
                .flight
                .lock()
                .map(|mut f| std::mem::take(&mut f.undo))
                .unwrap_or_default();
            if let Some(first_seq) = undo.first().map(|op| op.seq) {
                for op in undo.into_iter().rev() {
                    state.op_seqs.remove(&op.op_id);
                    match op.board_before {
                        Some(board) => state.boards.insert(op.board.clone(), board),
                        None => state.boards.remove(&op.board),
                    };
                    match op.unsnapshotted_before {
                        Some(n) => state.unsnapshotted.insert(op.board, n),
                        None => state.unsnapshotted.remove(&op.board),
                    };
                }
                state.last_seq = first_seq - 1;
                tracing::warn!(
                    session = %self.session_id,
                    from_seq = first_seq,
                    "ops that did not commit were taken back"
                );
            }
        }
        state
    }

    /// Changes stored boards outside the op log (a participant's name removed,
    /// a group's boards deleted): `persist` writes the change to the store
    /// while no op can commit, then `edit` makes the same change in memory.
    pub async fn rewrite_boards<T, Fut>(
        &self,
        persist: impl FnOnce() -> Fut,
        edit: impl FnOnce(&mut BTreeMap<String, BoardState>),
    ) -> Result<T, StoreError>
    where
        Fut: std::future::Future<Output = Result<T, StoreError>>,
    {
        let mut state = self.lock(Settle::All).await;
        let out = persist().await?;
        edit(&mut state.boards);
        Ok(out)
    }

    /// Current sequence number and the boards whose id starts with `prefix`,
    /// unredacted (for exports and the moderator).
    pub async fn snapshot(&self, prefix: &str) -> (u64, BTreeMap<String, BoardState>) {
        let state = self.lock(Settle::All).await;
        let boards = state
            .boards
            .iter()
            .filter(|(id, _)| id.starts_with(prefix))
            .map(|(id, b)| (id.clone(), b.clone()))
            .collect();
        (state.last_seq, boards)
    }

    /// The boards starting with `prefix` as participant `viewer` may see them:
    /// while ratings are hidden, everyone else's values are redacted.
    pub async fn view_for(&self, prefix: &str, viewer: &str) -> View {
        let state = self.lock(Settle::All).await;
        let settings = self.settings.borrow().clone();
        let boards = state
            .boards
            .iter()
            .filter(|(id, _)| id.starts_with(prefix))
            .map(|(id, b)| {
                let seen = if settings.ratings_revealed {
                    b.clone()
                } else {
                    redaction::redact_board(b, viewer)
                };
                (id.clone(), seen)
            })
            .collect();
        View {
            last_seq: state.last_seq,
            boards,
            settings,
        }
    }

    /// Whether any idea of the session has a rating.
    pub async fn rated(&self) -> bool {
        rating::any_rating(self.lock(Settle::All).await.boards.values())
    }

    pub fn settings(&self) -> SessionSettings {
        self.settings.borrow().clone()
    }

    pub fn watch_settings(&self) -> watch::Receiver<SessionSettings> {
        self.settings.subscribe()
    }

    /// Applies a moderator's change: checked by the domain (weights freeze
    /// once any idea of the session is rated), stored, then announced.
    pub async fn change_settings(
        &self,
        store: &Store,
        change: &SettingsChange,
        groups: &[String],
    ) -> Result<SessionSettings, SettingsChangeError> {
        let state = self.lock(Settle::All).await;
        let ctx = ChangeContext {
            rated: rating::any_rating(state.boards.values()),
            now_ms: now_ms(),
            groups,
        };
        let next = self.settings.borrow().changed(change, &ctx)?;
        let json = serde_json::to_string(&next)
            .map_err(|e| StoreError::Corrupt(format!("settings: {e}")))?;
        store.save_settings(&self.session_id, &json).await?;
        self.settings.send_replace(next.clone());
        drop(state);
        Ok(next)
    }

    /// Marks a participant online until the returned guard is dropped.
    pub fn enter(self: &Arc<Self>, entry: PresenceEntry) -> PresenceGuard {
        let id = entry.participant_id.clone();
        if let Ok(mut online) = self.online.lock() {
            let slot = online.entry(id.clone()).or_insert((entry, 0));
            slot.1 += 1;
            if slot.1 == 1 {
                // Sent under the lock: changes go out in the order they happened.
                let _ = self
                    .presence
                    .send(Arc::new(PresenceChange::Joined(slot.0.clone())));
            }
        }
        PresenceGuard {
            room: self.clone(),
            participant_id: id,
        }
    }

    /// Who is online in a group (`None`: in the whole session), by name.
    pub fn online_in(&self, group_id: Option<&str>) -> Vec<PresenceEntry> {
        self.online
            .lock()
            .map(|online| {
                online
                    .values()
                    .filter(|(e, _)| group_id.is_none_or(|g| e.group_id == g))
                    .map(|(e, _)| e.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Last activity per group (unix seconds).
    pub fn activity(&self) -> BTreeMap<String, i64> {
        self.activity.lock().map(|a| a.clone()).unwrap_or_default()
    }

    pub fn watch_moves(&self) -> broadcast::Receiver<String> {
        self.moved.subscribe()
    }

    /// Closes the live connections of a participant who changed group.
    pub fn moved(&self, participant_id: &str) {
        let _ = self.moved.send(participant_id.to_owned());
    }
}

pub struct PresenceGuard {
    room: Arc<Room>,
    participant_id: String,
}

impl Drop for PresenceGuard {
    fn drop(&mut self) {
        if let Ok(mut online) = self.room.online.lock() {
            if let Some(entry) = online.get_mut(&self.participant_id) {
                entry.1 -= 1;
                if entry.1 == 0 {
                    let group_id = entry.0.group_id.clone();
                    online.remove(&self.participant_id);
                    let _ = self.room.presence.send(Arc::new(PresenceChange::Left {
                        participant_id: self.participant_id.clone(),
                        group_id,
                    }));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::board::Op;

    #[test]
    fn an_op_is_encoded_as_serde_encodes_the_server_message() {
        let op = SequencedOp {
            seq: 7,
            op_id: "o\"1".into(),
            board: "g:canvas".into(),
            author: Author {
                id: "p1".into(),
                name: "Zoë \u{1F600}".into(),
                kommune: "Musterstadt".into(),
            },
            op: Op::AddCard {
                card_id: "c1".into(),
                section: "problem".into(),
                text: "Text mit \"Zitat\"\n".into(),
            },
        };
        let op_json = serde_json::to_string(&op).expect("op");
        let expected = serde_json::to_string(&ServerMsg::Op(op.clone())).expect("message");
        let published = Published::encode(op, &op_json, true).expect("encode");
        assert_eq!(published.full.as_str(), expected);
    }
}
