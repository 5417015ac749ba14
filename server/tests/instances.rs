//! Two real server binaries on ONE PostgreSQL database (a database of this
//! process's private cluster, see `common/pg.rs`): participants connected to
//! instance A and to instance B write to the same board at the same time.
//! Every client must see every op exactly once, in sequence order; the
//! session's seqs must be gap-free; every acknowledged op must be stored
//! with the seq it was acknowledged with. A settings change, a lock and a
//! move made through A's HTTP API must reach a socket on B. `kill -9` of A
//! mid-burst: B's clients go on, A's clients reconnect to B and resend, and
//! nothing acknowledged is lost. The listening connections are terminated
//! from PostgreSQL mid-burst: the instances listen again and catch up.
//! The cross-instance delivery latency (op sent on A → seen on B) is printed.
//! Presence crosses instances: someone connected to B is online on A's
//! screens, and offline there once they leave or B is killed.

mod common;

use app::protocol::{apply_presence, PresenceEntry, ServerMsg};
use common::binary::{start_on, Running};
use common::live::{add_card, canvas, moderate_at, Client, Person, Received, Server};
use common::{test_db_on, Backend};
use serde_json::{json, Value};
use server::hub::{HEARTBEAT, SILENT};
use server::store::{Store, LISTEN_APPLICATION_NAME};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Barrier};

const CODE: &str = "HJKMNP";
/// How long a presence change may take to cross instances.
const WAIT: Duration = Duration::from_secs(10);

/// A session with one group on PostgreSQL, people in it, and the seeding
/// fixture (its `addr` is set to instance A's once A runs).
struct Seeded {
    server: Server,
    session_id: String,
    secret: String,
    group: String,
    people: Vec<Person>,
}

async fn seed(people: usize) -> Seeded {
    let db = test_db_on(Backend::Postgres).await;
    let server = Server {
        addr: "127.0.0.1:9".parse().expect("addr"),
        db,
    };
    let (session_id, secret) = server.moderated_session(CODE).await;
    let group = server.group(&session_id, "Gruppe A").await;
    let mut all = Vec::new();
    for p in 0..people {
        all.push(
            server
                .person(&session_id, CODE, &group, &format!("Person {p}"))
                .await,
        );
    }
    Seeded {
        server,
        session_id,
        secret,
        group,
        people: all,
    }
}

/// Starts one instance on the seeded database, logging into `dir`.
async fn instance(seeded: &Seeded, dir: &Path, name: &str) -> Running {
    let log = dir.join(format!("{name}.log"));
    start_on(Some(&seeded.server.db.url), dir, dir, &log, &[]).await
}

/// What one client did and saw.
#[derive(Debug, Default)]
struct Outcome {
    /// op id → acknowledged seq.
    acked: BTreeMap<String, u64>,
    /// When each op was last sent (the send that was acknowledged).
    sent_at: HashMap<String, Instant>,
    /// Ops received live on the first connection, in arrival order.
    seen: Vec<(u64, String)>,
    /// When each op id arrived (any connection).
    seen_at: HashMap<String, Instant>,
    /// The sequence number this client has seen up to (live ops, or the
    /// catch-up of a later connection).
    upto: u64,
    /// Ops refused as storage_unavailable and sent again.
    resent: usize,
    /// Times the socket closed and the client connected again.
    reconnects: usize,
}

impl Outcome {
    /// Records a message; returns the answer if it is one to `op_id`.
    fn record(&mut self, msg: &Value, op_id: Option<&str>) -> Option<Answer> {
        match msg["type"].as_str() {
            Some("op") => {
                let seq = msg["seq"].as_u64().expect("seq");
                let id = msg["op_id"].as_str().expect("op id").to_owned();
                assert!(
                    seq > self.upto,
                    "op {seq} arrived after {}: out of order or twice",
                    self.upto
                );
                self.upto = seq;
                self.seen_at.insert(id.clone(), Instant::now());
                if self.reconnects == 0 {
                    self.seen.push((seq, id));
                }
                None
            }
            Some("ack") if op_id.is_some_and(|id| msg["op_id"] == id) => {
                Some(Answer::Acked(msg["seq"].as_u64().expect("seq")))
            }
            Some("rejected") if op_id.is_some_and(|id| msg["op_id"] == id) => {
                assert_eq!(
                    msg["refusal"]["kind"], "storage_unavailable",
                    "only a lost race or a storage failure may refuse a valid op: {msg}"
                );
                Some(Answer::Refused)
            }
            Some("synced") => {
                self.upto = self.upto.max(msg["last_seq"].as_u64().expect("seq"));
                None
            }
            Some("snapshot" | "ack" | "rejected") => None,
            other => panic!("unexpected message {other:?}: {msg}"),
        }
    }
}

enum Answer {
    Acked(u64),
    Refused,
}

/// A connected, synced client: to the first of `addrs` that takes it.
async fn connect(addrs: &[SocketAddr], person: &Person, outcome: &mut Outcome) -> Client {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for addr in addrs {
            let Ok(mut client) = Client::connect(*addr, &person.code, Some(&person.token)).await
            else {
                continue;
            };
            client.hello(0).await;
            while let Received::Msg(msg) = client.receive(Duration::from_secs(5)).await {
                let synced = msg["type"] == "synced";
                outcome.record(&msg, None);
                if synced {
                    return client;
                }
            }
        }
        assert!(Instant::now() < deadline, "could not connect and sync");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How one client takes part.
#[derive(Clone)]
struct Part {
    /// Where it connects: the first, and the next when that one is gone.
    addrs: Vec<SocketAddr>,
    person: Person,
    tag: String,
    /// Ops it writes (0: it only watches).
    ops: usize,
    /// Pause before each op.
    pace: Duration,
}

/// Connects, waits for everyone at `start`, writes its ops one after
/// another (each resent until acknowledged, as the browser's outbox does),
/// then reads until it has seen up to `last` (known once every writer is done).
async fn take_part(
    part: Part,
    start: Arc<Barrier>,
    mut last: watch::Receiver<u64>,
    written: tokio::sync::mpsc::Sender<()>,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut client = connect(&part.addrs, &part.person, &mut outcome).await;
    start.wait().await;
    let board = canvas(&part.person.group);
    let deadline = Instant::now() + Duration::from_secs(60);
    for n in 0..part.ops {
        tokio::time::sleep(part.pace).await;
        let op_id = uuid::Uuid::now_v7().to_string();
        let card = add_card(
            &format!("{}-{n}", part.tag),
            "problem",
            &format!("{} Karte {n}", part.tag),
        );
        'send: loop {
            assert!(
                Instant::now() < deadline,
                "{}: op {n} never acknowledged",
                part.tag
            );
            outcome.sent_at.insert(op_id.clone(), Instant::now());
            client.op(&op_id, &board, card.clone()).await;
            loop {
                match client.receive(Duration::from_secs(10)).await {
                    Received::Msg(msg) => match outcome.record(&msg, Some(&op_id)) {
                        Some(Answer::Acked(seq)) => {
                            outcome.acked.insert(op_id.clone(), seq);
                            break 'send;
                        }
                        Some(Answer::Refused) => {
                            outcome.resent += 1;
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            continue 'send;
                        }
                        None => {}
                    },
                    Received::Closed | Received::Nothing => {
                        outcome.reconnects += 1;
                        client = connect(&part.addrs, &part.person, &mut outcome).await;
                        continue 'send;
                    }
                }
            }
        }
    }
    if part.ops > 0 {
        written.send(()).await.expect("the test waits");
    }
    // Everyone else's ops, up to the last one stored.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let target = *last.borrow_and_update();
        if target > 0 && outcome.upto >= target {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{}: saw ops up to {} of {target}",
            part.tag,
            outcome.upto
        );
        let received = tokio::select! {
            received = client.receive(Duration::from_millis(200)) => Some(received),
            _ = last.changed() => None,
        };
        match received {
            Some(Received::Msg(msg)) => {
                outcome.record(&msg, None);
            }
            Some(Received::Closed) => {
                outcome.reconnects += 1;
                client = connect(&part.addrs, &part.person, &mut outcome).await;
            }
            Some(Received::Nothing) | None => {}
        }
    }
    outcome
}

/// Runs every part at once; once every writer has had every op
/// acknowledged, tells everyone the last stored seq and waits until they
/// have seen up to it. `during` runs alongside (e.g. a kill).
async fn run<F>(seeded: &Seeded, parts: Vec<Part>, during: F) -> Vec<Outcome>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let start = Arc::new(Barrier::new(parts.len()));
    let (last_tx, last_rx) = watch::channel(0u64);
    let writers = parts.iter().filter(|p| p.ops > 0).count();
    let (written_tx, mut written_rx) = tokio::sync::mpsc::channel::<()>(parts.len());
    let tasks: Vec<_> = parts
        .into_iter()
        .map(|part| {
            let (start, last, written) = (start.clone(), last_rx.clone(), written_tx.clone());
            tokio::spawn(take_part(part, start, last, written))
        })
        .collect();
    // A writer that panics drops its sender: then `recv` says so.
    drop(written_tx);
    let during = tokio::spawn(during);
    for _ in 0..writers {
        written_rx.recv().await.expect("a writer ended early");
    }
    let store = Store::open(&seeded.server.db.url).await.expect("store");
    let last = store
        .load_room(&seeded.session_id)
        .await
        .expect("room")
        .last_seq;
    store.close().await;
    last_tx.send(last).expect("clients wait");
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("client task"));
    }
    during.await.expect("side task");
    outcomes
}

/// The session as stored: seqs 1..=last without a gap, every op's card on
/// the board. Returns seq → op id.
async fn stored(seeded: &Seeded) -> BTreeMap<u64, String> {
    let store = Store::open(&seeded.server.db.url)
        .await
        .expect("second store");
    let room = store
        .load_room(&seeded.session_id)
        .await
        .expect("room loads");
    let logged = store
        .ops_since(&seeded.session_id, None, 0, room.last_seq)
        .await
        .expect("ops");
    store.close().await;
    let ops: BTreeMap<u64, String> = logged
        .into_iter()
        .map(|logged| (logged.op.seq, logged.op.op_id))
        .collect();
    assert_eq!(
        ops.keys().copied().collect::<Vec<_>>(),
        (1..=room.last_seq).collect::<Vec<_>>(),
        "gap-free seqs, each once"
    );
    let cards: usize = room
        .boards
        .values()
        .map(|b| common::live::section_texts(b, "problem").len())
        .sum();
    assert_eq!(cards, ops.len(), "every op's card on the board, no other");
    ops
}

/// Every acknowledged op is stored with the seq it was acknowledged with,
/// and nothing is stored that was not acknowledged (each client waits for
/// its answer before the next op).
fn every_ack_stored(outcomes: &[Outcome], stored: &BTreeMap<u64, String>) {
    let mut acked = BTreeMap::new();
    for outcome in outcomes {
        for (op_id, seq) in &outcome.acked {
            assert!(
                acked.insert(op_id.clone(), *seq).is_none(),
                "{op_id} acked twice"
            );
        }
    }
    for (op_id, seq) in &acked {
        assert_eq!(
            stored.get(seq),
            Some(op_id),
            "acked op {op_id} at seq {seq}"
        );
    }
    assert_eq!(acked.len(), stored.len(), "an op stored but never acked");
}

/// A client that stayed connected saw every stored op once, in seq order.
fn saw_everything(name: &str, outcome: &Outcome, stored: &BTreeMap<u64, String>) {
    let expected: Vec<(u64, String)> = stored.iter().map(|(s, id)| (*s, id.clone())).collect();
    assert_eq!(outcome.reconnects, 0, "{name} reconnected");
    assert!(
        outcome.seen == expected,
        "{name} saw {} ops (up to {}), {} stored, or in another order",
        outcome.seen.len(),
        outcome.upto,
        expected.len()
    );
}

/// p50 and p99 of "sent by a client of `from` → seen by `to`" over the
/// ops `from` had acknowledged, and how many.
fn latency(from: &[&Outcome], to: &Outcome) -> (Duration, Duration, usize) {
    let mut times: Vec<Duration> = from
        .iter()
        .flat_map(|o| o.acked.keys().map(move |id| (o, id)))
        .filter_map(|(o, id)| Some(to.seen_at.get(id)?.saturating_duration_since(o.sent_at[id])))
        .collect();
    times.sort();
    let at = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)];
    assert!(!times.is_empty(), "no op crossed instances");
    (at(50), at(99), times.len())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn part(addrs: &[SocketAddr], person: &Person, tag: &str, ops: usize, pace_ms: u64) -> Part {
    Part {
        addrs: addrs.to_vec(),
        person: person.clone(),
        tag: tag.to_owned(),
        ops,
        pace: Duration::from_millis(pace_ms),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clients_on_two_instances_see_every_op_once_in_seq_order() {
    const OPS: usize = 50;
    let seeded = seed(6).await;
    let dir = tempfile::tempdir().expect("dir");
    let a = instance(&seeded, dir.path(), "a").await;
    let b = instance(&seeded, dir.path(), "b").await;
    let p = &seeded.people;
    let parts = vec![
        part(&[a.addr], &p[0], "a0", OPS, 5),
        part(&[a.addr], &p[1], "a1", OPS, 5),
        part(&[b.addr], &p[2], "b0", OPS, 5),
        part(&[b.addr], &p[3], "b1", OPS, 5),
        part(&[a.addr], &p[4], "watch-a", 0, 0),
        part(&[b.addr], &p[5], "watch-b", 0, 0),
    ];
    let names: Vec<String> = parts.iter().map(|p| p.tag.clone()).collect();
    let outcomes = run(&seeded, parts, async {}).await;
    let stored = stored(&seeded).await;
    every_ack_stored(&outcomes, &stored);
    assert_eq!(stored.len(), 4 * OPS);
    for (name, outcome) in names.iter().zip(&outcomes) {
        saw_everything(name, outcome, &stored);
    }
    let resent: usize = outcomes.iter().map(|o| o.resent).sum();
    let (a50, a99, an) = latency(&[&outcomes[0], &outcomes[1]], &outcomes[5]);
    let (b50, b99, bn) = latency(&[&outcomes[2], &outcomes[3]], &outcomes[4]);
    println!(
        "two instances, one board: {} ops by 4 clients (2 per instance), every one seen once and \
         in order by all 6 clients; {resent} ops lost the race for their seq to the other \
         instance and were resent; cross-instance delivery (sent on A → seen on B) p50 {:.2} ms, \
         p99 {:.2} ms over {an} ops; B → A p50 {:.2} ms, p99 {:.2} ms over {bn} ops",
        stored.len(),
        ms(a50),
        ms(a99),
        ms(b50),
        ms(b99)
    );
    drop((a, b));
}

/// Waits until `client`'s last settings message satisfies `ok`.
async fn settings_until(client: &mut Client, what: &str, ok: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !client.settings.as_ref().is_some_and(&ok) {
        assert!(
            Instant::now() < deadline,
            "{what} never reached the other instance's socket: {:?}",
            client.settings
        );
        if let Received::Closed = client.receive(Duration::from_millis(100)).await {
            panic!("socket closed while waiting for {what}");
        }
    }
}

/// A client of `token` connected to the instance at `addr` (named `which`
/// in the failure) and synced from the start.
async fn synced(addr: SocketAddr, token: &str, which: &str) -> Client {
    let mut client = Client::connect(addr, CODE, Some(token))
        .await
        .unwrap_or_else(|e| panic!("connect to {which}: {e:?}"));
    client.sync(0).await;
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn settings_locks_and_moves_made_through_one_instance_reach_the_other() {
    let mut seeded = seed(2).await;
    let dir = tempfile::tempdir().expect("dir");
    let a = instance(&seeded, dir.path(), "a").await;
    let b = instance(&seeded, dir.path(), "b").await;
    seeded.server.addr = a.addr;
    let board = canvas(&seeded.group);
    let mut on_b = synced(b.addr, &seeded.people[0].token, "B").await;
    let mut moved_on_b = synced(b.addr, &seeded.people[1].token, "B").await;

    // Settings through A's API: B's socket hears of them.
    let (status, body) = seeded
        .server
        .moderate(
            &seeded.secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "dots_per_person": 3 }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    settings_until(&mut on_b, "dots per person", |s| s["dots_per_person"] == 3).await;

    // The timer started on A runs on B's screens too.
    for action in [
        json!({ "action": "set", "seconds": 300 }),
        json!({ "action": "start" }),
    ] {
        let (status, body) = seeded
            .server
            .moderate(
                &seeded.secret,
                "PATCH",
                "/api/moderation/settings",
                json!({ "timer": action }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    settings_until(&mut on_b, "the timer", |s| {
        s["timer"]["running_since"].is_i64() && s["timer"]["duration_ms"] == 300_000
    })
    .await;

    // A lock made on A holds in B's engine: B refuses the op.
    let (status, body) = seeded
        .server
        .moderate(
            &seeded.secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "locked": ["canvas"] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    settings_until(&mut on_b, "the lock", |s| s["locked"] == json!(["canvas"])).await;
    on_b.op("op-locked", &board, add_card("c1", "problem", "Zu spät"))
        .await;
    let rejected = on_b.expect("rejected").await;
    assert_eq!(rejected["refusal"]["error"]["kind"], "locked", "{rejected}");

    // A move made on A closes the moved participant's socket on B.
    let nord = seeded.server.group(&seeded.session_id, "Nord").await;
    let participants = seeded
        .server
        .store()
        .participants(&seeded.session_id)
        .await
        .expect("participants");
    let moved = participants
        .iter()
        .find(|p| p.display_name == "Person 1")
        .expect("Person 1");
    let (status, body) = seeded
        .server
        .moderate(
            &seeded.secret,
            "PUT",
            &format!("/api/moderation/participants/{}/group", moved.id),
            json!({ "group_id": nord }),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    moved_on_b.expect("moved").await;
    drop((a, b));
}

/// Two moderator screens change settings at the same moment, one through
/// each instance: every change is kept (each is read and written in one
/// transaction under a row lock; read on one instance and written later, a
/// change made meanwhile on the other was overwritten).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn settings_changed_through_both_instances_at_once_are_all_kept() {
    const EACH: usize = 25;
    let seeded = seed(1).await;
    let dir = tempfile::tempdir().expect("dir");
    let a = instance(&seeded, dir.path(), "a").await;
    let b = instance(&seeded, dir.path(), "b").await;
    let start = Arc::new(Barrier::new(2));
    let writers = [("A", a.addr), ("B", b.addr)].map(|(name, addr)| {
        let (secret, start) = (seeded.secret.clone(), Arc::clone(&start));
        tokio::spawn(async move {
            start.wait().await;
            for i in 0..EACH {
                let merge = json!({ "merge": { "action": "merge",
                    "first": format!("Idee {name}{i}"), "second": format!("Ziel {name}{i}") } });
                let (status, body) =
                    moderate_at(addr, &secret, "PATCH", "/api/moderation/settings", merge).await;
                assert_eq!(status, 200, "{name} {i}: {body}");
            }
        })
    });
    for writer in writers {
        writer.await.expect("writer");
    }
    let store = Store::open(&seeded.server.db.url).await.expect("store");
    let merges = store
        .load_settings(&seeded.session_id)
        .await
        .expect("settings")
        .merges;
    store.close().await;
    assert_eq!(
        merges.len(),
        2 * EACH,
        "changes lost between the instances: {merges:?}"
    );
    drop((a, b));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_one_instance_mid_burst_loses_no_acked_op() {
    const OPS: usize = 60;
    let seeded = seed(5).await;
    let dir = tempfile::tempdir().expect("dir");
    let mut a = instance(&seeded, dir.path(), "a").await;
    let b = instance(&seeded, dir.path(), "b").await;
    let p = &seeded.people;
    // A's clients go to B when A is gone, as behind a load balancer.
    let parts = vec![
        part(&[a.addr, b.addr], &p[0], "a0", OPS, 10),
        part(&[a.addr, b.addr], &p[1], "a1", OPS, 10),
        part(&[b.addr], &p[2], "b0", OPS, 10),
        part(&[b.addr], &p[3], "b1", OPS, 10),
        part(&[b.addr], &p[4], "watch-b", 0, 0),
    ];
    let names: Vec<String> = parts.iter().map(|p| p.tag.clone()).collect();
    let kill = async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        a.child.kill().await.expect("kill -9 instance A");
    };
    let outcomes = run(&seeded, parts, kill).await;
    let stored = stored(&seeded).await;
    every_ack_stored(&outcomes, &stored);
    assert_eq!(stored.len(), 4 * OPS, "every op acknowledged in the end");
    for (name, outcome) in names.iter().zip(&outcomes).take(2) {
        assert!(outcome.reconnects > 0, "{name}: A was not killed mid-burst");
        assert!(!outcome.seen.is_empty(), "{name}: nothing before the kill");
    }
    for (name, outcome) in names.iter().zip(&outcomes).skip(2) {
        saw_everything(name, outcome, &stored);
    }
    let resent: usize = outcomes.iter().map(|o| o.resent).sum();
    let before_kill: usize = outcomes[..2].iter().map(|o| o.seen.len()).sum();
    println!(
        "kill -9 of instance A mid-burst: {} ops stored, all acked, gap-free; A's 2 clients \
         reconnected to B ({} ops seen before the kill); {resent} ops resent; B's 3 clients saw \
         every op once and in order",
        stored.len(),
        before_kill
    );
    drop(b);
}

/// Sends an op and returns the seq of its ack (skipping the echo of ops).
async fn commit(client: &mut Client, op_id: &str, board: &str, op: Value) -> u64 {
    client.op(op_id, board, op).await;
    loop {
        match client.receive(Duration::from_secs(10)).await {
            Received::Msg(msg) if msg["type"] == "ack" && msg["op_id"] == op_id => {
                return msg["seq"].as_u64().expect("seq");
            }
            Received::Msg(msg) if msg["type"] == "op" => continue,
            other => panic!("no ack for {op_id}: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_terminated_listen_connection_is_noticed_and_the_room_catches_up() {
    let seeded = seed(2).await;
    let name = seeded.server.db.pg_name();
    let dir = tempfile::tempdir().expect("dir");
    let a = instance(&seeded, dir.path(), "a").await;
    let b = instance(&seeded, dir.path(), "b").await;
    let board = canvas(&seeded.group);
    let mut writer = synced(a.addr, &seeded.people[0].token, "A").await;
    let mut watcher = synced(b.addr, &seeded.people[1].token, "B").await;
    let seq = commit(
        &mut writer,
        "op-1",
        &board,
        add_card("c1", "problem", "Vorher"),
    )
    .await;
    assert_eq!(watcher.expect("op").await["seq"], seq);

    // The listeners' connections go, and none may come back for a while:
    // what A commits meanwhile is announced to nobody.
    let cluster = common::pg::cluster();
    let psql = move |sql: String| tokio::task::spawn_blocking(move || cluster.psql(&sql));
    psql(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .await
        .expect("psql");
    let terminated = psql(format!(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE datname = '{name}' AND application_name = '{LISTEN_APPLICATION_NAME}'"
    ))
    .await
    .expect("psql");
    assert_eq!(terminated.trim(), "2", "one listener per instance");
    // A still has pooled connections, so it commits; B hears nothing.
    let seq = commit(
        &mut writer,
        "op-2",
        &board,
        add_card("c2", "problem", "Währenddessen"),
    )
    .await;
    assert!(
        matches!(
            watcher.receive(Duration::from_millis(500)).await,
            Received::Nothing
        ),
        "B heard of an op while it could not listen"
    );
    psql(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .await
        .expect("psql");
    // B listens again and catches up from the store; no other op follows
    // that could bring the missed one along.
    let started = Instant::now();
    match watcher.receive(Duration::from_secs(15)).await {
        Received::Msg(msg) => {
            assert_eq!(msg["type"], "op", "{msg}");
            assert_eq!(msg["seq"], seq, "{msg}");
        }
        other => panic!("the op committed while B could not listen never arrived: {other:?}"),
    }
    println!(
        "listen connections terminated ({}); the missed op reached B {:.0} ms after connections \
         were allowed again",
        terminated.trim(),
        ms(started.elapsed())
    );
    drop((a, b));
}

/// Who `client`'s presence messages say is online, as the browser keeps it.
#[derive(Default)]
struct OnlineList {
    list: Vec<PresenceEntry>,
    /// Messages of `client.log` already applied.
    read: usize,
}

impl OnlineList {
    fn has(&self, participant_id: &str) -> bool {
        self.list.iter().any(|e| e.participant_id == participant_id)
    }

    /// Reads `client` until `ok` holds for its list, within `within`
    /// (failing with `what`); returns how long that took.
    async fn until(
        &mut self,
        client: &mut Client,
        what: &str,
        within: Duration,
        ok: impl Fn(&Self) -> bool,
    ) -> Duration {
        let started = Instant::now();
        loop {
            for text in &client.log[self.read..] {
                if let Ok(ServerMsg::Presence {
                    online,
                    delta,
                    left,
                }) = serde_json::from_str(text)
                {
                    apply_presence(&mut self.list, online, delta, &left);
                }
            }
            self.read = client.log.len();
            if ok(self) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < within,
                "{what} within {within:?}; online: {:?}",
                self.list
            );
            if let Received::Closed = client.receive(Duration::from_millis(100)).await {
                panic!("socket closed while waiting until {what}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn presence_crosses_instances_and_a_killed_instance_leaves_no_ghost() {
    let seeded = seed(3).await;
    let dir = tempfile::tempdir().expect("dir");
    let a = instance(&seeded, dir.path(), "a").await;
    let mut b = instance(&seeded, dir.path(), "b").await;
    let participants = seeded
        .server
        .store()
        .participants(&seeded.session_id)
        .await
        .expect("participants");
    let id = |name: &str| {
        participants
            .iter()
            .find(|p| p.display_name == name)
            .map(|p| p.id.clone())
            .expect("participant")
    };
    let (p0, p1, p2) = (id("Person 0"), id("Person 1"), id("Person 2"));
    let people = &seeded.people;
    let mut watcher = synced(a.addr, &people[0].token, "A").await;
    let mut seen = OnlineList::default();
    seen.until(&mut watcher, "the watcher sees itself", WAIT, |s| {
        s.has(&p0)
    })
    .await;
    let mut cockpit = Client::moderator_hello(a.addr, &seeded.secret).await;
    let mut cockpit_seen = OnlineList::default();

    // Someone connected to B is online on A's screens, with their name.
    let on_b = synced(b.addr, &people[1].token, "B").await;
    let joined = seen
        .until(&mut watcher, "Person 1 on B is online on A", WAIT, |s| {
            s.list
                .iter()
                .any(|e| e.participant_id == p1 && e.name == "Person 1")
        })
        .await;
    cockpit_seen
        .until(&mut cockpit, "the cockpit on A lists Person 1", WAIT, |s| {
            s.has(&p1)
        })
        .await;

    // Leaving B: offline on A.
    drop(on_b);
    let left = seen
        .until(&mut watcher, "Person 1 left B: offline on A", WAIT, |s| {
            !s.has(&p1)
        })
        .await;

    // Back on B, a second person too, and the watcher on B as well: then
    // B dies without a word.
    let _on_b1 = synced(b.addr, &people[1].token, "B").await;
    let _on_b2 = synced(b.addr, &people[2].token, "B").await;
    let _watcher_on_b = synced(b.addr, &people[0].token, "B").await;
    seen.until(
        &mut watcher,
        "Persons 1 and 2 on B online on A",
        WAIT,
        |s| s.has(&p1) && s.has(&p2),
    )
    .await;
    cockpit_seen
        .until(&mut cockpit, "the cockpit lists both", WAIT, |s| {
            s.has(&p1) && s.has(&p2)
        })
        .await;
    b.child.kill().await.expect("kill -9 instance B");
    let bound = SILENT + 3 * HEARTBEAT;
    let ghost_gone = seen
        .until(
            &mut watcher,
            "B's people offline after kill -9",
            bound,
            |s| !s.has(&p1) && !s.has(&p2),
        )
        .await;
    cockpit_seen
        .until(&mut cockpit, "the cockpit drops B's people", WAIT, |s| {
            !s.has(&p1) && !s.has(&p2)
        })
        .await;
    assert!(
        seen.has(&p0),
        "the watcher, also connected to B, stays online on A: {:?}",
        seen.list
    );
    println!(
        "presence across instances: joined on B → online on A after {:.0} ms, left B → offline \
         on A after {:.0} ms; kill -9 of B → its people offline on A after {:.1} s (bound {:.0} s)",
        ms(joined),
        ms(left),
        ghost_gone.as_secs_f64(),
        bound.as_secs_f64()
    );
    drop(a);
}
