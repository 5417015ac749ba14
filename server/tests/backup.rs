//! `ikz-werkstatt backup` and `restore` with the real binary: a backup taken
//! while four WebSocket clients stream ops into a running server restores
//! into a fresh data directory; the restored server starts and serves the
//! boards, every op acknowledged before the backup began is in it with its
//! sequence number, the op log has no gaps, and the stored boards equal the
//! replay of the whole log. Restore refuses while a server runs, and refuses
//! a damaged file, leaving the database as it was.

mod common;

use app::domain::JoinCode;
use common::binary::start;
use common::live::Client;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use server::store::Store;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const CODE: &str = "ACDEFH";
const OPS_PER_CLIENT: usize = 120;
const WINDOW: usize = 4;

fn db_url(data_dir: &Path) -> String {
    common::data_dir_url(data_dir)
}

/// A session with two groups of two; returns its id and (token, group) per person.
async fn seed(data_dir: &Path) -> (String, Vec<(String, String)>) {
    let people = [("Erste", 0), ("Zweite", 0), ("Erste", 1), ("Zweite", 1)];
    let seeded = common::seed_session(data_dir, CODE, &["Gruppe A", "Gruppe B"], &people).await;
    let pairs = people
        .iter()
        .zip(&seeded.tokens)
        .map(|((_, group), token)| (token.clone(), seeded.groups[*group].clone()))
        .collect();
    (seeded.id, pairs)
}

/// The binary with a command, on `data_dir`.
async fn run(data_dir: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_ikz-werkstatt"))
        .env("IKZ_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args(args)
        .output()
        .await
        .expect("run ikz-werkstatt")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// (op id, seq) of every acknowledged op, as the clients saw them.
type Acks = Arc<Mutex<Vec<(String, u64)>>>;

/// A live connection, caught up, with `unacked` sent again (as a browser
/// resends its outbox after a reconnect).
async fn open(addr: std::net::SocketAddr, token: &str, unacked: &[(String, String)]) -> Client {
    for _ in 0..20 {
        let Ok(mut live) = Client::connect(addr, CODE, Some(token)).await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        live.sync(0).await;
        let mut sent = true;
        for (_, text) in unacked {
            sent &= live
                .ws
                .send(Message::Text(text.clone().into()))
                .await
                .is_ok();
        }
        if sent {
            return live;
        }
    }
    panic!("could not reconnect");
}

/// The next ack or refusal; `None` when the server closed the socket.
async fn answer(live: &mut Client) -> Option<Value> {
    loop {
        let next = tokio::time::timeout(Duration::from_secs(10), live.ws.next())
            .await
            .expect("an answer within 10 s");
        let Some(Ok(next)) = next else { return None };
        let Message::Text(text) = next else { continue };
        let value: Value = serde_json::from_str(text.as_str()).expect("JSON");
        if value["type"] == "ack" || value["type"] == "rejected" {
            return Some(value);
        }
    }
}

/// Streams cards onto the person's group canvas, several ops in flight.
/// A connection the server closes (one that fell behind the room's
/// broadcast is closed by design) is reopened and the unacknowledged ops
/// are sent again, as the browser does; returns how often that happened.
async fn burst(
    addr: std::net::SocketAddr,
    token: String,
    group: String,
    client: usize,
    acks: Acks,
) -> usize {
    let board = format!("{group}:canvas");
    let section = ["problem", "ziel"][client % 2];
    let mut unacked: Vec<(String, String)> = Vec::new();
    let mut next = 0;
    let mut reconnects = 0;
    let mut live = open(addr, &token, &[]).await;
    loop {
        let mut broken = false;
        while next < OPS_PER_CLIENT && unacked.len() < WINDOW && !broken {
            let op_id = format!("c{client}-{next}");
            let op = json!({
                "type": "op", "op_id": op_id, "board": board,
                "op": { "type": "add_card", "card_id": format!("k{client}-{next}"), "section": section,
                        "text": format!("Karte {next} von Client {client}") },
            })
            .to_string();
            unacked.push((op_id, op.clone()));
            next += 1;
            broken = live.ws.send(Message::Text(op.into())).await.is_err();
        }
        if unacked.is_empty() {
            return reconnects;
        }
        let msg = if broken {
            None
        } else {
            answer(&mut live).await
        };
        let Some(msg) = msg else {
            reconnects += 1;
            live = open(addr, &token, &unacked).await;
            continue;
        };
        assert_eq!(msg["type"], "ack", "refused: {msg}");
        let op_id = msg["op_id"].as_str().expect("op id").to_owned();
        let before = unacked.len();
        unacked.retain(|(id, _)| *id != op_id);
        if unacked.len() < before {
            acks.lock()
                .unwrap()
                .push((op_id, msg["seq"].as_u64().expect("seq")));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backup_during_a_live_burst_restores_consistently() {
    let data = tempfile::tempdir().expect("data dir");
    let site = tempfile::tempdir().expect("site root");
    let backups = tempfile::tempdir().expect("backup dir");
    let log = site.path().join("server.log");
    let (session_id, people) = seed(data.path()).await;
    let mut server = start(data.path(), site.path(), &log).await;

    let acks: Acks = Arc::default();
    let clients: Vec<_> = people
        .iter()
        .enumerate()
        .map(|(i, (token, group))| {
            tokio::spawn(burst(
                server.addr,
                token.clone(),
                group.clone(),
                i,
                acks.clone(),
            ))
        })
        .collect();
    // Wait until the burst is under way, then back up while it runs.
    while acks.lock().unwrap().len() < 60 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let acked_before: Vec<(String, u64)> = acks.lock().unwrap().clone();
    let file = backups.path().join("ikz-backup.db");
    let out = run(data.path(), &["backup", file.to_str().unwrap()]).await;
    assert!(out.status.success(), "backup failed: {}", text(&out));
    let acked_during = acks.lock().unwrap().len();

    // Restoring into the running server's directory is refused.
    let refused = run(data.path(), &["restore", file.to_str().unwrap()]).await;
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("another IKZ-Werkstatt server"),
        "{}",
        text(&refused)
    );

    let mut reconnects = 0;
    for client in clients {
        reconnects += client.await.expect("client");
    }
    let total = acks.lock().unwrap().len();
    assert_eq!(total, 4 * OPS_PER_CLIENT);
    server.child.kill().await.expect("stop server");

    // Restore into a fresh data directory and start a server on it.
    let fresh = tempfile::tempdir().expect("fresh data dir");
    let out = run(fresh.path(), &["restore", file.to_str().unwrap()]).await;
    assert!(out.status.success(), "restore failed: {}", text(&out));
    let restored_server = start(fresh.path(), site.path(), &log).await;

    let store = Store::open(&db_url(fresh.path()))
        .await
        .expect("open restored");
    let room = store
        .load_room(&session_id)
        .await
        .expect("load restored room");
    let seqs: BTreeMap<&str, u64> = room
        .op_ids
        .iter()
        .map(|(id, s)| (id.as_str(), *s))
        .collect();
    println!(
        "backup during the burst: {} ops acked before it started, {} when it ended, {} in the backup, {} in all ({reconnects} reconnects)",
        acked_before.len(),
        acked_during,
        room.last_seq,
        total
    );
    // Everything acknowledged before the backup began is in it, unchanged.
    for (op_id, seq) in &acked_before {
        assert_eq!(
            seqs.get(op_id.as_str()),
            Some(seq),
            "acked op {op_id} missing from the backup"
        );
    }
    assert!(room.last_seq as usize >= acked_before.len());
    assert!(room.last_seq as usize <= total);
    // Gap-free sequence numbers, each once.
    let mut numbers: Vec<u64> = seqs.values().copied().collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=room.last_seq).collect::<Vec<_>>(),
        "gaps in the restored op log"
    );
    // The stored boards (snapshots + replay) equal the replay of the whole log.
    let ops: Vec<String> =
        sqlx::query_scalar("SELECT op_json FROM op_log WHERE session_id = ? ORDER BY seq")
            .bind(&session_id)
            .fetch_all(
                &sqlx::SqlitePool::connect(&db_url(fresh.path()))
                    .await
                    .expect("pool"),
            )
            .await
            .expect("op log");
    assert_eq!(ops.len() as u64, room.last_seq);
    let ops: Vec<_> = ops
        .into_iter()
        .map(|json| server::store::LoggedOp::decode(json).expect("logged op").op)
        .collect();
    let replayed = server::store::replay::replay(BTreeMap::new(), &ops).expect("replay the log");
    assert_eq!(room.boards, replayed.boards);
    let cards: usize = room
        .boards
        .values()
        .map(|b| b.sections.values().map(Vec::len).sum::<usize>())
        .sum();
    assert_eq!(cards as u64, room.last_seq, "one card per committed op");

    // The restored server serves the boards to a participant.
    let (token, group) = &people[0];
    let mut client = Client::connect(restored_server.addr, CODE, Some(token))
        .await
        .expect("connect");
    client.hello(0).await;
    let snapshot = client.expect("snapshot").await;
    assert_eq!(snapshot["last_seq"].as_u64(), Some(room.last_seq));
    assert!(snapshot["boards"][format!("{group}:canvas")].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_damaged_backup_and_keeps_the_database() {
    let data = tempfile::tempdir().expect("data dir");
    let (session_id, _) = seed(data.path()).await;
    let before = std::fs::read(data.path().join("ikz-werkstatt.db")).expect("database");

    let junk: PathBuf = data.path().join("kaputt.db");
    std::fs::write(
        &junk,
        b"SQLite format 3\0 but then nothing of the sort".repeat(100),
    )
    .unwrap();
    let out = run(data.path(), &["restore", junk.to_str().unwrap()]).await;
    assert!(!out.status.success(), "{}", text(&out));

    // A database of another program (a migration we do not know).
    let foreign = data.path().join("fremd.db");
    let out = run(data.path(), &["backup", foreign.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", text(&out));
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", foreign.display()))
        .await
        .expect("open copy");
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'not ours', 1, x'00', 0)")
        .execute(&pool)
        .await
        .expect("foreign migration");
    pool.close().await;
    let out = run(data.path(), &["restore", foreign.to_str().unwrap()]).await;
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("9999"), "{}", text(&out));

    assert_eq!(
        std::fs::read(data.path().join("ikz-werkstatt.db")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring") || n.contains("before-restore"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A good backup restores over an existing database, which is kept.
    let good = data.path().join("gut.db");
    let out = run(data.path(), &["backup", good.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", text(&out));
    let out = run(data.path(), &["restore", good.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("before-restore"), "{}", text(&out));
    let store = Store::open(&db_url(data.path()))
        .await
        .expect("open restored");
    let code = JoinCode::parse(CODE).unwrap();
    let session = store
        .session_by_code(&code)
        .await
        .expect("read")
        .expect("session");
    assert_eq!(session.id, session_id);
}
