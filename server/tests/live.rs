//! The live channel over a real socket: the server runs in-process on a
//! loopback port, clients speak the JSON protocol through tokio-tungstenite,
//! and what they were told is checked against what is on disk.

mod common;

use app::protocol::MAX_CLIENT_MESSAGE;
use common::live::*;
use serde_json::{json, Value};
use server::clock::now;
use std::time::Duration;
use tokio_tungstenite::tungstenite;

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[tokio::test]
async fn ack_comes_after_commit() {
    let (server, session, alice) = one_person().await;
    let mut client = server.connect(&alice).await;
    client.sync(0).await;

    let board_id = canvas(&alice.group);
    let seq = client
        .commit(
            "op-1",
            &board_id,
            add_card("c1", "problem", "Zu viele Formulare"),
        )
        .await;

    // The moment the ack is in hand, an independent reader sees the op.
    let room = server.on_disk(&session).await;
    assert_eq!(room.last_seq, seq);
    assert_eq!(room.op_ids, vec![("op-1".to_owned(), seq)]);
    let state = board(&room, &board_id).expect("board stored");
    assert_eq!(
        section_texts(state, "problem"),
        vec![("c1".to_owned(), "Zu viele Formulare".to_owned())]
    );
}

#[tokio::test]
async fn op_is_broadcast_to_others_in_the_group_but_not_to_other_groups() {
    let server = Server::start().await;
    let session = server.session("ACDEFH").await;
    let group_a = server.group(&session, "Gruppe A").await;
    let group_b = server.group(&session, "Gruppe B").await;
    let alice = server.person(&session, "ACDEFH", &group_a, "Alice").await;
    let anton = server.person(&session, "ACDEFH", &group_a, "Anton").await;
    let bea = server.person(&session, "ACDEFH", &group_b, "Bea").await;

    let mut a1 = server.connect(&alice).await;
    let mut a2 = server.connect(&anton).await;
    let mut b1 = server.connect(&bea).await;
    for c in [&mut a1, &mut a2, &mut b1] {
        c.sync(0).await;
    }

    let board_a = canvas(&group_a);
    let seq = a1
        .commit("op-a", &board_a, add_card("c1", "problem", "Hallo A"))
        .await;

    // The sender and the other member of group A get the committed op.
    for c in [&mut a1, &mut a2] {
        let op = c.expect("op").await;
        assert_eq!(op["seq"], seq);
        assert_eq!(op["op_id"], "op-a");
        assert_eq!(op["board"], board_a);
        assert_eq!(op["author"]["name"], "Alice");
        assert_eq!(op["op"]["text"], "Hallo A");
    }

    // Group B does not: its own next op is the first op it hears about
    // (the room's channel is ordered, so A's op would have come first).
    let board_b = canvas(&group_b);
    let seq_b = b1
        .commit("op-b", &board_b, add_card("c1", "ziel", "Hallo B"))
        .await;
    assert_eq!(seq_b, seq + 1);
    let op = b1.expect("op").await;
    assert_eq!(op["op_id"], "op-b");
    // ...and group A does not hear about B's op either.
    assert!(matches!(
        a2.receive(Duration::from_millis(300)).await,
        Received::Nothing
    ));

    // A late joiner of group B sees only group B's board in its snapshot.
    let mut b2 = server.connect(&bea).await;
    b2.hello(0).await;
    let snapshot = b2.expect("snapshot").await;
    let boards = snapshot["boards"].as_object().expect("boards");
    assert_eq!(boards.keys().collect::<Vec<_>>(), vec![&board_b]);
}

#[tokio::test]
async fn replay_from_last_seq_sends_only_missed_ops() {
    let (server, _session, alice) = one_person().await;
    let board_id = canvas(&alice.group);
    let mut writer = server.connect(&alice).await;
    for i in 1..=3u64 {
        let seq = writer
            .commit(
                &format!("op-{i}"),
                &board_id,
                add_card(&format!("c{i}"), "problem", &format!("Karte {i}")),
            )
            .await;
        assert_eq!(seq, i);
    }

    let mut late = server.connect(&alice).await;
    late.hello(1).await;
    for i in 2..=3u64 {
        let op = late.expect("op").await;
        assert_eq!(op["seq"], i);
        assert_eq!(op["op_id"], format!("op-{i}"));
        assert_eq!(op["op"]["card_id"], format!("c{i}"));
    }
    assert_eq!(late.expect("synced").await["last_seq"], 3);

    let mut fresh = server.connect(&alice).await;
    fresh.hello(0).await;
    let snapshot = fresh.expect("snapshot").await;
    assert_eq!(snapshot["last_seq"], 3);
    let cards: Vec<&str> = snapshot["boards"][&board_id]["sections"]["problem"]
        .as_array()
        .expect("cards")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    assert_eq!(cards, vec!["c1", "c2", "c3"]);
    assert_eq!(fresh.expect("synced").await["last_seq"], 3);

    // Up to date: nothing to replay, just synced.
    let mut current = server.connect(&alice).await;
    current.hello(3).await;
    assert_eq!(current.expect("synced").await["last_seq"], 3);
}

#[tokio::test]
async fn duplicate_op_is_acked_once_and_applied_once() {
    let (server, session, alice) = one_person().await;
    let board_id = canvas(&alice.group);
    let mut client = server.connect(&alice).await;
    client.sync(0).await;

    let op = add_card("c1", "problem", "Nur einmal");
    let first = client.commit("op-1", &board_id, op.clone()).await;
    assert_eq!(client.expect("op").await["seq"], first);
    // A resend (e.g. after a reconnect) gets the original seq and no broadcast.
    let second = client.commit("op-1", &board_id, op).await;
    assert_eq!(first, second);
    let next = client
        .commit("op-2", &board_id, add_card("c2", "ziel", "Danach"))
        .await;
    assert_eq!(next, first + 1);
    assert_eq!(client.expect("op").await["op_id"], "op-2");

    let room = server.on_disk(&session).await;
    assert_eq!(room.last_seq, next);
    let mut ops = room.op_ids.clone();
    ops.sort();
    assert_eq!(
        ops,
        vec![("op-1".to_owned(), first), ("op-2".to_owned(), next)]
    );
    let state = board(&room, &board_id).expect("board");
    assert_eq!(section_texts(state, "problem").len(), 1);
}

#[tokio::test]
async fn op_for_another_groups_board_is_refused() {
    let server = Server::start().await;
    let session = server.session("ACDEFH").await;
    let group_a = server.group(&session, "Gruppe A").await;
    let group_b = server.group(&session, "Gruppe B").await;
    let alice = server.person(&session, "ACDEFH", &group_a, "Alice").await;
    let bea = server.person(&session, "ACDEFH", &group_b, "Bea").await;
    let mut a = server.connect(&alice).await;
    let mut b = server.connect(&bea).await;
    a.sync(0).await;
    b.sync(0).await;

    a.op(
        "op-x",
        &canvas(&group_b),
        add_card("c1", "problem", "Fremd"),
    )
    .await;
    let rejected = a.expect("rejected").await;
    assert_eq!(rejected["op_id"], "op-x");
    assert_eq!(rejected["refusal"]["kind"], "foreign_board");
    assert!(matches!(
        b.receive(Duration::from_millis(300)).await,
        Received::Nothing
    ));
    assert_nothing_stored(&server.on_disk(&session).await);
}

#[tokio::test]
async fn op_for_a_board_of_another_session_is_refused() {
    let server = Server::start().await;
    let session_a = server.session("ACDEFH").await;
    let session_b = server.session("JKMNPQ").await;
    let group_a = server.group(&session_a, "Gruppe A").await;
    let group_b = server.group(&session_b, "Gruppe A").await;
    let alice = server.person(&session_a, "ACDEFH", &group_a, "Alice").await;
    let mut a = server.connect(&alice).await;
    a.sync(0).await;

    a.op(
        "op-x",
        &canvas(&group_b),
        add_card("c1", "problem", "Fremd"),
    )
    .await;
    let rejected = a.expect("rejected").await;
    assert_eq!(rejected["refusal"]["kind"], "foreign_board");
    assert_nothing_stored(&server.on_disk(&session_a).await);
    assert_nothing_stored(&server.on_disk(&session_b).await);
}

#[tokio::test]
async fn invalid_op_is_refused_and_writes_nothing() {
    let (server, session, alice) = one_person().await;
    let board_id = canvas(&alice.group);
    let mut a = server.connect(&alice).await;
    a.sync(0).await;

    a.op("op-x", &board_id, add_card("c1", "gibt-es-nicht", "Text"))
        .await;
    let rejected = a.expect("rejected").await;
    assert_eq!(rejected["op_id"], "op-x");
    assert_eq!(rejected["refusal"]["kind"], "invalid");
    assert_eq!(rejected["refusal"]["error"]["kind"], "unknown_section");

    a.op(
        "op-y",
        &format!("{}:gibt-es-nicht", alice.group),
        add_card("c1", "problem", "Text"),
    )
    .await;
    let rejected = a.expect("rejected").await;
    assert_eq!(rejected["refusal"]["kind"], "unknown_template");

    a.send_text("kein JSON".to_owned()).await;
    let rejected = a.expect("rejected").await;
    assert_eq!(rejected["refusal"]["kind"], "malformed_message");

    assert_nothing_stored(&server.on_disk(&session).await);
    // The connection survives refusals.
    assert_eq!(
        a.commit("op-z", &board_id, add_card("c1", "problem", "Gültig"))
            .await,
        1
    );
}

/// Every refusal must parse as the browser's `ServerMsg` (a duplicate `kind`
/// tag once made the browser drop it and keep the op in its outbox forever).
#[tokio::test]
async fn invalid_refusal_is_readable_by_the_client() {
    let (server, _session, alice) = one_person().await;
    let mut a = server.connect(&alice).await;
    a.sync(0).await;
    a.op(
        "op-x",
        &canvas(&alice.group),
        add_card("c1", "gibt-es-nicht", "Text"),
    )
    .await;
    let rejected = a.expect("rejected").await;
    assert_eq!(rejected["refusal"]["kind"], "invalid", "{}", a.last_text);
}

fn http_status(result: Result<Client, tungstenite::Error>) -> u16 {
    match result {
        Ok(_) => panic!("the upgrade must fail"),
        Err(tungstenite::Error::Http(response)) => {
            let body: Value =
                serde_json::from_slice(response.body().as_deref().unwrap_or_default())
                    .expect("JSON error body");
            assert!(body["code"].is_string(), "{body}");
            response.status().as_u16()
        }
        Err(e) => panic!("expected an HTTP refusal, got {e}"),
    }
}

#[tokio::test]
async fn bad_or_missing_token_cannot_connect() {
    let (server, session, alice) = one_person().await;
    let addr = server.addr;
    assert_eq!(
        http_status(Client::connect(addr, "ACDEFH", None).await),
        401
    );
    assert_eq!(
        http_status(Client::connect(addr, "ACDEFH", Some("falsch")).await),
        401
    );
    let expired = server
        .person_expiring(&session, "ACDEFH", &alice.group, "Alt", now() - 1)
        .await;
    assert_eq!(
        http_status(Client::connect(addr, "ACDEFH", Some(&expired.token)).await),
        401
    );
    // An unknown code answers like a wrong cookie (no join-code oracle).
    assert_eq!(
        http_status(Client::connect(addr, "XXXXXX", Some(&alice.token)).await),
        401
    );
    // The right token still works.
    assert!(Client::connect(addr, "ACDEFH", Some(&alice.token))
        .await
        .is_ok());
}

#[tokio::test]
async fn token_of_another_session_cannot_connect() {
    let server = Server::start().await;
    let session_a = server.session("ACDEFH").await;
    server.session("JKMNPQ").await;
    let group_a = server.group(&session_a, "Gruppe A").await;
    let alice = server.person(&session_a, "ACDEFH", &group_a, "Alice").await;
    // Session B's cookie name and URL, session A's token.
    let result = Client::connect(server.addr, "JKMNPQ", Some(&alice.token)).await;
    // Refused like no cookie at all: a 403 would confirm that JKMNPQ exists.
    assert_eq!(http_status(result), 401);
    // A's cookie sent to B's URL is not B's cookie.
    let result = Client::connect_with_cookie(
        server.addr,
        "JKMNPQ",
        Some(format!("ikz_p_ACDEFH={}", alice.token)),
    )
    .await;
    assert_eq!(http_status(result), 401);
}

#[tokio::test]
async fn oversized_message_is_not_accepted() {
    let (server, session, alice) = one_person().await;
    let board_id = canvas(&alice.group);
    let envelope = |op_id: &str| {
        json!({
            "type": "op", "op_id": op_id, "board": board_id,
            "op": add_card(op_id, "problem", "Gepolstert"),
        })
        .to_string()
    };
    // Valid JSON padded with whitespace to a given size.
    let padded = |op_id: &str, size: usize| {
        let text = envelope(op_id);
        let padding = " ".repeat(size - text.len() - 1);
        format!("{}{padding}}}", &text[..text.len() - 1])
    };

    // Just under the limit is fine...
    let mut a = server.connect(&alice).await;
    a.sync(0).await;
    a.send_text(padded("small", MAX_CLIENT_MESSAGE - 16)).await;
    assert_eq!(a.expect("ack").await["op_id"], "small");

    // ...over it is not: the server drops the connection without applying it.
    let mut b = server.connect(&alice).await;
    b.sync(1).await;
    b.send_text(padded("big", MAX_CLIENT_MESSAGE + 1024)).await;
    match b.receive(Duration::from_secs(2)).await {
        Received::Closed => {}
        Received::Msg(msg) => assert_ne!(msg["type"], "ack", "{msg}"),
        Received::Nothing => panic!("the connection should have been closed"),
    }
    let room = server.on_disk(&session).await;
    assert_eq!(room.op_ids, vec![("small".to_owned(), 1)]);
}

/// A browser's typing, reduced to the protocol: a replica (confirmed state
/// plus outbox), a caret on a character, one op per keystroke sent without
/// waiting, and whatever arrives applied as it comes.
struct Typist {
    client: Client,
    replica: app::domain::replica::Replica,
    clock: app::domain::text::Clock,
    caret: Option<app::domain::text::CharId>,
    board: String,
    sent: usize,
    acked: usize,
}

impl Typist {
    async fn join(server: &Server, who: &Person, site: u64) -> Self {
        use app::protocol::ServerMsg;
        let mut client = server.connect(who).await;
        client.hello(0).await;
        let snapshot = client.expect("snapshot").await;
        let Ok(ServerMsg::Snapshot {
            last_seq,
            boards,
            epoch,
        }) = serde_json::from_value(snapshot)
        else {
            panic!("not a snapshot")
        };
        client.expect("synced").await;
        let mut replica = app::domain::replica::Replica::default();
        replica.snapshot(boards, last_seq, epoch);
        Self {
            client,
            replica,
            clock: app::domain::text::Clock::new(site),
            caret: None,
            board: canvas(&who.group),
            sent: 0,
            acked: 0,
        }
    }

    fn text(&self) -> String {
        let me = app::domain::board::Author {
            id: String::new(),
            name: String::new(),
            kommune: String::new(),
            moderator: false,
        };
        self.replica.view(&me)[&self.board]
            .find("c1")
            .expect("card")
            .2
            .text
            .clone()
    }

    /// Types one character at the caret and sends it.
    async fn key(&mut self, c: char) {
        use app::domain::board::{Author, TextField};
        use app::domain::text::{Splice, TextEdit};
        let me = Author {
            id: String::new(),
            name: String::new(),
            kommune: String::new(),
            moderator: false,
        };
        let seq = self.replica.view(&me)[&self.board]
            .find("c1")
            .expect("card")
            .2
            .seq(TextField::Card);
        let splice = Splice {
            at: seq.index_after(self.caret).expect("caret"),
            removed: 0,
            inserted: c.to_string(),
        };
        let edits = seq.splice_edits_at(&splice, self.caret, &mut self.clock);
        if let Some(TextEdit::Insert { id, .. }) = edits.last() {
            self.caret = Some(*id);
        }
        self.sent += 1;
        let op_id = format!("{}-{}", self.clock.site, self.sent);
        self.replica.local_text(
            None,
            || op_id.clone(),
            &self.board,
            "c1",
            TextField::Card,
            edits,
        );
        let env = self.replica.outbox.last().expect("queued").clone();
        self.client
            .op(
                &env.op_id,
                &env.board,
                serde_json::to_value(&env.op).expect("op"),
            )
            .await;
    }

    /// Applies what has arrived within `wait`.
    async fn take_in(&mut self, wait: Duration) {
        use app::protocol::ServerMsg;
        while let Received::Msg(msg) = self.client.receive(wait).await {
            match serde_json::from_value(msg.clone()) {
                Ok(ServerMsg::Op(op)) => self.replica.receive(&op),
                Ok(ServerMsg::Ack { op_id, seq }) => {
                    self.acked += 1;
                    self.replica.acked(&op_id, seq);
                }
                _ => panic!("unexpected {msg}"),
            }
        }
    }
}

#[tokio::test]
async fn two_people_typing_into_one_card_at_once_keep_both_words_on_disk() {
    let server = Server::start().await;
    let session = server.session("ACDEFH").await;
    let group = server.group(&session, "Gruppe A").await;
    let anna = server.person(&session, "ACDEFH", &group, "Anna").await;
    let ben = server.person(&session, "ACDEFH", &group, "Ben").await;
    let board_id = canvas(&group);
    let mut setup = server.connect(&anna).await;
    setup.sync(0).await;
    setup
        .commit(
            "op-add",
            &board_id,
            add_card("c1", "problem", "Schritt: Ratsbeschluss"),
        )
        .await;

    let mut people = [
        Typist::join(&server, &anna, 11).await,
        Typist::join(&server, &ben, 22).await,
    ];
    // Both carets after "Ratsbeschluss".
    for p in people.iter_mut() {
        p.caret = Some(app::domain::text::CharId::new(0, 22));
    }
    let words: [Vec<char>; 2] = [
        " im März".chars().collect(),
        " vorbereiten".chars().collect(),
    ];
    for i in 0..words[1].len() {
        for (p, word) in people.iter_mut().zip(&words) {
            if let Some(c) = word.get(i) {
                p.key(*c).await;
            }
        }
        // Sometimes the other's keys arrive in between, sometimes not.
        if i % 3 == 0 {
            for p in people.iter_mut() {
                p.take_in(Duration::from_millis(2)).await;
            }
        }
    }
    for p in people.iter_mut() {
        while p.acked < p.sent || !p.replica.outbox.is_empty() {
            p.take_in(Duration::from_millis(200)).await;
        }
    }
    // Everything both typed is committed; catch up on the last broadcasts.
    let room = server.on_disk(&session).await;
    for p in people.iter_mut() {
        while p.replica.last_seq < room.last_seq {
            p.take_in(Duration::from_millis(200)).await;
        }
    }
    let state = board(&room, &board_id).expect("board stored");
    let text = section_texts(state, "problem")[0].1.clone();
    assert!(
        text == "Schritt: Ratsbeschluss im März vorbereiten"
            || text == "Schritt: Ratsbeschluss vorbereiten im März",
        "{text}"
    );
    for p in &people {
        assert_eq!(p.text(), text);
    }
    // Both typed at the end: nobody changed the other's words.
    let stored: Value = serde_json::to_value(state).expect("JSON");
    assert!(stored["sections"]["problem"][0]["conflict"].is_null());
}
