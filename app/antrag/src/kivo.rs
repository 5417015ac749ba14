//! KI-VO- und Datenschutz-Vorprüfung je Idee (antrag.md §4): a question
//! path to a risk class, further questions on data protection and staff,
//! reasons and a to-do list. The legal content is `data/ki-vo.json`.

use crate::path::{Answer, Answers, End, PathError, QuestionId, QuestionPath};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// The result class of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskClass {
    KeinKiSystem,
    Verboten,
    Hoch,
    Begrenzt,
    Minimal,
}

/// A class as the data describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassText {
    pub key: RiskClass,
    pub name: String,
    pub todos: Vec<String>,
}

/// A date of application of the regulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// ISO date.
    pub datum: String,
    pub was: String,
}

/// A further question is only asked when an earlier one has this answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub frage: QuestionId,
    pub antwort: Answer,
}

/// What a yes or no to a further question means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consequence {
    pub grund: String,
    #[serde(default)]
    pub todos: Vec<String>,
}

/// A question beside the path (GPAI, personal data, staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FurtherQuestion {
    pub id: QuestionId,
    pub text: String,
    #[serde(default)]
    pub wenn: Option<Condition>,
    pub ja: Consequence,
    pub nein: Consequence,
}

/// The data set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KivoData {
    pub titel: String,
    pub hinweis: String,
    pub quelle: String,
    pub stand: String,
    pub stand_hinweis: String,
    pub geltung: Vec<Application>,
    /// "… {frage} …" for an open question.
    pub offen_text: String,
    /// "… {frage} …" as the to-do of a "weiß nicht".
    pub klaeren_text: String,
    pub uebernommen_text: String,
    /// To-dos of every AI system.
    pub todos_ki_system: Vec<String>,
    pub klassen: Vec<ClassText>,
    pub pfad: QuestionPath<RiskClass>,
    pub zusatzfragen: Vec<FurtherQuestion>,
}

/// A check as stored: the answers, and a class preset for a check taken
/// over from an older session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KivoCheck {
    pub antworten: Answers,
    #[serde(default)]
    pub vorbelegt: Option<RiskClass>,
}

/// The outcome of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KivoResult {
    /// The class the answers lead to, or the preset while questions are open.
    pub klasse: Option<RiskClass>,
    pub klasse_name: Option<String>,
    /// No question open.
    pub vollstaendig: bool,
    /// Set when the class is a preset of an older session.
    pub uebernommen: Option<String>,
    pub gruende: Vec<String>,
    pub todos: Vec<String>,
    /// The open questions ("Noch offen: …").
    pub offen: Vec<String>,
    pub geltung: Vec<Application>,
    /// "Vorprüfung, keine Rechts- oder Steuerberatung".
    pub hinweis: String,
    pub quelle: String,
    pub stand: String,
    pub stand_hinweis: String,
}

static DATA: LazyLock<KivoData> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../data/ki-vo.json"))
        .expect("data/ki-vo.json is checked by the tests")
});

/// The data set.
pub fn data() -> &'static KivoData {
    &DATA
}

/// The question of the path preset by an older session's high-risk flag.
pub const ANHANG_III: &str = "anhang_iii";

/// A check from the single high-risk flag of older sessions
/// (`IdeaFlag::HighRisk` of ikz-domain): ticked, it becomes an incomplete
/// check with Anhang III = ja and the class Hoch, to be reviewed; not ticked
/// says nothing about the risk, so there is no check to take over.
pub fn from_legacy_high_risk(high_risk: bool) -> Option<KivoCheck> {
    high_risk.then(|| KivoCheck {
        antworten: Answers::from([(ANHANG_III.to_owned(), Answer::Ja)]),
        vorbelegt: Some(RiskClass::Hoch),
    })
}

fn push_new(list: &mut Vec<String>, items: &[String]) {
    for item in items {
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
}

impl KivoData {
    pub fn class(&self, key: RiskClass) -> Option<&ClassText> {
        self.klassen.iter().find(|c| c.key == key)
    }

    /// Evaluates a check: the path, then the further questions that apply.
    pub fn evaluate(&self, check: &KivoCheck) -> Result<KivoResult, PathError> {
        let answers = &check.antworten;
        let walk = self.pfad.walk(answers)?;
        let mut gruende = Vec::new();
        let mut todos = Vec::new();
        let mut offen = Vec::new();
        let mut path_todos = Vec::new();
        for (id, answer, grund) in &walk.schritte {
            gruende.push(grund.clone());
            if let Some(branch) = self.pfad.question(id).and_then(|q| q.branch(*answer)) {
                path_todos.extend(branch.todos.iter().cloned());
            }
        }
        let (klasse, uebernommen) = match &walk.ende {
            End::Ergebnis(class) => (Some(*class), None),
            End::Offen(id) => {
                let text = self.pfad.question(id).map_or("", |q| q.text.as_str());
                self.note_open(answers.get(id), text, &mut offen, &mut todos);
                // An open question whose answers all lead to one class
                // (Art. 50 after Anhang III) does not leave the class open.
                let reachable: Vec<RiskClass> = self.pfad.reachable(id)?.into_iter().collect();
                match (reachable.as_slice(), check.vorbelegt) {
                    ([class], _) => (Some(*class), None),
                    (_, Some(preset)) => {
                        gruende.insert(0, self.uebernommen_text.clone());
                        (Some(preset), Some(self.uebernommen_text.clone()))
                    }
                    (_, None) => (None, None),
                }
            }
        };
        if let Some(class) = klasse {
            if class != RiskClass::KeinKiSystem {
                push_new(&mut todos, &self.todos_ki_system);
            }
            if let Some(text) = self.class(class) {
                push_new(&mut todos, &text.todos);
            }
        }
        push_new(&mut todos, &path_todos);
        for q in &self.zusatzfragen {
            let applies = q
                .wenn
                .as_ref()
                .is_none_or(|c| answers.get(&c.frage) == Some(&c.antwort));
            if !applies {
                continue;
            }
            let consequence = match answers.get(&q.id) {
                Some(Answer::Ja) => &q.ja,
                Some(Answer::Nein) => &q.nein,
                other => {
                    self.note_open(other, &q.text, &mut offen, &mut todos);
                    continue;
                }
            };
            gruende.push(consequence.grund.clone());
            push_new(&mut todos, &consequence.todos);
        }
        Ok(KivoResult {
            klasse,
            klasse_name: klasse.and_then(|k| self.class(k).map(|c| c.name.clone())),
            vollstaendig: offen.is_empty(),
            uebernommen,
            gruende,
            todos,
            offen,
            geltung: self.geltung.clone(),
            hinweis: self.hinweis.clone(),
            quelle: self.quelle.clone(),
            stand: self.stand.clone(),
            stand_hinweis: self.stand_hinweis.clone(),
        })
    }

    /// An open question; "weiß nicht" also becomes a to-do.
    fn note_open(
        &self,
        answer: Option<&Answer>,
        text: &str,
        offen: &mut Vec<String>,
        todos: &mut Vec<String>,
    ) {
        offen.push(self.offen_text.replace("{frage}", text));
        if answer == Some(&Answer::WeissNicht) {
            push_new(todos, &[self.klaeren_text.replace("{frage}", text)]);
        }
    }
}

/// Evaluates a check against the crate's data set.
pub fn evaluate(check: &KivoCheck) -> Result<KivoResult, PathError> {
    data().evaluate(check)
}
