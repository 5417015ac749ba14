//! Operational metrics at `GET /metrics`, in the Prometheus/OpenMetrics text
//! format (`prometheus-client`, the Prometheus project's own crate).
//!
//! Only counts and timings: no names, join codes, session ids or addresses,
//! so the page holds no personal data. Still, it is served only when
//! `IKZ_METRICS_TOKEN` is set, and only to a request that sends that token as
//! `Authorization: Bearer`: behind a reverse proxy every request comes from
//! the proxy's address, so an address rule ("loopback only") would admit the
//! whole internet. Without a token the route answers 404 like any unknown
//! path.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// One label: `(name, value)`, both fixed strings of ours.
type Label = [(&'static str, &'static str); 1];
type Labels2 = [(&'static str, &'static str); 2];

/// The shortest metrics token accepted at start (a guessable one would
/// protect nothing).
pub const MIN_TOKEN_LEN: usize = 16;

/// Who holds a live connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionKind {
    Participant,
    /// The cockpit, opened with the moderator secret.
    Moderator,
    /// The projector, opened with its read-only token.
    Projector,
}

impl ConnectionKind {
    fn label(self) -> Label {
        [(
            "kind",
            match self {
                Self::Participant => "participant",
                Self::Moderator => "moderator",
                Self::Projector => "projector",
            },
        )]
    }
}

/// Where a refusal was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// A message on the live WebSocket.
    Live,
    /// An HTTP request.
    Http,
}

/// The kind of a live refusal, as counted.
pub fn live_refusal_kind(refusal: &app::protocol::Refusal) -> &'static str {
    use app::protocol::Refusal as R;
    match refusal {
        R::Invalid { .. } => "invalid",
        R::ForeignBoard => "foreign_board",
        R::UnknownTemplate => "unknown_template",
        R::RateLimited => "rate_limited",
        R::MalformedMessage => "malformed",
        R::StorageUnavailable => "storage_unavailable",
        R::Internal => "internal",
    }
}

/// Put on an HTTP error response by `ApiError`, so the metrics layer can
/// count the refusal by kind without reading the body.
#[derive(Debug, Clone, Copy)]
pub struct Refused(pub &'static str);

/// Every figure the server keeps. Cheap to update (atomics), shared by the
/// whole process through `AppState`.
pub struct Metrics {
    registry: Registry,
    token_hash: Option<[u8; 32]>,
    connections: Family<Label, Gauge>,
    rooms: Gauge,
    ops_committed: Counter,
    commit_seconds: Histogram,
    refusals: Family<Labels2, Counter>,
    http_requests: Family<Label, Counter>,
    live_catch_ups: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(None)
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("served", &self.token_hash.is_some())
            .finish_non_exhaustive()
    }
}

impl Metrics {
    /// The metrics, served to requests bearing `token` (not served without one).
    pub fn new(token: Option<&str>) -> Self {
        let mut registry = Registry::with_prefix("ikz");
        let connections = Family::<Label, Gauge>::default();
        // Every kind from the start, so a dashboard sees 0 rather than nothing.
        for kind in [
            ConnectionKind::Participant,
            ConnectionKind::Moderator,
            ConnectionKind::Projector,
        ] {
            let _ = connections.get_or_create(&kind.label());
        }
        registry.register(
            "live_connections",
            "Open live WebSocket connections by kind (participant, moderator, projector)",
            connections.clone(),
        );
        let rooms = Gauge::default();
        registry.register(
            "rooms_in_memory",
            "Workshop sessions whose room is loaded in memory",
            rooms.clone(),
        );
        let ops_committed = Counter::default();
        registry.register(
            "ops_committed",
            "Board ops committed to the store and acknowledged (resends of a committed op not counted)",
            ops_committed.clone(),
        );
        // 0.5 ms to ~16 s: a lone op commits in a few ms (one fsync); a
        // queue behind a slow disk can take seconds.
        let commit_seconds = Histogram::new(exponential_buckets(0.0005, 2.0, 16));
        registry.register(
            "op_commit_seconds",
            "Time from an op's arrival to its acknowledgement: validation, apply, waiting for the room and the store, commit",
            commit_seconds.clone(),
        );
        let refusals = Family::<Labels2, Counter>::default();
        registry.register(
            "refusals",
            "Refused ops, messages and requests by channel (live, http) and kind",
            refusals.clone(),
        );
        let http_requests = Family::<Label, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP responses by status class (1xx for live upgrades)",
            http_requests.clone(),
        );
        let live_catch_ups = Counter::default();
        registry.register(
            "live_catch_ups",
            "Live sockets that fell behind their room's channel (a slow link) and were caught up from the op log instead of being closed",
            live_catch_ups.clone(),
        );
        Self {
            registry,
            token_hash: token.map(|t| Sha256::digest(t.as_bytes()).into()),
            connections,
            rooms,
            ops_committed,
            commit_seconds,
            refusals,
            http_requests,
            live_catch_ups,
        }
    }

    /// Counts a live connection of `kind` until the guard is dropped.
    pub fn connection(self: &Arc<Self>, kind: ConnectionKind) -> ConnectionGuard {
        self.connections.get_or_create(&kind.label()).inc();
        ConnectionGuard {
            metrics: self.clone(),
            kind,
        }
    }

    /// An op committed after `took` since it arrived.
    pub fn committed(&self, took: Duration) {
        self.ops_committed.inc();
        self.commit_seconds.observe(took.as_secs_f64());
    }

    /// A live socket fell behind and was caught up from the op log.
    pub fn caught_up(&self) {
        self.live_catch_ups.inc();
    }

    pub fn refused(&self, channel: Channel, kind: &'static str) {
        let channel = match channel {
            Channel::Live => "live",
            Channel::Http => "http",
        };
        self.refusals
            .get_or_create(&[("channel", channel), ("kind", kind)])
            .inc();
    }

    fn responded(&self, status: StatusCode) {
        let class = match status.as_u16() / 100 {
            1 => "1xx",
            2 => "2xx",
            3 => "3xx",
            4 => "4xx",
            _ => "5xx",
        };
        self.http_requests.get_or_create(&[("class", class)]).inc();
    }

    /// Whether `headers` carry the metrics token as Bearer.
    fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = &self.token_hash else {
            return false;
        };
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        // Hashes of equal length are compared, so the time taken tells
        // nothing about the token.
        given.is_some_and(|given| {
            let given: [u8; 32] = Sha256::digest(given.as_bytes()).into();
            given
                .iter()
                .zip(expected)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
        })
    }

    fn render(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Decrements the open-connection gauge when the connection ends.
pub struct ConnectionGuard {
    metrics: Arc<Metrics>,
    kind: ConnectionKind,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.metrics
            .connections
            .get_or_create(&self.kind.label())
            .dec();
    }
}

/// `GET /metrics`: 404 unless a token is configured, 401 without it.
pub async fn serve(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let metrics = &state.metrics;
    if metrics.token_hash.is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !metrics.admits(&headers) {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return response;
    }
    let rooms = i64::try_from(state.hub.room_count().await).unwrap_or(i64::MAX);
    metrics.rooms.set(rooms);
    match metrics.render() {
        Ok(text) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Counts every HTTP response by status class, and refusals by kind.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    metrics.responded(response.status());
    if let Some(Refused(kind)) = response.extensions().get::<Refused>() {
        metrics.refused(Channel::Http, kind);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_configured_token_opens_the_metrics() {
        let mut headers = HeaderMap::new();
        let open = Metrics::new(Some("a-long-enough-metrics-token"));
        assert!(!open.admits(&headers));
        headers.insert(header::AUTHORIZATION, "Bearer wrong".parse().unwrap());
        assert!(!open.admits(&headers));
        headers.insert(
            header::AUTHORIZATION,
            "Bearer a-long-enough-metrics-token".parse().unwrap(),
        );
        assert!(open.admits(&headers));
        assert!(!Metrics::new(None).admits(&headers));
    }

    #[test]
    fn figures_render_in_the_text_format() {
        let metrics = Arc::new(Metrics::new(Some("a-long-enough-metrics-token")));
        let guard = metrics.connection(ConnectionKind::Projector);
        metrics.committed(Duration::from_millis(3));
        metrics.refused(Channel::Live, "rate_limited");
        let text = metrics.render().unwrap();
        assert!(
            text.contains("ikz_live_connections{kind=\"projector\"} 1"),
            "{text}"
        );
        assert!(text.contains("ikz_ops_committed_total 1"), "{text}");
        assert!(text.contains("ikz_op_commit_seconds_count 1"), "{text}");
        assert!(
            text.contains("ikz_refusals_total{channel=\"live\",kind=\"rate_limited\"} 1"),
            "{text}"
        );
        drop(guard);
        let text = metrics.render().unwrap();
        assert!(
            text.contains("ikz_live_connections{kind=\"projector\"} 0"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
