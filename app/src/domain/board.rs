//! Boards: sections holding cards, the operations on them, and the one `apply`
//! that the server (authoritatively) and the browser (optimistically) both use.

use super::scoring::{Criterion, RatingValue};
use super::templates::Template;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod limits {
    /// Characters per card: a sticky note, not an essay.
    pub const CARD_TEXT: usize = 1_000;
    /// Cards per board (all sections together).
    pub const CARDS_PER_BOARD: usize = 300;
    /// Length of client-made ids (UUIDs are 36).
    pub const ID: usize = 64;
    /// Links from one card to others.
    pub const LINKS_PER_CARD: usize = 20;
    /// Characters per field of a Projektskizze.
    pub const SKETCH_TEXT: usize = 2_000;
}

/// Identifies one group's board of one template: `"<group id>:<template key>"`.
pub fn board_id(group_id: &str, template: &str) -> String {
    format!("{group_id}:{template}")
}

/// Splits a board id into group id and template key.
pub fn split_board_id(board: &str) -> Option<(&str, &str)> {
    board.rsplit_once(':')
}

/// Who made an op; filled in by the server from the authenticated token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub id: String,
    pub text: String,
    pub author: Author,
    /// Set when two edits overlapped and both versions were kept; the UI asks
    /// the group to tidy up.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
    /// Cards this card draws on (a TOWS strategy → the SWOT cards it uses).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// The Projektskizze of a KI idea (the card's text is its title).
    #[serde(default, skip_serializing_if = "Sketch::is_empty")]
    pub sketch: Sketch,
}

/// Projektskizze of a KI project idea: what a funding application needs first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sketch {
    pub beschreibung: String,
    pub kommunen: String,
    pub daten: String,
    pub naechste_schritte: String,
    /// The idea processes personal data (GDPR applies).
    pub personal_data: bool,
    /// Possibly a high-risk use under the EU AI Act (Annex III).
    pub high_risk: bool,
}

impl Sketch {
    pub fn is_empty(&self) -> bool {
        *self == Sketch::default()
    }

    pub fn field(&self, field: SketchField) -> &str {
        match field {
            SketchField::Beschreibung => &self.beschreibung,
            SketchField::Kommunen => &self.kommunen,
            SketchField::Daten => &self.daten,
            SketchField::NaechsteSchritte => &self.naechste_schritte,
        }
    }

    fn field_mut(&mut self, field: SketchField) -> &mut String {
        match field {
            SketchField::Beschreibung => &mut self.beschreibung,
            SketchField::Kommunen => &mut self.kommunen,
            SketchField::Daten => &mut self.daten,
            SketchField::NaechsteSchritte => &mut self.naechste_schritte,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SketchField {
    Beschreibung,
    Kommunen,
    Daten,
    NaechsteSchritte,
}

impl SketchField {
    pub const ALL: [SketchField; 4] = [
        SketchField::Beschreibung,
        SketchField::Kommunen,
        SketchField::Daten,
        SketchField::NaechsteSchritte,
    ];

    pub fn label_de(self) -> &'static str {
        match self {
            SketchField::Beschreibung => "Beschreibung",
            SketchField::Kommunen => "Beteiligte Kommunen",
            SketchField::Daten => "Daten",
            SketchField::NaechsteSchritte => "Nächste Schritte",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdeaFlag {
    PersonalData,
    HighRisk,
}

/// One participant's answer on one criterion as a browser may see it: the
/// value, or only the fact that there is one (blind rating, someone else's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingSlot {
    Given(RatingValue),
    Hidden,
}

/// One participant's ratings of one idea.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rater {
    pub name: String,
    pub values: BTreeMap<Criterion, RatingSlot>,
}

/// A board's content: cards per section, in display order, and the ratings of
/// idea cards (card id → participant id → answers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardState {
    pub sections: BTreeMap<String, Vec<Card>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ratings: BTreeMap<String, BTreeMap<String, Rater>>,
    /// Dot votes: card id → participant id → dots given to that card.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dots: BTreeMap<String, BTreeMap<String, u8>>,
    /// Version of the template the board was started with (0: before
    /// versions were recorded). Sections a later version dropped keep their
    /// cards; see [`BoardState::orphans`].
    #[serde(default)]
    pub template_version: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Op {
    AddCard {
        card_id: String,
        section: String,
        text: String,
    },
    /// `base` is the text the editor started from, so concurrent edits merge.
    EditCard {
        card_id: String,
        base: String,
        text: String,
    },
    MoveCard {
        card_id: String,
        section: String,
        index: usize,
    },
    DeleteCard {
        card_id: String,
    },
    /// Links (or unlinks) `card_id` to `target_id`, e.g. a TOWS strategy to a
    /// SWOT card it draws on. Allowed only where the template says so.
    LinkCards {
        card_id: String,
        target_id: String,
        linked: bool,
    },
    /// Edits one field of an idea's Projektskizze; merged like `EditCard`.
    EditSketch {
        card_id: String,
        field: SketchField,
        base: String,
        text: String,
    },
    SetFlag {
        card_id: String,
        flag: IdeaFlag,
        value: bool,
    },
    /// The author's answer on one criterion of an idea (`None` withdraws it).
    /// There is no rater field: the server fills in the author from the
    /// token, so nobody can rate for someone else, and a second answer
    /// replaces the first.
    Rate {
        card_id: String,
        criterion: Criterion,
        value: Option<RatingSlot>,
    },
    /// Gives (or takes back) one of the author's dots on a card. How many
    /// dots a person has is the moderator's setting, checked by
    /// `settings::admit` on the server.
    Dot {
        card_id: String,
        add: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpError {
    #[error("unknown section")]
    UnknownSection,
    #[error("unknown card")]
    UnknownCard,
    #[error("card id already used")]
    DuplicateCard,
    #[error("invalid id")]
    InvalidId,
    #[error("text longer than {max} characters")]
    TextTooLong { max: usize },
    #[error("more than {max} cards on the board")]
    TooManyCards { max: usize },
    #[error("these cards cannot be linked")]
    LinkNotAllowed,
    #[error("more than {max} links on a card")]
    TooManyLinks { max: usize },
    #[error("this card is not a KI idea")]
    NotAnIdea,
    #[error("a rating must carry a value")]
    HiddenRating,
    #[error("the board is locked")]
    Locked,
    #[error("dot voting is off")]
    DotsOff,
    #[error("all {max} dots are used")]
    NoDotsLeft { max: u8 },
}

impl BoardState {
    pub fn card_count(&self) -> usize {
        self.sections.values().map(Vec::len).sum()
    }

    pub fn find(&self, card_id: &str) -> Option<(&str, usize, &Card)> {
        self.sections.iter().find_map(|(section, cards)| {
            cards
                .iter()
                .position(|c| c.id == card_id)
                .map(|i| (section.as_str(), i, &cards[i]))
        })
    }

    fn find_mut(&mut self, card_id: &str) -> Option<&mut Card> {
        self.sections
            .values_mut()
            .flat_map(|cards| cards.iter_mut())
            .find(|c| c.id == card_id)
    }

    /// Cards in sections the template no longer has (the board was started
    /// with an older version): nothing stored is ever hidden or lost.
    pub fn orphans<'a>(&'a self, template: &Template) -> Vec<(&'a str, &'a [Card])> {
        self.sections
            .iter()
            .filter(|(id, cards)| !cards.is_empty() && template.section(id).is_none())
            .map(|(id, cards)| (id.as_str(), cards.as_slice()))
            .collect()
    }

    pub fn cards(&self, section: &str) -> &[Card] {
        self.sections.get(section).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn check_text(text: &str) -> Result<(), OpError> {
    if text.chars().count() > limits::CARD_TEXT {
        Err(OpError::TextTooLong {
            max: limits::CARD_TEXT,
        })
    } else {
        Ok(())
    }
}

fn check_id(id: &str) -> Result<(), OpError> {
    let ok = !id.is_empty()
        && id.len() <= limits::ID
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(OpError::InvalidId)
    }
}

fn check_section(template: &Template, section: &str) -> Result<(), OpError> {
    if template.sections.iter().any(|s| s.id == section) {
        Ok(())
    } else {
        Err(OpError::UnknownSection)
    }
}

/// Applies `op` to `state`, or leaves `state` untouched and says why not.
pub fn apply(
    state: &mut BoardState,
    template: &Template,
    author: &Author,
    op: &Op,
) -> Result<(), OpError> {
    let fresh = state.template_version == 0 && state.card_count() == 0;
    apply_op(state, template, author, op)?;
    if fresh {
        state.template_version = template.version;
    }
    Ok(())
}

fn apply_op(
    state: &mut BoardState,
    template: &Template,
    author: &Author,
    op: &Op,
) -> Result<(), OpError> {
    match op {
        Op::AddCard {
            card_id,
            section,
            text,
        } => {
            check_id(card_id)?;
            check_section(template, section)?;
            check_text(text)?;
            if state.find(card_id).is_some() {
                return Err(OpError::DuplicateCard);
            }
            if state.card_count() >= limits::CARDS_PER_BOARD {
                return Err(OpError::TooManyCards {
                    max: limits::CARDS_PER_BOARD,
                });
            }
            state
                .sections
                .entry(section.clone())
                .or_default()
                .push(Card {
                    id: card_id.clone(),
                    text: text.clone(),
                    author: author.clone(),
                    conflict: false,
                    links: Vec::new(),
                    sketch: Sketch::default(),
                });
        }
        Op::EditCard {
            card_id,
            base,
            text,
        } => {
            check_text(text)?;
            let card = state.find_mut(card_id).ok_or(OpError::UnknownCard)?;
            let merged = merge_text(base, &card.text, text);
            check_text(&merged.text)?;
            card.text = merged.text;
            card.conflict |= merged.conflict;
        }
        Op::MoveCard {
            card_id,
            section,
            index,
        } => {
            check_section(template, section)?;
            let (from, at, _) = state.find(card_id).ok_or(OpError::UnknownCard)?;
            let from = from.to_owned();
            let card = state
                .sections
                .get_mut(&from)
                .map(|cards| cards.remove(at))
                .ok_or(OpError::UnknownCard)?;
            let target = state.sections.entry(section.clone()).or_default();
            let index = (*index).min(target.len());
            target.insert(index, card);
        }
        Op::DeleteCard { card_id } => {
            let (from, at, _) = state.find(card_id).ok_or(OpError::UnknownCard)?;
            let from = from.to_owned();
            if let Some(cards) = state.sections.get_mut(&from) {
                cards.remove(at);
            }
            // No dangling links or ratings of a card that is gone.
            for card in state.sections.values_mut().flatten() {
                card.links.retain(|l| l != card_id);
            }
            state.ratings.remove(card_id);
            state.dots.remove(card_id);
        }
        Op::LinkCards {
            card_id,
            target_id,
            linked,
        } => {
            let (from_section, _, _) = state.find(card_id).ok_or(OpError::UnknownCard)?;
            let (to_section, _, _) = state.find(target_id).ok_or(OpError::UnknownCard)?;
            let allowed = template
                .section(from_section)
                .is_some_and(|s| s.links_to.contains(&to_section));
            if !allowed {
                return Err(OpError::LinkNotAllowed);
            }
            let card = state.find_mut(card_id).ok_or(OpError::UnknownCard)?;
            let present = card.links.iter().any(|l| l == target_id);
            match (*linked, present) {
                (true, false) if card.links.len() >= limits::LINKS_PER_CARD => {
                    return Err(OpError::TooManyLinks {
                        max: limits::LINKS_PER_CARD,
                    })
                }
                (true, false) => card.links.push(target_id.clone()),
                (false, true) => card.links.retain(|l| l != target_id),
                // Linking twice or unlinking what is not linked: nothing to do.
                _ => {}
            }
        }
        Op::EditSketch {
            card_id,
            field,
            base,
            text,
        } => {
            check_sketch_text(text)?;
            let card = idea_mut(state, template, card_id)?;
            let merged = merge_text(base, card.sketch.field(*field), text);
            check_sketch_text(&merged.text)?;
            *card.sketch.field_mut(*field) = merged.text;
            card.conflict |= merged.conflict;
        }
        Op::SetFlag {
            card_id,
            flag,
            value,
        } => {
            let card = idea_mut(state, template, card_id)?;
            match flag {
                IdeaFlag::PersonalData => card.sketch.personal_data = *value,
                IdeaFlag::HighRisk => card.sketch.high_risk = *value,
            }
        }
        Op::Rate {
            card_id,
            criterion,
            value,
        } => {
            idea_mut(state, template, card_id)?;
            let raters = state.ratings.entry(card_id.clone()).or_default();
            match value {
                Some(slot) => {
                    let rater = raters.entry(author.id.clone()).or_insert_with(|| Rater {
                        name: author.name.clone(),
                        values: BTreeMap::new(),
                    });
                    rater.values.insert(*criterion, *slot);
                }
                None => {
                    if let Some(rater) = raters.get_mut(&author.id) {
                        rater.values.remove(criterion);
                        if rater.values.is_empty() {
                            raters.remove(&author.id);
                        }
                    }
                }
            }
            if raters.is_empty() {
                state.ratings.remove(card_id);
            }
        }
        Op::Dot { card_id, add } => {
            state.find(card_id).ok_or(OpError::UnknownCard)?;
            let voters = state.dots.entry(card_id.clone()).or_default();
            let mine = voters.entry(author.id.clone()).or_default();
            *mine = if *add {
                mine.saturating_add(1)
            } else {
                mine.saturating_sub(1)
            };
            if *mine == 0 {
                voters.remove(&author.id);
            }
            if voters.is_empty() {
                state.dots.remove(card_id);
            }
        }
    }
    Ok(())
}

impl Op {
    /// What a browser may not send even though a replica may apply it: a
    /// rating without its value exists only as the server's redaction of
    /// someone else's blind rating.
    pub fn check_from_client(&self) -> Result<(), OpError> {
        match self {
            Op::Rate {
                value: Some(RatingSlot::Hidden),
                ..
            } => Err(OpError::HiddenRating),
            _ => Ok(()),
        }
    }
}

fn check_sketch_text(text: &str) -> Result<(), OpError> {
    if text.chars().count() > limits::SKETCH_TEXT {
        Err(OpError::TextTooLong {
            max: limits::SKETCH_TEXT,
        })
    } else {
        Ok(())
    }
}

/// The card `card_id` if it is a KI idea (in a section the template marks so).
fn idea_mut<'s>(
    state: &'s mut BoardState,
    template: &Template,
    card_id: &str,
) -> Result<&'s mut Card, OpError> {
    let (section, _, _) = state.find(card_id).ok_or(OpError::UnknownCard)?;
    if !template.section(section).is_some_and(|s| s.ideas) {
        return Err(OpError::NotAnIdea);
    }
    state.find_mut(card_id).ok_or(OpError::UnknownCard)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    pub conflict: bool,
}

/// The part of `base` that `edited` replaced: (start, end in base, replacement),
/// in chars, found by the common prefix and suffix.
fn changed_region(base: &[char], edited: &[char]) -> (usize, usize, Vec<char>) {
    let prefix = base.iter().zip(edited).take_while(|(a, b)| a == b).count();
    let max_suffix = base.len().min(edited.len()) - prefix;
    let suffix = base
        .iter()
        .rev()
        .zip(edited.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    (
        prefix,
        base.len() - suffix,
        edited[prefix..edited.len() - suffix].to_vec(),
    )
}

/// Three-way merge of a short card text: `current` is what the board holds now
/// (others' edits included), `mine` is the editor's text, both derived from `base`.
///
/// Each side's change is one region of `base`. Regions that do not overlap are
/// both applied. Overlapping regions keep both versions: `current`, then a line
/// break and the editor's replacement text, and the card is flagged as a
/// conflict. Either way no inserted text is lost.
pub fn merge_text(base: &str, current: &str, mine: &str) -> Merged {
    if current == base || current == mine {
        return Merged {
            text: mine.to_owned(),
            conflict: false,
        };
    }
    if mine == base {
        return Merged {
            text: current.to_owned(),
            conflict: false,
        };
    }
    let base_c: Vec<char> = base.chars().collect();
    let (ts, te, theirs) = changed_region(&base_c, &current.chars().collect::<Vec<_>>());
    let (ms, me, my) = changed_region(&base_c, &mine.chars().collect::<Vec<_>>());
    // Disjoint: one region ends before the other starts (two insertions at the
    // same point count as disjoint: the earlier-committed text goes first).
    if te <= ms || me <= ts {
        let mut out: Vec<char> = Vec::with_capacity(base_c.len() + theirs.len() + my.len());
        if te <= ms {
            out.extend(&base_c[..ts]);
            out.extend(&theirs);
            out.extend(&base_c[te..ms]);
            out.extend(&my);
            out.extend(&base_c[me..]);
        } else {
            out.extend(&base_c[..ms]);
            out.extend(&my);
            out.extend(&base_c[me..ts]);
            out.extend(&theirs);
            out.extend(&base_c[te..]);
        }
        return Merged {
            text: out.into_iter().collect(),
            conflict: false,
        };
    }
    let mine_part: String = my.into_iter().collect();
    let text = if mine_part.is_empty() {
        // The editor only deleted text that someone else changed meanwhile:
        // keep the other version rather than lose their words.
        current.to_owned()
    } else {
        format!("{current}\n{mine_part}")
    };
    Merged {
        conflict: !mine_part.is_empty(),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::templates::CANVAS;

    fn anna() -> Author {
        Author {
            id: "p1".into(),
            name: "Anna".into(),
        }
    }

    fn add(id: &str, section: &str, text: &str) -> Op {
        Op::AddCard {
            card_id: id.into(),
            section: section.into(),
            text: text.into(),
        }
    }

    #[test]
    fn adds_edits_moves_and_deletes_cards() {
        let mut b = BoardState::default();
        apply(
            &mut b,
            &CANVAS,
            &anna(),
            &add("c1", "problem", "Lange Wartezeiten"),
        )
        .unwrap();
        apply(
            &mut b,
            &CANVAS,
            &anna(),
            &add("c2", "problem", "Medienbrüche"),
        )
        .unwrap();
        let edit = Op::EditCard {
            card_id: "c1".into(),
            base: "Lange Wartezeiten".into(),
            text: "Lange Wartezeiten im Bürgerbüro".into(),
        };
        apply(&mut b, &CANVAS, &anna(), &edit).unwrap();
        assert_eq!(
            b.cards("problem")[0].text,
            "Lange Wartezeiten im Bürgerbüro"
        );
        let mv = Op::MoveCard {
            card_id: "c2".into(),
            section: "ziel".into(),
            index: 99,
        };
        apply(&mut b, &CANVAS, &anna(), &mv).unwrap();
        assert_eq!(b.cards("ziel")[0].id, "c2");
        apply(
            &mut b,
            &CANVAS,
            &anna(),
            &Op::DeleteCard {
                card_id: "c1".into(),
            },
        )
        .unwrap();
        assert_eq!(b.card_count(), 1);
        assert_eq!(b.cards("ziel")[0].author, anna());
    }

    #[test]
    fn rejects_unknown_section_duplicate_and_unknown_card_without_change() {
        let mut b = BoardState::default();
        assert_eq!(
            apply(&mut b, &CANVAS, &anna(), &add("c1", "nope", "x")),
            Err(OpError::UnknownSection)
        );
        apply(&mut b, &CANVAS, &anna(), &add("c1", "problem", "x")).unwrap();
        let before = b.clone();
        assert_eq!(
            apply(&mut b, &CANVAS, &anna(), &add("c1", "problem", "y")),
            Err(OpError::DuplicateCard)
        );
        assert_eq!(
            apply(
                &mut b,
                &CANVAS,
                &anna(),
                &Op::DeleteCard {
                    card_id: "zz".into()
                }
            ),
            Err(OpError::UnknownCard)
        );
        assert_eq!(
            apply(&mut b, &CANVAS, &anna(), &add("bad id!", "problem", "y")),
            Err(OpError::InvalidId)
        );
        assert_eq!(b, before);
    }

    #[test]
    fn rejects_text_over_the_limit_and_cards_over_the_limit() {
        let mut b = BoardState::default();
        let long = "ä".repeat(limits::CARD_TEXT + 1);
        assert_eq!(
            apply(&mut b, &CANVAS, &anna(), &add("c1", "problem", &long)),
            Err(OpError::TextTooLong {
                max: limits::CARD_TEXT
            })
        );
        let exact = "ä".repeat(limits::CARD_TEXT);
        apply(&mut b, &CANVAS, &anna(), &add("c1", "problem", &exact)).unwrap();
        for i in 1..limits::CARDS_PER_BOARD {
            apply(
                &mut b,
                &CANVAS,
                &anna(),
                &add(&format!("c{}", i + 1), "ziel", ""),
            )
            .unwrap();
        }
        assert_eq!(
            apply(&mut b, &CANVAS, &anna(), &add("last", "ziel", "")),
            Err(OpError::TooManyCards {
                max: limits::CARDS_PER_BOARD
            })
        );
    }

    #[test]
    fn tows_strategy_links_swot_cards_it_draws_on_and_links_vanish_with_the_card() {
        use crate::domain::templates::SWOT;
        let mut b = BoardState::default();
        apply(
            &mut b,
            &SWOT,
            &anna(),
            &add("s1", "staerken", "Erfahrene IT"),
        )
        .unwrap();
        apply(
            &mut b,
            &SWOT,
            &anna(),
            &add("w1", "schwaechen", "Wenig Personal"),
        )
        .unwrap();
        apply(
            &mut b,
            &SWOT,
            &anna(),
            &add("so1", "so", "Gemeinsames Rechenzentrum"),
        )
        .unwrap();
        let link = |target: &str, linked| Op::LinkCards {
            card_id: "so1".into(),
            target_id: target.into(),
            linked,
        };
        apply(&mut b, &SWOT, &anna(), &link("s1", true)).unwrap();
        apply(&mut b, &SWOT, &anna(), &link("s1", true)).unwrap();
        assert_eq!(b.find("so1").unwrap().2.links, ["s1"]);
        // SO draws on strengths and opportunities, not weaknesses.
        assert_eq!(
            apply(&mut b, &SWOT, &anna(), &link("w1", true)),
            Err(OpError::LinkNotAllowed)
        );
        // A SWOT card cannot link to a strategy (the link has a direction).
        let back = Op::LinkCards {
            card_id: "s1".into(),
            target_id: "so1".into(),
            linked: true,
        };
        assert_eq!(
            apply(&mut b, &SWOT, &anna(), &back),
            Err(OpError::LinkNotAllowed)
        );
        apply(
            &mut b,
            &SWOT,
            &anna(),
            &Op::DeleteCard {
                card_id: "s1".into(),
            },
        )
        .unwrap();
        assert!(b.find("so1").unwrap().2.links.is_empty());
    }

    #[test]
    fn merge_applies_edits_in_different_places() {
        let m = merge_text("Daten teilen", "Daten gemeinsam teilen", "Daten teilen!");
        assert_eq!(m.text, "Daten gemeinsam teilen!");
        assert!(!m.conflict);
        let m = merge_text("abc", "Xabc", "abcY");
        assert_eq!(m.text, "XabcY");
    }

    #[test]
    fn merge_of_two_insertions_at_the_same_point_keeps_both() {
        let m = merge_text("ab", "aXb", "aYb");
        assert_eq!(m.text, "aXYb");
        assert!(!m.conflict);
    }

    #[test]
    fn overlapping_edits_keep_both_versions_and_flag_conflict() {
        let m = merge_text("Budget: 10 000 €", "Budget: 12 000 €", "Budget: 15 000 €");
        assert!(m.conflict);
        assert!(m.text.contains("12 000"));
        assert!(m.text.contains('5'));
        assert_eq!(m.text, "Budget: 12 000 €\n5");
    }

    #[test]
    fn edit_of_unchanged_base_simply_replaces() {
        let m = merge_text("alt", "alt", "neu");
        assert_eq!(m.text, "neu");
        assert!(!m.conflict);
    }

    #[test]
    fn a_board_from_an_older_template_version_still_opens_with_every_card() {
        // Stored when the canvas had a section "vision" that a later version dropped.
        let stored = r#"{"sections":{"vision":[{"id":"v1","text":"Alte Karte","author":{"id":"p1","name":"Anna"}}],
            "problem":[{"id":"c1","text":"Formulare","author":{"id":"p1","name":"Anna"}}]},"template_version":0}"#;
        let mut board: BoardState = serde_json::from_str(stored).unwrap();
        let orphans = board.orphans(&CANVAS);
        assert_eq!(orphans.len(), 1);
        assert_eq!(
            (orphans[0].0, orphans[0].1[0].text.as_str()),
            ("vision", "Alte Karte")
        );
        // The group can carry on and move the old card into a current section.
        let to_ziel = Op::MoveCard {
            card_id: "v1".into(),
            section: "ziel".into(),
            index: 0,
        };
        apply(&mut board, &CANVAS, &anna(), &to_ziel).unwrap();
        assert!(board.orphans(&CANVAS).is_empty());
        assert_eq!(board.cards("ziel")[0].text, "Alte Karte");
    }

    #[test]
    fn a_new_board_records_its_template_version() {
        let mut board = BoardState::default();
        apply(&mut board, &CANVAS, &anna(), &add("c1", "problem", "x")).unwrap();
        assert_eq!(board.template_version, CANVAS.version);
    }
}
