//! CSV for German Excel: UTF-8 with BOM (so Excel detects the encoding),
//! `;` as separator, decimal comma, CRLF line ends, quoting where needed.
//! One row per idea and criterion with the aggregates and the single
//! ratings. Cells that a spreadsheet would read as a formula are neutralised.

use super::{de_opt, mean_text, notes, rank_text, rating_text, score_text, sd_text};
use super::{ExportData, ExportError};
use app::domain::board::IdeaFlag;
use app::domain::sketch::{EINSATZFELD_LABEL, KOOPERATIONSFORM_LABEL};

/// Prefixes `'` to a cell starting with `=`, `+`, `-`, `@`, tab or CR, so
/// Excel and LibreOffice show it as text instead of running it as a formula.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

pub const HEADER: [&str; 21] = [
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
];

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
                    let record = [
                        group.name.clone(),
                        rank_text(idea.rank),
                        idea.title.clone(),
                        score_text(idea.score.score),
                        c.label.to_owned(),
                        de_opt(Some(data.settings.weights.get(c)), 2),
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
                    ];
                    w.write_record(record.iter().map(|cell| neutralise(cell)))?;
                }
            }
        }
        w.flush()?;
    }
    Ok(buf)
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
