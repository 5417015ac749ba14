//! Browser side of the live channel: a [`Replica`] kept in localStorage (so a
//! reload, even offline, keeps pending edits), a WebSocket that says `Hello`,
//! catches up and resends the outbox, and reconnects with backoff.

use crate::domain::board::{apply, split_board_id, Author, BoardState, Op, TextField};
use crate::domain::replica::Replica;
use crate::domain::settings::SessionSettings;
use crate::domain::templates;
use crate::domain::text::{Clock, TextEdit, MAX_ID};
use crate::protocol::{ClientMsg, OpEnvelope, PresenceEntry, Refusal, ServerMsg};
use gloo_storage::{LocalStorage as BrowserStorage, Storage};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::time::Duration;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{MessageEvent, WebSocket};

/// Keystrokes join one op for at most this long before it is sent: remote
/// typing shows up promptly, and a fast typist stays well below the server's
/// 20 ops per second.
const TEXT_BATCH: Duration = Duration::from_millis(80);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    Connecting,
    Synced,
    Sending,
    Offline,
}

/// Handle to the live state of one participant's workspace; `Copy`, so UI
/// callbacks can hold it.
#[derive(Clone, Copy)]
pub struct LiveSync {
    pub boards: RwSignal<BTreeMap<String, BoardState>>,
    pub status: RwSignal<SyncStatus>,
    pub pending: RwSignal<usize>,
    pub online: RwSignal<Vec<PresenceEntry>>,
    pub settings: RwSignal<SessionSettings>,
    /// Server clock minus this browser's clock (ms), from the last settings.
    pub clock_offset: RwSignal<i64>,
    /// For the moderator: last activity (unix seconds) per group.
    pub activity: RwSignal<BTreeMap<String, i64>>,
    /// The moderator's secret when this is a moderator screen.
    moderator: StoredValue<Option<String>>,
    /// The last op the server refused, for a visible notice.
    pub refusal: RwSignal<Option<Refusal>>,
    replica: StoredValue<Replica>,
    me: StoredValue<Author>,
    code: StoredValue<String>,
    socket: StoredValue<Option<WebSocket>, LocalStorage>,
    /// True between `Synced` and the socket closing: ops may be sent directly.
    live: RwSignal<bool>,
    attempts: RwSignal<u32>,
    resend_scheduled: StoredValue<bool>,
    /// Names of the others whose edits arrived since the screen reader was
    /// last told (the announcer empties it; see `RemoteEdits`).
    pub remote_editors: RwSignal<Vec<String>>,
    /// Set by [`LiveSync::stop`]: nothing reconnects or listens afterwards.
    stopped: StoredValue<bool>,
    /// The board of the op the server refused last (to clear a lock notice
    /// once that board is unlocked).
    refused_board: StoredValue<Option<String>>,
    /// This tab's ids for typed characters (a random site per tab).
    pub clock: StoredValue<Clock>,
    /// The text op keystrokes still join: not sent yet.
    batch: StoredValue<Option<String>>,
}

fn storage_key(code: &str, me: &Author) -> String {
    format!("ikz.replica.{code}.{}", me.id)
}

/// A random site id for this tab (53 bits, never the initial site 0).
fn new_site() -> u64 {
    (uuid::Uuid::now_v7().as_u128() as u64 & MAX_ID).max(1)
}

fn browser_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

impl LiveSync {
    /// Creates the handle and restores what this browser kept; call
    /// [`LiveSync::connect`] in the browser to go live.
    pub fn new(code: String, me: Author) -> Self {
        Self {
            boards: RwSignal::new(BTreeMap::new()),
            status: RwSignal::new(SyncStatus::Connecting),
            pending: RwSignal::new(0),
            online: RwSignal::new(Vec::new()),
            settings: RwSignal::new(SessionSettings::default()),
            clock_offset: RwSignal::new(0),
            activity: RwSignal::new(BTreeMap::new()),
            moderator: StoredValue::new(None),
            refusal: RwSignal::new(None),
            replica: StoredValue::new(Replica::default()),
            me: StoredValue::new(me),
            code: StoredValue::new(code),
            socket: StoredValue::new_local(None),
            live: RwSignal::new(false),
            attempts: RwSignal::new(0),
            resend_scheduled: StoredValue::new(false),
            stopped: StoredValue::new(false),
            remote_editors: RwSignal::new(Vec::new()),
            refused_board: StoredValue::new(None),
            clock: StoredValue::new(Clock::new(new_site())),
            batch: StoredValue::new(None),
        }
    }

    /// The moderator's screens (cockpit, projector): every group's boards,
    /// read-only, authenticated by the secret in the first message.
    pub fn for_moderator(code: String, token: String) -> Self {
        let me = Author {
            id: String::new(),
            name: String::new(),
            kommune: String::new(),
            moderator: false,
        };
        let sync = Self::new(code, me);
        sync.moderator.set_value(Some(token));
        sync
    }

    /// Where a participant downloads their group's Kostenaufteilung
    /// workbook (the session cookie goes along); `None` on the moderator's
    /// screens, which download with the secret (the cockpit's exports).
    pub fn kosten_workbook_url(&self) -> Option<String> {
        if self.moderator.with_value(Option::is_some) {
            return None;
        }
        Some(format!(
            "/api/sessions/{}/kosten.xlsx",
            self.code.get_value()
        ))
    }

    /// Server time now (ms), by this browser's clock corrected by the offset.
    pub fn server_now(&self) -> i64 {
        js_sys::Date::now() as i64 + self.clock_offset.try_get_untracked().unwrap_or(0)
    }

    /// Whether the screen that owned this handle is gone (its reactive
    /// values are disposed). Every callback that outlives a render (socket
    /// events, timers, network listeners) checks this first and does
    /// nothing then: reading a disposed value panics, and a panic stops the
    /// wasm app in that tab. All values share one owner, so one check covers
    /// them all.
    pub fn is_gone(&self) -> bool {
        self.replica.is_disposed() || self.stopped.try_get_value().unwrap_or(true)
    }

    /// Browser only: restore from localStorage, listen to online/offline, connect.
    pub fn start(self) {
        if self.is_gone() {
            return;
        }
        let key = self.key();
        if let Ok(saved) = BrowserStorage::get::<Replica>(&key) {
            self.replica.set_value(saved);
        }
        self.refresh();
        self.listen_to_network();
        self.connect();
    }

    /// The participant this browser is signed in as.
    pub fn me(&self) -> Author {
        self.me.get_value()
    }

    fn key(&self) -> String {
        match self.moderator.get_value() {
            Some(_) => format!("ikz.replica.{}.moderator", self.code.get_value()),
            None => storage_key(&self.code.get_value(), &self.me.get_value()),
        }
    }

    /// Persists the replica and recomputes what the UI shows.
    fn refresh(&self) {
        let replica = self.replica.get_value();
        // If storage is full the edit still goes to the server while online.
        let _ = BrowserStorage::set(self.key(), &replica);
        self.pending.set(replica.outbox.len());
        self.boards.set(replica.view(&self.me.get_value()));
        if self.settings.with_untracked(|s| *s != replica.settings) {
            self.settings.set(replica.settings.clone());
        }
        let status = match (self.live.get_untracked(), replica.outbox.is_empty()) {
            // Before the first connection attempt failed, we are still connecting.
            (false, _) if browser_online() && self.attempts.get_untracked() == 0 => {
                SyncStatus::Connecting
            }
            (false, _) => SyncStatus::Offline,
            (true, true) => SyncStatus::Synced,
            (true, false) => SyncStatus::Sending,
        };
        self.status.set(status);
    }

    /// A local edit: shown at once, kept in the outbox, sent when live.
    pub fn submit(&self, board: String, op: Op) {
        self.close_batch();
        let env = OpEnvelope {
            op_id: uuid::Uuid::now_v7().to_string(),
            board,
            op,
        };
        self.replica.update_value(|r| r.local(env.clone()));
        self.refusal.set(None);
        if self.live.get_untracked() {
            self.send(&ClientMsg::Op(env));
        }
        self.refresh();
    }

    /// Typing in a text field: the edits show at once and join the op being
    /// collected, which goes out within [`TEXT_BATCH`] (offline, it keeps
    /// collecting until the connection is back). Returns `false`, queuing
    /// nothing, if the edits do not apply to what this browser shows (e.g.
    /// the text would get too long).
    pub fn edit_text(
        &self,
        board: String,
        card_id: String,
        field: TextField,
        edits: Vec<TextEdit>,
    ) -> bool {
        let op = Op::EditText {
            card_id: card_id.clone(),
            field,
            edits,
        };
        if let Err(error) = self.check(&board, &op) {
            self.refusal.set(Some(Refusal::Invalid { error }));
            return false;
        }
        let Op::EditText { edits, .. } = op else {
            return false;
        };
        let open = self.batch.get_value();
        let touched = self
            .replica
            .try_update_value(|r| {
                r.local_text(
                    open.as_deref(),
                    || uuid::Uuid::now_v7().to_string(),
                    &board,
                    &card_id,
                    field,
                    edits,
                )
            })
            .unwrap_or_default();
        let newest = touched.last().cloned();
        // Every op but the newest is complete (the previous batch too, if
        // these edits did not join it).
        for id in open.iter().chain(&touched) {
            if Some(id) != newest.as_ref() && self.live.get_untracked() {
                self.send_op(id);
            }
        }
        if newest != open {
            self.batch.set_value(newest.clone());
            if let Some(id) = newest {
                let this = *self;
                set_timeout(move || this.batch_due(&id), TEXT_BATCH);
            }
        }
        self.refusal.set(None);
        self.refresh();
        true
    }

    /// Whether `op` applies to the board as this browser shows it.
    fn check(&self, board: &str, op: &Op) -> Result<(), crate::domain::board::OpError> {
        let Some(template) = split_board_id(board).and_then(|(_, t)| templates::find(t)) else {
            return Ok(());
        };
        let mut probe = self
            .boards
            .with_untracked(|boards| boards.get(board).cloned())
            .unwrap_or_default();
        apply(&mut probe, template, &self.me.get_value(), op)
    }

    /// The batch's time is up: send it (offline it stays open).
    fn batch_due(self, id: &str) {
        if self.is_gone() {
            return;
        }
        if self.batch.with_value(|b| b.as_deref() == Some(id)) && self.live.get_untracked() {
            self.close_batch();
        }
    }

    /// Ends the batch; sends it when live.
    fn close_batch(&self) {
        if let Some(id) = self.batch.try_update_value(Option::take).flatten() {
            if self.live.get_untracked() {
                self.send_op(&id);
            }
        }
    }

    fn send_op(&self, op_id: &str) {
        let env = self
            .replica
            .with_value(|r| r.outbox.iter().find(|o| o.op_id == op_id).cloned());
        if let Some(env) = env {
            self.send(&ClientMsg::Op(env));
        }
    }

    /// Sends the whole outbox (after connecting, or a refusal for speed);
    /// the batch ends, as it is sent now.
    fn send_outbox(&self) {
        self.batch.set_value(None);
        for env in self.replica.with_value(|r| r.outbox.clone()) {
            self.send(&ClientMsg::Op(env));
        }
    }

    fn send(&self, msg: &ClientMsg) {
        let Ok(text) = serde_json::to_string(msg) else {
            return;
        };
        self.socket.with_value(|socket| {
            if let Some(socket) = socket {
                let _ = socket.send_with_str(&text);
            }
        });
    }

    fn url(&self) -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        let host = location.host().ok()?;
        Some(match self.moderator.get_value() {
            Some(_) => format!("{scheme}://{host}/api/moderation/live"),
            None => format!(
                "{scheme}://{host}/api/sessions/{}/live",
                self.code.get_value()
            ),
        })
    }

    /// Opens the WebSocket (closing an old one) and wires its events.
    pub fn connect(self) {
        if self.is_gone() {
            return;
        }
        self.close();
        if !browser_online() {
            self.refresh();
            return;
        }
        let Some(url) = self.url() else { return };
        let Ok(socket) = WebSocket::new(&url) else {
            self.schedule_reconnect();
            return;
        };
        let this = self;
        let on_open = Closure::<dyn FnMut()>::new(move || {
            if this.is_gone() {
                return;
            }
            let (last_seq, epoch) = this.replica.with_value(|r| (r.last_seq, r.epoch));
            this.send(&ClientMsg::Hello {
                moderator: this.moderator.get_value(),
                last_seq,
                epoch,
            });
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if this.is_gone() {
                return;
            }
            if let Some(text) = event.data().as_string() {
                if let Ok(msg) = serde_json::from_str::<ServerMsg>(&text) {
                    this.handle(msg);
                }
            }
        });
        let on_close = Closure::<dyn FnMut()>::new(move || {
            if this.is_gone() {
                return;
            }
            this.live.set(false);
            this.refresh();
            this.schedule_reconnect();
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        // The handlers live as long as the socket; a reconnect makes new ones.
        on_open.forget();
        on_message.forget();
        on_close.forget();
        self.socket.set_value(Some(socket));
    }

    /// Leaves the live channel (when the workspace is closed).
    pub fn stop(&self) {
        self.close();
        self.stopped.set_value(true);
    }

    /// Closes the socket; its handlers are detached first, so nothing of
    /// it reaches this handle afterwards.
    fn close(&self) {
        self.live.set(false);
        self.socket.update_value(|socket| {
            if let Some(old) = socket.take() {
                old.set_onopen(None);
                old.set_onmessage(None);
                old.set_onclose(None);
                let _ = old.close();
            }
        });
    }

    fn schedule_reconnect(self) {
        if self.is_gone() {
            return;
        }
        let attempt = self.attempts.get_untracked();
        self.attempts.set(attempt.saturating_add(1));
        // 0.5 s, 1 s, 2 s … up to 10 s.
        let delay = (500u64 << attempt.min(5)).min(10_000);
        set_timeout(move || self.connect(), Duration::from_millis(delay));
    }

    fn handle(&self, msg: ServerMsg) {
        match msg {
            ServerMsg::Snapshot {
                last_seq,
                boards,
                epoch,
            } => {
                self.replica
                    .update_value(|r| r.snapshot(boards, last_seq, epoch));
            }
            ServerMsg::Settings { settings, now_ms } => {
                if now_ms > 0 {
                    self.clock_offset.set(now_ms - js_sys::Date::now() as i64);
                }
                self.clear_lock_refusal(&settings);
                self.replica.update_value(|r| r.settings = settings);
            }
            ServerMsg::Moved => {
                // The group changed: start over with the new group's boards
                // (unless this page is already leaving by the user's action).
                BrowserStorage::delete(self.key());
                if let Some(window) = web_sys::window().filter(|_| !crate::client::leaving()) {
                    let _ = window.location().reload();
                }
                return;
            }
            ServerMsg::Activity { last } => {
                self.activity.set(last);
                return;
            }
            ServerMsg::Op(op) => {
                let mine = op.author.id == self.me.with_value(|me| me.id.clone());
                if !mine && !op.author.name.is_empty() {
                    self.remote_editors.update(|names| {
                        if !names.contains(&op.author.name) {
                            names.push(op.author.name.clone());
                        }
                    });
                }
                self.replica.update_value(|r| r.receive(&op));
            }
            ServerMsg::Skip { seq } => {
                self.replica.update_value(|r| r.skip(seq));
                return;
            }
            ServerMsg::Synced { .. } => {
                self.live.set(true);
                self.attempts.set(0);
                self.send_outbox();
            }
            ServerMsg::Ack { op_id, seq } => {
                let before = self.replica.with_value(|r| r.outbox.len());
                self.replica.update_value(|r| r.acked(&op_id, seq));
                if self.replica.with_value(|r| r.outbox.len()) == before {
                    return;
                }
            }
            ServerMsg::Rejected { op_id, refusal } => {
                if refusal.is_temporary() {
                    // Temporary (rate limit, server storage): keep the op and
                    // resend the outbox shortly.
                    self.resend_later();
                } else {
                    let board = self.replica.with_value(|r| {
                        r.outbox
                            .iter()
                            .find(|o| o.op_id == op_id)
                            .map(|o| o.board.clone())
                    });
                    self.refused_board.set_value(board);
                    self.replica.update_value(|r| r.refused(&op_id));
                }
                self.refusal.set(Some(refusal));
            }
            ServerMsg::Presence {
                online,
                delta,
                left,
            } => {
                self.online
                    .update(|list| crate::protocol::apply_presence(list, online, delta, &left));
                return;
            }
        }
        self.refresh();
    }

    /// A "die Tafel ist gesperrt" notice ends when that board is unlocked.
    fn clear_lock_refusal(&self, settings: &SessionSettings) {
        let locked_refusal = self.refusal.with_untracked(|r| {
            matches!(
                r,
                Some(Refusal::Invalid {
                    error: crate::domain::board::OpError::Locked
                })
            )
        });
        if !locked_refusal {
            return;
        }
        let still_locked = self.refused_board.with_value(|board| match board {
            Some(board) => split_board_id(board).is_some_and(|(_, t)| settings.is_locked(t)),
            None => !settings.locked.is_empty(),
        });
        if !still_locked {
            self.refusal.set(None);
        }
    }

    /// One delayed resend of the outbox, however many refusals asked for it.
    fn resend_later(self) {
        if self.resend_scheduled.get_value() {
            return;
        }
        self.resend_scheduled.set_value(true);
        set_timeout(
            move || {
                if self.is_gone() {
                    return;
                }
                self.resend_scheduled.set_value(false);
                if self.live.get_untracked() {
                    self.send_outbox();
                }
            },
            Duration::from_secs(2),
        );
    }

    fn listen_to_network(self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let on_offline = Closure::<dyn FnMut()>::new(move || {
            if self.is_gone() {
                return;
            }
            self.close();
            self.refresh();
        });
        let on_online = Closure::<dyn FnMut()>::new(move || {
            if self.is_gone() {
                return;
            }
            self.attempts.set(0);
            self.connect();
        });
        let _ =
            window.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
        let _ =
            window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        on_offline.forget();
        on_online.forget();
    }
}
