//! The method texts (template titles, field labels, prompt questions,
//! starters, Projektskizze labels and choices) in the user's locale. German
//! is the source, in `domain::templates` and `domain::sketch`; English comes
//! from `locales/methods/en.json`, looked up by template key and section id
//! (a test checks that it has every text and nothing more).

use crate::domain::board::SketchField;
use crate::domain::evaluation::criteria::{anchor_in, AnchorWords, CriterionDef, CriterionKey};
use crate::domain::evaluation::portfolio::{ChartModel, ChartWords, Quadrant};
use crate::domain::sketch::{
    Einsatzfeld, Kooperationsform, EINSATZFELD_LABEL, KOOPERATIONSFORM_LABEL,
};
use crate::domain::templates::{Section, Starter, Template};
use crate::i18n::Locale;
use serde_json::Value;
use std::sync::LazyLock;

static EN: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../locales/methods/en.json")).unwrap_or(Value::Null)
});

/// The English text at `path`, or the German one where it is missing.
fn pick(locale: Locale, path: &[&str], german: &str) -> String {
    if locale == Locale::de {
        return german.to_owned();
    }
    path.iter()
        .try_fold(&*EN, |v, key| match (v, key.parse::<usize>()) {
            (Value::Array(items), Ok(i)) => items.get(i),
            _ => v.get(*key),
        })
        .and_then(Value::as_str)
        .unwrap_or(german)
        .to_owned()
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
    #[test]
    fn the_english_method_texts_are_complete_and_have_nothing_stale() {
        let english = Locale::en;
        let mut paths = 0;
        for t in templates::ALL {
            assert_ne!(title(english, &t), t.title, "{}", t.key);
            paths += 1;
            for s in t.sections {
                assert_ne!(section_label(english, &t, s), s.label, "{}.{}", t.key, s.id);
                assert_ne!(
                    section_prompt(english, &t, s),
                    s.prompt,
                    "{}.{}",
                    t.key,
                    s.id
                );
                paths += 2;
                for (i, st) in s.starters.iter().enumerate() {
                    assert_ne!(
                        starter(english, &t, i, st).0,
                        st.text,
                        "{} starter {i}",
                        t.key
                    );
                    paths += 1;
                }
            }
            if let Some((label, prompt)) = header(english, &t) {
                let h = t.header.expect("header");
                assert_ne!(label, h.label);
                assert_ne!(prompt, h.prompt);
                paths += 2;
            }
        }
        for f in SketchField::ALL {
            assert_ne!(sketch_field(english, f), f.label_de(), "{f:?}");
        }
        for f in Einsatzfeld::ALL {
            assert_ne!(einsatzfeld(english, f), f.label_de(), "{f:?}");
        }
        for k in Kooperationsform::ALL {
            assert_ne!(kooperationsform(english, k), k.label_de(), "{k:?}");
        }
        assert_ne!(einsatzfeld_label(english), EINSATZFELD_LABEL);
        assert_ne!(kooperationsform_label(english), KOOPERATIONSFORM_LABEL);
        paths += SketchField::ALL.len() + Einsatzfeld::ALL.len() + Kooperationsform::ALL.len() + 2;
        // The chart's words: every one translated, none left German.
        let (en, de) = (chart_words(english), ChartWords::german());
        for q in Quadrant::ALL {
            assert_ne!(en.quadrant(q), de.quadrant(q), "{q:?}");
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
            assert_ne!(e, d);
        }
        assert_eq!(data_badge(english), en.badge_name);
        paths += Quadrant::ALL.len() + 9;
        // The rating criteria: question and every anchor of their own, and
        // the words of the levels between them.
        let mut criteria: Vec<&CriterionDef> = Vec::new();
        for c in templates::ALL.iter().flat_map(|t| t.criteria) {
            if !criteria.iter().any(|k| k.key == c.key) {
                criteria.push(c);
            }
        }
        for c in criteria {
            assert_ne!(criterion_question(english, c), c.question, "{}", c.key);
            paths += 1;
            for level in 1..=5u8 {
                assert_ne!(criterion_anchor(english, c, level), c.anchor(level));
            }
            paths += c.anchors.iter().flatten().count();
        }
        paths += 2;
        // Nothing in the file that no template asks for.
        fn leaves(v: &Value) -> usize {
            match v {
                Value::Object(m) => m.values().map(leaves).sum(),
                Value::Array(a) => a.iter().map(leaves).sum(),
                _ => 1,
            }
        }
        assert_eq!(leaves(&EN), paths);
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
