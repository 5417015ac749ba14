//! The calculator's German texts (sheet labels, key names), from
//! `data/kosten.json`.

use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
pub struct CostTexts {
    pub titel: String,
    pub schluessel: String,
    pub kommune: String,
    pub keine_amortisation: String,
    pub schluessel_namen: KeyNames,
    pub felder: FieldLabels,
    pub szenarien: ScenarioSuffixes,
}

#[derive(Debug, Deserialize)]
pub struct KeyNames {
    pub gleich: String,
    pub einwohner: String,
    pub fallzahlen: String,
    pub sockel_einwohner: String,
    pub sockel_fallzahlen: String,
    pub von_hand: String,
}

#[derive(Debug, Deserialize)]
pub struct FieldLabels {
    pub einmalkosten: String,
    pub laufende_kosten: String,
    pub foerderquote: String,
    pub foerderhoechstbetrag: String,
    pub foerderung: String,
    pub eigenanteil_einmalkosten: String,
    pub sockelanteil: String,
    pub faktor_minus: String,
    pub faktor_plus: String,
    pub einwohner: String,
    pub fallzahlen: String,
    pub vzae: String,
    pub personalkostensatz: String,
    pub sachkosten: String,
    pub it_kosten: String,
    pub restkosten: String,
    pub anteil_von_hand: String,
    pub kosten_heute: String,
    pub anteil: String,
    pub anteil_laufend: String,
    pub anteil_einmalig: String,
    pub einsparung: String,
    pub amortisation: String,
}

#[derive(Debug, Deserialize)]
pub struct ScenarioSuffixes {
    pub basis: String,
    pub minus: String,
    pub plus: String,
}

/// The texts, parsed once. The file is part of the crate; a test parses it,
/// so a broken file fails the tests, not a user.
pub static TEXTS: LazyLock<CostTexts> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/kosten.json"))
        .expect("data/kosten.json is checked by the tests")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_texts_file_parses() {
        assert_eq!(TEXTS.keine_amortisation, "keine Amortisation");
        assert!(TEXTS.felder.foerderung.starts_with("Förderung G"));
    }
}
