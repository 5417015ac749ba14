//! The choices of a KI idea's Projektskizze (vorgesehene Kooperationsform,
//! KI-Einsatzfeld) and the one wording of each of its two flags, used on
//! screen and in every export alike.

use crate::board::IdeaFlag;
use serde::{Deserialize, Serialize};

/// How the Kommunen mean to work together on the idea.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kooperationsform {
    GemeinsameBeschaffung,
    Nachnutzung,
    Zweckvereinbarung,
    Zweckverband,
    GemeinsameAnstalt,
    Offen,
}

impl Kooperationsform {
    pub const ALL: [Kooperationsform; 6] = [
        Kooperationsform::GemeinsameBeschaffung,
        Kooperationsform::Nachnutzung,
        Kooperationsform::Zweckvereinbarung,
        Kooperationsform::Zweckverband,
        Kooperationsform::GemeinsameAnstalt,
        Kooperationsform::Offen,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Kooperationsform::GemeinsameBeschaffung => "gemeinsame_beschaffung",
            Kooperationsform::Nachnutzung => "nachnutzung",
            Kooperationsform::Zweckvereinbarung => "zweckvereinbarung",
            Kooperationsform::Zweckverband => "zweckverband",
            Kooperationsform::GemeinsameAnstalt => "gemeinsame_anstalt",
            Kooperationsform::Offen => "offen",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn label_de(self) -> &'static str {
        match self {
            Kooperationsform::GemeinsameBeschaffung => "gemeinsame Beschaffung",
            Kooperationsform::Nachnutzung => "Nachnutzung",
            Kooperationsform::Zweckvereinbarung => "Zweckvereinbarung",
            Kooperationsform::Zweckverband => "Zweckverband",
            Kooperationsform::GemeinsameAnstalt => "gemeinsame Anstalt",
            Kooperationsform::Offen => "offen",
        }
    }
}

/// The seed's five fields of application of KI in a municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Einsatzfeld {
    Textgenerierung,
    Entscheidungsunterstuetzung,
    Prognosemodelle,
    Buergerkommunikation,
    Ressourcensteuerung,
}

impl Einsatzfeld {
    pub const ALL: [Einsatzfeld; 5] = [
        Einsatzfeld::Textgenerierung,
        Einsatzfeld::Entscheidungsunterstuetzung,
        Einsatzfeld::Prognosemodelle,
        Einsatzfeld::Buergerkommunikation,
        Einsatzfeld::Ressourcensteuerung,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Einsatzfeld::Textgenerierung => "textgenerierung",
            Einsatzfeld::Entscheidungsunterstuetzung => "entscheidungsunterstuetzung",
            Einsatzfeld::Prognosemodelle => "prognosemodelle",
            Einsatzfeld::Buergerkommunikation => "buergerkommunikation",
            Einsatzfeld::Ressourcensteuerung => "ressourcensteuerung",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn label_de(self) -> &'static str {
        match self {
            Einsatzfeld::Textgenerierung => "Textgenerierung",
            Einsatzfeld::Entscheidungsunterstuetzung => "Entscheidungsunterstützung",
            Einsatzfeld::Prognosemodelle => "Prognosemodelle",
            Einsatzfeld::Buergerkommunikation => "Bürgerkommunikation",
            Einsatzfeld::Ressourcensteuerung => "Ressourcensteuerung",
        }
    }
}

/// A choice of the Projektskizze as an op carries it (`None`: not chosen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum SketchChoice {
    Kooperationsform(Option<Kooperationsform>),
    Einsatzfeld(Option<Einsatzfeld>),
}

/// Labels of the Projektskizze's parts that are no free text.
pub const KOOPERATIONSFORM_LABEL: &str = "Vorgesehene Kooperationsform";
pub const EINSATZFELD_LABEL: &str = "KI-Einsatzfeld";

impl IdeaFlag {
    pub const ALL: [IdeaFlag; 2] = [IdeaFlag::PersonalData, IdeaFlag::HighRisk];

    /// The flag's one wording, on screen (German) and in every export.
    pub const fn label_de(self) -> &'static str {
        match self {
            IdeaFlag::PersonalData => "Personenbezogene Daten",
            IdeaFlag::HighRisk => "Möglicherweise Hochrisiko-KI-System (KI-VO, Anhang III)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_travel_by_stable_keys() {
        let json = serde_json::to_string(&SketchChoice::Kooperationsform(Some(
            Kooperationsform::GemeinsameAnstalt,
        )))
        .unwrap();
        assert_eq!(
            json,
            r#"{"field":"kooperationsform","value":"gemeinsame_anstalt"}"#
        );
        let none: SketchChoice =
            serde_json::from_str(r#"{"field":"einsatzfeld","value":null}"#).unwrap();
        assert_eq!(none, SketchChoice::Einsatzfeld(None));
        for k in Kooperationsform::ALL {
            assert_eq!(Kooperationsform::from_key(k.key()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.key())
            );
        }
        for f in Einsatzfeld::ALL {
            assert_eq!(Einsatzfeld::from_key(f.key()), Some(f));
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.key())
            );
        }
    }

    #[test]
    fn the_flags_have_the_wording_of_the_spec() {
        assert_eq!(IdeaFlag::PersonalData.label_de(), "Personenbezogene Daten");
        assert_eq!(
            IdeaFlag::HighRisk.label_de(),
            "Möglicherweise Hochrisiko-KI-System (KI-VO, Anhang III)"
        );
    }
}
