#!/usr/bin/env python3
"""TLS test server for tests/sim/run_tls.sh (Python 3 standard library only).

    tls_server.py --cert C --key K --port-file F --log L [--mode MODE]

Listens on 127.0.0.1 (ephemeral port written to --port-file), serves one
connection at a time until killed, and logs one line per connection:
"conn N reused=0|1 version=... cipher=..." or "conn N handshake-failed ...".

Modes, after the handshake the client sends one line:
  echo     "bulk N" -> N bytes of data, anything else is echoed; then
           close_notify and close.
  unclean  echo the line, then end TCP without close_notify.
  tls11    server speaks only TLS 1.0/1.1 (handshake must fail).
  silent   accept TCP and never answer (plain socket, no TLS).
  eof      read the ClientHello, then end TCP with a FIN (no TLS).
"""
import argparse
import os
import socket
import ssl
import sys


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    if args.mode == "tls11":
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    return ctx


def read_line(s):
    data = b""
    while not data.endswith(b"\n") and len(data) < 4096:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def serve(conn, n, ctx, args, log):
    if args.mode == "silent":
        conn.settimeout(10)
        try:
            while conn.recv(4096):  # swallow the ClientHello, answer nothing
                pass
        except OSError:
            pass
        return
    if args.mode == "eof":
        # Read the ClientHello first so the close is a FIN, not a RST.
        conn.settimeout(10)
        try:
            conn.recv(4096)
            conn.shutdown(socket.SHUT_WR)
            while conn.recv(4096):
                pass
        except OSError:
            pass
        return
    conn.settimeout(10)
    try:
        s = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError) as exc:
        log.write("conn %d handshake-failed %s\n" % (n, exc))
        return
    log.write("conn %d reused=%d version=%s cipher=%s\n"
              % (n, int(s.session_reused), s.version(), s.cipher()[0]))
    log.flush()
    try:
        line = read_line(s)
        if line.startswith(b"bulk "):
            total = int(line.split()[1])
            block = bytes(range(256)) * 64
            sent = 0
            while sent < total:
                k = min(len(block), total - sent)
                s.sendall(block[:k])
                sent += k
        else:
            s.sendall(line)
        if args.mode == "unclean":
            # End TCP under the TLS layer: FIN without close_notify.
            raw = socket.socket(fileno=os.dup(s.fileno()))
            raw.shutdown(socket.SHUT_RDWR)
            raw.close()
        else:
            s.unwrap()
    except (ssl.SSLError, OSError) as exc:
        log.write("conn %d io-error %s\n" % (n, exc))
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode", default="echo",
                    choices=["echo", "unclean", "tls11", "silent", "eof"])
    args = ap.parse_args()
    ctx = make_context(args)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    n = 0
    with open(args.log, "a") as log:
        while True:
            conn, _ = ls.accept()
            n += 1
            try:
                serve(conn, n, ctx, args, log)
            finally:
                conn.close()
                log.flush()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
