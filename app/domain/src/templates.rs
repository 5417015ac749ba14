//! Board templates: which sections a method has, with German labels and prompt
//! questions. Versioned, so that a stored board still opens after a change.

use crate::evaluation::criteria::{CriterionDef, KI_CRITERIA};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Section {
    pub id: &'static str,
    pub label: &'static str,
    pub prompt: &'static str,
    /// Sections whose cards a card here may refer to (TOWS strategies draw on
    /// SWOT cards); empty for most sections.
    pub links_to: &'static [&'static str],
    /// Example texts a group can add with one click to get started.
    pub starters: &'static [&'static str],
    /// Cards here are KI project ideas: they carry a Projektskizze and flags
    /// and are rated on the template's criteria.
    pub ideas: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Template {
    pub key: &'static str,
    pub version: u32,
    pub title: &'static str,
    pub sections: &'static [Section],
    /// The criteria idea cards are rated on (empty: no rating).
    pub criteria: &'static [CriterionDef],
}

const fn s(id: &'static str, label: &'static str, prompt: &'static str) -> Section {
    Section {
        id,
        label,
        prompt,
        links_to: &[],
        starters: &[],
        ideas: false,
    }
}

const fn linking(section: Section, links_to: &'static [&'static str]) -> Section {
    Section {
        links_to,
        ..section
    }
}

pub const CANVAS: Template = Template {
    key: "canvas",
    version: 1,
    title: "IKZ-Projekt-Canvas",
    criteria: &[],
    sections: &[
        s("problem", "Ausgangslage & Problem", "Welche Herausforderung teilen unsere Kommunen? Was läuft heute nicht gut?"),
        s("ziel", "Gemeinsames Ziel", "Warum ist das für uns wichtig? Welche Ziele teilen wir, wo weichen sie ab?"),
        s("nutzer", "Bürger:innen & Nutzer:innen", "Für wen machen wir das? Wie erleben Bürger:innen den Prozess heute?"),
        s("loesung", "Lösungsidee & Leistung", "Was bieten wir künftig gemeinsam an oder erledigen es gemeinsam?"),
        s("partner", "Partner & Beteiligte", "Welche Kommunen, Gremien, Mitarbeitenden machen mit? Wer ist die \u{201e}Allianz der Willigen\u{201c}?"),
        s("ressourcen", "Ressourcen & Daten", "Wer bringt Personal, Know-how, IT und Daten ein?"),
        s("rechtsform", "Organisations- & Rechtsform", "Zweckvereinbarung, Zweckverband, AöR, Shared Service …? Umsatzsteuer (§ 2b UStG) geprüft?"),
        s("kosten", "Kosten & Finanzierung", "Was kostet es, wie teilen wir Kosten auf, welche Förderung beantragen wir?"),
        s("steuerung", "Rollen & Steuerung", "Wer entscheidet was? Wer ist verantwortlich?"),
        s("risiken", "Risiken & Widerstände", "Welche Hürden, Ängste (z. B. Kompetenzabgabe) und Abhängigkeiten gibt es?"),
        s("nutzen", "Nutzen & Erfolgsmessung", "Woran messen wir Effizienz, Servicequalität, Ressourceneinsatz, Resilienz?"),
        s("schritte", "Nächste Schritte", "Wer macht was bis wann?"),
    ],
};

pub const SWOT: Template = Template {
    key: "swot",
    version: 1,
    title: "SWOT-Analyse",
    criteria: &[],
    sections: &[
        s("staerken", "Stärken", "intern, positiv"),
        s("schwaechen", "Schwächen", "intern, negativ"),
        s("chancen", "Chancen", "extern, positiv"),
        s("risiken", "Risiken", "extern, negativ"),
        linking(
            s(
                "so",
                "SO-Strategien",
                "Stärken nutzen, um Chancen zu ergreifen",
            ),
            &["staerken", "chancen"],
        ),
        linking(
            s(
                "st",
                "ST-Strategien",
                "Stärken nutzen, um Risiken abzuwehren",
            ),
            &["staerken", "risiken"],
        ),
        linking(
            s(
                "wo",
                "WO-Strategien",
                "Schwächen abbauen, um Chancen zu nutzen",
            ),
            &["schwaechen", "chancen"],
        ),
        linking(
            s(
                "wt",
                "WT-Strategien",
                "Schwächen und Risiken gemeinsam begrenzen",
            ),
            &["schwaechen", "risiken"],
        ),
    ],
};

pub const KI: Template = Template {
    key: "ki",
    version: 1,
    title: "KI-Projektbewertung",
    criteria: KI_CRITERIA,
    sections: &[Section {
        ideas: true,
        starters: &[
            "Automatisierte Textgenerierung",
            "Entscheidungsunterstützung",
            "Prognosemodelle",
            "Bürgerkommunikation",
            "Ressourcensteuerung",
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

impl Template {
    pub fn section(&self, id: &str) -> Option<&'static Section> {
        self.sections.iter().find(|s| s.id == id)
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
    }

    #[test]
    fn ki_ideas_offer_the_five_example_fields_of_the_seed() {
        let ideas = KI.section("ideen").map(|s| s.starters).unwrap_or_default();
        assert_eq!(ideas.len(), 5);
        assert!(ideas.contains(&"Bürgerkommunikation"));
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
