//! The real server binary on a real PostgreSQL (`DATABASE_URL=postgres://…`,
//! a database of this process's private cluster, see `common/pg.rs`):
//! several clients send live ops over WebSockets at once; the binary is
//! restarted, and the database refuses connections and terminates the open
//! ones (`pg_terminate_backend`) in the middle of a burst. Every acknowledged op must be in the
//! database exactly once, with the seq it was acknowledged with, and the
//! session's seqs must have no gaps. Ops refused while the database was
//! away (`storage_unavailable`) are sent again, as the browser's outbox
//! does, and must land.

mod common;

use common::binary::{start_on, Running};
use common::live::{add_card, canvas, Client, Received};
use common::{test_db_on, Backend, TestDb};
use server::store::{BackendKind, Store};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CODE: &str = "KMNPQR";
const CLIENTS: usize = 4;

struct Seeded {
    db: TestDb,
    session_id: String,
    people: Vec<common::live::Person>,
}

/// A session with two groups and two people in each, on PostgreSQL.
async fn seed() -> Seeded {
    let db = test_db_on(Backend::Postgres).await;
    assert_eq!(db.store.kind(), BackendKind::Postgres);
    // Seeded through the store; the server is the binary started later.
    let seeding = common::live::Server {
        addr: "127.0.0.1:9".parse().expect("addr"),
        db,
    };
    let session_id = seeding.session(CODE).await;
    let mut people = Vec::new();
    for g in 0..2 {
        let group = seeding.group(&session_id, &format!("Gruppe {g}")).await;
        for p in 0..CLIENTS / 2 {
            people.push(
                seeding
                    .person(&session_id, CODE, &group, &format!("Person {g}{p}"))
                    .await,
            );
        }
    }
    Seeded {
        db: seeding.db,
        session_id,
        people,
    }
}

async fn start(seeded: &Seeded, dir: &Path) -> Running {
    start_on(Some(&seeded.db.url), dir, dir, &dir.join("server.log"), &[]).await
}

/// What one client had acknowledged: op id → seq.
type Acked = BTreeMap<String, u64>;

/// Tallies of one burst.
#[derive(Default, Debug)]
struct Burst {
    acked: Acked,
    /// When each op was acked.
    acked_at: BTreeMap<String, Instant>,
    /// Ops refused as storage_unavailable and sent again.
    resent: usize,
    /// Times the socket closed and the client reconnected.
    reconnects: usize,
    /// Ops acked more than 300 ms after they were first sent: they waited
    /// for the database (the pool waits up to 10 s for a connection).
    waited: usize,
}

/// How long a burst goes on.
#[derive(Clone)]
enum Length {
    /// This many ops per client, as fast as the acks come.
    Ops(usize),
    /// At least this many ops per client, one per `pace`, and on until
    /// `running` turns false: a burst that spans an outage however fast the
    /// machine (a fixed count finished before the first outage on CI).
    Until {
        ops: usize,
        pace: Duration,
        running: Arc<AtomicBool>,
    },
}

impl Length {
    fn goes_on(&self, sent: usize) -> bool {
        match self {
            Length::Ops(ops) => sent < *ops,
            Length::Until { ops, running, .. } => sent < *ops || running.load(Ordering::SeqCst),
        }
    }
}

/// One client sends cards one after another (its outbox of one), as a
/// browser does: a `storage_unavailable` refusal or a closed socket means
/// "send it again" (after reconnecting); only an ack moves on.
async fn client_burst(
    addr: SocketAddr,
    person: common::live::Person,
    tag: String,
    length: Length,
) -> Burst {
    let mut burst = Burst::default();
    let mut client = connect(addr, &person).await;
    let board = canvas(&person.group);
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut n = 0;
    while length.goes_on(n) {
        if let Length::Until { pace, .. } = &length {
            tokio::time::sleep(*pace).await;
        }
        let op_id = uuid::Uuid::now_v7().to_string();
        let first_sent = Instant::now();
        let card = add_card(
            &format!("{tag}-{n}"),
            "problem",
            &format!("{tag} Karte {n}"),
        );
        loop {
            assert!(
                Instant::now() < deadline,
                "{tag}: op {n} never acknowledged"
            );
            client.op(&op_id, &board, card.clone()).await;
            match answer(&mut client, &op_id).await {
                Answer::Acked(seq) => {
                    burst.acked.insert(op_id.clone(), seq);
                    burst.acked_at.insert(op_id.clone(), Instant::now());
                    if first_sent.elapsed() > Duration::from_millis(300) {
                        burst.waited += 1;
                    }
                    n += 1;
                    break;
                }
                Answer::Unavailable => {
                    burst.resent += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Answer::Closed => {
                    burst.reconnects += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    client = connect(addr, &person).await;
                }
            }
        }
    }
    burst
}

enum Answer {
    Acked(u64),
    Unavailable,
    Closed,
}

/// Waits for the answer to `op_id`, skipping other clients' ops.
async fn answer(client: &mut Client, op_id: &str) -> Answer {
    loop {
        match client.receive(Duration::from_secs(10)).await {
            Received::Msg(msg) if msg["type"] == "ack" && msg["op_id"] == op_id => {
                return Answer::Acked(msg["seq"].as_u64().expect("seq"));
            }
            Received::Msg(msg) if msg["type"] == "rejected" && msg["op_id"] == op_id => {
                assert_eq!(
                    msg["refusal"]["kind"], "storage_unavailable",
                    "only a storage failure may refuse a valid op: {msg}"
                );
                return Answer::Unavailable;
            }
            Received::Msg(_) => continue,
            Received::Closed | Received::Nothing => return Answer::Closed,
        }
    }
}

/// A connected, synced client; retried while the server cannot load the room.
async fn connect(addr: SocketAddr, person: &common::live::Person) -> Client {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut client) = Client::connect(addr, &person.code, Some(&person.token)).await {
            client.hello(0).await;
            loop {
                match client.receive(Duration::from_secs(5)).await {
                    Received::Msg(msg) if msg["type"] == "synced" => return client,
                    Received::Msg(_) => continue,
                    _ => break,
                }
            }
        }
        assert!(Instant::now() < deadline, "could not connect and sync");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Runs a burst of `ops` per client from every person at once.
async fn burst(addr: SocketAddr, seeded: &Seeded, round: usize, length: Length) -> Vec<Burst> {
    let tasks: Vec<_> = seeded
        .people
        .iter()
        .enumerate()
        .map(|(i, person)| {
            tokio::spawn(client_burst(
                addr,
                person.clone(),
                format!("r{round}c{i}"),
                length.clone(),
            ))
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.expect("client task"));
    }
    out
}

/// The session as stored: its room loads (snapshots + replay) and its seqs
/// are 1..=last_seq without a gap. Returns each op id's seq and the number
/// of cards on the boards.
async fn consistent(store: &Store, session_id: &str) -> (BTreeMap<String, u64>, usize) {
    let room = store.load_room(session_id).await.expect("room loads");
    let logged = store
        .ops_since(session_id, None, 0, room.last_seq)
        .await
        .expect("ops");
    let seqs: Vec<u64> = logged.iter().map(|logged| logged.op.seq).collect();
    assert_eq!(
        seqs,
        (1..=room.last_seq).collect::<Vec<_>>(),
        "gap-free seqs"
    );
    let stored: BTreeMap<String, u64> = room.op_ids.iter().cloned().collect();
    assert_eq!(stored.len(), stored.len(), "an op id stored twice");
    let cards = room
        .boards
        .values()
        .map(|b| common::live::section_texts(b, "problem").len())
        .sum();
    (stored, cards)
}

/// Every acked op is in the database exactly once with its acked seq, the
/// session's seqs are 1..=n without a gap, and every card is on its board.
async fn assert_stored(seeded: &Seeded, acked: &Acked, cards: usize) {
    let store = Store::open(&seeded.db.url).await.expect("second store");
    let (stored, on_boards) = consistent(&store, &seeded.session_id).await;
    for (op_id, seq) in acked {
        assert_eq!(stored.get(op_id), Some(seq), "acked op {op_id}");
    }
    // Nothing but acked ops (each client waits for its answer before the next).
    assert_eq!(stored.len(), acked.len(), "an op stored but never acked");
    assert_eq!(on_boards, cards);
    store.close().await;
}

/// Adds the bursts' acks to `into`; returns the ops resent, the reconnects
/// and the ops that waited for the database.
fn merge(bursts: &[Burst], into: &mut Acked) -> (usize, usize, usize) {
    let (mut resent, mut reconnects, mut waited) = (0, 0, 0);
    for b in bursts {
        into.extend(b.acked.iter().map(|(k, v)| (k.clone(), *v)));
        resent += b.resent;
        reconnects += b.reconnects;
        waited += b.waited;
    }
    (resent, reconnects, waited)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_binary_on_postgres_keeps_every_acked_op_across_a_restart() {
    const OPS: usize = 30;
    let seeded = seed().await;
    let dir = tempfile::tempdir().expect("dir");
    let mut acked = Acked::new();
    for round in 0..2 {
        let mut server = start(&seeded, dir.path()).await;
        if round > 0 {
            // The restarted server serves what the first one committed.
            let person = &seeded.people[0];
            let mut client = Client::connect(server.addr, &person.code, Some(&person.token))
                .await
                .expect("connect");
            client.hello(0).await;
            let snapshot = loop {
                match client.receive(Duration::from_secs(10)).await {
                    Received::Msg(msg) if msg["type"] == "snapshot" => break msg,
                    Received::Msg(_) => continue,
                    other => panic!("no snapshot after the restart: {other:?}"),
                }
            };
            let board = &snapshot["boards"][canvas(&seeded.people[0].group)];
            let cards = board["sections"]["problem"].as_array().map_or(0, Vec::len);
            assert_eq!(
                cards,
                OPS * CLIENTS / 2,
                "group 0's cards after the restart"
            );
        }
        let bursts = burst(server.addr, &seeded, round, Length::Ops(OPS)).await;
        let (resent, _, _) = merge(&bursts, &mut acked);
        assert_eq!(resent, 0, "nothing refused while the database is up");
        server.child.kill().await.expect("stop server");
        assert_stored(&seeded, &acked, acked.len()).await;
    }
    assert_eq!(acked.len(), 2 * OPS * CLIENTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn terminating_the_servers_database_connections_loses_no_acked_op() {
    const OPS: usize = 60;
    let seeded = seed().await;
    let dir = tempfile::tempdir().expect("dir");
    let server = start(&seeded, dir.path()).await;
    let name = seeded.db.pg_name();
    // Three outages mid-burst: new connections to the database refused and
    // every open one terminated; 700 ms later connections are allowed again.
    let running = Arc::new(AtomicBool::new(true));
    let still_running = running.clone();
    let killer = tokio::spawn(async move {
        let cluster = common::pg::cluster();
        let psql = move |sql: String| tokio::task::spawn_blocking(move || cluster.psql(&sql));
        let mut killed = 0;
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(400)).await;
            psql(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
                .await
                .expect("psql");
            let out = psql(format!(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .await
            .expect("psql");
            killed += out.trim().parse::<usize>().unwrap_or(0);
            tokio::time::sleep(Duration::from_millis(700)).await;
            psql(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
                .await
                .expect("psql");
        }
        // The clients stop once the database is back for good.
        still_running.store(false, Ordering::SeqCst);
        killed
    });
    let bursts = burst(
        server.addr,
        &seeded,
        0,
        Length::Until {
            ops: OPS,
            pace: Duration::from_millis(15),
            running: running.clone(),
        },
    )
    .await;
    let terminated = killer.await.expect("killer");
    let mut acked = Acked::new();
    let (resent, reconnects, waited) = merge(&bursts, &mut acked);
    println!(
        "{} ops acked by {CLIENTS} clients; {terminated} database connections terminated; \
         {resent} ops refused as storage_unavailable and resent; {waited} ops waited over \
         300 ms for the database; {reconnects} reconnects",
        acked.len()
    );
    assert!(terminated > 0, "no connection was terminated");
    // An op that meets an outage is either refused (its connection died
    // mid-transaction) or waits for a new connection until the database is
    // back; either way some op must have met one.
    assert!(
        resent + waited > 0,
        "no op met an outage: the test proved nothing"
    );
    assert!(acked.len() >= OPS * CLIENTS, "every op acked in the end");
    assert!(
        common::binary::healthy(server.addr).await,
        "healthy again after the database came back"
    );
    assert_stored(&seeded, &acked, acked.len()).await;
}

/// `pg_dump` of the live database in the middle of a burst, restored into a
/// fresh database: the restored session loads (snapshots + replay), its seqs
/// have no gap, and every op acked before the dump began is in it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pg_dump_taken_during_a_live_burst_restores_to_a_consistent_state() {
    const OPS: usize = 100;
    let seeded = seed().await;
    let dir = tempfile::tempdir().expect("dir");
    let server = start(&seeded, dir.path()).await;
    let name = seeded.db.pg_name();
    let dump = dir.path().join("backup.dump");
    let cluster = common::pg::cluster();
    let dumper = {
        let dump = dump.clone();
        let (store, session) = (seeded.db.store.clone(), seeded.session_id.clone());
        tokio::spawn(async move {
            // Dumped once a quarter of the burst is stored.
            loop {
                let stored = store.ops_since(&session, None, 0, u64::MAX / 2).await;
                if stored.map_or(0, |ops| ops.len()) >= OPS * CLIENTS / 4 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let started = Instant::now();
            let out = tokio::process::Command::new(cluster.bin().join("pg_dump"))
                .arg("-h")
                .arg(cluster.socket_dir())
                .args(["-U", "postgres", "-Fc", "-f"])
                .arg(&dump)
                .arg(&name)
                .output()
                .await
                .expect("run pg_dump");
            assert!(
                out.status.success(),
                "pg_dump: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            started
        })
    };
    let bursts = burst(server.addr, &seeded, 0, Length::Ops(OPS)).await;
    let dump_started = dumper.await.expect("dump task");
    let restored = common::pg::PgDb::create();
    let out = tokio::process::Command::new(cluster.bin().join("pg_restore"))
        .arg("-h")
        .arg(cluster.socket_dir())
        .args(["-U", "postgres", "--no-owner", "-d", &restored.name])
        .arg(&dump)
        .output()
        .await
        .expect("run pg_restore");
    assert!(
        out.status.success(),
        "pg_restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Opened as the server would open it (migrations already there).
    let store = Store::open(&restored.url).await.expect("open restored");
    let (stored, on_boards) = consistent(&store, &seeded.session_id).await;
    let (mut before, mut total) = (0, 0);
    for b in &bursts {
        for (op_id, seq) in &b.acked {
            total += 1;
            if b.acked_at[op_id] < dump_started {
                before += 1;
                assert_eq!(stored.get(op_id), Some(seq), "op acked before the dump");
            }
        }
    }
    assert_eq!(
        on_boards,
        stored.len(),
        "every restored op's card, no other"
    );
    println!(
        "dump during the burst: {} of {total} acked ops restored ({before} acked before the dump began)",
        stored.len()
    );
    assert!(
        before > 0 && stored.len() < total,
        "the dump was not taken mid-burst"
    );
    store.close().await;
}
