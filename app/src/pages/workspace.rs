use crate::api::{ErrorCode, Me};
use crate::client;
use crate::components::error_notice::ErrorNotice;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

/// A participant's workspace in their group. Without a valid sign-in for this
/// session the participant is sent to the join page.
#[component]
pub fn WorkspacePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let navigate = use_navigate();
    let me = LocalResource::new(move || {
        let code = code();
        let navigate = navigate.clone();
        async move {
            let result = client::me(&code).await;
            if let Err(e) = &result {
                if matches!(
                    e.code,
                    ErrorCode::NotJoined | ErrorCode::TokenExpired | ErrorCode::ForeignToken
                ) {
                    navigate(&format!("/join/{code}"), Default::default());
                }
            }
            result
        }
    });
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || {
                me.get()
                    .map(|result| match result {
                        Ok(me) => view! { <GroupWorkspace me /> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }
                            .into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn GroupWorkspace(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let name = me.participant.display_name.clone();
    let kommune = me.participant.kommune.clone();
    view! {
        <div class="workspace" style=format!("--group-colour: {}", me.group.colour)>
            <h1>
                {me.session.title.clone()} " · " <span data-testid="group-name">{me.group.name.clone()}</span>
            </h1>
            <p data-testid="me">
                {t!(i18n, workspace.you_are, name = name.clone(), kommune = kommune.clone())}
            </p>
        </div>
    }
}
