//! XLSX with rust_xlsxwriter: the raw ratings, the aggregates as real
//! numbers, and the cards and sketches. Text is always written with
//! `write_string`, so a card like `=HYPERLINK(…)` stays text.

use super::{ExportData, ExportError};
use app::domain::evaluation::rounding::{round_half_away, MEAN_PLACES, SCORE_PLACES, SD_PLACES};
use app::domain::evaluation::RatingValue;
use app::domain::templates::{self, WER};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

fn header(sheet: &mut Worksheet, names: &[&str], widths: &[f64]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (col, name) in (0u16..).zip(names) {
        sheet.write_string_with_format(0, col, *name, &bold)?;
        if let Some(w) = widths.get(usize::from(col)) {
            sheet.set_column_width(col, *w)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A figure rounded by the engine's one rule to `places`, shown with
/// exactly those places; nothing for none.
fn opt_number(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    places: usize,
) -> Result<(), XlsxError> {
    if let Some(v) = v.filter(|v| v.is_finite()) {
        let pattern = if places == 0 {
            "0".to_owned()
        } else {
            format!("0.{}", "0".repeat(places))
        };
        let format = Format::new().set_num_format(pattern);
        sheet.write_number_with_format(row, col, round_half_away(v, places), &format)?;
    }
    Ok(())
}

pub fn render(data: &ExportData) -> Result<Vec<u8>, ExportError> {
    let data = &data.xml_safe();
    let mut book = Workbook::new();
    let wrap = Format::new().set_text_wrap();

    let raw = book.add_worksheet();
    raw.set_name("Bewertungen")?;
    header(
        raw,
        &["Gruppe", "Idee", "Kriterium", "Teilnehmende", "Wert"],
        &[18.0, 36.0, 20.0, 22.0, 12.0],
    )?;
    let mut row = 1u32;
    for group in &data.groups {
        for idea in &group.ideas {
            for rater in &idea.ratings {
                for (c, value) in group.criteria.iter().zip(&rater.values) {
                    let Some(value) = *value else {
                        continue;
                    };
                    raw.write_string(row, 0, &group.name)?;
                    raw.write_string(row, 1, &idea.title)?;
                    raw.write_string(row, 2, c.label)?;
                    raw.write_string(row, 3, &rater.label)?;
                    match value {
                        RatingValue::DontKnow => raw.write_string(row, 4, "weiß nicht")?,
                        v => match v.score() {
                            Some(s) => raw.write_number(row, 4, f64::from(s))?,
                            None => raw.write_string(row, 4, "–")?,
                        },
                    };
                    row += 1;
                }
            }
        }
    }

    let agg = book.add_worksheet();
    agg.set_name("Auswertung")?;
    header(
        agg,
        // The CSV's columns up to "Konsens": one vocabulary for both.
        &super::csv::HEADER[..16],
        &[
            18.0, 6.0, 36.0, 8.0, 20.0, 8.0, 5.0, 10.0, 11.0, 8.0, 5.0, 5.0, 18.0, 10.0, 30.0, 40.0,
        ],
    )?;
    let mut row = 1u32;
    for group in &data.groups {
        for idea in &group.ideas {
            for (c, a) in group.criteria.iter().zip(&idea.score.per_criterion) {
                agg.write_string(row, 0, &group.name)?;
                match idea.rank {
                    Some(rank) => agg.write_number(row, 1, rank as f64)?,
                    None => agg.write_string(row, 1, super::rank_text(None))?,
                };
                agg.write_string(row, 2, &idea.title)?;
                opt_number(agg, row, 3, idea.score.score, SCORE_PLACES)?;
                agg.write_string(row, 4, c.label)?;
                agg.write_number(row, 5, data.settings.weights.get(c))?;
                agg.write_number(row, 6, f64::from(a.n))?;
                agg.write_number(row, 7, f64::from(a.dont_know))?;
                opt_number(agg, row, 8, a.mean, MEAN_PLACES)?;
                opt_number(agg, row, 9, a.median, MEAN_PLACES)?;
                opt_number(agg, row, 10, a.min.map(f64::from), 0)?;
                opt_number(agg, row, 11, a.max.map(f64::from), 0)?;
                opt_number(agg, row, 12, a.std_dev, SD_PLACES)?;
                if let Some(k) = a.consensus {
                    agg.write_string(row, 13, k.label_de())?;
                }
                agg.write_string(
                    row,
                    14,
                    idea.placement.quadrant.map_or("–", |q| q.label_de()),
                )?;
                agg.write_string(row, 15, super::notes(idea).join("; "))?;
                row += 1;
            }
        }
    }

    let cards = book.add_worksheet();
    cards.set_name("Karten")?;
    header(
        cards,
        &[
            "Gruppe",
            "Methode",
            "Bereich",
            "Text",
            "Verfasst von",
            "Kommune",
            "Bezieht sich auf",
            "Angaben",
            "Status",
            WER.label,
            "Bis wann",
            "Haltungen",
            "Kernziel",
            "Punkte",
        ],
        &[
            18.0, 22.0, 26.0, 60.0, 20.0, 20.0, 40.0, 50.0, 14.0, 18.0, 12.0, 30.0, 10.0, 8.0,
        ],
    )?;
    let mut row = 1u32;
    for group in &data.groups {
        for (key, board) in &group.boards {
            let Some(template) = templates::find(key) else {
                continue;
            };
            // Fixed items are rows even on a board nobody has touched.
            let board = board.materialised(template);
            for section in template.sections {
                for card in board.cards(section.id) {
                    // The same facts, in the same words, as the documents' tables.
                    let facts = super::further::card_facts(template, section, &board, card);
                    cards.write_string(row, 0, &group.name)?;
                    cards.write_string(row, 1, template.title)?;
                    cards.write_string(row, 2, section.document_label())?;
                    cards.write_string_with_format(row, 3, &facts.text, &wrap)?;
                    cards.write_string(row, 4, super::clean(&card.author.name))?;
                    cards.write_string(row, 5, super::clean(&card.author.kommune))?;
                    let links: Vec<String> = card
                        .links
                        .iter()
                        .filter_map(|l| {
                            board.find(l).map(|(field, _, t)| {
                                template.card_name_short(field, &super::clean(&t.text))
                            })
                        })
                        .collect();
                    cards.write_string(row, 6, links.join("; "))?;
                    let fields: Vec<String> = facts
                        .fields
                        .iter()
                        .filter(|(_, value)| value != "–")
                        .map(|(label, value)| format!("{label}: {value}"))
                        .collect();
                    cards.write_string_with_format(row, 7, fields.join("\n"), &wrap)?;
                    if let Some(task) = &facts.task {
                        cards.write_string(row, 8, &task.status)?;
                        cards.write_string(row, 9, &task.wer)?;
                        cards.write_string(row, 10, &task.due)?;
                    }
                    if let Some(goal) = &facts.goal {
                        cards.write_string(row, 11, &goal.stances)?;
                        cards.write_string(row, 12, &goal.core)?;
                    }
                    cards.write_number(row, 13, f64::from(facts.dots))?;
                    row += 1;
                }
            }
        }
    }

    let sketches = book.add_worksheet();
    sketches.set_name("Projektskizzen")?;
    // The same fields and wording as the documents' Projektskizze.
    let mut fields = super::doc::sketch_rows(&Default::default());
    fields.extend(super::doc::kivo_rows(None));
    let mut names = vec!["Gruppe", "Idee"];
    names.extend(fields.iter().map(|[label, _]| label.as_str()));
    let mut widths = vec![18.0, 30.0];
    widths.extend(fields.iter().map(|_| 30.0));
    header(sketches, &names, &widths)?;
    let mut row = 1u32;
    for group in &data.groups {
        for idea in &group.ideas {
            sketches.write_string(row, 0, &group.name)?;
            sketches.write_string(row, 1, &idea.title)?;
            let mut cells = super::doc::sketch_rows(&idea.sketch);
            cells.extend(super::doc::kivo_rows(idea.kivo.as_ref()));
            for (col, [_, content]) in (2u16..).zip(&cells) {
                sketches.write_string_with_format(row, col, content, &wrap)?;
            }
            row += 1;
        }
    }

    let attendance = book.add_worksheet();
    attendance.set_name("Teilnahme")?;
    header(attendance, &["Teilnehmende Kommunen"], &[40.0])?;
    for (row, kommune) in (1u32..).zip(&data.kommunen) {
        attendance.write_string(row, 0, kommune)?;
    }
    Ok(book.save_to_buffer()?)
}
