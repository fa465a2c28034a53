#!/usr/bin/env python3
"""fw_net_check.py - host-side checks of tests/sim/run_firmware_net.sh.

  fw_net_check.py state PORT CA intact|revoked
      the mock's state (GET /__mock/state, /__mock/log over TLS with the
      test CA) after the firmware ran against seed-demo.json: either
      nothing touched (the bad-anchor run) or exactly the device's three
      credentials revoked.
  fw_net_check.py connects STRACE_LOG
      every connect() QEMU and its relay processes made went to 127.0.0.1
      (or a local socket): nothing reached anything else.

Prints one "ok <check>" / "FAIL <check>: why" line per check and ends with
"N passed, N failed"; exits 1 if any failed.
"""
import json
import re
import ssl
import sys
import urllib.request

VOD_TOKEN = "dqFQejeK2BMU8PRmc57gx9OSGKa72PwN"
VOD_OTHER = "8Tul4P4EiJKZ80AfF11HApbYSyK4uj1e"
APIGW_KEY = "AKIDdemoDeviceKey0000000000000000001"
APIGW_BOUND = "AKIDdemoBoundKey00000000000000000002"

results = []


def check(name, cond, why=""):
    results.append(bool(cond))
    print(("ok   " + name) if cond else ("FAIL %s: %s" % (name, why)))


def get(port, ca, path):
    ctx = ssl.create_default_context(cafile=ca)
    with urllib.request.urlopen("https://localhost:%d%s" % (port, path), context=ctx,
                                timeout=10) as r:
        return json.load(r)


def state(port, ca, expect):
    st = get(port, ca, "/__mock/state")
    reqs = get(port, ca, "/__mock/log")["requests"]
    vod = {t["token"]: t for t in st["vod"]["apps"]["251006666"]}
    keys = {k["id"]: k for k in st["apigw"]["keys"]}
    toks = {t["id"]: t for t in st["newapi"]["tokens"]}
    if expect == "intact":
        check("mock received no request", len(reqs) == 0, "%d requests" % len(reqs))
        check("VOD token still there", not vod[VOD_TOKEN]["deleted"], vod[VOD_TOKEN])
        check("API key still enabled", keys.get(APIGW_KEY, {}).get("status") == "enabled",
              keys.get(APIGW_KEY))
        check("new-api token 42 still there", not toks[42]["deleted"], toks[42])
        return
    check("VOD token deleted", vod[VOD_TOKEN]["deleted"], vod[VOD_TOKEN])
    check("other VOD token kept", not vod[VOD_OTHER]["deleted"], vod[VOD_OTHER])
    check("API key deleted", APIGW_KEY not in keys, keys.get(APIGW_KEY))
    check("bound API key untouched", keys.get(APIGW_BOUND, {}).get("status") == "enabled",
          keys.get(APIGW_BOUND))
    check("new-api token 42 deleted", toks[42]["deleted"], toks[42])
    check("new-api token 43 kept", not toks[43]["deleted"], toks[43])
    seq = []
    for r in reqs:
        h = {k.lower(): v for k, v in r["headers"]}
        what = h.get("x-tc-action") or "%s %s" % (r["method"], r["path"])
        seq.append((r["service"], what, r["response"]["status"], r["response"]["error_code"],
                    h.get("host", "")))
    want = [("vod", "DeleteAigcApiToken", 200, None),
            ("apigateway", "DisableApiKey", 200, None),
            ("apigateway", "DeleteApiKey", 200, None),
            ("newapi", "DELETE /api/token/42", 200, None),
            ("newapi", "GET /api/token/", 200, None),
            ("vod", "DeleteAigcApiToken", 200, "InvalidParameterValue")]
    check("requests: VOD delete, API key disable then delete, new-api delete, list, "
          "VOD delete again (not found)", [s[:4] for s in seq] == want, seq)
    check("real host names in Host", all(s[4] in ("vod.intl.tencentcloudapi.com",
                                                  "apigateway.intl.tencentcloudapi.com",
                                                  "newapi.example.test") for s in seq),
          [s[4] for s in seq])


def connects(path):
    seen = 0
    bad = []
    with open(path) as f:
        for line in f:
            if "connect(" not in line:
                continue
            seen += 1
            if "AF_UNIX" in line or "AF_NETLINK" in line:
                continue
            m = re.search(r'sin_addr=inet_addr\("([^"]+)"\)', line)
            if m and m.group(1) == "127.0.0.1":
                continue
            bad.append(line.strip())
    check("every connect() of QEMU and its relays went to 127.0.0.1 (%d seen)" % seen,
          seen > 0 and not bad, bad[:5] or "no connect() traced")


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "state":
        state(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 3 and sys.argv[1] == "connects":
        connects(sys.argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    p = sum(results)
    print("%d passed, %d failed" % (p, len(results) - p))
    return 0 if p == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
