//! Board templates: which sections a method has, with German labels and prompt
//! questions. Versioned, so that a stored board still opens after a change.

use crate::evaluation::criteria::{CriterionDef, KI_CRITERIA};
use crate::sketch::Einsatzfeld;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
    /// Example ideas a group can add with one click to get started.
    pub starters: &'static [Starter],
    /// Cards here are KI project ideas: they carry a Projektskizze and flags
    /// and are rated on the template's criteria.
    pub ideas: bool,
    /// Part of the method's second step (the TOWS strategies): open for new
    /// cards only once the moderator switches it on
    /// ([`crate::settings::SessionSettings::section_open`]).
    pub second_step: bool,
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
    /// The criteria idea cards are rated on (empty: no rating).
    pub criteria: &'static [CriterionDef],
}

const fn s(id: &'static str, label: &'static str, prompt: &'static str) -> Section {
    Section {
        id,
        label,
        prompt,
        document_label: "",
        short: "",
        links_to: &[],
        starters: &[],
        ideas: false,
        second_step: false,
    }
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

pub const CANVAS: Template = Template {
    key: "canvas",
    // 2: "Organisations- & Rechtsform" became "Rechts- und Organisationsform".
    version: 2,
    title: "IKZ-Projekt-Canvas",
    header: None,
    criteria: &[],
    sections: &[
        s("problem", "Ausgangslage & Problem", "Welche Herausforderung teilen unsere Kommunen? Was läuft heute nicht gut? Wo arbeiten wir schon zusammen – was funktioniert gut, was nicht?"),
        s("ziel", "Gemeinsames Ziel", "Warum ist das für uns wichtig? Welche Grundüberzeugungen und Ziele teilen wir, wo weichen sie ab?"),
        in_documents(
            s("nutzer", "Bürger:innen & Nutzer:innen", "Für wen machen wir das? Wie erleben Bürgerinnen und Bürger den Prozess heute?"),
            "Bürgerinnen und Bürger & Nutzende",
        ),
        s("loesung", "Lösungsidee & Leistung", "Was bieten wir künftig gemeinsam an oder erledigen es gemeinsam?"),
        s("partner", "Partner & Beteiligte", "Welche Kommunen, Gremien, Mitarbeitenden machen mit? Wer ist die \u{201e}Allianz der Willigen\u{201c}? Wer stellt den Antrag (federführend)? Liegen Gremienbeschlüsse vor?"),
        s("ressourcen", "Ressourcen & Daten", "Wer bringt Personal, Know-how, IT und Daten ein?"),
        s("rechtsform", "Rechts- und Organisationsform", "Arbeitsgemeinschaft, Zweckvereinbarung, Zweckverband, gemeinsame kommunale Anstalt oder GmbH? Shared-Service-Modell? Umsatzsteuer (§ 2b UStG) und Vergaberecht geprüft?"),
        s("kosten", "Kosten & Finanzierung", "Was kostet es einmalig und laufend? Nach welchem Schlüssel teilen wir (Einwohner, Fallzahlen, Sockel)? Welche Förderung beantragen wir?"),
        s("steuerung", "Rollen & Steuerung", "Wer entscheidet was, wer ist verantwortlich? Wie gehen wir mit Rollenkonflikten um? Was ändert sich an unserer eigenen Entscheidungskompetenz?"),
        s("risiken", "Risiken & Widerstände", "Welche Hürden, Ängste (z. B. Kompetenzabgabe) und Abhängigkeiten gibt es?"),
        s("nutzen", "Nutzen & Erfolgsmessung", "Woran messen wir Effizienz, Servicequalität, Ressourceneinsatz, Resilienz?"),
        s("schritte", "Nächste Schritte", "Wer macht was bis wann? Wie geht es nach der Förderung weiter?"),
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
        strategy(
            short(s("so", "SO-Strategien", "Stärken nutzen, um Chancen zu ergreifen"), "SO"),
            &["staerken", "chancen"],
        ),
        strategy(
            short(s("st", "ST-Strategien", "Stärken nutzen, um Risiken abzuwehren"), "ST"),
            &["staerken", "risiken"],
        ),
        strategy(
            short(s("wo", "WO-Strategien", "Schwächen abbauen, um Chancen zu nutzen"), "WO"),
            &["schwaechen", "chancen"],
        ),
        strategy(
            short(s("wt", "WT-Strategien", "Schwächen und Risiken gemeinsam begrenzen"), "WT"),
            &["schwaechen", "risiken"],
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
    sections: &[Section {
        ideas: true,
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

pub const ALL: [Template; 3] = [CANVAS, SWOT, KI];

pub fn find(key: &str) -> Option<&'static Template> {
    ALL.iter().find(|t| t.key == key)
}

impl Section {
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

    /// How the screen names a card another card refers to: its field's
    /// label and its text ("Stärken: Erfahrene IT"), never the section id.
    pub fn card_name(&self, section: &str, text: &str) -> String {
        let label = self.section(section).map_or(section, |s| s.label);
        format!("{label}: {text}")
    }

    /// The same in exports, with the field's short name ("S: Erfahrene IT").
    pub fn card_name_short(&self, section: &str, text: &str) -> String {
        let name = self.section(section).map_or(section, |s| {
            if s.short.is_empty() {
                s.label
            } else {
                s.short
            }
        });
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
