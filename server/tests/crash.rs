//! Crash test with the real binary: clients stream ops, the server is killed
//! with SIGKILL in the middle of the burst and restarted on the same data
//! directory. Every op that was acknowledged must be on disk with the seq it
//! was acknowledged with, its card must be on the board, and the restarted
//! server must serve it.

mod common;

use app::domain::session::{GroupDetails, ParticipantDetails, SessionDetails};
use app::domain::JoinCode;
use common::binary::start;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use server::auth::{new_token, token_hash};
use server::clock::now;
use server::store::{RoomRecord, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const CODE: &str = "ACDEFH";
const CYCLES: usize = 3;
/// Ops a client sends per cycle at most: two clients share a board, which
/// holds 300 cards, and a connection may burst 200 ops before rate limiting.
const OPS_PER_CLIENT: usize = 140;
/// Ops a client has in flight (sent, not yet answered).
const WINDOW: usize = 8;
/// One board per cycle (a fresh board keeps each under the card limit).
const BOARDS: [(&str, &str); CYCLES] =
    [("canvas", "problem"), ("swot", "staerken"), ("ki", "ideen")];

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

struct Person {
    token: String,
    group: String,
}

struct Seeded {
    session_id: String,
    people: Vec<Person>,
}

fn db_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("ikz-werkstatt.db").display())
}

/// A session with group A (two people) and group B (one person).
async fn seed(data_dir: &Path) -> Seeded {
    let store = Store::open(&db_url(data_dir)).await.expect("open store");
    let details = SessionDetails::validate("Crash-Test", "2026-11-25", "Rathaus").unwrap();
    let code = JoinCode::parse(CODE).unwrap();
    let session = store
        .create_session(&details, &code, &token_hash(&new_token()), now())
        .await
        .expect("session");
    let mut groups = Vec::new();
    for name in ["Gruppe A", "Gruppe B"] {
        let details = GroupDetails::validate(name, "#8ecae6").unwrap();
        groups.push(store.add_group(&session.id, &details).await.unwrap().id);
    }
    let mut people = Vec::new();
    for (name, group) in [
        ("Alice", &groups[0]),
        ("Anton", &groups[0]),
        ("Bea", &groups[1]),
    ] {
        let token = new_token();
        let details = ParticipantDetails::validate(name, "Musterstadt").unwrap();
        store
            .add_participant(
                &session.id,
                group,
                &details,
                &token_hash(&token),
                now(),
                now() + 86_400,
            )
            .await
            .expect("participant");
        people.push(Person {
            token,
            group: group.clone(),
        });
    }
    Seeded {
        session_id: session.id,
        people,
    }
}

async fn connect(addr: SocketAddr, token: &str) -> Ws {
    let mut request = format!("ws://{addr}/api/sessions/{CODE}/live")
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("origin", format!("http://{addr}").parse().expect("origin"));
    request.headers_mut().insert(
        "cookie",
        format!("ikz_p_{CODE}={token}").parse().expect("cookie"),
    );
    tokio_tungstenite::connect_async(request)
        .await
        .expect("connect")
        .0
}

/// The next message that is not presence or settings; `None` once the connection is gone.
async fn next(ws: &mut Ws) -> Option<Value> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let value: Value = serde_json::from_str(text.as_str()).expect("JSON");
                if value["type"] != "presence" && value["type"] != "settings" {
                    return Some(value);
                }
            }
            Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) => return None,
            Ok(Some(Ok(_))) => {}
            Err(_) => panic!("no message for 10 s"),
        }
    }
}

/// One committed card as its author saw it acknowledged.
#[derive(Debug, Clone)]
struct Acked {
    op_id: String,
    seq: u64,
    board: String,
    section: &'static str,
    card_id: String,
    text: String,
}

struct Pending {
    op_id: String,
    card_id: String,
    text: String,
}

/// Streams `add_card` ops with up to `WINDOW` in flight until `OPS_PER_CLIENT`
/// are answered or the connection dies; returns what was acknowledged and
/// how many ops were sent.
async fn burst(mut ws: Ws, cycle: usize, client: usize, group: String) -> (Vec<Acked>, usize) {
    let (template, section) = BOARDS[cycle];
    let board = format!("{group}:{template}");
    let mut in_flight: BTreeMap<String, Pending> = BTreeMap::new();
    let mut acked = Vec::new();
    let mut sent = 0;
    let mut stop = false;
    loop {
        while !stop && sent < OPS_PER_CLIENT && in_flight.len() < WINDOW {
            let op_id = uuid::Uuid::now_v7().to_string();
            let card_id = format!("k{cycle}-{client}-{sent}");
            let text = format!("Karte {sent} von Client {client} in Runde {cycle}");
            let msg = json!({
                "type": "op", "op_id": op_id, "board": board,
                "op": { "type": "add_card", "card_id": card_id, "section": section, "text": text },
            });
            if ws
                .send(Message::Text(msg.to_string().into()))
                .await
                .is_err()
            {
                return (acked, sent);
            }
            in_flight.insert(
                op_id.clone(),
                Pending {
                    op_id,
                    card_id,
                    text,
                },
            );
            sent += 1;
        }
        if in_flight.is_empty() {
            return (acked, sent);
        }
        let Some(msg) = next(&mut ws).await else {
            return (acked, sent);
        };
        match msg["type"].as_str() {
            Some("ack") => {
                let op_id = msg["op_id"].as_str().expect("op id");
                let pending = in_flight.remove(op_id).expect("ack for an op in flight");
                acked.push(Acked {
                    op_id: pending.op_id,
                    seq: msg["seq"].as_u64().expect("seq"),
                    board: board.clone(),
                    section,
                    card_id: pending.card_id,
                    text: pending.text,
                });
            }
            Some("rejected") => {
                // Rate limited or the board is full: stop sending, not a failure.
                let op_id = msg["op_id"].as_str().unwrap_or_default();
                in_flight.remove(op_id);
                stop = true;
            }
            _ => panic!("unexpected message: {msg}"),
        }
    }
}

/// Checks the database file against everything acknowledged so far.
async fn assert_on_disk(data_dir: &Path, session_id: &str, acked: &[Acked]) -> RoomRecord {
    let store = Store::open(&db_url(data_dir)).await.expect("reopen store");
    let room = store.load_room(session_id).await.expect("load room");
    drop(store);

    let op_seqs: BTreeMap<&str, u64> = room
        .op_ids
        .iter()
        .map(|(id, seq)| (id.as_str(), *seq))
        .collect();
    // The log is gap-free: seqs 1..=last_seq, each once.
    let seqs: BTreeSet<u64> = op_seqs.values().copied().collect();
    assert_eq!(seqs.len(), room.op_ids.len(), "a seq used twice");
    assert_eq!(
        seqs.into_iter().collect::<Vec<_>>(),
        (1..=room.last_seq).collect::<Vec<_>>(),
        "op log has gaps or runs past last_seq"
    );

    let boards: BTreeMap<&str, Value> = room
        .boards
        .iter()
        .map(|(id, b)| (id.as_str(), serde_json::to_value(b).expect("board JSON")))
        .collect();
    for a in acked {
        assert_eq!(
            op_seqs.get(a.op_id.as_str()),
            Some(&a.seq),
            "acknowledged op {} (seq {}) lost or renumbered",
            a.op_id,
            a.seq
        );
        let cards = boards
            .get(a.board.as_str())
            .and_then(|b| b["sections"][a.section].as_array())
            .unwrap_or_else(|| panic!("board {} missing", a.board));
        assert!(
            cards
                .iter()
                .any(|c| c["id"] == a.card_id.as_str() && c["text"] == a.text.as_str()),
            "acknowledged card {} missing from {}",
            a.card_id,
            a.board
        );
    }
    room
}

/// The restarted server hands every acknowledged card of a group to a new client.
async fn assert_served(addr: SocketAddr, person: &Person, acked: &[Acked]) {
    let mut ws = connect(addr, &person.token).await;
    ws.send(Message::Text(
        json!({ "type": "hello", "last_seq": 0 }).to_string().into(),
    ))
    .await
    .expect("hello");
    let snapshot = next(&mut ws).await.expect("snapshot");
    assert_eq!(snapshot["type"], "snapshot", "{snapshot}");
    let last_seq = snapshot["last_seq"].as_u64().expect("seq");
    for a in acked.iter().filter(|a| a.board.starts_with(&person.group)) {
        assert!(a.seq <= last_seq, "server restarted behind an acked op");
        let cards = snapshot["boards"][&a.board]["sections"][a.section]
            .as_array()
            .unwrap_or_else(|| panic!("board {} not served", a.board));
        assert!(
            cards.iter().any(|c| c["id"] == a.card_id.as_str()),
            "card {} not served after restart",
            a.card_id
        );
    }
    let _ = ws.close(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_ops_survive_kill_9() {
    let data = tempfile::tempdir().expect("data dir");
    let site = tempfile::tempdir().expect("site root");
    let log: PathBuf = site.path().join("server.log");
    let seeded = seed(data.path()).await;

    let mut all_acked: Vec<Acked> = Vec::new();
    for cycle in 0..CYCLES {
        let mut server = start(data.path(), site.path(), &log).await;
        if cycle > 0 {
            for person in [&seeded.people[0], &seeded.people[2]] {
                assert_served(server.addr, person, &all_acked).await;
            }
        }

        let mut sockets = Vec::new();
        for person in &seeded.people {
            sockets.push(connect(server.addr, &person.token).await);
        }
        let mut bursts = Vec::new();
        for (client, ws) in sockets.into_iter().enumerate() {
            let group = seeded.people[client].group.clone();
            bursts.push(tokio::spawn(burst(ws, cycle, client, group)));
        }
        let delay = rand::random_range(150..400);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        server.child.kill().await.expect("kill -9");

        let (mut acked, mut sent) = (0, 0);
        for b in bursts {
            let (a, s) = tokio::time::timeout(Duration::from_secs(10), b)
                .await
                .expect("client ends after the kill")
                .expect("client task");
            acked += a.len();
            sent += s;
            all_acked.extend(a);
        }
        eprintln!("cycle {cycle}: killed after {delay} ms; {sent} ops sent, {acked} acknowledged");
        assert!(acked > 0, "no op was acknowledged before the kill");

        let room = assert_on_disk(data.path(), &seeded.session_id, &all_acked).await;
        assert!(room.last_seq >= all_acked.iter().map(|a| a.seq).max().unwrap_or(0));
    }

    // A last restart serves everything acknowledged over all cycles.
    let mut server = start(data.path(), site.path(), &log).await;
    for person in &seeded.people {
        assert_served(server.addr, person, &all_acked).await;
    }
    server.child.kill().await.expect("kill");
}
