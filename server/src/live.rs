//! The live channel: one WebSocket per open workspace. Authenticates by the
//! participant cookie (at the upgrade), catches the client up after `Hello`,
//! submits its ops to the room, and forwards the group's committed ops.

use crate::auth::Participant;
use crate::hub::{Room, Submitted};
use crate::state::AppState;
use app::domain::board::{split_board_id, Author};
use app::domain::rating;
use app::protocol::{
    ClientMsg, OpEnvelope, PresenceEntry, Refusal, SequencedOp, ServerMsg, MAX_CLIENT_MESSAGE,
};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// Ops per second a connection may send (typing produces a few), with a burst
/// for resending an outbox after a reconnect.
const OPS_PER_SECOND: u32 = 20;
const OPS_BURST: u32 = 200;
/// Further behind than this, a client gets a snapshot instead of the op list.
const REPLAY_LIMIT: u64 = 2_000;

pub async fn live(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    who: Participant,
) -> Result<Response, crate::error::ApiError> {
    let room = state.hub.room(&who.session.id).await?;
    Ok(ws
        // axum keeps a 128 KiB read buffer per connection by default.
        .read_buffer_size(4 * 1024)
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| async move {
            Connection::new(state, room, who).run(socket).await;
        })
        .into_response())
}

struct Connection {
    state: AppState,
    room: Arc<Room>,
    author: Author,
    group_id: String,
    group_prefix: String,
    presence: PresenceEntry,
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
    fn new(state: AppState, room: Arc<Room>, who: Participant) -> Self {
        let p = who.participant;
        Self {
            state,
            room,
            author: Author {
                id: p.id.clone(),
                name: p.display_name.clone(),
            },
            group_prefix: format!("{}:", p.group_id),
            group_id: p.group_id.clone(),
            presence: PresenceEntry {
                participant_id: p.id,
                name: p.display_name,
                kommune: p.kommune,
            },
            limiter: RateLimiter::direct(quota()),
        }
    }

    async fn run(mut self, mut socket: WebSocket) {
        // Subscribe before catching up, so nothing committed in between is missed.
        let mut ops = self.room.subscribe();
        let mut presence = self.room.watch_presence();
        let mut settings = self.room.watch_settings();
        settings.mark_unchanged();
        let mut epoch = settings.borrow().reveal_epoch;
        let _online = self
            .room
            .enter(self.presence.clone(), self.group_id.clone());
        // Live ops are forwarded only after `Hello` and above what was sent.
        let mut sent_upto: Option<u64> = None;
        loop {
            tokio::select! {
                incoming = socket.recv() => {
                    let Some(Ok(message)) = incoming else { break };
                    let text = match message {
                        Message::Text(text) => text,
                        Message::Close(_) => break,
                        _ => continue,
                    };
                    let keep_going = match serde_json::from_str::<ClientMsg>(text.as_str()) {
                        Ok(ClientMsg::Hello { last_seq, epoch: client_epoch }) => match self.catch_up(&mut socket, last_seq, client_epoch).await {
                            Some((upto, now_epoch)) => {
                                epoch = now_epoch;
                                sent_upto = Some(upto);
                                let online = self.room.online_in(&self.group_id);
                                send(&mut socket, &ServerMsg::Presence { online }).await
                            }
                            None => false,
                        },
                        Ok(ClientMsg::Op(env)) => {
                            let reply = self.submit(env).await;
                            send(&mut socket, &reply).await
                        }
                        Err(_) => {
                            let reply = ServerMsg::Rejected { op_id: String::new(), refusal: Refusal::MalformedMessage };
                            send(&mut socket, &reply).await
                        }
                    };
                    if !keep_going { break; }
                }
                op = ops.recv() => match op {
                    Ok(op) => {
                        let Some(upto) = sent_upto else { continue };
                        if op.seq <= upto { continue; }
                        sent_upto = Some(op.seq);
                        if op.board.starts_with(&self.group_prefix)
                            && !send(&mut socket, &ServerMsg::Op(self.visible(&op))).await
                        {
                            break;
                        }
                    }
                    // Too slow to keep up: close; the client reconnects and catches up.
                    Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => break,
                },
                changed = settings.changed() => {
                    if changed.is_err() { break; }
                    if sent_upto.is_none() { continue; }
                    let now = settings.borrow_and_update().clone();
                    if !send(&mut socket, &ServerMsg::Settings { settings: now.clone() }).await { break; }
                    // Hidden ↔ revealed: the browser's copy is out of date as a
                    // whole, so it gets a fresh (re-redacted) snapshot.
                    if now.reveal_epoch != epoch {
                        match self.send_snapshot(&mut socket).await {
                            Some((upto, e)) => { sent_upto = Some(upto); epoch = e; }
                            None => break,
                        }
                    }
                }
                changed = presence.changed() => {
                    if changed.is_err() { break; }
                    if sent_upto.is_some() {
                        let online = self.room.online_in(&self.group_id);
                        if !send(&mut socket, &ServerMsg::Presence { online }).await { break; }
                    }
                }
            }
        }
    }

    async fn submit(&mut self, env: OpEnvelope) -> ServerMsg {
        let op_id = env.op_id.clone();
        let refused = |refusal| ServerMsg::Rejected {
            op_id: op_id.clone(),
            refusal,
        };
        if self.limiter.check().is_err() {
            return refused(Refusal::RateLimited);
        }
        let own_board = split_board_id(&env.board).is_some_and(|(g, _)| g == self.group_id);
        if !own_board {
            return refused(Refusal::ForeignBoard);
        }
        match self
            .room
            .submit(self.state.hub.store(), &self.author, &self.group_id, &env)
            .await
        {
            Ok(Submitted::Committed(seq) | Submitted::Duplicate(seq)) => ServerMsg::Ack {
                op_id: env.op_id,
                seq,
            },
            Err(refusal) => refused(refusal),
        }
    }

    /// A committed op as this participant may see it: while ratings are
    /// hidden, someone else's rating arrives without its value.
    fn visible(&self, op: &SequencedOp) -> SequencedOp {
        let mut op = op.clone();
        if !self.room.settings().ratings_revealed {
            op.op = rating::redact_op(&op.op, &op.author.id, &self.author.id);
        }
        op
    }

    /// Sends the settings and a snapshot of the group's boards; returns the
    /// sequence number and reveal epoch it reflects.
    async fn send_snapshot(&self, socket: &mut WebSocket) -> Option<(u64, u64)> {
        let view = self
            .room
            .view_for(&self.group_prefix, &self.author.id)
            .await;
        let epoch = view.settings.reveal_epoch;
        let snapshot = ServerMsg::Snapshot {
            last_seq: view.last_seq,
            boards: view.boards,
            epoch,
        };
        (send(
            socket,
            &ServerMsg::Settings {
                settings: view.settings,
            },
        )
        .await
            && send(socket, &snapshot).await)
            .then_some((view.last_seq, epoch))
    }

    /// Sends what the client missed since `last_seq`; returns the sequence
    /// number and reveal epoch it is now at, or `None` if the socket failed.
    async fn catch_up(
        &self,
        socket: &mut WebSocket,
        last_seq: u64,
        client_epoch: u64,
    ) -> Option<(u64, u64)> {
        let view = self
            .room
            .view_for(&self.group_prefix, &self.author.id)
            .await;
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
                .ops_since(self.room.session_id(), &self.group_id, last_seq, current)
                .await
                .ok()
        };
        let settings = ServerMsg::Settings {
            settings: view.settings.clone(),
        };
        if !send(socket, &settings).await {
            return None;
        }
        match replay {
            Some(ops) => {
                for json in ops {
                    let Ok(op) = serde_json::from_str::<SequencedOp>(&json) else {
                        continue;
                    };
                    let mut op = op;
                    if !view.settings.ratings_revealed {
                        op.op = rating::redact_op(&op.op, &op.author.id, &self.author.id);
                    }
                    if !send(socket, &ServerMsg::Op(op)).await {
                        return None;
                    }
                }
            }
            None => {
                let snapshot = ServerMsg::Snapshot {
                    last_seq: current,
                    boards: view.boards,
                    epoch,
                };
                if !send(socket, &snapshot).await {
                    return None;
                }
            }
        }
        send(socket, &ServerMsg::Synced { last_seq: current })
            .await
            .then_some((current, epoch))
    }
}
