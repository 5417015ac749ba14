//! A real server on a loopback port with data seeded through the store, and a
//! minimal client of the live protocol (tokio-tungstenite), shared by the
//! live-channel and rating tests.

use app::domain::board::BoardState;
use app::domain::session::{GroupDetails, ParticipantDetails, SessionDetails};
use app::domain::JoinCode;
use app::protocol::ServerMsg;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use server::auth::token_hash;
use server::clock::now;
use server::store::{RoomRecord, Store};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for a message it expects.
pub const WAIT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------
// Fixture: a server on a loopback port and data seeded through the store.
// ---------------------------------------------------------------------------

pub struct Server {
    pub addr: SocketAddr,
    pub db: super::TestDb,
}

/// One seeded participant: the session's join code and the raw token.
#[derive(Clone)]
pub struct Person {
    pub code: String,
    pub token: String,
    pub group: String,
}

impl Server {
    pub async fn start() -> Self {
        Self::start_with(server::state::WebSettings::default()).await
    }

    /// A server on a fresh database of `backend`.
    pub async fn start_on(backend: super::Backend) -> Self {
        Self::start_on_with(backend, server::state::WebSettings::default()).await
    }

    /// A server with these web settings (public origin, live-channel limits).
    pub async fn start_with(web: server::state::WebSettings) -> Self {
        Self::start_on_with(super::Backend::Sqlite, web).await
    }

    pub async fn start_on_with(backend: super::Backend, web: server::state::WebSettings) -> Self {
        let db = super::test_db_on(backend).await;
        let state = super::state(db.store.clone()).with_web(web);
        let router = server::api_router(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { addr, db }
    }

    pub fn store(&self) -> &Store {
        &self.db.store
    }

    pub fn db_url(&self) -> String {
        self.db.url.clone()
    }

    /// Creates a session with the given join code; returns its id.
    pub async fn session(&self, code: &str) -> String {
        self.moderated_session(code).await.0
    }

    /// Creates a session; returns its id and the moderator's secret.
    pub async fn moderated_session(&self, code: &str) -> (String, String) {
        let details = SessionDetails::validate("Live-Test", "2026-11-25", "Rathaus").unwrap();
        let code = JoinCode::parse(code).expect("valid join code");
        let secret = server::auth::new_token();
        let id = self
            .store()
            .create_session(&details, &code, &token_hash(&secret), now())
            .await
            .expect("create session")
            .id;
        (id, secret)
    }

    /// A moderator request over HTTP (real socket); returns status and JSON.
    pub async fn moderate(
        &self,
        secret: &str,
        method: &str,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        moderate_at(self.addr, secret, method, path, body).await
    }

    /// An HTTP/1.1 request over a real socket with extra headers and an
    /// optional JSON body; returns the status and the JSON body (or null).
    pub async fn http(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> (u16, Value) {
        http_at(self.addr, method, path, headers, body).await
    }

    pub async fn group(&self, session_id: &str, name: &str) -> String {
        let details = GroupDetails::validate(name, "#8ecae6").unwrap();
        self.store()
            .add_group(session_id, &details)
            .await
            .expect("add group")
            .id
    }

    pub async fn person(&self, session_id: &str, code: &str, group: &str, name: &str) -> Person {
        self.person_expiring(session_id, code, group, name, now() + 86_400)
            .await
    }

    pub async fn person_expiring(
        &self,
        session_id: &str,
        code: &str,
        group: &str,
        name: &str,
        expires_at: i64,
    ) -> Person {
        let who = (name, "Musterstadt");
        self.person_of(session_id, code, group, who, expires_at)
            .await
    }

    /// A participant of the Kommune `who.1`, named `who.0`.
    pub async fn person_of(
        &self,
        session_id: &str,
        code: &str,
        group: &str,
        who: (&str, &str),
        expires_at: i64,
    ) -> Person {
        let token = server::auth::new_token();
        let details = ParticipantDetails::validate(who.0, who.1).unwrap();
        self.store()
            .add_participant(
                session_id,
                group,
                &details,
                &token_hash(&token),
                now(),
                expires_at,
            )
            .await
            .expect("add participant");
        Person {
            code: code.to_owned(),
            token,
            group: group.to_owned(),
        }
    }

    pub async fn connect(&self, who: &Person) -> Client {
        Client::connect(self.addr, &who.code, Some(&who.token))
            .await
            .expect("connect")
    }

    /// The room as a second, independent connection to the database sees it.
    pub async fn on_disk(&self, session_id: &str) -> RoomRecord {
        let other = Store::open(&self.db_url()).await.expect("second store");
        other.load_room(session_id).await.expect("load room")
    }
}

// ---------------------------------------------------------------------------
// A minimal protocol client.
// ---------------------------------------------------------------------------

pub struct Client {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Whether every message must parse as the browser parses it (`ServerMsg`).
    pub strict: bool,
    /// The text of the last message returned by `receive`.
    pub last_text: String,
    /// Every text message received, in order (to check what never arrived).
    pub log: Vec<String>,
    /// The last `settings` message.
    pub settings: Option<Value>,
}

/// What arrived when a test waited.
#[derive(Debug)]
pub enum Received {
    Msg(Value),
    Closed,
    Nothing,
}

pub fn canvas(group: &str) -> String {
    format!("{group}:canvas")
}

pub fn add_card(card_id: &str, section: &str, text: &str) -> Value {
    json!({ "type": "add_card", "card_id": card_id, "section": section, "text": text })
}

impl Client {
    pub async fn connect(
        addr: SocketAddr,
        code: &str,
        token: Option<&str>,
    ) -> Result<Self, tungstenite::Error> {
        Self::connect_with_cookie(addr, code, token.map(|t| format!("ikz_p_{code}={t}"))).await
    }

    pub async fn connect_with_cookie(
        addr: SocketAddr,
        code: &str,
        cookie: Option<String>,
    ) -> Result<Self, tungstenite::Error> {
        Self::open(addr, &format!("/api/sessions/{code}/live"), cookie).await
    }

    /// Opens a live socket at `path` as the page's browser would.
    async fn open(
        addr: SocketAddr,
        path: &str,
        cookie: Option<String>,
    ) -> Result<Self, tungstenite::Error> {
        let stream = TcpStream::connect(addr).await?;
        Self::open_on(stream, addr, path, cookie).await
    }

    /// Opens a live socket at `path` over `stream`, connected to `addr`.
    async fn open_on(
        stream: TcpStream,
        addr: SocketAddr,
        path: &str,
        cookie: Option<String>,
    ) -> Result<Self, tungstenite::Error> {
        let mut request = format!("ws://{addr}{path}")
            .into_client_request()
            .expect("request");
        // A browser names the page's origin; the server refuses others.
        request.headers_mut().insert(
            "origin",
            format!("http://{addr}").parse().expect("header value"),
        );
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert("cookie", cookie.parse().expect("header value"));
        }
        let (ws, _) =
            tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream)).await?;
        Ok(Self {
            ws,
            strict: true,
            last_text: String::new(),
            log: Vec::new(),
            settings: None,
        })
    }

    /// The moderator's live channel (cockpit or projector), not greeted yet.
    pub async fn moderator(addr: SocketAddr, cookie: Option<&str>) -> Self {
        Self::open(addr, "/api/moderation/live", cookie.map(str::to_owned))
            .await
            .expect("the moderator channel upgrades for anyone; the hello decides")
    }

    /// The moderator's live channel after `hello` with `token` (the secret
    /// or the projector token).
    pub async fn moderator_hello(addr: SocketAddr, token: &str) -> Self {
        let mut client = Self::moderator(addr, None).await;
        client
            .send(json!({ "type": "hello", "moderator": token, "last_seq": 0, "epoch": 0 }))
            .await;
        client
    }

    pub async fn send_text(&mut self, text: String) {
        self.ws
            .send(Message::Text(text.into()))
            .await
            .expect("send");
    }

    pub async fn send(&mut self, msg: Value) {
        self.send_text(msg.to_string()).await;
    }

    pub async fn hello(&mut self, last_seq: u64) {
        self.send(json!({ "type": "hello", "last_seq": last_seq }))
            .await;
    }

    pub async fn op(&mut self, op_id: &str, board: &str, op: Value) {
        self.send(json!({ "type": "op", "op_id": op_id, "board": board, "op": op }))
            .await;
    }

    /// The next message that is not presence or settings, within `wait`.
    pub async fn receive(&mut self, wait: Duration) -> Received {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let next = match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return Received::Nothing,
                Ok(next) => next,
            };
            let text = match next {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Received::Closed,
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(_)) => continue,
            };
            // Every message must also be one the browser can read.
            if let Err(e) = serde_json::from_str::<ServerMsg>(text.as_str()) {
                assert!(
                    !self.strict,
                    "server sent a message the client cannot parse ({e}): {text}"
                );
            }
            self.log.push(text.as_str().to_owned());
            let value: Value = serde_json::from_str(text.as_str()).expect("JSON");
            if value["type"] == "settings" {
                self.settings = Some(value["settings"].clone());
                continue;
            }
            if value["type"] != "presence" {
                self.last_text = text.as_str().to_owned();
                return Received::Msg(value);
            }
        }
    }

    /// The next non-presence message, which must be of type `kind`.
    pub async fn expect(&mut self, kind: &str) -> Value {
        match self.receive(WAIT).await {
            Received::Msg(msg) if msg["type"] == kind => msg,
            other => panic!("expected a {kind} message, got {other:?}"),
        }
    }

    /// Says hello and consumes the catch-up; returns the `synced` sequence number.
    pub async fn sync(&mut self, last_seq: u64) -> u64 {
        self.hello(last_seq).await;
        if last_seq == 0 {
            self.expect("snapshot").await;
        }
        self.expect("synced").await["last_seq"]
            .as_u64()
            .expect("seq")
    }

    /// Sends an op and returns the seq of its ack (panics on anything else).
    pub async fn commit(&mut self, op_id: &str, board: &str, op: Value) -> u64 {
        self.op(op_id, board, op).await;
        let ack = self.expect("ack").await;
        assert_eq!(ack["op_id"], op_id);
        ack["seq"].as_u64().expect("seq")
    }
}

pub fn card_texts(board_state_json: &str, section: &str) -> Vec<(String, String)> {
    let state: Value = serde_json::from_str(board_state_json).expect("board JSON");
    state["sections"][section]
        .as_array()
        .map(|cards| {
            cards
                .iter()
                .map(|c| {
                    (
                        c["id"].as_str().unwrap_or_default().to_owned(),
                        c["text"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn board<'a>(room: &'a RoomRecord, board_id: &str) -> Option<&'a BoardState> {
    room.boards.get(board_id)
}

/// (card id, text) of a section's cards on a stored board.
pub fn section_texts(board: &BoardState, section: &str) -> Vec<(String, String)> {
    board
        .sections
        .get(section)
        .map(|cards| {
            cards
                .iter()
                .map(|c| (c.id.clone(), c.text.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// A stored board as JSON, for tests that look at its shape.
pub fn board_value(room: &RoomRecord, board_id: &str) -> Option<Value> {
    board(room, board_id).map(|b| serde_json::to_value(b).expect("board encodes"))
}

pub fn assert_nothing_stored(room: &RoomRecord) {
    assert_eq!(room.last_seq, 0, "{room:?}");
    assert!(room.op_ids.is_empty(), "{room:?}");
    assert!(room.boards.is_empty(), "{room:?}");
}

/// A session with one group and one participant.
pub async fn one_person() -> (Server, String, Person) {
    let server = Server::start().await;
    let session = server.session("ACDEFH").await;
    let group = server.group(&session, "Gruppe A").await;
    let alice = server.person(&session, "ACDEFH", &group, "Alice").await;
    (server, session, alice)
}

/// A moderator request over HTTP to the server at `addr`.
pub async fn moderate_at(
    addr: SocketAddr,
    secret: &str,
    method: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let bearer = format!("Bearer {secret}");
    http_at(
        addr,
        method,
        path,
        &[("Authorization", &bearer)],
        Some(body),
    )
    .await
}

/// An HTTP/1.1 request over a real socket to `addr` with extra headers and
/// an optional JSON body; returns the status and the JSON body (or null).
pub async fn http_at(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let status = response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let json = response
        .split_once("\r\n\r\n")
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .unwrap_or(Value::Null);
    (status, json)
}

/// An export of the moderator's session (`format`: pdf, docx, …) over a
/// real socket: the body's bytes of a 200 answer (not chunked).
pub async fn download(addr: SocketAddr, secret: &str, format: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let request = format!(
        "GET /api/moderation/export/{format} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {secret}\r\nConnection: close\r\n\r\n"
    );
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    assert!(head.starts_with("HTTP/1.1 200"), "{format}: {head}");
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{head}"
    );
    response[split + 4..].to_vec()
}
