//! Writes from every path at once against the real server over real
//! sockets and a real SQLite file (and the same on PostgreSQL): joins, group creation and ops all queue
//! for the one writer and none answers "database is locked" (5xx).

mod common;

use common::live::{add_card, canvas, Client, Received, WAIT};
use futures_util::future::join_all;
use serde_json::json;
use server::access::TrustedProxies;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const JOINS: usize = 150;
const GROUPS: usize = 18;
const OP_CLIENTS: usize = 8;
const OPS_PER_CLIENT: usize = 30;

/// A server that believes `X-Forwarded-For` from any peer (the tests have no
/// connection info), so each simulated browser has an address of its own
/// and the per-address limits do not hide the writer's behaviour.
async fn start(db: &common::TestDb) -> SocketAddr {
    let proxies = TrustedProxies::parse("0.0.0.0/32").expect("proxies");
    let state = common::state(db.store.clone()).with_trusted_proxies(proxies);
    let router = server::api_router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// One HTTP/1.1 request over a real socket; returns the status.
async fn request(addr: SocketAddr, method: &str, path: &str, headers: &str, body: &str) -> u16 {
    let text = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(text.as_bytes()).await.expect("write");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.expect("read");
    reply
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .expect("status line")
}

async fn concurrent_joins_group_creation_and_ops_never_answer_5xx(db: common::TestDb) {
    let addr = start(&db).await;
    // Seeded through the store of the running server.
    let seeded = common::live::Server { addr, db };
    let (session_id, secret) = seeded.moderated_session("KMNPQR").await;
    let group = seeded.group(&session_id, "Gruppe 0").await;
    let mut writers = Vec::new();
    for i in 0..OP_CLIENTS {
        let who = seeded
            .person(&session_id, "KMNPQR", &group, &format!("Schreiberin {i}"))
            .await;
        writers.push(
            Client::connect(addr, "KMNPQR", Some(&who.token))
                .await
                .expect("ws"),
        );
    }

    let joins = (0..JOINS).map(|i| {
        let body = json!({
            "display_name": format!("Person {i}"), "kommune": "Musterstadt", "group_id": group,
        })
        .to_string();
        let headers = format!(
            "Origin: http://{addr}\r\nX-Forwarded-For: 10.1.{}.{}\r\n",
            i / 200,
            i % 200 + 1
        );
        async move { request(addr, "POST", "/api/join/KMNPQR", &headers, &body).await }
    });
    let groups = (0..GROUPS).map(|i| {
        let body = json!({ "name": format!("Gruppe {}", i + 1), "colour": "#8ecae6" }).to_string();
        let headers = format!("Authorization: Bearer {secret}\r\nOrigin: http://{addr}\r\n");
        async move { request(addr, "POST", "/api/moderation/groups", &headers, &body).await }
    });
    let board = canvas(&group);
    let ops = writers.into_iter().enumerate().map(|(c, mut client)| {
        let board = board.clone();
        async move {
            client.sync(0).await;
            let mut acked = 0;
            for k in 0..OPS_PER_CLIENT {
                let id = format!("op-{c}-{k}");
                client
                    .op(&id, &board, add_card(&id, "problem", "Parallel"))
                    .await;
            }
            while acked < OPS_PER_CLIENT {
                match client.receive(WAIT * 4).await {
                    Received::Msg(m) if m["type"] == "ack" => acked += 1,
                    Received::Msg(m) if m["type"] == "op" || m["type"] == "skip" => {}
                    other => panic!("op {acked} of client {c} not acknowledged: {other:?}"),
                }
            }
            acked
        }
    });
    let (joins, groups, acked) = tokio::join!(
        tokio::spawn(join_all(joins)),
        tokio::spawn(join_all(groups)),
        tokio::spawn(join_all(ops)),
    );
    let (joins, groups, acked) = (joins.unwrap(), groups.unwrap(), acked.unwrap());
    let failed: Vec<_> = joins.iter().chain(&groups).filter(|s| **s >= 500).collect();
    assert!(failed.is_empty(), "5xx answers: {failed:?}");
    assert!(joins.iter().all(|s| *s == 200), "joins: {joins:?}");
    assert!(groups.iter().all(|s| *s == 201), "groups: {groups:?}");
    assert_eq!(acked.iter().sum::<usize>(), OP_CLIENTS * OPS_PER_CLIENT);
}

// On an SQLite file and on PostgreSQL.
crate::on_both_backends!(concurrent_joins_group_creation_and_ops_never_answer_5xx);
