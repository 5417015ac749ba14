//! The further methods of `methods.md` (1-4) as templates: Zielabgleich,
//! Prozess-Teilschritte aus Bürgersicht, Erfolgsfaktoren-Check and
//! Phasen-Check. German texts as the spec gives them; where it gives no
//! prompt, the prompt is empty or (for the process step's fields) a short
//! question of ours.
//!
//! They are in [`super::ALL`] (the moderator switches them on; a new session
//! starts with [`super::DEFAULT_METHODS`]).

use super::{carry, CarryTarget, FieldDef, FixedItem, HeaderField, Section, Template};
use crate::evaluation::criteria::CriterionDef;

const fn s(id: &'static str, label: &'static str, prompt: &'static str) -> Section {
    Section::plain(id, label, prompt)
}

const fn item(id: &'static str, label: &'static str) -> FixedItem {
    FixedItem { id, label }
}

const fn field(key: &'static str, label: &'static str, prompt: &'static str) -> FieldDef {
    FieldDef::new(key, label, prompt)
}

// --- 1. Zielabgleich & bestehende Zusammenarbeit ---------------------------

const TO_GOAL: &[CarryTarget] = &[carry("canvas", "ziel", None)];

/// A goal: a row of the Zielmatrix, carried to the canvas's common goal.
const fn goal(section: Section) -> Section {
    Section {
        stances: true,
        carry_to: TO_GOAL,
        ..section
    }
}

const TO_PROBLEM: &[CarryTarget] = &[carry("canvas", "problem", None)];

pub const ZIELE: Template = Template {
    key: "ziele",
    version: 1,
    title: "Zielabgleich & bestehende Zusammenarbeit",
    header: None,
    criteria: &[],
    intro: "\u{201e}Dialog auf Augenhöhe\u{201c}",
    marks_current: false,
    sections: &[
        Section {
            carry_to: TO_PROBLEM,
            ..s(
                "problemlagen",
                "Problemlagen unserer Kommunen",
                "Welche Problemlagen haben wir, gerade als kleine Kommunen im ländlichen Raum?",
            )
        },
        s("wichtig", "Warum ist das für uns wichtig?", ""),
        s(
            "grundueberzeugungen",
            "Geteilte Grundüberzeugungen",
            "Welche Grundüberzeugungen teilen wir?",
        ),
        goal(s("gemeinsame_ziele", "Gemeinsame (Teil-)Ziele", "")),
        goal(s(
            "abweichende_ziele",
            "Abweichende (Teil-)Ziele",
            "Was ist verhandelbar?",
        )),
        Section {
            carry_to: &[carry("canvas", "steuerung", None)],
            ..s(
                "kompetenz",
                "Auswirkungen auf unsere Entscheidungs- und Gestaltungskompetenz",
                "",
            )
        },
        Section {
            carry_to: TO_PROBLEM,
            ..s(
                "zusammenarbeit_gut",
                "Bestehende Zusammenarbeit: Was funktioniert gut?",
                "",
            )
        },
        Section {
            carry_to: TO_PROBLEM,
            ..s(
                "zusammenarbeit_nicht",
                "Bestehende Zusammenarbeit: Was nicht?",
                "",
            )
        },
    ],
};

// --- 2. Prozess-Teilschritte aus Bürgersicht --------------------------------

/// "Erleben" of a process step, drawn as a curve across the steps.
pub const ERLEBEN: CriterionDef = CriterionDef {
    key: "erleben",
    label: "Erleben",
    label_en: "Experience",
    question: "Wie erlebt die Person diesen Schritt?",
    anchors: [
        Some("sehr frustrierend"),
        None,
        None,
        None,
        Some("reibungslos"),
    ],
    default_weight: 1.0,
};

/// The fields of a process step (E1), in the order of the spec.
pub const STEP_FIELDS: &[FieldDef] = &[
    field("taetigkeit", "Was tut die Person?", ""),
    field(
        "kontaktpunkt",
        "Kontaktpunkt",
        "Wo begegnet die Person der Verwaltung (Portal, Telefon, Bürgerbüro, Brief)?",
    ),
    field("verwaltung", "Was passiert in der Verwaltung?", ""),
    field(
        "schmerzpunkte",
        "Schmerzpunkte",
        "Was kostet hier Zeit, Wege oder Nerven?",
    ),
    field(
        "ideen",
        "Ideen",
        "Was könnte diesen Schritt leichter machen?",
    ),
];

pub const PROZESS: Template = Template {
    key: "prozess",
    version: 1,
    title: "Prozess-Teilschritte aus Bürgersicht",
    header: Some(HeaderField {
        label: "Betrachteter Verwaltungsprozess",
        prompt: "Welchen Prozess betrachten wir? Wo beginnt und endet er aus Sicht der Bürgerin oder des Bürgers?",
    }),
    criteria: &[],
    intro: "",
    marks_current: false,
    sections: &[
        Section {
            carry_to: &[carry("canvas", "nutzer", None)],
            ..s(
                "persona",
                "Für wen? (Persona)",
                "Wer durchläuft den Prozess? Lebenslage, Anliegen, digitale Erfahrung, Zeitdruck.",
            )
        },
        Section {
            fields: STEP_FIELDS,
            criteria: &[ERLEBEN],
            ordered: true,
            carry_to: &[
                carry("canvas", "problem", Some("schmerzpunkte")),
                carry("canvas", "loesung", Some("ideen")),
            ],
            ..s(
                "schritte",
                "Teilschritte",
                "In welchen Schritten erlebt die Person den Prozess, vom ersten Gedanken bis zum Ergebnis?",
            )
        },
        Section {
            links_to: &["schritte"],
            carry_to: &[carry("canvas", "loesung", None)],
            ..s(
                "potenzial",
                "IKZ-Potenzial",
                "Welche Schritte könnten wir gemeinsam mit anderen Kommunen erledigen?",
            )
        },
        s(
            "annahmen",
            "Annahmen prüfen (Start-up-Blick)",
            "Was nehmen wir nur an? Wie testen wir das schnell und günstig?",
        ),
    ],
};

// --- 3. Erfolgsfaktoren-Check ----------------------------------------------

/// How well a success factor is in place today.
pub const ERFUELLT: CriterionDef = CriterionDef {
    key: "erfuellt",
    label: "Erfüllungsgrad",
    label_en: "Degree of fulfilment",
    question: "Wie gut ist dieser Faktor heute erfüllt?",
    anchors: [
        Some("fehlt"),
        Some("in Ansätzen"),
        Some("teilweise"),
        Some("weitgehend"),
        Some("voll erfüllt und gelebt"),
    ],
    default_weight: 1.0,
};

/// The measures of a success factor.
pub const MASSNAHMEN: FieldDef = field(
    "massnahmen",
    "Maßnahmen",
    "Was fehlt uns? Was tun wir, wer, bis wann?",
);

const MEASURES_TO_NEXT_STEPS: &[CarryTarget] = &[carry("canvas", "schritte", Some("massnahmen"))];
/// A phase's items go to the canvas's next steps or, as a story to plan,
/// to the Scrum board's backlog (methods.md 4).
const TO_NEXT_STEPS: &[CarryTarget] = &[
    carry("canvas", "schritte", None),
    carry("scrum", "backlog", None),
];

/// A column of success factors: only its fixed items, each rated and with
/// its measures, which can go to the canvas's next steps.
const fn factors(section: Section, items: &'static [FixedItem]) -> Section {
    Section {
        items,
        closed: true,
        criteria: &[ERFUELLT],
        fields: &[MASSNAHMEN],
        carry_to: MEASURES_TO_NEXT_STEPS,
        ..section
    }
}

pub const ERFOLGSFAKTOREN: Template = Template {
    key: "erfolgsfaktoren",
    version: 1,
    title: "Erfolgsfaktoren-Check",
    header: None,
    criteria: &[],
    intro: "IKZ wirkt langfristig, wenn neben Standardisierung, verbindlicher Steuerung und messbaren Zielen auch \u{201e}weiche\u{201c} Faktoren beachtet werden.",
    marks_current: false,
    sections: &[
        factors(
            s("unterstuetzung", "Unterstützung", ""),
            &[
                item(
                    "unterstuetzung-1",
                    "Gestaltungswille der Bürgermeisterinnen und Bürgermeister",
                ),
                item("unterstuetzung-2", "Überzeugungskraft der Führungskräfte"),
                item("unterstuetzung-3", "Politische Unterstützung"),
                item(
                    "unterstuetzung-4",
                    "Wünschenswert: interföderale Unterstützung (Land, Bund)",
                ),
            ],
        ),
        factors(
            s("beteiligung", "Beteiligung", ""),
            &[
                item(
                    "beteiligung-1",
                    "Frühzeitige Einbindung von Mitarbeitenden, Gemeinderäten usw.",
                ),
                item(
                    "beteiligung-2",
                    "Abbau von Ängsten, z. B. vor Kompetenzabgabe",
                ),
                item("beteiligung-3", "Aufzeigen von Vorteilen"),
                item("beteiligung-4", "Aufzeigen von Mitgestaltungsoptionen"),
            ],
        ),
        factors(
            s("vertrauen", "Vertrauen", ""),
            &[
                item("vertrauen-1", "Offener Austausch auf Augenhöhe"),
                item("vertrauen-2", "Kompromissbereitschaft"),
                item(
                    "vertrauen-3",
                    "Wachsende Herausforderungen gemeinsam angehen",
                ),
                item("vertrauen-4", "Stärken stärken"),
            ],
        ),
        factors(
            s("rollen", "Klare Rollen und Verantwortlichkeiten", ""),
            &[
                item(
                    "rollen-1",
                    "Eindeutige Abgrenzung der Entscheidungskompetenzen",
                ),
                item(
                    "rollen-2",
                    "Verbindliche Vereinbarungen zur Kostenaufteilung",
                ),
                item("rollen-3", "Zeit für Rollen- und Aufgabenschärfung"),
                item("rollen-4", "Proaktiver Umgang mit Rollenkonflikten"),
            ],
        ),
        factors(
            Section {
                short: "Evaluationsbereitschaft",
                ..s("evaluation", "Evaluationsbereitschaft in Bezug auf", "")
            },
            &[
                item("evaluation-1", "Gewünschte Effizienzsteigerung"),
                item("evaluation-2", "Servicequalität und Leistungsniveau"),
                item("evaluation-3", "Messbarer, effektiverer Ressourceneinsatz"),
                item("evaluation-4", "Erhöhung der Resilienz"),
            ],
        ),
    ],
};

// --- 4. Phasen-Check ---------------------------------------------------------

/// A phase: its checklist (fixed items with status, Wer, Bis wann and a
/// note); the group may add items of its own; open items can go to the
/// canvas's next steps or the Scrum backlog.
const fn phase(section: Section, items: &'static [FixedItem]) -> Section {
    Section {
        items,
        tasks: true,
        carry_to: TO_NEXT_STEPS,
        ..section
    }
}

pub const PHASEN: Template = Template {
    key: "phasen",
    version: 1,
    title: "Phasen-Check: Anbahnung – Umsetzung – Konsolidierung",
    header: None,
    criteria: &[],
    intro: "",
    marks_current: true,
    sections: &[
        phase(
            s(
                "anbahnung",
                "Anbahnung",
                "Wie gelingt es, Kooperationen systematisch anzubahnen?",
            ),
            &[
                item(
                    "anbahnung-1",
                    "Allianz der Willigen identifizieren, gemeinsame Zielsetzung ausformulieren",
                ),
                item(
                    "anbahnung-2",
                    "Aufgaben- und Strukturanalyse vertrauensvoll angehen",
                ),
                item(
                    "anbahnung-3",
                    "Interessenlagen immer wieder abfragen, Ziele verifizieren, Mitarbeitende einbinden",
                ),
                item("anbahnung-4", "\u{201e}durch die Decke\u{201c} denken"),
                item(
                    "anbahnung-5",
                    "Anbahnung gut planen, erst danach die Umsetzung",
                ),
                item(
                    "anbahnung-6",
                    "Schrittweise vorgehen, Reflexionsräume, Monitoring von Beginn an",
                ),
                item(
                    "anbahnung-7",
                    "Organisatorische Grundlagen mit gelebter Kultur abgleichen",
                ),
            ],
        ),
        phase(
            s(
                "umsetzung",
                "Umsetzung",
                "Wie gelingt es, Kooperationen erfolgreich umzusetzen?",
            ),
            &[
                item("umsetzung-1", "Resiliente Rechts- und Organisationsform"),
                item("umsetzung-2", "Prozesse dokumentieren und standardisieren"),
                item("umsetzung-3", "Offene Fehlerkultur"),
                item("umsetzung-4", "Wissensmanagement"),
                item("umsetzung-5", "Wissenstransfer"),
            ],
        ),
        phase(
            s(
                "konsolidierung",
                "Konsolidierung",
                "Wie gelingt es, Kooperationen erfolgreich zu konsolidieren?",
            ),
            &[
                item("konsolidierung-1", "Reviews und Evaluationen"),
                item(
                    "konsolidierung-2",
                    "Zweifel an der Wirtschaftlichkeit konkret angehen",
                ),
                item("konsolidierung-3", "Shared-Service-Ansätze ausbauen"),
                item("konsolidierung-4", "Digitalisierung und KI heben"),
                item(
                    "konsolidierung-5",
                    "Strukturen, die externe Störungen aushalten",
                ),
                item("konsolidierung-6", "Marketing in Spitzen und Politik"),
                item("konsolidierung-7", "Breite politische Unterstützung"),
            ],
        ),
    ],
};

/// The four methods `methods.md` added to the first three (tests walk them).
pub const FURTHER: [Template; 4] = [ZIELE, PROZESS, ERFOLGSFAKTOREN, PHASEN];
