//! Who may see whose ratings.
//!
//! - Blind rating: the board and the ops as a participant may see them while
//!   ratings are hidden. The server applies this before anything leaves for
//!   another participant's browser (live, on replay, in snapshots, in a
//!   participant's export).
//! - Personal data in results (domain.md): single ratings are personal data
//!   about colleagues. [`people_in`] says, from the moderator's switch
//!   [`SingleRatings`], whether an export lists single ratings and whether
//!   it names people; [`pseudonymise`] replaces names and ids by "Person 1,
//!   2, …", numbered over the session ([`pseudonyms`]). Every export goes
//!   through these two.

use crate::board::{BoardState, Op, RatingSlot};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The moderator's switch "Einzelbewertungen in Dokumenten".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SingleRatings {
    /// Documents show aggregates only; sheets are pseudonymous.
    #[default]
    Off,
    /// Documents and sheets show single ratings as "Person 1, 2, …".
    Pseudonymous,
    /// Documents and sheets show single ratings with names.
    Named,
}

impl SingleRatings {
    pub const ALL: [SingleRatings; 3] = [
        SingleRatings::Off,
        SingleRatings::Pseudonymous,
        SingleRatings::Named,
    ];

    /// Stable key (settings JSON, form values, test ids).
    pub fn key(self) -> &'static str {
        match self {
            SingleRatings::Off => "off",
            SingleRatings::Pseudonymous => "pseudonymous",
            SingleRatings::Named => "named",
        }
    }

    pub fn from_key(key: &str) -> Option<SingleRatings> {
        SingleRatings::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// What kind of file an export is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Medium {
    /// Meant to leave the workshop: PDF, DOCX, ODT, Markdown.
    Document,
    /// Raw ratings for re-computing: XLSX, CSV, JSON.
    RawSheet,
}

/// What an export shows of the people behind the ratings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeopleInExport {
    /// Single ratings are listed (otherwise aggregates only).
    pub single_ratings: bool,
    /// People appear by name (otherwise as "Person n").
    pub names: bool,
}

/// The rule of domain.md "Personal data in results": documents show
/// aggregates only unless the moderator switches single ratings on
/// (pseudonymous or named); raw-rating sheets always carry the single
/// ratings, pseudonymous unless names are switched on.
pub fn people_in(setting: SingleRatings, medium: Medium) -> PeopleInExport {
    let names = setting == SingleRatings::Named;
    let single_ratings = match medium {
        Medium::Document => setting != SingleRatings::Off,
        Medium::RawSheet => true,
    };
    PeopleInExport {
        single_ratings,
        names,
    }
}

/// The pseudonym of the `n`-th person (1-based): "Person 3".
pub fn pseudonym(n: usize) -> String {
    format!("Person {n}")
}

/// The key that stands for the `n`-th person where an id is needed (JSON).
pub fn pseudonym_id(n: usize) -> String {
    format!("person-{n:03}")
}

/// Participant id → number 1, 2, … over every board of the session (card
/// authors, raters, dot voters), in id order, so a group's export and the
/// session's export give a person the same number.
pub fn pseudonyms<'a>(boards: impl IntoIterator<Item = &'a BoardState>) -> BTreeMap<String, usize> {
    let mut ids = BTreeSet::new();
    for board in boards {
        // A fixed item is nobody's (its author id is empty).
        for card in board.sections.values().flatten() {
            if !card.author.id.is_empty() {
                ids.insert(card.author.id.as_str());
            }
        }
        for raters in board.ratings.values() {
            ids.extend(raters.keys().map(String::as_str));
        }
        for voters in board.dots.values() {
            ids.extend(voters.keys().map(String::as_str));
        }
    }
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| (id.to_owned(), i + 1))
        .collect()
}

/// `board` with every person's name and id replaced by their pseudonym
/// ("Person n", key `person-n`); the Kommune stays (not personal data). A
/// person missing from `numbers` becomes "Person 0", never their name.
pub fn pseudonymise(board: &mut BoardState, numbers: &BTreeMap<String, usize>) {
    let number = |id: &str| numbers.get(id).copied().unwrap_or(0);
    for card in board.sections.values_mut().flatten() {
        if card.author.id.is_empty() {
            continue;
        }
        let n = number(&card.author.id);
        card.author.id = pseudonym_id(n);
        card.author.name = pseudonym(n);
    }
    for raters in board.ratings.values_mut() {
        *raters = std::mem::take(raters)
            .into_iter()
            .map(|(id, mut rater)| {
                let n = number(&id);
                rater.name = pseudonym(n);
                (pseudonym_id(n), rater)
            })
            .collect();
    }
    for voters in board.dots.values_mut() {
        *voters = std::mem::take(voters)
            .into_iter()
            .map(|(id, dots)| (pseudonym_id(number(&id)), dots))
            .collect();
    }
}

/// The board as `viewer` may see it while ratings are hidden: everyone
/// else's values are replaced by `Hidden`, so only the count remains, and
/// only the viewer's own dots are left.
pub fn redact_board(board: &BoardState, viewer: &str) -> BoardState {
    let mut out = board.clone();
    for voters in out.dots.values_mut() {
        voters.retain(|participant, _| participant == viewer);
    }
    out.dots.retain(|_, voters| !voters.is_empty());
    for raters in out.ratings.values_mut() {
        for (participant, rater) in raters.iter_mut() {
            if participant != viewer {
                for slot in rater.values.values_mut() {
                    *slot = RatingSlot::Hidden;
                }
            }
        }
    }
    out
}

/// An op as `viewer` may see it while ratings are hidden; `None` when it
/// must not be sent at all (someone else's dot).
pub fn redact_op(op: &Op, author_id: &str, viewer: &str) -> Option<Op> {
    if author_id == viewer {
        return Some(op.clone());
    }
    Some(match op {
        Op::Dot { .. } => return None,
        Op::Rate {
            card_id,
            criterion,
            value: Some(RatingSlot::Given(_)),
        } => Op::Rate {
            card_id: card_id.clone(),
            criterion: criterion.clone(),
            value: Some(RatingSlot::Hidden),
        },
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{apply, Author, Op, RatingSlot};
    use crate::evaluation::criteria::RatingValue;
    use crate::templates::KI;

    #[test]
    fn documents_show_single_ratings_only_when_switched_on_sheets_always_pseudonymous() {
        use SingleRatings::*;
        let got: Vec<_> = SingleRatings::ALL
            .into_iter()
            .flat_map(|s| [Medium::Document, Medium::RawSheet].map(|m| people_in(s, m)))
            .map(|p| (p.single_ratings, p.names))
            .collect();
        assert_eq!(
            got,
            [
                (false, false), // Off: document
                (true, false),  // Off: sheet
                (true, false),  // Pseudonymous: document
                (true, false),  // Pseudonymous: sheet
                (true, true),   // Named: document
                (true, true),   // Named: sheet
            ]
        );
        assert_eq!(SingleRatings::default(), Off);
        for s in SingleRatings::ALL {
            assert_eq!(SingleRatings::from_key(s.key()), Some(s));
        }
        assert_eq!(
            serde_json::to_string(&Pseudonymous).expect("json"),
            "\"pseudonymous\""
        );
    }

    #[test]
    fn pseudonyms_number_everyone_in_the_session_and_replace_names_and_ids() {
        let person = |id: &str, name: &str| Author {
            id: id.into(),
            name: name.into(),
            kommune: "Musterstadt".into(),
            moderator: false,
        };
        let (anna, bert) = (person("p-b", "Anna"), person("p-a", "Bert"));
        let mut board = BoardState::default();
        let add = Op::AddCard {
            card_id: "i1".into(),
            section: "ideen".into(),
            text: "Chatbot".into(),
        };
        apply(&mut board, &KI, &anna, &add).expect("added");
        let rate = Op::Rate {
            card_id: "i1".into(),
            criterion: crate::evaluation::CriterionKey::new("nutzen"),
            value: Some(RatingSlot::Given(RatingValue::Score(4))),
        };
        apply(&mut board, &KI, &bert, &rate).expect("rated");
        let numbers = pseudonyms([&board]);
        assert_eq!(numbers.get("p-a"), Some(&1));
        assert_eq!(numbers.get("p-b"), Some(&2));
        pseudonymise(&mut board, &numbers);
        let text = serde_json::to_string(&board).expect("json");
        assert!(!text.contains("Anna") && !text.contains("Bert"), "{text}");
        assert!(!text.contains("p-a") && !text.contains("p-b"), "{text}");
        let card = &board.cards("ideen")[0];
        assert_eq!(
            (card.author.name.as_str(), card.author.kommune.as_str()),
            ("Person 2", "Musterstadt")
        );
        let rater = &board.ratings["i1"]["person-001"];
        assert_eq!(rater.name, "Person 1");
    }
}
