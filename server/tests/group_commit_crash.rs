//! Group commit under kill -9, with the real binary: participants of several
//! sessions stream ops at once, so their ops share transactions; the server
//! is killed with SIGKILL mid-burst, over many cycles. Every op that was
//! acknowledged must be in the database with the seq it was acknowledged
//! with, and its card on the board as loaded (snapshot + replay).

use app::domain::session::{GroupDetails, ParticipantDetails, SessionDetails};
use app::domain::JoinCode;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use server::auth::{new_token, token_hash};
use server::clock::now;
use server::store::Store;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const SESSIONS: [&str; 4] = ["HCAAAA", "HCCCCC", "HCDDDD", "HCEEEE"];
const CYCLES: usize = 10;
/// Ops per client and cycle at most (a board holds 300 cards; each cycle
/// uses its own board by template and group).
const OPS: usize = 60;
const WINDOW: usize = 8;
/// Acks the clients wait for before the kill, so every cycle kills a burst
/// under way, on a fast machine as on a loaded one.
const MIN_ACKS_BEFORE_KILL: usize = 12;
const TEMPLATES: [(&str, &str); 5] = [
    ("canvas", "problem"),
    ("swot", "staerken"),
    ("ki", "ideen"),
    ("canvas", "loesung"),
    ("swot", "chancen"),
];

fn db_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("ikz-werkstatt.db").display())
}

/// (session id, join code, token, group id) of every participant.
async fn seed(dir: &Path) -> Vec<(String, String, String, String)> {
    let store = Store::open(&db_url(dir)).await.expect("store");
    let mut people = Vec::new();
    for code in SESSIONS {
        let details = SessionDetails::validate("Gruppen-Commit", "2026-12-01", "Rathaus").unwrap();
        let session = store
            .create_session(
                &details,
                &JoinCode::parse(code).unwrap(),
                &token_hash(&new_token()),
                now(),
            )
            .await
            .expect("session");
        for g in 0..2 {
            let group = store
                .add_group(
                    &session.id,
                    &GroupDetails::validate(&format!("G{g}"), "#8ecae6").unwrap(),
                )
                .await
                .expect("group")
                .id;
            let token = new_token();
            store
                .add_participant(
                    &session.id,
                    &group,
                    &ParticipantDetails::validate(&format!("P{g}"), "Musterstadt").unwrap(),
                    &token_hash(&token),
                    now(),
                    now() + 86_400,
                )
                .await
                .expect("participant");
            people.push((session.id.clone(), code.to_owned(), token, group));
        }
    }
    store.close().await;
    people
}

async fn start(dir: &Path, site: &Path) -> (Child, SocketAddr) {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("addr");
    let child = Command::new(env!("CARGO_BIN_EXE_ikz-werkstatt"))
        .env("IKZ_DATA_DIR", dir)
        .env("IKZ_LISTEN", addr.to_string())
        .env("LEPTOS_OUTPUT_NAME", "ikz_werkstatt")
        .env("LEPTOS_SITE_ROOT", site)
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("RUST_LOG", "error")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start server");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(addr).await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    (child, addr)
}

#[derive(Debug)]
struct Acked {
    session: String,
    op_id: String,
    seq: u64,
    board: String,
    section: &'static str,
}

/// Streams ops until `OPS` are answered or the connection dies.
async fn burst(
    addr: SocketAddr,
    (code, token): (String, String),
    session: String,
    board: String,
    section: &'static str,
    tag: String,
    progress: Arc<AtomicUsize>,
) -> Vec<Acked> {
    let mut request = format!("ws://{addr}/api/sessions/{code}/live")
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("origin", format!("http://{addr}").parse().unwrap());
    request
        .headers_mut()
        .insert("cookie", format!("ikz_p_{code}={token}").parse().unwrap());
    let Ok((mut ws, _)) = tokio_tungstenite::connect_async(request).await else {
        return Vec::new();
    };
    let mut acked = Vec::new();
    let (mut sent, mut in_flight) = (0, 0);
    loop {
        while sent < OPS && in_flight < WINDOW {
            let id = format!("{tag}-{sent}");
            let msg = json!({ "type": "op", "op_id": id, "board": board,
                "op": { "type": "add_card", "card_id": id, "section": section, "text": "Karte" } });
            if ws
                .send(Message::Text(msg.to_string().into()))
                .await
                .is_err()
            {
                return acked;
            }
            sent += 1;
            in_flight += 1;
        }
        if in_flight == 0 {
            return acked;
        }
        let text = match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => t,
            Ok(Some(Ok(_))) => continue,
            Ok(_) => return acked,
            Err(_) => panic!("no answer for 10 s"),
        };
        let v: Value = serde_json::from_str(text.as_str()).expect("JSON");
        match v["type"].as_str() {
            Some("ack") => {
                in_flight -= 1;
                progress.fetch_add(1, Ordering::Relaxed);
                acked.push(Acked {
                    session: session.clone(),
                    op_id: v["op_id"].as_str().unwrap().to_owned(),
                    seq: v["seq"].as_u64().unwrap(),
                    board: board.clone(),
                    section,
                });
            }
            Some("rejected") => panic!("op refused: {v}"),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn group_committed_ops_of_several_sessions_survive_kill_9_over_many_cycles() {
    let data = tempfile::tempdir().expect("data");
    let site = tempfile::tempdir().expect("site");
    let people = seed(data.path()).await;
    let mut all: Vec<Acked> = Vec::new();
    for cycle in 0..CYCLES {
        let (mut child, addr) = start(data.path(), site.path()).await;
        let (template, section) = TEMPLATES[cycle % TEMPLATES.len()];
        let mut runs = Vec::new();
        let progress = Arc::new(AtomicUsize::new(0));
        for (i, (session, code, token, group)) in people.iter().enumerate() {
            // A fresh board for every pass over the templates.
            let board = format!("{group}:{template}");
            runs.push(tokio::spawn(burst(
                addr,
                (code.clone(), token.clone()),
                session.clone(),
                board,
                section,
                format!("c{cycle}-p{i}"),
                progress.clone(),
            )));
        }
        // Kill mid-burst: once the burst is under way (however slow the
        // machine), at a random moment after that.
        let started = tokio::time::Instant::now();
        while progress.load(Ordering::Relaxed) < MIN_ACKS_BEFORE_KILL
            && started.elapsed() < Duration::from_secs(20)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(rand::random_range(0..150))).await;
        child.kill().await.expect("kill -9");
        let mut acked = 0;
        for r in runs {
            let got = r.await.expect("client");
            acked += got.len();
            all.extend(got);
        }
        eprintln!("cycle {cycle}: {acked} acknowledged before the kill");

        // Every acknowledged op is on disk with its seq, its card on its board.
        let store = Store::open(&db_url(data.path())).await.expect("reopen");
        let mut rooms = BTreeMap::new();
        for (session, ..) in &people {
            if !rooms.contains_key(session) {
                rooms.insert(
                    session.clone(),
                    store.load_room(session).await.expect("load"),
                );
            }
        }
        store.close().await;
        for a in &all {
            let room = &rooms[&a.session];
            assert!(
                room.op_ids.contains(&(a.op_id.clone(), a.seq)),
                "acknowledged op {} (seq {}) lost",
                a.op_id,
                a.seq
            );
            let board = room
                .boards
                .get(&a.board)
                .map(|b| serde_json::to_value(b).expect("board"))
                .expect("board stored");
            let cards = board["sections"][a.section].as_array().expect("section");
            assert!(
                cards.iter().any(|c| c["id"] == a.op_id.as_str()),
                "acknowledged card {} missing from {}",
                a.op_id,
                a.board
            );
        }
    }
    assert!(
        all.len() >= CYCLES * MIN_ACKS_BEFORE_KILL,
        "only {} ops acknowledged in all",
        all.len()
    );
}
