//! The Rechtsform-Lotse (antrag.md §3) on the one board engine: the
//! group's answers are `Attribute::Answer` ops on the method's fixed item,
//! only for the guide's questions; `lotse` maps them to the
//! recommendation and the one summary that the canvas field gets.

mod common;
use common::{ok, person, run, type_into};
use ikz_domain::board::{Attribute, BoardState, Op, OpError};
use ikz_domain::carry::carry_over;
use ikz_domain::kivo::Answer;
use ikz_domain::lotse::{self, Rechtsform};
use ikz_domain::templates::{self, QuestionSet, CANVAS, DEFAULT_METHODS, KI, LOTSE};

fn answer(question: &str, answer: Option<Answer>) -> Op {
    Op::SetAttribute {
        card_id: lotse::item_card_id(),
        attribute: Attribute::Answer {
            question: question.into(),
            answer,
        },
    }
}

fn answered(answers: &[(&str, Answer)]) -> BoardState {
    let mut board = BoardState::default();
    let anna = person("p1", "Astadt");
    for (q, a) in answers {
        ok(&mut board, &LOTSE, &anna, answer(q, Some(*a)));
    }
    board
}

#[test]
fn the_method_is_offered_off_by_default_and_declares_the_questions() {
    assert_eq!(templates::find("lotse").map(|t| t.key), Some(LOTSE.key));
    assert!(!DEFAULT_METHODS.contains(&LOTSE.key));
    // Distinct from the canvas field it carries to.
    assert!(CANVAS.section("rechtsform").is_some());
    assert_ne!(LOTSE.key, "rechtsform");
    let section = &LOTSE.sections[0];
    assert_eq!(section.questions, Some(QuestionSet::Rechtsform));
    assert!(section.closed);
    assert_eq!(section.items.len(), 1);
    assert!(LOTSE.carries_to(section.id, "canvas", "rechtsform"));
    // Every question of the data set, nothing else.
    for q in &lotse::rlp().pfad.fragen {
        assert!(QuestionSet::Rechtsform.knows(&q.id), "{}", q.id);
    }
    assert!(!QuestionSet::Rechtsform.knows("ki_system"));
    assert!(!QuestionSet::Kivo.knows("nur_koordination"));
}

#[test]
fn answers_are_stored_through_apply_and_unknown_ones_refused() {
    let mut board = answered(&[("nur_koordination", Answer::Nein)]);
    let anna = person("p1", "Astadt");
    let id = lotse::item_card_id();
    assert_eq!(
        board
            .find(&id)
            .map(|c| c.2.answers.clone())
            .unwrap_or_default()["nur_koordination"],
        Answer::Nein
    );
    assert_eq!(
        run(
            &mut board,
            &LOTSE,
            &anna,
            &answer("ki_system", Some(Answer::Ja))
        ),
        Err(OpError::UnknownQuestion)
    );
    // The KI-VO's questions are not the Lotse's, and the other way round.
    let mut ki = BoardState::default();
    assert!(run(
        &mut ki,
        &KI,
        &anna,
        &answer("nur_koordination", Some(Answer::Ja))
    )
    .is_err());
    ok(&mut board, &LOTSE, &anna, answer("nur_koordination", None));
    assert!(lotse::of_board(&board).is_none());
    assert!(lotse::board_summary(&board).is_none());
}

#[test]
fn a_mandating_path_recommends_the_zweckvereinbarung_with_its_reasons() {
    let mut board = answered(&[
        ("nur_koordination", Answer::Nein),
        ("eine_fuer_andere", Answer::Ja),
        ("zustaendigkeit_geht_ueber", Answer::Nein),
    ]);
    let rec = lotse::of_board(&board).expect("recommendation");
    assert_eq!(rec.empfehlung, Some(Rechtsform::Zweckvereinbarung));
    assert_eq!(rec.gruende.len(), 3);
    assert_eq!(rec.tabelle.kopf.len(), 6);
    let summary = lotse::summary(&rec, "");
    assert!(
        summary.starts_with("Empfehlung: Zweckvereinbarung. Gründe: "),
        "{summary}"
    );
    assert!(
        summary.contains("mandatierende Zweckvereinbarung"),
        "{summary}"
    );
    assert!(summary.contains("Vorprüfung, keine Rechts- oder Steuerberatung; Stand 2026-12-01"));
    assert!(!summary.contains("Eigene Gründe"));
    // The group's note joins the summary as its own reasons.
    type_into(
        &mut board,
        &LOTSE,
        &lotse::item_card_id(),
        "card",
        "Astadt hat das Personal",
    );
    let with_note = lotse::board_summary(&board).expect("summary");
    assert!(
        with_note.contains("Eigene Gründe: Astadt hat das Personal."),
        "{with_note}"
    );
    assert_eq!(
        lotse::answers_given(board.find(&lotse::item_card_id()).expect("card").2).len(),
        3
    );
}

#[test]
fn an_open_question_names_the_forms_still_possible() {
    let board = answered(&[
        ("nur_koordination", Answer::Nein),
        ("eine_fuer_andere", Answer::Nein),
        ("eigene_rechtsperson", Answer::Ja),
        ("privat_oder_markt", Answer::WeissNicht),
    ]);
    let rec = lotse::of_board(&board).expect("recommendation");
    assert_eq!(rec.empfehlung, None);
    assert!(rec.in_betracht.contains(&Rechtsform::Gmbh));
    assert!(rec.in_betracht.contains(&Rechtsform::Zweckverband));
    let summary = lotse::summary(&rec, "");
    assert!(
        summary.starts_with("Noch keine Empfehlung; in Betracht kommen: "),
        "{summary}"
    );
    assert!(
        summary.contains("Noch offen: „Sollen private Partner"),
        "{summary}"
    );
    // The screen shows the questions up to the open one.
    let card = board.find(&lotse::item_card_id()).expect("card").2;
    let shown: Vec<String> = QuestionSet::Rechtsform
        .shown(card)
        .into_iter()
        .map(|q| q.id)
        .collect();
    assert_eq!(
        shown,
        [
            "nur_koordination",
            "eine_fuer_andere",
            "eigene_rechtsperson",
            "privat_oder_markt"
        ]
    );
}

#[test]
fn the_choice_and_reasons_carry_to_the_canvas_field_as_the_summary() {
    let mut board = answered(&[("nur_koordination", Answer::Ja)]);
    type_into(
        &mut board,
        &LOTSE,
        &lotse::item_card_id(),
        "card",
        "erst einmal locker",
    );
    let target = LOTSE.sections[0].carry_to[0];
    let plan = carry_over(&board, &LOTSE, &lotse::item_card_id(), &target, "c1").expect("plan");
    let expected = lotse::board_summary(&board).expect("summary");
    assert!(
        expected.starts_with("Empfehlung: Kommunale Arbeitsgemeinschaft."),
        "{expected}"
    );
    assert!(
        expected.contains("Eigene Gründe: erst einmal locker."),
        "{expected}"
    );
    let Op::AddCopy { section, text, .. } = &plan.copy else {
        panic!("{:?}", plan.copy);
    };
    assert_eq!(section, "rechtsform");
    assert_eq!(text, &expected);
    // The canvas board accepts the copy through apply.
    let mut canvas = BoardState::default();
    ok(
        &mut canvas,
        &CANVAS,
        &person("p1", "Astadt"),
        plan.copy.clone(),
    );
    assert_eq!(canvas.find("c1").map(|c| c.2.text.clone()), Some(expected));
    ok(&mut board, &LOTSE, &person("p1", "Astadt"), plan.link_back);
    // Nothing answered: nothing to carry.
    let empty = BoardState::default().materialised(&LOTSE);
    assert_eq!(
        carry_over(&empty, &LOTSE, &lotse::item_card_id(), &target, "c2"),
        Err(OpError::NothingToCarry)
    );
}
