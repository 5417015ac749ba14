//! The portfolio chart, drawn as SVG from the engine's chart model
//! (`domain::evaluation::portfolio::ChartModel`): positions, sizes,
//! colours, quadrant labels and legend words all come from it, so the
//! screen, the projector and the PDF show the same chart.

use crate::domain::evaluation::portfolio::ChartModel;
use crate::i18n::*;
use leptos::prelude::*;

// Chart geometry (SVG user units).
const SIZE: f64 = 480.0;
const PAD: f64 = 56.0;
const PLOT: f64 = SIZE - 2.0 * PAD;

fn x(fraction: f64) -> f64 {
    PAD + fraction * PLOT
}

fn y(fraction: f64) -> f64 {
    SIZE - PAD - fraction * PLOT
}

/// A long label in two lines, split at the space nearest its middle.
fn two_lines(label: &str) -> (String, String) {
    let middle = label.chars().count() / 2;
    let split = label
        .char_indices()
        .filter(|(_, c)| *c == ' ')
        .min_by_key(|(i, _)| label[..*i].chars().count().abs_diff(middle))
        .map(|(i, _)| i);
    match split {
        Some(i) if label.chars().count() > 18 => (label[..i].to_owned(), label[i + 1..].to_owned()),
        _ => (label.to_owned(), String::new()),
    }
}

/// Portfolio of the chart model; the ranking table beside it is its text
/// alternative. Nothing while there is no model.
#[component]
pub fn Portfolio(#[prop(into)] chart: Signal<Option<ChartModel>>) -> AnyView {
    let i18n = use_i18n();
    (move || {
        let Some(chart) = chart.get() else {
            return ().into_any();
        };
        // The engine's chart in the UI's language (documents stay German).
        let chart = crate::method_texts::chart(i18n.get_locale(), chart);
        let areas = chart
            .areas
            .iter()
            .map(|a| {
                let (first, second) = two_lines(&a.label);
                let top = a.y1 >= 1.0;
                let label_y = if top { y(a.y1) + 16.0 } else { y(a.y0) - 22.0 };
                let centre = (x(a.x0) + x(a.x1)) / 2.0;
                view! {
                    <rect
                        x=x(a.x0)
                        y=y(a.y1)
                        width=x(a.x1) - x(a.x0)
                        height=y(a.y0) - y(a.y1)
                        fill=a.fill
                        data-quadrant=a.quadrant.key()
                    />
                    <text x=centre y=label_y class="quadrant-label" text-anchor="middle">
                        <tspan x=centre>{first}</tspan>
                        <tspan x=centre dy="15">{second}</tspan>
                    </text>
                }
            })
            .collect_view();
        let ticks = chart
            .ticks
            .iter()
            .map(|(value, f)| {
                view! {
                    <text x=x(*f) y=SIZE - PAD + 16.0 text-anchor="middle" class="tick">{*value}</text>
                    <text x=PAD - 10.0 y=y(*f) + 4.0 text-anchor="end" class="tick">{*value}</text>
                }
            })
            .collect_view();
        let bubbles = chart
            .bubbles
            .iter()
            .map(|b| {
                let mut title = format!("{}: {}", b.title, b.quadrant_label);
                if b.data_badge {
                    title.push_str(" · ");
                    title.push_str(&chart.legend.badge_name);
                }
                view! {
                    <g class="bubble" data-testid="bubble">
                        <title>{title}</title>
                        <circle
                            cx=x(b.x)
                            cy=y(b.y)
                            r=b.radius * PLOT
                            fill=b.fill
                            stroke="#1a1a1a"
                            stroke-width="1.5"
                            stroke-dasharray=b.size_missing.then_some("4 3")
                        />
                        <text
                            x=x(b.x)
                            y=y(b.y) + 4.0
                            text-anchor="middle"
                            class="bubble-label"
                            style=format!("fill:{}", b.text_colour)
                        >
                            {b.label.clone()}
                        </text>
                    </g>
                }
            })
            .collect_view();
        let mid = chart.midpoint;
        let legend = chart.legend.clone();
        let swatches = legend
            .swatches
            .iter()
            .map(|s| {
                view! {
                    <span class="legend-item">
                        <span class="legend-swatch" style=format!("background:{}", s.fill)></span>
                        {s.label.clone()}
                    </span>
                }
            })
            .collect_view();
        view! {
            <figure class="portfolio">
                <svg
                    viewBox=format!("0 0 {SIZE} {SIZE}")
                    role="img"
                    aria-labelledby="portfolio-title portfolio-desc"
                    data-testid="portfolio"
                >
                    <title id="portfolio-title">{t!(i18n, ideas.portfolio_title)}</title>
                    <desc id="portfolio-desc">{t!(i18n, ideas.portfolio_desc)}</desc>
                    {areas}
                    <rect x=x(0.0) y=y(1.0) width=PLOT height=PLOT fill="none" stroke="#4a5560" />
                    <line x1=x(mid) y1=y(0.0) x2=x(mid) y2=y(1.0) stroke="#4a5560" stroke-dasharray="4 4" />
                    <line x1=x(0.0) y1=y(mid) x2=x(1.0) y2=y(mid) stroke="#4a5560" stroke-dasharray="4 4" />
                    {ticks}
                    <text x=SIZE / 2.0 y=SIZE - 12.0 text-anchor="middle" class="axis-label">
                        {legend.x_axis.clone()}
                    </text>
                    <text
                        x=16
                        y=SIZE / 2.0
                        text-anchor="middle"
                        class="axis-label"
                        transform=format!("rotate(-90 16 {})", SIZE / 2.0)
                    >
                        {legend.y_axis.clone()}
                    </text>
                    {bubbles}
                </svg>
                <figcaption data-testid="portfolio-legend">
                    {legend.size.clone()} " " {legend.colour.clone()} " "
                    <span class="legend">{swatches}</span>
                    ". " {legend.numbers.clone()} " " {legend.badge.clone()}
                </figcaption>
            </figure>
        }
        .into_any()
    })
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::two_lines;

    #[test]
    fn long_quadrant_labels_break_near_the_middle() {
        assert_eq!(
            two_lines("Mitnehmen, wenn der Aufwand gering ist"),
            (
                "Mitnehmen, wenn der".to_owned(),
                "Aufwand gering ist".to_owned()
            )
        );
        assert_eq!(
            two_lines("Zurückstellen"),
            ("Zurückstellen".to_owned(), String::new())
        );
    }
}
