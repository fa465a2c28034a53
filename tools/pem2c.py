#!/usr/bin/env python3
"""pem2c.py - compile PEM certificates into a C table of BearSSL trust anchors.

    tools/pem2c.py [--name rvk_anchors] [-o anchors.c] CERT.pem [...]

Firmware has no file system to read a CA bundle from, so its anchors are
compiled in. For every CERTIFICATE block the output holds the subject DN
(DER) and the public key (RSA modulus and exponent, or EC curve and point)
as const byte arrays, and one entry of

    const br_x509_trust_anchor NAME[];   const size_t NAME_count;

flagged BR_X509_TA_CA when the certificate's basicConstraints says cA
(the same rule as the run-time loader in port/bearssl/tls_anchors.c).
Other PEM blocks are skipped. Any certificate that cannot be parsed, or
uses a key type BearSSL cannot anchor, is an error (exit 1): a firmware
image must never ship with an anchor silently missing.

Only the Python 3 standard library is used: the DER walk below reads just
the fields needed and checks every length against its container.
"""
import argparse
import base64
import re
import sys

OID_RSA = bytes.fromhex("2a864886f70d010101")
OID_EC = bytes.fromhex("2a8648ce3d0201")
OID_BASIC_CONSTRAINTS = bytes.fromhex("551d13")
EC_CURVES = {  # named-curve OID -> BearSSL curve constant
    bytes.fromhex("2a8648ce3d030107"): "BR_EC_secp256r1",
    bytes.fromhex("2b81040022"): "BR_EC_secp384r1",
    bytes.fromhex("2b81040023"): "BR_EC_secp521r1",
}


class DerError(Exception):
    pass


def tlv(buf, pos, end):
    """Read one DER element at buf[pos:end]: (tag, start, content, next)."""
    if pos + 2 > end:
        raise DerError("truncated element")
    tag = buf[pos]
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tags are not used in certificates")
    n = buf[pos + 1]
    p = pos + 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or p + k > end:
            raise DerError("bad length")
        n = int.from_bytes(buf[p:p + k], "big")
        p += k
    if p + n > end:
        raise DerError("element overruns its container")
    return tag, pos, p, p + n


def children(buf, start, end):
    out = []
    p = start
    while p < end:
        t = tlv(buf, p, end)
        out.append(t)
        p = t[3]
    return out


def strip_zeros(b):
    i = 0
    while i < len(b) - 1 and b[i] == 0:
        i += 1
    return b[i:]


def parse_cert(der):
    """Return (dn_der, is_ca, key) where key is ('rsa', n, e) or ('ec', curve, q)."""
    tag, _, c, nxt = tlv(der, 0, len(der))
    if tag != 0x30:
        raise DerError("certificate is not a SEQUENCE")
    top = children(der, c, nxt)
    if len(top) != 3 or top[0][0] != 0x30:
        raise DerError("certificate must hold tbsCertificate, algorithm, signature")
    tbs = children(der, top[0][2], top[0][3])
    i = 1 if tbs and tbs[0][0] == 0xA0 else 0
    if len(tbs) < i + 6:
        raise DerError("tbsCertificate too short")
    subject = tbs[i + 4]
    spki = tbs[i + 5]
    if subject[0] != 0x30 or spki[0] != 0x30:
        raise DerError("bad subject or subjectPublicKeyInfo")
    dn = bytes(der[subject[1]:subject[3]])

    alg, bits = children(der, spki[2], spki[3])
    alg_parts = children(der, alg[2], alg[3])
    oid = bytes(der[alg_parts[0][2]:alg_parts[0][3]])
    if bits[0] != 0x03 or bits[3] - bits[2] < 2 or der[bits[2]] != 0:
        raise DerError("bad public key BIT STRING")
    key_bytes = bytes(der[bits[2] + 1:bits[3]])
    if oid == OID_RSA:
        seq = tlv(key_bytes, 0, len(key_bytes))
        parts = children(key_bytes, seq[2], seq[3])
        if len(parts) != 2 or parts[0][0] != 0x02 or parts[1][0] != 0x02:
            raise DerError("bad RSA public key")
        n = strip_zeros(key_bytes[parts[0][2]:parts[0][3]])
        e = strip_zeros(key_bytes[parts[1][2]:parts[1][3]])
        key = ("rsa", n, e)
    elif oid == OID_EC:
        if len(alg_parts) != 2 or alg_parts[1][0] != 0x06:
            raise DerError("EC key without a named curve")
        curve_oid = bytes(der[alg_parts[1][2]:alg_parts[1][3]])
        if curve_oid not in EC_CURVES:
            raise DerError("unsupported EC curve")
        key = ("ec", EC_CURVES[curve_oid], key_bytes)
    else:
        raise DerError("unsupported public key algorithm")

    is_ca = False
    for t in tbs[i + 6:]:
        if t[0] != 0xA3:
            continue
        exts = tlv(der, t[2], t[3])
        for ext in children(der, exts[2], exts[3]):
            parts = children(der, ext[2], ext[3])
            if bytes(der[parts[0][2]:parts[0][3]]) != OID_BASIC_CONSTRAINTS:
                continue
            octets = parts[-1]
            bc = tlv(der, octets[2], octets[3])
            inner = children(der, bc[2], bc[3])
            if inner and inner[0][0] == 0x01 and der[inner[0][2]] != 0:
                is_ca = True
    return dn, is_ca, key


PEM_RE = re.compile(
    rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)


def read_certs(path):
    with open(path, "rb") as f:
        data = f.read()
    certs = []
    for m in PEM_RE.finditer(data):
        if m.group(1) not in (b"CERTIFICATE", b"X509 CERTIFICATE"):
            continue
        try:
            der = base64.b64decode(b"".join(m.group(2).split()), validate=True)
        except ValueError as exc:
            raise DerError("bad base64: %s" % exc)
        certs.append(der)
    if data.count(b"-----BEGIN") != len(PEM_RE.findall(data)):
        raise DerError("unterminated PEM block")
    return certs


def c_bytes(name, b):
    lines = []
    for i in range(0, len(b), 12):
        lines.append("    " + ", ".join("0x%02x" % x for x in b[i:i + 12]) + ",")
    return "static const unsigned char %s[%d] = {\n%s\n};\n" % (
        name, len(b), "\n".join(lines))


def generate(name, sources, anchors):
    out = ["/* Generated by tools/pem2c.py from %s. Do not edit. */\n"
           % ", ".join(sources),
           "#include <stddef.h>\n#include <bearssl.h>\n\n",
           "/* br_x509_trust_anchor points at non-const bytes, but BearSSL\n"
           " * never writes through them: the tables stay in flash. */\n",
           "#if defined(__GNUC__)\n#pragma GCC diagnostic ignored \"-Wcast-qual\"\n#endif\n\n",
           "extern const br_x509_trust_anchor %s[];\n" % name,
           "extern const size_t %s_count;\n\n" % name]
    entries = []
    for i, (dn, is_ca, key) in enumerate(anchors):
        out.append(c_bytes("ta%d_dn" % i, dn))
        flags = "BR_X509_TA_CA" if is_ca else "0"
        if key[0] == "rsa":
            out.append(c_bytes("ta%d_n" % i, key[1]))
            out.append(c_bytes("ta%d_e" % i, key[2]))
            pk = ("{ BR_KEYTYPE_RSA, { .rsa = { (unsigned char *)ta%d_n, sizeof ta%d_n, "
                  "(unsigned char *)ta%d_e, sizeof ta%d_e } } }" % (i, i, i, i))
        else:
            out.append(c_bytes("ta%d_q" % i, key[2]))
            pk = ("{ BR_KEYTYPE_EC, { .ec = { %s, (unsigned char *)ta%d_q, sizeof ta%d_q } } }"
                  % (key[1], i, i))
        entries.append("    { { (unsigned char *)ta%d_dn, sizeof ta%d_dn }, %s,\n      %s },"
                       % (i, i, flags, pk))
    out.append("\nconst br_x509_trust_anchor %s[%d] = {\n%s\n};\n"
               % (name, len(anchors), "\n".join(entries)))
    out.append("const size_t %s_count = %d;\n" % (name, len(anchors)))
    return "".join(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--name", default="rvk_anchors",
                    help="C identifier of the table (default rvk_anchors)")
    ap.add_argument("-o", "--output", help="output file (default stdout)")
    ap.add_argument("pem", nargs="+")
    args = ap.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", args.name):
        ap.error("--name must be a C identifier")
    anchors = []
    for path in args.pem:
        try:
            for der in read_certs(path):
                anchors.append(parse_cert(der))
        except (OSError, DerError, IndexError) as exc:
            print("pem2c: %s: %s" % (path, exc), file=sys.stderr)
            return 1
    if not anchors:
        print("pem2c: no certificate found", file=sys.stderr)
        return 1
    text = generate(args.name, args.pem, anchors)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
