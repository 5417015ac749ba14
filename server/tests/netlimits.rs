//! Connection limits with the real binary: a client that opens more idle
//! connections than the process has file descriptors must not make the
//! server unreachable; silent and idle connections are closed by the
//! header-read timeout; a connection cap sheds silent connections, not busy
//! ones; SIGTERM shuts the server down cleanly.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::time::{timeout, Instant};

struct Running {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Running {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

/// Starts the binary, with at most `nofile` open files (soft and hard limit)
/// if given, and waits until `/healthz` answers.
async fn start(nofile: Option<u32>, env: &[(&str, &str)]) -> Running {
    let data = tempfile::tempdir().expect("data dir");
    let site = tempfile::tempdir().expect("site root");
    let log = site.path().join("server.log");
    let addr = free_addr();
    let log_file = std::fs::File::create(&log).expect("log file");
    let binary = env!("CARGO_BIN_EXE_ikz-werkstatt");
    let mut command = match nofile {
        Some(n) => {
            let mut c = Command::new("prlimit");
            c.arg(format!("--nofile={n}:{n}")).arg("--").arg(binary);
            c
        }
        None => Command::new(binary),
    };
    command
        .env("IKZ_DATA_DIR", data.path())
        .env("IKZ_LISTEN", addr.to_string())
        .env("LEPTOS_OUTPUT_NAME", "ikz_werkstatt")
        .env("LEPTOS_SITE_ROOT", site.path())
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file)
        .kill_on_drop(true);
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("start server");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if healthz(addr, Duration::from_secs(2)).await {
            return Running {
                child,
                addr,
                log,
                _dirs: (data, site),
            };
        }
        let log = || std::fs::read_to_string(&log).unwrap_or_default();
        if let Ok(Some(status)) = child.try_wait() {
            panic!("server exited with {status}:\n{}", log());
        }
        assert!(
            Instant::now() < deadline,
            "server did not become healthy:\n{}",
            log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

/// Reads one `/healthz` response (`ok`, kept alive) from `tcp`.
async fn read_ok(tcp: &mut TcpStream) -> bool {
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    while !response.ends_with(b"\r\n\r\nok") {
        match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => response.extend_from_slice(&buf[..n]),
        }
    }
    response.starts_with(b"HTTP/1.1 200")
}

/// A fresh connection gets `ok` from `/healthz` within `wait`.
async fn healthz(addr: SocketAddr, wait: Duration) -> bool {
    let probe = async {
        let mut tcp = TcpStream::connect(addr).await.ok()?;
        tcp.write_all(HEALTHZ).await.ok()?;
        Some(read_ok(&mut tcp).await)
    };
    matches!(timeout(wait, probe).await, Ok(Some(true)))
}

/// Whether the server closed `tcp` (end of stream or reset) before `deadline`.
async fn closed_by(tcp: &mut TcpStream, deadline: Instant) -> bool {
    let mut buf = [0u8; 256];
    loop {
        match tokio::time::timeout_at(deadline, tcp.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // A 408 or similar before the close is fine.
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn idle_connections_cannot_exhaust_the_file_descriptors() {
    // 256 descriptors, 400 silent connections from this address: without a
    // cap the server runs out of descriptors and accepts nobody any more.
    let server = start(Some(256), &[]).await;
    let mut idle = Vec::new();
    for i in 0..400 {
        let connect = timeout(Duration::from_secs(5), TcpStream::connect(server.addr));
        let Ok(Ok(tcp)) = connect.await else {
            panic!(
                "connection {i} was not accepted (the server stopped accepting):\n{}",
                server.log()
            );
        };
        idle.push(tcp);
    }
    assert!(
        healthz(server.addr, Duration::from_secs(8)).await,
        "/healthz did not answer beside 400 idle connections:\n{}",
        server.log()
    );
    // Room was made by closing the oldest silent connections.
    let deadline = Instant::now() + Duration::from_secs(5);
    for (i, tcp) in idle.iter_mut().take(100).enumerate() {
        assert!(
            closed_by(tcp, deadline).await,
            "silent connection {i} is still open"
        );
    }
    assert!(server.log().contains("closing a silent connection"));
}

#[tokio::test]
async fn the_per_address_cap_sheds_silent_connections_not_busy_ones() {
    let server = start(None, &[("IKZ_MAX_CONNECTIONS_PER_IP", "20")]).await;
    // A browser's keep-alive connection that has been used.
    let mut busy = TcpStream::connect(server.addr).await.expect("connect");
    busy.write_all(HEALTHZ).await.expect("write");
    assert!(read_ok(&mut busy).await);
    let mut silent = Vec::new();
    for _ in 0..40 {
        silent.push(TcpStream::connect(server.addr).await.expect("connect"));
    }
    // 41 connections, 20 allowed: the 21 oldest silent ones go, ...
    let deadline = Instant::now() + Duration::from_secs(5);
    for (i, tcp) in silent.iter_mut().take(21).enumerate() {
        assert!(
            closed_by(tcp, deadline).await,
            "silent connection {i} is still open"
        );
    }
    // ...the newer ones stay (the header-read timeout is 10 s by default)...
    let soon = Instant::now() + Duration::from_millis(300);
    for (i, tcp) in silent.iter_mut().skip(21).enumerate() {
        assert!(
            !closed_by(tcp, soon).await,
            "silent connection {} was closed too",
            i + 21
        );
    }
    // ...and the used one still answers.
    busy.write_all(HEALTHZ).await.expect("write");
    assert!(
        timeout(Duration::from_secs(5), read_ok(&mut busy))
            .await
            .unwrap_or(false),
        "the busy connection was closed"
    );
    assert!(server.log().contains("per-address connection cap"));

    // When every connection in the way has spoken, the new one is refused.
    drop(silent);
    let mut used = Vec::new();
    for _ in 0..19 {
        let mut tcp = TcpStream::connect(server.addr).await.expect("connect");
        tcp.write_all(HEALTHZ).await.expect("write");
        assert!(read_ok(&mut tcp).await, "a connection within the cap");
        used.push(tcp);
    }
    let mut one_more = TcpStream::connect(server.addr).await.expect("connect");
    assert!(
        closed_by(&mut one_more, Instant::now() + Duration::from_secs(5)).await,
        "a connection over the cap was kept"
    );
    busy.write_all(HEALTHZ).await.expect("write");
    assert!(read_ok(&mut busy).await);
}

#[tokio::test]
async fn silent_and_idle_connections_time_out_and_sigterm_stops_cleanly() {
    let mut server = start(None, &[("IKZ_HEADER_READ_TIMEOUT_SECS", "1")]).await;
    let started = Instant::now();
    let mut silent = TcpStream::connect(server.addr).await.expect("connect");
    let mut partial = TcpStream::connect(server.addr).await.expect("connect");
    partial
        .write_all(b"GET /healthz HTTP/1.1\r\nHo")
        .await
        .expect("write");
    let mut idle = TcpStream::connect(server.addr).await.expect("connect");
    idle.write_all(HEALTHZ).await.expect("write");
    assert!(read_ok(&mut idle).await);
    let deadline = Instant::now() + Duration::from_secs(5);
    assert!(closed_by(&mut silent, deadline).await, "silent stays open");
    assert!(closed_by(&mut partial, deadline).await, "half a head stays");
    assert!(
        closed_by(&mut idle, deadline).await,
        "keep-alive stays open"
    );
    assert!(started.elapsed() >= Duration::from_millis(900));

    // systemd stops with SIGTERM: the server exits by itself, successfully.
    let pid = server.child.id().expect("pid").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = timeout(Duration::from_secs(10), server.child.wait())
        .await
        .expect("the server did not stop on SIGTERM")
        .expect("wait");
    assert!(exit.success(), "exit {exit}:\n{}", server.log());
}
