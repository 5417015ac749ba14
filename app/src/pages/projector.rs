use crate::api::{ErrorCode, ModeratorSession};
use crate::client;
use crate::components::error_notice::ErrorNotice;
use crate::components::projector::StageView;
use crate::i18n::*;
use crate::sync::LiveSync;
use leptos::prelude::*;

/// The projector: a separate URL (the moderator secret after `#`), large
/// type, no controls; shows what the moderator chooses in the cockpit.
#[component]
pub fn ProjectorPage() -> AnyView {
    let i18n = use_i18n();
    let session = LocalResource::new(move || async move {
        // The projector's read-only token (or, from older links, the
        // moderator's), read once and then out of the address bar.
        let Some(token) = client::take_token(client::PROJECTOR_TOKEN) else {
            return Err(crate::api::ApiErrorBody::new(ErrorCode::ModeratorOnly));
        };
        client::moderator_session(&token).await.map(|s| (s, token))
    });
    view! {
        <div class="projector">
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || {
                    session
                        .get()
                        .map(|result| match result {
                            Ok((s, token)) => view! { <Projected session=s token /> }.into_any(),
                            Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
    .into_any()
}

#[component]
fn Projected(session: ModeratorSession, token: String) -> AnyView {
    let sync = LiveSync::for_moderator(session.session.join_code.clone(), token);
    Effect::new(move |_| sync.start());
    on_cleanup(move || sync.stop());
    view! { <StageView sync session=session.session /> }.into_any()
}
