//! The method texts (template titles, field labels, prompt questions,
//! starters, fixed items, named fields, Projektskizze labels and choices,
//! the words of statuses, stances and carry-over buttons) in the user's
//! locale. German is the source, in `domain::templates`, `domain::sketch`
//! and `domain::board`; English comes from `locales/methods/en.json`, looked
//! up by template key and section id (a test checks that it has every text
//! and nothing more).

use crate::domain::board::{SketchField, Stance, Status};
use crate::domain::evaluation::criteria::{anchor_in, AnchorWords, CriterionDef, CriterionKey};
use crate::domain::evaluation::portfolio::{ChartModel, ChartWords, Quadrant};
use crate::domain::figures::phases::{hint_text, Light, HINT_DE};
use crate::domain::figures::ustg::Hint;
use crate::domain::sketch::{
    Einsatzfeld, Kooperationsform, EINSATZFELD_LABEL, KOOPERATIONSFORM_LABEL,
};
use crate::domain::templates::{
    self, CarryTarget, FieldDef, FixedItem, Section, Starter, Template, CARRY_DE, CARRY_FIELD_DE,
    WER,
};
use crate::i18n::Locale;
use serde_json::Value;
use std::sync::LazyLock;

static EN: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../locales/methods/en.json")).unwrap_or(Value::Null)
});

/// The English text at `path`, or the German one where it is missing (an
/// empty German text, such as a section without a prompt, stays empty).
fn pick(locale: Locale, path: &[&str], german: &str) -> String {
    if locale == Locale::de || german.is_empty() {
        return german.to_owned();
    }
    english_at(path).unwrap_or(german).to_owned()
}

/// The English text at `path` of the file, if it has one.
fn english_at(path: &[&str]) -> Option<&'static str> {
    path.iter()
        .try_fold(&*EN, |v, key| match (v, key.parse::<usize>()) {
            (Value::Array(items), Ok(i)) => items.get(i),
            _ => v.get(*key),
        })
        .and_then(Value::as_str)
}

pub fn title(locale: Locale, template: &Template) -> String {
    pick(locale, &[template.key, "title"], template.title)
}

pub fn section_label(locale: Locale, template: &Template, section: &Section) -> String {
    pick(
        locale,
        &[template.key, "sections", section.id, "label"],
        section.label,
    )
}

pub fn section_prompt(locale: Locale, template: &Template, section: &Section) -> String {
    pick(
        locale,
        &[template.key, "sections", section.id, "prompt"],
        section.prompt,
    )
}

/// The header field's label and prompt, if the template has one.
pub fn header(locale: Locale, template: &Template) -> Option<(String, String)> {
    template.header.map(|h| {
        (
            pick(locale, &[template.key, "header", "label"], h.label),
            pick(locale, &[template.key, "header", "prompt"], h.prompt),
        )
    })
}

/// A section's short name (a radar axis), or its label where it has none.
pub fn section_short(locale: Locale, template: &Template, section: &Section) -> String {
    if section.short.is_empty() {
        return section_label(locale, template, section);
    }
    pick(
        locale,
        &[template.key, "sections", section.id, "short"],
        section.short,
    )
}

/// The fixed text above the sections (the Erfolgsfaktoren's header).
pub fn intro(locale: Locale, template: &Template) -> String {
    pick(locale, &[template.key, "intro"], template.intro)
}

/// A fixed item's label (E2).
pub fn item_label(locale: Locale, template: &Template, item: &FixedItem) -> String {
    pick(locale, &[template.key, "items", item.id], item.label)
}

/// What a card is called in `locale`: a fixed item's label (the
/// template's, translated), an own card's text.
pub fn card_label(
    locale: Locale,
    template: &Template,
    card: &crate::domain::board::Card,
) -> String {
    match card.item.as_deref().and_then(|id| template.item(id)) {
        Some((_, item)) => item_label(locale, template, item),
        None => card.text.clone(),
    }
}

/// A named field's label and prompt (E1); "Wer" is every task's.
pub fn field(locale: Locale, template: &Template, field: &FieldDef) -> (String, String) {
    let base = if field.key == WER.key {
        vec!["words", "wer"]
    } else {
        vec![template.key, "fields", field.key]
    };
    let at = |part: &'static str| [base.as_slice(), &[part]].concat();
    (
        pick(locale, &at("label"), field.label),
        pick(locale, &at("prompt"), field.prompt),
    )
}

/// A checklist item's status (E4).
pub fn status(locale: Locale, status: Status) -> String {
    pick(
        locale,
        &["words", "status", status.key()],
        status.label_de(),
    )
}

/// A Kommune's stance on a goal, in words (the screen shows its sign too).
pub fn stance(locale: Locale, stance: Stance) -> String {
    pick(
        locale,
        &["words", "stance", stance.key()],
        stance.label_de(),
    )
}

/// A phase's traffic light, in words.
pub fn light(locale: Locale, light: Light) -> String {
    pick(locale, &["words", "light", light.key()], light.label_de())
}

/// The § 2b hint of a case, in words.
pub fn ust_hint(locale: Locale, hint: Hint) -> String {
    pick(locale, &["words", "ust_hint", hint.key()], hint.label_de())
}

/// A choice field's word (§ 2b answers, Format) as its button reads in
/// `locale`; the field's text stays the German word (the figures read it).
/// Numbers (Aufwand) read the same in every language.
pub fn choice(locale: Locale, word: &str) -> String {
    if word.chars().all(|c| c.is_ascii_digit()) {
        return word.to_owned();
    }
    pick(locale, &["words", "choice", word], word)
}

/// "Anbahnung erst zu 40 % erledigt" in `locale`.
pub fn phase_hint(locale: Locale, template: &Template, phase: &Section, share: f64) -> String {
    hint_text(
        &pick(locale, &["words", "hint"], HINT_DE),
        &section_label(locale, template, phase),
        share,
    )
}

/// The carry-over button's words ("In IKZ-Projekt-Canvas: Gemeinsames Ziel
/// übernehmen") in `locale`; `template` is the card's own method.
pub fn carry_button(locale: Locale, template: &Template, target: &CarryTarget) -> String {
    if locale == Locale::de {
        return target.button_de();
    }
    let Some(to) = templates::find(target.template) else {
        return target.button_de();
    };
    let section = to.section(target.section).map_or_else(
        || target.section.to_owned(),
        |s| section_label(locale, to, s),
    );
    let carried = target
        .field
        .and_then(templates::field_def)
        .map(|f| field(locale, template, f).0);
    target.button(
        &pick(locale, &["words", "carry"], CARRY_DE),
        &pick(locale, &["words", "carry_field"], CARRY_FIELD_DE),
        &title(locale, to),
        &section,
        carried.as_deref(),
    )
}

/// How a linked card is named on screen: its field's label and its text.
pub fn card_name(locale: Locale, template: &Template, section: &str, text: &str) -> String {
    match template.section(section) {
        Some(s) if locale != Locale::de => {
            format!("{}: {text}", section_label(locale, template, s))
        }
        _ => template.card_name(section, text),
    }
}

/// A starter's text (what the new card says) and its button's words.
pub fn starter(
    locale: Locale,
    template: &Template,
    index: usize,
    starter: &Starter,
) -> (String, String) {
    let idx = index.to_string();
    let text = pick(locale, &[template.key, "starters", &idx], starter.text);
    let label = match starter.einsatzfeld {
        Some(f) => format!("{}: {text}", einsatzfeld(locale, f)),
        None => text.clone(),
    };
    (text, label)
}

pub fn sketch_field(locale: Locale, field: SketchField) -> String {
    let key = crate::domain::board::TextField::Sketch(field).key();
    pick(locale, &["sketch", key], field.label_de())
}

pub fn einsatzfeld_label(locale: Locale) -> String {
    pick(locale, &["sketch", "einsatzfeld"], EINSATZFELD_LABEL)
}

pub fn kooperationsform_label(locale: Locale) -> String {
    pick(
        locale,
        &["sketch", "kooperationsform"],
        KOOPERATIONSFORM_LABEL,
    )
}

pub fn einsatzfeld(locale: Locale, field: Einsatzfeld) -> String {
    pick(locale, &["einsatzfeld", field.key()], field.label_de())
}

pub fn kooperationsform(locale: Locale, form: Kooperationsform) -> String {
    pick(locale, &["kooperationsform", form.key()], form.label_de())
}

/// The portfolio's words (quadrant labels, legend, badge) in `locale`.
pub fn chart_words(locale: Locale) -> ChartWords {
    let de = ChartWords::german();
    let text = |key: &str, german: &str| pick(locale, &["chart", key], german);
    ChartWords {
        quadrants: Quadrant::ALL
            .map(|q| pick(locale, &["chart", "quadrants", q.key()], de.quadrant(q))),
        axis: text("axis", &de.axis),
        size: text("size", &de.size),
        colour: text("colour", &de.colour),
        no_mean: text("no_mean", &de.no_mean),
        numbers: text("numbers", &de.numbers),
        badge_name: text("badge_name", &de.badge_name),
        badge: text("badge", &de.badge),
        incomplete: text("incomplete", &de.incomplete),
        and: text("and", &de.and),
        english_criteria: locale != Locale::de,
    }
}

/// A rating criterion's label in `locale`.
pub fn criterion_label(locale: Locale, criterion: &CriterionDef) -> &'static str {
    criterion.label_in(locale != Locale::de)
}

/// The question raters of `criterion` answer, in `locale`.
pub fn criterion_question(locale: Locale, criterion: &CriterionDef) -> String {
    pick(
        locale,
        &["criteria", criterion.key, "question"],
        criterion.question,
    )
}

/// The anchor text of `level` (1..=5) of `criterion` in `locale`; a level
/// without its own text reads "between … and …" (see `anchor_in`).
pub fn criterion_anchor(locale: Locale, criterion: &CriterionDef, level: u8) -> String {
    if locale == Locale::de {
        return criterion.anchor(level);
    }
    let de = AnchorWords::german();
    let words = AnchorWords {
        between: pick(locale, &["criteria", "words", "between"], &de.between),
        near: pick(locale, &["criteria", "words", "near"], &de.near),
    };
    let mut anchors: [Option<String>; 5] = Default::default();
    for (i, (slot, german)) in anchors.iter_mut().zip(criterion.anchors).enumerate() {
        let level = (i + 1).to_string();
        *slot = german.map(|g| pick(locale, &["criteria", criterion.key, "anchors", &level], g));
    }
    anchor_in(level, &anchors, &words)
}

/// "Nutzwert unvollständig: ohne …" in `locale` (the engine's rule).
pub fn incomplete_note(
    locale: Locale,
    criteria: &[CriterionDef],
    dropped: &[CriterionKey],
) -> Option<String> {
    crate::domain::evaluation::score::incomplete_note(criteria, dropped, &chart_words(locale))
}

/// The engine's chart with the words of `locale`.
pub fn chart(locale: Locale, chart: ChartModel) -> ChartModel {
    if locale == Locale::de {
        chart
    } else {
        chart.in_words(&chart_words(locale))
    }
}

/// A quadrant's label in `locale`.
pub fn quadrant(locale: Locale, q: Quadrant) -> String {
    pick(locale, &["chart", "quadrants", q.key()], q.label_de())
}

/// The "Daten schaffen" badge in `locale`.
pub fn data_badge(locale: Locale) -> String {
    pick(
        locale,
        &["chart", "badge_name"],
        crate::domain::evaluation::portfolio::DATEN_SCHAFFEN,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::templates;

    /// Every German method text has an English one: walks the templates and
    /// the file together, so a new field without a translation fails here.
    /// Counts the texts checked: each German text has an English one of its
    /// own; an empty German text (a section without a prompt) has none.
    #[derive(Default)]
    struct Walk {
        paths: usize,
    }

    /// Words that read the same in English (the file must have them all
    /// the same: the count of its texts at the end checks that).
    const SAME_IN_ENGLISH: &[&str] = &[
        "Phase",
        "Business Model Canvas",
        "Product Owner",
        "Scrum Master",
        "Format",
    ];

    impl Walk {
        fn check(&mut self, english: String, german: &str, what: &str) {
            if german.is_empty() {
                assert_eq!(english, "", "{what} has no German text");
            } else {
                assert!(!english.trim().is_empty(), "{what}");
                if !SAME_IN_ENGLISH.contains(&german) {
                    assert_ne!(english, german, "{what} not translated");
                }
                self.paths += 1;
            }
        }
    }

    /// Every German method text has an English one: walks the templates and
    /// the file together, so a new field without a translation fails here.
    #[test]
    fn the_english_method_texts_are_complete_and_have_nothing_stale() {
        let english = Locale::en;
        let mut walk = Walk::default();
        for t in templates::ALL {
            let key = t.key;
            walk.check(title(english, &t), t.title, key);
            walk.check(intro(english, &t), t.intro, key);
            for s in t.sections {
                let what = format!("{key}.{}", s.id);
                walk.check(section_label(english, &t, s), s.label, &what);
                walk.check(section_prompt(english, &t, s), s.prompt, &what);
                if !s.short.is_empty() {
                    // A letter may be the same in both (SWOT's "S"): the
                    // file must have it all the same.
                    let path = [key, "sections", s.id, "short"];
                    assert!(english_at(&path).is_some(), "{what} has no short name");
                    assert_eq!(
                        section_short(english, &t, s),
                        english_at(&path).unwrap_or("")
                    );
                    walk.paths += 1;
                }
                for (i, st) in s.starters.iter().enumerate() {
                    let text = starter(english, &t, i, st).0;
                    walk.check(text, st.text, &format!("{key} starter {i}"));
                }
                for item in s.items {
                    walk.check(item_label(english, &t, item), item.label, item.id);
                }
                for target in s.carry_to {
                    let words = carry_button(english, &t, target);
                    assert_ne!(words, target.button_de(), "{what}");
                }
            }
            // A field several sections share is one text of the template.
            let mut fields: Vec<_> = t.sections.iter().flat_map(|s| s.fields).collect();
            fields.sort_by_key(|f| f.key);
            fields.dedup_by_key(|f| f.key);
            for f in fields {
                let (label, prompt) = field(english, &t, f);
                walk.check(label, f.label, f.key);
                walk.check(prompt, f.prompt, f.key);
            }
            if let Some((label, prompt)) = header(english, &t) {
                let h = t.header.expect("header");
                walk.check(label, h.label, key);
                walk.check(prompt, h.prompt, key);
            }
        }
        for f in SketchField::ALL {
            walk.check(sketch_field(english, f), f.label_de(), "sketch");
        }
        for f in Einsatzfeld::ALL {
            walk.check(einsatzfeld(english, f), f.label_de(), f.key());
        }
        for k in Kooperationsform::ALL {
            walk.check(kooperationsform(english, k), k.label_de(), k.key());
        }
        walk.check(einsatzfeld_label(english), EINSATZFELD_LABEL, "einsatzfeld");
        walk.check(
            kooperationsform_label(english),
            KOOPERATIONSFORM_LABEL,
            "kooperationsform",
        );
        // The chart's words: every one translated, none left German.
        let (en, de) = (chart_words(english), ChartWords::german());
        for q in Quadrant::ALL {
            walk.check(en.quadrant(q).to_owned(), de.quadrant(q), q.key());
            assert_eq!(quadrant(english, q), en.quadrant(q));
        }
        for (e, d) in [
            (&en.axis, &de.axis),
            (&en.size, &de.size),
            (&en.colour, &de.colour),
            (&en.no_mean, &de.no_mean),
            (&en.numbers, &de.numbers),
            (&en.badge_name, &de.badge_name),
            (&en.badge, &de.badge),
            (&en.incomplete, &de.incomplete),
            (&en.and, &de.and),
        ] {
            walk.check(e.clone(), d, "chart");
        }
        assert_eq!(data_badge(english), en.badge_name);
        // The rating criteria of every method: question and every anchor of
        // their own, and the words of the levels between them.
        let mut criteria: Vec<&CriterionDef> = Vec::new();
        for c in templates::ALL.iter().flat_map(Template::all_criteria) {
            if !criteria.iter().any(|k| k.key == c.key) {
                criteria.push(c);
            }
        }
        for c in criteria {
            walk.check(criterion_question(english, c), c.question, c.key);
            for level in 1..=5u8 {
                // A scale without anchors (Stärke) has no words to translate.
                if !c.anchor(level).is_empty() {
                    assert_ne!(criterion_anchor(english, c, level), c.anchor(level));
                }
            }
            walk.paths += c.anchors.iter().flatten().count();
        }
        walk.paths += 2;
        // The words of tasks, stances, lights, hints and carry-over buttons.
        let (label, prompt) = field(english, &templates::PHASEN, &WER);
        walk.check(label, WER.label, "wer");
        walk.check(prompt, WER.prompt, "wer");
        for s in Status::ALL {
            walk.check(status(english, s), s.label_de(), s.key());
        }
        for s in Stance::ALL {
            walk.check(stance(english, s), s.label_de(), s.key());
        }
        for l in Light::ALL {
            walk.check(light(english, l), l.label_de(), l.key());
        }
        for h in Hint::ALL {
            walk.check(ust_hint(english, h), h.label_de(), h.key());
        }
        // The words of the choice buttons, each once (numbers stay).
        let mut words: Vec<&str> = templates::rest::CHOICE_FIELDS
            .iter()
            .flat_map(|(_, words)| words.iter().copied())
            .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
            .collect();
        words.sort_unstable();
        words.dedup();
        for w in words {
            walk.check(choice(english, w), w, w);
            assert_eq!(choice(Locale::de, w), w);
        }
        assert_eq!(choice(english, "13"), "13");
        walk.check(pick(english, &["words", "hint"], HINT_DE), HINT_DE, "hint");
        walk.check(
            pick(english, &["words", "carry"], CARRY_DE),
            CARRY_DE,
            "carry",
        );
        walk.check(
            pick(english, &["words", "carry_field"], CARRY_FIELD_DE),
            CARRY_FIELD_DE,
            "carry_field",
        );
        // Nothing in the file that no template asks for.
        fn leaves(v: &Value) -> usize {
            match v {
                Value::Object(m) => m.values().map(leaves).sum(),
                Value::Array(a) => a.iter().map(leaves).sum(),
                _ => 1,
            }
        }
        assert_eq!(leaves(&EN), walk.paths);
    }

    #[test]
    fn the_further_methods_words_read_in_english() {
        let phasen = &templates::PHASEN;
        let anbahnung = phasen.section("anbahnung").expect("anbahnung");
        assert_eq!(
            phase_hint(Locale::de, phasen, anbahnung, 0.4),
            "Anbahnung erst zu 40 % erledigt"
        );
        assert_ne!(
            phase_hint(Locale::en, phasen, anbahnung, 0.4),
            phase_hint(Locale::de, phasen, anbahnung, 0.4)
        );
        let prozess = &templates::PROZESS;
        let steps = prozess.section("schritte").expect("schritte");
        let pain = steps
            .carry_to
            .iter()
            .find(|c| c.field == Some("schmerzpunkte"))
            .expect("pain points carry over");
        assert_eq!(
            carry_button(Locale::de, prozess, pain),
            "Schmerzpunkte in IKZ-Projekt-Canvas: Ausgangslage & Problem übernehmen"
        );
        let en = carry_button(Locale::en, prozess, pain);
        assert!(en.contains("Pain points"), "{en}");
        assert_eq!(status(Locale::de, Status::Entfaellt), "entfällt");
        assert_eq!(stance(Locale::de, Stance::Teilweise), "teilweise");
    }

    #[test]
    fn german_is_the_templates_own_text_and_links_are_named_by_field() {
        let swot = &templates::SWOT;
        let s = swot.section("staerken").expect("staerken");
        assert_eq!(section_label(Locale::de, swot, s), "Stärken");
        assert_eq!(card_name(Locale::de, swot, "staerken", "IT"), "Stärken: IT");
        assert_eq!(
            card_name(Locale::en, swot, "staerken", "IT"),
            "Strengths: IT"
        );
        let ki = &templates::KI;
        let first = &ki.sections[0].starters[0];
        assert_eq!(
            starter(Locale::de, ki, 0, first).1,
            "Textgenerierung: Entwürfe für Bescheide und Bürgerantworten"
        );
        assert_eq!(
            starter(Locale::en, ki, 0, first).1,
            "Text generation: Drafts of notices and replies to citizens"
        );
    }
}
