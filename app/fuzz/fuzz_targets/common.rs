//! What both targets check after an op was applied: the board stays within
//! its limits, holds only text XML can carry, and survives storage (JSON).

use ikz_domain::board::{limits, BoardState};
use ikz_domain::session::is_xml_char;

pub fn check_board(board: &BoardState) {
    assert!(board.card_count() <= limits::CARDS_PER_BOARD);
    assert!(board.rating_count() <= limits::RATINGS_PER_BOARD);
    assert!(board.dot_vote_count() <= limits::DOT_VOTES_PER_BOARD);
    for raters in board.ratings.values() {
        assert!(raters.len() <= limits::RATERS_PER_CARD);
        assert!(!raters.is_empty());
    }
    for voters in board.dots.values() {
        assert!(voters.len() <= limits::VOTERS_PER_CARD);
        assert!(voters.values().all(|n| *n > 0));
    }
    for card in board.sections.values().flatten() {
        assert!(card.text.chars().count() <= limits::CARD_TEXT);
        assert!(card.text.chars().all(is_xml_char), "{:?}", card.text);
        for field in [
            &card.sketch.beschreibung,
            &card.sketch.kommunen,
            &card.sketch.daten,
            &card.sketch.naechste_schritte,
        ] {
            assert!(field.chars().count() <= limits::SKETCH_TEXT);
            assert!(field.chars().all(is_xml_char), "{field:?}");
        }
        assert!(card.links.len() <= limits::LINKS_PER_CARD);
    }
    let json = serde_json::to_string(board).expect("a board serialises");
    let back: BoardState = serde_json::from_str(&json).expect("a stored board reads back");
    assert_eq!(&back, board);
}
