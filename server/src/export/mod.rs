//! Exports of workshop results for a municipal office: PDF, DOCX, ODT, XLSX,
//! CSV, Markdown and JSON (which can be imported again).
//!
//! [`ExportData`] is gathered once from committed data; each format is a pure
//! function of it. PDF, DOCX, ODT and Markdown all render the same document
//! model ([`doc::document`]), so they carry the same content.

pub mod antrag;
pub mod csv;
pub mod doc;
pub mod docx;
mod further;
pub mod gather;
pub mod json;
pub mod kosten;
pub mod markdown;
pub mod odt;
pub mod pdf;
mod rest;
pub mod xlsx;

use app::api::GroupView;
use app::domain::board::{BoardState, RatingSlot, Sketch};
use app::domain::evaluation::portfolio::ChartModel;
use app::domain::evaluation::redaction::{
    people_in, pseudonym, pseudonym_id, pseudonymise, pseudonyms, Medium,
};
use app::domain::evaluation::view::{evaluate_group, evaluate_joint, JointEvaluation, Placement};
use app::domain::evaluation::{CriterionDef, IdeaScore, RatingValue, ScoringError};
use app::domain::session::{is_xml_char, xml_safe};
use app::domain::settings::SessionSettings;
use app::domain::templates;
use std::collections::BTreeMap;

/// What a document is for: the workshop's results (the Ergebnisprotokoll,
/// every format) or the Antragsentwurf (antrag.md §1; documents only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Profile {
    #[default]
    Ergebnisprotokoll,
    Antragsentwurf,
}

impl Profile {
    /// The `?profil=` word; `None` for an unknown one.
    pub fn parse(key: &str) -> Option<Profile> {
        match key {
            "ergebnisprotokoll" => Some(Profile::Ergebnisprotokoll),
            "antrag" => Some(Profile::Antragsentwurf),
            _ => None,
        }
    }

    /// Whether `format` can carry this profile (the Antragsentwurf is a
    /// document to edit, not a sheet).
    pub fn fits(self, format: Format) -> bool {
        self == Profile::Ergebnisprotokoll || format.medium() == Medium::Document
    }
}

/// Every file format the app can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
    Odt,
    Xlsx,
    Csv,
    Markdown,
    Json,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Pdf,
        Format::Docx,
        Format::Odt,
        Format::Xlsx,
        Format::Csv,
        Format::Markdown,
        Format::Json,
    ];

    /// The path segment naming the format (`/export/{format}`).
    pub fn parse(key: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn key(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Markdown => "md",
            Format::Json => "json",
        }
    }

    pub fn extension(self) -> &'static str {
        self.key()
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Json => "application/json",
        }
    }

    /// Documents leave the workshop; sheets (and the JSON) carry raw ratings.
    pub fn medium(self) -> Medium {
        match self {
            Format::Pdf | Format::Docx | Format::Odt | Format::Markdown => Medium::Document,
            Format::Xlsx | Format::Csv | Format::Json => Medium::RawSheet,
        }
    }

    /// Renders `data` in this format, with the people in it as the
    /// moderator's switch allows for this kind of file
    /// ([`ExportData::for_medium`]). CPU-bound: call it off the async runtime.
    pub fn render(self, data: &ExportData) -> Result<Vec<u8>, ExportError> {
        let data = &data.for_medium(self.medium());
        match self {
            Format::Pdf => pdf::render(data),
            Format::Docx => docx::render(data),
            Format::Odt => odt::render(data),
            Format::Xlsx => xlsx::render(data),
            Format::Csv => csv::render(data),
            Format::Markdown => Ok(markdown::render(data).into_bytes()),
            Format::Json => json::render(data),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("scoring: {0}")]
    Scoring(#[from] ScoringError),
    #[error("typesetting failed: {0}")]
    Typst(String),
    #[error("DOCX: {0}")]
    Docx(String),
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("ZIP: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The cost split's inputs are refused (German message for the user).
    #[error("{0}")]
    Cost(#[from] ikz_antrag::cost::CostError),
    /// The Kostenaufteilung board does not read as the calculator's input
    /// (German message naming the Kommune and field).
    #[error("{0}")]
    Kosten(#[from] app::domain::kosten::KostenError),
}

/// One rater's answers on one idea, as the export names them.
#[derive(Debug, Clone, PartialEq)]
pub struct RaterRow {
    /// The rater's participant id (a pseudonym key after [`ExportData::for_medium`]).
    pub person: String,
    /// Display name, or "Person n" where the export is pseudonymous.
    pub label: String,
    /// In the order of the method's criteria; `None` where this rater gave no answer.
    pub values: Vec<Option<RatingValue>>,
}

/// A KI idea as the evaluation engine ranked it, with its sketch.
#[derive(Debug, Clone, PartialEq)]
pub struct Idea {
    pub card_id: String,
    pub title: String,
    /// Competition rank within the group (1, 1, 3); `None` (shown "–") for
    /// an unrated idea.
    pub rank: Option<usize>,
    pub score: IdeaScore,
    pub placement: Placement,
    /// "Nutzwert unvollständig: ohne …"
    pub incomplete: Option<String>,
    pub raters: usize,
    pub sketch: Sketch,
    pub ratings: Vec<RaterRow>,
    /// The KI-VO- und Datenschutz-Vorprüfung (`None`: not checked), as the
    /// domain evaluates the card (`app::domain::kivo`).
    pub kivo: Option<app::domain::kivo::KivoResult>,
}

impl Idea {
    /// "hoch (unvollständig)", "minimal", "nicht geprüft": the class line
    /// of every format.
    pub fn kivo_summary(&self) -> String {
        self.kivo.as_ref().map_or_else(
            || app::domain::kivo::NOT_CHECKED.to_owned(),
            app::domain::kivo::summary_of,
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupData {
    pub id: String,
    pub name: String,
    pub colour: String,
    /// Template key → board, for the methods the session uses.
    pub boards: BTreeMap<String, BoardState>,
    /// The criteria the ideas are rated on (the KI method's).
    pub criteria: &'static [CriterionDef],
    /// Ideas ordered by rank.
    pub ideas: Vec<Idea>,
    /// The portfolio of the ideas (engine's chart model).
    pub chart: Option<ChartModel>,
    /// The Kommunen of the group: its card authors' and, added by
    /// [`ExportData::with_members`], its members', sorted.
    pub kommunen: Vec<String>,
}

/// Everything an export shows, gathered once from committed data.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportData {
    pub title: String,
    /// `YYYY-MM-DD`
    pub date: String,
    pub place: String,
    pub settings: SessionSettings,
    pub groups: Vec<GroupData>,
    /// The whole session (rather than one group).
    pub whole_session: bool,
    /// Others' ratings were withheld (blind rating, exported by a participant).
    pub ratings_hidden: bool,
    /// The Kommunen present (attendance), sorted: those of the card authors
    /// and, added by [`ExportData::with_kommunen`], of the members.
    pub kommunen: Vec<String>,
    /// The joint ranking of all groups (whole session with several groups).
    pub joint: Option<JointEvaluation>,
    /// Participant id → pseudonym number, over the whole session.
    pub pseudonyms: BTreeMap<String, usize>,
    /// The changes since the last saved stand ("Stand sichern"), for the
    /// moderator's documents; `None` without a stand.
    pub since: Option<Since>,
    pub profile: Profile,
}

/// The last saved stand and what changed since.
#[derive(Debug, Clone, PartialEq)]
pub struct Since {
    pub stand: app::domain::stand::Stand,
    pub diff: app::domain::stand::StandDiff,
}

/// The session's facts as the store has them.
pub struct SessionFacts<'a> {
    pub title: &'a str,
    pub date: &'a str,
    pub place: &'a str,
}

impl ExportData {
    /// Builds the export of `only_group` (or of every group) from all boards
    /// of the session (`"<group>:<template>"` → state), with names; each
    /// format renders it through [`ExportData::for_medium`].
    ///
    /// Pseudonyms ("Person 1, 2, …") are numbered over the whole session
    /// in id order, so a group's export and the session's export give a
    /// person the same number.
    pub fn build(
        facts: SessionFacts<'_>,
        settings: &SessionSettings,
        groups: &[GroupView],
        boards: &BTreeMap<String, BoardState>,
        only_group: Option<&str>,
        ratings_hidden: bool,
    ) -> Result<Self, ExportError> {
        let numbers = pseudonyms(boards.values());
        let mut out = Vec::new();
        let mut evaluations = Vec::new();
        for group in groups {
            if only_group.is_some_and(|g| g != group.id) {
                continue;
            }
            let mut group_boards = BTreeMap::new();
            for method in &settings.methods {
                let Some(template) = templates::find(method) else {
                    continue;
                };
                let id = app::domain::board::board_id(&group.id, template.key);
                let mut board = boards.get(&id).cloned().unwrap_or_default();
                if ratings_hidden {
                    json::without_hidden(&mut board);
                }
                group_boards.insert(template.key.to_owned(), board);
            }
            let name = clean(&group.name);
            let ki = group_boards.get(templates::KI.key).cloned();
            let evaluation = match &ki {
                Some(board) => Some(evaluate_group(board, &templates::KI, &settings.weights)?),
                None => None,
            };
            let (ideas, chart) = match (&ki, &evaluation) {
                (Some(board), Some(evaluation)) => (
                    ideas(board, evaluation),
                    clean_chart(evaluation.chart.clone()),
                ),
                _ => (Vec::new(), None),
            };
            if let Some(evaluation) = evaluation {
                evaluations.push((name.clone(), evaluation));
            }
            let kommunen = sorted_kommunen(
                group_boards
                    .values()
                    .flat_map(|b| b.sections.values().flatten())
                    .map(|c| c.author.kommune.clone()),
            );
            out.push(GroupData {
                id: group.id.clone(),
                name,
                colour: group.colour.clone(),
                boards: group_boards,
                criteria: templates::KI.criteria,
                ideas,
                chart,
                kommunen,
            });
        }
        let authors: Vec<String> = out
            .iter()
            .flat_map(|g| g.boards.values())
            .flat_map(|b| b.sections.values().flatten())
            .map(|c| c.author.kommune.clone())
            .collect();
        let joint = if only_group.is_none() && out.len() > 1 {
            let mut joint = evaluate_joint(
                templates::KI.criteria,
                evaluations.iter().map(|(name, e)| (name.as_str(), e)),
                &settings.weights,
                &settings.merges,
            )?;
            for idea in &mut joint.ideas {
                idea.row.title = clean(&idea.row.title);
                for title in &mut idea.row.merged {
                    *title = clean(title);
                }
            }
            joint.chart = clean_chart(joint.chart);
            Some(joint)
        } else {
            None
        };
        Ok(ExportData {
            title: clean(facts.title),
            date: facts.date.to_owned(),
            place: clean(facts.place),
            settings: settings.clone(),
            groups: out,
            whole_session: only_group.is_none(),
            ratings_hidden,
            kommunen: Vec::new(),
            joint,
            pseudonyms: numbers,
            since: None,
            profile: Profile::default(),
        }
        .with_kommunen(authors))
    }

    /// This data as a file of `medium` may show it (the one rule,
    /// `evaluation::redaction::people_in`): without single ratings where
    /// they are off, and with every person as "Person n" unless the
    /// moderator switched names on.
    pub fn for_medium(&self, medium: Medium) -> ExportData {
        let people = people_in(self.settings.single_ratings, medium);
        let mut data = self.clone();
        if !people.names {
            for board in data.groups.iter_mut().flat_map(|g| g.boards.values_mut()) {
                pseudonymise(board, &self.pseudonyms);
            }
            for rater in data
                .groups
                .iter_mut()
                .flat_map(|g| g.ideas.iter_mut())
                .flat_map(|i| i.ratings.iter_mut())
            {
                let n = self.pseudonyms.get(&rater.person).copied().unwrap_or(0);
                rater.person = pseudonym_id(n);
                rater.label = pseudonym(n);
            }
        }
        if !people.single_ratings {
            for idea in data.groups.iter_mut().flat_map(|g| g.ideas.iter_mut()) {
                idea.ratings.clear();
            }
        }
        data
    }

    /// Adds the changes since the last saved stand, of the groups exported.
    pub fn with_since(mut self, since: Option<Since>) -> Self {
        self.since = since.map(|mut s| {
            let groups: Vec<&str> = self.groups.iter().map(|g| g.id.as_str()).collect();
            s.diff
                .boards
                .retain(|b| groups.contains(&b.group_id.as_str()));
            s
        });
        self
    }

    /// Adds Kommunen to the attendance list: sorted (case ignored), each
    /// once, empty names left out.
    pub fn with_kommunen(mut self, more: impl IntoIterator<Item = String>) -> Self {
        let all = std::mem::take(&mut self.kommunen).into_iter().chain(more);
        self.kommunen = sorted_kommunen(all);
        self
    }

    /// Adds the members' Kommunen (group id, Kommune) to the attendance
    /// list and to their groups' lists.
    pub fn with_members(mut self, members: impl IntoIterator<Item = (String, String)>) -> Self {
        let members: Vec<(String, String)> = members.into_iter().collect();
        for group in &mut self.groups {
            let own = members
                .iter()
                .filter(|(g, _)| *g == group.id)
                .map(|(_, k)| k.clone());
            let all = std::mem::take(&mut group.kommunen).into_iter().chain(own);
            group.kommunen = sorted_kommunen(all);
        }
        self.with_kommunen(members.into_iter().map(|(_, k)| k))
    }

    pub fn with_profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// Group name, or "Gesamte Sitzung", for headings and file names;
    /// "Antragsentwurf" before it for that profile.
    pub fn scope_label(&self) -> String {
        let scope = match (self.whole_session, self.groups.first()) {
            (false, Some(g)) => g.name.clone(),
            _ => "Gesamte Sitzung".to_owned(),
        };
        match self.profile {
            Profile::Ergebnisprotokoll => scope,
            Profile::Antragsentwurf => format!("Antragsentwurf {scope}"),
        }
    }

    /// A file name from the session title, the date and (for a group) the
    /// group name, in safe characters only: `IKZ-Workshop_2026-11-25_Gruppe-A.pdf`.
    pub fn file_name(&self, format: Format) -> String {
        let mut stem = title_stem(&self.title);
        stem.push('_');
        stem.push_str(&safe_file_part(&self.date));
        if self.profile == Profile::Antragsentwurf {
            stem.push_str("_Antragsentwurf");
        }
        if !self.whole_session {
            let group = safe_file_part(self.groups.first().map_or("", |g| g.name.as_str()));
            if !group.is_empty() {
                stem.push('_');
                stem.push_str(&group);
            }
        }
        format!("{stem}.{}", format.extension())
    }
}

/// The engine's ranked ideas of a KI board with their sketches and single
/// ratings, texts cleaned for the writers.
fn ideas(
    board: &BoardState,
    evaluation: &app::domain::evaluation::view::GroupEvaluation,
) -> Vec<Idea> {
    evaluation
        .ideas
        .iter()
        .map(|ranked| {
            let row = &ranked.row;
            let card = board.find(&row.card_id).map(|(_, _, c)| c);
            let sketch = card.map(|c| c.sketch.clone()).unwrap_or_default();
            let kivo = card.and_then(app::domain::kivo::result);
            let ratings = board
                .ratings
                .get(&row.card_id)
                .map(|raters| {
                    raters
                        .iter()
                        .map(|(id, r)| RaterRow {
                            person: id.clone(),
                            label: clean(&r.name),
                            values: evaluation
                                .criteria
                                .iter()
                                .map(|c| match r.values.get(c.key) {
                                    Some(RatingSlot::Given(v)) => Some(*v),
                                    _ => None,
                                })
                                .collect(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Idea {
                card_id: row.card_id.clone(),
                title: clean(&row.title),
                rank: ranked.rank,
                score: row.score.clone(),
                placement: ranked.placement.clone(),
                incomplete: ranked.incomplete.clone(),
                raters: row.raters,
                sketch: Sketch {
                    beschreibung: clean(&sketch.beschreibung),
                    kommunen: clean(&sketch.kommunen),
                    daten: clean(&sketch.daten),
                    rechtsgrundlage: clean(&sketch.rechtsgrundlage),
                    naechste_schritte: clean(&sketch.naechste_schritte),
                    ..sketch
                },
                ratings,
                kivo,
            }
        })
        .collect()
}

/// The chart with its idea titles cleaned like every other text.
fn clean_chart(chart: Option<ChartModel>) -> Option<ChartModel> {
    chart.map(|mut chart| {
        for bubble in &mut chart.bubbles {
            bubble.title = clean(&bubble.title);
        }
        chart
    })
}

/// A file name's start from the session title in safe characters, or
/// "IKZ-Werkstatt" for a title with none.
pub fn title_stem(title: &str) -> String {
    let stem = safe_file_part(title);
    if stem.is_empty() {
        "IKZ-Werkstatt".to_owned()
    } else {
        stem
    }
}

/// Kommunen cleaned, sorted (case ignored), each once, empty names left out.
fn sorted_kommunen(all: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = all
        .into_iter()
        .map(|k| clean(&k))
        .filter(|k| !k.trim().is_empty())
        .collect();
    out.sort_by_key(|k| (k.to_lowercase(), k.clone()));
    out.dedup();
    out
}

/// Removes characters that XML 1.0 (DOCX, ODT, XLSX) cannot hold (control
/// characters other than tab and line feed, U+FFFE, U+FFFF); a carriage
/// return becomes a line break.
pub fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|c| (!c.is_control() || *c == '\n' || *c == '\t') && is_xml_char(*c))
        .collect()
}

fn xml_text(text: &mut String) {
    if let std::borrow::Cow::Owned(safe) = xml_safe(text) {
        *text = safe;
    }
}

impl ExportData {
    /// This data with every text stripped of the characters XML 1.0 forbids.
    /// The domain refuses them at the input; each XML writer (DOCX, ODT,
    /// XLSX) still starts from this, so that a text stored before that rule
    /// cannot make the whole file unreadable.
    pub fn xml_safe(&self) -> ExportData {
        let mut data = self.clone();
        for text in [&mut data.title, &mut data.date, &mut data.place] {
            xml_text(text);
        }
        for text in data
            .kommunen
            .iter_mut()
            .chain(data.groups.iter_mut().flat_map(|g| g.kommunen.iter_mut()))
        {
            xml_text(text);
        }
        if let Some(joint) = &mut data.joint {
            for idea in &mut joint.ideas {
                xml_text(&mut idea.row.title);
            }
            if let Some(chart) = &mut joint.chart {
                for bubble in &mut chart.bubbles {
                    xml_text(&mut bubble.title);
                }
            }
        }
        for group in &mut data.groups {
            for text in [&mut group.id, &mut group.name, &mut group.colour] {
                xml_text(text);
            }
            for board in group.boards.values_mut() {
                xml_text(&mut board.subject);
                board.subject_seq = None;
                for card in board.sections.values_mut().flatten() {
                    xml_text(&mut card.text);
                    xml_text(&mut card.author.name);
                    xml_text(&mut card.author.kommune);
                    sketch_xml_safe(&mut card.sketch);
                    card.seqs.clear();
                }
                for rater in board.ratings.values_mut().flat_map(|r| r.values_mut()) {
                    xml_text(&mut rater.name);
                }
            }
            if let Some(chart) = &mut group.chart {
                for bubble in &mut chart.bubbles {
                    xml_text(&mut bubble.title);
                }
            }
            for idea in &mut group.ideas {
                xml_text(&mut idea.title);
                sketch_xml_safe(&mut idea.sketch);
                for rater in &mut idea.ratings {
                    xml_text(&mut rater.label);
                }
            }
        }
        data
    }
}

fn sketch_xml_safe(sketch: &mut Sketch) {
    for text in [
        &mut sketch.beschreibung,
        &mut sketch.kommunen,
        &mut sketch.daten,
        &mut sketch.rechtsgrundlage,
        &mut sketch.naechste_schritte,
    ] {
        xml_text(text);
    }
}

/// Letters, digits (umlauts transliterated), `-`; everything else becomes `-`,
/// runs collapsed, at most 60 characters.
pub fn safe_file_part(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let piece: &str = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'Ä' => "Ae",
            'Ö' => "Oe",
            'Ü' => "Ue",
            'ß' => "ss",
            _ => "",
        };
        if !piece.is_empty() {
            out.push_str(piece);
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(60).collect();
    trimmed.trim_end_matches('-').to_owned()
}

const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// `2026-11-25` → `25. November 2026`; anything else unchanged.
pub fn german_long_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    if let [y, m, d] = parts.as_slice() {
        if let (Ok(m), Ok(d)) = (m.parse::<usize>(), d.parse::<u32>()) {
            if let Some(month) = m.checked_sub(1).and_then(|i| MONTHS.get(i)) {
                return format!("{d}. {month} {y}");
            }
        }
    }
    iso.to_owned()
}

/// Numbers the German way (`3,5`; "–" for none), the engine's one rounding rule.
pub use app::domain::evaluation::rounding::{
    decimal as de_number, decimal_or_dash as de_opt, mean_text, rank_text, score_text, sd_text,
};

/// The engine's notes on an idea: "Daten schaffen" and "Nutzwert
/// unvollständig: ohne …".
pub fn notes(idea: &Idea) -> Vec<String> {
    let mut out = Vec::new();
    if idea.placement.data_badge {
        out.push(app::domain::evaluation::portfolio::DATEN_SCHAFFEN.to_owned());
    }
    out.extend(idea.incomplete.clone());
    out
}

/// "4", "weiß nicht" or "–".
pub fn rating_text(value: Option<RatingValue>) -> String {
    match value {
        Some(RatingValue::DontKnow) => "weiß nicht".to_owned(),
        Some(v) => v.score().map_or_else(|| "–".to_owned(), |s| s.to_string()),
        None => "–".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_numbers_and_file_names_are_german_and_safe() {
        assert_eq!(german_long_date("2026-11-25"), "25. November 2026");
        assert_eq!(german_long_date("2026-03-01"), "1. März 2026");
        assert_eq!(german_long_date("kaputt"), "kaputt");
        assert_eq!(de_number(3.456, 2), "3,46");
        assert_eq!(de_opt(None, 1), "–");
        assert_eq!(
            safe_file_part("Workshop: Größe/../\"Bürgerbüro\" 2026"),
            "Workshop-Groesse-Buergerbuero-2026"
        );
        assert_eq!(safe_file_part("../.."), "");
    }

    #[test]
    fn clean_drops_control_characters_but_keeps_line_breaks() {
        assert_eq!(clean("a\u{0}b\r\nc\u{b}d\te"), "ab\ncd\te");
    }
}
