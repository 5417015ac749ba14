//! Kostenaufteilung und Wirtschaftlichkeit (antrag.md §2) as a method: one
//! card per Kommune (its text is the Kommune's name) with its figures, and
//! one fixed item "Gemeinsam" with the alliance's joint costs, the grant
//! and the split key. The board is read into the calculator's input by
//! [`crate::kosten::input`], the one place of that rule.

use super::{FieldDef, FixedItem, Section, Template};

const fn field(key: &'static str, label: &'static str, prompt: &'static str) -> FieldDef {
    FieldDef::new(key, label, prompt)
}

pub const EINWOHNER: FieldDef = field("einwohner", "Einwohner", "z. B. 12.345");
pub const FALLZAHLEN: FieldDef = field(
    "fallzahlen",
    "Fallzahlen pro Jahr",
    "Vorgänge dieser Aufgabe im Jahr, z. B. 1.200",
);
pub const VZAE: FieldDef = field(
    "vzae",
    "VZÄ",
    "Vollzeitäquivalente für die Aufgabe heute, z. B. 1,5",
);
pub const PERSONALKOSTENSATZ: FieldDef = field(
    "personalkostensatz",
    "Personalkostensatz (€/VZÄ)",
    "Euro je VZÄ und Jahr, z. B. 70.000",
);
pub const SACHKOSTEN: FieldDef = field("sachkosten", "Sachkosten", "Euro je Jahr, 0 wenn keine");
pub const IT_KOSTEN: FieldDef = field("it_kosten", "IT-Kosten", "Euro je Jahr, 0 wenn keine");
pub const RESTKOSTEN: FieldDef = field(
    "restkosten",
    "verbleibende Kosten vor Ort",
    "Euro je Jahr, die nach dem Beitritt bei der Kommune bleiben",
);
pub const ANTEIL_HAND: FieldDef = field(
    "anteil_hand",
    "Anteil von Hand (%)",
    "nur beim Schlüssel „von Hand“: Prozent, z. B. 40; alle zusammen 100",
);

/// The fields of a Kommune's card, in the order the calculator lists them.
pub const KOMMUNE_FIELDS: &[FieldDef] = &[
    EINWOHNER,
    FALLZAHLEN,
    VZAE,
    PERSONALKOSTENSATZ,
    SACHKOSTEN,
    IT_KOSTEN,
    RESTKOSTEN,
    ANTEIL_HAND,
];

pub const EINMALKOSTEN: FieldDef = field(
    "einmalkosten",
    "einmalige Kosten I",
    "Euro für Aufbau, Beschaffung, Einführung",
);
pub const LAUFENDE_KOSTEN: FieldDef = field(
    "laufende_kosten",
    "laufende Kosten L pro Jahr",
    "Euro je Jahr für den gemeinsamen Betrieb",
);
pub const FOERDERQUOTE: FieldDef = field(
    "foerderquote",
    "Förderquote (%)",
    "Prozent der einmaligen Kosten, z. B. 50; leer: keine Förderung",
);
pub const FOERDERHOECHSTBETRAG: FieldDef = field(
    "foerderhoechstbetrag",
    "Förderhöchstbetrag",
    "Euro, höchstens so viel Förderung",
);
pub const SCHLUESSEL: FieldDef = field(
    "schluessel",
    "Schlüssel",
    "Wie werden die Kosten aufgeteilt?",
);
pub const SOCKELANTEIL: FieldDef = field(
    "sockelanteil",
    "Sockelanteil a (%)",
    "nur bei „Sockel + variabel“: Prozent, die alle zu gleichen Teilen tragen",
);
pub const SOCKEL_BASIS: FieldDef = field(
    "sockel_basis",
    "Basis des variablen Teils",
    "nur bei „Sockel + variabel“",
);

/// The fields of the fixed item "Gemeinsam".
pub const JOINT_FIELDS: &[FieldDef] = &[
    EINMALKOSTEN,
    LAUFENDE_KOSTEN,
    FOERDERQUOTE,
    FOERDERHOECHSTBETRAG,
    SCHLUESSEL,
    SOCKELANTEIL,
    SOCKEL_BASIS,
];

/// The words of [`SCHLUESSEL`] (a choice field, see `rest::CHOICE_FIELDS`).
pub const KEYS: [&str; 5] = [
    "gleich",
    "Einwohner",
    "Fallzahlen",
    "Sockel + variabel",
    "von Hand",
];
/// The words of [`SOCKEL_BASIS`].
pub const BASES: [&str; 2] = ["Einwohner", "Fallzahlen"];

/// The section of the Kommunen's cards.
pub const KOMMUNEN: &str = "kommunen";
/// The section of the fixed item.
pub const GEMEINSAM: &str = "gemeinsam";
/// The fixed item with the joint figures.
pub const GEMEINSAM_ITEM: FixedItem = FixedItem {
    id: "gemeinsam",
    label: "Gemeinsam",
};

pub const KOSTEN: Template = Template {
    key: "kosten",
    version: 1,
    title: "Kostenaufteilung",
    header: None,
    criteria: &[],
    intro: "Eine Karte je Kommune, dazu die gemeinsamen Kosten: Das Ergebnis zeigt den Anteil jeder Kommune, ihre Einsparung und wann sich der Beitritt rechnet.",
    marks_current: false,
    sections: &[
        Section {
            fields: KOMMUNE_FIELDS,
            ..Section::plain(
                KOMMUNEN,
                "Kommunen",
                "Name der Kommune auf die Karte, dann ihre Zahlen von heute",
            )
        },
        Section {
            items: &[GEMEINSAM_ITEM],
            closed: true,
            fields: JOINT_FIELDS,
            ..Section::plain(
                GEMEINSAM,
                "Gemeinsame Kosten und Schlüssel",
                "Kosten des Verbunds, Förderung und wie sie aufgeteilt werden",
            )
        },
    ],
};
