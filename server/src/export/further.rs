//! The further methods in the document model (PDF, DOCX, ODT, Markdown):
//! each section as a table of its cards with what the section declares
//! (named fields, status, Wer, Bis wann, each Kommune's stance, the
//! author's Kommune), then the figures the sections call for, all from the
//! domain's view models: the Zielmatrix with the "Allianz der Willigen"
//! and the lists by Kommune, the steps table with the Erleben figures and
//! the top pain points, the factors table with the radar's column means
//! and the Handlungsbedarf, and one table per phase with its progress.
//! Driven by the template's data, not by the method's key.

use super::doc::{dots_text, Block, GridCell, GridPlace};
use super::{clean, mean_text};
use app::domain::board::{shown_refs, BoardState, Card, TextField};
use app::domain::evaluation::rounding::percent_text;
use app::domain::figures::{self, factors, phases, process, zielmatrix, Figure};
use app::domain::session::german_date;
use app::domain::templates::rest::{layout, Layout};
use app::domain::templates::{self, Section, Template, WER};
use std::collections::BTreeMap;

const EMPTY: &str = "(keine Karten)";

/// The blocks of one further method's board (`boards`: the group's
/// boards by template key, for references to their cards); `kommunen` are the Kommunen
/// present (the Zielmatrix's columns), `today` YYYY-MM-DD (overdue items).
pub fn method(
    template: &Template,
    board: &BoardState,
    boards: &BTreeMap<String, BoardState>,
    kommunen: &[String],
    today: &str,
    out: &mut Vec<Block>,
) {
    let board = board.materialised(template);
    out.push(Block::Heading {
        level: 2,
        text: template.title.to_owned(),
    });
    if !template.intro.is_empty() {
        out.push(Block::Note {
            text: template.intro.to_owned(),
        });
    }
    if let Some(header) = template.header {
        let subject = clean(&board.subject);
        let subject = if subject.trim().is_empty() {
            "–".to_owned()
        } else {
            subject
        };
        out.push(Block::Paragraph {
            text: format!("{}: {subject}", header.label),
        });
    }
    if let Some(layout) = layout(template) {
        grid_overview(template, &board, boards, &layout, out);
    }
    for section in template.sections {
        section_blocks(template, section, &board, boards, out);
    }
    // The figures the template's data calls for (one rule for every
    // renderer: `domain::figures::of`).
    for figure in figures::of(template) {
        match figure {
            Figure::Zielmatrix => goal_matrix(template, &board, kommunen, out),
            Figure::ErlebenCurve => steps(template, &board, out),
            Figure::FactorRadar => factor_figures(template, &board, out),
            Figure::PhaseProgress => progress(template, &board, today, out),
            other => super::rest::figure(other, template, &board, out),
        }
    }
}

/// A board with a grid layout (the BMC's 9 boxes) as that grid, each
/// section's cards in its box: the PDF draws it with the layout's spans
/// (the domain's [`layout`], not a copy), DOCX, ODT and Markdown print it
/// as a table in the template's order (the boxes' order, tested in the
/// domain). The section tables below add what each card carries.
fn grid_overview(
    template: &Template,
    board: &BoardState,
    boards: &BTreeMap<String, BoardState>,
    layout: &Layout,
    out: &mut Vec<Block>,
) {
    let cells = layout
        .boxes
        .iter()
        .filter_map(|b| {
            let section = template.section(b.section)?;
            let items = board
                .cards(section.id)
                .iter()
                .map(|card| {
                    let mut text = card_text(template, card);
                    if let n @ 1.. = board.dots_on_card(&card.id) {
                        text = format!("{text} ({})", dots_text(n));
                    }
                    // "(SWOT: S, O)": the short names of the cards it refers to.
                    for (name, refs) in refs_of(section, card, boards) {
                        let shorts: Vec<&str> = refs.iter().map(|(short, _)| *short).collect();
                        text = format!("{text} ({name}: {})", shorts.join(", "));
                    }
                    text
                })
                .collect();
            Some(GridCell {
                title: section.document_label().to_owned(),
                hint: section.prompt.to_owned(),
                items,
                place: Some(GridPlace::from(b)),
            })
        })
        .collect();
    out.push(Block::Grid {
        columns: layout.columns,
        cells,
    });
}

/// What `card` (of `section`) refers to on the group's other boards, per
/// declared board: its name ("SWOT", the title's first word) and each
/// shown card's short section name and text ("S", "Erfahrenes
/// Bürgerbüro"). The domain decides what shows ([`shown_refs`]).
fn refs_of(
    section: &Section,
    card: &Card,
    boards: &BTreeMap<String, BoardState>,
) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    section
        .refs_to
        .iter()
        .filter_map(|target| {
            let other_template = templates::find(target.template)?;
            let other = boards.get(target.template)?;
            let refs: Vec<(&'static str, String)> =
                shown_refs(card, section, target.template, other)
                    .into_iter()
                    .filter_map(|(s, c)| {
                        let s = other_template.section(s)?;
                        Some((s.short_label(), clean(&c.text)))
                    })
                    .collect();
            let name = other_template
                .title
                .split('-')
                .next()
                .unwrap_or(other_template.title);
            (!refs.is_empty()).then_some((name, refs))
        })
        .collect()
}

/// A section's cards as a table: the card (a fixed item's label and
/// note), its named fields, status and Bis wann, stances, Kommune, dots.
fn section_blocks(
    template: &Template,
    section: &Section,
    board: &BoardState,
    boards: &BTreeMap<String, BoardState>,
    out: &mut Vec<Block>,
) {
    out.push(Block::Heading {
        level: 3,
        text: section.document_label().to_owned(),
    });
    if !section.prompt.is_empty() {
        out.push(Block::Note {
            text: section.prompt.to_owned(),
        });
    }
    let cards = board.cards(section.id);
    if cards.is_empty() {
        out.push(Block::Note { text: EMPTY.into() });
        return;
    }
    let mut header = vec!["Karte".to_owned()];
    header.extend(section.fields.iter().map(|f| f.label.to_owned()));
    if section.tasks {
        header.extend(["Status", WER.label, "Bis wann"].map(str::to_owned));
    }
    if section.stances {
        header.extend(["Haltungen", "Kernziel"].map(str::to_owned));
    }
    if !section.refs_to.is_empty() {
        header.push("Bezug".to_owned());
    }
    header.extend(["Kommune", "Punkte"].map(str::to_owned));
    let rows = cards
        .iter()
        .map(|card| {
            let facts = card_facts(template, section, board, card);
            let mut row = vec![facts.text];
            row.extend(facts.fields.into_iter().map(|(_, value)| value));
            if let Some(task) = facts.task {
                row.extend([task.status, task.wer, task.due]);
            }
            if let Some(goal) = facts.goal {
                row.extend([goal.stances, goal.core]);
            }
            if !section.refs_to.is_empty() {
                // "SWOT: S „Erfahrenes Bürgerbüro“, O „OZG-Nachnutzung“".
                let refs: Vec<String> = refs_of(section, card, boards)
                    .into_iter()
                    .map(|(name, refs)| {
                        let named: Vec<String> = refs
                            .iter()
                            .map(|(short, text)| format!("{short} \u{201e}{text}\u{201c}"))
                            .collect();
                        format!("{name}: {}", named.join(", "))
                    })
                    .collect();
                row.push(or_dash(refs.join("; ")));
            }
            row.push(facts.kommune);
            row.push(facts.dots.to_string());
            row
        })
        .collect();
    let n = header.len() as u32;
    let mut widths = vec![3; header.len()];
    if let Some(first) = widths.first_mut() {
        *first = n.max(4);
    }
    out.push(Block::Table {
        header,
        rows,
        widths,
    });
}

/// What a card carries as documents and workbooks write it (one rule for
/// every format): the section decides which parts it has.
pub(super) struct CardFacts {
    /// A fixed item's label with the group's note, an own card's text.
    pub text: String,
    /// The section's named fields: (label, value or "–").
    pub fields: Vec<(&'static str, String)>,
    /// Sections with tasks (E4).
    pub task: Option<TaskFacts>,
    /// Sections with stances (the Zielmatrix).
    pub goal: Option<GoalFacts>,
    /// The author's Kommune, or "–".
    pub kommune: String,
    /// Dots given to the card.
    pub dots: u32,
}

pub(super) struct TaskFacts {
    pub status: String,
    pub wer: String,
    /// "Bis wann" as a German date, or "–".
    pub due: String,
}

pub(super) struct GoalFacts {
    /// Each Kommune's stance ("Musterstadt: ✓, Übungsdorf: ~"), or "–".
    pub stances: String,
    /// "ja" for a core goal, else "–".
    pub core: String,
}

pub(super) fn card_facts(
    template: &Template,
    section: &Section,
    board: &BoardState,
    card: &Card,
) -> CardFacts {
    let task = section.tasks.then(|| TaskFacts {
        status: card.status.label_de().to_owned(),
        wer: field(card, WER.key),
        due: card
            .due
            .as_deref()
            .map_or_else(|| "–".to_owned(), german_date),
    });
    let goal = section.stances.then(|| {
        let stances: Vec<String> = card
            .stances
            .iter()
            .map(|(k, s)| format!("{k}: {}", s.symbol()))
            .collect();
        GoalFacts {
            stances: or_dash(clean(&stances.join(", "))),
            core: if card.core { "ja" } else { "–" }.to_owned(),
        }
    });
    CardFacts {
        text: card_text(template, card),
        fields: section
            .fields
            .iter()
            .map(|f| (f.label, field(card, f.key)))
            .collect(),
        task,
        goal,
        kommune: or_dash(clean(&card.author.kommune)),
        dots: board.dots_on_card(&card.id),
    }
}

/// A card's text as documents show it: a fixed item's label with the
/// group's note, an own card's text.
fn card_text(template: &Template, card: &Card) -> String {
    let label = clean(template.card_label(card));
    match (&card.item, clean(&card.text)) {
        (Some(_), note) if !note.trim().is_empty() => format!("{label}\nNotiz: {note}"),
        _ => label,
    }
}

fn field(card: &Card, key: &'static str) -> String {
    or_dash(clean(card.field_text(TextField::Field(key))))
}

fn or_dash(text: String) -> String {
    if text.trim().is_empty() {
        "–".to_owned()
    } else {
        text
    }
}

/// The Zielmatrix (goals × Kommunen, share of agreement), the "Allianz
/// der Willigen" and the cards listed by Kommune.
fn goal_matrix(template: &Template, board: &BoardState, kommunen: &[String], out: &mut Vec<Block>) {
    let m = zielmatrix::zielmatrix(board, template, kommunen);
    out.push(Block::Heading {
        level: 3,
        text: "Zielmatrix".into(),
    });
    let mut header = vec!["Ziel".to_owned()];
    header.extend(m.kommunen.iter().cloned());
    header.push("Zustimmung".to_owned());
    let rows = m
        .goals
        .iter()
        .map(|g| {
            let mut row = vec![if g.core {
                format!("{} (Kernziel)", clean(&g.text))
            } else {
                clean(&g.text)
            }];
            row.extend(
                g.cells
                    .iter()
                    .map(|c| c.map_or("–", |s| s.symbol()).to_owned()),
            );
            row.push(percent_text(g.share));
            row
        })
        .collect();
    let mut widths = vec![2; header.len()];
    widths[0] = 6;
    out.push(Block::Table {
        header,
        rows,
        widths,
    });
    out.push(Block::Paragraph {
        text: match &m.alliance {
            None => "Allianz der Willigen: noch kein Ziel als Kernziel markiert.".to_owned(),
            Some(k) if k.is_empty() => {
                "Allianz der Willigen: keine Kommune stimmt allen Kernzielen zu.".to_owned()
            }
            Some(k) => format!("Allianz der Willigen: {}", k.join(", ")),
        },
    });
    out.push(Block::Heading {
        level: 3,
        text: "Beiträge nach Kommune".into(),
    });
    for (kommune, cards) in zielmatrix::cards_by_kommune(board, template) {
        let own: Vec<String> = cards
            .iter()
            .filter(|(_, c)| c.item.is_none())
            .map(|(s, c)| template.card_name(s, &clean(&c.text)))
            .collect();
        if own.is_empty() {
            continue;
        }
        out.push(Block::Paragraph {
            text: if kommune.is_empty() {
                "Ohne Angabe der Kommune".to_owned()
            } else {
                kommune
            },
        });
        out.push(Block::List { items: own });
    }
}

/// The steps table with the Erleben figures, and the top pain points.
fn steps(template: &Template, board: &BoardState, out: &mut Vec<Block>) {
    let Some(criterion) = template
        .sections
        .iter()
        .find(|s| s.ordered && s.is_rated())
        .and_then(|s| s.criteria_in(template).first())
    else {
        return;
    };
    let rows = process::step_rows(board, template, criterion);
    out.push(Block::Heading {
        level: 3,
        text: format!("{} je Teilschritt", criterion.label),
    });
    let mut header = vec!["Nr.".to_owned(), "Teilschritt".to_owned()];
    if let Some(first) = rows.first() {
        header.extend(first.fields.iter().map(|(label, _)| (*label).to_owned()));
    }
    header.extend(["Mittelwert", "n", "weiß nicht"].map(str::to_owned));
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut row = vec![r.point.step.to_string(), clean(&r.point.title)];
            row.extend(r.fields.iter().map(|(_, text)| or_dash(clean(text))));
            row.push(mean_text(r.point.aggregate.mean));
            row.push(r.point.aggregate.n.to_string());
            row.push(r.point.aggregate.dont_know.to_string());
            row
        })
        .collect();
    if table.is_empty() {
        out.push(Block::Note { text: EMPTY.into() });
    } else {
        let widths = vec![3; header.len()];
        out.push(Block::Table {
            header,
            rows: table,
            widths,
        });
    }
    let pains: Vec<String> = process::top_pain_points(board, template)
        .into_iter()
        .map(|p| {
            format!(
                "{}. {}: {} ({})",
                p.rank,
                clean(&p.step_title),
                or_dash(clean(&p.text)),
                super::doc::dots_text(p.dots)
            )
        })
        .collect();
    out.push(Block::Heading {
        level: 3,
        text: "Die drei größten Schmerzpunkte (nach Punkten)".into(),
    });
    out.push(if pains.is_empty() {
        Block::Note {
            text: "Noch keine Punkte vergeben.".into(),
        }
    } else {
        Block::List { items: pains }
    });
}

/// Each factor's figures, the columns' means (the radar's axes) and the
/// Handlungsbedarf.
fn factor_figures(template: &Template, board: &BoardState, out: &mut Vec<Block>) {
    let check = factors::factor_check(board, template);
    out.push(Block::Heading {
        level: 3,
        text: "Bewertung der Faktoren".into(),
    });
    let rows = check
        .items
        .iter()
        .map(|i| {
            let column = template
                .section(i.section)
                .map_or(i.section, Section::short_label);
            vec![
                clean(&i.label),
                column.to_owned(),
                mean_text(i.aggregate.mean),
                mean_text(i.aggregate.median),
                i.aggregate.n.to_string(),
                i.aggregate
                    .consensus
                    .map_or_else(|| "–".to_owned(), |c| c.label_de().to_owned()),
                if i.needs_action { "ja" } else { "–" }.to_owned(),
            ]
        })
        .collect();
    out.push(Block::Table {
        header: [
            "Faktor",
            "Spalte",
            "Mittelwert",
            "Median",
            "n",
            "Konsens/Dissens",
            "Handlungsbedarf",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
        widths: vec![10, 6, 3, 3, 2, 4, 4],
    });
    out.push(Block::Heading {
        level: 3,
        text: "Mittelwert je Spalte (Netzdiagramm)".into(),
    });
    out.push(Block::Table {
        header: ["Spalte", "Mittelwert", "Bewertete Faktoren"]
            .map(str::to_owned)
            .to_vec(),
        rows: check
            .columns
            .iter()
            .map(|c| {
                vec![
                    c.label.to_owned(),
                    mean_text(c.mean),
                    c.rated_items.to_string(),
                ]
            })
            .collect(),
        widths: vec![6, 3, 3],
    });
    let kommunen = factors::kommunen_with_figures(&check);
    if !kommunen.is_empty() {
        out.push(Block::Heading {
            level: 3,
            text: "Mittelwert je Kommune".into(),
        });
        out.push(Block::Note {
            text: "Nur wo mindestens 3 Personen der Kommune bewertet haben.".into(),
        });
        let mut header = vec!["Faktor".to_owned()];
        header.extend(kommunen.iter().cloned());
        let rows = check
            .items
            .iter()
            .filter(|i| kommunen.iter().any(|k| i.kommune_mean(k).is_some()))
            .map(|i| {
                let mut row = vec![clean(&i.label)];
                row.extend(kommunen.iter().map(|k| mean_text(i.kommune_mean(k))));
                row
            })
            .collect();
        let mut widths = vec![10];
        widths.extend(kommunen.iter().map(|_| 3));
        out.push(Block::Table {
            header,
            rows,
            widths,
        });
    }
    let needs: Vec<String> = check
        .items
        .iter()
        .filter(|i| i.needs_action)
        .map(|i| format!("{} ({})", clean(&i.label), mean_text(i.aggregate.mean)))
        .collect();
    out.push(Block::Heading {
        level: 3,
        text: "Handlungsbedarf".into(),
    });
    out.push(if needs.is_empty() {
        Block::Note {
            text: "Kein Faktor mit Mittelwert unter 3 oder Dissens.".into(),
        }
    } else {
        Block::List { items: needs }
    });
}

/// Progress per phase (traffic light), the hints and overdue items, then
/// one table per phase (the Antrag's Zeit- und Arbeitsplan).
fn progress(template: &Template, board: &BoardState, today: &str, out: &mut Vec<Block>) {
    let check = phases::phase_check(board, template, today);
    out.push(Block::Heading {
        level: 3,
        text: "Fortschritt je Phase".into(),
    });
    out.push(Block::Table {
        header: ["Phase", "Erledigt", "Anteil", "Ampel"]
            .map(str::to_owned)
            .to_vec(),
        rows: check
            .phases
            .iter()
            .map(|p| {
                let label = if p.current {
                    format!("{} (aktuelle Phase)", p.label)
                } else {
                    p.label.to_owned()
                };
                vec![
                    label,
                    format!("{} von {}", p.done, p.items.saturating_sub(p.not_applying)),
                    percent_text(p.share),
                    p.light.map_or("–", |l| l.label_de()).to_owned(),
                ]
            })
            .collect(),
        widths: vec![6, 3, 3, 3],
    });
    for hint in &check.hints {
        out.push(Block::Paragraph {
            text: format!("Hinweis: {}", hint.text),
        });
    }
    if !check.overdue.is_empty() {
        out.push(Block::Heading {
            level: 3,
            text: "Überfällig".into(),
        });
        out.push(Block::List {
            items: check
                .overdue
                .iter()
                .map(|o| format!("{} – bis {}", clean(&o.label), german_date(&o.due)))
                .collect(),
        });
    }
    for table in phases::phase_tables(board, template) {
        out.push(Block::Heading {
            level: 3,
            text: format!("Zeit- und Arbeitsplan: {}", table.label),
        });
        out.push(Block::Table {
            header: ["Nr.", "Maßnahme", "Status", WER.label, "Bis wann", "Notiz"]
                .map(str::to_owned)
                .to_vec(),
            rows: table
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.number.to_string(),
                        clean(&r.label),
                        r.status.label_de().to_owned(),
                        or_dash(clean(&r.wer)),
                        r.due.as_deref().map_or_else(|| "–".to_owned(), german_date),
                        or_dash(clean(&r.note)),
                    ]
                })
                .collect(),
            widths: vec![2, 10, 3, 4, 3, 6],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::board::{apply, Author, Op, RatingSlot};
    use app::domain::evaluation::criteria::{CriterionKey, RatingValue};
    use app::domain::templates::further::ERFUELLT;
    use app::domain::templates::{fixed_card_id, ERFOLGSFAKTOREN};

    fn rate(board: &mut BoardState, who: &str, kommune: &str, item: &str, score: u8) {
        let author = Author {
            id: who.into(),
            name: who.into(),
            kommune: kommune.into(),
            moderator: false,
        };
        let op = Op::Rate {
            card_id: fixed_card_id(ERFOLGSFAKTOREN.key, item),
            criterion: CriterionKey::new(ERFUELLT.key),
            value: Some(RatingSlot::Given(RatingValue::Score(score))),
        };
        apply(board, &ERFOLGSFAKTOREN, &author, &op).expect("rated");
    }

    fn table_after<'a>(blocks: &'a [Block], heading: &str) -> Option<&'a Block> {
        let at = blocks
            .iter()
            .position(|b| matches!(b, Block::Heading { text, .. } if text == heading))?;
        blocks[at..]
            .iter()
            .find(|b| matches!(b, Block::Table { .. }))
    }

    #[test]
    fn the_factors_per_kommune_show_only_where_three_of_its_people_rated() {
        let mut board = BoardState::default();
        // Astadt: three people on the first item (4, 5, 4 → 4,3), two on
        // the second; Bdorf: two people, never shown.
        for (who, score) in [("a1", 4), ("a2", 5), ("a3", 4)] {
            rate(&mut board, who, "Astadt", "unterstuetzung-1", score);
        }
        for who in ["a1", "a2"] {
            rate(&mut board, who, "Astadt", "unterstuetzung-2", 2);
        }
        for who in ["b1", "b2"] {
            rate(&mut board, who, "Bdorf", "unterstuetzung-1", 1);
        }
        let mut blocks = Vec::new();
        method(
            &ERFOLGSFAKTOREN,
            &board,
            &BTreeMap::new(),
            &[],
            "2026-12-01",
            &mut blocks,
        );
        let Some(Block::Table { header, rows, .. }) = table_after(&blocks, "Mittelwert je Kommune")
        else {
            panic!("no table per Kommune: {blocks:#?}");
        };
        assert_eq!(header, &["Faktor", "Astadt"]);
        assert_eq!(
            rows,
            &[vec![
                "Gestaltungswille der Bürgermeisterinnen und Bürgermeister".to_owned(),
                "4,3".to_owned()
            ]]
        );

        // Nobody's Kommune reaches three: no table at all.
        let mut two = BoardState::default();
        for who in ["a1", "a2"] {
            rate(&mut two, who, "Astadt", "unterstuetzung-1", 3);
        }
        let mut blocks = Vec::new();
        method(
            &ERFOLGSFAKTOREN,
            &two,
            &BTreeMap::new(),
            &[],
            "2026-12-01",
            &mut blocks,
        );
        assert!(table_after(&blocks, "Mittelwert je Kommune").is_none());
    }

    #[test]
    fn one_dot_is_one_punkt() {
        assert_eq!(super::super::doc::dots_text(1), "1 Punkt");
        assert_eq!(super::super::doc::dots_text(3), "3 Punkte");
    }
}
