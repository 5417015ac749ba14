use crate::i18n::*;
use leptos::prelude::*;

/// "Erklärung zur Barrierefreiheit" in the structure BITV 2.0 asks for:
/// compliance status, non-accessible content, how the statement was made,
/// feedback contact and the arbitration procedure.
#[component]
pub fn AccessibilityPage() -> AnyView {
    let i18n = use_i18n();
    view! {
        <article class="panel statement" aria-labelledby="statement-heading">
            <h1 id="statement-heading">{t!(i18n, a11y.heading)}</h1>
            <p>{t!(i18n, a11y.intro)}</p>
            <h2>{t!(i18n, a11y.status_heading)}</h2>
            <p>{t!(i18n, a11y.status)}</p>
            <h2>{t!(i18n, a11y.gaps_heading)}</h2>
            <ul>
                <li>{t!(i18n, a11y.gap_pdf)}</li>
                <li>{t!(i18n, a11y.gap_chart)}</li>
                <li>{t!(i18n, a11y.gap_live)}</li>
                <li>{t!(i18n, a11y.gap_projector)}</li>
            </ul>
            <h2>{t!(i18n, a11y.made_heading)}</h2>
            <p>{t!(i18n, a11y.made)}</p>
            <h2>{t!(i18n, a11y.feedback_heading)}</h2>
            <p>{t!(i18n, a11y.feedback)}</p>
            <h2>{t!(i18n, a11y.arbitration_heading)}</h2>
            <p>{t!(i18n, a11y.arbitration)}</p>
            <p>{t!(i18n, a11y.arbitration_contact)}</p>
        </article>
    }
    .into_any()
}
