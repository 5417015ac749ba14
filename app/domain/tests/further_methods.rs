//! The further methods of methods.md (Zielabgleich, Prozess-Teilschritte,
//! Erfolgsfaktoren-Check, Phasen-Check) on the one board engine: their
//! templates as the spec gives them, the engine extensions E1-E6 through
//! the one `apply`, and their computed figures against hand-computed values.

mod common;
use common::{add, labels, ok, person, run, type_into};
use ikz_domain::board::{
    Attribute, Author, BoardState, CardRef, Op, OpError, RatingSlot, Stance, Status, TextField,
};
use ikz_domain::carry::carry_over;
use ikz_domain::evaluation::aggregate::Consensus;
use ikz_domain::evaluation::criteria::CriterionKey;
use ikz_domain::evaluation::redaction::redact_board;
use ikz_domain::evaluation::rounding::{mean_text, percent_text};
use ikz_domain::evaluation::RatingValue;
use ikz_domain::figures::factors::{self, factor_check};
use ikz_domain::figures::phases::{phase_check, phase_tables, Light};
use ikz_domain::figures::process::{curve, step_rows, top_pain_points};
use ikz_domain::figures::zielmatrix::{cards_by_kommune, zielmatrix};
use ikz_domain::templates::further::ERLEBEN;
use ikz_domain::templates::{
    self, fixed_card_id, CarryTarget, Template, CANVAS, ERFOLGSFAKTOREN, FURTHER, PHASEN, PROZESS,
    ZIELE,
};
use ikz_domain::text::{Clock, Splice};

fn set(card: &str, attribute: Attribute) -> Op {
    Op::SetAttribute {
        card_id: card.into(),
        attribute,
    }
}

fn rate(board: &mut BoardState, template: &Template, who: &Author, card: &str, v: u8) {
    let value = if v == 0 {
        RatingValue::DontKnow
    } else {
        RatingValue::Score(v)
    };
    let op = Op::Rate {
        card_id: card.into(),
        criterion: CriterionKey::new(criterion_of(board, template, card)),
        value: Some(RatingSlot::Given(value)),
    };
    ok(board, template, who, op);
}

/// The (first) criterion a card is rated on.
fn criterion_of(board: &BoardState, template: &Template, card: &str) -> &'static str {
    let board = board.materialised(template);
    let (section, _, _) = board.find(card).expect("card");
    let section = template.section(section).expect("section");
    section.criteria_in(template)[0].key
}

// --- Templates -------------------------------------------------------------

#[test]
fn zielabgleich_has_the_sections_and_prompts_of_the_spec() {
    assert_eq!(ZIELE.key, "ziele");
    assert_eq!(ZIELE.title, "Zielabgleich & bestehende Zusammenarbeit");
    assert_eq!(
        labels(&ZIELE),
        [
            ("problemlagen", "Problemlagen unserer Kommunen"),
            ("wichtig", "Warum ist das für uns wichtig?"),
            ("grundueberzeugungen", "Geteilte Grundüberzeugungen"),
            ("gemeinsame_ziele", "Gemeinsame (Teil-)Ziele"),
            ("abweichende_ziele", "Abweichende (Teil-)Ziele"),
            (
                "kompetenz",
                "Auswirkungen auf unsere Entscheidungs- und Gestaltungskompetenz"
            ),
            (
                "zusammenarbeit_gut",
                "Bestehende Zusammenarbeit: Was funktioniert gut?"
            ),
            (
                "zusammenarbeit_nicht",
                "Bestehende Zusammenarbeit: Was nicht?"
            ),
        ]
    );
    let prompt = |id| ZIELE.section(id).map_or("?", |s| s.prompt);
    assert_eq!(
        prompt("problemlagen"),
        "Welche Problemlagen haben wir, gerade als kleine Kommunen im ländlichen Raum?"
    );
    assert_eq!(
        prompt("grundueberzeugungen"),
        "Welche Grundüberzeugungen teilen wir?"
    );
    assert_eq!(prompt("abweichende_ziele"), "Was ist verhandelbar?");
    // The goals are the Zielmatrix's rows; agreed goals go to the canvas's goal.
    let goals: Vec<_> = ZIELE
        .sections
        .iter()
        .filter(|s| s.stances)
        .map(|s| s.id)
        .collect();
    assert_eq!(goals, ["gemeinsame_ziele", "abweichende_ziele"]);
    assert!(ZIELE.carries_to("gemeinsame_ziele", "canvas", "ziel"));
}

#[test]
fn prozess_has_the_steps_with_their_fields_and_the_erleben_scale() {
    assert_eq!(PROZESS.title, "Prozess-Teilschritte aus Bürgersicht");
    let header = PROZESS.header.expect("the process is the header");
    assert_eq!(header.label, "Betrachteter Verwaltungsprozess");
    assert_eq!(
        header.prompt,
        "Welchen Prozess betrachten wir? Wo beginnt und endet er aus Sicht der Bürgerin oder des Bürgers?"
    );
    assert_eq!(
        labels(&PROZESS),
        [
            ("persona", "Für wen? (Persona)"),
            ("schritte", "Teilschritte"),
            ("potenzial", "IKZ-Potenzial"),
            ("annahmen", "Annahmen prüfen (Start-up-Blick)"),
        ]
    );
    let steps = PROZESS.section("schritte").expect("steps");
    assert_eq!(
        steps.prompt,
        "In welchen Schritten erlebt die Person den Prozess, vom ersten Gedanken bis zum Ergebnis?"
    );
    let fields: Vec<_> = steps.text_fields().map(|f| f.label).collect();
    assert_eq!(
        fields,
        [
            "Was tut die Person?",
            "Kontaktpunkt",
            "Was passiert in der Verwaltung?",
            "Schmerzpunkte",
            "Ideen"
        ]
    );
    assert!(steps.ordered && steps.is_rated());
    assert_eq!(
        PROZESS.section("persona").map(|s| s.prompt),
        Some("Wer durchläuft den Prozess? Lebenslage, Anliegen, digitale Erfahrung, Zeitdruck.")
    );
    assert_eq!(
        PROZESS.section("potenzial").map(|s| s.links_to),
        Some(&["schritte"][..])
    );
    // An IKZ potential names the steps it means.
    let anna = person("p1", "Astadt");
    let mut board = BoardState::default();
    ok(
        &mut board,
        &PROZESS,
        &anna,
        add("s1", "schritte", "Antrag prüfen"),
    );
    ok(
        &mut board,
        &PROZESS,
        &anna,
        add("p1", "persona", "Rentnerin"),
    );
    ok(
        &mut board,
        &PROZESS,
        &anna,
        add("k1", "potenzial", "Gemeinsame Antragsprüfung"),
    );
    let link = |target: &str| Op::LinkCards {
        card_id: "k1".into(),
        target_id: target.into(),
        linked: true,
    };
    ok(&mut board, &PROZESS, &anna, link("s1"));
    assert_eq!(
        run(&mut board, &PROZESS, &anna, &link("p1")),
        Err(OpError::LinkNotAllowed)
    );
    assert_eq!(
        PROZESS.section("annahmen").map(|s| s.prompt),
        Some("Was nehmen wir nur an? Wie testen wir das schnell und günstig?")
    );
    assert!(PROZESS.criteria.is_empty(), "the steps are rated, no ideas");
    let erleben = &steps.criteria[0];
    assert_eq!(erleben.label, "Erleben");
    assert_eq!(erleben.anchor(1), "sehr frustrierend");
    assert_eq!(erleben.anchor(5), "reibungslos");
    assert_eq!(
        erleben.anchor(3),
        "zwischen „sehr frustrierend“ und „reibungslos“"
    );
    // Pain points, persona and IKZ potential go to the canvas.
    assert!(PROZESS.carries_to("schritte", "canvas", "problem"));
    assert!(PROZESS.carries_to("persona", "canvas", "nutzer"));
    assert!(PROZESS.carries_to("potenzial", "canvas", "loesung"));
}

#[test]
fn erfolgsfaktoren_has_twenty_fixed_items_in_five_columns_and_the_scale() {
    assert_eq!(
        ERFOLGSFAKTOREN.intro,
        "IKZ wirkt langfristig, wenn neben Standardisierung, verbindlicher Steuerung und messbaren Zielen auch „weiche“ Faktoren beachtet werden."
    );
    let columns: Vec<(&str, Vec<&str>)> = ERFOLGSFAKTOREN
        .sections
        .iter()
        .map(|s| (s.label, s.items.iter().map(|i| i.label).collect()))
        .collect();
    assert_eq!(
        columns,
        [
            (
                "Unterstützung",
                vec![
                    "Gestaltungswille der Bürgermeisterinnen und Bürgermeister",
                    "Überzeugungskraft der Führungskräfte",
                    "Politische Unterstützung",
                    "Wünschenswert: interföderale Unterstützung (Land, Bund)",
                ]
            ),
            (
                "Beteiligung",
                vec![
                    "Frühzeitige Einbindung von Mitarbeitenden, Gemeinderäten usw.",
                    "Abbau von Ängsten, z. B. vor Kompetenzabgabe",
                    "Aufzeigen von Vorteilen",
                    "Aufzeigen von Mitgestaltungsoptionen",
                ]
            ),
            (
                "Vertrauen",
                vec![
                    "Offener Austausch auf Augenhöhe",
                    "Kompromissbereitschaft",
                    "Wachsende Herausforderungen gemeinsam angehen",
                    "Stärken stärken",
                ]
            ),
            (
                "Klare Rollen und Verantwortlichkeiten",
                vec![
                    "Eindeutige Abgrenzung der Entscheidungskompetenzen",
                    "Verbindliche Vereinbarungen zur Kostenaufteilung",
                    "Zeit für Rollen- und Aufgabenschärfung",
                    "Proaktiver Umgang mit Rollenkonflikten",
                ]
            ),
            (
                "Evaluationsbereitschaft in Bezug auf",
                vec![
                    "Gewünschte Effizienzsteigerung",
                    "Servicequalität und Leistungsniveau",
                    "Messbarer, effektiverer Ressourceneinsatz",
                    "Erhöhung der Resilienz",
                ]
            ),
        ]
    );
    for s in ERFOLGSFAKTOREN.sections {
        assert!(s.closed && s.criteria.len() == 1, "{}", s.id);
        let measures = s.text_fields().next().map(|f| (f.label, f.prompt));
        assert_eq!(
            measures,
            Some(("Maßnahmen", "Was fehlt uns? Was tun wir, wer, bis wann?"))
        );
    }
    let scale = &ERFOLGSFAKTOREN.sections[0].criteria[0];
    assert_eq!(scale.question, "Wie gut ist dieser Faktor heute erfüllt?");
    assert_eq!(
        scale.anchor_texts(),
        [
            "fehlt",
            "in Ansätzen",
            "teilweise",
            "weitgehend",
            "voll erfüllt und gelebt"
        ]
    );
}

#[test]
fn phasen_has_the_checklist_of_each_phase() {
    let phases: Vec<(&str, &str, Vec<&str>)> = PHASEN
        .sections
        .iter()
        .map(|s| (s.label, s.prompt, s.items.iter().map(|i| i.label).collect()))
        .collect();
    assert_eq!(
        phases,
        [
            (
                "Anbahnung",
                "Wie gelingt es, Kooperationen systematisch anzubahnen?",
                vec![
                    "Allianz der Willigen identifizieren, gemeinsame Zielsetzung ausformulieren",
                    "Aufgaben- und Strukturanalyse vertrauensvoll angehen",
                    "Interessenlagen immer wieder abfragen, Ziele verifizieren, Mitarbeitende einbinden",
                    "„durch die Decke“ denken",
                    "Anbahnung gut planen, erst danach die Umsetzung",
                    "Schrittweise vorgehen, Reflexionsräume, Monitoring von Beginn an",
                    "Organisatorische Grundlagen mit gelebter Kultur abgleichen",
                ]
            ),
            (
                "Umsetzung",
                "Wie gelingt es, Kooperationen erfolgreich umzusetzen?",
                vec![
                    "Resiliente Rechts- und Organisationsform",
                    "Prozesse dokumentieren und standardisieren",
                    "Offene Fehlerkultur",
                    "Wissensmanagement",
                    "Wissenstransfer",
                ]
            ),
            (
                "Konsolidierung",
                "Wie gelingt es, Kooperationen erfolgreich zu konsolidieren?",
                vec![
                    "Reviews und Evaluationen",
                    "Zweifel an der Wirtschaftlichkeit konkret angehen",
                    "Shared-Service-Ansätze ausbauen",
                    "Digitalisierung und KI heben",
                    "Strukturen, die externe Störungen aushalten",
                    "Marketing in Spitzen und Politik",
                    "Breite politische Unterstützung",
                ]
            ),
        ]
    );
    for s in PHASEN.sections {
        assert!(s.tasks && !s.closed, "{}", s.id);
        assert!(s.has_field("wer"), "{}", s.id);
        assert!(PHASEN.carries_to(s.id, "canvas", "schritte"));
    }
    const { assert!(PHASEN.marks_current) };
}

#[test]
fn further_templates_are_offered_but_not_on_in_a_new_session() {
    let defaults = ikz_domain::settings::SessionSettings::default().methods;
    assert_eq!(defaults, ["canvas", "swot", "ki"]);
    let all: Vec<_> = templates::ALL.iter().map(|t| t.key).collect();
    assert_eq!(
        all,
        [
            "ziele",
            "prozess",
            "canvas",
            "swot",
            "ki",
            "erfolgsfaktoren",
            "phasen",
            "lotse",
            "kosten",
            "veraenderung",
            "bmc",
            "ustg",
            "scrum",
            "barcamp"
        ]
    );
    for t in FURTHER {
        assert_eq!(templates::find(t.key).map(|k| k.key), Some(t.key));
        assert!(!defaults.iter().any(|m| m == t.key), "{}", t.key);
        // Unique section ids, fixed item ids and field keys per template.
        let mut ids: Vec<_> = t.sections.iter().map(|s| s.id).collect();
        let items: Vec<_> = t
            .sections
            .iter()
            .flat_map(|s| s.items)
            .map(|i| i.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), t.sections.len(), "{}", t.key);
        let mut unique = items.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), items.len(), "{}", t.key);
        // Every fixed item's card id is a valid card id.
        for i in items {
            let id = fixed_card_id(t.key, i);
            assert!(id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        }
        // Every carry target exists.
        for s in t.sections {
            for c in s.carry_to {
                let target = templates::find(c.template).expect("target template");
                assert!(target.section(c.section).is_some(), "{} → {c:?}", t.key);
                if let Some(f) = c.field {
                    assert!(s.has_field(f), "{}.{} has no {f}", t.key, s.id);
                }
            }
        }
    }
}

#[test]
fn named_field_keys_are_distinct_from_every_other_text_key() {
    let mut keys: Vec<&str> = templates::ALL
        .iter()
        .flat_map(|t| t.sections)
        .flat_map(|s| s.text_fields())
        .map(|f| f.key)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        // Each key reads back as the named field, not as a built-in text.
        assert_eq!(
            TextField::from_key(key),
            Some(TextField::Field(key)),
            "{key}"
        );
        let def = templates::field_def(key).expect("declared");
        // One key, one meaning: every section that has it uses the same words.
        for s in FURTHER.iter().flat_map(|t| t.sections) {
            if let Some(f) = s.text_fields().find(|f| f.key == key) {
                assert_eq!(f, def, "{key}");
            }
        }
    }
}

// --- E2: fixed items -------------------------------------------------------

#[test]
fn fixed_items_have_the_same_ids_on_every_replica_and_cannot_be_deleted_or_moved() {
    let anna = person("p1", "Astadt");
    // Two replicas start with different ops and end up with the same items.
    let mut a = BoardState::default();
    let mut b = BoardState::default();
    rate(
        &mut a,
        &ERFOLGSFAKTOREN,
        &anna,
        "erfolgsfaktoren-vertrauen-1",
        4,
    );
    let note = fixed_card_id("erfolgsfaktoren", "rollen-2");
    ok(
        &mut b,
        &ERFOLGSFAKTOREN,
        &anna,
        Op::ResolveConflict {
            card_id: note.clone(),
        },
    );
    let ids = |board: &BoardState| -> Vec<String> {
        board
            .sections
            .values()
            .flatten()
            .map(|c| c.id.clone())
            .collect()
    };
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(a.card_count(), 20);
    assert_eq!(
        a.cards("unterstuetzung")
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        [
            "erfolgsfaktoren-unterstuetzung-1",
            "erfolgsfaktoren-unterstuetzung-2",
            "erfolgsfaktoren-unterstuetzung-3",
            "erfolgsfaktoren-unterstuetzung-4"
        ]
    );
    // A screen showing an untouched board sees the same.
    assert_eq!(
        ids(&BoardState::default().materialised(&ERFOLGSFAKTOREN)),
        ids(&a)
    );
    // Nobody wrote them; their text is the group's note.
    let card = a.find(&note).expect("item").2;
    assert_eq!((card.author.id.as_str(), card.text.as_str()), ("", ""));
    assert_eq!(
        ERFOLGSFAKTOREN.card_label(card),
        "Verbindliche Vereinbarungen zur Kostenaufteilung"
    );
    type_into(
        &mut a,
        &ERFOLGSFAKTOREN,
        &note,
        "card",
        "Schlüssel nach Einwohnern fehlt",
    );
    assert_eq!(
        a.find(&note).expect("item").2.text,
        "Schlüssel nach Einwohnern fehlt"
    );

    let before = a.clone();
    let refusals = [
        (
            Op::DeleteCard {
                card_id: note.clone(),
            },
            OpError::FixedItem,
        ),
        (
            Op::MoveCard {
                card_id: note.clone(),
                section: "rollen".into(),
                index: 0,
            },
            OpError::FixedItem,
        ),
        // The columns take no cards of one's own.
        (
            add("own", "vertrauen", "Eigener Faktor"),
            OpError::SectionClosed,
        ),
    ];
    for (op, error) in refusals {
        assert_eq!(run(&mut a, &ERFOLGSFAKTOREN, &anna, &op), Err(error));
        assert_eq!(a, before);
    }
    // A refused first op leaves an untouched board untouched.
    let mut fresh = BoardState::default();
    assert_eq!(
        run(
            &mut fresh,
            &ERFOLGSFAKTOREN,
            &anna,
            &Op::DeleteCard { card_id: note }
        ),
        Err(OpError::FixedItem)
    );
    assert_eq!(fresh, BoardState::default());
}

#[test]
fn a_later_template_version_adds_its_new_items_and_frees_dropped_ones() {
    use ikz_domain::templates::{FixedItem, Section};
    const V1: Template = Template {
        version: 1,
        sections: &[Section {
            items: &[
                FixedItem {
                    id: "a",
                    label: "A",
                },
                FixedItem {
                    id: "b",
                    label: "B",
                },
            ],
            ..Section::plain("liste", "Liste", "")
        }],
        ..PHASEN
    };
    // Version 2 drops "b" and adds "c" before "a".
    const V2: Template = Template {
        version: 2,
        sections: &[Section {
            items: &[
                FixedItem {
                    id: "c",
                    label: "C",
                },
                FixedItem {
                    id: "a",
                    label: "A",
                },
            ],
            ..Section::plain("liste", "Liste", "")
        }],
        ..PHASEN
    };
    let anna = person("p1", "Astadt");
    let mut board = BoardState::default();
    ok(&mut board, &V1, &anna, add("own", "liste", "Eigener Punkt"));
    let b = fixed_card_id("phasen", "b");
    assert_eq!(
        run(
            &mut board,
            &V1,
            &anna,
            &Op::DeleteCard { card_id: b.clone() }
        ),
        Err(OpError::FixedItem)
    );
    ok(&mut board, &V2, &anna, Op::DeleteCard { card_id: b });
    let order: Vec<_> = board.cards("liste").iter().map(|c| c.id.as_str()).collect();
    assert_eq!(order, ["phasen-c", "phasen-a", "own"]);
    assert_eq!(
        board.template_version, 1,
        "the board keeps the version it started with"
    );
}

#[test]
fn a_phase_takes_items_of_the_groups_own_which_can_be_deleted() {
    let anna = person("p1", "Astadt");
    let mut board = BoardState::default();
    ok(
        &mut board,
        &PHASEN,
        &anna,
        add("own1", "umsetzung", "Gremienbeschluss einholen"),
    );
    assert_eq!(board.cards("umsetzung").len(), 6);
    assert_eq!(board.cards("umsetzung")[5].id, "own1");
    ok(
        &mut board,
        &PHASEN,
        &anna,
        Op::DeleteCard {
            card_id: "own1".into(),
        },
    );
    assert_eq!(board.card_count(), 19);
}

// --- E1: named fields ------------------------------------------------------

#[test]
fn a_step_has_its_named_fields_as_live_texts() {
    let mut board = BoardState::default();
    let anna = person("p1", "Astadt");
    ok(
        &mut board,
        &PROZESS,
        &anna,
        add("s1", "schritte", "Antrag stellen"),
    );
    type_into(&mut board, &PROZESS, "s1", "kontaktpunkt", "Online-Portal");
    type_into(
        &mut board,
        &PROZESS,
        "s1",
        "schmerzpunkte",
        "Formular verlangt Unterlagen doppelt",
    );
    let card = board.find("s1").expect("step").2;
    assert_eq!(
        card.field_text(TextField::Field("kontaktpunkt")),
        "Online-Portal"
    );
    assert_eq!(card.fields.len(), 2);
    // Stored and read back equal; on the wire the field is its key.
    let json = serde_json::to_string(&board).expect("json");
    assert!(
        json.contains(r#""fields":{"kontaktpunkt":"Online-Portal""#),
        "{json}"
    );
    assert_eq!(
        serde_json::from_str::<BoardState>(&json).expect("reads"),
        board
    );
    // A persona card has no such field; an unknown key does not even parse.
    ok(
        &mut board,
        &PROZESS,
        &anna,
        add("p1", "persona", "Alleinerziehende, wenig Zeit"),
    );
    let seq = board
        .find("p1")
        .expect("persona")
        .2
        .seq(TextField::Field("kontaktpunkt"));
    let mut clock = Clock::new(3);
    let edits = seq.splice_edits(
        &Splice {
            at: 0,
            removed: 0,
            inserted: "x".into(),
        },
        &mut clock,
    );
    let op = Op::EditText {
        card_id: "p1".into(),
        field: TextField::Field("kontaktpunkt"),
        edits,
    };
    assert_eq!(
        run(&mut board, &PROZESS, &anna, &op),
        Err(OpError::UnknownField)
    );
    let bad = r#"{"type":"edit_text","card_id":"s1","field":"erfunden","edits":[]}"#;
    assert!(serde_json::from_str::<Op>(bad).is_err());
    // A field is a card's text in length.
    let long = "x".repeat(1_001);
    let seq = board
        .find("s1")
        .expect("step")
        .2
        .seq(TextField::Field("ideen"));
    let edits = seq.splice_edits(
        &Splice {
            at: 0,
            removed: 0,
            inserted: long,
        },
        &mut clock,
    );
    let op = Op::EditText {
        card_id: "s1".into(),
        field: TextField::Field("ideen"),
        edits,
    };
    assert_eq!(
        run(&mut board, &PROZESS, &anna, &op),
        Err(OpError::TextTooLong { max: 1_000 })
    );
}

// --- E3: a rating on any item ----------------------------------------------

#[test]
fn items_are_rated_blind_like_ideas_and_only_where_the_template_says() {
    let (anna, ben) = (person("p1", "Astadt"), person("p2", "Bdorf"));
    let item = fixed_card_id("erfolgsfaktoren", "beteiligung-2");
    let mut board = BoardState::default();
    rate(&mut board, &ERFOLGSFAKTOREN, &anna, &item, 2);
    rate(&mut board, &ERFOLGSFAKTOREN, &ben, &item, 0);
    // The rater's Kommune is kept with the rating (E6).
    assert_eq!(board.ratings[&item]["p2"].kommune, "Bdorf");
    // Blind: Ben sees that Anna rated, not what.
    let seen = redact_board(&board, "p2");
    assert_eq!(
        seen.ratings[&item]["p1"].values[&CriterionKey::new("erfuellt")],
        RatingSlot::Hidden
    );
    // Another method's criterion, and a section that is not rated, are refused.
    let nutzen = Op::Rate {
        card_id: item,
        criterion: CriterionKey::new("nutzen"),
        value: Some(RatingSlot::Given(RatingValue::Score(3))),
    };
    assert_eq!(
        run(&mut board, &ERFOLGSFAKTOREN, &anna, &nutzen),
        Err(OpError::UnknownCriterion)
    );
    let mut process = BoardState::default();
    ok(
        &mut process,
        &PROZESS,
        &anna,
        add("x", "persona", "Rentnerin"),
    );
    let erleben = Op::Rate {
        card_id: "x".into(),
        criterion: CriterionKey::new("erleben"),
        value: Some(RatingSlot::Given(RatingValue::Score(3))),
    };
    assert_eq!(
        run(&mut process, &PROZESS, &anna, &erleben),
        Err(OpError::NotAnIdea)
    );
}

// --- E4: status, Wer, Bis wann ----------------------------------------------

#[test]
fn a_checklist_item_has_status_wer_and_bis_wann() {
    let anna = person("p1", "Astadt");
    let item = fixed_card_id("phasen", "umsetzung-2");
    let mut board = BoardState::default();
    ok(
        &mut board,
        &PHASEN,
        &anna,
        set(&item, Attribute::Status(Status::Begonnen)),
    );
    ok(
        &mut board,
        &PHASEN,
        &anna,
        set(&item, Attribute::Due(Some("2027-03-31".into()))),
    );
    type_into(&mut board, &PHASEN, &item, "wer", "Hauptamt Astadt");
    let card = board.find(&item).expect("item").2;
    assert_eq!(card.status, Status::Begonnen);
    assert_eq!(card.due.as_deref(), Some("2027-03-31"));
    assert_eq!(card.field_text(TextField::Field("wer")), "Hauptamt Astadt");
    let json =
        serde_json::to_string(&set(&item, Attribute::Status(Status::Entfaellt))).expect("json");
    assert_eq!(
        json,
        r#"{"type":"set_attribute","card_id":"phasen-umsetzung-2","attribute":{"name":"status","value":"entfaellt"}}"#
    );
    let before = board.clone();
    for (op, error) in [
        (
            set(&item, Attribute::Due(Some("2027-02-30".into()))),
            OpError::InvalidDate,
        ),
        (
            set(&item, Attribute::Core(true)),
            OpError::AttributeNotAllowed,
        ),
        (
            set("nope", Attribute::Status(Status::Erledigt)),
            OpError::UnknownCard,
        ),
    ] {
        assert_eq!(run(&mut board, &PHASEN, &anna, &op), Err(error));
        assert_eq!(board, before);
    }
    ok(&mut board, &PHASEN, &anna, set(&item, Attribute::Due(None)));
    assert_eq!(board.find(&item).expect("item").2.due, None);
    // A Zielabgleich card has no status.
    let mut goals = BoardState::default();
    ok(
        &mut goals,
        &ZIELE,
        &anna,
        add("g1", "gemeinsame_ziele", "Bürgerbüro"),
    );
    assert_eq!(
        run(
            &mut goals,
            &ZIELE,
            &anna,
            &set("g1", Attribute::Status(Status::Erledigt))
        ),
        Err(OpError::AttributeNotAllowed)
    );
}

#[test]
fn the_group_marks_its_current_phase() {
    let anna = person("p1", "Astadt");
    let mut board = BoardState::default();
    ok(
        &mut board,
        &PHASEN,
        &anna,
        set("", Attribute::Current(Some("umsetzung".into()))),
    );
    assert_eq!(board.current.as_deref(), Some("umsetzung"));
    assert_eq!(
        run(
            &mut board,
            &PHASEN,
            &anna,
            &set("", Attribute::Current(Some("planung".into())))
        ),
        Err(OpError::UnknownSection)
    );
    let mut canvas = BoardState::default();
    assert_eq!(
        run(
            &mut canvas,
            &CANVAS,
            &anna,
            &set("", Attribute::Current(Some("problem".into())))
        ),
        Err(OpError::AttributeNotAllowed)
    );
}

// --- Zielmatrix --------------------------------------------------------------

/// Goals g1 (core), g2 (core), g3; Kommunen Astadt, Bdorf, Cheim present
/// (Dweiler marked one goal without being listed).
fn goal_board() -> BoardState {
    let mut board = BoardState::default();
    let a = person("a", "Astadt");
    let b = person("b", "Bdorf");
    let c = person("c", "Cheim");
    let d = person("d", "Dweiler");
    ok(
        &mut board,
        &ZIELE,
        &a,
        add("g1", "gemeinsame_ziele", "Wartezeiten halbieren"),
    );
    ok(
        &mut board,
        &ZIELE,
        &b,
        add("g2", "gemeinsame_ziele", "Fachkräfte halten"),
    );
    ok(
        &mut board,
        &ZIELE,
        &c,
        add("g3", "abweichende_ziele", "Eigenes Rechenzentrum"),
    );
    ok(&mut board, &ZIELE, &a, set("g1", Attribute::Core(true)));
    ok(&mut board, &ZIELE, &b, set("g2", Attribute::Core(true)));
    let stance = |s| Attribute::Stance(Some(s));
    for (who, goal, s) in [
        (&a, "g1", Stance::Ja),
        (&b, "g1", Stance::Ja),
        (&c, "g1", Stance::Teilweise),
        (&a, "g2", Stance::Ja),
        (&b, "g2", Stance::Ja),
        (&c, "g2", Stance::Ja),
        (&a, "g3", Stance::Nein),
        (&c, "g3", Stance::Ja),
        (&d, "g3", Stance::Ja),
    ] {
        ok(&mut board, &ZIELE, who, set(goal, stance(s)));
    }
    board
}

#[test]
fn the_zielmatrix_shows_each_kommunes_stance_the_share_and_the_allianz_der_willigen() {
    let board = goal_board();
    let present: Vec<String> = ["Astadt", "Bdorf", "Cheim"].map(String::from).to_vec();
    let m = zielmatrix(&board, &ZIELE, &present);
    assert_eq!(m.kommunen, ["Astadt", "Bdorf", "Cheim", "Dweiler"]);
    let rows: Vec<_> = m
        .goals
        .iter()
        .map(|g| {
            let cells: String = g
                .cells
                .iter()
                .map(|c| c.map_or("·", Stance::symbol))
                .collect();
            (
                g.card_id.as_str(),
                cells,
                (g.agree, g.partly, g.disagree),
                percent_text(g.share),
            )
        })
        .collect();
    // Shares over the 4 Kommunen of the matrix: g1 2/4, g2 3/4, g3 2/4.
    assert_eq!(
        rows,
        [
            ("g1", "✓✓~·".to_owned(), (2, 1, 0), "50 %".to_owned()),
            ("g2", "✓✓✓·".to_owned(), (3, 0, 0), "75 %".to_owned()),
            ("g3", "✗·✓✓".to_owned(), (2, 0, 1), "50 %".to_owned()),
        ]
    );
    // Core goals g1 and g2: only Astadt and Bdorf agree to both.
    assert_eq!(
        m.alliance,
        Some(vec!["Astadt".to_owned(), "Bdorf".to_owned()])
    );
}

#[test]
fn a_kommune_speaks_only_for_itself_and_can_withdraw() {
    let mut board = goal_board();
    let nobody = person("x", "");
    assert_eq!(
        run(
            &mut board,
            &ZIELE,
            &nobody,
            &set("g1", Attribute::Stance(Some(Stance::Nein)))
        ),
        Err(OpError::NoKommune)
    );
    // Another person of Cheim changes Cheim's cell, then withdraws it.
    let cheim = person("c2", "Cheim");
    ok(
        &mut board,
        &ZIELE,
        &cheim,
        set("g1", Attribute::Stance(Some(Stance::Ja))),
    );
    let m = zielmatrix(&board, &ZIELE, &[]);
    assert_eq!(
        m.alliance,
        Some(vec![
            "Astadt".to_owned(),
            "Bdorf".to_owned(),
            "Cheim".to_owned()
        ])
    );
    ok(
        &mut board,
        &ZIELE,
        &cheim,
        set("g1", Attribute::Stance(None)),
    );
    assert!(!board
        .find("g1")
        .expect("goal")
        .2
        .stances
        .contains_key("Cheim"));
    // Without core goals there is no alliance to name.
    let mut plain = BoardState::default();
    ok(
        &mut plain,
        &ZIELE,
        &cheim,
        add("g", "gemeinsame_ziele", "Ziel"),
    );
    assert_eq!(
        zielmatrix(&plain, &ZIELE, &["Cheim".to_owned()]).alliance,
        None
    );
    // Problemlagen are no matrix rows.
    ok(
        &mut plain,
        &ZIELE,
        &cheim,
        add("p", "problemlagen", "Fachkräftemangel"),
    );
    assert_eq!(
        run(
            &mut plain,
            &ZIELE,
            &cheim,
            &set("p", Attribute::Stance(Some(Stance::Ja)))
        ),
        Err(OpError::AttributeNotAllowed)
    );
}

#[test]
fn cards_are_listed_by_their_authors_kommune() {
    let board = goal_board();
    let lists: Vec<(String, Vec<&str>)> = cards_by_kommune(&board, &ZIELE)
        .into_iter()
        .map(|(k, cards)| (k, cards.iter().map(|(_, c)| c.id.as_str()).collect()))
        .collect();
    assert_eq!(
        lists,
        [
            ("Astadt".to_owned(), vec!["g1"]),
            ("Bdorf".to_owned(), vec!["g2"]),
            ("Cheim".to_owned(), vec!["g3"]),
        ]
    );
}

// --- Prozess: Erleben curve and top pain points -------------------------------

#[test]
fn the_erleben_curve_follows_the_steps_in_order() {
    let mut board = BoardState::default();
    let (a, b, c) = (
        person("a", "Astadt"),
        person("b", "Bdorf"),
        person("c", "Cheim"),
    );
    for (id, title) in [
        ("s1", "Informieren"),
        ("s2", "Antrag stellen"),
        ("s3", "Bescheid"),
    ] {
        ok(&mut board, &PROZESS, &a, add(id, "schritte", title));
    }
    // The group moves "Bescheid" before "Antrag stellen" and back: order counts.
    ok(
        &mut board,
        &PROZESS,
        &a,
        Op::MoveCard {
            card_id: "s3".into(),
            section: "schritte".into(),
            index: 1,
        },
    );
    ok(
        &mut board,
        &PROZESS,
        &a,
        Op::MoveCard {
            card_id: "s3".into(),
            section: "schritte".into(),
            index: 2,
        },
    );
    // s1: 4, 5 → 4.5; s2: 1, 2, "weiß nicht" → 1.5; s3: nobody.
    rate(&mut board, &PROZESS, &a, "s1", 4);
    rate(&mut board, &PROZESS, &b, "s1", 5);
    rate(&mut board, &PROZESS, &a, "s2", 1);
    rate(&mut board, &PROZESS, &b, "s2", 2);
    rate(&mut board, &PROZESS, &c, "s2", 0);
    let points: Vec<_> = curve(&board, &PROZESS, &ERLEBEN)
        .into_iter()
        .map(|p| {
            (
                p.step,
                p.title,
                mean_text(p.aggregate.mean),
                p.aggregate.n,
                p.aggregate.dont_know,
            )
        })
        .collect();
    assert_eq!(
        points,
        [
            (1, "Informieren".to_owned(), "4,5".to_owned(), 2, 0),
            (2, "Antrag stellen".to_owned(), "1,5".to_owned(), 2, 1),
            (3, "Bescheid".to_owned(), "–".to_owned(), 0, 0),
        ]
    );
}

#[test]
fn dots_pick_the_top_three_pain_points_ties_sharing_a_rank() {
    let mut board = BoardState::default();
    let a = person("a", "Astadt");
    for (id, title) in [
        ("s1", "A"),
        ("s2", "B"),
        ("s3", "C"),
        ("s4", "D"),
        ("s5", "E"),
    ] {
        ok(&mut board, &PROZESS, &a, add(id, "schritte", title));
        type_into(
            &mut board,
            &PROZESS,
            id,
            "schmerzpunkte",
            &format!("Schmerz {title}"),
        );
    }
    // Dots: s2 3, s4 2, s1 1, s5 1, s3 none.
    for (who, card, n) in [
        ("a", "s2", 2),
        ("b", "s2", 1),
        ("a", "s4", 2),
        ("c", "s1", 1),
        ("c", "s5", 1),
    ] {
        for _ in 0..n {
            ok(
                &mut board,
                &PROZESS,
                &person(who, "Astadt"),
                Op::Dot {
                    card_id: card.into(),
                    add: true,
                },
            );
        }
    }
    let top: Vec<_> = top_pain_points(&board, &PROZESS)
        .into_iter()
        .map(|p| (p.rank, p.text, p.dots))
        .collect();
    assert_eq!(
        top,
        [
            (1, "Schmerz B".to_owned(), 3),
            (2, "Schmerz D".to_owned(), 2),
            (3, "Schmerz A".to_owned(), 1),
            (3, "Schmerz E".to_owned(), 1),
        ]
    );
}

// --- Erfolgsfaktoren: item figures, radar, Handlungsbedarf ---------------------

#[test]
fn factor_figures_radar_means_and_handlungsbedarf_match_the_hand_computation() {
    let mut board = BoardState::default();
    let people: Vec<Author> = ["a", "b", "c"]
        .iter()
        .map(|p| person(p, "Astadt"))
        .collect();
    let id = |item: &str| fixed_card_id("erfolgsfaktoren", item);
    // unterstuetzung-1: 4, 4, 5 → mean 4.33, SD 0.58 → Konsens, no need.
    // unterstuetzung-2: 2, 3, 3 → mean 2.67 < 3 → Handlungsbedarf.
    // unterstuetzung-3: 1, 5, 3 → mean 3, range 4 → Dissens → Handlungsbedarf.
    // unterstuetzung-4: "weiß nicht" only → no mean, no need.
    // vertrauen-1: 3, 3 → mean 3 (not below 3), Konsens.
    for (item, values) in [
        ("unterstuetzung-1", [4, 4, 5]),
        ("unterstuetzung-2", [2, 3, 3]),
        ("unterstuetzung-3", [1, 5, 3]),
        ("unterstuetzung-4", [0, 0, 0]),
    ] {
        for (who, v) in people.iter().zip(values) {
            rate(&mut board, &ERFOLGSFAKTOREN, who, &id(item), v);
        }
    }
    rate(
        &mut board,
        &ERFOLGSFAKTOREN,
        &people[0],
        &id("vertrauen-1"),
        3,
    );
    rate(
        &mut board,
        &ERFOLGSFAKTOREN,
        &people[1],
        &id("vertrauen-1"),
        3,
    );
    let check = factor_check(&board, &ERFOLGSFAKTOREN);
    assert_eq!(check.items.len(), 20);
    let first = &check.items[0];
    assert_eq!(
        first.label,
        "Gestaltungswille der Bürgermeisterinnen und Bürgermeister"
    );
    assert_eq!(
        (
            mean_text(first.aggregate.mean),
            mean_text(first.aggregate.median),
            first.aggregate.n
        ),
        ("4,3".to_owned(), "4,0".to_owned(), 3)
    );
    assert_eq!(first.aggregate.consensus, Some(Consensus::Konsens));
    assert_eq!(check.items[2].aggregate.consensus, Some(Consensus::Dissens));
    // All three raters are of Astadt: its figures are the item's own; the
    // item rated by two people has none per Kommune.
    let astadt = &first.by_kommune[0];
    assert_eq!(astadt.kommune, "Astadt");
    assert_eq!(astadt.per_criterion[0].as_ref(), Some(&first.aggregate));
    let vertrauen = check
        .items
        .iter()
        .find(|i| i.card_id == id("vertrauen-1"))
        .expect("item");
    assert_eq!(vertrauen.by_kommune[0].per_criterion, [None]);
    // The table per Kommune: Astadt's column, 13/3 → 4,3 on the first item,
    // nothing where only two of its people rated.
    assert_eq!(factors::kommunen_with_figures(&check), ["Astadt"]);
    assert_eq!(mean_text(first.kommune_mean("Astadt")), "4,3");
    assert_eq!(vertrauen.kommune_mean("Astadt"), None);
    assert_eq!(first.kommune_mean("Bdorf"), None);
    assert_eq!(
        check.needs_action,
        [id("unterstuetzung-2"), id("unterstuetzung-3")]
    );
    // Radar: Unterstützung = (13/3 + 8/3 + 3) / 3 = 10/3 → "3,3"; Vertrauen 3;
    // the other three columns have no mean.
    let radar: Vec<_> = check
        .columns
        .iter()
        .map(|c| (c.label, mean_text(c.mean), c.rated_items))
        .collect();
    assert_eq!(
        radar,
        [
            ("Unterstützung", "3,3".to_owned(), 3),
            ("Beteiligung", "–".to_owned(), 0),
            ("Vertrauen", "3,0".to_owned(), 1),
            ("Klare Rollen und Verantwortlichkeiten", "–".to_owned(), 0),
            ("Evaluationsbereitschaft", "–".to_owned(), 0),
        ]
    );
    let mean = check.columns[0].mean.expect("mean");
    assert!((mean - 10.0 / 3.0).abs() < 1e-12);
    // Axis 0 points straight up (SVG y grows downwards) at radius mean ÷ 5;
    // axis 2 of 5 lies at 144° clockwise.
    let (x, y) = check.columns[0].point.expect("point");
    assert!(x.abs() < 1e-12 && (y + mean / 5.0).abs() < 1e-12);
    let (x, y) = check.columns[2].point.expect("point");
    let angle = 144f64.to_radians();
    assert!((x - 0.6 * angle.sin()).abs() < 1e-12 && (y + 0.6 * angle.cos()).abs() < 1e-12);
}

// --- Phasen-Check: progress, overdue, the 50 % hint -------------------------

#[test]
fn phase_progress_overdue_items_and_the_hint_match_the_hand_computation() {
    let anna = person("a", "Astadt");
    let mut board = BoardState::default();
    let id = |item: &str| fixed_card_id("phasen", item);
    let status = |s| Attribute::Status(s);
    // Anbahnung (7 items): 2 erledigt, 2 entfällt → 2 / 5 = 40 %.
    for (item, s) in [
        ("anbahnung-1", Status::Erledigt),
        ("anbahnung-2", Status::Erledigt),
        ("anbahnung-3", Status::Entfaellt),
        ("anbahnung-4", Status::Entfaellt),
        ("anbahnung-5", Status::Begonnen),
    ] {
        ok(&mut board, &PHASEN, &anna, set(&id(item), status(s)));
    }
    // Umsetzung (5 items + 1 own): one begonnen → started, 0 / 6.
    ok(
        &mut board,
        &PHASEN,
        &anna,
        add("own", "umsetzung", "Gremienbeschluss"),
    );
    ok(
        &mut board,
        &PHASEN,
        &anna,
        set(&id("umsetzung-1"), status(Status::Begonnen)),
    );
    // Konsolidierung: everything entfällt but one, which is done → 1 / 1.
    for n in 1..=7 {
        let s = if n == 1 {
            Status::Erledigt
        } else {
            Status::Entfaellt
        };
        ok(
            &mut board,
            &PHASEN,
            &anna,
            set(&id(&format!("konsolidierung-{n}")), status(s)),
        );
    }
    // Due dates: one overdue begonnen, one overdue but done, one due today.
    for (item, due) in [
        ("anbahnung-5", "2026-11-30"),
        ("anbahnung-1", "2026-10-01"),
        ("umsetzung-1", "2026-12-01"),
        ("own", "2026-11-15"),
    ] {
        let card = if item == "own" {
            item.to_owned()
        } else {
            id(item)
        };
        ok(
            &mut board,
            &PHASEN,
            &anna,
            set(&card, Attribute::Due(Some(due.into()))),
        );
    }
    ok(
        &mut board,
        &PHASEN,
        &anna,
        set("", Attribute::Current(Some("umsetzung".into()))),
    );
    let check = phase_check(&board, &PHASEN, "2026-12-01");
    let phases: Vec<_> = check
        .phases
        .iter()
        .map(|p| {
            (
                p.label,
                p.items,
                p.done,
                p.not_applying,
                percent_text(p.share),
                p.light,
                p.current,
            )
        })
        .collect();
    assert_eq!(
        phases,
        [
            (
                "Anbahnung",
                7,
                2,
                2,
                "40 %".to_owned(),
                Some(Light::Rot),
                false
            ),
            (
                "Umsetzung",
                6,
                0,
                0,
                "0 %".to_owned(),
                Some(Light::Rot),
                true
            ),
            (
                "Konsolidierung",
                7,
                1,
                6,
                "100 %".to_owned(),
                Some(Light::Gruen),
                false
            ),
        ]
    );
    let overdue: Vec<_> = check
        .overdue
        .iter()
        .map(|o| (o.label.as_str(), o.due.as_str()))
        .collect();
    assert_eq!(
        overdue,
        [
            ("Gremienbeschluss", "2026-11-15"),
            (
                "Anbahnung gut planen, erst danach die Umsetzung",
                "2026-11-30"
            ),
        ]
    );
    // Umsetzung has started while Anbahnung is at 40 %; Umsetzung is below
    // half but Konsolidierung has not started (a done item counts as started).
    let hints: Vec<_> = check.hints.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(
        hints,
        [
            "Anbahnung erst zu 40 % erledigt",
            "Umsetzung erst zu 0 % erledigt"
        ]
    );
    // Half done is yellow and gives no hint.
    ok(
        &mut board,
        &PHASEN,
        &anna,
        set(&id("anbahnung-5"), status(Status::Erledigt)),
    );
    let check = phase_check(&board, &PHASEN, "2026-12-01");
    assert_eq!(percent_text(check.phases[0].share), "60 %");
    assert_eq!(check.phases[0].light, Some(Light::Gelb));
    assert_eq!(check.hints.len(), 1);
    // An unreadable day makes nothing overdue.
    assert!(phase_check(&board, &PHASEN, "bald").overdue.is_empty());
}

// --- E5: carry over -----------------------------------------------------------

#[test]
fn pain_points_carry_over_to_the_canvas_with_a_link_back_both_ways() {
    let anna = person("a", "Astadt");
    let mut process = BoardState::default();
    let mut canvas = BoardState::default();
    ok(
        &mut process,
        &PROZESS,
        &anna,
        add("s1", "schritte", "Antrag stellen"),
    );
    type_into(
        &mut process,
        &PROZESS,
        "s1",
        "schmerzpunkte",
        "Unterlagen doppelt einreichen",
    );
    let target = CarryTarget {
        template: "canvas",
        section: "problem",
        field: Some("schmerzpunkte"),
    };
    let plan = carry_over(&process, &PROZESS, "s1", &target, "c9").expect("allowed");
    assert_eq!(plan.target_template, "canvas");
    ok(&mut canvas, &CANVAS, &anna, plan.copy.clone());
    ok(&mut process, &PROZESS, &anna, plan.link_back.clone());
    let copy = canvas.find("c9").expect("copy").2;
    assert_eq!(copy.text, "Unterlagen doppelt einreichen");
    assert_eq!(
        copy.origin,
        Some(CardRef {
            template: "prozess".into(),
            card_id: "s1".into()
        })
    );
    assert_eq!(
        process.find("s1").expect("step").2.copies,
        [CardRef {
            template: "canvas".into(),
            card_id: "c9".into()
        }]
    );
    // The same op twice is a duplicate card; the link back is recorded once.
    assert_eq!(
        run(&mut canvas, &CANVAS, &anna, &plan.copy),
        Err(OpError::DuplicateCard)
    );
    ok(&mut process, &PROZESS, &anna, plan.link_back);
    assert_eq!(process.find("s1").expect("step").2.copies.len(), 1);
    // A path the template does not name is refused, by the plan and by apply.
    let elsewhere = CarryTarget {
        template: "canvas",
        section: "kosten",
        field: None,
    };
    assert_eq!(
        carry_over(&process, &PROZESS, "s1", &elsewhere, "c8").map(|_| ()),
        Err(OpError::CarryNotAllowed)
    );
    let forged = Op::AddCopy {
        card_id: "c8".into(),
        section: "kosten".into(),
        text: "x".into(),
        origin: CardRef {
            template: "prozess".into(),
            card_id: "s1".into(),
        },
    };
    assert_eq!(
        run(&mut canvas, &CANVAS, &anna, &forged),
        Err(OpError::CarryNotAllowed)
    );
    // A step without ideas has nothing to carry to the solution.
    let ideas = CarryTarget {
        template: "canvas",
        section: "loesung",
        field: Some("ideen"),
    };
    assert_eq!(
        carry_over(&process, &PROZESS, "s1", &ideas, "c7").map(|_| ()),
        Err(OpError::NothingToCarry)
    );
}

#[test]
fn an_open_checklist_item_carries_its_label_wer_and_bis_wann_to_the_next_steps() {
    let anna = person("a", "Astadt");
    let mut phases = BoardState::default();
    let item = fixed_card_id("phasen", "umsetzung-2");
    ok(
        &mut phases,
        &PHASEN,
        &anna,
        set(&item, Attribute::Due(Some("2027-03-31".into()))),
    );
    type_into(&mut phases, &PHASEN, &item, "wer", "Kämmerei");
    let target = CarryTarget {
        template: "canvas",
        section: "schritte",
        field: None,
    };
    let plan = carry_over(&phases, &PHASEN, &item, &target, "n1").expect("allowed");
    let mut canvas = BoardState::default();
    ok(&mut canvas, &CANVAS, &anna, plan.copy);
    assert_eq!(
        canvas.find("n1").expect("copy").2.text,
        "Prozesse dokumentieren und standardisieren – Wer: Kämmerei – bis 31.03.2027"
    );
    // Agreed goals and TOWS strategies go the same way.
    let mut goals = goal_board();
    let to_goal = CarryTarget {
        template: "canvas",
        section: "ziel",
        field: None,
    };
    let plan = carry_over(&goals, &ZIELE, "g2", &to_goal, "z1").expect("allowed");
    ok(&mut canvas, &CANVAS, &anna, plan.copy);
    ok(&mut goals, &ZIELE, &anna, plan.link_back);
    assert_eq!(canvas.find("z1").expect("goal").2.text, "Fachkräfte halten");
    let mut swot = BoardState::default();
    ok(
        &mut swot,
        &templates::SWOT,
        &anna,
        add("so1", "so", "Gemeinsames Rechenzentrum"),
    );
    let to_solution = CarryTarget {
        template: "canvas",
        section: "loesung",
        field: None,
    };
    let plan = carry_over(&swot, &templates::SWOT, "so1", &to_solution, "l1").expect("allowed");
    ok(&mut canvas, &CANVAS, &anna, plan.copy);
    ok(&mut swot, &templates::SWOT, &anna, plan.link_back);
    assert_eq!(swot.find("so1").expect("strategy").2.copies.len(), 1);
}

// --- Stored data from before -----------------------------------------------

/// Boards as the code before these methods stored them (canvas with a text
/// history, SWOT with its header and a link, KI with sketch, flags, a
/// choice, ratings and a dot), written by ikz-domain at 1ef3046.
const BEFORE: &str = include_str!("fixtures/boards-before-methods18.json");

#[test]
fn boards_stored_before_the_further_methods_read_and_write_back_unchanged() {
    use std::collections::BTreeMap;
    let boards: BTreeMap<String, BoardState> = serde_json::from_str(BEFORE).expect("reads");
    let again = serde_json::to_value(&boards).expect("writes");
    let before: serde_json::Value = serde_json::from_str(BEFORE).expect("json");
    assert_eq!(again, before);
    // And they take today's ops as before.
    let mut ki = boards["ki"].clone();
    let ben = person("p2", "Bdorf");
    rate(&mut ki, &templates::KI, &ben, "i1", 5);
    assert_eq!(ki.ratings["i1"]["p2"].kommune, "Bdorf");
    let mut canvas = boards["canvas"].clone();
    type_into(&mut canvas, &CANVAS, "c2", "card", "Neu: ");
    assert_eq!(
        canvas.find("c2").expect("card").2.text,
        "Neu: Ein Bürgerbüro für alle"
    );
}

#[test]
fn a_stored_field_no_template_declares_any_more_keeps_its_text_and_drops_its_history() {
    let stored = r#"{"sections":{"schritte":[{"id":"s1","text":"Antrag","author":{"id":"p1","name":"Anna"},
        "fields":{"alt":"Alter Text","kontaktpunkt":"Portal"},
        "seqs":{"alt":[[0,1,null,"Alter Text"]],"kontaktpunkt":[[0,1,null,"Port"],[5,1,[0,4],"al"]]}}]},
        "template_version":1}"#;
    let board: BoardState = serde_json::from_str(stored).expect("a stored board opens");
    let card = board.find("s1").expect("card").2;
    assert_eq!(card.fields["alt"], "Alter Text");
    assert_eq!(card.seqs.len(), 1);
    assert_eq!(card.seq(TextField::Field("kontaktpunkt")).text(), "Portal");
}

#[test]
fn the_boards_of_a_version_1_session_file_read_as_boards() {
    let file: serde_json::Value = serde_json::from_str(include_str!(
        "../../../server/tests/fixtures/session-v1-old-weights.json"
    ))
    .expect("json");
    let boards = &file["groups"][0]["boards"];
    let ki: BoardState = serde_json::from_value(boards["ki"].clone()).expect("reads");
    assert_eq!(ki.cards("ideen")[0].text, "Chatbot für das Bürgeramt");
    assert_eq!(ki.ratings["i1"]["p1"].kommune, "");
    assert_eq!(serde_json::to_value(&ki).expect("writes"), boards["ki"]);
}

#[test]
fn carry_over_buttons_name_method_and_field() {
    let steps = PROZESS.section("schritte").expect("steps");
    let buttons: Vec<String> = steps.carry_to.iter().map(CarryTarget::button_de).collect();
    assert_eq!(
        buttons,
        [
            "Schmerzpunkte in IKZ-Projekt-Canvas: Ausgangslage & Problem übernehmen",
            "Ideen in IKZ-Projekt-Canvas: Lösungsidee & Leistung übernehmen",
        ]
    );
    let goal = ZIELE.section("gemeinsame_ziele").expect("goals");
    assert_eq!(
        goal.carry_to[0].button_de(),
        "In IKZ-Projekt-Canvas: Gemeinsames Ziel übernehmen"
    );
}

#[test]
fn the_steps_table_and_the_phase_tables_carry_every_field() {
    let anna = person("a", "Astadt");
    let mut process = BoardState::default();
    ok(
        &mut process,
        &PROZESS,
        &anna,
        add("s1", "schritte", "Antrag stellen"),
    );
    type_into(&mut process, &PROZESS, "s1", "kontaktpunkt", "Portal");
    rate(&mut process, &PROZESS, &anna, "s1", 2);
    let rows = step_rows(&process, &PROZESS, &ERLEBEN);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].point.title, "Antrag stellen");
    assert_eq!(mean_text(rows[0].point.aggregate.mean), "2,0");
    let fields: Vec<(&str, &str)> = rows[0]
        .fields
        .iter()
        .map(|(l, t)| (*l, t.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("Was tut die Person?", ""),
            ("Kontaktpunkt", "Portal"),
            ("Was passiert in der Verwaltung?", ""),
            ("Schmerzpunkte", ""),
            ("Ideen", ""),
        ]
    );

    let mut phases = BoardState::default();
    let item = fixed_card_id("phasen", "anbahnung-4");
    ok(
        &mut phases,
        &PHASEN,
        &anna,
        set(&item, Attribute::Status(Status::Erledigt)),
    );
    ok(
        &mut phases,
        &PHASEN,
        &anna,
        set(&item, Attribute::Due(Some("2027-01-15".into()))),
    );
    type_into(&mut phases, &PHASEN, &item, "wer", "Bürgermeisterin");
    type_into(&mut phases, &PHASEN, &item, "card", "Workshop im Januar");
    ok(
        &mut phases,
        &PHASEN,
        &anna,
        add("own", "anbahnung", "Kreistag informieren"),
    );
    let tables = phase_tables(&phases, &PHASEN);
    let sizes: Vec<_> = tables.iter().map(|t| (t.label, t.rows.len())).collect();
    assert_eq!(
        sizes,
        [("Anbahnung", 8), ("Umsetzung", 5), ("Konsolidierung", 7)]
    );
    let row = &tables[0].rows[3];
    assert_eq!(
        (
            row.number,
            row.label.as_str(),
            row.status,
            row.wer.as_str(),
            row.due.as_deref(),
            row.note.as_str()
        ),
        (
            4,
            "„durch die Decke“ denken",
            Status::Erledigt,
            "Bürgermeisterin",
            Some("2027-01-15"),
            "Workshop im Januar"
        )
    );
    let own = &tables[0].rows[7];
    assert_eq!(
        (own.number, own.label.as_str(), own.note.as_str()),
        (8, "Kreistag informieren", "")
    );
}
