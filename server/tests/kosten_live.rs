//! The Kostenaufteilung (#19 §2) end to end on a real server over real
//! sockets: the moderator switches the method on, participants of two
//! Kommunen fill the group's board over the live channel, and the group's
//! workbook downloads as an XLSX with live formulas, the same sheet the
//! calculator writes for the figures the group typed; an incomplete board
//! is 422 with the German sentence naming the Kommune and the field.

mod common;

use common::live::{add_card, Client, Received, Server, WAIT};
use ikz_antrag::cost::{sheet, Basis, CostInput, JointInput, KommuneInput, SheetCell, SplitKey};
use serde_json::{json, Value};
use server::clock::now;
use std::io::Read;
use std::net::SocketAddr;

const CODE: &str = "KCTNPR";

fn edit(card_id: &str, field: &str, text: &str) -> Value {
    json!({ "type": "edit_text", "card_id": card_id, "field": field,
            "edits": [{ "insert": { "id": [1, 1], "text": text } }] })
}

/// A GET over a real socket: status, headers (lower case) and body bytes.
async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let status = head
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    (status, head, response[split + 4..].to_vec())
}

fn sheet_xml(xlsx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("XLSX is a zip");
    let mut file = archive
        .by_name("xl/worksheets/sheet1.xml")
        .expect("sheet1.xml");
    let mut xml = String::new();
    file.read_to_string(&mut xml).expect("UTF-8");
    xml
}

/// The figures both participants type, as the calculator's input.
fn expected() -> CostInput {
    let kommune = |name: &str, einwohner, fallzahlen, vzae, rest| KommuneInput {
        name: name.to_owned(),
        einwohner,
        fallzahlen,
        vzae,
        personalkostensatz: 70_000.0,
        sachkosten: 5_000.0,
        it_kosten: 1_234.5,
        restkosten: rest,
        anteil_von_hand: None,
    };
    CostInput {
        kommunen: vec![
            kommune("Musterstadt", 20_000.0, 1_200.0, 2.0, 20_000.0),
            kommune("Übungsdorf", 5_000.0, 300.0, 1.5, 10_000.0),
        ],
        gemeinsam: JointInput {
            einmalkosten: 300_000.0,
            laufende_kosten: 90_000.0,
            foerderquote: 0.5,
            foerderhoechstbetrag: 100_000.0,
        },
        schluessel: SplitKey::Sockel {
            sockelanteil: 0.3,
            basis: Basis::Einwohner,
        },
    }
}

/// Sends `op` and expects it to be committed, passing over the ops of the
/// others (and the echo of one's own) that arrive meanwhile.
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

/// Types a Kommune's figures as a participant would (German writing).
async fn fill(client: &mut Client, board: &str, card: &str, figures: &[(&str, &str)]) {
    for (i, (field, text)) in figures.iter().enumerate() {
        commit(
            client,
            &format!("{card}-{i}"),
            board,
            edit(card, field, text),
        )
        .await;
    }
}

#[tokio::test]
async fn a_group_fills_the_kostenaufteilung_live_and_downloads_its_workbook_with_formulas() {
    let server = Server::start().await;
    let (session, secret) = server.moderated_session(CODE).await;
    let group = server.group(&session, "Gruppe A").await;
    let other = server.group(&session, "Gruppe B").await;
    let until = now() + 86_400;
    let anna = server
        .person_of(&session, CODE, &group, ("Anna", "Musterstadt"), until)
        .await;
    let cora = server
        .person_of(&session, CODE, &group, ("Cora", "Übungsdorf"), until)
        .await;
    let cookie = format!("ikz_p_{CODE}={}", anna.token);
    let own = format!("/api/sessions/{CODE}/kosten.xlsx");
    let bearer = format!("Bearer {secret}");
    let moderated = format!("/api/moderation/groups/{group}/kosten.xlsx");

    // Off by default: no workbook of a method the session does not have.
    let (status, _, _) = get(server.addr, &own, &[("Cookie", &cookie)]).await;
    assert_eq!(status, 404);
    let methods = json!(["canvas", "swot", "ki", "kosten"]);
    let (status, body) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "methods": methods }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let board = format!("{group}:kosten");
    let mut a = server.connect(&anna).await;
    let mut c = server.connect(&cora).await;
    a.sync(0).await;
    c.sync(0).await;
    commit(
        &mut a,
        "a0",
        &board,
        add_card("k1", "kommunen", "Musterstadt"),
    )
    .await;
    fill(
        &mut a,
        &board,
        "k1",
        &[
            ("einwohner", "20.000"),
            ("fallzahlen", "1.200"),
            ("vzae", "2"),
            ("personalkostensatz", "70.000 €"),
            ("sachkosten", "5.000"),
            ("it_kosten", "1.234,50"),
            ("restkosten", "20 000 €"),
        ],
    )
    .await;
    commit(
        &mut c,
        "c0",
        &board,
        add_card("k2", "kommunen", "Übungsdorf"),
    )
    .await;
    fill(
        &mut c,
        &board,
        "k2",
        &[
            ("einwohner", "5.000"),
            ("fallzahlen", "300"),
            ("personalkostensatz", "70.000"),
            ("sachkosten", "5.000"),
            ("it_kosten", "1.234,5"),
            ("restkosten", "10.000"),
        ],
    )
    .await;
    fill(
        &mut a,
        &board,
        "kosten-gemeinsam",
        &[
            ("einmalkosten", "300.000"),
            ("laufende_kosten", "90.000"),
            ("foerderquote", "50 %"),
            ("foerderhoechstbetrag", "100.000"),
            ("schluessel", "Sockel + variabel"),
            ("sockelanteil", "30"),
            ("sockel_basis", "Einwohner"),
        ],
    )
    .await;

    // Übungsdorf's VZÄ is missing: 422 with the German sentence.
    let (status, _, body) = get(server.addr, &own, &[("Cookie", &cookie)]).await;
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
    let error: Value = serde_json::from_slice(&body).expect("JSON error body");
    assert_eq!(error["code"], "cost_incomplete");
    assert_eq!(error["message"], "Bei Übungsdorf fehlt „VZÄ“.");
    let (status, _, _) = get(server.addr, &moderated, &[("Authorization", &bearer)]).await;
    assert_eq!(status, 422);

    commit(&mut c, "c-vzae", &board, edit("k2", "vzae", "1,5")).await;
    let (status, head, xlsx) = get(server.addr, &own, &[("Cookie", &cookie)]).await;
    assert_eq!(status, 200, "{head}");
    assert!(head.contains(
        "content-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ));
    assert!(head.contains("_kostenaufteilung_gruppe-a.xlsx"), "{head}");
    let xml = sheet_xml(&xlsx);
    // Live formulas, as many as the calculator's sheet has.
    let model = sheet(&expected()).expect("sheet");
    let formulas = model
        .rows
        .iter()
        .flatten()
        .filter(|c| matches!(c, SheetCell::Formula { .. }))
        .count();
    assert!(formulas > 20, "{formulas}");
    assert_eq!(xml.matches("<f>").count(), formulas, "{xml}");
    // The very sheet the calculator writes for the figures typed: the board
    // was read as the group meant it.
    let want = server::export::kosten::workbook(&expected()).expect("workbook");
    assert_eq!(xml, sheet_xml(&want));

    // The moderator downloads any group's; another group has none filled.
    let (status, _, by_moderator) =
        get(server.addr, &moderated, &[("Authorization", &bearer)]).await;
    assert_eq!(status, 200);
    assert_eq!(sheet_xml(&by_moderator), xml);
    let empty = format!("/api/moderation/groups/{other}/kosten.xlsx");
    let (status, _, body) = get(server.addr, &empty, &[("Authorization", &bearer)]).await;
    assert_eq!(status, 422);
    let error: Value = serde_json::from_slice(&body).expect("JSON error body");
    assert_eq!(
        error["message"],
        "Bei „Gemeinsam“ fehlt „einmalige Kosten I“."
    );
    let unknown = "/api/moderation/groups/nosuchgroup/kosten.xlsx";
    let (status, _, _) = get(server.addr, unknown, &[("Authorization", &bearer)]).await;
    assert_eq!(status, 404);
    // Without a cookie or a secret: refused.
    let (status, _, _) = get(server.addr, &own, &[]).await;
    assert_eq!(status, 401);
    let (status, _, _) = get(server.addr, &moderated, &[]).await;
    assert_eq!(status, 403);
}
