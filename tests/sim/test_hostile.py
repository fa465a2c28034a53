"""Tests of hostile.py: the case list is complete and sane, every case
starts, serves a connection and stops cleanly on SIGTERM, and the TLS
cases really fail certificate or protocol checks of a strict client."""

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTILE = os.path.join(HERE, "hostile.py")
VOD = "vod.intl.tencentcloudapi.com"
REQ = ("POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
       "Content-Length: 2\r\n\r\n{}" % VOD).encode()
S = {}


def cases():
    out = subprocess.run([sys.executable, HOSTILE, "--list"], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def setUpModule():
    S["dir"] = tempfile.mkdtemp(prefix="hostileselftest-")
    S["certs"] = os.path.join(S["dir"], "certs")
    sys.path.insert(0, HERE)
    import certs
    certs.ensure(S["certs"])
    S["procs"] = {}
    for name, _, _ in cases():
        ready = os.path.join(S["dir"], name + ".port")
        p = subprocess.Popen([sys.executable, HOSTILE, "--case", name, "--certs", S["certs"],
                              "--ready-file", ready],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        S["procs"][name] = (p, ready)
    S["ports"] = {}
    deadline = time.time() + 30
    for name, (p, ready) in S["procs"].items():
        while not os.path.exists(ready):
            if time.time() > deadline or p.poll() is not None:
                raise RuntimeError("hostile %s did not start" % name)
            time.sleep(0.02)
        with open(ready) as f:
            S["ports"][name] = int(f.read())


def tearDownModule():
    for p, _ in S["procs"].values():
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(S["dir"], ignore_errors=True)


def tls_connect(name, timeout=3):
    ctx = ssl.create_default_context(cafile=os.path.join(S["certs"], "ca.pem"))
    s = socket.create_connection(("127.0.0.1", S["ports"][name]), timeout=timeout)
    return ctx.wrap_socket(s, server_hostname=VOD)


class TestHostile(unittest.TestCase):
    def test_list_has_at_least_30_cases_with_network_tls_or_protocol_codes(self):
        cs = cases()
        self.assertGreaterEqual(len(cs), 30)
        self.assertEqual(len({c[0] for c in cs}), len(cs))
        self.assertTrue(all(c[1] in ("3", "4", "5") for c in cs))
        self.assertEqual({c[1] for c in cs}, {"3", "4", "5"})

    def test_tls_cases_fail_a_strict_handshake(self):
        for name, code, _ in cases():
            if code != "4":
                continue
            with self.assertRaises((ssl.SSLError, ConnectionError), msg=name):
                tls_connect(name).close()

    def test_good_certificate_cases_handshake_and_answer(self):
        s = tls_connect("garbage-status-line")
        s.sendall(REQ)
        data = b""
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
        s.close()
        self.assertEqual(data, b"HELLO WORLD\r\n\r\n")

    def test_truncated_body_is_incomplete(self):
        s = tls_connect("truncated-body")
        s.sendall(REQ)
        r = http.client.HTTPResponse(s)
        r.begin()
        self.assertEqual(r.getheader("Content-Length"), "100")
        with self.assertRaises((http.client.IncompleteRead, ssl.SSLError)):
            r.read()
        s.close()

    def test_stall_before_anything_sends_no_byte(self):
        s = socket.create_connection(("127.0.0.1", S["ports"]["stall-before-anything"]),
                                     timeout=0.5)
        s.sendall(b"\x16\x03\x01\x00\x05hello")
        with self.assertRaises(socket.timeout):
            s.recv(1)
        s.close()

    def test_serves_connection_after_connection(self):
        for _ in range(3):
            s = tls_connect("json-no-response")
            s.sendall(REQ)
            r = http.client.HTTPResponse(s)
            r.begin()
            self.assertEqual(r.read(), b'{"Result":{"RequestId":"x"}}')
            s.close()



class TestShutdown(unittest.TestCase):
    # Runs after TestHostile (unittest orders classes by name): it stops
    # the servers the other tests use.
    def test_every_case_exits_zero_on_sigterm(self):
        for name, (p, _) in S["procs"].items():
            p.send_signal(signal.SIGTERM)
        for name, (p, _) in S["procs"].items():
            self.assertEqual(p.wait(5), 0, name)
            self.assertEqual(p.stderr.read(), b"", name)
            p.stderr.close()


if __name__ == "__main__":
    unittest.main()
