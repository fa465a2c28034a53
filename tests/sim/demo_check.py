#!/usr/bin/env python3
"""demo_check - the mock-cloud side of `make demo` and tests/sim/run_demo.sh.

  demo_check.py provision SEED OUT
      Write the device's factory provisioning file (key=value lines, mode
      0600) from a mockcloud seed: the device's credentials are the first
      token of the default VOD SubAppId, the first enabled API Gateway key
      not bound to a usage plan, and the first new-api token with its
      owner's access token; plus the first Tencent signing credential.

  demo_check.py state SEED PORT CA [--expect revoked|intact] [--only vod,apigw,newapi]
      Read GET /__mock/state over TLS (trusting CA) and check each of the
      device's three credentials is revoked (VOD token deleted, API Gateway
      key deleted or disabled, new-api token deleted) - or, with
      --expect intact, that none is. Every other credential of the seed
      must be untouched either way. --only limits the first check to the
      services named. One line per check; exit 1 on any
      failure.

  demo_check.py post PORT CA PATH JSON
      POST JSON to the mock's control API (e.g. /__mock/inject); exit 1
      unless it answers 200.
"""

import http.client
import json
import os
import ssl
import sys


def device_creds(seed):
    vod = seed["vod"]
    app = str(vod.get("default_sub_app_id") or next(iter(vod["apps"])))
    first = vod["apps"][app][0]
    token = first if isinstance(first, str) else first["token"]
    key = next(k for k in seed["apigw"]["keys"]
               if k.get("status", "enabled") == "enabled" and not k.get("bound"))
    na_tok = seed["newapi"]["tokens"][0]
    user = next(u for u in seed["newapi"]["users"] if u["id"] == na_tok["user_id"])
    tc = seed["tencent_credentials"][0]
    return {
        "vod_sub_app_id": app, "vod_token": token,
        "apigw_region": key["region"], "apigw_key_id": key["id"],
        "newapi_key": na_tok["key"], "newapi_token_id": na_tok["id"],
        "newapi_user_id": user["id"], "newapi_pat": user["access_token"],
        "tencent_secret_id": tc["secret_id"], "tencent_secret_key": tc["secret_key"],
    }


def provision(seed_path, out):
    with open(seed_path) as f:
        c = device_creds(json.load(f))
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        for k, v in c.items():
            if k != "newapi_token_id":
                f.write("%s=%s\n" % (k, v))
    return 0


def mask(s):
    return s[:4] + "..." + s[-4:]


def state(seed_path, port, ca, expect, only=("vod", "apigw", "newapi")):
    with open(seed_path) as f:
        seed = json.load(f)
    c = device_creds(seed)
    ctx = ssl.create_default_context(cafile=ca)
    conn = http.client.HTTPSConnection("127.0.0.1", int(port), context=ctx, timeout=10)
    conn.request("GET", "/__mock/state", headers={"Host": "localhost"})
    st = json.loads(conn.getresponse().read())
    bad = 0

    def check(ok, what):
        nonlocal bad
        print("  %s %s" % ("ok:  " if ok else "FAIL:", what))
        bad += 0 if ok else 1

    want = expect == "revoked"
    # services not in `only` are checked for nothing but "others untouched"
    toks = st["vod"]["apps"][c["vod_sub_app_id"]]
    for t in toks:
        mine = t["token"] == c["vod_token"]
        if mine and "vod" in only:
            check(t["deleted"] == want, "mock state: VOD token %s (SubAppId %s) deleted=%s"
                  % (mask(t["token"]), c["vod_sub_app_id"], t["deleted"]))
        elif not mine:
            check(not t["deleted"], "mock state: other VOD token %s untouched" % mask(t["token"]))
    keys = {k["id"]: k for k in st["apigw"]["keys"]}
    k = keys.get(c["apigw_key_id"])
    revoked = k is None or k["status"] == "disabled"
    if "apigw" in only:
        check(revoked == want, "mock state: API Gateway key %s %s" % (
            mask(c["apigw_key_id"]), "deleted" if k is None else k["status"]))
    for sk in seed["apigw"]["keys"]:
        if sk["id"] != c["apigw_key_id"]:
            o = keys.get(sk["id"])
            check(o is not None and o["status"] == sk.get("status", "enabled"),
                  "mock state: other API Gateway key %s untouched" % mask(sk["id"]))
    for t in st["newapi"]["tokens"]:
        if t["id"] == c["newapi_token_id"]:
            if "newapi" in only:
                check(t["deleted"] == want, "mock state: new-api token %d deleted=%s"
                      % (t["id"], t["deleted"]))
        else:
            check(not t["deleted"], "mock state: other new-api token %d untouched" % t["id"])
    return 1 if bad else 0


def post(port, ca, path, body):
    ctx = ssl.create_default_context(cafile=ca)
    conn = http.client.HTTPSConnection("127.0.0.1", int(port), context=ctx, timeout=10)
    conn.request("POST", path, body=body.encode(),
                 headers={"Host": "localhost", "Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    return 0 if r.status == 200 else 1


def main(argv):
    if len(argv) == 6 and argv[1] == "post":
        return post(argv[2], argv[3], argv[4], argv[5])
    if len(argv) == 4 and argv[1] == "provision":
        return provision(argv[2], argv[3])
    if len(argv) >= 5 and argv[1] == "state":
        expect, only, rest = "revoked", ("vod", "apigw", "newapi"), argv[5:]
        while rest:
            if len(rest) < 2 or rest[0] not in ("--expect", "--only"):
                print(__doc__, file=sys.stderr)
                return 2
            if rest[0] == "--expect":
                expect = rest[1]
            else:
                only = tuple(x for x in rest[1].split(",") if x)
            rest = rest[2:]
        if expect not in ("revoked", "intact") or not set(only) <= {"vod", "apigw", "newapi"}:
            print(__doc__, file=sys.stderr)
            return 2
        return state(argv[2], argv[3], argv[4], expect, only)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
