//! "Stand sichern" (antrag.md §5, issue #19): a stand is a sequence number
//! of the op log; the boards at it are rebuilt by replaying the log, the
//! difference to now lists added, changed and removed cards and status
//! transitions. On both backends, over real sockets; the stand and its
//! difference survive reopening the database; an imported session's
//! boards are the base of its stands; the limits are the server's.

mod common;

use common::live::{add_card, canvas, Client, Received, Server};
use serde_json::{json, Value};
use server::store::Store;
use std::time::Duration;

fn attribute(card_id: &str, name: &str, value: Value) -> Value {
    json!({ "type": "set_attribute", "card_id": card_id,
            "attribute": { "name": name, "value": value } })
}

/// Sends `op` and expects its ack, passing over the ops the live channel
/// sends meanwhile (its own op comes back as an op too).
async fn commit(client: &mut Client, op_id: &str, board: &str, op: Value) {
    client.op(op_id, board, op).await;
    loop {
        match client.receive(Duration::from_secs(10)).await {
            Received::Msg(msg) if msg["type"] == "op" || msg["type"] == "skip" => continue,
            Received::Msg(msg) if msg["op_id"] == op_id => {
                assert_eq!(msg["type"], "ack", "{op_id}: {msg}");
                return;
            }
            other => panic!("expected the answer to {op_id}, got {other:?}"),
        }
    }
}

async fn save(server: &Server, secret: &str, label: &str) -> (u16, Value) {
    server
        .moderate(
            secret,
            "POST",
            "/api/moderation/stands",
            json!({ "label": label }),
        )
        .await
}

async fn get(server: &Server, secret: &str, path: &str) -> (u16, Value) {
    let bearer = format!("Bearer {secret}");
    server
        .http("GET", path, &[("Authorization", &bearer)], None)
        .await
}

/// (kind, section, before, after) of a board's changes.
fn changes(board: &Value) -> Vec<(String, String, Value, Value)> {
    board["changes"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap_or_default().to_owned(),
                c["section"].as_str().unwrap_or_default().to_owned(),
                c["before"].clone(),
                c["after"].clone(),
            )
        })
        .collect()
}

async fn a_stand_and_its_difference_survive_reopening_the_database(server: Server) {
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let nord = server.group(&session, "Nord").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;
    let (status, body) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "switch_method": { "key": "phasen", "on": true } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mut a = server.connect(&alice).await;
    a.sync(0).await;
    let phasen = format!("{nord}:phasen");
    let item = app::domain::templates::fixed_card_id("phasen", "anbahnung-1");
    commit(
        &mut a,
        "o1",
        &canvas(&nord),
        add_card("c1", "problem", "Lange Wartezeiten"),
    )
    .await;
    commit(
        &mut a,
        "o2",
        &canvas(&nord),
        add_card("c2", "problem", "Papierakten"),
    )
    .await;
    commit(
        &mut a,
        "o3",
        &phasen,
        attribute(&item, "status", json!("begonnen")),
    )
    .await;

    let (status, first) = save(&server, &secret, "  1. Treffen ").await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["label"], "1. Treffen");
    assert_eq!(first["seq"], 3);
    assert_eq!(first["date"], server::retention::today());

    // After the stand: one card removed, one added, the item done.
    commit(
        &mut a,
        "o4",
        &canvas(&nord),
        json!({ "type": "delete_card", "card_id": "c2" }),
    )
    .await;
    commit(
        &mut a,
        "o5",
        &canvas(&nord),
        add_card("c3", "ziel", "Ein Portal"),
    )
    .await;
    commit(
        &mut a,
        "o6",
        &phasen,
        attribute(&item, "status", json!("erledigt")),
    )
    .await;

    let check = |diff: &Value| {
        let boards = diff["boards"].as_array().expect("boards");
        assert_eq!(boards.len(), 2, "{diff}");
        let canvas_diff = boards
            .iter()
            .find(|b| b["template"] == "canvas")
            .expect("canvas");
        assert_eq!(canvas_diff["group_id"], nord.as_str());
        assert_eq!(
            changes(canvas_diff),
            [
                (
                    "removed".to_owned(),
                    "problem".to_owned(),
                    json!("Papierakten"),
                    Value::Null
                ),
                (
                    "added".to_owned(),
                    "ziel".to_owned(),
                    Value::Null,
                    json!("Ein Portal")
                ),
            ]
        );
        let phasen_diff = boards
            .iter()
            .find(|b| b["template"] == "phasen")
            .expect("phasen");
        assert_eq!(
            phasen_diff["transitions"],
            json!([{
                "section": "anbahnung",
                "card": "Allianz der Willigen identifizieren, gemeinsame Zielsetzung ausformulieren",
                "from": "begonnen",
                "to": "erledigt"
            }])
        );
    };
    let path = format!("/api/moderation/stands/{}/diff", first["id"]);
    let (status, diff) = get(&server, &secret, &path).await;
    assert_eq!(status, 200, "{diff}");
    check(&diff);

    // The moderator's documents end with the changes since the last stand
    // (the Ergebnisprotokoll), here read from the Markdown.
    let md =
        String::from_utf8(common::live::download(server.addr, &secret, "md").await).expect("utf-8");
    let tail = md
        .split("Veränderungen seit dem Stand „1. Treffen“")
        .nth(1)
        .unwrap_or_else(|| panic!("no changes section: {md}"));
    for expected in [
        "entfernt",
        "Papierakten",
        "neu",
        "Ein Portal",
        "begonnen → erledigt",
    ] {
        assert!(tail.contains(expected), "{expected:?} missing in {tail}");
    }

    // A second stand now: no difference to it.
    let (status, second) = save(&server, &secret, "2. Treffen").await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["seq"], 6);
    let (_, none) = get(
        &server,
        &secret,
        &format!("/api/moderation/stands/{}/diff", second["id"]),
    )
    .await;
    assert_eq!(none["boards"], json!([]), "{none}");

    // Reopened (as after a restart): the stands and the boards at them.
    let before = server.store().boards_at(&session, 3).await.expect("boards");
    let reopened = Store::open(&server.db_url()).await.expect("reopen");
    let stands = reopened.stands(&session).await.expect("stands");
    let labels: Vec<_> = stands.iter().map(|s| (s.label.as_str(), s.seq)).collect();
    assert_eq!(labels, [("1. Treffen", 3), ("2. Treffen", 6)]);
    assert_eq!(
        reopened.boards_at(&session, 3).await.expect("boards"),
        before
    );
    let room = reopened.load_room(&session).await.expect("room");
    let again = app::domain::stand::diff(&before, &room.boards, &server::retention::today(), false);
    check(&serde_json::to_value(&again).expect("json"));
}

async fn an_imported_sessions_boards_are_the_base_of_its_stands(server: Server) {
    let old: Value =
        serde_json::from_str(include_str!("fixtures/session-v1-before-methods18.json"))
            .expect("fixture");
    let (status, created) = server.http("POST", "/api/import", &[], Some(old)).await;
    assert_eq!(status, 201, "{created}");
    let secret = created["moderator_token"].as_str().expect("token");
    let (status, stand) = save(&server, secret, "Import").await;
    assert_eq!(status, 201, "{stand}");
    assert_eq!(stand["seq"], 0);
    // The boards at the stand are the imported ones, not empty boards: no
    // card shows up as new.
    let (status, diff) = get(
        &server,
        secret,
        &format!("/api/moderation/stands/{}/diff", stand["id"]),
    )
    .await;
    assert_eq!(status, 200, "{diff}");
    assert_eq!(diff["boards"], json!([]), "{diff}");
}

async fn labels_ids_and_the_number_of_stands_are_limited(server: Server) {
    let (_session, secret) = server.moderated_session("MKDXAC").await;
    let (status, body) = save(&server, &secret, "   ").await;
    assert_eq!(
        (status, body["code"].clone()),
        (422, json!("empty")),
        "{body}"
    );
    let long = "x".repeat(app::domain::session::limits::STAND_LABEL + 1);
    let (status, body) = save(&server, &secret, &long).await;
    assert_eq!(
        (status, body["code"].clone()),
        (422, json!("too_long")),
        "{body}"
    );
    let (status, body) = save(&server, &secret, "a\u{7}b").await;
    assert_eq!(
        (status, body["code"].clone()),
        (422, json!("control_characters")),
        "{body}"
    );
    for (path, code) in [
        ("/api/moderation/stands/999/diff", 404),
        ("/api/moderation/stands/abc/diff", 404),
    ] {
        let (status, body) = get(&server, &secret, path).await;
        assert_eq!(status, code, "{path}: {body}");
        assert_eq!(body["code"], "unknown_stand", "{body}");
    }
    // Without the secret: nothing.
    let (status, _) = server
        .http("GET", "/api/moderation/stands", &[], None)
        .await;
    assert_eq!(status, 403);

    let max = app::domain::session::limits::STANDS_PER_SESSION;
    for n in 0..max {
        let (status, body) = save(&server, &secret, &format!("Stand {n}")).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = save(&server, &secret, "Einer zu viel").await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("too_many_stands")),
        "{body}"
    );
    let (status, list) = get(&server, &secret, "/api/moderation/stands").await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().map(Vec::len), Some(max));
}

on_both_backends!(
    @with crate::common::live::Server::start_on;
    a_stand_and_its_difference_survive_reopening_the_database,
    an_imported_sessions_boards_are_the_base_of_its_stands,
    labels_ids_and_the_number_of_stands_are_limited,
);
