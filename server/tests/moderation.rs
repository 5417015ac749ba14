//! The moderator's side: every moderation action needs that session's secret,
//! a secret of another session reaches none of this session's objects, moving
//! a participant, the moderator's live channel, the settings participants feel
//! (locks, dots, timer) and the join QR code.

mod common;

use axum::http::StatusCode;
use common::live::*;
use common::Api;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::time::Instant;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The moderator's overview of their session (through the router).
async fn overview(api: &Api, token: &str) -> Value {
    let bearer = format!("Bearer {token}");
    let reply = api
        .send(
            "GET",
            "/api/moderation/session",
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    reply.json
}

/// The id of the participant called `name` in a moderator overview.
fn participant_id(overview: &Value, name: &str) -> String {
    overview["participants"]
        .as_array()
        .expect("participants list")
        .iter()
        .find(|p| p["display_name"] == name)
        .and_then(|p| p["id"].as_str())
        .unwrap_or_else(|| panic!("no participant {name} in {overview}"))
        .to_owned()
}

fn group_names(overview: &Value) -> Vec<&str> {
    overview["session"]["groups"]
        .as_array()
        .expect("groups list")
        .iter()
        .map(|g| g["name"].as_str().expect("group name"))
        .collect()
}

/// A GET over the real socket with extra headers; returns status and JSON.
async fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    server.http("GET", path, headers, None).await
}

/// Opens the moderator's live channel (optionally with a cookie header),
/// without saying hello yet.
async fn moderator_socket(server: &Server, cookie: Option<&str>) -> Client {
    Client::moderator(server.addr, cookie).await
}

fn moderator_hello(secret: &str) -> Value {
    json!({ "type": "hello", "moderator": secret, "last_seq": 0, "epoch": 0 })
}

/// The next message of type `kind`, passing over the moderator's `activity`.
async fn expect_past_activity(client: &mut Client, kind: &str) -> Value {
    loop {
        match client.receive(WAIT).await {
            Received::Msg(msg) if msg["type"] == "activity" => continue,
            Received::Msg(msg) if msg["type"] == kind => return msg,
            other => panic!("expected a {kind} message, got {other:?}"),
        }
    }
}

/// Waits until the last `settings` message this client got satisfies `ok`.
async fn settings_where(client: &mut Client, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(settings) = client.settings.as_ref().filter(|s| ok(s)) {
            return settings.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no settings message with {what}; last settings: {:?}",
            client.settings
        );
        if let Received::Closed = client.receive(Duration::from_millis(100)).await {
            panic!("connection closed while waiting for settings with {what}");
        }
    }
}

fn dot(card_id: &str) -> Value {
    json!({ "type": "dot", "card_id": card_id, "add": true })
}

// ---------------------------------------------------------------------------
// 1. Only the moderator may moderate.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn every_moderator_action_refuses_anonymous_and_participant_callers() {
    let api = Api::new().await;
    let (code, token) = api.create_session().await;
    let nord = api.add_group(&token, "Nord").await;
    let sued = api.add_group(&token, "Süd").await;
    let cookie = api.join(&code, &nord, "Anna").await;
    let participant_token = cookie
        .split_once('=')
        .expect("cookie as name=value")
        .1
        .to_owned();
    let before = overview(&api, &token).await;
    let anna = participant_id(&before, "Anna");

    let actions: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", "/api/moderation/session".into(), None),
        (
            "POST",
            "/api/moderation/groups".into(),
            Some(json!({ "name": "Eingeschleust", "colour": "#000000" })),
        ),
        (
            "PUT",
            format!("/api/moderation/groups/{nord}"),
            Some(json!({ "name": "Umbenannt", "colour": "#000000" })),
        ),
        // Süd is empty: the real moderator could delete it.
        ("DELETE", format!("/api/moderation/groups/{sued}"), None),
        (
            "PATCH",
            "/api/moderation/settings".into(),
            Some(json!({
                "locked": ["canvas"],
                "dots_per_person": 5,
                "ratings_revealed": true,
                "timer": { "action": "set", "seconds": 60 }
            })),
        ),
        (
            "PUT",
            format!("/api/moderation/participants/{anna}/group"),
            Some(json!({ "group_id": sued })),
        ),
    ];
    let participant_bearer = format!("Bearer {participant_token}");
    let callers: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("no credentials", vec![]),
        (
            "the participant's token as bearer",
            vec![("authorization", participant_bearer.as_str())],
        ),
        (
            "the participant's cookie",
            vec![("cookie", cookie.as_str())],
        ),
    ];
    for (method, uri, body) in &actions {
        for (who, headers) in &callers {
            let reply = api.send(method, uri, body.clone(), headers).await;
            assert_eq!(
                (reply.status, reply.json["code"].as_str()),
                (StatusCode::FORBIDDEN, Some("moderator_only")),
                "{method} {uri} with {who}: {}",
                reply.json
            );
        }
    }

    // Nothing changed, as the real moderator sees it.
    let after = overview(&api, &token).await;
    assert_eq!(after, before);
    assert_eq!(group_names(&after), ["Nord", "Süd"]);
    assert_eq!(after["settings"]["locked"], json!([]));
    assert_eq!(after["settings"]["dots_per_person"], 0);
    assert_eq!(after["settings"]["ratings_revealed"], false);
    assert_eq!(after["settings"]["timer"]["duration_ms"], 0);
    assert_eq!(after["participants"][0]["group_id"], nord.as_str());
    let me = api.me(&code, &cookie).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json);
    assert_eq!(me.json["group"]["id"], nord.as_str());
}

// ---------------------------------------------------------------------------
// 2. Another session's secret reaches nothing of this session.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn another_sessions_moderator_cannot_touch_this_sessions_objects() {
    let api = Api::new().await;
    let (code_a, token_a) = api.create_session().await;
    let (_, token_b) = api.create_session().await;
    let nord_a = api.add_group(&token_a, "Nord").await;
    let leer_a = api.add_group(&token_a, "Leer").await;
    let nord_b = api.add_group(&token_b, "Nord").await;
    let cookie = api.join(&code_a, &nord_a, "Anna").await;
    let a_before = overview(&api, &token_a).await;
    let b_before = overview(&api, &token_b).await;
    let anna = participant_id(&a_before, "Anna");

    let bearer_b = format!("Bearer {token_b}");
    let attempts: Vec<(&str, String, Option<Value>, &str)> = vec![
        (
            "PUT",
            format!("/api/moderation/groups/{nord_a}"),
            Some(json!({ "name": "Gekapert", "colour": "#000000" })),
            "unknown_group",
        ),
        (
            "DELETE",
            format!("/api/moderation/groups/{leer_a}"),
            None,
            "unknown_group",
        ),
        // Into B's own group: B's moderator does not know A's participant.
        (
            "PUT",
            format!("/api/moderation/participants/{anna}/group"),
            Some(json!({ "group_id": nord_b })),
            "unknown_participant",
        ),
        // Within A: B's moderator does not know A's group.
        (
            "PUT",
            format!("/api/moderation/participants/{anna}/group"),
            Some(json!({ "group_id": leer_a })),
            "unknown_group",
        ),
        (
            "PATCH",
            "/api/moderation/settings".into(),
            Some(json!({
                "stage": { "kind": "board", "group_id": nord_a, "template": "canvas" }
            })),
            "unknown_group",
        ),
    ];
    for (method, uri, body, code) in attempts {
        let reply = api
            .send(method, &uri, body.clone(), &[("authorization", &bearer_b)])
            .await;
        assert_eq!(
            (reply.status, reply.json["code"].as_str()),
            (StatusCode::NOT_FOUND, Some(code)),
            "{method} {uri} {body:?} with session B's secret: {}",
            reply.json
        );
    }

    let a_after = overview(&api, &token_a).await;
    assert_eq!(a_after, a_before);
    assert_eq!(group_names(&a_after), ["Nord", "Leer"]);
    assert_eq!(a_after["participants"][0]["group_id"], nord_a.as_str());
    assert_eq!(a_after["settings"]["stage"], json!({ "kind": "join" }));
    let b_after = overview(&api, &token_b).await;
    assert_eq!(b_after, b_before);
    assert_eq!(b_after["participants"], json!([]));
    assert_eq!(b_after["settings"]["stage"], json!({ "kind": "join" }));
    let me = api.me(&code_a, &cookie).await;
    assert_eq!(me.json["group"]["id"], nord_a.as_str());
}

// ---------------------------------------------------------------------------
// 3. Moving a participant.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn moved_participant_is_told_to_reload_and_lands_in_the_new_group() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let (other_session, _) = server.moderated_session("MKDXCD").await;
    let nord = server.group(&session, "Nord").await;
    let sued = server.group(&session, "Süd").await;
    let fremd = server.group(&other_session, "Fremd").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;
    let cookie = format!("ikz_p_MKDXAC={}", alice.token);
    let (status, overview) = server
        .moderate(&secret, "GET", "/api/moderation/session", Value::Null)
        .await;
    assert_eq!(status, 200, "{overview}");
    let alice_id = participant_id(&overview, "Alice");
    let move_uri = format!("/api/moderation/participants/{alice_id}/group");

    let mut socket = server.connect(&alice).await;
    socket.sync(0).await;

    // Into a group of another session: refused, and nobody is told anything.
    let (status, body) = server
        .moderate(&secret, "PUT", &move_uri, json!({ "group_id": fremd }))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_group"))
    );
    assert!(
        matches!(
            socket.receive(Duration::from_millis(300)).await,
            Received::Nothing
        ),
        "a refused move must not disturb the participant: {:?}",
        socket.log
    );
    let (status, me) = get(&server, "/api/sessions/MKDXAC/me", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["group"]["id"], nord.as_str());
    let foreign_groups = server
        .store()
        .groups(&other_session)
        .await
        .expect("groups of the other session");
    assert_eq!(foreign_groups.len(), 1);
    assert_eq!(foreign_groups[0].member_count, 0);

    // Within the session: done, and the open workspace is told to reload.
    let (status, body) = server
        .moderate(&secret, "PUT", &move_uri, json!({ "group_id": sued }))
        .await;
    assert_eq!(status, 204, "{body}");
    socket.expect("moved").await;
    assert!(
        matches!(socket.receive(WAIT).await, Received::Closed),
        "the moved participant's socket must close: {:?}",
        socket.log
    );
    let (status, me) = get(&server, "/api/sessions/MKDXAC/me", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["group"]["id"], sued.as_str());
    assert_eq!(me["group"]["name"], "Süd");
    assert_eq!(me["participant"]["group_id"], sued.as_str());

    // Reconnected, the participant works on the new group's boards only.
    let mut socket = server.connect(&alice).await;
    socket.sync(0).await;
    socket
        .op("op-old", &canvas(&nord), add_card("c1", "problem", "Alt"))
        .await;
    let rejected = socket.expect("rejected").await;
    assert_eq!(rejected["refusal"]["kind"], "foreign_board");
    assert_eq!(
        socket
            .commit("op-new", &canvas(&sued), add_card("c1", "problem", "Neu"))
            .await,
        1
    );
}

// ---------------------------------------------------------------------------
// 4. The moderator's live channel.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn moderator_socket_catches_up_and_sees_every_group() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let nord = server.group(&session, "Nord").await;
    let sued = server.group(&session, "Süd").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;
    let bea = server.person(&session, "MKDXAC", &sued, "Bea").await;
    let mut a = server.connect(&alice).await;
    a.sync(0).await;
    a.commit(
        "op-before",
        &canvas(&nord),
        add_card("c0", "problem", "Vorher"),
    )
    .await;
    a.expect("op").await;

    let mut m = moderator_socket(&server, None).await;
    m.send(moderator_hello(&secret)).await;
    let snapshot = m.expect("snapshot").await;
    let first: Value = serde_json::from_str(&m.log[0]).expect("JSON");
    assert_eq!(
        first["type"], "settings",
        "settings come first: {:?}",
        m.log
    );
    let settings = m.settings.clone().expect("a settings message");
    assert_eq!(settings["methods"], json!(["canvas", "swot", "ki"]));
    assert_eq!(snapshot["last_seq"], 1);
    assert_eq!(
        card_texts(&snapshot["boards"][canvas(&nord)].to_string(), "problem"),
        vec![("c0".to_owned(), "Vorher".to_owned())]
    );
    assert_eq!(m.expect("synced").await["last_seq"], 1);

    let mut b = server.connect(&bea).await;
    b.sync(0).await;
    a.commit("op-nord", &canvas(&nord), add_card("c1", "problem", "Nord"))
        .await;
    b.commit("op-sued", &canvas(&sued), add_card("c1", "ziel", "Süd"))
        .await;
    for (op_id, seq, board, author) in [
        ("op-nord", 2, canvas(&nord), "Alice"),
        ("op-sued", 3, canvas(&sued), "Bea"),
    ] {
        let op = expect_past_activity(&mut m, "op").await;
        assert_eq!(op["op_id"], op_id, "{op}");
        assert_eq!(op["seq"], seq);
        assert_eq!(op["board"], board.as_str());
        assert_eq!(op["author"]["name"], author);
    }
}

#[tokio::test]
async fn moderator_socket_refuses_wrong_secrets_and_participants() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let (_, other_secret) = server.moderated_session("MKDXCD").await;
    assert_ne!(secret, other_secret);
    let nord = server.group(&session, "Nord").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;

    for (who, claimed) in [
        ("a wrong secret", "falsch".to_owned()),
        ("a participant's token", alice.token.clone()),
    ] {
        let mut m = moderator_socket(&server, None).await;
        m.send(moderator_hello(&claimed)).await;
        match m.receive(WAIT).await {
            Received::Msg(msg) => {
                assert_eq!(msg["type"], "rejected", "{who}: {msg}");
                assert_eq!(msg["refusal"]["kind"], "foreign_board", "{who}: {msg}");
            }
            other => panic!("{who}: expected a rejected message, got {other:?}"),
        }
        assert!(
            matches!(m.receive(WAIT).await, Received::Closed),
            "{who}: the socket must close after the refusal: {:?}",
            m.log
        );
        assert_eq!(m.log.len(), 1, "{who} must learn nothing: {:?}", m.log);
        assert!(m.settings.is_none(), "{who} must not get settings");
    }

    // A participant's cookie does not open the moderator's channel either.
    let cookie = format!("ikz_p_MKDXAC={}", alice.token);
    let mut m = moderator_socket(&server, Some(&cookie)).await;
    m.send(json!({ "type": "hello", "last_seq": 0, "epoch": 0 }))
        .await;
    assert!(
        matches!(m.receive(WAIT).await, Received::Closed),
        "a hello without a secret must be closed: {:?}",
        m.log
    );
    assert!(m.log.is_empty(), "{:?}", m.log);
}

#[tokio::test]
async fn op_over_the_moderator_socket_is_refused_and_stores_nothing() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let nord = server.group(&session, "Nord").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;
    let mut a = server.connect(&alice).await;
    a.sync(0).await;
    let mut m = moderator_socket(&server, None).await;
    m.send(moderator_hello(&secret)).await;
    m.expect("snapshot").await;
    m.expect("synced").await;

    m.send(json!({
        "type": "op", "op_id": "mod-1", "board": canvas(&nord),
        "op": add_card("c1", "problem", "Vom Moderator"),
    }))
    .await;
    let rejected = expect_past_activity(&mut m, "rejected").await;
    assert_eq!(rejected["op_id"], "mod-1");
    assert_eq!(rejected["refusal"]["kind"], "foreign_board");
    assert!(matches!(
        a.receive(Duration::from_millis(300)).await,
        Received::Nothing
    ));
    assert_nothing_stored(&server.on_disk(&session).await);
}

// ---------------------------------------------------------------------------
// 5. Settings participants feel.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn locked_method_refuses_participant_ops() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let nord = server.group(&session, "Nord").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;
    let mut a = server.connect(&alice).await;
    a.sync(0).await;

    let (status, settings) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "locked": ["canvas"] }),
        )
        .await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["locked"], json!(["canvas"]));

    a.op(
        "op-locked",
        &canvas(&nord),
        add_card("c1", "problem", "Zu spät"),
    )
    .await;
    let rejected = a.expect("rejected").await;
    assert_eq!(rejected["op_id"], "op-locked");
    assert_eq!(rejected["refusal"]["kind"], "invalid", "{rejected}");
    assert_eq!(rejected["refusal"]["error"]["kind"], "locked", "{rejected}");
    assert_nothing_stored(&server.on_disk(&session).await);

    // Only that method is locked.
    let swot = format!("{nord}:swot");
    assert_eq!(
        a.commit("op-swot", &swot, add_card("s1", "staerken", "Offen"))
            .await,
        1
    );
}

#[tokio::test]
async fn tows_strategies_wait_for_the_moderators_second_step() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let nord = server.group(&session, "Nord").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;
    let mut a = server.connect(&alice).await;
    a.sync(0).await;
    let swot = format!("{nord}:swot");

    a.op("op-early", &swot, add_card("so1", "so", "Zu früh"))
        .await;
    let rejected = a.expect("rejected").await;
    assert_eq!(rejected["op_id"], "op-early");
    assert_eq!(
        rejected["refusal"]["error"]["kind"], "step_off",
        "{rejected}"
    );
    assert_nothing_stored(&server.on_disk(&session).await);

    let (status, settings) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "strategies": true }),
        )
        .await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["strategies"], json!(true));
    assert_eq!(
        a.commit("op-so", &swot, add_card("so1", "so", "Rechenzentrum"))
            .await,
        1
    );
    // The card carries its author's Kommune, filled in by the server.
    let room = server.on_disk(&session).await;
    let board = board_value(&room, &swot).expect("swot board");
    assert_eq!(
        board["sections"]["so"][0]["author"]["kommune"],
        "Musterstadt"
    );
}

#[tokio::test]
async fn switched_off_method_refuses_participant_ops() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let nord = server.group(&session, "Nord").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;
    let mut a = server.connect(&alice).await;
    a.sync(0).await;

    let (status, settings) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "methods": ["canvas", "ki"] }),
        )
        .await;
    assert_eq!(status, 200, "{settings}");

    let swot = format!("{nord}:swot");
    a.op("op-off", &swot, add_card("s1", "staerken", "Trotzdem"))
        .await;
    let rejected = a.expect("rejected").await;
    assert_eq!(rejected["op_id"], "op-off");
    assert_eq!(rejected["refusal"]["kind"], "invalid", "{rejected}");
    assert_eq!(
        rejected["refusal"]["error"]["kind"], "method_off",
        "{rejected}"
    );
    assert_nothing_stored(&server.on_disk(&session).await);

    // The methods still in use take ops.
    assert_eq!(
        a.commit(
            "op-canvas",
            &canvas(&nord),
            add_card("c1", "problem", "Offen")
        )
        .await,
        1
    );
}

#[tokio::test]
async fn dots_per_person_limits_a_participants_dots() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let nord = server.group(&session, "Nord").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;
    let board_id = canvas(&nord);
    let mut a = server.connect(&alice).await;
    a.sync(0).await;
    a.commit("op-card", &board_id, add_card("c1", "problem", "Punkte"))
        .await;
    a.expect("op").await;

    // Dot voting is off until the moderator hands out dots.
    a.op("dot-0", &board_id, dot("c1")).await;
    let rejected = a.expect("rejected").await;
    assert_eq!(
        rejected["refusal"]["error"]["kind"], "dots_off",
        "{rejected}"
    );

    let (status, settings) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "dots_per_person": 2 }),
        )
        .await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["dots_per_person"], 2);

    for (op_id, seq) in [("dot-1", 2), ("dot-2", 3)] {
        assert_eq!(a.commit(op_id, &board_id, dot("c1")).await, seq);
        a.expect("op").await;
    }
    a.op("dot-3", &board_id, dot("c1")).await;
    let rejected = a.expect("rejected").await;
    assert_eq!(rejected["op_id"], "dot-3");
    assert_eq!(rejected["refusal"]["kind"], "invalid", "{rejected}");
    assert_eq!(
        rejected["refusal"]["error"]["kind"], "no_dots_left",
        "{rejected}"
    );
    assert_eq!(rejected["refusal"]["error"]["max"], 2, "{rejected}");

    let room = server.on_disk(&session).await;
    assert_eq!(room.last_seq, 3);
    let state = board_value(&room, &board_id).expect("board stored");
    let voters = state["dots"]["c1"].as_object().expect("dots on c1");
    assert_eq!(
        voters.values().cloned().collect::<Vec<_>>(),
        vec![json!(2)],
        "{state}"
    );
}

#[tokio::test]
async fn started_timer_reaches_every_participant() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session("MKDXAC").await;
    let nord = server.group(&session, "Nord").await;
    let sued = server.group(&session, "Süd").await;
    let alice = server.person(&session, "MKDXAC", &nord, "Alice").await;
    let bea = server.person(&session, "MKDXAC", &sued, "Bea").await;
    let mut a = server.connect(&alice).await;
    let mut b = server.connect(&bea).await;
    for c in [&mut a, &mut b] {
        c.sync(0).await;
        let timer = &c.settings.as_ref().expect("settings on hello")["timer"];
        assert_eq!(timer["running_since"], Value::Null);
    }

    let (status, settings) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "timer": { "action": "set", "seconds": 300 } }),
        )
        .await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["timer"]["remaining_ms"], 300_000);
    assert_eq!(settings["timer"]["running_since"], Value::Null);
    let (status, settings) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "timer": { "action": "start" } }),
        )
        .await;
    assert_eq!(status, 200, "{settings}");
    let since = settings["timer"]["running_since"]
        .as_i64()
        .unwrap_or_else(|| panic!("a started timer has running_since: {settings}"));

    for c in [&mut a, &mut b] {
        let seen = settings_where(c, "a running timer", |s| {
            !s["timer"]["running_since"].is_null()
        })
        .await;
        assert_eq!(seen["timer"]["running_since"], since, "{seen}");
        assert_eq!(seen["timer"]["remaining_ms"], 300_000, "{seen}");
        assert_eq!(seen["timer"]["duration_ms"], 300_000, "{seen}");
    }
}

// ---------------------------------------------------------------------------
// 6. The join QR code.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn join_qr_code_is_an_svg_and_unknown_codes_are_404() {
    let api = Api::new().await;
    let (code, _) = api.create_session().await;
    let reply = api
        .send("GET", &format!("/api/join/{code}/qr.svg"), None, &[])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers["content-type"]
            .to_str()
            .expect("content type"),
        "image/svg+xml"
    );
    let svg = reply.json.as_str().expect("an SVG body, not JSON");
    assert!(svg.starts_with("<?xml"), "{svg}");
    assert!(svg.contains("<svg"), "{svg}");

    let unknown = if code == "MKDXAC" { "MKDXCD" } else { "MKDXAC" };
    let reply = api
        .send("GET", &format!("/api/join/{unknown}/qr.svg"), None, &[])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json["code"], "unknown_join_code");
}

#[tokio::test]
async fn method_switches_sent_at_once_each_keep_their_method() {
    let server = Server::start().await;
    let (_session, secret) = server.moderated_session("MKDXAC").await;
    // Four checkbox clicks, none waiting for another's answer (the cockpit
    // sends one switch per click): all four methods end up on.
    let switch = |key: &str| {
        server.moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "switch_method": { "key": key, "on": true } }),
        )
    };
    let answers = tokio::join!(
        switch("ziele"),
        switch("prozess"),
        switch("erfolgsfaktoren"),
        switch("phasen")
    );
    for (status, body) in [answers.0, answers.1, answers.2, answers.3] {
        assert_eq!(status, 200, "{body}");
    }
    let (status, settings) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "switch_lock": { "key": "swot", "on": true } }),
        )
        .await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(
        settings["methods"],
        json!([
            "ziele",
            "prozess",
            "canvas",
            "swot",
            "ki",
            "erfolgsfaktoren",
            "phasen"
        ])
    );
    assert_eq!(settings["locked"], json!(["swot"]));

    // An unknown method is refused (the domain's tests cover the last one off).
    let (status, body) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "switch_method": { "key": "miro", "on": true } }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "invalid_settings", "{body}");
}
