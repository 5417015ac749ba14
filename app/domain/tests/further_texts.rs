//! The English texts of the further methods (`app/locales/methods/en-further.json`)
//! are complete and have nothing stale: every German text of the templates
//! in `templates::FURTHER`, their criteria and their words has an English one
//! of its own at the path the UI will look it up by, and the file has
//! nothing else. (The methods the moderator can pick are checked the same
//! way against `en.json` by the app's `method_texts` test; the file joins
//! that one when these methods join `templates::ALL`.)

use ikz_domain::board::{Stance, Status};
use ikz_domain::figures::phases::{Light, HINT_DE};
use ikz_domain::templates::{CARRY_DE, CARRY_FIELD_DE, FURTHER, WER};
use serde_json::Value;

const EN: &str = include_str!("../../locales/methods/en-further.json");

struct Walk {
    en: Value,
    paths: usize,
}

impl Walk {
    /// The English text at `path` exists, differs from the German one and
    /// is counted; an empty German text has no English one.
    fn check(&mut self, path: &[&str], german: &str) {
        let english = path
            .iter()
            .try_fold(&self.en, |v, key| v.get(*key))
            .and_then(Value::as_str);
        if german.is_empty() {
            assert_eq!(english, None, "{path:?} has no German text");
            return;
        }
        let english = english.unwrap_or_else(|| panic!("{path:?} missing"));
        assert!(!english.trim().is_empty(), "{path:?}");
        assert_ne!(english, german, "{path:?} not translated");
        self.paths += 1;
    }
}

fn leaves(v: &Value) -> usize {
    match v {
        Value::Object(m) => m.values().map(leaves).sum(),
        Value::Array(a) => a.iter().map(leaves).sum(),
        _ => 1,
    }
}

#[test]
fn the_english_texts_of_the_further_methods_are_complete_and_have_nothing_stale() {
    let mut walk = Walk {
        en: serde_json::from_str(EN).expect("en-further.json is JSON"),
        paths: 0,
    };
    for t in FURTHER {
        walk.check(&[t.key, "title"], t.title);
        walk.check(&[t.key, "intro"], t.intro);
        if let Some(h) = t.header {
            walk.check(&[t.key, "header", "label"], h.label);
            walk.check(&[t.key, "header", "prompt"], h.prompt);
        }
        for s in t.sections {
            walk.check(&[t.key, "sections", s.id, "label"], s.label);
            walk.check(&[t.key, "sections", s.id, "prompt"], s.prompt);
            walk.check(&[t.key, "sections", s.id, "short"], s.short);
            for i in s.items {
                walk.check(&[t.key, "items", i.id], i.label);
            }
        }
        // A field several sections share is one text of the template.
        let mut fields: Vec<_> = t.sections.iter().flat_map(|s| s.fields).collect();
        fields.sort_by_key(|f| f.key);
        fields.dedup_by_key(|f| f.key);
        for f in fields {
            walk.check(&[t.key, "fields", f.key, "label"], f.label);
            walk.check(&[t.key, "fields", f.key, "prompt"], f.prompt);
        }
        for c in t.all_criteria() {
            walk.check(&["criteria", c.key, "question"], c.question);
            for (level, anchor) in (1..).zip(c.anchors) {
                let level = level.to_string();
                walk.check(
                    &["criteria", c.key, "anchors", &level],
                    anchor.unwrap_or(""),
                );
            }
        }
    }
    walk.check(&["words", "wer", "label"], WER.label);
    walk.check(&["words", "wer", "prompt"], WER.prompt);
    for s in Status::ALL {
        walk.check(&["words", "status", s.key()], s.label_de());
    }
    for s in Stance::ALL {
        let key = serde_json::to_value(s).expect("stance");
        walk.check(
            &["words", "stance", key.as_str().expect("key")],
            s.label_de(),
        );
    }
    for l in Light::ALL {
        walk.check(&["words", "light", l.key()], l.label_de());
    }
    walk.check(&["words", "hint"], HINT_DE);
    walk.check(&["words", "carry"], CARRY_DE);
    walk.check(&["words", "carry_field"], CARRY_FIELD_DE);
    assert_eq!(leaves(&walk.en), walk.paths);
}
