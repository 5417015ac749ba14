//! Rechtsform-Lotse (antrag.md §3): yes/no questions lead to a legal form
//! of cooperation, with reasons and a comparison table. The legal content
//! is `data/rechtsform-rlp.json` (KomZG Rheinland-Pfalz, first data set);
//! the code only walks it.

use crate::path::{Answers, End, PathError, QuestionPath};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The legal forms a data set can recommend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rechtsform {
    Arbeitsgemeinschaft,
    Zweckvereinbarung,
    Zweckverband,
    GemeinsameAnstalt,
    Gmbh,
}

/// A row of the comparison table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub key: String,
    pub label: String,
}

/// A form as the data set describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub key: Rechtsform,
    pub name: String,
    pub rechtsgrundlage: String,
    /// The form's cell per criterion key.
    pub vergleich: BTreeMap<String, String>,
}

/// A data set of the guide (one per Land).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RechtsformData {
    pub titel: String,
    pub hinweis: String,
    pub quelle: String,
    pub stand: String,
    pub stand_hinweis: String,
    /// "… {frage} … {formen}" for an open question.
    pub offen_text: String,
    pub pfad: QuestionPath<Rechtsform>,
    pub kriterien: Vec<Criterion>,
    pub formen: Vec<Form>,
}

/// The comparison table: a header (criterion, then one column per form)
/// and one row per criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComparisonTable {
    pub kopf: Vec<String>,
    pub zeilen: Vec<Vec<String>>,
}

/// The guide's answer to a set of answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The form the answers lead to; none while an open question still
    /// decides between forms.
    pub empfehlung: Option<Rechtsform>,
    pub name: Option<String>,
    /// The reasons of the answers that led here, in order.
    pub gruende: Vec<String>,
    /// The open question ("weiß nicht" or unanswered) and what it decides.
    pub offen: Option<String>,
    /// The forms still possible (the recommendation alone when complete).
    pub in_betracht: Vec<Rechtsform>,
    pub tabelle: ComparisonTable,
    /// "Vorprüfung, keine Rechts- oder Steuerberatung".
    pub hinweis: String,
    pub quelle: String,
    pub stand: String,
}

static RLP: LazyLock<RechtsformData> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../data/rechtsform-rlp.json"))
        .expect("data/rechtsform-rlp.json is checked by the tests")
});

/// The data set of Rheinland-Pfalz.
pub fn rlp() -> &'static RechtsformData {
    &RLP
}

impl RechtsformData {
    pub fn form(&self, key: Rechtsform) -> Option<&Form> {
        self.formen.iter().find(|f| f.key == key)
    }

    /// Every criterion against every form of the data set.
    pub fn table(&self) -> ComparisonTable {
        let mut kopf = vec![String::new()];
        kopf.extend(self.formen.iter().map(|f| f.name.clone()));
        let zeilen = self
            .kriterien
            .iter()
            .map(|c| {
                let mut row = vec![c.label.clone()];
                row.extend(
                    self.formen
                        .iter()
                        .map(|f| f.vergleich.get(&c.key).cloned().unwrap_or_default()),
                );
                row
            })
            .collect();
        ComparisonTable { kopf, zeilen }
    }

    fn names(&self, forms: &[Rechtsform]) -> String {
        forms
            .iter()
            .filter_map(|&k| self.form(k).map(|f| f.name.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Walks the answers to a recommendation.
    pub fn recommend(&self, answers: &Answers) -> Result<Recommendation, PathError> {
        let walk = self.pfad.walk(answers)?;
        let gruende = walk.schritte.into_iter().map(|(_, _, g)| g).collect();
        let (empfehlung, offen, in_betracht) = match walk.ende {
            End::Ergebnis(form) => (Some(form), None, vec![form]),
            End::Offen(id) => {
                let candidates: Vec<Rechtsform> = self.pfad.reachable(&id)?.into_iter().collect();
                let question = self.pfad.question(&id).map_or("", |q| q.text.as_str());
                let text = self
                    .offen_text
                    .replace("{frage}", question)
                    .replace("{formen}", &self.names(&candidates));
                // An open question whose answers all lead to one form does not
                // change the recommendation, only its details.
                let only = match candidates.as_slice() {
                    [form] => Some(*form),
                    _ => None,
                };
                (only, Some(text), candidates)
            }
        };
        Ok(Recommendation {
            empfehlung,
            name: empfehlung.and_then(|k| self.form(k).map(|f| f.name.clone())),
            gruende,
            offen,
            in_betracht,
            tabelle: self.table(),
            hinweis: self.hinweis.clone(),
            quelle: self.quelle.clone(),
            stand: self.stand.clone(),
        })
    }
}

/// The recommendation of the Rheinland-Pfalz data set.
pub fn recommend(answers: &Answers) -> Result<Recommendation, PathError> {
    rlp().recommend(answers)
}
