use crate::api::{ApiErrorBody, JoinRequest, PublicSession};
use crate::client;
use crate::components::error_notice::ErrorNotice;
use crate::domain::session::german_date;
use crate::i18n::*;
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_params_map};

/// Join a session: name, Kommune, group. Someone already in is sent on.
#[component]
pub fn JoinPage() -> AnyView {
    let i18n = use_i18n();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let navigate = use_navigate();
    let session = LocalResource::new(move || {
        let code = code();
        let navigate = navigate.clone();
        async move {
            if client::me(&code).await.is_ok() {
                navigate(&format!("/s/{code}"), Default::default());
            }
            client::public_session(&code).await
        }
    });
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || {
                session
                    .get()
                    .map(|result| match result {
                        Ok(s) => view! { <JoinForm session=s /> }.into_any(),
                        Err(e) => {
                            view! {
                                <h1>{t!(i18n, join.heading)}</h1>
                                <ErrorNotice error=Signal::derive(move || Some(e.clone())) />
                                <p>
                                    <a href="/">{t!(i18n, not_found.back)}</a>
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
    .into_any()
}

#[component]
fn JoinForm(session: PublicSession) -> AnyView {
    let i18n = use_i18n();
    let display_name = RwSignal::new(String::new());
    let kommune = RwSignal::new(String::new());
    // With a single group there is nothing to choose.
    let only_group = match session.groups.as_slice() {
        [only] => only.id.clone(),
        _ => String::new(),
    };
    let group_id = RwSignal::new(only_group);
    let error = RwSignal::new(None::<ApiErrorBody>);
    let code = StoredValue::new(session.join_code.clone());
    let navigate = use_navigate();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = JoinRequest {
            display_name: display_name.get_untracked(),
            kommune: kommune.get_untracked(),
            group_id: group_id.get_untracked(),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            let code = code.get_value();
            match client::join(&code, &request).await {
                Ok(_) => navigate(&format!("/s/{code}"), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let no_groups = session.groups.is_empty();
    let groups = session
        .groups
        .into_iter()
        .map(|g| {
            let id = g.id.clone();
            let checked_id = g.id.clone();
            view! {
                <label class="group-choice" style=format!("--group-colour: {}", g.colour)>
                    <input
                        type="radio"
                        name="group"
                        value=g.id.clone()
                        prop:checked=move || group_id.get() == checked_id
                        on:change=move |_| group_id.set(id.clone())
                    />
                    <span class="swatch" aria-hidden="true"></span>
                    {g.name}
                </label>
            }
        })
        .collect_view();
    view! {
        <h1>{t!(i18n, join.heading)} ": " {session.title}</h1>
        <p>{german_date(&session.date)} " · " {session.place}</p>
        <section class="panel">
            <form on:submit=submit novalidate>
                <label for="display-name">{t!(i18n, join.display_name)}</label>
                <input id="display-name" name="display-name" autocomplete="name" bind:value=display_name />
                <label for="kommune">{t!(i18n, join.kommune)}</label>
                <input id="kommune" name="kommune" autocomplete="organization" bind:value=kommune />
                <fieldset>
                    <legend>{t!(i18n, join.group)}</legend>
                    {no_groups.then(|| view! { <p class="hint">{t!(i18n, join.no_groups)}</p> })}
                    {groups}
                </fieldset>
                <ErrorNotice error=error />
                <button type="submit">{t!(i18n, join.submit)}</button>
            </form>
        </section>
    }
    .into_any()
}
