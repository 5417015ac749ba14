//! One session, every place its evaluation is shown: the view model that
//! the screen and the projector render (`domain::evaluation::view`), and
//! the CSV, XLSX, PDF and DOCX exports, fetched over a real socket from a
//! real server on a real SQLite file and read back by independent readers
//! (the `csv` crate, LibreOffice, `pdftotext`, the DOCX's `document.xml`).
//! Ranks, scores, rounding, quadrants, notes and the chart model must be the
//! same everywhere; the expected figures are computed by hand below.

mod common;

use app::domain::evaluation::rounding::{mean_text, rank_text, score_text};
use app::domain::evaluation::view::{evaluate_group, evaluate_joint, GroupEvaluation};
use app::domain::evaluation::Weights;
use app::domain::templates::KI;
use common::live::*;
use serde_json::{json, Value};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One row as every consumer must show it.
struct Expected {
    title: &'static str,
    rank: &'static str,
    score: &'static str,
    /// Nutzen, Machbarkeit, Datenverfügbarkeit, Kooperationseignung
    means: [&'static str; 4],
    quadrant: &'static str,
    notes: &'static str,
}

// Group A, four raters (0 = "weiß nicht"):
// Alpha: Nutzen 4,3,3,3 -> 13/4 = 3,25 -> "3,3" (half away from zero);
//        Machbarkeit 4,4,4,3 -> 3,75 -> "3,8"; Datenverfügbarkeit all
//        "weiß nicht" -> drops out; Kooperationseignung 5,5,5,5.
//        Nutzwert (0,5625 + 0,6875 + 1) / 3 = 0,75 -> 75.
// Beta (one rater): 5, 4, 3, 2 -> (1 + 0,75 + 0,5 + 0,25) / 4 = 62,5 -> "63".
// Gamma (one rater): 5, 2, 2, 5 -> (1 + 0,25 + 0,25 + 1) / 4 = 62,5 -> "63",
//        a tie with Beta: both rank 2; Nutzen high, Machbarkeit low ->
//        Vorbereiten; Datenverfügbarkeit 2 < 3 -> "Daten schaffen".
// Delta: nobody rated it -> no rank, no score.
const EXPECTED: [Expected; 4] = [
    Expected {
        title: "Alpha",
        rank: "1",
        score: "75",
        means: ["3,3", "3,8", "–", "5,0"],
        quadrant: "Umsetzen (Pilot)",
        notes: "Nutzwert unvollständig: ohne Datenverfügbarkeit",
    },
    Expected {
        title: "Beta",
        rank: "2",
        score: "63",
        means: ["5,0", "4,0", "3,0", "2,0"],
        quadrant: "Umsetzen (Pilot)",
        notes: "",
    },
    Expected {
        title: "Gamma",
        rank: "2",
        score: "63",
        means: ["5,0", "2,0", "2,0", "5,0"],
        quadrant: "Vorbereiten (Lösung und Know-how aufbauen)",
        notes: "Daten schaffen",
    },
    Expected {
        title: "Delta",
        rank: "–",
        score: "–",
        means: ["–", "–", "–", "–"],
        quadrant: "–",
        notes: "",
    },
];

const CRITERIA: [&str; 4] = [
    "nutzen",
    "machbarkeit",
    "datenverfuegbarkeit",
    "kooperationsform",
];

fn rate(card: &str, criterion: &str, value: u8) -> Value {
    let given = if value == 0 {
        json!("DontKnow")
    } else {
        json!({ "Score": value })
    };
    json!({ "type": "rate", "card_id": card, "criterion": criterion, "value": { "given": given } })
}

struct Session {
    server: Server,
    id: String,
    secret: String,
    group_a: String,
    group_b: String,
}

/// Seeds the session through the live channel, one participant at a time.
async fn session() -> Session {
    let server = Server::start().await;
    let (id, secret) = server.moderated_session("RATEKX").await;
    let group_a = server.group(&id, "Gruppe A").await;
    let group_b = server.group(&id, "Gruppe B").await;
    let board_a = format!("{group_a}:ki");
    let board_b = format!("{group_b}:ki");
    let mut n = 0;
    let mut op_id = || {
        n += 1;
        format!("op-{n}")
    };

    let first = server.person(&id, "RATEKX", &group_a, "Person Eins").await;
    let mut c = server.connect(&first).await;
    c.sync(0).await;
    for (card, title) in [
        ("a", "Alpha"),
        ("b", "Beta"),
        ("g", "Gamma"),
        ("d", "Delta"),
    ] {
        let add = json!({ "type": "add_card", "card_id": card, "section": "ideen", "text": title });
        c.commit(&op_id(), &board_a, add).await;
        c.expect("op").await;
    }
    for (card, values) in [("b", [5, 4, 3, 2]), ("g", [5, 2, 2, 5])] {
        for (criterion, v) in CRITERIA.iter().zip(values) {
            c.commit(&op_id(), &board_a, rate(card, criterion, v)).await;
            c.expect("op").await;
        }
    }
    drop(c);
    // Alpha by four raters, one column per person.
    let alpha = [[4, 4, 0, 5], [3, 4, 0, 5], [3, 4, 0, 5], [3, 3, 0, 5]];
    for (i, values) in alpha.iter().enumerate() {
        let who = server
            .person(&id, "RATEKX", &group_a, &format!("Rater {i}"))
            .await;
        let mut c = server.connect(&who).await;
        c.sync(0).await;
        for (criterion, v) in CRITERIA.iter().zip(values) {
            c.commit(&op_id(), &board_a, rate("a", criterion, *v)).await;
            c.expect("op").await;
        }
    }
    // Group B names Alpha again (other spelling) and rates it 1 everywhere.
    let b = server.person(&id, "RATEKX", &group_b, "Person B").await;
    let mut c = server.connect(&b).await;
    c.sync(0).await;
    let add = json!({ "type": "add_card", "card_id": "x", "section": "ideen", "text": "  alpha " });
    c.commit(&op_id(), &board_b, add).await;
    c.expect("op").await;
    for criterion in CRITERIA {
        c.commit(&op_id(), &board_b, rate("x", criterion, 1)).await;
        c.expect("op").await;
    }
    drop(c);
    let (status, _) = server
        .moderate(
            &secret,
            "PATCH",
            "/api/moderation/settings",
            json!({ "ratings_revealed": true }),
        )
        .await;
    assert_eq!(status, 200);
    Session {
        server,
        id,
        secret,
        group_a,
        group_b,
    }
}

/// The group's evaluation as the screen computes it, from the board on disk.
async fn view_model(s: &Session, group: &str) -> GroupEvaluation {
    let room = s.server.on_disk(&s.id).await;
    let state = board(&room, &format!("{group}:ki")).expect("KI board stored");
    evaluate_group(state, &KI, &Weights::default()).expect("valid weights")
}

/// An export's bytes, fetched over a real socket with the moderator's secret.
async fn download(s: &Session, format: &str) -> Vec<u8> {
    common::live::download(s.server.addr, &s.secret, format).await
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The cells of a ranking-table row, in the exports' column order.
fn table_row(e: &Expected) -> String {
    let mut cells = vec![e.rank, e.title, e.score];
    cells.extend(e.means);
    cells.push(e.quadrant);
    cells.join(" ")
}

#[tokio::test]
async fn every_consumer_shows_the_same_ranks_scores_rounding_quadrants_and_chart() {
    let s = session().await;

    // --- The view model of the screen ---
    let a = view_model(&s, &s.group_a).await;
    assert_eq!(a.ideas.len(), EXPECTED.len());
    for (idea, e) in a.ideas.iter().zip(&EXPECTED) {
        assert_eq!(idea.row.title, e.title);
        assert_eq!(rank_text(idea.rank), e.rank, "{}", e.title);
        assert_eq!(score_text(idea.row.score.score), e.score, "{}", e.title);
        let means: Vec<String> = idea.row.score.means().into_iter().map(mean_text).collect();
        assert_eq!(means, e.means, "{}", e.title);
        assert_eq!(
            idea.placement.quadrant.map_or("–", |q| q.label_de()),
            e.quadrant
        );
        let mut notes: Vec<String> = Vec::new();
        if idea.placement.data_badge {
            notes.push("Daten schaffen".into());
        }
        notes.extend(idea.incomplete.clone());
        assert_eq!(notes.join("; "), e.notes, "{}", e.title);
    }
    // The chart: Delta has no bubble; Alpha's size is missing (dashed,
    // smallest), its colour Kooperationseignung 5; Gamma has the badge.
    let chart = a.chart.clone().expect("KI chart");
    let bubbles: Vec<_> = chart
        .bubbles
        .iter()
        .map(|b| {
            (
                b.title.as_str(),
                b.label.as_str(),
                b.size_missing,
                b.fill,
                b.data_badge,
                b.quadrant_label.as_str(),
            )
        })
        .collect();
    assert_eq!(
        bubbles,
        [
            ("Alpha", "1", true, "#4575b4", false, "Umsetzen (Pilot)"),
            ("Beta", "2", false, "#fc8d59", false, "Umsetzen (Pilot)"),
            (
                "Gamma",
                "2",
                false,
                "#4575b4",
                true,
                "Vorbereiten (Lösung und Know-how aufbauen)"
            ),
        ]
    );
    // Alpha: Nutzen 3,25 at (3,25 − 1) / 4 = 0,5625 of the height.
    assert!((chart.bubbles[0].y - 0.5625).abs() < 1e-12);

    // --- The projector's joint ranking ---
    // Alpha in both groups: per criterion the mean of the group means:
    // Nutzen (3,25 + 1) / 2 = 2,125 -> "2,1"; Machbarkeit (3,75 + 1) / 2 =
    // 2,375 -> "2,4"; Datenverfügbarkeit only B: 1; Kooperationseignung 3.
    // Nutzwert (0,28125 + 0,34375 + 0 + 0,5) / 4 = 28,125 -> "28".
    let b = view_model(&s, &s.group_b).await;
    let joint = evaluate_joint(
        KI.criteria,
        [("A", &a), ("B", &b)],
        &Weights::default(),
        &[],
    )
    .expect("valid");
    let joint_rows: Vec<(String, String, Vec<String>)> = joint
        .ideas
        .iter()
        .map(|i| {
            (
                rank_text(i.row.rank),
                score_text(i.row.score),
                i.row
                    .criterion_means
                    .iter()
                    .map(|m| mean_text(*m))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        joint_rows[..],
        [
            (
                "1".into(),
                "63".into(),
                ["5,0", "4,0", "3,0", "2,0"].map(String::from).to_vec()
            ),
            (
                "1".into(),
                "63".into(),
                ["5,0", "2,0", "2,0", "5,0"].map(String::from).to_vec()
            ),
            (
                "3".into(),
                "28".into(),
                ["2,1", "2,4", "1,0", "3,0"].map(String::from).to_vec()
            ),
            (
                "–".into(),
                "–".into(),
                ["–", "–", "–", "–"].map(String::from).to_vec()
            ),
        ]
    );

    let dir = tempfile::tempdir().expect("dir");

    // --- CSV (the csv crate) ---
    let csv_bytes = download(&s, "csv").await;
    let csv_text = String::from_utf8(csv_bytes).expect("UTF-8");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .filter(|r: &Vec<String>| r[col("Gruppe")] == "Gruppe A")
        .collect();
    assert_eq!(rows.len(), EXPECTED.len() * 4);
    for (chunk, e) in rows.chunks(4).zip(&EXPECTED) {
        for (row, mean) in chunk.iter().zip(e.means) {
            assert_eq!(row[col("Idee")], e.title);
            assert_eq!(row[col("Rang")], e.rank, "CSV rank of {}", e.title);
            assert_eq!(row[col("Nutzwert")], e.score, "CSV score of {}", e.title);
            assert_eq!(row[col("Mittelwert")], mean, "CSV mean of {}", e.title);
            assert_eq!(
                row[col("Quadrant")],
                e.quadrant,
                "CSV quadrant of {}",
                e.title
            );
            assert_eq!(row[col("Hinweise")], e.notes, "CSV notes of {}", e.title);
        }
    }

    // --- XLSX (LibreOffice converts the Auswertung sheet to CSV) ---
    let xlsx = write(dir.path(), "session.xlsx", &download(&s, "xlsx").await);
    let sheets = common::soffice(
        &xlsx,
        "csv:Text - txt - csv (StarCalc):59,34,76,1,,1031,false,true,true,false,false,-1",
    );
    let auswertung = sheets
        .iter()
        .find(|p| p.to_string_lossy().contains("Auswertung"))
        .expect("Auswertung sheet");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(auswertung)
        .expect("sheet");
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .filter(|r: &Vec<String>| r[0] == "Gruppe A")
        .collect();
    assert_eq!(rows.len(), EXPECTED.len() * 4);
    for (chunk, e) in rows.chunks(4).zip(&EXPECTED) {
        for (row, mean) in chunk.iter().zip(e.means) {
            // As the cell displays it (number format with the engine's
            // places; LibreOffice writes a decimal point, an office in
            // German shows a comma); empty where there is no figure.
            let blank_dash = |cell: &str| {
                if cell.is_empty() {
                    "–".to_owned()
                } else {
                    cell.replace('.', ",")
                }
            };
            assert_eq!(blank_dash(&row[1]), e.rank, "XLSX rank of {}", e.title);
            assert_eq!(blank_dash(&row[3]), e.score, "XLSX score of {}", e.title);
            assert_eq!(blank_dash(&row[8]), mean, "XLSX mean of {}", e.title);
            assert_eq!(row[14], e.quadrant, "XLSX quadrant of {}", e.title);
            assert_eq!(row[15], e.notes, "XLSX notes of {}", e.title);
        }
    }

    // --- PDF (pdftotext) ---
    let pdf = write(dir.path(), "session.pdf", &download(&s, "pdf").await);
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext installed (poppler-utils)");
    assert!(out.status.success());
    let pdf_text = flat(&String::from_utf8(out.stdout).expect("UTF-8"));
    for e in &EXPECTED {
        let row = table_row(e);
        assert!(pdf_text.contains(&row), "PDF lacks the row {row:?}");
        if !e.notes.is_empty() {
            assert!(pdf_text.contains(e.notes), "PDF lacks {:?}", e.notes);
        }
    }
    assert!(
        pdf_text.contains("3 alpha 28 2,1 2,4 1,0 3,0")
            || pdf_text.contains("3 Alpha 28 2,1 2,4 1,0 3,0")
    );
    for legend in [
        &chart.legend.x_axis,
        &chart.legend.colour,
        &chart.legend.badge,
    ] {
        assert!(
            pdf_text.contains(&flat(legend)),
            "PDF lacks the legend {legend:?}"
        );
    }

    // --- DOCX (word/document.xml) ---
    let docx = download(&s, "docx").await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("DOCX is a zip");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .expect("XML text");
    let docx_text = flat(&docx_cells(&xml));
    for e in &EXPECTED {
        let row = table_row(e);
        assert!(docx_text.contains(&row), "DOCX lacks the row {row:?}");
    }
}

/// The text of every `<w:t>` run, paragraphs and cells separated by spaces.
fn docx_cells(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<w:t") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let tag = &rest[..open_end];
        rest = &rest[open_end + 1..];
        if tag.ends_with('/') || !(tag == "<w:t" || tag.starts_with("<w:t ")) {
            continue;
        }
        let Some(end) = rest.find("</w:t>") else {
            break;
        };
        out.push_str(
            &rest[..end]
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\""),
        );
        out.push(' ');
        rest = &rest[end..];
    }
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write file");
    path
}
