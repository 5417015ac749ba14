//! E6: the aggregates of one rated card per Kommune, only where at least
//! [`MIN_RATERS_PER_KOMMUNE`] people of that Kommune gave a score. Fewer
//! would let everyone read single colleagues' ratings off a Kommune's mean.

use super::aggregate::{aggregate, CriterionAggregate};
use super::criteria::CriterionDef;
use crate::board::{BoardState, RatingSlot};
use serde::Serialize;
use std::collections::BTreeMap;

/// Fewest scores (not "weiß nicht") of one Kommune on one criterion for
/// its aggregate to be shown.
pub const MIN_RATERS_PER_KOMMUNE: u32 = 3;

/// One Kommune's figures on one card.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KommuneAggregate {
    pub kommune: String,
    /// People of the Kommune who answered (scores and "weiß nicht").
    pub raters: usize,
    /// Per criterion of the method, in its order: the aggregate, or `None`
    /// where fewer than [`MIN_RATERS_PER_KOMMUNE`] people of the Kommune
    /// gave a score ("zu wenige Bewertungen").
    pub per_criterion: Vec<Option<CriterionAggregate>>,
}

/// The figures of `card_id` per Kommune of its raters, Kommunen by name.
/// Ratings without a Kommune (stored before it was carried) and hidden
/// ones (blind rating) are left out.
pub fn by_kommune(
    board: &BoardState,
    criteria: &[CriterionDef],
    card_id: &str,
) -> Vec<KommuneAggregate> {
    let mut values: BTreeMap<&str, (usize, Vec<Vec<_>>)> = BTreeMap::new();
    for rater in board
        .ratings
        .get(card_id)
        .into_iter()
        .flat_map(|r| r.values())
    {
        if rater.kommune.is_empty() {
            continue;
        }
        let entry = values
            .entry(rater.kommune.as_str())
            .or_insert_with(|| (0, vec![Vec::new(); criteria.len()]));
        entry.0 += 1;
        for (criterion, slot) in &rater.values {
            let at = super::criteria::position(criteria, criterion.as_str());
            if let (Some(i), RatingSlot::Given(value)) = (at, slot) {
                if let Some(list) = entry.1.get_mut(i) {
                    list.push(*value);
                }
            }
        }
    }
    values
        .into_iter()
        .map(|(kommune, (raters, per_criterion))| KommuneAggregate {
            kommune: kommune.to_owned(),
            raters,
            per_criterion: per_criterion
                .iter()
                .map(|v| Some(aggregate(v)).filter(|a| a.n >= MIN_RATERS_PER_KOMMUNE))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{apply, Author, Op};
    use crate::evaluation::criteria::{CriterionKey, RatingValue};
    use crate::templates::further::ERFUELLT;
    use crate::templates::{fixed_card_id, ERFOLGSFAKTOREN};

    fn rate(board: &mut BoardState, who: &str, kommune: &str, value: RatingValue) {
        let author = Author {
            id: who.into(),
            name: who.into(),
            kommune: kommune.into(),
            moderator: false,
        };
        let op = Op::Rate {
            card_id: fixed_card_id("erfolgsfaktoren", "vertrauen-2"),
            criterion: CriterionKey::new("erfuellt"),
            value: Some(RatingSlot::Given(value)),
        };
        apply(board, &ERFOLGSFAKTOREN, &author, &op).expect("rated");
    }

    #[test]
    fn a_kommune_has_figures_only_from_three_scores() {
        use RatingValue::{DontKnow, Score};
        let mut board = BoardState::default();
        // Astadt: 2, 3, 4 (three scores); Bdorf: 5, 1 and "weiß nicht"
        // (three answers, two scores); Cheim: one person.
        for (who, kommune, v) in [
            ("a1", "Astadt", Score(2)),
            ("a2", "Astadt", Score(3)),
            ("a3", "Astadt", Score(4)),
            ("b1", "Bdorf", Score(5)),
            ("b2", "Bdorf", Score(1)),
            ("b3", "Bdorf", DontKnow),
            ("c1", "Cheim", Score(5)),
        ] {
            rate(&mut board, who, kommune, v);
        }
        let card = fixed_card_id("erfolgsfaktoren", "vertrauen-2");
        let got = by_kommune(&board, &[ERFUELLT], &card);
        let names: Vec<_> = got.iter().map(|k| (k.kommune.as_str(), k.raters)).collect();
        assert_eq!(names, [("Astadt", 3), ("Bdorf", 3), ("Cheim", 1)]);
        // Astadt: mean (2 + 3 + 4) / 3 = 3, median 3, SD 1 (Konsens).
        let astadt = got[0].per_criterion[0].as_ref().expect("three scores");
        assert_eq!(
            (astadt.n, astadt.mean, astadt.median),
            (3, Some(3.0), Some(3.0))
        );
        assert_eq!(astadt.std_dev, Some(1.0));
        // Two scores and a "weiß nicht" are not enough; one person never is.
        assert_eq!(got[1].per_criterion, [None]);
        assert_eq!(got[2].per_criterion, [None]);
    }

    #[test]
    fn ratings_without_a_kommune_are_left_out() {
        let mut board = BoardState::default();
        for who in ["x1", "x2", "x3"] {
            rate(&mut board, who, "", RatingValue::Score(4));
        }
        let card = fixed_card_id("erfolgsfaktoren", "vertrauen-2");
        assert!(by_kommune(&board, &[ERFUELLT], &card).is_empty());
    }
}
