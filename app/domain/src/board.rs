//! Boards: sections holding cards, the operations on them, and the one `apply`
//! that the server (authoritatively) and the browser (optimistically) both use.

use super::evaluation::{CriterionKey, RatingValue};
use super::legacy::merge_text;
use super::session::is_xml_char;
use super::sketch::{Einsatzfeld, Kooperationsform, SketchChoice};
use super::templates::{self, fixed_card_id, Section, Template};
use super::text::{TextEdit, TextLimits, TextSeq};
use ikz_antrag::path::Answer;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};

pub mod limits {
    /// Characters per card: a sticky note, not an essay.
    pub const CARD_TEXT: usize = 1_000;
    /// Cards per board (all sections together).
    pub const CARDS_PER_BOARD: usize = 300;
    /// Length of client-made ids (UUIDs are 36).
    pub const ID: usize = 64;
    /// Links from one card to others.
    pub const LINKS_PER_CARD: usize = 20;
    /// Characters per field of a Projektskizze.
    pub const SKETCH_TEXT: usize = 2_000;
    /// Edits in one `EditText` op, and id ranges in all its deletions.
    pub const EDITS_PER_OP: usize = 64;
    pub const RANGES_PER_OP: usize = 512;
    /// A card's text: visible characters, characters with tombstones (ten
    /// times rewritten), spans (each a run of someone's typing).
    pub const CARD: super::TextLimits = super::TextLimits {
        visible: CARD_TEXT,
        total: 10 * CARD_TEXT,
        spans: CARD_TEXT,
    };
    pub const SKETCH: super::TextLimits = super::TextLimits {
        visible: SKETCH_TEXT,
        total: 10 * SKETCH_TEXT,
        spans: SKETCH_TEXT,
    };
    /// Characters of a board's header text (the SWOT's "Gegenstand der Analyse").
    pub const SUBJECT_TEXT: usize = 300;
    pub const SUBJECT: super::TextLimits = super::TextLimits {
        visible: SUBJECT_TEXT,
        total: 10 * SUBJECT_TEXT,
        spans: SUBJECT_TEXT,
    };
    /// People who rate one idea, and who give dots to one card: never more
    /// than a session can have members.
    pub const RATERS_PER_CARD: usize = crate::session::limits::PARTICIPANTS_PER_SESSION;
    pub const VOTERS_PER_CARD: usize = crate::session::limits::PARTICIPANTS_PER_SESSION;
    /// Ratings (one person's answers on one idea) on one board, and dot
    /// givers summed over its cards: with the card and text limits they
    /// bound the size of a board, which every op rewrites and stores.
    /// (20 ideas each rated by 200 people; 200 people giving 20 dots each.)
    pub const RATINGS_PER_BOARD: usize = 20 * RATERS_PER_CARD;
    pub const DOT_VOTES_PER_BOARD: usize = RATERS_PER_CARD * crate::settings::MAX_DOTS as usize;
}

/// Identifies one group's board of one template: `"<group id>:<template key>"`.
pub fn board_id(group_id: &str, template: &str) -> String {
    format!("{group_id}:{template}")
}

/// Splits a board id into group id and template key.
pub fn split_board_id(board: &str) -> Option<(&str, &str)> {
    board.rsplit_once(':')
}

/// Who made an op; filled in by the server from the authenticated token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub id: String,
    pub name: String,
    /// The author's Kommune, shown beside the name ("Dialog auf Augenhöhe");
    /// empty on cards made before it was carried.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kommune: String,
    /// The session's moderator made the op (set only by the server, from
    /// the moderator's secret; never taken from a browser). Ops logged
    /// before it was carried, and every participant's, have none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub moderator: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub id: String,
    pub text: String,
    pub author: Author,
    /// Set when two edits overlapped and both versions were kept; the UI asks
    /// the group to tidy up.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
    /// Cards this card draws on: a card id of the same board (a TOWS
    /// strategy → the SWOT cards it uses), or a card of another board of
    /// the group as "template:card_id" ([`CardRef::link`]; a BMC card → SWOT
    /// cards). Ids have no ':', so the two never mix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// The Projektskizze of a KI idea (the card's text is its title).
    #[serde(default, skip_serializing_if = "Sketch::is_empty")]
    pub sketch: Sketch,
    /// The character sequences (text CRDT) behind `text`, the sketch's
    /// and the named fields, whose visible texts those fields hold. A field
    /// missing here is one plain run of its text ([`TextSeq::initial`]): a
    /// card nobody edited, and every card stored before the CRDT. The
    /// history of a named field no template declares any more is dropped
    /// on reading (its text stays in `fields`), so a stored board always
    /// opens.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "known_seqs"
    )]
    pub seqs: BTreeMap<TextField, TextSeq>,
    // Everything below came with the further methods (methods.md E1-E6);
    // each is left out of the JSON while empty, so boards of the first
    // three methods are stored exactly as before.
    /// E1: the visible texts of the template's named fields (field key →
    /// text; an empty field is absent).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// E2: the template's fixed item this card is (its id); such a card
    /// cannot be deleted or moved, and its text is the group's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// E4: status and "Bis wann" (YYYY-MM-DD); "Wer" is a named field.
    #[serde(default, skip_serializing_if = "Status::is_open")]
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Zielmatrix: each Kommune's stance on this card (Kommune → ✓/~/✗).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stances: BTreeMap<String, Stance>,
    /// Marked as a core goal (the "Allianz der Willigen" agrees to all).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub core: bool,
    /// E5: the card this one was carried over from, and the cards carried
    /// over from this one (links back both ways, across the group's boards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<CardRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<CardRef>,
    /// The answers to the question path its section declares
    /// ([`crate::templates::Section::questions`], the KI-VO- und
    /// Datenschutz-Vorprüfung of a KI idea): question id → ja / nein /
    /// weiß nicht. An unanswered question is absent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, Answer>,
    /// What the group marked this card as (antrag.md §1 and §5): the idea
    /// "für den Antrag", a "Vereinbarung" for the Ergebnisprotokoll.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub marks: BTreeSet<Mark>,
}

/// A mark a group sets on a card (antrag.md §1, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// The KI idea the Antragsentwurf describes: one per board, so setting
    /// it on an idea takes it from any other.
    Antrag,
    /// An agreement or decision, collected in the Ergebnisprotokoll as
    /// "Vereinbarungen und Beschlüsse"; any card can carry it.
    Vereinbarung,
}

impl Mark {
    pub const ALL: [Mark; 2] = [Mark::Antrag, Mark::Vereinbarung];

    pub fn label_de(self) -> &'static str {
        match self {
            Mark::Antrag => "für den Antrag",
            Mark::Vereinbarung => "Vereinbarung",
        }
    }
}

/// E4: where an item stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Offen,
    Begonnen,
    Erledigt,
    /// Does not apply to this cooperation: left out of the progress.
    Entfaellt,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Offen,
        Status::Begonnen,
        Status::Erledigt,
        Status::Entfaellt,
    ];

    pub fn is_open(&self) -> bool {
        *self == Status::Offen
    }

    pub fn key(self) -> &'static str {
        match self {
            Status::Offen => "offen",
            Status::Begonnen => "begonnen",
            Status::Erledigt => "erledigt",
            Status::Entfaellt => "entfaellt",
        }
    }

    pub fn label_de(self) -> &'static str {
        match self {
            Status::Offen => "offen",
            Status::Begonnen => "begonnen",
            Status::Erledigt => "erledigt",
            Status::Entfaellt => "entfällt",
        }
    }
}

/// A Kommune's stance on a goal in the Zielmatrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// ✓
    Ja,
    /// ~
    Teilweise,
    /// ✗
    Nein,
}

impl Stance {
    pub const ALL: [Stance; 3] = [Stance::Ja, Stance::Teilweise, Stance::Nein];

    /// The key on the wire (and of the English words).
    pub fn key(self) -> &'static str {
        match self {
            Stance::Ja => "ja",
            Stance::Teilweise => "teilweise",
            Stance::Nein => "nein",
        }
    }

    /// The matrix cell's sign.
    pub fn symbol(self) -> &'static str {
        match self {
            Stance::Ja => "✓",
            Stance::Teilweise => "~",
            Stance::Nein => "✗",
        }
    }

    pub fn label_de(self) -> &'static str {
        match self {
            Stance::Ja => "stimmt zu",
            Stance::Teilweise => "teilweise",
            Stance::Nein => "stimmt nicht zu",
        }
    }
}

/// A card on another board of the same group (E5): the board's template
/// key and the card's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRef {
    pub template: String,
    pub card_id: String,
}

impl CardRef {
    /// How a card keeps a reference to a card of another board among its
    /// `links`: "swot:<card id>".
    pub fn link(&self) -> String {
        format!("{}:{}", self.template, self.card_id)
    }

    /// The reference a link of another board's card stands for; `None`
    /// for a link within the board (a bare card id).
    pub fn from_link(link: &str) -> Option<CardRef> {
        let (template, card_id) = link.split_once(':')?;
        Some(CardRef {
            template: template.to_owned(),
            card_id: card_id.to_owned(),
        })
    }
}

/// What an [`Op::SetAttribute`] sets: the E4 status and "Bis wann", the
/// Zielmatrix's core mark and stance (the author's Kommune's), and the
/// board's current section (with an empty card id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", content = "value", rename_all = "snake_case")]
pub enum Attribute {
    Status(Status),
    /// YYYY-MM-DD, or `None` to clear it.
    Due(Option<String>),
    Core(bool),
    /// `None` withdraws the Kommune's stance.
    Stance(Option<Stance>),
    /// A section id, or `None`.
    Current(Option<String>),
    /// An answer to a question of the path the card's section declares
    /// (the KI-VO-Vorprüfung); `None` withdraws it.
    Answer {
        question: String,
        answer: Option<Answer>,
    },
    /// Sets or takes a [`Mark`] (the Antrag's idea only on a KI idea).
    Mark {
        mark: Mark,
        on: bool,
    },
}

impl Card {
    /// The visible text of a field.
    pub fn field_text(&self, field: TextField) -> &str {
        match field {
            TextField::Card => &self.text,
            TextField::Sketch(f) => self.sketch.field(f),
            TextField::Field(key) => self.fields.get(key).map_or("", String::as_str),
            // The board's text, not a card's: a card has none.
            TextField::Subject => "",
        }
    }

    /// The cards of other boards this card refers to (kept among its
    /// `links`), in the order they were added.
    pub fn refs(&self) -> impl Iterator<Item = CardRef> + '_ {
        self.links.iter().filter_map(|l| CardRef::from_link(l))
    }

    /// The character sequence of a field.
    pub fn seq(&self, field: TextField) -> TextSeq {
        self.seqs
            .get(&field)
            .cloned()
            .unwrap_or_else(|| TextSeq::initial(self.field_text(field)))
    }

    fn set_seq(&mut self, field: TextField, seq: TextSeq) {
        let text = seq.text();
        match field {
            TextField::Card => self.text = text,
            TextField::Sketch(f) => *self.sketch.field_mut(f) = text,
            TextField::Field(key) if text.is_empty() => {
                self.fields.remove(key);
            }
            TextField::Field(key) => {
                self.fields.insert(key.to_owned(), text);
            }
            TextField::Subject => return,
        }
        if seq.is_initial() {
            self.seqs.remove(&field);
        } else {
            self.seqs.insert(field, seq);
        }
    }
}

/// A free text of a card: the card's own text, a field of its Projektskizze
/// or a named field its template declares (E1); or the board's header text
/// (`Subject`, edited with an empty card id). On the wire a plain string:
/// `"card"`, the sketch field's name, the named field's key, `"gegenstand"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TextField {
    Card,
    Sketch(SketchField),
    Subject,
    /// A named field (its key, as a template declares it: only keys some
    /// template has are read, so the key can be `'static`).
    Field(&'static str),
}

impl TextField {
    /// Whether only the moderator edits this text (a named field declared
    /// so, [`templates::FieldDef::moderator_only`]): the rule in one place.
    pub fn moderator_only(self) -> bool {
        match self {
            TextField::Field(key) => templates::field_def(key).is_some_and(|f| f.moderator_only),
            _ => false,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            TextField::Card => "card",
            TextField::Sketch(SketchField::Beschreibung) => "beschreibung",
            TextField::Sketch(SketchField::Kommunen) => "kommunen",
            TextField::Sketch(SketchField::Daten) => "daten",
            TextField::Sketch(SketchField::Rechtsgrundlage) => "rechtsgrundlage",
            TextField::Sketch(SketchField::NaechsteSchritte) => "naechste_schritte",
            TextField::Subject => "gegenstand",
            TextField::Field(key) => key,
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [TextField::Card, TextField::Subject]
            .into_iter()
            .chain(SketchField::ALL.map(TextField::Sketch))
            .find(|f| f.key() == key)
            .or_else(|| templates::field_def(key).map(|f| TextField::Field(f.key)))
    }

    /// A named field has a card's limits, so that it can always be
    /// carried over into another method's card (E5).
    pub fn limits(self) -> &'static TextLimits {
        match self {
            TextField::Card | TextField::Field(_) => &limits::CARD,
            TextField::Sketch(_) => &limits::SKETCH,
            TextField::Subject => &limits::SUBJECT,
        }
    }
}

impl Serialize for TextField {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for TextField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        TextField::from_key(&key)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown text field `{key}`")))
    }
}

/// A card's text histories by field key, without those of keys no
/// template knows any more.
fn known_seqs<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<TextField, TextSeq>, D::Error> {
    let stored = BTreeMap::<String, TextSeq>::deserialize(d)?;
    Ok(stored
        .into_iter()
        .filter_map(|(key, seq)| TextField::from_key(&key).map(|f| (f, seq)))
        .collect())
}

/// Projektskizze of a KI project idea: what a funding application needs first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sketch {
    pub beschreibung: String,
    pub kommunen: String,
    pub daten: String,
    /// Rechtsgrundlage / Datenschutz (DSFA, AV-Vertrag?).
    pub rechtsgrundlage: String,
    pub naechste_schritte: String,
    /// The idea processes personal data (GDPR applies).
    pub personal_data: bool,
    /// Possibly a high-risk AI system under the KI-VO (Annex III).
    pub high_risk: bool,
    /// Vorgesehene Kooperationsform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kooperationsform: Option<Kooperationsform>,
    /// KI-Einsatzfeld, the idea's category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub einsatzfeld: Option<Einsatzfeld>,
}

impl Sketch {
    pub fn is_empty(&self) -> bool {
        *self == Sketch::default()
    }

    pub fn flag(&self, flag: IdeaFlag) -> bool {
        match flag {
            IdeaFlag::PersonalData => self.personal_data,
            IdeaFlag::HighRisk => self.high_risk,
        }
    }

    pub fn field(&self, field: SketchField) -> &str {
        match field {
            SketchField::Beschreibung => &self.beschreibung,
            SketchField::Kommunen => &self.kommunen,
            SketchField::Daten => &self.daten,
            SketchField::Rechtsgrundlage => &self.rechtsgrundlage,
            SketchField::NaechsteSchritte => &self.naechste_schritte,
        }
    }

    fn field_mut(&mut self, field: SketchField) -> &mut String {
        match field {
            SketchField::Beschreibung => &mut self.beschreibung,
            SketchField::Kommunen => &mut self.kommunen,
            SketchField::Daten => &mut self.daten,
            SketchField::Rechtsgrundlage => &mut self.rechtsgrundlage,
            SketchField::NaechsteSchritte => &mut self.naechste_schritte,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SketchField {
    Beschreibung,
    Kommunen,
    Daten,
    Rechtsgrundlage,
    NaechsteSchritte,
}

impl SketchField {
    /// In the order of the Projektskizze (domain.md §3); the Kooperationsform,
    /// a choice, comes between `Daten` and `Rechtsgrundlage`.
    pub const ALL: [SketchField; 5] = [
        SketchField::Beschreibung,
        SketchField::Kommunen,
        SketchField::Daten,
        SketchField::Rechtsgrundlage,
        SketchField::NaechsteSchritte,
    ];

    pub fn label_de(self) -> &'static str {
        match self {
            SketchField::Beschreibung => "Beschreibung",
            SketchField::Kommunen => "Beteiligte Kommunen",
            SketchField::Daten => "Daten",
            SketchField::Rechtsgrundlage => "Rechtsgrundlage / Datenschutz",
            SketchField::NaechsteSchritte => "Nächste Schritte",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdeaFlag {
    PersonalData,
    HighRisk,
}

/// One participant's answer on one criterion as a browser may see it: the
/// value, or only the fact that there is one (blind rating, someone else's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingSlot {
    Given(RatingValue),
    Hidden,
}

/// One participant's ratings of one idea.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rater {
    pub name: String,
    pub values: BTreeMap<CriterionKey, RatingSlot>,
    /// The rater's Kommune (E6: aggregates per Kommune); empty for
    /// ratings stored before it was carried.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kommune: String,
}

/// A board's content: cards per section, in display order, and the ratings of
/// idea cards (card id → participant id → answers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardState {
    pub sections: BTreeMap<String, Vec<Card>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ratings: BTreeMap<String, BTreeMap<String, Rater>>,
    /// Dot votes: card id → participant id → dots given to that card.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dots: BTreeMap<String, BTreeMap<String, u8>>,
    /// Version of the template the board was started with (0: before
    /// versions were recorded). Sections a later version dropped keep their
    /// cards; see [`BoardState::orphans`].
    #[serde(default)]
    pub template_version: u32,
    /// The header text of a template that has one (the SWOT's "Gegenstand
    /// der Analyse"), and its character sequence once edited.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_seq: Option<TextSeq>,
    /// The section the group marked as its current one (the Phasen-Check's
    /// phase), where the template lets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Op {
    AddCard {
        card_id: String,
        section: String,
        text: String,
    },
    /// Changes a free text of a card by edits of its character sequence
    /// (typing, deleting, pasting: small deltas, merged character-wise).
    EditText {
        card_id: String,
        field: TextField,
        edits: Vec<TextEdit>,
    },
    /// Someone settled a "Gleichzeitig bearbeitet" card: the flag goes.
    ResolveConflict {
        card_id: String,
    },
    /// Before the text CRDT: the whole new text and the `base` it started
    /// from, merged three-way ([`super::legacy`]). Still read and applied
    /// so that op logs, outboxes and old browsers of that time keep working.
    EditCard {
        card_id: String,
        base: String,
        text: String,
    },
    MoveCard {
        card_id: String,
        section: String,
        index: usize,
    },
    DeleteCard {
        card_id: String,
    },
    /// Links (or unlinks) `card_id` to `target_id`, e.g. a TOWS strategy to a
    /// SWOT card it draws on. Allowed only where the template says so.
    LinkCards {
        card_id: String,
        target_id: String,
        linked: bool,
    },
    /// Makes (or drops) `card_id`'s reference to a card of another board
    /// of the same group (a BMC card to a SWOT card), kept among its
    /// `links` ([`CardRef::link`]). Allowed only where the card's section
    /// declares that template ([`crate::templates::Section::refs_to`]);
    /// whether the target exists in a declared section only the reader of
    /// both boards can tell: a reference to a card that is gone or
    /// elsewhere simply does not show.
    RefCard {
        card_id: String,
        target: CardRef,
        linked: bool,
    },
    /// Before the text CRDT: one field of an idea's Projektskizze, like `EditCard`.
    EditSketch {
        card_id: String,
        field: SketchField,
        base: String,
        text: String,
    },
    SetFlag {
        card_id: String,
        flag: IdeaFlag,
        value: bool,
    },
    /// Sets (or clears) a choice of an idea's Projektskizze: its
    /// Kooperationsform or its KI-Einsatzfeld.
    Choose {
        card_id: String,
        choice: SketchChoice,
    },
    /// The author's answer on one criterion of an idea (`None` withdraws it).
    /// There is no rater field: the server fills in the author from the
    /// token, so nobody can rate for someone else, and a second answer
    /// replaces the first.
    Rate {
        card_id: String,
        criterion: CriterionKey,
        value: Option<RatingSlot>,
    },
    /// Gives (or takes back) one of the author's dots on a card. How many
    /// dots a person has is the moderator's setting, checked by
    /// `settings::admit` on the server.
    Dot {
        card_id: String,
        add: bool,
    },
    /// Sets an attribute of a card (E4 status and "Bis wann", the
    /// Zielmatrix's core mark and the author's Kommune's stance) or, with
    /// an empty card id, of the board (its current section); allowed where
    /// the template declares it.
    SetAttribute {
        card_id: String,
        attribute: Attribute,
    },
    /// E5, on the target board: a new card carried over from `origin` on
    /// another board of the group, where the origin's template allows it.
    AddCopy {
        card_id: String,
        section: String,
        text: String,
        origin: CardRef,
    },
    /// E5, on the origin board: records (or, `linked: false`, forgets) the
    /// copy of `card_id` on another board, the link back.
    LinkCopy {
        card_id: String,
        copy: CardRef,
        linked: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpError {
    #[error("unknown section")]
    UnknownSection,
    #[error("unknown card")]
    UnknownCard,
    #[error("card id already used")]
    DuplicateCard,
    #[error("invalid id")]
    InvalidId,
    #[error("text longer than {max} characters")]
    TextTooLong { max: usize },
    #[error("more than {max} cards on the board")]
    TooManyCards { max: usize },
    #[error("these cards cannot be linked")]
    LinkNotAllowed,
    #[error("more than {max} links on a card")]
    TooManyLinks { max: usize },
    #[error("this card is not a KI idea")]
    NotAnIdea,
    #[error("the method has no such rating criterion")]
    UnknownCriterion,
    #[error("a rating must carry a value")]
    HiddenRating,
    #[error("the board is locked")]
    Locked,
    #[error("dot voting is off")]
    DotsOff,
    #[error("all {max} dots are used")]
    NoDotsLeft { max: u8 },
    #[error("more than {max} edits or ranges in one op")]
    TooManyEdits { max: usize },
    #[error("malformed text edit")]
    InvalidEdit,
    #[error("a text edit refers to an unknown character")]
    UnknownChar,
    #[error("the text's edit history is full")]
    HistoryFull,
    #[error("the text contains characters that are not allowed")]
    ForbiddenCharacter,
    #[error("more than {max} people rate this idea")]
    TooManyRaters { max: usize },
    #[error("more than {max} people give dots to this card")]
    TooManyVoters { max: usize },
    #[error("more than {max} ratings or dot givers on the board")]
    BoardFull { max: usize },
    #[error("this method is switched off in the session")]
    MethodOff,
    #[error("the second step of this method is not switched on yet")]
    StepOff,
    #[error("a fixed item of the method cannot be deleted or moved")]
    FixedItem,
    #[error("this section takes no cards of one's own")]
    SectionClosed,
    #[error("the card has no such field")]
    UnknownField,
    #[error("this attribute cannot be set here")]
    AttributeNotAllowed,
    #[error("not a date (YYYY-MM-DD)")]
    InvalidDate,
    #[error("a stance needs the author's Kommune")]
    NoKommune,
    #[error("this card cannot be carried over there")]
    CarryNotAllowed,
    #[error("there is no text to carry over")]
    NothingToCarry,
    #[error("only the moderator sets this field")]
    ModeratorOnly,
    #[error("cards here answer no questions")]
    NoQuestions,
    #[error("the question path has no such question")]
    UnknownQuestion,
}

impl BoardState {
    pub fn card_count(&self) -> usize {
        self.sections.values().map(Vec::len).sum()
    }

    pub fn find(&self, card_id: &str) -> Option<(&str, usize, &Card)> {
        self.sections.iter().find_map(|(section, cards)| {
            cards
                .iter()
                .position(|c| c.id == card_id)
                .map(|i| (section.as_str(), i, &cards[i]))
        })
    }

    fn find_mut(&mut self, card_id: &str) -> Option<&mut Card> {
        self.sections
            .values_mut()
            .flat_map(|cards| cards.iter_mut())
            .find(|c| c.id == card_id)
    }

    /// Cards in sections the template no longer has (the board was started
    /// with an older version): nothing stored is ever hidden or lost.
    pub fn orphans<'a>(&'a self, template: &Template) -> Vec<(&'a str, &'a [Card])> {
        self.sections
            .iter()
            .filter(|(id, cards)| !cards.is_empty() && template.section(id).is_none())
            .map(|(id, cards)| (id.as_str(), cards.as_slice()))
            .collect()
    }

    /// Ratings on the board: (idea, person) pairs with at least one answer.
    pub fn rating_count(&self) -> usize {
        self.ratings.values().map(BTreeMap::len).sum()
    }

    /// Dot givers summed over the board's cards: (card, person) pairs.
    pub fn dot_vote_count(&self) -> usize {
        self.dots.values().map(BTreeMap::len).sum()
    }

    /// Every dot on one card, summed over the people who gave them (as far
    /// as this copy of the board holds them: blind boards hold one's own).
    pub fn dots_on_card(&self, card_id: &str) -> u32 {
        self.dots
            .get(card_id)
            .map_or(0, |v| v.values().map(|n| u32::from(*n)).sum())
    }

    pub fn cards(&self, section: &str) -> &[Card] {
        self.sections.get(section).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The board with its texts only, without their character sequences:
    /// what an export carries (an import starts each text as one run).
    pub fn without_text_history(&self) -> BoardState {
        let mut plain = self.clone();
        for card in plain.sections.values_mut().flatten() {
            card.seqs.clear();
        }
        plain.subject_seq = None;
        plain
    }

    /// The character sequence of the board's header text.
    pub fn subject_seq(&self) -> TextSeq {
        self.subject_seq
            .clone()
            .unwrap_or_else(|| TextSeq::initial(&self.subject))
    }

    fn set_subject_seq(&mut self, seq: TextSeq) {
        self.subject = seq.text();
        self.subject_seq = (!seq.is_initial()).then_some(seq);
    }

    /// Whether a fixed item of `template` has no card on this board yet.
    pub fn lacks_items(&self, template: &Template) -> bool {
        template.sections.iter().any(|s| {
            s.items
                .iter()
                .any(|i| self.find(&fixed_card_id(template.key, i.id)).is_none())
        })
    }

    /// Gives every fixed item of `template` its card (E2), where it has
    /// none: in its section, at its place in the template's order, with
    /// the id [`fixed_card_id`], no text and no author. The same board
    /// gets the same cards on every replica; `apply` calls it before the
    /// first op, and a screen or an export calls it on a board nobody has
    /// touched yet, which shows the items as well.
    pub fn materialise(&mut self, template: &Template) {
        for section in template.sections {
            for (place, item) in section.items.iter().enumerate() {
                let id = fixed_card_id(template.key, item.id);
                if self.find(&id).is_some() {
                    continue;
                }
                let cards = self.sections.entry(section.id.to_owned()).or_default();
                let at = place.min(cards.len());
                cards.insert(
                    at,
                    Card {
                        item: Some(item.id.to_owned()),
                        ..Card::new(id, String::new(), Author::nobody())
                    },
                );
            }
        }
    }

    /// The board with its fixed items (see [`BoardState::materialise`]).
    pub fn materialised(&self, template: &Template) -> BoardState {
        let mut board = self.clone();
        board.materialise(template);
        board
    }
}

impl Author {
    /// The author of what the template made (a fixed item): nobody.
    pub fn nobody() -> Author {
        Author {
            id: String::new(),
            name: String::new(),
            kommune: String::new(),
            moderator: false,
        }
    }

    /// The session's moderator as the author of an op the server builds for
    /// the moderator's secret (the Sessionplan's Zeitfenster and Raum).
    pub fn moderator() -> Author {
        Author {
            id: MODERATOR_ID.to_owned(),
            name: "Moderation".to_owned(),
            kommune: String::new(),
            moderator: true,
        }
    }
}

/// The author id of the moderator's ops (participants' ids are random and
/// never this word).
pub const MODERATOR_ID: &str = "moderation";

impl Card {
    /// A card with its text and author, nothing else set.
    pub fn new(id: String, text: String, author: Author) -> Card {
        Card {
            id,
            text,
            author,
            conflict: false,
            links: Vec::new(),
            sketch: Sketch::default(),
            seqs: BTreeMap::new(),
            fields: BTreeMap::new(),
            item: None,
            status: Status::Offen,
            due: None,
            stances: BTreeMap::new(),
            core: false,
            origin: None,
            copies: Vec::new(),
            answers: BTreeMap::new(),
            marks: BTreeSet::new(),
        }
    }
}

fn check_text(text: &str) -> Result<(), OpError> {
    if text.chars().count() > limits::CARD_TEXT {
        Err(OpError::TextTooLong {
            max: limits::CARD_TEXT,
        })
    } else {
        check_chars(text)
    }
}

/// Card and sketch texts may hold line breaks and tabs, but nothing XML 1.0
/// forbids (the exports are XML): the same rule as for every text field.
pub(crate) fn check_chars(text: &str) -> Result<(), OpError> {
    if text.chars().all(is_xml_char) {
        Ok(())
    } else {
        Err(OpError::ForbiddenCharacter)
    }
}

fn check_id(id: &str) -> Result<(), OpError> {
    let ok = !id.is_empty()
        && id.len() <= limits::ID
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(OpError::InvalidId)
    }
}

fn check_section(template: &Template, section: &str) -> Result<(), OpError> {
    if template.sections.iter().any(|s| s.id == section) {
        Ok(())
    } else {
        Err(OpError::UnknownSection)
    }
}

/// A section that takes cards of the group's own.
fn open_section(template: &Template, section: &str) -> Result<(), OpError> {
    check_section(template, section)?;
    if template.section(section).is_some_and(|s| s.closed) {
        Err(OpError::SectionClosed)
    } else {
        Ok(())
    }
}

fn check_ref(card: &CardRef) -> Result<&'static Template, OpError> {
    check_id(&card.card_id)?;
    templates::find(&card.template).ok_or(OpError::CarryNotAllowed)
}

/// The op that makes the named field `key` of card `card_id` read `text`
/// (the whole text replaced, as one splice with new ids from `clock`, the
/// way a browser edits a field); `None` when it reads so already. The
/// server builds the moderator's Sessionplan edits with it; `apply`
/// decides whether the author may make them.
pub fn set_field_op(
    state: &BoardState,
    template: &Template,
    card_id: &str,
    key: &str,
    text: &str,
    clock: &mut super::text::Clock,
) -> Result<Option<Op>, OpError> {
    let field = match TextField::from_key(key) {
        Some(field @ TextField::Field(_)) => field,
        _ => return Err(OpError::UnknownField),
    };
    check_text(text)?;
    let board = state.materialised(template);
    let (_, _, card) = board.find(card_id).ok_or(OpError::UnknownCard)?;
    let seq = card.seq(field);
    let Some(splice) = super::text::splice_between(&seq.text(), text, None) else {
        return Ok(None);
    };
    Ok(Some(Op::EditText {
        card_id: card_id.to_owned(),
        field,
        edits: seq.splice_edits(&splice, clock),
    }))
}

/// Adds (`linked`) or drops `item` in a card's list of links or copies,
/// at most [`limits::LINKS_PER_CARD`] of them; adding what is there or
/// dropping what is not changes nothing.
fn toggle_in<T: PartialEq + Clone>(
    list: &mut Vec<T>,
    item: &T,
    linked: bool,
) -> Result<(), OpError> {
    let present = list.contains(item);
    match (linked, present) {
        (true, false) if list.len() >= limits::LINKS_PER_CARD => {
            return Err(OpError::TooManyLinks {
                max: limits::LINKS_PER_CARD,
            })
        }
        (true, false) => list.push(item.clone()),
        (false, true) => list.retain(|x| x != item),
        _ => {}
    }
    Ok(())
}

/// Adds or drops one of a card's `links` (the same board's or another's).
fn toggle_link(card: &mut Card, link: &str, linked: bool) -> Result<(), OpError> {
    toggle_in(&mut card.links, &link.to_owned(), linked)
}

/// The cards of `other` (the group's board of `template`) that `card` (a
/// card of `section`) refers to and that show: still there and in a
/// section `section` declares ([`Section::refs_to`]). Each with its
/// section id, in the order they were added; the screen, the projector
/// and the documents all read them here.
pub fn shown_refs<'a>(
    card: &Card,
    section: &Section,
    template: &str,
    other: &'a BoardState,
) -> Vec<(&'a str, &'a Card)> {
    card.refs()
        .filter(|r| r.template == template)
        .filter_map(|r| other.find(&r.card_id))
        .filter(|(s, _, _)| section.refs_to.iter().any(|t| t.admits(template, s)))
        .map(|(s, _, c)| (s, c))
        .collect()
}

/// The op that makes `card_id` link `link` as [`Card::links`] keeps it: a
/// card of another board ("swot:<id>") or of the same board (an import
/// replays a card's links with it).
pub fn link_op(card_id: &str, link: &str) -> Op {
    match CardRef::from_link(link) {
        Some(target) => Op::RefCard {
            card_id: card_id.to_owned(),
            target,
            linked: true,
        },
        None => Op::LinkCards {
            card_id: card_id.to_owned(),
            target_id: link.to_owned(),
            linked: true,
        },
    }
}

/// Applies `op` to `state`, or leaves `state` untouched and says why not.
pub fn apply(
    state: &mut BoardState,
    template: &Template,
    author: &Author,
    op: &Op,
) -> Result<(), OpError> {
    let fresh = state.template_version == 0 && state.card_count() == 0;
    if state.lacks_items(template) {
        // Once per board: its fixed items come first, and only with an op
        // that applies, so a refused op still leaves the board untouched.
        let mut next = state.materialised(template);
        apply_op(&mut next, template, author, op)?;
        *state = next;
    } else {
        apply_op(state, template, author, op)?;
    }
    if fresh {
        state.template_version = template.version;
    }
    Ok(())
}

fn apply_op(
    state: &mut BoardState,
    template: &Template,
    author: &Author,
    op: &Op,
) -> Result<(), OpError> {
    match op {
        Op::AddCard {
            card_id,
            section,
            text,
        } => add_card(state, template, author, card_id, section, text, None)?,
        Op::AddCopy {
            card_id,
            section,
            text,
            origin,
        } => {
            let from = check_ref(origin)?;
            // The origin's template says where its cards may go; the
            // origin board records the link back (`LinkCopy`).
            if !from
                .sections
                .iter()
                .any(|s| from.carries_to(s.id, template.key, section))
            {
                return Err(OpError::CarryNotAllowed);
            }
            add_card(
                state,
                template,
                author,
                card_id,
                section,
                text,
                Some(origin.clone()),
            )?;
        }
        Op::LinkCopy {
            card_id,
            copy,
            linked,
        } => {
            check_ref(copy)?;
            let (section, _, _) = state.find(card_id).ok_or(OpError::UnknownCard)?;
            let allowed = template
                .section(section)
                .is_some_and(|s| s.carry_to.iter().any(|c| c.template == copy.template));
            if !allowed {
                return Err(OpError::CarryNotAllowed);
            }
            let card = state.find_mut(card_id).ok_or(OpError::UnknownCard)?;
            toggle_in(&mut card.copies, copy, *linked)?;
        }
        Op::SetAttribute { card_id, attribute } => {
            set_attribute(state, template, author, card_id, attribute)?
        }
        Op::EditText {
            card_id,
            field: TextField::Subject,
            edits,
        } => {
            check_edit_counts(edits)?;
            if !card_id.is_empty() {
                return Err(OpError::InvalidId);
            }
            if template.header.is_none() {
                return Err(OpError::UnknownSection);
            }
            let mut seq = state.subject_seq();
            // Two people rewording the header at once keep both wordings;
            // there is no card to flag, the text shows it.
            seq.apply(edits, TextField::Subject.limits())?;
            state.set_subject_seq(seq);
        }
        Op::EditText {
            card_id,
            field,
            edits,
        } => {
            check_edit_counts(edits)?;
            if !author.moderator && field.moderator_only() {
                return Err(OpError::ModeratorOnly);
            }
            let card = match field {
                TextField::Sketch(_) => idea_mut(state, template, card_id)?,
                TextField::Field(key) => declared_mut(
                    state,
                    template,
                    card_id,
                    |s| s.has_field(key),
                    OpError::UnknownField,
                )?,
                TextField::Card | TextField::Subject => {
                    state.find_mut(card_id).ok_or(OpError::UnknownCard)?
                }
            };
            let mut seq = card.seq(*field);
            let conflict = seq.apply(edits, field.limits())?;
            card.set_seq(*field, seq);
            card.conflict |= conflict;
        }
        Op::ResolveConflict { card_id } => {
            state
                .find_mut(card_id)
                .ok_or(OpError::UnknownCard)?
                .conflict = false;
        }
        Op::EditCard {
            card_id,
            base,
            text,
        } => {
            check_text(text)?;
            let card = state.find_mut(card_id).ok_or(OpError::UnknownCard)?;
            legacy_edit(card, TextField::Card, base, text)?;
        }
        Op::MoveCard {
            card_id,
            section,
            index,
        } => {
            check_section(template, section)?;
            let (from, at, card) = state.find(card_id).ok_or(OpError::UnknownCard)?;
            if is_fixed(template, card) {
                return Err(OpError::FixedItem);
            }
            open_section(template, section)?;
            let from = from.to_owned();
            let card = state
                .sections
                .get_mut(&from)
                .map(|cards| cards.remove(at))
                .ok_or(OpError::UnknownCard)?;
            let target = state.sections.entry(section.clone()).or_default();
            let index = (*index).min(target.len());
            target.insert(index, card);
        }
        Op::DeleteCard { card_id } => {
            let (from, at, card) = state.find(card_id).ok_or(OpError::UnknownCard)?;
            if is_fixed(template, card) {
                return Err(OpError::FixedItem);
            }
            let from = from.to_owned();
            if let Some(cards) = state.sections.get_mut(&from) {
                cards.remove(at);
            }
            // No dangling links or ratings of a card that is gone.
            for card in state.sections.values_mut().flatten() {
                card.links.retain(|l| l != card_id);
            }
            state.ratings.remove(card_id);
            state.dots.remove(card_id);
        }
        Op::LinkCards {
            card_id,
            target_id,
            linked,
        } => {
            let (from_section, _, _) = state.find(card_id).ok_or(OpError::UnknownCard)?;
            let (to_section, _, _) = state.find(target_id).ok_or(OpError::UnknownCard)?;
            let allowed = template
                .section(from_section)
                .is_some_and(|s| s.links_to.contains(&to_section));
            if !allowed {
                return Err(OpError::LinkNotAllowed);
            }
            let card = state.find_mut(card_id).ok_or(OpError::UnknownCard)?;
            toggle_link(card, target_id, *linked)?;
        }
        Op::RefCard {
            card_id,
            target,
            linked,
        } => {
            check_id(&target.card_id)?;
            let (section, _, _) = state.find(card_id).ok_or(OpError::UnknownCard)?;
            let allowed = template
                .section(section)
                .is_some_and(|s| s.refs_to.iter().any(|r| r.template == target.template));
            if !allowed {
                return Err(OpError::LinkNotAllowed);
            }
            let card = state.find_mut(card_id).ok_or(OpError::UnknownCard)?;
            toggle_link(card, &target.link(), *linked)?;
        }
        Op::EditSketch {
            card_id,
            field,
            base,
            text,
        } => {
            check_sketch_text(text)?;
            let card = idea_mut(state, template, card_id)?;
            legacy_edit(card, TextField::Sketch(*field), base, text)?;
        }
        Op::SetFlag {
            card_id,
            flag,
            value,
        } => {
            let card = idea_mut(state, template, card_id)?;
            match flag {
                IdeaFlag::PersonalData => card.sketch.personal_data = *value,
                IdeaFlag::HighRisk => card.sketch.high_risk = *value,
            }
        }
        Op::Choose { card_id, choice } => {
            let card = idea_mut(state, template, card_id)?;
            match *choice {
                SketchChoice::Kooperationsform(k) => card.sketch.kooperationsform = k,
                SketchChoice::Einsatzfeld(f) => card.sketch.einsatzfeld = f,
            }
        }
        Op::Rate {
            card_id,
            criterion,
            value,
        } => {
            declared_mut(
                state,
                template,
                card_id,
                Section::is_rated,
                OpError::NotAnIdea,
            )?;
            let criteria = state
                .find(card_id)
                .and_then(|(section, _, _)| template.section(section))
                .map_or(&[][..], |s| s.criteria_in(template));
            if !criteria.iter().any(|c| c.key == criterion.as_str()) {
                return Err(OpError::UnknownCriterion);
            }
            match value {
                Some(slot) => {
                    let known = state
                        .ratings
                        .get(card_id)
                        .is_some_and(|r| r.contains_key(&author.id));
                    if !known {
                        let raters = state.ratings.get(card_id).map_or(0, BTreeMap::len);
                        if raters >= limits::RATERS_PER_CARD {
                            return Err(OpError::TooManyRaters {
                                max: limits::RATERS_PER_CARD,
                            });
                        }
                        if state.rating_count() >= limits::RATINGS_PER_BOARD {
                            return Err(OpError::BoardFull {
                                max: limits::RATINGS_PER_BOARD,
                            });
                        }
                    }
                    let rater = state
                        .ratings
                        .entry(card_id.clone())
                        .or_default()
                        .entry(author.id.clone())
                        .or_insert_with(|| Rater {
                            name: author.name.clone(),
                            values: BTreeMap::new(),
                            kommune: String::new(),
                        });
                    rater.kommune.clone_from(&author.kommune);
                    rater.values.insert(criterion.clone(), *slot);
                }
                None => {
                    if let Some(raters) = state.ratings.get_mut(card_id) {
                        if let Some(rater) = raters.get_mut(&author.id) {
                            rater.values.remove(criterion);
                            if rater.values.is_empty() {
                                raters.remove(&author.id);
                            }
                        }
                        if raters.is_empty() {
                            state.ratings.remove(card_id);
                        }
                    }
                }
            }
        }
        Op::Dot { card_id, add } => {
            state.find(card_id).ok_or(OpError::UnknownCard)?;
            let known = state
                .dots
                .get(card_id)
                .is_some_and(|v| v.contains_key(&author.id));
            if *add && !known {
                let voters = state.dots.get(card_id).map_or(0, BTreeMap::len);
                if voters >= limits::VOTERS_PER_CARD {
                    return Err(OpError::TooManyVoters {
                        max: limits::VOTERS_PER_CARD,
                    });
                }
                if state.dot_vote_count() >= limits::DOT_VOTES_PER_BOARD {
                    return Err(OpError::BoardFull {
                        max: limits::DOT_VOTES_PER_BOARD,
                    });
                }
            }
            if !*add && !known {
                // Taking back a dot one never gave: nothing to do.
                return Ok(());
            }
            let voters = state.dots.entry(card_id.clone()).or_default();
            let mine = voters.entry(author.id.clone()).or_default();
            *mine = if *add {
                mine.saturating_add(1)
            } else {
                mine.saturating_sub(1)
            };
            if *mine == 0 {
                voters.remove(&author.id);
            }
            if voters.is_empty() {
                state.dots.remove(card_id);
            }
        }
    }
    Ok(())
}

impl Op {
    /// What a browser may not send even though a replica may apply it: a
    /// rating without its value exists only as the server's redaction of
    /// someone else's blind rating.
    pub fn check_from_client(&self) -> Result<(), OpError> {
        match self {
            Op::Rate {
                value: Some(RatingSlot::Hidden),
                ..
            } => Err(OpError::HiddenRating),
            _ => Ok(()),
        }
    }
}

/// The op limits of one text edit op (how many edits and deleted ranges);
/// the replica uses the same check to decide when to start a new op.
pub(crate) fn check_edit_counts(edits: &[TextEdit]) -> Result<(), OpError> {
    if edits.is_empty() {
        return Err(OpError::InvalidEdit);
    }
    if edits.len() > limits::EDITS_PER_OP {
        return Err(OpError::TooManyEdits {
            max: limits::EDITS_PER_OP,
        });
    }
    let ranges: usize = edits
        .iter()
        .map(|e| match e {
            TextEdit::Delete { ranges } => ranges.len(),
            TextEdit::Insert { .. } => 0,
        })
        .sum();
    if ranges > limits::RANGES_PER_OP {
        return Err(OpError::TooManyEdits {
            max: limits::RANGES_PER_OP,
        });
    }
    Ok(())
}

/// A whole-text edit from before the CRDT: merged three-way as it was, and
/// the result entered into the field's sequence as one change.
fn legacy_edit(card: &mut Card, field: TextField, base: &str, text: &str) -> Result<(), OpError> {
    let merged = merge_text(base, card.field_text(field), text);
    let mut seq = card.seq(field);
    let edits = seq.rewrite(&merged.text);
    seq.apply(&edits, field.limits())?;
    card.set_seq(field, seq);
    card.conflict |= merged.conflict;
    Ok(())
}

fn check_sketch_text(text: &str) -> Result<(), OpError> {
    if text.chars().count() > limits::SKETCH_TEXT {
        Err(OpError::TextTooLong {
            max: limits::SKETCH_TEXT,
        })
    } else {
        check_chars(text)
    }
}

#[allow(clippy::too_many_arguments)]
fn add_card(
    state: &mut BoardState,
    template: &Template,
    author: &Author,
    card_id: &str,
    section: &str,
    text: &str,
    origin: Option<CardRef>,
) -> Result<(), OpError> {
    check_id(card_id)?;
    open_section(template, section)?;
    check_text(text)?;
    if state.find(card_id).is_some() {
        return Err(OpError::DuplicateCard);
    }
    if state.card_count() >= limits::CARDS_PER_BOARD {
        return Err(OpError::TooManyCards {
            max: limits::CARDS_PER_BOARD,
        });
    }
    state
        .sections
        .entry(section.to_owned())
        .or_default()
        .push(Card {
            origin,
            ..Card::new(card_id.to_owned(), text.to_owned(), author.clone())
        });
    Ok(())
}

/// Sets a card's (or, with an empty card id, the board's) attribute where
/// the template declares it.
fn set_attribute(
    state: &mut BoardState,
    template: &Template,
    author: &Author,
    card_id: &str,
    attribute: &Attribute,
) -> Result<(), OpError> {
    match attribute {
        Attribute::Current(section) => {
            if !card_id.is_empty() {
                return Err(OpError::InvalidId);
            }
            if !template.marks_current {
                return Err(OpError::AttributeNotAllowed);
            }
            if let Some(section) = section {
                check_section(template, section)?;
            }
            state.current.clone_from(section);
        }
        Attribute::Status(status) => {
            declared_mut(state, template, card_id, |s| s.tasks, NOT_HERE)?.status = *status;
        }
        Attribute::Due(due) => {
            let due = match due {
                Some(date) => {
                    Some(crate::session::clean_date(date).map_err(|_| OpError::InvalidDate)?)
                }
                None => None,
            };
            declared_mut(state, template, card_id, |s| s.tasks, NOT_HERE)?.due = due;
        }
        Attribute::Core(core) => {
            declared_mut(state, template, card_id, |s| s.stances, NOT_HERE)?.core = *core;
        }
        Attribute::Stance(stance) => {
            // The author speaks for their own Kommune, as one rates only
            // for oneself: the server fills the author in from the token.
            if author.kommune.is_empty() {
                return Err(OpError::NoKommune);
            }
            let card = declared_mut(state, template, card_id, |s| s.stances, NOT_HERE)?;
            match stance {
                Some(stance) => {
                    if !card.stances.contains_key(&author.kommune)
                        && card.stances.len() >= limits::VOTERS_PER_CARD
                    {
                        return Err(OpError::TooManyVoters {
                            max: limits::VOTERS_PER_CARD,
                        });
                    }
                    card.stances.insert(author.kommune.clone(), *stance);
                }
                None => {
                    card.stances.remove(&author.kommune);
                }
            }
        }
        Attribute::Answer { question, answer } => {
            let (section, _, _) = state.find(card_id).ok_or(OpError::UnknownCard)?;
            let set = template
                .section(section)
                .and_then(|s| s.questions)
                .ok_or(OpError::NoQuestions)?;
            if !set.knows(question) {
                return Err(OpError::UnknownQuestion);
            }
            let card = state.find_mut(card_id).ok_or(OpError::UnknownCard)?;
            match answer {
                Some(answer) => {
                    card.answers.insert(question.clone(), *answer);
                }
                None => {
                    card.answers.remove(question);
                }
            }
        }
        Attribute::Mark { mark, on } => {
            let card = match mark {
                Mark::Antrag => idea_mut(state, template, card_id)?,
                Mark::Vereinbarung => state.find_mut(card_id).ok_or(OpError::UnknownCard)?,
            };
            if !*on {
                card.marks.remove(mark);
            } else {
                card.marks.insert(*mark);
                if *mark == Mark::Antrag {
                    // One idea per group goes into the Antrag.
                    for card in state.sections.values_mut().flatten() {
                        if card.id != card_id {
                            card.marks.remove(&Mark::Antrag);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

const NOT_HERE: OpError = OpError::AttributeNotAllowed;

/// A fixed item of the template, which stays. A card of an item a later
/// version of the template dropped is the group's to tidy up.
fn is_fixed(template: &Template, card: &Card) -> bool {
    card.item
        .as_deref()
        .is_some_and(|item| template.item(item).is_some())
}

/// The card `card_id` if its section (in `template`) has what `declares`
/// asks for; `refused` otherwise. The one check of "the template says
/// cards here have that" (a Projektskizze, a rating, a field, a status…).
fn declared_mut<'s>(
    state: &'s mut BoardState,
    template: &Template,
    card_id: &str,
    declares: impl Fn(&Section) -> bool,
    refused: OpError,
) -> Result<&'s mut Card, OpError> {
    let (section, _, _) = state.find(card_id).ok_or(OpError::UnknownCard)?;
    if !template.section(section).is_some_and(declares) {
        return Err(refused);
    }
    state.find_mut(card_id).ok_or(OpError::UnknownCard)
}

/// The card `card_id` if it is a KI idea (in a section the template marks so).
fn idea_mut<'s>(
    state: &'s mut BoardState,
    template: &Template,
    card_id: &str,
) -> Result<&'s mut Card, OpError> {
    declared_mut(state, template, card_id, |s| s.ideas, OpError::NotAnIdea)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::CANVAS;

    fn anna() -> Author {
        Author {
            id: "p1".into(),
            name: "Anna".into(),
            kommune: String::new(),
            moderator: false,
        }
    }

    fn add(id: &str, section: &str, text: &str) -> Op {
        Op::AddCard {
            card_id: id.into(),
            section: section.into(),
            text: text.into(),
        }
    }

    #[test]
    fn adds_edits_moves_and_deletes_cards() {
        let mut b = BoardState::default();
        apply(
            &mut b,
            &CANVAS,
            &anna(),
            &add("c1", "problem", "Lange Wartezeiten"),
        )
        .unwrap();
        apply(
            &mut b,
            &CANVAS,
            &anna(),
            &add("c2", "problem", "Medienbrüche"),
        )
        .unwrap();
        let edit = Op::EditCard {
            card_id: "c1".into(),
            base: "Lange Wartezeiten".into(),
            text: "Lange Wartezeiten im Bürgerbüro".into(),
        };
        apply(&mut b, &CANVAS, &anna(), &edit).unwrap();
        assert_eq!(
            b.cards("problem")[0].text,
            "Lange Wartezeiten im Bürgerbüro"
        );
        let mv = Op::MoveCard {
            card_id: "c2".into(),
            section: "ziel".into(),
            index: 99,
        };
        apply(&mut b, &CANVAS, &anna(), &mv).unwrap();
        assert_eq!(b.cards("ziel")[0].id, "c2");
        apply(
            &mut b,
            &CANVAS,
            &anna(),
            &Op::DeleteCard {
                card_id: "c1".into(),
            },
        )
        .unwrap();
        assert_eq!(b.card_count(), 1);
        assert_eq!(b.cards("ziel")[0].author, anna());
    }

    #[test]
    fn rejects_unknown_section_duplicate_and_unknown_card_without_change() {
        let mut b = BoardState::default();
        assert_eq!(
            apply(&mut b, &CANVAS, &anna(), &add("c1", "nope", "x")),
            Err(OpError::UnknownSection)
        );
        apply(&mut b, &CANVAS, &anna(), &add("c1", "problem", "x")).unwrap();
        let before = b.clone();
        assert_eq!(
            apply(&mut b, &CANVAS, &anna(), &add("c1", "problem", "y")),
            Err(OpError::DuplicateCard)
        );
        assert_eq!(
            apply(
                &mut b,
                &CANVAS,
                &anna(),
                &Op::DeleteCard {
                    card_id: "zz".into()
                }
            ),
            Err(OpError::UnknownCard)
        );
        assert_eq!(
            apply(&mut b, &CANVAS, &anna(), &add("bad id!", "problem", "y")),
            Err(OpError::InvalidId)
        );
        assert_eq!(b, before);
    }

    #[test]
    fn rejects_text_over_the_limit_and_cards_over_the_limit() {
        let mut b = BoardState::default();
        let long = "ä".repeat(limits::CARD_TEXT + 1);
        assert_eq!(
            apply(&mut b, &CANVAS, &anna(), &add("c1", "problem", &long)),
            Err(OpError::TextTooLong {
                max: limits::CARD_TEXT
            })
        );
        let exact = "ä".repeat(limits::CARD_TEXT);
        apply(&mut b, &CANVAS, &anna(), &add("c1", "problem", &exact)).unwrap();
        for i in 1..limits::CARDS_PER_BOARD {
            apply(
                &mut b,
                &CANVAS,
                &anna(),
                &add(&format!("c{}", i + 1), "ziel", ""),
            )
            .unwrap();
        }
        assert_eq!(
            apply(&mut b, &CANVAS, &anna(), &add("last", "ziel", "")),
            Err(OpError::TooManyCards {
                max: limits::CARDS_PER_BOARD
            })
        );
    }

    #[test]
    fn texts_with_characters_xml_forbids_are_refused_everywhere() {
        use crate::templates::KI;
        use crate::text::CharId;
        let mut b = BoardState::default();
        for bad in ["Idee\u{FFFF}", "\u{FFFE}", "a\u{0}b", "a\u{1F}b"] {
            assert_eq!(
                apply(&mut b, &KI, &anna(), &add("c1", "ideen", bad)),
                Err(OpError::ForbiddenCharacter),
                "{bad:?}"
            );
        }
        // Line breaks, tabs and emoji are fine.
        apply(&mut b, &KI, &anna(), &add("c1", "ideen", "a\tb\r\nc 😀")).unwrap();
        let before = b.clone();
        let insert = |field| Op::EditText {
            card_id: "c1".into(),
            field,
            edits: vec![TextEdit::Insert {
                id: CharId::new(7, 1),
                after: None,
                text: "x\u{FFFF}".into(),
            }],
        };
        let legacy = [
            Op::EditCard {
                card_id: "c1".into(),
                base: "a\tb\r\nc 😀".into(),
                text: "neu\u{FFFF}".into(),
            },
            Op::EditSketch {
                card_id: "c1".into(),
                field: SketchField::Daten,
                base: String::new(),
                text: "\u{7}".into(),
            },
        ];
        let ops = [
            insert(TextField::Card),
            insert(TextField::Sketch(SketchField::Beschreibung)),
        ];
        for op in ops.iter().chain(&legacy) {
            assert_eq!(
                apply(&mut b, &KI, &anna(), op),
                Err(OpError::ForbiddenCharacter),
                "{op:?}"
            );
            assert_eq!(b, before);
        }
    }

    #[test]
    fn raters_and_dot_givers_per_card_and_board_are_bounded() {
        use crate::evaluation::{CriterionKey, RatingValue};
        use crate::templates::KI;
        let mut b = BoardState::default();
        apply(&mut b, &KI, &anna(), &add("i1", "ideen", "Chatbot")).unwrap();
        let person = |n: usize| Author {
            id: format!("p{n}"),
            name: format!("Person {n}"),
            kommune: String::new(),
            moderator: false,
        };
        let rate = |card: &str| Op::Rate {
            card_id: card.into(),
            criterion: CriterionKey::new("nutzen"),
            value: Some(RatingSlot::Given(RatingValue::Score(3))),
        };
        let dot = |card: &str| Op::Dot {
            card_id: card.into(),
            add: true,
        };
        for n in 0..limits::RATERS_PER_CARD {
            apply(&mut b, &KI, &person(n), &rate("i1")).unwrap();
            apply(&mut b, &KI, &person(n), &dot("i1")).unwrap();
        }
        let before = b.clone();
        let next = person(limits::RATERS_PER_CARD);
        assert_eq!(
            apply(&mut b, &KI, &next, &rate("i1")),
            Err(OpError::TooManyRaters {
                max: limits::RATERS_PER_CARD
            })
        );
        assert_eq!(
            apply(&mut b, &KI, &next, &dot("i1")),
            Err(OpError::TooManyVoters {
                max: limits::VOTERS_PER_CARD
            })
        );
        assert_eq!(b, before);
        // Someone who rated already may change their answer, give more dots
        // or take one back; the newcomer may withdraw what they never gave.
        apply(&mut b, &KI, &person(0), &rate("i1")).unwrap();
        apply(&mut b, &KI, &person(0), &dot("i1")).unwrap();
        let undo = Op::Dot {
            card_id: "i1".into(),
            add: false,
        };
        apply(&mut b, &KI, &next, &undo).unwrap();
        assert_eq!(b.dots["i1"].len(), limits::VOTERS_PER_CARD);
        // The board as a whole: ratings over many ideas.
        let ideas = limits::RATINGS_PER_BOARD / limits::RATERS_PER_CARD;
        for i in 2..=ideas {
            let card = format!("i{i}");
            apply(&mut b, &KI, &anna(), &add(&card, "ideen", "Idee")).unwrap();
            for n in 0..limits::RATERS_PER_CARD {
                apply(&mut b, &KI, &person(n), &rate(&card)).unwrap();
            }
        }
        assert_eq!(b.rating_count(), limits::RATINGS_PER_BOARD);
        apply(&mut b, &KI, &anna(), &add("last", "ideen", "Idee")).unwrap();
        assert_eq!(
            apply(&mut b, &KI, &anna(), &rate("last")),
            Err(OpError::BoardFull {
                max: limits::RATINGS_PER_BOARD
            })
        );
    }

    #[test]
    fn tows_strategy_links_swot_cards_it_draws_on_and_links_vanish_with_the_card() {
        use crate::templates::SWOT;
        let mut b = BoardState::default();
        apply(
            &mut b,
            &SWOT,
            &anna(),
            &add("s1", "staerken", "Erfahrene IT"),
        )
        .unwrap();
        apply(
            &mut b,
            &SWOT,
            &anna(),
            &add("w1", "schwaechen", "Wenig Personal"),
        )
        .unwrap();
        apply(
            &mut b,
            &SWOT,
            &anna(),
            &add("so1", "so", "Gemeinsames Rechenzentrum"),
        )
        .unwrap();
        let link = |target: &str, linked| Op::LinkCards {
            card_id: "so1".into(),
            target_id: target.into(),
            linked,
        };
        apply(&mut b, &SWOT, &anna(), &link("s1", true)).unwrap();
        apply(&mut b, &SWOT, &anna(), &link("s1", true)).unwrap();
        assert_eq!(b.find("so1").unwrap().2.links, ["s1"]);
        // SO draws on strengths and opportunities, not weaknesses.
        assert_eq!(
            apply(&mut b, &SWOT, &anna(), &link("w1", true)),
            Err(OpError::LinkNotAllowed)
        );
        // A SWOT card cannot link to a strategy (the link has a direction).
        let back = Op::LinkCards {
            card_id: "s1".into(),
            target_id: "so1".into(),
            linked: true,
        };
        assert_eq!(
            apply(&mut b, &SWOT, &anna(), &back),
            Err(OpError::LinkNotAllowed)
        );
        apply(
            &mut b,
            &SWOT,
            &anna(),
            &Op::DeleteCard {
                card_id: "s1".into(),
            },
        )
        .unwrap();
        assert!(b.find("so1").unwrap().2.links.is_empty());
    }

    #[test]
    fn a_board_from_an_older_template_version_still_opens_with_every_card() {
        // Stored when the canvas had a section "vision" that a later version dropped.
        let stored = r#"{"sections":{"vision":[{"id":"v1","text":"Alte Karte","author":{"id":"p1","name":"Anna"}}],
            "problem":[{"id":"c1","text":"Formulare","author":{"id":"p1","name":"Anna"}}]},"template_version":0}"#;
        let mut board: BoardState = serde_json::from_str(stored).unwrap();
        let orphans = board.orphans(&CANVAS);
        assert_eq!(orphans.len(), 1);
        assert_eq!(
            (orphans[0].0, orphans[0].1[0].text.as_str()),
            ("vision", "Alte Karte")
        );
        // The group can carry on and move the old card into a current section.
        let to_ziel = Op::MoveCard {
            card_id: "v1".into(),
            section: "ziel".into(),
            index: 0,
        };
        apply(&mut board, &CANVAS, &anna(), &to_ziel).unwrap();
        assert!(board.orphans(&CANVAS).is_empty());
        assert_eq!(board.cards("ziel")[0].text, "Alte Karte");
    }

    #[test]
    fn the_swot_subject_is_one_live_board_text_of_templates_that_have_it() {
        use crate::templates::SWOT;
        use crate::text::{Clock, Splice};
        let mut board = BoardState::default();
        let type_in = |board: &BoardState, at: usize, text: &str, clock: &mut Clock| Op::EditText {
            card_id: String::new(),
            field: TextField::Subject,
            edits: board.subject_seq().splice_edits(
                &Splice {
                    at,
                    removed: 0,
                    inserted: text.into(),
                },
                clock,
            ),
        };
        let mut clock = Clock::new(7);
        let op = type_in(&board, 0, "Gemeinsames Bürgerbüro", &mut clock);
        // Through JSON as it travels: the field is "gegenstand".
        let json = serde_json::to_string(&op).unwrap();
        assert!(json.contains(r#""field":"gegenstand""#), "{json}");
        let op: Op = serde_json::from_str(&json).unwrap();
        apply(&mut board, &SWOT, &anna(), &op).unwrap();
        assert_eq!(board.subject, "Gemeinsames Bürgerbüro");
        let more = type_in(&board, 22, " im Landkreis", &mut clock);
        apply(&mut board, &SWOT, &anna(), &more).unwrap();
        assert_eq!(board.subject, "Gemeinsames Bürgerbüro im Landkreis");
        // Stored and read back equal; an export drops the history only.
        let stored = serde_json::to_string(&board).unwrap();
        assert_eq!(serde_json::from_str::<BoardState>(&stored).unwrap(), board);
        assert_eq!(
            board.without_text_history().subject,
            "Gemeinsames Bürgerbüro im Landkreis"
        );
        // The canvas has no header; a card id does not belong in the op.
        let mut canvas = BoardState::default();
        assert_eq!(
            apply(&mut canvas, &CANVAS, &anna(), &op),
            Err(OpError::UnknownSection)
        );
        let with_card = Op::EditText {
            card_id: "c1".into(),
            field: TextField::Subject,
            edits: vec![],
        };
        assert!(apply(&mut board, &SWOT, &anna(), &with_card).is_err());
        // Too long is refused like any text.
        let long = type_in(&board, 0, &"x".repeat(limits::SUBJECT_TEXT), &mut clock);
        assert_eq!(
            apply(&mut board, &SWOT, &anna(), &long),
            Err(OpError::TextTooLong {
                max: limits::SUBJECT_TEXT
            })
        );
    }

    #[test]
    fn an_idea_takes_a_kooperationsform_and_an_einsatzfeld() {
        use crate::sketch::{Einsatzfeld, Kooperationsform, SketchChoice};
        use crate::templates::KI;
        let mut board = BoardState::default();
        apply(&mut board, &KI, &anna(), &add("i1", "ideen", "Chatbot")).unwrap();
        let choose = |choice| Op::Choose {
            card_id: "i1".into(),
            choice,
        };
        for op in [
            choose(SketchChoice::Kooperationsform(Some(
                Kooperationsform::Zweckverband,
            ))),
            choose(SketchChoice::Einsatzfeld(Some(
                Einsatzfeld::Buergerkommunikation,
            ))),
        ] {
            let json = serde_json::to_string(&op).unwrap();
            apply(
                &mut board,
                &KI,
                &anna(),
                &serde_json::from_str(&json).unwrap(),
            )
            .unwrap();
        }
        let sketch = &board.find("i1").unwrap().2.sketch;
        assert_eq!(
            sketch.kooperationsform,
            Some(Kooperationsform::Zweckverband)
        );
        assert_eq!(sketch.einsatzfeld, Some(Einsatzfeld::Buergerkommunikation));
        apply(
            &mut board,
            &KI,
            &anna(),
            &choose(SketchChoice::Kooperationsform(None)),
        )
        .unwrap();
        assert_eq!(board.find("i1").unwrap().2.sketch.kooperationsform, None);
        // Only ideas have a Projektskizze.
        let mut canvas = BoardState::default();
        apply(&mut canvas, &CANVAS, &anna(), &add("i1", "problem", "x")).unwrap();
        assert_eq!(
            apply(
                &mut canvas,
                &CANVAS,
                &anna(),
                &choose(SketchChoice::Einsatzfeld(None))
            ),
            Err(OpError::NotAnIdea)
        );
    }

    #[test]
    fn cards_and_sketches_stored_before_kommune_and_the_new_fields_still_load() {
        let stored = r#"{"sections":{"ideen":[{"id":"i1","text":"Chatbot","author":{"id":"p1","name":"Anna"},
            "sketch":{"beschreibung":"B","kommunen":"K","daten":"D","naechste_schritte":"N","personal_data":true,"high_risk":false}}]},
            "template_version":1}"#;
        let board: BoardState = serde_json::from_str(stored).unwrap();
        let card = board.find("i1").unwrap().2;
        assert_eq!(card.author.kommune, "");
        assert_eq!(card.sketch.rechtsgrundlage, "");
        assert_eq!(card.sketch.kooperationsform, None);
        assert_eq!(board.subject, "");
        // A card with a Kommune carries it.
        let mut b = BoardState::default();
        let author = Author {
            kommune: "Musterstadt".into(),
            ..anna()
        };
        apply(&mut b, &CANVAS, &author, &add("c1", "problem", "x")).unwrap();
        let json = serde_json::to_string(&b).unwrap();
        assert!(json.contains(r#""kommune":"Musterstadt""#), "{json}");
    }

    #[test]
    fn a_new_board_records_its_template_version() {
        let mut board = BoardState::default();
        apply(&mut board, &CANVAS, &anna(), &add("c1", "problem", "x")).unwrap();
        assert_eq!(board.template_version, CANVAS.version);
    }

    mod text_edits {
        use super::*;
        use crate::templates::KI;
        use crate::text::{CharId, Clock, IdRange, Splice};

        fn ben() -> Author {
            Author {
                id: "p2".into(),
                name: "Ben".into(),
                kommune: String::new(),
                moderator: false,
            }
        }

        /// The op a browser makes for typing `inserted` over `removed`
        /// characters at `at`, through JSON as it travels.
        fn typing(board: &BoardState, field: TextField, clock: &mut Clock, splice: Splice) -> Op {
            let seq = board.find("c1").unwrap().2.seq(field);
            let op = Op::EditText {
                card_id: "c1".into(),
                field,
                edits: seq.splice_edits(&splice, clock),
            };
            serde_json::from_str(&serde_json::to_string(&op).unwrap()).unwrap()
        }

        /// Two people type key by key from the same board; the server applies
        /// their keystrokes alternately. Returns the server's board.
        fn both_type(base: &str, a: (usize, usize, &str), b: (usize, usize, &str)) -> BoardState {
            let mut server = BoardState::default();
            apply(&mut server, &CANVAS, &anna(), &add("c1", "problem", base)).unwrap();
            let mut views = [server.clone(), server.clone()];
            let mut clocks = [Clock::new(11), Clock::new(22)];
            let mut streams: [Vec<Op>; 2] = Default::default();
            for (who, (at, removed, word)) in [a, b].into_iter().enumerate() {
                for (i, c) in word.chars().enumerate() {
                    let removed = if i == 0 { removed } else { 0 };
                    let splice = Splice {
                        at: at + i,
                        removed,
                        inserted: c.to_string(),
                    };
                    let op = typing(&views[who], TextField::Card, &mut clocks[who], splice);
                    apply(&mut views[who], &CANVAS, &anna(), &op).unwrap();
                    streams[who].push(op);
                }
            }
            for i in 0..streams[0].len().max(streams[1].len()) {
                for (stream, who) in streams.iter().zip([anna(), ben()]) {
                    if let Some(op) = stream.get(i) {
                        apply(&mut server, &CANVAS, &who, op).unwrap();
                    }
                }
            }
            server
        }

        #[test]
        fn two_people_adding_words_at_the_end_keep_both_words_whole() {
            let base = "Schritt: Ratsbeschluss";
            let end = base.chars().count();
            let board = both_type(base, (end, 0, " im März"), (end, 0, " vorbereiten"));
            let card = board.find("c1").unwrap().2;
            assert!(
                [
                    "Schritt: Ratsbeschluss im März vorbereiten",
                    "Schritt: Ratsbeschluss vorbereiten im März"
                ]
                .contains(&card.text.as_str()),
                "{}",
                card.text
            );
            assert!(!card.conflict);
        }

        #[test]
        fn two_people_replacing_the_same_word_keep_both_words_and_flag_the_card() {
            let base = "Personal fehlt im Bauamt";
            let at = "Personal fehlt im ".chars().count();
            let mut board = both_type(base, (at, 6, "Ordnungsamt"), (at, 6, "Standesamt"));
            let card = board.find("c1").unwrap().2;
            assert!(card.text.contains("Ordnungsamt"), "{}", card.text);
            assert!(card.text.contains("Standesamt"), "{}", card.text);
            assert!(!card.text.contains("Bauamt"));
            assert!(card.conflict);
            // Someone tidies up and marks it settled.
            let resolve = Op::ResolveConflict {
                card_id: "c1".into(),
            };
            let json = serde_json::to_string(&resolve).unwrap();
            assert_eq!(json, r#"{"type":"resolve_conflict","card_id":"c1"}"#);
            apply(&mut board, &CANVAS, &ben(), &resolve).unwrap();
            assert!(!board.find("c1").unwrap().2.conflict);
        }

        #[test]
        fn sketch_fields_are_live_texts_of_ideas_only() {
            let mut board = BoardState::default();
            apply(&mut board, &KI, &anna(), &add("c1", "ideen", "Chatbot")).unwrap();
            let field = TextField::Sketch(SketchField::Daten);
            let mut clock = Clock::new(5);
            let splice = Splice {
                at: 0,
                removed: 0,
                inserted: "Anliegen-Statistik".into(),
            };
            let op = typing(&board, field, &mut clock, splice);
            let json = serde_json::to_string(&op).unwrap();
            assert!(json.contains(r#""field":"daten""#), "{json}");
            apply(&mut board, &KI, &anna(), &op).unwrap();
            let card = board.find("c1").unwrap().2;
            assert_eq!(card.sketch.daten, "Anliegen-Statistik");
            assert_eq!(card.field_text(field), "Anliegen-Statistik");
            // On a card that is no idea, a sketch field does not exist.
            let mut canvas = BoardState::default();
            apply(&mut canvas, &CANVAS, &anna(), &add("c1", "problem", "x")).unwrap();
            assert_eq!(
                apply(&mut canvas, &CANVAS, &anna(), &op),
                Err(OpError::NotAnIdea)
            );
        }

        #[test]
        fn an_edit_op_has_bounded_edits_and_ranges() {
            let mut board = BoardState::default();
            apply(&mut board, &CANVAS, &anna(), &add("c1", "problem", "abc")).unwrap();
            let before = board.clone();
            let edit = |edits| Op::EditText {
                card_id: "c1".into(),
                field: TextField::Card,
                edits,
            };
            let delete_a = TextEdit::Delete {
                ranges: vec![IdRange::from((0, 1, 1))],
            };
            let cases = [
                (edit(vec![]), OpError::InvalidEdit),
                (
                    edit(vec![delete_a.clone(); limits::EDITS_PER_OP + 1]),
                    OpError::TooManyEdits {
                        max: limits::EDITS_PER_OP,
                    },
                ),
                (
                    edit(vec![TextEdit::Delete {
                        ranges: vec![IdRange::from((0, 1, 1)); limits::RANGES_PER_OP + 1],
                    }]),
                    OpError::TooManyEdits {
                        max: limits::RANGES_PER_OP,
                    },
                ),
                (
                    edit(vec![TextEdit::Insert {
                        id: CharId::new(3, 1),
                        after: None,
                        text: "x".repeat(limits::CARD_TEXT),
                    }]),
                    OpError::TextTooLong {
                        max: limits::CARD_TEXT,
                    },
                ),
                (
                    Op::EditText {
                        card_id: "nope".into(),
                        field: TextField::Card,
                        edits: vec![delete_a],
                    },
                    OpError::UnknownCard,
                ),
            ];
            for (op, error) in cases {
                assert_eq!(apply(&mut board, &CANVAS, &anna(), &op), Err(error));
                assert_eq!(board, before);
            }
            // Unknown fields and malformed ids do not even parse.
            for bad in [
                r#"{"type":"edit_text","card_id":"c1","field":"titel","edits":[]}"#,
                r#"{"type":"edit_text","card_id":"c1","field":"card","edits":[{"insert":{"id":[-1,2],"text":"x"}}]}"#,
                r#"{"type":"edit_text","card_id":"c1","field":"card","edits":[{"delete":{"ranges":[[1,2]]}}]}"#,
            ] {
                assert!(serde_json::from_str::<Op>(bad).is_err(), "{bad}");
            }
        }

        #[test]
        fn a_card_stored_before_the_text_crdt_loads_and_takes_edits() {
            let stored = r#"{"sections":{"problem":[{"id":"c1","text":"Formulare","author":{"id":"p1","name":"Anna"},
                "sketch":{"daten":"Statistik"}}]},"template_version":1}"#;
            let mut board: BoardState = serde_json::from_str(stored).unwrap();
            let card = board.find("c1").unwrap().2;
            assert_eq!(card.seq(TextField::Card).text(), "Formulare");
            assert!(card.seqs.is_empty());
            let mut clock = Clock::new(8);
            let splice = Splice {
                at: 9,
                removed: 0,
                inserted: " digital".into(),
            };
            let op = typing(&board, TextField::Card, &mut clock, splice);
            apply(&mut board, &CANVAS, &anna(), &op).unwrap();
            assert_eq!(board.find("c1").unwrap().2.text, "Formulare digital");
            // Stored again, the card carries its sequence and reads back equal.
            let json = serde_json::to_string(&board).unwrap();
            assert!(
                json.contains(
                    r#""seqs":{"card":[[0,1,null,"Formulare"],[8,10,[0,9]," digital"]]}"#
                ),
                "{json}"
            );
            assert_eq!(serde_json::from_str::<BoardState>(&json).unwrap(), board);
        }

        #[test]
        fn an_unedited_card_stores_only_its_text() {
            let mut board = BoardState::default();
            apply(&mut board, &CANVAS, &anna(), &add("c1", "problem", "Neu")).unwrap();
            let json = serde_json::to_string(&board).unwrap();
            assert!(!json.contains("seqs"), "{json}");
        }

        #[test]
        fn edits_of_the_time_before_the_crdt_still_apply() {
            // As an op log, an outbox or an old browser holds them.
            let old_card = r#"{"type":"edit_card","card_id":"c1","base":"Lange Wartezeiten","text":"Lange Wartezeiten im Bürgerbüro"}"#;
            let old_sketch = r#"{"type":"edit_sketch","card_id":"c1","field":"daten","base":"","text":"Statistik"}"#;
            let mut board = BoardState::default();
            apply(
                &mut board,
                &KI,
                &anna(),
                &add("c1", "ideen", "Lange Wartezeiten"),
            )
            .unwrap();
            for json in [old_card, old_sketch] {
                let op: Op = serde_json::from_str(json).unwrap();
                apply(&mut board, &KI, &anna(), &op).unwrap();
            }
            let card = board.find("c1").unwrap().2;
            assert_eq!(card.text, "Lange Wartezeiten im Bürgerbüro");
            assert_eq!(card.sketch.daten, "Statistik");
            // A new edit after an old one finds its characters.
            let mut clock = Clock::new(4);
            let splice = Splice {
                at: 0,
                removed: 5,
                inserted: "Kurze".into(),
            };
            let op = typing(&board, TextField::Card, &mut clock, splice);
            apply(&mut board, &KI, &anna(), &op).unwrap();
            assert_eq!(
                board.find("c1").unwrap().2.text,
                "Kurze Wartezeiten im Bürgerbüro"
            );
            // An old overlapping edit is merged as it was, and flags the card.
            let overlap = Op::EditCard {
                card_id: "c1".into(),
                base: "Lange Wartezeiten im Bürgerbüro".into(),
                text: "Viele Wartezeiten im Bürgerbüro".into(),
            };
            apply(&mut board, &KI, &anna(), &overlap).unwrap();
            let card = board.find("c1").unwrap().2;
            assert!(card.conflict);
            // (merged as before: the current text, then what the old edit added)
            assert_eq!(card.text, "Kurze Wartezeiten im Bürgerbüro\nViel");
        }
    }
}
