//! Blind rating over a real socket: who may rate what, and that a hidden
//! rating's value never leaves the server for another participant.

mod common;

use common::live::*;
use serde_json::{json, Value};

fn ki(group: &str) -> String {
    format!("{group}:ki")
}

fn rate(card: &str, criterion: &str, value: Value) -> Value {
    json!({ "type": "rate", "card_id": card, "criterion": criterion, "value": value })
}

fn score(v: u8) -> Value {
    json!({ "given": { "Score": v } })
}

/// Commits an op and consumes its echo (the group's broadcast reaches the
/// sender too).
async fn commit(client: &mut Client, op_id: &str, board: &str, op: Value) {
    client.commit(op_id, board, op).await;
    client.expect("op").await;
}

/// A session with one group of two, an idea on its KI board, both synced.
struct Fixture {
    server: Server,
    session: String,
    secret: String,
    alice: Person,
    bob: Person,
    alice_c: Client,
    bob_c: Client,
}

async fn fixture() -> Fixture {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("RATEKX").await;
    let group = server.group(&session, "Gruppe A").await;
    let alice = server.person(&session, "RATEKX", &group, "Alice").await;
    let bob = server.person(&session, "RATEKX", &group, "Bob").await;
    let mut alice_c = server.connect(&alice).await;
    let mut bob_c = server.connect(&bob).await;
    alice_c.sync(0).await;
    bob_c.sync(0).await;
    let add = json!({ "type": "add_card", "card_id": "i1", "section": "ideen", "text": "Chatbot" });
    commit(&mut alice_c, "op-add", &ki(&group), add).await;
    bob_c.expect("op").await;
    Fixture {
        server,
        session,
        secret,
        alice,
        bob,
        alice_c,
        bob_c,
    }
}

/// Ratings of idea `i1` on disk: participant id → criterion → slot.
async fn stored_ratings(f: &Fixture) -> Value {
    let room = f.server.on_disk(&f.session).await;
    let board = common::live::board_value(&room, &ki(&f.alice.group)).expect("ki board on disk");
    board["ratings"]["i1"].clone()
}

#[tokio::test]
async fn a_rating_counts_for_its_sender_and_a_second_one_replaces_the_first() {
    let mut f = fixture().await;
    let board = ki(&f.alice.group);
    // A "rater" field naming someone else is not part of the op: ignored.
    let mut forged = rate("i1", "nutzen", score(2));
    forged["author"] = json!({ "id": "someone-else", "name": "Mallory" });
    forged["participant_id"] = json!("someone-else");
    commit(&mut f.alice_c, "op-r1", &board, forged).await;
    commit(
        &mut f.alice_c,
        "op-r2",
        &board,
        rate("i1", "nutzen", score(5)),
    )
    .await;

    let ratings = stored_ratings(&f).await;
    let raters = ratings.as_object().expect("ratings of i1");
    assert_eq!(raters.len(), 1, "{ratings}");
    let (id, rater) = raters.iter().next().expect("one rater");
    assert_ne!(id, "someone-else");
    assert_eq!(rater["name"], "Alice");
    assert_eq!(
        rater["values"]["nutzen"],
        score(5),
        "the second answer replaces the first"
    );
}

#[tokio::test]
async fn a_browser_cannot_send_a_redacted_rating_or_rate_a_plain_card() {
    let mut f = fixture().await;
    let board = ki(&f.alice.group);
    f.alice_c
        .op("op-h", &board, rate("i1", "nutzen", json!("hidden")))
        .await;
    let refusal = f.alice_c.expect("rejected").await;
    assert_eq!(refusal["refusal"]["error"]["kind"], "hidden_rating");

    let canvas = format!("{}:canvas", f.alice.group);
    let add = json!({ "type": "add_card", "card_id": "c1", "section": "problem", "text": "x" });
    commit(&mut f.alice_c, "op-c", &canvas, add).await;
    f.alice_c
        .op("op-rc", &canvas, rate("c1", "nutzen", score(3)))
        .await;
    let refusal = f.alice_c.expect("rejected").await;
    assert_eq!(refusal["refusal"]["error"]["kind"], "not_an_idea");
    assert!(stored_ratings(&f).await.is_null());
}

#[tokio::test]
async fn hidden_ratings_never_reach_another_browser_until_revealed() {
    let mut f = fixture().await;
    let board = ki(&f.alice.group);
    commit(
        &mut f.alice_c,
        "op-r",
        &board,
        rate("i1", "machbarkeit", score(4)),
    )
    .await;

    // Bob learns that Alice rated, not what.
    let seen = f.bob_c.expect("op").await;
    assert_eq!(seen["op"]["value"], "hidden");
    // Neither live, nor on catch-up, nor in a fresh snapshot.
    let mut bob2 = f.server.connect(&f.bob).await;
    bob2.sync(0).await;
    let mut bob3 = f.server.connect(&f.bob).await;
    bob3.hello(1).await;
    assert_eq!(bob3.expect("op").await["op"]["value"], "hidden");
    bob3.expect("synced").await;
    for client in [&f.bob_c, &bob2, &bob3] {
        for text in &client.log {
            assert!(
                !text.contains("Score"),
                "a hidden value reached Bob: {text}"
            );
        }
    }
    assert!(
        bob2.log.iter().any(|t| t.contains("\"hidden\"")),
        "Bob sees that someone rated"
    );

    // Alice's own browser keeps her value.
    let mut alice2 = f.server.connect(&f.alice).await;
    alice2.sync(0).await;
    assert!(alice2.log.iter().any(|t| t.contains("\"Score\":4")));

    // Reveal: Bob's open connection gets the settings and a full snapshot.
    let (status, settings) = f
        .server
        .moderate(
            &f.secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "ratings_revealed": true }),
        )
        .await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["reveal_epoch"], 1);
    let snapshot = f.bob_c.expect("snapshot").await;
    assert_eq!(snapshot["epoch"], 1);
    let values = &snapshot["boards"][&board]["ratings"]["i1"];
    assert!(values.to_string().contains("\"Score\":4"), "{values}");
    assert_eq!(
        f.bob_c
            .settings
            .as_ref()
            .map(|s| s["ratings_revealed"].clone()),
        Some(json!(true))
    );

    // A browser that was away during the reveal (built under epoch 0)
    // catches up by snapshot, not by ops it was only shown redacted.
    // (A browser says hello once per connection, so it reconnects.)
    let mut bob4 = f.server.connect(&f.bob).await;
    bob4.hello(2).await;
    let snapshot = bob4.expect("snapshot").await;
    assert!(snapshot.to_string().contains("\"Score\":4"));
}

#[tokio::test]
async fn weights_freeze_with_the_first_rating_and_only_the_moderator_sets_them() {
    let mut f = fixture().await;
    let weights = json!({ "weights": { "nutzen": 2.0, "machbarkeit": 1.0, "datenverfuegbarkeit": 1.0, "kooperationsform": 1.0 } });
    let path = "/api/moderation/settings";

    // A participant's token or no token: refused, nothing changed.
    let (status, body) = f
        .server
        .moderate(&f.alice.token, "PATCH", path, weights.clone())
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "moderator_only");

    let (status, body) = f
        .server
        .moderate(&f.secret, "PATCH", path, weights.clone())
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["weights"]["nutzen"], 2.0);
    // Everyone in the session hears of it.
    let heard = f.bob_c.receive(std::time::Duration::from_millis(500)).await;
    assert!(matches!(heard, Received::Nothing), "{heard:?}");
    assert_eq!(
        f.bob_c
            .settings
            .as_ref()
            .map(|s| s["weights"]["nutzen"].clone()),
        Some(json!(2.0))
    );

    let board = ki(&f.alice.group);
    commit(
        &mut f.alice_c,
        "op-r",
        &board,
        rate("i1", "nutzen", json!({ "given": "DontKnow" })),
    )
    .await;
    let mut other = weights.clone();
    other["weights"]["nutzen"] = json!(3.0);
    let (status, body) = f.server.moderate(&f.secret, "PATCH", path, other).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "weights_frozen");
    assert!(body["message"]
        .as_str()
        .unwrap_or_default()
        .contains("eingefroren"));

    let (status, body) = f
        .server
        .moderate(
            &f.secret,
            "PATCH",
            path,
            json!({ "methods": ["ki", "miro"] }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (_, session) = f
        .server
        .moderate(&f.secret, "GET", "/api/moderation/session", json!({}))
        .await;
    assert_eq!(session["settings"]["weights"]["nutzen"], 2.0);
    assert_eq!(
        session["settings"]["methods"],
        json!(["canvas", "swot", "ki"])
    );
}
