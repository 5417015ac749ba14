//! Board templates: which sections a method has, with German labels and prompt
//! questions. Versioned, so that a stored board still opens after a change.
//!
//! Templates are data: what a section's cards carry (named fields, fixed
//! items, a rating, a status, a Kommune's stance, where they can be carried
//! over) is declared here, and the one `apply` reads it; a new method adds
//! no code path to `apply`. The methods the moderator can pick are [`ALL`],
//! in the order of a workshop day; [`FURTHER`] names the four of them that
//! `methods.md` added (see `further`); [`SEED_REST`] names the five
//! remaining seed methods (see `rest`), offered after them.

use crate::evaluation::criteria::{CriterionDef, KI_CRITERIA};
use crate::sketch::Einsatzfeld;
use serde::Serialize;

pub mod further;
pub mod kosten;
pub mod lotse;
pub mod rest;
pub mod ustg_data;
pub use further::{ERFOLGSFAKTOREN, FURTHER, PHASEN, PROZESS, ZIELE};
pub use kosten::KOSTEN;
pub use lotse::LOTSE;
pub use rest::{BARCAMP, BMC, SCRUM, SEED_REST, USTG, VERAENDERUNG};

// Not `Eq`: a section's criteria carry weights (f64), like a template's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Section {
    pub id: &'static str,
    pub label: &'static str,
    pub prompt: &'static str,
    /// The label in exported documents where it differs: the pair form
    /// ("Bürgerinnen und Bürger") instead of a colon form (domain.md,
    /// "German texts"); empty: the label.
    pub document_label: &'static str,
    /// How exports name a card of this section where another card refers
    /// to it ("S" for Stärken); empty: the label.
    pub short: &'static str,
    /// Sections whose cards a card here may refer to (TOWS strategies draw on
    /// SWOT cards); empty for most sections.
    pub links_to: &'static [&'static str],
    /// Cards of another board of the same group a card here may refer to
    /// (a BMC card to SWOT cards; shown as small badges "S", "W", …);
    /// empty for most sections.
    pub refs_to: &'static [RefTarget],
    /// Example ideas a group can add with one click to get started.
    pub starters: &'static [Starter],
    /// Cards here are KI project ideas: they carry a Projektskizze and flags
    /// and are rated on the template's criteria.
    pub ideas: bool,
    /// Part of the method's second step (the TOWS strategies): open for new
    /// cards only once the moderator switches it on
    /// ([`crate::settings::SessionSettings::section_open`]).
    pub second_step: bool,
    /// E1: named free texts of every card here, besides its own text
    /// (a process step's "Kontaktpunkt", "Schmerzpunkte", …).
    pub fields: &'static [FieldDef],
    /// E2: rows the template defines. Every board has them (same card ids
    /// on every replica, [`fixed_card_id`]); they cannot be deleted or
    /// moved, and their own text is the group's note.
    pub items: &'static [FixedItem],
    /// No cards of the group's own here: only the fixed items.
    pub closed: bool,
    /// E3: cards here are rated on these criteria (a scale 1-5 with
    /// anchors and "weiß nicht"; blind until revealed, the same aggregates
    /// as the KI ideas, which are rated on the template's criteria).
    pub criteria: &'static [CriterionDef],
    /// E4: cards here have a status (offen, begonnen, erledigt, entfällt),
    /// a "Wer" ([`WER`]) and a "Bis wann".
    pub tasks: bool,
    /// Cards here are rows of a matrix "card × Kommune" (the Zielmatrix):
    /// each Kommune marks ✓ / ~ / ✗, and a card can be marked as core.
    pub stances: bool,
    /// The cards are steps in order, laid out as columns.
    pub ordered: bool,
    /// E5: where a card here can be carried over ("In ⟨Methode: Feld⟩
    /// übernehmen").
    pub carry_to: &'static [CarryTarget],
    /// A question path every card here answers (antrag.md §4: the KI-VO-
    /// und Datenschutz-Vorprüfung of a KI idea); `None`: no questions.
    pub questions: Option<QuestionSet>,
}

/// A question path of `ikz-antrag` a section's cards answer
/// (`Attribute::Answer`); its legal content is the crate's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionSet {
    /// The KI-VO- und Datenschutz-Vorprüfung (`ikz_antrag::kivo`).
    Kivo,
    /// The Rechtsform-Lotse (`ikz_antrag::rechtsform`).
    Rechtsform,
}

impl QuestionSet {
    /// Whether the set asks the question `id` (on its path or beside it).
    pub fn knows(self, id: &str) -> bool {
        match self {
            QuestionSet::Kivo => {
                let data = ikz_antrag::kivo::data();
                data.pfad.question(id).is_some() || data.zusatzfragen.iter().any(|q| q.id == id)
            }
            QuestionSet::Rechtsform => ikz_antrag::rechtsform::rlp().pfad.question(id).is_some(),
        }
    }
}

/// Where a card may refer to cards of another board of the same group:
/// that board's template and the sections whose cards count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RefTarget {
    pub template: &'static str,
    pub sections: &'static [&'static str],
}

impl RefTarget {
    /// Whether a card of `template`'s section `section` may be referred to.
    pub fn admits(&self, template: &str, section: &str) -> bool {
        self.template == template && self.sections.contains(&section)
    }
}

/// E1: a named free text of a card, edited live like the card's text
/// (`TextField::Field(key)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldDef {
    /// Stable ASCII key, unique among every template's fields and distinct
    /// from the card's own and the Projektskizze's text keys.
    pub key: &'static str,
    pub label: &'static str,
    pub prompt: &'static str,
    /// Only the moderator sets this field (the BarCamp's Zeitfenster and
    /// Raum): `apply` refuses anyone else's edit of it
    /// ([`crate::board::OpError::ModeratorOnly`]); the screens show it
    /// read-only to participants.
    pub moderator_only: bool,
}

impl FieldDef {
    /// A field every participant edits.
    pub const fn new(key: &'static str, label: &'static str, prompt: &'static str) -> Self {
        Self {
            key,
            label,
            prompt,
            moderator_only: false,
        }
    }

    /// A field only the moderator sets (see [`FieldDef::moderator_only`]).
    pub const fn moderated(key: &'static str, label: &'static str) -> Self {
        Self {
            moderator_only: true,
            ..Self::new(key, label, "")
        }
    }
}

/// E4's "Wer": the text field every card of a task section has.
pub const WER: FieldDef = FieldDef::new("wer", "Wer", "Wer kümmert sich darum?");

/// E2: a row the template defines (an Erfolgsfaktor, a Phasen-Check item).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FixedItem {
    /// Stable ASCII key, unique within the template.
    pub id: &'static str,
    pub label: &'static str,
}

/// The card id of a fixed item: the same on every replica and in every
/// board of the template, derived from template key and item id.
pub fn fixed_card_id(template: &str, item: &str) -> String {
    format!("{template}-{item}")
}

/// E5: a field of another method a card can be carried over to, and which
/// of the card's texts goes there (`None`: the card's own text, or for a
/// fixed item its label with Wer and Bis wann).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CarryTarget {
    pub template: &'static str,
    pub section: &'static str,
    pub field: Option<&'static str>,
}

/// The carry-over button's German words: `{method}` is the target's title,
/// `{target}` its field's label, `{field}` the label of the text carried
/// where that is a named field.
pub const CARRY_DE: &str = "In {method}: {target} übernehmen";
pub const CARRY_FIELD_DE: &str = "{field} in {method}: {target} übernehmen";

impl CarryTarget {
    /// The button's words: "In IKZ-Projekt-Canvas: Ausgangslage & Problem
    /// übernehmen"; with the text it takes where that is a field
    /// ("Schmerzpunkte in IKZ-Projekt-Canvas: … übernehmen").
    pub fn button_de(&self) -> String {
        let target = find(self.template);
        let method = target.map_or(self.template, |t| t.title);
        let field = target
            .and_then(|t| t.section(self.section))
            .map_or(self.section, |s| s.label);
        let carried = self.field.and_then(field_def).map(|f| f.label);
        self.button(CARRY_DE, CARRY_FIELD_DE, method, field, carried)
    }

    /// The button in other words (a locale's patterns and labels).
    pub fn button(
        &self,
        pattern: &str,
        field_pattern: &str,
        method: &str,
        target: &str,
        carried: Option<&str>,
    ) -> String {
        let text = match carried {
            Some(field) => field_pattern.replace("{field}", field),
            None => pattern.to_owned(),
        };
        text.replace("{method}", method).replace("{target}", target)
    }
}

/// A one-click example: the card's text and, for a KI idea, its
/// KI-Einsatzfeld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Starter {
    pub text: &'static str,
    pub einsatzfeld: Option<Einsatzfeld>,
}

impl Starter {
    /// The button's words: "Textgenerierung: Entwürfe für Bescheide …".
    pub fn label_de(&self) -> String {
        match self.einsatzfeld {
            Some(field) => format!("{}: {}", field.label_de(), self.text),
            None => self.text.to_owned(),
        }
    }
}

/// A board-level text above the sections (the SWOT's "Gegenstand der
/// Analyse"), edited live like a card's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeaderField {
    pub label: &'static str,
    pub prompt: &'static str,
}

/// A method's sheet. `version` changes when a field is renamed, added or
/// removed (never for new prompt texts, domain.md §1); section ids stay
/// stable across versions, so a stored board keeps its cards where they
/// were, and a board records the version it was started with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Template {
    pub key: &'static str,
    pub version: u32,
    pub title: &'static str,
    pub header: Option<HeaderField>,
    pub sections: &'static [Section],
    /// The criteria the KI idea cards are rated on, and weighted by the
    /// moderator (empty: no ideas). Other sections declare their own.
    pub criteria: &'static [CriterionDef],
    /// A fixed text shown above the sections (empty: none).
    pub intro: &'static str,
    /// The group marks one section as its current one (the Phasen-Check's
    /// phase).
    pub marks_current: bool,
}

const fn s(id: &'static str, label: &'static str, prompt: &'static str) -> Section {
    Section::plain(id, label, prompt)
}

const fn in_documents(section: Section, document_label: &'static str) -> Section {
    Section {
        document_label,
        ..section
    }
}

const fn short(section: Section, short: &'static str) -> Section {
    Section { short, ..section }
}

/// A TOWS strategy field: second step, drawing on two SWOT fields.
const fn strategy(section: Section, links_to: &'static [&'static str]) -> Section {
    Section {
        links_to,
        second_step: true,
        ..section
    }
}

/// Where a card can be carried over (E5); `field`: which of its texts.
pub(crate) const fn carry(
    template: &'static str,
    section: &'static str,
    field: Option<&'static str>,
) -> CarryTarget {
    CarryTarget {
        template,
        section,
        field,
    }
}

const fn carried(section: Section, carry_to: &'static [CarryTarget]) -> Section {
    Section {
        carry_to,
        ..section
    }
}

/// Strategies that seize opportunities become the canvas's solution; those
/// that fend off threats its risks.
const TO_SOLUTION: &[CarryTarget] = &[carry("canvas", "loesung", None)];
const TO_RISKS: &[CarryTarget] = &[carry("canvas", "risiken", None)];

/// The canvas into the Business Model Canvas (methods.md 6, "Aus dem
/// Canvas übernehmen"): who takes part, what they bring, what is offered
/// to whom, what it costs and how it is paid for, what has to be done.
const TO_BMC_PARTNERS: &[CarryTarget] = &[carry("bmc", "schluesselpartner", None)];
const TO_BMC_RESOURCES: &[CarryTarget] = &[carry("bmc", "ressourcen", None)];
const TO_BMC_VALUE: &[CarryTarget] = &[carry("bmc", "wertangebot", None)];
const TO_BMC_USERS: &[CarryTarget] = &[carry("bmc", "nutzergruppen", None)];
const TO_BMC_COSTS: &[CarryTarget] = &[
    carry("bmc", "kosten", None),
    carry("bmc", "finanzierung", None),
];
const TO_BMC_ACTIVITIES: &[CarryTarget] = &[carry("bmc", "aktivitaeten", None)];

pub const CANVAS: Template = Template {
    key: "canvas",
    // 2: "Organisations- & Rechtsform" became "Rechts- und Organisationsform".
    version: 2,
    title: "IKZ-Projekt-Canvas",
    header: None,
    criteria: &[],
    intro: "",
    marks_current: false,
    sections: &[
        s("problem", "Ausgangslage & Problem", "Welche Herausforderung teilen unsere Kommunen? Was läuft heute nicht gut? Wo arbeiten wir schon zusammen – was funktioniert gut, was nicht?"),
        s("ziel", "Gemeinsames Ziel", "Warum ist das für uns wichtig? Welche Grundüberzeugungen und Ziele teilen wir, wo weichen sie ab?"),
        carried(in_documents(
            s("nutzer", "Bürger:innen & Nutzer:innen", "Für wen machen wir das? Wie erleben Bürgerinnen und Bürger den Prozess heute?"),
            "Bürgerinnen und Bürger & Nutzende",
        ), TO_BMC_USERS),
        carried(s("loesung", "Lösungsidee & Leistung", "Was bieten wir künftig gemeinsam an oder erledigen es gemeinsam?"), TO_BMC_VALUE),
        carried(s("partner", "Partner & Beteiligte", "Welche Kommunen, Gremien, Mitarbeitenden machen mit? Wer ist die \u{201e}Allianz der Willigen\u{201c}? Wer stellt den Antrag (federführend)? Liegen Gremienbeschlüsse vor?"), TO_BMC_PARTNERS),
        carried(s("ressourcen", "Ressourcen & Daten", "Wer bringt Personal, Know-how, IT und Daten ein?"), TO_BMC_RESOURCES),
        s("rechtsform", "Rechts- und Organisationsform", "Arbeitsgemeinschaft, Zweckvereinbarung, Zweckverband, gemeinsame kommunale Anstalt oder GmbH? Shared-Service-Modell? Umsatzsteuer (§ 2b UStG) und Vergaberecht geprüft?"),
        carried(s("kosten", "Kosten & Finanzierung", "Was kostet es einmalig und laufend? Nach welchem Schlüssel teilen wir (Einwohner, Fallzahlen, Sockel)? Welche Förderung beantragen wir?"), TO_BMC_COSTS),
        s("steuerung", "Rollen & Steuerung", "Wer entscheidet was, wer ist verantwortlich? Wie gehen wir mit Rollenkonflikten um? Was ändert sich an unserer eigenen Entscheidungskompetenz?"),
        s("risiken", "Risiken & Widerstände", "Welche Hürden, Ängste (z. B. Kompetenzabgabe) und Abhängigkeiten gibt es?"),
        carried(s("nutzen", "Nutzen & Erfolgsmessung", "Woran messen wir Effizienz, Servicequalität, Ressourceneinsatz, Resilienz?"), TO_BMC_VALUE),
        carried(s("schritte", "Nächste Schritte", "Wer macht was bis wann? Wie geht es nach der Förderung weiter?"), TO_BMC_ACTIVITIES),
    ],
};

pub const SWOT: Template = Template {
    key: "swot",
    // 2: the header field "Gegenstand der Analyse".
    version: 2,
    title: "SWOT-Analyse",
    header: Some(HeaderField {
        label: "Gegenstand der Analyse",
        prompt: "Welches Kooperationsfeld oder Vorhaben analysieren wir?",
    }),
    criteria: &[],
    intro: "",
    marks_current: false,
    sections: &[
        short(
            s("staerken", "Stärken", "Was können wir als Partnerkommunen (gemeinsam) schon gut – Personal, Know-how, Systeme, Daten?"),
            "S",
        ),
        short(
            s("schwaechen", "Schwächen", "Wo fehlen uns Personal, Know-how, Standards oder Vertrauen?"),
            "W",
        ),
        short(
            s("chancen", "Chancen", "Welche Entwicklungen von außen helfen uns (Förderung, OZG/Nachnutzung, KI)?"),
            "O",
        ),
        short(
            s("risiken", "Risiken", "Was von außen gefährdet das Vorhaben (Fachkräftemangel, Haushaltslage, Recht, § 2b UStG, Politik)?"),
            "T",
        ),
        carried(
            strategy(
                short(s("so", "SO-Strategien", "Stärken nutzen, um Chancen zu ergreifen"), "SO"),
                &["staerken", "chancen"],
            ),
            TO_SOLUTION,
        ),
        carried(
            strategy(
                short(s("st", "ST-Strategien", "Stärken nutzen, um Risiken abzuwehren"), "ST"),
                &["staerken", "risiken"],
            ),
            TO_RISKS,
        ),
        carried(
            strategy(
                short(s("wo", "WO-Strategien", "Schwächen abbauen, um Chancen zu nutzen"), "WO"),
                &["schwaechen", "chancen"],
            ),
            TO_SOLUTION,
        ),
        carried(
            strategy(
                short(s("wt", "WT-Strategien", "Schwächen und Risiken gemeinsam begrenzen"), "WT"),
                &["schwaechen", "risiken"],
            ),
            TO_RISKS,
        ),
    ],
};

const fn starter(einsatzfeld: Einsatzfeld, text: &'static str) -> Starter {
    Starter {
        text,
        einsatzfeld: Some(einsatzfeld),
    }
}

pub const KI: Template = Template {
    key: "ki",
    version: 1,
    title: "KI-Projektbewertung",
    header: None,
    criteria: KI_CRITERIA,
    intro: "",
    marks_current: false,
    sections: &[Section {
        ideas: true,
        questions: Some(QuestionSet::Kivo),
        starters: &[
            starter(
                Einsatzfeld::Textgenerierung,
                "Entwürfe für Bescheide und Bürgerantworten",
            ),
            starter(
                Einsatzfeld::Entscheidungsunterstuetzung,
                "Vorprüfung von Anträgen auf Vollständigkeit",
            ),
            starter(
                Einsatzfeld::Prognosemodelle,
                "Fallzahlen im Bürgerbüro vorhersagen, um Personal zu planen",
            ),
            starter(
                Einsatzfeld::Buergerkommunikation,
                "KI-Chatbot fürs Bürgerbüro",
            ),
            starter(
                Einsatzfeld::Ressourcensteuerung,
                "Touren für Winterdienst und Grünpflege gemeinsam planen",
            ),
        ],
        ..s(
            "ideen",
            "KI-Projektideen",
            "Welche KI-Anwendung würde unseren Kommunen gemeinsam helfen?",
        )
    }],
};

/// The methods a moderator can pick, in the order of a workshop day (goals
/// and the citizen's process before the canvas, the checks of the
/// cooperation after the ideas); the screens and every export iterate this
/// list, so a session's methods appear in this order. The Rechtsform-Lotse
/// ([`LOTSE`], antrag.md §3) and the Kostenaufteilung ([`KOSTEN`], §2) close
/// the checks of the cooperation; the five remaining seed methods
/// ([`SEED_REST`]) follow in the order of `methods.md`.
pub const ALL: [Template; 14] = [
    ZIELE,
    PROZESS,
    CANVAS,
    SWOT,
    KI,
    ERFOLGSFAKTOREN,
    PHASEN,
    LOTSE,
    KOSTEN,
    VERAENDERUNG,
    BMC,
    USTG,
    SCRUM,
    BARCAMP,
];

/// The methods a new session starts with: the three every workshop of
/// `domain.md` needs. The moderator switches the further ones on.
pub const DEFAULT_METHODS: [&str; 3] = [CANVAS.key, SWOT.key, KI.key];

/// A method the moderator can pick (one of [`ALL`]).
pub fn find(key: &str) -> Option<&'static Template> {
    ALL.iter().find(|t| t.key == key)
}

/// The named field with `key` in any template of [`ALL`] (E1), or [`WER`].
pub fn field_def(key: &str) -> Option<&'static FieldDef> {
    ALL.iter()
        .flat_map(|t| t.sections)
        .flat_map(|s| s.fields)
        .chain(std::iter::once(&WER))
        .find(|f| f.key == key)
}

impl Section {
    /// A section of plain cards, everything else off.
    pub const fn plain(id: &'static str, label: &'static str, prompt: &'static str) -> Section {
        Section {
            id,
            label,
            prompt,
            document_label: "",
            short: "",
            links_to: &[],
            refs_to: &[],
            starters: &[],
            ideas: false,
            second_step: false,
            fields: &[],
            items: &[],
            closed: false,
            criteria: &[],
            tasks: false,
            stances: false,
            ordered: false,
            carry_to: &[],
            questions: None,
        }
    }

    /// The named fields of a card here: the declared ones, then "Wer" in a
    /// task section.
    pub fn text_fields(&self) -> impl Iterator<Item = &'static FieldDef> {
        self.fields.iter().chain(self.tasks.then_some(&WER))
    }

    /// Whether a card here has the named field `key`.
    pub fn has_field(&self, key: &str) -> bool {
        self.text_fields().any(|f| f.key == key)
    }

    /// Cards here are rated (KI ideas, or a section with criteria).
    pub fn is_rated(&self) -> bool {
        self.ideas || !self.criteria.is_empty()
    }

    /// The criteria a card here is rated on: the template's for KI ideas,
    /// the section's own otherwise.
    pub fn criteria_in(&self, template: &Template) -> &'static [CriterionDef] {
        if self.ideas {
            template.criteria
        } else {
            self.criteria
        }
    }

    /// The label where a short one is wanted (a radar axis): `short` if set.
    pub fn short_label(&self) -> &'static str {
        if self.short.is_empty() {
            self.label
        } else {
            self.short
        }
    }

    /// The label as exported documents print it.
    pub fn document_label(&self) -> &'static str {
        if self.document_label.is_empty() {
            self.label
        } else {
            self.document_label
        }
    }
}

impl Template {
    pub fn section(&self, id: &str) -> Option<&'static Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// What a card says where it is listed: a fixed item's label (its own
    /// text is the group's note), any other card's text.
    pub fn card_label<'a>(&self, card: &'a crate::board::Card) -> &'a str {
        match card.item.as_deref().and_then(|id| self.item(id)) {
            Some((_, item)) => item.label,
            None => &card.text,
        }
    }

    /// Every criterion of the template (the ideas' and the sections'),
    /// each once, in order.
    pub fn all_criteria(&self) -> Vec<&'static CriterionDef> {
        let mut all: Vec<&'static CriterionDef> = Vec::new();
        for c in self
            .criteria
            .iter()
            .chain(self.sections.iter().flat_map(|s| s.criteria))
        {
            if !all.iter().any(|a| a.key == c.key) {
                all.push(c);
            }
        }
        all
    }

    /// The fixed item `item` and its section.
    pub fn item(&self, item: &str) -> Option<(&'static Section, &'static FixedItem)> {
        self.sections
            .iter()
            .find_map(|s| s.items.iter().find(|i| i.id == item).map(|i| (s, i)))
    }

    /// Whether a card of `section` here may be carried to `target`'s
    /// `target_section` (E5).
    pub fn carries_to(&self, section: &str, target: &str, target_section: &str) -> bool {
        self.section(section).is_some_and(|s| {
            s.carry_to
                .iter()
                .any(|c| c.template == target && c.section == target_section)
        })
    }

    /// How the screen names a card another card refers to: its field's
    /// label and its text ("Stärken: Erfahrene IT"), never the section id.
    pub fn card_name(&self, section: &str, text: &str) -> String {
        let label = self.section(section).map_or(section, |s| s.label);
        format!("{label}: {text}")
    }

    /// The same in exports, with the field's short name ("S: Erfahrene IT").
    pub fn card_name_short(&self, section: &str, text: &str) -> String {
        let name = self.section(section).map_or(section, |s| s.short_label());
        format!("{name}: {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canvas_has_the_twelve_fields_of_the_spec() {
        assert_eq!(CANVAS.sections.len(), 12);
        assert_eq!(CANVAS.sections[0].label, "Ausgangslage & Problem");
        assert_eq!(CANVAS.sections[11].label, "Nächste Schritte");
        let rechtsform = CANVAS.section("rechtsform").map(|s| s.label);
        assert_eq!(rechtsform, Some("Rechts- und Organisationsform"));
        // Renaming a field is a new version; the id stayed, so stored cards stay put.
        assert_eq!(CANVAS.version, 2);
        let partner = CANVAS.section("partner").map_or("", |s| s.prompt);
        assert!(partner.contains("Wer stellt den Antrag (federführend)?"));
        let kosten = CANVAS.section("kosten").map_or("", |s| s.prompt);
        assert!(kosten.contains("(Einwohner, Fallzahlen, Sockel)"));
        let schritte = CANVAS.section("schritte").map_or("", |s| s.prompt);
        assert!(schritte.ends_with("Wie geht es nach der Förderung weiter?"));
    }

    #[test]
    fn swot_asks_questions_under_a_header_and_keeps_tows_for_the_second_step() {
        assert_eq!(SWOT.header.map(|h| h.label), Some("Gegenstand der Analyse"));
        for id in ["staerken", "schwaechen", "chancen", "risiken"] {
            let section = SWOT.section(id).expect(id);
            assert!(section.prompt.ends_with('?'), "{id}");
            assert!(!section.second_step, "{id}");
        }
        for id in ["so", "st", "wo", "wt"] {
            assert!(SWOT.section(id).is_some_and(|s| s.second_step), "{id}");
        }
    }

    #[test]
    fn documents_use_pair_forms_not_colon_forms() {
        for t in ALL {
            for s in t.sections {
                let words = [s.document_label(), s.prompt];
                assert!(
                    !words.iter().any(|w| w.contains(":in")),
                    "{}.{}",
                    t.key,
                    s.id
                );
            }
        }
        let nutzer = CANVAS.section("nutzer").map(Section::document_label);
        assert_eq!(nutzer, Some("Bürgerinnen und Bürger & Nutzende"));
    }

    #[test]
    fn a_linked_card_is_named_by_its_field_never_its_id() {
        assert_eq!(
            SWOT.card_name("staerken", "Erfahrene IT"),
            "Stärken: Erfahrene IT"
        );
        assert_eq!(
            SWOT.card_name_short("staerken", "Erfahrene IT"),
            "S: Erfahrene IT"
        );
        assert_eq!(SWOT.card_name_short("chancen", "OZG"), "O: OZG");
        assert_eq!(SWOT.card_name_short("so", "Pilot"), "SO: Pilot");
        // A field without a short name is named by its label in exports too.
        assert_eq!(
            CANVAS.card_name_short("ziel", "Service"),
            "Gemeinsames Ziel: Service"
        );
    }

    #[test]
    fn ki_starters_are_real_example_ideas_of_the_five_fields_of_application() {
        let starters = KI.section("ideen").map(|s| s.starters).unwrap_or_default();
        let fields: Vec<_> = starters.iter().filter_map(|s| s.einsatzfeld).collect();
        assert_eq!(fields, Einsatzfeld::ALL);
        let labels: Vec<String> = starters.iter().map(Starter::label_de).collect();
        assert!(labels
            .contains(&"Textgenerierung: Entwürfe für Bescheide und Bürgerantworten".to_owned()));
        assert!(labels.contains(&"Bürgerkommunikation: KI-Chatbot fürs Bürgerbüro".to_owned()));
    }

    #[test]
    fn section_ids_are_unique_per_template() {
        for t in ALL {
            let mut ids: Vec<_> = t.sections.iter().map(|s| s.id).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), t.sections.len(), "{}", t.key);
        }
    }
}
