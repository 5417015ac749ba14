//! `docs/nginx.conf` in front of the real binary: Debian's nginx with a
//! self-signed certificate, the example's own server blocks (only ports,
//! host name, certificate and upstream address replaced). A participant
//! joins over HTTPS and commits a card over the proxied wss live channel
//! (`nginx_client.py`, Python's ssl module); plain HTTP is redirected.

mod common;

use common::binary::{free_addr, start_with_env};
use serde_json::Value;
use server::store::Store;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const CODE: &str = "ACDEFH";

fn root() -> PathBuf {
    common::workspace_root()
}

/// Debian puts nginx into /usr/sbin, which a non-root PATH may lack.
fn nginx_bin() -> &'static str {
    if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    }
}

/// The example configuration for this test's ports and files.
fn nginx_conf(dir: &Path, upstream: &str, http: u16, https: u16) -> String {
    let example = std::fs::read_to_string(root().join("docs/nginx.conf")).expect("docs/nginx.conf");
    let site: String = example
        .lines()
        // No IPv6 needed on the test machine.
        .filter(|l| !l.trim_start().starts_with("listen [::]"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("127.0.0.1:3000", upstream)
        .replace(
            "listen 443 ssl http2;",
            &format!("listen 127.0.0.1:{https} ssl http2;"),
        )
        .replace("listen 80;", &format!("listen 127.0.0.1:{http};"))
        .replace("werkstatt.example.de", "localhost")
        .replace(
            "/etc/ssl/certs/localhost.pem",
            &dir.join("cert.pem").display().to_string(),
        )
        .replace(
            "/etc/ssl/private/localhost.key",
            &dir.join("key.pem").display().to_string(),
        );
    assert!(
        site.contains(&format!("listen 127.0.0.1:{https} ssl")),
        "{site}"
    );
    let d = dir.display();
    format!(
        "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
           fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n{site}\n}}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_joins_and_edits_through_nginx_with_tls() {
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path();
    // nginx's workers (user nobody when started as root) read and write here.
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();

    // A session with one group, seeded before the server starts.
    let seeded = common::seed_session(&data, CODE, &["Gruppe A"], &[]).await;
    let (session, group) = (seeded.id, seeded.groups[0].clone());

    let https = free_addr().port();
    let http = free_addr().port();
    let origin = format!("https://localhost:{https}");
    let log = dir.join("server.log");
    let server = start_with_env(
        &data,
        dir,
        &log,
        &[
            ("IKZ_PUBLIC_ORIGIN", origin.as_str()),
            ("IKZ_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;

    let openssl = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output()
        .expect("openssl runs");
    assert!(
        openssl.status.success(),
        "{}",
        String::from_utf8_lossy(&openssl.stderr)
    );

    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        nginx_conf(dir, &server.addr.to_string(), http, https),
    )
    .unwrap();
    let checked = Command::new(nginx_bin())
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .arg("-t")
        .output()
        .expect("nginx is installed (scripts/setup.sh --test)");
    assert!(
        checked.status.success(),
        "nginx -t refused the example:\n{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let mut nginx = tokio::process::Command::new(nginx_bin())
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .args(["-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start nginx");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", https))
        .await
        .is_err()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "nginx did not listen"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Plain HTTP is sent to HTTPS.
    let redirect = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{redirect_url}",
        ])
        .arg(format!("http://127.0.0.1:{http}/join"))
        .output()
        .expect("curl");
    let redirect = String::from_utf8_lossy(&redirect.stdout).into_owned();
    assert!(redirect.starts_with("301 https://"), "{redirect}");

    let out = tokio::process::Command::new("python3")
        .arg(root().join("server/tests/nginx_client.py"))
        .args([&https.to_string(), CODE, &group])
        .output()
        .await
        .expect("python3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "client failed: {stderr}\nnginx: {}",
        std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
    );
    let seen: Value = serde_json::from_slice(&out.stdout).expect("client JSON");
    assert_eq!(seen["join_status"], 200, "{seen}");
    // Over https the cookie is __Host- prefixed: the server knows it is behind TLS.
    assert!(
        seen["cookie"]
            .as_str()
            .unwrap_or_default()
            .starts_with(&format!("__Host-ikz_p_{CODE}=")),
        "{seen}"
    );
    assert_eq!(seen["upgrade_status"], 101, "{seen}");
    assert_eq!(
        seen["seen"],
        serde_json::json!(["snapshot", "synced", "ack"]),
        "{seen}"
    );
    assert_eq!(seen["ack"]["op_id"], "op-proxy-1");
    assert_eq!(seen["ack"]["seq"], 1);

    // The card is on disk, by the participant who joined through the proxy.
    let store = Store::open(&format!(
        "sqlite://{}",
        data.join("ikz-werkstatt.db").display()
    ))
    .await
    .expect("reopen");
    let room = store.load_room(&session).await.expect("room");
    assert_eq!(room.last_seq, 1);
    let board = serde_json::to_string(&room.boards[&format!("{group}:canvas")]).expect("board");
    assert!(
        board.contains("Karte durch den Proxy") && board.contains("Proxystadt"),
        "{board}"
    );
    // nginx passed X-Forwarded-For and the upgrade; its log shows the 101.
    let access = std::fs::read_to_string(dir.join("access.log")).unwrap_or_default();
    assert!(
        access.contains(&format!("GET /api/sessions/{CODE}/live HTTP/1.1\" 101")),
        "{access}"
    );
    nginx.kill().await.expect("stop nginx");
}
