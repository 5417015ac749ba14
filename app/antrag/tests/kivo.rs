//! The KI-VO- und Datenschutz-Vorprüfung: one test per branch of the
//! question path, the further questions, "weiß nicht", the old flag.

use ikz_antrag::kivo::{data, evaluate, from_legacy_high_risk, KivoCheck, KivoResult, RiskClass};
use ikz_antrag::path::{Answer, Answers};
use Answer::{Ja, Nein, WeissNicht};

const ART_4: &str = "Art. 4 KI-VO";
const ART_26: &str = "Art. 26 KI-VO";
const ART_27: &str = "Art. 27 KI-VO";
const ART_49: &str = "Art. 49 KI-VO";
const ART_50: &str = "Art. 50 KI-VO";
const ART_5: &str = "Nicht einsetzen";
const ART_6_4: &str = "Art. 6 Abs. 4 KI-VO";

fn check(path: &[(&str, Answer)]) -> KivoResult {
    // The further questions answered "nein" unless the path says otherwise.
    let mut answers: Answers = [
        ("gpai_api", Nein),
        ("personenbezug", Nein),
        ("beschaeftigte", Nein),
    ]
    .iter()
    .map(|(q, a)| ((*q).to_owned(), *a))
    .collect();
    answers.extend(path.iter().map(|(q, a)| ((*q).to_owned(), *a)));
    evaluate(&KivoCheck {
        antworten: answers,
        vorbelegt: None,
    })
    .unwrap()
}

fn has(result: &KivoResult, marker: &str) -> bool {
    result.todos.iter().any(|t| t.contains(marker))
}

fn assert_class(result: &KivoResult, class: RiskClass, with: &[&str], without: &[&str]) {
    assert_eq!(result.klasse, Some(class), "{result:#?}");
    assert!(result.vollstaendig, "{:?}", result.offen);
    assert_eq!(result.uebernommen, None);
    for m in with {
        assert!(has(result, m), "missing {m}: {:#?}", result.todos);
    }
    for m in without {
        assert!(!has(result, m), "unexpected {m}: {:#?}", result.todos);
    }
    assert_eq!(
        result.hinweis,
        "Vorprüfung, keine Rechts- oder Steuerberatung"
    );
}

const HIGH: [&str; 4] = [ART_4, ART_26, ART_27, ART_49];

#[test]
fn no_ai_system_has_no_ai_act_to_dos() {
    let r = check(&[("ki_system", Nein)]);
    assert_class(&r, RiskClass::KeinKiSystem, &[], &[ART_4, ART_26, ART_50]);
    assert_eq!(r.klasse_name.as_deref(), Some("Kein KI-System"));
}

#[test]
fn a_prohibited_practice_is_verboten() {
    let r = check(&[("ki_system", Ja), ("verbotene_praxis", Ja)]);
    assert_class(&r, RiskClass::Verboten, &[ART_4, ART_5], &[ART_26]);
    assert!(r.gruende.iter().any(|g| g.contains("Art. 5")));
}

#[test]
fn no_annex_iii_with_a_chatbot_is_begrenzt() {
    let r = check(&[
        ("ki_system", Ja),
        ("verbotene_praxis", Nein),
        ("anhang_iii", Nein),
        ("transparenz", Ja),
    ]);
    assert_class(&r, RiskClass::Begrenzt, &[ART_4, ART_50], &[ART_26]);
    assert_eq!(r.klasse_name.as_deref(), Some("Begrenzt (Transparenz)"));
}

#[test]
fn no_annex_iii_and_no_transparency_duty_is_minimal() {
    let r = check(&[
        ("ki_system", Ja),
        ("verbotene_praxis", Nein),
        ("anhang_iii", Nein),
        ("transparenz", Nein),
    ]);
    assert_class(&r, RiskClass::Minimal, &[ART_4], &[ART_26, ART_50]);
}

#[test]
fn annex_iii_with_profiling_and_a_chatbot_is_hoch_with_transparency() {
    let r = check(&[
        ("ki_system", Ja),
        ("verbotene_praxis", Nein),
        ("anhang_iii", Ja),
        ("profiling", Ja),
        ("transparenz_hoch", Ja),
    ]);
    assert_class(
        &r,
        RiskClass::Hoch,
        &[HIGH.as_slice(), &[ART_50]].concat(),
        &[],
    );
    assert!(r
        .gruende
        .iter()
        .any(|g| g.contains("Ausnahmen des Art. 6 Abs. 3 greifen nicht")));
}

#[test]
fn annex_iii_with_profiling_is_always_hoch() {
    let r = check(&[
        ("ki_system", Ja),
        ("verbotene_praxis", Nein),
        ("anhang_iii", Ja),
        ("profiling", Ja),
        ("transparenz_hoch", Nein),
        // An exception answered anyway does not count: profiling skips it.
        ("ausnahme_6_3", Ja),
    ]);
    assert_class(&r, RiskClass::Hoch, &HIGH, &[ART_50, ART_6_4]);
}

#[test]
fn annex_iii_with_an_art_6_3_exception_and_a_chatbot_is_begrenzt() {
    let r = check(&[
        ("ki_system", Ja),
        ("verbotene_praxis", Nein),
        ("anhang_iii", Ja),
        ("profiling", Nein),
        ("ausnahme_6_3", Ja),
        ("transparenz", Ja),
    ]);
    assert_class(
        &r,
        RiskClass::Begrenzt,
        &[ART_4, ART_50, ART_6_4],
        &[ART_26],
    );
}

#[test]
fn annex_iii_with_an_art_6_3_exception_is_otherwise_minimal() {
    let r = check(&[
        ("ki_system", Ja),
        ("verbotene_praxis", Nein),
        ("anhang_iii", Ja),
        ("profiling", Nein),
        ("ausnahme_6_3", Ja),
        ("transparenz", Nein),
    ]);
    assert_class(&r, RiskClass::Minimal, &[ART_4, ART_6_4], &[ART_26, ART_50]);
}

#[test]
fn annex_iii_without_exception_and_with_published_texts_is_hoch_with_transparency() {
    let r = check(&[
        ("ki_system", Ja),
        ("verbotene_praxis", Nein),
        ("anhang_iii", Ja),
        ("profiling", Nein),
        ("ausnahme_6_3", Nein),
        ("transparenz_hoch", Ja),
    ]);
    assert_class(
        &r,
        RiskClass::Hoch,
        &[HIGH.as_slice(), &[ART_50]].concat(),
        &[ART_6_4],
    );
}

#[test]
fn annex_iii_without_exception_is_hoch() {
    let r = check(&[
        ("ki_system", Ja),
        ("verbotene_praxis", Nein),
        ("anhang_iii", Ja),
        ("profiling", Nein),
        ("ausnahme_6_3", Nein),
        ("transparenz_hoch", Nein),
    ]);
    assert_class(&r, RiskClass::Hoch, &HIGH, &[ART_50]);
}

const MINIMAL_PATH: [(&str, Answer); 4] = [
    ("ki_system", Ja),
    ("verbotene_praxis", Nein),
    ("anhang_iii", Nein),
    ("transparenz", Nein),
];

#[test]
fn personal_data_with_joint_control_adds_the_data_protection_to_dos() {
    let r = check(
        &[
            MINIMAL_PATH.as_slice(),
            &[
                ("gpai_api", Ja),
                ("personenbezug", Ja),
                ("rechtsgrundlage", Nein),
                ("art22", Ja),
                ("dsfa", Ja),
                ("gemeinsame_verantwortung", Ja),
                ("beschaeftigte", Ja),
            ],
        ]
        .concat(),
    );
    assert_class(
        &r,
        RiskClass::Minimal,
        &[
            "Art. 53 KI-VO",
            "Art. 30 DSGVO",
            "Rechtsgrundlage klären",
            "Art. 22 Abs. 2 DSGVO",
            "Art. 35 DSGVO",
            "Art. 26 DSGVO",
            "Personalrat",
        ],
        &["Art. 28 DSGVO"],
    );
}

#[test]
fn personal_data_processed_for_others_needs_an_av_vertrag() {
    let r = check(
        &[
            MINIMAL_PATH.as_slice(),
            &[
                ("personenbezug", Ja),
                ("rechtsgrundlage", Ja),
                ("art22", Nein),
                ("dsfa", Nein),
                ("gemeinsame_verantwortung", Nein),
            ],
        ]
        .concat(),
    );
    assert_class(
        &r,
        RiskClass::Minimal,
        &["Art. 28 DSGVO", "Art. 30 DSGVO"],
        &[
            "Art. 26 DSGVO",
            "Art. 35 DSGVO",
            "Rechtsgrundlage klären",
            "Personalrat",
        ],
    );
}

#[test]
fn personal_data_questions_are_asked_only_with_personal_data() {
    let r = check(&[MINIMAL_PATH.as_slice(), &[("personenbezug", Ja)]].concat());
    assert!(!r.vollstaendig);
    assert_eq!(r.offen.len(), 4, "{:?}", r.offen);
    let r = check(&MINIMAL_PATH);
    assert!(r.vollstaendig);
}

#[test]
fn weiss_nicht_leaves_the_class_open_and_asks_to_clarify() {
    let r = check(&[
        ("ki_system", Ja),
        ("verbotene_praxis", Nein),
        ("anhang_iii", WeissNicht),
    ]);
    assert_eq!(r.klasse, None);
    assert!(!r.vollstaendig);
    assert_eq!(r.offen.len(), 1);
    assert!(r.offen[0]
        .starts_with("Noch offen: „Fällt der Einsatz unter einen Anwendungsfall des Anhangs III"));
    assert!(r
        .todos
        .iter()
        .any(|t| t.starts_with("Klären: Fällt der Einsatz")));
    assert_eq!(
        r.gruende.len(),
        2 + 3,
        "two path answers, three further ones"
    );
}

#[test]
fn a_ticked_high_risk_flag_becomes_an_incomplete_hoch_check_to_review() {
    assert_eq!(from_legacy_high_risk(false), None);
    let check = from_legacy_high_risk(true).unwrap();
    assert_eq!(check.antworten.get("anhang_iii"), Some(&Ja));
    assert_eq!(check.vorbelegt, Some(RiskClass::Hoch));
    let r = evaluate(&check).unwrap();
    assert_eq!(r.klasse, Some(RiskClass::Hoch));
    assert!(!r.vollstaendig);
    assert!(r
        .uebernommen
        .as_deref()
        .unwrap()
        .starts_with("Aus älterer Sitzung übernommen, bitte prüfen"));
    assert_eq!(r.gruende[0], r.uebernommen.clone().unwrap());
    assert!(r.offen[0].contains("Ist es ein KI-System"));
    for m in HIGH {
        assert!(has(&r, m), "{m}");
    }
    // Answering the path replaces the preset by the answers' class.
    let mut answered = check.clone();
    for (q, a) in MINIMAL_PATH {
        answered.antworten.insert(q.to_owned(), a);
    }
    answered.antworten.insert("personenbezug".into(), Nein);
    answered.antworten.insert("beschaeftigte".into(), Nein);
    answered.antworten.insert("gpai_api".into(), Nein);
    let r = evaluate(&answered).unwrap();
    assert_eq!(r.klasse, Some(RiskClass::Minimal));
    assert!(r.vollstaendig);
    assert_eq!(r.uebernommen, None);
}

#[test]
fn the_data_file_parses_and_every_path_ends_in_a_described_class() {
    let d = data();
    assert_eq!(d.hinweis, "Vorprüfung, keine Rechts- oder Steuerberatung");
    assert!(!d.stand.is_empty() && !d.stand_hinweis.is_empty());
    let dates: Vec<&str> = d.geltung.iter().map(|g| g.datum.as_str()).collect();
    assert_eq!(
        dates,
        ["2025-02-02", "2025-08-02", "2026-08-02", "2027-08-02"]
    );
    let paths = d.pfad.all_paths().unwrap();
    assert_eq!(paths.len(), 10, "the ten branches tested above");
    let mut reached: Vec<RiskClass> = paths.iter().map(|(_, c)| *c).collect();
    reached.sort();
    reached.dedup();
    assert_eq!(reached.len(), 5, "every class is reachable");
    for (_, class) in &paths {
        assert!(d.class(*class).is_some());
    }
    for q in &d.zusatzfragen {
        if let Some(c) = &q.wenn {
            let known = d.pfad.question(&c.frage).is_some()
                || d.zusatzfragen.iter().any(|z| z.id == c.frage);
            assert!(known, "{} depends on unknown {}", q.id, c.frage);
        }
    }
}

#[test]
fn a_check_is_plain_data() {
    let check = from_legacy_high_risk(true).unwrap();
    let json = serde_json::to_string(&check).unwrap();
    assert_eq!(
        json,
        r#"{"antworten":{"anhang_iii":"ja"},"vorbelegt":"hoch"}"#
    );
    let back: KivoCheck = serde_json::from_str(r#"{"antworten":{}}"#).unwrap();
    assert_eq!(back, KivoCheck::default());
}

#[test]
fn an_open_question_that_cannot_change_the_class_leaves_it_known() {
    let r = check(&[
        ("ki_system", Ja),
        ("verbotene_praxis", Nein),
        ("anhang_iii", Ja),
        ("profiling", Nein),
        ("ausnahme_6_3", Nein),
        ("transparenz_hoch", WeissNicht),
    ]);
    assert_eq!(r.klasse, Some(RiskClass::Hoch));
    assert!(!r.vollstaendig);
    assert!(r.offen[0].contains("Art. 50"));
    for m in HIGH {
        assert!(has(&r, m), "{m}");
    }
}
