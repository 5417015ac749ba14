//! The Rechtsform-Lotse (antrag.md §3) as a method: one fixed item per
//! group that answers the guide's questions (`Attribute::Answer`, the
//! questions are `ikz_antrag::rechtsform`'s data) and whose note holds the
//! group's own reasons. The recommendation is [`crate::lotse`]'s; the
//! item carries it to the canvas field "Rechts- und Organisationsform".

use super::{carry, CarryTarget, FixedItem, QuestionSet, Section, Template};

/// The fixed item that holds the group's answers.
pub const ENTSCHEIDUNG: FixedItem = FixedItem {
    id: "entscheidung",
    label: "Unsere Rechtsform",
};

const TO_CANVAS: &[CarryTarget] = &[carry("canvas", "rechtsform", None)];

/// Key `lotse` (ASCII letters: fixed card ids allow only letters, digits
/// and "-"): distinct from the canvas section `rechtsform`.
pub const LOTSE: Template = Template {
    key: "lotse",
    version: 1,
    title: "Rechtsform-Lotse",
    header: None,
    criteria: &[],
    intro: "Vorprüfung, keine Rechts- oder Steuerberatung",
    marks_current: false,
    sections: &[Section {
        items: &[ENTSCHEIDUNG],
        closed: true,
        questions: Some(QuestionSet::Rechtsform),
        carry_to: TO_CANVAS,
        ..Section::plain(
            "fragen",
            "Fragen zur Rechtsform",
            "Beantworten Sie die Fragen gemeinsam; in der Notiz halten Sie eigene Gründe und Bemerkungen fest.",
        )
    }],
};
