//! JSON of a whole session (schema `ikz-werkstatt/session`, version 3) and
//! its import as a new session.
//!
//! # Schema, version 3
//! ```text
//! { "schema": "ikz-werkstatt/session", "version": 1,
//!   "session":  { "title", "date" (YYYY-MM-DD), "place" },
//!   "settings": { "methods": [template keys], "weights": {criterion key: weight},
//!                 "ratings_revealed",
//!                 "single_ratings" ("off" | "pseudonymous" | "named"),
//!                 "merges": [{first, second}], … },
//!   "groups": [ { "id", "name", "colour", "boards": { "<template key>": BoardState } } ] }
//! ```
//! A `BoardState` is the board as the app stores it: `sections` (section id →
//! cards with `id`, `text`, `author {id, name}`, `links`, `sketch`,
//! `conflict`) and `ratings` (idea card id → rater key → `{name, values}`).
//! Texts are plain: the character ids of the live text CRDT (`seqs`) are
//! left out, and an import starts every text afresh as one run.
//!
//! **Version 2** (the further methods, `methods.md` E1-E6) adds, each left
//! out while empty: on a card `fields` (named field key → text), `item` (the
//! template's fixed item it is), `status`, `due`, `stances` (Kommune →
//! `ja`/`teilweise`/`nein`), `core`, `origin` and `copies` (carry-over links
//! `{template, card_id}`); on a rater `kommune`; on a board `current`.
//! A card's `links` may also name a card of another board of the group as
//! `"<template>:<card id>"` (a BMC card's reference to a SWOT card, issue
//! #20; card ids have no ':'), a version-2 content too.
//! **Version 3** (the KI-VO- und Datenschutz-Vorprüfung, antrag.md §4)
//! adds `answers` on a card (question id → `ja`/`nein`/`weiss_nicht`),
//! and `marks` on a card (`antrag`: the idea of the Antragsentwurf;
//! `vereinbarung`), each left out while empty; an idea of an older file
//! without answers keeps its `sketch.high_risk`, which the domain maps onto
//! the check.
//! **Version 1 and 2** files (made before) import unchanged: [`migrate`]
//! reads them as version 3 without the later fields, and refuses an older
//! file that carries one (no such file was ever written).
//!
//! **Fixed items** are not added as cards on import: the domain's `apply`
//! gives every board its template's items with their derived ids, and the
//! import replays onto them what the group wrote (note, fields, status…).
//!
//! **Raters.** A rating names its rater by a key, the same key that the
//! rater's cards carry as `author.id` (in an export: the participant id).
//! Import replaces every key by a fresh id, the same one for the same key
//! throughout the file, so a person's cards and ratings stay together and
//! keep their order. Participants are *not* imported as accounts: nobody can
//! sign in as an imported rater, and the new session starts with no members.
//!
//! **People.** Unless the moderator switched names on
//! (`single_ratings: "named"`), the file is pseudonymous like every raw-rating
//! sheet: each person's key is `person-n` and their name "Person n", numbered
//! over the session (`evaluation::redaction`). Such a file still imports: the
//! keys keep a person's cards and ratings together, so every figure of the
//! evaluation comes back the same; the names stay "Person n", because the
//! file never carried them. Files of an older version with
//! `pseudonymous_exports` import with that flag read as
//! `single_ratings: "pseudonymous"` (true) or `"off"` (false).
//!
//! **Validation.** Nothing in the file is trusted: each board is rebuilt by
//! replaying it as ops through the domain's `apply` (ids, lengths, card and
//! link limits, template sections and link rules, idea-only sketches and
//! ratings, scores 1..5). Session, group and setting fields go through the
//! same validators as the API. Any error refuses the whole file, and so does
//! a field the schema does not have, at any level (a card, a sketch, a
//! rater…): the file's types refuse unknown fields, while the live wire types
//! they mirror stay lenient for older browsers. The server takes the file
//! only as `Content-Type: application/json`, which a cross-site form cannot
//! send without the browser asking first (CORS preflight).

use super::{ExportData, ExportError};
use app::domain::board::{
    apply, link_op, Attribute, Author, BoardState, CardRef, IdeaFlag, Mark, Op, OpError,
    RatingSlot, SketchField, Stance, Status, TextField,
};
use app::domain::evaluation::criteria::{CriterionDef, CriterionKey, KI_CRITERIA};
use app::domain::evaluation::joint::{IdeaMerge, MergeChange};
use app::domain::evaluation::redaction::SingleRatings;
use app::domain::evaluation::Weights;
use app::domain::kivo::Answer;
use app::domain::session::{
    clean_name, limits, Field, GroupDetails, SessionDetails, ValidationError,
};
use app::domain::settings::{
    ChangeContext, SessionSettings, SettingsChange, SettingsError, MAX_DOTS,
};
use app::domain::sketch::{Einsatzfeld, Kooperationsform, SketchChoice};
use app::domain::templates;
use app::domain::text::{CharId, TextEdit, INITIAL_SITE};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const SCHEMA: &str = "ikz-werkstatt/session";
pub const VERSION: u64 = 3;
/// Largest accepted file: a full workshop day is well under 1 MB.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Deepest accepted nesting of arrays/objects (the schema needs 11).
pub const MAX_DEPTH: usize = 16;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFile {
    pub schema: String,
    pub version: u64,
    pub session: SessionPart,
    pub settings: SettingsPart,
    pub groups: Vec<GroupPart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionPart {
    pub title: String,
    pub date: String,
    pub place: String,
    /// The Kommunen that took part (attendance; not imported: an imported
    /// session starts without members).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kommunen: Vec<String>,
}

/// The lasting settings (not the reveal counter, which only syncs browsers,
/// nor the projector stage and timer of the workshop day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsPart {
    pub methods: Vec<String>,
    pub weights: FileWeights,
    pub ratings_revealed: bool,
    /// "Einzelbewertungen in Dokumenten".
    #[serde(default)]
    pub single_ratings: SingleRatings,
    /// The older files' switch; read, never written (see the module docs).
    #[serde(default, skip_serializing)]
    pub pseudonymous_exports: Option<bool>,
    /// The moderator's merges in the joint ranking.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merges: Vec<IdeaMerge>,
    /// Template keys of locked (read-only) boards.
    #[serde(default)]
    pub locked: Vec<String>,
    /// Dots per person for dot voting (0: off).
    #[serde(default)]
    pub dots_per_person: u8,
    /// "Schritt 2: Strategien" is switched on.
    #[serde(default)]
    pub strategies: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupPart {
    pub id: String,
    pub name: String,
    pub colour: String,
    pub boards: BTreeMap<String, FileBoard>,
}

// The file's own types for what the live channel also carries (weights,
// boards, cards, raters). They read and write the same JSON as the live
// types, but refuse any field they do not know, at every level. The live
// types stay lenient on purpose: a browser with an older build must still
// read the boards of a newer server.

/// Weights keyed by criterion key (criteria as data): `{"nutzen": 2.0, …}`.
/// Version 1 files wrote the KI method's four keys as fixed fields; that is
/// the same JSON object, so they read unchanged. A criterion without an
/// entry has its default weight; a key no criterion has is refused on
/// import (`Weights::validate`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileWeights(pub BTreeMap<CriterionKey, f64>);

impl FileWeights {
    /// Every criterion's weight spelled out, in the file's key order.
    pub fn of(weights: &Weights, criteria: &[CriterionDef]) -> FileWeights {
        FileWeights(
            criteria
                .iter()
                .map(|c| (CriterionKey::from(c), weights.get(c)))
                .collect(),
        )
    }
}

impl From<FileWeights> for Weights {
    fn from(w: FileWeights) -> Self {
        w.0.into_iter().collect()
    }
}

/// A board in the file: a [`BoardState`] without the text history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileBoard {
    pub sections: BTreeMap<String, Vec<FileCard>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ratings: BTreeMap<String, BTreeMap<String, FileRater>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dots: BTreeMap<String, BTreeMap<String, u8>>,
    #[serde(default)]
    pub template_version: u32,
    /// The header text ("Gegenstand der Analyse" of a SWOT).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
    /// The section the group marked as its current one (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileCard {
    pub id: String,
    pub text: String,
    pub author: FileAuthor,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    #[serde(default, skip_serializing_if = "FileSketch::is_empty")]
    pub sketch: FileSketch,
    // Version 2: what the further methods' cards carry (see the module docs).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default, skip_serializing_if = "Status::is_open")]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stances: BTreeMap<String, Stance>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub core: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<FileCardRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<FileCardRef>,
    // Version 3: the answers of the KI-VO-Vorprüfung.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, Answer>,
    /// Version 3 too: "antrag" (the idea for the Antragsentwurf),
    /// "vereinbarung".
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub marks: BTreeSet<Mark>,
}

impl FileCard {
    /// Whether the card uses anything version 1 did not have.
    fn has_version_2_content(&self) -> bool {
        !self.fields.is_empty()
            || self.item.is_some()
            || !self.status.is_open()
            || self.due.is_some()
            || !self.stances.is_empty()
            || self.core
            || self.origin.is_some()
            || !self.copies.is_empty()
            || self.links.iter().any(|l| l.contains(':'))
    }
}

/// A card on another board of the group (a carry-over's link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileCardRef {
    pub template: String,
    pub card_id: String,
}

impl From<&CardRef> for FileCardRef {
    fn from(r: &CardRef) -> Self {
        FileCardRef {
            template: r.template.clone(),
            card_id: r.card_id.clone(),
        }
    }
}

impl From<&FileCardRef> for CardRef {
    fn from(r: &FileCardRef) -> Self {
        CardRef {
            template: r.template.clone(),
            card_id: r.card_id.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileAuthor {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kommune: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileSketch {
    pub beschreibung: String,
    pub kommunen: String,
    pub daten: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub rechtsgrundlage: String,
    pub naechste_schritte: String,
    pub personal_data: bool,
    pub high_risk: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kooperationsform: Option<Kooperationsform>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub einsatzfeld: Option<Einsatzfeld>,
}

impl FileSketch {
    fn is_empty(&self) -> bool {
        *self == FileSketch::default()
    }

    fn field(&self, field: SketchField) -> &str {
        match field {
            SketchField::Beschreibung => &self.beschreibung,
            SketchField::Kommunen => &self.kommunen,
            SketchField::Daten => &self.daten,
            SketchField::Rechtsgrundlage => &self.rechtsgrundlage,
            SketchField::NaechsteSchritte => &self.naechste_schritte,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRater {
    pub name: String,
    pub values: BTreeMap<CriterionKey, RatingSlot>,
    /// The rater's Kommune (version 2; aggregates per Kommune).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kommune: String,
}

impl FileBoard {
    /// The board as the file carries it: texts only, no character history.
    pub fn of(board: &BoardState) -> FileBoard {
        FileBoard {
            sections: board
                .sections
                .iter()
                .map(|(section, cards)| {
                    let cards = cards
                        .iter()
                        .map(|c| FileCard {
                            id: c.id.clone(),
                            text: c.text.clone(),
                            author: FileAuthor {
                                id: c.author.id.clone(),
                                name: c.author.name.clone(),
                                kommune: c.author.kommune.clone(),
                            },
                            conflict: c.conflict,
                            links: c.links.clone(),
                            sketch: FileSketch {
                                beschreibung: c.sketch.beschreibung.clone(),
                                kommunen: c.sketch.kommunen.clone(),
                                daten: c.sketch.daten.clone(),
                                rechtsgrundlage: c.sketch.rechtsgrundlage.clone(),
                                naechste_schritte: c.sketch.naechste_schritte.clone(),
                                personal_data: c.sketch.personal_data,
                                high_risk: c.sketch.high_risk,
                                kooperationsform: c.sketch.kooperationsform,
                                einsatzfeld: c.sketch.einsatzfeld,
                            },
                            fields: c.fields.clone(),
                            item: c.item.clone(),
                            status: c.status,
                            due: c.due.clone(),
                            stances: c.stances.clone(),
                            core: c.core,
                            origin: c.origin.as_ref().map(FileCardRef::from),
                            copies: c.copies.iter().map(FileCardRef::from).collect(),
                            answers: c.answers.clone(),
                            marks: c.marks.clone(),
                        })
                        .collect();
                    (section.clone(), cards)
                })
                .collect(),
            ratings: board
                .ratings
                .iter()
                .map(|(card, raters)| {
                    let raters = raters
                        .iter()
                        .map(|(key, r)| {
                            let rater = FileRater {
                                name: r.name.clone(),
                                values: r.values.clone(),
                                kommune: r.kommune.clone(),
                            };
                            (key.clone(), rater)
                        })
                        .collect();
                    (card.clone(), raters)
                })
                .collect(),
            dots: board.dots.clone(),
            template_version: board.template_version,
            subject: board.subject.clone(),
            current: board.current.clone(),
        }
    }

    fn has_version_2_content(&self) -> bool {
        self.current.is_some()
            || self
                .sections
                .values()
                .flatten()
                .any(FileCard::has_version_2_content)
            || self
                .ratings
                .values()
                .flat_map(BTreeMap::values)
                .any(|r| !r.kommune.is_empty())
    }

    fn has_version_3_content(&self) -> bool {
        self.sections
            .values()
            .flatten()
            .any(|c| !c.answers.is_empty() || !c.marks.is_empty())
    }

    fn cards(&self, section: &str) -> &[FileCard] {
        self.sections.get(section).map(Vec::as_slice).unwrap_or(&[])
    }
}

pub fn file(data: &ExportData) -> SessionFile {
    SessionFile {
        schema: SCHEMA.to_owned(),
        version: VERSION,
        session: SessionPart {
            title: data.title.clone(),
            date: data.date.clone(),
            place: data.place.clone(),
            kommunen: data.kommunen.clone(),
        },
        settings: SettingsPart {
            methods: data.settings.methods.clone(),
            weights: FileWeights::of(&data.settings.weights, KI_CRITERIA),
            ratings_revealed: data.settings.ratings_revealed,
            single_ratings: data.settings.single_ratings,
            pseudonymous_exports: None,
            merges: data.settings.merges.clone(),
            locked: data.settings.locked.clone(),
            dots_per_person: data.settings.dots_per_person,
            strategies: data.settings.strategies,
        },
        groups: data
            .groups
            .iter()
            .map(|g| GroupPart {
                id: g.id.clone(),
                name: g.name.clone(),
                colour: g.colour.clone(),
                boards: g
                    .boards
                    .iter()
                    .map(|(key, board)| (key.clone(), FileBoard::of(board)))
                    .collect(),
            })
            .collect(),
    }
}

pub fn render(data: &ExportData) -> Result<Vec<u8>, ExportError> {
    Ok(serde_json::to_vec_pretty(&file(data))?)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("file larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("nesting deeper than {max}")]
    TooDeep { max: usize },
    #[error("not JSON of the expected shape: {0}")]
    Malformed(String),
    #[error("not an IKZ-Werkstatt session file")]
    WrongSchema,
    #[error("schema version {found} is not supported")]
    UnsupportedVersion { found: u64 },
    #[error("a file of an older version with content of a later one")]
    NewerContent,
    #[error("invalid field: {0}")]
    Invalid(#[from] ValidationError),
    #[error("invalid settings: {0}")]
    Settings(#[from] SettingsError),
    #[error("more than {max} groups")]
    TooManyGroups { max: usize },
    #[error("group id `{0}` used twice")]
    DuplicateGroupId(String),
    #[error("group name used twice")]
    DuplicateGroupName,
    #[error("unknown method `{0}`")]
    UnknownTemplate(String),
    #[error("invalid rater or author: {0}")]
    InvalidPerson(String),
    #[error("board {board}: {error}")]
    Board { board: String, error: OpError },
}

/// A validated import, ready to be written in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    pub details: SessionDetails,
    pub settings: SessionSettings,
    pub groups: Vec<ImportGroup>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportGroup {
    /// A fresh id for the new session.
    pub id: String,
    pub details: GroupDetails,
    /// Template key → rebuilt board.
    pub boards: BTreeMap<String, BoardState>,
}

/// Deepest nesting of `[`/`{` outside strings; stops counting past `limit`.
pub fn nesting_depth(bytes: &[u8], limit: usize) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
                if max > limit {
                    return max;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[derive(Deserialize)]
struct Head {
    schema: Option<String>,
    version: Option<u64>,
}

/// Parses and validates a session file; `new_id` makes the fresh ids.
pub fn parse(bytes: &[u8], mut new_id: impl FnMut() -> String) -> Result<ImportPlan, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge { max: MAX_BYTES });
    }
    if nesting_depth(bytes, MAX_DEPTH) > MAX_DEPTH {
        return Err(ImportError::TooDeep { max: MAX_DEPTH });
    }
    let head: Head =
        serde_json::from_slice(bytes).map_err(|e| ImportError::Malformed(e.to_string()))?;
    if head.schema.as_deref() != Some(SCHEMA) {
        return Err(ImportError::WrongSchema);
    }
    match head.version {
        Some(1 | 2 | VERSION) => {}
        Some(found) => return Err(ImportError::UnsupportedVersion { found }),
        None => return Err(ImportError::WrongSchema),
    }
    let file: SessionFile =
        serde_json::from_slice(bytes).map_err(|e| ImportError::Malformed(e.to_string()))?;
    plan(&migrate(file)?, &mut new_id)
}

/// A file of an older version as the current version. Versions 2 and 3
/// only added fields (each absent when empty), so an older file is the same
/// file with the new version number; one that uses a field of a later
/// version was not written by that version and is refused.
pub fn migrate(mut file: SessionFile) -> Result<SessionFile, ImportError> {
    let boards = || file.groups.iter().flat_map(|g| g.boards.values());
    if file.version == 1 && boards().any(FileBoard::has_version_2_content) {
        return Err(ImportError::NewerContent);
    }
    if file.version < 3 && boards().any(FileBoard::has_version_3_content) {
        return Err(ImportError::NewerContent);
    }
    file.version = VERSION;
    Ok(file)
}

fn plan(file: &SessionFile, new_id: &mut dyn FnMut() -> String) -> Result<ImportPlan, ImportError> {
    let details =
        SessionDetails::validate(&file.session.title, &file.session.date, &file.session.place)?;
    let change = SettingsChange {
        methods: Some(file.settings.methods.clone()),
        weights: Some(file.settings.weights.clone().into()),
        ratings_revealed: Some(file.settings.ratings_revealed),
        single_ratings: Some(match file.settings.pseudonymous_exports {
            Some(true) => SingleRatings::Pseudonymous,
            Some(false) => SingleRatings::Off,
            None => file.settings.single_ratings,
        }),
        locked: Some(file.settings.locked.clone()),
        dots_per_person: Some(file.settings.dots_per_person),
        strategies: Some(file.settings.strategies),
        ..SettingsChange::default()
    };
    let context = ChangeContext {
        rated: false,
        now_ms: 0,
        groups: &[],
    };
    let mut settings = SessionSettings::default().changed(&change, &context)?;
    for merge in &file.settings.merges {
        let change = SettingsChange {
            merge: Some(MergeChange::Merge {
                first: merge.first.clone(),
                second: merge.second.clone(),
            }),
            ..SettingsChange::default()
        };
        settings = settings.changed(&change, &context)?;
    }
    settings.reveal_epoch = 0;
    if file.groups.len() > limits::GROUPS_PER_SESSION {
        return Err(ImportError::TooManyGroups {
            max: limits::GROUPS_PER_SESSION,
        });
    }
    let mut group_ids = BTreeSet::new();
    let mut group_names = BTreeSet::new();
    for g in &file.groups {
        if !group_ids.insert(g.id.as_str()) {
            return Err(ImportError::DuplicateGroupId(g.id.clone()));
        }
    }
    let people = person_ids(file, new_id)?;
    let mut groups = Vec::new();
    for g in &file.groups {
        let group = GroupDetails::validate(&g.name, &g.colour)?;
        if !group_names.insert(group.name.to_lowercase()) {
            return Err(ImportError::DuplicateGroupName);
        }
        let mut boards = BTreeMap::new();
        for (key, board) in &g.boards {
            let template =
                templates::find(key).ok_or_else(|| ImportError::UnknownTemplate(key.clone()))?;
            let label = format!("{}:{key}", g.id.chars().take(80).collect::<String>());
            let rebuilt = rebuild(template, board, &people, &label)?;
            boards.insert(key.clone(), rebuilt);
        }
        groups.push(ImportGroup {
            id: new_id(),
            details: group,
            boards,
        });
    }
    Ok(ImportPlan {
        details,
        settings,
        groups,
    })
}

/// Old person key → fresh id, assigned in key order so orders survive.
fn person_ids(
    file: &SessionFile,
    new_id: &mut dyn FnMut() -> String,
) -> Result<BTreeMap<String, String>, ImportError> {
    let mut keys = BTreeSet::new();
    for board in file.groups.iter().flat_map(|g| g.boards.values()) {
        // A fixed item is nobody's card (the template's).
        for card in board
            .sections
            .values()
            .flatten()
            .filter(|c| c.item.is_none())
        {
            keys.insert(card.author.id.as_str());
        }
        for raters in board.ratings.values() {
            keys.extend(raters.keys().map(String::as_str));
        }
        for voters in board.dots.values() {
            keys.extend(voters.keys().map(String::as_str));
        }
    }
    let mut fresh: Vec<String> = keys.iter().map(|_| new_id()).collect();
    fresh.sort();
    let mut out = BTreeMap::new();
    for (key, id) in keys.into_iter().zip(fresh) {
        if key.is_empty() || key.len() > app::domain::board::limits::ID {
            return Err(ImportError::InvalidPerson(key.chars().take(80).collect()));
        }
        out.insert(key.to_owned(), id);
    }
    Ok(out)
}

fn person(
    key: &str,
    name: &str,
    kommune: &str,
    people: &BTreeMap<String, String>,
) -> Result<Author, ImportError> {
    let invalid = || ImportError::InvalidPerson(key.chars().take(80).collect());
    let id = people.get(key).cloned().ok_or_else(invalid)?;
    let name = clean_name(name, Field::DisplayName, limits::DISPLAY_NAME).map_err(|_| invalid())?;
    // A card from before the Kommune was carried has none.
    let kommune = if kommune.is_empty() {
        String::new()
    } else {
        clean_name(kommune, Field::Kommune, limits::KOMMUNE).map_err(|_| invalid())?
    };
    Ok(Author {
        id,
        name,
        kommune,
        moderator: false,
    })
}

/// The board rebuilt op by op through the domain's `apply`.
fn rebuild(
    template: &templates::Template,
    file: &FileBoard,
    people: &BTreeMap<String, String>,
    label: &str,
) -> Result<BoardState, ImportError> {
    let fail = |error: OpError| ImportError::Board {
        board: label.to_owned(),
        error,
    };
    if file.sections.keys().any(|s| template.section(s).is_none()) {
        return Err(fail(OpError::UnknownSection));
    }
    let mut board = BoardState::default();
    if !file.subject.is_empty() {
        // The header text as one run, like a card's text; the board's,
        // nobody's.
        let op = Op::EditText {
            card_id: String::new(),
            field: TextField::Subject,
            edits: vec![TextEdit::Insert {
                id: CharId::new(INITIAL_SITE, 1),
                after: None,
                text: file.subject.clone(),
            }],
        };
        apply(&mut board, template, &Author::nobody(), &op).map_err(fail)?;
    }
    let cards: Vec<_> = template
        .sections
        .iter()
        .flat_map(|s| file.cards(s.id).iter().map(move |c| (s.id, c)))
        .collect();
    for (section, card) in &cards {
        let card_id = card.id.clone();
        let (section, text) = ((*section).to_owned(), card.text.clone());
        let op = match (&card.item, &card.origin) {
            // A fixed item: `apply` gives the board the template's card
            // with this id; what the group wrote on it is replayed below.
            (Some(item), _) => {
                let derived = templates::fixed_card_id(template.key, item);
                if template.item(item).is_none() || card.id != derived {
                    return Err(fail(OpError::UnknownCard));
                }
                continue;
            }
            (None, Some(origin)) => Op::AddCopy {
                card_id,
                section,
                text,
                origin: origin.into(),
            },
            (None, None) => Op::AddCard {
                card_id,
                section,
                text,
            },
        };
        apply(&mut board, template, &card_author(card, people)?, &op).map_err(fail)?;
    }
    for (_, card) in &cards {
        let author = card_author(card, people)?;
        let mut ops = further_ops(card).map_err(fail)?;
        for (kommune, stance) in &card.stances {
            // A stance is its Kommune's: replayed as said by that Kommune.
            let speaker = Author {
                kommune: clean_name(kommune, Field::Kommune, limits::KOMMUNE)?,
                ..author.clone()
            };
            let op = Op::SetAttribute {
                card_id: card.id.clone(),
                attribute: Attribute::Stance(Some(*stance)),
            };
            apply(&mut board, template, &speaker, &op).map_err(fail)?;
        }
        for field in SketchField::ALL {
            // The field's text as one run, like a new card's text.
            let text = card.sketch.field(field);
            if !text.is_empty() {
                ops.push(Op::EditText {
                    card_id: card.id.clone(),
                    field: TextField::Sketch(field),
                    edits: vec![TextEdit::Insert {
                        id: CharId::new(INITIAL_SITE, 1),
                        after: None,
                        text: text.to_owned(),
                    }],
                });
            }
        }
        for (flag, on) in [
            (IdeaFlag::PersonalData, card.sketch.personal_data),
            (IdeaFlag::HighRisk, card.sketch.high_risk),
        ] {
            if on {
                ops.push(Op::SetFlag {
                    card_id: card.id.clone(),
                    flag,
                    value: true,
                });
            }
        }
        let choices = [
            card.sketch
                .kooperationsform
                .map(|k| SketchChoice::Kooperationsform(Some(k))),
            card.sketch
                .einsatzfeld
                .map(|f| SketchChoice::Einsatzfeld(Some(f))),
        ];
        for choice in choices.into_iter().flatten() {
            ops.push(Op::Choose {
                card_id: card.id.clone(),
                choice,
            });
        }
        // A link within the board (TOWS) or to another board's card
        // ("swot:<id>", a BMC card's reference).
        for link in &card.links {
            ops.push(link_op(&card.id, link));
        }
        // What the moderator set (Zeitfenster, Raum) is replayed as the
        // moderator's: the file is the moderator's, taken as a whole.
        let moderator = Author {
            moderator: true,
            ..author.clone()
        };
        for op in &ops {
            let by = match op {
                Op::EditText { field, .. } if field.moderator_only() => &moderator,
                _ => &author,
            };
            apply(&mut board, template, by, op).map_err(fail)?;
        }
    }
    // Own cards back among the fixed items, where the group had put them
    // (`apply` appends a new card after a section's items).
    for s in template.sections.iter().filter(|s| !s.items.is_empty()) {
        for (index, card) in file.cards(s.id).iter().enumerate() {
            let at = board.find(&card.id).map(|(_, at, _)| at);
            if card.item.is_none() && at != Some(index) {
                let op = Op::MoveCard {
                    card_id: card.id.clone(),
                    section: s.id.to_owned(),
                    index,
                };
                apply(&mut board, template, &Author::nobody(), &op).map_err(fail)?;
            }
        }
    }
    if let Some(current) = &file.current {
        let op = Op::SetAttribute {
            card_id: String::new(),
            attribute: Attribute::Current(Some(current.clone())),
        };
        apply(&mut board, template, &Author::nobody(), &op).map_err(fail)?;
    }
    // Dot votes: at most MAX_DOTS per person and board.
    let mut used: BTreeMap<&str, u32> = BTreeMap::new();
    for (card_id, voters) in &file.dots {
        for (key, n) in voters {
            let total = used.entry(key.as_str()).or_default();
            *total += u32::from(*n);
            if *total > u32::from(MAX_DOTS) {
                return Err(fail(OpError::NoDotsLeft { max: MAX_DOTS }));
            }
            let id = people
                .get(key)
                .cloned()
                .ok_or_else(|| ImportError::InvalidPerson(key.chars().take(80).collect()))?;
            let voter = Author {
                id,
                name: String::new(),
                kommune: String::new(),
                moderator: false,
            };
            for _ in 0..*n {
                let op = Op::Dot {
                    card_id: card_id.clone(),
                    add: true,
                };
                apply(&mut board, template, &voter, &op).map_err(fail)?;
            }
        }
    }
    for (card_id, raters) in &file.ratings {
        for (key, rater) in raters {
            let author = person(key, &rater.name, &rater.kommune, people)?;
            for (criterion, slot) in &rater.values {
                let op = Op::Rate {
                    card_id: card_id.clone(),
                    criterion: criterion.clone(),
                    value: Some(*slot),
                };
                op.check_from_client().map_err(fail)?;
                apply(&mut board, template, &author, &op).map_err(fail)?;
            }
        }
    }
    // The conflict mark only asks the group to tidy up; keep it.
    for (_, card) in cards.iter().filter(|(_, c)| c.conflict) {
        if let Some(c) = board
            .sections
            .values_mut()
            .flatten()
            .find(|c| c.id == card.id)
        {
            c.conflict = true;
        }
    }
    Ok(board)
}

/// Who wrote `card`: a person of the file, or nobody for a fixed item.
fn card_author(card: &FileCard, people: &BTreeMap<String, String>) -> Result<Author, ImportError> {
    if card.item.is_some() {
        return Ok(Author::nobody());
    }
    person(
        &card.author.id,
        &card.author.name,
        &card.author.kommune,
        people,
    )
}

/// The ops that replay what a card of the further methods carries besides
/// its text (version 2): a fixed item's note, named fields, status, "Bis
/// wann", the core mark and the links to its copies. Stances are replayed
/// per Kommune by the caller.
fn further_ops(card: &FileCard) -> Result<Vec<Op>, OpError> {
    let id = || card.id.clone();
    let one_run = |text: &str| {
        vec![TextEdit::Insert {
            id: CharId::new(INITIAL_SITE, 1),
            after: None,
            text: text.to_owned(),
        }]
    };
    let mut ops = Vec::new();
    if card.item.is_some() && !card.text.is_empty() {
        ops.push(Op::EditText {
            card_id: id(),
            field: TextField::Card,
            edits: one_run(&card.text),
        });
    }
    for (key, text) in card.fields.iter().filter(|(_, t)| !t.is_empty()) {
        let field = match TextField::from_key(key) {
            Some(field @ TextField::Field(_)) => field,
            _ => return Err(OpError::UnknownField),
        };
        ops.push(Op::EditText {
            card_id: id(),
            field,
            edits: one_run(text),
        });
    }
    let attributes = [
        (!card.status.is_open()).then_some(Attribute::Status(card.status)),
        card.due.clone().map(|due| Attribute::Due(Some(due))),
        card.core.then_some(Attribute::Core(true)),
    ];
    let answers = card
        .answers
        .iter()
        .map(|(question, answer)| Attribute::Answer {
            question: question.clone(),
            answer: Some(*answer),
        });
    let marks = card
        .marks
        .iter()
        .map(|&mark| Attribute::Mark { mark, on: true });
    for attribute in attributes.into_iter().flatten().chain(answers).chain(marks) {
        ops.push(Op::SetAttribute {
            card_id: id(),
            attribute,
        });
    }
    for copy in &card.copies {
        ops.push(Op::LinkCopy {
            card_id: id(),
            copy: copy.into(),
            linked: true,
        });
    }
    Ok(ops)
}

/// Keeps only given ratings (drops the `Hidden` markers of a blind board).
pub fn without_hidden(board: &mut BoardState) {
    for raters in board.ratings.values_mut() {
        for rater in raters.values_mut() {
            rater
                .values
                .retain(|_, slot| matches!(slot, RatingSlot::Given(_)));
        }
        raters.retain(|_, r| !r.values.is_empty());
    }
    board.ratings.retain(|_, r| !r.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_ignores_brackets_in_strings() {
        assert_eq!(nesting_depth(br#"{"a":[1,{"b":"[[[{{{"}]}"#, 99), 3);
        assert_eq!(nesting_depth(br#"{"a":"\"[[["}"#, 99), 1);
        let deep = "[".repeat(10_000);
        assert_eq!(nesting_depth(deep.as_bytes(), MAX_DEPTH), MAX_DEPTH + 1);
    }

    #[test]
    fn wrong_schema_and_version_are_refused() {
        let id = || "x".to_owned();
        assert_eq!(
            parse(br#"{"schema":"other","version":1}"#, id),
            Err(ImportError::WrongSchema)
        );
        assert_eq!(
            parse(br#"{"schema":"ikz-werkstatt/session","version":4}"#, id),
            Err(ImportError::UnsupportedVersion { found: 4 })
        );
        assert!(matches!(parse(b"[", id), Err(ImportError::Malformed(_))));
    }
}
