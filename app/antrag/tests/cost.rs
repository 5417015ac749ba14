//! Kostenaufteilung und Wirtschaftlichkeit against hand-computed values,
//! and the sheet's formulas against the Rust results.
//!
//! The three Kommunen of every case (current cost = VZÄ × Satz + Sach + IT):
//! A: 10 000 Einwohner, 200 Fälle, 1,0 × 60 000 + 5 000 + 5 000 = 70 000, Rest 10 000
//! B: 30 000 Einwohner, 600 Fälle, 2,0 × 60 000 + 10 000 + 10 000 = 140 000, Rest 20 000
//! C: 60 000 Einwohner, 200 Fälle, 0,5 × 60 000 + 2 000 + 3 000 = 35 000, Rest 25 000
//! Joint: I = 200 000, L = 120 000, rate 50 %, cap 80 000 → G = 80 000, I − G = 120 000.

mod common;

use common::Grid;
use ikz_antrag::cost::expr::Value;
use ikz_antrag::cost::{
    calculate, sheet, Basis, CostError, CostInput, JointInput, KommuneInput, Outputs, Payback,
    SheetCell, SplitKey,
};

fn kommune(name: &str, e: f64, f: f64, vzae: f64, sach: f64, it: f64, rest: f64) -> KommuneInput {
    KommuneInput {
        name: name.to_owned(),
        einwohner: e,
        fallzahlen: f,
        vzae,
        personalkostensatz: 60_000.0,
        sachkosten: sach,
        it_kosten: it,
        restkosten: rest,
        anteil_von_hand: None,
    }
}

fn input(key: SplitKey) -> CostInput {
    CostInput {
        kommunen: vec![
            kommune("Adorf", 10_000.0, 200.0, 1.0, 5_000.0, 5_000.0, 10_000.0),
            kommune("Bstadt", 30_000.0, 600.0, 2.0, 10_000.0, 10_000.0, 20_000.0),
            kommune("Cheim", 60_000.0, 200.0, 0.5, 2_000.0, 3_000.0, 25_000.0),
        ],
        gemeinsam: JointInput {
            einmalkosten: 200_000.0,
            laufende_kosten: 120_000.0,
            foerderquote: 0.5,
            foerderhoechstbetrag: 80_000.0,
        },
        schluessel: key,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// (share, share of L, share of I − G, saving, payback years or None).
type Expected = (f64, f64, f64, f64, Option<f64>);

fn assert_outputs(name: &str, got: &Outputs, want: Expected) {
    let (share, running, one_off, saving, payback) = want;
    assert!(close(got.anteil, share), "{name} share {}", got.anteil);
    assert!(
        close(got.anteil_laufend, running),
        "{name} L {}",
        got.anteil_laufend
    );
    assert!(
        close(got.anteil_einmalig, one_off),
        "{name} I−G {}",
        got.anteil_einmalig
    );
    assert!(
        close(got.einsparung, saving),
        "{name} saving {}",
        got.einsparung
    );
    match (got.amortisation, payback) {
        (Payback::Jahre(y), Some(w)) => assert!(close(y, w), "{name} payback {y}"),
        (Payback::Keine, None) => {}
        (g, w) => panic!("{name}: payback {g:?}, expected {w:?}"),
    }
}

fn check(input: &CostInput, grant: f64, want: [Expected; 3]) {
    let result = calculate(input).expect("valid input");
    assert!(
        close(result.foerderung, grant),
        "grant {}",
        result.foerderung
    );
    assert!(close(
        result.eigenanteil_einmalkosten,
        input.gemeinsam.einmalkosten - grant
    ));
    for (k, w) in result.kommunen.iter().zip(want) {
        assert_outputs(&k.name, &k.basis, w);
    }
    formulas_agree(input);
}

/// Every formula of the sheet, evaluated by the test's own evaluator,
/// equals its cached value; the cached values are the Rust results.
fn formulas_agree(input: &CostInput) {
    let sheet = sheet(input).expect("valid input");
    let grid = Grid::new(&sheet);
    let mut formulas = 0;
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if let SheetCell::Formula {
                formula, cached, ..
            } = cell
            {
                let a1 = format!("{}{}", ikz_antrag::cost::sheet::column_letter(c), r + 1);
                let computed = grid.value(&a1);
                match (&computed, cached) {
                    (Value::Number(x), Value::Number(y)) => {
                        assert!(close(*x, *y), "{a1} {formula}: {x} vs {y}")
                    }
                    (x, y) => assert_eq!(x, y, "{a1} {formula}"),
                }
                formulas += 1;
            }
        }
    }
    // G, I − G, and per Kommune: current cost + 3 scenarios × 5 outputs.
    assert_eq!(formulas, 2 + input.kommunen.len() * 16);
    let result = calculate(input).expect("valid input");
    // The sheet's cached values are the calculator's, cell for cell.
    let header = sheet
        .rows
        .iter()
        .position(|row| matches!(row.first(), Some(SheetCell::Label(l)) if l == "Kommune"))
        .expect("header row");
    for (k, kommune) in result.kommunen.iter().enumerate() {
        let row = &sheet.rows[header + 1 + k];
        let numbers: Vec<f64> = row
            .iter()
            .filter_map(|c| match c {
                SheetCell::Formula {
                    cached: Value::Number(x),
                    ..
                } => Some(*x),
                _ => None,
            })
            .collect();
        assert!(close(numbers[0], kommune.kosten_heute));
        assert!(close(numbers[1], kommune.basis.anteil));
        assert!(close(numbers[4], kommune.basis.einsparung));
    }
}

#[test]
fn equal_shares_with_a_capped_grant_and_a_negative_saving() {
    check(
        &input(SplitKey::Gleich),
        80_000.0,
        [
            (1.0 / 3.0, 40_000.0, 40_000.0, 20_000.0, Some(2.0)),
            (1.0 / 3.0, 40_000.0, 40_000.0, 80_000.0, Some(0.5)),
            // 35 000 − (25 000 + 40 000) = −30 000: keine Amortisation
            (1.0 / 3.0, 40_000.0, 40_000.0, -30_000.0, None),
        ],
    );
}

#[test]
fn split_by_einwohner() {
    check(
        &input(SplitKey::Einwohner),
        80_000.0,
        [
            (0.1, 12_000.0, 12_000.0, 48_000.0, Some(0.25)),
            (0.3, 36_000.0, 36_000.0, 84_000.0, Some(3.0 / 7.0)),
            (0.6, 72_000.0, 72_000.0, -62_000.0, None),
        ],
    );
}

#[test]
fn split_by_fallzahlen() {
    check(
        &input(SplitKey::Fallzahlen),
        80_000.0,
        [
            (0.2, 24_000.0, 24_000.0, 36_000.0, Some(2.0 / 3.0)),
            (0.6, 72_000.0, 72_000.0, 48_000.0, Some(1.5)),
            (0.2, 24_000.0, 24_000.0, -14_000.0, None),
        ],
    );
}

#[test]
fn sockel_and_einwohner() {
    // a = 0,4: 0,4/3 + 0,6 · (0,1 | 0,3 | 0,6)
    check(
        &input(SplitKey::Sockel {
            sockelanteil: 0.4,
            basis: Basis::Einwohner,
        }),
        80_000.0,
        [
            (
                0.4 / 3.0 + 0.06,
                23_200.0,
                23_200.0,
                36_800.0,
                Some(29.0 / 46.0),
            ),
            (
                0.4 / 3.0 + 0.18,
                37_600.0,
                37_600.0,
                82_400.0,
                Some(47.0 / 103.0),
            ),
            (0.4 / 3.0 + 0.36, 59_200.0, 59_200.0, -49_200.0, None),
        ],
    );
}

#[test]
fn sockel_and_fallzahlen() {
    // a = 0,5: 0,5/3 + 0,5 · (0,2 | 0,6 | 0,2)
    check(
        &input(SplitKey::Sockel {
            sockelanteil: 0.5,
            basis: Basis::Fallzahlen,
        }),
        80_000.0,
        [
            (
                0.5 / 3.0 + 0.1,
                32_000.0,
                32_000.0,
                28_000.0,
                Some(8.0 / 7.0),
            ),
            (0.5 / 3.0 + 0.3, 56_000.0, 56_000.0, 64_000.0, Some(0.875)),
            (0.5 / 3.0 + 0.1, 32_000.0, 32_000.0, -22_000.0, None),
        ],
    );
}

fn by_hand(shares: [f64; 3]) -> CostInput {
    let mut i = input(SplitKey::VonHand);
    for (k, s) in i.kommunen.iter_mut().zip(shares) {
        k.anteil_von_hand = Some(s);
    }
    i
}

#[test]
fn by_hand_with_a_zero_grant_and_a_saving_of_exactly_zero() {
    let mut i = by_hand([0.5, 0.3, 0.2]);
    i.gemeinsam.foerderquote = 0.0;
    check(
        &i,
        0.0,
        [
            // 70 000 − (10 000 + 60 000) = 0: no saving, no payback
            (0.5, 60_000.0, 100_000.0, 0.0, None),
            (0.3, 36_000.0, 60_000.0, 84_000.0, Some(5.0 / 7.0)),
            (0.2, 24_000.0, 40_000.0, -14_000.0, None),
        ],
    );
}

#[test]
fn a_cap_of_zero_is_a_zero_grant_and_a_cap_above_the_rate_does_not_bind() {
    let mut i = input(SplitKey::Gleich);
    i.gemeinsam.foerderhoechstbetrag = 0.0;
    assert_eq!(calculate(&i).unwrap().foerderung, 0.0);
    formulas_agree(&i);
    i.gemeinsam.foerderquote = 0.25;
    i.gemeinsam.foerderhoechstbetrag = 80_000.0;
    assert_eq!(calculate(&i).unwrap().foerderung, 50_000.0);
    formulas_agree(&i);
}

#[test]
fn sensitivity_scales_every_fallzahl_which_a_proportional_key_cancels_out() {
    // Every Fallzahl × 0,8 (or × 1,2) scales X_k and ΣX alike, so shares,
    // savings and paybacks stay as they are, for every key.
    for key in [
        SplitKey::Fallzahlen,
        SplitKey::Sockel {
            sockelanteil: 0.5,
            basis: Basis::Fallzahlen,
        },
    ] {
        let result = calculate(&input(key)).unwrap();
        for k in &result.kommunen {
            for scenario in [&k.fallzahlen_minus, &k.fallzahlen_plus] {
                assert!(close(scenario.anteil, k.basis.anteil));
                assert!(close(scenario.einsparung, k.basis.einsparung));
            }
        }
    }
}

#[test]
fn formulas_are_spreadsheet_text_with_a1_references() {
    let s = sheet(&input(SplitKey::Einwohner)).unwrap();
    let grid = Grid::new(&s);
    let formula = |a1: &str| match grid.cell(a1) {
        SheetCell::Formula { formula, .. } => formula.clone(),
        other => panic!("{a1} is {other:?}"),
    };
    // Joint rows 4-11 (I, L, rate, cap, G, I − G, factors), header 13, Kommunen 14-16.
    assert_eq!(formula("B8"), "=MIN(B6*B4,B7)");
    assert_eq!(formula("B9"), "=B4-B8");
    assert_eq!(formula("I14"), "=D14*E14+F14+G14");
    assert_eq!(formula("J14"), "=B14/SUM(B14:B16)");
    assert_eq!(formula("K15"), "=J15*B5");
    assert_eq!(formula("M16"), "=I16-(H16+K16)");
    assert_eq!(formula("N14"), "=IF(M14<=0,\"keine Amortisation\",L14/M14)");
    let s = sheet(&input(SplitKey::Sockel {
        sockelanteil: 0.5,
        basis: Basis::Fallzahlen,
    }))
    .unwrap();
    let grid = Grid::new(&s);
    // With the Sockel row (B10), the factors move to B11/B12, the table to 15-17.
    match grid.cell("O15") {
        SheetCell::Formula { formula, .. } => {
            assert_eq!(formula, "=B10/3+(1-B10)*(C15*B11/(SUM(C15:C17)*B11))")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn refuses_invalid_inputs_with_typed_errors() {
    let mut i = input(SplitKey::Einwohner);
    i.kommunen.clear();
    assert_eq!(calculate(&i), Err(CostError::NoKommune));

    let mut i = input(SplitKey::Einwohner);
    i.kommunen[1].einwohner = -1.0;
    assert_eq!(
        calculate(&i),
        Err(CostError::InvalidKommuneValue {
            kommune: "Bstadt".into(),
            field: "Einwohner".into()
        })
    );
    i.kommunen[1].einwohner = f64::NAN;
    assert!(matches!(
        calculate(&i),
        Err(CostError::InvalidKommuneValue { .. })
    ));

    let mut i = input(SplitKey::Gleich);
    i.gemeinsam.laufende_kosten = -5.0;
    assert!(matches!(
        calculate(&i),
        Err(CostError::InvalidJointValue { .. })
    ));

    let mut i = input(SplitKey::Gleich);
    i.gemeinsam.foerderquote = 1.5;
    assert_eq!(calculate(&i), Err(CostError::RateOutOfRange(1.5)));
    i.gemeinsam.foerderquote = -0.1;
    assert_eq!(calculate(&i), Err(CostError::RateOutOfRange(-0.1)));

    let i = input(SplitKey::Sockel {
        sockelanteil: 1.2,
        basis: Basis::Einwohner,
    });
    assert_eq!(calculate(&i), Err(CostError::SockelOutOfRange(1.2)));

    let mut i = input(SplitKey::Fallzahlen);
    for k in &mut i.kommunen {
        k.fallzahlen = 0.0;
    }
    let err = calculate(&i).unwrap_err();
    assert_eq!(err, CostError::ZeroBase("Fallzahlen je Jahr".into()));
    assert_eq!(
        err.to_string(),
        "Die Summe der Fallzahlen je Jahr aller Kommunen ist 0; danach lässt sich nicht aufteilen."
    );
    // Equal shares need no base.
    i.schluessel = SplitKey::Gleich;
    assert!(calculate(&i).is_ok());
}

#[test]
fn shares_by_hand_must_sum_to_100_percent() {
    let err = calculate(&by_hand([0.5, 0.3, 0.1])).unwrap_err();
    assert!(matches!(err, CostError::HandSharesNotWhole(s) if close(s, 0.9)));
    let mut i = by_hand([0.5, 0.3, 0.2]);
    i.kommunen[2].anteil_von_hand = None;
    assert_eq!(
        calculate(&i),
        Err(CostError::MissingHandShare("Cheim".into()))
    );
    assert!(calculate(&by_hand([0.3333, 0.3333, 0.3334])).is_ok());
}

#[test]
fn inputs_and_results_are_plain_serde_data() {
    let i = input(SplitKey::Sockel {
        sockelanteil: 0.4,
        basis: Basis::Einwohner,
    });
    let json = serde_json::to_string(&i).unwrap();
    assert!(
        json.contains(r#""schluessel":{"art":"sockel","sockelanteil":0.4,"basis":"einwohner"}"#)
    );
    let back: CostInput = serde_json::from_str(&json).unwrap();
    assert_eq!(back, i);
    let result = calculate(&i).unwrap();
    let json = serde_json::to_string(&result).unwrap();
    assert!(json.contains(r#""amortisation":"keine""#));
}
