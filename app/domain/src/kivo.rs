//! The KI-VO- und Datenschutz-Vorprüfung of a KI idea (antrag.md §4) as
//! the board holds it: the one place that turns a card into its check, so
//! screens, projector and every export show the same class.
//!
//! The legal content and the evaluation are `ikz_antrag::kivo`'s; this
//! module only knows where a card keeps its answers and how the single
//! "Hochrisiko" flag of older sessions maps onto the check.

use crate::board::Card;
use crate::templates::QuestionSet;
pub use ikz_antrag::kivo::{data, KivoCheck, KivoResult, RiskClass};
pub use ikz_antrag::path::Answer;
use ikz_antrag::path::{Answers, QuestionPath, Step};

/// The check of an idea: its answers; on a card of an older session that
/// ticked "Möglicherweise Hochrisiko-KI-System", the flag's preset
/// (Anhang III = ja, class Hoch, to be reviewed) under the answers given
/// since. `None`: nothing answered and no flag, so no check yet.
pub fn check(card: &Card) -> Option<KivoCheck> {
    let legacy = ikz_antrag::kivo::from_legacy_high_risk(card.sketch.high_risk);
    if card.answers.is_empty() {
        return legacy;
    }
    let mut check = legacy.unwrap_or_default();
    check
        .antworten
        .extend(card.answers.iter().map(|(q, a)| (q.clone(), *a)));
    Some(check)
}

/// The result of an idea's check (`None`: no check yet). The data set is
/// checked by `ikz-antrag`'s tests, so evaluating cannot fail in practice;
/// if it did, the idea shows no class rather than a wrong one.
pub fn result(card: &Card) -> Option<KivoResult> {
    check(card).and_then(|c| ikz_antrag::kivo::evaluate(&c).ok())
}

/// The class in a word, as documents and badges show it: "hoch",
/// "minimal", "offen" while the answers lead to no class yet.
pub fn class_word(result: &KivoResult) -> String {
    result
        .klasse_name
        .as_deref()
        .map_or_else(|| "offen".to_owned(), str::to_lowercase)
}

/// The one-line summary of documents and the CSV/XLSX column:
/// "hoch (unvollständig)", "hoch (übernommen, bitte prüfen)", "minimal";
/// "nicht geprüft" for an idea without a check.
pub fn summary(card: &Card) -> String {
    match result(card) {
        None => NOT_CHECKED.to_owned(),
        Some(r) => summary_of(&r),
    }
}

/// [`summary`] of a result already computed.
pub fn summary_of(result: &KivoResult) -> String {
    let word = class_word(result);
    if result.uebernommen.is_some() {
        format!("{word} (übernommen, bitte prüfen)")
    } else if !result.vollstaendig {
        format!("{word} (unvollständig)")
    } else {
        word
    }
}

/// The summary of an idea nobody checked.
pub const NOT_CHECKED: &str = "nicht geprüft";

/// The questions to show, in order, as the group walks them: the path's
/// questions up to its first open one, then the further questions whose
/// condition holds. Each with its current answer.
pub fn questions_shown(card: &Card) -> Vec<ShownQuestion> {
    let data = ikz_antrag::kivo::data();
    let answers = check(card).unwrap_or_default().antworten;
    let mut shown = path_shown(&data.pfad, &answers);
    for q in &data.zusatzfragen {
        let applies = q
            .wenn
            .as_ref()
            .is_none_or(|c| answers.get(&c.frage) == Some(&c.antwort));
        if applies {
            shown.push(ShownQuestion {
                id: q.id.clone(),
                text: q.text.clone(),
                hilfe: None,
                answer: answers.get(&q.id).copied(),
            });
        }
    }
    shown
}

/// The questions of a path up to its first open one, each with its
/// current answer: what any guide's card shows (KI-VO, Rechtsform-Lotse).
pub fn path_shown<R: Clone + Ord>(path: &QuestionPath<R>, answers: &Answers) -> Vec<ShownQuestion> {
    let mut shown = Vec::new();
    let mut current = Some(path.start.clone());
    while let Some(id) = current.take() {
        let Some(q) = path.question(&id) else {
            break;
        };
        if shown.len() > path.fragen.len() {
            break;
        }
        let answer = answers.get(&id).copied();
        shown.push(ShownQuestion {
            id: q.id.clone(),
            text: q.text.clone(),
            hilfe: q.hilfe.clone(),
            answer,
        });
        current = answer
            .and_then(|a| q.branch(a))
            .and_then(|b| match &b.weiter {
                Step::Frage(next) => Some(next.clone()),
                Step::Ergebnis(_) => None,
            });
    }
    shown
}

impl QuestionSet {
    /// The questions a card of a section with this set shows, in order.
    pub fn shown(self, card: &Card) -> Vec<ShownQuestion> {
        match self {
            QuestionSet::Kivo => questions_shown(card),
            QuestionSet::Rechtsform => crate::lotse::questions_shown(card),
        }
    }
}

/// A question as the idea card shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownQuestion {
    pub id: String,
    pub text: String,
    pub hilfe: Option<String>,
    pub answer: Option<Answer>,
}
