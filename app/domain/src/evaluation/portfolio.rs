//! The KI portfolio: the quadrant of an idea, the "Daten schaffen" badge and
//! the chart model (positions, bubble sizes, colours, quadrant areas and
//! legend words) that the screen, the projector and the PDF all draw, so
//! they cannot differ.
//!
//! x = Machbarkeit, y = Nutzen, bubble size = Datenverfügbarkeit, colour =
//! Kooperationseignung (domain.md §3).

use super::criteria::{
    position, CriterionDef, DATENVERFUEGBARKEIT, KOOPERATIONSEIGNUNG, MACHBARKEIT, NUTZEN,
};
use super::rounding::{rank_text, round_half_away};
use serde::{Deserialize, Serialize};

/// Portfolio quadrant (x = Machbarkeit, y = Nutzen).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Quadrant {
    /// High Nutzen, high Machbarkeit (top right).
    UmsetzenPilot,
    /// High Nutzen, low Machbarkeit (top left).
    Vorbereiten,
    /// Low Nutzen, high Machbarkeit (bottom right).
    Mitnehmen,
    /// Low Nutzen, low Machbarkeit (bottom left).
    Zurueckstellen,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [
        Quadrant::UmsetzenPilot,
        Quadrant::Vorbereiten,
        Quadrant::Mitnehmen,
        Quadrant::Zurueckstellen,
    ];

    /// Stable key (translations).
    pub fn key(self) -> &'static str {
        match self {
            Quadrant::UmsetzenPilot => "umsetzen_pilot",
            Quadrant::Vorbereiten => "vorbereiten",
            Quadrant::Mitnehmen => "mitnehmen",
            Quadrant::Zurueckstellen => "zurueckstellen",
        }
    }

    pub fn label_de(self) -> &'static str {
        match self {
            Quadrant::UmsetzenPilot => "Umsetzen (Pilot)",
            Quadrant::Vorbereiten => "Vorbereiten (Lösung und Know-how aufbauen)",
            Quadrant::Mitnehmen => "Mitnehmen, wenn der Aufwand gering ist",
            Quadrant::Zurueckstellen => "Zurückstellen",
        }
    }

    /// Background tint of the quadrant's area (text on it stays ≥ 4.5:1 in black).
    pub fn fill(self) -> &'static str {
        match self {
            Quadrant::UmsetzenPilot => "#e5f5e0",
            Quadrant::Vorbereiten => "#fff7dc",
            Quadrant::Mitnehmen => "#f0f0f0",
            Quadrant::Zurueckstellen => "#fbe9e7",
        }
    }

    /// Whether the quadrant lies on the high side of (x, y).
    fn high(self) -> (bool, bool) {
        match self {
            Quadrant::UmsetzenPilot => (true, true),
            Quadrant::Vorbereiten => (false, true),
            Quadrant::Mitnehmen => (true, false),
            Quadrant::Zurueckstellen => (false, false),
        }
    }
}

/// Midpoint of the 1..=5 scale; a mean at or above it counts as high.
pub const QUADRANT_MIDPOINT: f64 = 3.0;

/// Places an idea in the portfolio. A mean counts as high when it is
/// `>= QUADRANT_MIDPOINT` (3.0), so an exact 3.0 is high; NaN counts as low.
pub fn quadrant(nutzen_mean: f64, machbarkeit_mean: f64) -> Quadrant {
    let high_nutzen = nutzen_mean >= QUADRANT_MIDPOINT;
    let high_machbarkeit = machbarkeit_mean >= QUADRANT_MIDPOINT;
    match (high_nutzen, high_machbarkeit) {
        (true, true) => Quadrant::UmsetzenPilot,
        (true, false) => Quadrant::Vorbereiten,
        (false, true) => Quadrant::Mitnehmen,
        (false, false) => Quadrant::Zurueckstellen,
    }
}

/// The badge on an idea whose Datenverfügbarkeit mean is below 3.
pub const DATEN_SCHAFFEN: &str = "Daten schaffen";
/// The Datenverfügbarkeit mean below which an idea gets [`DATEN_SCHAFFEN`].
pub const DATEN_SCHAFFEN_BELOW: f64 = 3.0;

/// Whether an idea with this Datenverfügbarkeit mean gets "Daten schaffen"
/// (never without a mean: nobody could say).
pub fn needs_data(datenverfuegbarkeit_mean: Option<f64>) -> bool {
    datenverfuegbarkeit_mean.is_some_and(|m| m < DATEN_SCHAFFEN_BELOW)
}

/// Colour per rounded Kooperationseignung mean 1..=5 (ColorBrewer RdYlBu,
/// colour-blind safe) with the text colour readable on it.
pub const COOPERATION_COLOURS: [(&str, &str); 5] = [
    ("#d73027", "#000000"),
    ("#fc8d59", "#000000"),
    ("#fee090", "#000000"),
    ("#91bfdb", "#000000"),
    ("#4575b4", "#ffffff"),
];
/// Fill of a bubble without a Kooperationseignung mean.
pub const NO_MEAN_COLOUR: (&str, &str) = ("#ffffff", "#000000");

/// Radius of a bubble as a fraction of the plot's width: smallest for a
/// Datenverfügbarkeit mean of 1 and for none, largest for 5.
pub const RADIUS_MIN: f64 = 0.02;
pub const RADIUS_MAX: f64 = 0.065;

/// Where an area or bubble sits: fractions of the plot, 0 = scale minimum
/// (left, bottom), 1 = maximum (right, top).
fn fraction(mean: f64) -> f64 {
    ((mean - 1.0) / 4.0).clamp(0.0, 1.0)
}

/// The words of the chart in one language: quadrant labels, legend
/// sentences and the badge. `{criterion}` in a sentence stands for the
/// criterion's label, `{badge}` for the badge's name. German
/// ([`ChartWords::german`]) is the source and the documents' language; the
/// UI passes its locale's words ([`ChartModel::in_words`]), so the figures,
/// positions and colours stay the engine's and only the words change.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartWords {
    /// In the order of [`Quadrant::ALL`].
    pub quadrants: [String; 4],
    pub axis: String,
    pub size: String,
    pub colour: String,
    pub no_mean: String,
    pub numbers: String,
    pub badge_name: String,
    pub badge: String,
    /// "Nutzwert unvollständig: ohne {criteria}" (see
    /// [`super::score::incomplete_note`]).
    pub incomplete: String,
    /// The word before the last of several criteria ("und").
    pub and: String,
    /// Criteria by their English labels (`label_en`) rather than German.
    pub english_criteria: bool,
}

impl ChartWords {
    pub fn german() -> ChartWords {
        ChartWords {
            quadrants: Quadrant::ALL.map(|q| q.label_de().to_owned()),
            axis: "{criterion} (Ø) →".to_owned(),
            size: "Blasengröße: {criterion} (Ø), klein = 1 bis groß = 5; ohne Mittelwert klein und gestrichelt."
                .to_owned(),
            colour: "Farbe: {criterion} (Ø), gerundet:".to_owned(),
            no_mean: "ohne Mittelwert".to_owned(),
            numbers: "Die Zahlen in den Blasen sind die Ränge aus der Tabelle.".to_owned(),
            badge_name: DATEN_SCHAFFEN.to_owned(),
            badge: "„{badge}“: {criterion} im Mittel unter 3.".to_owned(),
            incomplete: "Nutzwert unvollständig: ohne {criteria}".to_owned(),
            and: "und".to_owned(),
            english_criteria: false,
        }
    }

    /// The label of quadrant `q`.
    pub fn quadrant(&self, q: Quadrant) -> &str {
        let i = Quadrant::ALL.iter().position(|x| *x == q).unwrap_or(0);
        self.quadrants.get(i).map_or("", String::as_str)
    }

    /// A criterion's label in these words' language.
    pub fn label(&self, criterion: &CriterionDef) -> &'static str {
        criterion.label_in(self.english_criteria)
    }

    fn sentence(&self, text: &str, criterion: &CriterionDef) -> String {
        text.replace("{criterion}", self.label(criterion))
            .replace("{badge}", &self.badge_name)
    }
}

/// The criteria the chart's axes, size and colour show.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartCriteria {
    pub nutzen: CriterionDef,
    pub machbarkeit: CriterionDef,
    pub daten: CriterionDef,
    pub kooperation: CriterionDef,
}

/// One bubble of the chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bubble {
    /// The rank shown in the bubble ("–" for an unrated idea).
    pub label: String,
    pub title: String,
    /// Machbarkeit mean and its position (0..=1 from the left).
    pub machbarkeit: f64,
    pub x: f64,
    /// Nutzen mean and its position (0..=1 from the bottom).
    pub nutzen: f64,
    pub y: f64,
    /// Fraction of the plot's width.
    pub radius: f64,
    /// Drawn dashed: the Datenverfügbarkeit mean is missing.
    pub size_missing: bool,
    pub fill: &'static str,
    pub text_colour: &'static str,
    pub quadrant: Quadrant,
    pub quadrant_label: String,
    /// "Daten schaffen"
    pub data_badge: bool,
}

/// One quadrant's area, in plot fractions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuadrantArea {
    pub quadrant: Quadrant,
    pub label: String,
    pub fill: &'static str,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// A colour of the legend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Swatch {
    pub label: String,
    pub fill: &'static str,
}

/// The words beside the chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Legend {
    pub x_axis: String,
    pub y_axis: String,
    pub size: String,
    pub colour: String,
    pub swatches: Vec<Swatch>,
    pub numbers: String,
    /// The badge's name ("Daten schaffen").
    pub badge_name: String,
    pub badge: String,
}

/// Everything needed to draw the portfolio.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChartModel {
    pub areas: Vec<QuadrantArea>,
    /// The midpoint's position on both axes (fraction).
    pub midpoint: f64,
    /// Scale ticks 1..=5 with their positions.
    pub ticks: Vec<(u8, f64)>,
    pub bubbles: Vec<Bubble>,
    pub legend: Legend,
    /// What the legend names (for [`ChartModel::in_words`]).
    #[serde(skip)]
    pub criteria: ChartCriteria,
}

impl ChartModel {
    /// The same chart with the words of another language.
    pub fn in_words(mut self, words: &ChartWords) -> ChartModel {
        for area in &mut self.areas {
            area.label = words.quadrant(area.quadrant).to_owned();
        }
        for bubble in &mut self.bubbles {
            bubble.quadrant_label = words.quadrant(bubble.quadrant).to_owned();
        }
        self.legend = legend(&self.criteria, words);
        self
    }
}

/// The legend of a chart of `criteria` in `words`.
fn legend(criteria: &ChartCriteria, words: &ChartWords) -> Legend {
    let mut swatches: Vec<Swatch> = COOPERATION_COLOURS
        .iter()
        .enumerate()
        .map(|(i, (fill, _))| Swatch {
            label: (i + 1).to_string(),
            fill,
        })
        .collect();
    swatches.push(Swatch {
        label: words.no_mean.clone(),
        fill: NO_MEAN_COLOUR.0,
    });
    Legend {
        x_axis: words.sentence(&words.axis, &criteria.machbarkeit),
        y_axis: words.sentence(&words.axis, &criteria.nutzen),
        size: words.sentence(&words.size, &criteria.daten),
        colour: words.sentence(&words.colour, &criteria.kooperation),
        swatches,
        numbers: words.numbers.clone(),
        badge_name: words.badge_name.clone(),
        badge: words.sentence(&words.badge, &criteria.daten),
    }
}

/// One idea as the chart needs it.
pub struct ChartIdea<'a> {
    pub rank: Option<usize>,
    pub title: &'a str,
    /// Means in the order of the method's criteria.
    pub means: &'a [Option<f64>],
}

/// The chart of `ideas` (a bubble for each with a Nutzen and a Machbarkeit
/// mean); `None` when the method lacks the portfolio's criteria.
pub fn chart<'a>(
    criteria: &[CriterionDef],
    ideas: impl IntoIterator<Item = ChartIdea<'a>>,
) -> Option<ChartModel> {
    let at = |def: &CriterionDef| position(criteria, def.key);
    let (n, m, d, k) = (
        at(&NUTZEN)?,
        at(&MACHBARKEIT)?,
        at(&DATENVERFUEGBARKEIT)?,
        at(&KOOPERATIONSEIGNUNG)?,
    );
    let mid = fraction(QUADRANT_MIDPOINT);
    let areas = Quadrant::ALL
        .into_iter()
        .map(|q| {
            let (right, top) = q.high();
            let (x0, x1) = if right { (mid, 1.0) } else { (0.0, mid) };
            let (y0, y1) = if top { (mid, 1.0) } else { (0.0, mid) };
            QuadrantArea {
                quadrant: q,
                label: q.label_de().to_owned(),
                fill: q.fill(),
                x0,
                y0,
                x1,
                y1,
            }
        })
        .collect();
    let bubbles = ideas
        .into_iter()
        .filter_map(|idea| {
            let mean = |i: usize| idea.means.get(i).copied().flatten();
            let (nutzen, machbarkeit) = (mean(n)?, mean(m)?);
            let daten = mean(d);
            let (fill, text_colour) = mean(k).map_or(NO_MEAN_COLOUR, |k| {
                let level = round_half_away(k, 0).clamp(1.0, 5.0) as usize;
                COOPERATION_COLOURS[level - 1]
            });
            let q = quadrant(nutzen, machbarkeit);
            Some(Bubble {
                label: rank_text(idea.rank),
                title: idea.title.to_owned(),
                machbarkeit,
                x: fraction(machbarkeit),
                nutzen,
                y: fraction(nutzen),
                radius: RADIUS_MIN + (RADIUS_MAX - RADIUS_MIN) * daten.map_or(0.0, fraction),
                size_missing: daten.is_none(),
                fill,
                text_colour,
                quadrant: q,
                quadrant_label: q.label_de().to_owned(),
                data_badge: needs_data(daten),
            })
        })
        .collect();
    let def = |i: usize| criteria.get(i).copied();
    let axes = ChartCriteria {
        nutzen: def(n)?,
        machbarkeit: def(m)?,
        daten: def(d)?,
        kooperation: def(k)?,
    };
    Some(ChartModel {
        areas,
        midpoint: mid,
        ticks: (1..=5u8).map(|v| (v, fraction(f64::from(v)))).collect(),
        bubbles,
        legend: legend(&axes, &ChartWords::german()),
        criteria: axes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::criteria::KI_CRITERIA;

    #[test]
    fn quadrant_midpoint_three_counts_as_high() {
        assert_eq!(quadrant(3.0, 3.0), Quadrant::UmsetzenPilot);
        assert_eq!(quadrant(3.0, 2.999), Quadrant::Vorbereiten);
        assert_eq!(quadrant(2.999, 3.0), Quadrant::Mitnehmen);
        assert_eq!(quadrant(2.999, 2.999), Quadrant::Zurueckstellen);
        assert_eq!(quadrant(f64::NAN, 4.0), Quadrant::Mitnehmen);
    }

    #[test]
    fn quadrant_labels_are_the_revised_ones() {
        let labels: Vec<_> = Quadrant::ALL.iter().map(|q| q.label_de()).collect();
        assert_eq!(
            labels,
            [
                "Umsetzen (Pilot)",
                "Vorbereiten (Lösung und Know-how aufbauen)",
                "Mitnehmen, wenn der Aufwand gering ist",
                "Zurückstellen"
            ]
        );
    }

    #[test]
    fn daten_schaffen_below_three_and_never_without_a_mean() {
        assert!(needs_data(Some(2.9)));
        assert!(!needs_data(Some(3.0)));
        assert!(!needs_data(None));
    }

    #[test]
    fn areas_put_pilot_top_right_and_zurueckstellen_bottom_left() {
        let model = chart(KI_CRITERIA, []).expect("KI has the portfolio's criteria");
        let area = |q| {
            model
                .areas
                .iter()
                .find(|a| a.quadrant == q)
                .map(|a| (a.x0, a.y0, a.x1, a.y1))
        };
        assert_eq!(area(Quadrant::UmsetzenPilot), Some((0.5, 0.5, 1.0, 1.0)));
        assert_eq!(area(Quadrant::Vorbereiten), Some((0.0, 0.5, 0.5, 1.0)));
        assert_eq!(area(Quadrant::Mitnehmen), Some((0.5, 0.0, 1.0, 0.5)));
        assert_eq!(area(Quadrant::Zurueckstellen), Some((0.0, 0.0, 0.5, 0.5)));
        assert_eq!(model.legend.x_axis, "Machbarkeit (Ø) →");
        assert!(model.legend.colour.contains("Kooperationseignung"));
    }

    #[test]
    fn bubbles_place_size_and_colour_by_the_means() {
        let full = [Some(5.0), Some(2.0), Some(1.0), Some(4.6)];
        let gaps = [Some(3.0), Some(3.0), None, None];
        let unplaced = [None, Some(3.0), Some(3.0), Some(3.0)];
        let model = chart(
            KI_CRITERIA,
            [
                ChartIdea {
                    rank: Some(1),
                    title: "A",
                    means: &full,
                },
                ChartIdea {
                    rank: None,
                    title: "B",
                    means: &gaps,
                },
                ChartIdea {
                    rank: Some(2),
                    title: "C",
                    means: &unplaced,
                },
            ],
        )
        .expect("KI chart");
        assert_eq!(model.bubbles.len(), 2);
        let a = &model.bubbles[0];
        assert_eq!((a.x, a.y), (0.25, 1.0));
        assert_eq!(a.radius, RADIUS_MIN);
        assert!(!a.size_missing);
        assert_eq!(a.fill, "#4575b4");
        assert_eq!(a.quadrant, Quadrant::Vorbereiten);
        assert!(a.data_badge);
        let b = &model.bubbles[1];
        assert_eq!(b.label, "–");
        assert_eq!((b.radius, b.size_missing), (RADIUS_MIN, true));
        assert_eq!(b.fill, NO_MEAN_COLOUR.0);
        assert!(!b.data_badge);
    }

    #[test]
    fn other_words_relabel_the_chart_and_keep_its_figures() {
        let means = [Some(4.0), Some(2.0), Some(1.0), Some(3.0)];
        let german = chart(
            KI_CRITERIA,
            [ChartIdea {
                rank: Some(1),
                title: "A",
                means: &means,
            }],
        )
        .expect("KI chart");
        assert_eq!(
            german.legend.badge,
            "„Daten schaffen“: Datenverfügbarkeit im Mittel unter 3."
        );
        assert_eq!(german.clone().in_words(&ChartWords::german()), german);
        let words = ChartWords {
            quadrants: ["Pilot", "Prepare", "Take along", "Defer"].map(String::from),
            axis: "{criterion} (mean) →".into(),
            badge_name: "Create data".into(),
            badge: "“{badge}”: {criterion} below 3 on average.".into(),
            english_criteria: true,
            ..ChartWords::german()
        };
        let english = german.clone().in_words(&words);
        assert_eq!(english.legend.x_axis, "Feasibility (mean) →");
        assert_eq!(
            english.legend.badge,
            "“Create data”: Data availability below 3 on average."
        );
        assert_eq!(english.bubbles[0].quadrant_label, "Prepare");
        assert_eq!(english.areas[0].label, "Pilot");
        // Only words change: positions, sizes and colours are the engine's.
        let place = |c: &ChartModel| {
            c.bubbles
                .iter()
                .map(|b| (b.x, b.y, b.radius, b.fill, b.quadrant))
                .collect::<Vec<_>>()
        };
        assert_eq!(place(&english), place(&german));
    }

    #[test]
    fn a_method_without_the_portfolio_criteria_has_no_chart() {
        assert_eq!(chart(&KI_CRITERIA[..2], []), None);
    }
}
