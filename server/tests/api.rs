//! Router tests through `tower::ServiceExt::oneshot`: status codes, typed error
//! bodies with German messages, and that refused requests write nothing.

mod common;

use axum::http::StatusCode;
use common::Api;
use serde_json::json;

#[tokio::test]
async fn healthz_answers_ok() {
    let api = Api::new().await;
    let reply = api.send("GET", "/healthz", None, &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers.contains_key("content-security-policy"));
}

#[tokio::test]
async fn creating_a_session_returns_code_and_secret() {
    let api = Api::new().await;
    let (code, token) = api.create_session().await;
    assert_eq!(code.len(), 6);
    assert!(token.len() >= 64, "token must carry at least 256 bits");
    let reply = api
        .send("GET", &format!("/api/join/{code}"), None, &[])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["title"], "IKZ-Workshop Digitalisierung");
}

#[tokio::test]
async fn invalid_session_details_get_field_specific_german_errors() {
    let api = Api::new().await;
    let reply = api
        .send(
            "POST",
            "/api/sessions",
            Some(json!({ "title": " ", "date": "2026-11-25", "place": "Ort" })),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json["code"], "empty");
    assert_eq!(reply.json["field"], "title");
    assert_eq!(
        reply.json["message"],
        "Bitte füllen Sie das Feld „Titel“ aus."
    );

    let reply = api
        .send(
            "POST",
            "/api/sessions",
            Some(json!({ "title": "T", "date": "31.02.2026", "place": "Ort" })),
            &[],
        )
        .await;
    assert_eq!(reply.json["code"], "invalid_format");
    assert_eq!(reply.json["field"], "date");
}

#[tokio::test]
async fn malformed_json_is_a_bad_request_not_a_panic() {
    let api = Api::new().await;
    let reply = api
        .send("POST", "/api/sessions", Some(json!({ "title": 5 })), &[])
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json["code"], "bad_request");
}

#[tokio::test]
async fn unknown_code_is_404_with_german_message() {
    let api = Api::new().await;
    for code in ["XXXXXX", "not-a-code", "000000"] {
        let reply = api
            .send("GET", &format!("/api/join/{code}"), None, &[])
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{code}");
        assert_eq!(reply.json["code"], "unknown_join_code");
        assert_eq!(
            reply.json["message"],
            "Diesen Code gibt es nicht. Bitte prüfen Sie die Eingabe."
        );
    }
}

#[tokio::test]
async fn join_sets_http_only_cookie_and_me_finds_the_participant() {
    let api = Api::new().await;
    let (code, token) = api.create_session().await;
    let group = api.add_group(&token, "Nord").await;
    let reply = api
        .send(
            "POST",
            &format!("/api/join/{code}"),
            Some(json!({ "display_name": "Anna", "kommune": "Musterstadt", "group_id": group })),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let set_cookie = reply.headers["set-cookie"].to_str().unwrap();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap();
    let me = api.me(&code, cookie).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json["participant"]["display_name"], "Anna");
    assert_eq!(me.json["group"]["name"], "Nord");
}

#[tokio::test]
async fn empty_and_huge_names_are_refused_and_write_nothing() {
    let api = Api::new().await;
    let (code, token) = api.create_session().await;
    let group = api.add_group(&token, "Nord").await;
    let huge = "x".repeat(10_000);
    for (name, expected) in [("", "empty"), ("   ", "empty"), (huge.as_str(), "too_long")] {
        let reply = api
            .send(
                "POST",
                &format!("/api/join/{code}"),
                Some(json!({ "display_name": name, "kommune": "Musterstadt", "group_id": group })),
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.json["code"], expected);
        assert!(!reply.headers.contains_key("set-cookie"));
    }
    let bearer = format!("Bearer {token}");
    let overview = api
        .send(
            "GET",
            "/api/moderation/session",
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(overview.json["participants"], json!([]));
}

#[tokio::test]
async fn me_without_cookie_or_with_unknown_token_is_not_joined() {
    let api = Api::new().await;
    let (code, _) = api.create_session().await;
    let uri = format!("/api/sessions/{code}/me");
    let reply = api.send("GET", &uri, None, &[]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json["code"], "not_joined");
    let forged = format!("ikz_p_{code}=deadbeef");
    let reply = api.me(&code, &forged).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn token_of_another_session_is_refused_like_no_token() {
    let api = Api::new().await;
    let (code_a, token_a) = api.create_session().await;
    let (code_b, _) = api.create_session().await;
    let group = api.add_group(&token_a, "Nord").await;
    let cookie_a = api.join(&code_a, &group, "Anna").await;
    let value = cookie_a.split_once('=').unwrap().1;
    let smuggled = format!("ikz_p_{code_b}={value}");
    let reply = api.me(&code_b, &smuggled).await;
    // Not "foreign_token": that would tell a guessed code is real.
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json["code"], "not_joined");
}

#[tokio::test]
async fn expired_token_is_refused() {
    let api = Api::new().await;
    let (code, token) = api.create_session().await;
    let group_id = api.add_group(&token, "Nord").await;
    let session = api
        .db
        .store
        .session_by_code(&app::domain::JoinCode::parse(&code).unwrap())
        .await
        .unwrap()
        .unwrap();
    let details = app::domain::session::ParticipantDetails::validate("Anna", "Ort").unwrap();
    let hash = server::auth::token_hash("expired-token");
    api.db
        .store
        .add_participant(&session.id, &group_id, &details, &hash, 0, 1)
        .await
        .unwrap();
    let cookie = format!("ikz_p_{code}=expired-token");
    let reply = api.me(&code, &cookie).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json["code"], "token_expired");
}

#[tokio::test]
async fn joining_an_unknown_group_is_refused() {
    let api = Api::new().await;
    let (code, _) = api.create_session().await;
    let reply = api
        .send(
            "POST",
            &format!("/api/join/{code}"),
            Some(json!({ "display_name": "Anna", "kommune": "Ort", "group_id": "nope" })),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json["code"], "unknown_group");
}

#[tokio::test]
async fn moderator_actions_need_the_secret_of_that_session() {
    let api = Api::new().await;
    let (code, token) = api.create_session().await;
    let (_, other_token) = api.create_session().await;
    let group = api.add_group(&token, "Nord").await;
    let participant_cookie = api.join(&code, &group, "Anna").await;
    let other_bearer = format!("Bearer {other_token}");
    let attempts: Vec<(&str, String, Option<serde_json::Value>)> = vec![
        ("GET", "/api/moderation/session".into(), None),
        (
            "POST",
            "/api/moderation/groups".into(),
            Some(json!({"name": "X", "colour": "#000000"})),
        ),
        (
            "PUT",
            format!("/api/moderation/groups/{group}"),
            Some(json!({"name": "X", "colour": "#000000"})),
        ),
        ("DELETE", format!("/api/moderation/groups/{group}"), None),
    ];
    for (method, uri, body) in attempts {
        for headers in [
            vec![],
            vec![("cookie", participant_cookie.as_str())],
            vec![("authorization", "Bearer wrong")],
        ] {
            let reply = api.send(method, &uri, body.clone(), &headers).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {uri}");
            assert_eq!(reply.json["code"], "moderator_only");
        }
        // The other session's moderator sees their own session, never this group.
        let reply = api
            .send(
                method,
                &uri,
                body.clone(),
                &[("authorization", &other_bearer)],
            )
            .await;
        assert_ne!(reply.status, StatusCode::NO_CONTENT, "{method} {uri}");
        if method != "GET" && method != "POST" {
            assert_eq!(reply.json["code"], "unknown_group", "{method} {uri}");
        }
    }
    let bearer = format!("Bearer {token}");
    let overview = api
        .send(
            "GET",
            "/api/moderation/session",
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(overview.json["session"]["groups"][0]["name"], "Nord");
}

#[tokio::test]
async fn group_with_members_cannot_be_removed() {
    let api = Api::new().await;
    let (code, token) = api.create_session().await;
    let group = api.add_group(&token, "Nord").await;
    api.join(&code, &group, "Anna").await;
    let bearer = format!("Bearer {token}");
    let reply = api
        .send(
            "DELETE",
            &format!("/api/moderation/groups/{group}"),
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.json["code"], "group_not_empty");
}

#[tokio::test]
async fn join_attempts_are_rate_limited_per_address() {
    let api = Api::new().await;
    // Failed look-ups cost CODE_MISS_COST cells of CODE_REQUESTS_PER_MINUTE.
    let misses = server::access::CODE_REQUESTS_PER_MINUTE / server::access::CODE_MISS_COST;
    for _ in 0..misses {
        let reply = api.send("GET", "/api/join/XXXXXX", None, &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
    }
    let reply = api.send("GET", "/api/join/XXXXXX", None, &[]).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.json["code"], "rate_limited");
    assert_eq!(
        reply.json["message"],
        "Zu viele Versuche. Bitte warten Sie einen Moment."
    );
}

#[tokio::test]
async fn a_session_can_be_duplicated_as_a_template_by_its_moderator_only() {
    let api = Api::new().await;
    let (code, token) = api.create_session().await;
    let bearer = format!("Bearer {token}");
    let nord = api.add_group(&token, "Nord").await;
    api.add_group(&token, "Süd").await;
    api.join(&code, &nord, "Anna").await;
    let change = serde_json::json!({
        "weights": { "nutzen": 2.0, "machbarkeit": 1.0, "datenverfuegbarkeit": 1.0, "kooperationsform": 1.0 },
        "dots_per_person": 3, "ratings_revealed": true, "locked": ["canvas"]
    });
    let reply = api
        .send(
            "PATCH",
            "/api/moderation/settings",
            Some(change),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);

    let next = serde_json::json!({ "title": "IKZ-Workshop Teil 2", "date": "2027-01-20", "place": "Landratsamt" });
    // A participant's cookie is not the moderator's secret.
    let cookie = api.join(&code, &nord, "Ben").await;
    let refused = api
        .send(
            "POST",
            "/api/moderation/duplicate",
            Some(next.clone()),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = api
        .send(
            "POST",
            "/api/moderation/duplicate",
            Some(serde_json::json!({ "title": "", "date": "2027-01-20", "place": "x" })),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let created = api
        .send(
            "POST",
            "/api/moderation/duplicate",
            Some(next),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.json);
    assert_ne!(created.json["join_code"], code.as_str());
    let new_bearer = format!(
        "Bearer {}",
        created.json["moderator_token"].as_str().expect("secret")
    );
    let copy = api
        .send(
            "GET",
            "/api/moderation/session",
            None,
            &[("authorization", &new_bearer)],
        )
        .await;
    assert_eq!(copy.status, StatusCode::OK);
    assert_eq!(copy.json["session"]["title"], "IKZ-Workshop Teil 2");
    let names: Vec<_> = copy.json["session"]["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| (g["name"].clone(), g["member_count"].clone()))
        .collect();
    assert_eq!(names, [("Nord".into(), 0.into()), ("Süd".into(), 0.into())]);
    assert!(copy.json["participants"]
        .as_array()
        .expect("list")
        .is_empty());
    // The preparation is kept, the state of the day is not.
    let settings = &copy.json["settings"];
    assert_eq!(settings["weights"]["nutzen"], 2.0);
    assert_eq!(settings["dots_per_person"], 3);
    assert_eq!(settings["ratings_revealed"], false);
    assert_eq!(settings["locked"], serde_json::json!([]));
}
