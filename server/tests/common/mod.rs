//! Shared set-up for the server's integration tests: a real SQLite file in a
//! temporary directory or a real PostgreSQL database (`pg.rs`), and the
//! router on top of it.
#![allow(dead_code)]

pub mod binary;
pub mod live;
pub mod pg;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use serde_json::Value;
use server::{state::AppState, store::Store};
use std::net::SocketAddr;
use tempfile::TempDir;
use tower::ServiceExt;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub store: Store,
    /// A directory the test owns (the SQLite file lives here).
    pub dir: TempDir,
    /// The URL the store was opened with (to reopen it, or for the binary).
    pub url: String,
    /// The test's own PostgreSQL database (dropped after the store).
    pub pg: Option<pg::PgDb>,
}

impl TestDb {
    /// The name of the test's own PostgreSQL database (a PostgreSQL test).
    pub fn pg_name(&self) -> String {
        self.pg.as_ref().expect("a PostgreSQL test").name.clone()
    }
}

/// A fresh SQLite file.
pub async fn test_db() -> TestDb {
    test_db_on(Backend::Sqlite).await
}

/// A fresh database: an SQLite file, or a database of this process's
/// PostgreSQL cluster (see `pg.rs`).
pub async fn test_db_on(backend: Backend) -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.path().join("test.db").display()),
            None,
        ),
        Backend::Postgres => {
            let db = pg::PgDb::create();
            (db.url.clone(), Some(db))
        }
    };
    let store = Store::open(&url).await.expect("open store");
    TestDb {
        store,
        dir,
        url,
        pg,
    }
}

/// Runs each listed `async fn name(db: TestDb)` twice, as `sqlite::name`
/// on a fresh SQLite file and `postgres::name` on a fresh PostgreSQL database.
/// With `@with make;` each gets `make(backend).await` instead of a `TestDb`
/// (e.g. `common::live::Server::start_on`).
#[macro_export]
macro_rules! on_both_backends {
    (@with $make:path; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($make($crate::common::Backend::Sqlite).await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($make($crate::common::Backend::Postgres).await).await
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        $crate::on_both_backends!(@with $crate::common::test_db_on; $($name),*);
    };
}

pub fn state(store: Store) -> AppState {
    AppState::new(
        store,
        LeptosOptions::builder()
            .output_name("ikz_werkstatt")
            .build(),
    )
}

pub struct Api {
    pub router: Router,
    pub db: TestDb,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
}

impl Api {
    pub async fn new() -> Self {
        let db = test_db().await;
        let router = server::api_router(state(db.store.clone()));
        Self { router, db }
    }

    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        send_with(&self.router, None, method, uri, body, headers).await
    }

    /// Creates a session and returns (join code, moderator token).
    pub async fn create_session(&self) -> (String, String) {
        let reply = self
            .send(
                "POST",
                "/api/sessions",
                Some(serde_json::json!({
                    "title": "IKZ-Workshop Digitalisierung",
                    "date": "2026-11-25",
                    "place": "Rathaus Musterstadt"
                })),
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.json);
        (
            reply.json["join_code"].as_str().expect("code").to_owned(),
            reply.json["moderator_token"]
                .as_str()
                .expect("token")
                .to_owned(),
        )
    }

    pub async fn add_group(&self, token: &str, name: &str) -> String {
        let bearer = format!("Bearer {token}");
        let reply = self
            .send(
                "POST",
                "/api/moderation/groups",
                Some(serde_json::json!({ "name": name, "colour": "#8ecae6" })),
                &[("authorization", &bearer)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.json);
        reply.json["id"].as_str().expect("group id").to_owned()
    }

    /// Asks who the participant behind `cookie` (`name=value`) is.
    pub async fn me(&self, code: &str, cookie: &str) -> Reply {
        let uri = format!("/api/sessions/{code}/me");
        self.send("GET", &uri, None, &[("cookie", cookie)]).await
    }

    /// Joins from Musterstadt and returns the `name=value` cookie pair.
    pub async fn join(&self, code: &str, group_id: &str, name: &str) -> String {
        self.join_from(code, group_id, name, "Musterstadt").await
    }

    /// Joins from `kommune` and returns the `name=value` cookie pair.
    pub async fn join_from(&self, code: &str, group_id: &str, name: &str, kommune: &str) -> String {
        let reply = self
            .send(
                "POST",
                &format!("/api/join/{code}"),
                Some(serde_json::json!({
                    "display_name": name, "kommune": kommune, "group_id": group_id
                })),
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.json);
        let set_cookie = reply.headers[header::SET_COOKIE].to_str().expect("cookie");
        set_cookie.split(';').next().expect("pair").to_owned()
    }
}

/// Sends one request through `router` (no port needed), as if from `peer`
/// when given (the address the rate limits count), and reads the reply.
pub async fn send_with(
    router: &Router,
    peer: Option<SocketAddr>,
    method: &str,
    uri: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(peer) = peer {
        builder = builder.extension(ConnectInfo(peer));
    }
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let request = match body {
        Some(json) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Reply {
        status,
        headers,
        json,
    }
}

/// LibreOffice conversions run one at a time, on one profile per test process:
/// several instances starting at once have aborted on a fresh machine
/// (`WrappedTargetRuntimeException`), and a profile made once starts faster.
static SOFFICE: std::sync::Mutex<Option<tempfile::TempDir>> = std::sync::Mutex::new(None);

/// Converts with LibreOffice headless; returns the paths of the files it wrote.
pub fn soffice(path: &std::path::Path, filter: &str) -> Vec<std::path::PathBuf> {
    let dir = path.parent().expect("dir");
    // A test that failed while holding the lock leaves it poisoned; the profile is still fine.
    let mut profile = SOFFICE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let profile = profile.get_or_insert_with(|| tempfile::tempdir().expect("profile dir"));
    let out_dir = dir.join(format!("out-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&out_dir).expect("out dir");
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
        ])
        .arg(&out_dir)
        .arg(path)
        .output()
        .expect("LibreOffice installed (scripts/setup.sh --test)");
    assert!(
        status.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&out_dir)
        .expect("read out dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "LibreOffice wrote nothing for {path:?}");
    files
}

/// The repository's root (the workspace), for tests that read its files
/// or run its scripts.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_owned()
}

/// The workspace's version (`[workspace.package] version`).
pub fn workspace_version() -> String {
    let cargo = std::fs::read_to_string(workspace_root().join("Cargo.toml")).expect("Cargo.toml");
    cargo
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("workspace version")
        .to_owned()
}

/// The database file a server binary on `data_dir` uses.
pub fn data_dir_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}", data_dir.join("ikz-werkstatt.db").display())
}

/// A session written straight into `data_dir`'s database before a server
/// binary starts on it.
pub struct SeededSession {
    pub id: String,
    /// The moderator secret.
    pub secret: String,
    /// Group ids, in the order named.
    pub groups: Vec<String>,
    /// Participant tokens, in the order named.
    pub tokens: Vec<String>,
}

/// Seeds a session with join code `code`, the groups `groups` and the
/// participants `people` (name, index into `groups`), all from Musterstadt.
pub async fn seed_session(
    data_dir: &std::path::Path,
    code: &str,
    groups: &[&str],
    people: &[(&str, usize)],
) -> SeededSession {
    use app::domain::session::{GroupDetails, ParticipantDetails, SessionDetails};
    use server::auth::{new_token, token_hash};
    use server::clock::now;
    let store = Store::open(&data_dir_url(data_dir))
        .await
        .expect("open store");
    let details = SessionDetails::validate("Betriebs-Test", "2026-11-25", "Rathaus").unwrap();
    let secret = new_token();
    let code = app::domain::JoinCode::parse(code).expect("valid join code");
    let id = store
        .create_session(&details, &code, &token_hash(&secret), now())
        .await
        .expect("session")
        .id;
    let mut group_ids = Vec::new();
    for name in groups {
        let details = GroupDetails::validate(name, "#8ecae6").unwrap();
        group_ids.push(store.add_group(&id, &details).await.expect("group").id);
    }
    let mut tokens = Vec::new();
    for (name, group) in people {
        let token = new_token();
        let details = ParticipantDetails::validate(name, "Musterstadt").unwrap();
        store
            .add_participant(
                &id,
                &group_ids[*group],
                &details,
                &token_hash(&token),
                now(),
                now() + 86_400,
            )
            .await
            .expect("participant");
        tokens.push(token);
    }
    store.close().await;
    SeededSession {
        id,
        secret,
        groups: group_ids,
        tokens,
    }
}
