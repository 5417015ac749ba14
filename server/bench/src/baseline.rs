//! The baseline: a bare axum broadcast hub. No persistence, no rules: a text
//! message from a client is acknowledged to its sender and relayed to every
//! socket of its room (one broadcast channel per room, bytes shared, 4 KiB
//! read buffer, TCP_NODELAY). What a hub costs at the least on this machine.

use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

type Rooms = Arc<Mutex<HashMap<String, broadcast::Sender<Utf8Bytes>>>>;

/// Serves the hub on `addr` until the process is killed.
pub async fn serve(addr: SocketAddr) -> std::io::Result<()> {
    let rooms: Rooms = Arc::default();
    let app = Router::new()
        .route("/rooms/{room}", get(upgrade))
        .with_state(rooms);
    let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await
}

async fn upgrade(
    ws: WebSocketUpgrade,
    Path(room): Path<String>,
    State(rooms): State<Rooms>,
) -> Response {
    let tx = {
        let mut rooms = rooms.lock().unwrap_or_else(|p| p.into_inner());
        rooms
            .entry(room)
            .or_insert_with(|| broadcast::channel(1024).0)
            .clone()
    };
    ws.read_buffer_size(4 * 1024)
        .on_upgrade(move |socket| relay(socket, tx))
}

async fn relay(socket: WebSocket, tx: broadcast::Sender<Utf8Bytes>) {
    let mut rx = tx.subscribe();
    let (mut sink, mut stream) = socket.split();
    let mut seq: u64 = 0;
    loop {
        tokio::select! {
            incoming = stream.next() => {
                let Some(Ok(Message::Text(text))) = incoming else { break };
                // The op id for the ack: the same parse a real server does.
                let op_id = serde_json::from_str::<serde_json::Value>(text.as_str())
                    .ok()
                    .and_then(|v| v["op_id"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                seq += 1;
                let ack = format!(r#"{{"type":"ack","op_id":"{op_id}","seq":{seq}}}"#);
                if sink.send(Message::Text(ack.into())).await.is_err() { break; }
                let _ = tx.send(text);
            }
            out = rx.recv() => {
                match out {
                    Ok(bytes) => if sink.send(Message::Text(bytes)).await.is_err() { break },
                    Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        }
    }
}
