//! What the moderator steers, as participants and the projector see it: the
//! timer (by server time), the lock of a board, and dot voting on cards.

use crate::domain::board::Op;
use crate::domain::rating;
use crate::domain::steering::clock;
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::prelude::*;
use std::time::Duration;

/// The countdown, ticking by the server's clock; hidden while no timer is set.
/// At zero it pulses gently and says so to screen readers.
#[component]
pub fn TimerDisplay(sync: LiveSync, #[prop(optional)] large: bool) -> AnyView {
    let i18n = use_i18n();
    let now = RwSignal::new(0i64);
    Effect::new(move |_| {
        now.set(sync.server_now());
        if let Ok(handle) = set_interval_with_handle(
            move || now.set(sync.server_now()),
            Duration::from_millis(250),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let timer = move || sync.settings.with(|s| s.timer);
    let remaining = move || timer().remaining(now.get());
    let set = move || timer().duration_ms > 0;
    let done = move || set() && remaining() == 0;
    view! {
        <Show when=set>
            <div
                class="timer"
                class:large=large
                class:done=done
                class:running=move || timer().running()
                data-testid="timer"
            >
                <span class="visually-hidden">{t!(i18n, steering.timer)} " "</span>
                <span class="timer-clock" data-testid="timer-clock">
                    {move || clock(remaining())}
                </span>
                <span class="timer-note" aria-live="polite">
                    {move || done().then(|| t_string!(i18n, steering.time_up).to_string())}
                </span>
            </div>
        </Show>
    }
    .into_any()
}

/// Says that the moderator has locked this board (the server refuses edits).
#[component]
pub fn LockBanner(#[prop(into)] locked: Signal<bool>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <Show when=move || locked.get()>
            <p class="lock-banner" role="status" data-testid="locked">
                "🔒 " {t!(i18n, steering.locked)}
            </p>
        </Show>
    }
    .into_any()
}

/// Dot voting on a card: give or take back one of your dots; the total shows
/// once the moderator reveals (until then only your own dots exist here).
#[component]
pub fn DotControl(
    sync: LiveSync,
    board: StoredValue<String>,
    card_id: StoredValue<String>,
) -> AnyView {
    let i18n = use_i18n();
    let me = sync.me().id;
    let limit = move || sync.settings.with(|s| s.dots_per_person);
    let counts = Memo::new(move |_| {
        sync.boards.with(|boards| {
            boards
                .get(&board.get_value())
                .map(|b| {
                    let (total, own) = rating::dots_on(b, &card_id.get_value(), &me);
                    (total, own, rating::dots_used(b, &me))
                })
                .unwrap_or_default()
        })
    });
    let dot = move |add: bool| {
        sync.submit(
            board.get_value(),
            Op::Dot {
                card_id: card_id.get_value(),
                add,
            },
        )
    };
    let left = move || limit().saturating_sub(counts.get().2);
    let revealed = move || sync.settings.with(|s| s.ratings_revealed);
    view! {
        <Show when=move || { limit() > 0 }>
            <div class="dots" data-testid="dots">
                <span class="dots-own">
                    {move || "●".repeat(usize::from(counts.get().1))}
                    <span class="visually-hidden">
                        {move || t_string!(i18n, steering.own_dots, count = counts.get().1).to_string()}
                    </span>
                </span>
                <button
                    type="button"
                    class="secondary icon"
                    on:click=move |_| dot(true)
                    disabled=move || left() == 0
                    aria-label=move || t_string!(i18n, steering.give_dot, left = left()).to_string()
                >
                    "+●"
                </button>
                <button
                    type="button"
                    class="secondary icon"
                    on:click=move |_| dot(false)
                    disabled=move || counts.get().1 == 0
                    aria-label=move || t_string!(i18n, steering.take_dot).to_string()
                >
                    "−●"
                </button>
                <Show when=revealed>
                    <span class="dots-total" data-testid="dots-total">
                        {move || {
                            let count = counts.get().0;
                            if count == 1 {
                                t_string!(i18n, steering.dots_total_single, count = count).to_string()
                            } else {
                                t_string!(i18n, steering.dots_total, count = count).to_string()
                            }
                        }}
                    </span>
                </Show>
            </div>
        </Show>
    }
    .into_any()
}
