#!/usr/bin/env python3
"""Write the seed corpora of the fuzz harnesses (tests/fuzz/corpus/<h>/).

Seeds are valid exchanges and the hostile cases of the test suite, in each
harness's input format (see the comment at the top of each harness). Run
it again after changing a format; the files are committed so that
`make test` replays exactly these bytes.

    tests/fuzz/make_seeds.py [OUT_DIR]
"""
import hashlib
import os
import subprocess
import sys
import tempfile

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")

SPLIT = [b"\x01\x00\x00\x00", b"\x2a\x17\x99\x03", b"\xff\xff\xff\xff"]
SEP = b"\n@@\n"


def put(harness, name, data):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def http(status, headers, body, chunked=False):
    head = b"HTTP/1.1 " + status + b"\r\n"
    hs = list(headers)
    if chunked:
        hs.append(b"Transfer-Encoding: chunked")
        mid = len(body) // 2
        parts = [body[:mid], body[mid:]]
        body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts if p) + b"0\r\n\r\n"
    elif body is not None:
        hs.append(b"Content-Length: %d" % len(body))
    return head + b"".join(h + b"\r\n" for h in hs) + b"\r\n" + (body or b"")


DATE = b"Date: Wed, 01 Jan 2025 00:00:00 GMT"
JSON = b"Content-Type: application/json"

# ---- JSON bodies ---------------------------------------------------------
TC_OK = b'{"Response":{"RequestId":"6e1b2a50-0000-4000-8000-000000000001"}}'
TC_ERR = (b'{"Response":{"Error":{"Code":"ResourceNotFound","Message":"token not found"},'
          b'"RequestId":"r-2"}}')
TC_EXPIRE = (b'{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"skew"},'
             b'"RequestId":"r-3"}}')
TC_LIMIT = (b'{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"},'
            b'"RequestId":"r-4"}}')
TC_AUTH = (b'{"Response":{"Error":{"Code":"AuthFailure.SecretIdNotFound","Message":"no"},'
           b'"RequestId":"r-5"}}')
TC_LIST = (b'{"Response":{"ApiTokens":["tok-a","tok-b","tok-\\u00e9"],'
           b'"ExtInfos":[{"Name":"a"},{"Name":"b"},null],"RequestId":"r-6"}}')
TC_RESULT_T = b'{"Response":{"Result":true,"RequestId":"r-7"}}'
TC_RESULT_N = b'{"Response":{"Result":null,"RequestId":"r-8"}}'
TC_RESULT_F = b'{"Response":{"Result":false,"RequestId":"r-9"}}'
TC_INUSE = (b'{"Response":{"Error":{"Code":"UnsupportedOperation.ResourceIsInUse",'
            b'"Message":"bound"},"RequestId":"r-10"}}')
NA_OK = b'{"success":true,"message":""}'
NA_NF = b'{"success":false,"message":"record not found"}'
NA_PAGE = (b'{"success":true,"message":"","data":{"page":1,"page_size":10,"total":2,'
           b'"items":[{"id":42,"name":"dev","key":"abcd**********wxyz","status":1},'
           b'{"id":43,"name":"x","key":"sk-abcdEFGH0123456789wxyz","status":2}]}}')
NA_BARE = (b'{"success":true,"message":"","data":[{"id":42,"name":"dev",'
           b'"key":"abcdEFGH0123456789wxyz","status":1}]}')
NA_FIND = (b'{"success":true,"message":"","data":[{"id":42,"name":"dev",'
           b'"key":"abcdEFGH0123456789wxyz","status":1}]}')
NA_MODELS = b'{"object":"list","data":[{"id":"gpt-4o"}]}'
HOSTILE_JSON = [
    b'{"Response": {"RequestId": "x",, ]',
    b'{"Response":' + b"[" * 40 + b"]" * 40 + b"}",
    b'{"Response":{"RequestId":"a","RequestId":"b"}}',
    b'{"Response":{"RequestId":"x"}}xyz',
    b'{"Response":{"RequestId":"\xff\xfe"}}',
    b'{"Response":{"RequestId":"\\ud800"}}',
    b'{"Response":{"RequestId":12345}}',
    b'{"Response":[]}',
    b'{"Response":{"ApiTokens":["' + b"t" * 1100 + b'"]}}',
    b'{"success":1,"message":""}',
    b'[]',
    b'',
    b'{"Response":{"RequestId":"x"}',
    b'{"Response":{"Error":{"Code":"\\u001b[31mred","Message":"\\u0085"},"RequestId":"x"}}',
    b'{"data":{"items":null,"total":-0.5e3},"success":true}',
]

# ---- http_reader -------------------------------------------------------------
RESPONSES = {
    "ok-length": http(b"200 OK", [DATE, JSON], TC_OK),
    "ok-chunked": http(b"200 OK", [DATE, JSON, b"Connection: keep-alive"], TC_LIST, chunked=True),
    "ok-close-delimited": b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + TC_OK,
    "http10": b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    "no-content": b"HTTP/1.1 204 No Content\r\nDate: Wed, 01 Jan 2025 00:00:00 GMT\r\n\r\n",
    "interim": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
               + http(b"200 OK", [], b"{}"),
    "redirect": http(b"307 Temporary Redirect", [b"Location: /api/token/42"], b""),
    "retry-after": http(b"429 Too Many Requests", [b"Retry-After: 3", DATE], b"{}"),
    "trailers": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"2;ext=1\r\n{}\r\n0\r\nX-Trailer: t\r\n\r\n",
    "pipelined": http(b"200 OK", [], b"{}") + http(b"200 OK", [], b"{}"),
    "garbage-status": b"HELLO WORLD\r\n\r\n",
    "http2-status": b"HTTP/2 200\r\nContent-Length: 2\r\n\r\n{}",
    "status-4-digit": b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\n{}",
    "header-nul": b"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\n{}",
    "space-before-colon": b"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\n{}",
    "cl-overflow": b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551617\r\n\r\n{}",
    "cl-conflict": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 20\r\n\r\n{}",
    "cl-list": b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n{}",
    "te-and-cl": b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"2\r\n{}\r\n0\r\n\r\n",
    "te-gzip": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b\x08\x00",
    "chunk-bad-hex": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "obs-fold": b"HTTP/1.1 200 OK\r\nContent-Type: application/\r\n json\r\n"
                b"Content-Length: 2\r\n\r\n{}",
    "bare-lf": b"HTTP/1.1 200 OK\nContent-Length: 2\n\n{}",
    "switching": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
    "truncated": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Response\"",
    "dup-date": b"HTTP/1.1 200 OK\r\n" + DATE + b"\r\n" + DATE + b"\r\nContent-Length: 0\r\n\r\n",
    "long-line": b"HTTP/1.1 200 OK\r\nX-Big: " + b"b" * 600 + b"\r\n\r\n",
}
for i, (name, r) in enumerate(RESPONSES.items()):
    flags = b"\x02" if i % 3 else b"\x00"
    put("http_reader", name, SPLIT[i % 3] + flags + r)
put("http_reader", "head-request", SPLIT[0] + b"\x03" + http(b"200 OK", [], None)
    .replace(b"\r\n\r\n", b"\r\nContent-Length: 50\r\n\r\n"))

# ---- chunked -------------------------------------------------------------------
CHUNKED = {
    "two-chunks": b"2\r\n{}\r\n3\r\nabc\r\n0\r\n\r\n",
    "upper-hex": b"A\r\n0123456789\r\n0\r\n\r\n",
    "extensions": b"2;a=b;c=\"d\"\r\n{}\r\n0;z\r\n\r\n",
    "trailers": b"1\r\nx\r\n0\r\nX-T: 1\r\nY-T: 2\r\n\r\n",
    "leading-zeros": b"0002\r\n{}\r\n0000\r\n\r\n",
    "bad-hex": b"zz\r\n{}\r\n0\r\n\r\n",
    "overflow": b"fffffffffffffffffff1\r\n{}\r\n0\r\n\r\n",
    "missing-crlf": b"2\r\n{}XX0\r\n\r\n",
    "no-last-chunk": b"2\r\n{}\r\n",
    "truncated-data": b"64\r\n{\"Response\"",
    "bare-lf": b"2\n{}\n0\n\n",
    "ext-control": b"2;\x01\r\n{}\r\n0\r\n\r\n",
    "trailer-fold": b"0\r\nX: a\r\n b\r\n\r\n",
}
for i, (name, body) in enumerate(CHUNKED.items()):
    put("chunked", name, SPLIT[i % 3] + (b"\x02" if i % 2 else b"\x00") + body)

# ---- json ----------------------------------------------------------------------
TENCENT_BODIES = [TC_OK, TC_ERR, TC_LIST, TC_RESULT_T, TC_RESULT_N, TC_INUSE]
NEWAPI_BODIES = [NA_OK, NA_NF, NA_PAGE, NA_BARE]
for i, b in enumerate(TENCENT_BODIES):
    put("json", "tencent-%d" % i, SPLIT[i % 3] + b"\x00" + b)
for i, b in enumerate(NEWAPI_BODIES):
    put("json", "newapi-%d" % i, SPLIT[i % 3] + (b"\x01" if i % 2 else b"\x02") + b)
for i, b in enumerate(HOSTILE_JSON):
    put("json", "hostile-%02d" % i, SPLIT[i % 3] + bytes([i % 3]) + b)

# ---- ops -----------------------------------------------------------------------
OPS = ["vod-delete", "vod-list", "apigw-delete", "apigw-disable", "apigw-revoke",
       "newapi-delete", "newapi-find", "newapi-list", "newapi-check"]
OK_BODY = {0: TC_OK, 1: TC_LIST, 2: TC_RESULT_T, 3: TC_RESULT_N, 4: TC_RESULT_T,
           5: NA_OK, 6: NA_FIND, 7: NA_PAGE, 8: NA_MODELS}


def conn(*responses, end=0, chunk=0):
    return bytes([end | (chunk << 2)]) + b"".join(responses)


def ops_seed(name, op, flags, *conns):
    put("ops", name, bytes([op, flags]) + SEP.join(conns))


KA = b"Connection: keep-alive"
for op, body in OK_BODY.items():
    ops_seed("%s-ok" % OPS[op], op, 0x00, conn(http(b"200 OK", [DATE, JSON], body)))
    ops_seed("%s-ok-chunked-drip" % OPS[op], op, 0x41,
             conn(http(b"200 OK", [DATE, JSON], body, chunked=True), chunk=3))
for op in range(5):
    for j, err in enumerate([TC_ERR, TC_EXPIRE, TC_LIMIT, TC_AUTH, TC_RESULT_F, TC_INUSE]):
        ops_seed("%s-err%d" % (OPS[op], j), op, 0x03,
                 conn(http(b"200 OK", [DATE, JSON, KA], err)),
                 conn(http(b"200 OK", [DATE, JSON], OK_BODY[op])))
    ops_seed("%s-no-rtc" % OPS[op], op, 0x21, conn(http(b"200 OK", [DATE, JSON], TC_EXPIRE)),
             conn(http(b"200 OK", [DATE, JSON], OK_BODY[op])))
ops_seed("apigw-revoke-two", 4, 0x80, conn(http(b"200 OK", [DATE, JSON, KA], TC_RESULT_T)
                                           + http(b"200 OK", [DATE, JSON], TC_INUSE)))
for op in range(5, 9):
    for j, (st, body) in enumerate([(b"401 Unauthorized", b'{"success":false,"message":"no"}'),
                                    (b"429 Too Many Requests", b""),
                                    (b"500 Internal Server Error", b"oops"),
                                    (b"200 OK", NA_NF),
                                    (b"200 OK", b'{"success":true}')]):
        ops_seed("%s-http%d" % (OPS[op], j), op, 0x02,
                 conn(http(st, [DATE, b"Retry-After: 1"], body)),
                 conn(http(b"200 OK", [DATE, JSON], OK_BODY[op])))
    ops_seed("%s-redirect" % OPS[op], op, 0x00,
             conn(http(b"307 Temporary Redirect", [b"Location: /api/token/42", KA], b"")
                  + http(b"200 OK", [DATE, JSON], OK_BODY[op])))
    ops_seed("%s-redirect-other" % OPS[op], op, 0x00,
             conn(http(b"307 Temporary Redirect", [b"Location: https://evil.example/x"], b"")))
ops_seed("newapi-list-pages", 7, 0x00,
         conn(http(b"200 OK", [JSON, KA], NA_PAGE.replace(b'"total":2', b'"total":12'))
              + http(b"200 OK", [JSON], NA_PAGE.replace(b'"page":1', b'"page":2'))))
ops_seed("vod-delete-refused-reset", 0, 0x03, b"\xff", conn(b"HTTP/1.1 200", end=2),
         conn(b"", end=3), conn(http(b"200 OK", [DATE, JSON], TC_ERR)))
ops_seed("vod-delete-stale", 0, 0x01, conn(http(b"200 OK", [DATE, JSON, KA], TC_OK)))
for i, r in enumerate(list(RESPONSES.values())[9:]):
    ops_seed("hostile-http-%02d" % i, i % 9, 0x01, conn(r, end=i % 4))
for i, b in enumerate(HOSTILE_JSON):
    ops_seed("hostile-json-%02d" % i, i % 9, 0x00, conn(http(b"200 OK", [JSON], b)))

# ---- pem -----------------------------------------------------------------------
with tempfile.TemporaryDirectory() as tmp:
    def gen(name, args):
        key, crt = os.path.join(tmp, name + ".key"), os.path.join(tmp, name + ".pem")
        subprocess.run(["openssl", "req", "-x509", "-new", "-nodes", "-days", "3650",
                        "-subj", "/CN=revokit fuzz seed " + name, "-keyout", key, "-out", crt]
                       + args, check=True, capture_output=True)
        return open(crt, "rb").read()
    rsa = gen("rsa", ["-newkey", "rsa:2048"])
    ec = gen("ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
put("pem", "rsa-ca", rsa)
put("pem", "ec-ca", ec)
put("pem", "bundle", b"# comment\n" + rsa + b"\n" + ec + b"-----BEGIN PRIVATE KEY-----\nAAAA\n"
    b"-----END PRIVATE KEY-----\n")
put("pem", "x509-name", rsa.replace(b" CERTIFICATE-----", b" X509 CERTIFICATE-----"))
put("pem", "crlf", rsa.replace(b"\n", b"\r\n"))
put("pem", "bad-base64", rsa[:60] + b"!!!!" + rsa[64:])
put("pem", "unterminated", rsa[:-30])
put("pem", "no-cert", b"hello\n")
put("pem", "truncated-der", rsa[:28] + rsa[-300:])

# ---- cli -----------------------------------------------------------------------
CLI = [
    ["vod-delete-token", "--sub-app-id", "251000", "--token", "tok-0123456789ab"],
    ["--connect", "127.0.0.1:9443", "--ca-file", "ca.pem", "vod-list-tokens"],
    ["--json", "--timeout-ms=5000", "--retries", "2", "apigw-revoke-key", "--region",
     "ap-guangzhou", "--key-id", "AKID1"],
    ["--dry-run", "--timestamp", "1735689600", "apigw-delete-key", "--region=ap-hk",
     "--key-id=AKID2"],
    ["newapi-delete-token", "--url", "https://na.example:8443", "--user-id", "1", "--id", "42"],
    ["newapi-delete-token", "--url", "https://na.example", "--user-id", "1", "--key-file", "-"],
    ["newapi-check-token", "--url", "http://127.0.0.1:3000", "--key-file", "k",
     "--insecure-http"],
    ["newapi-list-tokens", "--url", "https://na.example", "--user-id", "7"],
    ["--connect", "[::1]:443", "vod-list-tokens", "--sub-app-id", "1"],
    ["--help"], ["--version"], [], ["bogus-command"], ["--timeout-ms", "-1", "vod-list-tokens"],
    ["--retries", "99999999999999999999", "vod-list-tokens"],
    ["--connect", "host:", "vod-list-tokens"], ["vod-delete-token", "--token"],
    ["--tokens-file", "f", "vod-delete-token", "--sub-app-id", "2"],
    ["apigw-delete-key", "--region", "r", "--key-ids-file", "-"],
    ["vod-delete-token", "--token=secretTokenValue0001", "--bogus"],
    ["--token=secretTokenValue0002", "vod-delete-token"],
]
for i, args in enumerate(CLI):
    put("cli", "args-%02d" % i, b"\0".join(a.encode() for a in args))
print("seeds written to", OUT)
