"""A fault-injecting HTTP proxy for the sync tests: sits between Vernetzt and Radicale on
127.0.0.1 and, as a control file says, passes requests on or answers them with a fault.

    fault_proxy.py UPSTREAM_PORT CONTROL_FILE      (prints "port N", runs until killed)

The control file is JSON, re-read for every request, e.g.
    {"mode": "pass"}
    {"mode": "status", "status": 503, "retry_after": 7}   every request gets that status
    {"mode": "status", "status": 401}
    {"mode": "drop", "method": "PUT", "after": 3}          the 4th and later PUTs are forwarded,
                                                           but the connection is cut before the
                                                           answer (the server did the work)
    {"mode": "cut_request", "method": "PUT"}               PUTs are cut before reaching the server
    {"mode": "hang", "seconds": 30}                        no answer at all (a timeout)
    {"mode": "status", "status": 415, "method": "PUT", "body_contains": "VERSION:4.0"}
                                                           a server that takes only vCard 3.0
    {"mode": "status", "status": 412, "method": "DELETE", "times": 1}
                                                           only the first DELETE gets the fault
                                                           ("times" counts from "after")
The proxy counts requests per method since the control file last changed ("after" counts from
there) and writes the counts to CONTROL_FILE.counts (JSON)."""
import json
import os
import socket
import sys
import threading
import time

upstream_port = int(sys.argv[1])
control = sys.argv[2]
counts_path = control + ".counts"
lock = threading.Lock()
counts = {}
last_control = [None]


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


def forward(head, body):
    lines = head.split(b"\r\n")
    # One request per connection upstream (Radicale closes anyway).
    kept = [l for l in lines[1:] if not l.lower().startswith(b"connection:")]
    req = b"\r\n".join([lines[0]] + kept + [b"Connection: close"]) + b"\r\n\r\n" + body
    up = socket.create_connection(("127.0.0.1", upstream_port))
    up.sendall(req)
    resp = b""
    while True:
        chunk = up.recv(65536)
        if not chunk:
            break
        resp += chunk
    up.close()
    return resp


def handle(conn):
    try:
        got = read_request(conn)
        if got is None:
            return
        head, body = got
        method = head.split(b" ", 1)[0].decode()
        try:
            with open(control) as f:
                text = f.read()
            c = json.loads(text)
        except (OSError, ValueError):
            text, c = None, {"mode": "pass"}
        with lock:
            # Counting starts anew with every new instruction, so "after" is relative to it.
            if text != last_control[0]:
                last_control[0] = text
                counts.clear()
            counts[method] = counts.get(method, 0) + 1
            n = counts[method]
            with open(counts_path + ".tmp", "w") as f:
                json.dump(counts, f)
            os.replace(counts_path + ".tmp", counts_path)
        mode = c.get("mode", "pass")
        applies = c.get("method") in (None, method) and n > c.get("after", 0)
        if "times" in c and n > c.get("after", 0) + c["times"]:
            applies = False
        if "body_contains" in c and c["body_contains"].encode() not in body:
            applies = False
        if mode == "status" and applies:
            status = int(c["status"])
            extra = f"Retry-After: {c['retry_after']}\r\n" if "retry_after" in c else ""
            conn.sendall(f"HTTP/1.1 {status} Fault\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n".encode())
            return
        if mode == "cut_request" and applies:
            return
        if mode == "hang" and applies:
            time.sleep(float(c.get("seconds", 30)))
            return
        resp = forward(head, body)
        if mode == "drop" and applies:
            return
        conn.sendall(resp)
    finally:
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        conn.close()


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    print(f"port {s.getsockname()[1]}", flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
