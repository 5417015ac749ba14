//! The browser bundle is served as scripts/build.sh precompressed it: a
//! browser that accepts brotli gets the `.br` file with `Content-Encoding:
//! br`, one that accepts only gzip the `.gz` file; a file named by its
//! content hash is cached for a year, anything else revalidated. A real
//! server (the whole application router) on a real loopback socket.

use leptos::config::LeptosOptions;
use server::{app_router, state::AppState, store::Store};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WASM: &str = "ikz_werkstatt.0123456789abcdef.wasm";

/// (status, headers in lower case, body) of a GET with `accept_encoding`.
async fn get(addr: SocketAddr, path: &str, accept_encoding: &str) -> (u16, String, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept-Encoding: {accept_encoding}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.expect("read");
    let split = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&reply[..split]).to_lowercase();
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head, reply[split + 4..].to_vec())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|line| line.strip_prefix(&format!("{name}: ")))
}

#[tokio::test]
async fn the_bundle_is_served_precompressed_and_hashed_files_are_cached_for_a_year() {
    let site = tempfile::tempdir().expect("site");
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    // Contents that tell the three files apart (what build.sh writes is
    // real brotli and gzip; the server must pick, not compress).
    std::fs::write(pkg.join(WASM), b"\0asm raw bundle").expect("wasm");
    std::fs::write(pkg.join(format!("{WASM}.br")), b"brotli bytes").expect("br");
    std::fs::write(pkg.join(format!("{WASM}.gz")), b"gzip bytes").expect("gz");
    std::fs::write(pkg.join("ikz_werkstatt.css"), b"body{}").expect("css");
    std::fs::write(pkg.join("ikz_werkstatt.css.br"), b"css brotli").expect("css br");

    let db = tempfile::tempdir().expect("db dir");
    let url = format!("sqlite://{}", db.path().join("test.db").display());
    let store = Store::open(&url).await.expect("store");
    let options = LeptosOptions::builder()
        .output_name("ikz_werkstatt")
        .site_root(site.path().to_string_lossy().to_string())
        .build();
    let router = app_router(AppState::new(store, options));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });

    let path = format!("/pkg/{WASM}");
    let (status, head, body) = get(addr, &path, "gzip, deflate, br, zstd").await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(header(&head, "content-encoding"), Some("br"), "{head}");
    assert_eq!(body, b"brotli bytes", "{head}");
    assert_eq!(
        header(&head, "cache-control"),
        Some("public, max-age=31536000, immutable"),
        "{head}"
    );
    assert_eq!(
        header(&head, "content-type"),
        Some("application/wasm"),
        "{head}"
    );

    let (status, head, body) = get(addr, &path, "gzip").await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(header(&head, "content-encoding"), Some("gzip"), "{head}");
    assert_eq!(body, b"gzip bytes", "{head}");

    let (status, head, body) = get(addr, &path, "identity").await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(header(&head, "content-encoding"), None, "{head}");
    assert_eq!(body, b"\0asm raw bundle", "{head}");

    // Not named by its hash: precompressed all the same, but revalidated.
    let (status, head, body) = get(addr, "/pkg/ikz_werkstatt.css", "br").await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(header(&head, "content-encoding"), Some("br"), "{head}");
    assert_eq!(body, b"css brotli", "{head}");
    assert_eq!(header(&head, "cache-control"), Some("no-cache"), "{head}");

    let (status, _, _) = get(addr, "/pkg/ikz_werkstatt.0123456789abcdef.js", "br").await;
    assert_eq!(status, 404);
}
