//! Fan-out under load, over real sockets: ops from many sessions share one
//! commit; hidden dots leave no gaps in the sequence numbers others see;
//! presence travels as deltas; renewed secrets close the screens that
//! opened with the old ones.

mod common;

use common::live::{add_card, canvas, Client, Received, Server, WAIT};
use futures_util::future::join_all;
use serde_json::{json, Value};
use std::time::Duration;

fn dot(card_id: &str) -> Value {
    json!({ "type": "dot", "card_id": card_id, "add": true })
}

/// Every message until nothing more arrives for `quiet`.
async fn drain(client: &mut Client, quiet: Duration) {
    while let Received::Msg(_) = client.receive(quiet).await {}
}

/// A moderator screen (cockpit with the secret, projector with its token),
/// caught up.
async fn screen(server: &Server, token: &str) -> Client {
    let mut client = Client::moderator_hello(server.addr, token).await;
    loop {
        match client.receive(WAIT).await {
            Received::Msg(m) if m["type"] == "synced" => return client,
            Received::Msg(_) => {}
            other => panic!("screen not caught up: {other:?}"),
        }
    }
}

/// Waits for the server to close `client`; anything else first is an error.
async fn closed(client: &mut Client) -> bool {
    loop {
        match client.receive(WAIT).await {
            Received::Closed => return true,
            Received::Nothing => return false,
            Received::Msg(m) if m["type"] == "activity" => {}
            Received::Msg(m) => panic!("expected the socket to close, got {m}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ops_of_many_sessions_share_commits_and_all_are_acknowledged() {
    let server = Server::start().await;
    let mut clients = Vec::new();
    for s in 0..8 {
        let code = format!("KMNP{}{}", ["A", "C", "D", "E"][s % 4], ["F", "H"][s / 4]);
        let session = server.session(&code).await;
        let group = server.group(&session, "Gruppe").await;
        let who = server.person(&session, &code, &group, "Schreiberin").await;
        let mut client = server.connect(&who).await;
        client.sync(0).await;
        clients.push((client, group, session));
    }
    let before = server.store().commit_stats();
    let runs = clients
        .into_iter()
        .map(|(mut client, group, session)| async move {
            let board = canvas(&group);
            for k in 0..25 {
                let id = format!("op-{k}");
                client
                    .op(&id, &board, add_card(&id, "problem", "Gleichzeitig"))
                    .await;
            }
            let mut acked = Vec::new();
            while acked.len() < 25 {
                match client.receive(WAIT).await {
                    Received::Msg(m) if m["type"] == "ack" => {
                        acked.push(m["seq"].as_u64().unwrap())
                    }
                    Received::Msg(m) if m["type"] == "op" => {}
                    other => panic!("not acknowledged: {other:?}"),
                }
            }
            (session, acked)
        });
    let results = join_all(runs).await;
    let (commits, ops) = server.store().commit_stats();
    let (commits, ops) = (commits - before.0, ops - before.1);
    assert_eq!(ops, 200, "every op committed once");
    assert!(
        commits < ops,
        "ops arriving during a commit share the next one: {commits} commits for {ops} ops"
    );
    for (session, mut acked) in results {
        acked.sort_unstable();
        assert_eq!(acked, (1..=25).collect::<Vec<_>>());
        let room = server.on_disk(&session).await;
        assert_eq!(room.last_seq, 25);
        let board = room.boards.values().next().expect("one board");
        assert_eq!(common::live::section_texts(board, "problem").len(), 25);
    }
}

#[tokio::test]
async fn hidden_dots_reach_the_others_as_numbers_only_and_leave_no_gaps() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let nord = server.group(&session, "Nord").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;
    let anton = server.person(&session, "MKDXAC", &nord, "Anton").await;
    let (status, _) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "dots_per_person": 3 }),
        )
        .await;
    assert_eq!(status, 200);
    let board = canvas(&nord);
    let mut a = server.connect(&alice).await;
    let mut b = server.connect(&anton).await;
    a.sync(0).await;
    b.sync(0).await;

    assert_eq!(
        a.commit("c", &board, add_card("c1", "problem", "Punkte"))
            .await,
        1
    );
    assert_eq!(a.expect("op").await["seq"], 1);
    assert_eq!(b.expect("op").await["seq"], 1);
    // The author sees her dots; Anton only that numbers 2 and 3 were used.
    for (id, seq) in [("d1", 2), ("d2", 3)] {
        assert_eq!(a.commit(id, &board, dot("c1")).await, seq);
        let own = a.expect("op").await;
        assert_eq!(
            (own["seq"].as_u64(), own["op"]["type"].as_str()),
            (Some(seq), Some("dot"))
        );
        assert_eq!(
            b.expect("skip").await,
            json!({ "type": "skip", "seq": seq })
        );
    }
    assert_eq!(
        a.commit("e", &board, add_card("c2", "problem", "Weiter"))
            .await,
        4
    );
    assert_eq!(b.expect("op").await["seq"], 4);
    assert!(
        !b.log.iter().any(|m| m.contains("\"dot\"")),
        "a dot reached Anton"
    );

    // Catching up from the log: the same numbers, the same redaction.
    let mut late = server.connect(&anton).await;
    late.hello(1).await;
    assert_eq!(late.expect("skip").await["seq"], 2);
    assert_eq!(late.expect("skip").await["seq"], 3);
    assert_eq!(late.expect("op").await["seq"], 4);
    assert_eq!(late.expect("synced").await["last_seq"], 4);

    // The browser's replica counts every number.
    let mut replica = app::domain::replica::Replica::default();
    for text in &late.log {
        match serde_json::from_str::<app::protocol::ServerMsg>(text).expect("message") {
            app::protocol::ServerMsg::Op(op) => replica.receive(&op),
            app::protocol::ServerMsg::Skip { seq } => replica.skip(seq),
            _ => {}
        }
    }
    assert_eq!(replica.last_seq, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn presence_goes_out_as_deltas_not_the_whole_list_to_everyone() {
    const PEOPLE: usize = 60;
    let server = Server::start().await;
    let session = server.session("PRTNCE").await;
    let group = server.group(&session, "Alle").await;
    let mut clients = Vec::new();
    for i in 0..PEOPLE {
        let who = server
            .person(&session, "PRTNCE", &group, &format!("Person {i:02}"))
            .await;
        let mut client = server.connect(&who).await;
        client.sync(0).await;
        clients.push(client);
    }
    for c in &mut clients {
        drain(c, Duration::from_millis(300)).await;
    }
    let presence: Vec<&String> = clients
        .iter()
        .flat_map(|c| c.log.iter())
        .filter(|m| m.starts_with(r#"{"type":"presence""#))
        .collect();
    let bytes: usize = presence.iter().map(|m| m.len()).sum();
    // Whole lists to everyone on every join would be about PEOPLE³/3
    // entries (~11 MB here); one list per socket after its hello plus one
    // delta per join to each socket already there is about PEOPLE² entries.
    let entry = 250;
    assert!(
        bytes < PEOPLE * PEOPLE * entry,
        "{bytes} bytes of presence for {PEOPLE} people"
    );
    // What every browser shows is still everyone.
    for c in &clients {
        let mut list = Vec::new();
        for text in &c.log {
            if let Ok(app::protocol::ServerMsg::Presence {
                online,
                delta,
                left,
            }) = serde_json::from_str(text)
            {
                app::protocol::apply_presence(&mut list, online, delta, &left);
            }
        }
        assert_eq!(list.len(), PEOPLE);
    }
    // One leaves: the others hear of that one only.
    let leaving = clients.pop().expect("one");
    drop(leaving);
    let mut stay = clients.remove(0);
    stay.log.clear();
    drain(&mut stay, Duration::from_millis(500)).await;
    let change: Vec<Value> = stay
        .log
        .iter()
        .map(|m| serde_json::from_str(m).unwrap())
        .filter(|m: &Value| m["type"] == "presence")
        .collect();
    assert_eq!(change.len(), 1, "{change:?}");
    assert_eq!(change[0]["delta"], true);
    assert_eq!(change[0]["online"], json!([]));
    assert_eq!(change[0]["left"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn renewed_secrets_close_the_screens_opened_with_the_old_ones() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("RNWXCR").await;
    let group = server.group(&session, "Nord").await;
    let alice = server.person(&session, "RNWXCR", &group, "Alice").await;
    let mut participant = server.connect(&alice).await;
    participant.sync(0).await;
    let (status, issued) = server
        .moderate(&secret, "POST", "/api/moderation/projector", json!({}))
        .await;
    assert_eq!(status, 200, "{issued}");
    let projector_token = issued["projector_token"]
        .as_str()
        .expect("token")
        .to_owned();

    // A new projector token: the old projector closes, the cockpit stays.
    let mut cockpit = screen(&server, &secret).await;
    let mut projector = screen(&server, &projector_token).await;
    let (status, renewed) = server
        .moderate(&secret, "POST", "/api/moderation/projector", json!({}))
        .await;
    assert_eq!(status, 200, "{renewed}");
    assert!(closed(&mut projector).await, "old projector still open");
    let new_projector = renewed["projector_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let mut projector = screen(&server, &new_projector).await;
    assert!(
        !closed(&mut cockpit).await,
        "the cockpit's secret still holds"
    );

    // A new secret: the cockpit and the projector close (both renewed);
    // participants are not concerned.
    let (status, rotated) = server
        .moderate(&secret, "POST", "/api/moderation/secret", json!({}))
        .await;
    assert_eq!(status, 200, "{rotated}");
    assert!(
        closed(&mut cockpit).await,
        "cockpit with the old secret open"
    );
    assert!(
        closed(&mut projector).await,
        "projector with the old token open"
    );
    let new_secret = rotated["moderator_token"].as_str().expect("secret");
    let _fresh = screen(&server, new_secret).await;
    assert_eq!(
        participant
            .commit("op", &canvas(&group), add_card("c", "problem", "Noch da"))
            .await,
        1
    );
}
