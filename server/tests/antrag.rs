//! The Antragsentwurf (antrag.md §1) and the Ergebnisprotokoll's lists
//! (§5) on a real server: three people of three Kommunen fill canvas, SWOT
//! and ideas over the live channel, rate, mark an idea "für den Antrag" and
//! a card "Vereinbarung"; the draft is fetched as Markdown, DOCX, ODT and
//! PDF and read back by independent readers (LibreOffice headless turns
//! DOCX and ODT into HTML, whose <h2> are the chapters' heading styles and
//! <table> the tables; pdftotext the PDF). Antragsreife and gaps are
//! checked, and no single rating is in it.

mod common;

use common::live::{add_card, download, Client, Received, Server, WAIT};
use serde_json::{json, Value};
use server::clock::now;
use std::process::Command;

const CODE: &str = "ANTRAC";

async fn commit(client: &mut Client, op_id: &str, board: &str, op: Value) {
    client.op(op_id, board, op).await;
    loop {
        match client.receive(WAIT).await {
            Received::Msg(msg) if msg["type"] == "op" || msg["type"] == "skip" => continue,
            Received::Msg(msg) if msg["op_id"] == op_id => {
                assert_eq!(msg["type"], "ack", "{op_id}: {msg}");
                return;
            }
            other => panic!("expected the answer to {op_id}, got {other:?}"),
        }
    }
}

fn mark(card: &str, mark: &str, on: bool) -> Value {
    json!({ "type": "set_attribute", "card_id": card,
            "attribute": { "name": "mark", "value": { "mark": mark, "on": on } } })
}

fn rate(card: &str, criterion: &str, score: u8) -> Value {
    json!({ "type": "rate", "card_id": card, "criterion": criterion,
            "value": { "given": { "Score": score } } })
}

/// A document converted by LibreOffice headless to HTML.
fn office_html(bytes: &[u8], ext: &str) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(format!("antrag.{ext}"));
    std::fs::write(&path, bytes).expect("write");
    let out = common::soffice(&path, "html");
    let html = out
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "html"))
        .expect("an HTML file");
    std::fs::read_to_string(html).expect("HTML")
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("antrag.pdf");
    std::fs::write(&path, bytes).expect("write");
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext installed (poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The number of `<h2…>` headings whose text is a chapter, in order.
fn chapter_headings(html: &str) -> Vec<String> {
    html.split("<h2")
        .skip(1)
        .filter_map(|rest| {
            let text: String = rest
                .split("</h2>")
                .next()?
                .split('>')
                .skip(1)
                .map(|s| s.split('<').next().unwrap_or(""))
                .collect();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            text.chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
                .then_some(text)
        })
        .collect()
}

#[tokio::test]
async fn the_antragsentwurf_of_a_seeded_group_reads_back_in_every_document_format() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session(CODE).await;
    let group = server.group(&session, "Gruppe Nord").await;
    let mut people = Vec::new();
    for (name, kommune) in [("Anna", "Astadt"), ("Bea", "Bdorf"), ("Cem", "Cstadt")] {
        let p = server
            .person_of(&session, CODE, &group, (name, kommune), now() + 86_400)
            .await;
        let mut c = server.connect(&p).await;
        c.sync(0).await;
        people.push(c);
    }
    let canvas = format!("{group}:canvas");
    let swot = format!("{group}:swot");
    let ki = format!("{group}:ki");
    let a = &mut people[0];
    for (id, section, text) in [
        ("c1", "problem", "Lange Wartezeiten im Bürgerbüro"),
        ("c2", "ziel", "Termine binnen einer Woche"),
        ("c3", "partner", "Astadt federführend mit Bdorf und Cstadt"),
        ("c4", "loesung", "Gemeinsamer digitaler Posteingang"),
        ("c5", "risiken", "Sorge vor Kompetenzabgabe"),
        ("c6", "schritte", "Gremienbeschlüsse bis März einholen"),
    ] {
        commit(a, id, &canvas, add_card(id, section, text)).await;
    }
    commit(
        a,
        "s1",
        &swot,
        add_card("s1", "risiken", "Fachkräftemangel"),
    )
    .await;
    commit(a, "i1", &ki, add_card("i1", "ideen", "KI-Posteingang")).await;
    commit(a, "i2", &ki, add_card("i2", "ideen", "Chatbot")).await;
    // Three raters with distinct single ratings; only their mean may show.
    for (n, person) in people.iter_mut().enumerate() {
        let score = 3 + u8::try_from(n).expect("small");
        for criterion in [
            "nutzen",
            "machbarkeit",
            "datenverfuegbarkeit",
            "kooperationsform",
        ] {
            let op_id = format!("r{n}{criterion}");
            commit(person, &op_id, &ki, rate("i1", criterion, score)).await;
        }
    }
    let b = &mut people[1];
    commit(b, "m1", &ki, mark("i2", "antrag", true)).await;
    commit(b, "m2", &ki, mark("i1", "antrag", true)).await;
    commit(b, "m3", &canvas, mark("c6", "vereinbarung", true)).await;
    // The Antrag mark is for ideas only.
    b.op("bad", &canvas, mark("c1", "antrag", true)).await;
    loop {
        match b.receive(WAIT).await {
            Received::Msg(msg) if msg["op_id"] == "bad" => {
                assert_eq!(msg["type"], "rejected", "{msg}");
                break;
            }
            Received::Msg(_) => continue,
            other => panic!("{other:?}"),
        }
    }

    // Markdown escapes "1." and "[" at a line's start; read it unescaped.
    let md = String::from_utf8(download(server.addr, &secret, "md?profil=antrag").await)
        .expect("UTF-8")
        .replace('\\', "");
    // The chosen idea (the mark moved from i2 to i1), its aggregate of
    // three raters (scores 3, 4, 5 → mean 4 → Nutzwert 75), no single one.
    assert!(md.contains("KI-Posteingang"), "{md}");
    assert!(md.contains("Mittel aus 3 Bewertungen"), "{md}");
    assert!(
        !md.contains("Chatbot"),
        "the unmarked idea is not in it: {md}"
    );
    assert!(!md.contains("Anna") && !md.contains("Bea") && !md.contains("Cem"));
    for chapter in [
        "1. Antragstellende Kommune",
        "6. Kosten- und Finanzierungsplan",
        "11. Anlagen-Checkliste",
    ] {
        assert!(md.contains(chapter), "{chapter}: {md}");
    }
    assert!(md.contains("Astadt") && md.contains("Bdorf") && md.contains("Cstadt"));
    assert!(md.contains("[noch zu ergänzen: Verstetigung nach der Förderung]"));
    assert!(md.contains("Kapitel 6: Kostenaufteilung"), "gap list: {md}");
    // Antragsreife: the overall figure and one per chapter.
    let reife = md
        .lines()
        .find_map(|l| l.trim().strip_prefix("Antragsreife: "))
        .unwrap_or_else(|| panic!("no Antragsreife in {md}"));
    let percent: u32 = reife.trim_end_matches(" %").parse().expect("a number");
    assert!((1..100).contains(&percent), "{reife}");
    assert!(md.contains("Absichtserklärung oder Vereinbarung"));
    assert!(md.contains("Vereinbarungen im Workshop festgehalten"));

    for ext in ["docx", "odt"] {
        let bytes = download(server.addr, &secret, &format!("{ext}?profil=antrag")).await;
        let html = office_html(&bytes, ext);
        let chapters = chapter_headings(&html);
        assert_eq!(chapters.len(), 11, "{ext}: {chapters:?}");
        assert!(
            chapters[0].starts_with("1. Antragstellende Kommune"),
            "{chapters:?}"
        );
        assert!(
            chapters[10].starts_with("11. Anlagen-Checkliste"),
            "{chapters:?}"
        );
        assert!(html.matches("<table").count() >= 2, "{ext}: tables");
        assert!(html.contains("KI-Posteingang"), "{ext}");
        assert!(
            html.contains(&format!("Antragsreife: {percent} %")),
            "{ext}"
        );
    }
    let pdf = pdf_text(&download(server.addr, &secret, "pdf?profil=antrag").await);
    assert!(pdf.contains("Antragsentwurf"), "{pdf}");
    assert!(
        pdf.contains("10. Verstetigung und Übertragbarkeit"),
        "{pdf}"
    );
    assert!(pdf.contains(&format!("Antragsreife: {percent} %")), "{pdf}");

    // A sheet cannot be an Antragsentwurf; an unknown profile is refused.
    for path in ["xlsx?profil=antrag", "md?profil=roman"] {
        let bearer = format!("Bearer {secret}");
        let (status, _) = server
            .http(
                "GET",
                &format!("/api/moderation/export/{path}"),
                &[("Authorization", &bearer)],
                None,
            )
            .await;
        assert_eq!(status, 404, "{path}");
    }

    // The Ergebnisprotokoll collects the Vereinbarung.
    let protokoll = String::from_utf8(download(server.addr, &secret, "md").await).expect("UTF-8");
    let agreed = protokoll
        .split("Vereinbarungen und Beschlüsse")
        .nth(1)
        .unwrap_or_else(|| panic!("no Vereinbarungen in {protokoll}"));
    assert!(
        agreed.contains("Gremienbeschlüsse bis März einholen"),
        "{agreed}"
    );

    // The marks travel in the JSON export and come back on import.
    let bearer = format!("Bearer {secret}");
    let (status, file) = server
        .http(
            "GET",
            "/api/moderation/export/json",
            &[("Authorization", &bearer)],
            None,
        )
        .await;
    assert_eq!(status, 200);
    let ideas = &file["groups"][0]["boards"]["ki"]["sections"]["ideen"];
    let i1 = ideas
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == "i1"))
        .expect("i1");
    assert_eq!(i1["marks"], json!(["antrag"]));
    let (status, created) = server.http("POST", "/api/import", &[], Some(file)).await;
    assert_eq!(status, 201, "{created}");
    let again = created["moderator_token"].as_str().expect("token");
    let md2 =
        String::from_utf8(download(server.addr, again, "md?profil=antrag").await).expect("UTF-8");
    assert!(md2.contains("Gewählte KI-Idee"), "{md2}");
    assert!(md2.contains("KI-Posteingang"), "{md2}");
}
