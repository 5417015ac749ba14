//! The computed figures of the further methods (methods.md 1-4), as view
//! models: the screen, the projector and every export render these and
//! compute nothing themselves. Aggregates, rounding and ranks come from
//! [`crate::evaluation`], once.
//!
//! - [`zielmatrix`]: goals × Kommunen, the share of agreement per goal,
//!   the "Allianz der Willigen"; the cards by Kommune.
//! - [`process`]: the "Erleben" curve across the steps, the top pain points.
//! - [`factors`]: per item mean/median/n/Konsens-Dissens, per column mean
//!   (the radar), "Handlungsbedarf".
//! - [`phases`]: progress per phase as a traffic light, overdue items, the
//!   hint "Anbahnung erst zu 40 % erledigt".
//!
//! The remaining seed methods (methods.md 5-9):
//! - [`change`]: Veränderungsbereitschaft heat map per level, the
//!   force-field balance, the list "Unterstützungsbedarfe".
//! - [`ustg`]: the § 2b hint per case, its open questions, the Entgelt
//!   against the threshold ("Vorprüfung, keine Steuerberatung").
//! - [`scrum`]: effort points per column, the Relevanzcheck.
//! - [`barcamp`]: the Sessionplan, the Suche/Biete pairs
//!   ("möglicher Partner").
//!
//! The Kostenaufteilung's figure is the calculator's result
//! ([`crate::kosten::result`]).

pub mod barcamp;
pub mod change;
pub mod factors;
pub mod phases;
pub mod process;
pub mod scrum;
pub mod ustg;
pub mod zielmatrix;

use crate::templates::rest::{BEREITSCHAFT, QUESTIONS, RELEVANZ, STAERKE};
use crate::templates::{QuestionSet, Section, Template};

/// A figure a board shows below its sections (screen, projector) and
/// after them in the documents. [`of`] decides from the template's data
/// which ones a method has, once for every renderer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Figure {
    /// [`zielmatrix`]: a section with stances.
    Zielmatrix,
    /// [`process`]: ordered, rated steps.
    ErlebenCurve,
    /// [`factors`]: at least three rated sections of fixed items (a radar
    /// needs three axes to enclose an area).
    FactorRadar,
    /// [`phases`]: at least two sections of tasks (phases in sequence).
    PhaseProgress,
    /// [`change::heat_map`]: a section rated on [`BEREITSCHAFT`].
    HeatMap,
    /// [`change::force_field`]: both sides, rated on [`STAERKE`].
    ForceField,
    /// [`change::support_needs`]: a section with the field
    /// [`change::SUPPORT_FIELD`].
    SupportNeeds,
    /// [`ustg::case_hints`]: a section asking the § 2b questions.
    CaseHints,
    /// [`scrum::effort_sums`]: a section with the field
    /// [`scrum::EFFORT_FIELD`].
    EffortSums,
    /// [`scrum::relevance`]: a section rated on [`RELEVANZ`].
    Relevance,
    /// [`barcamp::session_plan`]: a section with a time slot and a room.
    SessionPlan,
    /// [`barcamp::matches`]: the sections Suche and Biete.
    Matches,
    /// [`crate::kosten`]: a section with the Kommunen's cost figures; the
    /// shares, savings and payback per Kommune.
    Kostenaufteilung,
    /// [`crate::lotse`]: the Rechtsform-Lotse's recommendation, reasons
    /// and comparison table (a section answering its questions).
    Rechtsform,
}

impl Figure {
    /// Whether this figure is made of ratings, which stay blind until the
    /// moderator reveals them (until then a board holds one's own only).
    /// The Sessionplan is not: it shows the dots only after the reveal.
    pub fn rated(self) -> bool {
        matches!(
            self,
            Figure::ErlebenCurve
                | Figure::FactorRadar
                | Figure::HeatMap
                | Figure::ForceField
                | Figure::Relevance
        )
    }
}

fn rated_on(section: &Section, key: &str) -> bool {
    section.criteria.iter().any(|c| c.key == key)
}

/// The figures of `template`, in the order they are shown.
pub fn of(template: &Template) -> Vec<Figure> {
    let count = |f: &dyn Fn(&Section) -> bool| template.sections.iter().filter(|s| f(s)).count();
    let has = |f: &dyn Fn(&Section) -> bool| count(f) > 0;
    let side = |id: &str| {
        template
            .section(id)
            .is_some_and(|s| rated_on(s, STAERKE.key))
    };
    let rules: [(Figure, bool); 14] = [
        (Figure::Zielmatrix, has(&|s| s.stances)),
        (Figure::ErlebenCurve, has(&|s| s.ordered && s.is_rated())),
        (
            Figure::FactorRadar,
            count(&|s| !s.items.is_empty() && !s.criteria.is_empty()) >= 3,
        ),
        (Figure::PhaseProgress, count(&|s| s.tasks) >= 2),
        (Figure::HeatMap, has(&|s| rated_on(s, BEREITSCHAFT.key))),
        (
            Figure::ForceField,
            side(change::DRIVING) && side(change::RESTRAINING),
        ),
        (
            Figure::SupportNeeds,
            has(&|s| s.has_field(change::SUPPORT_FIELD)),
        ),
        (Figure::CaseHints, has(&|s| s.has_field(QUESTIONS[0].key))),
        (
            Figure::EffortSums,
            has(&|s| s.has_field(scrum::EFFORT_FIELD)),
        ),
        (Figure::Relevance, has(&|s| rated_on(s, RELEVANZ.key))),
        (
            Figure::SessionPlan,
            has(&|s| s.has_field(barcamp::SLOT_FIELD) && s.has_field(barcamp::ROOM_FIELD)),
        ),
        (
            Figure::Matches,
            template.section(barcamp::SUCHE).is_some()
                && template.section(barcamp::BIETE).is_some(),
        ),
        (
            Figure::Kostenaufteilung,
            has(&|s| s.has_field(crate::templates::kosten::EINWOHNER.key)),
        ),
        (
            Figure::Rechtsform,
            has(&|s| s.questions == Some(QuestionSet::Rechtsform)),
        ),
    ];
    rules
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(f, _)| f)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{of, Figure::*};
    use crate::templates::ALL;

    #[test]
    fn each_method_has_the_figures_of_its_data() {
        let got: Vec<(&str, Vec<_>)> = ALL.iter().map(|t| (t.key, of(t))).collect();
        assert_eq!(
            got,
            [
                ("ziele", vec![Zielmatrix]),
                ("prozess", vec![ErlebenCurve]),
                ("canvas", vec![]),
                ("swot", vec![]),
                ("ki", vec![]),
                ("erfolgsfaktoren", vec![FactorRadar]),
                ("phasen", vec![PhaseProgress]),
                ("lotse", vec![Rechtsform]),
                ("kosten", vec![Kostenaufteilung]),
                ("veraenderung", vec![HeatMap, ForceField, SupportNeeds]),
                ("bmc", vec![]),
                ("ustg", vec![CaseHints]),
                ("scrum", vec![EffortSums, Relevance]),
                ("barcamp", vec![SessionPlan, Matches]),
            ]
        );
        let rated: Vec<_> = ALL.iter().flat_map(of).filter(|f| f.rated()).collect();
        assert_eq!(
            rated,
            [ErlebenCurve, FactorRadar, HeatMap, ForceField, Relevance]
        );
    }
}
