//! The figures of the remaining seed methods (methods.md 5-9) in the
//! document model (PDF, DOCX, ODT, Markdown share these blocks): the heat
//! map of Veränderungsbereitschaft per level, the force field, the list
//! "Unterstützungsbedarfe", the § 2b table of cases for the Kämmerei
//! ("Vorprüfung, keine Steuerberatung", source and Stand), the effort per
//! Scrum column, the Relevanzcheck, the Sessionplan and the "möglicher
//! Partner" pairs. All from `domain::figures`; the cards themselves are
//! the section tables of `further`.

use super::doc::{dots_text, Block};
use super::{clean, mean_text};
use app::domain::board::BoardState;
use app::domain::evaluation::aggregate::CriterionAggregate;
use app::domain::figures::{barcamp, change, scrum, ustg, Figure};
use app::domain::lotse;
use app::domain::templates::rest::QUESTIONS;
use app::domain::templates::ustg_data::PARAGRAPH_2B;
use app::domain::templates::Template;

/// The blocks of `figure` (one of the remaining seed methods'; the others
/// are `further`'s).
pub(super) fn figure(
    figure: Figure,
    template: &Template,
    board: &BoardState,
    out: &mut Vec<Block>,
) {
    match figure {
        Figure::HeatMap => heat_map(template, board, out),
        Figure::ForceField => force_field(board, out),
        Figure::SupportNeeds => support_needs(template, board, out),
        Figure::CaseHints => case_hints(template, board, out),
        Figure::EffortSums => effort_sums(template, board, out),
        Figure::Relevance => relevance(template, board, out),
        Figure::SessionPlan => session_plan(template, board, out),
        Figure::Matches => matches(board, out),
        Figure::Kostenaufteilung => kosten(board, out),
        Figure::Rechtsform => rechtsform(board, out),
        Figure::Zielmatrix | Figure::ErlebenCurve | Figure::FactorRadar | Figure::PhaseProgress => {
        }
    }
}

/// The Kostenaufteilung's result per Kommune (the domain's rows), or the
/// German sentence saying what is missing.
fn kosten(board: &BoardState, out: &mut Vec<Block>) {
    use app::domain::kosten;
    heading("Kostenaufteilung: Anteile, Einsparung, Amortisation", out);
    match kosten::result(board) {
        Err(e) => out.push(Block::Note {
            text: clean(&e.to_string()),
        }),
        Ok(result) => {
            let rows = kosten::rows(&result)
                .into_iter()
                .map(|r| r.cells().iter().map(|c| clean(c)).collect())
                .collect();
            out.push(Block::Table {
                header: kosten::COLUMNS_DE.map(str::to_owned).to_vec(),
                rows,
                widths: vec![4, 2, 3, 3, 3, 3, 3, 3],
            });
            out.push(Block::Note {
                text: "Die Arbeitsmappe mit Formeln lädt die Gruppe auf ihrer Tafel herunter."
                    .into(),
            });
        }
    }
}

/// The Rechtsform-Lotse (antrag.md §3): the answers given, the summary
/// (the one text of `domain::lotse`, as the canvas gets it), reasons, the
/// open question, the comparison table of all forms, the note, source and
/// Stand.
fn rechtsform(board: &BoardState, out: &mut Vec<Block>) {
    heading("Empfehlung des Rechtsform-Lotsen", out);
    let card = board.find(&lotse::item_card_id()).map(|(_, _, c)| c);
    let answers = card.map(lotse::answers_given).unwrap_or_default();
    let Some(rec) = card.and_then(lotse::of_card) else {
        out.push(Block::Note {
            text: "Noch keine Frage beantwortet.".into(),
        });
        return;
    };
    out.push(Block::Table {
        header: ["Frage", "Antwort"].map(str::to_owned).to_vec(),
        rows: answers
            .into_iter()
            .map(|(q, a)| vec![q, a.to_owned()])
            .collect(),
        widths: vec![10, 2],
    });
    out.push(Block::Paragraph {
        text: clean(&lotse::board_summary(board).unwrap_or_default()),
    });
    if !rec.gruende.is_empty() {
        heading("Gründe", out);
        out.push(Block::List {
            items: rec.gruende.clone(),
        });
    }
    if let Some(offen) = &rec.offen {
        out.push(Block::Paragraph {
            text: format!("{offen} (In Betracht: {})", lotse::names(&rec.in_betracht)),
        });
    }
    heading("Vergleich der Rechtsformen", out);
    let mut header = rec.tabelle.kopf.clone();
    if let Some(first) = header.first_mut() {
        *first = "Kriterium".to_owned();
    }
    let widths = header.iter().map(|_| 3).collect();
    out.push(Block::Table {
        header,
        rows: rec.tabelle.zeilen.clone(),
        widths,
    });
    out.push(Block::Note {
        text: format!(
            "{}. Quelle: {}. Stand: {}. {}",
            rec.hinweis,
            rec.quelle,
            rec.stand,
            lotse::rlp().stand_hinweis
        ),
    });
}

fn heading(text: &str, out: &mut Vec<Block>) {
    out.push(Block::Heading {
        level: 3,
        text: text.to_owned(),
    });
}

/// Mittelwert, Median, n, weiß nicht, Konsens/Dissens.
fn aggregate_cells(a: &CriterionAggregate) -> [String; 5] {
    [
        mean_text(a.mean),
        mean_text(a.median),
        a.n.to_string(),
        a.dont_know.to_string(),
        a.consensus
            .map_or_else(|| "–".to_owned(), |c| c.label_de().to_owned()),
    ]
}

const AGGREGATE_HEADER: [&str; 5] = ["Mittelwert", "Median", "n", "weiß nicht", "Konsens/Dissens"];

fn heat_map(template: &Template, board: &BoardState, out: &mut Vec<Block>) {
    heading("Veränderungsbereitschaft je Ebene (Heatmap)", out);
    out.push(Block::Note {
        text: "Anzahl der Bewertungen je Stufe: 1 deutliche Ablehnung, 3 abwartend, 5 treibt die Veränderung mit.".into(),
    });
    let mut header = vec!["Ebene".to_owned()];
    header.extend(["1", "2", "3", "4", "5"].map(str::to_owned));
    header.extend(AGGREGATE_HEADER.map(str::to_owned));
    let rows = change::heat_map(board, template)
        .iter()
        .map(|r| {
            let mut row = vec![clean(&r.label)];
            row.extend(r.counts.iter().map(u32::to_string));
            row.extend(aggregate_cells(&r.aggregate));
            row
        })
        .collect();
    out.push(Block::Table {
        header,
        rows,
        widths: vec![8, 1, 1, 1, 1, 1, 3, 3, 2, 2, 4],
    });
}

fn force_field(board: &BoardState, out: &mut Vec<Block>) {
    let f = change::force_field(board);
    heading("Kraftfeld", out);
    let rows = [("treibend", &f.driving), ("hemmend", &f.restraining)]
        .into_iter()
        .flat_map(|(side, s)| {
            s.forces.iter().map(move |x| {
                vec![
                    clean(&x.text),
                    side.to_owned(),
                    mean_text(x.strength),
                    x.aggregate.n.to_string(),
                ]
            })
        })
        .collect::<Vec<_>>();
    if rows.is_empty() {
        out.push(Block::Note {
            text: "Noch keine Kräfte.".into(),
        });
    } else {
        out.push(Block::Table {
            header: ["Kraft", "Seite", "Stärke (Mittelwert)", "n"]
                .map(str::to_owned)
                .to_vec(),
            rows,
            widths: vec![10, 3, 3, 2],
        });
    }
    out.push(Block::Paragraph {
        text: format!(
            "Treibend {} − hemmend {} = Bilanz {} (nicht bewertete Kräfte: {})",
            mean_text(Some(f.driving.sum)),
            mean_text(Some(f.restraining.sum)),
            mean_text(Some(f.balance)),
            f.driving.unrated + f.restraining.unrated
        ),
    });
}

fn support_needs(template: &Template, board: &BoardState, out: &mut Vec<Block>) {
    heading("Unterstützungsbedarfe", out);
    let items: Vec<String> = change::support_needs(board, template)
        .into_iter()
        .map(|(level, text)| format!("{}: {}", clean(&level), clean(&text)))
        .collect();
    out.push(if items.is_empty() {
        Block::Note {
            text: "Noch kein Unterstützungsbedarf eingetragen.".into(),
        }
    } else {
        Block::List { items }
    });
}

/// The number of a § 2b question ("1", "5a"): its label's first word.
fn question_number(label: &str) -> &str {
    label.split_whitespace().next().unwrap_or(label)
}

fn answer_text(answer: Option<ustg::Answer>) -> &'static str {
    match answer {
        Some(ustg::Answer::Ja) => "ja",
        Some(ustg::Answer::Nein) => "nein",
        Some(ustg::Answer::Unklar) => "unklar",
        None => "–",
    }
}

fn case_hints(template: &Template, board: &BoardState, out: &mut Vec<Block>) {
    heading("§ 2b UStG: Hinweis je Leistungsbeziehung", out);
    out.push(Block::Paragraph {
        text: PARAGRAPH_2B.disclaimer.to_owned(),
    });
    let cases = ustg::case_hints(board, template);
    if cases.is_empty() {
        out.push(Block::Note {
            text: "Noch keine Leistungsbeziehung.".into(),
        });
    } else {
        let mut header = vec!["Leistungsbeziehung".to_owned()];
        header.extend(
            QUESTIONS
                .iter()
                .map(|q| format!("Frage {}", question_number(q.label))),
        );
        header.extend(["Hinweis", "Offene Fragen"].map(str::to_owned));
        let rows = cases
            .iter()
            .map(|c| {
                let mut row = vec![clean(&c.title)];
                row.extend(c.answers.iter().map(|a| answer_text(*a).to_owned()));
                let mut hint = format!("{} ({})", c.hint_de, c.disclaimer);
                if c.check_threshold {
                    hint.push_str(
                        "; Entgelt über der Schwelle, Frage 3 mit ja beantwortet: bitte prüfen",
                    );
                }
                row.push(hint);
                let open: Vec<&str> = c
                    .open_questions
                    .iter()
                    .map(|q| question_number(q.label))
                    .collect();
                row.push(if open.is_empty() {
                    "–".to_owned()
                } else {
                    open.join(", ")
                });
                row
            })
            .collect();
        let mut widths = vec![6];
        widths.extend(QUESTIONS.iter().map(|_| 1));
        widths.extend([6, 3]);
        out.push(Block::Table {
            header,
            rows,
            widths,
        });
        out.push(Block::List {
            items: QUESTIONS.iter().map(|q| q.label.to_owned()).collect(),
        });
    }
    out.push(Block::Note {
        text: ustg::source_note(),
    });
    out.push(Block::Note {
        text: format!("Quelle: {}", PARAGRAPH_2B.source),
    });
}

fn effort_sums(template: &Template, board: &BoardState, out: &mut Vec<Block>) {
    heading("Aufwand je Spalte", out);
    out.push(Block::Table {
        header: ["Spalte", "Stories", "Punkte", "ohne Schätzung"]
            .map(str::to_owned)
            .to_vec(),
        rows: scrum::effort_sums(board, template)
            .iter()
            .map(|c| {
                vec![
                    c.label.to_owned(),
                    c.stories.to_string(),
                    c.points.to_string(),
                    c.unestimated.to_string(),
                ]
            })
            .collect(),
        widths: vec![6, 3, 3, 3],
    });
}

fn relevance(template: &Template, board: &BoardState, out: &mut Vec<Block>) {
    heading("Relevanzcheck", out);
    let mut header = vec!["Frage".to_owned()];
    header.extend(AGGREGATE_HEADER.map(str::to_owned));
    out.push(Block::Table {
        header,
        rows: scrum::relevance(board, template)
            .iter()
            .map(|r| {
                let mut row = vec![clean(&r.label)];
                row.extend(aggregate_cells(&r.aggregate));
                row
            })
            .collect(),
        widths: vec![10, 3, 3, 2, 2, 4],
    });
}

fn session_plan(template: &Template, board: &BoardState, out: &mut Vec<Block>) {
    let plan = barcamp::session_plan(board, template);
    heading("Sessionplan", out);
    let named =
        |s: &barcamp::PlannedSession| format!("{} ({})", clean(&s.title), dots_text(s.dots));
    if plan.slots.is_empty() {
        out.push(Block::Note {
            text: "Noch keine Session eingeplant.".into(),
        });
    } else {
        let mut header = vec!["Zeitfenster".to_owned()];
        header.extend(plan.rooms.iter().map(|r| clean(r)));
        let rows = plan
            .slots
            .iter()
            .map(|slot| {
                let mut row = vec![clean(slot)];
                row.extend(plan.rooms.iter().map(|room| {
                    let here: Vec<String> = plan
                        .sessions
                        .iter()
                        .filter(|s| &s.slot == slot && &s.room == room)
                        .map(named)
                        .collect();
                    if here.is_empty() {
                        "–".to_owned()
                    } else {
                        here.join(" · ")
                    }
                }));
                row
            })
            .collect();
        let mut widths = vec![3];
        widths.extend(plan.rooms.iter().map(|_| 5));
        out.push(Block::Table {
            header,
            rows,
            widths,
        });
    }
    for (slot, room) in &plan.clashes {
        out.push(Block::Paragraph {
            text: format!("Doppelt belegt: {}, {}", clean(slot), clean(room)),
        });
    }
    if !plan.unplanned.is_empty() {
        heading("Noch nicht eingeplant", out);
        out.push(Block::List {
            items: plan.unplanned.iter().map(named).collect(),
        });
    }
}

fn matches(board: &BoardState, out: &mut Vec<Block>) {
    heading("Kooperationsbörse: mögliche Partner", out);
    let text = |id: &str| {
        board
            .find(id)
            .map(|(_, _, c)| clean(&c.text))
            .unwrap_or_default()
    };
    let items: Vec<String> = barcamp::matches(board)
        .iter()
        .map(|m| {
            format!(
                "möglicher Partner: Suche „{}“ ({}) – Biete „{}“ ({}); gemeinsam: {}",
                text(&m.suche),
                clean(&m.suche_kommune),
                text(&m.biete),
                clean(&m.biete_kommune),
                m.shared.join(", ")
            )
        })
        .collect();
    out.push(if items.is_empty() {
        Block::Note {
            text: "Noch keine passenden Paare aus Suche und Biete.".into(),
        }
    } else {
        Block::List { items }
    });
}
