//! The browser bundle under `/pkg`: the files scripts/build.sh wrote, served
//! as the brotli or gzip file it wrote beside each (`<file>.br`, `<file>.gz`)
//! when the browser accepts that, so nothing is compressed per request.
//! Files with a content hash in their name (`ikz_werkstatt.<16 hex>.wasm`,
//! what Leptos links when the build's `hash.txt` is beside the binary) never
//! change and are cached for a year; anything else is revalidated.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;

/// `Cache-Control` of a file whose name holds its content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of any other bundle file.
pub const REVALIDATE: &str = "no-cache";

/// The service for `/pkg` serving the files in `dir`.
pub fn bundle(dir: &Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(middleware::from_fn(cache_policy))
}

async fn cache_policy(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status().is_redirection() {
        let value = if hashed { IMMUTABLE } else { REVALIDATE };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// Whether the file name is `<name>.<16 hex digits>.<extension>`.
pub fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    matches!(parts.as_slice(), [stem, hash, _, ..]
        if !stem.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_names_with_a_content_hash_count_as_hashed() {
        assert!(is_hashed("/ikz_werkstatt.0123456789abcdef.wasm"));
        assert!(is_hashed("/ikz_werkstatt.0123456789abcdef.js"));
        assert!(!is_hashed("/ikz_werkstatt.wasm"));
        assert!(!is_hashed("/ikz_werkstatt.css"));
        assert!(!is_hashed("/ikz_werkstatt.0123456789abcdeg.js"));
        assert!(!is_hashed("/.0123456789abcdef.js"));
    }
}
