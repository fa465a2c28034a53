#!/usr/bin/env python3
"""mockcloud - local imitation of Tencent Cloud VOD, Tencent Cloud API Gateway
and new-api, for revokit's end-to-end tests and `make demo`.

One process, one threaded HTTP/1.1 server on 127.0.0.1 (TLS with a test CA
by default, --plain-http otherwise). Requests are dispatched on the Host
header (a :port suffix is ignored):

  vod.intl.tencentcloudapi.com         VOD 2018-07-17: DeleteAigcApiToken,
                                       DescribeAigcApiTokens
  apigateway.intl.tencentcloudapi.com  API Gateway 2018-08-08: DisableApiKey,
                                       EnableApiKey, DeleteApiKey
  --newapi-host (newapi.example.test)  new-api dashboard + relay check routes

Clients connect with `--connect 127.0.0.1:PORT --ca-file DIR/ca.pem` and keep
the real host name for Host, SNI and the signature: the server certificate
carries all three names (and 127.0.0.1) as SANs.

Standard library only (plus the openssl command-line tool for certificates,
see certs.py).

Tencent side (POST / with Content-Type application/json)
--------------------------------------------------------
Checks, in this order; every failure is HTTP 200
{"Response":{"Error":{"Code":C,"Message":M},"RequestId":uuid4}}:
  method/path not POST /           -> InvalidParameter
  Content-Type not application/json-> InvalidParameter
  X-TC-Action/-Version/-Timestamp missing -> MissingParameter
  version other than the service's -> NoSuchVersion
  action unknown for the host      -> InvalidAction
  X-TC-Timestamp not decimal       -> InvalidParameterValue
  API Gateway: X-TC-Region missing -> MissingParameter; unknown region ->
                                      InvalidParameterValue.InvalidRegion
  |timestamp - mock clock| > 300 s -> AuthFailure.SignatureExpire
                                      (mock clock = real clock + clock_offset)
  Authorization missing/malformed, wrong algorithm, bad scope (date not the
  UTC date of X-TC-Timestamp, service not the host's, not tc3_request),
  SignedHeaders unsorted/duplicated/without content-type and host, a signed
  header absent or sent twice      -> AuthFailure.InvalidAuthorization
  SecretId unknown                 -> AuthFailure.SecretIdNotFound
  signature mismatch               -> AuthFailure.SignatureFailure
  X-TC-Token wrong (credential has a token, or X-TC-Token sent while any
  session token is configured)     -> AuthFailure.TokenFailure
  more than tencent_rate_limit (20) accepted requests of the same action in
  the last tencent_rate_window (1 s) -> RequestLimitExceeded (0 disables)
  injected error                   -> whatever was injected
  body not a JSON object           -> InvalidParameterValue
  required field missing           -> MissingParameter
  field of the wrong type          -> InvalidParameterValue
  unknown field                    -> UnknownParameter
The verifier is an independent implementation of spec/tencent-signing.md:
canonical headers are lowercased names with trimmed, lowercased values; the
host is signed without its port; the payload hash covers the exact body.

VOD model: one token store per SubAppId; {} in DescribeAigcApiTokens means
the default application (seed vod.default_sub_app_id, else the first one
seeded). Choices for errors the documentation leaves open:
  * unknown SubAppId                      -> ResourceNotFound.UserNotExist
  * deleting a token that does not exist, or was already deleted
                                          -> InvalidParameterValue,
                                             "The ApiToken does not exist."
The listing lags changes by list_delay seconds (default 30, like the real
service): a deleted token is still listed, and a created one (control call
vod/create) is not yet listed, until list_delay has passed. Deletion itself
takes effect at once (a second delete is refused). ExtInfos[i] belongs to
ApiTokens[i]; its content is invented (a JSON text with the token's name)
since the real format is not documented.

API Gateway model: keys per region with state enabled/disabled and a
bound-to-usage-plan flag (spec/apigw-keys.md). DisableApiKey/EnableApiKey
are idempotent; DeleteApiKey of an enabled key -> UnsupportedOperation.
InvalidStatus, of a bound key -> UnsupportedOperation.ResourceIsInUse,
of an unknown key (or a key of another region) -> ResourceNotFound.
InvalidAccessKeyId. Success: {"Result":true} (or null with apigw_result_null).

new-api side
------------
Implements "Mock server must" of spec/new-api.md. Modes (--newapi-mode):
  current  PR #6329 auth (Bearer/one word, 401 + code, New-Api-User ignored),
           paged lists, masked keys, auto_groups, Retry-After on 429
  legacy   New-Api-User required, 200 "invalid access token", paged lists,
           masked keys, no auto_groups, no Retry-After
  old      OLD-2025: legacy auth with Chinese messages, list is a bare array
           with 0-based p and `size`, full keys, no cross_group_retry
gin.H envelopes are Go maps, so their keys come out sorted
({"message":"","success":true}); token items keep the struct field order.
Responses are gzip-compressed only when the client sends Accept-Encoding:
gzip (like gin's gzip middleware on /api).

Control interface (for tests)
-----------------------------
Served under /__mock/ on the main port (any Host, not logged), and also on a
separate plain-HTTP port on 127.0.0.1 with --control-port (handy for curl).
All bodies are JSON; answers are JSON.
  GET  /__mock/health                     {"ok":true,"port":P}
  GET  /__mock/state                      all stores and the config
  GET  /__mock/log[?since=SEQ]            {"requests":[...],"next":SEQ}; each
       entry: seq, conn (connection number: equal for keep-alive reuse),
       service, method, target, path, version, headers [[name,value]...],
       body (utf-8, replaced errors), body_b64, time, response {status,
       error_code}
  POST /__mock/log/clear
  POST /__mock/reset                      back to the start-up state (seed
                                          file re-applied, config, log,
                                          limiters and injections cleared)
  POST /__mock/seed   SEED                merge more data (format below)
  POST /__mock/config {key: value...}     keys: list_delay, clock_offset,
       skew_limit, newapi_mode, tencent_rate_limit, tencent_rate_window,
       newapi_global_limit, newapi_global_window, newapi_search_limit,
       newapi_search_window, newapi_critical_limit, newapi_critical_window,
       apigw_result_null  (a *_limit of 0 disables that limiter; null for
       newapi_global_limit means the mode's default 180 or 360 per 180 s)
  POST /__mock/inject {service, action, path, count, stall_ms, kind, ...}
       service: vod | apigateway | newapi | * (default *); action: Tencent
       action name; path: new-api path prefix; count: next N matching
       requests (default 1); stall_ms: sleep before answering; kind:
         none   just the stall, then answer normally
         error  Tencent: answer Error code/message (after the signature was
                verified); new-api: HTTP 500 {"message":..,"success":false}
         http   answer HTTP status (default 503) with a short text body
         drop   close the connection without answering (no close_notify)
         close  close it cleanly without answering (TLS close_notify, as a
                server ending an idle keep-alive connection; the TLS session
                stays resumable, which an unclean close prevents in OpenSSL)
         reset  close with TCP RST
       Every other connection also ends with the mock's close_notify, so
       TLS sessions stay resumable (by session ID as well as by ticket).
  POST /__mock/inject/clear ; GET /__mock/inject
  POST /__mock/vod/create {"SubAppId":N,"ApiToken":T[,"ExtInfo":S]}
       a token created "now" (subject to the listing lag)
  GET  /__mock/time                       {"now":..,"offset":..}

Seed format (--seed FILE, POST /__mock/seed)
--------------------------------------------
  {"config": {...as /__mock/config...},
   "tencent_credentials": [{"secret_id":..,"secret_key":..,"token":opt}],
   "vod": {"default_sub_app_id": N,
           "apps": {"N": ["token", {"token":T,"ext_info":S}, ...]}},
   "apigw": {"keys": [{"id":..,"region":"ap-guangzhou",
                       "status":"enabled"|"disabled","bound":false}]},
   "newapi": {"users": [{"id":1,"username":"u","access_token":PAT,
                         "status":1,"role":1}],
              "tokens": [{"id":N,"user_id":1,"key":48chars,...any item
                          field..., "deleted":false}]}}
Seeded VOD tokens count as created long ago (listed at once).
"""

import argparse
import base64
import collections
import email.utils
import gzip
import hashlib
import hmac
import http.server
import json
import os
import random
import re
import socket
import socketserver
import ssl
import string
import struct
import sys
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import certs  # noqa: E402

VOD_HOST = "vod.intl.tencentcloudapi.com"
APIGW_HOST = "apigateway.intl.tencentcloudapi.com"
DEFAULT_NEWAPI_HOST = "newapi.example.test"

DEFAULT_SECRET_ID = "AKIDrvkMockTestSecretId000000000001"
DEFAULT_SECRET_KEY = "rvkMockTestSecretKey0000000000001"

TENCENT = {
    VOD_HOST: {"service": "vod", "version": "2018-07-17",
               "actions": ("DeleteAigcApiToken", "DescribeAigcApiTokens"),
               "region": False},
    APIGW_HOST: {"service": "apigateway", "version": "2018-08-08",
                 "actions": ("DisableApiKey", "EnableApiKey", "DeleteApiKey"),
                 "region": True},
}

APIGW_REGIONS = {
    "ap-guangzhou", "ap-shanghai", "ap-nanjing", "ap-beijing", "ap-chengdu",
    "ap-chongqing", "ap-hongkong", "ap-singapore", "ap-jakarta", "ap-mumbai",
    "ap-seoul", "ap-tokyo", "ap-bangkok", "na-siliconvalley", "na-ashburn",
    "na-toronto", "eu-frankfurt", "sa-saopaulo",
}

DEFAULT_CONFIG = {
    "list_delay": 30.0,
    "clock_offset": 0.0,
    "skew_limit": 300,
    "newapi_mode": "current",
    "tencent_rate_limit": 20,
    "tencent_rate_window": 1.0,
    "newapi_global_limit": None,
    "newapi_global_window": 180.0,
    "newapi_search_limit": 10,
    "newapi_search_window": 60.0,
    "newapi_critical_limit": 20,
    "newapi_critical_window": 1200.0,
    "apigw_result_null": False,
}

JSON_CT = "application/json; charset=utf-8"


def go_json(obj):
    """JSON the way Go's encoding/json writes it: compact, raw UTF-8,
    HTML-significant characters and U+2028/9 escaped."""
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e")
             .replace("&", "\\u0026").replace("\u2028", "\\u2028")
             .replace("\u2029", "\\u2029")).encode("utf-8")


def gin_h(**kw):
    """A gin.H map: Go marshals map keys in sorted order."""
    return collections.OrderedDict(sorted(kw.items()))


_ATOI = re.compile(r"^[+-]?[0-9]+$")


def go_atoi(s):
    """strconv.Atoi: returns (value, ok). Out of range gives the clamped
    value and ok False, like Go."""
    if s is None or not _ATOI.match(s):
        return 0, False
    v = int(s)
    if v > 2**63 - 1:
        return 2**63 - 1, False
    if v < -2**63:
        return -2**63, False
    return v, True


def mask_key(k):
    if len(k) <= 4:
        return "*" * len(k)
    if len(k) <= 8:
        return k[:2] + "****" + k[-2:]
    return k[:4] + "*" * 10 + k[-4:]


def new_key():
    alphabet = string.ascii_letters + string.digits
    return "".join(random.SystemRandom().choice(alphabet) for _ in range(48))


class Limiter:
    """Sliding window: at most `limit` accepted events per `window` seconds
    per key. Rejected attempts are not recorded."""

    def __init__(self):
        self.events = collections.defaultdict(collections.deque)

    def hit(self, key, limit, window, now):
        """Returns 0 if allowed, else seconds until a slot frees (> 0)."""
        if not limit:
            return 0
        q = self.events[key]
        while q and q[0] <= now - window:
            q.popleft()
        if len(q) >= limit:
            return max(q[0] + window - now, 0.001)
        q.append(now)
        return 0

    def clear(self):
        self.events.clear()


class TcError(Exception):
    def __init__(self, code, message):
        Exception.__init__(self, code)
        self.code = code
        self.message = message


# --------------------------------------------------------------------------
# TC3-HMAC-SHA256 verification (independent of the client's implementation)

def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def tc3_signature(secret_key, date, service, string_to_sign):
    k = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    k = _hmac(k, service)
    k = _hmac(k, "tc3_request")
    return hmac.new(k, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def parse_authorization(value):
    """Split 'TC3-HMAC-SHA256 Credential=.., SignedHeaders=.., Signature=..'.
    Raises TcError(InvalidAuthorization)."""
    bad = lambda why: TcError("AuthFailure.InvalidAuthorization",
                              "Authorization header is malformed: " + why)
    if not value.startswith("TC3-HMAC-SHA256 "):
        raise bad("algorithm must be TC3-HMAC-SHA256")
    fields = {}
    for part in value[len("TC3-HMAC-SHA256 "):].split(","):
        part = part.strip()
        if "=" not in part:
            raise bad("field without '='")
        k, v = part.split("=", 1)
        if k in fields:
            raise bad("duplicate field " + k)
        fields[k] = v
    if set(fields) != {"Credential", "SignedHeaders", "Signature"}:
        raise bad("need exactly Credential, SignedHeaders and Signature")
    cred = fields["Credential"].split("/")
    if len(cred) != 4 or not all(cred):
        raise bad("Credential must be SecretId/Date/service/tc3_request")
    if not re.match(r"^[0-9a-f]{64}$", fields["Signature"]):
        raise bad("Signature must be 64 lowercase hex digits")
    return cred, fields["SignedHeaders"], fields["Signature"]


def verify_tc3(headers, body, service, creds, any_tokens):
    """headers: list of (name, value). Returns the secret id on success;
    raises TcError. The caller has already checked the timestamp."""
    def all_of(name):
        return [v for (n, v) in headers if n.lower() == name]

    auth = all_of("authorization")
    if len(auth) != 1:
        raise TcError("AuthFailure.InvalidAuthorization",
                      "Authorization header is missing or repeated.")
    (sid, date, scope_service, term), signed, sig = parse_authorization(auth[0])
    ts = int(all_of("x-tc-timestamp")[0])
    want_date = time.strftime("%Y-%m-%d", time.gmtime(ts))
    if term != "tc3_request":
        raise TcError("AuthFailure.InvalidAuthorization",
                      "Credential scope must end in tc3_request.")
    if date != want_date:
        raise TcError("AuthFailure.InvalidAuthorization",
                      "Credential date %s is not the UTC date of X-TC-Timestamp (%s)."
                      % (date, want_date))
    if scope_service != service:
        raise TcError("AuthFailure.InvalidAuthorization",
                      "Credential service %s does not match %s." % (scope_service, service))
    names = signed.split(";")
    if (names != sorted(names) or len(set(names)) != len(names)
            or any(n != n.lower() or not n for n in names)
            or "content-type" not in names or "host" not in names):
        raise TcError("AuthFailure.InvalidAuthorization",
                      "SignedHeaders must be sorted, lowercase, unique and "
                      "include content-type and host.")
    canon = ""
    for n in names:
        vals = all_of(n)
        if len(vals) != 1:
            raise TcError("AuthFailure.InvalidAuthorization",
                          "Signed header %s must be sent exactly once." % n)
        v = vals[0].strip().lower()
        if n == "host":
            v = strip_port(v)
        canon += "%s:%s\n" % (n, v)
    cred = creds.get(sid)
    if cred is None:
        raise TcError("AuthFailure.SecretIdNotFound",
                      "The SecretId is not found, please ensure that your SecretId is correct.")
    canonical_request = "\n".join([
        "POST", "/", "", canon, signed, hashlib.sha256(body).hexdigest()])
    sts = "\n".join(["TC3-HMAC-SHA256", str(ts),
                     "%s/%s/tc3_request" % (date, service),
                     hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()])
    expect = tc3_signature(cred["secret_key"], date, service, sts)
    if not hmac.compare_digest(expect, sig):
        raise TcError("AuthFailure.SignatureFailure",
                      "The provided credentials could not be validated. "
                      "Please check your signature is correct.")
    tok = all_of("x-tc-token")
    if cred.get("token"):
        if tok != [cred["token"]]:
            raise TcError("AuthFailure.TokenFailure", "The session token is invalid or expired.")
    elif tok and any_tokens:
        raise TcError("AuthFailure.TokenFailure", "The session token is invalid or expired.")
    return sid


def strip_port(host):
    host = host.strip()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


# --------------------------------------------------------------------------
# State

class App:
    def __init__(self, args):
        self.lock = threading.RLock()
        self.newapi_host = args.newapi_host.lower()
        self.base_config = dict(DEFAULT_CONFIG)
        self.base_config["list_delay"] = args.list_delay
        self.base_config["newapi_mode"] = args.newapi_mode
        self.base_config["clock_offset"] = args.clock_offset
        self.base_creds = {}
        for c in args.credential or ["%s:%s" % (DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY)]:
            parts = c.split(":")
            if len(parts) not in (2, 3):
                raise SystemExit("--credential must be ID:KEY or ID:KEY:TOKEN")
            self.base_creds[parts[0]] = {"secret_key": parts[1],
                                         "token": parts[2] if len(parts) == 3 else None}
        self.seed_file = args.seed
        self.port = None
        self.verbose = args.verbose
        self.reset()

    # all of the below run under self.lock
    def reset(self):
        with self.lock:
            self.config = dict(self.base_config)
            self.creds = {k: dict(v) for k, v in self.base_creds.items()}
            self.vod_apps = collections.OrderedDict()   # id -> list of token dicts
            self.vod_default = None
            self.apigw_keys = collections.OrderedDict()  # (region, id) -> key
            self.na_users = collections.OrderedDict()
            self.na_tokens = collections.OrderedDict()
            self.na_next_id = 1
            self.log = []
            self.seq = 0
            self.injections = []
            self.tc_limiter = Limiter()
            self.na_global = Limiter()
            self.na_search = Limiter()
            self.na_critical = Limiter()
            if self.seed_file:
                with open(self.seed_file) as f:
                    self.seed(json.load(f))

    def now(self):
        return time.time() + float(self.config["clock_offset"])

    def set_config(self, cfg):
        for k, v in cfg.items():
            if k not in DEFAULT_CONFIG:
                raise ValueError("unknown config key " + k)
            if k == "newapi_mode" and v not in ("current", "legacy", "old"):
                raise ValueError("newapi_mode must be current, legacy or old")
            self.config[k] = v

    def seed(self, s):
        with self.lock:
            if "config" in s:
                self.set_config(s["config"])
            for c in s.get("tencent_credentials", []):
                self.creds[c["secret_id"]] = {"secret_key": c["secret_key"],
                                              "token": c.get("token")}
            vod = s.get("vod", {})
            for app_id, toks in vod.get("apps", {}).items():
                app = self.vod_apps.setdefault(int(app_id), [])
                # one set per seed call keeps seeding 100,000 tokens linear
                live = {x["token"] for x in app if x["deleted"] is None}
                for t in toks:
                    if isinstance(t, str):
                        t = {"token": t}
                    self._vod_add(app, t["token"], t.get("ext_info"), created=None, live=live)
            if "default_sub_app_id" in vod:
                self.vod_default = int(vod["default_sub_app_id"])
            for k in s.get("apigw", {}).get("keys", []):
                region = k.get("region", "ap-guangzhou")
                self.apigw_keys[(region, k["id"])] = {
                    "id": k["id"], "region": region,
                    "status": k.get("status", "enabled"),
                    "bound": bool(k.get("bound", False))}
            na = s.get("newapi", {})
            for u in na.get("users", []):
                self.na_users[int(u["id"])] = {
                    "id": int(u["id"]), "username": u.get("username", "user%d" % u["id"]),
                    "access_token": u.get("access_token"), "status": u.get("status", 1),
                    "role": u.get("role", 1)}
            for t in na.get("tokens", []):
                self._na_add(t)

    def _vod_add(self, app, token, ext_info, created, live=None):
        if live is None:
            live = {t["token"] for t in app if t["deleted"] is None}
        if token in live:
            raise ValueError("token already exists")
        live.add(token)
        app.append({"token": token,
                    "ext_info": ext_info if ext_info is not None
                    else json.dumps({"Name": "token-%d" % (len(app) + 1)},
                                    separators=(",", ":")),
                    "created": created, "deleted": None})

    def _na_add(self, t):
        now = int(self.now())
        tid = int(t.get("id") or self.na_next_id)
        tok = collections.OrderedDict([
            ("id", tid), ("user_id", int(t.get("user_id", 1))),
            ("key", t.get("key") or new_key()), ("status", t.get("status", 1)),
            ("name", t.get("name", "")), ("created_time", t.get("created_time", now)),
            ("accessed_time", t.get("accessed_time", t.get("created_time", now))),
            ("expired_time", t.get("expired_time", -1)),
            ("remain_quota", t.get("remain_quota", 500000)),
            ("unlimited_quota", t.get("unlimited_quota", False)),
            ("model_limits_enabled", t.get("model_limits_enabled", False)),
            ("model_limits", t.get("model_limits", "")),
            ("allow_ips", t.get("allow_ips", "")),
            ("used_quota", t.get("used_quota", 0)), ("group", t.get("group", "")),
            ("cross_group_retry", t.get("cross_group_retry", False)),
            ("auto_groups", t.get("auto_groups")),
        ])
        tok["_deleted"] = self.now() if t.get("deleted") else None
        self.na_tokens[tid] = tok
        self.na_next_id = max(self.na_next_id, tid + 1)
        return tok

    def state(self):
        with self.lock:
            mono = time.monotonic()
            vod = {}
            for app_id, toks in self.vod_apps.items():
                vod[str(app_id)] = [{
                    "token": t["token"], "ext_info": t["ext_info"],
                    "deleted": t["deleted"] is not None,
                    "listed": self._vod_listed(t, mono)} for t in toks]
            return {
                "config": self.config,
                "vod": {"default_sub_app_id": self._vod_default_id(), "apps": vod},
                "apigw": {"keys": list(self.apigw_keys.values())},
                "newapi": {"users": list(self.na_users.values()),
                           "tokens": [self._na_state_item(t) for t in self.na_tokens.values()]},
                "credentials": sorted(self.creds),
                "requests_logged": len(self.log),
            }

    @staticmethod
    def _na_state_item(t):
        d = {k: v for k, v in t.items() if not k.startswith("_")}
        d["deleted"] = t["_deleted"] is not None
        return d

    def _vod_default_id(self):
        if self.vod_default is not None:
            return self.vod_default
        return next(iter(self.vod_apps), None)

    def _vod_listed(self, t, mono):
        delay = float(self.config["list_delay"])
        if t["created"] is not None and mono < t["created"] + delay:
            return False
        if t["deleted"] is not None and mono >= t["deleted"] + delay:
            return False
        return True

    def take_injection(self, service, action, path):
        with self.lock:
            for inj in self.injections:
                if inj["count"] <= 0:
                    continue
                if inj.get("service", "*") not in ("*", service):
                    continue
                if inj.get("action") and inj["action"] != action:
                    continue
                if inj.get("path") and not (path or "").startswith(inj["path"]):
                    continue
                inj["count"] -= 1
                return dict(inj)
            return None


# --------------------------------------------------------------------------
# HTTP handling

class Drop(Exception):
    pass


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mockcloud/1"
    sys_version = ""
    timeout = 120  # idle keep-alive connections go away eventually

    def setup(self):
        http.server.BaseHTTPRequestHandler.setup(self)
        self.unclean = False  # an injection ended the connection its own way
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        with self.server.app.lock:
            self.server.conn_seq += 1
            self.conn_id = self.server.conn_seq

    def finish(self):
        http.server.BaseHTTPRequestHandler.finish(self)
        # Every connection ends with our close_notify (and the client's, if
        # it answers in time). OpenSSL drops the session of a TLS connection
        # freed without sending one from the server's cache, and a client
        # resuming by session ID (BearSSL; TLS 1.2 without tickets) would
        # then get a full handshake every time. Clients that vanished make
        # unwrap fail; that is their business. Injected drop/reset/close
        # have already ended the connection exactly as asked.
        if self.unclean or not isinstance(self.connection, ssl.SSLSocket):
            return
        try:
            self.connection.settimeout(0.5)
            self.connection.unwrap()
        except (OSError, ValueError):
            pass

    def log_message(self, fmt, *args):
        if self.server.app.verbose:
            sys.stderr.write("mockcloud: %s\n" % (fmt % args))

    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(self.server.app.now(), usegmt=True)

    def handle_one_request(self):
        try:
            http.server.BaseHTTPRequestHandler.handle_one_request(self)
        except Drop:
            self.close_connection = True
        except (ssl.SSLError, ConnectionError, socket.timeout, OSError):
            self.close_connection = True

    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    # ---- response helpers
    def respond(self, status, body=b"", ctype=None, headers=(), reason=None):
        self.resp_status = status
        if self.gzip_ok and status != 304:
            body = gzip.compress(body)
            headers = list(headers) + [("Content-Encoding", "gzip"),
                                       ("Vary", "Accept-Encoding")]
        self.send_response_only(status, reason)
        self.send_header("Date", self.date_time_string())
        for n, v in headers:
            self.send_header(n, v)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        # Head and body in one write: no Nagle/delayed-ACK pause per request.
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()
        if self.log_entry is not None:
            self.log_entry["response"] = {"status": status,
                                          "error_code": self.resp_error_code}

    def json_resp(self, status, obj, headers=()):
        self.respond(status, go_json(obj), JSON_CT, headers)

    def read_body(self):
        if self.headers.get("Transfer-Encoding"):
            self.send_error_plain(501, "mockcloud does not accept Transfer-Encoding")
            return None
        cls = self.headers.get_all("Content-Length") or []
        if not cls:
            return b""
        if len(set(cls)) != 1 or not cls[0].strip().isdigit():
            self.send_error_plain(400, "bad Content-Length")
            return None
        n = int(cls[0])
        if n > 16 * 1024 * 1024:
            self.send_error_plain(413, "body too large")
            return None
        data = b""
        while len(data) < n:
            chunk = self.rfile.read(n - len(data))
            if not chunk:
                raise Drop()
            data += chunk
        return data

    def send_error_plain(self, status, text):
        self.close_connection = True
        self.respond(status, (text + "\n").encode(), "text/plain; charset=utf-8",
                     [("Connection", "close")])

    # ---- dispatch
    def dispatch(self):
        app = self.server.app
        self.log_entry = None
        self.resp_error_code = None
        self.gzip_ok = False
        body = self.read_body()
        if body is None:
            return
        target = self.path
        path = target.split("?", 1)[0]
        if path.startswith("/__mock/"):
            return self.control(path, target, body)
        if self.server.control_only:
            return self.send_error_plain(404, "control port serves /__mock/ only")
        host = strip_port(self.headers.get("Host", "")).lower()
        if host in TENCENT:
            service = TENCENT[host]["service"]
        elif host == app.newapi_host:
            service = "newapi"
        else:
            service = None
        with app.lock:
            app.seq += 1
            self.log_entry = {
                "seq": app.seq, "conn": self.conn_id, "time": time.time(),
                "service": service, "method": self.command, "target": target,
                "path": path, "version": self.request_version,
                "headers": [[n, v] for n, v in self.headers.raw_items()],
                "body": body.decode("utf-8", "replace"),
                "body_b64": base64.b64encode(body).decode("ascii"),
                "response": None}
            app.log.append(self.log_entry)
        if service is None:
            return self.send_error_plain(421, "mockcloud: unknown Host %r" % host)
        action = self.headers.get("X-TC-Action") if service != "newapi" else None
        inj = app.take_injection(service, action, path)
        if inj:
            if inj.get("stall_ms"):
                time.sleep(inj["stall_ms"] / 1000.0)
            kind = inj.get("kind", "none")
            if kind == "drop":
                self.log_entry["response"] = {"status": None, "error_code": "drop"}
                self.unclean = True
                self.connection.close()
                raise Drop()
            if kind == "close":
                self.log_entry["response"] = {"status": None, "error_code": "close"}
                self.unclean = True
                try:
                    if isinstance(self.connection, ssl.SSLSocket):
                        self.connection.settimeout(2)
                        self.connection.unwrap()
                except (OSError, ssl.SSLError):
                    pass
                self.connection.close()
                raise Drop()
            if kind == "reset":
                self.log_entry["response"] = {"status": None, "error_code": "reset"}
                self.unclean = True
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
                raise Drop()
            if kind == "http":
                st = int(inj.get("status", 503))
                return self.respond(st, ("injected HTTP %d\n" % st).encode(),
                                    "text/plain; charset=utf-8")
            if kind == "error" and service == "newapi":
                return self.json_resp(500, gin_h(success=False,
                                                 message=inj.get("message", "injected error")))
            if kind != "error":
                inj = None
        if service == "newapi":
            return NewApi(self, app, body).handle()
        return self.tencent(host, body, inj)

    # ---- Tencent
    def tencent(self, host, body, inj):
        app = self.server.app
        rid = str(uuid.uuid4())
        try:
            resp = self.tencent_inner(host, body, inj)
            resp["RequestId"] = rid
        except TcError as e:
            self.resp_error_code = e.code
            resp = collections.OrderedDict([
                ("Error", collections.OrderedDict([("Code", e.code), ("Message", e.message)])),
                ("RequestId", rid)])
        self.respond(200, json.dumps({"Response": resp}, separators=(",", ":"),
                                     ensure_ascii=False).encode("utf-8"),
                     "application/json")

    def tencent_inner(self, host, body, inj):
        app = self.server.app
        svc = TENCENT[host]
        h = self.headers
        if self.command != "POST" or self.path != "/":
            raise TcError("InvalidParameter", "Only POST / is supported by this mock.")
        ct = (h.get("Content-Type") or "").split(";")[0].strip().lower()
        if ct != "application/json":
            raise TcError("InvalidParameter",
                          "Content-Type must be application/json.")
        for name, pname in (("X-TC-Action", "Action"), ("X-TC-Version", "Version"),
                            ("X-TC-Timestamp", "Timestamp")):
            if not h.get(name):
                raise TcError("MissingParameter",
                              "The request is missing a required parameter `%s`." % pname)
        action, version = h["X-TC-Action"], h["X-TC-Version"]
        if version != svc["version"]:
            raise TcError("NoSuchVersion",
                          "The requested version `%s` of service `%s` does not exist."
                          % (version, svc["service"]))
        if action not in svc["actions"]:
            raise TcError("InvalidAction",
                          "The requested action `%s` does not exist." % action)
        ts_s = h["X-TC-Timestamp"]
        if not re.match(r"^[0-9]{1,12}$", ts_s):
            raise TcError("InvalidParameterValue",
                          "X-TC-Timestamp must be decimal Unix seconds.")
        region = h.get("X-TC-Region")
        if svc["region"]:
            if not region:
                raise TcError("MissingParameter",
                              "The request is missing a required parameter `Region`.")
            if region not in APIGW_REGIONS:
                raise TcError("InvalidParameterValue.InvalidRegion",
                              "Incorrect region `%s`." % region)
        with app.lock:
            cfg = dict(app.config)
            now = app.now()
            creds = {k: dict(v) for k, v in app.creds.items()}
        ts = int(ts_s)
        if abs(now - ts) > float(cfg["skew_limit"]):
            raise TcError("AuthFailure.SignatureExpire",
                          "Signature expired. Timestamp: %d; server time: %d; "
                          "the difference must not exceed %d seconds."
                          % (ts, int(now), int(cfg["skew_limit"])))
        any_tokens = any(c.get("token") for c in creds.values())
        verify_tc3(list(h.raw_items()), body, svc["service"], creds, any_tokens)
        with app.lock:
            wait = app.tc_limiter.hit(action, cfg["tencent_rate_limit"],
                                      float(cfg["tencent_rate_window"]), time.monotonic())
        if wait:
            raise TcError("RequestLimitExceeded",
                          "Your current request times equals to `%d` in a second, "
                          "which exceeds the frequency limit `%d` for a second. "
                          "Please reduce the frequency of calls."
                          % (cfg["tencent_rate_limit"] + 1, cfg["tencent_rate_limit"]))
        if inj:
            raise TcError(inj.get("code", "InternalError"),
                          inj.get("message", "An internal error has occurred (injected)."))
        try:
            params = json.loads(body.decode("utf-8"),
                                object_pairs_hook=collections.OrderedDict)
        except (ValueError, UnicodeDecodeError):
            raise TcError("InvalidParameterValue", "The request body is not valid JSON.")
        if not isinstance(params, dict):
            raise TcError("InvalidParameterValue", "The request body must be a JSON object.")
        return getattr(self, "tc_" + action)(params, region)

    @staticmethod
    def _fields(params, required, optional):
        for k in params:
            if k not in required and k not in optional:
                raise TcError("UnknownParameter",
                              "The parameter `%s` is not recognized." % k)
        for k, typ in required.items():
            if k not in params:
                raise TcError("MissingParameter",
                              "The request is missing a required parameter `%s`." % k)
        for k, typ in list(required.items()) + list(optional.items()):
            if k in params:
                v = params[k]
                ok = (isinstance(v, int) and not isinstance(v, bool)) if typ is int \
                    else isinstance(v, typ)
                if not ok or (typ is int and not (0 <= v < 2**63)) or (typ is str and not v):
                    raise TcError("InvalidParameterValue",
                                  "The value of parameter `%s` is invalid." % k)

    def _vod_app(self, params):
        app = self.server.app
        if "SubAppId" in params:
            sid = params["SubAppId"]
        else:
            sid = app._vod_default_id()
        if sid is None or sid not in app.vod_apps:
            raise TcError("ResourceNotFound.UserNotExist", "The user does not exist.")
        return app.vod_apps[sid]

    def tc_DeleteAigcApiToken(self, params, region):
        self._fields(params, {"SubAppId": int, "ApiToken": str}, {})
        app = self.server.app
        with app.lock:
            toks = self._vod_app(params)
            for t in toks:
                if t["token"] == params["ApiToken"] and t["deleted"] is None:
                    t["deleted"] = time.monotonic()
                    return collections.OrderedDict()
        raise TcError("InvalidParameterValue", "The ApiToken does not exist.")

    def tc_DescribeAigcApiTokens(self, params, region):
        self._fields(params, {}, {"SubAppId": int})
        app = self.server.app
        with app.lock:
            toks = self._vod_app(params)
            mono = time.monotonic()
            listed = [t for t in toks if app._vod_listed(t, mono)]
            return collections.OrderedDict([
                ("ApiTokens", [t["token"] for t in listed]),
                ("ExtInfos", [t["ext_info"] for t in listed])])

    def _apigw_key(self, params, region):
        self._fields(params, {"AccessKeyId": str}, {})
        k = self.server.app.apigw_keys.get((region, params["AccessKeyId"]))
        if k is None:
            raise TcError("ResourceNotFound.InvalidAccessKeyId", "The key does not exist.")
        return k

    def _apigw_result(self):
        return collections.OrderedDict(
            [("Result", None if self.server.app.config["apigw_result_null"] else True)])

    def tc_DisableApiKey(self, params, region):
        with self.server.app.lock:
            self._apigw_key(params, region)["status"] = "disabled"
            return self._apigw_result()

    def tc_EnableApiKey(self, params, region):
        with self.server.app.lock:
            self._apigw_key(params, region)["status"] = "enabled"
            return self._apigw_result()

    def tc_DeleteApiKey(self, params, region):
        app = self.server.app
        with app.lock:
            k = self._apigw_key(params, region)
            if k["status"] != "disabled":
                raise TcError("UnsupportedOperation.InvalidStatus",
                              "The current key status does not support this operation.")
            if k["bound"]:
                raise TcError("UnsupportedOperation.ResourceIsInUse",
                              "The key has already been bound to a usage plan. "
                              "Please unbind it and try again.")
            del app.apigw_keys[(region, k["id"])]
            return self._apigw_result()

    # ---- control
    def control(self, path, target, body):
        app = self.server.app
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
        try:
            arg = json.loads(body.decode("utf-8")) if body.strip() else {}
        except ValueError:
            return self.json_resp(400, {"error": "body is not JSON"})
        m = self.command
        try:
            with app.lock:
                if path == "/__mock/health":
                    out = {"ok": True, "port": app.port}
                elif path == "/__mock/state":
                    out = app.state()
                elif path == "/__mock/log" and m == "GET":
                    since = int(q.get("since", ["0"])[0])
                    out = {"requests": [e for e in app.log if e["seq"] > since],
                           "next": app.seq}
                elif path == "/__mock/log/clear" and m == "POST":
                    app.log = []
                    out = {"ok": True}
                elif path == "/__mock/reset" and m == "POST":
                    app.reset()
                    out = {"ok": True}
                elif path == "/__mock/seed" and m == "POST":
                    app.seed(arg)
                    out = {"ok": True}
                elif path == "/__mock/config" and m == "POST":
                    app.set_config(arg)
                    out = {"ok": True, "config": app.config}
                elif path == "/__mock/config" and m == "GET":
                    out = app.config
                elif path == "/__mock/inject" and m == "POST":
                    inj = dict(arg)
                    inj.setdefault("count", 1)
                    inj.setdefault("kind", "none")
                    if inj["kind"] not in ("none", "error", "http", "drop", "close", "reset"):
                        raise ValueError("kind must be none, error, http, drop, close or reset")
                    app.injections.append(inj)
                    out = {"ok": True, "index": len(app.injections) - 1}
                elif path == "/__mock/inject" and m == "GET":
                    out = {"injections": app.injections}
                elif path == "/__mock/inject/clear" and m == "POST":
                    app.injections = []
                    out = {"ok": True}
                elif path == "/__mock/vod/create" and m == "POST":
                    appl = app.vod_apps.setdefault(int(arg["SubAppId"]), [])
                    app._vod_add(appl, arg["ApiToken"], arg.get("ExtInfo"),
                                 created=time.monotonic())
                    out = {"ok": True}
                elif path == "/__mock/time":
                    out = {"now": app.now(), "offset": app.config["clock_offset"]}
                else:
                    return self.json_resp(404, {"error": "no such control path"})
        except (ValueError, KeyError, TypeError) as e:
            return self.json_resp(400, {"error": str(e)})
        self.respond(200, json.dumps(out).encode(), "application/json")


# --------------------------------------------------------------------------
# new-api

MSG = {
    "not_logged": ("Unauthorized, not logged in and no access token provided",
                   "无权进行此操作，未登录且未提供 access token"),
    "invalid_pat": ("Unauthorized, invalid access token", "无权进行此操作，access token 无效"),
    "nau_missing": ("Unauthorized, New-Api-User header not provided",
                    "无权进行此操作，未提供 New-Api-User"),
    "nau_format": ("Unauthorized, New-Api-User header format error",
                   "无权进行此操作，New-Api-User 格式错误"),
    "nau_mismatch": ("Unauthorized, New-Api-User does not match logged in user",
                     "无权进行此操作，New-Api-User 与登录用户不匹配"),
    "banned": ("User has been banned", "用户已被封禁"),
    "privilege": ("Unauthorized, insufficient privileges", "无权进行此操作，权限不足"),
    "user_info": ("Unauthorized, invalid user info", "无权进行此操作，用户信息无效"),
    "invalid_params": ("Invalid parameters", "参数错误"),
    "name_long": ("Token name is too long", "令牌名称过长"),
}
NOT_FOUND = "record not found"
ID_EMPTY = "id 或 userId 为空！"

MODELS = [
    {"id": "gpt-4o-mini", "object": "model", "created": 1626777600, "owned_by": "openai"},
    {"id": "deepseek-chat", "object": "model", "created": 1626777600, "owned_by": "deepseek"},
]


class Reply(Exception):
    def __init__(self, status, obj=None, headers=(), raw=None):
        Exception.__init__(self, status)
        self.status, self.obj, self.headers, self.raw = status, obj, list(headers), raw


class NewApi:
    def __init__(self, h, app, body):
        self.h, self.app, self.body = h, app, body
        self.mode = app.config["newapi_mode"]
        u = urllib.parse.urlsplit(h.path)
        self.path, self.query = u.path, u.query
        self.q = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        self.rid = time.strftime("%Y%m%d%H%M%S") + "%09d" % random.randrange(10**9)

    def zh(self):
        if self.mode == "old":
            return True
        return (self.h.headers.get("Accept-Language") or "").lower().startswith("zh")

    def msg(self, key):
        return MSG[key][1 if self.zh() else 0]

    def qget(self, name):
        v = self.q.get(name)
        return v[0] if v else ""

    def handle(self):
        h = self.h
        h.gzip_ok = (self.path.startswith("/api/")
                     and "gzip" in (h.headers.get("Accept-Encoding") or "").lower())
        try:
            self.route()
        except Reply as r:
            hdrs = r.headers + [("X-Oneapi-Request-Id", self.rid)]
            if r.raw is not None:
                h.respond(r.status, r.raw, None, hdrs)
            else:
                if isinstance(r.obj, dict) and r.obj.get("success") is False:
                    h.resp_error_code = r.obj.get("code") or r.obj.get("message")
                h.json_resp(r.status, r.obj, hdrs)

    def not_found(self):
        raise Reply(404, collections.OrderedDict([("error", collections.OrderedDict([
            ("message", "Invalid URL (%s %s)" % (self.h.command, self.path)),
            ("type", "invalid_request_error"), ("param", ""), ("code", "")]))]))

    def redirect(self, to):
        m = self.h.command
        loc = to + ("?" + self.query if self.query else "")
        if m in ("GET", "HEAD"):
            self.h.gzip_ok = False
            body = ('<a href="%s">Moved Permanently</a>.\n\n' % loc).encode() if m == "GET" else b""
            self.h.respond(301, body, "text/html; charset=utf-8", [("Location", loc)])
        else:
            self.h.gzip_ok = False
            self.h.respond(307, b"", None, [("Location", loc)])
        raise Reply(0)  # response already written

    def limit(self, limiter, key, limit, window):
        with self.app.lock:
            wait = limiter.hit(key, limit, float(window), time.monotonic())
        if wait:
            hdrs = []
            if self.mode == "current":
                hdrs.append(("Retry-After", str(int(wait + 0.999))))
            raise Reply(429, headers=hdrs, raw=b"")

    def route(self):
        p, m = self.path, self.h.command
        try:
            self._route(p, m)
        except Reply as r:
            if r.status == 0:
                return
            raise

    def _route(self, p, m):
        cfg = self.app.config
        if p == "/v1/models" and m == "GET":
            return self.relay_models()
        if p in ("/api/token", "/api/usage/token") and m in ("GET", "POST", "PUT"):
            if p == "/api/usage/token" and m != "GET":
                self.not_found()
            self.redirect(p + "/")
        mt = re.match(r"^/api/token/([^/]+)/$", p)
        if mt and mt.group(1) not in ("batch",) and m in ("GET", "DELETE"):
            self.redirect(p[:-1])
        routes = []
        if p == "/api/token/":
            routes = {"GET": self.list_tokens, "POST": self.create_token,
                      "PUT": self.update_token}
        elif p == "/api/token/search":
            routes = {"GET": self.search_tokens}
        elif p == "/api/token/auto-groups" and self.mode == "current":
            routes = {"GET": lambda u: gin_h(success=True, message="", data=[])}
        elif p == "/api/token/batch":
            routes = {"POST": self.batch_delete}
        elif p == "/api/token/batch/keys" and self.mode != "old":
            routes = {"POST": self.batch_keys}
        elif re.match(r"^/api/token/[^/]+/key$", p) and self.mode != "old":
            routes = {"POST": self.reveal_key}
        elif re.match(r"^/api/token/[^/]+$", p):
            routes = {"GET": self.get_token, "DELETE": self.delete_token}
        elif p == "/api/usage/token/":
            routes = {"GET": None}
        elif p == "/api/user/self":
            routes = {"GET": lambda u: gin_h(success=True, message="", data=collections.OrderedDict(
                [("id", u["id"]), ("username", u["username"]), ("role", u["role"]),
                 ("status", u["status"])]))}
        if m not in routes:
            self.not_found()
        # /api group: global limiter before auth
        glimit = cfg["newapi_global_limit"]
        if glimit is None:
            glimit = 360 if self.mode == "current" else 180
        self.limit(self.app.na_global, self.h.client_address[0], glimit,
                   cfg["newapi_global_window"])
        if p == "/api/usage/token/":
            self.limit(self.app.na_critical, self.h.client_address[0],
                       cfg["newapi_critical_limit"], cfg["newapi_critical_window"])
            return self.usage()
        user = self.user_auth()
        if p.endswith("/key") or p == "/api/token/batch/keys":
            self.limit(self.app.na_critical, self.h.client_address[0],
                       cfg["newapi_critical_limit"], cfg["newapi_critical_window"])
        if p == "/api/token/search":
            self.limit(self.app.na_search, user["id"], cfg["newapi_search_limit"],
                       cfg["newapi_search_window"])
        with self.app.lock:
            out = routes[m](user)
        raise Reply(200, out, [("Auth-Version", "mock-1")] if self.mode != "current" else [])

    # ---- auth
    def user_auth(self):
        auth = self.h.headers.get("Authorization") or ""
        users = self.app.na_users
        if self.mode == "current":
            def fail(status, code, key):
                raise Reply(status, gin_h(success=False, message=self.msg(key), code=code))
            words = auth.split()
            pat = None
            if len(words) == 1:
                pat = words[0]
            elif len(words) == 2 and words[0].lower() == "bearer":
                pat = words[1]
            user = self._user_by_pat(pat)
            if user is None:
                fail(401, "AUTH_UNAUTHORIZED", "invalid_pat")
            if user["status"] != 1:
                fail(401, "AUTH_USER_DISABLED", "banned")
            if user["role"] < 1:
                fail(403, "AUTH_INSUFFICIENT_PRIVILEGE", "privilege")
            if not user["username"]:
                fail(401, "AUTH_USER_INVALID", "user_info")
            return user

        def fail(status, key):
            raise Reply(status, gin_h(success=False, message=self.msg(key)))
        if auth == "":
            fail(401, "not_logged")
        user = self._user_by_pat(auth.replace("Bearer ", "", 1))
        if user is None:
            fail(200, "invalid_pat")
        nau = self.h.headers.get("New-Api-User") or ""
        if nau == "":
            fail(401, "nau_missing")
        uid, ok = go_atoi(nau)
        if not ok:
            fail(401, "nau_format")
        if uid != user["id"]:
            fail(401, "nau_mismatch")
        if user["status"] != 1:
            fail(200, "banned")
        if user["role"] < 1:
            fail(200, "privilege")
        if not user["username"]:
            fail(200, "user_info")
        return user

    def _user_by_pat(self, pat):
        if not pat:
            return None
        with self.app.lock:
            for u in self.app.na_users.values():
                if u["access_token"] and hmac.compare_digest(u["access_token"], pat):
                    return u
        return None

    # ---- token views
    def item(self, t, masked=True):
        d = collections.OrderedDict()
        for k, v in t.items():
            if k.startswith("_") or k == "auto_groups":
                continue
            if k == "cross_group_retry" and self.mode == "old":
                continue
            d[k] = v
        if masked and self.mode != "old":
            d["key"] = mask_key(t["key"])
        d["DeletedAt"] = None
        if self.mode == "current":
            d["auto_groups"] = t["auto_groups"]
        return d

    def own_live(self, user):
        toks = [t for t in self.app.na_tokens.values()
                if t["user_id"] == user["id"] and t["_deleted"] is None]
        toks.sort(key=lambda t: -t["id"])
        return toks

    def page_params(self):
        p, _ = go_atoi(self.qget("p"))
        size = 0
        for name in ("page_size", "ps", "size"):
            size, _ = go_atoi(self.qget(name))
            if size != 0:
                break
        if size == 0:
            size = 10
        if size > 100:
            size = 100
        return p, size

    def paged(self, toks):
        if self.mode == "old":
            p, _ = go_atoi(self.qget("p"))
            size, _ = go_atoi(self.qget("size"))
            if size <= 0:
                size = 10
            if size > 100:
                size = 100
            p = max(p, 0)
            return gin_h(success=True, message="",
                         data=[self.item(t) for t in toks[p * size:(p + 1) * size]])
        p, size = self.page_params()
        if size < 0:
            items = toks
        else:
            start = (max(p, 1) - 1) * size
            items = toks[start:start + size]
        page = p if p != 0 else 1
        return gin_h(success=True, message="", data=collections.OrderedDict([
            ("page", page), ("page_size", size), ("total", len(toks)),
            ("items", [self.item(t) for t in items])]))

    def list_tokens(self, user):
        return self.paged(self.own_live(user))

    def search_tokens(self, user):
        kw = self.qget("keyword")
        tk = self.qget("token")
        if tk.startswith("sk-"):
            tk = tk[3:]
        toks = self.own_live(user)

        def matcher(val):
            if not val:
                return lambda s: True
            if self.mode == "old":
                return lambda s: val in s
            if "%" in val:
                others = len(val) - val.count("%")
                if val.count("%") > 2 or "%%" in val or others < 2:
                    raise Reply(200, gin_h(success=False, message="搜索模式无效"))
                rx = re.compile("^" + ".*".join(re.escape(x) for x in val.split("%")) + "$",
                                re.S)
                return lambda s: rx.match(s) is not None
            return lambda s: s == val
        mk, mt = matcher(kw), matcher(tk)
        return self.paged([t for t in toks if mk(t["name"]) and mt(t["key"])])

    def get_token(self, user):
        raw = self.path.rsplit("/", 1)[1]
        tid, ok = go_atoi(raw)
        if not ok and not _ATOI.match(raw):
            return gin_h(success=False,
                         message='strconv.Atoi: parsing "%s": invalid syntax' % raw)
        if tid == 0:
            return gin_h(success=False, message=ID_EMPTY)
        t = self.app.na_tokens.get(tid)
        if t is None or t["user_id"] != user["id"] or t["_deleted"] is not None:
            return gin_h(success=False, message=NOT_FOUND)
        return gin_h(success=True, message="", data=self.item(t))

    def delete_token(self, user):
        tid, _ = go_atoi(self.path.rsplit("/", 1)[1])
        if tid == 0:
            return gin_h(success=False, message=ID_EMPTY)
        t = self.app.na_tokens.get(tid)
        if t is None or t["user_id"] != user["id"] or t["_deleted"] is not None:
            return gin_h(success=False, message=NOT_FOUND)
        t["_deleted"] = self.app.now()
        return gin_h(success=True, message="")

    def json_body(self):
        try:
            v = json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
        return v

    def batch_delete(self, user):
        v = self.json_body()
        ids = v.get("ids") if isinstance(v, dict) else None
        if not isinstance(ids, list) or not ids or not all(
                isinstance(i, int) and not isinstance(i, bool) for i in ids):
            return gin_h(success=False, message=self.msg("invalid_params"))
        n = 0
        for i in set(ids):
            t = self.app.na_tokens.get(i)
            if t is not None and t["user_id"] == user["id"] and t["_deleted"] is None:
                t["_deleted"] = self.app.now()
                n += 1
        return gin_h(success=True, message="", data=n)

    def reveal_key(self, user):
        tid, _ = go_atoi(self.path.split("/")[3])
        t = self.app.na_tokens.get(tid)
        if tid == 0:
            return gin_h(success=False, message=ID_EMPTY)
        if t is None or t["user_id"] != user["id"] or t["_deleted"] is not None:
            return gin_h(success=False, message=NOT_FOUND)
        return gin_h(success=True, message="", data={"key": t["key"]})

    def batch_keys(self, user):
        v = self.json_body()
        ids = v.get("ids") if isinstance(v, dict) else None
        if not isinstance(ids, list) or not ids or len(ids) > 100:
            return gin_h(success=False, message=self.msg("invalid_params"))
        keys = collections.OrderedDict()
        for i in ids:
            t = self.app.na_tokens.get(i) if isinstance(i, int) else None
            if t is not None and t["user_id"] == user["id"] and t["_deleted"] is None:
                keys[str(i)] = t["key"]
        return gin_h(success=True, message="", data={"keys": keys})

    def create_token(self, user):
        v = self.json_body()
        if not isinstance(v, dict):
            return gin_h(success=False, message=self.msg("invalid_params"))
        name = v.get("name", "")
        if not isinstance(name, str):
            return gin_h(success=False, message=self.msg("invalid_params"))
        if len(name.encode("utf-8")) > (30 if self.mode == "old" else 50):
            return gin_h(success=False, message=self.msg("name_long"))
        if not v.get("unlimited_quota") and int(v.get("remain_quota", 0) or 0) < 0:
            return gin_h(success=False, message="额度值不能为负数")
        if len(self.own_live(user)) >= 1000:
            return gin_h(success=False, message="已达到最大令牌数量限制 (1000)")
        t = {k: v[k] for k in ("name", "remain_quota", "expired_time", "unlimited_quota",
                               "model_limits_enabled", "model_limits", "allow_ips",
                               "group", "cross_group_retry", "auto_groups") if k in v}
        t["user_id"] = user["id"]
        t["id"] = self.app.na_next_id
        self.app._na_add(t)
        return gin_h(success=True, message="")

    def update_token(self, user):
        v = self.json_body()
        if not isinstance(v, dict) or not isinstance(v.get("id"), int):
            return gin_h(success=False, message=self.msg("invalid_params"))
        t = self.app.na_tokens.get(v["id"])
        if t is None or t["user_id"] != user["id"] or t["_deleted"] is not None:
            return gin_h(success=False, message=NOT_FOUND)
        if self.qget("status_only"):
            if "status" in v:
                t["status"] = v["status"]
        else:
            for k in ("name", "remain_quota", "expired_time", "unlimited_quota",
                      "model_limits_enabled", "model_limits", "allow_ips", "group",
                      "cross_group_retry", "auto_groups", "status"):
                if k in v:
                    t[k] = v[k]
        return gin_h(success=True, message="", data=self.item(t))

    # ---- relay-key routes
    def relay_token(self, key):
        if key.startswith("sk-"):
            key = key[3:]
        key = key.split("-")[0]
        with self.app.lock:
            for t in self.app.na_tokens.values():
                if t["_deleted"] is None and key and hmac.compare_digest(t["key"], key):
                    return t
        return None

    def relay_models(self):
        h = self.h.headers
        auth = h.get("Authorization") or ""
        for pre in ("Bearer ", "bearer "):
            if auth.startswith(pre):
                auth = auth[len(pre):]
                break
        if not auth:
            auth = h.get("x-api-key") or ""
        t = self.relay_token(auth.strip())
        now = self.app.now()
        why = None
        if t is None:
            why = ("deleted", "无效的令牌")
        elif t["status"] != 1:
            why = ("disabled", "该令牌状态不可用")
        elif t["expired_time"] != -1 and t["expired_time"] < now:
            why = ("expired", "该令牌已过期")
        elif not t["unlimited_quota"] and t["remain_quota"] <= 0:
            why = ("exhausted", "该令牌额度已用尽")
        if why:
            if self.mode == "old":
                err = collections.OrderedDict([("message", why[1]), ("type", "new_api_error")])
            else:
                err = collections.OrderedDict([
                    ("message", "Invalid token (request id: %s)" % self.rid),
                    ("type", "new_api_error"), ("code", "")])
            raise Reply(401, {"error": err})
        u = self.app.na_users.get(t["user_id"])
        if u is not None and u["status"] != 1:
            raise Reply(403, {"error": collections.OrderedDict([
                ("message", self.msg("banned")), ("type", "new_api_error"), ("code", "")])})
        raise Reply(200, gin_h(success=True, object="list", data=MODELS))

    def usage(self):
        auth = self.h.headers.get("Authorization") or ""
        if not auth:
            raise Reply(401, gin_h(success=False, message="Token not provided"))
        parts = auth.split(" ")
        if len(parts) != 2 or parts[0] != "Bearer" or not parts[1]:
            raise Reply(401, gin_h(success=False, message="Invalid Bearer token"))
        t = self.relay_token(parts[1])
        if t is None:
            raise Reply(401, gin_h(success=False, message="Invalid token"))
        if t["status"] != 1 and self.mode == "current":
            raise Reply(401, gin_h(success=False, message="This token status is unavailable"))
        limits = collections.OrderedDict(
            (m, True) for m in t["model_limits"].split(",") if m) \
            if t["model_limits_enabled"] else {}
        data = collections.OrderedDict([
            ("object", "token_usage"), ("name", t["name"]),
            ("total_granted", t["remain_quota"] + t["used_quota"]),
            ("total_used", t["used_quota"]), ("total_available", t["remain_quota"]),
            ("unlimited_quota", t["unlimited_quota"]), ("model_limits", limits),
            ("model_limits_enabled", t["model_limits_enabled"]),
            ("expires_at", 0 if t["expired_time"] == -1 else t["expired_time"])])
        raise Reply(200, gin_h(code=True, message="ok", data=data))


# --------------------------------------------------------------------------
# Server

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, app, ssl_ctx=None, control_only=False):
        self.app = app
        self.conn_seq = 0
        self.control_only = control_only
        http.server.HTTPServer.__init__(self, addr, Handler)
        if ssl_ctx is not None:
            # The handshake runs in the connection's thread on first read,
            # so a client that stalls mid-handshake blocks only itself.
            self.socket = ssl_ctx.wrap_socket(self.socket, server_side=True,
                                              do_handshake_on_connect=False)

    def handle_error(self, request, client_address):
        if self.app.verbose:
            http.server.HTTPServer.handle_error(self, request, client_address)


def main(argv=None):
    doc = __doc__
    ap = argparse.ArgumentParser(
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Local mock of Tencent Cloud VOD, API Gateway and new-api "
                    "for revokit tests (127.0.0.1 only). The error model is "
                    "described at the head of mockcloud.py.",
        epilog=doc[doc.index("Control interface"):])
    ap.add_argument("--port", type=int, default=0,
                    help="TCP port on 127.0.0.1 (0 = ephemeral; the bound port is "
                         "printed on stdout as 'mockcloud listening on 127.0.0.1:PORT')")
    ap.add_argument("--control-port", type=int, default=None,
                    help="also serve /__mock/ on this plain-HTTP port of 127.0.0.1 (0 = ephemeral)")
    ap.add_argument("--certs", default=None,
                    help="certificate directory (created/reused; ca.pem there is the "
                         "clients' --ca-file). Default: a fresh temporary directory")
    ap.add_argument("--plain-http", action="store_true", help="serve plain HTTP, no TLS")
    ap.add_argument("--credential", action="append", metavar="ID:KEY[:TOKEN]",
                    help="Tencent SecretId:SecretKey[:session token] (repeatable). "
                         "Default: %s:%s" % (DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY))
    ap.add_argument("--seed", metavar="FILE", help="JSON seed file (format in the docstring)")
    ap.add_argument("--list-delay", type=float, default=30.0,
                    help="seconds DescribeAigcApiTokens lags creations/deletions (default 30)")
    ap.add_argument("--clock-offset", type=float, default=0.0,
                    help="seconds added to the mock's clock (Date header, skew check)")
    ap.add_argument("--newapi-mode", choices=("current", "legacy", "old"), default="current",
                    help="new-api generation to imitate (default current)")
    ap.add_argument("--newapi-host", default=DEFAULT_NEWAPI_HOST,
                    help="Host name served as new-api (default %s)" % DEFAULT_NEWAPI_HOST)
    ap.add_argument("--ready-file", metavar="FILE",
                    help="when listening, write the port (line 1) and the control port "
                         "if any (line 2) to FILE (written atomically)")
    ap.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = ap.parse_args(argv)

    app = App(args)
    ctx = None
    if not args.plain_http:
        d = args.certs
        if d is None:
            import tempfile
            d = tempfile.mkdtemp(prefix="mockcloud-certs-")
        cs = certs.ensure(d, [VOD_HOST, APIGW_HOST, args.newapi_host, "localhost"])
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(*cs.server)
        print("mockcloud CA file: %s" % cs.ca_file, flush=True)
    srv = Server(("127.0.0.1", args.port), app, ctx)
    app.port = srv.server_address[1]
    servers = [srv]
    cport = None
    if args.control_port is not None:
        csrv = Server(("127.0.0.1", args.control_port), app, None, control_only=True)
        cport = csrv.server_address[1]
        servers.append(csrv)
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print("mockcloud listening on 127.0.0.1:%d (%s)%s" % (
        app.port, "http" if args.plain_http else "https",
        " control http://127.0.0.1:%d" % cport if cport else ""), flush=True)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % app.port + ("%d\n" % cport if cport else ""))
        os.replace(tmp, args.ready_file)

    import signal
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    while not stop.wait(0.5):
        pass
    for s in servers:
        s.shutdown()
        s.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
