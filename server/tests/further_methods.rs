//! The four further methods of issue #18 (Zielabgleich, Prozess-Teilschritte,
//! Erfolgsfaktoren-Check, Phasen-Check) on a real server over real sockets:
//! the moderator switches them on, participants of two Kommunen send the
//! new ops over the live channel, and the session's JSON export (schema
//! version 2) imports again as the same session. Also: a JSON export made
//! before these methods existed (version 1) still imports.

mod common;

use common::live::{add_card, download, Client, Received, Server, WAIT};
use serde_json::{json, Value};
use server::clock::now;
use std::collections::BTreeMap;

const CODE: &str = "KMNPRT";

fn board(group: &str, template: &str) -> String {
    format!("{group}:{template}")
}

fn edit(card_id: &str, field: &str, text: &str) -> Value {
    json!({ "type": "edit_text", "card_id": card_id, "field": field,
            "edits": [{ "insert": { "id": [1, 1], "text": text } }] })
}

fn attribute(card_id: &str, name: &str, value: Value) -> Value {
    json!({ "type": "set_attribute", "card_id": card_id,
            "attribute": { "name": name, "value": value } })
}

fn rate(card_id: &str, criterion: &str, score: u8) -> Value {
    json!({ "type": "rate", "card_id": card_id, "criterion": criterion,
            "value": { "given": { "Score": score } } })
}

/// The answer to this client's op `op_id` (its ack or its refusal),
/// passing over the ops of the others that arrive meanwhile.
async fn answer(client: &mut Client, op_id: &str) -> Value {
    loop {
        match client.receive(WAIT).await {
            Received::Msg(msg) if msg["type"] == "op" || msg["type"] == "skip" => continue,
            Received::Msg(msg) if msg["op_id"] == op_id => return msg,
            other => panic!("expected the answer to {op_id}, got {other:?}"),
        }
    }
}

/// Sends `op` and expects it to be committed.
async fn commit(client: &mut Client, op_id: &str, board: &str, op: Value) {
    client.op(op_id, board, op).await;
    let msg = answer(client, op_id).await;
    assert_eq!(msg["type"], "ack", "{op_id}: {msg}");
}

/// Sends `op` and expects it to be refused.
async fn refused(client: &mut Client, board: &str, op: Value) {
    client.op("refused-op", board, op).await;
    let msg = answer(client, "refused-op").await;
    assert_eq!(msg["type"], "rejected", "{msg}");
}

/// The next op of the moderator's on field `key` this client receives
/// (passing over the others' ops and answers that arrive before it).
async fn moderator_op(client: &mut Client, key: &str) -> Value {
    loop {
        match client.receive(WAIT).await {
            Received::Msg(msg)
                if msg["type"] == "op"
                    && msg["author"]["moderator"] == true
                    && msg["op"]["field"] == key =>
            {
                return msg
            }
            Received::Msg(_) => continue,
            other => panic!("expected the moderator's op on {key}, got {other:?}"),
        }
    }
}

/// An HTTP GET of the moderator's JSON export.
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

/// Ids replaced by their order of appearance: group ids, people's keys
/// (card authors, raters, dot voters); everything else as it is.
fn canonical(mut file: Value) -> Value {
    let mut people: BTreeMap<String, String> = BTreeMap::new();
    let mut name = |id: &str| -> String {
        let n = people.len();
        people
            .entry(id.to_owned())
            .or_insert_with(|| format!("P{n}"))
            .clone()
    };
    for (i, group) in file["groups"]
        .as_array_mut()
        .expect("groups")
        .iter_mut()
        .enumerate()
    {
        group["id"] = json!(format!("G{i}"));
        for board in group["boards"]
            .as_object_mut()
            .expect("boards")
            .values_mut()
        {
            for cards in board["sections"]
                .as_object_mut()
                .expect("sections")
                .values_mut()
            {
                for card in cards.as_array_mut().expect("cards") {
                    let id = card["author"]["id"].as_str().expect("author").to_owned();
                    card["author"]["id"] = json!(name(&id));
                }
            }
            for key in ["ratings", "dots"] {
                if let Some(per_card) = board.get_mut(key).and_then(Value::as_object_mut) {
                    for people in per_card.values_mut() {
                        let old = people.as_object().expect("people").clone();
                        *people = old.into_iter().map(|(k, v)| (name(&k), v)).collect();
                    }
                }
            }
        }
    }
    file["groups"].take()
}

fn cards<'a>(file: &'a Value, template: &str, section: &str) -> &'a [Value] {
    file["groups"][0]["boards"][template]["sections"][section]
        .as_array()
        .map_or(&[], Vec::as_slice)
}

fn card<'a>(file: &'a Value, template: &str, section: &str, id: &str) -> &'a Value {
    cards(file, template, section)
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{template}.{section} has no card {id}"))
}

#[tokio::test]
async fn the_four_methods_run_live_and_their_json_export_imports_as_the_same_session() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session(CODE).await;
    let group = server.group(&session, "Gruppe A").await;
    let until = now() + 86_400;
    let anna = server
        .person_of(&session, CODE, &group, ("Anna", "Musterstadt"), until)
        .await;
    let cora = server
        .person_of(&session, CODE, &group, ("Cora", "Übungsdorf"), until)
        .await;
    // A new session has the first three methods; the moderator adds the four.
    let methods = json!(["ziele", "prozess", "canvas", "erfolgsfaktoren", "phasen"]);
    let (status, body) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "methods": methods }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mut a = server.connect(&anna).await;
    let mut c = server.connect(&cora).await;
    a.sync(0).await;
    c.sync(0).await;

    // Zielabgleich: a core goal, each Kommune's stance on it.
    let ziele = board(&group, "ziele");
    commit(
        &mut a,
        "z1",
        &ziele,
        add_card("g1", "gemeinsame_ziele", "Bürgerbüro teilen"),
    )
    .await;
    commit(&mut a, "z2", &ziele, attribute("g1", "core", json!(true))).await;
    commit(&mut a, "z3", &ziele, attribute("g1", "stance", json!("ja"))).await;
    commit(
        &mut c,
        "z4",
        &ziele,
        attribute("g1", "stance", json!("teilweise")),
    )
    .await;

    // Prozess: a step with named fields, rated, its pain points carried to
    // the canvas (AddCopy there, LinkCopy back: the browser sends both).
    let prozess = board(&group, "prozess");
    let canvas = board(&group, "canvas");
    commit(
        &mut a,
        "p1",
        &prozess,
        add_card("s1", "schritte", "Antrag stellen"),
    )
    .await;
    commit(
        &mut a,
        "p2",
        &prozess,
        edit("s1", "schmerzpunkte", "Drei Wege ins Amt"),
    )
    .await;
    commit(&mut a, "p3", &prozess, rate("s1", "erleben", 2)).await;
    let copy = json!({ "type": "add_copy", "card_id": "k1", "section": "problem",
                       "text": "Drei Wege ins Amt",
                       "origin": { "template": "prozess", "card_id": "s1" } });
    commit(&mut a, "p4", &canvas, copy).await;
    let back = json!({ "type": "link_copy", "card_id": "s1",
                       "copy": { "template": "canvas", "card_id": "k1" }, "linked": true });
    commit(&mut a, "p5", &prozess, back).await;
    // A forged copy from a section that does not carry there is refused.
    let forged = json!({ "type": "add_copy", "card_id": "k2", "section": "risiken",
                         "text": "x", "origin": { "template": "prozess", "card_id": "s1" } });
    refused(&mut a, &canvas, forged).await;

    // Erfolgsfaktoren: a fixed item rated by both, with a measure; no own
    // cards in its columns, no deleting an item.
    let faktoren = board(&group, "erfolgsfaktoren");
    let item = "erfolgsfaktoren-vertrauen-2";
    commit(&mut a, "e1", &faktoren, rate(item, "erfuellt", 4)).await;
    commit(&mut c, "e2", &faktoren, rate(item, "erfuellt", 2)).await;
    commit(
        &mut a,
        "e3",
        &faktoren,
        edit(item, "massnahmen", "Klausur im Mai"),
    )
    .await;
    refused(
        &mut a,
        &faktoren,
        add_card("x1", "vertrauen", "eigene Karte"),
    )
    .await;
    refused(
        &mut a,
        &faktoren,
        json!({ "type": "delete_card", "card_id": item }),
    )
    .await;

    // Phasen-Check: status, Wer, Bis wann, a note, the current phase, and
    // an own item of the group's between the fixed ones.
    let phasen = board(&group, "phasen");
    let step = "phasen-umsetzung-2";
    commit(
        &mut a,
        "f1",
        &phasen,
        attribute(step, "status", json!("begonnen")),
    )
    .await;
    commit(
        &mut a,
        "f2",
        &phasen,
        attribute(step, "due", json!("2027-03-31")),
    )
    .await;
    commit(&mut a, "f3", &phasen, edit(step, "wer", "Frau Schulz")).await;
    commit(
        &mut a,
        "f4",
        &phasen,
        edit(step, "card", "mit dem Personalrat"),
    )
    .await;
    commit(
        &mut a,
        "f5",
        &phasen,
        attribute("", "current", json!("umsetzung")),
    )
    .await;
    commit(
        &mut a,
        "f6",
        &phasen,
        add_card("own1", "umsetzung", "Schulung planen"),
    )
    .await;
    let move_up =
        json!({ "type": "move_card", "card_id": "own1", "section": "umsetzung", "index": 1 });
    commit(&mut a, "f7", &phasen, move_up).await;
    refused(
        &mut a,
        &phasen,
        json!({ "type": "delete_card", "card_id": step }),
    )
    .await;

    // The export carries every new field (schema version 2, now 3).
    let first = export_json(&server, &secret).await;
    assert_eq!(first["version"], 3);
    assert_eq!(first["settings"]["methods"], methods);
    let goal = card(&first, "ziele", "gemeinsame_ziele", "g1");
    assert_eq!(goal["core"], true);
    assert_eq!(
        goal["stances"],
        json!({ "Musterstadt": "ja", "Übungsdorf": "teilweise" })
    );
    assert_eq!(goal["author"]["kommune"], "Musterstadt");
    let s1 = card(&first, "prozess", "schritte", "s1");
    assert_eq!(s1["fields"]["schmerzpunkte"], "Drei Wege ins Amt");
    assert_eq!(
        s1["copies"],
        json!([{ "template": "canvas", "card_id": "k1" }])
    );
    let k1 = card(&first, "canvas", "problem", "k1");
    assert_eq!(
        k1["origin"],
        json!({ "template": "prozess", "card_id": "s1" })
    );
    let vertrauen = cards(&first, "erfolgsfaktoren", "vertrauen");
    assert_eq!(vertrauen.len(), 4, "the column's four fixed items, no more");
    let factor = card(&first, "erfolgsfaktoren", "vertrauen", item);
    assert_eq!(factor["item"], "vertrauen-2");
    assert_eq!(factor["fields"]["massnahmen"], "Klausur im Mai");
    let raters = first["groups"][0]["boards"]["erfolgsfaktoren"]["ratings"][item]
        .as_object()
        .expect("raters");
    let mut kommunen: Vec<_> = raters.values().map(|r| r["kommune"].clone()).collect();
    kommunen.sort_by_key(Value::to_string);
    assert_eq!(kommunen, [json!("Musterstadt"), json!("Übungsdorf")]);
    let task = card(&first, "phasen", "umsetzung", step);
    assert_eq!(task["status"], "begonnen");
    assert_eq!(task["due"], "2027-03-31");
    assert_eq!(task["fields"]["wer"], "Frau Schulz");
    assert_eq!(task["text"], "mit dem Personalrat");
    assert_eq!(
        first["groups"][0]["boards"]["phasen"]["current"],
        "umsetzung"
    );
    let umsetzung: Vec<_> = cards(&first, "phasen", "umsetzung")
        .iter()
        .map(|c| c["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(umsetzung[..3], ["phasen-umsetzung-1", "own1", step]);

    // The workbook's card sheet has what the documents' tables have, read
    // back by LibreOffice.
    let dir = tempfile::tempdir().expect("dir");
    let xlsx = dir.path().join("session.xlsx");
    std::fs::write(&xlsx, download(server.addr, &secret, "xlsx").await).expect("write");
    let sheets = common::soffice(
        &xlsx,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
    );
    let file = sheets
        .iter()
        .find(|p| p.to_string_lossy().contains("Karten"))
        .expect("card sheet");
    let rows: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(file)
        .expect("csv")
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    let column = |name: &str| {
        rows[0]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name} in {:?}", rows[0]))
    };
    let row = |text: &str| {
        rows.iter()
            .find(|r| r[column("Text")].contains(text))
            .unwrap_or_else(|| panic!("no card {text} in {rows:?}"))
    };
    let goal_row = row("Bürgerbüro teilen");
    assert_eq!(
        goal_row[column("Haltungen")],
        "Musterstadt: ✓, Übungsdorf: ~"
    );
    assert_eq!(goal_row[column("Kernziel")], "ja");
    assert!(row("Antrag stellen")[column("Angaben")].contains("Drei Wege ins Amt"));
    let task_row = row("mit dem Personalrat");
    assert_eq!(
        [
            &task_row[column("Status")],
            &task_row[column("Wer")],
            &task_row[column("Bis wann")]
        ],
        ["begonnen", "Frau Schulz", "31.03.2027"]
    );
    assert!(rows
        .iter()
        .any(|r| r[column("Angaben")].contains("Klausur im Mai")));
    // Untouched fixed items are rows too: every factor of the check.
    let factors = rows
        .iter()
        .filter(|r| r[column("Methode")] == "Erfolgsfaktoren-Check")
        .count();
    assert_eq!(factors, 20, "the 20 fixed factors");

    // The CSV (one table for Excel) has every card of the four methods,
    // rated items with their aggregates, the rest of a card in "Hinweise".
    let csv = download(server.addr, &secret, "csv").await;
    let text = std::str::from_utf8(&csv[3..]).expect("UTF-8 after the BOM");
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    let at = |name: &str| header.iter().position(|h| h == name).expect("column");
    let find = |text: &str, criterion: &str| {
        records
            .iter()
            .find(|r| r[at("Idee")].contains(text) && r[at("Kriterium")] == criterion)
            .unwrap_or_else(|| panic!("no CSV row {text} / {criterion}"))
    };
    let goal_csv = find("Bürgerbüro teilen", "");
    assert_eq!(
        goal_csv[at("Methode")],
        "Zielabgleich & bestehende Zusammenarbeit"
    );
    assert!(goal_csv[at("Hinweise")].contains("Haltungen: Musterstadt: ✓, Übungsdorf: ~"));
    let factor_csv = records
        .iter()
        .find(|r| r[at("Hinweise")].contains("Klausur im Mai") && !r[at("Kriterium")].is_empty())
        .expect("the rated factor");
    assert_eq!(
        [&factor_csv[at("n")], &factor_csv[at("Mittelwert")]],
        ["2", "3,0"]
    );
    assert!(find("mit dem Personalrat", "")[at("Hinweise")]
        .contains("Status: begonnen; Wer: Frau Schulz; Bis wann: 31.03.2027"));
    assert!(records
        .iter()
        .any(|r| r[at("Idee")] == "Antrag stellen" && r[at("Methode")].starts_with("Prozess")));

    // Imported, it is the same session (fixed items not added twice, the
    // own item where the group put it), and it exports the same again.
    let (status, created) = server
        .http("POST", "/api/import", &[], Some(first.clone()))
        .await;
    assert_eq!(status, 201, "{created}");
    let new_secret = created["moderator_token"].as_str().expect("token");
    let second = export_json(&server, new_secret).await;
    assert_eq!(second["version"], 3);
    assert_eq!(canonical(second), canonical(first));
}

#[tokio::test]
async fn a_json_export_made_before_the_further_methods_still_imports() {
    // Written by the server at the commit before this change (version 1):
    // canvas, SWOT with header and links, KI ideas with sketch, ratings,
    // dots, two groups.
    let old: Value =
        serde_json::from_str(include_str!("fixtures/session-v1-before-methods18.json"))
            .expect("fixture");
    assert_eq!(old["version"], 1);
    let server = Server::start().await;
    let (status, created) = server
        .http("POST", "/api/import", &[], Some(old.clone()))
        .await;
    assert_eq!(status, 201, "{created}");
    let secret = created["moderator_token"].as_str().expect("token");
    let again = export_json(&server, secret).await;
    assert_eq!(again["version"], 3);
    assert_eq!(again["settings"], old["settings"]);
    assert_eq!(canonical(again), canonical(old));
}

#[tokio::test]
async fn a_version_1_file_with_version_2_content_is_refused() {
    let old: Value =
        serde_json::from_str(include_str!("fixtures/session-v1-before-methods18.json"))
            .expect("fixture");
    let mut forged = old.clone();
    let boards = forged["groups"][0]["boards"]
        .as_object_mut()
        .expect("boards");
    let canvas = boards.values_mut().next().expect("a board");
    canvas["current"] = json!("problem");
    let server = Server::start().await;
    let (status, body) = server.http("POST", "/api/import", &[], Some(forged)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "import_malformed");
    assert_eq!(server.store().session_count().await.expect("count"), 0);
}

/// The row of a Markdown table that begins with `start`.
/// The PDF's text with its layout (`pdftotext -layout`): boxes side by
/// side share a line.
fn pdf_layout_text(pdf: &[u8], name: &str) -> String {
    let path = std::env::temp_dir().join(format!("ikz-{name}-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write PDF");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext installed (poppler-utils)");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn md_row<'a>(md: &'a str, start: &str) -> &'a str {
    md.lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no row {start:?} in\n{md}"))
}

#[tokio::test]
async fn the_five_remaining_methods_run_live_export_their_figures_and_import_again() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session(CODE).await;
    let group = server.group(&session, "Gruppe A").await;
    let until = now() + 86_400;
    let anna = server
        .person_of(&session, CODE, &group, ("Anna", "Musterstadt"), until)
        .await;
    let cora = server
        .person_of(&session, CODE, &group, ("Cora", "Übungsdorf"), until)
        .await;
    // Offered (issue #20): the moderator switches the five on; JSON
    // schema version 2 carries them (they are new templates, no new field).
    let methods = json!(["canvas", "veraenderung", "bmc", "ustg", "scrum", "barcamp"]);
    let (status, body) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "methods": methods }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mut a = server.connect(&anna).await;
    let mut c = server.connect(&cora).await;
    a.sync(0).await;
    c.sync(0).await;

    // Veränderung: a level rated 2 and 4 (mean 3,0; counts 0 1 0 1 0),
    // its support need; driving 5 and 4 (4,5), restraining 3: balance 1,5.
    let wandel = board(&group, "veraenderung");
    let politik = "veraenderung-ebene-politik";
    commit(&mut a, "v1", &wandel, rate(politik, "bereitschaft", 2)).await;
    commit(&mut c, "v2", &wandel, rate(politik, "bereitschaft", 4)).await;
    commit(
        &mut a,
        "v3",
        &wandel,
        edit(politik, "unterstuetzungsbedarf", "Klausur mit dem Rat"),
    )
    .await;
    commit(
        &mut a,
        "v4",
        &wandel,
        add_card("t1", "treibend", "Fachkräftemangel"),
    )
    .await;
    commit(&mut a, "v5", &wandel, rate("t1", "staerke", 5)).await;
    commit(&mut c, "v6", &wandel, rate("t1", "staerke", 4)).await;
    commit(
        &mut c,
        "v7",
        &wandel,
        add_card("h1", "hemmend", "Angst vor Kompetenzverlust"),
    )
    .await;
    commit(&mut a, "v8", &wandel, rate("h1", "staerke", 3)).await;
    refused(&mut a, &wandel, add_card("x1", "ebenen", "eigene Ebene")).await;

    // BMC: a card in a box.
    let bmc = board(&group, "bmc");
    commit(
        &mut a,
        "b1",
        &bmc,
        add_card("w1", "wertangebot", "Ein Bürgerbüro für drei Gemeinden"),
    )
    .await;

    // § 2b: public-law basis ja, turnover ≤ threshold ja, 12.000 €:
    // "Nichtsteuerbarkeit … möglich", questions 2, 4, 5a-5d open.
    let ustg = board(&group, "ustg");
    commit(
        &mut a,
        "u1",
        &ustg,
        add_card("c1", "faelle", "Bauhof für die Nachbargemeinde"),
    )
    .await;
    commit(&mut a, "u2", &ustg, edit("c1", "ust_q1", "ja")).await;
    commit(&mut c, "u3", &ustg, edit("c1", "ust_q3", "ja")).await;
    commit(&mut a, "u4", &ustg, edit("c1", "entgelt", "12.000")).await;

    // Scrum: two stories of 5 and 8 points, the second moved to the sprint;
    // the Relevanzcheck rated 4 and 2 (3,0).
    let scrum = board(&group, "scrum");
    commit(
        &mut a,
        "s1",
        &scrum,
        add_card("st1", "backlog", "Online-Terminbuchung"),
    )
    .await;
    commit(&mut a, "s2", &scrum, edit("st1", "aufwand", "5")).await;
    commit(
        &mut c,
        "s3",
        &scrum,
        add_card("st2", "backlog", "Formular-Assistent"),
    )
    .await;
    commit(&mut c, "s4", &scrum, edit("st2", "aufwand", "8")).await;
    let to_sprint =
        json!({ "type": "move_card", "card_id": "st2", "section": "sprint", "index": 0 });
    commit(&mut c, "s5", &scrum, to_sprint).await;
    let relevanz = "scrum-relevanz-passung";
    commit(&mut a, "s6", &scrum, rate(relevanz, "relevanz", 4)).await;
    commit(&mut c, "s7", &scrum, rate(relevanz, "relevanz", 2)).await;

    // BarCamp: a proposal placed at 10:00 in Raum A, one unplanned; a
    // Suche of Musterstadt and a Biete of Übungsdorf share a keyword.
    let barcamp = board(&group, "barcamp");
    commit(
        &mut a,
        "c1",
        &barcamp,
        add_card("p1", "vorschlaege", "Digitale Friedhofsverwaltung"),
    )
    .await;
    // Zeitfenster and Raum are the moderator's (issue #20): a
    // participant's own edit is refused; the moderator's, over HTTP, is
    // committed like any op and reaches both sockets of the group live.
    refused(&mut a, &barcamp, edit("p1", "zeitfenster", "10:00")).await;
    refused(&mut c, &barcamp, edit("p1", "raum", "Raum A")).await;
    let field = |key: &str| format!("/api/moderation/boards/{barcamp}/cards/p1/fields/{key}");
    for (key, text) in [("zeitfenster", "10:00"), ("raum", "Raum A")] {
        let (status, body) = server
            .moderate(&secret, "PUT", &field(key), json!({ "text": text }))
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(body["seq"].as_u64().is_some(), "{body}");
        for client in [&mut a, &mut c] {
            let op = moderator_op(client, key).await;
            assert_eq!(op["board"], barcamp.as_str(), "{op}");
            assert_eq!(op["op"]["card_id"], "p1", "{op}");
        }
    }
    // The same text again changes nothing and commits nothing.
    let (status, body) = server
        .moderate(&secret, "PUT", &field("raum"), json!({ "text": "Raum A" }))
        .await;
    assert_eq!((status, &body["seq"]), (200, &Value::Null), "{body}");
    // Without the secret, with a wrong one, for a field that is not the
    // moderator's, an unknown card or another group: refused.
    let (status, _) = server
        .http(
            "PUT",
            &field("raum"),
            &[],
            Some(json!({ "text": "Raum B" })),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .moderate("falsch", "PUT", &field("raum"), json!({ "text": "Raum B" }))
        .await;
    assert_eq!(status, 403);
    let (status, body) = server
        .moderate(&secret, "PUT", &field("format"), json!({ "text": "Frage" }))
        .await;
    assert_eq!(status, 422, "{body}");
    let unknown_card = format!("/api/moderation/boards/{barcamp}/cards/zz/fields/raum");
    let (status, body) = server
        .moderate(&secret, "PUT", &unknown_card, json!({ "text": "Raum B" }))
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = server
        .moderate(
            &secret,
            "PUT",
            "/api/moderation/boards/anders:barcamp/cards/p1/fields/raum",
            json!({ "text": "Raum B" }),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    commit(
        &mut c,
        "c4",
        &barcamp,
        add_card("p2", "vorschlaege", "KI im Bürgerbüro"),
    )
    .await;
    commit(
        &mut a,
        "c5",
        &barcamp,
        add_card("q1", "suche", "Erfahrungen mit Friedhofsverwaltung gesucht"),
    )
    .await;
    commit(
        &mut c,
        "c6",
        &barcamp,
        add_card("o1", "biete", "Friedhofsverwaltung digital seit 2024"),
    )
    .await;

    let (status, body) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "ratings_revealed": true }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The JSON export: version 3 (the fields of 2), the new boards. cards and fields.
    let first = export_json(&server, &secret).await;
    assert_eq!(first["version"], 3);
    assert_eq!(first["settings"]["methods"], methods);
    let level = card(&first, "veraenderung", "ebenen", politik);
    assert_eq!(level["item"], "ebene-politik");
    assert_eq!(
        level["fields"]["unterstuetzungsbedarf"],
        "Klausur mit dem Rat"
    );
    let case = card(&first, "ustg", "faelle", "c1");
    assert_eq!(
        [&case["fields"]["ust_q1"], &case["fields"]["entgelt"]],
        [&json!("ja"), &json!("12.000")]
    );
    assert_eq!(
        card(&first, "scrum", "sprint", "st2")["fields"]["aufwand"],
        "8"
    );
    assert_eq!(
        card(&first, "barcamp", "vorschlaege", "p1")["fields"]["raum"],
        "Raum A"
    );

    // The document (Markdown shares the block model with PDF, DOCX, ODT):
    // every figure with the values computed by hand above.
    let md = String::from_utf8(download(server.addr, &secret, "md").await).expect("UTF-8");
    assert!(!md_row(
        &md,
        "| Politik & Gremien | 0 | 1 | 0 | 1 | 0 | 3,0 | 3,0 | 2 | 0 |"
    )
    .is_empty());
    assert!(
        md.contains("- Politik & Gremien: Klausur mit dem Rat"),
        "{md}"
    );
    assert!(!md_row(&md, "| Fachkräftemangel | treibend | 4,5 | 2 |").is_empty());
    assert!(!md_row(&md, "| Angst vor Kompetenzverlust | hemmend | 3,0 | 1 |").is_empty());
    assert!(
        md.contains("Treibend 4,5 − hemmend 3,0 = Bilanz 1,5 (nicht bewertete Kräfte: 0)"),
        "{md}"
    );
    assert!(md.contains("Ein Bürgerbüro für drei Gemeinden"), "{md}");
    assert_eq!(
        md_row(&md, "| Bauhof für die Nachbargemeinde | ja | – | ja |"),
        "| Bauhof für die Nachbargemeinde | ja | – | ja | – | – | – | – | – | Nichtsteuerbarkeit nach § 2b möglich – bestätigen lassen (Vorprüfung, keine Steuerberatung) | 2, 4, 5a, 5b, 5c, 5d |"
    );
    assert!(
        md.contains("Vorprüfung, keine Steuerberatung. Schwelle 17.500 € (§ 2b Abs. 2 Nr. 1 UStG), Stand 01.12.2026."),
        "{md}"
    );
    assert_eq!(
        md_row(&md, "| Product Backlog | "),
        "| Product Backlog | 1 | 5 | 0 |"
    );
    assert_eq!(
        md_row(&md, "| Sprint-Backlog | "),
        "| Sprint-Backlog | 1 | 8 | 0 |"
    );
    assert!(!md_row(
        &md,
        "| Wie gut passt Scrum zu meinem Tätigkeitsfeld? | 3,0 | 3,0 | 2 | 0 |"
    )
    .is_empty());
    assert_eq!(md_row(&md, "| Zeitfenster | "), "| Zeitfenster | Raum A |");
    assert_eq!(
        md_row(&md, "| 10:00 | "),
        "| 10:00 | Digitale Friedhofsverwaltung (0 Punkte) |"
    );
    assert!(md.contains("- KI im Bürgerbüro (0 Punkte)"), "{md}");
    assert!(
        md.contains("- möglicher Partner: Suche „Erfahrungen mit Friedhofsverwaltung gesucht“ (Musterstadt) – Biete „Friedhofsverwaltung digital seit 2024“ (Übungsdorf); gemeinsam: friedhofsverwaltung"),
        "{md}"
    );

    // The PDF draws the BMC as the 9-box grid: the boxes of the top row
    // side by side on one line, costs beside revenues (DOCX and ODT print
    // the same cells as a table in the template's order, like Markdown).
    let pdf = download(server.addr, &secret, "pdf").await;
    let text = pdf_layout_text(&pdf, "bmc-grid");
    let top = text
        .lines()
        .find(|l| l.contains("Schlüsselpartner") && l.contains("Schlüsselaktivitäten"))
        .unwrap_or_else(|| panic!("no grid row in {text}"));
    let at = |word: &str| {
        top.find(word)
            .unwrap_or_else(|| panic!("{word} not in {top:?}"))
    };
    assert!(at("Schlüsselpartner") < at("Schlüsselaktivitäten"), "{top}");
    assert!(at("Schlüsselaktivitäten") < at("Wertangebot"), "{top}");
    assert!(at("Wertangebot") < at("Nutzergruppen"), "{top}");
    assert!(
        text.lines()
            .any(|l| l.contains("Kostenstruktur") && l.contains("Finanzierung")),
        "{text}"
    );
    assert!(text.contains("Ein Bürgerbüro für"), "{text}");
    let grid = md
        .find("**Schlüsselpartner**")
        .expect("the grid's cells in Markdown");
    assert!(
        grid < md
            .find("**Finanzierung (Einnahmequellen)**")
            .expect("last cell")
    );

    // The CSV carries the new methods' cards (the same card facts).
    let csv = download(server.addr, &secret, "csv").await;
    let text = std::str::from_utf8(&csv[3..]).expect("UTF-8 after the BOM");
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    let at = |name: &str| header.iter().position(|h| h == name).expect("column");
    let story = records
        .iter()
        .find(|r| r[at("Idee")] == "Formular-Assistent")
        .expect("the story");
    assert_eq!(story[at("Methode")], "Scrum-Board");
    assert!(story[at("Hinweise")].contains("Aufwand: 8"), "{story:?}");
    let rated_level = records
        .iter()
        .find(|r| r[at("Idee")] == "Politik & Gremien" && !r[at("Kriterium")].is_empty())
        .expect("the rated level");
    assert_eq!(
        [&rated_level[at("n")], &rated_level[at("Mittelwert")]],
        ["2", "3,0"]
    );

    // Imported, it is the same session, and it exports the same again.
    let (status, created) = server
        .http("POST", "/api/import", &[], Some(first.clone()))
        .await;
    assert_eq!(status, 201, "{created}");
    let new_secret = created["moderator_token"].as_str().expect("token");
    let second = export_json(&server, new_secret).await;
    assert_eq!(second["version"], 3);
    assert_eq!(canonical(second), canonical(first));
}
