"""A participant through the TLS reverse proxy (server/tests/nginx.rs):
joins over HTTPS, opens the live WebSocket (wss, RFC 6455 by hand: the
standard library has TLS but no WebSocket), says hello and commits one card.
Prints one JSON line with what it saw; the Rust test asserts on it.

usage: nginx_client.py PORT CODE GROUP_ID
"""
import base64
import json
import os
import socket
import ssl
import struct
import sys

port, code, group = int(sys.argv[1]), sys.argv[2], sys.argv[3]
origin = f"https://localhost:{port}"
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate


def connect():
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return context.wrap_socket(raw, server_hostname="localhost")


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), rest


# 1. Join over HTTPS.
body = json.dumps({"display_name": "Petra", "kommune": "Proxystadt", "group_id": group}).encode()
sock = connect()
sock.sendall(
    f"POST /api/join/{code} HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: {origin}\r\n"
    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
    + body
)
head, rest = read_head(sock)
while True:
    chunk = sock.recv(4096)
    if not chunk:
        break
    rest += chunk
sock.close()
status = int(head.split(" ", 2)[1])
cookie = next(
    (line.split(":", 1)[1].strip().split(";", 1)[0]
     for line in head.split("\r\n") if line.lower().startswith("set-cookie:")),
    "",
)
http_version = head.split(" ", 1)[0]

# 2. The live channel over wss.
sock = connect()
key = base64.b64encode(os.urandom(16)).decode()
sock.sendall(
    f"GET /api/sessions/{code}/live HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: {origin}\r\n"
    f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
    f"Sec-WebSocket-Version: 13\r\nCookie: {cookie}\r\n\r\n".encode()
)
upgrade_head, buffered = read_head(sock)
upgrade_status = int(upgrade_head.split(" ", 2)[1])


def send(msg):
    payload = json.dumps(msg).encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    if len(payload) < 126:
        header += bytes([0x80 | len(payload)])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def need(n):
    global buffered
    while len(buffered) < n:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("socket closed")
        buffered += chunk
    out, buffered = buffered[:n], buffered[n:]
    return out


def receive():
    """The next text message as JSON (pings answered, other frames skipped)."""
    while True:
        first, second = need(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", need(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", need(8))[0]
        payload = need(length)
        opcode = first & 0x0F
        if opcode == 0x1:
            return json.loads(payload)
        if opcode == 0x8:
            raise EOFError("close frame")


seen = []
if upgrade_status == 101:
    send({"type": "hello", "last_seq": 0})
    while True:
        msg = receive()
        if msg["type"] not in ("settings", "presence"):
            seen.append(msg["type"])
        if msg["type"] == "synced":
            break
    send({"type": "op", "op_id": "op-proxy-1", "board": f"{group}:canvas",
          "op": {"type": "add_card", "card_id": "proxy-1", "section": "problem",
                 "text": "Karte durch den Proxy"}})
    while True:
        msg = receive()
        if msg["type"] in ("ack", "rejected"):
            seen.append(msg["type"])
            ack = msg
            break
else:
    ack = None
sock.close()
print(json.dumps({
    "join_status": status,
    "http_version": http_version,
    "cookie": cookie,
    "upgrade_status": upgrade_status,
    "seen": seen,
    "ack": ack,
}))
