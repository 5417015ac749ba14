//! Download links for the exports and the import of a session file.
//!
//! Participants download with their session cookie, so plain links do. The
//! moderator's secret goes in an `Authorization` header, which a link cannot
//! carry: the moderator's buttons fetch the file and hand it to the browser
//! as a download, with a progress notice while the server typesets.

use crate::api::{ApiErrorBody, CreatedSession, ErrorCode, GroupView};
use crate::client;
use crate::components::error_notice::ErrorNotice;
use crate::i18n::*;
use leptos::{ev::SubmitEvent, html, prelude::*, task::spawn_local};

/// Format keys, as in the export URLs, in the order they are offered.
const FORMATS: [&str; 7] = ["pdf", "docx", "odt", "xlsx", "csv", "md", "json"];

fn format_label(locale: Locale, key: &str) -> String {
    match key {
        "pdf" => td_string!(locale, exports.pdf),
        "docx" => td_string!(locale, exports.docx),
        "odt" => td_string!(locale, exports.odt),
        "xlsx" => td_string!(locale, exports.xlsx),
        "csv" => td_string!(locale, exports.csv),
        "md" => td_string!(locale, exports.md),
        "kosten" => td_string!(locale, exports.kosten),
        _ => td_string!(locale, exports.json),
    }
    .to_string()
}

/// A participant's downloads of their own group's results (the session
/// cookie goes along with the request).
#[component]
pub fn GroupExports(code: String) -> AnyView {
    let i18n = use_i18n();
    let progress = RwSignal::new(Progress::Idle);
    let buttons = FORMATS
        .iter()
        .map(|key| {
            let job = Job {
                url: format!("/api/sessions/{code}/export/{key}"),
                token: None,
                key,
                scope: Scope::OwnGroup,
                antrag: false,
            };
            view! { <DownloadButton job progress /> }
        })
        .collect_view();
    view! {
        <section class="panel exports" aria-labelledby="exports-heading">
            <h2 id="exports-heading">{t!(i18n, exports.own_group)}</h2>
            <div class="export-row">{buttons}</div>
            <DownloadStatus progress />
        </section>
    }
    .into_any()
}

/// One download: where from, with which secret, what it is.
#[derive(Clone, PartialEq)]
pub(crate) struct Job {
    pub url: String,
    pub token: Option<String>,
    pub key: &'static str,
    pub scope: Scope,
    /// The Antragsentwurf rather than the results.
    pub antrag: bool,
}

/// "Word (DOCX)", or "Word (DOCX) – Antragsentwurf" for the draft (the
/// visible format first, so the accessible name starts with the visible text).
fn job_label(locale: Locale, job_key: &str, antrag: bool) -> String {
    let format = format_label(locale, job_key);
    if antrag {
        td_string!(locale, antrag.format, format = format).to_string()
    } else {
        format
    }
}

/// What a download covers; named in the language shown.
#[derive(Clone, PartialEq)]
pub(crate) enum Scope {
    Session,
    OwnGroup,
    Group(String),
}

fn scope_label(locale: Locale, scope: &Scope) -> String {
    match scope {
        Scope::Session => td_string!(locale, exports.session_heading).to_string(),
        Scope::OwnGroup => td_string!(locale, exports.own_group_scope).to_string(),
        Scope::Group(name) => name.clone(),
    }
}

/// Every download shows where it stands: being made, done (with the file
/// name) or failed (with the reason and a button to try again).
#[derive(Clone, PartialEq)]
pub(crate) enum Progress {
    Idle,
    Busy(Job),
    Done(String),
    Failed(Job, ApiErrorBody),
}

/// Starts `job` unless another download is running; its result lands in `progress`.
fn run(job: Job, progress: RwSignal<Progress>) {
    if matches!(progress.get_untracked(), Progress::Busy(_)) {
        return;
    }
    progress.set(Progress::Busy(job.clone()));
    spawn_local(async move {
        // Writes to a signal whose panel is gone are no-ops.
        match download(&job.url, job.token.as_deref()).await {
            Ok(name) => progress.set(Progress::Done(name)),
            Err(e) => progress.set(Progress::Failed(job, e)),
        }
    });
}

#[component]
pub(crate) fn DownloadButton(job: Job, progress: RwSignal<Progress>) -> AnyView {
    let i18n = use_i18n();
    let key = job.key;
    let antrag = job.antrag;
    let scope = job.scope.clone();
    let label = move || {
        t_string!(
            i18n,
            exports.download_label,
            format = job_label(i18n.get_locale(), key, antrag),
            scope = scope_label(i18n.get_locale(), &scope)
        )
        .to_string()
    };
    let busy = move || matches!(progress.get(), Progress::Busy(_));
    let job = StoredValue::new(job);
    view! {
        <button
            type="button"
            class="secondary"
            data-format=key
            aria-label=label
            disabled=busy
            on:click=move |_| run(job.get_value(), progress)
        >
            {move || format_label(i18n.get_locale(), key)}
        </button>
    }
    .into_any()
}

/// The state of the last download, announced politely; a failure is an
/// alert with a retry button.
#[component]
pub(crate) fn DownloadStatus(progress: RwSignal<Progress>) -> AnyView {
    let i18n = use_i18n();
    let what = move |job: &Job| {
        format!(
            "{} – {}",
            job_label(i18n.get_locale(), job.key, job.antrag),
            scope_label(i18n.get_locale(), &job.scope)
        )
    };
    view! {
        <div aria-live="polite" class="export-status" data-testid="export-status">
            {move || match progress.get() {
                Progress::Busy(job) => {
                    view! {
                        <progress aria-label=t_string!(i18n, exports.preparing).to_string()></progress>
                        " "
                        {t!(i18n, exports.preparing)}
                        " "
                        {what(&job)}
                    }
                        .into_any()
                }
                Progress::Done(name) => {
                    view! { <span>{t!(i18n, exports.done, name = name.clone())}</span> }.into_any()
                }
                _ => ().into_any(),
            }}
        </div>
        {move || match progress.get() {
            Progress::Failed(job, error) => {
                let again = job.clone();
                let reason = crate::texts::error_message(i18n.get_locale(), &error);
                view! {
                    <div class="export-failed" role="alert" data-testid="export-failed">
                        <p class="error">
                            {t_string!(i18n, exports.failed, what = what(&job), reason = reason).to_string()}
                        </p>
                        <button type="button" on:click=move |_| {
                            progress.set(Progress::Idle);
                            run(again.clone(), progress);
                        }>{t!(i18n, exports.retry)}</button>
                    </div>
                }
                    .into_any()
            }
            _ => ().into_any(),
        }}
    }
    .into_any()
}

/// The moderator's downloads: the whole session and each group; with
/// `kosten` on (the method is used), each group's Kostenaufteilung workbook.
#[component]
pub fn ModeratorExports(
    token: String,
    groups: Vec<GroupView>,
    #[prop(into)] kosten: Signal<bool>,
) -> AnyView {
    let i18n = use_i18n();
    let progress = RwSignal::new(Progress::Idle);
    let row_token = token.clone();
    let row = move |group: Option<GroupView>| {
        let token = row_token.clone();
        let scope = match &group {
            Some(g) => Scope::Group(g.name.clone()),
            None => Scope::Session,
        };
        let shown = scope.clone();
        let name = Signal::derive(move || scope_label(i18n.get_locale(), &shown));
        let workbook = group.as_ref().map(|g| {
            let job = Job {
                url: format!("/api/moderation/groups/{}/kosten.xlsx", g.id),
                token: Some(token.clone()),
                key: "kosten",
                scope: scope.clone(),
                antrag: false,
            };
            view! {
                <Show when=move || kosten.get()>
                    <DownloadButton job=job.clone() progress />
                </Show>
            }
        });
        let query = group
            .map(|g| format!("?group={}", g.id))
            .unwrap_or_default();
        let buttons = FORMATS
            .iter()
            .map(|key| {
                let job = Job {
                    url: format!("/api/moderation/export/{key}{query}"),
                    token: Some(token.clone()),
                    key,
                    scope: scope.clone(),
                    antrag: false,
                };
                view! { <DownloadButton job progress /> }
            })
            .collect_view();
        view! {
            <div class="export-row" role="group" aria-label=move || name.get()>
                <span class="export-scope">{move || name.get()}</span>
                {buttons}
                {workbook}
            </div>
        }
    };
    // Each group's Antragsentwurf (antrag.md §1): documents to edit.
    let antrag_token = token.clone();
    let antrag_row = move |group: GroupView| {
        let token = antrag_token.clone();
        let scope = Scope::Group(group.name.clone());
        let name = group.name.clone();
        let label =
            Signal::derive(move || t_string!(i18n, antrag.scope, group = name.clone()).to_string());
        let buttons = ["docx", "odt", "pdf"]
            .iter()
            .map(|key| {
                let job = Job {
                    url: format!(
                        "/api/moderation/export/{key}?group={}&profil=antrag",
                        group.id
                    ),
                    token: Some(token.clone()),
                    key,
                    scope: scope.clone(),
                    antrag: true,
                };
                view! { <DownloadButton job progress /> }
            })
            .collect_view();
        view! {
            <div class="export-row" role="group" aria-label=move || label.get()>
                <span class="export-scope">{move || label.get()}</span>
                {buttons}
            </div>
        }
    };
    let session_row = row(None);
    let group_rows = groups.iter().cloned().map(|g| row(Some(g))).collect_view();
    let antrag_rows = groups.into_iter().map(antrag_row).collect_view();
    view! {
        <section class="panel exports" aria-labelledby="exports-heading">
            <h2 id="exports-heading">{t!(i18n, exports.heading)}</h2>
            {session_row}
            {group_rows}
            {antrag_rows}
            <DownloadStatus progress />
        </section>
    }
    .into_any()
}

/// Fetches `url` (with the moderator secret, if any; a participant's cookie
/// goes along anyway) and saves the answer as a file; returns the file name
/// the server gave.
async fn download(url: &str, token: Option<&str>) -> Result<String, ApiErrorBody> {
    use gloo_net::http::Request;
    let network = || ApiErrorBody::new(ErrorCode::Network);
    let mut request = Request::get(url);
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let response = request.send().await.map_err(|_| network())?;
    if !response.ok() {
        return Err(response
            .json::<ApiErrorBody>()
            .await
            .unwrap_or_else(|_| ApiErrorBody::new(ErrorCode::Internal)));
    }
    let name = response
        .headers()
        .get("content-disposition")
        .and_then(|d| {
            d.split("filename=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "export".to_owned());
    let content_type = response.headers().get("content-type").unwrap_or_default();
    let bytes = response.binary().await.map_err(|_| network())?;
    save(&bytes, &content_type, &name).ok_or_else(|| ApiErrorBody::new(ErrorCode::Internal))?;
    Ok(name)
}

/// Hands bytes to the browser as a download (a temporary blob URL).
fn save(bytes: &[u8], content_type: &str, name: &str) -> Option<()> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoked only later: revoking at once can cancel a download the
    // browser has not started reading yet (a file that never arrives).
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Some(())
}

/// Start page: import a session file (JSON) as a new session.
#[component]
pub fn ImportSession() -> AnyView {
    let i18n = use_i18n();
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<ApiErrorBody>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let file = input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else {
            error.set(Some(ApiErrorBody::new(ErrorCode::ImportMalformed)));
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match upload(file).await {
                Ok(created) => {
                    if let Ok(s) = client::moderator_session(&created.moderator_token).await {
                        client::remember_session(client::KnownSession {
                            title: s.session.title,
                            date: s.session.date,
                            join_code: created.join_code,
                            moderator_token: created.moderator_token.clone(),
                        });
                    }
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
        // No accessible name on the section: "importieren" contains "Ort",
        // and a named region would make the start page's "Ort" label ambiguous.
        <section class="panel import-session">
            <h2 id="import-heading">{t!(i18n, home.import_heading)}</h2>
            <form on:submit=submit novalidate>
                <label for="import-file">{t!(i18n, home.import_label)}</label>
                <input
                    id="import-file"
                    name="file"
                    type="file"
                    accept="application/json,.json"
                    aria-describedby="import-hint"
                    node_ref=input
                />
                <p id="import-hint" class="hint">{t!(i18n, home.import_hint)}</p>
                <ErrorNotice error=error />
                <button type="submit" disabled=move || busy.get()>
                    {move || if busy.get() {
                        t_string!(i18n, home.importing).to_string()
                    } else {
                        t_string!(i18n, home.import_button).to_string()
                    }}
                </button>
            </form>
        </section>
    }
    .into_any()
}

async fn upload(file: web_sys::File) -> Result<CreatedSession, ApiErrorBody> {
    use gloo_net::http::Request;
    let request = Request::post("/api/import")
        .header("Content-Type", "application/json")
        .body(file)
        .map_err(|_| ApiErrorBody::new(ErrorCode::BadRequest))?;
    let response = request
        .send()
        .await
        .map_err(|_| ApiErrorBody::new(ErrorCode::Network))?;
    if response.ok() {
        response
            .json::<CreatedSession>()
            .await
            .map_err(|_| ApiErrorBody::new(ErrorCode::Internal))
    } else {
        Err(response
            .json::<ApiErrorBody>()
            .await
            .unwrap_or_else(|_| ApiErrorBody::new(ErrorCode::Internal)))
    }
}
