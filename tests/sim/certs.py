"""Test certificates for the mock clouds and the hostile server.

Everything is made at run time with the openssl command-line tool, into a
directory the caller names, and reused on the next run when it is still
right (same names, same key type, not expired). Nothing here is a real
secret: the keys exist only for 127.0.0.1 tests.

Files in DIR (all PEM):
  ca.pem / ca.key            test CA  -> give ca.pem to clients as --ca-file
  server.pem / server.key    leaf signed by the test CA, SAN = the names asked
  other-ca.pem / .key        a second CA no client trusts   (hostile: unknown CA)
  unknown-ca-server.pem/.key right names, signed by other-ca
  wrong-host.pem/.key        signed by the test CA, SAN = wrong.example.test only
  expired.pem/.key           right names, validity ended in 2001
  not-yet-valid.pem/.key     right names, validity starts in 2099
  self-signed.pem/.key       right names, self-signed, not a CA any client knows

Key type: EC P-256 by default (fast to make, small handshakes); set the
environment variable RVK_TEST_KEY_TYPE=rsa for RSA-2048 everywhere.

Several processes may share one DIR (mock and hostile server in one test):
generation runs under an exclusive flock on DIR/.lock.
"""

import fcntl
import json
import os
import subprocess
import tempfile

DEFAULT_NAMES = [
    "vod.intl.tencentcloudapi.com",
    "apigateway.intl.tencentcloudapi.com",
    "newapi.example.test",
    "localhost",
]


def _key_type():
    kt = os.environ.get("RVK_TEST_KEY_TYPE", "ec").lower()
    if kt not in ("ec", "rsa"):
        raise ValueError("RVK_TEST_KEY_TYPE must be ec or rsa")
    return kt


def _run(args, cwd=None):
    p = subprocess.run(["openssl"] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (args[0], p.stderr.strip()))
    return p.stdout


def _genkey(path):
    if _key_type() == "rsa":
        _run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
              "-out", path])
    else:
        _run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
              "-out", path])
    os.chmod(path, 0o600)


def _san(names):
    parts = []
    for n in names:
        if all(c.isdigit() or c == "." for c in n):
            parts.append("IP:" + n)
        else:
            parts.append("DNS:" + n)
    return ",".join(parts)


def _make_ca(d, base, cn):
    key = os.path.join(d, base + ".key")
    pem = os.path.join(d, base + ".pem")
    _genkey(key)
    _run(["req", "-x509", "-new", "-key", key, "-out", pem, "-days", "3650",
          "-sha256", "-subj", "/O=revokit tests/CN=" + cn,
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign",
          "-addext", "subjectKeyIdentifier=hash"])
    return pem, key


def _sign_leaf(d, base, names, ca_pem, ca_key, start=None, end=None, cn=None):
    """Leaf cert for `names`, signed by ca, validity [start, end] given as
    openssl 'YYYYMMDDHHMMSSZ' strings (None = 30 days ago .. +825 days).

    Backdated like a real certificate, which is issued days before a device
    meets it: a device without a clock checks certificates against a floor
    time (its build date), and a leaf minted "now" would be in its future."""
    if start is None:
        import datetime
        start = (datetime.datetime.now(datetime.timezone.utc) -
                 datetime.timedelta(days=30)).strftime("%Y%m%d%H%M%SZ")
    key = os.path.join(d, base + ".key")
    pem = os.path.join(d, base + ".pem")
    csr = os.path.join(d, base + ".csr")
    _genkey(key)
    _run(["req", "-new", "-key", key, "-out", csr,
          "-subj", "/O=revokit tests/CN=" + (cn or names[0])])
    ku = "digitalSignature" + (",keyEncipherment" if _key_type() == "rsa" else "")
    with tempfile.TemporaryDirectory(dir=d) as work:
        open(os.path.join(work, "index.txt"), "w").close()
        with open(os.path.join(work, "serial"), "w") as f:
            f.write("%032x\n" % int.from_bytes(os.urandom(15), "big"))
        cfg = os.path.join(work, "ca.cnf")
        with open(cfg, "w") as f:
            f.write("""[ca]
default_ca = tca
[tca]
dir = %(work)s
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
default_md = sha256
policy = pol
unique_subject = no
copy_extensions = none
email_in_dn = no
[pol]
organizationName = optional
commonName = supplied
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,%(ku)s
extendedKeyUsage = serverAuth
subjectAltName = %(san)s
authorityKeyIdentifier = keyid
""" % {"work": work, "ku": ku, "san": _san(names)})
        args = ["ca", "-batch", "-notext", "-config", cfg, "-extensions", "leaf",
                "-cert", ca_pem, "-keyfile", ca_key, "-in", csr, "-out", pem]
        if start:
            args += ["-startdate", start]
        if end:
            args += ["-enddate", end]
        else:
            args += ["-days", "825"]
        _run(args)
    os.unlink(csr)
    return pem, key


def _self_signed(d, base, names):
    key = os.path.join(d, base + ".key")
    pem = os.path.join(d, base + ".pem")
    _genkey(key)
    _run(["req", "-x509", "-new", "-key", key, "-out", pem, "-days", "825",
          "-sha256", "-subj", "/O=revokit tests/CN=" + names[0],
          "-addext", "basicConstraints=critical,CA:FALSE",
          "-addext", "extendedKeyUsage=serverAuth",
          "-addext", "subjectAltName=" + _san(names)])
    return pem, key


class CertSet:
    """Paths of one generated set (attributes are (pem, key) tuples)."""

    def __init__(self, d):
        self.dir = d
        j = lambda b: (os.path.join(d, b + ".pem"), os.path.join(d, b + ".key"))
        self.ca = j("ca")
        self.server = j("server")
        self.other_ca = j("other-ca")
        self.unknown_ca_server = j("unknown-ca-server")
        self.wrong_host = j("wrong-host")
        self.expired = j("expired")
        self.not_yet_valid = j("not-yet-valid")
        self.self_signed = j("self-signed")

    @property
    def ca_file(self):
        return self.ca[0]


def _still_good(d, meta):
    try:
        with open(os.path.join(d, "meta.json")) as f:
            old = json.load(f)
    except (OSError, ValueError):
        return False
    if old != meta:
        return False
    cs = CertSet(d)
    for pem, key in (cs.ca, cs.server, cs.other_ca, cs.unknown_ca_server,
                     cs.wrong_host, cs.expired, cs.not_yet_valid, cs.self_signed):
        if not (os.path.exists(pem) and os.path.exists(key)):
            return False
    # Valid for at least one more day?
    p = subprocess.run(["openssl", "x509", "-checkend", "86400", "-noout",
                        "-in", cs.server[0]], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return p.returncode == 0


def ensure(d, names=None):
    """Create (or reuse) the full certificate set in directory d for the
    server names `names` (list; 127.0.0.1 is always added as an IP SAN).
    Returns a CertSet."""
    names = list(names or DEFAULT_NAMES)
    if "127.0.0.1" not in names:
        names.append("127.0.0.1")
    os.makedirs(d, exist_ok=True)
    meta = {"names": names, "key_type": _key_type(), "version": 2}
    with open(os.path.join(d, ".lock"), "w") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        if not _still_good(d, meta):
            ca_pem, ca_key = _make_ca(d, "ca", "revokit test CA")
            _sign_leaf(d, "server", names, ca_pem, ca_key)
            _sign_leaf(d, "wrong-host", ["wrong.example.test"], ca_pem, ca_key)
            _sign_leaf(d, "expired", names, ca_pem, ca_key,
                       start="20000101000000Z", end="20010101000000Z")
            _sign_leaf(d, "not-yet-valid", names, ca_pem, ca_key,
                       start="20990101000000Z", end="21000101000000Z")
            o_pem, o_key = _make_ca(d, "other-ca", "revokit UNTRUSTED CA")
            _sign_leaf(d, "unknown-ca-server", names, o_pem, o_key)
            _self_signed(d, "self-signed", names)
            with open(os.path.join(d, "meta.json"), "w") as f:
                json.dump(meta, f)
        fcntl.flock(lk, fcntl.LOCK_UN)
    return CertSet(d)


if __name__ == "__main__":
    import sys
    if len(sys.argv) < 2:
        sys.stderr.write("usage: certs.py DIR [NAME...]\n")
        sys.exit(2)
    cs = ensure(sys.argv[1], sys.argv[2:] or None)
    print(cs.ca_file)
