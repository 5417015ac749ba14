//! Data protection rules: what is left of a participant who leaves or is
//! removed. Their name goes from every card, rating and logged op; their
//! contributions stay (the group's work is the group's), authored by a
//! neutral former participant.

use super::board::{Author, BoardState};
use crate::protocol::SequencedOp;

/// The name that replaces a participant's once they left or were removed.
pub const FORMER_PARTICIPANT: &str = "ehemalige Teilnehmerin/ehemaliger Teilnehmer";

/// Days after the workshop date a session is deleted by default.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

fn anonymise_author(author: &mut Author, participant_id: &str) -> bool {
    if author.id == participant_id && author.name != FORMER_PARTICIPANT {
        author.name = FORMER_PARTICIPANT.to_owned();
        true
    } else {
        false
    }
}

/// Replaces the name of `participant_id` on the board's cards and ratings;
/// returns whether anything changed.
pub fn anonymise_board(board: &mut BoardState, participant_id: &str) -> bool {
    let mut changed = false;
    for card in board.sections.values_mut().flatten() {
        changed |= anonymise_author(&mut card.author, participant_id);
    }
    for raters in board.ratings.values_mut() {
        if let Some(rater) = raters.get_mut(participant_id) {
            if rater.name != FORMER_PARTICIPANT {
                rater.name = FORMER_PARTICIPANT.to_owned();
                changed = true;
            }
        }
    }
    changed
}

/// Replaces the name of `participant_id` as the author of a logged op;
/// returns whether anything changed.
pub fn anonymise_op(op: &mut SequencedOp, participant_id: &str) -> bool {
    anonymise_author(&mut op.author, participant_id)
}

/// Whether a session whose workshop took place on `date` (YYYY-MM-DD) is past
/// its retention on `today` (YYYY-MM-DD): `retention_days` after the date.
/// Both dates are compared as days since the epoch; an unreadable date is
/// never expired (nothing is deleted by mistake).
pub fn expired(date: &str, today: &str, retention_days: u32) -> bool {
    match (day_number(date), day_number(today)) {
        (Some(date), Some(today)) => today - date > i64::from(retention_days),
        _ => false,
    }
}

/// Days since 1970-01-01 of a YYYY-MM-DD date (proleptic Gregorian).
pub fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The YYYY-MM-DD date of a day number (the inverse of [`day_number`]),
/// e.g. today from the server's clock: `date_of_day(ms.div_euclid(86_400_000))`.
pub fn date_of_day(day: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_number_and_its_date_are_inverse() {
        for date in [
            "1970-01-01",
            "2000-02-29",
            "2026-12-01",
            "2027-03-31",
            "1969-12-31",
        ] {
            let day = day_number(date).expect("valid");
            assert_eq!(date_of_day(day), date);
        }
        assert_eq!(date_of_day(0), "1970-01-01");
    }
    use crate::board::{Card, Rater};
    use std::collections::BTreeMap;

    fn author(id: &str, name: &str) -> Author {
        Author {
            id: id.into(),
            name: name.into(),
            kommune: String::new(),
            moderator: false,
        }
    }

    fn board() -> BoardState {
        let card = |id: &str, who: Author| Card::new(id.into(), "Text".into(), who);
        let mut b = BoardState::default();
        b.sections.insert(
            "ziel".into(),
            vec![
                card("c1", author("p1", "Anna")),
                card("c2", author("p2", "Ben")),
            ],
        );
        let mut raters = BTreeMap::new();
        raters.insert(
            "p1".to_owned(),
            Rater {
                name: "Anna".into(),
                values: BTreeMap::new(),
                kommune: String::new(),
            },
        );
        b.ratings.insert("c2".into(), raters);
        b
    }

    #[test]
    fn the_leaver_loses_their_name_others_keep_theirs() {
        let mut b = board();
        assert!(anonymise_board(&mut b, "p1"));
        let cards = &b.sections["ziel"];
        assert_eq!(cards[0].author, author("p1", FORMER_PARTICIPANT));
        assert_eq!(cards[0].text, "Text", "the contribution stays");
        assert_eq!(cards[1].author, author("p2", "Ben"));
        assert_eq!(b.ratings["c2"]["p1"].name, FORMER_PARTICIPANT);
        assert!(!serde_json::to_string(&b).unwrap().contains("Anna"));
        assert!(!anonymise_board(&mut b, "p1"), "idempotent");
        assert!(!anonymise_board(&mut b, "p9"));
    }

    #[test]
    fn retention_counts_days_after_the_workshop() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert!(!expired("2026-01-01", "2026-04-01", 90)); // 90 days
        assert!(expired("2026-01-01", "2026-04-02", 90)); // 91 days
        assert!(!expired("kaputt", "2026-04-02", 90));
        assert!(!expired("2026-13-01", "2030-01-01", 90));
    }
}
