//! The live channel: one WebSocket per open workspace (participants, by their
//! cookie at the upgrade) or moderator screen (cockpit and projector, by the
//! moderator secret in the first message). Catches the client up after
//! `Hello`, submits participants' ops to the room, and forwards committed ops,
//! settings and presence — redacted while ratings are hidden.

use crate::auth::{now_ms, token_hash, Participant};
use crate::hub::{Room, Submitted, View};
use crate::state::AppState;
use app::domain::board::{split_board_id, Author};
use app::domain::rating;
use app::domain::settings::SessionSettings;
use app::protocol::{
    ClientMsg, OpEnvelope, PresenceEntry, Refusal, SequencedOp, ServerMsg, MAX_CLIENT_MESSAGE,
};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// Ops per second a connection may send (typing produces a few), with a burst
/// for resending an outbox after a reconnect.
const OPS_PER_SECOND: u32 = 20;
const OPS_BURST: u32 = 200;
/// Further behind than this, a client gets a snapshot instead of the op list.
const REPLAY_LIMIT: u64 = 2_000;
/// A moderator screen must say who it is within this time.
const MODERATOR_HELLO_TIMEOUT: Duration = Duration::from_secs(10);

fn upgrade(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    // axum keeps a 128 KiB read buffer per connection by default.
    ws.read_buffer_size(4 * 1024)
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
}

/// A participant's workspace.
pub async fn live(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    who: Participant,
) -> Result<Response, crate::error::ApiError> {
    let room = state.hub.room(&who.session.id).await?;
    Ok(upgrade(ws)
        .on_upgrade(move |socket| async move {
            let p = who.participant;
            let role = Role::Participant {
                author: Author {
                    id: p.id.clone(),
                    name: p.display_name.clone(),
                },
                group_id: p.group_id.clone(),
                presence: PresenceEntry {
                    participant_id: p.id,
                    name: p.display_name,
                    kommune: p.kommune,
                    group_id: p.group_id,
                },
            };
            Connection::new(state, room, role).run(socket, None).await;
        })
        .into_response())
}

/// The moderator's cockpit or projector: sees every group, edits nothing.
pub async fn moderator_live(ws: WebSocketUpgrade, State(state): State<AppState>) -> Response {
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
            let session = match state.store.session_by_moderator_token(&hash).await {
                Ok(None) => state.store.session_by_projector_token(&hash).await,
                found => found,
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
            Connection::new(state, room, Role::Moderator)
                .run(socket, Some(hello))
                .await;
        })
        .into_response()
}

enum Role {
    Participant {
        author: Author,
        group_id: String,
        presence: PresenceEntry,
    },
    Moderator,
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
            Role::Moderator => String::new(),
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
            Role::Moderator => "",
        }
    }

    fn group(&self) -> Option<&str> {
        match &self.role {
            Role::Participant { group_id, .. } => Some(group_id),
            Role::Moderator => None,
        }
    }

    async fn run(mut self, mut socket: WebSocket, first: Option<ClientMsg>) {
        // Subscribe before catching up, so nothing committed in between is missed.
        let mut ops = self.room.subscribe();
        let mut presence = self.room.watch_presence();
        let mut settings = self.room.watch_settings();
        let mut moves = self.room.watch_moves();
        settings.mark_unchanged();
        let mut epoch = settings.borrow().reveal_epoch;
        let _online = match &self.role {
            Role::Participant { presence, .. } => Some(self.room.enter(presence.clone())),
            Role::Moderator => None,
        };
        // Live ops are forwarded only after `Hello` and above what was sent.
        let mut sent_upto: Option<u64> = None;
        let mut pending = first;
        loop {
            let message = match pending.take() {
                Some(msg) => Ok(msg),
                None => tokio::select! {
                    incoming = socket.recv() => {
                        let Some(Ok(message)) = incoming else { break };
                        match message {
                            Message::Text(text) => serde_json::from_str::<ClientMsg>(text.as_str()).map_err(|_| ()),
                            Message::Close(_) => break,
                            _ => continue,
                        }
                    }
                    op = ops.recv() => {
                        match op {
                            Ok(op) => {
                                let Some(upto) = sent_upto else { continue };
                                if op.seq <= upto { continue; }
                                sent_upto = Some(op.seq);
                                if !self.forward(&mut socket, &op).await { break; }
                            }
                            // Too slow to keep up: close; the client reconnects and catches up.
                            Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => break,
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
                            match self.send_snapshot(&mut socket).await {
                                Some((upto, e)) => { sent_upto = Some(upto); epoch = e; }
                                None => break,
                            }
                        }
                        continue;
                    }
                    changed = presence.changed() => {
                        if changed.is_err() { break; }
                        if sent_upto.is_some() && !self.send_presence(&mut socket).await { break; }
                        continue;
                    }
                    moved = moves.recv() => {
                        if let Ok(id) = moved {
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
                Ok(ClientMsg::Hello {
                    last_seq,
                    epoch: client_epoch,
                    ..
                }) => match self.catch_up(&mut socket, last_seq, client_epoch).await {
                    Some((upto, now_epoch)) => {
                        epoch = now_epoch;
                        sent_upto = Some(upto);
                        self.send_presence(&mut socket).await
                    }
                    None => false,
                },
                Ok(ClientMsg::Op(env)) => {
                    let reply = self.submit(env).await;
                    send(&mut socket, &reply).await
                }
                Err(()) => {
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
    async fn send_presence(&self, socket: &mut WebSocket) -> bool {
        let online = self.room.online_in(self.group());
        if !send(socket, &ServerMsg::Presence { online }).await {
            return false;
        }
        self.send_activity(socket).await
    }

    /// For the moderator: when each group last did something.
    async fn send_activity(&self, socket: &mut WebSocket) -> bool {
        match self.role {
            Role::Moderator => {
                let last = self.room.activity();
                send(socket, &ServerMsg::Activity { last }).await
            }
            Role::Participant { .. } => true,
        }
    }

    /// Sends a committed op if this connection may see it (its group's, and
    /// redacted while ratings are hidden).
    async fn forward(&self, socket: &mut WebSocket, op: &SequencedOp) -> bool {
        if !op.board.starts_with(&self.prefix) {
            return true;
        }
        let revealed = self.room.settings().ratings_revealed;
        let Some(visible) = self.visible(op, revealed) else {
            return true;
        };
        if !send(socket, &ServerMsg::Op(visible)).await {
            return false;
        }
        self.send_activity(socket).await
    }

    /// A committed op as this connection may see it: while ratings are
    /// hidden, someone else's rating arrives without its value and someone
    /// else's dot not at all.
    fn visible(&self, op: &SequencedOp, revealed: bool) -> Option<SequencedOp> {
        if revealed {
            return Some(op.clone());
        }
        let redacted = rating::redact_op(&op.op, &op.author.id, self.viewer())?;
        Some(SequencedOp {
            op: redacted,
            ..op.clone()
        })
    }

    async fn submit(&mut self, env: OpEnvelope) -> ServerMsg {
        let op_id = env.op_id.clone();
        let refused = |refusal| ServerMsg::Rejected {
            op_id: op_id.clone(),
            refusal,
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
        match self
            .room
            .submit(self.state.hub.store(), author, group_id, &env)
            .await
        {
            Ok(Submitted::Committed(seq) | Submitted::Duplicate(seq)) => ServerMsg::Ack {
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
    ) -> Option<(u64, u64)> {
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
        send(socket, &ServerMsg::Synced { last_seq: current })
            .await
            .then_some((current, epoch))
    }

    /// Sends the settings, then the logged ops (as this connection may see
    /// them); `false` if the socket failed.
    async fn send_replay(
        &self,
        socket: &mut WebSocket,
        settings: SessionSettings,
        ops: Vec<String>,
    ) -> bool {
        let revealed = settings.ratings_revealed;
        let settings = ServerMsg::Settings {
            settings,
            now_ms: now_ms(),
        };
        if !send(socket, &settings).await {
            return false;
        }
        for json in ops {
            let Ok(op) = serde_json::from_str::<SequencedOp>(&json) else {
                continue;
            };
            let Some(op) = self.visible(&op, revealed) else {
                continue;
            };
            if !send(socket, &ServerMsg::Op(op)).await {
                return false;
            }
        }
        true
    }
}
