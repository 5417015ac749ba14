use super::*;
use crate::board::{Author, Card};

fn card(id: &str, text: &str, fields: &[(&FieldDef, &str)]) -> Card {
    let mut card = Card::new(id.into(), text.into(), Author::nobody());
    for (f, v) in fields {
        card.fields.insert(f.key.to_owned(), (*v).to_owned());
    }
    card
}

fn kommune_card(name: &str, einwohner: &str, fallzahlen: &str) -> Card {
    card(
        &format!("k-{name}"),
        name,
        &[
            (&EINWOHNER, einwohner),
            (&FALLZAHLEN, fallzahlen),
            (&VZAE, "1,5"),
            (&PERSONALKOSTENSATZ, "70.000 €"),
            (&SACHKOSTEN, "5.000"),
            (&IT_KOSTEN, "1.234,50"),
            (&RESTKOSTEN, "10 000"),
        ],
    )
}

fn board(kommunen: Vec<Card>, joint: &[(&FieldDef, &str)]) -> BoardState {
    let mut b = BoardState::default();
    b.sections.insert(KOMMUNEN.into(), kommunen);
    let id = fixed_card_id(KOSTEN.key, GEMEINSAM_ITEM.id);
    b.sections
        .insert(GEMEINSAM.into(), vec![card(&id, "", joint)]);
    b
}

const JOINT: &[(&FieldDef, &str)] = &[
    (&EINMALKOSTEN, "300.000"),
    (&LAUFENDE_KOSTEN, "90.000 €"),
    (&FOERDERQUOTE, "50 %"),
    (&FOERDERHOECHSTBETRAG, "100.000"),
    (&SCHLUESSEL, "Einwohner"),
];

fn two() -> Vec<Card> {
    vec![
        kommune_card("Musterstadt", "20.000", "1.200"),
        kommune_card("Übungsdorf", "5.000", "300"),
    ]
}

fn with(
    joint: &[(&FieldDef, &str)],
    extra: &[(&FieldDef, &str)],
) -> Vec<(&'static FieldDef, String)> {
    let mut out: Vec<(&'static FieldDef, String)> = Vec::new();
    for (f, v) in joint.iter().chain(extra) {
        let f: &'static FieldDef = crate::templates::field_def(f.key).expect("a field");
        out.retain(|(g, _)| g.key != f.key);
        out.push((f, (*v).to_owned()));
    }
    out
}

fn board_with(extra: &[(&FieldDef, &str)]) -> BoardState {
    let joint = with(JOINT, extra);
    let refs: Vec<(&FieldDef, &str)> = joint.iter().map(|(f, v)| (*f, v.as_str())).collect();
    board(two(), &refs)
}

#[test]
fn german_numbers_read_as_documented() {
    let ok = |t: &str| parse_number(t).expect(t).expect(t);
    assert_eq!(ok("12.345"), 12_345.0);
    assert_eq!(ok("1.234,50"), 1_234.5);
    assert_eq!(ok("1.234.567,8"), 1_234_567.8);
    assert_eq!(ok("45 %"), 45.0);
    assert_eq!(ok("45"), 45.0);
    assert_eq!(ok("0,45"), 0.45);
    assert_eq!(ok(" 70.000 € "), 70_000.0);
    assert_eq!(ok("12 000 EUR"), 12_000.0);
    assert_eq!(ok("12\u{a0}000\u{202f}Euro"), 12_000.0);
    assert_eq!(ok("5.000 €/Jahr"), 5_000.0);
    assert_eq!(ok("-3,5"), -3.5);
    assert_eq!(ok("−3,5"), -3.5);
    assert_eq!(ok("+7"), 7.0);
    assert_eq!(parse_number(""), Ok(None));
    assert_eq!(parse_number("   "), Ok(None));
}

#[test]
fn hostile_texts_are_refused_without_panic() {
    let long = "9".repeat(5000);
    let cases = [
        "1.5",
        "0.500",
        "1234.567",
        "12.34",
        "1,2,3",
        "1,",
        ",5",
        "abc",
        "1e5",
        "NaN",
        "inf",
        "€",
        "%",
        "-",
        "--1",
        "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5",
        "١٢٣",
        "１２",
        "😀",
        "1.😀",
        "€€",
        "Ü%",
        "\u{0}",
        "12\n34x",
        long.as_str(),
    ];
    for t in cases {
        assert_eq!(parse_number(t), Err(NotANumber), "{t:?}");
    }
    // No panic on any char sequence near the unit and sign handling.
    for t in ["é€", "€é", "−", "−€", "+%", "İ€", "ß€/Jahr", "€/JAHR"] {
        let _ = parse_number(t);
    }
}

#[test]
fn a_complete_board_reads_every_field() {
    let b = board_with(&[]);
    let input = input(&b).expect("complete");
    assert_eq!(input.kommunen.len(), 2);
    let m = &input.kommunen[0];
    assert_eq!(m.name, "Musterstadt");
    assert_eq!(m.einwohner, 20_000.0);
    assert_eq!(m.fallzahlen, 1_200.0);
    assert_eq!(m.vzae, 1.5);
    assert_eq!(m.personalkostensatz, 70_000.0);
    assert_eq!(m.sachkosten, 5_000.0);
    assert_eq!(m.it_kosten, 1_234.5);
    assert_eq!(m.restkosten, 10_000.0);
    assert_eq!(m.anteil_von_hand, None);
    assert_eq!(input.gemeinsam.einmalkosten, 300_000.0);
    assert_eq!(input.gemeinsam.laufende_kosten, 90_000.0);
    assert_eq!(input.gemeinsam.foerderquote, 0.5);
    assert_eq!(input.gemeinsam.foerderhoechstbetrag, 100_000.0);
    assert_eq!(input.schluessel, SplitKey::Einwohner);
    let result = result(&b).expect("calculates");
    assert!((result.kommunen[0].basis.anteil - 0.8).abs() < 1e-12);
    let rows = rows(&result);
    assert_eq!(rows[0].anteil, "80 %");
    assert_eq!(rows[0].anteil_laufend, "72000 €");
    // I − G = 300.000 − min(150.000; 100.000) = 200.000; 80 % of it.
    assert_eq!(rows[0].anteil_einmalig, "160000 €");
}

#[test]
fn every_key_reads() {
    let key = |extra: &[(&FieldDef, &str)]| input(&board_with(extra)).map(|i| i.schluessel);
    assert_eq!(key(&[(&SCHLUESSEL, "gleich")]), Ok(SplitKey::Gleich));
    assert_eq!(
        key(&[(&SCHLUESSEL, " EINWOHNER ")]),
        Ok(SplitKey::Einwohner)
    );
    assert_eq!(
        key(&[(&SCHLUESSEL, "Fallzahlen")]),
        Ok(SplitKey::Fallzahlen)
    );
    assert_eq!(
        key(&[
            (&SCHLUESSEL, "Sockel + variabel"),
            (&SOCKELANTEIL, "30 %"),
            (&SOCKEL_BASIS, "Fallzahlen")
        ]),
        Ok(SplitKey::Sockel {
            sockelanteil: 0.3,
            basis: Basis::Fallzahlen
        })
    );
    assert_eq!(
        key(&[
            (&SCHLUESSEL, "sockel + variabel"),
            (&SOCKELANTEIL, "30"),
            (&SOCKEL_BASIS, "einwohner")
        ]),
        Ok(SplitKey::Sockel {
            sockelanteil: 0.3,
            basis: Basis::Einwohner
        })
    );
    assert_eq!(
        key(&[
            (&SCHLUESSEL, "Sockel + variabel"),
            (&SOCKEL_BASIS, "Einwohner")
        ]),
        Err(KostenError::MissingJoint {
            field: SOCKELANTEIL.label
        })
    );
    assert_eq!(
        key(&[(&SCHLUESSEL, "Sockel + variabel"), (&SOCKELANTEIL, "30")]),
        Err(KostenError::MissingJoint {
            field: SOCKEL_BASIS.label
        })
    );
    assert_eq!(key(&[(&SCHLUESSEL, "von Hand")]), Ok(SplitKey::VonHand));
    assert_eq!(
        key(&[(&SCHLUESSEL, "")]),
        Err(KostenError::MissingJoint {
            field: SCHLUESSEL.label
        })
    );
    let unknown = key(&[(&SCHLUESSEL, "nach Gefühl")]).expect_err("unknown");
    assert_eq!(
        unknown.to_string(),
        "„Schlüssel“ ist „nach Gefühl“; möglich sind: gleich, Einwohner, Fallzahlen, Sockel + variabel, von Hand."
    );
}

#[test]
fn hand_shares_are_percent_and_the_calculator_checks_them() {
    let mut kommunen = two();
    kommunen[0]
        .fields
        .insert(ANTEIL_HAND.key.into(), "60 %".into());
    let joint = with(JOINT, &[(&SCHLUESSEL, "von Hand")]);
    let refs: Vec<(&FieldDef, &str)> = joint.iter().map(|(f, v)| (*f, v.as_str())).collect();
    let b = board(kommunen.clone(), &refs);
    let i = input(&b).expect("reads");
    assert_eq!(i.kommunen[0].anteil_von_hand, Some(0.6));
    assert_eq!(i.kommunen[1].anteil_von_hand, None);
    assert_eq!(
        result(&b).expect_err("one missing").to_string(),
        "Für Übungsdorf fehlt der Anteil von Hand."
    );
    kommunen[1]
        .fields
        .insert(ANTEIL_HAND.key.into(), "40".into());
    let b = board(kommunen, &refs);
    let r = result(&b).expect("sums to 100 %");
    assert!((r.kommunen[1].basis.anteil - 0.4).abs() < 1e-12);
}

#[test]
fn missing_and_wrong_figures_name_the_kommune_and_field_in_german() {
    let mut kommunen = two();
    kommunen[1].fields.remove(VZAE.key);
    let b = board(kommunen, JOINT);
    let err = input(&b).expect_err("VZÄ missing");
    assert_eq!(
        err,
        KostenError::Missing {
            kommune: "Übungsdorf".into(),
            field: "VZÄ"
        }
    );
    assert_eq!(err.to_string(), "Bei Übungsdorf fehlt „VZÄ“.");

    for field in [
        &EINWOHNER,
        &FALLZAHLEN,
        &VZAE,
        &PERSONALKOSTENSATZ,
        &SACHKOSTEN,
        &IT_KOSTEN,
        &RESTKOSTEN,
    ] {
        let mut kommunen = two();
        kommunen[0].fields.insert(field.key.into(), "viel".into());
        let err = input(&board(kommunen, JOINT)).expect_err(field.key);
        assert_eq!(
            err.to_string(),
            format!(
                "Bei Musterstadt ist „{}“ keine Zahl: „viel“ (so schreiben: 12.345 oder 1.234,50).",
                field.label
            )
        );
    }
    let mut kommunen = two();
    kommunen[0].text = "   ".into();
    assert_eq!(
        input(&board(kommunen, JOINT)),
        Err(KostenError::Unnamed { position: 1 })
    );
}

#[test]
fn joint_figures_are_required_but_no_grant_needs_no_cap() {
    for field in [&EINMALKOSTEN, &LAUFENDE_KOSTEN] {
        let err = input(&board_with(&[(field, "")])).expect_err(field.key);
        assert_eq!(
            err.to_string(),
            format!("Bei „Gemeinsam“ fehlt „{}“.", field.label)
        );
    }
    let err = input(&board_with(&[(&FOERDERHOECHSTBETRAG, "")])).expect_err("cap");
    assert_eq!(
        err,
        KostenError::MissingJoint {
            field: FOERDERHOECHSTBETRAG.label
        }
    );
    let i = input(&board_with(&[
        (&FOERDERQUOTE, ""),
        (&FOERDERHOECHSTBETRAG, ""),
    ]))
    .expect("no grant");
    assert_eq!(i.gemeinsam.foerderquote, 0.0);
    assert_eq!(i.gemeinsam.foerderhoechstbetrag, 0.0);
    let err = input(&board_with(&[(&LAUFENDE_KOSTEN, "1.5")])).expect_err("ambiguous");
    assert!(matches!(err, KostenError::JointNotANumber { .. }), "{err}");
    // The calculator's own checks come through with its message.
    let err = result(&board_with(&[(&FOERDERQUOTE, "150 %")])).expect_err("rate");
    assert!(err.to_string().contains("Förderquote"), "{err}");
}

#[test]
fn an_empty_board_says_what_is_missing_and_never_panics() {
    let err = input(&BoardState::default()).expect_err("nothing");
    assert_eq!(
        err,
        KostenError::MissingJoint {
            field: EINMALKOSTEN.label
        }
    );
    let b = board(Vec::new(), JOINT);
    assert_eq!(
        result(&b).expect_err("no Kommune").to_string(),
        "Es ist keine Kommune eingetragen."
    );
    // Hostile texts in every field: an error, never a panic.
    let hostile = ["\u{0}", "9".repeat(100).as_str(), "1.2.3,4,5", "€€€", "−−"].map(str::to_owned);
    for h in &hostile {
        let mut kommunen = two();
        for f in crate::templates::kosten::KOMMUNE_FIELDS {
            kommunen[0].fields.insert(f.key.into(), h.clone());
        }
        let all: Vec<(&FieldDef, &str)> = crate::templates::kosten::JOINT_FIELDS
            .iter()
            .map(|f| (f, h.as_str()))
            .collect();
        assert!(result(&board(kommunen, &all)).is_err(), "{h:?}");
    }
}

#[test]
fn a_negative_saving_shows_no_payback() {
    let mut kommunen = two();
    kommunen[1]
        .fields
        .insert(RESTKOSTEN.key.into(), "500.000".into());
    let b = board(kommunen, JOINT);
    let rows = rows(&result(&b).expect("calculates"));
    assert_eq!(rows[1].amortisation, "keine Amortisation");
    assert!(
        rows[1].einsparung.starts_with('-'),
        "{}",
        rows[1].einsparung
    );
    assert!(
        rows[0].amortisation.ends_with(" Jahre"),
        "{}",
        rows[0].amortisation
    );
}
