//! `GET /metrics` on the real binary: only with the configured token, and
//! the figures move as real clients connect, commit, get refused and leave.

mod common;

use common::binary::{start_with_env, Running};
use common::live::{add_card, Client, Received};
use serde_json::json;
use server::auth::{new_token, token_hash};
use server::store::Store;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CODE: &str = "ACDEFH";
const TOKEN: &str = "metrics-token-for-this-test-0123";

struct Seeded {
    secret: String,
    projector: String,
    alice: String,
    anton: String,
    group_a: String,
    group_b: String,
}

async fn seed(data_dir: &Path) -> Seeded {
    let seeded = common::seed_session(
        data_dir,
        CODE,
        &["Gruppe A", "Gruppe B"],
        &[("Alice", 0), ("Anton", 0)],
    )
    .await;
    let projector = new_token();
    let store = Store::open(&common::data_dir_url(data_dir))
        .await
        .expect("open store");
    store
        .set_secrets(&seeded.id, None, &token_hash(&projector))
        .await
        .expect("projector token");
    store.close().await;
    Seeded {
        secret: seeded.secret,
        projector,
        alice: seeded.tokens[0].clone(),
        anton: seeded.tokens[1].clone(),
        group_a: seeded.groups[0].clone(),
        group_b: seeded.groups[1].clone(),
    }
}

/// One HTTP/1.1 request over a real socket: status, headers and body.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut tcp = TcpStream::connect(addr).await.expect("connect");
    tcp.write_all(request.as_bytes()).await.expect("write");
    let mut reply = String::new();
    tcp.read_to_string(&mut reply).await.expect("read");
    let status = reply
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    (status, head.to_owned(), body.to_owned())
}

/// Every sample of a scrape: `name{labels}` → value.
async fn scrape(addr: SocketAddr) -> BTreeMap<String, f64> {
    let bearer = format!("Bearer {TOKEN}");
    let (status, head, body) =
        http(addr, "GET", "/metrics", &[("Authorization", &bearer)], "").await;
    assert_eq!(status, 200, "{head}\n{body}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/openmetrics-text; version=1.0.0"),
        "{head}"
    );
    assert!(body.ends_with("# EOF\n"), "{body}");
    body.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (key, value) = l.rsplit_once(' ').expect("sample line");
            (key.to_owned(), value.parse::<f64>().expect("sample value"))
        })
        .collect()
}

fn get(m: &BTreeMap<String, f64>, key: &str) -> f64 {
    m.get(key).copied().unwrap_or(0.0)
}

fn connections(m: &BTreeMap<String, f64>, kind: &str) -> f64 {
    get(m, &format!("ikz_live_connections{{kind=\"{kind}\"}}"))
}

fn refusals(m: &BTreeMap<String, f64>, channel: &str, kind: &str) -> f64 {
    get(
        m,
        &format!("ikz_refusals_total{{channel=\"{channel}\",kind=\"{kind}\"}}"),
    )
}

async fn participant(addr: SocketAddr, token: &str) -> Client {
    let mut client = Client::connect(addr, CODE, Some(token))
        .await
        .expect("connect");
    client.sync(0).await;
    client
}

/// The next message of type `kind`, passing over the group's broadcast ops.
async fn next_of(client: &mut Client, kind: &str) -> serde_json::Value {
    loop {
        let msg = match client.receive(common::live::WAIT).await {
            Received::Msg(msg) => msg,
            other => panic!("expected a {kind} message, got {other:?}"),
        };
        if msg["type"] == kind {
            return msg;
        }
        assert!(
            msg["type"] == "op" || msg["type"] == "activity",
            "expected {kind}: {msg}"
        );
    }
}

/// Sends an op and waits for its ack.
async fn commit(client: &mut Client, op_id: &str, board: &str, op: serde_json::Value) {
    client.op(op_id, board, op).await;
    let ack = next_of(client, "ack").await;
    assert_eq!(ack["op_id"], op_id);
}

/// Polls until `done` holds for a scrape (connections close asynchronously).
async fn eventually(addr: SocketAddr, what: &str, done: impl Fn(&BTreeMap<String, f64>) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let m = scrape(addr).await;
        if done(&m) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}: {m:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_the_token_and_follow_real_traffic() {
    let data = tempfile::tempdir().expect("data dir");
    let site = tempfile::tempdir().expect("site root");
    let log = site.path().join("server.log");
    let seeded = seed(data.path()).await;
    let Running {
        child: _server,
        addr,
    } = start_with_env(
        data.path(),
        site.path(),
        &log,
        &[("IKZ_METRICS_TOKEN", TOKEN)],
    )
    .await;

    // Who may read: only the token's holder.
    let (status, head, _) = http(addr, "GET", "/metrics", &[], "").await;
    assert_eq!(status, 401);
    assert!(
        head.to_ascii_lowercase()
            .contains("www-authenticate: bearer"),
        "{head}"
    );
    let (status, _, _) = http(
        addr,
        "GET",
        "/metrics",
        &[("Authorization", "Bearer wrong")],
        "",
    )
    .await;
    assert_eq!(status, 401);
    let (status, _, _) = http(
        addr,
        "GET",
        "/metrics",
        &[("Authorization", &format!("Basic {TOKEN}"))],
        "",
    )
    .await;
    assert_eq!(status, 401);

    let before = scrape(addr).await;
    assert_eq!(get(&before, "ikz_ops_committed_total"), 0.0, "{before:#?}");
    assert!(
        get(&before, "ikz_http_requests_total{class=\"4xx\"}") >= 3.0,
        "{before:#?}"
    );

    // Two participants, the cockpit and the projector.
    let mut alice = participant(addr, &seeded.alice).await;
    let mut anton = participant(addr, &seeded.anton).await;
    let mut cockpit = Client::moderator_hello(addr, &seeded.secret).await;
    cockpit.expect("snapshot").await;
    let mut projector = Client::moderator_hello(addr, &seeded.projector).await;
    projector.expect("snapshot").await;
    let open = scrape(addr).await;
    assert_eq!(connections(&open, "participant"), 2.0, "{open:#?}");
    assert_eq!(connections(&open, "moderator"), 1.0, "{open:#?}");
    assert_eq!(connections(&open, "projector"), 1.0, "{open:#?}");
    assert_eq!(get(&open, "ikz_rooms_in_memory"), 1.0, "{open:#?}");

    // Ten committed ops; a resend of one is acknowledged but not counted.
    let board = format!("{}:canvas", seeded.group_a);
    for i in 0..5 {
        let (a, b) = (format!("a{i}"), format!("b{i}"));
        commit(
            &mut alice,
            &format!("op-a-{i}"),
            &board,
            add_card(&a, "problem", "Karte von Alice"),
        )
        .await;
        commit(
            &mut anton,
            &format!("op-b-{i}"),
            &board,
            add_card(&b, "problem", "Karte von Anton"),
        )
        .await;
    }
    commit(
        &mut alice,
        "op-a-0",
        &board,
        add_card("a0", "problem", "Karte von Alice"),
    )
    .await;
    let committed = scrape(addr).await;
    assert_eq!(
        get(&committed, "ikz_ops_committed_total"),
        10.0,
        "{committed:#?}"
    );
    assert_eq!(get(&committed, "ikz_op_commit_seconds_count"), 10.0);
    let sum = get(&committed, "ikz_op_commit_seconds_sum");
    assert!(sum > 0.0 && sum < 10.0, "commit latency sum {sum}");
    assert_eq!(
        get(&committed, "ikz_op_commit_seconds_bucket{le=\"+Inf\"}"),
        10.0,
        "{committed:#?}"
    );

    // Live refusals by kind.
    let foreign = format!("{}:canvas", seeded.group_b);
    alice
        .op("op-foreign", &foreign, add_card("f1", "problem", "fremd"))
        .await;
    assert_eq!(
        next_of(&mut alice, "rejected").await["refusal"]["kind"],
        "foreign_board"
    );
    alice
        .op("op-invalid", &board, add_card("x1", "no-such-section", "x"))
        .await;
    next_of(&mut alice, "rejected").await;
    alice.send_text("{not json".into()).await;
    next_of(&mut alice, "rejected").await;
    // Anton floods: the op rate limit (burst 200) refuses the rest.
    for i in 0..230 {
        anton
            .op(
                &format!("op-flood-{i}"),
                &foreign,
                add_card(&format!("fl{i}"), "problem", "x"),
            )
            .await;
    }
    let mut limited = 0;
    for _ in 0..230 {
        let msg = next_of(&mut anton, "rejected").await;
        if msg["refusal"]["kind"] == "rate_limited" {
            limited += 1;
        }
    }
    assert!(limited > 0, "no op was rate limited");
    // A message over 16 KiB ends the socket.
    let mut big = Client::connect(addr, CODE, Some(&seeded.alice))
        .await
        .expect("connect");
    big.send_text("x".repeat(20 * 1024)).await;
    let refused = scrape(addr).await;
    assert_eq!(
        refusals(&refused, "live", "foreign_board"),
        1.0 + f64::from(230 - limited),
        "{refused:#?}"
    );
    assert_eq!(
        refusals(&refused, "live", "rate_limited"),
        f64::from(limited)
    );
    assert_eq!(refusals(&refused, "live", "invalid"), 1.0);
    assert_eq!(refusals(&refused, "live", "malformed"), 1.0);
    assert_eq!(get(&refused, "ikz_ops_committed_total"), 10.0);
    eventually(addr, "the oversized message counted", |m| {
        refusals(m, "live", "too_large") == 1.0
    })
    .await;

    // HTTP refusals and status classes.
    let (status, _, _) = http(addr, "GET", "/api/join/ZZZZZZ", &[], "").await;
    assert_eq!(status, 404);
    let (status, _, _) = http(
        addr,
        "POST",
        "/api/import",
        &[("Content-Type", "text/plain")],
        "{}",
    )
    .await;
    assert_eq!(status, 415);
    let (status, _, _) = http(
        addr,
        "POST",
        "/api/sessions",
        &[("Content-Type", "application/json")],
        &json!({"title": "", "date": "2026-11-25", "place": "x"}).to_string(),
    )
    .await;
    assert_eq!(status, 422);
    let after = scrape(addr).await;
    assert_eq!(refusals(&after, "http", "denied"), 1.0, "{after:#?}");
    assert_eq!(refusals(&after, "http", "invalid"), 2.0, "{after:#?}");
    let class = |m: &BTreeMap<String, f64>, c: &str| {
        get(m, &format!("ikz_http_requests_total{{class=\"{c}\"}}"))
    };
    assert_eq!(class(&after, "4xx") - class(&refused, "4xx"), 3.0);
    assert!(class(&after, "2xx") > class(&before, "2xx"));
    // Live upgrades answer 101.
    assert!(class(&after, "1xx") >= 5.0, "{after:#?}");

    // Everyone leaves: the gauges go back to zero.
    for client in [alice, anton, cockpit, projector, big] {
        drop(client);
    }
    eventually(addr, "connections closed", |m| {
        ["participant", "moderator", "projector"]
            .iter()
            .all(|k| connections(m, k) == 0.0)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_there_is_no_metrics_page() {
    let data = tempfile::tempdir().expect("data dir");
    let site = tempfile::tempdir().expect("site root");
    let log = site.path().join("server.log");
    let Running {
        child: _server,
        addr,
    } = start_with_env(data.path(), site.path(), &log, &[]).await;
    let (status, _, _) = http(
        addr,
        "GET",
        "/metrics",
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        "",
    )
    .await;
    assert_eq!(status, 404);
}
