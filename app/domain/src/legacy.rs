//! Before the text CRDT (see [`super::text`]), edits carried whole texts and
//! were merged three-way. Op logs, browser outboxes and cached browser bundles
//! of that time still hold such edits (`edit_card`, `edit_sketch`); they are
//! merged as they were, and the result enters the CRDT as one change.

use super::text::splice_between;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    pub conflict: bool,
}

/// The part of `base` that `edited` replaced: (start, end in base, replacement),
/// in chars: the browser's one contiguous change ([`splice_between`]).
fn changed_region(base: &str, edited: &str) -> (usize, usize, Vec<char>) {
    match splice_between(base, edited, None) {
        Some(s) => (s.at, s.at + s.removed, s.inserted.chars().collect()),
        None => (0, 0, Vec::new()),
    }
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
    let (ts, te, theirs) = changed_region(base, current);
    let (ms, me, my) = changed_region(base, mine);
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
}
