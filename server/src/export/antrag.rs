//! The Antragsentwurf as a document (antrag.md §1): the domain's draft
//! (`app::domain::antrag`, which decides every chapter's content, the
//! Antragsreife and the gaps) turned into the document model that PDF,
//! DOCX, ODT and Markdown render. Headings are real headings (the
//! chapters are level 2), tables are tables, so an office edits it on.

use super::doc::{meta, Block};
use super::{ExportData, GroupData};
use app::domain::antrag::{draft, Draft, DraftInput, Part};

/// What the draft says before its chapters.
pub const NOTE: &str = "Entwurf aus den Ergebnissen des Workshops: bitte prüfen, \
ergänzen und in die Vorlage des Fördergebers übertragen. Rechtliche und steuerliche \
Hinweise sind eine Vorprüfung, keine Rechts- oder Steuerberatung. Es erscheinen nur \
zusammengefasste Bewertungen, keine einzelnen.";

/// The draft of one group, as the domain builds it from the export's data.
pub fn group_draft(data: &ExportData, group: &GroupData) -> Draft {
    draft(&DraftInput {
        group: &group.name,
        kommunen: &group.kommunen,
        boards: &group.boards,
        weights: &data.settings.weights,
        ratings_hidden: data.ratings_hidden,
    })
}

pub fn document(data: &ExportData) -> Vec<Block> {
    let m = meta(data);
    let mut out = vec![
        Block::Heading {
            level: 1,
            text: format!("{} – {}", m.title, m.scope),
        },
        Block::Paragraph {
            text: format!("{} · {}", m.date, m.place),
        },
        Block::Note {
            text: NOTE.to_owned(),
        },
    ];
    for (i, group) in data.groups.iter().enumerate() {
        if i > 0 {
            out.push(Block::PageBreak);
        }
        if data.whole_session {
            out.push(Block::Heading {
                level: 1,
                text: format!("Arbeitsgruppe {}", group.name),
            });
        }
        chapters(&group_draft(data, group), &mut out);
    }
    out
}

fn chapters(d: &Draft, out: &mut Vec<Block>) {
    out.push(Block::Paragraph {
        text: format!("Antragsreife: {} %", d.reife()),
    });
    out.push(Block::Table {
        header: vec!["Kapitel".into(), "Antragsreife".into()],
        rows: d
            .chapters
            .iter()
            .map(|c| {
                vec![
                    format!("{}. {}", c.number, c.title),
                    format!("{} %", c.reife()),
                ]
            })
            .collect(),
        widths: vec![75, 25],
    });
    for c in &d.chapters {
        out.push(Block::Heading {
            level: 2,
            text: format!("{}. {}", c.number, c.title),
        });
        for part in &c.parts {
            part_blocks(part, out);
        }
    }
    out.push(Block::Heading {
        level: 2,
        text: "Lücken".into(),
    });
    let gaps = d.gaps();
    if gaps.is_empty() {
        out.push(Block::Paragraph {
            text: "Keine: alle Pflichtangaben sind ausgefüllt.".into(),
        });
    } else {
        out.push(Block::List { items: gaps });
    }
}

fn part_blocks(part: &Part, out: &mut Vec<Block>) {
    match part {
        Part::Text { label, text } => {
            out.push(Block::Heading {
                level: 3,
                text: label.clone(),
            });
            out.push(Block::Paragraph { text: text.clone() });
        }
        Part::Items { label, items } => {
            out.push(Block::Heading {
                level: 3,
                text: label.clone(),
            });
            out.push(Block::List {
                items: items.clone(),
            });
        }
        Part::Table {
            label,
            header,
            rows,
        } => {
            out.push(Block::Heading {
                level: 3,
                text: label.clone(),
            });
            out.push(Block::Table {
                header: header.clone(),
                rows: rows.clone(),
                widths: vec![1; header.len()],
            });
        }
        Part::Gap { label } => out.push(Block::Paragraph {
            text: Part::gap_text(label),
        }),
    }
}
