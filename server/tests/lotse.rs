//! The Rechtsform-Lotse (antrag.md §3) on a real server: the moderator
//! switches the method on, a participant answers over the live channel,
//! the item's summary is carried to the canvas field "Rechts- und
//! Organisationsform" (the ops the browser sends, planned by the domain's
//! `carry_over`), and the Markdown export shows the answers, the
//! recommendation and the comparison table.

mod common;

use app::domain::board::{apply, Author, BoardState, Op};
use app::domain::carry::carry_over;
use app::domain::kivo::Answer;
use app::domain::lotse;
use app::domain::templates::LOTSE;
use common::live::{download, Client, Received, Server, WAIT};
use serde_json::{json, Value};
use server::clock::now;

const CODE: &str = "RTNPKM";

fn answer_op(question: &str, answer: Answer) -> Op {
    let value = serde_json::to_value(answer).expect("answer");
    serde_json::from_value(
        json!({ "type": "set_attribute", "card_id": lotse::item_card_id(),
        "attribute": { "name": "answer", "value": { "question": question, "answer": value } } }),
    )
    .expect("op")
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

async fn send(client: &mut Client, op_id: &str, board: &str, op: &Op) -> Value {
    let op = serde_json::to_value(op).expect("op");
    client.op(op_id, board, op).await;
    reply(client, op_id).await
}

#[tokio::test]
async fn answers_travel_live_carry_to_the_canvas_and_show_in_the_markdown_export() {
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
    let lotse_board = format!("{group}:lotse");
    let canvas = format!("{group}:canvas");

    // Off by default: the board is not there until the moderator adds it.
    let mut a = server.connect(&anna).await;
    a.sync(0).await;
    let early = send(
        &mut a,
        "e1",
        &lotse_board,
        &answer_op("nur_koordination", Answer::Nein),
    )
    .await;
    assert_ne!(early["type"], "ack", "{early}");
    let methods = json!(["canvas", "swot", "ki", "lotse"]);
    let (status, body) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "methods": methods }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The browser's replica of the board, to plan the carry-over as it does.
    let mut replica = BoardState::default();
    let me = Author {
        id: "anna".into(),
        name: "Anna".into(),
        kommune: "Musterstadt".into(),
        moderator: false,
    };
    for (n, (q, ans)) in [
        ("nur_koordination", Answer::Nein),
        ("eine_fuer_andere", Answer::Ja),
        ("zustaendigkeit_geht_ueber", Answer::Nein),
    ]
    .into_iter()
    .enumerate()
    {
        let op = answer_op(q, ans);
        let msg = send(&mut a, &format!("l{n}"), &lotse_board, &op).await;
        assert_eq!(msg["type"], "ack", "{msg}");
        apply(&mut replica, &LOTSE, &me, &op).expect("applies locally");
    }
    // Only the Lotse's questions.
    let msg = send(
        &mut a,
        "bad1",
        &lotse_board,
        &answer_op("ki_system", Answer::Ja),
    )
    .await;
    assert_eq!(msg["type"], "rejected", "{msg}");
    assert!(msg.to_string().contains("unknown_question"), "{msg}");

    // "In IKZ-Projekt-Canvas: Rechts- und Organisationsform übernehmen".
    let target = LOTSE.sections[0].carry_to[0];
    let plan = carry_over(
        &replica.materialised(&LOTSE),
        &LOTSE,
        &lotse::item_card_id(),
        &target,
        "0190a0b0-0000-7000-8000-000000000001",
    )
    .expect("plan");
    let summary = lotse::board_summary(&replica).expect("summary");
    assert!(
        summary.starts_with("Empfehlung: Zweckvereinbarung."),
        "{summary}"
    );
    let msg = send(&mut a, "c1", &canvas, &plan.copy).await;
    assert_eq!(msg["type"], "ack", "{msg}");
    let msg = send(&mut a, "c2", &lotse_board, &plan.link_back).await;
    assert_eq!(msg["type"], "ack", "{msg}");

    let md = String::from_utf8(download(server.addr, &secret, "md").await).expect("UTF-8");
    assert!(md.contains("Rechtsform-Lotse"), "{md}");
    assert!(md.contains("Empfehlung des Rechtsform-Lotsen"), "{md}");
    // The summary twice: in the canvas field and in the Lotse's section.
    assert!(
        md.matches("Empfehlung: Zweckvereinbarung.").count() >= 2,
        "{md}"
    );
    assert!(md.contains("mandatierende Zweckvereinbarung"), "{md}");
    // The answers given and the comparison table of all forms.
    assert!(md.contains("| Frage | Antwort |"), "{md}");
    assert!(md.contains("Vergleich der Rechtsformen"), "{md}");
    assert!(
        md.contains("| Kriterium | Kommunale Arbeitsgemeinschaft | Zweckvereinbarung | Zweckverband | Gemeinsame kommunale Anstalt | GmbH |"),
        "{md}"
    );
    assert!(md.contains("§ 108 Abs. 6 GWB"), "{md}");
    assert!(
        md.contains("Vorprüfung, keine Rechts- oder Steuerberatung"),
        "{md}"
    );
    assert!(md.contains("Stand: 2026-12-01"), "{md}");

    // The same blocks in the PDF (pdftotext) and the DOCX (its XML).
    let dir = tempfile::tempdir().expect("dir");
    let pdf = dir.path().join("sitzung.pdf");
    std::fs::write(&pdf, download(server.addr, &secret, "pdf").await).expect("write");
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext installed (poppler-utils)");
    // Table cells wrap and hyphenate: compare without whitespace and hyphens.
    let flat = |t: &str| -> String {
        t.chars()
            .filter(|c| {
                !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '\u{2010}' | '\u{2011}')
            })
            .collect()
    };
    let text = flat(&String::from_utf8_lossy(&out.stdout));
    for needle in [
        "Empfehlung des Rechtsform-Lotsen",
        "Vergleich der Rechtsformen",
        "Gemeinsame kommunale Anstalt",
    ] {
        assert!(text.contains(&flat(needle)), "PDF lacks {needle}");
    }
    let docx = download(server.addr, &secret, "docx").await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("document.xml"),
        &mut xml,
    )
    .expect("read");
    for needle in [
        "Empfehlung des Rechtsform-Lotsen",
        "Vergleich der Rechtsformen",
    ] {
        assert!(xml.contains(needle), "DOCX lacks {needle}");
    }
}
