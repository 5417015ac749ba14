//! CSV for German Excel: UTF-8 with BOM (so Excel detects the encoding),
//! `;` as separator, decimal comma, CRLF line ends, quoting where needed.
//! One table: a row per KI idea and criterion with the aggregates and the
//! single ratings, then a row per card of every other method (per criterion
//! where its section is rated, with the aggregates only), each row naming
//! its method and section in two columns, so a filter in Excel picks one
//! method; the KI ideas' KI-VO-Vorprüfung (class only) in the last column,
//! appended so the earlier columns kept their places. Cells that a spreadsheet would read as a formula are
//! neutralised.

use super::{de_opt, mean_text, notes, rank_text, rating_text, score_text, sd_text};
use super::{ExportData, ExportError};
use app::domain::board::{BoardState, IdeaFlag};
use app::domain::evaluation::aggregate::{aggregate, CriterionAggregate};
use app::domain::rating;
use app::domain::sketch::{EINSATZFELD_LABEL, KOOPERATIONSFORM_LABEL};
use app::domain::templates::{self, Template, KI};

/// Prefixes `'` to a cell starting with `=`, `+`, `-`, `@`, tab or CR, so
/// Excel and LibreOffice show it as text instead of running it as a formula.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

pub const HEADER: [&str; 24] = [
    "Gruppe",
    "Rang",
    "Idee",
    "Nutzwert",
    "Kriterium",
    "Gewicht",
    "n",
    "weiß nicht",
    "Mittelwert",
    "Median",
    "Min",
    "Max",
    "Standardabweichung",
    "Konsens",
    "Quadrant",
    "Hinweise",
    IdeaFlag::PersonalData.label_de(),
    IdeaFlag::HighRisk.label_de(),
    EINSATZFELD_LABEL,
    KOOPERATIONSFORM_LABEL,
    "Einzelbewertungen",
    "Methode",
    "Bereich",
    KIVO_COLUMN,
];

/// The KI ideas' pre-check column: the class in a word and whether it is
/// complete ("hoch (unvollständig)"); empty on other methods' rows.
pub const KIVO_COLUMN: &str = "KI-VO-Vorprüfung";

pub fn render(data: &ExportData) -> Result<Vec<u8>, ExportError> {
    let mut buf = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(::csv::Terminator::CRLF)
            .quote_style(::csv::QuoteStyle::Necessary)
            .from_writer(&mut buf);
        w.write_record(HEADER)?;
        let yes_no = |b: bool| if b { "ja" } else { "nein" }.to_owned();
        let ideas_section = KI.sections.first().map_or("", |s| s.document_label());
        for group in &data.groups {
            for idea in &group.ideas {
                let quadrant = idea
                    .placement
                    .quadrant
                    .map_or("–", |q| q.label_de())
                    .to_owned();
                for (i, (c, a)) in group
                    .criteria
                    .iter()
                    .zip(&idea.score.per_criterion)
                    .enumerate()
                {
                    let singles = idea
                        .ratings
                        .iter()
                        .filter_map(|r| {
                            r.values
                                .get(i)
                                .copied()
                                .flatten()
                                .map(|v| format!("{}: {}", r.label, rating_text(Some(v))))
                        })
                        .collect::<Vec<_>>()
                        .join(" | ");
                    let [n, dont_know, mean, median, min, max, sd, consensus] = aggregate_cells(a);
                    let record = [
                        group.name.clone(),
                        rank_text(idea.rank),
                        idea.title.clone(),
                        score_text(idea.score.score),
                        c.label.to_owned(),
                        de_opt(Some(data.settings.weights.get(c)), 2),
                        n,
                        dont_know,
                        mean,
                        median,
                        min,
                        max,
                        sd,
                        consensus,
                        quadrant.clone(),
                        notes(idea).join("; "),
                        yes_no(idea.sketch.personal_data),
                        yes_no(idea.sketch.high_risk),
                        idea.sketch
                            .einsatzfeld
                            .map_or("", |f| f.label_de())
                            .to_owned(),
                        idea.sketch
                            .kooperationsform
                            .map_or("", |k| k.label_de())
                            .to_owned(),
                        singles,
                        KI.title.to_owned(),
                        ideas_section.to_owned(),
                        idea.kivo_summary(),
                    ];
                    w.write_record(record.iter().map(|cell| neutralise(cell)))?;
                }
            }
            for template in templates::ALL.iter().filter(|t| t.key != KI.key) {
                if let Some(board) = group.boards.get(template.key) {
                    for record in card_rows(&group.name, template, board) {
                        w.write_record(record.iter().map(|cell| neutralise(cell)))?;
                    }
                }
            }
        }
        w.flush()?;
    }
    Ok(buf)
}

/// The rows of one method's board other than the KI ideas: one per card,
/// or one per card and criterion where the section is rated (aggregates
/// only: single ratings of these methods stay out of the CSV). What a card
/// carries besides its text goes into "Hinweise", in the documents' words.
/// A criterion's aggregate as the eight cells n … Konsens, for the KI
/// ranking's rows and every other rated card's rows alike.
fn aggregate_cells(a: &CriterionAggregate) -> [String; 8] {
    [
        a.n.to_string(),
        a.dont_know.to_string(),
        mean_text(a.mean),
        mean_text(a.median),
        a.min.map_or_else(String::new, |v| v.to_string()),
        a.max.map_or_else(String::new, |v| v.to_string()),
        sd_text(a.std_dev),
        a.consensus
            .map(|k| k.label_de())
            .unwrap_or_default()
            .to_owned(),
    ]
}

fn card_rows(group: &str, template: &Template, board: &BoardState) -> Vec<[String; 24]> {
    let board = board.materialised(template);
    let mut rows = Vec::new();
    for section in template.sections {
        for card in board.cards(section.id) {
            let facts = super::further::card_facts(template, section, &board, card);
            let mut hints: Vec<String> = facts
                .fields
                .iter()
                .filter(|(_, value)| value != "–")
                .map(|(label, value)| format!("{label}: {value}"))
                .collect();
            if let Some(task) = &facts.task {
                hints.push(format!("Status: {}", task.status));
                hints.push(format!("Wer: {}", task.wer));
                hints.push(format!("Bis wann: {}", task.due));
            }
            if let Some(goal) = &facts.goal {
                hints.push(format!("Haltungen: {}", goal.stances));
                hints.push(format!("Kernziel: {}", goal.core));
            }
            if facts.kommune != "–" {
                hints.push(format!("Kommune: {}", facts.kommune));
            }
            if facts.dots > 0 {
                hints.push(format!("Punkte: {}", facts.dots));
            }
            let row = |criterion: String, figures: [String; 8]| -> [String; 24] {
                let [n, dont_know, mean, median, min, max, sd, consensus] = figures;
                [
                    group.to_owned(),
                    String::new(),
                    facts.text.clone(),
                    String::new(),
                    criterion,
                    String::new(),
                    n,
                    dont_know,
                    mean,
                    median,
                    min,
                    max,
                    sd,
                    consensus,
                    String::new(),
                    hints.join("; "),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    template.title.to_owned(),
                    section.document_label().to_owned(),
                    String::new(),
                ]
            };
            if section.criteria.is_empty() {
                rows.push(row(String::new(), Default::default()));
                continue;
            }
            let values = rating::values(&board, section.criteria, &card.id);
            for (criterion, values) in section.criteria.iter().zip(values) {
                rows.push(row(
                    criterion.label.to_owned(),
                    aggregate_cells(&aggregate(&values)),
                ));
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_like_cells_are_neutralised() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad}");
        }
        assert_eq!(neutralise("Chatbot"), "Chatbot");
        assert_eq!(neutralise("3,5"), "3,5");
    }
}
