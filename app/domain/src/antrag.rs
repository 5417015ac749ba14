//! The Antragsentwurf of a group (antrag.md §1): the eleven chapters of a
//! funding application drawn from the group's boards, each with the fields
//! it requires, the Antragsreife (filled ÷ required, per chapter and in
//! all) and the list of gaps. The one place that decides what goes into
//! which chapter and what counts as filled: the documents render this
//! model, the screen shows its Antragsreife.
//!
//! Only aggregates: an idea's Nutzwert appears only when at least
//! [`MIN_RATERS`] people rated it and the ratings are not hidden; never a
//! single rating. The boards' prompts are not repeated.

use crate::board::{BoardState, Card, Mark};
use crate::evaluation::rounding::score_text;
use crate::evaluation::score::Weights;
use crate::figures::{phases, process, ustg, zielmatrix};
use crate::rating;
use crate::templates::further::{PHASEN, PROZESS, ZIELE};
use crate::templates::rest::USTG;
use crate::templates::{CANVAS, KI, KOSTEN, LOTSE, SWOT};
use serde::Serialize;
use std::collections::BTreeMap;

/// An idea's Nutzwert goes into the draft only with this many raters: one
/// or two ratings would be single people's ratings.
pub const MIN_RATERS: usize = 3;

/// What the draft is drawn from.
pub struct DraftInput<'a> {
    /// The group's name.
    pub group: &'a str,
    /// The Kommunen of the group's members (and card authors), sorted.
    pub kommunen: &'a [String],
    /// Template key → the group's board.
    pub boards: &'a BTreeMap<String, BoardState>,
    pub weights: &'a Weights,
    /// Others' ratings are withheld (blind rating): no Nutzwert at all.
    pub ratings_hidden: bool,
}

/// A piece of a chapter.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Part {
    /// A labelled paragraph.
    Text { label: String, text: String },
    /// A labelled list.
    Items { label: String, items: Vec<String> },
    /// A table, header first.
    Table {
        label: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// "[noch zu ergänzen: label]"
    Gap { label: String },
}

impl Part {
    /// The placeholder text of a gap.
    pub fn gap_text(label: &str) -> String {
        format!("[noch zu ergänzen: {label}]")
    }
}

/// A field a chapter requires, and whether the workshop filled it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub label: String,
    pub filled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chapter {
    /// 1 ..= 11
    pub number: u8,
    pub title: &'static str,
    pub parts: Vec<Part>,
    pub required: Vec<Requirement>,
}

impl Chapter {
    /// Filled ÷ required in whole percent (100 without requirements).
    pub fn reife(&self) -> u8 {
        percent(
            self.required.iter().filter(|r| r.filled).count(),
            self.required.len(),
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Draft {
    pub chapters: Vec<Chapter>,
    /// The idea the draft describes (marked "für den Antrag").
    pub idea: Option<String>,
}

impl Draft {
    /// Filled ÷ required over all chapters, in whole percent.
    pub fn reife(&self) -> u8 {
        let all = self.chapters.iter().flat_map(|c| &c.required);
        let (filled, total) = all.fold((0, 0), |(f, t), r| (f + usize::from(r.filled), t + 1));
        percent(filled, total)
    }

    /// Every unfilled requirement as "Kapitel n: label".
    pub fn gaps(&self) -> Vec<String> {
        self.chapters
            .iter()
            .flat_map(|c| {
                c.required
                    .iter()
                    .filter(|r| !r.filled)
                    .map(move |r| format!("Kapitel {}: {}", c.number, r.label))
            })
            .collect()
    }
}

fn percent(part: usize, whole: usize) -> u8 {
    if whole == 0 {
        return 100;
    }
    // Rounded down, so 100 % means every field is filled.
    u8::try_from(part * 100 / whole).unwrap_or(100)
}

/// The chapter titles, in order (the usual structure of a grant
/// application; one Kommune files for the alliance).
pub const CHAPTERS: [&str; 11] = [
    "Antragstellende Kommune und Verbundpartner",
    "Ausgangslage",
    "Ziele und Kennzahlen",
    "Vorhaben",
    "Rechts- und Organisationsform",
    "Kosten- und Finanzierungsplan",
    "Zeit- und Arbeitsplan",
    "Risiken und Gegenmaßnahmen",
    "Erfolgsfaktoren und Beteiligung",
    "Verstetigung und Übertragbarkeit",
    "Anlagen-Checkliste",
];

/// The idea marked "für den Antrag" on the group's KI board.
pub fn chosen_idea(boards: &BTreeMap<String, BoardState>) -> Option<&Card> {
    let board = boards.get(KI.key)?;
    KI.sections
        .iter()
        .filter(|s| s.ideas)
        .flat_map(|s| board.cards(s.id))
        .find(|c| c.marks.contains(&Mark::Antrag))
}

/// The texts of a section's cards (blank ones left out).
fn texts(boards: &BTreeMap<String, BoardState>, template: &str, section: &str) -> Vec<String> {
    boards.get(template).map_or_else(Vec::new, |b| {
        b.cards(section)
            .iter()
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

/// A chapter being written: parts and requirements side by side.
struct Writer {
    parts: Vec<Part>,
    required: Vec<Requirement>,
}

impl Writer {
    fn new() -> Self {
        Writer {
            parts: Vec::new(),
            required: Vec::new(),
        }
    }

    /// A required list: its items, or a gap.
    fn required_items(&mut self, label: &str, items: Vec<String>) {
        let filled = !items.is_empty();
        self.required.push(Requirement {
            label: label.to_owned(),
            filled,
        });
        self.optional_items(label, items, true);
    }

    /// A list shown only when it has items (`gap`: a gap otherwise).
    fn optional_items(&mut self, label: &str, items: Vec<String>, gap: bool) {
        if !items.is_empty() {
            self.parts.push(Part::Items {
                label: label.to_owned(),
                items,
            });
        } else if gap {
            self.gap(label);
        }
    }

    fn required_text(&mut self, label: &str, text: Option<String>) {
        self.required.push(Requirement {
            label: label.to_owned(),
            filled: text.is_some(),
        });
        match text {
            Some(text) => self.parts.push(Part::Text {
                label: label.to_owned(),
                text,
            }),
            None => self.gap(label),
        }
    }

    fn text(&mut self, label: &str, text: String) {
        self.parts.push(Part::Text {
            label: label.to_owned(),
            text,
        });
    }

    fn gap(&mut self, label: &str) {
        self.parts.push(Part::Gap {
            label: label.to_owned(),
        });
    }

    fn table(&mut self, label: &str, header: Vec<String>, rows: Vec<Vec<String>>) {
        self.parts.push(Part::Table {
            label: label.to_owned(),
            header,
            rows,
        });
    }
}

/// The Antragsentwurf of a group.
pub fn draft(input: &DraftInput) -> Draft {
    let boards = input.boards;
    let canvas = |section: &str| texts(boards, CANVAS.key, section);
    let idea = chosen_idea(boards);
    // Chapter 6's table (header first) from the Kostenaufteilung, or the
    // calculator's German sentence of what is missing.
    let costs: Option<Result<Vec<Vec<String>>, String>> = boards.get(KOSTEN.key).map(|b| {
        crate::kosten::result(b)
            .map(|r| {
                let header = crate::kosten::COLUMNS_DE.map(str::to_owned).to_vec();
                let rows = crate::kosten::rows(&r).into_iter().map(|row| row.cells());
                std::iter::once(header).chain(rows).collect()
            })
            .map_err(|e| e.to_string())
    });
    // Chapter 5: the Rechtsform-Lotse's recommendation in its one paragraph.
    let lotse = boards.get(LOTSE.key).and_then(crate::lotse::board_summary);
    let mut chapters = Vec::with_capacity(CHAPTERS.len());
    let mut chapter = |number: usize, fill: &mut dyn FnMut(&mut Writer)| {
        let mut w = Writer::new();
        fill(&mut w);
        chapters.push(Chapter {
            number: u8::try_from(number + 1).unwrap_or(u8::MAX),
            title: CHAPTERS[number],
            parts: w.parts,
            required: w.required,
        });
    };

    chapter(0, &mut |w| {
        w.text("Arbeitsgruppe", input.group.to_owned());
        w.required_items("Verbundpartner (Kommunen)", input.kommunen.to_vec());
        w.required_items("Partner & Beteiligte", canvas("partner"));
    });
    chapter(1, &mut |w| {
        w.required_items("Ausgangslage & Problem", canvas("problem"));
        w.optional_items("Bürger:innen & Nutzer:innen", canvas("nutzer"), false);
        if let Some(board) = boards.get(PROZESS.key) {
            let pains: Vec<String> = process::top_pain_points(board, &PROZESS)
                .into_iter()
                .map(|p| {
                    let text = p.text.trim();
                    if text.is_empty() {
                        format!("{}. {} ({} Punkte)", p.rank, p.step_title, p.dots)
                    } else {
                        format!("{}. {}: {} ({} Punkte)", p.rank, p.step_title, text, p.dots)
                    }
                })
                .collect();
            w.optional_items("Größte Schmerzpunkte im Prozess", pains, false);
        }
    });
    chapter(2, &mut |w| {
        w.required_items("Gemeinsames Ziel", canvas("ziel"));
        w.required_items("Kennzahlen (Nutzen & Erfolgsmessung)", canvas("nutzen"));
        if let Some(board) = boards.get(ZIELE.key) {
            let matrix = zielmatrix::zielmatrix(board, &ZIELE, input.kommunen);
            let core: Vec<String> = matrix
                .goals
                .iter()
                .filter(|g| g.core)
                .map(|g| g.text.clone())
                .collect();
            w.optional_items("Kernziele (Zielmatrix)", core, false);
        }
    });
    chapter(3, &mut |w| {
        w.required_items("Lösungsidee & Leistung", canvas("loesung"));
        match idea {
            Some(card) => {
                w.required_text("Gewählte KI-Idee", Some(card.text.trim().to_owned()));
                idea_facts(w, input, card);
            }
            None => w.required_text("Gewählte KI-Idee (als „für den Antrag“ markieren)", None),
        }
        w.optional_items("Strategien (SO)", texts(boards, SWOT.key, "so"), false);
    });
    chapter(4, &mut |w| {
        let mut form = canvas("rechtsform");
        if let Some(lotse) = &lotse {
            if !form.contains(lotse) {
                form.push(lotse.clone());
            }
        }
        w.required_items("Rechts- und Organisationsform", form);
        let cases: Vec<Vec<String>> = boards.get(USTG.key).map_or_else(Vec::new, |b| {
            ustg::case_hints(b, &USTG)
                .into_iter()
                .map(|c| vec![c.title, c.hint_de.to_owned()])
                .collect()
        });
        w.required.push(Requirement {
            label: "§ 2b UStG (Umsatzsteuer-Check)".to_owned(),
            filled: !cases.is_empty(),
        });
        if cases.is_empty() {
            w.gap("§ 2b UStG (Umsatzsteuer-Check)");
        } else {
            w.table(
                "§ 2b UStG (Umsatzsteuer-Check)",
                vec!["Leistung".to_owned(), "Hinweis".to_owned()],
                cases,
            );
            w.text("Hinweis", ustg::source_note());
        }
    });
    chapter(5, &mut |w| {
        w.optional_items("Kosten & Finanzierung (Canvas)", canvas("kosten"), false);
        match &costs {
            Some(Ok(rows)) if rows.len() > 1 => {
                w.required.push(Requirement {
                    label: "Kostenaufteilung".to_owned(),
                    filled: true,
                });
                w.table("Kostenaufteilung", rows[0].clone(), rows[1..].to_vec());
            }
            Some(Err(why)) => {
                w.required.push(Requirement {
                    label: "Kostenaufteilung".to_owned(),
                    filled: false,
                });
                w.gap(&format!("Kostenaufteilung ({why})"));
            }
            _ => w.required_text("Kostenaufteilung", None),
        }
    });
    chapter(6, &mut |w| {
        w.required_items("Nächste Schritte", canvas("schritte"));
        if let Some(board) = boards.get(PHASEN.key) {
            let rows: Vec<Vec<String>> = phases::phase_tables(board, &PHASEN)
                .into_iter()
                .flat_map(|t| {
                    t.rows.into_iter().map(move |r| {
                        vec![
                            t.label.to_owned(),
                            r.label,
                            r.status.label_de().to_owned(),
                            r.wer,
                            r.due.unwrap_or_default(),
                        ]
                    })
                })
                .collect();
            if !rows.is_empty() {
                let header = ["Phase", "Arbeitspaket", "Status", "Wer", "Bis wann"];
                w.table(
                    "Arbeitsplan (Phasen-Check)",
                    header.map(str::to_owned).to_vec(),
                    rows,
                );
            }
        }
    });
    chapter(7, &mut |w| {
        w.required_items("Risiken & Widerstände", canvas("risiken"));
        w.optional_items("Risiken (SWOT)", texts(boards, SWOT.key, "risiken"), false);
        let mut measures = texts(boards, SWOT.key, "st");
        measures.extend(texts(boards, SWOT.key, "wt"));
        w.optional_items("Gegenmaßnahmen (ST- und WT-Strategien)", measures, false);
        if let Some(result) = idea.and_then(crate::kivo::result) {
            w.text(
                "KI-VO- und Datenschutz-Vorprüfung",
                crate::kivo::summary_of(&result),
            );
            w.optional_items("Zu tun (KI-VO, Datenschutz)", result.todos.clone(), false);
        }
    });
    chapter(8, &mut |w| {
        w.required_items("Rollen & Steuerung", canvas("steuerung"));
        w.optional_items("Ressourcen & Daten", canvas("ressourcen"), false);
        w.optional_items("Beteiligte Kommunen", input.kommunen.to_vec(), false);
    });
    chapter(9, &mut |w| {
        w.required_text("Verstetigung nach der Förderung", None);
        w.required_text("Übertragbarkeit auf andere Kommunen", None);
    });
    chapter(10, &mut |w| {
        let vereinbarung = boards
            .values()
            .flat_map(|b| b.sections.values().flatten())
            .any(|c| c.marks.contains(&Mark::Vereinbarung));
        let costs = matches!(&costs, Some(Ok(_)));
        let kivo = idea.and_then(crate::kivo::result);
        let dsfa_av = kivo.as_ref().is_some_and(|k| k.offen.is_empty());
        let ustg = boards
            .get(USTG.key)
            .is_some_and(|b| !ustg::case_hints(b, &USTG).is_empty());
        let state = |done: bool, yes: &str| {
            if done {
                yes.to_owned()
            } else {
                "offen".to_owned()
            }
        };
        let mut rows: Vec<Vec<String>> = input
            .kommunen
            .iter()
            .map(|k| vec![format!("Gremienbeschluss {k}"), "offen".to_owned()])
            .collect();
        let items = [
            (
                "Absichtserklärung oder Vereinbarung",
                vereinbarung,
                "Vereinbarungen im Workshop festgehalten",
            ),
            ("Kostenaufteilung", costs, "Arbeitsmappe berechnet"),
            (
                "DSFA oder AV-Vertrag",
                dsfa_av,
                "Bedarf in der KI-VO-Vorprüfung geklärt",
            ),
            ("§ 2b-Prüfung", ustg, "Vorprüfung im Workshop"),
        ];
        for (label, done, yes) in items {
            w.required.push(Requirement {
                label: label.to_owned(),
                filled: done,
            });
            rows.push(vec![label.to_owned(), state(done, yes)]);
        }
        w.table(
            "Anlagen",
            vec!["Anlage".to_owned(), "Stand".to_owned()],
            rows,
        );
    });

    Draft {
        chapters,
        idea: idea.map(|c| c.text.trim().to_owned()),
    }
}

/// The chosen idea's Projektskizze fields and its Nutzwert (an aggregate
/// of enough raters only).
fn idea_facts(w: &mut Writer, input: &DraftInput, card: &Card) {
    use crate::board::SketchField;
    for field in SketchField::ALL {
        let text = card.sketch.field(field).trim();
        if !text.is_empty() {
            w.text(field.label_de(), text.to_owned());
        }
    }
    if input.ratings_hidden {
        w.text("Nutzwert", "die Bewertungen sind noch verdeckt".to_owned());
        return;
    }
    let Some(board) = input.boards.get(KI.key) else {
        return;
    };
    let rows = rating::idea_rows(board, &KI, input.weights).unwrap_or_default();
    if let Some(row) = rows.iter().find(|r| r.card_id == card.id) {
        if row.raters >= MIN_RATERS && row.score.score.is_some() {
            w.text(
                "Nutzwert",
                format!(
                    "{} von 100 (Mittel aus {} Bewertungen)",
                    score_text(row.score.score),
                    row.raters
                ),
            );
        } else {
            w.text(
                "Nutzwert",
                format!(
                    "noch nicht ausgewiesen (erst ab {MIN_RATERS} Bewertungen; bisher {})",
                    row.raters
                ),
            );
        }
    }
}
