//! Guards of the live channel: only our own origin may open it, the
//! participant cookie over https, silent connections closed after pings go
//! unanswered, a bounded number of sockets per participant and moderator, one
//! `Hello` per connection within the rate limit, and an expired token ends
//! the connection.

mod common;

use axum::http::StatusCode;
use common::live::*;
use common::Api;
use futures_util::StreamExt;
use serde_json::{json, Value};
use server::config::PublicOrigin;
use server::live::LiveLimits;
use server::state::WebSettings;
use std::time::Duration;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

const PUBLIC: &str = "https://werkstatt.example.de";

fn https() -> WebSettings {
    WebSettings {
        public_origin: Some(PublicOrigin::parse(PUBLIC).unwrap()),
        ..WebSettings::default()
    }
}

fn limits(live: LiveLimits) -> WebSettings {
    WebSettings {
        live,
        ..WebSettings::default()
    }
}

/// Opens `path` as a WebSocket with this `Origin` (if any) and cookie (if
/// any); the HTTP status of a refused upgrade, or 101.
async fn upgrade_status(
    server: &Server,
    path: &str,
    origin: Option<&str>,
    cookie: Option<&str>,
) -> u16 {
    let mut request = format!("ws://{}{path}", server.addr)
        .into_client_request()
        .expect("request");
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().expect("origin"));
    }
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().expect("cookie"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("upgrade failed: {e}"),
    }
}

/// Reads until the server closes; the reason of its close frame ("" if none),
/// or `None` if the connection is still open at `deadline`.
async fn closed_with(client: &mut Client, deadline: Instant) -> Option<String> {
    loop {
        match tokio::time::timeout_at(deadline, client.ws.next()).await {
            Err(_) => return None,
            Ok(None) | Ok(Some(Err(_))) => return Some(String::new()),
            Ok(Some(Ok(Message::Close(frame)))) => {
                return Some(frame.map(|f| f.reason.to_string()).unwrap_or_default())
            }
            Ok(Some(Ok(_))) => continue,
        }
    }
}

#[tokio::test]
async fn live_upgrades_only_from_our_own_origin() {
    let (server, _, alice) = one_person().await;
    let path = "/api/sessions/ACDEFH/live";
    let cookie = format!("ikz_p_ACDEFH={}", alice.token);
    let own = format!("http://{}", server.addr);
    let cookie = Some(cookie.as_str());
    assert_eq!(upgrade_status(&server, path, None, cookie).await, 403);
    assert_eq!(
        upgrade_status(&server, path, Some("null"), cookie).await,
        403
    );
    let foreign = Some("http://evil.example");
    assert_eq!(upgrade_status(&server, path, foreign, cookie).await, 403);
    // Same host, other port: another origin.
    let other_port = format!("http://{}:1", server.addr.ip());
    let other_port = Some(other_port.as_str());
    assert_eq!(upgrade_status(&server, path, other_port, cookie).await, 403);
    assert_eq!(upgrade_status(&server, path, Some(&own), cookie).await, 101);
    // Behind a TLS proxy without a configured origin: https on our host.
    let own_tls = format!("https://{}", server.addr);
    assert_eq!(
        upgrade_status(&server, path, Some(&own_tls), cookie).await,
        101
    );

    // The moderator's channel likewise (it authenticates only afterwards).
    let moderation = "/api/moderation/live";
    assert_eq!(upgrade_status(&server, moderation, None, None).await, 403);
    assert_eq!(
        upgrade_status(&server, moderation, foreign, None).await,
        403
    );
    assert_eq!(
        upgrade_status(&server, moderation, Some(&own), None).await,
        101
    );
}

#[tokio::test]
async fn with_a_public_origin_only_that_origin_may_connect() {
    let server = Server::start_with(https()).await;
    let session = server.session("ACDEFH").await;
    let group = server.group(&session, "Gruppe A").await;
    let alice = server.person(&session, "ACDEFH", &group, "Alice").await;
    let path = "/api/sessions/ACDEFH/live";
    let cookie = format!("__Host-ikz_p_ACDEFH={}", alice.token);
    let cookie = Some(cookie.as_str());
    let host_origin = format!("http://{}", server.addr);
    assert_eq!(
        upgrade_status(&server, path, Some(&host_origin), cookie).await,
        403
    );
    let plain = Some("http://werkstatt.example.de");
    assert_eq!(upgrade_status(&server, path, plain, cookie).await, 403);
    assert_eq!(
        upgrade_status(&server, path, Some(PUBLIC), cookie).await,
        101
    );
    let moderation = "/api/moderation/live";
    assert_eq!(
        upgrade_status(&server, moderation, Some(&host_origin), None).await,
        403
    );
    assert_eq!(
        upgrade_status(&server, moderation, Some(PUBLIC), None).await,
        101
    );
}

/// Joins through the router; returns the `Set-Cookie` header and the status.
async fn join(api: &Api, group: &str) -> (StatusCode, String) {
    let body = json!({ "display_name": "Alice", "kommune": "Musterstadt", "group_id": group });
    let reply = api.send("POST", "/api/join/ACDEFH", Some(body), &[]).await;
    let cookie = reply
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (reply.status, cookie)
}

async fn api_with(web: WebSettings) -> (Api, String) {
    use app::domain::session::{GroupDetails, SessionDetails};
    let db = common::test_db().await;
    let router = server::api_router(common::state(db.store.clone()).with_web(web));
    let details = SessionDetails::validate("Cookie-Test", "2026-11-25", "Rathaus").unwrap();
    let code = app::domain::JoinCode::parse("ACDEFH").unwrap();
    let session = db
        .store
        .create_session(
            &details,
            &code,
            &server::auth::token_hash("secret"),
            server::clock::now(),
        )
        .await
        .unwrap();
    let group = GroupDetails::validate("Gruppe A", "#8ecae6").unwrap();
    let group = db.store.add_group(&session.id, &group).await.unwrap().id;
    (Api { router, db }, group)
}

#[tokio::test]
async fn over_https_the_participant_cookie_is_secure_and_host_prefixed() {
    let (api, group) = api_with(https()).await;
    let (status, set_cookie) = join(&api, &group).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        set_cookie.starts_with("__Host-ikz_p_ACDEFH="),
        "{set_cookie}"
    );
    let attributes: Vec<&str> = set_cookie.split(';').map(str::trim).collect();
    for wanted in ["Secure", "HttpOnly", "Path=/", "SameSite=Lax"] {
        assert!(attributes.contains(&wanted), "{wanted} in {set_cookie}");
    }
    assert!(!set_cookie.to_ascii_lowercase().contains("domain"));

    // The server reads the cookie under the name it set, and only that.
    let pair = set_cookie.split(';').next().unwrap().to_owned();
    let me = api
        .send("GET", "/api/sessions/ACDEFH/me", None, &[("cookie", &pair)])
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json);
    let unprefixed = pair.trim_start_matches("__Host-");
    let me = api
        .send(
            "GET",
            "/api/sessions/ACDEFH/me",
            None,
            &[("cookie", unprefixed)],
        )
        .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);

    // Over plain http (no public origin): no prefix, no Secure (the browser
    // would drop a Secure cookie sent over http).
    let (api, group) = api_with(WebSettings::default()).await;
    let (status, set_cookie) = join(&api, &group).await;
    assert_eq!(status, StatusCode::OK);
    assert!(set_cookie.starts_with("ikz_p_ACDEFH="), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
}

#[tokio::test]
async fn silent_live_connections_are_closed_and_answering_ones_kept() {
    let server = Server::start_with(limits(LiveLimits {
        ping: Duration::from_millis(200),
        idle_timeout: Duration::from_millis(1000),
        ..LiveLimits::default()
    }))
    .await;
    let session = server.session("ACDEFH").await;
    let group = server.group(&session, "Gruppe A").await;
    let alice = server.person(&session, "ACDEFH", &group, "Alice").await;
    let mut silent = server.connect(&alice).await;
    silent.sync(0).await;
    let mut awake = server.connect(&alice).await;
    awake.sync(0).await;
    // `awake` reads (and so answers pings) for three idle timeouts; `silent`
    // reads nothing, so its client never answers a ping.
    let until = Instant::now() + Duration::from_secs(3);
    assert!(
        closed_with(&mut awake, until).await.is_none(),
        "a connection that answers pings was closed"
    );
    // (Its client, reading at last, answers the queued pings on a socket
    // the server has closed, so it may see a reset instead of the close frame.)
    let reason = closed_with(&mut silent, Instant::now() + Duration::from_secs(5)).await;
    assert!(
        matches!(reason.as_deref(), Some("idle" | "")),
        "the silent connection is open: {reason:?}"
    );
    let board = canvas(&group);
    awake
        .commit("op-1", &board, add_card("c1", "problem", "Noch da"))
        .await;
}

#[tokio::test]
async fn a_participant_holds_at_most_eight_live_sockets_the_oldest_goes() {
    let (server, _, alice) = one_person().await;
    let mut sockets = Vec::new();
    for _ in 0..8 {
        let mut client = server.connect(&alice).await;
        client.sync(0).await;
        sockets.push(client);
    }
    // A ninth (another tab, a reconnect) gets in; the oldest is closed.
    let mut ninth = server.connect(&alice).await;
    ninth.sync(0).await;
    let reason = closed_with(&mut sockets[0], Instant::now() + Duration::from_secs(5)).await;
    assert_eq!(reason.as_deref(), Some("too many live connections"));
    let board = canvas(&alice.group);
    ninth
        .commit("op-1", &board, add_card("c1", "problem", "Neunter Tab"))
        .await;
    for (i, client) in sockets.iter_mut().enumerate().skip(1) {
        let op = client.expect("op").await;
        assert_eq!(op["op_id"], "op-1", "socket {i}");
    }
}

#[tokio::test]
async fn a_moderator_secret_holds_at_most_eight_live_sockets() {
    let server = Server::start().await;
    let (_, secret) = server.moderated_session("ACDEFH").await;
    let hello = json!({ "type": "hello", "last_seq": 0, "moderator": secret });
    let mut screens = Vec::new();
    for _ in 0..9 {
        let mut request = format!("ws://{}/api/moderation/live", server.addr)
            .into_client_request()
            .expect("request");
        let origin = format!("http://{}", server.addr);
        request
            .headers_mut()
            .insert("origin", origin.parse().expect("origin"));
        let (ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("upgrade");
        let mut screen = Client {
            ws,
            strict: true,
            last_text: String::new(),
            log: Vec::new(),
            settings: None,
        };
        screen.send(hello.clone()).await;
        screen.expect("snapshot").await;
        screen.expect("synced").await;
        screens.push(screen);
    }
    let reason = closed_with(&mut screens[0], Instant::now() + Duration::from_secs(5)).await;
    assert_eq!(reason.as_deref(), Some("too many live connections"));
    let still = closed_with(&mut screens[1], Instant::now() + Duration::from_millis(300)).await;
    assert!(still.is_none(), "the second screen was closed too");
}

#[tokio::test]
async fn one_hello_per_connection_and_hellos_count_against_the_rate_limit() {
    let (server, _, alice) = one_person().await;
    let mut client = server.connect(&alice).await;
    client.sync(0).await;
    // A flood of hellos, then an op, without waiting for answers.
    const FLOOD: usize = 400;
    for _ in 0..FLOOD {
        client.hello(0).await;
    }
    let board = canvas(&alice.group);
    client
        .op("op-1", &board, add_card("c1", "problem", "Nach der Flut"))
        .await;
    let mut refusals: Vec<Value> = Vec::new();
    for _ in 0..=FLOOD {
        let msg = client.receive(WAIT).await;
        let Received::Msg(msg) = msg else {
            panic!("expected a refusal, got {msg:?}")
        };
        assert_eq!(
            msg["type"], "rejected",
            "a repeated hello was answered: {msg}"
        );
        refusals.push(msg["refusal"].clone());
    }
    // Within the burst a repeated hello is refused as a protocol error, beyond
    // it as rate-limited; no snapshot was sent again.
    let kind = |r: &Value| r["kind"].as_str().unwrap_or_default().to_owned();
    assert!(
        refusals.iter().any(|r| kind(r) == "malformed_message"),
        "{refusals:?}"
    );
    assert!(
        refusals.iter().any(|r| kind(r) == "rate_limited"),
        "{refusals:?}"
    );
    // The hellos used up the connection's budget: the op is refused too.
    assert_eq!(kind(&refusals[FLOOD]), "rate_limited");
    let snapshots = client
        .log
        .iter()
        .filter(|t| t.contains("\"type\":\"snapshot\""))
        .count();
    assert_eq!(snapshots, 1, "a repeated hello got a snapshot");
}

#[tokio::test]
async fn an_expired_token_ends_the_live_connection() {
    let server = Server::start_with(limits(LiveLimits {
        ping: Duration::from_millis(200),
        ..LiveLimits::default()
    }))
    .await;
    let session = server.session("ACDEFH").await;
    let group = server.group(&session, "Gruppe A").await;
    let soon = server::clock::now() + 2;
    let alice = server
        .person_expiring(&session, "ACDEFH", &group, "Alice", soon)
        .await;
    let mut client = server.connect(&alice).await;
    client.sync(0).await;
    let reason = closed_with(&mut client, Instant::now() + Duration::from_secs(6)).await;
    assert_eq!(reason.as_deref(), Some("token expired"));
    // And it cannot come back.
    assert!(Client::connect(server.addr, "ACDEFH", Some(&alice.token))
        .await
        .is_err());
}
