//! The Rechtsform-Lotse: one test per branch of the question path of the
//! Rheinland-Pfalz data set, "weiß nicht", and the data set itself.

use ikz_antrag::path::{Answer, Answers};
use ikz_antrag::rechtsform::{recommend, rlp, Rechtsform};

fn answers(list: &[(&str, Answer)]) -> Answers {
    list.iter().map(|(q, a)| ((*q).to_owned(), *a)).collect()
}

use Answer::{Ja, Nein, WeissNicht};

fn leads_to(list: &[(&str, Answer)], form: Rechtsform, last_reason: &str) {
    let r = recommend(&answers(list)).unwrap();
    assert_eq!(r.empfehlung, Some(form));
    assert_eq!(r.gruende.len(), list.len());
    assert!(
        r.gruende.last().unwrap().contains(last_reason),
        "{:?}",
        r.gruende
    );
    assert_eq!(r.offen, None);
    assert_eq!(r.in_betracht, vec![form]);
    assert_eq!(r.hinweis, "Vorprüfung, keine Rechts- oder Steuerberatung");
}

#[test]
fn only_coordination_is_an_arbeitsgemeinschaft() {
    leads_to(
        &[("nur_koordination", Ja)],
        Rechtsform::Arbeitsgemeinschaft,
        "kommunale Arbeitsgemeinschaft",
    );
}

#[test]
fn one_kommune_for_the_others_with_responsibility_moving_is_a_delegating_zweckvereinbarung() {
    leads_to(
        &[
            ("nur_koordination", Nein),
            ("eine_fuer_andere", Ja),
            ("zustaendigkeit_geht_ueber", Ja),
        ],
        Rechtsform::Zweckvereinbarung,
        "delegierende Zweckvereinbarung",
    );
}

#[test]
fn one_kommune_only_executing_is_a_mandating_zweckvereinbarung() {
    leads_to(
        &[
            ("nur_koordination", Nein),
            ("eine_fuer_andere", Ja),
            ("zustaendigkeit_geht_ueber", Nein),
        ],
        Rechtsform::Zweckvereinbarung,
        "mandatierende Zweckvereinbarung",
    );
}

#[test]
fn a_transfer_without_a_new_legal_person_is_a_zweckvereinbarung() {
    leads_to(
        &[
            ("nur_koordination", Nein),
            ("eine_fuer_andere", Nein),
            ("eigene_rechtsperson", Nein),
        ],
        Rechtsform::Zweckvereinbarung,
        "schlankeste Mittel",
    );
}

#[test]
fn private_partners_or_market_activity_is_a_gmbh() {
    leads_to(
        &[
            ("nur_koordination", Nein),
            ("eine_fuer_andere", Nein),
            ("eigene_rechtsperson", Ja),
            ("privat_oder_markt", Ja),
        ],
        Rechtsform::Gmbh,
        "GmbH",
    );
}

#[test]
fn a_commercial_body_with_a_board_is_a_gemeinsame_anstalt() {
    leads_to(
        &[
            ("nur_koordination", Nein),
            ("eine_fuer_andere", Nein),
            ("eigene_rechtsperson", Ja),
            ("privat_oder_markt", Nein),
            ("unternehmerisch", Ja),
        ],
        Rechtsform::GemeinsameAnstalt,
        "gemeinsame kommunale Anstalt",
    );
}

#[test]
fn an_own_legal_person_steered_by_its_members_is_a_zweckverband() {
    leads_to(
        &[
            ("nur_koordination", Nein),
            ("eine_fuer_andere", Nein),
            ("eigene_rechtsperson", Ja),
            ("privat_oder_markt", Nein),
            ("unternehmerisch", Nein),
        ],
        Rechtsform::Zweckverband,
        "Zweckverband",
    );
}

#[test]
fn weiss_nicht_names_the_open_question_and_what_it_decides() {
    let r = recommend(&answers(&[
        ("nur_koordination", Nein),
        ("eine_fuer_andere", Nein),
        ("eigene_rechtsperson", Ja),
        ("privat_oder_markt", WeissNicht),
        // An answer beyond the open question does not count.
        ("unternehmerisch", Ja),
    ]))
    .unwrap();
    assert_eq!(r.empfehlung, None);
    assert_eq!(r.gruende.len(), 3);
    assert_eq!(
        r.in_betracht,
        vec![
            Rechtsform::Zweckverband,
            Rechtsform::GemeinsameAnstalt,
            Rechtsform::Gmbh
        ]
    );
    assert_eq!(
        r.offen.as_deref(),
        Some(
            "Noch offen: „Sollen private Partner beteiligt werden oder soll die Einrichtung am \
             Markt im Wettbewerb mit privaten Anbietern tätig sein?“ Je nach Antwort kommen in \
             Betracht: Zweckverband, Gemeinsame kommunale Anstalt, GmbH."
        )
    );
}

#[test]
fn no_answers_yet_open_the_first_question_with_every_form_possible() {
    let r = recommend(&Answers::new()).unwrap();
    assert_eq!(r.empfehlung, None);
    assert_eq!(r.in_betracht.len(), 5);
    assert!(r.offen.unwrap().contains("nur um Abstimmung"));
}

#[test]
fn the_data_file_parses_and_every_path_ends_in_a_described_form() {
    let data = rlp();
    assert!(data.quelle.contains("KomZG"));
    assert!(!data.stand.is_empty());
    let paths = data.pfad.all_paths().unwrap();
    assert_eq!(paths.len(), 7, "the seven branches tested above");
    let mut reached: Vec<Rechtsform> = paths.iter().map(|(_, f)| *f).collect();
    reached.sort();
    reached.dedup();
    assert_eq!(reached.len(), 5, "every form is reachable");
    for (answers, form) in &paths {
        assert!(data.form(*form).is_some(), "{form:?} is described");
        assert_eq!(data.recommend(answers).unwrap().empfehlung, Some(*form));
    }
    // Every form has a cell for every criterion, and the table shows them all.
    for form in &data.formen {
        for c in &data.kriterien {
            assert!(
                form.vergleich.get(&c.key).is_some_and(|t| !t.is_empty()),
                "{:?} lacks {}",
                form.key,
                c.key
            );
        }
        assert_eq!(form.vergleich.len(), data.kriterien.len());
    }
    let table = data.table();
    assert_eq!(table.kopf.len(), 6);
    assert_eq!(table.zeilen.len(), 9);
    assert!(table
        .zeilen
        .iter()
        .any(|r| r[0].contains("§ 108 Abs. 6 GWB")));
    assert!(table.zeilen.iter().any(|r| r[0].contains("Art. 26 DSGVO")));
}

#[test]
fn answers_are_plain_data() {
    let a = answers(&[("nur_koordination", Nein), ("eine_fuer_andere", WeissNicht)]);
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(
        json,
        r#"{"eine_fuer_andere":"weiss_nicht","nur_koordination":"nein"}"#
    );
    assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), a);
}

#[test]
fn an_open_question_between_two_kinds_of_one_form_still_recommends_it() {
    let r = recommend(&answers(&[
        ("nur_koordination", Nein),
        ("eine_fuer_andere", Ja),
        ("zustaendigkeit_geht_ueber", WeissNicht),
    ]))
    .unwrap();
    assert_eq!(r.empfehlung, Some(Rechtsform::Zweckvereinbarung));
    assert_eq!(r.name.as_deref(), Some("Zweckvereinbarung"));
    assert!(r.offen.unwrap().contains("Zuständigkeit"));
    assert_eq!(r.in_betracht, vec![Rechtsform::Zweckvereinbarung]);
}
