//! The document model shared by PDF, DOCX, ODT and Markdown: headings,
//! paragraphs, lists, tables, boxed grids (canvas, SWOT) and the portfolio
//! chart. Built once from [`ExportData`], so every format says the same.

use super::{de_number, german_long_date, mean_text, notes, rank_text, rating_text};
use super::{score_text, sd_text, ExportData, GroupData, Idea};
use app::domain::board::{BoardState, IdeaFlag, Sketch, SketchField};
use app::domain::evaluation::portfolio::ChartModel;
use app::domain::evaluation::redaction::{people_in, Medium};
use app::domain::evaluation::{DISSENS_RANGE, DISSENS_STD_DEV};
use app::domain::kivo::KivoResult;
use app::domain::settings::SessionSettings;
use app::domain::sketch::{EINSATZFELD_LABEL, KOOPERATIONSFORM_LABEL};
use app::domain::templates::rest::GridBox;
use app::domain::templates::{self, Template};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// A smaller hint line (prompt questions, notes on the numbers).
    Note {
        text: String,
    },
    List {
        items: Vec<String>,
    },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        /// Relative column widths (sum does not matter).
        widths: Vec<u32>,
    },
    /// Labelled boxes of items, `columns` per row (a canvas, the SWOT grid).
    Grid {
        columns: u8,
        cells: Vec<GridCell>,
    },
    /// The KI portfolio as the engine models it (positions, sizes, colours,
    /// quadrant labels, legend words): every format draws only this.
    Portfolio {
        chart: Box<ChartModel>,
        /// The chart's text alternative ([`portfolio_table`]).
        table: TableContent,
    },
    PageBreak,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridCell {
    pub title: String,
    pub hint: String,
    pub items: Vec<String>,
    /// Where the cell sits when the grid is drawn with spans (the BMC's
    /// 9 boxes, from the template's layout); `None`: the next free cell.
    /// Formats that print a grid as a table ignore it and keep the order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<GridPlace>,
}

/// A cell's column and row (from 0) and how many columns and rows it spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GridPlace {
    pub x: u8,
    pub y: u8,
    pub colspan: u8,
    pub rowspan: u8,
}

impl From<&GridBox> for GridPlace {
    fn from(b: &GridBox) -> Self {
        GridPlace {
            x: b.column,
            y: b.row,
            colspan: b.width,
            rowspan: b.height,
        }
    }
}

/// A table's content for formats that draw a grid or the chart as a table:
/// header, rows and relative column widths.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableContent {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub widths: Vec<u32>,
}

/// A grid as a two-column table: field (label and prompt) and its cards.
pub fn grid_table(cells: &[GridCell]) -> TableContent {
    let rows = cells
        .iter()
        .map(|c| {
            let items = if c.items.is_empty() {
                "(keine Karten)".to_owned()
            } else {
                c.items
                    .iter()
                    .map(|i| format!("• {i}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            vec![format!("{}\n{}", c.title, c.hint), items]
        })
        .collect();
    TableContent {
        header: vec!["Feld".to_owned(), "Karten".to_owned()],
        rows,
        widths: vec![30, 70],
    }
}

/// The portfolio as a table, where the format cannot draw the chart.
pub fn portfolio_table(chart: &ChartModel) -> TableContent {
    let rows = chart
        .bubbles
        .iter()
        .map(|b| {
            vec![
                b.label.clone(),
                b.title.clone(),
                mean_text(Some(b.machbarkeit)),
                mean_text(Some(b.nutzen)),
                b.quadrant_label.to_owned(),
            ]
        })
        .collect();
    TableContent {
        header: vec![
            "Rang".to_owned(),
            "Idee".to_owned(),
            chart.legend.x_axis.trim_end_matches(" →").to_owned(),
            chart.legend.y_axis.trim_end_matches(" →").to_owned(),
            "Quadrant".to_owned(),
        ],
        rows,
        widths: vec![6, 40, 14, 14, 26],
    }
}

/// Facts for page headers and the title.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meta {
    pub title: String,
    pub date: String,
    pub place: String,
    pub scope: String,
}

pub fn meta(data: &ExportData) -> Meta {
    Meta {
        title: data.title.clone(),
        date: german_long_date(&data.date),
        place: data.place.clone(),
        scope: data.scope_label(),
    }
}

pub fn document(data: &ExportData) -> Vec<Block> {
    if data.profile == super::Profile::Antragsentwurf {
        return super::antrag::document(data);
    }
    let mut out = Vec::new();
    let m = meta(data);
    out.push(Block::Heading {
        level: 1,
        text: format!("{} – {}", m.title, m.scope),
    });
    out.push(Block::Paragraph {
        text: format!("{} · {}", m.date, m.place),
    });
    if !data.kommunen.is_empty() {
        out.push(Block::Paragraph {
            text: format!("Teilnehmende Kommunen: {}", data.kommunen.join(", ")),
        });
    }
    if data.ratings_hidden {
        out.push(Block::Note {
            text: "Die Bewertungen sind noch verdeckt: dieses Dokument enthält nur Ihre eigenen Bewertungen.".into(),
        });
    }
    if data.whole_session && data.groups.len() > 1 {
        joint_ranking(data, &mut out);
    }
    for (i, group) in data.groups.iter().enumerate() {
        if i > 0 || (data.whole_session && data.groups.len() > 1) {
            out.push(Block::PageBreak);
        }
        if data.whole_session {
            out.push(Block::Heading {
                level: 1,
                text: format!("Arbeitsgruppe {}", group.name),
            });
        }
        for method in &data.settings.methods {
            let Some(template) = templates::find(method) else {
                continue;
            };
            let board = group.boards.get(template.key).cloned().unwrap_or_default();
            match template.key {
                "canvas" => canvas(template, &board, &mut out),
                "swot" => swot(template, &board, &data.settings, &mut out),
                "ki" => ki(data, group, &mut out),
                _ => super::further::method(
                    template,
                    &board,
                    &group.boards,
                    &data.kommunen,
                    &crate::retention::today(),
                    &mut out,
                ),
            }
        }
        agreements_and_tasks(data, group, &mut out);
    }
    if let Some(since) = &data.since {
        changes_since(data, since, &mut out);
    }
    out
}

/// The Ergebnisprotokoll's lists across the group's methods (antrag.md
/// §5): the cards marked "Vereinbarung" and every task (Was / Wer / Bis
/// wann); each only where there is one.
fn agreements_and_tasks(data: &ExportData, group: &GroupData, out: &mut Vec<Block>) {
    use app::domain::protokoll::{agreements, tasks};
    let methods = &data.settings.methods;
    let agreed = agreements(methods, &group.boards);
    if !agreed.is_empty() {
        out.push(Block::Heading {
            level: 2,
            text: "Vereinbarungen und Beschlüsse".into(),
        });
        out.push(Block::List {
            items: agreed
                .into_iter()
                .map(|a| format!("{} ({} · {})", a.text, a.method, a.section))
                .collect(),
        });
    }
    let tasks = tasks(methods, &group.boards);
    if !tasks.is_empty() {
        out.push(Block::Heading {
            level: 2,
            text: "Aufgaben".into(),
        });
        out.push(Block::Table {
            header: ["Was", "Wer", "Bis wann", "Status", "Methode"]
                .map(str::to_owned)
                .to_vec(),
            rows: tasks
                .into_iter()
                .map(|t| {
                    vec![
                        t.row.label,
                        t.row.wer,
                        t.row
                            .due
                            .as_deref()
                            .map_or_else(String::new, app::domain::session::german_date),
                        t.row.status.label_de().to_owned(),
                        t.method.to_owned(),
                    ]
                })
                .collect(),
            widths: vec![40, 18, 14, 12, 16],
        });
    }
}

/// "Veränderungen seit dem letzten Stand": per board the cards added,
/// changed and removed, statuses that moved, items now overdue and rated
/// sections whose mean moved (antrag.md §5, the Ergebnisprotokoll).
fn changes_since(data: &ExportData, since: &super::Since, out: &mut Vec<Block>) {
    use app::domain::stand::ChangeKind;
    out.push(Block::PageBreak);
    out.push(Block::Heading {
        level: 1,
        text: format!(
            "Veränderungen seit dem Stand „{}“ vom {}",
            super::clean(&since.stand.label),
            super::german_long_date(&since.stand.date)
        ),
    });
    if since.diff.boards.is_empty() {
        out.push(Block::Paragraph {
            text: "Seitdem hat sich nichts geändert.".into(),
        });
        return;
    }
    for board in &since.diff.boards {
        let Some(template) = templates::find(&board.template) else {
            continue;
        };
        let group = data
            .groups
            .iter()
            .find(|g| g.id == board.group_id)
            .map_or(board.group_id.as_str(), |g| g.name.as_str());
        out.push(Block::Heading {
            level: 2,
            text: format!("{} · {}", super::clean(group), template.title),
        });
        let section = |id: &str| {
            template
                .section(id)
                .map_or(id, |s| s.document_label())
                .to_owned()
        };
        let mut rows: Vec<Vec<String>> = board
            .changes
            .iter()
            .map(|c| {
                let text = match (&c.before, &c.after) {
                    (Some(before), Some(after)) => format!("{before} → {after}"),
                    (Some(text), None) | (None, Some(text)) => text.clone(),
                    (None, None) => String::new(),
                };
                let kind = match c.kind {
                    ChangeKind::Added => "neu",
                    ChangeKind::Changed => "geändert",
                    ChangeKind::Removed => "entfernt",
                };
                vec![kind.to_owned(), section(&c.section), super::clean(&text)]
            })
            .collect();
        rows.extend(board.transitions.iter().map(|t| {
            vec![
                "Status".to_owned(),
                section(&t.section),
                format!(
                    "{}: {} → {}",
                    super::clean(&t.card),
                    t.from.label_de(),
                    t.to.label_de()
                ),
            ]
        }));
        rows.extend(board.overdue.iter().map(|o| {
            vec![
                "jetzt überfällig".to_owned(),
                section(&o.section),
                format!(
                    "{} (bis {})",
                    super::clean(&o.card),
                    german_long_date(&o.due)
                ),
            ]
        }));
        rows.extend(board.trends.iter().map(|t| {
            vec![
                "Bewertung".to_owned(),
                section(&t.section),
                format!(
                    "Mittelwert {} → {}",
                    super::mean_text(t.before),
                    super::mean_text(t.after)
                ),
            ]
        }));
        out.push(Block::Table {
            header: ["Art", "Feld", "Inhalt"].map(str::to_owned).to_vec(),
            rows,
            widths: vec![3, 5, 12],
        });
    }
}

fn cell(template: &Template, board: &BoardState, section: &str) -> GridCell {
    let s = template.section(section);
    GridCell {
        title: s.map(|s| s.document_label()).unwrap_or(section).to_owned(),
        hint: s.map(|s| s.prompt).unwrap_or_default().to_owned(),
        items: items(board, section),
        place: None,
    }
}

fn items(board: &BoardState, section: &str) -> Vec<String> {
    board
        .cards(section)
        .iter()
        .map(|c| with_dots(board, &c.id, super::clean(&c.text)))
        .collect()
}

/// The card text with its dot votes, if any: "Text (3 Punkte)".
fn with_dots(board: &BoardState, card_id: &str, text: String) -> String {
    match board.dots_on_card(card_id) {
        0 => text,
        n => format!("{text} ({})", dots_text(n)),
    }
}

/// "1 Punkt", "3 Punkte".
pub(super) fn dots_text(n: u32) -> String {
    if n == 1 {
        "1 Punkt".to_owned()
    } else {
        format!("{n} Punkte")
    }
}

fn canvas(template: &Template, board: &BoardState, out: &mut Vec<Block>) {
    out.push(Block::Heading {
        level: 2,
        text: template.title.to_owned(),
    });
    out.push(Block::Grid {
        columns: 2,
        cells: template
            .sections
            .iter()
            .map(|s| cell(template, board, s.id))
            .collect(),
    });
}

fn swot(template: &Template, board: &BoardState, settings: &SessionSettings, out: &mut Vec<Block>) {
    out.push(Block::Heading {
        level: 2,
        text: template.title.to_owned(),
    });
    if let Some(header) = template.header {
        let subject = super::clean(&board.subject);
        let subject = if subject.trim().is_empty() {
            "–".to_owned()
        } else {
            subject
        };
        out.push(Block::Paragraph {
            text: format!("{}: {subject}", header.label),
        });
    }
    out.push(Block::Grid {
        columns: 2,
        cells: ["staerken", "schwaechen", "chancen", "risiken"]
            .iter()
            .map(|s| cell(template, board, s))
            .collect(),
    });
    let strategies: Vec<&str> = ["so", "st", "wo", "wt"]
        .into_iter()
        .filter(|s| {
            template
                .section(s)
                .is_some_and(|s| settings.section_shown(s, board))
        })
        .collect();
    if strategies.is_empty() {
        return;
    }
    out.push(Block::Heading {
        level: 3,
        text: "TOWS-Strategien".into(),
    });
    let linked = |section: &str| -> Vec<String> {
        board
            .cards(section)
            .iter()
            .map(|c| {
                let sources: Vec<String> = c
                    .links
                    .iter()
                    .filter_map(|l| {
                        board.find(l).map(|(field, _, t)| {
                            template.card_name_short(field, &super::clean(&t.text))
                        })
                    })
                    .collect();
                let text = with_dots(board, &c.id, super::clean(&c.text));
                if sources.is_empty() {
                    text
                } else {
                    format!("{text} (bezieht sich auf: {})", sources.join("; "))
                }
            })
            .collect()
    };
    out.push(Block::Grid {
        columns: 2,
        cells: strategies
            .iter()
            .map(|s| GridCell {
                items: linked(s),
                ..cell(template, board, s)
            })
            .collect(),
    });
}

/// The flags and the engine's notes of an idea, for the "Hinweise" column.
fn flags(idea: &Idea) -> String {
    let mut f: Vec<String> = IdeaFlag::ALL
        .into_iter()
        .filter(|f| idea.sketch.flag(*f))
        .map(|f| f.label_de().to_owned())
        .collect();
    if let Some(kivo) = &idea.kivo {
        f.push(format!(
            "KI-VO-Vorprüfung: {}",
            app::domain::kivo::summary_of(kivo)
        ));
    }
    f.extend(notes(idea));
    f.join(", ")
}

/// The KI-VO- und Datenschutz-Vorprüfung of an idea as (field, content)
/// rows: the class line, then reasons, to-dos and open questions, the note
/// and its source; the same rows for every idea (with "–"), so the XLSX
/// sheet's columns line up.
pub fn kivo_rows(kivo: Option<&KivoResult>) -> Vec<[String; 2]> {
    let list = |items: &[String]| {
        if items.is_empty() {
            "–".to_owned()
        } else {
            items.join("; ")
        }
    };
    let summary = kivo.map_or_else(
        || app::domain::kivo::NOT_CHECKED.to_owned(),
        app::domain::kivo::summary_of,
    );
    let data = app::domain::kivo::data();
    let (gruende, todos, offen) = kivo.map_or_else(
        || ("–".to_owned(), "–".to_owned(), "–".to_owned()),
        |k| (list(&k.gruende), list(&k.todos), list(&k.offen)),
    );
    vec![
        ["KI-VO-Vorprüfung".to_owned(), summary],
        ["KI-VO: Gründe".to_owned(), gruende],
        ["KI-VO: Zu tun".to_owned(), todos],
        ["KI-VO: Noch offen".to_owned(), offen],
        [
            "KI-VO: Hinweis".to_owned(),
            format!(
                "{}. Quelle: {}. Stand: {}.",
                data.hinweis, data.quelle, data.stand
            ),
        ],
    ]
}

/// The Projektskizze as (field, content) rows in the order of domain.md §3,
/// then the two flags.
pub fn sketch_rows(sketch: &Sketch) -> Vec<[String; 2]> {
    let or_dash = |text: &str| {
        if text.trim().is_empty() {
            "–".to_owned()
        } else {
            text.to_owned()
        }
    };
    let text_row = |f: SketchField| [f.label_de().to_owned(), or_dash(sketch.field(f))];
    let mut rows = vec![[
        EINSATZFELD_LABEL.to_owned(),
        or_dash(sketch.einsatzfeld.map_or("", |f| f.label_de())),
    ]];
    rows.extend(
        [
            SketchField::Beschreibung,
            SketchField::Kommunen,
            SketchField::Daten,
        ]
        .map(text_row),
    );
    rows.push([
        KOOPERATIONSFORM_LABEL.to_owned(),
        or_dash(sketch.kooperationsform.map_or("", |k| k.label_de())),
    ]);
    rows.extend([SketchField::Rechtsgrundlage, SketchField::NaechsteSchritte].map(text_row));
    let yes_no = |b: bool| if b { "ja" } else { "nein" }.to_owned();
    rows.extend(IdeaFlag::ALL.map(|f| [f.label_de().to_owned(), yes_no(sketch.flag(f))]));
    rows
}

fn ki(data: &ExportData, group: &GroupData, out: &mut Vec<Block>) {
    out.push(Block::Heading {
        level: 2,
        text: templates::KI.title.to_owned(),
    });
    if group.ideas.is_empty() {
        out.push(Block::Note {
            text: "(keine Ideen)".into(),
        });
        return;
    }
    let w = &data.settings.weights;
    let criteria = group.criteria;
    out.push(Block::Note {
        text: format!(
            "Nutzwert 0–100 = Σ Gewicht × (Mittelwert − 1) / 4 × 100. Gewichte: {}. \
             „weiß nicht“ wird gezählt, aber nicht gewertet. Dissens: Standardabweichung \
             (Stichprobe) über {} oder Spannweite ab {} Punkten.",
            criteria
                .iter()
                .map(|c| format!("{} {}", c.label, de_number(w.get(c), 1)))
                .collect::<Vec<_>>()
                .join(", "),
            de_number(DISSENS_STD_DEV, 1),
            DISSENS_RANGE
        ),
    });
    out.push(Block::Heading {
        level: 3,
        text: "Rangfolge".into(),
    });
    let mut header = vec!["Rang".to_owned(), "Idee".to_owned(), "Nutzwert".to_owned()];
    header.extend(criteria.iter().map(|c| format!("{} Ø", c.label)));
    header.push("Quadrant".into());
    header.push("Bewertende".into());
    header.push("Hinweise".into());
    let mut widths = vec![5, 22, 8];
    widths.extend(criteria.iter().map(|_| 9));
    widths.extend([14, 8, 16]);
    out.push(Block::Table {
        header,
        rows: group
            .ideas
            .iter()
            .map(|idea| {
                let mut row = vec![
                    rank_text(idea.rank),
                    idea.title.clone(),
                    score_text(idea.score.score),
                ];
                row.extend(idea.score.per_criterion.iter().map(|a| mean_text(a.mean)));
                row.push(
                    idea.placement
                        .quadrant
                        .map_or("–", |q| q.label_de())
                        .to_owned(),
                );
                row.push(idea.raters.to_string());
                row.push(flags(idea));
                row
            })
            .collect(),
        widths,
    });
    if let Some(chart) = &group.chart {
        out.push(Block::Heading {
            level: 3,
            text: "Portfolio".into(),
        });
        portfolio(chart, out);
    }
    out.push(Block::Heading {
        level: 3,
        text: "Kennzahlen je Kriterium".into(),
    });
    let mut rows = Vec::new();
    for idea in &group.ideas {
        for (c, a) in criteria.iter().zip(&idea.score.per_criterion) {
            rows.push(vec![
                idea.title.clone(),
                c.label.to_owned(),
                a.n.to_string(),
                a.dont_know.to_string(),
                mean_text(a.mean),
                mean_text(a.median),
                a.range_text(),
                sd_text(a.std_dev),
                a.consensus.map(|c| c.label_de()).unwrap_or("–").to_owned(),
            ]);
        }
    }
    out.push(Block::Table {
        header: [
            "Idee",
            "Kriterium",
            "n",
            "weiß nicht",
            "Mittelwert",
            "Median",
            "Min–Max",
            "Std.-Abw.",
            "Konsens",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        widths: vec![24, 16, 5, 8, 9, 8, 8, 8, 10],
    });
    out.push(Block::Heading {
        level: 3,
        text: "Projektskizzen".into(),
    });
    if !people_in(data.settings.single_ratings, Medium::Document).single_ratings {
        out.push(Block::Note {
            text: "Einzelbewertungen sind in Dokumenten ausgeblendet (Einstellung der \
                   Moderation); die Kennzahlen oben fassen sie zusammen."
                .into(),
        });
    }
    for idea in &group.ideas {
        out.push(Block::Heading {
            level: 4,
            text: match idea.rank {
                Some(rank) => format!("{rank}. {}", idea.title),
                None => idea.title.clone(),
            },
        });
        let mut rows: Vec<Vec<String>> = sketch_rows(&idea.sketch)
            .into_iter()
            .chain(kivo_rows(idea.kivo.as_ref()))
            .map(Vec::from)
            .collect();
        rows.push(vec!["Nutzwert".into(), score_text(idea.score.score)]);
        if let Some(note) = &idea.incomplete {
            rows.push(vec!["Hinweis".into(), note.clone()]);
        }
        out.push(Block::Table {
            header: vec!["Feld".into(), "Inhalt".into()],
            rows,
            widths: vec![28, 72],
        });
        if !idea.ratings.is_empty() {
            let mut header = vec!["Bewertung von".to_owned()];
            header.extend(criteria.iter().map(|c| c.label.to_owned()));
            out.push(Block::Table {
                header,
                rows: idea
                    .ratings
                    .iter()
                    .map(|r| {
                        let mut row = vec![r.label.clone()];
                        row.extend(r.values.iter().map(|v| rating_text(*v)));
                        row
                    })
                    .collect(),
                widths: std::iter::once(28)
                    .chain(criteria.iter().map(|_| 18))
                    .collect(),
            });
        }
    }
}

fn joint_ranking(data: &ExportData, out: &mut Vec<Block>) {
    let Some(joint) = data.joint.as_ref().filter(|j| !j.ideas.is_empty()) else {
        return;
    };
    out.push(Block::Heading {
        level: 2,
        text: "Gemeinsame Rangfolge aller Gruppen".into(),
    });
    out.push(Block::Note {
        text: "Jede Gruppe zählt gleich: je Kriterium der Mittelwert der Gruppenmittelwerte."
            .into(),
    });
    let mut header = vec!["Rang".to_owned(), "Idee".to_owned(), "Nutzwert".to_owned()];
    header.extend(joint.criteria.iter().map(|c| format!("{} Ø", c.label)));
    header.push("Quadrant".into());
    header.push("Gruppen".into());
    header.push("Hinweise".into());
    let mut widths = vec![5, 22, 8];
    widths.extend(joint.criteria.iter().map(|_| 9));
    widths.extend([14, 12, 14]);
    out.push(Block::Table {
        header,
        rows: joint
            .ideas
            .iter()
            .map(|idea| {
                let r = &idea.row;
                let mut row = vec![rank_text(r.rank), r.title_de(), score_text(r.score)];
                row.extend(r.criterion_means.iter().map(|m| mean_text(*m)));
                row.push(
                    idea.placement
                        .quadrant
                        .map_or("–", |q| q.label_de())
                        .to_owned(),
                );
                row.push(r.groups.join(", "));
                let mut notes = Vec::new();
                if idea.placement.data_badge {
                    notes.push(app::domain::evaluation::portfolio::DATEN_SCHAFFEN.to_owned());
                }
                notes.extend(idea.incomplete.clone());
                row.push(notes.join(", "));
                row
            })
            .collect(),
        widths,
    });
    if let Some(chart) = &joint.chart {
        portfolio(chart, out);
    }
}

/// The chart with its table, or a note while no idea can be placed.
fn portfolio(chart: &ChartModel, out: &mut Vec<Block>) {
    if chart.bubbles.is_empty() {
        out.push(Block::Note {
            text: "(noch keine Bewertungen für Nutzen und Machbarkeit)".into(),
        });
    } else {
        out.push(Block::Portfolio {
            chart: Box::new(chart.clone()),
            table: portfolio_table(chart),
        });
    }
}
