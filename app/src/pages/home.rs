use crate::api::{ApiErrorBody, CreateSessionRequest};
use crate::client::{self, KnownSession};
use crate::components::error_notice::ErrorNotice;
use crate::components::exports::ImportSession;
use crate::domain::session::{german_date, JoinCode};
use crate::i18n::*;
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;

/// Start page: participants enter the code, moderators create a session.
#[component]
pub fn HomePage() -> AnyView {
    let i18n = use_i18n();
    view! {
        <h1 class="visually-hidden">{t!(i18n, app_name)}</h1>
        <p class="tagline">{t!(i18n, tagline)}</p>
        <div class="home-grid">
            <JoinByCode />
            <CreateSession />
            <ImportSession />
        </div>
        <KnownSessions />
    }
    .into_any()
}

#[component]
fn JoinByCode() -> AnyView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiErrorBody>);
    let navigate = use_navigate();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match JoinCode::parse(&code.get_untracked()) {
            Ok(code) => navigate(&format!("/join/{code}"), Default::default()),
            Err(e) => error.set(Some(ApiErrorBody::from(&e))),
        }
    };
    view! {
        <section class="panel" aria-labelledby="join-heading">
            <h2 id="join-heading">{t!(i18n, home.join_heading)}</h2>
            <form on:submit=submit novalidate>
                <label for="join-code">{t!(i18n, home.join_code_label)}</label>
                <input
                    id="join-code"
                    name="code"
                    class="code-input"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    aria-describedby="join-code-hint"
                    bind:value=code
                />
                <p id="join-code-hint" class="hint">{t!(i18n, home.join_code_hint)}</p>
                <ErrorNotice error=error />
                <button type="submit">{t!(i18n, home.join_button)}</button>
            </form>
        </section>
    }
    .into_any()
}

/// Creates a session; with `template` (a moderator secret) the new session
/// is prepared like that one (groups, methods, weights).
#[component]
pub fn CreateSession(
    #[prop(optional)] template: Option<String>,
    #[prop(optional)] title: String,
    #[prop(optional)] place: String,
) -> AnyView {
    let i18n = use_i18n();
    let duplicate = template.is_some();
    let template = StoredValue::new(template);
    let title = RwSignal::new(title);
    let date = RwSignal::new(String::new());
    let place = RwSignal::new(place);
    let error = RwSignal::new(None::<ApiErrorBody>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = CreateSessionRequest {
            title: title.get_untracked(),
            date: date.get_untracked(),
            place: place.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            let created = match template.get_value() {
                Some(token) => client::duplicate_session(&token, &request).await,
                None => client::create_session(&request).await,
            };
            match created {
                Ok(created) => {
                    client::remember_projector_token(&created.join_code, &created.projector_token);
                    client::remember_session(KnownSession {
                        title: request.title.trim().to_owned(),
                        date: request.date,
                        join_code: created.join_code,
                        moderator_token: created.moderator_token.clone(),
                    });
                    client::go_to(&format!("/moderation#{}", created.moderator_token));
                }
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="create-heading">
            <h2 id="create-heading">
                {move || if duplicate {
                    t_string!(i18n, home.duplicate_heading).to_string()
                } else {
                    t_string!(i18n, home.create_heading).to_string()
                }}
            </h2>
            {duplicate.then(|| view! { <p class="hint">{t!(i18n, home.duplicate_hint)}</p> })}
            <form on:submit=submit novalidate>
                <label for="session-title">{t!(i18n, home.title_label)}</label>
                <input id="session-title" name="title" required bind:value=title />
                <label for="session-date">{t!(i18n, home.date_label)}</label>
                <input id="session-date" name="date" type="date" required bind:value=date />
                <label for="session-place">{t!(i18n, home.place_label)}</label>
                <input id="session-place" name="place" required bind:value=place />
                <ErrorNotice error=error />
                <button type="submit" disabled=move || busy.get()>
                    {t!(i18n, home.create_button)}
                </button>
            </form>
        </section>
    }
    .into_any()
}

/// Sessions created on this device (from localStorage, so rendered after hydration).
#[component]
fn KnownSessions() -> AnyView {
    let i18n = use_i18n();
    let sessions = RwSignal::new(Vec::<KnownSession>::new());
    Effect::new(move |_| sessions.set(client::known_sessions()));
    view! {
        <section class="panel" aria-labelledby="known-heading">
            <h2 id="known-heading">{t!(i18n, home.my_sessions)}</h2>
            <Show
                when=move || !sessions.with(Vec::is_empty)
                fallback=move || view! { <p class="hint">{t!(i18n, home.no_sessions)}</p> }
            >
                <ul class="known-sessions">
                    <For
                        each=move || sessions.get()
                        key=|s| s.moderator_token.clone()
                        children=|s| {
                            view! {
                                <li>
                                    <a rel="external" href=format!(
                                        "/moderation#{}",
                                        s.moderator_token,
                                    )>{s.title}</a>
                                    " · "
                                    {german_date(&s.date)}
                                    " · "
                                    <span class="code">{s.join_code}</span>
                                </li>
                            }
                        }
                    />
                </ul>
            </Show>
        </section>
    }
    .into_any()
}
