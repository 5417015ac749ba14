//! Data protection: a moderator removes a participant and closes joining, a
//! participant leaves with their name, a session is deleted with every row it
//! has, a removed group takes its boards and op log along, sessions expire
//! after their retention, and the projector has its own rotatable token.

mod common;

use app::domain::privacy::FORMER_PARTICIPANT;
use axum::http::{header, StatusCode};
use common::live::{add_card, canvas, Client, Received, Server, WAIT};
use common::Api;
use serde_json::{json, Value};
use sqlx::{AssertSqlSafe, PgPool, Row, SqlitePool};

const CODE: &str = "ACDEFH";

/// A second connection to the server's database, whichever backend it is.
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

async fn pool(server_db: &str) -> Db {
    if server_db.starts_with("sqlite:") {
        Db::Sqlite(
            SqlitePool::connect(server_db)
                .await
                .expect("second connection"),
        )
    } else {
        Db::Postgres(PgPool::connect(server_db).await.expect("second connection"))
    }
}

impl Db {
    /// `sql` with one `?` for `session_id`, as strings.
    async fn strings(&self, sql: &str, session_id: &str) -> Vec<String> {
        match self {
            Db::Sqlite(db) => sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
                .bind(session_id)
                .fetch_all(db)
                .await
                .expect("query"),
            Db::Postgres(db) => sqlx::query_scalar(AssertSqlSafe(sql.replace('?', "$1")))
                .bind(session_id)
                .fetch_all(db)
                .await
                .expect("query"),
        }
    }

    /// `sql` (a COUNT with one `?` for `session_id`).
    async fn count(&self, sql: &str, session_id: &str) -> i64 {
        match self {
            Db::Sqlite(db) => sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
                .bind(session_id)
                .fetch_one(db)
                .await
                .expect("count"),
            Db::Postgres(db) => sqlx::query_scalar(AssertSqlSafe(sql.replace('?', "$1")))
                .bind(session_id)
                .fetch_one(db)
                .await
                .expect("count"),
        }
    }

    /// Every table of ours with its columns, but the migrations', the
    /// storage probe's (a timestamp and padding, no session data) and the
    /// running instances' heartbeats (PostgreSQL: an id and a time).
    async fn tables(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        match self {
            Db::Sqlite(db) => {
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table'
                     AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'
                     AND name <> 'health_probe' ORDER BY name",
                )
                .fetch_all(db)
                .await
                .expect("tables");
                for table in tables {
                    let columns: Vec<String> =
                        sqlx::query(AssertSqlSafe(format!("PRAGMA table_info({table})")))
                            .fetch_all(db)
                            .await
                            .expect("columns")
                            .iter()
                            .map(|r| r.get::<String, _>("name"))
                            .collect();
                    out.push((table, columns));
                }
            }
            Db::Postgres(db) => {
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns
                     WHERE table_schema = 'public'
                     AND table_name NOT IN ('_sqlx_migrations', 'health_probe', 'live_instances')
                     ORDER BY table_name, ordinal_position",
                )
                .fetch_all(db)
                .await
                .expect("tables");
                for (table, column) in rows {
                    match out.last_mut() {
                        Some((t, columns)) if *t == table => columns.push(column),
                        _ => out.push((table, vec![column])),
                    }
                }
            }
        }
        out
    }
}

/// Every text of every row the session has in boards, op log and participants.
async fn session_text(db: &Db, session_id: &str) -> String {
    let mut text = String::new();
    for sql in [
        "SELECT state_json FROM boards WHERE session_id = ?",
        "SELECT op_json FROM op_log WHERE session_id = ?",
        "SELECT display_name || ' ' || kommune FROM participants WHERE session_id = ?",
    ] {
        text.push_str(&db.strings(sql, session_id).await.join("\n"));
    }
    text
}

/// Rows of `session_id` in every table of the database, by table. Fails on a
/// table that has no way to tell its session (it would escape deletion).
async fn rows_per_table(db: &Db, session_id: &str) -> Vec<(String, i64)> {
    let tables = db.tables().await;
    assert!(tables.len() >= 5, "{tables:?}");
    let mut counts = Vec::new();
    for (table, columns) in tables {
        let key = if table == "workshop_sessions" {
            "id"
        } else if columns.iter().any(|c| c == "session_id") {
            "session_id"
        } else {
            panic!("table {table} has no session_id: does delete_session cover it?");
        };
        let n = db
            .count(
                &format!("SELECT COUNT(*) FROM {table} WHERE {key} = ?"),
                session_id,
            )
            .await;
        counts.push((table, n));
    }
    counts
}

/// A moderator's live socket that said hello with `token`.
async fn moderator_live(server: &Server, token: &str) -> Client {
    Client::moderator_hello(server.addr, token).await
}

/// Reads until the socket closes (within `WAIT`); returns the message types seen.
async fn until_closed(client: &mut Client) -> Vec<String> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match client.receive(left).await {
            Received::Closed => return seen,
            Received::Msg(msg) => seen.push(msg["type"].as_str().unwrap_or("").to_owned()),
            Received::Nothing => panic!("socket still open; saw {seen:?}"),
        }
    }
}

async fn participant_id(server: &Server, secret: &str, name: &str) -> String {
    let (status, session) = server
        .moderate(secret, "GET", "/api/moderation/session", Value::Null)
        .await;
    assert_eq!(status, 200, "{session}");
    session["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .find(|p| p["display_name"] == name)
        .and_then(|p| p["id"].as_str())
        .expect("participant listed")
        .to_owned()
}

async fn me_status(server: &Server, token: &str) -> u16 {
    let cookie = format!("ikz_p_{CODE}={token}");
    server
        .http(
            "GET",
            &format!("/api/sessions/{CODE}/me"),
            &[("Cookie", &cookie)],
            None,
        )
        .await
        .0
}

async fn the_moderator_removes_a_participant_everywhere(server: Server) {
    let (session, secret) = server.moderated_session(CODE).await;
    let group = server.group(&session, "Nord").await;
    let anna = server.person(&session, CODE, &group, "Anna Fake").await;
    let ben = server.person(&session, CODE, &group, "Ben").await;
    let mut anna_ws = server.connect(&anna).await;
    anna_ws.sync(0).await;
    anna_ws
        .commit("op-1", &canvas(&group), add_card("c1", "problem", "Spam"))
        .await;
    let mut ben_ws = server.connect(&ben).await;
    ben_ws.sync(0).await;
    let anna_id = participant_id(&server, &secret, "Anna Fake").await;

    let (status, _) = server
        .moderate(
            &secret,
            "DELETE",
            &format!("/api/moderation/participants/{anna_id}"),
            Value::Null,
        )
        .await;
    assert_eq!(status, 204);
    // Her socket closes, her cookie stops working, Ben's keeps.
    let seen = until_closed(&mut anna_ws).await;
    assert_eq!(seen.last().map(String::as_str), Some("moved"), "{seen:?}");
    assert_eq!(me_status(&server, &anna.token).await, 401);
    assert_eq!(me_status(&server, &ben.token).await, 200);
    // Her name leaves the presence Ben sees.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        assert!(tokio::time::Instant::now() < deadline, "Anna still present");
        use futures_util::StreamExt;
        let Ok(Some(Ok(msg))) = tokio::time::timeout(WAIT, ben_ws.ws.next()).await else {
            panic!("Ben's socket ended");
        };
        let msg: Value = serde_json::from_str(msg.to_text().unwrap_or("{}")).unwrap_or_default();
        if msg["type"] == "presence" && !msg.to_string().contains("Anna") {
            break;
        }
    }
    // Listed no more; her name is gone from disk and from the live room.
    let (_, overview) = server
        .moderate(&secret, "GET", "/api/moderation/session", Value::Null)
        .await;
    assert!(!overview.to_string().contains("Anna"), "{overview}");
    let db = pool(&server.db_url()).await;
    let stored = session_text(&db, &session).await;
    assert!(!stored.contains("Anna"), "{stored}");
    assert!(stored.contains(FORMER_PARTICIPANT) && stored.contains("Spam"));
    let (status, export) = server
        .moderate(&secret, "GET", "/api/moderation/export/json", Value::Null)
        .await;
    assert_eq!(status, 200);
    assert!(!export.to_string().contains("Anna"));
    // Removing her again: typed 404.
    let (status, body) = server
        .moderate(
            &secret,
            "DELETE",
            &format!("/api/moderation/participants/{anna_id}"),
            Value::Null,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_participant"))
    );
}

#[tokio::test]
async fn joining_can_be_closed_and_reopened() {
    let api = Api::new().await;
    let (code, token) = api.create_session().await;
    let bearer = format!("Bearer {token}");
    let group = api.add_group(&token, "Nord").await;
    let anna = api.join(&code, &group, "Anna").await;
    let reply = joining_closed(&api, &bearer, true).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["joining_closed"], true);
    let body = json!({ "display_name": "Ben", "kommune": "Ort", "group_id": group });
    let refused = api
        .send(
            "POST",
            &format!("/api/join/{code}"),
            Some(body.clone()),
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json["code"], "joining_closed");
    assert_eq!(
        refused.json["message"],
        "Die Moderation hat den Beitritt geschlossen. Bitte wenden Sie sich an die Moderation."
    );
    assert_eq!(
        api.db
            .store
            .participants(&session_id(&api, &code).await)
            .await
            .unwrap()
            .len(),
        1
    );
    // Those already in keep working.
    assert_eq!(api.me(&code, &anna).await.status, StatusCode::OK);
    assert_eq!(
        joining_closed(&api, &bearer, false).await.status,
        StatusCode::OK
    );
    let joined = api
        .send("POST", &format!("/api/join/{code}"), Some(body), &[])
        .await;
    assert_eq!(joined.status, StatusCode::OK);
}

async fn joining_closed(api: &Api, bearer: &str, closed: bool) -> common::Reply {
    api.send(
        "PATCH",
        "/api/moderation/settings",
        Some(json!({ "joining_closed": closed })),
        &[("authorization", bearer)],
    )
    .await
}

async fn session_id(api: &Api, code: &str) -> String {
    let code = app::domain::JoinCode::parse(code).unwrap();
    api.db
        .store
        .session_by_code(&code)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn a_participant_leaves_and_their_name_goes_with_them(server: Server) {
    let (session, secret) = server.moderated_session(CODE).await;
    let group = server.group(&session, "Nord").await;
    let anna = server.person(&session, CODE, &group, "Anna").await;
    let ben = server.person(&session, CODE, &group, "Ben").await;
    let mut anna_ws = server.connect(&anna).await;
    anna_ws.sync(0).await;
    anna_ws
        .commit(
            "op-1",
            &canvas(&group),
            add_card("c1", "problem", "Idee eins"),
        )
        .await;
    let mut ben_ws = server.connect(&ben).await;
    ben_ws.sync(0).await;
    ben_ws
        .commit(
            "op-2",
            &canvas(&group),
            add_card("c2", "problem", "Idee zwei"),
        )
        .await;

    let cookie = format!("ikz_p_{CODE}={}", anna.token);
    let (status, _) = server
        .http(
            "DELETE",
            &format!("/api/sessions/{CODE}/me"),
            &[("Cookie", &cookie)],
            None,
        )
        .await;
    assert_eq!(status, 204);
    until_closed(&mut anna_ws).await;
    assert_eq!(me_status(&server, &anna.token).await, 401);

    let db = pool(&server.db_url()).await;
    let stored = session_text(&db, &session).await;
    assert!(!stored.contains("Anna"), "{stored}");
    assert!(stored.contains("Idee eins"), "her contribution stays");
    assert!(stored.contains(FORMER_PARTICIPANT));
    assert!(stored.contains("Ben"), "others keep their names");
    let participants = db
        .count(
            "SELECT COUNT(*) FROM participants WHERE session_id = ?",
            &session,
        )
        .await;
    assert_eq!(participants, 1);
    // What a newly connecting browser gets (the live room) has no name either.
    let mut again = server.connect(&ben).await;
    again.hello(0).await;
    let snapshot = again.expect("snapshot").await;
    assert!(!snapshot.to_string().contains("Anna"), "{snapshot}");
    assert!(snapshot.to_string().contains(FORMER_PARTICIPANT));
    let (_, export) = server
        .moderate(&secret, "GET", "/api/moderation/export/json", Value::Null)
        .await;
    assert!(!export.to_string().contains("Anna"));
}

#[tokio::test]
async fn leaving_clears_the_cookie() {
    let api = Api::new().await;
    let (code, token) = api.create_session().await;
    let group = api.add_group(&token, "Nord").await;
    let anna = api.join(&code, &group, "Anna").await;
    let reply = api
        .send(
            "DELETE",
            &format!("/api/sessions/{code}/me"),
            None,
            &[("cookie", &anna)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let set = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.starts_with(&format!("ikz_p_{code}=;")), "{set}");
    assert!(set.contains("Max-Age=0"), "{set}");
    assert_eq!(api.me(&code, &anna).await.status, StatusCode::UNAUTHORIZED);
}

async fn deleting_a_session_deletes_every_row_and_closes_its_screens(server: Server) {
    let (session, secret) = server.moderated_session(CODE).await;
    let (other, other_secret) = server.moderated_session("JKMNPQ").await;
    let mut people = Vec::new();
    for (sid, code, key) in [(&session, CODE, &secret), (&other, "JKMNPQ", &other_secret)] {
        let group = server.group(sid, "Nord").await;
        let person = server.person(sid, code, &group, "Anna").await;
        let mut ws = server.connect(&person).await;
        ws.sync(0).await;
        ws.commit("op-1", &canvas(&group), add_card("c1", "problem", "Karte"))
            .await;
        people.push((person, ws));
        // A saved stand ("Stand sichern") is session data too.
        let (status, _) = server
            .moderate(
                key,
                "POST",
                "/api/moderation/stands",
                json!({ "label": "Vorher" }),
            )
            .await;
        assert_eq!(status, 201);
    }
    let db = pool(&server.db_url()).await;
    for (table, n) in rows_per_table(&db, &session).await {
        assert!(
            n > 0,
            "nothing in {table} to delete: the test would prove nothing"
        );
    }
    let mut cockpit = moderator_live(&server, &secret).await;
    cockpit.expect("snapshot").await;

    let (status, _) = server
        .moderate(&secret, "DELETE", "/api/moderation/session", Value::Null)
        .await;
    assert_eq!(status, 204);
    for (table, n) in rows_per_table(&db, &session).await {
        assert_eq!(n, 0, "{table} keeps rows of the deleted session");
    }
    for (table, n) in rows_per_table(&db, &other).await {
        assert!(n > 0, "{table}: the other session lost its rows");
    }
    // Its participant and moderator screens close; code and secret are dead.
    until_closed(&mut people[0].1).await;
    until_closed(&mut cockpit).await;
    assert_eq!(
        server
            .http("GET", &format!("/api/join/{CODE}"), &[], None)
            .await
            .0,
        404
    );
    let (status, _) = server
        .moderate(&secret, "GET", "/api/moderation/session", Value::Null)
        .await;
    assert_eq!(status, 403);
    // The other session lives on.
    let mut other_ws = server.connect(&people[1].0).await;
    other_ws.sync(0).await;
    other_ws
        .commit(
            "op-2",
            &canvas(&people[1].0.group),
            add_card("c2", "problem", "Weiter"),
        )
        .await;
}

async fn removing_an_empty_group_deletes_its_boards_and_log(server: Server) {
    let (session, secret) = server.moderated_session(CODE).await;
    let nord = server.group(&session, "Nord").await;
    let sued = server.group(&session, "Süd").await;
    let anna = server.person(&session, CODE, &nord, "Anna").await;
    let ben = server.person(&session, CODE, &sued, "Ben").await;
    let mut ws = server.connect(&anna).await;
    ws.sync(0).await;
    ws.commit(
        "op-1",
        &canvas(&nord),
        add_card("c1", "problem", "Nordkarte"),
    )
    .await;
    let mut ben_ws = server.connect(&ben).await;
    ben_ws.sync(0).await;
    ben_ws
        .commit(
            "op-2",
            &canvas(&sued),
            add_card("c2", "problem", "Südkarte"),
        )
        .await;
    // With a member the group stays.
    let remove = format!("/api/moderation/groups/{nord}");
    let (status, _) = server
        .moderate(&secret, "DELETE", &remove, Value::Null)
        .await;
    assert_eq!(status, 409);
    let anna_id = participant_id(&server, &secret, "Anna").await;
    let (status, _) = server
        .moderate(
            &secret,
            "PUT",
            &format!("/api/moderation/participants/{anna_id}/group"),
            json!({ "group_id": sued }),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = server
        .moderate(&secret, "DELETE", &remove, Value::Null)
        .await;
    assert_eq!(status, 204);

    let db = pool(&server.db_url()).await;
    let boards = db
        .strings("SELECT board_id FROM boards WHERE session_id = ?", &session)
        .await;
    assert_eq!(boards, [canvas(&sued)]);
    let logged = db
        .strings("SELECT group_id FROM op_log WHERE session_id = ?", &session)
        .await;
    assert_eq!(logged, [sued]);
    // Nor does the live room keep it.
    let (_, export) = server
        .moderate(&secret, "GET", "/api/moderation/export/json", Value::Null)
        .await;
    let export = export.to_string();
    assert!(
        !export.contains("Nordkarte") && export.contains("Südkarte"),
        "{export}"
    );
}

async fn sessions_are_deleted_after_their_retention(server: Server) {
    let db = &server.db;
    let state = common::state(db.store.clone());
    let details =
        |date: &str| app::domain::session::SessionDetails::validate("Alt", date, "Ort").unwrap();
    let mut ids = Vec::new();
    for (code, date) in [("ACDEFH", "2026-08-01"), ("JKMNPQ", "2026-09-01")] {
        let code = app::domain::JoinCode::parse(code).unwrap();
        let hash = server::auth::token_hash(&server::auth::new_token());
        let s = db
            .store
            .create_session(&details(date), &code, &hash, 0)
            .await
            .unwrap();
        let g = app::domain::session::GroupDetails::validate("Nord", "#8ecae6").unwrap();
        let g = db.store.add_group(&s.id, &g).await.unwrap().id;
        let p = app::domain::session::ParticipantDetails::validate("Anna", "Ort").unwrap();
        let t = server::auth::token_hash(&server::auth::new_token());
        db.store
            .add_participant(&s.id, &g, &p, &t, 0, 1)
            .await
            .unwrap();
        ids.push(s.id);
    }
    // 2026-08-01 + 90 days = 2026-10-30: one day later the first goes.
    let swept = server::retention::sweep(&state, "2026-10-30", 90)
        .await
        .unwrap();
    assert_eq!(swept, 0);
    let swept = server::retention::sweep(&state, "2026-10-31", 90)
        .await
        .unwrap();
    assert_eq!(swept, 1);
    let pool = pool(&db.url).await;
    for (table, n) in rows_per_table(&pool, &ids[0]).await {
        assert_eq!(n, 0, "{table}");
    }
    assert_eq!(db.store.session_count().await.unwrap(), 1);
    assert_eq!(db.store.participants(&ids[1]).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_projector_has_its_own_read_only_token() {
    let api = Api::new().await;
    let created = api
        .send(
            "POST",
            "/api/sessions",
            Some(json!({ "title": "T", "date": "2026-11-25", "place": "O" })),
            &[],
        )
        .await;
    let code = created.json["join_code"].as_str().unwrap().to_owned();
    let secret = created.json["moderator_token"].as_str().unwrap().to_owned();
    let projector = created.json["projector_token"].as_str().unwrap().to_owned();
    assert!(projector.len() >= 64 && projector != secret);
    let group = api.add_group(&secret, "Nord").await;
    api.join(&code, &group, "Anna").await;
    let as_projector = format!("Bearer {projector}");
    let auth = [("authorization", as_projector.as_str())];
    // It reads what the projector shows, without the list of names …
    let reply = api
        .send("GET", "/api/moderation/session", None, &auth)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["session"]["join_code"], code.as_str());
    assert_eq!(reply.json["participants"], json!([]));
    // … and changes nothing.
    let writes: [(&str, String, Option<Value>); 8] = [
        (
            "PATCH",
            "/api/moderation/settings".into(),
            Some(json!({ "joining_closed": true })),
        ),
        ("DELETE", "/api/moderation/session".into(), None),
        ("POST", "/api/moderation/secret".into(), None),
        ("POST", "/api/moderation/projector".into(), None),
        (
            "POST",
            "/api/moderation/groups".into(),
            Some(json!({ "name": "X", "colour": "#8ecae6" })),
        ),
        ("DELETE", format!("/api/moderation/groups/{group}"), None),
        ("GET", "/api/moderation/export/json".into(), None),
        (
            "POST",
            "/api/moderation/duplicate".into(),
            Some(json!({ "title": "T", "date": "2026-11-25", "place": "O" })),
        ),
    ];
    for (method, uri, body) in writes {
        let reply = api.send(method, &uri, body, &auth).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {uri}");
    }
    assert_eq!(api.db.store.session_count().await.unwrap(), 1);
}

#[tokio::test]
async fn the_projector_watches_live_with_its_token() {
    let server = Server::start().await;
    let (status, created) = server
        .http(
            "POST",
            "/api/sessions",
            &[],
            Some(json!({ "title": "T", "date": "2026-11-25", "place": "O" })),
        )
        .await;
    assert_eq!(status, 201);
    let projector = created["projector_token"].as_str().unwrap();
    let mut screen = moderator_live(&server, projector).await;
    screen.expect("snapshot").await;
    // A made-up token is refused.
    let mut forged = moderator_live(&server, &"0".repeat(64)).await;
    let seen = until_closed(&mut forged).await;
    assert_eq!(seen, ["rejected"]);
}

#[tokio::test]
async fn the_moderator_rotates_secret_and_projector_token() {
    let api = Api::new().await;
    let created = api
        .send(
            "POST",
            "/api/sessions",
            Some(json!({ "title": "T", "date": "2026-11-25", "place": "O" })),
            &[],
        )
        .await;
    let secret = created.json["moderator_token"].as_str().unwrap().to_owned();
    let projector = created.json["projector_token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {secret}");
    let rotated = api
        .send(
            "POST",
            "/api/moderation/secret",
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK);
    let new_secret = rotated.json["moderator_token"].as_str().unwrap().to_owned();
    let new_projector = rotated.json["projector_token"].as_str().unwrap().to_owned();
    assert_eq!(read_as(&api, &secret).await, StatusCode::FORBIDDEN);
    assert_eq!(read_as(&api, &projector).await, StatusCode::FORBIDDEN);
    assert_eq!(read_as(&api, &new_secret).await, StatusCode::OK);
    assert_eq!(read_as(&api, &new_projector).await, StatusCode::OK);
    // The projector's token alone.
    let bearer = format!("Bearer {new_secret}");
    let again = api
        .send(
            "POST",
            "/api/moderation/projector",
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.json.get("moderator_token").is_none());
    let newest = again.json["projector_token"].as_str().unwrap().to_owned();
    assert_eq!(read_as(&api, &new_projector).await, StatusCode::FORBIDDEN);
    assert_eq!(read_as(&api, &newest).await, StatusCode::OK);
    assert_eq!(read_as(&api, &new_secret).await, StatusCode::OK);
}

async fn read_as(api: &Api, token: &str) -> StatusCode {
    let bearer = format!("Bearer {token}");
    api.send(
        "GET",
        "/api/moderation/session",
        None,
        &[("authorization", &bearer)],
    )
    .await
    .status
}

/// The real binary sweeps at start: an expired session in its database is
/// gone shortly after it starts, a current one stays.
#[tokio::test]
async fn the_server_binary_sweeps_expired_sessions() {
    use std::process::Stdio;
    let data = tempfile::tempdir().expect("data dir");
    let site = tempfile::tempdir().expect("site root");
    let url = format!(
        "sqlite://{}",
        data.path().join("ikz-werkstatt.db").display()
    );
    {
        let store = server::store::Store::open(&url).await.expect("store");
        for (code, date) in [("ACDEFH", "2020-01-01"), ("JKMNPQ", "2099-01-01")] {
            let details = app::domain::session::SessionDetails::validate("T", date, "Ort").unwrap();
            let code = app::domain::JoinCode::parse(code).unwrap();
            let hash = server::auth::token_hash(&server::auth::new_token());
            store
                .create_session(&details, &code, &hash, 0)
                .await
                .unwrap();
        }
    }
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let _child = tokio::process::Command::new(env!("CARGO_BIN_EXE_ikz-werkstatt"))
        .env("IKZ_DATA_DIR", data.path())
        .env("IKZ_LISTEN", addr.to_string())
        .env("IKZ_RETENTION_DAYS", "90")
        .env("LEPTOS_OUTPUT_NAME", "ikz_werkstatt")
        .env("LEPTOS_SITE_ROOT", site.path())
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .env_remove("IKZ_TRUSTED_PROXIES")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start server");
    let pool = SqlitePool::connect(&url).await.expect("second connection");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let dates: Vec<String> = sqlx::query_scalar("SELECT date FROM workshop_sessions")
            .fetch_all(&pool)
            .await
            .unwrap();
        if dates == ["2099-01-01"] {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not swept: {dates:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

// The tests above that read the database run on SQLite and on PostgreSQL.
crate::on_both_backends!(
    @with crate::common::live::Server::start_on;
    the_moderator_removes_a_participant_everywhere,
    a_participant_leaves_and_their_name_goes_with_them,
    deleting_a_session_deletes_every_row_and_closes_its_screens,
    removing_an_empty_group_deletes_its_boards_and_log,
    sessions_are_deleted_after_their_retention,
);
