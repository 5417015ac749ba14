//! Storage fails closed. A real server over real sockets on a real SQLite
//! file: when the disk fills up (a tiny tmpfs), the database file is deleted
//! or replaced, or the data directory is read-only, no op is acknowledged
//! that is not committed; ops are refused with a typed, temporary refusal
//! (the browser keeps them and resends); `/healthz` turns red and green again
//! once a probe write commits. Start-up refuses a read-only or locked data
//! directory and a database migrated by someone else, with a clear message.
//! Idle rooms leave the hub's memory and come back from the store.
//!
//! These tests mount tmpfs file systems and so need root; they fail (never
//! skip) when mounting fails.

mod common;

use common::live::*;
use common::TestDb;
use serde_json::Value;
use server::hub::Hub;
use server::store::{Store, StoreError};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::process::Command;

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

/// A tmpfs mounted at `path` until dropped.
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path, options: &str) -> Self {
        std::fs::create_dir_all(path).expect("mount point");
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(path)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "mounting a tmpfs ({options}) at {} failed; these tests need root: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        Self {
            path: path.to_owned(),
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy: the in-process server may still hold the database open.
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.path)
            .status();
    }
}

/// An in-process server (real router, real loopback socket) on the SQLite
/// file `db`.
struct Live {
    server: Server,
    hub: Arc<Hub>,
    url: String,
}

async fn serve_at(db: &Path) -> Live {
    let url = format!("sqlite://{}", db.display());
    let store = Store::open(&url).await.expect("open store");
    let state = common::state(store.clone());
    let hub = state.hub.clone();
    let router = server::api_router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    // `TestDb` wants a directory it owns; the database lives elsewhere.
    let dir = tempfile::tempdir().expect("temp dir");
    Live {
        server: Server {
            addr,
            db: TestDb {
                store,
                dir,
                url: url.clone(),
                pg: None,
            },
        },
        hub,
        url,
    }
}

/// Status of `GET /healthz`.
async fn healthz(server: &Server) -> u16 {
    server.http("GET", "/healthz", &[], None).await.0
}

/// Sends op `n` (a new card) and returns the server's answer to it: the
/// `ack` or `rejected` message (ops and activity in between are skipped).
async fn send_card(client: &mut Client, board: &str, n: usize) -> (String, Value) {
    let op_id = format!("op-{n}");
    client
        .op(
            &op_id,
            board,
            add_card(&format!("c{n}"), "problem", &format!("Karte {n}")),
        )
        .await;
    loop {
        match client.receive(WAIT).await {
            Received::Msg(msg) if msg["op_id"] == op_id.as_str() => return (op_id, msg),
            Received::Msg(_) => continue,
            other => panic!("no answer to {op_id}: {other:?}"),
        }
    }
}

/// Fills the file system of `dir` up to the last byte; returns the filler.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).expect("filler");
    for chunk in [64 * 1024, 4096, 512, 1] {
        let buf = vec![0x55u8; chunk];
        while file.write_all(&buf).is_ok() {}
    }
    let _ = file.sync_all();
    path
}

// ---------------------------------------------------------------------------
// Disk full
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ops_while_the_disk_is_full_are_refused_and_every_acked_op_is_committed() {
    let root = tempfile::tempdir().expect("temp dir");
    let data = root.path().join("data");
    let _mount = Tmpfs::mount(&data, "size=4m");
    let live = serve_at(&data.join("test.db")).await;
    let server = &live.server;
    let session = server.session("ACDEFH").await;
    let group = server.group(&session, "Gruppe A").await;
    let alice = server.person(&session, "ACDEFH", &group, "Alice").await;
    let mut client = server.connect(&alice).await;
    client.sync(0).await;
    let board = canvas(&group);

    let mut acked: BTreeMap<String, u64> = BTreeMap::new();
    // What went wrong, checked after what is on disk (so that a run on a
    // store that acks without committing shows the loss, not just this).
    let mut problems: Vec<String> = Vec::new();
    let mut answer = |phase: &str, (op_id, msg): (String, Value), acked: &mut BTreeMap<_, _>| {
        if msg["type"] == "ack" {
            acked.insert(op_id.clone(), msg["seq"].as_u64().expect("seq"));
        }
        let expected_ack = phase != "full";
        let ok = if expected_ack {
            msg["type"] == "ack"
        } else {
            msg["type"] == "rejected" && msg["refusal"]["kind"] == "storage_unavailable"
        };
        if !ok {
            problems.push(format!("{phase}: {op_id} answered {msg}"));
        }
    };

    // Room to write: every op is acknowledged.
    let mut n = 0;
    for _ in 0..15 {
        n += 1;
        let reply = send_card(&mut client, &board, n).await;
        answer("before", reply, &mut acked);
    }
    assert_eq!(healthz(server).await, 200);

    // Disk full in the middle of the burst: every op refused, typed.
    let filler = fill(&data);
    let mut refused = Vec::new();
    for _ in 0..10 {
        n += 1;
        let reply = send_card(&mut client, &board, n).await;
        refused.push(n);
        answer("full", reply, &mut acked);
    }
    let health_while_full = healthz(server).await;

    // Space freed: healthy again, the browser's resends and new ops commit.
    std::fs::remove_file(&filler).expect("free space");
    let health_after = healthz(server).await;
    for m in refused {
        let reply = send_card(&mut client, &board, m).await;
        answer("resent", reply, &mut acked);
    }
    for _ in 0..10 {
        n += 1;
        let reply = send_card(&mut client, &board, n).await;
        answer("after", reply, &mut acked);
    }

    // Every acked op is committed, as a second, independent connection sees it.
    let check = |room: server::store::RoomRecord, when: &str| {
        let on_disk: BTreeMap<String, u64> = room.op_ids.iter().cloned().collect();
        for (op_id, seq) in &acked {
            assert_eq!(
                on_disk.get(op_id),
                Some(seq),
                "{when}: acked {op_id} (seq {seq}) is not committed; on disk: {on_disk:?}"
            );
        }
        assert_eq!(
            room.last_seq,
            acked.values().copied().max().unwrap_or(0),
            "{when}"
        );
        let cards = section_texts(&board_of(&room, &canvas(&group)), "problem");
        assert_eq!(cards.len(), acked.len(), "{when}: cards on the board");
    };
    let other = Store::open(&live.url).await.expect("second store");
    check(other.load_room(&session).await.expect("load"), "live");
    other.close().await;
    // And after a restart of the store.
    server.store().close().await;
    let again = Store::open(&live.url).await.expect("reopen");
    check(again.load_room(&session).await.expect("load"), "restart");
    again.close().await;

    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(health_while_full, 503, "/healthz while the disk is full");
    assert_eq!(health_after, 200, "/healthz once space is free");
    assert_eq!(acked.len(), 35);
}

/// Streams ops (a few unanswered at a time, as a browser's outbox does)
/// until `stop`; returns (op id → acked seq, ops refused as storage
/// unavailable).
async fn stream_cards(
    mut client: Client,
    board: String,
    who: usize,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> (BTreeMap<String, u64>, usize) {
    use std::sync::atomic::Ordering;
    const WINDOW: usize = 4;
    const MAX: usize = 300;
    // Paced by the clock, not by the acks: a release build acks so fast
    // that ack-driven sending finished before the disk filled up.
    const EVERY: Duration = Duration::from_millis(8);
    let (mut acked, mut refused) = (BTreeMap::new(), 0);
    let (mut sent, mut open) = (0, 0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut next_send = tokio::time::Instant::now();
    loop {
        let stopped = stop.load(Ordering::Acquire) || sent >= MAX;
        if open < WINDOW && !stopped && tokio::time::Instant::now() >= next_send {
            next_send += EVERY;
            let id = format!("p{who}-{sent}");
            client
                .op(
                    &id,
                    &board,
                    add_card(&id, "problem", &format!("Karte {id}")),
                )
                .await;
            sent += 1;
            open += 1;
        } else if open == 0 && stopped {
            return (acked, refused);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "participant {who}: {open} ops unanswered"
        );
        // One op about every 8 ms per participant.
        match client.receive(Duration::from_millis(2)).await {
            Received::Msg(msg) if msg["type"] == "ack" => {
                open -= 1;
                let id = msg["op_id"].as_str().expect("op id").to_owned();
                acked.insert(id, msg["seq"].as_u64().expect("seq"));
            }
            Received::Msg(msg) if msg["type"] == "rejected" => {
                open -= 1;
                assert_eq!(msg["refusal"]["kind"], "storage_unavailable", "{msg}");
                refused += 1;
            }
            Received::Msg(_) | Received::Nothing => {}
            Received::Closed => panic!("participant {who}: connection closed"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_commit_amid_pipelined_ops_leaves_memory_equal_to_the_disk() {
    // Several participants of one session stream ops, so the room sequences
    // ops while earlier ones are still being committed; the disk fills up
    // in the middle. An op whose commit fails takes every op sequenced after
    // it down too; the room takes them back out of memory. Every acked op
    // is on disk with its seq, nothing else is, and what the room holds in
    // memory is exactly what is on disk (so later ops build on it).
    use std::sync::atomic::{AtomicBool, Ordering};
    let root = tempfile::tempdir().expect("temp dir");
    let data = root.path().join("data");
    // Room for the write-ahead log of a few hundred ops before it fills.
    let _mount = Tmpfs::mount(&data, "size=16m");
    let live = serve_at(&data.join("test.db")).await;
    let server = &live.server;
    let session = server.session("ACDEFH").await;
    let group = server.group(&session, "Gruppe A").await;
    let board = canvas(&group);
    let stop = Arc::new(AtomicBool::new(false));
    let mut streams = Vec::new();
    for who in 0..4 {
        let person = server
            .person(&session, "ACDEFH", &group, &format!("Person {who}"))
            .await;
        let mut client = server.connect(&person).await;
        client.sync(0).await;
        streams.push(tokio::spawn(stream_cards(
            client,
            board.clone(),
            who,
            stop.clone(),
        )));
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    let filler = fill(&data);
    tokio::time::sleep(Duration::from_millis(250)).await;
    std::fs::remove_file(&filler).expect("free space");
    tokio::time::sleep(Duration::from_millis(250)).await;
    stop.store(true, Ordering::Release);
    let (mut acked, mut refused) = (BTreeMap::new(), 0);
    for stream in streams {
        let (a, r) = stream.await.expect("participant");
        acked.extend(a);
        refused += r;
    }
    assert!(refused > 0, "no op was refused while the disk was full");

    let other = Store::open(&live.url).await.expect("second store");
    let on_disk = other.load_room(&session).await.expect("load");
    other.close().await;
    let stored: BTreeMap<String, u64> = on_disk.op_ids.iter().cloned().collect();
    assert_eq!(
        stored, acked,
        "on disk: exactly the acked ops, with their seqs"
    );
    let seqs: Vec<u64> = acked.values().copied().collect();
    assert_eq!(on_disk.last_seq, seqs.iter().copied().max().unwrap_or(0));
    let mut sorted = seqs.clone();
    sorted.sort_unstable();
    let gapless: Vec<u64> = (1..=sorted.len() as u64).collect();
    assert_eq!(sorted, gapless, "acked seqs have no gap");

    // The room in memory is the room on disk.
    let room = live.hub.room(&session).await.expect("room");
    let (seq, boards) = room.snapshot("").await;
    assert_eq!(seq, on_disk.last_seq, "sequence number in memory");
    assert_eq!(boards, on_disk.boards, "boards in memory");
    // And the next op follows directly.
    let late = server.person(&session, "ACDEFH", &group, "Spät").await;
    let mut client = server.connect(&late).await;
    client.sync(0).await;
    let next = client
        .commit("late", &board, add_card("late", "problem", "Spät"))
        .await;
    assert_eq!(next, on_disk.last_seq + 1);
}

fn board_of(room: &server::store::RoomRecord, id: &str) -> app::domain::board::BoardState {
    board(room, id).cloned().unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Database file deleted or replaced
// ---------------------------------------------------------------------------

/// A session with one participant who committed one op; returns their
/// client, their board and the moderator's secret.
async fn one_acked_op(live: &Live) -> (Client, String, String) {
    let server = &live.server;
    let (session, secret) = server.moderated_session("ACDEFH").await;
    let group = server.group(&session, "Gruppe A").await;
    let alice = server.person(&session, "ACDEFH", &group, "Alice").await;
    let mut client = server.connect(&alice).await;
    client.sync(0).await;
    let board = canvas(&group);
    let (_, reply) = send_card(&mut client, &board, 1).await;
    assert_eq!(reply["type"], "ack", "{reply}");
    assert_eq!(healthz(server).await, 200);
    (client, board, secret)
}

#[tokio::test]
async fn a_deleted_database_file_refuses_ops_and_turns_healthz_red() {
    let root = tempfile::tempdir().expect("temp dir");
    let db = root.path().join("test.db");
    let live = serve_at(&db).await;
    let (mut client, board, secret) = one_acked_op(&live).await;

    std::fs::remove_file(&db).expect("delete database");
    let (_, reply) = send_card(&mut client, &board, 2).await;
    assert_eq!(reply["type"], "rejected", "{reply}");
    assert_eq!(reply["refusal"]["kind"], "storage_unavailable", "{reply}");
    assert_eq!(healthz(&live.server).await, 503);
    // Writes over HTTP are refused the same way, with a typed 503.
    let (status, body) = live
        .server
        .moderate(
            &secret,
            "POST",
            "/api/moderation/groups",
            serde_json::json!({ "name": "Gruppe B", "colour": "#8ecae6" }),
        )
        .await;
    assert_eq!(
        (status, &body["code"]),
        (503, &Value::from("storage_unavailable"))
    );
    // It stays refused: the file the server opened is gone for good.
    let (_, reply) = send_card(&mut client, &board, 3).await;
    assert_eq!(reply["refusal"]["kind"], "storage_unavailable", "{reply}");
    assert_eq!(healthz(&live.server).await, 503);
    // No empty database was created in its place.
    assert!(!db.exists(), "a new database file appeared");
}

#[tokio::test]
async fn a_replaced_database_file_refuses_ops_and_turns_healthz_red() {
    let root = tempfile::tempdir().expect("temp dir");
    let db = root.path().join("test.db");
    let live = serve_at(&db).await;
    let (mut client, board, _) = one_acked_op(&live).await;

    let other = root.path().join("other.db");
    let store = Store::open(&format!("sqlite://{}", other.display()))
        .await
        .expect("other store");
    store.close().await;
    std::fs::rename(&other, &db).expect("replace database");
    let (_, reply) = send_card(&mut client, &board, 2).await;
    assert_eq!(reply["refusal"]["kind"], "storage_unavailable", "{reply}");
    assert_eq!(healthz(&live.server).await, 503);
}

// ---------------------------------------------------------------------------
// Start-up checks (the real binary)
// ---------------------------------------------------------------------------

fn binary(data_dir: &Path, site: &Path, addr: SocketAddr) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ikz-werkstatt"));
    cmd.env("IKZ_DATA_DIR", data_dir)
        .env("IKZ_LISTEN", addr.to_string())
        .env("LEPTOS_OUTPUT_NAME", "ikz_werkstatt")
        .env("LEPTOS_SITE_ROOT", site)
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

/// Runs the binary on `data_dir`, which must refuse to start; returns stderr.
async fn refused_start(data_dir: &Path) -> String {
    let site = tempfile::tempdir().expect("site");
    let child = binary(data_dir, site.path(), free_addr())
        .spawn()
        .expect("start server");
    let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("the server should refuse to start, not run")
        .expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "exit status {}: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[tokio::test]
async fn a_read_only_data_directory_is_refused_at_start() {
    let root = tempfile::tempdir().expect("temp dir");
    let data = root.path().join("ro");
    // Root ignores permission bits; a read-only mount it cannot ignore.
    let _mount = Tmpfs::mount(&data, "ro,size=1m");
    let stderr = refused_start(&data).await;
    assert!(stderr.contains(&data.display().to_string()), "{stderr}");
    assert!(stderr.contains("Read-only file system"), "{stderr}");
}

#[tokio::test]
async fn a_second_server_on_the_same_data_directory_refuses_to_start() {
    let data = tempfile::tempdir().expect("data dir");
    let site = tempfile::tempdir().expect("site");
    let addr = free_addr();
    let mut first = binary(data.path(), site.path(), addr)
        .stderr(Stdio::null())
        .spawn()
        .expect("start first server");
    let probe = Server {
        addr,
        db: common::test_db().await,
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let up = tokio::net::TcpStream::connect(addr).await.is_ok();
        if up && healthz(&probe).await == 200 {
            break;
        }
        assert!(first.try_wait().expect("wait").is_none(), "first exited");
        assert!(tokio::time::Instant::now() < deadline, "first not healthy");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stderr = refused_start(data.path()).await;
    assert!(stderr.contains("ikz-werkstatt.lock"), "{stderr}");
    assert!(stderr.contains("another IKZ-Werkstatt server"), "{stderr}");
    // The first one still serves.
    assert_eq!(healthz(&probe).await, 200);
    first.kill().await.expect("kill first");
}

#[tokio::test]
async fn a_database_migrated_by_a_newer_version_is_refused_with_a_clear_message() {
    let data = tempfile::tempdir().expect("data dir");
    let db = data.path().join("ikz-werkstatt.db");
    let url = format!("sqlite://{}", db.display());
    let store = Store::open(&url).await.expect("open");
    store.close().await;
    {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("raw");
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (9999, 'from the future', TRUE, X'00', 0)",
        )
        .execute(&mut conn)
        .await
        .expect("foreign migration");
        conn.close().await.expect("close");
    }
    match Store::open(&url).await {
        Err(StoreError::Foreign(msg)) => {
            assert!(
                msg.contains("9999") && msg.contains(&db.display().to_string()),
                "{msg}"
            )
        }
        Err(other) => panic!("expected a foreign-database error, got {other}"),
        Ok(_) => panic!("a database with an unknown migration was opened"),
    }
    let stderr = refused_start(data.path()).await;
    assert!(stderr.contains("migration 9999 is unknown"), "{stderr}");
}

// ---------------------------------------------------------------------------
// Idle rooms
// ---------------------------------------------------------------------------

#[tokio::test]
async fn idle_rooms_leave_memory_and_come_back_from_the_store() {
    let root = tempfile::tempdir().expect("temp dir");
    let live = serve_at(&root.path().join("test.db")).await;
    let server = &live.server;
    let session = server.session("ACDEFH").await;
    let group = server.group(&session, "Gruppe A").await;
    let alice = server.person(&session, "ACDEFH", &group, "Alice").await;
    let mut client = server.connect(&alice).await;
    client.sync(0).await;
    let board = canvas(&group);
    let (_, reply) = send_card(&mut client, &board, 1).await;
    assert_eq!(reply["seq"], 1, "{reply}");
    assert_eq!(live.hub.room_count().await, 1);

    // Connected: never evicted, however idle.
    assert_eq!(live.hub.evict_idle(Duration::ZERO).await, 0);
    drop(client);
    // Disconnected but used recently: kept.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(live.hub.evict_idle(Duration::from_secs(3600)).await, 0);
    // Disconnected and idle: dropped (once the server has seen the close).
    let deadline = tokio::time::Instant::now() + WAIT;
    while live.hub.evict_idle(Duration::ZERO).await == 0 {
        assert!(tokio::time::Instant::now() < deadline, "room not evicted");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(live.hub.room_count().await, 0);

    // Next use loads it from the store: the card is there, seqs go on.
    let mut client = server.connect(&alice).await;
    client.hello(0).await;
    let snapshot = client.expect("snapshot").await;
    let cards = snapshot["boards"][&board]["sections"]["problem"]
        .as_array()
        .map(Vec::len);
    assert_eq!(cards, Some(1), "{snapshot}");
    client.expect("synced").await;
    let (_, reply) = send_card(&mut client, &board, 2).await;
    assert_eq!(reply["seq"], 2, "{reply}");
    assert_eq!(live.hub.room_count().await, 1);
}
