//! The Kostenaufteilung workbook (#19) keeps working in the Kämmerei's
//! hands: an input changed in the file and the workbook opened by
//! LibreOffice (headless, recalculating on load as Excel does) gives every
//! result the calculator gives for the changed input.

use ikz_antrag::cost::{
    calculate, sheet, Basis, CostInput, JointInput, KommuneInput, Payback, SheetCell, SplitKey,
};
use server::export::kosten::workbook;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

fn kommune(name: &str, einwohner: f64, fallzahlen: f64, vzae: f64, rest: f64) -> KommuneInput {
    KommuneInput {
        name: name.into(),
        einwohner,
        fallzahlen,
        vzae,
        personalkostensatz: 70_000.0,
        sachkosten: 5_000.0,
        it_kosten: 8_000.0,
        restkosten: rest,
        anteil_von_hand: None,
    }
}

fn input() -> CostInput {
    CostInput {
        kommunen: vec![
            kommune("Musterstadt", 20_000.0, 1_200.0, 2.0, 20_000.0),
            kommune("Übungsdorf", 8_000.0, 500.0, 1.0, 10_000.0),
            // Costs more than today after joining: a negative saving.
            kommune("Beispielheim", 4_000.0, 300.0, 0.2, 20_000.0),
        ],
        gemeinsam: JointInput {
            einmalkosten: 300_000.0,
            laufende_kosten: 90_000.0,
            foerderquote: 0.5,
            foerderhoechstbetrag: 100_000.0,
        },
        schluessel: SplitKey::Sockel {
            sockelanteil: 0.3,
            basis: Basis::Einwohner,
        },
    }
}

/// "B9" for row 8, column 1 (0-based).
fn a1(row: usize, col: usize) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// (row, column) of the label `text` in the sheet model.
fn find(model: &[Vec<SheetCell>], text: &str) -> (usize, usize) {
    for (r, row) in model.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if matches!(cell, SheetCell::Label(l) if l == text) {
                return (r, c);
            }
        }
    }
    panic!("no cell {text}");
}

/// The workbook with the number in cell `cell` of its sheet replaced, as
/// a user typing into Excel leaves it (the formulas' cached values stale).
fn with_input_changed(xlsx: &[u8], cell: &str, value: f64) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("xlsx is a zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut changed = false;
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let name = file.name().expect("entry name").into_owned();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).expect("read entry");
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(bytes).expect("UTF-8");
            let at = xml
                .find(&format!("<c r=\"{cell}\""))
                .unwrap_or_else(|| panic!("cell {cell} in the sheet"));
            let open = at + xml[at..].find("<v>").expect("a value") + 3;
            let close = open + xml[open..].find("</v>").expect("value end");
            bytes = format!("{}{value}{}", &xml[..open], &xml[close..]).into_bytes();
            changed = true;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        out.write_all(&bytes).expect("write entry");
    }
    assert!(changed, "the workbook has no sheet1.xml");
    out.finish().expect("zip").into_inner()
}

/// The sheet as LibreOffice computes it on load (a profile of its own that
/// recalculates OOXML files on load), as rows of raw values.
fn recalculated(path: &Path) -> Vec<Vec<String>> {
    let dir = path.parent().expect("dir");
    let profile = dir.join("profile");
    std::fs::create_dir_all(profile.join("user")).expect("profile");
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .expect("profile settings");
    let out_dir = dir.join("csv");
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", "--convert-to"])
        .arg("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false")
        .arg("--outdir")
        .arg(&out_dir)
        .arg(path)
        .output()
        .expect("LibreOffice installed (scripts/setup.sh --test)");
    assert!(status.status.success(), "{status:?}");
    let file: PathBuf = std::fs::read_dir(&out_dir)
        .expect("out dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "csv"))
        .expect("a CSV");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(file)
        .expect("csv")
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect()
}

/// A value as LibreOffice wrote it unformatted (a percentage keeps its sign).
fn number(text: &str) -> f64 {
    let (digits, scale) = match text.trim().strip_suffix('%') {
        Some(percent) => (percent, 0.01),
        None => (text.trim(), 1.0),
    };
    digits
        .parse::<f64>()
        .map(|n| n * scale)
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

#[test]
fn a_changed_input_recomputes_every_result_in_libreoffice() {
    let before = input();
    let model = sheet(&before).expect("sheet").rows;
    let (first_kommune, _) = find(&model, "Musterstadt");
    let header = first_kommune - 1;
    let (_, einwohner) = find(&model, "Einwohner");
    let cell = a1(first_kommune, einwohner);

    let dir = tempfile::tempdir().expect("dir");
    let bytes = workbook(&before).expect("workbook");
    let changed = with_input_changed(&bytes, &cell, 50_000.0);
    let path = dir.path().join("kosten.xlsx");
    std::fs::write(&path, changed).expect("write");
    let rows = recalculated(&path);

    let mut after = before.clone();
    after.kommunen[0].einwohner = 50_000.0;
    let expected = calculate(&after).expect("calculates");
    let old = calculate(&before).expect("calculates");
    let column = |label: &str| {
        model[header]
            .iter()
            .position(|c| matches!(c, SheetCell::Label(l) if l == label))
            .unwrap_or_else(|| panic!("column {label}"))
    };
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-6 * want.abs().max(1.0);
    for (k, result) in expected.kommunen.iter().enumerate() {
        let row = &rows[first_kommune + k];
        assert_eq!(row[0], result.name);
        let got = number(&row[column("Kosten heute (€ je Jahr)")]);
        assert!(
            close(got, result.kosten_heute),
            "{}: Kosten heute",
            result.name
        );
        // Every result of every scenario (base, Fallzahlen −20 %, +20 %).
        for (suffix, outputs) in [
            ("", &result.basis),
            (" bei Fallzahlen −20 %", &result.fallzahlen_minus),
            (" bei Fallzahlen +20 %", &result.fallzahlen_plus),
        ] {
            for (label, want) in [
                ("Anteil", outputs.anteil),
                ("Anteil an L (€ je Jahr)", outputs.anteil_laufend),
                ("Anteil an I − G (€)", outputs.anteil_einmalig),
                ("Einsparung (€ je Jahr)", outputs.einsparung),
            ] {
                let label = format!("{label}{suffix}");
                let got = number(&row[column(&label)]);
                assert!(
                    close(got, want),
                    "{}: {label} is {got} in LibreOffice, {want} in Rust",
                    result.name
                );
            }
            let label = format!("Amortisation (Jahre){suffix}");
            let cell = &row[column(&label)];
            match outputs.amortisation {
                Payback::Jahre(want) => {
                    let got = number(cell);
                    assert!(
                        close(got, want),
                        "{}: {label} is {got}, {want} in Rust",
                        result.name
                    );
                }
                Payback::Keine => {
                    assert_eq!(cell, "keine Amortisation", "{}: {label}", result.name)
                }
            }
        }
    }
    // The joint results: the grant and I − G.
    for (label, want) in [
        (
            "Förderung G = MIN(Quote × I; Höchstbetrag) (€)",
            expected.foerderung,
        ),
        (
            "Einmalkosten nach Förderung I − G (€)",
            expected.eigenanteil_einmalkosten,
        ),
    ] {
        let (r, c) = find(&model, label);
        let got = number(&rows[r][c + 1]);
        assert!(
            close(got, want),
            "{label} is {got} in LibreOffice, {want} in Rust"
        );
    }
    // The change mattered: the shares moved (not the cached values of the
    // file as written).
    let moved = expected.kommunen[0].basis.anteil - old.kommunen[0].basis.anteil;
    assert!(moved > 0.05, "the larger Kommune's share grew by {moved}");
    let beispielheim = &expected.kommunen[2];
    assert!(beispielheim.basis.einsparung < 0.0, "a negative saving");
    let payback = &rows[first_kommune + 2][column("Amortisation (Jahre)")];
    assert_eq!(payback, "keine Amortisation");
}

#[test]
fn refused_inputs_make_no_workbook_and_say_why_in_german() {
    let mut bad = input();
    bad.gemeinsam.foerderquote = 1.5;
    let err = workbook(&bad).expect_err("a rate above 100 %");
    assert!(err.to_string().contains("Förderquote"), "{err}");
}
