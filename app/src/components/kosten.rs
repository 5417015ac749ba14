//! The Kostenaufteilung's result on the method's board (antrag.md §2): per
//! Kommune its share, the share of L and of I − G, the saving per year,
//! the payback ("keine Amortisation") and the saving with every Fallzahl
//! ±20 %; or the German sentence saying what is missing. Every figure comes
//! from `domain::kosten` (the one board→input rule, the calculator and the
//! one rounding rule); this file only draws. A participant downloads the
//! group's workbook with live formulas here (the moderator in the cockpit).

use crate::domain::board::BoardState;
use crate::domain::kosten;
use crate::i18n::*;
use leptos::prelude::*;

/// The result table, or what is missing; `download`: the participant's
/// workbook address (none on the moderator's screens).
#[component]
pub fn KostenFigure(board_state: Memo<BoardState>, download: Option<String>) -> AnyView {
    let i18n = use_i18n();
    let result = Memo::new(move |_| {
        board_state.with(|b| {
            kosten::result(b)
                .map(|r| kosten::rows(&r))
                .map_err(|e| e.to_string())
        })
    });
    let download = StoredValue::new(download);
    let body = move || match result.get() {
        Err(message) => view! {
            <p class="warning" data-testid="kosten-missing">
                {t!(i18n, kosten.missing)} " " {message}
            </p>
        }
        .into_any(),
        Ok(rows) => {
            let rows = rows
                .into_iter()
                .map(|r| {
                    view! {
                        <tr>
                            <th scope="row">{r.name}</th>
                            <td data-column="anteil">{r.anteil}</td>
                            <td>{r.anteil_laufend}</td>
                            <td>{r.anteil_einmalig}</td>
                            <td data-column="einsparung">{r.einsparung}</td>
                            <td data-column="amortisation">{r.amortisation}</td>
                            <td>{r.einsparung_minus}</td>
                            <td>{r.einsparung_plus}</td>
                        </tr>
                    }
                })
                .collect_view();
            let link = download.get_value().map(|href| {
                view! {
                    <p>
                        <a href=href download="" data-testid="kosten-download">
                            {t!(i18n, kosten.download)}
                        </a>
                    </p>
                }
            });
            view! {
                // Scrolls sideways on narrow screens; focusable so keyboards can scroll it.
                <div
                    class="table-scroll"
                    tabindex="0"
                    role="region"
                    aria-label=move || t_string!(i18n, kosten.heading).to_string()
                >
                    <table class="figures-table" data-testid="kosten-table">
                        <caption>{t!(i18n, kosten.caption)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, kosten.kommune)}</th>
                                <th scope="col">{t!(i18n, kosten.anteil)}</th>
                                <th scope="col">{t!(i18n, kosten.anteil_laufend)}</th>
                                <th scope="col">{t!(i18n, kosten.anteil_einmalig)}</th>
                                <th scope="col">{t!(i18n, kosten.einsparung)}</th>
                                <th scope="col">{t!(i18n, kosten.amortisation)}</th>
                                <th scope="col">{t!(i18n, kosten.minus)}</th>
                                <th scope="col">{t!(i18n, kosten.plus)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {link}
            }
            .into_any()
        }
    };
    view! {
        <section class="panel figures" aria-labelledby="kosten-heading" data-testid="kosten-result">
            <h2 id="kosten-heading">{t!(i18n, kosten.heading)}</h2>
            {body}
        </section>
    }
    .into_any()
}
