//! E5, "In ⟨Methode: Feld⟩ übernehmen": a card copied to another board of
//! the same group, with a link back both ways. [`carry_over`] makes the two
//! ops: an [`Op::AddCopy`] for the target board (the copy knows its
//! origin) and an [`Op::LinkCopy`] for the origin board (the origin knows
//! its copy). Each is an ordinary op of its board, admitted and applied
//! like any other; where the template allows it is data
//! ([`crate::templates::Section::carry_to`]).

use crate::board::{limits, BoardState, CardRef, Op, OpError, TextField};
use crate::session::german_date;
use crate::templates::{CarryTarget, QuestionSet, Template, WER};

/// The two ops of one carry-over.
#[derive(Clone, Debug, PartialEq)]
pub struct CarryOver {
    /// The target's template key (the board is the group's board of it).
    pub target_template: &'static str,
    /// For the target board.
    pub copy: Op,
    /// For the origin board.
    pub link_back: Op,
}

/// Plans carrying `card_id` of `origin` (a board of `template`) to
/// `target`, as a new card `new_card_id`.
pub fn carry_over(
    origin: &BoardState,
    template: &Template,
    card_id: &str,
    target: &CarryTarget,
    new_card_id: &str,
) -> Result<CarryOver, OpError> {
    let (section, _, card) = origin.find(card_id).ok_or(OpError::UnknownCard)?;
    let declared = template
        .section(section)
        .filter(|s| s.carry_to.contains(target))
        .ok_or(OpError::CarryNotAllowed)?;
    let text = match target.field {
        Some(key) => {
            let field = TextField::from_key(key).ok_or(OpError::UnknownField)?;
            card.field_text(field).trim().to_owned()
        }
        // The Rechtsform-Lotse's item goes with its recommendation, reasons
        // and the group's note: the one summary of `crate::lotse`.
        None if declared.questions == Some(QuestionSet::Rechtsform) => {
            crate::lotse::card_summary(card).unwrap_or_default()
        }
        None => {
            // A fixed item goes with its label, an own card with its text;
            // a task with its Wer and Bis wann; a fixed item's note last.
            let mut parts = vec![template.card_label(card).trim().to_owned()];
            if declared.tasks {
                let wer = card.field_text(TextField::Field(WER.key)).trim();
                if !wer.is_empty() {
                    parts.push(format!("{}: {wer}", WER.label));
                }
                if let Some(due) = &card.due {
                    parts.push(format!("bis {}", german_date(due)));
                }
            }
            if card.item.is_some() && !card.text.trim().is_empty() {
                parts.push(card.text.trim().to_owned());
            }
            parts.retain(|p| !p.is_empty());
            parts.join(" – ")
        }
    };
    if text.is_empty() {
        return Err(OpError::NothingToCarry);
    }
    // A composed text can pass a card's limit; the origin keeps it whole.
    let text: String = text.chars().take(limits::CARD_TEXT).collect();
    Ok(CarryOver {
        target_template: target.template,
        copy: Op::AddCopy {
            card_id: new_card_id.to_owned(),
            section: target.section.to_owned(),
            text,
            origin: CardRef {
                template: template.key.to_owned(),
                card_id: card_id.to_owned(),
            },
        },
        link_back: Op::LinkCopy {
            card_id: card_id.to_owned(),
            copy: CardRef {
                template: target.template.to_owned(),
                card_id: new_card_id.to_owned(),
            },
            linked: true,
        },
    })
}
