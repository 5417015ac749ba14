//! The Antragsentwurf (antrag.md §1) and the marks behind it: "für den
//! Antrag" (one idea per group) and "Vereinbarung" (§5), set through the
//! one `apply`; the draft's chapters, Antragsreife and gaps from a seeded
//! group; aggregates only, never a single rating.

mod common;
use common::{add, ok, person, run, type_into};
use ikz_domain::antrag::{draft, DraftInput, Part, CHAPTERS, MIN_RATERS};
use ikz_domain::board::{Attribute, BoardState, Mark, Op, OpError, RatingSlot};
use ikz_domain::evaluation::criteria::KI_CRITERIA;
use ikz_domain::evaluation::score::Weights;
use ikz_domain::evaluation::RatingValue;
use ikz_domain::templates::{CANVAS, KI, SWOT};
use std::collections::BTreeMap;

fn mark(card: &str, mark: Mark, on: bool) -> Op {
    Op::SetAttribute {
        card_id: card.into(),
        attribute: Attribute::Mark { mark, on },
    }
}

fn ki_board() -> BoardState {
    let mut board = BoardState::default();
    let anna = person("p1", "Astadt");
    ok(
        &mut board,
        &KI,
        &anna,
        add("i1", "ideen", "KI-Chatbot fürs Bürgerbüro"),
    );
    ok(
        &mut board,
        &KI,
        &anna,
        add("i2", "ideen", "Posteingang sortieren"),
    );
    board
}

fn marked(board: &BoardState, card: &str) -> bool {
    board
        .find(card)
        .expect("card")
        .2
        .marks
        .contains(&Mark::Antrag)
}

#[test]
fn one_idea_per_group_is_marked_for_the_antrag() {
    let mut board = ki_board();
    let bea = person("p2", "Bdorf");
    ok(&mut board, &KI, &bea, mark("i1", Mark::Antrag, true));
    assert!(marked(&board, "i1"));
    ok(&mut board, &KI, &bea, mark("i2", Mark::Antrag, true));
    assert!(!marked(&board, "i1"), "the mark moved to the other idea");
    assert!(marked(&board, "i2"));
    ok(&mut board, &KI, &bea, mark("i2", Mark::Antrag, false));
    assert!(!marked(&board, "i2"));
    // The wire form, as the browser sends it.
    let json = serde_json::to_value(mark("i1", Mark::Vereinbarung, true)).expect("json");
    assert_eq!(
        json["attribute"],
        serde_json::json!({"name": "mark", "value": {"mark": "vereinbarung", "on": true}})
    );
}

#[test]
fn the_antrag_mark_is_only_for_ideas_and_vereinbarung_for_any_card() {
    let mut canvas = BoardState::default();
    let anna = person("p1", "Astadt");
    ok(
        &mut canvas,
        &CANVAS,
        &anna,
        add("c1", "ziel", "Wartezeiten halbieren"),
    );
    let before = canvas.clone();
    assert_eq!(
        run(&mut canvas, &CANVAS, &anna, &mark("c1", Mark::Antrag, true)),
        Err(OpError::NotAnIdea)
    );
    assert_eq!(canvas, before, "a refused op changes nothing");
    assert_eq!(
        run(
            &mut canvas,
            &CANVAS,
            &anna,
            &mark("nope", Mark::Vereinbarung, true)
        ),
        Err(OpError::UnknownCard)
    );
    ok(
        &mut canvas,
        &CANVAS,
        &anna,
        mark("c1", Mark::Vereinbarung, true),
    );
    let card = canvas.find("c1").expect("card").2;
    assert!(card.marks.contains(&Mark::Vereinbarung));
    // Stored as a list of words, absent while empty.
    let stored = serde_json::to_value(card).expect("json");
    assert_eq!(stored["marks"], serde_json::json!(["vereinbarung"]));
    let plain = serde_json::to_value(before.find("c1").expect("card").2).expect("json");
    assert!(plain.get("marks").is_none());
}

fn rate_all(board: &mut BoardState, card: &str, who: &str, v: u8) {
    let author = person(who, "Astadt");
    for c in KI_CRITERIA.iter() {
        let op = Op::Rate {
            card_id: card.into(),
            criterion: c.into(),
            value: Some(RatingSlot::Given(RatingValue::Score(v))),
        };
        // Criteria on another scale refuse a score of 5; skip them.
        let _ = run(board, &KI, &author, &op);
    }
}

fn seeded() -> BTreeMap<String, BoardState> {
    let anna = person("p1", "Astadt");
    let mut canvas = BoardState::default();
    for (id, section, text) in [
        ("c1", "problem", "Lange Wartezeiten im Bürgerbüro"),
        ("c2", "ziel", "Wartezeit unter 10 Minuten"),
        ("c3", "partner", "Astadt (federführend), Bdorf"),
        ("c4", "loesung", "Gemeinsamer digitaler Posteingang"),
        ("c5", "risiken", "Kompetenzabgabe"),
    ] {
        ok(&mut canvas, &CANVAS, &anna, add(id, section, text));
    }
    let mut swot = BoardState::default();
    ok(
        &mut swot,
        &SWOT,
        &anna,
        add("s1", "so", "Gemeinsam Fördermittel nutzen"),
    );
    ok(
        &mut swot,
        &SWOT,
        &anna,
        add("s2", "wt", "Schrittweise einführen"),
    );
    let mut ki = ki_board();
    ok(&mut ki, &KI, &anna, mark("i1", Mark::Antrag, true));
    [(CANVAS.key, canvas), (SWOT.key, swot), (KI.key, ki)]
        .into_iter()
        .map(|(k, b)| (k.to_owned(), b))
        .collect()
}

fn input<'a>(
    boards: &'a BTreeMap<String, BoardState>,
    kommunen: &'a [String],
    weights: &'a Weights,
) -> DraftInput<'a> {
    DraftInput {
        group: "Gruppe Nord",
        kommunen,
        boards,
        weights,
        ratings_hidden: false,
    }
}

fn all_text(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text { label, text } => format!("{label}: {text}"),
            Part::Items { label, items } => format!("{label}: {}", items.join(" | ")),
            Part::Table { label, rows, .. } => format!(
                "{label}: {}",
                rows.iter()
                    .map(|r| r.join(" / "))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
            Part::Gap { label } => Part::gap_text(label),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_draft_has_eleven_chapters_with_reife_and_gaps() {
    let boards = seeded();
    let kommunen = vec!["Astadt".to_owned(), "Bdorf".to_owned()];
    let weights = Weights::default();
    let d = draft(&input(&boards, &kommunen, &weights));
    assert_eq!(d.chapters.len(), 11);
    for (c, title) in d.chapters.iter().zip(CHAPTERS) {
        assert_eq!(c.title, title);
    }
    assert_eq!(d.idea.as_deref(), Some("KI-Chatbot fürs Bürgerbüro"));
    // Chapter 1: both Kommunen and the canvas's partners: complete.
    assert_eq!(d.chapters[0].reife(), 100);
    // Chapter 2: problem filled; Chapter 3: Ziel filled, Kennzahlen not.
    assert_eq!(d.chapters[1].reife(), 100);
    assert_eq!(d.chapters[2].reife(), 50);
    let ch3 = all_text(&d.chapters[2].parts);
    assert!(
        ch3.contains("[noch zu ergänzen: Kennzahlen (Nutzen & Erfolgsmessung)]"),
        "{ch3}"
    );
    // Chapter 4: the solution, the chosen idea, the SO strategy.
    let ch4 = all_text(&d.chapters[3].parts);
    assert!(
        ch4.contains("Gewählte KI-Idee: KI-Chatbot fürs Bürgerbüro"),
        "{ch4}"
    );
    assert!(ch4.contains("Gemeinsam Fördermittel nutzen"), "{ch4}");
    assert_eq!(d.chapters[3].reife(), 100);
    // Chapter 8: risks and the WT strategy as a measure.
    let ch8 = all_text(&d.chapters[7].parts);
    assert!(ch8.contains("Kompetenzabgabe") && ch8.contains("Schrittweise einführen"));
    // Chapter 10 cannot come from the workshop: two gaps.
    assert_eq!(d.chapters[9].reife(), 0);
    // Overall: filled ÷ required, counted by hand.
    let required: usize = d.chapters.iter().map(|c| c.required.len()).sum();
    let filled: usize = d
        .chapters
        .iter()
        .flat_map(|c| &c.required)
        .filter(|r| r.filled)
        .count();
    assert_eq!(usize::from(d.reife()), filled * 100 / required);
    assert_eq!(d.gaps().len(), required - filled);
    assert!(d
        .gaps()
        .contains(&"Kapitel 10: Verstetigung nach der Förderung".to_owned()));
    assert!(d.gaps().contains(&"Kapitel 6: Kostenaufteilung".to_owned()));
}

#[test]
fn without_a_marked_idea_chapter_4_names_the_gap() {
    let mut boards = seeded();
    let ki = boards.get_mut(KI.key).expect("ki");
    ok(
        ki,
        &KI,
        &person("p1", "Astadt"),
        mark("i1", Mark::Antrag, false),
    );
    let weights = Weights::default();
    let d = draft(&input(&boards, &[], &weights));
    assert_eq!(d.idea, None);
    let ch4 = all_text(&d.chapters[3].parts);
    assert!(ch4.contains("[noch zu ergänzen: Gewählte KI-Idee"), "{ch4}");
    assert!(d.chapters[3].reife() < 100);
    // No Kommune known: chapter 1 misses its partners.
    assert!(d
        .gaps()
        .contains(&"Kapitel 1: Verbundpartner (Kommunen)".to_owned()));
}

#[test]
fn the_nutzwert_appears_only_as_an_aggregate_of_enough_raters() {
    let mut boards = seeded();
    let weights = Weights::default();
    let ki = boards.get_mut(KI.key).expect("ki");
    for who in ["p1", "p2"] {
        rate_all(ki, "i1", who, 5);
    }
    let d = draft(&input(&boards, &[], &weights));
    let ch4 = all_text(&d.chapters[3].parts);
    assert!(
        ch4.contains(&format!("erst ab {MIN_RATERS} Bewertungen; bisher 2")),
        "{ch4}"
    );
    assert!(!ch4.contains("von 100"), "two ratings are not shown: {ch4}");
    let ki = boards.get_mut(KI.key).expect("ki");
    rate_all(ki, "i1", "p3", 5);
    let d = draft(&input(&boards, &[], &weights));
    let ch4 = all_text(&d.chapters[3].parts);
    assert!(ch4.contains("von 100 (Mittel aus 3 Bewertungen)"), "{ch4}");
    // Hidden ratings: no figure at all.
    let mut hidden = input(&boards, &[], &weights);
    hidden.ratings_hidden = true;
    let ch4 = all_text(&draft(&hidden).chapters[3].parts);
    assert!(
        ch4.contains("noch verdeckt") && !ch4.contains("von 100"),
        "{ch4}"
    );
}

#[test]
fn the_lotse_and_the_kostenaufteilung_fill_chapters_5_and_6() {
    use ikz_domain::kivo::Answer;
    use ikz_domain::templates::{fixed_card_id, KOSTEN, LOTSE};
    let anna = person("p1", "Astadt");
    let mut boards = seeded();
    let weights = Weights::default();
    // The Lotse: a mandating Zweckvereinbarung.
    let mut lotse = BoardState::default();
    for (q, a) in [
        ("nur_koordination", Answer::Nein),
        ("eine_fuer_andere", Answer::Ja),
        ("zustaendigkeit_geht_ueber", Answer::Nein),
    ] {
        let op = Op::SetAttribute {
            card_id: ikz_domain::lotse::item_card_id(),
            attribute: Attribute::Answer {
                question: q.into(),
                answer: Some(a),
            },
        };
        ok(&mut lotse, &LOTSE, &anna, op);
    }
    boards.insert(LOTSE.key.to_owned(), lotse);
    // The Kostenaufteilung, first with a figure missing.
    let mut kosten = BoardState::default();
    ok(&mut kosten, &KOSTEN, &anna, add("k1", "kommunen", "Astadt"));
    boards.insert(KOSTEN.key.to_owned(), kosten.clone());
    let d = draft(&input(&boards, &[], &weights));
    let ch5 = all_text(&d.chapters[4].parts);
    assert!(ch5.contains("Zweckvereinbarung"), "{ch5}");
    let ch6 = all_text(&d.chapters[5].parts);
    assert!(
        ch6.contains("[noch zu ergänzen: Kostenaufteilung (Bei Astadt fehlt"),
        "{ch6}"
    );
    assert_eq!(d.chapters[5].reife(), 0);

    for (field, text) in [
        ("einwohner", "10.000"),
        ("fallzahlen", "500"),
        ("vzae", "2"),
        ("personalkostensatz", "60.000"),
        ("sachkosten", "5.000"),
        ("it_kosten", "5.000"),
        ("restkosten", "20.000"),
    ] {
        type_into(&mut kosten, &KOSTEN, "k1", field, text);
    }
    let joint = fixed_card_id(KOSTEN.key, "gemeinsam");
    for (field, text) in [
        ("einmalkosten", "100.000"),
        ("laufende_kosten", "50.000"),
        ("schluessel", "gleich"),
    ] {
        type_into(&mut kosten, &KOSTEN, &joint, field, text);
    }
    boards.insert(KOSTEN.key.to_owned(), kosten);
    let d = draft(&input(&boards, &[], &weights));
    assert_eq!(d.chapters[5].reife(), 100, "{:?}", d.chapters[5].parts);
    let ch6 = all_text(&d.chapters[5].parts);
    // One Kommune carries everything: 100 %, L = 50 000 € a year.
    assert!(ch6.contains("Kostenaufteilung: Astadt / 100 %"), "{ch6}");
    assert!(d.gaps().iter().all(|g| !g.starts_with("Kapitel 6")));
}

#[test]
fn the_ergebnisprotokoll_collects_agreements_and_every_task() {
    use ikz_domain::board::Status;
    use ikz_domain::protokoll::{agreements, tasks};
    use ikz_domain::templates::further::PHASEN;
    let anna = person("p1", "Astadt");
    let mut boards = seeded();
    let canvas = boards.get_mut(CANVAS.key).expect("canvas");
    ok(canvas, &CANVAS, &anna, mark("c5", Mark::Vereinbarung, true));
    let mut phasen = BoardState::default();
    ok(
        &mut phasen,
        &PHASEN,
        &anna,
        add("own1", "umsetzung", "Gremienbeschluss einholen"),
    );
    ok(
        &mut phasen,
        &PHASEN,
        &anna,
        Op::SetAttribute {
            card_id: "own1".into(),
            attribute: Attribute::Status(Status::Begonnen),
        },
    );
    ok(
        &mut phasen,
        &PHASEN,
        &anna,
        mark("own1", Mark::Vereinbarung, true),
    );
    boards.insert(PHASEN.key.to_owned(), phasen);
    let methods: Vec<String> = [CANVAS.key, SWOT.key, KI.key, PHASEN.key]
        .map(str::to_owned)
        .to_vec();

    let agreed = agreements(&methods, &boards);
    let texts: Vec<&str> = agreed.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(texts, ["Kompetenzabgabe", "Gremienbeschluss einholen"]);
    assert_eq!(agreed[0].method, CANVAS.title);
    assert_eq!(agreed[0].section, "Risiken & Widerstände");
    // A method the session does not use is not in the protocol.
    assert_eq!(agreements(&methods[..1], &boards).len(), 1);

    let all = tasks(&methods, &boards);
    // Every item of the Phasen-Check is a task, the group's own among them.
    assert_eq!(
        all.len(),
        PHASEN.sections.iter().map(|s| s.items.len()).sum::<usize>() + 1
    );
    let own = all
        .iter()
        .find(|t| t.row.card_id == "own1")
        .expect("the own task");
    assert_eq!(own.row.label, "Gremienbeschluss einholen");
    assert_eq!(own.row.status, Status::Begonnen);
    assert_eq!(own.method, PHASEN.title);
}
