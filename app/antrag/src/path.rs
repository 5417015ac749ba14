//! A yes/no question path as data: every question says, for "ja" and for
//! "nein", which question comes next or which result is reached, and why
//! (the reason text of that answer). Both guides walk it the same way;
//! "weiß nicht" (or no answer yet) stops the walk at an open question.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// A question's stable key, as stored in an answer set.
pub type QuestionId = String;

/// One answer to a yes/no question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Ja,
    Nein,
    WeissNicht,
}

/// The answers given so far: plain data, as the op log will store them.
pub type Answers = BTreeMap<QuestionId, Answer>;

/// Where an answer leads: the next question or a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step<R> {
    Frage(QuestionId),
    Ergebnis(R),
}

/// What one answer means: where it leads, the reason it gives and what
/// it leaves to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch<R> {
    pub weiter: Step<R>,
    pub grund: String,
    #[serde(default)]
    pub todos: Vec<String>,
}

/// A yes/no question of the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question<R> {
    pub id: QuestionId,
    pub text: String,
    #[serde(default)]
    pub hilfe: Option<String>,
    pub ja: Branch<R>,
    pub nein: Branch<R>,
}

/// The question path: its first question and all questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionPath<R> {
    pub start: QuestionId,
    pub fragen: Vec<Question<R>>,
}

/// How a walk ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum End<R> {
    /// The answers lead to this result.
    Ergebnis(R),
    /// This question is answered "weiß nicht" or not at all.
    Offen(QuestionId),
}

/// The answers along the way and where they led.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Walk<R> {
    /// Each answered question on the way, with the reason of its answer.
    pub schritte: Vec<(QuestionId, Answer, String)>,
    pub ende: End<R>,
}

/// A path whose data does not form a finite tree of questions.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PathError {
    #[error("Die Frage „{0}“ kommt im Fragepfad nicht vor.")]
    UnknownQuestion(QuestionId),
    #[error("Die Frage „{0}“ steht doppelt im Fragepfad.")]
    DuplicateQuestion(QuestionId),
    #[error("Der Fragepfad führt im Kreis (über „{0}“).")]
    Cycle(QuestionId),
}

impl<R> Question<R> {
    /// The branch of a yes or no; none for "weiß nicht".
    pub fn branch(&self, answer: Answer) -> Option<&Branch<R>> {
        match answer {
            Answer::Ja => Some(&self.ja),
            Answer::Nein => Some(&self.nein),
            Answer::WeissNicht => None,
        }
    }
}

impl<R: Clone + Ord> QuestionPath<R> {
    pub fn question(&self, id: &str) -> Option<&Question<R>> {
        self.fragen.iter().find(|q| q.id == id)
    }

    /// Follows the answers from the first question to a result or to the
    /// first open question.
    pub fn walk(&self, answers: &Answers) -> Result<Walk<R>, PathError> {
        let mut schritte = Vec::new();
        let mut current = self.start.clone();
        loop {
            if schritte.len() > self.fragen.len() {
                return Err(PathError::Cycle(current));
            }
            let question = self
                .question(&current)
                .ok_or_else(|| PathError::UnknownQuestion(current.clone()))?;
            let answer = answers.get(&current).copied();
            let Some((answer, branch)) = answer.and_then(|a| Some((a, question.branch(a)?))) else {
                return Ok(Walk {
                    schritte,
                    ende: End::Offen(current),
                });
            };
            schritte.push((current.clone(), answer, branch.grund.clone()));
            match &branch.weiter {
                Step::Frage(next) => current = next.clone(),
                Step::Ergebnis(result) => {
                    return Ok(Walk {
                        schritte,
                        ende: End::Ergebnis(result.clone()),
                    })
                }
            }
        }
    }

    /// The results still reachable from a question (for an open question:
    /// what its answer decides between).
    pub fn reachable(&self, from: &str) -> Result<BTreeSet<R>, PathError> {
        Ok(self
            .all_paths_from(from)?
            .into_iter()
            .map(|(_, result)| result)
            .collect())
    }

    /// Every way through the path from the first question: the answers
    /// given and the result reached. Fails on unknown questions and cycles,
    /// so a data set that passes ends every path in a result.
    pub fn all_paths(&self) -> Result<Vec<(Answers, R)>, PathError> {
        let mut seen = BTreeSet::new();
        for q in &self.fragen {
            if !seen.insert(q.id.as_str()) {
                return Err(PathError::DuplicateQuestion(q.id.clone()));
            }
        }
        self.all_paths_from(&self.start)
    }

    fn all_paths_from(&self, from: &str) -> Result<Vec<(Answers, R)>, PathError> {
        let mut done = Vec::new();
        let mut todo = vec![(from.to_owned(), Answers::new())];
        while let Some((id, answers)) = todo.pop() {
            if answers.contains_key(&id) || answers.len() > self.fragen.len() {
                return Err(PathError::Cycle(id));
            }
            let question = self
                .question(&id)
                .ok_or_else(|| PathError::UnknownQuestion(id.clone()))?;
            for (answer, branch) in [(Answer::Ja, &question.ja), (Answer::Nein, &question.nein)] {
                let mut next = answers.clone();
                next.insert(id.clone(), answer);
                match &branch.weiter {
                    Step::Frage(q) => todo.push((q.clone(), next)),
                    Step::Ergebnis(r) => done.push((next, r.clone())),
                }
            }
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: &str, ja: Step<u8>, nein: Step<u8>) -> Question<u8> {
        let branch = |weiter| Branch {
            weiter,
            grund: id.to_owned(),
            todos: Vec::new(),
        };
        Question {
            id: id.to_owned(),
            text: id.to_owned(),
            hilfe: None,
            ja: branch(ja),
            nein: branch(nein),
        }
    }

    fn path(fragen: Vec<Question<u8>>) -> QuestionPath<u8> {
        QuestionPath {
            start: "a".to_owned(),
            fragen,
        }
    }

    #[test]
    fn refuses_cycles_unknown_and_duplicate_questions() {
        let cycle = path(vec![
            question("a", Step::Frage("b".into()), Step::Ergebnis(1)),
            question("b", Step::Frage("a".into()), Step::Ergebnis(2)),
        ]);
        assert_eq!(cycle.all_paths(), Err(PathError::Cycle("a".into())));
        let all_yes: Answers = [("a".into(), Answer::Ja), ("b".into(), Answer::Ja)].into();
        assert!(matches!(cycle.walk(&all_yes), Err(PathError::Cycle(_))));

        let unknown = path(vec![question(
            "a",
            Step::Frage("x".into()),
            Step::Ergebnis(1),
        )]);
        assert_eq!(
            unknown.all_paths(),
            Err(PathError::UnknownQuestion("x".into()))
        );

        let twice = path(vec![
            question("a", Step::Ergebnis(1), Step::Ergebnis(2)),
            question("a", Step::Ergebnis(1), Step::Ergebnis(2)),
        ]);
        assert_eq!(
            twice.all_paths(),
            Err(PathError::DuplicateQuestion("a".into()))
        );
    }

    #[test]
    fn walks_to_a_result_or_stops_at_the_first_open_question() {
        let p = path(vec![
            question("a", Step::Frage("b".into()), Step::Ergebnis(1)),
            question("b", Step::Ergebnis(2), Step::Ergebnis(3)),
        ]);
        let walk = p.walk(&[("a".into(), Answer::Nein)].into()).unwrap();
        assert_eq!(walk.ende, End::Ergebnis(1));
        let walk = p
            .walk(&[("a".into(), Answer::Ja), ("b".into(), Answer::WeissNicht)].into())
            .unwrap();
        assert_eq!(walk.ende, End::Offen("b".into()));
        assert_eq!(walk.schritte.len(), 1);
        assert_eq!(p.reachable("b").unwrap(), [2, 3].into());
        assert_eq!(p.all_paths().unwrap().len(), 3);
    }
}
