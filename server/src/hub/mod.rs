//! The session engine: one room per live session holding the authoritative
//! board state and the op sequence; the fan-out (`fanout.rs`) takes what it
//! commits to the sockets, on this instance and, on PostgreSQL, on others.
//!
//! Ops are pipelined: under the room's lock an op is admitted, applied,
//! given its sequence number and queued for the store's group commit; the
//! lock is released before the commit, so one session's ops share a
//! transaction. Acks and broadcasts go out strictly in sequence order, each
//! only after the transaction holding its op committed. If a commit fails,
//! that op and every op sequenced after it are refused (the store refuses an
//! op whose predecessor is not on disk), and the room's memory is rolled back
//! to the last committed op before anyone reads it or sequences a new op.
//!
//! With several instances on one PostgreSQL, another instance may commit an
//! op under the number this room gave one of its own: the store refuses
//! ours as out of sequence, the room rolls it back, fetches what the other
//! instance committed and applies it, and the browser resends its op
//! (refused as `storage_unavailable`), which then gets the next number.

mod fanout;
mod presence;

pub use fanout::{Fanout, FanoutMode, Published, HEARTBEAT, SILENT};
use presence::Online;
pub use presence::PresenceChange;

use crate::clock::{now, now_ms};
use crate::store::replay::apply_logged;
use crate::store::{CommittedOp, LoggedOp, Store, StoreError, SNAPSHOT_EVERY};
use app::domain::board::{apply, set_field_op, split_board_id, Author, BoardState};
use app::domain::evaluation::redaction;
use app::domain::rating;
use app::domain::settings::{admit, ChangeContext, SessionSettings, SettingsChange, SettingsError};
use app::domain::templates;
use app::protocol::{OpEnvelope, PresenceEntry, Refusal, SequencedOp};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex, Weak};
use std::time::Duration;
use tokio::sync::{broadcast, watch, Mutex, MutexGuard};

/// Ops buffered per room for slow connections; a connection that falls further
/// behind is closed and catches up from the log when it reconnects.
const ROOM_CHANNEL: usize = 256;
/// Presence changes buffered per room; a connection further behind gets
/// the whole list once instead.
const PRESENCE_CHANNEL: usize = 1024;

/// A room nobody is connected to and nobody used for this long is dropped
/// from memory; it is loaded from the store again on next use.
pub const ROOM_IDLE: Duration = Duration::from_secs(30 * 60);
/// How often idle rooms are looked for.
const EVICTION_SWEEP: Duration = Duration::from_secs(60);

pub struct Hub {
    store: Store,
    fanout: Arc<Fanout>,
    rooms: Mutex<HashMap<String, Arc<Room>>>,
}

struct RoomState {
    last_seq: u64,
    /// The id of the op at `last_seq` (`None`: no op, or it was deleted
    /// with its group); the store checks a new op follows it.
    last_op_id: Option<String>,
    boards: BTreeMap<String, BoardState>,
    op_seqs: HashMap<String, u64>,
    /// Ops per board since its last stored snapshot.
    unsnapshotted: HashMap<String, u32>,
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
    /// Another instance committed first (the store refused the op as out of
    /// sequence): the room must fetch what it lacks.
    overtaken: bool,
}

/// What an op changed in [`RoomState`], to restore if it does not commit.
struct Undo {
    seq: u64,
    op_id: String,
    board: String,
    /// The op the room had applied before (at `seq - 1`).
    prev_op_id: Option<String>,
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
    /// One of them was overtaken by another instance's op.
    overtaken: bool,
}

pub struct Room {
    session_id: String,
    store: Store,
    fanout: Arc<Fanout>,
    state: Mutex<RoomState>,
    /// `state.last_seq` as last set, readable without the lock (to skip the
    /// notices of this instance's own ops cheaply).
    seq_hint: AtomicU64,
    /// Highest sequence number other instances announced and no task has
    /// fetched yet (0: none).
    notified: AtomicU64,
    /// A task is fetching announced ops.
    catching_up: AtomicBool,
    flight: StdMutex<Flight>,
    /// Bumped whenever ops leave `flight.queue` (published or refused).
    resolved: watch::Sender<u64>,
    /// The moderator's settings; changed only under the `state` lock, so a
    /// view (boards + settings) is always consistent.
    settings: watch::Sender<SessionSettings>,
    ops: broadcast::Sender<Arc<Published>>,
    /// Who is online here and (several instances) elsewhere.
    online: StdMutex<Online>,
    /// Who came and went (a person's first socket on any instance, their
    /// last one leaving): connections send these as deltas.
    presence: broadcast::Sender<Arc<PresenceChange>>,
    /// Several instances: a task is reading who is online elsewhere, and
    /// whether it must read again (a notice came meanwhile).
    presence_reading: AtomicBool,
    presence_again: AtomicBool,
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
    /// A hub whose fan-out `mode` picks (see [`FanoutMode`]).
    pub fn new(store: Store, mode: FanoutMode) -> Self {
        Self {
            fanout: Arc::new(Fanout::new(&store, mode)),
            store,
            rooms: Mutex::new(HashMap::new()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Starts the hub's background work (needs a tokio runtime; without
    /// one, nothing runs): dropping idle rooms every minute and, on
    /// PostgreSQL, listening for other instances.
    pub fn start(self: &Arc<Self>) {
        self.sweep_idle_rooms();
        self.fanout.start(Arc::downgrade(self));
    }

    /// Drops idle rooms every minute while the hub lives (needs a tokio
    /// runtime; without one, nothing is swept).
    fn sweep_idle_rooms(self: &Arc<Self>) {
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
    /// (participants, cockpit, projector) on this instance; the store
    /// announced the deletion to the others. A later `room()` loads it afresh.
    pub async fn evict(&self, session_id: &str) {
        if let Some(room) = self.rooms.lock().await.remove(session_id) {
            room.moved_here(EVERYONE);
        }
    }

    /// Tells this instance's open moderator screens of a session that its
    /// secrets changed (a room not in memory has none open); the store
    /// announced the change to the other instances.
    pub async fn secrets_renewed(&self, session_id: &str) {
        if let Some(room) = self.loaded(session_id).await {
            room.moved_here(SECRETS_RENEWED);
        }
    }

    /// The room of a session if it is in memory (not loaded for this).
    async fn loaded(&self, session_id: &str) -> Option<Arc<Room>> {
        self.rooms.lock().await.get(session_id).cloned()
    }

    /// Every room in memory catches up with the store: ops and settings
    /// other instances committed while their notices could not arrive.
    async fn resync_all(&self) {
        let rooms: Vec<Arc<Room>> = self.rooms.lock().await.values().cloned().collect();
        for room in rooms {
            room.read_presence();
            room.pull_announced(u64::MAX).await;
            room.refresh_settings().await;
        }
    }

    /// This instance's presence rows were deleted (it was taken for dead
    /// while it could not reach the database): every room writes its own
    /// again.
    async fn presence_rows_lost(&self) {
        let rooms: Vec<Arc<Room>> = self.rooms.lock().await.values().cloned().collect();
        for room in rooms {
            if let Ok(mut online) = room.online.lock() {
                online.rows_lost();
            }
            self.fanout.presence_changed(&room);
        }
    }

    /// The room of a session, loaded from the store on first use.
    pub async fn room(&self, session_id: &str) -> Result<Arc<Room>, StoreError> {
        let mut rooms = self.rooms.lock().await;
        if let Some(room) = rooms.get(session_id) {
            room.touch();
            return Ok(room.clone());
        }
        let (state, settings, activity) = load(&self.store, session_id).await?;
        let room = Arc::new(Room {
            session_id: session_id.to_owned(),
            store: self.store.clone(),
            fanout: self.fanout.clone(),
            seq_hint: AtomicU64::new(state.last_seq),
            notified: AtomicU64::new(0),
            catching_up: AtomicBool::new(false),
            flight: StdMutex::new(Flight::default()),
            resolved: watch::channel(0).0,
            state: Mutex::new(state),
            settings: watch::channel(settings).0,
            moved: broadcast::channel(16).0,
            activity: StdMutex::new(activity),
            ops: broadcast::channel(ROOM_CHANNEL).0,
            online: StdMutex::new(Online::default()),
            presence: broadcast::channel(PRESENCE_CHANNEL).0,
            presence_reading: AtomicBool::new(false),
            presence_again: AtomicBool::new(false),
            last_used: AtomicI64::new(now_ms()),
        });
        rooms.insert(session_id.to_owned(), room.clone());
        // Who is online on the other instances (nobody on one instance).
        room.read_presence();
        Ok(room)
    }
}

/// A session's room as stored: its state, settings and each group's last
/// activity.
async fn load(
    store: &Store,
    session_id: &str,
) -> Result<(RoomState, SessionSettings, BTreeMap<String, i64>), StoreError> {
    let record = store.load_room(session_id).await?;
    let last_op_id = record
        .op_ids
        .iter()
        .find(|(_, seq)| *seq == record.last_seq)
        .map(|(id, _)| id.clone());
    let state = RoomState {
        last_seq: record.last_seq,
        last_op_id,
        boards: record.boards,
        op_seqs: record.op_ids.into_iter().collect(),
        unsnapshotted: record.unsnapshotted.into_iter().collect(),
    };
    Ok((
        state,
        record.settings,
        record.activity.into_iter().collect(),
    ))
}

/// A board's ops since its last stored snapshot after one more op: a board's
/// first op stores it whole (so every board has a row), after that every
/// [`SNAPSHOT_EVERY`]th op; 0 means this op stores a snapshot.
fn unsnapshotted_after(before: Option<u32>) -> u32 {
    let since = before.map_or(SNAPSHOT_EVERY, |n| n + 1);
    if since >= SNAPSHOT_EVERY {
        0
    } else {
        since
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
        tokio::spawn(async move {
            let submitted = room.submit_here(&author, &group_id, &env).await;
            if room.fanout.is_shared() && room.flight.lock().is_ok_and(|f| f.overtaken) {
                // Another instance took the number: fetch its op now, not
                // only when the next op of this room comes.
                room.catch_up_to(u64::MAX);
            }
            submitted
        })
        .await
        .unwrap_or(Err(Refusal::Internal))
    }

    /// The moderator sets the named field `key` of a card (the
    /// Sessionplan's Zeitfenster and Raum) to `text`: the op is built here
    /// against the board as it is (the whole text replaced, as a browser
    /// edits a field) and then committed like every participant's op
    /// (admitted and applied by the domain, committed before it is
    /// answered, logged and sent to every socket). `None`: the field read
    /// so already, nothing was committed.
    pub async fn moderator_edit(
        self: &Arc<Self>,
        board: &str,
        card_id: &str,
        key: &str,
        text: &str,
    ) -> Result<Option<u64>, Refusal> {
        let (group_id, template) = split_board_id(board)
            .and_then(|(group, key)| Some((group, templates::find(key)?)))
            .ok_or(Refusal::UnknownTemplate)?;
        // Only the fields the template gives the moderator (the moderator
        // does not rewrite what the groups wrote).
        let assigned = app::domain::board::TextField::from_key(key)
            .is_some_and(app::domain::board::TextField::moderator_only);
        if !assigned {
            return Err(Refusal::Invalid {
                error: app::domain::board::OpError::UnknownField,
            });
        }
        let current = {
            let state = self.lock(Settle::All).await;
            state.boards.get(board).cloned().unwrap_or_default()
        };
        // A site of its own per edit, as a browser tab has: two edits built
        // against the same board never share a character id.
        let site = (uuid::Uuid::now_v7().as_u128() as u64 & app::domain::text::MAX_ID).max(1);
        let mut clock = app::domain::text::Clock::new(site);
        let op = set_field_op(&current, template, card_id, key, text, &mut clock)
            .map_err(|error| Refusal::Invalid { error })?;
        let Some(op) = op else {
            return Ok(None);
        };
        let env = OpEnvelope {
            op_id: uuid::Uuid::now_v7().to_string(),
            board: board.to_owned(),
            op,
        };
        match self.submit(&Author::moderator(), group_id, &env).await? {
            Submitted::Committed(seq) | Submitted::Duplicate(seq) => Ok(Some(seq)),
        }
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
        let committed = commit.await;
        let overtaken = matches!(committed, Err(StoreError::OutOfSequence { .. }));
        let outcome = committed.map_err(|e| {
            if overtaken && self.fanout.is_shared() {
                tracing::info!(error = %e, seq, "another instance took the seq; op refused, resent by the browser");
            } else {
                tracing::error!(error = %e, seq, "commit failed; op refused");
            }
            // Out of sequence: an earlier op of this session did not commit
            // (it is taken back below), or another instance committed first;
            // the browser resends this one.
            if e.is_unavailable() || overtaken {
                Refusal::StorageUnavailable
            } else {
                Refusal::Internal
            }
        });
        self.resolve(seq, outcome.clone(), overtaken);
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
        let logged = LoggedOp::encode(sequenced).map_err(|_| Refusal::Internal)?;
        let unsnapshotted_before = state.unsnapshotted.get(&env.board).copied();
        let unsnapshotted = unsnapshotted_after(unsnapshotted_before);
        let snapshot = (unsnapshotted == 0).then(|| board.clone());
        // Encoded once per audience, as the settings are now (redaction
        // follows the settings the op was sequenced under).
        let published = Published::encode(&logged, revealed)
            .map_err(|e| tracing::error!(error = %e, seq, "op not encodable"))
            .ok()
            .map(Arc::new);
        let prev_op_id = state.last_op_id.clone();
        let commit = self.store.commit_op(CommittedOp {
            session_id: self.session_id.clone(),
            group_id: group_id.to_owned(),
            op: logged,
            prev_op_id: prev_op_id.clone(),
            snapshot,
            created_at: now(),
        });
        self.set_last(state, seq, Some(env.op_id.clone()));
        let board_before = state.boards.insert(env.board.clone(), board);
        state.op_seqs.insert(env.op_id.clone(), seq);
        state.unsnapshotted.insert(env.board.clone(), unsnapshotted);
        if let Ok(mut flight) = self.flight.lock() {
            flight.queue.push_back(InFlight {
                seq,
                group_id: group_id.to_owned(),
                published,
                undo: Undo {
                    seq,
                    op_id: env.op_id.clone(),
                    prev_op_id,
                    board: env.board.clone(),
                    board_before,
                    unsnapshotted_before,
                },
                outcome: None,
                overtaken: false,
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
    fn resolve(&self, seq: u64, outcome: Result<(), Refusal>, overtaken: bool) {
        let Ok(mut flight) = self.flight.lock() else {
            return;
        };
        if let Some(op) = flight.queue.iter_mut().find(|op| op.seq == seq) {
            op.outcome = Some(outcome);
            op.overtaken = overtaken;
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
                    self.publish(published);
                }
            } else {
                flight.overtaken |= op.overtaken;
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
            let (undo, overtaken) = self
                .flight
                .lock()
                .map(|mut f| {
                    (
                        std::mem::take(&mut f.undo),
                        std::mem::take(&mut f.overtaken),
                    )
                })
                .unwrap_or_default();
            let first = undo.first().map(|op| (op.seq, op.prev_op_id.clone()));
            if let Some((first_seq, prev_op_id)) = first {
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
                self.set_last(&mut state, first_seq - 1, prev_op_id);
                tracing::warn!(
                    session = %self.session_id,
                    from_seq = first_seq,
                    "ops that did not commit were taken back"
                );
            }
            if overtaken && self.fanout.is_shared() {
                // What the other instance committed under those numbers.
                self.pull(&mut state).await;
            }
        }
        state
    }

    /// Sets the room's last sequence number and the op at it.
    fn set_last(&self, state: &mut RoomState, seq: u64, op_id: Option<String>) {
        state.last_seq = seq;
        state.last_op_id = op_id;
        self.seq_hint.store(seq, Ordering::Release);
    }

    /// Hands a committed op to this instance's sockets.
    fn publish(&self, published: Arc<Published>) {
        let _ = self.ops.send(published);
    }

    /// Another instance announced op `seq`: unless the room has it, a task
    /// fetches it (and whatever else was committed) from the store. Notices
    /// that arrive while one is fetching are taken along by it.
    fn notified(self: &Arc<Self>, seq: u64) {
        if seq <= self.seq_hint.load(Ordering::Acquire) {
            // This instance's own op, or one the room has already.
            return;
        }
        self.catch_up_to(seq);
    }

    /// Makes sure a task fetches the ops up to `target` from the store.
    fn catch_up_to(self: &Arc<Self>, target: u64) {
        self.notified.fetch_max(target, Ordering::AcqRel);
        if self.catching_up.swap(true, Ordering::AcqRel) {
            return;
        }
        let room = self.clone();
        tokio::spawn(async move {
            loop {
                let target = room.notified.swap(0, Ordering::AcqRel);
                room.pull_announced(target).await;
                room.catching_up.store(false, Ordering::Release);
                // A notice that came while this one was fetched and found
                // the flag still set: go on for it.
                let more = room.notified.load(Ordering::Acquire) > 0;
                if !more || room.catching_up.swap(true, Ordering::AcqRel) {
                    break;
                }
            }
        });
    }

    /// A browser that was connected to another instance says it has seen up
    /// to `seq`: if this room is behind that, it fetches what it lacks
    /// first (instead of answering with an older snapshot).
    pub async fn reach(&self, seq: u64) {
        if self.fanout.is_shared() {
            self.pull_announced(seq).await;
        }
    }

    /// Fetches and applies the ops other instances committed, if the room
    /// is behind `target` (`u64::MAX`: look in any case).
    async fn pull_announced(&self, target: u64) {
        if target <= self.seq_hint.load(Ordering::Acquire) {
            return;
        }
        // Its own ops in flight settle first (they may be the ones the
        // other instance overtook: then they are taken back).
        let mut state = self.lock(Settle::All).await;
        if target > state.last_seq {
            self.pull(&mut state).await;
        }
    }

    /// Applies the ops stored after the room's last one (committed by
    /// another instance) and publishes them to this instance's sockets, in
    /// sequence order. Called with the state locked and nothing in flight.
    /// An op that does not apply reloads the whole room.
    async fn pull(&self, state: &mut RoomState) {
        let logged = match self
            .store
            .ops_since(&self.session_id, None, state.last_seq, u64::MAX)
            .await
        {
            Ok(logged) => logged,
            Err(error) => {
                // The next notice, resync or overtaken op tries again.
                tracing::warn!(%error, session = %self.session_id, "cannot fetch other instances' ops");
                return;
            }
        };
        let revealed = self.settings.borrow().ratings_revealed;
        for op in logged {
            if let Err(error) = self.apply_committed(state, op, revealed) {
                tracing::error!(%error, session = %self.session_id, "a committed op does not apply; reloading the room");
                self.replace(state).await;
                return;
            }
        }
    }

    /// Applies one op another instance committed as its commit did, and
    /// publishes it.
    fn apply_committed(
        &self,
        state: &mut RoomState,
        logged: LoggedOp,
        revealed: bool,
    ) -> Result<(), String> {
        let op = &logged.op;
        if op.seq <= state.last_seq {
            return Ok(());
        }
        let mut board = state.boards.get(&op.board).cloned().unwrap_or_default();
        apply_logged(&mut board, op).map_err(|e| e.to_string())?;
        let before = state.unsnapshotted.get(&op.board).copied();
        state
            .unsnapshotted
            .insert(op.board.clone(), unsnapshotted_after(before));
        state.boards.insert(op.board.clone(), board);
        state.op_seqs.insert(op.op_id.clone(), op.seq);
        self.set_last(state, op.seq, Some(op.op_id.clone()));
        if let Some((group, _)) = split_board_id(&op.board) {
            if let Ok(mut activity) = self.activity.lock() {
                activity.insert(group.to_owned(), now());
            }
        }
        let seq = op.seq;
        match Published::encode(&logged, revealed) {
            Ok(published) => self.publish(Arc::new(published)),
            Err(error) => tracing::error!(%error, seq, "op not encodable"),
        }
        Ok(())
    }

    /// Replaces the room's state with the store's (settings too). Sockets
    /// keep what they have; later ops follow from the new state.
    async fn replace(&self, state: &mut RoomState) {
        match load(&self.store, &self.session_id).await {
            Ok((loaded, settings, activity)) => {
                self.seq_hint.store(loaded.last_seq, Ordering::Release);
                *state = loaded;
                if let Ok(mut a) = self.activity.lock() {
                    *a = activity;
                }
                self.settings.send_if_modified(|current| {
                    let changed = *current != settings;
                    *current = settings;
                    changed
                });
            }
            Err(error) => {
                tracing::error!(%error, session = %self.session_id, "room not reloaded");
            }
        }
    }

    /// Another instance changed boards outside the op log: the room is
    /// loaded again from the store.
    async fn reload(&self) {
        let mut state = self.lock(Settle::All).await;
        self.replace(&mut state).await;
    }

    /// Another instance changed the settings: they are read again (and
    /// announced to this instance's sockets if they differ).
    async fn refresh_settings(&self) {
        let _state = self.lock(Settle::All).await;
        match self.store.load_settings(&self.session_id).await {
            Ok(settings) => {
                self.settings.send_if_modified(|current| {
                    let changed = *current != settings;
                    *current = settings;
                    changed
                });
            }
            Err(error) => {
                tracing::warn!(%error, session = %self.session_id, "settings not re-read")
            }
        }
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
    /// once any idea of the session is rated), stored (and so announced).
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
        // As stored: another instance may have changed them a moment ago.
        let next = store
            .update_settings(&self.session_id, |current| current.changed(change, &ctx))
            .await??;
        self.settings.send_replace(next.clone());
        drop(state);
        Ok(next)
    }

    /// Marks a participant online until the returned guard is dropped.
    pub fn enter(self: &Arc<Self>, entry: PresenceEntry) -> PresenceGuard {
        let id = entry.participant_id.clone();
        if let Ok(mut online) = self.online.lock() {
            if let Some(change) = online.enter(entry) {
                // Sent under the lock: changes go out in the order they happened.
                let _ = self.presence.send(Arc::new(change));
            }
        }
        self.fanout.presence_changed(self);
        PresenceGuard {
            room: self.clone(),
            participant_id: id,
        }
    }

    /// Who is online in a group (`None`: in the whole session), by
    /// participant id, on any instance.
    pub fn online_in(&self, group_id: Option<&str>) -> Vec<PresenceEntry> {
        self.online
            .lock()
            .map(|online| online.list(group_id))
            .unwrap_or_default()
    }

    /// Several instances: reads who is online on the others (in a task;
    /// one at a time, and once more if asked again meanwhile) and sends
    /// what changed to this instance's sockets. One instance: nothing.
    pub(crate) fn read_presence(self: &Arc<Self>) {
        if !self.fanout.is_shared() {
            return;
        }
        self.presence_again.store(true, Ordering::Release);
        if self.presence_reading.swap(true, Ordering::AcqRel) {
            return;
        }
        let room = self.clone();
        tokio::spawn(async move {
            loop {
                room.presence_again.store(false, Ordering::Release);
                match room.fanout.presence_elsewhere(&room.session_id).await {
                    Ok(remote) => room.set_remote_presence(remote),
                    // The next notice, sweep or resync reads again.
                    Err(error) => {
                        tracing::warn!(%error, session = %room.session_id, "cannot read who is online elsewhere")
                    }
                }
                room.presence_reading.store(false, Ordering::Release);
                let again = room.presence_again.load(Ordering::Acquire);
                if !again || room.presence_reading.swap(true, Ordering::AcqRel) {
                    break;
                }
            }
        });
    }

    fn set_remote_presence(&self, remote: Vec<PresenceEntry>) {
        if let Ok(mut online) = self.online.lock() {
            for change in online.set_remote(remote) {
                let _ = self.presence.send(Arc::new(change));
            }
        }
    }

    /// Several instances: writes this instance's presence rows of the room
    /// if its sockets changed since they were last written (and announces
    /// them in the same transaction).
    async fn write_presence(&self) -> Result<(), StoreError> {
        let Some(changes) = self.online.lock().ok().and_then(|o| o.row_changes()) else {
            return Ok(());
        };
        self.fanout
            .write_presence(&self.session_id, &changes.online, &changes.gone)
            .await?;
        if let Ok(mut online) = self.online.lock() {
            online.rows_written(changes.after);
        }
        Ok(())
    }

    /// Last activity per group (unix seconds).
    pub fn activity(&self) -> BTreeMap<String, i64> {
        self.activity.lock().map(|a| a.clone()).unwrap_or_default()
    }

    pub fn watch_moves(&self) -> broadcast::Receiver<String> {
        self.moved.subscribe()
    }

    /// Closes this instance's live connections of a participant who changed
    /// group or was removed (the store announced it to the other instances
    /// when it stored the move).
    pub fn moved(&self, participant_id: &str) {
        self.moved_here(participant_id);
    }

    fn moved_here(&self, participant_id: &str) {
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
            if let Some(change) = online.leave(&self.participant_id) {
                let _ = self.room.presence.send(Arc::new(change));
            }
        }
        self.room.fanout.presence_changed(&self.room);
    }
}
