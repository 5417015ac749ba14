//! The legal data of the Umsatzsteuer-Check (methods.md 7): the threshold
//! and references of § 2b UStG as data with a source and a "Stand", not as
//! code. A change of the law is a change of this table (and of the
//! question's wording, which a test keeps in step with the threshold).

/// One legal figure or reference the check relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LegalData {
    /// § 2b Abs. 2 Nr. 1 UStG: the annual turnover from similar activities
    /// (gleichartige Tätigkeiten) up to which no major distortion of
    /// competition is assumed, in whole euros.
    pub threshold_eur: u32,
    /// Where the threshold stands.
    pub threshold_source: &'static str,
    /// The references of the questions, in the order of the questions.
    pub references: &'static [(&'static str, &'static str)],
    /// The date this table was last compared with the law (YYYY-MM-DD).
    pub stand: &'static str,
    /// Where it was compared.
    pub source: &'static str,
    /// The label every hint carries.
    pub disclaimer: &'static str,
}

/// § 2b UStG as the check uses it.
pub const PARAGRAPH_2B: LegalData = LegalData {
    threshold_eur: 17_500,
    threshold_source: "§ 2b Abs. 2 Nr. 1 UStG",
    references: &[
        ("q1", "§ 2b Abs. 1 Satz 1 UStG"),
        ("q2", "§ 2b Abs. 1 Satz 2 UStG"),
        ("q3", "§ 2b Abs. 2 Nr. 1 UStG"),
        ("q4", "§ 2b Abs. 3 Nr. 1 UStG"),
        ("q5a", "§ 2b Abs. 3 Nr. 2 Buchst. a UStG"),
        ("q5b", "§ 2b Abs. 3 Nr. 2 Buchst. b UStG"),
        ("q5c", "§ 2b Abs. 3 Nr. 2 Buchst. c UStG"),
        ("q5d", "§ 2b Abs. 3 Nr. 2 Buchst. d UStG"),
    ],
    stand: "2026-12-01",
    source: "Umsatzsteuergesetz (UStG) § 2b, gesetze-im-internet.de; Fragen nach methods.md Abschnitt 7 (Seed S0:45). Vor dem Einsatz von der Kämmerei bestätigen lassen.",
    disclaimer: "Vorprüfung, keine Steuerberatung",
};

/// "17.500 €": a euro amount as the German questions write it.
pub fn euro_de(amount: u32) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} €")
}
