//! Bounded exports against the real binary (its own process, so its
//! typesetting slots are not shared with other tests): more simultaneous PDF
//! requests than slots get either the PDF or a clear "busy, try again"
//! (503, `Retry-After`, code `export_busy`), never anything else.

mod common;

use app::domain::board::{apply, limits, Author, BoardState, Op};
use app::domain::session::{GroupDetails, SessionDetails};
use app::domain::settings::SessionSettings;
use app::domain::templates::CANVAS;
use app::domain::JoinCode;
use serde_json::Value;
use server::auth::{new_token, token_hash};
use server::clock::now;
use server::store::{ImportedGroup, ImportedSession, Store};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A session with one group whose canvas is full: 300 cards of long text,
/// so that one PDF takes a noticeable while. Returns the moderator token.
async fn seed(data_dir: &Path) -> String {
    let store = Store::open(&format!(
        "sqlite://{}",
        data_dir.join("ikz-werkstatt.db").display()
    ))
    .await
    .expect("open store");
    let author = Author {
        id: "p1".into(),
        name: "Anna Müller".into(),
        kommune: String::new(),
        moderator: false,
    };
    let mut board = BoardState::default();
    let sentence = "Gemeinsame Bearbeitung der Anträge im Bürgerbüro mit klaren Fristen. ";
    for i in 0..limits::CARDS_PER_BOARD {
        let section = CANVAS.sections[i % CANVAS.sections.len()].id;
        let text: String = sentence.repeat(6).chars().take(400).collect();
        let op = Op::AddCard {
            card_id: format!("c{i}"),
            section: section.into(),
            text: format!("{i}: {text}"),
        };
        apply(&mut board, &CANVAS, &author, &op).expect("card");
    }
    let details = SessionDetails::validate("Lasttest", "2026-11-25", "Rathaus").unwrap();
    let group = GroupDetails::validate("Gruppe A", "#8ecae6").unwrap();
    let settings = SessionSettings {
        methods: vec!["canvas".into()],
        ..SessionSettings::default()
    };
    let import = ImportedSession {
        details: &details,
        settings: &settings,
        groups: vec![ImportedGroup {
            id: "g1",
            details: &group,
        }],
        boards: vec![("g1:canvas".to_owned(), &board)],
    };
    let token = new_token();
    store
        .import_session(
            &import,
            &JoinCode::parse("ACDEFH").unwrap(),
            &token_hash(&token),
            now(),
        )
        .await
        .expect("import");
    token
}

struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

/// A plain HTTP/1.1 GET over its own connection.
async fn get(addr: SocketAddr, path: &str, token: Option<&str>) -> std::io::Result<Reply> {
    let mut tcp = TcpStream::connect(addr).await?;
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n");
    tcp.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw).await?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or(std::io::ErrorKind::InvalidData)?;
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or(std::io::ErrorKind::InvalidData)?;
    Ok(Reply {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn more_pdf_requests_than_slots_get_the_pdf_or_a_busy_answer() {
    let data = tempfile::tempdir().expect("data dir");
    let site = tempfile::tempdir().expect("site root");
    let token = seed(data.path()).await;
    let log = site.path().join("server.log");
    let server = common::binary::start(data.path(), site.path(), &log).await;
    let addr = server.addr;
    let path = "/api/moderation/export/pdf";

    // One PDF alone (the second: the first also loads the fonts), to know
    // how long one takes on this machine.
    let mut one = Duration::ZERO;
    for _ in 0..2 {
        let started = Instant::now();
        let alone = get(addr, path, Some(&token)).await.expect("pdf");
        one = started.elapsed();
        assert_eq!(
            alone.status,
            200,
            "{}",
            String::from_utf8_lossy(&alone.body)
        );
        assert!(alone.body.starts_with(b"%PDF-"));
    }

    // Enough requests at once that the slots (one per core) cannot serve
    // them all within the 2 s a request waits for one: the last in line
    // would wait about `n / slots` PDFs.
    let slots = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rounds = (4.0 / one.as_secs_f64().max(0.001)).ceil() as usize + 2;
    let n = (slots * rounds).min(256);
    let requests: Vec<_> = (0..n)
        .map(|_| {
            let token = token.clone();
            tokio::spawn(async move { get(addr, path, Some(&token)).await })
        })
        .collect();
    let (mut ok, mut busy) = (0, 0);
    for request in requests {
        let reply = request.await.expect("task").expect("reply");
        match reply.status {
            200 => {
                assert!(reply.body.starts_with(b"%PDF-"));
                ok += 1;
            }
            503 => {
                let body: Value = serde_json::from_slice(&reply.body).expect("JSON error");
                assert_eq!(body["code"], "export_busy", "{body}");
                assert!(
                    body["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("erneut")),
                    "{body}"
                );
                assert!(reply.head.contains("\r\nretry-after: 5"), "{}", reply.head);
                busy += 1;
            }
            other => panic!("status {other}: {}", String::from_utf8_lossy(&reply.body)),
        }
    }
    println!("{n} requests, {slots} slots, one PDF {one:?}: {ok} PDFs, {busy} busy");
    assert!(
        ok >= slots,
        "{ok} PDFs of {n} ({slots} slots, one took {one:?})"
    );
    assert!(
        busy > 0,
        "no busy answer among {n} ({slots} slots, one took {one:?})"
    );

    // Once the burst is over, the next request is served again.
    let after = get(addr, path, Some(&token)).await.expect("pdf");
    assert_eq!(after.status, 200);
}
