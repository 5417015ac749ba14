//! Exports and import against a real server on a loopback port. The session
//! is seeded the way browsers fill it (ops over the live WebSocket), the
//! files are fetched over HTTP and read back by independent readers:
//! `pdftotext`/`pdfinfo` (poppler) for the PDF, LibreOffice headless for
//! DOCX, ODT and XLSX, the `csv` crate for the CSV.

mod common;

use axum::http::StatusCode;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use server::export::{self, json, ExportData, SessionFacts};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const FORMULA: &str = r#"=HYPERLINK("http://x";"y")"#;
const UMLAUTS: &str = "Lange Wartezeiten im Bürgerbüro – Öffnungszeiten, Größe & Maß";
const NORD_CARD: &str = "Nordkarte: Gemeinsame Ökologie-Daten";
const SUBJECT: &str = "Gemeinsames Bürgerbüro im Landkreis";

/// What domain.md §1-3 and "Personal data in results" ask of every document
/// (PDF, DOCX, ODT, Markdown): the canvas's field labels, the SWOT header,
/// linked cards named by their field, the Projektskizze's fields and
/// choices, the flags' one wording, and the Kommunen present.
const FIDELITY: [&str; 12] = [
    "Rechts- und Organisationsform",
    "Gegenstand der Analyse: Gemeinsames Bürgerbüro im Landkreis",
    "bezieht sich auf: S: Erfahrene IT-Abteilung; O: Förderprogramm des Landes",
    "Teilnehmende Kommunen: Musterstadt, Übungsdorf",
    "KI-Einsatzfeld",
    "Bürgerkommunikation",
    "Vorgesehene Kooperationsform",
    "Zweckverband",
    "Rechtsgrundlage / Datenschutz",
    "DSFA nötig, AV-Vertrag mit dem Anbieter",
    "Personenbezogene Daten",
    "Möglicherweise Hochrisiko-KI-System (KI-VO, Anhang III)",
];

fn long_text(seed: &str, chars: usize) -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.chars().count() < chars {
        i += 1;
        out.push_str(&format!(
            "{seed} Satz {i} über Zuständigkeiten und Fristen. "
        ));
    }
    out.chars()
        .take(chars)
        .collect::<String>()
        .trim()
        .to_owned()
}

// ---------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------

struct Fixture {
    api: common::Api,
    addr: SocketAddr,
    code: String,
    token: String,
    sued: String,
    nord: String,
    anna: String,
    joerg: String,
    bea: String,
    /// Every card text seeded, for "the file contains all card texts".
    texts: Vec<String>,
}

struct Ws {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    n: u32,
}

impl Ws {
    async fn connect(addr: SocketAddr, code: &str, cookie: &str) -> Self {
        let mut request = format!("ws://{addr}/api/sessions/{code}/live")
            .into_client_request()
            .expect("request");
        request
            .headers_mut()
            .insert("origin", format!("http://{addr}").parse().expect("origin"));
        request
            .headers_mut()
            .insert("cookie", cookie.parse().expect("cookie"));
        let (ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("connect");
        Self { ws, n: 0 }
    }

    /// Sends one op and waits for its ack (panics on a refusal).
    async fn op(&mut self, board: &str, op: Value) {
        self.n += 1;
        let op_id = format!("op-{}-{}", self.n, uuid::Uuid::now_v7());
        let msg = json!({ "type": "op", "op_id": op_id, "board": board, "op": op });
        self.ws
            .send(Message::Text(msg.to_string().into()))
            .await
            .expect("send");
        loop {
            let next = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("answer in time")
                .expect("open")
                .expect("message");
            let Message::Text(text) = next else { continue };
            let v: Value = serde_json::from_str(text.as_str()).expect("JSON");
            match v["type"].as_str() {
                Some("ack") if v["op_id"] == op_id => return,
                Some("rejected") if v["op_id"] == op_id => panic!("op refused: {v}"),
                _ => {}
            }
        }
    }
}

const TYPED_BASE: &str = "Schritt: Ratsbeschluss";

/// Two people type a word each at the end of the idea's "Nächste Schritte"
/// (`TYPED_BASE`, inserted as one run of site 1) at the same time, key by
/// key, neither seeing the other's keys: their ops (the server gets them
/// alternately) and the text that results.
fn typed_at_once(words: [&str; 2]) -> ([Vec<Value>; 2], String) {
    use app::domain::board::{limits, Op, SketchField, TextField};
    use app::domain::text::{CharId, Clock, Splice, TextEdit, TextSeq};
    let field = TextField::Sketch(SketchField::NaechsteSchritte);
    let mut base = TextSeq::default();
    let run = TextEdit::Insert {
        id: CharId::new(1, 1),
        after: None,
        text: TYPED_BASE.into(),
    };
    base.apply(&[run], &limits::SKETCH).expect("base");
    let mut streams: [Vec<Value>; 2] = Default::default();
    let mut edits_in_order: [Vec<Vec<TextEdit>>; 2] = Default::default();
    for (who, word) in words.iter().enumerate() {
        let mut seq = base.clone();
        let mut clock = Clock::new(100 + who as u64);
        for c in word.chars() {
            let splice = Splice {
                at: seq.visible_len(),
                removed: 0,
                inserted: c.to_string(),
            };
            let edits = seq.splice_edits(&splice, &mut clock);
            seq.apply(&edits, &limits::SKETCH).expect("own key");
            let op = Op::EditText {
                card_id: "i1".into(),
                field,
                edits: edits.clone(),
            };
            streams[who].push(serde_json::to_value(op).expect("op JSON"));
            edits_in_order[who].push(edits);
        }
    }
    let mut server = base;
    for i in 0..edits_in_order[0].len().max(edits_in_order[1].len()) {
        for stream in &edits_in_order {
            if let Some(edits) = stream.get(i) {
                server.apply(edits, &limits::SKETCH).expect("key");
            }
        }
    }
    (streams, server.text())
}

fn rate(card: &str, criterion: &str, value: Value) -> Value {
    json!({ "type": "rate", "card_id": card, "criterion": criterion, "value": { "given": value } })
}

impl Fixture {
    async fn start() -> Self {
        let db = common::test_db().await;
        let router = server::api_router(common::state(db.store.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let served = router.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, served).await;
        });
        let api = common::Api { router, db };
        let (code, token) = api.create_session().await;
        let sued = api.add_group(&token, "Gruppe Süd").await;
        let nord = api.add_group(&token, "Gruppe Nord").await;
        let anna = api.join(&code, &sued, "Anna Müller").await;
        let joerg = api.join(&code, &sued, "Jörg Weiß").await;
        let bea = api
            .join_from(&code, &nord, "Bea Nordmann", "Übungsdorf")
            .await;
        let mut f = Fixture {
            api,
            addr,
            code,
            token,
            sued,
            nord,
            anna,
            joerg,
            bea,
            texts: Vec::new(),
        };
        f.seed().await;
        f
    }

    async fn ws(&self, cookie: &str) -> Ws {
        Ws::connect(self.addr, &self.code, cookie).await
    }

    async fn seed(&mut self) {
        let canvas = format!("{}:canvas", self.sued);
        let swot = format!("{}:swot", self.sued);
        let ki = format!("{}:ki", self.sued);
        let mut anna = self.ws(&self.anna.clone()).await;
        let mut joerg = self.ws(&self.joerg.clone()).await;
        let long_card = long_text("Ziel", 950);
        // Step 2 of the SWOT (TOWS) is the moderator's to open.
        self.settings(json!({ "strategies": true })).await;
        let cards = [
            (&canvas, "c1", "problem", UMLAUTS.to_owned()),
            (&canvas, "c2", "ziel", long_card),
            (
                &canvas,
                "c3",
                "schritte",
                "Straßenmeisterei fragen".to_owned(),
            ),
            (&swot, "s1", "staerken", "Erfahrene IT-Abteilung".to_owned()),
            (
                &swot,
                "s2",
                "chancen",
                "Förderprogramm des Landes".to_owned(),
            ),
            (&swot, "so1", "so", "Gemeinsames Rechenzentrum".to_owned()),
            (&ki, "i1", "ideen", "Chatbot für das Bürgeramt".to_owned()),
            (&ki, "i2", "ideen", FORMULA.to_owned()),
        ];
        for (board, id, section, text) in &cards {
            anna.op(
                board,
                json!({ "type": "add_card", "card_id": id, "section": section, "text": text }),
            )
            .await;
            self.texts.push(text.clone());
        }
        // Dot votes (the moderator hands out three per person).
        self.settings(json!({ "dots_per_person": 3 })).await;
        let dot = json!({ "type": "dot", "card_id": "c3", "add": true });
        anna.op(&canvas, dot.clone()).await;
        anna.op(&canvas, dot.clone()).await;
        joerg.op(&canvas, dot).await;
        for target in ["s1", "s2"] {
            anna.op(
                &swot,
                json!({ "type": "link_cards", "card_id": "so1", "target_id": target, "linked": true }),
            )
            .await;
        }
        // The SWOT's header, a board text without a card.
        anna.op(
            &swot,
            json!({ "type": "edit_text", "card_id": "", "field": "gegenstand",
                    "edits": [{ "insert": { "id": [1, 1], "text": SUBJECT } }] }),
        )
        .await;
        self.texts.push(SUBJECT.to_owned());
        for choice in [
            json!({ "field": "einsatzfeld", "value": "buergerkommunikation" }),
            json!({ "field": "kooperationsform", "value": "zweckverband" }),
        ] {
            anna.op(
                &ki,
                json!({ "type": "choose", "card_id": "i1", "choice": choice }),
            )
            .await;
        }
        let sketch = [
            ("beschreibung", long_text("Beschreibung", 1500)),
            ("kommunen", "Musterstadt, Übungsdorf".to_owned()),
            ("daten", "Anliegen-Statistik der Bürgerämter".to_owned()),
            (
                "rechtsgrundlage",
                "DSFA nötig, AV-Vertrag mit dem Anbieter".to_owned(),
            ),
            ("naechste_schritte", TYPED_BASE.to_owned()),
        ];
        for (field, text) in &sketch {
            anna.op(
                &ki,
                json!({ "type": "edit_text", "card_id": "i1", "field": field,
                        "edits": [{ "insert": { "id": [1, 1], "text": text } }] }),
            )
            .await;
            self.texts.push(text.clone());
        }
        // Anna and Jörg type into "Nächste Schritte" at the same time.
        let (streams, typed) = typed_at_once([" im März", " vorbereiten"]);
        for i in 0..streams[0].len().max(streams[1].len()) {
            for (ws, stream) in [(&mut anna, &streams[0]), (&mut joerg, &streams[1])] {
                if let Some(op) = stream.get(i) {
                    ws.op(&ki, op.clone()).await;
                }
            }
        }
        assert!(
            typed.contains(" im März") && typed.contains(" vorbereiten"),
            "{typed}"
        );
        self.texts.pop();
        self.texts.push(typed);
        anna.op(
            &ki,
            json!({ "type": "set_flag", "card_id": "i1", "flag": "personal_data", "value": true }),
        )
        .await;
        for (c, v) in [
            ("nutzen", 5),
            ("machbarkeit", 4),
            ("datenverfuegbarkeit", 3),
            ("kooperationsform", 5),
        ] {
            anna.op(&ki, rate("i1", c, json!({ "Score": v }))).await;
        }
        for (c, v) in [
            ("nutzen", json!({ "Score": 4 })),
            ("machbarkeit", json!("DontKnow")),
            ("datenverfuegbarkeit", json!({ "Score": 2 })),
            ("kooperationsform", json!({ "Score": 4 })),
        ] {
            joerg.op(&ki, rate("i1", c, v)).await;
        }
        anna.op(&ki, rate("i2", "nutzen", json!({ "Score": 2 })))
            .await;
        joerg
            .op(&ki, rate("i2", "machbarkeit", json!({ "Score": 1 })))
            .await;

        let mut bea = self.ws(&self.bea.clone()).await;
        let nord_canvas = format!("{}:canvas", self.nord);
        let nord_ki = format!("{}:ki", self.nord);
        bea.op(
            &nord_canvas,
            json!({ "type": "add_card", "card_id": "n1", "section": "problem", "text": NORD_CARD }),
        )
        .await;
        bea.op(
            &nord_ki,
            json!({ "type": "add_card", "card_id": "n2", "section": "ideen", "text": "Chatbot für das Bürgeramt" }),
        )
        .await;
        bea.op(&nord_ki, rate("n2", "nutzen", json!({ "Score": 3 })))
            .await;
        self.texts.push(NORD_CARD.to_owned());
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// The moderator changes settings (PATCH /api/moderation/settings).
    async fn settings(&self, change: Value) -> Value {
        let reply = self
            .api
            .send(
                "PATCH",
                "/api/moderation/settings",
                Some(change),
                &[("authorization", &self.bearer())],
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
        reply.json
    }

    /// GET as the moderator; returns status, headers and raw bytes.
    async fn moderator_get(&self, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        raw_get(&self.api, path, &[("authorization", &self.bearer())]).await
    }
}

async fn raw_get(
    api: &common::Api,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut builder = axum::http::Request::builder().method("GET").uri(path);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let response = api
        .router
        .clone()
        .oneshot(builder.body(axum::body::Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

async fn post_raw(api: &common::Api, path: &str, body: Vec<u8>) -> (StatusCode, Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .expect("request");
    let response = api.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

// ---------------------------------------------------------------------------
// Independent readers
// ---------------------------------------------------------------------------

/// Collapses all whitespace (line breaks from wrapping included) to one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write file");
    path
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg("-enc")
        .arg("UTF-8")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext installed (poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn pdfinfo(path: &Path) -> String {
    let out = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo installed");
    assert!(out.status.success(), "pdfinfo failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn soffice_text(path: &Path) -> String {
    let files = common::soffice(path, "txt:Text (encoded):UTF8");
    std::fs::read_to_string(&files[0]).expect("text")
}

fn assert_contains_all(haystack: &str, needles: &[String], what: &str) {
    let flat_hay = flat(haystack);
    for needle in needles {
        assert!(
            flat_hay.contains(&flat(needle)),
            "{what} lacks {:?}…",
            needle.chars().take(60).collect::<String>()
        );
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[tokio::test]
async fn pdf_is_a4_with_header_page_numbers_and_every_card_text() {
    let f = Fixture::start().await;
    let (status, headers, bytes) = f.moderator_get("/api/moderation/export/pdf").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"IKZ-Workshop-Digitalisierung_2026-11-25.pdf\""
    );
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().expect("dir");
    let path = write_temp(dir.path(), "session.pdf", &bytes);
    let info = pdfinfo(&path);
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    assert!(pages >= 3, "{pages} pages");

    let text = pdftotext(&path);
    assert!(text.contains("25. November 2026"), "German date in header");
    assert!(text.contains("Rathaus Musterstadt"));
    assert!(
        text.contains(&format!("Seite 1 von {pages}")),
        "page numbers"
    );
    assert!(text.contains(&format!("Seite {pages} von {pages}")));
    // A long text may run over a page break: then the page header and
    // footer and the repeated table header ("Feld Inhalt") fall inside it.
    let header =
        "IKZ-Workshop Digitalisierung · Gesamte Sitzung 25. November 2026 · Rathaus Musterstadt";
    let mut body = flat(&text)
        .replace(&format!("{header} Feld Inhalt"), " ")
        .replace(header, " ");
    for n in 1..=pages {
        body = body.replace(&format!("Seite {n} von {pages}"), " ");
    }
    assert_contains_all(&body, &f.texts, "PDF");
    // Canvas, SWOT with TOWS, ranking, portfolio and sketches are there.
    for heading in [
        "IKZ-Projekt-Canvas",
        "Ausgangslage & Problem",
        "SWOT-Analyse",
        "TOWS-Strategien",
        "Rangfolge",
        "Portfolio",
        "Umsetzen (Pilot)",
        "Projektskizzen",
        "Gemeinsame Rangfolge aller Gruppen",
        "Straßenmeisterei fragen (3 Punkte)",
        "weiß nicht",
    ] {
        assert!(flat(&body).contains(heading), "PDF lacks {heading}");
    }
    // A narrow table cell may wrap after a hyphen ("Hochrisiko-KI-|System"),
    // which pdftotext reads as "- ".
    let unwrapped = flat(&body).replace("- ", "-");
    for item in FIDELITY {
        let item = item.replace("- ", "-");
        assert!(unwrapped.contains(&item), "PDF lacks {item}");
    }

    // One group's PDF: its name in the header, no other group's cards.
    let (status, headers, group_pdf) = f
        .moderator_get(&format!("/api/moderation/export/pdf?group={}", f.sued))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-disposition"]
        .to_str()
        .expect("ascii")
        .ends_with("_Gruppe-Sued.pdf\""));
    let group_path = write_temp(dir.path(), "group.pdf", &group_pdf);
    let group_text = flat(&pdftotext(&group_path));
    assert!(group_text.contains("IKZ-Workshop Digitalisierung · Gruppe Süd"));
    assert!(group_text.contains("Straßenmeisterei fragen"));
    assert!(!group_text.contains(NORD_CARD));
    // For the README's example page: IKZ_EXPORT_SAMPLE_DIR=docs keeps a copy.
    if let Ok(keep) = std::env::var("IKZ_EXPORT_SAMPLE_DIR") {
        std::fs::write(Path::new(&keep).join("export-sample.pdf"), &group_pdf)
            .expect("keep sample");
    }
}

#[tokio::test]
async fn docx_and_odt_open_in_libreoffice_with_every_card_text() {
    let f = Fixture::start().await;
    let dir = tempfile::tempdir().expect("dir");
    for format in ["docx", "odt"] {
        let (status, headers, bytes) = f
            .moderator_get(&format!("/api/moderation/export/{format}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers["content-type"],
            export::Format::parse(format)
                .expect("format")
                .content_type()
        );
        let path = write_temp(dir.path(), &format!("session.{format}"), &bytes);
        let text = soffice_text(&path);
        assert_contains_all(&text, &f.texts, format);
        for heading in ["IKZ-Projekt-Canvas", "TOWS-Strategien", "Projektskizzen"] {
            assert!(text.contains(heading), "{format} lacks {heading}");
        }
        for item in FIDELITY {
            assert!(flat(&text).contains(item), "{format} lacks {item}");
        }
        assert!(text.contains("weiß nicht"), "{format}");
    }
}

#[tokio::test]
async fn xlsx_has_raw_ratings_and_numeric_aggregates() {
    let f = Fixture::start().await;
    // Names switched on: these checks read single ratings by name.
    f.settings(json!({ "single_ratings": "named" })).await;
    let (status, _, bytes) = f.moderator_get("/api/moderation/export/xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().expect("dir");
    let path = write_temp(dir.path(), "session.xlsx", &bytes);
    // Every sheet to its own CSV (UTF-8, comma separated, all sheets: -1).
    let files = common::soffice(
        &path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
    );
    let sheet = |name: &str| -> Vec<Vec<String>> {
        let file = files
            .iter()
            .find(|p| p.to_string_lossy().contains(name))
            .unwrap_or_else(|| panic!("sheet {name} in {files:?}"));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(file)
            .expect("csv");
        reader
            .records()
            .map(|r| r.expect("row").iter().map(str::to_owned).collect())
            .collect()
    };
    let raw = sheet("Bewertungen");
    assert_eq!(
        raw[0],
        ["Gruppe", "Idee", "Kriterium", "Teilnehmende", "Wert"]
    );
    assert!(raw.contains(
        &[
            "Gruppe Süd",
            "Chatbot für das Bürgeramt",
            "Machbarkeit",
            "Jörg Weiß",
            "weiß nicht"
        ]
        .map(String::from)
        .to_vec()
    ));
    assert!(raw.contains(
        &[
            "Gruppe Süd",
            "Chatbot für das Bürgeramt",
            "Nutzen",
            "Anna Müller",
            "5"
        ]
        .map(String::from)
        .to_vec()
    ));
    // The formula card is text, not a formula (LibreOffice would print its result).
    assert!(raw.iter().any(|r| r[1] == FORMULA), "{raw:?}");
    let agg = sheet("Auswertung");
    let row = agg
        .iter()
        .find(|r| r[2] == "Chatbot für das Bürgeramt" && r[4] == "Nutzen" && r[0] == "Gruppe Süd")
        .expect("aggregate row");
    // Mean of 5 and 4, a real number (exported by LibreOffice unformatted).
    assert_eq!(row[8], "4.5");
    assert_eq!(row[6], "2");
    let machbarkeit = agg
        .iter()
        .find(|r| {
            r[2] == "Chatbot für das Bürgeramt" && r[4] == "Machbarkeit" && r[0] == "Gruppe Süd"
        })
        .expect("aggregate row");
    assert_eq!(machbarkeit[7], "1", "one \"weiß nicht\"");
    let cards = sheet("Karten");
    assert_contains_all(
        &cards
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
        &f.texts[..8],
        "XLSX cards",
    );
    // Each card with its author's Kommune; a strategy names its SWOT cards by field.
    let strategy = cards
        .iter()
        .find(|r| r[3] == "Gemeinsames Rechenzentrum")
        .expect("strategy row");
    assert_eq!(strategy[5], "Musterstadt");
    assert_eq!(
        strategy[6],
        "S: Erfahrene IT-Abteilung; O: Förderprogramm des Landes"
    );
    let sketches = sheet("Projektskizzen");
    let idea = sketches
        .iter()
        .find(|r| r[1] == "Chatbot für das Bürgeramt" && r[0] == "Gruppe Süd")
        .expect("sketch row");
    for item in [
        "Bürgerkommunikation",
        "Zweckverband",
        "DSFA nötig, AV-Vertrag mit dem Anbieter",
    ] {
        assert!(idea.iter().any(|c| c == item), "{item} in {idea:?}");
    }
    for label in [
        "KI-Einsatzfeld",
        "Vorgesehene Kooperationsform",
        "Rechtsgrundlage / Datenschutz",
        "Möglicherweise Hochrisiko-KI-System (KI-VO, Anhang III)",
    ] {
        assert!(sketches[0].iter().any(|c| c == label), "{label}");
    }
    let attendance = sheet("Teilnahme");
    assert_eq!(
        attendance,
        [["Teilnehmende Kommunen"], ["Musterstadt"], ["Übungsdorf"]]
            .map(|r| r.map(String::from).to_vec())
    );
}

#[tokio::test]
async fn csv_is_for_german_excel_and_neutralises_formulas() {
    let f = Fixture::start().await;
    // Names switched on: these checks read single ratings by name.
    f.settings(json!({ "single_ratings": "named" })).await;
    let (status, headers, bytes) = f.moderator_get("/api/moderation/export/csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM");
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    assert!(text.contains("\r\n"));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, export::csv::HEADER);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    // 3 ideas × 4 criteria, then the cards of the other methods, each row
    // naming its method and section.
    let ki_title = app::domain::templates::KI.title;
    assert_eq!(rows.iter().filter(|r| r[21] == ki_title).count(), 12);
    // Per group: its ranking first, then its other methods' cards.
    for group in ["Gruppe Nord", "Gruppe Süd"] {
        let last_ki = rows
            .iter()
            .rposition(|r| r[0] == group && r[21] == ki_title);
        let first_card = rows.iter().position(|r| r[0] == group && r[21] != ki_title);
        if let (Some(ki), Some(card)) = (last_ki, first_card) {
            assert!(ki < card, "{group}: the ranking before the cards");
        }
    }
    let strength = rows
        .iter()
        .find(|r| r[2] == "Erfahrene IT-Abteilung")
        .expect("the SWOT card");
    assert_eq!(
        [&strength[0], &strength[21], &strength[22]],
        ["Gruppe Süd", "SWOT-Analyse", "Stärken"]
    );
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "live formula cell {cell:?}"
            );
        }
    }
    assert!(rows.iter().any(|r| r[2] == format!("'{FORMULA}")));
    let nutzen = rows
        .iter()
        .find(|r| r[0] == "Gruppe Süd" && r[2] == "Chatbot für das Bürgeramt" && r[4] == "Nutzen")
        .expect("row");
    assert_eq!(
        nutzen[8], "4,5",
        "decimal comma, one place (the engine's rounding rule)"
    );
    assert_eq!(nutzen[20], "Anna Müller: 5 | Jörg Weiß: 4");
    // The idea's category and intended form of cooperation, and the flags' one wording.
    assert_eq!(nutzen[18], "Bürgerkommunikation");
    assert_eq!(nutzen[19], "Zweckverband");
    assert_eq!(
        header[17],
        "Möglicherweise Hochrisiko-KI-System (KI-VO, Anhang III)"
    );
    let machbarkeit = rows
        .iter()
        .find(|r| {
            r[0] == "Gruppe Süd" && r[2] == "Chatbot für das Bürgeramt" && r[4] == "Machbarkeit"
        })
        .expect("row");
    assert_eq!(machbarkeit[7], "1");
    assert!(machbarkeit[20].contains("Jörg Weiß: weiß nicht"));

    // LibreOffice reads it as text too, not as a formula.
    let dir = tempfile::tempdir().expect("dir");
    let path = write_temp(dir.path(), "ratings.csv", &bytes);
    let files = common::soffice(
        &path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false",
    );
    let round = std::fs::read_to_string(&files[0]).expect("csv");
    assert!(round.contains("HYPERLINK"), "{round}");
}

#[tokio::test]
async fn markdown_of_a_group_is_escaped_and_has_only_that_group() {
    let f = Fixture::start().await;
    let (status, headers, bytes) = f
        .moderator_get(&format!("/api/moderation/export/md?group={}", f.sued))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"IKZ-Workshop-Digitalisierung_2026-11-25_Gruppe-Sued.md\""
    );
    let md = String::from_utf8(bytes).expect("UTF-8");
    assert!(
        md.starts_with("# IKZ-Workshop Digitalisierung – Gruppe Süd"),
        "{md}"
    );
    assert!(md.contains("Straßenmeisterei fragen"));
    // The formula is neutralised, and its bare link shown as code, not linked.
    assert!(md.contains(r#"\=HYPERLINK("`http://x";"y`")"#), "{md}");
    assert!(!md.contains(NORD_CARD));
    // The group's own attendance only; every other item of the spec is there.
    for item in FIDELITY {
        let item = item.replace("Musterstadt, Übungsdorf", "Musterstadt");
        assert!(flat(&md).contains(&item), "Markdown lacks {item}");
    }
}

/// Replaces ids that an import renews (groups, people) by stable names.
fn canonical(mut file: Value) -> Value {
    let mut people: BTreeMap<String, String> = BTreeMap::new();
    let mut name = |id: &str| -> String {
        let n = people.len();
        people
            .entry(id.to_owned())
            .or_insert_with(|| format!("P{n}"))
            .clone()
    };
    let groups = file["groups"].as_array_mut().expect("groups");
    for (i, group) in groups.iter_mut().enumerate() {
        group["id"] = json!(format!("G{i}"));
        let boards = group["boards"].as_object_mut().expect("boards");
        for board in boards.values_mut() {
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
            if let Some(dots) = board.get_mut("dots").and_then(Value::as_object_mut) {
                for voters in dots.values_mut() {
                    let old = voters.as_object().expect("voters").clone();
                    let renamed: serde_json::Map<String, Value> =
                        old.into_iter().map(|(k, v)| (name(&k), v)).collect();
                    *voters = Value::Object(renamed);
                }
            }
            if let Some(ratings) = board.get_mut("ratings").and_then(Value::as_object_mut) {
                for raters in ratings.values_mut() {
                    let old = raters.as_object().expect("raters").clone();
                    let renamed: serde_json::Map<String, Value> =
                        old.into_iter().map(|(k, v)| (name(&k), v)).collect();
                    *raters = Value::Object(renamed);
                }
            }
        }
    }
    file
}

#[tokio::test]
async fn json_export_import_export_round_trip_keeps_everything_but_ids() {
    let f = Fixture::start().await;
    // Settings other than the defaults, so the round trip has to carry them.
    f.settings(json!({ "ratings_revealed": true, "methods": ["ki", "canvas", "swot"] }))
        .await;
    let (status, headers, first) = f.moderator_get("/api/moderation/export/json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    let first_json: Value = serde_json::from_slice(&first).expect("JSON");
    assert_eq!(first_json["schema"], "ikz-werkstatt/session");
    assert_eq!(first_json["version"], json::VERSION);

    let (status, created) = post_raw(&f.api, "/api/import", first.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let new_token = created["moderator_token"].as_str().expect("token");
    let new_code = created["join_code"].as_str().expect("code");
    assert_ne!(new_code, f.code);
    assert_eq!(new_token.len(), 64);
    let (status, _, second) = raw_get(
        &f.api,
        "/api/moderation/export/json",
        &[("authorization", &format!("Bearer {new_token}"))],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let second_json: Value = serde_json::from_slice(&second).expect("JSON");
    // New ids for groups and people...
    assert_ne!(
        second_json["groups"][0]["id"],
        first_json["groups"][0]["id"]
    );
    // ...and otherwise the same session: every card, link, sketch, rating, setting.
    assert_eq!(
        canonical(second_json.clone()),
        canonical(first_json.clone())
    );
    assert_eq!(second_json["settings"]["ratings_revealed"], true);
    assert_eq!(second_json["settings"]["dots_per_person"], 3);
    assert_eq!(
        second_json["groups"][0]["boards"]["canvas"]["dots"]["c3"]
            .as_object()
            .expect("dots")
            .values()
            .map(|n| n.as_u64().expect("n"))
            .sum::<u64>(),
        3
    );
    assert_eq!(
        second_json["settings"]["methods"],
        json!(["ki", "canvas", "swot"])
    );
    assert_eq!(
        second_json["groups"][0]["boards"]["ki"]["ratings"]["i1"]
            .as_object()
            .expect("raters")
            .len(),
        2
    );

    // The imported session works like any other: a participant can join it.
    let groups = f
        .api
        .send("GET", &format!("/api/join/{new_code}"), None, &[])
        .await;
    assert_eq!(groups.json["groups"][0]["name"], "Gruppe Süd");
    assert_eq!(f.api.db.store.session_count().await.expect("count"), 2);
}

#[tokio::test]
async fn hostile_imports_are_refused_with_a_typed_error_and_write_nothing() {
    let f = Fixture::start().await;
    let (_, _, bytes) = f.moderator_get("/api/moderation/export/json").await;
    let good: Value = serde_json::from_slice(&bytes).expect("JSON");
    let sessions = || async { f.api.db.store.session_count().await.expect("count") };
    assert_eq!(sessions().await, 1);

    let variant = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        serde_json::to_vec(&v).expect("bytes")
    };
    let deep = {
        let mut s = String::from(r#"{"schema":"ikz-werkstatt/session","version":1,"x":"#);
        s.push_str(&"[".repeat(200));
        s.push_str(&"]".repeat(200));
        s.push('}');
        s.into_bytes()
    };
    let huge = {
        let mut v = good.clone();
        v["session"]["title"] = json!("x".repeat(export::json::MAX_BYTES));
        serde_json::to_vec(&v).expect("bytes")
    };
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "not JSON",
            b"{nope".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_malformed",
        ),
        (
            "other schema",
            variant(&|v| v["schema"] = json!("miro/board")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_malformed",
        ),
        (
            "a version this server does not know",
            variant(&|v| v["version"] = json!(json::VERSION + 1)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_version",
        ),
        (
            "too large",
            huge,
            StatusCode::PAYLOAD_TOO_LARGE,
            "import_too_large",
        ),
        (
            "too deep",
            deep,
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_too_deep",
        ),
        (
            "duplicate group ids",
            variant(&|v| {
                let id = v["groups"][0]["id"].clone();
                v["groups"][1]["id"] = id;
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "duplicate card ids",
            variant(&|v| {
                v["groups"][0]["boards"]["canvas"]["sections"]["ziel"][0]["id"] = json!("c1");
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "unknown template",
            variant(&|v| {
                v["groups"][0]["boards"]["miro"] = json!({ "sections": {} });
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "unknown section",
            variant(&|v| {
                v["groups"][0]["boards"]["canvas"]["sections"]["hacks"] = json!([]);
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "score out of range",
            variant(&|v| {
                let r = &mut v["groups"][0]["boards"]["ki"]["ratings"]["i1"];
                let key = r
                    .as_object()
                    .expect("raters")
                    .keys()
                    .next()
                    .expect("rater")
                    .clone();
                r[&key]["values"]["nutzen"] = json!({ "given": { "Score": 9 } });
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_malformed",
        ),
        (
            "hidden rating",
            variant(&|v| {
                let r = &mut v["groups"][0]["boards"]["ki"]["ratings"]["i1"];
                let key = r
                    .as_object()
                    .expect("raters")
                    .keys()
                    .next()
                    .expect("rater")
                    .clone();
                r[&key]["values"]["nutzen"] = json!("hidden");
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "rating of a canvas card",
            variant(&|v| {
                v["groups"][0]["boards"]["canvas"]["ratings"] = json!({
                    "c1": { "x": { "name": "Eve", "values": { "nutzen": { "given": { "Score": 5 } } } } }
                });
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "card text over the limit",
            variant(&|v| {
                v["groups"][0]["boards"]["canvas"]["sections"]["problem"][0]["text"] =
                    json!("ä".repeat(1001));
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "link the template forbids",
            variant(&|v| {
                v["groups"][0]["boards"]["swot"]["sections"]["staerken"][0]["links"] =
                    json!(["so1"]);
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "more dots than anyone can have",
            variant(&|v| {
                v["groups"][0]["boards"]["canvas"]["dots"] = json!({ "c3": { "x": 25 } });
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "dots on a card that does not exist",
            variant(&|v| {
                v["groups"][0]["boards"]["canvas"]["dots"] = json!({ "nope": { "x": 1 } });
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "unknown method",
            variant(&|v| v["settings"]["methods"] = json!(["miro"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
        (
            "unknown field",
            variant(&|v| v["admin"] = json!(true)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_malformed",
        ),
        (
            "too many groups",
            variant(&|v| {
                let g = v["groups"][0].clone();
                let groups = v["groups"].as_array_mut().expect("groups");
                for i in 0..25 {
                    let mut g = g.clone();
                    g["id"] = json!(format!("g{i}"));
                    g["name"] = json!(format!("Gruppe {i}"));
                    groups.push(g);
                }
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_invalid",
        ),
    ];
    for (what, body, status, code) in cases {
        let (got, reply) = post_raw(&f.api, "/api/import", body).await;
        assert_eq!(got, status, "{what}: {reply}");
        assert_eq!(reply["code"], code, "{what}: {reply}");
        assert!(
            reply["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: German message"
        );
        assert_eq!(sessions().await, 1, "{what} wrote something");
    }
}

#[tokio::test]
async fn participants_download_only_their_own_group_and_no_hidden_ratings() {
    let f = Fixture::start().await;
    // Names switched on: these checks read single ratings by name.
    f.settings(json!({ "single_ratings": "named" })).await;
    let path = |fmt: &str| format!("/api/sessions/{}/export/{fmt}", f.code);
    // Jörg (Gruppe Süd) with his cookie: his group's results only.
    let (status, headers, bytes) = raw_get(&f.api, &path("md"), &[("cookie", &f.joerg)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-disposition"]
        .to_str()
        .expect("ascii")
        .contains("_Gruppe-Sued.md"));
    let md = String::from_utf8(bytes).expect("UTF-8");
    assert!(md.contains("Straßenmeisterei fragen"));
    assert!(!md.contains("Nordkarte"), "another group's card leaked");
    // Ratings are still hidden (blind rating): only his own values are there.
    assert!(
        md.contains("| Jörg Weiß | 4 | weiß nicht | 2 | 4 |"),
        "{md}"
    );
    assert!(
        !md.contains("Anna Müller |"),
        "a hidden rating leaked: {md}"
    );
    let (_, _, json_bytes) = raw_get(&f.api, &path("json"), &[("cookie", &f.joerg)]).await;
    let json_text = String::from_utf8(json_bytes).expect("UTF-8");
    assert!(!json_text.contains("\"Score\": 5"), "Anna's 5 leaked");
    assert!(!json_text.contains("hidden"));

    // Without a cookie, with a foreign one, or on the moderator's route: refused.
    let (status, _, _) = raw_get(&f.api, &path("pdf"), &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = raw_get(
        &f.api,
        "/api/moderation/export/pdf",
        &[("cookie", &f.joerg)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = raw_get(
        &f.api,
        "/api/moderation/export/pdf",
        &[("authorization", &format!("Bearer {}", "0".repeat(64)))],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Unknown format or group: typed 404s.
    let (status, _, body) = raw_get(&f.api, &path("exe"), &[("cookie", &f.joerg)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&body).contains("unknown_format"));
    let (status, _, _) = f
        .moderator_get("/api/moderation/export/pdf?group=not-a-group")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The moderator sees both groups and all ratings.
    let (_, _, md) = f.moderator_get("/api/moderation/export/md").await;
    let md = String::from_utf8(md).expect("UTF-8");
    assert!(md.contains("Nordkarte") && md.contains("| Anna Müller | 5 | 4 | 3 | 5 |"));
}

/// Every export as text: PDF through pdftotext, DOCX and ODT through
/// LibreOffice, XLSX as LibreOffice's CSV of every sheet, the rest as is.
async fn every_export_as_text(f: &Fixture, dir: &Path) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for format in ["pdf", "docx", "odt", "md", "xlsx", "csv", "json"] {
        let (status, _, bytes) = f
            .moderator_get(&format!("/api/moderation/export/{format}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{format}");
        let path = write_temp(dir, &format!("export.{format}"), &bytes);
        let text = match format {
            "pdf" => pdftotext(&path),
            "docx" | "odt" => soffice_text(&path),
            "xlsx" => common::soffice(
                &path,
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            )
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("sheet"))
            .collect::<Vec<_>>()
            .join("\n"),
            _ => String::from_utf8(bytes).expect("UTF-8"),
        };
        out.push((format, text));
    }
    out
}

/// domain.md "Personal data in results", for each position of the
/// moderator's switch and every format: documents show single ratings
/// only when switched on; sheets are pseudonymous unless names are on.
#[tokio::test]
async fn the_single_ratings_switch_decides_who_is_named_in_every_export() {
    let f = Fixture::start().await;
    f.settings(json!({ "ratings_revealed": true })).await;
    let dir = tempfile::tempdir().expect("dir");
    let names = ["Anna", "Müller", "Jörg", "Bea Nordmann"];
    for switch in ["off", "pseudonymous", "named"] {
        let settings = f.settings(json!({ "single_ratings": switch })).await;
        assert_eq!(settings["single_ratings"], switch);
        for (format, text) in every_export_as_text(&f, dir.path()).await {
            let text = flat(&text);
            let document = matches!(format, "pdf" | "docx" | "odt" | "md");
            let named = names
                .iter()
                .filter(|n| text.contains(*n))
                .collect::<Vec<_>>();
            let what = format!("{switch} {format}");
            // Anna's ratings of the chatbot, with or without her name.
            let anna_5 = text.contains("Anna Müller 5")
                || text.contains("Anna Müller: 5")
                || text.contains("Anna Müller | 5")
                || text.contains("Anna Müller,5");
            match (switch, document) {
                ("off", true) => {
                    assert!(named.is_empty(), "{what} names {named:?}");
                    assert!(!text.contains("Person 1"), "{what}: single ratings shown");
                    assert!(
                        !text.contains("Bewertung von"),
                        "{what}: single ratings shown"
                    );
                    assert!(
                        text.contains("Einzelbewertungen sind in Dokumenten ausgeblendet"),
                        "{what}"
                    );
                }
                ("pseudonymous", true) | ("off" | "pseudonymous", false) => {
                    assert!(named.is_empty(), "{what} names {named:?}");
                    assert!(
                        text.contains("Person 1") && text.contains("Person 2"),
                        "{what}"
                    );
                    assert!(!anna_5, "{what}");
                }
                ("named", _) => {
                    assert!(
                        text.contains("Anna Müller") && text.contains("Jörg"),
                        "{what}"
                    );
                    assert!(!text.contains("Person 1"), "{what}");
                }
                _ => unreachable!(),
            }
            if document && switch != "off" {
                assert!(text.contains("Bewertung von"), "{what}");
            }
            // Kommunen are not personal data: listed (the CSV has ratings only).
            if format != "csv" {
                assert!(text.contains("Übungsdorf"), "{what}");
            }
        }
    }
}

#[tokio::test]
async fn a_pseudonymous_json_export_imports_with_the_same_figures() {
    let f = Fixture::start().await;
    let (_, _, bytes) = f.moderator_get("/api/moderation/export/json").await;
    let file: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(file["settings"]["single_ratings"], "off");
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    assert!(
        !text.contains("Anna") && text.contains("person-001"),
        "{text}"
    );
    let (status, created) = post_raw(&f.api, "/api/import", bytes).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let token = created["moderator_token"].as_str().expect("token");
    let get = |format: &'static str| {
        let api = &f.api;
        let bearer = format!("Bearer {token}");
        async move {
            let (_, _, bytes) = raw_get(
                api,
                &format!("/api/moderation/export/{format}"),
                &[("authorization", &bearer)],
            )
            .await;
            String::from_utf8(bytes).expect("UTF-8")
        }
    };
    // The imported session computes the same figures and numbers the same
    // people; only the group ids are new.
    let (_, _, csv) = f.moderator_get("/api/moderation/export/csv").await;
    assert_eq!(get("csv").await, String::from_utf8(csv).expect("UTF-8"));
    let again: Value = serde_json::from_str(&get("json").await).expect("JSON");
    assert_eq!(canonical(again), canonical(file));
}

#[test]
fn an_old_json_with_pseudonymous_exports_and_fixed_weights_still_imports() {
    let old = include_bytes!("fixtures/session-v1-old-weights.json");
    let mut n = 0;
    let plan = export::json::parse(old, || {
        n += 1;
        format!("id-{n:03}")
    })
    .expect("the old file imports");
    use app::domain::evaluation::criteria::{KOOPERATIONSEIGNUNG, NUTZEN};
    use app::domain::evaluation::redaction::SingleRatings;
    assert_eq!(plan.settings.weights.get(&NUTZEN), 2.0);
    assert_eq!(plan.settings.weights.get(&KOOPERATIONSEIGNUNG), 0.5);
    assert_eq!(plan.settings.single_ratings, SingleRatings::Pseudonymous);
    assert_eq!(plan.groups.len(), 1);
    // Written again, the weights are keyed by criterion and read back alike.
    let file = export::json::SettingsPart {
        weights: export::json::FileWeights::of(
            &plan.settings.weights,
            app::domain::evaluation::KI_CRITERIA,
        ),
        ..serde_json::from_value(json!({
            "methods": ["ki"], "weights": {}, "ratings_revealed": false
        }))
        .expect("settings part")
    };
    let written = serde_json::to_value(&file).expect("JSON");
    assert_eq!(written["weights"]["nutzen"], 2.0);
    assert_eq!(written["weights"]["kooperationsform"], 0.5);
    assert!(written.get("pseudonymous_exports").is_none());
}

/// "zusammenführen": the moderator merges two ideas of different titles in
/// the joint ranking; the merge is stored with the settings (it survives a
/// restart on the same database) and every export shows it; undo removes it.
#[tokio::test]
async fn a_merge_in_the_joint_ranking_persists_shows_in_exports_and_undoes() {
    let f = Fixture::start().await;
    f.settings(json!({ "ratings_revealed": true })).await;
    let nord_ki = format!("{}:ki", f.nord);
    let mut bea = f.ws(&f.bea.clone()).await;
    bea.op(
        &nord_ki,
        json!({ "type": "add_card", "card_id": "n3", "section": "ideen", "text": "KI-Assistent im Bürgerbüro" }),
    )
    .await;
    bea.op(&nord_ki, rate("n3", "nutzen", json!({ "Score": 1 })))
        .await;
    let md = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8");
    let (_, _, before) = f.moderator_get("/api/moderation/export/md").await;
    assert!(!md(before).contains("zusammengeführt"));

    let merge = json!({ "merge": { "action": "merge",
        "first": "KI-Assistent im Bürgerbüro", "second": "chatbot für das bürgeramt" } });
    let settings = f.settings(merge).await;
    assert_eq!(
        settings["merges"],
        json!([{ "first": "chatbot für das bürgeramt", "second": "ki-assistent im bürgerbüro" }])
    );
    let merged_title =
        "Chatbot für das Bürgeramt (zusammengeführt mit: KI-Assistent im Bürgerbüro)";
    let (_, _, after) = f.moderator_get("/api/moderation/export/md").await;
    let after = md(after);
    assert!(after.contains(merged_title), "{after}");
    // Süd's chatbot: Nutzen means 4.5 (Süd) and, Nord's chatbot 3 and its
    // assistant 1 averaged, 2 (Nord): joint (4.5 + 2) / 2 = 3.25 -> "3,3".
    let row = after
        .lines()
        .find(|l| l.contains(merged_title))
        .expect("the merged row");
    assert!(row.contains("| 3,3 |"), "{row}");
    for format in ["pdf", "docx"] {
        let dir = tempfile::tempdir().expect("dir");
        let (_, _, bytes) = f
            .moderator_get(&format!("/api/moderation/export/{format}"))
            .await;
        let path = write_temp(dir.path(), &format!("m.{format}"), &bytes);
        let text = flat(&if format == "pdf" {
            pdftotext(&path)
        } else {
            soffice_text(&path)
        });
        assert!(text.contains("zusammengeführt mit"), "{format}: {text}");
    }

    // A restart: a new server on the same database file reads the merge back.
    let url = format!("sqlite://{}", f.api.db.dir.path().join("test.db").display());
    let reopened = server::store::Store::open(&url).await.expect("reopen");
    let restarted = common::Api {
        router: server::api_router(common::state(reopened)),
        db: common::test_db().await,
    };
    let (_, _, again) = raw_get(
        &restarted,
        "/api/moderation/export/md",
        &[("authorization", &f.bearer())],
    )
    .await;
    assert!(md(again).contains(merged_title));

    // Undo (the titles in either order): two rows again.
    let undo = json!({ "merge": { "action": "undo",
        "first": "Chatbot für das Bürgeramt", "second": "KI-Assistent im Bürgerbüro" } });
    assert_eq!(f.settings(undo).await["merges"], json!([]));
    let (_, _, undone) = f.moderator_get("/api/moderation/export/md").await;
    let undone = md(undone);
    assert!(!undone.contains("zusammengeführt"), "{undone}");
    // Refused: the same idea twice, and a merge without a title.
    for bad in [
        json!({ "merge": { "action": "merge", "first": "Chatbot", "second": " chatbot!" } }),
        json!({ "merge": { "action": "merge", "first": "Chatbot", "second": "…" } }),
    ] {
        let reply = f
            .api
            .send(
                "PATCH",
                "/api/moderation/settings",
                Some(bad),
                &[("authorization", &f.bearer())],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.json
        );
    }
}

async fn post_typed(
    api: &common::Api,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut request = axum::http::Request::builder()
        .method("POST")
        .uri("/api/import");
    if let Some(t) = content_type {
        request = request.header("content-type", t);
    }
    let request = request.body(axum::body::Body::from(body)).expect("request");
    let response = api.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn imports_refuse_unknown_fields_forbidden_characters_floods_and_non_json_posts() {
    let f = Fixture::start().await;
    let (_, _, bytes) = f.moderator_get("/api/moderation/export/json").await;
    let good: Value = serde_json::from_slice(&bytes).expect("JSON");
    let sessions = || async { f.api.db.store.session_count().await.expect("count") };
    let variant = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        serde_json::to_vec(&v).expect("bytes")
    };
    let first_rater = |v: &mut Value| -> String {
        v["groups"][0]["boards"]["ki"]["ratings"]["i1"]
            .as_object()
            .expect("raters")
            .keys()
            .next()
            .expect("rater")
            .clone()
    };
    let unknown = |at: &'static str| -> Box<dyn Fn(&mut Value)> {
        Box::new(move |v: &mut Value| {
            let ki = &mut v["groups"][0]["boards"]["ki"];
            match at {
                "board" => ki["owner"] = json!("x"),
                "card" => ki["sections"]["ideen"][0]["script"] = json!("x"),
                "author" => ki["sections"]["ideen"][0]["author"]["admin"] = json!(true),
                "sketch" => ki["sections"]["ideen"][0]["sketch"]["budget"] = json!(1),
                "seqs" => ki["sections"]["ideen"][0]["seqs"] = json!({}),
                _ => unreachable!(),
            }
        })
    };
    let mut cases: Vec<(String, Vec<u8>, &str)> = Vec::new();
    for at in ["board", "card", "author", "sketch", "seqs"] {
        cases.push((
            format!("unknown field in {at}"),
            variant(&*unknown(at)),
            "import_malformed",
        ));
    }
    // Weights are keyed by criterion: a key no criterion has is refused by
    // the settings' validation (the same as the API's).
    cases.push((
        "weight of an unknown criterion".into(),
        variant(&|v| v["settings"]["weights"]["bonus"] = json!(1.0)),
        "import_invalid",
    ));
    cases.push((
        "unknown field in a rater".into(),
        variant(&|v| {
            let key = first_rater(v);
            v["groups"][0]["boards"]["ki"]["ratings"]["i1"][&key]["weight"] = json!(9);
        }),
        "import_malformed",
    ));
    cases.push((
        "U+FFFF in a card".into(),
        variant(&|v| {
            v["groups"][0]["boards"]["canvas"]["sections"]["problem"][0]["text"] =
                json!("Karte\u{FFFF}");
        }),
        "import_invalid",
    ));
    cases.push((
        "control character in a sketch".into(),
        variant(&|v| {
            v["groups"][0]["boards"]["ki"]["sections"]["ideen"][0]["sketch"]["daten"] =
                json!("a\u{1}b");
        }),
        "import_invalid",
    ));
    cases.push((
        "bidi override in a group name".into(),
        variant(&|v| v["groups"][0]["name"] = json!("Gruppe \u{202E}düS")),
        "import_invalid",
    ));
    cases.push((
        "rater name of zero-width characters".into(),
        variant(&|v| {
            let key = first_rater(v);
            v["groups"][0]["boards"]["ki"]["ratings"]["i1"][&key]["name"] =
                json!("\u{200B}\u{200D}");
        }),
        "import_invalid",
    ));
    // 60,000 raters on one idea: refused once the 201st is met.
    let flood = variant(&|v| {
        let raters: serde_json::Map<String, Value> = (0..60_000)
            .map(|n| {
                let rater = json!({ "name": format!("P{n}"), "values": { "nutzen": { "given": { "Score": 3 } } } });
                (format!("r{n}"), rater)
            })
            .collect();
        v["groups"][0]["boards"]["ki"]["ratings"]["i1"] = Value::Object(raters);
    });
    assert!(flood.len() < export::json::MAX_BYTES, "{}", flood.len());
    cases.push(("60,000 raters on one idea".into(), flood, "import_invalid"));
    for (what, body, code) in cases {
        let (got, reply) = post_typed(&f.api, Some("application/json"), body).await;
        assert_eq!(got, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {reply}");
        assert_eq!(reply["code"], code, "{what}: {reply}");
        assert_eq!(sessions().await, 1, "{what} wrote something");
    }
    // Only as application/json: a cross-site form can send text/plain
    // without a CORS preflight.
    let body = serde_json::to_vec(&good).expect("bytes");
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let (got, reply) = post_typed(&f.api, content_type, body.clone()).await;
        assert_eq!(
            got,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}: {reply}"
        );
        assert_eq!(reply["code"], "import_not_json");
        assert!(reply["message"]
            .as_str()
            .is_some_and(|m| m.contains("JSON")));
        assert_eq!(sessions().await, 1);
    }
    let (got, reply) = post_typed(&f.api, Some("application/json; charset=utf-8"), body).await;
    assert_eq!(got, StatusCode::CREATED, "{reply}");
}

#[test]
fn a_text_with_characters_xml_forbids_still_exports_files_libreoffice_opens() {
    use app::api::GroupView;
    use app::domain::board::BoardState;
    use app::domain::settings::SessionSettings;
    // Stored before the input rule: U+FFFF, U+FFFE and a C0 control in a
    // card, a sketch, an author's and a rater's name.
    let stored = json!({
        "sections": {
            "ideen": [{
                "id": "i1", "text": "Chatbot\u{FFFF} für das Bürgeramt",
                "author": { "id": "p1", "name": "Anna\u{FFFE} Müller" },
                "sketch": { "daten": "Statistik\u{1}daten" }
            }]
        },
        "ratings": { "i1": { "p1": { "name": "Anna\u{FFFE} Müller",
            "values": { "nutzen": { "given": { "Score": 4 } } } } } }
    });
    let board: BoardState = serde_json::from_value(stored).expect("board");
    let groups = vec![GroupView {
        id: "g".into(),
        name: "Gruppe\u{FFFF} Süd".into(),
        colour: "#8ecae6".into(),
        member_count: 1,
    }];
    let boards = BTreeMap::from([("g:ki".to_owned(), board)]);
    let facts = SessionFacts {
        title: "Workshop\u{FFFF} Digitalisierung",
        date: "2026-11-25",
        place: "Rathaus",
    };
    // Names on: the check below reads the rater's name in the sheets.
    let settings = SessionSettings {
        single_ratings: app::domain::evaluation::redaction::SingleRatings::Named,
        ..SessionSettings::default()
    };
    let data = ExportData::build(facts, &settings, &groups, &boards, None, false).expect("data");
    let dir = tempfile::tempdir().expect("dir");
    for format in [export::Format::Docx, export::Format::Odt] {
        let bytes = format.render(&data).expect("render");
        let path = write_temp(dir.path(), &format!("ffff.{}", format.extension()), &bytes);
        let text = flat(&soffice_text(&path));
        for needle in [
            "Chatbot für das Bürgeramt",
            "Statistikdaten",
            "Workshop Digitalisierung",
            "Gruppe Süd",
        ] {
            assert!(text.contains(needle), "{format:?} lacks {needle}: {text}");
        }
    }
    // The spreadsheet too (every sheet to CSV).
    let bytes = export::Format::Xlsx.render(&data).expect("xlsx");
    let path = write_temp(dir.path(), "ffff.xlsx", &bytes);
    let files = common::soffice(
        &path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
    );
    let all: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("csv"))
        .collect();
    assert!(
        all.contains("Anna Müller") && all.contains("Chatbot für das Bürgeramt"),
        "{all}"
    );
}
