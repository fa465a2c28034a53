"""TLS refusal matrix, end to end: build/rvkctl (vod-delete-token) against
small local TLS servers (Python ssl, 127.0.0.1) built from a PKI made now
with the openssl CLI. A refusal must be exit 4; an acceptable server (one
that answers a valid Tencent-style JSON response) must give exit 0.

Complements tests/sim/run_tls.sh (port level, tls_probe) and
test_client_vs_hostile.py (CLI level: wrong name, unknown CA, expired, not
yet valid, self-signed, TLS 1.0): the cases here are the ones those lack.

BearSSL's minimal X.509 engine does not look at extendedKeyUsage: a leaf
whose EKU is only clientAuth is accepted when the extension is not
critical (documented by test_eku_client_auth_only_is_accepted_by_bearssl).
Marked critical, the unknown critical extension is refused.
"""

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

NAME = "vod.intl.tencentcloudapi.com"
BODY = b'{"Response":{"RequestId":"tls-matrix-0001"}}'
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY))
W = None  # PKI directory


def openssl(*args, cwd=None):
    subprocess.run(["openssl"] + list(args), check=True, cwd=cwd or W,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def key(name, spec):
    if spec.startswith("ec"):
        curve = "P-384" if spec == "ec384" else "P-256"
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + curve,
                "-out", name + ".key")
    else:
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + spec[3:],
                "-out", name + ".key")


def ca(name, spec, issuer=None, md="sha256"):
    """A CA certificate: self-signed root, or signed by issuer."""
    key(name, spec)
    ext = os.path.join(W, name + ".ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                "subjectKeyIdentifier=hash\n")
    if issuer is None:
        openssl("req", "-x509", "-new", "-key", name + ".key", "-subj", "/CN=revokit " + name,
                "-days", "30", "-" + md, "-out", name + ".pem", "-extensions", "v3",
                "-config", cnf(ext))
    else:
        sign(name, issuer, ext, md=md)


def cnf(ext):
    """A minimal req config whose v3 section is the given extension file."""
    path = ext + ".cnf"
    with open(ext) as f:
        body = f.read()
    with open(path, "w") as f:
        f.write("[req]\ndistinguished_name=dn\n[dn]\n[v3]\n" + body)
    return path


def sign(name, issuer, ext, md="sha256", days=("-1", "30")):
    openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + name.replace("_", "-"),
            "-out", name + ".csr", "-config", cnf(ext))
    openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey",
            issuer + ".key", "-set_serial", str(abs(hash(name)) % 100000 + 2),
            "-days", days[1], "-" + md, "-extfile", ext, "-out", name + ".pem")


def leaf(name, spec, issuer, md="sha256", eku="serverAuth", san=NAME):
    key(name, spec)
    ext = os.path.join(W, name + ".ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,"
                "keyEncipherment\nsubjectAltName=DNS:%s\n" % san)
        if eku:
            f.write("extendedKeyUsage=%s\n" % eku)
    sign(name, issuer, ext, md=md)


class Server:
    """One TLS listener on 127.0.0.1 answering RESPONSE to one request.
    mode 'truncate' relays only the first bytes of a real handshake."""

    def __init__(self, cert, chain=(), ciphers=None, curve=None, versions=None, seclevel0=False,
                 truncate=None):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        pem = os.path.join(W, cert + ".full.pem")
        with open(pem, "wb") as f:
            for c in (cert,) + tuple(chain):
                f.write(open(os.path.join(W, c + ".pem"), "rb").read())
        if seclevel0 or ciphers:
            self.ctx.set_ciphers((ciphers or "DEFAULT") + (":@SECLEVEL=0" if seclevel0 else ""))
        if curve:
            self.ctx.set_ecdh_curve(curve)  # the only key-exchange group offered
        if versions:
            self.ctx.minimum_version, self.ctx.maximum_version = versions
        else:
            self.ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        self.ctx.load_cert_chain(pem, os.path.join(W, cert + ".key"))
        self.truncate = truncate
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(15)
        self.port = self.sock.getsockname()[1]
        self.info = {}
        self.t = threading.Thread(target=self.serve, daemon=True)
        self.t.start()

    def serve(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        conn.settimeout(10)
        try:
            if self.truncate is not None:
                self.serve_truncated(conn)
                return
            s = self.ctx.wrap_socket(conn, server_side=True)
            self.info = {"version": s.version(), "cipher": s.cipher()[0]}
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    return
                data += chunk
            s.sendall(RESPONSE)
            s.unwrap()
        except (ssl.SSLError, OSError) as exc:
            self.info = {"error": str(exc)}
        finally:
            conn.close()

    def serve_truncated(self, conn):
        """Run a real handshake against an in-memory TLS server and pass
        only its first `truncate` bytes, then close."""
        inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = self.ctx.wrap_bio(inc, out, server_side=True)
        inc.write(conn.recv(16384))
        try:
            obj.do_handshake()
        except ssl.SSLWantReadError:
            pass
        flight = out.read()
        conn.sendall(flight[:self.truncate])
        self.info = {"flight": len(flight)}
        conn.shutdown(socket.SHUT_WR)

    def close(self):
        self.sock.close()
        self.t.join(5)


def rvkctl(port, ca_file):
    binary = os.path.join(h.BUILD, "asan", "rvkctl")
    if not os.path.exists(binary):
        binary = h.RVKCTL
    env = dict(h.tencent_env(), PATH=os.environ.get("PATH", "/usr/bin:/bin"),
               ASAN_OPTIONS="detect_leaks=0:exitcode=99", UBSAN_OPTIONS="halt_on_error=1:exitcode=98")
    cmd = [binary, "--connect", "127.0.0.1:%d" % port, "--ca-file", os.path.join(W, ca_file + ".pem"),
           "--timeout-ms", "8000", "--retries", "0", "vod-delete-token", "--sub-app-id", "1",
           "--token", "tlsMatrixToken01"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=30)
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    h.RUNS.append((cmd, out, err))
    return p.returncode, err


def setUpModule():
    global W
    W = tempfile.mkdtemp(prefix="rvk-tls-matrix.")
    ca("root_rsa", "rsa2048")
    ca("root_ec", "ec")
    ca("root_ec384", "ec384", md="sha384")
    ca("other", "ec")
    ca("inter", "ec", issuer="root_rsa")
    ca("root_sha1", "rsa2048", md="sha1")
    leaf("rsa", "rsa2048", "root_rsa")
    leaf("ec", "ec", "root_ec")
    leaf("ec384", "ec384", "root_ec384", md="sha384")
    leaf("chained", "ec", "inter")
    leaf("rsa1024", "rsa1024", "root_rsa")
    leaf("sha1_leaf", "rsa2048", "root_rsa", md="sha1")
    leaf("sha1_chain", "rsa2048", "root_sha1", md="sha1")
    leaf("eku_client", "ec", "root_ec", eku="clientAuth")
    leaf("eku_client_crit", "ec", "root_ec", eku="critical,clientAuth")
    leaf("eku_none", "ec", "root_ec", eku=None)
    leaf("wrong_name", "ec", "root_ec", san="vod.example.invalid")


def tearDownModule():
    shutil.rmtree(W, ignore_errors=True)


class TestTlsMatrix(unittest.TestCase):
    def run_server(self, cert, trust, **kw):
        srv = Server(cert, **kw)
        try:
            code, err = rvkctl(srv.port, trust)
        finally:
            srv.close()
        self.assertNotIn("Sanitizer", err)
        self.assertNotIn("runtime error", err)
        return code, err, srv.info

    def refused(self, cert, trust, **kw):
        code, err, info = self.run_server(cert, trust, **kw)
        self.assertEqual(code, 4, "expected a TLS refusal; server saw %r; rvkctl: %s" % (info, err))
        return err

    def accepted(self, cert, trust, **kw):
        code, err, info = self.run_server(cert, trust, **kw)
        self.assertEqual(code, 0, "expected success; server saw %r; rvkctl: %s" % (info, err))
        return info

    # ---- accepted ----------------------------------------------------------
    def test_rsa_server_ecdhe_aes128_gcm(self):
        info = self.accepted("rsa", "root_rsa", ciphers="ECDHE-RSA-AES128-GCM-SHA256")
        self.assertEqual((info["version"], info["cipher"]), ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"))

    def test_rsa_server_ecdhe_aes256_gcm(self):
        info = self.accepted("rsa", "root_rsa", ciphers="ECDHE-RSA-AES256-GCM-SHA384")
        self.assertEqual(info["cipher"], "ECDHE-RSA-AES256-GCM-SHA384")

    def test_ecdhe_on_p256_is_accepted(self):
        info = self.accepted("rsa", "root_rsa", curve="prime256v1")
        self.assertEqual(info["version"], "TLSv1.2")

    def test_ecdhe_on_p384_is_accepted(self):
        info = self.accepted("ec", "root_ec", curve="secp384r1")
        self.assertEqual(info["version"], "TLSv1.2")

    def test_ecdsa_server_ecdhe_aes128_gcm(self):
        info = self.accepted("ec", "root_ec", ciphers="ECDHE-ECDSA-AES128-GCM-SHA256")
        self.assertEqual((info["version"], info["cipher"]), ("TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256"))

    def test_p384_ecdsa_chain_is_accepted(self):
        info = self.accepted("ec384", "root_ec384")
        self.assertEqual(info["version"], "TLSv1.2")

    def test_intermediate_chain_is_accepted(self):
        self.accepted("chained", "root_rsa", chain=("inter",))

    def test_leaf_without_eku_is_accepted(self):
        self.accepted("eku_none", "root_ec")

    def test_eku_client_auth_only_is_accepted_by_bearssl(self):
        # BearSSL 0.6's minimal X.509 engine ignores a non-critical EKU.
        self.accepted("eku_client", "root_ec")

    # ---- refused -----------------------------------------------------------
    def test_eku_critical_client_auth_only_is_refused(self):
        self.refused("eku_client_crit", "root_ec")

    def test_intermediate_missing_from_chain_is_refused(self):
        self.refused("chained", "root_rsa")

    def test_wrong_host_name_is_refused(self):
        self.refused("wrong_name", "root_ec")

    def test_unknown_ca_is_refused(self):
        self.refused("ec", "other")

    def test_rsa_1024_leaf_is_refused(self):
        self.refused("rsa1024", "root_rsa", seclevel0=True)

    def test_sha1_signed_leaf_is_refused(self):
        self.refused("sha1_leaf", "root_rsa", seclevel0=True)

    def test_sha1_signed_chain_is_refused(self):
        self.refused("sha1_chain", "root_sha1", seclevel0=True)

    def test_tls10_only_server_is_refused(self):
        self.refused("rsa", "root_rsa", seclevel0=True, ciphers="DEFAULT",
                     versions=(ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1))

    def test_tls11_only_server_is_refused(self):
        self.refused("rsa", "root_rsa", seclevel0=True, ciphers="DEFAULT",
                     versions=(ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_1))

    def test_chacha20_only_server_is_refused(self):
        # The profile offers AES-GCM only (port/bearssl/rvk_tls.h)
        self.refused("rsa", "root_rsa", ciphers="ECDHE-RSA-CHACHA20-POLY1305")

    def test_x25519_only_server_is_refused(self):
        # Key exchange on P-256 or P-384 only (port/bearssl/rvk_tls.h)
        self.refused("rsa", "root_rsa", curve="X25519")

    def test_no_common_cipher_suite_is_refused(self):
        # CBC and finite-field DHE: nothing revokit offers
        self.refused("rsa", "root_rsa", ciphers="DHE-RSA-AES128-SHA:AES128-SHA:AES256-SHA256")

    def test_handshake_truncated_mid_flight_is_refused(self):
        # ServerHello and half of the Certificate message, then FIN
        self.refused("rsa", "root_rsa", truncate=700)

    def test_handshake_truncated_in_server_hello_is_refused(self):
        self.refused("ec", "root_ec", truncate=30)


class TestZNoSecretInTlsOutput(unittest.TestCase):
    """Runs last: no secret in the output of any rvkctl run above, refused
    handshakes included."""

    def test_no_secret_in_any_output(self):
        self.assertGreaterEqual(len(h.RUNS), 20)
        for cmd, out, err in h.RUNS:
            for secret in h.SECRETS + ["tlsMatrixToken01"]:
                self.assertNotIn(secret, out, cmd)
                self.assertNotIn(secret, err, cmd)


if __name__ == "__main__":
    unittest.main()
