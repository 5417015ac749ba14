//! The files a Kommune looks at before re-using the software: `LICENSE`
//! (the EUPL-1.2 text), the licence in every Cargo manifest, and
//! `publiccode.yml`, parsed by a real YAML parser (Python's `yaml`, Debian's
//! python3-yaml) and checked against the publiccode.yml standard's mandatory
//! keys and limits.

mod common;

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    common::workspace_root()
}

/// `publiccode.yml` as JSON, through a real YAML parser.
fn publiccode() -> Value {
    let script = "import json, sys, yaml\n\
                  json.dump(yaml.safe_load(open(sys.argv[1], encoding='utf-8')), sys.stdout, default=str)";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(root().join("publiccode.yml"))
        .output()
        .expect("python3 runs (with python3-yaml)");
    assert!(
        out.status.success(),
        "publiccode.yml is not valid YAML:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from python")
}

fn text<'a>(v: &'a Value, path: &str) -> &'a str {
    v.pointer(path)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("publiccode.yml: {path} missing or not text"))
}

#[test]
fn publiccode_yml_has_the_mandatory_keys_in_german_and_english() {
    let doc = publiccode();
    // The current standard writes the major version only.
    assert_eq!(text(&doc, "/publiccodeYmlVersion"), "0");
    assert_eq!(text(&doc, "/name"), "IKZ-Werkstatt");
    assert!(text(&doc, "/url").starts_with("https://"));
    assert_eq!(doc["platforms"], serde_json::json!(["web"]));
    assert!(["concept", "development", "beta", "stable", "obsolete"]
        .contains(&text(&doc, "/developmentStatus")));
    assert_eq!(text(&doc, "/softwareType"), "standalone/web");
    assert_eq!(text(&doc, "/legal/license"), "EUPL-1.2");
    assert!(
        ["internal", "contract", "community", "none"].contains(&text(&doc, "/maintenance/type"))
    );
    assert!(!text(&doc, "/maintenance/contacts/0/name").is_empty());
    assert_eq!(doc["localisation"]["localisationReady"], Value::Bool(true));
    assert_eq!(
        doc["localisation"]["availableLanguages"],
        serde_json::json!(["de", "en"])
    );
    assert_eq!(text(&doc, "/softwareVersion"), common::workspace_version());
    for lang in ["de", "en"] {
        let d = &doc["description"][lang];
        let short = text(d, "/shortDescription");
        assert!(short.chars().count() <= 150, "{lang}: shortDescription");
        let long = text(d, "/longDescription").chars().count();
        assert!(
            (150..=10_000).contains(&long),
            "{lang}: longDescription {long}"
        );
        let features = d["features"].as_array().expect("features");
        assert!(features.len() >= 5, "{lang}: features");
        for f in features {
            let f = f.as_str().expect("feature is text");
            assert!(f.chars().count() <= 100, "{lang}: feature too long: {f}");
        }
    }
    let deps: Vec<(&str, bool)> = doc["dependsOn"]["open"]
        .as_array()
        .expect("dependsOn.open")
        .iter()
        .map(|d| (text(d, "/name"), d["optional"] == Value::Bool(true)))
        .collect();
    assert_eq!(deps, [("SQLite", false), ("PostgreSQL", true)]);
}

#[test]
fn licence_is_the_eupl_1_2_everywhere() {
    let licence = std::fs::read_to_string(root().join("LICENSE")).expect("LICENSE");
    let mut lines = licence.lines().map(str::trim);
    assert_eq!(lines.next(), Some("EUROPEAN UNION PUBLIC LICENCE v. 1.2"));
    assert_eq!(lines.next(), Some("EUPL © the European Union 2007, 2016"));
    for clause in [
        "This European Union Public Licence (the ‘EUPL’) applies to the Work",
        "15. Applicable Law",
        "‘Compatible Licences’ according to Article 5 EUPL are:",
        "— GNU General Public License (GPL) v. 2, v. 3",
        "— European Union Public Licence (EUPL) v. 1.1, v. 1.2",
        "All other changes or additions to this Appendix require the production of a new\nEUPL version.",
    ] {
        assert!(licence.contains(clause), "LICENSE lacks: {clause}");
    }
    let workspace = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    assert!(workspace.contains("license = \"EUPL-1.2\""));
    for member in ["app", "app/domain", "app/fuzz", "server", "server/bench"] {
        let manifest = std::fs::read_to_string(root().join(member).join("Cargo.toml"))
            .expect("member manifest");
        assert!(
            manifest.contains("license.workspace = true")
                || manifest.contains("license = \"EUPL-1.2\""),
            "{member}/Cargo.toml does not say EUPL-1.2"
        );
    }
}
