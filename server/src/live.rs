//! The live channel: one WebSocket per open workspace (participants, by their
//! cookie at the upgrade) or moderator screen (cockpit and projector, by the
//! moderator secret in the first message). Catches the client up after
//! `Hello`, submits participants' ops to the room, and forwards committed ops,
//! settings and presence — redacted while ratings are hidden.
//!
//! Guards: the upgrade is refused (403) unless the `Origin` is our own; the
//! server pings and closes a connection that stays silent too long; a
//! participant (or moderator secret) holds a bounded number of sockets, the
//! oldest closed when one more opens; `Hello` is rate-limited like ops and
//! answered once per connection; an expired participant token ends the
//! connection.

use crate::auth::{token_hash, Participant};
use crate::clock::{now, now_ms};
use crate::config::PublicOrigin;
use crate::hub::{PresenceChange, Published, Room, Submitted, View};
use crate::metrics::{live_refusal_kind, Channel, ConnectionKind};
use crate::state::AppState;
use crate::store::LoggedOp;
use app::domain::board::{split_board_id, Author};
use app::domain::evaluation::redaction;
use app::domain::settings::SessionSettings;
use app::protocol::{
    ClientMsg, OpEnvelope, PresenceEntry, Refusal, SequencedOp, ServerMsg, MAX_CLIENT_MESSAGE,
};
use axum::extract::ws::{close_code, CloseFrame};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::SinkExt;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::collections::{HashMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Ops per second a connection may send (typing produces a few), with a burst
/// for resending an outbox after a reconnect.
const OPS_PER_SECOND: u32 = 20;
const OPS_BURST: u32 = 200;
/// Further behind than this, a client gets a snapshot instead of the op list.
const REPLAY_LIMIT: u64 = 2_000;
/// Read buffer of a live socket (it grows for a longer frame): what a
/// browser sends (hello, ops, pongs) is mostly under 512 bytes, and every
/// idle socket keeps this much.
const READ_BUFFER: usize = 512;
/// Written frames are sent once this many bytes are buffered (or on flush).
const WRITE_BUFFER: usize = 8 * 1024;
/// People per presence message when the whole list goes out (~2 KB).
const PRESENCE_SLICE: usize = 12;
/// A moderator screen must say who it is within this time.
const MODERATOR_HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// Timers and caps of the live channel (see `config.rs` for the defaults).
#[derive(Debug, Clone, Copy)]
pub struct LiveLimits {
    /// The server pings this often.
    pub ping: Duration,
    /// A connection that sends nothing (not even a pong) this long is closed.
    pub idle_timeout: Duration,
    /// Open live sockets per participant.
    pub per_participant: usize,
    /// Open live sockets per moderator secret.
    pub per_moderator: usize,
}

impl Default for LiveLimits {
    fn default() -> Self {
        Self {
            ping: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
            per_participant: 8,
            per_moderator: 8,
        }
    }
}

/// The live upgrade came from a page of another origin (or none): 403.
#[derive(Debug)]
pub struct CrossOrigin;

impl IntoResponse for CrossOrigin {
    fn into_response(self) -> Response {
        (
            StatusCode::FORBIDDEN,
            "cross-origin live connection refused",
        )
            .into_response()
    }
}

/// Whether the request's `Origin` is ours: the configured public origin, or
/// without one the request's own `Host` (http or https: a TLS proxy may sit
/// in front). A missing, `null` or foreign origin is not.
pub fn same_origin(headers: &HeaderMap, public: Option<&PublicOrigin>) -> bool {
    let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|o| o.trim().to_ascii_lowercase())
    else {
        return false;
    };
    match public {
        Some(public) => origin == public.as_str(),
        None => {
            let Some(host) = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
            else {
                return false;
            };
            origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"))
                .is_some_and(|rest| rest == host)
        }
    }
}

/// A live upgrade from one of our own pages (checked before anything else).
pub struct SameOrigin;

impl FromRequestParts<AppState> for SameOrigin {
    type Rejection = CrossOrigin;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, CrossOrigin> {
        if same_origin(&parts.headers, state.web.public_origin.as_ref()) {
            Ok(SameOrigin)
        } else {
            Err(CrossOrigin)
        }
    }
}

/// The open sockets of one participant or moderator secret, oldest first:
/// each socket's id and what tells it that a newer one replaced it.
type SocketQueue = VecDeque<(u64, Arc<Notify>)>;

/// Open live sockets per participant or moderator secret.
#[derive(Default)]
pub struct LiveSockets {
    next_id: AtomicU64,
    open: Mutex<HashMap<String, SocketQueue>>,
}

/// One open live socket; `replaced` fires when a newer one pushed it out.
pub struct LiveSlot {
    sockets: Arc<LiveSockets>,
    key: String,
    id: u64,
    replaced: Arc<Notify>,
}

impl LiveSockets {
    /// Registers a socket under `key`, closing the oldest ones beyond `cap`.
    pub fn open(self: &Arc<Self>, key: String, cap: usize) -> LiveSlot {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let replaced = Arc::new(Notify::new());
        if let Ok(mut open) = self.open.lock() {
            let queue = open.entry(key.clone()).or_default();
            while queue.len() >= cap.max(1) {
                if let Some((_, oldest)) = queue.pop_front() {
                    oldest.notify_one();
                }
            }
            queue.push_back((id, replaced.clone()));
        }
        LiveSlot {
            sockets: self.clone(),
            key,
            id,
            replaced,
        }
    }
}

impl Drop for LiveSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.sockets.open.lock() {
            if let Some(queue) = open.get_mut(&self.key) {
                queue.retain(|(id, _)| *id != self.id);
                if queue.is_empty() {
                    open.remove(&self.key);
                }
            }
        }
    }
}

fn upgrade(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    // Memory per open socket: axum keeps a 128 KiB read buffer per
    // connection by default; what a browser sends (hello, ops, pongs) is a
    // few hundred bytes, and a longer frame grows the buffer for itself.
    // Ops written in one flush go out in 8 KiB pieces rather than piling up
    // in a write buffer that never shrinks again.
    ws.read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
}

/// A participant's workspace.
pub async fn live(
    _: SameOrigin,
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    who: Participant,
) -> Result<Response, crate::error::ApiError> {
    let room = state.hub.room(&who.session.id).await?;
    // Only the participant lives on with the socket (not the session record).
    let p = who.participant;
    Ok(upgrade(ws)
        .on_upgrade(move |socket| async move {
            let limit = state.web.live.per_participant;
            let slot = state.live_sockets.open(format!("p:{}", p.id), limit);
            let role = Role::Participant {
                expires_at: p.expires_at,
                author: Author {
                    id: p.id.clone(),
                    name: p.display_name.clone(),
                    kommune: p.kommune.clone(),
                    moderator: false,
                },
                group_id: p.group_id.clone(),
                presence: PresenceEntry {
                    participant_id: p.id,
                    name: p.display_name,
                    kommune: p.kommune,
                    group_id: p.group_id,
                },
            };
            let _open = state.metrics.connection(ConnectionKind::Participant);
            Connection::new(state, room, role)
                .run(socket, None, slot)
                .await;
        })
        .into_response())
}

/// The moderator's cockpit or projector: sees every group, edits nothing.
pub async fn moderator_live(
    _: SameOrigin,
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
) -> Response {
    upgrade(ws)
        .on_upgrade(move |mut socket| async move {
            let first = tokio::time::timeout(MODERATOR_HELLO_TIMEOUT, socket.recv()).await;
            let Ok(Some(Ok(Message::Text(text)))) = first else {
                return;
            };
            let Ok(hello @ ClientMsg::Hello { .. }) = serde_json::from_str::<ClientMsg>(&text)
            else {
                return;
            };
            let ClientMsg::Hello {
                moderator: Some(token),
                ..
            } = &hello
            else {
                return;
            };
            // The moderator's secret or the projector's read-only token.
            let hash = token_hash(token);
            let (session, kind) = match state.store.session_by_moderator_token(&hash).await {
                Ok(None) => (
                    state.store.session_by_projector_token(&hash).await,
                    ConnectionKind::Projector,
                ),
                found => (found, ConnectionKind::Moderator),
            };
            let Ok(Some(session)) = session else {
                let refusal = ServerMsg::Rejected {
                    op_id: String::new(),
                    refusal: Refusal::ForeignBoard,
                };
                let _ = send(&mut socket, &refusal).await;
                return;
            };
            let Ok(room) = state.hub.room(&session.id).await else {
                return;
            };
            let limit = state.web.live.per_moderator;
            let slot = state.live_sockets.open(format!("m:{}", session.id), limit);
            let _open = state.metrics.connection(kind);
            Connection::new(state, room, Role::Moderator { token_hash: hash })
                .run(socket, Some(hello), slot)
                .await;
        })
        .into_response()
}

enum Role {
    Participant {
        author: Author,
        group_id: String,
        presence: PresenceEntry,
        /// When the participant's token expires (unix seconds).
        expires_at: i64,
    },
    /// A moderator screen (cockpit or projector) and the hash of the
    /// secret or token it opened with.
    Moderator { token_hash: Vec<u8> },
}

/// How far [`Connection::forward`] got.
enum Forwarded {
    /// Sent everything published, up to this sequence number.
    Upto(u64),
    /// Sent up to this sequence number, then found that the room's channel
    /// had dropped ops this socket had not read yet.
    Lagged(u64),
    /// The socket failed.
    Failed,
}

/// Whether a catch-up ends with `synced` (the answer to a hello: the
/// browser then sends its outbox) or quietly (a live socket that fell
/// behind: its outbox is already on its way).
#[derive(Clone, Copy)]
enum Announce {
    Synced,
    Quietly,
}

struct Connection {
    state: AppState,
    room: Arc<Room>,
    role: Role,
    /// Board ids this connection sees start with this ("" = all groups).
    prefix: String,
    limiter: DefaultDirectRateLimiter,
}

fn quota() -> Quota {
    let rate = NonZeroU32::new(OPS_PER_SECOND).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(OPS_BURST).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

/// Says why the server ends the connection (the browser reconnects).
async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

async fn send(socket: &mut WebSocket, msg: &ServerMsg) -> bool {
    match serde_json::to_string(msg) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

impl Connection {
    fn new(state: AppState, room: Arc<Room>, role: Role) -> Self {
        let prefix = match &role {
            Role::Participant { group_id, .. } => format!("{group_id}:"),
            Role::Moderator { .. } => String::new(),
        };
        Self {
            state,
            room,
            role,
            prefix,
            limiter: RateLimiter::direct(quota()),
        }
    }

    /// Whose view this is: a participant sees their own ratings; the
    /// moderator is nobody's, so sees no hidden value either.
    fn viewer(&self) -> &str {
        match &self.role {
            Role::Participant { author, .. } => &author.id,
            Role::Moderator { .. } => "",
        }
    }

    fn group(&self) -> Option<&str> {
        match &self.role {
            Role::Participant { group_id, .. } => Some(group_id),
            Role::Moderator { .. } => None,
        }
    }

    /// For a moderator screen: whether the secret or token it opened with
    /// no longer opens this session (renewed, or unreadable store: closed).
    async fn token_revoked(&self) -> bool {
        let Role::Moderator { token_hash } = &self.role else {
            return false;
        };
        let store = &self.state.store;
        let session = match store.session_by_moderator_token(token_hash).await {
            Ok(None) => store.session_by_projector_token(token_hash).await,
            found => found,
        };
        !matches!(session, Ok(Some(s)) if s.id == self.room.session_id())
    }

    fn expired(&self) -> bool {
        match &self.role {
            Role::Participant { expires_at, .. } => *expires_at <= now(),
            Role::Moderator { .. } => false,
        }
    }

    /// Rare or long steps (catch-up, snapshots, submitting, the presence
    /// list) are boxed: every open socket keeps this future, sized by its
    /// largest step, for as long as it is open.
    async fn run(mut self, mut socket: WebSocket, first: Option<ClientMsg>, slot: LiveSlot) {
        let limits = self.state.web.live;
        let mut ping = tokio::time::interval_at(Instant::now() + limits.ping, limits.ping);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let idle = tokio::time::sleep(limits.idle_timeout);
        tokio::pin!(idle);
        let replaced = slot.replaced.clone();
        // Subscribe before catching up, so nothing committed in between is missed.
        let mut ops = self.room.subscribe();
        let mut presence = self.room.watch_presence();
        let mut settings = self.room.watch_settings();
        let mut moves = self.room.watch_moves();
        settings.mark_unchanged();
        let mut epoch = settings.borrow().reveal_epoch;
        let _online = match &self.role {
            Role::Participant { presence, .. } => Some(self.room.enter(presence.clone())),
            Role::Moderator { .. } => None,
        };
        // Live ops are forwarded only after `Hello` and above what was sent.
        let mut sent_upto: Option<u64> = None;
        let mut pending = first;
        loop {
            let message = match pending.take() {
                Some(msg) => Ok(msg),
                None => tokio::select! {
                    incoming = socket.recv() => {
                        let message = match incoming {
                            Some(Ok(message)) => message,
                            Some(Err(e)) => {
                                // tungstenite's capacity error: a message or
                                // frame over MAX_CLIENT_MESSAGE ends the socket.
                                if e.to_string().contains("too long") {
                                    self.state.metrics.refused(Channel::Live, "too_large");
                                }
                                break;
                            }
                            None => break,
                        };
                        idle.as_mut().reset(Instant::now() + limits.idle_timeout);
                        if self.expired() {
                            close(&mut socket, close_code::POLICY, "token expired").await;
                            break;
                        }
                        match message {
                            Message::Text(text) => serde_json::from_str::<ClientMsg>(text.as_str()).map_err(|_| ()),
                            Message::Close(_) => break,
                            _ => continue,
                        }
                    }
                    op = ops.recv() => {
                        let Some(upto) = sent_upto else {
                            if matches!(op, Err(RecvError::Closed)) { break; }
                            continue;
                        };
                        let forwarded = match op {
                            // Everything already committed goes out in one write.
                            Ok(op) => self.forward(&mut socket, op, &mut ops, upto).await,
                            Err(RecvError::Lagged(_)) => Forwarded::Lagged(upto),
                            Err(RecvError::Closed) => Forwarded::Failed,
                        };
                        match forwarded {
                            Forwarded::Upto(upto) => sent_upto = Some(upto),
                            // Fell more than the room's channel behind (a slow
                            // link): what it missed comes from the op log, as
                            // after a reconnect, but without one.
                            Forwarded::Lagged(upto) => {
                                tracing::debug!(session = %self.room.session_id(), upto, "live socket fell behind; catching up from the op log");
                                self.state.metrics.caught_up();
                                match Box::pin(self.catch_up(&mut socket, upto, epoch, Announce::Quietly)).await {
                                    Some((upto, now_epoch)) => { sent_upto = Some(upto); epoch = now_epoch; }
                                    None => break,
                                }
                            }
                            Forwarded::Failed => break,
                        }
                        continue;
                    }
                    changed = settings.changed() => {
                        if changed.is_err() { break; }
                        if sent_upto.is_none() { continue; }
                        let now = settings.borrow_and_update().clone();
                        if !send(&mut socket, &ServerMsg::Settings { settings: now.clone(), now_ms: now_ms() }).await { break; }
                        // Hidden ↔ revealed: the browser's copy is out of date as a
                        // whole, so it gets a fresh (re-redacted) snapshot.
                        if now.reveal_epoch != epoch {
                            match Box::pin(self.send_snapshot(&mut socket)).await {
                                Some((upto, e)) => { sent_upto = Some(upto); epoch = e; }
                                None => break,
                            }
                        }
                        continue;
                    }
                    change = presence.recv() => {
                        let ok = match change {
                            Ok(first) if sent_upto.is_some() => {
                                // Coalesce a burst: everything queued goes in one message.
                                let mut changes = vec![first];
                                let mut lagged = false;
                                loop {
                                    match presence.try_recv() {
                                        Ok(c) => changes.push(c),
                                        Err(TryRecvError::Lagged(_)) => { lagged = true; break; }
                                        Err(_) => break,
                                    }
                                }
                                if lagged {
                                    Box::pin(self.send_presence(&mut socket)).await
                                } else {
                                    self.send_presence_delta(&mut socket, &changes).await
                                }
                            }
                            Ok(_) => true,
                            Err(RecvError::Lagged(_)) => sent_upto.is_none() || Box::pin(self.send_presence(&mut socket)).await,
                            Err(RecvError::Closed) => false,
                        };
                        if !ok { break; }
                        continue;
                    }
                    _ = ping.tick() => {
                        if self.expired() {
                            close(&mut socket, close_code::POLICY, "token expired").await;
                            break;
                        }
                        if socket.send(Message::Ping(Default::default())).await.is_err() { break; }
                        continue;
                    }
                    () = &mut idle => {
                        close(&mut socket, close_code::AWAY, "idle").await;
                        break;
                    }
                    () = replaced.notified() => {
                        close(&mut socket, close_code::AGAIN, "too many live connections").await;
                        break;
                    }
                    moved = moves.recv() => {
                        if let Ok(id) = moved {
                            if id == crate::hub::SECRETS_RENEWED {
                                if Box::pin(self.token_revoked()).await {
                                    close(&mut socket, close_code::POLICY, "secret renewed").await;
                                    break;
                                }
                                continue;
                            }
                            // The session was deleted: every screen closes.
                            let everyone = id == crate::hub::EVERYONE;
                            let me = matches!(&self.role, Role::Participant { author, .. } if author.id == id);
                            if everyone || me {
                                let _ = send(&mut socket, &ServerMsg::Moved).await;
                                break;
                            }
                        }
                        continue;
                    }
                },
            };
            let keep_going = match message {
                // One `Hello` per connection (a catch-up can be a whole
                // snapshot), and it counts against the rate limit like an op.
                Ok(ClientMsg::Hello { .. }) if self.limiter.check().is_err() => {
                    self.state.metrics.refused(Channel::Live, "rate_limited");
                    let reply = ServerMsg::Rejected {
                        op_id: String::new(),
                        refusal: Refusal::RateLimited,
                    };
                    send(&mut socket, &reply).await
                }
                Ok(ClientMsg::Hello { .. }) if sent_upto.is_some() => {
                    self.state.metrics.refused(Channel::Live, "malformed");
                    let reply = ServerMsg::Rejected {
                        op_id: String::new(),
                        refusal: Refusal::MalformedMessage,
                    };
                    send(&mut socket, &reply).await
                }
                Ok(ClientMsg::Hello {
                    last_seq,
                    epoch: client_epoch,
                    ..
                }) => match Box::pin(self.catch_up(
                    &mut socket,
                    last_seq,
                    client_epoch,
                    Announce::Synced,
                ))
                .await
                {
                    Some((upto, now_epoch)) => {
                        epoch = now_epoch;
                        sent_upto = Some(upto);
                        Box::pin(self.send_presence(&mut socket)).await
                    }
                    None => false,
                },
                Ok(ClientMsg::Op(env)) => {
                    let reply = Box::pin(self.submit(env)).await;
                    send(&mut socket, &reply).await
                }
                Err(()) => {
                    self.state.metrics.refused(Channel::Live, "malformed");
                    let reply = ServerMsg::Rejected {
                        op_id: String::new(),
                        refusal: Refusal::MalformedMessage,
                    };
                    send(&mut socket, &reply).await
                }
            };
            if !keep_going {
                break;
            }
        }
    }

    /// Who is online (in the group, or everywhere for the moderator), and for
    /// the moderator when each group last did something.
    ///
    /// The list goes out in slices of [`PRESENCE_SLICE`] people (the first
    /// replaces the browser's list, the rest add to it): a socket keeps a
    /// write buffer as large as the largest message it ever sent, and a
    /// room of 200 as one message would pin ~30 KB to every idle socket.
    async fn send_presence(&self, socket: &mut WebSocket) -> bool {
        let mut online = self.room.online_in(self.group()).into_iter();
        let mut delta = false;
        loop {
            let slice: Vec<PresenceEntry> = online.by_ref().take(PRESENCE_SLICE).collect();
            let last = slice.len() < PRESENCE_SLICE;
            if !(slice.is_empty() && delta) {
                let msg = ServerMsg::Presence {
                    online: slice,
                    delta,
                    left: Vec::new(),
                };
                if !send(socket, &msg).await {
                    return false;
                }
            }
            if last {
                break;
            }
            delta = true;
        }
        self.send_activity(socket).await
    }

    /// Who came and went in this connection's sight, as one message.
    async fn send_presence_delta(
        &self,
        socket: &mut WebSocket,
        changes: &[Arc<PresenceChange>],
    ) -> bool {
        let mut joined = Vec::new();
        let mut left = Vec::new();
        for change in changes {
            if self.group().is_some_and(|g| g != change.group_id()) {
                continue;
            }
            match change.as_ref() {
                PresenceChange::Joined(entry) => {
                    left.retain(|id| id != &entry.participant_id);
                    joined.retain(|e: &PresenceEntry| e.participant_id != entry.participant_id);
                    joined.push(entry.clone());
                }
                PresenceChange::Left { participant_id, .. } => {
                    joined.retain(|e| &e.participant_id != participant_id);
                    left.push(participant_id.clone());
                }
            }
        }
        if joined.is_empty() && left.is_empty() {
            return true;
        }
        let delta = ServerMsg::Presence {
            online: joined,
            delta: true,
            left,
        };
        send(socket, &delta).await
    }

    /// For the moderator: when each group last did something.
    async fn send_activity(&self, socket: &mut WebSocket) -> bool {
        match self.role {
            Role::Moderator { .. } => {
                let last = self.room.activity();
                send(socket, &ServerMsg::Activity { last }).await
            }
            Role::Participant { .. } => true,
        }
    }

    /// Sends committed ops above `upto` this connection may see (its
    /// group's, redacted while ratings are hidden: the bytes encoded once
    /// for its audience): `first` and whatever else the room already
    /// published, buffered and written at once. Says how far it got.
    async fn forward(
        &self,
        socket: &mut WebSocket,
        first: Arc<Published>,
        ops: &mut tokio::sync::broadcast::Receiver<Arc<Published>>,
        mut upto: u64,
    ) -> Forwarded {
        let mut next = Some(first);
        let mut fed = false;
        let mut lagged = false;
        while let Some(op) = next.take() {
            if op.seq > upto {
                upto = op.seq;
                if op.board.starts_with(&self.prefix) {
                    let bytes = op.for_viewer(self.viewer()).clone();
                    if socket.feed(Message::Text(bytes)).await.is_err() {
                        return Forwarded::Failed;
                    }
                    fed = true;
                }
            }
            next = match ops.try_recv() {
                Ok(op) => Some(op),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Lagged(_)) => {
                    lagged = true;
                    None
                }
                Err(TryRecvError::Closed) => return Forwarded::Failed,
            };
        }
        if fed && (socket.flush().await.is_err() || !self.send_activity(socket).await) {
            return Forwarded::Failed;
        }
        if lagged {
            Forwarded::Lagged(upto)
        } else {
            Forwarded::Upto(upto)
        }
    }

    /// A logged op as this connection may see it: while ratings are
    /// hidden, someone else's rating arrives without its value and someone
    /// else's dot as its sequence number only.
    fn visible(&self, op: SequencedOp, revealed: bool) -> ServerMsg {
        if revealed {
            return ServerMsg::Op(op);
        }
        match redaction::redact_op(&op.op, &op.author.id, self.viewer()) {
            Some(redacted) => ServerMsg::Op(SequencedOp { op: redacted, ..op }),
            None => ServerMsg::Skip { seq: op.seq },
        }
    }

    async fn submit(&mut self, env: OpEnvelope) -> ServerMsg {
        let arrived = Instant::now();
        let op_id = env.op_id.clone();
        let metrics = self.state.metrics.clone();
        let refused = |refusal: Refusal| {
            metrics.refused(Channel::Live, live_refusal_kind(&refusal));
            ServerMsg::Rejected {
                op_id: op_id.clone(),
                refusal,
            }
        };
        let Role::Participant {
            author, group_id, ..
        } = &self.role
        else {
            // Moderator screens look; they do not edit boards.
            return refused(Refusal::ForeignBoard);
        };
        if self.limiter.check().is_err() {
            return refused(Refusal::RateLimited);
        }
        let own_board = split_board_id(&env.board).is_some_and(|(g, _)| g == group_id);
        if !own_board {
            return refused(Refusal::ForeignBoard);
        }
        match self.room.submit(author, group_id, &env).await {
            Ok(Submitted::Committed(seq)) => {
                metrics.committed(arrived.elapsed());
                ServerMsg::Ack {
                    op_id: env.op_id,
                    seq,
                }
            }
            Ok(Submitted::Duplicate(seq)) => ServerMsg::Ack {
                op_id: env.op_id,
                seq,
            },
            Err(refusal) => refused(refusal),
        }
    }

    async fn view(&self) -> View {
        self.room.view_for(&self.prefix, self.viewer()).await
    }

    /// Sends the settings and a snapshot of the visible boards; returns the
    /// sequence number and reveal epoch it reflects.
    async fn send_snapshot(&self, socket: &mut WebSocket) -> Option<(u64, u64)> {
        let view = self.view().await;
        self.send_view(socket, view).await
    }

    /// Sends the settings and the boards of `view`; returns the sequence
    /// number and reveal epoch it reflects.
    async fn send_view(&self, socket: &mut WebSocket, view: View) -> Option<(u64, u64)> {
        let (last_seq, epoch) = (view.last_seq, view.settings.reveal_epoch);
        let settings = ServerMsg::Settings {
            settings: view.settings,
            now_ms: now_ms(),
        };
        let snapshot = ServerMsg::Snapshot {
            last_seq,
            boards: view.boards,
            epoch,
        };
        (send(socket, &settings).await && send(socket, &snapshot).await)
            .then_some((last_seq, epoch))
    }

    /// Sends what the client missed since `last_seq`; returns the sequence
    /// number and reveal epoch it is now at, or `None` if the socket failed.
    async fn catch_up(
        &self,
        socket: &mut WebSocket,
        last_seq: u64,
        client_epoch: u64,
        announce: Announce,
    ) -> Option<(u64, u64)> {
        self.room.reach(last_seq).await;
        let view = self.view().await;
        let current = view.last_seq;
        let epoch = view.settings.reveal_epoch;
        let far_behind = last_seq == 0
            || last_seq > current
            || current - last_seq > REPLAY_LIMIT
            || client_epoch != epoch;
        let replay = if far_behind {
            None
        } else {
            self.state
                .hub
                .store()
                .ops_since(self.room.session_id(), self.group(), last_seq, current)
                .await
                .ok()
        };
        let sent = match replay {
            None => self.send_view(socket, view).await.is_some(),
            Some(ops) => self.send_replay(socket, view.settings, ops).await,
        };
        if !sent {
            return None;
        }
        match announce {
            Announce::Synced => send(socket, &ServerMsg::Synced { last_seq: current })
                .await
                .then_some((current, epoch)),
            Announce::Quietly => Some((current, epoch)),
        }
    }

    /// Sends the settings, then the logged ops (as this connection may see
    /// them); `false` if the socket failed.
    async fn send_replay(
        &self,
        socket: &mut WebSocket,
        settings: SessionSettings,
        ops: Vec<LoggedOp>,
    ) -> bool {
        let revealed = settings.ratings_revealed;
        let settings = ServerMsg::Settings {
            settings,
            now_ms: now_ms(),
        };
        if !send(socket, &settings).await {
            return false;
        }
        for logged in ops {
            if !send(socket, &self.visible(logged.op, revealed)).await {
                return false;
            }
        }
        true
    }
}
