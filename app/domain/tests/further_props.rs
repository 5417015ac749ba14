//! Random op sequences on the further methods' boards (and those of the
//! remaining seed methods, [`ikz_domain::templates::SEED_REST`], not yet offered), as the fuzz target
//! `apply_ops` runs them on the first three: a refused op leaves the board
//! as it was; after an applied one every fixed item is there, exactly once,
//! and the board survives storage (JSON) unchanged.

use ikz_domain::board::{
    apply, Attribute, Author, BoardState, CardRef, Op, RatingSlot, Stance, Status, TextField,
};
use ikz_domain::evaluation::criteria::CriterionKey;
use ikz_domain::evaluation::RatingValue;
use ikz_domain::templates::{
    fixed_card_id, Template, BARCAMP, BMC, ERFOLGSFAKTOREN, PHASEN, PROZESS, SCRUM, USTG,
    VERAENDERUNG, ZIELE,
};
use ikz_domain::text::{CharId, TextEdit};
use proptest::prelude::*;

/// Card ids the ops aim at: some fixed items of each template, own cards.
fn card_ids(template: &Template) -> Vec<String> {
    let mut ids: Vec<String> = template
        .sections
        .iter()
        .flat_map(|s| s.items.iter().take(2))
        .map(|i| fixed_card_id(template.key, i.id))
        .collect();
    ids.extend(["c1", "c2", "c3"].map(String::from));
    ids
}

fn op_strategy(template: &'static Template) -> impl Strategy<Value = Op> {
    let ids = card_ids(template);
    let sections: Vec<&'static str> = template.sections.iter().map(|s| s.id).collect();
    let fields = [
        "card",
        "wer",
        "schmerzpunkte",
        "massnahmen",
        "kontaktpunkt",
        "befuerchtungen",
        "ust_q1",
        "aufwand",
        "raum",
    ];
    let card = proptest::sample::select(ids);
    let section = proptest::sample::select(sections);
    prop_oneof![
        (card.clone(), section.clone()).prop_map(|(card_id, section)| Op::AddCard {
            card_id,
            section: section.to_owned(),
            text: "Karte".into(),
        }),
        card.clone().prop_map(|card_id| Op::DeleteCard { card_id }),
        (card.clone(), section.clone(), 0usize..30).prop_map(|(card_id, section, index)| {
            Op::MoveCard {
                card_id,
                section: section.to_owned(),
                index,
            }
        }),
        (
            card.clone(),
            proptest::sample::select(fields.to_vec()),
            1u64..50
        )
            .prop_map(|(card_id, key, n)| Op::EditText {
                card_id,
                field: TextField::from_key(key).unwrap_or(TextField::Card),
                edits: vec![TextEdit::Insert {
                    id: CharId::new(7, n),
                    after: None,
                    text: "x".into(),
                }],
            }),
        (card.clone(), 0u8..=5).prop_map(|(card_id, v)| Op::Rate {
            card_id,
            criterion: CriterionKey::new(
                template
                    .all_criteria()
                    .first()
                    .map_or("erfuellt", |c| c.key)
            ),
            value: Some(RatingSlot::Given(if v == 0 {
                RatingValue::DontKnow
            } else {
                RatingValue::Score(v)
            })),
        }),
        (card.clone(), any::<bool>()).prop_map(|(card_id, add)| Op::Dot { card_id, add }),
        (card.clone(), 0usize..4).prop_map(|(card_id, i)| Op::SetAttribute {
            card_id,
            attribute: Attribute::Status(Status::ALL[i]),
        }),
        (card.clone(), 0usize..4).prop_map(|(card_id, i)| Op::SetAttribute {
            card_id,
            attribute: Attribute::Stance(Stance::ALL.get(i).copied()),
        }),
        (card.clone(), any::<bool>()).prop_map(|(card_id, core)| Op::SetAttribute {
            card_id,
            attribute: Attribute::Core(core),
        }),
        (
            card.clone(),
            proptest::option::of(Just("2027-01-31".to_owned()))
        )
            .prop_map(|(card_id, due)| Op::SetAttribute {
                card_id,
                attribute: Attribute::Due(due),
            }),
        section.prop_map(|s| Op::SetAttribute {
            card_id: String::new(),
            attribute: Attribute::Current(Some(s.to_owned())),
        }),
        card.prop_map(|card_id| Op::LinkCopy {
            card_id,
            copy: CardRef {
                template: "canvas".into(),
                card_id: "k1".into(),
            },
            linked: true,
        }),
    ]
}

fn check(template: &Template, board: &BoardState) {
    assert!(!board.lacks_items(template));
    let fixed: Vec<_> = board
        .sections
        .values()
        .flatten()
        .filter(|c| c.item.is_some())
        .collect();
    let items: usize = template.sections.iter().map(|s| s.items.len()).sum();
    assert_eq!(fixed.len(), items);
    let json = serde_json::to_string(board).expect("serialises");
    let back: BoardState = serde_json::from_str(&json).expect("reads back");
    assert_eq!(&back, board);
}

fn run(template: &'static Template, ops: &[(u8, Op)]) {
    let mut board = BoardState::default();
    let mut applied = false;
    for (who, op) in ops {
        let author = Author {
            id: format!("p{}", who % 4),
            name: format!("Person {}", who % 4),
            kommune: ["Astadt", "Bdorf", ""][usize::from(who % 3)].to_owned(),
            // Now and then the moderator (who alone sets "raum").
            moderator: who % 5 == 0,
        };
        let before = board.clone();
        match apply(&mut board, template, &author, op) {
            Ok(()) => {
                applied = true;
                check(template, &board);
            }
            Err(_) => assert_eq!(board, before, "{op:?}"),
        }
    }
    if !applied {
        assert_eq!(board, BoardState::default());
    }
}

/// The further methods ([`ikz_domain::templates::FURTHER`]) and the
/// remaining seed methods ([`ikz_domain::templates::SEED_REST`]).
static TEMPLATES: [Template; 9] = [
    ZIELE,
    PROZESS,
    ERFOLGSFAKTOREN,
    PHASEN,
    VERAENDERUNG,
    BMC,
    USTG,
    SCRUM,
    BARCAMP,
];

/// A template of [`TEMPLATES`] and a sequence of its ops with their authors.
fn case() -> impl Strategy<Value = (&'static Template, Vec<(u8, Op)>)> {
    (0..TEMPLATES.len()).prop_flat_map(|t| {
        let template = TEMPLATES.get(t).unwrap_or(&TEMPLATES[0]);
        (
            Just(template),
            prop::collection::vec((any::<u8>(), op_strategy(template)), 1..40),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_ops_keep_fixed_items_and_refused_ops_change_nothing((template, ops) in case()) {
        run(template, &ops);
    }
}

#[test]
fn the_random_ops_cover_every_further_and_remaining_method() {
    let keys: Vec<_> = TEMPLATES.iter().map(|t| t.key).collect();
    let expected: Vec<_> = ikz_domain::templates::FURTHER
        .iter()
        .chain(ikz_domain::templates::SEED_REST.iter())
        .map(|t| t.key)
        .collect();
    assert_eq!(keys, expected);
}
