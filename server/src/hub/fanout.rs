//! The fan-out: who gets which committed op, and the moderator's changes.
//!
//! The session engine ([`super::Room`]) commits an op and hands it here
//! encoded once per audience ([`Published`]); the room's broadcast channel
//! takes it to this instance's sockets, in sequence order. Whether anyone
//! else must hear of it is the [`Fanout`]'s business:
//!
//! - [`Fanout::InProcess`]: nobody else (SQLite, or `--fanout in-process`):
//!   every socket of the session is on this instance.
//! - [`Fanout::Postgres`]: several instances share one PostgreSQL. Every
//!   committed op is announced on [`OPS_CHANNEL`] inside its own commit
//!   transaction (by the store, so only what committed is announced), as
//!   `{session, seq}` only. Settings, moves, removals, renewed secrets and
//!   deletions go out on [`EVENTS_CHANNEL`], also inside the transaction
//!   that stores them (`store/notice.rs`). One
//!   `LISTEN` connection per instance receives both; a room in memory fetches
//!   the ops it lacks from the store by sequence number, applies them and
//!   publishes them to its sockets, or re-reads what changed. Notifications
//!   sent while the listener was disconnected are lost, so after every
//!   (re)connect each room in memory catches up from the store.
//!
//! Presence with several instances: each instance writes who has a socket
//! on it into `live_presence` (one row per participant and instance,
//! written by one task per instance after sockets open and close, the
//! notice [`Change::Presence`] in the same transaction) and rewrites its
//! heartbeat in `live_instances` every [`HEARTBEAT`]. The other instances'
//! rooms read the rows of live instances again on that notice. An instance
//! silent for [`SILENT`] (killed, cut off) counts as gone: readers ignore
//! its rows, and the next instance that sweeps deletes them and announces
//! the sessions concerned, so its people go offline everywhere within
//! about `SILENT + HEARTBEAT`. An instance swept while it was merely cut
//! off writes its rows again once its heartbeat gets through.

use super::{Hub, Room, SECRETS_RENEWED};
use crate::store::{
    BackendKind, Change, Event, LoggedOp, OpNotice, Store, StoreError, EVENTS_CHANNEL, OPS_CHANNEL,
};
use app::domain::evaluation::redaction;
use app::protocol::{PresenceEntry, SequencedOp, ServerMsg};
use axum::extract::ws::Utf8Bytes;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex as StdMutex, Weak};
use std::time::Duration;
use tokio::sync::Notify;

/// Longest pause between attempts to listen again.
const MAX_RECONNECT_PAUSE: Duration = Duration::from_secs(5);

/// Several instances: how often an instance rewrites its heartbeat, looks
/// for dead instances and retries presence rows that did not get written.
pub const HEARTBEAT: Duration = Duration::from_secs(2);
/// An instance whose heartbeat is older than this counts as gone: its
/// people are offline.
pub const SILENT: Duration = Duration::from_secs(10);

/// Which fan-out an instance runs (`--fanout`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum FanoutMode {
    /// PostgreSQL LISTEN/NOTIFY on PostgreSQL (several instances may share
    /// the database), in-process on SQLite.
    #[default]
    Auto,
    /// This instance's sockets only: one instance per database.
    InProcess,
}

pub enum Fanout {
    InProcess,
    Postgres {
        store: Store,
        /// Rooms whose presence rows must be written.
        presence: PresenceQueue,
    },
}

/// Rooms whose sockets came or went since their presence rows were
/// written; the presence task writes them (the room stays in memory until
/// its rows are written).
#[derive(Default)]
pub struct PresenceQueue {
    rooms: StdMutex<HashMap<String, Arc<Room>>>,
    wake: Notify,
}

impl PresenceQueue {
    fn push(&self, room: &Arc<Room>) {
        if let Ok(mut rooms) = self.rooms.lock() {
            rooms.insert(room.session_id.clone(), room.clone());
        }
        self.wake.notify_one();
    }

    fn take(&self) -> Vec<Arc<Room>> {
        self.rooms
            .lock()
            .map(|mut rooms| rooms.drain().map(|(_, room)| room).collect())
            .unwrap_or_default()
    }
}

impl Fanout {
    pub fn new(store: &Store, mode: FanoutMode) -> Self {
        match (mode, store.kind()) {
            (FanoutMode::Auto, BackendKind::Postgres) => Self::Postgres {
                store: store.clone(),
                presence: PresenceQueue::default(),
            },
            _ => Self::InProcess,
        }
    }

    /// Whether other instances may write to the same sessions.
    pub fn is_shared(&self) -> bool {
        matches!(self, Self::Postgres { .. })
    }

    /// Starts listening for the other instances and keeping this one's
    /// presence rows and heartbeat (PostgreSQL; needs a tokio runtime).
    /// Both end when the hub is gone.
    pub fn start(&self, hub: Weak<Hub>) {
        let Self::Postgres { store, .. } = self else {
            return;
        };
        let (Some(pool), Some(instance), Ok(runtime)) = (
            store.listen_pool(),
            store.instance(),
            tokio::runtime::Handle::try_current(),
        ) else {
            return;
        };
        runtime.spawn(listen(hub.clone(), pool, instance.to_owned()));
        runtime.spawn(keep_presence(hub));
    }

    /// A socket of `room` opened or closed: its presence rows are written
    /// soon (several instances; nothing on one).
    pub(super) fn presence_changed(&self, room: &Arc<Room>) {
        if let Self::Postgres { presence, .. } = self {
            presence.push(room);
        }
    }

    /// Writes this instance's presence rows of `session` and announces
    /// them to the other instances in the same transaction.
    pub(super) async fn write_presence(
        &self,
        session: &str,
        online: &[(String, String)],
        gone: &[String],
    ) -> Result<(), StoreError> {
        match self {
            Self::Postgres { store, .. } => store.write_presence(session, online, gone).await,
            Self::InProcess => Ok(()),
        }
    }

    /// Who is online in `session` on the other live instances.
    pub(super) async fn presence_elsewhere(
        &self,
        session: &str,
    ) -> Result<Vec<PresenceEntry>, StoreError> {
        match self {
            Self::Postgres { store, .. } => store.presence_elsewhere(session, SILENT).await,
            Self::InProcess => Ok(Vec::new()),
        }
    }
}

/// Several instances: every [`HEARTBEAT`] this instance's heartbeat is
/// rewritten and dead instances are swept (their sessions' rooms here read
/// presence again); whenever sockets come or go, the rooms concerned write
/// their presence rows. A room whose rows could not be written is tried
/// again with the next heartbeat.
async fn keep_presence(hub: Weak<Hub>) {
    let mut tick = tokio::time::interval(HEARTBEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let beat = {
            // Held for at most one heartbeat.
            let Some(hub) = hub.upgrade() else { return };
            let Fanout::Postgres { presence, .. } = hub.fanout.as_ref() else {
                return;
            };
            tokio::select! {
                _ = tick.tick() => true,
                () = presence.wake.notified() => false,
            }
        };
        let Some(hub) = hub.upgrade() else { return };
        let Fanout::Postgres { store, presence } = hub.fanout.as_ref() else {
            return;
        };
        if beat {
            match store.heartbeat().await {
                // Swept as dead while cut off (or the first beat, when no
                // room has rows yet): every room writes its rows again.
                Ok(true) => hub.presence_rows_lost().await,
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "heartbeat not written"),
            }
            match store.sweep_instances(SILENT).await {
                Ok(sessions) => {
                    for session in sessions {
                        if let Some(room) = hub.loaded(&session).await {
                            room.read_presence();
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "dead instances not swept"),
            }
        }
        for room in presence.take() {
            if let Err(error) = room.write_presence().await {
                tracing::warn!(%error, session = %room.session_id, "presence rows not written; trying again");
                if let Ok(mut rooms) = presence.rooms.lock() {
                    rooms.entry(room.session_id.clone()).or_insert(room);
                }
            }
        }
    }
}

/// `LISTEN`s for ever: on every (re)connect every room in memory catches
/// up from the store, then each notification is handed to its room.
async fn listen(hub: Weak<Hub>, pool: PgPool, instance: String) {
    let mut pause = Duration::from_millis(100);
    loop {
        if hub.strong_count() == 0 {
            return;
        }
        let mut listener = match subscribe(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for other instances; trying again");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_RECONNECT_PAUSE);
                continue;
            }
        };
        pause = Duration::from_millis(100);
        // Whatever was announced while nobody listened is lost.
        match hub.upgrade() {
            Some(hub) => hub.resync_all().await,
            None => return,
        }
        loop {
            let notification = match listener.try_recv().await {
                Ok(Some(notification)) => notification,
                Ok(None) => {
                    tracing::warn!("listener connection lost; listening again");
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "listener failed; listening again");
                    break;
                }
            };
            let Some(hub) = hub.upgrade() else { return };
            receive(
                &hub,
                notification.channel(),
                notification.payload(),
                &instance,
            )
            .await;
        }
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([OPS_CHANNEL, EVENTS_CHANNEL]).await?;
    Ok(listener)
}

/// Hands one notification to the room it concerns, if that is in memory
/// (a room loaded later reads the store anyway). Never waits for a room:
/// the listener serves every session.
async fn receive(hub: &Hub, channel: &str, payload: &str, instance: &str) {
    if channel == OPS_CHANNEL {
        match serde_json::from_str::<OpNotice>(payload) {
            Ok(notice) => {
                if let Some(room) = hub.loaded(&notice.session).await {
                    room.notified(notice.seq);
                }
            }
            Err(error) => tracing::warn!(%error, payload, "unreadable op notice"),
        }
        return;
    }
    let event = match serde_json::from_str::<Event>(payload) {
        Ok(event) if event.from == instance => return,
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(%error, payload, "unreadable event");
            return;
        }
    };
    if event.change == Change::Deleted {
        hub.evict(&event.session).await;
        return;
    }
    let Some(room) = hub.loaded(&event.session).await else {
        return;
    };
    match event.change {
        Change::Moved { participant } => room.moved_here(&participant),
        Change::SecretsRenewed => room.moved_here(SECRETS_RENEWED),
        // In tasks of their own: they wait for the room's commits, the
        // listener goes on.
        Change::Settings => {
            tokio::spawn(async move { room.refresh_settings().await });
        }
        Change::Rewritten => {
            tokio::spawn(async move { room.reload().await });
        }
        Change::Presence => room.read_presence(),
        Change::Deleted => {}
    }
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
    /// Encodes a logged op for its audiences while ratings are `revealed`
    /// or not (the log's text of the op is reused, not encoded again).
    pub fn encode(logged: &LoggedOp, revealed: bool) -> Result<Self, serde_json::Error> {
        let op = &logged.op;
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
        let full = match logged.json.strip_prefix('{') {
            Some(fields) if fields.len() > 1 => format!(r#"{{"type":"op",{fields}"#),
            _ => serde_json::to_string(&ServerMsg::Op(op.clone()))?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::board::{Author, Op};

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
                moderator: false,
            },
            op: Op::AddCard {
                card_id: "c1".into(),
                section: "problem".into(),
                text: "Text mit \"Zitat\"\n".into(),
            },
        };
        let expected = serde_json::to_string(&ServerMsg::Op(op.clone())).expect("message");
        let logged = LoggedOp::encode(op).expect("op");
        let published = Published::encode(&logged, true).expect("encode");
        assert_eq!(published.full.as_str(), expected);
    }

    #[test]
    fn events_read_back_as_sent() {
        for change in [
            Change::Settings,
            Change::Moved {
                participant: "p1".into(),
            },
            Change::Rewritten,
            Change::SecretsRenewed,
            Change::Deleted,
            Change::Presence,
        ] {
            let event = Event {
                from: "i".into(),
                session: "s".into(),
                change,
            };
            let json = serde_json::to_string(&event).expect("encode");
            assert!(json.len() < 8000, "NOTIFY payloads are limited");
            assert_eq!(serde_json::from_str::<Event>(&json).expect("decode"), event);
        }
    }
}
