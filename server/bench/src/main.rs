//! Load generator for IKZ-Werkstatt's live channel, with a bare axum
//! broadcast hub as the baseline, both started and measured by this harness
//! in the same run. Real WebSockets on loopback, the real server binary and
//! its real op path (commit before ack).
//!
//! ```text
//! scripts/bench.sh            # release binary as scripts/build.sh makes it, then this
//! scripts/bench.sh --seconds 5 --kill-cycles 5
//! ```
//!
//! Options: `--server <path>` (default: `ikz-werkstatt` next to this
//! binary), `--seconds <n>` per load scenario (default 10), `--kill-cycles
//! <n>` (default 20), `--idle <n>[,<n>…]` connections (default 1000,5000), `--only
//! <list>` to run some scenarios (`1x200,20x10,idle,kill`; default all). The server
//! runs on core 0 and the load on core 1 (`taskset`, when present). Prints
//! one table of figures and the ratio of each to the baseline.

mod baseline;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The next client address a socket claims through `X-Forwarded-For`.
static CLIENT_ADDRESSES: AtomicU64 = AtomicU64::new(1);
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Sink = SplitSink<Ws, Message>;
type Stream = SplitStream<Ws>;

struct Options {
    server: PathBuf,
    seconds: u64,
    kill_cycles: usize,
    /// Sizes of the idle scenario (connections), each run on its own.
    idle: Vec<usize>,
    /// Scenarios to run (`1x200`, `20x10`, `idle`, `kill`); empty: all.
    only: Vec<String>,
}

impl Options {
    fn runs(&self, scenario: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == scenario)
    }
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let mut o = Options {
        server: std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(|d| d.join("ikz-werkstatt")))
            .unwrap_or_else(|| PathBuf::from("target/release/ikz-werkstatt")),
        seconds: 10,
        kill_cycles: 20,
        idle: vec![1000, 5000],
        only: Vec::new(),
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match arg.as_str() {
            "--server" => o.server = PathBuf::from(value()),
            "--seconds" => o.seconds = value().parse().unwrap_or(10),
            "--kill-cycles" => o.kill_cycles = value().parse().unwrap_or(20),
            "--idle" => {
                o.idle = value()
                    .split(',')
                    .filter_map(|n| n.trim().parse().ok())
                    .collect();
            }
            "--only" => o.only.extend(value().split(',').map(str::to_owned)),
            other => eprintln!("unknown option {other}"),
        }
    }
    o
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = || {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime")
    };
    // The baseline hub runs as a child process of this same binary.
    if args.get(1).map(String::as_str) == Some("--baseline-hub") {
        let addr: SocketAddr = args.get(2).and_then(|a| a.parse().ok()).expect("address");
        runtime()
            .block_on(baseline::serve(addr))
            .expect("baseline hub");
        return;
    }
    // The load generator on core 1 (the servers go on core 0).
    if std::env::var_os("IKZ_BENCH_PINNED").is_none() && has_taskset() {
        let status = std::process::Command::new("taskset")
            .arg("-c")
            .arg("1")
            .args(&args)
            .env("IKZ_BENCH_PINNED", "1")
            .status()
            .expect("taskset");
        std::process::exit(status.code().unwrap_or(1));
    }
    raise_fd_limit();
    runtime().block_on(run(options()));
}

fn has_taskset() -> bool {
    std::process::Command::new("taskset")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn raise_fd_limit() {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    let _ = setrlimit(
        Resource::Nofile,
        Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        },
    );
}

// ---------------------------------------------------------------------------
// The two servers.
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Baseline,
    Ikz,
}

struct Target {
    kind: Kind,
    child: Child,
    addr: SocketAddr,
    pid: u32,
    _dirs: Option<(tempfile::TempDir, tempfile::TempDir)>,
}

fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr")
}

fn pinned(program: &Path) -> Command {
    if has_taskset() {
        let mut c = Command::new("taskset");
        c.arg("-c").arg("0").arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Target {
    async fn start(kind: Kind, opts: &Options) -> Self {
        Self::start_on(kind, opts, None).await
    }

    async fn start_on(kind: Kind, opts: &Options, data: Option<&Path>) -> Self {
        let addr = free_addr();
        let (mut cmd, dirs) = match kind {
            Kind::Baseline => {
                let exe = std::env::current_exe().expect("own path");
                let mut c = pinned(&exe);
                c.arg("--baseline-hub").arg(addr.to_string());
                (c, None)
            }
            Kind::Ikz => {
                let data_dir = tempfile::tempdir().expect("data dir");
                let site = tempfile::tempdir().expect("site dir");
                let mut c = pinned(&opts.server);
                c.env("IKZ_DATA_DIR", data.unwrap_or(data_dir.path()))
                    .env("IKZ_LISTEN", addr.to_string())
                    .env("IKZ_TRUSTED_PROXIES", "127.0.0.1")
                    .env("IKZ_MAX_CONNECTIONS_PER_IP", "100000")
                    .env("IKZ_LIVE_SOCKETS_PER_PARTICIPANT", "8")
                    .env("LEPTOS_OUTPUT_NAME", "ikz_werkstatt")
                    .env("LEPTOS_SITE_ROOT", site.path())
                    .env("LEPTOS_SITE_PKG_DIR", "pkg")
                    .env("RUST_LOG", "warn")
                    .env_remove("DATABASE_URL");
                (c, Some((data_dir, site)))
            }
        };
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the server ({e}); build it first: cargo build --release -p server"));
        let pid = child.id().expect("pid");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(addr).await.is_err() {
            assert!(Instant::now() < deadline, "server did not listen");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            kind,
            child,
            addr,
            pid,
            _dirs: dirs,
        }
    }

    /// Server CPU time so far (user + system), µs.
    fn cpu_us(&self) -> u64 {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)) else {
            return 0;
        };
        // Fields after the command name (which may hold spaces) in parentheses.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = fields.get(11).and_then(|f| f.parse().ok()).unwrap_or(0)
            + fields.get(12).and_then(|f| f.parse().ok()).unwrap_or(0);
        ticks * 1_000_000 / clock_ticks()
    }

    /// Resident memory, KB.
    fn rss_kb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse().ok())
            })
            .unwrap_or(0)
    }
}

fn clock_ticks() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}

// ---------------------------------------------------------------------------
// Rooms and clients.
// ---------------------------------------------------------------------------

/// One room to load: for the real server a session with one group and its
/// participants (cookies), for the baseline a path.
struct Room {
    ws_path: String,
    board: String,
    /// Per client: the cookie header (real server) or nothing.
    cookies: Vec<Option<String>>,
}

static NEXT_IP: AtomicU64 = AtomicU64::new(1);

/// A fresh client address for `X-Forwarded-For` (the server trusts the
/// bench as a proxy, so its per-address limits see many clients).
fn next_ip() -> String {
    let n = NEXT_IP.fetch_add(1, Ordering::Relaxed);
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255 | 1)
}

async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> (u16, String, Value) {
    let text = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nX-Forwarded-For: {}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        next_ip(),
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(text.as_bytes()).await.expect("write");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply).await;
    let status = reply.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    (
        status,
        head.to_owned(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// Creates a room with `people` participants (each may open several sockets).
async fn room(target: &Target, index: usize, people: usize) -> Room {
    if target.kind == Kind::Baseline {
        return Room {
            ws_path: format!("/rooms/{index}"),
            board: "g:canvas".into(),
            cookies: vec![None; people],
        };
    }
    let addr = target.addr;
    let body =
        json!({ "title": format!("Last {index}"), "date": "2026-12-01", "place": "Loopback" });
    let (status, _, created) = http(addr, "POST", "/api/sessions", "", &body.to_string()).await;
    assert!(
        status == 201 || status == 200,
        "session: {status} {created}"
    );
    let code = created["join_code"].as_str().expect("code").to_owned();
    let secret = created["moderator_token"]
        .as_str()
        .expect("secret")
        .to_owned();
    let auth = format!("Authorization: Bearer {secret}\r\n");
    let body = json!({ "name": "Gruppe", "colour": "#8ecae6" });
    let (status, _, group) = http(
        addr,
        "POST",
        "/api/moderation/groups",
        &auth,
        &body.to_string(),
    )
    .await;
    assert_eq!(status, 201, "group: {group}");
    let group = group["id"].as_str().expect("group id").to_owned();
    let mut cookies = Vec::new();
    for p in 0..people {
        let body = json!({ "display_name": format!("Person {p}"), "kommune": "Musterstadt", "group_id": group });
        let (status, head, me) = http(
            addr,
            "POST",
            &format!("/api/join/{code}"),
            "",
            &body.to_string(),
        )
        .await;
        assert_eq!(status, 200, "join: {me}");
        let cookie = head
            .lines()
            .find_map(|l| {
                l.strip_prefix("set-cookie: ")
                    .or_else(|| l.strip_prefix("Set-Cookie: "))
            })
            .and_then(|c| c.split(';').next())
            .expect("cookie")
            .to_owned();
        cookies.push(Some(cookie));
    }
    Room {
        ws_path: format!("/api/sessions/{code}/live"),
        board: format!("{group}:canvas"),
        cookies,
    }
}

/// Opens a socket; on the real server says `Hello` and waits for `synced`.
async fn connect(target: &Target, room: &Room, cookie: Option<&str>) -> Option<(Sink, Stream)> {
    let mut request = format!("ws://{}{}", target.addr, room.ws_path)
        .into_client_request()
        .ok()?;
    let h = request.headers_mut();
    h.insert("origin", format!("http://{}", target.addr).parse().ok()?);
    if let Some(c) = cookie {
        h.insert("cookie", c.parse().ok()?);
    }
    // Every socket as its own client behind the trusted proxy (127.0.0.1),
    // so the per-address request limiter sees a room of laptops, not one
    // address opening a thousand sockets.
    let client = CLIENT_ADDRESSES.fetch_add(1, Ordering::Relaxed);
    let forwarded = format!(
        "10.{}.{}.{}",
        (client >> 16) & 255,
        (client >> 8) & 255,
        client & 255
    );
    h.insert("x-forwarded-for", forwarded.parse().ok()?);
    let (ws, _) = tokio_tungstenite::connect_async(request).await.ok()?;
    let (mut sink, mut stream) = ws.split();
    if target.kind == Kind::Ikz {
        let hello = json!({ "type": "hello", "last_seq": 0 }).to_string();
        sink.send(Message::Text(hello.into())).await.ok()?;
        loop {
            let Some(Ok(Message::Text(t))) = stream.next().await else {
                return None;
            };
            if t.as_str().contains(r#""type":"synced""#) {
                break;
            }
        }
    }
    Some((sink, stream))
}

fn edit(board: &str, client: usize, k: u64, sent_us: u64) -> (String, String) {
    let op_id = format!("{client}-{k}-{sent_us}");
    let msg = json!({
        "type": "op", "op_id": op_id, "board": board,
        "op": { "type": "edit_card", "card_id": format!("c{client}"),
                "base": if k == 0 { String::new() } else { format!("Stand {}", k - 1) },
                "text": format!("Stand {k}") },
    });
    (op_id, msg.to_string())
}

/// What one reading socket saw.
#[derive(Default)]
struct Seen {
    latencies_us: Vec<u64>,
    acks: u64,
    closed_early: bool,
    presence_bytes: u64,
}

/// Reads until `stop`; records the latency of every op from someone else.
async fn read(mut stream: Stream, me: usize, epoch: Instant, stop: Arc<AtomicBool>) -> Seen {
    let mut seen = Seen::default();
    loop {
        let next = tokio::time::timeout(Duration::from_millis(200), stream.next()).await;
        let msg = match next {
            Err(_) if stop.load(Ordering::Acquire) => break,
            Err(_) => continue,
            Ok(Some(Ok(Message::Text(t)))) => t,
            Ok(Some(Ok(_))) => continue,
            Ok(_) => {
                seen.closed_early = !stop.load(Ordering::Acquire);
                break;
            }
        };
        let text = msg.as_str();
        if text.starts_with(r#"{"type":"presence""#) {
            seen.presence_bytes += text.len() as u64;
            continue;
        }
        if text.starts_with(r#"{"type":"ack""#) {
            seen.acks += 1;
            continue;
        }
        // The baseline relays the client's own message (keys sorted).
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        if v["type"] != "op" {
            continue;
        }
        let Some(op_id) = v["op_id"].as_str() else {
            continue;
        };
        let mut parts = op_id.split('-');
        let author: Option<usize> = parts.next().and_then(|p| p.parse().ok());
        let sent: Option<u64> = parts.nth(1).and_then(|p| p.parse().ok());
        if let (Some(author), Some(sent)) = (author, sent) {
            if author != me {
                let now = epoch.elapsed().as_micros() as u64;
                seen.latencies_us.push(now.saturating_sub(sent));
            }
        }
    }
    seen
}

// ---------------------------------------------------------------------------
// Scenarios.
// ---------------------------------------------------------------------------

#[derive(Default, Clone)]
struct Figures {
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
    offered_per_s: f64,
    acked_per_s: f64,
    deliveries_per_s: f64,
    lost: u64,
    closed: u64,
    cpu_us_per_delivery: f64,
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// `rooms` rooms of `clients` each; `rate` edits per second over all rooms,
/// spread evenly over the rooms and round-robin over each room's clients.
async fn load(target: &Target, rooms: usize, clients: usize, rate: f64, seconds: u64) -> Figures {
    let mut made = Vec::new();
    for r in 0..rooms {
        made.push(room(target, r, clients).await);
    }
    let epoch = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let mut sinks: Vec<Vec<Sink>> = Vec::new();
    let mut readers = Vec::new();
    for room in &made {
        let mut room_sinks = Vec::new();
        for (c, cookie) in room.cookies.iter().enumerate() {
            let (mut sink, mut stream) = connect(target, room, cookie.as_deref())
                .await
                .expect("connect");
            // Each client's own card, created before the clock starts.
            if target.kind == Kind::Ikz {
                let msg = json!({ "type": "op", "op_id": format!("setup-{c}"), "board": room.board,
                    "op": { "type": "add_card", "card_id": format!("c{c}"), "section": "problem", "text": "" } });
                sink.send(Message::Text(msg.to_string().into()))
                    .await
                    .expect("send");
                loop {
                    match stream.next().await {
                        Some(Ok(Message::Text(t))) if t.as_str().contains(r#""type":"ack""#) => {
                            break
                        }
                        Some(Ok(Message::Text(t)))
                            if t.as_str().contains(r#""type":"rejected""#) =>
                        {
                            panic!("setup refused: {t}")
                        }
                        Some(Ok(_)) => {}
                        _ => panic!("closed during setup"),
                    }
                }
            }
            room_sinks.push(sink);
            readers.push(tokio::spawn(read(stream, c, epoch, stop.clone())));
        }
        sinks.push(room_sinks);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cpu_before = target.cpu_us();
    let started = Instant::now();
    let per_room = rate / rooms as f64;
    let mut writers = Vec::new();
    for (r, mut room_sinks) in sinks.into_iter().enumerate() {
        let board = made[r].board.clone();
        let stop = stop.clone();
        writers.push(tokio::spawn(async move {
            let interval = Duration::from_secs_f64(1.0 / per_room);
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let end = Instant::now() + Duration::from_secs(seconds);
            let mut sent: u64 = 0;
            let n = room_sinks.len();
            let mut k = vec![0u64; n];
            while Instant::now() < end && !stop.load(Ordering::Acquire) {
                tick.tick().await;
                let c = (sent as usize) % n;
                let now = epoch.elapsed().as_micros() as u64;
                let (_, msg) = edit(&board, c, k[c], now);
                k[c] += 1;
                if room_sinks[c].send(Message::Text(msg.into())).await.is_err() {
                    continue;
                }
                sent += 1;
            }
            (sent, room_sinks)
        }));
    }
    let mut offered = 0;
    let mut keep = Vec::new();
    for w in writers {
        let (sent, sinks) = w.await.expect("writer");
        offered += sent;
        keep.push(sinks);
    }
    let elapsed = started.elapsed().as_secs_f64();
    // Drain: whatever is still in flight has this long to arrive.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let cpu = target.cpu_us().saturating_sub(cpu_before);
    stop.store(true, Ordering::Release);
    let mut latencies = Vec::new();
    let (mut acks, mut closed) = (0, 0);
    for r in readers {
        let seen = r.await.expect("reader");
        latencies.extend(seen.latencies_us);
        acks += seen.acks;
        closed += u64::from(seen.closed_early);
    }
    drop(keep);
    latencies.sort_unstable();
    let delivered = latencies.len() as u64;
    let expected = acks * (clients as u64 - 1);
    Figures {
        p50: percentile(&latencies, 0.50),
        p95: percentile(&latencies, 0.95),
        p99: percentile(&latencies, 0.99),
        max: percentile(&latencies, 1.0),
        offered_per_s: offered as f64 / elapsed,
        acked_per_s: acks as f64 / elapsed,
        deliveries_per_s: delivered as f64 / elapsed,
        lost: expected.saturating_sub(delivered),
        closed,
        cpu_us_per_delivery: cpu as f64 / delivered.max(1) as f64,
    }
}

struct Idle {
    kb_per_connection: f64,
    presence_bytes: u64,
    connected: usize,
}

/// Sockets per room of the idle scenario: 200 participants with up to 5
/// sockets each (a participant may hold 8).
const IDLE_PER_ROOM: usize = 1000;

fn idle_rooms(n: usize) -> usize {
    n.div_ceil(IDLE_PER_ROOM).max(1)
}

/// `n` idle sockets in rooms of up to [`IDLE_PER_ROOM`] (the real server:
/// 200 participants with up to 5 sockets each); resident memory before and
/// after.
async fn idle(target: &Target, n: usize) -> Idle {
    let rooms = idle_rooms(n);
    let people = n.div_ceil(rooms).min(200);
    let mut made = Vec::new();
    for r in 0..rooms {
        made.push(room(target, 100 + r, people).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = target.rss_kb();
    let epoch = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let mut sinks = Vec::new();
    let mut readers = Vec::new();
    for i in 0..n {
        let made = &made[i % rooms];
        let cookie = made.cookies[(i / rooms) % people].as_deref();
        if let Some((sink, stream)) = connect(target, made, cookie).await {
            sinks.push(sink);
            readers.push(tokio::spawn(read(stream, i, epoch, stop.clone())));
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = target.rss_kb();
    stop.store(true, Ordering::Release);
    let mut presence_bytes = 0;
    for r in readers {
        presence_bytes += r.await.map(|s| s.presence_bytes).unwrap_or(0);
    }
    let connected = sinks.len();
    drop(sinks);
    Idle {
        kb_per_connection: after.saturating_sub(before) as f64 / connected.max(1) as f64,
        presence_bytes,
        connected,
    }
}

/// Ops streamed by several participants, the server killed with SIGKILL
/// mid-burst, the database read: every acknowledged op must be there with
/// its sequence number. Returns (acked, kept) over all cycles.
async fn kill_cycles(opts: &Options, cycles: usize) -> (u64, u64) {
    let data = tempfile::tempdir().expect("data dir");
    let (mut acked_total, mut kept_total) = (0, 0);
    for cycle in 0..cycles {
        let mut target = Target::start_on(Kind::Ikz, opts, Some(data.path())).await;
        let made = room(&target, cycle, 6).await;
        let mut tasks = Vec::new();
        for (c, cookie) in made.cookies.iter().enumerate() {
            let Some((mut sink, mut stream)) = connect(&target, &made, cookie.as_deref()).await
            else {
                continue;
            };
            let board = made.board.clone();
            tasks.push(tokio::spawn(async move {
                let mut acked: Vec<(String, u64)> = Vec::new();
                let mut in_flight = 0usize;
                let mut k = 0;
                loop {
                    while in_flight < 8 && k < 150 {
                        let id = format!("kill-{cycle}-{c}-{k}");
                        let msg = json!({ "type": "op", "op_id": id, "board": board,
                            "op": { "type": "add_card", "card_id": id, "section": "problem", "text": "x" } });
                        if sink.send(Message::Text(msg.to_string().into())).await.is_err() {
                            return acked;
                        }
                        in_flight += 1;
                        k += 1;
                    }
                    match tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
                        Ok(Some(Ok(Message::Text(t)))) => {
                            let v: Value = serde_json::from_str(t.as_str()).unwrap_or(Value::Null);
                            match v["type"].as_str() {
                                Some("ack") => {
                                    in_flight -= 1;
                                    acked.push((v["op_id"].as_str().unwrap_or_default().to_owned(), v["seq"].as_u64().unwrap_or(0)));
                                }
                                Some("rejected") => in_flight = in_flight.saturating_sub(1),
                                _ => {}
                            }
                            if in_flight == 0 && k >= 150 {
                                return acked;
                            }
                        }
                        Ok(Some(Ok(_))) => {}
                        _ => return acked,
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(150 + (cycle as u64 * 37) % 250)).await;
        let _ = target.child.start_kill();
        let _ = target.child.wait().await;
        let mut acked = Vec::new();
        for t in tasks {
            acked.extend(t.await.unwrap_or_default());
        }
        let db = format!(
            "sqlite://{}",
            data.path().join("ikz-werkstatt.db").display()
        );
        let pool = sqlx::SqlitePool::connect(&db).await.expect("open database");
        let logged: BTreeSet<(String, i64)> = sqlx::query_as("SELECT op_id, seq FROM op_log")
            .fetch_all(&pool)
            .await
            .expect("op log")
            .into_iter()
            .collect();
        pool.close().await;
        let kept = acked
            .iter()
            .filter(|(id, seq)| logged.contains(&(id.clone(), *seq as i64)))
            .count();
        acked_total += acked.len() as u64;
        kept_total += kept as u64;
        drop(target);
    }
    (acked_total, kept_total)
}

// ---------------------------------------------------------------------------
// The run and its table.
// ---------------------------------------------------------------------------

fn ratio(ours: f64, base: f64) -> String {
    if base > 0.0 && ours.is_finite() && base.is_finite() {
        format!("{:.2}×", ours / base)
    } else {
        "–".into()
    }
}

fn row(name: &str, base: f64, ours: f64, unit: &str) {
    println!(
        "| {name} | {base:.2} {unit} | {ours:.2} {unit} | {} |",
        ratio(ours, base)
    );
}

fn scenario_rows(title: &str, b: &Figures, o: &Figures) {
    println!("| **{title}** | | | |");
    row("p50 latency", b.p50, o.p50, "ms");
    row("p95 latency", b.p95, o.p95, "ms");
    row("p99 latency", b.p99, o.p99, "ms");
    row("max latency", b.max, o.max, "ms");
    row("edits offered", b.offered_per_s, o.offered_per_s, "/s");
    row("edits acked", b.acked_per_s, o.acked_per_s, "/s");
    row("deliveries", b.deliveries_per_s, o.deliveries_per_s, "/s");
    row("lost deliveries", b.lost as f64, o.lost as f64, "");
    row("connections closed", b.closed as f64, o.closed as f64, "");
    row(
        "server CPU per delivery",
        b.cpu_us_per_delivery,
        o.cpu_us_per_delivery,
        "µs",
    );
}

async fn run(opts: Options) {
    if !opts.server.exists() {
        eprintln!(
            "server binary {} not found; build it first: cargo build --release -p server",
            opts.server.display()
        );
        std::process::exit(2);
    }
    let mut results = Vec::new();
    for (name, title, rooms, clients, rate) in [
        ("1x200", "1 room × 200 clients, 50 edits/s", 1, 200, 50.0),
        (
            "20x10",
            "20 rooms × 10 clients, 2,000 edits/s",
            20,
            10,
            2000.0,
        ),
    ] {
        if !opts.runs(name) {
            continue;
        }
        let mut pair = Vec::new();
        for kind in [Kind::Baseline, Kind::Ikz] {
            let target = Target::start(kind, &opts).await;
            eprintln!(
                "{title}: {} …",
                if kind == Kind::Ikz {
                    "ikz-werkstatt"
                } else {
                    "baseline"
                }
            );
            pair.push(load(&target, rooms, clients, rate, opts.seconds).await);
        }
        results.push((title, pair));
    }
    let mut idles = Vec::new();
    for &n in opts.idle.iter().filter(|_| opts.runs("idle")) {
        let mut pair = Vec::new();
        for kind in [Kind::Baseline, Kind::Ikz] {
            let target = Target::start(kind, &opts).await;
            eprintln!("{n} idle connections …");
            pair.push(idle(&target, n).await);
        }
        idles.push((n, pair));
    }
    let killed = if opts.runs("kill") {
        eprintln!("kill -9 mid-burst, {} cycles …", opts.kill_cycles);
        Some(kill_cycles(&opts, opts.kill_cycles).await)
    } else {
        None
    };

    println!();
    println!("| figure | bare axum hub | ikz-werkstatt | ratio |");
    println!("|---|---|---|---|");
    for (title, pair) in &results {
        scenario_rows(title, &pair[0], &pair[1]);
    }
    for (n, pair) in &idles {
        if let [base, ours] = &pair[..] {
            idle_rows(*n, base, ours);
        }
    }
    if let Some((acked, kept)) = killed {
        println!(
            "| **kill -9 mid-burst, {} cycles** | | | |",
            opts.kill_cycles
        );
        println!("| acked edits kept | (no persistence) | {kept} of {acked} | |");
    }
}

fn idle_rows(n: usize, base: &Idle, ours: &Idle) {
    let idles = [base, ours];
    let rooms = idle_rooms(n);
    let place = if rooms == 1 {
        "in one room".to_owned()
    } else {
        format!("in {rooms} rooms")
    };
    println!("| **{n} idle connections {place}** | | | |");
    row(
        "memory per idle connection",
        idles[0].kb_per_connection,
        idles[1].kb_per_connection,
        "KB",
    );
    row(
        "presence bytes received (all sockets)",
        idles[0].presence_bytes as f64,
        idles[1].presence_bytes as f64,
        "B",
    );
    println!(
        "| connected | {} | {} | |",
        idles[0].connected, idles[1].connected
    );
}
