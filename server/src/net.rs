//! The accept loop. `axum::serve` has no timers and no connection limits: idle
//! sockets pile up until the process runs out of file descriptors and nobody
//! can connect any more. This loop serves HTTP/1.1 (with WebSocket upgrades)
//! through hyper with
//!
//! - a header-read timeout, which in hyper 1.x also covers a connection that
//!   never sends a byte and an idle keep-alive connection (the timer starts
//!   whenever hyper waits for a request head: on a fresh connection and after
//!   each response);
//! - a cap on connections per client address and in total (derived from the
//!   descriptor limit, see [`raise_nofile_limit`]). When a cap is reached the
//!   oldest connection that has not sent a byte yet — from the same address if
//!   there is one, else any — is closed to make room; only if every connection
//!   has spoken is the new one refused.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

/// Limits of the accept loop (see `config.rs` for the defaults and why).
#[derive(Debug, Clone, Copy)]
pub struct NetLimits {
    /// A request head must arrive within this time, also on a fresh or an
    /// idle keep-alive connection.
    pub header_read_timeout: Duration,
    /// Open connections (including live WebSockets) in total.
    pub max_connections: usize,
    /// Open connections from one address (a workshop may sit behind one NAT).
    pub max_connections_per_ip: usize,
}

/// How long shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Raises the soft limit on open files to the hard limit; returns the soft
/// limit now in effect (`None` if unlimited or unknown).
pub fn raise_nofile_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
        let limit = getrlimit(Resource::Nofile);
        if limit.current != limit.maximum {
            let raised = Rlimit {
                current: limit.maximum,
                maximum: limit.maximum,
            };
            if let Err(e) = setrlimit(Resource::Nofile, raised) {
                tracing::warn!("could not raise the open-file limit: {e}");
            }
        }
        getrlimit(Resource::Nofile).current
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The total connection cap for a descriptor limit: what is left after the
/// reserve (database, static files, exports, the listener), at least 16.
pub fn connection_cap(nofile: Option<u64>, reserve: usize) -> usize {
    match nofile {
        Some(n) => usize::try_from(n)
            .unwrap_or(usize::MAX)
            .saturating_sub(reserve)
            .max(16),
        None => 1 << 20,
    }
}

struct Tracked {
    ip: IpAddr,
    spoke: Arc<AtomicBool>,
    shed: Arc<Notify>,
}

/// Open connections, oldest first.
#[derive(Default)]
struct Registry {
    next_id: u64,
    open: BTreeMap<u64, Tracked>,
    per_ip: HashMap<IpAddr, usize>,
}

impl Registry {
    fn remove(&mut self, id: u64) -> Option<Tracked> {
        let tracked = self.open.remove(&id)?;
        if let Some(n) = self.per_ip.get_mut(&tracked.ip) {
            *n -= 1;
            if *n == 0 {
                self.per_ip.remove(&tracked.ip);
            }
        }
        Some(tracked)
    }

    /// The oldest connection that has not sent a byte, from `ip` if given.
    fn oldest_silent(&self, ip: Option<IpAddr>) -> Option<u64> {
        self.open
            .iter()
            .find(|(_, t)| ip.is_none_or(|ip| t.ip == ip) && !t.spoke.load(Ordering::Relaxed))
            .map(|(id, _)| *id)
    }

    /// Closes the oldest silent connection (preferring `ip`'s); `false` if none.
    fn shed(&mut self, ip: Option<IpAddr>, why: &str) -> bool {
        let victim = ip
            .and_then(|ip| self.oldest_silent(Some(ip)))
            .or_else(|| self.oldest_silent(None));
        let Some(tracked) = victim.and_then(|id| self.remove(id)) else {
            return false;
        };
        tracing::warn!(
            "{why}: closing a silent connection from {} to make room",
            tracked.ip
        );
        tracked.shed.notify_one();
        true
    }

    /// Makes room for a connection from `ip` within the limits; `false` if
    /// every connection in the way is busy, so the new one must be refused.
    fn make_room(&mut self, ip: IpAddr, limits: &NetLimits) -> bool {
        let from_ip = self.per_ip.get(&ip).copied().unwrap_or(0);
        if from_ip >= limits.max_connections_per_ip {
            let Some(id) = self.oldest_silent(Some(ip)) else {
                return false;
            };
            if let Some(t) = self.remove(id) {
                tracing::warn!("{ip} reached the per-address connection cap: closing its oldest silent connection");
                t.shed.notify_one();
            }
        }
        if self.open.len() >= limits.max_connections
            && !self.shed(Some(ip), "connection cap reached")
        {
            return false;
        }
        true
    }

    fn add(&mut self, ip: IpAddr) -> (u64, Arc<AtomicBool>, Arc<Notify>) {
        let id = self.next_id;
        self.next_id += 1;
        let spoke = Arc::new(AtomicBool::new(false));
        let shed = Arc::new(Notify::new());
        self.open.insert(
            id,
            Tracked {
                ip,
                spoke: spoke.clone(),
                shed: shed.clone(),
            },
        );
        *self.per_ip.entry(ip).or_default() += 1;
        (id, spoke, shed)
    }
}

/// A TCP stream that notes its first byte read and leaves the registry when
/// dropped — also after a WebSocket upgrade, when hyper hands it to the
/// live channel, so open WebSockets count against the caps too.
struct Watched {
    tcp: TcpStream,
    spoke: Arc<AtomicBool>,
    id: u64,
    registry: Arc<Mutex<Registry>>,
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Ok(mut registry) = self.registry.lock() {
            registry.remove(self.id);
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.tcp).poll_read(cx, buf);
        if buf.filled().len() > before && !self.spoke.load(Ordering::Relaxed) {
            self.spoke.store(true, Ordering::Relaxed);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets
/// requests in flight finish (for at most [`SHUTDOWN_GRACE`]). Handlers see
/// the peer address as `ConnectInfo<SocketAddr>`, as with axum's
/// `into_make_service_with_connect_info`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: NetLimits,
    shutdown: impl Future<Output = ()>,
) {
    let registry = Arc::new(Mutex::new(Registry::default()));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of descriptors despite the cap (files, database):
                    // free one if some connection is silent, else wait a bit.
                    tracing::warn!("accept failed: {e}");
                    let freed = registry
                        .lock()
                        .map(|mut r| r.shed(None, "accept failed"))
                        .unwrap_or(false);
                    let pause = if freed { 10 } else { 100 };
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let ip = peer.ip();
        let admitted = registry
            .lock()
            .ok()
            .and_then(|mut r| r.make_room(ip, &limits).then(|| r.add(ip)));
        let Some((id, spoke, shed)) = admitted else {
            tracing::warn!("refusing a connection from {ip}: every connection in the way is busy");
            drop(tcp);
            continue;
        };
        // Nagle's algorithm delays small live messages by tens of milliseconds.
        let _ = tcp.set_nodelay(true);
        let io = Watched {
            tcp,
            spoke,
            id,
            registry: registry.clone(),
        };
        tokio::spawn(connection(
            io,
            peer,
            router.clone(),
            limits,
            shed,
            stop_rx.clone(),
        ));
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection task holds a receiver; they are done when all are gone.
    drop(stop_rx);
    let drained = async {
        while stop_tx.receiver_count() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, drained).await;
}

async fn connection(
    io: Watched,
    peer: SocketAddr,
    router: Router,
    limits: NetLimits,
    shed: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(req.map(Body::new))
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        () = shed.notified() => return,
        _ = stop.wait_for(|stop| *stop) => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}
