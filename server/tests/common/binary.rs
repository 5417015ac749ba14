//! The real server binary for tests that must kill or restart it: started
//! on a free loopback port and a data directory, healthy before it returns.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

pub struct Running {
    pub child: Child,
    pub addr: SocketAddr,
}

pub fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

/// Starts the binary on `data_dir` (SQLite there, whatever `DATABASE_URL`
/// says), its log appended to `log`, and waits until `/healthz` answers.
pub async fn start(data_dir: &Path, site_root: &Path, log: &Path) -> Running {
    start_on(None, data_dir, site_root, log, &[]).await
}

/// [`start`] with extra environment variables (e.g. `IKZ_METRICS_TOKEN`).
pub async fn start_with_env(
    data_dir: &Path,
    site_root: &Path,
    log: &Path,
    env: &[(&str, &str)],
) -> Running {
    start_on(None, data_dir, site_root, log, env).await
}

/// As [`start_with_env`], on the database at `database_url` (`None`: SQLite
/// in `data_dir`).
pub async fn start_on(
    database_url: Option<&str>,
    data_dir: &Path,
    site_root: &Path,
    log: &Path,
    env: &[(&str, &str)],
) -> Running {
    let addr = free_addr();
    let log_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log file");
    let mut command = Command::new(env!("CARGO_BIN_EXE_ikz-werkstatt"));
    match database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    let mut child = command
        .env("IKZ_DATA_DIR", data_dir)
        .env("IKZ_LISTEN", addr.to_string())
        .env("LEPTOS_OUTPUT_NAME", "ikz_werkstatt")
        .env("LEPTOS_SITE_ROOT", site_root)
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file)
        .kill_on_drop(true)
        .spawn()
        .expect("start server");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if healthy(addr).await {
            return Running { child, addr };
        }
        let log = || std::fs::read_to_string(log).unwrap_or_default();
        if let Ok(Some(status)) = child.try_wait() {
            panic!("server exited with {status}:\n{}", log());
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "server did not become healthy:\n{}",
            log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn healthy(addr: SocketAddr) -> bool {
    let probe = async {
        let mut tcp = TcpStream::connect(addr).await.ok()?;
        tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut reply = Vec::new();
        tcp.read_to_end(&mut reply).await.ok()?;
        Some(reply.starts_with(b"HTTP/1.1 200"))
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(2), probe).await,
        Ok(Some(true))
    )
}
