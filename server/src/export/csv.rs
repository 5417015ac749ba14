//! CSV for German Excel: UTF-8 with BOM (so Excel detects the encoding),
//! `;` as separator, decimal comma, CRLF line ends, quoting where needed.
//! One row per idea and criterion with the aggregates and the single
//! ratings. Cells that a spreadsheet would read as a formula are neutralised.

use super::{de_opt, rating_text, ExportData, ExportError};
use app::domain::board::IdeaFlag;
use app::domain::scoring::Criterion;
use app::domain::sketch::{EINSATZFELD_LABEL, KOOPERATIONSFORM_LABEL};

/// Prefixes `'` to a cell starting with `=`, `+`, `-`, `@`, tab or CR, so
/// Excel and LibreOffice show it as text instead of running it as a formula.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

pub const HEADER: [&str; 19] = [
    "Gruppe",
    "Rang",
    "Idee",
    "Score",
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
                for c in Criterion::ALL {
                    let a = idea.score.criterion(c);
                    let singles = idea
                        .ratings
                        .iter()
                        .filter_map(|r| {
                            r.values[c.index()]
                                .map(|v| format!("{}: {}", r.label, rating_text(Some(v))))
                        })
                        .collect::<Vec<_>>()
                        .join(" | ");
                    let record = [
                        group.name.clone(),
                        idea.rank.to_string(),
                        idea.title.clone(),
                        de_opt(idea.score.score, 1),
                        c.label_de().to_owned(),
                        de_opt(Some(data.settings.weights.get(c)), 2),
                        a.n.to_string(),
                        a.dont_know.to_string(),
                        de_opt(a.mean, 2),
                        de_opt(a.median, 1),
                        a.min.map_or_else(String::new, |v| v.to_string()),
                        a.max.map_or_else(String::new, |v| v.to_string()),
                        de_opt(a.std_dev, 2),
                        a.consensus
                            .map(|k| k.label_de())
                            .unwrap_or_default()
                            .to_owned(),
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
