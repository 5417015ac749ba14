//! The KI-VO- und Datenschutz-Vorprüfung of a KI idea (antrag.md §4) on the
//! one board engine: answers are a card attribute set through `apply`,
//! only where the section declares a question path and only for the path's
//! questions; the old "Hochrisiko" flag maps onto the check.

mod common;
use common::{add, ok, person, run};
use ikz_domain::board::{Attribute, BoardState, IdeaFlag, Op, OpError};
use ikz_domain::kivo::{self, Answer, RiskClass};
use ikz_domain::templates::{QuestionSet, CANVAS, KI};

fn answer(card: &str, question: &str, answer: Option<Answer>) -> Op {
    Op::SetAttribute {
        card_id: card.into(),
        attribute: Attribute::Answer {
            question: question.into(),
            answer,
        },
    }
}

fn idea_board() -> BoardState {
    let mut board = BoardState::default();
    ok(
        &mut board,
        &KI,
        &person("p1", "Astadt"),
        add("i1", "ideen", "KI-Chatbot fürs Bürgerbüro"),
    );
    board
}

fn card(board: &BoardState) -> &ikz_domain::board::Card {
    board.find("i1").expect("card").2
}

#[test]
fn the_ki_ideas_section_declares_the_kivo_questions() {
    assert_eq!(KI.sections[0].questions, Some(QuestionSet::Kivo));
    assert!(CANVAS.sections.iter().all(|s| s.questions.is_none()));
    assert!(QuestionSet::Kivo.knows("ki_system"));
    assert!(QuestionSet::Kivo.knows("personenbezug"));
    assert!(!QuestionSet::Kivo.knows("nicht_da"));
}

#[test]
fn an_answer_is_set_replaced_and_cleared() {
    let mut board = idea_board();
    let anna = person("p1", "Astadt");
    ok(
        &mut board,
        &KI,
        &anna,
        answer("i1", "ki_system", Some(Answer::Ja)),
    );
    ok(
        &mut board,
        &KI,
        &anna,
        answer("i1", "verbotene_praxis", Some(Answer::WeissNicht)),
    );
    assert_eq!(card(&board).answers.len(), 2);
    ok(
        &mut board,
        &KI,
        &anna,
        answer("i1", "verbotene_praxis", Some(Answer::Nein)),
    );
    assert_eq!(card(&board).answers["verbotene_praxis"], Answer::Nein);
    ok(
        &mut board,
        &KI,
        &anna,
        answer("i1", "verbotene_praxis", None),
    );
    assert!(!card(&board).answers.contains_key("verbotene_praxis"));
    // The stored card carries them as plain data and reads back.
    let json = serde_json::to_value(&board).expect("writes");
    assert_eq!(json["sections"]["ideen"][0]["answers"]["ki_system"], "ja");
    let again: BoardState = serde_json::from_value(json).expect("reads");
    assert_eq!(again, board);
}

#[test]
fn answers_walk_to_a_class() {
    let mut board = idea_board();
    let anna = person("p1", "Astadt");
    assert!(kivo::result(card(&board)).is_none());
    assert_eq!(kivo::summary(card(&board)), "nicht geprüft");
    for (q, a) in [
        ("ki_system", Answer::Ja),
        ("verbotene_praxis", Answer::Nein),
        ("anhang_iii", Answer::Ja),
        ("profiling", Answer::Ja),
    ] {
        ok(&mut board, &KI, &anna, answer("i1", q, Some(a)));
    }
    let result = kivo::result(card(&board)).expect("a check");
    // Open: Art. 50, which cannot change the class any more.
    assert_eq!(result.klasse, Some(RiskClass::Hoch));
    assert!(!result.vollstaendig, "further questions are open");
    assert_eq!(kivo::summary(card(&board)), "hoch (unvollständig)");
    // The questions shown: the path as walked, then the open further ones.
    let shown = kivo::questions_shown(card(&board));
    assert_eq!(shown[0].id, "ki_system");
    assert_eq!(shown[0].answer, Some(Answer::Ja));
    assert!(shown
        .iter()
        .any(|q| q.id == "personenbezug" && q.answer.is_none()));
}

#[test]
fn no_ai_system_is_a_complete_check() {
    let mut board = idea_board();
    ok(
        &mut board,
        &KI,
        &person("p1", "Astadt"),
        answer("i1", "ki_system", Some(Answer::Nein)),
    );
    let result = kivo::result(card(&board)).expect("a check");
    assert_eq!(result.klasse, Some(RiskClass::KeinKiSystem));
    let shown = kivo::questions_shown(card(&board));
    assert_eq!(shown[0].id, "ki_system");
    assert!(shown.iter().all(|q| q.id != "verbotene_praxis"));
}

#[test]
fn an_unknown_question_is_refused() {
    let mut board = idea_board();
    let refused = run(
        &mut board,
        &KI,
        &person("p1", "Astadt"),
        &answer("i1", "lieblingsfarbe", Some(Answer::Ja)),
    );
    assert_eq!(refused, Err(OpError::UnknownQuestion));
    assert!(card(&board).answers.is_empty());
    let unknown_card = run(
        &mut board,
        &KI,
        &person("p1", "Astadt"),
        &answer("nope", "ki_system", Some(Answer::Ja)),
    );
    assert_eq!(unknown_card, Err(OpError::UnknownCard));
}

#[test]
fn a_section_without_questions_refuses_answers() {
    let mut board = BoardState::default();
    let anna = person("p1", "Astadt");
    ok(
        &mut board,
        &CANVAS,
        &anna,
        add("c1", "problem", "Wartezeiten"),
    );
    let refused = run(
        &mut board,
        &CANVAS,
        &anna,
        &answer("c1", "ki_system", Some(Answer::Ja)),
    );
    assert_eq!(refused, Err(OpError::NoQuestions));
    assert!(board.find("c1").expect("card").2.answers.is_empty());
}

#[test]
fn the_old_high_risk_flag_maps_onto_the_check() {
    let mut board = idea_board();
    let anna = person("p1", "Astadt");
    ok(
        &mut board,
        &KI,
        &anna,
        Op::SetFlag {
            card_id: "i1".into(),
            flag: IdeaFlag::HighRisk,
            value: true,
        },
    );
    let result = kivo::result(card(&board)).expect("the flag's check");
    assert_eq!(result.klasse, Some(RiskClass::Hoch));
    assert!(result.uebernommen.is_some());
    assert_eq!(
        kivo::summary(card(&board)),
        "hoch (übernommen, bitte prüfen)"
    );
    // The preset shows as the answer to Anhang III.
    let shown = kivo::questions_shown(card(&board));
    assert_eq!(shown[0].id, "ki_system");
    assert_eq!(shown[0].answer, None);
    // Answers given since lie over the preset; once the path is walked,
    // they decide and the preset is gone.
    for (q, a) in [
        ("ki_system", Answer::Ja),
        ("verbotene_praxis", Answer::Nein),
        ("anhang_iii", Answer::Nein),
        ("transparenz", Answer::Nein),
    ] {
        ok(&mut board, &KI, &anna, answer("i1", q, Some(a)));
    }
    let result = kivo::result(card(&board)).expect("a check");
    assert_eq!(result.uebernommen, None);
    assert_ne!(result.klasse, Some(RiskClass::Hoch));
    // An unticked flag says nothing: no check.
    let plain = idea_board();
    assert!(kivo::check(card(&plain)).is_none());
}

/// Ops as an older session's log stored them (before the check), replayed
/// through today's engine; the answer op then joins them.
const STORED_OPS: &str = r#"[
  {"type":"add_card","card_id":"i1","section":"ideen","text":"KI-Chatbot fürs Bürgerbüro"},
  {"type":"set_flag","card_id":"i1","flag":"high_risk","value":true},
  {"type":"set_flag","card_id":"i1","flag":"personal_data","value":true}
]"#;

#[test]
fn stored_ops_replay_and_take_answers() {
    let ops: Vec<Op> = serde_json::from_str(STORED_OPS).expect("stored ops read");
    let mut board = BoardState::default();
    let anna = person("p1", "Astadt");
    for op in &ops {
        run(&mut board, &KI, &anna, op).expect("replays");
    }
    assert!(card(&board).sketch.high_risk);
    assert!(card(&board).answers.is_empty());
    // A board stored without answers writes back without the field.
    let json = serde_json::to_value(&board).expect("writes");
    assert!(json["sections"]["ideen"][0].get("answers").is_none());
    ok(
        &mut board,
        &KI,
        &anna,
        answer("i1", "ki_system", Some(Answer::Ja)),
    );
    // The answer op as it travels on the wire.
    let wire = serde_json::to_value(answer("i1", "ki_system", Some(Answer::Ja))).expect("json");
    assert_eq!(
        wire,
        serde_json::json!({"type":"set_attribute","card_id":"i1",
            "attribute":{"name":"answer","value":{"question":"ki_system","answer":"ja"}}})
    );
    assert_eq!(
        kivo::summary(card(&board)),
        "hoch (übernommen, bitte prüfen)"
    );
}
