//! The remaining seed methods of `methods.md` (5-9) as templates:
//! Veränderung & Widerstände, Business Model Canvas, Umsatzsteuer-Check
//! (§ 2b UStG), Scrum-Board and BarCamp-Planung & Kooperationsbörse.
//! German texts as the spec gives them; where it gives no prompt, the
//! prompt is empty.
//!
//! They are offered ([`super::ALL`]); [`SEED_REST`] names them for the
//! tests (`docs/wip/NOTES-methods20.md`, `docs/wip/NOTES-ui20.md`).

use super::ustg_data::PARAGRAPH_2B;
use super::{carry, CarryTarget, FieldDef, FixedItem, HeaderField, RefTarget, Section, Template};
use crate::evaluation::criteria::CriterionDef;
use serde::Serialize;

const fn s(id: &'static str, label: &'static str, prompt: &'static str) -> Section {
    Section::plain(id, label, prompt)
}

const fn item(id: &'static str, label: &'static str) -> FixedItem {
    FixedItem { id, label }
}

const fn field(key: &'static str, label: &'static str, prompt: &'static str) -> FieldDef {
    FieldDef::new(key, label, prompt)
}

const fn scale(
    key: &'static str,
    label: &'static str,
    label_en: &'static str,
    question: &'static str,
    anchors: [Option<&'static str>; 5],
) -> CriterionDef {
    CriterionDef {
        key,
        label,
        label_en,
        question,
        anchors,
        default_weight: 1.0,
    }
}

// --- 5. Veränderung & Widerstände ------------------------------------------

/// Veränderungsbereitschaft of a level, shown as a heat map per level.
pub const BEREITSCHAFT: CriterionDef = scale(
    "bereitschaft",
    "Veränderungsbereitschaft",
    "Readiness for change",
    "Wie bereit ist diese Ebene für die Veränderung?",
    [
        Some("deutliche Ablehnung"),
        None,
        Some("abwartend"),
        None,
        Some("treibt die Veränderung mit"),
    ],
);

/// The strength of a driving or restraining force (force-field analysis).
pub const STAERKE: CriterionDef = scale(
    "staerke",
    "Stärke",
    "Strength",
    "Wie stark wirkt diese Kraft?",
    [None; 5],
);

/// The fields of a level (E1), in the order of the spec.
pub const LEVEL_FIELDS: &[FieldDef] = &[
    field("aenderung", "Was ändert sich?", ""),
    field(
        "befuerchtungen",
        "Befürchtungen & Widerstände",
        "z. B. Kompetenzabgabe, Arbeitsplatz, Identität",
    ),
    field("unterstuetzungsbedarf", "Unterstützungsbedarf", ""),
    field("massnahmen_wer", "Maßnahmen (Wer / bis wann)", ""),
];

const FEARS_TO_RISKS: &[CarryTarget] = &[carry("canvas", "risiken", Some("befuerchtungen"))];
const TO_RISKS: &[CarryTarget] = &[carry("canvas", "risiken", None)];

/// A side of the force field: cards rated for their strength.
const fn forces(section: Section) -> Section {
    Section {
        criteria: &[STAERKE],
        ..section
    }
}

pub const VERAENDERUNG: Template = Template {
    key: "veraenderung",
    version: 1,
    title: "Veränderung & Widerstände",
    header: Some(HeaderField {
        label: "Phase",
        prompt: "Umsetzung / Implementierung / Evaluation",
    }),
    criteria: &[],
    intro: "",
    marks_current: false,
    sections: &[
        Section {
            items: &[
                item("ebene-politik", "Politik & Gremien"),
                item("ebene-spitze", "Verwaltungsspitze"),
                item("ebene-fuehrung", "Führungskräfte"),
                item("ebene-mitarbeitende", "Mitarbeitende"),
                item("ebene-personalvertretung", "Personalvertretung"),
                item(
                    "ebene-buerger",
                    "(optional) Bürgerinnen, Bürger & Unternehmen",
                ),
            ],
            closed: true,
            fields: LEVEL_FIELDS,
            criteria: &[BEREITSCHAFT],
            carry_to: FEARS_TO_RISKS,
            ..s("ebenen", "Ebenen", "")
        },
        forces(s("treibend", "Treibende Kräfte", "")),
        Section {
            carry_to: TO_RISKS,
            ..forces(s("hemmend", "Hemmende Kräfte", ""))
        },
    ],
};

// --- 6. Business Model Canvas ----------------------------------------------

/// A BMC card may refer to the group's SWOT cards (methods.md 6: "shows a
/// small S/W/O/T"): the four fields of the analysis, not the strategies.
pub const TO_SWOT: &[RefTarget] = &[RefTarget {
    template: "swot",
    sections: &["staerken", "schwaechen", "chancen", "risiken"],
}];

/// A BMC box: its cards may refer to SWOT cards.
const fn bmc_box(id: &'static str, label: &'static str, prompt: &'static str) -> Section {
    Section {
        refs_to: TO_SWOT,
        ..Section::plain(id, label, prompt)
    }
}

pub const BMC: Template = Template {
    key: "bmc",
    version: 1,
    title: "Business Model Canvas",
    header: None,
    criteria: &[],
    intro: "",
    marks_current: false,
    sections: &[
        bmc_box(
            "schluesselpartner",
            "Schlüsselpartner",
            "Partnerkommunen, Kreis, Zweckverband, kommunaler IT-Dienstleister, Land?",
        ),
        bmc_box(
            "aktivitaeten",
            "Schlüsselaktivitäten",
            "Was müssen wir gemeinsam tun, damit die Leistung entsteht?",
        ),
        bmc_box(
            "ressourcen",
            "Schlüsselressourcen",
            "Personal, Know-how, IT, Daten, Räume?",
        ),
        bmc_box(
            "wertangebot",
            "Wertangebot (Nutzenversprechen)",
            "Welches Problem lösen wir, welchen Nutzen haben Bürgerinnen, Bürger, Unternehmen und die Partnerkommunen?",
        ),
        bmc_box(
            "beziehung",
            "Beziehung zu den Nutzenden",
            "persönlich, Self-Service, Beteiligung?",
        ),
        bmc_box(
            "kanaele",
            "Kanäle",
            "Portal, Bürgerbüro, Telefon (115), App?",
        ),
        bmc_box(
            "nutzergruppen",
            "Nutzergruppen",
            "Bürgerinnen und Bürger, Unternehmen, Partnerkommunen, interne Fachämter?",
        ),
        bmc_box(
            "kosten",
            "Kostenstruktur",
            "Welche Kosten entstehen einmalig und laufend?",
        ),
        bmc_box(
            "finanzierung",
            "Finanzierung (Einnahmequellen)",
            "Gebühren, Kostenerstattung der Partner, Umlage, Fördermittel?",
        ),
    ],
};

/// A box of a grid layout: its section, where it starts (column and row,
/// from 0) and how many columns and rows it spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GridBox {
    pub section: &'static str,
    pub column: u8,
    pub row: u8,
    pub width: u8,
    pub height: u8,
}

const fn grid(section: &'static str, column: u8, row: u8, width: u8, height: u8) -> GridBox {
    GridBox {
        section,
        column,
        row,
        width,
        height,
    }
}

/// The classic 9-box layout of the Business Model Canvas on a grid of 10
/// columns and 3 rows: partners, activities over resources, the value
/// proposition, relationships over channels, user groups; costs and
/// revenues below, half the width each. The PDF draws it; DOCX and ODT
/// print a table in the template's order.
pub const BMC_GRID: [GridBox; 9] = [
    grid("schluesselpartner", 0, 0, 2, 2),
    grid("aktivitaeten", 2, 0, 2, 1),
    grid("ressourcen", 2, 1, 2, 1),
    grid("wertangebot", 4, 0, 2, 2),
    grid("beziehung", 6, 0, 2, 1),
    grid("kanaele", 6, 1, 2, 1),
    grid("nutzergruppen", 8, 0, 2, 2),
    grid("kosten", 0, 2, 5, 1),
    grid("finanzierung", 5, 2, 5, 1),
];

/// A board drawn as a grid of `columns` equal columns, each section in its
/// box (the screen; on a narrow screen the sections stack in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Layout {
    pub columns: u8,
    pub rows: u8,
    pub boxes: &'static [GridBox],
}

/// The Scrum-Board on 4 columns: goal and roles across, the four columns
/// of stories side by side, then obstacles, the plan and the
/// Relevanzcheck beside "Wo passt es, wo nicht?".
pub const SCRUM_GRID: [GridBox; 10] = [
    grid("produktziel", 0, 0, 4, 1),
    grid("rollen", 0, 1, 4, 1),
    grid("backlog", 0, 2, 1, 1),
    grid("sprint", 1, 2, 1, 1),
    grid("in_arbeit", 2, 2, 1, 1),
    grid("erledigt", 3, 2, 1, 1),
    grid("hindernisse", 0, 3, 4, 1),
    grid("ablauf", 0, 4, 4, 1),
    grid("relevanz", 0, 5, 2, 1),
    grid("passung", 2, 5, 2, 1),
];

/// The grid a template's board is drawn on, if it has one.
pub fn layout(template: &Template) -> Option<Layout> {
    if template.key == BMC.key {
        Some(Layout {
            columns: 10,
            rows: 3,
            boxes: &BMC_GRID,
        })
    } else if template.key == SCRUM.key {
        Some(Layout {
            columns: 4,
            rows: 6,
            boxes: &SCRUM_GRID,
        })
    } else {
        None
    }
}

// --- 7. Umsatzsteuer-Check (§ 2b UStG) -------------------------------------

/// The answers a § 2b question takes (the field's text, compared without
/// case and surrounding space; anything else counts as not answered).
pub const ANSWERS: [&str; 3] = ["ja", "nein", "unklar"];

const ANSWER_PROMPT: &str = "ja / nein / unklar";

/// The § 2b questions of a case, in the order of the spec (keys `ust_q1`
/// … `ust_q5d`); their answers are named fields with [`ANSWERS`]. The
/// threshold in question 3 is [`PARAGRAPH_2B`]'s (a test keeps the two in
/// step).
pub const QUESTIONS: &[FieldDef] = &[
    field(
        "ust_q1",
        "1 Öffentlich-rechtliche Grundlage? (Abs. 1)",
        ANSWER_PROMPT,
    ),
    field(
        "ust_q2",
        "2 Könnte ein privater Anbieter dieselbe Leistung erbringen? (Abs. 1 S. 2)",
        ANSWER_PROMPT,
    ),
    field(
        "ust_q3",
        "3 Umsatz aus gleichartigen Tätigkeiten ≤ 17.500 €/Jahr? (Abs. 2 Nr. 1)",
        ANSWER_PROMPT,
    ),
    field(
        "ust_q4",
        "4 Leistung gesetzlich nur durch juristische Personen des öffentlichen Rechts? (Abs. 3 Nr. 1)",
        ANSWER_PROMPT,
    ),
    field(
        "ust_q5a",
        "5a Gemeinsame spezifische öffentliche Interessen (Abs. 3 Nr. 2): langfristige öffentlich-rechtliche Vereinbarung",
        ANSWER_PROMPT,
    ),
    field(
        "ust_q5b",
        "5b Gemeinsame spezifische öffentliche Interessen (Abs. 3 Nr. 2): Erhalt der Infrastruktur und eine allen obliegende Aufgabe",
        ANSWER_PROMPT,
    ),
    field(
        "ust_q5c",
        "5c Gemeinsame spezifische öffentliche Interessen (Abs. 3 Nr. 2): nur Kostenerstattung",
        ANSWER_PROMPT,
    ),
    field(
        "ust_q5d",
        "5d Gemeinsame spezifische öffentliche Interessen (Abs. 3 Nr. 2): gleichartige Leistungen im Wesentlichen an andere öffentliche Stellen",
        ANSWER_PROMPT,
    ),
];

/// The facts of a service relationship (E1), then its questions.
pub const CASE_FIELDS: &[FieldDef] = &[
    field("leistende_stelle", "Leistende Stelle", ""),
    field("empfaenger", "Empfänger", ""),
    field("leistung", "Leistung", ""),
    field("entgelt", "Entgelt/Kostenerstattung (€/Jahr)", ""),
    field(
        "grundlage",
        "Grundlage",
        "Zweckvereinbarung, öffentlich-rechtlicher Vertrag, privatrechtlicher Vertrag",
    ),
    QUESTIONS[0],
    QUESTIONS[1],
    QUESTIONS[2],
    QUESTIONS[3],
    QUESTIONS[4],
    QUESTIONS[5],
    QUESTIONS[6],
    QUESTIONS[7],
];

pub const USTG: Template = Template {
    key: "ustg",
    version: 1,
    title: "Umsatzsteuer-Check (§ 2b UStG)",
    header: None,
    criteria: &[],
    intro: PARAGRAPH_2B.disclaimer,
    marks_current: false,
    sections: &[
        Section {
            fields: CASE_FIELDS,
            ..s("faelle", "Leistungsbeziehungen", "")
        },
        s(
            "offene_fragen",
            "Offene Fragen an Steuerberatung/Finanzamt",
            "",
        ),
        s(
            "kosten",
            "Auswirkung auf Kosten",
            "Umsatzsteuer und Vorsteuerabzug in der Kostenplanung berücksichtigt?",
        ),
    ],
};

// --- 8. Scrum-Board -----------------------------------------------------------

/// How well Scrum fits one's own field of work (each person for their own).
pub const RELEVANZ: CriterionDef = scale(
    "relevanz",
    "Relevanz",
    "Relevance",
    "Wie gut passt Scrum zu meinem Tätigkeitsfeld?",
    [None; 5],
);

/// The effort points a story may carry.
pub const EFFORT_POINTS: [u32; 6] = [1, 2, 3, 5, 8, 13];

/// The fields of a story (E1); every column has them, so a story keeps
/// them as it moves across.
pub const STORY_FIELDS: &[FieldDef] = &[
    field("akzeptanzkriterien", "Akzeptanzkriterien", ""),
    field("aufwand", "Aufwand", "1, 2, 3, 5, 8 oder 13"),
];

/// The columns a story moves across (`MoveCard`), in order.
pub const SCRUM_COLUMNS: [&str; 4] = ["backlog", "sprint", "in_arbeit", "erledigt"];

const fn column(section: Section) -> Section {
    Section {
        fields: STORY_FIELDS,
        ordered: true,
        ..section
    }
}

pub const SCRUM: Template = Template {
    key: "scrum",
    version: 1,
    title: "Scrum-Board",
    header: None,
    criteria: &[],
    intro: "",
    marks_current: false,
    sections: &[
        s(
            "produktziel",
            "Produktziel",
            "Was soll für die Nutzenden anders sein?",
        ),
        Section {
            items: &[
                item("rolle-po", "Product Owner"),
                item("rolle-sm", "Scrum Master"),
                item("rolle-team", "Umsetzungsteam"),
            ],
            closed: true,
            ..s(
                "rollen",
                "Rollen",
                "Product Owner: Wer entscheidet über die Reihenfolge im Backlog? Scrum Master: Wer sorgt für den Ablauf und räumt Hindernisse weg? Umsetzungsteam: Wer setzt um, aus welchen Kommunen?",
            )
        },
        column(s(
            "backlog",
            "Product Backlog",
            "Als … möchte ich …, damit …",
        )),
        column(s("sprint", "Sprint-Backlog", "")),
        column(s("in_arbeit", "In Arbeit", "")),
        column(s("erledigt", "Erledigt", "")),
        s(
            "hindernisse",
            "Hindernisse",
            "Gremientermine, Vergabe, Haushalt, Datenschutz?",
        ),
        Section {
            items: &[
                item("ablauf-laenge", "Sprint-Länge"),
                item("ablauf-planning", "Sprint Planning"),
                item("ablauf-daily", "Daily (15 Min.)"),
                item("ablauf-review", "Sprint Review"),
                item("ablauf-retro", "Retrospektive"),
            ],
            closed: true,
            tasks: true,
            ..s("ablauf", "Ablauf planen", "")
        },
        Section {
            items: &[item(
                "relevanz-passung",
                "Wie gut passt Scrum zu meinem Tätigkeitsfeld?",
            )],
            closed: true,
            criteria: &[RELEVANZ],
            ..s("relevanz", "Relevanzcheck", "")
        },
        s("passung", "Wo passt es, wo nicht?", ""),
    ],
};

// --- 9. BarCamp-Planung & Kooperationsbörse ----------------------------------

/// The formats a session proposal names.
pub const FORMATS: [&str; 4] = ["Impuls", "Diskussion", "Frage", "Praxisbericht"];

/// A session proposal (E1): its text is the title; the moderator assigns
/// a time slot and a room (the Sessionplan is slot × room): only the
/// moderator edits those two (`FieldDef::moderator_only`).
pub const PROPOSAL_FIELDS: &[FieldDef] = &[
    field("sessiongeber", "Sessiongeber/in", ""),
    field(
        "format",
        "Format",
        "Impuls, Diskussion, Frage, Praxisbericht",
    ),
    FieldDef::moderated("zeitfenster", "Zeitfenster"),
    FieldDef::moderated("raum", "Raum"),
];

/// The documentation of a session (linked to its proposal).
pub const DOCUMENTATION_FIELDS: &[FieldDef] = &[
    field("kernaussagen", "Kernaussagen", ""),
    field("offene_fragen_session", "offene Fragen", ""),
    field("weiter", "Wer macht weiter?", ""),
];

const MARKET_PROMPT: &str = "Welche Kommune sucht oder bietet was (Know-how, Lösung, Partner)?";

pub const BARCAMP: Template = Template {
    key: "barcamp",
    version: 1,
    title: "BarCamp-Planung & Kooperationsbörse",
    header: None,
    criteria: &[],
    intro: "",
    marks_current: false,
    sections: &[
        Section {
            fields: PROPOSAL_FIELDS,
            ..s("vorschlaege", "Session-Vorschläge", "")
        },
        Section {
            fields: DOCUMENTATION_FIELDS,
            links_to: &["vorschlaege"],
            ..s("dokumentation", "Dokumentation je Session", "")
        },
        s("suche", "Suche", MARKET_PROMPT),
        s("biete", "Biete", MARKET_PROMPT),
    ],
};

/// Named fields whose text is one of a few words: the screen offers them
/// as buttons (writing the word as the field's text), the figures read
/// the words. Data only: `apply` takes any text, so an old browser, an
/// import or a merge of two clicks at once can leave another text, which
/// the figures treat as not answered (docs/wip/NOTES-methods20.md).
pub const CHOICE_FIELDS: &[(&str, &[&str])] = &[
    ("ust_q1", &ANSWERS),
    ("ust_q2", &ANSWERS),
    ("ust_q3", &ANSWERS),
    ("ust_q4", &ANSWERS),
    ("ust_q5a", &ANSWERS),
    ("ust_q5b", &ANSWERS),
    ("ust_q5c", &ANSWERS),
    ("ust_q5d", &ANSWERS),
    ("aufwand", &["1", "2", "3", "5", "8", "13"]),
    ("format", &FORMATS),
    ("schluessel", &super::kosten::KEYS),
    ("sockel_basis", &super::kosten::BASES),
];

/// The words a choice field takes (see [`CHOICE_FIELDS`]).
pub fn choices(key: &str) -> Option<&'static [&'static str]> {
    CHOICE_FIELDS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, words)| *words)
}

/// The five remaining seed methods, in the order of `methods.md` (tests
/// walk them; offered at the end of [`super::ALL`]).
pub const SEED_REST: [Template; 5] = [VERAENDERUNG, BMC, USTG, SCRUM, BARCAMP];
