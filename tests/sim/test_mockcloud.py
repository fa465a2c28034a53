"""Tests of the mock clouds themselves, so that revokit's end-to-end tests
can trust them. One mock process for the module (TLS, short listing delay);
every test resets it and seeds what it needs through the control port.

The Tencent signer below is test code, written separately from the mock's
verifier; the official SDK vectors (tests/vectors/tc3.json) are replayed
byte for byte as a third, independent check.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VOD = "vod.intl.tencentcloudapi.com"
APIGW = "apigateway.intl.tencentcloudapi.com"
NA = "newapi.example.test"
SID = "AKIDtestSelfTest000000000000000000001"
SKEY = "selfTestSecretKey00000000000000000001"
TMP_SID = "AKIDtestTemporary00000000000000000001"
TMP_SKEY = "selfTestTempSecretKey000000000000001"
TMP_TOKEN = "sessionTokenForSelfTest0123456789"
PAT = "cGF0LWZvci1hbGljZS0wMTIzNDU2Nzg5"     # user 1
PAT_BOB = "cGF0LWZvci1ib2ItMDEyMzQ1Njc4OTAx"  # user 2
KEY5 = "k5" + "A" * 44 + "zz"                 # 48 chars

M = {}


def setUpModule():
    d = tempfile.mkdtemp(prefix="mockselftest-")
    M["dir"] = d
    ready = os.path.join(d, "ready")
    M["proc"] = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "mockcloud.py"), "--port", "0",
         "--control-port", "0", "--certs", os.path.join(d, "certs"),
         "--ready-file", ready, "--list-delay", "0.5",
         "--credential", "%s:%s" % (SID, SKEY),
         "--credential", "%s:%s:%s" % (TMP_SID, TMP_SKEY, TMP_TOKEN)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while not os.path.exists(ready):
        if time.time() > deadline or M["proc"].poll() is not None:
            raise RuntimeError("mockcloud did not start")
        time.sleep(0.02)
    with open(ready) as f:
        M["port"], M["cport"] = [int(x) for x in f.read().split()]
    M["ctx"] = ssl.create_default_context(cafile=os.path.join(d, "certs", "ca.pem"))


def tearDownModule():
    M["proc"].terminate()
    M["proc"].wait(10)
    shutil.rmtree(M["dir"], ignore_errors=True)


# ---- plumbing --------------------------------------------------------------

def ctl(path, obj=None):
    c = http.client.HTTPConnection("127.0.0.1", M["cport"], timeout=10)
    if obj is None:
        c.request("GET", path)
    else:
        c.request("POST", path, json.dumps(obj), {"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    c.close()
    if r.status != 200:
        raise AssertionError("control %s -> %d %s" % (path, r.status, body))
    return json.loads(body)


def connect(host):
    s = socket.create_connection(("127.0.0.1", M["port"]), timeout=10)
    c = http.client.HTTPConnection(host, M["port"], timeout=10)
    c.sock = M["ctx"].wrap_socket(s, server_hostname=host)
    return c


def call(host, method, path, headers=None, body=None, conn=None):
    """Returns (status, header dict (lowercase names), body bytes)."""
    c = conn or connect(host)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
    finally:
        if conn is None:
            c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def sign(body, service, host, ts, sid=SID, skey=SKEY, sign_host=None):
    """Test-side TC3 signer: returns the Authorization value."""
    date = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d")
    creq = ("POST\n/\n\ncontent-type:application/json\nhost:" + (sign_host or host)
            + "\n\ncontent-type;host\n" + hashlib.sha256(body).hexdigest())
    scope = date + "/" + service + "/tc3_request"
    sts = "TC3-HMAC-SHA256\n%d\n%s\n%s" % (ts, scope,
                                            hashlib.sha256(creq.encode()).hexdigest())
    key = ("TC3" + skey).encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    return "TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=content-type;host, Signature=%s" % (
        sid, scope, sig)


def tc(action, params, host=VOD, region=None, ts=None, sid=SID, skey=SKEY, token=None,
       body=None, sign_host=None, drop=(), conn=None, extra=None):
    """Signed Tencent call; returns (status, headers, Response dict)."""
    service = "vod" if host == VOD else "apigateway"
    version = "2018-07-17" if host == VOD else "2018-08-08"
    if body is None:
        body = json.dumps(params, separators=(",", ":")).encode()
    ts = int(time.time()) if ts is None else ts
    h = {"Host": host, "Content-Type": "application/json", "X-TC-Action": action,
         "X-TC-Version": version, "X-TC-Timestamp": str(ts),
         "Authorization": sign(body, service, host, ts, sid, skey, sign_host)}
    if region:
        h["X-TC-Region"] = region
    if token:
        h["X-TC-Token"] = token
    h.update(extra or {})
    for k in drop:
        del h[k]
    st, hd, data = call(host, "POST", "/", h, body, conn)
    return st, hd, json.loads(data)["Response"]


def err(resp):
    return resp.get("Error", {}).get("Code")


def na(method, path, auth=PAT, user="1", body=None, extra=None):
    h = {}
    if auth is not None:
        h["Authorization"] = auth
    if user is not None:
        h["New-Api-User"] = user
    h.update(extra or {})
    if body is not None:
        body = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    return call(NA, method, path, h, body)


def na_json(*a, **k):
    st, h, b = na(*a, **k)
    return st, json.loads(b) if b else None


def base_seed():
    return {
        "vod": {"apps": {"251006666": ["tokA", {"token": "tokB", "ext_info": "infoB"}],
                         "251007777": ["tokC"]}},
        "apigw": {"keys": [
            {"id": "AKIDkeyEnabled", "region": "ap-guangzhou", "status": "enabled"},
            {"id": "AKIDkeyBound", "region": "ap-guangzhou", "status": "enabled", "bound": True},
            {"id": "AKIDkeySg", "region": "ap-singapore", "status": "disabled"}]},
        "newapi": {
            "users": [{"id": 1, "username": "alice", "access_token": PAT},
                      {"id": 2, "username": "bob", "access_token": PAT_BOB},
                      {"id": 3, "username": "carol", "access_token": "patCarolBanned", "status": 2}],
            "tokens": [{"id": 5, "user_id": 1, "key": KEY5, "name": "device-5"},
                       {"id": 6, "user_id": 2, "key": "B" * 48, "name": "bob-6"}]},
    }


class Base(unittest.TestCase):
    def setUp(self):
        ctl("/__mock/reset", {})
        ctl("/__mock/config", {"list_delay": 0.5})
        ctl("/__mock/seed", base_seed())

    def vod_listed(self, app=251006666):
        st, _, r = tc("DescribeAigcApiTokens", {"SubAppId": app})
        self.assertIsNone(err(r), r)
        return r["ApiTokens"]


# ---- TC3 verification --------------------------------------------------------

class TestSignature(Base):
    def test_every_sdk_vector_verifies(self):
        with open(os.path.join(ROOT, "tests", "vectors", "tc3.json")) as f:
            vectors = json.load(f)["vectors"]
        for v in vectors:
            ctl("/__mock/reset", {})
            ctl("/__mock/seed", {"tencent_credentials": [{
                "secret_id": v["secret_id"], "secret_key": v["secret_key"],
                "token": v["session_token"]}]})
            ctl("/__mock/config", {"clock_offset": v["timestamp"] - time.time()})
            s = M["ctx"].wrap_socket(socket.create_connection(("127.0.0.1", M["port"])),
                                     server_hostname=v["host"])
            req = (v["request_line"] + "\r\n" + "".join(
                "%s: %s\r\n" % (n, val) for n, val in v["headers"]) + "\r\n").encode()
            s.sendall(req + v["payload"].encode("utf-8"))
            r = http.client.HTTPResponse(s)
            r.begin()
            resp = json.loads(r.read())["Response"]
            s.close()
            code = err(resp) or ""
            self.assertFalse(code.startswith("AuthFailure"), (v["name"], resp))

    def test_signed_request_is_accepted(self):
        st, _, r = tc("DeleteAigcApiToken", {"SubAppId": 251006666, "ApiToken": "tokA"})
        self.assertEqual(st, 200)
        self.assertEqual(list(r), ["RequestId"])

    def test_wrong_secret_key_is_refused(self):
        _, _, r = tc("DescribeAigcApiTokens", {}, skey="not-the-key")
        self.assertEqual(err(r), "AuthFailure.SignatureFailure")

    def test_body_changed_after_signing_is_refused(self):
        body = b'{"SubAppId":251006666}'
        ts = int(time.time())
        h = {"Host": VOD, "Content-Type": "application/json",
             "X-TC-Action": "DescribeAigcApiTokens", "X-TC-Version": "2018-07-17",
             "X-TC-Timestamp": str(ts), "Authorization": sign(body, "vod", VOD, ts)}
        _, _, data = call(VOD, "POST", "/", h, b'{"SubAppId":251007777}')
        self.assertEqual(err(json.loads(data)["Response"]), "AuthFailure.SignatureFailure")

    def test_host_signed_with_port_is_refused(self):
        _, _, r = tc("DescribeAigcApiTokens", {}, sign_host="%s:%d" % (VOD, M["port"]))
        self.assertEqual(err(r), "AuthFailure.SignatureFailure")

    def test_host_header_with_port_is_signed_without_it(self):
        st, _, r = tc("DescribeAigcApiTokens", {},
                      extra={"Host": "%s:%d" % (VOD, M["port"])})
        self.assertIsNone(err(r), r)

    def test_uppercase_content_type_value_is_signed_lowercased(self):
        _, _, r = tc("DescribeAigcApiTokens", {}, extra={"Content-Type": "Application/JSON"})
        self.assertIsNone(err(r), r)

    def test_unknown_secret_id_is_refused(self):
        _, _, r = tc("DescribeAigcApiTokens", {}, sid="AKIDnobody")
        self.assertEqual(err(r), "AuthFailure.SecretIdNotFound")

    def test_malformed_authorization_is_refused(self):
        for bad in ("TC3-HMAC-SHA256 Credential=x", "HMAC x",
                    "TC3-HMAC-SHA256 Credential=%s/2020-01-01/vod/tc3_request, "
                    "SignedHeaders=host, Signature=%s" % (SID, "0" * 64)):
            _, _, r = tc("DescribeAigcApiTokens", {}, extra={"Authorization": bad})
            self.assertEqual(err(r), "AuthFailure.InvalidAuthorization", bad)
        _, _, r = tc("DescribeAigcApiTokens", {}, drop=("Authorization",))
        self.assertEqual(err(r), "AuthFailure.InvalidAuthorization")

    def test_skew_of_301_seconds_expires_and_299_passes(self):
        now = int(time.time())
        _, _, r = tc("DescribeAigcApiTokens", {}, ts=now - 302)
        self.assertEqual(err(r), "AuthFailure.SignatureExpire")
        _, _, r = tc("DescribeAigcApiTokens", {}, ts=now + 302)
        self.assertEqual(err(r), "AuthFailure.SignatureExpire")
        _, _, r = tc("DescribeAigcApiTokens", {}, ts=now - 298)
        self.assertIsNone(err(r), r)

    def test_clock_offset_moves_skew_window_and_date_header(self):
        ctl("/__mock/config", {"clock_offset": 3600})
        st, h, r = tc("DescribeAigcApiTokens", {})
        self.assertEqual(err(r), "AuthFailure.SignatureExpire")
        served = time.mktime(time.strptime(h["date"], "%a, %d %b %Y %H:%M:%S GMT")) - time.timezone
        self.assertAlmostEqual(served, time.time() + 3600, delta=5)
        _, _, r = tc("DescribeAigcApiTokens", {}, ts=int(time.time()) + 3600)
        self.assertIsNone(err(r), r)

    def test_session_token_checked(self):
        _, _, r = tc("DescribeAigcApiTokens", {}, sid=TMP_SID, skey=TMP_SKEY, token=TMP_TOKEN)
        self.assertIsNone(err(r), r)
        _, _, r = tc("DescribeAigcApiTokens", {}, sid=TMP_SID, skey=TMP_SKEY, token="bad")
        self.assertEqual(err(r), "AuthFailure.TokenFailure")
        _, _, r = tc("DescribeAigcApiTokens", {}, sid=TMP_SID, skey=TMP_SKEY)
        self.assertEqual(err(r), "AuthFailure.TokenFailure")
        _, _, r = tc("DescribeAigcApiTokens", {}, token="stray")
        self.assertEqual(err(r), "AuthFailure.TokenFailure")

    def test_missing_action_version_and_unknown_ones(self):
        _, _, r = tc("DescribeAigcApiTokens", {}, drop=("X-TC-Action",))
        self.assertEqual(err(r), "MissingParameter")
        _, _, r = tc("DescribeAigcApiTokens", {}, extra={"X-TC-Version": "2017-01-01"})
        self.assertEqual(err(r), "NoSuchVersion")
        _, _, r = tc("DeleteApiKey", {})
        self.assertEqual(err(r), "InvalidAction")

    def test_bad_bodies(self):
        _, _, r = tc("DeleteAigcApiToken", None, body=b"{not json")
        self.assertEqual(err(r), "InvalidParameterValue")
        _, _, r = tc("DeleteAigcApiToken", {"SubAppId": 251006666})
        self.assertEqual(err(r), "MissingParameter")
        _, _, r = tc("DeleteAigcApiToken", {"SubAppId": "251006666", "ApiToken": "tokA"})
        self.assertEqual(err(r), "InvalidParameterValue")
        _, _, r = tc("DescribeAigcApiTokens", {"Bogus": 1})
        self.assertEqual(err(r), "UnknownParameter")

    def test_every_response_has_date_and_uuid4_request_id(self):
        for _, h, r in (tc("DescribeAigcApiTokens", {}), tc("DescribeAigcApiTokens", {}, sid="x")):
            self.assertIn("date", h)
            self.assertEqual(uuid.UUID(r["RequestId"]).version, 4)
            self.assertEqual(h["content-type"], "application/json")


class TestRateAndInjection(Base):
    def test_21st_request_in_a_second_is_limited(self):
        c = connect(VOD)
        codes = [err(tc("DescribeAigcApiTokens", {}, conn=c)[2]) for _ in range(21)]
        self.assertEqual(codes[:20], [None] * 20)
        self.assertEqual(codes[20], "RequestLimitExceeded")
        # other actions have their own budget
        _, _, r = tc("DeleteAigcApiToken", {"SubAppId": 251006666, "ApiToken": "tokA"}, conn=c)
        self.assertIsNone(err(r))
        time.sleep(1.05)
        self.assertIsNone(err(tc("DescribeAigcApiTokens", {}, conn=c)[2]))
        c.close()

    def test_rate_limit_can_be_disabled(self):
        ctl("/__mock/config", {"tencent_rate_limit": 0})
        c = connect(VOD)
        codes = [err(tc("DescribeAigcApiTokens", {}, conn=c)[2]) for _ in range(30)]
        c.close()
        self.assertEqual(codes, [None] * 30)

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        ctl("/__mock/log/clear", {})
        c = connect(VOD)
        for _ in range(3):
            tc("DescribeAigcApiTokens", {}, conn=c)
        c.close()
        log = ctl("/__mock/log")["requests"]
        self.assertEqual(len(log), 3)
        self.assertEqual(len({e["conn"] for e in log}), 1)
        self.assertEqual(log[0]["body"], "{}")
        self.assertIn(["X-TC-Action", "DescribeAigcApiTokens"], log[0]["headers"])

    def test_injected_error_hits_next_n_requests_of_the_action(self):
        ctl("/__mock/inject", {"action": "DeleteAigcApiToken", "count": 2, "kind": "error",
                               "code": "InternalError"})
        self.assertIsNone(err(tc("DescribeAigcApiTokens", {})[2]))
        body = {"SubAppId": 251006666, "ApiToken": "tokA"}
        self.assertEqual(err(tc("DeleteAigcApiToken", body)[2]), "InternalError")
        self.assertEqual(err(tc("DeleteAigcApiToken", body)[2]), "InternalError")
        self.assertIsNone(err(tc("DeleteAigcApiToken", body)[2]))

    def test_injected_http_503(self):
        ctl("/__mock/inject", {"service": "vod", "kind": "http", "status": 503})
        st, _, _ = call(VOD, "POST", "/", {"Content-Type": "application/json"}, b"{}")
        self.assertEqual(st, 503)

    def test_injected_drop_closes_without_answer(self):
        ctl("/__mock/inject", {"service": "newapi", "kind": "drop"})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError, ssl.SSLError)):
            na("GET", "/api/token/")
        self.assertEqual(na("GET", "/api/token/")[0], 200)

    # -- TLS session resumption by session ID (what BearSSL offers: TLS 1.2,
    # no tickets), which needs the server to end connections cleanly

    def session_id_ctx(self):
        ctx = ssl.create_default_context(cafile=os.path.join(M["dir"], "certs", "ca.pem"))
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.options |= ssl.OP_NO_TICKET
        return ctx

    def status_over_tls(self, ctx, session=None, conn_close=False, client_close_notify=True):
        """GET /api/token/ on a new connection; returns (session reused, session)."""
        s = socket.create_connection(("127.0.0.1", M["port"]), timeout=10)
        t = ctx.wrap_socket(s, server_hostname=NA, session=session)
        try:
            c = http.client.HTTPConnection(NA, M["port"], timeout=10)
            c.sock = t
            h = {"Authorization": PAT, "New-Api-User": "1"}
            if conn_close:
                h["Connection"] = "close"
            c.request("GET", "/api/token/", headers=h)
            r = c.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            reused, sess = t.session_reused, t.session
            if client_close_notify:
                t.unwrap()  # sends ours, waits for the mock's answer
        finally:
            t.close()
        return reused, sess

    def test_session_resumes_after_client_closes_with_close_notify(self):
        ctx = self.session_id_ctx()
        reused, sess = self.status_over_tls(ctx)
        self.assertFalse(reused)
        self.assertTrue(self.status_over_tls(ctx, sess)[0])

    def test_session_resumes_after_mock_ends_connection(self):
        ctx = self.session_id_ctx()
        reused, sess = self.status_over_tls(ctx, conn_close=True, client_close_notify=False)
        self.assertFalse(reused)
        self.assertTrue(self.status_over_tls(ctx, sess, conn_close=True,
                                             client_close_notify=False)[0])

    def test_injected_drop_stays_unclean_and_loses_the_session(self):
        ctx = self.session_id_ctx()
        s = socket.create_connection(("127.0.0.1", M["port"]), timeout=10)
        t = ctx.wrap_socket(s, server_hostname=NA)
        ctl("/__mock/inject", {"service": "newapi", "kind": "drop"})
        t.sendall(("GET /api/token/ HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n"
                   "New-Api-User: 1\r\n\r\n" % (NA, PAT)).encode())
        sess = t.session
        # no answer and no close_notify: TLS sees a ragged EOF
        with self.assertRaises(ssl.SSLEOFError):
            t.unwrap()
        t.close()
        self.assertFalse(self.status_over_tls(ctx, sess)[0])

    def test_injected_stall_delays_answer(self):
        ctl("/__mock/inject", {"service": "newapi", "stall_ms": 400})
        t0 = time.time()
        st, _, _ = na("GET", "/api/token/")
        self.assertEqual(st, 200)
        self.assertGreaterEqual(time.time() - t0, 0.39)


# ---- VOD ---------------------------------------------------------------------

class TestVod(Base):
    def test_delete_unknown_token_and_unknown_app(self):
        _, _, r = tc("DeleteAigcApiToken", {"SubAppId": 251006666, "ApiToken": "nope"})
        self.assertEqual(err(r), "InvalidParameterValue")
        _, _, r = tc("DeleteAigcApiToken", {"SubAppId": 1, "ApiToken": "tokA"})
        self.assertEqual(err(r), "ResourceNotFound.UserNotExist")
        _, _, r = tc("DescribeAigcApiTokens", {"SubAppId": 1})
        self.assertEqual(err(r), "ResourceNotFound.UserNotExist")

    def test_listing_lags_deletion(self):
        self.assertEqual(self.vod_listed(), ["tokA", "tokB"])
        _, _, r = tc("DeleteAigcApiToken", {"SubAppId": 251006666, "ApiToken": "tokA"})
        self.assertIsNone(err(r))
        self.assertEqual(self.vod_listed(), ["tokA", "tokB"])
        _, _, r = tc("DeleteAigcApiToken", {"SubAppId": 251006666, "ApiToken": "tokA"})
        self.assertEqual(err(r), "InvalidParameterValue")
        time.sleep(0.55)
        self.assertEqual(self.vod_listed(), ["tokB"])
        st = ctl("/__mock/state")["vod"]["apps"]["251006666"]
        self.assertEqual([(t["token"], t["deleted"]) for t in st],
                         [("tokA", True), ("tokB", False)])

    def test_listing_lags_creation(self):
        ctl("/__mock/vod/create", {"SubAppId": 251006666, "ApiToken": "tokNew"})
        self.assertEqual(self.vod_listed(), ["tokA", "tokB"])
        time.sleep(0.55)
        self.assertEqual(self.vod_listed(), ["tokA", "tokB", "tokNew"])

    def test_empty_body_lists_default_app_with_aligned_ext_infos(self):
        _, _, r = tc("DescribeAigcApiTokens", {})
        self.assertEqual(list(r), ["ApiTokens", "ExtInfos", "RequestId"])
        self.assertEqual(r["ApiTokens"], ["tokA", "tokB"])
        self.assertEqual(len(r["ExtInfos"]), 2)
        self.assertEqual(r["ExtInfos"][1], "infoB")
        self.assertEqual(self.vod_listed(251007777), ["tokC"])


# ---- API Gateway ---------------------------------------------------------------

def gw(action, key, region="ap-guangzhou"):
    return tc(action, {"AccessKeyId": key}, host=APIGW, region=region)[2]


class TestApigw(Base):
    def test_region_required_and_checked(self):
        self.assertEqual(err(gw("DeleteApiKey", "AKIDkeyEnabled", region=None)), "MissingParameter")
        self.assertEqual(err(gw("DeleteApiKey", "AKIDkeyEnabled", region="mars-1")),
                         "InvalidParameterValue.InvalidRegion")

    def test_enabled_key_cannot_be_deleted_until_disabled(self):
        self.assertEqual(err(gw("DeleteApiKey", "AKIDkeyEnabled")),
                         "UnsupportedOperation.InvalidStatus")
        r = gw("DisableApiKey", "AKIDkeyEnabled")
        self.assertIs(r["Result"], True)
        r = gw("DeleteApiKey", "AKIDkeyEnabled")
        self.assertEqual(list(r), ["Result", "RequestId"])
        self.assertIs(r["Result"], True)
        self.assertEqual(err(gw("DeleteApiKey", "AKIDkeyEnabled")),
                         "ResourceNotFound.InvalidAccessKeyId")
        self.assertEqual(err(gw("DisableApiKey", "AKIDkeyEnabled")),
                         "ResourceNotFound.InvalidAccessKeyId")

    def test_bound_key_is_in_use_even_when_disabled(self):
        self.assertIsNone(err(gw("DisableApiKey", "AKIDkeyBound")))
        self.assertEqual(err(gw("DeleteApiKey", "AKIDkeyBound")),
                         "UnsupportedOperation.ResourceIsInUse")
        keys = {k["id"]: k for k in ctl("/__mock/state")["apigw"]["keys"]}
        self.assertEqual(keys["AKIDkeyBound"]["status"], "disabled")

    def test_enable_reverts_and_result_can_be_null(self):
        ctl("/__mock/config", {"apigw_result_null": True})
        r = gw("EnableApiKey", "AKIDkeySg", region="ap-singapore")
        self.assertIn("Result", r)
        self.assertIsNone(r["Result"])
        self.assertEqual(err(gw("DeleteApiKey", "AKIDkeySg", region="ap-singapore")),
                         "UnsupportedOperation.InvalidStatus")

    def test_key_of_another_region_is_not_found(self):
        self.assertEqual(err(gw("DisableApiKey", "AKIDkeySg")),
                         "ResourceNotFound.InvalidAccessKeyId")


# ---- new-api -----------------------------------------------------------------

class TestNewApiAuth(Base):
    def test_current_auth_matrix(self):
        ok = {"success": True}
        cases = [
            (None, None, 401, "AUTH_UNAUTHORIZED"),
            ("Bearer " + PAT, None, 200, ok),
            (PAT, None, 200, ok),
            ("bearer " + PAT, "99", 200, ok),      # New-Api-User ignored
            ("Token " + PAT, None, 401, "AUTH_UNAUTHORIZED"),
            ("Bearer x " + PAT, None, 401, "AUTH_UNAUTHORIZED"),
            ("Bearer sk-" + KEY5, None, 401, "AUTH_UNAUTHORIZED"),
            ("Bearer patCarolBanned", None, 401, "AUTH_USER_DISABLED"),
        ]
        for auth, user, status, want in cases:
            st, h, b = na("GET", "/api/token/", auth=auth, user=user)
            self.assertEqual(st, status, (auth, b))
            self.assertEqual(h["content-type"], "application/json; charset=utf-8")
            j = json.loads(b)
            if isinstance(want, str):
                self.assertEqual(list(j), ["code", "message", "success"])
                self.assertEqual(j["code"], want)
                self.assertIs(j["success"], False)
            else:
                self.assertIs(j["success"], True, auth)

    def test_current_unauthorized_body_is_exact(self):
        _, _, b = na("GET", "/api/token/", auth="nope", user=None)
        self.assertEqual(b, b'{"code":"AUTH_UNAUTHORIZED","message":'
                            b'"Unauthorized, invalid access token","success":false}')

    def test_legacy_auth_matrix(self):
        ctl("/__mock/config", {"newapi_mode": "legacy"})
        cases = [
            (None, "1", 401, "Unauthorized, not logged in and no access token provided"),
            ("Bearer nope", "1", 200, "Unauthorized, invalid access token"),
            ("Bearer sk-" + KEY5, "1", 200, "Unauthorized, invalid access token"),
            ("bearer " + PAT, "1", 200, "Unauthorized, invalid access token"),
            ("Bearer " + PAT, None, 401, "Unauthorized, New-Api-User header not provided"),
            ("Bearer " + PAT, "one", 401, "Unauthorized, New-Api-User header format error"),
            ("Bearer " + PAT, "2", 401, "Unauthorized, New-Api-User does not match logged in user"),
            ("Bearer patCarolBanned", "3", 200, "User has been banned"),
            ("Bearer " + PAT, "1", 200, None),
            (PAT, "1", 200, None),
        ]
        for auth, user, status, msg in cases:
            st, h, b = na("GET", "/api/token/", auth=auth, user=user)
            j = json.loads(b)
            self.assertEqual(st, status, (auth, user, b))
            if msg is None:
                self.assertIs(j["success"], True)
                self.assertIn("auth-version", h)
            else:
                self.assertEqual(j, {"message": msg, "success": False})
                self.assertEqual(list(j), ["message", "success"])

    def test_legacy_chinese_with_accept_language(self):
        ctl("/__mock/config", {"newapi_mode": "legacy"})
        st, j = na_json("GET", "/api/token/", auth=None, extra={"Accept-Language": "zh-CN"})
        self.assertEqual((st, j["message"]), (401, "无权进行此操作，未登录且未提供 access token"))


class TestNewApiTokens(Base):
    def seed_many(self, n=25):
        ctl("/__mock/seed", {"newapi": {"tokens": [
            {"id": 100 + i, "user_id": 1, "name": "t%d" % i} for i in range(n)]}})

    def test_paging_with_fallbacks_and_clamp(self):
        self.seed_many()   # user 1 now has 26 tokens: 5 and 100..124
        _, j = na_json("GET", "/api/token/?p=1&page_size=10")
        d = j["data"]
        self.assertEqual(list(d), ["page", "page_size", "total", "items"])
        self.assertEqual((d["page"], d["page_size"], d["total"]), (1, 10, 26))
        self.assertEqual([t["id"] for t in d["items"]], list(range(124, 114, -1)))
        _, j = na_json("GET", "/api/token/?p=3&ps=10")
        self.assertEqual([t["id"] for t in j["data"]["items"]],
                         [104, 103, 102, 101, 100, 5])
        _, j = na_json("GET", "/api/token/?p=4&size=10")
        self.assertEqual(j["data"]["items"], [])
        _, j = na_json("GET", "/api/token/?page_size=500")
        self.assertEqual((j["data"]["page"], j["data"]["page_size"], len(j["data"]["items"])),
                         (1, 100, 26))
        _, j = na_json("GET", "/api/token/")
        self.assertEqual(j["data"]["page_size"], 10)

    def test_old_mode_returns_bare_array_with_zero_based_pages(self):
        ctl("/__mock/config", {"newapi_mode": "old"})
        self.seed_many(12)
        _, j = na_json("GET", "/api/token/?p=0&size=5")
        self.assertIsInstance(j["data"], list)
        self.assertEqual([t["id"] for t in j["data"]], [111, 110, 109, 108, 107])
        _, j = na_json("GET", "/api/token/?p=2&size=5")
        self.assertEqual([t["id"] for t in j["data"]], [101, 100, 5])
        self.assertEqual(j["data"][-1]["key"], KEY5)
        self.assertNotIn("cross_group_retry", j["data"][-1])

    def test_item_fields_order_and_masked_key(self):
        _, j = na_json("GET", "/api/token/5")
        t = j["data"]
        self.assertEqual(list(t), [
            "id", "user_id", "key", "status", "name", "created_time", "accessed_time",
            "expired_time", "remain_quota", "unlimited_quota", "model_limits_enabled",
            "model_limits", "allow_ips", "used_quota", "group", "cross_group_retry",
            "DeletedAt", "auto_groups"])
        self.assertEqual(t["key"], KEY5[:4] + "*" * 10 + KEY5[-4:])
        self.assertIsNone(t["DeletedAt"])
        self.assertEqual(t["expired_time"], -1)
        _, j = na_json("POST", "/api/token/5/key")
        self.assertEqual(j["data"], {"key": KEY5})

    def test_delete_is_soft_and_final(self):
        st, _, b = na("DELETE", "/api/token/5")
        self.assertEqual((st, b), (200, b'{"message":"","success":true}'))
        st, j = na_json("DELETE", "/api/token/5")
        self.assertEqual((st, j), (200, {"message": "record not found", "success": False}))
        _, j = na_json("GET", "/api/token/5")
        self.assertEqual(j["message"], "record not found")
        _, j = na_json("GET", "/api/token/")
        self.assertEqual(j["data"]["total"], 0)
        state = {t["id"]: t for t in ctl("/__mock/state")["newapi"]["tokens"]}
        self.assertTrue(state[5]["deleted"])
        na("POST", "/api/token/", body={"name": "fresh"})
        _, j = na_json("GET", "/api/token/")
        self.assertEqual([t["id"] for t in j["data"]["items"]], [7])

    def test_delete_bad_ids_and_foreign_token(self):
        for raw in ("0", "abc", "12a"):
            _, j = na_json("DELETE", "/api/token/" + raw)
            self.assertEqual(j["message"], "id 或 userId 为空！", raw)
        _, j = na_json("DELETE", "/api/token/6")
        self.assertEqual(j["message"], "record not found")
        _, j = na_json("GET", "/api/token/abc")
        self.assertEqual(j["message"], 'strconv.Atoi: parsing "abc": invalid syntax')

    def test_redirects_and_not_found(self):
        st, h, _ = na("GET", "/api/token?p=2")
        self.assertEqual((st, h["location"]), (301, "/api/token/?p=2"))
        st, h, b = na("DELETE", "/api/token/5/")
        self.assertEqual((st, h["location"], b), (307, "/api/token/5", b""))
        st, _, b = na("DELETE", "/api/token/")
        self.assertEqual(st, 404)
        self.assertEqual(json.loads(b), {"error": {
            "message": "Invalid URL (DELETE /api/token/)", "type": "invalid_request_error",
            "param": "", "code": ""}})

    def test_batch_delete_counts_own_rows(self):
        _, j = na_json("POST", "/api/token/batch", body={"ids": [5, 6, 999]})
        self.assertEqual(j, {"data": 1, "message": "", "success": True})
        _, j = na_json("POST", "/api/token/batch", body={"ids": []})
        self.assertEqual(j, {"message": "Invalid parameters", "success": False})

    def test_search_exact_by_key_with_sk_prefix(self):
        _, j = na_json("GET", "/api/token/search?token=sk-" + KEY5)
        self.assertEqual([t["id"] for t in j["data"]["items"]], [5])
        _, j = na_json("GET", "/api/token/search?token=" + KEY5[:10])
        self.assertEqual(j["data"]["items"], [])
        _, j = na_json("GET", "/api/token/search?keyword=dev%25")
        self.assertEqual([t["id"] for t in j["data"]["items"]], [5])


class TestNewApiLimitsAndRelay(Base):
    def test_global_limiter_429_empty_with_retry_after_in_current(self):
        ctl("/__mock/config", {"newapi_global_limit": 3, "newapi_global_window": 60})
        for _ in range(3):
            self.assertEqual(na("GET", "/api/token/", auth=None)[0], 401)
        st, h, b = na("GET", "/api/token/")
        self.assertEqual((st, b), (429, b""))
        self.assertGreater(int(h["retry-after"]), 0)
        self.assertEqual(na("GET", "/v1/models", auth="Bearer sk-" + KEY5)[0], 200)

    def test_global_limiter_without_retry_after_in_legacy(self):
        ctl("/__mock/config", {"newapi_mode": "legacy", "newapi_global_limit": 1})
        na("GET", "/api/token/")
        st, h, b = na("GET", "/api/token/")
        self.assertEqual((st, b), (429, b""))
        self.assertNotIn("retry-after", h)

    def test_search_limiter_ten_per_minute_per_user(self):
        codes = [na("GET", "/api/token/search?keyword=x")[0] for _ in range(11)]
        self.assertEqual(codes, [200] * 10 + [429])
        self.assertEqual(na("GET", "/api/token/search?keyword=x", auth=PAT_BOB, user="2")[0], 200)

    def test_relay_check_live_then_deleted(self):
        for auth in ("Bearer sk-" + KEY5, "Bearer " + KEY5):
            st, j = na_json("GET", "/v1/models", auth=auth, user=None)
            self.assertEqual((st, j["object"], j["success"]), (200, "list", True))
        na("DELETE", "/api/token/5")
        st, h, b = na("GET", "/v1/models", auth="Bearer sk-" + KEY5, user=None)
        j = json.loads(b)
        self.assertEqual(st, 401)
        self.assertEqual(j["error"]["message"],
                         "Invalid token (request id: %s)" % h["x-oneapi-request-id"])
        self.assertEqual((j["error"]["type"], j["error"]["code"]), ("new_api_error", ""))
        st, j = na_json("GET", "/api/usage/token/", auth="Bearer sk-" + KEY5, user=None)
        self.assertEqual((st, j), (401, {"message": "Invalid token", "success": False}))

    def test_relay_check_refuses_disabled_expired_exhausted(self):
        ctl("/__mock/seed", {"newapi": {"tokens": [
            {"id": 20, "user_id": 1, "key": "D" * 48, "status": 2},
            {"id": 21, "user_id": 1, "key": "E" * 48, "expired_time": 1000},
            {"id": 22, "user_id": 1, "key": "F" * 48, "remain_quota": 0}]}})
        for k in ("D", "E", "F"):
            self.assertEqual(na("GET", "/v1/models", auth="Bearer sk-" + k * 48)[0], 401, k)
        st, j = na_json("GET", "/api/usage/token/", auth="Bearer sk-" + "E" * 48)
        self.assertEqual((st, j["code"], j["data"]["expires_at"]), (200, True, 1000))

    def test_usage_needs_bearer_form(self):
        st, j = na_json("GET", "/api/usage/token/", auth=None)
        self.assertEqual((st, j["message"]), (401, "Token not provided"))
        st, j = na_json("GET", "/api/usage/token/", auth="sk-" + KEY5)
        self.assertEqual((st, j["message"]), (401, "Invalid Bearer token"))

    def test_unknown_host_and_control_on_tls_port(self):
        st, _, _ = call("localhost", "GET", "/", {"Host": "elsewhere.test"})
        self.assertEqual(st, 421)
        st, _, b = call(VOD, "GET", "/__mock/health")
        self.assertEqual((st, json.loads(b)["ok"]), (200, True))


class TestStandalone(unittest.TestCase):
    def test_demo_seed_over_plain_http_and_reset_restores_it(self):
        d = tempfile.mkdtemp(prefix="mockplain-")
        ready = os.path.join(d, "ready")
        p = subprocess.Popen([sys.executable, os.path.join(HERE, "mockcloud.py"),
                              "--plain-http", "--seed", os.path.join(HERE, "seed-demo.json"),
                              "--newapi-mode", "legacy", "--ready-file", ready],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 10
            while not os.path.exists(ready) and time.time() < deadline:
                time.sleep(0.02)
            with open(ready) as f:
                port = int(f.read().split()[0])

            def get(path, headers):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("GET", path, headers=headers)
                r = c.getresponse()
                out = (r.status, json.loads(r.read()))
                c.close()
                return out
            pat = "ZGVtby1wYXQtZm9yLWRldmljZS1vd25lcg=="
            st, j = get("/api/token/", {"Host": NA, "Authorization": "Bearer " + pat,
                                        "New-Api-User": "1"})
            self.assertEqual([t["id"] for t in j["data"]["items"]], [43, 42])
            st, j = get("/__mock/state", {"Host": "x"})
            self.assertEqual(j["config"]["newapi_mode"], "legacy")
            self.assertEqual(j["vod"]["default_sub_app_id"], 251006666)
            self.assertEqual(len(j["apigw"]["keys"]), 2)
        finally:
            p.terminate()
            p.wait(10)
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
