//! The KI-VO- und Datenschutz-Vorprüfung of a KI idea (antrag.md §4) on a
//! real server: a participant answers the questions over the live channel,
//! the Markdown and CSV exports show the class, the JSON export (version 3)
//! carries the answers and imports again; a version-2 file's "Hochrisiko"
//! tick shows as the preset "hoch (übernommen, bitte prüfen)".

mod common;

use common::live::{add_card, download, Client, Received, Server, WAIT};
use serde_json::{json, Value};
use server::clock::now;

const CODE: &str = "KMNPRT";

fn answer_op(card_id: &str, question: &str, answer: &str) -> Value {
    json!({ "type": "set_attribute", "card_id": card_id,
            "attribute": { "name": "answer",
                           "value": { "question": question, "answer": answer } } })
}

/// The answer to this client's op `op_id`, passing over others' ops.
async fn reply(client: &mut Client, op_id: &str) -> Value {
    loop {
        match client.receive(WAIT).await {
            Received::Msg(msg) if msg["type"] == "op" || msg["type"] == "skip" => continue,
            Received::Msg(msg) if msg["op_id"] == op_id => return msg,
            other => panic!("expected the answer to {op_id}, got {other:?}"),
        }
    }
}

async fn commit(client: &mut Client, op_id: &str, board: &str, op: Value) {
    client.op(op_id, board, op).await;
    let msg = reply(client, op_id).await;
    assert_eq!(msg["type"], "ack", "{op_id}: {msg}");
}

async fn refused(client: &mut Client, op_id: &str, board: &str, op: Value) -> Value {
    client.op(op_id, board, op).await;
    let msg = reply(client, op_id).await;
    assert_eq!(msg["type"], "rejected", "{msg}");
    msg
}

async fn export_json(server: &Server, secret: &str) -> Value {
    let bearer = format!("Bearer {secret}");
    let (status, file) = server
        .http(
            "GET",
            "/api/moderation/export/json",
            &[("Authorization", &bearer)],
            None,
        )
        .await;
    assert_eq!(status, 200, "{file}");
    file
}

fn idea<'a>(file: &'a Value, id: &str) -> &'a Value {
    file["groups"][0]["boards"]["ki"]["sections"]["ideen"]
        .as_array()
        .expect("ideas")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no idea {id}"))
}

/// The CSV's rows (BOM stripped, `;`-separated, no quoted `;` in these texts).
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    text.trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn answers_travel_live_show_in_the_exports_and_survive_a_json_round_trip() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session(CODE).await;
    let group = server.group(&session, "Gruppe A").await;
    let anna = server
        .person_of(
            &session,
            CODE,
            &group,
            ("Anna", "Musterstadt"),
            now() + 86_400,
        )
        .await;
    let mut a = server.connect(&anna).await;
    a.sync(0).await;
    let ki = format!("{group}:ki");
    let canvas = format!("{group}:canvas");
    commit(
        &mut a,
        "k1",
        &ki,
        add_card("i1", "ideen", "Anträge vorprüfen"),
    )
    .await;
    for (n, (q, ans)) in [
        ("ki_system", "ja"),
        ("verbotene_praxis", "nein"),
        ("anhang_iii", "ja"),
        ("profiling", "ja"),
        ("personenbezug", "weiss_nicht"),
    ]
    .into_iter()
    .enumerate()
    {
        commit(&mut a, &format!("k{}", n + 2), &ki, answer_op("i1", q, ans)).await;
    }
    // Only the path's questions, and only where the section has them.
    let msg = refused(&mut a, "bad1", &ki, answer_op("i1", "lieblingsfarbe", "ja")).await;
    assert!(msg.to_string().contains("unknown_question"), "{msg}");
    commit(
        &mut a,
        "c1",
        &canvas,
        add_card("c1", "problem", "Wartezeiten"),
    )
    .await;
    let msg = refused(&mut a, "bad2", &canvas, answer_op("c1", "ki_system", "ja")).await;
    assert!(msg.to_string().contains("no_questions"), "{msg}");

    // Markdown: the class line and the reasons in the Projektskizze.
    let md = String::from_utf8(download(server.addr, &secret, "md").await).expect("UTF-8");
    let line = md
        .lines()
        .find(|l| l.contains("KI-VO-Vorprüfung") && l.contains("hoch"))
        .unwrap_or_else(|| panic!("no class line in\n{md}"));
    assert!(line.contains("hoch (unvollständig)"), "{line}");
    assert!(md.contains("KI-VO: Zu tun"), "{md}");
    assert!(md.contains("Vorprüfung, keine Rechts- oder Steuerberatung"));

    // CSV: the class in the last column of the idea's rows; every row as
    // long as the header.
    let rows = csv_rows(&download(server.addr, &secret, "csv").await);
    let header = &rows[0];
    assert_eq!(header.last().map(String::as_str), Some("KI-VO-Vorprüfung"));
    assert!(rows.iter().all(|r| r.len() == header.len()), "{rows:?}");
    let idea_rows: Vec<_> = rows
        .iter()
        .filter(|r| r[2] == "Anträge vorprüfen")
        .collect();
    assert!(!idea_rows.is_empty());
    assert!(idea_rows
        .iter()
        .all(|r| r.last().map(String::as_str) == Some("hoch (unvollständig)")));

    // JSON: version 3 with the answers; imported, it exports the same.
    let first = export_json(&server, &secret).await;
    assert_eq!(first["version"], 3);
    assert_eq!(idea(&first, "i1")["answers"]["anhang_iii"], "ja");
    assert_eq!(
        idea(&first, "i1")["answers"]["personenbezug"],
        "weiss_nicht"
    );
    let (status, created) = server
        .http("POST", "/api/import", &[], Some(first.clone()))
        .await;
    assert_eq!(status, 201, "{created}");
    let new_secret = created["moderator_token"].as_str().expect("token");
    let second = export_json(&server, new_secret).await;
    assert_eq!(
        idea(&second, "i1")["answers"],
        idea(&first, "i1")["answers"]
    );
}

#[tokio::test]
async fn a_version_2_file_imports_and_its_high_risk_tick_is_the_checks_preset() {
    let old: Value = serde_json::from_str(include_str!("fixtures/session-v2-before-kivo19.json"))
        .expect("fixture");
    assert_eq!(old["version"], 2);
    assert_eq!(idea(&old, "i1")["sketch"]["high_risk"], true);
    let server = Server::start().await;
    let (status, created) = server
        .http("POST", "/api/import", &[], Some(old.clone()))
        .await;
    assert_eq!(status, 201, "{created}");
    let secret = created["moderator_token"].as_str().expect("token");
    let again = export_json(&server, secret).await;
    assert_eq!(again["version"], 3);
    assert_eq!(idea(&again, "i1")["sketch"], idea(&old, "i1")["sketch"]);
    assert!(idea(&again, "i1").get("answers").is_none());
    let md = String::from_utf8(download(server.addr, secret, "md").await).expect("UTF-8");
    assert!(
        md.lines().any(
            |l| l.contains("KI-VO-Vorprüfung") && l.contains("hoch (übernommen, bitte prüfen)")
        ),
        "{md}"
    );
    assert!(md.contains("Aus älterer Sitzung übernommen"), "{md}");
    // The other idea was never checked.
    assert!(md.contains("nicht geprüft"), "{md}");
}

#[tokio::test]
async fn a_version_2_file_with_answers_is_refused() {
    let mut forged: Value =
        serde_json::from_str(include_str!("fixtures/session-v2-before-kivo19.json"))
            .expect("fixture");
    forged["groups"][0]["boards"]["ki"]["sections"]["ideen"][0]["answers"] =
        json!({ "ki_system": "ja" });
    let server = Server::start().await;
    let (status, body) = server.http("POST", "/api/import", &[], Some(forged)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "import_malformed");
}
