//! Access protection: the join-code limiter on every code-addressed route,
//! indistinguishable answers for unknown codes and bad cookies, the client
//! address behind trusted proxies, and the limits on new sessions and joins.

mod common;

use axum::http::{header, StatusCode};
use axum::Router;
use common::live::{Client, Server};
use common::{Reply, TestDb};
use serde_json::{json, Value};
use server::access::{TrustedProxies, CODE_MISS_COST, CODE_REQUESTS_PER_MINUTE};
use std::net::SocketAddr;

/// Failed look-ups one address may make before it is refused.
const MISSES: u32 = CODE_REQUESTS_PER_MINUTE / CODE_MISS_COST;

/// The router with connection info per request (as `axum::serve` with
/// `into_make_service_with_connect_info` gives it).
struct Net {
    router: Router,
    db: TestDb,
}

impl Net {
    async fn new(trusted: &str) -> Self {
        let db = common::test_db().await;
        let state = common::state(db.store.clone())
            .with_trusted_proxies(TrustedProxies::parse(trusted).expect("proxies"));
        Self {
            router: server::api_router(state),
            db,
        }
    }

    async fn send(
        &self,
        peer: &str,
        method: &str,
        uri: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let peer: SocketAddr = format!("{peer}:40000").parse().expect("peer");
        common::send_with(&self.router, Some(peer), method, uri, body, headers).await
    }

    /// Creates a session from `peer`; (join code, moderator secret, projector token).
    async fn create(&self, peer: &str) -> Reply {
        let body = json!({ "title": "Workshop", "date": "2026-11-25", "place": "Rathaus" });
        self.send(peer, "POST", "/api/sessions", Some(body), &[])
            .await
    }

    async fn session(&self, peer: &str) -> (String, String) {
        let reply = self.create(peer).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.json);
        (
            reply.json["join_code"].as_str().unwrap().to_owned(),
            reply.json["moderator_token"].as_str().unwrap().to_owned(),
        )
    }

    async fn group(&self, peer: &str, token: &str) -> String {
        let bearer = format!("Bearer {token}");
        let reply = self
            .send(
                peer,
                "POST",
                "/api/moderation/groups",
                Some(json!({ "name": "Nord", "colour": "#8ecae6" })),
                &[("authorization", &bearer)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.json);
        reply.json["id"].as_str().unwrap().to_owned()
    }

    async fn join(&self, peer: &str, code: &str, group: &str, name: &str) -> Reply {
        let body = json!({ "display_name": name, "kommune": "Ort", "group_id": group });
        self.send(peer, "POST", &format!("/api/join/{code}"), Some(body), &[])
            .await
    }
}

fn cookie_of(reply: &Reply) -> String {
    let set = reply.headers[header::SET_COOKIE].to_str().expect("cookie");
    set.split(';').next().expect("pair").to_owned()
}

/// An unknown join code that is well-formed (so the look-up really happens).
const UNKNOWN: &str = "XXXXXX";

#[tokio::test]
async fn every_code_addressed_http_route_counts_failures_against_the_limit() {
    let routes: [(&str, &str); 6] = [
        ("GET", "/api/join/{code}"),
        ("POST", "/api/join/{code}"),
        ("GET", "/api/join/{code}/qr.svg"),
        ("GET", "/api/sessions/{code}/me"),
        ("DELETE", "/api/sessions/{code}/me"),
        ("GET", "/api/sessions/{code}/export/json"),
    ];
    for (method, route) in routes {
        let net = Net::new("").await;
        let (code, _) = net.session("192.0.2.1").await;
        let body = (method == "POST")
            .then(|| json!({ "display_name": "A", "kommune": "B", "group_id": "x" }));
        let guess = route.replace("{code}", UNKNOWN);
        for i in 0..MISSES {
            let reply = net
                .send("192.0.2.7", method, &guess, body.clone(), &[])
                .await;
            assert_ne!(
                reply.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{method} {route} #{i}"
            );
        }
        // Refused now, even for the real code; another address is not affected.
        let real = route.replace("{code}", &code);
        let reply = net
            .send("192.0.2.7", method, &real, body.clone(), &[])
            .await;
        assert_eq!(
            reply.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{method} {route}"
        );
        assert_eq!(reply.json["code"], "rate_limited");
        let reply = net.send("192.0.2.8", method, &guess, body, &[]).await;
        assert_ne!(
            reply.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{method} {route}"
        );
    }
}

#[tokio::test]
async fn the_live_route_counts_failures_against_the_limit() {
    let server = Server::start().await;
    let session = server.session("ACDEFH").await;
    let group = server.group(&session, "Nord").await;
    let anna = server.person(&session, "ACDEFH", &group, "Anna").await;
    for _ in 0..MISSES {
        let refused = Client::connect(server.addr, UNKNOWN, Some(&anna.token)).await;
        assert_eq!(status(refused), 401);
    }
    let refused = Client::connect(server.addr, "ACDEFH", Some(&anna.token)).await;
    assert_eq!(status(refused), 429);
}

fn status(result: Result<Client, tokio_tungstenite::tungstenite::Error>) -> u16 {
    match result {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => panic!("connected"),
    }
}

#[tokio::test]
async fn unknown_codes_and_bad_cookies_answer_alike() {
    let net = Net::new("").await;
    let (code, token) = net.session("192.0.2.1").await;
    let (other_code, other_token) = net.session("192.0.2.1").await;
    let group = net.group("192.0.2.1", &token).await;
    let other_group = net.group("192.0.2.1", &other_token).await;
    let anna = net.join("192.0.2.1", &code, &group, "Anna").await;
    let anna = cookie_of(&anna);
    let anna_token = anna.split_once('=').unwrap().1.to_owned();
    net.join("192.0.2.1", &other_code, &other_group, "Ben")
        .await;

    for (method, route) in [
        ("GET", "/api/sessions/{code}/me"),
        ("DELETE", "/api/sessions/{code}/me"),
        ("GET", "/api/sessions/{code}/export/json"),
    ] {
        let at = |c: &str| route.replace("{code}", c);
        let mut answers = Vec::new();
        // Unknown code (with and without a cookie), real code without a
        // cookie, with a made-up token, with another session's token.
        let cases: [(String, Option<String>); 5] = [
            (at(UNKNOWN), None),
            (at(UNKNOWN), Some(format!("ikz_p_{UNKNOWN}={anna_token}"))),
            (at(&other_code), None),
            (
                at(&other_code),
                Some(format!("ikz_p_{other_code}={}", "0".repeat(64))),
            ),
            (
                at(&other_code),
                Some(format!("ikz_p_{other_code}={anna_token}")),
            ),
        ];
        for (uri, cookie) in cases {
            let headers: Vec<(&str, &str)> =
                cookie.iter().map(|c| ("cookie", c.as_str())).collect();
            // A fresh address each time, so no answer is a rate limit.
            let peer = format!("198.51.100.{}", answers.len() + 1);
            let reply = net.send(&peer, method, &uri, None, &headers).await;
            answers.push((reply.status, reply.json));
        }
        for answer in &answers {
            assert_eq!(answer, &answers[0], "{method} {route}: {answers:?}");
        }
        assert_eq!(answers[0].0, StatusCode::UNAUTHORIZED);
        assert_eq!(answers[0].1["code"], "not_joined");
    }
    // Anna's own cookie still works.
    let me = net
        .send(
            "198.51.100.99",
            "GET",
            &format!("/api/sessions/{code}/me"),
            None,
            &[("cookie", &anna)],
        )
        .await;
    assert_eq!(me.status, StatusCode::OK);
}

#[tokio::test]
async fn a_room_behind_one_nat_joins_and_polls_without_locking_itself_out() {
    let net = Net::new("").await;
    let (code, token) = net.session("192.0.2.1").await;
    let group = net.group("192.0.2.1", &token).await;
    let nat = "203.0.113.50";
    let mut cookies = Vec::new();
    for i in 0..60 {
        // Everyone looks at the session, a few mistype the code first.
        if i % 6 == 0 {
            let typo = net
                .send(nat, "GET", &format!("/api/join/{UNKNOWN}"), None, &[])
                .await;
            assert_eq!(typo.status, StatusCode::NOT_FOUND);
        }
        let look = net
            .send(nat, "GET", &format!("/api/join/{code}"), None, &[])
            .await;
        assert_eq!(look.status, StatusCode::OK);
        let joined = net.join(nat, &code, &group, &format!("Person {i}")).await;
        assert_eq!(joined.status, StatusCode::OK, "join {i}: {:?}", joined.json);
        cookies.push(cookie_of(&joined));
    }
    // Three reloads of every workspace in the same minute.
    for round in 0..3 {
        for cookie in &cookies {
            let me = net
                .send(
                    nat,
                    "GET",
                    &format!("/api/sessions/{code}/me"),
                    None,
                    &[("cookie", cookie)],
                )
                .await;
            assert_eq!(me.status, StatusCode::OK, "round {round}");
        }
    }
}

#[tokio::test]
async fn forwarded_for_counts_only_behind_a_trusted_proxy() {
    let net = Net::new("10.0.0.1, 10.1.0.0/16").await;
    let guess = format!("/api/join/{UNKNOWN}");
    // Through the proxy, one client uses up its own budget …
    for _ in 0..MISSES {
        let reply = net
            .send(
                "10.0.0.1",
                "GET",
                &guess,
                None,
                &[("x-forwarded-for", "1.2.3.4, 198.51.100.1, 10.1.2.3")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
    let reply = net
        .send(
            "10.0.0.1",
            "GET",
            &guess,
            None,
            &[("x-forwarded-for", "198.51.100.1")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    // … the other people behind the same proxy are not locked out …
    let reply = net
        .send(
            "10.0.0.1",
            "GET",
            &guess,
            None,
            &[("x-forwarded-for", "198.51.100.2")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // … and the forged left-most entry was not the key.
    let reply = net
        .send(
            "10.0.0.1",
            "GET",
            &guess,
            None,
            &[("x-forwarded-for", "1.2.3.4")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // A client talking to us directly cannot escape its bucket with the header.
    for i in 0..MISSES {
        let forged = format!("198.51.100.{}", 100 + i);
        let reply = net
            .send(
                "203.0.113.9",
                "GET",
                &guess,
                None,
                &[("x-forwarded-for", &forged)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
    let reply = net
        .send(
            "203.0.113.9",
            "GET",
            &guess,
            None,
            &[("x-forwarded-for", "198.51.100.250")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn without_trusted_proxies_the_peer_is_the_client() {
    let net = Net::new("").await;
    let guess = format!("/api/join/{UNKNOWN}");
    for i in 0..MISSES {
        let forged = format!("198.51.100.{i}");
        let reply = net
            .send(
                "127.0.0.1",
                "GET",
                &guess,
                None,
                &[("x-forwarded-for", &forged)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
    let reply = net
        .send(
            "127.0.0.1",
            "GET",
            &guess,
            None,
            &[("x-forwarded-for", "198.51.100.200")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
}

#[test]
fn trusted_proxies_are_configured_by_flag_or_environment() {
    use clap::Parser;
    use server::config::Config;
    let config = Config::try_parse_from(["ikz", "--trusted-proxy", "127.0.0.1,10.0.0.0/8"])
        .expect("valid list");
    assert!(config
        .trusted_proxies
        .is_trusted("10.9.8.7".parse().unwrap()));
    assert!(!config
        .trusted_proxies
        .is_trusted("11.0.0.1".parse().unwrap()));
    assert!(Config::try_parse_from(["ikz", "--trusted-proxy", "localhost"]).is_err());
    assert_eq!(Config::try_parse_from(["ikz"]).unwrap().retention_days, 90);
}

#[tokio::test]
async fn session_creation_and_import_are_limited_per_address() {
    let net = Net::new("").await;
    let burst = server::access::SESSIONS_BURST;
    for i in 0..burst {
        let reply = net.create("192.0.2.1").await;
        assert_eq!(reply.status, StatusCode::CREATED, "#{i}");
    }
    let reply = net.create("192.0.2.1").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.json["code"], "rate_limited");
    // Import and duplication count as new sessions too.
    let import = net
        .send("192.0.2.1", "POST", "/api/import", Some(json!({})), &[])
        .await;
    assert_eq!(import.status, StatusCode::TOO_MANY_REQUESTS);
    let count = net.db.store.session_count().await.unwrap();
    assert_eq!(count, i64::from(burst), "nothing written beyond the limit");
    // Another address is not affected.
    let (_, token) = net.session("192.0.2.2").await;
    let bearer = format!("Bearer {token}");
    let dup = net
        .send(
            "192.0.2.1",
            "POST",
            "/api/moderation/duplicate",
            Some(json!({ "title": "T", "date": "2026-11-25", "place": "O" })),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(dup.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn joins_are_limited_per_address_and_session() {
    let net = Net::new("").await;
    let (code, token) = net.session("192.0.2.1").await;
    let (other, other_token) = net.session("192.0.2.1").await;
    let group = net.group("192.0.2.1", &token).await;
    let other_group = net.group("192.0.2.1", &other_token).await;
    let burst = server::access::JOINS_BURST;
    for i in 0..burst {
        let reply = net
            .join("203.0.113.5", &code, &group, &format!("P{i}"))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "#{i}");
    }
    let reply = net.join("203.0.113.5", &code, &group, "Fake").await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    // Another address, or another session, still joins.
    let reply = net.join("203.0.113.6", &code, &group, "Echt").await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = net.join("203.0.113.5", &other, &other_group, "Echt").await;
    assert_eq!(reply.status, StatusCode::OK);
}
