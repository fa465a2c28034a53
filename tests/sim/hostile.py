#!/usr/bin/env python3
"""hostile - a raw TCP/TLS server on 127.0.0.1 that answers every request
with one chosen misbehaviour, to prove that revokit fails cleanly (right
exit code, no crash, no hang, no silent success).

  hostile.py --list                 name, exit code a correct client gives,
                                    description (tab separated)
  hostile.py --case NAME [--port P] [--certs DIR] [--plain-http]
             [--ready-file FILE]

Exit codes expected from rvkctl (DESIGN.md): 3 network failure or timeout
(stall, reset, truncated response), 4 TLS failure (handshake, certificate,
name), 5 protocol failure (malformed HTTP or JSON, unexpected shape, a
limit exceeded).

The server reads the request (headers and a Content-Length body, best
effort) and then ignores it, except for the Host header, which picks the
shape of "plausible" bodies (Tencent envelope or new-api envelope). Cases
whose misbehaviour is at the TLS layer answer a valid success response if a
(lax) client completes the handshake anyway, so such a client is caught
exiting 0. Connections are served one after another, each in its own
thread, so a stalled connection does not block the next test. SIGTERM or
SIGINT stops the server with exit status 0.

TLS uses the same certificate directory layout as mockcloud.py (certs.py);
--plain-http serves the HTTP-level cases without TLS (TLS-only cases then
refuse to start, exit 2).
"""

import argparse
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import certs  # noqa: E402

NET, TLS, PROTO = 3, 4, 5
STOP = threading.Event()

NEWAPI_HOSTS = set()


class Conn:
    """The accepted connection plus what was read of the request."""

    def __init__(self, sock, is_tls):
        self.sock, self.is_tls = sock, is_tls
        self.host = ""
        self.path = "/"
        self.method = "POST"

    def send(self, data):
        self.sock.sendall(data)

    @property
    def newapi(self):
        return self.host in NEWAPI_HOSTS

    def close_clean(self):
        """Close with TLS close_notify (when TLS) and TCP FIN."""
        if self.is_tls:
            try:
                self.sock.settimeout(2)
                self.sock.unwrap().close()
                return
            except (OSError, ssl.SSLError, ValueError):
                pass
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    def close_abrupt(self):
        """TCP FIN without close_notify."""
        try:
            raw = socket.socket(fileno=os.dup(self.sock.fileno()))
            raw.shutdown(socket.SHUT_RDWR)
            raw.close()
        except OSError:
            pass
        self.sock.close()

    def reset(self):
        try:
            raw = socket.socket(fileno=os.dup(self.sock.fileno()))
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            raw.close()
        except OSError:
            pass
        self.sock.close()


def read_request(c):
    c.sock.settimeout(5)
    buf = b""
    try:
        while b"\r\n\r\n" not in buf and len(buf) < 65536:
            d = c.sock.recv(4096)
            if not d:
                return
            buf += d
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) >= 2:
            c.method, c.path = parts[0], parts[1]
        n = 0
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            if k.strip().lower() == "host":
                c.host = v.strip().rsplit(":", 1)[0].lower()
            if k.strip().lower() == "content-length" and v.strip().isdigit():
                n = int(v.strip())
        while len(rest) < n:
            d = c.sock.recv(min(65536, n - len(rest)))
            if not d:
                return
            rest += d
    except (OSError, ssl.SSLError):
        return


def ok_body(c):
    if c.newapi:
        return b'{"message":"","success":true}'
    return b'{"Response":{"RequestId":"6f1c2a3b-0000-4000-8000-000000000001"}}'


def resp(status_line, headers, body):
    h = "".join("%s\r\n" % x for x in headers)
    return status_line.encode("latin-1") + b"\r\n" + h.encode("latin-1") + b"\r\n" + body


def json_resp(body, extra=()):
    return resp("HTTP/1.1 200 OK", ["Content-Type: application/json",
                                    "Content-Length: %d" % len(body)] + list(extra), body)


def stall(c, seconds=600):
    STOP.wait(seconds)


# ---- case bodies: each gets the Conn after the request was read ----------

def send_close(data, clean=True):
    def f(c):
        c.send(data if isinstance(data, bytes) else data(c))
        (c.close_clean if clean else c.close_abrupt)()
    return f


def ok_answer(c):
    c.send(json_resp(ok_body(c)))
    c.close_clean()


def chunked_head():
    return resp("HTTP/1.1 200 OK", ["Content-Type: application/json",
                                    "Transfer-Encoding: chunked"], b"")


def drip(c):
    c.send(b"HTTP/1.1 200 OK\r\nX-Drip: ")
    while not STOP.is_set():
        c.send(b"a")
        STOP.wait(1.0)


def endless_1xx(c):
    end = time.time() + 600
    while not STOP.is_set() and time.time() < end:
        c.send(b"HTTP/1.1 100 Continue\r\n\r\n" * 64)


def stall_after_headers(c):
    c.send(resp("HTTP/1.1 200 OK", ["Content-Type: application/json",
                                    "Content-Length: 100"], b""))
    stall(c)


def stall_mid_body(c):
    c.send(resp("HTTP/1.1 200 OK", ["Content-Type: application/json",
                                    "Content-Length: 100"], b'{"Response":{"Reque'))
    stall(c)


def truncated(c):
    c.send(resp("HTTP/1.1 200 OK", ["Content-Type: application/json",
                                    "Content-Length: 100"], b'{"Response":'))
    c.close_abrupt()


def close_delimited(c):
    c.send(resp("HTTP/1.1 200 OK", ["Content-Type: application/json",
                                    "Connection: close"], ok_body(c)))
    c.close_abrupt()


def redirect_other(c):
    c.send(resp("HTTP/1.1 307 Temporary Redirect",
                ["Location: https://evil.example.test%s" % c.path, "Content-Length: 0"], b""))
    c.close_clean()


def redirect_loop(c):
    c.send(resp("HTTP/1.1 307 Temporary Redirect",
                ["Location: %s" % c.path, "Content-Length: 0"], b""))
    c.close_clean()


def big_string(c):
    body = b'{"Response":{"RequestId":"' + b"A" * (10 * 1024 * 1024) + b'"}}'
    c.send(json_resp(body))
    c.close_clean()


def dup_keys(c):
    if c.newapi:
        body = b'{"message":"","success":false,"success":true}'
    else:
        body = (b'{"Response":{"Error":{"Code":"InternalError","Message":"x"},'
                b'"RequestId":"a","RequestId":"b"}}')
    c.send(json_resp(body))
    c.close_clean()


def tencent_or_newapi(tc, na):
    return lambda c: json_resp(na if c.newapi else tc)


CASES = []


def case(name, code, desc, fn, tls=None, tls_only=False, raw=None):
    """tls: None = the normal server certificate; else a CertSet attribute
    name or 'tls10'. raw: a function run on the bare TCP socket instead of
    TLS + request reading."""
    CASES.append({"name": name, "exit": code, "desc": desc, "fn": fn,
                  "tls": tls, "tls_only": tls_only or tls is not None, "raw": raw})


H = ["Content-Type: application/json"]
case("garbage-status-line", PROTO, "status line is not HTTP",
     send_close(b"HELLO WORLD\r\n\r\n"))
case("http2-status-line", PROTO, "HTTP/2 status line on an HTTP/1.1 connection",
     send_close(b"HTTP/2 200\r\nContent-Length: 2\r\n\r\n{}"))
case("status-4-digit", PROTO, "status code 2000",
     send_close(b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\n{}"))
case("status-2-digit", PROTO, "status code 20",
     send_close(b"HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\n{}"))
case("status-no-space", PROTO, "no space between version and status",
     send_close(b"HTTP/1.1200 OK\r\nContent-Length: 2\r\n\r\n{}"))
case("header-no-colon", PROTO, "header line without a colon",
     send_close(b"HTTP/1.1 200 OK\r\nContent-Length 2\r\nBroken header\r\n\r\n{}"))
case("header-nul-byte", PROTO, "NUL byte inside a header value",
     send_close(b"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\n{}"))
case("header-space-before-colon", PROTO, "'Content-Length : 2' (RFC 9112 forbids)",
     send_close(b"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\n{}"))
case("cl-negative", PROTO, "Content-Length: -1",
     send_close(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n{}"))
case("cl-overflow", PROTO, "Content-Length: 2^64+1",
     send_close(b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551617\r\n\r\n{}"))
case("cl-not-a-number", PROTO, "Content-Length: 12abc",
     send_close(b"HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n{}"))
case("cl-duplicate-conflicting", PROTO, "two Content-Length headers, 2 and 20",
     send_close(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 20\r\n\r\n{}"))
case("cl-list-conflicting", PROTO, "Content-Length: 2, 20",
     send_close(b"HTTP/1.1 200 OK\r\nContent-Length: 2, 20\r\n\r\n{}"))
case("te-and-cl", PROTO, "Transfer-Encoding: chunked together with Content-Length",
     send_close(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"2\r\n{}\r\n0\r\n\r\n"))
case("te-gzip", PROTO, "Transfer-Encoding: gzip (not chunked)",
     send_close(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b\x08\x00"))
case("te-chunked-not-last", PROTO, "Transfer-Encoding: chunked, identity",
     send_close(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                b"2\r\n{}\r\n0\r\n\r\n"))
case("chunk-bad-hex", PROTO, "chunk size 'zz'",
     send_close(chunked_head() + b"zz\r\n{}\r\n0\r\n\r\n"))
case("chunk-size-overflow", PROTO, "chunk size of 20 hex digits",
     send_close(chunked_head() + b"fffffffffffffffffff1\r\n{}\r\n0\r\n\r\n"))
case("chunk-missing-crlf", PROTO, "chunk data not followed by CRLF",
     send_close(chunked_head() + b"2\r\n{}XX0\r\n\r\n"))
case("chunk-truncated", NET, "chunk announces 100 bytes, 10 arrive, then close",
     send_close(chunked_head() + b"64\r\n{\"Response\"", clean=False))
case("chunk-no-last-chunk", NET, "complete chunk, then close without the 0 chunk",
     lambda c: send_close(chunked_head() + b"%x\r\n" % len(ok_body(c)) + ok_body(c) + b"\r\n",
                          clean=False)(c))
case("header-line-over-8k", PROTO, "one header line of 9000 bytes",
     send_close(b"HTTP/1.1 200 OK\r\nX-Big: " + b"b" * 9000 + b"\r\nContent-Length: 2\r\n\r\n{}"))
case("headers-1000", PROTO, "1000 header lines",
     send_close(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(1000))
                + b"Content-Length: 2\r\n\r\n{}"))
case("obs-fold", PROTO, "obsolete line folding (continuation line)",
     send_close(b"HTTP/1.1 200 OK\r\nContent-Type: application/\r\n json\r\n"
                b"Content-Length: 2\r\n\r\n{}"))
case("truncated-body", NET, "Content-Length 100, 12 bytes, then close",
     truncated)
case("close-delimited-no-notify", NET,
     "body delimited by connection close, TCP FIN without TLS close_notify",
     close_delimited, tls_only=True)
case("stall-before-anything", NET, "accept, then send nothing at all (no TLS handshake)",
     None, raw=lambda s: stall(None))
case("stall-after-headers", NET, "headers with Content-Length 100, then silence",
     stall_after_headers)
case("stall-mid-body", NET, "20 of 100 body bytes, then silence", stall_mid_body)
case("drip-forever", NET, "one header byte per second, forever", drip)
case("close-after-request", NET, "read the request, close without a byte",
     lambda c: c.close_clean())
case("reset-after-request", NET, "read the request, answer with TCP RST",
     lambda c: c.reset())
case("endless-1xx", PROTO, "100 Continue responses without end", endless_1xx)
case("switching-protocols", PROTO, "101 Switching Protocols to websocket",
     send_close(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\n\r\n\x81\x02{}"))
case("redirect-other-host", PROTO, "307 to https://evil.example.test (must not follow)",
     redirect_other)
case("redirect-loop", PROTO, "307 to the same path, every time", redirect_loop)
case("content-encoding-gzip", PROTO, "gzip-encoded body that was not asked for",
     send_close(resp("HTTP/1.1 200 OK", H + ["Content-Encoding: gzip", "Content-Length: 10"],
                     b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")))
case("empty-body-200", PROTO, "200 with Content-Length: 0",
     send_close(resp("HTTP/1.1 200 OK", H + ["Content-Length: 0"], b"")))
case("invalid-json", PROTO, "200 with a body that is not JSON",
     send_close(json_resp(b'{"Response": {"RequestId": "x",, ]')))
case("json-nested-10000", PROTO, "JSON nested 10,000 arrays deep",
     send_close(json_resp(b'{"Response":' + b"[" * 10000 + b"]" * 10000 + b"}")))
case("json-string-10mb", PROTO, "a 10 MB JSON string", big_string)
case("json-no-response", PROTO, "JSON object without Response / success",
     send_close(lambda c: json_resp(b'{"Result":{"RequestId":"x"}}')))
case("json-response-array", PROTO, "Response is an array",
     send_close(lambda c: tencent_or_newapi(b'{"Response":[]}', b'{"success":[]}')(c)))
case("json-requestid-number", PROTO, "RequestId (new-api: success) is a number",
     send_close(lambda c: tencent_or_newapi(b'{"Response":{"RequestId":12345}}',
                                            b'{"message":"","success":1}')(c)))
# AuthFailure.SignatureExpire whose Date cannot correct the clock: the
# client needs the Date (to fix a skewed clock, or as its only time source
# without RTC) and must fail with a protocol error, not retry blindly.
EXPIRE = (b'{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":'
          b'"The signature expired."},"RequestId":"6f1c2a3b-0000-4000-8000-00000000000e"}}')
case("expire-no-date", PROTO, "SignatureExpire without a Date header",
     send_close(json_resp(EXPIRE)))
case("expire-date-1970", PROTO, "SignatureExpire with Date in 1970 (before any floor)",
     send_close(json_resp(EXPIRE, ["Date: Thu, 01 Jan 1970 00:00:00 GMT"])))
case("expire-date-garbage", PROTO, "SignatureExpire with an unparsable Date",
     send_close(json_resp(EXPIRE, ["Date: yesterday, around noon"])))
case("json-duplicate-keys", PROTO, "duplicate keys with conflicting values", dup_keys)
case("json-trailing-garbage", PROTO, "valid JSON followed by more bytes",
     send_close(lambda c: json_resp(ok_body(c) + b"xyz")))
case("json-invalid-utf8", PROTO, "JSON string with invalid UTF-8 bytes",
     send_close(lambda c: tencent_or_newapi(b'{"Response":{"RequestId":"\xff\xfe"}}',
                                            b'{"message":"\xff\xfe","success":true}')(c)))
case("tls-wrong-host", TLS, "certificate from the test CA for wrong.example.test",
     ok_answer, tls="wrong_host")
case("tls-unknown-ca", TLS, "right names, signed by a CA the client does not trust",
     ok_answer, tls="unknown_ca_server")
case("tls-expired", TLS, "right names, expired in 2001", ok_answer, tls="expired")
case("tls-not-yet-valid", TLS, "right names, valid from 2099", ok_answer,
     tls="not_yet_valid")
case("tls-self-signed", TLS, "right names, self-signed", ok_answer, tls="self_signed")
case("tls10-only", TLS, "server speaks TLS 1.0 only", ok_answer, tls="tls10")
case("plain-http-on-tls", TLS, "plain HTTP answer where a TLS handshake is expected",
     None, tls_only=True,
     raw=lambda s: (s.settimeout(5), s.recv(4096),
                    s.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")))

BY_NAME = {c["name"]: c for c in CASES}


def make_ctx(cs, which):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if which == "tls10":
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.load_cert_chain(*cs.server)
    else:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(*getattr(cs, which or "server"))
    return ctx


def serve_one(sock, c, ctx):
    try:
        if c["raw"] is not None:
            c["raw"](sock)
            try:
                sock.close()
            except OSError:
                pass
            return
        is_tls = ctx is not None
        if is_tls:
            sock.settimeout(10)
            sock = ctx.wrap_socket(sock, server_side=True)
        conn = Conn(sock, is_tls)
        read_request(conn)
        conn.sock.settimeout(None)
        c["fn"](conn)
    except (OSError, ssl.SSLError, ValueError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def main(argv=None):
    ap = argparse.ArgumentParser(description="Misbehaving HTTP(S) server for revokit "
                                             "robustness tests.")
    ap.add_argument("--list", action="store_true",
                    help="print 'NAME<TAB>EXIT<TAB>DESCRIPTION' per case and exit")
    ap.add_argument("--case", help="misbehaviour to serve")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = ephemeral)")
    ap.add_argument("--certs", help="certificate directory (shared layout with mockcloud.py)")
    ap.add_argument("--plain-http", action="store_true", help="no TLS (HTTP-level cases only)")
    ap.add_argument("--newapi-host", default="newapi.example.test")
    ap.add_argument("--ready-file", help="write the bound port here when listening")
    args = ap.parse_args(argv)
    NEWAPI_HOSTS.add(args.newapi_host.lower())

    if args.list:
        for c in CASES:
            print("%s\t%d\t%s%s" % (c["name"], c["exit"], c["desc"],
                                    " [TLS only]" if c["tls_only"] else ""))
        return 0
    c = BY_NAME.get(args.case)
    if c is None:
        sys.stderr.write("hostile: unknown --case %r (see --list)\n" % args.case)
        return 2
    if args.plain_http and c["tls_only"]:
        sys.stderr.write("hostile: case %s needs TLS\n" % c["name"])
        return 2
    ctx = None
    if not args.plain_http and c["raw"] is None:
        d = args.certs
        if d is None:
            import tempfile
            d = tempfile.mkdtemp(prefix="hostile-certs-")
        cs = certs.ensure(d, [certs.DEFAULT_NAMES[0], certs.DEFAULT_NAMES[1],
                              args.newapi_host, "localhost"])
        ctx = make_ctx(cs, c["tls"])
    elif args.certs and not args.plain_http:
        certs.ensure(args.certs, [certs.DEFAULT_NAMES[0], certs.DEFAULT_NAMES[1],
                                  args.newapi_host, "localhost"])

    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", args.port))
    ls.listen(16)
    ls.settimeout(0.25)
    port = ls.getsockname()[1]
    signal.signal(signal.SIGTERM, lambda *a: STOP.set())
    signal.signal(signal.SIGINT, lambda *a: STOP.set())
    print("hostile %s listening on 127.0.0.1:%d" % (c["name"], port), flush=True)
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.ready_file + ".tmp", args.ready_file)
    while not STOP.is_set():
        try:
            s, _ = ls.accept()
        except socket.timeout:
            continue
        except OSError:
            if STOP.is_set():
                break
            raise
        s.settimeout(None)
        threading.Thread(target=serve_one, args=(s, c, ctx), daemon=True).start()
    ls.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
